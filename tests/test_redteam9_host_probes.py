"""Ninth red-team review, host side (rt9host): new probes of the least-probed host checks and
the leads round 8 left.

Same harness as tests/test_redteam8_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message. Where hvaudit
is wrong and not fixed the probe is `xfail(strict=True, reason="R9H-<n>: ...")`. None repeats a
probe of the first eight red teams (tests/test_redteam*_probes.py, test_host_verdicts2..5.py).

Findings:
- R9H-1 (false pass, round 8's lead (a)) HVA-214 passed "audit rules watch /etc/libvirt and
  /etc/polkit-1" while auditd was not running (the kernel only printk()s the records,
  rate-limited) or wrote no log (write_logs = no, no plugin active): now a fail each; with an
  active plugin, a question naming it. Fixed.
- R9H-2 (wrong fail, round 8's lead (d)) HVA-151 failed "publickey,keyboard-interactive alone
  logs in" for AuthenticationMethods publickey,keyboard-interactive over a PAM stack `auth
  sufficient pam_unix` then `auth required pam_u2f`: every way through that stack proves a
  password or a token, so every login is a key plus a second factor of another kind. hvaudit
  asked for one factor kind present on every run of the stack. Now a pass naming both; the same
  stack behind keyboard-interactive alone still fails (a password alone logs in). Fixed.
- R9H-3 (false pass, round 8's lead (c)) HVA-161 passed `AllowGroups users` on a SUSE host
  where users (gid 100) is the primary group of every local login account (useradd's GROUP
  default): sshd matches the primary group too, so the list admits everyone. Now a fail naming
  the group and the accounts; a group whose members are listed keeps its pass. Fixed.
- R9H-4 (false pass, round 8's lead (b)) HVA-230 passed a bond whose members were the two
  ports of one dual-controller card with its own PCIe switch (0000:3c:00.0 and 0000:3d:00.0:
  two buses, one slot): members were told apart by bus:device only. The interfaces' sysfs
  paths are now collected (`ls -l /sys/class/net`, read-only): members below different root
  ports pass, members all below one root port are a question, paths not read a question.
  Fixed.
- R9H-5 (false pass) HVA-040 passed "kernel lockdown 'integrity' enforces signed modules" on a
  kernel without /sys/module/module/parameters/sig_enforce, i.e. built without
  CONFIG_MODULE_SIG, where lockdown checks no module signature at all: now a question (the
  kernel may have no loadable modules either, which the evidence does not tell). Fixed.
- R9H-6 (false pass) HVA-033 passed while redis-server listened on 127.0.0.1:6379 and
  net.ipv4.conf.br0.route_localnet was 1: the kernel then routes 127/8 arriving on br0, so the
  segment's neighbours reach it (CVE-2020-8558's mechanism). route_localnet is now collected
  read-only (grep of /proc/sys/net/ipv4/conf); a loopback listener of an unapproved process
  fails where it is on, is a question where it was not read. Fixed.
- R9H-7 (false pass, R9H-6's twin) HVA-210 passed a QEMU VNC listener on 127.0.0.1:5900 with
  route_localnet = 1 on the VM bridge br0: every guest on br0 reaches it. Now a fail naming
  the listener and the interface. Fixed where route_localnet was read (unread, the pass stays:
  see the report); the VM console checks (HVA-031, is_local_address) still take 127/8 as local.
- R9H-8 (false pass) HVA-182 passed "1 QEMU process(es) run the installed binary" while the
  QEMU process still mapped a shared library an update replaced (libgnutls.so.30 (deleted) in
  /proc/PID/maps: the TLS of its VNC and migration unpatched until a restart); only
  /proc/PID/exe was read. The maps' deleted entries are now collected read-only per QEMU
  process; a replaced .so fails, unlinked guest memory does not count, maps unread ask. Fixed.
- R9H-9 (false pass) HVA-041 passed "taint value 2: no unreviewed module loaded": bit 1 (F) is
  a module force-loaded past the kernel's version checks (`insmod -f`), one not built for this
  kernel, and on a kernel without CONFIG_MODULE_SIG no E bit comes with it. Now a fail. Fixed.
"""

