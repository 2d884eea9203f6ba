"""Leads 19, VMware: the leads rounds 18 and 20 left (tests/test_redteam20_vmw_probes.py,
tests/test_vmw_leads18.py, tests/test_redteam18_vmw_probes.py "Leads left"). Sources read with
`search`, `find_string`, `read_file` and `fetch`; each finding's test failed on main before its
fix.

Findings:

- L19-1V (false pass): HVA-436 passed "bare-metal VMkernel, no host OS, on Nutanix AHV" for an
  ESXi whose machine is a virtual platform outside the DMI prefixes L18-5 took from systemd
  (Nutanix "AHV", "OpenStack Foundation" "OpenStack Nova", "Google" "Google Compute Engine"):
  any name not on the list passed. The collector now retrieves hardware.cpuFeature (vSphere API
  HostHardwareInfo.cpuFeature, "CPU feature set that is supported by the hardware";
  HostCpuIdInfo: each register "????:????:...", each bit "'0' or '1', or '-' for
  unknown/unspecified") and records CPUID leaf 1 ECX bit 31, the hypervisor-present bit (Linux
  arch/x86/include/asm/cpufeatures.h X86_FEATURE_HYPERVISOR ( 4*32+31) "Running on a
  hypervisor"; systemd src/basic/virt.c detect_vm_cpuid: `hypervisor = ecx & 0x80000000U`).
  govmomi's simulator, captured from a nested ESXi (simulator/esx/host_hardware_info.go, vendor
  "VMware, Inc." model "VMware Virtual Platform"), reports level 1 ecx
  "1001:0111:1011:1010:...": the bit set. A set bit fails whatever the DMI says; a pass needs the
  bit clear and a machine that is no known virtual platform; a bit not reported is asked, naming
  the machine. The DMI list also takes systemd's OpenStack, KubeVirt, Hyper-V, Apple
  Virtualization prefixes and "Google Compute Engine". tests/vcsim's hardened host clears the
  bit in a copy of the capture (test_vsphere's HVA-436 pass stands).

- L19-2V (false pass): HVA-419 passed "ntpd running (policy on), servers 0.0.0.0": V16-2
  read loopback and ntpd's local clock as the host's own clock, V20-1 the unspecified address
  as no syslog target, but an NTP server 0.0.0.0 (or ::, or "0", 0.0.0.0 to inet_aton(3)) was
  taken for a time source. RFC 1122 3.2.1.3: 0.0.0.0 "MUST NOT be sent, except as a source
  address"; vSphere 8 STIG ESXI-80-000124: "an authoritative time source". Now it fails like
  a loopback server (`_unspecified` also reads inet_aton spellings and ::ffff:0.0.0.0, for the
  syslog targets too). And PTP: the port list V17-4 asked about is HostDateTimeInfo.ptpConfig
  (vSphere API 7.0.3 HostPtpConfig, "Property of HostDateTimeConfig, HostDateTimeInfo";
  pyVmomi's vim.host.ConfigInfo has no ptpConfig), inside config.dateTimeInfo, which the
  collector already retrieves. A PTP host whose ptpConfig has no port, or every port's
  deviceType none ("A device type of DeviceType#none indicates that this port is inactive"),
  was asked; now it fails. A host with an active port is still asked (see Held).

- L19-3V (false pass): HVA-417 ("rejects promiscuous mode, MAC address changes and forged
  transmits"), HVA-418 ("is on VLAN 30") and HVA-433/434 ("management alone on vmk0 VLAN 20")
  passed a distributed port group whose config.policy (VMwareDVSPortgroupPolicy) was not
  reported, or reported without its override flags: the port group's setting holds for a port
  only where the port may not override it (vlanOverrideAllowed, "Allow the setting of vlanId,
  trunk vlanId, or pvlanId for an individual port to override the setting in
  defaultPortConfig of a portgroup"; securityPolicyOverrideAllowed, "Deprecated. As of vSphere
  API 6.7.1, use macManagementOverrideAllowed"), and a flag set already fails (V16-3). Now an
  unreported flag turns the pass into the port group's question (`_override_unreported`), and
  HVA-433/434 count the port group among those whose ports may override their VLAN, marked
  "(vlanOverrideAllowed not reported)". vCenter sends the flags (securityPolicyOverrideAllowed
  and vlanOverrideAllowed are required in the WSDL; govmomi's simulator sets them, dvs.go), so
  a live scan is unchanged; two test fixtures that had left them out now set them false.

- L19-8V (false pass): HVA-423 took 42 for passwdqc's random= default and passed random=42..46.
  passwdqc 1.2.0 raised it to 47 (openwall/passwdqc b148e0a, 2010: "This expands their default
  size to 47 bits"; passwdqc_parse.c "47, /* random_bits */"; passwdqc.conf(5) "(default:
  random=47)"; each word now 13 bits, WORD_BITS). Fewer than 47 bits now fail, as V15-2 fails
  fewer than the default; the two held tests that wrote random=42 out now write 47.

Held (kept as tests): L19-1V a server with the CPUID bit clear passes naming the machine (the
collector reads leaf 1 ECX bit 31, '-' as unknown). L19-2V a remote NTP server beside 0.0.0.0
passes (V16-2's rule); a PTP port on a vmknic or a passthrough NIC is asked, the ports named
(whether the master answers and the firewall's PTP ruleset are not in the API). L19-3V the
flags reported false: the three pass; the question's house form. L19-8V random=47 and 64 pass.

Probed by script, not kept (the verdict was right): HVA-436 with the capture's own CPU bits on
the weak vcsim host (fails on the DMI, message unchanged).

Tally: L19-1V 7 cases (4 functions), 7 failed on main 57fdc4e (2 hypervisor-bit platforms, 2
DMI platforms, 2 machines without the bit, the collector in the held case). L19-2V 9 cases (4
functions), 8 failed on main 57fdc4e (4 unspecified servers, 3 PTP configurations without an
active port, the held port message); the held remote-beside-0.0.0.0 passed there too. L19-3V
4 cases (2 functions), 4 failed on main 4cf75e5 (3 unreported forms, the held case for the
helper). L19-8V 3 cases (2 functions), 2 failed on main 4cf75e5 (random=42, 46,only), the held
one passed there.

Leads left (not settled in the time): HVA-417/418 and each distributed port's own
config.setting (DistributedVirtualSwitch.FetchDVPorts) where overrides are allowed (already a
fail) or were allowed and then disallowed (whether vCenter resets the ports' settings then was
not found); which passwdqc ESXi ships (random=42..46 are a wrong fail only on passwdqc 1.1 or
older); the remaining leads of this set (extraConfig keys, vGPU/Dynamic DirectPath, lockdown
exceptions, HVA-416).
"""

