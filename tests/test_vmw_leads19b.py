"""Leads 19b, VMware (and one Linux host lead): the leads tests/test_vmw_leads19.py (L19-1V..8V)
and tests/test_redteam20_vmw_probes.py (V20-1/2) left. Sources read with `search`,
`find_string`, `read_file` and `fetch`; each finding's test failed on main before its fix.

Findings:

- L19-9V (false pass): HVA-202 (Linux) passed "ntpd running" for an ntp.conf whose only
  sources were the unspecified address (server 0.0.0.0, pool ::, server 0) or loopback in
  another inet_aton spelling (0x7f000001), beside or without the LOCAL driver; a family flag
  (`server -4 ADDR`) was read as the address. Linux sends to 0.0.0.0 / :: over loopback
  (net/ipv4/route.c, net/ipv6/udp.c). Now R17H-5's own-clock fail (parse.host._this_host).

(In progress: the rest of this round's docstring follows as findings land.)
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

# --- L19-9V: HVA-202 (Linux) and an ntp.conf server that is the unspecified address ----------------

NTPD = str(HARDENED_HOST["processes"][0]).replace(
    "_chrony   /usr/sbin/chronyd -F 1", "ntp      /usr/sbin/ntpd -p /run/ntpd.pid -g -u 106:112"
)
OWN = (
    "ntpd running, but its only time source is the host's own clock ({}): the clock runs free, "
    "steered by nothing outside the host"
)


@pytest.mark.parametrize(
    ("conf", "shown"),
    [
        ("server 0.0.0.0 iburst\n", "/etc/ntp.conf: server 0.0.0.0"),
        ("pool :: iburst\n", "/etc/ntp.conf: pool ::"),
        ("server 0\n", "/etc/ntp.conf: server 0"),
        (
            "server 127.127.1.0\nfudge 127.127.1.0 stratum 10\nserver -4 0.0.0.0\n",
            "/etc/ntp.conf: server 127.127.1.0; /etc/ntp.conf: server 0.0.0.0",
        ),
        (
            "server 0x7f000001\nserver [::ffff:0.0.0.0]\n",
            "/etc/ntp.conf: server 0x7f000001; /etc/ntp.conf: server [::ffff:0.0.0.0]",
        ),
    ],
    ids=["0.0.0.0", "pool-::", "0", "local-driver-and-flagged-0.0.0.0", "hex-loopback-mapped"],
)
def test_l19_9v_ntpd_with_the_unspecified_address_fails(host_scan, conf: str, shown: str) -> None:
    """L19-9V: was pass "ntpd running": R17H-5 read loopback (127.* written out) and the LOCAL
    driver as the host's own clock, but took 0.0.0.0, ::, "0" (0.0.0.0 to inet_aton(3), which
    glibc's getaddrinfo uses for a numeric name) and a loopback in another inet_aton spelling
    (0x7f000001) for time sources. Linux sends a datagram for an unspecified destination to
    the host itself (net/ipv4/route.c ip_route_output_key_hash_rcu: `if (!fl4->daddr)` ...
    `fl4->daddr = fl4->saddr = htonl(INADDR_LOOPBACK); dev_out = net->loopback_dev`;
    net/ipv6/udp.c "/* :: means loopback (BSD'ism) */"; read with `find_string`); RFC 1122
    3.2.1.3: 0.0.0.0 "MUST NOT be sent, except as a source address". Beside the LOCAL driver
    ntpd calls itself synchronised (NTPSynchronized=yes) to its own clock. ntpd's
    ntp_parser.y takes a family flag before the address ("address : ip_address |
    address_fam T_String", -4/-6), which was read as the address. Right: R17H-5's fail, naming
    the lines (as L19-2V for ESXi)."""
    a = host_scan({"processes": (NTPD, 0), "/etc/ntp.conf": conf})
    assert outcomes(a, "HVA-202") == {"hv1": "fail"}, messages(a, "HVA-202")
    assert messages(a, "HVA-202") == {"hv1": OWN.format(shown)}


@pytest.mark.parametrize(
    "conf",
    [
        "server 0.0.0.0\nserver ntp1.example.org iburst\n",
        "server -6 2001:db8::123\nserver 127.127.1.0\n",
        "server 0.debian.pool.ntp.org iburst\n",
    ],
    ids=["remote-beside-0.0.0.0", "flagged-remote", "pool-name-starting-0"],
)
def test_l19_9v_held_a_remote_source_keeps_the_pass(host_scan, conf: str) -> None:
    """Held: a remote server beside 0.0.0.0, a remote address after a family flag, and a pool
    name that starts with "0." (not an address to inet_aton) keep ntpd's pass."""
    a = host_scan({"processes": (NTPD, 0), "/etc/ntp.conf": conf})
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "pass"},
        {"hv1": "ntpd running"},
    )
