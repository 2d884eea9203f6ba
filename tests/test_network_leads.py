"""Network verdict leads (session 8, helper netfix): each test states the source read, what
hvaudit did and what is right."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import domain_xml
from test_nwfilter_stock import STOCK
from test_redteam3_vm_probes import dev, filtered_node, verdict

# --- HVA-191: a shared IP parameter only matters where the tree reads $IP -------------------------

#: A site's redefinitions (`virsh nwfilter-define`) of libvirt's IPv4 and ARP address checks
#: for machines that speak no IPv4: every IPv4 packet and every ARP packet the guest sends is
#: dropped, no rule reads $IP.
NO_IPV4 = {
    "no-ip-spoofing": "<filter name='no-ip-spoofing' chain='ipv4-ip' priority='-710'>"
    "<rule action='drop' direction='out' priority='1000'/></filter>",
    "no-arp-ip-spoofing": "<filter name='no-arp-ip-spoofing' chain='arp-ip' priority='-510'>"
    "<rule action='drop' direction='out' priority='1000'/></filter>",
}


def _nic(mac: str, filt: str, ip: str) -> str:
    return (
        f"<interface type='network'><mac address='{mac}'/><source network='lan'/>"
        f"<model type='virtio'/><filterref filter='{filt}'>"
        f"<parameter name='IP' value='{ip}'/></filterref></interface>"
    )


def test_shared_ip_parameter_on_a_tree_that_never_reads_ip(tmp_path: Path) -> None:
    """formatnwfilter, "Usage of variables in filters": a parameter is a value of the variable the
    filter's rules reference; IP is one such variable. libvirt's shipped no-ip-spoofing returns
    IPv4 from `$IP` and no-arp-ip-spoofing ARP whose sender is `$IP` (src/nwfilter/xml), so two
    VMs given one IP parameter may each send as the other (R42). Here both filters are
    redefined to drop every IPv4 and ARP packet: no rule of alpha's or beta's clean-traffic tree
    reads $IP, the shared IP parameter admits nothing, and each tree still stops MAC, IP and ARP
    spoofing (the IPV6 twin, R69, is already judged by whether the tree reads $IPV6). Was: fail
    both ("the filter's IP parameter 10.0.0.5 is VM(s) beta's too"). Right: pass both."""
    a = filtered_node(
        tmp_path,
        [
            dev("alpha", _nic("52:54:00:00:08:01", "clean-traffic", "10.0.0.5")),
            dev("beta", _nic("52:54:00:00:08:02", "clean-traffic", "10.0.0.5")),
        ],
        {**STOCK, **NO_IPV4},
    )
    for vm in ("alpha", "beta"):
        assert verdict(a, "HVA-191", vm) == ("pass", "1 interface(s) filtered by clean-traffic")


def test_shared_ip_parameter_counts_only_where_a_tree_reads_it(tmp_path: Path) -> None:
    """Twin: alpha's clean-traffic (shipped rules, reads $IP) is given 10.0.0.5; beta's filter is
    no-mac-spoofing alone, given the same IP parameter that none of its rules reads: libvirt
    admits no address by it (beta fails on its own, for IP and ARP spoofing). Was: alpha failed
    as if beta's filter admitted 10.0.0.5 as beta's own source. Right: alpha passes, beta fails
    naming what its filter does not stop."""
    a = filtered_node(
        tmp_path,
        [
            dev("alpha", _nic("52:54:00:00:08:03", "clean-traffic", "10.0.0.5")),
            dev("beta", _nic("52:54:00:00:08:04", "no-mac-spoofing", "10.0.0.5")),
        ],
        dict(STOCK),
    )
    assert verdict(a, "HVA-191", "alpha") == ("pass", "1 interface(s) filtered by clean-traffic")
    assert verdict(a, "HVA-191", "beta") == (
        "fail",
        "52:54:00:00:08:04: filter 'no-mac-spoofing' does not stop ARP/IP spoofing",
    )


def test_shared_ip_parameter_on_trees_that_read_ip_still_fails(tmp_path: Path) -> None:
    """R42 stays: both trees read $IP (the shipped rules), one value: fail both."""
    a = filtered_node(
        tmp_path,
        [
            dev("alpha", _nic("52:54:00:00:08:05", "clean-traffic", "10.0.0.5")),
            dev("beta", _nic("52:54:00:00:08:06", "clean-traffic", "10.0.0.5")),
        ],
        dict(STOCK),
    )
    assert verdict(a, "HVA-191", "alpha") == (
        "fail",
        "52:54:00:00:08:05: the filter's IP parameter 10.0.0.5 is VM(s) beta's too on br0: "
        "filter 'clean-traffic' admits it as each one's own source, so each can send IPv4 and "
        "ARP as the other",
    )


def test_no_ip_learning_on_a_tree_that_never_reads_ip(tmp_path: Path) -> None:
    """nwfilter_gentech_driver.c virNWFilterDoInstantiate (read with `read_file`): libvirt learns
    an address (CTRL_IP_LEARNING) only when IP is the one variable missing, and
    virNWFilterDetermineMissingVarsRec collects only the variables a rule of the tree reads
    (`rule->varAccess`). A tree whose redefined IPv4 and ARP checks drop every packet reads no
    $IP: nothing is learned. Was: a question "checks $IP, which no IP parameter sets"
    (the names no-ip-spoofing/no-arp-ip-spoofing were taken as reading it). Right: pass."""
    nic = (
        "<interface type='network'><mac address='52:54:00:00:08:07'/><source network='lan'/>"
        "<model type='virtio'/><filterref filter='clean-traffic'/></interface>"
    )
    a = filtered_node(tmp_path, [dev("gamma", nic)], {**STOCK, **NO_IPV4})
    assert verdict(a, "HVA-191", "gamma") == ("pass", "1 interface(s) filtered by clean-traffic")


# --- HVA-031: a UDP chardev takes input only from the peer it is connected to ---------------------


def _udp_serial(bind: str, connect: str) -> str:
    return (
        f"<serial type='udp'>{bind}<source mode='connect' {connect} service='2445'/>"
        "<target port='0'/></serial>"
    )


@pytest.mark.parametrize(
    ("serial", "status", "message"),
    [
        # formatdomain's own example: bind 0.0.0.0, connect 0.0.0.0 (connect() to the
        # unspecified address is this host: the loopback)
        (
            _udp_serial("<source mode='bind' host='0.0.0.0' service='2445'/>", "host='0.0.0.0'"),
            "pass",
            "serial over UDP bound to 0.0.0.0 (bound to every address) port 2445, connected "
            "to 0.0.0.0 (this host: the loopback) port 2445: QEMU takes input only from that "
            "peer, which no other machine can send as",
        ),
        # a bind with no host (every address) and a loopback peer
        (
            _udp_serial("<source mode='bind' service='2446'/>", "host='127.0.0.1'"),
            "pass",
            "serial over UDP bound to * (bound to every address) port 2446, connected to "
            "127.0.0.1 port 2445: QEMU takes input only from that peer, which no other machine "
            "can send as",
        ),
        # both sides on the loopback (libvirt's serial-tcp-tlsx509-chardev-verify.xml)
        (
            _udp_serial(
                "<source mode='bind' host='127.0.0.1' service='1111'/>", "host='127.0.0.1'"
            ),
            "pass",
            "console(s) reachable only from the host",
        ),
        # a peer on the network: whoever sends as it types into the VM
        (
            _udp_serial("<source mode='bind' host='0.0.0.0' service='2445'/>", "host='192.0.2.7'"),
            "fail",
            "serial over UDP on 0.0.0.0 (bound to every address) port 2445: no TLS or "
            "authentication, whoever can send to it types into the VM",
        ),
        # the unspecified peer of a socket bound to one network address is that address
        (
            _udp_serial("<source mode='bind' host='192.0.2.1' service='2445'/>", "host='0.0.0.0'"),
            "fail",
            "serial over UDP on 192.0.2.1 port 2445: no TLS or authentication, whoever can "
            "send to it types into the VM",
        ),
    ],
    ids=[
        "formatdomain-example",
        "bind-any-peer-loopback",
        "both-loopback",
        "peer-remote",
        "bound-one",
    ],
)
def test_udp_chardev_judged_by_its_connected_peer(
    host_scan, serial: str, status: str, message: str
) -> None:
    """QEMU util/qemu-sockets.c inet_dgram_saddr (read with `find_string`): a UDP chardev's
    socket is bound to the local address (localaddr/localport: <source mode='bind'>) and then
    connect()ed to the remote one (host/port: <source mode='connect'>; char-udp.c
    qemu_chr_parse_udp defaults host to localhost). connect(2) on a datagram socket makes the
    peer "the only address from which datagrams are received". A loopback peer admits only
    the host's own processes: Linux drops an IPv4 packet with a 127/8 source arriving on
    another interface as martian (net/ipv4/route.c, `ipv4_is_loopback(saddr) &&
    !IN_DEV_NET_ROUTE_LOCALNET`), and connect() to the unspecified address is loopback
    (route.c ip_route_output_key_hash_rcu: `fl4->daddr = fl4->saddr`, else INADDR_LOOPBACK;
    ipv6/datagram.c: "connect() to INADDR_ANY means loopback"). Was: fail for every bind on
    a non-loopback address, formatdomain's own example included. Right: the bind address
    decides nothing when the peer is this host."""
    from conftest import messages, outcomes

    a = host_scan(domains=[domain_xml("udpvm", body=f"<devices>{serial}</devices>")])
    assert (outcomes(a, "HVA-031")["udpvm"], messages(a, "HVA-031")["udpvm"]) == (
        status,
        message,
    )


# --- HVA-031: raw network backends that listen on the host ----------------------------------------

NET_CASES: dict[str, tuple[tuple[str, ...], str, str]] = {
    # hostaddr left out: slirp_hostfwd binds INADDR_ANY
    "hostfwd-any": (
        ("-netdev", "user,id=n0,hostfwd=tcp::2222-:22", "-device", "virtio-net,netdev=n0"),
        "fail",
        "QEMU argument -netdev user,id=n0,hostfwd=tcp::2222-:22: host forwarding tcp::2222-:22 "
        "(TCP port 2222 to the guest's port 22) on every address port 2222, without "
        "authentication: whoever reaches it reaches the VM",
    ),
    # every rule counts (the option is given twice), -nic alike, the type left out is TCP
    "hostfwd-second": (
        ("-nic", "user,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=::8080-:80"),
        "fail",
        "QEMU argument -nic user,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=::8080-:80: host "
        "forwarding ::8080-:80 (TCP port 8080 to the guest's port 80) on every address port "
        "8080, without authentication: whoever reaches it reaches the VM",
    ),
    "hostfwd-loopback": (
        ("-netdev", "user,id=n0,hostfwd=udp:127.0.0.1:5353-:53"),
        "pass",
        "QEMU argument -netdev user,id=n0,hostfwd=udp:127.0.0.1:5353-:53: loopback only"
        " (127/8 taken as local: route_localnet not read, the kernel's default is 0)",
    ),
    "hostfwd-json": (
        ("-netdev", '{"type":"user","id":"n0","hostfwd":[{"str":"tcp:192.0.2.1:2222-:22"}]}'),
        "fail",
        'QEMU argument -netdev {"type":"user","id":"n0","hostfwd":[{"str":"tcp:192.0.2.1:'
        "2222-:22\"}]}: host forwarding tcp:192.0.2.1:2222-:22 (TCP port 2222 to the guest's "
        "port 22) on 192.0.2.1 port 2222, without authentication: whoever reaches it reaches "
        "the VM",
    ),
    "socket-listen": (
        ("-netdev", "socket,id=n0,listen=:5555"),
        "fail",
        "QEMU argument -netdev socket,id=n0,listen=:5555: a TCP server carrying the VM's "
        "network on every address port 5555, without authentication: whoever reaches it "
        "reaches the VM",
    ),
    "stream-server": (
        (
            "-netdev",
            "stream,id=n0,server=on,addr.type=inet,addr.host=0.0.0.0,addr.port=5556",
        ),
        "fail",
        "QEMU argument -netdev stream,id=n0,server=on,addr.type=inet,addr.host=0.0.0.0,"
        "addr.port=5556: a TCP server carrying the VM's network on 0.0.0.0 port 5556, without "
        "authentication: whoever reaches it reaches the VM",
    ),
    "stream-json-loopback": (
        (
            "-netdev",
            '{"type":"stream","id":"n0","server":true,'
            '"addr":{"type":"inet","host":"127.0.0.1","port":"5556"}}',
        ),
        "pass",
        'QEMU argument -netdev {"type":"stream","id":"n0","server":true,"addr":{"type":"inet",'
        '"host":"127.0.0.1","port":"5556"}}: loopback only'
        " (127/8 taken as local: route_localnet not read, the kernel's default is 0)",
    ),
    "stream-fd": (
        ("-netdev", "stream,id=n0,server=on,addr.type=fd,addr.str=3"),
        "manual",
        "QEMU argument -netdev stream,id=n0,server=on,addr.type=fd,addr.str=3: a TCP server "
        "carrying the VM's network on passed socket (fd 3)",
    ),
    # a socket passed by descriptor: net_socket_fd_init reads its type, not its address
    "socket-fd": (
        ("-netdev", "socket,id=n0,fd=3"),
        "manual",
        "QEMU argument -netdev socket,id=n0,fd=3: a socket carrying the VM's network on passed "
        "socket (fd 3)",
    ),
    "dgram-any": (
        (
            "-netdev",
            "dgram,id=n0,local.type=inet,local.host=0.0.0.0,local.port=7000,"
            "remote.type=inet,remote.host=192.0.2.9,remote.port=7001",
        ),
        "fail",
        "QEMU argument -netdev dgram,id=n0,local.type=inet,local.host=0.0.0.0,local.port=7000,"
        "remote.type=inet,remote.host=192.0.2.9,remote.port=7001: a UDP socket carrying the "
        "VM's network on 0.0.0.0 port 7000, without authentication: whoever reaches it "
        "reaches the VM",
    ),
    # a multicast tunnel: joined on the interface the kernel's route picks
    "socket-mcast": (
        ("-netdev", "socket,id=n0,mcast=230.0.0.1:1234"),
        "fail",
        "QEMU argument -netdev socket,id=n0,mcast=230.0.0.1:1234: a multicast tunnel on "
        "multicast group 230.0.0.1 port 1234, joined on the interface its route picks, without "
        "authentication: every machine on that segment that sends to the group reaches the VM",
    ),
    "dgram-mcast": (
        (
            "-netdev",
            "dgram,id=n0,remote.type=inet,remote.host=224.0.0.1,remote.port=1234,"
            "local.type=inet,local.host=192.0.2.1",
        ),
        "fail",
        "QEMU argument -netdev dgram,id=n0,remote.type=inet,remote.host=224.0.0.1,"
        "remote.port=1234,local.type=inet,local.host=192.0.2.1: a multicast tunnel on "
        "multicast group 224.0.0.1 port 1234, joined on the interface of 192.0.2.1, without "
        "authentication: every machine on that segment that sends to the group reaches the VM",
    ),
    # joined on lo: whether another socket joined the group on a network interface is asked
    "socket-mcast-lo": (
        ("-netdev", "socket,id=n0,mcast=230.0.0.1:1234,localaddr=127.0.0.1"),
        "manual",
        "QEMU argument -netdev socket,id=n0,mcast=230.0.0.1:1234,localaddr=127.0.0.1: a "
        "multicast tunnel, group 230.0.0.1 port 1234 joined on 127.0.0.1",
    ),
    # a client stream and a UNIX-socket server open no network listener
    "stream-client": (
        ("-netdev", "stream,id=n0,addr.type=inet,addr.host=192.0.2.9,addr.port=5556"),
        "not_applicable",
        "no VNC, SPICE or RDP console and no TCP or UDP character device",
    ),
    "stream-unix": (
        ("-netdev", "stream,id=n0,server=on,addr.type=unix,addr.path=/run/n0.sock"),
        "not_applicable",
        "no VNC, SPICE or RDP console and no TCP or UDP character device",
    ),
}


@pytest.fixture(scope="module")
def raw_net_assessment(tmp_path_factory: pytest.TempPathFactory):
    from conftest import run_assessment
    from test_redteam3_vm_probes import replayed_domains
    from test_redteam4_vm_probes import _raw

    tmp = tmp_path_factory.mktemp("rawnet")
    return run_assessment(
        replayed_domains(tmp, {n: _raw(n, *case[0]) for n, case in NET_CASES.items()})
    )


@pytest.mark.parametrize("name", list(NET_CASES))
def test_raw_network_backend_listeners(raw_net_assessment, name: str) -> None:
    """Raw `-netdev`/`-nic` backends listen on the host (QEMU net/slirp.c slirp_hostfwd:
    INADDR_ANY unless hostaddr is given; net/socket.c net_socket_listen_init over
    parse_host_port, an empty host being every address; net/stream.c net_init_stream server=on
    and util/qemu-sockets.c inet_listen_saddr, getaddrinfo(NULL) with AI_PASSIVE for an empty
    host; net/dgram.c net_init_dgram binds local and never connects). libvirt (through
    <qemu:commandline>) knows none of them. Was: not applicable for every one (HVA-031 read
    chardevs and consoles only). Right: fail off the loopback, pass on it, a question for a
    socket passed by fd."""
    _, status, message = NET_CASES[name]
    assert verdict(raw_net_assessment, "HVA-031", name) == (status, message)


def test_multicast_on_loopback_asks_about_the_hosts_memberships(raw_net_assessment) -> None:
    """A group joined on lo: Linux delivers a datagram to every socket bound to its group and
    port once the interface it arrived on joined the group, so whether another socket of the
    host joined it on a network interface decides; `ip maddr show` answers it."""
    (q,) = [
        r.outcome.question
        for r in raw_net_assessment.results
        if r.check.id == "HVA-031" and r.outcome.subject.name == "socket-mcast-lo"
    ]
    assert q == (
        "Does any other socket on host n join the multicast group(s) of VM socket-mcast-lo "
        "(QEMU argument -netdev socket,id=n0,mcast=230.0.0.1:1234,localaddr=127.0.0.1: a "
        "multicast tunnel, group 230.0.0.1 port 1234 joined on 127.0.0.1) on a network "
        "interface? Evidence: `ip maddr show` on host n (Linux hands a datagram to every "
        "socket bound to its group and port once any socket joined the group on the interface "
        "it arrived on). Pass: the group is joined on lo only; fail: it is joined on a network "
        "interface, where any machine on that segment sends the VM frames."
    )


def test_proxmox_args_hostfwd(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same reading of a Proxmox VE `args:` line (qemu-server hands it to QEMU split by
    shellwords): a user-mode forward of the host's port 2222 on every address fails."""
    import shutil

    from test_proxmox_checks import HARDENED, msg, result, scan

    tree = Path(shutil.copytree(HARDENED, tmp_path / "node"))
    conf = tree / "etc/pve/qemu-server/200.conf"
    conf.write_text(conf.read_text() + "\nargs: -nic user,hostfwd=tcp::2222-:22\n")
    _, report = scan(tree, capsys)
    assert (result(report, "HVA-031", "web-10")["status"], msg(report, "HVA-031", "web-10")) == (
        "fail",
        "QEMU argument -nic user,hostfwd=tcp::2222-:22: host forwarding tcp::2222-:22 (TCP port "
        "2222 to the guest's port 22) on every address port 2222, without authentication: "
        "whoever reaches it reaches the VM",
    )


