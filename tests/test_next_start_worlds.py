"""The next-start worlds without their O(K x N) cost, and without a verdict changed.

The engine judges each running VM whose persistent definition differs in a world of its own (the
VM restarted alone while the others run as now: `engine._next_worlds`). A check that judges each
VM by itself (`@check(per_vm=True)`) gives nothing new in such a world: its outcomes there are the
VM's outcomes of the all-at-once world and every other VM's of the running deployment, both
merged already, so `engine._judged` does not evaluate it. These tests hold every check declared
so to the property that makes that sound (its outcomes on a deployment are, in order, those it
gives on each VM alone), on the demo, golden and VM-check deployments, the Proxmox VE fixture
with pending values, and deployments with redefined VMs that interact; and they hold the whole
assessment to the old algorithm (every world evaluated), kept here as the reference.
"""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, write_node
from hvaudit import engine
from hvaudit.bundle import Bundle
from hvaudit.checks.base import Check, Context, Outcome
from hvaudit.cli import main
from hvaudit.engine import Planned, assess
from hvaudit.model import Deployment, Vm
from hvaudit.parse import build_deployment
from hvaudit.profile import load_profile
from test_checks_vm import DOMAINS, NETWORKS, _with_filters
from test_golden import HARDENED, INSECURE, NETWORK, POOL

REPO = Path(__file__).resolve().parent.parent
CONFINED = "<seclabel type='dynamic' model='apparmor'/>"
OWN_WORLD = " while the other VMs run as they run now "


def _tpm(sock: str) -> str:
    return (
        "<devices><tpm model='tpm-crb'><backend type='external'>"
        f"<source type='unix' mode='connect' path='{sock}'/></backend></tpm></devices>"
    )


def _nvdimm(path: str) -> str:
    return (
        "<maxMemory slots='2' unit='MiB'>4096</maxMemory><cpu><numa>"
        "<cell id='0' cpus='0' memory='1024' unit='MiB'/></numa></cpu>"
        "<devices><memory model='nvdimm' access='shared'><source><path>"
        f"{path}</path></source><target><size unit='MiB'>128</size><node>0</node></target>"
        "</memory></devices>"
    )


def _bridged(mac: str, extra: str = "") -> str:
    return (
        f"<devices><interface type='bridge'><mac address='{mac}'/><source bridge='br0'/>"
        f"<model type='virtio'/><filterref filter='clean-traffic'/>{extra}</interface>"
        "<graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>"
    )


STATIC = (
    "<seclabel type='static' model='apparmor' relabel='no'><label>libvirt-shared</label></seclabel>"
)

# VMs that interact now, and definitions that change how (K = 3 of them redefined).
RUNNING = [
    domain_xml("tpm-a", body=CONFINED + _tpm("/run/s1")),
    domain_xml("tpm-b", body=CONFINED + _tpm("/run/s2")),
    domain_xml("pm1", body=CONFINED + _nvdimm("/dev/shm/pm")),
    domain_xml("pm2", body=CONFINED + _nvdimm("/dev/shm/pm")),
    domain_xml("mac1", body=CONFINED + _bridged("52:54:00:00:09:01")),
    domain_xml("mac2", body=CONFINED + _bridged("52:54:00:00:09:02")),
    domain_xml("wide", body=CONFINED + _bridged("52:54:00:00:09:03")),
    # an isolated port beside the open ones on br0 (HVA-197 names them)
    domain_xml("iso", body=CONFINED + _bridged("52:54:00:00:09:04", "<port isolated='yes'/>")),
    # one static AppArmor label for two VMs (HVA-044)
    domain_xml("st1", body=STATIC),
    domain_xml("st2", body=STATIC),
]
REDEFINED = {
    # swapped sockets: one TPM for two VMs only while one restarts and the other runs (HVA-065)
    "tpm-a": domain_xml("tpm-a", body=CONFINED + _tpm("/run/s2")),
    "tpm-b": domain_xml("tpm-b", body=CONFINED + _tpm("/run/s1")),
    # more vCPUs than the host's cores, its console on every address, unconfined, mac2's MAC
    "wide": domain_xml(
        "wide",
        body="<seclabel type='none'/>"
        + _bridged("52:54:00:00:09:02").replace("127.0.0.1", "0.0.0.0"),
        vcpus=64,
        memory_mib=4096,
    ),
    # more memory only: read of no other VM by any check but the host's memory sums
    "mac1": domain_xml("mac1", body=CONFINED + _bridged("52:54:00:00:09:01"), memory_mib=2048),
    "mac2": domain_xml("mac2", body=CONFINED + _bridged("52:54:00:00:09:02"), memory_mib=2048),
}


