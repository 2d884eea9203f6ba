"""Leads of red-team round 14 (tests/test_redteam14_vmw_probes.py and
tests/test_pvevmw_leads14.py, "Leads left"/"Not settled") settled in session 15 (issue 8:
verdicts an auditor can sign). Each test names the source it rests on and asserts the exact
verdict; each finding's test failed on main before its fix.

VMware:
- L15-1 (false pass): HVA-401 and HVA-049 passed a VM whose .vmx leaves isolation.* or
  vhv.enable out, on VMware's built-in default; the host's /etc/vmware/config (host defaults,
  lowest precedence; ESXi 5.0's vhv.allow there nested every VM) can set them, and neither the
  vSphere API nor a datastore's .vmx shows it. Now one question per host naming the VMs; a VM
  setting the keys itself passes or fails as before. HVA-402 likewise (L15-3).
- L15-2 (false pass): HVA-433/434 counted a PVLAN port group under its secondary id only; an
  isolated/community PVLAN whose primary is the management VLAN passed "management alone". The
  collector reads VMwareDVSConfigInfo.pvlanConfig in bulk; the port group counts in its primary.
- L15-3 (false pass; wrong fail): HVA-402 passed tools.setInfo.sizeLimit = 0 "at most the 1 MB
  default" (now a fail: no documented meaning, STIG VMCH-80-000196 asks for 1048576) and failed
  0x100000 / 04000000, which VMware's strtol reads as 1048576 (now pass).

Proxmox VE:
- L15-4 (wrong message, wrong fail): HVA-070 named an inert `shares` (no balloon target) as the
  VM's priority and failed `balloon: N` without shares (weight 1000). A VM with fixed memory
  (hugepages, balloon: 0) needs no priority and says so; the hardened VMs keep their pass.
- L15-5 (incomplete message): HVA-067 did not name vmstate volumes (suspend to disk, snapshots
  with RAM) among what holds an unencrypted guest's memory on storage.

Held (verdict unchanged): a VM setting every isolation key TRUE, or one FALSE (new pass text);
0x1000000 still fails (now as 16777216); VM 200 without vmstate; community PVLAN 31 of primary
30 beside management on VLAN 20; the hardened VM 200 (new text).

Tally: 16 cases; 15 failed on main ceadf4e^ .. 79e9a9b^ (11 for the findings, 4 held verdicts
for their new text or _dvs_record's new argument); 1 held passed on main too.

Not settled: other VMware VM checks that pass on an absent .vmx key (e.g. HVA-031's
RemoteDisplay.vnc.enabled, HVA-047's devices, vmci0.unrestricted) could be overridden by the same
/etc/vmware/config and were not reviewed; a bundle without the PVLAN primary (older collections,
non-VMware DVS) still counts a PVLAN port group under its secondary only; vcsim was run with the
new pvlanConfig retrieve (no error) but no mapped PVLAN was configured on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hvaudit.checks.vmware import settings_question
from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan
from test_redteam11_vmw_probes import _question, _verdict
from test_redteam13_vmw_probes import _mgmt_host, _vsphere
from test_redteam17_vmw_probes import own_keys
from test_vmx import scan

HOST = "offline-vmx"

ISOLATION_TRUE = "".join(
    f'{k} = "TRUE"\n'
    for k in (
        "isolation.tools.copy.disable",
        "isolation.tools.paste.disable",
        "isolation.tools.dnd.disable",
        "isolation.tools.diskShrink.disable",
        "isolation.tools.diskWiper.disable",
        "isolation.device.connectable.disable",
    )
)


def _offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], vmx: dict[str, str], check_id: str
) -> list[tuple[str, str, str, str | None]]:
    """.vmx files read offline (vmx+dir://): (subject, status, message, question) of
    `check_id`."""
    folder = tmp_path / "dc"
    folder.mkdir()
    for name, text in vmx.items():
        (folder / f"{name}.vmx").write_text(f'displayName = "{name}"\n{text}')
    _, report = scan(folder, capsys)
    return [
        (r["subject"]["name"], r["status"], r["message"], r.get("question"))
        for r in report["results"]
        if r["check_id"] == check_id
    ]


# --- L15-1: keys a .vmx leaves to the host's /etc/vmware/config -------------------------------------

# VMware's configuration file hierarchy ("Using a Configuration File Hierarchy", read with
# `search`): the VM's own file has the highest precedence, "/etc/vmware/config: Lowest precedence.
# A host default configuration file"; on ESXi 5.0 `vhv.allow = "TRUE"` appended to
# /etc/vmware/config gave every VM of the host VT-x/AMD-V. Neither the vSphere API nor a
# datastore's .vmx shows that file, and no hvaudit collector reads it.

ISOLATION_QUESTION = (
    "Do /etc/vmware/settings and /etc/vmware/config on host offline-vmx leave each of "
    "isolation.tools.*.disable and isolation.device.connectable.disable out, or set them to "
    "TRUE? Evidence: `grep -i` for these keys in /etc/vmware/settings and /etc/vmware/config on "
    "the host (ESXi Shell or SSH). Pass: yes; fail: it sets one to FALSE (or to text VMware does "
    "not read as TRUE)."
)


def test_isolation_keys_absent_ask_the_host_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """HVA-401 passed two VMs without isolation keys "TRUE or absent (VMware's default is TRUE)";
    a host /etc/vmware/config setting isolation.tools.copy.disable = "FALSE" opens the clipboard
    of both. Right: one question for the host naming both VMs; no VM pass."""
    got = _offline(
        tmp_path, capsys, {"a1": "", "b2": 'isolation.tools.copy.disable = "TRUE"\n'}, "HVA-401"
    )
    assert got == [
        (
            "offline-vmx",
            "manual",
            "2 VM(s) (a1, b2) do not set each of isolation.tools.*.disable and "
            "isolation.device.connectable.disable in their .vmx: the host's /etc/vmware/settings "
            "and /etc/vmware/config, not read, decide",
            ISOLATION_QUESTION,
        )
    ]


def test_isolation_keys_all_set_true_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: a VM whose own .vmx sets every key TRUE passes (the VM's file outranks the host's),
    and one setting a key FALSE fails; neither needs the host's file."""
    got = _offline(
        tmp_path,
        capsys,
        {"a1": ISOLATION_TRUE, "b2": 'isolation.tools.paste.disable = "FALSE"\n'},
        "HVA-401",
    )
    assert sorted(got) == [
        # V17-1: the pass is withheld as the question of the host's /etc/vmware/settings
        (
            "a1",
            *own_keys(("pass", "every isolation key is set TRUE in the VM's own settings"), HOST),
            settings_question(HOST),
        ),
        ("b2", "fail", "set to FALSE: isolation.tools.paste.disable", None),
    ]


def test_absent_vhv_enable_asks_the_host(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """HVA-049 passed a VM without vhv.enable "no vhv.enable = TRUE: the guest is not given
    VT-x/AMD-V" (its docstring: "No host setting adds it"); the host's /etc/vmware/config can
    (vhv.allow on ESXi 5.0). Right: the host's question; an explicit FALSE still passes."""
    got = _offline(tmp_path, capsys, {"a1": "", "b2": 'vhv.enable = "FALSE"\n'}, "HVA-049")
    assert sorted(got) == [
        (
            "b2",
            *own_keys(
                ("pass", "vhv.enable is FALSE in the VM's own settings: no VT-x/AMD-V"), HOST
            ),
            settings_question(HOST),
        ),
        (
            "offline-vmx",
            "manual",
            "1 VM(s) (a1) do not set vhv.enable (and ESXi 5.0's vhv.allow) in their .vmx: the "
            "host's /etc/vmware/settings and /etc/vmware/config, not read, decide",
            "Do /etc/vmware/settings and /etc/vmware/config on host offline-vmx leave vhv.enable "
            "(and ESXi 5.0's vhv.allow) out, or set them to FALSE? Evidence: `grep -i` for these "
            "keys in /etc/vmware/settings and /etc/vmware/config on the host (ESXi Shell or SSH). "
            "Pass: yes; fail: it sets one to TRUE.",
        ),
    ]


def test_vsphere_vm_without_nested_hv_asks_its_host(tmp_path: Path) -> None:
    """The vSphere API's config.nestedHVEnabled = false (rendered as no vhv.enable) does not say
    whether the .vmx leaves the key to the host: the question is asked of the VM's host."""
    a = _vsphere(tmp_path, {}, vmx='displayName = "vm1"\n')
    assert _verdict(a, "HVA-049") == (
        "manual",
        "1 VM(s) (vm1) do not set vhv.enable (and ESXi 5.0's vhv.allow) in their .vmx: the "
        "host's /etc/vmware/settings and /etc/vmware/config, not read, decide",
    )
    assert _question(a, "HVA-049").startswith(
        "Do /etc/vmware/settings and /etc/vmware/config on host esx1 leave"
    )


# --- L15-3: HVA-402's size limit as VMware reads a number ------------------------------------------

# DISA vSphere 8 STIG VMCH-80-000196 (read with `find_string`): "If the virtual machine advanced
# setting "tools.setinfo.sizeLimit" is not set to "1048576", this is a finding. If [it] does not
# exist, this is not a finding." No VMware text read says what a limit of 0 does. VMware's
# dictionary reads a number with strtol(s, &p, 0) (DictionaryNarrowValue, `vmx_long`).

HOST_INFO_OFF = 'tools.guestlib.enableHostInfo = "FALSE"\n'


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        # was pass "size limit 0 (at most the 1 MB default)"
        (
            "0",
            (
                "fail",
                "tools.setInfo.sizeLimit = 0 (no documented limit; VMCH-80-000196 asks for "
                "1048576)",
            ),
        ),
        # was a fail "(above 1048576)": strtol base 0 reads hex and octal
        (
            "0x100000",
            (
                "pass",
                "size limit 0x100000 (VMware reads 1048576: at most the 1 MB default) and no host "
                "information for the guest",
            ),
        ),
        (
            "04000000",
            (
                "pass",
                "size limit 04000000 (VMware reads 1048576: at most the 1 MB default) and no host "
                "information for the guest",
            ),
        ),
    ],
)
def test_setinfo_limit_read_as_vmware_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], limit: str, expected: tuple[str, str]
) -> None:
    got = _offline(
        tmp_path,
        capsys,
        {"a1": f'tools.setInfo.sizeLimit = "{limit}"\n{HOST_INFO_OFF}'},
        "HVA-402",
    )
    assert [(status, message) for _, status, message, _ in got] == [own_keys(expected, HOST)]


