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