# --- HVA-190: the nftables matches left as questions --------------------------------------------


def _nft_rules(*rules: list[dict]) -> str:
    from test_nft_opaque_matches import _ruleset

    return _ruleset(*rules)


def _nft(host_scan, *rules: list[dict], extra: list[dict] | None = None) -> tuple[str, str]:
    import json

    from conftest import messages, outcomes

    ruleset = json.loads(_nft_rules(*rules))
    ruleset["nftables"] += extra or []
    a = host_scan({"nft-ruleset": (json.dumps(ruleset), 0)})
    return outcomes(a, "HVA-190")["hv1"], messages(a, "HVA-190")["hv1"]


NFT_OPEN = (
    "inbound traffic is accepted by default (inet filter input: policy drop, but inet filter "
    "input rule handle 9 (matches every IPv4 packet; {} restricts neither source nor port) "
    "accepts all traffic)"
)
NFT_PASS = ("pass", "inbound default policy drops (inet filter input: policy drop)")


def _m(left: dict, right: object, op: str = "==") -> dict:
    return {"match": {"op": op, "left": left, "right": right}}


@pytest.mark.parametrize(
    ("exprs", "status", "message"),
    [
        # the sender picks its packets' length: every source, every port
        (
            [_m({"meta": {"key": "length"}}, {"range": [0, 1500]}), {"accept": None}],
            "fail",
            NFT_OPEN.format("meta length 0-1500"),
        ),
        (
            [_m({"meta": {"key": "cpu"}}, 0), {"accept": None}],
            "fail",
            NFT_OPEN.format("meta cpu 0"),
        ),
        # every packet a peer sends in its own connection, new ones included
        (
            [_m({"ct": {"key": "direction"}}, "original"), {"accept": None}],
            "fail",
            "inbound traffic is accepted by default (inet filter input: policy drop, but inet "
            "filter input rule handle 9 (matches every IPv4 packet) accepts all traffic)",
        ),
        # answers to connections opened from the host only
        ([_m({"ct": {"key": "direction"}}, "reply"), {"accept": None}], *NFT_PASS),
        # nft's queue: a program in user space decides, as iptables' NFQUEUE
        (
            [{"queue": {"num": 3, "flags": ["bypass"]}}],
            "manual",
            "evidence unavailable: IPv4: inet filter input: inet filter input rule handle 9 "
            "(queue num 3 bypass: a program in user space decides)",
        ),
        # no nft rule assigns a helper: which connections have one is not in the evidence
        (
            [_m({"ct": {"key": "helper"}}, "ftp"), {"accept": None}],
            "manual",
            "evidence unavailable: IPv4: inet filter input: inet filter input rule handle 9 "
            "(accept under ct helper ftp, assigned by no nft rule, a match whose share "
            "hvaudit cannot read)",
        ),
    ],
    ids=["meta-length", "meta-cpu", "ct-original", "ct-reply", "queue", "ct-helper-unassigned"],
)
def test_nft_leftover_matches(host_scan, exprs, status, message) -> None:
    """nft(8) META EXPRESSIONS `length` ("length of the packet in bytes") and `cpu` ("cpu number
    processing the packet"; net/netfilter/nft_meta.c: skb->len, smp_processor_id()) say how a
    packet arrives, never who sends it: an accept under them alone opens the host (was a
    question, now a fail naming the match and its value). CONNTRACK EXPRESSIONS `direction`
    ("Direction of the packet relative to the connection"): `original` is what peers send in
    their own connections, new ones included (fail, as `ct state new`), `reply` only answers to
    connections the host opened (narrow: the drop policy decides; both were questions). QUEUE
    STATEMENT: "passes the packet to userspace ... Userspace must then drop or re-inject the
    packet": a question, as iptables' NFQUEUE (was ignored: a pass on the drop policy).
    `ct helper "ftp"` with no nft rule assigning a helper stays a question, naming the helper."""
    assert _nft(host_scan, exprs) == (status, message)


