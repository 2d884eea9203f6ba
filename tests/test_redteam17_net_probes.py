"""Seventeenth red-team review, KVM/libvirt virtual network side (rt17-net): HVA-191 to HVA-197
probed with cases no earlier round tried.

Same harness as rounds 3 and 8 (tests/test_redteam3_vm_probes.py: libvirt's test driver serves
the domains and networks on conftest's replayed hardened host, whose daemon reports the network
filters given). Every fact a probe rests on was read with the `search` / `find_string` tools
and is cited in its docstring.

Findings (R17N-n): R17N-1 HVA-191 compared shared IP / IPV6 filter parameters as strings:
10.0.0.005 and 10.0.0.5, or 2001:DB8:0::10 and 2001:db8::10, are one address to ebtables, so
two VMs given them each send as the other (false pass; now compared as addresses). R17N-2
HVA-191 failed an interface given its own MAC as a parameter in ether_aton's short form
(52:54:0:17:4:A1; wrong fail). R17N-3 HVA-191 took an IP parameter a <filterref> passes to one
included filter as the address of the whole tree: a sibling include (stock clean-traffic) has
no IP, so libvirt learns it (false pass; now the learned-address question).

Held (kept as tests): distinct addresses in odd forms (10.0.0.05 / 10.0.0.50); a MAC parameter
that is another address (fail); an IP parameter passed to clean-traffic itself by a wrapper
(pass).

Leads left: HVA-195 passes a bridge with vlan_filtering on without reading its ports' VLAN
memberships (`bridge -j vlan show` is not collected: a tap a hook script adds to several VLANs
is a trunk); whether libvirt >= 9 adds an Open vSwitch port for `<interface type='bridge'>` on
an OVS bridge without <virtualport> (then HVA-191's filter does not apply) was not settled; an
accept matching `srcmacaddr='$MAC' srcmacmask='ff:ff:ff:ff:ff:ff'` or `$MAC[@0]` is judged as
widened (possible wrong fail).
"""

from __future__ import annotations

from pathlib import Path

from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import dev, filtered_node, verdict

#: A dual-stack site filter: libvirt's clean-traffic checks for IPv4 and ARP, and IPv6 only
#: from $IPV6 (the shape of libvirt's shipped no-ipv6-spoofing, chain ipv6-ip: return IPv6 from
#: $IPV6, drop the rest; /usr/share/libvirt/nwfilter/no-ipv6-spoofing.xml).
DUAL = {
    **STOCK,
    "no-ipv6-spoofing": "<filter name='no-ipv6-spoofing' chain='ipv6-ip' priority='-610'>"
    "<rule action='return' direction='out' priority='500'><ipv6 srcipaddr='$IPV6'/></rule>"
    "<rule action='drop' direction='out' priority='1000'/></filter>",
    "dual": "<filter name='dual' chain='root'><filterref filter='no-mac-spoofing'/>"
    "<filterref filter='no-ip-spoofing'/><filterref filter='no-ipv6-spoofing'/>"
    "<filterref filter='no-arp-spoofing'/>"
    "<rule action='drop' direction='out' priority='1000'/></filter>",
}


def _nic(mac: str, ip: str, ip6: str = "") -> str:
    six = f"<parameter name='IPV6' value='{ip6}'/>" if ip6 else ""
    return (
        f"<interface type='network'><mac address='{mac}'/><source network='lan'/>"
        f"<model type='virtio'/><filterref filter='{'dual' if ip6 else 'clean-traffic'}'>"
        f"<parameter name='IP' value='{ip}'/>{six}</filterref></interface>"
    )


# --- R17N-1 HVA-191: one address written two ways is still one address ---------------------------


