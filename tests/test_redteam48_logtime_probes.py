"""Red-team round 48 probes: logging (r48-logtime)

(docstring written at the end)
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam47_logtime_probes import (
    BASE_ENV,
    FILE_CONF,
    FILE_LOG,
    JOURNAL,
    OVER_TLS,
    RUNTIME,
    _default_env,
    _verdicts,
    scan,
)

DEBUG_OUT = 'log_outputs = "1:journald"\n'
JOURNALD1 = "libvirtd.conf: log_outputs '1:journald'"


def _rests(name: str, value: str, now: str, boot: str) -> str:
    """R48L-1's message: the pass `now`, the value it rests on, the verdict after a boot."""
    return (
        f"{now}, but that rests on {name}={value!r} in the service manager's environment "
        "(systemctl show-environment), which no file sets: `systemctl set-environment` put it "
        f"there, and the next boot drops it; without it (after a boot): {boot}"
    )


def _question(name: str) -> str:
    return (
        f"Does a unit or script on host hv1 set {name} in the service manager's environment at "
        "every boot, before libvirt's daemons start? Evidence: `systemctl show-environment` "
        f"after a boot, and `grep -rs -e set-environment -e {name} /etc/systemd /run/systemd "
        "/usr/lib/systemd` on hv1. Pass: yes, it is set at every boot to the value above; fail: "
        "no (the next boot starts them without it)."
    )


FILE_FAIL = f"libvirtd.conf: log_outputs {FILE_LOG!r} writes only to files or stderr"
RT_JOURNAL = f"libvirtd (LIBVIRT_LOG_OUTPUTS in {RUNTIME}): log_outputs '3:journald'"


@pytest.mark.parametrize(
    ("show_env", "conf", "unit", "expected", "asked"),
    [
        # R48L-1: a run-time journal output over a file-only libvirtd.conf: the next boot
        # starts libvirtd with the file only
        (
            f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS=3:journald\n",
            FILE_CONF,
            "",
            {
                "HVA-200": (
                    "manual",
                    _rests(
                        "LIBVIRT_LOG_OUTPUTS",
                        "3:journald",
                        OVER_TLS,
                        f"fail: {OVER_TLS}, but carrying none of libvirt's messages: {FILE_FAIL}",
                    ),
                ),
                "HVA-213": (
                    "manual",
                    _rests("LIBVIRT_LOG_OUTPUTS", "3:journald", RT_JOURNAL, f"fail: {FILE_FAIL}"),
                ),
            },
            "LIBVIRT_LOG_OUTPUTS",
        ),
        # R48L-1: a run-time LIBVIRT_DEBUG=3 over libvirtd.conf's log_level = 1 with a debug
        # output: the next boot floods the log (HVA-200 reads no priority)
        (
            f"{BASE_ENV}LIBVIRT_DEBUG=3\n",
            f"{DEBUG_OUT}log_level = 1\n",
            "",
            {
                "HVA-200": ("pass", OVER_TLS),
                "HVA-213": (
                    "manual",
                    _rests(
                        "LIBVIRT_DEBUG",
                        "3",
                        JOURNALD1,
                        "fail: libvirtd.conf: log_level = 1 (debug, floods the log)",
                    ),
                ),
            },
            "LIBVIRT_DEBUG",
        ),
        # R48L-1: a run-time LIBVIRT_LOG_FILTERS over libvirtd.conf's debug filter
        (
            f"{BASE_ENV}LIBVIRT_LOG_FILTERS=3:qemu\n",
            f'{DEBUG_OUT}log_filters = "1:qemu"\n',
            "",
            {
                "HVA-200": ("pass", OVER_TLS),
                "HVA-213": (
                    "manual",
                    _rests(
                        "LIBVIRT_LOG_FILTERS",
                        "3:qemu",
                        JOURNALD1,
                        "fail: libvirtd.conf: log_filters '1:qemu' (debug, floods the log)",
                    ),
                ),
            },
            "LIBVIRT_LOG_FILTERS",
        ),
        # held: the run-time journal output over libvirtd.conf's unset one, the journal too:
        # both pass, the pass stands
        (
            f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS=3:journald\n",
            "",
            "",
            _verdicts("pass", JOURNAL),
            "",
        ),
        # held: the unit's own Environment= over the run-time value (the boot keeps it)
        (
            f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS=3:journald\n",
            FILE_CONF,
            "Environment=LIBVIRT_LOG_OUTPUTS=2:journald\n",
            _verdicts(
                "pass",
                "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): "
                "log_outputs '2:journald'",
            ),
            "",
        ),
        # held: a run-time file-only output over libvirtd.conf's journal: the next start
        # before a boot writes to the file only, a fail (R45L-1's, unchanged)
        (
            f"{BASE_ENV}LIBVIRT_LOG_OUTPUTS={FILE_LOG}\n",
            'log_outputs = "3:journald"\n',
            "",
            _verdicts(
                "fail",
                f"libvirtd (LIBVIRT_LOG_OUTPUTS in {RUNTIME}): log_outputs {FILE_LOG!r} writes "
                "only to files or stderr",
            ),
            "",
        ),
    ],
    ids=["outputs", "debug", "filters", "both-journal", "unit-wins", "runtime-fails"],
)
def test_r48l1_runtime_only_value(
    host_scan,
    show_env: str,
    conf: str,
    unit: str,
    expected: dict[str, tuple[str, str]],
    asked: str,
) -> None:
    """R48L-1: a pass resting on a value only `systemctl set-environment` set."""
    a = scan(host_scan, show_env, _default_env("TZ=UTC"), unit, conf)
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}
        questions = {r.outcome.question for r in a.results if r.check.id == check}
        if status == "manual":
            assert questions == {_question(asked)}
