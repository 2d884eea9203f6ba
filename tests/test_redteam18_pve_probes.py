r"""Red team 18, Proxmox VE: user.cfg as pve-access-control builds its tree, firewall protocols.

Probed: repeated user.cfg lines (user, group, role, token, acl), ACL paths as
find_acl_tree_node files them, Perl-truth fields, VM firewall rules pve-firewall refuses
ahead of an unrestricted ACCEPT, repeated firewall sections, qm.conf device keys. Leads 18
(third batch, P18-5..7) settled the red team's leads: which corosync.conf corosync runs
(pve-cluster's pmxcfs sync), cluster.fw's anti-lockout `enable` stamp, user.cfg lines
parse_user_config ignores by their order, `rng0: source=/dev/hwrng`, proxmox-firewall and
unknown `-p` names.

Findings (each pinned below; sources from github:proxmox/pve-access-control 5ccd07d
src/PVE/AccessControl.pm, read with `fetch`):

- P18-1 (false pass): a second `group:` line of one name replaced the first's members;
  parse_user_config keeps a group it has seen (`$cfg->{groups}->{$group} = { users => {} } if
  !$cfg->{groups}->{$group}`) and adds each listed member (`$cfg->{groups}->{$group}->{users}
  ->{$user} = 1`), and `roles` asks `$cfg->{groups}->{$g}->{users}->{$user}`: a member of the
  first line keeps the group's grants. `group:admins:alice@corp,mallory@pve:` then
  `group:admins:alice@corp:` left mallory@pve (Administrator through @admins, no second
  factor, a pve realm user) out: HVA-306 and HVA-312 passed. Merged now; both fail.
- P18-2 (false pass): likewise a second `role:` line replaced the first's privileges
  (`$cfg->{roles}->{$role} = {} if !$cfg->{roles}->{$role}`, then `->{$priv} = 1` per
  privilege: they add up); `role:Ops:Sys.Console,Sys.Modify:` then `role:Ops:VM.Audit:` was
  read as an audit role, and its holder on `/` passed HVA-306 and HVA-312. Merged now.
- P18-3 (false pass): find_acl_tree_node files an ACL under its path's components, skipping
  each that is Perl's false (`next if !$p`), so `acl:1:/0:...` is an ACL on `/` (and `0/`,
  which normalize_path makes `/`; `/0/vms` is `/vms`). hvaudit kept `/0`: PVEUserAdmin on
  `/0` passed HVA-306, a privsep 1 token's Administrator on `/0` passed HVA-311, and
  PVEVMAdmin on `/0/vms` passed HVA-307. The parser drops such components now.
- P18-4 (false pass): pve-firewall refuses a rule whose `-p` is neither a first-column name
  nor a number of the node's /etc/protocols (pve_fw_verify_protocol_spec, parse_protocol_file;
  github:proxmox/pve-firewall 6f1311f); hvaudit refused only case variants of a few names
  (L16-3), so `IN DROP -p foo` (or 200, `Gre`) before an unrestricted `IN ACCEPT` was a
  deny-list and HVA-303 passed. Now `pve_refused` for every protocol netbase 6.4's
  /etc/protocols (Proxmox VE 8's base, read on such a system) does not list.
- P18-5 (false pass, and a wrong fail): HVA-309 judged /etc/pve/corosync.conf only, but
  corosync reads the node's /etc/corosync/corosync.conf (github:proxmox/pve-cluster 7091d92
  src/pmxcfs/cfs-utils.h HOST_CLUSTER_CONF_FN), and pmxcfs copies /etc/pve's there
  (src/pmxcfs/dcdb.c dcdb_sync_corosync_conf, at its start, a cluster commit and a write of
  the file) only when it reads a non-zero config_version ("unable to parse cluster
  config_version") not below the local file's ("local corosync.conf is newer"); the version is
  the first match of `config_version\s*:\s*(\d+)` anywhere, a comment included
  (cfs-utils.c cluster_config_version). A hardened /etc/pve copy passed beside a newer local
  file without crypto (or a copy whose first match is a lower number in a comment, or with no
  config_version); a weak /etc/pve copy failed beside a newer hardened local file. The
  collector reads /etc/corosync/corosync.conf now and HVA-309 judges the file corosync runs
  (both when pmxcfs is about to replace a differing local file; a question when /etc/pve's copy
  is not installed and the local file was not collected).
- P18-6 (wrong fail): cluster.fw `enable: N` above 1 was read as off. pve-firewall 6f1311f
  Firewall.pm parse_clusterfw_option keeps it on until 60 s after N (`if (($value > 1) &&
  ((time() - $value) > 60)) { $value = 0; }`), a time in the future included;
  API2/Firewall/Cluster.pm writes `time()` for an enable above 1 (its "double (anti-lockout)
  API call"). `enable: 4102444800` (2100) failed HVA-301 ("cluster firewall off"), HVA-302
  and HVA-313 where pve-firewall applies every rule. The model reads the stamp as at the
  collection time (on, or off from 61 s), so the rule checks judge the rules; HVA-301 asks
  whether the firewall is enabled for good while a stamp is in force (it turns itself off).
- P18-7 (false pass; wrong fails): parse_user_config (pve-access-control 5ccd07d) reads
  user.cfg in order and ignores an ACL's role not defined yet (`if (!$cfg->{roles}->{$role})
  { warn "... ignore invalid acl role" }`; built-in roles exist from
  userconfig_force_defaults) and a token not defined yet (check_token_exist: "ignore invalid
  acl token"), a token line before its user's ("user does not exist"), and a second `user:`
  line replaces the entry with the tokens filed under it. hvaudit kept them all: mallory@pve's
  own ACL of an empty role `Deny` on `/`, placed before `role:Deny::`, was read as replacing
  @admins' Administrator there, and HVA-312 passed; a privsep 0 token of alice@corp before
  her user line (or before her `user:` line given again) failed HVA-311. The parser drops
  them as Proxmox does now.

Held (kept as tests): a member added to another group (webops) is no administrator; `/00`
is a node of its own (Perl's true), not the root; a DROP of `gre`, `47` or `mptcp` (netbase
names and numbers) keeps the VM chain a deny-list. Leads 18: a local corosync.conf identical
to /etc/pve's passes as before (none in a copied tree with /etc/pve's config_version 4
passed too, until L19-11P made it the question: tests/test_pve_leads19b.py); a role defined before the ACL naming it (the user's own empty role on `/` replaces
the group's Administrator there: HVA-312 passes).

Probed by script, not kept (the verdict was right): VM firewall DROPs pve-firewall refuses
for other reasons (an undefined alias or set, `-dport 99999`, `-icmp-type` or `-dport`
without `-p`, an unknown macro, an undefined GROUP, `-i eth0`, `-log verbose`) already
failed HVA-303 before an `IN ACCEPT`; `in DROP` (parse_fw_rule lower-cases the type) and
`ssh(DROP)` (macros matched case-insensitively) stay a deny-list; a repeated `[IPSET x]` or
`[group x]` section resets the set as generic_fw_config_parser does (`= []`); token
`privsep` and ACL `propagate` read with Perl's truth; user and token `expire` through
Python's int where pve-access-control drops the entry (same outcome: no such account);
qm.conf `ivshmem:`, `audio0: device=AC97`, `virtiofs0:` judged by HVA-057/047/058; realm
`tfa` enforcement (authenticate_2nd_new_do "missing required 2nd keys") as HVA-306 reads it.

Probed by script, not kept (leads 18, third batch): `rng0: source=/dev/hwrng` (and with
`max_bytes=0`) is HVA-050 "no device passthrough" (n/a). qemu-server e6352be
src/PVE/QemuServer/RNG.pm: `source` is an enum of /dev/urandom, /dev/random and /dev/hwrng
(no other file), check_rng_source refuses to start with /dev/hwrng while
/sys/devices/virtual/misc/hw_random/rng_current is `none` (so it is a hardware RNG),
print_rng_device_commandline writes `max-bytes=$max_bytes,period=$period` (default 1024 per
1000 ms) unless `max_bytes` is 0 ("disable limiting (potentially dangerous!)"), and API2/Qemu.pm
asks Mapping.Use on /mapping/hwrng to set it. By VL18-7's verdict for libvirt (leads18vm3
57e3e08, not on main when probed: /dev/hwrng with a hardware RNG and a rate passes, without a
rate fails), the default is the pass side and `max_bytes=0` a fail, which HVA-050's n/a hides.

Tally: 15 cases; 10 failed on main before this round's fixes (cfaa631 for P18-1/2, d1e25ce
for P18-3, a6063a5 for P18-4), 5 held. Leads 18 (third batch, P18-5..7): 15 cases more; 13
failed on main before their fixes (9036df3 for P18-5, 2041f94 for P18-6, P18-7's commit), 2
held (the same corosync.conf or none collected; a role defined before its ACL), and a guard
(the parser's built-in role names are the checks' BUILTIN_ROLES).

Leads left (not settled in the time): `rng0: source=/dev/hwrng,max_bytes=0` (above: a wrong
n/a to wire into VL18-7's HOST_RNG passthrough once that lands, with qemu-server's rate in
place of libvirt's <rate>); proxmox-firewall (nftables): a `-p` name other than its own
(dccp, sctp, tcp, udp, udplite, icmp, ipv6-icmp/icmpv6, or a number up to 255) becomes
Protocol::Named and `meta l4proto "<name>"` (proxmox-ve-rs 840d1ed rule_match.rs
from_options, proxmox-firewall a752659 rule.rs handle_protocol), which nft resolves through
/etc/protocols; what a name it cannot resolve does to the whole batch (proxmox-firewall.rs
run_firewall logs "error updating firewall rules" and keeps the ruleset loaded before) was
not confirmed in nftables' sources, so P18-4 still refuses it under pve-firewall only; and
under proxmox-firewall a cluster.fw `enable` that is not true/yes/on/1/false/no/off/0
(proxmox-serde perl.rs deserialize_bool: a time stamp, `01`) fails the options'
deserialisation (common.rs parse: `O::deserialize`), so the whole cluster.fw is refused and
the ruleset loaded before stays (P18-6 reads the stamp as pve-firewall does); privileges
`$valid_privs` does not list (case-sensitive) are still kept in a role (they match no
privilege the checks look for, so a wrong fail at worst); the node's own /etc/protocols is
not collected (a protocol a site added there is refused: a wrong fail at worst);
pmxcfs's config_version regex as GLib compiles it (whether `\d` matches non-ASCII digits,
then read as 0 by strtoull) is modelled with ASCII digits only; the API path cannot read a
node's /etc/corosync/corosync.conf, so HVA-309 judges /etc/pve's copy there as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_pve_leads16 import _vm
from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

USER_CFG = (PVE_HARDENED / "etc/pve/user.cfg").read_text()
MALLORY = "user:mallory@pve:1:0:::::\nuser:audit@pve"


def _users(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, tuple]:
    report = pve_scan(tmp_path, capsys, {"etc/pve/user.cfg": text})
    return {c: pve_result(report, c, "pve-h1") for c in ("HVA-306", "HVA-312")}


# --- P18-1 / P18-2: repeated group and role lines add up ------------------------------------------


def test_p18_1_second_group_line_adds_members(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "2 administrator(s), all with a second factor ..." and "no privileged pam or
    pve user but root@pam". AccessControl.pm parse_user_config `group` branch: the group is
    created only `if !$cfg->{groups}->{$group}` and every member listed is added to it, so
    two lines of `admins` hold both lines' members; `roles` takes a group's ACL for a user
    when `$cfg->{groups}->{$g}->{users}->{$user}`."""
    text = USER_CFG.replace("user:audit@pve", MALLORY).replace(
        "group:admins:alice@corp:Administrators:",
        "group:admins:alice@corp,mallory@pve:Administrators:\ngroup:admins:alice@corp::",
    )
    assert _users(text, tmp_path, capsys) == {
        "HVA-306": ("fail", "administrators without a second factor: mallory@pve"),
        "HVA-312": (
            "fail",
            "privileged users outside the directory: mallory@pve (directory realms: corp)",
        ),
    }


