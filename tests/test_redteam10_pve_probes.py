r"""Red team 10, Proxmox VE: the leads of round 9 settled, and new probes (no false pass).

Findings (each pinned below):

- P10-1 (false pass, quirk; lead b): a VM configuration read as qemu-server's parse_vm_config
  reads it (PVE/QemuServer.pm, github:proxmox/qemu-server): lines end at \n only (`split(/\n/,
  $raw)`), so a form feed in a description line (`#note<FF>[snap]`) is part of that line,
  where Python's splitlines() made `[snap]` a snapshot header and read every later line as a
  snapshot's; a line of no form (`[snap]x]`, `[snap]<NBSP>`, which its `m/^\[([^\]]*)\]\s*$/`
  on bytes refuses) is warned about and skipped without leaving the current section, where
  hvaudit opened a snapshot at any `[...]`. Either way the `args: -vnc 0.0.0.0:1` qemu-server
  starts the VM with was never judged: HVA-046 pass. Also: a key given twice keeps the later
  value (`$conf->{$key} = $value`), where hvaudit refused the file (an evidence error, the VM
  unjudged); `cdrom` is `ide2`.
- P10-2 (false pass; lead a): a role holds what Proxmox VE gives it (AccessControl.pm
  create_roles from $privgroups, userconfig_force_defaults, parse_user_config): a user.cfg
  `role:PVEVMAdmin:VM.Audit:` line only adds to the built-in role, where hvaudit read it as the
  role's whole list and passed HVA-311 on a PVEVMAdmin holder's privsep 0 token (HVA-312 too);
  PVEUserAdmin on `/` (User.Modify: resets any user's password, deletes their second factors)
  is an administrator, where HVA-306 judged only custom roles by their privileges and passed.
  The API path also dropped the built-in roles of GET /access/roles, whose listed privileges
  carry such additions (a PVEAuditor given VM.PowerMgmt): they are rendered now.
  ACL precedence itself (a user's ACL over a group's at one level, the deepest level with a
  grant winning, NoAccess alone; AccessControl.pm roles()) can only take privileges away, so
  hvaudit's reading of every grant as held errs on the fail side: no false pass there.
- P10-3 (no result for an existing subject; lead d): HVA-193 (guest-controlled receive
  filters) and HVA-194 (NIC-embedded or macvtap bridging) ran on libvirt only, though their
  own reasoning names Proxmox's hostpciN: a VM given a PCI function whole, possibly an SR-IOV
  VF, had no result. They run on Proxmox VE now; a hostpci `mapping=` counts as a function
  whose class is unknown (/etc/pve/mapping/pci.cfg, not collected), where `_whole_functions`
  skipped it. A bridge NIC is a tap (qemu-server has no macvtap and no receive-filter
  hand-off): HVA-193 pass, HVA-194 n/a.
- P10-4 (false pass; lead c): HVA-306 passed an administrator on user.cfg's keys field, which
  since Proxmox VE 7 is the `x` marker API2/TFA.pm writes when an entry is added (a disabled
  entry leaves it), and the API path counted any GET /access/tfa entry, disabled ones too. The
  factor is /etc/pve/priv/tfa.cfg's entry: proxmox-tfa asks nothing where every entry is
  disabled, nor for a WebAuthn/U2F entry without that configuration, nor for a user without
  entries (the password alone logs in). Fixed: tfa.cfg is read, reduced by the collector to
  each entry's kind and enable flag (no secret reaches the bundle), the API's list likewise;
  where it is not in the evidence (a copied tree without it) a marked administrator is a
  question.
- P10-5 (false pass, and its wrong-fail twin): datacenter.cfg read as pve-common's
  parse_config reads it: a value its schema refuses is dropped (`delete $cfg->{$k}`), so a
  `migration: secure,network=10.0.2.0` (no mask) or `secure, network=...` (a key with a blank)
  leaves the deprecated `migration_unsecure: 1` in force: insecure migration passed HVA-308;
  a refused `insecure, network=...` failed it where the default, secure, holds.
- P10-6 (false pass): HVA-313 took only the SSH, SPICEproxy and VNC macros to open management
  ports; pve-firewall's PMG macro is tcp 8006 (the node's web UI and API) and Squid tcp 3128
  (its SPICE proxy): `IN PMG(ACCEPT)` from anywhere passed on a node running pve-firewall.
- P10-7 (evidence error where Proxmox VE reads the file): user.cfg `acl:1:vms:...` is /vms
  to pve-access-control's normalize_path (a `/` put before it); hvaudit refused the file, so
  every account check was an error. A path of other characters, or "0", is ignored as there.
- P10-8 (false pass, quirk): P10-1's twin for containers: pve-container's parse_pct_config has
  only `[pve:pending]` and the snapshot form for sections and splits at \n only, so `[x]`,
  `[snap] # comment` or a form feed in a description line opens nothing; hvaudit opened a
  snapshot at any bracketed line and never judged the `lxc.apparmor.profile: unconfined`
  after it (HVA-314 pass). A key given twice keeps the later value (was an evidence error).
- P10-9 (false pass): a node whose /etc/hostname holds its FQDN: hvaudit named the node
  `pve-h1.example.org` and looked for /etc/pve/nodes/pve-h1.example.org/host.fw, which does
  not exist; Proxmox VE's node name drops the domain (pve-common INotify nodename), so the
  node's host.fw (`IN ACCEPT` first) was never read and HVA-301 passed on a node running
  pve-firewall and proxmox-firewall (Proxmox VE 8.2's default pair). HVA-301 no longer passes
  where host.fw is not read at all (its rules come before the policy too): a question.
- P10-10 (false pass): HVA-307 took a VM role on `/pool` (propagated) for granular; pve-access-
  control gives a pooled VM the roles of /pool/<pool>, walking `/pool` on the way, so it
  reaches every VM of every pool.
- P10-11 (wrong fail): HVA-307 counted PVEPoolAdmin (Pool.Allocate, Pool.Audit: "allocate
  pools") among the roles that operate VMs and failed a cluster delegating it on `/`.

Probes that found nothing (pinned at the end): `args:` in `[special:cloudinit]` is not the VM's;
cluster.fw `enable: 01` is on and `enable: 2` off, as pve-firewall reads them.

Left open: HVA-303 passes a VM whose own firewall has `policy_in: ACCEPT` ("behind the VM
firewall" holds; VM-FW-R2/R3 ask where the firewall is, not what it admits: a rules check would
be a new issue); HVA-443 (snapshots: few, none older than 72 hours) is VMware's only, though
qm.conf keeps snapshots with `snaptime` (a new issue); a user ACL overriding a group's at one
level (roles(): "user privs always override group privs"), or NoAccess beside Administrator,
still counts the group's grant: a possible wrong fail, never a pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_proxmox_api import CANNED, SECRET, TOKEN, scan, seeded  # noqa: F401 - a fixture
from test_redteam2_probes import PVE_HARDENED, pve_result
from test_redteam2_probes import pve_scan as dir_scan

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()

# --- P10-1: qm.conf lines as qemu-server reads them ------------------------------------------------


@pytest.mark.parametrize(
    "before",
    ["#note\x0c[snap]\n", "[snap]x]\n", "[snap]\u00a0\n"],
    ids=["form-feed-in-description", "bracket-inside-name", "no-break-space-after-header"],
)
def test_p10_1_a_line_qemu_server_reads_as_no_header_keeps_the_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: str
) -> None:
    """Was pass. qemu-server parse_vm_config splits at \\n only and takes a header only in its
    own forms (`m/^\\[([a-z][a-z0-9_\\-]+)\\]\\s*$/i` and `m/^\\[([^\\]]*)\\]\\s*$/`, ASCII \\s): none
    of these lines opens a section, so the `args:` after it is the VM's current configuration
    (the first is a description line, the others "unable to parse config", skipped)."""
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/200.conf": VM200 + before + "args: -vnc 0.0.0.0:1\n"},
    )
    assert pve_result(report, "HVA-046", "web-10") == (
        "fail",
        "raw QEMU arguments: -vnc 0.0.0.0:1",
    )


def test_p10_1_a_key_given_twice_keeps_the_later_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was an evidence error (the VM unjudged). qemu-server: `$conf->{$key} = $value` for every
    key line, so the later `args:` is what the VM starts with."""
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/200.conf": VM200 + "args: -no-reboot\nargs: -vnc 0.0.0.0:1\n"},
    )
    assert pve_result(report, "HVA-046", "web-10") == (
        "fail",
        "raw QEMU arguments: -vnc 0.0.0.0:1",
    )
    assert (
        "pve/files/etc/pve/qemu-server/200.conf:26: args given again: qemu-server keeps this "
        "later value (qemu-server parse_vm_config)" in report["notes"]
    )


