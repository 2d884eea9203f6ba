"""Twentieth red-team review, host side, third team (rt20host3).

Same harness as tests/test_redteam20_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host on an Intel CPU,
changed only where a probe says so), through the real collector, parser and engine. This team
took the leads rt20host and rt20host2 left: HVA-214's never rules limited to some system calls
or to successful calls, an inode rule on the watched directory itself, and watches of one
system-call ABI (`-F arch=b64` alone); then modprobe.d's file names (HVA-050/HVA-049).

Findings (ID-n):
- R20H-6 (false pass) HVA-214 passed "audit rules watch /etc/libvirt and /etc/polkit-1" beside
  a never rule, listed before the watch, for a part of the tree limited to calls that change
  files (`-S unlink,unlinkat,rename,renameat -F dir=/etc/libvirt/qemu`: `virsh undefine`'s
  unlink, libvirt's and `sed -i`'s rename-over) or to successful calls (`success=1`, `exit=0`),
  beside a process never rule with such a -S list (`-S rename,unlink -F auid=-1`), and beside
  `-a never,exit -S all -F path=/etc/libvirt` anywhere: an inode rule on the directory itself,
  which fs/namei.c names as the parent of every create, unlink, rename in it
  (`audit_inode(name, parent->dentry, AUDIT_INODE_PARENT)`) and audit_filter_inodes matches
  against every name of the call. hvaudit skipped never rules with a -S list or a success=/
  exit= field, and read path= only below the directory. Now the first and third fail naming
  the rule and what it drops, the second is R20H-2's question. Its twin (wrong fail): a never
  rule for the whole tree before the watch that matches failed calls only (`success=0`,
  `exit=-EACCES`) or no call that changes a file (`-S adjtimex`) failed "no audit watch";
  now the pass stands.
- R20H-7 (false pass) HVA-214 passed `-a always,exit -F arch=b64 -S all -F dir=/etc/libvirt
  -F perm=wa` alone (and -w watches after `-a never,exit -F arch=b32 -S all`):
  audit_filter_rules compares arch= with the call's own ABI, so a 32-bit program's writes go
  unrecorded (ausyscall(8), DISA's RHEL STIG: a rule for each ABI). Now a fail on an x86 host
  unless its kernel command line (before `--`) has ia32_emulation= false
  (arch/x86/entry/common.c, kstrtobool), a question on another CPU. test_checks_host,
  test_host_verdicts3/4 and test_redteam_probes took b64-only watches as watches (their pass
  now needs the b32 twin, or is a fail).
- R20H-8 (false pass) HVA-050 passed a VFIO passthrough VM with `options vfio_iommu_type1
  allow_unsafe_interrupts=1` in /etc/modprobe.d/vfio.alias: libkmod takes *.alias files as
  well as *.conf (libkmod-config.c conf_files_filter_out; kmod dropped .alias only with its
  2024 "rm-alias" patch), but the collector grepped `--include=*.conf` only and the parser took
  .conf names only. Now both suffixes are collected and read (HVA-049's nested options too).

Held (kept as tests): never rules below the tree for failed calls only or for calls that
change no file (`-S mount,umount2`) keep the pass (R20H-6); a b32 twin, a rule without arch, and
`ia32_emulation=0` / `=off` keep the pass (R20H-7); a `vfio.conf.bak` stays unread (R20H-8).

Probed by script, not kept (the verdict was right): none yet.

Tally: 21 cases in 12 test functions; 15 failed on main before the fixes (R20H-6 9, R20H-7 4
on d1e47ac; R20H-8 2 on 0cd420f: run with PYTHONPATH=/work/main/src), the 6 held cases passed
before and after. Four earlier tests' b64-only watches changed (R20H-7); no golden verdict
changed (the SARIF golden carries HVA-214's docstring).

Leads left (not settled in the time):
- HVA-050/HVA-049: modprobe.d `install vfio_iommu_type1 /sbin/modprobe --ignore-install
  vfio_iommu_type1 allow_unsafe_interrupts=1` (modprobe runs the command instead of loading
  the module, so its words are the options) and `softdep ... post: ` chains are not read; an
  unreadable modprobe.d keeps HVA-049's sysfs pass (_nested_next_load returns "" when the
  options are unknown, "an older bundle") rather than asking.
- HVA-214: a never rule for a part of the tree limited to 32-bit calls is ignored (errs to a
  pass only for 32-bit writers); `-F arch!=` and comparison operators on success/exit are read
  loosely (towards a fail).
- HVA-030: `--config FILE` in LIBVIRTD_ARGS while libvirtd is stopped, and virtproxyd.service's
  VIRTPROXYD_ARGS, not collected (not reached).
- sysctl.d precedence (/etc, /run, /usr/local/lib, /usr/lib, same-name masking, `-` prefix,
  glob keys) against the live value, and sshd_config Include globs / Match first-value-wins
  beside `sshd -T`: not reached.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes
from test_redteam10_host_probes import PCI_GPU as GPU10
from test_redteam10_host_probes import _modprobe as _modprobe10
from test_redteam21_boot_probes import _boot, _grub

# --- HVA-214: never rules that drop part of the writes (R20H-6) ----------------------------------

WATCHES = HARDENED_HOST["audit-rules"][0]
HARDENED_214 = "audit rules watch /etc/libvirt and /etc/polkit-1"
NEVER_NOTE = (
    " (a never rule wins over the watch: the exit list stops at the first match, an inode rule "
    "of -F path= is applied after it)"
)


def _audit(host_scan, rules: str, **more):
    return host_scan({"audit-rules": (rules, 0), **more})


@pytest.mark.parametrize(
    ("rule", "what"),
    [
        # removals and renames in the VM definitions' directory: `virsh undefine` unlinks the
        # XML, libvirt's own rewrites and `sed -i` rename a new file over the old one
        (
            "-a never,exit -F arch=b64 -S unlink,unlinkat,rename,renameat -F dir=/etc/libvirt/qemu",
            "writes to /etc/libvirt/qemu (unlink,unlinkat,rename,renameat)",
        ),
        # every successful call: the changes themselves (failed attempts stay recorded)
        (
            "-a never,exit -F dir=/etc/libvirt/qemu -F success=1",
            "writes to /etc/libvirt/qemu",
        ),
        (
            "-a never,exit -F arch=b64 -S all -F dir=/etc/libvirt/qemu -F exit=0",
            "writes to /etc/libvirt/qemu",
        ),
    ],
    ids=["unlink-rename", "success-1", "exit-0"],
)
def test_a_never_rule_for_writing_calls_drops_writes(host_scan, rule: str, what: str) -> None:
    """R20H-6 (false pass) HVA-214: a never rule listed before the watch for a part of the tree
    wins there (the exit list stops at the first match, kernel/auditsc.c audit_filter_syscall),
    and one whose -S list names calls that change files (include/asm-generic/audit_dir_write.h:
    rename, unlink, unlinkat, renameat ...), or limited to successful calls (auditctl(8)
    `success=1`; `exit=0` is the result of a successful unlink, rename or chmod), drops the
    records of those changes. hvaudit skipped every never rule with a -S list or a success=/
    exit= field and passed."""
    a = _audit(host_scan, rule + "\n" + WATCHES)
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {
        "hv1": f"audit rules watch /etc/libvirt and /etc/polkit-1, but `{rule}` drops the "
        f"records of {what}" + NEVER_NOTE
    }


@pytest.mark.parametrize("where", ["before", "after"])
def test_an_inode_rule_on_the_watched_directory_drops_its_entries(host_scan, where) -> None:
    """R20H-6 (false pass) HVA-214: `-a never,exit -F path=/etc/libvirt` is an inode rule
    (kernel/auditfilter.c audit_add_rule puts it in audit_inode_hash) on the directory itself.
    fs/namei.c records the parent directory of every create, unlink, rename and mkdir
    (filename_parentat and open_last_lookups with O_CREAT: `audit_inode(name, parent->dentry,
    AUDIT_INODE_PARENT)`, read with `find_string`), and kernel/auditsc.c audit_filter_inodes
    tries every name of the call (`list_for_each_entry(n, &ctx->names_list, list)`) after the
    exit list, so the rule drops the records of every file created, renamed (`sed -i`, an
    editor's save) or removed in /etc/libvirt, wherever it is listed. hvaudit read a path= rule
    only for a file below the watched directory and passed."""
    never = "-a never,exit -S all -F path=/etc/libvirt"
    rules = never + "\n" + WATCHES if where == "before" else WATCHES + never + "\n"
    a = _audit(host_scan, rules)
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {
        "hv1": f"audit rules watch /etc/libvirt and /etc/polkit-1, but `{never}` drops the "
        "records of files created, renamed or removed in /etc/libvirt" + NEVER_NOTE
    }


def test_a_never_rule_for_some_processes_writing_calls_is_a_question(host_scan) -> None:
    """R20H-6 (false pass) HVA-214: a never rule with process fields and a -S list of writing
    calls, before the watches (`-S rename,unlink -F auid=unset`: boot-started daemons' renames,
    libvirt's own rewrites of /etc/libvirt/qemu among them), drops those processes' changes,
    the question R20H-2 asks for `-S all`; hvaudit skipped it for its -S list and passed."""
    never = "-a never,exit -F arch=b64 -S rename,unlink -F auid=-1"
    a = _audit(host_scan, never + "\n" + WATCHES)
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    assert messages(a, "HVA-214") == {
        "hv1": f"audit rules watch /etc/libvirt and /etc/polkit-1, but the never rule `{never}`, "
        "listed before the watch of /etc/libvirt and /etc/polkit-1, drops the records of writes "
        "by the processes it matches (auid=-1) (rename,unlink)"
    }


@pytest.mark.parametrize(
    "never",
    [
        "-a never,exit -F dir=/etc/libvirt -F success=0",  # failed calls only
        "-a never,exit -F arch=b64 -S all -F dir=/etc/libvirt -F exit=-EACCES",
        "-a never,exit -F arch=b64 -S adjtimex -F dir=/etc/libvirt",  # no file-changing call
    ],
    ids=["success-0", "exit-eacces", "adjtimex"],
)
def test_a_never_rule_for_the_tree_that_drops_no_change_keeps_the_pass(host_scan, never) -> None:
    """R20H-6 (wrong fail) HVA-214: a never rule for the whole tree before the watch that
    matches failed calls only (`success=0`, `exit=-EACCES`: audit-userspace's 12-ignore-error
    pattern) or only calls that change no file drops no record of a change; hvaudit took any
    never rule for the tree as suppressing the watch ("no audit watch") and failed."""
    a = _audit(host_scan, never + "\n" + WATCHES)
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-214") == {"hv1": HARDENED_214}


def test_never_rules_for_failures_below_the_tree_keep_the_pass(host_scan) -> None:
    """Held (R20H-6's edges): a never rule below the tree limited to failed calls, or with a
    -S list of calls that change no file, keeps the pass."""
    rules = (
        "-a never,exit -F dir=/etc/libvirt/qemu -F success=0\n"
        "-a never,exit -F arch=b64 -S mount,umount2 -F dir=/etc/libvirt/qemu\n"
    )
    a = _audit(host_scan, rules + WATCHES)
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-214") == {"hv1": HARDENED_214}


# --- HVA-214: a watch of the native ABI alone (R20H-7) -------------------------------------------

B64_LIBVIRT = "-a always,exit -F arch=b64 -S all -F dir=/etc/libvirt -F perm=wa -F key=lv\n"
B32_LIBVIRT = "-a always,exit -F arch=b32 -S all -F dir=/etc/libvirt -F perm=wa -F key=lv\n"
POLKIT_WATCH = "-w /etc/polkit-1 -p wa -k polkit\n"
COMPAT = (
    "audit rules watch /etc/libvirt for 64-bit system calls only (-F arch=b64): the writes of "
    "a 32-bit program (its calls are audited as arch=b32) are not recorded"
)


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (B64_LIBVIRT + POLKIT_WATCH, COMPAT),
        # a never rule for every 32-bit call before the -w watches
        (
            "-a never,exit -F arch=b32 -S all\n" + WATCHES,
            COMPAT.replace("/etc/libvirt", "/etc/libvirt and /etc/polkit-1"),
        ),
    ],
    ids=["b64-only", "never-b32"],
)
def test_a_native_only_watch_misses_32_bit_programs(host_scan, rules: str, message: str) -> None:
    """R20H-7 (false pass) HVA-214: the kernel compares `-F arch=` with the call's own ABI
    (kernel/auditsc.c audit_filter_rules, `case AUDIT_ARCH: result = audit_comparator(ctx->arch,
    f->op, f->val)`), and a 32-bit program's calls on an x86-64 kernel carry the i386 arch
    (ausyscall(8): "If they are different, you will have to write two auditctl rules to get
    complete coverage"; DISA's RHEL STIG: "On dual-architecture systems, two separate rules
    must exist"; found with `search`). With only the b64 rule a static i386 binary rewrites
    /etc/libvirt unrecorded on this Intel host (IA32 emulation is on unless the command line
    says `ia32_emulation=0`, arch/x86/entry/common.c). hvaudit took the b64 rule as the watch
    (and a never rule for every b32 call as harmless) and passed."""
    a = _audit(host_scan, rules)
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {"hv1": message}


def test_a_native_only_watch_on_another_cpu_is_a_question(host_scan) -> None:
    """R20H-7 (false pass) HVA-214: on a CPU other than x86 whether the kernel runs 32-bit
    programs at all (arm64: CONFIG_COMPAT and a CPU with AArch32 at EL0) is not in the
    evidence: a question."""
    arm = "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n"
    a = _audit(host_scan, B64_LIBVIRT + POLKIT_WATCH, **{"/proc/cpuinfo": arm})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    assert messages(a, "HVA-214") == {"hv1": COMPAT}


@pytest.mark.parametrize(
    ("rules", "cmdline"),
    [
        (B64_LIBVIRT + B32_LIBVIRT + POLKIT_WATCH, None),  # both ABIs
        ("-a always,exit -S all -F dir=/etc/libvirt -F perm=wa\n" + POLKIT_WATCH, None),  # no arch
        (B64_LIBVIRT + POLKIT_WATCH, "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro ia32_emulation=0\n"),
        (B64_LIBVIRT + POLKIT_WATCH, "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ia32_emulation=off\n"),
    ],
    ids=["b64-and-b32", "no-arch", "ia32-emulation-0", "ia32-emulation-off"],
)
def test_both_abis_watched_keep_the_pass(host_scan, rules: str, cmdline: str | None) -> None:
    """Held (R20H-7's edges): a b32 twin, a rule without arch (every ABI), or an x86 kernel
    booted with `ia32_emulation=` false (kstrtobool: 0, off) keep the pass. The kernel is one
    that reads the word (Linux 6.7 or later, R35B-2: the harness's 6.1 kernel does not), and
    the next boot's line keeps it (R35B-3)."""
    word = cmdline.split()[-1] if cmdline else ""
    more = (
        {
            "/proc/cmdline": cmdline,
            "/proc/sys/kernel/osrelease": "6.12.48+deb13-amd64\n",
            "boot-cmdline": _boot(_grub(f"quiet {word}"), grub=False),
        }
        if cmdline
        else {}
    )
    a = _audit(host_scan, rules, **more)
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-214") == {"hv1": HARDENED_214}


def test_ia32_emulation_after_dashes_is_inits(host_scan) -> None:
    """Held (R20H-7's edge): `ia32_emulation=0` after `--` is init's (kernel/params.c
    parse_args stops at `--`): the kernel runs 32-bit programs, the fail stays."""
    cmdline = "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro -- ia32_emulation=0\n"
    a = _audit(host_scan, B64_LIBVIRT + POLKIT_WATCH, **{"/proc/cmdline": cmdline})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {"hv1": COMPAT}


# --- HVA-050 / HVA-049: modprobe.d's *.alias files (R20H-8) ---------------------------------------


def test_an_alias_file_in_modprobe_d_gives_options(host_scan) -> None:
    """R20H-8 (false pass) HVA-050: libkmod reads modprobe.d files ending in .alias as well as
    .conf (libkmod-config.c conf_files_filter_out: `if (len < 6 || (!streq(&fn[len - 5],
    ".conf") && !streq(&fn[len - 6], ".alias"))) return true;`, read with `find_string`; only
    kmod's 2024 "rm-alias" patch by Emil Velikov drops .alias), so `options vfio_iommu_type1
    allow_unsafe_interrupts=1` in /etc/modprobe.d/vfio.alias is given at the module's next load
    (the VM's start). hvaudit collected `--include=*.conf` only and passed."""
    line = "/etc/modprobe.d/vfio.alias:options vfio_iommu_type1 allow_unsafe_interrupts=1"
    a = host_scan(_modprobe10(line), domains=[domain_xml("gpu", body=GPU10)])
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050")["gpu"] == (
        "passthrough of pci 0000:65:00.0 with options vfio_iommu_type1 "
        "allow_unsafe_interrupts=1 (/etc/modprobe.d/vfio.alias, applied when a VM loads the "
        "module): the device's interrupts (MSIs) are not remapped, so it can inject interrupts "
        "into the host"
    )


def test_the_probe_lists_alias_files() -> None:
    """R20H-8: the collector's grep takes *.alias beside *.conf (without it a real host's .alias
    files never reach the parser)."""
    from hvaudit.collect.host import COMMANDS

    argv = next(p.argv for p in COMMANDS if p.name == "modprobe-d")
    assert "--include=*.alias" in argv and "--include=*.conf" in argv


def test_other_suffixes_stay_unread(host_scan) -> None:
    """Held (R20H-8's edge): a file ending in neither .conf nor .alias (`vfio.conf.bak`) is not
    read by libkmod: the pass stands."""
    line = "/etc/modprobe.d/vfio.conf.bak:options vfio_iommu_type1 allow_unsafe_interrupts=1"
    a = host_scan(_modprobe10(line), domains=[domain_xml("gpu", body=GPU10)])
    assert outcomes(a, "HVA-050") == {"gpu": "pass"}, messages(a, "HVA-050")
