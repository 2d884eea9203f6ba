"""Red team 21 (second), Proxmox VE: firewall lines pve-firewall and proxmox-firewall read apart.

Harness: the live hardened node (pve+ssh replayed, test_pve_leads18._node through
test_pve_leads19b._nft), both firewall daemons in the process list, host.fw with `nftables: 1`
(or without), cluster.fw, host.fw, 200.fw and 201.fw (VM 201 stopped, a local guest) edited;
verdicts of HVA-301/302/313 (node) through the real collector, parser and engine. Sources read
with `fetch`: github:proxmox/pve-firewall 6f1311f (src/PVE/Firewall.pm), proxmox-firewall
a752659 (proxmox-firewall/src/config.rs, bin/proxmox-firewall.rs), proxmox-ve-rs 840d1ed
(proxmox-ve-config/src/firewall/common.rs, parse.rs, host.rs, guest.rs, cluster.rs,
types/rule.rs, types/rule_match.rs, types/ipset.rs, types/alias.rs).

Findings (P21F-n):

- P21F-1 (false pass): a rule verdict in another case (`IN accept`, `IN HTTPS(accept)`).
  pve-firewall verify_rule matches `$action !~ m/^(ACCEPT|DROP|REJECT)$/` case-sensitively
  ("unknown action", the rule is not applied; parse_fw_rule's macro form `(ACCEPT|DROP|REJECT)`
  too), while proxmox-ve-rs rule_match.rs parse_action reads the verdict with rule.rs
  Verdict::from_str (`eq_ignore_ascii_case`): under proxmox-firewall (host.fw `nftables: 1`)
  host.fw `IN accept` accepts every inbound packet and HVA-301/313 passed ("input policy
  DROP"); cluster.fw `IN accept -p tcp -dport 8006` opened the GUI to every source and HVA-313
  passed. Now such a rule is one pve-firewall alone refuses (`pve_refused`, as L16-3's `-p
  TCP`), its verdict upper-cased: HVA-301/313 fail under proxmox-firewall, pass under
  pve-firewall as before.
- P21F-2 (false pass): lines outside [OPTIONS] that pve-firewall skips or reads otherwise while
  proxmox-firewall's parser fails the whole file (L19-12P's class, for the other sections).
  common.rs Config::parse skips only blank and `#` lines and bails (`?`) on: a line outside any
  section ("config line with no section"), a `[` line that is no header it knows ("invalid
  section": `[IPSET` and `[group` are case-sensitive prefixes, so `[ipset management]` and
  `[GROUP webserver]`, which pve-firewall takes with /i, are refused), a rule it cannot parse
  (rule_match.rs RuleOptions `deny_unknown_fields`: `-sourc`), a `group` rule not spelt `GROUP`
  (rule.rs `line.starts_with("GROUP")`, else Direction::from_str fails), a guest rule's `-i
  eth0` (parse_rule: "interface name must be of the form net<number>"), an IP set entry that is
  no network and no alias name (ipset.rs IpsetAddress::from_str), an alias it cannot parse
  (alias.rs, Cidr). config.rs FirewallConfig::new parses cluster.fw, host.fw and every local
  guest's .fw with `?`; handle_firewall returns before any nft command, run_firewall logs
  "error updating firewall rules". pve-firewall skips each of these lines (or keeps the rule
  unapplied), so HVA-301/302/313 passed on the rest. Now the node's cluster.fw fact is
  unavailable naming the line (hvaudit.parse.proxmox_firewall `nft_lines`, `_nft_header`):
  "refuses" where proxmox-firewall's parser fails on it, and, for a line pve-firewall skips
  that proxmox-firewall may parse (it skips none), "refuses the whole update, or applies what
  pve-firewall's reading leaves out". Each check asks.

- P21F-3 (false pass): host.fw `NFTABLES: 1` (the key in another case). pve-firewall
  parse_hostfw_option takes keys in any case (`/i`, `lc($1)`): get_nftables_option is on and,
  with proxmox-firewall installed, update() removes its own chains; proxmox-ve-rs host.rs
  Options' serde field `nftables` takes only that spelling, so proxmox-firewall's `nftables()`
  is its default false and handle_firewall only removes its tables. Neither daemon applies a
  rule, yet hvaudit read pve-firewall's `nftables: 1`, then proxmox-firewall's options without
  it, and judged pve-firewall's rules: HVA-301/302/313 and HVA-191/303 passed. Now
  `FirewallFile.daemons_off` names the line and firewall_daemon answers "absent" with it where
  proxmox-firewall runs: every firewall check fails.
- P21F-4 (false pass, L19-14P's cluster half): cluster.fw `enable: yes` with `nftables: 1`
  where pve-firewall runs. pve-firewall 6f1311f is_enabled_and_not_nftables ->
  update_force_nftables_disable_flag (since 719bdfa, 2024-04-26) writes
  /run/proxmox-nftables-firewall-force-disable unless its own reading has cluster `enable` and
  host `nftables` on (parse_clusterfw_option skips `yes`), and proxmox-firewall a752659
  run_firewall only removes its tables while that file exists; pve-firewall's update removes
  its chains too. L19-14P read proxmox-firewall's true alone: pass. Now _nft_reading keeps
  pve-firewall's reading of cluster.fw when pve-firewall runs (or the processes were not read:
  it is the node's standard service): "off: the cluster firewall is off".

Held (kept as tests): P21F-1: without `nftables: 1` `IN accept` stays unapplied (pass).
P21F-2: without `nftables: 1` every edit keeps the unedited verdicts (pve-firewall skips the
line); `| IN DROP` (a blank after the `|`: pve-firewall cannot parse it, proxmox-firewall reads
a disabled rule, rule.rs `strip_prefix('|')` then `trim_start`) keeps the pass under
proxmox-firewall. P21F-3: host.fw `nftables: yes` keeps pve-firewall's verdicts (it skips the
line, applies its rules and writes the force-disable file, so proxmox-firewall, which reads yes,
removes its tables). L19-14P's guest half (200.fw `enable: YES`) still reads as on.

Probed by script, not kept (the verdict was right): `IN HTTPS(accept)` in host.fw under
proxmox-firewall passes HVA-301/313 (port 443 is no management port, and a macro rule is not
read as opening every packet); host.fw `[FOO]` inside [OPTIONS] was already L19-12P's question
("is no `key: value` option"); host.fw `nftables: 1` with a later `NFTABLES: 0` is
proxmox-firewall's (pve-firewall's last key wins, `nftables: 1`; proxmox-firewall ignores
`NFTABLES`).

Tally: 18 cases; 14 failed before their fixes (on main 59d4fb6; P21F-3/4 on 49e0c57), 4 held
(one of them two configurations). test_proxmox_parsers' `in accept` case now reads the rule as
one pve-firewall alone refuses, and test_pve_leads19b's L19-14P keeps only its guest half
(deliberate).

Leads left (not settled in the time):
- the rules pve-firewall keeps but does not apply (verify_rule errors: unknown macro, an
  unknown alias or IP set, `-dport` without `-p`, mixed families) and IP set entries it leaves
  out (unknown alias, duplicates, zero prefix) are not compared with proxmox-firewall's
  reading (parse succeeds there; what its rule generation then does was not read: it may fail
  the update or apply the rule);
- `[ALIASES]` in host.fw (pve-firewall reads the following lines into the previous section,
  proxmox-firewall's host.rs refuses any alias) is the "reads it otherwise" question, not
  pinned; a CRLF file (pve-firewall takes no header, proxmox-firewall's BufRead::lines strips
  the \\r) is the same question, not pinned;
- proxmox-firewall's IP set names keep their case (common.rs `Sec::Ipset(name.to_string())`)
  where pve-firewall lower-cases them; a rule's `+Management` may resolve there (P15-6 reads
  pve-firewall's "no such ipset"), not probed;
- P21F-4's gate assumes pve-firewall runs where the processes were not read (its standard
  service); a node that runs proxmox-firewall alone with cluster.fw `enable: yes` is then a
  wrong fail; where the force-disable file predates 719bdfa (pve-firewall before 2024-04-26)
  L19-14P's reading would hold;
- HVA-305 with a reverse proxy in front of a loopback pveproxy (lead 3) was not reached: no
  evidence of the forwarder (nginx) is collected; L19-31P's question stands.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_pve_leads19b import CLUSTER, HOST, REFUSES, VM200, VM201, _nft

FW_CHECKS = ("HVA-301", "HVA-302", "HVA-313")
PING = "IN Ping(ACCEPT) -source +management"
OTHER = (
    ": proxmox-firewall (host.fw `nftables: 1`) skips no line (proxmox-ve-rs common.rs "
    "Config::parse): it refuses the whole update, or applies what pve-firewall's reading leaves out"
)


# --- P21F-1: a verdict in another case --------------------------------------------------------


def test_p21f_1_lower_case_verdict_is_applied_by_proxmox_firewall(tmp_path: Path) -> None:
    """Were HVA-301 pass "cluster firewall on, input policy DROP" and HVA-313 pass: pve-firewall
    6f1311f verify_rule `$action !~ m/^(ACCEPT|DROP|REJECT)$/` leaves `IN accept` unapplied,
    proxmox-ve-rs 840d1ed rule_match.rs parse_action -> rule.rs Verdict::from_str
    (`eq_ignore_ascii_case`) applies it: every inbound packet is accepted before the policy."""
    got = _nft(tmp_path, {HOST: (PING, PING + "\nIN accept")})
    assert got[("HVA-301", "pve-h1")] == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 10 `IN ACCEPT` accepts every "
        "inbound packet before the policy",
    )
    assert got[("HVA-313", "pve-h1")][0] == "fail"


def test_p21f_1_lower_case_gui_rule_in_cluster_fw(tmp_path: Path) -> None:
    """Was HVA-313 pass "... no rule opens management ports wider": cluster.fw `IN accept -p tcp
    -dport 8006` opens pveproxy's port to every source under proxmox-firewall."""
    rule = "IN accept -p tcp -dport 8006"
    got = _nft(tmp_path, {CLUSTER: ("# corosync\n", f"# corosync\n{rule}\n")})
    status, message = got[("HVA-313", "pve-h1")]
    assert status == "fail" and "cluster.fw" in message, message


