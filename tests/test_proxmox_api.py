"""Proxmox VE, API path: a fake PVE server (fakepve, a real HTTPS server speaking PVE's API on
loopback, with a self-signed certificate) is seeded through the API with the same guests and
firewall as the files fixture; `pve+api://` must reach the same VM-level verdicts as `pve+dir://`.

What fakepve keeps state for: VM configuration, firewall, storage, pools. Its access, totem,
network and node-status answers are the API's shape filled with placeholders (an ACL path
"fake"), so for those GETs the test substitutes the answers a real node gives for the fixture's
user.cfg, corosync.conf and interfaces (written from PVE's API documentation); everything else is
the fake server's own handling."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main

proxmoxer = pytest.importorskip("proxmoxer")

NODE = Path(__file__).parent / "fixtures" / "proxmox-node"
TOKEN = "root@pam!hvaudit"
SECRET = "3f1c9a5e-token-secret-7b2d"
VM_CHECKS = ("HVA-012", "HVA-046", "HVA-047", "HVA-090", "HVA-191", "HVA-192", "HVA-303")


def main_section(conf: Path) -> dict[str, str]:
    """The current configuration of a qemu-server file (no comments, pending or snapshots)."""
    out: dict[str, str] = {}
    for line in conf.read_text().splitlines():
        if line.startswith("["):
            break
        if line and not line.startswith("#"):
            key, _, value = line.partition(": ")
            out[key] = value
    return out


# The answers a node with the fixture's configuration gives (the GETs fakepve does not model).
CANNED: dict[str, Any] = {
    "/access/users": [
        {"userid": "root@pam", "enable": 1, "expire": 0, "email": "root@example.com"},
        {
            "userid": "alice@pve",
            "enable": 1,
            "expire": 0,
            "firstname": "Alice",
            "lastname": "Admin",
            "email": "alice@example.com",
            "comment": "Platform team",
        },
        {"userid": "audit@pve", "enable": 1, "expire": 0, "comment": "read-only auditor"},
        {"userid": "old@pve", "enable": 0, "expire": 1700000000, "comment": "left the company"},
    ],
    "/access/groups": [
        {"groupid": "admins", "users": "alice@pve", "comment": "Administrators"},
        {"groupid": "auditors", "users": "audit@pve"},
    ],
    "/access/roles": [
        {"roleid": "Administrator", "special": 1, "privs": "Sys.Audit"},
        {"roleid": "WebOperator", "special": 0, "privs": "VM.Audit,VM.Console,VM.PowerMgmt"},
    ],
    "/access/acl": [
        {"path": "/", "type": "group", "ugid": "admins", "roleid": "Administrator", "propagate": 1},
        {"path": "/", "type": "group", "ugid": "auditors", "roleid": "PVEAuditor", "propagate": 1},
        {
            "path": "/pool/web",
            "type": "user",
            "ugid": "alice@pve",
            "roleid": "WebOperator",
            "propagate": 1,
        },
        {
            "path": "/vms/101",
            "type": "user",
            "ugid": "audit@pve",
            "roleid": "NoAccess",
            "propagate": 0,
        },
    ],
    "/access/tfa": [{"userid": "root@pam", "entries": [{"type": "totp", "id": "totp-1"}]}],
    # the token's own privileges (pve-access-control RPCEnvironment get_effective_permissions):
    # root@pam's token without privilege separation holds every privilege on every path (R28P-1)
    "/access/permissions": {
        p: {"Sys.Audit": 1, "VM.Audit": 1, "Datastore.Audit": 1, "Pool.Audit": 1}
        for p in ("/", "/access", "/access/groups", "/nodes", "/pool", "/sdn", "/storage", "/vms")
    }
    | {
        p: {"Sys.Audit": 1, "VM.Audit": 1, "Datastore.Audit": 1, "Pool.Audit": 1}
        for p in ("/vms/101", "/pool/web")  # the ACL paths below: listed, as every ACL path is
    },
    "/access/domains": [
        {"realm": "pam", "type": "pam", "comment": "Linux PAM standard authentication"},
        {"realm": "pve", "type": "pve", "comment": "Proxmox VE authentication server"},
    ],
    # the files fixture's datacenter.cfg, its migration network too (R40E-1 fails a cluster
    # without one)
    "/cluster/options": {
        "keyboard": "en-us",
        "migration": {"type": "secure", "network": "10.0.2.0/24"},
        "console": "html5",
    },
    "/cluster/config/totem": {
        "cluster_name": "lab",
        "config_version": "2",
        "crypto_cipher": "aes256",
        "crypto_hash": "sha256",
        "secauth": "on",
        "version": "2",
    },
    # the fixture's nodelist (pve-manager PVE/API2/ClusterConfig.pm `nodes`: hash_to_array of
    # PVE::Corosync::nodelist, keyed `node`), which HVA-308 compares the migration network with
    "/cluster/config/nodes": [
        {
            "node": "pve1",
            "name": "pve1",
            "nodeid": "1",
            "quorum_votes": "1",
            "ring0_addr": "10.0.1.11",
        },
        {
            "node": "pve2",
            "name": "pve2",
            "nodeid": "2",
            "quorum_votes": "1",
            "ring0_addr": "10.0.1.12",
        },
    ],
    "/nodes/{node}/status": {
        "cpuinfo": {"cpus": 16, "sockets": 1},
        "memory": {"total": 68719476736},
    },
}


@pytest.fixture
def seeded(fakepve: Any, fakepve_url: str, fakepve_cafile: str) -> str:
    synthesise = fakepve.synthesise

    async def answer(match: Any, method: str, info: Any, user: Any, values: Any) -> Any:
        if method == "GET" and match.template in CANNED:
            return CANNED[match.template]
        return await synthesise(match, method, info, user, values)

    fakepve.synthesise = answer
    # fakepve answers root's token GET /access/permissions with `/` alone; PVE lists every
    # default path and ACL path (pve-access-control RPCEnvironment get_effective_permissions)
    stateful = fakepve.answer

    async def effective(request: Any, match: Any, params: Any, user: Any, call: Any = None) -> Any:
        if (
            request.method == "GET"
            and match is not None
            and match.template == "/access/permissions"
        ):
            return CANNED[match.template]
        return await stateful(request, match, params, user, call)

    fakepve.answer = effective
    for vmid in (100, 101):
        config = main_section(NODE / "etc/pve/qemu-server" / f"{vmid}.conf")
        fakepve.add_vm(vmid, config["name"], config=config)
    fakepve.apitokens[TOKEN] = SECRET
    url = urllib.parse.urlsplit(fakepve_url)
    admin = proxmoxer.ProxmoxAPI(
        url.hostname,
        port=url.port,
        user="root@pam",
        password="secret",  # noqa: S106 - fakepve's fixed root password
        verify_ssl=fakepve_cafile,
    )
    admin.cluster.firewall.options.put(enable=1, policy_in="DROP", policy_out="ACCEPT")
    admin.cluster.firewall.ipset.post(name="management")
    admin.cluster.firewall.ipset("management").post(cidr="10.0.0.0/24")
    admin.cluster.firewall.rules.post(
        type="in", action="ACCEPT", source="+management", proto="tcp", dport="8006", enable=1
    )
    admin.cluster.firewall.groups.post(group="webserver")
    admin.cluster.firewall.groups("webserver").post(
        type="in", action="ACCEPT", proto="tcp", dport="443", enable=1
    )
    admin.storage.post(
        storage="iso-library",
        type="nfs",
        server="images.example.internal",
        export="/export/iso",
        content="iso",
    )
    fw = admin.nodes("pve1").qemu(100).firewall
    fw.options.put(enable=1, macfilter=1, ipfilter=1, policy_in="DROP")
    fw.rules.post(type="group", action="webserver", enable=1)
    return f"pve+api://{url.hostname}:{url.port}/pve1"


def scan(target: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    code = main(["scan", "--connect", target, "--format", "json", *extra])
    out, err = capsys.readouterr()
    assert out, err
    return code, json.loads(out)


def verdicts(report: dict) -> dict[tuple[str, str], str]:
    return {(r["check_id"], r["subject"]["name"]): r["status"] for r in report["results"]}


# Where the two paths rightly differ: the API reports the node's memory (a copied tree has no host
# facts), and pveproxy's access settings and the node's /etc/corosync/corosync.conf (the API's
# totem is /etc/pve's, L19-7P) exist only as files.
API_KNOWS_MORE = {("HVA-060", "pve1"): ("manual", "pass")}
API_CANNOT_SEE = {("HVA-305", "pve1"): ("pass", "manual"), ("HVA-309", "pve1"): ("pass", "manual")}


def test_api_path_reaches_the_files_path_verdicts(
    seeded: str,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    code, api = scan(seeded, capsys, "--ca-file", fakepve_cafile)
    _, files = scan(f"pve+dir://{NODE}", capsys)
    assert code == 1 and api["platform"] == "proxmox-ve", (
        api["notes"],
        [r["message"] for r in api["results"] if r["status"] == "error"],
    )
    by_files, by_api = verdicts(files), verdicts(api)
    assert all((c, vm) in by_api for c in VM_CHECKS for vm in ("web-01", "legacy-erp"))
    differ = {k: (by_files.get(k), by_api.get(k)) for k in by_files.keys() | by_api.keys()}
    differ = {k: v for k, v in differ.items() if v[0] != v[1]}
    assert differ == API_KNOWS_MORE | API_CANNOT_SEE
    assert {"web-01", "legacy-erp"} <= {r["subject"]["name"] for r in api["results"]}
    recs = {rid for r in api["results"] for rid in r["recommendations"].get("sp800-125a-2014", [])}
    assert recs == {f"HY-SR-{i}" for i in range(1, 23)}  # every 2014 recommendation reported


def test_token_never_reaches_the_bundle_or_report(
    seeded: str,
    fakepve_cafile: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    bundle = tmp_path / "b"
    code = main(["collect", "--connect", seeded, "--ca-file", fakepve_cafile, "-o", str(bundle)])
    capsys.readouterr()
    assert code == 0
    files = [p for p in bundle.rglob("*") if p.is_file()]
    assert any(p.name == "100.conf" for p in files)
    assert not any(SECRET in p.read_text(errors="replace") for p in files)
    meta = json.loads((bundle / "manifest.json").read_text())
    assert meta["collector"]["proxmox"]["token"] == "hvaudit"


def test_untrusted_certificate_is_refused(
    seeded: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    code = main(["scan", "--connect", seeded])
    _, err = capsys.readouterr()
    assert code == 3
    assert "SSL" in err and err.count("\n") == 1


def test_wrong_token_is_one_line_and_exit_3(
    seeded: str,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}=wrong")
    code = main(["scan", "--connect", seeded, "--ca-file", fakepve_cafile])
    _, err = capsys.readouterr()
    assert code == 3 and "401" in err and err.count("\n") == 1
    assert "wrong" not in err


def test_missing_token_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HVAUDIT_PVE_TOKEN", raising=False)
    code = main(["scan", "--connect", "pve+api://127.0.0.1:1/"])
    _, err = capsys.readouterr()
    assert code == 2 and "HVAUDIT_PVE_TOKEN" in err


def test_unreachable_api_is_exit_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    code = main(["scan", "--connect", "pve+api://127.0.0.1:1/"])
    _, err = capsys.readouterr()
    assert code == 3 and err.count("\n") == 1 and SECRET not in err
    # The system's reason, not the client library's wrapping cut before it.
    assert "pve+api://127.0.0.1:1/: ConnectionError: [Errno 111] Connection refused" in err, err


def test_hostile_values_cannot_forge_lines(
    tmp_path: Path,
    fakepve: Any,
    fakepve_url: str,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A description or value carrying a newline must not add a configuration key."""
    fakepve.add_vm(
        200,
        "evil",
        config={
            "name": "evil",
            "description": "x\nkvm: 1",
            "cpu": "host\nargs: -nodefaults",
            "memory": "1024",
        },
    )
    fakepve.apitokens[TOKEN] = SECRET
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    url = urllib.parse.urlsplit(fakepve_url)
    target = f"pve+api://{url.hostname}:{url.port}/pve1"
    _, report = scan(target, capsys, "--ca-file", fakepve_cafile)
    assert verdicts(report)[("HVA-046", "evil")] == "pass"
    bundle = tmp_path / "b"
    assert (
        main(["collect", "--connect", target, "--ca-file", fakepve_cafile, "-o", str(bundle)]) == 0
    )
    conf = next(bundle.rglob("200.conf")).read_text().splitlines()
    assert not [line for line in conf if line.startswith(("args:", "kvm:"))]


