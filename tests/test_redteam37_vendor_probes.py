"""Red-team round 37 probes: Proxmox VE copied trees and VMware ESXi (r37-vendor).

Harness (R37E-1): the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) copied and
scanned through the real pve+dir:// collector, parser and engine from the CLI (round 36's
`_scan` shape), one /etc/pve file removed from the copy; tfa.cfg given alice@corp the TOTP entry
of root@pam.

Findings:
- R37E-1 (false pass; a wrong fail too) HVA-308, HVA-306, HVA-312: a copied tree (pve+dir://)
  without an /etc/pve file read it absent, and the parser reads an absent file as the node's
  defaults, though the copy is not the node (R28P-3; `_read_sourced` and `_tfa` already said
  so for the files interfaces sources and tfa.cfg). Without datacenter.cfg HVA-308 passed
  "migration type secure (default) (no dedicated network)", though the node's datacenter.cfg
  may say `migration: type=insecure` (pve-cluster DataCenterConfig.pm); without domains.cfg
  HVA-306 passed "2 administrator(s), all with a second factor" on alice@corp's TOTP entry,
  though corp may be an OpenID realm whose login asks none (R36E-1's false pass, by a copy), and
  HVA-312 failed "realm corp is not in domains.cfg: no login" (pve-access-control Auth/Plugin.pm
  parse_config adds only pam and pve). Now ProxmoxFilesCollector._read records a file missing
  from a copy unavailable ("the copied tree has no PATH"): each check asks its question; R36E-1's
  question (domains.cfg unavailable, round 36's second lead) is reached and tested here.

Held:
- R37E-1: the copy holding datacenter.cfg with no `migration` line: the secure default passes,
  as before (the file read, its default stands).

Tally: 1 finding (1 false pass, with a wrong fail); 4 test cases, 3 failed on main before the
fix (R37E-1 on a7abc470: pass, pass, fail), 1 held.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hvaudit.cli import main
from test_redteam2_probes import PVE_HARDENED

TFA = json.loads((PVE_HARDENED / "etc/pve/priv/tfa.cfg").read_text())


def _copy_scan(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    check_id: str,
    *,
    removed: str = "",
    edits: dict[str, str] | None = None,
) -> tuple[str, str, str | None]:
    """`check_id` of node pve-h1 in a copy of the hardened tree (pve+dir://) without /etc/pve
    file `removed`, files replaced by `edits`, alice@corp given root@pam's TOTP entry."""
    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    users = {**TFA["users"], "alice@corp": TFA["users"]["root@pam"]}
    (tree / "etc/pve/priv/tfa.cfg").write_text(json.dumps({**TFA, "users": users}))
    if removed:
        (tree / "etc/pve" / removed).unlink()
    for rel, text in (edits or {}).items():
        (tree / rel).write_text(text)
    main(["scan", "--connect", f"pve+dir://{tree}", "--format", "json"])
    out, err = capsys.readouterr()
    assert out, err
    ((got,),) = [
        [
            (r["status"], r["message"], r.get("question"))
            for r in json.loads(out)["results"]
            if r["check_id"] == check_id
        ]
    ]
    return got


def _no(name: str) -> str:
    return f"evidence unavailable: /etc/pve/{name}: the copied tree has no /etc/pve/{name}"


# --- R37E-1: a file missing from a copied tree is not the node's defaults ----------------------

MIGRATION_Q = (
    "Is live migration of type secure on node pve-h1's cluster? Evidence: "
    "/etc/pve/datacenter.cfg's `migration:` and `migration_unsecure:` lines, or `pvesh get "
    "/cluster/options` (`migration`) run as root. Pass: the secure default (both lines absent), "
    "`type=secure` (or `secure`), or `migration_unsecure: 0` with no type; fail: `insecure`, or "
    "`migration_unsecure: 1` with no type"
)
REALM_TFA_Q = (
    "Does the login of each of alice@corp on node pve-h1's cluster ask a second factor? "
    "Evidence: /etc/pve/domains.cfg (`pveum realm list`): each user's realm, its type and `tfa`; "
    "`pveum user tfa list USER` for each. Pass: the realm sets `tfa` (type=oath or yubico), or "
    "it is no OpenID realm and the user has an enabled totp, yubico, recovery or configured "
    "webauthn/u2f entry, or it is an OpenID realm whose provider refuses a login without a "
    "second factor; fail: any logs in with a password alone."
)


def test_r37e1_copy_without_datacenter_cfg_is_no_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R37E-1 (false pass): a copy without datacenter.cfg: main passed "migration type secure
    (default) (no dedicated network)", though the node's file may set `migration:
    type=insecure`. Now the check's question."""
    got = _copy_scan(tmp_path, capsys, "HVA-308", removed="datacenter.cfg")
    assert got == ("manual", _no("datacenter.cfg"), MIGRATION_Q)


def test_r37e1_copy_without_domains_cfg_asks_the_realm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R37E-1 (false pass): a copy without domains.cfg, alice@corp (Administrator through
    @admins) with a TOTP entry: main passed "2 administrator(s), all with a second factor", the
    built-in realms alone read, though corp may be an OpenID realm (API2/OpenId.pm login asks
    no tfa.cfg entry). Now R36E-1's question of her realm."""
    got = _copy_scan(tmp_path, capsys, "HVA-306", removed="domains.cfg")
    assert got == ("manual", _no("domains.cfg"), REALM_TFA_Q)


def test_r37e1_copy_without_domains_cfg_is_no_missing_realm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R37E-1 (wrong fail): the same copy: main failed "privileged users outside the directory:
    alice@corp (realm corp is not in domains.cfg: no login, ...)", though the node's domains.cfg
    may hold corp (an AD realm in the fixture). With no pam or pve administrator but root@pam
    (R36E-2), the gap is the item."""
    status, message, _ = _copy_scan(tmp_path, capsys, "HVA-312", removed="domains.cfg")
    assert (status, message) == ("manual", _no("domains.cfg"))


def test_r37e1_held_datacenter_cfg_read_takes_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R37E-1 held: the copy's datacenter.cfg read, with no `migration` line: the secure
    default (DataCenterConfig.pm), as before."""
    got = _copy_scan(
        tmp_path, capsys, "HVA-308", edits={"etc/pve/datacenter.cfg": "keyboard: en-us\n"}
    )
    assert got == ("pass", "migration type secure (default) (no dedicated network)", None)
