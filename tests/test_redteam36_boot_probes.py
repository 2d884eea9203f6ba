"""Red-team round 36 probes: boot, kernel command line, the CPU's vendor (r36boot)

Harness: conftest's `host_scan` (the hardened Debian host, replayed through the real collector,
parser and engine, one libvirt test-driver VM), changed only where a probe says so: the next
boot's line by tests/test_redteam21_boot_probes.py's `_boot`/`_grub`, the running line by
tests/test_redteam22_boot2_probes.py's LIVE; HVA-050's VFIO VM by
tests/test_redteam20_host4_probes.py's GPU (GROUPS its pass); a Zhaoxin host by /proc/cpuinfo's
vendor_id `  Shanghai  ` or `CentaurHauls` (arch/x86/kernel/cpu/zhaoxin.c and centaur.c
c_ident), an AMD host by AuthenticAMD.

Findings (R36B-n):

- R36B-1 (false pass) HVA-050: `intel_iommu=` was read on a GenuineIntel CPU only, but the
  VT-d driver takes it wherever the firmware reports its IOMMU by an ACPI DMAR table, whatever
  the CPU: drivers/iommu/intel/dmar.c detect_intel_iommu calls dmar_table_detect and tests
  `!dmar_disabled` with no test of the vendor, and Zhaoxin's engineers extend that driver for
  their platforms' DMAR tables (FelixCui-oc's "iommu/vt-d: Add support for detecting ACPI
  device in RMRR", iommu list 2020; all read with `find_string`). On a Zhaoxin host (vendor_id
  `  Shanghai  `, or `CentaurHauls` on family 7) the VFIO VM passed "IOMMU active; ..." beside
  a next boot with `intel_iommu=off`. Now intel_iommu= counts on the DMAR platforms' vendors
  (parse.host.VTD_VENDORS: Intel and Zhaoxin) and amd_iommu= on the IVRS ones
  (AMD_VI_VENDORS: AMD and Hygon); an unread vendor counts either, as before.

- R36B-2 (false pass) HVA-181 (and HVA-214): parse.host.X86_VENDORS named Intel, AMD and
  Hygon only, so a Zhaoxin host (zhaoxin.c's `  Shanghai  `, centaur.c's `CentaurHauls`) was
  read as another architecture's. cpu_flaws_unreported then listed nothing, though the
  kernel sets Meltdown, L1TF, MDS and iTLB multihit for Zhaoxin's family 7 (arch/x86/kernel/
  cpu/common.c cpu_vuln_whitelist: `VULNWL(ZHAOXIN, 7, X86_MODEL_ANY, NO_SPECTRE_V2 |
  NO_SWAPGS | NO_MMIO | NO_BHI)`, read with `find_string`): a kernel without the mds, l1tf
  and itlb_multihit files (one that predates them) passed "14 CPU vulnerabilities reported,
  none unmitigated". HVA-214's b64-only watch was asked whether the host runs 32-bit programs
  at all, though an x86-64 kernel does whatever the vendor. Now X86_VENDORS holds Zhaoxin's
  ids (ZHAOXIN_VENDORS), and X86_FLAWS_NOT_OF leaves out there only the flaws the kernel sets
  for other vendors (SRBDS and GDS: Intel models of cpu_vuln_blacklist; ITS: vulnerable_to_its
  `x86_vendor != X86_VENDOR_INTEL`; SRSO and TSA: AMD's and Hygon's). The unreported flaws are
  asked and the b64-only watch fails.

- R36B-3 (false pass; also wrong fail) HVA-043 (every check through next_boot_adds):
  security= and lsm= were read as words that each count, but security/security.c reads them
  as the kernel's __setup handlers store them (read with `find_string`): choose_major_lsm
  `chosen_major_lsm = str` and choose_lsm_order `chosen_lsm_order = str` keep the last word's
  value, and from Linux 5.1 an lsm= anywhere on the line supersedes security=
  (ordered_lsm_init, later lsm_init_ordered: "security=%s is ignored because it is
  superseded by lsm=%s", `chosen_major_lsm = NULL`). A running `lsm=...,apparmor
  security=selinux` (AppArmor confines QEMU) put security=selinux among the words in force,
  so the next boot's lone security=selinux, which disables AppArmor, was judged on the live
  evidence and passed (R33B-3's class, across two names); the next boot's `lsm=yama
  lsm=yama,apparmor` and `security=selinux security=apparmor` (AppArmor starts) failed. Now
  lsm= and security= are last-wins parameters any value of which sets them
  (_nextboot._LAST_WINS, _mode), and security= is lsm='s (_nextboot._FLAG_OF): beside an lsm=
  word it is not surely in force (surely_kept), and the two lines' words are compared
  together (_in_force).

- R36B-4 (false pass) HVA-181: spec_store_bypass_disable= was read as x86 reads it (an exact
  value, the last word standing: _nextboot._LAST_WINS) on every CPU, but POWER's handler
  (arch/powerpc/kernel/security.c handle_ssbd, the Book3S 64-bit early_param; read with
  `find_string`) calls handle_no_stf_barrier for any value starting with off (`strncmp(p,
  "off", 3) == 0`) and only returns for auto or on, so nothing sets the store-forwarding
  barrier back. On a POWER9 host the next boot's `spec_store_bypass_disable=off
  spec_store_bypass_disable=on` (kept dropped the off) and `spec_store_bypass_disable=
  offline` (no exact off) passed "none unmitigated". Now HVA-181 reads the next boot of a
  POWER host with that parameter's off sticky (_nextboot.POWER_OFF_STICKS, kept's `sticky`)
  and any value starting with off as off (management._mitigation_off's `power`).

- R36B-5 (false pass) HVA-181: spectre_v2= was read by its exact x86 values on every CPU,
  but s390's handler (arch/s390/kernel/nospec-branch.c spectre_v2_setup_early, an
  early_param; read with `find_string`) takes on, off and auto by prefix (`!strncmp(str,
  "off", 3)` sets nospec_disable, or nospec_call_disable and nospec_return_disable): on an
  s390x host the next boot's `spectre_v2=offline` or `spectre_v2=off,nosmt` turns the
  expolines off, and passed "none unmitigated". Now management._mitigation_off reads
  spectre_v2= by that prefix on an s390x host (`s390`, HostFacts.s390x), R36B-4's class.

- R36B-6 (wrong fail) HVA-043: apparmor= and apparmor.enabled= were separate parameters to
  kept (R34B-1 left it a conservative reading), though both write apparmor_enabled
  (security/apparmor/lsm.c apparmor_enabled_setup, a __setup handler, and
  `module_param_named(enabled, apparmor_enabled, aaintbool, 0444)` through param_set_bool),
  and kernel/params.c parse_args hands the words to both in order (read with `find_string`):
  the next boot's `apparmor=0 apparmor.enabled=1` and `apparmor.enabled=0 apparmor=1` start
  AppArmor, and failed. Now apparmor.enabled= is a last-wins parameter (its kstrtobool) that
  a later word of either name replaces (_nextboot._SAME_FLAG; _FLAG_OF for surely_kept).

Held (kept as tests): on a Zhaoxin host `amd_iommu=off` (no AMD IOMMU there) keeps the
pass, and so does `intel_iommu=off` on an AMD host; a Zhaoxin host whose kernel lacks only
the SRBDS, GDS, ITS, SRSO and TSA files passes HVA-181; the next boot's `lsm=yama,apparmor
lsm=yama` (the last leaves AppArmor out) fails HVA-043, and the same `lsm=... security=selinux`
on both lines passes; x86's `spec_store_bypass_disable=off spec_store_bypass_disable=on`
(the last word stands) and POWER's `spec_store_bypass_disable=on` pass HVA-181, and so does
x86's `spectre_v2=offline` (an unknown value there); `apparmor=1 apparmor.enabled=0` and
`apparmor.enabled=1 apparmor=0` (the last off) fail HVA-043.

Probed by script, not kept: `ia32_emulation=OFF`, `=No`, `=F` (pass) and `=oN` (fail) on a 6.12
kernel read as kstrtobool does; the next boot's `audit=00` and `audit=false` under a running
3.10 kernel pass HVA-214 and HVA-201 (a lead below).

Tally: 6 findings (5 false passes, R36B-3 also wrong fails; 1 wrong fail); 25 cases in 16 test
functions.
R36B-1: 2 of 4 failed on main 101a77a (2 false passes); R36B-2: 3 of 4 failed on main 101a77a
(2 false passes, and HVA-214's question where the evidence fails); R36B-3: 4 of 6 failed on
main 101a77a (2 false passes, 2 wrong fails); R36B-4: 2 of 4 failed on main f7af076 (2 false
passes); R36B-5: 2 of 3 failed on main f7af076 (2 false passes); R36B-6: 2 of 4 failed on
main 004499c (2 wrong fails); the 10 held cases passed before and after.

Leads left:
- audit= on old kernels: audit_enable read `!!simple_strtol(str, NULL, 0)` (kernel/audit.c,
  read with `find_string`), so `audit=00`, `audit=false`, `audit=+1` or `audit=` turn auditing
  off there; the strict strcasecmp reading came later (linux-audit/audit-kernel issue #74
  dates the no-panic follow-up to audit/next in March 2018; the first strict version was not
  pinned). With HostFacts.kernel_release such a next-boot word could be asked on an old
  running kernel.
- kept does not drop a security= beside an lsm= (a kernel before 5.1 knows no lsm=): the next
  boot's `security=selinux lsm=...,apparmor` still fails HVA-043 though every kernel since
  5.1 starts AppArmor (a conservative wrong fail; the next boot's kernel release is not read).
- Zhaoxin's families other than 7 (CentaurHauls family 6) are not whitelisted for MMIO stale
  data (X86_BUG_MMIO_UNKNOWN); X86_FLAWS_NOT_OF leaves it asked. RFDS stays asked on Zhaoxin
  (ARCH_CAP_RFDS_CLEAR).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_network_leads import _cpu_verdict, _kernel_without
from test_redteam20_host3_probes import B64_LIBVIRT, COMPAT, POLKIT_WATCH, _audit
from test_redteam20_host4_probes import GPU, GROUPS
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot2_probes import LIVE
from test_redteam28_boot_probes import _s390
from test_redteam31_boot_probes import NONE, _power_host
from test_redteam33_boot_probes import S390
from test_redteam34_boot_probes import AA_PASS

#: HVA-050's pass for the GPU VM's device (tests/test_redteam20_host4_probes.py's GROUPS)
PT = "passthrough of pci 0000:65:00.0"

#: the hardened host with a Zhaoxin CPU (zhaoxin.c's "  Shanghai  ", centaur.c's "CentaurHauls")
ZHAOXIN = HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", "  Shanghai  ")
CENTAUR = HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", "CentaurHauls")
AMD = HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", "AuthenticAMD")


def _gpu_scan(host_scan, nxt: str, cpuinfo: str):
    changes = {
        "/proc/cmdline": LIVE.format(""),
        "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
        "/proc/cpuinfo": cpuinfo,
    }
    return host_scan(changes, domains=GPU)


# --- R36B-1: intel_iommu= on a Zhaoxin host ---------------------------------------------------


@pytest.mark.parametrize("cpuinfo", [ZHAOXIN, CENTAUR], ids=["shanghai", "centaurhauls"])
def test_r36b_1_intel_iommu_off_on_a_zhaoxin_host_fails(host_scan, cpuinfo: str) -> None:
    """R36B-1 (false pass) HVA-050: the VT-d driver reads intel_iommu= wherever the firmware
    has a DMAR table (dmar.c detect_intel_iommu tests no vendor), as on Zhaoxin's platforms:
    the next boot's intel_iommu=off turns the passed-through device's IOMMU off."""
    a = _gpu_scan(host_scan, "intel_iommu=off", cpuinfo)
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {
        "gpu": f"{PT}, but the next boot turns the device's isolation off: intel_iommu=off in "
        "/etc/default/grub"
    }


@pytest.mark.parametrize(
    ("nxt", "cpuinfo"),
    [("amd_iommu=off", ZHAOXIN), ("intel_iommu=off", AMD)],
    ids=["amd-word-on-zhaoxin", "intel-word-on-amd"],
)
def test_r36b_1_held_the_other_familys_word(host_scan, nxt: str, cpuinfo: str) -> None:
    """R36B-1 held: amd_iommu= reaches only an AMD IOMMU (ACPI IVRS), absent on a Zhaoxin
    host, and intel_iommu= only a DMAR one, absent on an AMD host: the pass stays."""
    a = _gpu_scan(host_scan, nxt, cpuinfo)
    assert outcomes(a, "HVA-050") == {"gpu": "pass"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050") == {"gpu": GROUPS}


# --- R36B-2: a Zhaoxin host is an x86 host -----------------------------------------------------

#: HVA-181's question for a kernel without the files of Meltdown's successors (R36B-2)
UNREPORTED = (
    "14 CPU vulnerabilities reported, none unmitigated, but this kernel reports nothing of "
    "itlb_multihit, l1tf, mds: it predates them, so it neither reports nor mitigates them on "
    "this {} CPU"
)
UNREPORTED_Q = (
    "Is this host's CPU unaffected by every one of itlb_multihit, l1tf, mds? Evidence: the "
    "CPU's family, model and stepping (/proc/cpuinfo) against the vendor's advisories or the "
    "kernel's Documentation/admin-guide/hw-vuln, or /sys/devices/system/cpu/vulnerabilities "
    'after booting a kernel that reports them. Pass: yes, none affects this CPU ("Not '
    'affected"); fail: no, one does (the running kernel does not mitigate it).'
)


@pytest.mark.parametrize(
    ("cpuinfo", "vendor"),
    [(ZHAOXIN, "Shanghai"), (CENTAUR, "CentaurHauls")],
    ids=["shanghai", "centaurhauls"],
)
def test_r36b_2_unreported_flaws_on_a_zhaoxin_host_are_asked(
    host_scan, cpuinfo: str, vendor: str
) -> None:
    """R36B-2 (false pass) HVA-181: a Zhaoxin family 7 CPU is whitelisted for Spectre v2,
    SWAPGS, MMIO and BHI only (common.c cpu_vuln_whitelist), so the kernel sets MDS, L1TF and
    iTLB multihit for it; a kernel without their files neither reports nor mitigates them.
    The host was read as another architecture's and passed; now it is asked."""
    a = host_scan(
        {
            "cpu-vulnerabilities": (_kernel_without("mds", "l1tf", "itlb_multihit"), 0),
            "/proc/cpuinfo": cpuinfo,
        }
    )
    assert _cpu_verdict(a) == ("manual", UNREPORTED.format(vendor), UNREPORTED_Q)


