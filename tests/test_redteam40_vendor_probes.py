"""Red-team round 40 probes: Proxmox VE's migration network (r40-vendor).

Harness: the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened: a cluster of pve-h1
and pve-h2, corosync ring0 on 10.0.1.0/24, `migration: secure,network=10.0.2.0/24`) copied
and scanned through the real pve+dir:// collector, parser and engine from the CLI (round 39's
`_scan`), datacenter.cfg edited or corosync.conf removed. The single node: the same copy
without either corosync.conf answering as a live node (pve+ssh://, paths as on the node,
`ps` showing pve-firewall) through ProxmoxFilesCollector.collect, the bundle writer, parser
and engine (round 39's `_NodesListingFails` shape).

Findings:
- R40E-1 (false pass) HVA-308: a cluster whose datacenter.cfg sets no `network=` in
  `migration` (no line, `secure`, `type=secure`, `migration_unsecure: 0`, or a `network=`
  pve-cluster refuses and drops) passed "migration type secure (default) (no dedicated
  network)". Rev. 1 HY-SR-13 wants memory and CPU state "on a dedicated virtual network
  segment at both ends"; without `network=` "Proxmox VE uses the network in which cluster
  communication takes place to send the migration traffic" (pve-docs pvecm.adoc, "Migration
  Network"; pve-cluster src/PVE/SSHInfo.pm get_ssh_info: no CIDR, the target is
  PVE::Cluster::remote_node_ip), as HVA-036 fails libvirt's migration_address on every
  address and HVA-434 a vMotion adapter on a shared VLAN. The check's question where
  datacenter.cfg is unread passed "the secure default (both lines absent)" too. Now a node
  with a corosync.conf read fails "no dedicated migration network"; one whose corosync.conf
  was not read is asked whether it is a single node; a single node (no
  /etc/pve/corosync.conf on the live node) passes as before; the unread datacenter.cfg's
  question asks for `network=` in a cluster. A corosync.conf counts where it names a
  cluster (a nodelist node or a totem cluster_name): the API's rendering of a single node's
  GET /cluster/config/totem may be an empty totem block, which is asked.
- R40E-2 (false pass) HVA-308: a `network=` that holds the cluster's corosync link addresses
  (`migration: secure,network=10.0.1.0/24` around ring0 10.0.1.21 and .22, a /32 of a peer's
  ring0, or a wider 10.0.0.0/8) passed "migration type secure on <CIDR>": that CIDR is the
  network "in which cluster communication takes place" (pve-docs pvecm.adoc, "Migration
  Network"), the default `network=` exists to move migration off; corosync.conf(5):
  ringX_addr "specifies IP or network hostname address of the particular node. X is a link
  number". Now such a network fails, naming the link addresses it holds (`_links_in`: the
  nodelist of /etc/pve/corosync.conf, else the node's own file; a host-name link address is
  not resolved, see Leads left).
- R40E-3 (wording) HVA-301, HVA-302, HVA-313 (round 39's lead): a live node whose `ls -1
  /etc/pve/nodes` timed out recorded nothing (`_list` returned []), so host.fw "was not
  collected" (a question) hid why. Now the failed listing is recorded at its listing artefact
  (`_recorded_list`, as `_fw_dir` records /etc/pve/firewall's, R38E-2) and the parser gives
  host.fw its failure: HVA-302 and HVA-313 an error naming it, HVA-301 its question with the
  cause (a collection that failed is an error, as R38E-1 made a guest's .fw).
- R40E-4 (crash of the whole run; every verdict lost) the API path (pve+api://): a single
  node answers GET /cluster/config/totem with null (pve-manager PVE/API2/ClusterConfig.pm
  totem returns `$conf->{main}->{totem}` of pve-cluster src/PVE/Corosync.pm parse_conf, `return
  {} if !$raw` without corosync.conf), and render_totem(None) stopped the scan: "internal
  error: AttributeError: 'NoneType' object has no attribute 'items'". Now the answer is
  recorded absent (`ProxmoxApiCollector._totem`): HVA-309 not applicable ("a single node: no
  corosync.conf", as the files path says), every other check runs. Harness: test_proxmox_api's
  fake PVE API (`seeded`), its totem answer null.

Held:
- R40E-3: the same live node whose listing runs: HVA-302 passes, as before.
- R40E-1: the hardened copy (`network=10.0.2.0/24`): "migration type secure on 10.0.2.0/24";
  a single live node without `network=`: "migration type secure (default) (no dedicated
  network)", as before; `migration: insecure` in a cluster without `network=`: the
  cleartext fail alone, as before.
- R40E-2: an IPv6 `network=` (fd00:2::/64) beside IPv4 links: the pass.

Probed by script: none yet.

Tally: 4 findings (2 false passes, 1 wording, 1 crash); 18 test cases, 13 failed on main
before the fixes (3511ccaf: R40E-1 8: 5 pass, the unread membership's pass and the empty
totem block's pass, the old datacenter question; R40E-2 3: pass; 1e853be6: R40E-3 1: "was not
collected"; c0acd6d9: R40E-4 1: internal error), 5 held.

Leads left:
- HVA-308 does not compare `network=` with the node's management address (the address its
  name resolves to, /etc/hosts, not collected): a migration network that is the management
  network passes; a corosync link given as a host name is not resolved either.
- R40E-2 on the API path: /etc/pve/corosync.conf is rendered from GET /cluster/config/totem
  alone, with no nodelist, so a `network=` holding the corosync links passes there (the
  files path fails it); GET /cluster/config/nodes (Sys.Audit on /) gives each node's
  ringX_addr and is not collected.
- The API path's other renderers (render_realms, render_firewall, ...) take any JSON the
  node answers: a null or non-object answer elsewhere may stop the scan as R40E-4's did.
- HVA-434: config.virtualNicManagerInfo reported without a `vmotion` nicType entry reads as
  no vMotion adapter (not applicable), where HVA-433 asks for a missing `management` one; a
  real host's netConfig lists every nicType (govmomi's simulator only management), so
  whether an absent entry is "not reported": a team decision (vcsim tests rest on it).
- HVA-432 on 8.0 Update 1 and 2 (the option "deprecated"): still round 36's team decision.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from hvaudit.bundle import Bundle, BundleWriter
from hvaudit.cli import main
from hvaudit.collect.proxmox import ProxmoxFilesCollector, ProxmoxTarget
from hvaudit.collect.runner import RunResult, TreeRunner
from hvaudit.engine import assess
from hvaudit.parse import build_deployment
from hvaudit.profile import load_profile
from test_proxmox_api import CANNED, SECRET, TOKEN, seeded  # noqa: F401 - seeded: a fixture
from test_proxmox_api import scan as api_scan
from test_redteam2_probes import PVE_HARDENED

NODE = "pve-h1"
DC = "etc/pve/datacenter.cfg"
HARDENED_MIGRATION = "migration: secure,network=10.0.2.0/24\n"
COROSYNC = ("etc/pve/corosync.conf", "etc/corosync/corosync.conf")
SHARED = (
    "no dedicated migration network (datacenter.cfg `migration` sets no network=): the "
    "cluster migrates over its cluster communication network"
)


def _copy(
    tmp_path: Path, removed: tuple[str, ...], edits: dict[str, tuple[str, str]] | None
) -> Path:
    """A copy of the hardened tree, `removed` files removed, `edits` (old, new) applied."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    for rel in removed:
        (tree / rel).unlink()
    for rel, (old, new) in (edits or {}).items():
        text = (tree / rel).read_text()
        assert old in text
        (tree / rel).write_text(text.replace(old, new))
    return tree


