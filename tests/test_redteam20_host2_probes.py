"""Twentieth red-team review, host side, second team (rt20host2).

DOCSTRING-PLACEHOLDER
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

# --- HVA-030 / HVA-034: a daemon that opens TCP itself at its next start (R20H-3) ---------------

#: the hardened host's processes without libvirtd (stopped: it exits when idle, `--timeout 120`)
NO_LIBVIRTD = (
    HARDENED_HOST["processes"][0].replace("  700 root     /usr/sbin/libvirtd --timeout 120\n", ""),
    0,
)
#: libvirtd(8): "To revert to the traditional mode, all the socket unit files must be masked"
MASKED = (
    "".join(f"libvirtd{u}.socket masked masked\n" for u in ("", "-ro", "-admin", "-tcp", "-tls")),
    0,
)
PLAIN_TCP = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + (
    'listen_tcp = 1\nauth_tcp = "none"\nlisten_tls = 0\n'
)
PLAIN = "auth_tcp = 'none' (no authentication, cleartext) from the next start"
DROPIN = "/etc/systemd/system/libvirtd.service.d/override.conf"


@pytest.mark.parametrize(
    ("over", "where"),
    [
        # libvirt's src/remote/libvirtd.sysconf: `#LIBVIRTD_ARGS="--listen"`, "Listen for TCP/IP
        # connections"
        (
            {"/etc/default/libvirtd": 'LIBVIRTD_ARGS="--listen"\n'},
            "LIBVIRTD_ARGS='--listen' in /etc/default/libvirtd",
        ),
        # a short option cluster (getopt "ldf:p:t:vVh") and a running libvirtd started before
        # the change: the next start listens
        (
            {"/etc/default/libvirtd": 'LIBVIRTD_ARGS="-vl --timeout 120"\n', "processes": None},
            "LIBVIRTD_ARGS='-vl --timeout 120' in /etc/default/libvirtd",
        ),
        (
            {
                "libvirt-units": (
                    HARDENED_HOST["libvirt-units"][0]
                    + f"\n# {DROPIN}\n[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd --lis\n",
                    1,
                    "No files found for virtqemud.service.\n",
                )
            },
            f"ExecStart= in {DROPIN}",
        ),
    ],
)
def test_listen_with_masked_sockets_opens_tcp_at_the_next_start(host_scan, over, where) -> None:
    """R20H-3 (false pass) HVA-030: with its socket units masked libvirtd runs in the
    traditional mode, and "If the --listen parameter is given, it will also listen on TCP/IP
    socket(s), according to the listen_tcp and listen_tls options" (libvirt
    docs/manpages/libvirtd.rst, SYSTEM SOCKET ACTIVATION; src/remote/remote_daemon.c
    daemonSetupNetworking `(ipsock && config->listen_tcp)`). libvirtd stopped (or started
    before the change), neither a listener nor an enabled -tcp socket unit shows it: hvaudit
    passed "listens on local UNIX sockets only". The unit's ExecStart= with $LIBVIRTD_ARGS from
    /etc/default/libvirtd, or a drop-in's, is libvirtd's next command line."""
    over = dict(over)
    processes = over.pop("processes", NO_LIBVIRTD)
    a = host_scan(
        {
            "libvirt-socket-units": MASKED,
            "/etc/libvirt/libvirtd.conf": PLAIN_TCP,
            **({"processes": processes} if processes else {}),
            **over,
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}
    assert messages(a, "HVA-030") == {
        "hv1": f"libvirtd starts with --listen ({where}), its socket units masked: TCP 16509 "
        f"with listen_tcp = 1 and {PLAIN}"
    }


def test_virtproxyd_with_masked_sockets_listens_without_listen(host_scan) -> None:
    """R20H-3 (false pass) HVA-030: virtproxyd has no --listen; "we initialized ipsock == 1 by
    default with virtproxyd. When using systemd activation though, we clear ipsock"
    (remote_daemon.c), so with virtproxyd.socket masked its listen_tcp = 1 opens TCP 16509."""
    units = (
        "virtproxyd.socket masked masked\nvirtproxyd-ro.socket masked masked\n"
        "virtproxyd-admin.socket masked masked\nvirtproxyd-tcp.socket disabled disabled\n",
        0,
    )
    a = host_scan(
        {
            "processes": NO_LIBVIRTD,
            "libvirt-socket-units": units,
            "/etc/libvirt/virtproxyd.conf": 'listen_tcp = 1\nauth_tcp = "none"\n',
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}
    assert messages(a, "HVA-030") == {
        "hv1": "virtproxyd.socket masked (virtproxyd listens itself): TCP 16509 with listen_tcp "
        "= 1 and auth_tcp = 'none' (virtproxyd.conf) (no authentication, cleartext) from the "
        "next start"
    }


def test_listen_opens_tls_by_default(host_scan) -> None:
    """R20H-3 (wrong n/a) HVA-034 and wording HVA-030: listen_tls is 1 by default for libvirtd
    (libvirtd.conf.in, remote_daemon_config.c), so `--listen` with masked sockets opens TLS
    16514 at the next start: HVA-034 judged "no libvirt TLS listener" (n/a) and HVA-030 said
    "local UNIX sockets only". The DN list is now judged, and HVA-030 names TLS."""
    a = host_scan(
        {
            "processes": NO_LIBVIRTD,
            "libvirt-socket-units": MASKED,
            "/etc/default/libvirtd": 'LIBVIRTD_ARGS="--listen"\n',
        }
    )
    assert outcomes(a, "HVA-034") == {"hv1": "fail"}
    assert messages(a, "HVA-034") == {
        "hv1": "TLS listener admits any certificate the CA signed (no tls_allowed_dn_list, "
        "auth_tls = none in libvirtd.conf)"
    }
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    assert messages(a, "HVA-030") == {
        "hv1": "no TCP listener; TLS from the next start (an enabled -tls socket unit or "
        "listen_tls), client certificates verified"
    }


@pytest.mark.parametrize(
    "over",
    [
        # socket activation: libvirtd.service Requires=libvirtd.socket, and --listen is then
        # fatal ("--listen parameter not permitted with systemd activation sockets")
        {"/etc/default/libvirtd": 'LIBVIRTD_ARGS="--listen"\n'},
        # masked, no --listen
        {"libvirt-socket-units": MASKED, "processes": NO_LIBVIRTD},
        # masked, -l is the value of -t here
        {
            "libvirt-socket-units": MASKED,
            "processes": NO_LIBVIRTD,
            "/etc/default/libvirtd": 'LIBVIRTD_ARGS="-t -l"\n',
        },
    ],
)
def test_no_traditional_listener_keeps_the_pass(host_scan, over) -> None:
    """Held (R20H-3's edges): sockets not masked (socket activation refuses --listen), or no
    --listen with them masked, opens no TCP port."""
    a = host_scan({"/etc/libvirt/libvirtd.conf": PLAIN_TCP, **over})
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    assert messages(a, "HVA-030") == {"hv1": "libvirt listens on local UNIX sockets only"}
