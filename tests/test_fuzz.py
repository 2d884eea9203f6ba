"""Fuzzing every reader through the real CLI entry (issue 9): bundles (archive bytes and
directories), manifests, test-driver node files, .vmx files, Proxmox configuration files, and the
TOML inputs (profiles, waivers, attestations).

Whatever the input, `hvaudit` exits 0, 1, 2 or 3; an error is one line on standard error; there is
never a traceback and never the last-resort "internal error" (which would hide a crash). The
budget is small enough for CI (a few dozen examples per reader, no deadline per example): the
point is to run every reader on hostile shapes on every commit, not to search exhaustively.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import domain_xml, write_node  # noqa: E402
from hvaudit.cli import main  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PVE_TREE = REPO / "tests" / "fixtures" / "proxmox-node"
VMX_TREE = REPO / "tests" / "fixtures" / "vmx"

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def run(args: list[str]) -> tuple[int, str]:
    """The real entry point, in process; returns (exit code, standard error)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, err.getvalue()


def check(code: int, err: str) -> None:
    assert code in (0, 1, 2, 3), (code, err)
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("hvaudit: error: "), err


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="hvaudit-fuzz-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("fuzz")
    uri = write_node(base / "n.xml", [domain_xml("a"), domain_xml("b", "<devices/>")])
    assert main(["collect", "--connect", uri, "-o", str(base / "b")]) == 0
    assert main(["collect", "--connect", uri, "-o", str(base / "b.tar.gz")]) == 0
    return base


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@FUZZ
@given(
    cut=st.integers(min_value=0, max_value=4000),
    flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(1, 255)), max_size=6),
)
def test_fuzz_bundle_archive_bytes(
    bundle_dir: Path, cut: int, flips: list[tuple[int, int]]
) -> None:
    data = bytearray((bundle_dir / "b.tar.gz").read_bytes())
    for at, xor in flips:
        data[at % len(data)] ^= xor
    with scratch() as tmp:
        path = tmp / "x.tar.gz"
        path.write_bytes(bytes(data[: len(data) - cut % len(data)]))
        check(*run(["assess", str(path), "--format", "json"]))


def _member_archive(tmp: Path, members: dict[str, bytes]) -> Path:
    path = tmp / "m.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@FUZZ
@given(
    key=st.sampled_from(
        [
            "tool",
            "format",
            "target",
            "platform",
            "complete",
            "collector",
            "errors",
            "artefacts",
            "collected_at",
            "version",
        ]
    ),
    value=JSON,
    entry_key=st.sampled_from(["path", "status", "sha256", "size", "rc", "origin", "reason"]),
    entry_value=JSON,
)
def test_fuzz_manifest(
    bundle_dir: Path, key: str, value: Any, entry_key: str, entry_value: Any
) -> None:
    with scratch() as tmp:
        shutil.copytree(bundle_dir / "b", tmp / "b")
        manifest = json.loads((tmp / "b/manifest.json").read_text())
        manifest[key] = value
        (tmp / "b/manifest.json").write_text(json.dumps(manifest))
        check(*run(["assess", str(tmp / "b")]))
        manifest = json.loads((bundle_dir / "b/manifest.json").read_text())
        manifest["artefacts"][0][entry_key] = entry_value
        (tmp / "b/manifest.json").write_text(json.dumps(manifest))
        check(*run(["assess", str(tmp / "b")]))


@FUZZ
@given(manifest=JSON, name=st.text(min_size=1, max_size=30), data=st.binary(max_size=200))
def test_fuzz_whole_manifest_and_members(manifest: Any, name: str, data: bytes) -> None:
    with scratch() as tmp:
        members = {"manifest.json": json.dumps(manifest).encode(), name: data}
        check(*run(["assess", str(_member_archive(tmp, members))]))


@FUZZ
@given(name=st.text(max_size=40), body=st.text(max_size=200), raw=st.binary(max_size=64))
def test_fuzz_test_driver_node(name: str, body: str, raw: bytes) -> None:
    with scratch() as tmp:
        node = tmp / "n.xml"
        xml = domain_xml("fuzz", body).replace("<name>fuzz</name>", f"<name>{name}</name>")
        node.write_bytes(f"<node>{xml}</node>".encode("utf-8", "surrogatepass") + raw)
        check(*run(["scan", "--connect", f"test://{node}", "--format", "json"]))


