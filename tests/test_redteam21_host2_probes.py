"""Twenty-first red-team review, host side, second team (rt21host2): sysctl.d.

Same harness as tests/test_redteam20_host_probes.py: libvirt's test driver serves the VMs, and
host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where a
probe says so), through the real collector, parser and engine. This team took the lead rt20host4
left: hvaudit read kernel parameters from /proc/sys only, the values of the running boot, and
not sysctl.d, whose values systemd-sysctl writes at every boot. A new read-only probe
(`sysctl-d`: `find -L /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d
/lib/sysctl.d /etc/sysctl.conf -maxdepth 1 -name *.conf -print -exec grep -D skip -H "" {} ;`,
each file's path before its lines, so an empty or /dev/null-linked file that masks another is
seen) feeds hvaudit.model.SysctlD, which applies systemd-sysctl's rules: sysctl.d(5)
"CONFIGURATION DIRECTORIES AND PRECEDENCE" (a file in /etc hides one of its name in /run and
/usr, all files are read in the lexical order of their names whatever their directory);
src/sysctl/sysctl.c parse_line (a later assignment of a key replaces the earlier one, `-` before
a key only quiets a failed write, `-key` without `=` keeps a key out of the globs) and
apply_glob_option (a glob key is written to each matching key that has no explicit assignment:
"Not setting %s (explicit setting exists)"); src/shared/sysctl-util.c sysctl_normalize (dots
and slashes swap when the first separator is a dot); src/basic/constants.h CONF_PATHS (the
directories); all read at systemd HEAD with `read_file`/`find_string`. /etc/sysctl.conf counts
only through a sysctl.d file (Debian's and Fedora's 99-sysctl.conf link): systemd-sysctl reads
*.conf in its directories only, procps `sysctl --system` reads it last (procps issue 200, read
with `search`); where no sysctl.d file carries it, a setting only it makes is a question.

Findings (ID-n):
- R21S-1 (false pass) HVA-062 passed "vm.overcommit_memory = 0 (heuristic)" with
  `vm.overcommit_memory = 1` in /etc/sysctl.d/90-redis.conf (the Redis advice): the host boots
  with 1. Now a fail naming the file; sysctl.d unreadable, or 1 only in an /etc/sysctl.conf no
  sysctl.d file links, asks.
- R21S-2 (false pass) every check behind hvaudit.checks._loopback (HVA-036 here: migration on
  127.0.0.1) passed with route_localnet 0 live and `net.ipv4.conf.*.route_localnet = 1` (or
  `net/ipv4/conf/all/route_localnet = 1`) in sysctl.d: from the next boot 127/8 is routed from
  the network (ip-sysctl.rst; CVE-2020-8558). Now the route_localnet fact adds the persisted
  interfaces ("all, default, bond0, br0 from the next boot (LINE, FILE)"); sysctl.d unread
  while the live value is 0 is the probe's question, which (LOCALNET_QUESTION) now asks about
  sysctl.d too: answered from /proc/sys alone it passed what the next boot opens.
- R21S-3 (false pass) HVA-040 passed "kernel.modules_disabled = 1: no module can be loaded until
  the next boot" on a host without lockdown or sig_enforce where nothing hvaudit reads sets it
  again: the toggle is the running boot's only (proc(5); the kernel takes only 1,
  kernel/sysctl.c kern_table proc_dointvec_minmax with extra1 = extra2 = SYSCTL_ONE, read with
  `find_string`). Now the pass needs a sysctl.d line setting 1; without one it asks what sets it
  at every boot (test_redteam10_host_probes' R10H-10 pass now gives that line).
- R21S-4 (false pass) HVA-030 passed "libvirt listens on local UNIX sockets only" with
  `LIBVIRTD_ARGS="--config /etc/libvirt/libvirtd-tcp.conf"` (or `-f/etc/...`) in
  /etc/default/libvirtd, and HVA-132 passed virtproxyd.conf's auth_unix_rw with
  `VIRTPROXYD_ARGS="--config ..."` in /etc/default/virtproxyd: libvirtd(8) "-f, --config FILE:
  Use this configuration file, overriding the default value" (read with `search`), so the next
  start reads a file hvaudit does not collect. Only the running daemon's own --config was read
  (_config_options). Now the unit's next-start arguments (ExecStart= with its environment, as
  HVA-030's --listen reads them) are read for libvirtd, virtqemud and virtproxyd (the collector
  now cats virtproxyd.service and reads /etc/default|sysconfig/virtproxyd), and a --config
  naming another file makes that daemon's .conf unavailable, as a running --config does.
- R21S-5 (false pass) HVA-062 passed the live 0 with `sysctl.vm.overcommit_memory=1` on the
  kernel command line: Linux 5.8+ writes each `sysctl.KEY=VALUE` word at boot (fs/proc/
  proc_sysctl.c process_sysctl_arg from do_sysctl_args, every `.` of the key a `/`; parse_args
  stops at `--`; read with `find_string`), before systemd-sysctl, which overwrites the keys
  sysctl.d sets. SysctlD.next_boot now falls back to /proc/cmdline's last such word (the
  running boot's command line, as hvaudit reads it elsewhere); the same word for
  kernel.modules_disabled keeps HVA-040's pass, naming it (not R21S-3's question).

Held (kept as tests): an empty /etc/sysctl.d file masks the /usr/lib file of its name that sets
overcommit 1, and a lexically later file setting 0 wins over an earlier one setting 1 (pass);
explicit `route_localnet=0` keys and `-net.ipv4.conf.all.route_localnet` beat a glob setting 1
(pass); a bundle older than the probe keeps the live value's pass; `--config
/etc/libvirt/libvirtd.conf` (the default file) keeps HVA-030's pass; sysctl.d's 0 beats the
command line's `sysctl.vm.overcommit_memory=1`, and the word after `--` is init's (pass).

Probed by script, not kept (the verdict was right): none beyond the held cases.

Tally: 20 cases in 14 test functions; 14 failed before their fixes: on main 14a2017 the 11
cases of R21S-1..4 and the held older-bundle case (whose harness finds no sysctl-d artefact to
take out of an old collector's bundle), on main 97c943a (R21S-1..4 landed) R21S-5's fail and the
command-line modules_disabled pass's message (PYTHONPATH=/work/main/src); the 6 other held cases
passed before and after. test_redteam10_host_probes' R10H-10 pass now gives its sysctl.d line.
No golden verdict changed (the SARIF golden carries HVA-040's and HVA-062's docstrings).

Leads left (not settled in the time):
- R21S-4 makes the whole .conf unavailable, so on a socket-activated virtproxyd whose TCP/TLS
  sockets are disabled HVA-034/HVA-035 ask where "no TCP listener" was right (an extra
  question, not a wrong pass; same rule as a running --config). virtsecretd, virtstoraged ...
  units are not read for --config.
- The next boot's kernel command line (/etc/default/grub, the boot loader entries) is not read:
  /proc/cmdline is the running boot's; systemd credentials (sysctl.extra) are not read either.
- Other sysctl-backed verdicts still read /proc/sys alone: kernel.unprivileged_bpf_disabled,
  kernel.yama.ptrace_scope, net.ipv4.ip_forward (HVA-2xx forwarding reasoning),
  kernel.kptr_restrict, if any check uses them; the `default` route_localnet read live (the
  template of interfaces created later) is still not counted.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.checks._loopback import LOCALNET_QUESTION
from hvaudit.collect.host import command_artefact
from test_leads10 import (
    _migration_on,
    older_bundle_scan,  # noqa: F401  (fixture)
)

NOT_THERE = HARDENED_HOST["sysctl-d"][2]


def _sysctl(*files: tuple[str, str]) -> tuple[str, int, str]:
    """The sysctl-d probe's output for `files` (path, text): each path, then its lines."""
    out = "".join(
        path + "\n" + "".join(f"{path}:{line}\n" for line in body.splitlines())
        for path, body in files
    )
    return out, 1, NOT_THERE


