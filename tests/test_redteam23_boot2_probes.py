"""Twenty-third red-team review, host side (rt23boot2): a next-boot GRUB line hvaudit cannot read.

Harness: as tests/test_redteam23_boot_probes.py (rt23boot): libvirt's test driver serves the
VMs, host evidence comes from `ReplayRunner` (conftest's hardened Debian host), and the
`boot-cmdline` probe's output is built by rt21boot's `_boot`, through the real collector,
parser and engine. Only /etc/default/grub is in the probe's output (no /etc/kernel/cmdline,
no loader entries) unless a probe says so.

Findings (ID-n):
- R23K-1 (false pass) HVA-181, HVA-214, HVA-201, HVA-043, HVA-052 (and HVA-050: every check
  reading next_boot_adds): a /etc/default/grub line hvaudit cannot evaluate (`$(...)`,
  backticks, `+=`, another variable, a backslash before another character) left GRUB's line
  unsettled, and an unsettled source with no other adding a weakening word kept today's
  verdict: `GRUB_CMDLINE_LINUX="$(cat /etc/perf-args)"` passed HVA-181 although the file it
  reads may hold `mitigations=off`, and HVA-214 although it may hold `audit=0`. Evidence
  hvaudit cannot settle is a question, never a pass (the team's decision, round 23). Now where
  GRUB's defaults are the next boot's only source (no /etc/kernel/cmdline, no Boot Loader
  Specification entry: GRUB is what makes the next boot's line), next_boot_adds returns the
  unread source (NextBoot.unread) and each check asks one question naming the file and the
  variable, "yes" the secure case, joined with the check's other questions (ask_with,
  joint_question). Beside another source, which of them the boot loader takes is not read and
  today's verdict stands (held below; a lead).
- R23K-2 (false pass) HVA-214/HVA-181: a GRUB_CMDLINE_LINUX_RECOVERY assignment left GRUB's
  whole line unsettled (the reader knew no such variable), so `audit=0` in
  GRUB_CMDLINE_LINUX_DEFAULT beside `GRUB_CMDLINE_LINUX_RECOVERY="single"` passed. GRUB
  util/grub.d/10_linux.in (eworm-de/grub, read with `read_file`) gives the normal entries
  `linux_entry "${OS}" "${version}" advanced "${GRUB_CMDLINE_LINUX}
  ${GRUB_CMDLINE_LINUX_DEFAULT}"` and only the recovery entry `linux_entry "${OS}"
  "${version}" recovery "${GRUB_CMDLINE_LINUX_RECOVERY} ${GRUB_CMDLINE_LINUX}"` (Ubuntu's
  10_linux sets it itself, `GRUB_CMDLINE_LINUX_RECOVERY=recovery` / `single`, seen with
  `find_string`). Now it is read as a variable (an assignment naming it takes its value) and
  never enters the next boot's line; an assignment of it hvaudit cannot evaluate unsettles the
  line only where another assignment names it.

- R23K-3 (false pass) HVA-181: spectre_v2_user=, spec_store_bypass_disable=,
  gather_data_sampling=, reg_file_data_sampling= and srbds= were judged word by word, so the
  running line's `NAME=off NAME=on` (mitigated: the later word's mode is kept) hid a next
  boot's lone `NAME=off` as already there; a next boot's `NAME=off NAME=<mode>` failed (wrong
  fail). arch/x86/kernel/cpu/bugs.c spectre_v2_user_parse_cmdline (`if (!strcmp(str, "auto"))
  spectre_v2_user_cmd = SPECTRE_V2_USER_CMD_AUTO; else if (!strcmp(str, "off")) ...`, unknown
  values "Ignoring unknown spectre_v2_user option"), ssb_parse_cmdline (auto, on, off, prctl,
  seccomp), gds_parse_cmdline (`off` / `force`), rfds_parse_cmdline (`off` / `on`), all
  early_params, and srbds_parse_cmdline (`srbds_off = !strcmp(str, "off")`: every value sets
  it); older kernels read spectre_v2_user= and spec_store_bypass_disable= with
  arch/x86/lib/cmdline.c cmdline_find_option, "if this option is repeated, this returns the
  last instance on the command line" (find_string, read_file torvalds/linux). Now in
  _nextboot._LAST_WINS (srbds: any value sets the mode).

- R23K-4 (false pass) HVA-040/HVA-181: a pass resting on a word of the running line
  (`lockdown=integrity`, `module.sig_enforce=1`; `nosmt` for HVA-181's SMT) stood where
  GRUB's line, the next boot's only source, could not be read: live_word_dropped and
  _smt_off_lost counted only the read sources. Now the unread line counts as a source that
  may lack the word ("GRUB's line as hvaudit read it (...)"): R22K-2's and R22B-3's questions.
- R23K-5 (false pass) HVA-181: where the next boot's words were asked (a word in some sources
  only, or the unread GRUB line), the check returned that question alone and dropped R22B-3's
  SMT question: the live `nosmt` in neither GRUB's line nor /etc/kernel/cmdline, an
  attestation "it boots GRUB's line" passed a host whose mds reports SMT vulnerable after the
  next boot. Now the next boot's question joins the SMT one (ask_with, joint_question).

Held (kept as tests): an unread GRUB line beside /etc/kernel/cmdline keeps the pass (which
source the boot loader takes is not read); `spec_store_bypass_disable=off
spec_store_bypass_disable=bogus` still fails (an unknown value sets no mode on the early_param
kernels; older ones switched to auto: a wrong fail there at worst).

Probed by script, not kept: HVA-050 has no passthrough on the hardened host (not applicable
before and after; its next-boot path is next_boot_adds, covered above).

Tally: 19 cases in 10 test functions; 17 failed before their fixes (PYTHONPATH=/work/main/src):
R23K-1/2's 6 on main c7592ba, R23K-3's 8 on main d567406 (R23K-1/2 landed), R23K-4/5's 3 on
main 39bd108; the 2 held cases passed before and after.

Leads left (not settled in the time):
- Whether GRUB is the boot loader in use is not collected (/boot/grub/grub.cfg, `bootctl
  status`, /etc/kernel/proxmox-boot-uuids): beside /etc/kernel/cmdline or loader entries an
  unread GRUB line keeps today's verdict (team decision: ask there too?). RHEL 8's `options
  $kernelopts` entries (grubenv) still keep today's verdict.
- pti= is still judged word by word: `nopti` and pti= interact differently by kernel
  version (pti_check_boottime_disable with cmdline_find_option before, early_params after),
  not settled; nor spectre_v2=, spec_rstack_overflow=, indirect_target_selection=, tsa=,
  vmscape=.
- The existing multi-source question ("Which kernel command line does host ... boot with
  next?") is not a yes/no question; it was not reworded here.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot_probes import VULNS

NONE = "17 CPU vulnerabilities reported, none unmitigated"
LINE = 'GRUB_CMDLINE_LINUX="$(cat /etc/perf-args)"'
UNREAD = f'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n{LINE}\n'
WHY = f"/etc/default/grub sets GRUB_CMDLINE_LINUX as `{LINE}`"


def _scan(host_scan, *files: tuple[str, str]):
    return host_scan({"boot-cmdline": _boot(*files, grub=False)})


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


def _asked(does: str, fail: str) -> str:
    return (
        f"Does the next boot of host hv1 leave out every kernel parameter that {does}, although "
        f"hvaudit could not evaluate GRUB's line ({WHY})? Evidence: the `linux` line of the "
        "default entry `update-grub` (`grub-mkconfig -o /dev/stdout`) writes to "
        f"/boot/grub/grub.cfg. Pass: yes, that line has none of them; fail: {fail}."
    )


# --- R23K-1: GRUB's line, the only source, not read --------------------------------------------


@pytest.mark.parametrize(
    ("check", "now", "does", "fail"),
    [
        (
            "HVA-181",
            f"{NONE} now, but ",
            "turns mitigations off",
            "it boots with one of them (the flaw is unmitigated)",
        ),
        (
            "HVA-214",
            "audit rules watch /etc/libvirt and /etc/polkit-1; but ",
            "turns kernel auditing off",
            "it boots with one of them (kernel auditing off, nothing recorded)",
        ),
        (
            "HVA-201",
            "audit_level = 2, auditd running; but ",
            "turns kernel auditing off",
            "it boots with one of them (kernel auditing off, nothing recorded)",
        ),
        (
            "HVA-043",
            "libvirt confines QEMU with AppArmor, 1 libvirt-<uuid> profile(s) enforcing; but ",
            "keeps apparmor from starting",
            "it boots with one of them (apparmor off, QEMU unconfined)",
        ),
    ],
)
def test_an_unread_grub_line_is_asked(
    host_scan, check: str, now: str, does: str, fail: str
) -> None:
    """R23K-1 (false pass): `GRUB_CMDLINE_LINUX="$(cat /etc/perf-args)"` in /etc/default/grub,
    the next boot's only source, may add `mitigations=off`, `audit=0` or `apparmor=0`;
    hvaudit cannot evaluate a command substitution (parse.host._sh_value) and kept the pass.
    Evidence it cannot settle is a question: one, naming the file and the variable, "yes" the
    secure case."""
    a = _scan(host_scan, ("/etc/default/grub", UNREAD))
    assert outcomes(a, check) == {"hv1": "manual"}
    assert messages(a, check) == {
        "hv1": f"{now}{WHY}, which hvaudit cannot evaluate: whether the next boot's line "
        f"{does} is not known"
    }
    assert _question(a, check) == _asked(does, fail)


def test_an_unread_grub_line_may_override_acs(host_scan) -> None:
    """R23K-1 (false pass) HVA-052 passed "no pcie_acs_override= on the kernel command line"
    with GRUB's only line unread: the next boot may add the override."""
    a = _scan(host_scan, ("/etc/default/grub", UNREAD))
    assert outcomes(a, "HVA-052") == {"hv1": "manual"}
    assert messages(a, "HVA-052") == {
        "hv1": f"no pcie_acs_override= on the running kernel's command line, but {WHY}, which "
        "hvaudit cannot evaluate: whether the next boot's line adds pcie_acs_override= is not "
        "known"
    }
    assert _question(a, "HVA-052") == _asked(
        "overrides ACS", "it boots with one of them (ACS overridden)"
    )


