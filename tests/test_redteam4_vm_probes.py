"""Fourth red-team re-review of issue 8, VM side (rt4vm): new probes over every check whose subject
is a VM, a virtual network or a network filter, on the code the third red team and its fixers left.

Same harness as tests/test_redteam3_vm_probes.py: libvirt's test driver serves the domains and
networks (libvirt parses and re-formats every domain before hvaudit reads it), host evidence comes
from `ReplayRunner` (conftest's hardened Debian host, changed only where a probe says so), network
filters are the definitions a daemon would report, and Proxmox VE nodes are copies of the hardened
fixture read through `pve+dir://`. Each probe asserts the verdict its cited source proves right,
per subject, with a message fragment; every fact it rests on was read with the `search` tool and
is cited in its docstring. Where hvaudit is wrong the probe is `xfail(strict=True, reason="R<n>:
...")` (the finding's number in /work/COORD.md, from R41); the fix turns it XPASS and the fixer
drops the mark. None repeats a probe of the earlier red teams.

Kinds: filter rules whose `match='no'` turns what they match inside out, addresses two VMs are both
allowed to send from, console servers started by raw QEMU arguments in spellings the R21 fix does
not read, and IP sets whose exceptions leave every other address admitted.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid as uuidlib
from pathlib import Path

import pytest

from conftest import run_assessment
from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import (
    QEMU_NS,
    dev,
    filtered_node,
    nic,
    replayed_domains,
    verdict,
)
from test_redteam17_vmw_probes import but


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


def _site(*entries: str) -> dict[str, str]:
    """libvirt 9.0's stock filters plus a root filter 'site' of `entries`."""
    filters = dict(STOCK)
    filters["site"] = f"<filter name='site' chain='root'>{''.join(entries)}</filter>"
    return filters


CT = "<filterref filter='clean-traffic'/>"


# --- HVA-191: match='no' turns a rule's frames inside out -------------------------------------------


def test_negated_protocol_accept_lets_arp_past_its_checks(tmp_path: Path) -> None:
    """formatnwfilter, "Supported protocols" (RHEL 6 Virtualization Administration Guide 18.12.10,
    read with `search`): "All attributes except of those of type IP_MASK or IPV6_MASK can be
    negated using the match attribute with value no". libvirt's ebtables driver writes a negated
    protocolid as `-p ! <number>` (src/nwfilter/nwfilter_ebiptables_driver.c,
    ebtablesCreateRuleInstanceHelper, VIR_NWFILTER_RULE_PROTOCOL_MAC: `if
    (ENTRY_WANT_NEG_SIGN(&rule->p.ethHdrFilter.dataProtocolID)) virFirewallRuleAddArg(fw, fwrule,
    "!")`, read with `read_file`): the rule matches every frame whose EtherType is not IPv4.
    Site filter: a root accept of `<mac match='no' protocolid='ipv4'/>` at priority -600, then
    clean-traffic. The mac chain (-800) and ipv4-ip (-710) run first; every ARP frame is then
    accepted at -600, before arp-mac (-520) and arp-ip (-510), and every IPv6 frame before
    no-other-l2-traffic's drop (1000). ARP (and IPv6) spoofing is not stopped: fail, naming
    ARP. hvaudit's _frames reads the rule as {ipv4} (constraints are dropped for match='no', the
    protocol is kept), so it sees no overlap with the ARP chains. The same rule without match='no'
    (an accept of IPv4 frames after ipv4-ip) passes."""
    accept = (
        "<rule action='accept' direction='out' priority='-600'>"
        "<mac match='{m}' protocolid='ipv4'/></rule>"
    )
    a = filtered_node(
        tmp_path,
        [dev("negated", nic("site"))],
        _site(accept.format(m="no"), CT),
    )
    status, msg = verdict(a, "HVA-191", "negated")
    assert status == "fail", msg
    assert "ARP" in msg


def test_plain_protocol_accept_after_the_ip_check_passes(tmp_path: Path) -> None:
    """Twin of R41's probe: `<mac protocolid='ipv4'/>` accepted at -600 takes only IPv4 frames,
    which no-ip-spoofing's ipv4-ip chain (-710) has already checked (formatnwfilter, "Filter chain
    priorities"; the accept is clean-traffic's own at -650, moved by 50): pass."""
    a = filtered_node(
        tmp_path,
        [dev("plain", nic("site", ip="10.0.0.61"))],
        _site(
            "<rule action='accept' direction='out' priority='-600'><mac protocolid='ipv4'/></rule>",
            CT,
        ),
    )
    assert verdict(a, "HVA-191", "plain")[0] == "pass"


def test_negated_protocol_drop_lets_ipv6_through(tmp_path: Path) -> None:
    """R41's other direction. The same negation (`-p ! 0x86dd`, ebtablesCreateRuleInstanceHelper,
    cited above) on the catch-all drop: site = no-mac-, no-ip- and no-arp-spoofing,
    allow-incoming-ipv4, a root drop of 802.1Q frames (`<vlan/>`, so tagged frames are stopped as
    R33 asks) and, instead of no-other-l2-traffic, a root drop at 1000 of `<mac match='no'
    protocolid='ipv6'/>`. That drop takes every frame except IPv6: IPv6 frames reach no drop and
    leave the root chain accepted (formatnwfilter, "Filtering chains"), so the guest sends IPv6
    from any source address (R1's finding). Fail, naming IPv6. hvaudit's _frame_gap finds a
    "whole" drop (no constraint but the protocol) whose frames it reads as {ipv6}."""
    filters = _site(
        "<filterref filter='no-mac-spoofing'/><filterref filter='no-ip-spoofing'/>"
        "<filterref filter='no-arp-spoofing'/><filterref filter='allow-incoming-ipv4'/>",
        "<rule action='drop' direction='out' priority='900'><vlan/></rule>",
        "<rule action='drop' direction='out' priority='1000'>"
        "<mac match='no' protocolid='ipv6'/></rule>",
    )
    a = filtered_node(tmp_path, [dev("v6open", nic("site"))], filters)
    status, msg = verdict(a, "HVA-191", "v6open")
    assert status == "fail", msg
    assert "IPv6" in msg


def test_decimal_vlan_ethertype_accept_lets_tagged_frames_through(tmp_path: Path) -> None:
    """libvirt src/conf/nwfilter_conf.c (read with `find_string`): checkMacProtocolID takes a
    protocolid given as a number (DATATYPE_UINT16, decimal, or DATATYPE_UINT16_HEX) when it is at
    least 0x600, and macProtocolIDFormatter writes it back by name only for ipv4, ipv6, arp and
    rarp (macProtoMap), else `asHex ? "0x%x" : "%d"` - a decimal one stays decimal in `virsh
    nwfilter-dumpxml`, which is what the bundle holds. 33024 is 0x8100, the 802.1Q tag: ebtables
    `-p 0x8100`. Site filter: a root accept of `<mac protocolid='33024'/>` at -600, then
    clean-traffic: every VLAN-tagged frame is accepted after the mac chain and before
    no-other-l2-traffic's drop (1000), so tagged IPv4 and ARP go out from any source address,
    the hole R33 found (ebtablesCreateTmpSubChainFW jumps to the ipv4/arp chains for 0x0800 /
    0x0806 only). hvaudit's _frames maps only the spellings in _ETHERTYPES ("0x8100") and reads
    33024 as an unknown protocol. Right: fail, naming the VLAN tags (as the hex twin does)."""
    a = filtered_node(
        tmp_path,
        [dev("decvlan", nic("site"))],
        _site(
            "<rule action='accept' direction='out' priority='-600'>"
            "<mac protocolid='33024'/></rule>",
            CT,
        ),
    )
    status, msg = verdict(a, "HVA-191", "decvlan")
    assert status == "fail", msg
    assert "VLAN" in msg


def test_hex_vlan_ethertype_accept_fails(tmp_path: Path) -> None:
    """Twin of R51: the same accept spelled `protocolid='0x8100'` fails today (R33's rule)."""
    a = filtered_node(
        tmp_path,
        [dev("hexvlan", nic("site"))],
        _site(
            "<rule action='accept' direction='out' priority='-600'>"
            "<mac protocolid='0x8100'/></rule>",
            CT,
        ),
    )
    status, msg = verdict(a, "HVA-191", "hexvlan")
    assert status == "fail", msg
    assert "VLAN" in msg


@pytest.mark.parametrize(
    "elements",
    [
        "<mac match='no' srcmacaddr='$MAC'/><mac protocolid='ipv4'/>",
        # the protocol in the first element, the negated source in the second (R57's twin)
        "<mac protocolid='ipv4'/><mac match='no' srcmacaddr='$MAC'/>",
        # an element libvirt knows no protocol by is skipped, not read as the rule
        "<comment-like/><mac protocolid='ipv4'/><mac match='no' srcmacaddr='$MAC'/>",
    ],
    ids=["negated-first", "protocol-first", "unknown-first"],
)
def test_rule_of_two_elements_is_read_whole(tmp_path: Path, elements: str) -> None:
    """libvirt src/conf/nwfilter_conf.c virNWFilterRuleParse (read with `find_string`): after the
    first protocol element, every further child of the same name is parsed into the same rule
    (`virNWFilterRuleDetailsParse(cur, ret, virAttr[i].att)` on each), so their attributes all
    hold together; and virNWFilterRuleDefDetailsFormat writes a rule whose attributes mix negated
    and plain ones as one element per run (`match='no'` closes with "/>" when a plain attribute
    follows), so `virsh nwfilter-dumpxml` of `<mac match='no' srcmacaddr='$MAC'/><mac
    protocolid='ipv4'/>` is exactly that: one rule, frames that are IPv4 AND not from $MAC
    (RHEL 6 guide 18.12.10 shows the two-element form). no-mac-spoofing redefined with that drop
    (after its return of $MAC) drops IPv4 frames with a forged source MAC only; an ARP frame with
    a forged Ethernet source goes on to the arp chains, which check the ARP payload's sender
    (arpsrcmacaddr), not the Ethernet source, and clean-traffic accepts it at -500. MAC spoofing
    is not stopped (R32's class). hvaudit reads the first element alone: match='no', no
    constraint left, no protocolid - a drop of every frame. Right: fail, naming MAC."""
    filters = dict(STOCK)
    filters["no-mac-spoofing"] = (
        "<filter name='no-mac-spoofing' chain='mac' priority='-800'>"
        "<rule action='return' direction='out' priority='500'><mac srcmacaddr='$MAC'/></rule>"
        f"<rule action='drop' direction='out' priority='500'>{elements}</rule></filter>"
    )
    a = filtered_node(tmp_path, [dev("twoelem", nic("clean-traffic"))], filters)
    status, msg = verdict(a, "HVA-191", "twoelem")
    assert status == "fail", msg
    assert "MAC" in msg


def test_negated_own_mac_drop_is_a_mac_check(tmp_path: Path) -> None:
    """Twin of R57/R71: the old no-mac-spoofing (RHEL 6 guide 18.12.2 and "no-arp-spoofing",
    read with `search`) is a drop of `<mac match='no' srcmacaddr='$MAC'/>` alone: ebtables
    `-s ! $MAC -j DROP` drops every frame not sent from the interface's MAC, a complete MAC
    check (what R71's negated-mac drop is in the mac chain, not as the root catch-all). Kept
    negated attributes must not turn it into a partial one: pass, given its IP."""
    filters = dict(STOCK)
    filters["no-mac-spoofing"] = (
        "<filter name='no-mac-spoofing' chain='mac' priority='-800'>"
        "<rule action='drop' direction='out' priority='500'>"
        "<mac match='no' srcmacaddr='$MAC'/></rule></filter>"
    )
    a = filtered_node(tmp_path, [dev("oldmac", nic("clean-traffic", ip="10.0.0.63"))], filters)
    assert verdict(a, "HVA-191", "oldmac") == ("pass", "1 interface(s) filtered by clean-traffic")


# --- HVA-191: one address, two VMs ------------------------------------------------------------------