def test_p18_2_second_role_line_adds_privileges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass (both). parse_user_config `role` branch: `$cfg->{roles}->{$role} = {} if
    !$cfg->{roles}->{$role}`, then `$cfg->{roles}->{$role}->{$priv} = 1` for each valid
    privilege: `Ops` holds Sys.Console and Sys.Modify from its first line (a root shell and
    the node's network), whatever its second lists."""
    text = (
        USER_CFG.replace("user:audit@pve", MALLORY).replace(
            "role:WebOperator",
            "role:Ops:Sys.Console,Sys.Modify:\nrole:Ops:VM.Audit:\nrole:WebOperator",
        )
        + "acl:1:/:mallory@pve:Ops:\n"
    )
    assert _users(text, tmp_path, capsys) == {
        "HVA-306": ("fail", "administrators without a second factor: mallory@pve"),
        "HVA-312": (
            "fail",
            "privileged users outside the directory: mallory@pve (directory realms: corp)",
        ),
    }


def test_p18_1_held_group_lines_of_other_groups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: a user listed in another group (webops, WebOperator on /pool/web) only is no
    administrator; the merge adds to the group named, no other."""
    text = USER_CFG.replace("user:audit@pve", MALLORY).replace(
        "group:webops:bob@corp::", "group:webops:bob@corp::\ngroup:webops:mallory@pve::"
    )
    assert _users(text, tmp_path, capsys)["HVA-306"] == (
        "pass",
        "2 administrator(s), all with a second factor (alice@corp by their realm's tfa setting)",
    )


# --- P18-3: an ACL path's `0` components are skipped ----------------------------------------------


@pytest.mark.parametrize("path", ["/0", "0/", "/0/0"], ids=["slash-0", "0-slash", "0-0"])
def test_p18_3_acl_on_0_is_the_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    """Was pass "2 administrator(s), all with a second factor ...". AccessControl.pm
    normalize_path keeps `/0` (`[[:alnum:]\\.\\-\\_\\/]+`; `0/` loses its slash and, Perl-false,
    becomes `/`), and parse_user_config files the ACL with find_acl_tree_node, which walks
    `split("/", $path)` with `next if !$p`: a component "0" is skipped, so the ACL lands on
    the tree's root, where `roles` finds it for every path. PVEUserAdmin (User.Modify) on `/`
    administers every account (P13-4); mallory@pve has no second factor."""
    text = USER_CFG.replace("user:audit@pve", MALLORY) + f"acl:1:{path}:mallory@pve:PVEUserAdmin:\n"
    assert _users(text, tmp_path, capsys)["HVA-306"] == (
        "fail",
        "administrators without a second factor: mallory@pve",
    )


def test_p18_3_token_acl_on_0_is_the_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "2 API token(s): none with a privileged user's full rights ...": the privsep 1
    token alice@corp!terraform granted Administrator on `/0` (the root, find_acl_tree_node)
    keeps, with its user's Administrator on `/`, administration of the cluster (P14-4)."""
    report = pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/user.cfg": USER_CFG + "acl:1:/0:alice@corp!terraform:Administrator:\n"},
    )
    assert pve_result(report, "HVA-311", "pve-h1") == (
        "fail",
        "tokens with their user's full rights: alice@corp!terraform (privsep 1, but its own "
        "ACL grants Administrator on / and its user holds Administrator there: the intersection "
        "administers the cluster)",
    )


