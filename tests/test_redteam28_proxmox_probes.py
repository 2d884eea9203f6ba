"""Red-team round 28 probes: Proxmox VE (rt28pve).

Harness: R28P-1: the API path (pve+api://pve.example:8006/pve1) through the real
ProxmoxApiCollector, parser and engine, proxmoxer's client replaced by one answering each GET
from a table (`_answers`: node pve1 of 16 cores and 64 GiB, VM 100 web-01 of 2 GiB and 2
vCPUs, container 300 dns-01; a GET the table lacks answers 501, as a node without the
endpoint). R28P-2: the live hardened node over SSH (test_redteam3_host_probes._LiveNodeRunner)
with `ls -1 <guest dir>` failing; R28P-3, R28P-5: pve+dir:// of the hardened tree copied
without (or with an empty) etc/pve/lxc or qemu-server. Sources read with `fetch`: github:proxmox/pve-manager 14a22df
(PVE/API2/Cluster.pm), github:proxmox/pve-access-control 5ccd07d (src/PVE/API2/
AccessControl.pm, src/PVE/API2/ACL.pm, src/PVE/RPCEnvironment.pm, src/PVE/AccessControl.pm).

Findings:
- R28P-1 (false pass, false n/a) HVA-060, HVA-081, HVA-314: the API path takes its guests from
  GET /cluster/resources?type=vm, which skips every guest the token lacks VM.Audit on
  (Cluster.pm resources: `next if !$rpcenv->check($authuser, "/vms/$vmid", ['VM.Audit'],
  1)`). A token with VM.Audit on one guest only, or with NoAccess on /vms/<id> or on a pool,
  saw a subset: HVA-060 and HVA-081 passed their ratios without the others, HVA-314 was n/a
  ("no container on this host to evaluate") with every container hidden; nothing said the list
  was partial. Now the collector reads GET /access/permissions (the token's own effective
  privileges: get_effective_permissions, `/vms` and every ACL path, a path where it holds
  nothing left out) and the model proves the list whole only where VM.Audit on /vms
  propagates, the ACL list is whole (Sys.Audit on /access: ACL.pm read_acl) and every ACL path
  /vms/<id> and /pool[/<name>] keeps VM.Audit (AccessControl.pm roles: a nearer ACL replaces
  the inherited roles; RPCEnvironment $compile_acl_path: a pool's NoAccess trumps); else
  HVA-060/081 ask, HVA-314 asks once per node, and a report note says why.
- R28P-2 (false pass, false n/a) HVA-060, HVA-081, HVA-314: on a live node (pve+ssh, the
  hardened node replayed: test_redteam3_host_probes) a failed `ls -1 /etc/pve/lxc` (refused)
  or `ls -1 /etc/pve/qemu-server` (timed out) recorded nothing (ProxmoxFilesCollector._list
  answered [] for any failure): no container or no VM, HVA-314 n/a, the ratios passed.
  pmxcfs always shows both directories (pve-cluster 7091d92 src/pmxcfs/pmxcfs.c
  cfs_plug_link_new; src/PVE/Cluster/Setup.pm gen_local_dirs). Now the failed listing is
  recorded (pve/listings/etc/pve/<dir>.list, failed) and a collection error, and the node's
  guest list is asked as in R28P-1.
- R28P-3 (false n/a, false pass) HVA-314, HVA-060, HVA-081: a copied tree (pve+dir, the
  hardened tree copied) without etc/pve/lxc was read as a node without containers (HVA-314
  n/a), one without etc/pve/qemu-server as one without VMs. A node always has both (pmxcfs,
  as R28P-2), so the copy is not the whole node: the listing is now recorded unavailable and
  the guest list asked, as a copied tree's missing sourced file or tfa.cfg is. The
  proxmox-node fixture (a copy without containers) now holds an empty etc/pve/lxc.
- R28P-4 (wording, verdict unchanged) HVA-092: a Proxmox VE VM without limits was told its
  disks lack "<iotune>" and its NICs "<bandwidth>" (libvirt XML); now "mbps/iops rate limits"
  and "a rate= limit", the settings `qm config` shows (qemu-server e6352be6
  src/PVE/QemuServer/Drive.pm, Network.pm).
- R28P-5 (false n/a) every per-VM check: where a node showed no VM and its guest list may be
  incomplete (R28P-1, R28P-2, R28P-3, or R27P-1's VMs listed but not read), the engine's
  fallback answered "no vm on this host to evaluate" (n/a). Now such a check asks, per node,
  whether every VM on it meets the check (hvaudit.engine._no_subject); a node whose list is
  whole and empty stays n/a.

Held:
- R28P-5: a copied tree with an empty etc/pve/qemu-server: per-VM checks n/a.
- HVA-314 features keyctl, mknod, force_rw_sys on an unprivileged container: pass naming them
  ("(features: ...)"). pve-container 94f5585 LXC.pm make_seccomp_config: keyctl drops the
  `keyctl errno 38` seccomp rule, mknod has pve-lxc-syscalld create char/block nodes (the
  devices cgroup still decides which), force_rw_sys leaves /sys `rw` instead of `sys:mixed`;
  each relaxes the default profile of a user-namespaced container without handing it host
  privileges, unlike nesting or mount= (team decision whether they should be asked).
- R28P-2: `ls` answering "No such file or directory" on a live node: no container (n/a).
- R28P-1: PVEAuditor on `/`, and a NoAccess ACL on /vms/200 for another user (it does not
  apply to the token): pass, no node-wide question.

Probed by script, not kept: the API path with a token that sees no guest at all (every
per-VM check n/a "no vm on this host", R28P-5's input); HVA-314 features keyctl, mknod and
force_rw_sys (read against pve-container, held above).

Tally: 5 findings (3 false passes: R28P-1, R28P-2, R28P-3; 4 false n/a: R28P-1, R28P-2,
R28P-3, R28P-5; 1 wording: R28P-4); 13 tests, 11 failed before their fix (R28P-1 5 of 6,
R28P-2 2 of 3, R28P-3 2 of 2, R28P-4 1 of 1, R28P-5 1 of 1, each against main before it).

Leads left:
- A node whose guest list is partial but not empty: the unseen VMs get no per-VM subject;
  HVA-060/081/314 ask, the per-VM checks judge only the VMs seen (team decision: one
  node-level question per VM check, as R28P-5 does for an empty list?).
- The API path in cluster mode skips an offline node (a collection error): it is no host
  subject, and cluster-wide checks judge without it.
- HVA-092's other messages (half limits, floor-only) are libvirt-worded too where they cannot
  arise on Proxmox VE; the remediation text was already Proxmox's.
- fakepve answers GET /access/permissions for root with `/` alone, where PVE lists every
  default and ACL path (test_proxmox_api overrides it).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main
from hvaudit.collect.runner import RunResult

proxmoxer = pytest.importorskip("proxmoxer")

TOKEN = "audit@pve!hvaudit"
SECRET = "5b1e-token-secret-77"
GIB = 1024**3

VM100 = {
    "name": "web-01",
    "memory": 2048,
    "cores": 2,
    "sockets": 1,
    "onboot": 1,
    "net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1",
    "scsi0": "local-lvm:vm-100-disk-0,size=8G",
}
CT300 = {
    "hostname": "dns-01",
    "memory": 512,
    "cores": 1,
    "onboot": 1,
    "unprivileged": 1,
    "rootfs": "local-lvm:vm-300-disk-0,size=4G",
    "net0": "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:03:00,firewall=1",
}


def _answers(permissions: Any, acl: list[dict[str, Any]], guests: list[str]) -> dict[str, Any]:
    """What a node (pve1: 16 cores, 64 GiB) answers the collector's GETs; `guests`: the
    guests GET /cluster/resources lists (`qemu/100`, `lxc/300`)."""
    out: dict[str, Any] = {
        "nodes": [{"node": "pve1", "status": "online"}],
        "cluster/options": {},
        "storage": [{"storage": "local-lvm", "type": "lvmthin", "content": "images,rootdir"}],
        "access/users": [
            {"userid": "root@pam", "enable": 1, "expire": 0},
            {
                "userid": "audit@pve",
                "enable": 1,
                "expire": 0,
                "tokens": [{"tokenid": "hvaudit", "privsep": 1}],
            },
        ],
        "access/groups": [],
        "access/roles": [],
        "access/acl": acl,
        "access/tfa": [],
        "access/domains": [{"realm": "pam", "type": "pam"}, {"realm": "pve", "type": "pve"}],
        "cluster/firewall/options": {"enable": 1, "policy_in": "DROP"},
        "cluster/firewall/rules": [],
        "cluster/firewall/ipset": [],
        "cluster/firewall/aliases": [],
        "cluster/firewall/groups": [],
        "cluster/config/totem": {"cluster_name": "lab", "secauth": "on", "version": "2"},
        # the cluster's nodelist, answered with the totem (both Sys.Audit on `/`: pve-manager
        # PVE/API2/ClusterConfig.pm `nodes` and `totem`); unread, HVA-308 asks (R41E-2)
        "cluster/config/nodes": [
            {"node": "pve1", "name": "pve1", "nodeid": "1", "ring0_addr": "10.0.1.11"}
        ],
        "cluster/resources": [
            {
                "type": g.split("/")[0],
                "vmid": int(g.split("/")[1]),
                "node": "pve1",
                "status": "running",
            }
            for g in guests
        ],
        "nodes/pve1/firewall/options": {"enable": 1},
        "nodes/pve1/firewall/rules": [],
        "nodes/pve1/network": [],
        "nodes/pve1/status": {"cpuinfo": {"cores": 16, "cpus": 32}, "memory": {"total": 64 * GIB}},
        "nodes/pve1/qemu/100/config": VM100,
        "nodes/pve1/qemu/100/pending": [],
        "nodes/pve1/qemu/100/firewall/options": {"enable": 1},
        "nodes/pve1/qemu/100/firewall/rules": [],
        "nodes/pve1/qemu/100/firewall/aliases": [],
        "nodes/pve1/qemu/100/firewall/ipset": [],
        "nodes/pve1/lxc/300/config": CT300,
        "nodes/pve1/lxc/300/pending": [],
    }
    if permissions is not None:
        out["access/permissions"] = permissions
    return out


def _api_scan(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answers: dict[str, Any],
) -> dict[tuple[str, str], tuple[str, str]]:
    """Scan pve+api://pve.example:8006/pve1 through the real API collector, parser and engine,
    proxmoxer's client answering from `answers` (a GET it lacks: 501, as an old node's)."""

    class FakeApi:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def get(self, path: str, **params: Any) -> Any:
            if path in answers:
                return json.loads(json.dumps(answers[path]))
            raise proxmoxer.core.ResourceException(501, "Not Implemented", "")

    monkeypatch.setattr(proxmoxer, "ProxmoxAPI", FakeApi)
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    main(["scan", "--connect", "pve+api://pve.example:8006/pve1", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    report = json.loads(out)
    return {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"])
        for r in report["results"]
    }


USER_ACL = {
    "path": "/",
    "type": "user",
    "ugid": "audit@pve",
    "roleid": "PVEAuditor",
    "propagate": 1,
}
AUDITOR = dict.fromkeys(
    ("Datastore.Audit", "Mapping.Audit", "Pool.Audit", "SDN.Audit", "Sys.Audit", "VM.Audit"), 1
)
TOP = ("/", "/access", "/access/groups", "/nodes", "/pool", "/sdn", "/storage", "/vms")


def _acl(path: str, role: str, propagate: int = 1) -> dict[str, Any]:
    return {"path": path, "type": "token", "ugid": TOKEN, "roleid": role, "propagate": propagate}


def _run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    perms: Any,
    acl: list[dict[str, Any]],
    guests: list[str],
    roles: Sequence[dict[str, str]] = (),
) -> dict[tuple[str, str], tuple[str, str]]:
    """_api_scan with these permissions, token ACLs (beside audit@pve's PVEAuditor on `/`),
    listed guests and custom roles."""
    answers = _answers(perms, [USER_ACL, *acl], guests)
    answers["access/roles"] = list(roles)
    return _api_scan(monkeypatch, capsys, answers)


HIDDEN = (
    "GET /cluster/resources lists only the guests the API token holds VM.Audit on "
    "(pve-manager PVE/API2/Cluster.pm)"
)
RATIOS = {
    "HVA-060": "1 running or autostart VM(s) configured with 2.0 GiB{ct} on 64.0 GiB of host RAM: "
    "ratio {mem} (limit 1.5)",
    "HVA-081": "2 vCPU(s) across 1 running or autostart VM(s){cpu} on 16 core(s): ratio {cores} "
    "(limit 1)",
}
WITH_CT = {
    "ct": " and 1 running or onboot container(s) limited to 0.5 GiB",
    "mem": "0.04",
    "cpu": " and 1 CPU(s) of 1 running or onboot container(s)",
    "cores": "0.19",
}
NO_CT = {"ct": "", "mem": "0.03", "cpu": "", "cores": "0.12"}
R28P1_CASES = {
    # a token holding PVEAuditor on /vms/100 alone and a Sys.Audit role on `/`: GET
    # /cluster/resources answers VM 100 only; VM 200 and container 300 exist unseen
    "vm-audit-on-one-guest": (
        {**{p: {"Sys.Audit": 1} for p in TOP if p != "/vms"}, "/vms/100": AUDITOR},
        [_acl("/", "NodeAudit"), _acl("/vms/100", "PVEAuditor")],
        ["qemu/100"],
        [{"roleid": "NodeAudit", "privs": "Sys.Audit"}],
        NO_CT,
        "the API token holds no VM.Audit on /vms that propagates to every guest",
    ),
    # PVEAuditor on `/`, NoAccess on /vms/200: a path where the token holds nothing is left out
    # of GET /access/permissions (get_effective_permissions: `if %$path_perms`)
    "noaccess-on-one-guest": (
        dict.fromkeys(TOP, AUDITOR),
        [_acl("/", "PVEAuditor"), _acl("/vms/200", "NoAccess", 0)],
        ["qemu/100", "lxc/300"],
        [],
        WITH_CT,
        "the API token holds no VM.Audit on /vms/200 (an ACL there)",
    ),
    # NoAccess on a pool: every member's /vms/<id> is NoAccess ($compile_acl_path: "pool ACL
    # NoAccess trumps regular ACL")
    "noaccess-on-a-pool": (
        dict.fromkeys(TOP, AUDITOR),
        [_acl("/", "PVEAuditor"), _acl("/pool/db", "NoAccess")],
        ["qemu/100", "lxc/300"],
        [],
        WITH_CT,
        "the API token holds no VM.Audit on /pool/db (an ACL there)",
    ),
    # PVEAuditor on `/` but no Sys.Audit on /access: GET /access/acl lists only the ACLs the
    # token may modify, so a NoAccess below /vms would not be in the evidence
    "acl-list-partial": (
        {**dict.fromkeys(TOP, AUDITOR), "/access": {"VM.Audit": 1}},
        [_acl("/", "PVEAuditor")],
        ["qemu/100", "lxc/300"],
        [],
        WITH_CT,
        "the API token holds no Sys.Audit on /access, so GET /access/acl lists only the ACLs "
        "it may modify (pve-access-control API2/ACL.pm read_acl): an ACL that takes VM.Audit "
        "away from a guest or a pool is not in the evidence",
    ),
    # a node without GET /access/permissions (or one that refuses it)
    "permissions-not-read": (
        None,
        [_acl("/", "PVEAuditor")],
        ["qemu/100", "lxc/300"],
        [],
        WITH_CT,
        "the API token's permissions are not known (GET /access/permissions: 501 Not Implemented)",
    ),
}


@pytest.mark.parametrize("case", list(R28P1_CASES))
def test_r28p1_guests_the_token_cannot_see_are_asked(
    case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R28P-1 (false pass, false n/a): the API path's guests are GET /cluster/resources',
    which skips every guest the token lacks VM.Audit on (pve-manager 14a22df PVE/API2/
    Cluster.pm resources: `next if !$rpcenv->check($authuser, "/vms/$vmid", ['VM.Audit'],
    1)`). GET /access/permissions (pve-access-control 5ccd07d API2/AccessControl.pm,
    RPCEnvironment.pm get_effective_permissions) answers what the token holds on /vms and on
    every ACL path; GET /access/acl is whole only with Sys.Audit on /access (API2/ACL.pm
    read_acl). HVA-060 and HVA-081 passed their ratios without the unseen guests, HVA-314 was
    n/a ("no container on this host to evaluate") where containers were unseen."""
    perms, acl, guests, roles, sizes, why = R28P1_CASES[case]
    got = _run(monkeypatch, capsys, perms, acl, guests, roles)
    reason = f"{why}; {HIDDEN}"
    for check, text in RATIOS.items():
        assert got[(check, "pve1")] == (
            "manual",
            f"{text.format(**sizes)}; the guest list may be incomplete: {reason}",
        )
    assert got[("HVA-314", "pve1")] == (
        "manual",
        f"the guest list of node pve1 may be incomplete: {reason}",
    )


def test_r28p1_held_token_seeing_every_guest_passes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R28P-1 held: PVEAuditor on `/` (VM.Audit propagating to /vms) and no ACL below it that
    names the token: every guest is listed, the ratios pass, no node-wide HVA-314 question; a
    NoAccess ACL on /vms/200 for another user does not hide VM 200 from this token
    (AccessControl.pm roles: only ACLs naming the token, its user or its groups apply), and GET
    /access/permissions lists the path with the token's own privileges."""
    other = {
        "path": "/vms/200",
        "type": "user",
        "ugid": "ops@pve",
        "roleid": "NoAccess",
        "propagate": 0,
    }
    perms = {**dict.fromkeys(TOP, AUDITOR), "/vms/200": AUDITOR}
    got = _run(
        monkeypatch, capsys, perms, [_acl("/", "PVEAuditor"), other], ["qemu/100", "lxc/300"]
    )
    for check, text in RATIOS.items():
        assert got[(check, "pve1")] == ("pass", text.format(**WITH_CT))
    assert ("HVA-314", "pve1") not in got


def _live_scan(tmp_path: Path, failing: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str]]:
    """The live hardened node over SSH (test_redteam3_host_probes: its files from
    tests/fixtures/proxmox-hardened, its host facts replayed), `ls -1 <dir>` answering
    failing[dir] (a RunResult)."""
    from conftest import HARDENED_HOST, run_assessment
    from hvaudit.bundle import BundleWriter
    from hvaudit.collect.proxmox import ProxmoxFilesCollector, ProxmoxTarget
    from test_redteam3_host_probes import PVE_PROCS, _LiveNodeRunner

    class Runner(_LiveNodeRunner):
        def run(self, argv: tuple[str, ...], timeout: float) -> Any:
            if argv[:2] == ("ls", "-1") and argv[2] in failing:
                return failing[argv[2]]
            return super().run(argv, timeout)

    collector = ProxmoxFilesCollector(ProxmoxTarget.parse("pve+ssh://root@pve1/"))
    collector.runner = Runner({**HARDENED_HOST, "processes": (PVE_PROCS, 0)})
    writer = BundleWriter(tmp_path / "pve", target="pve+ssh://root@pve1/", platform="proxmox-ve")
    collector.collect(writer)
    a = run_assessment(writer.close(complete=True))
    return {
        (r.check.id, r.outcome.subject.name): (r.status.value, r.outcome.message) for r in a.results
    }


