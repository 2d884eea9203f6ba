"""Red-team round 14 on VMware: ground rounds 10-13 (tests/test_redteam1{0,1,2,3}_vmw_probes.py)
did not probe. Each probe names the source it rests on (read with `search`, `find_string`,
`read_file`) and asserts the exact verdict; each finding's probe failed on the code before its
fix.

Findings:

- V14-1 (false pass; and a dropped VM): parse_vmx split a .vmx with str.splitlines() and
  stripped with str.strip(). VMware's reader ends a line at "\r\n", "\n" or "\r" only
  (StdIO_ReadNextLine) and skips only spaces and tabs (DictLL_UnmarshalLine): a form feed or
  U+2028 inside a comment, or a form feed before a key, made hvaudit read
  `isolation.tools.copy.disable = "TRUE"` ahead of the real `= "FALSE"` (the first value wins),
  and HVA-401 passed; an unquoted `TRUE<form feed>` (FALSE to VMware) passed too; and a
  vSphere advanced setting whose value holds U+2028 dropped the VM from the scan. Lines are now
  read with VMware's line ends and white space.
- V14-2 (false pass): keys were folded with str.lower(), which maps the Kelvin sign (U+212A) to
  "k"; VMware folds ASCII letters only (HASH_ISTRING_KEY, tolower() per byte): a
  `isolation.tools.dis<U+212A>shrink.disable = "TRUE"` shadowed the real diskShrink key.
- V14-3 (wrong n/a: a VM dropped): a key holding a byte outside [A-Za-z0-9_.:-[]]
  (`guestinfo.svc/endpoint`) was refused as a bad line and the whole VM left unassessed;
  VMware's names exclude only white space, `=` and `#`.
- V14-4 (other: secrets in the bundle): redact_vmx matched quoted values only and split lines
  with str.splitlines(): an unquoted `RemoteDisplay.vnc.password` and a `guestinfo.*` value
  holding U+2028 reached the bundle in clear. It now reads lines as parse_vmx does.
- V14-5 (false pass): a .vmx with no floppy0 key passed HVA-047 "no floppy"; floppy0.present
  defaults to TRUE (libvirt's vmx.c and its commit 4a39762, which is why ESXi and libvirt write
  `floppy0.present = "FALSE"`). The drive is now counted unless the key switches it off.
- V14-6 (wrong question): HVA-404 asked whether Mem.ShareForceSalting is 2 of a VM without a
  salt on a host that reports 1 ("a VM without a salt is not settled"). vSphere 8.0 Resource
  Management settles it: at 1 such a VM's salt is 0, shared with every unsalted VM. Now a fail.
- V14-7 (false pass): HVA-433 (and HVA-434, which shares the code) did not count a distributed
  port group on a private VLAN: its id (the secondary VLAN id) is a VLAN on the uplinks, and
  management on VLAN 20 beside VMs on PVLAN 20 passed "management alone". Now counted.
- V14-8 (false pass): HVA-418 passed every distributed port group on a private VLAN, on PVLAN 1
  (the native VLAN) or a reserved id too; a private VLAN id is now judged as a VLAN id is.

Held (passing before and after): V14-H1..H4, the reader's rules hvaudit already followed (DOS
"\r\n" and lone "\r" line ends, `|22` escapes inside a value, tabs around `=`); the twins of
V14-5 (`floppy0.present = "FALSE"`), V14-6 (an empty salt at 1 is the VM's own), V14-7 (PVLAN 30
beside management on VLAN 20) and V14-8 (PVLAN 30 passes HVA-418).

Probes: 21 test cases (15 functions). 13 failed on the code before their fix (main 5e36599 for
V14-1..5; main as it stood just before each of V14-6, V14-7 and V14-8 landed), at least one per
finding; 8 held.

Leads left (not settled in the time):
- ESXi's /etc/vmware/config gives every VM of the host defaults for .vmx keys (isolation.tools.*,
  vhv.enable); HVA-401 and HVA-049 pass an absent key on VMware's built-in default, and neither
  the vSphere API nor an offline .vmx shows that file (no VMware source read settles which keys
  it may set).
- HVA-402: tools.setInfo.sizeLimit = 0 still passes as "at most the 1 MB default" (what 0 means
  to the VMX is not in any source read); "0x100000" or an octal value fails though VMware's
  strtol may read it within the limit (a wrong fail, vmx_long would settle it).
- HVA-428 trusts HostCapability.uefiSecureBoot as the boot state; its API description was not
  reached (the HostCapability page found stops before it).
- A distributed trunk port group's ranges reach the host record as their first VLAN only
  (`vlan: [start, ...]`): HVA-192 says "inherits trunk of VLANs [0]" for a 0-4094 trunk (the
  verdict is right; the message understates the trunk). PVLAN primaries are not read: VMs on an
  isolated PVLAN whose primary is the management VLAN are not counted by HVA-433.
- A NIC without ethernetN.virtualDev: VMware picks a default by guest OS (vlance for some), which
  HVA-047 does not count as pcnet; the default table was not found.
- render_vmx drops extraConfig keys outside [A-Za-z0-9_.:-[]] (now harmless to the parser);
  whether hostd can store a key with leading or trailing white space, which VMware's reader would
  fold onto the plain key, was not settled.
- Not read by any check (gaps, not false verdicts): VM fault-tolerance encryption
  (config.ftEncryptionMode), VM logging (logging, log.keepOld, log.rotateSize),
  tools.guest.desktop.autolock, ethernetN.filterN.name, the ESXi SSH daemon settings
  (ESXI-80-000202..211), the dcui account's shell and key persistence, Config.HostAgent.log.level,
  Syslog.global.certificate.strictX509Compliance, and VirtualMachineVMCIDevice.
  allowUnrestrictedCommunication through the API (ESXi before 5.1 only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hvaudit.cli import main
from test_redteam11_vmw_probes import _verdict
from test_redteam13_vmw_probes import _mgmt_host, _vsphere
from test_redteam17_vmw_probes import own_keys
from test_vmx import scan

# VMware's own reader of .vmx files, as published (LGPL) in open-vm-tools (read with
# `find_string`/`read_file`): bora/lib/dict/dictll.c DictLL_UnmarshalLine ("<ws> is a sequence
# spaces and/or tabs"; its ws_in table holds space and tab only), bora/lib/misc/vmstdio.c
# StdIO_ReadNextLine (a line ends at "\r\n", "\n" or "\r"), bora/lib/misc/hashTable.c
# (HASH_ISTRING_KEY: `tolower()` of each byte).


def _offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, check_id: str
) -> list[tuple[str, str, str]]:
    """One .vmx read offline (vmx+dir://): (subject, status, message) of `check_id`."""
    folder = tmp_path / "dc"
    folder.mkdir()
    (folder / "v1.vmx").write_bytes(data)
    _, report = scan(folder, capsys)
    return [
        (r["subject"]["name"], r["status"], r["message"])
        for r in report["results"]
        if r["check_id"] == check_id
    ]


OPEN_CLIPBOARD = ("v1", "fail", "set to FALSE: isolation.tools.copy.disable")


# --- V14-1: line ends and white space VMware does not know -----------------------------------------


@pytest.mark.parametrize(
    "hidden",
    [
        # form feed inside a comment: one comment line to VMware, two lines to str.splitlines()
        b'# moved from the old cluster\x0cisolation.tools.copy.disable = "TRUE"\n',
        # U+2028 LINE SEPARATOR inside a comment (UTF-8 e2 80 a8)
        b'# note\xe2\x80\xa8isolation.tools.copy.disable = "TRUE"\n',
        # a key that begins with a form feed: another key to VMware (its name runs from the
        # first byte that is not a space or a tab), the isolation key to str.strip()
        b'\x0cisolation.tools.copy.disable = "TRUE"\n',
    ],
    ids=["form-feed-in-comment", "line-separator-in-comment", "form-feed-before-key"],
)
def test_hidden_line_does_not_shadow_the_real_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], hidden: bytes
) -> None:
    """VMware reads a line to "\\r\\n", "\\n" or "\\r" (StdIO_ReadNextLine) and skips only spaces
    and tabs (DictLL_UnmarshalLine's ws_in). parse_vmx split with str.splitlines(), which also
    breaks at form feed, vertical tab, \\x1c-\\x1e, U+0085, U+2028 and U+2029, and stripped
    with str.strip(): text VMware reads as a comment, or as another key, became
    `isolation.tools.copy.disable = "TRUE"` ahead of the real `= "FALSE"`, and since the first
    value of a key wins (V10-2) HVA-401 passed "every isolation key is TRUE or absent" for a VM
    whose clipboard VMware opens. Right: fail."""
    data = b'displayName = "v1"\n' + hidden + b'isolation.tools.copy.disable = "FALSE"\n'
    assert _offline(tmp_path, capsys, data, "HVA-401") == [OPEN_CLIPBOARD]