def test_p18_3_vm_role_on_0_vms_is_cluster_wide(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "no VM role on '/', '/vms' or '/pool' ...": `/0/vms` is the tree node `/vms`
    (find_acl_tree_node skips the "0"), which `roles` walks for every `/vms/<vmid>`."""
    report = pve_scan(
        tmp_path, capsys, {"etc/pve/user.cfg": USER_CFG + "acl:1:/0/vms:bob@corp:PVEVMAdmin:\n"}
    )
    assert pve_result(report, "HVA-307", "pve-h1") == (
        "fail",
        "VM roles granted cluster-wide: PVEVMAdmin for bob@corp on /vms (3 per-VM or pool "
        "ACL(s) do not narrow them)",
    )


def test_p18_3_held_00_is_a_path_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: "00" is Perl's true, a child node of its own (`/00`), which no permission check
    walks: the pass stays."""
    text = USER_CFG.replace("user:audit@pve", MALLORY) + "acl:1:/00:mallory@pve:PVEUserAdmin:\n"
    assert _users(text, tmp_path, capsys)["HVA-306"][0] == "pass"


# --- P18-4: a protocol netbase's /etc/protocols does not list is refused -----------------------

VM_FW = (
    "[OPTIONS]\nenable: 1\nmacfilter: 1\nipfilter: 1\npolicy_in: DROP\n\n"
    "[IPSET ipfilter-net0]\n192.0.2.10\n\n[RULES]\n"
)


@pytest.mark.parametrize("proto", ["foo", "200", "Gre"], ids=["name", "number", "case"])
def test_p18_4_drop_of_an_unknown_protocol_filters_nothing(tmp_path: Path, proto: str) -> None:
    """Was pass "1 interface(s) behind the VM firewall" (a DROP before the ACCEPT read as a
    deny-list). pve-firewall verify_rule runs pve_fw_verify_protocol_spec on `-p`: `die
    "unknown protocol '$proto'"` unless get_etc_protocols' `byname` (parse_protocol_file:
    /etc/protocols' first column, `m!^(\\S+)\\s+(\\d+)...!`) or `byid` (its number as written)
    holds it; netbase 6.4 lists neither `foo`, 200 nor `Gre`. The rule gets errors and
    ruleset_generate_vm_rules skips it, so the unrestricted `IN ACCEPT` after it admits every
    inbound packet of the NIC."""
    fw = VM_FW + f"IN DROP -p {proto}\nIN ACCEPT\n"
    assert _vm(tmp_path, fw) == (
        "fail",
        "1 of 1 interface(s) admit every inbound packet: net0: line 12 `IN ACCEPT` accepts "
        "every inbound packet before any rule drops or rejects",
    )


@pytest.mark.parametrize("proto", ["gre", "47", "mptcp"], ids=["gre", "47", "mptcp"])
def test_p18_4_held_drop_of_a_netbase_protocol(tmp_path: Path, proto: str) -> None:
    """Held: netbase 6.4 lists `gre 47` and `mptcp 262`; the DROP is applied and the VM's chain
    is a deny-list (L16-5's held twin): the pass stays."""
    fw = VM_FW + f"IN DROP -p {proto}\nIN ACCEPT -p tcp -dport 443\n"
    assert _vm(tmp_path, fw) == ("pass", "1 interface(s) behind the VM firewall")


# --- P18-5: the corosync.conf corosync runs is the node's own -------------------------------------

COROSYNC = (PVE_HARDENED / "etc/pve/corosync.conf").read_text()
CRYPTO = "  crypto_cipher: aes256\n  crypto_hash: sha256\n"
WEAK = COROSYNC.replace(CRYPTO, "  crypto_cipher: none\n  crypto_hash: none\n")
LOCAL = "etc/corosync/corosync.conf"


def _v(text: str, version: str) -> str:
    return text.replace("  config_version: 4\n", version)


def _coro(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shared: str, local: str | None
) -> tuple[str, str]:
    """HVA-309 of the copied node whose /etc/pve/corosync.conf is `shared` and whose
    /etc/corosync/corosync.conf is `local` (None: the copy has none)."""
    import shutil

    from hvaudit.cli import main

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    (tree / "etc/pve/corosync.conf").write_text(shared)
    if local is None:
        (tree / LOCAL).unlink()  # the fixture carries the node's copy (L19-11P)
    else:
        (tree / LOCAL).write_text(local)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    import json

    return pve_result(json.loads(out), "HVA-309", "pve-h1")


KEPT_NEWER = (
    "/etc/corosync/corosync.conf, which corosync reads (pmxcfs does not install "
    "/etc/pve/corosync.conf: its config_version {new} (the first in the file) is below the "
    'local file\'s {old} (dcdb.c "local corosync.conf is newer")): /etc/corosync/corosync.conf: '
)


def test_p18_5_local_corosync_conf_newer_is_what_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "crypto_cipher aes256, crypto_hash sha256" from /etc/pve's copy alone.
    pve-cluster 7091d92 src/pmxcfs/dcdb.c dcdb_sync_corosync_conf reads the config_version of
    /etc/pve/corosync.conf and of HOST_CLUSTER_CONF_FN (cfs-utils.h: /etc/corosync/corosync.conf,
    the file corosync reads) and `if (new_version < old_version) { cfs_critical("local
    corosync.conf is newer"); goto ret; }`: the node keeps its own file, here without crypto."""
    got = _coro(tmp_path, capsys, COROSYNC, _v(WEAK, "  config_version: 5\n"))
    assert got == (
        "fail",
        KEPT_NEWER.format(new=4, old=5)
        + "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash none)",
    )


def test_p18_5_pmxcfs_reads_the_first_config_version_a_comment_included(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r"""Was pass. cfs-utils.c cluster_config_version: `g_regex_new("config_version\s*:\s*
    (\d+)", ...)` matched over the whole file and the first match's number taken: a comment
    `# config_version: 2` ahead of the totem block's 6 makes pmxcfs read 2 (corosync would skip
    the comment), below the local file's 5."""
    shared = "# raised from config_version: 2\n" + _v(COROSYNC, "  config_version: 6\n")
    got = _coro(tmp_path, capsys, shared, _v(WEAK, "  config_version: 5\n"))
    assert got == (
        "fail",
        KEPT_NEWER.format(new=2, old=5)
        + "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash none)",
    )


