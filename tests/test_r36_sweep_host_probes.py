"""R36 sweep of the host modules (management.py, hardening.py): a check that yields one item per
subject whose FIRST open condition hides the others, so an attested "yes" to that first question
passes the subject while a fail or another question was never shown.

Harness: the conftest host_scan replay (hardened host plus overrides) through the real
collector, parser and engine; attestations written as TOML, read by the CLI's loader
(load_attestations) and applied with apply_attestations, as `hvaudit scan --attestations` does
(test_r34_elif_unknown_probes._attest_yes). Each finding's probe attests "yes" to the question
the item asked on main (that condition's own question, as a scan where it is the only open one
asks it: the harness tests pin its text) and asserts the verdict now.

Findings:
- R36S-1 (false pass, leading unknown) HVA-160: `DenyUsers root` with the Match blocks unread
  (/etc/ssh/sshd_config not read) asked whether any Match block replaces DenyUsers before
  /etc/passwd was judged: "yes" passed toor (uid 0, not in the list), to which sshd applies
  PermitRootLogin prohibit-password as to root (R15H-7). Now the other uid-0 accounts are
  judged whatever the blocks: a fail; an unread /etc/passwd is an ask beside the blocks'.
- R36S-2 (false pass, leading unknown) HVA-160: the same with `AllowUsers alice toor`: the
  blocks' question hid the list admitting toor. Now a fail.
- R36S-3 (false pass, leading unknown) HVA-230: Open vSwitch's datapath up (ovs-system) with
  `ovs-vsctl` failing was asked ("bond members are on different adapters") before the Linux
  bonds were judged: "yes" passed bond0 with both members on one card (0000:3b:00). Now the
  Linux bonds are judged first; the unread OVS ports join the other open conditions.
- R36S-4 (false pass, count question behind a leading unknown) HVA-140: passwd through sss
  with sssd.conf unreadable asked whether at most 3 accounts log in, directory accounts
  included, and stopped: "yes" passed the host with userdb's /etc/userdb/ops.user (nsswitch
  `systemd`) never counted (R34R-5's count). Now the unread SSSD settings are one part of the
  one count question ("directory accounts and userdb accounts included ... counted together").
- R36S-5 (false pass, leading unknown) HVA-215: qemu.conf written after libvirtd started
  (unavailable, R11H-1) asked whether stdio_handler is "logd" before virtlogd.conf was read:
  "yes" passed virtlogd.conf max_size = 0, which rolls nothing over (and "file" never does), a
  fail whatever the handler. Now the fail; with max_size unread too, one item asks both.
- R36S-6 (false pass, leading unknown) HVA-213: with libvirtd and virtqemud both running, the
  one first_unknown over every daemon's file asked virtqemud's unread file (--config elsewhere)
  before libvirtd.conf was judged: "yes" passed libvirtd.conf writing only to a file (round 35
  judged the gap as resting on every file; each daemon's outputs rest on its own file, unit
  override and environment only). Now the files read are judged, a fail wins, and each unread
  daemon's question joins the other open conditions; the socket units, which every file's
  verdict rests on, and an error still stand alone.

Held: each condition alone keeps its verdict and text (the harness tests); a collection that
failed (an error) still stands alone.

Tally: 6 findings (HVA-160 twice, HVA-230, HVA-140, HVA-215, HVA-213), 11 cases (6 finding
probes, 5 harness tests); the 6 finding probes failed on main 101a77ad before the fixes (each subject passing after main's own
question was attested "yes"), the 5 harness tests passed there.

Leads left: none yet.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import HARDENED_HOST, IP_LINK, messages, outcomes
from test_host_leads10 import NO_DROPINS
from test_host_leads16 import _lists
from test_r34_elif_unknown_probes import _attest_yes, _question
from test_redteam11_host_probes import AFTER, BEFORE, _mtimes

PASSWD = str(HARDENED_HOST["/etc/passwd"])

# --- R36S-1, R36S-2: HVA-160, the Match blocks unread before the other uid-0 accounts -----------

DENY_Q = (
    "Does every Match block of /etc/ssh/sshd_config or a file it includes leave DenyUsers (which "
    "a Match block replaces) unset for logins that may be root's (sshd -T shows DenyUsers root, "
    "PermitRootLogin prohibit-password, outside Match blocks)? Evidence: those files. Pass: yes, "
    "no such Match block sets it; fail: no, one does."
)
ALLOW_Q = (
    "Does every Match block of /etc/ssh/sshd_config or a file it includes leave AllowUsers "
    "(which a Match block replaces) without an entry admitting root for logins that may be "
    "root's (sshd -T shows AllowUsers alice toor, no entry for root, PermitRootLogin "
    "prohibit-password, outside Match blocks)? Evidence: those files. Pass: yes, no such Match "
    "block admits root; fail: no, one does."
)
UNREAD = "evidence unavailable: /etc/ssh/sshd_config was not read (no such file)"


def _blocks_unread(line: str, passwd: str | None = None) -> dict[str, object]:
    """A global user list (`_lists`: toor has uid 0 unless `passwd`), sshd_config not read."""
    o = _lists(line, "") if passwd is None else _lists(line, "", passwd)
    return {**o, "/etc/ssh/sshd_config": None}


def test_r36s1_harness_blocks_unread_alone(host_scan) -> None:
    """Held: with root the only uid-0 account, the unread Match blocks alone ask main's
    question (DenyUsers; AllowUsers asks its twin, ALLOW_Q, pinned in the finding probe's
    attestation)."""
    a = host_scan(_blocks_unread("DenyUsers root", PASSWD))
    assert (outcomes(a, "HVA-160"), messages(a, "HVA-160")) == ({"hv1": "manual"}, {"hv1": UNREAD})
    assert _question(a, "HVA-160") == DENY_Q


def test_r36s1_other_uid0_account_fails_though_blocks_unread(host_scan, tmp_path: Path) -> None:
    """R36S-1: on main the blocks' question alone was asked and "yes" passed toor's login."""
    a = host_scan(_blocks_unread("DenyUsers root"))
    _attest_yes(a, DENY_Q, tmp_path, "HVA-160")
    assert (outcomes(a, "HVA-160"), messages(a, "HVA-160")) == (
        {"hv1": "fail"},
        {
            "hv1": "PermitRootLogin prohibit-password; DenyUsers root refuses root, but not toor "
            "(uid 0 in /etc/passwd), to which sshd applies PermitRootLogin as to root"
        },
    )


def test_r36s2_allow_list_admitting_toor_fails_though_blocks_unread(
    host_scan, tmp_path: Path
) -> None:
    """R36S-2: on main ALLOW_Q alone was asked and "yes" passed the list admitting toor."""
    a = host_scan(_blocks_unread("AllowUsers alice toor"))
    _attest_yes(a, ALLOW_Q, tmp_path, "HVA-160")
    assert (outcomes(a, "HVA-160"), messages(a, "HVA-160")) == (
        {"hv1": "fail"},
        {
            "hv1": "PermitRootLogin prohibit-password; AllowUsers alice toor admits no login as "
            "root, but admits toor (uid 0 in /etc/passwd), to which sshd applies PermitRootLogin "
            "as to root"
        },
    )


# --- R36S-3: HVA-230, Open vSwitch's ports unread before the Linux bonds -------------------------

#: HVA-230's own question for the OVS bond ports unread (R51S-4: the generic one named no
#: command)
OVS_Q = (
    "Are the members of each Open vSwitch bond port on this host ports of different network "
    "adapters? Evidence: `ovs-appctl bond/show` (each bond and its members), run where "
    "ovs-vswitchd runs (inside its container where Open vSwitch is containerised), and "
    "`ethtool -i MEMBER` (bus-info: the PCI device) for each member. Pass: each bond's "
    "members are on different adapters (PCI devices other than by function number), or Open "
    "vSwitch has none; fail: two members of a bond are on one adapter."
)
#: ovs-vsctl exits 1 when ovsdb-server does not answer (its socket gone): the ports unread
OVS_DOWN = (
    "",
    1,
    "ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection failed (No such file or "
    "directory)\n",
)


def _links(bond_on_one_card: bool) -> str:
    """conftest's IP_LINK (bond0 of eno1 and eno2 on two cards) with Open vSwitch's datapath
    device, as `ip -j -d link` shows it where the openvswitch module is loaded; eno2 moved to
    eno1's card (function .1 of 0000:3b:00) where `bond_on_one_card`."""
    links = json.loads(IP_LINK)
    if bond_on_one_card:
        (eno2,) = (d for d in links if d["ifname"] == "eno2")
        eno2["parentdev"] = "0000:3b:00.1"
    links.append({"ifindex": 9, "ifname": "ovs-system", "linkinfo": {"info_kind": "openvswitch"}})
    return json.dumps(links)