from __future__ import annotations

from conftest import HARDENED_HOST, IP_LINK, messages, outcomes

# --- HVA-214: the watches' records must be kept (lead (a)) --------------------------------------

AUDITD_NO_LOGS = "local_events = yes\nwrite_logs = no\nlog_file = /var/log/audit/audit.log\n"
NO_AUDITD = (
    "    1 root     /sbin/init\n  700 root     /usr/sbin/libvirtd --timeout 120\n"
    "  800 root     sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\n",
    0,
)


def test_audit_watches_without_auditd(host_scan) -> None:
    """R9H-1. The rules are in the kernel (`auditctl -l` lists them), but no auditd runs. Linux
    kernel/audit.c (read with `find_string`): with no auditd connection a record goes to
    kauditd_hold_skb, which "try[s] to send the message via printk" (kauditd_printk_skb:
    `if (printk_ratelimit()) pr_notice(...) else audit_log_lost("printk limit exceeded")`) and
    holds it only up to the backlog limit. Writes to /etc/libvirt beyond printk's rate limit are
    never recorded. HVA-201 already fails the same host ("auditd is not running"); HVA-214
    passed. Right: fail."""
    a = host_scan({"processes": NO_AUDITD})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214")["hv1"] == (
        "audit rules watch /etc/libvirt and /etc/polkit-1, but auditd is not running: the "
        "kernel only prints their records to its log, rate-limited, and drops the rest"
    )


def test_audit_watches_with_auditd_writing_no_log(host_scan) -> None:
    """R9H-1, second spelling. auditd.conf(5): "write_logs: This yes/no keyword determines
    whether or not to write logs to the disk"; with no plugin `active = yes`
    (auditd-plugins(5)) every record the watches write is discarded. HVA-214 passed. Right:
    fail."""
    a = host_scan({"/etc/audit/auditd.conf": AUDITD_NO_LOGS})
    assert outcomes(a, "HVA-214") == {"hv1": "fail"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214")["hv1"] == (
        "audit rules watch /etc/libvirt and /etc/polkit-1, but auditd writes no log "
        "(write_logs = no) and no dispatcher plugin is active: their records are discarded"
    )


def test_audit_watches_with_only_a_plugin_are_asked(host_scan) -> None:
    """Twin of R9H-1: write_logs = no with au-remote active: the records go where the plugin
    sends them, which the bundle does not show: a question naming it."""
    plugins = ("/etc/audit/plugins.d/au-remote.conf:active = yes\n", 0)
    a = host_scan({"/etc/audit/auditd.conf": AUDITD_NO_LOGS, "audit-plugins": plugins})
    assert outcomes(a, "HVA-214") == {"hv1": "manual"}, messages(a, "HVA-214")
    assert messages(a, "HVA-214")["hv1"] == (
        "audit rules watch /etc/libvirt and /etc/polkit-1, but auditd writes no log "
        "(write_logs = no); only its active plugin(s) au-remote receive their records"
    )


def test_audit_watches_with_auditd_logging_pass(host_scan) -> None:
    """Twin of R9H-1: auditd running, write_logs = yes (or no auditd.conf: the default yes):
    pass, unchanged."""
    for conf in (AUDITD_NO_LOGS.replace("= no", "= yes"), None):
        a = host_scan({"/etc/audit/auditd.conf": conf})
        assert outcomes(a, "HVA-214") == {"hv1": "pass"}, messages(a, "HVA-214")
        assert messages(a, "HVA-214")["hv1"] == "audit rules watch /etc/libvirt and /etc/polkit-1"


# --- HVA-151: a second factor that differs between runs of the PAM stack (lead (d)) ------------

EITHER_STACK = "auth sufficient pam_unix.so\nauth required pam_u2f.so cue\n"