def test_an_unread_grub_line_beside_another_source_is_asked(host_scan) -> None:
    """Beside /etc/kernel/cmdline (proxmox-boot-tool, kernel-install) which source the boot
    loader takes is not read, so the unread GRUB line may be the next boot's: a question
    (R41B-2; this held case kept the pass, the lead R23K-1 left)."""
    a = _scan(
        host_scan,
        ("/etc/default/grub", UNREAD),
        ("/etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet"),
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but {WHY}, which hvaudit cannot evaluate: whether the next boot's "
        "line turns mitigations off is not known"
    }
    assert _question(a, "HVA-181") == _asked(
        "turns mitigations off", "it boots with one of them (the flaw is unmitigated)"
    )


# --- R23K-2: GRUB_CMDLINE_LINUX_RECOVERY is the recovery entries' ----------------------------------


def test_a_recovery_line_leaves_the_normal_line_read(host_scan) -> None:
    """R23K-2 (false pass) HVA-214 passed where GRUB_CMDLINE_LINUX_DEFAULT holds audit=0 beside
    `GRUB_CMDLINE_LINUX_RECOVERY="single"`: the assignment unsettled GRUB's line. GRUB
    util/grub.d/10_linux.in puts it on the recovery entry only (`linux_entry "${OS}"
    "${version}" recovery "${GRUB_CMDLINE_LINUX_RECOVERY} ${GRUB_CMDLINE_LINUX}"`; the normal
    entries take "${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}", read with
    `read_file`), so the normal entries boot with audit=0."""
    a = _scan(
        host_scan,
        (
            "/etc/default/grub",
            'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet audit=0"\n'
            'GRUB_CMDLINE_LINUX_RECOVERY="single"\n',
        ),
    )
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {
        "hv1": "audit rules watch /etc/libvirt and /etc/polkit-1, but the next boot turns "
        "kernel auditing off: audit=0 in /etc/default/grub"
    }