# --- P10-2: a role holds what Proxmox VE gives it ----------------------------------------------------

USERS = (PVE_HARDENED / "etc/pve/user.cfg").read_text()


def test_p10_2_a_role_line_only_adds_to_a_built_in_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass ("none with a privileged user's full rights"). userconfig_force_defaults installs
    the built-in roles and parse_user_config's `role` branch only adds privileges to a role that
    exists (`$cfg->{roles}->{$role} = {} if !$cfg->{roles}->{$role}`, then `->{$priv} = 1`), so
    `role:PVEVMAdmin:VM.Audit:` leaves PVEVMAdmin every VM privilege; hvaudit read the line as
    the role's whole list (audit only), took carol for unprivileged and skipped her privsep 0
    token."""
    users = (
        USERS.replace(
            "role:WebOperator:",
            "user:carol@pve:1:0:Carol:Ops:::\ntoken:carol@pve!ci:0:0:ci:\n"
            "role:PVEVMAdmin:VM.Audit:\nrole:WebOperator:",
        )
        + "acl:1:/pool/web:carol@pve:PVEVMAdmin:\n"
    )
    report = dir_scan(tmp_path, capsys, {"etc/pve/user.cfg": users})
    assert pve_result(report, "HVA-311", "pve-h1") == (
        "fail",
        "tokens with their user's full rights: carol@pve!ci (privsep 0: PVEVMAdmin on /pool/web)",
    )
    assert pve_result(report, "HVA-312", "pve-h1") == (
        "fail",
        "privileged users outside the directory: carol@pve (directory realms: corp)",
    )


def test_p10_2_a_user_admin_on_root_is_an_administrator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass ("2 administrator(s), all with a second factor"). PVEUserAdmin holds User.Modify
    and Realm.AllocateUser (create_roles from $privgroups): on `/` it changes any other user's
    password (API2/AccessControl.pm change_password: Realm.AllocateUser and User.Modify on the
    user's group) and deletes their second factors (API2/TFA.pm delete_tfa: User.Modify), so
    it takes over every administrator of the pve realm; hvaudit judged only custom roles by
    their privileges."""
    users = (
        USERS.replace("role:WebOperator:", "user:dave@pve:1:0:Dave:Accounts:::\nrole:WebOperator:")
        + "acl:1:/:dave@pve:PVEUserAdmin:\n"
    )
    report = dir_scan(tmp_path, capsys, {"etc/pve/user.cfg": users})
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "fail",
        "administrators without a second factor: dave@pve",
    )


