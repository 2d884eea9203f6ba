"""Red team 17, Proxmox VE: round 16's leads settled, and new probes of the same kinds.

Findings (each pinned below; sources from github:proxmox/pve-firewall 6f1311f, qemu-server,
pve-container, pve-access-control and pve-cluster, read with `fetch`):

- P17-1 (false pass): a rule's source port was read as narrowing it, as a destination port
  does; the sender chooses its source port (`nmap --source-port 53`), so `IN ACCEPT -p udp
  -sport 53` admits every UDP port of the node to whoever sends from port 53 (pve-firewall
  sport "Restrict TCP/UDP source port", written as iptables `--sport`). HVA-301/313 passed it;
  HVA-190 passed `-p udp --sport 53 -j ACCEPT` (iptables, multiport `--ports` too) and nft's
  `udp sport 53 accept`. An ACCEPT's source port narrows nothing now; a DROP's still does.
- P17-2 (wrong fail): HVA-309 read corosync.conf with two `totem` sections as having none
  (crypto none: fail); corosync's parser sets every key at its path in one map
  (exec/coroparse.c, github:corosync/corosync 65235a8), so the blocks merge, the later key
  winning. Merged now; a value corosync refuses in any block is still the question.
- P17-3 (false pass): HVA-312 passed a privileged user of a realm domains.cfg no longer
  defines; it logs in no more, but pve-access-control's verify_token checks the user and the
  token, never the realm, so its API token acts with the user's roles. Fails now when such a
  user holds an unexpired token.
- P17-4 (false pass): HVA-314 passed `features: fuse=1`, which binds the node's /dev/fuse
  into the container and adds an AppArmor mount rule for fuse (pve-container
  update_lxc_config), as HVA-314 fails `mount=` and a host device. Fails now.
- P17-5 (wrong n/a wording): a VM given the node's serial port (`serial0: /dev/ttyS0`), a
  parallel port or the node's optical drive (`ide2: cdrom`) was "no device passthrough" in
  HVA-050; they are host devices QEMU opens (qemu-server $serialdesc "pass through a host
  serial device", -chardev serial/parallel; Drive.pm get_cdrom_path). Modelled as
  host-mediated passthrough now, named in HVA-050's n/a.
- P17-6 (false pass): HVA-303 passed a VM firewall whose IN rule accepts every port of a
  protocol (`-p tcp`, `-dport 1024:65535`, `-p udp -sport 53`) before its DROP policy:
  generate_tap_rules_direction applies the VM's rules, then the policy. leads17's L17-1
  (landed meanwhile) fails a rule that restricts nothing; its `_vm_opened` now reads ports as
  the node's chain does (`_opens`) and an ACCEPT's -sport as no narrowing.

Probes that held (pinned): `-sport 5404 -dport 5405` (the destination port narrows); ufw's
DHCP `--sport 67 --dport 68` and a DROP of one source port; a later `totem` block's `none`
winning; a removed realm's user without a token, with an expired one, or with a privsep 1
token no ACL names; `nesting=off`, `fuse=no` (booleans as parse_boolean reads them), `mknod`
and `force_rw_sys`; `serial0: socket` and an ISO volume; the hardened VM group, a DROP first,
narrow rules, a disabled rule and `-i` of another NIC in a VM firewall.

Read, not pinned (leads 2, 3 and 6 settled without a change): qemu-server starts `-vnc
unix:/var/run/qemu-server/<vmid>.vnc,password=on` for every display but none/serialN, and for
qxl*, virtio and virtio-gl also `-spice tls-port=N,addr=<localhost>,tls-ciphers=HIGH` without
disable-ticketing (spice-server refuses a link until spiceproxy sets a ticket, expired after
30 s): hvaudit models that as a UNIX socket (qxl) or nothing (virtio), but the SPICE listener
is TLS with a one-time ticket wherever 127/8 reaches, so HVA-031's pass holds (the model's
socket path is wrong: a lead). A template (`template: 1`) starts only for backups with
config_to_command's minimal config (kvm 0, vga none, disks only, no NIC, args dropped) and
paused; the VM checks judge its own config, which every clone copies (clone_vm), so no
verdict is wrong for it. parse_user_config drops a user whose `expire` is not ASCII digits
("ignore user"), but keeps ACLs naming it; hvaudit keeps such a user as never expiring: a
wrong fail at worst (HVA-312/306 count an account that cannot log in), not changed.

Tally: 29 cases; 15 failed on main (50472df) before this round's fixes (P17-2's refused-value
twin among them: it was the "none" fail, now the question; P17-6's three also on 55e64a9,
after L17-1), 14 held.

Leads left: the SPICE console's model (a loopback TCP TLS listener with a ticket, beside the
VNC socket; none for virtio) is still a UNIX socket or absent; a user with a non-digit
`expire` (dropped by parse_user_config) still counts, and so does an ACL member user.cfg
does not define (only autocreate realms create it at login: keep counting those); a host
serial port passed to a VM (`serial0: /dev/ttyS0`, libvirt `<serial type='dev'>`) may be the
node's own console (`console=ttyS0`), which no check asks; SPICE's vdagent clipboard channel
(and `clipboard=vnc`) is a guest-to-QEMU channel no check judges (VMware's isolation.tools
copy/paste is); HVA-190's iptables reading still takes
`--dport` lists of names as narrow; the nwfilter (libvirt) reading of `srcportstart` was not
looked at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import messages, outcomes
from test_firewall_chains import IPT_HOST, UFW, _nft
from test_pve_leads16 import VM200_FW, _vm
from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan
from test_redteam14_pve_probes import _host_rule, _live

# --- P17-1: the sender chooses its source port --------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "what"),
    [
        ("IN ACCEPT -p udp -sport 53", "every udp port (-sport 53"),
        ("IN ACCEPT -p tcp -sport 80,443", "every tcp port (-sport 80,443"),
    ],
    ids=["udp-53", "tcp-80-443"],
)
def test_p17_1_source_port_narrows_no_accept(tmp_path: Path, rule: str, what: str) -> None:
    """Was pass "cluster firewall on, input policy DROP" and HVA-313's pass. pve-firewall
    Firewall.pm sport: "Restrict TCP/UDP source port"; ipt_rule_to_cmds writes it as `--sport`
    (`--sports` for a list): a packet matches when its own source port is one of them, which
    the sender sets. pve-firewall's own macros use -sport for replies (DNS's `sport => 53` in
    its DROP lists), which conntrack's ESTABLISHED rule already admits; as an input ACCEPT it
    admits every port of the protocol to anyone sending from that port."""
    text = f"host.fw line 9 `{rule}` accepts {what}: the sender chooses its source port)"
    assert _live(tmp_path / "a", _host_rule(rule), "HVA-301") == (
        "fail",
        f"cluster firewall on, input policy DROP, but {text} before the policy",
    )
    # every UDP port reaches none of the management ports, which are TCP's (R36F-2)
    assert _live(tmp_path / "b", _host_rule(rule), "HVA-313") == (
        (
            "pass",
            "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management "
            "ports wider",
        )
        if "udp" in rule
        else ("fail", f"{text}, management ports included")
    )


def test_p17_1_held_source_port_beside_a_destination_port(tmp_path: Path) -> None:
    """Held: corosync's `-p udp -sport 5404 -dport 5405` is narrowed by its destination port;
    the pass stays."""
    rule = "IN ACCEPT -p udp -sport 5404 -dport 5405 -source 10.0.0.0/24"
    assert _live(tmp_path, _host_rule(rule), "HVA-301") == (
        "pass",
        "cluster firewall on, input policy DROP",
    )


def _hva190(a: Any) -> tuple[str, str]:
    return outcomes(a, "HVA-190")["hv1"], messages(a, "HVA-190")["hv1"]


@pytest.mark.parametrize(
    "rule",
    ["-p udp -m udp --sport 53", "-p tcp -m multiport --ports 22,80"],
    ids=["sport-53", "multiport-ports"],
)
def test_p17_1_iptables_source_port_accept_fails(host_scan: Any, rule: str) -> None:
    """Was pass "inbound default policy drops (...)". iptables-extensions(8) udp "[!]
    --source-port,--sport port[:port] Source port or port range specification"; multiport
    "[!] --ports port[,port|,port:port]... Match if either the source or destination ports are
    equal to one of the given ports": the sender picks the source port, so either admits
    every port of the protocol."""
    text = UFW + f"-A ufw-user-input {rule} -j ACCEPT\n"
    a = host_scan(dict(IPT_HOST, **{"iptables-input": (text, 0)}))
    assert _hva190(a) == (
        "fail",
        "inbound traffic is accepted by default (-A INPUT -j ufw-before-input -> -A "
        f"ufw-before-input -j ufw-user-input -> -A ufw-user-input {rule} -j ACCEPT (matches "
        "every port of a protocol or every source but some))",
    )


def test_p17_1_nft_source_port_accept_fails(host_scan: Any) -> None:
    """Was pass. nft(8) UDP HEADER EXPRESSION `udp sport`: the sender's own port."""
    sport = {
        "match": {
            "op": "==",
            "left": {"payload": {"protocol": "udp", "field": "sport"}},
            "right": 53,
        }
    }
    a = host_scan({"nft-ruleset": (_nft([sport, {"accept": None}]), 0)})
    assert _hva190(a) == (
        "fail",
        "inbound traffic is accepted by default (inet filter input: policy drop, but inet "
        "filter input rule handle 20 (matches every port of a protocol or every source but "
        "some) accepts that traffic)",
    )