def test_shared_ip_parameter_written_with_leading_zeros(tmp_path: Path) -> None:
    """R17N-1. libvirt keeps a <filterref> parameter as the string written (nwfilter_params.c
    isValidVarValue admits letters, digits, '_', '.', ':') and puts it on the ebtables command
    line as it is (nwfilter_ebiptables_driver.c printVar copies the variable's value into the
    rule); ebtables reads each octet of `--ip-src` / `--arp-ip-src` with strtol base 10
    (ebtables useful_functions.c / iptables extensions/libebt_ip.c undot_ip, read with
    `find_string`), so 10.0.0.005 is 10.0.0.5. alpha is given IP 10.0.0.5, beta 10.0.0.005 on
    the same bridge: both stock clean-traffic trees return IPv4 and ARP from that one address,
    so each sends as the other. hvaudit compared the strings and passed both (false pass).
    Right: fail both, as R42's shared IP parameter."""
    a = filtered_node(
        tmp_path,
        [
            dev("alpha", _nic("52:54:00:17:01:01", "10.0.0.5")),
            dev("beta", _nic("52:54:00:17:01:02", "10.0.0.005")),
        ],
        STOCK,
    )
    for vm, mac, other in (("alpha", "01:01", "beta"), ("beta", "01:02", "alpha")):
        status, msg = verdict(a, "HVA-191", vm)
        assert status == "fail", msg
        assert msg.startswith(f"52:54:00:17:{mac}: the filter's IP parameter 10.0.0.")
        assert f"is VM(s) {other}'s too on br0: filter 'clean-traffic' admits it" in msg


def test_shared_ipv6_parameter_written_in_another_form(tmp_path: Path) -> None:
    """R17N-1, IPv6: ebtables reads `--ip6-src` with inet_pton (iptables extensions
    libebt_ip6.c, xtables_numeric_to_ip6addr), so 2001:DB8:0::10 and 2001:db8::10 are one
    address; a tree reading $IPV6 (no-ipv6-spoofing's shape) admits it for both VMs. Was: pass
    both. Right: fail both, naming the IPV6 parameter."""
    a = filtered_node(
        tmp_path,
        [
            dev("alpha", _nic("52:54:00:17:02:01", "10.0.0.5", "2001:db8::10")),
            dev("beta", _nic("52:54:00:17:02:02", "10.0.0.6", "2001:DB8:0::10")),
        ],
        DUAL,
    )
    for vm, other in (("alpha", "beta"), ("beta", "alpha")):
        status, msg = verdict(a, "HVA-191", vm)
        assert status == "fail", msg
        assert "the filter's IPV6 parameter 2001:" in msg
        assert f"is VM(s) {other}'s too on br0: filter 'dual' admits it" in msg


def test_distinct_addresses_in_odd_forms_still_pass(tmp_path: Path) -> None:
    """Held (R17N-1's twin): 10.0.0.05 and 10.0.0.50 are two addresses, as are 2001:db8::10 and
    2001:db8::1:0; each VM passes."""
    a = filtered_node(
        tmp_path,
        [
            dev("alpha", _nic("52:54:00:17:03:01", "10.0.0.05", "2001:db8::10")),
            dev("beta", _nic("52:54:00:17:03:02", "10.0.0.50", "2001:db8::1:0")),
        ],
        DUAL,
    )
    for vm in ("alpha", "beta"):
        assert verdict(a, "HVA-191", vm) == ("pass", "1 interface(s) filtered by dual")


# --- R17N-2 HVA-191: the interface's own MAC given as a parameter in another form -----------------


def _mac_nic(mac: str, given: str) -> str:
    return (
        f"<interface type='network'><mac address='{mac}'/><source network='lan'/>"
        "<model type='virtio'/><filterref filter='clean-traffic'>"
        f"<parameter name='IP' value='10.0.0.21'/><parameter name='MAC' value='{given}'/>"
        "</filterref></interface>"
    )


def test_own_mac_parameter_in_short_form_passes(tmp_path: Path) -> None:
    """R17N-2. A MAC parameter replaces $MAC (nwfilter_gentech_driver.c
    virNWFilterVarHashmapAddStdValue adds the interface's MAC only when none is given), and
    libvirt puts its value on the ebtables command line as written (printVar), where ebtables
    reads it with ether_aton (useful_functions.c ebt_get_mac_and_mask: one or two hex digits an
    octet, either case). 52:54:0:17:4:A1 is the interface's own 52:54:00:17:04:a1: the stock
    clean-traffic checks frames against the VM's own MAC. Was: fail ("is given MAC
    52:54:0:17:4:A1, not the interface's own"), a wrong fail. Right: pass."""
    a = filtered_node(
        tmp_path, [dev("short", _mac_nic("52:54:00:17:04:a1", "52:54:0:17:4:A1"))], STOCK
    )
    assert verdict(a, "HVA-191", "short") == ("pass", "1 interface(s) filtered by clean-traffic")