def test_key_then_password_or_token_is_two_factors(host_scan) -> None:
    """R9H-2. sshd_config(5) AuthenticationMethods: "publickey,keyboard-interactive" requires
    both methods to succeed, in order; UsePAM runs the auth stack for keyboard-interactive.
    pam.conf(5): sufficient "if such a module succeeds and no prior required module has failed
    the PAM framework returns success to the application ... immediately"; on its failure the
    stack goes on, so pam_u2f (required) decides. The runs that log in: key + password (pam_unix
    succeeds) or key + token (pam_u2f succeeds): a second factor of another kind on each, as
    the check's docstring asks (possession by key plus knowledge or OTP). hvaudit failed it
    because neither kind is on every run. Right: pass."""
    a = host_scan({"/etc/pam.d/sshd": EITHER_STACK})
    assert outcomes(a, "HVA-151") == {"hv1": "pass"}, messages(a, "HVA-151")
    assert messages(a, "HVA-151")["hv1"] == (
        "every SSH login needs two factors: AuthenticationMethods "
        "publickey,keyboard-interactive, PAM requires pam_unix (knowledge) or pam_u2f (otp)"
    )


def test_password_or_token_alone_stays_one_factor(host_scan) -> None:
    """Twin of R9H-2: the same stack behind keyboard-interactive alone lets a password alone in
    (pam_unix sufficient): fail, as before."""
    eff = HARDENED_HOST["sshd-effective"][0].replace(
        "authenticationmethods publickey,keyboard-interactive",
        "authenticationmethods keyboard-interactive",
    )
    a = host_scan({"/etc/pam.d/sshd": EITHER_STACK, "sshd-effective": (eff, 0)})
    assert outcomes(a, "HVA-151") == {"hv1": "fail"}, messages(a, "HVA-151")
    assert messages(a, "HVA-151")["hv1"] == (
        "SSH logins need a single factor: keyboard-interactive alone logs in "
        "(AuthenticationMethods keyboard-interactive); pam_u2f (required) does not fail the "
        "login when the factor is missing"
    )


def test_key_then_a_stack_that_may_prove_nothing_fails(host_scan) -> None:
    """Twin of R9H-2: `auth sufficient pam_unix` then `auth optional pam_u2f` then `auth
    required pam_permit`: with both failing, pam_permit lets the run succeed (pam.conf(5)
    optional: its failure is ignored), so a key alone logs in: fail."""
    stack = "auth sufficient pam_unix.so\nauth optional pam_u2f.so\nauth required pam_permit.so\n"
    a = host_scan({"/etc/pam.d/sshd": stack})
    assert outcomes(a, "HVA-151") == {"hv1": "fail"}, messages(a, "HVA-151")
    assert messages(a, "HVA-151")["hv1"] == (
        "SSH logins need a single factor: publickey,keyboard-interactive alone logs in "
        "(AuthenticationMethods publickey,keyboard-interactive); PAM's auth stack is not run "
        "for public-key logins; pam_u2f (optional) does not fail the login when the factor is "
        "missing"
    )


# --- HVA-161: AllowGroups naming every account's primary group (lead (c)) -----------------------

SUSE_PASSWD = (
    "root:x:0:0:root:/root:/bin/bash\n"
    "alice:x:1000:100:Alice Admin:/home/alice:/bin/bash\n"
    "bob:x:1001:100:Bob Builder:/home/bob:/bin/bash\n"
    "carol:x:1002:100:Carol Clerk:/home/carol:/bin/bash\n"
)
SUSE_GROUP = "root:x:0:\nusers:x:100:\nwheel:x:10:alice\nsshadmins:x:1500:alice\n"


def _allow_groups(groups: str) -> dict[str, object]:
    eff = HARDENED_HOST["sshd-effective"][0].replace(
        "allowgroups sshadmins", f"allowgroups {groups}"
    )
    return {
        "/etc/passwd": SUSE_PASSWD,
        "/etc/group": SUSE_GROUP,
        "sshd-effective": (eff, 0),
        "/etc/ssh/sshd_config": HARDENED_HOST["/etc/ssh/sshd_config"].replace(
            "AllowGroups sshadmins", f"AllowGroups {groups}"
        ),
    }


