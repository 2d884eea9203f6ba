"""Sixteenth red-team review, host side (rt16-host).

Same harness as tests/test_redteam15_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message.

Findings:
FINDINGS

Probes that held: PROBES_HELD

Tally: TALLY

Leads left (not probed or not fixed for lack of time):
LEADS
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

PASSWD = str(HARDENED_HOST["/etc/passwd"])
GROUP = str(HARDENED_HOST["/etc/group"])
QEMU_CONF = str(HARDENED_HOST["/etc/libvirt/qemu.conf"])

# --- HVA-141 / HVA-140: a passwd entry with its trailing fields left off (R16H-1) --------------


@pytest.mark.parametrize("entry", ["toor:x:0:0", "toor:x:0:0::", "   toor:x:+0:0:::/bin/sh"])
def test_short_passwd_entry_with_uid_0_is_an_account(host_scan, entry: str) -> None:
    """R16H-1. glibc's nss_files reads /etc/passwd with files-parse.c's LINE_PARSER (read with
    `find_string` and `read_file`, bminor/glibc nss/nss_files/files-parse.c): STRING_FIELD stops
    at the end of the line (`while (*line != '\\0' && !terminator_p (*line))`), so the fields
    after the gid may be missing and are empty; INT_FIELD reads the uid with strtoul (blanks and
    a sign allowed); files-XXX.c internal_getent skips the blanks before an entry.
    `toor:x:0:0` is therefore an account with uid 0, an empty home and the shell /bin/sh
    (passwd(5)), which `su toor` or a password login reaches. hvaudit skipped every line with
    fewer than seven fields and passed HVA-141 "root is the only uid-0 account" (and left toor
    out of HVA-140's login count). Right: the fail naming toor, and toor counted."""
    a = host_scan({"/etc/passwd": PASSWD + entry + "\n"})
    assert outcomes(a, "HVA-141") == {"hv1": "fail"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141") == {"hv1": "uid-0 accounts: root, toor"}
    assert messages(a, "HVA-140") == {
        "hv1": "3 account(s) with a login shell (limit 3): root, alice, toor"
    }


@pytest.mark.parametrize(
    "entry", ["  # toor:x:0:0:::/bin/sh", "toor:x:0_0:0:::/bin/sh", "toor:x:\u0660:0:::/bin/sh"]
)
def test_passwd_lines_glibc_never_reads_keep_the_pass(host_scan, entry: str) -> None:
    """R16H-1's twin (wrong fails). glibc ignores a line whose first non-blank is '#', and
    strtoul reads ASCII digits only and must use up the field (INT_FIELD: `else if (*endp !=
    '\\0') return 0`), so `0_0` and the Arabic-Indic zero are no uid and the line is skipped.
    hvaudit read them with Python's int(), which takes both, and failed HVA-141 on an account
    that does not exist. Held: the pass."""
    a = host_scan({"/etc/passwd": PASSWD + entry + "\n"})
    assert messages(a, "HVA-141") == {"hv1": "root is the only uid-0 account"}
    assert outcomes(a, "HVA-141") == {"hv1": "pass"}


# --- HVA-042: a group entry without a member list (R16H-2) -----------------------------------


def test_group_entry_without_member_list_has_its_gid(host_scan) -> None:
    """R16H-2. glibc's files-grp.c parses `name:passwd:gid` and then the member list with
    parse_list, which stops at the line's end (files-parse.c), so `wheel:x:0` is group wheel
    with gid 0 and no members, as group(5)'s fields read. qemu.conf `group = "wheel"` then
    runs every QEMU in group root (libvirt's virGetGroupID resolves the name; R16H-1's reading,
    one helper _nss_entries for both files). hvaudit skipped group lines with fewer than four
    fields, found no group wheel, and passed HVA-042 on the running QEMU's user. Right: the fail
    group root gets."""
    a = host_scan(
        {
            "/etc/group": GROUP + "wheel:x:0\n",
            "/etc/libvirt/qemu.conf": QEMU_CONF.replace(
                'group = "libvirt-qemu"', 'group = "wheel"'
            ),
        }
    )
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}, messages(a, "HVA-042")
    assert messages(a, "HVA-042") == {
        "hv1": "qemu.conf sets group = wheel (gid 0 in /etc/group): QEMU runs in group root"
    }


def test_group_entry_after_blanks_keeps_its_members(host_scan) -> None:
    """R16H-2's twin: internal_getent skips the blanks before an entry, so `  sudo:x:27:...`
    is group sudo. hvaudit named the group "  sudo" and asked for %sudo's members (manual);
    now the members count: a fail for five principals, as without the blanks."""
    members = "sudo:x:27:alice,bob,carol,dave"
    a = host_scan({"/etc/group": GROUP.replace("sudo:x:27:alice", "  " + members)})
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {
        "hv1": "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root"
    }


# --- HVA-045: a seccomp filter QEMU did not load (R16H-3) --------------------------------------

PROCS = str(HARDENED_HOST["processes"][0])
SANDBOX = " -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"
assert SANDBOX in PROCS


@pytest.mark.parametrize("args", ["", " -sandbox off", " -sandbox enable=off"])
def test_seccomp_filter_without_sandbox_on_is_not_qemus(host_scan, args: str) -> None:
    """R16H-3. libvirt's qemuBuildSeccompSandboxCommandLine (src/qemu/qemu_command.c) writes
    `-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny` where
    it asks QEMU for its filter, `-sandbox off` for seccomp_sandbox = 0 and nothing where QEMU
    lacks the option; QEMU loads its filter only for `-sandbox on` (qemu-options.hx: "'on'
    will enable syscall filtering and 'off' will disable it"). /proc/PID/status `Seccomp: 2`
    shows that some filter applies, and seccomp(2) says children inherit their parent's
    filters: a QEMU started inside a container or a unit with SystemCallFilter= shows 2 with
    none of QEMU's own denials. hvaudit passed "seccomp_sandbox = -1 (default: enabled)" on
    Seccomp: 2 while web01's command line (ps) had no -sandbox on (QemuProcess.sandboxed was
    read and never used). Right: the fail naming the VM."""
    a = host_scan({"processes": (PROCS.replace(SANDBOX, args), 0)})
    assert outcomes(a, "HVA-045") == {"hv1": "fail"}, messages(a, "HVA-045")
    assert messages(a, "HVA-045") == {
        "hv1": "1 running QEMU process(es) started without -sandbox on, so without QEMU's "
        "seccomp filter: web01 (their Seccomp: 2 is a filter inherited from the process that "
        "started them)"
    }


@pytest.mark.parametrize(
    "args", [" -sandbox on", " --sandbox enable=yes,spawn=deny", SANDBOX + " -sandbox off"]
)
def test_seccomp_with_sandbox_on_keeps_the_pass(host_scan, args: str) -> None:
    """Held (R16H-3): any -sandbox that enables the filter (qapi_bool_parse: on, yes, true, y;
    `enable` is the implied name; QEMU takes --option as -option), and a later `-sandbox off`,
    which cannot unload a filter (R13's held probe)."""
    a = host_scan({"processes": (PROCS.replace(SANDBOX, args), 0)})
    assert messages(a, "HVA-045") == {"hv1": "seccomp_sandbox = -1 (default: enabled)"}
    assert outcomes(a, "HVA-045") == {"hv1": "pass"}


# --- HVA-200: journald's kernel switch spelt with dashes (R16H-4) -------------------------------


@pytest.mark.parametrize(
    "switch",
    [
        "systemd.journald.forward-to-syslog=0",
        '"systemd.journald.forward_to_syslog=no"',
        'systemd.journald.forward_to_syslog="off"',
    ],
)
def test_journald_switch_with_dashes_or_quotes_turns_forwarding_off(host_scan, switch: str) -> None:
    """R16H-4. journald reads its kernel switches with proc_cmdline_parse, which unquotes each
    word (extract_first_word, EXTRACT_UNQUOTE), and compares keys with proc_cmdline_key_streq,
    "Much like streq(), but considers "-" and "_" the same" (systemd src/basic/proc-cmdline.c and
    journald-server.c parse_proc_cmdline_item, read with `find_string`). So
    `systemd.journald.forward-to-syslog=0` (or the switch in quotes) stops journald handing
    rsyslog's imuxsock any message on Debian, whose default is yes. hvaudit compared the word
    with `systemd.journald.forward_to_syslog` verbatim and passed HVA-200 "logs forwarded over
    TLS". Right: the fail the underscore spelling gets (test_log_journal_path, cmdline-off)."""
    from test_log_journal_path import DEBIAN_MAIN, REMOTE

    a = host_scan(
        {
            "rsyslog-config": (DEBIAN_MAIN + REMOTE, 0),
            "/etc/systemd/journald.conf": "[Journal]\n#ForwardToSyslog=yes\n",
            "/proc/cmdline": f"BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 ro quiet {switch}\n",
        }
    )
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    value = switch.rsplit("=", 1)[1].strip('"')
    assert (
        f"kernel command line systemd.journald.forward_to_syslog={value}"
        in (messages(a, "HVA-200")["hv1"])
    )


# --- HVA-142: a second uid-0 account holds root's rights (R16H-5) -------------------------------


def test_other_uid_0_accounts_count_as_administrative_principals(host_scan) -> None:
    """R16H-5. The kernel grants privilege by uid, not by name (credentials(7): "a process with
    an effective user ID of 0 (root)" bypasses permission checks), so toor and admin2 with uid
    0 in /etc/passwd hold root's rights whatever sudoers lists. hvaudit counted sudoers and the
    administrative groups only and passed HVA-142 "2 administrative principal(s) (limit 3):
    alice, root" (HVA-141 fails the accounts themselves, R15H-7 judges them for sshd). Right:
    four principals, a fail naming them. Held: one such account, three in all, is a pass that
    names it."""
    extra = "toor:x:0:0:::/bin/sh\nadmin2:x:0:0::/root:/usr/sbin/nologin\n"
    a = host_scan({"/etc/passwd": PASSWD + extra})
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {
        "hv1": "4 administrative principal(s) (limit 3): alice, root, admin2, toor (admin2, "
        "toor: uid 0 in /etc/passwd)"
    }
    a = host_scan({"/etc/passwd": PASSWD + "toor:x:0:0:::/bin/sh\n"})
    assert messages(a, "HVA-142") == {
        "hv1": "3 administrative principal(s) (limit 3): alice, root, toor (toor: uid 0 in "
        "/etc/passwd)"
    }
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}