def test_r36s3_harness_ovs_unread_alone(host_scan) -> None:
    """Held: bond0 on two cards and the OVS ports unread: main's question, alone."""
    a = host_scan({"ip-link": (_links(False), 0), "ovs-ports": OVS_DOWN})
    assert (outcomes(a, "HVA-230"), messages(a, "HVA-230")) == (
        {"hv1": "manual"},
        {
            "hv1": "evidence unavailable: ovs-vsctl failed (exit status 1: ovs-vsctl: "
            "unix:/var/run/openvswitch/db.sock: database connection failed (No such file or "
            "directory))"
        },
    )
    assert _question(a, "HVA-230") == OVS_Q


def test_r36s3_linux_bond_on_one_card_fails_though_ovs_unread(host_scan, tmp_path: Path) -> None:
    """R36S-3: on main OVS_Q alone was asked and "yes" passed bond0 on one card."""
    a = host_scan({"ip-link": (_links(True), 0), "ovs-ports": OVS_DOWN})
    _attest_yes(a, OVS_Q, tmp_path, "HVA-230")
    assert (outcomes(a, "HVA-230"), messages(a, "HVA-230")) == (
        {"hv1": "fail"},
        {"hv1": "bond members on one adapter: bond0 (eno1, eno2 on 0000:3b:00)"},
    )