def test_p10_2_api_a_built_in_role_holds_what_the_node_lists(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was pass ("1 API token(s): none with a privileged user's full rights ..."). The API path
    dropped the built-in (special) roles of GET /access/roles, whose privileges are what the node
    holds: a user.cfg `role:PVEAuditor:VM.PowerMgmt:` line adds VM.PowerMgmt to PVEAuditor
    (parse_user_config adds to the built-in role), and API2/Role.pm index lists it. audit@pve
    holds PVEAuditor on `/`, so its privsep 0 token powers every VM."""
    users = [dict(u) for u in CANNED["/access/users"]]
    users[2]["tokens"] = [{"tokenid": "scan", "privsep": 0, "expire": 0}]
    monkeypatch.setitem(CANNED, "/access/users", users)
    auditor = "Datastore.Audit,Mapping.Audit,Pool.Audit,SDN.Audit,Sys.Audit,VM.Audit"
    monkeypatch.setitem(
        CANNED,
        "/access/roles",
        [
            *CANNED["/access/roles"],
            {"roleid": "PVEAuditor", "special": 1, "privs": auditor + ",VM.PowerMgmt"},
        ],
    )
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    _, report = scan(seeded, capsys, "--ca-file", fakepve_cafile)
    r = next(
        r for r in report["results"] if (r["check_id"], r["subject"]["name"]) == ("HVA-311", "pve1")
    )
    assert (r["status"], r["message"]) == (
        "fail",
        "tokens with their user's full rights: audit@pve!scan (privsep 0: PVEAuditor on /)",
    )


# --- P10-3: promiscuous mode and NIC-embedded bridges on Proxmox VE ----------------------------------


def test_p10_3_hva193_194_judge_proxmox_vms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was no result (both checks ran on libvirt only): a Proxmox VE VM given a PCI function
    whole (qm.conf hostpciN, a cluster mapping's too) may get an SR-IOV VF whose PF's trust flag
    lets the guest turn on promiscuous mode (ip-link(8) `vf N trust`) and whose NIC's embedded
    bridge switches it to the other VFs; neither is in the evidence of a copied tree, and a
    mapping's function is in /etc/pve/mapping/pci.cfg (not collected): questions. A VM with
    bridge NICs only: qemu-server plugs a tap into the bridge (no macvtap, no receive-filter
    hand-off: github:proxmox/qemu-server searched), pass and n/a."""
    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    report = dir_scan(
        tmp_path,
        capsys,
        {
            "etc/pve/qemu-server/200.conf": VM200 + "hostpci0: 0000:65:00.0,pcie=1\n",
            "etc/pve/qemu-server/201.conf": vm201 + "hostpci0: mapping=nic1\n",
        },
    )
    unread = "class not collected: a copied configuration tree has no live host to read facts from"
    mapped = "its function is in /etc/pve/mapping/pci.cfg, not read"
    assert pve_result(report, "HVA-193", "web-10") == (
        "manual",
        f"PCI function(s) 0000:65:00.0 ({unread}) passed through whole: a network function "
        "that is an SR-IOV VF sets its receive filters through its PF's trust flag, not read",
    )
    assert pve_result(report, "HVA-193", "api-11") == (
        "manual",
        f"PCI function(s) cluster mapping nic1 ({mapped}) passed through whole: a network "
        "function that is an SR-IOV VF sets its receive filters through its PF's trust flag, "
        "not read",
    )
    assert pve_result(report, "HVA-194", "api-11") == (
        "manual",
        f"SR-IOV function(s) PCI function cluster mapping nic1 ({mapped}): VFs of one NIC reach "
        "each other through its embedded bridge unless the PF is in VEPA mode",
    )
    plain = dir_scan(tmp_path / "plain", capsys, {})
    assert pve_result(plain, "HVA-193", "web-10") == (
        "pass",
        "no interface trusts guest receive filters",
    )
    assert pve_result(plain, "HVA-194", "web-10") == (
        "not_applicable",
        "no macvtap or SR-IOV interface",
    )


# --- P10-4: a second factor is an entry of tfa.cfg Proxmox VE asks for ------------------------------

TFA = (PVE_HARDENED / "etc/pve/priv/tfa.cfg").read_text()


@pytest.mark.parametrize(
    "tfa",
    [
        TFA.replace('"created":1735689600,', '"created":1735689600,"enable":false,'),
        TFA.replace('"totp":', '"webauthn":').split(',"webauthn":{')[0] + "}",
        '{"users":{}}',
    ],
    ids=["only-entry-disabled", "webauthn-not-configured", "no-entry-marker-only"],
)
def test_p10_4_root_without_a_factor_proxmox_asks_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tfa: str
) -> None:
    """Was pass ("2 administrator(s), all with a second factor ..."): user.cfg's keys field of
    root@pam is the `x!oath` marker, and hvaudit read only it. The factor is tfa.cfg's entry:
    pve-access-control authenticate_2nd_new_do asks `$tfa_cfg->authentication_challenge`, and
    proxmox-tfa TfaUserData::challenge asks nothing where every entry is disabled ("This happens
    if 2nd factors exist but are all disabled"), nor for a WebAuthn entry without a WebAuthn
    configuration (get_webauthn: None; configure_u2f_and_wa takes it from datacenter.cfg, and
    tfa.cfg keeps none here), nor for a user without entries: the password alone logs in.
    (API2/TFA.pm writes the marker when an entry is added and clears it only when the last is
    deleted.)"""
    report = dir_scan(tmp_path, capsys, {"etc/pve/priv/tfa.cfg": tfa})
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "fail",
        "administrators without a second factor: root@pam",
    )