def _helper_rule(handle: int, exprs: list[dict]) -> dict:
    return {
        "rule": {
            "family": "inet",
            "table": "filter",
            "chain": "pre",
            "handle": handle,
            "expr": [*exprs, {"ct helper": "ftp-std"}],
        }
    }


def test_nft_ct_helper_is_as_narrow_as_its_assignment(host_scan) -> None:
    """`tcp dport 21 ct helper set "ftp-std"` (nft(8) CT HELPER) gives the FTP helper to
    connections to port 21 only: `ct helper "ftp" accept` accepts their packets, a service
    rule (pass; was a question). Assigned to every connection, the same accept is a question
    still (its share is every connection)."""
    accept = [_m({"ct": {"key": "helper"}}, "ftp"), {"accept": None}]
    port21 = _helper_rule(20, [_m({"payload": {"protocol": "tcp", "field": "dport"}}, 21)])
    assert _nft(host_scan, accept, extra=[port21]) == NFT_PASS
    everyone = _helper_rule(21, [])
    assert _nft(host_scan, accept, extra=[port21, everyone]) == (
        "manual",
        "evidence unavailable: IPv4: inet filter input: inet filter input rule handle 9 "
        "(accept under ct helper ftp, a match whose share hvaudit cannot read)",
    )


# --- HVA-190: ipset members and recent lists read from the host -------------------------------

