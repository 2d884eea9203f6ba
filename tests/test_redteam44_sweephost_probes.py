"""R44 sweep: HVA-211 with a VM's tap on an Open vSwitch bridge that no VM definition read places
there (R43S's and R42S's lead: an OVS port whose bridge has live VM ports but no defined VM).

Harness: the conftest host_scan replay (HARDENED_HOST) over libvirt's test driver, assessed by
the real engine, with `ip-link` and `ip-addr` from test_ovs_management_port (_links: the
datapath ovs-system, the OVS bridge vmbr0 and its internal port mgmt, the uplink eno1 under
ovs-system, the NIC eno2 outside it; _addrs: 10.0.0.10 on one device) plus a VM's tap vnet3
under ovs-system, and ovs-vsctl's tables (`ovs-ports`) not collected. Linux net/openvswitch/
vport-netdev.c ovs_netdev_link (read with find_string) links every netdev vport, a VM's tap as
a NIC, under the datapath's device (`netdev_master_upper_dev_link(vport->dev,
get_dpdev(vport->dp), ...)`), so `ip -d link` shows the tap as `master ovs-system`, which bridge
it is on being only in ovs-vsctl's tables (ovs-vswitchd.conf.db(5)).

Findings:
- R44S-1 (false pass) HVA-211: the Open vSwitch question (`ovs-vsctl port-to-br`) was asked only
  where a VM read is defined on an OVS bridge (`defined` or <virtualport type='openvswitch'>);
  a VM tap vnet3 under ovs-system (a guest of another libvirt connection, or started by hand:
  a live VM port, as the Linux bridges' loop counts one) with web01 on the Linux bridge br0
  left the host address on mgmt (an internal port) or on vmbr0 (the OVS bridge itself) unasked,
  and HVA-211 passed "no host address on a bridge with VM ports". The link list's ports under
  ovs-system are now a fact (parse/host.py _datapath_ports, Facts.ovs_datapath_ports); a VM
  port there that no running VM read names on an OVS bridge it is defined on makes the address
  on an OVS port or bridge the question, naming the tap; a VM read on vmbr0 beside a stray tap
  names both in the question, so a "yes" for "not vmbr0" does not pass the tap's bridge.

- R44S-2 (false pass) every check reading a host artefact, shown with HVA-048: the collector
  kept a command's stdout cut at MAX_OUTPUT (64 MiB) with status ok (collect/runner.py
  LocalRunner.run, SshRunner.run, so SshRunner.read_file's `cat --` too), where a local file
  over the limit is refused (fsguard read_regular: "more than the ... bytes allowed"). A
  qemu.conf read over SSH whose `security_default_confined = 0` (qemu.conf's comment: default 1)
  lies past 64 MiB of comments was read without it and HVA-048 passed "security_default_confined
  = 1, security_require_confined = 1". Now output past the limit is a failed collection
  (runner._finished), never a cut text: HVA-048 is the error naming the limit. Harness: the
  real SshRunner through an `ssh` client in PATH that runs the remote command here (its last
  argument), for qemu.conf only, in conftest.build_bundle's replayed host collection.

- R44S-3 (false pass, false n/a, wrong fail, wording) HVA-061 (pass), HVA-182 (n/a), HVA-201,
  HVA-202 (fail), HVA-045 (its question), and every reader of the process list: `ps -eo
  pid=,user:32=,args=`'s stdout was read whatever its exit (parse/host.py, three
  `Fact.of(g.text)` readers; the nsswitch and syslog readers checked it). procps-ng prints its
  usage to stderr and exits 1 with stdout empty for a format it does not take (ps/sortformat.c
  "unknown user-defined format specifier"; procps-ng 4.0.2 run here: exit 1), which read as no
  process at all: HVA-061 passed "KSM is off" with ksmtuned (which switches KSM on, the check's
  own reason to read the list) unseen, HVA-182 was "no QEMU process running" beside the running
  web01, and auditd and chronyd failed as not running. Now an exit other than 0 is the failed
  fact (_process_list: "ps exited 1: <its first stderr line>"), as `ss`'s since R40S-3; the
  auditd options, container daemons and process-start readers take the listing only from an
  exit 0 too.

- R44S-4 (false pass) HVA-030, HVA-032, HVA-036, HVA-042, HVA-043, HVA-045, HVA-048, HVA-053,
  HVA-130, HVA-131, HVA-132, HVA-201, HVA-213, HVA-215 (libvirt's files), HVA-140, HVA-150
  (sssd), HVA-200 (rsyslogd); HVA-034, HVA-035 (n/a): whether a daemon runs its files is read
  from `ps -eo pid=,lstart=` against the files' times (R24Q-4 asks where `stat` or `find`
  failed), but `ps -o lstart` exiting 1 (procps-ng: a format it does not take) or failing was
  read as no start at all, as a bundle that never asked for it: nothing changed after any
  start, and each check passed on files the running daemon may not run. Now the starts unread
  (_starts_unread: the probe collected but failed or exiting other than 0) ask, per running
  reader, "when libvirtd (pid 700) started was not read (...)" (and sssd's and rsyslogd's
  questions); only a bundle without the probe settles nothing, as before.

- R44S-5 (false pass) HVA-031: R44S-4's sibling in the QEMU processes' reader (parse/host.py
  _qemu, QemuProcess's older-than-qemu.conf reason): with `ps -o lstart` unread and libvirtd
  idle-exited, web01's QEMU with a VNC console on 10.0.0.10 passed "with TLS and a password"
  from qemu.conf, which libvirt applies when it starts the VM (R11H-2). Now asked, as R24S-1
  asks where qemu.conf's own time is unread.

Held (kept as tests): a running VM read on vmbr0 whose live XML names its tap (testnet0: the
test driver's name) the one under ovs-system (the question names vmbr0 alone, as test_ovs_management_port); no VM tap under ovs-system (only the
uplink eno1): the address on mgmt passes, as before; the address on eno2, outside Open vSwitch,
beside the stray tap: passes (no OVS port holds it). A command printing exactly MAX_OUTPUT
bytes is read whole, locally and over SSH. The hardened host's process list (exit 0) is read:
HVA-201 and HVA-202 pass. A bundle without the
process-starts artefact (an older collector, test_leads10's older_bundle_scan): HVA-048 passes
on the files, as before.

Probed by script: on 279e8988 (main) the address on mgmt and on vmbr0 with the stray tap vnet3
(both passed); on 3b45a14c (main) the 64 MiB qemu.conf over SSH (passed) and `head -c` past the
limit (status ok, cut); on e211eda8 (main) every check's verdict with ps exiting 1 against
ps failing outright: HVA-061, HVA-182, HVA-201, HVA-202, HVA-214 and HVA-045's wording
differed (HVA-214 fails "auditd is not running" as HVA-201; not kept as a test); on 1e9e103a
(main) every check's verdict with `ps -o lstart` exiting 1 against the files changed after the
daemons started: the checks listed under R44S-4 differed.

Tally: 5 findings (5 false passes; R44S-3 also a false n/a, two wrong fails and a wording);
23 cases, 17 failing on main before the fixes (R44S-1: the three probes and the new fact's
test, on 279e8988; R44S-2: the qemu.conf probe and the one-byte-over command, on 3b45a14c;
R44S-3: its five probes, on e211eda8; R44S-4: its five probes, on 1e9e103a; R44S-5: its probe,
on 6e4165be).

Leads left:
- The container daemons' reader (_container_daemon_groups) takes a process list not read as
  "no daemon runs" (only enabled units count then): a dockerd started by hand with ps unread
  would leave the docker group unweighed: not probed.
- _process_starts' remaining reader (parse/host.py, the host's daemons' start beside its
  files, ~line 12550) still takes unread starts as none: not probed.
- R44S-2's limit is checked after communicate() has read everything: a host printing
  gigabytes is held in memory first (a streaming cap would stop at the limit).
- The name ss prints for a listener is the task's comm, which any process sets (prctl
  PR_SET_NAME): `sshd)x` cut at ')' is no weaker than a process naming itself sshd; only
  /proc/PID/exe (not collected per listener) would tell them apart.
- HVA-211 with a single Open vSwitch bridge device in the link list: every bridge has an
  internal interface of its own name, so a stray tap under ovs-system is provably on it
  (a fail, where R44S-1 asks): not made a fail.
- HVA-210's host-bridge reach (network.py, the bridges some VM read is on, `carried`) reads
  the Linux bridges' members only: a management listener on an OVS bridge's address with a
  stray VM tap under ovs-system is not counted as reachable from that bridge: not probed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import conftest
from conftest import (
    HARDENED_HOST,
    ReplayRunner,
    build_bundle,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.collect.host import command_artefact
from hvaudit.collect.runner import MAX_OUTPUT, LocalRunner, RunResult, SshRunner
from hvaudit.engine import Assessment
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)
from test_ovs_management_port import _addrs, _links
from test_redteam24_stat_probes import IDLE, VNC

#: a VM's tap under the OVS datapath (ovs_netdev_link), and a Linux bridge web01 is on
STRAY = {
    "ifindex": 9,
    "ifname": "vnet3",
    "master": "ovs-system",
    "linkinfo": {"info_slave_kind": "openvswitch"},
}
BR0 = {"ifindex": 7, "ifname": "br0", "linkinfo": {"info_kind": "bridge"}}
ON_BR0 = domain_xml(
    "web01",
    "<devices><interface type='bridge'><mac address='52:54:00:00:01:01'/>"
    "<source bridge='br0'/><model type='virtio'/></interface></devices>",
)


def _on_vmbr0(tap: str) -> str:
    return domain_xml(
        "web02",
        "<devices><interface type='bridge'><mac address='52:54:00:00:01:02'/>"
        f"<source bridge='vmbr0'/><virtualport type='openvswitch'/><target dev='{tap}'/>"
        "<model type='virtio'/></interface></devices>",
    )


def _verdict(a: Assessment) -> tuple[str, str, str | None]:
    (r,) = [r for r in a.results if r.check.id == "HVA-211"]
    return outcomes(a, "HVA-211")["hv1"], messages(a, "HVA-211")["hv1"], r.outcome.question


@pytest.mark.parametrize("on", ["mgmt", "vmbr0"])
def test_r44s_1_stray_vm_tap_on_open_vswitch_asks(host_scan, on: str) -> None:
    """R44S-1: a VM tap under ovs-system that no VM read places, the address on an OVS port or
    on the OVS bridge itself: asked which bridge holds it (was: passed)."""
    a = host_scan(
        {"ip-link": (_links(STRAY, BR0), 0), "ip-addr": (_addrs(on), 0)}, domains=[ON_BR0]
    )
    got, msg, question = _verdict(a)
    assert (got, msg) == (
        "manual",
        f"host address on Open vSwitch port(s) {on} (10.0.0.10), whose bridge only ovs-vsctl "
        "shows; VM port(s) vnet3 are on Open vSwitch bridge(s) it names",
    )
    assert question is not None
    assert (
        f"Is the Open vSwitch port {on} on a bridge that no VM port is on (not the bridge of "
        f"vnet3)? Evidence: `ovs-vsctl port-to-br {on}` and `ovs-vsctl port-to-br` for vnet3 on "
        "the host."
    ) in question


def test_r44s_1_stray_tap_beside_a_vm_on_vmbr0_is_named(host_scan) -> None:
    """R44S-1: web02 on vmbr0 (its tap vnet0) beside the stray vnet3: the question names both,
    so a "yes" for "not vmbr0" does not pass vnet3's bridge unasked (was: vmbr0 alone)."""
    a = host_scan(
        {"ip-link": (_links(STRAY, BR0), 0), "ip-addr": (_addrs("mgmt"), 0)},
        domains=[ON_BR0, _on_vmbr0("vnet0")],
    )
    got, msg, question = _verdict(a)
    assert (got, msg) == (
        "manual",
        "host address on Open vSwitch port(s) mgmt (10.0.0.10), whose bridge only ovs-vsctl "
        "shows; VMs are on Open vSwitch bridge(s) vmbr0; VM port(s) vnet3 are on Open vSwitch "
        "bridge(s) it names",
    )
    assert question is not None
    assert (
        "(not vmbr0 or the bridge of vnet3)? Evidence: `ovs-vsctl port-to-br mgmt` and "
        "`ovs-vsctl list-ports BRIDGE` for vmbr0 and `ovs-vsctl port-to-br` for vnet3 on the host."
    ) in question