def test_p17_1_held_dhcp_reply_rule_and_source_port_drop(host_scan: Any) -> None:
    """Held: ufw's DHCP client rule `--sport 67 --dport 68` is narrowed by its destination
    port, and a DROP of one source port drops nothing a sender must send: ufw's pass stays."""
    text = UFW.replace(
        "-A ufw-user-input -p tcp",
        "-A ufw-user-input -p udp -m udp --sport 53 -j DROP\n-A ufw-user-input -p tcp",
    )
    a = host_scan(dict(IPT_HOST, **{"iptables-input": (text, 0)}))
    assert _hva190(a)[0] == "pass"


# --- P17-2: corosync merges repeated totem sections ------------------------------------------------

COROSYNC = (PVE_HARDENED / "etc/pve/corosync.conf").read_text()
CRYPTO = "  crypto_cipher: aes256\n  crypto_hash: sha256\n"


def _both(conf: str) -> dict[str, str]:
    """The node's files with `conf` as corosync.conf: /etc/pve's and the node's own, which
    corosync reads (a copy without it asks, L19-11P)."""
    return {"etc/pve/corosync.conf": conf, "etc/corosync/corosync.conf": conf}


def test_p17_2_second_totem_section_adds_to_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was fail "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash
    none)": two `totem` blocks were read as none. corosync exec/coroparse.c
    main_config_parser_cb sets each key at its path (`totem.crypto_cipher`) in one icmap
    (`icmap_set_string_r(config_map, path, value)`); a second section start of `totem` only
    sets the parser state again: the blocks merge."""
    conf = COROSYNC.replace(CRYPTO, "").replace("  secauth: on\n", "")
    conf += "\ntotem {\n" + CRYPTO + "}\n"
    report = pve_scan(tmp_path, capsys, _both(conf))
    assert pve_result(report, "HVA-309", "pve-h1") == (
        "pass",
        "crypto_cipher aes256, crypto_hash sha256",
    )


def test_p17_2_held_later_totem_none_wins_and_refused_value_stays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held twins: a later block's `crypto_cipher: none` replaces the first's aes256 (fail),
    and a value corosync refuses in the first block stays refused though a later block sets a
    good one (coroparse.c stops at "Invalid cipher type"): a question."""
    later = COROSYNC + "\ntotem {\n  crypto_cipher: none\n}\n"
    report = pve_scan(tmp_path / "a", capsys, _both(later))
    assert pve_result(report, "HVA-309", "pve-h1") == (
        "fail",
        "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash sha256)",
    )
    bad = COROSYNC.replace("crypto_cipher: aes256", "crypto_cipher: aes512")
    bad += "\ntotem {\n  crypto_cipher: aes256\n}\n"
    report = pve_scan(tmp_path / "b", capsys, _both(bad))
    status, message = pve_result(report, "HVA-309", "pve-h1")
    assert (status, message.split(",")[0]) == (
        "manual",
        "corosync.conf sets totem crypto_cipher 'aes512'",
    )


