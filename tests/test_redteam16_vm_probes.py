"""Sixteenth red-team review, VM side (rt16vm): definition elements and host evidence no earlier
round probed.

Same harness as round 15 (tests/test_redteam15_vm_probes.py, and round 14's and round 10's
helpers it imports): libvirt's test driver serves the domains on conftest's replayed hardened
host; what needs raw QEMU arguments or a daemon with the QEMU driver goes through _replayed_on.
Every fact a probe rests on was read with the `search` / `find_string` / `read_file` tools and
is cited in its docstring. None repeats a probe of the fifteen earlier rounds.

FINDINGS

HELD

TALLY

LEADS
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, domain_xml
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _scan


def _result(a: Assessment, check_id: str, vm: str) -> Any:
    return next(r for r in a.results if r.check.id == check_id and r.outcome.subject.name == vm)


# --- R16-1: HVA-064, an emulator binary no package on the host's list ships ---------------------


def _foreign(name: str, emulator: str, arch: str, machine: str) -> str:
    return domain_xml(name, dtype="qemu").replace(
        "<os><type arch='x86_64'>hvm</type></os>",
        f"<os><type arch='{arch}' machine='{machine}'>hvm</type></os>"
        f"<devices><emulator>{emulator}</emulator></devices>",
    )


ARM = ("armvm", "/usr/bin/qemu-system-aarch64", "aarch64", "virt")
S390 = ("s390vm", "/usr/bin/qemu-system-s390x", "s390x", "s390-ccw-virtio")
I386 = ("i386vm", "/usr/bin/qemu-system-i386", "i686", "pc")


@pytest.fixture(scope="module")
def emulators(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _scan(
        tmp_path_factory.mktemp("rt16emu"), [_foreign(*ARM), _foreign(*S390), _foreign(*I386)]
    )


@pytest.mark.parametrize(
    ("vm", "binary", "arch"), [(ARM[0], ARM[1], "aarch64"), (S390[0], S390[1], "s390x")]
)
def test_emulator_of_an_architecture_no_installed_package_ships_is_asked(
    emulators: Assessment, vm: str, binary: str, arch: str
) -> None:
    """R16-1. Debian splits QEMU's system emulators by architecture family: qemu-system-x86
    holds /usr/bin/qemu-system-x86_64 and /usr/bin/qemu-system-i386, qemu-system-arm holds
    /usr/bin/qemu-system-aarch64 and /usr/bin/qemu-system-arm, the meta-package qemu-system only
    documentation (packages.debian.org file lists for bookworm and sid, read with `search`).
    conftest's hardened host lists qemu-system-x86 as its one emulator package, so a
    /usr/bin/qemu-system-aarch64 (or -s390x) there came from no package on the list: a build
    put in the distribution's path, which the host's updates never patch. HVA-064 passed it
    "emulator /usr/bin/qemu-system-aarch64" on the path alone (false pass; now R9-7's
    question of which package installed it)."""
    assert verdict(emulators, "HVA-064", vm) == (
        "manual",
        f"emulator {binary}; the host's QEMU emulator packages (qemu-system-x86) ship the "
        f"qemu-system binaries of other architectures, not {arch}",
    )
    assert _result(emulators, "HVA-064", vm).outcome.question == (
        f"Which package installed {binary} on host hv1? Evidence: `dpkg -S {binary}` (or "
        f"`rpm -qf {binary}`) on hv1. Pass: a distribution package the host's updates cover; "
        "fail: none, so it was installed by hand."
    )


def test_emulator_of_an_installed_family_package_passes(emulators: Assessment) -> None:
    """R16-1 held: qemu-system-x86 ships /usr/bin/qemu-system-i386 beside qemu-system-x86_64."""
    assert verdict(emulators, "HVA-064", "i386vm") == ("pass", "emulator /usr/bin/qemu-system-i386")


@pytest.mark.parametrize(
    "extra",
    ["qemu-system-arm\t1:7.2+dfsg-7+deb12u7\tii \n", "qemu-system\t1:7.2+dfsg-7+deb12u7\tii \n"],
)
def test_emulator_beside_its_family_package_or_the_meta_package_passes(
    tmp_path: Path, extra: str
) -> None:
    """R16-1 held: with qemu-system-arm installed the aarch64 binary is packaged; the
    meta-package qemu-system depends on every qemu-system-<family> package (a catch-all, left
    unjudged)."""
    out, rc = HARDENED_HOST["dpkg-packages"]
    host = dict(HARDENED_HOST, **{"dpkg-packages": (out + extra, rc)})
    a = _scan(tmp_path, [_foreign(*ARM)], host)
    assert verdict(a, "HVA-064", "armvm") == ("pass", "emulator /usr/bin/qemu-system-aarch64")
