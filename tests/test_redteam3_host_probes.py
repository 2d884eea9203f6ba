"""Third red-team re-review of issue 8, host side (rt3host): new probes on the fixed code.

Same harness as tests/test_redteam_probes.py and tests/test_redteam2_probes.py: libvirt's test
driver serves one plain VM, and host evidence comes from `ReplayRunner` (conftest's hardened Debian
host, changed only where a probe says so), so every artefact goes through the real collector,
parser and engine. Each probe asserts the verdict its cited source proves right, with a message
fragment. Where hvaudit is wrong the probe is `xfail(strict=True)` with the finding's id (H<n>,
posted in /work/COORD.md); the fix turns it XPASS and the fixer drops the mark. None repeats a
probe of the first two red teams.

Kinds probed: a second spelling the daemon accepts (PAM line continuation, nft l4proto, iptables
conntrack), a Match block that overrides what `sshd -T` shows, files or drop-ins the daemon reads
that hvaudit does not, the daemon's own defaults (journal-upload's https), principals the group
file does not list (primary groups), and messages a filter drops before they are forwarded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    DEBIAN_RSYSLOG_MAIN,
    HARDENED_HOST,
    NFT_DROP,
    RSYSLOG_REMOTE,
    messages,
    outcomes,
)
from hvaudit.engine import Assessment


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def verdict(a: Assessment, check_id: str, subject: str = "hv1") -> tuple[str, str]:
    got = outcomes(a, check_id)
    assert subject in got, (check_id, subject, sorted(got))
    return got[subject], messages(a, check_id)[subject]


PROCS = HARDENED_HOST["processes"][0]
SSHD_CONFIG = HARDENED_HOST["/etc/ssh/sshd_config"]
#: `sshd -T` of the hardened host with keyboard-interactive alone (PAM must give both factors).
KBD_ONLY = HARDENED_HOST["sshd-effective"][0].replace(
    "authenticationmethods publickey,keyboard-interactive",
    "authenticationmethods keyboard-interactive",
)


def _nft_rule(*exprs: dict[str, Any]) -> str:
    """The hardened host's ruleset (inet filter input, policy drop) with one rule added first."""
    ruleset = json.loads(NFT_DROP)
    ruleset["nftables"].append(
        {
            "rule": {
                "family": "inet",
                "table": "filter",
                "chain": "input",
                "handle": 9,
                "expr": list(exprs),
            }
        }
    )
    return json.dumps(ruleset)


# --- HVA-161: a Match block replaces the allow list for the connections it selects ----------------


def test_match_block_allow_groups_everyone(host_scan) -> None:
    """sshd_config(5), Match: "If all of the criteria on the Match line are satisfied, the
    keywords on the following lines override those set in the global section of the config
    file"; AllowGroups and AllowUsers are among the keywords allowed there (confirmed with
    `search`: sshd_config(5) Match, "Available keywords are AcceptEnv, AllowAgentForwarding,
    AllowGroups, AllowTcpForwarding, AllowUsers, ..."); servconf.c copy_set_server_options
    (found with `find_string`): M_CP_STRARRAYOPT(allow_groups, ...) frees the global list and
    copies the block's when the block sets one. `sshd -T` without -C applies no Match
    block (sshd(8) -T/-C), so it shows the global `AllowGroups sshadmins` only. For every
    connection from 10.0.0.0/8 (the management network itself) the block's `AllowGroups *`
    replaces it and every account may log in: fail, naming the block. HVA-160 and HVA-151
    already read Match blocks; HVA-161 does not."""
    conf = SSHD_CONFIG + "Match Address 10.0.0.0/8\n    AllowGroups *\n"
    a = host_scan({"/etc/ssh/sshd_config": conf})
    status, msg = verdict(a, "HVA-161")
    assert status == "fail", msg
    assert "Match" in msg, msg


def test_match_block_allow_groups_named_passes(host_scan) -> None:
    """The hardened twin: a Match block that narrows the list further (named group) keeps the
    host at pass."""
    conf = SSHD_CONFIG + "Match Address 10.0.0.0/8\n    AllowGroups sshadmins\n"
    a = host_scan({"/etc/ssh/sshd_config": conf})
    status, msg = verdict(a, "HVA-161")
    assert status == "pass", msg


# --- HVA-142: members of an administrative group by their primary group ---------------------------


def test_primary_group_members_of_sudo_are_administrators(host_scan) -> None:
    """passwd(5): the fourth field is the account's primary group id; getgrouplist(3) (which
    sudo uses for the user's group vector, sudo lib/util/getgrouplist.c, and which sets the
    process's groups at login) puts that group in the user's list "if it was not among the
    groups defined for user in the group database" (confirmed with `search`). sudoers
    `%sudo ALL=(ALL:ALL) ALL` therefore lets bob and carol (gid 27 = sudo) run anything as root
    though /etc/group lists only alice: root, alice, bob, carol are 4 principals over the
    limit of 3. hvaudit counts 2 and passes: fail, naming bob."""
    passwd = (
        HARDENED_HOST["/etc/passwd"]
        + "bob:x:1001:27:Bob:/home/bob:/bin/bash\ncarol:x:1002:27:Carol:/home/carol:/bin/bash\n"
    )
    a = host_scan({"/etc/passwd": passwd})
    status, msg = verdict(a, "HVA-142")
    assert status == "fail", msg
    assert "bob" in msg and "carol" in msg, msg


# --- HVA-151: Linux-PAM joins a line ending in a backslash with the next ------------------------


def test_pam_continued_line_carries_nullok(host_scan) -> None:
    """Linux-PAM libpam/pam_handlers.c, _pam_assemble_line ("The line may be ... extended with
    \\\\\\n"; confirmed with `search`): a line whose last non-blank character is a backslash
    continues on the next line, the backslash becoming a blank. So

        auth required pam_google_authenticator.so \\
             nullok

    is one rule with the option nullok: pam_google_authenticator returns PAM_IGNORE for a user
    without a secret file (its README), and such a user logs in with the password alone
    (keyboard-interactive only, as in redteam2's yubico nullok probe). hvaudit reads the first
    physical line only (a required OTP module, no nullok) and passes: fail naming nullok."""
    pam = "auth required pam_google_authenticator.so \\\n     nullok\n@include common-auth\n"
    a = host_scan({"/etc/pam.d/sshd": pam, "sshd-effective": (KBD_ONLY, 0)})
    status, msg = verdict(a, "HVA-151")
    assert status == "fail", msg
    assert "nullok" in msg, msg


def test_pam_required_otp_without_bypass_passes(host_scan) -> None:
    """The hardened twin: the same stack with no nullok requires the code: pass."""
    pam = "auth required pam_google_authenticator.so\n@include common-auth\n"
    a = host_scan({"/etc/pam.d/sshd": pam, "sshd-effective": (KBD_ONLY, 0)})
    status, msg = verdict(a, "HVA-151")
    assert status == "pass", msg


# --- HVA-190: rules that accept a whole transport protocol or every new connection ----------------


def test_nft_accept_every_tcp_segment(host_scan) -> None:
    """nft(8), META EXPRESSIONS: `meta l4proto tcp` matches every packet whose layer-4 protocol
    is TCP, whatever its port or address; with `accept` ahead of the drop policy every TCP port
    of the host is reachable from everywhere. No service is "denied by default" over TCP:
    fail (the policy drops ICMP and UDP only)."""
    rule = _nft_rule(
        {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}},
        {"accept": None},
    )
    a = host_scan({"nft-ruleset": (rule, 0)})
    status, msg = verdict(a, "HVA-190")
    assert status == "fail", msg


def test_iptables_accept_every_new_connection(host_scan) -> None:
    """iptables-extensions(8), conntrack: `--ctstate NEW` matches every packet that starts a
    connection; with ESTABLISHED,RELATED beside it the rule accepts every connection from
    anywhere to any port before the DROP policy is reached. The nft spelling of the same rule
    (`ct state new accept`) already fails (redteam2 #65); the iptables one passes. Fail."""
    rules = (
        "-P INPUT DROP\n"
        "-A INPUT -m conntrack --ctstate NEW,RELATED,ESTABLISHED -j ACCEPT\n"
        "-A INPUT -i lo -j ACCEPT\n"
    )
    a = host_scan(
        {
            "nft-ruleset": None,
            "iptables-input": (rules, 0),
            "ip6tables-input": ("-P INPUT DROP\n", 0),
        }
    )
    status, msg = verdict(a, "HVA-190")
    assert status == "fail", msg


def test_iptables_established_only_passes(host_scan) -> None:
    """The hardened twin: ESTABLISHED,RELATED alone admits only replies: pass."""
    rules = (
        "-P INPUT DROP\n"
        "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
        "-A INPUT -i lo -j ACCEPT\n"
        "-A INPUT -s 10.0.0.0/24 -p tcp -m tcp --dport 22 -j ACCEPT\n"
    )
    a = host_scan(
        {
            "nft-ruleset": None,
            "iptables-input": (rules, 0),
            "ip6tables-input": ("-P INPUT DROP\n", 0),
        }
    )
    status, msg = verdict(a, "HVA-190")
    assert status == "pass", msg


# --- HVA-200: systemd-journal-upload as it reads its configuration -------------------------------

JOURNAL_UPLOAD_PROCS = (
    PROCS + "  420 systemd-journal-upload /lib/systemd/systemd-journal-upload --save-state\n"
)


def test_journal_upload_url_without_scheme_is_https(host_scan) -> None:
    """systemd-journal-upload(8), --url: "URL may specify either just the hostname or both the
    protocol and hostname. https is the default" (confirmed with `search`, systemd 245-255 man
    pages); journal-upload.conf(5) URL= is the same option. `URL=logs.example.internal` uploads
    over https with the server's certificate checked against TrustedCertificateFile= (default
    /etc/ssl/ca/trusted.pem): the same as an https:// URL, which passes. Pass (the rsyslog
    destination of the hardened host is authenticated TLS too)."""
    a = host_scan(
        {
            "/etc/systemd/journal-upload.conf": "[Upload]\nURL=logs.example.internal\n",
            "processes": (JOURNAL_UPLOAD_PROCS, 0),
        }
    )
    status, msg = verdict(a, "HVA-200")
    assert status == "pass", msg


def test_journal_upload_drop_in_overrides_the_url(host_scan) -> None:
    """journal-upload.conf(5), "Configuration Directories and Precedence" (confirmed with
    `search`; the same text in journald.conf(5) and journal-remote.conf(5)): drop-ins in
    /etc/systemd/journal-upload.conf.d/*.conf (and /run, /usr/lib) "override the main
    configuration file", the file sorted last winning for a single-value option such as URL=.
    hvaudit reads the main file only (URL=https://...) and passes, while a drop-in may send the
    journal to http://. The drop-ins are not collected, so the destination journal-upload uses is
    unknown: manual naming journal-upload.conf.d (once the collector reads the drop-ins, this
    probe's drop-in makes it a fail naming the http URL)."""
    a = host_scan(
        {
            "/etc/systemd/journal-upload.conf": "[Upload]\nURL=https://logs.example.internal\n",
            # as the collector reads the drop-ins (grep -r -H over the .conf.d directories)
            "journal-upload-conf-d": (
                "/etc/systemd/journal-upload.conf.d/50-lab.conf:[Upload]\n"
                "/etc/systemd/journal-upload.conf.d/50-lab.conf:URL=http://10.9.9.9:19532\n",
                0,
            ),
            "processes": (JOURNAL_UPLOAD_PROCS, 0),
        }
    )
    status, msg = verdict(a, "HVA-200")
    assert status in ("manual", "fail"), msg
    if status == "manual":
        assert "journal-upload.conf.d" in msg, msg
    else:
        assert "10.9.9.9" in msg, msg


# --- HVA-200: rsyslog discards the daemon facility before the forwarding action -------------------


def test_rsyslog_stop_before_forwarding_drops_every_message(host_scan) -> None:
    """rsyslog, "Common Configuration Mistakes" (confirmed with `search`): `& stop` is "same
    selector + stop message processing"; the legacy `~` discard likewise ("the config file lines
    below the discard line will not be applied to this message"). rsyslog runs the statements in
    order, rsyslog.conf with the /etc/rsyslog.d files spliced in where `$IncludeConfig` stands,
    sorted. 10-local.conf writes *.* to a local file and stops, so no message at all reaches
    50-remote.conf's TLS forwarding action. hvaudit counts the action and passes "logs forwarded
    over TLS". Fail. (A stop of daemon.* alone, which drops libvirt's messages but keeps kern,
    is the debatable variant: hvaudit's rule counts a destination that carries daemon OR kern
    messages; that one is not asserted here.)"""
    rs = (
        "/etc/rsyslog.conf:$IncludeConfig /etc/rsyslog.d/*.conf\n"
        "/etc/rsyslog.d/10-local.conf:*.* /var/log/all.log\n"
        "/etc/rsyslog.d/10-local.conf:& stop\n" + RSYSLOG_REMOTE
    )
    a = host_scan({"rsyslog-config": (rs, 0)})
    status, msg = verdict(a, "HVA-200")
    assert status == "fail", msg


# --- HVA-132: the modular daemons other than virtqemud and virtproxyd have sockets of their own ----

MODULAR_PROCS = (
    "    1 root     /sbin/init\n  401 root     /sbin/auditd\n"
    "  700 root     /usr/sbin/virtqemud --timeout 120\n"
    "  701 root     /usr/sbin/virtproxyd --timeout 120\n"
    "  702 root     /usr/sbin/virtsecretd --timeout 120\n"
    "  800 root     sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\n"
    "  402 _chrony   /usr/sbin/chronyd -F 1\n"
    "  403 root     /usr/sbin/rsyslogd -n -iNONE\n"
)


MODULAR_UNITS = (
    "virtproxyd.socket enabled enabled\nvirtproxyd-ro.socket enabled enabled\n"
    "virtqemud.socket enabled enabled\nvirtqemud-ro.socket enabled enabled\n"
    "virtsecretd.socket enabled enabled\nvirtsecretd-ro.socket enabled enabled\n"
)