def test_r44s_held_tap_of_a_vm_read_on_vmbr0(host_scan) -> None:
    """Held: the tap under ovs-system is web02's (its live XML's <target dev>, which libvirt's
    test driver names testnet0 whatever the definition says) on vmbr0: the question names
    vmbr0 alone, as test_ovs_management_port's."""
    tap = {**STRAY, "ifname": "testnet0"}
    a = host_scan(
        {"ip-link": (_links(tap, BR0), 0), "ip-addr": (_addrs("mgmt"), 0)},
        domains=[ON_BR0, _on_vmbr0("testnet0")],
    )
    assert a.deployment.vms and {
        i.target_dev for v in a.deployment.vms if v.name == "web02" for i in v.interfaces
    } == {"testnet0"}
    got, msg, question = _verdict(a)
    assert (got, msg) == (
        "manual",
        "host address on Open vSwitch port(s) mgmt (10.0.0.10), whose bridge only ovs-vsctl "
        "shows; VMs are on Open vSwitch bridge(s) vmbr0",
    )
    assert question is not None and "(not vmbr0)?" in question


@pytest.mark.parametrize(
    ("extra", "on"),
    [((BR0,), "mgmt"), ((STRAY, BR0), "eno2")],
    ids=["no-vm-tap-under-ovs", "address-outside-ovs"],
)
def test_r44s_held_passes(host_scan, extra: tuple[dict[str, object], ...], on: str) -> None:
    """Held: no VM tap under ovs-system (only the uplink eno1), or the address on eno2 outside
    Open vSwitch: no OVS port holding an address shares a segment with a VM: passes."""
    a = host_scan({"ip-link": (_links(*extra), 0), "ip-addr": (_addrs(on), 0)}, domains=[ON_BR0])
    assert _verdict(a)[:2] == ("pass", "no host address on a bridge with VM ports")


