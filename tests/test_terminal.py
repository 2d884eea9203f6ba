"""The terminal report through the real collector, parser, engine and renderer, on test-driver
deployments with long and hostile names: at 80 columns no line is longer than 80, no row of any
table is dropped, every subject is named (clean ones too), and failures are grouped by check."""

from __future__ import annotations

import json
import re

import pytest

from conftest import domain_xml, write_node
from hvaudit.catalog import EDITION_LABELS, EDITIONS, load_catalog
from hvaudit.cli import main

LONG = "web-frontend-of-the-payment-gateway-in-the-second-datacenter-eu-west-7"  # 70 chars
LONGER = "x" * 120  # longer than any line: must be folded, not cut
HOSTILE = "[bold]markup[red]-is-text"
NETWORK = (
    "<network><name>a-very-long-network-name-for-the-tenant-overlay-segment-number-4711</name>"
    "<forward mode='bridge'/><bridge name='br-tenant'/></network>"
)
POOL = (
    "<pool type='dir'><name>images-pool</name><target><path>/var/lib/libvirt/images</path>"
    "</target></pool>"
)


def clean_body(cpu: int) -> str:
    """A VM that fails no check (the golden file's hardened app-1 without an interface, pinned to
    its own host CPU); on the test driver it still has one manual item, HVA-046."""
    return (
        "<memoryBacking><hugepages/></memoryBacking><memtune><hard_limit unit='MiB'>1200"
        "</hard_limit><soft_limit unit='MiB'>800</soft_limit></memtune><cputune><shares>1024"
        f"</shares><quota>50000</quota><vcpupin vcpu='0' cpuset='{cpu}'/><emulatorpin cpuset='{cpu}'/>"
        "</cputune><devices>"
        "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/c.qcow2'/>"
        "<target dev='vda' bus='virtio'/><iotune><total_iops_sec>500</total_iops_sec></iotune>"
        "</disk></devices><seclabel type='dynamic' model='apparmor' relabel='yes'/>"
    )


def names() -> list[str]:
    return [LONG, LONGER, HOSTILE, "a", "b", "c", "d"]


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> str:
    d = tmp_path_factory.mktemp("term")
    pinned = "<cputune><vcpupin vcpu='0' cpuset='4-7'/><emulatorpin cpuset='4-7'/></cputune>"  # off the clean VMs' CPUs
    domains = [domain_xml(n, pinned, dtype="qemu") for n in (LONG, LONGER, "a", "b", "c")]
    domains += [domain_xml(HOSTILE, clean_body(2)), domain_xml("d", clean_body(3))]
    host_file = d / ("hypervisor-host-with-a-long-fully-qualified-name-" + "z" * 30 + ".xml")
    return write_node(host_file, domains, [NETWORK], [POOL])


def report(node: str, capsys: pytest.CaptureFixture[str], *extra: str) -> list[str]:
    code = main(["scan", "--connect", node, "--color", "never", *extra])
    out, err = capsys.readouterr()
    assert code == 1, err
    return out.splitlines()


def section(lines: list[str], title: str) -> list[str]:
    """The lines of a section, from its title to the next blank line."""
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i]), len(lines))
    return lines[start + 1 : end]


def grid_rows(rows: list[str]) -> list[tuple[str, list[str]]]:
    """A grid's rows as (label with whitespace removed, cells), folded or wrapped label lines
    joined (its header and rule checked and left out)."""
    header, rule, body = rows[0], rows[1], rows[2:]
    assert set(rule) == {"─"}
    label_w = header.index("  pass") if "  pass" in header else header.index("  automatic")
    out: list[tuple[str, list[str]]] = []
    for line in body:
        if len(line) > label_w and re.fullmatch(r"(\s+\S+)+", line[label_w:]):
            out.append((line[:label_w], line[label_w:].split()))
        else:  # a continuation of the label above
            out[-1] = (out[-1][0] + line, out[-1][1])
    return [("".join(label.split()), cells) for label, cells in out]


def grid_labels(rows: list[str]) -> list[str]:
    return [label for label, _ in grid_rows(rows)]


