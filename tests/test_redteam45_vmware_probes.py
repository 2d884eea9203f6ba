"""Forty-fifth red-team review, VMware ESXi (r45-vmware): the host checks least probed by
earlier rounds, HVA-411 (lockdown), HVA-414 (Mem.ShareForceSalting), HVA-415 (MOB), HVA-429 (TPM
and attestation) and HVA-430 (Net.BlockGuestBPDU), for typed-value slips: a value the API sends
typed (long, boolean) arriving as text, a float or a boolean, and an optional property left out;
and HVA-443's snapshot age against a creation time after the collection.

Harness: one ESXi host record as collect/vsphere.py writes it (vmware/hosts/host-1.json), the
bundle writer and the engine (test_redteam11_vmw_probes._vsphere); a yes-probe answers the
question asked in an attestation TOML read by the CLI's loader and applied with
waivers.apply_attestations (test_r34_elif_probes._attest_yes). Each advanced option's type is
the host's own: pyVmomi reads OptionValue.value typed (xsd:long, xsd:boolean), and the collector
(collect.vsphere._advanced) keeps it as read, so a JSON int or bool reaches the checks.

Findings (R45V-n):
- R45V-1 (wrong fail, missing evidence failed) HVA-429: capability.tpmVersion is optional
  (pyVmomi _typeinfo_vim, HostCapability ("tpmVersion", "string", "vim.version.version12",
  F_OPTIONAL)); collect.vsphere keeps it as None where the host leaves it out. A host with
  tpmSupported true and no tpmVersion failed "TPM version ? (want 2.0)" whatever its
  attestation, an accepted one included: missing evidence became a fail. Now it is asked in
  the item that asks the attestation's open condition (joined_asks), and a notAccepted
  attestation fails with its own message (main named the unknown version instead).

- R45V-2 (false pass) HVA-443: a snapshot whose creation time (vCenter's
  VirtualMachineSnapshotTree.createTime, collect.vsphere._snapshots) is after the collection
  time gave a negative age and passed "none older than 72 hours": a time in the future proves
  vCenter's and the collector's clocks disagree, by an amount the evidence does not give, so
  the snapshot may be of any age (a clock years ahead at its creation, set right since). Now
  the age is asked, naming both times; a count over 3 still fails first.

Held (kept as tests): tpmVersion "1.2" fails with an accepted attestation and "2.0" with one
passes; Mem.ShareForceSalting as the API sends it (2) and as text "2" passes, 0
and 1 fail; a float 2.0 or a boolean fails (never a pass); enableMob False (the API's boolean)
and "false" pass, "no", "" and "off" fail (the STIG's check is "set to false"); a boolean True
as Net.BlockGuestBPDU fails (the option is a long: 1); lockdownNormal and lockdownStrict pass,
lockdownDisabled fails. R45V-2: 5 snapshots with a future creation time fail on the count; a
snapshot from 2020 fails on its age; one an hour old passes.

Probed by script, not kept: int() of text with blanks or other scripts' digits ("2 ", "٢")
reads 2 in HVA-414/HVA-430, but the options are xsd:long on the wire (pyVmomi would not
deliver text), so no collected record carries them.

Tally: 2 findings (false pass 1, wrong fail 1); 10 test functions, 28 cases (6 functions, 24
cases held); 4 failed on main before the fixes (R45V-1: 3, R45V-2: 1).

Leads left:
- HVA-429: summary.tpmAttestation.time older than the host's last boot (runtime.bootTime, not
  collected): whether vCenter re-attests at every reconnect was not found in the API reference
  (HostTpmAttestationInfo: "Time of TPM attestation" only), so a stale "accepted" is not judged.
- HVA-429: capability.tpmSupported is "whether this host supports the integrity measurement
  using a TPM device" (pyVmomi docs vim/host/Capability.rst): a capability, not a TPM's
  presence; the pass rests on the attestation, which needs one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from test_r34_elif_probes import _attest_yes
from test_redteam11_vmw_probes import _question, _vsphere

ACCEPTED = {"status": "accepted", "time": "2026-12-01T00:00:00Z", "message": ""}
VERSION_GAP = (
    "evidence unavailable: capability.tpmVersion: not reported by the host, or not collected"
)


def _verdict(a: Any, check: str) -> tuple[str, str]:
    (got,) = [
        (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == "esx1"
    ]
    return got


def _host(tmp_path: Path, **record: Any) -> Any:
    tmp_path.mkdir(parents=True, exist_ok=True)
    return _vsphere(tmp_path, record)


# --- R45V-1: HVA-429, an unreported (optional) tpmVersion failed as "TPM version ?" ----------


def test_r45v_1_hva429_tpm_version_not_reported_is_asked(tmp_path: Path) -> None:
    """tpmSupported true, tpmVersion left out (optional since API 6.7), attestation accepted:
    main failed "TPM version ? (want 2.0)". Now the version is asked, and a "yes" passes."""
    a = _host(tmp_path, capability={"tpmSupported": True}, tpm_attestation=ACCEPTED)
    assert _verdict(a, "HVA-429") == ("manual", VERSION_GAP)
    assert _question(a, "HVA-429") == (
        "Is host esx1's TPM version 2.0? Evidence: the vSphere Automation API, GET "
        "/api/vcenter/trusted-infrastructure/hosts/HOST/hardware/tpm and each TPM's "
        "major_version and minor_version (vSphere API 8.0.0.1 and later), or the server's "
        "firmware setup. Pass: yes, 2.0; fail: 1.2, or no TPM."
    )
    _attest_yes(a, "HVA-429", "host", "esx1", tmp_path)
    assert _verdict(a, "HVA-429")[0] == "pass"


def test_r45v_1_hva429_tpm_version_and_attestation_not_reported(tmp_path: Path) -> None:
    """Neither tpmVersion nor the attestation reported: main failed on the version; now both
    are asked in one item."""
    a = _host(tmp_path, capability={"tpmSupported": True, "tpmVersion": None})
    assert _verdict(a, "HVA-429") == (
        "manual",
        f"{VERSION_GAP}; evidence unavailable: summary.tpmAttestation (reported by vCenter): not "
        "reported by the host, or not collected",
    )


def test_r45v_1_hva429_not_accepted_beside_version_gap(tmp_path: Path) -> None:
    """tpmVersion not reported beside a notAccepted attestation: main failed on the unknown
    version ("TPM version ?"), the attestation's reason unnamed; now it fails on the
    attestation."""
    a = _host(
        tmp_path,
        capability={"tpmSupported": True},
        tpm_attestation={"status": "notAccepted", "time": "", "message": "PCR 0 mismatch"},
    )
    assert _verdict(a, "HVA-429") == ("fail", "TPM attestation not accepted: PCR 0 mismatch")


@pytest.mark.parametrize(
    ("version", "want"),
    [
        ("1.2", ("fail", "TPM version 1.2 (want 2.0)")),
        ("2.0", ("pass", "TPM 2.0; attestation accepted at 2026-12-01T00:00:00Z")),
    ],
)
def test_r45v_held_hva429_reported_version(
    tmp_path: Path, version: str, want: tuple[str, str]
) -> None:
    """Held: a reported version is judged as before."""
    a = _host(
        tmp_path, capability={"tpmSupported": True, "tpmVersion": version}, tpm_attestation=ACCEPTED
    )
    assert _verdict(a, "HVA-429") == want


# --- held: typed values of HVA-414, HVA-415, HVA-430, HVA-411 -------------------------------


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (2, ("pass", "Mem.ShareForceSalting = 2")),
        ("2", ("pass", "Mem.ShareForceSalting = 2")),
        (1, ("fail", "Mem.ShareForceSalting = 1")),
        (0, ("fail", "Mem.ShareForceSalting = 0")),
        (2.0, ("fail", "Mem.ShareForceSalting = 2.0")),
        (True, ("fail", "Mem.ShareForceSalting = True")),
    ],
)
def test_r45v_held_hva414_salting_types(tmp_path: Path, value: Any, want: Any) -> None:
    """Held: Mem.ShareForceSalting (xsd:long) passes at 2 only; a float or a boolean is never
    read as 2."""
    a = _host(tmp_path, advanced={"Mem.ShareForceSalting": value})
    assert _verdict(a, "HVA-414") == want


MOB = "Config.HostAgent.plugins.solo.enableMob"


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (False, ("pass", f"{MOB} = false")),
        ("false", ("pass", f"{MOB} = false")),
        (True, ("fail", f"{MOB} = True")),
        ("no", ("fail", f"{MOB} = no")),
        ("", ("fail", f"{MOB} = ")),
        ("off", ("fail", f"{MOB} = off")),
    ],
)
def test_r45v_held_hva415_mob_types(tmp_path: Path, value: Any, want: Any) -> None:
    """Held: enableMob passes only as false (vSphere 7 STIG ESXI-70-000034: "If the
    Config.HostAgent.plugins.solo.enableMob setting is not set to "false", this is a
    finding")."""
    a = _host(tmp_path, advanced={MOB: value})
    assert _verdict(a, "HVA-415") == want


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (1, ("pass", "Net.BlockGuestBPDU = 1")),
        (True, ("fail", "Net.BlockGuestBPDU = True")),
        ("true", ("fail", "Net.BlockGuestBPDU = true")),
        (0, ("fail", "Net.BlockGuestBPDU = 0")),
    ],
)
def test_r45v_held_hva430_bpdu_types(tmp_path: Path, value: Any, want: Any) -> None:
    """Held: Net.BlockGuestBPDU (a long) passes at 1 only; a boolean is not read as 1."""
    a = _host(tmp_path, advanced={"Net.BlockGuestBPDU": value})
    assert _verdict(a, "HVA-430") == want


