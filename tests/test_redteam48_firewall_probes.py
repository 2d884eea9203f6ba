"""Red-team round 48 probes: a Proxmox VE rule naming a service where the node's
/etc/services does not tell what pve-firewall knows: unread, giving a name two ports, or
changed since the daemon started (r48-firewall).

Harness: round 45's (test_redteam45_firewall_probes._node): the live hardened Proxmox VE node
(pve+ssh replayed over tests/fixtures/proxmox-hardened), HVA-301's and HVA-313's verdicts of
pve-h1 and HVA-303's of VM 201 (api-11) under pve-firewall, the node's /etc/services
netbase's, edited, or its read refused, its change time (`services-mtimes`) and the daemon's
start (`process-starts`, pid 950) given, through the real collector, parser and engine.

Team decisions (settled first): (1) under pve-firewall with the node's /etc/services unread,
a DROP or REJECT by service name before an ACCEPT of a management port is a question naming
the name and the port, not a fail: github:proxmox/pve-firewall src/PVE/Firewall.pm
get_etc_services ("unable to read" returns no names) and parse_port_name_number_or_range
("invalid port" for a name it does not key): the daemon may give the name that port (the
DROP then takes it) or lack it (the whole DROP refused). (2) A file changed after
pve-firewall started is asked as the libvirt files are: get_etc_services caches the file in
`$etc_services` for the daemon's life (`return $etc_services if $etc_services`).

Findings (R48F-n):
- R48F-1 (false pass; decision 1's wrong fail) HVA-313: with the node's /etc/services
  unread, `IN DROP -p tcp -dport 8006,ssh` took 8006 from a later `IN ACCEPT -p tcp -dport
  8006` from any source (pass), though pve-firewall refuses the whole DROP where the node's
  file lacks `ssh`, so 8006 is open; and a DROP of `-dport ssh` before `IN ACCEPT -p tcp
  -dport 22` failed where the file may give `ssh` 22 (also with the file read giving `ssh`
  two ports). Now checks.proxmox `_pve_unresolved` marks such a DROP, which takes no port
  for certain (with the file read its numbers do: the rule is applied), and `_doubted` asks
  where the names and the numbers beside them may take every management port the ACCEPT
  leaves open (a name is one port).
- R48F-2 (false pass; decision 2) HVA-313 (HVA-301, HVA-303 through the same reading): the
  node's /etc/services as read was taken for the names the running pve-firewall knows (`IN
  ACCEPT -p tcp -dport http`, netbase's `http` 80: pass), though a file changed since the
  daemon started may lack names it keys or give them other ports (iptables-restore resolves
  names at each update from the file as it then is). Now the host collector stats the file
  (`stat -c '%Y %Z %n' /etc/services`, `services-mtimes`; the later of mtime and ctime,
  R45T-1) and parse.proxmox_model._services_since_start makes `iptables_services` unknown
  where that is after pve-firewall's start (`ps -o lstart`) or the stat failed: the names are
  asked as where the file was not read, the reason saying which (`checks.proxmox._unread`).
- R48F-3 (false pass) HVA-303: with the node's /etc/services unread (or changed since the
  daemon started), a VM's `IN DROP -p tcp -dport 1:65535,ssh` took every TCP port from the
  `IN ACCEPT -p tcp` after it (pass), though pve-firewall refuses the whole rule where the
  file lacks the name (its file-read `pveui` twin fails, R47F-5). Now `_vm_refusable` reads
  the VM's chain with its DROPs and REJECTs naming services refused (`_vm_opened(refused=
  True)`) and asks where that reading opens a NIC (`_vm_refused_question`), beside the NIC
  filters' questions where they are asked too.

Held (kept as tests): R48F-1: one name cannot take two ports (`-dport 22,8006` after a DROP
of `ssh`: fail); a UDP DROP by name takes no TCP port (fail); a DROP by number (pass).
R48F-2: the file changed before the daemon started (`http` 80: pass; a DROP of `ssh` closes
22: pass). R48F-3: netbase's file read (`ssh` keyed: pass); a DROP by numbers alone (pass).

Probed by script: a VM's `IN REJECT -p tcp -dport 1:65535 -sport domain` before `IN ACCEPT
-p tcp`, file unread: fail already (a -sport narrows the REJECT, so it takes no port).

Tally: 3 findings (3 false pass); 16 cases in 3 test functions; 9 failed on main before the
fixes (R48F-1's 4, landed 8731d41a; R48F-2's 3, landed 4b35d9db; R48F-3's 2, landed
6f2bc8d6); 7 held.
Round 47's `pve-unread-drop-ssh` case (a fail) is superseded by R48F-1.

Leads left: the pooled narrow-source ACCEPTs (`_pooled_management`) still count a doubtful
DROP's ports as open (a possible wrong fail); a VM DROP by a name the read file gives two
ports takes none (a possible wrong fail on HVA-303); a names question and a doubted DROP in
one host file give only the doubted one's question; a pve-firewall pid missing from `ps -o
lstart` settles nothing; whether proxmox-firewall rereads /etc/services per update
(NamedPorts::new) was not confirmed; `ip -j route show table local` (a dnat to an AnyIP
local route reaching the input hook), `-p tcp -dport bootps` (a name of another protocol
failing iptables-restore's whole update: parse_iptables_services merges the protocols, so a
host DROP of `-p tcp -dport NAME`, NAME only /udp in the file, is read as closing its port
while the update that carries it fails and the last applied rules stay: a possible false
pass, the fix a node-wide question like proxmox-firewall's refused update), a VM rule proxmox-firewall skips for an unresolved
set or alias, ip6tables `! --src-type UNICAST` (HVA-190): not probed.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from test_redteam2_probes import PVE_HARDENED
from test_redteam35_proxmox_probes import HOST, _files
from test_redteam40_firewall_probes import NODE_PASS
from test_redteam45_firewall_probes import MGMT_PASS, NETBASE, _node

UNREAD = "(/etc/services: Permission denied)"


def _asked(accept: str, drop: str, names: str, read: bool) -> tuple[str, str]:
    why = (
        f"the node's /etc/services gives a name ({names}) more than one port: iptables takes "
        "the port of the first line of the rule's protocol"
        if read
        else f"the node's own /etc/services gives each name ({names}) its port, and "
        "pve-firewall refuses the whole rule where it lacks one; the file was not read "
        f"{UNREAD}"
    )
    return (
        "manual",
        f"{accept} from any source unless a DROP or REJECT before it by service name takes "
        f"that port ({drop}): {why}",
    )


@pytest.mark.parametrize(
    ("rules", "services", "unread", "expected"),
    [
        pytest.param(
            "IN DROP -p tcp -dport ssh\nIN ACCEPT -p tcp -dport 22",
            None,
            True,
            _asked("host.fw:9 accepts port 22", "host.fw line 8 `-dport ssh`", "ssh", False),
            id="unread-drop-ssh-accept-22",
        ),
        pytest.param(
            "IN DROP -p tcp -dport 8006,ssh\nIN ACCEPT -p tcp -dport 8006",
            None,
            True,
            _asked("host.fw:9 accepts port 8006", "host.fw line 8 `-dport 8006,ssh`", "ssh", False),
            id="unread-number-beside-a-name",
        ),
        pytest.param(
            "IN REJECT -p tcp -dport ssh\nIN DROP -p tcp -dport webui\n"
            "IN ACCEPT -p tcp -dport 22,8006",
            None,
            True,
            _asked(
                "host.fw:10 accepts port 22, 8006",
                "host.fw line 8 `-dport ssh`, host.fw line 9 `-dport webui`",
                "ssh, webui",
                False,
            ),
            id="unread-two-names-two-ports",
        ),
        pytest.param(
            "IN DROP -p tcp -dport ssh\nIN ACCEPT -p tcp -dport 22",
            NETBASE + "ssh\t\t2222/tcp\n",
            False,
            _asked("host.fw:9 accepts port 22", "host.fw line 8 `-dport ssh`", "ssh", True),
            id="read-name-of-two-ports",
        ),
        pytest.param(
            "IN DROP -p tcp -dport ssh\nIN ACCEPT -p tcp -dport 22,8006",
            None,
            True,
            ("fail", "host.fw:9 accepts management ports from any source"),
            id="held-one-name-two-ports",
        ),
        pytest.param(
            "IN DROP -p udp -dport ssh\nIN ACCEPT -p tcp -dport 22",
            None,
            True,
            ("fail", "host.fw:9 accepts management ports from any source"),
            id="held-udp-drop",
        ),
        pytest.param(
            "IN DROP -p tcp -dport 8006\nIN ACCEPT -p tcp -dport 8006",
            None,
            True,
            (
                "pass",
                "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens "
                "management ports wider",
            ),
            id="held-number-drop",
        ),
    ],
)
def test_r48f_1_pve_drop_by_unresolved_name(
    tmp_path: Path, rules: str, services: str | None, unread: bool, expected: tuple[str, str]
) -> None:
    """Under pve-firewall a DROP whose -dport names a service hvaudit cannot resolve may take
    any management port (the team's decision: a question naming the name and the port, not
    a fail), and with the node's file unread the daemon refuses it where the file lacks the
    name, the number beside it included (was a pass: `-dport 8006,ssh` closed 8006)."""
    assert _node(tmp_path, rules, services, nft=False, unread=unread) == {
        "HVA-301": NODE_PASS,
        "HVA-313": expected,
    }


#: `ps -eo pid=,lstart=` of the hardened host with pve-firewall (pid 950) started on 27
#: November 2024 at 04:00:05 UTC
STARTS = "  950 Wed Nov 27 04:00:05 2024\n"
#: 1 December 2024 00:00:00 UTC, after that start; 20 November 2024, before it
AFTER, BEFORE = 1733011200, 1732095000


def _stale(tmp_path: Path, rules: str, overrides: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """HVA-301 and HVA-313 of pve-h1 under pve-firewall (pid 950), netbase's /etc/services
    read, `rules` first in host.fw's [RULES], the host probes `overrides`."""
    from test_redteam3_host_probes import HARDENED_HOST, PVE_PROCS, pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    files = _files("enable: 1\n", "enable: 1")
    files[HOST] = files[HOST].replace("[RULES]\n", "[RULES]\n" + rules + "\n", 1)
    for rel, text in files.items():
        (tree / rel).write_text(text)
    running: dict[str, Any] = {
        "processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0),
        "process-starts": (HARDENED_HOST["process-starts"][0] + STARTS, 0),
        **overrides,
    }
    a = pve_scan(tmp_path, running, tree)
    return {
        r.check.id: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id in ("HVA-301", "HVA-313") and r.outcome.subject.name == "pve-h1"
    }


