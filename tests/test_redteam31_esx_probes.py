"""Thirty-first red-team review, VMware ESXi (r31-esx): HVA-419 for NTP servers ntpd
authenticates; HVA-417/418/433/434 for a standard vSwitch named "dvs".

Harness: the collector's own code over real pyVmomi objects (collect.vsphere._ntp over a
vim.host.DateTimeInfo), the bundle writer and the engine, through the V21C-2 helper
(tests/test_redteam21_vmw3_probes._ntp: ntpd running, policy on, outgoing traffic not
blocked). Each test asserts the exact status and message.

Findings (R31V-n):
- R31V-1 (false pass) HVA-419: a server ntpd authenticates (ntp.conf `key N` or `autokey`, in
  the server list or in HostNtpConfig.configFile) passed "ntpd running (policy on), servers
  10.0.0.5" with no `keys` file, with the key not trusted, or with nothing to show ntpd holds
  the key. ntp_proto.c receive() (ntp 4.2.8, read with `find_string`): "If the digest fails or
  it's missing for authenticated associations, the client cannot authenticate a server reply"
  and the reply is marked TEST5 ("bad auth"); ntp's authopt.html: `keys` names "the key file
  containing the keys and key identifiers used by ntpd", `trustedkey` "the key identifiers
  which are trusted for the purposes of authenticating peers". The key file is not in the
  evidence, and whether ESXi starts ntpd with one of its own was not found (V24's lead): now
  asked (checks.vmware._ntp_keyed), unless the host reports serviceSync true (V24-1).

- R31V-2 (false pass, false n/a) HVA-417/418/433/434: collect/vsphere.py marked a distributed
  port group by "switch": "dvs", and the parser took every port group whose vSwitch is named
  "dvs" for a distributed one; a standard vSwitch may be named so (HostPortGroupSpec.vswitchName
  is the operator's name). HVA-417 then passed the switch without its port group that accepts
  promiscuous mode, HVA-418 said "no network on this host to evaluate" beside a port group on
  VLAN 4095, and HVA-433/434 asked "VLAN not reported" for adapters V16-5 fails. Now the
  collector writes `"distributed": true`, Network.distributed carries it, and a record from an
  older bundle ("switch": "dvs", no key) is distributed only where no standard vSwitch has that
  name (parse.vmx_model._distributed_pg). Landed by the lead after the round (reproduced by
  the reviewer, not fixed in the time).

Held (kept as tests): an authenticated server on a host reporting serviceSync true: pass; a
server without key options: pass; the same port group on vSwitch0 fails as before; a
distributed port group beside a standard vSwitch named "dvs" stays distributed, and a
pre-key bundle's "dvs" record too.

Probed by script: `disable ntp` followed by `enable ntp` fails "clock discipline is off"
(ntp's miscopt: the later line re-enables it; a wrong fail at worst, left as a lead);
InheritablePolicy "When used in a configuration information object, The values of the
properties in the subclass are the effective values" (vSphere API, read with `search`): a
distributed port group's inherited security values are already effective, the collector's
reading holds; HostSystemPowerState (vSphere API, read with `search`): "unknown: If the host is
disconnected, or notResponding", so a standBy or poweredOff host reports connected.

Tally: 2 findings (false pass 2, one also a false n/a); 11 cases in 5 test functions; 7
failed on main before the fixes (5 R31V-1 cases on 99fead02; 2 R31V-2 cases on 699e5534). The
held cases passed there too, except the distributed one, which reads the new field.

Leads left:
- HVA-419: `disable ntp` then `enable ntp` (last wins) fails; a `trustedkey` line that leaves
  out a server's key could fail rather than ask.
- A host in standby or powered off through vCenter (runtime.powerState standBy/poweredOff,
  connectionState connected per the enum text) is assessed on vCenter's copy, its run-time
  fields (serviceSync, running services) stale: a team decision whether it is "not collected".
- DVSMacLearningPolicy (enabled, allowUnicastFlooding) on distributed ports is not read: a
  port learning several MACs and flooded with unknown unicast may receive others' frames.
- extraConfig keys differing only in case; a NIC without ethernetN.virtualDev (R24 leads).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam11_vmw_probes import _verdict
from test_redteam21_vmw3_probes import _ntp


def _info(servers: list[str], conf: list[str] | None = None, **runtime: Any) -> Any:
    from pyVmomi import vim

    return vim.host.DateTimeInfo(
        ntpConfig=vim.host.NtpConfig(server=servers, configFile=conf or []), **runtime
    )


def _asked(servers: str, keyed: str) -> str:
    return (
        f"ntpd running (policy on), servers {servers}; {keyed} authenticated (ntp.conf "
        "`key`/`autokey`): the keys ntpd holds and trusts are not in the evidence, and the host "
        "does not report its clock synchronised (config.dateTimeInfo.serviceSync)"
    )


@pytest.mark.parametrize(
    ("servers", "conf", "message"),
    [
        (["10.0.0.5"], ["server 10.0.0.5 key 7"], _asked("10.0.0.5", "10.0.0.5 key 7")),
        (
            ["10.0.0.5"],
            ["keys /etc/ntp.keys", "server 10.0.0.5 key 7"],
            _asked("10.0.0.5", "10.0.0.5 key 7"),
        ),
        (
            ["10.0.0.5"],
            ["keys /etc/ntp.keys", "trustedkey 3", "server 10.0.0.5 key 7"],
            _asked("10.0.0.5", "10.0.0.5 key 7"),
        ),
        (["10.0.0.5"], ["server 10.0.0.5 autokey"], _asked("10.0.0.5", "10.0.0.5 autokey")),
        (["10.0.0.5 key 7"], [], _asked("10.0.0.5 key 7", "10.0.0.5 key 7")),
    ],
    ids=["no-keys-file", "key-not-trusted", "other-key-trusted", "autokey", "list-key"],
)
def test_r31v_1_authenticated_server_without_evidence_of_its_key_is_asked(
    tmp_path: Path, servers: list[str], conf: list[str], message: str
) -> None:
    """R31V-1: ntp_proto.c receive(): a reply whose digest "fails or it's missing for
    authenticated associations" is TEST5 ("bad auth"); authopt.html `keys`, `trustedkey`. Was:
    "ntpd running (policy on), servers ..." (pass). Right: asked, the keys named."""
    result = _ntp(tmp_path, _info(servers, conf))
    assert (result.status.value, result.outcome.message) == ("manual", message)
    assert result.outcome.question is not None
    assert "`trustedkey`" in result.outcome.question


@pytest.mark.parametrize(
    ("servers", "conf", "runtime"),
    [
        (["10.0.0.5"], ["server 10.0.0.5 key 7"], {"enabled": True, "serviceSync": True}),
        (["10.0.0.5"], ["server 10.0.0.5 iburst"], {}),
    ],
    ids=["keyed-but-host-reports-sync", "no-key"],
)
def test_r31v_1_held_reported_sync_or_no_key_passes(
    tmp_path: Path, servers: list[str], conf: list[str], runtime: dict[str, Any]
) -> None:
    """R31V-1 held: the host's own serviceSync true (V24-1) settles an authenticated server;
    a server without key options passes as before."""
    result = _ntp(tmp_path, _info(servers, conf, **runtime))
    assert (result.status.value, result.outcome.message) == (
        "pass",
        "ntpd running (policy on), servers 10.0.0.5",
    )


# --- R31V-2: a standard vSwitch named "dvs" ---------------------------------------------------------


def _standard_host(switch: str, vlan: int, promiscuous: bool) -> dict[str, Any]:
    """A host record as collect/vsphere.py's _host_record writes it from real pyVmomi objects:
    one standard vSwitch `switch` rejecting the three policies, and its port group "web" on
    VLAN `vlan` whose own policy accepts promiscuous mode when `promiscuous`."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record

    def security(p: bool | None) -> Any:
        return vim.host.NetworkPolicy.SecurityPolicy(
            allowPromiscuous=p, macChanges=False, forgedTransmits=False
        )

    sw = vim.host.VirtualSwitch(
        name=switch,
        spec=vim.host.VirtualSwitch.Specification(
            policy=vim.host.NetworkPolicy(security=security(False))
        ),
        pnic=[],
    )
    pg = vim.host.PortGroup(
        spec=vim.host.PortGroup.Specification(
            name="web",
            vswitchName=switch,
            vlanId=vlan,
            policy=vim.host.NetworkPolicy(security=security(promiscuous)),
        ),
        computedPolicy=vim.host.NetworkPolicy(security=security(promiscuous)),
    )
    props = {"name": "esx1", "config.network.vswitch": [sw], "config.network.portgroup": [pg]}
    return _host_record(props, {})


