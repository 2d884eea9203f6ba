"""Red-team round 51 probes: who administers the hypervisor (r51-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host), through the real collector, parser and engine; each test
asserts the exact status and message of HVA-151 (every SSH login needs two factors), sshd
running PAM for keyboard-interactive logins only (test_checks_host's SSHD_KBD_ONLY). The older
bundle (collected before /usr/lib/pam.d was) is test_host_leads19's _scan_without.

Team decision (R46A-2's and R48A's lead): PAM stacks in /usr/lib/pam.d are read (Linux-PAM
PAM_CONFIG_DIST_D: a file there is used when /etc/pam.d lacks that service): collected and read
with /etc/pam.d taking precedence per service; a bundle without them keeps today's reading.

Findings (R51A-n):
- R51A-1 (false pass, the team decision) HVA-151: sshd's stack pulling in a name
  parse.pam NON_AUTH_INCLUDES assumes authless (postlogin, common-account, common-session ...)
  that /etc/pam.d does not hold was read as adding no auth rule, while libpam reads
  /usr/lib/pam.d/NAME for it (Linux-PAM libpam/pam_handlers.c _pam_open_config_file:
  PAM_CONFIG_DF, then PAM_CONFIG_DIST_DF; the Linux-PAM System Administrators' Guide 4.2
  "Directory based configuration": "If no machine configuration file is found, the
  vendor-supplied file is used. All files in /etc/pam.d/ override files with the same name in
  other directories"). `auth include postlogin` before a password and a one-time code, with
  /usr/lib/pam.d/postlogin's `auth sufficient pam_permit.so`, passed "every SSH login needs two
  factors" on main: every login goes in with no factor. Now collect.host PAM_SERVICES' files
  are collected from /usr/lib/pam.d too and parse.host _pam_service reads /etc/pam.d's file,
  else (absent) /usr/lib/pam.d's, for sshd itself and every include: the cases that were a
  question on main for want of /usr/lib/pam.d/sshd or /usr/lib/pam.d/common-auth are now
  decided (a pass or a fail). Where neither directory holds the name, libpam built with a
  vendordir reads VENDORDIR/pam.d/NAME (PAM_CONFIG_DIST2_DF; openSUSE's /usr/etc): the message
  says so (still a question); a /usr/lib/pam.d file that was not read is named with its
  reason. An older bundle keeps main's reading and message. Rounds 45's, 46's and
  test_checks_host's expected messages for a name absent from both directories follow, in a
  separate commit.

Held: /etc/pam.d/sshd wins over /usr/lib/pam.d/sshd (a single-factor /etc stack fails
whatever the vendor file requires); an older bundle without the /usr/lib/pam.d probes keeps
main's question and message.

Probed by script: none yet.

Tally: 1 finding (1 false pass); 8 cases, 7 failed on main before the fix (R51A-1: 2 false
passes, 3 questions now decided, 2 messages), 2 held.

Leads left:
- NON_AUTH_INCLUDES absent from both /etc/pam.d and /usr/lib/pam.d are still assumed
  authless; libpam built with a vendordir (openSUSE /usr/etc/pam.d) reads them there.
- /etc/pam.d/other (the stack where sshd's file is in no directory) and sudo's PAM stack are
  still not collected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import messages, outcomes
from test_checks_host import SSHD_KBD_ONLY
from test_host_leads19 import _scan_without

OTP = "auth required pam_unix.so\nauth required pam_google_authenticator.so\n"
"""A stack that requires a password and a one-time code."""
PERMIT = "auth sufficient pam_permit.so\n"
"""A vendor file whose auth rule lets every login through."""
TWO = (
    "pass",
    "every SSH login needs two factors: AuthenticationMethods keyboard-interactive, PAM requires "
    "pam_unix (knowledge) and pam_google_authenticator (otp)",
)
ONE = (
    "fail",
    "SSH logins need a single factor: keyboard-interactive alone logs in (AuthenticationMethods "
    "keyboard-interactive)",
)
BYPASSED = (
    "fail",
    ONE[1] + "; pam_google_authenticator (required) does not fail the login when the factor is "
    "missing",
)
UNAVAILABLE = "evidence unavailable: sshd runs PAM for password/keyboard-interactive logins, but "


@pytest.mark.parametrize(
    ("pam", "expected"),
    [
        (
            {
                "/etc/pam.d/sshd": "auth include postlogin\n" + OTP,
                "/etc/pam.d/postlogin": None,
                "/usr/lib/pam.d/postlogin": PERMIT,
            },
            BYPASSED,
        ),
        (
            {
                "/etc/pam.d/sshd": "@include common-account\n" + OTP,
                "/usr/lib/pam.d/common-account": PERMIT,
            },
            BYPASSED,
        ),
        ({"/etc/pam.d/sshd": None, "/usr/lib/pam.d/sshd": OTP}, TWO),
        ({"/etc/pam.d/sshd": None, "/usr/lib/pam.d/sshd": "auth required pam_unix.so\n"}, ONE),
        (
            {
                "/etc/pam.d/sshd": "@include common-auth\nauth required pam_google_authenticator.so\n",
                "/etc/pam.d/common-auth": None,
                "/usr/lib/pam.d/common-auth": PERMIT,
            },
            BYPASSED,
        ),
        (
            {"/etc/pam.d/sshd": None, "/usr/lib/pam.d/sshd": PermissionError("Permission denied")},
            ("manual", UNAVAILABLE + "/usr/lib/pam.d/sshd was not read (Permission denied)"),
        ),
        (
            {
                "/etc/pam.d/sshd": "@include common-auth\nauth required pam_google_authenticator.so\n",
                "/etc/pam.d/common-auth": None,
            },
            (
                "manual",
                "evidence unavailable: sshd's PAM auth stack includes common-auth (in neither "
                "/etc/pam.d nor /usr/lib/pam.d; libpam's vendor directory, /usr/etc/pam.d on "
                "openSUSE, is not collected): the factors it requires are unknown",
            ),
        ),
        ({"/etc/pam.d/sshd": "auth required pam_unix.so\n", "/usr/lib/pam.d/sshd": OTP}, ONE),
    ],
    ids=[
        "postlogin-vendor-permit",
        "common-account-vendor-permit",
        "sshd-vendor-two-factors",
        "sshd-vendor-one-factor",
        "common-auth-vendor-permit",
        "sshd-vendor-unreadable",
        "include-in-neither",
        "held-etc-wins",
    ],
)
def test_vendor_pam_stack_151(host_scan, pam: dict, expected: tuple[str, str]) -> None:
    """R51A-1 (false pass, the team decision) HVA-151: libpam reads /usr/lib/pam.d/NAME for a
    service or include /etc/pam.d does not hold (pam_handlers.c _pam_open_config_file); an
    authless-assumed include there that lets every login through passed on main, and sshd's or
    common-auth's vendor file was a question. Held: /etc/pam.d's file wins."""
    a = host_scan({"sshd-effective": (SSHD_KBD_ONLY, 0), **pam})
    assert (outcomes(a, "HVA-151")["hv1"], messages(a, "HVA-151")["hv1"]) == expected


def test_older_bundle_keeps_question_151(tmp_path: Path) -> None:
    """R51A-1, held: a bundle collected before /usr/lib/pam.d was (its probes left out) keeps
    main's question for a missing /etc/pam.d/sshd, naming /usr/lib/pam.d/sshd as uncollected."""
    a = _scan_without(
        tmp_path,
        ("/usr/lib/pam.d/sshd",),
        {"sshd-effective": (SSHD_KBD_ONLY, 0), "/etc/pam.d/sshd": None, "/usr/lib/pam.d/sshd": OTP},
    )
    assert (outcomes(a, "HVA-151")["hv1"], messages(a, "HVA-151")["hv1"]) == (
        "manual",
        UNAVAILABLE + "there is no /etc/pam.d/sshd, so Linux-PAM reads /usr/lib/pam.d/sshd, or "
        "where that does not exist the `other` service (/etc/pam.d/other, else "
        "/usr/lib/pam.d/other); none collected",
    )
