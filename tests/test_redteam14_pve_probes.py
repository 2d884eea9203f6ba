"""Red team 14, Proxmox VE: firewall address lists, ACL semantics, container mounts, realm secrets.

Findings (each pinned below; sources from github:proxmox/pve-firewall 6f1311f3,
pve-access-control 5ccd07d9 and pve-container 94f55852, read with `fetch`):

- P14-1 (false pass): HVA-301/313 judged a rule's -source and -dest lists as wide only when
  every element was (`all` over both lists); pve-firewall parse_address_list takes a comma list
  and matches each element, so `IN ACCEPT -source 10.0.0.0/8,0.0.0.0/1,128.0.0.0/1` (or
  `192.0.2.7,0.0.0.0/0`) admits every source. Fixed: a list is as wide as its widest element.
- P14-2 (false pass): host rules are compiled into PVEFW-HOST-IN (enable_host_firewall), which
  sees only packets for the node's own addresses; `IN ACCEPT -dest 10.0.0.21`, the node's
  address on the default gateway's interface (or a network, range or IP set holding it),
  admits every packet from anywhere, and hvaudit read the -dest as narrowing. Fixed
  (`_own_addresses`, `_holds`): such a -dest narrows nothing, nor one holding the address of
  the only interface with the node's addresses where no file names a gateway.
- P14-3 (false pass): HVA-306 made PVEVMAdmin/PVESysAdmin holders administrators anywhere by
  the role's name, but not a custom role with the same VM admin privileges (AccessControl.pm
  $privgroups VM `admin`), Sys.Modify/Sys.PowerMgmt on a node, or Permissions.Modify below `/`
  (API2/ACL.pm update_acl skips its "superset of privileges" filter for it: its holder grants
  itself Administrator on that path). Fixed: ADMIN_ANYWHERE, judged by privileges.
- P14-4 (false pass): a privsep 1 token granted Administrator (or any role with
  Permissions.Modify) on `/` without propagation passed HVA-311; AccessControl.pm `roles`
  applies an unpropagated grant at the path itself (`$final || $propagate`), so the token's
  intersection with its Administrator user holds Permissions.Modify on `/` and update_acl lets
  it grant itself Administrator propagated. Fixed; test_host_verdicts5's `no-propagate` case,
  which pinned the pass, now fails, with a PVEAdmin twin that passes.
- P14-5 (false pass): HVA-314 read host paths of mpN only; rootfs is a mount point too
  (valid_volume_keys starts with `rootfs`; mountpoint_mount/classify_mountpoint make `/dev/...`
  a device mount and any other absolute path a bind mount of the host directory): `rootfs: /`
  passed "no host devices or paths". Fixed.
- P14-6 (secret in the bundle): domains.cfg went through the generic settings redactor, which
  kept an OpenID realm's `client-key` (PVE::Auth::OpenId, stored in domains.cfg itself) and the
  "Yubico API Key" inside a realm's `tfa` value. Fixed: redact_domains_cfg blanks both and
  keeps the `tfa` keys HVA-306 reads.
- P14-7 (false pass): pve-firewall compile adds the local network to the `management` IP set
  whatever the set holds (`push @{ $cluster_conf->{ipset}->{management} }, { cidr =>
  $localnet }`, the cluster.fw alias `local_network` where defined; proxmox-firewall
  create_management_ipset likewise), and HVA-313 judged the set's listed entries only: a
  `local_network 0.0.0.0/1` alias passed. Fixed: such an alias fails HVA-313, and a rule's
  `-source +management` is as wide as it (HVA-301).
- P14-8 (wrong fail): pve-container's parse_pct_config keeps a boolean value its check_type
  refuses (a warning, then `$conf->{$key} = $value`) and LXC.pm tests `unprivileged` with
  Perl's truth: `unprivileged: 2` runs the container unprivileged, where hvaudit dropped the
  value as qemu-server does and failed it "privileged". Read as 1 now, with a note.
- P14-9 (false pass, and its wrong-fail twin): HVA-306 passed an OpenID-realm administrator on
  a tfa.cfg TOTP entry or a realm `tfa` line, and failed one without; API2/OpenId.pm login
  returns assemble_ticket after the provider's answer and asks neither (PVE::Auth::OpenId has
  no `tfa` option), so the second factor is the identity provider's. Now the question about
  the provider's policy, naming the realm's issuer; a local administrator without a factor
  still fails.
- P14-10 (false pass at the next start, API path): the API collector read a container's
  config?current=1 only, never GET .../pending (pve-container API2/LXC.pm vm_pending), so a
  running container's pending `features: nesting=1` (judged from a node's own file since
  P8-16) passed HVA-314. Fixed: read and rendered as `[pve:pending]`, as write_pct_config
  writes it.
- P14-11 (false pass): HVA-301 passed "cluster firewall on, input policy DROP" on a node whose
  host.fw says `enable: 0`; pve-firewall builds the node's input chain (cluster.fw rules, then
  policy_in) only `if ($hostfw_enable)` (compile_iptables_filter), proxmox-firewall likewise,
  so the policy filters none of that node's traffic. Fails now (HVA-302 fails beside it).
- P14-12 (false pass): HVA-313 passed "no rule opens management ports wider" with cluster.fw
  `policy_in: ACCEPT`, which ends the node's input chain (enable_host_firewall) and admits
  every source to the web UI and SSH; only HVA-301 failed. Fails now.

Probes that held (pinned): a list of narrow networks stays narrow; a -dest the node does not
hold narrows; PVEVMUser on /vms, PVEDatastoreAdmin on /storage, a backup role and
PVETemplateUser are no administrators; PVEAdmin unpropagated on `/` gives a token no
Permissions.Modify, nor does an Administrator token whose user's own ACL on `/` (an auditor's)
replaces her group's; a rootfs storage volume in the `volume=` form; container `features:
nesting=off` / `nesting=no` (parse_property_string reads booleans with parse_boolean); a
`local_network` alias of the node's /24; `unprivileged: 0`, `off`, `No` stay privileged;
host.fw without `enable`, or with `enable: 1`, keeps the node's firewall and HVA-301's pass; a
REJECT policy keeps HVA-313's.

Tally: 49 cases; 31 failed on main before this round's fixes (P14-9's local-administrator case by
its message only), 18 held.

Leads left: pve-firewall's management rules admit the migration ports 60000:60050 from the
`management` set too (enable_host_firewall; proxmox-firewall does not), which MGMT_PORTS leaves
out (they listen only under `migration: insecure`, which HVA-308 fails); a VM's `vmstate`
(RAM snapshot) and suspend-to-disk state (`vmstatestorage`) write the guest's memory to a
storage, which HVA-067's "written to its disk too" does not name on Proxmox VE; container
features `mount=`, `fuse`, `mknod`, `force_rw_sys` on an unprivileged container pass HVA-314
(listed in the message only; pct.adoc: mount "can have negative effects on the container's
security"); a container's NIC `firewall=1` and its <vmid>.fw are judged by no check (HVA-303 is
per VM); a `hookscript` (run as root at each start) still has no check (R12's new issue);
render_users writes the API's `enable`/`privsep` with str(), so a JSON true/false (not 1/0)
would read as enabled / separated (the API answers integers today).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from test_proxmox_api import seeded  # noqa: F401 - a fixture
from test_redteam2_probes import PVE_HARDENED, pve_result
from test_redteam2_probes import pve_scan as dir_scan

HOST_FW = (PVE_HARDENED / "etc/pve/nodes/pve-h1/host.fw").read_text()
USER_CFG = (PVE_HARDENED / "etc/pve/user.cfg").read_text()
CT300 = (PVE_HARDENED / "etc/pve/lxc/300.conf").read_text()


def _live(tmp_path: Path, edits: dict[str, str], check_id: str) -> tuple[str, str]:
    """A live node (pve+ssh, its commands replayed, pve-firewall running) with files replaced:
    the verdict of `check_id` on the node."""
    from test_redteam3_host_probes import PVE_PROCS, pve_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    for rel, text in edits.items():
        (tree / rel).write_text(text)
    running = {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0)}
    a = pve_scan(tmp_path, running, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == (check_id, "pve-h1"))
    return r.status.value, r.outcome.message


def _host_rule(rule: str) -> dict[str, str]:
    return {"etc/pve/nodes/pve-h1/host.fw": HOST_FW + rule + "\n"}


# --- P14-1: a -source list is as wide as its widest element ----------------------------------------


@pytest.mark.parametrize(
    "source", ["10.0.0.0/8,0.0.0.0/1,128.0.0.0/1", "192.0.2.7,0.0.0.0/0"], ids=["halves", "all"]
)
def test_p14_1_source_list_with_a_wide_element_accepts_everything(
    tmp_path: Path, source: str
) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-313 pass too). pve-firewall
    parse_address_list takes a comma list of addresses and networks (only a range may not be
    in a list) and the rule matches each element: `IN ACCEPT -source 10.0.0.0/8,0.0.0.0/1,...`
    admits every IPv4 source. hvaudit asked every element of -source and -dest to be wide at
    once (`all`), so one narrow element made the rule narrow."""
    rule = f"IN ACCEPT -source {source}"
    assert _live(tmp_path / "a", _host_rule(rule), "HVA-301") == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 9 `{rule}` accepts every "
        "inbound IPv4 packet before the policy",
    )
    assert _live(tmp_path / "b", _host_rule(rule), "HVA-313") == (
        "fail",
        f"host.fw line 9 `{rule}` accepts every inbound IPv4 packet, management ports included",
    )