# --- R36S-4: HVA-140, SSSD's settings unread before userdb's accounts ----------------------------

#: sssd.conf without a section header: SSSD's access control unread (parse.host._sssd_conf)
SSSD_BROKEN = {"/etc/sssd/sssd.conf": "not an ini\n"}
SSSD_WHY = (
    "/etc/sssd/sssd.conf could not be read: File contains no section headers.\nfile: "
    "'<string>', line: 1\n'not an ini\\n'"
)
MSG_140 = "2 account(s) with a login shell (limit 3): root, alice"
SSSD_Q = (
    f"Does this hold for this host: {MSG_140}; can at most 3 accounts log in, directory "
    "accounts included (SSSD's access_provider in /etc/sssd/sssd.conf and "
    "/etc/sssd/conf.d/*.conf)? Evidence: the setting, file or command output it names, read "
    "where it lives (the message says why the scan could not). Pass: yes, it holds; fail: it "
    "does not."
)


def _nss(modules: str) -> dict[str, object]:
    return {
        "/etc/nsswitch.conf": f"passwd:         {modules}\ngroup:          {modules}\n"
        "hosts: files dns\n"
    }


def test_r36s4_harness_sssd_unread_alone(host_scan) -> None:
    """Held: passwd through sss with sssd.conf unreadable alone asks main's question."""
    a = host_scan({**_nss("files sss"), **SSSD_BROKEN})
    assert (outcomes(a, "HVA-140"), messages(a, "HVA-140")) == (
        {"hv1": "manual"},
        {"hv1": f"evidence unavailable: {SSSD_WHY}"},
    )
    assert _question(a, "HVA-140") == SSSD_Q


def test_r36s4_sssd_and_userdb_accounts_are_counted_together(host_scan, tmp_path: Path) -> None:
    """R36S-4: passwd through sss and systemd, sssd.conf unreadable and /etc/userdb/ops.user:
    on main SSSD_Q alone was asked and "yes" passed the host with ops never counted. Now one
    question counts both sources together."""
    ops = ("/etc/userdb/ops.user\n", 1, NO_DROPINS[2].split("\n", 1)[1])
    a = host_scan({**_nss("files sss systemd"), **SSSD_BROKEN, "userdb-records": ops})
    asked = _question(a, "HVA-140")
    _attest_yes(a, SSSD_Q, tmp_path, "HVA-140")
    assert (outcomes(a, "HVA-140"), messages(a, "HVA-140")) == (
        {"hv1": "manual"},
        {
            "hv1": f"{MSG_140}; whether the directory's accounts log in too is unknown: "
            f"{SSSD_WHY}; nsswitch passwd also resolves accounts through systemd (userdb): it "
            "provides ops"
        },
    )
    assert asked == (
        "Can at most 3 accounts log in to host hv1, directory accounts and userdb accounts "
        "included? Evidence: SSSD's access_provider in /etc/sssd/sssd.conf and "
        "/etc/sssd/conf.d/*.conf on host hv1, and the directory accounts it admits; `userdbctl "
        "user` on host hv1 (the accounts of systemd-homed and of the JSON drop-ins in "
        "/etc/userdb, /run/userdb, /run/host/userdb and /usr/lib/userdb) with their shells. "
        "Pass: at most 3 accounts in all, counted together; fail: more."
    )


# --- R36S-5: HVA-215, qemu.conf unread before virtlogd's max_size --------------------------------

