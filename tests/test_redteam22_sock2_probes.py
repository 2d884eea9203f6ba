"""Twenty-second red-team review, second pass: libvirt's socket units pulled in by the daemons'
services (rt22sock2).

Harness: as tests/test_redteam22_sock_probes.py: libvirt's test driver serves the VMs, host
evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where a probe
says so) through the real collector, parser and engine; `systemctl cat` of the daemons'
services (`libvirt-units`) is conftest's libvirtd.service with the drop-in a probe adds, and
`systemctl list-unit-files` of the socket units is test_redteam22_sock_probes._states.

Findings (ID-n):
- R22S-1 (false pass) HVA-030: a drop-in on the daemon's service pulling in the cleartext
  socket unit (/etc/systemd/system/libvirtd.service.d/*.conf `[Unit] Wants=libvirtd-tcp.socket`,
  or Requires=/BindsTo=/Upholds=) while libvirtd-tcp.socket stays disabled passed "libvirt
  listens on no unauthenticated TCP port": only the unit's enablement, a live listener or the
  traditional --listen mode were judged. systemd.unit(5) (read with `search`, docs corpus,
  systemd-lsp's unit.md): Requires= "If this unit gets activated, the units listed here will be
  activated as well", Wants= the weaker form, so libvirtd's next start opens TCP 16509. Now the
  services' [Unit] dependencies are parsed (hvaudit.parse.host._socket_unit_pulls, fact
  socket_unit_pulls) and a -tcp unit pulled in by the service of a daemon in use, installed
  and not masked, fails naming the drop-in; a pulled -tls unit counts as TLS from the next
  start for the TLS checks (_tls_enabled).

Held (kept as tests): the same drop-in with libvirtd-tcp.socket masked keeps the pass (a masked
unit never starts).

Probed by script, not kept: none.

Tally: 5 cases in 3 test functions; 4 failed on main 42dfe19 before the fix.

Leads left (not settled in the time):
- A `libvirtd.service.wants/libvirtd-tcp.socket` symlink under /etc/systemd/system (systemctl
  add-wants) pulls the unit in too but is not in `systemctl cat`; `systemctl show -p Wants`
  of the services would show it (a new probe).
- HVA-030: an enabled -tcp unit whose ListenStream= is reset to nothing still fails (wrong
  fail); a loopback ListenStream= is not used; HVA-132 SocketUser= without SocketGroup=;
  HVA-035 mech_list digest-md5/plain; HVA-032/036 migration settings: not reached.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam22_sock_probes import _states

DROPIN = "/etc/systemd/system/libvirtd.service.d/tcp.conf"


def _units(key: str, unit: str = "libvirtd-tcp.socket") -> tuple[str, int, str]:
    """conftest's `systemctl cat` of the daemons' services with a drop-in on libvirtd.service
    whose [Unit] has `<key>=<unit>`."""
    text, rc, err = HARDENED_HOST["libvirt-units"]
    return text + f"\n# {DROPIN}\n[Unit]\n{key}=virtlockd.socket {unit}\n", rc, err


@pytest.mark.parametrize("key", ["Wants", "Requires", "BindsTo"])
def test_tcp_unit_pulled_in_by_a_service_drop_in_fails(host_scan, key) -> None:
    """R22S-1 (false pass) HVA-030: libvirtd-tcp.socket disabled but named by a [Unit] Wants=
    (Requires=, BindsTo=) in a drop-in on libvirtd.service: systemd.unit(5) "the units listed
    here will be activated as well", so libvirtd's next start listens on TCP 16509."""
    a = host_scan({"libvirt-units": _units(key), "libvirt-socket-units": _states()})
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "fail"},
        {
            "hv1": f"libvirtd-tcp.socket pulled in by libvirtd.service {key}= in {DROPIN}: TCP "
            "16509 with auth_tcp = 'sasl' (cleartext unless SASL encrypts) from the next start"
        },
    )


def test_masked_tcp_unit_pulled_in_keeps_the_pass(host_scan) -> None:
    """Held HVA-030: the same Wants= with libvirtd-tcp.socket masked: a masked unit never
    starts, whoever wants it (systemctl(1) mask)."""
    a = host_scan(
        {"libvirt-units": _units("Wants"), "libvirt-socket-units": _states(libvirtd_tcp="masked")}
    )
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    assert messages(a, "HVA-030") == {"hv1": "libvirt listens on local UNIX sockets only"}


def test_tls_unit_pulled_in_is_judged_as_tls(host_scan) -> None:
    """R22S-1 (false pass) HVA-030: libvirtd-tls.socket disabled but wanted by a drop-in on
    libvirtd.service, tls_priority adding SSL 3.0: TLS listens from the next start, so its
    priority string is judged."""
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + 'tls_priority = "NORMAL:+VERS-SSL3.0"\n'
    a = host_scan(
        {
            "libvirt-units": _units("Wants", "libvirtd-tls.socket"),
            "libvirt-socket-units": _states(),
            "/etc/libvirt/libvirtd.conf": conf,
        }
    )
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "fail"},
        {
            "hv1": "TLS with tls_priority = 'NORMAL:+VERS-SSL3.0': +VERS-SSL3.0 switch(es) on "
            "protocols, ciphers or checks retired as insecure"
        },
    )
