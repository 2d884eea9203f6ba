"""Red-team round 45 probes: who administers the hypervisor (r45-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host with round 25's accounts: alice an administrator, bob and
carol listed in staff; for R45A-2 test_checks_host's keyboard-interactive-only sshd), through
the real collector, parser and engine; each test asserts the exact status and message of
HVA-142 or HVA-151.

Findings (R45A-n):
- R45A-1 (false pass) HVA-142: sudo's vendor sudoers was never read. sudo built with
  --enable-adminconf searches its admin directory "in preference to configuration files in
  sysconfdir" (sudo INSTALL.md, --enable-adminconf); openSUSE's sudo.spec (bmwiedemann/openSUSE
  packages/s/sudo/sudo.spec, suse_version >= 1600: `--sysconfdir=%{_distconfdir}
  --enable-adminconf=%{_sysconfdir}`) says "Sudo reads either /etc/sudoers or /usr/etc/sudoers
  (in that order, whichever one it finds first)", ships /usr/etc/sudoers with sudoers.in's
  `@includedir @sysconfdir@/sudoers.d` (/usr/etc/sudoers.d, where its policy packages put
  50-wheel-auth-self) and an appended `@includedir /etc/sudoers.d`, and no /etc/sudoers.
  hvaudit grepped /etc/sudoers and /etc/sudoers.d only, and read a missing /etc/sudoers as
  "/etc/sudoers.d is included": with `%staff ALL=(ALL:ALL) ALL` in /usr/etc/sudoers (or in
  /usr/etc/sudoers.d) HVA-142 passed "1 administrative principal(s): alice" where bob, carol and
  root hold root too; SUSE's own file (`Defaults targetpw`, `ALL ALL=(ALL) ALL`,
  sudo-sudoers.patch) passed where every user runs commands as root on root's password (the
  targetpw question, R21D-1). sudo.conf is searched for alike: a /usr/etc/sudo.conf giving
  sudoers.so another sudoers_file= where /etc/sudo.conf does not exist was unread. Now the
  collector greps /usr/etc/sudoers and /usr/etc/sudoers.d (probe sudoers-vendor) and reads
  /usr/etc/sudo.conf; where grep says /etc/sudoers does not exist and /usr/etc/sudoers does,
  parse.host._sudoers_source makes it the file read (its includes of /usr/etc/sudoers.d and
  /etc/sudoers.d read, others unknown), an unreadable vendor file is an error, and
  /usr/etc/sudo.conf stands for a missing /etc/sudo.conf. A sudo built without adminconf
  reads no /usr/etc file (and with no /etc/sudoers grants nothing): the evidence does not tell
  the builds apart, so the vendor file's rules count, erring towards counting. A bundle
  collected before keeps /etc's answer.
- R45A-2 (false pass) HVA-151: a PAM include's target was read as its file name in /etc/pam.d
  whatever its path. Linux-PAM libpam/pam_handlers.c _pam_load_conf_file opens an include's
  or substack's target with _pam_open_config_file, which opens an absolute path as it is
  (`if (service[0] == '/')`) and a relative name as /etc/pam.d/NAME (PAM_CONFIG_DF, then
  /usr/lib/pam.d/NAME); hvaudit took the part after the last '/' (parse.pam parse_stack and
  unread_auth_files), so `auth include /usr/local/etc/pam.d/common-auth`, `auth substack
  /opt/pam/password-auth`, `@include /opt/pam/common-auth` and `auth include
  ../pam.local/common-auth` (/etc/pam.local/common-auth) were each read as the collected
  /etc/pam.d file of that name: its pam_unix and pam_google_authenticator passed "every SSH
  login needs two factors" for a stack whose rules are in a file never read. Now
  parse.pam.include_name resolves the target as libpam does: a file of /etc/pam.d is its
  name, any other path is itself, never collected, so the stack is unknown (manual), naming
  the path.
- R45A-3 (wording) HVA-151: with no /etc/pam.d/sshd the message said "Linux-PAM uses
  /etc/pam.d/other"; _pam_open_config_file opens /usr/lib/pam.d/sshd (PAM_CONFIG_DIST_DF)
  first, and the `other` service is looked up the same way. Now the message names both;
  test_checks_host's case follows (separate commit).
- R45A-4 (wording) HVA-142: the targetpw message and question named /etc/pam.d/sudo alone as
  the stack that checks root's password; libpam reads /usr/lib/pam.d/sudo where /etc has none
  (the same _pam_open_config_file), and openSUSE's sudo package installs only that one
  (sudo.spec: %{_pam_vendordir}/sudo), the host where SUSE's targetpw sudoers is the default.
  Now both name /etc/pam.d/sudo, else /usr/lib/pam.d/sudo; round 21's and 34's messages follow
  (separate commit).

Held (kept as tests): a /etc/sudoers that exists is the file read, a vendor file's rules
notwithstanding (PASS2); with neither file, or a bundle without the vendor probe, only
/etc/sudoers.d counts, as before (1 principal, alice, from the administrative groups). Two
guards of the new reading failed on main only because main read no vendor sudoers: a
/usr/etc/sudo.conf naming /usr/etc/sudoers itself is no other file (the vendor rules count),
and a /etc/sudo.conf that exists is read in /usr/etc/sudo.conf's place. R45A-2: an include
of /etc/pam.d/common-auth by its full path, by its name and as ./common-auth still read the
collected file (pass).

Probed by script: the replies of GNU grep here (LC_ALL=C, as the runner sets it) to a missing
/etc/sudoers and /etc/sudoers.d: exit 2, "grep: PATH: No such file or directory", as ETC_D
and held-neither replay them. The end-to-end run against a real libvirtd was not run: the
change reaches HVA-142 alone (test_e2e_libvirtd asserts no HVA-142 verdict), and the e2e host
has neither /etc/sudoers nor /usr/etc, so the vendor probe finds no file and the reading is
main's; nor can R45A-2 or R45A-3 (HVA-151, sshd's PAM stack, no libvirt domain or libvirtd
state), nor R45A-4 (a question's and message's wording).

Tally: 4 findings (2 false passes, 2 wording); 20 cases, 14 failed on main before the fixes
(R45A-1: 8, 6 of the finding's shapes and its 2 guards; R45A-2: 4; R45A-3: 1; R45A-4: 1), 6
held.

Leads left:
- HVA-151 reads sshd's stack from /etc/pam.d only: where /etc/pam.d/sshd or an included
  file is missing libpam reads /usr/lib/pam.d's (never collected): a question now, which
  collecting /usr/lib/pam.d could answer.
- Other adminconf/vendor fallbacks of this class: /usr/etc/doas.conf, libpam's vendordir
  pam.d stacks, openSUSE's /usr/etc/nsswitch.conf (no source found stored).
- From round 44: a `%G` users field for a group that does not exist under `group: files`, a
  local group with no members; k3s/RKE2 under another OpenRC runlevel; unix_sock_admin_perms
  and SocketUser= beside SocketGroup= in messages.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, question_line
from test_checks_host import SSHD_KBD_ONLY
from test_redteam26_accounts_probes import BASE, FAIL4, PASS2, _142

NO_ETC = "grep: /etc/sudoers: No such file or directory\n"
"""GNU grep's stderr where /etc/sudoers does not exist (openSUSE >= 16: the vendor file only)."""
ETC_D = ("/etc/sudoers.d/README:# drop-ins\n", 2, NO_ETC)
"""The sudoers probe on such a host: /etc/sudoers.d alone, grep's exit status 2."""
STAFF = "root ALL=(ALL:ALL) ALL\n%staff ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n"
ROOT = "root ALL=(ALL:ALL) ALL\n"
SUSE = (
    "Defaults targetpw\nALL ALL=(ALL) ALL\nroot ALL=(ALL) ALL\n"
    "@includedir /usr/etc/sudoers.d\n@includedir /etc/sudoers.d\n"
)
"""SUSE's vendor sudoers (sudo-sudoers.patch: `Defaults targetpw`, `ALL ALL=(ALL) ALL`; the
spec appends `@includedir /etc/sudoers.d` to sudoers.in's `@includedir @sysconfdir@/sudoers.d`)."""
VENDOR_CONF = "Plugin sudoers_policy sudoers.so sudoers_file=/srv/sudoers\n"
ROOTPW = (
    "manual",
    "3 administrative principal(s) (limit 3): ALL (every user, with root's password: Defaults "
    "targetpw), alice, root; sudoers lets every user run commands as root under `Defaults "
    "targetpw`, which asks for root's password, not the caller's; sudo's PAM stack (which checks "
    "it: /etc/pam.d/sudo, else /usr/lib/pam.d/sudo) is not in the evidence",
)
ONLY_ALICE = ("pass", "1 administrative principal(s) (limit 3): alice")


