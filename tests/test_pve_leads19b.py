"""Leads 19b, Proxmox VE: leads tests/test_pve_leads19.py left (its "Leads left"): HVA-309 of
a copied tree without the node's /etc/corosync/corosync.conf; proxmox-firewall's reading of
every [OPTIONS] line of cluster.fw, host.fw and the node's guests' .fw; the SPICE model; udev
link names in passthrough keys; `ip addr`. Sources read with `fetch`: github:proxmox/pve-cluster
7091d92, pve-firewall 6f1311f, proxmox-firewall a752659, proxmox-ve-rs 840d1ed, qemu-server e6352be;
proxmox/proxmox-rs proxmox-serde/src/perl.rs with `read_file`.

Findings:

- L19-11P (false pass): HVA-309 of a copied tree (pve+dir://) without the node's
  /etc/corosync/corosync.conf passed on /etc/pve's copy (P18-5's held reading). corosync reads
  the local file (pve-cluster cfs-utils.h HOST_CLUSTER_CONF_FN) and pmxcfs keeps it when its
  config_version is higher (dcdb.c "local corosync.conf is newer"); the copy's gap observes
  nothing of the node (the collector records it unavailable, "the copied tree has no ..."),
  and a cluster node has the file (Setup.pm finish_join `file_set_contents($localclusterconf,
  ...)`, dcdb.c `atomic_write_file(HOST_CLUSTER_CONF_FN, ...)`). Now the API path's question
  (L19-7P). Only a live node's read that finds no file still passes on /etc/pve's copy. The
  fixture nodes (proxmox-hardened, proxmox-node) carry etc/corosync/corosync.conf (the same
  bytes); tests that edit corosync.conf (P8-11, P17-2, P18-5, test_proxmox, test_proxmox_checks,
  L19-7P) write both files, and P18-5's held "copy without the local file passes" now asks.
- L19-12P (false pass): under proxmox-firewall (host.fw `nftables: 1`) an [OPTIONS] line it
  refuses in host.fw (`ndp: 2`, `log_level_in: INFO`, `nosmurfs: 1 # on`), a local guest's
  .fw (`macfilter: 01`, an empty `log_level_in:`, a second `enable` in stopped VM 201's) or
  cluster.fw (`ebtables: 2`, which pve-firewall skips, so L19-8P never saw it) left
  HVA-301/302/313 passing: pve-firewall skips each line, proxmox-firewall refuses the whole
  update (config.rs FirewallConfig::new parses every local guest's .fw with `?`; common.rs
  "duplicate option" and `O::deserialize(...)?`). The node's cluster.fw fact is unavailable
  naming the line(s) (hvaudit.parse.proxmox_firewall.nft_options); each check asks.
- L19-13P (false pass): host.fw `enable: off` under proxmox-firewall: pve-firewall skips it
  (default on), proxmox-firewall reads false and builds no node chains: HVA-302 was pass, now
  "host.fw sets enable: 0" (fail), HVA-301/313 fail too.
- L19-14P (wrong fail, and a hidden fail): cluster.fw `enable: yes` failed every firewall check
  ("cluster firewall off") and 200.fw `enable: YES` HVA-191/303 ("the VM firewall is off"),
  though proxmox-firewall reads yes as true: they read as `enable: 1` now. 200.fw `Enable: 1`
  (a key in another case, which pve-firewall takes and proxmox-firewall's serde fields do not)
  was the "filters not resolved" question; the VM's firewall is off under proxmox-firewall: the
  fail.

- L19-15P (model, the verdict's reason): a qxl display was modelled as a UNIX socket
  /var/run/qemu-server/<vmid>.spice that does not exist, a virtio one as VNC alone; qemu-server
  e6352be config_to_command starts `-spice tls-port=N,addr=<localhost>,tls-ciphers=HIGH` for
  qxl* and virtio* (`$is_spice`) beside every display's `-vnc unix:/var/run/qemu-server/
  <vmid>.vnc,password=on`, and API2/Qemu.pm spiceproxy sets the ticket (`set_password`,
  `expire_password ... "+30"`). The model is that now (Graphics.tls: TLS set on the command
  line); beside a user-mode guest (which reaches 127.0.0.1) HVA-031 judges the port as a
  network console with TLS and a password: pass "spice on localhost with TLS and a password"
  (was pass "console(s) reachable only from the host", for a socket that is not there).

Held (kept as tests): L19-11P: the copied tree with the local file passes
(test_pve_leads19's L19-7P held twin); L19-12P: without `nftables: 1` pve-firewall skips the
same lines and the verdicts are the unedited node's. L19-15P: `vga: std` (VNC socket only)
and a qxl display with no user-mode guest stay "console(s) reachable only from the host".

Tally: L19-11P: 1 case failed on main 6f9276e (test_redteam18's held twin changed deliberately);
L19-12P: 7 cases failed on main 7eeb231, 1 held (3 edits); L19-13P: 1 failed; L19-14P: 2 failed;
L19-15P: 4 cases, 4 failed on main 661dba3, 1 held (two configurations).

Probed by script, not kept (the verdict was right): lead 4, `scsi1: /dev/sdb` and `scsi1:
/dev/disk/by-id/ata-...` are HVA-050 "no device passthrough" (a host block device is no
DMA-capable passthrough, as libvirt's <disk type='block'>); `usb0: host=046d:c52b` and
`host=1-2` are HVA-050 "usb devices stay host-mediated" (IDs and bus ports, not paths: no
link to resolve there).

Leads left (not settled in the time): lead 4, which check judges a whole host disk a Proxmox
VM is given (`scsiN: /dev/...`, udev by-id links unresolved) was not traced, nor hostpciN
`mapping=` against /etc/pve/mapping/pci.cfg; lead 5, `ip addr` is not collected (a DROP to
every address the interfaces file names closes nothing: a wrong fail at worst); under
proxmox-firewall, the other lines pve-firewall skips but proxmox-firewall refuses the whole
update for (a rule line it cannot parse, a line before any section, an unknown section
header, an ipset entry; common.rs bails on each) are not modelled, nor log_ratelimit /
nf_conntrack_helpers values, nor a guest .conf proxmox-firewall cannot read (config.rs
"could not load guest config"); host.fw `nftables: yes` (pve-firewall reads off and applies
iptables, proxmox-firewall reads on and applies nftables too) is judged as pve-firewall's;
HVA-302 says "host.fw sets enable: 0" for `enable: off` under proxmox-firewall (wording); a
container's .fw is in L19-12P's set (the node's lxc directory) but not tested.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result

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


# --- L19-11P: HVA-309 of a copied tree without the node's own corosync.conf ----------------------


def test_l19_11p_copied_tree_without_local_corosync_conf_asks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "crypto_cipher aes256, crypto_hash sha256" from /etc/pve's copy alone. corosync
    reads the node's /etc/corosync/corosync.conf (pve-cluster 7091d92 src/pmxcfs/cfs-utils.h
    HOST_CLUSTER_CONF_FN) and pmxcfs keeps it when its config_version is higher (dcdb.c
    dcdb_sync_corosync_conf `if (new_version < old_version) { cfs_critical("local
    corosync.conf is newer"); goto ret; }`). A copied tree that lacks the file observes nothing
    of the node (the collector records it unavailable: "the copied tree has no ..."), and a
    cluster node has one (Setup.pm finish_join `file_set_contents($localclusterconf, ...)`,
    dcdb.c `atomic_write_file(HOST_CLUSTER_CONF_FN, ...)`): the API path's question (L19-7P)."""
    report = _dir_scan(tmp_path, capsys, {LOCAL: None})
    assert pve_result(report, "HVA-309", "pve-h1") == (
        "manual",
        "crypto_cipher aes256, crypto_hash sha256 (/etc/pve/corosync.conf); the node's "
        "/etc/corosync/corosync.conf, which corosync reads, was not read (/etc/corosync/"
        "corosync.conf: the copied tree has no /etc/corosync/corosync.conf): pmxcfs keeps it "
        "instead when its config_version is higher",
    )
    question = next(
        r["question"]
        for r in report["results"]
        if r["check_id"] == "HVA-309" and r["subject"]["name"] == "pve-h1"
    )
    assert question.startswith("Which crypto does corosync run with on node pve-h1? Evidence: ")


