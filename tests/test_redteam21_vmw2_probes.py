"""Red-team round 21, second VMware team: probes of the kinds rounds 10-21 ran
(tests/test_redteam1{0..8,20,21}_vmw_probes.py, tests/test_vmw_leads*.py) on the leads the first
team left. Harness: the collector's own code over pyVmomi objects (VsphereCollector._advanced
answering a stub property collector, _host_record, render_vmx), the bundle writer and the engine
(tests/test_redteam13_vmw_probes._vsphere); each probe asserts the exact verdict and names the
source it rests on (read with `search` and `find_string`).

Findings (V21B-n):

- V21B-1 (false pass): HVA-420 passed "logs to ssl://10.0.0.5:1514, certificates verified" for
  a host whose log filters drop messages (Syslog.global.logFiltersEnable true,
  Syslog.global.logFilters "2 | hostd | .*"). L16-18 taught the check to read both options, but
  the collector's ADVANCED list never retrieved them, so through a real collection they were
  always None and None read as "off". vSphere 8 STIG ESXI-80-000246 (V-258800, DISA's InSpec
  control, read with `find_string`): "If "LogFilteringEnabled" is not set to "false", this is a
  finding"; the options exist from ESXi 7.0 Update 1 (vSphere 7.0 ESXi upgrade guide, syslog
  options, read with `search`). Now the collector retrieves both, and the check reads an option
  not reported as no "off": logFiltersEnable not reported, or true with logFilters not
  reported, is the question of the filters (with the firewall's question where that is asked
  too). A cross-check of every advanced option the checks name against ADVANCED found only
  these two missing.

- V21B-2 (false pass): a NIC whose backing names no port group was judged on a standard port
  group that happened to bear the name render_vmx left it: an NSX opaque network
  (VirtualEthernetCardOpaqueNetworkBackingInfo, no deviceName) got networkName "", which the
  parser reads as the .vmx default connection "bridged", and a distributed port connected on
  its own (DistributedVirtualSwitchPortConnection: portgroupKey "Optional", portKey "represents
  a connection ... between an individual DistributedVirtualPort and a Virtual NIC", vSphere
  API, read with `search`) got networkName and dvs.portgroupId "None" (str of the unset key).
  With a hardened standard port group "bridged" or "None" on the host, HVA-192 passed "1
  interface(s), none trunked" and HVA-191 credited "MAC spoofing stopped at the port". Now
  render_vmx names such a network as its backing does, in parentheses (no port group's name:
  "(opaque network seg-1 of type nsx.LogicalSwitch)", "(distributed port 17 of switch u, in no
  port group)", "(no network named by the backing)") and writes dvs.portgroupId only for a
  port group key: the NIC's policy and VLAN are not in the evidence, asked as any NIC on an
  unknown port group is.

- V21B-3 (false pass): HVA-419 passed "ntpd running (policy on), servers 127.127.1.0 prefer"
  for a host whose only NTP server is ntpd's local clock, written with an option.
  HostNtpConfig.server (vSphere API, read with `search`): "Each entry may optionally specify
  one or more space separated 'server' ntp.conf command options. Any comments appended to an
  entry after a '#' will not be retained". V16-2 and L19-2V read the whole entry as the
  address, so "127.127.1.0 prefer", "localhost iburst", "0.0.0.0 iburst" and "127.127.1.0 #
  ..." were remote servers, and "192.0.2.20 iburst" was a DNS name to the firewall reading
  (a question where its address is outside the ntpClient ruleset's list). Now each entry is
  judged by its address (checks.vmware._ntp_address: the first word before '#', after -4/-6)
  and shown as written.

Held (kept as tests): V21B-1 filters reported off: the pass, unchanged. V21B-2 a NIC on the
standard port group its deviceName names is judged on it (HVA-192 pass). V21B-3 "10.0.0.5
iburst" beside 127.127.1.0: pass.

Probed by script, not kept (the verdict was right):
- Lead 1, DVS override flags: securityPolicyOverrideAllowed false with
  macManagementOverrideAllowed unset passes HVA-417. VMwareDVSPortgroupPolicy (vSphere API 8.0,
  read with `search`): securityPolicyOverrideAllowed is Required and "Deprecated. As of vSphere
  API 6.7.1, use macManagementOverrideAllowed", which is Optional and "Since vSphere API
  6.7.1": a vCenter before 6.7.1 reports only the first, so one flag false with the other
  unset is that vCenter's whole answer (the collector's _dv_security reads the two security
  policies the same way). True in either fails; neither reported is asked (L19-3V).
  uplinkTeamingOverrideAllowed and the others are no security or VLAN setting.
- Lead 2, the isolation keys: isolation.tools.setGUIOptions.enable TRUE beside copy/paste
  .disable TRUE: vSphere 7 Security, "Enable Copy and Paste Operations Between Guest OS and
  Remote Console" (read with `search`) asks all three to open copy and paste, so the .disable
  keys HVA-401 reads still close it. tools.guest.desktop.autolock: no check reads it (coverage,
  not a wrong verdict).
- HVA-423 min=8,8,8,8,15 and min=disabled,8,... : passwdqc refuses increasing values, failed
  as refused; min=15,15,15,15,15 passes.
- A vmknic on a lone distributed port or an NSX opaque network: its port group is "None" or ""
  and its VLAN unknown: HVA-433/434 ask (no namesake matched, vlan_of(None)).
- VM and host property paths the collector reads against VM_PATHS, HOST_PATHS, DVPG_PATHS,
  DVS_PATHS: every one retrieved (only the advanced options of V21B-1 were missing).
- The vcsim harness (tests/test_vsphere.py, hardened standalone and the vCenter scan) with
  Syslog.global.logFiltersEnable false among HARDENED_OPTIONS: unchanged.

Tally: V21B-1 5 cases (3 functions), 4 failed on main c0e986b (filters on, enable not
reported, filters not reported, the firewall question without the filters); the held case
passed there too. V21B-2 3 cases (2 functions), 2 failed on main 430dd9a (opaque network,
lone distributed port); the held case passed there too. V21B-3 6 cases (3 functions), 5
failed on main 492e5e2 (four own-clock entries with options or a comment, the address outside
the ruleset's list); the held case passed there too.

Leads left (not settled in the time):
- HVA-427: ESXi 8 has a runtime execInstalledOnly beside the boot option (vSphere 8.0
  Security, "execInstalledOnly ... is both a boot and an internal runtime option ... a
  previously enabled execInstalledOnly boot option overwrites the internal runtime option";
  `esxcli system settings advanced set -o /User/execInstalledOnly -i 0` turns the runtime one
  off). VMkernel.Boot.execInstalledOnly true set since the last boot, with the runtime option
  off, runs unsigned binaries until the reboot; the check reads the configured boot value only,
  as ESXI-80-000244 does. Whether the API reports the runtime option (User.execInstalledOnly)
  was not checked.
- HVA-420 passes log filtering enabled with no filter set; ESXI-80-000246 finds
  LogFilteringEnabled true by itself (a stricter reading; not changed).
- HVA-416 for a HostSystem inside a DRS cluster: as round 19 left it (no VMware text found).
- An extraConfig key twice in different case: hostd's dictionary is case-insensitive
  (HASH_ISTRING_KEY), so a real report cannot hold both; not changed.
- HVA-419: HostDateTimeInfo.ntpConfig ("Need not be set") not reported is read as "no NTP
  server configured" (a possible wrong fail; the collector's _ntp reads info.ntpConfig.server
  without telling unset from empty). HostNtpConfig.configFile (ntp.conf lines, API 6.7+) is
  not collected: `server` lines there beside the server list are not read.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest

from test_redteam12_vmw_probes import _verdict
from test_redteam13_vmw_probes import _vsphere
from test_redteam20_vmw_probes import SYSLOG_OPEN

# --- V21B-1: HVA-420 and the log filters the collector never retrieved -------------------------

SYSLOG = {
    "Syslog.global.logHost": "ssl://10.0.0.5:1514",
    "Syslog.global.certificate.checkSSLCerts": True,
}


def _collected(options: dict[str, object]) -> dict[str, Any]:
    """The host's advanced options as VsphereCollector._advanced retrieves them from an
    OptionManager whose `setting` holds `options` (one RetrievePropertiesEx answer)."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import VsphereCollector

    manager = vim.option.OptionManager("EsxHostAdvSettings-1")
    values = [vim.option.OptionValue(key=k, value=v) for k, v in options.items()]
    item = types.SimpleNamespace(obj=manager, propSet=[types.SimpleNamespace(val=values)])
    answer = types.SimpleNamespace(objects=[item], token=None)
    content = types.SimpleNamespace(
        propertyCollector=types.SimpleNamespace(RetrievePropertiesEx=lambda *_: answer)
    )
    collector = VsphereCollector.__new__(VsphereCollector)
    collector.calls = 0
    return collector._advanced(content, {"host-1": manager})["host-1"]