def test_unquoted_value_ends_at_a_space_or_tab_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """V14-1, the value: an unquoted value runs to the first space, tab or `#`
    (DictLL_UnmarshalLine: wsp_out, "Everything but NUL, space, tab and pound"), so
    `TRUE<form feed>` is the value "TRUE\\f", no boolean, which VMware reads as FALSE
    (Dictionary_StringToBool, V10-1). str.strip() made it "TRUE": pass. Right: fail."""
    data = b'displayName = "v1"\nisolation.tools.copy.disable = TRUE\x0c\n'
    # the value named, its form feed escaped (L19-2D)
    assert _offline(tmp_path, capsys, data, "HVA-401") == [
        (
            "v1",
            "fail",
            'set to FALSE: isolation.tools.copy.disable = "TRUE\\f" (VMware reads it as FALSE)',
        )
    ]


# --- V14-2: keys folded to lower case beyond ASCII ---------------------------------------------------


def test_kelvin_sign_key_is_not_the_isolation_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """VMware's dictionary keys are case-insensitive through HASH_ISTRING_KEY, which hashes
    `tolower()` of each byte (ASCII letters only in the C locale). str.lower() maps the Kelvin
    sign U+212A to "k": `isolation.tools.dis\u212ashrink.disable = "TRUE"` was read as the
    diskShrink key ahead of the real `= "FALSE"` (the first value wins), and HVA-401 passed.
    To VMware it is another key, and disk shrinking is open. Right: fail."""
    data = (
        'displayName = "v1"\nisolation.tools.dis\u212ashrink.disable = "TRUE"\n'
        'isolation.tools.diskShrink.disable = "FALSE"\n'
    ).encode()
    assert _offline(tmp_path, capsys, data, "HVA-401") == [
        ("v1", "fail", "set to FALSE: isolation.tools.diskShrink.disable")
    ]


