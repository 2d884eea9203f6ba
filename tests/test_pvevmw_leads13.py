"""VMware and Proxmox leads left by red-team round 12 (tests/test_redteam12_vmw_probes.py,
tests/test_redteam12_pve_probes.py) and issue 8, settled in session 11. Each test names the source
its rule rests on (read with `search`, `find_string`, `read_file`, `fetch`) and asserts the exact
verdict; each finding's test failed on the code before its fix.

- L13-1 (HVA-403, wrong fail): RemoteDisplay.maxConnections = "0x1", "01" or "1abc" failed,
  though VMware's dictionary reads a number with strtol(s, &p, 0) and keeps the number before any
  trailing text (lib/dict/dictionary.c, DictionaryNarrowValue, DICT_LONG: "is not a valid integer
  value. Using value"; VMware View Open Client 2.1.1, LGPL, read with `find_string`/`read_file`):
  each runs as 1 session. Now they pass with "VMware reads 1"; "0x2" fails as 2; a number past
  32 bits (the entry's int32) is a question.
- L13-2 (HVA-404, wrong fail; and the lead held): ESXi's own description of
  Mem.ShareForceSalting (the host's advanced option list, 8.0 to 9.0.1, as
  lamw/esxi-advanced-and-kernel-settings records it, read with `fetch`): at 2 "VMs that do not
  have the sched.mem.pshare.salt option set cannot share memory with any other VM", with or
  without vc.uuid: the pass for a VM without vc.uuid held. "If the sched.mem.pshare.salt is
  present but empty, the VM gets its own unique salt": an empty salt failed as "set"; at 1 or 2
  it now passes, at 0 it fails with the host.
- L13-3 (HVA-432, false pass): an ESXi 8.0 Update 3 host passed on
  UserVars.ESXiVPsDisabledProtocols, though from 8.0 Update 3 "vSphere supports TLS 1.3 and 1.2
  through the use of TLS profiles" (vSphere 8.0 Security, "TLS profiles", read with `search`),
  the host lists the option as "(Deprecated)" from 8.0 Update 1 (its advanced option list,
  lamw/esxi-advanced-and-kernel-settings, read with `fetch`) and vSphere 8 STIG ESXI-80-000247
  (vmware/dod-compliance-and-automation, read with `read_file`) reads the profile with
  `esxcli system tls server get`. The option is not what such a host runs, and a MANUAL profile
  sets its own protocol versions: on 8.0.3 and later (config.product.fullName) the profile is
  asked for; before it the option is still judged (STIG ESXI-80-000161).
- L13-4 (HVA-421, false pass): audit records "stored" passed wherever they were kept. The
  directory defaults to "[] /scratch/auditLog" (the host's option list), and without a
  persistent scratch location /scratch is "A ramdisk at /tmp/scratch/", whose content "does not
  persist across reboots" (VMware KB 1033696, read with `search`); the vSphere 8 Security
  Configuration Guide wants the directory persistent (esxi-8.logs-audit-persistent, read with
  `find_string`). The collector now reads Syslog.global.auditRecord.storageDirectory and
  ScratchConfig.CurrentScratchLocation: a store on the RAM disk fails, one on a datastore or
  /vmfs/volumes passes, anything else (or either option unreported) is asked.
- L13-5 (HVA-416, wrong fail): vCenter's predefined "No cryptography administrator" role
  (NoCryptoAdmin, "Full access without Cryptographic operations privileges") granted to the
  administrators' group on the root folder failed as "VM administration granted
  inventory-wide", while Administrator there is a question; the vSphere STIG
  (VCSA-70-000284 / SV-256364, read with `find_string`) has "normal vSphere administrators ...
  assigned the 'No Cryptography Administrator' role or more restrictive", so a hardened vCenter
  failed. NoCryptoAdmin and NoTrustedAdmin are now asked about as Administrator is.
- L13-6 (HVA-066, wrong fail): an aarch64 Proxmox VE VM (`arch: aarch64`) with an efidisk0
  of pre-enrolled-keys=1 failed "efitype=2m: no Secure Boot template" unless it said
  efitype=4m. qemu-server's get_ovmf_files (9.2.6, src/PVE/QemuServer/OVMF.pm, read with
  `fetch`) reads no efitype on aarch64: pre-enrolled-keys selects `ms`, AAVMF_CODE.secboot.fd
  with AAVMF_VARS.ms.fd, where the node's pve-edk2-firmware-aarch64 ships the secboot image
  (else a warning and the keys dropped). It is now the store question, naming that condition;
  without pre-enrolled-keys it fails.
- L13-7 (HVA-311, wrong fail): a privilege-separated token granted Administrator on `/` failed
  when its user's group held Administrator there, though the user's own ACL on `/` (PVEAuditor,
  or NoAccess) replaces the group's: pve-access-control 9.1.1 AccessControl.pm `roles` (read with
  `fetch`) walks the path and at each node "user privs always override group privs", and
  NoAccess among the roles leaves nothing, so the intersection with the token's is auditing.
  The roles on `/` are now taken as `roles` takes them (`_roles_on`); the group-only twin still
  fails. The same rule now decides who counts as privileged (`_privileged_users`, HVA-311/312):
  a group's role on a path where the user's own NoAccess replaces it gives the user nothing. Examined without a finding: granular_acls (HVA-307) fails a VM role on `/`, `/vms`,
  `/pool` propagated, which reaches VMs not overridden deeper (no false pass); a deeper ACL
  overriding it for some VMs does not narrow it for the rest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result, pve_scan
from test_redteam10_vmw_probes import _verdicts, _vsphere
from test_redteam12_vmw_probes import MAXCONN, WEB01, _vmx_scan
from test_redteam17_vmw_probes import own_keys
from test_vmw_leads import ESXI_OWN, _grants

# --- L13-1: HVA-403 reads the limit as VMware's dictionary does ----------------------------------


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("0x1", ("pass", "RemoteDisplay.maxConnections = 0x1 (VMware reads 1)")),
        ("01", ("pass", "RemoteDisplay.maxConnections = 01 (VMware reads 1)")),
        ("1abc", ("pass", "RemoteDisplay.maxConnections = 1abc (VMware reads 1)")),
        ("0x2", ("fail", "RemoteDisplay.maxConnections = 0x2 (VMware reads 2)")),
        ("010", ("fail", "RemoteDisplay.maxConnections = 010 (VMware reads 8)")),
        ("one", ("fail", "RemoteDisplay.maxConnections = one (VMware reads 0)")),
        (
            "4294967297",
            ("manual", "RemoteDisplay.maxConnections = 4294967297: beyond a 32-bit number"),
        ),
    ],
)
def test_console_limit_read_as_vmware_reads_a_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, want: tuple[str, str]
) -> None:
    """L13-1: DictionaryNarrowValue (DICT_LONG) runs strtol(s, &p, 0): "0x" is hex, a leading 0
    octal, and text after the number only draws an error message, the number read so far being
    used. "0x1", "01", "1abc" are one session (they failed before); "0x2" and "010" (8) are more
    than one; "one" reads 0. A number past the int32 the entry keeps is asked."""
    got = _vmx_scan(
        tmp_path, capsys, WEB01.replace(MAXCONN, f'RemoteDisplay.maxConnections = "{value}"')
    )
    assert got[("HVA-403", "web-01")] == own_keys(want, "offline-vmx")  # V17-1


# --- L13-2: HVA-404 and ESXi's own description of Mem.ShareForceSalting ------------------------------


def _salted(salt: str | None) -> str:
    """web-01 (it has no vc.uuid) with a sched.mem.pshare.salt line, or none."""
    assert "vc.uuid" not in WEB01
    if salt is None:
        return WEB01
    return WEB01.replace("uuid.bios", f'sched.mem.pshare.salt = "{salt}"\nuuid.bios', 1)


def test_vm_without_vc_uuid_at_salting_2_asks_the_host(tmp_path: Path) -> None:
    """Held (the lead): at Mem.ShareForceSalting 2, "VMs that do not have the
    sched.mem.pshare.salt option set cannot share memory with any other VM" (ESXi's option
    description): a VM with neither the salt nor vc.uuid shares with no other VM, unless the
    host's /etc/vmware/config gives every such VM one salt (L16-13): the host's question."""
    a = _vsphere(tmp_path, {"advanced": {"Mem.ShareForceSalting": 2}}, vmx=_salted(None))
    assert _verdicts(a, "HVA-404")["esx1"] == (
        "manual",
        "1 VM(s) (web-01) do not set sched.mem.pshare.salt in their .vmx: the host's "
        "/etc/vmware/settings and /etc/vmware/config, not read, decide",
    )


@pytest.mark.parametrize(
    ("forced", "want"),
    [
        (
            2,
            (
                "pass",
                "sched.mem.pshare.salt is empty, host Mem.ShareForceSalting = 2: the VM gets its "
                "own unique salt",
            ),
        ),
        (
            1,
            (
                "pass",
                "sched.mem.pshare.salt is empty, host Mem.ShareForceSalting = 1: the VM gets its "
                "own unique salt",
            ),
        ),
        (0, ("fail", "host Mem.ShareForceSalting = 0: pages are shared with every VM of the host")),
    ],
)
def test_empty_salt_is_a_salt_of_its_own(
    tmp_path: Path, forced: int, want: tuple[str, str]
) -> None:
    """L13-2: "If the sched.mem.pshare.salt is present but empty, the VM gets its own unique
    salt" (ESXi's option description). An empty salt failed as "set: pages may be shared with
    other VMs"; with salting on (1 or 2) it is a salt no other VM has. At 0 nothing is salted."""
    a = _vsphere(tmp_path, {"advanced": {"Mem.ShareForceSalting": forced}}, vmx=_salted(""))
    assert _verdicts(a, "HVA-404")["web-01"] == own_keys(want, "esx1")  # V17-1


