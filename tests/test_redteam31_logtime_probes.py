"""Red-team round 31 probes: logging and audit, time and host resources (rt31logtime)

DOCSTRING
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

SLNG = """@version: 4.8
source s_src {{ system(); internal(); }};
destination d_remote {{
    network("logs.example.internal" port(6514) transport("tls")
        tls({tls}));
}};
log {{ source(s_src); destination(d_remote); }};
"""
OVER_TLS = "logs forwarded over TLS to logs.example.internal"
PLAIN = "logs forwarded without authenticated TLS to logs.example.internal ({why})"
REFUSED = PLAIN.format(
    why='ca-file("") names no file: syslog-ng refuses the file, "File not found"'
)


def _syslog_ng(host_scan, tls: str):  # type: ignore[no-untyped-def]
    conf = "".join(
        f"/etc/syslog-ng/syslog-ng.conf:{line}\n" for line in SLNG.format(tls=tls).splitlines()
    )
    procs = HARDENED_HOST["processes"][0].replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
    )
    return host_scan(
        {"rsyslog-config": None, "syslog-ng-config": (conf, 0), "processes": (procs, 0)}
    )


def _no_ca(empty: str, mode: str = "peer-verify(required-trusted), the default,") -> str:
    return PLAIN.format(
        why=f"tls() names no CA certificate (ca-file(), ca-dir(), pkcs12-file(); {empty} names "
        f"none) and {mode} checks the server's chain: OpenSSL trusts no issuer, so syslog-ng "
        "refuses every server and nothing is sent"
    )


@pytest.mark.parametrize(
    ("tls", "status", "message"),
    [
        ('ca-file("")', "fail", REFUSED),
        ("ca-dir(\"/etc/syslog-ng/ca.d\") ca_file('')", "fail", REFUSED),
        ('ca-file("") peer-verify(optional-untrusted)', "fail", REFUSED),
        ('ca-dir("")', "fail", _no_ca('ca-dir("")')),
        ('ca-dir("") peer-verify(yes)', "fail", _no_ca('ca-dir("")', "peer-verify(yes)")),
        ('ca-dir("/etc/syslog-ng/ca.d") ca-dir("")', "fail", _no_ca('ca-dir("")')),
        ('pkcs12-file("")', "fail", _no_ca('pkcs12-file("")')),
        # held
        ('ca-dir("") ca-dir("/etc/syslog-ng/ca.d")', "pass", OVER_TLS),
        ('ca-dir("") ca-file("/etc/ssl/certs/ca-certificates.crt")', "pass", OVER_TLS),
        ("ca-dir(/etc/syslog-ng/ca.d)", "pass", OVER_TLS),
        (
            'cert-file("/etc/syslog-ng/ca-file(\\"\\").pem") ca-dir("/etc/syslog-ng/ca.d")',
            "pass",
            OVER_TLS,
        ),
    ],
    ids=[
        "ca-file-empty",
        "ca-file-empty-beside-dir",
        "ca-file-empty-untrusted",
        "ca-dir-empty",
        "ca-dir-empty-yes",
        "ca-dir-emptied-later",
        "pkcs12-empty",
        "held-ca-dir-set-later",
        "held-ca-file-beside",
        "held-bare-word",
        "held-in-a-string",
    ],
)
def test_r31l1_syslog_ng_ca_naming_nothing(host_scan, tls: str, status: str, message: str) -> None:
    a = _syslog_ng(host_scan, tls)
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200") == {"hv1": message}