def test_cluster_scan_covers_every_online_node(
    seeded: str,
    fakepve: Any,
    fakepve_cafile: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a node in the URI every online node is collected; an offline one is an error and
    the rest of the cluster is still assessed and kept."""
    fakepve.add_vm(300, "db-02", node="pve2", config={"name": "db-02", "args": "-s"})
    fakepve.add_node("pve3", online=False)
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    cluster = seeded.removesuffix("pve1")
    bundle = tmp_path / "cluster.tar.gz"
    code, report = scan(cluster, capsys, "--ca-file", fakepve_cafile, "--bundle", str(bundle))
    assert code == 3  # pve3 could not be collected: the scan is incomplete, and says so
    assert sorted(h["name"] for h in report["hosts"]) == ["pve1", "pve2"]
    v = verdicts(report)
    assert v[("HVA-046", "db-02")] == "fail" and v[("HVA-046", "legacy-erp")] == "fail"
    assert v[("HVA-302", "pve1")] == v[("HVA-302", "pve2")]
    vm_host = {r["subject"]["name"]: r["subject"].get("host") for r in report["results"]}
    assert vm_host["db-02"] == "pve2" and vm_host["web-01"] == "pve1"
    assert any("pve3 is offline" in n for n in report["notes"])
    assert bundle.exists()
    code2 = main(["assess", str(bundle), "--format", "json"])
    replay = json.loads(capsys.readouterr().out)
    assert code2 == code and verdicts(replay) == v


def test_token_without_rights_keeps_what_it_could_read(
    seeded: str,
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fakepve.fail("GET", "/access/acl", 403, "Permission check failed (/access, Sys.Audit)")
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    code, report = scan(seeded, capsys, "--ca-file", fakepve_cafile)
    assert code == 3
    v = verdicts(report)
    assert v[("HVA-306", "pve1")] == "error" and v[("HVA-307", "pve1")] == "error"
    assert v[("HVA-046", "legacy-erp")] == "fail" and v[("HVA-301", "pve1")] == "manual"
    # cluster.fw was read (on, DROP); whether pve-firewall applies it the API does not say
    (r301,) = [
        r["message"]
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-301", "pve1")
    ]
    assert r301 == (
        "cluster.fw enables the firewall (input policy DROP), but whether pve-firewall or "
        "proxmox-firewall applies it on this node is not in the evidence (running processes: the "
        "API path reads no host OS facts; collect the node's files over SSH for them)"
    )
    assert any("403" in n and "user.cfg" in n for n in report["notes"])


def test_api_size_run_state_containers_and_tokens(
    seeded: str,
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """cpuinfo.cores is the node's total (not per socket); a running guest counts; containers
    and tokens come through the API as they do from the files."""
    monkeypatch.setitem(
        CANNED,
        "/nodes/{node}/status",
        {"cpuinfo": {"cores": 16, "cpus": 32, "sockets": 2}, "memory": {"total": 68719476736}},
    )
    users = [dict(u) for u in CANNED["/access/users"]]
    users[0]["tokens"] = [{"tokenid": "ci", "privsep": 0, "expire": 0}]
    monkeypatch.setitem(CANNED, "/access/users", users)
    fakepve.add_vm(
        102,
        "batch-02",
        status="running",
        config={"name": "batch-02", "memory": "65536", "cores": "4"},
    )
    fakepve.add_ct(
        300,
        "ci-runner",
        config={"hostname": "ci-runner", "unprivileged": 0, "features": "nesting=1"},
    )
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    _, report = scan(seeded, capsys, "--ca-file", fakepve_cafile)
    v = verdicts(report)

    def message(check: str, subject: str) -> str:
        return next(
            r["message"]
            for r in report["results"]
            if (r["check_id"], r["subject"]["name"]) == (check, subject)
        )

    assert message("HVA-080", "legacy-erp") == "16 vCPU(s) on a host with 16 physical core(s)"
    assert v[("HVA-080", "legacy-erp")] == "fail"
    assert message("HVA-060", "pve1") == (
        "1 running or autostart VM(s) configured with 64.0 GiB on 64.0 GiB of host RAM: "
        "ratio 1.00 (limit 1.5)"
    )
    assert v[("HVA-314", "ci-runner")] == "fail"
    assert message("HVA-314", "ci-runner") == (
        "privileged (unprivileged not set: container root is root on the node); "
        "nesting on (host procfs and sysfs exposed)"
    )
    assert v[("HVA-311", "pve1")] == "fail"
    assert message("HVA-311", "pve1") == (
        "tokens with their user's full rights: root@pam!ci (privsep 0: root@pam (built-in "
        "superuser))"
    )