IPT_PASS = ("pass", "inbound default policy drops (policy DROP; ip6tables policy DROP)")
IPT_ASK = (
    "evidence unavailable: IPv4: INPUT (policy DROP) hands traffic to what the rules read do "
    "not show: "
)
SAVE = "*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n{}COMMIT\n"


def _ipt_lists(
    host_scan,
    rule: str,
    ipsets: str | None = None,
    recent: tuple[str, int] | None = ("", 1),
    save_extra: str = "",
) -> tuple[str, str]:
    from conftest import messages, outcomes

    text = "-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n" + rule
    overrides: dict = {
        "nft-ruleset": None,
        "iptables-input": (text, 0),
        "ip6tables-input": ("-P INPUT DROP\n", 0),
        "iptables-save": (SAVE.format(rule) + save_extra, 0),
        "ip6tables-save": ("*filter\n:INPUT DROP [0:0]\nCOMMIT\n", 0),
        "xt-recent": recent,
    }
    if ipsets is not None:
        overrides["ipset-list"] = (ipsets, 0)
    a = host_scan(overrides)
    return outcomes(a, "HVA-190")["hv1"], messages(a, "HVA-190")["hv1"]


ADMINS = "create admins hash:net family inet hashsize 1024 maxelem 65536\nadd admins 10.0.0.0/24\n"
EVERYONE = (
    "create admins hash:net family inet hashsize 1024 maxelem 65536\n"
    "add admins 0.0.0.0/1\nadd admins 128.0.0.0/1\n"
)