def test_virtsecretd_socket_without_authorization(host_scan) -> None:
    """virtsecretd(8) (libvirt.org manpages, confirmed with `search`): virtsecretd is one of the
    modular daemons; it "only listens for requests on a local Unix domain socket" of its own
    (/run/libvirt/virtsecretd-sock) and reads /etc/libvirt/virtsecretd.conf, made from the same
    libvirtd.conf.in template as virtqemud.conf (auth_unix_rw, unix_sock_rw_perms; under socket
    activation the unit's SocketMode replaces the perms, auth_unix_rw still applies). With
    auth_unix_rw = "none" and the socket at 0777 any local user reads every secret's value
    (disk passphrases, Ceph/iSCSI keys) and virtnodedevd/virtstoraged likewise hand out host
    devices and storage. hvaudit reads only libvirtd/virtqemud/virtproxyd and passes "requires
    authorization". Right: fail when virtsecretd.conf is in the evidence (this probe provides
    it), manual naming it while the collector does not read it."""
    qemud = 'auth_unix_rw = "polkit"\naccess_drivers = [ "polkit" ]\naudit_level = 2\n'
    a = host_scan(
        {
            "processes": (MODULAR_PROCS, 0),
            "libvirt-socket-units": (MODULAR_UNITS, 0),
            "/etc/libvirt/libvirtd.conf": None,
            "/etc/libvirt/virtqemud.conf": qemud,
            "/etc/libvirt/virtproxyd.conf": 'auth_unix_rw = "polkit"\n',
            "/etc/libvirt/virtsecretd.conf": 'auth_unix_rw = "none"\nunix_sock_rw_perms = "0777"\n',
            "libvirt-sockets": (
                "777 root root /run/libvirt/libvirt-sock\n"
                "777 root root /run/libvirt/virtqemud-sock\n"
                "777 root root /run/libvirt/virtsecretd-sock\n",
                0,
            ),
        }
    )
    status, msg = verdict(a, "HVA-132")
    assert "virtsecretd" in msg, msg
    collected = any("virtsecretd.conf" in str(s) for r in a.results for s in r.outcome.evidence)
    assert status == ("fail" if collected else "manual"), msg


# --- HVA-042: root privileges for QEMU spelled so that the name check misses them ----------------

QEMU_CONF = HARDENED_HOST["/etc/libvirt/qemu.conf"]


@pytest.mark.parametrize(
    ("group", "etc_group"),
    [
        ("sysadm", HARDENED_HOST["/etc/group"] + "sysadm:x:0:\n"),
        ("+00", HARDENED_HOST["/etc/group"]),
    ],
    ids=["name-with-gid-0", "plus-00"],
)
def test_qemu_group_root_by_another_spelling(host_scan, group: str, etc_group: str) -> None:
    """libvirt src/util/virutil.c virGetGroupID (read with `read_file` after `find_string`):
    a group is looked up by name first (getgrnam_r: `sysadm` in /etc/group with gid 0 is gid 0),
    and a leading '+' makes the rest a decimal number (virStrToLong_ui base 10: "+00" is 0). Either
    way QEMU runs with gid 0, which HVA-042 already fails for `group = "root"` (libvirt taints
    such VMs high-privileges, qemuDomainObjCheckTaint cfg->group == 0). Redteam2 #51 fixed the
    same for `user`; `group` and the "+00" spelling were left. No QEMU runs, so only the file
    decides: fail."""
    conf = QEMU_CONF.replace('group = "libvirt-qemu"', f'group = "{group}"')
    a = host_scan(
        {
            "/etc/libvirt/qemu.conf": conf,
            "/etc/group": etc_group,
            "processes": (PROCS.split(" 1200 ")[0], 0),
        }
    )
    status, msg = verdict(a, "HVA-042")
    assert status == "fail", msg
    assert group in msg, msg


def test_qemu_user_member_of_group_root(host_scan) -> None:
    """libvirt src/util/virutil.c virGetGroupList (same file): the groups a child runs with are
    getgrouplist(user, primary), i.e. every group /etc/group lists the account in, and
    virSetUIDGIDWithCaps/virSetUIDGID call setgroups() with them before setreuid(). /etc/group
    `root:x:0:libvirt-qemu` therefore gives every QEMU process the supplementary group 0: it
    opens every root-group file and device just as `group = "root"` would (which HVA-042
    fails). Fail, naming group root. (A membership of `disk`, raw access to every host disk,
    is the same finding one group lower.)"""
    etc_group = HARDENED_HOST["/etc/group"].replace("root:x:0:", "root:x:0:libvirt-qemu")
    a = host_scan({"/etc/group": etc_group})
    status, msg = verdict(a, "HVA-042")
    assert status == "fail", msg
    assert "root" in msg, msg


# --- HVA-214: a never rule ahead of the watches suppresses them ----------------------------------


def test_audit_never_rule_for_every_syscall_suppresses_the_watches(host_scan) -> None:
    """auditctl(8), rule actions (confirmed with `search`): "never - No audit records will be
    generated. This can be used to suppress event generation. In general, you want suppressions
    at the top of the list instead of the bottom. This is because the event triggers on the first
    matching rule." `-w DIR` watches are exit-list rules (auditctl(8) -w, `-F dir=`), so
    `-a never,exit -F arch=b64 -S all`, listed first, is the first match of every 64-bit system
    call: no write to /etc/libvirt or /etc/polkit-1 by a 64-bit process (every native program)
    is recorded, whatever the watches below it say. HVA-214 already honours a never rule that
    names the directory; one that matches everything is ignored. Fail."""
    rules = "-a never,exit -F arch=b64 -S all\n" + HARDENED_HOST["audit-rules"][0]
    a = host_scan({"audit-rules": (rules, 0)})
    status, msg = verdict(a, "HVA-214")
    assert status == "fail", msg


# --- SSH servers other than OpenSSH --------------------------------------------------------------

DROPBEAR_PROCS = PROCS.replace(
    "  800 root     sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\n",
    "  800 root     /usr/sbin/dropbear -F -R -p 22\n",
)
DROPBEAR_LISTEN = (
    "tcp   LISTEN 0      20         0.0.0.0:22        0.0.0.0:*    "
    'users:(("dropbear",pid=800,fd=3))\n'
    "udp   UNCONN 0      0          127.0.0.1:323       0.0.0.0:*    "
    'users:(("chronyd",pid=402,fd=5))\n'
)
DROPBEAR_HOST = {
    "sshd-effective": None,
    "sshd-units": ("inactive\ninactive\ninactive\ninactive\n", 3),
    "/etc/ssh/sshd_config": None,
    "processes": (DROPBEAR_PROCS, 0),
    "listeners": (DROPBEAR_LISTEN, 0),
}


def test_dropbear_is_an_ssh_server_that_admits_root(host_scan) -> None:
    """dropbear(8) (confirmed with `search`): "dropbear is a small SSH server"; "-w Disallow root
    logins", "-g Disable password logins for root"; "-p [address:]port ... If just a port is
    given listen on all addresses". The host has no OpenSSH (`sshd -T` absent) but runs
    `dropbear -F -R -p 22`, listening on 0.0.0.0:22, without -w: root may log in over SSH.
    The subject exists, so not applicable is wrong; the command line decides: fail naming
    dropbear."""
    a = host_scan(DROPBEAR_HOST)
    status, msg = verdict(a, "HVA-160")
    assert status == "fail", msg
    assert "dropbear" in msg, msg


def test_dropbear_on_every_address_is_a_management_listener(host_scan) -> None:
    """The same host: dropbear is the SSH server the administrators log in with (dropbear(8)),
    listening on 0.0.0.0:22. HVA-210 names sshd, libvirt, Cockpit and the Proxmox proxies only
    and passes "none on a wildcard address": fail naming dropbear."""
    a = host_scan(DROPBEAR_HOST)
    status, msg = verdict(a, "HVA-210")
    assert status == "fail", msg
    assert "dropbear" in msg, msg


# --- HVA-181: a "Mitigation:" line that says the virtualization part is not mitigated -------------

MITIGATED = HARDENED_HOST["cpu-vulnerabilities"][0]


def test_l1tf_without_l1d_flush_on_vm_entry(host_scan) -> None:
    """Linux arch/x86/kernel/cpu/bugs.c, l1tf_show_state (found with `find_string`): the line
    starts "Mitigation: PTE Inversion" (the host's own page tables) and then reports the KVM
    part, l1tf_vmx_states[VMENTER_L1D_FLUSH_NEVER] = "vulnerable": with kvm-intel
    vmentry_l1d_flush=never the L1 data cache is not flushed on VM entry, so a guest can read
    what the host or another VM left there (arch/x86/kvm/vmx/vmx.c L1TF_MSG_L1D: "L1TF CPU bug
    present and virtualization mitigation disabled, data leak possible", CVE-2018-3646). With
    SMT off the line is "...; VMX: vulnerable, SMT disabled": the SMT rule does not fire, and
    the line does not start with "Vulnerable". On a hypervisor host that is the one part that
    matters: fail naming l1tf."""
    vulns = MITIGATED + (
        "/sys/devices/system/cpu/vulnerabilities/l1tf:"
        "Mitigation: PTE Inversion; VMX: vulnerable, SMT disabled\n"
    )
    a = host_scan(
        {
            "cpu-vulnerabilities": (vulns, 0),
            "/sys/devices/system/cpu/smt/control": "off\n",
        }
    )
    status, msg = verdict(a, "HVA-181")
    assert status == "fail", msg
    assert "l1tf" in msg, msg


def test_spectre_v2_with_bhi_vulnerable(host_scan) -> None:
    """Linux arch/x86/kernel/cpu/bugs.c, spectre_bhi_state (found with `find_string`): the
    spectre_v2 line ends in "; BHI: Vulnerable, KVM: SW loop" when the branch history is
    cleared on VM exit only, and in "; BHI: Vulnerable" when it is cleared nowhere (e.g.
    spectre_bhi=off): Branch History Injection from a guest into the host kernel is then
    unmitigated. The line starts with "Mitigation: Enhanced / Automatic IBRS", so hvaudit
    passes. Fail naming spectre_v2 (the KVM: SW loop variant is left out of this probe: the
    guest-to-host path is covered there)."""
    vulns = MITIGATED.replace(
        "spectre_v2:Mitigation: Enhanced / Automatic IBRS",
        "spectre_v2:Mitigation: Enhanced / Automatic IBRS; IBPB: conditional; "
        "RSB filling; PBRSB-eIBRS: SW sequence; BHI: Vulnerable",
    )
    a = host_scan({"cpu-vulnerabilities": (vulns, 0)})
    status, msg = verdict(a, "HVA-181")
    assert status == "fail", msg
    assert "spectre_v2" in msg, msg


def test_srso_safe_ret_without_microcode(host_scan) -> None:
    """AMD SRSO (Documentation/admin-guide/hw-vuln/srso.rst): without the IBPB-extending
    microcode an IBPB does not flush the branch type predictions, so "Safe RET" protects the
    kernel's own returns while the IBPB between guests (and tasks) leaves them poisoned.
    The kernel first printed this state "Mitigation: safe RET, no microcode" and later changed
    bugs.c to report the very same state as "Vulnerable: Safe RET, no microcode" (both strings
    occur in real lscpu outputs found with `find_string`: a Ryzen 9 5950X host in Feb 2024 and
    later kernels). A host still on the older wording (not rebooted, older stable kernel) is
    exactly as exposed: fail naming spec_rstack_overflow, as for the new wording."""
    vulns = MITIGATED + (
        "/sys/devices/system/cpu/vulnerabilities/spec_rstack_overflow:"
        "Mitigation: safe RET, no microcode\n"
    )
    a = host_scan({"cpu-vulnerabilities": (vulns, 0)})
    status, msg = verdict(a, "HVA-181")
    assert status == "fail", msg
    assert "spec_rstack_overflow" in msg, msg


def test_srso_new_wording_fails(host_scan) -> None:
    """Twin of H55: the newer wording starts with "Vulnerable": fail today."""
    vulns = MITIGATED + (
        "/sys/devices/system/cpu/vulnerabilities/spec_rstack_overflow:"
        "Vulnerable: Safe RET, no microcode\n"
    )
    a = host_scan({"cpu-vulnerabilities": (vulns, 0)})
    status, msg = verdict(a, "HVA-181")
    assert status == "fail", msg


# --- sshd_config arguments in double quotes -----------------------------------------------------


def test_quoted_no_in_a_match_block_denies_root(host_scan) -> None:
    """sshd_config(5): "Arguments may optionally be enclosed in double quotes (\") in order to
    represent arguments containing spaces" (servconf.c splits lines with argv_split, which
    removes the quotes). `PermitRootLogin "no"` in a Match block is PermitRootLogin no: the
    hardened host stays at pass. hvaudit compares '"no"' with 'no' and fails (false fail)."""
    conf = SSHD_CONFIG + 'Match Address 10.0.0.0/8\n    PermitRootLogin "no"\n'
    a = host_scan({"/etc/ssh/sshd_config": conf})
    status, msg = verdict(a, "HVA-160")
    assert status == "pass", msg


def test_quoted_match_criterion_applies_to_root(host_scan) -> None:
    """The quoting rule of H17 holds for the Match line too: servconf.c match_cfg_line takes
    its criteria and their arguments with the same argv splitting (strdelim / argv_split,
    which removes double quotes), so `Match User "root"` is `Match User root`. The block's
    `PermitRootLogin yes` lets root in; _match_may_apply_to_root('User "root"') is False, so
    hvaudit passes "PermitRootLogin no". Right: fail naming the Match block."""
    conf = SSHD_CONFIG + 'Match User "root"\n    PermitRootLogin yes\n'
    a = host_scan({"/etc/ssh/sshd_config": conf})
    status, msg = verdict(a, "HVA-160")
    assert status == "fail", msg
    assert "Match" in msg, msg


#: `sshd -T` of a host where only keyboard-interactive logs in (PAM: password + OTP), no keys.
KBD_NO_KEYS = KBD_ONLY.replace("pubkeyauthentication yes", "pubkeyauthentication no").replace(
    "authenticationmethods keyboard-interactive", "authenticationmethods any"
)


