"""Red-team round 35 probes: boot, kernel command line (r35boot)

Harness: conftest's `host_scan` (the hardened Debian host, running kernel 6.1.0-28-amd64,
replayed through the real collector, parser and engine, one libvirt test-driver VM), changed
only where a probe says so: the next boot's line by tests/test_redteam21_boot_probes.py's
`_boot`/`_grub`, the running line by tests/test_redteam22_boot2_probes.py's LIVE; HVA-050's
VFIO VM by tests/test_redteam20_host4_probes.py's GPU (GROUPS its pass), an AMD host by
/proc/cpuinfo's vendor_id AuthenticAMD; HVA-214's b64-only watch by
tests/test_redteam20_host3_probes.py's `_audit` (B64_LIBVIRT, POLKIT_WATCH) and R20H-11's b32
never rule beside tests/test_redteam20_host4_probes.py's WATCHES, the running kernel's release by
/proc/sys/kernel/osrelease.

Findings (R35B-n):

- R35B-1 (false pass) HVA-050: the next boot's iommu= and amd_iommu= were read as whole comma
  options equal to "off", but the kernel matches prefixes: arch/x86/kernel/pci-dma.c
  iommu_setup takes each comma option by `strncmp(p, "off", 3)` (so `iommu=offx` sets
  no_iommu, which intel_iommu_init and amd_iommu_detect honour), and drivers/iommu/amd/init.c
  parse_amd_iommu_options tested `strncmp(str, "off", 3)` at every character of the value
  (`for (; *str; ++str)`, up to the else-if rework of its options; all read with
  `find_string`). The VFIO VM passed "IOMMU active; ..." beside a next boot with
  `iommu=offx`, `iommu=pt,off_`, or on an AMD host `amd_iommu=offline` or `amd_iommu=xoff`.
  Now devices._iommu_weakened matches as the kernel does: iommu='s options by prefix,
  amd_iommu='s "off" anywhere in the value.

- R35B-2 (false pass) HVA-214: `ia32_emulation=0` (or any kstrtobool false) on the running
  line was read as "no 32-bit system calls" whatever the kernel, but the parameter came with
  Linux 6.7 (Nikolay Borisov's "x86: Make IA32_EMULATION boot time configurable",
  arch/x86/entry/common.c ia32_emulation_override_cmdline, an early_param; the 6.7 merge read
  with `search`). An older kernel does not know the word: init/main.c unknown_bootoption hands
  it to init ("Unknown kernel command line parameters ..., will be passed to user space",
  print_unknown_bootoptions) and keeps running 32-bit programs. The harness's own kernel,
  Debian 12's 6.1.0-28-amd64, with a b64-only watch and `ia32_emulation=0` passed "audit rules
  watch /etc/libvirt and /etc/polkit-1", and R20H-11's b32 never rule was ignored beside it.
  Now the parser keeps the running release (HostFacts.kernel_release, /proc/sys/kernel/
  osrelease) and hardening._ia32_emulation takes the word only on 6.7 or later; on an older
  kernel (a vendor may have added the parameter) or one whose release was not read the b64-only
  watch is one question naming the kernel's symbol and log as evidence, and a b32 never rule is
  the never rule's question. R20H-7's and R20H-11's held cases encoded the wrong verdict on
  the 6.1 harness: they now run on a 6.12 kernel (a separate commit says why).

- R35B-3 (false pass) HVA-214: where the running kernel takes `ia32_emulation=0` (6.7 or
  later), the b64-only watch passed whatever the next boot's line says, though the word holds
  for this boot only: a next boot without it (or with a later `ia32_emulation=1`, which the
  early_param applies in its turn) runs 32-bit programs whose writes go unrecorded (R22K-2's
  class, live_word_dropped). Now ia32_emulation= is a last-wins parameter (_nextboot._LAST_WINS,
  its kstrtobool as on or off) and a running false word the next boot drops or does not show is
  one question naming the boot loader's entry and CONFIG_IA32_EMULATION_DEFAULT_DISABLED
  (hardening._ia32_dropped); a b32 never rule is then the never rule's question. R20H-7's and
  R20H-11's held cases now keep the word in the next boot's line too (a separate commit).

Held (kept as tests): the next boot's `iommu=pt` and, on the AMD host, `amd_iommu=
force_isolation` keep the pass; `amd_iommu=xoff` on the Intel host keeps it (the other
vendor's word); `ia32_emulation=0` and `=off` on 6.7.0 and 6.12.48+deb13 kernels keep the
pass; `ia32_emulation=0 ia32_emulation=1` (the last word stands) fails on any kernel; a next
boot's `ia32_emulation=0` or `ia32_emulation=false` keeps the running word's pass.

Probed by script: -

Tally: 3 findings (3 false passes); 18 cases in 9 test functions. R35B-1: 4 of 7 failed on
main 748d99a (4 false passes); R35B-2: 4 of 7 failed on main b5480fd (4 false passes); R35B-3:
2 of 4 failed on R35B-2's tree 7a2ef5d (2 false passes; on main b5480fd they passed too); the 8
held cases passed before and after.

Leads left:
- A kernel built with CONFIG_IA32_EMULATION_DEFAULT_DISABLED runs no 32-bit program without
  ia32_emulation=1, but /boot/config-* is not collected: its b64-only watch fails (wrong fail).
- The next boot's kernel release is not read: a running 6.7+ kernel whose next boot is an
  older one (GRUB_DEFAULT pinned, R25B-4's fact) keeps ia32_emulation=0's pass.
- R34's leads on isolcpus= with SMT off, apparmor=/apparmor.enabled= across names, audit= before
  4.15 (simple_strtol), x86's `spectre_v2=off spectre_v2=retpoline`, arm64 nospectre_bhb, POWER
  flags, s390 nobp=0, bootconfig FORCE and /etc/grub.d generators were not probed this round.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam20_host3_probes import B64_LIBVIRT, COMPAT, HARDENED_214, POLKIT_WATCH, _audit
from test_redteam20_host4_probes import GPU, GROUPS, WATCHES
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot2_probes import LIVE

#: HVA-050's pass for the GPU VM (tests/test_redteam20_host4_probes.py's GROUPS)
PT = "passthrough of pci 0000:65:00.0"

#: the hardened host with an AMD CPU
AMD = HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", "AuthenticAMD")


def _gpu_scan(host_scan, nxt: str, amd: bool = False):
    changes = {
        "/proc/cmdline": LIVE.format(""),
        "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
    }
    if amd:
        changes["/proc/cpuinfo"] = AMD
    return host_scan(changes, domains=GPU)


# --- R35B-1: iommu= and amd_iommu= match "off" as prefixes -------------------------------------


@pytest.mark.parametrize(
    ("nxt", "amd"),
    [
        ("iommu=offx", False),
        ("iommu=pt,off_", False),
        ("amd_iommu=offline", True),
        ("amd_iommu=xoff", True),
    ],
)
def test_r35b_1_iommu_off_by_prefix_fails(host_scan, nxt: str, amd: bool) -> None:
    """R35B-1 (false pass) HVA-050: iommu_setup's `strncmp(p, "off", 3)` per comma option and
    parse_amd_iommu_options's at every character turn the IOMMU off at the next boot."""
    a = _gpu_scan(host_scan, nxt, amd)
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {
        "gpu": f"{PT}, but the next boot turns the device's isolation off: {nxt} in "
        "/etc/default/grub"
    }