def _vendor(files: dict[str, str], rc: int = 0, err: str = "") -> tuple[str, int, str]:
    """The sudoers-vendor probe's output: `grep -R -H "" /usr/etc/sudoers /usr/etc/sudoers.d`."""
    out = "".join(f"{path}:{line}\n" for path, text in files.items() for line in text.splitlines())
    return out, rc, err


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"sudoers": ETC_D, "sudoers-vendor": _vendor({"/usr/etc/sudoers": STAFF})}, FAIL4),
        (
            {
                "sudoers": ETC_D,
                "sudoers-vendor": _vendor(
                    {
                        "/usr/etc/sudoers": "root ALL=(ALL:ALL) ALL\n"
                        "@includedir /usr/etc/sudoers.d\n@includedir /etc/sudoers.d\n",
                        "/usr/etc/sudoers.d/50-staff": "%staff ALL=(ALL:ALL) ALL\n",
                    }
                ),
            },
            (FAIL4[0], f"{FAIL4[1]}; /usr/etc/sudoers.d/50-staff adds bob, carol"),
        ),
        ({"sudoers": ETC_D, "sudoers-vendor": _vendor({"/usr/etc/sudoers": SUSE})}, ROOTPW),
        (
            {
                "sudoers": ETC_D,
                "sudoers-vendor": _vendor({"/usr/etc/sudoers": STAFF}),
                "/usr/etc/sudo.conf": (
                    "Plugin sudoers_policy sudoers.so sudoers_file=/usr/etc/sudoers\n"
                ),
            },
            FAIL4,
        ),
        ({"sudoers-vendor": _vendor({"/usr/etc/sudoers": STAFF})}, PASS2),
        (
            {
                "sudoers": ETC_D,
                "sudoers-vendor": (
                    "",
                    2,
                    "grep: /usr/etc/sudoers: No such file or directory\n"
                    "grep: /usr/etc/sudoers.d: No such file or directory\n",
                ),
            },
            ONLY_ALICE,
        ),
        ({"sudoers": ETC_D}, ONLY_ALICE),
        (
            {
                "sudoers": ETC_D,
                "sudoers-vendor": _vendor({"/usr/etc/sudoers": ROOT}),
                "/etc/sudo.conf": "# no plugin lines\n",
                "/usr/etc/sudo.conf": VENDOR_CONF,
            },
            PASS2,
        ),
    ],
    ids=[
        "vendor-sudoers",
        "vendor-sudoers-d",
        "suse-default",
        "vendor-conf-names-vendor-file",
        "held-etc-wins",
        "held-neither",
        "held-older-bundle",
        "etc-sudo-conf-wins",
    ],
)
def test_vendor_sudoers(host_scan, overrides, expected) -> None:
    """R45A-1 (false pass) HVA-142: sudo built with --enable-adminconf (openSUSE >= 16) reads
    /usr/etc/sudoers where /etc/sudoers does not exist; its %staff rule gives bob and carol
    root (passed 2 principals before the fix), and SUSE's own vendor file lets every user run
    commands as root on root's password: the targetpw question, not a pass. A /etc/sudoers that
    exists is the file read; with neither file, or a bundle collected before the vendor probe,
    only /etc/sudoers.d counts, as before."""
    assert _142(host_scan({**BASE, **overrides})) == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {
                "sudoers": ETC_D,
                "sudoers-vendor": ("", 2, "grep: /usr/etc/sudoers: Permission denied\n"),
            },
            (
                "error",
                "evidence could not be collected: /etc/sudoers does not exist and "
                "/usr/etc/sudoers, which sudo built with --enable-adminconf reads in its place, "
                "could not be read (exit status 2: grep: /usr/etc/sudoers: Permission denied)",
            ),
        ),
        (
            {
                "sudoers": ETC_D,
                "sudoers-vendor": _vendor({"/usr/etc/sudoers": ROOT}),
                "/usr/etc/sudo.conf": VENDOR_CONF,
            },
            (
                "manual",
                "evidence unavailable: /usr/etc/sudo.conf gives sudoers.so "
                "sudoers_file=/srv/sudoers: sudo reads its rules from that file, which hvaudit "
                "does not read: who sudo lets run commands as root is unknown",
            ),
        ),
        (
            {
                "sudoers": ETC_D,
                "sudoers-vendor": _vendor(
                    {"/usr/etc/sudoers": f"{ROOT}@includedir /opt/sudoers.d\n"}
                ),
            },
            (
                "manual",
                "evidence unavailable: sudoers includes /opt/sudoers.d, which the collector does "
                "not read (only /usr/etc/sudoers, /usr/etc/sudoers.d and /etc/sudoers.d)",
            ),
        ),
    ],
    ids=["vendor-unreadable", "vendor-sudo-conf", "vendor-includes-outside"],
)
def test_vendor_sudoers_unknown(host_scan, overrides, expected) -> None:
    """R45A-1 (false pass) HVA-142: where the vendor sudoers is the one read, a vendor file grep
    could not read, a /usr/etc/sudo.conf (read where /etc/sudo.conf does not exist) naming
    another sudoers_file=, and an include outside the files collected are unknowns, never a
    pass on /etc/sudoers.d alone (each passed 1 principal before the fix)."""
    assert _142(host_scan({**BASE, **overrides})) == expected