def test_r36b_2_held_other_vendors_flaws_on_a_zhaoxin_host(host_scan) -> None:
    """R36B-2 held: SRBDS and GDS (Intel models of cpu_vuln_blacklist), ITS (Intel only), SRSO
    and TSA (AMD's and Hygon's) cannot affect a Zhaoxin CPU: a kernel without their files
    leaves nothing open there."""
    missing = ("srbds", "gather_data_sampling", "indirect_target_selection")
    missing += ("spec_rstack_overflow", "tsa")
    a = host_scan({"cpu-vulnerabilities": (_kernel_without(*missing), 0), "/proc/cpuinfo": ZHAOXIN})
    assert _cpu_verdict(a) == ("pass", "12 CPU vulnerabilities reported, none unmitigated", "")


def test_r36b_2_b64_only_watch_on_a_zhaoxin_host_fails(host_scan) -> None:
    """R36B-2 HVA-214: an x86-64 kernel runs 32-bit programs (IA32 emulation) whatever the
    vendor; the b64-only watch on a Zhaoxin host was asked whether the host runs them at all
    (read as another architecture's); now it fails as on an Intel host."""
    a = _audit(host_scan, B64_LIBVIRT + POLKIT_WATCH, **{"/proc/cpuinfo": ZHAOXIN})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214") == {"hv1": COMPAT}