def test_ipset_of_some_sources_is_narrow(host_scan) -> None:
    """ipset(8): `ipset list -output save` prints each set's `create` line and its `add`
    entries; iptables-extensions(8) set: `--match-set admins src` matches packets whose source
    the set holds. A hash:net of 10.0.0.0/24, to which no rule of any table adds
    (`iptables-save`, -j SET --add-set): the accept admits that network only, the drop policy
    decides. Was: a question ("whose members only `ipset list admins` shows")."""
    rule = "-A INPUT -m set --match-set admins src -j ACCEPT\n"
    assert _ipt_lists(host_scan, rule, ADMINS) == IPT_PASS


def test_ipset_of_every_source_opens_the_host(host_scan) -> None:
    """The same accept over a set holding 0.0.0.0/1 and 128.0.0.0/1 admits every IPv4 source:
    fail (was a question)."""
    rule = "-A INPUT -m set --match-set admins src -j ACCEPT\n"
    assert _ipt_lists(host_scan, rule, EVERYONE) == (
        "fail",
        "inbound traffic is accepted by default (-A INPUT -m set --match-set admins src -j "
        "ACCEPT (matches every packet or every new connection))",
    )


def test_ipset_filled_by_a_rule_or_unread_stays_a_question(host_scan) -> None:
    """A mangle rule adding the source of every packet to port 22 to the set (iptables-
    extensions(8) SET --add-set): whoever knocks is in it, so the set's members now decide
    nothing: a question naming that rule. `ipset list` not read: a question as before."""
    rule = "-A INPUT -m set --match-set admins src -j ACCEPT\n"
    knock = (
        "*mangle\n:PREROUTING ACCEPT [0:0]\n"
        "-A PREROUTING -p tcp -m tcp --dport 22 -j SET --add-set admins src\nCOMMIT\n"
    )
    assert _ipt_lists(host_scan, rule, ADMINS, save_extra=knock) == (
        "manual",
        IPT_ASK + "-A INPUT -m set --match-set admins src -j ACCEPT (under ipset admins, to "
        "which `-A PREROUTING -p tcp -m tcp --dport 22 -j SET --add-set admins src` adds the "
        "addresses of the packets it matches)",
    )
    assert _ipt_lists(host_scan, rule, None) == (
        "manual",
        IPT_ASK + "-A INPUT -m set --match-set admins src -j ACCEPT (under ipset admins, "
        "whose members only `ipset list admins` shows)",
    )


