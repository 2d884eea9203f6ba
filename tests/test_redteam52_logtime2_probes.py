"""Red-team round 52 probes, second turn: logging units (r52-logtime2)

Harness: conftest's hardened Debian 12 host (rsyslog forwarding over TLS, libvirtd idle) with
libvirtd.conf's log_outputs a file only, replayed through the real collector, parser and
engine (host_scan), with libvirtd.service's unit file (the libvirt-units artefact, `systemctl
cat libvirtd.service virtqemud.service`) printed from /run or /etc per case. Each test asserts
the exact status and message of HVA-200 and HVA-213, and the question where one is asked.

Findings (R52L-n, after R52L-1..3 in test_redteam52_logtime_probes.py):
- R52L-4 (false pass) HVA-213, HVA-200: R52L-1's lead, R48L-5's class for a whole unit.
  systemd.unit(5) "Unit File Load Path" (read with `search`): /etc/systemd/system, then
  /run/systemd/system, then /usr/lib/systemd/system; the first file found wins and `systemctl
  cat` prints it alone. A libvirtd.service written whole under /run (`systemctl edit
  --runtime --full`) with `Environment=LIBVIRT_LOG_OUTPUTS=3:journald` over a file-only
  libvirtd.conf passed both checks: parse.host._boot_unit_text drops only drop-ins (".d/"),
  so the next boot's start was taken from the /run unit, which every boot empties; the unit
  the next boot loads is not in the output. Now parse.host._runtime_units names such a unit
  of libvirt's daemons, _UnitBootEvidence gives the next boot's units as unread, and
  _log_boot counts it with the /run drop-ins: the pass is asked, naming the file; a fail
  stays a fail.

Held (kept as tests): the same whole unit under /etc (it wins over /run and the boot keeps
it: pass); a /run whole unit without the variable, and one under /etc, over the file-only
libvirtd.conf (fail stays fail).

Probed by script, then as these tests, on main (9958eb5e): the R52L-4 case passed HVA-200
and HVA-213; the three held cases give the same there.

Tally: 1 finding: 1 false pass, 0 false n/a, 0 wrong fail, 0 wording; 4 cases in 1 test
function; 1 failed on main before the fix (passed wrongly on both checks); the 3 held pass
there too.

Leads left:
- k3s.service/rke2 units (parse.host._k3s_unit_next, _boot_unit_text at its caller) written
  whole under /run are not weighed either; nor rsyslog/journald units (R52L-1 asks on any
  /run file of those, so held there).
- The question names a unit file as a thing "set again at every boot" (R48L-1's wording for
  variables): a wording a later round may make file-specific.
- virtqemud.service whole under /run follows the same path (LOG_DAEMONS) but has no probe.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam13_host_probes import IDLE_PROCS, UNITS
from test_redteam47_logtime_probes import FILE_CONF, FILE_LOG, LIBVIRTD_CONF, OVER_TLS
from test_redteam48_logtime_probes import _question

VENDOR = "/lib/systemd/system/libvirtd.service"
RUN_UNIT = "/run/systemd/system/libvirtd.service"
ETC_UNIT = "/etc/systemd/system/libvirtd.service"
JOURNAL_ENV = "Environment=LIBVIRT_LOG_OUTPUTS=3:journald\n"
JOURNAL = (
    "libvirtd (LIBVIRT_LOG_OUTPUTS in libvirtd.service Environment=): log_outputs '3:journald'"
)
FILE_FAIL = f"libvirtd.conf: log_outputs {FILE_LOG!r} writes only to files or stderr"
UNREAD = f"{RUN_UNIT} under /run replaces the unit file the next boot loads, which was not read"


def _rests(now: str, boot: str) -> str:
    return (
        f"{now}, but that rests on {RUN_UNIT}, under /run (where `systemctl edit --runtime` "
        "and `set-property --runtime` write), which the next boot drops; without it (after a "
        f"boot): {boot}"
    )


@pytest.mark.parametrize(
    ("where", "env", "expected", "asked"),
    [
        # R52L-4: a whole libvirtd.service under /run gives the journal output; the unit the
        # next boot loads is not read
        (
            RUN_UNIT,
            JOURNAL_ENV,
            {
                "HVA-200": (
                    "manual",
                    _rests(
                        OVER_TLS,
                        f"manual: {OVER_TLS}, but whether libvirt's messages reach them is not "
                        "in the evidence: its log outputs are unknown (libvirtd.service's "
                        f"environment was not read ({UNREAD}))",
                    ),
                ),
                "HVA-213": (
                    "manual",
                    _rests(
                        JOURNAL,
                        "manual: evidence unavailable: libvirtd.service's environment was not "
                        f"read ({UNREAD})",
                    ),
                ),
            },
            RUN_UNIT,
        ),
        # held: the same unit under /etc, which wins over /run and which the boot keeps
        (ETC_UNIT, JOURNAL_ENV, {"HVA-200": ("pass", OVER_TLS), "HVA-213": ("pass", JOURNAL)}, ""),
        # held: a fail with a whole /run unit stays a fail
        (
            RUN_UNIT,
            "Environment=TZ=UTC\n",
            {
                "HVA-200": (
                    "fail",
                    f"{OVER_TLS}, but carrying none of libvirt's messages: {FILE_FAIL}",
                ),
                "HVA-213": ("fail", FILE_FAIL),
            },
            "",
        ),
        (
            ETC_UNIT,
            "Environment=TZ=UTC\n",
            {
                "HVA-200": (
                    "fail",
                    f"{OVER_TLS}, but carrying none of libvirt's messages: {FILE_FAIL}",
                ),
                "HVA-213": ("fail", FILE_FAIL),
            },
            "",
        ),
    ],
    ids=["run-unit", "etc-unit", "run-unit-fail", "etc-unit-fail"],
)
def test_r52l4_runtime_whole_unit(
    host_scan, where: str, env: str, expected: dict[str, tuple[str, str]], asked: str
) -> None:
    """R52L-4: a pass resting on a whole libvirtd.service under /run."""
    unit = UNITS[0].replace(VENDOR, where, 1).replace("[Service]\n", f"[Service]\n{env}", 1)
    assert unit.startswith(f"# {where}\n")
    a = host_scan(
        {
            "processes": IDLE_PROCS,
            "libvirt-units": (unit, 1, UNITS[2]),
            LIBVIRTD_CONF: str(HARDENED_HOST[LIBVIRTD_CONF]) + FILE_CONF,
        }
    )
    for check, (status, message) in expected.items():
        assert messages(a, check) == {"hv1": message}
        assert outcomes(a, check) == {"hv1": status}
        if status == "manual":
            assert {r.outcome.question for r in a.results if r.check.id == check} == {
                _question(asked)
            }
