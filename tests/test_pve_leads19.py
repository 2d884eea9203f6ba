"""Leads 19, Proxmox VE: the leads rounds 18 left (tests/test_pve_leads18.py and
tests/test_redteam18_pve_probes.py, "Leads left"). Probed: HVA-309 when the node's own
corosync.conf is not read (the API path), `rng0: source=/dev/hwrng` (with max_bytes=0),
proxmox-firewall's reading of a cluster.fw `enable` that is no boolean, and the VM chain's `-i`
of another NIC and `-dest` of the VM's own address. Sources read with `fetch`:
github:proxmox/qemu-server e6352be, pve-cluster 7091d92, pve-firewall 6f1311f, proxmox-ve-rs
840d1ed, proxmox-firewall a752659; proxmox/proxmox-rs proxmox-serde/src/perl.rs with
`read_file`.

Findings:

- L19-7P (false pass): HVA-309 on the API path judged /etc/pve/corosync.conf's totem alone
  and passed a hardened one; the API serves only that file (github:proxmox/pve-cluster
  7091d92 src/PVE/API2/ClusterConfig.pm `totem`: `cfs_read_file('corosync.conf')`), while
  corosync reads the node's /etc/corosync/corosync.conf (cfs-utils.h HOST_CLUSTER_CONF_FN),
  which pmxcfs keeps when its config_version is higher (dcdb.c dcdb_sync_corosync_conf `if
  (new_version < old_version) { cfs_critical("local corosync.conf is newer"); goto ret; }`,
  P18-5). A pass of /etc/pve's copy with the local file not collected (or its read failed) is
  now the question ("Which crypto does corosync run with on node ...? Evidence:
  `corosync-cmapctl -g totem.crypto_cipher` ..."); a weak copy still fails.
- L19-9P (wrong n/a hiding a fail): `rng0: source=/dev/hwrng,max_bytes=0` was HVA-050
  "no device passthrough"; the Proxmox model did not read rng0 (nor raw `-object
  rng-random,filename=`). qemu-server e6352be src/PVE/QemuServer/RNG.pm: `source` is an enum of
  /dev/urandom, /dev/random, /dev/hwrng; check_rng_source refuses to start while
  hw_random/rng_current is `none`; print_rng_device_commandline writes `max-bytes,period`
  (default 1024 per 1000 ms) only `if ($max_bytes)`, 0 being "disable limiting (potentially
  dangerous!)". Now the model hands HOST_RNG (VL18-7's kind) with the rate: max_bytes=0 fails,
  a bound passes (VL18-7's pass side: a hardware RNG, which qemu-server guarantees, read at a
  rate), raw `-object rng-random` is VL18-7's question; a RNG fail is no longer hidden by a
  PCI device's IOMMU verdict.
- L19-8P (false pass): under proxmox-firewall (host.fw `nftables: 1`) a cluster.fw `enable`
  that is no proxmox-serde boolean (the API's anti-lockout stamp `enable: 4102444800`, or
  `01`) was read as pve-firewall reads it (P18-6: on while in force; int("01") = 1), and
  HVA-302/313 passed (HVA-301 too for `01`). proxmox/proxmox-rs proxmox-serde/src/perl.rs
  visit_str takes true/yes/on/"1", false/no/off/"0" only; proxmox-ve-rs 840d1ed cluster.rs
  Options `enable` uses it and common.rs parse's `O::deserialize(...)?` fails the whole file;
  proxmox-firewall a752659 handle_firewall returns before any nft command and run_firewall
  only logs "error updating firewall rules". The node's cluster.fw fact is unavailable then
  (with that reason): HVA-301/302/313 ask.

Held (kept as tests): L19-7P: a weak /etc/pve copy without the local file fails; a copied tree
with the local file passes (without it, it passed as P18-5's held case until L19-11P, in
tests/test_pve_leads19b.py, made it the question); a live
node with no local file passes (dcdb.c: G_FILE_ERROR_NOENT leaves old_version 0 and pmxcfs
writes /etc/pve's copy). L19-9P: /dev/urandom with max_bytes=0 and an rng0 the schema refuses
(`source=/dev/hwrng0`) stay n/a. L19-8P: without `nftables: 1`, `enable: 01` is pve-firewall's 1
(parse_clusterfw_option `int($2)`) and the rules are judged as under `enable: 1`; `enable: 1`
under proxmox-firewall passes as before. Lead 5: the VM chain's `IN DROP -i net1` closes nothing
of net0 (pve-firewall 6f1311f ruleset_generate_vm_rules `next if $rule->{iface} &&
$rule->{iface} ne $netid`) and a DROP to the VM's own address (+ipfilter-net0) leaves the
version open; both fail HVA-303 before and after (no change).

Probed by script, not kept (the verdict was right): lead 5, `IN DROP -dest 0.0.0.0/0`, `IN
DROP -dest ::/0` before `IN ACCEPT` passes (every address of both versions); `IN DROP -i net0`
of both versions before `IN ACCEPT -i net1` passes (the ACCEPT is another NIC's).

Tally: L19-7P: 4 cases, 1 failed on main 334ee42 (the API path), 3 held; L19-9P: 5 cases, 4
failed on main 9e113dd, 1 held (two configurations); L19-8P: 3 cases, 2 failed on main e20502d,
1 held (three configurations); lead 5: 2 held.

Leads left (not settled in the time): lead 1, the SPICE model (qemu-server starts `-spice
tls-port=N,addr=<localhost>` with a ticket spiceproxy sets; hvaudit models qxl as a UNIX socket
that does not exist and virtio displays as none; P18's reading holds the verdicts, the wording
and model are unchanged); lead 2, udev link names in usbN (`host=` takes IDs and bus-ports, not
paths), hostpciN (PCI IDs) and scsiN/virtioN host block paths (`/dev/disk/by-id/...`): not
probed beyond L18-9P's serial ports; lead 3, a node whose evidence shows no TPM (tpm_version
"" also when the tpm-devices probe failed or was not collected: parse/host.py reads that as
none) - HVA-056 still asks of an unresolved link there (right: a vtpm_proxy or a TPM at tpm1 is
not tpm0), not pinned; lead 4, `ip addr` not read: a DROP to every address the interfaces file
names closes nothing (a wrong fail at worst, as L18-8P left it); lead 6, the node's
/etc/protocols and /etc/services are not collected (P18-4 refuses against netbase 6.4's list:
a site-added protocol is a wrong fail at worst); the copied-tree HVA-309 pass without
/etc/corosync/corosync.conf (P18-5's held reading; the same missing evidence as the API path);
proxmox-firewall's other deserialize_bool options (cluster.fw `ebtables`: pve-firewall ignores
a line that is not 0/1, so hvaudit never sees `ebtables: 2`, which proxmox-firewall refuses;
host.fw and VM .fw booleans); lead 10, privileges $valid_privs does not list (kept in a role;
they match nothing the checks look for: a wrong fail at worst).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from test_proxmox_api import SECRET, TOKEN, scan, seeded  # noqa: F401 - a fixture
from test_redteam2_probes import PVE_HARDENED, pve_result

COROSYNC = (PVE_HARDENED / "etc/pve/corosync.conf").read_text()
WEAK = COROSYNC.replace(
    "  crypto_cipher: aes256\n  crypto_hash: sha256\n",
    "  crypto_cipher: none\n  crypto_hash: none\n",
)
LOCAL = "etc/corosync/corosync.conf"


def _dir_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: dict[str, str | None]
) -> dict:
    """The hardened node copied (pve+dir://) with files written (path -> text; None removes)."""
    from hvaudit.cli import main

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    for rel, text in edits.items():
        if text is None:
            (tree / rel).unlink()
            continue
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    return json.loads(out)


# --- L19-7P: HVA-309 without the node's own corosync.conf -----------------------------------------

UNREAD = (
    "crypto_cipher aes256, crypto_hash sha256 (/etc/pve/corosync.conf); the node's "
    "/etc/corosync/corosync.conf, which corosync reads, was not read ({why}): pmxcfs keeps it "
    "instead when its config_version is higher"
)


def test_l19_7p_held_weak_shared_copy_still_fails_and_same_local_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: a weak /etc/pve copy without the local file still fails (the cluster's file, which
    pmxcfs installs on every node whose own is not newer); the copied tree with the local file
    (the fixture's, the same bytes) passes. A copied tree without it passed here until L19-11P
    (tests/test_pve_leads19b.py), which asks then."""
    report = _dir_scan(tmp_path / "a", capsys, {"etc/pve/corosync.conf": WEAK, LOCAL: None})
    assert pve_result(report, "HVA-309", "pve-h1") == (
        "fail",
        "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash none)",
    )
    report = _dir_scan(tmp_path / "b", capsys, {})
    assert pve_result(report, "HVA-309", "pve-h1") == (
        "pass",
        "crypto_cipher aes256, crypto_hash sha256",
    )


def test_l19_7p_live_node_without_local_file_passes(tmp_path: Path) -> None:
    """Held: on a live node (pve+ssh replayed) with no /etc/corosync/corosync.conf at all,
    dcdb_sync_corosync_conf's g_file_get_contents fails with G_FILE_ERROR_NOENT, old_version
    stays 0 and pmxcfs writes /etc/pve's copy (atomic_write_file): that copy is what runs."""
    from test_redteam3_host_probes import pve_scan as live_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    (tree / LOCAL).unlink()  # the fixture carries the node's copy (L19-11P)
    a = live_scan(tmp_path, {}, tree)
    got = next(
        (r.status.value, r.outcome.message)
        for r in a.results
        if (r.check.id, r.outcome.subject.name) == ("HVA-309", "pve-h1")
    )
    assert got == ("pass", "crypto_cipher aes256, crypto_hash sha256")


def test_l19_7p_api_path_asks(
    seeded: str,  # noqa: F811
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was pass. The API path (fakepve with the node's totem answer) reads /etc/pve's totem only
    (pve-cluster API2/ClusterConfig.pm `totem`: `cfs_read_file('corosync.conf')`, the cluster
    file), never the node's /etc/corosync/corosync.conf: the question."""
    monkeypatch.setenv("HVAUDIT_PVE_TOKEN", f"{TOKEN}={SECRET}")
    _, report = scan(seeded, capsys, "--ca-file", fakepve_cafile)
    status, message = pve_result(report, "HVA-309", "pve1")
    assert (status, message) == (
        "manual",
        UNREAD.format(why="/etc/corosync/corosync.conf was not collected"),
    )
    question = next(r for r in report["results"] if r["check_id"] == "HVA-309")["question"]
    assert question.startswith("Which crypto does corosync run with on node pve1? Evidence: ")


# --- L19-9P: rng0 source=/dev/hwrng --------------------------------------------------------------


def _web10(tmp_path: Path, lines: str) -> tuple[str, str]:
    """HVA-050 of VM 200 (web-10) on the live node, `lines` added to 200.conf."""
    from test_pve_leads18 import C200, _node

    return _node(tmp_path, {"etc/pve/qemu-server/200.conf": C200 + lines})[("HVA-050", "web-10")]


UNBOUNDED = (
    "fail",
    "random-number device reading the host's hardware RNG /dev/hwrng without a bound "
    "(max_bytes=0): the guest drains the RNG the host kernel reads too",
)


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        ("rng0: source=/dev/hwrng,max_bytes=0\n", UNBOUNDED),
        ("rng0: /dev/hwrng,period=500,max_bytes=0\n", UNBOUNDED),
        (
            "rng0: source=/dev/hwrng\n",
            (
                "pass",
                "random-number device reading the host's hardware RNG /dev/hwrng at most 1024 "
                "bytes per 1000 ms (qemu-server starts it only with a hardware RNG in "
                "rng_current)",
            ),
        ),
        (
            "args: -object rng-random,id=r,filename=/dev/hwrng -device virtio-rng-pci,rng=r\n",
            ("manual", None),
        ),
    ],
    ids=["max-bytes-0", "default-key-max-bytes-0", "default-rate", "raw-args"],
)
def test_l19_9p_rng0_hardware_rng(tmp_path: Path, lines: str, want: tuple[str, str | None]) -> None:
    """Were not_applicable "no device passthrough". qemu-server e6352be src/PVE/QemuServer/
    RNG.pm: `source` (default_key) is an enum of /dev/urandom, /dev/random and /dev/hwrng
    ("'/dev/hwrng' can be used to pass through a hardware RNG from the host"),
    check_rng_source dies while /sys/devices/virtual/misc/hw_random/rng_current is `none`, and
    print_rng_device_commandline adds `max-bytes=$max_bytes,period=$period` (default 1024 per
    1000 ms) only `if ($max_bytes)`: `0` is "disable limiting (potentially dangerous!)". By
    VL18-7's reading for libvirt (tests/test_vm_leads18.py: /dev/hwrng with a hardware RNG and a
    rate is the pass side, without a rate the fail side), max_bytes=0 fails and the default
    passes; raw `-object rng-random,filename=/dev/hwrng` (no rate read) is VL18-7's question."""
    status, message = _web10(tmp_path, lines)
    assert status == want[0], message
    if want[1] is not None:
        assert message == want[1]
    else:
        assert message.startswith("random-number device reading host source(s) /dev/hwrng")


def test_l19_9p_held_kernel_pools_and_refused_rng0(tmp_path: Path) -> None:
    """Held: /dev/urandom (the default) is the kernel's pool, no device of the host's; an rng0
    the schema refuses (`source=/dev/hwrng0`, not in the enum: parse_rng warns and returns
    nothing, so qemu-server adds no RNG) is no device either."""
    for i, lines in enumerate(
        ("rng0: source=/dev/urandom,max_bytes=0\n", "rng0: source=/dev/hwrng0,max_bytes=0\n")
    ):
        assert _web10(tmp_path / str(i), lines) == (
            "not_applicable",
            "no device passthrough",
        )


# --- L19-8P: proxmox-firewall refuses a cluster.fw `enable` that is no boolean -------------------

NFT_PROCS = "  950 root     pve-firewall\n  951 root     proxmox-firewall\n"
FW_CHECKS = ("HVA-301", "HVA-302", "HVA-313")


def _nft_node(tmp_path: Path, enable: str, nftables: bool = True) -> dict[str, tuple[str, str]]:
    """HVA-301/302/313 of the live hardened node, both firewall daemons running, cluster.fw's
    `enable: 1` replaced by `enable`, host.fw with `nftables: 1` (or without)."""
    from test_pve_leads18 import _node
    from test_redteam3_host_probes import PVE_PROCS

    host = (PVE_HARDENED / "etc/pve/nodes/pve-h1/host.fw").read_text()
    cluster = (PVE_HARDENED / "etc/pve/firewall/cluster.fw").read_text()
    edits = {"etc/pve/firewall/cluster.fw": cluster.replace("enable: 1", enable, 1)}
    if nftables:
        edits["etc/pve/nodes/pve-h1/host.fw"] = host.replace(
            "enable: 1\n", "enable: 1\nnftables: 1\n"
        )
    got = _node(tmp_path, edits, {"processes": (PVE_PROCS + NFT_PROCS, 0)})
    return {c: got[(c, "pve-h1")] for c in FW_CHECKS}


@pytest.mark.parametrize("enable", ["enable: 4102444800", "enable: 01"], ids=["stamp", "01"])
def test_l19_8p_proxmox_firewall_refuses_a_non_boolean_enable(tmp_path: Path, enable: str) -> None:
    """Were HVA-302/313 pass (and HVA-301 pass for `01`, the stamp question for the stamp)
    judging cluster.fw's rules as applied. proxmox/proxmox-rs proxmox-serde/src/perl.rs
    BoolVisitor visit_str takes true/yes/on/"1" and false/no/off/"0" only (else `invalid_value
    ... "a boolean-like value"`); proxmox-ve-rs 840d1ed proxmox-ve-config/src/firewall/
    cluster.rs Options `enable` is `deserialize_with = "proxmox_serde::perl::deserialize_bool"`
    and common.rs parse ends `this.options = O::deserialize(...)?`: the whole cluster.fw fails;
    proxmox-firewall a752659 src/bin/proxmox-firewall.rs handle_firewall returns the error from
    create_firewall_instance before any nft command, and run_firewall logs "error updating
    firewall rules": the ruleset loaded before (none after a boot) stays. With host.fw
    `nftables: 1` the rules in cluster.fw are not what runs: each check asks."""
    got = _nft_node(tmp_path, enable)
    value = enable.split(": ")[1]
    for check in FW_CHECKS:
        status, message = got[check]
        assert status == "manual", (check, message)
        assert (
            f"cluster.fw enable: {value} is no boolean proxmox-serde reads, which proxmox-firewall "
            "(host.fw `nftables: 1`) refuses: it then applies no change, and nft shows no table "
            "inet proxmox-firewall (no ruleset it loaded before is in force), but the node is "
            "filtered by rules proxmox-firewall did not write (nft table inet filter, chain "
            "input (hook input): policy drop)" in message
        ), (check, message)


def test_l19_8p_held_pve_firewall_reads_the_stamp_and_nft_reads_yes(tmp_path: Path) -> None:
    """Held: without `nftables: 1` pve-firewall applies cluster.fw and reads `01` as 1
    (parse_clusterfw_option `int($2)`): HVA-302/313 judge the rules as under `enable: 1`;
    under proxmox-firewall `enable: 1` is read (all three as without nftables)."""
    a = _nft_node(tmp_path / "a", "enable: 01", nftables=False)
    b = _nft_node(tmp_path / "b", "enable: 1", nftables=False)
    assert a == b
    assert [a[c][0] for c in FW_CHECKS] == ["pass", "pass", "pass"]
    c = _nft_node(tmp_path / "c", "enable: 1")
    assert [c[k][0] for k in FW_CHECKS] == ["pass", "pass", "pass"]


# --- lead 5 (held): the VM chain's `-i` of another NIC and `-dest` of the VM's own address -------


@pytest.mark.parametrize(
    ("rules", "want"),
    [
        (
            "IN DROP -i net1\nIN ACCEPT\n",
            "1 of 1 interface(s) admit every inbound packet: net0: line 13 `IN ACCEPT` accepts "
            "every inbound packet before any rule drops or rejects",
        ),
        (
            "IN DROP -dest +ipfilter-net0\nIN DROP -source ::/0\nIN ACCEPT\n",
            "1 of 1 interface(s) admit every inbound packet that no earlier rule drops or rejects: "
            "net0: line 14 `IN ACCEPT` accepts "
            "every inbound IPv4 packet that no rule before it drops or rejects",
        ),
    ],
    ids=["drop-other-nic", "drop-to-own-address"],
)
def test_lead5_held_vm_chain_other_nic_and_own_address(
    tmp_path: Path, rules: str, want: str
) -> None:
    """Held (fail before and after). pve-firewall 6f1311f ruleset_generate_vm_rules builds one
    chain per NIC and skips a rule of another (`next if $rule->{iface} && $rule->{iface} ne
    $netid`): `IN DROP -i net1` drops nothing for net0. A DROP to the VM's own address (its
    ipfilter set) leaves every packet to any other address it takes (broadcast, multicast, an
    address the guest adds): ipfilter filters what the VM sends, not what it receives
    (generate_tap_rules_direction: `-m set ! --match-set $ipfilter_ipset src -j DROP` only `if
    ($direction eq 'OUT')`)."""
    from test_pve_leads16 import VM200_FW, _vm

    fw = VM200_FW.replace("GROUP webserver -i net0\n", rules)
    assert _vm(tmp_path, fw) == ("fail", want)
