"""Proxmox VE, issue 10: a hardened node has no failure, every 2014 recommendation is in every
report, and each weakness is found on its subject. Node trees are written from Proxmox's
documented formats (tests/fixtures/proxmox-hardened, tests/fixtures/proxmox-node) and varied per
test; everything goes through collection (pve+dir://), the real parsers and the engine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hvaudit.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
HARDENED = FIXTURES / "proxmox-hardened"
WEAK = FIXTURES / "proxmox-node"
ALL_2014 = [f"HY-SR-{i}" for i in range(1, 23)]


def scan(tree: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    return code, json.loads(out)


def got(report: dict) -> dict[tuple[str, str], str]:
    return {(r["check_id"], r["subject"]["name"]): r["status"] for r in report["results"]}


def result(report: dict, check: str, subject: str) -> dict:
    return next(
        r for r in report["results"] if (r["check_id"], r["subject"]["name"]) == (check, subject)
    )


def msg(report: dict, check: str, subject: str) -> str:
    return str(result(report, check, subject)["message"])


@pytest.fixture
def hardened(tmp_path: Path) -> Path:
    return Path(shutil.copytree(HARDENED, tmp_path / "hardened"))


@pytest.fixture
def weak(tmp_path: Path) -> Path:
    return Path(shutil.copytree(WEAK, tmp_path / "weak"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


# --- the hardened control ---------------------------------------------------------------------

HARDENED_EXPECTED = {
    ("HVA-012", "web-10"): "pass",
    ("HVA-012", "api-11"): "pass",
    ("HVA-060", "pve-h1"): "pass",
    ("HVA-070", "web-10"): "pass",
    ("HVA-070", "api-11"): "pass",
    ("HVA-080", "web-10"): "pass",
    ("HVA-081", "pve-h1"): "pass",
    ("HVA-090", "web-10"): "manual",
    ("HVA-090", "api-11"): "manual",
    ("HVA-092", "web-10"): "pass",
    ("HVA-100", "local"): "not_applicable",
    ("HVA-100", "local-lvm"): "not_applicable",
    ("HVA-100", "backup"): "not_applicable",
    ("HVA-100", "iso-library"): "pass",
    ("HVA-191", "web-10"): "manual",
    ("HVA-191", "api-11"): "manual",
    ("HVA-192", "web-10"): "pass",
    ("HVA-301", "pve-h1"): "manual",  # a copied tree: whether pve-firewall runs is a question
    ("HVA-302", "pve-h1"): "manual",
    ("HVA-303", "web-10"): "manual",
    ("HVA-305", "pve-h1"): "pass",
    ("HVA-306", "pve-h1"): "pass",
    ("HVA-307", "pve-h1"): "pass",
    ("HVA-308", "pve-h1"): "pass",
    ("HVA-309", "pve-h1"): "pass",
    ("HVA-310", "pve-h1"): "manual",
    ("HVA-311", "pve-h1"): "pass",
    ("HVA-312", "pve-h1"): "pass",
    ("HVA-313", "pve-h1"): "manual",
    ("HVA-314", "dns-01"): "manual",  # R27P-2: the node's AppArmor is not in a copied tree
}


#: HVA-301 on the hardened tree copied offline: cluster.fw is on with DROP, but no process list.
PVE_H1_DAEMON_UNKNOWN = (
    "cluster.fw enables the firewall (input policy DROP), but whether pve-firewall or "
    "proxmox-firewall applies it on this node is not in the evidence (running processes: a copied "
    "configuration tree has no live host to read facts from)"
)


#: What HVA-191/302/303/313 add to a right configuration on the hardened tree copied offline.
UNOBSERVED = (
    ", but whether pve-firewall or proxmox-firewall applies the rules on node pve-h1 is not in "
    "the evidence (running processes: a copied configuration tree has no live host to read facts "
    "from)"
)


def test_hardened_node_has_no_failure(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = scan(HARDENED, capsys)
    g = got(report)
    # but HVA-066 (low, so exit 1): no qm.conf key turns on the UEFI flash protection
    # qemu-server leaves off, only `args:`, which HVA-046 fails (P23C-1)
    assert code == 1
    assert {k for k, v in g.items() if v in ("fail", "error")} == {
        ("HVA-066", "web-10"),
        ("HVA-066", "api-11"),
    }
    assert {k: g[k] for k in HARDENED_EXPECTED} == HARDENED_EXPECTED
    # the firewall file with comments on section headers, nomatch entries and macros parsed
    assert not any("pve-firewall" in n for n in report["notes"])
    # the files are right, but a copied tree shows no daemon applying them: HVA-301's question
    assert msg(report, "HVA-313", "pve-h1") == (
        "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports "
        "wider" + UNOBSERVED
    )
    assert (
        result(report, "HVA-313", "pve-h1")["question"]
        == result(report, "HVA-301", "pve-h1")["question"]
    )
    assert msg(report, "HVA-301", "pve-h1") == PVE_H1_DAEMON_UNKNOWN
    # the node's size comes from the copied proc files; VM 200 runs (pid file), 201 is stopped
    # container 300 (onboot, memory 512) shares the node's RAM (P21D-2)
    assert msg(report, "HVA-060", "pve-h1") == (
        "1 running or autostart VM(s) configured with 8.0 GiB and 1 running or onboot "
        "container(s) limited to 0.5 GiB on 125.8 GiB of host RAM: ratio 0.07 (limit 1.5)"
    )
    assert msg(report, "HVA-080", "web-10") == "4 vCPU(s) on a host with 16 physical core(s)"
    assert msg(report, "HVA-070", "api-11") == (
        "balloon 0: no balloon device, memory fixed at its configured size; "
        "no priority needed: memory fixed, outside pvestatd's auto-ballooning (shares 500 inert "
        "without a balloon target); "
        "configured size 4.0 GiB"
    )
    assert msg(report, "HVA-191", "web-10") == (
        "1 interface(s) filtered by pve-firewall (macfilter, ipfilter) in the configuration"
        + UNOBSERVED
    )
    # the platform's question and whether cpuunits 1024 is the default weight (the copied tree
    # shows no cgroup version) in one item: the first alone passed on a "yes" (R34R-1)
    assert msg(report, "HVA-090", "web-10") == (
        "limit: cpulimit 2; priority: cpuunits 1024; platform limitation: the platform has no "
        "CPU reservation setting; cpuunits 1024 is the default CPU weight on cgroup v1, and the "
        "cgroup version of host pve-h1 is not known (a copied configuration tree has no live "
        "host to read facts from)"
    )
    assert result(report, "HVA-090", "web-10")["question"].startswith(
        "Is the CPU this VM needs guaranteed by other means: a node sized so that its VMs' vCPUs "
        "never exceed its cores, or cores dedicated to the VM, and does cpuunits 1024 give VM "
        "web-10 a CPU weight other than the default"
    )
    assert msg(report, "HVA-100", "backup") == "holds backup: no ISO images or templates"
    assert msg(report, "HVA-314", "dns-01").startswith("unprivileged, Proxmox's AppArmor profile")
    assert result(report, "HVA-314", "dns-01")["subject"] == {
        "type": "container",
        "name": "dns-01",
        "host": "pve-h1",
        "id": "300",
    }


@pytest.mark.parametrize("tree", [HARDENED, WEAK], ids=["hardened", "weak"])
def test_every_2014_recommendation_is_in_every_proxmox_report(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = scan(tree, capsys)
    seen: dict[str, set[str]] = {}
    for r in report["results"]:
        for rid in r["recommendations"].get("sp800-125a-2014", []):
            seen.setdefault(rid, set()).add(r["status"])
        if r["status"] == "manual":
            assert r["question"], r
        if r["status"] == "not_applicable":
            assert r["message"], r
    assert sorted(seen, key=lambda x: int(x.rsplit("-", 1)[1])) == ALL_2014
    assert all(s <= {"pass", "fail", "manual", "not_applicable"} for s in seen.values()), seen


# --- the firewall grammar, end to end ---------------------------------------------------------


def test_comment_on_a_section_header_no_longer_stops_the_scan(
    weak: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(weak / "etc/pve/firewall/cluster.fw", "[IPSET management]", "[IPSET management] # office")
    edit(weak / "etc/pve/firewall/cluster.fw", "[group webserver]", "[group webserver] # web")
    code, report = scan(weak, capsys)
    assert code == 1  # failures by design, no error
    g = got(report)
    assert (g[("HVA-301", "pve1")], g[("HVA-302", "pve1")], g[("HVA-303", "web-01")]) == (
        "manual",
        "manual",
        "manual",
    )
    assert msg(report, "HVA-303", "web-01") == (
        "1 interface(s) behind the VM firewall" + UNOBSERVED.replace("pve-h1", "pve1")
    )
    # cluster.fw read whole: on, policy DROP; only the daemon is not in a copied tree
    assert msg(report, "HVA-301", "pve1") == PVE_H1_DAEMON_UNKNOWN
    assert not [r for r in report["results"] if r["status"] == "error"]


_NO_RULE = "cluster.fw enables the firewall (input policy DROP), but {}: no rule is applied"


@pytest.mark.parametrize(
    ("daemon", "nftables", "status", "message"),
    [
        ("pve-firewall", False, "pass", "cluster firewall on, input policy DROP"),
        ("proxmox-firewall", True, "pass", "cluster firewall on, input policy DROP"),
        (
            None,
            False,
            "fail",
            _NO_RULE.format("neither pve-firewall nor proxmox-firewall runs on this node"),
        ),
        (
            "proxmox-firewall",
            False,
            "fail",
            _NO_RULE.format(
                "pve-firewall does not run on this node, and proxmox-firewall applies nothing "
                "without host.fw `nftables: 1`"
            ),
        ),
        (
            "pve-firewall",
            True,
            "manual",
            "cluster.fw enables the firewall (input policy DROP), but whether pve-firewall or "
            "proxmox-firewall applies it on this node is not in the evidence (host.fw sets "
            "`nftables: 1` and only pve-firewall runs on this node: it applies the rules only if "
            "proxmox-firewall is not installed, and removes them if it is)",
        ),
    ],
    ids=[
        "pve-firewall",
        "proxmox-firewall-nftables",
        "neither",
        "proxmox-firewall-alone",
        "nft-pve",
    ],
)
def test_cluster_firewall_on_a_live_node_by_its_daemon(
    tmp_path: Path, daemon: str | None, nftables: bool, status: str, message: str
) -> None:
    """HVA-301 on the hardened node read live (its processes in the evidence): cluster.fw is in
    force only while the daemon that applies it runs. pve-firewall
    (src/PVE/Service/pve_firewall.pm: applies every 10 s, removes its chains on shutdown;
    PVE::Firewall::update removes them too unless `is_enabled_and_not_nftables`, where the
    `nftables` host option counts once /usr/libexec/proxmox/proxmox-firewall is installed);
    proxmox-firewall (src/bin/proxmox-firewall.rs, config.rs is_enabled: cluster enabled and
    host.fw `nftables`) removes its tables without `nftables: 1`. Process titles are the
    daemons' names (PVE::Daemon->new('pve-firewall', ...); ExecStart=/usr/libexec/proxmox/
    proxmox-firewall start)."""
    from conftest import messages, outcomes
    from test_redteam3_host_probes import PVE_PROCS, PVE_TREE, pve_scan

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    if nftables:
        edit(tree / "etc/pve/nodes/pve-h1/host.fw", "enable: 1", "enable: 1\nnftables: 1")
    exe = {
        "pve-firewall": "pve-firewall",
        "proxmox-firewall": "/usr/libexec/proxmox/proxmox-firewall start",
    }
    procs = PVE_PROCS + (f"  950 root     {exe[daemon]}\n" if daemon else "")
    a = pve_scan(tmp_path, {"processes": (procs, 0)}, tree)
    assert (outcomes(a, "HVA-301")["pve-h1"], messages(a, "HVA-301")["pve-h1"]) == (
        status,
        message,
    )


def test_lines_pve_firewall_ignores_are_notes_and_do_not_apply(
    weak: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(weak / "etc/pve/firewall/cluster.fw", "enable: 1", "enable: yes")
    code, report = scan(weak, capsys)
    assert code == 1
    assert got(report)[("HVA-301", "pve1")] == "fail"  # pve-firewall skips the line: firewall off
    assert (
        "pve-firewall: pve/files/etc/pve/firewall/cluster.fw:2: can't parse option "
        "'enable: yes'; pve-firewall skips the line"
    ) in report["notes"]


# --- resources -------------------------------------------------------------------------------


def test_balloon_zero_is_a_memory_guarantee(weak: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = weak / "etc/pve/qemu-server/100.conf"
    edit(conf, "balloon: 4096", "balloon: 0")
    conf.write_text(conf.read_text().replace("cores: 2\n", "cores: 2\nshares: 1500\n", 1))
    _, report = scan(weak, capsys)
    assert got(report)[("HVA-070", "web-01")] == "pass"
    assert msg(report, "HVA-070", "web-01") == (
        "balloon 0: no balloon device, memory fixed at its configured size; "
        "no priority needed: memory fixed, outside pvestatd's auto-ballooning (shares 1500 inert "
        "without a balloon target); "
        "configured size 8.0 GiB"
    )
    edit(conf, "balloon: 0", "balloon: 2048")  # a balloon below memory guarantees only 2 GiB
    _, report = scan(weak, capsys)
    assert got(report)[("HVA-070", "web-01")] == "fail"


def test_nic_rate_zero_limits_nothing(hardened: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """redteam2 #42: pve-common PVE/Network.pm setup_tc_rate_limit returns before adding a qdisc
    when the rate is 0: the NIC is unlimited."""
    conf = hardened / "etc/pve/qemu-server/200.conf"
    edit(conf, "tag=20,rate=50", "tag=20,rate=0")
    _, report = scan(hardened, capsys)
    assert got(report)[("HVA-092", "web-10")] == "fail"
    assert msg(report, "HVA-092", "web-10").startswith("1 of 1 interface(s) without a rate= limit")


def test_offline_tree_says_which_host_fact_is_missing(
    weak: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = scan(weak, capsys)
    assert msg(report, "HVA-080", "web-01") == (
        "the host's physical core count is unknown (the copied tree has no proc/cpuinfo "
        "(copy the node's /proc/cpuinfo))"
    )
    assert msg(report, "HVA-060", "pve1") == (
        "the host's memory size is unknown (the copied tree has no proc/meminfo "
        "(copy the node's /proc/meminfo))"
    )
    (weak / "proc").mkdir()
    shutil.copy(HARDENED / "proc/cpuinfo", weak / "proc/cpuinfo")
    _, report = scan(weak, capsys)
    assert msg(report, "HVA-080", "legacy-erp") == "16 vCPU(s) on a host with 16 physical core(s)"
    assert got(report)[("HVA-080", "legacy-erp")] == "fail"
    assert got(report)[("HVA-060", "pve1")] == "manual"


def test_running_vms_are_counted_and_unknown_run_state_is_never_stopped(
    weak: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (weak / "proc").mkdir()
    (weak / "proc/cpuinfo").write_text(
        "".join(f"processor\t: {i}\nphysical id\t: 0\ncore id\t\t: {i}\n\n" for i in range(8))
    )
    (weak / "proc/meminfo").write_text("MemTotal:       16777216 kB\n")
    # no /var/run/qemu-server in the copy: neither VM is autostarted, both may run
    _, report = scan(weak, capsys)
    g = got(report)
    assert (g[("HVA-060", "pve1")], g[("HVA-081", "pve1")]) == ("manual", "manual")
    assert msg(report, "HVA-081", "pve1") == (
        "0 vCPU(s) across 0 running or autostart VM(s) on 8 core(s): ratio 0.00 (limit 1); "
        "run state unknown for web-01, legacy-erp (run state unknown: neither a process list nor "
        "/var/run/qemu-server was collected (/var/run/qemu-server could not be listed)): "
        "ratio 2.25 if they run"
    )
    run = weak / "var/run/qemu-server"
    run.mkdir(parents=True)
    (run / "101.pid").write_text("5151\n")
    _, report = scan(weak, capsys)
    g = got(report)
    assert (g[("HVA-060", "pve1")], g[("HVA-081", "pve1")]) == ("fail", "fail")
    assert msg(report, "HVA-081", "pve1") == (
        "16 vCPU(s) across 1 running or autostart VM(s) on 8 core(s): ratio 2.00 (limit 1)"
    )
    assert msg(report, "HVA-060", "pve1") == (
        "1 running or autostart VM(s) configured with 32.0 GiB on 16.0 GiB of host RAM: "
        "ratio 2.00 (limit 1.5)"
    )


# --- host-level Proxmox settings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("totem", "status", "message"),
    [
        (
            "secauth: on\n  crypto_cipher: none\n  crypto_hash: none",
            "fail",
            "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash none)",
        ),
        (
            # P21-3 (tests/test_redteam21_pve_probes.py): corosync refuses a cipher without a hash
            "secauth: on\n  crypto_hash: none",
            "manual",
            "corosync.conf sets totem crypto_cipher aes256, crypto_hash none, implied by "
            'secauth: on: totemconfig.c "crypto_cipher requires crypto_hash with value other '
            'than none", which corosync refuses: this file is not what corosync runs, an earlier '
            "configuration or none is",
        ),
        (
            "secauth: on",
            "pass",
            "crypto_cipher aes256, crypto_hash sha256, implied by secauth: on",
        ),
        (
            "secauth: off",
            "fail",
            "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash none)",
        ),
        (
            "transport: udpu\n  secauth: on",
            "fail",
            "transport udpu: corosync encrypts only knet (crypto_cipher aes256, crypto_hash "
            "sha256, implied by secauth: on)",
        ),
    ],
)
def test_corosync_explicit_crypto_wins_over_secauth(
    weak: Path, capsys: pytest.CaptureFixture[str], totem: str, status: str, message: str
) -> None:
    for path in ("etc/pve/corosync.conf", "etc/corosync/corosync.conf"):  # both (L19-11P)
        edit(
            weak / path,
            "  crypto_cipher: aes256\n  crypto_hash: sha256\n  secauth: on",
            "  " + totem,
        )
    _, report = scan(weak, capsys)
    assert (got(report)[("HVA-309", "pve1")], msg(report, "HVA-309", "pve1")) == (status, message)


@pytest.mark.parametrize(
    ("datacenter", "status", "message"),
    [
        (
            "migration_unsecure: 1\n",
            "fail",
            "migration type insecure (migration_unsecure): guest memory crosses the network in "
            "cleartext",
        ),
        (
            "migration: network=10.0.2.0/24\nmigration_unsecure: 1\n",
            "fail",
            "migration type insecure (migration_unsecure): guest memory crosses the network in "
            "cleartext",
        ),
        # R45E-1: the node's address in 10.0.2.0/24 is in no file read (interfaces.d/* is
        # not in the copy), so where it is, beside which guests, is asked
        (
            "migration: secure,network=10.0.2.0/24\nmigration_unsecure: 1\n",
            "manual",
            "migration type secure on 10.0.2.0/24, and node pve1's address in it is not in the "
            "evidence: sourced file(s) /etc/network/interfaces.d/* not read, and VM web-01 net0 "
            "on vmbr0, VM legacy-erp net0 on vmbr0, VM legacy-erp net1 on vmbr1 are on the node's "
            "bridges",
        ),
        # R40E-1: proxmox-node is a cluster (corosync.conf): with no `network=` its migration
        # crosses the cluster communication network
        (
            "keyboard: de\n",
            "fail",
            "no dedicated migration network (datacenter.cfg `migration` sets no network=): the "
            "cluster migrates over its cluster communication network",
        ),
    ],
)
def test_migration_unsecure_applies_when_migration_sets_no_type(
    weak: Path, capsys: pytest.CaptureFixture[str], datacenter: str, status: str, message: str
) -> None:
    (weak / "etc/pve/datacenter.cfg").write_text(datacenter)
    _, report = scan(weak, capsys)
    assert (got(report)[("HVA-308", "pve1")], msg(report, "HVA-308", "pve1")) == (status, message)


def test_vm_roles_on_root_fail_whatever_is_granted_per_vm(
    hardened: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    users = hardened / "etc/pve/user.cfg"
    users.write_text(
        users.read_text()
        + "role:DiskJockey:VM.Audit,VM.Config.Disk:\nacl:1:/:bob@corp:DiskJockey:\n"
    )
    _, report = scan(hardened, capsys)
    assert got(report)[("HVA-307", "pve-h1")] == "fail"
    assert msg(report, "HVA-307", "pve-h1") == (
        "VM roles granted cluster-wide: DiskJockey for bob@corp on / "
        "(3 per-VM or pool ACL(s) do not narrow them)"
    )


def test_storage_content_decides_what_is_an_image_library(
    hardened: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(hardened / "etc/pve/storage.cfg", "content backup,snippets", "content backup,iso")
    conf = hardened / "etc/pve/qemu-server/201.conf"
    conf.write_text(conf.read_text() + "template: 1\n")
    _, report = scan(hardened, capsys)
    g = got(report)
    assert (g[("HVA-100", "local")], g[("HVA-100", "local-lvm")]) == ("fail", "fail")
    assert msg(report, "HVA-100", "local") == "dir pool at /var/lib/vz keeps images on the host"
    assert g[("HVA-100", "backup")] == "not_applicable"  # pbs: backups, not a network file system


def test_api_token_without_privilege_separation(
    hardened: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    users = hardened / "etc/pve/user.cfg"
    users.write_text(
        users.read_text()
        .replace("token:alice@corp!terraform:0:1:", "token:alice@corp!terraform:0:0:")
        .replace("token:audit@pve!hvaudit:0:1:", "token:audit@pve!hvaudit:0:0:")
        + "token:root@pam!backup:0:0:nightly job:\n"
    )
    _, report = scan(hardened, capsys)
    assert got(report)[("HVA-311", "pve-h1")] == "fail"
    # audit@pve's token has privsep 0 too, but its user only audits
    assert msg(report, "HVA-311", "pve-h1") == (
        "tokens with their user's full rights: alice@corp!terraform (privsep 0: Administrator "
        "on /), root@pam!backup (privsep 0: root@pam (built-in superuser))"
    )


def test_realms_directory_versus_local_administrators(
    hardened: Path, weak: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = scan(weak, capsys)  # domains.cfg: pam and pve only, alice@pve administers
    assert got(report)[("HVA-312", "pve1")] == "fail"
    assert msg(report, "HVA-312", "pve1") == (
        "privileged users outside the directory: alice@pve (no directory realm)"
    )
    # the built-in realms alone (a copy without the file says nothing of them: R37E-1)
    builtin = (weak / "etc/pve/domains.cfg").read_text()
    (hardened / "etc/pve/domains.cfg").write_text(builtin)
    users = hardened / "etc/pve/user.cfg"
    users.write_text(
        "\n".join(
            line
            for line in users.read_text().splitlines()
            if "corp" not in line and "webops" not in line
        )
        + "\n"
    )
    _, report = scan(hardened, capsys)
    r = result(report, "HVA-312", "pve-h1")
    assert (r["status"], r["message"]) == (
        "manual",
        "no directory realm (realms: pam, pve); only root@pam administers",
    )
    assert r["question"].startswith("Is root@pam the only administrative account")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("etc/pve/firewall/cluster.fw", "[IPSET management] # office and VPN", "[IPSET mgmt]"),
            "no IP set `management`: the node's whole local network is admitted",
        ),
        (
            ("etc/pve/firewall/cluster.fw", "!10.0.8.13 # shared kiosk", "0.0.0.0/1"),
            "IP set `management` admits 0.0.0.0/1",
        ),
        (
            ("etc/pve/nodes/pve-h1/host.fw", "[RULES]", "[RULES]\nIN ACCEPT -p tcp -dport 8006"),
            "host.fw:8 accepts management ports from any source",
        ),
        (
            ("etc/pve/firewall/cluster.fw", "[RULES]\n", "[RULES]\nIN SSH(ACCEPT)\n"),
            "cluster.fw:18 accepts management ports from any source",
        ),
    ],
)
def test_management_ipset(
    hardened: Path,
    capsys: pytest.CaptureFixture[str],
    change: tuple[str, str, str],
    message: str,
) -> None:
    edit(hardened / change[0], change[1], change[2])
    _, report = scan(hardened, capsys)
    assert (got(report)[("HVA-313", "pve-h1")], msg(report, "HVA-313", "pve-h1")) == (
        "fail",
        message,
    )


def test_privileged_and_unconfined_containers_are_found(
    hardened: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (hardened / "etc/pve/lxc/301.conf").write_text(
        "arch: amd64\nhostname: ci-runner\nfeatures: nesting=1,fuse=1\nmemory: 2048\n"
        "rootfs: local-lvm:vm-301-disk-0,size=16G\n"
        "mp0: /srv/ci-cache,mp=/cache\n"
        "dev0: /dev/kvm,gid=104\n"
        "lxc.apparmor.profile: unconfined\n"
        "lxc.cgroup2.devices.allow: a\n"
        "lxc.mount.entry: /dev/net dev/net none bind,create=dir\n"
        "lxc.cap.drop:\n"
    )
    (hardened / "etc/pve/lxc/302.conf").write_text(
        "hostname: legacy-mail\nunprivileged: 0\nrootfs: local-lvm:vm-302-disk-0,size=8G\n"
    )
    code, report = scan(hardened, capsys)
    assert code == 1
    g = got(report)
    assert (g[("HVA-314", "ci-runner")], g[("HVA-314", "legacy-mail")]) == ("fail", "fail")
    assert g[("HVA-314", "dns-01")] == "manual"  # R27P-2
    assert msg(report, "HVA-314", "ci-runner") == (
        "privileged (unprivileged not set: container root is root on the node); "
        "lxc.apparmor.profile: unconfined; nesting on (host procfs and sysfs exposed); "
        "features fuse (the node's /dev/fuse is bound in and the AppArmor profile lets the "
        "container mount fuse file systems); "
        "host devices: /dev/kvm, lxc.cgroup2.devices.allow: a; "
        "host paths mounted: /srv/ci-cache, /dev/net; raw LXC keys: lxc.cap.drop: "
    )
    assert msg(report, "HVA-314", "legacy-mail") == (
        "privileged (unprivileged not set: container root is root on the node)"
    )
    fails = {
        (r["check_id"], r["subject"]["name"]) for r in report["results"] if r["status"] == "fail"
    }
    assert fails == {("HVA-314", "ci-runner"), ("HVA-314", "legacy-mail")} | {
        ("HVA-066", "web-10"),  # P23C-1
        ("HVA-066", "api-11"),
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("etc/pve/firewall/200.fw", "192.0.2.10", "fe80::be24:11ff:fe00:20"),
            "no IPv4 entry in IP set ipfilter-net0: pve-firewall does not filter ARP",
        ),
        (
            ("etc/pve/firewall/cluster.fw", "enable: 1", "enable: 1\nebtables: 0"),
            "cluster option ebtables: 0 turns off pve-firewall's ARP filter",
        ),
        (
            (
                "etc/pve/firewall/200.fw",
                "[IPSET ipfilter-net0] # the VM's own address\n192.0.2.10",
                "[ALIASES]\nself 192.0.2.10\n\n[IPSET ipfilter-net0]\nself",
            ),
            "IP set ipfilter-net0 names an alias (self): pve-firewall builds no ARP filter",
        ),
    ],
)
def test_arp_filtering_as_pve_firewall_builds_it(
    hardened: Path,
    capsys: pytest.CaptureFixture[str],
    change: tuple[str, str, str],
    message: str,
) -> None:
    edit(hardened / change[0], change[1], change[2])
    _, report = scan(hardened, capsys)
    assert got(report)[("HVA-191", "web-10")] == "fail"
    assert msg(report, "HVA-191", "web-10") == (
        "BC:24:11:00:00:20: filter 'pve-firewall (macfilter, ipfilter)' does not stop ARP "
        f"spoofing ({message})"
    )


def test_ip_set_alone_turns_the_ip_filter_on(
    hardened: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """generate_tap_rules_direction uses ipfilter-net<N> when ipfilter is on or the set exists."""
    edit(hardened / "etc/pve/firewall/200.fw", "ipfilter: 1\n", "")
    _, report = scan(hardened, capsys)
    assert msg(report, "HVA-191", "web-10") == (
        "1 interface(s) filtered by pve-firewall (macfilter, ipfilter) in the configuration"
        + UNOBSERVED
    )
    edit(hardened / "etc/pve/firewall/200.fw", "macfilter: 1", "macfilter: 0")
    _, report = scan(hardened, capsys)
    assert msg(report, "HVA-191", "web-10") == (
        "BC:24:11:00:00:20: filter 'pve-firewall (macfilter, ipfilter)' does not stop MAC spoofing"
    )


def test_nftables_backend_is_not_guessed(
    hardened: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With `nftables: 1` proxmox-firewall builds the filters; their coverage is asked, not assumed,
    and on a copied tree (no process list) so is whether the daemon applies them (R37S-4)."""
    edit(hardened / "etc/pve/nodes/pve-h1/host.fw", "enable: 1", "enable: 1\nnftables: 1")
    _, report = scan(hardened, capsys)
    r = result(report, "HVA-191", "web-10")
    assert (r["status"], r["message"]) == (
        "manual",
        "the node runs proxmox-firewall (host.fw nftables: 1), whose "
        "generated MAC, IP and ARP filters hvaudit does not resolve; whether pve-firewall or "
        "proxmox-firewall applies the rules on node pve-h1 is not in the evidence (running "
        "processes: a copied configuration tree has no live host to read facts from)",
    )