def _scan(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    *,
    removed: tuple[str, ...] = (),
    edits: dict[str, tuple[str, str]] | None = None,
) -> tuple[str, str, str | None]:
    """HVA-308 of the node in a copy of the hardened tree (pve+dir://)."""
    tree = _copy(tmp_path, removed, edits)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    ((got,),) = [
        [
            (r["status"], r["message"], r.get("question"))
            for r in json.loads(out)["results"]
            if r["check_id"] == "HVA-308" and r["subject"] == {"type": "host", "name": NODE}
        ]
    ]
    return got


class _LiveNode:
    """A tree answering as a live node would (paths as on the node) where pve-firewall runs."""

    description = "tree as a live node"

    def __init__(self, tree: Path) -> None:
        self.tree = TreeRunner(str(tree))

    def run(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        if argv == ("ps", "-eo", "pid=,user:32=,args="):
            return RunResult("ok", b"1201 root pve-firewall\n", 0, "", "", 0)
        return self.tree.run(argv, timeout)

    def read_file(self, path: str, timeout: float) -> RunResult:
        return self.tree.read_file(path, timeout)


def _live(tmp_path: Path, tree: Path) -> tuple[str, str]:
    """HVA-308 of the node with `tree` answering as the live node pve+ssh://root@pve-h1/."""
    uri = "pve+ssh://root@pve-h1/"
    collector = ProxmoxFilesCollector(ProxmoxTarget.parse(uri))
    collector.runner = _LiveNode(tree)
    writer = BundleWriter(tmp_path / "bundle", target=uri, platform="proxmox-ve")
    collector.collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    deployment, _ = build_deployment(Bundle.open(bundle))
    ((got),) = [
        (r.status.value, r.outcome.message)
        for r in assess(deployment, [], load_profile()).results
        if r.check.id == "HVA-308" and r.outcome.subject.name == NODE
    ]
    return got


# --- R40E-1: a cluster without a migration network --------------------------------------------


@pytest.mark.parametrize(
    "migration",
    ["", "migration: secure\n", "migration: type=secure\n", "migration_unsecure: 0\n"],
    ids=["no-line", "secure", "type-secure", "unsecure-0"],
)
def test_r40e1_cluster_without_migration_network_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], migration: str
) -> None:
    """R40E-1 (false pass): main passed "migration type secure (default) (no dedicated
    network)" (or "migration type secure (no dedicated network)"): the cluster's migration
    crosses its cluster communication network (pve-docs pvecm.adoc, "Migration Network")."""
    got = _scan(tmp_path, capsys, edits={DC: (HARDENED_MIGRATION, migration)})
    assert got == ("fail", SHARED, None)