from pathlib import Path

import pytest

from test_redteam12_vmw_probes import _verdict
from test_redteam13_vmw_probes import _vsphere
from test_vmw_leads18 import _hva436

ESX = "VMware ESXi 8.0.2 build-22380479"
NESTED = (
    ESX + " runs in a virtual machine ({}): a nested hypervisor on another hypervisor, not bare "
    "metal (VMware KB 2009916: not supported in production)"
)
CPUID_SET = "hardware.cpuFeature: CPUID leaf 1 ECX bit 31, hypervisor present, is set"


# --- L19-1V: HVA-436 and a virtual platform outside the DMI list -------------------------------------


@pytest.mark.parametrize(
    ("vendor", "model"),
    [
        ("Nutanix", "AHV"),
        ("Example Cloud", "Virtual Server 3"),
    ],
)
def test_l19_1v_hypervisor_bit_fails_an_unlisted_platform(
    tmp_path: Path, vendor: str, model: str
) -> None:
    """L19-1V: was pass "bare-metal VMkernel, no host OS, on Nutanix AHV": any machine name not
    among the DMI prefixes passed. hardware.cpuFeature's CPUID leaf 1 ECX bit 31 is set by a
    hypervisor for its guests (X86_FEATURE_HYPERVISOR "Running on a hypervisor"; systemd
    detect_vm_cpuid; govmomi's nested-ESXi capture: level 1 ecx "1001:..."). Right: fail, naming
    the bit."""
    assert _hva436(tmp_path, {"vendor": vendor, "model": model}, "1") == (
        "fail",
        NESTED.format(CPUID_SET),
        None,
    )


@pytest.mark.parametrize(
    ("vendor", "model"),
    [("OpenStack Foundation", "OpenStack Nova"), ("Google", "Google Compute Engine")],
)
def test_l19_1v_more_dmi_platforms_fail_without_the_bit(
    tmp_path: Path, vendor: str, model: str
) -> None:
    """L19-1V: systemd's dmi_vendor_table also has "OpenStack", "KubeVirt", "Hyper-V", "Apple
    Virtualization" (product_name is read first); "Google Compute Engine" is GCE's product name
    (VMAware's DMI table). With the CPU bit not reported these passed; right: fail on the DMI."""
    assert _hva436(tmp_path, {"vendor": vendor, "model": model}, None) == (
        "fail",
        NESTED.format(f"hardware.systemInfo: {vendor} {model}"),
        None,
    )