OVERCOMMIT_Q = (
    "Which vm.overcommit_memory does hv1 boot with? Evidence: `systemd-sysctl --cat-config | "
    "grep overcommit_memory` (the last assignment wins; /etc/sysctl.conf counts only where a "
    "sysctl.d file links to it or procps `sysctl --system` runs at boot). Pass: 0 or 2, or none "
    "(the kernel's 0); fail: 1."
)


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


# --- HVA-062: vm.overcommit_memory from the next boot (R21S-1) ------------------------------------


@pytest.mark.parametrize(
    ("files", "line", "path"),
    [
        (
            [("/etc/sysctl.d/90-redis.conf", "# Redis\nvm.overcommit_memory = 1")],
            "vm.overcommit_memory = 1",
            "/etc/sysctl.d/90-redis.conf",
        ),
        # the `/` spelling, `-` before the key, a vendor file no /etc file of its name hides
        (
            [("/usr/lib/sysctl.d/60-db.conf", "-vm/overcommit_memory=1")],
            "-vm/overcommit_memory=1",
            "/usr/lib/sysctl.d/60-db.conf",
        ),
    ],
    ids=["etc", "usr-lib-slash-dash"],
)
def test_sysctl_d_sets_overcommit_from_the_next_boot(host_scan, files, line, path) -> None:
    """R21S-1 (false pass) HVA-062: systemd-sysctl writes sysctl.d's vm.overcommit_memory = 1 at
    every boot (sysctl.d(5); sysctl.c parse_line: `-` only ignores a failed write,
    sysctl_normalize reads `vm/overcommit_memory` as the same key); hvaudit read the live 0 and
    passed."""
    a = host_scan({"sysctl-d": _sysctl(*files)})
    assert outcomes(a, "HVA-062") == {"hv1": "fail"}
    assert messages(a, "HVA-062") == {
        "hv1": f"vm.overcommit_memory = 0 (heuristic) now, but {path} sets it to 1 from the "
        f"next boot ({line}): allocations will always succeed, the OOM killer decides which VM "
        "dies"
    }


