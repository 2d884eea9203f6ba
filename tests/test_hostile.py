"""A hostile world (issue 9): trees that link out or hold FIFOs, planted links at output paths,
reports over evidence, full disks, malformed and tampered bundles, archive bombs, bad TOML.

Every case runs the real CLI (in-process `main()`, or a subprocess where the old code would block
or where standard output itself is the subject) and asserts the exit code, one line on stderr,
no traceback, and that nothing outside the given tree reached the bundle.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import domain_xml, write_node
from hvaudit.cli import main

REPO = Path(__file__).resolve().parent.parent
PVE_TREE = REPO / "tests" / "fixtures" / "proxmox-node"
VMX_TREE = REPO / "tests" / "fixtures" / "vmx"
MARKER = "outside-the-tree-3f9a1c"


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("hvaudit: ") and "Traceback" not in err


def hvaudit(args: list[str], *, timeout: float = 60, **kw: Any) -> subprocess.CompletedProcess[str]:
    """The real entry point in a child process (bounded: a hang fails the test, not CI)."""
    return subprocess.run(
        [sys.executable, "-m", "hvaudit.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kw,
    )


# --- The file system -------------------------------------------------------------------------


def test_pve_dir_never_follows_a_link_out_of_the_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A qemu-server/102.conf linking to a file outside the tree (/etc/shadow in the report) is
    refused; a link that stays inside the tree (qemu-server -> nodes/pve1/qemu-server, as on a
    real node) is followed."""
    secret = tmp_path / "shadow"
    secret.write_text(f"root:{MARKER}:19000:0:99999:7:::\n")
    tree = tmp_path / "tree"
    shutil.copytree(PVE_TREE, tree)
    conf = tree / "etc/pve/qemu-server"
    (conf / "102.conf").symlink_to(secret)
    (conf / "103.conf").symlink_to("../../../../shadow")
    node_dir = tree / "etc/pve/nodes/pve1/qemu-server"
    node_dir.mkdir(parents=True, exist_ok=True)
    (node_dir / "104.conf").write_text("name: inside\nmemory: 512\n")
    (conf / "104.conf").symlink_to("../nodes/pve1/qemu-server/104.conf")
    code, _, err = cli(
        ["collect", "--connect", f"pve+dir://{tree}", "-o", str(tmp_path / "b")], capsys
    )
    assert code == 0, err
    blob = b"".join(p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert MARKER.encode() not in blob
    manifest = json.loads((tmp_path / "b/manifest.json").read_text())
    by_path = {a["path"]: a for a in manifest["artefacts"]}
    for vmid in ("102", "103"):
        entry = by_path[f"pve/files/etc/pve/qemu-server/{vmid}.conf"]
        assert entry["status"] in ("failed", "absent"), entry
    assert "leads out of the tree" in by_path["pve/files/etc/pve/qemu-server/103.conf"]["reason"]
    assert by_path["pve/files/etc/pve/qemu-server/104.conf"]["status"] == "ok"


@pytest.mark.parametrize("kind", ["pve", "vmx"])
def test_a_fifo_in_a_tree_is_refused_not_waited_on(tmp_path: Path, kind: str) -> None:
    tree = tmp_path / "tree"
    if kind == "pve":
        shutil.copytree(PVE_TREE, tree)
        fifo = tree / "etc/pve/qemu-server/105.conf"
        uri = f"pve+dir://{tree}"
    else:
        shutil.copytree(VMX_TREE, tree)
        fifo = tree / "web-01" / "blocked.vmx"
        uri = f"vmx+dir://{tree}"
    os.mkfifo(fifo)
    proc = hvaudit(["collect", "--connect", uri, "-o", str(tmp_path / "b")], timeout=60)
    assert "Traceback" not in proc.stderr
    manifest = json.loads((tmp_path / "b/manifest.json").read_text())
    entry = next(a for a in manifest["artefacts"] if a["path"].endswith(fifo.name))
    assert entry["status"] == "failed" and "a FIFO, not read" in entry["reason"]


def test_bundle_directory_with_a_fifo_is_refused(tmp_path: Path) -> None:
    uri = write_node(tmp_path / "n.xml", [domain_xml("a")])
    assert hvaudit(["collect", "--connect", uri, "-o", str(tmp_path / "b")]).returncode == 0
    os.mkfifo(tmp_path / "b" / "libvirt" / "pipe")
    proc = hvaudit(["assess", str(tmp_path / "b")], timeout=60)
    assert proc.returncode == 2 and one_line_error(proc.stderr)
    assert "a FIFO" in proc.stderr


# --- Outputs ---------------------------------------------------------------------------------


def test_archive_writer_does_not_follow_a_planted_part_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    dest = tmp_path / "out" / "b.tar.gz"
    dest.parent.mkdir()
    (dest.parent / "b.tar.gz.part").symlink_to(victim)
    uri = write_node(tmp_path / "n.xml", [domain_xml("a")])
    code, _, err = cli(["collect", "--connect", uri, "-o", str(dest)], capsys)
    assert code == 0, err
    assert victim.read_text() == "precious\n"
    assert tarfile.is_tarfile(dest) and not dest.is_symlink()
    # Nothing of the private staging directory is left beside the bundle.
    assert sorted(p.name for p in dest.parent.iterdir()) == ["b.tar.gz", "b.tar.gz.part"]


def test_archive_writer_does_not_replace_a_link_planted_at_the_destination(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    dest = tmp_path / "b.tar.gz"
    dest.symlink_to(victim)
    uri = write_node(tmp_path / "n.xml", [domain_xml("a")])
    code, _, err = cli(["collect", "--connect", uri, "-o", str(dest)], capsys)
    assert code == 2 and one_line_error(err) and "already exists" in err
    assert victim.read_text() == "precious\n"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    uri = write_node(tmp_path / "n.xml", [domain_xml("a")])
    assert main(["collect", "--connect", uri, "-o", str(tmp_path / "b.tar.gz")]) == 0
    return tmp_path / "b.tar.gz"


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    uri = write_node(tmp_path / "n.xml", [domain_xml("a")])
    assert main(["collect", "--connect", uri, "-o", str(tmp_path / "d")]) == 0
    return tmp_path / "d"


def test_a_report_never_replaces_its_input(
    tmp_path: Path, archive: Path, bundle_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    before = archive.read_bytes()
    manifest = (bundle_dir / "manifest.json").read_bytes()
    uri = write_node(tmp_path / "n2.xml", [domain_xml("b")])
    for args in (
        ["assess", str(archive), "-o", str(archive)],
        ["assess", str(archive), "--report", f"json={archive}"],
        ["assess", str(bundle_dir), "-o", str(bundle_dir / "manifest.json")],
        ["assess", str(bundle_dir), "--report", f"html={bundle_dir}/libvirt/x.html"],
        ["scan", "--connect", uri, "--bundle", str(tmp_path / "x"), "-o", str(tmp_path / "x")],
        ["scan", "--connect", uri, "--bundle", str(tmp_path / "y"), "-o", str(tmp_path / "y/r")],
        ["scan", "--connect", f"vmx+dir://{VMX_TREE}", "-o", str(VMX_TREE / "web-01/web-01.vmx")],
    ):
        code, _, err = cli(args, capsys)
        assert code == 2 and one_line_error(err), (args, err)
        assert "refusing to write over evidence" in err or "written twice" in err, err
    assert archive.read_bytes() == before
    assert (bundle_dir / "manifest.json").read_bytes() == manifest
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_a_report_on_a_full_disk_leaves_no_empty_file(
    tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mnt = tmp_path / "full"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mnt)]).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        capsys.readouterr()
        code, _, err = cli(
            ["assess", str(archive), "--format", "html", "-o", str(mnt / "report.html")], capsys
        )
        assert code == 2 and one_line_error(err) and "No space left on device" in err
        assert list(mnt.iterdir()) == []
        # A bundle on the full disk: one line, exit 2, nothing left behind.
        uri = write_node(tmp_path / "n3.xml", [domain_xml(f"vm{i}") for i in range(40)])
        code, _, err = cli(["collect", "--connect", uri, "-o", str(mnt / "b")], capsys)
        assert code == 2 and one_line_error(err) and "No space left on device" in err
        assert list(mnt.iterdir()) == []
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_standard_output_on_a_full_device_is_one_line(archive: Path) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "hvaudit.cli", "assess", str(archive), "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert proc.returncode == 2 and one_line_error(proc.stderr), proc.stderr
    assert "cannot write to standard output: No space left on device" in proc.stderr


def test_one_failing_output_never_stops_the_others(
    tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    code, _, err = cli(
        [
            "assess",
            str(archive),
            "--format",
            "json",
            "-o",
            str(tmp_path / "r.json"),
            "--report",
            f"csv={blocked}/r.csv",
            "--report",
            f"markdown={tmp_path / 'r.md'}",
        ],
        capsys,
    )
    assert code == 2 and one_line_error(err) and "r.csv" in err
    assert json.loads((tmp_path / "r.json").read_text())
    assert (tmp_path / "r.md").read_text().strip()


def test_oscal_of_a_vmx_scan_and_the_other_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every vmx+dir scan crashed the OSCAL renderer (an observation with an empty title), and
    that crash stopped the other --report outputs."""
    pytest.importorskip("trestle")
    code, _, err = cli(
        [
            "scan",
            "--connect",
            f"vmx+dir://{VMX_TREE}",
            "--format",
            "json",
            "-o",
            str(tmp_path / "r.json"),
            "--report",
            f"oscal={tmp_path / 'r.oscal.json'}",
            "--report",
            f"csv={tmp_path / 'r.csv'}",
        ],
        capsys,
    )
    assert code in (1, 3) and "error" not in err, err
    oscal = json.loads((tmp_path / "r.oscal.json").read_text())
    assert oscal["assessment-results"]["results"]
    assert (tmp_path / "r.csv").read_text().startswith(("check", "\ufeff", '"'))


def test_unwritable_bundle_path_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    uri = write_node(tmp_path / "n.xml", [domain_xml("a")])
    code, _, err = cli(["scan", "--connect", uri, "--bundle", str(blocked / "b")], capsys)
    assert code == 2 and one_line_error(err) and "cannot write the bundle" in err


# --- Strict manifests and artefacts ------------------------------------------------------------


def _rehash(bundle: Path, path: str, data: bytes) -> None:
    (bundle / path).write_bytes(data)
    manifest = json.loads((bundle / "manifest.json").read_text())
    for a in manifest["artefacts"]:
        if a["path"] == path:
            a["sha256"] = hashlib.sha256(data).hexdigest()
            a["size"] = len(data)
    (bundle / "manifest.json").write_text(json.dumps(manifest))


def _manifest(edit: Callable[[dict[str, Any]], Any]) -> Callable[[Path], None]:
    def apply(bundle: Path) -> None:
        m = json.loads((bundle / "manifest.json").read_text())
        new = edit(m)
        (bundle / "manifest.json").write_text(json.dumps(m if new is None else new))

    return apply


def _raw_manifest(text: str) -> Callable[[Path], None]:
    return lambda bundle: (bundle / "manifest.json").write_text(text)


def _null_hash(bundle: Path) -> None:
    """The tampered listen address: content changed, its sha256 set to null."""
    m = json.loads((bundle / "manifest.json").read_text())
    dom = next(a for a in m["artefacts"] if a["path"].endswith(".xml") and "domains/" in a["path"])
    dom["sha256"] = None
    dom["status"] = "absent"
    xml = (bundle / dom["path"]).read_text()
    (bundle / dom["path"]).write_text(
        xml.replace("</devices>", "<graphics type='vnc' listen='0.0.0.0'/></devices>")
    )
    (bundle / "manifest.json").write_text(json.dumps(m))


def _null_hash_no_file(bundle: Path) -> None:
    m = json.loads((bundle / "manifest.json").read_text())
    dom = next(a for a in m["artefacts"] if a["path"] == "libvirt/nodeinfo.json")
    dom["sha256"] = None
    (bundle / "libvirt/nodeinfo.json").unlink()
    (bundle / "manifest.json").write_text(json.dumps(m))


def _unlisted(bundle: Path) -> None:
    (bundle / "libvirt/domains/extra.xml").write_text("<domain/>")


def _index_shape(bundle: Path) -> None:
    _rehash(bundle, "libvirt/domains/index.json", b'{"domains": {"uuid": 1}}')


def _nodeinfo_huge(bundle: Path) -> None:
    info = json.loads((bundle / "libvirt/nodeinfo.json").read_text())
    text = json.dumps(info).replace(f'"memory_mib": {info["memory_mib"]}', '"memory_mib": 1e400')
    _rehash(bundle, "libvirt/nodeinfo.json", text.encode())


def _surrogate(bundle: Path) -> None:
    m = (bundle / "manifest.json").read_text()
    (bundle / "manifest.json").write_text(m.replace('"platform"', '"x": "\\ud800", "platform"'))


MALFORMED: dict[str, Callable[[Path], None]] = {
    "list": _raw_manifest("[]"),
    "string": _raw_manifest('"hvaudit"'),
    "collector-list": _manifest(lambda m: m.update(collector=[])),
    "deep": _raw_manifest("[" * 100_000 + "]" * 100_000),
    "deep-object": _raw_manifest('{"tool": "hvaudit", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    "artefacts-string": _manifest(lambda m: m.update(artefacts="x")),
    "entry-extra-field": _manifest(lambda m: m["artefacts"][0].update(evil=1)),
    "complete-string": _manifest(lambda m: m.update(complete="yes")),
    "hypervisor-int": _manifest(lambda m: m["collector"]["libvirt"].update(hypervisor=5)),
    "null-hash": _null_hash,
    "null-hash-no-file": _null_hash_no_file,
    "unlisted-file": _unlisted,
    "index-shape": _index_shape,
    "memory-1e400": _nodeinfo_huge,
    "lone-surrogate": _surrogate,
    "not-utf8": lambda b: (b / "manifest.json").write_bytes(b'{"tool": "hvaudit\xff"}'),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_bundle_is_one_line_exit_2(
    case: str, bundle_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    MALFORMED[case](bundle_dir)
    capsys.readouterr()
    code, out, err = cli(["assess", str(bundle_dir), "--format", "json"], capsys)
    assert code == 2 and one_line_error(err) and out == "", err


def test_gzip_without_its_crc_trailer_is_rejected(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive.write_bytes(archive.read_bytes()[:-8])
    capsys.readouterr()
    code, _, err = cli(["assess", str(archive)], capsys)
    assert code == 2 and one_line_error(err) and "corrupt" in err


def _tar_gz(path: Path, members: list[tuple[str, bytes | int]]) -> None:
    """An archive; an int member is that many zero bytes, streamed (never held in memory)."""
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if isinstance(data, int):
                info.size = data
                tar.addfile(info, _Zeros(data))
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


class _Zeros(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        n = min(len(buf), self.left)
        buf[:n] = bytes(n)
        self.left -= n
        return n


def test_decompression_bomb_is_refused_early(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Members of zeros that compress a thousand times: refused at the ratio bound after ~8 MiB
    (before: read whole into memory, up to 2 GiB); one member over 64 MiB is refused by its
    header alone."""
    bomb = tmp_path / "bomb.tar.gz"
    _tar_gz(
        bomb, [("manifest.json", b"{}"), *((f"libvirt/{i}", 40 * 1024 * 1024) for i in range(4))]
    )
    code, _, err = cli(["assess", str(bomb)], capsys)
    assert code == 2 and one_line_error(err) and "archive bomb" in err
    _tar_gz(bomb, [("manifest.json", b"{}"), ("libvirt/x", 65 * 1024 * 1024)])
    code, _, err = cli(["assess", str(bomb)], capsys)
    assert code == 2 and one_line_error(err) and "member 'libvirt/x' is too large" in err


def test_an_archive_of_too_many_members_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hvaudit.bundle import MAX_MEMBERS

    many = tmp_path / "many.tar.gz"
    _tar_gz(many, [(f"m{i}", b"") for i in range(MAX_MEMBERS + 1)])
    code, _, err = cli(["assess", str(many)], capsys)
    assert code == 2 and one_line_error(err) and f"more than {MAX_MEMBERS} members" in err


# --- TOML inputs -------------------------------------------------------------------------------

BAD_TOML = {
    "deep": "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "inf-ratio": "[thresholds]\nram_overcommit_max = inf\n",
    "huge-ratio": "[thresholds]\nram_overcommit_max = 1e300\n",
    "huge-count": "[thresholds]\nmax_interactive_accounts = 99999999999999999\n",
    "bool-count": "[thresholds]\nmax_admin_principals = true\n",
    "listeners-string": '[thresholds]\nallowed_listeners = "sshd"\n',
    "disable-ints": "[checks]\ndisable = [1, 2]\n",
    "severity-string": '[checks]\nseverity = "high"\n',
}


@pytest.mark.parametrize("case", sorted(BAD_TOML))
def test_bad_profile_is_one_line_exit_2(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text(BAD_TOML[case])
    code, _, err = cli(["scan", "--demo", "--profile", str(profile)], capsys)
    assert code == 2 and one_line_error(err) and "p.toml" in err, err


@pytest.mark.parametrize(
    ("flag", "text"),
    [
        ("--waivers", "waiver = 5\n"),
        ("--waivers", "a = " + "{x = " * 50_000 + "1" + "}" * 50_000 + "\n"),
        ("--attestations", "attestation = 'x'\n"),
        (
            "--attestations",
            "[[attestation]]\ncheck = 'HVA-001'\nanswer = 'yes'\nattested_by = 'a'\n"
            "attested_at = 2026-01-01\nvalid_days = 99999999999\nevidence = 'e'\n",
        ),
    ],
)
def test_bad_waiver_or_attestation_is_one_line_exit_2(
    flag: str, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "w.toml"
    path.write_text(text)
    code, _, err = cli(["scan", "--demo", flag, str(path)], capsys)
    assert code == 2 and one_line_error(err) and "w.toml" in err, err


def test_invalid_utf8_in_a_test_node_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    node = tmp_path / "n.xml"
    node.write_bytes(domain_xml("a").join([b"<node>".decode(), "</node>"]).encode())
    node.write_bytes(node.read_bytes().replace(b"<name>a</name>", b"<name>a\xff</name>"))
    code, _, err = cli(["scan", "--connect", f"test://{node}"], capsys)
    assert code == 2 and one_line_error(err) and "not valid UTF-8" in err, err
