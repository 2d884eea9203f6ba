"""Red-team round 23: wrong fails the round's false-pass fixes brought to hardened hosts.

Harness: the hardened Debian host replay (conftest `host_scan`: HARDENED_HOST plus overrides,
one plain libvirt test-driver VM web01), each case changing one artefact.

Findings (ID-n):
- R23W-1 (wrong fail; and false pass) HVA-180: R23H-2 ordered kernel releases of one flavour
  by their numbers alone, so RHEL/AlmaLinux's first kernel of a minor release kept by
  installonly_limit (4.18.0-553.el8_10.x86_64, numbers 553, 8, 10, ...) read as newer than the
  running update 4.18.0-553.5.1.el8_10.x86_64 (553, 5, 1, ...): a fully updated, rebooted
  host failed "kernel 4.18.0-553.el8_10.x86_64 is installed but ... runs"; the reverse (the
  update installed, the first kernel running) passed. rpm's rpmio/rpmvercmp.c (read with
  `read_file`, pkg-config's verbatim copy of it): segments are compared in turn, "numeric
  segments are always newer than alpha segments", numbers by value, "whichever version still
  has characters left over wins". Releases are now ordered by their digit and letter runs
  as rpmvercmp orders them.

Held (kept as tests):
- Debian 6.1.0-27/28-amd64 and Proxmox 6.8.12-4/10-pve keep their order (in
  tests/test_redteam23_host_probes.py).

Probed by script, not kept:

Tally: 2 cases in 1 test function; 2 failed on main 0d041d5 before the fix.

Leads left (not settled in the time):
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes

# --- HVA-180: RHEL kernel releases ordered as rpm orders them (R23W-1) ----------------------

GA = "4.18.0-553.el8_10.x86_64"
UPDATE = "4.18.0-553.5.1.el8_10.x86_64"


@pytest.mark.parametrize(
    ("running", "status", "message"),
    [
        (UPDATE, "pass", "no pending security update (as of the package lists on the host)"),
        (
            GA,
            "fail",
            f"kernel {UPDATE} is installed but {GA} runs (the update takes effect at the next "
            "reboot)",
        ),
    ],
)
def test_rhel_first_kernel_of_a_minor_release_is_older_than_its_update(
    host_scan, running: str, status: str, message: str
) -> None:
    """R23W-1. rpm's rpmio/rpmvercmp.c (read with `read_file`): "numeric segments are always
    newer than alpha segments", segments compared in turn, numbers by value. RHEL 8.10's first
    kernel 4.18.0-553.el8_10 is older than its update 4.18.0-553.5.1.el8_10 (553 = 553, then
    5 against `el`: the number is newer); dnf's installonly_limit keeps both in /boot. A host
    running the update failed HVA-180 as if 553.el8_10 waited for a reboot (wrong fail), and one
    running the first kernel with the update installed passed (false pass)."""
    kernels = (
        f"/boot/vmlinuz-0-rescue-0123456789abcdef\n/boot/vmlinuz-{GA}\n/boot/vmlinuz-{UPDATE}\n"
    )
    a = host_scan({"/proc/sys/kernel/osrelease": running + "\n", "boot-kernels": (kernels, 0)})
    assert outcomes(a, "HVA-180") == {"hv1": status}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"] == message