# --- R45A-2: a PAM include's target as libpam opens it

OTP = "auth required pam_unix.so\nauth required pam_google_authenticator.so\n"
"""A collected stack that requires a password and a one-time code."""
TWO_FACTORS = (
    "pass",
    "every SSH login needs two factors: AuthenticationMethods keyboard-interactive, PAM requires "
    "pam_unix (knowledge) and pam_google_authenticator (otp)",
)


def _unread(path: str) -> tuple[str, str]:
    return (
        "manual",
        f"evidence unavailable: sshd's PAM auth stack includes {path} (not collected): the "
        "factors it requires are unknown",
    )


@pytest.mark.parametrize(
    ("pam", "expected"),
    [
        (
            {
                "/etc/pam.d/sshd": "auth include /usr/local/etc/pam.d/common-auth\n",
                "/etc/pam.d/common-auth": OTP,
            },
            _unread("/usr/local/etc/pam.d/common-auth"),
        ),
        (
            {
                "/etc/pam.d/sshd": "auth substack /opt/pam/password-auth\n",
                "/etc/pam.d/password-auth": OTP,
            },
            _unread("/opt/pam/password-auth"),
        ),
        (
            {"/etc/pam.d/sshd": "@include /opt/pam/common-auth\n", "/etc/pam.d/common-auth": OTP},
            _unread("/opt/pam/common-auth"),
        ),
        (
            {
                "/etc/pam.d/sshd": "auth include ../pam.local/common-auth\n",
                "/etc/pam.d/common-auth": OTP,
            },
            _unread("/etc/pam.local/common-auth"),
        ),
        (
            {
                "/etc/pam.d/sshd": "auth include /etc/pam.d/common-auth\n",
                "/etc/pam.d/common-auth": OTP,
            },
            TWO_FACTORS,
        ),
        (
            {"/etc/pam.d/sshd": "auth include common-auth\n", "/etc/pam.d/common-auth": OTP},
            TWO_FACTORS,
        ),
        (
            {"/etc/pam.d/sshd": "auth include ./common-auth\n", "/etc/pam.d/common-auth": OTP},
            TWO_FACTORS,
        ),
    ],
    ids=[
        "include-absolute",
        "substack-absolute",
        "at-include-absolute",
        "include-dotdot",
        "held-etc-pam-d-absolute",
        "held-name",
        "held-dot",
    ],
)
def test_pam_include_path_151(host_scan, pam, expected) -> None:
    """R45A-2 (false pass) HVA-151: libpam opens an include's absolute target as it is and a
    relative one under /etc/pam.d (pam_handlers.c _pam_open_config_file), so `auth include
    /usr/local/etc/pam.d/common-auth` is not the collected /etc/pam.d/common-auth, whose
    password and one-time code passed the check before the fix; now the file is unread."""
    a = host_scan({"sshd-effective": (SSHD_KBD_ONLY, 0), **pam})
    assert (outcomes(a, "HVA-151")["hv1"], messages(a, "HVA-151")["hv1"]) == expected


