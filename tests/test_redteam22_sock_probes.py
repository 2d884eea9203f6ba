"""Twenty-second red-team review, libvirt's daemons, their files and socket units (rt22sock).

Harness: as tests/test_redteam21_sock_probes.py: libvirt's test driver serves the VMs, host
evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where a probe
says so) through the real collector, parser and engine; `systemctl cat` of the socket units is
that file's `_cat` (Debian 12's libvirt 9.0.0 units, with drop-ins), `systemctl list-unit-files`
is given per probe.

Findings (ID-n):
- R22U-1 (false pass) HVA-132: a libvirtd.socket or libvirtd-admin.socket whose drop-in widens
  SocketMode= to 0666 was judged for its next start only when `systemctl list-unit-files` said
  enabled; a disabled (not masked) unit starts with its daemon's service anyway. libvirt
  src/remote/libvirtd.service.in (read with `read_file`, libvirt/libvirt 0366c3a3):
  "Requires=libvirtd.socket / Requires=libvirtd-ro.socket / Requires=libvirtd-admin.socket",
  and its [Install] has "Also=libvirtd.socket", "Also=libvirtd-ro.socket" but no -admin, so
  `systemctl enable libvirtd` leaves libvirtd-admin.socket disabled; Debian 12's 9.0.0 unit
  installed here has "Wants=libvirtd.socket ... Wants=libvirtd-admin.socket" ("Use Wants
  instead of Requires so that users can disable these three .socket units"); virtproxyd.service.in
  "Requires=virtproxyd.socket / -ro / -admin". Reverting to the traditional mode masks them
  (libvirtd(8) SYSTEM SOCKET ACTIVATION; `search` docs). Now the units of the daemons in use
  are judged for their next start unless `list-unit-files` says masked; and (wrong fail) a
  disabled, unmasked -admin unit no longer lets the file's unix_sock_admin_perms fail (the
  daemon takes the unit's socket: "not honoured under socket activation").

- R22U-2 (false pass) HVA-034: auth_tls = sasl over gssapi passed "sasl_allowed_username_list
  ['admin@EXAMPLE.COM', '*']" and "['*@EXAMPLE.COM']" as a restriction: the list counted as
  open only when every entry was a wildcard, and a realm with a wildcard user part as a name.
  libvirt admits a name any entry matches (virNetSASLContextCheckIdentity with
  g_pattern_match_simple), and libvirtd.conf.in (read with `find_string`): "Kerberos
  usernames look like username@REALM ... This list may contain wildcards such as
  "*@EXAMPLE.COM"": any principal of the realm, as with no list (HL13-1's fail). Now one
  entry matching every name, or every user of a realm with a Kerberos mechanism, fails naming
  it (hvaudit.checks._libvirt.sasl_clients; HVA-132's and HVA-030's SASL readings share it).

- R22U-3 (false pass) HVA-132: auth_unix_rw = none with the read-write socket 0660 root:users
  (live, or a drop-in's SocketMode=0660 + SocketGroup=users for the next start) passed on the
  mode alone, though every local login account has users as its primary group (SUSE's
  useradd, R9H-3). connect(2) needs write permission (unix(7)); systemd.socket(5)
  SocketUser=/SocketGroup= (read with `search`): "all AF_UNIX sockets ... are owned by the
  specified user and group. If unset (the default), the nodes are owned by the root
  user/group". Now a group-writable socket whose group holds every local account of uid 1000
  and up (primary group or listed member, at least two) fails naming them, on the read-write,
  admin, virtlogd and virtlockd sockets alike; SocketUser= without SocketGroup= (the user's
  default group) is not judged.

Held (kept as tests): a masked libvirtd-admin.socket with a widening drop-in keeps the pass;
"*@EXAMPLE.COM" over scram-sha-256 and libvirt's sasldb keeps the pass; a 0660 socket whose
group holds no one keeps the pass.

Probed by script, not kept: libvirt's reader keeps a key set twice at its FIRST value
(hvaudit.parse.libvirt_conf.parse_conf, virconf.c virConfGetValue), already right.

Tally: 12 cases in 10 test functions; 9 failed before their fixes (R22U-1's 3 on main 506cbea,
R22U-2's 2 on main bbf7e01, R22U-3's 2 on main 41bb052, the admin/virtlogd group and the
admin-perms wrong fail on main 7cbdb07).

Leads left (not settled in the time):
- A -tcp/-tls socket unit pulled in by a drop-in on the daemon's service (libvirtd.service.d
  `Wants=libvirtd-tcp.socket`) is not judged from its next start; only its enablement or a
  live listener is (the libvirt-units probe has the service's text).
- HVA-030: an enabled -tcp unit whose ListenStream= is reset to nothing (systemd starts no
  such socket) still fails "TCP 16509 ... from the next start" (a wrong fail); a -tcp unit's
  loopback ListenStream= address and non-default port are still not used in the wording.
- HVA-132: SocketUser= without SocketGroup= (the group is the user's default group) and a
  non-root SocketUser= (that account owns the socket) are not judged; group members from a
  directory (nsswitch sss/ldap) are not read for R22U-3.
- HVA-201 (audit_level/audit_logging) and HVA-213 (log outputs) were not reached.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam12_host_probes import _TLS_LISTEN
from test_redteam21_sock_probes import AUTH_NONE, ETC, UNITS, _cat


def _states(**states: str) -> tuple[str, int]:
    """`systemctl list-unit-files --no-legend --no-pager libvirtd*.socket virtproxyd*.socket`:
    the conftest baseline's units, each in the state given (UNIT_STATE or default enabled)."""
    base = {
        "libvirtd.socket": "enabled",
        "libvirtd-ro.socket": "enabled",
        "libvirtd-admin.socket": "enabled",
        "libvirtd-tcp.socket": "disabled",
        "libvirtd-tls.socket": "disabled",
    }
    for k, v in states.items():
        base[k.replace("_", "-") + ".socket"] = v
    return "".join(f"{u:22} {st} enabled\n" for u, st in base.items()), 0