def test_salt_with_text_still_fails(tmp_path: Path) -> None:
    """Twin of L13-2 (held): a salt with text is one other VMs can share; it fails at 2."""
    a = _vsphere(tmp_path, {"advanced": {"Mem.ShareForceSalting": 2}}, vmx=_salted("team-a"))
    assert _verdicts(a, "HVA-404")["web-01"] == (
        "fail",
        "sched.mem.pshare.salt is set: pages may be shared with other VMs",
    )


def test_empty_salt_offline_is_asked_for_1_or_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """L13-2 offline: no host, so the empty salt's verdict waits on the host's salting (1 or 2)."""
    got = _vmx_scan(tmp_path, capsys, _salted(""))
    assert got[("HVA-404", "web-01")] == (
        "manual",
        "an empty sched.mem.pshare.salt; host Mem.ShareForceSalting unknown: offline .vmx files "
        "hold no host",
    )


# --- L13-3: HVA-432 on 8.0 Update 3 and later -------------------------------------------------------

DISABLED = {"UserVars.ESXiVPsDisabledProtocols": "sslv3,tlsv1,tlsv1.1"}
TLS_QUESTION = (
    "Does host esx1's TLS server profile refuse SSLv3, TLS 1.0 and TLS 1.1? Evidence: `esxcli "
    "system tls server get --show-current-boot-profile` on the host (Profile and Protocol "
    "Versions; vSphere 8 STIG ESXI-80-000247). Pass: yes, the current boot profile is NIST_2024 "
    "or COMPATIBLE, or MANUAL with protocol versions tls1.2 and tls1.3 only; fail: a protocol "
    "version below tls1.2."
)


