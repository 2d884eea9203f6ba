"""HVA-213 reads log_outputs as libvirt parses it (src/util/virlog.c virLogParseOutputs): outputs
separated by spaces, each `priority:destination[:data]`; a value libvirt rejects is a question,
an empty value is the default output."""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.checks.hardening import log_destinations


@pytest.mark.parametrize(
    ("value", "dests"),
    [
        ("3:journald", ["journald"]),
        ("1:file:/var/log/libvirt/libvirtd.log 3:syslog:libvirtd", ["file", "syslog"]),
        ("  4:stderr   2:journald ", ["stderr", "journald"]),
        ("", []),
        ("3:file:/var/log/libvirt/journald-export.log", ["file"]),
        ("3:syslog", None),  # syslog needs its tag
        ("3:journald:x", None),  # journald takes no data
        ("3:file:/var/log/a:b.log", None),  # a colon in the path makes four tokens
        ("5:journald", None),  # priorities are 1 to 4
        ("3:journal", None),
        ("journald", None),
        ("3:journald 3:sylog:x", None),  # one bad output rejects the value
    ],
)
def test_log_outputs_grammar(value: str, dests: list[str] | None) -> None:
    assert log_destinations(value) == dests


def _conf(value: str) -> dict[str, str]:
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + f"log_outputs = {value}\n"
    return {"/etc/libvirt/libvirtd.conf": conf}


def test_syslog_output_with_a_file_passes(host_scan) -> None:
    a = host_scan(_conf('"1:file:/var/log/libvirt/libvirtd.log 3:syslog:libvirtd"'))
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}, messages(a, "HVA-213")


def test_malformed_outputs_are_a_question(host_scan) -> None:
    """libvirt refuses the whole value (and keeps its default output): what reaches the log is
    not in the file, so the scan asks."""
    a = host_scan(_conf('"3:syslog"'))
    assert outcomes(a, "HVA-213") == {"hv1": "manual"}, messages(a, "HVA-213")
    assert "'3:syslog' is not a list of outputs libvirt accepts" in messages(a, "HVA-213")["hv1"]


def test_malformed_outputs_do_not_hide_a_failure(host_scan) -> None:
    """libvirt 5.0 (Debian 10) gives a daemon started without --daemon the default output
    stderr at the default priority, debug here (HL16-1): the flood is a fail."""
    conf = _conf('"3:syslog"')
    conf["/etc/libvirt/libvirtd.conf"] += "log_level = 1\n"
    a = host_scan({**conf, "dpkg-packages": ("libvirt-daemon\t5.0.0-4+deb10u1\tii \n", 0)})
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
    assert "log_level = 1" in messages(a, "HVA-213")["hv1"]


def test_empty_outputs_are_the_default(host_scan) -> None:
    a = host_scan(_conf('""'))
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}, messages(a, "HVA-213")
    assert "unset (the journal)" in messages(a, "HVA-213")["hv1"]


def test_stderr_reaches_the_journal_on_a_systemd_host(host_scan) -> None:
    a = host_scan(_conf('"3:stderr"'))
    assert outcomes(a, "HVA-213") == {"hv1": "pass"}, messages(a, "HVA-213")
    assert "stderr goes to the journal" in messages(a, "HVA-213")["hv1"]


def test_file_output_fails_on_a_systemd_host(host_scan) -> None:
    a = host_scan(_conf('"3:file:/var/log/libvirt/libvirtd.log"'))
    assert outcomes(a, "HVA-213") == {"hv1": "fail"}, messages(a, "HVA-213")
