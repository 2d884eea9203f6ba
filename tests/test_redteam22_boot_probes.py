"""Twenty-second red-team review, host side (rt22boot): the kernel command line, now and next boot.

Harness: as tests/test_redteam21_boot_probes.py (rt21boot) and test_redteam21_boot2_probes.py:
libvirt's test driver serves the VMs, host evidence comes from `ReplayRunner` (conftest's
hardened Debian host, changed only where a probe says so) with the `boot-cmdline` probe's output
built by rt21boot's `_boot`/`_grub`, through the real collector, parser and engine.

Findings (ID-n):
- R22B-1 (false pass) HVA-214 passed "audit rules watch /etc/libvirt and /etc/polkit-1" and
  HVA-201 "audit_level = 2, auditd running" with `audit=0` (or `audit=off`) in the next boot's
  command line (GRUB_CMDLINE_LINUX_DEFAULT, /etc/kernel/cmdline, a loader entry's options):
  only /proc/cmdline was read (_libvirt.kernel_audit_off). kernel-parameters.txt audit= "0 |
  off - kernel audit is disabled and can not be enabled until the next reboot" (read with
  `find_string`). Now a fail naming the word and file where every source adds it, and the
  question "Which kernel command line does host hv1 boot with next?" where one does; a
  question already asked (a boot rules file's `-e 0`, R13H-4) is joined with it
  (_nextboot.with_next_boot, audit_at_next_boot).
- R22B-2 (false pass) HVA-181, HVA-043 and HVA-050 dropped one of two open questions: the
  next boot's question (one source of the next boot's line weakens it, R21B-1/R21B2-1/R21B2-2)
  was put to a pass only, so a CPU question (a kernel that predates vmscape), an unread
  helper's label (virtiofsd) or, for HVA-050, the unreadable allow_unsafe_interrupts (asked of
  a pass only, after the next boot's question had replaced the pass) was asked alone, and an
  attestation answering it "yes" passed the other unasked (base.joint_question: "an item that
  asked only the first of its open questions passed the others unasked"). Now one item asks
  both (_nextboot.ask_with).
- R22B-3 (false pass) HVA-181 passed "none unmitigated" where mds reported "SMT disabled"
  because the running line held `mitigations=auto,nosmt` (or nosmt, l1tf=full,force) and the
  next boot's line dropped it: only words the next boot adds were read. kernel-parameters.txt
  mitigations= "auto,nosmt  Mitigate all CPU vulnerabilities, disabling SMT if needed", l1tf=
  "full,force ... Implies the 'nosmt=force' command line option", "flush,nosmt Disables SMT"
  (read with `search`); with SMT on, bugs.c mds_show_state prints "SMT vulnerable", which
  HVA-181 fails. A unit may still turn SMT off at run time ("SMT control via
  /sys/devices/system/cpu/smt/control is still possible after boot"), so it is the question
  "Does host hv1 keep SMT off at the next boot, although no nosmt word is in ...?"
  (management._smt_off_lost), joined with any other open question.
- R22B-4 (false pass) HVA-214 and HVA-201 (and every next-boot check) passed with
  `GRUB_CMDLINE_LINUX_DEFAULT="quiet \\"audit=0\\""`: _sh_value refused every backslash, the
  line was unsettled, and with no other source next_boot_adds found nothing. POSIX sh 2.2.3
  Double-Quotes: the backslash "shall retain its special meaning as an escape character only
  when followed by one of the following characters: $ ` " \\ <newline>" (read with
  `find_string`); the kernel gets `"audit=0"`, which next_arg unquotes. Now read as sh does:
  a fail naming the word.

Held (kept as tests): `audit=1` in the next boot's line and `audit=0` after `--` (init's, not
the kernel's) keep both passes; a next boot keeping mitigations=auto,nosmt or l1tf=flush,nosmt
keeps HVA-181's pass (SMT off by the running line).

Probed by script, not kept (the verdict was right): `PCIE_ACS_OVERRIDE=downstream` and
`AUDIT=0` in GRUB's line (kernel/params.c parameq matches names case-sensitively: no such
parameter; HVA-052 and HVA-214 pass), `audit=00` (audit_enable takes "0", "off", "1", "on"
only; anything else is an error that leaves auditing on: pass).

Tally: 16 cases in 10 test functions; 13 failed before their fixes (PYTHONPATH=/work/main/src):
R22B-1's 6 on main 506cbea, R22B-2's 3 on main 2f746e0 (R22B-1 landed), R22B-3's 3 on main
f481f6d, R22B-4's 1 on main 129af46; the 3 held cases (2 audit, 1 SMT function) passed
before and after.

Leads left (not settled in the time):
- An unsettled GRUB line alone still keeps every next-boot check's pass (next_boot_adds
  finds no word, so returns None): `$(...)`, `+=`, another variable, a backslash before
  another character. The team must decide: ask (every such host, six checks) or read more
  of sh (R22B-4 reads escapes inside double quotes).
- HVA-052 asks nothing else, so its next-boot question stands alone (no join needed).
- Other dropped words are not judged: intel_iommu=on / amd_iommu=on (the default rests on
  CONFIG_INTEL_IOMMU_DEFAULT_ON, /boot/config-* not read; VFIO then refuses the device rather
  than running it unisolated), module.sig_enforce=1 (HVA-040), lockdown=, apparmor=1 /
  security=apparmor where the kernel's CONFIG_LSM leaves AppArmor out.
- Repeated words: the kernel takes the last `mitigations=` (kernel/cpu.c) and the last
  `intel_iommu=` option, but next_boot_adds judges each word alone and drops a word the live
  line also holds (`w not in now`): a live `mitigations=off mitigations=auto` hides a next
  boot's lone `mitigations=off` (false pass), a next `mitigations=off mitigations=auto` fails
  (wrong fail). Both rare.
- proxmox-boot-tool takes only the first line of /etc/kernel/cmdline (proxmox-kernel-helper
  src/proxmox-boot/zz-proxmox-boot `CMDLINE=$(get_first_line /etc/kernel/cmdline)`, read with
  `read_file` on jiangcuo/proxmox-kernel-helper), kernel-install every line; hvaudit joins
  the lines (a word on line 2 of a Proxmox node's file is a wrong fail). Which loader is in
  use (/etc/kernel/proxmox-boot-uuids, `bootctl status`) is still not read, so disagreeing
  sources ask.
- GRUB_CMDLINE_LINUX_XEN_REPLACE(_DEFAULT) for Xen dom0 entries (20_linux_xen) and
  GRUB_CMDLINE_XEN are not read.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_network_leads import _kernel_without
from test_redteam13_host_probes import BOOT_RULES
from test_redteam20_host4_probes import GPU, GROUPS
from test_redteam21_boot_probes import _boot, _grub
from test_vm_leads import PROCS, VIRTIOFSD

WATCHED = "audit rules watch /etc/libvirt and /etc/polkit-1"
LEVEL = "audit_level = 2, auditd running"


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


# --- HVA-214, HVA-201: audit=0 in the next boot's command line (R22B-1) ---------------------------


@pytest.mark.parametrize(
    ("files", "grub", "shown"),
    [
        ([_grub("quiet audit=0")], False, "audit=0 in /etc/default/grub"),
        (
            [
                (
                    "/etc/default/grub.d/noaudit.cfg",
                    'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX audit=OFF"',
                )
            ],
            True,
            "audit=OFF in /etc/default/grub.d/noaudit.cfg",
        ),
        (
            [("/etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs audit=0")],
            False,
            "audit=0 in /etc/kernel/cmdline",
        ),
        (
            [
                (
                    "/boot/loader/entries/abc-6.8.0.conf",
                    "title Fedora\nlinux /vmlinuz-6.8.0\noptions root=/dev/vda1 ro audit=0",
                )
            ],
            False,
            "audit=0 in /boot/loader/entries/abc-6.8.0.conf",
        ),
    ],
    ids=["grub-default", "grub.d-off", "kernel-cmdline", "bls"],
)
def test_audit_off_at_the_next_boot_fails(host_scan, files, grub: bool, shown: str) -> None:
    """R22B-1 (false pass) HVA-214 and HVA-201 passed on the running boot's auditing where every
    source of the next boot's command line holds audit=0: kernel-parameters.txt audit= "0 | off
    - kernel audit is disabled and can not be enabled until the next reboot" (read with
    `find_string`); kernel/audit.c audit_enable takes "off" in any case (strcasecmp)."""
    a = host_scan({"boot-cmdline": _boot(*files, grub=grub)})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {
        "hv1": f"{WATCHED}, but the next boot turns kernel auditing off: {shown}"
    }
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}
    assert messages(a, "HVA-201") == {
        "hv1": f"{LEVEL}, but the next boot turns kernel auditing off: {shown}"
    }


def test_audit_off_in_one_source_asks(host_scan) -> None:
    """R22B-1: /etc/kernel/cmdline holds audit=off, GRUB's defaults do not (a Proxmox VE node
    on systemd-boot keeps Debian's /etc/default/grub): which one the boot loader takes is not
    in the evidence, so the question."""
    a = host_scan({"boot-cmdline": _boot(("/etc/kernel/cmdline", "root=/dev/sda1 audit=off"))})
    tail = (
        "; but audit=off in /etc/kernel/cmdline turns kernel auditing off at the next boot if "
        "the boot loader takes it"
    )
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    assert messages(a, "HVA-214") == {"hv1": WATCHED + tail}
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}
    assert messages(a, "HVA-201") == {"hv1": LEVEL + tail}
    for check in ("HVA-214", "HVA-201"):
        q = _question(a, check)
        assert q.startswith(
            "Which kernel command line does host hv1 boot with next? audit=off in "
            "/etc/kernel/cmdline, but not in /etc/default/grub."
        )
        assert q.endswith(
            "Pass: it takes none of /etc/kernel/cmdline's words; fail: it boots with one of "
            "them (kernel auditing off, nothing recorded)."
        )


def test_audit_off_in_one_source_joins_the_boot_rules_question(host_scan) -> None:
    """R22B-1: the boot rules' `-e 0` question (R13H-4) stays, and the next boot's audit=off is
    asked with it in one item (base.joint_question): answering the first alone passed the
    second unasked."""
    a = host_scan(
        {
            "audit-rules-files": (BOOT_RULES + "/etc/audit/rules.d/99-finalize.rules:-e 0\n", 0),
            "boot-cmdline": _boot(("/etc/kernel/cmdline", "root=/dev/sda1 audit=off")),
        }
    )
    for check in ("HVA-214", "HVA-201"):
        assert outcomes(a, check) == {"hv1": "manual"}
        assert messages(a, check)["hv1"].endswith(
            "switches auditing off (`-e 0`); but audit=off in /etc/kernel/cmdline turns kernel "
            "auditing off at the next boot if the boot loader takes it"
        )
        q = _question(a, check)
        assert q.startswith("Is each of these answered yes: (1) Does kernel auditing on host hv1")
        assert "; (2) Which kernel command line does host hv1 boot with next: audit=off in " in q


@pytest.mark.parametrize(
    "line", ["quiet audit=1", "quiet -- audit=0"], ids=["audit-1", "after-dashes"]
)
def test_next_boots_that_keep_auditing_pass(host_scan, line: str) -> None:
    """Held: audit=1 keeps auditing on; a word after `--` is init's (kernel/params.c
    parse_args "Stop at --")."""
    a = host_scan({"boot-cmdline": _boot(_grub(line), grub=False)})
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-214") == {"hv1": WATCHED}
    assert outcomes(a, "HVA-201") == {"hv1": "pass"}
    assert messages(a, "HVA-201") == {"hv1": LEVEL}


# --- HVA-181, HVA-043, HVA-050: a question asked now keeps the next boot's (R22B-2) ---------------

#: /etc/kernel/cmdline alone weakens the next boot; Debian's /etc/default/grub does not
ONE_SOURCE = _boot(
    ("/etc/kernel/cmdline", "root=/dev/sda1 mitigations=off apparmor=0 intel_iommu=off")
)
JOINED = "Is each of these answered yes: (1) "
NEXT = "; (2) Which kernel command line does host hv1 boot with next: {} in /etc/kernel/cmdline, "


def test_a_cpu_question_keeps_the_next_boots(host_scan) -> None:
    """R22B-2 (false pass) HVA-181: a kernel that predates vmscape is a question (is this CPU
    unaffected?), and /etc/kernel/cmdline's mitigations=off was dropped from the item: the
    `elif` chain asked the next boot's question only where nothing else was asked, so a "yes"
    to the CPU question passed the next boot's mitigations=off unasked. Now one item asks both
    (base.joint_question)."""
    a = host_scan(
        {"cpu-vulnerabilities": (_kernel_without("vmscape"), 0), "boot-cmdline": ONE_SOURCE}
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}
    assert messages(a, "HVA-181")["hv1"].endswith(
        "reports nothing of vmscape: it predates them, so it neither reports nor mitigates them "
        "on this GenuineIntel CPU; but mitigations=off in /etc/kernel/cmdline turns mitigations "
        "off at the next boot if the boot loader takes it"
    )
    q = _question(a, "HVA-181")
    assert q.startswith(JOINED + "Is this host's CPU unaffected by every one of vmscape: ")
    assert NEXT.format("mitigations=off") in q


def test_a_helper_question_keeps_the_next_boots(host_scan) -> None:
    """R22B-2 (false pass) HVA-043: a virtiofsd whose label was not read is a question, and
    the next boot's apparmor=0 (one source of two) was dropped: _lsm_next_boot turned only a
    pass into the next boot's question. Now one item asks both."""
    a = host_scan({"processes": (PROCS + VIRTIOFSD, 0), "boot-cmdline": ONE_SOURCE})
    assert outcomes(a, "HVA-043") == {"hv1": "manual"}
    assert messages(a, "HVA-043") == {
        "hv1": "helper process(es) libvirt starts for VMs, their confinement not read: "
        "virtiofsd (pid 1301, user root); but apparmor=0 in /etc/kernel/cmdline keeps apparmor "
        "from starting at the next boot if the boot loader takes it"
    }
    q = _question(a, "HVA-043")
    assert q.startswith(JOINED + "Is every QEMU process on host hv1 confined by an AppArmor")
    assert NEXT.format("apparmor=0") in q


