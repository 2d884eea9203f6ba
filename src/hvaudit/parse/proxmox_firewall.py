"""pve-firewall's configuration files (cluster.fw, host.fw, <vmid>.fw), read as pve-firewall reads them.

The grammar follows pve-firewall's own parser (src/PVE/Firewall.pm: `generic_fw_config_parser`,
`parse_fw_rule`, `parse_vmfw_option`, `parse_hostfw_option`, `parse_clusterfw_option`,
`parse_alias`, `verify_rule`):

- each line is stripped of surrounding blanks; lines starting with `#` and empty lines are skipped;
- section headers (case-insensitive): `[OPTIONS]`, `[ALIASES]`, `[RULES]` exactly, and
  `[IPSET name] # comment`, `[group name] # comment` with an optional trailing comment; which
  sections a file may have depends on its kind (cluster: all; host: options and rules; VM: options,
  aliases, ipsets and rules). Set and group names are lower-cased. A header pve-firewall does not
  recognise is not a header: it is read as a line of the current section (or skipped outside one);
- rule lines: `[|]TYPE ACTION [-i IFACE] [-p PROTO] [-dport P] [-sport P] [-source S] [-dest D]
  [-log LEVEL] [-icmp-type T] [# comment]`, `|` disabling the rule, `Macro(ACTION)` as the action
  of an in/out/forward rule, `GROUP name` referring to a security group; options may be spelled with
  one or two dashes, `-p` also as `-proto`;
- IP set entries: `[!]CIDR-or-alias [# comment]`, `!` marking a `nomatch` exception;
- aliases: `name CIDR [# comment]`;
- options: `key: value`, keys and values as each file kind's option parser accepts them.

pve-firewall never stops on a bad line: it warns and skips an unparsable line, and keeps a rule or
IP set entry whose parameters are wrong but leaves it out of the generated ruleset. This parser
does the same, so the model reflects what pve-firewall enforces, and lists every such line in
`warnings` (file, line and pve-firewall's reason) for the report's notes.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

__all__ = [
    "FirewallFile",
    "IpsetEntry",
    "firewall_kind",
    "net_ip",
    "nft_options",
    "parse_firewall",
    "perl_false",
]

NAME = r"[A-Za-z][A-Za-z0-9\-_]+"
"""pve-firewall's $ipset_name_pattern, $security_group_name_pattern and $ip_alias_pattern."""
MAX_IPSET_NAME = 64
MAX_GROUP_NAME = 18
LOG_LEVELS = "emerg|alert|crit|err|warning|notice|info|debug|nolog"

# The macro names of pve-firewall's $pve_fw_macros (matched case-insensitively, as pve-firewall's
# $pve_fw_preferred_macro_names does).
MACROS = frozenset(
    (
        "Amanda Auth BGP BitTorrent BitTorrent32 Ceph CVS Citrix DAAP DCC DHCPfwd DNS Distcc FTP "
        "Finger GNUnet GRE Git HKP HTTP HTTPS ICPV2 ICQ IMAP IMAPS IPIP IPsec IPsecah IPsecnat IRC "
        "Jetdirect L2TP LDAP LDAPS MSNP MSSQL Mail MDNS Munin MySQL NNTP NNTPS NTP OSPF OpenVPN PCA "
        "PMG POP3 POP3S PPtP Ping PostgreSQL Printer RDP RIP RNDC Razor Rdate Rsync SANE SMB SMBswat "
        "SMTP SMTPS SNMP SPAMD SSH SVN SixXS SPICEproxy Squid Submission Syslog TFTP Telnet Telnets "
        "Time Trcrt VNC VNCL Web Webcache Webmin Whois"
    )
    .lower()
    .split()
)

# Which sections each kind of file has (the `$empty_conf` of load_clusterfw_conf, load_hostfw_conf,
# load_vmfw_conf) and which rule types each accepts ($rule_env_direction_lookup).
SECTIONS = {
    "cluster": {"options", "aliases", "rules", "groups", "ipset"},
    "host": {"options", "rules"},
    "vm": {"options", "aliases", "rules", "ipset"},
}
RULE_TYPES = {
    "cluster": ("in", "out", "forward", "group"),
    "host": ("in", "out", "forward", "group"),
    "vm": ("in", "out", "group"),
    "group": ("in", "out", "forward"),
}

_BOOL = r"\s*(0|1)\s*$"
_OPTIONS: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    # (pattern, how the value is normalised: int, lower, upper or raw)
    "vm": (
        (
            re.compile(r"^(enable|dhcp|ndp|radv|macfilter|ipfilter|ips):" + _BOOL, re.I | re.A),
            "int",
        ),
        (
            re.compile(rf"^(log_level_in|log_level_out):\s*(?:({LOG_LEVELS})\s*)?$", re.I | re.A),
            "lower",
        ),
        (re.compile(r"^(policy_(?:in|out)):\s*(ACCEPT|DROP|REJECT)\s*$", re.I | re.A), "upper"),
        (re.compile(r"^(ips_queues):\s*(\d+(?::\d+)?)\s*$", re.I | re.A), "raw"),
        (re.compile(r"^(layer2_protocols):\s*((?:\S+,?)+)\s*$", re.I | re.A), "raw"),
    ),
    "host": (
        (
            re.compile(
                r"^(enable|nosmurfs|tcpflags|ndp|log_nf_conntrack|nf_conntrack_allow_invalid|"
                r"protection_synflood|nftables):" + _BOOL,
                re.I | re.A,
            ),
            "int",
        ),
        (
            re.compile(
                r"^(log_level_(?:in|out|forward)|tcp_flags_log_level|smurf_log_level):"
                rf"\s*(?:({LOG_LEVELS})\s*)?$",
                re.I | re.A,
            ),
            "lower",
        ),
        (re.compile(r"^(nf_conntrack_helpers):\s*((?:\S+,?)+)\s*$", re.I | re.A), "lower"),
        (
            re.compile(
                r"^(nf_conntrack_max|nf_conntrack_tcp_timeout_established|"
                r"nf_conntrack_tcp_timeout_syn_recv|protection_synflood_rate|"
                r"protection_synflood_burst|protection_limit):\s*(\d+)\s*$",
                re.I | re.A,
            ),
            "int",
        ),
    ),
    "cluster": (
        (re.compile(r"^(enable):\s*(\d+)\s*$", re.I | re.A), "int"),
        (re.compile(r"^(ebtables):" + _BOOL, re.I | re.A), "int"),
        (
            re.compile(r"^(policy_(?:in|out|forward)):\s*(ACCEPT|DROP|REJECT)\s*$", re.I | re.A),
            "upper",
        ),
        (re.compile(r"^(log_ratelimit):\s*(\S+)\s*$", re.A), "raw"),
    ),
}

# parse_fw_rule's parameters, in its order: (pattern, key).
_RULE_PARAMS = (
    (re.compile(r"^-i (\S+)\s*", re.A), "iface"),
    (re.compile(r"^(?:-p|--?proto) (\S+)\s*", re.A), "proto"),
    (re.compile(r"^--?dport (\S+)\s*", re.A), "dport"),
    (re.compile(r"^--?sport (\S+)\s*", re.A), "sport"),
    (re.compile(r"^--?source (\S+)\s*", re.A), "source"),
    (re.compile(r"^--?dest (\S+)\s*", re.A), "dest"),
    (re.compile(rf"^--?log ({LOG_LEVELS})\s*", re.A), "log"),
    (re.compile(r"^--?icmp-type (\S+)\s*", re.A), "icmp-type"),
)
_PROTOCOLS_WITH_PORTS = {"udp", "17", "udplite", "136", "tcp", "6", "dccp", "33", "sctp", "132"}
_ICMP = {"icmp", "1", "icmpv6", "ipv6-icmp", "58"}
#: pve-firewall's ICMP protocols, by name only (Firewall.pm $proto_is_icmp: `icmp`, `icmpv6`,
#: `ipv6-icmp`): verify_rule takes an -icmp-type, or a -dport (an ICMP type to it), only under
#: these, so `-p 1 -icmp-type echo-request` and `-p 58 -dport 128` are refused rules (R42F-1)
_PVE_ICMP = {"icmp", "icmpv6", "ipv6-icmp"}


