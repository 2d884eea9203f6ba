"""R34 elif-chain sweep probes (letter S): devices.py, guest.py, _libvirt.py, _loopback.py and
_nextboot.py swept for the class of tests/test_r34_elif_probes.py: a check's chain meets a
subject's first open condition, yields its question and stops, so a later condition of the same
subject (a fail, an unknown or another question) is never put to anyone, and an attested "yes"
to the one question asked passes the check.

Harness: each probe builds its subject through the real collectors and engine (conftest's
host_scan replay of the hardened host, a libvirt test-driver domain), reads the question the
first condition asks alone (`first`), answers it "yes" in an attestation TOML read by the CLI's
own loader and applied with apply_attestations (test_r34_elif_probes._attest_yes), and asserts
the exact status (and, for a fail, the exact message). A harness test per site holds each
condition alone, so that the evidence is known to open both.

Findings (class: a question hides a later condition of the same subject):
- R34S-1 HVA-056 (guest.no_tpm_passthrough): a chardev on a host device link the evidence
  cannot resolve was asked ("does it lead to a device other than the TPM?") before the
  `<tpm><backend type='passthrough'>` fail; "yes" passed a VM that owns the host's TPM. Now
  the passthrough backend fails first.
- R34S-2 HVA-064 (guest.distribution_emulator): an <emulator> path with `..` was asked (does
  it resolve to the lexical distribution path?) and the chain stopped; on a host whose package
  list holds no QEMU package "yes" passed an emulator no update patches. Now that fail wins
  and the other package questions are joined to the `..` question (joined_asks).
- R34S-3 HVA-050 (devices._iommu_outcome): an IOMMU whose state was not read stopped the
  chain (its question, or an error where the collection failed) before vfio_iommu_type1's
  allow_unsafe_interrupts = 1, a fail whatever the IOMMU's state; and an unread remapping
  setting was asked beside the groups' pass only, so "yes" to a group question (membership
  not collected, a function in no group) passed with interrupt remapping never asked. Now the
  fail first, and the remapping question joined to the groups' question (not to a vGPU card's,
  which no DirectPath function's interrupts cross).
- R34S-4 HVA-059 (guest.no_raw_scsi): the vhost-scsi backstore question, the unclassed PCI
  function's question and the raw-argument SG_IO question each stopped the chain ("yes" to
  the first passed the others unasked; the vhost-scsi question was dropped beside raw
  arguments). Now one item asks every one (joined_asks); a fail still wins.
- R34S-5 HVA-057 (guest.no_shared_memory): a raw mem-path several VMs map (is it a
  directory?) stopped the chain before the vhost-user sockets' question (who may connect, or
  bind, and be handed the guest's memory); "yes" passed the socket never asked. Now one item
  asks both (joined_asks).
- R34S-6 HVA-042 (devices.qemu_unprivileged): qemu.conf's user that /etc/passwd does not list
  was asked and the chain stopped before a group /etc/group does not list; "yes, its uid is
  not 0" passed a group whose gid (0 is group root) was never asked. Now one item asks both
  (_unresolved_ids, joined_asks).

Held: each condition alone keeps its verdict (the harness tests).

Tally: 6 sites, 19 cases; 13 failed on main before the fix (6 held).

Leads left (the same class, not reproduced here):
- HVA-042 (devices.qemu_unprivileged): the swtpm account's question (_swtpm_open) stops the
  chain before qemu.conf's user or group whose id /etc/passwd or /etc/group does not give.
- HVA-058 (guest.shared_directories): the held-disk security-driver question, the unplaced
  volumes' question and the directory mapping's question each stop the chain before the
  nosuid/nodev question of the VM's other virtiofs shares.
- HVA-057, HVA-058, HVA-065: unread_peers asks about guests not read only beside a pass, not
  beside another question of the VM.
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, domain_xml, messages, outcomes
from hvaudit.engine import Assessment
from test_r34_elif_probes import _attest_yes, _items


def verdict(a: Assessment, check: str, subject: str) -> tuple[str, str]:
    """(status, message) of `check`'s result for the subject named `subject`."""
    (r,) = [x for x in a.results if x.check.id == check and x.outcome.subject.name == subject]
    return r.status.value, r.outcome.message


# --- R34S-1: guest.py HVA-056, a host device link asked, a passthrough TPM backend never ---------

TPM_PASSTHROUGH = (
    "<tpm model='tpm-tis'><backend type='passthrough'><device path='/dev/tpm0'/></backend></tpm>"
)
LINK_SERIAL = (
    "<serial type='dev'><source path='/dev/serial/by-id/usb-FTDI_FT232R-if00-port0'/>"
    "<target port='0'/></serial>"
)