# --- L19-12P..14P: proxmox-firewall's reading of every [OPTIONS] line ---------------------------

NFT_PROCS = "  950 root     pve-firewall\n  951 root     proxmox-firewall\n"
FW_CHECKS = ("HVA-301", "HVA-302", "HVA-313")
HOST = "etc/pve/nodes/pve-h1/host.fw"
CLUSTER = "etc/pve/firewall/cluster.fw"
VM200, VM201 = "etc/pve/firewall/200.fw", "etc/pve/firewall/201.fw"
# the fixture's nft table inet filter (input policy drop) filters the node, and no table inet
# proxmox-firewall is shown: R52F-2 asks of the admin's own filter
REFUSES = (
    ", which proxmox-firewall (host.fw `nftables: 1`) refuses: it then applies no change, and "
    "nft shows no table inet proxmox-firewall (no ruleset it loaded before is in force), but the "
    "node is filtered by rules proxmox-firewall did not write (nft table inet filter, chain input "
    "(hook input): policy drop): do they restrict the management ports (8006, 22, 3128, "
    "5900-5999) to the management network?"
)


def _text(rel: str) -> str:
    return (PVE_HARDENED / rel).read_text()


def _nft(
    tmp_path: Path, edits: dict[str, tuple[str, str]], nftables: bool = True
) -> dict[tuple[str, str], tuple[str, str]]:
    """The verdicts of the live hardened node (pve+ssh replayed), both firewall daemons running,
    host.fw with `nftables: 1` (or without), each file's text `old` replaced by `new`."""
    from test_pve_leads18 import _node
    from test_redteam3_host_probes import PVE_PROCS

    files = {rel: _text(rel) for rel in (HOST, CLUSTER, VM200, VM201)}
    if nftables:
        files[HOST] = files[HOST].replace("enable: 1\n", "enable: 1\nnftables: 1\n", 1)
    for rel, (old, new) in edits.items():
        assert old in files[rel], (rel, old)
        files[rel] = files[rel].replace(old, new, 1)
    return _node(tmp_path, files, {"processes": (PVE_PROCS + NFT_PROCS, 0)})