#: What pve-firewall's get_etc_protocols accepts (Firewall.pm parse_protocol_file: each
#: /etc/protocols line `m!^(\S+)\s+(\d+)(?:\s+.*)?$!` gives `byname` its first column and
#: `byid` its number as written, aliases unread; `icmpv6` added): netbase 6.4's /etc/protocols
#: (Debian 12, Proxmox VE 8's base; read on such a system), names and numbers.
_NETBASE_PROTOCOLS = (
    "ip 0 hopopt 0 icmp 1 igmp 2 ggp 3 ipencap 4 st 5 tcp 6 egp 8 igp 9 pup 12 udp 17 hmp "
    "20 xns-idp 22 rdp 27 iso-tp4 29 dccp 33 xtp 36 ddp 37 idpr-cmtp 38 ipv6 41 ipv6-route "
    "43 ipv6-frag 44 idrp 45 rsvp 46 gre 47 esp 50 ah 51 skip 57 ipv6-icmp 58 ipv6-nonxt 59 "
    "ipv6-opts 60 rspf 73 vmtp 81 eigrp 88 ospf 89 ax.25 93 ipip 94 etherip 97 encap 98 "
    "pim 103 ipcomp 108 vrrp 112 l2tp 115 isis 124 sctp 132 fc 133 mobility-header 135 "
    "udplite 136 mpls-in-ip 137 manet 138 hip 139 shim6 140 wesp 141 rohc 142 ethernet 143 "
    "mptcp 262 icmpv6"
)
NETBASE_PROTOCOLS = frozenset(_NETBASE_PROTOCOLS.split())
#: The aliases of netbase 6.4's /etc/protocols (the columns after the number; read on such a
#: system), which glibc's getprotobyname_r matches as it matches the first column,
#: case-sensitively.
_NETBASE_ALIAS_NAMES = (
    "IP HOPOPT ICMP IGMP GGP IP-ENCAP ST TCP EGP IGP PUP UDP HMP XNS-IDP RDP ISO-TP4 DCCP XTP "
    "DDP IDPR-CMTP IPv6 IPv6-Route IPv6-Frag IDRP RSVP GRE IPSEC-ESP IPSEC-AH SKIP IPv6-ICMP "
    "IPv6-NoNxt IPv6-Opts RSPF CPHB VMTP EIGRP OSPFIGP AX.25 IPIP ETHERIP ENCAP PIM IPCOMP VRRP "
    "L2TP ISIS SCTP FC Mobility-Header UDPLite MPLS-in-IP HIP Shim6 WESP ROHC Ethernet"
)
_NETBASE_ALIASES = frozenset(_NETBASE_ALIAS_NAMES.split())
#: The -p spellings proxmox-ve-config reads as a protocol of its own (rule_match.rs
#: Protocol::from_options: Tcp, Udp, Dccp, Sctp, UdpLite, Icmp, Icmpv6), not as a name nft
#: resolves.
_NFT_VARIANTS = _PROTOCOLS_WITH_PORTS | _ICMP


def nft_unresolved_protocol(proto: str) -> bool:
    """A -p proxmox-firewall writes as `meta l4proto <value>` (Protocol::Named: not one of
    `_NFT_VARIANTS` and no decimal Rust's u8 parse takes) that nft cannot resolve, failing the
    whole batch proxmox-firewall sends (proxmox-firewall src/bin/proxmox-firewall.rs
    handle_firewall: one run_json_commands, the update failing with "error updating firewall
    rules"): nftables datatype.c inet_protocol_type_parse reads a number (strtoumax base 0)
    above 255 as "Protocol out of range" and a name getprotobyname_r does not find (netbase's
    /etc/protocols: `NETBASE_PROTOCOLS`, `_NETBASE_ALIASES`; `mptcp` is 262) as "Could not
    resolve protocol name" (R40F-7)."""
    if not proto or proto in _NFT_VARIANTS:
        return False
    if re.fullmatch(r"\+?[0-9]+", proto, re.A):
        return int(proto) > 255
    if re.fullmatch(r"\+?0[xX][0-9A-Fa-f]+", proto, re.A):
        return int(proto.lstrip("+"), 16) > 255
    if proto in ("mptcp", "MPTCP"):
        return True
    return not (proto in _NETBASE_ALIASES or (proto in NETBASE_PROTOCOLS and not proto.isdigit()))


#: The service names of netbase's /etc/services (netbase 6.4, Debian 12 bookworm, Proxmox VE
#: 8's base; read on such a system): each line's first column, which pve-firewall's
#: get_etc_services keys (`m!^(\S+)\s+(\S+)/(tcp|udp|sctp)!`), and its aliases, which
#: proxmox-ve-config's NamedPorts adds. Of them only `ssh` (22/tcp) names a management port
#: (hvaudit.checks.proxmox._PVE_SERVICES); a name outside them is one a node's own /etc/services may add, with any
#: port (L17-4).
_NETBASE_NAMES = (
    "Clearcase acr-nema afpovertcp afs3-bos afs3-callback afs3-fileserver afs3-kaserver "
    "afs3-prserver afs3-rmtsys afs3-update afs3-vlserver afs3-volser amanda amandaidx amidxtape "
    "amqp amqps asf-rmcp asp auth authentication babel bacula-dir bacula-fd bacula-sd bbs bgp "
    "bgpd biff binkp bootpc bootps canna cfengine chargen cisco-sccp clc-build-daemon clearcase "
    "cmd cmip-agent cmip-man codaauth2 codasrv codasrv-se comsat csync2 cvspserver daap "
    "datametrics daytime db-lsp dcap dhcpv6-client dhcpv6-server dicom dict dircproxy discard "
    "distcc domain domain-s echo epmap epmd exec f5-globalsite f5-iquery fax fido finger "
    "font-service freeciv fsp fspd ftp ftp-data ftps ftps-data gdomap gds-db gds_db git gnunet "
    "gnutella-rtr gnutella-svc gopher gpsd gris groupwise gsidcap gsiftp gsigatekeeper hkp "
    "hprop http http-alt https hylafax iax icp icpv2 ident imap imap2 imaps ingreslock ipp "
    "iprop ipsec-nat-t ipx ircd ircs-u isakmp iscsi-target isisd isns iso-tsap jabber-client "
    "jabber-server kamanda kdc kerberos kerberos-adm kerberos-iv kerberos-master kerberos-sec "
    "kerberos4 kerberos5 kerberos_master kermit klogin kpasswd krb-prop krb5 krb5_prop krb_prop "
    "krcmd kshell l2f l2tp ldap ldaps ldp loc-srv login lotusnote lotusnotes lrrd mail mailq "
    "mdns microsoft-ds moira-db moira-update moira-ureg moira_db moira_update moira_ureg mon "
    "ms-sql-m ms-sql-s ms-wbt-server mtn munin mysql mysql-proxy nbd nbp netbios-dgm netbios-ns "
    "netbios-ssn netstat nfs nicname nntp nntps nqs nrpe nsca ntalk ntp ntske null nut "
    "old-radacct old-radius omniorb openvpn ospf6d ospfapi ospfd passwd-server passwd_server "
    "pawserv pop-3 pop3 pop3s poppassd portmapper postgres postgresql predict printer proofd "
    "ptp-event ptp-general puppet qmqp qmtp qotd quote radacct radius radius-acct radmin-port "
    "readnews redis remctl ripd ripngd rmiregistry rmtcfg rootd route routed router rpc2portmap "
    "rplay rptp rsync rtcm-sc104 rtmp rtsp sa-msg-port saft sane sane-port saned sge-execd "
    "sge-qmaster sge_execd sge_qmaster sgi-cad sgi-cmsd sgi-crsd sgi-gcd shell sieve silc sink "
    "sip sip-tls skkserv smtp smtps smux snmp snmp-trap snmptrap snntp snpp socks source spamd "
    "spooler ssh ssmtp submission submissions subversion sunrpc supfiledbg supfilesrv suucp svn "
    "svrloc syslog syslog-tls sysrqd systat tacacs talk tap tcpmux telnet telnets tfido tftp "
    "time timserver tinc tproxy tsap ttytst untp urd users uucp uucpd venus venus-se wais "
    "webcache webmin who whod whois wnn6 www x11 x11-0 x11-1 x11-2 x11-3 x11-4 x11-5 x11-6 "
    "x11-7 xdmcp xfs xinetd xmms2 xmpp-client xmpp-server xtel xtelw z3950 zabbix-agent "
    "zabbix-trapper zebra zebrasrv zephyr-clt zephyr-hm zephyr-srv zip zope zope-ftp zserv "
)
NETBASE_SERVICES = frozenset(_NETBASE_NAMES.split())
#: The -icmp-type values pve-firewall's verify_rule takes under -p icmp (Firewall.pm
#: $icmp_type_names, "iptables -p icmp -h"): "invalid icmp-type '$icmp_type' for proto
#: 'icmp'" otherwise, numbers included.
_PVE_ICMP_NAMES = (
    "any echo-reply destination-unreachable network-unreachable host-unreachable "
    "protocol-unreachable port-unreachable fragmentation-needed source-route-failed "
    "network-unknown host-unknown network-prohibited host-prohibited TOS-network-unreachable "
    "TOS-host-unreachable communication-prohibited host-precedence-violation "
    "precedence-cutoff source-quench redirect network-redirect host-redirect "
    "TOS-network-redirect TOS-host-redirect echo-request router-advertisement "
    "router-solicitation time-exceeded ttl-zero-during-transit ttl-zero-during-reassembly "
    "parameter-problem ip-header-bad required-option-missing timestamp-request "
    "timestamp-reply address-mask-request address-mask-reply"
)
PVE_ICMP_TYPES = frozenset(_PVE_ICMP_NAMES.split())
#: The same under -p icmpv6 or ipv6-icmp (Firewall.pm $icmpv6_type_names, "ip6tables -p
#: icmpv6 -h"; no `any`).
_PVE_ICMPV6_NAMES = (
    "destination-unreachable no-route communication-prohibited beyond-scope "
    "address-unreachable port-unreachable failed-policy reject-route packet-too-big "
    "time-exceeded ttl-zero-during-transit ttl-zero-during-reassembly parameter-problem "
    "bad-header unknown-header-type unknown-option echo-request echo-reply "
    "router-solicitation router-advertisement neighbor-solicitation neighbour-solicitation "
    "neighbor-advertisement neighbour-advertisement redirect"
)
PVE_ICMPV6_TYPES = frozenset(_PVE_ICMPV6_NAMES.split())
#: The -icmp-type names proxmox-ve-config reads under -p icmp|1 (proxmox-ve-rs
#: proxmox-ve-config/src/firewall/types/rule_match.rs: IPTABLES_ICMP_TYPES_MAPPING's keys, then
#: IcmpType::from_str's ICMP_TYPES), matched case-sensitively (binary_search_by).
_NFT_ICMP_TYPES = PVE_ICMP_TYPES - {"any"} | {"info-request", "info-reply"}
#: The same under -p ipv6-icmp|icmpv6|58 (IPTABLES_ICMPV6_TYPES_MAPPING's keys, where
#: reject-route is spelt `reject-route'`, then Icmpv6Type::from_str's ICMPV6_TYPES).
_NFT_ICMPV6_EXTRA = (
    "reject-route' ind-neighbor-advert ind-neighbor-solicit mld-listener-done "
    "mld-listener-query mld-listener-reduction mld-listener-report mld2-listener-report "
    "nd-neighbor-advert nd-neighbor-solicit nd-redirect nd-router-advert nd-router-solicit "
    "router-renumbering"
)
_NFT_ICMPV6_TYPES = (PVE_ICMPV6_TYPES - {"reject-route"}) | frozenset(_NFT_ICMPV6_EXTRA.split())