def test_p18_5_shared_copy_without_config_version_is_not_installed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass. dcdb_sync_corosync_conf: `if (!new_version) { cfs_critical("unable to parse
    cluster config_version"); return; }`: the local file (config_version 1, no crypto) stays."""
    got = _coro(tmp_path, capsys, _v(COROSYNC, ""), _v(WEAK, "  config_version: 1\n"))
    assert got == (
        "fail",
        "/etc/corosync/corosync.conf, which corosync reads (pmxcfs does not install "
        "/etc/pve/corosync.conf: it has no non-zero config_version first in the file (dcdb.c "
        '"unable to parse cluster config_version")): /etc/corosync/corosync.conf: corosync '
        "unencrypted or unauthenticated (crypto_cipher none, crypto_hash none)",
    )


def test_p18_5_local_older_copy_is_judged_with_the_one_replacing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass. A local file that differs and is not newer is what corosync runs until
    pmxcfs's next sync (its start, a cluster commit, a write of /etc/pve/corosync.conf) installs
    /etc/pve's copy; both are judged and the weak one fails."""
    got = _coro(tmp_path, capsys, COROSYNC, _v(WEAK, "  config_version: 3\n"))
    assert got == (
        "fail",
        "/etc/corosync/corosync.conf, which corosync reads, differs from /etc/pve/corosync.conf, "
        "which pmxcfs installs over it at its next sync (config_version 4 >= 3): "
        "/etc/corosync/corosync.conf: corosync unencrypted or unauthenticated (crypto_cipher "
        "none, crypto_hash none); /etc/pve/corosync.conf: crypto_cipher aes256, crypto_hash sha256",
    )