@pytest.mark.parametrize(
    "product", ["VMware ESXi 8.0.3 build-24022510", "VMware ESXi 9.0.0 build-1"]
)
def test_tls_on_a_profile_host_is_asked_not_passed_on_the_option(
    tmp_path: Path, product: str
) -> None:
    """L13-3: 8.0 Update 3 and later set TLS by profile; the deprecated option passed the host."""
    a = _vsphere(tmp_path, {"product": product, "build": "1", "advanced": DISABLED})
    (result,) = [r for r in a.results if r.check.id == "HVA-432"]
    assert (result.status.value, result.outcome.message) == (
        "manual",
        f"{product} sets TLS by profile (8.0 Update 3 and later); the profile is not collected, "
        "and UserVars.ESXiVPsDisabledProtocols = sslv3,tlsv1,tlsv1.1 is deprecated",
    )
    assert result.outcome.question == TLS_QUESTION


def test_tls_option_still_judged_before_update_3(tmp_path: Path) -> None:
    """Twin of L13-3 (held): 8.0 Update 2 has no TLS profiles; the option is judged (ESXI-80-000161)."""
    product = "VMware ESXi 8.0.2 build-22380479"
    a = _vsphere(tmp_path, {"product": product, "build": "22380479", "advanced": DISABLED})
    assert _verdicts(a, "HVA-432")["esx1"] == (
        "pass",
        "UserVars.ESXiVPsDisabledProtocols = sslv3,tlsv1,tlsv1.1",
    )


