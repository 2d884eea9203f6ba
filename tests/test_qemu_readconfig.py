"""Raw QEMU arguments that load a configuration file (`-readconfig FILE`, qemu-options.hx: "Read
device configuration from file"): the file adds devices, chardevs and objects the scan never
reads, so a check that judges raw arguments cannot pass or call n/a such a VM; each asks one
question about the file. Fails the visible arguments prove stand."""

from __future__ import annotations

import pytest

from conftest import run_assessment
from hvaudit.engine import Assessment
from test_manual_questions import shape_problems
from test_redteam3_vm_probes import replayed_domains, verdict
from test_redteam4_vm_probes import _raw

CFG = "/etc/qemu/vm-extra.cfg"
CHECKS = ("HVA-031", "HVA-050", "HVA-056", "HVA-057", "HVA-058")


@pytest.fixture(scope="module")
def assessment(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp = tmp_path_factory.mktemp("readcfg")
    return run_assessment(
        replayed_domains(
            tmp,
            {
                "cfg": _raw("cfg", "-readconfig", CFG),
                "cfgtwice": _raw("cfgtwice", "--readconfig", CFG, "-readconfig", "/srv/b.cfg"),
                # a visible passthrough TPM fails whatever the file holds
                "cfgtpm": _raw(
                    "cfgtpm", "-readconfig", CFG, "-tpmdev", "passthrough,id=tpm0,path=/dev/tpm0"
                ),
                # the same arguments without the file: the checks decide as before
                "plain": _raw("plain", "-no-user-config"),
            },
        )
    )


@pytest.mark.parametrize("check", CHECKS)
def test_a_config_file_makes_a_pass_or_na_a_question(assessment: Assessment, check: str) -> None:
    status, message = verdict(assessment, check, "cfg")
    assert status == "manual", message
    assert message.endswith(f"; but QEMU also reads -readconfig {CFG}, which the scan did not read")
    q = next(
        r.outcome.question
        for r in assessment.results
        if r.check.id == check and r.outcome.subject.name == "cfg"
    )
    assert q is not None and q.startswith(f"Does {CFG}, which QEMU reads for VM cfg (-readconfig)")
    assert shape_problems(q) == []
    assert verdict(assessment, check, "plain")[0] in ("pass", "not_applicable")


def test_every_file_is_named(assessment: Assessment) -> None:
    status, message = verdict(assessment, "HVA-057", "cfgtwice")
    assert status == "manual"
    assert message == (
        "no <shmem> device; but QEMU also reads -readconfig /etc/qemu/vm-extra.cfg, /srv/b.cfg, "
        "which the scan did not read"
    )


def test_a_fail_the_visible_arguments_prove_stands(assessment: Assessment) -> None:
    assert verdict(assessment, "HVA-056", "cfgtpm") == (
        "fail",
        "QEMU argument -tpmdev passthrough,id=tpm0,path=/dev/tpm0: the guest owns the host's TPM",
    )


def test_the_question_asks_about_the_check_own_device(assessment: Assessment) -> None:
    q = next(
        r.outcome.question
        for r in assessment.results
        if r.check.id == "HVA-056" and r.outcome.subject.name == "cfg"
    )
    assert "leave out a TPM passthrough (a [tpmdev] of type passthrough)?" in (q or "")