@pytest.mark.parametrize(
    ("probe", "why"),
    [
        (
            ("", 1, "grep: /etc/sysctl.d/90-redis.conf: Permission denied\n"),
            "sysctl.d could not be read (grep: /etc/sysctl.d/90-redis.conf: Permission denied)",
        ),
        (
            _sysctl(("/etc/sysctl.conf", "vm.overcommit_memory=1")),
            "vm.overcommit_memory=1 (/etc/sysctl.conf, which no sysctl.d file includes: procps "
            "`sysctl --system` applies it at boot, systemd-sysctl does not)",
        ),
    ],
    ids=["unreadable", "unlinked-sysctl-conf"],
)
def test_overcommit_at_the_next_boot_unknown_is_a_question(host_scan, probe, why) -> None:
    """R21S-1 (false pass) HVA-062: sysctl.d unreadable, or 1 set only in an /etc/sysctl.conf no
    sysctl.d file carries (systemd-sysctl reads only its directories' *.conf; procps `sysctl
    --system` reads it last): the boot's value is not known, a question, not the pass."""
    a = host_scan({"sysctl-d": probe})
    assert outcomes(a, "HVA-062") == {"hv1": "manual"}
    assert messages(a, "HVA-062") == {
        "hv1": f"vm.overcommit_memory = 0 (heuristic) now; the value from the next boot is not "
        f"known: {why}"
    }
    assert _question(a, "HVA-062") == OVERCOMMIT_Q


@pytest.mark.parametrize(
    "files",
    [
        # an empty /etc file masks the /usr/lib file of its name (sysctl.d(5))
        [
            ("/etc/sysctl.d/90-redis.conf", ""),
            ("/usr/lib/sysctl.d/90-redis.conf", "vm.overcommit_memory = 1"),
        ],
        # 20-b.conf is read after 10-a.conf whatever their directories: its 0 wins
        [
            ("/etc/sysctl.d/10-a.conf", "vm.overcommit_memory = 1"),
            ("/usr/lib/sysctl.d/20-b.conf", "vm.overcommit_memory=0"),
        ],
    ],
    ids=["masked", "later-name-wins"],
)
def test_overcommit_hidden_or_replaced_keeps_the_pass(host_scan, files) -> None:
    """Held (R21S-1's edges): the masked file and the earlier assignment are not the boot's
    value (conf_files_list_strv, parse_line's "Overwriting earlier assignment")."""
    a = host_scan({"sysctl-d": _sysctl(*files)})
    assert outcomes(a, "HVA-062") == {"hv1": "pass"}
    assert messages(a, "HVA-062") == {"hv1": "vm.overcommit_memory = 0 (heuristic)"}


# --- route_localnet from the next boot (R21S-2) ---------------------------------------------------

