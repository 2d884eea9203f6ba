"""Sixteenth red-team review, host side (rt16-host).

Same harness as tests/test_redteam15_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message.

Findings:
- R16H-1 (false pass) HVA-141 passed "root is the only uid-0 account" with `toor:x:0:0` in
  /etc/passwd (and HVA-140 left toor out): glibc's nss_files (files-parse.c STRING_FIELD stops
  at the line's end; INT_FIELD is strtoul) reads an entry with its trailing fields left off,
  uid 0, shell /bin/sh. /etc/passwd and /etc/group are now read as glibc reads them (one
  helper, _nss_entries, for accounts, groups, primary groups, sudo Runas and doas uids): short
  entries count, blanks before an entry are skipped, `  # ...` is a comment, ids are ASCII
  strtoul numbers (`0_0` and Unicode digits, which int() took, are no uid: wrong fails); a
  compat `  +::::::` after blanks includes NIS as `+::::::` does (R10H-3's question). Fixed.
- R16H-2 (false pass, R16H-1's class) HVA-042 passed with qemu.conf `group = "wheel"` and
  `wheel:x:0` (no member list) in /etc/group: that is gid 0 for glibc. Now the fail group root
  gets; `  sudo:x:27:...` (blanks first) is group sudo again (its members counted). Fixed.
- R16H-3 (false pass) HVA-045 passed "seccomp_sandbox = -1 (default: enabled)" on Seccomp: 2
  while the running QEMU's command line had no `-sandbox on` (none, or `-sandbox off`):
  filters are inherited (seccomp(2)), so a QEMU started under a container's or a unit's
  filter shows 2 without QEMU's own. An emulator without `-sandbox on` (read as QEMU reads
  it: enable=, on/yes/true/y, --sandbox) now fails. Fixed.
- R16H-4 (false pass) HVA-200 passed "logs forwarded over TLS" with
  `systemd.journald.forward-to-syslog=0` (or the switch in quotes) on the kernel command line:
  systemd unquotes the words and compares keys with '-' and '_' alike
  (proc_cmdline_key_streq), so journald hands rsyslog's imuxsock nothing on Debian. The
  journald switches are now read as systemd reads them (_systemd_cmdline). Fixed.
- R16H-5 (false pass) HVA-142 passed "2 administrative principal(s) (limit 3): alice, root"
  with two more uid-0 accounts in /etc/passwd: each holds root's rights whatever sudoers says.
  They now count, named in the message. Fixed.
- R16H-6 (false pass) HVA-042 passed "1 running QEMU process(es), as toor" where toor is uid 0
  listed before root (ps names a uid by its first passwd entry): every name passwd gives uid 0
  is root for the running processes now. Fixed.
- R16H-7 (false pass) HVA-140 left out accounts whose shell's file name merely begins with
  nologin, false, true ... (/usr/local/bin/nologin, /usr/sbin/nologin-shell, ~/falsetto),
  which may be any program. Only those names in /bin, /sbin, /usr/bin, /usr/sbin refuse a
  login now. Fixed.
- R16H-8 (false pass) HVA-043 passed "libvirt confines QEMU with AppArmor" with
  `"apparmor.mode=complain"` (or `apparmor.mode="complain"`) on the kernel command line and
  the run-time parameter unread: the kernel drops the quotes (kernel/params.c next_arg) and
  puts every profile in complain mode; the word is now read as the kernel reads it
  (_kernel_param). Fixed.

Probes that held: `  # toor:...`, `toor:x:0_0:...` and an Arabic-Indic zero as uid (pass,
were wrong fails); `-sandbox on`, `--sandbox enable=yes` and
libvirt's `-sandbox on,...` followed by a raw `-sandbox off` (pass); one extra uid-0 account,
three principals in all (pass, named); /usr/sbin/nologin and /bin/false shells (not counted).
Probed without a finding: AuthenticationMethods publickey,publickey (fail, as it should),
keyboard-interactive twice, publickey,password, hostbased/gssapi-with-mic with
keyboard-interactive (pass: the PAM stack itself demands pam_unix and pam_u2f, or sshd cannot
satisfy the list); migration_address on the VM bridge (HVA-211 fails the address itself).

Tally: 25 cases in 12 test functions; 22 failed on main d25c728 before the fixes (R16H-1 7,
R16H-2 2, R16H-3 3, R16H-4 3, R16H-5 1, R16H-6 1, R16H-7 3, R16H-8 2: run against an archive
of it);
the 3 held `-sandbox on` cases passed before and after.

Leads left (not probed or not fixed for lack of time):
- HVA-200/HVA-213 read a host without /etc/systemd/journald.conf as one without journald; newer
  systemd releases may ship the file only under /usr/lib/systemd (not checked): a running
  systemd-journald with no /etc file would then be judged as no journal.
- systemd's config parser joins a line ending in a backslash with the next one (conf-parser.c);
  journald.conf lines are read one by one (whether a comment line is continued differs by
  systemd version; not probed).
- HVA-045's Seccomp: 0 rule counts every process named qemu (qemu-img, qemu-nbd,
  qemu-storage-daemon, which never get -sandbox), R16H-3's rule emulators only: whether the
  tools belong in HVA-045 at all was not reviewed.
- /etc/group entries of one name listed twice: hvaudit keeps the last, getgrnam returns the
  first and getgrouplist reads both (not probed).
- Cyrus SASL refuses the whole libvirt.conf for `mech_list :` (a blank before the colon,
  lib/config.c SASL_CONFIGERR); hvaudit reads the line (errs towards reading a mechanism).
- Not reached this round: virtlockd/virtlogd configs, qemu.conf remember_owner/max_files/
  set_process_name, vhost_net experimental_zcopytx, /dev/kvm's mode, rsyslog
  StreamDriverAuthMode values no driver knows (the action fails to connect).
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


def test_compat_include_after_blanks_is_nis(host_scan) -> None:
    """R16H-1's twin: nss_compat (compat-pwd.c getpwent_next_file) skips the blanks before an
    entry too, so `  +::::::` with `passwd: compat` includes the NIS passwd map, as `+::::::`
    does (R10H-3). hvaudit looked for '+' in the first column and passed HVA-141 on the local
    file. Right: R10H-3's question."""
    from test_redteam10_host_probes import COMPAT_NSSWITCH, NIS_PROCS

    a = host_scan(
        {
            "/etc/nsswitch.conf": COMPAT_NSSWITCH,
            "/etc/passwd": PASSWD + "  +::::::\n",
            "processes": NIS_PROCS,
        }
    )
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, messages(a, "HVA-141")
    assert "through nis" in messages(a, "HVA-141")["hv1"]


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


