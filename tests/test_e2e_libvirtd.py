"""End to end against a real libvirtd with QEMU (started by scripts/start-services, as in CI).

Defines a hardened and an insecure domain on qemu:///system, starts them, scans with the real
`hvaudit` command (host facts from this machine, read locally), asserts the exact findings per VM
and the host findings this machine's state determines, then removes everything it created.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import libvirtd_domains_held

pytestmark = pytest.mark.libvirtd

URI = "qemu:///system"
NET = "hvaudit-e2e"
SECRET = "e2eS3cr7"  # VNC allows 8 characters

NETWORK_XML = f"<network><name>{NET}</name><bridge name='hvae2e0'/></network>"

# This sandbox forbids raising RLIMIT_MEMLOCK (so no memtune hard_limit) and lacks the sfq qdisc
# (so no <bandwidth>): the hardened VM is as hardened as this machine lets a VM be. Its CPU
# weight is twice cgroup v1's default of 1024 (20 times v2's 100): a weight equal to the host's
# default favours nothing, and HVA-090 fails it (R30T-2).
HARDENED = f"""<domain type='kvm'>
  <name>e2e-hardened</name>
  <memory unit='MiB'>64</memory>
  <memtune><soft_limit unit='MiB'>48</soft_limit></memtune>
  <vcpu placement='static' cpuset='0'>1</vcpu>
  <cputune><shares>2048</shares><quota>50000</quota><vcpupin vcpu='0' cpuset='0'/></cputune>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <interface type='network'><source network='{NET}'/><model type='virtio'/>
      <filterref filter='clean-traffic'><parameter name='IP' value='10.99.0.5'/></filterref>
    </interface>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='{SECRET}'/>
    <video><model type='vga'/></video>
    <memballoon model='none'/>
  </devices>
</domain>"""

INSECURE = f"""<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>e2e-insecure</name>
  <memory unit='MiB'>64</memory>
  <vcpu placement='static' cpuset='1'>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='network'><source network='{NET}'/><model type='e1000'/></interface>
    <graphics type='vnc' autoport='yes' listen='0.0.0.0'/>
    <sound model='ich6'/>
    <memballoon model='none'/>
  </devices>
  <seclabel type='none'/>
  <qemu:commandline><qemu:arg value='-msg'/><qemu:arg value='timestamp=on'/></qemu:commandline>
