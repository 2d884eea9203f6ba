"""Golden files: every renderer on one fixed scan (fixed deployment, clock, waivers, attestations).

A change to any output shows here as a diff against tests/golden/. When the change is intended,
regenerate with `HVAUDIT_UPDATE_GOLDEN=1 make test-fast` and review the diff in the commit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from conftest import build_bundle, write_node
from hvaudit.bundle import Bundle
from hvaudit.checks.base import Severity
from hvaudit.engine import Assessment, assess
from hvaudit.parse import build_deployment
from hvaudit.profile import load_profile
from hvaudit.report import formats
from hvaudit.report.html import render_html
from hvaudit.report.json_report import render_json
from hvaudit.report.oscal import render_oscal
from hvaudit.report.terminal import render_terminal
from hvaudit.waivers import apply_attestations, apply_waivers, load_attestations, load_waivers

GOLDEN = Path(__file__).parent / "golden"

HARDENED = """<domain type='kvm'><name>app-1</name><uuid>11111111-2222-4333-8444-555555555501</uuid>
<memory unit='MiB'>2048</memory><memoryBacking><hugepages/></memoryBacking>
<memtune><hard_limit unit='MiB'>2304</hard_limit><soft_limit unit='MiB'>1536</soft_limit></memtune>
<vcpu placement='static'>2</vcpu><cputune><shares>1024</shares><quota>50000</quota>
<vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='3'/></cputune>
<os><type arch='x86_64'>hvm</type></os><devices>
<disk type='file' device='disk'><source file='/var/lib/libvirt/images/app-1.qcow2'/><target dev='vda' bus='virtio'/>
<iotune><total_iops_sec>500</total_iops_sec></iotune></disk>
<interface type='network'><mac address='52:54:00:aa:00:01'/><source network='lan'/><model type='virtio'/>
<filterref filter='clean-traffic'/><bandwidth><inbound average='1000'/><outbound average='1000'/></bandwidth></interface>
<graphics type='vnc' autoport='yes' listen='127.0.0.1'/><video><model type='virtio'/></video></devices>
<seclabel type='dynamic' model='apparmor' relabel='yes'/></domain>"""

INSECURE = """<domain type='qemu'><name>old-1</name><uuid>11111111-2222-4333-8444-555555555502</uuid>
<memory unit='MiB'>4096</memory><vcpu placement='static'>8</vcpu><os><type arch='x86_64'>hvm</type></os>
<devices><disk type='file' device='floppy'><source file='/f.img'/><target dev='fda' bus='fdc'/></disk>
<interface type='bridge'><mac address='52:54:00:aa:00:02'/><source bridge='br0'/><model type='e1000'/></interface>
<graphics type='vnc' autoport='yes' listen='0.0.0.0'/></devices><seclabel type='none' model='apparmor'/></domain>"""

NETWORK = (
    "<network><name>lan</name><uuid>11111111-2222-4333-8444-555555555510</uuid>"
    "<forward mode='bridge'/><bridge name='br-lan'/></network>"
)
POOL = (
    "<pool type='dir'><name>images</name><uuid>11111111-2222-4333-8444-555555555520</uuid>"
    "<target><path>/var/lib/libvirt/images</path></target></pool>"
)

WAIVERS = """[[waiver]]
id = "W-1"
check = "HVA-031"
subject = "vm:old-*"
reason = "Console needed until migration"
owner = "ops@example.com"
expires = 2027-06-30
"""
ATTESTATIONS = """[[attestation]]
id = "A-1"
check = "HVA-101"
subject = "host:*"
answer = "no"
attested_by = "auditor@example.com"
attested_at = 2026-11-01
valid_days = 180
evidence = "Audit interview 2026-11-01"
"""


@pytest.fixture(scope="module")
def assessment(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    d = tmp_path_factory.mktemp("golden")
    uri = write_node(
        d / "hv-golden.xml", [HARDENED, INSECURE], [NETWORK], [POOL], memory_kib=8 * 1024 * 1024
    )
    deployment, problems = build_deployment(Bundle.open(build_bundle(d, uri, None)))
    deployment.target = "test:///golden/hv-golden.xml"
    deployment.collected_at = "2026-11-27T08:00:00Z"
    a = assess(
        deployment, problems, load_profile(), now=dt.datetime(2026, 11, 27, 8, 0, 5, tzinfo=dt.UTC)
    )
    (d / "w.toml").write_text(WAIVERS)
    (d / "a.toml").write_text(ATTESTATIONS)
    apply_attestations(a, load_attestations(d / "a.toml"), dt.date(2026, 11, 27))
    apply_waivers(a, load_waivers(d / "w.toml"), dt.date(2026, 11, 27))
    return a


RENDERERS = {
    "report.json": render_json,
    "report.html": render_html,
    "report.oscal.json": render_oscal,
    "report.sarif": formats.render_sarif,
    "report.junit.xml": formats.render_junit,
    "report.csv": formats.render_csv,
    "report.md": formats.render_markdown,
    "report.txt": lambda a: render_terminal(a, color=False, fail_on=Severity.LOW),
}


# The JSON renderers write one line; their golden files hold the same document indented, so that a
# change reads as a line diff and two branches that change different results merge. The renderer's
# own bytes must still parse, and every key, value and order must match.
INDENTED = {"report.json", "report.oscal.json", "report.sarif"}


def _as_stored(name: str, text: str) -> str:
    if name not in INDENTED:
        return text
    return json.dumps(json.loads(text), indent=1, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_renderer_matches_golden_file(assessment: Assessment, name: str) -> None:
    got = _as_stored(name, RENDERERS[name](assessment))
    path = GOLDEN / name
    if os.environ.get("HVAUDIT_UPDATE_GOLDEN") == "1":
        path.write_text(got)
    assert path.exists(), f"{path} is missing: run with HVAUDIT_UPDATE_GOLDEN=1"
    assert got == path.read_text(), f"{name} differs from {path}; if intended, regenerate it"