# --- V14-3: a key VMware accepts dropped the whole VM -----------------------------------------------


def test_key_with_other_characters_keeps_the_vm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DictLL_UnmarshalLine: "<name> does not contain any whitespace or = or #"; any other byte
    may be in a key (an advanced setting added by hand or through the API, "transferred
    directly to the .vmx file"). parse_vmx took keys of [A-Za-z0-9_.:-[]] only and refused
    `guestinfo.svc/endpoint = "..."` as a bad line: the whole VM was dropped, and every VM check
    said "no vm on this host to evaluate" (one parse error) for a VM whose clipboard is open.
    Right: the VM is assessed: fail."""
    data = (
        b'displayName = "v1"\nguestinfo.svc/endpoint = "https://x"\n'
        b'isolation.tools.copy.disable = "FALSE"\n'
    )
    assert _offline(tmp_path, capsys, data, "HVA-401") == [OPEN_CLIPBOARD]


# --- held: the reader's rules that hvaudit already followed ------------------------------------------


@pytest.mark.parametrize(
    ("data", "want"),
    [
        # DOS line ends (StdIO_ReadNextLine: "\r\n")
        (
            b'displayName = "v1"\r\nisolation.tools.copy.disable = "FALSE"\r\n',
            OPEN_CLIPBOARD,
        ),
        # a lone "\r" ends a line too ("the legacy Mac (pre-OS X) way")
        (
            b'displayName = "v1"\r# c\risolation.tools.copy.disable = "FALSE"\r',
            OPEN_CLIPBOARD,
        ),
        # `|22` decodes to `"` inside a value: "TRUE" in quotes is no boolean, FALSE
        (
            b'displayName = "v1"\nisolation.tools.copy.disable = "|22TRUE|22"\n',
            (
                "v1",
                "fail",
                "set to FALSE: isolation.tools.copy.disable = "
                '"\\"TRUE\\"" (VMware reads it as FALSE)',  # the value named (L19-2D)
            ),
        ),
        # a tab around `=` and before a comment is white space to VMware
        (
            b'displayName = "v1"\nisolation.tools.copy.disable\t=\t"FALSE"\t# x\n',
            OPEN_CLIPBOARD,
        ),
    ],
    ids=["crlf", "lone-cr", "escaped-quotes", "tabs"],
)
def test_reader_rules_held(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    want: tuple[str, str, str],
) -> None:
    """Held probes (V14-H1..H4): each already failed before this round."""
    assert _offline(tmp_path, capsys, data, "HVA-401") == [want]


def test_api_value_with_a_line_separator_keeps_the_vm(tmp_path: Path) -> None:
    """V14-1 through the vSphere API: an advanced setting's value is any text ("transferred
    directly to the .vmx file", OptionValue extraConfig), and ESXi writes non-ASCII bytes as
    they are (DictLL_MarshalLine escapes `"`, `|`, 0x7F and control characters but tab: "0x80 to
    0xff are unescaped so characters in encodings like UTF-8 will be displayed normally").
    render_vmx does the same, so `guestinfo.note = "a<U+2028>b"` reached parse_vmx, whose
    str.splitlines() cut it into two bad lines: the VM was dropped from the scan (every VM check
    "no vm on this host to evaluate", one parse error) for a VM whose clipboard is open.
    Right: the VM is assessed: fail."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx

    props = {
        "name": "vm-1",
        "config.extraConfig": [
            vim.option.OptionValue(key="guestinfo.note", value="a\u2028b"),
            vim.option.OptionValue(key="isolation.tools.copy.disable", value="FALSE"),
        ],
    }
    a = _vsphere(tmp_path, {}, vmx=render_vmx(props, {}))
    assert _verdict(a, "HVA-401", "vm-1") == (
        "fail",
        "set to FALSE: isolation.tools.copy.disable",
    )


# --- V14-4: secrets of a .vmx that the bundle kept ---------------------------------------------------


def test_unquoted_and_multiline_looking_secrets_are_redacted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DictLL_UnmarshalLine reads `<name> = <value>` unquoted as well as quoted, and only
    "\\r\\n", "\\n" and "\\r" end a line (StdIO_ReadNextLine). redact_vmx matched quoted values
    only and split with str.splitlines(): an unquoted console password
    (`RemoteDisplay.vnc.password = hunter3-fake`) and a `guestinfo.*` value holding U+2028 were
    written into the bundle in clear. Right: both redacted."""
    folder = tmp_path / "dc"
    folder.mkdir()
    (folder / "v1.vmx").write_text(
        'displayName = "v1"\nRemoteDisplay.vnc.enabled = "TRUE"\n'
        "RemoteDisplay.vnc.password = hunter3-fake\n"
        'guestinfo.token = "tok3-fake\u2028more"\n',
        encoding="utf-8",
    )
    bundle = tmp_path / "b"
    assert main(["collect", "--connect", f"vmx+dir://{folder}", "-o", str(bundle)]) == 0
    capsys.readouterr()
    blob = b"".join(p.read_bytes() for p in bundle.rglob("*") if p.is_file())
    assert b"hunter3-fake" not in blob and b"tok3-fake" not in blob
    assert blob.count(b"***REDACTED***") == 2


# --- V14-5: floppy0 is present unless a .vmx says otherwise ------------------------------------------


def test_vmx_without_floppy_keys_has_the_drive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """libvirt commit 4a39762 (read with `search`): "floppy0.present defaults to true.
    Therefore, it needs to be explicitly set to false when the XML config doesn't specify the
    corresponding floppy device"; its src/vmx/vmx.c (virVMXFormatConfig, read with
    `read_file`) writes `floppy0.present = "false"` for that reason ("defaults to true, disable
    it explicitly"), as ESXi does for a VM without a floppy drive. A .vmx with no floppy0 key
    (libvirt's minimal-64bit.vmx, a hand-written or converted VM) passed HVA-047 "no floppy":
    the drive was counted only where some floppy0.* key was written. Right: fail naming it."""
    data = b'displayName = "v1"\nvirtualHW.version = "4"\nguestOS = "other-64"\n'
    assert _offline(tmp_path, capsys, data, "HVA-047") == [
        ("v1", "fail", "emulated legacy devices: floppy drive")
    ]


def test_vmx_with_floppy_switched_off_held(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twin of V14-5 (held): `floppy0.present = "FALSE"`: no floppy, as before; the pass is
    withheld as HVA-444's question since L18-3 (/etc/vmware/settings overrides the VM's own
    device keys)."""
    data = b'displayName = "v1"\nfloppy0.present = "FALSE"\n'
    assert _offline(tmp_path, capsys, data, "HVA-047") == [
        (
            "v1",
            "manual",
            "no floppy, IDE, sound, USB redirection, smartcard, rtl8139/ne2k/pcnet NIC, cirrus or vmvga "
            "(VMware SVGA) video or USB tablet, mouse or keyboard; but /etc/vmware/settings on "
            "host offline-vmx, not read, takes precedence over the VM's own settings (HVA-444)",
        )
    ]


# --- V14-6: HVA-404 at Mem.ShareForceSalting 1 -------------------------------------------------------


def _salted(tmp_path: Path, forced: int, extra: list[Any]) -> tuple[str, str]:
    """HVA-404 of one VM (its .vmx rendered by the collector from `extra` advanced settings) on a
    host whose Mem.ShareForceSalting is `forced`."""
    from hvaudit.collect.vsphere import render_vmx

    props = {"name": "vm-1", "config.extraConfig": extra}
    a = _vsphere(
        tmp_path, {"advanced": {"Mem.ShareForceSalting": forced}}, vmx=render_vmx(props, {})
    )
    return _verdict(a, "HVA-404", "vm-1")


def test_no_salt_at_share_force_salting_1_shares_with_every_unsalted_vm(tmp_path: Path) -> None:
    """vSphere 8.0 Resource Management, "Advanced Memory Attributes" (docs.vmware.com
    GUID-D98E6EC9, read with `search`): at Mem.ShareForceSalting 1 "the salt value is taken from
    sched.mem.pshare.salt; if it is not specified, it falls back to the old (inter-VM) TPS
    behaviour, treating the VM's salt values as 0" (and KB 2097593's table has the same row).
    HVA-404 asked "Is Mem.ShareForceSalting 2 on the host ... fail: 0 or 1" of a VM whose host
    reports 1, "a VM without a salt is not settled": a question the evidence answers. Right:
    fail."""
    assert _salted(tmp_path, 1, []) == (
        "fail",
        "no sched.mem.pshare.salt, host Mem.ShareForceSalting = 1: the VM's salt is 0, shared "
        "with every VM of the host that has no salt",
    )


def test_empty_salt_at_share_force_salting_1_held(tmp_path: Path) -> None:
    """Twin of V14-6 (held): an empty salt is a salt of the VM's own ("If the
    sched.mem.pshare.salt is present but empty, the VM gets its own unique salt", the host's
    option description): pass, as before."""
    from pyVmomi import vim

    salt = vim.option.OptionValue(key="sched.mem.pshare.salt", value="")
    assert _salted(tmp_path, 1, [salt]) == own_keys(  # V17-1: the host's settings file decides
        (
            "pass",
            "sched.mem.pshare.salt is empty, host Mem.ShareForceSalting = 1: the VM gets its own "
            "unique salt",
        ),
        "esx1",
    )


# --- V14-7: HVA-433 and a private VLAN port group on the management VLAN -----------------------------


def _mgmt_beside_pvlan(tmp_path: Path, pvlan: int) -> tuple[str, str]:
    """HVA-433 of a host whose vmk0 carries management alone on a standard port group of VLAN
    20, with vCenter's distributed port group Tenants on private VLAN `pvlan`."""
    host = _mgmt_host("esx1", 20)
    del host["name"]
    tenants = {
        "key": "dvportgroup-9",
        "name": "Tenants",
        "switch": "dvs1",
        "uplink": False,
        "security": {"allowPromiscuous": False, "macChanges": False, "forgedTransmits": False},
        "vlan": {"kind": "pvlan", "id": pvlan},
        "overrides": {"vlanOverrideAllowed": False},
    }
    a = _vsphere(tmp_path, host, dvs={"switches": [], "portgroups": [tenants]})
    return _verdict(a, "HVA-433")


def test_private_vlan_port_group_on_the_management_vlan(tmp_path: Path) -> None:
    """vSphere API (read with `search`): VmwareDistributedVirtualSwitchPvlanSpec.pvlanId "The
    secondaryVlanId"; VMwareDVSPvlanMapEntry: "The primary VLAN ID. The VLAN IDs of 0 and 4095
    are reserved", and "A VMwareDVSPvlanMapEntry that has the same value for primaryVlanId and
    secondaryVlanId is referred to as a primary PVLAN entry" (promiscuous). A private VLAN id is
    a VLAN id on the uplinks: VMs on the promiscuous PVLAN 20 are on VLAN 20. HVA-433 read only
    VLAN-id and trunk port groups and passed "management alone on vmk0 VLAN 20" beside such a
    port group. Right: fail, as for a port group on VLAN 20."""
    assert _mgmt_beside_pvlan(tmp_path, 20) == (
        "fail",
        "vmk0 VLAN 20 shared with Tenants (private VLAN)",
    )


def test_private_vlan_port_group_on_another_vlan_held(tmp_path: Path) -> None:
    """Twin of V14-7 (held): Tenants on private VLAN 30: pass, as before."""
    assert _mgmt_beside_pvlan(tmp_path, 30) == ("pass", "management alone on vmk0 VLAN 20")


# --- V14-8: HVA-418 and a private VLAN on the native or a reserved VLAN ------------------------------


def _tenants_on(tmp_path: Path, pvlan: int) -> tuple[str, str]:
    tenants = {
        "key": "dvportgroup-9",
        "name": "Tenants",
        "switch": "dvs1",
        "uplink": False,
        "security": {"allowPromiscuous": False, "macChanges": False, "forgedTransmits": False},
        "vlan": {"kind": "pvlan", "id": pvlan},
        "overrides": {"vlanOverrideAllowed": False},
    }
    a = _vsphere(tmp_path, {}, dvs={"switches": [], "portgroups": [tenants]})
    return _verdict(a, "HVA-418", "Tenants")


@pytest.mark.parametrize(
    ("pvlan", "want"),
    [
        (
            1,
            (
                "fail",
                "distributed port group Tenants is on private VLAN 1, the physical switches' "
                "default native VLAN",
            ),
        ),
        (
            1010,
            (
                "manual",
                "distributed port group Tenants is on private VLAN 1010, which physical "
                "switches often reserve",
            ),
        ),
    ],
)
def test_private_vlan_on_the_native_or_a_reserved_vlan(
    tmp_path: Path, pvlan: int, want: tuple[str, str]
) -> None:
    """VMwareDVSPvlanMapEntry (vSphere API, read with `search`): primary and secondary VLAN ids,
    of which only "0 and 4095 are reserved and cannot be used"; a port group's pvlanId is "The
    secondaryVlanId". PVLAN 1 is VLAN 1 on the uplinks, and 1010 is a VLAN Catalyst switches
    reserve (VCSA-80-000274), yet HVA-418 passed any private VLAN ("is on private VLAN 1"),
    while the same id as a VLAN fails (native) or is asked (reserved). Right: the same."""
    assert _tenants_on(tmp_path, pvlan) == want


def test_private_vlan_on_an_ordinary_vlan_held(tmp_path: Path) -> None:
    """Twin of V14-8 (held): private VLAN 30: pass, as before."""
    assert _tenants_on(tmp_path, 30) == (
        "pass",
        "distributed port group Tenants is on private VLAN 30",
    )
