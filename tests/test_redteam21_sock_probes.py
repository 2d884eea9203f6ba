"""Twenty-first red-team review, libvirt's systemd socket units and their drop-ins (rt21sock).

Same harness as tests/test_redteam20_host_probes.py: libvirt's test driver serves the VMs, and
host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where a
probe says so), through the real collector, parser and engine. Lead of rt20: hvaudit judged
HVA-132 on the live sockets' modes (`stat`) and the units' enablement only; the socket units'
files were never read, so a drop-in (/etc/systemd/system/<unit>.d/*.conf) that widens
SocketMode= for the unit's next start kept the pass. A new read-only probe
(`libvirt-socket-unit-files`: `systemctl cat --no-pager` of SOCKET_UNITS, argv list, 20 s
timeout; each file after a "# PATH" line, the unit file first, then its drop-ins in the order
systemd applies them) feeds hvaudit.model.SocketUnitConf: systemd.socket(5) (read with
`search`): SocketMode= "Defaults to 0666", a later assignment replaces an earlier one,
ListenStream= accumulates and the empty string resets it. Shipped modes: libvirt
src/remote/libvirtd-admin.socket.in SocketMode=0600, libvirtd.socket.in SocketMode=@sockmode@,
-tcp ListenStream=16509 (read with `read_file`, libvirt 12003a66), and Debian 12's
libvirt-daemon-system 9.0.0 units installed on this machine (/lib/systemd/system: libvirtd and
-ro 0666, -admin, virtlogd*, virtlockd* 0600; libvirtd.service Requires=virtlogd.socket and
virtlockd.socket, virtlogd.service Requires=virtlogd-admin.socket).

Findings (ID-n):
- R21U-1 (false pass) HVA-132 with auth_unix_rw = "none" passed "/run/libvirt/libvirt-sock is
  mode 660 root libvirt" while the enabled libvirtd.socket creates it 0666 at its next start (a
  drop-in SocketMode=0666 after one with 0660: the later wins; or the shipped unit's 0666 with
  no drop-in). Now the enabled unit's next-start mode is judged beside the live one and the
  fail names the file that sets it.
- R21U-2 (false pass) HVA-132 passed with libvirtd-admin.socket.d/*.conf SocketMode=0666 (or a
  unit copied to /etc without SocketMode=: systemd's default 0666) while the live admin socket
  was 0600: from the next start every local user has virt-admin. Now a fail naming the file.
- R21U-3 (false pass) HVA-132 passed with virtlogd.socket.d/*.conf SocketMode=0666 (R17H-6's
  root daemon that checks no client identity): judged on the live socket only. virtlogd and
  virtlockd units are judged whenever installed (libvirtd.service Requires= them).

- R21U-4 (false pass) HVA-030 passed "only TLS 16514 listening, client certificates
  verified" where libvirtd-tcp.socket's drop-in resets ListenStream= and listens on 16514 (the
  unit started by hand, not enabled): the port is the cleartext transport. remote_ports() now
  adds the -tcp/-tls units' ListenStream= ports (hvaudit.checks._libvirt.unit_ports) and takes
  a -tcp unit's port out of the TLS ones.

Held (kept as tests): the shipped units with auth_unix_rw = polkit pass unchanged; the shipped
-tcp unit leaves 16514 TLS; a drop-in
narrowing libvirtd.socket to 0660 keeps the pass (naming it); a bundle without the probe keeps
today's verdict (the live socket's).

Probed by script, not kept (the verdict was right): none beyond the above.

Tally: 10 cases; 7 failed before their fixes (on main bf5f0de; the narrowing case for its new
wording naming the drop-in).

Leads left (not settled in the time):
- HVA-030: a -tcp unit's ListenStream= address (127.0.0.1:16509 vs 0.0.0.0) is not used to
  judge exposure, and the enabled -tcp unit's message still names TCP 16509 whatever its port.
- SocketUser=/SocketGroup= are parsed, not judged (a non-root SocketUser with 0600 hands one
  account the read-write socket; a group-writable mode's group members are not checked, as for
  the live socket).
- A unit disabled but pulled in by libvirtd.service Wants=libvirtd-admin.socket (Debian) is
  started anyway; only enabled -admin/rw units are judged for the next start.
- systemctl cat of a masked unit is assumed to print no "# PATH" header (not confirmed).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.collect.host import LIBVIRT_DAEMONS

LIB = "/lib/systemd/system"
ETC = "/etc/systemd/system"

#: Debian 12's libvirt-daemon-system socket units (9.0.0), as installed here: SocketMode=0666 on
#: libvirtd.socket and -ro, 0600 on -admin, virtlogd and virtlockd and their -admin; no mode on
#: -tcp/-tls (TCP ports)
SHIPPED = {
    "libvirtd.socket": "ListenStream=/run/libvirt/libvirt-sock\nSocketMode=0666\n",
    "libvirtd-ro.socket": "ListenStream=/run/libvirt/libvirt-sock-ro\nSocketMode=0666\n",
    "libvirtd-admin.socket": "ListenStream=/run/libvirt/libvirt-admin-sock\nSocketMode=0600\n",
    "libvirtd-tcp.socket": "ListenStream=16509\n",
    "libvirtd-tls.socket": "ListenStream=16514\n",
    "virtlogd.socket": "ListenStream=/run/libvirt/virtlogd-sock\nSocketMode=0600\n",
    "virtlogd-admin.socket": "ListenStream=/run/libvirt/virtlogd-admin-sock\nSocketMode=0600\n",
    "virtlockd.socket": "ListenStream=/run/libvirt/virtlockd-sock\nSocketMode=0600\n",
    "virtlockd-admin.socket": "ListenStream=/run/libvirt/virtlockd-admin-sock\nSocketMode=0600\n",
}


def _cat(dropins: dict[str, list[tuple[str, str]]] | None = None) -> tuple[str, int, str]:
    """`systemctl cat --no-pager SOCKET_UNITS`: the shipped units, each followed by its
    drop-ins (path, [Socket] body); the modular daemons' units are not installed."""
    out = []
    for unit, body in SHIPPED.items():
        out.append(f"# {LIB}/{unit}\n[Unit]\nDescription={unit}\n\n[Socket]\n{body}\n")
        for path, extra in (dropins or {}).get(unit, []):
            out.append(f"\n# {path}\n[Socket]\n{extra}\n")
    missing = "".join(
        f"No files found for {d}{k}.socket.\n"
        for d in LIBVIRT_DAEMONS[1:]
        for k in ("", "-ro", "-admin")
    )
    return "".join(out), 1, missing