def _times(changed: int) -> dict[str, Any]:
    return {"services-mtimes": (f"{BEFORE} {changed} /etc/services\n", 0)}


CHANGED = (
    "(/etc/services changed at 2024-12-01 00:00:00 UTC, after pve-firewall (pid 950) started "
    "at 2024-11-27 04:00:05 UTC: the daemon keeps the names it read then (get_etc_services), "
    "so the file as read is not what it resolves)"
)
STAT_FAILED = (
    "(when /etc/services last changed was not read (`stat`: Permission denied); pve-firewall "
    "(pid 950) reads it only when it starts, so the names it knows may differ from the file)"
)


@pytest.mark.parametrize(
    ("rules", "overrides", "expected"),
    [
        pytest.param(
            "IN ACCEPT -p tcp -dport http",
            _times(AFTER),
            (
                "manual",
                "a rule accepts service names from any source (host.fw line 8: http): the "
                "node's own /etc/services gives their ports, and the file as the running daemon "
                f"read it is not known {CHANGED}",
            ),
            id="accept-http-file-changed-since",
        ),
        pytest.param(
            "IN ACCEPT -p tcp -dport http",
            {"services-mtimes": PermissionError("Permission denied")},
            (
                "manual",
                "a rule accepts service names from any source (host.fw line 8: http): the "
                "node's own /etc/services gives their ports, and the file as the running daemon "
                f"read it is not known {STAT_FAILED}",
            ),
            id="accept-http-stat-failed",
        ),
        pytest.param(
            "IN DROP -p tcp -dport ssh\nIN ACCEPT -p tcp -dport 22",
            _times(AFTER),
            (
                "manual",
                "host.fw:9 accepts port 22 from any source unless a DROP or REJECT before it by "
                "service name takes that port (host.fw line 8 `-dport ssh`): the node's own "
                "/etc/services gives each name (ssh) its port, and pve-firewall refuses the "
                "whole rule where it lacks one; the file as the running daemon read it is not "
                f"known {CHANGED}",
            ),
            id="drop-ssh-file-changed-since",
        ),
        pytest.param("IN ACCEPT -p tcp -dport http", _times(BEFORE), MGMT_PASS, id="held-before"),
        pytest.param(
            "IN DROP -p tcp -dport ssh\nIN ACCEPT -p tcp -dport 22",
            _times(BEFORE),
            MGMT_PASS,
            id="held-drop-ssh-before",
        ),
    ],
)
def test_r48f_2_services_changed_since_pve_firewall_started(
    tmp_path: Path, rules: str, overrides: dict[str, Any], expected: tuple[str, str]
) -> None:
    """Was a pass (netbase's `http` 80 read, the running daemon's names taken from it):
    pve-firewall reads /etc/services once (get_etc_services caches it), so a file changed
    since its start (the later of mtime and ctime), or whose change time was not read, may
    not be what it resolves: the names are asked, as where the file was not read."""
    assert _stale(tmp_path, rules, overrides) == {"HVA-301": NODE_PASS, "HVA-313": expected}


