"""Red-team round 37 probes: boot, kernel command line (r37boot)

Harness: conftest's `host_scan` (the hardened Debian host, replayed through the real collector,
parser and engine, one libvirt test-driver VM), changed only where a probe says so: the next
boot's line by tests/test_redteam21_boot_probes.py's `_boot`/`_grub`, the running line by
tests/test_redteam22_boot2_probes.py's LIVE, the running kernel's release by
/proc/sys/kernel/osrelease (None: not read).

Findings (R37B-n):

- R37B-1 (false pass) HVA-214, HVA-201 (_libvirt.kernel_audit_off, _nextboot.
  audit_at_next_boot): audit= was read as Linux 4.17 on reads it (only 0 and off, any case,
  turn auditing off; any other value "audit: invalid 'audit' parameter value" and AUDIT_ON),
  but before that kernel/audit.c audit_enable set `audit_default = !!simple_strtol(str, NULL,
  0)` and `audit_initialized = AUDIT_DISABLED` where it was 0 (every stored 3.x and 4.x copy,
  read with `find_string`; the strict reading's no-panic follow-up went into audit/next on
  2018-03-21, linux-audit/audit-kernel issue #74, so Linux 4.17), and lib/vsprintf.c
  simple_strtol reads no "+", no word and nothing past the leading digits. On a running 3.10
  kernel the next boot's `audit=on`, `audit=false`, `audit=+1` and `audit=00` (auditing off
  there) passed "audit rules watch /etc/libvirt and /etc/polkit-1", and so did the running
  line's `audit=on`. Now, where the running kernel predates 4.17 or its release was not read
  (_libvirt.audit_reads_number), a value simple_strtol reads as 0 (kernel_strtol_zero) turns
  auditing off, and the message says why.

Held (kept as tests): on a 6.1 kernel the next boot's `audit=on` and `audit=00` pass (4.17 on:
on, or an invalid value, is AUDIT_ON); on a 3.10 kernel `audit=1`, `audit=2` and `audit=-1`
(non-zero numbers) pass. R37B-2: `enforcing=1` and `enforcing=-1` (the config file's mode
stands) pass on an SELinux host, and `enforcing=0` on an AppArmor host. R37B-3: the next
boot's `spec_rstack_overflow=microcode spec_rstack_overflow=safe-ret` (the last word stands)
and a running "Mitigation: IBPB on VMEXIT only" (guest-to-host covered) pass.

Probed by script, not kept: `audit=0x0` and `audit=` (empty) on 3.10 fail as `audit=00` does.

Tally: 3 findings (3 false passes); 20 cases in 9 test functions. R37B-1: 6 of 6 failed on
main a7abc47 (6 false passes: the 4 next-boot words, the running line's audit=on, the unread
release's); R37B-2: 2 of 2 failed on main a7abc47 (2 false passes); R37B-3: 2 of 2 failed on
main a7abc47 (2 false passes); the 10 held cases passed before and after.

Leads left:
- R37B-2 counts every `enforcing=` word, though libselinux reads only the first (and none
  where the first "enforcing=" substring is inside another word): `enforcing=1 enforcing=0`
  is a conservative wrong fail. An `enforcing=0` after `--` (libselinux reads the whole of
  /proc/cmdline) and /etc/selinux/config's SELINUX= (the next boot's mode where no word sets
  it; not collected) are not read.
- RHEL 7's 3.10 kernels may carry the strict reading as a backport (not read): there
  `audit=on` is a conservative wrong fail.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes, with_current_kernel
from test_host_verdicts5 import PASS_043, SELINUX, SELINUX_PASS
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot2_probes import LIVE

EL7 = "3.10.0-1160.el7.x86_64"
WATCH = "audit rules watch /etc/libvirt and /etc/polkit-1"
NOTE = (
    "the running kernel {} predates Linux 4.17, which reads audit= with simple_strtol: a "
    "value not starting with a non-zero number is 0, auditing off"
)
UNREAD = (
    "the running kernel's release was not read, and a kernel before Linux 4.17, which reads "
    "audit= with simple_strtol: a value not starting with a non-zero number is 0, auditing off"
)


def _scan(host_scan, nxt: str, release: str | None, live: str = ""):
    return host_scan(
        {
            "/proc/cmdline": LIVE.format(live),
            "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
            "/proc/sys/kernel/osrelease": None if release is None else f"{release}\n",
        }
    )


@pytest.mark.parametrize("word", ["audit=on", "audit=false", "audit=+1", "audit=00"])
def test_r37b_1_a_zero_number_on_an_old_kernel_turns_auditing_off(host_scan, word: str) -> None:
    """R37B-1 (false pass) HVA-214, HVA-201: a kernel before Linux 4.17 reads audit= with
    simple_strtol, so a value with no leading non-zero number is 0: auditing off."""
    a = _scan(host_scan, word, EL7)
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {
        "hv1": f"{WATCH}, but the next boot turns kernel auditing off ({NOTE.format(EL7)}): "
        f"{word} in /etc/default/grub"
    }
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}, messages(a, "HVA-201")


def test_r37b_1_the_running_lines_word_on_an_old_kernel(host_scan) -> None:
    """R37B-1 (false pass) HVA-214: the running 3.10 kernel booted with audit=on, which it read
    as 0 (auditing off until a reboot)."""
    a = _scan(host_scan, "", EL7, live="audit=on")
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {
        "hv1": f"the kernel booted with audit=on ({NOTE.format(EL7)}): kernel auditing is off "
        "until a reboot, no rule records anything"
    }


def test_r37b_1_an_unread_release_reads_audit_as_a_number(host_scan) -> None:
    """R37B-1 (false pass) HVA-214: with the running kernel's release not read, audit=on may be
    read as 0; not knowing is not passing."""
    a = _scan(host_scan, "audit=on", None)
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {
        "hv1": f"{WATCH}, but the next boot turns kernel auditing off ({UNREAD}): audit=on in "
        "/etc/default/grub"
    }


@pytest.mark.parametrize("word", ["audit=on", "audit=00"])
def test_r37b_1_held_a_strict_kernel_reads_other_values_as_on(host_scan, word: str) -> None:
    """R37B-1 held: from Linux 4.17 on audit_enable takes on (any case) as AUDIT_ON and any
    value but 0, 1, off and on as AUDIT_ON with "invalid 'audit' parameter value"."""
    a = _scan(host_scan, word, "6.1.0-28-amd64")
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {"hv1": WATCH}


@pytest.mark.parametrize("word", ["audit=1", "audit=2", "audit=-1"])
def test_r37b_1_held_a_non_zero_number_on_an_old_kernel(host_scan, word: str) -> None:
    """R37B-1 held: simple_strtol's non-zero numbers (a "-" negated) keep auditing on."""
    a = _scan(host_scan, word, EL7)
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {"hv1": WATCH}