def test_r44s_datapath_ports_fact(host_scan) -> None:
    """The link list's ports under ovs-system, read from `ip -j -d link`'s master."""
    a = host_scan({"ip-link": (_links(STRAY, BR0), 0)})
    (h,) = a.deployment.hosts
    assert h.facts.ovs_datapath_ports.get() == ("eno1", "mgmt", "vmbr0", "vnet3")


# --- R44S-2: output past the collector's limit was cut and read as the whole -----------------

PATH_QEMU = "/etc/libvirt/qemu.conf"


def _fake_ssh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SshRunner:
    """The real SshRunner through an `ssh` client that runs the remote command here (its last
    argument, the `env LC_ALL=C PATH=... argv` line SshRunner builds)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    ssh = bin_dir / "ssh"
    ssh.write_text('#!/bin/sh\neval "remote=\\${$#}"\nexec sh -c "$remote"\n')
    ssh.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    return SshRunner("root@hv1", connect_timeout=5)


class _OneFileOverSsh(ReplayRunner):
    """The replayed host, with qemu.conf read by the real SshRunner (`cat --`) from `big`."""

    def __init__(self, artefacts: dict[str, object], ssh: SshRunner, big: Path) -> None:
        super().__init__(artefacts)
        self.ssh, self.big = ssh, big

    def read_file(self, path: str, timeout: float) -> RunResult:
        if path == PATH_QEMU:
            return self.ssh.read_file(str(self.big), timeout)
        return super().read_file(path, timeout)


def test_r44s_2_qemu_conf_past_the_limit_is_no_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R44S-2: a qemu.conf of more than MAX_OUTPUT bytes read over SSH (`cat --`) was cut there
    with status ok, so `security_default_confined = 0` past the cut read as absent (default
    1) and HVA-048 passed; now the read fails and HVA-048 is the error naming it."""
    hardened = str(HARDENED_HOST[PATH_QEMU]).replace("security_default_confined = 1\n", "")
    big = tmp_path / "qemu.conf"
    with big.open("w") as f:
        f.write(hardened)
        pad = "#" * 1023 + "\n"
        for _ in range(MAX_OUTPUT // len(pad)):
            f.write(pad)
        f.write("security_default_confined = 0\n")
    ssh = _fake_ssh(tmp_path, monkeypatch)
    # conftest.build_bundle's host collection (ReplayRunner) with qemu.conf read over SSH
    monkeypatch.setattr(conftest, "ReplayRunner", lambda host: _OneFileOverSsh(host, ssh, big))
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01")])
    bundle = build_bundle(tmp_path, uri, dict(HARDENED_HOST))
    big.unlink()
    a = run_assessment(bundle)
    assert (outcomes(a, "HVA-048"), messages(a, "HVA-048")) == (
        {"hv1": "error"},
        {
            "hv1": "evidence could not be collected: /etc/libvirt/qemu.conf: cat: more than the "
            f"{MAX_OUTPUT} bytes allowed on stdout"
        },
    )


@pytest.mark.parametrize("over", [0, 1], ids=["at-the-limit-held", "one-byte-over"])
def test_r44s_2_command_output_past_the_limit_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, over: int
) -> None:
    """R44S-2: a command printing more than MAX_OUTPUT bytes, locally and over SSH, is a failed
    collection (was: status ok, its stdout cut to MAX_OUTPUT); exactly MAX_OUTPUT is read."""
    argv = ("head", "-c", str(MAX_OUTPUT + over), "/dev/zero")
    for runner in (LocalRunner(), _fake_ssh(tmp_path, monkeypatch)):
        res = runner.run(argv, 60)
        got = (res.status, len(res.stdout), res.reason)
        if over:
            assert got == ("failed", 0, f"head: more than the {MAX_OUTPUT} bytes allowed on stdout")
        else:
            assert got == ("ok", MAX_OUTPUT, "")