def _vm_unread(tmp_path: Path, rules: str, unread: bool) -> tuple[str, str]:
    """HVA-303 of VM 201 (api-11) under pve-firewall, `rules` first in 201.fw's [RULES], the
    node's /etc/services netbase's or its read refused (`unread`)."""
    from test_pve_leads19b import VM201
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    files = _files("enable: 1\n")
    files[VM201] = files[VM201].replace("[RULES]\n", "[RULES]\n" + rules, 1)
    for rel, text in files.items():
        (tree / rel).write_text(text)
    running: dict[str, Any] = {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0)}
    if unread:
        (tree / "etc" / "services").unlink()
        running["/etc/services"] = PermissionError("Permission denied")
    a = pve_scan(tmp_path, running, tree)
    (got,) = [
        (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id == "HVA-303" and r.outcome.subject.name == "api-11"
    ]
    return got


REFUSED_THEN = (
    "where the node's /etc/services lacks a service name a DROP or REJECT of the VM names, "
    "pve-firewall refuses that rule, and then net0: line 12 `IN ACCEPT -p tcp` accepts every "
    "tcp port before any rule drops or rejects: the file was not read " + UNREAD
)
VM_PASS = ("pass", "1 interface(s) behind the VM firewall")


@pytest.mark.parametrize(
    ("rules", "unread", "expected"),
    [
        pytest.param(
            "IN DROP -p tcp -dport 1:65535,ssh\nIN ACCEPT -p tcp\n",
            True,
            ("manual", REFUSED_THEN),
            id="unread-drop-beside-ssh",
        ),
        pytest.param(
            "IN REJECT -p tcp -dport http,1:65535\nIN ACCEPT -p tcp\n",
            True,
            ("manual", REFUSED_THEN),
            id="unread-reject-beside-http",
        ),
        pytest.param(
            "IN DROP -p tcp -dport 1:65535,ssh\nIN ACCEPT -p tcp\n",
            False,
            VM_PASS,
            id="held-netbase-read",
        ),
        pytest.param(
            "IN DROP -p tcp -dport 1:65535\nIN ACCEPT -p tcp\n", True, VM_PASS, id="held-numbers"
        ),
    ],
)
def test_r48f_3_vm_drop_naming_a_service_may_be_refused(
    tmp_path: Path, rules: str, unread: bool, expected: tuple[str, str]
) -> None:
    """Was pass "1 interface(s) behind the VM firewall": with the node's /etc/services unread,
    the DROP's 1:65535 beside `ssh` took every TCP port from the ACCEPT after it, though
    pve-firewall refuses the whole rule where the node's file lacks the name (as the file-read
    `pveui` twin fails, R47F-5)."""
    assert _vm_unread(tmp_path, rules, unread) == expected