VMX_LINE = st.one_of(
    st.tuples(
        st.sampled_from(
            [
                "displayName",
                "memsize",
                "numvcpus",
                "guestOS",
                "ethernet0.present",
                "ethernet0.networkName",
                "RemoteDisplay.vnc.enabled",
                "isolation.tools.copy.disable",
                "sched.mem.min",
                "uefi.secureBoot.enabled",
                "pciPassthru0.present",
                "floppy0.present",
                "serial0.fileName",
            ]
        ),
        st.text(max_size=30),
    ).map(lambda kv: f'{kv[0]} = "{kv[1]}"'),
    st.text(max_size=60),
)


@FUZZ
@given(lines=st.lists(VMX_LINE, max_size=20), raw=st.binary(max_size=40))
def test_fuzz_vmx(lines: list[str], raw: bytes) -> None:
    with scratch() as tmp:
        (tmp / "vm").mkdir()
        (tmp / "vm" / "vm.vmx").write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + raw)
        check(*run(["scan", "--connect", f"vmx+dir://{tmp}", "--format", "json"]))


PVE_LINE = st.one_of(
    st.tuples(
        st.sampled_from(
            [
                "name",
                "memory",
                "balloon",
                "cores",
                "sockets",
                "cpu",
                "net0",
                "scsi0",
                "hostpci0",
                "args",
                "vga",
                "kvm",
                "machine",
                "bios",
                "usb0",
                "serial0",
                "tags",
                "protection",
                "shares",
            ]
        ),
        st.text(max_size=40),
    ).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.text(max_size=60),
)
PVE_FILE = st.sampled_from(
    [
        "etc/pve/qemu-server/100.conf",
        "etc/pve/user.cfg",
        "etc/pve/storage.cfg",
        "etc/pve/firewall/cluster.fw",
        "etc/pve/firewall/100.fw",
        "etc/pve/corosync.conf",
        "etc/pve/datacenter.cfg",
        "etc/network/interfaces",
        "etc/default/pveproxy",
    ]
)


@FUZZ
@given(target=PVE_FILE, lines=st.lists(PVE_LINE, max_size=15), raw=st.binary(max_size=40))
def test_fuzz_proxmox_files(target: str, lines: list[str], raw: bytes) -> None:
    with scratch() as tmp:
        tree = tmp / "tree"
        shutil.copytree(PVE_TREE, tree)
        path = tree / target
        path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + raw)
        check(*run(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"]))


TOML_VALUE = st.one_of(
    st.integers().map(str),
    st.floats().map(lambda f: repr(f).replace("inf", "inf").replace("nan", "nan")),
    st.text(max_size=15).map(json.dumps),
    st.booleans().map(lambda b: str(b).lower()),
    st.lists(st.integers(), max_size=3).map(str),
    st.just("1979-05-27"),
)
TOML_KEY = st.sampled_from(
    [
        "ram_overcommit_max",
        "vcpu_to_core_ratio_max",
        "max_interactive_accounts",
        "max_admin_principals",
        "allowed_listeners",
        "runtime_pools",
        "disable",
        "enable",
        "severity",
        "check",
        "id",
        "reason",
        "owner",
        "expires",
        "answer",
        "valid_days",
        "attested_by",
        "attested_at",
        "evidence",
        "subject",
        "name",
        "extends",
        "edition",
    ]
)
TOML_SECTION = st.sampled_from(
    ["", "[thresholds]", "[checks]", "[checks.severity]", "[[waiver]]", "[[attestation]]"]
)


@FUZZ
@given(
    flag=st.sampled_from(["--profile", "--waivers", "--attestations"]),
    body=st.lists(st.tuples(TOML_SECTION, TOML_KEY, TOML_VALUE), max_size=8),
    raw=st.text(max_size=40),
)
def test_fuzz_toml_inputs(flag: str, body: list[tuple[str, str, str]], raw: str) -> None:
    text = "".join(f"{section}\n{key} = {value}\n" for section, key, value in body) + raw
    with scratch() as tmp:
        path = tmp / "in.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        check(*run(["scan", "--demo", flag, str(path), "--format", "json"]))