# --- R44S-3: a process list from a ps that exited 1 was read as "no process runs" -------------

#: what procps-ng 4.0.2's ps prints (stderr; stdout empty, exit 1) for a format it does not take
PS_REFUSED = 'error: unknown user-defined format specifier "user:32"\n\nUsage:\n ps [options]\n'
PS_FAILED = 'ps exited 1: error: unknown user-defined format specifier "user:32"'


@pytest.mark.parametrize(
    ("check", "on_main"),
    [
        ("HVA-061", ("pass", "KSM is off")),
        ("HVA-182", ("not_applicable", "no QEMU process running")),
        ("HVA-201", ("fail", "audit_level = 2 but auditd is not running")),
        (
            "HVA-202",
            (
                "fail",
                "no time-synchronisation daemon running (a chronyd started with -x does not "
                "count: it leaves the host clock alone)",
            ),
        ),
    ],
)
def test_r44s_3_ps_exit_1_is_no_empty_process_list(
    host_scan, check: str, on_main: tuple[str, str]
) -> None:
    """R44S-3: `ps` exiting 1 with nothing on stdout (on main: the empty list, so KSM passed
    with ksmtuned unseen, HVA-182 was n/a beside the running web01, and auditd and chronyd
    failed as not running) is the failed fact: each check is the error naming ps's exit."""
    a = host_scan({"processes": ("", 1, PS_REFUSED)})
    got = (outcomes(a, check)["hv1"], messages(a, check)["hv1"])
    assert got != on_main
    assert got == ("error", f"evidence could not be collected: {PS_FAILED}")