def test_quoted_yes_in_a_match_block_enables_keys(host_scan) -> None:
    """The same quoting rule (sshd_config(5)). Globally only keyboard-interactive is offered and
    PAM requires pam_unix and pam_google_authenticator (AuthenticationMethods any, public keys
    off: two factors, pass). The Match block `PubkeyAuthentication "yes"` lets every connection
    from 10.0.0.0/8 in with a key alone (one factor; PAM's auth stack is not run for keys,
    sshd_config(5) UsePAM). hvaudit reads '"yes"' as not yes: the block looks harmless. Right:
    fail naming the Match block."""
    pam = "auth required pam_google_authenticator.so\n@include common-auth\n"
    conf = SSHD_CONFIG + ('Match Address 10.0.0.0/8\n    PubkeyAuthentication "yes"\n')
    a = host_scan(
        {
            "/etc/pam.d/sshd": pam,
            "sshd-effective": (KBD_NO_KEYS, 0),
            "/etc/ssh/sshd_config": conf,
        }
    )
    status, msg = verdict(a, "HVA-151")
    assert status == "fail", msg
    assert "Match" in msg, msg


def test_virtstoraged_without_access_driver(host_scan) -> None:
    """libvirt's access control is enforced by each daemon for the APIs it serves (every driver
    daemon's file is the libvirtd.conf.in template with its own access_drivers; default: none,
    the nop driver). On this modular host virtqemud.conf sets access_drivers = [ "polkit" ], but
    virtstoraged (running) reads /etc/libvirt/virtstoraged.conf, which sets none: any client
    allowed to connect may define a `dir` pool on / and upload or download any host file as a
    volume, whatever polkit rules say about domains. hvaudit judges virtqemud.conf only and
    passes. Right: fail when virtstoraged.conf is in the evidence (the probe provides it),
    manual naming it while it is not collected. Same class as the virtsecretd socket probe."""
    procs = MODULAR_PROCS.replace("virtsecretd", "virtstoraged")
    units = MODULAR_UNITS.replace("virtsecretd", "virtstoraged")
    qemud = 'auth_unix_rw = "polkit"\naccess_drivers = [ "polkit" ]\naudit_level = 2\n'
    a = host_scan(
        {
            "processes": (procs, 0),
            "libvirt-socket-units": (units, 0),
            "/etc/libvirt/libvirtd.conf": None,
            "/etc/libvirt/virtqemud.conf": qemud,
            "/etc/libvirt/virtproxyd.conf": 'auth_unix_rw = "polkit"\n',
            "/etc/libvirt/virtstoraged.conf": 'auth_unix_rw = "polkit"\n',
        }
    )
    status, msg = verdict(a, "HVA-130")
    assert "virtstoraged" in msg, msg
    collected = any("virtstoraged.conf" in str(s) for r in a.results for s in r.outcome.evidence)
    assert status == ("fail" if collected else "manual"), msg


# --- HVA-030: libvirt's socket relayed onto TCP by another program --------------------------------

SOCAT_PROCS = PROCS + (
    "  990 root     /usr/bin/socat TCP-LISTEN:16509,fork,reuseaddr "
    "UNIX-CONNECT:/run/libvirt/libvirt-sock\n"
)
SOCAT_LISTEN = HARDENED_HOST["listeners"][0] + (
    "tcp   LISTEN 0      5          0.0.0.0:16509        0.0.0.0:*    "
    'users:(("socat",pid=990,fd=5))\n'
)


def test_socat_relays_the_read_write_socket_onto_tcp(host_scan) -> None:
    """socat(1): `TCP-LISTEN:16509,fork` accepts every TCP connection and `UNIX-CONNECT:/run/
    libvirt/libvirt-sock` joins it to libvirt's read-write socket: anyone reaching port 16509
    speaks the libvirt RPC protocol to the daemon as a local client of the socket. The daemon
    sees a UNIX-socket peer with socat's credentials (root), so polkit asks nothing (root is
    allowed org.libvirt.unix.manage): full control of every VM without authentication or
    encryption (libvirt docs/daemons.rst on libvirt-sock: "A connection to this socket gives the
    client privileges that are equivalent to having a root shell", confirmed with `search`). The process list shows the relay and ss shows socat listening on 0.0.0.0:16509,
    the libvirt TCP port. hvaudit passes "libvirt listens on local UNIX sockets only". Fail,
    naming socat (HVA-033 flags socat as unapproved, at lower severity, without saying why)."""
    a = host_scan({"processes": (SOCAT_PROCS, 0), "listeners": (SOCAT_LISTEN, 0)})
    status, msg = verdict(a, "HVA-030")
    assert status == "fail", msg
    assert "socat" in msg, msg


# --- HVA-200: forwarding configured where no local message goes ----------------------------------


def test_rsyslog_forwarding_only_in_a_relay_ruleset(host_scan) -> None:
    """rsyslog, "Basic Structure" (confirmed with `search`): "inputs submit messages to
    rulesets; if the ruleset is not specifically bound, the default ruleset is used". Here the
    TLS forwarding action sits in ruleset "relay", which only the imtcp input on port 514 is
    bound to (messages other machines send); the host's own messages (imuxsock/imjournal, the
    default ruleset) are written locally and forwarded nowhere. hvaudit counts the action as
    "logs forwarded over TLS": fail (no remote destination carries the host's logs)."""
    rs = (
        '/etc/rsyslog.conf:module(load="imuxsock")\n'
        '/etc/rsyslog.conf:module(load="imtcp")\n'
        '/etc/rsyslog.conf:input(type="imtcp" port="514" ruleset="relay")\n'
        "/etc/rsyslog.conf:*.* /var/log/syslog\n"
        '/etc/rsyslog.conf:ruleset(name="relay") {\n'
        '/etc/rsyslog.conf:  action(type="omfwd" target="logs.example.internal" port="6514"\n'
        '/etc/rsyslog.conf:         protocol="tcp" StreamDriver="gtls" StreamDriverMode="1"\n'
        '/etc/rsyslog.conf:         StreamDriverAuthMode="x509/name")\n'
        "/etc/rsyslog.conf:}\n"
    )
    a = host_scan({"rsyslog-config": (rs, 0)})
    status, msg = verdict(a, "HVA-200")
    assert status == "fail", msg


SYSLOG_NG_PROCS = PROCS.replace(
    "  403 root     /usr/sbin/rsyslogd -n -iNONE\n",
    "  403 root     /usr/sbin/syslog-ng -F\n",
)


def test_syslog_ng_destination_outside_every_log_path(host_scan) -> None:
    """syslog-ng.conf(5), "Basic concepts" (confirmed with `search`): "Sources and destinations
    are independent objects, log paths define what syslog-ng does with a message, connecting the
    sources to the destinations ... messages arriving from a source are sent to every destination
    listed in the log path": a destination no `log { ... };` statement names receives nothing. d_remote (TLS to logs.example.internal) is defined but the only log path sends
    s_sys to d_local: nothing is forwarded. hvaudit finds the driver text and passes. Fail."""
    ng = (
        "/etc/syslog-ng/syslog-ng.conf:source s_sys { system(); internal(); };\n"
        '/etc/syslog-ng/syslog-ng.conf:destination d_local { file("/var/log/messages"); };\n'
        "/etc/syslog-ng/syslog-ng.conf:destination d_remote {\n"
        '/etc/syslog-ng/syslog-ng.conf:  syslog("logs.example.internal" transport("tls") port(6514)\n'
        '/etc/syslog-ng/syslog-ng.conf:    tls(ca-dir("/etc/syslog-ng/ca.d") peer-verify(required-trusted)));\n'
        "/etc/syslog-ng/syslog-ng.conf:};\n"
        "/etc/syslog-ng/syslog-ng.conf:log { source(s_sys); destination(d_local); };\n"
    )
    a = host_scan(
        {
            "rsyslog-config": None,
            "syslog-ng-config": (ng, 0),
            "processes": (SYSLOG_NG_PROCS, 0),
        }
    )
    status, msg = verdict(a, "HVA-200")
    assert status == "fail", msg


# --- HVA-190: address matches that cover every IPv4 source in other spellings --------------------

SADDR = {"payload": {"protocol": "ip", "field": "saddr"}}
EVERY_V4 = {"prefix": {"addr": "0.0.0.0", "len": 0}}


def _nft_with_set(rule_right: Any, op: str = "==", named_set: bool = False) -> str:
    ruleset = json.loads(
        _nft_rule({"match": {"op": op, "left": SADDR, "right": rule_right}}, {"accept": None})
    )
    if named_set:
        ruleset["nftables"].insert(
            2,
            {
                "set": {
                    "family": "inet",
                    "name": "mgmt",
                    "table": "filter",
                    "type": "ipv4_addr",
                    "handle": 4,
                    "flags": ["interval"],
                    "elem": [EVERY_V4],
                }
            },
        )
    return json.dumps(ruleset)


@pytest.mark.parametrize(
    "ruleset",
    [
        _nft_with_set("@mgmt", named_set=True),
        _nft_with_set({"set": [EVERY_V4]}),
        _nft_with_set({"prefix": {"addr": "127.0.0.0", "len": 8}}, op="!="),
    ],
    ids=["named-set-0.0.0.0/0", "anonymous-set-0.0.0.0/0", "not-loopback-net"],
)
def test_nft_every_ipv4_source_in_other_spellings(host_scan, ruleset: str) -> None:
    """nft(8), SETS and PAYLOAD EXPRESSIONS: `ip saddr @mgmt` matches when the source address is
    an element of set mgmt, and an interval set holding 0.0.0.0/0 contains every IPv4 address;
    an anonymous set `{ 0.0.0.0/0 }` the same; `ip saddr != 127.0.0.0/8` matches every packet
    whose source is not a loopback address, i.e. every packet from the network. Each rule ahead
    of the drop policy accepts all inbound IPv4 (the /0-prefix spelling already fails,
    redteam2 #48; `iifname != "lo"` too). The name "mgmt" makes the first look restricted.
    Fail."""
    a = host_scan({"nft-ruleset": (ruleset, 0)})
    status, msg = verdict(a, "HVA-190")
    assert status == "fail", msg


def test_nft_named_set_of_the_management_subnet_passes(host_scan) -> None:
    """The hardened twin: the set holds the management subnet only; the drop policy decides the
    rest: pass."""
    ruleset = json.loads(_nft_with_set("@mgmt", named_set=True))
    for item in ruleset["nftables"]:
        if "set" in item:
            item["set"]["elem"] = [{"prefix": {"addr": "10.0.0.0", "len": 24}}]
    a = host_scan({"nft-ruleset": (json.dumps(ruleset), 0)})
    status, msg = verdict(a, "HVA-190")
    assert status == "pass", msg


# --- HVA-034: a DN pattern whose wildcards match every certificate --------------------------------

TLS_LISTEN = HARDENED_HOST["listeners"][0] + (
    "tcp   LISTEN 0      64         0.0.0.0:16514        0.0.0.0:*    "
    'users:(("libvirtd",pid=700,fd=14))\n'
)


def test_tls_dn_pattern_that_matches_every_certificate(host_scan) -> None:
    """libvirt src/rpc/virnettlscontext.c (found with `find_string`), the tls_allowed_dn_list
    check: `g_pattern_match_simple(*wildcards, dname)`, a glob where '*' matches any string. The
    entry "*CN=*" matches every Distinguished Name that contains "CN=", i.e. every client
    certificate the CA ever signed for anyone (client certificates carry a CN, libvirt's own
    PKI guide sets one). It reads like a restriction and restricts nothing, like "*", which
    hvaudit already fails. libvirtd listens on TLS 16514 with auth_tls unset (none). Fail."""
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + (
        'listen_tls = 1\ntls_allowed_dn_list = [ "*CN=*" ]\n'
    )
    a = host_scan({"/etc/libvirt/libvirtd.conf": conf, "listeners": (TLS_LISTEN, 0)})
    status, msg = verdict(a, "HVA-034")
    assert status == "fail", msg
    assert "*CN=*" in msg, msg


def test_tls_dn_list_of_named_clients_passes(host_scan) -> None:
    """The hardened twin: a DN list naming the management clients passes."""
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + (
        'listen_tls = 1\ntls_allowed_dn_list = [ "C=DE,O=Example,CN=mgmt1.example.internal" ]\n'
    )
    a = host_scan({"/etc/libvirt/libvirtd.conf": conf, "listeners": (TLS_LISTEN, 0)})
    status, msg = verdict(a, "HVA-034")
    assert status == "pass", msg


# --- HVA-142: sudo rules that come from the directory ---------------------------------------------


def test_sudo_rules_from_sssd_are_unread(host_scan) -> None:
    """sssd-sudo(5) (confirmed with `search`): "To enable SSSD as a source for sudo rules, add
    sss to the sudoers entry in nsswitch.conf(5) ... sudoers: files sss", with `sudo` in the
    [sssd] services. sudo then grants what the directory's sudoRole objects say, for as many
    directory users and groups as they name; none of that is in /etc/sudoers. hvaudit counts
    root and alice and passes. The count is not in the evidence: manual, naming the directory
    (sss) as the unread source of sudo rules."""
    nss = HARDENED_HOST["/etc/nsswitch.conf"] + "sudoers:        files sss\n"
    sssd = (
        HARDENED_HOST["/etc/sssd/sssd.conf"].replace(
            "services = nss, pam", "services = nss, pam, sudo"
        )
        + "sudo_provider = ad\n"
    )
    a = host_scan({"/etc/nsswitch.conf": nss, "/etc/sssd/sssd.conf": sssd})
    status, msg = verdict(a, "HVA-142")
    assert status == "manual", msg
    assert "sss" in msg, msg


# --- HVA-043: AppArmor's global mode overrides each profile's ------------------------------------


def test_apparmor_global_complain_mode(host_scan) -> None:
    """Linux security/apparmor/include/policy.h (found with `find_string`):
    `#define COMPLAIN_MODE(_profile) ((aa_g_profile_mode == APPARMOR_COMPLAIN) || ((_profile)->mode
    == APPARMOR_COMPLAIN))`; aa_g_profile_mode is the apparmor module's `mode` parameter
    (lsm.c module_param_call(mode, ...), settable on the kernel command line as
    apparmor.mode=complain and at run time in /sys/module/apparmor/parameters/mode; lsm.c logs
    "AppArmor initialized: complain mode enabled"). Every profile then only logs, while
    /sys/kernel/security/apparmor/profiles still lists each with its own mode, "(enforce)". The
    kernel command line hvaudit collected says apparmor.mode=complain: sVirt confines nothing.
    Fail (the run-time parameter file is not collected: reading it would settle the same case
    without a reboot)."""
    cmdline = HARDENED_HOST["/proc/cmdline"].rstrip("\n") + " apparmor.mode=complain\n"
    a = host_scan({"/proc/cmdline": cmdline})
    status, msg = verdict(a, "HVA-043")
    assert status == "fail", msg
    assert "complain" in msg, msg


