"""Twenty-fourth red-team review: a failed `stat` of libvirt's files is not "unchanged" (rt24stat).

Harness: libvirt's test driver serves one plain VM (web01, here with a VNC console on
10.0.0.10); host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed
only where a probe says so), through the real collector, bundle, parser and engine. A failed
`stat` is replayed as GNU coreutils gives it: `(stdout, 1, stderr)`, one "stat: cannot statx
'PATH': ERROR" line per path it could not stat (coreutils src/stat.c do_statx, found with
`find_string`: `error (0, errno, _("cannot statx %s"), quoteaf (filename)); return false;`,
main going on with the next path and exiting 1 if any failed); a timeout as the runner's
"timed out after 20s" failure (a TimeoutError replayed).

Findings (ID-n):
- R24S-1 (false pass) HVA-030 HVA-032 HVA-130 HVA-131 HVA-132 HVA-201 HVA-213 HVA-031: the
  libvirt-conf-mtimes probe (`stat -c '%Y %n'` of qemu.conf and the daemons' .conf) was read
  by _starts_and_mtimes only for the times it printed: a timeout, or exit 1 with "Permission
  denied" for libvirtd.conf, was read as "no file changed since the daemon started", so every
  check judging libvirtd.conf or qemu.conf passed from the file, though libvirtd reads them only
  when it starts (libvirt src/remote/remote_daemon.c main: daemonConfigLoadFile once; SIGHUP's
  virStateReload / qemuStateReload reloads domain definitions only: R11H-1). And a running
  QEMU's console settings were taken as those of qemu.conf (HVA-031) when the file's change
  time was unread, though libvirt applies them when it starts the VM (R11H-2). Same bug R24Q-4
  fixed for the `find` probes. Now parse.host._mtimes_unread reads the probe with
  _stat_unanswered: a file stat printed no time for and did not name "No such file or
  directory" (or all, when the probe failed) is unknown; where a daemon reading it runs, its
  facts are unavailable ("when /etc/libvirt/X was last changed was not read (`stat`: ...)")
  and the checks ask; a running QEMU with qemu.conf's time unread gets HVA-031's question.

Held (kept as tests): the hardened host's stat (exit 1, only "No such file or directory" for
the modular daemons' files) keeps every pass; qemu.conf's time printed beside a denied
libvirtd.conf keeps HVA-032's pass; with no daemon running (libvirtd idle-exited, socket
enabled: the next start reads the file as it is) an unread time keeps HVA-032's pass.

Probed by script, not kept: none.

Tally: 3 cases (timeout: 7 checks; denied libvirtd.conf: 6 checks; running QEMU with the
daemon idle: HVA-031) in 3 test functions, all 3 failed before the fix on main 0fed398; the
held assertions passed before and after.

Leads left: none new from this probe (R24Q's leads stand).
"""

from __future__ import annotations

from conftest import HARDENED_HOST, domain_xml, messages, outcomes

MISSING = str(HARDENED_HOST["libvirt-conf-mtimes"][2])
BEFORE = 1732095000  # 2024-11-20 09:30:00 UTC, before libvirtd (pid 700) started
QEMU_CONF = f"{BEFORE} /etc/libvirt/qemu.conf\n"
DENIED = "stat: cannot statx '/etc/libvirt/libvirtd.conf': Permission denied\n"
TIMEOUT = TimeoutError("timed out after 20s")
LIBVIRTD_CHECKS = ("HVA-030", "HVA-130", "HVA-131", "HVA-132", "HVA-201", "HVA-213")
VNC = (
    "<devices><graphics type='vnc' port='5900' autoport='no' passwd='s3cret-Pw'>"
    "<listen type='address' address='10.0.0.10'/></graphics></devices>"
)
#: libvirtd exited when idle (`--timeout 120`); its enabled socket starts it on demand
IDLE = str(HARDENED_HOST["processes"][0]).replace(
    "  700 root     /usr/sbin/libvirtd --timeout 120\n", ""
)


def _unread(name: str, why: str) -> str:
    return (
        f"evidence unavailable: when /etc/libvirt/{name} was last changed was not read (`stat`: "
        f"{why}); libvirtd (pid 700) reads it only when it starts, so what it runs may differ "
        "from the file"
    )


def test_stat_timed_out_is_not_unchanged(host_scan) -> None:
    """R24S-1 (false pass): the stat of libvirt's files timed out; every libvirtd.conf and
    qemu.conf check passed from the files as if neither changed after libvirtd started."""
    a = host_scan({"libvirt-conf-mtimes": TIMEOUT})
    for cid in LIBVIRTD_CHECKS:
        assert outcomes(a, cid) == {"hv1": "manual"}, (cid, messages(a, cid))
        assert messages(a, cid) == {"hv1": _unread("libvirtd.conf", "timed out after 20s")}
    assert outcomes(a, "HVA-032") == {"hv1": "manual"}
    assert messages(a, "HVA-032") == {"hv1": _unread("qemu.conf", "timed out after 20s")}


def test_stat_denied_is_not_unchanged(host_scan) -> None:
    """R24S-1 (false pass): stat printed qemu.conf's time (before libvirtd started) and exited
    1 with "Permission denied" for libvirtd.conf beside the modular daemons' missing files;
    libvirtd.conf was read as unchanged and its checks passed. Held: qemu.conf's printed time
    keeps HVA-032's pass, and the hardened host's stat (only "No such file") every pass."""
    a = host_scan({"libvirt-conf-mtimes": (QEMU_CONF, 1, MISSING + DENIED)})
    why = f"exit status 1: {DENIED.strip()}"
    for cid in LIBVIRTD_CHECKS:
        assert outcomes(a, cid) == {"hv1": "manual"}, (cid, messages(a, cid))
        assert messages(a, cid) == {"hv1": _unread("libvirtd.conf", why)}
    assert outcomes(a, "HVA-032") == {"hv1": "pass"}
    a = host_scan({})
    for cid in (*LIBVIRTD_CHECKS, "HVA-032"):
        assert outcomes(a, cid) == {"hv1": "pass"}, (cid, messages(a, cid))


def test_running_qemu_with_qemu_conf_time_unread_is_asked(host_scan) -> None:
    """R24S-1 (false pass) HVA-031: libvirtd idle-exited (its socket starts it again, so
    qemu.conf stays what the next start reads: HVA-032 keeps its pass, held), web01's QEMU (pid
    1200) runs with a VNC console on 10.0.0.10 and the stat of qemu.conf timed out: HVA-031
    passed "with TLS and a password" from qemu.conf, though libvirt applies the file's
    vnc_tls/vnc_password when it starts the VM (qemu_domain.c qemuDomainSecretGraphicsPrepare,
    R11H-2) and the file may have changed since. Now the R11H-2 question."""
    a = host_scan(
        {"libvirt-conf-mtimes": TIMEOUT, "processes": (IDLE, 0)},
        domains=[domain_xml("web01", VNC)],
    )
    assert outcomes(a, "HVA-031") == {"web01": "manual"}
    assert messages(a, "HVA-031") == {
        "web01": "vnc on 10.0.0.10 with TLS and a password, as /etc/libvirt/qemu.conf says now; "
        "but when /etc/libvirt/qemu.conf was last changed was not read (`stat`: timed out after "
        "20s), so whether its QEMU (pid 1200) started before is unknown"
    }
    assert outcomes(a, "HVA-032") == {"hv1": "pass"}
