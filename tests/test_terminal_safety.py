"""Hostile text never reaches a terminal or a text format raw.

A scanned host (or a bundle, a waiver file, a file name) chooses strings that reach the auditor's
screen. Each test plants control, line-separator and bidirectional characters where an attacker
can, runs the real CLI, and asserts that none comes out raw in the terminal report, Markdown, CSV
or JUnit, or on standard error, and that what was there is shown as a visible escape.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import build_bundle, domain_xml, write_node
from hvaudit.cli import main

#: What must never come out raw (newline and TAB are checked per case: they are layout there).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]")
FORGED = "[PASS] everything is fine"
#: A VM display name in .vmx escapes (`|XX` is one character): a newline that starts a forged
#: report line, an OSC title sequence, a screen clear, a right-to-left override, NUL, a line
#: and a C1 CSI (a line separator would end the .vmx line itself).
HOSTILE_VMX = "web|0A" + FORGED + "|1B]0;owned|07|1B[2J\u202eevil|00end|09tab\u009b31m"


def _vmx_tree(tmp_path: Path) -> Path:
    root = tmp_path / "vmx"
    (root / "vm").mkdir(parents=True)
    (root / "vm" / "vm.vmx").write_text(
        f'.encoding = "UTF-8"\ndisplayName = "{HOSTILE_VMX}"\nnumvcpus = "2"\nmemsize = "2048"\n'
        'RemoteDisplay.vnc.enabled = "TRUE"\nRemoteDisplay.vnc.port = "5901"\n',
        encoding="utf-8",
    )
    return root


def _scan(tree: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    main(["scan", "--connect", f"vmx+dir://{tree}", "--format", fmt, "--color", "never"])
    return capsys.readouterr()


def _no_forged_line(text: str) -> None:
    assert not any(line.lstrip().startswith(FORGED) for line in text.splitlines())


def test_terminal_report_escapes_a_hostile_vm_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, err = _scan(_vmx_tree(tmp_path), "terminal", capsys)
    assert "web\\x0a" + FORGED in out  # the VM is named, its newline shown as an escape
    assert RAW.search(out) is None, repr(RAW.search(out))
    assert "\t" not in out  # a field is one line: TAB is escaped too
    _no_forged_line(out)
    assert "\\x1b]0;owned\\x07\\x1b[2J\\u202eevil\\x00end\\x09tab\\x9b31m" in out
    assert RAW.search(err) is None


def test_terminal_colours_are_the_reports_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["scan", "--connect", f"vmx+dir://{_vmx_tree(tmp_path)}", "--color", "always"])
    out = capsys.readouterr().out
    # every escape sequence left is an SGR colour of the report: ESC [ digits/semicolons m
    assert re.findall("\x1b(?!\\[[0-9;]*m)", out) == []
    assert "\x1b[1m" in out and "\\x1b]0;owned" in out


@pytest.mark.parametrize("fmt", ["markdown", "csv", "junit"])
def test_text_formats_carry_no_raw_control_characters(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = _scan(_vmx_tree(tmp_path), fmt, capsys)
    assert RAW.search(out) is None, repr(RAW.search(out))
    _no_forged_line(out)
    # shown as escapes (Markdown also escapes the bracket: `\x1b\]0;owned`)
    assert "\\x1b" in out and ";owned\\x07" in out and "\\u202eevil\\x00end" in out


def test_manifest_hypervisor_and_version_are_cleaned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01")])
    bundle = build_bundle(tmp_path, uri, None)
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["collector"]["libvirt"]["hypervisor"] = "QEMU\x1b]0;pwned\x07\x1b[2J"
    manifest["collector"]["libvirt"]["libvirt_version"] = "9.0.0\n" + FORGED + "\u202e"
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    main(["assess", str(bundle), "--color", "never"])
    out = capsys.readouterr().out
    assert RAW.search(out) is None, repr(RAW.search(out))
    _no_forged_line(out)
    assert "QEMU\\x1b]0;pwned\\x07\\x1b[2J (libvirt 9.0.0\\x0a" + FORGED + "\\u202e)" in out


def test_stderr_escapes_a_libvirt_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no\x1b]0;owned\x07such\u202e.xml"
    code = main(["scan", "--connect", f"test://{missing}"])
    err = capsys.readouterr().err
    assert code == 3
    assert err.count("\n") == 1 and err.startswith("hvaudit: error: ")
    assert RAW.search(err) is None, repr(err)
    assert "no\\x1b]0;owned\\x07such\\u202e.xml" in err


def test_stderr_escapes_a_vmx_file_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = _vmx_tree(tmp_path)
    big = tree / "vm" / "huge\x1b[2J\u202e.vmx"
    with big.open("wb") as fh:
        fh.truncate(5 * 1024 * 1024)  # larger than a .vmx can be: a collection error naming it
    code = main(["collect", "--connect", f"vmx+dir://{tree}", "-o", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert code == 3
    assert "huge\\x1b[2J\\u202e.vmx" in err
    assert RAW.search(err) is None, repr(err)


def test_stderr_escapes_a_waiver_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    waivers = tmp_path / "waivers.toml"
    waivers.write_text(
        "[[waiver]]\n"
        'id = "W-1\\u001b]0;owned\\u0007\\u202e\\nhvaudit: all clear"\n'
        'check = "HVA-031"\nsubject = "vm:*"\nreason = "r"\nowner = "o"\n'
        "expires = 2020-01-01\n"
    )
    main(["scan", "--demo", "--waivers", str(waivers), "--color", "never"])
    out, err = capsys.readouterr()
    assert "waiver W-1\\x1b]0;owned\\x07\\u202e" in err
    assert RAW.search(err) is None and RAW.search(out) is None
    assert not any(line.startswith("hvaudit: all clear") for line in err.splitlines())


def test_json_family_and_html_escape_what_json_may_carry_raw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # libvirt names may hold any character XML allows: U+202E, U+2028 and C1 controls included
    name = "web\u202eevil\u2028x\u009b31m\u200f"
    uri = write_node(tmp_path / "node.xml", [domain_xml(name)])
    paths = {f: tmp_path / f"r.{f}" for f in ("json", "sarif", "oscal", "html")}
    main(
        ["scan", "--connect", uri, "--format", "json", "--output", str(paths["json"])]
        + [arg for f in ("sarif", "oscal", "html") for arg in ("--report", f"{f}={paths[f]}")]
    )
    capsys.readouterr()
    for fmt, path in paths.items():
        text = path.read_text(encoding="utf-8")
        assert RAW.search(text) is None, (fmt, repr(RAW.search(text)))
    # the JSON formats escape them the JSON way: the same value when read back
    report = json.loads(paths["json"].read_text())
    assert name in {r["subject"]["name"] for r in report["results"]}
    assert "web\\u202eevil\\u2028x\\u009b31m\\u200f" in paths["sarif"].read_text()
    assert "web\\u202eevil\\u2028x\\x9b31m\\u200f" in paths["html"].read_text()
