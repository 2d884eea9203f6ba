"""Twenty-fourth red-team review: the file an idle libvirtd's next start reads (rt24cfg).

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. A failed `systemctl cat` is replayed as systemctl gives
it (systemd src/systemctl verb_cat, as parse.host._systemctl_unanswered quotes it): "Failed to
connect to bus: ..." and nothing else, exit 1.

Findings (ID-n):
- R24C-1 (false pass) HVA-130 HVA-131 HVA-132 HVA-201 HVA-213 (every check reading
  libvirtd.conf): with libvirtd idle (socket-activated, `--timeout 120`, so not in the process
  list) and its unit's arguments unknown (`systemctl cat` of libvirt's services failed, or
  /etc/default/libvirtd, its EnvironmentFile=, unreadable), parse.host._unit_config_options
  skipped the daemon and /etc/libvirt/libvirtd.conf was judged as what its next start reads:
  the checks passed from it, though a `--config FILE` / `-f FILE` there makes libvirtd read
  another file (libvirt src/remote/remote_daemon.c, found with `find_string`: `{ "config",
  required_argument, NULL, 'f' }`; libvirtd(8) "-f, --config FILE: Use this configuration
  file, overriding the default value"). Now parse.host._unit_config_unknown names such a
  daemon and, where it is not running (a running daemon's argv settles the file it reads,
  _config_options), its .conf is unavailable with the reason: the checks are manual items
  naming the unread unit arguments.

Held (kept as tests): libvirtd running with the same failed `systemctl cat` (its argv names no
--config) keeps HVA-130's and HVA-132's pass; libvirtd idle with the units read keeps them.

Probed by script, not kept: HVA-030, HVA-034 and HVA-035 with libvirtd idle and the units
unread were errors (R24Q-1) and are now manual items with the same unread-units reason; R23P-1's
and R24Q-2's tests (test_redteam23_probe_probes, test_redteam24_probe2_probes) keep their manual
HVA-030/HVA-035 but now ask this question (the listen question's unread unit is the same).

Tally: 4 cases in 2 test functions; 2 failed before the fix on main 645c33e (the first by the
test, the second, after it, checked by script: pass, pass); the 2 held cases passed before and
after.

Leads left: a running daemon's argv settles the file it reads now, not its next start's (a unit
changed and reloaded since it started); a host without systemctl (OpenRC's
/etc/conf.d/libvirtd LIBVIRTD_OPTS) is not read at all.
"""

from __future__ import annotations

from conftest import messages, outcomes
from test_redteam23_probe_probes import NO_LIBVIRTD
from test_redteam24_probe2_probes import BUS

CHECKS = ("HVA-130", "HVA-132")


def test_idle_libvirtd_with_unknown_unit_arguments_is_not_a_pass(host_scan) -> None:
    """R24C-1 (false pass) HVA-130 HVA-132: libvirtd idle, `systemctl cat` failed (or its
    EnvironmentFile= unreadable): the checks passed from /etc/libvirt/libvirtd.conf, though an
    unseen `--config FILE` makes the next start read another file. Now a manual item naming
    the unread arguments."""
    a = host_scan({"libvirt-units": BUS, "processes": NO_LIBVIRTD})
    for check in CHECKS:
        assert outcomes(a, check) == {"hv1": "manual"}
        assert messages(a, check) == {
            "hv1": "evidence unavailable: libvirtd is not running and libvirt's service units "
            "were not read (exit status 1: Failed to connect to bus: Permission denied): "
            "whether libvirtd.service starts it with --config FILE (another file than "
            "/etc/libvirt/libvirtd.conf) is unknown"
        }
    a = host_scan(
        {"processes": NO_LIBVIRTD, "/etc/default/libvirtd": PermissionError("Permission denied")}
    )
    for check in CHECKS:
        assert outcomes(a, check) == {"hv1": "manual"}
        msg = messages(a, check)["hv1"]
        assert "libvirtd is not running" in msg and "/etc/default/libvirtd" in msg, msg


def test_running_libvirtd_argv_settles_the_file(host_scan) -> None:
    """Held: libvirtd running (`--timeout 120`, no --config) with `systemctl cat` failed, and
    libvirtd idle with the units read: HVA-130 and HVA-132 keep their pass."""
    for over in ({"libvirt-units": BUS}, {"processes": NO_LIBVIRTD}):
        a = host_scan(over)
        for check in CHECKS:
            assert outcomes(a, check) == {"hv1": "pass"}, (over.keys(), check)