def test_p18_5_local_newer_hardened_passes_weak_shared_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was fail "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash none)"
    (a wrong fail): pmxcfs keeps the node's newer hardened file, which is what corosync runs."""
    got = _coro(tmp_path, capsys, WEAK, _v(COROSYNC, "  config_version: 5\n"))
    assert got == (
        "pass",
        KEPT_NEWER.format(new=4, old=5) + "crypto_cipher aes256, crypto_hash sha256",
    )


def test_p18_5_shared_copy_pmxcfs_does_not_install_without_the_local_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass. Without the node's /etc/corosync/corosync.conf (a copy that lacks it), a shared
    copy with no config_version says nothing of what corosync runs: the question."""
    assert _coro(tmp_path, capsys, _v(COROSYNC, "  # config_version: 0\n"), None) == (
        "manual",
        "/etc/pve/corosync.conf has no config_version pmxcfs reads (a non-zero "
        '`config_version:` first in the file; dcdb.c "unable to parse cluster config_version"), '
        "so pmxcfs does not install it, and the node's /etc/corosync/corosync.conf, which "
        "corosync reads, was not collected (/etc/corosync/corosync.conf: the copied tree has no "
        "/etc/corosync/corosync.conf)",
    )


def test_p18_5_held_same_file_and_no_local_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: the local file identical to /etc/pve's (pmxcfs's steady state) passes as before.
    A copy without the local file (/etc/pve's copy with config_version 4) passed here until
    L19-11P (tests/test_pve_leads19b.py): the copy's gap observes nothing of the node, whose
    own file pmxcfs keeps when it is newer, so the pass is now the question (as on the API
    path, L19-7P)."""
    assert _coro(tmp_path / "a", capsys, COROSYNC, COROSYNC) == (
        "pass",
        "crypto_cipher aes256, crypto_hash sha256",
    )
    status, message = _coro(tmp_path / "b", capsys, COROSYNC, None)
    assert (status, message.split(";")[0]) == (
        "manual",
        "crypto_cipher aes256, crypto_hash sha256 (/etc/pve/corosync.conf)",
    )