def test_p10_4_a_copy_without_tfa_cfg_asks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass on the user.cfg marker: a copied tree without /etc/pve/priv/tfa.cfg does not say
    whether root@pam's entry exists or is enabled: one question."""
    import shutil

    from hvaudit.cli import main

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    (tree / "etc/pve/priv/tfa.cfg").unlink()
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    import json

    report = json.loads(capsys.readouterr()[0])
    r = next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-306", "pve-h1")
    )
    assert (r["status"], r["message"]) == (
        "manual",
        "administrators whose second factor is not in the evidence: root@pam (user.cfg marks "
        "one; /etc/pve/priv/tfa.cfg: the copied tree has no /etc/pve/priv/tfa.cfg)",
    )
    assert r["question"].startswith(
        "Does each of root@pam have a second factor Proxmox VE asks for at login?"
    )


def test_p10_4_api_entries_all_disabled_are_no_factor(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was pass: the API path counted a user with any GET /access/tfa entry, disabled ones too
    (`enable: 0`, PVE::API2::TFA list_tfa; TfaInfo writes `enable` only when false); proxmox-tfa
    asks nothing for them and root@pam logs in with the password alone. alice@pve, the other
    administrator, has an enabled TOTP entry."""
    monkeypatch.setitem(
        CANNED,
        "/access/tfa",
        [
            {
                "userid": "root@pam",
                "entries": [
                    {"type": "totp", "id": "totp-1", "enable": 0},
                    {"type": "webauthn", "id": "wa-1", "enable": 0},
                ],
            },
            {"userid": "alice@pve", "entries": [{"type": "totp", "id": "totp-2"}]},
        ],
    )
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    _, report = scan(seeded, capsys, "--ca-file", fakepve_cafile)
    r = next(
        r for r in report["results"] if (r["check_id"], r["subject"]["name"]) == ("HVA-306", "pve1")
    )
    assert (r["status"], r["message"]) == (
        "fail",
        "administrators without a second factor: root@pam",
    )


# --- P10-5: a datacenter.cfg value pve-cluster refuses is dropped ------------------------------------


@pytest.mark.parametrize(
    ("migration", "status", "message"),
    [
        (
            "migration: secure,network=10.0.2.0\nmigration_unsecure: 1\n",
            "fail",
            "migration type insecure (migration_unsecure; datacenter.cfg `migration: secure,"
            "network=10.0.2.0` is refused (network '10.0.2.0' is no CIDR) and dropped by "
            "pve-cluster): guest memory crosses the network in cleartext",
        ),
        (
            "migration: secure, network=10.0.2.0/24\nmigration_unsecure: yes\n",
            "fail",
            "migration type insecure (migration_unsecure; datacenter.cfg `migration: secure, "
            "network=10.0.2.0/24` is refused (invalid key ' network') and dropped by "
            "pve-cluster): guest memory crosses the network in cleartext",
        ),
        (
            "migration: insecure, network=10.0.2.0/24\n",
            # R40E-1: the value dropped, the cluster has no migration network (was pass)
            "fail",
            "no dedicated migration network (datacenter.cfg `migration` sets no network=): the "
            "cluster migrates over its cluster communication network; datacenter.cfg `migration: "
            "insecure, network=10.0.2.0/24` is refused (invalid key ' network') and dropped by "
            "pve-cluster",
        ),
    ],
    ids=["network-without-mask", "blank-after-comma", "refused-insecure-is-the-default"],
)
def test_p10_5_a_migration_value_pve_refuses_is_dropped(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    migration: str,
    status: str,
    message: str,
) -> None:
    """Were pass, pass and fail. pve-common JSONSchema.pm parse_config checks every key against
    datacenter.cfg's schema and `delete $cfg->{$k}` on an error; `migration`'s format
    (DataCenterConfig.pm $migration_format through parse_property_string, parts not trimmed)
    refuses a network without a mask (pve_verify_cidr) and a key ` network`. The value gone,
    parse_datacenter_config takes the deprecated `migration_unsecure` ("for backwards
    compatibility only"), or the default, secure."""
    dc = (PVE_HARDENED / "etc/pve/datacenter.cfg").read_text()
    dc = dc.replace("migration: secure,network=10.0.2.0/24\n", migration)
    report = dir_scan(tmp_path, capsys, {"etc/pve/datacenter.cfg": dc})
    assert pve_result(report, "HVA-308", "pve-h1") == (status, message)


# --- P10-6: a macro opens what its ports open ---------------------------------------------------------


@pytest.mark.parametrize("macro", ["PMG", "squid"])
def test_p10_6_a_macro_on_a_management_port_from_anywhere_fails_hva313(
    tmp_path: Path, macro: str
) -> None:
    """Was pass ("IP set `management`: admin-lan, vpn-pool, !10.0.8.13; ..."). pve-firewall's
    $pve_fw_macros (src/PVE/Firewall.pm): PMG is "Proxmox Mail Gateway web interface", tcp 8006,
    the node's own web UI and API port; Squid is tcp 3128, the SPICE proxy's; names match in any
    case. hvaudit knew only SSH, SPICEproxy and VNC as macros on management ports."""
    import shutil

    from conftest import messages, outcomes
    from test_redteam3_host_probes import PVE_PROCS, PVE_TREE, pve_scan

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    fw = tree / "etc/pve/firewall/cluster.fw"
    fw.write_text(fw.read_text().replace("[RULES]\n", f"[RULES]\n\nIN {macro}(ACCEPT)\n"))
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0)}, tree)
    assert (outcomes(a, "HVA-313")["pve-h1"], messages(a, "HVA-313")["pve-h1"]) == (
        "fail",
        "cluster.fw:19 accepts management ports from any source",
    )