# --- HVA-202: PTP keeps the clock as NTP does ------------------------------------------------------

NO_CHRONY = PROCS.replace("  402 _chrony   /usr/sbin/chronyd -F 1\n", "")


def test_ptp_synchronises_the_system_clock(host_scan) -> None:
    """phc2sys(8) (linuxptp, confirmed with `search`): "phc2sys is a program which synchronizes
    two or more clocks in the system. Typically, it is used to synchronize the system clock to a
    PTP hardware clock (PHC), which itself is synchronized by the ptp4l(8) program"; with -a "the
    system clock (CLOCK_REALTIME) is not synchronized, unless the -r option is also specified".
    `ptp4l -i eno1` + `phc2sys -a -r` keep the host clock on the PTP grandmaster (more precisely
    than NTP). hvaudit fails "no time-synchronisation daemon running": false fail. Pass."""
    procs = NO_CHRONY + (
        "  410 root     /usr/sbin/ptp4l -f /etc/linuxptp/ptp4l.conf -i eno1\n"
        "  411 root     /usr/sbin/phc2sys -a -r\n"
    )
    # the -f file ptp4l reads (Debian's packaged one, defaults: a PTP client): R28T-2 reads it
    conf = "[global]\nslaveOnly 0\ntime_stamping hardware\n"
    a = host_scan({"processes": (procs, 0), "/etc/linuxptp/ptp4l.conf": conf})
    status, msg = verdict(a, "HVA-202")
    assert status == "pass", msg


def test_phc2sys_without_r_leaves_the_system_clock(host_scan) -> None:
    """The twin: `phc2sys -a` without -r synchronises PHCs only, not CLOCK_REALTIME (phc2sys(8)):
    the host clock is not kept: fail."""
    procs = NO_CHRONY + (
        "  410 root     /usr/sbin/ptp4l -f /etc/linuxptp/ptp4l.conf -i eno1\n"
        "  411 root     /usr/sbin/phc2sys -a\n"
    )
    a = host_scan({"processes": (procs, 0)})
    status, msg = verdict(a, "HVA-202")
    assert status == "fail", msg


# --- a live Proxmox VE node: its files from the fixture tree, its host facts replayed -------------

PVE_TREE = Path(__file__).resolve().parent / "fixtures" / "proxmox-hardened"


class _LiveNodeRunner:
    """A live node as the Proxmox collector sees it over SSH: /etc/pve and the other files from
    the hardened fixture tree, every host command answered by ReplayRunner (conftest)."""

    description = "replay (recorded artefacts) + tree"

    def __init__(self, host: dict[str, Any], tree: Path = PVE_TREE) -> None:
        from conftest import ReplayRunner
        from hvaudit.collect.runner import TreeRunner

        self.tree = TreeRunner(str(tree))
        self.replay = ReplayRunner(host)

    def read_file(self, path: str, timeout: float) -> Any:
        got = self.tree.read_file(path, timeout)
        return (
            got
            if got.status == "ok" or path.startswith("/etc/pve")
            else self.replay.read_file(path, timeout)
        )

    def run(self, argv: tuple[str, ...], timeout: float) -> Any:
        if argv[:2] in (("ls", "-1"), ("ls", "-1Abp"), ("ls", "-d")) and len(argv) == 3:
            return self.tree.run(argv, timeout)
        return self.replay.run(argv, timeout)


def pve_scan(tmp_path: Path, overrides: dict[str, Any], tree: Path = PVE_TREE) -> Assessment:
    from conftest import run_assessment
    from hvaudit.bundle import BundleWriter
    from hvaudit.collect.proxmox import ProxmoxFilesCollector, ProxmoxTarget

    host = dict(HARDENED_HOST)
    host.update(overrides)
    collector = ProxmoxFilesCollector(ProxmoxTarget.parse("pve+ssh://root@pve1/"))
    collector.runner = _LiveNodeRunner(host, tree)
    writer = BundleWriter(tmp_path / "pve", target="pve+ssh://root@pve1/", platform="proxmox-ve")
    collector.collect(writer)
    return run_assessment(writer.close(complete=True))


#: Proxmox VE starts its VMs as `/usr/bin/kvm -id <vmid> -name <name>,debug-threads=on ...`:
#: qemu-server PVE/QemuServer.pm get_command_for_arch, `return '/usr/bin/kvm' if
#: is_native_arch($arch)` (found with `find_string`); qemu-system-* only for foreign arches.
PVE_PROCS = PROCS.replace(
    " 1200 libvirt+ /usr/bin/qemu-system-x86_64 -name guest=web01,debug-threads=on "
    "-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny\n",
    " 1200 root     /usr/bin/kvm -id 200 -name web-10,debug-threads=on -no-shutdown "
    "-chardev socket,id=qmp,path=/var/run/qemu-server/200.qmp,server=on,wait=off\n",
).replace("  700 root     /usr/sbin/libvirtd --timeout 120\n", "")


def test_proxmox_kvm_process_is_a_qemu_process(tmp_path: Path) -> None:
    """qemu-server (Proxmox VE) starts every native VM as `/usr/bin/kvm -id <vmid> ...`
    (QemuServer.pm get_command_for_arch, see PVE_PROCS). The collector's
    QEMU pattern (`\\S*qemu\\S*` in the first word) does not match, so no /proc/PID/exe or
    status is read and HVA-182 reports "no QEMU process running" (not applicable) on a node
    whose VM 200 runs: the check cannot see a VM still running the binary an update replaced.
    Here /proc/1200/exe says "(deleted)": the running QEMU is stale. The same process named
    qemu-system-x86_64 fails today ("1 QEMU process(es) run a binary replaced by an update:
    web-10"). Right: fail naming web-10 (or 200). HVA-310's "running QEMU processes as root"
    evidence misses them the same way."""
    exe = (
        "lrwxrwxrwx 1 root root 0 Nov 27 04:00 /proc/1200/exe -> /usr/bin/kvm (deleted)\n",
        0,
    )
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS, 0), "qemu-exe-1200": exe})
    status, msg = verdict(a, "HVA-182", "pve-h1")
    assert status == "fail", msg
    assert "web-10" in msg or "200" in msg, msg


# --- HVA-306: a custom role that can grant itself everything ----------------------------------------


def test_custom_role_with_permissions_modify_is_an_administrator(tmp_path: Path) -> None:
    """Proxmox VE admin guide, pveum "Privileges" (found with `find_string`): "Permissions.Modify:
    modify access permissions", "Sys.Modify: create/modify/remove node network parameters";
    "Roles": PVEAdmin "can do most tasks, but has no rights to modify system settings
    (Sys.PowerMgmt, Sys.Modify, Realm.Allocate) or permissions (Permissions.Modify)". hvaudit
    already counts PVEAdmin holders as administrators; a custom role `Ops` holding exactly what
    PVEAdmin lacks (Permissions.Modify, Sys.Modify) on `/`, propagated, administers the cluster
    at least as much: it changes who may do what anywhere. bob@corp holds it without a second
    factor (no keys in user.cfg); hvaudit knows administrators by four built-in role names and
    passes "all with a second factor". Fail naming bob@corp (judge a role by its privileges,
    as HVA-307 already does for VM.* ones). (hostauth, for rt4host's H84: the holder is now
    dave@pve, a realm without `tfa`; bob@corp's realm corp requires a second factor of every
    login, so the custom role's point needs a user the realm does not cover.)"""
    import shutil

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    users = tree / "etc/pve/user.cfg"
    text = users.read_text()
    text = (
        text.replace(
            "role:WebOperator:",
            "role:Ops:Permissions.Modify,Sys.Audit,Sys.Modify,VM.Audit:\nrole:WebOperator:",
        )
        .replace(
            "acl:1:/pool/web:@webops:WebOperator:",
            "acl:1:/:dave@pve:Ops:\nacl:1:/pool/web:@webops:WebOperator:",
        )
        .replace("user:audit@pve:", "user:dave@pve:1:0:Dave:Ops::::\nuser:audit@pve:")
    )
    users.write_text(text)
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS, 0)}, tree)
    status, msg = verdict(a, "HVA-306", "pve-h1")
    assert status == "fail", msg
    assert "dave@pve" in msg, msg


# --- HVA-301: the cluster firewall switched on in cluster.fw, but no daemon applies it ----------


def test_cluster_firewall_on_paper_only(tmp_path: Path) -> None:
    """pve-firewall(8) / pve-firewall.adoc (confirmed with `search`): "the iptables-based firewall
    service runs on each cluster node"; pve-firewall's daemon (src/PVE/Service/pve_firewall.pm)
    compiles the rules every 10 s and on shutdown "clear PVE-generated firewall rules"
    (remove_pvefw_chains). cluster.fw `enable: 1` with policy DROP is only what the daemon would
    apply: this live node's process list holds neither pve-firewall nor the nftables-based
    proxmox-firewall, so nothing is applied and every port is open (HVA-190 on the same node
    sees no drop either). hvaudit passes "cluster firewall on, input policy DROP". Right: fail
    naming pve-firewall (twin: with pve-firewall running, pass)."""
    a = pve_scan(
        tmp_path,
        {"processes": (PVE_PROCS, 0), "nft-ruleset": ('{"nftables": []}', 0)},
    )
    status, msg = verdict(a, "HVA-301", "pve-h1")
    assert status == "fail", msg
    assert "pve-firewall" in msg, msg


def test_cluster_firewall_with_its_daemon_running_passes(tmp_path: Path) -> None:
    """The twin: pve-firewall runs (its process title is `pve-firewall`, PVE::Daemon): pass."""
    procs = PVE_PROCS + "  950 root     pve-firewall\n"
    a = pve_scan(tmp_path, {"processes": (procs, 0)})
    status, msg = verdict(a, "HVA-301", "pve-h1")
    assert status == "pass", msg


# --- HVA-022: securityfs files have no size ------------------------------------------------------


def test_measured_boot_log_as_ls_shows_it_on_a_real_host(host_scan) -> None:
    """Linux drivers/char/tpm/eventlog/common.c, tpm_bios_log_setup (found with `find_string`):
    "If an event log is found then the securityfs files are setup to export it to userspace,
    otherwise nothing is done": binary_bios_measurements exists exactly when the firmware handed
    over a TCG event log. security/inode.c securityfs_create_dentry sets the inode's mode, times,
    private data and file operations, never i_size, so `ls -l` shows the file with size 0 on
    every real host (its content is produced by a seq_file when read). The conftest fixture's
    "40123" is a size securityfs never reports. hvaudit reads size 0 as "no event log": false
    fail on a host whose boot is measured. Right: pass (the file exists; `ls` rc 0)."""
    log = (
        "-r--r----- 1 root root 0 Nov 27 04:00 "
        "/sys/kernel/security/tpm0/binary_bios_measurements\n",
        0,
    )
    a = host_scan({"measured-boot-log": log})
    status, msg = verdict(a, "HVA-022")
    assert status == "pass", msg


def test_journal_upload_url_on_the_command_line(host_scan) -> None:
    """systemd src/journal-remote/journal-upload.c (read with `read_file` after `find_string`):
    main() calls parse_config() (journal-upload.conf and its drop-ins) and then parse_argv(),
    whose `-u/--url` sets the URL when the file set none (with both it refuses to start), and
    `--trust=FILENAME|all` ("Specify CA certificate or disable checking"). Here the file sets no
    URL and the running uploader is `systemd-journal-upload --save-state -u
    http://10.9.9.9:19532` (a unit drop-in's ExecStart): the whole journal goes out in
    cleartext beside rsyslog's TLS destination. hvaudit sees no journal-upload destination and
    passes "logs forwarded over TLS". Fail naming 10.9.9.9 (a destination without TLS fails the
    host, as for rsyslog)."""
    procs = PROCS + (
        "  420 systemd-journal-upload /lib/systemd/systemd-journal-upload --save-state "
        "-u http://10.9.9.9:19532\n"
    )
    a = host_scan(
        {
            "/etc/systemd/journal-upload.conf": "[Upload]\n# URL=\n",
            "processes": (procs, 0),
        }
    )
    status, msg = verdict(a, "HVA-200")
    assert status == "fail", msg
    assert "10.9.9.9" in msg, msg


# --- installed packages that are on hold --------------------------------------------------------


def test_held_desktop_package_is_installed(host_scan) -> None:
    """dpkg-query's ${db:Status-Abbrev} (the `dpkg -l` columns, confirmed with `search`:
    "Desired=Unknown/Install/Remove/Purge/Hold | Status=Not/Inst/Conf-files/Unpacked/halF-conf/
    Half-inst/trig-aWait/Trig-pend"): the first letter is the wanted action, the second the
    state. "hi" is a package on hold that is installed: its files are on disk exactly as for
    "ii". xserver-xorg-core held at its version (apt-mark hold) is an installed X server, which
    HVA-001 fails as "ii". hvaudit drops every line not starting with "ii" and passes. Fail
    naming xserver-xorg-core."""
    pkgs = HARDENED_HOST["dpkg-packages"][0] + "xserver-xorg-core\t2:21.1.7-3+deb12u8\thi \n"
    a = host_scan({"dpkg-packages": (pkgs, 0)})
    status, msg = verdict(a, "HVA-001")
    assert status == "fail", msg
    assert "xserver-xorg-core" in msg, msg


# --- HVA-200: RELP forwarding ---------------------------------------------------------------------

RELP_TLS = (
    '/etc/rsyslog.d/50-remote.conf:module(load="omrelp")\n'
    '/etc/rsyslog.d/50-remote.conf:action(type="omrelp" target="logs.example.internal" port="2514"\n'
    '/etc/rsyslog.d/50-remote.conf:       tls="on" tls.authMode="name"\n'
    '/etc/rsyslog.d/50-remote.conf:       tls.caCert="/etc/ssl/certs/logs-ca.pem"\n'  # R28L-2
    '/etc/rsyslog.d/50-remote.conf:       tls.permittedPeer=["logs.example.internal"])\n'
)