#: qemu.conf written after libvirtd started (R11H-1): its settings are not what the daemon runs
QEMU_CHANGED = {"libvirt-conf-mtimes": _mtimes(AFTER, BEFORE)}
CHANGED_WHY = (
    "/etc/libvirt/qemu.conf was changed at 2024-11-27 05:10:00 UTC, after libvirtd (pid 700) "
    "started at 2024-11-27 04:00:00 UTC; the daemon reads it only when it starts, so what it "
    "runs may differ from the file"
)
#: qemu.conf changed after libvirtd started: the version the daemon read is asked (R45T-4)
HANDLER_Q = (
    "Did the /etc/libvirt/qemu.conf that libvirtd on this host read when it last started hold "
    'this: qemu.conf stdio_handler is "logd"? Evidence: that version of /etc/libvirt/qemu.conf '
    "(the configuration management's history or a backup; `ps -o lstart= -C libvirtd` dates "
    "the start), or the file itself once libvirtd has restarted; not the file as it is now. "
    "Pass: yes, it held; fail: it did not."
)


def test_r36s5_harness_qemu_conf_changed_alone(host_scan) -> None:
    """Held: qemu.conf changed after libvirtd started, virtlogd.conf's defaults: main's
    question, alone."""
    a = host_scan(QEMU_CHANGED)
    assert (outcomes(a, "HVA-215"), messages(a, "HVA-215")) == (
        {"hv1": "manual"},
        {"hv1": f"evidence unavailable: {CHANGED_WHY}"},
    )
    assert _question(a, "HVA-215") == HANDLER_Q


def test_r36s5_virtlogd_max_size_0_fails_though_qemu_conf_unread(host_scan, tmp_path: Path) -> None:
    """R36S-5: on main HANDLER_Q alone was asked and "yes" passed max_size = 0."""
    a = host_scan({**QEMU_CHANGED, "/etc/libvirt/virtlogd.conf": "max_size = 0\n"})
    _attest_yes(a, HANDLER_Q, tmp_path, "HVA-215")
    assert (outcomes(a, "HVA-215"), messages(a, "HVA-215")) == (
        {"hv1": "fail"},
        {
            "hv1": f"stdio_handler not known ({CHANGED_WHY}), but virtlogd.conf max_size = 0: "
            'virtlogd never rolls QEMU\'s log files over (and with stdio_handler = "file" '
            "nothing does)"
        },
    )


# --- R36S-6: HVA-213, one driver daemon's file unread before the other's outputs -----------------

#: libvirtd and virtqemud both running (both files judged, daemon_files), virtqemud on a file
#: named by --config, which the scan does not collect (unavailable)
BOTH = {
    "processes": (
        str(HARDENED_HOST["processes"][0])
        + "  701 root     /usr/sbin/virtqemud --timeout 120 --config /srv/virtqemud.conf\n",
        0,
    )
}
CONFIG_WHY = (
    "evidence unavailable: virtqemud runs with --config /srv/virtqemud.conf, a file hvaudit "
    "does not collect: /etc/libvirt/virtqemud.conf is not what it reads"
)
OUTPUTS_Q = (
    "Does this hold for this host: libvirt log_outputs include journald or syslog? Evidence: "
    "the setting, file or command output it names, read where it lives (the message says why "
    "the scan could not). Pass: yes, it holds; fail: it does not."
)


def test_r36s6_harness_other_daemon_file_unread_alone(host_scan) -> None:
    """Held: libvirtd.conf's outputs unset (the journal) and virtqemud's file unread: main's
    question, alone."""
    a = host_scan(BOTH)
    assert (outcomes(a, "HVA-213"), messages(a, "HVA-213")) == (
        {"hv1": "manual"},
        {"hv1": CONFIG_WHY},
    )
    assert _question(a, "HVA-213") == OUTPUTS_Q


def test_r36s6_file_only_outputs_fail_though_other_daemon_file_unread(
    host_scan, tmp_path: Path
) -> None:
    """R36S-6: libvirtd.conf writing only to a file beside virtqemud's unread file: on main
    OUTPUTS_Q alone was asked and "yes" passed libvirtd's file-only log."""
    conf = str(HARDENED_HOST["/etc/libvirt/libvirtd.conf"])
    a = host_scan(
        {
            **BOTH,
            "/etc/libvirt/libvirtd.conf": conf
            + 'log_outputs = "3:file:/var/log/libvirt/libvirtd.log"\n',
        }
    )
    _attest_yes(a, OUTPUTS_Q, tmp_path, "HVA-213")
    assert (outcomes(a, "HVA-213"), messages(a, "HVA-213")) == (
        {"hv1": "fail"},
        {
            "hv1": "libvirtd.conf: log_outputs '3:file:/var/log/libvirt/libvirtd.log' writes only "
            "to files or stderr"
        },
    )