# --- P10-7: an ACL path as normalize_path reads it -----------------------------------------------------


def test_p10_7_an_acl_path_without_its_slash_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was an evidence error (HVA-306, 307, 311 and 312 unjudged, the scan incomplete).
    pve-access-control normalize_path puts a `/` before a path without one
    (`$path = "/$path" if $path !~ m|^/|`), so `acl:1:vms:...` grants on /vms: every VM."""
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/user.cfg": USERS + "acl:1:vms:@webops:PVEVMUser:\n"},
    )
    assert pve_result(report, "HVA-307", "pve-h1") == (
        "fail",
        "VM roles granted cluster-wide: PVEVMUser for @webops on /vms (3 per-VM or pool ACL(s) "
        "do not narrow them)",
    )


# --- P10-8: a container's configuration as pve-container reads it -----------------------------------


@pytest.mark.parametrize(
    "before",
    ["[x]\n", "#note\x0c[snap]\n", "[snap] # taken before the upgrade\n"],
    ids=["one-letter-name", "form-feed-in-description", "comment-after-header"],
)
def test_p10_8_a_line_pve_container_reads_as_no_header_keeps_the_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: str
) -> None:
    """Was pass ("unprivileged, Proxmox's AppArmor profile, ..."). pve-container
    parse_pct_config splits at \\n only and knows two section forms, `[pve:pending]` and
    `m/^\\[([a-z][a-z0-9_\\-]+)\\]\\s*$/i`; any other line of brackets is "unable to parse config",
    skipped inside the current section, so the raw `lxc.apparmor.profile: unconfined` after it
    is the container's. hvaudit opened a snapshot at any `[...]` line (and at a form feed)."""
    ct = (PVE_HARDENED / "etc/pve/lxc/300.conf").read_text()
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/lxc/300.conf": ct + before + "lxc.apparmor.profile: unconfined\n"},
    )
    assert pve_result(report, "HVA-314", "dns-01") == (
        "fail",
        "lxc.apparmor.profile: unconfined",
    )