def test_allow_groups_users_admits_every_account(host_scan) -> None:
    """R9H-3. A SUSE host: useradd(8) with USERGROUPS_ENAB no gives each new account "the GROUP
    variable in /etc/default/useradd, or 100 by default" (found with `find_string`), the group
    `users`. sshd matches AllowGroups against the primary group as well (OpenSSH
    groupaccess.c ga_init: getgrouplist(user, base, ...) with base = pw->pw_gid, read with
    `find_string`), so `AllowGroups users` admits alice, bob and carol and every account created
    later: no named list. hvaudit passed "allowgroups users". Right: fail."""
    a = host_scan(_allow_groups("users"))
    assert outcomes(a, "HVA-161") == {"hv1": "fail"}, messages(a, "HVA-161")
    assert messages(a, "HVA-161")["hv1"] == (
        "AllowGroups users: users (gid 100) is the primary group of every local login account "
        "of uid 1000 and up (alice, bob, carol): it admits every account, not named "
        "administrators"
    )


def test_allow_groups_of_named_members_keeps_the_pass(host_scan) -> None:
    """Twin of R9H-3: on the same host `AllowGroups sshadmins` (alice listed, no one's primary
    group) names its members: pass, as before."""
    a = host_scan(_allow_groups("sshadmins"))
    assert outcomes(a, "HVA-161") == {"hv1": "pass"}, messages(a, "HVA-161")
    assert messages(a, "HVA-161")["hv1"] == "allowgroups sshadmins"


# --- HVA-230: two ports of one card behind its own PCIe switch (lead (b)) -----------------------


def _net_devices(eno1: str, eno2: str) -> tuple[str, int]:
    """`ls -l /sys/class/net` with eno1 and eno2 at the given /sys/devices paths."""
    return (
        "lrwxrwxrwx 1 root root 0 Nov 27 04:00 bond0 -> ../../devices/virtual/net/bond0\n"
        f"lrwxrwxrwx 1 root root 0 Nov 27 04:00 eno1 -> ../../devices/{eno1}/net/eno1\n"
        f"lrwxrwxrwx 1 root root 0 Nov 27 04:00 eno2 -> ../../devices/{eno2}/net/eno2\n",
        0,
    )


#: One dual-controller card in root port 0000:3a:00.0: its PCIe switch's upstream port
#: 0000:3b:00.0 and downstream ports 0000:3c:00.0, 0000:3c:01.0, a controller behind each.
ONE_CARD_PATHS = _net_devices(
    "pci0000:3a/0000:3a:00.0/0000:3b:00.0/0000:3c:00.0/0000:3d:00.0",
    "pci0000:3a/0000:3a:00.0/0000:3b:00.0/0000:3c:01.0/0000:3e:00.0",
)


def _switched_links() -> str:
    return IP_LINK.replace('"0000:3b:00.0"', '"0000:3d:00.0"').replace(
        '"0000:5e:00.0"', '"0000:3e:00.0"'
    )


def test_two_ports_behind_one_cards_switch_are_asked(host_scan) -> None:
    """R9H-4. A dual-port card built from two single-port controllers behind an on-card PCIe
    switch (a PLX/PEX bridge) shows its ports as 0000:3d:00.0 and 0000:3e:00.0: two buses, each
    behind a downstream port of the switch, all in one slot (one root port, 0000:3a:00.0). The
    card fails as one. sysfs-class-net (Linux Documentation/ABI/testing/sysfs-class-net):
    /sys/class/net/<iface> is a symlink to the device's directory in /sys/devices, whose path
    runs through every PCI bridge above it. hvaudit compared bus:device (3d:00 vs 3e:00) and
    passed. Two cards behind a switch on the main board look the same, so the right verdict is
    a question, not a fail."""
    a = host_scan({"ip-link": (_switched_links(), 0), "net-devices": ONE_CARD_PATHS})
    assert outcomes(a, "HVA-230") == {"hv1": "manual"}, messages(a, "HVA-230")
    assert messages(a, "HVA-230")["hv1"] == (
        "bond members on different PCI devices, all below one PCIe root port: bond0 (eno1, "
        "eno2 below 0000:3a:00.0)"
    )


