"""Red-team round 41 probes: the Proxmox VE API path's answers of the wrong shape (r41-vendor).

Harness: test_proxmox_api's fake PVE API (`seeded`: fakepve on loopback, HTTPS, the files
fixture's guests and firewall), one GET's answer replaced, for every request matching its path
template, by null, a list, a string, an object, or objects without a field the rendered file
needs; scanned through the real ProxmoxApiCollector, bundle, parser and engine from the CLI
(`hvaudit scan --connect pve+api://...`).

Findings:
- R41E-1 (crash of the whole run; every verdict lost; round 40's lead) the API path: an
  answer of another shape than the endpoint's schema (PVE answers `data` of `type => 'array',
  items => {type => 'object'}` for every index read, an object for options, a configuration
  and a node's status) stopped the scan with "internal error: AttributeError/TypeError" in
  39 of 136 swept cases (33 GETs x null, [], "x", {}; Probed by script): GET
  /cluster/options, /storage, /access/{users,groups,roles,acl,tfa,domains},
  /cluster/firewall/{options,rules,ipset,ipset/{name},aliases,groups,groups/{group}},
  /cluster/sdn/{zones,vnets}, /nodes/{node}/{firewall/options,firewall/rules,network,status},
  /nodes/{node}/qemu/{vmid}/{firewall/options,firewall/rules,firewall/aliases,firewall/ipset},
  and an object without a field the renderer indexes (an alias without `cidr`). R40E-4 fixed
  the one GET (totem). Now every GET read into a file is checked for its shape
  (`ProxmoxApiCollector._list`, `_object`; the nodes and the guests, without which nothing
  is scanned, `_fatal_list`: one line, exit 3), and a renderer meeting an object without a
  field it needs raises the endpoint's failure (`_rendered`): the artefact is recorded
  failed with the GET and the shape (never its content), a collection error, and the checks
  that read it say "evidence could not be collected" (an error, as R38E-1 made a guest's
  .fw); every other check runs. A guest listed without a VMID (pve-common
  src/PVE/JSONSchema.pm pve_verify_vmid) is not collected and the scan says so.

Held:
- (none new beyond the sweep: the answers read through `_store_optional` and render_* that
  filter by type, GET /cluster/{mapping/pci,ha/resources}, /access/permissions, the SDN
  bridges and totem (R40E-4), gave verdicts, never a crash, on main.)

Probed by script: the sweep above (33 GET templates x null, [], "x", {}: 136 scans) on main
(39 internal errors) and on the fix (none). fakepve answers GET /nodes and /cluster/resources
outside the hook this harness replaces, so their shape checks (`_fatal_list`) and the VMID
check are not reached by it.

Tally: 1 finding (1 crash); 7 test cases, 7 failed on main before the fix (internal error).

Leads left:
- GET /nodes and /cluster/resources of the wrong shape (and a guest without a VMID): this
  harness cannot answer them (fakepve's own handlers); a harness that can would test
  `_fatal_list`.
- R40E-2 on the API path: /etc/pve/corosync.conf is rendered from GET /cluster/config/totem
  alone, with no nodelist, so a `network=` holding the corosync links passes there (the files
  path fails it); GET /cluster/config/nodes gives each node's ringX_addr and is not collected.
- HVA-060 on the API path whose GET /nodes/{node}/status failed says "/proc/meminfo was not
  collected" (wording: the API's node status was).
- render_storage and render_users write `type`, `storage` and `roleid` without _one_line: a
  hostile value with a newline may add a line to the rendered file.
- a copy bundle whose listed /etc/pve/firewall lacks a guest's <vmid>.fw reads as the VM
  firewall off (round 40's lead, not probed).
"""

from __future__ import annotations

from typing import Any

import pytest

from test_proxmox_api import SECRET, TOKEN, seeded  # noqa: F401 - seeded: a fixture
from test_proxmox_api import scan as api_scan

CLUSTER_FW = "evidence could not be collected: /etc/pve/firewall/cluster.fw: "
GUEST_FW = "evidence could not be collected: VM firewall: /etc/pve/firewall/100.fw: "
USER_CFG = "evidence could not be collected: /etc/pve/user.cfg: "


@pytest.mark.parametrize(
    ("template", "answer", "check", "subject", "expected"),
    [
        (
            "/cluster/firewall/options",
            None,
            "HVA-301",
            "pve1",
            CLUSTER_FW + "GET /cluster/firewall/options: null, not an object",
        ),
        (
            "/cluster/firewall/rules",
            "x",
            "HVA-302",
            "pve1",
            CLUSTER_FW + "GET /cluster/firewall/rules: a JSON str, not a list of objects",
        ),
        (
            "/cluster/firewall/aliases",
            [{"name": "mgmt"}],
            "HVA-313",
            "pve1",
            CLUSTER_FW + "GET /cluster/firewall/*: an answer of an unexpected shape (KeyError)",
        ),
        (
            "/nodes/{node}/qemu/{vmid}/firewall/options",
            [],
            "HVA-303",
            "web-01",
            GUEST_FW + "GET /nodes/pve1/qemu/100/firewall/options: a JSON list, not an object",
        ),
        (
            "/nodes/{node}/qemu/{vmid}/firewall/aliases",
            "x",
            "HVA-191",
            "web-01",
            GUEST_FW
            + "GET /nodes/pve1/qemu/100/firewall/aliases: a JSON str, not a list of objects",
        ),
        (
            "/access/acl",
            "x",
            "HVA-307",
            "pve1",
            USER_CFG + "GET /access/acl: a JSON str, not a list of objects",
        ),
        (
            "/access/users",
            None,
            "HVA-311",
            "pve1",
            USER_CFG + "GET /access/users: null, not a list of objects",
        ),
    ],
    ids=[
        "cluster-options-null",
        "cluster-rules-str",
        "alias-no-cidr",
        "vm-options-list",
        "vm-aliases-str",
        "acl-str",
        "users-null",
    ],
)
def test_r41e1_api_answer_of_wrong_shape_is_an_error_not_a_crash(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    template: str,
    answer: object,
    check: str,
    subject: str,
    expected: str,
) -> None:
    """R41E-1 (crash): main stopped the whole scan, "internal error: AttributeError" or
    "TypeError" (exit 3, no report). Now the artefact the GET renders is failed (a collection
    error naming the GET and the answer's shape) and the checks reading it error."""
    stateful = fakepve.answer

    async def wrong(request: Any, match: Any, params: Any, user: Any, call: Any = None) -> Any:
        if request.method == "GET" and match is not None and match.template == template:
            return answer
        return await stateful(request, match, params, user, call)

    fakepve.answer = wrong
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    code, report = api_scan(seeded, capsys, "--ca-file", fakepve_cafile)
    got = [
        (r["status"], r["message"])
        for r in report["results"]
        if r["check_id"] == check and r["subject"]["name"] == subject
    ]
    assert (code, got) == (3, [("error", expected)])
    assert f"collection error: {expected.rsplit(': ', 2)[-2]}: " in "\n".join(report["notes"])
