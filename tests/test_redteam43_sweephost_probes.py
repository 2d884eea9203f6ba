"""R43 sweep: the owners of `ss -p`'s users: field (parse/host.py _ss_owners, read by _listeners,
_vsock_listeners and _dockerd_serves_tcp_fd), R42S's lead: the owner regex stopped at the first
`",pid=` after the name.

Harness: the conftest host_scan replay (HARDENED_HOST: sshd on 10.0.0.10:22, chronyd on
127.0.0.1:323; allowed_listeners sshd, libvirtd, virtproxyd, chronyd) with `listeners` (and
`processes` for a relay) rewritten, over libvirt's test driver, assessed by the real engine.
iproute2 misc/ss.c (iproute2 5.11, stored as RMerl/asuswrt-merlin.ng release/src/router/
iproute2-4.3/iproute2-5.11.0/misc/ss.c; the HEAD R42S fetched prints the same): find_entry
prints each owner as `("%s",pid=%d,fd=%d)`, the name being the task's comm that
user_ent_hash_build reads with `fscanf(fp, "%*d (%[^)])", p)`: it ends at the first ')' and
may hold '"', ',' and "pid=" (TASK_COMM_LEN 16: `socat",pid=7` and `sshd",pid=1` fit).

Findings:
- R43S-1 (false pass; HVA-030, HVA-033, also the pid of HVA-210/HVA-250's listeners): the regex
  `\\("([^"]+)",pid=([0-9]+)` read a task named `so"cat` as no owner ("unknown", no pid) and
  one named `socat",pid=7` as "socat" pid 7, so a socat relay of libvirt's read-write socket
  (pid 991 in ps) on 127.0.0.1:16600, which a VM's <serial type='tcp'> dials, was not matched
  to its listener (_relays_dialled compares the pid) and HVA-030 passed "libvirt listens on
  local UNIX sockets only"; a task named `sshd",pid=1` on 10.0.0.10:22 was read as "sshd" and
  HVA-033 passed "1 non-loopback listener(s), all approved". Now each entry is read to its ')'
  with the pid of its last `",pid=N` (_SS_OWNER): the relay is matched (HVA-030 fails naming
  socat pid 991) and the name is `sshd",pid=1`, which no allow-list holds (HVA-033 fails).

Held: the well-formed relay owner `("socat",pid=991,fd=5)` (HVA-030 fails, as
tests/test_chardev_api_relay.py); systemd (pid 1) and libvirtd both holding 16509 stay socket
activated and libvirtd's (tests/test_redteam42_sweephost_probes.py keeps the other ss shapes).

Probed by script: on f8395ada (main) the three shapes above through host_scan, HVA-030,
HVA-033, HVA-210 and HVA-250.

Tally: 1 finding (1 false pass); 5 cases, 3 failing on main (f8395ada) before the fix.
Decision (team): HVA-210 no longer fails a task named `sshd",pid=1` on 0.0.0.0:4444 (it is no
management program by ss's name); HVA-033 fails it as unapproved (was: asked).

Leads left:
- A comm holding ')' is cut there by ss itself (fscanf %[^)]): `sshd)x` shows as "sshd", which
  hvaudit cannot tell from sshd; only the ps args or /proc/PID/exe would (not collected per
  listener).
- HVA-211 with an address on an Open vSwitch port whose bridge has live VM ports but no defined
  VM (R42S's lead, not probed).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes

BASE = HARDENED_HOST["listeners"][0]
PROCS = HARDENED_HOST["processes"][0]
RELAY = (
    "  991 root     /usr/bin/socat TCP-LISTEN:16600,bind=127.0.0.1,fork "
    "UNIX-CONNECT:/run/libvirt/libvirt-sock\n"
)
DIALER = domain_xml(
    "dialer",
    "<devices><serial type='tcp'><source mode='connect' host='127.0.0.1' service='16600'/>"
    "<protocol type='raw'/><target port='0'/></serial></devices>",
)


@pytest.mark.parametrize(
    "owner",
    ['("socat",pid=991,fd=5)', '("so"cat",pid=991,fd=5)', '("socat",pid=7",pid=991,fd=5)'],
    ids=["plain-held", "quote-in-name", "pid-in-name"],
)
def test_r43s_1_relay_owner_name_is_read_to_its_pid(host_scan, owner: str) -> None:
    """R43S-1: a relay whose task name holds `"` or `",pid=N` is still matched to its listener
    by the pid ss prints last, and HVA-030 fails (was: passed "local UNIX sockets only")."""
    listeners = BASE + "tcp LISTEN 0 5 127.0.0.1:16600 0.0.0.0:* users:(" + owner + ")\n"
    a = host_scan(
        {"processes": (PROCS + RELAY, 0), "listeners": (listeners, 0)},
        domains=[domain_xml("web01"), DIALER],
    )
    assert (outcomes(a, "HVA-030")["hv1"], messages(a, "HVA-030")["hv1"]) == (
        "fail",
        "socat (pid 991) relays /run/libvirt/libvirt-sock onto TCP 127.0.0.1:16600, which VM "
        "dialer (<serial type='tcp'> connecting to 127.0.0.1:16600) connects its guest to: "
        "libvirt's full API without authentication or encryption",
    )


def test_r43s_1_sshd_with_pid_in_name_is_not_sshd(host_scan) -> None:
    """R43S-1: a task named `sshd",pid=1` on the SSH port is not read as sshd: HVA-033 fails
    it as unapproved (was: passed "all approved") and HVA-250 lists its whole name."""
    spoof = BASE.replace('("sshd",pid=800,', '("sshd",pid=1",pid=800,')
    assert spoof != BASE
    a = host_scan({"listeners": (spoof, 0)})
    assert (outcomes(a, "HVA-033"), messages(a, "HVA-033")) == (
        {"hv1": "fail"},
        {"hv1": 'unapproved listeners: sshd",pid=1 (tcp/22)'},
    )
    assert (outcomes(a, "HVA-250"), messages(a, "HVA-250")) == (
        {"hv1": "manual"},
        {"hv1": 'processes listening on the network: sshd",pid=1'},
    )


def test_r43s_held_socket_activation_with_its_daemon(host_scan) -> None:
    """Held: systemd (pid 1) and libvirtd holding 16509 on every address: the listener is
    libvirtd's and socket activated, so HVA-210 fails it on the wildcard address."""
    line = (
        "tcp LISTEN 0 5 0.0.0.0:16509 0.0.0.0:* "
        'users:(("systemd",pid=1,fd=48),("libvirtd",pid=700,fd=3))\n'
    )
    a = host_scan({"listeners": (BASE + line, 0)})
    assert (outcomes(a, "HVA-210"), messages(a, "HVA-210")) == (
        {"hv1": "fail"},
        {"hv1": "listening on all addresses: libvirtd (tcp/16509)"},
    )