def test_rsyslog_relp_over_tls_passes(host_scan) -> None:
    """rsyslog omrelp (confirmed with `search`, rsyslog docs "omrelp: RELP Output Module" and
    its parameter pages): "This module supports sending syslog messages over the reliable RELP
    protocol"; `tls="on"` encrypts the RELP session; TLS.AuthMode "name": "certificate
    validation happens. Here, the matching is done against the certificate's subjectAltName"
    against TLS.PermittedPeer ("Only peers which have been listed in this parameter may be
    connected to. This guards against rogue servers and man-in-the-middle attacks"). Every host
    message goes to logs.example.internal over authenticated TLS (RELP is the reliable
    transport rsyslog recommends over plain TCP). hvaudit says "no remote log destination
    configured": false fail. Pass."""
    a = host_scan({"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + RELP_TLS, 0)})
    status, msg = verdict(a, "HVA-200")
    assert status == "pass", msg


def test_rsyslog_relp_without_tls_fails(host_scan) -> None:
    """The twin: omrelp without tls= (default off) sends in cleartext: fail (today for the
    wrong reason, "no remote log destination"; the message should name the RELP target)."""
    plain = RELP_TLS.replace('       tls="on" tls.authMode="name"\n', "").replace(
        '/etc/rsyslog.d/50-remote.conf:       tls.permittedPeer=["logs.example.internal"])\n',
        "/etc/rsyslog.d/50-remote.conf:       )\n",
    )
    a = host_scan({"rsyslog-config": (DEBIAN_RSYSLOG_MAIN + plain, 0)})
    status, msg = verdict(a, "HVA-200")
    assert status == "fail", msg


# --- HVA-211: the management address on a VLAN interface of the VM bridge -------------------------


def _links_with_mgmt_vlan_on_br0() -> tuple[str, str]:
    from conftest import IP_ADDR, IP_LINK

    links = json.loads(IP_LINK)
    for link in links:
        if link["ifname"] == "br0":
            link["linkinfo"]["info_data"]["vlan_filtering"] = 0
    links.append(
        {
            "ifindex": 8,
            "ifname": "br0.10",
            "link": "br0",
            "linkinfo": {"info_kind": "vlan", "info_data": {"protocol": "802.1Q", "id": 10}},
        }
    )
    addrs = json.loads(IP_ADDR)
    for a in addrs:
        if a["ifname"] == "eno3":
            a["addr_info"] = []
    addrs.append(
        {
            "ifname": "br0.10",
            "addr_info": [{"family": "inet", "local": "10.0.0.10", "scope": "global"}],
        }
    )
    return json.dumps(links), json.dumps(addrs)


def test_management_address_on_a_vlan_interface_of_the_vm_bridge(host_scan) -> None:
    """The host's management address 10.0.0.10 is on br0.10, an 802.1Q interface whose lower
    device is br0 itself (`ip -d link`: link br0, kind vlan id 10); the VM port vnet0 and the
    uplink bond0 are ports of br0, which has vlan_filtering 0. Without VLAN filtering the bridge
    forwards 802.1Q frames whatever their VLAN id ("When turned off the switch must accept any
    802.1Q frames irrespective of their VLAN ID", kernel Documentation/networking/dsa/dsa.rst,
    bridge VLAN filtering; confirmed with `search`), so a guest that tags its frames with VLAN 10
    delivers them to br0, whose VLAN-10 upper device is the management interface: the management
    address shares a segment with the VMs, the case HVA-211 fails when the address sits on br0
    itself. hvaudit passes "no host address on a bridge with VM ports". Fail naming br0.10."""
    links, addrs = _links_with_mgmt_vlan_on_br0()
    a = host_scan({"ip-link": (links, 0), "ip-addr": (addrs, 0)})
    status, msg = verdict(a, "HVA-211")
    assert status == "fail", msg
    assert "br0.10" in msg or "br0" in msg, msg


# --- HVA-142: polkit grants libvirt management to another group ----------------------------------

OPERATORS_RULE = (
    "/etc/polkit-1/rules.d/50-libvirt.rules:polkit.addRule(function(action, subject) {\n"
    '/etc/polkit-1/rules.d/50-libvirt.rules:    if (action.id == "org.libvirt.unix.manage" &&\n'
    '/etc/polkit-1/rules.d/50-libvirt.rules:        subject.isInGroup("operators")) {\n'
    "/etc/polkit-1/rules.d/50-libvirt.rules:            return polkit.Result.YES;\n"
    "/etc/polkit-1/rules.d/50-libvirt.rules:    }\n"
    "/etc/polkit-1/rules.d/50-libvirt.rules:});\n"
)


def test_polkit_rule_granting_libvirt_management_to_a_group(host_scan) -> None:
    """libvirt's polkit action org.libvirt.unix.manage is full management of the daemon (every
    VM, network, storage pool; libvirt docs/auth.rst "UNIX socket permissions/group" and the
    polkit rules distributions ship for the libvirt group). The ArchWiki's libvirt page (found
    with `find_string`) shows the same rule for any group: `if (action.id ==
    "org.libvirt.unix.manage" && subject.isInGroup("mykvm")) return polkit.Result.YES` "Allow
    users in mykvm group to manage the libvirt daemon without authentication". hvaudit counts
    members of a group literally named libvirt (ADMIN_GROUPS) and ignores the rule that hands
    the same power to "operators" (bob, carol, dave): root, alice + 3 = 5 principals over the
    limit of 3; hvaudit says 2 and passes. Fail naming the operators' members."""
    rules = HARDENED_HOST["polkit-rules"][0] + OPERATORS_RULE
    group = HARDENED_HOST["/etc/group"] + "operators:x:1500:bob,carol,dave\n"
    a = host_scan({"polkit-rules": (rules, 0), "/etc/group": group})
    status, msg = verdict(a, "HVA-142")
    assert status == "fail", msg
    assert "bob" in msg, msg


# --- HVA-200: rsyslogd started with another configuration file ------------------------------------


def test_rsyslogd_started_with_another_config_file(host_scan) -> None:
    """rsyslog docs, "Configuration" (confirmed with `search`): "By default, rsyslogd reads the
    file /etc/rsyslog.conf. This can be changed by a command line option" (-f, rsyslogd(8)
    SYNOPSIS `[ -f config file ]`). The running rsyslogd reads /etc/rsyslog-local.conf, which
    the collector does not read; the forwarding hvaudit found in /etc/rsyslog.d belongs to a
    configuration rsyslogd does not use. Same class as redteam2's libvirtd/sshd -f findings:
    manual naming /etc/rsyslog-local.conf, never a pass."""
    procs = PROCS.replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/rsyslogd -n -iNONE -f /etc/rsyslog-local.conf"
    )
    a = host_scan({"processes": (procs, 0)})
    status, msg = verdict(a, "HVA-200")
    assert status == "manual", msg
    assert "rsyslog-local.conf" in msg, msg


# --- HVA-313: an IP set entry that is an alias of every address -----------------------------------


def test_management_ipset_alias_of_every_address(tmp_path: Path) -> None:
    """Proxmox VE admin guide, firewall "IP Aliases" (confirmed with `search`): aliases associate
    a name with an address or network, and the names can be used "inside IP set definitions" and
    in rules' source/dest. The set `management` holds the alias admin-lan, and cluster.fw's
    [ALIASES] defines `admin-lan 0.0.0.0/0`: the management ports (8006, 22, 3128, VNC) are
    open to every IPv4 address, exactly what HVA-313 fails for an entry written 0.0.0.0/0.
    hvaudit tests the entry's text for a short prefix ("admin-lan" has none) and passes. Fail
    naming admin-lan (or 0.0.0.0/0)."""
    import shutil

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    fw = tree / "etc/pve/firewall/cluster.fw"
    fw.write_text(fw.read_text().replace("admin-lan 10.0.0.0/24", "admin-lan 0.0.0.0/0"))
    procs = PVE_PROCS + "  950 root     pve-firewall\n"
    a = pve_scan(tmp_path, {"processes": (procs, 0)}, tree)
    status, msg = verdict(a, "HVA-313", "pve-h1")
    assert status == "fail", msg
    assert "admin-lan" in msg or "0.0.0.0/0" in msg, msg


def test_management_rule_with_a_source_of_every_address(tmp_path: Path) -> None:
    """pve-firewall.adoc, rules: `-source` restricts a rule to the listed addresses; 0.0.0.0/0 is
    every IPv4 address. `IN ACCEPT -source 0.0.0.0/0 -p tcp -dport 8006` admits the web UI
    from anywhere, as a rule without -source does (which HVA-313 fails). Fail naming the rule."""
    import shutil

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    fw = tree / "etc/pve/firewall/cluster.fw"
    fw.write_text(
        fw.read_text().replace(
            "IN ACCEPT -source +management -p tcp -dport 8006 # web UI",
            "IN ACCEPT -source +management -p tcp -dport 8006 # web UI\n"
            "IN ACCEPT -source 0.0.0.0/0 -p tcp -dport 8006 # partner access",
        )
    )
    procs = PVE_PROCS + "  950 root     pve-firewall\n"
    a = pve_scan(tmp_path, {"processes": (procs, 0)}, tree)
    status, msg = verdict(a, "HVA-313", "pve-h1")
    assert status == "fail", msg
    assert "cluster.fw" in msg, msg


def test_qemu_user_plus_00_is_root(host_scan) -> None:
    """libvirt virutil.c virGetUserID (read with `read_file`): "if `user` contains a leading '+',
    the rest of the string is always parsed as a uid" with virStrToLong_ui base 10, so
    `user = "+00"` is uid 0: QEMU runs as root (rt3vm's R7 found the same spelling in per-VM DAC
    labels). No QEMU runs: only the file decides. Fail naming +00."""
    conf = QEMU_CONF.replace('user = "libvirt-qemu"', 'user = "+00"')
    a = host_scan({"/etc/libvirt/qemu.conf": conf, "processes": (PROCS.split(" 1200 ")[0], 0)})
    status, msg = verdict(a, "HVA-042")
    assert status == "fail", msg
    assert "+00" in msg, msg


def test_nft_accept_every_tcp_port_range(host_scan) -> None:
    """nft(8), PAYLOAD EXPRESSIONS / ranges: `tcp dport 0-65535` matches every TCP segment (the
    port field has 16 bits). Ahead of the drop policy it opens every TCP port, like
    `meta l4proto tcp accept`. Fail."""
    rule = _nft_rule(
        {
            "match": {
                "op": "==",
                "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                "right": {"range": [0, 65535]},
            }
        },
        {"accept": None},
    )
    a = host_scan({"nft-ruleset": (rule, 0)})
    status, msg = verdict(a, "HVA-190")
    assert status == "fail", msg


# --- daemons of an unprivileged container counted as the host's -----------------------------------


def test_container_rsyslogd_is_not_the_hosts_forwarder(tmp_path: Path) -> None:
    """`ps -eo pid=,user:32=,args=` on a Proxmox VE node lists the processes of its LXC
    containers too. An unprivileged container's root is uid 100000 on the host (Proxmox wiki
    "Unprivileged LXC containers" and its idmap examples, confirmed with `search`: container uids
    0..65535 map to 100000..165535, /etc/subuid `root:100000:65536`), and ps prints
    that uid as a number: no host account has it (/etc/passwd ends at 64055 here). The node's
    own rsyslogd is not running; the only rsyslogd is the container's, which reads the
    container's /etc/rsyslog.conf, not the node's. hvaudit matches the program name, finds
    "rsyslogd" running and passes the node's TLS forwarding. Right: fail, the node's forwarder is
    configured but not running (the rule HVA-200 already applies to an absent rsyslogd)."""
    procs = PVE_PROCS.replace(
        "  403 root     /usr/sbin/rsyslogd -n -iNONE\n",
        " 7403 100000   /usr/sbin/rsyslogd -n -iNONE\n",
    )
    a = pve_scan(tmp_path, {"processes": (procs, 0)})
    status, msg = verdict(a, "HVA-200", "pve-h1")
    assert status == "fail", msg
    assert "rsyslogd" in msg, msg


# --- relays of the read-write socket that hostfix's first fix does not see ------------------------

LOOPBACK_RELAY_PROCS = PROCS + (
    "  991 root     /usr/bin/socat TCP-LISTEN:16600,bind=127.0.0.1,fork,reuseaddr "
    "UNIX-CONNECT:/run/libvirt/libvirt-sock\n"
)
LOOPBACK_RELAY_LISTEN = HARDENED_HOST["listeners"][0] + (
    "tcp   LISTEN 0      5          127.0.0.1:16600        0.0.0.0:*    "
    'users:(("socat",pid=991,fd=5))\n'
)


def test_loopback_relay_bypasses_the_sockets_authorization(host_scan) -> None:
    """The relay runs as root and connects to libvirt-sock for whoever reaches 127.0.0.1:16600:
    libvirt sees a root peer (SO_PEERCRED of socat), so polkit's org.libvirt.unix.manage check
    passes for every local user who opens the TCP port, unauthenticated (libvirt docs/daemons.rst:
    a connection to libvirt-sock "gives the client privileges that are equivalent to having a
    root shell"). That is the read-write socket open to every local account, what HVA-132 fails
    for auth_unix_rw = none with a world-writable socket. hostfix's HVA-030 relay rule skips
    loopback listeners (remote exposure), and HVA-132 reads only the daemons' files. Right: a
    fail naming socat in HVA-132 (or HVA-030)."""
    a = host_scan({"processes": (LOOPBACK_RELAY_PROCS, 0), "listeners": (LOOPBACK_RELAY_LISTEN, 0)})
    got = {cid: verdict(a, cid) for cid in ("HVA-030", "HVA-132")}
    assert any(st == "fail" and "socat" in msg for st, msg in got.values()), got


OUTWARD_RELAY_PROCS = PROCS + (
    "  992 root     ssh -N -o ExitOnForwardFailure=yes "
    "-R 16509:/run/libvirt/libvirt-sock ops@jump.example.net\n"
)


def test_outward_relay_exposes_the_socket_elsewhere(host_scan) -> None:
    """ssh(1) -R [bind_address:]port:local_socket: "Specifies that connections to the given TCP
    port or Unix socket on the remote (server) host are to be forwarded to the local side" (a
    Unix socket as the local end). jump.example.net:16509 now reaches libvirt-sock as root: the
    full API outside this host, without libvirt's authentication, and nothing here listens. What
    the jump host admits is not observable: right: manual naming the ssh relay (never "libvirt
    listens on local UNIX sockets only")."""
    a = host_scan({"processes": (OUTWARD_RELAY_PROCS, 0)})
    status, msg = verdict(a, "HVA-030")
    assert status in ("manual", "fail"), msg
    assert "ssh" in msg, msg


def test_outward_socat_relay(host_scan) -> None:
    """socat(1): `TCP:<host>:<port>` "Connects to <port> on <host>" and the second address
    `UNIX-CONNECT:<filename>` "Connects to <filename> assuming it is a UNIX domain socket";
    socat relays the two byte streams. `socat TCP:jump.example.net:4433,forever,interval=10
    UNIX-CONNECT:/run/libvirt/libvirt-sock` (root) dials out and hands the far side the
    read-write socket as root, the reverse tunnel H39's `ssh -R` makes, with another program.
    hvaudit's relay rule (hostfix's H19 fix) wants a local TCP listener of the relay; this one
    has none. Right: manual (or fail) naming socat, never "local UNIX sockets only"."""
    procs = PROCS + (
        "  993 root     socat TCP:jump.example.net:4433,forever,interval=10 "
        "UNIX-CONNECT:/run/libvirt/libvirt-sock\n"
    )
    a = host_scan({"processes": (procs, 0)})
    status, msg = verdict(a, "HVA-030")
    assert status in ("manual", "fail"), msg
    assert "socat" in msg, msg


# --- QEMU's primary group --------------------------------------------------------------------------


def test_qemu_user_with_primary_gid_0(host_scan) -> None:
    """libvirt src/util/virutil.c virGetGroupList (read with `read_file`): `virGetUserEnt(uid,
    &user, &primary, ...)` takes the account's primary gid from the passwd entry and
    `getgrouplist(user, primary, ...)` puts it in the list setgroups() receives (virSetUIDGID).
    /etc/passwd `libvirt-qemu:x:64055:0:...` therefore runs every QEMU with supplementary group 0,
    whatever qemu.conf `group` says: the group-root case HVA-042 fails (H11's /etc/group
    membership, the other way in). Fail naming root / gid 0."""
    import re

    passwd = re.sub(
        r"^(libvirt-qemu:x:\d+:)\d+:", r"\g<1>0:", HARDENED_HOST["/etc/passwd"], flags=re.M
    )
    assert "libvirt-qemu:x:64055:0:" in passwd
    a = host_scan({"/etc/passwd": passwd})
    status, msg = verdict(a, "HVA-042")
    assert status == "fail", msg
    assert "root" in msg or "gid 0" in msg, msg


# --- the admin socket ----------------------------------------------------------------------------

NO_SOCKET_UNITS = (
    "libvirtd.socket        disabled enabled\nlibvirtd-ro.socket     disabled enabled\n"
    "libvirtd-admin.socket  disabled enabled\nlibvirtd-tcp.socket    disabled disabled\n"
    "libvirtd-tls.socket    disabled disabled\n"
)


def test_admin_socket_open_to_every_user(host_scan) -> None:
    """libvirtd.conf.in (found with `find_string`): "Set the UNIX socket permissions for the admin
    interface socket. This setting is not required or honoured if using systemd socket
    activation. Default allows only owner (root), do not change it unless you are sure to whom
    you are exposing the access to. #unix_sock_admin_perms = "0700"". The admin socket takes no
    authentication of its own (auth_unix_* cover the ro/rw sockets): its mode is the control.
    Through it virt-admin sets the daemon's log outputs (files the root daemon opens and writes
    wherever it is told), its client limits and TLS files. The daemon here runs without socket
    units (all disabled), so the file's 0777 is the socket's mode. hvaudit passes
    "auth_unix_rw = polkit". Fail naming unix_sock_admin_perms."""
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + 'unix_sock_admin_perms = "0777"\n'
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": conf,
            "libvirt-socket-units": (NO_SOCKET_UNITS, 0),
            "processes": (
                PROCS.replace("/usr/sbin/libvirtd --timeout 120", "/usr/sbin/libvirtd"),
                0,
            ),
        }
    )
    status, msg = verdict(a, "HVA-132")
    assert status == "fail", msg
    assert "unix_sock_admin_perms" in msg, msg