@pytest.mark.parametrize("where", ["interface", "site-filter"])
def test_two_vms_given_the_same_ip_parameter(tmp_path: Path, where: str) -> None:
    """formatnwfilter, "Usage of variables in filters" / RHEL 6 guide 18.12.6 "Reserved variables"
    (read with `search`): IP is "The list of IP addresses in use by an interface"; stock
    no-ip-spoofing returns IPv4 frames whose source is $IP and drops the rest, no-arp-ip-spoofing
    returns ARP whose sender address is $IP (/usr/share/libvirt/nwfilter/*.xml on this machine).
    Given `<parameter name='IP' value='10.0.0.5'/>` for both alpha's and beta's clean-traffic,
    each filter admits 10.0.0.5 as its own source: alpha can send IPv4 and ARP replies as beta on
    bridge br0 and take its traffic. This is the rule HVA-191 already applies to two interfaces
    with one MAC ("filter 'clean-traffic' checks frames against $MAC, so each can send as the
    other"), for $IP. The parameter may sit on the interface's <filterref> (a copied definition)
    or on a <filterref> inside a site filter both VMs name: nwfilter_gentech_driver.c
    virNWFilterIncludeDefToRuleInst builds the child's variables with
    `virNWFilterCreateVarsFrom(inc->params, vars)` ("contents of var2 will overwrite those of
    var1": the interface's own variables win, the include's fill the rest), and
    virNWFilterDetermineMissingVarsRec does the same, so with no IP on the interface $IP is the
    site filter's 10.0.0.5 and no address is learned (read with `read_file`). Right: fail both,
    naming 10.0.0.5. A third VM with its own address (gamma, 10.0.0.7) passes."""
    ip = "<filterref filter='{f}'>{p}</filterref>"
    param = "<parameter name='IP' value='{ip}'/>"
    nic_ip = (
        "<interface type='network'><mac address='{mac}'/><source network='lan'/>"
        "<model type='virtio'/>{ref}</interface>"
    )
    filters = dict(STOCK)
    refs = {}
    for addr in ("10.0.0.5", "10.0.0.7"):
        if where == "interface":
            refs[addr] = ip.format(f="clean-traffic", p=param.format(ip=addr))
        else:
            name = f"site-{addr.rsplit('.', 1)[1]}"
            filters[name] = (
                f"<filter name='{name}' chain='root'>"
                + ip.format(f="clean-traffic", p=param.format(ip=addr))
                + "</filter>"
            )
            refs[addr] = ip.format(f=name, p="")
    a = filtered_node(
        tmp_path,
        [
            dev("alpha", nic_ip.format(mac="52:54:00:00:04:01", ref=refs["10.0.0.5"])),
            dev("beta", nic_ip.format(mac="52:54:00:00:04:02", ref=refs["10.0.0.5"])),
            dev("gamma", nic_ip.format(mac="52:54:00:00:04:03", ref=refs["10.0.0.7"])),
        ],
        filters,
    )
    assert verdict(a, "HVA-191", "gamma")[0] == "pass"
    for name in ("alpha", "beta"):
        status, msg = verdict(a, "HVA-191", name)
        assert status == "fail", (name, msg)
        assert "10.0.0.5" in msg


# --- HVA-031: consoles opened by raw QEMU arguments (re-probe of R21's fix) -------------------------


def _raw(name: str, *args: str) -> str:
    """A domain (as a daemon with the QEMU driver reports it) passing `args` to QEMU."""
    uid = uuidlib.uuid5(uuidlib.NAMESPACE_DNS, name)
    return (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>{name}</name><uuid>{uid}</uuid>"
        "<memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
        "<qemu:commandline>"
        + "".join(f"<qemu:arg value='{a}'/>" for a in args)
        + "</qemu:commandline></domain>"
    )


def test_raw_vnc_with_password_off_is_unauthenticated(tmp_path: Path) -> None:
    """QEMU ui/vnc.c vnc_display_open (read with `find_string`): `password =
    qemu_opt_get_bool(opts, "password", false);` - password is an on/off flag, not a value, and
    only a true one turns on VNC password authentication (qemu-options.hx, -vnc: "password=on|off:
    Require that password based authentication is used for client connections"). `-vnc
    0.0.0.0:1,password=off` is the server R21's probe fails (no password, sasl or tls-creds), with
    the default spelled out. hvaudit's _raw_vnc_verdict counts any option named password, sasl,
    password-secret or tls-creds as authentication, whatever its value. Right: fail, naming -vnc
    (as for `-vnc 0.0.0.0:1`)."""
    xml = _raw("rawoff", "-vnc", "0.0.0.0:1,password=off")
    a = run_assessment(replayed_domains(tmp_path, {"rawoff": xml}))
    status, msg = verdict(a, "HVA-031", "rawoff")
    assert status == "fail", msg
    assert "-vnc" in msg


@pytest.mark.parametrize(
    ("args", "part"),
    [
        # -display vnc=<display>: the same VNC server as -vnc <display> (qemu-options.hx)
        (("-display", "vnc=0.0.0.0:1"), "vnc"),
        # a SPICE server on every address with ticketing (passwords) off
        (("-spice", "port=5930,addr=0.0.0.0,disable-ticketing=on"), "spice"),
        # the guest's serial console as a TCP server on every address (host part empty)
        (("-serial", "tcp::4444,server=on,wait=off"), "4444"),
    ],
    ids=["display-vnc", "spice", "serial-tcp"],
)
def test_console_from_other_raw_arguments_is_a_console(
    tmp_path: Path, args: tuple[str, str], part: str
) -> None:
    """qemu-options.hx (QEMU's option reference, read with `find_string`): `-vnc <display>` is
    "shorthand for -display vnc=<display>", so `-display vnc=0.0.0.0:1` is R21's server, with no
    password unless asked for; `-spice ...,disable-ticketing=on|off`: "Allow client connects
    without authentication", a SPICE console on addr with no password; `-serial tcp:...`: "the
    TCP Net Console ... If host is omitted, 0.0.0.0 is assumed. Only one TCP connection at a time
    is accepted", the guest's serial console to whoever connects first. libvirt passes <qemu:arg> values
    verbatim (formatdomain, "QEMU command-line passthrough") and qemu.conf's vnc_*/spice_*/
    chardev_tls apply only to what libvirt builds. Each definition proves a console on every
    address without authentication, as R21's `-vnc 0.0.0.0:1` does; HVA-046 fails the raw
    arguments, HVA-031 must not call the console absent. Right: fail, naming the console
    (vnc / spice / port 4444)."""
    xml = _raw("rawcon", *args)
    a = run_assessment(replayed_domains(tmp_path, {"rawcon": xml}))
    assert verdict(a, "HVA-046", "rawcon")[0] == "fail"
    status, msg = verdict(a, "HVA-031", "rawcon")
    assert status == "fail", msg
    assert part in msg


@pytest.mark.parametrize(
    ("args", "part"),
    [
        # the modern spelling: a socket chardev serving on every address, used as the serial port
        (
            (
                "-chardev",
                "socket,id=s0,host=0.0.0.0,port=4444,server=on,wait=off",
                "-serial",
                "chardev:s0",
            ),
            "4444",
        ),
        # QEMU's gdb stub on every address: -s is "-gdb tcp::1234"
        (("-s",), "1234"),
        (("-gdb", "tcp::1235"), "1235"),
    ],
    ids=["chardev-socket", "gdb-s", "gdb-tcp"],
)
def test_console_from_chardev_or_gdb_arguments_is_a_console(
    tmp_path: Path, args: tuple[str, ...], part: str
) -> None:
    """qemu-options.hx (read with `find_string`): `-chardev socket,id=id[,host=host],port=port
    [,server=on|off][,wait=on|off]` creates a TCP socket character device, `-serial chardev:id`
    puts the guest's serial port on it (the form libvirt itself generates; `-serial tcp:` is the
    legacy shorthand R44 probed); `-s` is "Shorthand for -gdb tcp::1234, i.e. open a gdbserver on
    TCP port 1234", and a gdb stub reads and writes the guest's memory and registers - more than
    a console. Each listens on every address (host 0.0.0.0, or omitted) with neither
    authentication nor TLS. Right: fail naming the port (vmfix2's pending R44 fix reads
    -serial/-parallel/-monitor/-qmp tcp: and telnet: only)."""
    xml = _raw("rawchr", *args)
    a = run_assessment(replayed_domains(tmp_path, {"rawchr": xml}))
    status, msg = verdict(a, "HVA-031", "rawchr")
    assert status == "fail", msg
    assert part in msg


@pytest.mark.parametrize(
    "creds",
    [
        "tls-creds-anon,id=tls0,endpoint=server",
        # x509 credentials with the client-certificate check switched off
        "tls-creds-x509,id=tls0,endpoint=server,dir=/etc/pki/qemu,verify-peer=off",
    ],
    ids=["anon", "x509-verify-off"],
)
def test_raw_vnc_with_anonymous_tls_is_unauthenticated(tmp_path: Path, creds: str) -> None:
    """qemu-options.hx, -object tls-creds-anon (read with `find_string`): "Creates a TLS anonymous
    credentials object ... If verify-peer is enabled (the default) then once the handshake is
    completed, the peer credentials will be verified, though this is a no-op for anonymous
    credentials"; -object tls-creds-x509 likewise verifies "the x509 client certificate" only
    when verify-peer is on. A VNC server with tls-creds and neither password nor sasl offers
    VeNCrypt with no authentication after the handshake (ui/vnc.c: the TLS/x509 "none" subauth),
    so with anonymous credentials, or x509 ones that check no client certificate, anyone on the
    network completes the handshake and gets the console: encrypted, not authenticated. hvaudit
    counts any tls-creds= option as authentication. Right: fail, naming -vnc (x509 with
    verify-peer on, its default, would pass)."""
    xml = _raw("rawanon", "-object", creds, "-vnc", "0.0.0.0:1,tls-creds=tls0")
    a = run_assessment(replayed_domains(tmp_path, {"rawanon": xml}))
    status, msg = verdict(a, "HVA-031", "rawanon")
    assert status == "fail", msg
    assert "-vnc" in msg


# --- HVA-191 (Proxmox): an IP set of exceptions -------------------------------------------------------


def test_pve_ipfilter_set_of_everything_but_one_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pve-firewall src/PVE/Firewall.pm, IP set parser (read with `find_string`): `$line =~
    m/^(\\!)?\\s*(\\S+)\\s*$/; my $nomatch = $1;` - an entry written `!CIDR` is a nomatch entry;
    Linux ipset "Exceptions support added to hash:*net* types" (kernel commit 2a7cef2a4ba6, read
    with `search`): "ipset add test 192.168.0/24; ipset add test 192.168.0/30 nomatch - In this
    case the IP addresses from 192.168.0/24 except 192.168.0/30 match the elements of the set".
    pve-firewall.adoc, "Standard IP set ipfilter-net*": outgoing traffic "with a source IP not
    matching its interface's corresponding ipfilter set will be dropped". [IPSET ipfilter-net0]
    = 0.0.0.0/1, 128.0.0.0/1 (valid entries, unlike a /0) and !192.0.2.99: every IPv4 source but
    192.0.2.99 matches, so web-10 may send as any other machine (R38's set with one exception).
    hvaudit's _every_address gives up on any set with a nomatch entry, and the NIC passes. Right:
    fail, naming ipfilter-net0."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    fw = (PVE_HARDENED / "etc/pve/firewall/200.fw").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {
            "etc/pve/firewall/200.fw": fw.replace(
                "192.0.2.10", "0.0.0.0/1\n128.0.0.0/1\n!192.0.2.99"
            )
        },
    )
    status, msg = pve_result(report, "HVA-191", "web-10")
    assert status == "fail", msg
    assert "ipfilter-net0" in msg


# --- HVA-047: the floppy controller every i440fx machine has -----------------------------------------


def _machine(name: str, machine: str) -> str:
    """A VM of this machine type with nothing HVA-047 names (no floppy drive, no IDE disk)."""
    uid = uuidlib.uuid5(uuidlib.NAMESPACE_DNS, name)
    return (
        f"<domain type='kvm'><name>{name}</name><uuid>{uid}</uuid><memory unit='MiB'>1024</memory>"
        f"<vcpu>1</vcpu><os><type arch='x86_64' machine='{machine}'>hvm</type></os><devices>"
        "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/x.qcow2'/>"
        "<target dev='vda' bus='virtio'/></disk></devices></domain>"
    )


def test_i440fx_machine_has_the_floppy_controller(tmp_path: Path) -> None:
    """QEMU hw/i386/pc_piix.c pc_init1 (read with `find_string`): `pc_basic_device_init(pcms,
    isa_bus, x86ms->gsi, rtc_state, true, 0x4)` - create_fdctrl is true for the i440fx machines
    (newer QEMU: `!MACHINE_CLASS(pcmc)->no_floppy`, which pc-i440fx-* do not set), and hw/i386/pc.c
    pc_superio_init then realizes TYPE_ISA_FDC; q35 passes `!mc->no_floppy` with
    pc_q35_machine_options `m->no_floppy = 1`, so a q35 VM gets the controller only with a floppy
    drive. CVE-2015-3456 (VENOM, read with `search`): "The Floppy Disk Controller (FDC) in QEMU
    ... allows local guest users to ... execute arbitrary code"; "Even when QEMU has been
    configured with no floppy drive, the floppy controller code is still active" (V. Bernat,
    hotfix write-up; CrowdStrike: "even if the administrator explicitly disables the virtual
    floppy drive ... the vulnerable FDC code [remains] active"). HVA-047's own rationale names
    VENOM and reports "no floppy". A VM of machine pc-i440fx-7.2 (libvirt's default x86 machine
    type, filled into every definition that names none) exposes the FDC: fail, naming the floppy
    controller. Its pc-q35-7.2 twin passes."""
    from conftest import write_node

    uri = write_node(
        tmp_path / "n.xml",
        [_machine("fx", "pc-i440fx-7.2"), _machine("q35", "pc-q35-7.2")],
    )
    from test_checks_vm import _with_filters
    from test_redteam3_vm_probes import NESTING_HOST

    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    assert verdict(a, "HVA-047", "q35")[0] == "pass"
    status, msg = verdict(a, "HVA-047", "fx")
    assert status == "fail", msg
    assert "floppy" in msg