def test_r44s_3_seccomp_question_names_the_failed_ps(host_scan) -> None:
    """R44S-3 (wording): HVA-045 asked with "no QEMU process runs to show it" beside the
    running web01; now it says the QEMU processes were not read, and why."""
    a = host_scan({"processes": ("", 1, PS_REFUSED)})
    assert (outcomes(a, "HVA-045"), messages(a, "HVA-045")) == (
        {"hv1": "manual"},
        {
            "hv1": "seccomp_sandbox = -1 (default): libvirt adds -sandbox on only where the QEMU "
            "binary supports it (built with seccomp), and the QEMU processes were not read "
            f"({PS_FAILED})"
        },
    )


def test_r44s_3_held_ps_exit_0(host_scan) -> None:
    """Held: the hardened host's own list (exit 0) is read: auditd and chronyd run."""
    a = host_scan({})
    assert (outcomes(a, "HVA-201"), outcomes(a, "HVA-202")) == ({"hv1": "pass"}, {"hv1": "pass"})


# --- R44S-4: the processes' starts unread (ps -o lstart failed) read as "nothing changed" -----

LSTART_REFUSED = 'error: unknown user-defined format specifier "lstart"\n\nUsage:\n'
LSTART_FAILED = 'ps exited 1: error: unknown user-defined format specifier "lstart"'


