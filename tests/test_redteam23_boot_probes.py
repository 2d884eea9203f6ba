"""Twenty-third red-team review, host side (rt23boot): the kernel command line, live and next boot.

Harness: as tests/test_redteam22_boot2_probes.py (rt22boot2): libvirt's test driver serves the
VMs, host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only
where a probe says so), /proc/cmdline replaced where a probe says so, and the `boot-cmdline`
probe's output built by rt21boot's `_boot`/`_grub`, through the real collector, parser and
engine. The CPU flaws are rt22boot's VULNS (mds "Mitigation: Clear CPU buffers; SMT
disabled", the rest "Not affected"; itlb_multihit "KVM: Mitigation: Split huge pages" where a
probe says so), SMT control off.

Findings (ID-n):
- R23B-1 (false pass) HVA-181 passed "none unmitigated" where the running line held
  `mds=off mds=full` (or `kvm.nx_huge_pages=off kvm.nx_huge_pages=force`) and the next boot's
  a lone `mds=off` (`kvm.nx_huge_pages=off`): only mitigations= was read last-wins
  (_nextboot._LAST_WINS), so the live `mds=off` counted as the running state and the next
  boot's was dropped as already there. arch/x86/kernel/cpu/bugs.c mds_cmdline (`if
  (!strcmp(str, "off")) mds_mitigation = MDS_MITIGATION_OFF; else if (!strcmp(str, "full"))
  mds_mitigation = MDS_MITIGATION_FULL; ...`), tsx_async_abort_parse_cmdline,
  mmio_stale_data_parse_cmdline and l1tf_cmdline assign one mode per word; retbleed_parse_
  cmdline assigns retbleed_cmd for off/auto/unret (and ibpb/stuff later) but only sets
  `retbleed_nosmt = true` for nosmt; arch/x86/kvm/mmu/mmu.c set_nx_huge_pages takes off,
  force, auto, never or a kstrtobool, else -EINVAL, and after `never`
  (`nx_hugepage_mitigation_hard_disabled = true`) returns -EPERM (all read with
  `find_string`). The same reading failed a next boot's `mds=off mds=full` (wrong fail) and
  passed `mitigations=off mitigations=Auto` (false pass: mitigations_parse_cmdline's
  strcmp knows no "Auto", `pr_crit("Unsupported mitigations=%s, system may still be
  vulnerable\\n")`, so off stays), and it read a next boot's `l1tf=full l1tf=flush` as SMT
  off (false pass: l1tf_cmdline keeps L1TF_MITIGATION_FLUSH, which disables nothing). Now
  _LAST_WINS names each parameter with the values that set its mode (_nextboot._mode): a
  word is dropped where a later word of its name sets one; a sticking `,nosmt` flag (mds_nosmt,
  taa_nosmt, mmio_nosmt, retbleed_nosmt) stays unless the mode kept is off, and
  kvm.nx_huge_pages=never always stays.

- R23B-2 (false pass) HVA-181/HVA-214 (every check reading the next boot's line): hvaudit
  joined /etc/kernel/cmdline's lines and dropped `#` lines, but neither reader does that.
  proxmox-boot-tool takes the first line alone (proxmox-kernel-helper zz-proxmox-boot:
  `CMDLINE=$(get_first_line /etc/kernel/cmdline)`, functions get_first_line reads one line;
  read with `read_file`), so line 1's `mitigations=off` with line 2's `mitigations=auto`
  passed where a Proxmox node boots with mitigations off; kernel-install copies every line,
  a `#` line too (systemd src/kernel-install/90-loaderentry.install.in: `BOOT_OPTIONS="$(tr
  -s "$IFS" ' ' </etc/kernel/cmdline)"`, read with `read_file`), so `# audit=0` on a line of
  its own reached the kernel and HVA-214 passed. A second line's `mitigations=off` failed a
  Proxmox node that never boots with it (wrong fail). Now a file of more than one line (or a
  `#` first line) is two sources, "/etc/kernel/cmdline (kernel-install)" (every line) and
  "/etc/kernel/cmdline line 1 (proxmox-boot-tool)" (parse.host._kernel_cmdline_file): a word
  in one only is the question which the boot loader takes.

- R23B-3 (false pass) HVA-181/HVA-214: a GRUB_CMDLINE_LINUX_XEN_REPLACE(_DEFAULT) assignment
  left GRUB's whole line unsettled (the reader knew only _LINUX and _LINUX_DEFAULT), and an
  unsettled source keeps today's verdict, so neither `mitigations=off` in the Xen replacement
  nor `audit=0` in the Linux entries' line was judged. GRUB util/grub.d/20_linux_xen.in:
  "Allow overriding GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT. if [
  "${GRUB_CMDLINE_LINUX_XEN_REPLACE}" ]; then GRUB_CMDLINE_LINUX=
  "${GRUB_CMDLINE_LINUX_XEN_REPLACE}"" (and _DEFAULT alike; read with `find_string`). Now
  both are read; where one is set, "/etc/default/grub (Xen entries)" is a source of its own
  (parse.host._grub_defaults), and a word in one of the two only is the question.

Held (kept as tests): a benign Xen replacement with GRUB_CMDLINE_XEN_DEFAULT passes; a next
boot's `retbleed=off retbleed=nosmt` keeps retbleed off (a
nosmt-only word sets no mode); `kvm.nx_huge_pages=never kvm.nx_huge_pages=auto` still fails;
the running line's `mds=full,nosmt mds=full` still keeps SMT off (mds_nosmt sticks), so a next
boot without it is asked about.

Probed by script, not kept: a next boot's `mds=full,nosmt mds=full` with a live `nosmt` passes
before and after.

Tally: 15 cases in 10 test functions; 11 failed before their fixes (PYTHONPATH=/work/main/src):
R23B-1's 6 on main 3fb626d, R23B-2's 3 on main 0368eec (R23B-1 landed), R23B-3's 2 on main
459a8a8; the 4 held cases passed before and after.

Leads left (not settled in the time):
- spectre_v2= (cmdline_find_option on older kernels: which occurrence it returns was not
  confirmed), spectre_v2_user=, spec_store_bypass_disable=, spec_rstack_overflow=,
  gather_data_sampling=, srbds=, reg_file_data_sampling=, indirect_target_selection=, tsa=,
  vmscape= and pti= are still judged word by word.
- mitigations= attack vectors (6.17: `mitigations=auto,no_guest_host` ...) are not judged.
- Which GRUB entry is the default on a Xen dom0 (Debian's /etc/default/grub.d/xen.cfg
  XEN_OVERRIDE_GRUB_DEFAULT) is not read, nor GRUB_CMDLINE_LINUX_RECOVERY (still unsettles
  GRUB's line); /etc/kernel/proxmox-boot-uuids (whether proxmox-boot-tool is in use) is not
  collected, so R23B-2 asks where it could decide.
- Dropped intel_iommu=on / amd_iommu=on on the next boot (HVA-050; the default rests on
  CONFIG_INTEL_IOMMU_DEFAULT_ON in /boot/config-*) not settled.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot_probes import VULNS

LIVE = "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet {}\n"
ITLB = VULNS.replace(
    "itlb_multihit:Not affected", "itlb_multihit:KVM: Mitigation: Split huge pages"
)
NONE = "17 CPU vulnerabilities reported, none unmitigated"


def _scan(host_scan, live: str, next_line: str, vulns: str = VULNS):
    return host_scan(
        {
            "cpu-vulnerabilities": (vulns, 0),
            "/sys/devices/system/cpu/smt/control": "off\n",
            "/proc/cmdline": LIVE.format(live),
            "boot-cmdline": _boot(_grub(next_line), grub=False),
        }
    )


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


# --- R23B-1: single-mode parameters, the last word that sets a mode wins ---------------------------


@pytest.mark.parametrize(
    ("live", "next_line", "vulns", "word"),
    [
        ("mds=off mds=full", "quiet mds=off", VULNS, "mds=off"),
        (
            "kvm.nx_huge_pages=off kvm.nx_huge_pages=force",
            "quiet kvm.nx_huge_pages=off",
            ITLB,
            "kvm.nx_huge_pages=off",
        ),
        # mitigations_parse_cmdline's strcmp knows no "Auto": mitigations=off stays
        ("", "quiet mitigations=off mitigations=Auto", VULNS, "mitigations=off"),
        # a nosmt-only retbleed word sets no mode (held)
        (
            "",
            "quiet retbleed=off retbleed=nosmt",
            VULNS.replace("retbleed:Not affected", "retbleed:Mitigation: Enhanced IBRS"),
            "retbleed=off",
        ),
        # after never, set_nx_huge_pages returns -EPERM (held)
        (
            "",
            "quiet kvm.nx_huge_pages=never kvm.nx_huge_pages=auto",
            ITLB,
            "kvm.nx_huge_pages=never",
        ),
    ],
)
def test_a_word_a_later_one_does_not_replace_is_judged(
    host_scan, live: str, next_line: str, vulns: str, word: str
) -> None:
    """R23B-1 (false pass) HVA-181: the running line's `mds=off mds=full` runs mitigated
    (bugs.c mds_cmdline assigns mds_mitigation for each word, the last kept), as does
    `kvm.nx_huge_pages=off kvm.nx_huge_pages=force` (mmu.c set_nx_huge_pages), so the next
    boot's lone `=off` turns the mitigation off; it was dropped because the live line held the
    same word. A word that sets no mode replaces nothing: kernel/cpu.c mitigations_parse_cmdline
    compares with strcmp ("Unsupported mitigations=%s, system may still be vulnerable"), and
    retbleed_parse_cmdline's nosmt only sets retbleed_nosmt; after `never` set_nx_huge_pages
    returns -EPERM (`nx_hugepage_mitigation_hard_disabled`)."""
    a = _scan(host_scan, live, next_line, vulns)
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: {word} in /etc/default/grub"
    }


@pytest.mark.parametrize(
    ("next_line", "vulns"),
    [
        ("quiet mds=off mds=full", VULNS),
        ("quiet kvm.nx_huge_pages=off kvm.nx_huge_pages=Y", ITLB),
    ],
)
def test_a_replaced_next_boot_word_passes(host_scan, next_line: str, vulns: str) -> None:
    """R23B-1 (wrong fail) HVA-181: the next boot's `mds=off mds=full` boots with
    MDS_MITIGATION_FULL (mds_cmdline's later assignment), and `kvm.nx_huge_pages=off
    kvm.nx_huge_pages=Y` with the mitigation on (set_nx_huge_pages: kstrtobool "Y" is true)."""
    a = _scan(host_scan, "", next_line, vulns)
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}
    assert messages(a, "HVA-181") == {"hv1": NONE}


SMT_Q = (
    "Does host hv1 keep SMT off at the next boot, although no nosmt word is in "
    "/etc/default/grub? Evidence: "
)


def test_a_replaced_smt_off_word_keeps_smt_on(host_scan) -> None:
    """R23B-1 (false pass) HVA-181 passed where SMT is off now by `nosmt` and the next boot's
    line holds `l1tf=full l1tf=flush`: l1tf_cmdline keeps L1TF_MITIGATION_FLUSH, for which
    l1tf_select_mitigation disables nothing (only FLUSH_NOSMT, FULL and FULL_FORCE call
    cpu_smt_disable), so mds reports SMT vulnerable after that boot. Now the question."""
    a = _scan(host_scan, "nosmt", "quiet l1tf=full l1tf=flush")
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE}; but the running kernel turned SMT off with nosmt, not in "
        "/etc/default/grub: mds report SMT vulnerable after the next boot"
    }
    assert _question(a, "HVA-181").startswith(SMT_Q)


def test_a_sticking_nosmt_flag_is_kept(host_scan) -> None:
    """Held: the running line's `mds=full,nosmt mds=full` keeps SMT off (bugs.c mds_cmdline sets
    `mds_nosmt = true`, which the later `full` does not clear), so a next boot without it is
    asked about."""
    a = _scan(host_scan, "mds=full,nosmt mds=full", "quiet")
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE}; but the running kernel turned SMT off with mds=full,nosmt, not in "
        "/etc/default/grub: mds report SMT vulnerable after the next boot"
    }
    assert _question(a, "HVA-181").startswith(SMT_Q)


# --- R23B-2: /etc/kernel/cmdline as kernel-install and proxmox-boot-tool read it --------------------

ZFS = "root=ZFS=rpool/ROOT/pve-1 boot=zfs"
KI = "/etc/kernel/cmdline (kernel-install)"
PBT = "/etc/kernel/cmdline line 1 (proxmox-boot-tool)"


def _kernel_cmdline_scan(host_scan, text: str):
    return host_scan({"boot-cmdline": _boot(("/etc/kernel/cmdline", text), grub=False)})


def _asked(words: str, there: str, not_there: str, fail: str) -> str:
    return (
        f"Which kernel command line does host hv1 boot with next? {words} in {there}, but not in "
        f"{not_there}. Evidence: the boot loader in use (`bootctl status`, `proxmox-boot-tool "
        "status`, `efibootmgr -v`) and the `linux` line of its default entry (/boot/grub/grub.cfg"
        " after `update-grub`, or the ESP's loader entries after `proxmox-boot-tool refresh`). "
        f"Pass: it takes none of {there}'s words; fail: {fail}."
    )