def nft_icmp_type_refused(proto: str, icmp_type: str) -> bool:
    """Whether proxmox-ve-config refuses a rule's -icmp-type under its -p (R41F-1). It reads
    the type only under an ICMP -p (rule_match.rs Icmp::from_options, Icmpv6::from_options):
    a key of the iptables mapping, then `any` in any ASCII case, a u8 (Rust's parse: an
    optional `+`, decimal digits, at most 255), or a name of its nftables table; anything else
    bails ("supplied string is neither a valid icmp type nor code", "supplied string is not a
    valid icmpv6 type"), failing the whole file's parse (common.rs Config::parse)."""
    if proto in ("icmp", "1"):
        names = _NFT_ICMP_TYPES
    elif proto in ("ipv6-icmp", "icmpv6", "58"):
        names = _NFT_ICMPV6_TYPES
    else:
        return False
    if icmp_type in names or (icmp_type.isascii() and icmp_type.lower() == "any"):
        return False
    if re.fullmatch(r"\+?[0-9]+", icmp_type, re.A):
        return int(icmp_type) > 255
    return True


@dataclass(frozen=True, slots=True)
class IpsetEntry:
    """One entry of an IP set: an address, network or alias; `nomatch` excludes it from the set."""

    cidr: str
    nomatch: bool = False
    comment: str = ""
    line: int = 0
    errors: tuple[str, ...] = ()
    """Why pve-firewall leaves the entry out of the set (empty: it is used)."""


@dataclass(slots=True)
class FirewallFile:
    """A cluster, host or VM firewall file as pve-firewall reads it."""

    kind: str = "vm"
    options: dict[str, str] = field(default_factory=dict)
    rules: list[dict[str, object]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    """Lower-cased alias name -> address or network."""
    ipsets: dict[str, list[IpsetEntry]] = field(default_factory=dict)
    ipset_comments: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    group_comments: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    """`file:line: reason` for every line pve-firewall ignores, or keeps but does not apply."""
    option_texts: dict[str, str] = field(default_factory=dict)
    """Each option's value as written (`01`, a time stamp), before pve-firewall's int()."""
    option_lines: list[tuple[int, str]] = field(default_factory=list)
    """(line number, line) of every line of the [OPTIONS] section, those pve-firewall skips
    included: proxmox-firewall reads them otherwise (`nft_options`)."""
    nft_lines: list[tuple[int, str, bool]] = field(default_factory=list)
    """(line number, `line`: why, refused) of every line outside [OPTIONS] that proxmox-firewall
    does not read as pve-firewall does (P21F-2, L19-12P's reading of the other sections):
    refused True where its parser fails the whole file on it, False where pve-firewall skips a
    line that proxmox-firewall, which skips none, either refuses or applies."""
    nft_port_names: dict[int, tuple[str, list[tuple[str, str]]]] = field(default_factory=dict)
    """Line number -> (the line, (`dport`|`sport`, element) of each -dport/-sport list element of a rule
    whose ports proxmox-firewall reads that names a service on a side (`http`, `ssh:http`):
    it resolves them from the node's /etc/services (hvaudit.parse.proxmox_model._nft_reading,
    R45F-1)."""
    daemons_off: str = ""
    """host.fw only: why neither pve-firewall nor proxmox-firewall applies the files although
    both run (hvaudit.parse.proxmox_model._nft_reading, P21F-3); empty otherwise."""
    enable_stamp: int | None = None
    """cluster.fw only: `enable: N` with N above 1, pve-firewall's anti-lockout time stamp (epoch
    seconds); `options["enable"]` then holds what pve-firewall made of it when the evidence was
    collected (hvaudit.parse.proxmox_model.resolve_enable_stamp)."""

    def effective_rules(self) -> list[dict[str, object]]:
        """The rules pve-firewall turns into packet filter rules: enabled and without errors."""
        return [r for r in self.rules if r["enabled"] and not r.get("errors")]

    def usable(self, ipset: str) -> list[IpsetEntry]:
        """The entries of an IP set that pve-firewall loads (entries with errors are skipped)."""
        return [e for e in self.ipsets.get(ipset, []) if not e.errors]


def firewall_kind(name: str) -> str:
    """cluster, host or vm, from the file's name as /etc/pve keeps it."""
    base = name.rsplit("/", 1)[-1]
    if base == "cluster.fw":
        return "cluster"
    if base == "host.fw":
        return "host"
    return "vm"


def _address(text: str) -> str | None:
    """pve-firewall's parse_ip_or_cidr: the reason the text is no address or network, or None."""
    try:
        if "/" in text:
            ipaddress.ip_network(text, strict=False)
        else:
            ipaddress.ip_address(text)
    except ValueError:
        return "value does not look like a valid IP address or CIDR network"
    return None


def net_ip(text: str) -> str:
    """A rule's -source/-dest element as pve-firewall's parse_address_list (Net::IP->new) and
    iptables read it: a short IPv4 network (`0/0`, `10/8`, `10.1/16`) is completed with zero
    octets (Net::IP ip_expand_address; libxtables numeric_to_ipaddr "autocomplete, this is a
    network address"), so `0/0` is every IPv4 source (P15-3). IP sets and aliases take full
    addresses only (parse_ip_or_cidr's $IPV4RE)."""
    head, slash, bits = text.strip().partition("/")
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+){0,3}", head, re.A) and (slash or head.count(".") == 3):
        # iptables reads each octet with strtoumax base 0 (libxtables xtables_strtoui), so
        # a leading zero is octal: `00.0.0.0/0` is every source, which Net::IP takes too
        # (as decimal); Python's ipaddress refuses leading zeros (L16-6)
        head = ".".join(
            str(int(o, 8)) if len(o) > 1 and o[0] == "0" and re.fullmatch("[0-7]+", o) else o
            for o in head.split(".")
        )
    if slash and head.count(".") < 3 and re.fullmatch(r"\d+(?:\.\d+){0,2}", head, re.A):
        return ".".join([*head.split("."), "0", "0", "0"][:4]) + "/" + bits
    return head + slash + bits