# --- P10-9: the node's name is its host name without the domain -------------------------------------


def test_p10_9_an_fqdn_hostname_still_finds_the_nodes_host_fw(tmp_path: Path) -> None:
    """Was pass ("cluster firewall on, input policy DROP") on a node running pve-firewall and
    proxmox-firewall whose host.fw opens everything: /etc/hostname holds the FQDN, and hvaudit looked for
    /etc/pve/nodes/pve-h1.example.org/host.fw, read none and judged cluster.fw alone. The node's
    name is the host name without the domain part (pve-common PVE::INotify nodename:
    `$nodename =~ s/\\..*$//`), so its firewall file is /etc/pve/nodes/pve-h1/host.fw."""
    import shutil

    from conftest import messages, outcomes
    from test_redteam3_host_probes import PVE_PROCS, PVE_TREE, pve_scan

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    (tree / "etc/hostname").write_text("pve-h1.example.org\n")
    host_fw = tree / "etc/pve/nodes/pve-h1/host.fw"
    host_fw.write_text(host_fw.read_text().replace("[RULES]\n", "[RULES]\nIN ACCEPT\n"))
    both = "  950 root     pve-firewall\n  951 root     proxmox-firewall\n"
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS + both, 0)}, tree)
    # one node, named as Proxmox VE names it (the subject was pve-h1.example.org)
    assert (outcomes(a, "HVA-301"), messages(a, "HVA-301")) == (
        {"pve-h1": "fail"},
        {
            "pve-h1": "cluster firewall on, input policy DROP, but host.fw line 8 `IN ACCEPT` "
            "accepts every inbound packet before the policy"
        },
    )