def test_proxmox_boot_tool_takes_the_first_line_only(host_scan) -> None:
    """R23B-2 (false pass) HVA-181 passed where /etc/kernel/cmdline's first line holds
    `mitigations=off` and its second `mitigations=auto`: hvaudit joined the lines, so the later
    word replaced the first, but proxmox-boot-tool writes the first line alone to the ESP's
    entries (proxmox-kernel-helper zz-proxmox-boot: `CMDLINE=$(get_first_line
    /etc/kernel/cmdline)`; functions get_first_line reads one line and echoes it; read with
    `read_file`), while kernel-install joins every line (systemd 90-loaderentry.install.in:
    `BOOT_OPTIONS="$(tr -s "$IFS" ' ' </etc/kernel/cmdline)"`, read with `read_file`). Which
    one makes the entry is the boot loader's: the question."""
    a = _kernel_cmdline_scan(host_scan, f"{ZFS} mitigations=off\nmitigations=auto")
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}
    # R27B-1: kernel-install's joined line keeps mitigations=off in view too (from Linux 6.17
    # on the later mitigations=auto does not set the attack vectors back)
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but mitigations=off before mitigations=auto in {KI}; "
        f"mitigations=off in {PBT} turns mitigations off at the next boot if the boot loader "
        "takes it (and, where a later mitigations= word follows it, boots Linux 6.17 or later)"
    }
    assert _question(a, "HVA-181") == (
        "Which kernel command line does host hv1 boot with next? mitigations=off before "
        f"mitigations=auto in {KI}; mitigations=off in {PBT}, a later mitigations=auto in {KI} "
        "takes mitigations=off back only on a kernel before Linux 6.17. Evidence: the boot "
        "loader in use (`bootctl status`, `proxmox-boot-tool status`, `efibootmgr -v`) and the "
        "`linux` line of its default entry (/boot/grub/grub.cfg after `update-grub`, or the "
        "ESP's loader entries after `proxmox-boot-tool refresh`). Pass: it takes none of "
        f"{KI}, {PBT}'s words; fail: it boots with one of them (the flaw is unmitigated)."
    )