def perl_false(opts: dict[str, str]) -> list[str]:
    """The rule options pve-firewall reads as unset: a value `0` is Perl's false, and
    verify_rule (`if ($rule->{dport})`, `if ($rule->{source})`, ...) checks none of them while
    ipt_rule_to_cmds writes no match for any (`if (my $proto = $rule->{proto})`, `return if
    !$rule->{dport}`, `if ($rule->{source})`, enable_host_firewall `if (my $iface =
    $rule->{iface})`): `-dport 0` is every port, `-source 0` every source (P15-4).
    proxmox-firewall (nftables) reads them as written."""
    return [k for k in ("iface", "proto", "dport", "sport", "source", "dest") if opts.get(k) == "0"]


def _alias_known(name: str, fw: FirewallFile, cluster: FirewallFile | None) -> bool:
    scope, _, alias = name.rpartition("/")
    alias = alias.lower()
    local = fw.aliases if fw.kind != "cluster" else {}
    dc = (cluster or fw).aliases
    if scope == "dc":
        return alias in dc
    if scope == "guest":
        return alias in local
    return alias in local or alias in dc


def _ipset_known(name: str, fw: FirewallFile, cluster: FirewallFile | None) -> bool:
    """pve-firewall keys IP sets by their lower-cased section name and looks a rule's `+Name`
    up as written (verify_rule check_ipset_or_alias_property `$cluster_conf->{ipset}->{$2}`):
    `+Everyone` is no set (P15-6)."""
    return name in fw.ipsets or (cluster is not None and name in cluster.ipsets)


def _verify(
    rule: dict[str, object], env: str, fw: FirewallFile, cluster: FirewallFile | None
) -> list[str]:
    """The parts of pve-firewall's verify_rule that decide whether a rule is applied."""
    errors = []
    kind, action = str(rule["type"]), str(rule["action"])
    opts = rule["options"]
    assert isinstance(opts, dict)
    if kind not in RULE_TYPES[env]:
        errors.append(f"invalid rule type '{kind}' here")
    elif kind in ("in", "out", "forward"):
        if rule.get("verdict_text"):
            # verify_rule matches `^(ACCEPT|DROP|REJECT)$` case-sensitively ("unknown action"),
            # proxmox-ve-rs rule.rs Verdict::from_str with eq_ignore_ascii_case: `IN accept`
            # and `SSH(accept)` are rules only proxmox-firewall applies (P21F-1)
            rule["pve_refused"] = f"unknown action '{rule['verdict_text']}'"
        if action not in ("ACCEPT", "DROP", "REJECT"):
            errors.append(f"unknown action '{action}'")
        elif kind == "forward" and action == "REJECT":
            errors.append("cannot define REJECT rules on forward chain")
    elif not re.fullmatch(NAME, action, re.A):
        errors.append("invalid characters in security group name")
    if rule.get("macro") and str(rule["macro"]).lower() not in MACROS:
        errors.append(f"unknown macro '{rule['macro']}'")
    # pve-firewall checks none of the options whose value is Perl's false `0` (perl_false)
    opts = {k: v for k, v in opts.items() if k not in perl_false(opts)}
    if "iface" in opts:
        if env == "group":
            errors.append("parameter -i not allowed for this rule type")
        elif env == "vm" and not re.fullmatch(r"net\d+", opts["iface"], re.A):
            errors.append("iface: value does not match the regex pattern 'net\\d+'")
    proto = opts.get("proto", "")
    # pve_fw_verify_protocol_spec looks the protocol up in parse_protocol_file's first column
    # and numbers as written: `TCP` (an alias column of netbase's `tcp 6 TCP`) or `06` is an
    # "unknown protocol" to pve-firewall; proxmox-firewall reads them (Protocol::Named, nft
    # resolves the alias; Numeric), so only pve-firewall leaves the rule out (L16-3). Any other name or number netbase's /etc/protocols does not list is refused
    # alike (`die "unknown protocol '$proto'"` unless `byname` or `byid` holds it, icmpv6
    # added): `IN DROP -p foo` drops nothing under pve-firewall (P18-4)
    if proto and proto not in NETBASE_PROTOCOLS:
        rule["pve_refused"] = f"unknown protocol '{proto}'"
    # verify_rule's port checks are pve-firewall's alone: proxmox-ve-config's
    # Protocol::from_options reads a rule's ports only under tcp, udp, dccp, sctp and udplite
    # (by name or number) and drops them under no -p or any other (Named, Numeric), so
    # proxmox-firewall applies the rule with no port match (R40F-1)
    # verify_rule takes a -dport under $PROTOCOLS_WITH_PORTS or $proto_is_icmp's
    # names, a -sport under $PROTOCOLS_WITH_PORTS alone ("protocol '$proto' does not support
    # ports"): `-p 1`, `-p 58` are no ICMP to it, and `-p icmp -sport 5` is refused (R42F-1)
    if ("dport" in opts or "sport" in opts) and not rule.get("pve_refused"):
        if not proto:
            rule["pve_refused"] = "missing property - 'dport'/'sport' requires 'proto'"
        elif proto not in _PROTOCOLS_WITH_PORTS and ("sport" in opts or proto not in _PVE_ICMP):
            rule["pve_refused"] = f"protocol '{proto}' does not support ports"
    # under an ICMP -p verify_rule takes the -dport as an ICMP type list, but the ruleset's
    # generation (ruleset_generate_match $add_dport, $is_valid_icmp_type, in an `eval` that
    # warns and adds no line) takes one type alone under `icmp` and `icmpv6`, digits up to 255
    # or a name of that protocol's table, and dies under `ipv6-icmp` ("protocol ipv6-icmp does
    # not have ports"): pve-firewall leaves such a rule out (R42F-2)
    dport = str(opts.get("dport", ""))
    if dport and proto in _PVE_ICMP and not rule.get("pve_refused"):
        table = PVE_ICMP_TYPES if proto == "icmp" else PVE_ICMPV6_TYPES
        if proto == "ipv6-icmp":
            rule["pve_refused"] = "protocol ipv6-icmp does not have ports"
        elif re.fullmatch(r"[0-9]+", dport, re.A):
            if int(dport) > 255:
                rule["pve_refused"] = f"invalid icmp-type '{dport}'"
        elif dport not in table:
            rule["pve_refused"] = f"unknown icmp-type '{dport}'"
    bad_ports = [
        f"{key}: {why}"
        for key in ("dport", "sport")
        if key in opts and (why := _port_list(str(opts[key])))
    ]
    # a range with a service name on a side (`ssh:http`): pve-firewall refuses it (its
    # parse_port_name_number_or_range takes `N:M` of digits only), proxmox-ve-config reads it
    # (port.rs PortEntry::from_str: parse_port of each side of the `:`, a u16 or a name of the
    # node's /etc/services), R43F-1
    nft_bad = [
        f"{key}: {why}"
        for key in ("dport", "sport")
        if key in opts and (why := _port_list(str(opts[key]), named_ranges=True))
    ]
    # proxmox-ve-config parses the port list only under tcp, udp, dccp, sctp or udplite (by
    # name or number; rule_match.rs Ports::from_options), refusing the file on a bad one
    # (`nft_lines`); under any other -p, or none, it reads no port, so only pve-firewall
    # leaves the rule out (R40F-6)
    if proto in _PROTOCOLS_WITH_PORTS:
        errors.extend(nft_bad)
        if bad_ports and not nft_bad and not rule.get("pve_refused"):
            rule["pve_refused"] = bad_ports[0]
    elif proto in _ICMP:
        errors.extend(bad_ports)
    elif bad_ports and not rule.get("pve_refused"):
        rule["pve_refused"] = bad_ports[0]
    # parse_port_name_number_or_range counts a number 1 and a range 2 ("The range 1:100 counts
    # as 2"): "too many entries in port list (> 15 numbers)" (iptables multiport's limit);
    # proxmox-ve-config's PortList has no limit, so only pve-firewall leaves the rule out (L17-5)
    for key in ("dport", "sport"):
        items = str(opts.get(key, "")).split(",") if key in opts else []
        count = sum(2 if ":" in x else 1 for x in items if re.fullmatch(r"[0-9:]+", x, re.A))
        if count > 15 and not rule.get("pve_refused"):
            rule["pve_refused"] = f"{key}: too many entries in port list (> 15 numbers)"
    # proxmox-ve-config reads -icmp-type only under an ICMP -p (rule_match.rs Tcp, Udp, Named,
    # Numeric, no protocol: none), so only pve-firewall leaves the rule out (R40F-3); its
    # verify_rule takes one only under $proto_is_icmp's names: under `-p 1` or `-p 58`
    # proxmox-ve-config reads the type, pve-firewall refuses the rule (R42F-1)
    if "icmp-type" in opts and proto not in _PVE_ICMP and not rule.get("pve_refused"):
        rule["pve_refused"] = "missing property - 'icmp-type' requires an icmp 'proto'"
    # verify_rule checks the type against its iptables tables, by name only (`8` is "invalid"),
    # under -p icmp, icmpv6 and ipv6-icmp; proxmox-ve-config's tables differ (numbers, `any`
    # under icmpv6, no `reject-route`): a type both refuse leaves the rule out of pve-firewall's
    # ruleset and fails proxmox-firewall's parse (`nft_lines`), one pve-firewall alone refuses
    # is `pve_refused` (R41F-1); `if (my $icmp_type = $rule->{'icmp-type'})` checks no `0`
    icmp_type = str(opts.get("icmp-type", ""))
    known = PVE_ICMP_TYPES if proto == "icmp" else PVE_ICMPV6_TYPES
    if (
        icmp_type not in ("", "0")
        and proto in ("icmp", "icmpv6", "ipv6-icmp")
        and icmp_type not in known
    ):
        why = f"invalid icmp-type '{icmp_type}' for proto '{proto}'"
        if nft_icmp_type_refused(proto, icmp_type):
            errors.append(why)
        elif not rule.get("pve_refused"):
            rule["pve_refused"] = why
    # the rule's IP version: pve-firewall applies a rule of one version only to that version's
    # chains, and refuses a rule mixing both (verify_rule $set_ip_version: "detected mixed
    # ipv4/ipv6 addresses in rule"), icmp being IPv4's and icmpv6 IPv6's
    versions = {4} if proto == "icmp" else {6} if proto in ("icmpv6", "ipv6-icmp") else set()
    for key in ("source", "dest"):
        value = str(opts.get(key, ""))
        if not value:
            continue
        why, version = _address_list(value, fw, cluster)
        if why:
            errors.append(f"{key}: {why}")
        elif version:
            versions.add(version)
    if len(versions) > 1:
        errors.append("detected mixed ipv4/ipv6 addresses in rule")
    elif versions:
        rule["ipversion"] = versions.pop()
    return errors