def _syslog_host(tmp_path: Path, options: dict[str, object], firewall: Any = SYSLOG_OPEN) -> Any:
    from hvaudit.collect.vsphere import _host_record

    host = {**_host_record({"name": "esx1"}, {}), "advanced": _collected(options)}
    return _vsphere(tmp_path, {**host, "firewall": firewall})


FILTERS_QUESTION = (
    "whether log filters drop messages (Syslog.global.logFiltersEnable) is not reported"
)


@pytest.mark.parametrize(
    ("options", "want"),
    [
        (
            {"Syslog.global.logFiltersEnable": True, "Syslog.global.logFilters": "2 | hostd | .*"},
            (
                "fail",
                "log filters on (Syslog.global.logFiltersEnable): messages matching "
                "Syslog.global.logFilters = 2 | hostd | .* are dropped once counted, never "
                "forwarded",
            ),
        ),
        (
            {},
            ("manual", f"logs to ssl://10.0.0.5:1514, certificates verified; {FILTERS_QUESTION}"),
        ),
        (
            # V21C-1 (team decision): enabled fails by itself, as ESXI-80-000246 reads it
            {"Syslog.global.logFiltersEnable": True},
            (
                "fail",
                "log filtering enabled (Syslog.global.logFiltersEnable), Syslog.global.logFilters "
                "not reported: vSphere 8 STIG ESXI-80-000246 wants LogFilteringEnabled false",
            ),
        ),
    ],
    ids=["filters-on", "enable-unreported", "filters-unreported"],
)
def test_v21b_1_log_filters_are_collected_and_read(
    tmp_path: Path, options: dict[str, object], want: tuple[str, str]
) -> None:
    """V21B-1: the host's option list holds the log filter options (ESXi 7.0 U1 and later);
    the collector's ADVANCED did not name them, so HVA-420 read None, took it for "off" and
    passed "logs to ssl://10.0.0.5:1514, certificates verified" in all three. ESXI-80-000246:
    "If "LogFilteringEnabled" is not set to "false", this is a finding". Right: filters on with
    a filter fail; an option not reported is the question of the filters."""
    a = _syslog_host(tmp_path, {**SYSLOG, **options})
    assert _verdict(a, "HVA-420") == want