@pytest.mark.parametrize("state", ["disabled", "static"])
def test_disabled_rw_unit_started_by_the_service_is_judged(host_scan, state) -> None:
    """R22U-1 (false pass) HVA-132: auth_unix_rw = none, the live socket 0660, libvirtd.socket
    not enabled but pulled in by libvirtd.service (Requires=/Wants=libvirtd.socket), a drop-in
    SocketMode=0666: the next start of libvirtd opens the socket to every local user."""
    path = f"{ETC}/libvirtd.socket.d/zz.conf"
    a = host_scan(
        {
            **AUTH_NONE,
            "libvirt-socket-units": _states(libvirtd=state),
            UNITS: _cat({"libvirtd.socket": [(path, "SocketMode=0666")]}),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "fail"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = none, libvirtd.socket: SocketMode=0666 in "
            f"{path} (the socket's next start): any local user controls every VM"
        },
    )


def test_disabled_admin_unit_started_by_the_service_is_judged(host_scan) -> None:
    """R22U-1 (false pass) HVA-132: libvirtd-admin.socket disabled (libvirtd.service.in's
    [Install] has no Also=libvirtd-admin.socket, so `systemctl enable libvirtd` leaves it so)
    with a drop-in SocketMode=0666 while the live admin socket is 0600: libvirtd.service
    Requires= (Debian: Wants=) it, so the next start hands virt-admin to every local user."""
    path = f"{ETC}/libvirtd-admin.socket.d/a.conf"
    a = host_scan(
        {
            "libvirt-socket-units": _states(libvirtd_admin="disabled"),
            UNITS: _cat({"libvirtd-admin.socket": [(path, "SocketMode=0666")]}),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "fail"},
        {
            "hv1": f"libvirtd-admin.socket: SocketMode=0666 in {path} (the socket's next "
            "start): any local user administers the daemon through its admin socket "
            "(virt-admin: log outputs, client limits, TLS files)"
        },
    )


def test_masked_admin_unit_keeps_the_pass(host_scan) -> None:
    """Held: a masked libvirtd-admin.socket never starts (systemctl(1) mask links it to
    /dev/null), so its drop-in's 0666 is not the next start's mode."""
    path = f"{ETC}/libvirtd-admin.socket.d/a.conf"
    a = host_scan(
        {
            "libvirt-socket-units": _states(libvirtd_admin="masked"),
            UNITS: _cat({"libvirtd-admin.socket": [(path, "SocketMode=0666")]}),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "pass"},
        {"hv1": "libvirtd.conf: auth_unix_rw = polkit"},
    )