def test_setinfo_hex_above_the_limit_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held (a fail before, for the text; now for the number): 0x1000000 is 16 MiB."""
    got = _offline(
        tmp_path,
        capsys,
        {"a1": f'tools.setInfo.sizeLimit = "0x1000000"\n{HOST_INFO_OFF}'},
        "HVA-402",
    )
    assert got == [
        (
            "a1",
            "fail",
            "tools.setInfo.sizeLimit = 0x1000000 (VMware reads 16777216: above 1048576)",
            None,
        )
    ]


def test_setinfo_keys_absent_ask_the_host(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """L15-1 for HVA-402: a VM without tools.setInfo.sizeLimit passed "size limit at its
    default"; the host's /etc/vmware/config can raise it or turn enableHostInfo on."""
    got = _offline(tmp_path, capsys, {"a1": HOST_INFO_OFF}, "HVA-402")
    assert got == [
        (
            "offline-vmx",
            "manual",
            "1 VM(s) (a1) do not set tools.setInfo.sizeLimit and tools.guestlib.enableHostInfo in "
            "their .vmx: the host's /etc/vmware/settings and /etc/vmware/config, not read, decide",
            "Do /etc/vmware/settings and /etc/vmware/config on host offline-vmx leave "
            "tools.setInfo.sizeLimit and tools.guestlib.enableHostInfo out, or set the limit to at "
            "most 1048576 and enableHostInfo to FALSE? Evidence: `grep -i` for these keys in "
            "/etc/vmware/settings and /etc/vmware/config on the host (ESXi Shell or SSH). Pass: "
            "yes; fail: it sets a limit above 1048576 or 0, or enableHostInfo TRUE.",
        )
    ]


