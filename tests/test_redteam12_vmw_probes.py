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

Probes: 4 test cases (4 functions). 2 failed on the code before the fix (the empty log host, and
the log host not reported, which passed); 2 held, passing before and after: remoteEnable with
an ssl:// log host (the twin), and HVA-426 at CommunitySupported.

Examined without a test (read in the code, no false pass found in the time): HVA-403 (only "1"
passes; the API's maxMksConnections decides when positive), HVA-405 (enable3DSupport or
mks.enable3d read as VMware's boolean), HVA-441 (absent migrate.encryptionMode is not passed),
HVA-424 (DCUI.Access comma list, root only), HVA-443 (snapshot trees walked recursively). Leads
not settled: HVA-404 passes a VM without a salt at Mem.ShareForceSalting 2 on the vc.uuid rule of
KB 2097593, whose case for a VM without vc.uuid was not read; HVA-432 reads
UserVars.ESXiVPsDisabledProtocols on any host that reports it, though 8.0 Update 3 moved TLS to
profiles (vSphere 8.0 security guide, "TLS profiles"): whether U3 still honours the option was
not settled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import run_assessment
from hvaudit.bundle import BundleWriter
from hvaudit.engine import Assessment

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
    read, so "forwarded" is not passed."""
    a = _vsphere(tmp_path, {"advanced": AUDIT})
    assert _verdict(a, "HVA-421") == (
        "manual",
        "evidence unavailable: advanced option(s) Syslog.global.logHost not reported by the host",
    )


def test_audit_records_with_tls_log_host_pass(tmp_path: Path) -> None:
    """Twin of V12-1 (held): remoteEnable with an ssl:// log host passes."""
    a = _vsphere(tmp_path, {"advanced": {**AUDIT, "Syslog.global.logHost": "ssl://log1:1514"}})
    assert _verdict(a, "HVA-421") == ("pass", "audit records stored (100 MiB) and forwarded")


def test_community_acceptance_fails(tmp_path: Path) -> None:
    """Held: vSphere 8 STIG ESXI-80-000133 finds CommunitySupported (the API's HostImageAcceptance
    Level "community"); HVA-426 fails it."""
    a = _vsphere(tmp_path, {"acceptance": {"level": "community"}})
    assert _verdict(a, "HVA-426") == (
        "fail",
        "acceptance level community: unsigned VIBs install",
    )