DENIED = "ls: cannot open directory '/etc/pve/lxc': Permission denied"


@pytest.mark.parametrize(
    ("failing", "why"),
    [
        (
            {"/etc/pve/lxc": RunResult("ok", b"", 2, DENIED + "\n", "", 3)},
            f"the node's container configurations are not known (/etc/pve/lxc could not be "
            f"listed: {DENIED})",
        ),
        (
            {"/etc/pve/qemu-server": RunResult("failed", b"", None, "", "timed out after 10s", 0)},
            "the node's VM configurations are not known (/etc/pve/qemu-server could not be "
            "listed: timed out after 10s)",
        ),
    ],
    ids=["lxc-refused", "qemu-server-timed-out"],
)
def test_r28p2_guest_directory_not_listed_is_asked(
    tmp_path: Path, failing: dict[str, Any], why: str
) -> None:
    """R28P-2 (false pass, false n/a): a live node whose `ls -1 /etc/pve/lxc` (or qemu-server)
    failed was read as one without containers (VMs): ProxmoxFilesCollector._list answered []
    for any failure. pmxcfs always shows both directories (pve-cluster 7091d92 src/pmxcfs/
    pmxcfs.c: cfs_plug_link_new("qemu-server", ...) and ("lxc", ...) to nodes/<node>/;
    src/PVE/Cluster/Setup.pm gen_local_dirs creates them), so a failed listing is guests not
    known, never none. Container 300 (dns-01) unlisted gave HVA-314 n/a "no container on this
    host to evaluate" and HVA-060/081 passed without it; VMs unlisted, the same."""
    got = _live_scan(tmp_path, failing)
    for check in ("HVA-060", "HVA-081"):
        status, message = got[(check, "pve-h1")]
        assert status == "manual"
        assert message.endswith(f"; the guest list may be incomplete: {why}"), message
    assert got[("HVA-314", "pve-h1")] == (
        "manual",
        f"the guest list of node pve-h1 may be incomplete: {why}",
    )


