"""Sixteenth red-team review, host side (rt16-host).

Same harness as tests/test_redteam15_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message.

Findings:
FINDINGS

Probes that held: PROBES_HELD

Tally: TALLY

Leads left (not probed or not fixed for lack of time):
LEADS
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

PASSWD = str(HARDENED_HOST["/etc/passwd"])
GROUP = str(HARDENED_HOST["/etc/group"])
QEMU_CONF = str(HARDENED_HOST["/etc/libvirt/qemu.conf"])

# --- HVA-141 / HVA-140: a passwd entry with its trailing fields left off (R16H-1) --------------


@pytest.mark.parametrize("entry", ["toor:x:0:0", "toor:x:0:0::", "   toor:x:+0:0:::/bin/sh"])
def test_short_passwd_entry_with_uid_0_is_an_account(host_scan, entry: str) -> None:
    """R16H-1. glibc's nss_files reads /etc/passwd with files-parse.c's LINE_PARSER (read with
    `find_string` and `read_file`, bminor/glibc nss/nss_files/files-parse.c): STRING_FIELD stops
    at the end of the line (`while (*line != '\\0' && !terminator_p (*line))`), so the fields
    after the gid may be missing and are empty; INT_FIELD reads the uid with strtoul (blanks and
    a sign allowed); files-XXX.c internal_getent skips the blanks before an entry.
    `toor:x:0:0` is therefore an account with uid 0, an empty home and the shell /bin/sh
    (passwd(5)), which `su toor` or a password login reaches. hvaudit skipped every line with
    fewer than seven fields and passed HVA-141 "root is the only uid-0 account" (and left toor
    out of HVA-140's login count). Right: the fail naming toor, and toor counted."""
    a = host_scan({"/etc/passwd": PASSWD + entry + "\n"})
    assert outcomes(a, "HVA-141") == {"hv1": "fail"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141") == {"hv1": "uid-0 accounts: root, toor"}
    assert messages(a, "HVA-140") == {
        "hv1": "3 account(s) with a login shell (limit 3): root, alice, toor"
    }


@pytest.mark.parametrize(
    "entry", ["  # toor:x:0:0:::/bin/sh", "toor:x:0_0:0:::/bin/sh", "toor:x:\u0660:0:::/bin/sh"]
)
def test_passwd_lines_glibc_never_reads_keep_the_pass(host_scan, entry: str) -> None:
    """R16H-1's twin (wrong fails). glibc ignores a line whose first non-blank is '#', and
    strtoul reads ASCII digits only and must use up the field (INT_FIELD: `else if (*endp !=
    '\\0') return 0`), so `0_0` and the Arabic-Indic zero are no uid and the line is skipped.
    hvaudit read them with Python's int(), which takes both, and failed HVA-141 on an account
    that does not exist. Held: the pass."""
    a = host_scan({"/etc/passwd": PASSWD + entry + "\n"})
    assert messages(a, "HVA-141") == {"hv1": "root is the only uid-0 account"}
    assert outcomes(a, "HVA-141") == {"hv1": "pass"}


# --- HVA-042: a group entry without a member list (R16H-2) -----------------------------------


def test_group_entry_without_member_list_has_its_gid(host_scan) -> None:
    """R16H-2. glibc's files-grp.c parses `name:passwd:gid` and then the member list with
    parse_list, which stops at the line's end (files-parse.c), so `wheel:x:0` is group wheel
    with gid 0 and no members, as group(5)'s fields read. qemu.conf `group = "wheel"` then
    runs every QEMU in group root (libvirt's virGetGroupID resolves the name; R16H-1's reading,
    one helper _nss_entries for both files). hvaudit skipped group lines with fewer than four
    fields, found no group wheel, and passed HVA-042 on the running QEMU's user. Right: the fail
    group root gets."""
    a = host_scan(
        {
            "/etc/group": GROUP + "wheel:x:0\n",
            "/etc/libvirt/qemu.conf": QEMU_CONF.replace(
                'group = "libvirt-qemu"', 'group = "wheel"'
            ),
        }
    )
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}, messages(a, "HVA-042")
    assert messages(a, "HVA-042") == {
        "hv1": "qemu.conf sets group = wheel (gid 0 in /etc/group): QEMU runs in group root"
    }


def test_group_entry_after_blanks_keeps_its_members(host_scan) -> None:
    """R16H-2's twin: internal_getent skips the blanks before an entry, so `  sudo:x:27:...`
    is group sudo. hvaudit named the group "  sudo" and asked for %sudo's members (manual);
    now the members count: a fail for five principals, as without the blanks."""
    members = "sudo:x:27:alice,bob,carol,dave"
    a = host_scan({"/etc/group": GROUP.replace("sudo:x:27:alice", "  " + members)})
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {
        "hv1": "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root"
    }
