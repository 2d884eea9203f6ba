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
- R22S-2 (wrong fail) HVA-030: an enabled libvirtd-tcp.socket whose drop-in resets
  ListenStream= to nothing (`ListenStream=` alone; systemd.socket(5): "If the empty string is
  assigned to any of these options, the list of addresses to listen on is reset") failed
  "libvirtd-tcp.socket enabled: TCP 16509 ... from the next start". systemd refuses to load a
  socket unit with no address (src/core/socket.c socket_verify, read with `find_string`:
  "Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...).
  Refusing."), so no port opens. Now such a unit (its files read) is not a listener
  (hvaudit.checks.management._has_listen), enabled or pulled in.

Held (kept as tests): the same drop-in with libvirtd-tcp.socket masked keeps the pass (a masked
unit never starts); a reset followed by ListenStream=0.0.0.0:16509 keeps the fail.

Probed by script, not kept: none.

Tally: 7 cases in 5 test functions; 5 failed before their fixes (R22S-1's 4 on main 42dfe19,
R22S-2's 1 on main cb6fadd).

Leads left (not settled in the time):
- A `libvirtd.service.wants/libvirtd-tcp.socket` symlink under /etc/systemd/system (systemctl
  add-wants) pulls the unit in too but is not in `systemctl cat`; `systemctl show -p Wants`
  of the services would show it (a new probe).
- HVA-030: a -tcp unit's loopback ListenStream= (127.0.0.1:16509) is not used to judge
  exposure (it is HVA-132's every-local-user case unless route_localnet opens 127/8); HVA-132 SocketUser= without SocketGroup=;
  HVA-035 mech_list digest-md5/plain; HVA-032/036 migration settings: not reached.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam21_sock_probes import ETC, UNITS, _cat
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


def test_enabled_tcp_unit_with_no_listen_stream_is_not_a_listener(host_scan) -> None:
    """R22S-2 (wrong fail) HVA-030: libvirtd-tcp.socket enabled, but a drop-in's empty
    `ListenStream=` resets its addresses (systemd.socket(5)) and sets none: systemd refuses to
    load the unit (src/core/socket.c socket_verify "Unit has no Listen setting ... Refusing."),
    so no TCP port opens at the next start."""
    a = host_scan(
        {
            "libvirt-socket-units": _states(libvirtd_tcp="enabled"),
            UNITS: _cat(
                {
                    "libvirtd-tcp.socket": [
                        (f"{ETC}/libvirtd-tcp.socket.d/off.conf", "ListenStream=")
                    ]
                }
            ),
        }
    )
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "pass"},
        {"hv1": "libvirt listens on local UNIX sockets only"},
    )


def test_enabled_tcp_unit_reset_then_set_still_fails(host_scan) -> None:
    """Held HVA-030: the drop-in resets ListenStream= and sets 0.0.0.0:16509: the enabled unit
    listens on TCP at its next start."""
    path = f"{ETC}/libvirtd-tcp.socket.d/any.conf"
    a = host_scan(
        {
            "libvirt-socket-units": _states(libvirtd_tcp="enabled"),
            UNITS: _cat(
                {"libvirtd-tcp.socket": [(path, "ListenStream=\nListenStream=0.0.0.0:16509")]}
            ),
        }
    )
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "fail"},
        {
            "hv1": "libvirtd-tcp.socket enabled: TCP 16509 with auth_tcp = 'sasl' (cleartext "
            "unless SASL encrypts) from the next start"
        },
    )