# --- HVA-042: QEMU running as uid 0 under another name (R16H-6) ---------------------------------


def test_qemu_running_as_a_uid_0_account_listed_before_root(host_scan) -> None:
    """R16H-6. ps prints a process's user by looking its uid up (procps: the first passwd entry
    with that uid, as getpwuid(3) returns it, nss_files reading /etc/passwd in order), so with
    `toor:x:0:0` listed before root a QEMU running as uid 0 shows as toor. hvaudit took only
    "root" and "0" for root and passed HVA-042 "1 running QEMU process(es), as toor" (qemu.conf
    left user unset, so the running processes decide). Right: the fail root gets, naming the
    alias."""
    conf = QEMU_CONF.replace('user = "libvirt-qemu"\ngroup = "libvirt-qemu"\n', "")
    a = host_scan(
        {
            "/etc/passwd": "toor:x:0:0:::/bin/sh\n" + PASSWD,
            "/etc/libvirt/qemu.conf": conf,
            "processes": (PROCS.replace(" 1200 libvirt+ ", " 1200 toor     "), 0),
        }
    )
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}, messages(a, "HVA-042")
    assert messages(a, "HVA-042") == {
        "hv1": "1 QEMU process(es) run as root (as toor, uid 0 in /etc/passwd): web01"
    }