# --- HVA-034: sasl_allowed_username_list entries that fix no user name -----------------------

CONF = "/etc/libvirt/libvirtd.conf"
KRB = HARDENED_HOST[CONF] + 'listen_tls = 1\nauth_tls = "sasl"\n'
TLS_UP = {"listeners": (_TLS_LISTEN, 0)}


@pytest.mark.parametrize(
    ("entries", "entry"),
    [('"admin@EXAMPLE.COM", "*"', "*"), ('"*@EXAMPLE.COM"', "*@EXAMPLE.COM")],
    ids=["star-beside-a-name", "realm-wildcard"],
)
def test_username_list_entry_admitting_the_realm_fails(host_scan, entries, entry) -> None:
    """R22U-2 (false pass) HVA-034: auth_tls = sasl, shipped `mech_list: gssapi`, no DN list,
    and a sasl_allowed_username_list with an entry that fixes no user name. libvirt admits a
    name any entry matches (virNetSASLContextCheckIdentity, g_pattern_match_simple), so `"*"`
    beside a name admits everyone, and libvirtd.conf.in's own example "*@EXAMPLE.COM" ("This
    list may contain wildcards such as "*@EXAMPLE.COM""; "Kerberos usernames look like
    username@REALM", read with `find_string`) admits every principal of the realm: the same
    as no list, which fails (HL13-1). The old code counted the list as a restriction when
    not every entry was a wildcard, and any "@REALM" as a fixed name."""
    a = host_scan({CONF: KRB + f"sasl_allowed_username_list = [ {entries} ]\n", **TLS_UP})
    assert (outcomes(a, "HVA-034"), messages(a, "HVA-034")) == (
        {"hv1": "fail"},
        {
            "hv1": "TLS listener admits any principal of the Kerberos realm (libvirtd.conf: "
            "auth_tls = sasl (any certificate the CA signed), /etc/sasl2/libvirt.conf mech_list "
            "gssapi: any principal of the Kerberos realm (sasl_allowed_username_list entry "
            f"{entry!r} in libvirtd.conf admits every user name))"
        },
    )


def test_realm_wildcard_over_sasldb_passwords_keeps_the_pass(host_scan) -> None:
    """Held: "*@EXAMPLE.COM" over a password mechanism and libvirt's own sasldb admits the
    accounts added to it one by one (libvirtd.sasl: "saslpasswd2 -a libvirt [username]"), as
    without a list."""
    a = host_scan(
        {
            CONF: KRB + 'sasl_allowed_username_list = [ "*@EXAMPLE.COM" ]\n',
            "/etc/sasl2/libvirt.conf": "mech_list: scram-sha-256\n",
            **TLS_UP,
        }
    )
    assert (outcomes(a, "HVA-034"), messages(a, "HVA-034")) == (
        {"hv1": "pass"},
        {
            "hv1": "TLS clients restricted: auth_tls = sasl (libvirtd.conf; SASL scram-sha-256, "
            "sasl_allowed_username_list ['*@EXAMPLE.COM'] (libvirtd.conf))"
        },
    )


# --- HVA-132: a group-writable socket whose group holds every local account --------------------

SUSE_USERS = {
    "/etc/passwd": HARDENED_HOST["/etc/passwd"].replace("alice:x:1000:1000:", "alice:x:1000:100:")
    + "bob:x:1001:100:Bob:/home/bob:/bin/bash\ncarol:x:1002:100:Carol:/home/carol:/bin/bash\n",
    "/etc/group": HARDENED_HOST["/etc/group"] + "users:x:100:\n",
}
EVERYONE = (
    "group users (gid 100) holds every local login account of uid 1000 and up (alice, bob, carol)"
)


