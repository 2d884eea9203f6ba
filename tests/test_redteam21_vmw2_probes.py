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

Held (kept as tests): V21B-1 filters reported off: the pass, unchanged.

Probed by script, not kept (the verdict was right): (see the next landing)

Tally: V21B-1 5 cases (3 functions), 4 failed on main c0e986b (filters on, enable not
reported, filters not reported, the firewall question without the filters); the held case
passed there too.

Leads left (not settled in the time):
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
            {"Syslog.global.logFiltersEnable": True},
            (
                "manual",
                "logs to ssl://10.0.0.5:1514, certificates verified; log filters on "
                "(Syslog.global.logFiltersEnable) and Syslog.global.logFilters not reported",
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
