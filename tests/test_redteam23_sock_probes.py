"""Twenty-third red-team review, libvirt's sockets and listeners (rt23sock).

Harness: as tests/test_redteam22_sock_probes.py: libvirt's test driver serves the VMs, host
evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where a probe
says so) through the real collector, parser and engine; `systemctl cat` of the socket units is
test_redteam21_sock_probes._cat (Debian 12's libvirt 9.0.0 units, with drop-ins), the accounts
are test_redteam22_sock_probes.SUSE_USERS (alice, bob, carol, primary group users, gid 100).

Findings (ID-n):
- R23U-1 (false pass) HVA-132: a group-writable libvirt socket whose group holds every local
  account passed when the group was not spelled as a name: a socket unit's SocketUser= without
  SocketGroup= (the group not looked up: "") and a numeric SocketGroup=100 or libvirtd.conf
  unix_sock_group = "100" / "+100" (no /etc/group entry of that name). systemd.socket(5)
  (read with `find_string`): "If only a user is specified but no group, then the group is
  derived from the user's default group"; systemd src/basic/user-util.c get_group_creds (read
  with `find_string`): "if (parse_gid(*groupname, &id) >= 0) { ... g = getgrgid(id);"; libvirt
  src/util/virutil.c virGetGroupID (read with `find_string`): "parse `group` first as a group
  name and then as a group id. However if `group` contains a leading '+', the rest of the
  string is always parsed as a guid". Now SocketUser= (a name or uid) without SocketGroup=
  takes that account's passwd gid, and a numeric group is the /etc/group entry of that gid (or
  that gid alone, its primary-group members): a group of every local account fails as R22U-3's
  named one does, the derivation named in the message.
- R23U-2 (false n/a; wrong fail) HVA-035: tcp_min_ssf was judged only where a TCP listener was
  up or a -tcp unit enabled, not for the plain TCP listeners HVA-030 fails from the next start:
  a -tcp unit pulled in by a drop-in on the daemon's service (R22S-1, systemd.unit(5) Requires=
  "the units listed here will be activated as well", read with `search` in round 22) and
  libvirtd's --listen with its socket units masked (R20H-3, libvirtd(8) "If the --listen
  parameter is given, it will also listen on TCP/IP socket(s), according to the listen_tcp and
  listen_tls options") were "libvirt does not listen on TCP 16509" (not applicable) over
  libvirt's default tcp_min_ssf 56; and an enabled -tcp unit whose drop-in resets ListenStream=
  to nothing (src/core/socket.c socket_verify "Unit has no Listen setting ... Refusing.",
  R22S-2, read with `find_string` in round 22) still failed. Now HVA-035 and HVA-030 share one
  reading (hvaudit.checks.management.tcp_at_next_start): the first two fail "... from the next
  start (<why>)", the third is not applicable; --listen not read is a question.

Held (kept as tests): SocketUser=bob without SocketGroup= where bob's default group is his own
keeps the pass (its message now names the derivation); a masked -tcp unit wanted by the service
keeps HVA-035 not applicable.

Probed by script, not kept: `systemctl add-wants libvirtd.service libvirtd-tcp.socket` (a link
in /etc/systemd/system/libvirtd.service.wants/, round 22's lead): systemd 252's `systemctl
--root=DIR list-unit-files` here reports the unit "enabled" for that link (and for a link in
multi-user.target.wants/), so HVA-030 already fails it as an enabled -tcp unit; a link under
/usr/lib/systemd/system/libvirtd.service.wants/ reports "static" (vendor directory, not an
administrator's path).

Tally: 10 cases in 7 test functions; 9 failed before their fixes (R23U-1's 5 verdicts and the
held case's message on main fcd8937, R23U-2's 3 on main 7af82b4).

Leads left (not settled in the time):
- HVA-030/035: a -tcp unit's ListenStream= on 127.0.0.1 (local users only unless route_localnet)
  and a non-default port still fail as "TCP 16509" from the next start (wording; possibly HVA-132's
  every-local-user case rather than HVA-030's).
- HVA-035: mechanisms other than digest-md5 with a weak layer (kerberos_v4, srp) not listed.
- HVA-030/035: `systemctl cat` of the services (libvirt-units) exiting 1 with only an error
  ("Failed to connect to bus: Access denied", no "# PATH" text) is read as libvirtd.service
  without --listen, so masked units + listen_tcp = 1 passed HVA-030 in a script probe; rc 1 is
  also its normal exit for a missing unit, so telling the two apart needs the stderr read.
  HVA-035's new question for --listen not read (R23U-2) has no test yet.
- HVA-132: a non-root SocketUser= (that account owns the socket and reaches it through the
  owner bits) is not judged; group members from a directory (nsswitch sss/ldap) are not read.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam20_host2_probes import MASKED, NO_LIBVIRTD
from test_redteam21_sock_probes import AUTH_NONE, ETC, UNITS, _cat
from test_redteam22_sock2_probes import DROPIN, _units
from test_redteam22_sock_probes import EVERYONE, SUSE_USERS, _states

CONF = "/etc/libvirt/libvirtd.conf"


@pytest.mark.parametrize(
    ("owner", "why"),
    [
        ("SocketUser=alice", ", SocketUser=alice without SocketGroup= (the user's default group)"),
        ("SocketUser=1000", ", SocketUser=1000 without SocketGroup= (the user's default group)"),
        ("SocketGroup=100", ", SocketGroup=100"),
    ],
    ids=["user-name", "user-uid", "numeric-group"],
)
def test_socket_owner_resolving_to_a_group_of_everyone_fails(host_scan, owner, why) -> None:
    """R23U-1 (false pass) HVA-132: auth_unix_rw = none, a drop-in SocketMode=0660 with
    SocketUser=alice (or uid 1000) and no SocketGroup=, or SocketGroup=100: the socket's group
    at the next start is users (gid 100), every account's primary group, so every local user
    connects (unix(7): connect needs write permission). systemd.socket(5): "If only a user is
    specified but no group, then the group is derived from the user's default group";
    get_group_creds parses a numeric gid (parse_gid, getgrgid). hvaudit passed the 0660."""
    path = f"{ETC}/libvirtd.socket.d/o.conf"
    a = host_scan(
        {
            **AUTH_NONE,
            **SUSE_USERS,
            UNITS: _cat({"libvirtd.socket": [(path, f"SocketMode=0660\n{owner}")]}),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "fail"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = none, libvirtd.socket: SocketMode=0660 in "
            f"{path} (the socket's next start){why}: {EVERYONE}: any local user controls every VM"
        },
    )


@pytest.mark.parametrize("group", ["100", "+100"])
def test_numeric_unix_sock_group_of_everyone_fails(host_scan, group) -> None:
    """R23U-1 (false pass) HVA-132: no socket unit and no live socket (the traditional mode, the
    daemon stopped), auth_unix_rw = none, unix_sock_rw_perms = "0770" and unix_sock_group = "100"
    or "+100": libvirt's virGetGroupID takes "100" as a gid when no group has that name and
    "+100" always ("the rest of the string is always parsed as a guid"): users, every
    account's primary group. hvaudit looked "100" up as a group name and passed."""
    conf = AUTH_NONE[CONF].replace('unix_sock_group = "libvirt"', f'unix_sock_group = "{group}"')
    a = host_scan(
        {
            CONF: conf + 'unix_sock_rw_perms = "0770"\n',
            **SUSE_USERS,
            "libvirt-sockets": ("", 1, "stat: cannot statx: No such file or directory\n"),
            "libvirt-socket-units": ("", 0),
            UNITS: ("", 1, "No files found\n"),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "fail"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = none, unix_sock_rw_perms = 0770, "
            f"unix_sock_group = {group}: {EVERYONE}: any local user controls every VM"
        },
    )


