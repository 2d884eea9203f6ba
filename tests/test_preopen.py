"""A local libvirt connection opened while the scan starts up (`hvaudit.preopen`): only local
URIs, taken by the collector instead of a second open, closed when a bad flag stops the scan, and
a failed open reported exactly as the collector's own open reports it. Real libvirt (the test
driver)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import libvirt
import pytest

from conftest import domain_xml, write_node
from hvaudit import preopen
from hvaudit.cli import main


@pytest.mark.parametrize(
    ("uri", "early"),
    [
        ("qemu:///system", True),
        ("qemu+unix:///system", True),
        ("qemu:///session", True),
        ("test:///default", True),
        ("qemu+ssh://root@hv1/system", False),
        ("qemu+tcp://127.0.0.1/system", False),
        ("qemu://hv1/system", False),
        ("test:///no/such/node.xml", False),
        ("pve+dir:///tmp/pve", False),
        ("vmx+dir:///tmp/vmx", False),
        ("vsphere://vc.example/", False),
        ("not a uri", False),
    ],
)
def test_only_connections_that_stay_on_this_machine_open_early(uri: str, early: bool) -> None:
    assert preopen.opens_early(uri) is early


def test_a_node_file_that_exists_opens_early(tmp_path: Path) -> None:
    uri = write_node(tmp_path / "node.xml", [domain_xml("vm1")])
    assert preopen.opens_early(uri)
    assert not preopen.opens_early(f"test://{tmp_path}")  # a folder, said by the collector


def _count_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    threads: list[str] = []
    real = libvirt.openReadOnly

    def counted(uri: str) -> Any:
        threads.append(threading.current_thread().name)
        return real(uri)

    monkeypatch.setattr(libvirt, "openReadOnly", counted)
    return threads


def test_the_scan_takes_the_early_connection_and_opens_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = write_node(tmp_path / "node.xml", [domain_xml("vm1"), domain_xml("vm2")])
    opens = _count_opens(monkeypatch)
    out = tmp_path / "r.json"
    code = main(["scan", "--connect", uri, "--facts", "none", "--format", "json", "-o", str(out)])
    assert code in (0, 1), capsys.readouterr().err
    assert opens == ["hvaudit-open"]
    assert '"name": "vm2"' in out.read_text()
    assert preopen._pending is None


def test_a_bad_flag_closes_the_early_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = write_node(tmp_path / "node.xml", [domain_xml("vm1")])
    closed: list[int] = []
    real = libvirt.virConnect.close

    def close(self: Any) -> int:
        closed.append(1)
        return int(real(self))

    monkeypatch.setattr(libvirt.virConnect, "close", close)
    code = main(["scan", "--connect", uri, "--profile", "no-such-profile", "--format", "json"])
    assert code == 2
    assert "no-such-profile" in capsys.readouterr().err
    assert preopen._pending is None
    for _ in range(200):  # closed by the opening thread if it was still opening
        if closed:
            break
        threading.Event().wait(0.01)
    assert closed == [1]


def test_a_failed_early_open_reads_as_the_collectors_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A node file libvirt cannot parse: the same exit code and message with the early open as
    without it (the collector opening on its own, for a URI `opens_early` declines)."""
    node = tmp_path / "node.xml"
    node.write_text("<node><domain type='test'><name>x</name>")
    uri = f"test://{node}"
    argv = ["scan", "--connect", uri, "--facts", "none", "--format", "json"]
    early = main(argv)
    err_early = capsys.readouterr().err
    monkeypatch.setattr(preopen, "opens_early", lambda _uri: False)
    late = main(argv)
    err_late = capsys.readouterr().err
    assert (early, err_early) == (late, err_late)
    assert early == 3 and f"cannot connect to {uri}" in err_early


def test_claim_takes_only_the_same_uri_and_mode_once(tmp_path: Path) -> None:
    uri = write_node(tmp_path / "node.xml", [domain_xml("vm1")])
    preopen.start(uri, False)
    try:
        assert preopen.claim(uri, True) is None
        assert preopen.claim("test:///default", False) is None
        got = preopen.claim(uri, False)
        assert got is not None
        assert preopen.claim(uri, False) is None
        conn = got.wait()
        assert [d.name() for d in conn.listAllDomains(0)] == ["vm1"]
        conn.close()
    finally:
        preopen.discard()