def test_bond_paths_not_collected_are_asked(host_scan) -> None:
    """Twin of R9H-4: `ls -l /sys/class/net` failed (or an older collector did not run it):
    members on two buses may be one card: a question, never the pass."""
    a = host_scan({"net-devices": ("", 2, "ls: cannot access '/sys/class/net'\n")})
    assert outcomes(a, "HVA-230") == {"hv1": "manual"}, messages(a, "HVA-230")
    assert messages(a, "HVA-230")["hv1"] == (
        "bond members of bond0 are on different PCI devices, but the PCI bridges above them "
        "were not read (`ls -l /sys/class/net` exited 2)"
    )


def test_bond_members_below_two_root_ports_pass(host_scan) -> None:
    """Twin of R9H-4: the hardened host's eno1 and eno2 hang below root ports 0000:3a:00.0 and
    0000:5d:00.0 (two slots), and two on-board NICs on the root complex itself (0000:00:19.0,
    0000:00:1f.6) are two devices: pass."""
    a = host_scan()
    assert outcomes(a, "HVA-230") == {"hv1": "pass"}, messages(a, "HVA-230")
    assert messages(a, "HVA-230")["hv1"] == "1 bond(s), members on different adapters"
    links = IP_LINK.replace('"0000:3b:00.0"', '"0000:00:19.0"').replace(
        '"0000:5e:00.0"', '"0000:00:1f.6"'
    )
    paths = _net_devices("pci0000:00/0000:00:19.0", "pci0000:00/0000:00:1f.6")
    a = host_scan({"ip-link": (links, 0), "net-devices": paths})
    assert outcomes(a, "HVA-230") == {"hv1": "pass"}, messages(a, "HVA-230")


# --- HVA-040: lockdown on a kernel that checks no module signature ------------------------------


def test_lockdown_without_module_signing_is_asked(host_scan) -> None:
    """R9H-5. Linux kernel/module/Makefile: `obj-$(CONFIG_MODULE_SIG) += signing.o`; signing.c
    defines both the sig_enforce parameter and module_sig_check, the only caller of
    security_locked_down(LOCKDOWN_MODULE_SIGNATURE); kernel/module/internal.h: without
    CONFIG_MODULE_SIG, `static inline int module_sig_check(...) { return 0; }` (both read with
    `find_string`). So a kernel with no /sys/module/module/parameters/sig_enforce loads any
    module whatever lockdown says. hvaudit passed "kernel lockdown 'integrity' enforces signed
    modules". A kernel without CONFIG_MODULES has no sig_enforce either and loads nothing, so
    the right verdict is a question."""
    a = host_scan(
        {
            "/sys/module/module/parameters/sig_enforce": None,
            "/sys/kernel/security/lockdown": "none [integrity] confidentiality\n",
        }
    )
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040")["hv1"] == (
        "kernel lockdown 'integrity', but the kernel has no sig_enforce parameter: it was built "
        "without module signing (CONFIG_MODULE_SIG), so lockdown checks no module's signature, "
        "or without loadable modules"
    )