def test_r40e1_refused_network_is_no_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R40E-1 (false pass): a `network=` without its mask, which pve-cluster refuses and drops
    (P10-5), leaves the cluster's migration on the cluster network: main passed it."""
    got = _scan(
        tmp_path,
        capsys,
        edits={DC: (HARDENED_MIGRATION, "migration: secure,network=10.0.2.0\n")},
    )
    assert got == (
        "fail",
        f"{SHARED}; datacenter.cfg `migration: secure,network=10.0.2.0` is refused (network "
        "'10.0.2.0' is no CIDR) and dropped by pve-cluster",
        None,
    )


def test_r40e1_membership_unread_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R40E-1 (false pass): a copy without either corosync.conf and no `network=`: main passed;
    the node may be a cluster member. Now the question whether it is a single node."""
    status, message, question = _scan(
        tmp_path, capsys, removed=COROSYNC, edits={DC: (HARDENED_MIGRATION, "")}
    )
    assert (status, message) == (
        "manual",
        "migration type secure (default) (no dedicated network), and node pve-h1's cluster "
        "membership is not known (/etc/pve/corosync.conf: the copied tree has no "
        "/etc/pve/corosync.conf)",
    )
    assert question == (
        "Is node pve-h1 a single node, in no cluster? Evidence: `pvecm status` run as root on "
        "node pve-h1 (or whether /etc/pve/corosync.conf exists there). Pass: yes, no cluster: "
        "there is no other node to migrate to; fail: it is a cluster member, whose migration "
        "crosses the cluster communication network (datacenter.cfg `migration` sets no "
        "network=)."
    )


def test_r40e1_unread_datacenter_question_asks_the_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R40E-1 (false pass through a question): datacenter.cfg unread, the question's "Pass:
    the secure default (both lines absent)" passed a cluster without `network=`."""
    status, _, question = _scan(tmp_path, capsys, removed=(DC,))
    assert status == "manual"
    assert question is not None
    assert "Pass: the secure type (the default, both lines absent; `type=secure` or " in question
    assert "with `network=<CIDR>` set, or a single node (no cluster); fail: " in question
    assert "or a cluster with no `network=` (its migration crosses the cluster " in question