def test_a_commented_line_reaches_kernel_installs_entry(host_scan) -> None:
    """R23B-2 (false pass) HVA-214 passed where /etc/kernel/cmdline has a line `# audit=0`:
    hvaudit dropped `#` lines, but kernel-install's `tr -s "$IFS" ' '` copies every line to the
    entry's `options`, so the kernel gets `#` (an unknown word, handed to init) and `audit=0`
    (kernel-parameters.txt: "kernel audit is disabled and can not be enabled until the next
    reboot"). proxmox-boot-tool takes line 1 only, without it: the question. R40B-4: where
    GRUB's blscfg boots that entry, its lexer takes `#` as a comment to the end of the line, so
    only systemd-boot's reading of it has audit=0."""
    a = _kernel_cmdline_scan(host_scan, f"{ZFS}\n# audit=0")
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    sd, grub = f"{KI} (booted by systemd-boot)", f"{KI} (booted by GRUB's blscfg)"
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1; but audit=0 in "
        f"{sd} turns kernel auditing off at the next boot if the boot loader takes it"
    }
    assert _question(a, "HVA-214") == _asked(
        "audit=0",
        sd,
        f"{grub}, {PBT}",
        "it boots with one of them (kernel auditing off, nothing recorded)",
    )


def test_a_second_line_is_not_proxmox_boot_tools(host_scan) -> None:
    """R23B-2 (wrong fail) HVA-181 failed a Proxmox node whose /etc/kernel/cmdline holds
    `mitigations=off` on its second line only: proxmox-boot-tool's entries never get it
    (get_first_line), kernel-install's would. Now the question."""
    a = _kernel_cmdline_scan(host_scan, f"{ZFS}\nmitigations=off")
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but mitigations=off in {KI} turns mitigations off at the next "
        "boot if the boot loader takes it"
    }
    assert _question(a, "HVA-181") == _asked(
        "mitigations=off", KI, PBT, "it boots with one of them (the flaw is unmitigated)"
    )