# --- HVA-140: a login shell named like nologin (R16H-7) -----------------------------------------


@pytest.mark.parametrize(
    "shell", ["/usr/local/bin/nologin", "/usr/sbin/nologin-shell", "/home/bob/falsetto"]
)
def test_shell_named_like_nologin_is_a_login_shell(host_scan, shell: str) -> None:
    """R16H-7. passwd(5): the shell field names "the program to use as the command interpreter";
    login and sshd run whatever it names (OpenSSH session.c do_child execs the shell). Only the
    system's nologin(8), false(1) and the like refuse the login; `cp /bin/bash
    /usr/local/bin/nologin` (or a program called nologin-shell or falsetto) is a shell like
    any other. hvaudit took every shell whose file name begins with nologin, false, true ... for
    one that refuses logins and passed HVA-140 with bob and carol left out. Right: four
    accounts, a fail. Held: /usr/sbin/nologin and /bin/false keep them out (pass)."""
    extra = f"bob:x:1001:1001::/home/bob:{shell}\ncarol:x:1002:1002::/home/carol:{shell}\n"
    a = host_scan({"/etc/passwd": PASSWD + extra})
    assert outcomes(a, "HVA-140") == {"hv1": "fail"}, messages(a, "HVA-140")
    assert messages(a, "HVA-140") == {
        "hv1": "4 account(s) with a login shell (limit 3): root, alice, bob, carol"
    }
    held = "bob:x:1001:1001::/home/bob:/usr/sbin/nologin\ncarol:x:1002:1002::/home/c:/bin/false\n"
    a = host_scan({"/etc/passwd": PASSWD + held})
    assert messages(a, "HVA-140") == {
        "hv1": "2 account(s) with a login shell (limit 3): root, alice"
    }


# --- HVA-043: AppArmor's global mode in quotes on the kernel command line (R16H-8) ---------------


@pytest.mark.parametrize("word", ['"apparmor.mode=complain"', 'apparmor.mode="complain"'])
def test_quoted_apparmor_mode_switch_is_read(host_scan, word: str) -> None:
    """R16H-8. kernel/params.c next_arg: a quoted word or value loses its quotes ("Don't include
    quotes in value"), so `"apparmor.mode=complain"` sets AppArmor's global mode to complain
    (security/apparmor/lsm.c, aa_g_profile_mode), which puts every profile in complain mode
    whatever /sys/kernel/security/apparmor/profiles says (R3H's reading). With the run-time
    parameter unread, hvaudit read the word with its quotes, found no switch and passed
    HVA-043. Right: the fail the unquoted switch gets (test_host_verdicts3)."""
    cmdline = str(HARDENED_HOST["/proc/cmdline"]).rstrip() + f" {word}\n"
    a = host_scan({"/proc/cmdline": cmdline})
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert (
        "(complain: apparmor.mode=complain on the kernel command line)"
        in (messages(a, "HVA-043")["hv1"])
    )