def test_at_80_columns_no_line_is_longer_and_no_row_is_dropped(
    node: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = report(node, capsys, "--width", "80")
    assert max(len(line) for line in lines) <= 80
    assert len(max(lines, key=len)) == 80  # the width is used, not a narrower fixed layout
    cat = load_catalog()
    functions = grid_labels(section(lines, "By baseline function"))
    assert [f[: len(fn.id)] for f, fn in zip(functions, cat.functions, strict=False)] == [
        fn.id for fn in cat.functions
    ]
    assert len(functions) == len(cat.functions) + 1  # and platform-wide
    threats = grid_labels(section(lines, "By threat"))
    assert len(threats) == len(cat.threats)
    for label, th in zip(threats, cat.threats, strict=True):
        assert label.startswith("".join(f"{th.id} {th.title}".split())), label
    for edition in EDITIONS:
        recs = cat.editions[edition].recommendations
        for title in (EDITION_LABELS[edition], f"Evidence sufficiency, {EDITION_LABELS[edition]}"):
            labels = grid_labels(section(lines, title))
            assert len(labels) == len(recs), title
            for label, rec in zip(labels, recs, strict=True):
                assert label.startswith("".join(f"{rec.id} {rec.title}".split())), (title, label)


def test_every_subject_is_named_in_the_scorecard_clean_ones_too(
    node: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = report(node, capsys, "--width", "80")
    card = section(lines, "Scorecard")
    labels = grid_labels(card)
    host = "hypervisor-host-with-a-long-fully-qualified-name-" + "z" * 30
    expected = [
        f"host{host}",
        "networka-very-long-network-name-for-the-tenant-overlay-segment-number-4711",
        "poolimages-pool",
        *sorted(f"vm{n}" for n in names()),
    ]
    assert labels == expected
    verdicts = {label: cells[-1] for label, cells in grid_rows(card)}
    # each verdict is the subject's worst result, as the JSON report of the same scan has it
    assert main(["scan", "--connect", node, "--format", "json"]) == 1
    results = json.loads(capsys.readouterr().out)["results"]
    rank = ["info", "low", "medium", "high", "critical"]
    for label in expected[1:]:
        mine = [
            r
            for r in results
            if "".join(f"{r['subject']['type']}{r['subject']['name']}".split()) == label
        ]
        fails = [r["severity"] for r in mine if r["status"] == "fail" and not r.get("waived")]
        statuses = {r["status"] for r in mine}
        want = (
            max(fails, key=rank.index)
            if fails
            else "error"
            if "error" in statuses
            else "answer"
            if "manual" in statuses
            else "clean"
            if mine
            else "check"  # "no check"
        )
        assert verdicts[label] == want, label
    # a VM whose one reported result is a question is "answer" (a simulated host's KVM
    # domains: raw QEMU arguments naming TCG are unseen there, VL17-3's lead) ...
    only = report(node, capsys, "--width", "80", "--check", "HVA-012")
    picked = {label: cells[-1] for label, cells in grid_rows(section(only, "Scorecard"))}
    assert picked == {
        **{f"vm{n}": "high" for n in (LONG, LONGER, "a", "b", "c")},
        f"vm{HOSTILE}": "answer",
        "vmd": "answer",
    }
    # ... and a VM that passes everything reported is "clean"
    code = main(
        ["scan", "--connect", node, "--color", "never", "--width", "80", "--check", "HVA-091"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    picked = {
        label: cells[-1] for label, cells in grid_rows(section(out.splitlines(), "Scorecard"))
    }
    assert picked == {f"vm{n}": "clean" for n in (LONG, LONGER, "a", "b", "c", HOSTILE, "d")}
    assert f"Scorecard: {len(expected)} subject(s), clean ones included" in lines


def test_failures_are_grouped_by_check_with_the_subjects_listed(
    node: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = report(node, capsys, "--width", "200")
    host = "hypervisor-host-with-a-long-fully-qualified-name-" + "z" * 30
    at = lines.index(
        "  [HIGH] HVA-012 fails on 5 of 7 VMs: VM runs with hardware acceleration, not software "
        "emulation"
    )
    assert lines[at + 1] == f"      VMs on {host}: a, b, c, {LONG},"
    assert lines[at + 2] == f"      {LONGER}"  # a word longer than the room is folded, not cut
    assert lines[at + 3] == "      software emulation (TCG, qemu)"
    # markup in a VM name is printed as it is, never interpreted
    assert f"vm {HOSTILE}" in "\n".join(lines)


def test_summary_mode_keeps_the_totals_hosts_and_one_line_per_check(
    node: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = report(node, capsys, "--width", "80", "--summary")
    assert max(len(line) for line in lines) <= 80
    assert "By baseline function" not in lines and "Evidence sufficiency" not in "\n".join(lines)
    card = section(lines, "Scorecard: 1 host(s)")
    assert grid_labels(card) == [
        "host" + "hypervisor-host-with-a-long-fully-qualified-name-" + "z" * 30
    ]
    assert main(["scan", "--connect", node, "--format", "json"]) == 1
    results = json.loads(capsys.readouterr().out)["results"]
    failing = {
        r["subject"]["name"]
        for r in results
        if r["subject"]["type"] == "vm" and r["status"] == "fail"
    }
    assert f"VMs failing {len(failing)} of 7" in " ".join(" ".join(card).split())
    failures = section(lines, "Failures:")
    assert any("HVA-012 fails on 5 of 7 VMs" in line for line in failures)
    assert not any("fix:" in line for line in failures)


def test_width_is_validated_and_wider_terminals_get_wider_lines(
    node: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", "--connect", node, "--width", "30"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hvaudit: error: argument --width: '30': want a number of columns")
    wide = report(node, capsys, "--width", "160")
    assert 80 < max(len(line) for line in wide) <= 160