def test_v21b_1_unreported_filters_join_the_firewall_question(tmp_path: Path) -> None:
    """V21B-1 beside L16-16's firewall question (the syslog ruleset admits 10.0.0.0/24 and its
    single addresses were not collected): the one question asks both, so that a yes answers
    both (it asked only the firewall, and a yes passed the check)."""
    firewall = {
        "incoming_blocked": True,
        "outgoing_blocked": True,
        "rulesets": [
            {"key": "syslog", "enabled": True, "all_ip": False, "networks": ["10.9.0.0/24"]}
        ],
    }
    a = _syslog_host(tmp_path, {**SYSLOG, "Syslog.global.logHost": "ssl://log1:1514"}, firewall)
    (result,) = [r for r in a.results if r.check.id == "HVA-420"]
    assert result.status.value == "manual"
    assert result.outcome.message.endswith(f"; {FILTERS_QUESTION}")
    assert result.outcome.question is not None
    assert "firewall ruleset list -r syslog" in result.outcome.question
    assert "And are log filters off on host esx1?" in result.outcome.question


def test_v21b_1_held_filters_reported_off(tmp_path: Path) -> None:
    """Held: logFiltersEnable reported false (the STIG's value): the pass, as before."""
    a = _syslog_host(tmp_path, {**SYSLOG, "Syslog.global.logFiltersEnable": False})
    assert _verdict(a, "HVA-420") == ("pass", "logs to ssl://10.0.0.5:1514, certificates verified")