# --- P17-3: a removed realm's users keep their API tokens ----------------------------------------

USER_CFG = (PVE_HARDENED / "etc/pve/user.cfg").read_text()
#: An Administrator of the realm `oldldap`, which domains.cfg does not define.
GONE = USER_CFG.replace(
    "acl:1:/:@admins:Administrator:", "acl:1:/:@admins,ops@oldldap:Administrator:"
).replace("user:audit@pve", "user:ops@oldldap:1:0::::former directory admin::\nuser:audit@pve")


def test_p17_3_removed_realm_user_with_token_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "directory realm(s) corp; no privileged pam or pve user but root@pam".
    pve-access-control AccessControl.pm verify_token: `check_user_enabled($usercfg,
    $username); check_token_exist(...)`, then the token's expiry and value: the user's realm
    is never looked up (parse_user_config keeps users of any syntactically valid realm), so
    ops@oldldap!ci acts with the Administrator role though no realm authenticates its user."""
    cfg = GONE.replace(
        "token:audit@pve!hvaudit", "token:ops@oldldap!ci:0:0::\ntoken:audit@pve!hvaudit"
    )
    report = pve_scan(tmp_path, capsys, {"etc/pve/user.cfg": cfg})
    assert pve_result(report, "HVA-312", "pve-h1") == (
        "fail",
        "privileged users outside the directory: ops@oldldap (realm oldldap is not in "
        "domains.cfg: no login, but its API token(s) ops@oldldap!ci authenticate) (directory "
        "realms: corp)",
    )


def test_p17_3_held_removed_realm_user_without_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: without a token, with an expired one, or with a privsep 1 token no ACL grants
    anything (its rights are the intersection with its own ACLs: pveum.adoc "API Tokens"), the
    user of a removed realm acts in no way: the pass stays."""
    expired = GONE.replace(
        "token:audit@pve!hvaudit", "token:ops@oldldap!ci:1000:0::\ntoken:audit@pve!hvaudit"
    )
    separated = GONE.replace(
        "token:audit@pve!hvaudit", "token:ops@oldldap!ci:0:1::\ntoken:audit@pve!hvaudit"
    )
    for n, text in enumerate((GONE, expired, separated)):
        report = pve_scan(tmp_path / str(n), capsys, {"etc/pve/user.cfg": text})
        assert pve_result(report, "HVA-312", "pve-h1") == (
            "pass",
            "directory realm(s) corp; no privileged pam or pve user but root@pam",
        )


