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

- R23R-2 (false pass) HVA-182 passed "1 QEMU process(es) run the installed binary" while the
  VM's swtpm ran a /usr/bin/swtpm an update had replaced (/proc/PID/exe " (deleted)") or mapped
  a replaced libtpms: libvirt starts swtpm with the VM and for it (src/qemu/qemu_tpm.c
  qemuTPMEmulatorStart "start the external TPM Emulator and sync with it before QEMU start",
  read with `find_string`), likewise virtiofsd (qemu_virtiofs.c qemuVirtioFSStart, read with
  `find_string`), passt and libvirt's dbus-daemon: each runs until the VM stops, so its update
  is not in effect either. Only QEMU's exe and maps were collected; the helpers (VM_HELPER)
  had their label read only. Now their exe and maps are collected read-only too and judged as
  QEMU's: replaced, a fail naming the helper and its pid; unread (a bundle older than the
  probe), asked.
- R23R-3 (wrong fail, and a question where the evidence settles it) HVA-062 read a sysctl.d
  value with `[+-]?[0-9]+`; Linux kernel/sysctl.c proc_get_long (read with `find_string`)
  refuses a leading '+' (`if (!isdigit(*p)) return -EINVAL`) and reads base 0
  (`strtoul_lenient(p, &p, 0, val)`). "vm.overcommit_memory = +1" failed though the kernel
  refuses the write; "= 0x1", which sets 1, was asked. Now read as the kernel reads it: 0x1
  fails, +1 is asked as a value the kernel does not read.

Held (kept as tests): a binary unread with the maps read keeps its binary-only question; an
swtpm on the installed binary passes ("; so do 1 VM helper process(es)").

Probed by script, not kept (the verdict was right): HVA-215 stdio_handler spellings (libvirt
qemu_conf.c accepts "logd" and "file" only and refuses to start otherwise); HVA-133 private=
spellings (secret-dumpxml writes 'yes'/'no' only, virSecretDefFormat); HVA-051 with VFIO-only
passthrough; HVA-062 "01" in sysctl.d (octal 1 for the kernel, 1 for hvaudit: a fail
either way) and "010" (octal 8, refused by overcommit's 0..2 range: the pass is right).

Tally: 6 cases in 6 test functions; 1 failed on main 83c1568 before R23R-1's fix and 4 on
main 406fed3 before R23R-2's (run with PYTHONPATH=/work/main/src; the swtpm pass twin among
them, its message now names the helper), the binary-only twin passed before and after;
8 cases in 8 functions with R23R-3, whose 2 failed on main 2e46778 before its fix. The SARIF golden carries
HVA-182's docstring: regenerated (HVAUDIT_UPDATE_GOLDEN=1), no verdict in it changed.

Leads left (not settled in the time):
- HVA-182's title says QEMU; it now judges the VM helpers too (R23R-2). Whether the title and
  remediation should name them is the team's call (the check's docstring does).
- HVA-182 does not see firmware: OVMF_CODE.fd is opened as a pflash blockdev (an fd, not a
  mapping), so an edk2 security update shows only as " (deleted)" in /proc/PID/fd, not read.