def test_p14_1_held_list_of_narrow_networks_stays_narrow(tmp_path: Path) -> None:
    """Held twin: 10.0.0.0/8 and 10.2.0.0/16 are narrower than a /7; the rule opens nothing
    the checks count."""
    rule = "IN ACCEPT -source 10.0.0.0/8,10.2.0.0/16"
    assert _live(tmp_path, _host_rule(rule), "HVA-301") == (
        "pass",
        "cluster firewall on, input policy DROP",
    )


# --- P14-2: a -dest holding the node's own address narrows nothing --------------------------------


@pytest.mark.parametrize("dest", ["10.0.0.21", "10.0.0.0/24", "10.0.0.20-10.0.0.30"])
def test_p14_2_dest_of_the_nodes_address_accepts_everything(tmp_path: Path, dest: str) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-313 pass too). The node's host
    rules go to PVEFW-HOST-IN (pve-firewall enable_host_firewall), on the INPUT path: every
    packet there is for one of the node's own addresses. 10.0.0.21 is the node's address on
    vmbr1, the interface with the default gateway (/etc/network/interfaces), so `IN ACCEPT
    -dest 10.0.0.21` admits every packet from anywhere to every port of the node; hvaudit read
    the -dest as narrowing the rule."""
    rule = f"IN ACCEPT -dest {dest}"
    why = f"(-dest {dest}: holds 10.0.0.21, the node's address on vmbr1, the default gateway's interface)"
    assert _live(tmp_path / "a", _host_rule(rule), "HVA-301") == (
        "fail",
        f"cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT` accepts every "
        f"inbound IPv4 packet {why} before the policy",
    )
    assert _live(tmp_path / "b", _host_rule(rule), "HVA-313") == (
        "fail",
        f"host.fw line 9 `IN ACCEPT` accepts every inbound IPv4 packet {why}, management ports "
        "included",
    )


def test_p14_2_dest_through_an_ip_set_of_the_nodes_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same -dest through a cluster IP set holding the node's address (a set matches
    through its entries; pve-firewall ruleset_generate_match `--match-set ... dst`)."""
    cluster = (PVE_HARDENED / "etc/pve/firewall/cluster.fw").read_text()
    cluster = cluster.replace("[RULES]", "[IPSET nodes]\n10.0.0.21\n10.0.0.22\n\n[RULES]")
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/firewall/cluster.fw": cluster, **_host_rule("IN ACCEPT -dest +nodes")},
    )
    assert pve_result(report, "HVA-313", "pve-h1") == (
        "fail",
        "host.fw line 9 `IN ACCEPT` accepts every inbound IPv4 packet (-dest +nodes: holds "
        "10.0.0.21, the node's address on vmbr1, the default gateway's interface), management "
        "ports included",
    )


