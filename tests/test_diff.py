"""`hvaudit diff`: subjects added and removed are reported once as such, before new failures, fixed
ones and other changes (a new VM is "vm web-9 on hv added", not sixty "absent -> pass" lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import domain_xml, write_node
from hvaudit.cli import main

#: a per-VM emulated TPM 2.0: HVA-065 passes on the definition alone
TPM = "<devices><tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>"


def scan_json(tmp_path: Path, folder: str, domains: list[str]) -> Path:
    (tmp_path / folder).mkdir()
    uri = write_node(tmp_path / folder / "hv.xml", domains)  # same file name: the same host
    out = tmp_path / f"{folder}.json"
    assert main(["scan", "--connect", uri, "--format", "json", "-o", str(out)]) in (0, 1)
    return out


def test_added_and_removed_vms_are_reported_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = scan_json(tmp_path, "old", [domain_xml("app-1"), domain_xml("old-db", dtype="qemu")])
    new = scan_json(tmp_path, "new", [domain_xml("app-1"), domain_xml("web-9", dtype="qemu")])
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--format", "json", "--fail-on-new"]) == 1
    d = json.loads(capsys.readouterr().out)
    new_results = json.loads(new.read_text())["results"]
    web9 = [r for r in new_results if r["subject"]["name"] == "web-9"]
    web9_fails = sorted(r["check_id"] for r in web9 if r["status"] == "fail")
    assert [(a["type"], a["host"], a["name"]) for a in d["added"]] == [("vm", "hv", "web-9")]
    assert [(a["type"], a["host"], a["name"]) for a in d["removed"]] == [("vm", "hv", "old-db")]
    assert sum(d["added"][0]["counts"].values()) == len(web9)
    assert d["added"][0]["counts"]["fail"] == len(web9_fails)
    # the added VM's failures are new failures (the old scan did not have them); nothing else
    # of either VM is listed result by result
    assert [(x["check_id"], x["subject"]["name"], x["old"]) for x in d["new_failures"]] == [
        (c, "web-9", None) for c in web9_fails
    ]
    assert "HVA-012" in web9_fails
    assert d["fixed"] == [] and d["changed"] == []

    assert main(["diff", str(old), str(new)]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0] == "Subjects added (1), removed (1)"
    assert text[1].startswith(f"  vm web-9 on hv added: {len(web9)} result(s): ")
    assert text[2].startswith("  vm old-db on hv removed: had ")
    assert text[3] == f"New failures ({len(web9_fails)})"
    assert not [line for line in text if "absent -> pass" in line]


def test_a_vm_that_stays_is_compared_check_by_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a per-VM verdict the XML settles on a simulated host too: HVA-065's virtual TPM (a
    # simulated host's HVA-012 pass is a question: raw arguments are unseen there)
    old = scan_json(tmp_path, "old", [domain_xml("a")])
    new = scan_json(tmp_path, "new", [domain_xml("a", body=TPM)])
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--format", "json", "--fail-on-new"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["added"] == [] and d["removed"] == [] and d["new_failures"] == []
    assert [(x["check_id"], x["subject"]["name"], x["old"], x["new"]) for x in d["fixed"]] == [
        ("HVA-065", "a", "fail", "pass")
    ]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda r: r.pop("check_id"),
        lambda r: r.update(status="maybe"),
        lambda r: r.update(subject="vm web-9"),
        lambda r: r["subject"].pop("name"),
        lambda r: r.update(title=["a list"]),
        lambda r: r.update(waived="no"),
    ],
    ids=[
        "no-check-id",
        "unknown-status",
        "subject-not-object",
        "subject-no-name",
        "title",
        "waived",
    ],
)
def test_a_wrong_shaped_result_is_an_input_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mangle: object
) -> None:
    good = scan_json(tmp_path, "old", [domain_xml("app-1")])
    data = json.loads(good.read_text())
    mangle(data["results"][2])  # type: ignore[operator]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["diff", str(good), str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"hvaudit: error: {bad}: result 3 is not an hvaudit result "
        "(needs check_id, a known status and a subject with type and name)"
    ]


def test_json_diff_escapes_hostile_text_for_terminals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = scan_json(tmp_path, "old", [domain_xml("app-1")])
    data = json.loads(old.read_text())
    failing = next(r for r in data["results"] if r["status"] != "fail")
    failing.update(status="fail", message="evil \u202e\u001b[2J text")
    new = tmp_path / "new.json"
    new.write_text(json.dumps(data, ensure_ascii=False))
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\x1b" not in out
    assert json.loads(out)["new_failures"][0]["message"] == "evil \u202e\u001b[2J text"