def test_r28p2_held_no_such_directory_is_no_guest(tmp_path: Path) -> None:
    """R28P-2 held: `ls` answering "No such file or directory" on a live node: no container
    directory, no container (HVA-314 n/a, no node-wide question)."""
    gone = "ls: cannot access '/etc/pve/lxc': No such file or directory\n"
    got = _live_scan(tmp_path, {"/etc/pve/lxc": RunResult("ok", b"", 2, gone, "", 1)})
    assert got[("HVA-314", "pve-h1")] == ("not_applicable", "no container on this host to evaluate")
    assert got[("HVA-060", "pve-h1")][0] == "pass"


def _tree_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], drop: str, keep_empty: bool = False
) -> dict[tuple[str, str], tuple[str, str]]:
    """pve+dir:// of a copy of the hardened node's tree without etc/pve/`drop` (or with it
    emptied: `keep_empty`)."""
    from test_redteam2_probes import PVE_HARDENED

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    shutil.rmtree(tree / "etc/pve" / drop)
    if keep_empty:
        (tree / "etc/pve" / drop).mkdir()
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    return {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"])
        for r in json.loads(out)["results"]
    }


@pytest.mark.parametrize(("drop", "kind"), [("lxc", "container"), ("qemu-server", "VM")])
def test_r28p3_copied_tree_without_guest_directory_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], drop: str, kind: str
) -> None:
    """R28P-3 (false n/a, false pass): a copied tree (pve+dir) without etc/pve/lxc was read as
    a node without containers (HVA-314 n/a "no container on this host to evaluate"), one
    without etc/pve/qemu-server as one without VMs. A node always has both (pmxcfs shows them:
    pve-cluster 7091d92 src/pmxcfs/pmxcfs.c cfs_plug_link_new, Cluster/Setup.pm
    gen_local_dirs), so the copy is not the whole node: what it lacks is unavailable, as a
    copied tree's missing sourced file or tfa.cfg is."""
    got = _tree_scan(tmp_path, capsys, drop)
    why = (
        f"the node's {kind} configurations are not known (the copied tree has no directory "
        f"/etc/pve/{drop})"
    )
    assert got[("HVA-314", "pve-h1")] == (
        "manual",
        f"the guest list of node pve-h1 may be incomplete: {why}",
    )
    for check in ("HVA-060", "HVA-081"):
        status, message = got[(check, "pve-h1")]
        assert status == "manual"
        assert why in message, message