def test_p21f_1_held_pve_firewall_does_not_apply_it(tmp_path: Path) -> None:
    """Held: without `nftables: 1` pve-firewall alone applies the rules, and `IN accept` is its
    "unknown action": the hardened verdicts stand."""
    got = _nft(tmp_path, {HOST: (PING, PING + "\nIN accept")}, nftables=False)
    assert [got[(c, "pve-h1")][0] for c in FW_CHECKS] == ["pass", "pass", "pass"]


# --- P21F-2: lines of the other sections ------------------------------------------------------

EDITS = {
    # proxmox-firewall's parser fails the file on these ("refuses")
    "ipset-lower": (
        {CLUSTER: ("[IPSET management]", "[ipset management]")},
        "cluster.fw line 12 `[ipset management] # office and VPN`: no section header "
        'proxmox-firewall knows ("invalid section")' + REFUSES,
    ),
    "group-upper": (
        {CLUSTER: ("[group webserver]", "[GROUP webserver]")},
        "cluster.fw line 23 `[GROUP webserver] # public web servers`: no section header "
        'proxmox-firewall knows ("invalid section")' + REFUSES,
    ),
    "group-rule-lower": (
        {VM201: ("IN SSH(ACCEPT)", "group webserver\nIN SSH(ACCEPT)")},
        "201.fw line 11 `group webserver`: a security group rule spelt `group`" + REFUSES,
    ),
    "ipset-entry": (
        {CLUSTER: ("vpn-pool # VPN users", "vpn-pool # VPN users\n10.0.0.300")},
        "cluster.fw line 15 `10.0.0.300`: an IP set entry proxmox-firewall cannot parse (value "
        "does not look like a valid IP address or CIDR network)" + REFUSES,
    ),
    "vm-iface": (
        {VM200: ("GROUP webserver -i net0", "GROUP webserver -i net0\nIN DROP -i eth0")},
        # proxmox-ve-config's own words since R47F-4 (pve-firewall's `net\\d+` is not its check)
        '200.fw line 13 `IN DROP -i eth0`: -i eth0, no `net` and u16 ("interface name must be '
        'of the form net<number>")' + REFUSES,
    ),
    "vm-forward": (
        {VM200: ("GROUP webserver -i net0", "GROUP webserver -i net0\nFORWARD DROP")},
        "200.fw line 13 `FORWARD DROP`: invalid rule type 'forward' here" + REFUSES,
    ),
    # pve-firewall skips these; proxmox-firewall skips none ("refuses or applies")
    "no-section": (
        {CLUSTER: ("[OPTIONS]\n", "IN ACCEPT\n[OPTIONS]\n")},
        "cluster.fw line 1 `IN ACCEPT`: outside any section to pve-firewall" + OTHER,
    ),
    "rule-param": (
        {CLUSTER: ("# corosync\n", "# corosync\nIN DROP -p tcp -dport 9999 -sourc 10.0.0.0/8\n")},
        "cluster.fw line 22 `IN DROP -p tcp -dport 9999 -sourc 10.0.0.0/8`: pve-firewall skips "
        "it (unable to parse rule parameters: -sourc 10.0.0.0/8)" + OTHER,
    ),
    "alias": (
        {CLUSTER: ("vpn-pool 10.0.8.0/24", "vpn-pool 10.0.8.0/24\nbad-one 10.0.0.300")},
        "cluster.fw line 11 `bad-one 10.0.0.300`: pve-firewall skips it (value does not look "
        "like a valid IP address or CIDR network)" + OTHER,
    ),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_p21f_2_proxmox_firewall_reads_the_line_otherwise(tmp_path: Path, name: str) -> None:
    """Were HVA-301/302/313 pass on pve-firewall's reading of the rest of the files.
    proxmox-ve-rs 840d1ed common.rs Config::parse bails on each of these lines (or, for a line
    pve-firewall skips, may take it), and proxmox-firewall a752659 config.rs
    FirewallConfig::new parses cluster.fw, host.fw and every local guest's .fw with `?`:
    handle_firewall returns before any nft command. Each check asks, naming the line."""
    edits, why = EDITS[name]
    got = _nft(tmp_path, edits)
    for check in FW_CHECKS:
        assert got[(check, "pve-h1")] == ("manual", f"evidence unavailable: {why}"), check


def test_p21f_2_held_without_nftables(tmp_path: Path) -> None:
    """Held: without `nftables: 1` pve-firewall alone applies the files and skips (or leaves
    unapplied) each line: the unedited node's verdicts, for every edit at once."""
    base = _nft(tmp_path / "a", {}, nftables=False)
    edits: dict[str, tuple[str, str]] = {}
    for name in ("ipset-lower", "group-rule-lower", "vm-iface", "rule-param", "alias"):
        edits.update(EDITS[name][0])
    got = _nft(tmp_path / "b", edits, nftables=False)
    assert [got[(c, "pve-h1")] for c in FW_CHECKS] == [base[(c, "pve-h1")] for c in FW_CHECKS]
    assert [got[(c, "pve-h1")][0] for c in FW_CHECKS] == ["pass", "pass", "pass"]


def test_p21f_2_held_disabled_rule_with_a_blank(tmp_path: Path) -> None:
    """Held: `| IN DROP -p tcp -dport 9999`: pve-firewall cannot parse it (`^(\\S+)\\s+(\\S+)`
    after the `|`), proxmox-firewall reads a disabled rule (rule.rs strip_prefix('|'),
    trim_start): neither applies it, the pass stands under proxmox-firewall."""
    got = _nft(tmp_path, {HOST: (PING, PING + "\n| IN DROP -p tcp -dport 9999")})
    assert [got[(c, "pve-h1")][0] for c in FW_CHECKS] == ["pass", "pass", "pass"]


# --- P21F-3: host.fw `NFTABLES: 1` (a key in another case) ------------------------------------


@pytest.mark.parametrize("key", ["NFTABLES", "Nftables"])
def test_p21f_3_nftables_key_in_another_case_leaves_no_firewall(tmp_path: Path, key: str) -> None:
    """Were HVA-301/302/313 and HVA-191/303 of both VMs pass on pve-firewall's rules.
    pve-firewall 6f1311f parse_hostfw_option takes the key in any case (`/i`, `lc($1)`), so
    get_nftables_option is on (proxmox-firewall installed: it runs) and update() removes its
    chains (`!is_enabled_and_not_nftables` -> remove_pvefw_chains); proxmox-ve-rs 840d1ed
    host.rs Options' serde field `nftables` takes only that spelling (no deny_unknown_fields:
    `NFTABLES` is ignored), `nftables()` is HOST_NFTABLES_DEFAULT (false), and proxmox-firewall
    a752659 handle_firewall `if !firewall.is_enabled() { return remove_firewall() }`. Neither
    daemon applies a rule: each check fails, naming the line."""
    got = _nft(tmp_path, {HOST: ("enable: 1\n", f"enable: 1\n{key}: 1\n")}, nftables=False)
    why = f"host.fw `{key}: 1`: pve-firewall reads it as nftables on"
    for check in (*FW_CHECKS, "HVA-191", "HVA-303"):
        for subject in ("pve-h1",) if check in FW_CHECKS else ("web-10", "api-11"):
            status, message = got[(check, subject)]
            assert status == "fail" and why in message, (check, subject, message)


def test_p21f_3_held_nftables_yes_is_pve_firewall(tmp_path: Path) -> None:
    """Held: `nftables: yes`: pve-firewall skips the line (`(0|1)`), applies its rules and
    writes /run/proxmox-nftables-firewall-force-disable (update_force_nftables_disable_flag),
    so proxmox-firewall, which reads yes, only removes its tables: pve-firewall's verdicts."""
    base = _nft(tmp_path / "a", {}, nftables=False)
    got = _nft(tmp_path / "b", {HOST: ("enable: 1\n", "enable: 1\nnftables: yes\n")}, False)
    assert got == base


# --- P21F-4: cluster.fw `enable: yes` under proxmox-firewall, pve-firewall running --------------


def test_p21f_4_pve_firewall_gates_proxmox_firewall(tmp_path: Path) -> None:
    """Were pass (L19-14P read `enable: yes` as proxmox-firewall's true). pve-firewall
    6f1311f is_enabled_and_not_nftables -> update_force_nftables_disable_flag (since 719bdfa,
    2024-04-26) writes /run/proxmox-nftables-firewall-force-disable unless its own reading has
    cluster `enable` and host `nftables` on; parse_clusterfw_option `enable: (\\d+)` skips
    `yes` (off). proxmox-firewall a752659 run_firewall: `if force_disable_flag.exists() {
    remove_firewall() ... continue }`, and pve-firewall's update removes its chains: no rule."""
    got = _nft(tmp_path, {CLUSTER: ("enable: 1", "enable: yes")})
    for check in FW_CHECKS:
        assert got[(check, "pve-h1")][0] == "fail", check
    assert got[("HVA-302", "pve-h1")] == ("fail", "off: the cluster firewall is off")