# --- V21B-2: a NIC whose backing names no port group ---------------------------------------------


def _nic(tmp_path: Path, backing: Any, portgroup: str) -> Any:
    """One VM whose NIC has `backing`, on a host with a hardened standard port group named
    `portgroup` (VLAN 20, rejecting all) and vCenter's dvportgroup-20; host record, dvs.json and
    .vmx are the collector's own (_host_record, _dvs_record, render_vmx)."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _dvs_record, _host_record, render_vmx
    from test_redteam13_vmw_probes import _dv_group

    dvpgs = {"dvportgroup-20": _dv_group("Prod", trunk=False, forged=False)}
    nic = vim.vm.device.VirtualVmxnet3(key=4000, macAddress="00:50:56:aa:00:01", backing=backing)
    props = {
        "name": "vm-1",
        "runtime.powerState": "poweredOn",
        "config.hardware.device": [nic],
        "config.extraConfig": [],
    }
    host = _host_record({"name": "esx1"}, dvpgs)
    host["portgroups"] = [
        *host.get("portgroups", []),
        {
            "name": portgroup,
            "switch": "vSwitch0",
            "vlan": [20],
            "trunk": False,
            "security": {"allowPromiscuous": False, "macChanges": False, "forgedTransmits": False},
        },
    ]
    return _vsphere(tmp_path, host, dvs=_dvs_record([], dvpgs), vmx=render_vmx(props, dvpgs))


def _opaque() -> Any:
    from pyVmomi import vim

    return vim.vm.device.VirtualEthernetCard.OpaqueNetworkBackingInfo(
        opaqueNetworkId="seg-1", opaqueNetworkType="nsx.LogicalSwitch"
    )


def _standalone_port() -> Any:
    from pyVmomi import vim

    return vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(
        port=vim.dvs.PortConnection(switchUuid="u", portKey="17")
    )


@pytest.mark.parametrize(
    ("backing", "portgroup", "network"),
    [
        (_opaque, "bridged", "(opaque network seg-1 of type nsx.LogicalSwitch)"),
        (_standalone_port, "None", "(distributed port 17 of switch u, in no port group)"),
    ],
    ids=["nsx-opaque", "standalone-dv-port"],
)
def test_v21b_2_nic_on_no_port_group_is_not_judged_on_a_namesake(
    tmp_path: Path, backing: Any, portgroup: str, network: str
) -> None:
    """V21B-2: an NSX opaque network (VirtualEthernetCardOpaqueNetworkBackingInfo: no deviceName)
    and a distributed port connected on its own (DistributedVirtualSwitchPortConnection with
    portKey, portgroupKey unset: "Optional", read with `search`). render_vmx wrote networkName
    "" (the parser then takes the .vmx default connection "bridged") and "None"; a standard
    port group of that name on the host was taken for the NIC's: HVA-192 passed "1
    interface(s), none trunked" and HVA-191 credited "MAC spoofing stopped at the port". Right:
    the NIC's network is named as the backing says, and its policy is not in the evidence."""
    a = _nic(tmp_path, backing(), portgroup)
    assert _verdict(a, "HVA-192", "vm-1") == (
        "manual",
        f"evidence unavailable: the VLAN settings of network(s) {network} were not collected",
    )
    assert _verdict(a, "HVA-191", "vm-1") == (
        "manual",
        f"port group {network!r} was not found on the VM's host",
    )


