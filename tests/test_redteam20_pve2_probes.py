"""Red team 20 (second), Proxmox VE: qm.conf numbers and cpusets as check_type reads them.

Probed: the leads P20-1 left (numeric qm.conf settings read with Python's int(), the `cpu`
string), `affinity` (format pve-cpuset) beside the libvirt cpuset syntax hvaudit read it with,
and HVA-090's judgement of a pin. Sources from github:proxmox/qemu-server e6352be and
pve-common f665029, read with `fetch`.

Findings (each pinned below):

- P20-3 (false pass): qemu-server's parse_vm_config passes every value through check_type
  (src/PVE/QemuServer.pm): an `integer` key must match `m/^(\\d+)$/` (returned as `int($1)`),
  a `number` `m/^(\\d+)(\\.\\d+)?$/`, and `affinity` (type string, format pve-cpuset) goes to
  pve_verify_cpuset, which dies "unable to parse cpuset option" where pve-common's
  PVE::CpuSet parse_cpuset (src/PVE/CpuSet.pm) refuses a part not `m/^\\s*(\\d+)(?:-(\\d+))?
  \\s*$/` or a range ending below its start; a refused value is dropped ("unable to parse value
  of '$key'"), so the key's default applies: no affinity (taskset is not run, the VM's QEMU
  may use every host CPU), no cpuunits. hvaudit read `affinity` with libvirt's cpuset syntax
  (`^` exclusions, Python's int(): `+2`, `2_3`, U+0662) and `cpuunits` as written: a
  neighbour's refused `affinity: 2-3,^1` (running on every CPU) left web-10's `affinity: 0-1`
  "used by no other running or autostart VM" (HVA-090 pass; now a fail naming api-11), a VM's
  own refused affinity was its reservation (pass; now the platform's question), and a refused
  `cpuunits: 1_024` its priority (the platform's question; now a fail "no CPU priority").
  And an affinity Proxmox takes but libvirt's syntax does not read (`0-1,`: Perl's split drops
  a trailing empty field) was a reservation no neighbour was weighed against (pass beside an
  unpinned running VM; now a fail) and left the neighbour's own pin unshared-looking (a
  wrong fail of api-11). Now parse_qemu_config refuses such values as check_type does
  (hvaudit.parse.proxmox._QM_SCALARS, pve_cpuset), with a note, and reads integers as int($1).

Held (kept as tests): blanks around a cpuset part (`0 , 1`) and disjoint pins keep both
reservations; `cpuunits: 0100` is read as 100.

Probed by script, not kept (the verdict was right): a refused `shares` (`0_0`, `1_0`) beside a
balloon target was a priority as written where qemu-server's default 1000 applies (the same
pass; the message now says the default). Read, not probed further (the verdict holds):
pveproxy's PROXY_REAL_IP_HEADER only changes the logged address (pve-http-server 5c9e4ea
AnyEvent.pm: `$reqstate->{log}->{real_ip}`), check_host_access judges the peer address, so
HVA-305 needs no reading of it; user.cfg ACLs of a user or group not defined yet are kept by
parse_user_config (it warns "ignore invalid acl member/group" but files them all the same:
pve-access-control 5ccd07d AccessControl.pm), as hvaudit keeps them; a pool's ACL reaches its
VMs whether propagated or not (RPCEnvironment.pm compile_acl_path: `roles($cfg, $user,
"/pool/$pool")` at the pool's own node), which HVA-307 counts as granular either way.

Tally: P20-3: 13 cases, all failing on main 609ada2 before the fix; the held one (its verdicts
were right) only by its message, `cpuunits 0100` now being read as int($1), 100.

Leads left (not settled in the time): `cpu` is still read without its schema: CPUConfig.pm
validate_vm_cpu_conf refuses a cputype the node's QEMU model list
(/usr/share/kvm/cpu-models-x86_64.json) lacks, VM-specific flags outside CPUFlags.pm's set
(nested-virt, md-clear, pcid, spec-ctrl, ssbd, ibpb, virt-ssbd, amd-ssbd, amd-no-ssb, pdpe1gb,
hv-tlbflush, hv-evmcs, aes: `+vmx` is refused) and `reported-model`, and the VM then runs the
default kvm64 (qemu64 with `kvm: 0`); for HVA-049 that is a wrong fail of `cpu: host,
flags=+vmx` beside nested KVM, and a false pass only under TCG (`kvm: 0` with a refused
Intel-named cpu: qemu64 keeps the svm TCG emulates); the model list is the node's, not in
the evidence. rng0's integers are matched with `-?[0-9]+` where pve-common's property-string
integer takes a `+` too (`max_bytes=+5` is read as no hardware RNG: n/a where a bound holds).
A pve-cpuset that Proxmox takes but util-linux taskset may not (`0 , 1`, `0-1,`: the VM's
start fails if taskset refuses it) was not checked against taskset's cpulist_parse. LXC
`cpuunits`/`cores` are assigned by pve-container even when check_type refuses them (a warning
only), so _QM_SCALARS is not applied to containers; what pve-container then does with such a
value was not read. `features: mknod=1`/`force_rw_sys=1` of an unprivileged container are not
named by HVA-314.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result
from test_redteam2_probes import pve_scan as _pve_scan

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
VM201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
CONF200 = "etc/pve/qemu-server/200.conf"
CONF201 = "etc/pve/qemu-server/201.conf"
CT300 = "etc/pve/lxc/300.conf"


def pve_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: dict[str, str]) -> dict:
    """test_redteam2_probes.pve_scan with the onboot container dns-01 kept on host CPU 15 (a
    raw cpuset), off the CPUs these VMs pin: pvestatd would otherwise give it any CPU, which
    HVA-090 counts against a reservation (R25R-5)."""
    ct = (PVE_HARDENED / CT300).read_text() + "lxc.cgroup2.cpuset.cpus: 15\n"
    return _pve_scan(tmp_path, capsys, {CT300: ct, **edits})


PLATFORM = "platform limitation: the platform has no CPU reservation setting; "


# --- P20-3: numbers and cpusets check_type refuses are dropped ----------------------------------------


@pytest.mark.parametrize(
    "refused",
    ["2-3,^1", "2_3", "\u0662-\u0663", "+2-3", "2 - 3"],
    ids=["exclusion", "underscore", "arabic-indic", "sign", "blank-range"],
)
def test_p20_3_neighbours_refused_affinity_shares_every_cpu(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], refused: str
) -> None:
    """pve-common CpuSet.pm parse_cpuset: each part `m/^\\s*(\\d+)(?:-(\\d+))?\\s*$/` or "invalid
    range"; qemu-server pve_verify_cpuset turns that into "unable to parse cpuset option" and
    parse_vm_config drops `affinity`: api-11 (autostart) runs on every host CPU, web-10's 0-1
    included. Was pass "affinity 0-1, used by no other running or autostart VM" for web-10 and
    a pass of api-11's own "reservation"."""
    report = pve_scan(
        tmp_path,
        capsys,
        {
            CONF200: VM200 + "affinity: 0-1\n",
            CONF201: VM201 + f"onboot: 1\naffinity: {refused}\n",
        },
    )
    assert pve_result(report, "HVA-090", "web-10") == (
        "fail",
        "no CPU reservation (host CPU(s) 0-1 also open to VM(s) api-11) (limit: cpulimit 2; "
        "priority: cpuunits 1024)",
    )
    assert pve_result(report, "HVA-090", "api-11") == (
        "manual",
        PLATFORM + "limit: cpulimit 1; priority: cpuunits 512",
    )
    assert any(
        "201.conf" in n and "affinity:" in n and "unable to parse cpuset option" in n
        for n in report["notes"]
    ), report["notes"]