# --- R36B-3: lsm= and security= -----------------------------------------------------------------

#: a running line whose lsm= supersedes its security= (AppArmor runs)
BOTH = "lsm=landlock,lockdown,yama,integrity,apparmor security=selinux"


def _lsm_scan(host_scan, live: str, nxt: str):
    return host_scan(
        {"/proc/cmdline": LIVE.format(live), "boot-cmdline": _boot(_grub(nxt), grub=False)}
    )


@pytest.mark.parametrize(
    "live", [BOTH, "security=selinux lsm=landlock,lockdown,yama,integrity,apparmor"]
)
def test_r36b_3_security_word_an_lsm_word_superseded_now_fails(host_scan, live: str) -> None:
    """R36B-3 (false pass) HVA-043: the running line's security=selinux is ignored beside its
    lsm= (security.c: "security=%s is ignored because it is superseded by lsm=%s"), so
    AppArmor runs now; the next boot's lone security=selinux disables it. It was read as a
    word in force now and judged on the live evidence: passed."""
    a = _lsm_scan(host_scan, live, "quiet security=selinux")
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": "apparmor confines QEMU on the running kernel, but the next boot does not start "
        "it: security=selinux in /etc/default/grub"
    }


@pytest.mark.parametrize(
    "nxt", ["quiet lsm=yama lsm=yama,apparmor", "quiet security=selinux security=apparmor"]
)
def test_r36b_3_a_later_word_of_the_name_replaces_it(host_scan, nxt: str) -> None:
    """R36B-3 (wrong fail) HVA-043: choose_lsm_order and choose_major_lsm store each word's
    value in turn, so the last lsm= (security=) stands: AppArmor starts. Each word counted:
    it failed."""
    a = _lsm_scan(host_scan, "", nxt)
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": AA_PASS}