def test_p14_2_dest_of_the_only_addressed_interface(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was manual (the daemon's question only, a pass once answered). No file names the
    gateway (a `post-up` route), but 10.0.0.21 is the only address of the node: every packet
    for the node is for it, as HVA-301 reads `-i` of the only interface with addresses."""
    interfaces = (PVE_HARDENED / "etc/network/interfaces").read_text()
    interfaces = interfaces.replace(
        "\tgateway 10.0.0.1\n", "\tpost-up ip route add default via 10.0.0.1\n"
    )
    edits = {"etc/network/interfaces": interfaces, **_host_rule("IN ACCEPT -dest 10.0.0.21")}
    report = dir_scan(tmp_path, capsys, edits)
    assert pve_result(report, "HVA-301", "pve-h1") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT` accepts every "
        "inbound IPv4 packet (-dest 10.0.0.21: holds 10.0.0.21, the node's address on vmbr1, the "
        "only interface with the node's addresses) before the policy",
    )


def test_p14_2_held_dest_of_another_address_narrows(tmp_path: Path) -> None:
    """Held twin: a -dest the node does not hold (10.0.1.5) matches no packet for the node."""
    assert _live(tmp_path, _host_rule("IN ACCEPT -dest 10.0.1.5"), "HVA-301") == (
        "pass",
        "cluster firewall on, input policy DROP",
    )


# --- P14-3: HVA-306 judges a role by what it holds, below `/` too ----------------------------------


def _users(extra: str) -> dict[str, str]:
    users = USER_CFG.replace("\ngroup:", "\nuser:ops@pve:1:0::::operator::\ngroup:", 1)
    return {"etc/pve/user.cfg": users + extra}


VMOPS = (
    "role:VMOps:VM.Allocate,VM.Config.Disk,VM.Config.CPU,VM.Config.Memory,VM.Config.Network,"
    "VM.Config.HWType,VM.Config.Options,VM.Migrate,VM.Snapshot,VM.PowerMgmt,VM.Console,VM.Audit:\n"
)


@pytest.mark.parametrize(
    "acl",
    [
        VMOPS + "acl:1:/vms:ops@pve:VMOps:\n",
        "role:AclOps:Permissions.Modify:\nacl:1:/vms:ops@pve:AclOps:\n",
        "role:AclOps:Permissions.Modify:\nacl:0:/pool/web:ops@pve:AclOps:\n",
        "role:NodeOps:Sys.Modify,Sys.PowerMgmt,Sys.Audit:\nacl:1:/nodes/pve-h1:ops@pve:NodeOps:\n",
    ],
    ids=["vm-admin-clone", "acl-modify-vms", "acl-modify-pool", "node-ops"],
)
def test_p14_3_custom_administering_role_needs_a_second_factor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], acl: str
) -> None:
    """Was pass "2 administrator(s), all with a second factor". PVEVMAdmin or PVESysAdmin
    anywhere made an administrator, but a custom role with the same VM admin privileges
    (AccessControl.pm $privgroups VM `admin`), or Sys.Modify and Sys.PowerMgmt on a node
    (stronger than PVESysAdmin's Sys.Console), did not; nor did Permissions.Modify below `/`,
    with which API2/ACL.pm update_acl lets its holder grant itself Administrator on that path
    (the "superset of privileges" filter is skipped for it)."""
    report = dir_scan(tmp_path, capsys, _users(acl))
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "fail",
        "administrators without a second factor: ops@pve",
    )


@pytest.mark.parametrize(
    "acl",
    [
        "acl:1:/vms:ops@pve:PVEVMUser:\n",
        "acl:1:/storage:ops@pve:PVEDatastoreAdmin:\n",
        "role:Backup:VM.Backup,VM.Audit,Datastore.AllocateSpace:\nacl:1:/vms:ops@pve:Backup:\n",
        "acl:1:/vms/200:ops@pve:PVETemplateUser:\n",
    ],
    ids=["vm-user", "datastore-admin", "backup-operator", "template-user"],
)
def test_p14_3_held_operators_are_no_administrators(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], acl: str
) -> None:
    """Held twins: a VM user's privileges ($privgroups VM `user`: console, power, backup), a
    storage administrator's and a template user's (VM.Clone, which needs VM.Allocate on the new
    VM as well) are no administration of VMs or nodes."""
    report = dir_scan(tmp_path, capsys, _users(acl))
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "pass",
        "2 administrator(s), all with a second factor (alice@corp by their realm's tfa setting)",
    )


# --- P14-4: an unpropagated Permissions.Modify on `/` in a token's intersection ---------------------


@pytest.mark.parametrize(
    ("acl", "role"),
    [
        ("acl:0:/:alice@corp!terraform:Administrator:\n", "Administrator"),
        ("role:AclOps:Permissions.Modify:\nacl:0:/:alice@corp!terraform:AclOps:\n", "AclOps"),
    ],
    ids=["administrator", "acl-modify"],
)
def test_p14_4_token_with_unpropagated_acl_rights_on_root_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], acl: str, role: str
) -> None:
    """Was pass "none with a privileged user's full rights". A privsep 1 token's rights are
    its own ACLs' intersected with its user's, path by path (pveum.adoc "API Tokens"); at `/`
    itself an unpropagated grant applies (AccessControl.pm roles: `$final`), so alice's token
    holds Permissions.Modify on `/`, and update_acl (check 'perm-modify', then no subset
    filter) lets it grant itself Administrator on `/`, propagated: the cluster's."""
    report = dir_scan(tmp_path, capsys, {"etc/pve/user.cfg": USER_CFG + acl})
    assert pve_result(report, "HVA-311", "pve-h1") == (
        "fail",
        f"tokens with their user's full rights: alice@corp!terraform (privsep 1, but its own ACL "
        f"grants {role} on / and its user holds Administrator there, propagated or not: the "
        "intersection holds Permissions.Modify on /, with which the token grants itself any "
        "role, Administrator propagated included)",
    )


@pytest.mark.parametrize(
    "acl",
    [
        "acl:0:/:alice@corp!terraform:PVEAdmin:\n",
        "acl:0:/:alice@corp!terraform:Administrator:\nacl:0:/:alice@corp:PVEAuditor:\n",
    ],
    ids=["pveadmin", "user-auditor-on-root"],
)
def test_p14_4_held_unpropagated_grants_without_acl_rights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], acl: str
) -> None:
    """Held twins: PVEAdmin has no Permissions.Modify; and where alice's own ACL on `/` (an
    auditor's) replaces her group's Administrator there ("user privs always override group
    privs"), the intersection holds no Permissions.Modify on `/`."""
    report = dir_scan(tmp_path, capsys, {"etc/pve/user.cfg": USER_CFG + acl})
    assert pve_result(report, "HVA-311", "pve-h1") == (
        "pass",
        "2 API token(s): none with a privileged user's full rights (privsep 0, or "
        "administration on / or below it for both token and user)",
    )


# --- P14-5: a container's rootfs on a host path ----------------------------------------------------


@pytest.mark.parametrize(
    ("rootfs", "message"),
    [
        ("rootfs: /srv/ct300", "host paths mounted: /srv/ct300"),
        ("rootfs: volume=/,size=8G", "host paths mounted: /"),
        ("rootfs: /dev/sdb1,size=8G", "host devices: /dev/sdb1"),
    ],
    ids=["directory", "host-root", "device"],
)
def test_p14_5_rootfs_on_a_host_path_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rootfs: str, message: str
) -> None:
    """Was pass "unprivileged, Proxmox's AppArmor profile, no nesting, no host devices or
    paths". pve-container valid_volume_keys starts with `rootfs`; mount_all hands every volume
    to mountpoint_mount, where classify_mountpoint makes a /dev/ path a `device` mount and any
    other absolute path a `bind` mount of the host directory (Config.pm $rootfs_desc: "Volume,
    device or directory to mount into the container"). hvaudit read host paths of mpN only."""
    text = CT300.replace("rootfs: local-lvm:vm-300-disk-0,size=8G", rootfs)
    report = dir_scan(tmp_path, capsys, {"etc/pve/lxc/300.conf": text})
    assert pve_result(report, "HVA-314", "dns-01") == ("fail", message)