@pytest.mark.parametrize(
    ("webauthn", "status", "message"),
    [
        (
            "webauthn: rp=pve.example.org,origin=https://pve.example.org:8006,id=pve.example.org\n",
            "pass",
            "2 administrator(s), all with a second factor (alice@corp by their realm's tfa setting)",
        ),
        (
            "webauthn: rp=pve.example.org, origin=https://pve.example.org:8006\n",
            "fail",
            "administrators without a second factor: root@pam",
        ),
    ],
    ids=["configured", "refused-configuration"],
)
def test_p10_4_a_webauthn_entry_counts_where_datacenter_cfg_configures_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    webauthn: str,
    status: str,
    message: str,
) -> None:
    """configure_u2f_and_wa hands proxmox-tfa datacenter.cfg's `webauthn`; a value with a key
    $webauthn_format does not know (` origin`: parse_property_string trims nothing) is refused
    and dropped by pve-common parse_config, so a WebAuthn-only root@pam is asked nothing."""
    tfa = TFA.replace('"totp":', '"webauthn":').split(',"webauthn":{')[0] + "}"
    dc = (PVE_HARDENED / "etc/pve/datacenter.cfg").read_text() + webauthn
    report = dir_scan(tmp_path, capsys, {"etc/pve/priv/tfa.cfg": tfa, "etc/pve/datacenter.cfg": dc})
    assert pve_result(report, "HVA-306", "pve-h1") == (status, message)