# --- -f FILE written as one word ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("check_id", "old", "new", "file"),
    [
        (
            "HVA-160",
            "sshd: /usr/sbin/sshd -D [listener]",
            "sshd: /usr/sbin/sshd -D -f/etc/ssh/sshd_config.lab [listener]",
            "sshd_config.lab",
        ),
        (
            "HVA-132",
            "/usr/sbin/libvirtd --timeout 120",
            "/usr/sbin/libvirtd --timeout 120 -f/etc/libvirt/libvirtd-lab.conf",
            "libvirtd-lab.conf",
        ),
    ],
    ids=["sshd", "libvirtd"],
)
def test_config_file_option_attached_to_its_flag(
    host_scan, check_id: str, old: str, new: str, file: str
) -> None:
    """getopt(3): "If such a character is followed by a colon, the option requires an argument,
    so getopt() places a pointer to the following text in the same argv-element, or the text of
    the following argv-element, in optarg": `-f/etc/ssh/sshd_config.lab` is `-f
    /etc/ssh/sshd_config.lab`. sshd parses its options with getopt ("...f:..."), libvirtd with
    getopt_long (remote_daemon.c optstr "ldf:p:t:vVh", found with `find_string`). Redteam2's -f
    fix (#2, #3) reads only the two-word form: the running daemon's configuration is a file
    hvaudit does not read, and the checks pass on the default one. Right: manual naming the
    file, as for `-f FILE`."""
    procs = PROCS.replace(old, new)
    assert procs != PROCS
    a = host_scan({"processes": (procs, 0)})
    status, msg = verdict(a, check_id)
    assert status == "manual", msg
    assert file in msg, msg


def test_pam_comment_ends_a_line_before_its_backslash(host_scan) -> None:
    """The twin of H3, and a guard for its fix: libpam's _pam_assemble_line (pam_handlers.c,
    read with `read_file`) truncates a line at its first '#' and ends it there ("the line has
    been read", `break`) before it ever looks for a trailing backslash, so `... \\ # comment`
    does NOT continue onto the next line. Here the next line is a separate rule,
    `auth [default=reset] pam_succeed_if.so ...`: pam.conf(5) "reset: clear all memory of the
    state of the module stack and start again with the next stacked module", which forgets the
    failed one-time code; pam_unix alone then logs in (keyboard-interactive only): fail. A reader
    that joins the two lines hides the reset rule inside pam_google_authenticator's arguments
    and passes."""
    pam = (
        "auth required pam_google_authenticator.so \\ # one-time code\n"
        "auth [default=reset] pam_succeed_if.so user ingroup sudo\n"
        "@include common-auth\n"
    )
    a = host_scan({"/etc/pam.d/sshd": pam, "sshd-effective": (KBD_ONLY, 0)})
    status, msg = verdict(a, "HVA-151")
    assert status == "fail", msg


# --- dropbear beside OpenSSH, and dropbear's own second factor -------------------------------------


def test_dropbear_beside_openssh_admits_root(host_scan) -> None:
    """The hardened OpenSSH runs (PermitRootLogin no) and, beside it, `dropbear -F -R -p 2222`
    listens on 0.0.0.0:2222 without -w ("Disallow root logins", dropbear(8)): root logs in over
    SSH on port 2222. Several SSH servers are several ways in; the host denies root login only
    if every one of them does. Right: fail naming dropbear (hostfix's H13 fix judges dropbear
    only when OpenSSH is absent or stopped)."""
    procs = PROCS + "  801 root     /usr/sbin/dropbear -F -R -p 2222\n"
    listen = HARDENED_HOST["listeners"][0] + (
        "tcp   LISTEN 0      20         0.0.0.0:2222        0.0.0.0:*    "
        'users:(("dropbear",pid=801,fd=3))\n'
    )
    a = host_scan({"processes": (procs, 0), "listeners": (listen, 0)})
    status, msg = verdict(a, "HVA-160")
    assert status == "fail", msg
    assert "dropbear" in msg, msg


def test_dropbear_with_two_factor_option(host_scan) -> None:
    """dropbear(8) (2022.83, confirmed with `search`): "-t Enable two-factor authentication. Both
    password login and public key authentication are required." The only SSH server is
    `dropbear -F -R -w -t -p 22`: every login needs the account's password (knowledge) and its
    key (possession). Right: pass (a dropbear without -t stays a fail)."""
    procs = DROPBEAR_PROCS.replace(
        "/usr/sbin/dropbear -F -R -p 22", "/usr/sbin/dropbear -F -R -w -t -p 22"
    )
    assert procs != DROPBEAR_PROCS
    a = host_scan(dict(DROPBEAR_HOST, processes=(procs, 0)))
    status, msg = verdict(a, "HVA-151")
    assert status == "pass", msg


# --- kernel command line: the kernel's own spellings of a parameter --------------------------------


@pytest.mark.parametrize(
    "word",
    ["pcie-acs-override=downstream,multifunction", '"pcie_acs_override=downstream,multifunction"'],
    ids=["dashes", "quoted"],
)
def test_acs_override_in_another_kernel_spelling(host_scan, word: str) -> None:
    """The ACS override patch registers `early_param("pcie_acs_override", ...)` (found with
    `find_string`). init/main.c do_early_param matches early parameters with
    `parameq(param, p->str)`; include/linux/moduleparam.h: parameq "Dashes (-) are considered
    equal to underscores (_)", and kernel-parameters.txt says hyphens and underscores are
    equivalent in parameter names. kernel/params.c next_arg strips a leading and trailing '"'
    from a quoted word before splitting it at '='. Either word sets the override: fail, naming
    it."""
    cmdline = HARDENED_HOST["/proc/cmdline"].replace("quiet", f"quiet {word}")
    a = host_scan({"/proc/cmdline": cmdline})
    status, msg = verdict(a, "HVA-052")
    assert status == "fail", msg
    assert "acs" in msg and "override" in msg, msg


def test_audit_off_with_a_quoted_value(host_scan) -> None:
    """kernel/params.c next_arg: "Don't include quotes in value" (a value starting with '"'
    loses it and the closing one), so `audit="0"` reaches audit_enable() as "0" and kernel
    auditing is off for this boot (kernel-parameters.txt audit=: "0 | off - kernel audit is
    disabled and can not be enabled until the next reboot"). Right: HVA-214 fail naming audit."""
    cmdline = HARDENED_HOST["/proc/cmdline"].replace("quiet", 'quiet audit="0"')
    a = host_scan({"/proc/cmdline": cmdline})
    status, msg = verdict(a, "HVA-214")
    assert status == "fail", msg
    assert "audit=" in msg, msg


# --- polkit reads rules from four directories; the collector greps two -----------------------------


def _grep_rules(probe: str, files: dict[str, str]) -> str:
    """What the collector's `grep -r -H "" DIR...` probe prints for these files: only those under
    the directories its argv names (so the probe follows the collector when it reads more)."""
    from hvaudit.collect.host import COMMANDS

    argv = next(c.argv for c in COMMANDS if c.name == probe)
    dirs = [a.rstrip("/") for a in argv if a.startswith("/")]
    out = []
    for path, text in files.items():
        if any(path.startswith(d + "/") for d in dirs):
            out += [f"{path}:{line}\n" for line in text.splitlines()]
    return "".join(out)


@pytest.mark.parametrize(
    "where",
    [
        "/run/polkit-1/rules.d",
        "/usr/local/share/polkit-1/rules.d",
        "/etc/polkit-1/localauthority/50-local.d",
    ],
)
def test_polkit_rule_in_a_directory_the_collector_skips(host_scan, where: str) -> None:
    """polkit's JavaScript authority (src/polkitbackend, read with `find_string`) sets its rules
    directories to PACKAGE_SYSCONF_DIR "/polkit-1/rules.d", "/run/polkit-1/rules.d",
    "/usr/local/share/polkit-1/rules.d" and PACKAGE_DATA_DIR "/polkit-1/rules.d" (polkit 121 and
    later; Debian 12 ships 122) and loads every .rules file of all four. /run is a tmpfs: a rule
    there leaves no trace in /etc and is gone after a reboot. The rule of H35 (org.libvirt.unix.
    manage for group "operators": bob, carol, dave) placed there is read by polkitd and not by
    hvaudit. The probe prints what the collector's grep would print, so it follows the fix of
    the directory list. Right: HVA-142 fail naming bob (H35's verdict)."""
    if "localauthority" in where:
        # the same grant in the .pkla key-file format polkit 0.105 reads (Ubuntu 22.04) and
        # Debian 12's polkitd-pkla keeps reading (bookworm release notes, "Changes to polkit
        # configuration": pkla rules in /etc/polkit-1/localauthority "will only continue to
        # work if you install the polkitd-pkla package. This will usually be installed
        # automatically when you upgrade to bookworm"; pklocalauthority(8) keys)
        files = {
            f"{where}/operators.pkla": "[libvirt operators]\nIdentity=unix-group:operators\n"
            "Action=org.libvirt.unix.manage\nResultAny=yes\nResultInactive=yes\n"
            "ResultActive=yes\n"
        }
    else:
        rule = "".join(line.split(":", 1)[1] + "\n" for line in OPERATORS_RULE.splitlines())
        files = {f"{where}/10-operators.rules": rule}
    rules = HARDENED_HOST["polkit-rules"][0] + _grep_rules("polkit-rules", files)
    group = HARDENED_HOST["/etc/group"] + "operators:x:1500:bob,carol,dave\n"
    a = host_scan({"polkit-rules": (rules, 0), "/etc/group": group})
    status, msg = verdict(a, "HVA-142")
    assert status == "fail", msg
    assert "bob" in msg, msg


# --- PAM: RHEL's sshd stack includes postlogin in its auth phase -----------------------------------