@pytest.mark.parametrize(
    ("mode", "status"),
    [("lockdownNormal", "pass"), ("lockdownStrict", "pass"), ("lockdownDisabled", "fail")],
)
def test_r45v_held_hva411_modes(tmp_path: Path, mode: str, status: str) -> None:
    """Held: HostLockdownMode (vSphere API 6.0): normal and strict are lockdown enabled."""
    a = _host(tmp_path, lockdown=mode)
    assert _verdict(a, "HVA-411") == (status, f"lockdown mode {mode}")


# --- R45V-2: HVA-443, a snapshot created after the collection passed as young ----------------


def _snapshots(tmp_path: Path, count: int, oldest: str) -> Any:
    from test_redteam13_vmw_probes import _vsphere as _vsphere_vm

    vmx = (
        'displayName = "web"\nhvaudit.powerState = "poweredOn"\n'
        f'hvaudit.snapshot.count = "{count}"\nhvaudit.snapshot.oldest = "{oldest}"\n'
    )
    return _vsphere_vm(tmp_path, {}, vmx=vmx)


def _snap_verdict(a: Any) -> tuple[str, str]:
    (got,) = [
        (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == "HVA-443" and r.outcome.subject.name == "web"
    ]
    return got


def test_r45v_2_hva443_snapshot_after_collection_is_asked(tmp_path: Path) -> None:
    """A snapshot whose createTime is after the collection (vCenter's clock ahead of the
    collector's, or the collector's behind): main computed a negative age and passed "none
    older than 72 hours", though the skew, and so the age, is not in the evidence. Now asked."""
    a = _snapshots(tmp_path, 1, "2099-01-01T00:00:00Z")
    collected = dt.datetime.fromisoformat(a.deployment.collected_at.replace("Z", "+00:00"))
    assert _snap_verdict(a) == (
        "manual",
        "evidence unavailable: the oldest snapshot's creation time 2099-01-01T00:00:00+00:00 is "
        f"after the collection ({collected.isoformat()}): the clocks disagree",
    )


@pytest.mark.parametrize(
    ("count", "oldest", "want"),
    [
        (5, "2099-01-01T00:00:00Z", ("fail", "5 snapshots (more than 3)")),
        (1, "2020-01-01T00:00:00Z", None),
        (1, "RECENT", ("pass", "1 snapshot(s), none older than 72 hours")),
    ],
)
def test_r45v_2_held_snapshot_ages(
    tmp_path: Path, count: int, oldest: str, want: tuple[str, str] | None
) -> None:
    """Held: the count's fail stands beside a future creation time; an old snapshot fails on
    its age; one an hour old passes."""
    if oldest == "RECENT":
        hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        oldest = hour_ago.replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    a = _snapshots(tmp_path, count, oldest)
    got = _snap_verdict(a)
    if want is None:
        collected = dt.datetime.fromisoformat(a.deployment.collected_at.replace("Z", "+00:00"))
        days = (collected - dt.datetime(2020, 1, 1, tzinfo=dt.UTC)).total_seconds() / 86400
        assert got == ("fail", f"oldest snapshot {days:.0f} days old")
    else:
        assert got == want