# --- R45A-3: which file Linux-PAM reads where /etc/pam.d/sshd does not exist


def test_no_etc_pam_sshd_151(host_scan) -> None:
    """R45A-3 (wording) HVA-151: with no /etc/pam.d/sshd libpam opens /usr/lib/pam.d/sshd
    (pam_handlers.c _pam_open_config_file, PAM_CONFIG_DIST_DF) before falling back to the
    `other` service; the message said it "uses /etc/pam.d/other" (failed before the fix)."""
    a = host_scan({"sshd-effective": (SSHD_KBD_ONLY, 0), "/etc/pam.d/sshd": None})
    assert (outcomes(a, "HVA-151")["hv1"], messages(a, "HVA-151")["hv1"]) == (
        "manual",
        "evidence unavailable: sshd runs PAM for password/keyboard-interactive logins, but there "
        "is no /etc/pam.d/sshd or /usr/lib/pam.d/sshd, so Linux-PAM reads its vendor directory's "
        "sshd (/usr/etc/pam.d/sshd on openSUSE), or where that does not exist the `other` service "
        "(/etc/pam.d/other, else /usr/lib/pam.d/other); none collected",
    )


# --- R45A-4: which file holds sudo's PAM stack


def test_rootpw_question_names_vendor_pam_142(host_scan) -> None:
    """R45A-4 (wording) HVA-142: SUSE's targetpw grant is a question about sudo's PAM stack,
    which libpam reads from /usr/lib/pam.d/sudo where /etc/pam.d/sudo does not exist
    (pam_handlers.c _pam_open_config_file), as openSUSE's sudo package installs it
    (%{_pam_vendordir}/sudo); the question named /etc/pam.d/sudo alone (failed before)."""
    a = host_scan({**BASE, "sudoers": ETC_D, "sudoers-vendor": _vendor({"/usr/etc/sudoers": SUSE})})
    assert question_line(a, "HVA-142", "hv1") == (
        "question = \"Does sudo's PAM stack (/etc/pam.d/sudo, or /usr/lib/pam.d/sudo where "
        "/etc/pam.d/sudo does not exist, with the files it includes) admit a sudo caller only on "
        "the target account's (root's) password, with no module that succeeds without it "
        "(pam_permit, pam_rootok, pam_wheel trust, pam_succeed_if, pam_exec, a fingerprint or "
        "token module)? Evidence: /etc/pam.d/sudo (else /usr/lib/pam.d/sudo) and its includes. "
        "Pass: yes, and the other principals listed (at most 3) are the named administrators; "
        'fail: no."\n'
    )