@pytest.mark.parametrize(
    ("check", "message"),
    [
        (
            "HVA-048",
            f"when libvirtd (pid 700) started was not read (`ps -o lstart`: {LSTART_FAILED}); it "
            "reads /etc/libvirt/qemu.conf only when it starts, so what it runs may differ from "
            "the file",
        ),
        (
            "HVA-132",
            f"when libvirtd (pid 700) started was not read (`ps -o lstart`: {LSTART_FAILED}); it "
            "reads /etc/libvirt/libvirtd.conf only when it starts, so what it runs may differ "
            "from the file",
        ),
        (
            "HVA-140",
            f"sssd runs, but when it started was not read (`ps -o lstart`: {LSTART_FAILED}): "
            "SSSD reads its configuration only when it starts, so what it runs may differ from "
            "the files",
        ),
        (
            "HVA-200",
            f"rsyslogd runs, but when it started was not read (`ps -o lstart`: {LSTART_FAILED}): "
            "rsyslogd reads its configuration only when it starts (HUP does not re-read it), so "
            "its destinations may differ from the files",
        ),
    ],
)
def test_r44s_4_unread_starts_ask_whether_the_daemon_runs_its_files(
    host_scan, check: str, message: str
) -> None:
    """R44S-4: `ps -eo pid=,lstart=` exiting 1 (on main: no start read, so no file changed
    after its daemon started, and each check passed on the files) asks, as an unread `stat`
    or `find` of the files does."""
    a = host_scan({"process-starts": ("", 1, LSTART_REFUSED)})
    assert (outcomes(a, check), messages(a, check)) == (
        {"hv1": "manual"},
        {"hv1": f"evidence unavailable: {message}"},
    )


def test_r44s_4_failed_starts_probe_asks(host_scan) -> None:
    """R44S-4: the probe failing outright (its reason) asks as well (on main: passed)."""
    a = host_scan({"process-starts": RuntimeError("timed out after 30s")})
    assert (outcomes(a, "HVA-048"), messages(a, "HVA-048")) == (
        {"hv1": "manual"},
        {
            "hv1": "evidence unavailable: when libvirtd (pid 700) started was not read (`ps -o "
            "lstart`: timed out after 30s); it reads /etc/libvirt/qemu.conf only when it "
            "starts, so what it runs may differ from the file"
        },
    )


def test_r44s_4_held_starts_never_asked_for(
    older_bundle_scan,  # noqa: F811
) -> None:
    """Held: a bundle of a collector before the starts were asked for (the artefact taken out
    of the bundle) settles nothing either way: the checks read the files, as before."""
    a = older_bundle_scan({}, gone=command_artefact("process-starts"))
    assert (outcomes(a, "HVA-048"), messages(a, "HVA-048")) == (
        {"hv1": "pass"},
        {"hv1": "security_default_confined = 1, security_require_confined = 1"},
    )


def test_r44s_5_running_qemu_with_its_start_unread_is_asked(host_scan) -> None:
    """R44S-5 (false pass) HVA-031: libvirtd idle-exited, web01's QEMU (pid 1200) runs with a
    VNC console on 10.0.0.10 and `ps -o lstart` exited 1: HVA-031 passed "with TLS and a
    password" from qemu.conf (on 6e4165be), though libvirt applies the file when it starts the
    VM; now the question R24S-1 asks where qemu.conf's time is unread, for the start."""
    a = host_scan(
        {"process-starts": ("", 1, LSTART_REFUSED), "processes": (IDLE, 0)},
        domains=[domain_xml("web01", VNC)],
    )
    assert (outcomes(a, "HVA-031"), messages(a, "HVA-031")) == (
        {"web01": "manual"},
        {
            "web01": "vnc on 10.0.0.10 with TLS and a password, as /etc/libvirt/qemu.conf says "
            f"now; but when its QEMU (pid 1200) started was not read (`ps -o lstart`: "
            f"{LSTART_FAILED}), so whether it started before /etc/libvirt/qemu.conf was changed "
            "at 2024-11-20 09:30:00 UTC is unknown"
        },
    )
