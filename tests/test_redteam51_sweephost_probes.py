"""R51 sweep: the admin-path stat probes of libvirt's and the container daemons' sockets recorded
absent (R50S's lead; the team's decision of round 51: a socket stat recorded absent is unread,
as R50S-1 decided for the kubeconfigs).

Harness: the conftest host_scan replay (HARDENED_HOST) over libvirt's test driver, assessed by
the real engine; an override of None records the probe absent ("command not found"), as the
collector's runners do for a missing executable (collect/runner.py SshRunner.run: exit 127).
The replay host now answers container-sockets as stat does where no container daemon's socket
exists (exit 1, "No such file or directory" for each path, GNU coreutils stat.c do_stat), and
libvirt-sockets names each missing modular daemon's socket on stderr the same way.

Findings:
- R51S-1 (false pass) HVA-142: libvirt-sockets or container-sockets (`stat -c '%a %U %G %n'`
  of libvirt's and the container daemons' API sockets) recorded absent was read by
  parse.host._admins like an older bundle's silence: no socket, nothing asked, and HVA-142
  passed on the sudoers and group members alone, though a group-writable socket is root
  (R23A-2, R25A-1). Now unavailable, naming the stat to run.

Held:
- the hardened host with every stat answering (no container socket) passes HVA-142.

Probed by script: none.

Tally: 1 finding (1 false pass); 3 cases; 2 failed on main before the fix.

Leads left: see the report.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes

STAT_RUN = "stat -c '%a %U %G %n'"


@pytest.mark.parametrize(
    ("probe", "what"),
    [
        ("libvirt-sockets", "libvirt's sockets"),
        ("container-sockets", "the container daemons' API sockets"),
    ],
)
def test_socket_stat_absent_is_asked(host_scan, probe: str, what: str) -> None:
    """R51S-1 (false pass) HVA-142: a socket stat recorded absent (command not found) is
    unread, never no socket: the question names the stat to run."""
    a = host_scan({probe: None})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}
    assert messages(a, "HVA-142") == {
        "hv1": f"evidence unavailable: {what} were not stat'ed (command not found): the groups "
        f"that may write to them are unknown; `{STAT_RUN}` on each of them answers"
    }


def test_socket_stats_answered_hold(host_scan) -> None:
    """Held: every stat answering (libvirt's two sockets, no container socket, no kubeconfig),
    HVA-142 still passes on the hardened host."""
    a = host_scan()
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}
    assert messages(a, "HVA-142") == {"hv1": "2 administrative principal(s) (limit 3): alice, root"}
