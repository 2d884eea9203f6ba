"""Red-team round 30 probes: Proxmox VE (rt30pve).

Harness: the API path (pve+api://pve.example:8006/pve1) through the real ProxmoxApiCollector,
parser and engine, proxmoxer's client answering each GET from round 28's table
(test_redteam28_proxmox_probes._answers: node pve1, VM 100 web-01, container 300 dns-01; a GET
the table lacks answers 501) with the answers changed per probe. Sources read with `fetch`:
github:proxmox/pve-manager 14a22df (PVE/API2/Cluster.pm get_options), pve-cluster 7091d92
(src/PVE/DataCenterConfig.pm parse_datacenter_config), pve-access-control 5ccd07d
(src/PVE/API2/Domains.pm index, src/PVE/Auth/Plugin.pm $tfa_format), pve-firewall 6f1311f
(src/PVE/API2/Firewall/Cluster.pm, src/PVE/Firewall.pm $pve_fw_macros), pve-storage 0c56bad
(src/PVE/API2/Storage/Config.pm index).

Findings:
- R30P-1 (false pass) HVA-308: GET /cluster/options answers a token without Sys.Audit on `/`
  console and tag-style alone, with no error (pve-manager 14a22df PVE/API2/Cluster.pm
  get_options: "Without 'Sys.Audit' on '/' not all options are returned", `permissions => {
  user => 'all' }`). The collector rendered that answer as datacenter.cfg, so a cluster whose
  datacenter.cfg says `migration: insecure` passed "migration type secure (default) (no
  dedicated network)". Now the model reads the file as unavailable where GET
  /access/permissions shows no Sys.Audit on `/`, or, where that was not read, the answer holds
  no key beyond console, tag-style and allowed-tags (pve-cluster 7091d92 DataCenterConfig.pm
  parse_datacenter_config sets `description` and `mac_prefix` on every read): HVA-308 asks one
  question naming datacenter.cfg's `migration`/`migration_unsecure` lines, and a report note
  says why.
- R30P-2 (wrong fail) HVA-306: GET /access/domains gives a realm's `tfa` as its type alone
  (pve-access-control 5ccd07d src/PVE/API2/Domains.pm index: `$entry->{tfa} =
  $tfa_cfg->{type}`, only where parse_tfa_config read the realm's setting whole). The collector
  wrote it as `tfa oath`, which domains.cfg's grammar refuses ($tfa_format has no default key:
  src/PVE/Auth/Plugin.pm), so an administrator of a realm that enforces OATH (AccessControl.pm
  user_get_tfa: "missing required 2nd keys" without keys) failed "administrators without a
  second factor" on the API path while the same cluster's files pass. Now written
  `tfa type=oath`.
- R30P-3 (false n/a) HVA-100: GET /storage lists only the storages the token holds
  Datastore.Audit or Datastore.AllocateSpace on, with no error (pve-storage 0c56bad
  src/PVE/API2/Storage/Config.pm index: "Only list entries where you have 'Datastore.Audit' or
  'Datastore.AllocateSpace' permissions on '/storage/<storage>'"). A token holding PVEAuditor
  on /storage/local and /storage/local-lvm alone (or one whose ACL below /storage takes it
  away) did not see a dir storage of ISO images on the node: HVA-100 judged the two it saw
  "no ISO images or templates" (n/a) and said nothing of the rest. Now the model proves the
  list whole as R28P-1 proves the guest list (one of the two privileges propagated from
  /storage, Sys.Audit on /access, no ACL on /storage/<id> or /pool without them:
  hvaudit.parse.proxmox_model._storages_unseen, ProxmoxHost.storages_unseen), else HVA-100
  asks once for the storages it does not judge, and a report note says why.
- R30P-4 (wording) every check of a VM or a container, on the API path over a cluster: R29P-2's
  error for a node GET /nodes answers offline named none of its guests, though GET
  /cluster/resources lists each with its vmid and name (pve-manager 14a22df
  PVE/API2/Cluster.pm resources), so whoever answered it could not tell which VMs went
  unjudged. The collector now records them (meta `unreached_guests`, the model's
  Deployment.unreached_guests) and a VM check's error names the VMs, a container check's the
  containers (hvaudit.engine._unreached); R29P-2's test expects the VM named.
- R30P-5 (wording) HVA-092: a Proxmox VE VM with no disk and no network device was "no disks
  and no interfaces libvirt can limit" (round 28's lead); now "no disk and no network device
  (qm config)", the verdict (n/a) unchanged.
- R30P-6 (wrong fail) HVA-306: an administrator whose only second factor is a WebAuthn (or
  U2F) key failed "administrators without a second factor" where datacenter.cfg was not read
  (pve+dir:// with the file refused), though its `webauthn` is what makes that key count
  (proxmox-tfa get_webauthn; `_second_factor`'s docstring): the unread file was taken as one
  without `webauthn`. Now asked, naming why the file is not known (R30P-1 makes the API
  path's cut answer such a file too).

Held:
- R30P-1: PVEAuditor on `/` (Sys.Audit there): `migration: insecure` fails and an empty
  answer passes as the default; with GET /access/permissions unread, an answer holding
  `description` and `mac_prefix` (a whole one) is judged as before.
- R30P-2: a realm the index gives no `tfa`: its administrator without an entry still fails.
- R30P-3: PVEAuditor on `/`: the storages GET /storage lists are all of them, no question.
- R30P-4: an offline node GET /cluster/resources lists no guest on: the errors as before, and a
  host check's error names no guest.
- R30P-6: datacenter.cfg read, with `webauthn` the key passes, without it root@pam fails.

Probed by script, not kept: pve-firewall's macros ($pve_fw_macros, Firewall.pm 6f1311f): none
takes every protocol or more than half a protocol's ports, so `_accepts_everything` and
`_vm_opened` skipping macro rules loses no "every inbound packet" (GRE, IPIP, IPsec, OSPF,
SixXS name one protocol; the widest port range is Ceph's tcp 6789,3300,6800:7568).

Tally: 6 findings (1 false pass, 2 wrong fails, 1 false n/a, 2 wording); 19 test cases in 10
functions, 11 failed on main before their fix (R30P-1 3 of 6 on 1f23f43: pass, no question, no
note; R30P-2 2 of 3 on 1f23f43: fail; R30P-3 3 of 4 on 21bd4c0: no node question; R30P-4 1 of
2 on 21bd4c0: no guest named; R30P-5 1 of 1 on 21bd4c0: libvirt's words; R30P-6 1 of 3 on
be1bdae: fail), 8 held passed before and after.

Leads left:
- Other GETs that answer every token but filter per entry without an error: GET
  /cluster/ha/resources and /pools were not read against their sources this round (the SDN
  and PCI mapping readers already take a hidden entry as not shown, which only asks).
- A storage hidden from the token is no subject of the per-VM checks that read a disk's
  storage type (devices.py, guest.py `pools`): whether each asks rather than guesses was not
  probed.
- R30P-4 names the guests GET /cluster/resources lists on an offline node; one the token may
  not see (R28P-1) is named by nothing, and each is still no subject of its own.
- Containers (LXC) have no firewall check (rounds 26, 27: team decision).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main
from test_redteam2_probes import PVE_HARDENED
from test_redteam28_proxmox_probes import (
    AUDITOR,
    SECRET,
    TOKEN,
    TOP,
    USER_ACL,
    VM100,
    _acl,
    _answers,
    _api_scan,
    proxmoxer,
)

#: GET /cluster/options as pve-manager answers a token without Sys.Audit on `/` (get_options:
#: console and tag-style where set, and allowed-tags for everyone)
FOR_ALL = {"console": "html5", "allowed-tags": []}
#: the same for a token holding Sys.Audit on `/`: the parsed datacenter.cfg, `description` and
#: `mac_prefix` always set (pve-cluster DataCenterConfig.pm parse_datacenter_config)
WHOLE = {"console": "html5", "description": "", "mac_prefix": "BC:24:11", "allowed-tags": []}
SHARED = (
    "no dedicated migration network (datacenter.cfg `migration` sets no network=): the cluster "
    "migrates over its cluster communication network"
)
BELOW_ROOT = {p: AUDITOR for p in TOP if p != "/"}
PARTIAL = (
    "GET /cluster/options answers such a token console and tag-style alone (pve-manager "
    "PVE/API2/Cluster.pm get_options): `migration`, `webauthn` and `u2f` may be set and not shown"
)
MIGRATION_QUESTION = (
    "Is live migration of type secure on node pve1's cluster, on a dedicated migration network? "
    "Evidence: /etc/pve/datacenter.cfg's `migration:` and `migration_unsecure:` lines, or `pvesh "
    "get /cluster/options` (`migration`) run as root, and `pvecm status`. Pass: the secure type "
    "(the default, both lines absent; `type=secure` or `secure`; or `migration_unsecure: 0` with "
    "no type) with `network=<CIDR>` set, or a single node (no cluster); fail: `insecure`, "
    "`migration_unsecure: 1` with no type, or a cluster with no `network=` (its migration crosses "
    "the cluster communication network)"
)


def _report(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answers: dict[str, Any],
    uri: str = "pve+api://pve.example:8006/pve1",
) -> dict[str, Any]:
    """The JSON report of `uri` answered from `answers` (a GET it lacks: 501), as
    test_redteam28_proxmox_probes._api_scan scans it."""

    class FakeApi:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def get(self, path: str, **params: Any) -> Any:
            if path in answers:
                return json.loads(json.dumps(answers[path]))
            raise proxmoxer.core.ResourceException(501, "Not Implemented", "")

    monkeypatch.setattr(proxmoxer, "ProxmoxAPI", FakeApi)
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    main(["scan", "--connect", uri, "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    report: dict[str, Any] = json.loads(out)
    return report


def _answers_with(
    perms: Any, options: dict[str, Any], acl: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Round 28's table with these token permissions (None: GET /access/permissions 501), token
    ACLs and GET /cluster/options answer."""
    answers = _answers(perms, [USER_ACL, *(acl or [_acl("/", "PVEAuditor")])], ["qemu/100"])
    answers["cluster/options"] = options
    return answers


