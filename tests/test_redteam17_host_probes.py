"""Seventeenth red-team review, host side (rt17-host).

DOCSTRING-PLACEHOLDER
"""

from __future__ import annotations

from conftest import HARDENED_HOST, messages, outcomes

PASSWD = str(HARDENED_HOST["/etc/passwd"])
GROUP = str(HARDENED_HOST["/etc/group"])
QEMU_CONF = str(HARDENED_HOST["/etc/libvirt/qemu.conf"])


# --- /etc/group names listed twice (R17H-1) ------------------------------------------------------

BOB_CAROL = "bob:x:1001:1001::/home/bob:/bin/bash\ncarol:x:1002:1002::/home/carol:/bin/bash\n"


def test_group_name_listed_twice_has_its_first_gid(host_scan) -> None:
    """R17H-1. glibc's nss_files getgrnam (nss/nss_files/files-grp.c `DB_LOOKUP (grnam, ...)`,
    read with `find_string`) breaks at the first entry of the name, so with `libvirt-qemu:x:0:`
    before Debian's `libvirt-qemu:x:64055:` libvirt's virGetGroupID resolves qemu.conf's
    `group = "libvirt-qemu"` to gid 0 and every QEMU runs in group root. hvaudit kept the last
    entry (64055) and passed HVA-042. Right: R16H-2's fail."""
    a = host_scan(
        {
            "/etc/group": GROUP.replace(
                "libvirt-qemu:x:64055:", "libvirt-qemu:x:0:\nlibvirt-qemu:x:64055:"
            )
        }
    )
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}, messages(a, "HVA-042")
    assert messages(a, "HVA-042") == {
        "hv1": "qemu.conf sets group = libvirt-qemu (gid 0 in /etc/group): QEMU runs in group root"
    }


def test_group_name_listed_twice_second_gid_0_is_not_used(host_scan) -> None:
    """R17H-1's twin (wrong fail): `libvirt-qemu:x:0:` after the first entry is never what
    getgrnam returns, so QEMU runs with gid 64055. hvaudit kept the last entry and failed.
    Held now: the pass on the running process."""
    a = host_scan({"/etc/group": GROUP + "libvirt-qemu:x:0:\n"})
    assert outcomes(a, "HVA-042") == {"hv1": "pass"}, messages(a, "HVA-042")


def test_group_name_listed_twice_counts_every_entrys_members(host_scan) -> None:
    """R17H-1. getgrouplist reads the whole file (files-initgroups.c "We have to iterate over
    the entire file") and gives bob and carol gid 27 from a second `sudo:x:27:bob,carol`
    entry; sudo matches %sudo by the names of the user's gids (or by gid), so alice, bob and
    carol all run commands as root. hvaudit kept only the last entry's members and passed
    HVA-142 with "3 administrative principal(s) (limit 3): bob, carol, root". Right: four, a
    fail."""
    a = host_scan(
        {"/etc/group": GROUP + "sudo:x:27:bob,carol\n", "/etc/passwd": PASSWD + BOB_CAROL}
    )
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142") == {
        "hv1": "4 administrative principal(s) (limit 3): alice, bob, carol, root"
    }