def _pci(bus: str, fn: str) -> str:
    return (
        "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address "
        f"domain='0x0000' bus='0x{bus}' slot='0x00' function='0x{fn}'/></source></hostdev></devices>"
    )


# two VMs given functions of one IOMMU group, one its own group (HVA-050 names the other owner)
IOMMU_DOMAINS = [
    domain_xml("g1", body=_pci("03", "0")),
    domain_xml("g2", body=_pci("03", "1")),
    domain_xml("g3", body=_pci("06", "0")),
]
IOMMU_HOST = dict(
    HARDENED_HOST,
    **{
        "iommu-group-devices": (
            "/sys/kernel/iommu_groups/7/devices/0000:03:00.0\n"
            "/sys/kernel/iommu_groups/7/devices/0000:03:00.1\n"
            "/sys/kernel/iommu_groups/9/devices/0000:06:00.0\n",
            0,
        ),
        "pci-drivers": (
            "/sys/bus/pci/drivers/vfio-pci/0000:03:00.0\n"
            "/sys/bus/pci/drivers/vfio-pci/0000:03:00.1\n"
            "/sys/bus/pci/drivers/vfio-pci/0000:06:00.0\n",
            0,
        ),
    },
)


def _libvirt_scan(
    tmp: Path, running: list[str], redefined: list[str], host: dict[str, Any] | None
) -> Deployment:
    """The deployment the real collector reads from a test-driver connection on which
    `redefined` were defined after the open (running domains keep their running definition and
    get these as their persistent one, as `virsh define` does)."""
    import libvirt

    uri = write_node(tmp / "n.xml", running)
    conn = libvirt.open(uri)
    for xml in redefined:
        conn.defineXML(xml)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(libvirt, "open", lambda name=None: conn)
        mp.setattr(libvirt, "openReadOnly", lambda name=None: conn)
        bundle = build_bundle(tmp, uri, host)
    deployment, _ = build_deployment(Bundle.open(bundle))
    return deployment


# the running VMs' AppArmor profiles are loaded (HVA-044 passes them now)
PROFILED_HOST = dict(
    HARDENED_HOST,
    **{
        "/sys/kernel/security/apparmor/profiles": HARDENED_HOST[
            "/sys/kernel/security/apparmor/profiles"
        ]
        + "".join(
            f"libvirt-{uuid.uuid5(uuid.NAMESPACE_DNS, n)} (enforce)\n"
            for n in ("tpm-a", "tpm-b", "pm1", "pm2", "mac1", "mac2", "wide", "iso")
        )
    },
)


def _pending(
    tmp: Path, names: list[str], host: dict[str, Any] | None = PROFILED_HOST
) -> Deployment:
    return _libvirt_scan(tmp, RUNNING, [REDEFINED[n] for n in names], host)


def _all_started(dep: Deployment) -> Deployment:
    """The deployment with every changed definition started (the first next-start world)."""
    return dataclasses.replace(
        dep, vms=[dep.next_boot.get(v.uuid, v) for v in dep.vms], next_boot={}
    )


def _bundle_deployment(bundle: Path) -> Deployment:
    return build_deployment(Bundle.open(bundle))[0]


