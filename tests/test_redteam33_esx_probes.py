"""Thirty-third red-team review, VMware ESXi (r33-esx): HVA-417 and HVA-191 for distributed
ports that learn MAC addresses; HVA-090 and HVA-070 for ESXi shares that are no priority;
HVA-047 for a NIC whose .vmx names no adapter type; HVA-426 for VIBs installed below the host's
acceptance level.

Harness: the collector's own code over real pyVmomi objects (collect.vsphere._dvs_record,
_host_record and render_vmx over vim.dvs.VmwareDistributedVirtualSwitch port settings and a VM's
NIC, and over vim.ResourceAllocationInfo shares), offline .vmx text, the bundle writer and the
engine, through tests/test_redteam13_vmw_probes._vsphere; HVA-419 through the V21C-2 helper
(tests/test_redteam21_vmw3_probes._ntp over a vim.host.DateTimeInfo). Each test asserts the
exact status and message. R33V-4: VsphereCollector._acceptance over a stand-in
HostImageConfigManager answering real vim.host.SoftwarePackage objects (or vim.fault.
NoPermission), and tests/vcsim answering fetchSoftwarePackages.

Findings (R33V-n):
- R33V-1 (false pass) HVA-417 HVA-191: a distributed port group (or a distributed switch's
  default port config) whose macManagementPolicy.macLearningPolicy is enabled passed HVA-417
  "distributed port group Lab rejects promiscuous mode, MAC address changes and forged
  transmits", and HVA-191 credited the VM's NIC with "MAC spoofing stopped at the port": the
  collector never read DVSMacLearningPolicy. vSphere API DVSMacLearningPolicy (read with
  `search`): enabled "The flag to indicate if source MAC address learning is allowed",
  allowUnicastFlooding "The flag to allow flooding of unlearned MAC for ingress traffic";
  vSphere 8 Networking, MAC learning (read with `search`): "the vSwitch inspects the source MAC
  address of every packet coming from the vNIC, learns the MAC address in its MAC table, and
  allows the packet to pass", unknown unicast flooding "is enabled by default, but only if MAC
  learning is enabled"; vCenter STIG VCFA-9X-000345 (DISA's InSpec control, read with
  `find_string`): "If the "MAC Learning" policy is enabled on any port group, this is a
  finding". Now collect.vsphere._dv_security keeps "macLearning" and "unicastFlooding", HVA-417
  fails naming them (checks.vmware._policy_outcome), and the port's MAC filter is not credited
  (parse.vmx_model._port_spoofing).

- R33V-2 (false pass) HVA-090 HVA-070: an ESXi VM's custom shares equal to its normal level
  (sched.cpu.shares = 2000 on 2 vCPUs, sched.mem.shares = 40960 on 4096 MB, as render_vmx
  writes SharesInfo level custom), and a .vmx value naming no level ("") counted as the VM's
  priority: HVA-090 passed "... priority: CPU shares 2000", HVA-070 "... memory shares 40960
  ...". SharesInfo.Level (vSphere API, read with `search`): normal "For CPU: Shares = 1000 *
  number of virtual CPUs For Memory: Shares = 10 * virtual machine memory size in megabytes";
  shares are relative (SharesInfo: "Shares are used to determine relative allocation between
  resource consumers"), so that number is the share of every VM left at normal, as R30T-2's
  default cgroup weight is on Linux. Now parse.vmx_model._shares counts low, high and other
  numbers only, and Vm.cpu_priority_none / memory_priority_none say why in the fail.

- R33V-3 (false pass) HVA-047: an offline .vmx NIC without ethernetN.virtualDev counted as no
  legacy NIC (the parser listed pcnet only for "vlance" and "flexible"), so HVA-047's pass
  "no ... rtl8139/ne2k/pcnet NIC ..." was withheld only by HVA-444's question and an
  attestation of an empty /etc/vmware/settings restored it (waivers._answer_host_settings).
  libvirt's src/vmx/vmx.c key table (read with `read_file`): `ethernet0.virtualDev = "<model>"
  # default depends on guestOS value`; libvirt's own corpus has ESX .vmx files without the key
  (esx-in-the-wild-1.vmx, guestOS rhel5). Now parse.vmx_model lists such a NIC in
  Vm.unnamed_emulation and HVA-047 asks its adapter type (no withheld pass). The vSphere
  collector always writes virtualDev (NIC_MODELS), so only offline .vmx files are concerned.

- R33V-4 (false pass) HVA-426: a host at PartnerSupported passed "acceptance level partner"
  whatever VIBs it holds. vSphere ESXi Installation and Setup, "Change the Host Acceptance
  Level" (read with `search`): "If the host has a higher acceptance level than the VIB ... you
  can run commands in the esxcli software vib or esxcli software profile namespace with the
  --force option ... you enforce a VIB or image profile with lower acceptance level than the
  acceptance level of the host and your setup is no longer consistent": the level bounds what
  installs next, not what is installed. Now the collector also calls
  HostImageConfigManager.fetchSoftwarePackages ("Reports the set of software packages
  installed", SoftwarePackage.acceptanceLevel; it needs Host.Config.Image, pyVmomi
  _typeinfo_vim) and HVA-426 fails a VIB below PartnerSupported, and asks where the VIBs were
  not read (checks.vmware._installed_vibs). tests/vcsim answers the call (the hardened host's
  VIBs at partner and above).

Held (kept as tests): MAC learning disabled, and no macLearningPolicy at all (a switch before
6.7): HVA-417 passes and HVA-191 credits the MAC filter as before. Custom shares above or below
the normal level's number: a priority, as before. A NIC naming vmxnet3 or vlance: judged by
its name, as before. `disable ntp` beside `enable ntp` in either order fails "clock discipline
is off": R31V's lead took it for a wrong fail ("last wins"), but ntpd's ntp_config.c
config_system_opts (ntp 4.2.8, read with `find_string`) applies every `enable` flag of the file
and then every `disable` flag (apply_enable_disable(ptree->enable_opts, 1), then
(ptree->disable_opts, 0)): a `disable ntp` anywhere wins, and the fail is right. Every
installed VIB at PartnerSupported or above: HVA-426 passes (its message now says so).

Probed by script, not kept (the verdict is the existing reading):
- render_vmx over extraConfig "isolation.tools.copy.disable" TRUE then
  "ISOLATION.TOOLS.COPY.DISABLE" FALSE keeps the first the API returns (HVA-401 judges TRUE),
  and drops "isolation.tools.paste.disable " (a trailing blank) unseen: whether hostd stores
  both and in which order it writes them to the .vmx (whose reader keeps the first) was not
  found.
- VMware VM passes that rest on .vmx keys not withheld by HVA-444 (own_keys_pass): HVA-441
  (migrate.encryptionMode), HVA-070/HVA-090 (sched.*), HVA-012 (monitor.virtual_exec). Whether
  the settings ESXI-80-000236 says "take precedence over settings in the *.vmx file" reach
  what hostd and vCenter read for vMotion and resource pools was not found. HVA-056 (no host
  TPM) does not rest on vtpm.present: the .vmx has no key that hands a guest the host's TPM.
- Syslog.global.logLevel (ESXI-80-000235: "info") is not read by HVA-420/421; whether it
  filters what vmsyslogd forwards or only its own diagnostics was not settled, so no verdict
  was changed.
- DVS MAC learning and unknown unicast flooding are also in the vSphere 9 Security
  Configuration Guide (vcenter-9.network-mac-learning: "Disable MAC learning on distributed
  switch port groups unless a workload requires it", read with `find_string`).

Tally: 4 findings (false pass 4); 18 cases in 12 test functions; 9 failed on main before the
fixes (c04d5de9: 4 for R33V-1, 2 for R33V-2; 2df94945: 1 for R33V-3; d3f05230: 2 for R33V-4);
the 9 held cases held there too (R33V-4's held pass failed there on its longer message only).
R33V-1 and R33V-2 landed in 2df94945, R33V-3 in f4a698a4, R33V-4 in 834f8b4f.

Leads left:
- R33V-4 asks HVA-426 of every host collected by an account without Host.Config.Image (the
  Read-only role lacks it): a team decision whether the documented collector role should add
  that privilege, or the question stand.
- HVA-070/090/441/012 on VMware VMs: passes resting on .vmx keys /etc/vmware/settings may
  override are not withheld as HVA-401..405 are (a team decision: which keys the vmx reads).
- extraConfig keys differing only in case, or with blanks around them: render_vmx keeps the
  first silently; a duplicates note (as for an offline .vmx) or a question would be safer.
- Syslog.global.logLevel: read its documented meaning before judging it (ESXI-80-000235).
- A port group reporting macManagementPolicy but no macLearningPolicy is read as not learning
  (the policy is Optional in DVSMacManagementPolicy; whether vCenter 6.7+ always fills it was
  not found).
- R33V-3 asks every NIC without virtualDev; VMware's table of defaults by guestOS (which
  would settle 64-bit guests, e1000 by common report) was not found.
- R33V-2 fails a .vmx shares value that names no level ("", "medium"); whether vmx takes such a
  value as normal or refuses it was not found (either way no priority).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam11_vmw_probes import _verdict
from test_redteam13_vmw_probes import _vsphere

# --- R33V-1: MAC learning on a distributed port group ----------------------------------------------


def _learning_group(name: str, learning: Any) -> dict[str, Any]:
    """A distributed port group as the collector retrieves it (DVPG_PATHS) over real pyVmomi
    objects: VLAN 20, promiscuous mode, MAC changes and forged transmits rejected, no port may
    override, and macManagementPolicy.macLearningPolicy as given."""
    from pyVmomi import vim

    dvs = vim.dvs.VmwareDistributedVirtualSwitch
    mac = dvs.MacManagementPolicy(
        allowPromiscuous=False, macChanges=False, forgedTransmits=False, macLearningPolicy=learning
    )
    policy = dvs.VMwarePortgroupPolicy(
        blockOverrideAllowed=False,
        shapingOverrideAllowed=False,
        vendorConfigOverrideAllowed=False,
        livePortMovingAllowed=False,
        portConfigResetAtDisconnect=True,
        vlanOverrideAllowed=False,
        uplinkTeamingOverrideAllowed=False,
        securityPolicyOverrideAllowed=False,
        ipfixOverrideAllowed=False,
        macManagementOverrideAllowed=False,
    )
    return {
        "name": name,
        "config.defaultPortConfig": dvs.VmwarePortConfigPolicy(
            vlan=dvs.VlanIdSpec(vlanId=20), macManagementPolicy=mac
        ),
        "config.policy": policy,
        "config.uplink": False,
    }


def _learning(tmp_path: Path, learning: Any, switch_learning: Any = None) -> Any:
    """vCenter with one distributed switch dvs-1 (its default port config rejecting all, MAC
    learning as `switch_learning`) and its port group Lab (dvportgroup-20, MAC learning as
    `learning`), one VM's NIC on Lab. The host record (_host_record), dvs.json (_dvs_record) and
    the VM's .vmx (render_vmx) are the collector's own."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _dvs_record, _host_record, render_vmx

    dvs = vim.dvs.VmwareDistributedVirtualSwitch
    switch = vim.dvs.VmwareDistributedVirtualSwitch("dvs-1")
    default = dvs.VmwarePortConfigPolicy(
        vlan=dvs.VlanIdSpec(vlanId=0),
        macManagementPolicy=dvs.MacManagementPolicy(
            allowPromiscuous=False,
            macChanges=False,
            forgedTransmits=False,
            macLearningPolicy=switch_learning,
        ),
    )
    dvpgs = {"dvportgroup-20": _learning_group("Lab", learning)}
    dvpgs["dvportgroup-20"]["config.distributedVirtualSwitch"] = switch
    nic = vim.vm.device.VirtualVmxnet3(
        key=4000,
        macAddress="00:50:56:aa:00:01",
        backing=vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(
            port=vim.dvs.PortConnection(portgroupKey="dvportgroup-20", switchUuid="u")
        ),
    )
    props = {"name": "vm-1", "config.hardware.device": [nic], "config.extraConfig": []}
    host = _host_record({"name": "esx1"}, dvpgs)
    record = _dvs_record([(switch, {"name": "dvs-1", "config.defaultPortConfig": default})], dvpgs)
    return _vsphere(tmp_path, host, dvs=record, vmx=render_vmx(props, dvpgs))


