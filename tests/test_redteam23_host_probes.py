"""Red-team round 23: the KVM/Proxmox Linux host checks.

Harness: the hardened Debian host replay (conftest `host_scan`: HARDENED_HOST plus overrides,
one plain libvirt test-driver VM web01, no <nosharepages/>), each case changing one artefact.

Findings (ID-n):
- R23H-1 (false pass) HVA-061: KSM was judged by /sys/kernel/mm/ksm/run, pages_shared and a
  running ksmtuned only, so a host with ksm.service or ksmtuned.service enabled but not
  running now passed "KSM is off", though the next boot switches KSM on (ksm.service runs
  `ksmctl start`, run = 1; Debian's ksmtuned package "ships the ksm and ksmtuned services to
  control Kernel Samepage Merging", files /lib/systemd/system/ksm.service and ksmtuned.service;
  Red Hat's tuning guide: "systemctl start ksmtuned", the service "notified by libvirt when a
  guest virtual machine is created"; both read with `search`). `systemctl list-unit-files
  --no-legend --no-pager ksm.service ksmtuned.service` is now collected (ksm-units): an enabled
  unit (UNIT_ENABLED_STATES) is judged as merging, a fail where a VM does not opt out; not
  collected, a question; no systemctl, no unit.

Held (kept as tests):
- a disabled or masked ksm/ksmtuned unit with run = 0 passes "KSM is off".
- no systemctl (no systemd to start a unit) with run = 0 passes "KSM is off".

Probed by script, not kept:

Tally: 6 cases in 4 test functions; 4 failed on main 3fb626d before the fixes.

Leads left (not settled in the time):
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes

# --- HVA-061: a KSM unit enabled for the next boot (R23H-1) ----------------------------------


@pytest.mark.parametrize(
    ("listing", "units"),
    [
        ("ksm.service                enabled enabled\n", "ksm.service is enabled and switches"),
        (
            "ksm.service      enabled enabled\nksmtuned.service enabled enabled\n",
            "ksm.service and ksmtuned.service are enabled and switch",
        ),
        ("ksmtuned.service enabled-runtime enabled\n", "ksmtuned.service is enabled and switches"),
    ],
)
def test_ksm_unit_enabled_for_next_boot_fails(host_scan, listing: str, units: str) -> None:
    """R23H-1. Debian's ksmtuned package (packages.debian.org, read with `search`): "This
    package ships the ksm and ksmtuned services to control Kernel Samepage Merging", "the ksm
    service is only able to start and stop the KSM kernel thread, ksmtuned controls and tunes
    KSM according to the used memory of running qemu KVM instances"; its file list has
    /lib/systemd/system/ksm.service and ksmtuned.service. Red Hat's ksm init script that the
    unit replaced: start() does `echo 1 > /sys/kernel/mm/ksm/run` (qemu ksm.init, read with
    `search`). A host whose administrator stopped KSM (run = 0, pages_shared 0) but left the
    unit enabled merges guest pages again after the next reboot; hvaudit passed "KSM is off"."""
    a = host_scan({"ksm-units": (listing, 0)})
    assert outcomes(a, "HVA-061") == {"hv1": "fail"}, messages(a, "HVA-061")
    assert messages(a, "HVA-061")["hv1"] == (
        f"KSM is off now, but {units} it on at the next boot; 1 of 1 running or autostart "
        "VM(s) without <nosharepages/>: web01"
    )


def test_ksm_units_disabled_or_masked_pass(host_scan) -> None:
    """R23H-1, held: disabled or masked units start nothing at boot (systemctl(1) is-enabled:
    "disabled: The unit file is not enabled", "masked: Completely disabled, so that any start
    operation on it fails"); with run = 0 and pages_shared 0, KSM is off."""
    a = host_scan(
        {"ksm-units": ("ksm.service disabled enabled\nksmtuned.service masked enabled\n", 0)}
    )
    assert outcomes(a, "HVA-061") == {"hv1": "pass"}, messages(a, "HVA-061")
    assert messages(a, "HVA-061")["hv1"] == "KSM is off"


def test_ksm_units_unreadable_is_an_error(host_scan) -> None:
    """R23H-1: a ksm-units probe that failed (systemctl timed out) cannot show the next boot's
    KSM state; never a pass."""
    a = host_scan({"ksm-units": TimeoutError("timed out after 20s")})
    assert outcomes(a, "HVA-061") == {"hv1": "error"}, messages(a, "HVA-061")
    assert messages(a, "HVA-061")["hv1"] == (
        "evidence could not be collected: host/commands/ksm-units.txt: timed out after 20s"
    )


def test_no_systemctl_passes(host_scan) -> None:
    """R23H-1, held: without systemctl (RunResult "absent", command not found) there is no
    systemd to start a unit at boot; run = 0 and pages_shared 0 stay "KSM is off"."""
    a = host_scan({"ksm-units": None})
    assert outcomes(a, "HVA-061") == {"hv1": "pass"}, messages(a, "HVA-061")
    assert messages(a, "HVA-061")["hv1"] == "KSM is off"