def test_the_unsafe_interrupts_question_and_the_next_boots_are_both_asked(host_scan) -> None:
    """R22B-2 (false pass) HVA-050: with allow_unsafe_interrupts unreadable (a question) and
    /etc/kernel/cmdline's intel_iommu=off (one source of two), the next boot's question came
    first and the unsafe-interrupts one was never asked (it was put to a pass only). Now one
    item asks both."""
    a = host_scan(
        {
            "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts": PermissionError(
                "Permission denied"
            ),
            "boot-cmdline": ONE_SOURCE,
        },
        domains=GPU,
    )
    assert outcomes(a, "HVA-050") == {"gpu": "manual"}
    assert messages(a, "HVA-050") == {
        "gpu": f"{GROUPS}; but vfio_iommu_type1.allow_unsafe_interrupts could not be read "
        "(Permission denied); but intel_iommu=off in /etc/kernel/cmdline turns the device's "
        "isolation off at the next boot if the boot loader takes it"
    }
    q = _question(a, "HVA-050")
    assert q.startswith(JOINED + "Does vfio_iommu_type1 on host hv1 refuse an IOMMU without ")
    assert NEXT.format("intel_iommu=off") in q


# --- HVA-181: SMT off now by a word the next boot's line drops (R22B-3) ---------------------------

