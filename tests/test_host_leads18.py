"""Known leads on the KVM/libvirt host side (session 14), taken up by leads18host.

Same harness as tests/test_host_leads16.py: conftest's hardened Debian host replayed through the
real collector, parser and engine, changed only where a test says so; each test asserts the
exact status and message.

Findings:
- HL18-1 (false pass) HVA-213: journald.conf(5) reads the first main file found of /etc, /run,
  /usr/local/lib and /usr/lib/systemd; hvaudit read /etc's only, so on a host without it
  (newer systemd ships the vendor file only) a Storage=none in the file journald uses was
  unseen and the journal passed. Now the first found is read, and the compile time defaults
  (ForwardToSyslog) are taken from the vendor file's comments where /etc or /run holds it.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_host_leads15 import RHEL

JOURNAL_OK = "libvirtd.conf: log_outputs unset (the journal)"


# --- HVA-213: journald's main file outside /etc (HL18-1) -----------------------------------------

VENDOR = "/usr/lib/systemd/journald.conf"
# RHEL 9's shipped file: the compile time defaults as comments
VENDOR_DEFAULTS = "[Journal]\n#Storage=auto\n#ForwardToSyslog=no\n"
DROPPED = (
    "libvirtd.conf: log_outputs unset (the journal), but journald keeps no journal "
    "(Storage=none in {where}) and forwards nothing to syslog (the compiled-in default "
    f"ForwardToSyslog=no ({VENDOR} shows the compile time defaults; nothing sets it))"
)


@pytest.mark.parametrize(
    ("files", "where"),
    [
        ({VENDOR: VENDOR_DEFAULTS + "Storage=none\n"}, VENDOR),
        (
            {VENDOR: VENDOR_DEFAULTS, "/run/systemd/journald.conf": "[Journal]\nStorage=none\n"},
            "/run/systemd/journald.conf",
        ),
        (
            {
                VENDOR: VENDOR_DEFAULTS,
                "/usr/local/lib/systemd/journald.conf": "[Journal]\nStorage=none\n",
            },
            "/usr/local/lib/systemd/journald.conf",
        ),
    ],
    ids=["usr-lib", "run", "usr-local-lib"],
)
def test_journald_main_file_outside_etc_is_read(host_scan, files: dict, where: str) -> None:
    """HL18-1. journald.conf(5) (systemd 256, read with `search`): "The main configuration file
    is loaded from one of the listed directories in order of priority, only the first file
    found is used: /etc/systemd/, /run/systemd/, /usr/local/lib/systemd/, /usr/lib/systemd/",
    and "The vendor version of the file contains commented out entries showing the defaults".
    Newer systemd ships the file under /usr/lib only. With no /etc/systemd/journald.conf,
    hvaudit read no main file at all, so `Storage=none` in the one journald uses went unseen
    and HVA-213 passed "the journal" on RHEL 9 (ForwardToSyslog compiled-in no): journald
    drops every message libvirt logs (HL15-1). Right: HL15-1's fail naming the file, the
    default taken from the vendor file's comments."""
    a = host_scan({"/etc/os-release": RHEL, "/etc/systemd/journald.conf": None, **files})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert messages(a, "HVA-213") == {"hv1": DROPPED.format(where=where)}


@pytest.mark.parametrize("etc", ["[Journal]\n#Storage=auto\n", ""], ids=["etc-copy", "etc-empty"])
def test_journald_etc_main_file_hides_the_vendor_one(host_scan, etc: str) -> None:
    """HL18-1's held probe: only the first main file found is used, so an /etc copy (even an
    empty one) hides a vendor file's Storage=none: the pass stays (before and after)."""
    a = host_scan(
        {
            "/etc/os-release": RHEL,
            "/etc/systemd/journald.conf": etc,
            VENDOR: VENDOR_DEFAULTS + "Storage=none\n",
        }
    )
    assert messages(a, "HVA-213") == {"hv1": JOURNAL_OK}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}


def test_journald_vendor_file_alone_keeps_the_journal(host_scan) -> None:
    """HL18-1's held probe: the vendor file with its comments only keeps Storage=auto."""
    a = host_scan(
        {"/etc/os-release": RHEL, "/etc/systemd/journald.conf": None, VENDOR: VENDOR_DEFAULTS}
    )
    assert messages(a, "HVA-213") == {"hv1": JOURNAL_OK}
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}