def test_r40e1_held_insecure_fails_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R40E-1 held: `migration: insecure` in a cluster without `network=` still fails for the
    cleartext alone, as before."""
    got = _scan(tmp_path, capsys, edits={DC: (HARDENED_MIGRATION, "migration: insecure\n")})
    assert got == (
        "fail",
        "migration type insecure (migration): guest memory crosses the network in cleartext",
        None,
    )


def test_r40e1_held_dedicated_network_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R40E-1 held: the hardened copy's `network=10.0.2.0/24` passes, as before."""
    got = _scan(tmp_path, capsys)
    assert got == ("pass", "migration type secure on 10.0.2.0/24", None)


def test_r40e1_held_single_live_node_passes(tmp_path: Path) -> None:
    """R40E-1 held: a live node without /etc/pve/corosync.conf (a single node, no other node to
    migrate to) and no `network=`: the pass, as before."""
    tree = _copy(tmp_path, COROSYNC, {DC: (HARDENED_MIGRATION, "")})
    assert _live(tmp_path, tree) == (
        "pass",
        "migration type secure (default) (no dedicated network)",
    )


# --- R40E-2: a migration network that holds the corosync links --------------------------------


@pytest.mark.parametrize(
    ("network", "links"),
    [
        ("10.0.1.0/24", "10.0.1.21 (pve-h1 ring0_addr), 10.0.1.22 (pve-h2 ring0_addr)"),
        ("10.0.1.22/32", "10.0.1.22 (pve-h2 ring0_addr)"),
        ("10.0.0.0/8", "10.0.1.21 (pve-h1 ring0_addr), 10.0.1.22 (pve-h2 ring0_addr)"),
    ],
    ids=["ring-subnet", "peer-host-route", "wider-net"],
)
def test_r40e2_migration_network_on_the_corosync_links_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], network: str, links: str
) -> None:
    """R40E-2 (false pass): `network=` around the cluster's corosync ring0 addresses (the
    fixture's 10.0.1.21 and .22): main passed "migration type secure on <CIDR>", though that
    is the network "in which cluster communication takes place" (pve-docs pvecm.adoc,
    "Migration Network")."""
    got = _scan(
        tmp_path,
        capsys,
        edits={DC: (HARDENED_MIGRATION, f"migration: secure,network={network}\n")},
    )
    assert got == (
        "fail",
        f"migration network {network} is the cluster communication network: it holds corosync "
        f"link address(es) {links}",
        None,
    )


def test_r40e2_held_ipv6_network_beside_ipv4_links_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R40E-2 held: an IPv6 migration network holds no IPv4 link address: the pass."""
    got = _scan(
        tmp_path,
        capsys,
        edits={DC: (HARDENED_MIGRATION, "migration: secure,network=fd00:2::/64\n")},
    )
    assert got == ("pass", "migration type secure on fd00:2::/64", None)


def test_r40e1_corosync_naming_no_cluster_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R40E-1: a corosync.conf that names no cluster (an empty totem block, as the API's
    rendering of a single node's GET /cluster/config/totem may be) is no proof of a cluster:
    the membership question, not the fail."""
    status, message, _ = _scan(
        tmp_path,
        capsys,
        removed=(COROSYNC[1],),
        edits={
            DC: (HARDENED_MIGRATION, ""),
            COROSYNC[0]: (
                (PVE_HARDENED / COROSYNC[0]).read_text(),
                "totem {\n}\n",
            ),
        },
    )
    assert (status, message) == (
        "manual",
        "migration type secure (default) (no dedicated network), and node pve-h1's cluster "
        "membership is not known (/etc/pve/corosync.conf as read names no cluster)",
    )


