"""Red-team round 36 probes: Proxmox VE's account checks and VMware ESXi (r36-vendor).

Harness (R36E-1, R36E-2): the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) copied and scanned
through the real pve+dir:// collector, parser and engine from the CLI (round 30's `_tfa_scan`
shape), /etc/pve/domains.cfg made a FIFO the reader refuses (a collection that failed, as the
API path records GET /access/domains failing: ProxmoxApiCollector._store); tfa.cfg and user.cfg
edited. Sources read with `read_file`: proxmox/pve-access-control src/PVE/Auth/PVE.pm and
PAM.pm (`options`: `tfa => { optional => 1 }`), Plugin.pm parse_config ("add default domains",
`# force type`, as parse.proxmox.parse_realms cites). R36E-3: one ESXi host record as
collect/vsphere.py writes it (test_redteam11_vmw_probes._vsphere), through the bundle writer,
parser and engine; R36E-4 the same record with config.service and no config.dateTimeInfo.
R36E-5: the Proxmox VE tree again, /etc/pve/corosync.conf removed, the node's own
/etc/corosync/corosync.conf a FIFO or a file corosync's grammar refuses.

Findings:
- R36E-1 (false pass; a wrong fail too) HVA-306: where domains.cfg was not read, every realm was
  read as one without `tfa` and no OpenID realm (`realms = {}`): alice@corp, Administrator,
  with a TOTP entry in tfa.cfg passed "2 administrator(s), all with a second factor", though
  corp may be an OpenID realm, whose login asks no tfa.cfg entry (P14-9); and without an entry
  she failed "administrators without a second factor", though corp's `tfa type=oath` asks one
  (user_get_tfa). Every realm may set `tfa`, the built-in pam and pve too (PVE::Auth::PAM and
  PVE::Auth::PVE `options`), and only those two are never OpenID. Now only a pam or pve
  administrator with an entry is judged without domains.cfg; every other one rests on it: an
  error where its collection failed, else one question naming them (`_realm_tfa_question`)
  joined with the check's other asks.
- R36E-2 (fail hidden behind an error; a false pass where the file is unavailable) HVA-312:
  domains.cfg not read ended the check with its gap, though the pam and pve realms are the
  built-in ones whatever the file says (`# force type`): ops@pve, Administrator on `/`, was
  never judged. Now the privileged users of those realms fail; the gap is the item only where
  nothing fails.
- R36E-3 (false pass) HVA-432: a host whose release was not read (config.product not reported,
  the model's "VMware ESXi", or a product with no x.y.z) passed on
  UserVars.ESXiVPsDisabledProtocols = sslv3,tlsv1,tlsv1.1, though from 8.0 Update 3 the TLS
  profile sets the protocols and the option is not judged there (L13-3; round 35's lead). Now
  such a pass is the question of the release or the profile; an option leaving an old
  protocol on still fails.
- R36E-4 (fail hidden behind a question) HVA-419: config.dateTimeInfo not reported (the
  protocol not known) was asked "Does host esx1 synchronise its clock with the site's NTP
  servers, ntpd running and started with the host?" even where config.service reports ntpd
  and ptpd both not running with policy on, a fail under either protocol (the NTP branch's
  `stopped`, the PTP branch's last `else`; round 35's lead). Now that fails, naming both.
- R36E-5 (false n/a) HVA-309: with /etc/pve/corosync.conf absent (not applicable, "a single
  node") and the node's own /etc/corosync/corosync.conf, which corosync reads and which the
  check judges where /etc/pve has none (`_corosync_runs`), not read or not parsed, the leading
  unknown took /etc/pve's absence: "a single node: no corosync.conf", n/a. Now the local
  file's error.

Held:
- R36E-1: root@pam the only administrator, with its TOTP entry, domains.cfg not read: pass
  (a pam user with an entry; a realm `tfa` only adds a factor). domains.cfg read: alice@corp
  passes by her realm's `tfa`, as before.
- R36E-2: domains.cfg not read and no pam or pve administrator but root@pam: the error, as
  before.
- R36E-3: 8.0.2 reported with the option: pass; `sslv3` alone with no release: fail.
- R36E-4: ntpd running with policy on, or ptpd not in config.service: the question, as before.
- R36E-5: neither file: not applicable, as before.

Probed by script, not kept: the API path's GET /access/domains answering 404 or 501 records
domains.cfg absent (ProxmoxApiCollector._store), read as the built-in realms alone. HVA-308
with datacenter.cfg a FIFO (its collection failed) beside `args: -incoming tcp:10.0.9.5:4444`
or `fd:3`: the file's error (asked_gap's rule for a failed collection), `tcp:0.0.0.0:4444`
still fails: no false verdict, the structural lead held. HVA-311 and HVA-307 read user.cfg
alone (nothing to judge without it); their chains fail first. HVA-410's unlisted service
follows its fails.

Tally: 5 findings (2 false passes, R36E-1 with a wrong fail; 1 false n/a; 1 fail hidden
behind an error, 1 behind a question); 17 test cases, 9 failed on main before the fixes
(R36E-1 2 of 4 on 101a77ad: pass, fail; R36E-2 1 of 2 on 101a77ad: error; R36E-3 2 of 4 on
378bfb5c: pass; R36E-4 2 of 4 on 6c3382c1: manual; R36E-5 2 of 3 on 8b9b45be: n/a), 8 held.

Leads left:
- A copied tree (pve+dir://) without domains.cfg reads it absent (the built-in realms), where
  R28P-3 makes a copy's missing directory unknown: a copy is not the node.
- R36E-1's question (domains.cfg unavailable, not failed) is reached by no collector today
  (the runners' reads are ok, absent or failed; a bundle without the artefact reaches it):
  untested.
- HVA-433 (management_vmknic): config.virtualNicManagerInfo not reported asks the whole
  question even where every vmknic shares its VLAN with a VM port group (a fail whichever is
  the management one): not probed.
- HVA-432: an option leaving TLS 1.0/1.1 on with no release read still fails, though on 8.0
  Update 3 and later the profile, not the option, governs (a possible wrong fail).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from hvaudit.cli import main
from test_redteam2_probes import PVE_HARDENED

USERS = (PVE_HARDENED / "etc/pve/user.cfg").read_text()
TFA = json.loads((PVE_HARDENED / "etc/pve/priv/tfa.cfg").read_text())
ROOT_ENTRY = TFA["users"]["root@pam"]


def _scan(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    *,
    domains_read: bool = True,
    users: str = USERS,
    tfa_users: dict[str, object] | None = None,
) -> tuple[dict[str, tuple[str, str]], Path]:
    """HVA-306 and HVA-312 of the hardened tree (pve+dir://), user.cfg `users`, tfa.cfg's users
    `tfa_users` (the fixture's: root@pam's TOTP), domains.cfg a FIFO unless `domains_read`."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    (tree / "etc/pve/user.cfg").write_text(users)
    if tfa_users is not None:
        (tree / "etc/pve/priv/tfa.cfg").write_text(json.dumps({**TFA, "users": tfa_users}))
    if not domains_read:
        (tree / "etc/pve/domains.cfg").unlink()
        os.mkfifo(tree / "etc/pve/domains.cfg")
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    got = {
        r["check_id"]: (r["status"], r["message"])
        for r in json.loads(out)["results"]
        if r["check_id"] in ("HVA-306", "HVA-312")
    }
    return got, tree


def _unread(tree: Path) -> str:
    return f"/etc/pve/domains.cfg: {tree}/etc/pve/domains.cfg: a FIFO, not read"


# --- R36E-1: HVA-306 where domains.cfg was not read ---------------------------------------------


@pytest.mark.parametrize(
    "tfa_users",
    [{"root@pam": ROOT_ENTRY, "alice@corp": ROOT_ENTRY}, {"root@pam": ROOT_ENTRY}],
    ids=["entry-realm-may-be-openid", "no-entry-realm-may-set-tfa"],
)
def test_r36e1_admin_of_an_unread_realm_is_not_judged_on_tfa_cfg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tfa_users: dict[str, object]
) -> None:
    """R36E-1 (false pass; wrong fail): alice@corp, Administrator through @admins, with
    domains.cfg not read. With a TOTP entry main passed "2 administrator(s), all with a second
    factor" (corp may be an OpenID realm: API2/OpenId.pm login asks no tfa.cfg entry); without
    one it failed "administrators without a second factor: alice@corp" (corp's `tfa` may ask
    one: user_get_tfa). Now the realm's collection failing is the item."""
    got, tree = _scan(tmp_path, capsys, domains_read=False, tfa_users=tfa_users)
    assert got["HVA-306"] == ("error", f"evidence could not be collected: {_unread(tree)}")