def _port_list(spec: str, named_ranges: bool = False) -> str | None:
    """Why pve-firewall's parse_port_name_number_or_range refuses a -dport/-sport list (None:
    it does not, as far as hvaudit can tell without the node's /etc/services). An element is
    `N:M` with N <= M, a number, or a name (a service of /etc/services, an ICMP type): `:8006`
    or `8006:` is no range and no name ("invalid port"), `9000:8000` a "backwards range", a port
    above 65535 invalid, and an empty element (`22,`, `,22`) "extraneous commas in list".
    proxmox-firewall refuses them too (proxmox-ve-config PortEntry: parse_port of each side of
    the `:`, "start port is greater than end port!"). L16-3. With `named_ranges`, as
    proxmox-ve-config reads it: a range with a name on a side (`ssh:http`, `1:ssh`) is
    PortEntry::from_str's parse_port of each side (a u16 or a name of the node's
    /etc/services), not refused here (R43F-1)."""
    for item in spec.split(","):
        if not item:
            return "extraneous commas in list"
        m = re.fullmatch(r"([0-9]+):([0-9]+)", item, re.A)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if max(a, b) > 65535:
                return f"invalid port '{max(a, b)}'"
            if a > b:
                return f"backwards range '{item}' not allowed"
        elif re.fullmatch(r"[0-9]+", item, re.A):
            if int(item) > 65535:
                return f"invalid port '{item}'"
        elif ":" in item:
            if named_ranges and _named_range(item):
                continue
            return f"invalid port '{item}'"
    return None


def _named_range(item: str) -> bool:
    """Whether a port list element is a range proxmox-ve-config reads and pve-firewall does not:
    `A:B` (port.rs PortEntry::from_str, split_once(':')) whose sides are each a u16 or a name
    (parse_port: `parse::<u16>`, then parse_named_port), one side a name. An empty side, a
    number above 65535 and a second `:` are no u16 and no /etc/services name."""
    if ":" not in item:
        return False
    sides = item.split(":", 1)
    digits = [bool(re.fullmatch(r"[0-9]+", x, re.A)) for x in sides]
    named = [bool(re.fullmatch(r"[^\s:,]+", x, re.A)) for x in sides]
    return not all(digits) and all(
        (int(x) <= 65535) if d else n for x, d, n in zip(sides, digits, named, strict=True)
    )


def _address_list(
    value: str, fw: FirewallFile, cluster: FirewallFile | None
) -> tuple[str | None, int | None]:
    """A rule's -source or -dest as pve-firewall reads it (parse_address_list, then verify_rule
    check_ipset_or_alias_property): why it refuses the value (None: it does not) and the IP
    version it gives the rule (an alias: its address's; an IP set: none). A set (`+name`) or
    an alias must be the whole value: in a list, `+a,+b` or `+set,10.0.0.0/8` is an "invalid
    ipset name" and `10.0.0.0/8,alias` an "invalid IP address" (Net::IP takes no name). Each
    element of a list goes through Net::IP->new, which refuses a network with host bits set
    (`10.0.0.1/8`, `0.0.0.1/0`: "Invalid prefix", Net::IP 1.26), a backwards range and an
    empty element; a list mixes no IPv4 and IPv6 elements and holds no range (L16-2)."""
    if value.startswith("+"):
        m = re.fullmatch(rf"\+(?:guest/|dc/|sdn/)?({NAME})", value, re.A)
        if not m:
            return f"invalid ipset name '{value}'", None
        if not value.startswith("+sdn/") and not _ipset_known(m.group(1), fw, cluster):
            return f"no such ipset '{m.group(1)}'", None
        return None, None
    if re.fullmatch(rf"(?:guest/|dc/)?{NAME}", value, re.A):
        if not _alias_known(value, fw, cluster):
            return f"no such alias '{value}'", None
        scope, _, name = value.rpartition("/")
        local = fw.aliases if fw.kind != "cluster" and scope != "dc" else {}
        dc = (cluster or fw).aliases if scope != "guest" else {}
        target = local.get(name.lower()) or dc.get(name.lower()) or ""
        return None, 6 if ":" in target else 4
    elements = value.split(",")
    versions = set()
    for item in elements:
        version = _net_ip_version(item)
        if version is None:
            return f"invalid IP address '{item}'", None
        versions.add(version)
    if len(versions) > 1:
        return f"detected mixed ipv4/ipv6 addresses in address list '{value}'", None
    if len(elements) > 1 and any("-" in item for item in elements):
        return "you can't use a range in a list", None
    return None, versions.pop()


def _net_ip_version(item: str) -> int | None:
    """The IP version of one address list element as Net::IP->new reads it (an address, a
    CIDR network without host bits, or a range `A-B` with A <= B), None when it refuses it."""
    try:
        if "-" in item:
            lo, _, hi = item.partition("-")
            a, b = ipaddress.ip_address(lo), ipaddress.ip_address(hi)
            return a.version if a.version == b.version and int(a) <= int(b) else None
        text = net_ip(item)
        if "/" in text:
            return ipaddress.ip_network(text, strict=True).version
        return ipaddress.ip_address(text).version
    except ValueError:
        return None