def _mac_learning(enabled: bool, flooding: bool | None = None) -> Any:
    from pyVmomi import vim

    return vim.dvs.VmwareDistributedVirtualSwitch.MacLearningPolicy(
        inherited=False, enabled=enabled, allowUnicastFlooding=flooding, limit=4096
    )


def _results(a: Any, check: str) -> dict[str, tuple[str, str]]:
    return {
        r.outcome.subject.name: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == check
    }


LEARNS = "accepts MAC learning (frames from any source MAC the port learns)"
FLOODED = ", with unknown unicast flooded to the port"
NO_MAC_FILTER = (
    "00:50:56:aa:00:01: filter 'port group Lab security policy' does not stop MAC spoofing "
    "(ARP/IP spoofing: not enforceable at the port)"
)


@pytest.mark.parametrize(
    ("enabled", "flooding", "message"),
    [
        (True, True, f"distributed port group Lab {LEARNS}{FLOODED}"),
        (True, None, f"distributed port group Lab {LEARNS}{FLOODED}"),
        (True, False, f"distributed port group Lab {LEARNS}"),
    ],
    ids=["learning-flooding", "learning-flooding-unset", "learning-no-flooding"],
)
def test_r33v_1_mac_learning_port_group_fails(
    tmp_path: Path, enabled: bool, flooding: bool | None, message: str
) -> None:
    """R33V-1: DVSMacLearningPolicy enabled ("if source MAC address learning is allowed"),
    allowUnicastFlooding ("flooding of unlearned MAC for ingress traffic", default on with
    learning: vSphere 8 Networking, MAC learning). The learning port "allows the packet to
    pass" from every source MAC it learns; VCFA-9X-000345 makes an enabled policy a finding.
    Was: HVA-417 "distributed port group Lab rejects promiscuous mode, MAC address changes and
    forged transmits" (pass) and HVA-191 "MAC spoofing stopped at the port". Right: both fail."""
    a = _learning(tmp_path, _mac_learning(enabled, flooding))
    assert _results(a, "HVA-417")["Lab"] == ("fail", message)
    assert _verdict(a, "HVA-191", "vm-1") == ("fail", NO_MAC_FILTER)