@pytest.mark.parametrize(
    ("nxt", "amd"),
    [("iommu=pt", False), ("amd_iommu=force_isolation", True), ("amd_iommu=xoff", False)],
)
def test_r35b_1_held(host_scan, nxt: str, amd: bool) -> None:
    """R35B-1 held: no option starting with off (iommu=), no "off" in the value (amd_iommu=),
    or amd_iommu= on an Intel host: the pass stays."""
    a = _gpu_scan(host_scan, nxt, amd)
    assert outcomes(a, "HVA-050") == {"gpu": "pass"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {"gpu": GROUPS}


# --- R35B-2: ia32_emulation= on a kernel that may not know it ---------------------------------

#: A running line with ia32_emulation= false (tests/test_redteam20_host3_probes.py's shape)
IA32_OFF = "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro {}\n"

#: R35B-2's question for the harness's kernel (6.1.0-28-amd64)
IA32_ASK = (
    f"{COMPAT}, unless `{{}}` on the kernel's command line turns 32-bit programs off: the "
    "running kernel {} predates Linux 6.7, which brought ia32_emulation=, unless its vendor "
    "added it"
)

#: R35B-2's question (ia32_emulation=0 on host hv1)
IA32_QUESTION = (
    "Does the running kernel of host hv1 take `ia32_emulation=0` from its command line, so "
    "that it runs no 32-bit program? Evidence: `uname -r`, the kernel's symbols (`grep -w "
    "ia32_emulation_override_cmdline /boot/System.map-$(uname -r)`: the handler of "
    "ia32_emulation=) and the kernel's log of this boot (`journalctl -k -b`: a kernel that "
    'prints them lists the parameters it does not know as "Unknown kernel command line '
    'parameters"). Pass: yes, the kernel has the handler and does not list the word as '
    "unknown; fail: no, it runs 32-bit programs: add the same audit rules with -F arch=b32."
)


@pytest.mark.parametrize("word", ["ia32_emulation=0", "ia32_emulation=off"])
def test_r35b_2_ia32_emulation_on_a_kernel_before_6_7_is_asked(host_scan, word: str) -> None:
    """R35B-2 (false pass) HVA-214: ia32_emulation= came with Linux 6.7 (arch/x86/entry/
    common.c); the harness's 6.1 kernel hands the word to init and runs 32-bit programs, whose
    writes the b64-only rule misses. It passed; now it is asked."""
    a = _audit(host_scan, B64_LIBVIRT + POLKIT_WATCH, **{"/proc/cmdline": IA32_OFF.format(word)})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {"hv1": IA32_ASK.format(word, "6.1.0-28-amd64")}
    (asked,) = [r.outcome.question for r in a.results if r.check.id == "HVA-214"]
    assert asked == IA32_QUESTION.replace("ia32_emulation=0`", f"{word}`")


def test_r35b_2_ia32_emulation_with_the_release_unread_is_asked(host_scan) -> None:
    """R35B-2 (false pass) HVA-214: with /proc/sys/kernel/osrelease unread the kernel's
    knowing the word is not shown: asked."""
    a = _audit(
        host_scan,
        B64_LIBVIRT + POLKIT_WATCH,
        **{
            "/proc/cmdline": IA32_OFF.format("ia32_emulation=0"),
            "/proc/sys/kernel/osrelease": None,
        },
    )
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {
        "hv1": f"{COMPAT}, unless `ia32_emulation=0` on the kernel's command line turns 32-bit "
        "programs off: the running kernel's release was not read (ia32_emulation= came with "
        "Linux 6.7)"
    }


def test_r35b_2_a_32_bit_never_rule_before_6_7_is_asked(host_scan) -> None:
    """R35B-2 (false pass) HVA-214: R20H-11's b32 never rule beside ia32_emulation=0 drops a
    32-bit program's writes where the 6.1 kernel ignores the word: asked (the rule's
    question), not passed."""
    never = "-a never,exit -F arch=b32 -S all -F dir=/etc/libvirt/qemu"
    a = host_scan(
        {
            "audit-rules": (never + "\n" + WATCHES, 0),
            "/proc/cmdline": IA32_OFF.format("ia32_emulation=0"),
        }
    )
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {
        "hv1": f"{HARDENED_214}, but the never rule `{never}`, listed before the watch of "
        "/etc/libvirt, drops the records of writes to /etc/libvirt/qemu made with 32-bit system calls (-F arch=b32)"
    }


@pytest.mark.parametrize(
    ("release", "word"),
    [
        ("6.7.0-1-amd64", "ia32_emulation=0"),
        ("6.12.48+deb13-amd64", "ia32_emulation=off"),
    ],
)
def test_r35b_2_held_from_6_7(host_scan, release: str, word: str) -> None:
    """R35B-2 held: a running kernel of 6.7 or later takes the word (and the next boot keeps
    it, R35B-3): the pass stays."""
    a = _audit(
        host_scan,
        B64_LIBVIRT + POLKIT_WATCH,
        **{
            "/proc/cmdline": IA32_OFF.format(word),
            "/proc/sys/kernel/osrelease": release + "\n",
            "boot-cmdline": _boot(_grub(f"quiet {word}"), grub=False),
        },
    )
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {"hv1": HARDENED_214}


def test_r35b_2_held_ia32_emulation_on_fails(host_scan) -> None:
    """R35B-2 held: a later ia32_emulation=1 keeps 32-bit programs on whatever the kernel:
    the b64-only rule fails."""
    a = _audit(
        host_scan,
        B64_LIBVIRT + POLKIT_WATCH,
        **{
            "/proc/cmdline": IA32_OFF.format("ia32_emulation=0 ia32_emulation=1"),
            "/proc/sys/kernel/osrelease": "6.12.0\n",
        },
    )
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {"hv1": COMPAT}


# --- R35B-3: the running line's ia32_emulation= false the next boot drops ----------------------

#: a kernel that reads ia32_emulation= (Linux 6.7 or later)
NEW_KERNEL = "6.12.48+deb13-amd64\n"


def _ia32_next(host_scan, nxt: str):
    return _audit(
        host_scan,
        B64_LIBVIRT + POLKIT_WATCH,
        **{
            "/proc/cmdline": IA32_OFF.format("ia32_emulation=0"),
            "/proc/sys/kernel/osrelease": NEW_KERNEL,
            "boot-cmdline": _boot(_grub(nxt), grub=False),
        },
    )


@pytest.mark.parametrize("nxt", ["quiet", "quiet ia32_emulation=0 ia32_emulation=1"])
def test_r35b_3_ia32_emulation_the_next_boot_drops_is_asked(host_scan, nxt: str) -> None:
    """R35B-3 (false pass) HVA-214: the running 6.12 kernel has 32-bit programs off from
    ia32_emulation=0, but the next boot's line lacks it (or a later ia32_emulation=1 replaces
    it: the early_param sets the flag for each word in turn), so after the reboot 32-bit
    programs write /etc/libvirt unwatched by the b64-only rule. It passed; now it is asked."""
    a = _ia32_next(host_scan, nxt)
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {
        "hv1": f"{COMPAT} after the next boot: the running kernel has 32-bit programs off from "
        "`ia32_emulation=0`, not in /etc/default/grub"
    }


@pytest.mark.parametrize("nxt", ["quiet ia32_emulation=0", "ia32_emulation=false quiet"])
def test_r35b_3_held_the_next_boot_keeps_it(host_scan, nxt: str) -> None:
    """R35B-3 held: the next boot's line keeps a false ia32_emulation= (kstrtobool's f is
    Linux 5.19's, older than the parameter): the pass stays."""
    a = _ia32_next(host_scan, nxt)
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {"hv1": HARDENED_214}