# --- L15-5: HVA-067 and Proxmox VE's vmstate volumes ------------------------------------------------

# qemu-server's confdesc (read with `find_string`): vmstate "Reference to a volume which stores
# the VM state. This is used internally for snapshots"; `qm suspend --todisk` "If set, suspends
# the VM to disk. Will be resumed on next VM start"; vmstatestorage "Default storage for VM state
# volumes/files".

VM200_PATH = "etc/pve/qemu-server/200.conf"
VM200_TEXT = (PVE_HARDENED / VM200_PATH).read_text()


def test_pve_vmstate_named_as_memory_on_storage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """HVA-067's message names what puts an unencrypted guest's memory on the host's disks
    (leads13); a VM suspended to disk (vmstate in its current configuration) and a snapshot taken
    with RAM were not named. Right: both named, the verdict still the question."""
    text = (
        VM200_TEXT
        + "vmstate: local-lvm:vm-200-state-suspend-2026-12-02\n"
        + "\n[pre-upgrade]\nmemory: 8192\nsnaptime: 1700000000\n"
        + "vmstate: local-lvm:vm-200-state-pre-upgrade\n"
    )
    report = pve_scan(tmp_path, capsys, {VM200_PATH: text})
    assert pve_result(report, "HVA-067", "web-10") == (
        "manual",
        "no amd-sev or intel-tdx: guest memory is readable by the host; written to its disk too: "
        "vmstate: local-lvm:vm-200-state-suspend-2026-12-02 (suspended to disk: the guest's RAM "
        "is on that volume until the next start); snapshot pre-upgrade with RAM (vmstate: "
        "local-lvm:vm-200-state-pre-upgrade)",
    )