VULNS = str(HARDENED_HOST["cpu-vulnerabilities"][0]).replace(
    "mds:Not affected", "mds:Mitigation: Clear CPU buffers; SMT disabled"
)
LIVE = "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet {}\n"


def _smt_off_scan(host_scan, live_word: str, next_line: str):
    return host_scan(
        {
            "cpu-vulnerabilities": (VULNS, 0),
            "/sys/devices/system/cpu/smt/control": "off\n",
            "/proc/cmdline": LIVE.format(live_word),
            "boot-cmdline": _boot(_grub(next_line), grub=False),
        }
    )


@pytest.mark.parametrize("live", ["mitigations=auto,nosmt", "nosmt", "l1tf=full,force"])
def test_smt_off_dropped_from_the_next_boot_asks(host_scan, live: str) -> None:
    """R22B-3 (false pass) HVA-181 passed "none unmitigated" where mds reports "SMT disabled"
    because the running line holds `mitigations=auto,nosmt` (or nosmt, l1tf=full,force) and
    the next boot's line (GRUB_CMDLINE_LINUX_DEFAULT="quiet") drops it: kernel-parameters.txt
    mitigations= "auto,nosmt  Mitigate all CPU vulnerabilities, disabling SMT if needed", l1tf=
    "full,force ... Implies the 'nosmt=force' command line option" (read with `search`); with
    SMT on bugs.c mds_show_state prints "SMT vulnerable", which HVA-181 fails. A unit may
    still write off to smt/control ("SMT control via /sys/devices/system/cpu/smt/control is
    still possible after boot"), so the question."""
    a = _smt_off_scan(host_scan, live, "quiet")
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}
    assert messages(a, "HVA-181")["hv1"].endswith(
        f"none unmitigated; but the running kernel turned SMT off with {live}, not in "
        "/etc/default/grub: mds report SMT vulnerable after the next boot"
    )
    assert _question(a, "HVA-181").startswith(
        "Does host hv1 keep SMT off at the next boot, although no nosmt word is in "
        "/etc/default/grub? Evidence: "
    )