# --- L13-4: HVA-421 and where the audit records are kept ---------------------------------------------

AUDITED = {
    "Syslog.global.auditRecord.storageEnable": True,
    "Syslog.global.auditRecord.storageCapacity": 100,
    "Syslog.global.auditRecord.remoteEnable": True,
    "Syslog.global.logHost": "ssl://log1:1514",
    "Syslog.global.auditRecord.storageDirectory": "[] /scratch/auditLog",
}
OSDATA = "/vmfs/volumes/667ad4d8-5d107aae-9c5a-00505681a373"
STORE_QUESTION = (
    "Are host esx1's audit records stored on persistent storage? Evidence: `esxcli system "
    "auditrecords get` (the storage directory) and `esxcli system syslog config get` (Local Log "
    "Output Is Persistent) on the host, or its advanced options "
    "Syslog.global.auditRecord.storageDirectory and ScratchConfig.CurrentScratchLocation. Pass: "
    "the directory is on a datastore or under a scratch location on /vmfs/volumes; fail: it is on "
    "the RAM disk (/tmp/scratch), lost at reboot."
)


def _audit(tmp_path: Path, **options: object) -> tuple[str, str, str | None]:
    advanced = {k: v for k, v in {**AUDITED, **options}.items() if v is not None}
    # the syslog ruleset lets the records out (a firewall not read is asked, L16-16)
    firewall = {
        "incoming_blocked": True,
        "outgoing_blocked": True,
        "rulesets": [{"key": "syslog", "enabled": True, "all_ip": True, "networks": []}],
    }
    a = _vsphere(tmp_path, {"advanced": advanced, "firewall": firewall})
    (r,) = [r for r in a.results if r.check.id == "HVA-421"]
    return r.status.value, r.outcome.message, r.outcome.question


def test_audit_store_on_the_ram_disk_fails(tmp_path: Path) -> None:
    """L13-4: /scratch on the RAM disk (/tmp/scratch, KB 1033696): the records go at reboot.
    It passed as "audit records stored (100 MiB) and forwarded"."""
    got = _audit(tmp_path, **{"ScratchConfig.CurrentScratchLocation": "/tmp/scratch"})
    assert got == (
        "fail",
        "audit records on the RAM disk, lost at reboot: /scratch/auditLog, scratch at /tmp/scratch",
        None,
    )


def test_audit_store_directly_on_the_ram_disk_fails(tmp_path: Path) -> None:
    """L13-4: a directory under /tmp/scratch itself is the RAM disk, whatever scratch is."""
    got = _audit(
        tmp_path,
        **{
            "Syslog.global.auditRecord.storageDirectory": "[] /tmp/scratch/auditLog",
            "ScratchConfig.CurrentScratchLocation": OSDATA,
        },
    )
    assert got == (
        "fail",
        "audit records on the RAM disk, lost at reboot: /tmp/scratch/auditLog",
        None,
    )


def test_audit_store_under_persistent_scratch_passes(tmp_path: Path) -> None:
    """Twin of L13-4: the default directory with scratch on a VMFS (OSData) volume persists."""
    got = _audit(tmp_path, **{"ScratchConfig.CurrentScratchLocation": OSDATA})
    assert got == (
        "pass",
        f"audit records stored (100 MiB, /scratch/auditLog, scratch at {OSDATA}) and forwarded",
        None,
    )


@pytest.mark.parametrize(
    ("options", "where"),
    [
        (
            {"Syslog.global.auditRecord.storageDirectory": None},
            "Syslog.global.auditRecord.storageDirectory not reported",
        ),
        (
            {},
            "Syslog.global.auditRecord.storageDirectory = [] /scratch/auditLog; "
            "ScratchConfig.CurrentScratchLocation not reported",
        ),
        (
            {"ScratchConfig.CurrentScratchLocation": ""},
            "Syslog.global.auditRecord.storageDirectory = [] /scratch/auditLog; "
            "ScratchConfig.CurrentScratchLocation = ",
        ),
        (
            {"Syslog.global.auditRecord.storageDirectory": "[] /var/log/audit"},
            "Syslog.global.auditRecord.storageDirectory = [] /var/log/audit",
        ),
    ],
)
def test_audit_store_not_known_to_persist_is_asked(
    tmp_path: Path, options: dict[str, object], where: str
) -> None:
    """L13-4: a directory not reported (an older bundle), a scratch location not reported or
    empty, or a directory elsewhere: whether the store outlives a reboot is a question. Each
    passed before."""
    got = _audit(tmp_path, **options)
    assert got == (
        "manual",
        "audit records stored (100 MiB) and forwarded; whether the store survives a reboot is "
        f"not known: {where}",
        STORE_QUESTION,
    )