RHEL_SSHD_PAM = {
    "sshd-effective": (KBD_ONLY, 0),
    "/etc/pam.d/sshd": "#%PAM-1.0\nauth       substack     password-auth\n"
    "auth       include      postlogin\naccount    required     pam_nologin.so\n",
    "/etc/pam.d/common-auth": None,
    "/etc/pam.d/password-auth": "auth required pam_env.so\n"
    "auth required pam_oath.so usersfile=/etc/users.oath\nauth required pam_unix.so\n",
}


def test_auth_rules_in_postlogin_run_after_the_otp(host_scan) -> None:
    """RHEL/Fedora's /etc/pam.d/sshd runs `auth substack password-auth` and then `auth include
    postlogin` (the stock file, confirmed with `search`). pam.conf(5): include "include all
    lines of given type from the configuration file specified", so any auth line in postlogin
    is part of sshd's auth stack; `reset` "clear all memory of the state of the module stack
    and start again with the next stacked module". postlogin here:
    `auth [success=reset default=ignore] pam_permit.so` then `auth optional pam_permit.so`:
    the failed OTP (and password) of the substack are forgotten and pam_permit's success is the
    stack's result, so every keyboard-interactive login succeeds. hvaudit does not read postlogin
    and takes it for a session-only file: pass. Right: fail (with postlogin read; its stock
    content, session lines only, keeps the pass)."""
    postlogin = (
        "auth [success=reset default=ignore] pam_permit.so\nauth optional pam_permit.so\n"
        "session optional pam_umask.so silent\n"
    )
    a = host_scan(dict(RHEL_SSHD_PAM, **{"/etc/pam.d/postlogin": postlogin}))
    status, msg = verdict(a, "HVA-151")
    assert status == "fail", msg


def test_stock_postlogin_keeps_the_otp_required(host_scan) -> None:
    """Twin of H46: authselect's postlogin (session lines only) adds no auth rule: pass."""
    postlogin = (
        "# Generated by authselect\nsession optional pam_umask.so silent\n"
        "session [default=1] pam_lastlog.so nowtmp showfailed\n"
    )
    a = host_scan(dict(RHEL_SSHD_PAM, **{"/etc/pam.d/postlogin": postlogin}))
    status, msg = verdict(a, "HVA-151")
    assert status == "pass", msg


# --- HVA-190 after the rule-reach fix: every port but one, the host's own address, user chains ----

IPT_ONLY = {"nft-ruleset": None, "ip6tables-input": ("-P INPUT DROP\n", 0)}


def _ipt(*rules: str) -> dict[str, Any]:
    """The iptables-only host with INPUT policy DROP and these rules (loopback accepted first)."""
    text = "-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n" + "".join(r + "\n" for r in rules)
    return dict(IPT_ONLY, **{"iptables-input": (text, 0)})


@pytest.mark.parametrize(
    "spelling",
    ["nft dport != 22", "iptables ! --dport 22", "iptables --dport 0:65535", "iptables multiport"],
)
def test_accept_every_port_but_one(host_scan, spelling: str) -> None:
    """nft(8) PAYLOAD EXPRESSIONS / RELATIONAL: `tcp dport != 22` matches every TCP segment whose
    destination port is not 22; iptables-extensions(8) tcp: "[!] --destination-port,--dport
    port[:port]" ("If the first port is omitted, "0" is assumed; if the last is omitted,
    "65535" is assumed"), multiport `--dports` likewise. Each rule accepts (nearly) every TCP
    port from everywhere ahead of the DROP policy: the reach hvaudit now fails for
    `meta l4proto tcp accept` / `-p tcp -j ACCEPT` (integrator's fix of H4/H5). Fail."""
    if spelling.startswith("nft"):
        over = {
            "nft-ruleset": (
                _nft_rule(
                    {
                        "match": {
                            "op": "!=",
                            "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                            "right": 22,
                        }
                    },
                    {"accept": None},
                ),
                0,
            )
        }
    else:
        rule = {
            "iptables ! --dport 22": "-A INPUT -p tcp -m tcp ! --dport 22 -j ACCEPT",
            "iptables --dport 0:65535": "-A INPUT -p tcp -m tcp --dport 0:65535 -j ACCEPT",
            "iptables multiport": "-A INPUT -p tcp -m multiport --dports 1:65535 -j ACCEPT",
        }[spelling]
        over = _ipt(rule)
    a = host_scan(over)
    status, msg = verdict(a, "HVA-190")
    assert status == "fail", msg


@pytest.mark.parametrize("spelling", ["nft ip daddr", "iptables -d"])
def test_accept_everything_to_the_hosts_own_address(host_scan, spelling: str) -> None:
    """On the input hook every unicast packet the host receives is addressed to one of its own
    addresses (netfilter's input hook sees packets "destined to the local system", nft(8)
    ADDRESS FAMILIES / nftables wiki "Netfilter hooks"). The host has one address, 10.0.0.10
    on eno3 (ip -j addr). `ip daddr 10.0.0.10 accept` (iptables `-d 10.0.0.10/32 -j ACCEPT`)
    therefore accepts every port from every source ahead of the drop policy: no default deny
    is left for IPv4. Fail, as for an unconditional accept."""
    if spelling.startswith("nft"):
        over = {
            "nft-ruleset": (
                _nft_rule(
                    {
                        "match": {
                            "op": "==",
                            "left": {"payload": {"protocol": "ip", "field": "daddr"}},
                            "right": "10.0.0.10",
                        }
                    },
                    {"accept": None},
                ),
                0,
            )
        }
    else:
        over = _ipt("-A INPUT -d 10.0.0.10/32 -j ACCEPT")
    a = host_scan(over)
    status, msg = verdict(a, "HVA-190")
    assert status == "fail", msg


def _iptables_output(probe: str, text: str) -> str:
    """What the collector's iptables probe prints from this whole `iptables -S`: only the INPUT
    chain's lines when its argv names INPUT (so the probe follows a collector that reads more)."""
    from hvaudit.collect.host import COMMANDS

    argv = next(c.argv for c in COMMANDS if c.name == probe)
    if "INPUT" not in argv:
        return text
    return "".join(
        line + "\n"
        for line in text.splitlines()
        if line.split()[:2] in (["-P", "INPUT"], ["-A", "INPUT"])
    )


def test_iptables_user_chain_that_accepts_everything(host_scan) -> None:
    """ufw builds INPUT out of jumps to its own chains (ufw-before-input, ufw-user-input, ...;
    `-P INPUT DROP`), and `ufw allow proto tcp from any` becomes
    `-A ufw-user-input -p tcp -j ACCEPT` in a user chain. iptables(8) TARGETS: a jump to a
    user-defined chain evaluates its rules, and an ACCEPT there accepts the packet. The
    collector runs `iptables -S INPUT`, which prints the jumps and not the chains: hvaudit sees
    policy DROP and passes. With the chains read the verdict is fail (every TCP port open);
    with INPUT alone the evidence cannot decide: manual naming the chain."""
    whole = (
        "-P INPUT DROP\n-N ufw-before-input\n-N ufw-user-input\n"
        "-A INPUT -j ufw-before-input\n-A INPUT -j ufw-user-input\n"
        "-A ufw-before-input -i lo -j ACCEPT\n"
        "-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
        "-A ufw-user-input -p tcp -j ACCEPT\n"
    )
    out = _iptables_output("iptables-input", whole)
    a = host_scan(dict(IPT_ONLY, **{"iptables-input": (out, 0)}))
    status, msg = verdict(a, "HVA-190")
    if out == whole:
        assert status == "fail", msg
    else:
        assert status == "manual", msg
        assert "ufw-user-input" in msg, msg


# --- HVA-142: other root-equivalent groups ----------------------------------------------------------


@pytest.mark.parametrize("group", ["docker", "lxd"])
def test_members_of_a_root_equivalent_container_group(host_scan, group: str) -> None:
    """Docker's post-install documentation (found with `search`): "Warning: The docker group
    grants privileges equivalent to the root user" (`docker run -v /:/host ... chroot /host`).
    LXD's security explanation: "Anyone with access to the socket can fully control LXD, which
    includes the ability to attach host devices and file systems ... The root user and all
    members of the lxd group can interact with the local daemon." On a hypervisor host with
    either daemon installed, bob, carol and dave (the group's members) hold root: root, alice +
    3 = 5 principals over the limit of 3; hvaudit counts 2 and passes. Fail naming bob."""
    gid = {"docker": 998, "lxd": 997}[group]
    groups = HARDENED_HOST["/etc/group"] + f"{group}:x:{gid}:bob,carol,dave\n"
    daemon = {
        "docker": "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
        "lxd": "lxd --logfile /var/snap/lxd/common/lxd/logs/lxd.log --group lxd",
    }[group]
    procs = PROCS + f"  880 root     {daemon}\n"
    a = host_scan({"/etc/group": groups, "processes": (procs, 0)})
    status, msg = verdict(a, "HVA-142")
    assert status == "fail", msg
    assert "bob" in msg, msg


# --- HVA-211: the management address on an Open vSwitch internal port of the VM bridge ------------


