"""Red-team round 12 on VMware: checks not probed by rounds 10 and 11
(tests/test_redteam10_vmw_probes.py, tests/test_redteam11_vmw_probes.py) nor their leads
(tests/test_vmw_leads.py), hunting false passes only. Each probe names the source it rests on
(read with `search`, `find_string`) and asserts the exact verdict; the finding's probe failed on
the code before its fix (main 72fafa6).

Findings:

- V12-1 (false pass): HVA-421 passed "audit records stored (100 MiB) and forwarded" for a host
  with Syslog.global.auditRecord.remoteEnable true and an empty Syslog.global.logHost. Remote
  audit records go to the global syslog servers (vSphere 8 STIG ESXI-80-000233), and a blank
  log host forwards nothing (ESXi syslog options); an unreported log host is now a gap.

Probes: 10 test cases (6 functions). 2 failed on the code before the fix (the empty log host,
and the log host not reported, which passed); 8 held, passing before and after: remoteEnable with
an ssl:// log host (the twin), HVA-426 at CommunitySupported, HVA-403 with "1 " (VMware's
dictionary runs it as 1), 0 and 2, and HVA-405 with "" and "yes" (TRUE) and FALSE-then-TRUE
(the first value kept).

Examined without a test (read in the code, no false pass found in the time): HVA-441 (an absent
migrate.encryptionMode is not passed; other case or spaces around a valid mode pass, and if the
VMX reads the key as a string enum, Dict_GetStringEnum compares exactly and falls back to the
default, which the API gives as opportunistic: no false pass either way),
HVA-424 (DCUI.Access comma list, root only), HVA-443 (snapshot trees walked recursively). Leads
not settled: HVA-404 passes a VM without a salt at Mem.ShareForceSalting 2 on the vc.uuid rule of
KB 2097593, whose case for a VM without vc.uuid was not read; HVA-432 reads
UserVars.ESXiVPsDisabledProtocols on any host that reports it, though 8.0 Update 3 moved TLS to
profiles (vSphere 8.0 security guide, "TLS profiles"): whether U3 still honours the option was
not settled. Noted, out of this round's scope (a wrong fail): strtol base 0 runs
RemoteDisplay.maxConnections = "0x1", "01" or "1abc" as 1, and HVA-403 fails them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run_assessment
from hvaudit.bundle import BundleWriter
from hvaudit.engine import Assessment
from test_redteam17_vmw_probes import own_keys
from test_vmx import FIXTURES, scan

AUDIT = {
    "Syslog.global.auditRecord.storageEnable": True,
    "Syslog.global.auditRecord.storageCapacity": 100,
    "Syslog.global.auditRecord.remoteEnable": True,
}


def _vsphere(tmp_path: Path, host: dict[str, Any]) -> Assessment:
    """One ESXi host record as collect/vsphere.py writes it (vmware/hosts/*.json)."""
    writer = BundleWriter(tmp_path / "b", target="vsphere://vc.example", platform="vmware-esxi")
    writer.add(
        "vmware/hosts/host-1.json", json.dumps({"name": "esx1", **host}).encode(), origin="t"
    )
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def _verdict(a: Assessment, check_id: str, subject: str = "esx1") -> tuple[str, str]:
    (got,) = [
        (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == check_id and r.outcome.subject.name == subject
    ]
    return got


# --- V12-1: HVA-421 and the syslog server the audit records go to --------------------------------


def test_audit_records_with_no_log_host_are_not_forwarded(tmp_path: Path) -> None:
    """vSphere 8 STIG ESXI-80-000233 (SV-258788, read with `search`): "Remote records are sent to
    the global syslog servers configured elsewhere"; vSphere 7.0 ESXi syslog options,
    Syslog.global.logHost (read with `search`): "If the loghost=<str> field is blank, no logs
    are forwarded". remoteEnable true with an empty log host passed HVA-421 as "forwarded".
    Right: fail."""
    a = _vsphere(tmp_path, {"advanced": {**AUDIT, "Syslog.global.logHost": ""}})
    assert _verdict(a, "HVA-421") == (
        "fail",
        "audit records not forwarded: Syslog.global.logHost is empty",
    )


def test_audit_records_with_unreported_log_host_are_asked(tmp_path: Path) -> None:
    """V12-1: the log host not among the host's advanced options: where the records go is not
    read, so "forwarded" is not passed. The storage directory not reported either, whether the
    records survive a reboot is asked in the same item (R34M-4)."""
    a = _vsphere(tmp_path, {"advanced": AUDIT})
    assert _verdict(a, "HVA-421") == (
        "manual",
        "evidence unavailable: advanced option(s) Syslog.global.logHost not reported by the "
        "host; whether the store survives a reboot is not known: "
        "Syslog.global.auditRecord.storageDirectory not reported",
    )


def test_audit_records_with_tls_log_host_pass(tmp_path: Path) -> None:
    """Twin of V12-1 (held): remoteEnable with an ssl:// log host passes (with the store on a
    datastore: session 11's L13-4 asks where the records are kept)."""
    a = _vsphere(
        tmp_path,
        {
            "advanced": {
                **AUDIT,
                "Syslog.global.logHost": "ssl://log1:1514",
                "Syslog.global.auditRecord.storageDirectory": "[datastore1] audit",
            },
            # the syslog ruleset lets the records out (a firewall not read is asked, L16-16)
            "firewall": {
                "incoming_blocked": True,
                "outgoing_blocked": True,
                "rulesets": [{"key": "syslog", "enabled": True, "all_ip": True, "networks": []}],
            },
        },
    )
    assert _verdict(a, "HVA-421") == (
        "pass",
        "audit records stored (100 MiB, datastore datastore1) and forwarded",
    )


def test_community_acceptance_fails(tmp_path: Path) -> None:
    """Held: vSphere 8 STIG ESXI-80-000133 finds CommunitySupported (the API's HostImageAcceptance
    Level "community"); HVA-426 fails it."""
    a = _vsphere(tmp_path, {"acceptance": {"level": "community"}})
    assert _verdict(a, "HVA-426") == (
        "fail",
        "acceptance level community: unsigned VIBs install",
    )


# --- held: .vmx values VMware's dictionary reads (HVA-403, HVA-405) ------------------------------

WEB01 = (FIXTURES / "web-01" / "web-01.vmx").read_text()
MAXCONN = 'RemoteDisplay.maxConnections = "1"'


def _vmx_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> dict[tuple[str, str], tuple[str, str]]:
    """Scan one .vmx offline (vmx+dir://): (check, subject) -> (status, message)."""
    folder = tmp_path / "dc"
    folder.mkdir()
    (folder / "web-01.vmx").write_text(text)
    _, report = scan(folder, capsys)
    return {
        (r["check_id"], r["subject"]["name"]): (r["status"], r["message"])
        for r in report["results"]
    }


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("1 ", ("pass", "RemoteDisplay.maxConnections = 1")),
        ("0", ("fail", "RemoteDisplay.maxConnections = 0")),
        ("2", ("fail", "RemoteDisplay.maxConnections = 2")),
    ],
)
def test_console_connection_limit_as_vmware_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, want: tuple[str, str]
) -> None:
    """Held: VMware's dictionary (lib/dict/dictionary.c, VMware View Open Client 2.1.1, LGPL,
    DictionaryNarrowValue, read with `find_string`/`read_file`) reads a DICT_LONG with
    strtol(s, &p, 0) and, on trailing text, posts "is not a valid integer value. Using value"
    with the number parsed so far: "1 " runs as 1 (pass is right). 0 and 2 are not one session
    (fail)."""
    got = _vmx_scan(
        tmp_path, capsys, WEB01.replace(MAXCONN, f'RemoteDisplay.maxConnections = "{value}"')
    )
    assert got[("HVA-403", "web-01")] == own_keys(want, "offline-vmx")  # V17-1


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        (('mks.enable3d = ""',), ("fail", "mks.enable3d = ")),
        (('mks.enable3d = "yes"',), ("fail", "mks.enable3d = yes")),
        (('mks.enable3d = "FALSE"', 'MKS.Enable3D = "TRUE"'), ("pass", "3D acceleration off")),
    ],
)
def test_3d_flag_as_vmware_reads_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    lines: tuple[str, ...],
    want: tuple[str, str],
) -> None:
    """Held: Dictionary_StringToBool (same source) reads "" and "yes" as TRUE, so 3D is on (fail);
    a key set twice keeps its first value (keys case-insensitive, the repeat refused), so FALSE
    then TRUE runs with 3D off (pass). Each passed before and after this round."""
    text = WEB01.replace("uuid.bios", "\n".join(lines) + "\nuuid.bios", 1)
    got = _vmx_scan(tmp_path, capsys, text)
    assert got[("HVA-405", "web-01")] == own_keys(want, "offline-vmx")  # V17-1