# --- L13-5: HVA-416 and the administrator roles the vCenter STIG prescribes -------------------------


def _with_role(access: dict[str, object], rid: str, name: str) -> dict[str, object]:
    roles = dict(access["roles"])  # type: ignore[call-overload]
    roles[rid] = {"name": name, "privileges": ["System.Read", "VirtualMachine.Config.Settings"]}
    return {**access, "roles": roles}


def test_no_crypto_admin_for_the_administrators_is_asked_not_failed(tmp_path: Path) -> None:
    """L13-5: NoCryptoAdmin (every privilege but cryptography) on the root folder for the
    administrators' group, as the vCenter STIG has it: the Administrator role's question, not a
    fail. It failed as "VM administration granted inventory-wide"."""
    access = _grants(*ESXI_OWN, ("VSPHERE.LOCAL\\Administrators", "-6", "group-d1", "Folder", True))
    a = _vsphere(tmp_path, {}, access=_with_role(access, "-6", "NoCryptoAdmin"))
    (r,) = [r for r in a.results if r.check.id == "HVA-416"]
    assert (r.status.value, r.outcome.message) == (
        "manual",
        "Administrator role granted inventory-wide: group VSPHERE.LOCAL\\Administrators "
        "(NoCryptoAdmin on the root folder)",
    )
    assert r.outcome.question is not None
    assert r.outcome.question.startswith(
        "Are VSPHERE.LOCAL\\Administrators the platform's administrators"
    )


def test_custom_role_with_vm_privileges_on_the_root_still_fails(tmp_path: Path) -> None:
    """Twin of L13-5 (held): a custom role holding VM privileges, whatever it is called, on the
    root folder is VM administration inventory-wide."""
    access = _grants(*ESXI_OWN, ("CORP\\ops", "1002", "group-d1", "Folder", True))
    a = _vsphere(tmp_path, {}, access=_with_role(access, "1002", "NoCryptoAdminClone"))
    assert _verdicts(a, "HVA-416")["esx1"] == (
        "fail",
        "VM administration granted inventory-wide: CORP\\ops (NoCryptoAdminClone on the root "
        "folder)",
    )


# --- L13-6: HVA-066 on an aarch64 Proxmox VE VM ----------------------------------------------------

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
EFIDISK = "efidisk0: local-lvm:vm-200-disk-0,efitype=4m,pre-enrolled-keys=1,size=4M\n"
# P24-1 (tests/test_redteam24_pve_probes.py): the `ms` store is guest-writable flash on the
# aarch64 virt board, so the store question became a fail
AAVMF = (
    "UEFI AAVMF efidisk0 pre-enrolled-keys=1 (aarch64: efitype does not apply): "
    "AAVMF_CODE.secboot.fd with AAVMF_VARS.ms.fd, but QEMU's virt board maps the variable store "
    "flash into the guest's normal world and KVM gives the guest no secure world to guard it: "
    "the guest OS can rewrite the variable store, so Secure Boot is not protected"
)


def _aarch64(tmp_path: Path, capsys: pytest.CaptureFixture[str], efidisk: str) -> tuple[str, str]:
    assert EFIDISK in VM200
    text = "arch: aarch64\n" + VM200.replace(EFIDISK, efidisk).replace("machine: q35\n", "")
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": text})
    return pve_result(report, "HVA-066", "web-10")


