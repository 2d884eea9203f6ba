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

Held:
- HVA-440: a port on esx1 itself with Uplink 1 alone: the fail.

Probed by script: none beyond these cases.

Tally: 1 finding (1 wrong fail, whose class also let another host's port stand for this
host's); 4 test cases, 3 failed on main before the fix (the other host's port failed, the
port without a proxyHost was judged, the collector recorded no host), 1 held.

Leads left:
- HVA-440: MAX_DV_PORTS bounds what is kept, not what FetchDVPorts transfers
  (FetchDVPortKeys first, then ports by portKey in batches, would bound it); a
  PortCriteria `host` would also fetch only this host's ports.
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