def test_pve_without_vmstate_names_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: the hardened VM 200 has no vmstate; its message names nothing more."""
    report = pve_scan(tmp_path, capsys, {})
    assert pve_result(report, "HVA-067", "web-10") == (
        "manual",
        "no amd-sev or intel-tdx: guest memory is readable by the host",
    )


# --- L15-2: HVA-433 and an isolated private VLAN whose primary is the management VLAN -------------

# vSphere API (read with `search`; V14-7): VmwareDistributedVirtualSwitchPvlanSpec.pvlanId "The
# secondaryVlanId"; VMwareDVSConfigInfo.pvlanConfig lists VMwareDVSPvlanMapEntry (primaryVlanId,
# secondaryVlanId, pvlanType: promiscuous, isolated or community). An isolated or community
# secondary VLAN lives inside its primary: its guests reach the primary's promiscuous ports.


def _pvlan_record(secondary: int, primary: int, kind: str) -> dict[str, Any]:
    """vCenter's distributed switch dvs-7 with Tenants on private VLAN `secondary`, mapped in the
    switch's pvlanConfig to `primary` as `kind`: real pyVmomi data objects through
    collect/vsphere.py's _dvs_record."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _dvs_record

    dvs = vim.dvs.VmwareDistributedVirtualSwitch
    port = dvs.VmwarePortConfigPolicy(vlan=dvs.PvlanSpec(pvlanId=secondary))
    switch = vim.dvs.VmwareDistributedVirtualSwitch("dvs-7")
    props = {
        "name": "Tenants",
        "key": "dvportgroup-9",
        "config.defaultPortConfig": port,
        "config.distributedVirtualSwitch": switch,
        "config.uplink": False,
        # its ports may not override the VLAN (as vCenter reports it; not reported asks, L19-3V)
        "config.policy": dvs.VMwarePortgroupPolicy(
            vlanOverrideAllowed=False, securityPolicyOverrideAllowed=False
        ),
    }
    entries = [
        vim.dvs.VmwareDistributedVirtualSwitch.PvlanMapEntry(
            primaryVlanId=primary, secondaryVlanId=primary, pvlanType="promiscuous"
        ),
        vim.dvs.VmwareDistributedVirtualSwitch.PvlanMapEntry(
            primaryVlanId=primary, secondaryVlanId=secondary, pvlanType=kind
        ),
    ]
    return _dvs_record(
        [(switch, {"name": "DSwitch"})], {"dvportgroup-9": props}, {"dvs-7": entries}
    )


