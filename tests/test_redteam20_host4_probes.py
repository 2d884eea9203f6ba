"""Twentieth red-team review, host side, fourth team (rt20host4).

Same harness as tests/test_redteam20_host_probes.py: libvirt's test driver serves the VMs, and
host evidence comes from `ReplayRunner` (conftest's hardened Debian host on an Intel CPU,
changed only where a probe says so), through the real collector, parser and engine. This team
took the leads the three earlier host teams left: modprobe.d `install` commands and an
unreadable modprobe.d (HVA-050/HVA-049), then HVA-214's never rules limited to 32-bit calls
(sysctl.d precedence and HVA-030's `--config` were not reached: see the leads left).

Findings (ID-n):
- R20H-9 (false pass) HVA-050 passed the IOMMU groups of a VFIO passthrough VM (vfio_iommu_type1
  not loaded) with `install vfio_iommu_type1 /sbin/modprobe --ignore-install vfio_iommu_type1
  allow_unsafe_interrupts=1` in modprobe.d (or `install vfio* ... $CMDLINE_OPTS
  allow_unsafe_interrupts`), and HVA-049 passed "the host's KVM has nested off" with `install
  kvm_intel /sbin/modprobe --ignore-install kvm_intel nested=1`: modprobe.d(5) "This command
  instructs modprobe to run your command instead of inserting the module"; libkmod-module.c
  kmod_module_get_install_commands takes the first install line whose name fnmatch()es the
  module, the inner modprobe adds its own words after the configured options
  (module_options_concat), $CMDLINE_OPTS stands for those (module_do_install_commands); kmod
  HEAD 84fa569 read with `fetch`. hvaudit read `options` lines only. Now the install command's
  modprobe words are read after modprobe.d and the kernel command line: a fail naming the
  install line; an install command that runs something else (a script) is HVA-050's question
  (HVA-049's question too). Its twins (wrong fail): an install's later
  `allow_unsafe_interrupts=0` beat an `options ... =1` line, and `install kvm_intel /bin/true`
  (the module kept out) drops `options kvm_intel nested=1`; both failed, now pass.
- R20H-10 (false pass) HVA-049 passed "the host's KVM has nested off" with modprobe.d
  unreadable (grep "Permission denied"): _nested_next_load took unknown options as none ("an
  older bundle"), though the files set the next load (R20H-4). Now the question (only a
  bundle without the modprobe-d probe keeps sysfs alone).

- R20H-11 (false pass) HVA-214 passed "audit rules watch /etc/libvirt and /etc/polkit-1" beside
  `-a never,exit -F arch=b32 -S all -F dir=/etc/libvirt/qemu` (or a b32 never rule for some
  processes, `-F exe=`) before the -w watches: the exit list stops at the first match
  (auditctl(8) `never`) and audit_filter_rules compares arch= with the call's own ABI
  (kernel/auditsc.c, R20H-7), so a 32-bit program's writes to the VM definitions go unrecorded.
  _suppressed took only rules matching 64-bit calls. Now, on an x86 host that runs 32-bit
  programs (ia32_emulation not off), the first fails naming the rule ("... made with 32-bit
  system calls (-F arch=b32)"), the second is R20H-2's question; on a CPU not read as x86 both
  ask.

Held (kept as tests): `install kvm-intel /sbin/modprobe -i kvm_intel $CMDLINE_OPTS; /bin/true`
keeps the `options kvm_intel nested=1` fail (R20H-9's edge); the b32 never rule on an x86 host
booted with ia32_emulation=0 keeps the pass (R20H-11's edge).

Probed by script, not kept (the verdict was right): softdep (modprobe.d(5): "module parameters
only apply to module c", so a softdep chain gives the chained module its own options only).

Tally: 11 cases in 10 test functions; 9 failed before their fixes (R20H-9 6 and R20H-10 1 on
main 02676be, R20H-11 2 on 82997ca: run with PYTHONPATH=/work/main/src), the 2 held cases
passed before and after. No golden verdict changed (the SARIF golden carries HVA-214's
docstring).

Leads left (not settled in the time):
- sysctl.d precedence was not reached: hvaudit collects no sysctl.d at all. Candidates: HVA-062
  (vm.overcommit_memory live 0, `vm.overcommit_memory = 1` in /etc/sysctl.d/*.conf sets it from
  the next boot), net.ipv4.conf.*.route_localnet (live 0, persisted 1) behind the loopback
  rule of several checks, and kernel.modules_disabled = 1's pass "until the next boot" when no
  sysctl.d file sets it. Needs a probe of /etc, /run, /usr/local/lib, /usr/lib sysctl.d (same
  name masks, lexical order across dirs, later wins, `-` prefix, glob keys) and the
  /etc/sysctl.conf question (systemd-sysctl reads it only through Debian's 99-sysctl.conf link).
- HVA-030: `--config FILE` in LIBVIRTD_ARGS while libvirtd is stopped, and virtproxyd.service's
  VIRTPROXYD_ARGS, still not collected (not reached).
- HVA-050/HVA-049: an install command that runs insmod, a script or modprobe with -C/-r asks
  (not read); `options ALIAS ...` for an alias of the module (modprobe.d(5): "aliases can have
  options") is not read; _vfio_unsafe_interrupts' early command-line check reads
  f.kernel_cmdline while _next_load_setting reads every /proc/cmdline word (libkmod has no `--`
  stop); kvm_amd `nested=Y` (the int parameter refuses it) not probed.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes
from test_redteam10_host_probes import PCI_GPU as GPU10
from test_redteam10_host_probes import _modprobe as _modprobe10
from test_redteam20_host2_probes import NESTED_OFF, PT, PT_WHAT
from test_redteam20_host2_probes import _modprobe as _modprobe20
from test_redteam21_boot_probes import _boot, _grub

# --- HVA-050 / HVA-049: modprobe.d install commands (R20H-9) -------------------------------------

GPU = [domain_xml("gpu", body=GPU10)]
GROUPS = "IOMMU active; each IOMMU group of pci 0000:65:00.0 goes wholly to this VM or is unused"
UNSAFE = (
    "passthrough of pci 0000:65:00.0 with {where}: the device's interrupts (MSIs) are not "
    "remapped, so it can inject interrupts into the host"
)


@pytest.mark.parametrize(
    "install",
    [
        "install vfio_iommu_type1 /sbin/modprobe --ignore-install vfio_iommu_type1 "
        "allow_unsafe_interrupts=1",
        # a wildcard name (fnmatch), $CMDLINE_OPTS and a bare bool name
        "install vfio* /sbin/modprobe -i vfio_iommu_type1 $CMDLINE_OPTS allow_unsafe_interrupts",
    ],
    ids=["ignore-install", "wildcard-cmdline-opts"],
)
def test_an_install_command_gives_unsafe_interrupts(host_scan, install: str) -> None:
    """R20H-9 (false pass) HVA-050: modprobe.d(5) install: "This command instructs modprobe to
    run your command instead of inserting the module in the kernel as normal", the example
    being `/sbin/modprobe --ignore-install fred $CMDLINE_OPTS`; libkmod-module.c
    kmod_module_get_install_commands takes the first install line whose name fnmatch()es the
    module's, and the inner modprobe loads it with the configured options and its own
    command-line words after them (kmod_module_probe_insert_module, module_options_concat; kmod
    git HEAD 84fa569 read with `fetch`). So `install vfio_iommu_type1 /sbin/modprobe
    --ignore-install vfio_iommu_type1 allow_unsafe_interrupts=1` turns the parameter on when a VM
    loads the module; hvaudit read `options` lines only and passed the IOMMU groups."""
    a = host_scan(_modprobe10(f"/etc/modprobe.d/vfio.conf:{install}"), domains=GPU)
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}
    where = f"{install} (/etc/modprobe.d/vfio.conf, applied when a VM loads the module)"
    assert messages(a, "HVA-050") == {"gpu": UNSAFE.format(where=where)}


def test_an_install_command_running_a_script_is_a_question(host_scan) -> None:
    """R20H-9 (false pass) HVA-050: an install command that runs something other than modprobe
    (a script) decides what the module loads with, which the evidence does not show: a
    question, not the pass hvaudit gave."""
    install = "install vfio_iommu_type1 /usr/local/sbin/load-vfio"
    a = host_scan(_modprobe10(f"/etc/modprobe.d/vfio.conf:{install}"), domains=GPU)
    assert outcomes(a, "HVA-050") == {"gpu": "manual"}
    assert messages(a, "HVA-050") == {
        "gpu": f"{GROUPS}; but vfio_iommu_type1 is not loaded and {install} "
        "(/etc/modprobe.d/vfio.conf) runs instead of loading the module, and what it gives the "
        "module is not read: the allow_unsafe_interrupts it will load with is not known"
    }


def test_an_install_commands_later_word_turns_unsafe_interrupts_off(host_scan) -> None:
    """R20H-9's twin (wrong fail) HVA-050: the install command's modprobe puts its own words
    after the configured options (module_options_concat), and kernel/params.c parse_args sets
    each in turn, so its allow_unsafe_interrupts=0 wins over an `options ... =1` line; hvaudit
    read the options line alone and failed."""
    a = host_scan(
        _modprobe10(
            "/etc/modprobe.d/a.conf:options vfio_iommu_type1 allow_unsafe_interrupts=1",
            "/etc/modprobe.d/b.conf:install vfio_iommu_type1 /sbin/modprobe -i "
            "vfio_iommu_type1 allow_unsafe_interrupts=0",
        ),
        domains=GPU,
    )
    assert outcomes(a, "HVA-050") == {"gpu": "pass"}
    assert messages(a, "HVA-050") == {"gpu": GROUPS}


def test_an_install_command_turns_nesting_on(host_scan) -> None:
    """R20H-9 (false pass) HVA-049: `install kvm_intel /sbin/modprobe --ignore-install kvm_intel
    nested=1` gives the next load nested on (the parameter is read-only at run time, R20H-4);
    hvaudit passed "the host's KVM has nested off"."""
    install = "install kvm_intel /sbin/modprobe --ignore-install kvm_intel nested=1"
    a = host_scan(
        {**NESTED_OFF, "modprobe-d": _modprobe20(f"/etc/modprobe.d/kvm.conf:{install}\n")},
        domains=PT,
    )
    assert outcomes(a, "HVA-049") == {"pt": "fail"}
    assert messages(a, "HVA-049") == {
        "pt": f"{PT_WHAT}; the host's KVM has nested off now, but {install} "
        "(/etc/modprobe.d/kvm.conf) turns it on at the module's next load (every boot)"
    }


def test_an_install_command_that_loads_nothing_drops_the_options(host_scan) -> None:
    """R20H-9's twin (wrong fail) HVA-049: `install kvm_intel /bin/true` runs instead of loading
    the module (modprobe.d(5)), so its `options ... nested=1` line is never given; hvaudit read
    the options line and failed."""
    a = host_scan(
        {
            **NESTED_OFF,
            "modprobe-d": _modprobe20(
                "/etc/modprobe.d/kvm.conf:options kvm_intel nested=1\n",
                "/etc/modprobe.d/kvm.conf:install kvm_intel /bin/true\n",
            ),
        },
        domains=PT,
    )
    assert outcomes(a, "HVA-049") == {"pt": "pass"}
    assert messages(a, "HVA-049") == {"pt": f"{PT_WHAT}, but the host's KVM has nested off"}


def test_an_install_command_passing_the_configured_options_keeps_them(host_scan) -> None:
    """Held (R20H-9's edge): `install kvm-intel /sbin/modprobe -i kvm_intel $CMDLINE_OPTS`
    (module_do_install_commands puts the configured options there) keeps the `options` line's
    nested=1: still the fail naming that line."""
    a = host_scan(
        {
            **NESTED_OFF,
            "modprobe-d": _modprobe20(
                "/etc/modprobe.d/kvm.conf:options kvm_intel nested=1\n",
                "/etc/modprobe.d/kvm.conf:install kvm-intel /sbin/modprobe -i kvm_intel "
                "$CMDLINE_OPTS; /bin/true\n",
            ),
        },
        domains=PT,
    )
    assert outcomes(a, "HVA-049") == {"pt": "fail"}
    assert messages(a, "HVA-049") == {
        "pt": f"{PT_WHAT}; the host's KVM has nested off now, but options kvm_intel nested=1 "
        "(/etc/modprobe.d/kvm.conf) turns it on at the module's next load (every boot)"
    }


# --- HVA-049: an unreadable modprobe.d (R20H-10) -------------------------------------------------


def test_an_unreadable_modprobe_d_asks_about_the_next_load(host_scan) -> None:
    """R20H-10 (false pass) HVA-049: with a modprobe.d file grep could not read, the next load's
    nested is unknown (R20H-4: the files set it at every boot); hvaudit took the unknown options
    as none ("an older bundle") and passed. Now the question."""
    a = host_scan(
        {
            **NESTED_OFF,
            "modprobe-d": ("", 2, "grep: /etc/modprobe.d/kvm.conf: Permission denied\n"),
        },
        domains=PT,
    )
    assert outcomes(a, "HVA-049") == {"pt": "manual"}
    assert messages(a, "HVA-049") == {
        "pt": f"{PT_WHAT}; the host's KVM has nested off now, but what its next load (every "
        "boot) sets is not known: modprobe.d could not be read (grep: /etc/modprobe.d/kvm.conf: "
        "Permission denied)"
    }


# --- HVA-214: never rules for part of the tree limited to 32-bit calls (R20H-11) ------------------

WATCHES = HARDENED_HOST["audit-rules"][0]
HARDENED_214 = "audit rules watch /etc/libvirt and /etc/polkit-1"
B32 = " made with 32-bit system calls (-F arch=b32)"


def test_a_32_bit_never_rule_for_part_of_the_tree_drops_writes(host_scan) -> None:
    """R20H-11 (false pass) HVA-214: `-a never,exit -F arch=b32 -S all -F dir=/etc/libvirt/qemu`
    before the watches drops the records of a 32-bit program's writes to the VM definitions
    (the exit list stops at the first match, auditctl(8) `never`; kernel/auditsc.c
    audit_filter_rules compares arch= with the call's own ABI, R20H-7). hvaudit's _suppressed
    took only rules matching 64-bit calls and passed; on an x86 host that runs 32-bit programs
    (ia32_emulation not off) the writes are as unrecorded as with a b64-only watch: a fail
    naming the rule."""
    never = "-a never,exit -F arch=b32 -S all -F dir=/etc/libvirt/qemu"
    a = host_scan({"audit-rules": (never + "\n" + WATCHES, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {
        "hv1": f"{HARDENED_214}, but `{never}` drops the records of writes to "
        f"/etc/libvirt/qemu{B32} (a never rule wins over the watch: the exit list stops at the "
        "first match, an inode rule of -F path= is applied after it)"
    }


def test_a_32_bit_never_rule_for_some_processes_is_a_question(host_scan) -> None:
    """R20H-11 (false pass) HVA-214: a process never rule limited to 32-bit calls, before the
    watches, drops those processes' 32-bit writes: R20H-2's question, not the pass."""
    never = "-a never,exit -F arch=b32 -S all -F exe=/usr/bin/foo"
    a = host_scan({"audit-rules": (never + "\n" + WATCHES, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    assert messages(a, "HVA-214") == {
        "hv1": f"{HARDENED_214}, but the never rule `{never}`, listed before the watch of "
        "/etc/libvirt and /etc/polkit-1, drops the records of writes by the processes it "
        f"matches (exe=/usr/bin/foo){B32}"
    }


def test_a_32_bit_never_rule_without_ia32_emulation_keeps_the_pass(host_scan) -> None:
    """Held (R20H-11's edge): an x86 kernel booted with ia32_emulation=0 makes no 32-bit call
    (arch/x86/entry/common.c, R20H-7), so the b32 never rule drops nothing: the pass stays. The
    kernel is one that reads the word (Linux 6.7 or later, R35B-2: the harness's 6.1 kernel
    does not), and the next boot's line keeps it (R35B-3)."""
    never = "-a never,exit -F arch=b32 -S all -F dir=/etc/libvirt/qemu"
    a = host_scan(
        {
            "audit-rules": (never + "\n" + WATCHES, 0),
            "/proc/cmdline": "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro ia32_emulation=0\n",
            "/proc/sys/kernel/osrelease": "6.12.48+deb13-amd64\n",
            "boot-cmdline": _boot(_grub("quiet ia32_emulation=0"), grub=False),
        }
    )
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-214") == {"hv1": HARDENED_214}
