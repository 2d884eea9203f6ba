"""Twentieth red-team review, host side (rt20host).

Same harness as tests/test_redteam18_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message. Earlier rounds
probed the audit watch itself (-w vs -F dir/path, perm, arch, writer fields, never rules for the
whole tree, exclude rules, rules.d order and persistence); this round probed the rest of an exit
rule's syntax: a syscall list beside perm=, and never rules for part of a tree or for some
processes (the ordering the kernel's exit and inode filters give them).

Findings (ID-n):
- R20H-1 (false pass) HVA-214 passed "audit rules watch /etc/libvirt and /etc/polkit-1" for
  `-a always,exit -F arch=b64 -S openat -F dir=/etc/libvirt -F perm=wa` (or `-S chmod,fchmod`):
  the kernel ANDs a rule's syscall list with its fields (kernel/auditsc.c audit_filter_syscall,
  `audit_in_mask(&e->rule, ctx->major) && audit_filter_rules(...)`), so the rule records only
  the calls it names (no unlink, rename, truncate; a chmod rule no write at all). hvaudit took
  any perm= with w as a watch of every write. Now such a rule is no watch: the fail names the
  -S list.
- R20H-2 (false pass) HVA-214 passed beside a never rule for part of the tree
  (`-a never,exit -F dir=/etc/libvirt/qemu` before the watch: the VM definitions unrecorded,
  the exit list stops at the first match; `-F path=/etc/libvirt/qemu.conf` anywhere: an inode
  rule, kernel/auditfilter.c audit_add_rule puts it in audit_inode_hash, and audit_filter_inodes
  runs after the exit list, kernel/auditsc.c audit_take_context) and beside a never rule for
  some processes before the watches (`-a never,exit -F subj_type=crond_t`, Neo23x0/auditd's
  widely copied "Cron jobs fill the logs" rule, found with `find_string`; `-F exe=`, `-F
  auid=unset`, which drops libvirt's daemons' own rewrites of /etc/libvirt/qemu on `virsh
  define`). Now the first fails naming the rule and what it drops; the second is a question
  (which processes the rule matches is not in the evidence). test_host_verdicts3's
  `-F auid=4294967295` never rule ("daemons' events only", pass) is now that question.

Held (kept as tests): `-S all` with perm=wa (R20H-1's edge: pass); never rules for failed calls
(`-F exit=-EPERM`, audit-userspace's 12-ignore-error pattern), for named syscalls (the chrony
adjtimex rule), for another tree (/dev/shm), for reads (perm=r), or listed after the watch on
the exit list (dir= and process fields) keep the pass (R20H-2's edges).

Probed by script, not kept (the verdict was right): a modular host (virtqemud and virtproxyd
running, their sockets enabled, no virtqemud.conf) with access_drivers only in libvirtd.conf:
HVA-130 fails naming virtqemud.conf, HVA-132 reads virtqemud.conf and virtproxyd.conf, HVA-201
and HVA-213 take virtqemud's defaults; qemu.conf's user/group spellings (`+0`, a name of uid 0)
and security_driver are already read as libvirt reads them (HVA-042, HVA-043 from `virsh
capabilities`); sudoers Runas aliases and unknown Runas names count as root (HVA-142).

Tally: 15 cases in 5 test functions; 8 failed on main 334ee42 before the fix (R20H-1 2, R20H-2
6: run with PYTHONPATH=/work/main/src), the 7 held cases passed before and after; one case of
test_host_verdicts3 changed from pass to manual (R20H-2).

Leads left (not settled in the time):
- HVA-214: a never rule limited to named syscalls that write (`-S unlink,rename`) or to
  `success=1` is not taken as suppressing writes (errs towards a pass); a never `-F path=` on
  the watched directory's own inode (a name record of every create or rename in it) is not
  read; an always rule with `-F arch=b64` alone is taken as a watch though compat (32-bit)
  writes escape it.
- HVA-049: modprobe.d `options kvm_intel nested=1` while the loaded module shows N is the next
  load's setting (sysfs only is read for a loaded module); modprobe.d `install` lines passing
  options (`--ignore-install ... allow_unsafe_interrupts=1`) are not read (HVA-050).
- _apparmor_global_mode reads apparmor.mode= words after `--` (init's, kernel/params.c): errs
  towards a fail.
- HVA-030: `--listen` in /etc/default/libvirtd with listen_tcp = 1 while libvirtd is stopped
  (its sockets masked): the next start listens on TCP, and neither a listener nor an enabled
  -tcp socket unit shows it (not probed).
- sshd Match-block values with a trailing comment (R18's lead) unchanged.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes

# --- audit rules (R20H-1, R20H-2) ---------------------------------------------------------------

POLKIT_WATCH = "-w /etc/polkit-1 -p wa -k polkit\n"
WATCHES = "-w /etc/libvirt -p wa -k libvirt-config\n" + POLKIT_WATCH
HARDENED_214 = "audit rules watch /etc/libvirt and /etc/polkit-1"


def _audit(host_scan, rules: str):
    return host_scan({"audit-rules": (rules, 0)})


@pytest.mark.parametrize(
    ("rule", "calls"),
    [
        ("-a always,exit -F arch=b64 -S openat -F dir=/etc/libvirt -F perm=wa -F key=lv", "openat"),
        (
            "-a always,exit -F arch=b64 -S chmod,fchmod -F dir=/etc/libvirt -F perm=wa",
            "chmod,fchmod",
        ),
    ],
)
def test_a_syscall_list_limits_a_perm_rule(host_scan, rule: str, calls: str) -> None:
    """R20H-1 (false pass) HVA-214: a rule's -S list is ANDed with its -F fields, perm= among
    them (kernel/auditsc.c audit_filter_syscall: `audit_in_mask(&e->rule, ctx->major) &&
    audit_filter_rules(...)`, read with `find_string`/`read_file`), so `-S chmod -F perm=wa`
    records a chmod only and `-S openat` no unlink, rename or truncate. hvaudit took any perm=
    with w as a watch of every write and passed."""
    a = _audit(host_scan, rule + "\n" + POLKIT_WATCH)
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    assert messages(a, "HVA-214") == {
        "hv1": "no audit watch for writes to /etc/libvirt (2 rule(s) loaded); the rules for it "
        f"record only the system calls they name (-S {calls})"
    }


def test_a_perm_rule_over_every_syscall_keeps_the_pass(host_scan) -> None:
    """Held (R20H-1's edge): `-S all` (how auditctl -l prints a rule given no -S) with perm=wa
    records every write."""
    a = _audit(host_scan, "-a always,exit -S all -F dir=/etc/libvirt -F perm=wa\n" + POLKIT_WATCH)
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-214") == {"hv1": HARDENED_214}


NEVER_NOTE = (
    " (a never rule wins over the watch: the exit list stops at the first match, an inode rule "
    "of -F path= is applied after it)"
)


@pytest.mark.parametrize(
    ("rules", "what"),
    [
        ("-a never,exit -F dir=/etc/libvirt/qemu\n" + WATCHES, "writes to /etc/libvirt/qemu"),
        (
            WATCHES + "-a never,exit -F path=/etc/libvirt/qemu.conf\n",
            "writes to /etc/libvirt/qemu.conf",
        ),
        (
            "-a exit,never -S all -F dir=/etc/polkit-1/rules.d\n" + WATCHES,
            "writes to /etc/polkit-1/rules.d",
        ),
    ],
)
def test_a_never_rule_for_part_of_the_tree_fails(host_scan, rules: str, what: str) -> None:
    """R20H-2 (false pass) HVA-214: the exit list stops at the first matching rule (auditctl(8)
    never), so `-a never,exit -F dir=/etc/libvirt/qemu` before `-w /etc/libvirt` drops every
    record of the VM definitions; a `-F path=` rule is an inode rule (kernel/auditfilter.c
    audit_add_rule: a watch rule goes to audit_inode_hash) that audit_filter_inodes applies after
    the exit list (kernel/auditsc.c audit_take_context), so it drops qemu.conf's records listed
    after the watch too. hvaudit read only never rules for the whole tree or a parent."""
    a = _audit(host_scan, rules)
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}
    rule = next(r for r in rules.splitlines() if "never" in r)
    assert messages(a, "HVA-214") == {
        "hv1": f"{HARDENED_214}, but `{rule}` drops the records of {what}{NEVER_NOTE}"
    }


@pytest.mark.parametrize(
    ("rule", "fields"),
    [
        # Neo23x0/auditd's best-practice rules: "Cron jobs fill the logs with stuff we normally
        # don't want", listed first "because audit is a first match wins system"
        ("-a never,exit -F subj_type=crond_t", "subj_type=crond_t"),
        ("-a exit,never -F arch=b64 -S all -F exe=/usr/sbin/libvirtd", "exe=/usr/sbin/libvirtd"),
        ("-a never,exit -F dir=/etc/libvirt/qemu -F auid=unset", "auid=unset"),
    ],
)
def test_a_never_rule_for_some_processes_asks(host_scan, rule: str, fields: str) -> None:
    """R20H-2 (false pass) HVA-214: a never rule with process fields before the watches drops
    the records of every write those processes make (a cron job's, libvirtd's own when `virsh
    define` rewrites /etc/libvirt/qemu/*.xml); whether such a process changes the trees is not
    in the evidence: the question, as for an exclude rule (R6-8)."""
    a = _audit(host_scan, rule + "\n" + WATCHES)
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}
    what = (
        "writes to /etc/libvirt/qemu"
        if "dir=" in rule
        else f"writes by the processes it matches ({fields})"
    )
    where = "/etc/libvirt" if "dir=" in rule else "/etc/libvirt and /etc/polkit-1"
    assert messages(a, "HVA-214") == {
        "hv1": f"{HARDENED_214}, but the never rule `{rule}`, listed before the watch of "
        f"{where}, drops the records of {what}"
    }


@pytest.mark.parametrize(
    "rules",
    [
        # failed calls only (audit-userspace rules/12-ignore-error.rules' pattern)
        "-a never,exit -F arch=b32 -S all -F exit=-EPERM\n" + WATCHES,
        # named syscalls that write nothing (the chrony rule of the same ruleset)
        "-a never,exit -F arch=b64 -S adjtimex -F auid=unset -F uid=chrony\n" + WATCHES,
        # another tree
        "-a never,exit -F arch=b64 -F dir=/dev/shm\n" + WATCHES,
        # after the watch on the exit list
        WATCHES + "-a never,exit -F dir=/etc/libvirt/qemu\n",
        WATCHES + "-a never,exit -F subj_type=crond_t\n",
        # reads only
        "-a never,exit -F dir=/etc/libvirt/qemu -F perm=r\n" + WATCHES,
    ],
)
def test_never_rules_that_leave_the_writes_keep_the_pass(host_scan, rules: str) -> None:
    """Held (R20H-2's edges): never rules for failed calls, for named syscalls, for another
    tree, for reads, or listed after the watch on the exit list leave every write recorded."""
    a = _audit(host_scan, rules)
    assert outcomes(a, "HVA-214") == {"hv1": "pass"}
    assert messages(a, "HVA-214") == {"hv1": HARDENED_214}