# --- R23K-3: more single-mode parameters, the last word that sets a mode wins -----------------------

LIVE = "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet {}\n"
AFFECTED = (
    VULNS.replace("srbds:Not affected", "srbds:Mitigation: Microcode")
    .replace("gather_data_sampling:Not affected", "gather_data_sampling:Mitigation: Microcode")
    .replace(
        "reg_file_data_sampling:Not affected",
        "reg_file_data_sampling:Mitigation: Clear Register File",
    )
    .replace(
        "spec_store_bypass:Not affected",
        "spec_store_bypass:Mitigation: Speculative Store Bypass disabled via prctl",
    )
)


def _cpu_scan(host_scan, live: str, next_line: str):
    return host_scan(
        {
            "cpu-vulnerabilities": (AFFECTED, 0),
            "/sys/devices/system/cpu/smt/control": "off\n",
            "/proc/cmdline": LIVE.format(live),
            "boot-cmdline": _boot(_grub(next_line), grub=False),
        }
    )


@pytest.mark.parametrize(
    "name",
    [
        "spectre_v2_user",
        "spec_store_bypass_disable",
        "gather_data_sampling",
        "reg_file_data_sampling",
        "srbds",
    ],
)
def test_a_replaced_live_word_does_not_hide_the_next_boots(host_scan, name: str) -> None:
    """R23K-3 (false pass) HVA-181: the running line's `NAME=off NAME=<mode>` runs mitigated
    (the later word's mode is kept), so the next boot's lone `NAME=off` turns the mitigation
    off; it was dropped as already on the live line. bugs.c: spectre_v2_user_parse_cmdline
    (`if (!strcmp(str, "auto")) spectre_v2_user_cmd = SPECTRE_V2_USER_CMD_AUTO; else if
    (!strcmp(str, "off")) ... else pr_err("Ignoring unknown spectre_v2_user option (%s).")`),
    ssb_parse_cmdline (auto, on, off, prctl, seccomp), gds_parse_cmdline (off, force),
    rfds_parse_cmdline (off, on), each an early_param; srbds_parse_cmdline `srbds_off =
    !strcmp(str, "off")`. Before the early_params, spectre_v2_user= and
    spec_store_bypass_disable= were read with arch/x86/lib/cmdline.c cmdline_find_option:
    "if this option is repeated, this returns the last instance on the command line" (all
    read with `find_string` and `read_file`)."""
    mode = {"gather_data_sampling": "force", "srbds": "on"}.get(name, "on")
    a = _cpu_scan(host_scan, f"{name}=off {name}={mode}", f"quiet {name}=off")
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: {name}=off in "
        "/etc/default/grub"
    }