@pytest.mark.parametrize(
    ("edits", "why"),
    [
        ({HOST: ("tcpflags: 1\n", "tcpflags: 1\nndp: 2\n")}, "host.fw ndp: 2 is no boolean"),
        (
            {HOST: ("log_level_in: info", "log_level_in: INFO")},
            "host.fw log_level_in: INFO is no log level proxmox-firewall reads",
        ),
        ({HOST: ("nosmurfs: 1", "nosmurfs: 1 # on")}, "host.fw nosmurfs: 1 # on is no boolean"),
        ({VM200: ("macfilter: 1", "macfilter: 01")}, "200.fw macfilter: 01 is no boolean"),
        ({VM200: ("log_level_in: info", "log_level_in:")}, "200.fw log_level_in:  is no log"),
        ({VM201: ("[OPTIONS]\n", "[OPTIONS]\nenable: 1\n")}, "201.fw sets option enable twice"),
        ({CLUSTER: ("enable: 1", "enable: 1\nebtables: 2")}, "cluster.fw ebtables: 2 is no"),
    ],
    ids=[
        "host-ndp-2",
        "host-log-INFO",
        "host-comment",
        "vm-01",
        "vm-empty-log",
        "stopped-vm-dup",
        "eb-2",
    ],
)
def test_l19_12p_proxmox_firewall_refuses_an_option_anywhere(
    tmp_path: Path, edits: dict[str, tuple[str, str]], why: str
) -> None:
    """Were HVA-301/302/313 pass judging the rules as applied. proxmox-firewall a752659
    src/config.rs FirewallConfig::new parses cluster.fw, host.fw and the .fw of every guest on
    the node (parse_guests: `entry.is_local()`, VM 201 stopped included), each with `?`;
    proxmox-ve-rs 840d1ed proxmox-ve-config/src/firewall/common.rs parse_option bails on a
    "duplicate option" and `O::deserialize(...)?` on a value the kind's Options refuses: host.rs
    and guest.rs booleans are `proxmox_serde::perl::deserialize_bool` (proxmox-rs perl.rs
    visit_str: true/yes/on, false/no/off in any case, "1", "0"), log levels types/log.rs
    LogLevel::from_str (exact lower-case names: "invalid log level"), cluster.rs `ebtables` a
    boolean too. src/bin/proxmox-firewall.rs handle_firewall returns before any nft command and
    run_firewall logs "error updating firewall rules": the ruleset loaded before stays.
    pve-firewall skips each such line (Firewall.pm parse_hostfw_option / parse_vmfw_option
    `(0|1)`, `($loglevels)` with /i, parse_clusterfw_option `ebtables: (0|1)`: "can't parse
    option"), so hvaudit saw nothing wrong. Each check asks now, naming the line."""
    got = _nft(tmp_path, edits)
    for check in FW_CHECKS:
        status, message = got[(check, "pve-h1")]
        assert status == "manual", (check, message)
        assert why in message and REFUSES in message, (check, message)