# --- P17-4: container features as pve-container reads them ---------------------------------------

CT300 = (PVE_HARDENED / "etc/pve/lxc/300.conf").read_text()


def test_p17_4_fuse_feature_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was pass "unprivileged, Proxmox's AppArmor profile, no nesting, no host devices or paths
    (features: keyctl, fuse)". pve-container LXC.pm update_lxc_config: `if ($features->{fuse})
    { $raw .= "lxc.apparmor.raw = mount fstype=fuse,\\n"; $raw .= "lxc.mount.entry = /dev/fuse
    dev/fuse none bind,create=file 0 0\\n"; }`: the node's device and a mount rule, which
    HVA-314 fails when written by hand; LXC/Config.pm: "interactions between fuse and the
    freezer cgroup can potentially cause I/O deadlocks"."""
    ct = CT300.replace("features: keyctl=1", "features: keyctl=1,fuse=yes")
    report = pve_scan(tmp_path, capsys, {"etc/pve/lxc/300.conf": ct})
    assert pve_result(report, "HVA-314", "dns-01") == (
        "fail",
        "features fuse (the node's /dev/fuse is bound in and the AppArmor profile lets the "
        "container mount fuse file systems)",
    )


@pytest.mark.parametrize(
    "features",
    ["keyctl=1,nesting=off", "keyctl=1,fuse=no", "keyctl=true,nesting=False"],
    ids=["nesting-off", "fuse-no", "nesting-false"],
)
def test_p17_4_held_boolean_features_read_as_pve_common_reads_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], features: str
) -> None:
    """Held: `nesting=off`, `fuse=no` are off (hvaudit's parse_property_string). pve-common
    JSONSchema parse_property_string: `if ($schema->{type} && $schema->{type} eq 'boolean') {
    $v = parse_boolean($v) // $v; }`, and parse_boolean takes off/no/false (any case) as 0;
    every feature but `mount` is a boolean in pve-container's $features_desc."""
    ct = CT300.replace("features: keyctl=1", f"features: {features}")
    report = pve_scan(tmp_path, capsys, {"etc/pve/lxc/300.conf": ct})
    assert pve_result(report, "HVA-314", "dns-01") == (
        "manual",  # R27P-2: the node's AppArmor is not in a copied tree
        "unprivileged, Proxmox's AppArmor profile, no nesting, no host devices or paths "
        "(features: keyctl)"
        "; whether AppArmor is enabled on node pve-h1 is not in the evidence (a copied "
        "configuration tree has no live host to read facts from)",
    )