def test_r36b_3_held_a_later_lsm_word_without_apparmor_fails(host_scan) -> None:
    """R36B-3 held: the last lsm= leaves AppArmor out: the next boot does not start it."""
    a = _lsm_scan(host_scan, "", "quiet lsm=yama,apparmor lsm=yama")
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": "apparmor confines QEMU on the running kernel, but the next boot does not start "
        "it: lsm=yama in /etc/default/grub"
    }


def test_r36b_3_held_the_same_pair_on_both_lines(host_scan) -> None:
    """R36B-3 held: the same lsm= and security= on both lines are read alike by the same
    kernel: judged on the live evidence (AppArmor confines QEMU)."""
    a = _lsm_scan(host_scan, BOTH, f"quiet {BOTH}")
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": AA_PASS}


# --- R36B-4: POWER's spec_store_bypass_disable= ----------------------------------------------


def _power_next(host_scan, nxt: str):
    host = _power_host()
    host["boot-cmdline"] = _boot(_grub(f"quiet {nxt}"), grub=False)
    return host_scan(host)


@pytest.mark.parametrize(
    ("nxt", "word"),
    [
        (
            "spec_store_bypass_disable=off spec_store_bypass_disable=on",
            "spec_store_bypass_disable=off",
        ),
        ("spec_store_bypass_disable=offline", "spec_store_bypass_disable=offline"),
    ],
)
def test_r36b_4_power_store_forwarding_barrier_off_fails(host_scan, nxt: str, word: str) -> None:
    """R36B-4 (false pass) HVA-181: on POWER security.c handle_ssbd turns the store-forwarding
    barrier off for any value starting with off (`strncmp(p, "off", 3)`), and a later on or
    auto only returns: the barrier stays off. Read as x86's last-wins exact values, the next
    boot passed."""
    a = _power_next(host_scan, nxt)
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: {word} in /etc/default/grub"
    }


