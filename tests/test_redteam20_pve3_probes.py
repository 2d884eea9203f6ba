"""Red team 20 (third), Proxmox VE: user.cfg lines pve-access-control refuses.

Probed: user.cfg as pve-access-control's parse_user_config reads it (users, tokens, expire,
enable, groups, ACL propagation, pools, tokens' privsep) against HVA-306, HVA-307, HVA-311
and HVA-312; pveproxy's read_proxy_config and check_host_access (HVA-305); corosync's
totem_get_crypto (HVA-309); pve-firewall's IP set and alias parsing (HVA-313); pve-container's
features (HVA-314). Sources read with `fetch`: github:proxmox/pve-access-control 5ccd07d,
pve-http-server 5c9e4ea, pve-manager 14a22df3, pve-firewall 6f1311f, pve-container 94f5585;
corosync exec/totemconfig.c with `find_string`.

Findings (each pinned below):

- P20-4 (false pass): parse_user_config (src/PVE/AccessControl.pm) skips a `user:` or
  `token:` line whose expire is not `m/^\\d+$/` after `$expire = 0 if !$expire` ("ignore user
  ... illegal characters in expire", "ignore token ..."): the line neither files the user or
  token nor replaces one read before. hvaudit took every such line: a later
  `user:ops@pve:0:2026-01-01:` (a date where epoch seconds belong, `+1`, `1e9`) disabled or
  expired an administrator an earlier line enables, so HVA-312 and HVA-306 passed; a later
  `token:alice@corp!terraform:+1:0:` (Python's int: 1, expired in 1970) hid the earlier
  never-expiring privsep 0 token from HVA-311 (pass). Now parse_user_config skips such lines
  as pve-access-control does (hvaudit.parse.proxmox._pve_expire); a user whose only line is
  refused is then one user.cfg does not define, counted as an ACL's user without a line always
  was (the fail side: an OpenID realm's autocreate may file it at its first login).

Held (kept as tests): a later line parse_user_config takes still replaces the earlier one
(`00` is a valid expire, never).

Probed by script, not kept (the verdict was right): HVA-307, `acl:0:/vms:@webops:PVEVMUser`
passes (AccessControl.pm `roles`: a role applies below its path only `if ($final ||
$propagate)`, so an unpropagated grant on /vms reaches no VM); HVA-313, a `management` entry
`0.0.0.0/0` is left out of the set as pve-firewall leaves it (parse_fw_file: "a zero prefix is
not allowed in ipset entries", generate_ipset_chains `next if $entry->{errors}`). Read, not
probed further (the verdict holds): pveproxy's POLICY defaults to allow when unset
(pve-http-server AnyEvent.pm new: `$self->{policy} = 'allow' if !$self->{policy}`), as HVA-305
reads it; pve-container's features mknod (seccomp notify of block and char mknod to
pve-lxc-syscalld) and force_rw_sys (no `lxc.mount.auto = sys:mixed`) are named in HVA-314's
pass message ("features: ..."), and an unparsable `features` value stops the container's start
(update_lxc_config -> parse_features -> parse_property_string dies), so it confines nothing
less than it reads.

Tally: P20-4: 4 cases, all failing on main 2fb129f before the fix; 1 held (two
configurations). 5 further probes by script, verdicts right or leads.

Leads left (not settled in the time): HVA-307 fails a `/vms` grant to a group whose every
member's own ACL on /vms replaces it (`roles`: "user privs always override group privs"; the
walk's deeper node replaces what `/` gave, so a user's PVEAuditor on /vms also narrows a group
VM role on `/`): a wrong fail, as is HVA-307's "whatever is granted elsewhere"; corosync
refuses a file with crypto_cipher set and crypto_hash none (totemconfig.c totem_get_crypto:
"crypto_cipher requires crypto_hash with value other than none"), which HVA-309 fails as
unencrypted rather than asking what corosync runs (the fail side); pveproxy's LISTEN_IP (a
loopback-only pveproxy behind a reverse proxy) and /etc/default/spiceproxy (read_proxy_config
"ALLOW/DENY/POLICY is also used by spiceproxy", port 3128) are not read; a user.cfg user whose
name verify_username refuses (Auth/Plugin.pm: shorter than 3 or longer than 64 characters) is
kept by hvaudit where pve-access-control ignores the line ("invalid user name"; every line of
that name is refused, so only the fail side); a user.cfg user named by an ACL but defined by
no line is counted as enabled (the fail side; only an OpenID realm's autocreate files it at
login); a privsep 1 token's administration below `/` (Sys.Console on /nodes/<node>,
Permissions.Modify on /vms) is outside HVA-311's `/`-only test; storage.cfg network storages
(nfs/cifs without options, iscsi without CHAP) are only HVA-237's manual question; datacenter.cfg
`crs`, `tag-style`, `console` were not probed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan

USER_CFG = (PVE_HARDENED / "etc/pve/user.cfg").read_text()
USERS = "etc/pve/user.cfg"
#: a local (pve realm) member of the admins group, so Administrator on `/`
OPS = USER_CFG.replace(
    "group:admins:alice@corp:", "user:ops@pve:1:0:Ops::::\ngroup:admins:alice@corp,ops@pve:"
)
#: alice's Terraform token without privilege separation: her Administrator on `/`
TERRAFORM0 = USER_CFG.replace("token:alice@corp!terraform:0:1:", "token:alice@corp!terraform:0:0:")


# --- P20-4: a user or token line with an expire parse_user_config refuses is skipped ---------------


@pytest.mark.parametrize("expire", ["2026-01-01", "+1", "1e9"], ids=["date", "plus", "exponent"])
def test_p20_4_refused_user_line_keeps_the_earlier_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expire: str
) -> None:
    """pve-access-control 5ccd07d AccessControl.pm parse_user_config: `$expire = 0 if !$expire;
    if ($expire !~ m/^\\d+$/) { warn "user config - ignore user '$user' - (illegal characters in
    expire ...)"; next; }`: the line is skipped before `$cfg->{users}->{$user} = {...}`, so an
    earlier line of the user stands. `user:ops@pve:0:<expire>:` after an enabled ops@pve left
    ops enabled and an administrator (Administrator on `/` through @admins); hvaudit read the
    later line (disabled, or expired: Python's int("+1") is 1) and passed HVA-312 and HVA-306.
    Now fails, naming ops@pve."""
    text = OPS.replace("group:admins", f"user:ops@pve:0:{expire}:Ops::left::\ngroup:admins")
    report = pve_scan(tmp_path, capsys, {USERS: text})
    assert pve_result(report, "HVA-312", "pve-h1") == (
        "fail",
        "privileged users outside the directory: ops@pve (directory realms: corp)",
    )
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "fail",
        "administrators without a second factor: ops@pve",
    )


def test_p20_4_refused_token_line_keeps_the_earlier_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same function, `token:` branch: `if ($expire !~ m/^\\d+$/) { warn "user config - ignore
    token ..."; next; }` before the token's privsep and expire are set, so
    `token:alice@corp!terraform:+1:0:` after its never-expiring privsep 0 line leaves that line
    in force; hvaudit read expire 1 (1970, expired) and passed HVA-311. Now fails."""
    text = TERRAFORM0.replace(
        "role:WebOperator", "token:alice@corp!terraform:+1:0:renewed:\nrole:WebOperator"
    )
    report = pve_scan(tmp_path, capsys, {USERS: text})
    assert pve_result(report, "HVA-311", "pve-h1") == (
        "fail",
        "tokens with their user's full rights: alice@corp!terraform (privsep 0: Administrator "
        "on /)",
    )


def test_p20_4_held_valid_later_lines_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held twin: a later line parse_user_config takes replaces the earlier one (`00` is a
    valid expire, 0: never): `user:ops@pve:0:00:` disables ops@pve (HVA-312 and HVA-306 pass),
    and `token:alice@corp!terraform:1:0:` has expired (1970: HVA-311 passes)."""
    text = OPS.replace("group:admins", "user:ops@pve:0:00:Ops::left::\ngroup:admins")
    report = pve_scan(tmp_path, capsys, {USERS: text})
    assert pve_result(report, "HVA-312", "pve-h1")[0] == "pass"
    assert pve_result(report, "HVA-306", "pve-h1")[0] == "pass"
    text = TERRAFORM0.replace(
        "role:WebOperator", "token:alice@corp!terraform:1:0:renewed:\nrole:WebOperator"
    )
    report = pve_scan(tmp_path / "t", capsys, {USERS: text})
    assert pve_result(report, "HVA-311", "pve-h1")[0] == "pass"
