"""Fifth red-team review (rt5): new probes, VM and host side, on the code the fourth red team and
its fixers left (branch land7).

Same harnesses as the earlier rounds: libvirt's test driver serves the domains (libvirt parses and
re-formats every domain before hvaudit reads it); a domain whose QEMU namespace the test driver
would drop is replayed as a daemon with the QEMU driver reports it (test_redteam3_vm_probes
`replayed_domains`); host evidence comes from `ReplayRunner` (conftest's hardened Debian host,
changed only where a probe says so); a vSphere host is the record hvaudit's vSphere collector
writes (vmware/hosts/<id>.json), in a bundle laid out as that collector lays it out. Each probe
asserts the verdict its cited source proves right, with a message fragment; every fact it rests
on was read with the `search` tools and is cited in its docstring. Where hvaudit is wrong the
probe is `xfail(strict=True, reason="R5-<n>: ...")`; the fix turns it XPASS and the fixer drops
the mark. None repeats a probe of the first four red teams.

Kinds: a spelling QEMU, OpenSSH, iptables or pve-access-control accept that hvaudit reads as
something else (QEMU's implied option names and JSON -device, sshd's `-o "Keyword value"`,
`-m iprange`, user.cfg's `/vms/` and propagate `2`), a grammar element read only in part
(sudoers' `:`-joined Host_List sections, the first -o of a keyword), a libvirt VLAN setting that
turns an access port into a trunk, an allow list that lists everyone, a match whose members are
not in the evidence, and a bridge topology that is redundant but not recognised as such.

Findings (R5-n): 1 HVA-192 OVS nativeMode, 2 HVA-142 sudoers sections, 3 HVA-057 -device
driver=/JSON, 4 HVA-056 -tpmdev type=, 5 HVA-031 -chardev backend=, 6 HVA-151/160 sshd -o, 7
HVA-412 ESXi 0.0.0.0/0, 8 HVA-220 bridge on a bond VLAN (false fail), 9 HVA-190 iprange, 10
HVA-190 -m set, 11 HVA-307 user.cfg ACL spelling, 12 HVA-301 on an offline /etc/pve copy, 13
HVA-302/313/191/303 with no firewall daemon running. Fixed on branch rt5 (mark dropped): 2, 6, 7,
8, 9, 11; on branch r5fix: 10, 12, 13; on branch rawargs: 3, 4, 5.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, IP_LINK, build_bundle, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import QEMU_NS, dev, replayed_domains
from test_redteam3_vm_probes import verdict as vm_verdict
from test_redteam4_host_probes import verdict


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


# --- HVA-192: an Open vSwitch native VLAN without trunks= trunks every VLAN --------------------------

OVS_NIC = (
    "<interface type='bridge'><mac address='52:54:00:00:05:{n}'/><source bridge='ovsbr0'/>"
    "<virtualport type='openvswitch'/>{vlan}<model type='virtio'/></interface>"
)


def _ovs_node(tmp_path: Path, **vlans: str) -> Assessment:
    domains = [
        dev(name, OVS_NIC.format(n=f"{i:02x}", vlan=vlan))
        for i, (name, vlan) in enumerate(vlans.items())
    ]
    uri = write_node(tmp_path / "n.xml", domains)
    return run_assessment(build_bundle(tmp_path, uri, dict(HARDENED_HOST), name="b"))


def test_ovs_native_vlan_without_trunk_list_trunks_every_vlan(tmp_path: Path) -> None:
    """libvirt src/conf/netdev_vlan_conf.c virNetDevVlanParse (read with `read_file`): a single
    <tag> may carry nativeMode='tagged'|'untagged' without trunk='yes' (only an explicit
    trunk='no' is refused with a native VLAN); trunk stays false for one tag (libvirt 9.0's
    test driver keeps the definition so, see the twin). libvirt src/util/virnetdevopenvswitch.c
    (virNetDevOpenvswitchConstructVlans in current libvirt, found with `find_string`;
    virNetDevOpenvswitchAddPort in older ones, read with `read_file`) then adds
    `vlan_mode=native-untagged tag=42` and, the VLAN not being a trunk, `tag=42` again: no
    `trunk=`. ovs-vswitchd.conf.db(5), Port table (found with
    `find_string`): trunks - "For a trunk, native-tagged, or native-untagged port, the 802.1Q
    VLAN or VLANs that this port trunks; if it is empty, then the port trunks all VLANs". So
    `<vlan><tag id='42' nativeMode='untagged'/></vlan>` on an OVS port gives the guest VLAN 42
    untagged and every other VLAN tagged: a trunk (VLAN hopping, what HVA-192 fails). hvaudit's
    _vlan reads one tag and no trunk='yes' as an access port: "1 interface(s), none trunked".
    Right: fail, naming the trunk."""
    a = _ovs_node(tmp_path, native="<vlan><tag id='42' nativeMode='untagged'/></vlan>")
    status, msg = vm_verdict(a, "HVA-192", "native")
    assert status == "fail", msg
    assert "trunk" in msg.lower(), msg


def test_ovs_access_vlan_passes(tmp_path: Path) -> None:
    """Twin of R5-1: `<tag id='42'/>` alone is `tag=42`, an access port (ovs-vswitchd.conf.db(5)
    vlan_mode: "If tag contains a value, the port is an access port"): pass."""
    a = _ovs_node(tmp_path, access="<vlan><tag id='42'/></vlan>")
    assert vm_verdict(a, "HVA-192", "access") == ("pass", "1 interface(s), none trunked")


# --- HVA-142: a user specification with a second Host_List section -----------------------------------

BOB_CAROL = HARDENED_HOST["/etc/passwd"] + (
    "bob:x:1001:1001:Bob:/home/bob:/bin/bash\ncarol:x:1002:1002:Carol:/home/carol:/bin/bash\n"
)


def test_sudoers_rule_whose_second_host_section_is_this_host(host_scan) -> None:
    """sudoers(5), "User specification" (read with `find_string`): `User_Spec ::= User_List
    Host_List '=' Cmnd_Spec_List (':' Host_List '=' Cmnd_Spec_List)*` - one user list may carry
    several host sections, each with its own commands. `bob,carol db01=(ALL:ALL) ALL :
    hv1=(ALL:ALL) ALL` gives them every command as root on hv1 (this host,
    /proc/sys/kernel/hostname). H106's fix skips a rule whose Host_List is only other hosts'
    names, and read only the text before the first '=': it saw `db01`, dropped the rule, and
    HVA-142 passed "2 administrative principal(s) (limit 3): alice, root". Right: fail, naming
    bob (4 principals, limit 3). (R5-2, fixed on branch rt5: each `:`-joined section is judged
    on its own Host_List.)"""
    sudoers = (
        HARDENED_HOST["sudoers"][0]
        + "/etc/sudoers.d/ops:bob,carol db01=(ALL:ALL) ALL : hv1=(ALL:ALL) ALL\n"
    )
    a = host_scan({"sudoers": (sudoers, 0), "/etc/passwd": BOB_CAROL})
    status, msg = verdict(a, "HVA-142")
    assert status == "fail", msg
    assert "bob" in msg, msg


def test_sudoers_sections_that_give_this_host_no_root(host_scan) -> None:
    """Twin of R5-2: `bob,carol db01=(ALL:ALL) ALL : web01=(ALL:ALL) ALL` names two other hosts,
    and `bob hv1=(www-data) ALL : db01=(ALL:ALL) ALL` lets bob act only as www-data here
    (sudoers(5) Runas_Spec; the ':' of `(ALL:ALL)` and of a `NOPASSWD:` tag separates nothing):
    neither makes an administrator of hv1, so HVA-142 passes with alice and root."""
    sudoers = HARDENED_HOST["sudoers"][0] + (
        "/etc/sudoers.d/ops:bob,carol db01=(ALL:ALL) ALL : web01=(ALL:ALL) ALL\n"
        "/etc/sudoers.d/ops:bob hv1=(www-data) NOPASSWD: ALL : db01=(ALL:ALL) ALL\n"
    )
    passwd = BOB_CAROL + "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
    a = host_scan({"sudoers": (sudoers, 0), "/etc/passwd": passwd})
    assert verdict(a, "HVA-142") == (
        "pass",
        "2 administrative principal(s) (limit 3): alice, root",
    )


# --- HVA-057 / HVA-056 / HVA-031: QEMU's implied option names and JSON -device -----------------------


def _raw_domain(name: str, uuid_tail: str, *args: str) -> str:
    body = "".join(f"<qemu:arg value='{a}'/>" for a in args)
    return (
        f"<domain type='kvm' xmlns:qemu='{QEMU_NS}'><name>{name}</name>"
        f"<uuid>6a2f1c2e-0000-4000-8000-0000000{uuid_tail}</uuid><memory unit='MiB'>512</memory>"
        "<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
        f"<qemu:commandline>{body}</qemu:commandline></domain>"
    )


SHM_OBJECT = "memory-backend-file,id=shm0,mem-path=/dev/shm/ivs,size=4M,share=on"


@pytest.mark.parametrize(
    "device",
    ["driver=ivshmem-plain,memdev=shm0", '{"driver":"ivshmem-plain","memdev":"shm0"}'],
    ids=["implied-name", "json"],
)
def test_ivshmem_from_raw_arguments_in_other_spellings(tmp_path: Path, device: str) -> None:
    """QEMU's -device option list names its first, implied key: qemu_device_opts
    `.implied_opt_name = "driver"` (QemuOpts: `-device ivshmem-plain,...` is
    `-device driver=ivshmem-plain,...`), and since QEMU 6.2 (softmmu/vl.c, "-device JSON
    support", read with `find_string`: `case QEMU_OPTION_device: if (optarg[0] == '{') {
    QObject *obj = qobject_from_json(optarg, ...)`) a -device in JSON - the form libvirt itself
    now passes - is the same device. libvirt hands <qemu:arg> values to QEMU verbatim
    (formatdomain, "QEMU command-line passthrough"). So both spellings add an ivshmem-plain
    device over a memory backend shared with every other VM (and host process) that maps
    /dev/shm/ivs: what HVA-057 fails for `-device ivshmem-plain,...` (twin below). hvaudit
    matches only `b.split(",")[0].startswith("ivshmem")` and passes "no <shmem> device".
    Right: fail, naming ivshmem. (HVA-046 fails the raw arguments either way; HVA-057 must not
    call the shared memory absent.)"""
    a = run_assessment(
        replayed_domains(
            tmp_path, {"shm": _raw_domain("shm", "0d501", "-object", SHM_OBJECT, "-device", device)}
        )
    )
    status, msg = vm_verdict(a, "HVA-057", "shm")
    assert status == "fail", msg
    assert "ivshmem" in msg, msg


def test_tpm_passthrough_with_the_type_key_spelled_out(tmp_path: Path) -> None:
    """QEMU system/vl.c qemu_tpmdev_opts (read with `find_string`): `.name = "tpmdev",
    .implied_opt_name = "type"`, so `-tpmdev type=passthrough,id=tpm0,path=/dev/tpm0` is
    `-tpmdev passthrough,id=tpm0,path=/dev/tpm0`: the guest owns the host's TPM (qemu-options.hx,
    -tpmdev passthrough), which HVA-056 fails for the short spelling (twin below). hvaudit
    matches only `b.split(",")[0] == "passthrough"` and reports "no TPM device" (n/a). Right:
    fail, naming passthrough."""
    xml = _raw_domain(
        "tpm",
        "0d502",
        "-tpmdev",
        "type=passthrough,id=tpm0,path=/dev/tpm0",
        "-device",
        "tpm-tis,tpmdev=tpm0",
    )
    a = run_assessment(replayed_domains(tmp_path, {"tpm": xml}))
    status, msg = vm_verdict(a, "HVA-056", "tpm")
    assert status == "fail", msg
    assert "passthrough" in msg, msg


def test_tcp_chardev_with_the_backend_key_spelled_out(tmp_path: Path) -> None:
    """QEMU chardev/char.c qemu_chardev_opts (read with `find_string`): `.name = "chardev",
    .implied_opt_name = "backend"`, so `-chardev backend=socket,id=c0,host=0.0.0.0,port=4444,
    server=on,wait=off` is the same TCP server as `-chardev socket,...`: a serial console on every
    address with no authentication or TLS, which HVA-031 fails for the short spelling (twin
    below). hvaudit's _raw_consoles requires `b.split(",")[0] == "socket"` and reports "no VNC,
    SPICE or RDP console and no TCP or UDP character device" (n/a). Right: fail, naming the
    port."""
    xml = _raw_domain(
        "chr",
        "0d503",
        "-chardev",
        "backend=socket,id=c0,host=0.0.0.0,port=4444,server=on,wait=off",
        "-device",
        "isa-serial,chardev=c0",
    )
    a = run_assessment(replayed_domains(tmp_path, {"chr": xml}))
    status, msg = vm_verdict(a, "HVA-031", "chr")
    assert status == "fail", msg
    assert "4444" in msg, msg


def test_short_spellings_of_the_same_raw_devices_fail(tmp_path: Path) -> None:
    """Twins of R5-3, R5-4 and R5-5: the spellings hvaudit reads today fail, so the replayed
    definitions do reach the checks with their raw arguments."""
    domains = {
        "shm2": _raw_domain(
            "shm2", "0d511", "-object", SHM_OBJECT, "-device", "ivshmem-plain,memdev=shm0"
        ),
        "tpm2": _raw_domain(
            "tpm2",
            "0d512",
            "-tpmdev",
            "passthrough,id=tpm0,path=/dev/tpm0",
            "-device",
            "tpm-tis,tpmdev=tpm0",
        ),
        "chr2": _raw_domain(
            "chr2",
            "0d513",
            "-chardev",
            "socket,id=c0,host=0.0.0.0,port=4444,server=on,wait=off",
            "-device",
            "isa-serial,chardev=c0",
        ),
    }
    a = run_assessment(replayed_domains(tmp_path, domains))
    assert vm_verdict(a, "HVA-057", "shm2")[0] == "fail"
    assert vm_verdict(a, "HVA-056", "tpm2")[0] == "fail"
    assert vm_verdict(a, "HVA-031", "chr2")[0] == "fail"


# --- HVA-151 / HVA-160: sshd's -o in the configuration file's own format -----------------------------


def _sshd_started_with(args: str) -> dict[str, Any]:
    """The hardened host whose sshd listener was started with `args` after -D (its title keeps
    the argv joined by spaces: "sshd: /usr/sbin/sshd -D ARGS [listener] ...")."""
    ps = HARDENED_HOST["processes"][0].replace(
        "sshd: /usr/sbin/sshd -D [listener]", f"sshd: /usr/sbin/sshd -D {args} [listener]"
    )
    assert args in ps
    return {"processes": (ps, 0)}


def test_sshd_option_in_the_config_file_format_single_factor(host_scan) -> None:
    """sshd(8), -o option: "Can be used to give options in the format used in the configuration
    file", and sshd_config(5): "lines of the form 'keyword arguments'" (keyword and arguments
    separated by whitespace, or by an optional '='). OpenSSH sshd.c (read with `find_string`):
    `case 'o': line = xstrdup(optarg); if (process_server_config_line(&options, line,
    "command-line", ...` - the same parser as the file, run before the file is read, so the
    command line's value is the first obtained one and wins. A unit with `ExecStart=/usr/sbin/sshd
    -D -o "AuthenticationMethods any"` shows in ps as `-o AuthenticationMethods any`: every
    login needs one method only (sshd_config(5) AuthenticationMethods: "any" is the default,
    any single method), so a public key alone logs in. hvaudit takes the word after -o as
    `Keyword=value` only, read AuthenticationMethods as "" and passed HVA-151 "every SSH login
    needs two factors: AuthenticationMethods ". The same option written `-o
    AuthenticationMethods=any` failed. Right: fail, naming AuthenticationMethods any. (R5-6,
    fixed on branch rt5: a keyword without '=' takes the words up to the next option.)"""
    a = host_scan(_sshd_started_with("-o AuthenticationMethods any"))
    status, msg = verdict(a, "HVA-151")
    assert status == "fail", msg
    assert "AuthenticationMethods any" in msg, msg


def test_sshd_first_command_line_option_wins(host_scan) -> None:
    """sshd_config(5): "Unless noted otherwise, for each keyword, the first obtained value will be
    used"; sshd.c runs each -o through process_server_config_line in order (cited above), and
    servconf.c sets PermitRootLogin only while it is unset (`if (*activep && *intptr == -1)
    *intptr = value`). `-o PermitRootLogin=yes -o PermitRootLogin=no` lets root log in.
    hvaudit's override loop assigned each -o over the previous one and passed HVA-160
    "PermitRootLogin no". Right: fail, naming PermitRootLogin yes. (R5-6, fixed on branch rt5:
    the first -o of a keyword is kept.)"""
    a = host_scan(_sshd_started_with("-o PermitRootLogin=yes -o PermitRootLogin=no"))
    status, msg = verdict(a, "HVA-160")
    assert status == "fail", msg
    assert "PermitRootLogin yes" in msg, msg


# --- HVA-412 (vSphere): an allowed network that is every address --------------------------------------


def _esx_scan(tmp_path: Path, record: dict[str, Any]) -> Assessment:
    from hvaudit.bundle import BundleWriter

    writer = BundleWriter(tmp_path / "b", target="vsphere://vc.example", platform="vmware-esxi")
    data = json.dumps({"name": "esx1", **record}).encode()
    writer.add("vmware/hosts/host-1.json", data, origin="test")
    bundle = writer.close(complete=True)
    assert bundle is not None
    return run_assessment(bundle)


def _ssh_ruleset(networks: list[str]) -> dict[str, Any]:
    """The host firewall as collect/vsphere.py records it: incoming blocked, one enabled ruleset
    (sshServer) not open to all IPs, allowed only from `networks`."""
    ruleset = {"key": "sshServer", "enabled": True, "all_ip": False, "networks": networks}
    return {"firewall": {"incoming_blocked": True, "outgoing_blocked": True, "rulesets": [ruleset]}}


@pytest.mark.parametrize(
    "networks", [["0.0.0.0/0"], ["0.0.0.0/1", "128.0.0.0/1"]], ids=["prefix-0", "two-halves"]
)
def test_esxi_ruleset_allowed_from_every_address(tmp_path: Path, networks: list[str]) -> None:
    """vSphere Web Services API (read with `search`): HostFirewallRulesetIpList - "allIp: Flag
    indicating whether the ruleset works for all ip addresses", "ipNetwork: The list of
    networks"; HostFirewallRulesetIpNetwork - "network: The IPv4 or IPv6 network", "prefixLength:
    The prefix length for the network. For example the prefix length for a network 10.20.120/22
    is 22". An ipNetwork of 0.0.0.0 with prefix length 0 (or 0.0.0.0/1 with 128.0.0.0/1) holds
    every IPv4 address: the sshServer ruleset admits SSH from anywhere though "Allow connections
    from any IP address" is unticked, which is what HVA-412 fails for allIp. (The same list is
    failed on Linux hosts: the earlier rounds' nft prefix 0 and both-halves probes.) hvaudit
    looked at all_ip only and passed "every enabled ruleset limited to listed networks". Right:
    fail, naming sshServer. (R5-7, fixed on branch rt5: HVA-412 collapses the allowed networks.)"""
    a = _esx_scan(tmp_path, _ssh_ruleset(networks))
    status, msg = vm_verdict(a, "HVA-412", "esx1")
    assert status == "fail", msg
    assert "sshServer" in msg, msg


def test_esxi_ruleset_allowed_from_the_management_subnet_passes(tmp_path: Path) -> None:
    """Twin of R5-7: the same ruleset allowed from 10.0.0.0/24 only passes."""
    a = _esx_scan(tmp_path, _ssh_ruleset(["10.0.0.0/24"]))
    # V17-2: no fail; whether the firewall is enabled is not in the vSphere API: a question
    assert vm_verdict(a, "HVA-412", "esx1")[0] == "manual"


# --- HVA-220: a VM bridge on a VLAN of a two-member bond ----------------------------------------------


def _bridge_on(uplink: dict[str, Any]) -> dict[str, Any]:
    """conftest's links (eno1 and eno2, on different adapters, in bond0), with the VM bridge br20
    (vnet0 in it) uplinked by `uplink` instead of by bond0 itself."""
    links = json.loads(IP_LINK)
    for d in links:
        if d["ifname"] == "bond0":
            d.pop("master")
            d["linkinfo"] = {"info_kind": "bond"}
        elif d["ifname"] == "br0":
            d["ifname"] = "br20"
        elif d["ifname"] == "vnet0":
            d["master"] = "br20"
    links.append(uplink)
    return {"ip-link": (json.dumps(links), 0)}


def test_bridge_on_a_vlan_of_a_bond_is_redundant(host_scan) -> None:
    """ip-link(8): a VLAN device (`ip link add link DEVICE name NAME type vlan id ID`) sends and
    receives through its `link` device; `ip -j link` reports it as "link": "bond0" with
    info_kind vlan. Proxmox VE's admin guide, "Network Configuration" (pve-network.adoc, found
    with `find_string`), "Example: Use VLAN 5 with bond0 for the Proxmox VE management IP with
    traditional Linux bridge": `iface bond0.5 inet manual` and a bridge with `bridge-ports
    bond0.5` over `bond0` (bond-slaves eno1 eno2, 802.3ad): the standard way to
    give each VM VLAN its bridge over one LACP/active-backup bond. The bridge's frames leave
    through bond0, whose two members (eno1, eno2 on different adapters) are redundant exactly as
    for a bridge on bond0 itself (which passes). hvaudit looks up the bridge port bond0.20 among
    the bonds, found nothing and failed "VM bridge(s) without a redundant uplink: br20 (uplinks:
    bond0.20)". Right: pass (FALSE FAIL; R5-8, fixed on branch rt5: HVA-220 follows a VLAN
    device to its link)."""
    vlan = {
        "ifindex": 9,
        "ifname": "bond0.20",
        "link": "bond0",
        "master": "br20",
        "linkinfo": {
            "info_kind": "vlan",
            "info_data": {"protocol": "802.1Q", "id": 20},
            "info_slave_kind": "bridge",
        },
    }
    a = host_scan(_bridge_on(vlan))
    assert verdict(a, "HVA-220") == ("pass", "1 VM bridge(s), each on a bond of two or more NICs")


def test_bridge_on_a_vlan_of_a_single_nic_fails(host_scan) -> None:
    """Twin of R5-8: the same bridge on a VLAN of the unbonded eno3 has one NIC under it: fail."""
    vlan = {
        "ifindex": 9,
        "ifname": "eno3.20",
        "link": "eno3",
        "master": "br20",
        "linkinfo": {"info_kind": "vlan", "info_slave_kind": "bridge"},
    }
    a = host_scan(_bridge_on(vlan))
    status, msg = verdict(a, "HVA-220")
    assert status == "fail", msg
    assert "br20" in msg, msg


# --- HVA-190: iptables matches that admit every source but that hvaudit reads as narrow ---------------

IPT_ONLY = {"nft-ruleset": None}


def _ipt_scan(host_scan, rule: str) -> tuple[str, str]:
    """The hardened host with no nft ruleset and iptables-legacy `-S INPUT` output: policy DROP,
    loopback accepted, then `rule`; ip6tables drops everything."""
    rules = f"-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n{rule}\n"
    a = host_scan(
        dict(IPT_ONLY, **{"iptables-input": (rules, 0), "ip6tables-input": ("-P INPUT DROP\n", 0)})
    )
    return verdict(a, "HVA-190")


@pytest.mark.parametrize(
    "rule",
    [
        "-A INPUT -m iprange --src-range 0.0.0.0-255.255.255.255 -j ACCEPT",
        "-A INPUT -m iprange ! --src-range 10.0.0.1-10.0.0.20 -j ACCEPT",
    ],
    ids=["whole-range", "negated-range"],
)
def test_iptables_iprange_admitting_every_source(host_scan, rule: str) -> None:
    """iptables-extensions(8), iprange (libxt_iprange.man, found with `search`): "This matches on
    a given arbitrary range of IP addresses. [!] --src-range from[-to]: Match source IP in the
    specified range"; the kernel's xt_iprange.c iprange_mt4 matches min_ip <= saddr <= max_ip
    (inclusive), inverted by `!`. `--src-range 0.0.0.0-255.255.255.255` is every IPv4 source,
    the iptables spelling of `-s 0.0.0.0/0`, and `! --src-range` of 20 addresses is every source
    but those, the spelling of `! -s ...`, which hvaudit fails as a broad accept
    (_iptables_reach: "a negated address ... is _BROAD"). hvaudit's _iptables_reach returns
    _NARROW for an option it did not judge, so both accepts were skipped and HVA-190 passed
    "inbound default policy drops". Right: fail. (R5-9, fixed on branch rt5: _iptables_reach
    reads an iprange as the address blocks it spans.)"""
    status, msg = _ipt_scan(host_scan, rule)
    assert status == "fail", msg


def test_iptables_accept_from_an_ipset_whose_members_are_unread(host_scan) -> None:
    """iptables-extensions(8), set: "[!] --match-set setname flag[,flag]... where flags are the
    comma separated list of src and/or dst specifications": the rule matches the sources the
    kernel ipset `admins` holds, which `ipset list` shows and the collector does not read (it
    collects `iptables -S`/`ip6tables -S`, not `ipset list`). The set may hold every address:
    ipset(8), hash:net (found with `find_string`): "Network address with zero prefix size cannot
    be stored in this type of sets", but 0.0.0.0/1 and 128.0.0.0/1 can, and cover everything
    all the same. hvaudit resolves nft's named sets
    (R3's nft_named_set_of_the_management_subnet_passes) but reads `-m set` as a narrow match,
    skips the accept and passes. The H88/H89 rule for iptables-nft already says an accept under
    a match hvaudit cannot read is "a question, never skipped". Right: manual (which sources
    the set admits is not in the evidence). (R5-10, fixed on branch r5fix: an ipset match is
    _OPAQUE unless another match of the rule is narrow.)"""
    status, msg = _ipt_scan(host_scan, "-A INPUT -m set --match-set admins src -j ACCEPT")
    assert status == "manual", msg
    assert msg.endswith(
        "-A INPUT -m set --match-set admins src -j ACCEPT (under ipset admins, whose members only "
        "`ipset list admins` shows)"
    ), msg


def test_iptables_iprange_of_the_management_hosts_passes(host_scan) -> None:
    """Twin of R5-9: SSH accepted from 20 management addresses only is narrow: pass."""
    rule = "-A INPUT -p tcp -m iprange --src-range 10.0.0.1-10.0.0.20 -m tcp --dport 22 -j ACCEPT"
    status, msg = _ipt_scan(host_scan, rule)
    assert status == "pass", msg


# --- HVA-307 (Proxmox VE): user.cfg ACL lines read as pve-access-control reads them -------------------


@pytest.mark.parametrize(
    "acl",
    ["acl:1:/vms/:@webops:PVEVMAdmin:", "acl:2:/vms:@webops:PVEVMAdmin:"],
    ids=["trailing-slash", "propagate-2"],
)
def test_pve_vm_role_on_every_vm_in_another_spelling(tmp_path: Path, acl: str) -> None:
    """pve-access-control src/PVE/AccessControl.pm parse_user_config (read with `read_file`):
    for an `acl:` line, `$propagate = $propagate ? 1 : 0` (Perl truth: every value but "" and
    "0", so `2` propagates) and `if (my $path = normalize_path($pathtxt))`, where normalize_path
    does `$path =~ s|/+|/|g; $path =~ s|/$||;` (`/vms/` is `/vms`); roles() then applies a
    propagated ACL of `/vms` to every `/vms/<id>`. So either line gives @webops PVEVMAdmin
    (VM.Config.*, VM.Migrate, VM.PowerMgmt ...) over every VM of the cluster, which HVA-307
    fails for `acl:1:/vms:...`. hvaudit kept the path as written and propagate only for "1":
    `/vms/` was counted as one of the "ACL(s) on VM or pool paths" and `2` as not propagated,
    and HVA-307 passed "no VM role on '/' or '/vms'". Right: fail, naming /vms. (R5-11, fixed
    on branch rt5: parse_user_config normalizes both as pve-access-control does.)"""
    import shutil

    from test_redteam3_host_probes import PVE_PROCS, PVE_TREE, pve_scan

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    users = tree / "etc/pve/user.cfg"
    text = users.read_text()
    users.write_text(text.replace("acl:0:/vms/201:", f"{acl}\nacl:0:/vms/201:"))
    a = pve_scan(tmp_path, {"processes": (PVE_PROCS, 0)}, tree)
    status, msg = verdict(a, "HVA-307", "pve-h1")
    assert status == "fail", msg
    assert "PVEVMAdmin for @webops on /vms" in msg, msg


# --- HVA-302/313/191/303 (Proxmox VE): rules no daemon applies -----------------------------------------

#: The checks that judge pve-firewall's rules on the hardened node, with their subject.
PVE_FIREWALL_CHECKS = [
    ("HVA-302", "pve-h1"),
    ("HVA-313", "pve-h1"),
    ("HVA-191", "web-10"),
    ("HVA-303", "web-10"),
]
_NO_DAEMON = "neither pve-firewall nor proxmox-firewall runs on this node"
#: What each says on the node without the daemon (R5-13's fix).
_WITHOUT_DAEMON = {
    "HVA-302": "cluster firewall on and host.fw does not disable it, but "
    f"{_NO_DAEMON}: no node rule is applied",
    "HVA-313": f"{_NO_DAEMON}: the management IP set filters nothing",
    "HVA-191": f"BC:24:11:00:00:20: no filter: {_NO_DAEMON}: no rule is applied",
    "HVA-303": f"BC:24:11:00:00:20: {_NO_DAEMON}: no rule is applied",
}
#: What each says on the node with pve-firewall running.
_WITH_DAEMON = {
    "HVA-302": "on (cluster firewall on, host.fw does not disable it)",
    "HVA-313": "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management "
    "ports wider",
    "HVA-191": "1 interface(s) filtered by pve-firewall (macfilter, ipfilter)",
    "HVA-303": "1 interface(s) behind the VM firewall",
}


@pytest.mark.parametrize(("check", "subject"), PVE_FIREWALL_CHECKS)
def test_pve_firewall_rules_without_the_daemon(tmp_path: Path, check: str, subject: str) -> None:
    """pve-firewall.adoc (read with `search`, cited by R3's probe): the firewall "service runs on
    each cluster node"; pve-firewall's daemon compiles cluster.fw, host.fw and <vmid>.fw into
    iptables/ebtables rules every 10 s and removes them when it stops (proxmox-firewall does the
    same with nftables). On this live node the process list holds neither daemon, and HVA-301
    fails for exactly that ("neither pve-firewall nor proxmox-firewall runs on this node: no
    rule is applied", R3's fix). The same unapplied files are what HVA-302 (node firewall on),
    HVA-313 (management ports admitted from the `management` IP set only), HVA-191 (MAC/IP/ARP
    filters "by pve-firewall (macfilter, ipfilter)") and HVA-303 (NIC "behind the VM firewall")
    judge, and each passes: no host rule, IP set, macfilter or ipfilter is in force, so the
    node's ports are open to everyone and every guest can spoof. Right: fail, naming the
    missing daemon (pve-firewall). (R5-13, fixed on branch r5fix: hvaudit.parse.proxmox_model
    firewall_daemon_absent, from pve-firewall's src/PVE/Service/pve_firewall.pm.)"""
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    a = pve_scan(tmp_path, {"processes": (PVE_PROCS, 0)})
    assert vm_verdict(a, check, subject) == ("fail", _WITHOUT_DAEMON[check])


@pytest.mark.parametrize(("check", "subject"), PVE_FIREWALL_CHECKS)
def test_pve_firewall_rules_with_the_daemon_pass(tmp_path: Path, check: str, subject: str) -> None:
    """Twin of R5-13: with pve-firewall running (process title `pve-firewall`, PVE::Daemon, as
    in R3's twin) the same node passes all four."""
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    a = pve_scan(tmp_path, {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0)})
    assert vm_verdict(a, check, subject) == ("pass", _WITH_DAEMON[check])


# --- HVA-301 (Proxmox VE): a copied /etc/pve says nothing about the firewall daemon -------------------


def test_pve_cluster_firewall_on_an_offline_copy_is_a_question(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """HVA-301's own docstring and R3's fix (test_redteam3_host_probes
    test_cluster_firewall_on_paper_only): cluster.fw is only what the firewall daemon applies
    (pve-firewall.adoc: pve-firewall "compiles the rules every 10 s", and removes them when it
    stops; proxmox-firewall for nftables), so a node whose processes show neither daemon fails.
    A scan of a copied tree (`pve+dir://`, tests/fixtures/proxmox-hardened: /etc/pve and the
    node's files, no process list) cannot see whether either runs: hvaudit's check requires
    `h.facts.programs.known` to fail and otherwise passes "cluster firewall on, input policy
    DROP" on the strength of the file alone. An auditor must not sign "the firewall drops
    inbound traffic" from a configuration file no daemon may be applying. Right: manual, asking
    whether pve-firewall (or proxmox-firewall) runs (`pve-firewall status` on the node). The
    live twin with the daemon running passes (R3's
    test_cluster_firewall_with_its_daemon_running_passes). (R5-12, fixed on branch r5fix.)"""
    from hvaudit.cli import main

    tree = Path(__file__).parent / "fixtures" / "proxmox-hardened"
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, _err = capsys.readouterr()
    report = json.loads(out)
    (r,) = [
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-301", "pve-h1")
    ]
    assert (r["status"], r["message"]) == (
        "manual",
        "cluster.fw enables the firewall (input policy DROP), but whether pve-firewall or "
        "proxmox-firewall applies it on this node is not in the evidence (running processes: a "
        "copied configuration tree has no live host to read facts from)",
    )
    assert r["question"].startswith(
        "Is pve-firewall (or proxmox-firewall, with host.fw `nftables: 1`) running and enabled "
        "on node pve-h1? Evidence: `pve-firewall status` on pve-h1"
    ), r["question"]