K8S = "/etc/sysctl.d/50-k8s.conf"


@pytest.mark.parametrize(
    ("body", "routed"),
    [
        (
            "net.ipv4.conf.*.route_localnet = 1",
            f"all, default, bond0, br0 from the next boot (net.ipv4.conf.*.route_localnet = 1, "
            f"{K8S})",
        ),
        (
            "net/ipv4/conf/all/route_localnet = 1",
            f"all from the next boot (net/ipv4/conf/all/route_localnet = 1, {K8S})",
        ),
    ],
    ids=["glob", "all"],
)
def test_sysctl_d_routes_127_8_from_the_next_boot(host_scan, body, routed) -> None:
    """R21S-2 (false pass) HVA-036: route_localnet 0 now, but systemd-sysctl writes sysctl.d's 1
    at every boot, a glob to every interface (apply_glob_option) and udev again to each later
    one (99-systemd.rules: `systemd-sysctl --prefix=/net/ipv4/conf/$name`); ip-sysctl.rst:
    loopback then is no martian on those interfaces. hvaudit passed migration on 127.0.0.1."""
    a = host_scan({**_migration_on("127.0.0.2"), "sysctl-d": _sysctl((K8S, body))})
    assert outcomes(a, "HVA-036") == {"hv1": "fail"}
    assert messages(a, "HVA-036") == {
        "hv1": f"migration_address = 127.0.0.2: route_localnet = 1 on {routed} opens 127/8 to "
        "the network"
    }


def test_sysctl_d_unread_leaves_127_8_a_question(host_scan) -> None:
    """R21S-2 (false pass) HVA-036: route_localnet 0 now and sysctl.d unreadable: the next
    boot's value is not known, the loopback rule's question (was the pass)."""
    unread = ("", 1, "grep: /etc/sysctl.d/50-k8s.conf: Permission denied\n")
    a = host_scan({**_migration_on("127.0.0.2"), "sysctl-d": unread})
    assert outcomes(a, "HVA-036") == {"hv1": "manual"}
    assert messages(a, "HVA-036") == {
        "hv1": "migration_address = 127.0.0.2; whether the kernel routes 127/8 from the network "
        "is not known (route_localnet 0 now, but sysctl.d could not be read (grep: "
        "/etc/sysctl.d/50-k8s.conf: Permission denied))"
    }
    # the question asks about the next boot too (answered from /proc/sys alone it would pass)
    assert _question(a, "HVA-036") == LOCALNET_QUESTION
    assert "from the next boot?" in LOCALNET_QUESTION
    assert "`systemd-sysctl --cat-config | grep route_localnet`" in LOCALNET_QUESTION


def test_explicit_keys_beat_a_route_localnet_glob(host_scan) -> None:
    """Held (R21S-2's edge): apply_glob_option writes a glob to no key with its own assignment
    ("explicit setting exists"), and `-net.ipv4.conf.all.route_localnet` (no `=`) is such an
    assignment that writes nothing: 0 everywhere, the pass."""
    body = (
        "net.ipv4.conf.*.route_localnet = 1\n-net.ipv4.conf.all.route_localnet\n"
        "net.ipv4.conf.default.route_localnet=0\nnet.ipv4.conf.bond0.route_localnet=0\n"
        "net.ipv4.conf.br0.route_localnet=0"
    )
    a = host_scan({**_migration_on("127.0.0.2"), "sysctl-d": _sysctl((K8S, body))})
    assert outcomes(a, "HVA-036") == {"hv1": "pass"}
    assert messages(a, "HVA-036") == {
        "hv1": "migration_address = loopback, migrate_tls_x509_verify = 1"
    }


def test_a_bundle_older_than_the_sysctl_d_probe_keeps_the_live_value(
    older_bundle_scan,  # noqa: F811
) -> None:
    """Held: a bundle made before the sysctl-d probe existed has the live value alone (the
    modprobe-d rule, R20H-10)."""
    a = older_bundle_scan(_migration_on("127.0.0.2"), gone=command_artefact("sysctl-d"))
    assert outcomes(a, "HVA-036") == {"hv1": "pass"}
    assert outcomes(a, "HVA-062") == {"hv1": "pass"}


# --- HVA-040: kernel.modules_disabled = 1 after the next boot (R21S-3) ----------------------------