def test_pve_default_machine_has_the_floppy_controller(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proxmox VE admin guide (qm.adoc, "Machine Type", read with `find_string`): "You can choose
    between the default Intel 440FX or the Q35 chipset". api-11 (hardened fixture: virtio NIC,
    virtio-scsi, tablet: 0, no `machine:` line) therefore runs on i440fx and gets the ISA FDC
    (QEMU pc_piix.c, as in the libvirt twin above). Fail, naming the floppy controller; with
    `machine: q35` it passes."""
    import re

    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    # the hardened fixture now names `machine: q35` for both VMs (vmfix2's R46 fix): api-11
    # loses it here, web-10 keeps it
    vm200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {
            # web-10 names q35 (the fixture may already), api-11 names no machine
            "etc/pve/qemu-server/200.conf": vm200
            if "machine:" in vm200
            else vm200 + "machine: q35\n",
            "etc/pve/qemu-server/201.conf": re.sub(r"(?m)^machine:.*\n", "", vm201),
        },
    )
    assert pve_result(report, "HVA-047", "web-10")[0] == "pass"
    status, msg = pve_result(report, "HVA-047", "api-11")
    assert status == "fail", msg
    assert "floppy" in msg


# --- HVA-042 (host subject, VM evidence): a root-equivalent group that is not gid 0 ------------------


def test_dac_label_in_group_disk_opens_every_host_disk(host_scan) -> None:
    """Debian base-passwd, users-and-groups (/usr/share/doc/base-passwd/users-and-groups.txt.gz on
    this machine, the document `search` found): "disk - Raw access to disks. Mostly equivalent to
    root access." udev gives block devices group disk, mode 0660 (systemd's
    50-udev-default.rules: `SUBSYSTEM=="block", GROUP="disk"`), so a QEMU process in gid 6 opens
    /dev/sda and every other host disk read-write, the host's root file system among them. The
    DAC driver runs the VM's QEMU with the label's uid and gid (security_dac.c
    virSecurityDACGetIds -> virParseOwnershipIds, "+N" a number: R7's source). A per-domain
    `<seclabel type='static' model='dac'><label>+64055:+6</label>` is therefore a QEMU with
    near-root reach on the host, what HVA-042 fails for gid 0. Right: fail, naming the VM and
    group disk. The hardened host's own +64055:+64055 twin passes (redteam probes)."""
    from conftest import HARDENED_HOST, domain_xml

    a = host_scan(
        {"/etc/group": HARDENED_HOST["/etc/group"] + "disk:x:6:\n"},
        [
            domain_xml(
                "diskdac",
                body="<seclabel type='static' model='dac' relabel='yes'><label>+64055:+6</label>"
                "</seclabel>",
            )
        ],
    )
    status, msg = verdict(a, "HVA-042", "hv1")
    assert status == "fail", msg
    assert "diskdac" in msg
    assert "disk" in msg.replace("diskdac", "")


# --- HVA-191: source addresses the filter lets the guest pick ---------------------------------------


def test_pve_ipfilter_subnet_is_a_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pve-firewall.adoc, "Standard IP set ipfilter-net*" (read with `find_string`): "These filters
    belong to a VM's network interface and are mainly used to prevent IP spoofing. If such a set
    exists for an interface then any outgoing traffic with a source IP not matching its
    interface's corresponding ipfilter set will be dropped." An entry 192.0.2.0/24 matches 256
    sources: web-10 (own address 192.0.2.10 in the hardened fixture) may send as any other host of
    its subnet, and ARP for them (the same entries build the ebtables ARP filter, HVA-191's
    docstring). Whether every address of the subnet is this VM's is not in the evidence: a
    question naming the set and the subnet, not "filtered by pve-firewall". (rt3vm's R20 message
    named this class; only /0 and R38's halves were probed and fixed.) Right: manual, naming
    192.0.2.0/24; the fixture's single address 192.0.2.10 passes."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    fw = (PVE_HARDENED / "etc/pve/firewall/200.fw").read_text()
    report = pve_scan(
        tmp_path, capsys, {"etc/pve/firewall/200.fw": fw.replace("192.0.2.10", "192.0.2.0/24")}
    )
    status, msg = pve_result(report, "HVA-191", "web-10")
    assert status == "manual", msg
    assert "192.0.2.0/24" in msg


def test_clean_traffic_learning_any_lets_the_guest_pick_its_address(tmp_path: Path) -> None:
    """nwfilter_gentech_driver.c (read with `find_string`): `#define NWFILTER_DFLT_LEARN "any"`;
    virNWFilterDoInstantiate, when IP is the one missing variable: learning "none" refuses to
    instantiate, "dhcp" snoops the DHCP exchange (virNWFilterDHCPSnoopReq), "any" starts
    virNWFilterLearnIPAddress(..., DETECT_DHCP|DETECT_STATIC): the first address the guest uses
    becomes $IP. RHEL 6 guide 18.12.6 "Reserved variables": CTRL_IP_LEARNING "The choice of the
    IP address detection mode". So a guest on clean-traffic with no IP parameter chooses, at each
    start, the one source address no-ip-spoofing and no-arp-ip-spoofing then admit: the
    gateway's, or a neighbour's that is down at the time (and from then on ARP-poisons for it).
    HVA-191's own remediation asks for "clean-traffic (with an IP parameter)". What stops IP
    spoofing then is outside the definition (which address the guest takes first): a question,
    naming the learning mode, not a pass. Right: manual naming CTRL_IP_LEARNING. The same VM given
    its IP (R42's gamma) passes. (Fixed, from bdf6479 on vmfix2-next: HVA-191's _learned_ip; the
    tests whose filters check $IP and are about something else now give an IP parameter.)"""
    a = filtered_node(
        tmp_path,
        [
            dev("learner", nic("clean-traffic", mac="52:54:00:00:04:09")),
        ],
        dict(STOCK),
    )
    (r,) = [r for r in a.results if r.check.id == "HVA-191"]
    assert (r.status.value, r.outcome.message) == (
        "manual",
        "52:54:00:00:04:09: filter 'clean-traffic' checks $IP, which no IP parameter sets: "
        "CTRL_IP_LEARNING any takes the first address the guest uses",
    )
    assert r.outcome.question == (
        "Is the address libvirt learned for each interface of VM learner the one assigned to it? "
        "Evidence: the VM's assigned addresses (IPAM or DHCP reservations) against `virsh "
        "nwfilter-binding-dumpxml` of its interfaces on host hv1 (the IP variable libvirt filled "
        "in), or an IP parameter in its <filterref>. Pass: yes, each learned address is the VM's "
        "own; fail: one is another machine's (the guest took it first)."
    )


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        # the default spelled out
        (
            "<parameter name='CTRL_IP_LEARNING' value='any'/>",
            "manual",
            "52:54:00:00:04:09: filter 'clean-traffic' checks $IP, which no IP parameter sets: "
            "CTRL_IP_LEARNING any takes the first address the guest uses",
        ),
        # DHCP snooping: the lease a DHCP server on the segment gives
        (
            "<parameter name='CTRL_IP_LEARNING' value='dhcp'/>",
            "manual",
            "52:54:00:00:04:09: filter 'clean-traffic' checks $IP, which no IP parameter sets: "
            "CTRL_IP_LEARNING dhcp takes the address of the lease a DHCP server on the segment "
            "gives it",
        ),
        # no learning: libvirt refuses to instantiate the filter, the VM sends nothing
        (
            "<parameter name='CTRL_IP_LEARNING' value='none'/>",
            "pass",
            "1 interface(s) filtered by clean-traffic",
        ),
        # the address given: nothing is learned
        (
            "<parameter name='IP' value='10.0.0.9'/>",
            "pass",
            "1 interface(s) filtered by clean-traffic",
        ),
    ],
    ids=["any", "dhcp", "none", "ip-given"],
)
def test_clean_traffic_learning_modes(
    tmp_path: Path, params: str, status: str, message: str
) -> None:
    """R49's twins, from the same sources (nwfilter_gentech_driver.c virNWFilterDoInstantiate:
    the mode is the interface's own CTRL_IP_LEARNING, "any" by default; "dhcp" snoops DHCP, and
    formatnwfilter leaves which servers may lease to a DHCPSERVER filter of the site's: a
    question; "none" refuses to instantiate)."""
    xml = (
        "<interface type='network'><mac address='52:54:00:00:04:09'/><source network='lan'/>"
        f"<model type='virtio'/><filterref filter='clean-traffic'>{params}</filterref>"
        "</interface>"
    )
    a = filtered_node(tmp_path, [dev("learner", xml)], dict(STOCK))
    assert verdict(a, "HVA-191", "learner") == (status, message)


# --- HVA-402 (.vmx): a tighter limit than the default --------------------------------------------------


def test_vmx_smaller_setinfo_limit_is_not_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """vSphere Security guide, "Limit Informational Messages from Virtual Machines to VMX Files"
    (docs.vmware.com vSphere 7.0 GUID-91BF834E, the Japanese edition read with `search`,
    paraphrased): limiting what the guest writes into the VMX file keeps it from filling the
    datastore (a denial of service); the limit is 1 MB by default, may be changed where needed
    (raised, for example, when much custom information is stored in the file, with care for the
    datastore's capacity), and the 1 MB default applies when the key is absent. The control bounds the file: a limit of 64 KiB bounds it tighter than the
    default HVA-402 passes. web-01 (tests/fixtures/vmx) with `tools.setInfo.sizeLimit =
    "65536"` is a hardened VM, failed today as "not 1048576". Right: pass; a limit above 1 MB
    (what the guide warns about) still fails (a twin below pins it)."""
    from test_vmx import FIXTURES, scan

    folder = tmp_path / "vmx"
    (folder / "web-01").mkdir(parents=True)
    text = (FIXTURES / "web-01" / "web-01.vmx").read_text()
    (folder / "web-01" / "web-01.vmx").write_text(
        text
        + 'tools.setInfo.sizeLimit = "65536"\n'
        # set, not left to the host's /etc/vmware/config (leads15)
        + 'tools.guestlib.enableHostInfo = "FALSE"\n'
    )
    _, report = scan(folder, capsys)
    r = next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-402", "web-01")
    )
    # V17-1: a pass on the VM's own keys is the question of the host's /etc/vmware/settings
    assert (r["status"], r["message"].endswith(but("offline-vmx"))) == ("manual", True), r[
        "message"
    ]


def test_vmx_larger_setinfo_limit_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Twin of R50: 16 MiB lets the guest grow the VMX file sixteen times past the default bound
    (the guide's warning): fail, naming the value."""
    from test_vmx import FIXTURES, scan

    folder = tmp_path / "vmx"
    (folder / "web-01").mkdir(parents=True)
    text = (FIXTURES / "web-01" / "web-01.vmx").read_text()
    (folder / "web-01" / "web-01.vmx").write_text(text + 'tools.setInfo.sizeLimit = "16777216"\n')
    _, report = scan(folder, capsys)
    r = next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-402", "web-01")
    )
    assert r["status"] == "fail" and "16777216" in r["message"], r["message"]


# --- HVA-059: a vhost-scsi target whose backstore decides ------------------------------------------


def test_vhost_scsi_target_is_a_question_not_na(tmp_path: Path) -> None:
    """formatdomain, "USB / PCI / SCSI devices": `<hostdev mode='subsystem' type='scsi_host'>
    <source protocol='vhost' wwpn='naa.…'/>` hands the guest a vhost-scsi target of the host's
    LIO SCSI target subsystem (the test driver keeps it, checked on this machine). What the
    guest's SCSI commands reach is the target's backstore, a host setting: RHEL "Managing storage
    devices", "Creating a pscsi storage object" (read with `search`): a pscsi backstore supports
    "direct passthrough of SCSI commands without SCSI emulation" to the underlying SCSI device -
    raw SCSI, what HVA-059 fails as sgio='unfiltered' on a LUN - while block and fileio
    backstores emulate SCSI; the user-passthrough (tcmu) backstore hands the raw CDBs to a
    user-space handler (Linux "target: Add a user-passthrough backstore"). The subject exists;
    whether the guest gets raw SCSI is `targetcli ls` on the host. Right: manual, naming the
    target's WWPN, never "no SCSI LUN or SCSI host device passed through"."""
    from conftest import write_node
    from test_checks_vm import _with_filters
    from test_redteam3_vm_probes import NESTING_HOST

    uri = write_node(
        tmp_path / "n.xml",
        [
            dev(
                "vscsi",
                "<hostdev mode='subsystem' type='scsi_host'>"
                "<source protocol='vhost' wwpn='naa.50014057667280d8'/></hostdev>",
            )
        ],
    )
    a = run_assessment(_with_filters(tmp_path, uri, NESTING_HOST, "b"))
    status, msg = verdict(a, "HVA-059", "vscsi")
    assert status == "manual", msg
    assert "naa.50014057667280d8" in msg


# --- HVA-060 (Proxmox, VM evidence): memory written as a property string ---------------------------


