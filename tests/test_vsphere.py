"""vSphere end to end against govmomi's simulator (tests/vcsim, built from Debian's Go packages by
scripts/build-vcsim): a vCenter with two clusters' worth of hosts, seeded through pyVmomi with a
hardened and an insecure VM and two port groups, scanned through `vsphere://`.

The simulator has no host service system, NTP or advanced host options, and it accepts every
call from its one user (it does not enforce the Read-only role): host-level vSphere checks are
therefore not asserted here, and the read-only role is documented, not proven, by this test.
Port groups are added with their security policy and VLAN (the simulator cannot update one), and
it reports no `computedPolicy`: the collector derives the effective policy as ESXi does."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main

pyVim_connect = pytest.importorskip("pyVim.connect")
pyVmomi = pytest.importorskip("pyVmomi")
vim = pyVmomi.vim

ROOT = Path(__file__).resolve().parents[1]
USER, PASSWORD = "hvaudit-ro", "vcsim-Secret-9"  # a fake account of the simulator

pytestmark = pytest.mark.vcsim


@pytest.fixture(scope="session")
def vcsim_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("go") is None:
        pytest.fail("the vSphere tests need Go and govmomi: run scripts/install-system-deps")
    out = tmp_path_factory.mktemp("vcsim") / "vcsim-hvaudit"
    subprocess.run([str(ROOT / "scripts" / "build-vcsim"), str(out)], check=True, timeout=300)
    return out


class Vcsim:
    def __init__(self, binary: Path, workdir: Path, *args: str) -> None:
        cert = workdir / "vcsim.pem"
        self.proc = subprocess.Popen(
            [str(binary), "-pass", PASSWORD, "-cert", str(cert), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        info = json.loads(self.proc.stdout.readline())
        self.url, self.cert = info["url"], info["cert"]
        host_port = self.url.split("//", 1)[1].split("/", 1)[0]
        self.host, self.port = host_port.rsplit(":", 1)
        self.target = f"vsphere://{host_port}"

    def connect(self) -> Any:
        return pyVim_connect.SmartConnect(
            host=self.host,
            port=int(self.port),
            user=USER,
            pwd=PASSWORD,
            sslContext=ssl.create_default_context(cafile=self.cert),
        )

    def stop(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(10)
        self.proc.stdout.close()


# Two standalone hosts and a cluster of three, every VM on its host's standard "VM Network".
# On DC0_H0: VLAN 20, everything rejected; on DC0_H1: VLAN 4095 (a trunk to the guest) with
# forged transmits accepted; elsewhere the simulator's defaults (ESXi's vSwitch0 at install: MAC
# changes and forged transmits accepted).
PORT_GROUPS = (
    "-portgroups",
    "0",
    "-hosts",
    "2",
    "-cluster-hosts",
    "3",
    "-portgroup",
    "DC0_H0/VM Network=20:false:false:false",
    "-portgroup",
    "DC0_H1/VM Network=4095:false:false:true",
    # DC0_H0 is the hardened host: lockdown, firewall limited to a management network;
    # DC0_H1 runs SSH and the ESXi Shell (the simulator cannot change these through the API)
    "-lockdown",
    "DC0_H0",
    "-firewall-restricted",
    "DC0_H0",
    "-ssh",
    "DC0_H1",
)
HARDENED_OPTIONS = {
    "UserVars.ESXiShellInteractiveTimeOut": 900,
    "UserVars.ESXiShellTimeOut": 600,
    "UserVars.DcuiTimeOut": 600,
    "UserVars.HostClientSessionTimeout": 900,
    "Mem.ShareForceSalting": 2,
    "Config.HostAgent.plugins.solo.enableMob": False,
}
INSECURE_OPTIONS = HARDENED_OPTIONS | {
    "UserVars.ESXiShellInteractiveTimeOut": 0,
    "Mem.ShareForceSalting": 0,
    "Config.HostAgent.plugins.solo.enableMob": True,
}


@pytest.fixture
def vcsim(vcsim_binary: Path, tmp_path: Path) -> Iterator[Vcsim]:
    sim = Vcsim(vcsim_binary, tmp_path, *PORT_GROUPS)
    try:
        yield sim
    finally:
        sim.stop()


def _wait(task: Any) -> None:
    for _ in range(200):
        if task.info.state in ("success", "error"):
            break
        time.sleep(0.05)
    assert task.info.state == "success", task.info.error


def _objects(content: Any, kind: Any) -> list[Any]:
    view = content.viewManager.CreateContainerView(content.rootFolder, [kind], True)
    try:
        return list(view.view)
    finally:
        view.Destroy()


def seed(sim: Vcsim) -> dict[str, str]:
    """web-01 (the standalone host's first VM) hardened, legacy-db (the cluster's first VM)
    insecure, through reconfigure tasks. Returns VM name -> host name."""
    si = sim.connect()
    content = si.RetrieveContent()
    for host in _objects(content, vim.HostSystem):
        options = {"DC0_H0": HARDENED_OPTIONS, "DC0_H1": INSECURE_OPTIONS}.get(host.name)
        if options:
            host.configManager.advancedOption.UpdateOptions(
                changedValue=[vim.option.OptionValue(key=k, value=v) for k, v in options.items()]
            )
    auth = content.authorizationManager
    operator = auth.AddAuthorizationRole(
        name="VmOperator",
        privIds=["VirtualMachine.Interact.PowerOn", "VirtualMachine.Config.Settings"],
    )
    # an operator granted the role on the root folder, propagating: every VM of the inventory
    auth.SetEntityPermissions(
        entity=content.rootFolder,
        permission=[
            vim.AuthorizationManager.Permission(
                principal="ops-team", group=True, roleId=operator, propagate=True
            )
        ],
    )
    by_name = {v.name: v for v in _objects(content, vim.VirtualMachine)}
    placed = {}
    for old, name, hardened in (
        ("DC0_H0_VM0", "web-01", True),
        ("DC0_H1_VM0", "legacy-db", False),
    ):
        vm = by_name[old]
        if hardened:
            extra = {"RemoteDisplay.maxConnections": "1", "isolation.tools.copy.disable": "TRUE"}
            cpu = vim.ResourceAllocationInfo(
                reservation=500, limit=2000, shares=vim.SharesInfo(level="high", shares=2000)
            )
            mem = vim.ResourceAllocationInfo(
                reservation=32, limit=32, shares=vim.SharesInfo(level="high", shares=640)
            )
        else:
            extra = {
                "isolation.tools.paste.disable": "FALSE",
                "tools.guestlib.enableHostInfo": "TRUE",
                "sched.mem.pshare.salt": "shared",
                "mks.enable3d": "TRUE",
                "RemoteDisplay.vnc.password": "hunter2-vcsim",
                "evil.key": 'x" \nnumvcpus = "64',
            }
            cpu = mem = None
        spec = vim.vm.ConfigSpec(
            name=name,
            extraConfig=[vim.option.OptionValue(key=k, value=v) for k, v in extra.items()],
            cpuAllocation=cpu,
            memoryAllocation=mem,
        )
        _wait(vm.ReconfigVM_Task(spec))
        placed[name] = vm.runtime.host.name
    pyVim_connect.Disconnect(si)
    return placed


HOST_EXPECTED = {
    ("HVA-410", "DC0_H0"): "pass",
    ("HVA-410", "DC0_H1"): "fail",
    ("HVA-411", "DC0_H0"): "pass",
    ("HVA-411", "DC0_H1"): "fail",
    ("HVA-412", "DC0_H0"): "pass",
    ("HVA-412", "DC0_H1"): "fail",  # the simulator's rulesets admit any address
    ("HVA-413", "DC0_H0"): "pass",
    ("HVA-413", "DC0_H1"): "fail",
    ("HVA-414", "DC0_H0"): "pass",
    ("HVA-414", "DC0_H1"): "fail",
    ("HVA-415", "DC0_H0"): "pass",
    ("HVA-415", "DC0_H1"): "fail",
    # the cluster's hosts were not given these options: not reported, so a person checks
    ("HVA-413", "DC0_C0_H0"): "manual",
    ("HVA-415", "DC0_C0_H0"): "manual",
    ("HVA-081", "DC0_H0"): "pass",
    ("HVA-416", "DC0_H0"): "fail",  # VmOperator on the root folder
}


def scan(sim: Vcsim, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    code = main(
        ["scan", "--connect", sim.target, "--ca-file", sim.cert, "--format", "json", *extra]
    )
    out, err = capsys.readouterr()
    assert out, err
    return code, json.loads(out)


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HVAUDIT_VSPHERE_USER", USER)
    monkeypatch.setenv("HVAUDIT_VSPHERE_PASSWORD", PASSWORD)


def test_vcenter_scan_exact_vm_findings(
    vcsim: Vcsim, credentials: None, capsys: pytest.CaptureFixture[str]
) -> None:
    placed = seed(vcsim)
    code, report = scan(vcsim, capsys)
    assert code == 1 and report["platform"] == "vmware-esxi"
    assert sorted(h["name"] for h in report["hosts"]) == [
        "DC0_C0_H0",
        "DC0_C0_H1",
        "DC0_C0_H2",
        "DC0_H0",
        "DC0_H1",
    ]
    cluster_vm = {
        r["check_id"]: r["status"]
        for r in report["results"]
        if r["subject"]["name"] == "DC0_C0_RP0_VM0"
    }
    assert cluster_vm["HVA-191"] == "fail"  # the install default lets the guest forge its MAC
    got = {
        (r["check_id"], r["subject"]["name"]): r["status"]
        for r in report["results"]
        if r["subject"]["name"] in ("web-01", "legacy-db")
    }
    expected = {
        ("HVA-012", "web-01"): "pass",
        ("HVA-012", "legacy-db"): "pass",
        ("HVA-070", "web-01"): "pass",
        ("HVA-070", "legacy-db"): "fail",
        ("HVA-090", "web-01"): "pass",
        ("HVA-090", "legacy-db"): "fail",
        ("HVA-080", "web-01"): "pass",  # 1 vCPU on a 2-core host
        ("HVA-191", "web-01"): "fail",  # MAC spoofing stopped, IP/ARP not
        ("HVA-191", "legacy-db"): "fail",
        ("HVA-192", "web-01"): "pass",
        ("HVA-192", "legacy-db"): "fail",
        ("HVA-401", "web-01"): "pass",
        ("HVA-401", "legacy-db"): "fail",
        ("HVA-402", "web-01"): "pass",
        ("HVA-402", "legacy-db"): "fail",
        ("HVA-403", "web-01"): "pass",
        ("HVA-403", "legacy-db"): "fail",
        ("HVA-404", "web-01"): "pass",
        ("HVA-404", "legacy-db"): "fail",
        ("HVA-405", "web-01"): "pass",
        ("HVA-405", "legacy-db"): "fail",
    }
    assert {k: got.get(k) for k in expected} == expected
    hosts = {
        (r["check_id"], r["subject"]["name"]): r["status"]
        for r in report["results"]
        if r["subject"]["type"] == "host"
    }
    assert {k: hosts[k] for k in HOST_EXPECTED} == HOST_EXPECTED
    msg = {
        (r["check_id"], r["subject"]["name"]): r["message"]
        for r in report["results"]
        if r["subject"]["name"] in ("web-01", "legacy-db")
    }
    assert msg[("HVA-191", "legacy-db")].endswith("does not stop ARP/IP/MAC spoofing")
    assert msg[("HVA-191", "web-01")].endswith("does not stop ARP/IP spoofing")
    assert "trunk" in msg[("HVA-192", "legacy-db")]
    vm_host = {r["subject"]["name"]: r["subject"].get("host") for r in report["results"]}
    assert vm_host["web-01"] == placed["web-01"]
    # the hostile extraConfig value stayed one value: no 64 vCPUs appeared
    vcpus = next(
        r["message"]
        for r in report["results"]
        if r["check_id"] == "HVA-080" and r["subject"]["name"] == "legacy-db"
    )
    assert "64" not in vcpus


def test_collection_is_bulk_and_secrets_stay_out(
    vcsim: Vcsim, credentials: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(vcsim)
    bundle = tmp_path / "b"
    code = main(["collect", "--connect", vcsim.target, "--ca-file", vcsim.cert, "-o", str(bundle)])
    capsys.readouterr()
    assert code == 0
    manifest = json.loads((bundle / "manifest.json").read_text())
    meta = manifest["collector"]["vmware"]
    assert (
        meta["api_calls"] <= 16
    )  # per object type: view, retrieve, destroy; + options, access, login
    blob = b"".join(p.read_bytes() for p in bundle.rglob("*") if p.is_file())
    assert PASSWORD.encode() not in blob and b"hunter2-vcsim" not in blob
    assert (
        len(list((bundle / "vmware" / "vmx").rglob("*.vmx")))
        == 6  # 2 per standalone host, 2 in the cluster
    )  # 2 standalone, 2 in the cluster
    code = main(["assess", str(bundle), "--format", "json"])
    assert code == 1 and json.loads(capsys.readouterr().out)["platform"] == "vmware-esxi"


def test_standalone_esxi(
    vcsim_binary: Path, tmp_path: Path, credentials: None, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = Vcsim(vcsim_binary, tmp_path, "-esx")
    try:
        # (a grant on one VM would be reported without its object by the simulator, and so
        # become a manual item: the pass case here is a host with administrators only)
        code, report = scan(sim, capsys)
    finally:
        sim.stop()
    assert code in (0, 1)
    assert [h["name"] for h in report["hosts"]] == ["localhost.localdomain"]
    granular = next(r for r in report["results"] if r["check_id"] == "HVA-416")
    assert granular["status"] == "pass", granular["message"]
    assert granular["message"].startswith("0 VM role grant(s)")
    assert (
        len({r["subject"]["name"] for r in report["results"] if r["subject"]["type"] == "vm"}) == 2
    )


# pyVmomi leaves its TLS socket open after a refused login or handshake (not ours to close)
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_faults_are_one_line(
    vcsim: Vcsim,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HVAUDIT_VSPHERE_USER", USER)
    monkeypatch.setenv("HVAUDIT_VSPHERE_PASSWORD", "wrong")
    code = main(["scan", "--connect", vcsim.target, "--ca-file", vcsim.cert])
    _, err = capsys.readouterr()
    assert code == 3 and "login refused" in err and err.count("\n") == 1 and "wrong" not in err
    monkeypatch.setenv("HVAUDIT_VSPHERE_PASSWORD", PASSWORD)
    code = main(["scan", "--connect", vcsim.target])  # the simulator's certificate is not trusted
    _, err = capsys.readouterr()
    assert code == 3 and "CERTIFICATE_VERIFY_FAILED" in err and err.count("\n") == 1
    code = main(["scan", "--connect", "vsphere://127.0.0.1:1"])
    _, err = capsys.readouterr()
    assert code == 3 and err.count("\n") == 1 and PASSWORD not in err
    monkeypatch.delenv("HVAUDIT_VSPHERE_PASSWORD")
    code = main(["scan", "--connect", vcsim.target])
    _, err = capsys.readouterr()
    assert code == 2 and "HVAUDIT_VSPHERE_PASSWORD" in err
    assert os.environ.get("HVAUDIT_VSPHERE_PASSWORD") is None


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_time_out_mid_collection_keeps_the_partial_bundle(
    vcsim_binary: Path, tmp_path: Path, credentials: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """The login and the service content answer at once; the bulk retrieval hangs past the time-out."""
    sim = Vcsim(vcsim_binary, tmp_path, "-delay", "RetrievePropertiesEx=5000")
    try:
        started = time.monotonic()
        code = main(["scan", "--connect", sim.target, "--ca-file", sim.cert, "--api-timeout", "1"])
        elapsed = time.monotonic() - started
    finally:
        sim.stop()
    _, err = capsys.readouterr()
    assert code == 3 and err.count("\n") == 1 and "timed out" in err and elapsed < 5
    kept = Path(err.rsplit("partial bundle kept at ", 1)[1].rstrip(")\n"))
    manifest = json.loads((kept / "manifest.json").read_text())
    assert manifest["complete"] is False
    assert (kept / "vmware" / "about.json").is_file()  # what was read before the fault is kept