def _ovs_links_and_addrs() -> tuple[str, str]:
    """Proxmox VE's Open vSwitch layout (wiki "Open vSwitch", found with `search`: OVS bridges
    "can carry multiple vlans, and be broken out into 'internal ports' to be used as vlan
    interfaces on the host"; "use OVSIntPorts" for the host's own VLANs): vmbr0, its internal port
    mgmt (10.0.0.10) and the uplink eno1 and the VM's tap all show `master ovs-system` (the
    datapath) in `ip -d link`; which OVS bridge each port is on is only in `ovs-vsctl`."""
    ovs = {"info_kind": "openvswitch"}
    links = [
        {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP"]},
        {"ifindex": 2, "ifname": "ovs-system", "linkinfo": dict(ovs)},
        {"ifindex": 3, "ifname": "vmbr0", "master": "ovs-system", "linkinfo": dict(ovs)},
        {"ifindex": 4, "ifname": "mgmt", "master": "ovs-system", "linkinfo": dict(ovs)},
        {
            "ifindex": 5,
            "ifname": "eno1",
            "master": "ovs-system",
            "linkinfo": {"info_slave_kind": "openvswitch"},
            "parentbus": "pci",
            "parentdev": "0000:3b:00.0",
        },
        {
            "ifindex": 6,
            "ifname": "vnet0",
            "master": "ovs-system",
            "linkinfo": {"info_kind": "tun", "info_slave_kind": "openvswitch"},
        },
    ]
    addrs = [
        {"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "scope": "host"}]},
        {"ifname": "vmbr0", "addr_info": []},
        {
            "ifname": "mgmt",
            "addr_info": [{"family": "inet", "local": "10.0.0.10", "scope": "global"}],
        },
    ]
    return json.dumps(links), json.dumps(addrs)


def test_management_address_on_an_ovs_internal_port(host_scan) -> None:
    """The VM web01 is defined on Open vSwitch bridge vmbr0 (`<virtualport type='openvswitch'/>`)
    and the host's only address sits on `mgmt`, an OVS internal port. An internal port is a port
    of an OVS bridge like the VM's tap (ovs-vsctl(8) `add-port BRIDGE PORT -- set Interface PORT
    type=internal`); `ip -d link` shows every OVS port as `master ovs-system`, so the bridge it
    belongs to is not in the evidence (HVA-195 and HVA-220 ask for exactly that reason). If mgmt
    is on vmbr0, the management address shares the VMs' switch: the case HVA-211 fails for a
    Linux bridge. hvaudit passes "no host address on a bridge with VM ports". Right: manual
    naming mgmt / Open vSwitch (ovs-vsctl port-to-br mgmt)."""
    from conftest import domain_xml

    links, addrs = _ovs_links_and_addrs()
    vm = domain_xml(
        "web01",
        "<devices><interface type='bridge'><mac address='52:54:00:00:01:01'/>"
        "<source bridge='vmbr0'/><virtualport type='openvswitch'/><target dev='vnet0'/>"
        "<model type='virtio'/></interface></devices>",
    )
    a = host_scan({"ip-link": (links, 0), "ip-addr": (addrs, 0)}, domains=[vm])
    status, msg = verdict(a, "HVA-211")
    assert status == "manual", msg
    assert "mgmt" in msg or "Open vSwitch" in msg, msg


# --- HVA-200: rsyslog forwards, but journald hands it nothing --------------------------------------

#: Debian 12's stock /etc/rsyslog.conf inputs (imuxsock: the syslog socket; imklog: the kernel)
#: and its include of rsyslog.d, as the collector's grep prints them, before the fixture's
#: TLS forwarding file.
DEBIAN_RSYSLOG_CONF = (
    '/etc/rsyslog.conf:module(load="imuxsock") # provides support for local system logging\n'
    '/etc/rsyslog.conf:module(load="imklog")   # provides kernel logging support\n'
    "/etc/rsyslog.conf:$IncludeConfig /etc/rsyslog.d/*.conf\n"
)


def test_journald_does_not_forward_to_rsyslog(host_scan) -> None:
    """On a systemd host /dev/log belongs to journald; a syslog daemon reading the syslog socket
    (rsyslog's imuxsock, Debian's stock input) gets messages only when journald forwards them:
    journald.conf(5) ForwardToSyslog=. Upstream turned it off by default; Debian re-enables it
    (debian/patches "Re-enable journal forwarding to syslog", found with `search`), and sites
    turn it off again to stop duplicate logging (`ForwardToSyslog=no`; FreedomBox does). With it
    off and no imjournal input, rsyslog forwards the kernel's messages only: libvirt's daemons
    log to the journal (log_outputs unset on a systemd host, HVA-213), sshd and sudo to
    /dev/log = the journal. hvaudit passes on the TLS action alone. Right: fail naming
    ForwardToSyslog (the probe serves /etc/systemd/journald.conf, which the collector must
    read)."""
    config = DEBIAN_RSYSLOG_CONF + RSYSLOG_REMOTE
    a = host_scan(
        {
            "rsyslog-config": (config, 0),
            "/etc/systemd/journald.conf": "[Journal]\nForwardToSyslog=no\n",
        }
    )
    status, msg = verdict(a, "HVA-200")
    assert status == "fail", msg
    assert "ForwardToSyslog" in msg, msg


def test_journald_forwarding_by_debian_default_passes(host_scan) -> None:
    """Twin of H52: the stock journald.conf (every line commented, Debian's default yes)."""
    config = DEBIAN_RSYSLOG_CONF + RSYSLOG_REMOTE
    a = host_scan(
        {
            "rsyslog-config": (config, 0),
            "/etc/systemd/journald.conf": "[Journal]\n#ForwardToSyslog=yes\n",
        }
    )
    status, msg = verdict(a, "HVA-200")
    assert status == "pass", msg


def test_polkit_admin_rule_names_another_group(host_scan) -> None:
    """polkit(8), AUTHORIZATION RULES: addAdminRule() registers a function returning the
    identities ("unix-group:NAME", "unix-user:NAME") that administrator authentication
    (auth_admin) accepts; upstream's own src/polkitbackend/50-default.rules is
    `polkit.addAdminRule(function(action, subject) { return ["unix-group:wheel"]; });` (found
    with `search`), the reason wheel/sudo count as administrators. Every auth_admin action then
    accepts those users' own password, pkexec's org.freedesktop.policykit.exec (run a program
    as root, auth_admin by default) among them. The rule here names "operators" (bob, carol,
    dave): root, alice + 3 = 5 over the limit of 3. Right: fail naming bob."""
    rule = (
        "/etc/polkit-1/rules.d/49-operators-admin.rules:polkit.addAdminRule("
        "function(action, subject) {\n"
        '/etc/polkit-1/rules.d/49-operators-admin.rules:    return ["unix-group:operators"];\n'
        "/etc/polkit-1/rules.d/49-operators-admin.rules:});\n"
    )
    rules = HARDENED_HOST["polkit-rules"][0] + rule
    group = HARDENED_HOST["/etc/group"] + "operators:x:1500:bob,carol,dave\n"
    a = host_scan({"polkit-rules": (rules, 0), "/etc/group": group})
    status, msg = verdict(a, "HVA-142")
    assert status == "fail", msg
    assert "bob" in msg, msg


# --- HVA-214: a watch limited to some users records part of the writes ----------------------------


@pytest.mark.parametrize("fields", ["-F auid>=1000 -F auid!=-1", "-F exe=/usr/sbin/libvirtd"])
def test_audit_watch_limited_to_some_writers(host_scan, fields: str) -> None:
    """auditctl(8) -F: a rule with several fields matches only when every field matches
    (auid, uid, exe ... are comparisons on the acting process). `-F auid>=1000 -F auid!=-1`
    (a pattern of CIS benchmark rules) records the changes of interactive non-root users only:
    a root login over SSH (auid 0), a daemon or a configuration-management agent started at
    boot (auid unset) edits /etc/libvirt unrecorded; `-F exe=/usr/sbin/libvirtd` records
    libvirtd's own writes (virsh define) and no editor's. hvaudit already
    treats a b32-only or success-limited rule as recording part of the writes (fail); a
    writer-limited rule is the same. Right: fail."""
    rules = (
        f"-a always,exit -F arch=b64 -S all -F dir=/etc/libvirt -F perm=wa {fields} "
        "-F key=libvirt\n-w /etc/polkit-1 -p wa -k polkit\n"
    )
    a = host_scan({"audit-rules": (rules, 0)})
    status, msg = verdict(a, "HVA-214")
    assert status == "fail", msg


# --- HVA-131: one per-VM rule does not make a blanket grant granular -------------------------------


def test_blanket_domain_grant_beside_a_per_vm_rule(host_scan) -> None:
    """The hardened rule (80-libvirt-acl.rules) gives web-admins the web-* VMs only. A second
    file, 70-ops.rules, returns YES for every org.libvirt.api.domain.* action to group ops,
    with no domain_name/domain_uuid test: ops administer every VM (polkit(8): rules run in
    file-name order and the first that returns a result decides, so 70-ops.rules decides for
    ops before 80 is reached). With 70-ops.rules alone HVA-131 fails "no polkit rule looks at
    domain_name or domain_uuid"; adding an unrelated per-VM rule for another group changes
    nothing for ops, yet hvaudit passes "per-VM rules in 80-libvirt-acl.rules". Right: fail
    naming 70-ops.rules. (Debatable only where the site means ops as an all-VM admin group;
    the check's own single-rule verdict says that is not granular.)"""
    ops = (
        "/etc/polkit-1/rules.d/70-ops.rules:polkit.addRule(function(action, subject) {\n"
        '/etc/polkit-1/rules.d/70-ops.rules:  if (action.id.indexOf("org.libvirt.api.domain.") == 0 &&\n'
        '/etc/polkit-1/rules.d/70-ops.rules:      subject.isInGroup("ops"))\n'
        "/etc/polkit-1/rules.d/70-ops.rules:    return polkit.Result.YES;\n"
        "/etc/polkit-1/rules.d/70-ops.rules:});\n"
    )
    a = host_scan({"polkit-rules": (ops + HARDENED_HOST["polkit-rules"][0], 0)})
    status, msg = verdict(a, "HVA-131")
    assert status == "fail", msg
    assert "70-ops" in msg, msg


@pytest.mark.parametrize("spelling", ["nft set of two halves", "iptables two rules"])
def test_accept_from_both_halves_of_the_address_space(host_scan, spelling: str) -> None:
    """0.0.0.0/1 holds 0.0.0.0-127.255.255.255 and 128.0.0.0/1 the rest: together every IPv4
    address (the "two halves" spelling VPN tools use for a default route, e.g. WireGuard
    AllowedIPs = 0.0.0.0/1, 128.0.0.0/1). nft(8) SETS: an anonymous set matches when any
    element does; iptables evaluates the two ACCEPT rules in turn. Either way every source
    reaches every port ahead of the drop policy, the case integrator's fix of H21 fails for a
    set holding 0.0.0.0/0. Right: fail."""
    if spelling.startswith("nft"):
        halves = {
            "set": [
                {"prefix": {"addr": "0.0.0.0", "len": 1}},
                {"prefix": {"addr": "128.0.0.0", "len": 1}},
            ]
        }
        over = {
            "nft-ruleset": (
                _nft_rule(
                    {
                        "match": {
                            "op": "==",
                            "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                            "right": halves,
                        }
                    },
                    {"accept": None},
                ),
                0,
            )
        }
    else:
        over = _ipt("-A INPUT -s 0.0.0.0/1 -j ACCEPT", "-A INPUT -s 128.0.0.0/1 -j ACCEPT")
    a = host_scan(over)
    status, msg = verdict(a, "HVA-190")
    assert status == "fail", msg


# --- HVA-180: dnf keeps packages back too -----------------------------------------------------------

RHEL_DNF = {
    "/etc/os-release": 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nVERSION_ID="9.4"\n',
    "apt-upgrade-simulation": None,
    "apt-held": None,
    "dpkg-packages": None,
    "rpm-packages": ("qemu-kvm\t8.2.0-11.el9_4\tii\nlibvirt\t10.0.0-6.el9_4\tii\n", 0),
    "dnf-security-updates": ("", 0),
    # the repositories publish advisories (an unread listing asks, R48S-2)
    "dnf-advisories": ("RHSA-2024:3671 Moderate/Sec. libvirt-10.0.0-6.el9_4.x86_64\n", 0),
}


def test_dnf_exclude_hides_pending_updates(host_scan) -> None:
    """RHEL 9 "Managing software with the DNF tool", Excluding packages from DNF operations
    (found with `search`): excludepkgs (alias exclude) in /etc/dnf/dnf.conf "exclude[s]
    packages from any DNF operations"; dnf5-filtering(7): "Package filtering removes packages
    from the available package set, making them invisible to most DNF5 commands" (versionlock
    is built on the same excludes). An excluded package's updates are not in the set
    `dnf updateinfo list --security --available` looks at, so its advisories never show, and
    dnf never installs them: `exclude=qemu-kvm* libvirt*` keeps the host on the QEMU and
    libvirt it has, as `apt-mark hold` does, which HVA-180 already fails ("kept back or on
    hold"). hvaudit's _held says "dnf keeps no package back" and passes. Right: fail naming the excluded packages (the probe serves /etc/dnf/dnf.conf)."""
    a = host_scan(
        dict(
            RHEL_DNF,
            **{"/etc/dnf/dnf.conf": "[main]\ngpgcheck=1\nexclude=qemu-kvm* libvirt*\n"},
        )
    )
    status, msg = verdict(a, "HVA-180")
    assert status == "fail", msg
    assert "qemu-kvm" in msg, msg


def test_dnf_without_excludes_passes(host_scan) -> None:
    """Twin of H58: the stock dnf.conf, no security advisory pending: pass."""
    a = host_scan(dict(RHEL_DNF, **{"/etc/dnf/dnf.conf": "[main]\ngpgcheck=1\n"}))
    status, msg = verdict(a, "HVA-180")
    assert status == "pass", msg


# --- HVA-160: root denied by DenyUsers (debatable false fail) --------------------------------------


def test_deny_users_root_denies_root_login(host_scan) -> None:
    """sshd_config(5) DenyUsers: "Login is disallowed for user names that match one of the
    patterns" (auth.c allowed_user() refuses the account before any authentication method
    runs). `sshd -T` shows `denyusers root` and Debian's default `permitrootlogin
    without-password`: no method logs root in, which is what the check's title asks ("SSH
    denies root login"). hvaudit fails "PermitRootLogin without-password". Right: pass naming
    DenyUsers. Debatable: CIS-style policies require the PermitRootLogin keyword itself, so a
    site may want the fail; the technical verdict is pass."""
    eff = HARDENED_HOST["sshd-effective"][0].replace(
        "permitrootlogin no\n", "permitrootlogin without-password\ndenyusers root\n"
    )
    a = host_scan({"sshd-effective": (eff, 0)})
    status, msg = verdict(a, "HVA-160")
    assert status == "pass", msg
    assert "denyusers" in msg.lower(), msg


# --- HVA-132: polkit answers YES to everyone ---------------------------------------------------------


def test_polkit_rule_authorizes_every_local_user(host_scan) -> None:
    """libvirt docs/auth.rst (UNIX socket permissions, polkit): with auth_unix_rw = "polkit"
    the daemon asks polkit for org.libvirt.unix.manage; polkit(8): the first rule that returns
    a result decides, `polkit.Result.YES` meaning "the subject is authorized" without
    authentication. The rule below answers YES for that action whatever the subject (no
    isInGroup / user test), a common copy-paste shortcut: every local account (a compromised
    service user included) gets the read-write socket, the root-equivalent API (daemons.rst:
    "equivalent to having a root shell"). hvaudit passes "auth_unix_rw = polkit". Right: fail
    naming the rule's file, as for unix_sock_rw_perms 0777 with auth none."""
    rule = (
        "/etc/polkit-1/rules.d/10-libvirt-all.rules:polkit.addRule(function(action, subject) {\n"
        '/etc/polkit-1/rules.d/10-libvirt-all.rules:  if (action.id == "org.libvirt.unix.manage")\n'
        "/etc/polkit-1/rules.d/10-libvirt-all.rules:    return polkit.Result.YES;\n"
        "/etc/polkit-1/rules.d/10-libvirt-all.rules:});\n"
    )
    a = host_scan({"polkit-rules": (rule + HARDENED_HOST["polkit-rules"][0], 0)})
    status, msg = verdict(a, "HVA-132")
    assert status == "fail", msg
    assert "10-libvirt-all" in msg, msg


# --- HVA-200: a filtered stop before the forwarding action ------------------------------------------


@pytest.mark.parametrize(
    ("line", "right"),
    [
        ("daemon.* stop", "fail"),
        ("daemon.* ~", "fail"),
        ('if $programname startswith "libvirt" then stop', "manual"),
        (':programname, startswith, "libvirt" stop', "manual"),
    ],
    ids=["selector-stop", "selector-tilde", "expression-stop", "property-stop"],
)
def test_filtered_stop_before_forwarding(host_scan, line: str, right: str) -> None:
    """rsyslog "Basic Structure" / "Actions" (confirmed with `search` for H8): `stop` (legacy
    `~`) discards the message, and statements run in configuration order, so a stop in
    10-quiet.conf runs before 50-remote.conf's omfwd. `daemon.* stop` drops every message of
    the daemon facility, which libvirt's daemons log to: none reaches the log server. Right:
    fail for a selector (hvaudit evaluates selectors, `selects`); for an expression or
    property filter (program name), the filter hvaudit keeps as text decides: manual naming
    it, never a plain pass."""
    pre = f"/etc/rsyslog.d/10-quiet.conf:{line}\n"
    a = host_scan({"rsyslog-config": (pre + HARDENED_HOST["rsyslog-config"][0], 0)})
    status, msg = verdict(a, "HVA-200")
    assert status == right, msg


# --- a second sshd binary with its own compiled-in configuration ------------------------------------


def test_second_sshd_binary_reads_another_default_config(host_scan) -> None:
    """sshd(8): without -f it reads its compiled-in configuration file; OpenSSH's pathnames.h
    builds that path from the configure-time sysconfdir, whose autoconf default is
    PREFIX/etc with PREFIX /usr/local (distribution and LFS builds pass --sysconfdir=/etc/ssh;
    Cygwin's ssh-config script still migrates the old /usr/local/etc files; both found with
    `search`). A source build of OpenSSH installed beside the distribution's (HPN-SSH, a newer
    release) runs as `/usr/local/sbin/sshd -D -p 2222` and listens on 0.0.0.0:2222 with
    /usr/local/etc/sshd_config, which nothing read: `sshd -T` ran the distribution's
    /usr/sbin/sshd. hvaudit applies that binary's settings (PermitRootLogin no ...) to both
    and passes. Right: manual naming /usr/local/sbin/sshd, as for an sshd started with -f."""
    procs = PROCS + (
        "  805 root     sshd: /usr/local/sbin/sshd -D -p 2222 [listener] 0 of 10-100 startups\n"
    )
    listen = HARDENED_HOST["listeners"][0] + (
        "tcp   LISTEN 0      128        0.0.0.0:2222        0.0.0.0:*    "
        'users:(("sshd",pid=805,fd=3))\n'
    )
    a = host_scan({"processes": (procs, 0), "listeners": (listen, 0)})
    status, msg = verdict(a, "HVA-160")
    assert status == "manual", msg
    assert "/usr/local/sbin/sshd" in msg, msg