def test_pve_memory_property_string_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """qm.conf(5) (Proxmox VE 8 admin guide, read with `find_string`): "memory:
    [current=]<integer> Memory properties. current=<integer> (16 - N) (default = 512) Current
    amount of online RAM for the VM in MiB." So `memory: current=262144` is a VM of 256 GiB, the
    same as `memory: 262144`. web-10 (onboot: 1; api-11 neither runs nor autostarts) with it on
    the fixture node pve-h1 (MemTotal 131891212 kB, 125.8 GiB): 256 GiB configured, ratio 2.04,
    above the default profile's 1.5, so HVA-060 fails for the plain spelling. hvaudit's
    _int("current=262144") falls back to DEFAULT_MEMORY_MIB and counts 512 MiB: a pass on an
    over-committed node ("configured with 0.5 GiB"). Right: fail, naming 256.0 GiB configured
    (the plain-spelling twin fails today, pinned below)."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/200.conf": vm200.replace("memory: 8192", "memory: current=262144")},
    )
    status, msg = pve_result(report, "HVA-060", "pve-h1")
    assert status == "fail", msg
    assert "256.0 GiB" in msg


def test_pve_memory_plain_spelling_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of R53: `memory: 262144` on web-10 fails HVA-060 today (256.0 GiB configured)."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/200.conf": vm200.replace("memory: 8192", "memory: 262144")},
    )
    status, msg = pve_result(report, "HVA-060", "pve-h1")
    assert status == "fail", msg
    assert "256.0 GiB" in msg


# --- Proxmox booleans spelled as words ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "check", "part"),
    [
        # `kvm: off`: qemu-server starts the VM under TCG, software emulation
        (("kvm: off\n", ""), "HVA-012", "kvm"),
        # `tablet: yes`: the USB tablet (and its emulated USB host controller) is added
        (("", "tablet: 0"), "HVA-047", "USB tablet"),
    ],
    ids=["kvm-off", "tablet-yes"],
)
def test_pve_boolean_words(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: tuple[str, str],
    check: str,
    part: str,
) -> None:
    """qemu-server PVE/QemuServer.pm parse_vm_config (read with `find_string`): every `key:
    value` line goes through `check_type($key, $value)`, whose boolean branch is `return 1 if
    ($value eq '1') || ($value =~ m/^(on|yes|true)$/i); return 0 if ($value eq '0') || ($value
    =~ m/^(off|no|false)$/i);`. `kvm` ("Enable/disable KVM hardware virtualization", default 1)
    and `tablet` ("Enable/disable the USB tablet device", default 1) are booleans (qm.conf(5)).
    So api-11 with `kvm: off` runs without KVM, under TCG (HVA-012 fails `kvm: 0` today), and
    with `tablet: yes` instead of `tablet: 0` gets the USB tablet (HVA-047 fails a missing tablet
    line today, R11). hvaudit compares with "0" and "1" only. Right: fail, naming kvm / the USB
    tablet."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    add, old = edit
    conf = vm201 + add if add else vm201.replace(old, "tablet: yes")
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/201.conf": conf})
    status, msg = pve_result(report, check, "api-11")
    assert status == "fail", msg
    assert part in msg


def test_pve_nic_firewall_on_is_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pve-common PVE/JSONSchema.pm parse_property_string (read with `find_string`): a key whose
    schema type is boolean is read with `$v = parse_boolean($v) // $v`, and parse_boolean takes
    1/on/yes/true. qm.conf(5) net[n]: `firewall=<boolean>` "Whether this interface should be
    protected by the firewall". api-11's `net0: virtio=...,bridge=vmbr0,firewall=on,...` is the
    hardened fixture's firewall=1 spelled as a word: its NIC is behind the VM firewall. HVA-303
    passes the firewall=1 original (tests/test_proxmox_checks.py); with `firewall=on` hvaudit
    reports "no filter: firewall=0 on the NIC". Right: pass (FALSE FAIL today)."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/qemu-server/201.conf": vm201.replace("firewall=1", "firewall=on")},
    )
    status, msg = pve_result(report, "HVA-303", "api-11")
    # the NIC is behind the firewall in the configuration; a copied tree shows no daemon (P8-6)
    assert (status, msg.split(", but ")[0]) == ("manual", "1 interface(s) behind the VM firewall")


# --- HVA-050 (Proxmox with host facts): hostpci addresses without a PCI domain -----------------------


def _pve_live_bundle(
    tmp_path: Path, edits: dict[str, str], host: dict[str, object] | None = None
) -> Path:
    """A Proxmox VE node as the live (pve+ssh) collector records it: the hardened fixture's files,
    edited, and conftest's hardened host facts (IOMMU groups, drivers, PCI classes) replayed."""
    import shutil

    from conftest import HARDENED_HOST, ReplayRunner
    from hvaudit.bundle import BundleWriter
    from hvaudit.collect.host import HostCollector
    from hvaudit.collect.proxmox import ProxmoxFilesCollector, ProxmoxTarget
    from test_redteam2_probes import PVE_HARDENED

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    for rel, text in edits.items():
        (tree / rel).write_text(text)
    writer = BundleWriter(tmp_path / "b", target=f"pve+dir://{tree}", platform="proxmox-ve")
    ProxmoxFilesCollector(ProxmoxTarget.parse(f"pve+dir://{tree}")).collect(writer)
    del writer.entries["host"]  # the tree's "no live host" record: facts follow, as over SSH
    HostCollector(ReplayRunner({**HARDENED_HOST, **(host or {})})).collect(writer)
    return writer.close(complete=True)


@pytest.mark.parametrize(
    ("hostpci", "status", "part"),
    [
        # 00:1f.3 shares IOMMU group 3 with 00:1f.0, held by the host's lpc_ich driver
        ("00:1f.3", "fail", "00:1f.0"),
        # 65:00 (every function of device 65:00): group 2 holds only 65:00.0, on vfio-pci
        ("65:00", "pass", "65:00"),
    ],
    ids=["shared-group", "all-functions"],
)
def test_pve_hostpci_short_address_is_found_in_its_group(
    tmp_path: Path, hostpci: str, status: str, part: str
) -> None:
    r"""qm.conf(5) hostpci[n] (read with `find_string`): "host=<HOSTPCIID[;HOSTPCIID2...]> Host
    PCI device pass through ... HOSTPCIID syntax is: bus:dev.func (hexadecimal numbers)";
    qemu-server PVE/QemuServer/PCI.pm (read with `read_file`): `$PCIRE =
    qr/(?:[a-f0-9]{4,}:)?[a-f0-9]{2}:[a-f0-9]{2}(?:\.[a-f0-9])?/` - the PCI domain and the
    function are optional - and parse_hostpci expands each id with `PVE::SysFSTools::lspci($id)`
    into every matching device ("has-multifunction" when there are several): "65:00" is every
    function of 0000:65:00. The host's groups come from /sys/kernel/iommu_groups/N/devices/
    DDDD:BB:DD.F (conftest HARDENED_HOST: group 3 = 00:1f.0 on lpc_ich + 00:1f.3; group 2 =
    65:00.0 on vfio-pci). Passing 00:1f.3 leaves 00:1f.0 to a host driver in the same group: the
    fail HVA-050 gives the libvirt twin (<hostdev> at 0000:00:1f.3). Passing 65:00 gives the VM
    its whole group: pass. hvaudit keeps the address as written and finds no group for it:
    manual "is in no IOMMU group on this host", for both (rt3vm's R25 message noted the parser
    keeps these spellings; never probed with host facts)."""
    from test_redteam2_probes import PVE_HARDENED

    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    bundle = _pve_live_bundle(
        tmp_path,
        {
            "etc/pve/qemu-server/201.conf": vm201
            + f"hostpci0: {hostpci},pcie=1\n"
            + ("" if "machine:" in vm201 else "machine: q35\n")
        },
    )
    a = run_assessment(bundle)
    got, msg = verdict(a, "HVA-050", "api-11")
    assert got == status, msg
    assert part in msg


# --- HVA-049: QEMU turns svm off on named CPU models under KVM ---------------------------------------


def test_named_models_lose_svm_under_kvm(host_scan) -> None:
    """QEMU target/i386/kvm/kvm-cpu.c (read with `find_string`): "KVM-specific features that are
    automatically added/removed from all CPU models when KVM is enabled": kvm_default_props
    holds `{ "svm", "off" }` (since commit 75d373ef97, "Disable SVM by default in KVM mode"),
    applied to every model x86_cpu_load_model loads, qemu64 (the CPU of a domain without <cpu>)
    and EPYC among them; the only way back is hw/i386/pc_piix.c pc_compat_2_1_fn
    `x86_cpu_change_kvm_default("svm", NULL)` for machine types 2.1 and older. libvirt passes a
    custom model as `-cpu MODEL` plus the features the domain names, so a domain that requires
    no svm gets none, whatever kvm_amd's nested parameter (a Ubuntu packaging patch turning it
    back on for qemu64 is not Debian's, whose QEMU 7.2 the hardened host runs). On the AMD host
    with kvm_amd nested=1 (redteam2's AMD_NESTING_HOST) three q35-7.2 VMs - no <cpu>, custom
    qemu64, custom EPYC - cannot run a hypervisor: pass. hvaudit's _carried_svm fails them
    (redteam2's test_default_cpu_model_carries_svm_on_an_amd_nesting_host pins that fail and
    must change with the fix). A domain that requires svm still fails (pinned elsewhere)."""
    from test_redteam2_probes import AMD_NESTING_HOST

    def vm(name: str, cpu: str) -> str:
        uid = uuidlib.uuid5(uuidlib.NAMESPACE_DNS, name)
        return (
            f"<domain type='kvm'><name>{name}</name><uuid>{uid}</uuid>"
            "<memory unit='MiB'>1024</memory><vcpu>1</vcpu>"
            f"<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>{cpu}</domain>"
        )

    custom = "<cpu mode='custom' match='exact'><model fallback='forbid'>{}</model></cpu>"
    a = host_scan(
        AMD_NESTING_HOST,
        domains=[
            vm("nocpu35", ""),
            vm("q64", custom.format("qemu64")),
            vm("epyc", custom.format("EPYC")),
        ],
    )
    for name in ("nocpu35", "q64", "epyc"):
        status, msg = verdict(a, "HVA-049", name)
        assert status == "pass", (name, msg)


# --- device checks and what raw QEMU arguments add ----------------------------------------------------


@pytest.mark.parametrize(
    ("check", "args", "status", "part"),
    [
        # the host's TPM, as <tpm><backend type='passthrough'> would give it
        (
            "HVA-056",
            ("-tpmdev", "passthrough,id=tpm0,path=/dev/tpm0", "-device", "tpm-tis,tpmdev=tpm0"),
            "fail",
            "passthrough",
        ),
        # a writable 9p share in passthrough ownership, as <filesystem accessmode='passthrough'>
        (
            "HVA-058",
            ("-virtfs", "local,path=/srv/share,mount_tag=share,security_model=passthrough"),
            "fail",
            "/srv/share",
        ),
        # ivshmem on a host file mapped shared, as <shmem> would give it
        (
            "HVA-057",
            (
                "-object",
                "memory-backend-file,id=shm0,mem-path=/dev/shm/ivshmem,size=4194304,share=on",
                "-device",
                "ivshmem-plain,memdev=shm0",
            ),
            "fail",
            "ivshmem",
        ),
        # a PCI device given to the guest, as <hostdev type='pci'> would (simulated host: the
        # IOMMU is a question)
        # (HVA-056/057/058 fixed by vmfix2's parity work)
        # (R60 fixed on branch rawargs: a raw -device vfio-pci is PCI passthrough)
        (
            "HVA-050",
            ("-device", "vfio-pci,host=0000:65:00.0"),
            "manual",
            "65:00.0",
        ),
    ],
    ids=["tpm-passthrough", "virtfs-passthrough", "ivshmem", "vfio-pci"],
)
def test_devices_added_by_raw_arguments_are_judged(
    tmp_path: Path, check: str, args: tuple[str, ...], status: str, part: str
) -> None:
    """qemu-options.hx (read with `find_string`): `-tpmdev passthrough,id=id[,path=path]` "(Linux-
    host only) Enable access to the host's TPM using the passthrough driver ... default is
    /dev/tpm0"; `-virtfs ... security_model=passthrough`: "files are stored using the same
    credentials as they are created on the guest"; `-device ivshmem-plain,memdev=` on a
    memory-backend-file with share=on maps one host file into every VM that names it (the <shmem>
    device libvirt builds); `-device vfio-pci,host=` assigns the host PCI function. libvirt passes
    <qemu:arg> values verbatim (formatdomain, "QEMU command-line passthrough"), so each definition
    proves the device exactly as the libvirt element would - the principle R21 fixed for HVA-031
    (a console from -vnc is a console). HVA-046 fails the raw arguments; the device checks must not
    call the device absent. Right: HVA-056/057/058 fail naming the device, HVA-050 on this
    simulated host asks about the IOMMU group of 65:00.0."""
    xml = _raw("rawdev", *args)
    a = run_assessment(replayed_domains(tmp_path, {"rawdev": xml}))
    assert verdict(a, "HVA-046", "rawdev")[0] == "fail"
    got, msg = verdict(a, check, "rawdev")
    assert got == status, msg
    assert part in msg


# --- HVA-442: evidence keys a VM's own advanced settings can supply ----------------------------------