@pytest.mark.parametrize("feature", ["mknod=1", "force_rw_sys=1"])
def test_p17_4_held_mknod_and_force_rw_sys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], feature: str
) -> None:
    """Held: `mknod` hands mknod() of char and block nodes to pve-lxc-syscalld through a
    seccomp notify rule (make_seccomp_config); the devices cgroup still decides which device
    the node opens. `force_rw_sys` leaves LXC's own default for an unprivileged container,
    sys:rw (update_lxc_config: "unpriv. CT default to sys:rw"), where the user namespace's
    root writes no attribute the node's root owns. Neither hands a host device or path in:
    the pass stays, listing them."""
    ct = CT300.replace("features: keyctl=1", f"features: keyctl=1,{feature}")
    report = pve_scan(tmp_path, capsys, {"etc/pve/lxc/300.conf": ct})
    assert pve_result(report, "HVA-314", "dns-01") == (
        "manual",  # R27P-2: the node's AppArmor is not in a copied tree
        "unprivileged, Proxmox's AppArmor profile, no nesting, no host devices or paths "
        f"(features: keyctl, {feature.split('=')[0]})"
        "; whether AppArmor is enabled on node pve-h1 is not in the evidence (a copied "
        "configuration tree has no live host to read facts from)",
    )


# --- P17-5: host serial, parallel and optical drives handed to a VM -------------------------------

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()