def test_socket_user_whose_own_group_holds_no_one_keeps_the_pass(host_scan) -> None:
    """Held: SocketUser=bob without SocketGroup= where bob's default group is his own (gid
    1001, no members): only bob and root reach the 0660 socket; pass, naming the derivation.
    nsswitch's group line is `files` alone: with a directory in it (conftest's `files sss`)
    getgrgid may find a group of gid 1001 there whose members are unread (R41A-1 asks)."""
    path = f"{ETC}/libvirtd.socket.d/o.conf"
    users = {
        **SUSE_USERS,
        "/etc/nsswitch.conf": "passwd: files\ngroup: files\n",
        "/etc/passwd": SUSE_USERS["/etc/passwd"].replace("bob:x:1001:100:", "bob:x:1001:1001:"),
    }
    a = host_scan(
        {
            **AUTH_NONE,
            **users,
            UNITS: _cat({"libvirtd.socket": [(path, "SocketMode=0660\nSocketUser=bob")]}),
        }
    )
    assert (outcomes(a, "HVA-132"), messages(a, "HVA-132")) == (
        {"hv1": "pass"},
        {
            "hv1": "libvirtd.conf: auth_unix_rw = none, /run/libvirt/libvirt-sock is mode 660 "
            f"root libvirt, libvirtd.socket: SocketMode=0660 in {path} (the socket's next "
            "start), SocketUser=bob without SocketGroup= (the user's default group)"
        },
    )


