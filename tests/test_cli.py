"""The command line: reports, the JSON contract, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from conftest import domain_xml, write_node
from hvaudit.cli import main

SCHEMA = json.loads(resources.files("hvaudit").joinpath("schema", "report.schema.json").read_text())


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_report() -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "hvaudit.cli", "scan", "--demo", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)


def test_demo_report_validates_against_the_committed_schema(demo_report: dict) -> None:
    jsonschema.validate(demo_report, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert demo_report["tool"] == "hvaudit" and demo_report["schema_version"] == "2.0.0"


def test_schema_rejects_a_broken_report(demo_report: dict) -> None:
    broken = json.loads(json.dumps(demo_report))
    broken["results"][0]["status"] = "passed"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)
    broken = json.loads(json.dumps(demo_report))
    del broken["results"][0]["recommendations"]["sp800-125b"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_every_2014_recommendation_appears_with_a_reason(demo_report: dict) -> None:
    seen = {rid for r in demo_report["results"] for rid in r["recommendations"]["sp800-125a-2014"]}
    assert seen == {f"HY-SR-{n}" for n in range(1, 23)}
    assert all(r["message"] for r in demo_report["results"])
    counts = demo_report["summary"]["by_recommendation"]["sp800-125a-2014"]
    assert all(sum(c.values()) > 0 for c in counts.values())


def test_demo_findings_are_exact(demo_report: dict) -> None:
    got = {(r["check_id"], r["subject"]["name"]): r["status"] for r in demo_report["results"]}
    assert got[("HVA-012", "legacy-erp")] == "fail"
    assert got[("HVA-044", "legacy-erp")] == "fail"
    # A console on every address of a simulated host: qemu.conf (not read) settles the rest.
    assert got[("HVA-031", "legacy-erp")] == "manual"
    assert got[("HVA-031", "vdi-desktop-07")] == "fail"  # SPICE plaintext channels, from the XML
    assert got[("HVA-192", "ci-runner-03")] == "fail"
    assert got[("HVA-193", "ids-sensor")] == "fail"
    assert got[("HVA-091", "vdi-desktop-07")] == "fail"
    # its soft_limit is a priority on cgroup v1 only, unknown on a simulated host (VL17-1)
    assert got[("HVA-070", "web-frontend-01")] == "manual"
    # db-primary pins its vCPUs, but unpinned VMs of the same host may use those CPUs too.
    assert got[("HVA-090", "db-primary")] == "fail"
    # The demo host is simulated: its RAM and cores are the test driver's, so both ratios ask.
    assert got[("HVA-060", "hv-demo-01")] == "manual"
    assert got[("HVA-081", "hv-demo-01")] == "manual"
    assert got[("HVA-100", "default")] == "fail" and got[("HVA-100", "iso-library")] == "pass"
    assert got[("HVA-010", "hv-demo-01")] == "not_applicable"
    r = next(r for r in demo_report["results"] if r["check_id"] == "HVA-044")
    assert r["recommendations"] == {
        "sp800-125a-2014": ["HY-SR-5"],
        "sp800-125a-r1": ["HY-SR-7"],
        "sp800-125b": [],
    }
    assert r["baseline_functions"] == {
        "sp800-125a-2014": ["HY-BF2"],
        "sp800-125a-r1": ["HY-BF2"],
        "sp800-125b": [],
    }
    assert r["threats"] == {
        "sp800-125a-2014": ["HYP-T1"],
        "sp800-125a-r1": ["HYP-T1"],
        "sp800-125b": [],
    }
    assert r["evidence"][0]["artefact"].startswith("libvirt/domains/")
    assert len(r["evidence"][0]["sha256"]) == 64


def test_demo_report_carries_no_secret(demo_report: dict) -> None:
    assert "demo-only-secret" not in json.dumps(demo_report)


def test_terminal_report_and_fail_on(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["scan", "--demo", "--color", "never", "--width", "200"], capsys)
    assert code == 1
    assert "By baseline function" in out and "HY-BF2 Devices Mediation and Access Control" in out
    assert "vm <img src=x onerror=alert(1)> on hv-demo-01" in out
    assert "fix: Remove <seclabel type='none'/>" in out
    assert (
        "evidence: libvirt/domains/0b0c6f7e-1d1a-4d5e-9b0a-1f2e3d4c5b03.xml: /domain/seclabel[@type='none']"
        in out
    )
    code, _, _ = run(["scan", "--demo", "--fail-on", "critical", "--color", "never"], capsys)
    assert code == 1  # legacy-erp's unconfined QEMU is critical
    profile_dir = Path(__file__).parent / "fixtures"
    code, _, _ = run(
        [
            "scan",
            "--demo",
            "--fail-on",
            "critical",
            "--profile",
            str(profile_dir / "lenient.toml"),
            "--color",
            "never",
        ],
        capsys,
    )
    assert code == 0


def test_terminal_escapes_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hvaudit.report.terminal import clean

    assert clean("vm\x1b[2J\x07name") == "vm\\x1b[2J\\x07name"


def test_collect_then_assess_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    uri = write_node(tmp_path / "n.xml", [domain_xml("a")])
    code, _, err = run(["collect", "--connect", uri, "-o", str(tmp_path / "b.tar.gz")], capsys)
    assert code == 0 and "bundle written" in err
    code, out, _ = run(
        [
            "assess",
            str(tmp_path / "b.tar.gz"),
            "--format",
            "json",
            "--output",
            str(tmp_path / "r.json"),
        ],
        capsys,
    )
    assert code == 1 and out == ""
    jsonschema.validate(json.loads((tmp_path / "r.json").read_text()), SCHEMA)


@pytest.mark.parametrize(
    ("argv", "code", "fragment"),
    [
        (["scan", "--demo", "--bogus"], 2, "unrecognized arguments: --bogus"),
        (["scan"], 2, "one of the arguments --connect/-c --demo is required"),
        (["assess", "/nonexistent/bundle"], 2, "no such bundle"),
        (["scan", "--connect", "not-a-uri"], 2, "not a libvirt URI"),
        (["scan", "--connect", "test:///nonexistent/node.xml"], 3, "cannot connect"),
        (["scan", "--demo", "--profile", "/nonexistent.toml"], 2, "no such profile"),
        (["catalog", "--function", "HY-BF7"], 2, "unknown baseline function"),
    ],
)
def test_errors_are_one_line_with_documented_codes(
    argv: list[str], code: int, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    got, out, err = run(argv, capsys)
    assert got == code
    assert fragment in err
    assert err.count("\n") == 1 and err.startswith("hvaudit: error: ")
    assert "Traceback" not in err + out


@pytest.mark.parametrize("where", ["missing.xml", "folder"])
def test_a_node_file_that_is_not_there_is_one_line_at_the_file_descriptor(
    tmp_path: Path, where: str
) -> None:
    """libxml2 inside libvirt writes its own "I/O warning" straight to fd 2 for a missing node
    file; the scan says it first, in its own line, and libvirt is never asked."""
    (tmp_path / "folder").mkdir()
    node = tmp_path / where
    proc = subprocess.run(
        [sys.executable, "-m", "hvaudit.cli", "scan", "--connect", f"test://{node}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    what = "no such file" if where == "missing.xml" else "a folder, not a node file"
    assert proc.returncode == 3
    assert proc.stderr.splitlines() == [
        f"hvaudit: error: cannot connect to test://{node}: {node}: {what} "
        "(nothing was collected, no bundle kept)"
    ]


def test_malformed_node_file_and_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<node><cpu></node")
    got, _, err = run(["scan", "--connect", f"test://{bad}"], capsys)
    assert got == 3 and err.count("\n") == 1 and "cannot connect" in err
    prof = tmp_path / "p.toml"
    prof.write_text("[thresholds]\nram_overcommit_max = 'lots'\n")
    got, _, err = run(["scan", "--demo", "--profile", str(prof)], capsys)
    assert got == 2 and "invalid value" in err
    prof.write_text("[thresholds]\nno_such_knob = 1\n")
    got, _, err = run(["scan", "--demo", "--profile", str(prof)], capsys)
    assert got == 2 and "unknown threshold(s) no_such_knob" in err


def test_unparseable_artefact_in_a_bundle_is_an_error_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A domain XML that cannot be parsed (here: tampered and re-hashed) is reported, not skipped."""
    import hashlib

    uri = write_node(tmp_path / "n.xml", [domain_xml("a"), domain_xml("b")])
    assert main(["collect", "--connect", uri, "-o", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    entry = next(
        a
        for a in manifest["artefacts"]
        if a["path"].startswith("libvirt/domains/") and a["path"].endswith(".xml")
    )
    evil = b'<!DOCTYPE d [<!ENTITY x "y">]><domain type="kvm"><name>&x;</name></domain>'
    (tmp_path / "b" / entry["path"]).write_bytes(evil)
    entry["sha256"] = hashlib.sha256(evil).hexdigest()
    entry["size"] = len(evil)
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    got, out, _ = run(["assess", str(tmp_path / "b"), "--format", "json"], capsys)
    assert got == 3
    errors = [r for r in json.loads(out)["results"] if r["status"] == "error"]
    assert [(r["check_id"], r["message"][-40:]) for r in errors[:1]] == [
        (
            "HVA-000",
            f"{entry['path']}: refused unsafe XML (document type or entity declaration)"[-40:],
        )
    ]
    # the refused domain is a VM no per-VM check judged: an error of each, never absent (R28D-4)
    rest = errors[1:]
    assert rest
    assert all(r["message"].endswith("entity declaration))): not judged") for r in rest)
    assert {r["check_id"] for r in rest} == {
        r["check_id"]
        for r in json.loads(out)["results"]
        if r["subject"]["type"] == "vm" and r["check_id"] != "HVA-000"
    }


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for line in (
        "0  no failure at or above --fail-on",
        "1  failures at or above --fail-on",
        "2  usage or input error",
        "3  collection or check errors",
    ):
        assert line in out


def test_checks_listing_is_generated_docs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["checks", "--format", "markdown"], capsys)
    assert code == 0
    committed = (Path(__file__).parent.parent / "docs" / "checks.md").read_text()
    assert out == committed, "docs/checks.md is stale: run `make docs`"


def test_fast_json_rendering_equals_the_report_data(tmp_path: Path) -> None:
    from conftest import run_assessment
    from hvaudit.cli import demo_uri
    from hvaudit.collect import CollectOptions, collect_libvirt
    from hvaudit.report.json_report import render_json, report_dict

    res = collect_libvirt(CollectOptions(demo_uri(), secure_xml=True), tmp_path / "b")
    a = run_assessment(tmp_path / "b")
    assert json.loads(render_json(a)) == report_dict(a)
    assert res.complete
