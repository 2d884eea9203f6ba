"""Red-team round 37 probes: Proxmox VE copied trees and VMware ESXi (r37-vendor).

Harness (R37E-1): the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) copied and
scanned through the real pve+dir:// collector, parser and engine from the CLI (round 36's
`_scan` shape), one /etc/pve file removed from the copy; tfa.cfg given alice@corp the TOTP entry
of root@pam. R37E-2: one ESXi host record as collect/vsphere.py writes it, without
config.virtualNicManagerInfo (`vmknic_traffic`), through the bundle writer, parser and engine
(test_redteam13_vmw_probes._vsphere, _mgmt_host; test_pvevmw_leads14._vmotion_stack_host).
R37E-3: the Proxmox VE copy again, /etc/pve/nodes/pve-h1/host.fw removed from it.

Findings:
- R37E-1 (false pass; a wrong fail too) HVA-308, HVA-306, HVA-312: a copied tree (pve+dir://)
  without an /etc/pve file read it absent, and the parser reads an absent file as the node's
  defaults, though the copy is not the node (R28P-3; `_read_sourced` and `_tfa` already said
  so for the files interfaces sources and tfa.cfg). Without datacenter.cfg HVA-308 passed
  "migration type secure (default) (no dedicated network)", though the node's datacenter.cfg
  may say `migration: type=insecure` (pve-cluster DataCenterConfig.pm); without domains.cfg
  HVA-306 passed "2 administrator(s), all with a second factor" on alice@corp's TOTP entry,
  though corp may be an OpenID realm whose login asks none (R36E-1's false pass, by a copy), and
  HVA-312 failed "realm corp is not in domains.cfg: no login" (pve-access-control Auth/Plugin.pm
  parse_config adds only pam and pve). Now ProxmoxFilesCollector._read records a file missing
  from a copy unavailable ("the copied tree has no PATH"): each check asks its question; R36E-1's
  question (domains.cfg unavailable, round 36's second lead) is reached and tested here.
- R37E-2 (fail hidden behind a question) HVA-433, HVA-434: config.virtualNicManagerInfo not
  reported asked the whole question ("Does Management traffic of host esx1 have a VMkernel
  adapter of its own, on a VLAN nothing else uses?") even where every VMkernel adapter shares
  its VLAN with a VM port group (ESXi's default layout: "VM Network" untagged beside
  "Management Network" on vSwitch0), whose answer is no whichever adapter carries management,
  and no with none tagged (round 36's lead); and HVA-434 asked it where an adapter of the
  vMotion TCP/IP stack (a vMotion adapter whatever the nicTypes list, L14-7) shares its VLAN
  with one. Now both fail (`_every_vmknic_shared`), naming each adapter's port group and VLAN.
- R37E-3 (false pass through a question) HVA-302, HVA-313 (HVA-301 too): a copy holding the
  node's directory /etc/pve/nodes/pve-h1 without its host.fw read it absent, the node firewall
  at its defaults ("cluster firewall on and host.fw does not disable it"), and asked only
  whether pve-firewall runs: its "yes" passed a node whose host.fw may say `enable: 0`, for
  which pve-firewall builds no input chain (compile_iptables_filter `if ($hostfw_enable)`, as
  HVA-302 cites), or may open the management ports wider. R37E-1 reached the fixed files only;
  now a copy's missing host.fw is unavailable too, and its gap is asked with the daemon.

Held:
- R37E-1: the copy holding datacenter.cfg with no `migration` line: the secure default passes,
  as before (the file read, its default stands).
- R37E-2: vmk1 alone on its VLAN (it may be the management adapter): the question, as before;
  the vMotion stack adapter alone on its VLAN (another adapter may carry vMotion too): the
  question, as before.
- R37E-3: the copy's host.fw read (`enable: 1`): the daemon's question alone, as before.

Older tests changed (separate commits): proxmox-node gains domains.cfg (the built-in realms),
proxmox-hardened an empty ha/resources.cfg, so that their verdicts rest on read files;
test_proxmox's pveproxy defaults come from an empty file; a copy without corosync.conf is
asked, not "a single node" (R36E-5's held probe, test_proxmox).

Probed by script, not kept: copies without /etc/hostname, /etc/network/interfaces,
/etc/default/pveproxy or cluster.fw (R37E-1's class: each now its file's gap where it judged the
defaults; pveproxy's and cluster.fw's fails become questions in a copy); a copy without
/etc/pve/nodes/<node>/host.fw on main changed no verdict but the question (R37E-3). The API
path's `_store` records 404/501 as absent (GET /access/domains, /cluster/options): left as
round 36 left it. The libvirtd end-to-end test passed on this branch (11 passed) before the
first landing's rebase.

Tally: 3 findings (2 false passes, R37E-1 with a wrong fail, R37E-3 through a question; 1 fail
hidden behind a question); 12 test cases, 8 failed on main before the fixes (R37E-1 3 of 4 on
a7abc470: pass, pass, fail; R37E-2 3 of 5 on a7abc470: manual; R37E-3 2 of 3 on a1443f27: the
daemon's question alone), 4 held.

Leads left:
- A copy's missing guest firewall file (/etc/pve/firewall/<vmid>.fw, listed from the
  directory) still reads as the VM firewall off (a possible wrong fail; the parser keeps only
  `ok` entries, so an API GET of a VM's firewall that failed reads the same way).
- HVA-309 asks a copy without corosync.conf the generic question ("Pass: yes, it holds"); its
  own `_corosync_question` counts "corosync not running" a fail, which a single node is not:
  neither fits a node that may be in no cluster.
- HVA-434 without config.virtualNicManagerInfo and no vMotion-stack adapter stays the whole
  question (vMotion may be on no adapter: not applicable then), even where every adapter is
  shared.
- HVA-432 (round 36's lead, not settled): the check's own source says the host describes the
  option "(Deprecated). All protocols prior to tlsv1.2 are no longer supported" from 8.0 Update
  1, while STIG ESXI-80-000161 still reads it on 8.0: an option leaving TLS 1.0/1.1 on fails on
  8.0.1 and 8.0.2 too, which may be a wrong fail (a team decision).
- tests/test_proxmox_checks.py::test_nftables_backend_is_not_guessed fails on main e2414bd3
  (R37S-4's daemon question joined to proxmox-firewall's unresolved filters), not this branch.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main
from test_pvevmw_leads14 import _vmotion_stack_host
from test_redteam2_probes import PVE_HARDENED
from test_redteam11_vmw_probes import _verdict
from test_redteam13_vmw_probes import SECURE, _mgmt_host, _vsphere

TFA = json.loads((PVE_HARDENED / "etc/pve/priv/tfa.cfg").read_text())


def _copy_scan(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    check_id: str,
    *,
    removed: str = "",
    edits: dict[str, str] | None = None,
) -> tuple[str, str, str | None]:
    """`check_id` of node pve-h1 in a copy of the hardened tree (pve+dir://) without /etc/pve
    file `removed`, files replaced by `edits`, alice@corp given root@pam's TOTP entry."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    users = {**TFA["users"], "alice@corp": TFA["users"]["root@pam"]}
    (tree / "etc/pve/priv/tfa.cfg").write_text(json.dumps({**TFA, "users": users}))
    if removed:
        (tree / "etc/pve" / removed).unlink()
    for rel, text in (edits or {}).items():
        (tree / rel).write_text(text)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    ((got,),) = [
        [
            (r["status"], r["message"], r.get("question"))
            for r in json.loads(out)["results"]
            if r["check_id"] == check_id
        ]
    ]
    return got


def _no(name: str) -> str:
    return f"evidence unavailable: /etc/pve/{name}: the copied tree has no /etc/pve/{name}"


# --- R37E-1: a file missing from a copied tree is not the node's defaults ----------------------

MIGRATION_Q = (
    "Is live migration of type secure on node pve-h1's cluster, on a dedicated migration network? "
    "Evidence: /etc/pve/datacenter.cfg's `migration:` and `migration_unsecure:` lines, or `pvesh "
    "get /cluster/options` (`migration`) run as root, and `pvecm status`. Pass: the secure type "
    "(the default, both lines absent; `type=secure` or `secure`; or `migration_unsecure: 0` with "
    "no type) with `network=<CIDR>` set, or a single node (no cluster); fail: `insecure`, "
    "`migration_unsecure: 1` with no type, or a cluster with no `network=` (its migration crosses "
    "the cluster communication network)"
)
REALM_TFA_Q = (
    "Does the login of each of alice@corp on node pve-h1's cluster ask a second factor? "
    "Evidence: /etc/pve/domains.cfg (`pveum realm list`): each user's realm, its type and `tfa`; "
    "`pveum user tfa list USER` for each. Pass: the realm sets `tfa` (type=oath or yubico), or "
    "it is no OpenID realm and the user has an enabled totp, yubico, recovery or configured "
    "webauthn/u2f entry, or it is an OpenID realm whose provider refuses a login without a "
    "second factor; fail: any logs in with a password alone."
)


def test_r37e1_copy_without_datacenter_cfg_is_no_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R37E-1 (false pass): a copy without datacenter.cfg: main passed "migration type secure
    (default) (no dedicated network)", though the node's file may set `migration:
    type=insecure`. Now the check's question."""
    got = _copy_scan(tmp_path, capsys, "HVA-308", removed="datacenter.cfg")
    assert got == ("manual", _no("datacenter.cfg"), MIGRATION_Q)


def test_r37e1_copy_without_domains_cfg_asks_the_realm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R37E-1 (false pass): a copy without domains.cfg, alice@corp (Administrator through
    @admins) with a TOTP entry: main passed "2 administrator(s), all with a second factor", the
    built-in realms alone read, though corp may be an OpenID realm (API2/OpenId.pm login asks
    no tfa.cfg entry). Now R36E-1's question of her realm."""
    got = _copy_scan(tmp_path, capsys, "HVA-306", removed="domains.cfg")
    assert got == ("manual", _no("domains.cfg"), REALM_TFA_Q)


def test_r37e1_copy_without_domains_cfg_is_no_missing_realm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R37E-1 (wrong fail): the same copy: main failed "privileged users outside the directory:
    alice@corp (realm corp is not in domains.cfg: no login, ...)", though the node's domains.cfg
    may hold corp (an AD realm in the fixture). With no pam or pve administrator but root@pam
    (R36E-2), the gap is the item."""
    status, message, _ = _copy_scan(tmp_path, capsys, "HVA-312", removed="domains.cfg")
    assert (status, message) == ("manual", _no("domains.cfg"))


def test_r37e1_held_datacenter_cfg_read_takes_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R37E-1 held: the copy's datacenter.cfg read, with no `migration` line: judged, not
    asked (the secure default, DataCenterConfig.pm); R40E-1: with no `network=` the cluster's
    migration crosses its cluster network, a fail (this passed before R40E-1)."""
    got = _copy_scan(
        tmp_path, capsys, "HVA-308", edits={"etc/pve/datacenter.cfg": "keyboard: en-us\n"}
    )
    assert got == (
        "fail",
        "no dedicated migration network (datacenter.cfg `migration` sets no network=): the "
        "cluster migrates over its cluster communication network",
        None,
    )


# --- R37E-2: HVA-433 where config.virtualNicManagerInfo is not reported --------------------------

NO_TRAFFIC = (
    "evidence unavailable: config.virtualNicManagerInfo: not reported by the host, or not collected"
)


def _pg(name: str, vlan: int) -> dict[str, Any]:
    """A standard port group of vSwitch0 (collect/vsphere.py's shape), untagged for VLAN 0."""
    return {
        "name": name,
        "switch": "vSwitch0",
        "vlan": [vlan] if vlan else [],
        "trunk": False,
        "security": SECURE,
    }


def _vmknics(tmp_path: Path, mgmt: int, vm: int, vmotion: int, tenants: int) -> tuple[str, str]:
    """HVA-433 of one ESXi host without config.virtualNicManagerInfo: vmk0 on "Management
    Network" (VLAN `mgmt`) beside "VM Network" (`vm`), vmk1 on "vMotion" (`vmotion`) beside
    "Tenants" (`tenants`)."""
    host = _mgmt_host("esx1", mgmt, _pg("VM Network", vm), _pg("vMotion", vmotion))
    host["portgroups"][0] = _pg("Management Network", mgmt)
    host["portgroups"].append(_pg("Tenants", tenants))
    host["vmknics"].append({"device": "vmk1", "portgroup": "vMotion", "dvs_portgroup": ""})
    del host["vmknic_traffic"]
    return _verdict(_vsphere(tmp_path, host), "HVA-433")


FAIL_433 = (
    "every VMkernel adapter shares its VLAN with VM port groups, so the management one does, "
    "whichever it is (config.virtualNicManagerInfo, which names it, not reported): "
)


@pytest.mark.parametrize(
    ("vlans", "shown"),
    [
        (
            (20, 20, 40, 40),
            "vmk0 (port group Management Network) VLAN 20 shared with VM Network; vmk1 (port "
            "group vMotion) VLAN 40 shared with Tenants",
        ),
        (
            (0, 0, 40, 40),
            "vmk0 (port group Management Network) untagged, on its switch with port group VM "
            "Network; vmk1 (port group vMotion) VLAN 40 shared with Tenants",
        ),
    ],
    ids=["tagged", "default-untagged-layout"],
)
def test_r37e2_every_vmknic_shared_fails_whichever_is_management(
    tmp_path: Path, vlans: tuple[int, int, int, int], shown: str
) -> None:
    """R37E-2 (fail hidden behind a question): config.virtualNicManagerInfo not reported, each
    VMkernel adapter's VLAN shared with a VM port group (ESXi's default layout puts "VM Network"
    untagged beside "Management Network" on vSwitch0): main asked "Does Management traffic of
    host esx1 have a VMkernel adapter of its own, on a VLAN nothing else uses?", whose answer is
    no whichever adapter carries management (and no with none tagged). Now that fails."""
    assert _vmknics(tmp_path, *vlans) == ("fail", FAIL_433 + shown)


def test_r37e2_held_one_vmknic_alone_is_asked(tmp_path: Path) -> None:
    """R37E-2 held: vmk1's VLAN 40 is its own (Tenants on 50): vmk1 may be the management
    adapter, alone on its VLAN: the question, as before."""
    assert _vmknics(tmp_path, 20, 20, 40, 50) == ("manual", NO_TRAFFIC)


def _stack(tmp_path: Path, tenants: int) -> tuple[str, str]:
    """HVA-434 of one ESXi host without config.virtualNicManagerInfo: vmk1 on the vMotion TCP/IP
    stack (test_pvevmw_leads14's host) on VLAN 30, VM port group "Tenants" on VLAN `tenants`."""
    host = _vmotion_stack_host(30)
    host["portgroups"].append(_pg("Tenants", tenants))
    del host["vmknic_traffic"]
    return _verdict(_vsphere(tmp_path, host), "HVA-434")


def test_r37e2_vmotion_stack_adapter_shared_fails(tmp_path: Path) -> None:
    """R37E-2 (fail hidden behind a question), HVA-434: an adapter on the vMotion TCP/IP stack
    carries vMotion whatever virtualNicManagerInfo lists (L14-7: HostNetStackInstance
    SystemStackKey `vmotion`), and its VLAN 30 is Tenants' too: main asked "Does vMotion traffic
    of host esx1 have a VMkernel adapter of its own, on a VLAN nothing else uses?". Now a fail."""
    assert _stack(tmp_path, 30) == (
        "fail",
        "vmk1 (port group vMotion) VLAN 30 shared with Tenants: on the vMotion TCP/IP stack, a "
        "vMotion adapter (config.virtualNicManagerInfo, which names the others, not reported)",
    )


def test_r37e2_held_vmotion_stack_adapter_alone_is_asked(tmp_path: Path) -> None:
    """R37E-2 held: Tenants on VLAN 50, the stack adapter alone on VLAN 30, but whether another
    adapter carries vMotion (or vmk1 another service) is not known: the question, as before."""
    assert _stack(tmp_path, 50) == ("manual", NO_TRAFFIC)


# --- R37E-3: a copied node directory without host.fw ---------------------------------------------

DAEMON_Q = (
    "is pve-firewall (or proxmox-firewall, with host.fw `nftables: 1`) running and enabled on node "
    "pve-h1? Evidence: "
)
NO_PS = (
    "whether pve-firewall or proxmox-firewall applies the rules on node pve-h1 is not in the "
    "evidence (running processes: a copied configuration tree has no live host to read facts "
    "from)"
)


def _host_fw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], check_id: str
) -> tuple[str, str, str | None]:
    """`check_id` of a copy of the hardened tree holding /etc/pve/nodes/pve-h1 without host.fw."""
    return _copy_scan(tmp_path, capsys, check_id, removed="nodes/pve-h1/host.fw")


@pytest.mark.parametrize(
    ("check_id", "condition"),
    [
        ("HVA-302", "the node firewall is on"),
        ("HVA-313", "management access is admitted from the management IP set only"),
    ],
)
def test_r37e3_copy_without_host_fw_asks_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], check_id: str, condition: str
) -> None:
    """R37E-3 (false pass): a copy holding the node's directory but not its host.fw: main read
    host.fw absent, the node firewall at its defaults ("cluster firewall on and host.fw does not
    disable it"), and asked only whether the daemon runs, whose "yes" passed a node whose host.fw
    may say `enable: 0` (no input chain: compile_iptables_filter `if ($hostfw_enable)`) or open
    the management ports wider. Now host.fw's gap is asked with the daemon."""
    status, message, question = _host_fw(tmp_path, capsys, check_id)
    assert (status, message) == ("manual", f"{_no('nodes/pve-h1/host.fw')}; {NO_PS}")
    assert question is not None
    assert question.startswith(f"Does this hold for this host: {condition}, and {DAEMON_Q}")


def test_r37e3_held_host_fw_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R37E-3 held: the copy's host.fw read (`enable: 1`): the daemon's question alone, as
    before."""
    status, message, question = _copy_scan(tmp_path, capsys, "HVA-302")
    assert (status, message) == (
        "manual",
        f"cluster firewall on and host.fw does not disable it, but {NO_PS}",
    )
    assert question is not None
    assert question.startswith("I" + DAEMON_Q[1:])