def test_r28p4_hva092_says_proxmox_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R28P-4 (wording) HVA-092: a Proxmox VE VM without limits was told its disks lack
    "<iotune>" and its NICs "<bandwidth>", libvirt XML it has not; an auditor finds neither in
    `qm config`. Its limits are the disk's mbps/iops options (qemu-server e6352be6
    src/PVE/QemuServer/Drive.pm $add_throttle_desc: mbps, mbps_rd, iops, ...) and the NIC's
    rate= (src/PVE/QemuServer/Network.pm). The verdict (fail) is unchanged."""
    perms = dict.fromkeys(TOP, AUDITOR)
    got = _run(monkeypatch, capsys, perms, [_acl("/", "PVEAuditor")], ["qemu/100"])
    assert got[("HVA-092", "web-01")] == (
        "fail",
        "1 of 1 disk(s) without mbps/iops rate limits; 1 of 1 interface(s) without a rate= limit",
    )


def test_r28p5_vm_checks_asked_where_no_vm_is_seen(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """R28P-5 (false n/a) every per-VM check (HVA-012, HVA-090, HVA-303, ...): where the scan
    saw no VM on a node whose guest list may be incomplete (R28P-1: a token without VM.Audit
    on /vms sees none; R28P-3: a copied tree without etc/pve/qemu-server), the engine's
    fallback said "no vm on this host to evaluate" (n/a) for VMs that may exist."""
    perms = {p: {"Sys.Audit": 1} for p in TOP if p != "/vms"}
    got = _run(
        monkeypatch,
        capsys,
        perms,
        [_acl("/", "NodeAudit")],
        [],
        [{"roleid": "NodeAudit", "privs": "Sys.Audit"}],
    )
    why = f"the API token holds no VM.Audit on /vms that propagates to every guest; {HIDDEN}"
    for check in ("HVA-012", "HVA-090", "HVA-303"):
        assert got[(check, "pve1")] == (
            "manual",
            f"no VM of node pve1 in the evidence; the guest list may be incomplete: {why}",
        )
    got = _tree_scan(tmp_path, capsys, "qemu-server")
    assert got[("HVA-012", "pve-h1")] == (
        "manual",
        "no VM of node pve-h1 in the evidence; the guest list may be incomplete: the node's VM "
        "configurations are not known (the copied tree has no directory /etc/pve/qemu-server)",
    )
    # held: a node whose guest list is whole and has no VM: n/a
    tree = tmp_path / "held"
    tree.mkdir()
    got = _tree_scan(tree, capsys, "qemu-server", keep_empty=True)
    assert got[("HVA-012", "pve-h1")] == ("not_applicable", "no vm on this host to evaluate")