def test_l19_13p_host_fw_enable_off_under_proxmox_firewall_fails(tmp_path: Path) -> None:
    """Was HVA-302 pass "on (cluster firewall on, host.fw does not disable it)". pve-firewall
    skips `enable: off` (parse_hostfw_option `(0|1)`; the host default is on), but proxmox-
    firewall reads it as false (perl.rs visit_str `off`): proxmox-ve-rs host.rs is_enabled
    `enable.unwrap_or(HOST_ENABLED_DEFAULT)`, and proxmox-firewall firewall.rs builds the node's
    chains only `if self.config.host().is_enabled()`."""
    got = _nft(tmp_path, {HOST: ("enable: 1\n", "enable: off\n")})
    assert got[("HVA-302", "pve-h1")] == ("fail", "host.fw sets enable: 0")
    assert got[("HVA-313", "pve-h1")][0] == "fail"


def test_l19_14p_enable_yes_is_on_under_proxmox_firewall(tmp_path: Path) -> None:
    """Were fail "cluster firewall off (cluster.fw enable is not 1) ..." (HVA-301/302/313,
    HVA-191/303 of both VMs) for cluster.fw `enable: yes`, and HVA-303 "the VM firewall is
    off" for 200.fw `enable: yes`: pve-firewall skips both lines (parse_clusterfw_option
    `enable: (\\d+)`, parse_vmfw_option `(0|1)`), proxmox-firewall reads `yes` as true (perl.rs
    visit_str), and with host.fw `nftables: 1` it applies the rules. Now they read as
    `enable: 1` does. The cluster.fw half no longer holds where pve-firewall runs (its own
    reading gates proxmox-firewall: tests/test_redteam21_pve2_probes.py P21F-4); the guest's
    .fw is read by proxmox-firewall alone."""
    base = _nft(tmp_path / "a", {})
    got = _nft(tmp_path / "b", {VM200: ("enable: 1", "enable: YES")})
    assert got == base
    assert [got[(c, "pve-h1")][0] for c in FW_CHECKS] == ["pass", "pass", "pass"]
    assert got[("HVA-303", "web-10")][1].startswith(
        "evidence unavailable: the node runs proxmox-firewall (host.fw nftables: 1)"
    )


def test_l19_14p_a_key_in_another_case_is_ignored_under_proxmox_firewall(tmp_path: Path) -> None:
    """Was HVA-303 manual (proxmox-firewall's filters not resolved) for 200.fw `Enable: 1`:
    pve-firewall takes keys in any case (parse_vmfw_option /i, `lc($1)`), proxmox-firewall's
    serde Options fields only as spelt (guest.rs `enable`, no deny_unknown_fields: `Enable` is
    ignored), so the VM's firewall is off (GUEST_ENABLED_DEFAULT false; firewall.rs filters the
    guests on `config.is_enabled()`): the fail."""
    got = _nft(tmp_path, {VM200: ("enable: 1", "Enable: 1")})
    assert got[("HVA-303", "web-10")] == ("fail", "BC:24:11:00:00:20: the VM firewall is off")