def test_vm_advanced_setting_cannot_claim_encryption(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """hvaudit's own vSphere collector (collect/vsphere.py render_vmx): it writes
    `hvaudit.encryption.keyId` only when the VM has config.keyId, then adds every
    config.extraConfig key not rendered yet (`if _KEY_OK.fullmatch(key) and key.lower() not in
    rendered`). extraConfig holds the VM's advanced configuration parameters, "configuration
    settings that are transferred directly to the .vmx file", refused only where "you ... set
    values that could otherwise be set with other properties in the VirtualMachineConfigSpec"
    (vSphere Automation API, Ovf ExtraConfig, read with `search`): a key of hvaudit's own name is
    none of those, so anyone with the VM's advanced-settings privilege may add it. So an
    unencrypted VM carrying the advanced setting `hvaudit.encryption.keyId = kms/forged` comes out
    of render_vmx with that line, and vmx_model/HVA-442 read it as the key the API would have
    reported: pass "encrypted". A keyId that does not come from config.keyId proves nothing:
    right is HVA-442's manual item ("not encrypted with VM encryption"). Driven through the real
    render_vmx and the vmx+dir:// parser (the same vmx_to_vm the vSphere bundle uses)."""
    from types import SimpleNamespace

    from hvaudit.collect.vsphere import render_vmx
    from test_vmx import scan

    props = {
        "name": "plain-vm",
        "config.uuid": "4221aa00-0000-4000-8000-000000000442",
        "config.hardware.numCPU": 2,
        "config.hardware.memoryMB": 2048,
        "runtime.powerState": "poweredOn",
        "config.extraConfig": [
            SimpleNamespace(key="hvaudit.encryption.keyId", value="kms/forged"),
        ],
    }
    folder = tmp_path / "vmx" / "plain-vm"
    folder.mkdir(parents=True)
    (folder / "plain-vm.vmx").write_text(render_vmx(props, {}))
    _, report = scan(tmp_path / "vmx", capsys)
    r = next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-442", "plain-vm")
    )
    assert r["status"] == "manual", r["message"]


# --- HVA-211 (re-probe of R40's fix): a PCI function whose class was not read ------------------------


def test_pci_function_of_unknown_class_is_a_question(host_scan) -> None:
    """R40 (rt3vm) and vmfix2's fix of it: an SR-IOV VF named only by its PCI address may belong
    to the management NIC's PF, so HVA-211 asks about it; vmfix2 extends this to a <hostdev
    type='pci'> or Proxmox hostpci whose sysfs class (/sys/bus/pci/devices/<addr>/class) is
    02xxxx, a network controller. Where that class is not in the evidence the function may be
    such a VF all the same: (a) the hardened host whose `pci-classes` probe found no `find`
    (command absent: Fact unavailable) with a VM holding 0000:3b:02.1; (b) a live Proxmox node
    whose sysfs lists 0000:3b:00.0 as class 0x020000 (an Ethernet controller) and api-11 with
    `hostpci0: 3b:00` - every function of 3b:00 (qemu-server PCI.pm parse_hostpci expands an id
    without function through PVE::SysFSTools::lspci, read with `read_file`; R55). Neither may
    pass "no host address on a bridge with VM ports" (issue 8: "Never pass on a setting you did
    not read"). Right: manual naming the function (3b:02.1 / 3b:00)."""
    vm = dev(
        "vfhost",
        "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
        "<address domain='0x0000' bus='0x3b' slot='0x02' function='0x1'/></source></hostdev>",
    )
    a = host_scan({"pci-classes": None}, domains=[vm])
    status, msg = verdict(a, "HVA-211", "hv1")
    assert status == "manual", msg
    assert "3b:02.1" in msg


def test_pve_hostpci_of_a_whole_network_device_is_a_question(tmp_path: Path) -> None:
    """R62's Proxmox case, described in the libvirt twin above: sysfs lists 0000:3b:00.0 and .1
    as class 0x020000 (Ethernet controllers) and api-11 has `hostpci0: 3b:00`, every function of
    device 3b:00 (qemu-server PCI.pm parse_hostpci). Right: manual naming 3b:00."""
    from test_redteam2_probes import PVE_HARDENED

    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    bundle = _pve_live_bundle(
        tmp_path,
        {"etc/pve/qemu-server/201.conf": vm201 + "hostpci0: 3b:00\n"},
        {
            "pci-classes": (
                "/sys/bus/pci/devices/0000:3b:00.0/class:0x020000\n"
                "/sys/bus/pci/devices/0000:3b:00.1/class:0x020000\n",
                0,
            )
        },
    )
    a = run_assessment(bundle)
    host = next(r.outcome.subject.name for r in a.results if r.check.id == "HVA-211")
    status, msg = verdict(a, "HVA-211", host)
    assert status == "manual", msg
    assert "3b:00" in msg


def test_pve_hostpci_resource_mapping_is_a_question(tmp_path: Path) -> None:
    """R62's third form: qm.conf(5) hostpci[n] `mapping=<mapping-id>` "The ID of a cluster wide
    mapping. Either this or the default-key 'host' must be set" (qm.conf(5) and qemu-server's
    schema, read with `find_string`); the mapping's devices, per node, live in
    /etc/pve/mapping/pci.cfg, the file hvaudit's own HVA-050 message names. HVA-050 already says it
    cannot place "cluster mapping nic1 (/etc/pve/mapping/pci.cfg)" in an IOMMU group (manual,
    probed), but HVA-211 passes the node: the mapped function may be a VF of the management
    NIC's PF, R40's question. Right: manual naming mapping nic1. (Fixed: HVA-211 asks for the
    node's map entry of the mapping, then the function's PF, the question it asks for a VF
    named by address.) The API's map entries are node=, path= (the PCI address) and id=
    (pulumi proxmoxve hardware/mapping Pci `maps`, read with `search`)."""
    from test_redteam2_probes import PVE_HARDENED

    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    bundle = _pve_live_bundle(
        tmp_path,
        {"etc/pve/qemu-server/201.conf": vm201 + "hostpci0: mapping=nic1,pcie=1\n"},
        {"pci-classes": ("/sys/bus/pci/devices/0000:3b:00.0/class:0x020000\n", 0)},
    )
    a = run_assessment(bundle)
    host = next(r.outcome.subject.name for r in a.results if r.check.id == "HVA-211")
    assert verdict(a, "HVA-050", "api-11")[0] == "manual"
    (r,) = [r for r in a.results if r.check.id == "HVA-211"]
    assert (r.status.value, r.outcome.message) == (
        "manual",
        "PCI function(s) VMs get whose physical function is not in the evidence: cluster "
        "mapping nic1 (/etc/pve/mapping/pci.cfg: a PCI function this node maps it to): VMs "
        "api-11",
    )
    assert r.outcome.question == (
        "Is the physical function of the function mapping nic1 gives (and of every other VF or "
        "mapped function listed; a function that is no VF is its own PF) a NIC that holds none "
        "of the host's addresses (eno3)? Evidence: for mapping nic1, the path= of its `map` "
        f"entry with node={host} in /etc/pve/mapping/pci.cfg (`pvesh get "
        "/cluster/mapping/pci/nic1`); `readlink /sys/bus/pci/devices/<that address>/physfn` on "
        "the host, then `ls /sys/bus/pci/devices/<that PF>/net` and `ip -br addr`. Pass: yes, "
        "each VF's PF holds no host address; fail: a VF's PF holds one (the guest shares the "
        "management NIC's port)."
    )


@pytest.mark.parametrize(
    ("edit", "check"),
    [
        # amd-sev no-debug=<boolean>: "Sets policy bit to disallow debugging of guest"
        ("amd-sev: type=std,no-debug=on\n", "HVA-067"),
        # efidisk0 pre-enrolled-keys=<boolean> with efitype=4m: Secure Boot keys enrolled
        ("", "HVA-066"),
    ],
    ids=["sev-no-debug-on", "efidisk-pre-enrolled-keys-on"],
)
def test_pve_property_boolean_words_in_parity_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: str, check: str
) -> None:
    """The same pve-common parse_property_string rule as test_pve_nic_firewall_on_is_on (boolean
    keys read with parse_boolean: 1/on/yes/true). qm.conf(5) (read with `find_string`):
    `amd-sev: [type=]<sev-type> [,no-debug=<1|0>] ...` "no-debug=<boolean> (default = 0) Sets
    policy bit to disallow debugging of guest"; efidisk0 `pre-enrolled-keys=<boolean>` "Use am
    EFI vars template with distribution-specific and Microsoft Standard keys enrolled, if used
    with 'efitype=4m'". web-10 (efitype=4m in the hardened fixture) with `no-debug=on` runs SEV
    with debugging disallowed; with `pre-enrolled-keys=on` it boots with keys enrolled. Right:
    pass (HVA-067 / HVA-066), as for the `1` spelling."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
    # the flash protected (P23C-1), so that the store is the question
    secure = "args: -global driver=cfi.pflash01,property=secure,value=on\n"
    conf = (
        vm200 + edit
        if edit
        else vm200.replace("pre-enrolled-keys=1", "pre-enrolled-keys=on") + secure
    )
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": conf})
    status, msg = pve_result(report, check, "web-10")
    # HVA-066: `on` is read as 1 (the template with keys); the efidisk it seeded settles it
    assert (status, msg) == (
        ("pass", msg)
        if check == "HVA-067"
        else (
            "manual",
            "UEFI Secure Boot with enrolled keys: OVMF efidisk0 efitype=4m, pre-enrolled-keys=1; "
            "the VM's variable store was created from that template, whether Secure Boot is on "
            "now is in the store",
        )
    )


def test_pve_two_vms_allowed_the_same_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pve-firewall.adoc, "Standard IP set ipfilter-net*" (read with `find_string`): outgoing
    traffic "with a source IP not matching its interface's corresponding ipfilter set will be
    dropped" - and traffic whose source is in the set passes, with ARP for it (HVA-191's
    docstring: pve-firewall builds the ARP filter from the same IPv4 entries). web-10's set holds
    192.0.2.10; api-11's (a copied firewall file; moved to web-10's VLAN 20 on vmbr0, one
    segment) is given 192.0.2.10 as well:
    each VM may send IPv4 and ARP as the other and take its traffic, the cloned-address case
    HVA-191 fails for two libvirt interfaces with one MAC (and R42 for one $IP). Right: fail both,
    naming 192.0.2.10."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    fw201 = (PVE_HARDENED / "etc/pve/firewall/201.fw").read_text()
    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {
            "etc/pve/firewall/201.fw": fw201.replace("192.0.2.11", "192.0.2.10"),
            "etc/pve/qemu-server/201.conf": vm201.replace("tag=30", "tag=20"),
        },
    )
    for vm in ("web-10", "api-11"):
        status, msg = pve_result(report, "HVA-191", vm)
        assert status == "fail", (vm, msg)
        assert "192.0.2.10" in msg


def test_pve_vms_that_opt_out_of_ksm(tmp_path: Path) -> None:
    """qm.conf(5) (read with `find_string`): "allow-ksm: <boolean> (default = 1) Allow memory pages
    of this guest to be merged via KSM (Kernel Samepage Merging)"; "hugepages: <1024 | 2 | any>
    Enables hugepages memory" (qemu-server backs the guest's RAM with hugetlbfs, which KSM never
    merges: HVA-061's own docstring, mm/ksm.c ksm_madvise ignores VM_HUGETLB). On a live node with
    /sys/kernel/mm/ksm/run = 1 (Proxmox VE starts ksmtuned by default), web-10 (hugepages: 2,
    onboot) and api-11 (given `allow-ksm: 0` and `onboot: 1`) both opt out: KSM shares nothing
    between them, the pass HVA-061 gives libvirt VMs with <nosharepages/> or <hugepages/>. The
    Proxmox parser sets neither nosharepages nor hugepage_backed, so HVA-061 fails the node naming
    both. Right: pass."""
    from test_redteam2_probes import PVE_HARDENED

    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    bundle = _pve_live_bundle(
        tmp_path,
        {"etc/pve/qemu-server/201.conf": vm201 + "allow-ksm: 0\nonboot: 1\n"},
        {"/sys/kernel/mm/ksm/run": "1\n"},
    )
    a = run_assessment(bundle)
    host = next(r.outcome.subject.name for r in a.results if r.check.id == "HVA-061")
    status, msg = verdict(a, "HVA-061", host)
    assert status == "pass", msg


# --- vSphere: VM settings the API keeps in properties, not in extraConfig ----------------------------


def _rendered_vm_verdict(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    check_id: str,
    subject: str = "api-vm",
    **extra: object,
) -> tuple[str, str]:
    """One VM rendered by hvaudit's vSphere collector (collect/vsphere.py render_vmx) from API
    properties, in a bundle laid out as that collector lays it out (vmware/hosts/<id>.json and
    vmware/vmx/<id>/<vm>.vmx), parsed and assessed by the real engine. (A .vmx read offline
    through vmx+dir:// no longer stands in for it: there hvaudit's own `hvaudit.*` evidence names
    prove nothing and are dropped, R61.)"""
    import json

    from hvaudit.bundle import BundleWriter
    from hvaudit.collect.vsphere import render_vmx

    props: dict[str, object] = {
        "name": "api-vm",
        "config.uuid": "4221aa00-0000-4000-8000-000000000405",
        "config.hardware.numCPU": 2,
        "config.hardware.memoryMB": 2048,
        "runtime.powerState": "poweredOn",
        "config.extraConfig": [],
        **extra,
    }
    writer = BundleWriter(tmp_path / "b", target="vsphere://vc.example", platform="vmware-esxi")
    writer.add("vmware/hosts/host-1.json", json.dumps({"name": "esx1"}).encode(), origin="test")
    writer.add("vmware/vmx/host-1/api-vm.vmx", render_vmx(props, {}).encode(), origin="test")
    bundle = writer.close(complete=True)
    assert bundle is not None
    a = run_assessment(bundle)
    (r,) = [r for r in a.results if r.check.id == check_id and r.outcome.subject.name == subject]
    return r.status.value, r.outcome.message


def test_vsphere_video_card_with_3d_support_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """vSphere Web Services API, VirtualMachineVideoCard (vim.vm.device.VirtualVideoCard, read
    with `search`): "enable3DSupport xsd:boolean - Flag to indicate whether the virtual video card
    supports 3D functions. This property can only be updated when the virtual machine is powered
    off"; the vSphere Client's "Enable 3D Support" box and ansible's vmware_guest_video
    `enable_3D` set it. extraConfig is not the place for it: "you cannot set values that could
    otherwise be set with other properties in the VirtualMachineConfigSpec" (vSphere Automation
    API, ExtraConfigParams, read with `search`), which is why render_vmx itself turns API
    properties into their .vmx keys. Right: fail, as for mks.enable3d = TRUE. The integrator's
    R65 fix (fb8df24) renders the card, and passes this probe with a stand-in class named like
    the WSDL type (the form in which R65 first posed it)."""
    from types import SimpleNamespace

    VirtualMachineVideoCard = type("VirtualMachineVideoCard", (SimpleNamespace,), {})
    card = VirtualMachineVideoCard(key=500, enable3DSupport=True, use3dRenderer="automatic")
    status, msg = _rendered_vm_verdict(
        tmp_path, capsys, "HVA-405", **{"config.hardware.device": [card]}
    )
    assert status == "fail", msg


def test_vsphere_real_pyvmomi_video_card_with_3d_support_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hole in R65's fix (integrator, fb8df24), from my own probe's mistake: render_vmx names a
    device by `type(d).__name__.rsplit(".", 1)[-1]`, which for pyVmomi objects is the Python
    binding's name, not the WSDL type. The vSphere API reference gives both, "Data Object -
    VirtualMachineVideoCard(vim.vm.device.VirtualVideoCard)" (read with `search`), and pyVmomi
    8 in this venv builds `vim.vm.device.VirtualVideoCard(enable3DSupport=True)` whose class
    name is "vim.vm.device.VirtualVideoCard" (probed; there is no vim.vm.device.
    VirtualMachineVideoCard). The other device branches use names that are the same in both
    (VirtualVmxnet3, VirtualUSBXHCIController, VirtualPCIPassthrough). So the branch
    `kind == "VirtualMachineVideoCard"` never matches what the collector receives, and a VM with
    3D on through the API still passes "3D acceleration off". The probe uses the real pyVmomi
    data object. Right: fail. (Fixed: render_vmx names a device by pyVmomi's `_wsdlName`,
    collect/vsphere.py wsdl_type.)"""
    vim = pytest.importorskip("pyVmomi").vim

    card = vim.vm.device.VirtualVideoCard(key=500, enable3DSupport=True)
    assert _rendered_vm_verdict(
        tmp_path, capsys, "HVA-405", **{"config.hardware.device": [card]}
    ) == ("fail", "the video card has enable3DSupport (vSphere API)")