def test_recent_list_no_rule_fills_is_narrow(host_scan) -> None:
    """iptables-extensions(8) recent: `--rcheck` matches the sources in the list, which `--set`
    rules fill ("This will add the source address of the packet to the list") or the admin
    writes one address at a time to /proc/net/xt_recent/NAME. With /proc/net/xt_recent read and
    no rule of any table adding to `trusted`, the accept admits those written addresses only:
    pass (was a question). With a `--set` rule filling it from every SYN, a question naming it."""
    rule = "-A INPUT -m recent --rcheck --name trusted --mask 255.255.255.255 --rsource -j ACCEPT\n"
    recent = ("/proc/net/xt_recent/trusted:src=10.0.0.7 ttl: 64 last_seen: 1 oldest_pkt: 1\n", 0)
    assert _ipt_lists(host_scan, rule, ADMINS, recent) == IPT_PASS
    fill = "-A INPUT -p tcp -m tcp --syn -m recent --set --name trusted --rsource\n"
    assert _ipt_lists(host_scan, fill + rule, ADMINS, recent) == (
        "manual",
        IPT_ASK + "-A INPUT -m recent --rcheck --name trusted --mask 255.255.255.255 --rsource "
        "-j ACCEPT (under -m recent --rcheck, whose list trusted `-A INPUT -p tcp -m tcp --syn "
        "-m recent --set --name trusted --rsource` fills with the sources of the packets it "
        "matches)",
    )
    # /proc/net/xt_recent not read: as before
    assert _ipt_lists(host_scan, rule, ADMINS, None) == (
        "manual",
        IPT_ASK + rule.strip() + " (under -m recent --rcheck, whose sources only "
        "/proc/net/xt_recent/trusted shows)",
    )


# --- HVA-181: flaws of another vendor's CPUs, and the STIBP question beside the kernel one ----------

CPU_VULNS = "/sys/devices/system/cpu/vulnerabilities/"


def _kernel_without(*flaws: str, spectre_v2: str = "Mitigation: Enhanced / Automatic IBRS") -> str:
    from conftest import with_current_kernel

    lines = with_current_kernel(f"{CPU_VULNS}spectre_v2:{spectre_v2}\n")
    return "".join(
        line
        for line in lines.splitlines(True)
        if not line.startswith(tuple(CPU_VULNS + n + ":" for n in flaws))
    )


def _cpu_verdict(a, check_id: str = "HVA-181") -> tuple[str, str, str]:
    from conftest import messages, outcomes

    q = next(r.outcome.question or "" for r in a.results if r.check.id == check_id)
    return outcomes(a, check_id)["hv1"], messages(a, check_id)["hv1"], q


#: A 6.1 kernel of mid-2023: no GDS, RFDS, ITS, TSA or VMSCAPE file.
KERNEL_2023 = ("gather_data_sampling", "reg_file_data_sampling", "indirect_target_selection")
KERNEL_2023 += ("tsa", "vmscape")


@pytest.mark.parametrize(
    ("vendor", "missing", "status", "message"),
    [
        # GDS, RFDS and ITS are Intel's only: on AMD the kernel predates only TSA and VMSCAPE
        (
            "AuthenticAMD",
            KERNEL_2023,
            "manual",
            "12 CPU vulnerabilities reported, none unmitigated, but this kernel reports nothing "
            "of tsa, vmscape: it predates them, so it neither reports nor mitigates them on this "
            "AuthenticAMD CPU",
        ),
        # TSA is AMD's only (not even Hygon's)
        (
            "HygonGenuine",
            KERNEL_2023,
            "manual",
            "12 CPU vulnerabilities reported, none unmitigated, but this kernel reports nothing "
            "of vmscape: it predates them, so it neither reports nor mitigates them on this "
            "HygonGenuine CPU",
        ),
        # SRSO and TSA are AMD's: an Intel host whose kernel lacks only them misses nothing
        (
            "GenuineIntel",
            ("spec_rstack_overflow", "tsa"),
            "pass",
            "15 CPU vulnerabilities reported, none unmitigated",
        ),
    ],
    ids=["amd", "hygon", "intel-amd-only-flaws"],
)
def test_unreported_flaws_of_another_vendor_are_not_asked(
    host_scan, vendor: str, missing: tuple[str, ...], status: str, message: str
) -> None:
    """arch/x86/kernel/cpu/common.c (read with `find_string`): cpu_vuln_whitelist gives every
    AMD and Hygon family NO_MELTDOWN | NO_L1TF | NO_MDS | NO_ITLB_MULTIHIT | NO_MMIO; SRBDS,
    GDS, RFDS and ITS are set for Intel models only; TAA needs TSX; SRSO is set for
    VULNBL_AMD / VULNBL_HYGON families only and TSA `if (c->x86_vendor == X86_VENDOR_AMD)`. A
    kernel without the file of a flaw that cannot affect the host's CPU leaves nothing open.
    Was: the question named them too (GDS, RFDS, ITS on AMD; SRSO and TSA on Intel: a manual
    item on a fully patched Intel host). Right: only the flaws of the host's vendor."""
    from conftest import HARDENED_HOST

    cpuinfo = HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", vendor)
    a = host_scan({"cpu-vulnerabilities": (_kernel_without(*missing), 0), "/proc/cpuinfo": cpuinfo})
    assert _cpu_verdict(a)[:2] == (status, message)