def test_l19_12p_held_pve_firewall_skips_what_proxmox_firewall_refuses(tmp_path: Path) -> None:
    """Held: without `nftables: 1` pve-firewall applies the rules and skips the lines
    proxmox-firewall would refuse (host.fw `ndp: 2`, a duplicate `enable: 1` in 201.fw,
    cluster.fw `ebtables: 2`): the verdicts stay those of the unedited node."""
    base = _nft(tmp_path / "a", {}, nftables=False)
    edits = {
        HOST: ("tcpflags: 1\n", "tcpflags: 1\nndp: 2\n"),
        VM201: ("[OPTIONS]\n", "[OPTIONS]\nenable: 1\n"),
        CLUSTER: ("enable: 1", "enable: 1\nebtables: 2"),
    }
    assert _nft(tmp_path / "b", edits, nftables=False) == base
    assert [base[(c, "pve-h1")][0] for c in FW_CHECKS] == ["pass", "pass", "pass"]


# --- L19-15P: the SPICE console qemu-server starts -------------------------------------------------


@pytest.mark.parametrize("vga", ["qxl", "virtio", "qxl2,memory=32", "virtio-gl"])
def test_l19_15p_spice_on_loopback_with_tls_and_a_ticket(tmp_path: Path, vga: str) -> None:
    """Was pass "console(s) reachable only from the host" on a model of a UNIX socket
    /var/run/qemu-server/<vmid>.spice (qxl) or a VNC socket alone (virtio), beside VM 201 with
    a user-mode NIC (QEMU's slirp turns the guest's connection to its host address into one to
    127.0.0.1). qemu-server e6352be src/PVE/QemuServer.pm config_to_command: `$is_spice =
    $qxlnum || $vga->{type} =~ /^virtio/` adds `-spice tls-port=${spice_port},addr=$localhost,
    tls-ciphers=HIGH` (the node's localhost; a TLS port only), every display but serialN/none
    `-vnc unix:$socket,password=on` (Helpers.pm vnc_socket /var/run/qemu-server/<vmid>.vnc);
    src/PVE/API2/Qemu.pm spiceproxy sets the ticket (`set_password`, protocol spice) and
    `expire_password ... time => "+30"`. The model is that now: the loopback SPICE port a
    guest reaches is judged as a network console, with TLS and a password (the verdict stays
    a pass, for the true reason)."""
    from test_pve_leads18 import C200, C201, NET201, USER201, _node

    edits = {
        "etc/pve/qemu-server/200.conf": C200.replace("vga: std", f"vga: {vga}"),
        "etc/pve/qemu-server/201.conf": C201.replace(NET201, USER201),
    }
    got = _node(tmp_path, edits)
    assert got[("HVA-031", "web-10")] == ("pass", "spice on localhost with TLS and a password")


def test_l19_15p_held_vnc_only_display_and_no_user_mode_guest(tmp_path: Path) -> None:
    """Held: `vga: std` is the VNC UNIX socket only (no `-spice`: `$is_spice` is false), and a
    qxl display without a guest reaching the loopback is reachable only from the host."""
    from test_pve_leads18 import C200, C201, NET201, USER201, _node

    edits = {"etc/pve/qemu-server/201.conf": C201.replace(NET201, USER201)}
    got = _node(tmp_path / "a", edits)
    assert got[("HVA-031", "web-10")] == ("pass", "console(s) reachable only from the host")
    edits = {"etc/pve/qemu-server/200.conf": C200.replace("vga: std", "vga: qxl")}
    got = _node(tmp_path / "b", edits)
    assert got[("HVA-031", "web-10")] == ("pass", "console(s) reachable only from the host")