@pytest.mark.parametrize(
    ("lines", "kinds"),
    [("ide2: cdrom,media=cdrom\n", "cdrom")],
    ids=["host-cdrom"],
)
def test_p17_5_host_serial_parallel_cdrom_are_passthrough(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: str, kinds: str
) -> None:
    """Was not_applicable "no device passthrough". qemu-server QemuServer.pm $serialdesc:
    "pass through a host serial device (i.e. /dev/ttyS0)" (config_to_command `-chardev
    serial,id=serial$i,path=$path`), $paralleldesc "Map host parallel devices" (`-chardev
    parallel,...`), and a drive `file=cdrom` is the node's own optical drive (Drive.pm
    get_cdrom_path: /dev/cdrom; QEMU's host_cdrom driver, test cfg2cmd
    simple-disk-passthrough). Host devices, mediated by QEMU, not DMA-capable. (The serial
    and parallel cases are host character devices now, judged as libvirt's: L18-4P,
    tests/test_pve_leads18.py.)"""
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": VM200 + lines})
    assert pve_result(report, "HVA-050", "web-10") == (
        "not_applicable",
        f"no DMA-capable (PCI) passthrough: {kinds} devices stay host-mediated",
    )


def test_p17_5_held_serial_socket_is_no_host_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: `serial0: socket` is a UNIX socket on the node (`qm terminal`), no host device;
    an ISO image on a storage is no drive of the node."""
    conf = VM200 + "serial0: socket\nide2: local:iso/debian.iso,media=cdrom\n"
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": conf})
    assert pve_result(report, "HVA-050", "web-10") == ("not_applicable", "no device passthrough")


# --- P17-6: a VM firewall rule that opens every port of a protocol before the policy --------------


@pytest.mark.parametrize(
    ("rules", "text"),
    [
        ("IN ACCEPT -p udp -sport 53\n", "`IN ACCEPT -p udp -sport 53` accepts every udp port"),
        (
            "IN ACCEPT -source 0.0.0.0/0 -p tcp\nIN DROP\n",
            "`IN ACCEPT -source 0.0.0.0/0 -p tcp` accepts every IPv4 tcp port",
        ),
        (
            "IN ACCEPT -p tcp -dport 1024:65535\n",
            # counted since R45F-2 (was "every tcp port")
            "`IN ACCEPT -p tcp -dport 1024:65535` accepts 64512 of the 65536 tcp ports",
        ),
    ],
    ids=["udp-source-port", "every-tcp-port", "high-tcp-ports"],
)
def test_p17_6_vm_rule_opening_every_port_before_the_policy(
    tmp_path: Path, rules: str, text: str
) -> None:
    """Was pass "1 interface(s) behind the VM firewall" (main 50472df, and after L17-1, which
    fails only a rule that restricts nothing). pve-firewall generate_tap_rules_direction: the
    VM's rules in order, then the policy; an ACCEPT of every port of a protocol (`-p tcp`, a
    -dport of more than half the ports, P17-1's -sport) opens the NIC to every service of the
    guest, as `_accepts_everything` judges the node's chain."""
    fw = VM200_FW.replace("GROUP webserver -i net0\n", rules)
    assert _vm(tmp_path, fw) == (
        "fail",
        "1 of 1 interface(s) admit every inbound packet or every port of a protocol: net0: "
        f"line 12 {text} before any rule drops or rejects",
    )


@pytest.mark.parametrize(
    "rules",
    [
        "GROUP webserver -i net0\n",
        "IN DROP\nIN ACCEPT\n",
        "IN ACCEPT -source 10.0.0.0/8\nIN ACCEPT -p tcp -dport 443\n",
        "|IN ACCEPT\n",
        "IN ACCEPT -i net1\n",
    ],
    ids=["hardened-group", "drop-first", "narrow", "disabled", "other-nic"],
)
def test_p17_6_held_vm_rules_that_filter(tmp_path: Path, rules: str) -> None:
    """Held: the hardened group of macro ACCEPTs, an unrestricted DROP first, rules narrowed by
    source or port, a disabled rule, and `-i net1` (a NIC VM 200 does not have: whether the
    rule names another interface is no opening of net0) keep the pass."""
    fw = VM200_FW.replace("GROUP webserver -i net0\n", rules)
    assert _vm(tmp_path, fw) == ("pass", "1 interface(s) behind the VM firewall")
