"""The secret sweep against a real libvirtd (qemu:///system, started by scripts/start-services):
the QEMU driver keeps what the test driver drops (`<qemu:commandline>`, `<qemu:env>`), and its
XML (entities, attribute order) is what a real collection redacts."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import libvirtd_domains_held
from hvaudit.cli import main

pytestmark = pytest.mark.libvirtd

URI = "qemu:///system"
NAME = "secrets-sweep"
MARKER = re.compile(r"Mk[A-Za-z0-9]+Zz")

DOMAIN = f"""<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>{NAME}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <sysinfo type='smbios'><oemStrings>
    <entry>io.systemd.credential:rootpw=MkE2eOemZz</entry>
  </oemStrings></sysinfo>
  <devices>
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw'/>
      <source protocol='https' name='img.raw?token=MkE2eTokenZz' query='sig=MkE2eQueryZz'>
        <host name='img.example' port='443'/>
        <cookies><cookie name='session'>MkE2eCookieZz</cookie></cookies>
      </source>
      <target dev='vda' bus='virtio'/>
    </disk>
    <graphics type='vnc' autoport='yes' listen='0.0.0.0' passwd='MkE2eVnc'/>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-object'/><qemu:arg value='secret,id=s9,data=MkE2eObjectZz'/>
    <qemu:arg value='-spice'/><qemu:arg value='port=5999,password=MkE2eSpiceZz'/>
    <qemu:arg value='-object'/>
    <qemu:arg value='{{"qom-type":"secret","id":"s8","data":"MkE2eJsonZz"}}'/>
    <qemu:env name='API_TOKEN' value='MkE2eEnvZz'/>
  </qemu:commandline>
</domain>"""


def test_real_libvirtd_collection_keeps_no_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    libvirt = pytest.importorskip("libvirt")
    with libvirtd_domains_held():
        _sweep(libvirt, tmp_path, capsys)


def _sweep(libvirt: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conn = libvirt.open(URI)
    try:
        with contextlib.suppress(libvirt.libvirtError):
            conn.lookupByName(NAME).undefine()
        conn.defineXML(DOMAIN)
        bundle = tmp_path / "bundle"
        code = main(
            ["collect", "--connect", URI, "--secure-xml", "--facts", "none", "-o", str(bundle)]
        )
        capsys.readouterr()
        assert code == 0
        domains = [p.read_text() for p in (bundle / "libvirt" / "domains").glob("*.xml")]
        ours = next(x for x in domains if f"<name>{NAME}</name>" in x)
        # the real driver did keep every place (so the sweep can fail) ...
        assert "<qemu:env name='API_TOKEN' value='***REDACTED***'/>" in ours
        assert "secret,id=s9,data=***REDACTED***" in ours and "passwd='***REDACTED***'" in ours
        assert "<cookie name='session'>***REDACTED***</cookie>" in ours
        # ... and nothing of any of them reached the bundle or a report
        blob = "".join(p.read_text(errors="replace") for p in bundle.rglob("*") if p.is_file())
        assert MARKER.findall(blob) == [] and "MkE2eVnc" not in blob
        out_dir = tmp_path / "reports"
        out_dir.mkdir()
        formats = ("json", "html", "oscal", "sarif", "junit", "csv", "markdown")
        main(
            ["assess", str(bundle), "--color", "never"]
            + [a for f in formats for a in ("--report", f"{f}={out_dir / f}")]
        )
        out, err = capsys.readouterr()
        reports = out + err + "".join(p.read_text() for p in out_dir.iterdir())
        assert "raw QEMU arguments: -object secret,id=s9,data=***REDACTED***" in reports
        assert MARKER.findall(reports) == [] and "MkE2eVnc" not in reports
    finally:
        with contextlib.suppress(libvirt.libvirtError):
            conn.lookupByName(NAME).undefine()
        conn.close()