def test_other_mac_parameter_still_fails(tmp_path: Path) -> None:
    """Held (R17N-2's twin): a MAC parameter that is another address (52:54:0:17:4:a2) lets the
    guest send as that MAC: fail, as before."""
    a = filtered_node(
        tmp_path, [dev("other", _mac_nic("52:54:00:17:04:a1", "52:54:0:17:4:a2"))], STOCK
    )
    status, msg = verdict(a, "HVA-191", "other")
    assert status == "fail"
    assert "is given MAC 52:54:0:17:4:a2, not the interface's own 52:54:00:17:04:a1" in msg


# --- R17N-3 HVA-191: an include's IP parameter reaches only that include's subtree ----------------

#: A site wrapper: a DHCP helper given IP 10.0.0.9 for its own rules, and stock clean-traffic
#: referenced without parameters.
SCOPED = {
    **STOCK,
    "site-dhcp": "<filter name='site-dhcp' chain='ipv4' priority='-700'>"
    "<rule action='accept' direction='in' priority='100'>"
    "<udp dstipaddr='$IP' srcportstart='67' dstportstart='68'/></rule></filter>",
    "site": "<filter name='site' chain='root'>"
    "<filterref filter='site-dhcp'><parameter name='IP' value='10.0.0.9'/></filterref>"
    "<filterref filter='clean-traffic'/></filter>",
    "site-all": "<filter name='site-all' chain='root'>"
    "<filterref filter='clean-traffic'><parameter name='IP' value='10.0.0.9'/></filterref>"
    "</filter>",
}


def _plain(mac: str, filt: str) -> str:
    return (
        f"<interface type='network'><mac address='{mac}'/><source network='lan'/>"
        f"<model type='virtio'/><filterref filter='{filt}'/></interface>"
    )


def test_include_parameter_does_not_reach_a_sibling_include(tmp_path: Path) -> None:
    """R17N-3. nwfilter_gentech_driver.c virNWFilterIncludeDefToRuleInst instantiates an
    included filter with `virNWFilterCreateVarsFrom(inc->params, vars)`: that <filterref>'s
    parameters under the caller's variables, for that include's rules only; a sibling
    <filterref filter='clean-traffic'/> gets the caller's variables, which hold no IP
    (virNWFilterDetermineMissingVarsRec collects IP as missing there), so libvirt learns $IP
    (CTRL_IP_LEARNING any by default, NWFILTER_DFLT_LEARN) and the learned address, added to the
    interface's variables, wins over the include's (the caller's variables win). hvaudit took
    10.0.0.9, given to site-dhcp only, as the address clean-traffic checks and passed. Right:
    the learned-address question."""
    a = filtered_node(tmp_path, [dev("scoped", _plain("52:54:00:17:05:01", "site"))], SCOPED)
    status, msg = verdict(a, "HVA-191", "scoped")
    assert status == "manual", msg
    assert msg == (
        "52:54:00:17:05:01: filter 'site' checks $IP, which no IP parameter sets: "
        "CTRL_IP_LEARNING any takes the first address the guest uses"
    )


def test_include_parameter_over_the_whole_tree_is_given(tmp_path: Path) -> None:
    """Held (R17N-3's twin): the wrapper passes IP 10.0.0.9 to clean-traffic itself, so every
    rule reading $IP gets it: no learning, pass (R42's shared-IP check still sees the value)."""
    a = filtered_node(tmp_path, [dev("whole", _plain("52:54:00:17:05:02", "site-all"))], SCOPED)
    assert verdict(a, "HVA-191", "whole") == ("pass", "1 interface(s) filtered by site-all")
