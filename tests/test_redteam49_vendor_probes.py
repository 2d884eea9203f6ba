"""Red-team round 49 probes: a standard vSwitch uplink absent from a reported
config.network.pnic (r49-vendor).

Harness: vSphere host records as collect/vsphere.py's _host_record writes them from real
pyVmomi objects (round 47's `_esx_uplinks`: vSwitch0 bridging vmnic0 and vmnic1, port group
"VM Network"), assessed through the bundle parser and engine (round 11's `_vsphere`); a record
of an older collector is the same record with the new key removed.

Findings:
- R49E-1 (false pass) HVA-440: vSwitch0 with vmnic0 (linked) and vmnic1 in its teaming order,
  where the reported config.network.pnic listed vmnic0 only, passed "standard switch vSwitch0
  uplinks: vmnic0, vmnic1": the collector's `no_link` held only the adapters it saw without
  linkSpeed, so an uplink it never saw counted as linked. HostPhysicalNic.linkSpeed is the
  only link state the API gives ("If this object is not set, then the link is down", pyVmomi
  docs vim/host/PhysicalNic.rst), and none was read for vmnic1: it is no proof of a second
  path. Now the collector records each switch's uplinks config.network.pnic does not list
  (`no_report`, standard and distributed), and a team (the switch's order or a port group's
  own) whose second uplink with a link rests on one is asked the R48E-2 question ("...;
  vmnic1 not among the host's reported physical adapters (config.network.pnic): their link
  state is not in the evidence"); a record without `no_report` (an older collector) is read
  as before (team decision of round 48).
- R49E-2 (wording) HVA-440: vmnic0 unlisted by config.network.pnic and vmnic1 listed without
  linkSpeed failed (rightly: at most one path) with "vmnic0 with a link, vmnic1 with none",
  naming vmnic0 linked where no link of it was read. Now `_linkless` names such uplinks apart
  ("none with a link, vmnic1 with none (...), vmnic0 not among the reported physical adapters
  (link unknown)"), for standard and distributed switches.

Held:
- HVA-440: both uplinks reported with a link: the pass; a record without `no_report` with
  vmnic1 unlisted: the pass on the teaming order (the older collector's reading).

Probed by script: none beyond these cases.

Tally: 2 findings (1 false pass, 1 wording); 6 test cases, 5 failed on main before the fixes
(R49E-1: 2 pass, 1 collector key missing; R49E-2: 1 message; the held older-collector case
removes the new key), 2 held.

Leads left:
- distributed switches record `no_report` but are always asked (their port groups' teaming is
  still not collected); the question does not name the unlisted uplinks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_redteam11_vmw_probes import _vsphere
from test_redteam47_vendor_probes import _esx_uplinks
from test_redteam48_vendor_probes import _link_q


def _verdict(a: Any, check: str, subject: str) -> tuple[str, str, str | None]:
    (got,) = [
        (r.status.value, r.outcome.message, r.outcome.question)
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == subject
    ]
    return got


def test_r49e1_collector_records_unlisted_uplinks() -> None:
    """R49E-1: the collector records the switch's uplinks a reported config.network.pnic does
    not list (main recorded only the listed ones without linkSpeed)."""
    record = _esx_uplinks({"vmnic0": True})
    assert record["switches"][0]["no_link"] == []
    assert record["switches"][0]["no_report"] == ["vmnic1"]


@pytest.mark.parametrize(
    ("pg_order", "expected"),
    [
        pytest.param(
            None,
            (
                "manual",
                "standard switch vSwitch0 uplinks: vmnic0, vmnic1; vmnic1 not among the host's "
                "reported physical adapters (config.network.pnic): their link state is not in "
                "the evidence",
                _link_q("vmnic0, vmnic1"),
            ),
            id="switch-order",
        ),
        pytest.param(
            ("vmnic1", "vmnic0"),
            (
                "manual",
                "standard switch vSwitch0 uplinks: vmnic0, vmnic1; port group VM Network: "
                "vmnic0, vmnic1; vmnic1 not among the host's reported physical adapters "
                "(config.network.pnic): their link state is not in the evidence",
                _link_q("vmnic0, vmnic1; port group VM Network: vmnic1, vmnic0"),
            ),
            id="port-group-order",
        ),
    ],
)
def test_r49e1_unlisted_uplink_is_asked(
    tmp_path: Path, pg_order: tuple[str, ...] | None, expected: tuple[str, str, str]
) -> None:
    """R49E-1 (false pass) HVA-440: vmnic1 is in the teaming order and config.network.pnic,
    reported, lists vmnic0 only: main passed "standard switch vSwitch0 uplinks: vmnic0,
    vmnic1", counting the unseen vmnic1 as linked."""
    a = _vsphere(tmp_path, _esx_uplinks({"vmnic0": True}, pg_order))
    assert _verdict(a, "HVA-440", "vSwitch0") == expected


def test_r49e_held_both_listed_with_link(tmp_path: Path) -> None:
    """Held: both uplinks listed with linkSpeed set pass."""
    a = _vsphere(tmp_path, _esx_uplinks({"vmnic0": True, "vmnic1": True}))
    assert _verdict(a, "HVA-440", "vSwitch0") == (
        "pass",
        "standard switch vSwitch0 uplinks: vmnic0, vmnic1",
        None,
    )


def test_r49e_held_older_collector_reads_as_before(tmp_path: Path) -> None:
    """Held (the team's rule for older bundles): a record without `no_report` is judged on the
    teaming order and `no_link` as before."""
    record = _esx_uplinks({"vmnic0": True})
    del record["switches"][0]["no_report"]
    a = _vsphere(tmp_path, record)
    assert _verdict(a, "HVA-440", "vSwitch0") == (
        "pass",
        "standard switch vSwitch0 uplinks: vmnic0, vmnic1",
        None,
    )


def test_r49e2_unlisted_uplink_is_not_named_linked(tmp_path: Path) -> None:
    """R49E-2 (wording) HVA-440: vmnic0 unlisted, vmnic1 listed without linkSpeed: the fail
    stands, and main named vmnic0 "with a link" though its link was never read."""
    a = _vsphere(tmp_path, _esx_uplinks({"vmnic1": False}))
    assert _verdict(a, "HVA-440", "vSwitch0") == (
        "fail",
        "standard switch vSwitch0 fails over to no second uplink with a link: none with a link, "
        "vmnic1 with none (linkSpeed not set: the link is down), vmnic0 not among the reported "
        "physical adapters (link unknown)",
        None,
    )