def _results(a: Any, check_id: str) -> dict[str, tuple[str, str]]:
    return {
        r.outcome.subject.name: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == check_id
    }


@pytest.mark.parametrize("switch", ["dvs", "vSwitch0"], ids=["named-dvs", "held-vSwitch0"])
def test_r31v_2_port_groups_of_a_standard_switch_named_dvs_are_judged(
    tmp_path: Path, switch: str
) -> None:
    """R31V-2 (false pass, false n/a): the collector marked a distributed port group by
    "switch": "dvs", and the parser took every port group whose vSwitch is named so for a
    distributed one, which HVA-417/418 judge from vmware/dvs.json instead. vSphere API
    HostVirtualSwitchSpec / HostPortGroupSpec.vswitchName (read with `search`): a standard
    vSwitch's name is the operator's choice ("The identifier of the virtual switch on which this
    port group is located"), so "dvs" is a valid one. Was: HVA-417 passed the switch and left
    out port group web, which accepts promiscuous mode, and HVA-418 said "no network on this
    host to evaluate" beside a port group on VLAN 4095. Right: both fail, as on vSwitch0."""
    from test_redteam13_vmw_probes import _vsphere

    a = _vsphere(tmp_path, _standard_host(switch, 4095, True))
    assert _results(a, "HVA-417") == {
        switch: (
            "pass",
            f"standard switch {switch} rejects promiscuous mode, MAC address changes and "
            "forged transmits",
        ),
        "web": ("fail", "port group web (effective policy) accepts promiscuous mode"),
    }
    assert _results(a, "HVA-418") == {
        "web": ("fail", "port group web is on VLAN 4095: every VLAN trunked to the guest (VGT)")
    }