UNITS = "libvirt-socket-unit-files"
AUTH_NONE = {
    "/etc/libvirt/libvirtd.conf": HARDENED_HOST["/etc/libvirt/libvirtd.conf"].replace(
        'auth_unix_rw = "polkit"', 'auth_unix_rw = "none"\nunix_sock_group = "libvirt"'
    ),
    "libvirt-sockets": (
        "660 root libvirt /run/libvirt/libvirt-sock\n600 root root /run/libvirt/libvirt-admin-sock\n",
        1,
    ),
}
WIDE = f"{ETC}/libvirtd.socket.d/override.conf"


@pytest.mark.parametrize(
    "dropins",
    [
        {
            "libvirtd.socket": [
                (WIDE, "SocketMode=0660"),
                (f"{ETC}/libvirtd.socket.d/zz.conf", "SocketMode=0666"),
            ]
        },
        {},
    ],
    ids=["later-drop-in-wins", "shipped-0666"],
)
def test_rw_socket_widened_for_the_next_start_fails(host_scan, dropins) -> None:
    """R21U-1 (false pass) HVA-132: auth_unix_rw = none, the live socket 0660, but the enabled
    libvirtd.socket creates it 0666 at its next start (systemd.socket(5): the last assignment
    wins; the shipped unit's SocketMode=0666 when no drop-in narrows it)."""
    a = host_scan({**AUTH_NONE, UNITS: _cat(dropins)})
    where = f"{ETC}/libvirtd.socket.d/zz.conf" if dropins else f"{LIB}/libvirtd.socket"
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}
    assert messages(a, "HVA-132") == {
        "hv1": "libvirtd.conf: auth_unix_rw = none, libvirtd.socket: SocketMode=0666 in "
        f"{where} (the socket's next start): any local user controls every VM"
    }


@pytest.mark.parametrize(
    ("dropin", "origin"),
    [
        (
            [(f"{ETC}/libvirtd-admin.socket.d/a.conf", "SocketMode=0666")],
            f"libvirtd-admin.socket: SocketMode=0666 in {ETC}/libvirtd-admin.socket.d/a.conf",
        ),
        (
            [(f"{ETC}/libvirtd-admin.socket.d/a.conf", "SocketMode=")],
            f"libvirtd-admin.socket: SocketMode=0600 in {LIB}/libvirtd-admin.socket",
        ),
    ],
    ids=["widened", "empty-ignored"],
)
def test_admin_socket_drop_in(host_scan, dropin, origin) -> None:
    """R21U-2 (false pass) HVA-132: libvirtd-admin.socket.d/a.conf SocketMode=0666 with the
    live admin socket 0600: the next start opens virt-admin to every local user. An empty or
    non-octal SocketMode= is ignored (conf-parser config_parse_mode), the shipped 0600 stays."""
    a = host_scan({UNITS: _cat({"libvirtd-admin.socket": dropin})})
    if "0666" in origin:
        assert outcomes(a, "HVA-132") == {"hv1": "fail"}
        assert messages(a, "HVA-132") == {
            "hv1": f"{origin} (the socket's next start): any local user administers the daemon "
            "through its admin socket (virt-admin: log outputs, client limits, TLS files)"
        }
    else:
        assert outcomes(a, "HVA-132") == {"hv1": "pass"}


