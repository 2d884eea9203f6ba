"""Known leads on the KVM/libvirt host side (issue 8, session 12), taken up by leads-host.

Same harness as tests/test_host_leads13.py: conftest's hardened Debian host replayed through the
real collector, parser and engine, changed only where a test says so; each test asserts the
exact status and message.

- HL14-2 (false pass) HVA-142 passed "2 administrative principal(s) (limit 3): alice, root"
  with `group: files [SUCCESS=merge] sss` in nsswitch.conf: glibc's NSS_ACTION_MERGE ("nsswitch:
  Add group merging support", libc-alpha 2016: "If the group is also found in the next entry
  ..., the member list of the second entry will be added to the group object"; nss_action_parse
  reads MERGE case-insensitively) gives the local sudo and libvirt groups the directory's
  members too. Now the question naming the merged groups (their directory members are not
  counted: there may be none). Fixed.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

NSSWITCH = str(HARDENED_HOST["/etc/nsswitch.conf"])
GROUP_LINE = "group:          files sss"
assert GROUP_LINE in NSSWITCH


def _question(a, check: str) -> str:
    return next(str(r.outcome.question) for r in a.results if r.check.id == check)


# --- HVA-142: nsswitch group merging (HL14-2) ------------------------------------------------------

MERGED_MSG = (
    "2 administrative principal(s) (limit 3): alice, root; nsswitch merges the members sss "
    "holds into %libvirt, %sudo, which are not in the evidence"
)


@pytest.mark.parametrize(
    "line", ["group: files [SUCCESS=merge] sss", "group: files [ success = MERGE ] sss systemd"]
)
def test_group_merge_with_the_directory_is_asked(host_scan, line: str) -> None:
    """`group: files [SUCCESS=merge] sss`: the directory's members of sudo and libvirt join the
    local groups' (glibc NSS_ACTION_MERGE). hvaudit passed on /etc/group alone."""
    a = host_scan({"/etc/nsswitch.conf": NSSWITCH.replace(GROUP_LINE, line)})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}, messages(a, "HVA-142")
    msg = MERGED_MSG.replace("sss holds", "sss, systemd holds") if "systemd" in line else MERGED_MSG
    assert messages(a, "HVA-142") == {"hv1": msg}
    where = "sss, systemd" if "systemd" in line else "sss"
    assert _question(a, "HVA-142") == (
        "Do the members of %libvirt, %sudo as the host resolves them, together with the other "
        "principals listed, number at most 3 named administrators? Evidence: `getent group` for "
        f"each on the host (nsswitch.conf's group line merges {where}'s members into the local "
        "groups). Pass: at most 3 principals in all; fail: more."
    )


@pytest.mark.parametrize(
    "line", ["group: files sss [SUCCESS=merge]", "group: files [NOTFOUND=return] sss"]
)
def test_group_merge_with_nothing_after_it_still_passes(host_scan, line: str) -> None:
    """A merge after the last source merges nothing; other actions are not merges."""
    a = host_scan({"/etc/nsswitch.conf": NSSWITCH.replace(GROUP_LINE, line)})
    assert messages(a, "HVA-142") == {"hv1": "2 administrative principal(s) (limit 3): alice, root"}
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}


def test_group_merge_over_the_limit_still_fails(host_scan) -> None:
    """The local members alone already exceed the limit: a fail, as without the merge."""
    group = str(HARDENED_HOST["/etc/group"]).replace("sudo:x:27:alice", "sudo:x:27:alice,bob,carol")
    a = host_scan(
        {
            "/etc/nsswitch.conf": NSSWITCH.replace(GROUP_LINE, "group: files [SUCCESS=merge] sss"),
            "/etc/group": group,
        }
    )
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}
    assert messages(a, "HVA-142") == {
        "hv1": "4 administrative principal(s) (limit 3): alice, bob, carol, root"
    }