def test_p14_5_held_rootfs_on_a_storage_volume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held twin: a storage volume, in the `volume=` form too, is the container's own disk."""
    text = CT300.replace("rootfs: local-lvm:", "rootfs: volume=local-lvm:")
    report = dir_scan(tmp_path, capsys, {"etc/pve/lxc/300.conf": text})
    assert pve_result(report, "HVA-314", "dns-01") == (
        "manual",  # R27P-2: the node's AppArmor is not in a copied tree
        "unprivileged, Proxmox's AppArmor profile, no nesting, no host devices or paths "
        "(features: keyctl)"
        "; whether AppArmor is enabled on node pve-h1 is not in the evidence (a copied "
        "configuration tree has no live host to read facts from)",
    )


# --- P14-6: secrets domains.cfg keeps ---------------------------------------------------------------

DOMAINS = (
    "pam: pam\n\tcomment Linux PAM standard authentication\n\n"
    "openid: sso\n\tissuer-url https://sso.example.org/realms/pve\n\tclient-id proxmox\n"
    "\tclient-key MkPveOidcClientKeyZz\n\tautocreate 1\n\n"
    "ad: corp\n\tdomain corp.example.org\n\tserver1 dc1.corp.example.org\n"
    "\ttfa type=yubico,id=4711,key=MkPveYubicoKeyZz,url=https://api.yubico.com/wsapi/2.0/verify\n"
)