# --- P10-10: a VM role on /pool reaches every pool ---------------------------------------------------


def test_p10_10_a_vm_role_on_the_pool_root_is_cluster_wide(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass ("no VM role on '/' or '/vms'; 3 ACL(s) on VM or pool paths ..."). pve-access-
    control RPCEnvironment.pm gives a VM in a pool the roles AccessControl::roles computes for
    /pool/<pool>, which walks `/`, then `pool`, then the pool's name: a propagated ACL on /pool
    reaches every VM of every pool, not one pool."""
    report = dir_scan(
        tmp_path, capsys, {"etc/pve/user.cfg": USERS + "acl:1:/pool:bob@corp:PVEVMAdmin:\n"}
    )
    assert pve_result(report, "HVA-307", "pve-h1") == (
        "fail",
        "VM roles granted cluster-wide: PVEVMAdmin for bob@corp on /pool (3 per-VM or pool "
        "ACL(s) do not narrow them)",
    )


# --- P10-11: a pool administrator does not operate VMs -----------------------------------------------


def test_p10_11_pool_admin_on_root_operates_no_vm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was fail ("VM roles granted cluster-wide: PVEPoolAdmin for bob@corp on /"), a wrong fail
    on a cluster that delegates pool bookkeeping: PVEPoolAdmin is "allocate pools" (pveum.adoc
    "Roles"), Pool.Allocate and Pool.Audit (AccessControl.pm create_roles from $privgroups), no
    VM privilege; hvaudit listed it among the roles that operate VMs."""
    report = dir_scan(
        tmp_path, capsys, {"etc/pve/user.cfg": USERS + "acl:1:/:bob@corp:PVEPoolAdmin:\n"}
    )
    assert pve_result(report, "HVA-307", "pve-h1") == (
        "pass",
        "no VM role on '/', '/vms' or '/pool'; 3 ACL(s) on VM or pool paths: /pool/web, /vms/201",
    )


# --- Probes that found nothing (the verdicts were already right) --------------------------------------


def test_no_finding_args_in_the_cloudinit_section_are_not_current(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No finding. qemu-server parse_vm_config reads `[special:cloudinit]` into
    special-sections ("ignore validation only used for informative purpose": the cloud-init
    values last applied), not into the configuration the VM starts with: the `args:` there is
    not the VM's, and HVA-046 passes as it did."""
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/200.conf": VM200 + "[special:cloudinit]\nargs: -vnc 0.0.0.0:1\n"},
    )
    assert pve_result(report, "HVA-046", "web-10") == (
        "pass",
        "no args: (raw arguments passed to kvm) in the VM's configuration",
    )


def test_no_finding_cluster_fw_enable_with_a_leading_zero(tmp_path: Path) -> None:
    """No finding. parse_clusterfw_option `m/^(enable):\\s*(\\d+)\\s*$/i` then `int($2)`: `enable:
    01` is 1, the firewall on; `enable: 2` is a time stamp more than 60 s old, off. hvaudit read
    both as pve-firewall does."""
    from test_redteam8_pve_probes import OFF, _fw_scan

    assert _fw_scan(tmp_path / "a", lambda t: t.replace("enable: 1", "enable: 01")) == (
        "pass",
        "cluster firewall on, input policy DROP",
    )
    assert _fw_scan(tmp_path / "b", lambda t: t.replace("enable: 1", "enable: 2")) == ("fail", OFF)
