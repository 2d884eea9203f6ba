"""Red-team round 28 probes: libvirt daemon configuration and guest loopback reach (rt28daemon)

Harness: the hardened Debian host replay (conftest `host_scan`: HARDENED_HOST plus overrides)
with web01 given an emulated TPM (<tpm model='tpm-crb'><backend type='emulator'/>), so libvirt
starts a swtpm for it; QEMU runs as libvirt-qemu (the process list's pid 1200).

Findings:
- R28O-1 (false pass) HVA-042: qemu.conf `swtpm_user = "NAME"` / `swtpm_group = "NAME"` that
  /etc/passwd / /etc/group do not list passed on the running QEMU's account. libvirt reads both
  with virGetUserID / virGetGroupID (libvirt/libvirt src/qemu/qemu_conf.c
  virQEMUDriverConfigLoadSWTPMEntry; src/util/virutil.c: the name is looked up with getpwnam_r
  / getgrnam_r before it is read as a number), so the name is an NSS account or group
  (nsswitch.conf `passwd: files sss`), possibly id 0. Now a manual item with one question
  (`getent passwd NAME` / `getent group NAME`), as R27O-1 did for `user`.
- R28O-2 (false pass) HVA-042: with /etc/passwd unread, swtpm_user unset passed, although
  libvirt runs swtpm as root when tss does not exist (src/qemu/qemu_conf.c
  virQEMUDriverConfigNew: `if (!virDoesUserExist("tss") || ...) cfg->swtpm_user = 0; /* fall
  back to root */`). Now the evidence's error (unknown()).
- R28O-3 (false pass) HVA-042: a swtpm the process list shows running as root (qemu.conf edited
  since libvirt started it, or an NSS swtpm account with uid 0) passed: HVA-042 read only
  QEMU's processes, not the VM helpers the collector already lists (collect/host.py
  VM_HELPER). Now a fail naming the pids.
- R28O-4 (false pass) HVA-030: a socat relay of libvirt-sock onto 127.0.0.2 (any 127/8 address
  but 127.0.0.1) passed "libvirt listens on local UNIX sockets only" with route_localnet = 1 on
  br0, and passed instead of asking with route_localnet unread. route_localnet opens all of
  127/8 ("Do not consider loopback addresses as martian source or destination while routing",
  torvalds/linux Documentation/networking/ip-sysctl.rst); the user-mode guest's
  127.0.0.1-only rule (R25O-3, libslirp sotranslate_out4) had been applied to it too. Now
  _loopback4_relays takes every 127/8 address for route_localnet and 127.0.0.1 for guests.
- R28O-5 (wrong fail) HVA-031 and HVA-036: the converse. A VNC console on 127.0.0.2 and a raw
  `-incoming tcp:127.0.0.2:4444` failed as reachable from a user-mode guest beside them, whose
  connection to its host address becomes one to 127.0.0.1 alone (libslirp src/socket.c
  sotranslate_out4 `sin->sin_addr = loopback_addr`; R25O-3). consoles._local and
  hardening.raw_migration_listeners now apply guest_loopback; route_localnet still opens all
  of 127/8.

Held (kept as tests): swtpm_user/swtpm_group unset with tss listed, set to tss, set to numbers
(+105, 112), and a swtpm running as tss, all still pass; a relay on 127.0.0.2 beside a
user-mode guest (route_localnet 0) passes, one on 127.0.0.1 fails.

Probed by script: 4 inputs for R28O-5 (VNC and -incoming on 127.0.0.1 / 127.0.0.2 beside a
user-mode guest); 9 swtpm inputs (above, and /etc/group unread: already an error); 9 relay
inputs (127.0.0.1, 127.0.0.2, 127.1.2.3 x route_localnet 1, unread, 0); 6 libvirt files
unreadable (libvirtd.conf, qemu.conf, virtproxyd.conf, virtqemud.conf, virtlogd.conf,
/etc/sasl2/libvirt.conf) x 16 checks: none passed on a file it needs.

Tally: 5 findings, 4 false passes and 1 wrong fail, 9 tests (14 cases), 8 cases failed before
the fixes.

Leads left (from the reviewer's report, written in by the session lead):
- `seccomp_sandbox = 2` passes as "seccomp_sandbox = 2": how libvirt treats values above 1 was
  not checked.
- HVA-031 / HVA-033 (reach_words) still say "127/8 is reachable from guests" where a user-mode
  guest reaches 127.0.0.1 only: a wording fix touching many golden strings.
- passt DNS: `-netdev passt` dns-forward / dns-host (passed to passt as --dns-forward /
  --dns-host) naming a host loopback address other than 127.0.0.1 is not read; passt's default
  forwarding not confirmed; HVA-210 does not apply R26O-2's DNS rule.
- JSON-form `-netdev '{"type":"stream",...}'` tunnels not probed (the parser flattens nested
  JSON, so likely fine, unverified).
- A `tss` account only in NSS (`files sss`) still fails as "falls back to root" although
  libvirt's virDoesUserExist asks NSS too: a question, as R28O-1 asks for swtpm_user?
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes, run_assessment
from test_leads10 import PROCS, ROUTED_BR0, UNREAD, WHY
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

QEMU = "/etc/libvirt/qemu.conf"
QEMU_CONF = HARDENED_HOST[QEMU]
VTPM = domain_xml(
    "web01",
    "<devices><tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>",
)
SWTPM_LINE = (
    " 1300 root     /usr/bin/swtpm socket --ctrl type=unixio,path=/run/libvirt/qemu/swtpm/"
    "1-web01-swtpm.sock --tpmstate dir=/var/lib/libvirt/swtpm/x/tpm2 --tpm2\n"
)
PROCS_SWTPM_ROOT = HARDENED_HOST["processes"][0] + SWTPM_LINE


def _question(a, check_id: str) -> str | None:
    return next(r.outcome.question for r in a.results if r.check.id == check_id)


def test_swtpm_user_missing_from_passwd_is_asked(host_scan) -> None:
    """R28O-1: libvirt src/qemu/qemu_conf.c virQEMUDriverConfigLoadSWTPMEntry reads
    swtpm_user with virGetUserID (src/util/virutil.c), which looks a name up (getpwnam_r)
    before reading it as a number: a name /etc/passwd does not list is an NSS account (the
    hardened host's nsswitch.conf has `passwd: files sss`), possibly uid 0. The VM has an
    emulated TPM, so libvirt starts swtpm for it as that account."""
    a = host_scan({QEMU: QEMU_CONF + 'swtpm_user = "tpmops"\n'}, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "manual"}
    assert messages(a, "HVA-042") == {
        "hv1": "qemu.conf sets swtpm_user = tpmops, which /etc/passwd does not list (an NSS "
        "account, or none): the uid of the TPM emulator of VM(s) web01 is not known"
    }
    assert _question(a, "HVA-042") == (
        "Does `getent passwd tpmops` on host hv1 give an account whose uid is not 0? "
        "Evidence: that command on host hv1. Pass: yes; fail: uid 0, or no such account "
        "(libvirt's QEMU driver then does not start)."
    )


def test_swtpm_group_missing_from_group_file_is_asked(host_scan) -> None:
    """R28O-1: the same for swtpm_group (virGetGroupID, getgrnam_r before a number)."""
    a = host_scan({QEMU: QEMU_CONF + 'swtpm_group = "tpmops"\n'}, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "manual"}
    assert messages(a, "HVA-042") == {
        "hv1": "qemu.conf sets swtpm_group = tpmops, which /etc/group does not list (an NSS "
        "group, or none): the gid of the TPM emulator of VM(s) web01 is not known"
    }
    assert _question(a, "HVA-042") == (
        "Does `getent group tpmops` on host hv1 give a group whose gid is not 0? "
        "Evidence: that command on host hv1. Pass: yes; fail: gid 0, or no such group "
        "(libvirt's QEMU driver then does not start)."
    )


def test_swtpm_default_with_passwd_unread_is_an_error(host_scan) -> None:
    """R28O-2: swtpm_user unset, libvirt runs swtpm as tss only when `virDoesUserExist("tss")`
    and falls back to root otherwise (src/qemu/qemu_conf.c virQEMUDriverConfigNew, "fall back
    to root"): with /etc/passwd unread the running QEMU's account alone passed."""
    a = host_scan({"/etc/passwd": OSError("Permission denied")}, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "error"}
    assert messages(a, "HVA-042") == {
        "hv1": "evidence could not be collected: host/files/etc/passwd: Permission denied"
    }


def test_swtpm_process_running_as_root_fails(host_scan) -> None:
    """R28O-3: the process list shows a swtpm running as root (qemu.conf changed since libvirt
    started it, or swtpm_user an NSS account with uid 0) while QEMU runs as libvirt-qemu: the
    TPM emulator parses every TPM command of the guest (qemu.conf.in "User for the swtpm
    binary"), so it fails as a root QEMU does. The collector already lists swtpm among the VM
    helpers (collect/host.py VM_HELPER); HVA-042 did not read them."""
    a = host_scan({"processes": (PROCS_SWTPM_ROOT, 0)}, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}
    assert messages(a, "HVA-042") == {
        "hv1": "1 TPM emulator (swtpm) process(es) run as root: 1300 "
        "(VM(s) with an emulated TPM: web01)"
    }


@pytest.mark.parametrize(
    ("extra", "procs"),
    [
        ("", HARDENED_HOST["processes"][0]),
        ('swtpm_user = "tss"\nswtpm_group = "tss"\n', HARDENED_HOST["processes"][0]),
        ('swtpm_user = "+105"\nswtpm_group = "112"\n', HARDENED_HOST["processes"][0]),
        ("", HARDENED_HOST["processes"][0] + SWTPM_LINE.replace("root    ", "tss     ")),
    ],
    ids=["default-tss", "named-tss", "numbers", "swtpm-as-tss"],
)
def test_swtpm_held(host_scan, extra: str, procs: str) -> None:
    """Held: swtpm_user / swtpm_group unset with tss in /etc/passwd and /etc/group, named and
    listed, numbers, and a swtpm running as tss still pass on the running QEMU's account."""
    a = host_scan({QEMU: QEMU_CONF + extra, "processes": (procs, 0)}, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "pass"}
    assert messages(a, "HVA-042") == {"hv1": "1 running QEMU process(es), as libvirt+"}


def _relay(addr: str) -> dict[str, object]:
    """socat relaying libvirt's read-write socket onto `addr`:16600 (test_leads10's RELAY_127
    on another loopback address)."""
    return {
        "processes": (
            PROCS + f"  991 root     /usr/bin/socat TCP-LISTEN:16600,bind={addr},fork "
            "UNIX-CONNECT:/run/libvirt/libvirt-sock\n",
            0,
        ),
        "listeners": (
            HARDENED_HOST["listeners"][0]
            + f"tcp   LISTEN 0      5          {addr}:16600        0.0.0.0:*    "
            'users:(("socat",pid=991,fd=5))\n',
            0,
        ),
    }


USER_NIC = (
    "<devices><interface type='user'><mac address='52:54:00:28:00:06'/>"
    "<model type='virtio'/></interface></devices>"
)


@pytest.mark.parametrize("addr", ["127.0.0.2", "127.1.2.3"])
def test_relay_on_other_127_address_with_route_localnet(host_scan, addr: str) -> None:
    """R28O-4 (false pass): route_localnet = 1 stops the kernel treating all of 127/8 as
    martian ("Do not consider loopback addresses as martian source or destination while
    routing", torvalds/linux Documentation/networking/ip-sysctl.rst), so br0's neighbours
    reach a socat relay of libvirt-sock on 127.0.0.2 as on 127.0.0.1. HVA-030 applied the
    user-mode guest's 127.0.0.1-only rule (R25O-3) to route_localnet too and passed; with
    route_localnet unread it passed instead of asking."""
    a = host_scan({**_relay(addr), "route-localnet": ROUTED_BR0})
    assert (outcomes(a, "HVA-030")["hv1"], messages(a, "HVA-030")["hv1"]) == (
        "fail",
        f"socat (pid 991) relays /run/libvirt/libvirt-sock onto TCP {addr}:16600, on 127/8 "
        "that route_localnet = 1 on br0 opens to the network: libvirt's full API without "
        "authentication or encryption",
    )
    b = host_scan({**_relay(addr), "route-localnet": UNREAD})
    assert (outcomes(b, "HVA-030")["hv1"], messages(b, "HVA-030")["hv1"]) == (
        "manual",
        f"socat (pid 991) relays /run/libvirt/libvirt-sock onto TCP {addr}:16600; " + WHY,
    )


def test_relay_on_other_127_address_beside_user_mode_guest_held(host_scan) -> None:
    """Held: a user-mode guest reaches 127.0.0.1 alone (libslirp sotranslate_out4, R25O-3), so
    a relay on 127.0.0.2 beside it passes with route_localnet 0, and one on 127.0.0.1 fails."""
    doms = [domain_xml("web01"), domain_xml("slirp", USER_NIC)]
    a = host_scan(_relay("127.0.0.2"), domains=doms)
    assert (outcomes(a, "HVA-030")["hv1"], messages(a, "HVA-030")["hv1"]) == (
        "pass",
        "libvirt listens on local UNIX sockets only",
    )
    b = host_scan(_relay("127.0.0.1"), domains=doms)
    assert outcomes(b, "HVA-030") == {"hv1": "fail"}
    assert (
        "the user-mode networking of VM slirp (<interface type='user'>)"
        in (messages(b, "HVA-030")["hv1"])
    )


def _vnc(addr: str) -> str:
    return domain_xml(
        "web01",
        f"<devices><graphics type='vnc' port='5901' autoport='no' listen='{addr}'>"
        f"<listen type='address' address='{addr}'/></graphics></devices>",
    )


def test_console_on_127_0_0_2_beside_user_mode_guest(host_scan) -> None:
    """R28O-5 (wrong fail) HVA-031: a user-mode guest's connection to its host address
    becomes one to 127.0.0.1 alone (libslirp src/socket.c sotranslate_out4 `sin->sin_addr =
    loopback_addr`; passt(1) --map-host-loopback "both source and destination of 127.0.0.1";
    R25O-3), so a VNC console on 127.0.0.2 is out of its reach; HVA-031 failed it as on the
    network ("vnc on 127.0.0.2 without a password") beside VM slirp. Held: 127.0.0.1 fails."""
    slirp = domain_xml("slirp", USER_NIC)
    a = host_scan(domains=[_vnc("127.0.0.2"), slirp])
    assert (outcomes(a, "HVA-031")["web01"], messages(a, "HVA-031")["web01"]) == (
        "pass",
        "console(s) reachable only from the host",
    )
    b = host_scan(domains=[_vnc("127.0.0.1"), slirp])
    assert (outcomes(b, "HVA-031")["web01"], messages(b, "HVA-031")["web01"]) == (
        "fail",
        "vnc on 127.0.0.1 without a password; 127.0.0.1 is reachable from guests: the user-mode "
        "networking of VM slirp (<interface type='user'>) turns a guest's connection to its "
        "host address into one to 127.0.0.1",
    )


def test_raw_incoming_on_127_0_0_2_beside_user_mode_guest(tmp_path: Path) -> None:
    """R28O-5 (wrong fail) HVA-036: the same rule for a raw `-incoming tcp:127.0.0.2:4444`
    (hvaudit.checks.hardening raw_migration_listeners): out of a user-mode guest's reach, it
    is judged as a loopback listener without one (a pass here); 127.0.0.1 still fails."""
    got = {}
    for addr in ("127.0.0.1", "127.0.0.2"):
        (tmp_path / addr).mkdir()
        doms = {
            "web01": domain_xml("web01"),
            "inc": _raw_cpu_domain("inc", "", "-incoming", f"tcp:{addr}:4444"),
            "slirp": domain_xml("slirp", body=USER_NIC),
        }
        a = run_assessment(_replayed_on(tmp_path / addr, dict(HARDENED_HOST), doms))
        got[addr] = (outcomes(a, "HVA-036")["hv1"], messages(a, "HVA-036")["hv1"])
    assert got == {
        "127.0.0.1": (
            "fail",
            "VM inc's QEMU argument -incoming tcp:127.0.0.1:4444: QEMU waits for a migration "
            "stream (main channel) on 127.0.0.1, which the user-mode networking of VM slirp "
            "(<interface type='user'>) opens to its guest (a connection to its host address "
            "becomes one to 127.0.0.1)",
        ),
        "127.0.0.2": ("pass", "migration_address = 10.0.1.10, migrate_tls_x509_verify = 1"),
    }