def test_p14_6_realm_secrets_never_reach_the_bundle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was leaked into the bundle verbatim. An OpenID realm's `client-key` (PVE::Auth::OpenId
    "OpenID Client Key", stored in domains.cfg itself: no on_add_hook moves it to priv/ as the
    LDAP plugins do their bind password) and a realm `tfa` value's `key` ("Yubico API Key",
    PVE::Auth::Plugin $tfa_format) are secrets; domains.cfg went through the generic settings
    redactor, which knows neither. The `tfa` value's other keys stay: HVA-306 still counts the
    realm's users as held to a second factor."""
    from hvaudit.cli import main
    from test_secret_sweep import _leaks, _tree_text

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "pve"))
    (tree / "etc/pve/domains.cfg").write_text(DOMAINS)
    bundle = tmp_path / "bundle"
    assert main(["collect", "--connect", f"pve+dir://{tree}", "-o", str(bundle)]) == 0
    text = _tree_text(bundle)
    assert _leaks(capsys.readouterr().err + text) == []
    assert "\tclient-key ***REDACTED***\n" in text
    assert "\ttfa type=yubico,id=4711,key=***REDACTED***,url=https://api.yubico.com" in text
    report = dir_scan(tmp_path / "scan", capsys, {"etc/pve/domains.cfg": DOMAINS})
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "pass",
        "2 administrator(s), all with a second factor (alice@corp by their realm's tfa setting)",
    )