@pytest.mark.parametrize(
    "efidisk",
    [
        "efidisk0: local-lvm:vm-200-disk-0,pre-enrolled-keys=1,size=4M\n",
        "efidisk0: local-lvm:vm-200-disk-0,efitype=2m,pre-enrolled-keys=1,size=4M\n",
        EFIDISK,
    ],
)
def test_aarch64_pre_enrolled_keys_picks_ms_whatever_efitype(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], efidisk: str
) -> None:
    """L13-6: get_ovmf_files on aarch64 reads pre-enrolled-keys, not efitype, and picks `ms`
    (AAVMF_CODE.secboot.fd, AAVMF_VARS.ms.fd). efitype 2m (stated or the default) failed as
    "no Secure Boot template"; it was then the store question, which P24-1 made the fail of a
    guest-writable store, the same for every efitype."""
    assert _aarch64(tmp_path, capsys, efidisk) == ("fail", AAVMF)


def test_aarch64_without_pre_enrolled_keys_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of L13-6: without pre-enrolled-keys, get_ovmf_files keeps `default`
    (AAVMF_CODE.fd, AAVMF_VARS.fd): no keys."""
    efidisk = "efidisk0: local-lvm:vm-200-disk-0,efitype=4m,size=4M\n"
    assert _aarch64(tmp_path, capsys, efidisk) == (
        "fail",
        "UEFI AAVMF efidisk0 without pre-enrolled-keys=1: no keys enrolled",
    )


# --- L13-7: the roles on / as pve-access-control computes them ------------------------------------

USER_CFG = (PVE_HARDENED / "etc/pve/user.cfg").read_text()
TOKEN_ADMIN = "acl:1:/:alice@corp!terraform:Administrator:\n"


@pytest.mark.parametrize("own", ["PVEAuditor", "NoAccess"])
def test_token_whose_user_is_not_an_administrator_on_root_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], own: str
) -> None:
    """L13-7: alice@corp is in @admins (Administrator on /), but her own ACL on / gives her
    `own`, which replaces the group's at that node (AccessControl.pm `roles`: "user privs
    always override group privs"; NoAccess leaves nothing). Her privsep token's Administrator
    intersects with that: no administration. It failed as "the intersection administers the
    cluster"."""
    text = USER_CFG + f"acl:1:/:alice@corp:{own}:\n" + TOKEN_ADMIN
    report = pve_scan(tmp_path, capsys, {"etc/pve/user.cfg": text})
    assert pve_result(report, "HVA-311", "pve-h1") == (
        "pass",
        "2 API token(s): none with a privileged user's full rights (privsep 0, or "
        "administration on / or below it for both token and user)",
    )


def test_token_whose_group_administers_root_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of L13-7 (held): with no ACL of her own on /, alice@corp's group Administrator
    applies, and the token's Administrator intersects with it: fail."""
    report = pve_scan(tmp_path, capsys, {"etc/pve/user.cfg": USER_CFG + TOKEN_ADMIN})
    status, message = pve_result(report, "HVA-311", "pve-h1")
    assert (status, message) == (
        "fail",
        "tokens with their user's full rights: alice@corp!terraform (privsep 1, but its own ACL "
        "grants Administrator on / and its user holds Administrator there: the intersection "
        "administers the cluster)",
    )


def test_group_role_replaced_by_the_users_own_no_access_is_not_privilege(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """L13-7 (privileged users): audit@pve is a pve-realm user; put in @webops (WebOperator on
    /pool/web) with its own NoAccess on /pool/web, it holds nothing there (`roles`: its own ACL
    replaces the group's; NoAccess leaves nothing), so HVA-312 does not count it as a privileged
    pve-realm account. It failed as one."""
    text = USER_CFG.replace("group:webops:bob@corp::", "group:webops:bob@corp,audit@pve::")
    text += "acl:1:/pool/web:audit@pve:NoAccess:\n"
    report = pve_scan(tmp_path, capsys, {"etc/pve/user.cfg": text})
    assert pve_result(report, "HVA-312", "pve-h1") == (
        "pass",
        "directory realm(s) corp; no privileged pam or pve user but root@pam",
    )


def test_group_role_reaching_a_pve_user_is_privilege(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin (held): the same membership without the user's own NoAccess: WebOperator reaches
    audit@pve, a privileged pve-realm account: fail."""
    text = USER_CFG.replace("group:webops:bob@corp::", "group:webops:bob@corp,audit@pve::")
    report = pve_scan(tmp_path, capsys, {"etc/pve/user.cfg": text})
    assert pve_result(report, "HVA-312", "pve-h1") == (
        "fail",
        "privileged users outside the directory: audit@pve (directory realms: corp)",
    )