def _mgmt_on_20(tmp_path: Path, dvs: dict[str, Any]) -> tuple[str, str]:
    host = _mgmt_host("esx1", 20)
    del host["name"]
    return _verdict(_vsphere(tmp_path, host, dvs=dvs), "HVA-433")


def test_isolated_pvlan_in_the_management_primary(tmp_path: Path) -> None:
    """Management alone on vmk0, VLAN 20; Tenants on isolated PVLAN 21 of primary 20. HVA-433
    counted the port group under 21 only (pvlanConfig not read) and passed "management alone".
    Right: fail, Tenants shares the management VLAN through its primary."""
    record = _pvlan_record(21, 20, "isolated")
    assert record["portgroups"][0]["vlan"] == {
        "kind": "pvlan",
        "id": 21,
        "primary": 20,
        "type": "isolated",
    }
    assert _mgmt_on_20(tmp_path, record) == (
        "fail",
        "vmk0 VLAN 20 shared with Tenants (private VLAN 21, isolated in primary 20)",
    )


def test_pvlan_in_another_primary_held(tmp_path: Path) -> None:
    """Held: community PVLAN 31 of primary 30 beside management on VLAN 20 passes."""
    assert _mgmt_on_20(tmp_path, _pvlan_record(31, 30, "community")) == (
        "pass",
        "management alone on vmk0 VLAN 20",
    )


# --- L15-4: HVA-070's Proxmox VE priority is the auto-ballooning weight, which needs a balloon ------

# qemu-server's vmstatus (read with `find_string`): `if ($conf->{balloon}) { $d->{balloon_min} =
# ...; $d->{shares} = defined($conf->{shares}) ? $conf->{shares} : $defaults->{shares}; }` (1000);
# pve-manager AutoBalloon.pm skips a VM without a balloon minimum. Without a balloon target
# `shares` is inert; a VM whose memory is fixed (hugepages, balloon: 0) needs no priority.


def _vm200(edits: dict[str, str | None]) -> str:
    lines = [ln for ln in VM200_TEXT.splitlines() if ln.split(":", 1)[0] not in edits]
    return "\n".join(lines + [f"{k}: {v}" for k, v in edits.items() if v is not None]) + "\n"


def test_balloon_target_without_shares_has_the_default_weight(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A balloon target and no `shares`: the VM takes part in auto-ballooning at weight 1000.
    HVA-070 failed it "no memory priority". Right: pass, naming the default."""
    report = pve_scan(tmp_path, capsys, {VM200_PATH: _vm200({"shares": None, "balloon": "2048"})})
    assert pve_result(report, "HVA-070", "web-10") == (
        "pass",
        "hugepages 2; memory shares 1000 (the default, balloon target 2048 MiB); configured size "
        "8.0 GiB",
    )


def test_shares_without_a_balloon_is_no_priority(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`shares: 2000` on a VM with neither a guarantee nor a balloon target: HVA-070 said "no
    memory guarantee (memory shares 2000; ...)", naming an inert weight as the priority. Right:
    neither a guarantee nor a priority."""
    report = pve_scan(tmp_path, capsys, {VM200_PATH: _vm200({"hugepages": None})})
    assert pve_result(report, "HVA-070", "web-10") == (
        "fail",
        "no memory guarantee, priority (configured size 8.0 GiB)",
    )


def test_hardened_vm_needs_no_priority(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The hardened VM 200 (hugepages 2, shares 2000, no balloon target): pass held, its message
    no longer calls the inert shares a priority."""
    report = pve_scan(tmp_path, capsys, {})
    assert pve_result(report, "HVA-070", "web-10") == (
        "pass",
        "hugepages 2; no priority needed: memory fixed, outside pvestatd's auto-ballooning "
        "(shares 2000 inert without a balloon target); configured size 8.0 GiB",
    )