def test_modules_disabled_no_file_sets_again_is_a_question(host_scan) -> None:
    """R21S-3 (false pass) HVA-040: kernel.modules_disabled = 1 now, no sysctl.d file sets it,
    and neither lockdown nor sig_enforce: at the next boot unsigned modules load unless
    something hvaudit does not read sets it again. hvaudit passed "until the next boot"."""
    a = host_scan(
        {
            "/sys/kernel/security/lockdown": "[none] integrity confidentiality\n",
            "/proc/sys/kernel/modules_disabled": "1\n",
        }
    )
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}
    assert messages(a, "HVA-040") == {
        "hv1": "kernel.modules_disabled = 1: no module can be loaded until the next boot, but no "
        "sysctl.d file sets it at boot; then unsigned modules can be loaded (sig_enforce off, "
        "lockdown none)"
    }
    assert _question(a, "HVA-040") == (
        "What sets kernel.modules_disabled = 1 on hv1 at every boot? Evidence: `systemd-sysctl "
        "--cat-config | grep modules_disabled` and the units or scripts that run `sysctl -w "
        "kernel.modules_disabled=1` (`grep -rs modules_disabled /etc/systemd /etc/rc.local`). "
        "Pass: one does, after the modules the host needs are loaded; fail: none (it was set "
        "by hand)."
    )


# --- HVA-030 and the libvirt daemons' --config in their units (R21S-4) ----------------------------

VIRTPROXYD_UNIT = (
    "# /usr/lib/systemd/system/virtproxyd.service\n[Unit]\nDescription=Virtualization daemon\n\n"
    '[Service]\nType=notify\nEnvironment=VIRTPROXYD_ARGS="--timeout 120"\n'
    "EnvironmentFile=-/etc/default/virtproxyd\nExecStart=/usr/sbin/virtproxyd $VIRTPROXYD_ARGS\n"
)


@pytest.mark.parametrize(
    ("args", "path"),
    [
        ("--timeout 120 --config /etc/libvirt/libvirtd-tcp.conf", "/etc/libvirt/libvirtd-tcp.conf"),
        ("-f/etc/libvirt/other.conf", "/etc/libvirt/other.conf"),
    ],
    ids=["config", "short-f"],
)
def test_libvirtd_args_config_leaves_libvirtd_conf_unread(host_scan, args, path) -> None:
    """R21S-4 (false pass) HVA-030: libvirtd(8) "-f, --config FILE: Use this configuration file,
    overriding the default value" (read with `search`); libvirtd.service runs `libvirtd
    $LIBVIRTD_ARGS` with /etc/default/libvirtd (src/remote/libvirtd.service.in). With `--config
    FILE` there, libvirtd's next start reads FILE, which hvaudit does not collect, not
    /etc/libvirt/libvirtd.conf; hvaudit judged the latter ("libvirt listens on local UNIX sockets
    only"). The running daemon's own --config was already read (_config_options)."""
    a = host_scan({"/etc/default/libvirtd": f'LIBVIRTD_ARGS="{args}"\n'})
    assert outcomes(a, "HVA-030") == {"hv1": "manual"}
    assert messages(a, "HVA-030") == {
        "hv1": f"evidence unavailable: libvirtd.service starts it with --config {path} "
        f"(LIBVIRTD_ARGS={args!r} in /etc/default/libvirtd), a file hvaudit does not collect: "
        "/etc/libvirt/libvirtd.conf is not what its next start reads"
    }


def test_virtproxyd_args_config_leaves_virtproxyd_conf_unread(host_scan) -> None:
    """R21S-4 (false pass) HVA-132 on a modular host: virtproxyd.service's VIRTPROXYD_ARGS (the
    modular daemons' virtd.service.in: `ExecStart=@sbindir@/@service@ $@SERVICE@_ARGS`,
    EnvironmentFile=-@initconfdir@/@service@) with `--config FILE`: virtproxyd's next start
    reads FILE, not virtproxyd.conf, whose auth_unix_rw hvaudit passed. The collector now reads
    virtproxyd.service and /etc/default/virtproxyd too."""
    from test_checks_host import MODULAR

    units = (VIRTPROXYD_UNIT, 1, "No files found for libvirtd.service.\n")
    args = "--config /etc/libvirt/virtproxyd-tcp.conf"
    a = host_scan(
        {
            **MODULAR,
            "libvirt-units": units,
            "/etc/default/virtproxyd": f'VIRTPROXYD_ARGS="{args}"\n',
        }
    )
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}
    assert messages(a, "HVA-132") == {
        "hv1": "evidence unavailable: virtproxyd.service starts it with --config "
        f"/etc/libvirt/virtproxyd-tcp.conf (VIRTPROXYD_ARGS={args!r} in /etc/default/virtproxyd), "
        "a file hvaudit does not collect: /etc/libvirt/virtproxyd.conf is not what its next start "
        "reads"
    }


