"""Twenty-fourth red-team review: syslog-ng and journal-upload forwarding to the host itself
(rt24log2).

Harness: libvirt's test driver serves one plain VM; host evidence comes from `ReplayRunner`
(conftest's hardened Debian host, changed only where a probe says so), through the real
collector, bundle, parser and engine. For syslog-ng the `processes` probe runs
`/usr/sbin/syslog-ng -F` in place of rsyslogd and `rsyslog-config` is not collected (as
tests/test_redteam23_log_probes.py does); for systemd-journal-upload it runs beside nothing
else that forwards, with /etc/systemd/journal-upload.conf holding the URL (as
tests/test_host_leads15.py does).

Findings (ID-n):
- R24G-1 (false pass) HVA-200: rsyslog's TLS forwarding to the host itself is asked (R24L-7,
  R24L-10), but a syslog-ng network()/syslog() destination with transport("tls") to 127.0.0.1,
  localhost, ::1 or the host's own name, and a systemd-journal-upload URL= on the host itself
  (`https://localhost:19532`, a bare `127.0.0.1`, `[::1]`), passed "logs forwarded over TLS
  to ..." as a remote log server; the logs stay on the host unless what listens there relays
  them. Sources (found with `search`): syslog-ng OSE guide, network() destination:
  `network("<destination-address>" [options]);` "a single required parameter that specifies the
  destination host address"; syslog(): "The required arguments of the driver are the address of
  the destination host"; systemd-journal-upload(8): `--url=[https://]URL[:PORT]`, "URL may
  specify either just the hostname or both the protocol and hostname. https is the default",
  and journal-upload.c setup_uploader prepends "https://" to a URL without one (elogind's copy
  of the systemd commit "journal-remote: let user specify just the main part of the url").
  Now parse.host._forward_host takes the host from the destination and rsyslog's
  `_on_host` (loopback, localhost, its own addresses and names, R21T-3) judges it; where every
  destination of a running forwarder is on the host, HVA-200 asks R24L-7's relay question,
  naming the forwarder(s).

Held (kept as tests): a remote TLS destination beside the one on the host still passes
(syslog-ng, journal-upload); a plain syslog-ng destination on the host itself is asked, not
failed (R24L-10's reading: nothing crosses the network there).

Probed by script, not kept: none.

Tally: 10 cases in 2 test functions; 9 failed before the fix on main 0fed398 (the held
remote journal-upload URL passes there too).

Leads left: parse.host._SYSLOG_NG_REMOTE reads network(), syslog() and tcp() only: a plain
udp()/udp6()/tcp6() destination (or the syslog-ng() driver's `server(...)` option) beside a TLS
one is unread, so the TLS one may pass where a plain one should fail (not probed); a
journal-upload URL naming the host by a name outside `hostname`, `hostname --fqdn` and
/etc/hosts is read as remote.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

NG = """@version: 3.38
source s_src {{ system(); internal(); }};
destination d_fwd {{
    network("{host}" port(6514) transport("{transport}")
        tls(ca-dir("/etc/syslog-ng/ca.d")));
}};
destination d_far {{
    syslog("logs.example.internal" transport("tls") port(6514)
        tls(ca-dir("/etc/syslog-ng/ca.d")));
}};
log {{ source(s_src); destination(d_fwd); {far} }};
"""
ASKED = "{d} forwards only to the host itself ({t}): the logs stay on the host unless what listens there relays them"


@pytest.mark.parametrize(
    ("host", "transport"),
    [
        ("127.0.0.1", "tls"),
        ("localhost", "tls"),
        ("::1", "tls"),
        ("hv1", "tls"),
        ("127.0.0.1", "tcp"),
    ],
)
def test_syslog_ng_forwarding_to_the_host_itself_is_asked(
    host_scan, host: str, transport: str
) -> None:
    """R24G-1 (false pass) HVA-200: a syslog-ng network() destination to the host itself passed
    "logs forwarded over TLS to 127.0.0.1" (plain: failed). Now R24L-7's question. Held: with a
    syslog() TLS destination to a remote server beside it, the pass."""
    procs = HARDENED_HOST["processes"][0].replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
    )

    def scan(far: str):
        text = NG.format(host=host, transport=transport, far=far)
        conf = "".join(f"/etc/syslog-ng/syslog-ng.conf:{ln}\n" for ln in text.splitlines())
        return host_scan(
            {"rsyslog-config": None, "syslog-ng-config": (conf, 0), "processes": (procs, 0)}
        )

    a = scan("")
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}
    assert messages(a, "HVA-200") == {"hv1": ASKED.format(d="syslog-ng", t=host)}
    a = scan("destination(d_far);")
    if transport == "tls":
        assert outcomes(a, "HVA-200") == {"hv1": "pass"}
        assert messages(a, "HVA-200") == {"hv1": "logs forwarded over TLS to logs.example.internal"}


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost:19532",
        "127.0.0.1",
        "https://[::1]:19532",
        "hv1:19532",
        "https://logs.example.internal",
    ],
)
def test_journal_upload_to_the_host_itself_is_asked(host_scan, url: str) -> None:
    """R24G-1 (false pass) HVA-200: systemd-journal-upload's URL= on the host itself (with or
    without the scheme, systemd-journal-upload(8) `--url=[https://]URL[:PORT]`) passed "logs
    forwarded over TLS to https://localhost:19532". Now R24L-7's question. Held: a remote URL
    passes."""
    procs = HARDENED_HOST["processes"][0].replace("/usr/sbin/rsyslogd -n -iNONE", "") + (
        "  420 systemd-journal-upload /lib/systemd/systemd-journal-upload --save-state\n"
    )
    a = host_scan(
        {
            "/etc/systemd/journal-upload.conf": f"[Upload]\nURL={url}\n",
            "processes": (procs, 0),
        }
    )
    if "example" in url:
        assert outcomes(a, "HVA-200") == {"hv1": "pass"}, messages(a, "HVA-200")
        return
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"].startswith(ASKED.format(d="systemd-journal-upload", t=url))