def test_smt_off_kept_by_the_next_boot_passes(host_scan) -> None:
    """Held: the next boot's line keeps mitigations=auto,nosmt (or l1tf=flush,nosmt)."""
    for line in ("quiet mitigations=auto,nosmt", "quiet l1tf=flush,nosmt"):
        a = _smt_off_scan(host_scan, "mitigations=auto,nosmt", line)
        assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")


# --- GRUB's line with escaped double quotes (R22B-4) ----------------------------------------------


def test_escaped_quotes_in_grubs_line_are_read(host_scan) -> None:
    """R22B-4 (false pass) `GRUB_CMDLINE_LINUX_DEFAULT="quiet \\"audit=0\\""` left GRUB's line
    unsettled (_sh_value refused every backslash), and with no other source HVA-214 and
    HVA-201 passed. POSIX sh, double quotes: the backslash "shall retain its special meaning
    as an escape character only when followed by one of the following characters: $ ` " \\
    <newline>"; grub-mkconfig runs under /bin/sh, so the `linux` line gets `"audit=0"`, which
    kernel/params.c next_arg unquotes. Now read as sh does: a fail naming the word."""
    a = host_scan({"boot-cmdline": _boot(_grub('quiet \\"audit=0\\"'), grub=False)})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {
        "hv1": f"{WATCHED}, but the next boot turns kernel auditing off: audit=0 in "
        "/etc/default/grub"
    }
    assert outcomes(a, "HVA-201") == {"hv1": "fail"}