# --- R37B-2: SELinux's enforcing= on the next boot ----------------------------------------------


def _se_scan(host_scan, nxt: str, selinux: bool = True):
    return host_scan(
        {
            **(SELINUX if selinux else {}),
            "/proc/cmdline": LIVE.format(""),
            "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
        }
    )


@pytest.mark.parametrize("word", ["enforcing=0", "enforcing=off"])
def test_r37b_2_enforcing_zero_boots_selinux_permissive(host_scan, word: str) -> None:
    """R37B-2 (false pass) HVA-043: libselinux's selinux_init_load_policy takes the first
    enforcing= of the kernel's line (atoi) over /etc/selinux/config: permissive."""
    a = _se_scan(host_scan, word)
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": "selinux confines QEMU on the running kernel, but libselinux takes the first "
        "enforcing= of the next boot's line over /etc/selinux/config, and it reads 0: SELinux "
        f"boots permissive ({word} in /etc/default/grub)"
    }


@pytest.mark.parametrize(
    ("word", "selinux"),
    [("enforcing=1", True), ("enforcing=-1", True), ("enforcing=0", False)],
    ids=["one", "negative", "apparmor-host"],
)
def test_r37b_2_held_enforcing_kept(host_scan, word: str, selinux: bool) -> None:
    """R37B-2 held: atoi's 1 enforces, a negative value leaves the config file's mode, and an
    AppArmor host's QEMU is not confined by SELinux."""
    a = _se_scan(host_scan, word, selinux)
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": SELINUX_PASS if selinux else PASS_043}


# --- R37B-3: SRSO's microcode-only mode -----------------------------------------------------------

VULN = "/sys/devices/system/cpu/vulnerabilities/"
AMD = HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", "AuthenticAMD")
NONE17 = "17 CPU vulnerabilities reported, none unmitigated"


def _srso_scan(host_scan, line: str, nxt: str = ""):
    listing = with_current_kernel(
        f"{VULN}spectre_v2:Mitigation: Retpolines\n{VULN}spec_rstack_overflow:{line}\n"
    )
    return host_scan(
        {
            "/proc/cpuinfo": AMD,
            "cpu-vulnerabilities": (listing, 0),
            "/proc/cmdline": LIVE.format(""),
            "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
        }
    )


def test_r37b_3_the_next_boots_microcode_only_srso_fails(host_scan) -> None:
    """R37B-3 (false pass) HVA-181: spec_rstack_overflow=microcode leaves the guest-to-host
    transitions unprotected (srso.rst)."""
    a = _srso_scan(host_scan, "Mitigation: Safe RET", "spec_rstack_overflow=microcode")
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but the next boot turns "
        "mitigations off: spec_rstack_overflow=microcode in /etc/default/grub"
    }


def test_r37b_3_the_first_kernels_mitigation_microcode_line_fails(host_scan) -> None:
    """R37B-3 (false pass) HVA-181: the first SRSO kernels printed the microcode-only mode
    "Mitigation: microcode"."""
    a = _srso_scan(host_scan, "Mitigation: microcode")
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "vulnerable: spec_rstack_overflow (Mitigation: microcode)"
    }


@pytest.mark.parametrize(
    ("line", "nxt"),
    [
        (
            "Mitigation: Safe RET",
            "spec_rstack_overflow=microcode spec_rstack_overflow=safe-ret",
        ),
        ("Mitigation: IBPB on VMEXIT only", ""),
    ],
    ids=["replaced-by-safe-ret", "ibpb-on-vmexit"],
)
def test_r37b_3_held_srso_modes_covering_guests(host_scan, line: str, nxt: str) -> None:
    """R37B-3 held: a later safe-ret replaces microcode (srso_parse_cmdline assigns one mode
    per word), and IBPB on VM exit covers the guest-to-host transitions (srso.rst)."""
    a = _srso_scan(host_scan, line, nxt)
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": NONE17}
