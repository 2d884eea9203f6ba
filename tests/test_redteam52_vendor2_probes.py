"""Red-team round 52 probes, second turn: HVA-440's distributed ports (r52-vendor2).

Harness: vCenter's dvs.json as VsphereCollector._port_orders and _dvs_record write it from
real pyVmomi DistributedVirtualPort objects (each with its config.setting.uplinkTeamingPolicy
and proxyHost) that a DistributedVirtualSwitch's FetchDVPorts answers (round 52's `_Switch`),
beside host esx1 (HostSystem host-12) as _host_record writes it (round 51's `_host`), assessed
through the bundle parser and engine (round 13's `_vsphere`).

Findings:
- R52V-5 (wrong fail; false pass by the same class) HVA-440: each fetched port's own teaming
  order was judged against esx1's uplink ports whichever host serviced the port: a port on
  host-13 whose own order holds Uplink 1 alone failed esx1 ("port group Web port 8 fails over
  to no second uplink with a link: Uplink 1 (vmnic2) active or standby"), and a port's order
  read through esx1's uplink mapping stood for its own host's. DistributedVirtualPort.proxyHost
  is the "HostSystem that services this port" (optional; pyVmomi
  docs/vim/dvs/DistributedVirtualPort.rst, read with `search`). Now the collector records
  each port's proxyHost and each proxy switch's HostSystem id, and HVA-440 judges on a host
  only the ports that host services; a port whose host is not reported (or a record without
  this host's id) is asked, naming DistributedVirtualPort.proxyHost.

- R52V-6 (no false verdict: a bound, round 52's lead) HVA-440: MAX_DV_PORTS bounded what was
  kept, not what FetchDVPorts transferred: a port group of any size came over whole in one
  call. Now each port group's keys come first (DistributedVirtualSwitch.FetchDVPortKeys,
  "the port selection criteria", read with `search`), then its ports by key
  (DistributedVirtualSwitchPortCriteria.portKey, "only the ports of which the key is in the
  array are qualified", pyVmomi docs/vim/dvs/PortCriteria.rst) DV_PORT_BATCH (256) at a time;
  a port group with more than MAX_DV_PORTS keys is not fetched: its ports unread, asked as
  R51V-3 asked.

Held:
- HVA-440: a port on esx1 itself with Uplink 1 alone: the fail.

Probed by script: none beyond these cases.

Tally: 2 findings (1 wrong fail, whose class also let another host's port stand for this
host's; 1 bound on the transfer, no verdict); 6 test cases, 5 failed on main before the fixes
(R52V-5: 3, the other host's port failed, the port without a proxyHost was judged, the
collector recorded no host; R52V-6: 2, main called no FetchDVPortKeys), 1 held.

Leads left:
- HVA-440: a PortCriteria `host` (vSphere 7+: the JSON API's DistributedVirtualSwitchPortCriteria
  lists it) would fetch only the audited hosts' ports.
- HVA-440: the distributed switch's own default order (config.defaultPortConfig of the
  switch) is still not read.
- HVA-440: the question's Evidence line does not name the host that services each port.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam13_vmw_probes import _vsphere
from test_redteam51_vendor_probes import BACKED, LINKED, _ask, _host
from test_redteam52_vendor_probes import _dvs_with_ports, _port, _Switch, _verdict


def _port_on(key: str, order: tuple[list[str], list[str]] | None, host: str | None) -> Any:
    """A DistributedVirtualPort of port group Web serviced by HostSystem `host` (None: no
    proxyHost reported)."""
    from pyVmomi import vim

    port = _port(key, order)
    port.proxyHost = vim.HostSystem(host) if host is not None else None
    return port


def test_r52v5_collector_records_each_ports_host() -> None:
    """R52V-5: each port's proxyHost and the proxy switch's HostSystem are recorded (main
    recorded neither)."""
    record = _dvs_with_ports(
        _Switch([_port_on("8", (["Uplink 1"], []), "host-13"), _port_on("9", None, None)])
    )
    assert record["portgroups"][0]["port_orders"] == [
        {"key": "8", "host": "host-13", "uplink_order": ["Uplink 1"]},
        {"key": "9", "host": None, "uplink_order": None},
    ]
    assert [ps["host"] for ps in _host(LINKED, BACKED)["proxy_switches"]] == ["host-12"]


@pytest.mark.parametrize(
    ("ports", "expected"),
    [
        pytest.param(
            [
                _port_on("5", (["Uplink 1", "Uplink 2"], []), "host-12"),
                _port_on("8", (["Uplink 1"], []), "host-13"),
            ],
            (
                "pass",
                "distributed switch dvs-prod uplinks on host esx1: vmnic2, vmnic3; port group "
                "Web: Uplink 1 (vmnic2), Uplink 2 (vmnic3) (its 1 ports' own orders too)",
                None,
            ),
            id="one-uplink-port-on-another-host",
        ),
        pytest.param(
            [
                _port_on("5", (["Uplink 1", "Uplink 2"], []), "host-12"),
                _port_on("9", (["Uplink 1", "Uplink 2"], []), None),
            ],
            (
                "manual",
                "distributed switch dvs-prod has uplinks vmnic2, vmnic3 on host esx1; port "
                "group Web port 9: the host that services it (DistributedVirtualPort.proxyHost) "
                "is not reported",
                _ask(
                    "port group Web port 9: the host that services it "
                    "(DistributedVirtualPort.proxyHost) is not reported"
                ),
            ),
            id="port-host-not-reported",
        ),
        pytest.param(
            [
                _port_on("5", (["Uplink 1"], []), "host-12"),
                _port_on("8", (["Uplink 1", "Uplink 2"], []), "host-13"),
            ],
            (
                "fail",
                "distributed switch dvs-prod on host esx1: port group Web port 5 fails over to "
                "no second uplink with a link: Uplink 1 (vmnic2) active or standby",
                None,
            ),
            id="held-one-uplink-port-on-this-host",
        ),
    ],
)
def test_r52v5_only_this_hosts_ports_are_judged(
    tmp_path: Path, ports: list[Any], expected: tuple[str, str, str | None]
) -> None:
    """R52V-5 HVA-440: esx1 (host-12) is judged on the ports it services: a one-uplink port
    on host-13 is that host's (main failed esx1 on it), a port whose host is not reported is
    asked (main judged it on esx1's mapping and passed), a one-uplink port on esx1 fails."""
    a = _vsphere(tmp_path, _host(LINKED, BACKED), dvs=_dvs_with_ports(_Switch(ports)))
    assert _verdict(a, "HVA-440", "dvs-prod") == expected


# --- R52V-6: HVA-440, what FetchDVPorts transfers is bounded ----------------------------------


class _Crowded(_Switch):
    """A switch whose port group Web holds `count` port keys (FetchDVPortKeys)."""

    def __init__(self, count: int) -> None:
        super().__init__([])
        self.count = count

    def FetchDVPortKeys(self, criteria: Any) -> list[str]:
        self.asked.append(criteria)
        return [str(n) for n in range(self.count)]


def test_r52v6_ports_are_fetched_by_key_in_batches() -> None:
    """R52V-6: port group Web's 600 port keys first (inside its key), then its ports 256 at a
    time by key; every port recorded (main fetched them all in one FetchDVPorts)."""
    two = (["Uplink 1", "Uplink 2"], [])
    switch = _Switch([_port_on(str(n), two, "host-12") for n in range(600)])
    record = _dvs_with_ports(switch)
    ((criteria,),) = [switch.asked]
    assert (criteria.inside, list(criteria.portgroupKey)) == (True, ["dvportgroup-2"])
    assert [len(b) for b in switch.by_key] == [256, 256, 88]
    assert len(record["portgroups"][0]["port_orders"]) == 600


def test_r52v6_too_many_ports_are_not_fetched(tmp_path: Path) -> None:
    """R52V-6 HVA-440: a port group with MAX_DV_PORTS + 1 port keys: no FetchDVPorts at all
    (main transferred every port, then dropped them), its ports unread and asked."""
    from hvaudit.collect.vsphere import MAX_DV_PORTS

    switch = _Crowded(MAX_DV_PORTS + 1)
    a = _vsphere(tmp_path, _host(LINKED, BACKED), dvs=_dvs_with_ports(switch))
    assert switch.by_key == []
    open_ = (
        "port group Web: Uplink 1 (vmnic2), Uplink 2 (vmnic3), but each port may override "
        "this teaming order (uplinkTeamingOverrideAllowed)"
    )
    assert _verdict(a, "HVA-440", "dvs-prod") == (
        "manual",
        f"distributed switch dvs-prod has uplinks vmnic2, vmnic3 on host esx1; {open_}",
        _ask(open_),
    )
