"""Fifteenth red-team review, host side (rt15host).

Same harness as tests/test_redteam14_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message.

Findings:
- R15H-1 (false pass) HVA-151 passed "every SSH login needs two factors ... PAM requires pam_u2f
  (otp)" with `auth required pam_u2f.so [nouserok]`: libpam splits a rule's module path and
  arguments with _pam_tokenize (libpam/pam_misc.c), which returns a word in square brackets
  stripped of its brackets, so pam_u2f receives `nouserok` and lets every user without a
  registered key through. hvaudit split the arguments on blanks and saw `[nouserok]`. They are
  now split as libpam splits them (pam.pam_tokens). Fixed.
"""

from __future__ import annotations

from conftest import messages, outcomes

# --- HVA-151: a PAM argument in square brackets (R15H-1) -------------------------------------------


def test_pam_argument_in_brackets_is_the_argument(host_scan) -> None:
    """R15H-1. Linux-PAM libpam/pam_misc.c _pam_tokenize (read with `find_string`): `if (*from
    == '[')` the token runs to the first ']' and "this string is stripped of its edges"; pam.conf
    (5): "If you wish to include spaces in an argument, you should surround that argument with
    square brackets". `auth required pam_u2f.so cue [nouserok]` hands pam_u2f the argument
    nouserok (its README: succeed for a user with no registered key), so with AuthenticationMethods
    publickey,keyboard-interactive a key alone logs in. hvaudit read `[nouserok]` as another
    word and passed HVA-151. Right: the fail the unbracketed option gets. Held: `[cue nouserok]`
    is the single argument "cue nouserok", which pam_u2f does not know (pass)."""
    a = host_scan(
        {
            "/etc/pam.d/sshd": "auth required pam_u2f.so cue [nouserok]\nauth required pam_permit.so\n"
        }
    )
    assert outcomes(a, "HVA-151") == {"hv1": "fail"}, messages(a, "HVA-151")
    assert messages(a, "HVA-151")["hv1"] == (
        "SSH logins need a single factor: publickey,keyboard-interactive alone logs in "
        "(AuthenticationMethods publickey,keyboard-interactive); PAM's auth stack is not run for "
        "public-key logins; pam_u2f (required, nouserok) does not fail the login when the factor "
        "is missing"
    )
    a = host_scan(
        {
            "/etc/pam.d/sshd": "auth required pam_u2f.so [cue nouserok]\nauth required pam_permit.so\n"
        }
    )
    assert messages(a, "HVA-151") == {
        "hv1": "every SSH login needs two factors: AuthenticationMethods "
        "publickey,keyboard-interactive, PAM requires pam_u2f (otp)"
    }
    assert outcomes(a, "HVA-151") == {"hv1": "pass"}