# --- Probes that held --------------------------------------------------------------------------------


@pytest.mark.parametrize("features", ["nesting=off,keyctl=1", "keyctl=1,nesting=no"])
def test_held_container_nesting_off_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], features: str
) -> None:
    """Held. pve-common parse_property_string reads a boolean with parse_boolean (`off`, `no`
    are 0): nesting stays off."""
    text = CT300.replace("features: keyctl=1", f"features: {features}")
    report = dir_scan(tmp_path, capsys, {"etc/pve/lxc/300.conf": text})
    assert pve_result(report, "HVA-314", "dns-01")[0] == "manual"  # R27P-2: AppArmor unread


# --- P14-7: the local network pve-firewall adds to the management IP set ----------------------------

CLUSTER_FW = (PVE_HARDENED / "etc/pve/firewall/cluster.fw").read_text()


def _local_network(cidr: str) -> dict[str, str]:
    aliases = CLUSTER_FW.replace(
        "vpn-pool 10.0.8.0/24\n", f"vpn-pool 10.0.8.0/24\nlocal_network {cidr}\n"
    )
    return {"etc/pve/firewall/cluster.fw": aliases}


@pytest.mark.parametrize("cidr", ["0.0.0.0/1", "8.0.0.0/5"])
def test_p14_7_wide_local_network_alias_opens_management(tmp_path: Path, cidr: str) -> None:
    """Was pass "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management
    ports wider". pve-firewall compile: `push @{ $cluster_conf->{ipset}->{management} }, {
    cidr => $localnet }`, $localnet the cluster.fw alias local_network where defined
    (proxmox-firewall create_management_ipset likewise): the web UI, SSH, SPICE and VNC ports
    are admitted from it, whatever the set lists."""
    assert _live(tmp_path, _local_network(cidr), "HVA-313") == (
        "fail",
        f"IP set `management` admits local_network {cidr}: pve-firewall and proxmox-firewall add "
        "the cluster.fw alias local_network to the set",
    )


def test_p14_7_wide_local_network_through_a_management_rule(tmp_path: Path) -> None:
    """The same set named by a rule: `IN ACCEPT -source +management` (no port) admits every
    packet from the local network, here half of all IPv4 addresses (a /0 is left out: the
    kernel's hash:net set takes no zero prefix, which pve-firewall refuses in a set itself).
    The set holds IPv4 entries only, so the rule admits IPv4 packets only (L18-5P)."""
    edits = {**_local_network("0.0.0.0/1"), **_host_rule("IN ACCEPT -source +management")}
    assert _live(tmp_path, edits, "HVA-301") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw line 9 `IN ACCEPT -source "
        "+management` accepts every inbound IPv4 packet before the policy",
    )


def test_p14_7_held_narrow_local_network(tmp_path: Path) -> None:
    """Held twin: the node's own /24 as local_network is the management network Proxmox VE
    means it to be."""
    status, message = _live(tmp_path, _local_network("10.0.0.0/24"), "HVA-313")
    assert (status, message) == (
        "pass",
        "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports "
        "wider",
    )


# --- P14-8: a container boolean pve-container cannot read is kept, and true -------------------------