def test_r36b_4_held_x86_keeps_the_last_word(host_scan) -> None:
    """R36B-4 held: x86's handler keeps the last word (_LAST_WINS): `spec_store_bypass_disable=
    off spec_store_bypass_disable=on` runs mitigated there: the pass stays."""
    a = host_scan(
        {
            "boot-cmdline": _boot(
                _grub("quiet spec_store_bypass_disable=off spec_store_bypass_disable=on"),
                grub=False,
            )
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": "17 CPU vulnerabilities reported, none unmitigated"}


def test_r36b_4_held_power_on_alone(host_scan) -> None:
    """R36B-4 held: POWER's spec_store_bypass_disable=on leaves the barrier on: the pass stays."""
    a = _power_next(host_scan, "spec_store_bypass_disable=on")
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": NONE}


# --- R36B-5: s390's spectre_v2= by prefix -----------------------------------------------------

#: an s390x host's listing, spectre_v2 mitigated by expolines (tests/test_redteam33's S390)
S390_NOW = "2 CPU vulnerabilities reported, none unmitigated"


def _s390_next(host_scan, nxt: str):
    host = _s390()
    host.update({"cpu-vulnerabilities": S390, "boot-cmdline": _boot(_grub(nxt), grub=False)})
    return host_scan(host)


@pytest.mark.parametrize("word", ["spectre_v2=offline", "spectre_v2=off,nosmt"])
def test_r36b_5_s390_spectre_v2_off_by_prefix_fails(host_scan, word: str) -> None:
    """R36B-5 (false pass) HVA-181: s390's spectre_v2_setup_early turns the expolines off for
    any value starting with off (`!strncmp(str, "off", 3)`); read as x86's exact off, the
    next boot passed."""
    a = _s390_next(host_scan, f"quiet {word}")
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{S390_NOW} now, but the next boot turns mitigations off: {word} in "
        "/etc/default/grub"
    }


def test_r36b_5_held_x86_spectre_v2_offline_is_no_off(host_scan) -> None:
    """R36B-5 held: x86's spectre_v2_parse_cmdline takes exact values and ignores the rest
    (an unknown one: "Ignoring unknown spectre_v2 option", AUTO before the 6.16 rework): the
    pass stays."""
    a = host_scan({"boot-cmdline": _boot(_grub("quiet spectre_v2=offline"), grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": "17 CPU vulnerabilities reported, none unmitigated"}


# --- R36B-6: apparmor= and apparmor.enabled= set one flag ------------------------------------


@pytest.mark.parametrize(
    "nxt", ["quiet apparmor=0 apparmor.enabled=1", "quiet apparmor.enabled=0 apparmor=1"]
)
def test_r36b_6_a_later_word_of_the_other_name_replaces_it(host_scan, nxt: str) -> None:
    """R36B-6 (wrong fail) HVA-043: apparmor= and apparmor.enabled= both write
    apparmor_enabled, in the order parse_args meets them: the last word starts AppArmor. The
    earlier off counted: it failed."""
    a = _lsm_scan(host_scan, "", nxt)
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": AA_PASS}


@pytest.mark.parametrize(
    ("nxt", "word"),
    [
        ("quiet apparmor=1 apparmor.enabled=0", "apparmor.enabled=0"),
        ("quiet apparmor.enabled=1 apparmor=0", "apparmor=0"),
    ],
)
def test_r36b_6_held_the_last_word_off_fails(host_scan, nxt: str, word: str) -> None:
    """R36B-6 held: the last of the two names off keeps AppArmor from starting."""
    a = _lsm_scan(host_scan, "", nxt)
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": "apparmor confines QEMU on the running kernel, but the next boot does not start "
        f"it: {word} in /etc/default/grub"
    }