def test_r36e1_held_builtin_admin_with_an_entry_is_judged_without_domains(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R36E-1 held: root@pam the only administrator (no ACL for @admins, none for alice@corp's
    token, whose PVEVMAdmin makes her one), its TOTP entry in
    tfa.cfg: the pam realm is never OpenID and its `tfa` only adds a factor, so domains.cfg is
    not needed: pass."""
    users = USERS.replace("acl:1:/:@admins:Administrator:\n", "").replace(
        "acl:1:/pool/web:alice@corp!terraform:PVEVMAdmin:\n", ""
    )
    got, _ = _scan(tmp_path, capsys, domains_read=False, users=users)
    assert got["HVA-306"] == ("pass", "1 administrator(s), all with a second factor")


def test_r36e1_held_realm_tfa_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R36E-1 held: domains.cfg read, corp's `tfa type=oath` asks alice@corp's second factor."""
    got, _ = _scan(tmp_path, capsys)
    assert got["HVA-306"] == (
        "pass",
        "2 administrator(s), all with a second factor (alice@corp by their realm's tfa setting)",
    )


# --- R36E-2: HVA-312 where domains.cfg was not read ---------------------------------------------

OPS = USERS.replace("user:audit@pve", "user:ops@pve:1:0:::::\nuser:audit@pve") + (
    "acl:1:/:ops@pve:Administrator:\n"
)


def test_r36e2_pve_realm_admin_fails_without_domains(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R36E-2: ops@pve, Administrator on `/`, domains.cfg not read: main gave the file's error
    alone; the pve realm is the built-in one whatever domains.cfg holds (Plugin.pm parse_config
    `# force type`), so ops@pve is a local account: fail."""
    got, tree = _scan(tmp_path, capsys, domains_read=False, users=OPS)
    assert got["HVA-312"] == (
        "fail",
        "privileged users outside the directory: ops@pve (the other realms are not known: "
        f"{_unread(tree)})",
    )


def test_r36e2_held_no_local_admin_is_the_gap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R36E-2 held: no pam or pve administrator but root@pam, domains.cfg not read: alice@corp's
    realm type is not known, so the file's error, as before."""
    got, tree = _scan(tmp_path, capsys, domains_read=False)
    assert got["HVA-312"] == ("error", f"evidence could not be collected: {_unread(tree)}")


# --- R36E-3: HVA-432 where the host's release is not known ---------------------------------------

TLS_KEY = "UserVars.ESXiVPsDisabledProtocols"
RELEASE_Q = (
    "Does host esx1 run an ESXi release before 8.0 Update 3, or does its TLS server profile "
    "refuse SSLv3, TLS 1.0 and TLS 1.1? Evidence: `vmware -vl` on the host (or its "
    "config.product.fullName), and on 8.0 Update 3 or later `esxcli system tls server get "
    "--show-current-boot-profile` (Profile and Protocol Versions; vSphere 8 STIG "
    "ESXI-80-000247). Pass: a release before 8.0 Update 3 (where "
    "UserVars.ESXiVPsDisabledProtocols, reported disabling all three, governs), or a current "
    "boot profile NIST_2024 or COMPATIBLE, or MANUAL with protocol versions tls1.2 and tls1.3 "
    "only; fail: 8.0 Update 3 or later with a protocol version below tls1.2."
)


def _tls(tmp_path: Path, value: str, **product: str) -> tuple[str, str, str | None]:
    """HVA-432 of one ESXi host record (collect/vsphere.py's shape, test_redteam11_vmw_probes
    ._vsphere) reporting the option `value` and config.product as `product` gives it."""
    from test_redteam11_vmw_probes import _vsphere

    a = _vsphere(tmp_path, {**product, "advanced": {TLS_KEY: value}})
    ((r,),) = [[r for r in a.results if r.check.id == "HVA-432"]]
    return r.status.value, r.outcome.message, r.outcome.question


@pytest.mark.parametrize(
    ("product", "shown"),
    [({}, "VMware ESXi"), ({"product": "VMware ESXi 8.0 Update 3"}, "VMware ESXi 8.0 Update 3")],
    ids=["product-not-reported", "no-release-in-product"],
)
def test_r36e3_option_without_a_release_is_asked(
    tmp_path: Path, product: dict[str, str], shown: str
) -> None:
    """R36E-3 (false pass): the option disabling all three passed "UserVars.
    ESXiVPsDisabledProtocols = sslv3,tlsv1,tlsv1.1" with no release read, though from 8.0
    Update 3 the TLS profile sets the protocols (vSphere 8.0 Security, "TLS profiles"; L13-3
    asks the profile there): the release, or the profile, is asked."""
    assert _tls(tmp_path, "sslv3,tlsv1,tlsv1.1", **product) == (
        "manual",
        f"{TLS_KEY} = sslv3,tlsv1,tlsv1.1, but the host's release is not known (no x.y.z in "
        f"'{shown}'): from 8.0 Update 3 the TLS profile, not this deprecated option, sets the "
        "protocols",
        RELEASE_Q,
    )


@pytest.mark.parametrize(
    ("value", "product", "want"),
    [
        (
            "sslv3,tlsv1,tlsv1.1",
            "VMware ESXi 8.0.2 build-22380479",
            ("pass", f"{TLS_KEY} = sslv3,tlsv1,tlsv1.1"),
        ),
        ("sslv3", "", ("fail", f"{TLS_KEY} = sslv3: tlsv1, tlsv1.1 still enabled")),
    ],
    ids=["release-8.0.2-passes", "old-protocol-fails-without-release"],
)
def test_r36e3_held(tmp_path: Path, value: str, product: str, want: tuple[str, str]) -> None:
    """R36E-3 held: 8.0 Update 2 reported, the option governs: pass; an option leaving TLS 1.0
    and 1.1 on with no release read: fail, as before."""
    assert _tls(tmp_path, value, product=product)[:2] == want


# --- R36E-4: HVA-419 where config.dateTimeInfo is not reported -----------------------------------

STOPPED = {"running": False, "policy": "off"}
NO_TIME = "evidence unavailable: config.dateTimeInfo: not reported by the host, or not collected"


def _time(tmp_path: Path, services: dict[str, dict[str, object]]) -> tuple[str, str]:
    """HVA-419 of one ESXi host record without config.dateTimeInfo, its config.service
    `services` as collect/vsphere.py keeps them."""
    from test_redteam11_vmw_probes import _vsphere

    a = _vsphere(tmp_path, {"services": services})
    ((r,),) = [[r for r in a.results if r.check.id == "HVA-419"]]
    return r.status.value, r.outcome.message


@pytest.mark.parametrize(
    ("ntpd", "shown"),
    [
        (STOPPED, "ntpd stopped, policy off"),
        ({"running": True, "policy": "off"}, "ntpd running, policy off"),
    ],
    ids=["both-stopped", "ntpd-not-started-with-the-host"],
)
def test_r36e4_both_daemons_down_fail_whatever_the_protocol(
    tmp_path: Path, ntpd: dict[str, object], shown: str
) -> None:
    """R36E-4 (fail hidden behind a question): config.dateTimeInfo not reported (the protocol
    not known), ntpd and ptpd both reported not running with policy on: main asked "Does host
    esx1 synchronise its clock with the site's NTP servers ...?", though an NTP host fails on
    ntpd so (ESXI-80-000124) and a PTP host on ptpd (the check's PTP branch)."""
    assert _time(tmp_path, {"ntpd": ntpd, "ptpd": STOPPED}) == (
        "fail",
        f"{shown}; ptpd stopped, policy off: neither time daemon runs and starts with the host, "
        "whichever protocol the host uses (config.dateTimeInfo, which names it, not reported)",
    )


@pytest.mark.parametrize(
    "services",
    [{"ntpd": {"running": True, "policy": "on"}, "ptpd": STOPPED}, {"ntpd": STOPPED}],
    ids=["ntpd-running", "ptpd-not-reported"],
)
def test_r36e4_held(tmp_path: Path, services: dict[str, dict[str, object]]) -> None:
    """R36E-4 held: ntpd running with policy on, or ptpd not in config.service: the
    configuration's question, as before."""
    assert _time(tmp_path, services) == ("manual", NO_TIME)


# --- R36E-5: HVA-309, the node's own corosync.conf not read beside no /etc/pve copy --------------


def _corosync(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], local: str | None
) -> tuple[str, str]:
    """HVA-309 of the hardened tree (pve+dir://) without /etc/pve/corosync.conf, the node's
    /etc/corosync/corosync.conf `local` (None: a FIFO the reader refuses; "": removed)."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    (tree / "etc/pve/corosync.conf").unlink()
    own = tree / "etc/corosync/corosync.conf"
    own.unlink()
    if local is None:
        os.mkfifo(own)
    elif local:
        own.write_text(local)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    ((got,),) = [
        [
            (r["status"], r["message"])
            for r in json.loads(out)["results"]
            if r["check_id"] == "HVA-309"
        ]
    ]
    return got


@pytest.mark.parametrize(
    ("local", "why"),
    [
        (None, "/etc/corosync/corosync.conf: {tree}/etc/corosync/corosync.conf: a FIFO, not read"),
        (
            "totem {\n  crypto_cipher: none\n}\n}\n",
            "pve/files/etc/corosync/corosync.conf:4: unbalanced '}'",
        ),
    ],
    ids=["local-unread", "local-unparsed"],
)
def test_r36e5_local_corosync_gap_is_no_single_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], local: str | None, why: str
) -> None:
    """R36E-5 (false n/a): no /etc/pve/corosync.conf, and the node's own corosync.conf, which
    corosync reads (and HVA-309 judges where /etc/pve has none: `_corosync_runs`), not read or
    not parsed: main said "a single node: no corosync.conf" (not applicable). Now its error."""
    got = _corosync(tmp_path, capsys, local)
    why = why.replace("{tree}", str(tmp_path / "pve"))
    assert got == ("error", f"evidence could not be collected: {why}")


def test_r36e5_held_no_file_at_all_in_a_copy_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R36E-5 held: neither file in the tree, then not applicable ("a single node"). R37E-1
    changed it: a copied tree without /etc/pve/corosync.conf says nothing of the node's cluster
    (the copy is not the node), so the file's gap is asked."""
    assert _corosync(tmp_path, capsys, "") == (
        "manual",
        "evidence unavailable: /etc/pve/corosync.conf: the copied tree has no "
        "/etc/pve/corosync.conf",
    )
