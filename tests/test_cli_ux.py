"""The command line as a newcomer meets it: mistyped flags and commands are named with the
closest real one, every option has help, `collect --help` lists only its own exit codes, one check
can be explained, checks, severities and subjects can be picked without a profile, a progress
display appears on a terminal only, and shell completion scripts come from the parser itself."""

from __future__ import annotations

import argparse
import json
import os
import pty
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hvaudit.cli import build_parser, main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["scan", "--conect", "qemu:///system"],
            "unrecognized arguments: --conect: did you mean --connect? (see 'hvaudit scan --help')",
        ),
        (
            ["scan", "--demo", "--fail-onn", "high"],
            "unrecognized arguments: --fail-onn: did you mean --fail-on? "
            "(see 'hvaudit scan --help')",
        ),
        (
            ["scna", "--demo"],
            "argument COMMAND: invalid choice: 'scna' (choose from 'scan', 'collect', 'assess', "
            "'catalog', 'profiles', 'diff', 'checks', 'explain', 'completion', 'fleet'): did you mean "
            "scan? (see 'hvaudit --help')",
        ),
        (
            ["scan", "--demo", "--format", "jsn"],
            "argument --format: invalid choice: 'jsn' (choose from 'terminal', 'json', 'html', "
            "'junit', 'sarif', 'csv', 'markdown', 'oscal'): did you mean json? "
            "(see 'hvaudit scan --help')",
        ),
        (
            ["scan", "--demo", "--check", "HVA-O7O"],
            "--check 'HVA-O7O': no such check: did you mean HVA-070?",
        ),
        (
            ["scan", "--demo", "--severity", "hihg"],
            "--severity 'hihg': no such severity: did you mean high?",
        ),
        (
            ["scan", "--demo", "--subject", "box:web-*"],
            "--subject 'box:web-*': unknown subject type 'box' (host, vm, network, pool, secret)",
        ),
        (
            ["explain", "HVA-19"],
            "no check 'HVA-19': did you mean HVA-190, HVA-191, HVA-192, HVA-193 or HVA-194?",
        ),
        (["explain", "HVA-O44"], "no check 'HVA-O44': did you mean HVA-044?"),
    ],
)
def test_mistakes_are_named_with_the_closest_real_name(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert (code, out, err) == (2, "", f"hvaudit: error: {message}\n")


def _actions(parser: argparse.ArgumentParser, prog: str) -> list[tuple[str, argparse.Action]]:
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out += _actions(sub, f"{prog} {name}")
        elif not isinstance(action, argparse._HelpAction):
            out.append((prog, action))
    return out


def test_every_option_and_argument_has_help_text() -> None:
    actions = _actions(build_parser(), "hvaudit")
    missing = [f"{prog} {a.option_strings or a.dest}" for prog, a in actions if not a.help]
    assert missing == []
    assert len(actions) > 60  # every command's options were walked


def test_collect_help_lists_only_the_exit_codes_collect_has(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["collect", "--help"])
    out = capsys.readouterr().out
    codes = out[out.index("exit codes:") : out.index("examples:")]
    assert [line.split()[0] for line in codes.splitlines()[1:] if line[:3].strip().isdigit()] == [
        "0",
        "2",
        "3",
    ]
    assert "--fail-on" not in out and "0  the bundle is complete" in out


def test_one_check_is_explained(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # explain wraps to the terminal: one line per fact here
    code, out, _ = run(["checks", "hva-191"], capsys)
    assert code == 0
    _, again, _ = run(["explain", "HVA-191"], capsys)
    assert again == out
    lines = out.splitlines()
    assert lines[0] == "HVA-191  VM interface filters MAC, IP and ARP spoofing"
    assert lines[1] == "  severity high; scope vm; automatic; platforms: every platform"
    reads = lines.index(
        "What it reads, as cited on the bundled demo deployment (libvirt test driver)"
    )
    assert lines[reads + 1 : reads + 3] == [
        "  libvirt/domains/<uuid>.xml: /domain/devices/interface[1]",
        "  libvirt/nwfilters/index.json",
    ]
    # ci-runner-03 is on an Open vSwitch bridge: a question (nwfilter cannot reach OVS ports)
    assert "  fail: vm dev-sandbox on hv-demo-01: 52:54:00:10:00:07: no filter" in lines
    # every recommendation the check cites, in every edition, with its section: the Maps to
    # lines and the Sources
    from hvaudit.catalog import EDITION_LABELS, EDITIONS, load_catalog
    from hvaudit.report.explain import find_check

    meta, cat = find_check("HVA-191"), load_catalog()
    cited = [(e, cat.recommendation(e, rid)) for e in EDITIONS for rid in meta.recommendations[e]]
    assert cited
    for e, rec in cited:
        assert f"  {EDITION_LABELS[e]}: {rec.id} {rec.title} (§{rec.section})" in lines
    assert lines[lines.index("Fix") + 1].startswith("  Add <filterref filter='clean-traffic'>")
    start = lines.index("Sources") + 1
    assert lines[start : start + len(cited)] == [
        f"  NIST {EDITION_LABELS[e]} §{rec.section} {rec.id}" for e, rec in cited
    ]
    code, out, _ = run(["explain", "HVA-044", "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["id"] == "HVA-044" and data["severity"] == "critical"
    assert "libvirt/domains/<uuid>.xml: /domain/seclabel[@type='none']" in data["reads"]
    assert data["recommendations"]["sp800-125a-r1"][0]["id"] == "HY-SR-7"


def demo_json(capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, list[dict]]:
    code, out, _ = run(["scan", "--demo", "--format", "json", *flags], capsys)
    return code, json.loads(out)["results"]


def test_checks_severities_and_subjects_are_picked_without_a_profile(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, results = demo_json(capsys, "--check", "HVA-070")
    assert code == 1 and {r["check_id"] for r in results} == {"HVA-070"}
    assert len(results) == 8  # one per demo VM
    code, results = demo_json(capsys, "--check", "HVA-19*", "--skip-check", "HVA-191,HVA-193")
    assert {r["check_id"] for r in results} == {
        "HVA-190",
        "HVA-192",
        "HVA-194",
        "HVA-195",
        "HVA-197",
    }
    code, results = demo_json(capsys, "--severity", "critical")
    assert code == 1 and {
        (r["check_id"], r["subject"]["name"], r["status"]) for r in results if r["status"] == "fail"
    } == {("HVA-044", "legacy-erp", "fail")}
    assert {r["severity"] for r in results} == {"critical"}
    code, results = demo_json(capsys, "--subject", "vm:legacy-*", "--subject", "iso-library")
    assert {(r["subject"]["type"], r["subject"]["name"]) for r in results} == {
        ("vm", "legacy-erp"),
        ("pool", "iso-library"),
    }
    # the exit code counts only what is reported: the ISO library passes
    code, results = demo_json(capsys, "--subject", "pool:iso-library")
    assert code == 0 and [(r["check_id"], r["status"]) for r in results] == [("HVA-100", "pass")]


def test_progress_shows_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from hvaudit.progress import Progress

    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as tty:
        monkeypatch.setattr(sys, "stderr", tty)
        with Progress(delay=0.05) as p:
            p.phase("collecting from qemu+ssh://root@hv1/system")
            time.sleep(0.6)
    shown = os.read(master, 65536).decode(errors="replace")
    os.close(master)
    assert "collecting from qemu+ssh://root@hv1/system" in shown
    piped = subprocess.run(
        [sys.executable, "-m", "hvaudit.cli", "scan", "--demo", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert piped.returncode == 1 and piped.stderr == ""


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_completes_options_and_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, script, _ = run(["completion", "bash"], capsys)
    assert code == 0
    (tmp_path / "hvaudit.bash").write_text(script)

    def complete(*words: str) -> list[str]:
        line = " ".join(("hvaudit", *words))
        probe = (
            f"source {tmp_path / 'hvaudit.bash'}\n"
            f"COMP_WORDS=(hvaudit {' '.join(words)}); COMP_CWORD={len(words)}\n"
            f"COMP_LINE='{line}'; COMP_POINT={len(line)}\n"
            "_shtab_hvaudit; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
        )
        out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True)
        return out.stdout.split()

    assert complete("scan", "--con") == ["--connect"]
    assert "explain" in complete("ex") and complete("sc") == ["scan"]
    assert "critical" not in complete("scan", "--fail-on")  # a value: nothing typed yet
    code, zsh, _ = run(["completion", "zsh"], capsys)
    assert code == 0 and zsh.startswith("#compdef hvaudit")