@pytest.fixture(scope="module")
def deployments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Deployment]:
    """Deployments of every kind the tests hold the per-VM checks to."""
    tmp = tmp_path_factory.mktemp("worlds")
    out: dict[str, Deployment] = {}
    demo = f"test://{REPO / 'src/hvaudit/demo/hv-demo-01.xml'}"
    out["demo"] = _bundle_deployment(build_bundle(tmp, demo, None, name="demo"))
    out["demo-real-host"] = _bundle_deployment(
        build_bundle(tmp, demo, HARDENED_HOST, name="demo-h")
    )
    golden = write_node(
        tmp / "golden.xml", [HARDENED, INSECURE], [NETWORK], [POOL], memory_kib=8 * 1024 * 1024
    )
    out["golden"] = _bundle_deployment(build_bundle(tmp, golden, None, name="golden"))
    vmnode = write_node(tmp / "vmnode.xml", DOMAINS.values(), NETWORKS)
    out["vm-checks"] = _bundle_deployment(build_bundle(tmp, vmnode, None, name="vm-sim"))
    out["vm-checks-real-host"] = _bundle_deployment(
        _with_filters(tmp, vmnode, dict(HARDENED_HOST), "vm-real")
    )
    for name in ("proxmox-node", "proxmox-hardened"):
        dest = tmp / name
        assert main(
            ["collect", "--connect", f"pve+dir://{REPO / 'tests/fixtures' / name}", "-o", str(dest)]
        ) in (0, 3)
        out[name] = _bundle_deployment(dest)
    (tmp / "iommu").mkdir()
    iommu = write_node(tmp / "iommu" / "n.xml", IOMMU_DOMAINS)
    out["iommu"] = _bundle_deployment(build_bundle(tmp / "iommu", iommu, IOMMU_HOST))
    (tmp / "pending").mkdir()
    out["interacting"] = _pending(tmp / "pending", list(REDEFINED))
    (tmp / "pending-sim").mkdir()
    out["interacting-simulated"] = _pending(tmp / "pending-sim", list(REDEFINED), None)
    for name in [n for n in out if out[n].next_boot]:
        dep = out[name]
        out[f"{name} (all started)"] = _all_started(dep)
        for v in [v for v in dep.vms if v.uuid in dep.next_boot]:
            twin = dep.next_boot[v.uuid]
            out[f"{name} ({v.name} started alone)"] = dataclasses.replace(
                dep, vms=[twin if w is v else w for w in dep.vms], next_boot={}
            )
    return out


PER_VM = sorted((c for c in engine.all_checks() if c.per_vm), key=lambda c: c.meta.id)


def _run(chk: Check, dep: Deployment) -> list[Outcome]:
    return list(chk.func(Context(dep, load_profile())))


def _alone(dep: Deployment, vm: Any) -> Deployment:
    """`dep` with `vm` its only VM (its host, networks, pools and the rest as they are)."""
    return dataclasses.replace(dep, vms=[vm], next_boot={})


def _applies(chk: Check, dep: Deployment) -> bool:
    return dep.platform in chk.meta.platforms or "any" in chk.meta.platforms


def test_the_deployments_hold_pending_definitions_and_interacting_vms(
    deployments: dict[str, Deployment],
) -> None:
    assert sorted(v.name for v in deployments["interacting"].next_boot.values()) == [
        "mac1",
        "mac2",
        "tpm-a",
        "tpm-b",
        "wide",
    ]
    pve = deployments["proxmox-node"]
    assert pve.platform == "proxmox-ve" and pve.next_boot
    # HVA-058 compares VMs (peers "disks", VL16-7); HVA-091 their CPUs (VL17-2); HVA-031
    # reads other VMs' user-mode networking (peers "interfaces", "raw_hypervisor_arguments", R17-5)
    # HVA-238 (network disks, VL19-1) and HVA-239 (console clipboard, CL21-1) judge each VM alone
    assert len(PER_VM) == 19


@pytest.mark.parametrize("chk", PER_VM, ids=lambda c: c.meta.id)
def test_a_per_vm_check_judges_each_vm_alone(
    deployments: dict[str, Deployment], chk: Check
) -> None:
    """What `per_vm=True` declares: on every deployment the check's outcomes are, in order, the
    outcomes it gives on each VM alone. A check that reads another VM (a shared file, socket,
    MAC, label or bridge, a host-wide sum) breaks it on the deployments where VMs interact."""
    judged = 0
    for name, dep in deployments.items():
        if not _applies(chk, dep):
            continue
        whole = _run(chk, dep)
        alone = [o for v in dep.vms for o in _run(chk, _alone(dep, v))]
        assert whole == alone, (name, chk.meta.id)
        assert _run(chk, dataclasses.replace(dep, vms=[], next_boot={})) == [], name
        judged += len(whole) if len(dep.vms) > 1 else 0
    assert judged, f"{chk.meta.id} judged no VM beside another on any deployment"