def _rule(line: str, n: int, env: str) -> dict[str, object]:
    """parse_fw_rule: raises ValueError with pve-firewall's message when the line is no rule."""
    comment = ""
    # proxmox-ve-rs rule.rs Rule::from_str splits the (trimmed) line at its first `#` only when
    # text follows it (`Some((line, comment)) if !comment.is_empty()`): a lone trailing `#`
    # stays in the options, which RuleOptions::from_str refuses ("expected an option starting
    # with '-'"); pve-firewall strips it as an empty comment (R41F-5)
    bare_hash = line.endswith("#") and line.find("#") == len(line) - 1
    m = re.search(r"#\s*(.*?)\s*$", line, re.A)
    if m:
        comment, line = m.group(1), line[: m.start()]
    enabled = not line.startswith("|")
    line = line.removeprefix("|")
    m = re.match(r"^(\S+)\s+(\S+)\s*", line, re.A)
    if not m:
        raise ValueError(f"unable to parse rule: {line}")
    kind, action = m.group(1).lower(), m.group(2)
    line = line[m.end() :]
    macro = ""
    verdict_text = ""
    if kind in ("in", "out", "forward"):
        mm = re.fullmatch(r"(\S+)\((ACCEPT|DROP|REJECT)\)", action, re.A | re.I)
        if mm:
            if mm.group(2) != mm.group(2).upper():
                verdict_text = action
            macro, action = mm.group(1), mm.group(2).upper()
        elif action.upper() in ("ACCEPT", "DROP", "REJECT") and action != action.upper():
            verdict_text, action = action, action.upper()
    opts: dict[str, str] = {}
    # pve-firewall's loop keeps the last of an option given twice; proxmox-ve-config's
    # RuleOptions::from_str bails ("duplicate option in rule"), as serde's derived Deserialize
    # does on `-p` beside `-proto` (one field, alias "p": duplicate field), R41F-3
    repeated = ""
    while line:
        for pattern, key in _RULE_PARAMS:
            if kind == "group" and key != "iface":
                continue
            pm = pattern.match(line)
            if pm:
                if key in opts and not repeated:
                    repeated = key
                opts[key] = pm.group(1)
                line = line[pm.end() :]
                break
        else:
            break
    if line:
        raise ValueError(f"unable to parse rule parameters: {line}")
    return {
        "enabled": enabled,
        "type": kind,
        "direction": kind.upper(),
        "action": action,
        "macro": macro,
        **({"verdict_text": verdict_text} if verdict_text else {}),
        **({"group_text": m.group(1)} if kind == "group" and m.group(1) != "GROUP" else {}),
        **({"repeated": repeated} if repeated else {}),
        **({"bare_hash": True} if bare_hash else {}),
        "options": opts,
        "comment": comment,
        "line": n,
    }


def _option(line: str, kind: str) -> tuple[str, str]:
    for pattern, how in _OPTIONS[kind]:
        m = pattern.match(line)
        if m:
            value = m.group(2) or ""
            if how == "int":
                value = str(int(value))
            elif how == "lower":
                value = value.lower()
            elif how == "upper":
                value = value.upper()
            return m.group(1).lower(), value
    raise ValueError(f"can't parse option '{line}'")


def _ipset_entry(
    line: str, n: int, fw: FirewallFile, cluster: FirewallFile | None, seen: set[str]
) -> IpsetEntry:
    comment = ""
    m = re.search(r"#\s*(.*?)\s*$", line, re.A)
    if m:
        comment, line = m.group(1), line[: m.start()]
    m = re.fullmatch(r"(!)?\s*(\S+)\s*", line, re.A)
    if not m:
        return IpsetEntry(line.strip(), False, comment, n, ("not one address, network or alias",))
    nomatch, cidr = bool(m.group(1)), m.group(2)
    errors = []
    if re.fullmatch(rf"(?:dc/|guest/)?{NAME}", cidr, re.A):
        if not _alias_known(cidr, fw, cluster):
            errors.append(f"no such alias '{cidr}'")
    elif reason := _address(cidr):
        errors.append(reason)
    # parse_ip_or_cidr drops a host prefix (`s|/32$||`, `s|/128$||`) before the duplicate
    # test, so `10.0.0.21/32` after `10.0.0.21` is a duplicate too (L16-7)
    key = re.sub(r"/32$" if ":" not in cidr else r"/128$", "", cidr)
    if key in seen:
        errors.append(f"duplicate ipset entry for '{key}'")
    if re.search(r"/0+$", cidr):
        errors.append("a zero prefix is not allowed in ipset entries")
    seen.add(key)
    return IpsetEntry(cidr, nomatch, comment, n, tuple(errors))


_NFT_NAME = r"[A-Za-z][A-Za-z0-9_-]*"
"""proxmox-ve-rs parse.rs match_name: an ASCII letter, then letters, digits, `-` and `_`."""


def _nft_header(line: str, kind: str) -> tuple[str, str] | None:
    """How proxmox-firewall reads a line starting with `[` (proxmox-ve-rs 840d1ed
    proxmox-ve-config/src/firewall/common.rs Config::parse): ("options"|"aliases"|"rules"|
    "ipset"|"groups", name) for a section header it takes, ("", why) for one it refuses the
    whole file for, None when the line is no header to it. `[OPTIONS]`, `[ALIASES]`, `[RULES]`
    in any ASCII case; `[IPSET` and `[group` spelt so (strip_prefix, case-sensitive), then
    parse.rs parse_named_section_tail: blank, a match_name name, `]`, nothing or a `#` comment;
    any other line starting with `[` is "invalid section". host.fw has no IP set scope ("IPSET in
    config, but no scope set"), and host.rs and guest.rs refuse groups, host.rs aliases too."""
    if not line.startswith("["):
        return None
    plain = line.lower()
    if plain in ("[options]", "[aliases]", "[rules]"):
        if kind == "host" and plain == "[aliases]":
            return "aliases", ""  # refused by host.rs only when an alias follows
        return plain[1:-1], ""
    for prefix, section in (("[IPSET", "ipset"), ("[group", "groups")):
        if line.startswith(prefix):
            m = re.fullmatch(rf"\s+({_NFT_NAME})\](?:\s*#.*|\s*)", line[len(prefix) :], re.A)
            if not m:
                return "", f"an {section} section header proxmox-firewall cannot parse"
            if section == "ipset" and kind == "host":
                return "", "an IP set in host.fw, which proxmox-firewall refuses"
            if section == "groups" and kind != "cluster":
                return "", "a security group outside cluster.fw, which proxmox-firewall refuses"
            return section, m.group(1)
    return "", 'no section header proxmox-firewall knows ("invalid section")'


def _nft_disabled(line: str, kind: str) -> bool:
    """`| IN DROP`: pve-firewall cannot parse the rule (`^(\\S+)\\s+(\\S+)` after the `|`),
    proxmox-firewall reads a disabled rule (rule.rs `strip_prefix('|')` then `trim_start`):
    neither applies it, when the rest is a rule."""
    if not (line.startswith("|") and line[1:2].isspace()):
        return False
    try:
        _rule(line[1:].lstrip(" \t"), 0, kind)
    except ValueError:
        return False
    return True


def _literal_families(value: str) -> set[int]:
    """The IP versions of a -source or -dest list of addresses, networks and ranges (`a-b`),
    as proxmox-ve-config's IpEntry reads each element; empty when an element is none (a set
    or an alias name, whose version its definition gives)."""
    out: set[int] = set()
    for item in value.split(","):
        try:
            out.add(ipaddress.ip_network(item.strip().split("-", 1)[0], strict=False).version)
        except ValueError:
            return set()
    return out