def test_stibp_question_is_asked_beside_the_kernel_question(host_scan) -> None:
    """spectre_v2 "STIBP: disabled" with the SMT state unread is a question (hw-vuln/spectre.rst:
    "STIBP unused"); a kernel that predates VMSCAPE is another. Was: only the kernel question,
    the STIBP one dropped (answering it "none affects this CPU" passed the item with SMT and
    STIBP never asked). Right: one item asking both."""
    v2 = "Mitigation: Retpolines; IBPB: conditional; STIBP: disabled; RSB filling"
    a = host_scan(
        {
            "cpu-vulnerabilities": (_kernel_without("vmscape", spectre_v2=v2), 0),
            "/sys/devices/system/cpu/smt/control": PermissionError("Permission denied"),
        }
    )
    assert _cpu_verdict(a) == (
        "manual",
        "16 CPU vulnerabilities reported, none unmitigated, but this kernel reports nothing of "
        "vmscape: it predates them, so it neither reports nor mitigates them on this "
        "GenuineIntel CPU; spectre_v2 reports STIBP: disabled and the SMT state is unknown "
        "(host/files/sys/devices/system/cpu/smt/control: Permission denied)",
        "(1) Is this host's CPU unaffected by every one of vmscape? Evidence: the CPU's family, model "
        "and stepping (/proc/cpuinfo) against the vendor's advisories or the kernel's "
        "Documentation/admin-guide/hw-vuln, or /sys/devices/system/cpu/vulnerabilities after "
        'booting a kernel that reports them. Pass: yes, none affects this CPU ("Not '
        'affected"); fail: no, one does (the running kernel does not mitigate it). (2) Is SMT '
        "off on this host, "
        "or is STIBP in use? Evidence: `cat /sys/devices/system/cpu/smt/control` and the "
        "spectre_v2 line of /sys/devices/system/cpu/vulnerabilities. Pass: SMT control is off, "
        "forceoff or notsupported, or spectre_v2 no longer says STIBP: disabled; fail: SMT is "
        "on and STIBP is disabled.",
    )


# --- HVA-031: libvirt's own tunnel interfaces listen on the host too ---------------------------------


@pytest.mark.parametrize(
    ("interface", "status", "message"),
    [
        # formatdomain's TCP tunnel example: the server end on a network address
        (
            "<interface type='server'><mac address='52:54:00:22:c9:42'/>"
            "<source address='192.168.0.1' port='5558'/></interface>",
            "fail",
            "interface 52:54:00:22:c9:42 (type='server'): a TCP server carrying the VM's "
            "network on 192.168.0.1 port 5558, without authentication: whoever reaches it "
            "reaches the VM",
        ),
        # no address: socket,listen=:5558, every address
        (
            "<interface type='server'><mac address='52:54:00:22:c9:43'/>"
            "<source port='5558'/></interface>",
            "fail",
            "interface 52:54:00:22:c9:43 (type='server'): a TCP server carrying the VM's "
            "network on every address port 5558, without authentication: whoever reaches it "
            "reaches the VM",
        ),
        (
            "<interface type='server'><mac address='52:54:00:22:c9:44'/>"
            "<source address='127.0.0.1' port='5558'/></interface>",
            "pass",
            "interface 52:54:00:22:c9:44 (type='server'): loopback only",
        ),
        # formatdomain's UDP unicast tunnel: bound to <local>, never connected
        (
            "<interface type='udp'><mac address='52:54:00:22:c9:45'/>"
            "<source address='192.168.0.1' port='5558'><local address='0.0.0.0' port='5559'/>"
            "</source></interface>",
            "fail",
            "interface 52:54:00:22:c9:45 (type='udp'): a UDP socket carrying the VM's network "
            "on 0.0.0.0 port 5559, without authentication: whoever reaches it reaches the VM",
        ),
        # formatdomain's multicast tunnel: the group is joined on the routed interface
        (
            "<interface type='mcast'><mac address='52:54:00:6d:90:01'/>"
            "<source address='230.0.0.1' port='5558'/></interface>",
            "fail",
            "interface 52:54:00:6d:90:01 (type='mcast'): a multicast tunnel on multicast group "
            "230.0.0.1 port 5558, joined on the interface its route picks, without "
            "authentication: every machine on that segment that sends to the group reaches the "
            "VM",
        ),
        # the client end listens nowhere
        (
            "<interface type='client'><mac address='52:54:00:22:c9:46'/>"
            "<source address='192.168.0.1' port='5558'/></interface>",
            "not_applicable",
            "no VNC, SPICE or RDP console and no TCP or UDP character device",
        ),
    ],
    ids=[
        "server-address",
        "server-every-address",
        "server-loopback",
        "udp-local",
        "mcast",
        "client",
    ],
)
def test_libvirt_tunnel_interfaces_listen(
    host_scan, interface: str, status: str, message: str
) -> None:
    """libvirt src/qemu/qemu_command.c qemuBuildHostNetProps (read with `read_file`): a
    `<interface type='server'>` becomes `-netdev socket,listen=ADDR:PORT` with
    qemuBuildHostNetSocketAddr's `NULLSTR_EMPTY(net->data.socket.address)` (no address: every
    address, QEMU net/net.c parse_host_port), a `type='udp'` one `socket,udp=...,localaddr=
    LOCAL:PORT` (net/socket.c net_socket_udp_init: bound, never connected). Whoever reaches the
    server's port or sends to the UDP one exchanges Ethernet frames with the VM. Was: not
    applicable (HVA-031 read consoles and chardevs; HVA-191 only asks about spoofing over the
    tunnel). Right: judged as the raw -netdev listeners."""
    from conftest import messages, outcomes

    a = host_scan(domains=[domain_xml("tunvm", body=f"<devices>{interface}</devices>")])
    assert (outcomes(a, "HVA-031")["tunvm"], messages(a, "HVA-031")["tunvm"]) == (status, message)