def test_r33v_1_mac_learning_switch_default_fails(tmp_path: Path) -> None:
    """R33V-1: the distributed switch's default port config learning MAC addresses (the
    PowerCLI `ReconfigureDvs_Task` shape): its ports learn. Was: pass. Right: fail."""
    a = _learning(tmp_path, _mac_learning(False), _mac_learning(True, True))
    assert _results(a, "HVA-417")["dvs-1"] == (
        "fail",
        f"distributed switch dvs-1 (default port policy) {LEARNS}{FLOODED}",
    )
    assert _results(a, "HVA-417")["Lab"] == (
        "pass",
        "distributed port group Lab rejects promiscuous mode, MAC address changes and forged "
        "transmits",
    )


@pytest.mark.parametrize("learning", [False, None], ids=["learning-off", "no-learning-policy"])
def test_r33v_1_held_learning_off_passes(tmp_path: Path, learning: bool | None) -> None:
    """R33V-1 held: MAC learning disabled, or no macLearningPolicy (a switch before 6.7 has
    none): the port group passes and HVA-191 credits the MAC filter as before."""
    a = _learning(tmp_path, None if learning is None else _mac_learning(learning))
    assert _results(a, "HVA-417")["Lab"] == (
        "pass",
        "distributed port group Lab rejects promiscuous mode, MAC address changes and forged "
        "transmits",
    )
    assert _verdict(a, "HVA-191", "vm-1") == (
        "manual",
        "MAC spoofing stopped at the port; ARP/IP spoofing cannot be stopped there by the platform",
    )