_ONLY_NFT_DAEMON = (
    "pve-firewall does not run on this node, and proxmox-firewall applies nothing without host.fw "
    "`nftables: 1`"
)


@pytest.mark.parametrize(
    ("check", "subject", "message"),
    [
        (
            "HVA-302",
            "pve-h1",
            f"cluster firewall on and host.fw does not disable it, but {_ONLY_NFT_DAEMON}: no node "
            "rule is applied",
        ),
        ("HVA-313", "pve-h1", f"{_ONLY_NFT_DAEMON}: the management IP set filters nothing"),
        (
            "HVA-191",
            "web-10",
            f"BC:24:11:00:00:20: no filter: {_ONLY_NFT_DAEMON}: no rule is applied",
        ),
        ("HVA-303", "web-10", f"BC:24:11:00:00:20: {_ONLY_NFT_DAEMON}: no rule is applied"),
    ],
)
def test_proxmox_firewall_without_nftables_applies_nothing(
    tmp_path: Path, check: str, subject: str, message: str
) -> None:
    """proxmox-firewall alone, host.fw without `nftables: 1`: it removes its tables
    (proxmox-firewall config.rs is_enabled: cluster enabled and host `nftables`), and
    pve-firewall, which would apply these files, does not run. The node, management and VM
    firewall judged from the files apply nothing (R5-13's class)."""
    from conftest import messages, outcomes
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    procs = PVE_PROCS + "  950 root     /usr/libexec/proxmox/proxmox-firewall start\n"
    a = pve_scan(tmp_path, {"processes": (procs, 0)})
    assert (outcomes(a, check)[subject], messages(a, check)[subject]) == ("fail", message)