def test_socket_group_of_every_account_fails(host_scan) -> None:
    """R22U-3 (false pass) HVA-132: auth_unix_rw = none and the live socket 0660 root:users on a
    host whose useradd gives every account the primary group users (SUSE, R9H-3): connect(2)
    needs write permission (unix(7)), which every account has through its primary group, so
    the socket is as open as 0666. hvaudit passed "mode 660 root users"."""
    a = host_scan(
        {
            **AUTH_NONE,
            **SUSE_USERS,
            "libvirt-sockets": ("660 root users /run/libvirt/libvirt-sock\n", 1),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "fail"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = none, /run/libvirt/libvirt-sock is mode 660 "
            f"root users: {EVERYONE}: any local user controls every VM"
        },
    )


def test_socket_group_drop_in_of_every_account_fails(host_scan) -> None:
    """R22U-3 (false pass) HVA-132: the live socket 0660 root:libvirt, but a drop-in
    SocketMode=0660 SocketGroup=users gives the socket to every account at the unit's next
    start (systemd.socket(5) SocketGroup=: "all AF_UNIX sockets ... are owned by the specified
    user and group", read with `search`)."""
    path = f"{ETC}/libvirtd.socket.d/g.conf"
    a = host_scan(
        {
            **AUTH_NONE,
            **SUSE_USERS,
            UNITS: _cat({"libvirtd.socket": [(path, "SocketMode=0660\nSocketGroup=users")]}),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "fail"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = none, libvirtd.socket: SocketMode=0660 in "
            f"{path} (the socket's next start), SocketGroup=users: {EVERYONE}: any local user "
            "controls every VM"
        },
    )


def test_socket_group_of_named_members_keeps_the_pass(host_scan) -> None:
    """Held: the same host, the socket 0660 root:libvirt, libvirt's group naming no one and
    no one's primary group: pass, as before."""
    a = host_scan({**AUTH_NONE, **SUSE_USERS})
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "pass"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = none, /run/libvirt/libvirt-sock is mode 660 "
            "root libvirt"
        },
    )


def test_admin_and_virtlogd_sockets_of_every_account_fail(host_scan) -> None:
    """R22U-3 (false pass) HVA-132, the same class on the sockets without authentication of
    their own: the admin socket live 0660 root:users (virt-admin for every account), and
    virtlogd.socket's drop-in SocketMode=0660 SocketGroup=users (virtlogd runs as root and
    checks no client identity, R17H-6)."""
    path = f"{ETC}/virtlogd.socket.d/g.conf"
    a = host_scan(
        {
            **SUSE_USERS,
            "libvirt-sockets": (
                "777 root root /run/libvirt/libvirt-sock\n"
                "660 root users /run/libvirt/libvirt-admin-sock\n",
                1,
            ),
            UNITS: _cat({"virtlogd.socket": [(path, "SocketMode=0660\nSocketGroup=users")]}),
        }
    )
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}
    assert messages(a, "HVA-132")["hv1"].split("; ") == [
        f"/run/libvirt/libvirt-admin-sock is mode 660 root users: {EVERYONE}: any local user "
        "administers the daemon through its admin socket (virt-admin: log outputs, client "
        "limits, TLS files)",
        f"virtlogd.socket: SocketMode=0660 in {path} (the socket's next start), "
        f"SocketGroup=users: {EVERYONE}: "
        "any local user has virtlogd (root) open, read and append to any file it names "
        "(log_daemon_dispatch.c takes the path from the client and checks no identity)",
    ]


def test_admin_perms_ignored_under_a_disabled_admin_unit(host_scan) -> None:
    """R22U-1 (wrong fail) HVA-132: unix_sock_admin_perms = "0777" with libvirtd-admin.socket
    disabled but installed and not masked: libvirtd.service starts it (Requires=/Wants=) and
    the daemon takes the admin socket from systemd, so the file's perms do not apply ("not
    honoured under socket activation"); the unit's SocketMode=0600 does. Was a fail on the
    file's perms because the unit was not enabled."""
    conf = HARDENED_HOST[CONF] + 'unix_sock_admin_perms = "0777"\n'
    a = host_scan(
        {
            CONF: conf,
            "libvirt-socket-units": _states(libvirtd_admin="disabled"),
            UNITS: _cat(),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "pass"},
        {"hv1": "libvirtd.conf: auth_unix_rw = polkit"},
    )