# --- R33V-2: custom shares equal to the normal level ------------------------------------------------


def _allocated(tmp_path: Path, cpu: int, mem: int) -> Any:
    """One powered-on VM rendered by the collector (render_vmx) from its API allocations: 2
    vCPUs, 4096 MB, a CPU reservation of 1000 MHz and limit of 4000, a memory reservation of
    2048 MB and limit of 4096, custom shares `cpu` and `mem` (vim.SharesInfo level custom)."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx

    def alloc(reservation: int, limit: int, shares: int) -> Any:
        return vim.ResourceAllocationInfo(
            reservation=reservation,
            limit=limit,
            shares=vim.SharesInfo(level="custom", shares=shares),
        )

    props = {
        "name": "vm-1",
        "runtime.powerState": "poweredOn",
        "config.hardware.numCPU": 2,
        "config.hardware.memoryMB": 4096,
        "config.cpuAllocation": alloc(1000, 4000, cpu),
        "config.memoryAllocation": alloc(2048, 4096, mem),
        "config.hardware.device": [],
        "config.extraConfig": [],
    }
    return _vsphere(tmp_path, {}, vmx=render_vmx(props, {}))


CPU_HAVE = "(reservation: CPU reservation 1000; limit: CPU limit 4000)"
MEM_HAVE = "(memory reservation (MiB) 2048; memory limit (MiB) 4096; configured size 4.0 GiB)"


def test_r33v_2_custom_shares_at_the_normal_level_are_no_priority(tmp_path: Path) -> None:
    """R33V-2: SharesInfo.Level normal "For CPU: Shares = 1000 * number of virtual CPUs For
    Memory: Shares = 10 * virtual machine memory size in megabytes"; custom shares of that
    number are every normal VM's share, no precedence (as R30T-2's default cgroup weight). Was:
    HVA-090 "... priority: CPU shares 2000" and HVA-070 "... memory shares 40960 ..." (pass).
    Right: both fail, saying why."""
    a = _allocated(tmp_path, 2000, 40960)
    assert _verdict(a, "HVA-090", "vm-1") == (
        "fail",
        "no CPU priority (sched.cpu.shares = 2000 is the normal level (1000 x 2 vCPU(s)), the "
        f"share of every VM left at normal) {CPU_HAVE}",
    )
    assert _verdict(a, "HVA-070", "vm-1") == (
        "fail",
        f"no memory priority {MEM_HAVE}: sched.mem.shares = 40960 is the normal level (10 x "
        "4096 MB), the share of every VM left at normal",
    )


def test_r33v_2_shares_naming_no_level_are_no_priority(tmp_path: Path) -> None:
    """R33V-2: a .vmx whose sched.cpu.shares is empty was "priority: CPU shares " (pass): a
    value that is neither low, normal, high nor a number names no priority."""
    vmx = (
        'displayName = "vm-1"\nnumvcpus = "2"\nmemsize = "4096"\nsched.cpu.min = "1000"\n'
        'sched.cpu.max = "4000"\nsched.cpu.shares = ""\nhvaudit.powerState = "poweredOn"\n'
    )
    a = _vsphere(tmp_path, {}, vmx=vmx)
    assert _verdict(a, "HVA-090", "vm-1") == (
        "fail",
        f"no CPU priority (sched.cpu.shares = '' names no share level or number of shares) "
        f"{CPU_HAVE}",
    )


@pytest.mark.parametrize(
    ("cpu", "mem"), [(3000, 20480), (1000, 81920)], ids=["above-below", "below-above"]
)
def test_r33v_2_held_other_custom_shares_are_a_priority(tmp_path: Path, cpu: int, mem: int) -> None:
    """R33V-2 held: custom shares other than the normal level's number favour or disfavour the
    VM: a priority, as before."""
    a = _allocated(tmp_path, cpu, mem)
    assert _verdict(a, "HVA-090", "vm-1") == (
        "pass",
        f"reservation: CPU reservation 1000; limit: CPU limit 4000; priority: CPU shares {cpu}",
    )
    assert _verdict(a, "HVA-070", "vm-1") == (
        "pass",
        f"memory reservation (MiB) 2048; memory limit (MiB) 4096; memory shares {mem}; "
        "configured size 4.0 GiB",
    )


# --- held: `disable ntp` beside `enable ntp`, in either order ----------------------------------------


@pytest.mark.parametrize(
    "conf",
    [
        ["server 10.0.0.5", "disable ntp", "enable ntp"],
        ["server 10.0.0.5", "enable ntp", "disable monitor ntp"],
    ],
    ids=["disable-then-enable", "enable-then-disable"],
)
def test_held_disable_ntp_wins_over_enable_in_any_order(tmp_path: Path, conf: list[str]) -> None:
    """Held (R31V's lead, "last wins", is not ntpd's reading): ntp_config.c config_system_opts
    (ntp 4.2.8, read with `find_string`) runs apply_enable_disable(ptree->enable_opts, 1) and
    then apply_enable_disable(ptree->disable_opts, 0) over the whole file, so a `disable ntp`
    turns the clock discipline off wherever an `enable ntp` stands. The fail is right."""
    from pyVmomi import vim

    from test_redteam21_vmw3_probes import _ntp

    info = vim.host.DateTimeInfo(ntpConfig=vim.host.NtpConfig(server=["10.0.0.5"], configFile=conf))
    off = conf[2] if conf[2].startswith("disable") else conf[1]
    result = _ntp(tmp_path, info)
    assert (result.status.value, result.outcome.message) == (
        "fail",
        f"ntpd's clock discipline is off (ntp.conf: {off}): it corrects nothing, the clock runs "
        "free",
    )


# --- R33V-3: a NIC without ethernetN.virtualDev ------------------------------------------------------

NAMED = (
    "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga "
    "(VMware SVGA) video or USB tablet, mouse or keyboard"
)


def _nic_vmx(tmp_path: Path, dev: str | None) -> Any:
    """An offline .vmx (guestOS rhel5, as libvirt's corpus esx-in-the-wild-1.vmx, which has no
    virtualDev) with one NIC and no other legacy device."""
    vmx = (
        'displayName = "vm-1"\nguestOS = "rhel5"\nfloppy0.present = "FALSE"\n'
        'ethernet0.present = "TRUE"\nethernet0.networkName = "VM Network"\n'
        'hvaudit.powerState = "poweredOn"\n'
        + (f'ethernet0.virtualDev = "{dev}"\n' if dev is not None else "")
    )
    return _vsphere(tmp_path, {}, vmx=vmx)


def test_r33v_3_nic_without_virtual_dev_is_asked(tmp_path: Path) -> None:
    """R33V-3: libvirt's src/vmx/vmx.c key table: `ethernet0.virtualDev = "<model>"  # default
    depends on guestOS value`; the parser read an absent key as no legacy NIC. Was: HVA-047's
    pass ("no ... pcnet NIC ...") withheld only by HVA-444's question, restored by an attestation
    of an empty /etc/vmware/settings. Right: the adapter type is asked (R37T-6: with the
    host-wide settings, which a "yes" to the adapter alone passed unasked)."""
    result = next(r for r in _nic_vmx(tmp_path, None).results if r.check.id == "HVA-047")
    assert (result.status.value, result.outcome.message) == (
        "manual",
        f"{NAMED} named; the adapter type is not named for ethernet0 (no virtualDev; guestOS "
        "rhel5), and VMware's default depends on the guest OS; and /etc/vmware/settings on "
        "host esx1, not read, takes precedence over the VM's own settings (HVA-444)",
    )
    assert result.outcome.question is not None
    assert "Adapter Type" in result.outcome.question
    assert result.outcome.withheld is None  # no pass for an HVA-444 attestation to restore


@pytest.mark.parametrize(
    ("dev", "status", "message"),
    [
        (
            "vmxnet3",
            "manual",
            f"{NAMED}; but /etc/vmware/settings on host esx1, not read, takes precedence over "
            "the VM's own settings (HVA-444)",
        ),
        ("vlance", "fail", "emulated legacy devices: pcnet NIC (vlance)"),
    ],
    ids=["vmxnet3", "vlance"],
)
def test_r33v_3_held_named_adapter(tmp_path: Path, dev: str, status: str, message: str) -> None:
    """R33V-3 held: a named adapter is judged by its name, as before."""
    assert _verdict(_nic_vmx(tmp_path, dev), "HVA-047", "vm-1") == (status, message)


# --- R33V-4: VIBs installed below the host's acceptance level ----------------------------------------


class _ImageConfig:
    """A HostImageConfigManager's two answers: the host's acceptance level and its installed
    VIBs (real vim.host.SoftwarePackage objects), or the fault fetchSoftwarePackages raises for
    an account without Host.Config.Image."""

    def __init__(self, level: str, vibs: list[tuple[str, str]] | None) -> None:
        self.level, self.vibs = level, vibs

    def QueryHostAcceptanceLevel(self) -> str:
        return self.level

    def FetchSoftwarePackages(self) -> list[Any]:
        from pyVmomi import vim

        if self.vibs is None:
            raise vim.fault.NoPermission(privilegeId="Host.Config.Image")
        return [
            vim.host.SoftwarePackage(
                name=n,
                version="1.0",
                type="bootbank",
                vendor="V",
                acceptanceLevel=lvl,
                summary=n,
                description=n,
            )
            for n, lvl in self.vibs
        ]


def _acceptance(tmp_path: Path, level: str, vibs: list[tuple[str, str]] | None) -> Any:
    """The host record's `acceptance` as VsphereCollector._acceptance collects it."""
    from hvaudit.collect.vsphere import VsphereCollector

    collector = VsphereCollector.__new__(VsphereCollector)
    collector.calls = 0
    record = collector._acceptance(_ImageConfig(level, vibs))
    return _vsphere(tmp_path, {"acceptance": record})


def test_r33v_4_vib_below_the_host_level_fails(tmp_path: Path) -> None:
    """R33V-4: a CommunitySupported VIB installed with --force on a PartnerSupported host
    ("your setup is no longer consistent", vSphere ESXi Installation and Setup). Was: HVA-426
    "acceptance level partner" (pass). Right: fail, naming the VIB."""
    a = _acceptance(
        tmp_path, "partner", [("esx-base", "vmware_certified"), ("sneaky", "community")]
    )
    assert _verdict(a, "HVA-426") == (
        "fail",
        "acceptance level partner, but installed VIB(s) below PartnerSupported: sneaky "
        "(community) (installed with --force, or before the level was raised)",
    )


def test_r33v_4_installed_vibs_not_read_are_asked(tmp_path: Path) -> None:
    """R33V-4: fetchSoftwarePackages needs Host.Config.Image (beyond the Read-only role); its
    fault leaves the installed VIBs unread. Was: pass. Right: the question."""
    result = next(
        r for r in _acceptance(tmp_path, "partner", None).results if r.check.id == "HVA-426"
    )
    assert (result.status.value, result.outcome.message) == (
        "manual",
        "acceptance level partner; the installed VIBs' levels were not read: "
        "fetchSoftwarePackages: NoPermission (it needs Host.Config.Image)",
    )
    assert result.outcome.question is not None
    assert "esxcli software vib list" in result.outcome.question


def test_r33v_4_held_every_vib_at_partner_or_above_passes(tmp_path: Path) -> None:
    """R33V-4 held: every installed VIB at PartnerSupported or above: pass."""
    a = _acceptance(tmp_path, "partner", [("esx-base", "vmware_certified"), ("nic", "partner")])
    assert _verdict(a, "HVA-426") == (
        "pass",
        "acceptance level partner; every installed VIB at PartnerSupported or above",
    )
