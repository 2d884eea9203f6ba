"""Twentieth red-team review, host side, second team (rt20host2).

Same harness as tests/test_redteam20_host_probes.py: libvirt's test driver serves the VMs, and
host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where a
probe says so), through the real collector, parser and engine. This round probed the settings a
host keeps for a later start rather than the ones in force now: libvirtd's unit arguments with
its sockets masked (HVA-030/HVA-034), modprobe.d and the kernel command line for the KVM
module's next load (HVA-049), and kernel command-line words after `--` (HVA-043).

Findings (ID-n):
- R20H-3 (false pass) HVA-030 passed "libvirt listens on local UNIX sockets only" with libvirtd's
  socket units masked, `LIBVIRTD_ARGS="--listen"` in /etc/default/libvirtd (or `-vl`, or a
  drop-in's `ExecStart=/usr/sbin/libvirtd --lis`) and listen_tcp = 1, auth_tcp = "none", while
  libvirtd was stopped or running from before the change: libvirtd(8) SYSTEM SOCKET ACTIVATION
  ("To revert to the traditional mode, all the socket unit files must be masked"; then "If the
  --listen parameter is given, it will also listen on TCP/IP socket(s), according to the
  listen_tcp and listen_tls options"), remote_daemon.c daemonSetupNetworking `(ipsock &&
  config->listen_tcp)`. Likewise virtproxyd with virtproxyd.socket masked (ipsock 1 by
  default, cleared only under activation). Now a fail "from the next start" (as for an enabled
  -tcp unit); with the sockets not masked libvirtd.service Requires= them and --listen is fatal
  ("--listen parameter not permitted with systemd activation sockets"): no listener. The same
  --listen opens TLS (listen_tls 1 by default): HVA-034 said n/a "no libvirt TLS listener" (a
  wrong n/a hiding its fail) and HVA-030's pass said "UNIX sockets only"; both now judge it.
  New parse: LibvirtHost.libvirtd_listen (ExecStart= with $VAR/${VAR} expanded as
  systemd.service(5) says, getopt_long's clusters and abbreviations).
- R20H-4 (false pass) HVA-049 passed "but the host's KVM has nested off" for a host-passthrough
  VM while modprobe.d held `options kvm_intel nested=1` (or a bare `nested` in a later file, or
  `kvm-intel.nested=1` on the kernel command line after a modprobe.d nested=0): the parameter
  is read-only at run time (vmx.c `module_param(nested, bool, 0444)`), and modprobe gives these
  options at every load (modprobe.d(5); libkmod-config.c parses /proc/cmdline after the files),
  so nesting is on from the next boot. Now a fail naming the line.
- R20H-5 (wrong fail) HVA-043 failed a confined host for `-- apparmor.mode=complain` on the
  kernel command line (run-time parameter unread): parse_args stops at `--` and init/main.c
  hands the rest to init (`parse_args("Setting init args", after_dashes, ...)`). Now the words
  after `--` are not AppArmor's.

Held (kept as tests): libvirtd's sockets not masked with --listen, masked without --listen, and
`-t -l` (-l the value of -t) keep the pass (R20H-3); nested=0, another module's (kvm_amd)
option, a commented line keep HVA-049's pass (R20H-4); `apparmor.mode=complain` before `--`,
and after a quoted `"x -- y"` value, still fail (R20H-5).

Probed by script, not kept (the verdict was right): libvirtd running with --listen and the
sockets masked shows its TCP listener (HVA-030 fails on the listener as before).

Tally: 17 cases in 7 test functions; 9 failed on main 4cf75e5 before the fixes (R20H-3 5,
R20H-4 3, R20H-5 1: run against `git archive 4cf75e5`), the 8 held cases passed before and
after. No golden verdict changed (the SARIF golden carries HVA-030's docstring).

Leads left (not settled in the time):
- HVA-050: modprobe.d `install vfio_iommu_type1 ... --ignore-install ... allow_unsafe_interrupts=1`
  lines and `softdep` are not read; modprobe.d files named *.alias (libkmod
  conf_files_filter_out takes .conf and .alias) are not read; libkmod's kcmdline parser takes
  module options after `--` too (kmod_config_parse_kcmdline has no `--` stop), which
  _vfio_unsafe_interrupts and R20H-4 follow only as far as _cmdline_words does.
- HVA-049: an unreadable modprobe.d (not an older bundle) keeps the sysfs pass rather than a
  question; kvm_amd with `nested=Y` (an int parameter refuses it: the load fails) not probed.
- HVA-030: libvirtd's `--config FILE` in LIBVIRTD_ARGS (another libvirtd.conf for the next
  start) not read for the stopped case; virtproxyd.service's own VIRTPROXYD_ARGS/--config is
  not collected (only libvirtd and virtqemud units are); non-systemd hosts (init script reading
  /etc/default/libvirtd) not probed.
- HVA-214 (from rt20host): never rules limited to writing syscalls (`-S unlink,rename`) or
  `success=1`, a never `-F path=` on the watched directory's own inode, and `-F arch=b64`-only
  watches (compat writes escape) were not reached.
- sysctl.d precedence (/etc, /run, /usr/local/lib, /usr/lib, same-name masking, glob keys) vs
  the live value, and sshd_config Include globs / Match first-value-wins, were not reached.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes

# --- HVA-030 / HVA-034: a daemon that opens TCP itself at its next start (R20H-3) ---------------

#: the hardened host's processes without libvirtd (stopped: it exits when idle, `--timeout 120`)
NO_LIBVIRTD = (
    HARDENED_HOST["processes"][0].replace("  700 root     /usr/sbin/libvirtd --timeout 120\n", ""),
    0,
)
#: libvirtd(8): "To revert to the traditional mode, all the socket unit files must be masked"
MASKED = (
    "".join(f"libvirtd{u}.socket masked masked\n" for u in ("", "-ro", "-admin", "-tcp", "-tls")),
    0,
)
PLAIN_TCP = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + (
    'listen_tcp = 1\nauth_tcp = "none"\nlisten_tls = 0\n'
)
PLAIN = "auth_tcp = 'none' (no authentication, cleartext) from the next start"
DROPIN = "/etc/systemd/system/libvirtd.service.d/override.conf"


@pytest.mark.parametrize(
    ("over", "where"),
    [
        # libvirt's src/remote/libvirtd.sysconf: `#LIBVIRTD_ARGS="--listen"`, "Listen for TCP/IP
        # connections"
        (
            {"/etc/default/libvirtd": 'LIBVIRTD_ARGS="--listen"\n'},
            "LIBVIRTD_ARGS='--listen' in /etc/default/libvirtd",
        ),
        # a short option cluster (getopt "ldf:p:t:vVh") and a running libvirtd started before
        # the change: the next start listens
        (
            {"/etc/default/libvirtd": 'LIBVIRTD_ARGS="-vl --timeout 120"\n', "processes": None},
            "LIBVIRTD_ARGS='-vl --timeout 120' in /etc/default/libvirtd",
        ),
        (
            {
                "libvirt-units": (
                    HARDENED_HOST["libvirt-units"][0]
                    + f"\n# {DROPIN}\n[Service]\nExecStart=\nExecStart=/usr/sbin/libvirtd --lis\n",
                    1,
                    "No files found for virtqemud.service.\n",
                )
            },
            f"ExecStart= in {DROPIN}",
        ),
    ],
)
def test_listen_with_masked_sockets_opens_tcp_at_the_next_start(host_scan, over, where) -> None:
    """R20H-3 (false pass) HVA-030: with its socket units masked libvirtd runs in the
    traditional mode, and "If the --listen parameter is given, it will also listen on TCP/IP
    socket(s), according to the listen_tcp and listen_tls options" (libvirt
    docs/manpages/libvirtd.rst, SYSTEM SOCKET ACTIVATION; src/remote/remote_daemon.c
    daemonSetupNetworking `(ipsock && config->listen_tcp)`). libvirtd stopped (or started
    before the change), neither a listener nor an enabled -tcp socket unit shows it: hvaudit
    passed "listens on local UNIX sockets only". The unit's ExecStart= with $LIBVIRTD_ARGS from
    /etc/default/libvirtd, or a drop-in's, is libvirtd's next command line."""
    over = dict(over)
    processes = over.pop("processes", NO_LIBVIRTD)
    a = host_scan(
        {
            "libvirt-socket-units": MASKED,
            "/etc/libvirt/libvirtd.conf": PLAIN_TCP,
            **({"processes": processes} if processes else {}),
            **over,
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}
    assert messages(a, "HVA-030") == {
        "hv1": f"libvirtd starts with --listen ({where}), its socket units masked: TCP 16509 "
        f"with listen_tcp = 1 and {PLAIN}"
    }


def test_virtproxyd_with_masked_sockets_listens_without_listen(host_scan) -> None:
    """R20H-3 (false pass) HVA-030: virtproxyd has no --listen; "we initialized ipsock == 1 by
    default with virtproxyd. When using systemd activation though, we clear ipsock"
    (remote_daemon.c), so with virtproxyd.socket masked its listen_tcp = 1 opens TCP 16509."""
    units = (
        "virtproxyd.socket masked masked\nvirtproxyd-ro.socket masked masked\n"
        "virtproxyd-admin.socket masked masked\nvirtproxyd-tcp.socket disabled disabled\n",
        0,
    )
    a = host_scan(
        {
            "processes": NO_LIBVIRTD,
            "libvirt-socket-units": units,
            "/etc/libvirt/virtproxyd.conf": 'listen_tcp = 1\nauth_tcp = "none"\n',
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}
    assert messages(a, "HVA-030") == {
        "hv1": "virtproxyd.socket masked (virtproxyd listens itself): TCP 16509 with listen_tcp "
        "= 1 and auth_tcp = 'none' (virtproxyd.conf) (no authentication, cleartext) from the "
        "next start"
    }


def test_listen_opens_tls_by_default(host_scan) -> None:
    """R20H-3 (wrong n/a) HVA-034 and wording HVA-030: listen_tls is 1 by default for libvirtd
    (libvirtd.conf.in, remote_daemon_config.c), so `--listen` with masked sockets opens TLS
    16514 at the next start: HVA-034 judged "no libvirt TLS listener" (n/a) and HVA-030 said
    "local UNIX sockets only". The DN list is now judged, and HVA-030 names TLS."""
    a = host_scan(
        {
            "processes": NO_LIBVIRTD,
            "libvirt-socket-units": MASKED,
            "/etc/default/libvirtd": 'LIBVIRTD_ARGS="--listen"\n',
        }
    )
    assert outcomes(a, "HVA-034") == {"hv1": "fail"}
    assert messages(a, "HVA-034") == {
        "hv1": "TLS listener admits any certificate the CA signed (no tls_allowed_dn_list, "
        "auth_tls = none in libvirtd.conf)"
    }
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    assert messages(a, "HVA-030") == {
        "hv1": "no TCP listener; TLS from the next start (an enabled -tls socket unit or "
        "listen_tls), client certificates verified"
    }


@pytest.mark.parametrize(
    "over",
    [
        # socket activation: libvirtd.service Requires=libvirtd.socket, and --listen is then
        # fatal ("--listen parameter not permitted with systemd activation sockets")
        {"/etc/default/libvirtd": 'LIBVIRTD_ARGS="--listen"\n'},
        # masked, no --listen
        {"libvirt-socket-units": MASKED, "processes": NO_LIBVIRTD},
        # masked, -l is the value of -t here
        {
            "libvirt-socket-units": MASKED,
            "processes": NO_LIBVIRTD,
            "/etc/default/libvirtd": 'LIBVIRTD_ARGS="-t -l"\n',
        },
    ],
)
def test_no_traditional_listener_keeps_the_pass(host_scan, over) -> None:
    """Held (R20H-3's edges): sockets not masked (socket activation refuses --listen), or no
    --listen with them masked, opens no TCP port."""
    a = host_scan({"/etc/libvirt/libvirtd.conf": PLAIN_TCP, **over})
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    assert messages(a, "HVA-030") == {"hv1": "libvirt listens on local UNIX sockets only"}


# --- HVA-049: modprobe.d sets the next load's nested (R20H-4) ------------------------------------

PT = [domain_xml("pt", body="<cpu mode='host-passthrough'/>")]
NESTED_OFF = {"/sys/module/kvm_intel/parameters/nested": "N\n"}
PT_WHAT = "CPU mode host-passthrough passes the host's vmx/svm through when KVM nests"


def _modprobe(*lines: str) -> tuple[str, int, str]:
    base, rc, err = HARDENED_HOST["modprobe-d"]
    return (base + "".join(lines), rc, err)


@pytest.mark.parametrize(
    ("over", "where"),
    [
        (
            {"modprobe-d": _modprobe("/etc/modprobe.d/kvm.conf:options kvm_intel nested=1\n")},
            "options kvm_intel nested=1 (/etc/modprobe.d/kvm.conf)",
        ),
        # a bare name sets a bool parameter (kernel/params.c param_set_bool); a later file wins
        (
            {
                "modprobe-d": _modprobe(
                    "/etc/modprobe.d/a.conf:options kvm-intel nested=0\n",
                    "/etc/modprobe.d/z.conf:options kvm_intel nested\n",
                )
            },
            "options kvm_intel nested (/etc/modprobe.d/z.conf)",
        ),
        # libkmod parses /proc/cmdline after the files
        (
            {
                "modprobe-d": _modprobe("/etc/modprobe.d/kvm.conf:options kvm_intel nested=0\n"),
                "/proc/cmdline": "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro kvm-intel.nested=1\n",
            },
            "kvm_intel.nested=1 on the kernel command line",
        ),
    ],
)
def test_modprobe_d_turns_nesting_on_at_the_next_load(host_scan, over, where) -> None:
    """R20H-4 (false pass) HVA-049: kvm_intel's `nested` is read-only at run time
    (arch/x86/kvm/vmx/vmx.c `module_param(nested, bool, 0444)`, read with `find_string`), so
    sysfs shows the load now and modprobe.d (modprobe.d(5): options "every time it is inserted
    into the kernel") and the kernel command line (libkmod-config.c kmod_config_new:
    kmod_config_parse_kcmdline after the files) the next one, at every boot. hvaudit read sysfs
    only and passed "the host's KVM has nested off" for a host-passthrough VM."""
    a = host_scan({**NESTED_OFF, **over}, domains=PT)
    assert outcomes(a, "HVA-049") == {"pt": "fail"}
    assert messages(a, "HVA-049") == {
        "pt": f"{PT_WHAT}; the host's KVM has nested off now, but {where} turns it on at the "
        "module's next load (every boot)"
    }


@pytest.mark.parametrize(
    "over",
    [
        {"modprobe-d": _modprobe("/etc/modprobe.d/kvm.conf:options kvm_intel nested=0\n")},
        # another module's option, and the AMD module's
        {"modprobe-d": _modprobe("/etc/modprobe.d/kvm.conf:options kvm_amd nested=1\n")},
        {"modprobe-d": _modprobe("/etc/modprobe.d/kvm.conf:# options kvm_intel nested=1\n")},
    ],
)
def test_nesting_off_at_the_next_load_keeps_the_pass(host_scan, over) -> None:
    """Held (R20H-4's edges): nested=0, another module's option or a comment leave it off."""
    a = host_scan({**NESTED_OFF, **over}, domains=PT)
    assert outcomes(a, "HVA-049") == {"pt": "pass"}
    assert messages(a, "HVA-049") == {"pt": f"{PT_WHAT}, but the host's KVM has nested off"}


# --- HVA-043: apparmor.mode= after `--` is init's (R20H-5) ---------------------------------------


@pytest.mark.parametrize(
    ("tail", "status"),
    [
        (" -- apparmor.mode=complain", "pass"),
        # held: before `--` it is the kernel's (R16H-8's reading)
        (" apparmor.mode=complain -- single", "fail"),
        # held: a quoted "--" inside a value is no separator (kernel/params.c next_arg)
        (' dyndbg="x -- y" apparmor.mode=complain', "fail"),
    ],
)
def test_apparmor_mode_after_dashes_is_inits(host_scan, tail: str, status: str) -> None:
    """R20H-5 (wrong fail) HVA-043: kernel/params.c parse_args stops at `--`, and init/main.c
    start_kernel hands the rest to init (`parse_args("Setting init args", after_dashes, ...,
    set_init_arg)`, read with `find_string`), so a built-in's `apparmor.mode=complain` after it
    sets nothing in AppArmor. With the run-time parameter unread hvaudit took it as the global
    mode and failed a confined host."""
    a = host_scan({"/proc/cmdline": HARDENED_HOST["/proc/cmdline"].rstrip() + tail + "\n"})
    assert outcomes(a, "HVA-043") == {"hv1": status}
    if status == "pass":
        assert messages(a, "HVA-043") == {
            "hv1": "libvirt confines QEMU with AppArmor, 1 libvirt-<uuid> profile(s) enforcing"
        }
    else:
        assert (
            "(complain: apparmor.mode=complain on the kernel command line)"
            in (messages(a, "HVA-043")["hv1"])
        )