@pytest.mark.parametrize(
    ("check_id", "deployment"),
    [
        ("HVA-065", "interacting (tpm-a started alone)"),  # a TPM socket two VMs connect to
        ("HVA-057", "interacting"),  # an nvdimm file two VMs map shared
        ("HVA-060", "interacting"),  # a host's memory: the sum of its VMs'
    ],
)
def test_the_property_tells_a_check_that_compares_vms(
    deployments: dict[str, Deployment], check_id: str, deployment: str
) -> None:
    """The test above can fail: on these deployments a check that compares VMs is not the sum
    of its verdicts on each VM alone."""
    (chk,) = [c for c in engine.all_checks() if c.meta.id == check_id]
    assert not chk.per_vm
    dep = deployments[deployment]
    whole = _run(chk, dep)
    alone = [o for v in dep.vms for o in _run(chk, _alone(dep, v))]
    assert whole != alone


PEERS = sorted((c for c in engine.all_checks() if c.peers is not None), key=lambda c: c.meta.id)
KEPT = {"name", "uuid", "host", "source"}
"""What a next-start definition keeps (`source`: what it differs in is its file, not a field a
check reads of another VM)."""


def _graft(v: Vm, donor: Vm, peers: frozenset[str]) -> Vm:
    """VM `v` with every field but those in `peers` (and its name, uuid, host and source) taken
    from `donor`: a definition that changes anything a check does not read of other VMs."""
    taken = {f.name for f in dataclasses.fields(Vm)} - peers - KEPT
    return dataclasses.replace(v, **{f: getattr(donor, f) for f in taken})


def _about(outs: list[Outcome], v: Vm, mine: bool) -> list[Outcome]:
    s = (v.name, v.host, v.uuid)
    return [o for o in outs if ((o.subject.name, o.subject.host, o.subject.id) == s) is mine]


def _peer_violations(
    chk: Check, peers: frozenset[str], dep: Deployment, *, every_donor: bool = False
) -> list[str]:
    """Where `chk` reads more of other VMs than `peers`: for each VM v, v given another VM's
    other fields (the next VM's, or with `every_donor` each other VM's) must leave every other
    subject's outcomes as they are, and v's own outcomes must not change when every other VM
    is given yet another VM's other fields."""
    out = []
    vms = dep.vms
    base = _run(chk, dep)
    pairs = [
        (n, v, vms[d])
        for n, v in enumerate(vms)
        for d in (range(len(vms)) if every_donor else [(n + 1) % len(vms)])
        if d != n
    ]
    for n, v, donor in pairs:
        grafted = [_graft(v, donor, peers) if w is v else w for w in vms]
        one = _run(chk, dataclasses.replace(dep, vms=grafted, next_boot={}))
        if _about(one, v, False) != _about(base, v, False):
            out.append(f"{v.name} given {donor.name}'s fields changes another subject's outcomes")
        others = [
            w if m == n else _graft(w, vms[(m + 2) % len(vms)], peers)
            for m, w in enumerate(grafted)
        ]
        every = _run(chk, dataclasses.replace(dep, vms=others, next_boot={}))
        if _about(every, v, True) != _about(one, v, True):
            out.append(f"{v.name}'s outcomes change with the other VMs' other fields")
    return out


@pytest.mark.parametrize("chk", PEERS, ids=lambda c: c.meta.id)
def test_a_check_reads_of_other_vms_only_the_fields_it_declares(
    deployments: dict[str, Deployment], chk: Check
) -> None:
    """What `peers=` declares: the fields a check reads of VMs other than the one an outcome is
    about (a next-start definition that changes none of them changes no other subject's
    verdict, and its own verdict is the same whatever else the others change)."""
    assert chk.peers is not None and not chk.per_vm
    judged = 0
    for name, dep in deployments.items():
        if _applies(chk, dep) and len(dep.vms) > 2:
            assert _peer_violations(chk, chk.peers, dep) == [], (name, chk.meta.id)
            judged += 1
    assert judged >= 5