@pytest.mark.parametrize("value", ["2", "enabled"])
def test_p14_8_unreadable_unprivileged_is_true_to_pve_container(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    """Was fail "privileged (unprivileged not set: container root is root on the node)" (a
    wrong fail). Unlike qemu-server, pve-container's parse_pct_config assigns a value its
    check_type refuses (`eval { $value = ...->check_type($key, $value); }; $handle_error->(...)
    if $@; $conf->{$key} = $value;`: a warning only, not strict when the file is loaded), and
    LXC.pm tests it with Perl's truth (`$conf->{unprivileged} || $custom_idmap`, `if
    (!@$id_map && $conf->{unprivileged})` maps root to 100000): the container runs
    unprivileged. The report says how the value was read."""
    text = CT300.replace("unprivileged: 1", f"unprivileged: {value}")
    report = dir_scan(tmp_path, capsys, {"etc/pve/lxc/300.conf": text})
    assert pve_result(report, "HVA-314", "dns-01")[0] == "manual"  # R27P-2: AppArmor unread
    assert (
        f"pve/files/etc/pve/lxc/300.conf:11: unprivileged: {value!r} is not a boolean; "
        "pve-container keeps it anyway and tests it with Perl's truth: read as 1"
    ) in report["notes"]


@pytest.mark.parametrize("value", ["0", "off", "No"])
def test_p14_8_held_false_words_stay_privileged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    """Held twins: check_type reads 0, off, no (any case) as 0: privileged."""
    text = CT300.replace("unprivileged: 1", f"unprivileged: {value}")
    report = dir_scan(tmp_path, capsys, {"etc/pve/lxc/300.conf": text})
    assert pve_result(report, "HVA-314", "dns-01") == (
        "fail",
        "privileged (unprivileged not set: container root is root on the node)",
    )


# --- P14-9: an OpenID realm's second factor is the identity provider's -----------------------------

SSO = "openid: sso\n\tissuer-url https://sso.example.org/realms/pve\n\tclient-id proxmox\n"
TFA_CFG = (PVE_HARDENED / "etc/pve/priv/tfa.cfg").read_text()
CAROL_TOTP = (
    '"carol@sso":{"totp":[{"id":"totp-1","description":"phone","created":1735689600,'
    '"entry":"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"}]},'
)


def _sso(realm: str, tfa: str) -> dict[str, str]:
    domains = (PVE_HARDENED / "etc/pve/domains.cfg").read_text() + "\n" + realm
    users = USER_CFG.replace("\ngroup:", "\nuser:carol@sso:1:0::::SRE::\ngroup:", 1)
    return {
        "etc/pve/domains.cfg": domains,
        "etc/pve/user.cfg": users + "acl:1:/:carol@sso:Administrator:\n",
        "etc/pve/priv/tfa.cfg": tfa,
    }


@pytest.mark.parametrize(
    ("realm", "tfa", "was"),
    [
        (SSO, TFA_CFG.replace('{"users":{', '{"users":{' + CAROL_TOTP), "pass"),
        (SSO + "\ttfa type=oath\n", TFA_CFG, "pass"),
        (SSO, TFA_CFG, "fail"),
    ],
    ids=["totp-entry", "realm-tfa", "no-entry"],
)
def test_p14_9_openid_administrator_is_the_providers_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], realm: str, tfa: str, was: str
) -> None:
    """Was pass ("all with a second factor") on a tfa.cfg TOTP entry or a realm `tfa`, and fail
    without either. API2/OpenId.pm login verifies the provider's authorization code and
    returns `assemble_ticket($username)`: no tfa.cfg entry and no realm `tfa` is asked
    (PVE::Auth::OpenId options have no `tfa`; authenticate_user dies "OpenID realm does not
    allow password verification"), so the second factor is whatever the provider demands."""
    assert was in ("pass", "fail")
    report = dir_scan(tmp_path, capsys, _sso(realm, tfa))
    r = next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-306", "pve-h1")
    )
    assert (r["status"], r["message"]) == (
        "manual",
        "administrators of OpenID realms, whose login Proxmox VE completes without a second "
        "factor of its own: realm sso (https://sso.example.org/realms/pve): carol@sso",
    )
    assert r["question"] == (
        "Does the identity provider of OpenID realm sso require a second factor at every login "
        "of carol@sso? Evidence: the provider's authentication policy for the realm's client-id "
        "(domains.cfg; the flow or conditional-access policy bound to that client) and the "
        "realm's `acr-values`. Pass: the provider refuses a login without a second factor; "
        "fail: a password alone logs in (Proxmox VE's own tfa.cfg entries are never asked at "
        "an OpenID login)."
    )


