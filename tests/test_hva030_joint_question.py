"""HVA-030 asks every open condition of a host in one question (joint_question, R21Q-1).

R33D-2's lead: HVA-030's questions were an elif chain, so where two conditions were open only
the first was asked (here tls_priority's), and an attested "yes" to it passed the check with
the other (whether /etc/services maps a VM's named TCP device onto socat's relay of libvirt's
socket, R33D-2) never asked. Harness: the hardened host replay (conftest host_scan) with
libvirtd.conf listening on TLS with verified certificates and a tls_priority naming an
/etc/gnutls/config entry (test_host_leads13), socat relaying libvirt's socket onto
127.0.0.2:16600 (test_chardev_api_relay) and a VM whose serial device dials 127.0.0.2 by a
service name (test_redteam33_domain_probes). The attestation goes through the CLI's own loader
and apply_attestations, as `hvaudit scan --attestations` does.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import domain_xml, messages, outcomes
from hvaudit.waivers import apply_attestations, load_attestations
from test_chardev_api_relay import _relay
from test_host_leads13 import CONF, VERIFIED
from test_redteam12_host_probes import _TLS_LISTEN
from test_redteam30_domain_probes import _question
from test_redteam33_domain_probes import _named_dialer

TLS_ASK = (
    "Does libvirt's tls_priority on host hv1 enable only protocols and ciphers GnuTLS counts as "
    "secure"
)
NAMED_ASK = "Does /etc/services on hv1 map none of libvirt-relay/tcp to tcp/16600"
TLS_PART = "tls_priority = '@CUSTOM': what @CUSTOM enables is not read"
NAMED_PART = (
    "socat (pid 991) relays /run/libvirt/libvirt-sock onto TCP 127.0.0.2:16600, which VM dialer "
    "(<serial type='tcp'> connecting to 127.0.0.2:libvirt-relay) may connect its guest to (the "
    "host's /etc/services, not collected, resolves the service name): libvirt's full API without "
    "authentication or encryption"
)


def _both(host_scan):
    relay = _relay("127.0.0.2")
    relay_line = relay["listeners"][0].splitlines(keepends=True)[-1]
    return host_scan(
        {
            CONF: VERIFIED + 'tls_priority = "@CUSTOM"\n',
            "processes": relay["processes"],
            "listeners": (_TLS_LISTEN + relay_line, 0),
        },
        domains=[domain_xml("web01"), _named_dialer("127.0.0.2", "libvirt-relay")],
    )


def test_two_open_conditions_are_one_question(host_scan) -> None:
    """Both conditions are in the message and in the one question; the question is the house
    form joint_question gives (each part passes for "yes")."""
    a = _both(host_scan)
    assert (outcomes(a, "HVA-030"), messages(a, "HVA-030")) == (
        {"hv1": "manual"},
        {"hv1": f"{TLS_PART}; {NAMED_PART}"},
    )
    question = _question(a, "HVA-030", "hv1")
    assert question.startswith(TLS_ASK + ", and ")
    assert "map none of libvirt-relay/tcp to tcp/16600" in question
    assert question.count("?") == 1


def test_yes_to_tls_question_alone_leaves_the_item_open(host_scan, tmp_path: Path) -> None:
    """An attestation answering only tls_priority's question (as the item asked before) no
    longer passes the check: the item asks another question now, so it stays manual and the
    attestation is reported stale (R21Q-3)."""
    a = _both(host_scan)
    old_question = (
        f"{TLS_ASK}? Evidence: the tls_priority line of libvirtd.conf, /etc/gnutls/config "
        "([priorities], [overrides]) and `gnutls-cli --priority '<the string>' --list`. Pass: yes, "
        "no SSL 3.0, TLS 1.0 or 1.1 (RFC 8996), NULL, RC4, DES/3DES, export or MD5 entry is "
        "listed; fail: one is."
    )
    f = tmp_path / "attest.toml"
    f.write_text(
        "[[attestation]]\n"
        'check = "HVA-030"\nsubject = "host:hv1"\nanswer = "yes"\n'
        'attested_by = "auditor"\nattested_at = 2026-12-01\nvalid_days = 90\n'
        f'evidence = "gnutls-cli --list"\nquestion = {json.dumps(old_question)}\n',
        encoding="utf-8",
    )
    atts = load_attestations(f)
    apply_attestations(a, atts, dt.date(2026, 12, 6))
    assert outcomes(a, "HVA-030") == {"hv1": "manual"}
    assert [x["state"] for x in a.attestations] == ["stale"]


def test_one_open_condition_keeps_its_own_question(host_scan) -> None:
    """Held: with only the named device open, the question is R33D-2's alone."""
    a = host_scan(
        {**_relay("127.0.0.2")},
        domains=[domain_xml("web01"), _named_dialer("127.0.0.2", "libvirt-relay")],
    )
    assert messages(a, "HVA-030") == {"hv1": NAMED_PART}
    assert _question(a, "HVA-030", "hv1").startswith(NAMED_ASK + "? Evidence: ")