def test_libvirtd_args_config_naming_the_default_file_keeps_the_pass(host_scan) -> None:
    """Held (R21S-4's edge): `--config /etc/libvirt/libvirtd.conf` is the file read: the pass."""
    a = host_scan(
        {"/etc/default/libvirtd": 'LIBVIRTD_ARGS="--config /etc/libvirt/libvirtd.conf"\n'}
    )
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    assert messages(a, "HVA-030") == {"hv1": "libvirt listens on local UNIX sockets only"}


# --- the kernel command line's sysctl. words (R21S-5) ---------------------------------------------

CMDLINE = HARDENED_HOST["/proc/cmdline"].rstrip("\n")


def test_cmdline_sysctl_word_sets_overcommit_at_every_boot(host_scan) -> None:
    """R21S-5 (false pass) HVA-062: Linux 5.8+ writes each `sysctl.KEY=VALUE` word of the kernel
    command line at boot (fs/proc/proc_sysctl.c process_sysctl_arg from do_sysctl_args, every
    `.` of the key a `/`; read with `find_string`); a live 0 set by hand since is gone at the
    next boot. hvaudit passed the live 0."""
    word = "sysctl.vm.overcommit_memory=1"
    a = host_scan({"/proc/cmdline": f"{CMDLINE} {word}\n"})
    assert outcomes(a, "HVA-062") == {"hv1": "fail"}
    assert messages(a, "HVA-062") == {
        "hv1": "vm.overcommit_memory = 0 (heuristic) now, but /proc/cmdline sets it to 1 from the "
        f"next boot ({word}): allocations will always succeed, the OOM killer decides which VM "
        "dies"
    }


@pytest.mark.parametrize(
    "over",
    [
        # systemd-sysctl runs after the kernel's own writes: sysctl.d's 0 is the boot's value
        {
            "/proc/cmdline": f"{CMDLINE} sysctl.vm.overcommit_memory=1\n",
            "sysctl-d": _sysctl(("/etc/sysctl.d/10-vm.conf", "vm.overcommit_memory = 0")),
        },
        # parse_args stops at `--`: the words after it are init's
        {"/proc/cmdline": f"{CMDLINE} -- sysctl.vm.overcommit_memory=1\n"},
    ],
    ids=["sysctl-d-wins", "after-dashes"],
)
def test_cmdline_sysctl_word_overridden_or_not_the_kernels_keeps_the_pass(host_scan, over) -> None:
    """Held (R21S-5's edges): the command line's word is not the boot's value."""
    a = host_scan(over)
    assert outcomes(a, "HVA-062") == {"hv1": "pass"}
    assert messages(a, "HVA-062") == {"hv1": "vm.overcommit_memory = 0 (heuristic)"}


def test_cmdline_modules_disabled_keeps_the_pass_naming_it(host_scan) -> None:
    """R21S-3's edge: `sysctl.kernel.modules_disabled=1` on the command line sets the toggle at
    every boot: the pass, naming the word (not R21S-3's question)."""
    a = host_scan(
        {
            "/sys/kernel/security/lockdown": "[none] integrity confidentiality\n",
            "/proc/sys/kernel/modules_disabled": "1\n",
            "/proc/cmdline": f"{CMDLINE} sysctl.kernel.modules_disabled=1\n",
        }
    )
    assert outcomes(a, "HVA-040") == {"hv1": "pass"}
    assert messages(a, "HVA-040") == {
        "hv1": "kernel.modules_disabled = 1: no module can be loaded until the next boot, signed "
        "or not; sysctl.kernel.modules_disabled=1 (/proc/cmdline) sets it again at every boot"
    }
