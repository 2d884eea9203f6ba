"""HVA-049 and the CPU model a domain names: QEMU's built-in x86 models carry svm (qemu64, phenom,
Opteron_G2..G5, EPYC*, Dhyana) or neither flag, whatever their version or alias suffix; a model
hvaudit does not know (a newer QEMU's, or a site's own in libvirt's cpu_map) may carry vmx or svm
itself, so unless the host's KVM has nesting off it is one question about the guest's CPU flags,
never a pass. Sources in hvaudit/checks/guest.py (SVM_MODELS, PLAIN_MODELS)."""

from __future__ import annotations

from pathlib import Path

from conftest import build_bundle, domain_xml, messages, outcomes, run_assessment, write_node
from hvaudit.engine import Assessment
from test_manual_questions import shape_problems
from test_redteam2_probes import AMD_NESTING_HOST, NESTING_HOST

UNKNOWN = (
    "CPU model {m} is neither one of QEMU's built-in x86 models nor one of libvirt's cpu_map that "
    "hvaudit knows: whether it carries vmx or svm is unknown"
)


def _cpu(name: str, model: str, machine: str = "") -> str:
    xml = domain_xml(
        name,
        body=f"<cpu mode='custom' match='exact'><model fallback='forbid'>{model}</model></cpu>",
    )
    if machine:
        xml = xml.replace("<type arch='x86_64'>", f"<type arch='x86_64' machine='{machine}'>")
    return xml


def _question(a: Assessment, name: str) -> str:
    return next(
        r.outcome.question or ""
        for r in a.results
        if r.check.id == "HVA-049" and r.outcome.subject.name == name
    )


def test_an_unknown_model_on_a_nesting_host_is_a_question(host_scan) -> None:
    """A site model (cpu_map x86_SiteCPU.xml may list vmx) and a model newer than hvaudit's
    table: on an Intel host with kvm_intel nested=Y the guest gets vmx if the model has it."""
    a = host_scan(NESTING_HOST, domains=[_cpu("site", "SiteCPU"), _cpu("newer", "PantherLake-v1")])
    assert outcomes(a, "HVA-049") == {"site": "manual", "newer": "manual"}
    msg = messages(a, "HVA-049")
    assert msg["site"] == UNKNOWN.format(m="SiteCPU") + ", and the host's KVM has nested on"
    q = _question(a, "site")
    assert shape_problems(q) == []
    assert q.startswith("Does the guest CPU of VM site lack both the vmx and the svm flag? ")
    assert "cpu_map x86_SiteCPU.xml" in q and "/sys/module/kvm_amd/parameters/nested on hv1" in q


def test_an_unknown_model_on_a_host_without_nesting_passes(host_scan) -> None:
    """KVM offers vmx/svm to a guest only with `nested` on: whatever the model carries, the
    host with kvm_intel nested=N gives the guest none."""
    a = host_scan(
        {"/sys/module/kvm_intel/parameters/nested": "N\n"}, domains=[_cpu("site", "SiteCPU")]
    )
    assert outcomes(a, "HVA-049") == {"site": "pass"}
    assert messages(a, "HVA-049")["site"] == (
        "CPU model SiteCPU may carry vmx or svm, but the host's KVM has nested off"
    )


def test_an_unknown_model_on_a_simulated_host_is_a_question(tmp_path: Path) -> None:
    uri = write_node(tmp_path / "n.xml", [_cpu("site", "SiteCPU")], [])
    a = run_assessment(build_bundle(tmp_path, uri, None))
    assert outcomes(a, "HVA-049") == {"site": "manual"}
    assert messages(a, "HVA-049")["site"].startswith(UNKNOWN.format(m="SiteCPU") + " (")
    assert shape_problems(_question(a, "site")) == []


def test_versions_and_aliases_of_known_models(host_scan) -> None:
    """`qemu-system-x86_64 -cpu help`: Opteron_G5-v1, EPYC-Rome-v2, EPYC-IBPB are versions and
    aliases of svm models (they nest on an AMD host with kvm_amd nested=1); Skylake-Server-v4 and
    Haswell-noTSX-IBRS are Intel models without vmx. Under KVM a named model keeps svm only on
    a machine type of QEMU 2.1 or older (kvm_default_props {"svm", "off"}, R56), so the svm
    models run on pc-i440fx-2.1 here; on the default machine the same model passes."""
    old = "pc-i440fx-2.1"
    a = host_scan(
        AMD_NESTING_HOST,
        domains=[
            _cpu("g5", "Opteron_G5-v1", old),
            _cpu("rome", "EPYC-Rome-v2", old),
            _cpu("ibpb", "EPYC-IBPB", old),
            _cpu("sky", "Skylake-Server-v4", old),
            _cpu("has", "Haswell-noTSX-IBRS", old),
            # the machine a real daemon writes into a definition that names none
            _cpu("g5new", "Opteron_G5-v1", "pc-q35-8.2"),
        ],
    )
    assert outcomes(a, "HVA-049")["g5new"] == "pass", messages(a, "HVA-049")
    assert outcomes(a, "HVA-049") == {
        "g5": "fail",
        "rome": "fail",
        "ibpb": "fail",
        "sky": "pass",
        "has": "pass",
        "g5new": "pass",
    }, messages(a, "HVA-049")
    assert messages(a, "HVA-049")["g5"] == (
        "CPU model Opteron_G5-v1 carries svm, given to the guest when KVM nests, and the host's "
        "KVM has nested on"
    )
    assert messages(a, "HVA-049")["sky"] == "CPU mode custom without vmx/svm"