def _tpm_vm(host_scan, *devices: str):
    return host_scan(domains=[domain_xml("tpmvm", body=f"<devices>{''.join(devices)}</devices>")])


def test_r34s1_harness_each_condition_alone(host_scan) -> None:
    """Held: the unresolved link alone is the question (L18-9P); the passthrough backend alone
    is the fail."""
    a = _tpm_vm(host_scan, LINK_SERIAL)
    assert outcomes(a, "HVA-056") == {"tpmvm": "manual"}, messages(a, "HVA-056")
    a = _tpm_vm(host_scan, TPM_PASSTHROUGH)
    assert verdict(a, "HVA-056", "tpmvm") == (
        "fail",
        "TPM backend passthrough: the guest owns the host's TPM",
    )


def test_r34s1_hva056_link_question_hides_passthrough_backend(host_scan) -> None:
    """R34S-1: a <tpm> passthrough backend (a fail alone) and a serial port on a link the
    evidence cannot resolve: main asked only whether the link leads to the TPM. Now the fail."""
    a = _tpm_vm(host_scan, TPM_PASSTHROUGH, LINK_SERIAL)
    assert verdict(a, "HVA-056", "tpmvm") == (
        "fail",
        "TPM backend passthrough: the guest owns the host's TPM",
    )


def test_r34s1_hva056_yes_to_link_question_passes(host_scan, tmp_path: Path) -> None:
    """R34S-1, the false pass: "yes, the link is no TPM" passed HVA-056 while the guest owns
    the host's TPM through its passthrough backend."""
    first = _items(_tpm_vm(host_scan, LINK_SERIAL), "HVA-056")[("vm", "tpmvm")][1]
    a = _tpm_vm(host_scan, TPM_PASSTHROUGH, LINK_SERIAL)
    _attest_yes(a, "HVA-056", "vm", "tpmvm", tmp_path, question=first)
    assert outcomes(a, "HVA-056") == {"tpmvm": "fail"}, messages(a, "HVA-056")


# --- R34S-2: guest.py HVA-064, an emulator's `..` asked, the host's missing QEMU package never ----

DOTDOT = "/usr/local/bin/../../bin/qemu-system-x86_64"
NO_QEMU_PACKAGE = {
    "dpkg-packages": (
        str(HARDENED_HOST["dpkg-packages"][0]).replace(
            "qemu-system-x86\t1:7.2+dfsg-7+deb12u7\tii \n", ""
        ),
        0,
    )
}


def _emulator_vm(host_scan, emulator: str, overrides: dict[str, object] | None = None):
    body = f"<devices><emulator>{emulator}</emulator></devices>"
    return host_scan(overrides or {}, [domain_xml("emu", body=body)])


def test_r34s2_harness_each_condition_alone(host_scan) -> None:
    """Held: the `..` path alone is the question (R20-4); the distribution path on a host whose
    package list holds no QEMU package alone is the fail (R8)."""
    a = _emulator_vm(host_scan, DOTDOT)
    assert outcomes(a, "HVA-064") == {"emu": "manual"}, messages(a, "HVA-064")
    a = _emulator_vm(host_scan, "/usr/bin/qemu-system-x86_64", NO_QEMU_PACKAGE)
    assert verdict(a, "HVA-064", "emu") == (
        "fail",
        "emulator /usr/bin/qemu-system-x86_64, but the host's package list holds no QEMU "
        "package: no update of the host patches it",
    )


def test_r34s2_hva064_dotdot_question_hides_unpackaged_emulator(host_scan) -> None:
    """R34S-2: the `..` path on a host whose package list holds no QEMU package: whichever file
    the path reaches, no update patches it (a packaged path is of no package; any other is a
    custom build). Main asked only where `..` leads. Now the fail."""
    a = _emulator_vm(host_scan, DOTDOT, NO_QEMU_PACKAGE)
    assert verdict(a, "HVA-064", "emu") == (
        "fail",
        f"emulator {DOTDOT}, but the host's package list holds no QEMU package: no update of the "
        "host patches it",
    )


def test_r34s2_hva064_yes_to_dotdot_question_passes(host_scan, tmp_path: Path) -> None:
    """R34S-2, the false pass: "yes, it resolves to /usr/bin/qemu-system-x86_64" passed HVA-064
    on a host with no QEMU package to patch that binary."""
    first = _items(_emulator_vm(host_scan, DOTDOT), "HVA-064")[("vm", "emu")][1]
    a = _emulator_vm(host_scan, DOTDOT, NO_QEMU_PACKAGE)
    _attest_yes(a, "HVA-064", "vm", "emu", tmp_path, question=first)
    assert outcomes(a, "HVA-064") == {"emu": "fail"}, messages(a, "HVA-064")