@pytest.mark.parametrize(
    "next_line",
    [
        "quiet spectre_v2_user=off spectre_v2_user=prctl,ibpb",
        "quiet gather_data_sampling=off gather_data_sampling=force",
        "quiet srbds=off srbds=any",
    ],
)
def test_a_replaced_next_boot_off_word_passes(host_scan, next_line: str) -> None:
    """R23K-3 (wrong fail) HVA-181: the next boot's `NAME=off` followed by a word of its name
    that sets a mode boots mitigated (the handlers above assign per word; srbds's any value
    clears srbds_off)."""
    a = _cpu_scan(host_scan, "", next_line)
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}
    assert messages(a, "HVA-181") == {"hv1": NONE}


def test_an_unknown_later_value_keeps_off(host_scan) -> None:
    """Held: `spec_store_bypass_disable=off spec_store_bypass_disable=bogus` keeps off on the
    early_param kernels (ssb_parse_cmdline: "Ignoring unknown spec_store_bypass_disable
    option"), so it still fails."""
    a = _cpu_scan(
        host_scan, "", "quiet spec_store_bypass_disable=off spec_store_bypass_disable=bogus"
    )
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE} now, but the next boot turns mitigations off: "
        "spec_store_bypass_disable=off in /etc/default/grub"
    }