def test_p18_5_live_node_reads_its_corosync_conf(tmp_path: Path) -> None:
    """The collector reads /etc/corosync/corosync.conf on a live node (pve+ssh replayed): the
    node's own newer file without crypto fails; was pass from /etc/pve's copy."""
    import shutil

    from test_redteam3_host_probes import pve_scan as live_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    (tree / LOCAL).write_text(_v(WEAK, "  config_version: 7\n"))
    a = live_scan(tmp_path, {}, tree)
    got = next(
        (r.status.value, r.outcome.message)
        for r in a.results
        if (r.check.id, r.outcome.subject.name) == ("HVA-309", "pve-h1")
    )
    assert got == (
        "fail",
        KEPT_NEWER.format(new=4, old=7)
        + "corosync unencrypted or unauthenticated (crypto_cipher none, crypto_hash none)",
    )


# --- P18-6: cluster.fw `enable: N` above 1 is the anti-lockout time stamp ------------------------


def test_p18_6_future_enable_stamp_is_on_until_it_expires(tmp_path: Path) -> None:
    """Was fail "cluster firewall off (cluster.fw enable is not 1) ..." for a firewall
    pve-firewall applies. github:proxmox/pve-firewall 6f1311f src/PVE/Firewall.pm
    parse_clusterfw_option: `$value = int($2); if (($value > 1) && ((time() - $value) > 60)) {
    $value = 0; }`: a stamp in the future (4102444800, 2100-01-01) stays on until 60 s after
    it. API2/Firewall/Cluster.pm writes `time()` for an enable above 1 (the first half of its
    "double (anti-lockout) API call"): an unconfirmed enable that turns itself off, so the
    question, not a pass."""
    from test_redteam8_pve_probes import _fw_scan

    got = _fw_scan(tmp_path, lambda t: t.replace("enable: 1", "enable: 4102444800"))
    assert got == (
        "manual",
        "cluster.fw enable: 4102444800 is pve-firewall's anti-lockout time stamp "
        "(parse_clusterfw_option: on until 60 s after it, then off): on when collected, off "
        "from 2100-01-01 00:01:00 UTC",
    )