def test_admin_unit_replaced_without_socket_mode_fails(host_scan) -> None:
    """R21U-2 (false pass): a unit file copied to /etc/systemd/system without SocketMode=
    replaces the shipped one; systemd.socket(5) SocketMode= "Defaults to 0666"."""
    text, rc, err = _cat()
    text = text.replace(
        f"# {LIB}/libvirtd-admin.socket\n[Unit]\nDescription=libvirtd-admin.socket\n\n[Socket]\n"
        "ListenStream=/run/libvirt/libvirt-admin-sock\nSocketMode=0600\n",
        f"# {ETC}/libvirtd-admin.socket\n[Unit]\nDescription=copied\n\n[Socket]\n"
        "ListenStream=/run/libvirt/libvirt-admin-sock\n",
    )
    a = host_scan({UNITS: (text, rc, err)})
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}
    assert messages(a, "HVA-132")["hv1"].startswith(
        "libvirtd-admin.socket sets no SocketMode= (systemd's default 0666; "
        f"{ETC}/libvirtd-admin.socket) (the socket's next start): any local user administers"
    )


def test_virtlogd_socket_widened_by_drop_in_fails(host_scan) -> None:
    """R21U-3 (false pass) HVA-132: virtlogd.socket.d/a.conf SocketMode=0666; virtlogd runs as
    root and opens any path a client names (R17H-6), and libvirtd.service Requires=
    virtlogd.socket, so the installed unit starts whatever its enablement."""
    path = f"{ETC}/virtlogd.socket.d/a.conf"
    a = host_scan({UNITS: _cat({"virtlogd.socket": [(path, "SocketMode=0666")]})})
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}
    assert messages(a, "HVA-132")["hv1"].startswith(
        f"virtlogd.socket: SocketMode=0666 in {path} (the socket's next start): any local user "
        "has virtlogd (root) open"
    )


def test_shipped_units_with_polkit_keep_the_pass(host_scan) -> None:
    """Held: the shipped units (libvirtd.socket 0666 is polkit's mode) pass unchanged."""
    a = host_scan({UNITS: _cat()})
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "pass"},
        {"hv1": "libvirtd.conf: auth_unix_rw = polkit"},
    )


def test_narrowing_drop_in_and_older_bundle_keep_the_pass(host_scan) -> None:
    """Held: a drop-in narrowing libvirtd.socket to 0660 passes, naming it; a bundle without
    the probe (conftest's baseline has none) keeps the live socket's verdict."""
    a = host_scan({**AUTH_NONE, UNITS: _cat({"libvirtd.socket": [(WIDE, "SocketMode=0660")]})})
    assert messages(a, "HVA-132") == {
        "hv1": "libvirtd.conf: auth_unix_rw = none, /run/libvirt/libvirt-sock is mode 660 root "
        f"libvirt, libvirtd.socket: SocketMode=0660 in {WIDE} (the socket's next start)"
    }
    old = host_scan(AUTH_NONE)
    assert (outcomes(old, "HVA-132"), messages(old, "HVA-132")) == (
        {"hv1": "pass"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = none, /run/libvirt/libvirt-sock is mode 660 root "
            "libvirt"
        },
    )


SYSTEMD_16514 = HARDENED_HOST["listeners"][0] + (
    "tcp   LISTEN 0      1000       0.0.0.0:16514     0.0.0.0:*    "
    'users:(("systemd",pid=1,fd=50))\n'
)


def test_tcp_unit_moved_onto_the_tls_port_is_cleartext(host_scan) -> None:
    """R21U-4 (false pass) HVA-030: libvirtd-tcp.socket.d/p.conf `ListenStream=` (reset) then
    `ListenStream=16514`, the unit started by hand (libvirt docs/remote.rst starts the -tcp and
    -tls units with `systemctl start`, so it is not enabled): systemd holds 16514 for the
    cleartext transport, which hvaudit took for TLS ("only TLS 16514 listening")."""
    path = f"{ETC}/libvirtd-tcp.socket.d/p.conf"
    a = host_scan(
        {
            "listeners": (SYSTEMD_16514, 0),
            UNITS: _cat({"libvirtd-tcp.socket": [(path, "ListenStream=\nListenStream=16514")]}),
        }
    )
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "fail"},
        {"hv1": "TCP 16514 listening with auth_tcp = 'sasl' (cleartext unless SASL encrypts)"},
    )


def test_tls_port_with_the_shipped_units_stays_tls(host_scan) -> None:
    """Held: the shipped -tcp unit (ListenStream=16509) leaves 16514 the TLS port."""
    a = host_scan({"listeners": (SYSTEMD_16514, 0), UNITS: _cat()})
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "pass"},
        {"hv1": "only TLS 16514 listening, client certificates verified"},
    )