def parse_firewall(
    text: str, name: str, kind: str | None = None, cluster: FirewallFile | None = None
) -> FirewallFile:
    """Parse a firewall file; `cluster` (the parsed cluster.fw) resolves a host or VM file's
    references to cluster-wide aliases and IP sets."""
    kind = kind or firewall_kind(name)
    allowed = SECTIONS[kind]
    fw = FirewallFile(kind=kind)
    section: str | None = None
    group = ""
    seen: set[str] = set()
    notes: list[tuple[int, str]] = []

    def warn(n: int, why: str) -> None:
        notes.append((n, why))

    # pve-firewall reads `while ($raw =~ /^\h*(.*?)\h*$/gm)`: lines end at \n only (a \r stays
    # in the line, so a CRLF file has no section header it recognises), and its regexes run on
    # bytes: \s, \d, \S and /i are ASCII (re.A), never Unicode spaces, digits or case folds
    rows = text.split("\n")

    def nft(n: int, why: str, refused: bool = True) -> None:
        fw.nft_lines.append((n, f"`{rows[n - 1].strip()}`: {why}", refused))

    for n, raw in enumerate(rows, 1):
        line = raw.strip(" \t")
        if not line or line.startswith("#"):
            continue
        # proxmox-firewall's reading of the same line (`_nft_header`), set beside pve-firewall's
        nft_header = _nft_header(line.strip(), kind)
        if nft_header is not None and nft_header[0] == "":
            nft(n, nft_header[1])
        header = re.fullmatch(r"\[(options|aliases|rules)\]", line, re.I | re.A)
        if header and header.group(1).lower() in allowed:
            section = header.group(1).lower()
            continue
        if nft_header is not None and nft_header[0] in ("options", "aliases", "rules"):
            nft(n, "a section header to proxmox-firewall, not to pve-firewall here", False)
        named = re.fullmatch(r"\[(group|ipset)\s+(\S+)\]\s*(?:#\s*(.*?)\s*)?", line, re.I | re.A)
        if named:
            which = "groups" if named.group(1).lower() == "group" else "ipset"
            if which in allowed:
                label, comment = named.group(2).lower(), named.group(3) or ""
                limit = MAX_GROUP_NAME if which == "groups" else MAX_IPSET_NAME
                noun = "security group" if which == "groups" else "ipset"
                if len(label) > limit:
                    section = None
                    warn(n, f"{noun} name too long; the section is skipped")
                    continue
                if not re.fullmatch(NAME, label, re.A):
                    section = None
                    warn(n, f"invalid {noun} name '{label}'; the section is skipped")
                    continue
                section, group = which, label
                if which == "groups":
                    fw.groups[label] = []
                    if comment:
                        fw.group_comments[label] = comment
                else:
                    fw.ipsets[label] = []
                    seen = set()
                    if comment:
                        fw.ipset_comments[label] = comment
                continue
        if section is None:
            warn(n, "skip line - no section")
            if nft_header is None:
                nft(n, "outside any section to pve-firewall", False)
            continue
        try:
            if section == "options":
                fw.option_lines.append((n, line))
                key, value = _option(line, kind)
                fw.options[key] = value
                fw.option_texts[key] = line.split(":", 1)[1].strip()
            elif section == "aliases":
                m = re.match(r"^(.*?)\s*#\s*(.*?)\s*$", line, re.A)
                body = m.group(1) if m else line
                am = re.fullmatch(r"(\S+)\s(\S+)", body, re.A)
                if not am:
                    raise ValueError("expected 'name address'")
                if reason := _address(am.group(2)):
                    raise ValueError(reason)
                fw.aliases[am.group(1).lower()] = am.group(2)
            elif section == "rules":
                rule = _rule(line, n, kind)
                rule["errors"] = _verify(rule, kind, fw, cluster)
                fw.rules.append(rule)
            elif section == "groups":
                rule = _rule(line, n, "group")
                rule["errors"] = _verify(rule, "group", fw, cluster)
                fw.groups[group].append(rule)
            else:
                fw.ipsets[group].append(_ipset_entry(line, n, fw, cluster, seen))
        except ValueError as exc:
            warn(n, f"{exc}; pve-firewall skips the line")
            if section != "options" and nft_header is None and not _nft_disabled(line, kind):
                nft(n, f"pve-firewall skips it ({exc})", False)
    # what proxmox-firewall's parser refuses of the lines pve-firewall keeps: a rule type that is
    # no direction it allows (rule.rs Direction::from_str; common.rs parse_rule "found not
    # allowed direction"; `GROUP` spelt so: rule.rs `line.starts_with("GROUP")`), an action that
    # is no verdict in any case (rule_match.rs parse_action, Verdict::from_str), an IP set entry
    # that is no network and no alias name (ipset.rs IpsetAddress::from_str, "trailing
    # characters in ipset entry")
    for r in fw.rules + [r for g in fw.groups.values() for r in g]:
        texts = [str(e) for e in r["errors"]] if isinstance(r["errors"], list) else []
        why = next(
            (
                e
                for e in texts
                # pve-firewall's `net\d+` of a guest's -i is not proxmox-ve-config's check (a
                # `net` and u16, below: `net+1` it parses, R47F-4)
                if (
                    e.startswith(("invalid rule type", "unknown action"))
                    or (e.startswith("iface: value does not") and kind != "vm")
                )
                and not e.startswith("invalid rule type 'group'")  # a group's entry: Rule parse
            ),
            None,
        )
        # proxmox-ve-config RuleMatch::from_options bails on a rule with both: "dport and
        # icmp-type are mutually exclusive" (rule_match.rs)
        written = r["options"]
        if not why and isinstance(written, dict) and written.get("proto") in _PROTOCOLS_WITH_PORTS:
            why = next(
                (
                    f"a port list proxmox-ve-config cannot parse ({e})"
                    for e in texts
                    if e.startswith(("dport: ", "sport: "))
                ),
                None,
            )
        proto = str(written.get("proto") or "") if isinstance(written, dict) else ""
        if not why and nft_unresolved_protocol(proto):
            why = f"-p {proto}, a protocol nft cannot resolve (the whole nft batch fails)"
        # a guest file's -i: proxmox-ve-config's parse_rule (common.rs, guest_iface_names for
        # guest.rs) takes `net` and a u16 only ("interface name must be of the form
        # \"net<number>\""), where pve-firewall's `net\d+` takes any number and a `-i 0` is
        # Perl's false, unchecked (R41F-6)
        iface = str(written.get("iface") or "") if isinstance(written, dict) else ""
        if (
            not why
            and kind == "vm"
            and isinstance(written, dict)
            and "iface" in written
            and not (re.fullmatch(r"net\+?[0-9]+", iface, re.A) and int(iface[3:]) <= 65535)
        ):
            why = f'-i {iface}, no `net` and u16 ("interface name must be of the form net<number>")'
        if not why and r.get("bare_hash"):
            why = "a `#` with no comment after it (\"expected an option starting with '-'\")"
        if not why and r.get("repeated"):
            opt = {"proto": "p", "iface": "i"}.get(str(r["repeated"]), str(r["repeated"]))
            why = f'-{opt} given twice ("duplicate option in rule")'
        if not why and isinstance(written, dict) and {"dport", "icmp-type"} <= set(written):
            why = '-dport beside -icmp-type ("dport and icmp-type are mutually exclusive")'
        if (
            not why
            and isinstance(written, dict)
            and "icmp-type" in written
            and nft_icmp_type_refused(proto, str(written["icmp-type"]))
        ):
            why = (
                f"-icmp-type {written['icmp-type']}, an ICMP type proxmox-ve-config does not "
                f"know under -p {proto}"
            )
        # IPv4 and IPv6 addresses in one -source or -dest list (address.rs IpList::from_str:
        # "Incompatible families in IPList!", then no set or alias name either: IpAddrMatch
        # "invalid IP specification"), or a -source of one and a -dest of the other
        # (rule_match.rs IpMatch::new: "src and dst family must be equal"), R40F-5
        if not why and isinstance(written, dict):
            families = [
                _literal_families(str(written[k])) for k in ("source", "dest") if written.get(k)
            ]
            known = [f for f in families if f]
            if any(len(f) > 1 for f in known):
                why = 'IPv4 and IPv6 addresses in one list ("Incompatible families in IPList!")'
            elif len(known) == 2 and known[0] != known[1]:
                why = (
                    'a -source and a -dest of two IP versions ("src and dst family must be equal")'
                )
        if why or r.get("group_text"):
            why = why or f"a security group rule spelt `{r['group_text']}`"
            nft(int(str(r["line"])), why)
        # a -dport/-sport service name: proxmox-ve-config reads it (under the -p whose ports
        # it parses) from the node's /etc/services (ports.rs NamedPorts: each line's name and
        # aliases), else "unknown port name" fails the whole file (port.rs parse_port); a name
        # the stock file (netbase) lacks is one the node's own, not collected, may add (R41F-4)
        elif isinstance(written, dict) and proto in _PROTOCOLS_WITH_PORTS:
            port_names = [
                (key, item.strip())
                for key in ("dport", "sport")
                for item in str(written.get(key) or "").split(",")
                if any(
                    side and not re.fullmatch(r"\+?[0-9]+", side, re.A)
                    for side in item.strip().split(":", 1)
                )
            ]
            if port_names:
                at = int(str(r["line"]))
                fw.nft_port_names[at] = (rows[at - 1].strip(), port_names)
            names = [
                f"-{key} {side}"
                for key in ("dport", "sport")
                for item in str(written.get(key) or "").split(",")
                for side in item.strip().split(":", 1)
                if side
                and not re.fullmatch(r"\+?[0-9]+", side, re.A)
                and side not in NETBASE_SERVICES
            ]
            # a range with a name on a side (`ssh:http`, R43F-1): proxmox-ve-config reads each
            # side's port from the node's /etc/services (port.rs PortEntry::from_str), which
            # hvaudit does not collect, and refuses the file on a backwards range ("start port
            # is greater than end port!"): the ports it admits are the node's to tell
            ranges = [
                f"-{key} {item.strip()}"
                for key in ("dport", "sport")
                for item in str(written.get(key) or "").split(",")
                if _named_range(item.strip())
            ]
            if names:
                nft(
                    int(str(r["line"])),
                    f"{', '.join(names)}, a service name the stock /etc/services (netbase) does "
                    "not define (proxmox-ve-config reads the node's own, not read, and "
                    "refuses the file on a name it lacks)",
                    False,
                )
            elif ranges:
                nft(
                    int(str(r["line"])),
                    f"{', '.join(ranges)}, a port range with a service name for a bound (proxmox-ve-config "
                    "reads their ports from the node's /etc/services, not read, and refuses "
                    "the file on a backwards range; pve-firewall refuses the rule)",
                    False,
                )
    for entries in fw.ipsets.values():
        for e in entries:
            bad = [x for x in e.errors if x.startswith(("value does not", "not one address"))]
            if bad:
                nft(e.line, f"an IP set entry proxmox-firewall cannot parse ({bad[0]})")
    option_rows = {n for n, _ in fw.option_lines}
    fw.nft_lines = sorted({row for row in fw.nft_lines if row[0] not in option_rows})
    for r in fw.rules + [r for g in fw.groups.values() for r in g]:
        errors = r["errors"]
        if isinstance(errors, list) and errors:
            warn(int(str(r["line"])), f"rule not applied: {'; '.join(errors)}")
        elif r.get("pve_refused"):
            warn(int(str(r["line"])), f"rule not applied by pve-firewall: {r['pve_refused']}")
    for label, entries in fw.ipsets.items():
        for e in entries:
            if e.errors:
                warn(e.line, f"ipset {label}: entry {e.cidr!r} not loaded: {'; '.join(e.errors)}")
    if kind == "cluster" and fw.options.get("enable", "0") not in ("0", "1"):
        warn(
            0,
            f"enable: {fw.options['enable']} is a time stamp: pve-firewall treats the firewall "
            "as off once it is more than 60 seconds old",
        )
    fw.warnings = [f"{name}:{n}: {why}" for n, why in sorted(notes, key=lambda x: x[0])]
    return fw


