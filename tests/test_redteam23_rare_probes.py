"""Twenty-third red-team review, rarely probed KVM/libvirt host checks (rt23rare).

Harness: conftest's `host_scan` (the hardened Debian host replayed through `ReplayRunner`, the
real collector, parser and engine, libvirt's test driver serving one plain VM, web01, QEMU pid
1200), changed in one fact per probe, the fact an insecure host would show.

Findings (ID-n):
- R23R-1 (false pass, through the attestation) HVA-182: where /proc/PID/exe of a QEMU process
  could not be read and its /proc/PID/maps neither (a collector without the right to read
  another user's /proc entries gets "Permission denied" on both), the item asked only "Do the
  QEMU processes listed run the QEMU binary installed now?": an attestation answering yes
  passed the host with the shared libraries never read nor asked (R9H-8's replaced libgnutls
  unpatched; proc(5) /proc/pid/maps, " (deleted)" after an unlinked file's path, what
  needrestart reads). The maps branch was reached only when every binary was read. Now one
  question asks both, with both lists in the message (the R20N-2 rule: one item, every
  condition it stands for).

Held (kept as tests): a binary unread with the maps read keeps its binary-only question.

Probed by script, not kept (the verdict was right): HVA-215 stdio_handler spellings (libvirt
qemu_conf.c accepts "logd" and "file" only and refuses to start otherwise); HVA-133 private=
spellings (secret-dumpxml writes 'yes'/'no' only, virSecretDefFormat); HVA-051 with VFIO-only
passthrough; HVA-062 "0x1" / "01" in sysctl.d (the kernel's proc_get_long reads base 0,
`strtoul_lenient(p, &p, 0, val)`, read with `find_string`: "0x1" is asked, "01" fails, right
or on the safe side).

Tally: 2 cases in 2 test functions; 1 failed on main 83c1568 before the fix (run with
PYTHONPATH=/work/main/src), the held twin passed before and after. The SARIF golden carries
HVA-182's docstring: regenerated (HVAUDIT_UPDATE_GOLDEN=1), no verdict in it changed.

Leads left (not settled in the time):
- HVA-182 reads /proc/PID/exe and maps of QEMU (and qemu-pr-helper) only; the VM helpers libvirt
  starts beside it (swtpm, virtiofsd, passt, VM_HELPER) get their label read but not their exe:
  an swtpm or virtiofsd update is not in effect until the VM restarts either. Needs the exe probe
  per helper and a decision whether HVA-182's title covers them.
- HVA-182 does not see firmware: OVMF_CODE.fd is opened as a pflash blockdev (an fd, not a
  mapping), so an edk2 security update shows only as " (deleted)" in /proc/PID/fd, not read.
- HVA-062 reads a sysctl.d value with `[+-]?[0-9]+`; the kernel's proc_get_long refuses a
  leading "+" (`if (!isdigit(*p)) return -EINVAL`) and reads base 0 ("0x1" is 1): "+1" fails
  although the kernel rejects the write (a wrong fail), "0x1" is asked where it could fail.
  The same optional-plus spelling is in devices.py _modules_disabled_at_boot (next-boot code, the
  other reviewer's area): "+1" counts as set, though the kernel refuses it; "0x1" as unset.
- HVA-215 is judged from qemu.conf and virtlogd.conf only; a VM's <qemu:commandline> -chardev
  file or -D logfile writes past virtlogd (file chardevs and <log> themselves go through
  virtlogd when stdio_handler is logd). Not probed.
"""

from __future__ import annotations

from conftest import messages, outcomes

#: `ls -l /proc/1200/exe` run without the right to read the link (ls exits 1)
EXE_DENIED = (
    "lrwxrwxrwx 1 libvirt-qemu kvm 0 Nov 27 04:00 /proc/1200/exe\n",
    1,
    "ls: cannot read symbolic link '/proc/1200/exe': Permission denied\n",
)
#: `grep -F " (deleted)" /proc/1200/maps` likewise (grep exits 2)
MAPS_DENIED = ("", 2, "grep: /proc/1200/maps: Permission denied\n")


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


def test_qemu_binary_and_maps_unread_asks_both(host_scan) -> None:
    """R23R-1. proc(5): /proc/PID/exe names the executed file, " (deleted)" after it once an
    update replaced it; /proc/PID/maps does the same for each mapped shared library (R9H-8,
    what needrestart reads). Neither was read here, so both are open: hvaudit asked about the
    binary alone, and a "yes" to that question passed the host with the libraries unasked.
    Right: one question naming both files and both lists."""
    a = host_scan({"qemu-exe-1200": EXE_DENIED, "qemu-maps-1200": MAPS_DENIED})
    assert outcomes(a, "HVA-182") == {"hv1": "manual"}, messages(a, "HVA-182")
    assert messages(a, "HVA-182")["hv1"] == (
        "the binary of 1 QEMU process(es) could not be read: web01; the libraries 1 of them "
        "map were not read: web01"
    )
    q = _question(a, "HVA-182")
    assert q.startswith(
        "Do the QEMU processes listed run the QEMU binary installed now and map only the "
        "shared libraries installed now?"
    ), q
    assert "/proc/PID/maps" in q and "/proc/PID/exe" in q, q


def test_qemu_binary_unread_maps_read_keeps_binary_question(host_scan) -> None:
    """Held twin of R23R-1: the maps were read (grep exit 1, no deleted file), only the binary
    is open: the binary-only question, unchanged."""
    a = host_scan({"qemu-exe-1200": EXE_DENIED})
    assert outcomes(a, "HVA-182") == {"hv1": "manual"}, messages(a, "HVA-182")
    assert messages(a, "HVA-182")["hv1"] == (
        "the binary of 1 QEMU process(es) could not be read: web01"
    )
    assert _question(a, "HVA-182").startswith(
        "Do the QEMU processes listed run the QEMU binary installed now? "
    )