# --- R34S-3: devices.py HVA-050, an unread IOMMU asked, interrupts not remapped never ------------

PCI_GPU = (
    "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source>"
    "<address domain='0x0000' bus='0x65' slot='0x00' function='0x0'/></source></hostdev></devices>"
)
NO_DIRS = (
    "grep: /run/modprobe.d: No such file or directory\n"
    "grep: /usr/local/lib/modprobe.d: No such file or directory\n"
)
#: modprobe.d turns allow_unsafe_interrupts on for the module's next load (R10H-2)
UNSAFE = {
    "modprobe-d": (
        "/etc/modprobe.d/iommu_unsafe_interrupts.conf:"
        "options vfio_iommu_type1 allow_unsafe_interrupts=1\n",
        2,
        NO_DIRS,
    )
}
#: modprobe.d unreadable, the module not loaded: the remapping setting is not known (R10H-2)
UNSAFE_UNREAD = {"modprobe-d": ("", 2, "grep: /etc/modprobe.d/vfio.conf: Permission denied\n")}
IOMMU_UNREAD = {"iommu-groups": TimeoutError("timed out")}
GROUPS_UNREAD = {"iommu-group-devices": None}
UNSAFE_FAIL = (
    "passthrough of pci 0000:65:00.0 with options vfio_iommu_type1 allow_unsafe_interrupts=1 "
    "(/etc/modprobe.d/iommu_unsafe_interrupts.conf, applied when a VM loads the module): the "
    "device's interrupts (MSIs) are not remapped, so it can inject interrupts into the host"
)


def _gpu(host_scan, *overrides: dict[str, object]):
    merged: dict[str, object] = {}
    for o in overrides:
        merged |= o
    return host_scan(merged, domains=[domain_xml("gpu", body=PCI_GPU)])


def test_r34s3_harness_each_condition_alone(host_scan) -> None:
    """Held: an IOMMU whose collection failed alone is an error (unknown); group membership not
    collected alone is the group question; modprobe.d's allow_unsafe_interrupts=1 alone is the
    fail (R10H-2); modprobe.d unread with the module not loaded alone is the remapping question
    beside the groups' pass."""
    a = _gpu(host_scan, IOMMU_UNREAD)
    assert outcomes(a, "HVA-050") == {"gpu": "error"}, messages(a, "HVA-050")
    a = _gpu(host_scan, GROUPS_UNREAD)
    assert outcomes(a, "HVA-050") == {"gpu": "manual"}, messages(a, "HVA-050")
    assert "IOMMU group membership was not collected" in messages(a, "HVA-050")["gpu"]
    assert verdict(_gpu(host_scan, UNSAFE), "HVA-050", "gpu") == ("fail", UNSAFE_FAIL)
    a = _gpu(host_scan, UNSAFE_UNREAD)
    assert outcomes(a, "HVA-050") == {"gpu": "manual"}, messages(a, "HVA-050")
    assert (
        "the allow_unsafe_interrupts it will load with is not known"
        in (messages(a, "HVA-050")["gpu"])
    )


def test_r34s3_hva050_unread_iommu_hides_unsafe_interrupts(host_scan) -> None:
    """R34S-3: the IOMMU's collection failed and modprobe.d turns allow_unsafe_interrupts on:
    main stopped at the unread IOMMU (an error) and never reached the setting that fails
    whatever the IOMMU's state. Now the fail."""
    a = _gpu(host_scan, IOMMU_UNREAD, UNSAFE)
    assert verdict(a, "HVA-050", "gpu") == ("fail", UNSAFE_FAIL)


def test_r34s3_hva050_yes_to_group_question_passes_unread_remapping(
    host_scan, tmp_path: Path
) -> None:
    """R34S-3, the false pass: group membership not collected (the group question) and
    modprobe.d unread with the module not loaded: main asked only the groups' question (the
    remapping one was added to a pass alone), and "yes" passed HVA-050 with interrupt
    remapping never asked. Now one item asks both."""
    first = _items(_gpu(host_scan, GROUPS_UNREAD), "HVA-050")[("vm", "gpu")][1]
    a = _gpu(host_scan, GROUPS_UNREAD, UNSAFE_UNREAD)
    _attest_yes(a, "HVA-050", "vm", "gpu", tmp_path, question=first)
    assert outcomes(a, "HVA-050") == {"gpu": "manual"}, messages(a, "HVA-050")


