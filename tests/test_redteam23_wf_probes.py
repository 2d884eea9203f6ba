"""Red-team round 23: wrong fails the round's false-pass fixes brought to hardened hosts.

Harness: the hardened Debian host replay (conftest `host_scan`: HARDENED_HOST plus overrides,
one plain libvirt test-driver VM web01), each case changing one artefact.

Findings (ID-n):
- R23W-1 (wrong fail; and false pass) HVA-180: R23H-2 ordered kernel releases of one flavour
  by their numbers alone, so RHEL/AlmaLinux's first kernel of a minor release kept by
  installonly_limit (4.18.0-553.el8_10.x86_64, numbers 553, 8, 10, ...) read as newer than the
  running update 4.18.0-553.5.1.el8_10.x86_64 (553, 5, 1, ...): a fully updated, rebooted
  host failed "kernel 4.18.0-553.el8_10.x86_64 is installed but ... runs"; the reverse (the
  update installed, the first kernel running) passed. rpm's rpmio/rpmvercmp.c (read with
  `read_file`, pkg-config's verbatim copy of it): segments are compared in turn, "numeric
  segments are always newer than alpha segments", numbers by value, "whichever version still
  has characters left over wins". Releases are now ordered by their digit and letter runs
  as rpmvercmp orders them.

Held (kept as tests):
- Debian 6.1.0-27/28-amd64 and Proxmox 6.8.12-4/10-pve keep their order (in
  tests/test_redteam23_host_probes.py).
- HVA-200 after R23G-1/R23L-1/R23G-3/R23L-4: Debian's stock syslog-ng.conf (options, `source
  s_src { system(); internal(); };`, the filtered file paths, `file(`tty10`)`, the closing
  `@include "/etc/syslog-ng/conf.d/*.conf"`) with the TLS forward of s_src in conf.d, or in
  place of the @include, still passes.

Probed by script, not kept:
- HVA-180: Debian 6.1.0-27/28-amd64 beside -cloud-amd64, -rt-amd64 and +bpo kernels; RHEL
  5.14.0-427.13.1.el9_4 against 503.11.1.el9_5 and 427.el9; Proxmox 6.8.12-4 against 10-pve:
  ordered right after the fix (and before, but for the .el GA kernel).
- HVA-181/214 GRUB defaults (R23K-1/R23K-4): Debian's stock /etc/default/grub
  (GRUB_DISTRIBUTOR=`lsb_release ...`), the Debian wiki's apparmor.cfg
  (`GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT apparmor=1 security=apparmor"`), a
  CIS `GRUB_CMDLINE_LINUX="audit=1 audit_backlog_limit=8192"`, Debian/Ubuntu cloud grub.d files
  and `export GRUB_CMDLINE_LINUX_DEFAULT=...` are all read (no question).
- HVA-142 (R23A-2): a root:docker 0660 socket with an empty docker group adds no one.

Tally: 4 cases in 2 test functions; 2 failed on main 0d041d5 before the fix.

Leads left (not settled in the time):
- HVA-140 (R23S-2, needless question; a decision): with a global `Subsystem sftp internal-sftp`
  (dev-sec ssh-hardening's choice) and no AllowUsers/AllowGroups, every system account with a
  nologin shell (daemon, bin, sys, www-data, nobody, ...) is named in a question on every such
  host, hardened or not: whether they can authenticate needs /etc/shadow's locked field and
  their authorized_keys, which are not collected. Collecting `passwd -S -a` (status L/NP/P)
  and reading PasswordAuthentication/KbdInteractiveAuthentication would settle most of them.
- HVA-210 (R23N-1, needless question): br0 holding 192.168.1.5 with a VM, policy drop and
  only `iifname "eno3" tcp dport 22 accept` (sshd on 10.0.0.10, eno3) is still asked whether
  the firewall drops br0's connections, which that ruleset settles (no accept matches br0);
  also with `ip saddr 10.0.0.0/24` or `iifname "br0"` on the accept (the latter rightly a
  fail-worthy case). R21N-1's question fires on any accept (firewall_accepts); reading each
  accept's input-interface match for the listener's port (HVA-190's _nft_reach) would settle
  it. Held on the probe: br0 with only an fe80:: address keeps the pass.
- HVA-181/214 (R23K-1): a grub.d line that only reads GRUB_CMDLINE_LINUX (`if [ -z
  "$GRUB_CMDLINE_LINUX" ]; then ...`) is taken as an unread assignment and unsettles the line.
- HVA-202 (R23T-2): a system peer with refid .LOCL. that is an outside server (a LAN server
  running on its own LOCAL driver) fails as "its LOCAL driver, the host's own clock"; the
  message is wrong though the host has no outside reference either.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

# --- HVA-180: RHEL kernel releases ordered as rpm orders them (R23W-1) ----------------------

GA = "4.18.0-553.el8_10.x86_64"
UPDATE = "4.18.0-553.5.1.el8_10.x86_64"


@pytest.mark.parametrize(
    ("running", "status", "message"),
    [
        (UPDATE, "pass", "no pending security update (as of the package lists on the host)"),
        (
            GA,
            "fail",
            f"kernel {UPDATE} is installed but {GA} runs (the update takes effect at the next "
            "reboot)",
        ),
    ],
)
def test_rhel_first_kernel_of_a_minor_release_is_older_than_its_update(
    host_scan, running: str, status: str, message: str
) -> None:
    """R23W-1. rpm's rpmio/rpmvercmp.c (read with `read_file`): "numeric segments are always
    newer than alpha segments", segments compared in turn, numbers by value. RHEL 8.10's first
    kernel 4.18.0-553.el8_10 is older than its update 4.18.0-553.5.1.el8_10 (553 = 553, then
    5 against `el`: the number is newer); dnf's installonly_limit keeps both in /boot. A host
    running the update failed HVA-180 as if 553.el8_10 waited for a reboot (wrong fail), and one
    running the first kernel with the update installed passed (false pass)."""
    kernels = (
        f"/boot/vmlinuz-0-rescue-0123456789abcdef\n/boot/vmlinuz-{GA}\n/boot/vmlinuz-{UPDATE}\n"
    )
    a = host_scan({"/proc/sys/kernel/osrelease": running + "\n", "boot-kernels": (kernels, 0)})
    assert outcomes(a, "HVA-180") == {"hv1": status}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"] == message


# --- HVA-200: Debian's stock syslog-ng.conf with a TLS forward (held) ------------------------

DEBIAN_NG = """@version: 3.38
@include "scl.conf"
options { chain_hostnames(off); flush_lines(0); use_dns(no); use_fqdn(no);
\t  dns_cache(no); owner("root"); group("adm"); perm(0640);
\t  stats_freq(0); bad_hostname("^gconfd$");
};
source s_src {
       system();
       internal();
};
#source s_net { tcp(ip(127.0.0.1) port(1000)); };
destination d_auth { file("/var/log/auth.log"); };
destination d_syslog { file("/var/log/syslog"); };
destination d_console_all { file(`tty10`); };
destination d_xconsole { pipe("/dev/xconsole"); };
filter f_debug { level(debug); };
filter f_auth { facility(auth, authpriv) and not filter(f_debug); };
filter f_syslog3 { not facility(auth, authpriv, mail) and not filter(f_debug); };
filter f_console { level(warn .. emerg); };
log { source(s_src); filter(f_auth); destination(d_auth); };
log { source(s_src); filter(f_syslog3); destination(d_syslog); };
log { source(s_src); filter(f_console); destination(d_console_all);
\t\t\t\t    destination(d_xconsole); };
#log { source(s_src); destination(d_net); };
@include "/etc/syslog-ng/conf.d/*.conf"
"""
TLS = """destination d_tls {
    network("logs.example.internal" port(6514) transport("tls")
        tls(ca-dir("/etc/syslog-ng/ca.d")));
};
log { source(s_src); destination(d_tls); };
"""


@pytest.mark.parametrize(
    "files",
    [
        [("/etc/syslog-ng/syslog-ng.conf", DEBIAN_NG), ("/etc/syslog-ng/conf.d/tls.conf", TLS)],
        [
            (
                "/etc/syslog-ng/syslog-ng.conf",
                DEBIAN_NG.replace('@include "/etc/syslog-ng/conf.d/*.conf"\n', TLS),
            )
        ],
    ],
    ids=["forward-in-conf.d", "forward-in-syslog-ng.conf"],
)
def test_debian_stock_syslog_ng_with_tls_forward_passes(
    host_scan, files: list[tuple[str, str]]
) -> None:
    """Held (HVA-200 after R23G-1, R23L-1): syslog-ng's packaging/debian/syslog-ng.conf defines
    s_src (system(), internal()) in syslog-ng.conf, files its filtered paths without
    flags(final) and ends with `@include "/etc/syslog-ng/conf.d/*.conf"`; a log path of s_src
    to a TLS network() destination, in conf.d or in syslog-ng.conf, forwards every message."""
    procs = HARDENED_HOST["processes"][0].replace(
        "/usr/sbin/rsyslogd -n -iNONE", "/usr/sbin/syslog-ng -F"
    )
    grep = "".join(f"{path}:{ln}\n" for path, text in files for ln in text.splitlines())
    a = host_scan({"rsyslog-config": None, "syslog-ng-config": (grep, 0), "processes": (procs, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "pass"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == "logs forwarded over TLS to logs.example.internal"