def test_p18_6_stamp_resolved_at_the_collection_time() -> None:
    """The other checks read `enable` as pve-firewall did when the evidence was collected: on
    up to 60 s after the stamp, off from 61 s (`(time() - $value) > 60`); `enable: 1` and `0`
    are no stamps; without a collection time a stamp stays off (no check passes on it)."""
    from hvaudit.parse.proxmox_firewall import FirewallFile
    from hvaudit.parse.proxmox_model import resolve_enable_stamp

    at = "2026-01-01T00:00:00Z"
    t = 1767225600  # 2026-01-01T00:00:00Z

    def resolved(value: str, collected: object = at) -> tuple[str, int | None]:
        fw = FirewallFile(kind="cluster", options={"enable": value})
        resolve_enable_stamp(fw, collected)
        return fw.options["enable"], fw.enable_stamp

    assert resolved(str(t - 60)) == ("1", t - 60)
    assert resolved(str(t - 61)) == ("0", t - 61)
    assert resolved(str(t + 3600)) == ("1", t + 3600)
    assert resolved("1") == ("1", None)
    assert resolved("0") == ("0", None)
    assert resolved(str(t + 3600), "") == (str(t + 3600), t + 3600)


def test_p18_6_future_stamp_firewall_rules_are_judged(tmp_path: Path) -> None:
    """Was fail "off: the cluster firewall is off" (HVA-302) and "the cluster firewall is off:
    the management IP set filters nothing" (HVA-313): with the stamp in force pve-firewall
    applies the rules, which are judged as under `enable: 1` (both pass)."""
    import shutil

    from conftest import messages, outcomes
    from test_redteam3_host_probes import PVE_PROCS, PVE_TREE, pve_scan
    from test_redteam8_pve_probes import FW_RUNNING

    def run(path: Path, enable: str) -> tuple[str, str]:
        tree = Path(shutil.copytree(PVE_TREE, path / "tree"))
        fw = tree / "etc/pve/firewall/cluster.fw"
        fw.write_text(fw.read_text().replace("enable: 1", enable))
        a = pve_scan(path, {"processes": (PVE_PROCS + FW_RUNNING, 0)}, tree)
        return tuple((outcomes(a, c)["pve-h1"], messages(a, c)["pve-h1"]) for c in CHECKS)

    CHECKS = ("HVA-302", "HVA-313")
    got = run(tmp_path / "a", "enable: 4102444800")
    assert got == run(tmp_path / "b", "enable: 1")
    assert [status for status, _ in got] == ["pass", "pass"]