def test_vsphere_real_pyvmomi_video_card_without_3d_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of R72: the same real card with enable3DSupport false is read (rendered FALSE); it
    renders an absent mks.enable3d and FALSE alike, so the host's /etc/vmware/config decides
    (L16-12): the host's question, not a pass."""
    vim = pytest.importorskip("pyVmomi").vim

    card = vim.vm.device.VirtualVideoCard(key=500, enable3DSupport=False)
    assert _rendered_vm_verdict(
        tmp_path, capsys, "HVA-405", "esx1", **{"config.hardware.device": [card]}
    ) == (
        "manual",
        "1 VM(s) (api-vm) do not set mks.enable3d in their .vmx: the host's /etc/vmware/settings "
        "and /etc/vmware/config, not read, decide",
    )


def test_render_vmx_names_real_pyvmomi_devices_by_their_wsdl_type() -> None:
    """R72's class: render_vmx matches devices and backings by their vSphere API (WSDL) type
    names, and pyVmomi names some classes otherwise (`CreateDataType("vim.vm.device.
    VirtualVideoCard", "VirtualMachineVideoCard", ...)`, pyVmomi _typeinfo_vim.py;
    vim.vm.device.VirtualCdrom.AtapiBackingInfo is VirtualCdromAtapiBackingInfo). Real pyVmomi
    objects of each kind render_vmx reads by a name that differs between the two (the video card,
    the CD-ROM's host drive backing, a serial port on a host device, a USB device's backing) come
    out as the .vmx keys the checks read."""
    vim = pytest.importorskip("pyVmomi").vim
    from hvaudit.collect.vsphere import render_vmx

    device = vim.vm.device
    devices = [
        device.VirtualIDEController(key=200, busNumber=0),
        device.VirtualCdrom(
            key=3000,
            controllerKey=200,
            unitNumber=0,
            backing=device.VirtualCdrom.AtapiBackingInfo(deviceName="/dev/cdrom"),
        ),
        device.VirtualSerialPort(
            key=9000, backing=device.VirtualSerialPort.DeviceBackingInfo(deviceName="/dev/ttyS0")
        ),
        device.VirtualVideoCard(key=500, enable3DSupport=True),
        device.VirtualUSB(key=700, backing=device.VirtualUSB.USBBackingInfo(deviceName="1/0")),
    ]
    text = render_vmx({"name": "x", "config.hardware.device": devices}, {})
    assert text.splitlines()[6:] == [
        'ide0:0.present = "TRUE"',
        # the host's drive, emulated (ATAPI): atapi-cdrom, as its .vmx says (vmwleads L3)
        'ide0:0.deviceType = "atapi-cdrom"',
        'ide0:0.fileName = "/dev/cdrom"',
        'serial0.present = "TRUE"',
        'serial0.fileType = "device"',
        'serial0.fileName = "/dev/ttyS0"',
        'hvaudit.video.enable3DSupport = "TRUE"',
        'usb:0.present = "TRUE"',
        'usb:0.deviceType = "VirtualUSBUSBBackingInfo"',
        # the host USB device's name, recorded since V11-3 (a host device is passthrough)
        'hvaudit.usb:0.deviceName = "1/0"',
        'hvaudit.encryption.disks = "0"',  # no VirtualDisk (V10-6: disk keys counted)
        'hvaudit.encryption.disksEncrypted = "0"',
    ]


def test_vsphere_max_mks_connections_one_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """VirtualMachineConfigInfo.maxMksConnections (vSphere API, since 5.0; pyVmomi
    `vim.vm.ConfigInfo.maxMksConnections: Optional[int]`, read with `find_string`): the number of
    remote console (MKS) sessions the VM admits; govmomi's simulator reports -1 (unlimited) by
    default, and the API refuses a connection past it with MksConnectionLimitReached
    ("connectionLimit: MKS connection limit for the virtual machine", read with `search`). vSphere
    Virtual Machine Administration 6.5/6.7, "Change the Virtual Machine Console Options for Remote
    Users" (VM Options > VMware Remote Console Options, read with `search`): "you can limit the
    number of simultaneous connections to a virtual machine". A VM so limited to 1 admits one
    session, what HVA-403 asks (CIS 8.1.1 sets the same limit as RemoteDisplay.maxConnections
    through an advanced setting); render_vmx ignores the property
    (same gap as the video card above), so HVA-403 fails "RemoteDisplay.maxConnections is not set:
    unlimited console sessions". Right: pass (and with -1, fail as unlimited)."""
    status, msg = _rendered_vm_verdict(
        tmp_path, capsys, "HVA-403", **{"config.maxMksConnections": 1}
    )
    assert (status, msg.endswith(but("esx1"))) == ("manual", True), msg  # V17-1


# --- HVA-031 (hole in R44's fix on branch vmfix2): the UDP net console from raw arguments ------------


_ANY = "* (bound to every address)"
_TYPES = "no TLS or authentication, whoever can send to it types into the VM"
_PEER_ONLY = "QEMU takes input only from that peer, which no other machine can send as"
#: the simulated host has no /proc: 127/8 rests on the kernel's default (hvaudit.checks._loopback)
_ASSUMED = " (127/8 taken as local: route_localnet not read, the kernel's default is 0)"
_FORGED = (
    "the console travels in cleartext, and QEMU takes input on 0.0.0.0 from anyone sending as "
    "that address"
)


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        # a two-way UDP console bound to :4556 and connected to localhost:4555: QEMU takes the
        # guest's serial input from that loopback peer only (netfix: connect(2) on a datagram
        # socket; was a fail on port 4556)
        (
            ("-serial", "udp::4555@:4556"),
            "pass",
            "QEMU argument -serial udp::4555@:4556: UDP bound to "
            f"{_ANY} port 4556, connected to localhost port 4555: {_PEER_ONLY}{_ASSUMED}",
        ),
        # the same as a parallel port
        (
            ("-parallel", "udp:198.51.100.7:4555@:4556"),
            "fail",
            "QEMU argument -parallel udp:198.51.100.7:4555@:4556: the guest's console over UDP "
            f"on {_ANY} port 4556: {_TYPES}",
        ),
        # no local part: QEMU sends to, and reads from, a peer on the network
        (
            ("-serial", "udp:198.51.100.7:4555"),
            "fail",
            "QEMU argument -serial udp:198.51.100.7:4555: the guest's console over UDP to "
            f"198.51.100.7 port 4555: {_FORGED}",
        ),
        # mon: puts QEMU's monitor on the same device; a network peer exposes both
        (
            ("-serial", "mon:udp:198.51.100.7:4555@:4556"),
            "fail",
            "QEMU argument -serial mon:udp:198.51.100.7:4555@:4556: the guest's console and "
            f"QEMU's monitor (mon:) over UDP on {_ANY} port 4556: {_TYPES}",
        ),
        (
            ("-serial", "mon:telnet::4444,server=on,wait=off"),
            "fail",
            "QEMU argument -serial mon:telnet::4444,server=on,wait=off: the guest's console and "
            "QEMU's monitor (mon:) as a TCP server on every address, without authentication or "
            "TLS",
        ),
        # the socket backend's other short spellings
        (
            ("-serial", "websocket::5700,server=on"),
            "fail",
            "QEMU argument -serial websocket::5700,server=on: the guest's console as a TCP server "
            "on every address, without authentication or TLS",
        ),
        (
            ("-monitor", "tn3270:0.0.0.0:2323,server"),
            "fail",
            "QEMU argument -monitor tn3270:0.0.0.0:2323,server: QEMU's monitor as a TCP server "
            "on 0.0.0.0, without authentication or TLS",
        ),
        # -chardev udp: localport alone binds every address, the peer a network one
        (
            ("-chardev", "udp,id=c0,host=198.51.100.7,port=4555,localport=4556"),
            "fail",
            "QEMU argument -chardev udp,id=c0,host=198.51.100.7,port=4555,localport=4556: a "
            f"character device over UDP on {_ANY} port 4556: {_TYPES}",
        ),
        # ... and with the default peer (localhost) nothing but the host sends to it
        (
            ("-chardev", "udp,id=c0,port=4555,localport=4556"),
            "pass",
            "QEMU argument -chardev udp,id=c0,port=4555,localport=4556: UDP bound to "
            f"{_ANY} port 4556, connected to localhost port 4555: {_PEER_ONLY}{_ASSUMED}",
        ),
        (
            ("-chardev", "udp,id=c0,host=198.51.100.7,port=4555"),
            "fail",
            "QEMU argument -chardev udp,id=c0,host=198.51.100.7,port=4555: a character device "
            f"over UDP to 198.51.100.7 port 4555: {_FORGED}",
        ),
        # loopback only: bound to 127.0.0.1, or no local part and the peer localhost (the default)
        (
            ("-serial", "udp::4555@127.0.0.1:4556"),
            "pass",
            "QEMU argument -serial udp::4555@127.0.0.1:4556: UDP on the host's loopback only"
            + _ASSUMED,
        ),
        (
            ("-chardev", "udp,id=c0,port=4555"),
            "pass",
            "QEMU argument -chardev udp,id=c0,port=4555: UDP on the host's loopback only"
            + _ASSUMED,
        ),
    ],
    ids=[
        "serial-udp",
        "parallel-udp",
        "serial-udp-peer",
        "mon-udp",
        "mon-telnet",
        "serial-websocket",
        "monitor-tn3270",
        "chardev-udp-localport",
        "chardev-udp-localport-default-peer",
        "chardev-udp-peer",
        "serial-udp-loopback",
        "chardev-udp-default-peer",
    ],
)
def test_raw_udp_net_console_is_a_console(
    tmp_path: Path, args: tuple[str, str], status: str, message: str
) -> None:
    """qemu-options.hx, -serial dev "udp:[remote_host]:remote_port[@[src_ip]:src_port]": "This
    implements UDP Net Console. When remote_host or src_ip are not specified they default to
    0.0.0.0 ... If you want a two way connection, e.g. -serial udp::4555@:4556" (QEMU's
    chardev/char-udp.c, found with `search`, binds src_ip:src_port and feeds what arrives there
    to the device). hvaudit's own HVA-031 fails the libvirt form (<serial type='udp'> with
    mode='bind' on 0.0.0.0: "no TLS or authentication, whoever can send to it types into the
    VM", checks/consoles.py _udp); vmfix2's R44 fix reads -serial/-parallel/-monitor/-qmp with
    tcp: and telnet: backends only, so the same console written as a raw argument leaves the VM
    with "no VNC, SPICE or RDP console and no TCP or UDP character device": not applicable.
    Right: fail naming port 4556, as for the libvirt form. (Fixed: consoles.py reads the short
    backend spellings of qemu_chr_parse_compat - `mon:`, tcp:/telnet:/tn3270:/websocket: and
    udp: - and `-chardev udp`, and judges a UDP device by one rule, _udp_exposure, whether
    libvirt or a raw argument built it. Twins: the other spellings, and the loopback forms that
    pass as the libvirt <serial type='udp'> on 127.0.0.1 does.)"""
    xml = _raw("rawudp", *args)
    a = run_assessment(replayed_domains(tmp_path, {"rawudp": xml}))
    assert verdict(a, "HVA-031", "rawudp") == (status, message)