#: The booleans proxmox-serde's perl::deserialize_bool takes from a string (proxmox/proxmox-rs
#: proxmox-serde/src/perl.rs BoolVisitor visit_str: true, yes, on in any case or "1"; false,
#: no, off in any case or "0"; anything else `invalid_value ... "a boolean-like value"`).
SERDE_TRUE = ("true", "yes", "on")
SERDE_FALSE = ("false", "no", "off")
#: proxmox-ve-rs 840d1ed proxmox-ve-config/src/firewall/types/log.rs LogLevel::from_str: exact
#: (lower-case) names, `warn` and `warning` both, anything else "invalid log level".
NFT_LOG_LEVELS = frozenset(
    ("nolog", "emerg", "alert", "crit", "err", "warn", "warning", "notice", "info", "debug")
)
_NFT_BOOL = "bool"
_NFT_LOG = "log level"
_NFT_VERDICT = "verdict"
_NFT_INT = "integer"
_NFT_KEEP = "kept"
#: The option fields of proxmox-ve-rs 840d1ed proxmox-ve-config/src/firewall/{cluster,host,
#: guest}.rs `Options` (serde field names: exact, case-sensitive; no deny_unknown_fields, so
#: another key is ignored). Booleans `deserialize_with = "proxmox_serde::perl::deserialize_bool"`,
#: integers `deserialize_i64`, LogLevel and Verdict `forward_deserialize_to_from_str`.
NFT_FIELDS: dict[str, dict[str, str]] = {
    "cluster": {
        "enable": _NFT_BOOL,
        "ebtables": _NFT_BOOL,
        "log_ratelimit": _NFT_KEEP,
        "policy_in": _NFT_VERDICT,
        "policy_out": _NFT_VERDICT,
        "policy_forward": _NFT_VERDICT,
    },
    "host": {
        **dict.fromkeys(
            (
                "enable",
                "nftables",
                "log_nf_conntrack",
                "ndp",
                "nf_conntrack_allow_invalid",
                "nosmurfs",
                "protection_synflood",
                "tcpflags",
            ),
            _NFT_BOOL,
        ),
        **dict.fromkeys(
            (
                "log_level_in",
                "log_level_out",
                "log_level_forward",
                "smurf_log_level",
                "tcp_flags_log_level",
            ),
            _NFT_LOG,
        ),
        **dict.fromkeys(
            (
                "nf_conntrack_max",
                "nf_conntrack_tcp_timeout_established",
                "nf_conntrack_tcp_timeout_syn_recv",
                "protection_synflood_burst",
                "protection_synflood_rate",
            ),
            _NFT_INT,
        ),
        "nf_conntrack_helpers": _NFT_KEEP,
    },
    "vm": {
        **dict.fromkeys(("dhcp", "enable", "ipfilter", "ndp", "radv", "macfilter"), _NFT_BOOL),
        "log_level_in": _NFT_LOG,
        "log_level_out": _NFT_LOG,
        "policy_in": _NFT_VERDICT,
        "policy_out": _NFT_VERDICT,
        "policy_forward": _NFT_VERDICT,
    },
}


def nft_options(fw: FirewallFile, name: str) -> tuple[dict[str, str], list[str]]:
    """The [OPTIONS] of a firewall file as proxmox-firewall reads them: (options with booleans
    as "1"/"0", what it refuses, each naming the file `name`). proxmox-ve-rs 840d1ed
    proxmox-ve-config/src/firewall/common.rs: each option line is split at its first `:` and
    both sides trimmed (parse.rs split_key_value; no colon: "expected colon separated key and
    value"), a key given twice is "duplicate option", and `O::deserialize(...)?` reads the map
    into the kind's Options: one refused value fails the whole file, and proxmox-firewall
    a752659 then applies nothing (FirewallConfig::new `?`, handle_firewall returns the error,
    run_firewall logs "error updating firewall rules"). pve-firewall reads the same lines
    otherwise (Firewall.pm parse_*fw_option: keys in any case, booleans `0|1` only, a line it
    cannot parse skipped with a warning)."""
    fields = NFT_FIELDS.get(fw.kind, {})
    options: dict[str, str] = {}
    refused: list[str] = []
    seen: set[str] = set()
    for n, line in fw.option_lines:
        if ":" not in line:
            refused.append(f"{name} line {n} `{line}` is no `key: value` option")
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        if key in seen:
            refused.append(f"{name} sets option {key} twice")
            continue
        seen.add(key)
        what = fields.get(key)
        if what == _NFT_BOOL:
            lowered = value.lower()
            if value == "1" or lowered in SERDE_TRUE:
                options[key] = "1"
            elif value == "0" or lowered in SERDE_FALSE:
                options[key] = "0"
            else:
                refused.append(f"{name} {key}: {value} is no boolean proxmox-serde reads")
        elif what == _NFT_LOG:
            if value in NFT_LOG_LEVELS:
                options[key] = "warning" if value == "warn" else value
            else:
                refused.append(f"{name} {key}: {value} is no log level proxmox-firewall reads")
        elif what == _NFT_VERDICT:
            if value.upper() in ("ACCEPT", "DROP", "REJECT"):
                options[key] = value.upper()
            else:
                refused.append(f"{name} {key}: {value} is no verdict proxmox-firewall reads")
        elif what == _NFT_INT:
            # deserialize_i64's visit_str: Rust's i64 from_str (an optional sign, ASCII digits)
            ok = re.fullmatch(r"[+-]?[0-9]+", value) and -(2**63) <= int(value) < 2**63
            if ok:
                options[key] = str(int(value))
            else:
                refused.append(f"{name} {key}: {value} is no integer proxmox-firewall reads")
        elif what == _NFT_KEEP and key in fw.options:
            options[key] = fw.options[key]
    return options, refused