def test_p14_9_local_administrator_without_a_factor_still_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was fail naming carol@sso too. An OpenID administrator beside a pve-realm one without a
    second factor: the verdict holds on the pve one alone (a fail outranks the question)."""
    edits = _sso(SSO, TFA_CFG)
    edits["etc/pve/user.cfg"] = (
        edits["etc/pve/user.cfg"].replace("\ngroup:", "\nuser:ops@pve:1:0::::operator::\ngroup:", 1)
        + "acl:1:/:ops@pve:PVEAdmin:\n"
    )
    report = dir_scan(tmp_path, capsys, edits)
    assert pve_result(report, "HVA-306", "pve-h1") == (
        "fail",
        "administrators without a second factor: ops@pve",
    )


# --- P14-10: a container's pending changes through the API ------------------------------------------


def test_p14_10_container_pending_changes_through_the_api_are_judged(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was pass "unprivileged, Proxmox's AppArmor profile, no nesting, ...". The API collector
    read a container's config?current=1 only; its pending changes (pve-container API2/LXC.pm
    vm_pending, GET .../pending), which a running container takes at its next start and which
    HVA-314 judges in a node's own file ([pve:pending], P8-16), were never read: a pending
    `features: nesting=1` passed on the API path."""
    from test_redteam8_pve_probes import _api

    fakepve.add_ct(
        301,
        "build-01",
        status="running",
        config={"hostname": "build-01", "unprivileged": 1, "ostype": "debian"},
        pending={"features": "nesting=1"},
    )
    status, message = _api(fakepve, fakepve_cafile, seeded, capsys, monkeypatch)
    assert (status[("HVA-314", "build-01")], message[("HVA-314", "build-01")]) == (
        "fail",
        "at its next start ([pve:pending]): nesting on (host procfs and sysfs exposed)",
    )


def test_p14_10_rendered_container_pending_section() -> None:
    """The section as pve-container's write_pct_config writes it: `[pve:pending]`."""
    from hvaudit.collect.proxmox_api import render_config

    text = render_config(
        {"hostname": "a", "digest": "x"},
        [{"key": "features", "pending": "nesting=1"}, {"key": "hostname", "value": "a"}],
        "[pve:pending]",
    )
    assert text == "hostname: a\n\n[pve:pending]\nfeatures: nesting=1\n"


# --- P14-11: a node whose host.fw turns its firewall off has no input policy -------------------------


def test_p14_11_host_firewall_off_leaves_the_policy_unapplied(tmp_path: Path) -> None:
    """Was pass "cluster firewall on, input policy DROP" (HVA-302 failed the node beside it).
    pve-firewall compile_iptables_filter builds the node's PVEFW-HOST-IN chain, where
    cluster.fw's rules and `policy_in` go (enable_host_firewall), only `if ($hostfw_enable)`;
    proxmox-firewall creates the cluster rules only `if self.config.host().is_enabled()`:
    with host.fw `enable: 0` the DROP policy filters none of the node's own traffic."""
    host = HOST_FW.replace("enable: 1\n", "enable: 0\n")
    assert _live(tmp_path, {"etc/pve/nodes/pve-h1/host.fw": host}, "HVA-301") == (
        "fail",
        "cluster firewall on, input policy DROP, but host.fw sets enable: 0: no input chain is "
        "built for this node, so neither the policy nor any cluster rule filters its own traffic",
    )


@pytest.mark.parametrize("enable", ["", "enable: 1\n"], ids=["default", "explicit"])
def test_p14_11_held_host_firewall_on_by_default(tmp_path: Path, enable: str) -> None:
    """Held twins: without `enable` host.fw leaves the node's firewall on (`$hostfw_enable` is
    true unless enable is defined and 0)."""
    host = HOST_FW.replace("enable: 1\n", enable)
    assert _live(tmp_path, {"etc/pve/nodes/pve-h1/host.fw": host}, "HVA-301") == (
        "pass",
        "cluster firewall on, input policy DROP",
    )


# --- P14-12: an ACCEPT input policy admits the management ports from anywhere ------------------------


@pytest.mark.parametrize("policy", ["ACCEPT", "accept"])
def test_p14_12_accept_policy_opens_management_ports(tmp_path: Path, policy: str) -> None:
    """Was pass "IP set `management`: ...; no rule opens management ports wider" (HVA-301
    failed beside it). enable_host_firewall ends the node's input chain in cluster.fw's
    policy_in (`$cluster_options->{policy_in} || 'DROP'`, upper-cased by
    parse_clusterfw_option): ACCEPT admits every source to the web UI and SSH, whatever the
    management set lists."""
    cluster = CLUSTER_FW.replace("policy_in: DROP", f"policy_in: {policy}")
    assert _live(tmp_path, {"etc/pve/firewall/cluster.fw": cluster}, "HVA-313") == (
        "fail",
        "input policy ACCEPT: every source reaches the management ports, the set admits "
        "nothing the policy does not",
    )


def test_p14_12_held_reject_policy(tmp_path: Path) -> None:
    """Held twin: REJECT refuses what no rule admits, as DROP does."""
    cluster = CLUSTER_FW.replace("policy_in: DROP", "policy_in: REJECT")
    status, message = _live(tmp_path, {"etc/pve/firewall/cluster.fw": cluster}, "HVA-313")
    assert (status, message) == (
        "pass",
        "IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens management ports "
        "wider",
    )