# --- HVA-191: a mask that makes an own-address match match every address (probed: handled) --------


def _site_full_ip(accept: str) -> dict[str, str]:
    """_site(accept, clean-traffic) with no-ip-spoofing as libvirt ships it (its returns for
    UDP from 0.0.0.0 and for $IP, /usr/share/libvirt/nwfilter/no-ip-spoofing.xml on this
    machine), so that an accept of the VM's own address has something to be compared with."""
    filters = _site(accept, CT)
    filters["no-ip-spoofing"] = (
        "<filter name='no-ip-spoofing' chain='ipv4-ip' priority='-710'>"
        "<rule action='return' direction='out' priority='100'>"
        "<ip srcipaddr='0.0.0.0' protocol='udp'/></rule>"
        "<rule direction='out' action='return' priority='500'><ip srcipaddr='$IP'/></rule>"
        "<rule direction='out' action='drop' priority='1000'/></filter>"
    )
    return filters


@pytest.mark.parametrize(
    ("rule", "status"),
    [
        # the VM's own address only: no more than no-ip-spoofing's own return
        ("<ip srcipaddr='$IP'/>", "pass"),
        # every IPv4 source: $IP under a /0 mask, CIDR or dotted
        ("<ip srcipaddr='$IP' srcipmask='0'/>", "fail"),
        ("<ip srcipaddr='$IP' srcipmask='0.0.0.0'/>", "fail"),
    ],
    ids=["own", "cidr-0", "dotted-0"],
)
def test_own_address_under_an_empty_mask_matches_every_source(
    tmp_path: Path, rule: str, status: str
) -> None:
    """Probed, and right on main: formatnwfilter, "Supported protocols", IPv4: `srcipmask
    IP_MASK` "Mask applied to source IP address", IP_MASK "IP address mask in either dotted
    decimal format (255.255.248.0) or CIDR mask (0-32)" (RHEL 6 Virtualization Administration
    Guide 18.12.10, read with `search`). Under mask 0 no bit of the source is compared, so a root
    accept of `<ip srcipaddr='$IP' srcipmask='0'/>` at -720 (ahead of ipv4-ip at -710) takes
    every IPv4 packet: fail. Without the mask it admits the VM's own address only: pass.
    nwfilter.py _harmless refuses an own-address match widened by a mask of its own. (The
    suite's STOCK no-ip-spoofing holds only the drop, so there even the plain accept fails.)"""
    accept = f"<rule action='accept' direction='out' priority='-720'>{rule}</rule>"
    a = filtered_node(tmp_path, [dev("masked", nic("site", ip="10.0.0.62"))], _site_full_ip(accept))
    got, msg = verdict(a, "HVA-191", "masked")
    assert got == status, msg


# --- HVA-192 (Proxmox): a NIC on a bridge the node's interfaces file does not declare -------------------


def test_pve_nic_on_an_unread_sdn_vnet_is_a_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """qemu-server plugs a NIC through PVE::Network::SDN::Zones::tap_plug, which looks the bridge
    up as a VNet first (`my $vnet = PVE::Network::SDN::Vnets::get_vnet($bridge); if (!$vnet) { #
    fallback for classic bridge`); the VLAN zone plugin then reads the VNet bridge's own
    vlan_filtering (`die "vm vlans are not allowed on vnet $vnetid" if !$vlan_aware && ($tag ||
    $trunks)`) and calls PVE::Network::tap_plug, which on a VLAN-aware bridge gives a port without
    tag every VLAN of the bridge (all read with `find_string`). A VNet's "VLAN aware" option
    (pvesdn.adoc; Proxmox API /cluster/sdn/vnets `vlanaware`, as the pulumi and ansible
    proxmox_vnet docs list it, read with `search`) makes it so. The VNet lives in
    /etc/pve/sdn/vnets.cfg and is rendered into /etc/network/interfaces.d/sdn (sourced by
    /etc/network/interfaces); hvaudit collects neither. api-11 moved to `bridge=vnet1` with no
    tag: the bridge is in none of hvaudit's evidence, yet HVA-192 finds no trunk because
    bridges.get('vnet1') is empty ("not VLAN-aware"). issue 8: never pass on a setting not read.
    Right: manual naming vnet1 (or fail once the VNet is read as VLAN-aware). (Fixed: the
    Proxmox parser marks an untagged NIC on a bridge the interfaces file does not declare, or
    any when the file was not read, as carrying VLANs the evidence does not give; HVA-192 asks.
    Branch pveifaces reads the sourced files: this copy has no /etc/network/interfaces.d, so the
    question names it; with /etc/network/interfaces.d/sdn collected the VNet is a known bridge,
    tests/test_proxmox_sourced.py.)"""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    conf = vm201.replace("bridge=vmbr0,firewall=1,tag=30", "bridge=vnet1,firewall=1")
    assert conf != vm201
    interfaces = (PVE_HARDENED / "etc/network/interfaces").read_text()
    report = pve_scan(
        tmp_path,
        capsys,
        {
            "etc/pve/qemu-server/201.conf": conf,
            "etc/network/interfaces": interfaces + "\nsource /etc/network/interfaces.d/*\n",
        },
    )
    (r,) = [
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-192", "api-11")
    ]
    assert (r["status"], r["message"]) == (
        "manual",
        "untagged NIC(s) on a bridge whose VLAN setting is not in the evidence: "
        "BC:24:11:00:00:21 on bridge vnet1: a file /etc/network/interfaces sources was not "
        "read: /etc/network/interfaces.d/* (sourced at /etc/network/interfaces:32: the copied "
        "tree has no directory /etc/network/interfaces.d)",
    )
    assert r["question"] == (
        "Is bridge vnet1 (and every other bridge listed) on host pve-h1 not VLAN-aware, so the "
        "untagged NIC gets one VLAN? Evidence: `ip -d link show vnet1` there (vlan_filtering 1 "
        "is VLAN-aware; an Open vSwitch bridge is `ovs-vsctl br-exists vnet1`), and for an SDN "
        "VNet its `vlanaware` in /etc/pve/sdn/vnets.cfg; the file(s) /etc/network/interfaces "
        "sources that were not read: /etc/network/interfaces.d/* (a stanza `iface vnet1` there "
        "with `bridge-vlan-aware` yes, on, 1 or fast makes it VLAN-aware). Pass: yes, "
        "vlan_filtering 0 and no Open vSwitch bridge; fail: no, VLAN-aware or Open vSwitch, where a "
        "port without a tag receives every VLAN of the bridge."
    )
    # the same NIC with a tag is an access port on any bridge (a VLAN-aware VNet, a classic one)
    report = pve_scan(
        tmp_path / "tagged",
        capsys,
        {
            "etc/pve/qemu-server/201.conf": conf.replace("bridge=vnet1", "bridge=vnet1,tag=30"),
            "etc/network/interfaces": interfaces,
        },
    )
    assert pve_result(report, "HVA-192", "api-11") == ("pass", "1 interface(s), none trunked")


# --- HVA-042 (hole in R47's fix on branch vmfix2): group disk from qemu.conf, not a label --------------


@pytest.mark.parametrize(
    ("group_file", "conf_group"),
    [
        # qemu.conf `group = "disk"`: every VM's QEMU runs in gid 6
        ("disk:x:6:\n", "disk"),
        # QEMU's own account listed in group disk: libvirt gives QEMU that supplementary group
        ("disk:x:6:libvirt-qemu\n", "libvirt-qemu"),
    ],
    ids=["qemu-conf-group-disk", "qemu-user-in-group-disk"],
)
def test_qemu_in_group_disk_from_the_host_config_fails(
    host_scan, group_file: str, conf_group: str
) -> None:
    """R47's sources: Debian base-passwd, "disk - Raw access to disks. Mostly equivalent to root
    access"; udev gives every block device group disk, mode 0660. qemu.conf.in: "The group for
    QEMU processes run by the system instance" (`group = "root"` example); libvirt runs QEMU with
    qemu.conf's user and group, and with the supplementary groups of that user
    (security_dac.c virSecurityDACGetIds, read with `find_string`: `*groups = priv ?
    priv->groups : NULL;` before the label is parsed, priv->groups being virGetGroupList of the
    configured user, for a domain with or without its own label; HVA-042's own docstring cites
    virGetGroupList/setgroups for group root). So (a) `group = "disk"` in qemu.conf and (b)
    `disk:x:6:libvirt-qemu` in /etc/group each put every VM's QEMU in gid 6, with read-write
    access to every host disk: the reach vmfix2's R47 fix fails for one VM's
    `<label>+64055:+6</label>`, and the reach HVA-042 fails for group root (`group = root`,
    libvirt-qemu listed in group root). Right: fail naming group disk."""
    from conftest import HARDENED_HOST

    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"].replace(
        'group = "libvirt-qemu"', f'group = "{conf_group}"'
    )
    a = host_scan(
        {
            "/etc/group": HARDENED_HOST["/etc/group"] + group_file,
            "/etc/libvirt/qemu.conf": conf,
        }
    )
    status, msg = verdict(a, "HVA-042", "hv1")
    assert status == "fail", msg
    assert "disk" in msg


# --- HVA-191 (hole in R42's fix on branch vmfix2): one IPv6 address, two VMs ------------------------------


def _shipped_filters() -> dict[str, str]:
    """libvirt 9.0.0's filters as this machine ships them (/usr/share/libvirt/nwfilter/*.xml,
    what `virsh nwfilter-dumpxml` shows on its daemon), comments and uuids dropped."""
    import re

    out = {}
    for p in Path("/usr/share/libvirt/nwfilter").glob("*.xml"):
        text = re.sub(r"<!--.*?-->", "", p.read_text(), flags=re.S)
        out[p.stem] = re.sub(r"\s*<uuid>.*?</uuid>", "", text)
    return out


#: A dual-stack site filter: clean-traffic's layout with no-ipv6-spoofing and IPv6 allowed.
DUAL = (
    "<filter name='dual' chain='root'>"
    "<filterref filter='no-mac-spoofing'/><filterref filter='no-ip-spoofing'/>"
    "<filterref filter='no-ipv6-spoofing'/>"
    "<rule action='accept' direction='out' priority='-650'><mac protocolid='ipv4'/></rule>"
    "<rule action='accept' direction='out' priority='-550'><mac protocolid='ipv6'/></rule>"
    "<filterref filter='allow-incoming-ipv4'/><filterref filter='allow-incoming-ipv6'/>"
    "<filterref filter='no-arp-spoofing'/>"
    "<rule action='accept' direction='inout' priority='-500'><mac protocolid='arp'/></rule>"
    "<filterref filter='no-other-l2-traffic'/></filter>"
)