def test_p20_3_own_refused_affinity_reserves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """web-10's `affinity: 0-3,^2,^3` is refused (no `^` in pve-cpuset): web-10 runs on every
    CPU, which the platform's question asks about, and api-11's 2-3 are open to it. Was pass for
    both."""
    report = pve_scan(
        tmp_path,
        capsys,
        {CONF200: VM200 + "affinity: 0-3,^2,^3\n", CONF201: VM201 + "affinity: 2-3\n"},
    )
    # joined with the question of cpuunits 1024 on an unknown cgroup version (R34R-1)
    assert pve_result(report, "HVA-090", "web-10") == (
        "manual",
        "limit: cpulimit 2; priority: cpuunits 1024; " + PLATFORM + "cpuunits 1024 is the "
        "default CPU weight on cgroup v1, and the cgroup version of host pve-h1 is not known (a "
        "copied configuration tree has no live host to read facts from)",
    )
    assert pve_result(report, "HVA-090", "api-11") == (
        "fail",
        "no CPU reservation (host CPU(s) 2-3 also open to VM(s) web-10) (limit: cpulimit 1; "
        "priority: cpuunits 512)",
    )


def test_p20_3_trailing_comma_pin_is_weighed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`affinity: 0-1,` is 0-1 to Proxmox (Perl's split drops trailing empty fields), which
    libvirt's syntax did not read: the pin was taken as a reservation without weighing the
    neighbours (pass beside api-11, autostart and unpinned, which may use CPUs 0-1). Fail."""
    report = pve_scan(
        tmp_path, capsys, {CONF200: VM200 + "affinity: 0-1,\n", CONF201: VM201 + "onboot: 1\n"}
    )
    assert pve_result(report, "HVA-090", "web-10") == (
        "fail",
        "no CPU reservation (host CPU(s) 0-1 also open to VM(s) api-11) (limit: cpulimit 2; "
        "priority: cpuunits 1024)",
    )


@pytest.mark.parametrize("cpuunits", ["1_024", "1024.0", "\u0661\u0660\u0662\u0664", "-1", "+1024"])
def test_p20_3_refused_cpuunits_is_no_priority(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cpuunits: str
) -> None:
    """QemuServer.pm check_type, `integer`: `return int($1) if $value =~ m/^(\\d+)$/; die "type
    check ('integer') failed"`: cpuunits is dropped and the VM has no CPU weight of its own. Was
    the platform's question with "priority: cpuunits 1_024"."""
    conf = VM200.replace("cpuunits: 1024", f"cpuunits: {cpuunits}")
    report = pve_scan(tmp_path, capsys, {CONF200: conf})
    assert pve_result(report, "HVA-090", "web-10") == (
        "fail",
        "no CPU priority (limit: cpulimit 2; reservation: platform limitation, no such setting)",
    )
    assert any("cpuunits:" in n and "('integer')" in n for n in report["notes"]), report["notes"]


def test_p20_3_held_valid_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Held: blanks around a cpuset part (`0 , 1`: `\\s*` in parse_cpuset) and disjoint pins
    keep both reservations; an integer with leading zeros is read as int($1) (`0200` is 200;
    `0100`, 100, is cgroup v2's default weight, asked on a node whose version is not read,
    R30T-2)."""
    report = pve_scan(
        tmp_path,
        capsys,
        {
            CONF200: VM200.replace("cpuunits: 1024", "cpuunits: 0200") + "affinity: 0 , 1\n",
            CONF201: VM201 + "onboot: 1\naffinity: 2-3\n",
        },
    )
    assert pve_result(report, "HVA-090", "web-10") == (
        "pass",
        "reservation: affinity 0 , 1, used by no other running or autostart VM; limit: "
        "cpulimit 2; priority: cpuunits 200",
    )
    assert pve_result(report, "HVA-090", "api-11")[0] == "pass"