# --- HVA-035: the plain TCP listeners of the next start, as HVA-030 reads them ------------------

DEFAULT_SSF = "TCP transport weaker than SSF 112 from the next start ({}): libvirtd.conf: " + (
    "tcp_min_ssf = 56 (default)"
)


def test_pulled_tcp_unit_is_judged_for_its_ssf(host_scan) -> None:
    """R23U-2 (false n/a) HVA-035: libvirtd-tcp.socket disabled but wanted by a drop-in on
    libvirtd.service (R22S-1: systemd.unit(5) "the units listed here will be activated as
    well"), auth_tcp = sasl and tcp_min_ssf at libvirt's default 56 (remote_daemon_config.c
    daemonConfigNew): HVA-030 failed the listener of the next start, but HVA-035 said "libvirt
    does not listen on TCP 16509" (not applicable) and so never judged its weak SSF."""
    a = host_scan({"libvirt-units": _units("Wants"), "libvirt-socket-units": _states()})
    assert (outcomes(a, "HVA-035"), messages(a, "HVA-035")) == (
        {"hv1": "fail"},
        {
            "hv1": DEFAULT_SSF.format(
                f"libvirtd-tcp.socket pulled in by libvirtd.service Wants= in {DROPIN}"
            )
        },
    )


def test_listen_with_masked_units_is_judged_for_its_ssf(host_scan) -> None:
    """R23U-2 (false n/a) HVA-035: libvirtd's socket units masked and LIBVIRTD_ARGS="--listen"
    with listen_tcp = 1, libvirtd stopped: libvirtd(8) "If the --listen parameter is given, it
    will also listen on TCP/IP socket(s), according to the listen_tcp and listen_tls options"
    (R20H-3, which HVA-030 fails); HVA-035 said not applicable."""
    a = host_scan(
        {
            "libvirt-socket-units": MASKED,
            "processes": NO_LIBVIRTD,
            "/etc/default/libvirtd": 'LIBVIRTD_ARGS="--listen"\n',
            CONF: HARDENED_HOST[CONF] + "listen_tcp = 1\nlisten_tls = 0\n",
        }
    )
    assert (outcomes(a, "HVA-035"), messages(a, "HVA-035")) == (
        {"hv1": "fail"},
        {
            "hv1": DEFAULT_SSF.format(
                "libvirtd starts with --listen (LIBVIRTD_ARGS='--listen' in "
                "/etc/default/libvirtd), its socket units masked"
            )
        },
    )


def test_enabled_tcp_unit_with_no_listen_stream_is_not_judged(host_scan) -> None:
    """R23U-2 (wrong fail) HVA-035: libvirtd-tcp.socket enabled, but a drop-in's empty
    `ListenStream=` leaves it no address: systemd refuses to load it (src/core/socket.c
    socket_verify: "Unit has no Listen setting ... Refusing.", R22S-2), so nothing listens on
    TCP and HVA-030 passes; HVA-035 still failed "auth_tcp = 'none', no SASL encryption"."""
    a = host_scan(
        {
            "libvirt-socket-units": _states(libvirtd_tcp="enabled"),
            CONF: HARDENED_HOST[CONF] + 'auth_tcp = "none"\n',
            UNITS: _cat(
                {
                    "libvirtd-tcp.socket": [
                        (f"{ETC}/libvirtd-tcp.socket.d/off.conf", "ListenStream=")
                    ]
                }
            ),
        }
    )
    assert (outcomes(a, "HVA-035"), messages(a, "HVA-035")) == (
        {"hv1": "not_applicable"},
        {"hv1": "libvirt does not listen on TCP 16509"},
    )


def test_masked_pulled_tcp_unit_keeps_not_applicable(host_scan) -> None:
    """Held HVA-035: the same Wants= with libvirtd-tcp.socket masked never starts (systemctl(1)
    mask), so no TCP transport is there to judge."""
    a = host_scan(
        {"libvirt-units": _units("Wants"), "libvirt-socket-units": _states(libvirtd_tcp="masked")}
    )
    assert (outcomes(a, "HVA-035"), messages(a, "HVA-035")) == (
        {"hv1": "not_applicable"},
        {"hv1": "libvirt does not listen on TCP 16509"},
    )