@pytest.mark.skipif(
    not Path("/usr/share/libvirt/nwfilter/no-ipv6-spoofing.xml").is_file(),
    reason="libvirt's shipped nwfilters are not installed",
)
def test_two_vms_given_the_same_ipv6_parameter(tmp_path: Path) -> None:
    """/usr/share/libvirt/nwfilter/no-ipv6-spoofing.xml (libvirt 9.0.0 on this machine): chain
    ipv6-ip, `<rule direction='out' action='return' priority='500'><ipv6 srcipaddr='$IPV6'/>`
    then a drop of everything else. IPV6 is not learned (formatnwfilter reserves MAC and IP
    only, RHEL 6 guide 18.12.4): it is a <parameter> the interface passes, as dual-stack setups do
    (fsinf/libvirt-fsinf: `<parameter name='IPV6' value='2606:...'/>` beside IP, read with
    `search`), and hvaudit's OWN_SOURCE counts $IPV6 as the VM's own address. A dual-stack site filter (DUAL) admits IPv6 after that check. alpha and beta
    on br0 get distinct IP (10.0.0.5, 10.0.0.6) but the same `<parameter name='IPV6'
    value='2001:db8::10'/>`: each filter returns IPv6 packets from 2001:db8::10 as its own
    source, so alpha sends IPv6 (and neighbour advertisements, IPv6's ARP) as beta and takes
    its traffic, the cloned-address case vmfix2's R42 fix now fails for $IP ("the filter's IP
    parameter 10.0.0.5 is VM(s) beta's too", probed: it does with IP shared). _ip_values reads
    `k == "IP"` only. gamma (own IPv6) passes, and the layout passes HVA-191 for all three with
    distinct addresses. Right: fail alpha and beta, naming 2001:db8::10. (Fixed: HVA-191 counts
    $IPV6's values as own addresses where the tree reads $IPV6.)"""
    filters = {**_shipped_filters(), "dual": DUAL}

    def nic6(mac: str, ip: str, ip6: str) -> str:
        return (
            f"<interface type='network'><mac address='{mac}'/><source network='lan'/>"
            "<model type='virtio'/><filterref filter='dual'>"
            f"<parameter name='IP' value='{ip}'/><parameter name='IPV6' value='{ip6}'/>"
            "</filterref></interface>"
        )

    a = filtered_node(
        tmp_path,
        [
            dev("alpha", nic6("52:54:00:00:06:01", "10.0.0.5", "2001:db8::10")),
            dev("beta", nic6("52:54:00:00:06:02", "10.0.0.6", "2001:db8::10")),
            dev("gamma", nic6("52:54:00:00:06:03", "10.0.0.7", "2001:db8::11")),
        ],
        filters,
    )
    assert verdict(a, "HVA-191", "gamma")[0] == "pass"
    for vm, mac, other in (("alpha", "06:01", "beta"), ("beta", "06:02", "alpha")):
        assert verdict(a, "HVA-191", vm) == (
            "fail",
            f"52:54:00:00:{mac}: the filter's IPV6 parameter 2001:db8::10 is VM(s) {other}'s too "
            "on br0: filter 'dual' admits it as each one's own source, so each can send IPv6 as "
            "the other",
        )


@pytest.mark.skipif(
    not Path("/usr/share/libvirt/nwfilter/clean-traffic.xml").is_file(),
    reason="libvirt's shipped nwfilters are not installed",
)
def test_the_same_ipv6_parameter_on_a_filter_that_never_reads_it(tmp_path: Path) -> None:
    """Twin of R69: libvirt 9.0.0's clean-traffic (this machine's
    /usr/share/libvirt/nwfilter/clean-traffic.xml) has no no-ipv6-spoofing and drops IPv6
    (no-other-l2-traffic): no rule of its tree reads $IPV6, so an IPV6 parameter two VMs share
    admits neither to send anything. Distinct IPs, one IPV6 value: pass both, not the clone
    failure."""

    def nic6(mac: str, ip: str) -> str:
        return (
            f"<interface type='network'><mac address='{mac}'/><source network='lan'/>"
            "<model type='virtio'/><filterref filter='clean-traffic'>"
            f"<parameter name='IP' value='{ip}'/><parameter name='IPV6' value='2001:db8::10'/>"
            "</filterref></interface>"
        )

    a = filtered_node(
        tmp_path,
        [
            dev("alpha", nic6("52:54:00:00:06:01", "10.0.0.5")),
            dev("beta", nic6("52:54:00:00:06:02", "10.0.0.6")),
        ],
        _shipped_filters(),
    )
    for vm in ("alpha", "beta"):
        assert verdict(a, "HVA-191", vm) == ("pass", "1 interface(s) filtered by clean-traffic")


# --- HVA-031 (Proxmox, hole in vmfix2's parity work): `args:` is split the way a shell splits -------


@pytest.mark.parametrize(
    ("args", "part"),
    [
        # the guest's serial console as a TCP server on every address, its option string quoted
        (
            "-serial 'tcp::4444,server=on,wait=off'",
            "QEMU argument -serial tcp::4444,server=on,wait=off: the guest's console as a TCP "
            "server on every address, without authentication or TLS",
        ),
        # a SPICE server on every address without a password, quoted
        (
            '-spice "port=5930,addr=0.0.0.0,disable-ticketing=on"',
            "QEMU argument -spice port=5930,addr=0.0.0.0,disable-ticketing=on: a SPICE server on "
            "0.0.0.0 without authentication (disable-ticketing)",
        ),
    ],
    ids=["serial-quoted", "spice-quoted"],
)
def test_pve_quoted_raw_console_arguments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: str, part: str
) -> None:
    """qemu-server PVE/QemuServer.pm config_to_command: `if ($conf->{args}) { my $aa =
    PVE::Tools::split_args($conf->{args}); push @$cmd, @$aa; }`, and pve-common PVE/Tools.pm
    `sub split_args { ... return $str ? [ Text::ParseWords::shellwords($str) ] : []; }` (both
    read with `find_string`): quotes group and are removed, so `-serial
    'tcp::4444,server=on,wait=off'` hands QEMU the same two arguments as the unquoted form, a
    serial console listening on every address (qemu-options.hx, R44's sources), and the quoted
    -spice line is R44's SPICE server without authentication. proxmox_model builds
    raw_hypervisor_arguments with `v["args"].split()`: the value keeps its quote, `'tcp:...` does
    not start with "tcp:", and the SPICE options parse as `port="5930`... . On vmfix2@85f6073
    (where HVA-031 judges Proxmox VMs) api-11 then passes "console(s) reachable only from the
    host" / "TLS port only, with ticketing"; the unquoted twin fails (probed). Right: fail,
    naming port 4444 / SPICE. (Fixed by f47b427: proxmox_model splits `args:` with shlex in POSIX
    mode, the quoting rules of shellwords; the words QEMU receives are quote-free, the message
    quotes them as QEMU gets them.)"""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/201.conf": vm201 + f"args: {args}\n"})
    assert pve_result(report, "HVA-046", "api-11")[0] == "fail"
    status, msg = pve_result(report, "HVA-031", "api-11")
    assert status == "fail", msg
    assert msg == part


def test_pve_args_backslash_in_double_quotes_reaches_qemu_unescaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hole in R70's fix (f47b427 split `args:` with Python's shlex): Text::ParseWords
    parse_line, which shellwords calls (Text-ParseWords 3.31, read with `find_string`), removes
    a backslash before any character inside double quotes (`$quoted =~ s/\\(.)/$1/sg if
    ($quote eq '"')`), where POSIX shlex keeps it unless a quote, backslash, $ or ` follows.
    `-spice "tls-port=5931,addr=0.0.0.0,disable-ticketing=o\n"` reaches QEMU as
    `disable-ticketing=on` (probed with this machine's perl: `shellwords` gives exactly that):
    SPICE on every address without authentication. With shlex hvaudit read `o\n`, no flag, and
    passed "TLS port only, with ticketing". Right: fail, as for the plain spelling."""
    from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

    vm201 = (PVE_HARDENED / "etc/pve/qemu-server/201.conf").read_text()
    args = r'-spice "tls-port=5931,addr=0.0.0.0,disable-ticketing=o\n"'
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/201.conf": vm201 + f"args: {args}\n"})
    assert pve_result(report, "HVA-031", "api-11") == (
        "fail",
        "QEMU argument -spice tls-port=5931,addr=0.0.0.0,disable-ticketing=on: a SPICE server "
        "on 0.0.0.0 without authentication (disable-ticketing)",
    )


#: (args: text, the words Perl's Text::ParseWords::shellwords 3.31 gives, probed with perl)
SHELLWORDS = [
    (
        r'this   is "a test" of\ parse_line \"for you',
        ["this", "is", "a test", "of parse_line", '"for', "you"],
    ),
    (r'-spice "port=1,disable-ticketing=o\n"', ["-spice", "port=1,disable-ticketing=on"]),
    # a backslash keeps a single quote from ending the string, and stays
    (r"-name 'a\' -x ' -vnc 0.0.0.0:1", ["-name", "a\\' -x ", "-vnc", "0.0.0.0:1"]),
    ("x\"y z\"w  'a b'", ["xy zw", "a b"]),
    ("  lead  trail  ", ["lead", "trail"]),
    # unbalanced quote, trailing backslash: nothing
    ('a "b', []),
    ("a b\\", []),
]


@pytest.mark.parametrize(("text", "words"), SHELLWORDS)
def test_pve_args_split_as_perl_shellwords(text: str, words: list[str]) -> None:
    """R70's class: `args:` is split by Text::ParseWords::shellwords (pve-common PVE::Tools
    split_args), not by a POSIX shell; proxmox_model.shellwords ports its pattern."""
    from hvaudit.parse.proxmox_model import shellwords

    assert shellwords(text) == words


@pytest.mark.skipif(
    subprocess.run(
        ["perl", "-MText::ParseWords", "-MJSON::PP", "-e", "1"], capture_output=True
    ).returncode
    != 0
    if shutil.which("perl")
    else True,
    reason="perl with Text::ParseWords and JSON::PP is not installed",
)
def test_shellwords_port_agrees_with_perl() -> None:
    """The port against the real Text::ParseWords on this machine, over 600 strings of blanks,
    quotes, backslashes and word characters (seeded): the same words for every one."""
    import json
    import random

    from hvaudit.parse.proxmox_model import shellwords

    rng = random.Random(70)  # noqa: S311 - test inputs, not secrets
    alphabet = ["a", " ", '"', "'", "\\", "b", "\t", ",", "="]
    cases = [text for text, _ in SHELLWORDS] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(600)
    ]
    script = (
        "local $/; my $in = decode_json(<STDIN>); my @out;"
        " for my $c (@$in) { push @out, [map { defined $_ ? $_ : '' } shellwords($c)] }"
        " print encode_json(\\@out);"
    )
    done = subprocess.run(
        ["perl", "-MText::ParseWords", "-MJSON::PP", "-e", script],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    expected = json.loads(done.stdout)
    assert [shellwords(c) for c in cases] == expected


# --- HVA-191: a negated drop is not a catch-all --------------------------------------------------------


@pytest.mark.parametrize(
    "match",
    [
        # drops frames not sent from the VM's MAC: what the mac chain already dropped
        # R71: drops only frames from other MACs, so the VM's own IPv6 and 802.1Q-tagged frames
        # leave unchecked
        pytest.param("<mac match='no' srcmacaddr='$MAC'/>", id="negated-mac"),
        # drops non-IPv4 frames not sent from the VM's MAC, not every non-IPv4 frame (R41's
        # negated protocolid with a negated source beside it)
        pytest.param(
            "<mac match='no' protocolid='ipv4' srcmacaddr='$MAC'/>", id="negated-mac-and-protocol"
        ),
    ],
)
def test_negated_drop_is_not_a_catch_all(tmp_path: Path, match: str) -> None:
    """libvirt's ebtables driver writes a negated attribute with its own `!` (nwfilter_ebiptables
    _driver.c: `if (ENTRY_WANT_NEG_SIGN(...)) virFirewallRuleAddArg(fw, fwrule, "!")` for the
    protocol and, in ebtablesHandleEthHdr, for the source MAC; R41's sources), and ebtables ANDs
    the matches of a rule: `-p ! IPv4 -s ! $MAC -j DROP` drops a frame only when it is not IPv4
    AND not from the VM's MAC. RHEL 6 guide 18.12.2 shows that very match as the old
    no-mac-spoofing's check (`<mac match='no' srcmacaddr='$MAC'/>`, read with `search`): a MAC
    check, not a catch-all. Site filter: clean-traffic's layout with no-other-l2-traffic (a plain
    drop at 1000) replaced by a drop of this match at 1000. Frames from the VM's own MAC pass it:
    IPv6 from any IPv6 source (no-ipv6-spoofing absent) and 802.1Q-tagged frames carrying any
    IP/ARP, the gaps hvaudit itself reports when the catch-all is missing (probed: with no
    rule at 1000 it fails "IPv6 spoofing is not stopped ... inside VLAN tags"). hvaudit's
    _rule keeps no constraints for match='no', so _whole() takes the negated drop for a drop of
    every frame: pass (the negated-mac form on main and on vmfix2@85f6073; the form with
    protocolid passes on vmfix2, whose R41 fix turns its frames into "every frame but IPv4").
    Uses libvirt's shipped filters. Right: fail, naming IPv6."""
    filters = _shipped_filters()
    filters["site"] = (
        "<filter name='site' chain='root'>"
        "<filterref filter='no-mac-spoofing'/><filterref filter='no-ip-spoofing'/>"
        "<rule action='accept' direction='out' priority='-650'><mac protocolid='ipv4'/></rule>"
        "<filterref filter='allow-incoming-ipv4'/><filterref filter='no-arp-spoofing'/>"
        "<rule action='accept' direction='inout' priority='-500'><mac protocolid='arp'/></rule>"
        f"<rule action='drop' direction='out' priority='1000'>{match}</rule></filter>"
    )
    a = filtered_node(tmp_path, [dev("negdrop", nic("site"))], filters)
    status, msg = verdict(a, "HVA-191", "negdrop")
    assert status == "fail", msg
    assert "IPv6" in msg