# --- R23B-3: GRUB's Xen entries replace the Linux line ----------------------------------------------

XEN = "/etc/default/grub (Xen entries)"


def _grub_scan(host_scan, text: str):
    return host_scan({"boot-cmdline": _boot(("/etc/default/grub", text), grub=False)})


def test_xen_entries_replace_the_linux_line(host_scan) -> None:
    """R23B-3 (false pass) HVA-181 passed where /etc/default/grub sets
    GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="quiet mitigations=off": the assignment left GRUB's
    line unsettled, and an unsettled source with no other adding the word kept today's pass.
    GRUB util/grub.d/20_linux_xen.in ("Allow overriding GRUB_CMDLINE_LINUX and
    GRUB_CMDLINE_LINUX_DEFAULT": `if [ "${GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT}" ]; then
    GRUB_CMDLINE_LINUX_DEFAULT="${GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT}"`, read with
    `find_string`) boots dom0 of the Xen entries with it. Now a source of its own."""
    a = _grub_scan(
        host_scan,
        'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n'
        'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="quiet mitigations=off"\n',
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but mitigations=off in {XEN} turns mitigations off at the next "
        "boot if the boot loader takes it"
    }
    assert _question(a, "HVA-181") == _asked(
        "mitigations=off",
        XEN,
        "/etc/default/grub",
        "it boots with one of them (the flaw is unmitigated)",
    )