def _untagged_on(tmp_path: Path, switch: str, listed: bool) -> Any:
    """V16-5's layout (tests/test_redteam16_vmw_probes._untagged): management (vmk0), vMotion
    (vmk1) and VM Network untagged on one standard vSwitch `switch`, listed in the record's
    "switches" when `listed` (the collector always lists them)."""
    from test_redteam13_vmw_probes import _vsphere

    record: dict[str, Any] = {
        "portgroups": [
            {"name": name, "switch": switch, "vlan": [], "trunk": False}
            for name in ("Management Network", "VM Network", "vMotion")
        ],
        "vmknics": [
            {"device": "vmk0", "portgroup": "Management Network", "dvs_portgroup": ""},
            {"device": "vmk1", "portgroup": "vMotion", "dvs_portgroup": ""},
        ],
        "vmknic_traffic": {"management": ["vmk0"], "vmotion": ["vmk1"]},
    }
    if listed:
        record["switches"] = [{"name": switch, "security": {}, "nics": ["vmnic0"]}]
    return _vsphere(tmp_path, record)


def test_r31v_2_untagged_management_on_a_switch_named_dvs_fails(tmp_path: Path) -> None:
    """R31V-2 for HVA-433/434: on a standard vSwitch named "dvs" the untagged management and
    vMotion adapters share the switch with VM Network (V16-5). Was: asked "VLAN not reported" /
    "VLAN ?", the port groups not found among the host's standard ones. Right: V16-5's fail."""
    a = _untagged_on(tmp_path, "dvs", listed=True)
    assert _verdict(a, "HVA-433") == (
        "fail",
        "vmk0 untagged, shared on its switch with port group VM Network, port group vMotion",
    )
    assert _verdict(a, "HVA-434") == (
        "fail",
        "vmk1 untagged, shared on its switch with port group Management Network, port group "
        "VM Network",
    )


def test_r31v_2_held_distributed_port_groups_stay_distributed(tmp_path: Path) -> None:
    """Held: a distributed port group the collector writes (its key, "distributed": true) stays
    distributed beside a standard vSwitch named "dvs" and a standard port group of the same
    name; a record from a bundle older than the key, "switch": "dvs" with no standard vSwitch of
    that name, is still read as distributed."""
    from hvaudit.collect.vsphere import _host_record
    from test_redteam13_vmw_probes import _vsphere

    record = _standard_host("dvs", 20, False)
    del record["name"]
    record["portgroups"] += _host_record({"name": "esx1"}, {"dvportgroup-9": {"name": "web"}})[
        "portgroups"
    ]
    assert record["portgroups"][-1]["distributed"] is True
    a = _vsphere(tmp_path / "a", record)
    assert sorted((n.name, n.distributed) for n in a.deployment.networks) == [
        ("web", False),
        ("web (dvportgroup-9)", True),
    ]

    legacy = _untagged_on(tmp_path / "b", "dvs", listed=False)
    assert {n.name: n.distributed for n in legacy.deployment.networks} == {
        "Management Network": True,
        "VM Network": True,
        "vMotion": True,
    }