# --- R40E-3: a live node whose /etc/pve/nodes listing failed ----------------------------------


class _NodesUnlisted(_LiveNode):
    """The hardened tree as a live node whose `ls -1 /etc/pve/nodes` timed out."""

    def run(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        if argv == ("ls", "-1", "/etc/pve/nodes"):
            return RunResult("failed", b"", None, "", "timed out after 10 s", 0)
        return super().run(argv, timeout)


def _live_results(tmp_path: Path, runner: _LiveNode, checks: tuple[str, ...]) -> dict[str, Any]:
    """The node's (status, message) of `checks` with `runner` as the live node."""
    uri = "pve+ssh://root@pve-h1/"
    collector = ProxmoxFilesCollector(ProxmoxTarget.parse(uri))
    collector.runner = runner
    writer = BundleWriter(tmp_path / "bundle", target=uri, platform="proxmox-ve")
    collector.collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    deployment, _ = build_deployment(Bundle.open(bundle))
    return {
        r.check.id: (r.status.value, r.outcome.message)
        for r in assess(deployment, [], load_profile()).results
        if r.check.id in checks and r.outcome.subject.name == NODE
    }


UNLISTED = (
    "evidence could not be collected: /etc/pve/nodes/pve-h1/host.fw not read: /etc/pve/nodes "
    "could not be listed: timed out after 10 s"
)


def test_r40e3_unlisted_nodes_say_why(tmp_path: Path) -> None:
    """R40E-3 (wording): main said host.fw "was not collected" (Fact.unavailable, a question)
    where the node's `ls -1 /etc/pve/nodes` timed out; the failed listing is now recorded at
    its listing artefact (as `_fw_dir` records /etc/pve/firewall's, R38E-2) and host.fw takes
    its failure: HVA-302 and HVA-313 an error naming it, HVA-301 its question with the cause."""
    got = _live_results(tmp_path, _NodesUnlisted(PVE_HARDENED), ("HVA-301", "HVA-302", "HVA-313"))
    assert got == {
        "HVA-301": (
            "manual",
            f"{UNLISTED}; cluster.fw enables the firewall (input policy DROP), but whether "
            "pve-firewall or proxmox-firewall applies it on this node is not in the evidence "
            "(only pve-firewall runs on this node, and host.fw (whose `nftables` option picks "
            "the daemon that applies the rules) was not read)",
        ),
        "HVA-302": ("error", UNLISTED),
        "HVA-313": ("error", UNLISTED),
    }


def test_r40e3_held_listed_nodes_read_host_fw(tmp_path: Path) -> None:
    """R40E-3 held: the same live node whose listing runs reads host.fw: HVA-302 is judged
    (no gap), as before."""
    got = _live_results(tmp_path, _LiveNode(PVE_HARDENED), ("HVA-302",))
    assert got == {"HVA-302": ("pass", "on (cluster firewall on, host.fw does not disable it)")}


# --- R40E-4: the API path's single node (GET /cluster/config/totem null) -------------------------


def test_r40e4_single_node_totem_null_is_no_crash(
    seeded: str,  # noqa: F811 - the fixture imported above
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R40E-4 (crash): a single node answers GET /cluster/config/totem with null (pve-cluster
    src/PVE/Corosync.pm parse_conf `return {} if !$raw`, no corosync.conf); main stopped the
    whole scan: "internal error: AttributeError: 'NoneType' object has no attribute 'items'".
    Now corosync.conf is recorded absent: HVA-309 not applicable (a single node), as the files
    path says, and every other check runs."""
    monkeypatch.setitem(CANNED, "/cluster/config/totem", None)
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    _, report = api_scan(seeded, capsys, "--ca-file", fakepve_cafile)
    got = {
        r["check_id"]: (r["status"], r["message"])
        for r in report["results"]
        if r["check_id"] in ("HVA-308", "HVA-309") and r["subject"]["name"] == "pve1"
    }
    assert got == {
        "HVA-308": ("pass", "migration type secure on 10.0.2.0/24"),
        "HVA-309": ("not_applicable", "a single node: no corosync.conf"),
    }