@pytest.mark.parametrize(
    ("check_id", "missing", "deployment"),
    [
        ("HVA-065", "tpm_external_sockets", "interacting"),
        ("HVA-197", "interfaces", "interacting"),
        ("HVA-044", "security_labels", "interacting"),
        ("HVA-191", "interfaces", "vm-checks-real-host"),
        ("HVA-057", "shared_memory_files", "interacting"),
        ("HVA-090", "cpu_affinity", "demo"),
        ("HVA-050", "passthrough", "iommu"),
    ],
)
def test_the_peer_test_tells_a_field_left_out(
    deployments: dict[str, Deployment], check_id: str, missing: str, deployment: str
) -> None:
    """The test above can fail: with a field it compares left out of its declaration, a check
    breaks it."""
    (chk,) = [c for c in engine.all_checks() if c.meta.id == check_id]
    assert chk.peers is not None and missing in chk.peers
    dep = deployments[deployment]
    assert _peer_violations(chk, chk.peers, dep, every_donor=True) == []
    assert _peer_violations(chk, chk.peers - {missing}, dep, every_donor=True) != []


def _old_judged(planned: Planned, ctx: Context) -> list[Outcome]:
    """The algorithm before: every check on every next-start world (the reference)."""
    outcomes = engine._outcomes(planned, ctx)
    for world in engine._next_worlds(ctx):
        outcomes = engine._with_next_boot(outcomes, engine._outcomes(planned, world.ctx), world)
    return outcomes


def _results(dep: Deployment) -> list[tuple[str, Outcome, str]]:
    a = assess(dep, [], load_profile())
    return [(r.check.id, r.outcome, r.severity.value) for r in a.results]


@pytest.fixture(scope="module")
def pending_sets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, Deployment]]:
    tmp = tmp_path_factory.mktemp("pending")
    out = {}
    sets = {0: [], 1: ["wide"], 2: ["mac1", "mac2"], 3: ["tpm-a", "tpm-b", "wide"]}
    for k, names in sets.items():
        (tmp / str(k)).mkdir()
        out[k] = _pending(tmp / str(k), names)
    yield out
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_the_assessment_equals_the_old_algorithms(
    pending_sets: dict[int, Deployment], monkeypatch: pytest.MonkeyPatch, k: int
) -> None:
    """Statuses, messages, evidence and questions of every result, with K = 0, 1, 2 and 3 running
    VMs redefined among VMs that share a TPM socket, an nvdimm file and a bridge (K = 2: more
    memory only)."""
    dep = pending_sets[k]
    assert len(dep.next_boot) == k
    new = _results(dep)
    monkeypatch.setattr(engine, "_judged", _old_judged)
    old = _results(dep)
    assert new == old
    messages = [o.message for _, o, _ in new]
    if k == 3:
        # the worlds the per-VM checks skip still judge the VMs that compare: each of tpm-a and
        # tpm-b restarted alone shares the other's socket
        assert any(OWN_WORLD in m and "one TPM for several VMs" in m for m in messages)
    if k in (1, 3):
        assert any(m.startswith("at its next start (its persistent") for m in messages)


@pytest.mark.parametrize(
    ("k", "expected"),
    [
        # tpm-a and tpm-b change their TPM socket, wide its interfaces and labels
        (3, {"HVA-031": 5, "HVA-080": 2, "HVA-044": 5, "HVA-065": 5, "HVA-197": 5, "HVA-057": 2}),
        # mac1 and mac2 their memory: only the host's memory sum reads that of other VMs
        (
            2,
            {
                "HVA-031": 2,
                "HVA-080": 2,
                "HVA-044": 2,
                "HVA-065": 2,
                "HVA-197": 2,
                "HVA-060": 4,
                "HVA-090": 2,
            },
        ),
    ],
)
def test_a_check_runs_once_per_world_only_where_it_can_tell(
    pending_sets: dict[int, Deployment], k: int, expected: dict[str, int]
) -> None:
    """With K changed definitions there are 1 + K next-start worlds: a check that compares VMs
    on a field some definition changes runs on the running deployment and on each (K + 2
    runs); a per-VM check, or one whose compared fields no definition changes, on the running
    deployment and the all-at-once world only (2)."""
    dep = pending_sets[k]
    ctx = Context(dep, load_profile())
    assert len(engine._next_worlds(ctx)) == k + 1
    calls: dict[str, int] = {}
    for p in engine.plan(dep, load_profile()):
        if p.meta.id not in expected:
            continue

        def counted(c: Context, func: Any = p.check.func, cid: str = p.meta.id) -> Any:
            calls[cid] = calls.get(cid, 0) + 1
            return func(c)

        counting = Planned(dataclasses.replace(p.check, func=counted), p.meta, p.severity)
        assert engine._judged(counting, ctx) == _old_judged(p, ctx)
    assert calls == expected
