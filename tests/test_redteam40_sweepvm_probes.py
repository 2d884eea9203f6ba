"""R40 sweep probes of the VM/host-architecture checks (letter T; guest.py: HVA-049, and the
parser's parse.host._nested_default_load) for the leads round 39 left (issue 8, "verdicts an
auditor can sign").

Harness: the conftest host_scan replay with an AMD host (AMD_CPU: /proc/cpuinfo vendor_id
AuthenticAMD with svm; /proc/modules listing kvm_amd), the x86 vendor module's `nested`
parameter absent from sysfs (test_redteam37_sweepvm_probes.NOT_LOADED: the module not
loaded), the running kernel's release set in /proc/sys/kernel/osrelease, and a
host-passthrough domain (test_redteam20_host2_probes.PT); the item's status, message and
question.

Findings:
- R40T-1 (false pass) HVA-049: an AMD host whose kvm_amd is not loaded, nothing setting its
  `nested` at the next load (no options line, no kvm_amd.nested= word, no install command), on
  a kernel before 4.20 (Ubuntu 18.04's 4.15, Debian 10's 4.19, RHEL 7's 3.10) was asked whether
  /sys/module/kvm_amd/parameters/nested reads 0, a file that does not exist while the module is
  not loaded: "yes" passed a host-passthrough VM that gets svm when kvm_amd loads with its
  built-in default. R38T-3 bounded that default at Linux 4.20 for both vendors, kvm_intel's
  (commit 1e58e5e59148); kvm_amd's was turned on in 2009 (that commit's own message:
  "enabling nested SVM in 2009 (commit 4b6e4dca701) was a bit premature", read with `search`;
  svm.c `static int nested = 1;`). Now the bound is per vendor (parse.host.NESTED_DEFAULT_SINCE:
  kvm_amd from Linux 3.0, the release before which the 2009 commit's release was not
  confirmed), and the message names kvm_amd's own default, not "since Linux 4.20" (which it
  said of kvm_amd on 4.20 and later: wording, same fix).

Held: kvm_intel on 4.19 keeps sysfs's question (kvm_intel's bound unchanged); kvm_amd on a 2.6
kernel keeps it (below the bound); `options kvm_amd nested=0` on a 4.15 AMD host keeps it (the
next load sets nested off: the sysfs question of R38T-3's harness).

Probed by script: none.

Tally: 1 finding (false pass: HVA-049), 5 tests (7 cases); 4 failed on main before the fix, 1
held (3 cases).

Leads left: see the report of round 40 (R40T).
"""

from __future__ import annotations

import pytest

from test_redteam20_host2_probes import PT, _modprobe
from test_redteam37_sweepvm_probes import NOT_LOADED, SYSFS_Q, _pt

AMD_CPU = (
    "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
    "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep svm npt ssse3 fma cx16 sse4_1 x2apic\n"
)
AMD_MODS = (
    "kvm_amd 200704 0 - Live 0x0000000000000000\nkvm 1142784 1 kvm_amd, Live 0x0000000000000000\n"
)
PT_WHAT = "CPU mode host-passthrough passes the host's vmx/svm through when KVM nests"
NOT_LOADED_WHY = "no kvm_intel or kvm_amd `nested` parameter: the KVM module is not loaded"
ASKED = f"{PT_WHAT}; host evidence unavailable: {NOT_LOADED_WHY}"


def _amd(release: str, **extra: object) -> dict[str, object]:
    return {
        **NOT_LOADED,
        "/proc/cpuinfo": AMD_CPU,
        "/proc/modules": AMD_MODS,
        "/proc/sys/kernel/osrelease": release + "\n",
        **extra,
    }


def _amd_default_on(release: str) -> str:
    return (
        f"{PT_WHAT}; {NOT_LOADED_WHY}, but kvm_amd's built-in default (nested on since 2009, "
        f"in every release from Linux 3.0; the running kernel is {release}, and no options "
        "line, kvm_amd.nested= word or install command sets it) turns nested on when it loads "
        "(every boot)"
    )


@pytest.mark.parametrize(
    "release", ["4.15.0-213-generic", "4.19.0-27-amd64", "3.10.0-1160.el7.x86_64"]
)
def test_r40t1_amd_default_nests_before_4_20(host_scan, release: str) -> None:
    """R40T-1, the false pass: kvm_amd not loaded on a kernel before 4.20, nothing setting
    nested: main asked sysfs's question (its file absent), whose "yes" passed; now the fail."""
    assert _pt(host_scan(_amd(release), domains=PT)) == (
        "fail",
        _amd_default_on(release),
        None,
    )


def test_r40t1_amd_default_message_on_6_1(host_scan) -> None:
    """R40T-1, wording: on 6.1 main failed already, but said kvm_amd nests "since Linux 4.20";
    now its own default."""
    assert _pt(host_scan(_amd("6.1.0-28-amd64"), domains=PT)) == (
        "fail",
        _amd_default_on("6.1.0-28-amd64"),
        None,
    )


def test_r40t1_held_below_bounds_and_nested_off(host_scan) -> None:
    """Held: kvm_intel on 4.19 and kvm_amd on 2.6.32 keep the question (below each vendor's
    bound); `options kvm_amd nested=0` on a 4.15 AMD host keeps it (the next load sets
    nested off, nothing turns it on)."""
    intel = {**NOT_LOADED, "/proc/sys/kernel/osrelease": "4.19.0-27-amd64\n"}
    assert _pt(host_scan(intel, domains=PT)) == ("manual", ASKED, SYSFS_Q)
    assert _pt(host_scan(_amd("2.6.32-754.el6.x86_64"), domains=PT)) == (
        "manual",
        ASKED,
        SYSFS_Q,
    )
    off = _modprobe("/etc/modprobe.d/kvm.conf:options kvm_amd nested=0\n")
    assert _pt(host_scan(_amd("4.15.0-213-generic", **{"modprobe-d": off}), domains=PT)) == (
        "manual",
        ASKED,
        SYSFS_Q,
    )