def test_r34s3_hva050_group_and_remapping_questions_in_one_item(host_scan) -> None:
    """R34S-3: the item names the unread remapping setting after the groups' gap (main named
    the groups' gap alone)."""
    a = _gpu(host_scan, GROUPS_UNREAD, UNSAFE_UNREAD)
    assert outcomes(a, "HVA-050") == {"gpu": "manual"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050")["gpu"].endswith(
        "; but vfio_iommu_type1 is not loaded and modprobe.d could not be read (grep: "
        "/etc/modprobe.d/vfio.conf: Permission denied): the allow_unsafe_interrupts it will "
        "load with is not known"
    ), messages(a, "HVA-050")


# --- R34S-4: guest.py HVA-059, a vhost-scsi target asked, an unclassed PCI device never ----------

VHOST_SCSI = (
    "<hostdev mode='subsystem' type='scsi_host'>"
    "<source protocol='vhost' wwpn='naa.50014057667280d8'/></hostdev>"
)
#: a PCI function the host's pci-classes listing does not hold (R9-1)
UNCLASSED_PCI = (
    "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
    "<address domain='0x0000' bus='0x66' slot='0x00' function='0x0'/></source></hostdev>"
)


def _scsi_vm(host_scan, *devices: str):
    return host_scan(domains=[domain_xml("scsi", body=f"<devices>{''.join(devices)}</devices>")])


def test_r34s4_harness_each_condition_alone(host_scan) -> None:
    """Held: the vhost-scsi target alone is the backstore question (R4); the PCI function of
    no class in the evidence alone is the storage-controller question (R9-1)."""
    a = _scsi_vm(host_scan, VHOST_SCSI)
    assert outcomes(a, "HVA-059") == {"scsi": "manual"}, messages(a, "HVA-059")
    assert messages(a, "HVA-059")["scsi"].startswith("vhost-scsi target(s) naa.50014057667280d8")
    a = _scsi_vm(host_scan, UNCLASSED_PCI)
    assert verdict(a, "HVA-059", "scsi") == (
        "manual",
        "PCI device(s) 0000:66:00.0 passed through, of a class the evidence does not show",
    )


def test_r34s4_hva059_yes_to_vhost_question_passes_unclassed_pci(host_scan, tmp_path: Path) -> None:
    """R34S-4, the false pass: a vhost-scsi target and a PCI function of a class the evidence
    lacks (maybe a storage controller, a fail): main asked only the backstore question, and
    "yes, block or fileio" passed HVA-059 with the function's class never asked. Now one item
    asks both."""
    first = _items(_scsi_vm(host_scan, VHOST_SCSI), "HVA-059")[("vm", "scsi")][1]
    a = _scsi_vm(host_scan, VHOST_SCSI, UNCLASSED_PCI)
    _attest_yes(a, "HVA-059", "vm", "scsi", tmp_path, question=first)
    assert outcomes(a, "HVA-059") == {"scsi": "manual"}, messages(a, "HVA-059")


def test_r34s4_hva059_both_named_in_one_item(host_scan) -> None:
    """R34S-4: one item names the target and the unclassed function (main named the target
    alone)."""
    a = _scsi_vm(host_scan, VHOST_SCSI, UNCLASSED_PCI)
    assert verdict(a, "HVA-059", "scsi") == (
        "manual",
        "vhost-scsi target(s) naa.50014057667280d8: what the guest's SCSI commands reach is the "
        "target's backstore on the host; PCI device(s) 0000:66:00.0 passed through, of a class "
        "the evidence does not show",
    )


# --- R34S-5: guest.py HVA-057, a raw mem-path asked, a listening vhost-user socket never ---------

MEM = "-object memory-backend-file,id=m0,mem-path=/srv/mem,share=on,size=128M"
VHU_SERVER = (
    "<interface type='vhostuser'><mac address='52:54:00:34:57:01'/>"
    "<source type='unix' path='/run/vm/memq.sock' mode='server'/><model type='virtio'/>"
    "</interface>"
)


def _memory(tmp_path: Path, mine: str, devices: str = ""):
    """VM memq (its raw arguments `mine`, its `devices`) beside VM memp, which maps /srv/mem
    shared by raw arguments (R10-9)."""
    from conftest import run_assessment
    from test_redteam3_vm_probes import replayed_domains
    from test_redteam23_vm_probes import _domain

    tmp_path.mkdir(exist_ok=True)
    domains = {
        "memq": _domain("memq", devices, args=tuple(mine.split()) if mine else ()),
        "memp": _domain("memp", args=tuple(MEM.split())),
    }
    return run_assessment(replayed_domains(tmp_path, domains))


