"""Red-team round 34 probes: VM domain XML, raw QEMU arguments and the checks that compare VMs
(r34domain)

Harness: round 31's (tests/test_redteam31_domain_probes.py): the hardened Debian host replay
(conftest HARDENED_HOST, AppArmor; qemu.conf migration_address 10.0.1.10, migrate_tls_force =
1) collected with the real LibvirtCollector from a test-driver node holding web01 and `others`,
marked as the QEMU driver's, web01's <qemu:commandline> written into its collected XML as a
QEMU-driver daemon reports it (test_redteam30_domain_probes `_scan` with `edit`); Proxmox VE:
the hardened node tree (tests/fixtures/proxmox-hardened) scanned through the CLI with VM 200
(web-10) and 201 (api-11) edited (test_redteam31_domain_probes `_pve`).

Findings:
- R34D-1 (false pass) HVA-036, HVA-308: web01's raw `-incoming exec:nc -l -p 4444` (QEMU
  reads the stream the VM then runs from the output of a command, here one listening on every
  address), `-incoming file:PATH` (from a file anyone able to write it fills), and the same as
  a MigrationChannel (`channel-type=main,addr.transport=exec,addr.args.0=...`, JSON
  `addr.transport: file`) passed "migration_address = 10.0.1.10", and Proxmox VE's `args:
  -incoming exec:...` "migration type secure": raw_migration_listeners judged socket and rdma
  channels only (qemu-options.hx "-incoming exec:cmdline", "file:filename"; migration/exec.c
  exec_start_incoming_migration spawns the command, a URI as `/bin/sh -c COMMAND` by
  migration.c migrate_uri_parse; migration/file.c file_start_incoming_migration). Now a
  question naming the command or file (hardening.fed_migration_question, RawMigration.fed),
  joined with the check's other open questions (joint_question); the parser reads an exec
  channel's argv (addr.args.N) and a file channel's addr.filename.
- R34D-2 (false pass) HVA-036, HVA-308: web01's raw `-incoming tcp:192.0.2.5:4444` (an
  address qemu.conf's migration_address, 10.0.1.10, does not name), or `tcp:hv1:4444` (a name
  /etc/hosts resolves, on Debian often to 127.0.1.1 or the management address), passed
  "migration_address = 10.0.1.10" with a note, and Proxmox VE's `args: -incoming
  tcp:192.0.2.5:60000` passed "migration type secure on 10.0.2.0/24": raw_migration_listeners
  noted every listener on a non-loopback address whatever network it is on, while HY-SR-13
  wants migration on the dedicated segment (QEMU listens where inet_listen_saddr's
  getaddrinfo resolves the host, util/qemu-sockets.c). Now one on migration_address (HVA-036)
  or in datacenter.cfg's migration network (HVA-308) is noted, any other asked with the raw
  listener question (RawMigration.settle_remote).

Held (kept as tests): `-incoming defer` (no channel until migrate-incoming) passes;
a `-incoming exec:` beside a failing raw `-incoming tcp:0.0.0.0:` keeps the fail; a raw
listener on migration_address itself, or on an address of Proxmox VE's migration network, is
noted and passes.

Probed by script, not kept: see the report of round 34 (r34domain).

Tally: 2 findings (false pass 2), 12 test cases, 8 failed on main before the fixes (the 4
held cases pass on main too).

Leads left: those of round 33 not reached (a UNIX `-incoming` through a symbolic link or an
abstract socket; `-incoming file:PATH` beside another VM's `<serial type='file'>` writing
PATH is now asked, not failed; HVA-051 relaxed_acs_check beside a guest not read;
`<interface type='null'>`/'vds' under QEMU; HVA-090 equal non-default weights;
`-global migration.tls-creds`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import messages, outcomes
from test_redteam30_domain_probes import _question, _scan
from test_redteam31_domain_probes import PASS, _incoming, _pve

FED_ASK = (
    "Who can send the migration stream raw QEMU arguments have VMs on {where} read from a "
    "command or a file ({fed})? Evidence: what each command reads (a listener it opens: `ss "
    "-ltnp` on {where} while the VM waits) and `ls -l` of each file and its directories. Pass: "
    "only the host itself or its address on the migration network feeds the command, and only "
    "root can write the file; fail: the command listens on every address or another network, "
    "or a guest (a character device writing the file) or another user can write it."
)


# --- R34D-1: a raw `-incoming` reading its stream from a command or a file ------------------


@pytest.mark.parametrize(
    ("spec", "source"),
    [
        ("exec:nc -l -p 4444", "the output of command `nc -l -p 4444`"),
        ("file:/var/tmp/state.bin", "file /var/tmp/state.bin"),
        (
            "channel-type=main,addr.transport=exec,addr.args.0=socat,"
            "addr.args.1=TCP-LISTEN:4444,addr.args.2=-",
            "the output of command `socat TCP-LISTEN:4444 -`",
        ),
        (
            '{"channel-type": "main", "addr": {"transport": "file", "filename": "/tmp/s"}}',
            "file /tmp/s",
        ),
    ],
)
def test_raw_incoming_from_a_command_or_file_asks(tmp_path: Path, spec: str, source: str) -> None:
    """R34D-1, HVA-036: whoever feeds the command or writes the file sends the state."""
    a = _scan(tmp_path, edit=_incoming(spec.replace('"', "&quot;")))
    fed = f"VM web01's QEMU argument -incoming {spec}: QEMU reads a migration stream (main channel) from {source}"
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == (
        {"hv1": "manual"},
        {"hv1": f"migration_address = 10.0.1.10; {fed}"},
    )
    assert _question(a, "HVA-036", "hv1") == FED_ASK.format(where="host hv1", fed=fed)


def test_pve_raw_incoming_from_a_command_asks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R34D-1, HVA-308: web-10's `args: -incoming exec:`."""
    got = _pve(tmp_path, capsys, "args: -incoming 'exec:nc -l -p 4444'\n")
    assert got == (
        "manual",
        "migration type secure on 10.0.2.0/24; VM web-10's QEMU argument -incoming exec:nc -l "
        "-p 4444: QEMU reads a migration stream (main channel) from the output of command "
        "`nc -l -p 4444`",
    )