def test_v21b_2_held_a_standard_port_group_nic(tmp_path: Path) -> None:
    """Held: a NIC backed by the standard port group named in deviceName is judged on it."""
    from pyVmomi import vim

    backing = vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName="Web")
    a = _nic(tmp_path, backing, "Web")
    assert _verdict(a, "HVA-192", "vm-1") == ("pass", "1 interface(s), none trunked")


# --- V21B-3: HVA-419 and NTP server entries with ntp.conf options ---------------------------------


def _ntp_host(tmp_path: Path, servers: list[str], firewall: Any = None) -> tuple[str, str]:
    """A host whose config.dateTimeInfo (real pyVmomi objects through the collector's _ntp)
    lists `servers`, ntpd running with policy on; outgoing traffic not blocked unless
    `firewall` is given."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _ntp

    info = vim.host.DateTimeInfo(ntpConfig=vim.host.NtpConfig(server=servers))
    host = {
        "ntp": _ntp(info),
        "services": {"ntpd": {"running": True, "policy": "on"}},
        "firewall": firewall
        or {"incoming_blocked": True, "outgoing_blocked": False, "rulesets": []},
    }
    return _verdict(_vsphere(tmp_path, host), "HVA-419")


OWN_CLOCK = "(loopback or ntpd's local clock 127.127.1.0: the host's own clock)"


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ("127.127.1.0 prefer", OWN_CLOCK),
        ("localhost iburst", OWN_CLOCK),
        ("127.127.1.0 # local clock", OWN_CLOCK),
        (
            "0.0.0.0 iburst",
            "(the unspecified address 0.0.0.0 or ::, loopback or ntpd's local clock "
            "127.127.1.0: no time source but the host's own clock)",
        ),
    ],
    ids=["local-clock-prefer", "localhost-iburst", "comment", "unspecified-iburst"],
)
def test_v21b_3_ntp_entry_with_options_is_judged_by_its_address(
    tmp_path: Path, entry: str, why: str
) -> None:
    """V21B-3: HostNtpConfig.server (vSphere API, read with `search`): "Each entry may
    optionally specify one or more space separated 'server' ntp.conf command options. Any
    comments appended to an entry after a '#' will not be retained". V16-2 and L19-2V fail a host
    whose every server is its own clock (127.127.1.0, ntpd's undisciplined local clock,
    loopback) or the unspecified address, but read the whole entry as the address: "127.127.1.0
    prefer" passed "ntpd running (policy on), servers 127.127.1.0 prefer". Right: judged by the
    entry's address, fail."""
    assert _ntp_host(tmp_path, [entry]) == (
        "fail",
        f"no NTP server off the host: {entry} {why}",
    )


def test_v21b_3_options_do_not_hide_the_address_from_the_firewall(tmp_path: Path) -> None:
    """V21B-3 and L16-16's firewall reading: outgoing traffic blocked, the ntpClient ruleset
    enabled for 10.0.0.0/24 only. "192.0.2.20 iburst" was taken for a name ("named by DNS": a
    question); its address is outside the list: fail, as for "192.0.2.20" (test_vmw_leads16)."""
    from test_vmw_leads16 import _firewall

    assert _ntp_host(
        tmp_path, ["192.0.2.20 iburst"], _firewall("ntpClient", ["10.0.0.0/24"], [])
    ) == (
        "fail",
        "ntpd cannot reach its servers: outgoing traffic is blocked by default and the ntpClient "
        "firewall ruleset admits only 10.0.0.0/24, not 192.0.2.20",
    )


def test_v21b_3_held_remote_server_with_options(tmp_path: Path) -> None:
    """Held: a remote server with options ("10.0.0.5 iburst") beside the local clock still
    synchronises the host: pass, shown as written."""
    assert _ntp_host(tmp_path, ["10.0.0.5 iburst", "127.127.1.0"]) == (
        "pass",
        "ntpd running (policy on), servers 10.0.0.5 iburst, 127.127.1.0",
    )