def test_lockdown_with_module_signing_passes(host_scan) -> None:
    """Twin of R9H-5: sig_enforce N (signing built, not forced) under lockdown integrity: the
    lockdown refuses unsigned modules (signing.c module_sig_check): pass, unchanged."""
    a = host_scan({"/sys/kernel/security/lockdown": "none [integrity] confidentiality\n"})
    assert outcomes(a, "HVA-040") == {"hv1": "pass"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040")["hv1"] == "kernel lockdown 'integrity' enforces signed modules"


# --- HVA-033: 127/8 routed from the network (route_localnet) -------------------------------------

LISTENERS_WITH_REDIS = (
    HARDENED_HOST["listeners"][0]
    + "tcp   LISTEN 0      511        127.0.0.1:6379      0.0.0.0:*    "
    'users:(("redis-server",pid=900,fd=6))\n',
    0,
)


def test_loopback_listener_with_route_localnet_is_exposed(host_scan) -> None:
    """R9H-6. Linux Documentation/networking/ip-sysctl.rst (read with `find_string`):
    route_localnet "Do not consider loopback addresses as martian source or destination while
    routing. This enables the use of 127/8 for local routing purposes. default FALSE"; the kernel
    applies it per interface OR `all`. With it on br0, a machine on br0's segment that sends a
    packet for 127.0.0.1 to the host's MAC reaches redis-server on 127.0.0.1:6379 (kube-proxy set
    it and this was CVE-2020-8558, kubernetes issue 90259, found with `find_string`). hvaudit took
    127.0.0.1 as local only and passed "1 non-loopback listener(s), all approved". Right: fail
    naming redis and the interface."""
    localnet = (
        "/proc/sys/net/ipv4/conf/all/route_localnet:0\n"
        "/proc/sys/net/ipv4/conf/br0/route_localnet:1\n"
        "/proc/sys/net/ipv4/conf/lo/route_localnet:0\n",
        0,
    )
    a = host_scan({"listeners": LISTENERS_WITH_REDIS, "route-localnet": localnet})
    assert outcomes(a, "HVA-033") == {"hv1": "fail"}, messages(a, "HVA-033")
    assert messages(a, "HVA-033")["hv1"] == (
        "unapproved listeners: redis-server (tcp/6379) (route_localnet = 1 on br0: 127/8 is "
        "reachable from the network)"
    )


def test_loopback_listener_with_route_localnet_unread_is_asked(host_scan) -> None:
    """Twin of R9H-6: route_localnet not read (grep failed): an unapproved 127.0.0.1 listener
    is a question, not a pass."""
    a = host_scan(
        {"listeners": LISTENERS_WITH_REDIS, "route-localnet": ("", 2, "grep: permission\n")}
    )
    assert outcomes(a, "HVA-033") == {"hv1": "manual"}, messages(a, "HVA-033")
    assert messages(a, "HVA-033")["hv1"] == (
        "unapproved listeners on 127/8: redis-server (tcp/6379); whether the kernel routes 127/8 "
        "from the network is not known (net.ipv4.conf.*.route_localnet was not read (exited 2))"
    )


def test_loopback_listener_with_route_localnet_off_passes(host_scan) -> None:
    """Twin of R9H-6: route_localnet 0 everywhere (the default; lo's value does not matter):
    127.0.0.1 stays local: pass, as before."""
    a = host_scan({"listeners": LISTENERS_WITH_REDIS})
    assert outcomes(a, "HVA-033") == {"hv1": "pass"}, messages(a, "HVA-033")
    assert messages(a, "HVA-033")["hv1"] == "1 non-loopback listener(s), all approved"


ROUTE_LOCALNET_BR0 = (
    "/proc/sys/net/ipv4/conf/all/route_localnet:0\n/proc/sys/net/ipv4/conf/br0/route_localnet:1\n",
    0,
)


def test_management_listener_on_loopback_routed_from_the_vm_bridge(host_scan) -> None:
    """R9H-7. QEMU's VNC server on 127.0.0.1:5900 (a management interface of its VM, HVA-210's
    docstring) while net.ipv4.conf.br0.route_localnet = 1: ip-sysctl.rst route_localnet "Do not
    consider loopback addresses as martian source or destination while routing", so a guest on
    br0 that sends to 127.0.0.1 through the host's MAC reaches the console. hvaudit passed "1
    management listener(s), none on a wildcard address". Right: fail naming it and br0."""
    listeners = (
        HARDENED_HOST["listeners"][0]
        + "tcp   LISTEN 0      1          127.0.0.1:5900      0.0.0.0:*    "
        'users:(("qemu-system-x86",pid=1200,fd=20))\n',
        0,
    )
    a = host_scan({"listeners": listeners, "route-localnet": ROUTE_LOCALNET_BR0})
    assert outcomes(a, "HVA-210") == {"hv1": "fail"}, messages(a, "HVA-210")
    assert messages(a, "HVA-210")["hv1"] == (
        "listening on 127/8, which route_localnet = 1 on br0 opens to the network: "
        "qemu-system-x86 (tcp/5900) on 127.0.0.1"
    )
    a = host_scan({"listeners": listeners})
    assert outcomes(a, "HVA-210") == {"hv1": "pass"}, messages(a, "HVA-210")


# --- HVA-182: a replaced shared library still mapped ---------------------------------------------


def test_qemu_mapping_a_replaced_library_is_not_patched(host_scan) -> None:
    """R9H-8. proc(5) /proc/pid/maps: the pathname column of a mapped file, with " (deleted)"
    after it when the file was unlinked (the Linux kernel's show_map_vma / d_path append it);
    needrestart and checkrestart find processes that still run replaced libraries this way.
    An update of libgnutls30 replaces /usr/lib/x86_64-linux-gnu/libgnutls.so.30.34.3; QEMU
    (pid 1200) keeps the old mapped copy, so its VNC and migration TLS stay unpatched until the
    VM restarts, while /proc/1200/exe (the QEMU binary, not updated) is current. hvaudit passed.
    Right: a fail naming the library; `grep -F ' (deleted)' /proc/PID/maps` is now collected
    read-only per QEMU process."""
    maps = (
        "7f3a1c000000-7f3a1c0a2000 r-xp 00000000 fd:01 1311 "
        "/usr/lib/x86_64-linux-gnu/libgnutls.so.30.34.3 (deleted)\n",
        0,
    )
    a = host_scan({"qemu-maps-1200": maps})
    assert outcomes(a, "HVA-182") == {"hv1": "fail"}, messages(a, "HVA-182")
    assert messages(a, "HVA-182")["hv1"] == (
        "1 QEMU process(es) run shared libraries replaced by an update: web01 "
        "(libgnutls.so.30.34.3)"
    )


def test_qemu_deleted_guest_memory_is_no_stale_library(host_scan) -> None:
    """Twin of R9H-8: guest RAM that libvirt backs with an unlinked file (memfd, hugetlbfs)
    shows as " (deleted)" too and is no update: pass, unchanged."""
    maps = (
        "7f0000000000-7f0040000000 rw-s 00000000 00:01 2048 /memfd:pc.ram (deleted)\n"
        "7e0000000000-7e0040000000 rw-s 00000000 00:2f 9 "
        "/dev/hugepages/libvirt/qemu/1-web01/qemu_back_mem.pc.ram.Ab12 (deleted)\n",
        0,
    )
    a = host_scan({"qemu-maps-1200": maps})
    assert outcomes(a, "HVA-182") == {"hv1": "pass"}, messages(a, "HVA-182")
    assert messages(a, "HVA-182")["hv1"] == "1 QEMU process(es) run the installed binary"


def test_qemu_maps_unread_is_asked(host_scan) -> None:
    """Twin of R9H-8: the maps could not be read (grep exit 2): a question, not the pass."""
    a = host_scan({"qemu-maps-1200": ("", 2, "grep: /proc/1200/maps: Permission denied\n")})
    assert outcomes(a, "HVA-182") == {"hv1": "manual"}, messages(a, "HVA-182")
    assert messages(a, "HVA-182")["hv1"] == (
        "1 QEMU process(es) run the installed binary; the libraries 1 of them map were not "
        "read: web01"
    )


# --- HVA-041: a force-loaded module -------------------------------------------------------------


def test_force_loaded_module_taints(host_scan) -> None:
    """R9H-9. Linux Documentation/admin-guide/tainted-kernels.rst (read with `find_string`):
    bit 1, value 2, "F if any module was force loaded by insmod -f": the module skipped the
    vermagic/modversions checks, so it was built for another kernel, not the distribution's
    module for this one; TAINT_UNSIGNED_MODULE (E) is "Supported only on kernels built with
    CONFIG_MODULE_SIG", so on such a kernel F is the only trace. hvaudit read bits 0, 12, 13 and
    passed "taint value 2: no unreviewed module loaded". Right: fail."""
    a = host_scan({"/proc/sys/kernel/tainted": "2\n"})
    assert outcomes(a, "HVA-041") == {"hv1": "fail"}, messages(a, "HVA-041")
    assert messages(a, "HVA-041")["hv1"] == "kernel tainted (2): force-loaded module (F)"


def test_warning_taint_is_no_module(host_scan) -> None:
    """Twin of R9H-9: bit 9 (W, 512, "kernel issued warning") says nothing of modules: pass."""
    a = host_scan({"/proc/sys/kernel/tainted": "512\n"})
    assert outcomes(a, "HVA-041") == {"hv1": "pass"}, messages(a, "HVA-041")
    assert messages(a, "HVA-041")["hv1"] == "taint value 512: no unreviewed module loaded"