def _scan(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    perms: Any,
    options: dict[str, Any],
    acl: list[dict[str, Any]] | None = None,
) -> dict[tuple[str, str], tuple[str, str]]:
    """(check, subject) -> (status, message) of a scan of `_answers_with`."""
    report = _report(monkeypatch, capsys, _answers_with(perms, options, acl))
    return {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"])
        for r in report["results"]
    }


#: the unread guests' question HVA-308 joins to datacenter.cfg's where the token's permissions
#: are not known (unread_peers, R35P-3: asked alone, a "yes" passed them unasked)
UNSEEN = (
    "; not compared with the guests whose definition was not read, any of which may have raw "
    "QEMU arguments (args:) that make its QEMU wait for a migration stream (-incoming) on every "
    "address or another network: guests the scan may not see (the API token's permissions are "
    "not known (GET /access/permissions: 501 Not Implemented); GET /cluster/resources lists "
    "only the guests the API token holds VM.Audit on (pve-manager PVE/API2/Cluster.pm))"
)


@pytest.mark.parametrize(
    ("perms", "why"),
    [
        (BELOW_ROOT, f"the API token holds no Sys.Audit on /, so {PARTIAL}"),
        (
            None,
            "the API token's permissions are not known (GET /access/permissions: 501 Not "
            f"Implemented); without Sys.Audit on /, {PARTIAL}{UNSEEN}",
        ),
    ],
    ids=["no-sys-audit-on-root", "permissions-not-read"],
)
def test_r30p1_datacenter_options_cut_by_permissions_are_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], perms: Any, why: str
) -> None:
    """R30P-1 (false pass): a token holding PVEAuditor on every path below `/` but none on `/`
    gets console and allowed-tags from GET /cluster/options (pve-manager 14a22df
    PVE/API2/Cluster.pm get_options), whatever datacenter.cfg's `migration` says: HVA-308 passed
    the secure default. So with GET /access/permissions unread and an answer of those keys
    alone."""
    acl = [_acl(p, "PVEAuditor") for p in TOP if p != "/"]
    got = _scan(monkeypatch, capsys, perms, FOR_ALL, acl)
    assert got[("HVA-308", "pve1")] == ("manual", f"evidence unavailable: {why}")