# --- P18-7: user.cfg lines parse_user_config ignores by their order ----------------------------

ADMINS = "group:admins:alice@corp:"
MALLORY_ADMIN = USER_CFG.replace("user:audit@pve", MALLORY).replace(
    ADMINS, "group:admins:alice@corp,mallory@pve:"
)


def test_p18_7_acl_before_its_role_is_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was pass "directory realm(s) corp; no privileged pam or pve user but root@pam"
    (HVA-312; HVA-306 counts every member of an administering ACL and failed already):
    mallory@pve's own ACL of the empty role Deny on `/` was read as replacing @admins'
    Administrator there (a user's own grants over its groups', AccessControl.pm `roles`). parse_user_config's `acl` branch: `if
    (!$cfg->{roles}->{$role}) { warn "user config - ignore invalid acl role '$role'\\n"; next;
    }`, and `role:Deny::` comes after the ACL: the ACL is ignored, mallory@pve administers the
    cluster through @admins, without a second factor."""
    text = MALLORY_ADMIN + "acl:1:/:mallory@pve:Deny:\nrole:Deny::\n"
    assert _users(text, tmp_path, capsys) == {
        "HVA-306": ("fail", "administrators without a second factor: mallory@pve"),
        "HVA-312": (
            "fail",
            "privileged users outside the directory: mallory@pve (directory realms: corp)",
        ),
    }


def test_p18_7_held_role_before_its_acl_restricts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held twin: `role:Deny::` before the ACL; the ACL stands and mallory@pve's own empty role
    on `/` replaces the group's Administrator there (HVA-312 passes as before)."""
    text = MALLORY_ADMIN.replace("role:WebOperator", "role:Deny::\nrole:WebOperator") + (
        "acl:1:/:mallory@pve:Deny:\n"
    )
    assert _users(text, tmp_path, capsys)["HVA-312"] == (
        "pass",
        "directory realm(s) corp; no privileged pam or pve user but root@pam",
    )


@pytest.mark.parametrize(
    "text",
    [
        "token:alice@corp!ci:0:0::\n" + USER_CFG,
        USER_CFG.replace(
            "user:bob@corp",
            "token:alice@corp!ci:0:0::\nuser:alice@corp:1:0:Alice:Admin:alice@example.org:"
            "Platform team:x!oath:\nuser:bob@corp",
        ),
    ],
    ids=["token-before-user", "user-line-again"],
)
def test_p18_7_token_proxmox_never_files_is_no_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """Was fail naming alice@corp!ci (privsep 0 on an administrator). parse_user_config
    `token` branch: `if (my $user_cfg = $cfg->{users}->{$user}) { ... } else { warn "... user
    does not exist" }`: a token line before its user's is ignored; a second `user:` line
    (`$cfg->{users}->{$user} = { enable => ... }`) replaces the entry and the tokens filed
    under it. No such token exists: HVA-311 judges the fixture's two (a wrong fail before)."""
    report = pve_scan(tmp_path, capsys, {"etc/pve/user.cfg": text})
    status, message = pve_result(report, "HVA-311", "pve-h1")
    assert status == "pass"
    assert "alice@corp!ci" not in message


def test_p18_7_builtin_role_names_are_the_checks_roles() -> None:
    """The parser's names of the roles pve-access-control defines before user.cfg
    (userconfig_force_defaults) are those whose privileges the checks hold."""
    from hvaudit.checks.proxmox import BUILTIN_ROLES
    from hvaudit.parse.proxmox import BUILTIN_ROLE_NAMES

    assert set(BUILTIN_ROLES) == BUILTIN_ROLE_NAMES
