"""Evidence bundles: round trips, integrity, hostile archives, secrets, partial collections."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from conftest import build_bundle, domain_xml, write_node
from hvaudit.bundle import Bundle, BundleWriter
from hvaudit.collect import CollectOptions, collect_libvirt
from hvaudit.errors import BundleError, CollectionError, InputError, UsageError
from hvaudit.redact import REDACTED, redact_conf, redact_process_list, redact_xml

SECRET = "hunter2-console-secret"


def _node(tmp_path: Path) -> str:
    vm = domain_xml(
        "web01",
        body=f"<devices><graphics type='vnc' listen='0.0.0.0' passwd='{SECRET}'/></devices>",
    )
    return write_node(tmp_path / "node.xml", [vm])


@pytest.mark.parametrize("name", ["dir-bundle", "bundle.tar.gz"])
def test_collect_round_trip_and_manifest(tmp_path: Path, name: str) -> None:
    res = collect_libvirt(CollectOptions(_node(tmp_path), secure_xml=True), tmp_path / name)
    assert res.complete and res.errors == ()
    b = Bundle.open(res.path)
    m = b.manifest
    assert m["tool"] == "hvaudit" and m["platform"] == "kvm-libvirt" and m["complete"] is True
    assert m["collected_at"].endswith("Z") and m["target"].startswith("test://")
    assert b.entry("libvirt/nwfilters/index.json").status == "unavailable"
    assert b.entry("host").status == "not_applicable"
    assert all(len(e.sha256 or "") == 64 for e in b.entries.values() if e.status == "ok")


def test_secrets_never_reach_the_bundle(tmp_path: Path) -> None:
    res = collect_libvirt(CollectOptions(_node(tmp_path), secure_xml=True), tmp_path / "b.tar.gz")
    raw = res.path.read_bytes()
    with tarfile.open(res.path) as tar:
        blob = b"".join(tar.extractfile(m).read() for m in tar if m.isfile())  # type: ignore[union-attr]
    assert SECRET.encode() not in blob and SECRET.encode() not in raw
    assert REDACTED.encode() in blob  # the fact that a password is set survives


def test_redactors() -> None:
    assert SECRET not in redact_xml(f"<graphics type='spice' passwd=\"{SECRET}\"/>")
    conf = redact_conf(
        f'vnc_password = "{SECRET}"\nvnc_tls_x509_cert_dir = "/etc/pki"\n'
        f'ldap_default_authtok = {SECRET}\n# spice_password = "x"\n'
    )
    assert SECRET not in conf and 'vnc_tls_x509_cert_dir = "/etc/pki"' in conf
    # a commented-out setting may be a real password kept for later: blanked too
    assert '# spice_password = "***REDACTED***"' in conf
    ps = redact_process_list(
        f"qemu -object secret,id=s0,data={SECRET},format=base64 -vnc :0,password=on"
    )
    assert SECRET not in ps


def test_tampered_artefact_is_refused(tmp_path: Path) -> None:
    res = collect_libvirt(CollectOptions(_node(tmp_path)), tmp_path / "b")
    victim = next(p for p in (tmp_path / "b" / "libvirt" / "domains").glob("*.xml"))
    victim.write_text(victim.read_text().replace("web01", "evil01"))
    with pytest.raises(BundleError, match="does not match its sha256"):
        Bundle.open(res.path)


def test_truncated_archive_is_refused(tmp_path: Path) -> None:
    res = collect_libvirt(CollectOptions(_node(tmp_path)), tmp_path / "b.tar.gz")
    data = res.path.read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(BundleError, match="truncated or corrupt"):
        Bundle.open(cut)


def test_hostile_archive_members_are_refused(tmp_path: Path) -> None:
    for member in ("../escape.txt", "/etc/abs.txt"):
        path = tmp_path / f"evil-{len(member)}.tar.gz"
        with tarfile.open(path, "w:gz") as tar:
            info = tarfile.TarInfo(member)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"hi"))
        with pytest.raises(BundleError, match="unsafe member"):
            Bundle.open(path)
    link = tmp_path / "link.tar.gz"
    with tarfile.open(link, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tar.addfile(info)
    with pytest.raises(BundleError, match="non-regular"):
        Bundle.open(link)


def test_not_a_bundle_and_missing_bundle(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(BundleError, match="not an hvaudit bundle"):
        Bundle.open(tmp_path / "empty")
    with pytest.raises(InputError, match="no such bundle"):
        Bundle.open(tmp_path / "nope")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.json").write_text("{not json")
    with pytest.raises(BundleError, match="invalid manifest"):
        Bundle.open(tmp_path / "bad")


def test_writer_refuses_existing_destination_and_unsafe_paths(tmp_path: Path) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    with pytest.raises(UsageError, match="already exists"):
        BundleWriter(tmp_path / "used", target="t", platform="kvm-libvirt")
    w = BundleWriter(tmp_path / "new", target="t", platform="kvm-libvirt")
    for bad in ("../x", "/abs", "manifest.json"):
        with pytest.raises(ValueError, match="unsafe"):
            w.add(bad, b"", origin="t")


def test_unreachable_target_that_collected_nothing_leaves_nothing(tmp_path: Path) -> None:
    """issue 11: a failed connection that collected nothing leaves no bundle (and says so)."""
    missing = f"test://{tmp_path}/does-not-exist.xml"
    with pytest.raises(CollectionError, match="nothing was collected, no bundle kept"):
        collect_libvirt(CollectOptions(missing), tmp_path / "partial")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_host_unreachable_over_ssh_keeps_what_was_collected(tmp_path: Path) -> None:
    """The real OpenSSH client against a closed loopback port: a one-line CollectionError, and the
    bundle written so far is closed as partial."""
    from hvaudit.collect.host import HostCollector
    from hvaudit.collect.runner import SshRunner

    writer = BundleWriter(
        tmp_path / "p", target="qemu+ssh://nobody@127.0.0.1:1/system", platform="kvm-libvirt"
    )
    writer.add("libvirt/capabilities.xml", b"<capabilities/>", origin="test")
    with pytest.raises(CollectionError, match=r"ssh nobody@127\.0\.0\.1:1") as err:
        HostCollector(SshRunner("nobody@127.0.0.1", port=1, connect_timeout=3)).collect(writer)
    assert "\n" not in str(err.value)
    writer.close(complete=False)
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert manifest["complete"] is False
    assert [a["path"] for a in manifest["artefacts"]] == ["libvirt/capabilities.xml"]


def test_ssh_runner_refuses_option_injection() -> None:
    from hvaudit.collect.runner import SshRunner

    for bad in ("-oProxyCommand=touch /tmp/x", "a b", ""):
        with pytest.raises(CollectionError, match="invalid SSH destination"):
            SshRunner(bad)


def test_replayed_host_bundle_records_every_probe(tmp_path: Path) -> None:
    from conftest import HARDENED_HOST
    from hvaudit.collect.host import COMMANDS, FILES, command_artefact, file_artefact

    path = build_bundle(
        tmp_path, write_node(tmp_path / "n.xml", [domain_xml("a")]), dict(HARDENED_HOST)
    )
    b = Bundle.open(path)
    for f in FILES:
        assert b.entry(file_artefact(f.path)) is not None, f.path
    for c in COMMANDS:
        assert b.entry(command_artefact(c.name)) is not None, c.name
    assert b.entry(command_artefact("sshd-effective")).origin == "sshd -T"
    assert b.entry(command_artefact("iptables-input")).status == "absent"


def test_in_memory_collection_follows_running_qemu_processes() -> None:
    """A plain `scan` collects into memory: the per-QEMU-process probes must still run."""
    from conftest import HARDENED_HOST, ReplayRunner
    from hvaudit.collect.host import HostCollector, command_artefact

    writer = BundleWriter(None, target="qemu:///system", platform="kvm-libvirt")
    HostCollector(ReplayRunner(dict(HARDENED_HOST))).collect(writer)
    assert writer.close(complete=True) is None
    bundle = writer.bundle()
    assert bundle.entry(command_artefact("qemu-status-1200")).status == "ok"
    assert "Seccomp:\t2" in bundle.text(command_artefact("qemu-status-1200"))