# --- R23K-4, R23K-5: a live word the next boot may lose ----------------------------------------------

GRUB_READ = (
    "GRUB's line as hvaudit read it (/etc/default/grub sets GRUB_CMDLINE_LINUX as "
    f"`{LINE}`, not evaluated)"
)


def test_a_live_lockdown_word_an_unread_grub_line_may_drop_is_asked(host_scan) -> None:
    """R23K-4 (false pass) HVA-040 passed "kernel lockdown 'integrity' enforces signed
    modules" where the running kernel has it from `lockdown=integrity` and GRUB's line, the next
    boot's only source, could not be read: live_word_dropped counted only the read sources, so
    a line that may drop the word kept the pass (R22K-2 asks where a read source lacks it).
    Now the unread line is such a source: R22K-2's question."""
    a = host_scan(
        {
            "/proc/cmdline": LIVE.format("lockdown=integrity"),
            "boot-cmdline": _boot(("/etc/default/grub", UNREAD), grub=False),
        }
    )
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}
    assert messages(a, "HVA-040") == {
        "hv1": "kernel lockdown 'integrity' enforces signed modules; but the running kernel has "
        f"it from lockdown=integrity, not in {GRUB_READ}: unsigned modules can be loaded after "
        "the next boot unless the kernel enforces it by itself"
    }
    assert _question(a, "HVA-040").startswith(
        "Does host hv1's kernel refuse unsigned modules after the next boot, although "
        f"lockdown=integrity is not in {GRUB_READ}? Evidence: "
    )


SMT_Q = "Does host hv1 keep SMT off at the next boot, although no nosmt word is in "


def test_smt_dropped_is_asked_beside_the_next_boots_words(host_scan) -> None:
    """R23K-5 (false pass) HVA-181: where the next boot's line asked about a word turning a
    mitigation off (a word in some sources only), the check returned that question alone and
    dropped R22B-3's: SMT is off now by the live `nosmt`, which neither GRUB's line nor
    /etc/kernel/cmdline keeps, so an attestation answering "it boots GRUB's line" passed a host
    whose mds reports SMT vulnerable after the next boot. Now one joint item asks both."""
    a = host_scan(
        {
            "cpu-vulnerabilities": (VULNS, 0),
            "/sys/devices/system/cpu/smt/control": "off\n",
            "/proc/cmdline": LIVE.format("nosmt"),
            "boot-cmdline": _boot(
                _grub("quiet"), ("/etc/kernel/cmdline", "quiet mitigations=off"), grub=False
            ),
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE}; but the running kernel turned SMT off with nosmt, not in "
        "/etc/default/grub, /etc/kernel/cmdline: mds report SMT vulnerable after the next boot; "
        "but mitigations=off in /etc/kernel/cmdline turns mitigations off at the next boot if "
        "the boot loader takes it"
    }
    q = _question(a, "HVA-181")
    assert q.startswith(f"Is each of these answered yes: (1) {SMT_Q}/etc/default/grub, ")
    assert "(2) Which kernel command line does host hv1 boot with next: " in q


def test_smt_dropped_by_an_unread_grub_line_is_asked(host_scan) -> None:
    """R23K-4/R23K-5 (false pass) HVA-181: SMT off now by `nosmt`, GRUB's line the only
    source and unread: both the SMT question and the next boot's words are asked, in one
    item (joint_question)."""
    a = host_scan(
        {
            "cpu-vulnerabilities": (VULNS, 0),
            "/sys/devices/system/cpu/smt/control": "off\n",
            "/proc/cmdline": LIVE.format("nosmt"),
            "boot-cmdline": _boot(("/etc/default/grub", UNREAD), grub=False),
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE}; but the running kernel turned SMT off with nosmt, not in {GRUB_READ}: "
        f"mds report SMT vulnerable after the next boot; but {WHY}, which hvaudit cannot "
        "evaluate: whether the next boot's line turns mitigations off is not known"
    }
    q = _question(a, "HVA-181")
    assert q.startswith(f"{SMT_Q}{GRUB_READ}, and does the next boot of host hv1 leave out ")