@pytest.mark.parametrize("cpuid", [None, "-"], ids=["not-reported", "unknown"])
def test_l19_1v_unknown_machine_without_the_bit_is_asked(tmp_path: Path, cpuid: str | None) -> None:
    """L19-1V: was pass for a machine the list does not know (Nutanix AHV) with cpuFeature not
    reported (a bundle of an older collector) or its bit '-' ("unknown/unspecified"). The name
    alone cannot say bare metal. Right: the question of the machine, naming it."""
    status, message, question = _hva436(tmp_path, {"vendor": "Nutanix", "model": "AHV"}, cpuid)
    assert (status, message) == (
        "manual",
        ESX + ": VMkernel without a host OS on Nutanix AHV; whether a hypervisor lies beneath "
        "(hardware.cpuFeature, CPUID leaf 1 ECX bit 31) was not reported",
    )
    assert question is not None and "Nutanix AHV, OpenStack Nova, Google Compute Engine" in question


def test_l19_1v_held_server_with_the_bit_clear_and_collector(tmp_path: Path) -> None:
    """Held: a server whose CPU reports the bit clear passes, naming it. The collector reads
    leaf 1's ECX bit 31 (the mask's first character), '-' as unknown, and nothing from a
    malformed mask or a list without leaf 1."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import HOST_PATHS, _host_record

    assert _hva436(tmp_path, {"vendor": "Dell Inc.", "model": "PowerEdge R750"}, "0") == (
        "pass",
        ESX + ": bare-metal VMkernel, no host OS, on Dell Inc. PowerEdge R750",
        None,
    )
    assert "hardware.cpuFeature" in HOST_PATHS
    leaf = vim.host.CpuIdInfo

    def bit(*features: object) -> object:
        return _host_record({"hardware.cpuFeature": list(features)}, {})["cpuid_hypervisor"]

    nested = "1001:0111:1011:1010:0010:0010:0010:1011"  # govmomi's capture
    assert bit(leaf(level=0, ecx="0" * 32), leaf(level=1, ecx=nested)) == "1"
    assert bit(leaf(level=1, ecx="0" + nested[1:])) == "0"
    assert bit(leaf(level=1, ecx="-" + nested[1:])) == "-"
    assert bit(leaf(level=1, ecx="1001")) is None
    assert bit(leaf(level=0, ecx=nested)) is None
    assert _host_record({}, {})["cpuid_hypervisor"] is None


# --- L19-2V: HVA-419, an NTP server 0.0.0.0 and PTP's ports ------------------------------------------


@pytest.mark.parametrize(
    "servers", [["0.0.0.0"], ["::"], ["0"], ["0.0.0.0", "127.127.1.0"]], ids=str
)
def test_l19_2v_unspecified_ntp_server_fails(tmp_path: Path, servers: list[str]) -> None:
    """L19-2V: was pass "ntpd running (policy on), servers 0.0.0.0": V16-2 read loopback and
    ntpd's local clock as the host's own clock, V20-1 the unspecified address as no syslog
    target, but HVA-419 took 0.0.0.0 for a time server. RFC 1122 3.2.1.3 (read with `search`):
    0.0.0.0 "MUST NOT be sent, except as a source address"; "0" is 0.0.0.0 to inet_aton(3) and
    getaddrinfo. vSphere 8 STIG ESXI-80-000124 asks for "an authoritative time source". Right:
    fail, naming the servers."""
    from test_redteam16_vmw_probes import _ntp

    assert _ntp(tmp_path, servers) == (
        "fail",
        f"no NTP server off the host: {', '.join(servers)} (the unspecified address 0.0.0.0 "
        "or ::, loopback or ntpd's local clock 127.127.1.0: no time source but the host's own "
        "clock)",
    )


def test_l19_2v_held_remote_server_beside_unspecified(tmp_path: Path) -> None:
    """Held: a remote server beside 0.0.0.0 still synchronises the clock (V16-2's rule): pass,
    the firewall judged for the remote one only."""
    from test_redteam16_vmw_probes import _ntp

    assert _ntp(tmp_path, ["0.0.0.0", "ntp1.example"]) == (
        "pass",
        "ntpd running (policy on), servers 0.0.0.0, ntp1.example",
    )


def _ptp(*ports: tuple[str | None, str | None]) -> object:
    from pyVmomi import vim

    return vim.host.PtpConfig(
        domain=0,
        port=[
            vim.host.PtpConfig.PtpPort(index=i, deviceType=t, device=d)
            for i, (t, d) in enumerate(ports)
        ],
    )


@pytest.mark.parametrize(
    "ports", [(), (("none", None),), (("none", None), ("none", "vmk1"))], ids=["none", "1", "2"]
)
def test_l19_2v_ptp_without_an_active_port_fails(
    tmp_path: Path, ports: tuple[tuple[str | None, str | None], ...]
) -> None:
    """L19-2V: was manual "its PTP port (config.ptpConfig) is not collected" (V17-4). The port
    list is HostDateTimeInfo.ptpConfig (vSphere Web Services API 7.0.3 HostPtpConfig, "Property
    of HostDateTimeConfig, HostDateTimeInfo"; pyVmomi's vim.host.DateTimeInfo has ptpConfig,
    vim.host.ConfigInfo has none), inside config.dateTimeInfo, which the collector already
    retrieves. HostPtpConfigPtpPort.deviceType: "A device type of DeviceType#none indicates
    that this port is inactive". A ptpd with no active port has no network to its master.
    Right: fail."""
    from test_redteam10_vmw_probes import _ptp_host

    a = _vsphere(tmp_path, _ptp_host(ptpd_running=True, ptp=_ptp(*ports)))
    assert _verdict(a, "HVA-419") == (
        "fail",
        "clock protocol PTP, ptpd running, policy on, but no active PTP port "
        "(config.dateTimeInfo.ptpConfig: no port, or every port's device type none): no master "
        "reaches it",
    )


def test_l19_2v_held_ptp_with_a_port_is_asked_naming_it(tmp_path: Path) -> None:
    """Held: a PTP port on a VMkernel adapter (deviceType virtualNic) or a passthrough NIC: the
    API says nothing of the master or of the firewall's PTP ruleset (not found), so the
    question stays V17-4's, the message naming the active port(s)."""
    from test_redteam10_vmw_probes import _ptp_host
    from test_redteam17_vmw_probes import PTP_QUESTION

    ptp = _ptp(("none", None), ("virtualNic", "vmk1"), ("pciPassthruNic", "0000:3b:00.1"))
    a = _vsphere(tmp_path, _ptp_host(ptpd_running=True, ptp=ptp))
    (r,) = [x for x in a.results if x.check.id == "HVA-419"]
    assert (r.status.value, r.outcome.message, r.outcome.question) == (
        "manual",
        "clock protocol PTP, ptpd running, policy on; PTP port(s) vmk1 (virtualNic), "
        "0000:3b:00.1 (pciPassthruNic)",
        PTP_QUESTION,
    )


# --- L19-3V: HVA-417/418/433 and a port group whose override flags were not reported ----------------

REJECTS = "distributed port group Tenants rejects promiscuous mode, MAC address changes and forged "


def _tenants_unreported(tmp_path: Path, overrides: object) -> dict[str, tuple[str, str]]:
    from test_redteam16_vmw_probes import _mgmt_host, _tenants

    pg = _tenants(False)
    pg["overrides"] = overrides
    host = _mgmt_host("esx1", 20)
    del host["name"]
    a = _vsphere(tmp_path, host, dvs={"switches": [], "portgroups": [pg]})
    return {
        r.check.id: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id in ("HVA-417", "HVA-418", "HVA-433")
        and r.outcome.subject.name in ("Tenants", "esx1")
    }


@pytest.mark.parametrize(
    "overrides",
    [None, {}, {"vlanOverrideAllowed": None, "securityPolicyOverrideAllowed": None}],
    ids=["policy-not-reported", "empty", "flags-null"],
)
def test_l19_3v_override_flags_not_reported_are_asked(tmp_path: Path, overrides: object) -> None:
    """L19-3V: was pass on all three: HVA-417 "rejects promiscuous mode, ...", HVA-418 "is on
    VLAN 30", HVA-433 "management alone on vmk0 VLAN 20", for a distributed port group whose
    config.policy (VMwareDVSPortgroupPolicy) was not reported, or reported without its flags.
    The port group's setting holds for a port only where the port may not override it:
    vlanOverrideAllowed "Allow the setting of vlanId, trunk vlanId, or pvlanId for an
    individual port to override the setting in defaultPortConfig of a portgroup" (vSphere API,
    V16-3); securityPolicyOverrideAllowed, "Deprecated. As of vSphere API 6.7.1, use
    macManagementOverrideAllowed", for the security policy. A flag set fails (V16-3, HVA-417's
    "each port may override"), so a flag unknown is the question. Right: manual, naming the
    flag."""
    got = _tenants_unreported(tmp_path, overrides)
    assert got == {
        "HVA-417": (
            "manual",
            REJECTS + "transmits; whether each port may override its security policy "
            "(config.policy.securityPolicyOverrideAllowed / macManagementOverrideAllowed) was "
            "not reported",
        ),
        "HVA-418": (
            "manual",
            "distributed port group Tenants is on VLAN 30; whether each port may override its "
            "VLAN (config.policy.vlanOverrideAllowed) was not reported",
        ),
        "HVA-433": (
            "manual",
            "management alone on vmk0 VLAN 20 by the port groups' VLANs; distributed port "
            "group(s) Tenants (vlanOverrideAllowed not reported) let each port override its "
            "VLAN (vlanOverrideAllowed), and their ports are not read",
        ),
    }


def test_l19_3v_held_flags_false_pass_and_question_form(tmp_path: Path) -> None:
    """Held: the flags reported false (as the collector records them from vCenter, and as
    govmomi's simulator reports them): the three pass as before. The question of an unreported
    flag is the house form."""
    from hvaudit.checks.base import Subject, passed
    from hvaudit.checks.vmware import _override_unreported
    from hvaudit.model import Source

    got = _tenants_unreported(
        tmp_path, {"vlanOverrideAllowed": False, "securityPolicyOverrideAllowed": False}
    )
    assert got == {
        "HVA-417": ("pass", REJECTS + "transmits"),
        "HVA-418": ("pass", "distributed port group Tenants is on VLAN 30"),
        "HVA-433": ("pass", "management alone on vmk0 VLAN 20"),
    }
    o = _override_unreported(
        passed(Subject("network", "Tenants"), "x", Source("a")),
        "Tenants",
        "vlanOverrideAllowed",
        "VLAN",
        "VLAN",
    )
    assert o.question == (
        "Does distributed port group Tenants keep its VLAN for every port (no port may override "
        "it)? Evidence: the "
        "vSphere Client, the port group > Configure > Settings > Properties or Edit Settings > "
        "Advanced (Override port policies: VLAN), or its config.policy.vlanOverrideAllowed. "
        "Pass: yes, override not allowed, the port group's setting holds for every port; fail: "
        "no, override allowed."
    )


# --- L19-8V: HVA-423 and passwdqc's random= default --------------------------------------------------


@pytest.mark.parametrize("random", ["42", "46,only"])
def test_l19_8v_random_below_47_fails(tmp_path: Path, random: str) -> None:
    """L19-8V: was pass "locks after 3 failures for 900 s; history 5": HVA-423 took 42 for
    passwdqc's random= default (V15-2, from passwdqc 1.1's passwdqc.conf(5)). passwdqc 1.2.0
    raised it to 47 (openwall/passwdqc commit b148e0a, 2010: "Encode one additional bit per
    word ... This expands their default size to 47 bits"; passwdqc_parse.c defaults
    "47, /* random_bits */"; passwdqc.conf(5) "(default: random=47)"; read with `fetch`). The
    STIG's value keeps the default, and a passphrase containing the offered one "will be
    allowed regardless of other possible restrictions". Right: fewer than 47 bits fail, as
    V15-2 fails fewer than the default."""
    from test_redteam13_vmw_probes import STIG_QUALITY
    from test_redteam15_vmw_probes import _quality

    bits = random.removesuffix(",only")
    assert _quality(tmp_path, f"{STIG_QUALITY} random={random}") == (
        "fail",
        f"Security.PasswordQualityControl has random={bits}: the offered {bits}-bit passphrase "
        "is accepted whatever its length",
    )


def test_l19_8v_held_the_default_passes(tmp_path: Path) -> None:
    """Held: random=47 (the default written out) and more pass."""
    from test_redteam13_vmw_probes import STIG_QUALITY
    from test_redteam15_vmw_probes import _quality

    for random in ("47", "64"):
        assert _quality(tmp_path / random, f"{STIG_QUALITY} random={random}") == (
            "pass",
            "locks after 3 failures for 900 s; history 5",
        )