def test_held_deferred_incoming_passes(tmp_path: Path) -> None:
    """Held: `-incoming defer` opens no channel until libvirt's migrate-incoming."""
    a = _scan(tmp_path, edit=_incoming("defer"))
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == ({"hv1": "pass"}, {"hv1": PASS})


def test_held_exec_beside_an_every_address_listener_fails(tmp_path: Path) -> None:
    """Held: the question does not soften the fail of another VM's listener."""
    web = _incoming("exec:cat /var/tmp/s")
    a = _scan(
        tmp_path,
        edit=(
            web[0],
            web[1].replace(
                "</qemu:commandline>",
                "<qemu:arg value='-incoming'/>"
                "<qemu:arg value='tcp:0.0.0.0:4444'/></qemu:commandline>",
            ),
        ),
    )
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == (
        {"hv1": "fail"},
        {
            "hv1": "VM web01's QEMU argument -incoming tcp:0.0.0.0:4444: QEMU waits for a "
            "migration stream (main channel) on every address (port 4444) at each start of the "
            "VM, outside the host's migration settings"
        },
    )


# --- R34D-2: a raw `-incoming` on an address the migration settings do not name -------------

OPAQUE_ASK = (
    "Who can connect to the migration listener(s) raw QEMU arguments give VMs on host hv1 "
    "({waits})? Evidence: `ss -ltnp` and `ss -l --vsock -p` on host hv1 while the VM waits for "
    "its stream (the QEMU process's sockets), or the program that hands QEMU the socket. Pass: "
    "only the host (a loopback address or a UNIX socket) or the host's address on the migration "
    "network; fail: every address, another network, or a vsock port the host's guests connect "
    "to."
)


@pytest.mark.parametrize("host", ["192.0.2.5", "hv1"])
def test_raw_incoming_off_the_migration_address_asks(tmp_path: Path, host: str) -> None:
    """R34D-2, HVA-036: 192.0.2.5, or a name /etc/hosts resolves, is not migration_address."""
    a = _scan(tmp_path, edit=_incoming(f"tcp:{host}:4444"))
    waits = (
        f"VM web01's QEMU argument -incoming tcp:{host}:4444: QEMU waits for a migration stream "
        f"(main channel) on {host} port 4444"
    )
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == (
        {"hv1": "manual"},
        {"hv1": f"migration_address = 10.0.1.10; {waits}"},
    )
    assert _question(a, "HVA-036", "hv1") == OPAQUE_ASK.format(waits=waits)


def test_held_raw_incoming_on_the_migration_address_passes(tmp_path: Path) -> None:
    """Held: a raw listener on migration_address itself is noted, as before."""
    a = _scan(tmp_path, edit=_incoming("tcp:10.0.1.10:4444"))
    assert (outcomes(a, "HVA-036"), messages(a, "HVA-036")) == (
        {"hv1": "pass"},
        {
            "hv1": f"{PASS}; VM web01's QEMU argument -incoming tcp:10.0.1.10:4444: QEMU waits "
            "for a migration stream (main channel) on 10.0.1.10 port 4444"
        },
    )


@pytest.mark.parametrize(
    ("address", "status"),
    [("192.0.2.5", "manual"), ("10.0.2.7", "pass")],
)
def test_pve_raw_incoming_off_the_migration_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], address: str, status: str
) -> None:
    """R34D-2, HVA-308: an address outside datacenter.cfg's migration network asks; one in
    it is noted (held)."""
    got = _pve(tmp_path, capsys, f"args: -incoming tcp:{address}:60000\n")
    assert got == (
        status,
        f"migration type secure on 10.0.2.0/24; VM web-10's QEMU argument -incoming "
        f"tcp:{address}:60000: QEMU waits for a migration stream (main channel) on {address} "
        "port 60000",
    )
