"""Red-team round 30 probes: host time synchronisation and VM CPU priority (rt30timeres)

Harness: conftest's hardened Debian 12 host replayed through the real collector, parser and
engine (host_scan); for ntpd, chronyd's ps line replaced by ntpd's with /etc/ntp.conf and
`ntpq -pn` answered per case. For chrony, the chrony-conf probe is answered by the real grep over files
written under a scratch root (test_leads19d.chrony_probe), with `chronyc -n tracking` not
collected or not answering; for HVA-090, one libvirt domain pinned to its own host CPU with a
quota and a <shares>, the host's `cgroup-mounts` answer replaced per case. Each test asserts
the exact status and message.

Findings (ID-n):
- R30T-1 (false pass) HVA-202: a chronyd whose files name an outside NTP server beside a
  source on the host itself (a refclock: RTC, PHC, SHM, SOCK; a server at a loopback or own
  address, also in a sourcedir's *.sources) passed "chronyd running" wherever `chronyc -n
  tracking` did not answer or was not collected; so did one whose outside server stood beside
  an `include`/`confdir` hvaudit does not read (asked where no outside server is, R21H-1).
  chrony.conf(5) (mlichvar/chrony 8f2db83 doc/chrony.conf.adoc, read with `fetch`):
  reselectdist "it will prefer the one with the shortest synchronisation distance" (a local
  refclock's), `prefer` "Prefer this source over other selectable sources", minsources
  "default value is 1" (one reachable source updates the clock): while the outside servers are
  not reached chronyd follows the on-host source alone and reports the clock synchronised, so
  NTPSynchronized=yes does not say which steers (as R28T-3 for ntpd's LOCAL driver). Now asked,
  naming the on-host line and why tracking did not settle it; only `require` on outside
  sources alone ("Require that at least one of the sources specified with this option is
  selectable ... before updating the clock") keeps the pass. L19-1D's held
  remote-beside-0.0.0.0 and remote-beside-phc cases now carry `require` (separate commit).
- R30T-2 (false pass) HVA-090: any <cputune><shares> (Proxmox VE `cpuunits`) counted as the
  VM's CPU priority, also one equal to the default weight of the host's cgroup hierarchy,
  which every VM and service without one has: cpu.shares 1024 on v1, cpu.weight 100 on v2
  (cgroup-v2.rst Weights "with the default at 100"; IBM's libvirt XML reference "The default
  value is 1024"; qemu-server QemuServer.pm cpuunits default "cgroup v1: 1024, cgroup v2:
  100"). libvirt writes <shares> unconverted to cpu.shares (v1) or cpu.weight (v2)
  (vircgroupv2.c virCgroupV2SetCpuShares, read with `find_string`), qemu-server cpuunits to
  CPUShares or CPUWeight. VMware's `sched.cpu.shares = normal` was already no priority. Now a
  weight equal to the default of the version the host's CPU controller is on (new fact
  cpu_cgroup, from the cgroup mounts) is no priority: a fail; 100 or 1024 on a host whose
  version is not read (a simulated host, pve+dir) is asked. Two held Proxmox tests (P13-5,
  P20-3) now use cpuunits 2048 and 0200 to keep their subject (separate commit).
- R30T-3 (false pass) HVA-202: an ntpd whose file names an SHM refclock (`server
  127.127.28.u`, ntpsec `refclock shm`), alone or beside an outside pool, passed "ntpd
  running" where `ntpq -pn` did not answer, was not collected, or named that refclock as the
  system peer: the refclock counted as a source outside the host. ntp driver28 (doc.ntp.org,
  read with `find_string`): "This driver receives its reference clock info from a shared
  memory segment", which another program on the host writes (gpsd, phc2sys -E ntpshm), the
  shape chronyd's SHM refclock is asked for (L19-1D). Now asked what writes it unless an
  outside system peer in `ntpq -pn` settles it (_ntp_local_driver(shm=True)).

Held (kept as tests): R30T-1: an outside server with `require` beside a refclock, a `noselect`
refclock beside a server, `local stratum 10` beside a server (no source) pass; `chronyc -n
tracking` naming the outside server settles the question (pass). R30T-3: an outside system peer in
`ntpq -pn` and a `noselect` SHM line pass. R30T-2: <shares>1024 on a
host whose CPU controller is on cgroup v2 (ten times the default weight) and <shares>2048 on
v1 pass.

Probed by script: 6 ntpd shapes (SHM alone, beside a pool, `refclock shm`, PPS beside a
pool, a loopback server beside a pool: ntpd rejects its own loop; alone: fails as before);
10 chrony shapes before the fix (refclock RTC/PHC/SHM beside a server or
pool, unread include and confdir beside a pool, `local` beside a server, two sourcedirs with
distinct files, two confdirs with one base name (the first directory's file wins, asked as
before), `offline` and `nts` servers: the last two pass, rightly: NTPSynchronized decides).

Tally: 3 findings, 3 false passes, 0 false n/a, 0 wrong fails; 19 cases in 4 test functions;
11 failed on main before the fixes (R30T-1: 5, R30T-2: 3, R30T-3: 3; run with
PYTHONPATH=/work/main/src; the 8 held cases passed).

Leads left:
- HVA-202: ntpd's other refclocks still count as outside sources: the PPS/ATOM driver
  (127.127.22.u, `refclock pps`) needs another source for the seconds, and hardware receivers
  (NMEA, 127.127.20.u) are GNSS time but may have no fix.
- HVA-202: chrony `minsources N` above the number of on-host sources would also keep the
  clock on outside servers (still asked); `server ... nts` and `keyfile`/`key N` are not
  weighed (no check asks for authenticated time; team decision whether HY-SR-20's "secure
  channel" extends to the time source).
- HVA-090: a weight other than the default still counts as a priority whatever the other
  VMs' weights are (every VM at 2048 favours none of them); Proxmox VE containers' cpuunits
  are not judged (R26 lead). libvirt's Xen driver maps <shares> to the credit scheduler's
  weight (default 256): not weighed (cpu_weight 0).
- HVA-090: the cgroup version of a pve+dir scan is never known; PVE 7+ defaults to cgroup v2.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes
from test_leads19d import chrony_probe

DEBIAN = "/etc/chrony/chrony.conf"
PROCS = str(HARDENED_HOST["processes"][0])
WHICH_Q = (
    "Which time source steers chronyd on host hv1, and is it outside the host? Evidence: "
    "`chronyc -n tracking` (Reference ID) and `chronyc -n sources -v` on hv1, and what feeds a "
    "source on the host itself (`ss -ulpn 'sport = :123'`, ptp4l and phc2sys, gpsd). Pass: a "
    "remote NTP server, a PTP grandmaster or a GNSS receiver; fail: nothing outside the host (a "
    "local NTP server with no upstream, a free-running PHC, the host's own clock)."
)
NOT_COLLECTED = "`chronyc -n tracking` was not collected"
DOWN = ("", 1, "506 Cannot talk to daemon\n")


def _beside(line: str, why: str = NOT_COLLECTED) -> str:
    return (
        f"chronyd running, but its configuration names a source on host hv1 itself ({line}) "
        f"beside its outside NTP servers, and which one steers the clock is not in the evidence "
        f"({why})"
    )


def _result(a):
    r = next(r for r in a.results if r.check.id == "HVA-202")
    return r.outcome.status.value, r.outcome.message, r.outcome.question


@pytest.mark.parametrize(
    ("files", "tracking", "message"),
    [
        (
            {DEBIAN: "server 192.0.2.10 iburst\nrefclock RTC /dev/rtc0\n"},
            None,
            _beside(f"{DEBIAN}: refclock RTC /dev/rtc0"),
        ),
        (
            {DEBIAN: "pool pool.ntp.org iburst\nrefclock PHC /dev/ptp0 poll 0\n"},
            DOWN,
            _beside(
                f"{DEBIAN}: refclock PHC /dev/ptp0",
                "`chronyc -n tracking` did not answer (506 Cannot talk to daemon)",
            ),
        ),
        (
            {DEBIAN: "pool pool.ntp.org iburst\nrefclock SHM 0 refid GPS prefer\n"},
            None,
            _beside(f"{DEBIAN}: refclock SHM 0"),
        ),
        (
            {
                DEBIAN: "sourcedir /run/chrony-dhcp\nsourcedir /etc/chrony/sources.d\n",
                "/etc/chrony/sources.d/a.sources": "server 127.0.0.1\n",
                "/run/chrony-dhcp/eth0.sources": "server 192.0.2.1\n",
            },
            None,
            _beside("/etc/chrony/sources.d/a.sources: server 127.0.0.1"),
        ),
        (
            {DEBIAN: "pool pool.ntp.org iburst\ninclude /usr/local/etc/chrony-extra.conf\n"},
            None,
            "chronyd running, but which time source steers it is not in the evidence (chrony's "
            "configuration names /usr/local/etc/chrony-extra.conf, not collected)",
        ),
    ],
    ids=["rtc", "phc-chronyc-down", "shm-prefer", "loopback-in-sourcedir", "unread-include"],
)
def test_r30t_1_on_host_source_beside_outside_servers_is_asked(
    host_scan, tmp_path, files, tracking, message
) -> None:
    """R30T-1 (false pass): was pass "chronyd running". chrony.conf(5) reselectdist, prefer,
    minsources (mlichvar/chrony 8f2db83): chronyd follows the on-host source alone while the
    outside servers are not reached."""
    a = host_scan({"chrony-tracking": tracking, "chrony-conf": chrony_probe(tmp_path, files)})
    assert _result(a) == ("manual", message, WHICH_Q)


@pytest.mark.parametrize(
    ("files", "tracking"),
    [
        ({DEBIAN: "server 192.0.2.10 iburst require\nrefclock RTC /dev/rtc0\n"}, None),
        ({DEBIAN: "server 192.0.2.10 iburst\nrefclock PHC /dev/ptp0 noselect\n"}, None),
        ({DEBIAN: "server 192.0.2.10 iburst\nlocal stratum 10\n"}, None),
        ({DEBIAN: "server 192.0.2.10 iburst\nrefclock RTC /dev/rtc0\n"}, "answered"),
    ],
    ids=["require-outside", "noselect-refclock", "local-directive", "tracking-settles"],
)
def test_r30t_1_held(host_scan, tmp_path, files, tracking) -> None:
    """Held: `require` on the outside server only, a `noselect` refclock, the `local`
    directive (no source) and a tracking answer naming the outside server (the hardened host's
    10.0.0.2) keep the pass."""
    more = {} if tracking == "answered" else {"chrony-tracking": tracking}
    a = host_scan({"chrony-conf": chrony_probe(tmp_path, files), **more})
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "pass"},
        {"hv1": "chronyd running"},
    )


HYBRID = (
    "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n"
    "cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0\n"
    "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0\n"
)
HAVE = (
    "reservation: all 1 vCPU(s) pinned (<vcpupin>) to host CPU(s) 2, used by no other running "
    "or autostart VM; limit: quota 50000 us"
)


def _vm(shares: int) -> str:
    return domain_xml(
        "tier1",
        vcpus=1,
        body=f"<cputune><shares>{shares}</shares><quota>50000</quota>"
        "<vcpupin vcpu='0' cpuset='2'/><emulatorpin cpuset='2'/></cputune>",
    )


def _hva090(a):
    r = next(r for r in a.results if r.check.id == "HVA-090")
    return r.outcome.status.value, r.outcome.message, r.outcome.question


@pytest.mark.parametrize(
    ("shares", "mounts", "status", "message"),
    [
        (
            1024,
            (HYBRID, 0),
            "fail",
            "no CPU priority (cputune shares 1024 is the default CPU weight on cgroup v1, which "
            "host hv1's CPU controller is on: the weight of every VM without one) (" + HAVE + ")",
        ),
        (
            100,
            None,  # the hardened host's: cpu on the cgroup2 mount
            "fail",
            "no CPU priority (cputune shares 100 is the default CPU weight on cgroup v2, which "
            "host hv1's CPU controller is on: the weight of every VM without one) (" + HAVE + ")",
        ),
        (
            1024,
            ("", 2, "grep: /proc/mounts: Permission denied\n"),
            "manual",
            HAVE + "; priority: cputune shares 1024; cputune shares 1024 is the default CPU "
            "weight on cgroup v1, and the cgroup version of host hv1 is not known (the cgroup "
            "mounts were not read: exited 2)",
        ),
        (1024, None, "pass", HAVE + "; priority: cputune shares 1024"),
        (2048, (HYBRID, 0), "pass", HAVE + "; priority: cputune shares 2048"),
    ],
    ids=["v1-1024", "v2-100", "unknown-1024", "held-v2-1024", "held-v1-2048"],
)
def test_r30t_2_default_cpu_weight_is_no_priority(
    host_scan, shares, mounts, status, message
) -> None:
    """R30T-2 (false pass): was pass with "priority: cputune shares N" where N is the default
    weight of the host's CPU controller (cgroup-v2.rst Weights; vircgroupv2.c
    virCgroupV2SetCpuShares writes <shares> to cpu.weight unconverted)."""
    a = host_scan({} if mounts is None else {"cgroup-mounts": mounts}, domains=[_vm(shares)])
    got = _hva090(a)
    assert got[:2] == (status, message)
    if status == "manual":
        assert got[2] == (
            "Does cputune shares 1024 give VM tier1 a CPU weight other than the default of "
            "host hv1's cgroup version? Evidence: `grep cgroup /proc/mounts` on hv1 (a "
            "`cgroup` mount whose options name cpu is v1, else cgroup2 holds it). Pass: the "
            "value differs from that version's default (cpu.shares 1024 on v1, cpu.weight 100 "
            "on v2), so under contention the VM gets more or less CPU than its neighbours; "
            "fail: it is that default, the weight of every VM and service without one, so it "
            "is no priority."
        )


CHRONYD = "  402 _chrony   /usr/sbin/chronyd -F 1\n"
NTPD = "  700 ntp      /usr/sbin/ntpd -p /run/ntpd.pid -g -u ntp:ntp\n"
PEERS = (
    "     remote           refid      st t when poll reach   delay   offset  jitter\n"
    "==============================================================================\n"
)
PEER_OUTSIDE = (
    PEERS + "*192.0.2.10      193.79.237.14    2 u   33   64  377    0.412   -0.118   0.051\n"
)
PEER_SHM = (
    PEERS + "*127.127.28.0    .GPS.            0 l    5   16  377    0.000    0.012   0.004\n"
)
SHM_Q = (
    "What writes ntpd's shared-memory reference clock on host hv1, and does a source outside "
    "the host steer it? Evidence: `ntpq -pn` on hv1 (the peer marked '*') and the program "
    "writing the SHM segment (`ipcs -m`, gpsd and its receiver, phc2sys -E ntpshm and the PTP "
    "clock it reads). Pass: ntpd's system peer is a remote NTP server, or the segment is "
    "written from a GNSS receiver or a PTP grandmaster; fail: nothing outside the host steers "
    "it (no receiver fix, a free-running PHC)."
)


def _shm(line: str, why: str = "`ntpq -pn` was not collected") -> str:
    return (
        "ntpd running, but its file names a shared-memory reference clock another program on "
        f"host hv1 feeds ({line}), and which source steers the clock is not in the evidence "
        f"({why})"
    )


@pytest.mark.parametrize(
    ("conf", "peers", "status", "message"),
    [
        (
            "server 127.127.28.0\nfudge 127.127.28.0 refid GPS\n",
            None,
            "manual",
            _shm("/etc/ntp.conf: server 127.127.28.0"),
        ),
        (
            "pool pool.ntp.org iburst\nrefclock shm unit 0 prefer\n",
            ("", 1, "ntpq: read: Connection refused\n"),
            "manual",
            _shm(
                "/etc/ntp.conf: refclock shm",
                "`ntpq -pn` did not answer (ntpq: read: Connection refused)",
            ),
        ),
        (
            "pool pool.ntp.org iburst\nserver 127.127.28.0 prefer\n",
            (PEER_SHM, 0),
            "manual",
            _shm(
                "/etc/ntp.conf: server 127.127.28.0",
                "`ntpq -pn`: *127.127.28.0 .GPS. 0 l",
            ),
        ),
        ("pool pool.ntp.org iburst\nserver 127.127.28.0\n", (PEER_OUTSIDE, 0), "pass", ""),
        ("pool pool.ntp.org iburst\nserver 127.127.28.0 noselect\n", None, "pass", ""),
    ],
    ids=[
        "shm-only",
        "shm-beside-ntpq-refused",
        "shm-system-peer",
        "held-outside-peer",
        "held-noselect",
    ],
)
def test_r30t_3_ntpd_shm_refclock_is_asked(host_scan, conf, peers, status, message) -> None:
    """R30T-3 (false pass): was pass "ntpd running". ntp driver28: "This driver receives its
    reference clock info from a shared memory segment", which another program writes."""
    a = host_scan(
        {
            "processes": (PROCS.replace(CHRONYD, NTPD), 0),
            "/etc/ntp.conf": conf,
            "ntpq-peers": peers,
        }
    )
    r = next(r for r in a.results if r.check.id == "HVA-202")
    assert (r.outcome.status.value, r.outcome.message) == (status, message or "ntpd running")
    if status == "manual":
        assert r.outcome.question == SHM_Q