def test_r34s5_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: a raw mem-path another VM's raw arguments map too alone is the directory question
    (R10-9); a vhost-user socket QEMU listens on alone is the connect question (R23V-1)."""
    a = _memory(tmp_path / "a", MEM)
    assert outcomes(a, "HVA-057")["memq"] == "manual", messages(a, "HVA-057")
    assert messages(a, "HVA-057")["memq"].startswith("memory backend(s) shared by raw QEMU")
    a = _memory(tmp_path / "b", "", VHU_SERVER)
    assert verdict(a, "HVA-057", "memq") == (
        "manual",
        "vhost-user socket(s) QEMU listens on, whose peer is handed the guest's memory: "
        "vhost-user interface socket /run/vm/memq.sock (mode server)",
    )


def test_r34s5_hva057_yes_to_mem_path_question_passes_vhost_user(tmp_path: Path) -> None:
    """R34S-5, the false pass: a raw mem-path VM memp maps too (the directory question) and a
    vhost-user socket QEMU listens on: main asked only whether the mem-path is a directory,
    and "yes" passed HVA-057 with who may connect to the socket (and so map the guest's
    memory) never asked."""
    first = _items(_memory(tmp_path / "a", MEM), "HVA-057")[("vm", "memq")][1]
    a = _memory(tmp_path / "b", MEM, VHU_SERVER)
    _attest_yes(a, "HVA-057", "vm", "memq", tmp_path, question=first)
    assert outcomes(a, "HVA-057")["memq"] == "manual", messages(a, "HVA-057")


def test_r34s5_hva057_both_named_in_one_item(tmp_path: Path) -> None:
    """R34S-5: one item names the mem-path and the socket (main named the mem-path alone)."""
    a = _memory(tmp_path, MEM, VHU_SERVER)
    assert verdict(a, "HVA-057", "memq") == (
        "manual",
        f"memory backend(s) shared by raw QEMU arguments of several VMs: QEMU argument {MEM} "
        "(mapped shared by VM(s) memp too); vhost-user socket(s) QEMU listens on, whose peer is "
        "handed the guest's memory: vhost-user interface socket /run/vm/memq.sock (mode server)",
    )


# --- R34S-6: devices.py HVA-042, qemu.conf's user asked, its group never -------------------------


def _qemu_ids(host_scan, user: str, group: str):
    """qemu.conf user and group as given, no QEMU running (test_redteam27_daemon_probes)."""
    from test_redteam27_daemon_probes import QEMU, _user

    over = _user(user)
    over[QEMU] = str(over[QEMU]).replace('group = "libvirt-qemu"', f'group = "{group}"')
    return host_scan(over)


USER_ASKED = (
    "qemu.conf sets user = qemuops, which /etc/passwd does not list (an NSS account, or none): "
    "its uid is not known"
)
GROUP_ASKED = (
    "qemu.conf sets group = qemugrp, which /etc/group does not list (an NSS group, or none): "
    "its gid is not known"
)


def test_r34s6_harness_each_condition_alone(host_scan) -> None:
    """Held: a user /etc/passwd does not list alone is the user's question (R27O-1); a group
    /etc/group does not list alone is the group's (R27O-2)."""
    a = _qemu_ids(host_scan, "qemuops", "libvirt-qemu")
    assert verdict(a, "HVA-042", "hv1") == ("manual", USER_ASKED)
    a = _qemu_ids(host_scan, "libvirt-qemu", "qemugrp")
    assert verdict(a, "HVA-042", "hv1") == ("manual", GROUP_ASKED)


def test_r34s6_hva042_yes_to_user_question_passes_group(host_scan, tmp_path: Path) -> None:
    """R34S-6, the false pass: qemu.conf's user and group both absent from the files: main
    asked only the user's uid, and "yes, not 0" passed HVA-042 with the group (gid 0 is
    group root, a fail) never asked."""
    first = _items(_qemu_ids(host_scan, "qemuops", "libvirt-qemu"), "HVA-042")[("host", "hv1")][1]
    a = _qemu_ids(host_scan, "qemuops", "qemugrp")
    _attest_yes(a, "HVA-042", "host", "hv1", tmp_path, question=first)
    assert outcomes(a, "HVA-042") == {"hv1": "manual"}, messages(a, "HVA-042")


def test_r34s6_hva042_both_named_in_one_item(host_scan) -> None:
    """R34S-6: one item names the user and the group (main named the user alone)."""
    a = _qemu_ids(host_scan, "qemuops", "qemugrp")
    assert verdict(a, "HVA-042", "hv1") == ("manual", f"{USER_ASKED}; {GROUP_ASKED}")