def test_r30p1_question_names_the_migration_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R30P-1: the question names what answers it (datacenter.cfg's two lines), and a report
    note says why the file is not taken."""
    acl = [_acl(p, "PVEAuditor") for p in TOP if p != "/"]
    report = _report(monkeypatch, capsys, _answers_with(BELOW_ROOT, FOR_ALL, acl))
    (r,) = [r for r in report["results"] if r["check_id"] == "HVA-308"]
    assert r["question"] == MIGRATION_QUESTION
    assert (
        f"datacenter.cfg may be incomplete: the API token holds no Sys.Audit on /, so {PARTIAL}"
        in report["notes"]
    )


@pytest.mark.parametrize(
    ("perms", "options", "want"),
    [
        (
            dict.fromkeys(TOP, AUDITOR),
            {**WHOLE, "migration": {"type": "insecure"}},
            (
                "fail",
                "migration type insecure (migration): guest memory crosses the network in "
                "cleartext",
            ),
        ),
        # R40E-1: no `network=` in a cluster: its migration shares the cluster network
        (dict.fromkeys(TOP, AUDITOR), {}, ("fail", SHARED)),
        (
            None,
            # a migration network (R40E-1 fails a cluster without one)
            {**WHOLE, "migration": {"type": "secure", "network": "10.0.2.0/24"}},
            (
                # R30D-6: the guests the token may not see (R28P-1) may wait for a migration
                # stream on every address by `args: -incoming`, which HVA-308 fails where read
                # R45E-1: the node's address in 10.0.2.0/24 is in no file the API answers
                "manual",
                "migration type secure on 10.0.2.0/24, and node pve1's address in it is not in "
                "the evidence: sourced file(s) /etc/network/interfaces.d/* or any other file it "
                "sources not read, and VM web-01 net0 on vmbr0 is on the node's bridges; "
                "not compared with the guests whose "
                "definition was not read, any of "
                "which may have raw QEMU arguments (args:) that make its QEMU wait for a "
                "migration stream (-incoming) on every address or another network: guests the "
                "scan may not see (the API token's permissions are not known (GET "
                "/access/permissions: 501 Not Implemented); GET /cluster/resources lists only "
                "the guests the API token holds VM.Audit on (pve-manager PVE/API2/Cluster.pm))",
            ),
        ),
    ],
    ids=["sys-audit-insecure", "sys-audit-empty", "permissions-not-read-whole-answer"],
)
def test_r30p1_held_whole_datacenter_options_are_judged(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    perms: Any,
    options: dict[str, Any],
    want: tuple[str, str],
) -> None:
    """R30P-1 held: with Sys.Audit on `/` (PVEAuditor there) the answer is datacenter.cfg whole;
    with the permissions unread, an answer holding description and mac_prefix is too."""
    got = _scan(monkeypatch, capsys, perms, options)
    assert got[("HVA-308", "pve1")] == want


ADMIN_OPS = {
    "path": "/",
    "type": "user",
    "ugid": "ops@corp",
    "roleid": "Administrator",
    "propagate": 1,
}
ROOT_TOTP = [{"userid": "root@pam", "entries": [{"type": "totp", "id": "t1"}]}]


@pytest.mark.parametrize(
    ("realm", "want"),
    [
        (
            {"realm": "corp", "type": "ldap", "tfa": "oath"},
            (
                "pass",
                "2 administrator(s), all with a second factor (ops@corp by their realm's tfa "
                "setting)",
            ),
        ),
        (
            {"realm": "corp", "type": "ldap", "tfa": "yubico"},
            (
                "pass",
                "2 administrator(s), all with a second factor (ops@corp by their realm's tfa "
                "setting)",
            ),
        ),
        (
            {"realm": "corp", "type": "ldap"},
            ("fail", "administrators without a second factor: ops@corp"),
        ),
    ],
    ids=["realm-oath", "realm-yubico", "held-realm-without-tfa"],
)
def test_r30p2_realm_tfa_from_the_api_is_read(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    realm: dict[str, str],
    want: tuple[str, str],
) -> None:
    """R30P-2 (wrong fail): ops@corp, Administrator on `/`, of an LDAP realm whose domains.cfg
    sets `tfa type=oath` (GET /access/domains: `"tfa": "oath"`, pve-access-control 5ccd07d
    API2/Domains.pm index), has a second factor enforced by the realm (AccessControl.pm
    user_get_tfa) but failed HVA-306 on the API path: `tfa oath` is no value domains.cfg takes."""
    answers = _answers(
        dict.fromkeys(TOP, AUDITOR), [USER_ACL, _acl("/", "PVEAuditor"), ADMIN_OPS], ["qemu/100"]
    )
    answers["access/users"].append({"userid": "ops@corp", "enable": 1, "expire": 0})
    answers["access/domains"].append(realm)
    answers["access/tfa"] = ROOT_TOTP
    got = _api_scan(monkeypatch, capsys, answers)
    assert got[("HVA-306", "pve1")] == want


#: a token holding Sys.Audit everywhere (a custom role on `/`), PVEAuditor on /vms and /access,
#: and PVEAuditor on two storages alone
STORAGE_PERMS = {
    **{p: {"Sys.Audit": 1} for p in TOP},
    "/vms": AUDITOR,
    "/access": AUDITOR,
    "/access/groups": AUDITOR,
    "/storage/local": AUDITOR,
    "/storage/local-lvm": AUDITOR,
}
STORAGE_ACL = [
    _acl("/", "NodeAudit"),
    _acl("/vms", "PVEAuditor"),
    _acl("/access", "PVEAuditor"),
    _acl("/storage/local", "PVEAuditor"),
    _acl("/storage/local-lvm", "PVEAuditor"),
]
STORAGE_HIDDEN = (
    "GET /storage lists only the storages the API token holds Datastore.Audit or "
    "Datastore.AllocateSpace on (pve-storage PVE/API2/Storage/Config.pm)"
)
IMAGES_ONLY = ("not_applicable", "holds images: no ISO images or templates")


def _storage_scan(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    perms: Any,
    acl: list[dict[str, Any]],
) -> dict[tuple[str, str], tuple[str, str]]:
    """Round 28's table, `local` narrowed to VM images (GET /storage: local and local-lvm), with
    these token permissions and ACLs."""
    answers = _answers(perms, [USER_ACL, *acl], ["qemu/100"])
    answers["access/roles"] = [{"roleid": "NodeAudit", "privs": "Sys.Audit"}]
    answers["storage"].append(
        {"storage": "local", "type": "dir", "path": "/var/lib/vz", "content": "images,rootdir"}
    )
    return _api_scan(monkeypatch, capsys, answers)


@pytest.mark.parametrize(
    ("perms", "acl", "why"),
    [
        (
            STORAGE_PERMS,
            STORAGE_ACL,
            "the API token holds neither Datastore.Audit nor Datastore.AllocateSpace on "
            "/storage, propagated to every storage",
        ),
        (
            dict.fromkeys(TOP, AUDITOR) | {"/storage/isos": {"Sys.Audit": 1}},
            [_acl("/", "PVEAuditor"), _acl("/storage/isos", "NodeAudit")],
            "the API token holds neither Datastore.Audit nor Datastore.AllocateSpace on "
            "/storage/isos (an ACL there)",
        ),
        (
            None,
            [_acl("/", "PVEAuditor")],
            "the API token's permissions are not known (GET /access/permissions: 501 Not "
            "Implemented)",
        ),
    ],
    ids=["audit-on-two-storages", "acl-below-storage", "permissions-not-read"],
)
def test_r30p3_storages_the_token_cannot_see_are_asked(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    perms: Any,
    acl: list[dict[str, Any]],
    why: str,
) -> None:
    """R30P-3 (false n/a): GET /storage lists only the storages the token holds
    Datastore.Audit or Datastore.AllocateSpace on (pve-storage 0c56bad
    src/PVE/API2/Storage/Config.pm index), so a dir storage `isos` of ISO images on the node
    (a fail) was no subject: HVA-100 judged local and local-lvm, both "no ISO images or
    templates", and the node's image library was judged by nothing. A NoAccess-like ACL below /storage
    (a role without Datastore.Audit there replaces the inherited ones) hides it the same way."""
    got = _storage_scan(monkeypatch, capsys, perms, acl)
    assert got[("HVA-100", "local")] == IMAGES_ONLY
    assert got[("HVA-100", "local-lvm")] == IMAGES_ONLY
    assert got[("HVA-100", "pve1")] == (
        "manual",
        "2 storage(s) of the cluster judged; the storage list may be incomplete: "
        f"{why}; {STORAGE_HIDDEN}",
    )


def test_r30p3_held_token_seeing_every_storage_has_no_question(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R30P-3 held: PVEAuditor on `/` (Datastore.Audit propagated to /storage, no ACL below it):
    the storages judged are all of them, no node question."""
    got = _storage_scan(monkeypatch, capsys, dict.fromkeys(TOP, AUDITOR), [_acl("/", "PVEAuditor")])
    assert got[("HVA-100", "local")] == IMAGES_ONLY
    assert ("HVA-100", "pve1") not in got


#: the guests GET /cluster/resources lists on pve2, a node GET /nodes answers offline
ON_PVE2 = [
    {"type": "qemu", "vmid": 200, "name": "web-10", "node": "pve2", "status": "unknown"},
    {"type": "qemu", "vmid": 201, "name": "db-01", "node": "pve2", "status": "unknown"},
    {"type": "lxc", "vmid": 301, "name": "dns-02", "node": "pve2", "status": "unknown"},
]
OFFLINE = "node pve2 was not collected (GET /nodes answers its status 'offline')"


@pytest.mark.parametrize(
    ("guests", "vms", "containers"),
    [
        (
            ON_PVE2,
            " (GET /cluster/resources lists VM(s) 200 (web-10), 201 (db-01) on it)",
            " (GET /cluster/resources lists container(s) 301 (dns-02) on it)",
        ),
        ([], "", ""),
    ],
    ids=["guests-listed", "held-no-guest-listed"],
)
def test_r30p4_offline_node_error_names_its_guests(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    guests: list[dict[str, Any]],
    vms: str,
    containers: str,
) -> None:
    """R30P-4 (wording): R29P-2's error for a cluster node GET /nodes answers offline named no
    guest of it, though GET /cluster/resources lists them (pve-manager 14a22df
    PVE/API2/Cluster.pm resources: vmid, name, node of each), so the answer to it could not
    say which VMs went unjudged. Now a VM check's error names the VMs listed there, a
    container check's the containers; a host check's error is as before."""
    answers = _answers(
        dict.fromkeys(TOP, AUDITOR), [USER_ACL, _acl("/", "PVEAuditor")], ["qemu/100"]
    )
    answers["nodes"] = [{"node": "pve1", "status": "online"}, {"node": "pve2", "status": "offline"}]
    answers["cluster/resources"] += guests
    report = _report(monkeypatch, capsys, answers, "pve+api://pve.example:8006")
    got = {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"])
        for r in report["results"]
    }
    assert got[("HVA-012", "pve2")] == ("error", f"{OFFLINE}: its VMs are not judged{vms}")
    assert got[("HVA-314", "pve2")] == (
        "error",
        f"{OFFLINE}: its containers are not judged{containers}",
    )
    assert got[("HVA-060", "pve2")] == ("error", f"{OFFLINE}: it is not judged")


def test_r30p5_hva092_na_says_proxmox_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """R30P-5 (wording) HVA-092: a Proxmox VE VM with no disk and no network device (a CD-ROM
    drive alone) was "no disks and no interfaces libvirt can limit", libvirt's words for a VM
    `qm config` shows as Proxmox VE's (R28P-4's class: qemu-server e6352be6
    src/PVE/QemuServer/Drive.pm, Network.pm). The verdict (n/a) is unchanged."""
    answers = _answers(
        dict.fromkeys(TOP, AUDITOR), [USER_ACL, _acl("/", "PVEAuditor")], ["qemu/100"]
    )
    answers["nodes/pve1/qemu/100/config"] = {
        k: v for k, v in VM100.items() if k not in ("scsi0", "net0")
    } | {"ide2": "none,media=cdrom"}
    got = _api_scan(monkeypatch, capsys, answers)
    assert got[("HVA-092", "web-01")] == (
        "not_applicable",
        "no disk and no network device (qm config)",
    )


#: tfa.cfg with root@pam's WebAuthn key alone and no WebAuthn configuration of its own (Proxmox
#: VE 7 and later keep it in datacenter.cfg `webauthn`)
WEBAUTHN_ONLY = {
    "users": {
        "root@pam": {
            "webauthn": [{"id": "w1", "description": "key", "created": 1735689600, "entry": {}}]
        }
    }
}
WEBAUTHN_DC = (
    "webauthn: rp=pve.example.org,origin=https://pve.example.org:8006,id=pve.example.org\n"
)


def _tfa_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], datacenter: str | None
) -> tuple[tuple[str, str], Path]:
    """HVA-306 of the hardened tree (pve+dir://) with root@pam's WebAuthn key alone in tfa.cfg
    and datacenter.cfg `datacenter` appended, or made a FIFO the reader refuses (None)."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    (tree / "etc/pve/priv/tfa.cfg").write_text(json.dumps(WEBAUTHN_ONLY))
    dc = tree / "etc/pve/datacenter.cfg"
    if datacenter is None:
        dc.unlink()
        os.mkfifo(dc)
    else:
        dc.write_text(dc.read_text() + datacenter)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    (r,) = [r for r in json.loads(out)["results"] if r["check_id"] == "HVA-306"]
    return (r["status"], r["message"]), tree


def test_r30p6_webauthn_key_with_datacenter_unread_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R30P-6 (wrong fail) HVA-306: root@pam's WebAuthn key counts where datacenter.cfg
    configures WebAuthn (proxmox-tfa get_webauthn, configured from datacenter.cfg `webauthn`);
    with datacenter.cfg not read, the check read it as holding no `webauthn` and failed
    "administrators without a second factor: root@pam". Now asked, naming why."""
    got, tree = _tfa_scan(tmp_path, capsys, None)
    dc = tree / "etc/pve/datacenter.cfg"
    assert got == (
        "manual",
        "administrators whose second factor is not in the evidence: root@pam (a webauthn "
        "entry, and whether datacenter.cfg configures `webauthn` is not in the evidence "
        f"(/etc/pve/datacenter.cfg: {dc}: a FIFO, not read))",
    )


@pytest.mark.parametrize(
    ("datacenter", "want"),
    [
        (
            WEBAUTHN_DC,
            (
                "pass",
                "2 administrator(s), all with a second factor (alice@corp by "
                "their realm's tfa setting)",
            ),
        ),
        ("", ("fail", "administrators without a second factor: root@pam")),
    ],
    ids=["webauthn-configured", "webauthn-not-configured"],
)
def test_r30p6_held_webauthn_key_judged_by_datacenter_cfg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], datacenter: str, want: tuple[str, str]
) -> None:
    """R30P-6 held: datacenter.cfg read: its `webauthn` makes the key a second factor (pass),
    and without it the key asks for nothing (fail), as before."""
    assert _tfa_scan(tmp_path, capsys, datacenter)[0] == want