PASST = {
    # RHEL's passt example: host TCP port 2022 to the guest's 22, no address
    "passt-any": (
        "<interface type='user'><mac address='52:54:00:98:d8:b7'/><backend type='passt'/>"
        "<portForward proto='tcp'><range start='2022' to='22'/></portForward></interface>",
        "fail",
        "interface 52:54:00:98:d8:b7 (type='user'): passt forwarding TCP 2022:22 to the "
        "guest on every address port 2022, without authentication: whoever reaches it "
        "reaches the VM",
    ),
    "passt-lo": (
        "<interface type='user'><mac address='52:54:00:98:d8:b8'/><backend type='passt'/>"
        "<portForward proto='udp' address='127.0.0.1'><range start='5000' end='5020' "
        "to='6000'/></portForward></interface>",
        "pass",
        "interface 52:54:00:98:d8:b8 (type='user'): loopback only"
        " (127/8 taken as local: route_localnet not read, the kernel's default is 0)",
    ),
    # libvirt refuses a <portForward> off the passt backend (qemu_validate.c)
    "slirp-forward": (
        "<interface type='user'><mac address='52:54:00:98:d8:b9'/>"
        "<portForward proto='tcp'><range start='2022' to='22'/></portForward></interface>",
        "not_applicable",
        "no VNC, SPICE or RDP console and no TCP or UDP character device",
    ),
}


@pytest.mark.parametrize("name", list(PASST))
def test_passt_port_forwards_listen(tmp_path: Path, name: str) -> None:
    """libvirt src/qemu/qemu_passt.c qemuPasstStart (read with `read_file`) hands each
    `<portForward>` of a passt interface to passt as `--tcp-ports`/`--udp-ports
    [ADDRESS[%DEV]/]RANGES` (`all` with no range); passt's usage (conf.c): "-t 22 Forward
    local port 22 to 22 on guest", "-t 192.0.2.1/5 Bind port 5 of 192.0.2.1 to guest", so no
    address is every local address. libvirt's qemu_validate.c refuses a <portForward> on any
    other backend. Was: not applicable (HVA-031 did not read <portForward>). Right: a
    forward off the loopback fails, on it passes. (Replayed as a daemon with the QEMU driver
    reports it: the test driver of this libvirt predates the passt backend.)"""
    import uuid

    from test_redteam3_vm_probes import replayed_domains

    iface, status, message = PASST[name]
    uid = uuid.uuid5(uuid.NAMESPACE_DNS, name)
    xml = (
        f"<domain type='kvm'><name>{name}</name><uuid>{uid}</uuid>"
        "<memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
        f"<devices>{iface}</devices></domain>"
    )
    from conftest import run_assessment

    a = run_assessment(replayed_domains(tmp_path, {name: xml}))
    assert verdict(a, "HVA-031", name) == (status, message)


# --- HVA-031: loopback consoles on a host that routes 127/8 (route_localnet) ---------------------

ROUTED_BR0 = (
    "/proc/sys/net/ipv4/conf/all/route_localnet:0\n/proc/sys/net/ipv4/conf/br0/route_localnet:1\n",
    0,
)


@pytest.mark.parametrize(
    ("device", "status", "message"),
    [
        # a password-less VNC server on 127.0.0.1
        (
            "<graphics type='vnc' port='5901' autoport='no' listen='127.0.0.1'>"
            "<listen type='address' address='127.0.0.1'/></graphics>",
            "fail",
            "vnc on 127.0.0.1 without a password; 127/8 is reachable from the network: "
            "route_localnet = 1 on br0",
        ),
        # a UDP console whose peer is 127.0.0.1: the network can send as it
        (
            _udp_serial("<source mode='bind' service='2446'/>", "host='127.0.0.1'"),
            "fail",
            "serial over UDP on * (bound to every address) port 2446: no TLS or "
            "authentication, whoever can send to it types into the VM; 127/8 is reachable "
            "from the network: route_localnet = 1 on br0",
        ),
        # ::1 has no such switch: still only the host
        (
            "<graphics type='vnc' port='5901' autoport='no' listen='::1'>"
            "<listen type='address' address='::1'/></graphics>",
            "pass",
            "console(s) reachable only from the host",
        ),
    ],
    ids=["vnc-127", "udp-peer-127", "vnc-ipv6-loopback"],
)
def test_loopback_consoles_where_the_host_routes_127(
    host_scan, device: str, status: str, message: str
) -> None:
    """Linux ip-sysctl.rst, route_localnet: "Do not consider loopback addresses as martian
    source or destination while routing. This enables the use of 127/8 for local routing
    purposes" - with it set on br0, a machine on br0's network sends packets to 127.0.0.1 (and
    as 127.0.0.1) that the host accepts (CVE-2020-8558, kube-proxy's route_localnet=1). A
    console bound to 127.0.0.1, or a UDP console connected to a 127.0.0.1 peer, is then
    judged as on the network (was a pass: "loopback only", R9H-7's VM twin); ::1 stays local
    (RFC 4291 2.5.3). The same consoles on the fixture host (route_localnet 0 everywhere)
    keep their pass (tests above)."""
    from conftest import messages, outcomes

    a = host_scan(
        {"route-localnet": ROUTED_BR0},
        domains=[domain_xml("loopvm", body=f"<devices>{device}</devices>")],
    )
    assert (outcomes(a, "HVA-031")["loopvm"], messages(a, "HVA-031")["loopvm"]) == (
        status,
        message,
    )
