"""Host-side verdicts fixed in the fourth review of issue 8 (hostauth), beside the third red team's
probes they close (tests/test_redteam3_host_probes.py: H45 .pkla, H53, H54, H56, H58, H59, H60,
H62, H63): the twins and the neighbouring spellings, each through the real host collector
(replayed artefacts), parser and engine, asserting the exact status and a message part."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import HARDENED_HOST, messages, outcomes

RULES = HARDENED_HOST["polkit-rules"][0]
GROUP_OPERATORS = HARDENED_HOST["/etc/group"] + "operators:x:1500:bob,carol,dave\n"


def _file(path: str, *lines: str) -> str:
    """`grep -r -H ""` output of one file."""
    return "".join(f"{path}:{line}\n" for line in lines)


def verdict(a: Any, check_id: str) -> tuple[str, str]:
    return outcomes(a, check_id)["hv1"], messages(a, check_id)["hv1"]


# --- polkit: who a rule lets manage libvirt (HVA-132, HVA-142) -------------------------------------

EVERYONE_RULE = _file(
    "/etc/polkit-1/rules.d/10-libvirt-all.rules",
    "polkit.addRule(function(action, subject) {",
    '  if (action.id == "org.libvirt.unix.manage")',
    "    return polkit.Result.YES;",
    "});",
)


@pytest.mark.parametrize(
    ("extra", "status", "fragment"),
    [
        # no subject test (H60's rule)
        (EVERYONE_RULE, "fail", "10-libvirt-all.rules grant(s) org.libvirt.unix.manage"),
        # subject.local && subject.active: every account with a session at the console
        (
            _file(
                "/etc/polkit-1/rules.d/10-local.rules",
                "polkit.addRule(function(action, subject) {",
                '  if (action.id == "org.libvirt.unix.manage" && subject.local && subject.active)',
                "    return polkit.Result.YES;",
                "});",
            ),
            "fail",
            "10-local.rules grant(s) org.libvirt.unix.manage with no subject test",
        ),
        # AUTH_SELF: the subject's own password is enough, no administrator
        (
            EVERYONE_RULE.replace("Result.YES", "Result.AUTH_SELF_KEEP"),
            "fail",
            "10-libvirt-all.rules grant(s)",
        ),
        # a rule for every org.libvirt. action by prefix, no subject test
        (
            EVERYONE_RULE.replace(
                'action.id == "org.libvirt.unix.manage"',
                'action.id.indexOf("org.libvirt.") == 0',
            ),
            "fail",
            "10-libvirt-all.rules grant(s)",
        ),
        # a .pkla Identity of every user
        (
            _file(
                "/etc/polkit-1/localauthority/50-local.d/all.pkla",
                "[libvirt for everyone]",
                "Identity=unix-user:*",
                "Action=org.libvirt.unix.manage",
                "ResultActive=yes",
            ),
            "fail",
            "all.pkla grant(s) org.libvirt.unix.manage",
        ),
        # the same rule answering AUTH_ADMIN asks for an administrator: no grant
        (
            EVERYONE_RULE.replace("Result.YES", "Result.AUTH_ADMIN"),
            "pass",
            "auth_unix_rw = polkit",
        ),
        # Fedora's stock 50-libvirt.rules: the libvirt group only
        (
            _file(
                "/usr/share/polkit-1/rules.d/50-libvirt.rules",
                "polkit.addRule(function(action, subject) {",
                '    if (action.id == "org.libvirt.unix.manage" &&',
                '        subject.isInGroup("libvirt")) {',
                "            return polkit.Result.YES;",
                "    }",
                "});",
            ),
            "pass",
            "auth_unix_rw = polkit",
        ),
        # a YES for another action with no subject test grants nothing of libvirt's
        (
            EVERYONE_RULE.replace("org.libvirt.unix.manage", "org.freedesktop.login1.reboot"),
            "pass",
            "auth_unix_rw = polkit",
        ),
        # a negated group test guarding the grant: everyone but that group
        (
            EVERYONE_RULE.replace(
                'action.id == "org.libvirt.unix.manage"',
                'action.id == "org.libvirt.unix.manage" && !subject.isInGroup("guests")',
            ),
            "fail",
            "10-libvirt-all.rules grant(s)",
        ),
        # ... guarding a refusal: only the group is granted
        (
            _file(
                "/etc/polkit-1/rules.d/10-libvirt.rules",
                "polkit.addRule(function(action, subject) {",
                '  if (action.id != "org.libvirt.unix.manage") return polkit.Result.NOT_HANDLED;',
                '  if (!subject.isInGroup("libvirt")) return polkit.Result.NO;',
                "  return polkit.Result.YES;",
                "});",
            ),
            "pass",
            "auth_unix_rw = polkit",
        ),
    ],
    ids=[
        "no-subject",
        "local-active",
        "auth-self",
        "prefix",
        "pkla-star",
        "auth-admin",
        "fedora-stock",
        "other-action",
        "negated-grant",
        "negated-refusal",
    ],
)
def test_polkit_manage_grant_to_every_user(
    host_scan, extra: str, status: str, fragment: str
) -> None:
    a = host_scan({"polkit-rules": (extra + RULES, 0)})
    got, msg = verdict(a, "HVA-132")
    assert got == status, msg
    assert fragment in msg, msg


@pytest.mark.parametrize(
    ("extra", "status", "fragment"),
    [
        # the action test outside, the subject test in a nested if: one branch, read whole
        (
            _file(
                "/etc/polkit-1/rules.d/50-site.rules",
                "polkit.addRule(function(action, subject) {",
                '  if (action.id == "org.libvirt.unix.manage") {',
                '    if (subject.isInGroup("operators")) { return polkit.Result.YES; }',
                "  }",
                "});",
            ),
            "fail",
            "bob",
        ),
        # two branches in one function: the libvirt one is what counts (H90's mirror)
        (
            _file(
                "/etc/polkit-1/rules.d/50-site.rules",
                "polkit.addRule(function(action, subject) {",
                '  if (action.id == "org.freedesktop.login1.reboot" && subject.isInGroup("sudo"))',
                "    return polkit.Result.YES;",
                '  if (action.id == "org.libvirt.unix.manage" && subject.isInGroup("operators"))',
                "    return polkit.Result.YES;",
                "});",
            ),
            "fail",
            "bob",
        ),
        # H53's admin rule, through the local authority's AdminIdentities instead
        (
            _file(
                "/etc/polkit-1/localauthority.conf.d/60-operators.conf",
                "[Configuration]",
                "AdminIdentities=unix-group:operators",
            ),
            "fail",
            "bob",
        ),
        # a later file overrides an earlier one (pklocalauthority(8))
        (
            _file(
                "/etc/polkit-1/localauthority.conf.d/60-operators.conf",
                "[Configuration]",
                "AdminIdentities=unix-group:operators",
            )
            + _file(
                "/etc/polkit-1/localauthority.conf.d/70-root.conf",
                "[Configuration]",
                "AdminIdentities=unix-user:0",
            ),
            "pass",
            "2 administrative principal(s)",
        ),
        # upstream's stock admin rule for root only changes nothing
        (
            _file(
                "/usr/share/polkit-1/rules.d/50-default.rules",
                "polkit.addAdminRule(function(action, subject) {",
                '    return ["unix-user:0"];',
                "});",
            ),
            "pass",
            "2 administrative principal(s)",
        ),
        # a grant of every action (no action test) to a group is a grant of libvirt's too
        (
            _file(
                "/etc/polkit-1/rules.d/20-ops.rules",
                "polkit.addRule(function(action, subject) {",
                '  if (subject.isInGroup("operators")) return polkit.Result.YES;',
                "});",
            ),
            "fail",
            "bob",
        ),
        # a .pkla grant to a group by glob cannot be counted: a question, not a pass
        (
            _file(
                "/var/lib/polkit-1/localauthority/10-vendor.d/ops.pkla",
                "[ops]",
                "Identity=unix-group:op*",
                "Action=org.libvirt.unix.*",
                "ResultAny=auth_self_keep",
            ),
            "manual",
            "unix-group:op*",
        ),
        # .pkla with every Result at auth_admin grants nothing
        (
            _file(
                "/etc/polkit-1/localauthority/50-local.d/ops.pkla",
                "[ops]",
                "Identity=unix-group:operators",
                "Action=org.libvirt.unix.manage",
                "ResultAny=auth_admin",
                "ResultActive=auth_admin_keep",
            ),
            "pass",
            "2 administrative principal(s)",
        ),
    ],
    ids=[
        "nested-if",
        "second-branch",
        "admin-identities",
        "admin-identities-overridden",
        "stock-root",
        "all-actions",
        "pkla-glob",
        "pkla-admin",
    ],
)
def test_polkit_administrators(host_scan, extra: str, status: str, fragment: str) -> None:
    a = host_scan({"polkit-rules": (extra + RULES, 0), "/etc/group": GROUP_OPERATORS})
    got, msg = verdict(a, "HVA-142")
    assert got == status, msg
    assert fragment in msg, msg


def test_pkla_file_is_not_read_as_javascript(host_scan) -> None:
    """A .pkla file mentioning libvirt is not a JavaScript rule: its text (a comment naming
    domain_name, here) must not make HVA-131 find a per-VM rule. Without the hardened per-VM
    rule, HVA-131 fails, naming the .pkla's grant of every VM (R18H-5: a .pkla cannot test
    the VM)."""
    pkla = _file(
        "/etc/polkit-1/localauthority/50-local.d/libvirt.pkla",
        '# action.lookup("domain_name") == "web1" is not possible here',
        "[libvirt admins]",
        "Identity=unix-group:libvirt",
        "Action=org.libvirt.api.domain.*",
        "ResultActive=yes",
    )
    a = host_scan({"polkit-rules": (pkla, 0)})
    got, msg = verdict(a, "HVA-131")
    assert got == "fail", msg
    assert msg == (
        "/etc/polkit-1/localauthority/50-local.d/libvirt.pkla grants libvirt domain actions on "
        "every VM to group libvirt (no domain_name or domain_uuid test)"
    ), msg


@pytest.mark.parametrize(
    ("extra", "status", "fragment"),
    [
        # a read grant of every VM to a monitoring group, beside the hardened per-VM rule
        (
            _file(
                "/etc/polkit-1/rules.d/60-monitor.rules",
                "polkit.addRule(function(action, subject) {",
                '  if (action.id == "org.libvirt.api.domain.getattr" && subject.isInGroup("mon"))',
                "    return polkit.Result.YES;",
                "});",
            ),
            "fail",
            "60-monitor.rules grants libvirt domain actions on every VM to group mon",
        ),
        # a grant of libvirt's connection action alone is no domain grant
        (
            _file(
                "/usr/share/polkit-1/rules.d/50-libvirt.rules",
                "polkit.addRule(function(action, subject) {",
                '    if (action.id == "org.libvirt.unix.manage" && subject.isInGroup("libvirt"))',
                "        return polkit.Result.YES;",
                "});",
            ),
            "pass",
            "per-VM rules in /etc/polkit-1/rules.d/80-libvirt-acl.rules",
        ),
        # a refusal of every domain action is no grant
        (
            _file(
                "/etc/polkit-1/rules.d/10-deny.rules",
                "polkit.addRule(function(action, subject) {",
                '  if (action.id.indexOf("org.libvirt.api.domain.") == 0 && subject.isInGroup("x"))',
                "    return polkit.Result.NO;",
                "});",
            ),
            "pass",
            "per-VM rules in",
        ),
    ],
    ids=["read-everything", "connect-only", "deny"],
)
def test_blanket_domain_grants(host_scan, extra: str, status: str, fragment: str) -> None:
    a = host_scan({"polkit-rules": (extra + RULES, 0)})
    got, msg = verdict(a, "HVA-131")
    assert got == status, msg
    assert fragment in msg, msg


# --- HVA-160: DenyUsers root (H59) ----------------------------------------------------------------

SSHD = HARDENED_HOST["sshd-effective"][0]
SSHD_CONFIG = HARDENED_HOST["/etc/ssh/sshd_config"]


@pytest.mark.parametrize(
    ("deny", "config", "status", "fragment"),
    [
        ("denyusers root\n", "", "pass", "DenyUsers root refuses root before any authentication"),
        ("denyusers nobody\ndenyusers r*t\n", "", "pass", "DenyUsers r*t refuses root"),
        # USER@HOST denies root from that host only
        ("denyusers root@10.0.0.5\n", "", "fail", "PermitRootLogin without-password"),
        # a Match block's DenyUsers replaces the global list
        (
            "denyusers root\n",
            "Match Address 192.0.2.0/24\n    DenyUsers nobody\n",
            "fail",
            "Match Address 192.0.2.0/24 (/etc/ssh/sshd_config:",
        ),
        # ... unless the block also says PermitRootLogin no
        (
            "denyusers root\n",
            "Match Address 192.0.2.0/24\n    DenyUsers nobody\n    PermitRootLogin no\n",
            "pass",
            "DenyUsers root",
        ),
    ],
    ids=["root", "pattern", "user-at-host", "match-replaces", "match-replaces-but-no"],
)
def test_deny_users_root(host_scan, deny: str, config: str, status: str, fragment: str) -> None:
    eff = SSHD.replace("permitrootlogin no\n", "permitrootlogin without-password\n" + deny)
    a = host_scan({"sshd-effective": (eff, 0), "/etc/ssh/sshd_config": SSHD_CONFIG + config})
    got, msg = verdict(a, "HVA-160")
    assert got == status, msg
    assert fragment in msg, msg


# --- sshd binaries and Match criteria (H62, H63) ----------------------------------------------------


@pytest.mark.parametrize(
    ("listener", "status"),
    [
        ("sshd: /usr/local/sbin/sshd -D [listener] 0 of 10-100 startups", "manual"),
        ("/opt/hpnssh/sbin/sshd -D -p 2222", "manual"),
        # the distribution's binary under another spelling of the merged /usr
        ("sshd: /usr/bin/sshd -D [listener] 0 of 10-100 startups", "pass"),
        # started on the file hvaudit reads (NixOS's unit passes -f /etc/ssh/sshd_config)
        (
            "sshd: /nix/store/abc-openssh-9.6p1/bin/sshd -D -f /etc/ssh/sshd_config [listener]",
            "pass",
        ),
        # a session process is not a listener binary
        ("sshd: alice@pts/0", "pass"),
    ],
    ids=["usr-local", "opt", "usr-bin", "nixos-f", "session"],
)
def test_other_sshd_binary(host_scan, listener: str, status: str) -> None:
    procs = HARDENED_HOST["processes"][0] + f"  805 root     {listener}\n"
    a = host_scan({"processes": (procs, 0)})
    got, msg = verdict(a, "HVA-160")
    assert got == status, msg
    if status == "manual":
        assert listener.split()[1 if listener.startswith("sshd:") else 0] in msg, msg


def test_quoted_user_list_in_match(host_scan) -> None:
    """`Match User "admin,root"` is the list admin,root once the quotes go (argv_split)."""
    conf = SSHD_CONFIG + 'Match User "admin,root"\n    PermitRootLogin prohibit-password\n'
    a = host_scan({"/etc/ssh/sshd_config": conf})
    got, msg = verdict(a, "HVA-160")
    assert got == "fail", msg
    assert "Match User admin,root" in msg, msg


# --- HVA-214: watches limited to some writers (H54) -------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "status", "fragment"),
    [
        (
            "-a always,exit -F arch=b64 -S all -F dir=/etc/libvirt -F perm=wa -F uid=0 "
            "-F key=libvirt\n-w /etc/polkit-1 -p wa -k polkit\n",
            "fail",
            "no audit watch for writes to /etc/libvirt (2 rule(s) loaded); the rules for it "
            "record only some writers (uid=0)",
        ),
        # a limited rule beside a whole watch of the same tree: the watch records every write
        (
            "-a always,exit -F arch=b64 -S all -F dir=/etc/libvirt -F perm=wa -F auid>=1000 "
            "-F key=x\n-w /etc/libvirt -p wa -k libvirt\n-w /etc/polkit-1 -p wa -k polkit\n",
            "pass",
            "audit rules watch /etc/libvirt and /etc/polkit-1",
        ),
        # the key field limits nothing
        (
            "-a always,exit -S all -F dir=/etc/libvirt -F perm=wa -F key=libvirt\n"
            "-w /etc/polkit-1 -p wa -k polkit\n",
            "pass",
            "audit rules watch",
        ),
    ],
    ids=["uid-0-only", "beside-a-whole-watch", "key-only"],
)
def test_audit_rules_limited_to_writers(host_scan, rules: str, status: str, fragment: str) -> None:
    a = host_scan({"audit-rules": (rules, 0)})
    got, msg = verdict(a, "HVA-214")
    assert got == status, msg
    assert fragment in msg, msg


# --- HVA-180: dnf filters (H58) ---------------------------------------------------------------------

RHEL = {
    "/etc/os-release": 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nVERSION_ID="9.4"\n',
    "apt-upgrade-simulation": None,
    "apt-held": None,
    "dpkg-packages": None,
    "rpm-packages": ("qemu-kvm\t8.2.0-11.el9_4\tii\nlibvirt\t10.0.0-6.el9_4\tii\n", 0),
    "dnf-security-updates": ("", 0),
    # the repositories publish advisories (an unread listing asks, R48S-2)
    "dnf-advisories": ("RHSA-2024:3671 Moderate/Sec. libvirt-10.0.0-6.el9_4.x86_64\n", 0),
    "/etc/dnf/dnf.conf": "[main]\ngpgcheck=1\n",
}
VLOCK_ON = "[main]\nenabled = 1\nlocklist = /etc/dnf/plugins/versionlock.list\n"
VLOCK_LIST = "# Added lock on Mon Nov 30 2026\nqemu-kvm-17:8.2.0-11.el9_4.*\n"


@pytest.mark.parametrize(
    ("files", "status", "fragment"),
    [
        (
            {
                "/etc/dnf/plugins/versionlock.conf": VLOCK_ON,
                "/etc/dnf/plugins/versionlock.list": VLOCK_LIST,
            },
            "fail",
            "1 package(s) kept back or on hold: qemu-kvm (versionlock: qemu-kvm-17:8.2.0-11.el9_4.*)",
        ),
        # the plugin disabled: its list holds nothing
        (
            {
                "/etc/dnf/plugins/versionlock.conf": VLOCK_ON.replace("= 1", "= 0"),
                "/etc/dnf/plugins/versionlock.list": VLOCK_LIST,
            },
            "pass",
            "no pending security update",
        ),
        # excludepkgs, comma-separated
        (
            {"/etc/dnf/dnf.conf": "[main]\nexcludepkgs=kernel*,libvirt\n"},
            "fail",
            "libvirt (dnf.conf excludepkgs=libvirt)",
        ),
        # an exclude that matches no installed package holds nothing back
        (
            {"/etc/dnf/dnf.conf": "[main]\nexclude=firefox*\n"},
            "pass",
            "no pending security update",
        ),
        # includepkgs: every other package is filtered out
        (
            {"/etc/dnf/dnf.conf": "[main]\nincludepkgs=libvirt*\n"},
            "fail",
            "qemu-kvm (not in dnf.conf includepkgs)",
        ),
        # a disabled repository's exclude= filters nothing
        (
            {
                "yum-repos": (
                    "/etc/yum.repos.d/x.repo:[x]\n/etc/yum.repos.d/x.repo:enabled=0\n"
                    "/etc/yum.repos.d/x.repo:exclude=qemu-kvm*\n",
                    0,
                )
            },
            "pass",
            "no pending security update",
        ),
        # the repository files could not be read: a question, not a pass
        (
            {"yum-repos": RuntimeError("timed out after 20s")},
            "manual",
            "/etc/yum.repos.d was not read",
        ),
    ],
    ids=[
        "versionlock",
        "versionlock-off",
        "excludepkgs",
        "not-installed",
        "includepkgs",
        "repo-disabled",
        "repos-unread",
    ],
)
def test_dnf_filters_hold_packages(
    host_scan, files: dict[str, str], status: str, fragment: str
) -> None:
    a = host_scan({**RHEL, **files})
    got, msg = verdict(a, "HVA-180")
    assert got == status, msg
    assert fragment in msg, msg


def test_polkit_rules_unread_is_a_question(host_scan) -> None:
    """auth_unix_rw = polkit lets in whoever the rules grant org.libvirt.unix.manage: with the
    rules unread (grep not there), that is a question, not a pass."""
    from test_manual_questions import shape_problems

    a = host_scan({"polkit-rules": None})
    got, msg = verdict(a, "HVA-132")
    assert got == "manual", msg
    assert "auth_unix_rw = polkit, but the polkit rules were not read" in msg, msg
    (question,) = [r.outcome.question for r in a.results if r.check.id == "HVA-132"]
    assert not shape_problems(question), question


# --- rt4host's batch 1 (H64-H82): neighbours of the probes in tests/test_redteam4_host_probes.py ----

VULNS = "/sys/devices/system/cpu/vulnerabilities/"


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("spec_rstack_overflow:Mitigation: safe RET, no microcode", "fail"),
        ("tsa:Mitigation: Clear CPU buffers", "pass"),
        ("itlb_multihit:KVM: Mitigation: VMX disabled", "pass"),
        ("itlb_multihit:Not affected", "pass"),
    ],
    ids=["srso-no-microcode", "tsa-full", "itlb-vmx-disabled", "itlb-not-affected"],
)
def test_cpu_vulnerability_wordings(host_scan, line: str, status: str) -> None:
    vulns = HARDENED_HOST["cpu-vulnerabilities"][0] + VULNS + line + "\n"
    a = host_scan({"cpu-vulnerabilities": (vulns, 0)})
    got, msg = verdict(a, "HVA-181")
    assert got == status, msg


def test_match_block_inside_an_included_file_inside_a_match_block(host_scan) -> None:
    """A Match inside a file included from a Match block holds where both match (servconf.c
    sInclude keeps the outer block's activity); its PermitRootLogin yes may apply to root."""
    conf = SSHD_CONFIG + "Match Address 10.0.0.0/8\n    Include /etc/ssh/sshd_config.d/x.inc\n"
    dropin = (
        "/etc/ssh/sshd_config.d/x.inc:X11Forwarding no\n"
        "/etc/ssh/sshd_config.d/x.inc:Match User root\n"
        "/etc/ssh/sshd_config.d/x.inc:PermitRootLogin yes\n"
    )
    a = host_scan({"/etc/ssh/sshd_config": conf, "sshd-config-d": (dropin, 0)})
    got, msg = verdict(a, "HVA-160")
    assert got == "fail", msg
    assert "Match Address 10.0.0.0/8 User root (/etc/ssh/sshd_config.d/x.inc:2)" in msg, msg


@pytest.mark.parametrize(("flag", "status"), [("2", "pass"), ("1", "pass"), ("0", "fail")])
def test_audit_enabled_flag(host_scan, flag: str, status: str) -> None:
    """`auditctl -s` enabled 1 or 2 (locked) audits; 0 records nothing (H73's neighbours)."""
    a = host_scan({"audit-status": (f"enabled {flag}\nfailure 1\npid 401\n", 0)})
    got, msg = verdict(a, "HVA-214")
    assert got == status, msg
    if status == "fail":
        assert "switched off at run time (enabled 0" in msg, msg


@pytest.mark.parametrize(
    ("rule", "status", "fragment"),
    [
        # a run-as group of ALL reaches group root (or disk): it counts
        ("deploy ALL=(www-data:ALL) NOPASSWD: ALL", "fail", "deploy"),
        # a run-as account that is itself an administrator counts
        ("deploy ALL=(alice) NOPASSWD: ALL", "fail", "deploy"),
        # the run-as list carries over to later commands; one without a Runas_Spec first is root
        ("deploy ALL=NOPASSWD: /usr/bin/systemctl, (www-data) ALL", "fail", "deploy"),
        ("deploy ALL=(www-data) NOPASSWD: /usr/bin/a, /usr/bin/b", "pass", "3 administrative"),
    ],
    ids=["runas-group-all", "runas-admin", "root-first", "www-data-only"],
)
def test_sudo_runas(host_scan, rule: str, status: str, fragment: str) -> None:
    passwd = HARDENED_HOST["/etc/passwd"] + (
        "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
        "deploy:x:1001:1001::/home/deploy:/usr/sbin/nologin\n"
        "x1:x:1101:1101::/:/bin/sh\nx2:x:1102:1102::/:/bin/sh\n"
    )
    group = HARDENED_HOST["/etc/group"] + "www-data:x:33:\n"
    sudoers = (
        HARDENED_HOST["sudoers"][0]
        + f"/etc/sudoers.d/svc:{rule}\n"
        + "/etc/sudoers.d/svc:x1 ALL=(ALL) ALL\n"
    )
    a = host_scan({"sudoers": (sudoers, 0), "/etc/passwd": passwd, "/etc/group": group})
    got, msg = verdict(a, "HVA-142")
    assert got == status, msg
    assert fragment in msg, msg


def test_sssd_simple_without_allow_list(host_scan) -> None:
    """sssd-simple(5): with no allow list (a deny list only) everyone else is granted access."""
    conf = (
        "[sssd]\ndomains = corp.example\nservices = nss, pam\n\n[domain/corp.example]\n"
        "id_provider = ad\naccess_provider = simple\nsimple_deny_users = guest\n"
    )
    a = host_scan({"/etc/sssd/sssd.conf": conf})
    got, msg = verdict(a, "HVA-140")
    assert got == "fail", msg
    assert "corp.example (access_provider simple without an allow list)" in msg, msg


def test_sssd_with_an_allow_list_counts_local_accounts_only(host_scan) -> None:
    conf = (
        "[sssd]\ndomains = corp.example\nservices = nss, pam\n\n[domain/corp.example]\n"
        "id_provider = ad\naccess_provider = simple\nsimple_allow_groups = hv-admins\n"
    )
    a = host_scan({"/etc/sssd/sssd.conf": conf})
    got, msg = verdict(a, "HVA-140")
    assert got == "pass", msg


@pytest.mark.parametrize(
    ("hosts", "status"),
    [
        ("db01,db02.example.org", "pass"),
        ("db01,hv1", "fail"),
        ("DBHOSTS", "fail"),  # a Host_Alias hvaudit does not expand may name this host
        ("10.0.0.10", "fail"),  # an address may be this host's
    ],
    ids=["other-hosts", "this-host-listed", "alias", "address"],
)
def test_sudoers_host_list(host_scan, hosts: str, status: str) -> None:
    """sudoers(5) 'who where = (as_whom) what' (H106's neighbours): only plain names of other
    hosts rule a specification out."""
    passwd = HARDENED_HOST["/etc/passwd"] + (
        "bob:x:1001:1001:Bob:/home/bob:/bin/bash\ncarol:x:1002:1002:Carol:/home/carol:/bin/bash\n"
    )
    sudoers = HARDENED_HOST["sudoers"][0] + f"/etc/sudoers.d/x:bob,carol {hosts}=(ALL:ALL) ALL\n"
    a = host_scan({"sudoers": (sudoers, 0), "/etc/passwd": passwd})
    got, msg = verdict(a, "HVA-142")
    assert got == status, msg


def test_repository_filter_beside_other_repositories_is_a_question(host_scan) -> None:
    """A repository's includepkgs/exclude filters that repository only (dnf.conf(5)); with two
    enabled repositories, whether the other provides qemu-kvm's updates is not in the evidence."""
    repos = (
        "/etc/yum.repos.d/a.repo:[appstream]\n/etc/yum.repos.d/a.repo:enabled=1\n"
        "/etc/yum.repos.d/e.repo:[epel]\n/etc/yum.repos.d/e.repo:includepkgs=htop*\n"
    )
    a = host_scan({**RHEL, "yum-repos": (repos, 0)})
    got, msg = verdict(a, "HVA-180")
    assert got == "manual", msg
    assert "qemu-kvm (repository epel: not in includepkgs)" in msg, msg