</domain>"""

SECRETS = {
    "5a0f3c1e-e2e0-4000-8000-000000000001": "yes",
    "5a0f3c1e-e2e0-4000-8000-000000000002": "no",
}


def secret_xml(uid: str, private: str) -> str:
    return (
        f"<secret ephemeral='no' private='{private}'><uuid>{uid}</uuid><usage type='volume'>"
        f"<volume>/var/lib/libvirt/images/{uid[-4:]}.luks</volume></usage></secret>"
    )


SCHEMA = json.loads(resources.files("hvaudit").joinpath("schema", "report.schema.json").read_text())


def _cleanup(conn: object, libvirt: object) -> None:
    for uid in SECRETS:
        with contextlib.suppress(libvirt.libvirtError):  # type: ignore[attr-defined]
            conn.secretLookupByUUIDString(uid).undefine()  # type: ignore[attr-defined]
    for name in ("e2e-hardened", "e2e-insecure"):
        try:
            dom = conn.lookupByName(name)  # type: ignore[attr-defined]
        except libvirt.libvirtError:  # type: ignore[attr-defined]
            continue
        if dom.isActive():
            dom.destroy()
        dom.undefine()
    try:
        net = conn.networkLookupByName(NET)  # type: ignore[attr-defined]
    except libvirt.libvirtError:  # type: ignore[attr-defined]
        return
    if net.isActive():
        net.destroy()
    net.undefine()


@pytest.fixture(scope="module")
def deployment() -> Iterator[object]:
    import libvirt

    with libvirtd_domains_held():
        yield from _deployment(libvirt)


def _deployment(libvirt: Any) -> Iterator[object]:
    try:
        conn = libvirt.open(URI)
    except libvirt.libvirtError as exc:
        pytest.fail(f"no libvirtd at {URI} ({exc}); start it with scripts/start-services")
    _cleanup(conn, libvirt)
    net = conn.networkDefineXML(NETWORK_XML)
    net.create()
    for xml in (HARDENED, INSECURE):
        conn.defineXML(xml).create()
    for uid, private in SECRETS.items():
        conn.secretDefineXML(secret_xml(uid, private))
    try:
        yield conn
    finally:
        _cleanup(conn, libvirt)
        conn.close()


def hvaudit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hvaudit.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def scan(deployment: object, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path, int]:
    bundle = tmp_path_factory.mktemp("e2e") / "bundle"
    proc = hvaudit(
        "scan", "--connect", URI, "--secure-xml", "--format", "json", "--bundle", str(bundle)
    )
    assert proc.returncode in (1, 3), proc.stderr
    return json.loads(proc.stdout), bundle, proc.returncode


def _got(report: dict) -> dict[tuple[str, str], str]:
    return {(r["check_id"], r["subject"]["name"]): r["status"] for r in report["results"]}


VM_EXPECT = {
    "HVA-012": ("pass", "fail"),
    "HVA-031": ("pass", "fail"),
    "HVA-044": ("pass", "fail"),
    "HVA-046": ("pass", "fail"),
    "HVA-047": ("pass", "fail"),
    "HVA-050": ("not_applicable", "not_applicable"),
    "HVA-070": ("fail", "fail"),
    "HVA-080": ("pass", "pass"),
    "HVA-090": ("pass", "fail"),
    "HVA-091": ("pass", "pass"),
    "HVA-191": ("pass", "fail"),
    "HVA-192": ("pass", "pass"),
    "HVA-193": ("pass", "pass"),
    "HVA-194": ("not_applicable", "not_applicable"),
}


def test_vm_findings_are_exact(scan: tuple[dict, Path, int], deployment: object) -> None:
    got = _got(scan[0])
    # e2e-hardened has no <seclabel>: the daemon's default driver confines it only where one is
    # active (this sandbox has neither AppArmor nor SELinux; then it runs unconfined).
    caps = deployment.getCapabilities()  # type: ignore[attr-defined]
    confining = any(f"<model>{m}</model>" in caps for m in ("apparmor", "selinux"))
    assert got[("HVA-044", "e2e-hardened")] == ("pass" if confining else "fail")
    # e2e-hardened's pinned CPU 0 is a reservation only while no other VM may run there
    # (e2e-insecure is kept to CPU 1; other domains on this shared daemon would float over it).
    others = [
        d.name()
        for d in deployment.listAllDomains(0)  # type: ignore[attr-defined]
        if (d.isActive() or d.autostart()) and not d.name().startswith("e2e-")
    ]
    assert got[("HVA-090", "e2e-hardened")] == ("fail" if others else "pass"), others
    for check_id, (hardened, insecure) in VM_EXPECT.items():
        if check_id in ("HVA-044", "HVA-090"):
            assert got[(check_id, "e2e-insecure")] == insecure
            continue
        assert got[(check_id, "e2e-hardened")] == hardened, check_id
        assert got[(check_id, "e2e-insecure")] == insecure, check_id


def test_secrets_are_judged_by_their_private_flag(scan: tuple[dict, Path, int]) -> None:
    got = {
        (r["subject"].get("id")): r["status"]
        for r in scan[0]["results"]
        if r["check_id"] == "HVA-133"
    }
    assert got["5a0f3c1e-e2e0-4000-8000-000000000001"] == "pass"
    assert got["5a0f3c1e-e2e0-4000-8000-000000000002"] == "fail"


def test_clean_traffic_is_resolved_through_the_daemons_filter_definitions(
    scan: tuple[dict, Path, int],
) -> None:
    r = next(
        r
        for r in scan[0]["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-191", "e2e-hardened")
    )
    assert any(e["artefact"] == "libvirt/nwfilters/index.json" for e in r["evidence"])


def test_host_findings_follow_this_machine(
    scan: tuple[dict, Path, int], deployment: object
) -> None:
    import libvirt

    report = scan[0]
    host = report["hosts"][0]
    assert host["simulated"] is False and host["vms"] >= 2
    got = {r["check_id"]: r for r in report["results"] if r["subject"]["type"] == "host"}
    # Running QEMU processes were found and are not root (Debian's libvirt-qemu user).
    assert got["HVA-042"]["status"] == "pass"
    assert "running QEMU process(es)" in got["HVA-042"]["message"]
    assert got["HVA-045"]["status"] == "pass"
    # The insecure VM's VNC server listens on all addresses: an unapproved listener.
    assert got["HVA-033"]["status"] == "fail" and "qemu-system-x86" in got["HVA-033"]["message"]
    # The MAC model the daemon reports decides HVA-043; read it independently through libvirt.
    caps = libvirt.open(URI).getCapabilities()
    confining = any(f"<model>{m}</model>" in caps for m in ("apparmor", "selinux"))
    assert got["HVA-043"]["status"] == ("pass" if confining else "fail")
    # Stock Debian qemu.conf and libvirtd.conf.
    assert got["HVA-032"]["status"] == "fail"  # migrate_tls_force defaults to 0
    assert got["HVA-130"]["status"] == "fail"  # no access driver
    assert got["HVA-048"]["status"] == "fail"  # security_require_confined defaults to 0
    every_host_check = {r["check_id"] for r in report["results"] if r["subject"]["type"] == "host"}
    assert {"HVA-010", "HVA-140", "HVA-180", "HVA-190", "HVA-200"} <= every_host_check
    assert scan[2] == (3 if any(r["status"] == "error" for r in report["results"]) else 1)


def test_report_schema_and_no_secret_anywhere(scan: tuple[dict, Path, int]) -> None:
    report, bundle, _ = scan
    jsonschema.validate(report, SCHEMA)
    assert SECRET not in json.dumps(report)
    for f in bundle.rglob("*"):
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes(), f


def test_bundle_reassesses_offline_to_the_same_results(scan: tuple[dict, Path, int]) -> None:
    report, bundle, code = scan
    proc = hvaudit("assess", str(bundle), "--format", "json")
    assert proc.returncode == code
    again = json.loads(proc.stdout)
    assert again["results"] == report["results"]


def test_read_only_connection_cannot_see_passwords_but_still_judges_tls(deployment: object) -> None:
    proc = hvaudit("scan", "--connect", URI, "--format", "json")  # in-memory bundle, read-only
    report = json.loads(proc.stdout)
    got = _got(report)
    seccomp = next(r for r in report["results"] if r["check_id"] == "HVA-045")
    assert any(e["artefact"].startswith("host/commands/processes") for e in seccomp["evidence"])
    assert got[("HVA-031", "e2e-insecure")] == "fail"  # stock qemu.conf: vnc_tls = 0
    assert got[("HVA-031", "e2e-hardened")] == "pass"  # listens on 127.0.0.1


def test_unreachable_ssh_host_keeps_the_libvirt_evidence(
    deployment: object, tmp_path: Path
) -> None:
    proc = hvaudit(
        "collect",
        "--connect",
        URI,
        "--facts",
        "ssh",
        "--ssh",
        "nobody@127.0.0.1",
        "--ssh-port",
        "1",
        "-o",
        str(tmp_path / "p"),
    )
    assert proc.returncode == 3
    assert proc.stderr.count("\n") == 1 and "partial bundle kept at" in proc.stderr
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert manifest["complete"] is False
    assert sum(1 for a in manifest["artefacts"] if a["path"].startswith("libvirt/domains/")) >= 3


@pytest.fixture
def loopback_sshd(tmp_path: Path) -> Iterator[Path]:
    """A real OpenSSH server on 127.0.0.1 with throw-away keys; yields an ssh_config for it."""
    import shutil
    import socket

    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    for name in ("host", "client"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / name)],
            check=True,
            timeout=30,
        )
    (tmp_path / "authorized_keys").write_text((tmp_path / "client.pub").read_text())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "sshd_config").write_text(
        f"ListenAddress 127.0.0.1\nPort {port}\nHostKey {tmp_path / 'host'}\n"
        f"AuthorizedKeysFile {tmp_path / 'authorized_keys'}\nPermitRootLogin prohibit-password\n"
        f"PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
        f"PidFile {tmp_path / 'sshd.pid'}\n"
    )
    host_pub = (tmp_path / "host.pub").read_text().split()
    (tmp_path / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_pub[0]} {host_pub[1]}\n")
    config = tmp_path / "ssh_config"
    config.write_text(
        f"Host hv-loopback\n  HostName 127.0.0.1\n  Port {port}\n  User root\n"
        f"  IdentityFile {tmp_path / 'client'}\n  IdentitiesOnly yes\n"
        f"  UserKnownHostsFile {tmp_path / 'known_hosts'}\n  StrictHostKeyChecking yes\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)
    log = (tmp_path / "sshd.log").open("wb")
    proc = subprocess.Popen([sshd, "-D", "-e", "-f", str(tmp_path / "sshd_config")], stderr=log)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    try:
        yield config
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_host_facts_over_ssh_agree_with_local_collection(
    deployment: object, loopback_sshd: Path, tmp_path: Path
) -> None:
    """One host, two collectors (local and a real SSH session to loopback), one answer."""
    local = hvaudit("scan", "--connect", URI, "--facts", "local", "--format", "json")
    remote = hvaudit(
        "scan",
        "--connect",
        URI,
        "--facts",
        "ssh",
        "--ssh",
        "hv-loopback",
        "--ssh-config",
        str(loopback_sshd),
        "--format",
        "json",
        "--bundle",
        str(tmp_path / "remote"),
    )
    assert remote.returncode in (1, 3), remote.stderr

    def host_results(proc: subprocess.CompletedProcess[str]) -> dict[str, str]:
        report = json.loads(proc.stdout)
        return {
            r["check_id"]: r["status"] for r in report["results"] if r["subject"]["type"] == "host"
        }

    # two live scans moments apart: name what differs, so a flake says which check moved
    ours, theirs = host_results(remote), host_results(local)
    moved = {k: (ours.get(k), theirs.get(k)) for k in ours.keys() | theirs.keys()}
    assert not {k: v for k, v in moved.items() if v[0] != v[1]}, "ssh vs local"
    manifest = json.loads((tmp_path / "remote" / "manifest.json").read_text())
    assert manifest["collector"]["host_facts"] == "ssh hv-loopback"
    sshd = next(a for a in manifest["artefacts"] if a["path"] == "host/commands/sshd-effective.txt")
    assert sshd["origin"] == "sshd -T" and sshd["status"] == "ok"


def test_running_definitions_equal_to_their_persistent_ones_add_no_verdict(
    scan: tuple[dict, Path, int],
) -> None:
    """A real daemon's live XML differs from the persistent definition in what a start adds
    (aliases, ports, the dac label it picked), so the collector keeps both. The parser drops
    what only a start adds, so the TCG domain (e2e-insecure) is judged once. A KVM domain's live
    <cpu check='full'> lists the features QEMU gave it, which its definition does not name, so
    e2e-hardened is judged again as it starts next (hvaudit cannot tell that list from a
    <feature> removed since the start). That may ask a question the live CPU settles (HVA-049
    where the host's KVM module is not read, as in this sandbox), never a fail."""
    from hvaudit.bundle import Bundle
    from hvaudit.parse import build_deployment

    report, bundle, _ = scan
    kept = sorted(p.name for p in (bundle / "libvirt" / "domains").glob("*.next.xml"))
    assert len(kept) >= 2, kept
    deployment, _ = build_deployment(Bundle.open(bundle))
    twins = {v.name for v in deployment.next_boot.values() if v.name.startswith("e2e-")}
    assert "e2e-insecure" not in twins, twins
    # the live <cpu check='full'> is all that differs: such a VM gets no rolling-restart world
    from hvaudit.model import OWN_ONLY_FIELDS, definition_differences

    for v in deployment.vms:
        twin = deployment.next_boot.get(v.uuid)
        if twin is not None and v.name.startswith("e2e-"):
            assert definition_differences(v, twin) <= OWN_ONLY_FIELDS, (
                v.name,
                definition_differences(v, twin),
            )
    later = [r for r in report["results"] if "next start" in r["message"]]
    assert all(r["subject"]["name"] != "e2e-insecure" for r in later), later
    assert all(r["status"] != "fail" for r in later), later


def test_a_running_vm_redefined_with_an_open_console_fails_at_its_next_start(
    deployment: object, tmp_path: Path
) -> None:
    """`virsh define` on a running domain changes what it starts with next (virsh(1): "If domain
    is already running, the changes will take effect on the next boot"): e2e-hardened keeps
    running with its console on 127.0.0.1 while its definition now opens it on every address
    without a password. HVA-031 fails it, naming the next start; restored afterwards."""
    uid = deployment.lookupByName("e2e-hardened").UUIDString()  # type: ignore[attr-defined]
    same = HARDENED.replace(
        "<name>e2e-hardened</name>", f"<name>e2e-hardened</name><uuid>{uid}</uuid>"
    )
    opened = same.replace(f"listen='127.0.0.1' passwd='{SECRET}'", "listen='0.0.0.0'")
    assert opened != same
    deployment.defineXML(opened)  # type: ignore[attr-defined]
    try:
        proc = hvaudit(
            "scan", "--connect", URI, "--secure-xml", "--format", "json", "--check", "HVA-031",
        )  # fmt: skip
        assert proc.returncode in (1, 3), proc.stderr
        results = {r["subject"]["name"]: r for r in json.loads(proc.stdout)["results"]}
    finally:
        deployment.defineXML(same)  # type: ignore[attr-defined]
    got = results["e2e-hardened"]
    assert got["status"] == "fail", got
    assert got["message"].startswith("at its next start"), got["message"]
    assert "0.0.0.0" in got["message"], got["message"]