def test_a_xen_replace_line_leaves_the_linux_line_read(host_scan) -> None:
    """R23B-3 (false pass) HVA-214 passed where GRUB_CMDLINE_LINUX_DEFAULT holds audit=0 and
    GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="quiet" is set: the REPLACE line left the whole of
    GRUB unsettled, so the Linux entries' audit=0 went unread. Now the Linux entries keep it and
    the Xen entries do not: the question."""
    a = _grub_scan(
        host_scan,
        'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet audit=0"\n'
        'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="quiet"\n',
    )
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1; but audit=0 in "
        "/etc/default/grub turns kernel auditing off at the next boot if the boot loader takes it"
    }
    assert _question(a, "HVA-214") == _asked(
        "audit=0",
        "/etc/default/grub",
        XEN,
        "it boots with one of them (kernel auditing off, nothing recorded)",
    )


def test_a_benign_xen_line_passes(host_scan) -> None:
    """Held: GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="console=hvc0 quiet" and
    GRUB_CMDLINE_XEN_DEFAULT (Xen's own line, not the kernel's) weaken nothing."""
    a = _grub_scan(
        host_scan,
        'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n'
        'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="console=hvc0 quiet"\n'
        'GRUB_CMDLINE_XEN_DEFAULT="dom0_mem=4G"\n',
    )
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}
    assert messages(a, "HVA-181") == {"hv1": NONE}