- devices.py _modules_disabled_at_boot (next-boot code, the other reviewer's area) reads
  kernel.modules_disabled with `\\+?0*1`: "+1" counts as set though proc_get_long refuses it
  (a pass where modules stay loadable), "0x1" as unset. R23R-3's reading would fit it.
- HVA-215 is judged from qemu.conf and virtlogd.conf only; a VM's <qemu:commandline> -chardev
  file or -D logfile writes past virtlogd (file chardevs and <log> themselves go through
  virtlogd when stdio_handler is logd). Not probed.
"""

from __future__ import annotations

from conftest import HARDENED_HOST, messages, outcomes

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


# --- R23R-2: the VM's helpers (swtpm, virtiofsd) are patched only by a restart too -------------

SWTPM = (
    " 1300 tss      /usr/bin/swtpm socket --ctrl type=unixio,path=/run/libvirt/qemu/swtpm/"
    "1-web01-swtpm.sock,mode=0600 --tpmstate dir=/var/lib/libvirt/swtpm/x/tpm2,mode=0600\n"
)
SWTPM_EXE = ("lrwxrwxrwx 1 tss tss 0 Nov 27 04:00 /proc/1300/exe -> /usr/bin/swtpm\n", 0)
SWTPM_EXE_DELETED = (
    "lrwxrwxrwx 1 tss tss 0 Nov 27 04:00 /proc/1300/exe -> /usr/bin/swtpm (deleted)\n",
    0,
)


def _with_swtpm(**probes: object) -> dict[str, object]:
    out, rc = HARDENED_HOST["processes"]
    return {"processes": (out + SWTPM, rc), **probes}


def test_swtpm_on_a_replaced_binary_fails(host_scan) -> None:
    """R23R-2. libvirt starts swtpm with the VM and for it (src/qemu/qemu_tpm.c
    qemuTPMEmulatorStart: "start the external TPM Emulator and sync with it before QEMU start",
    read with `find_string`), as it starts virtiofsd (qemu_virtiofs.c qemuVirtioFSStart); the
    helper runs until the VM stops. An swtpm update (a TPM command parsing fix) replaces
    /usr/bin/swtpm, and the running helper keeps the old one: /proc/1300/exe ends in
    " (deleted)" (proc(5)). hvaudit read /proc/PID/exe of QEMU only and passed "1 QEMU
    process(es) run the installed binary". Right: a fail naming the helper."""
    a = host_scan(_with_swtpm(**{"qemu-exe-1300": SWTPM_EXE_DELETED, "qemu-maps-1300": ("", 1)}))
    assert outcomes(a, "HVA-182") == {"hv1": "fail"}, messages(a, "HVA-182")
    assert messages(a, "HVA-182")["hv1"] == (
        "1 VM helper process(es) run a binary replaced by an update: swtpm (pid 1300)"
    )


def test_swtpm_on_a_replaced_library_fails(host_scan) -> None:
    """R23R-2, the maps: swtpm maps libtpms, which carries the TPM itself; an update of
    libtpms0 leaves the running helper on the deleted copy (proc(5) /proc/pid/maps)."""
    maps = (
        "7f3a1c000000-7f3a1c0a2000 r-xp 00000000 fd:01 1311 "
        "/usr/lib/x86_64-linux-gnu/libtpms.so.0.9.6 (deleted)\n",
        0,
    )
    a = host_scan(_with_swtpm(**{"qemu-exe-1300": SWTPM_EXE, "qemu-maps-1300": maps}))
    assert outcomes(a, "HVA-182") == {"hv1": "fail"}, messages(a, "HVA-182")
    assert messages(a, "HVA-182")["hv1"] == (
        "1 VM helper process(es) run shared libraries replaced by an update: swtpm (pid 1300) "
        "(libtpms.so.0.9.6)"
    )


def test_swtpm_unread_is_asked(host_scan) -> None:
    """R23R-2, unread: a bundle without the helper's exe and maps (older than the probe) asks
    about both, naming the helper; never the pass."""
    a = host_scan(_with_swtpm())
    assert outcomes(a, "HVA-182") == {"hv1": "manual"}, messages(a, "HVA-182")
    assert messages(a, "HVA-182")["hv1"] == (
        "the binary of 1 VM helper process(es) could not be read: swtpm (pid 1300); the "
        "libraries 1 of them map were not read: swtpm (pid 1300)"
    )
    assert _question(a, "HVA-182").startswith(
        "Do the VM helper processes listed run the binary installed now and map only the shared "
        "libraries installed now?"
    )


def test_swtpm_current_passes(host_scan) -> None:
    """Held twin of R23R-2: the helper runs the installed swtpm and no deleted library."""
    a = host_scan(_with_swtpm(**{"qemu-exe-1300": SWTPM_EXE, "qemu-maps-1300": ("", 1)}))
    assert outcomes(a, "HVA-182") == {"hv1": "pass"}, messages(a, "HVA-182")
    assert messages(a, "HVA-182")["hv1"] == (
        "1 QEMU process(es) run the installed binary; so do 1 VM helper process(es)"
    )


# --- R23R-3: a sysctl.d value read as the kernel reads it -----------------------------------------


def _sysctl_d(body: str) -> tuple[str, int, str]:
    """The sysctl-d probe's output for one /etc/sysctl.d file (as test_redteam21_host2's)."""
    path = "/etc/sysctl.d/90-db.conf"
    out = path + "\n" + "".join(f"{path}:{line}\n" for line in body.splitlines())
    return out, 1, HARDENED_HOST["sysctl-d"][2]


def test_overcommit_in_hex_from_the_next_boot_fails(host_scan) -> None:
    """R23R-3. Linux kernel/sysctl.c proc_get_long (read with `find_string`): `if
    (strtoul_lenient(p, &p, 0, val)) return -EINVAL;`, base 0, so systemd-sysctl writing
    "0x1" sets vm.overcommit_memory to 1 at every boot. hvaudit read the value with
    `[+-]?[0-9]+` and asked ("not a number the kernel reads"). Right: the fail R21S-1 gives 1."""
    a = host_scan({"sysctl-d": _sysctl_d("vm.overcommit_memory = 0x1")})
    assert outcomes(a, "HVA-062") == {"hv1": "fail"}, messages(a, "HVA-062")
    assert messages(a, "HVA-062")["hv1"] == (
        "vm.overcommit_memory = 0 (heuristic) now, but /etc/sysctl.d/90-db.conf sets it to 1 "
        "from the next boot (vm.overcommit_memory = 0x1): allocations will always succeed, "
        "the OOM killer decides which VM dies"
    )


def test_overcommit_with_a_plus_sign_is_refused_by_the_kernel(host_scan) -> None:
    """R23R-3 (wrong fail). The same proc_get_long takes an optional '-' and then `if
    (!isdigit(*p)) return -EINVAL;`: "+1" is refused, the write fails and the kernel keeps its
    value. hvaudit read "+1" as 1 and failed the host. Right: the value is not one the kernel
    reads, asked as R21S-1 asks any other."""
    a = host_scan({"sysctl-d": _sysctl_d("vm.overcommit_memory = +1")})
    assert outcomes(a, "HVA-062") == {"hv1": "manual"}, messages(a, "HVA-062")
    assert messages(a, "HVA-062")["hv1"] == (
        "vm.overcommit_memory = 0 (heuristic) now; the value from the next boot is not known: "
        "vm.overcommit_memory = +1 (/etc/sysctl.d/90-db.conf) is not a number the kernel reads"
    )
