"""R34 elif-chain probes of resources.py and management.py beyond the known sites (7a, 7b in
tests/test_r34_elif_probes.py): a check that asks a subject's first open condition and stops
leaves a later one (a question, sometimes a fail) unasked, so an attested "yes" to the first
question passes the check: a false pass.

Harness: each probe builds a subject with two open conditions through the real collector,
parser and engine (conftest's host_scan replay; tests/test_redteam30_domain_probes._scan for a
daemon that refused a domain), holds each condition alone (the test_*_harness_* tests), asks for
the exact status, message and question with both, and answers "yes" to the FIRST condition's
own question (asked with it alone) in an attestation TOML read by the CLI's loader and applied
with apply_attestations, as `hvaudit scan --attestations` does (test_r34_elif_probes._attest_yes):
on main each such "yes" passed the check.

Findings (class: elif chain asks only the first open question; false pass):
- R34R-1 HVA-090: a pinned VM whose <shares> is one cgroup version's default weight on a host
  whose cgroup version was not read (R30T-2's question) beside a domain the daemon refused,
  which may run on the pinned CPUs (R28D-3's question): main asked only the weight, and "yes"
  passed the VM. The chain ran platform limitation, CPU count, weight, run state, unread guests
  and unread next definitions (unread_peers) as elif branches; now every open one is asked in
  one item after the fails (resources._joined, joint_question).
- R34R-2 HVA-070: a VM on huge pages of the host's default size with free page reporting
  (R15-2's question) and a <memtune><soft_limit> on a host whose cgroup version was not read
  (VL18-8's question): main asked only the page size, and "yes, 1 GiB" passed the VM with its
  priority (a throttle on cgroup v2) never asked; a simulated host's locked VM likewise asked
  only whether its hard limit is below the host's RAM. Now both are asked in one item.
- R34R-3 HVA-131: a polkit grant behind an action test hvaudit does not read (R18H-5's
  question) beside rules that read domain_name with no literal hvaudit recognises, and no
  per-VM rule it reads: main asked only the unread grant, and "yes, no domain action" passed
  the host with no rule known to narrow by VM. Now both in one item (joined_asks).
- R34R-4 HVA-141: nsswitch passwd through ldap (the directory's uid-0 question) and through
  systemd's userdb, not read: main asked only the directory, and "yes, only root" passed the
  host with userdb's records (which carry any uid) never asked. Now one question names both.
- R34R-5 HVA-140: the same pair for logins: the directory's question hid userdb's accounts (and
  SFTP-only accounts); now one question counts them together ("at most N in all").
- R34R-6 HVA-161: AllowGroups naming the only login account's shared primary group (leads10's
  useradd question) hid a Match block setting `AllowGroups *` (a fail alone) and unread Match
  blocks: "yes" passed the host. Now the fail; unread blocks are asked with the question.
- R34R-7 HVA-142: sudo's `Defaults targetpw` question hid the merged, passworded and unresolved
  groups (a group password's question the unresolved groups): "yes" passed the host with
  %dcadmins' members never counted. Now one item, the principals counted together.

Held: each condition alone keeps its own message and question (the harness tests); a fail
still wins over every question.

Tally: 7 sites (HVA-090, HVA-070, HVA-131, HVA-141, HVA-140, HVA-161, HVA-142), 7 probes of
the false pass (plus 7 harness tests), each failing on main before its fix (5 older tests that
encoded the first question only were updated with R34R-1/R34R-2).

Leads left: count questions joined by joint_question ("A, and B") where each part passes alone
but not together (checks outside these two modules); HVA-034's moved-listener question over
open DN lists (whose "yes" passes a TLS listener admitting any certificate) and unread SASL;
HVA-090 with unread guests: another running domain's unread next definition (unread_peers) is
not added beside R28D-3's question, which names the unread guests only.
"""

from __future__ import annotations

from pathlib import Path

from conftest import domain_xml, messages, outcomes
from test_r34_elif_probes import _attest_yes, _items

UNREAD_MOUNTS = ("", 2, "grep: /proc/mounts: Permission denied\n")

# --- R34R-1: HVA-090, a default weight's question asked, a refused domain's never --------------

#: web01 with a priority of 1024 (cgroup v1's default weight), a limit, its one vCPU on CPU 3
PINNED_1024 = (
    "<cputune><shares>1024</shares><quota>50000</quota><vcpupin vcpu='0' cpuset='3'/></cputune>"
)
HAVE_090 = (
    "reservation: all 1 vCPU(s) pinned (<vcpupin>) to host CPU(s) 3, used by no other running "
    "or autostart VM; limit: quota 50000 us; priority: cputune shares 1024"
)
WEIGHT_090 = (
    "cputune shares 1024 is the default CPU weight on cgroup v1, and the cgroup version of host "
    "hv1 is not known (the cgroup mounts were not read: exited 2)"
)


def _r34r_1(tmp_path: Path, *, refused: bool, mounts: bool):
    from test_redteam30_domain_probes import _scan

    return _scan(
        tmp_path,
        body=PINNED_1024,
        refused=refused,
        host=None if not mounts else {"cgroup-mounts": UNREAD_MOUNTS},
    )


def test_r34r_1_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the default weight on an unread cgroup version alone is R30T-2's question; the
    refused domain alone is R28D-3's."""
    from test_redteam28_domain_probes import REFUSED, REFUSED_UUID

    a = _r34r_1(tmp_path, refused=False, mounts=True)
    assert outcomes(a, "HVA-090") == {"web01": "manual"}
    assert messages(a, "HVA-090")["web01"] == f"{HAVE_090}; {WEIGHT_090}"
    a = _r34r_1(tmp_path, refused=True, mounts=False)
    assert outcomes(a, "HVA-090") == {"web01": "manual", REFUSED_UUID: "error"}
    assert messages(a, "HVA-090")["web01"] == (
        f"{HAVE_090}; not read, may use the pinned host CPUs: domain {REFUSED_UUID} "
        f"(libvirt/domains/{REFUSED_UUID}.xml: collection failed ({REFUSED}))"
    )


def test_r34r_1_hva090_yes_to_weight_question_passes_over_refused_domain(tmp_path: Path) -> None:
    """Both open: main asked only whether shares 1024 is a priority; "yes" passed HVA-090 with
    the refused domain, which may run on host CPU 3, never asked. Now one item asks both."""
    from test_redteam28_domain_probes import REFUSED, REFUSED_UUID

    first = _items(_r34r_1(tmp_path, refused=False, mounts=True), "HVA-090")[("vm", "web01")][1]
    a = _r34r_1(tmp_path, refused=True, mounts=True)
    asked = _items(a, "HVA-090")[("vm", "web01")][1] or ""
    _attest_yes(a, "HVA-090", "vm", "web01", tmp_path, question=first)
    assert outcomes(a, "HVA-090")["web01"] == "manual", asked
    assert messages(a, "HVA-090")["web01"] == (
        f"{HAVE_090}; {WEIGHT_090}; not read, may use the pinned host CPUs: domain "
        f"{REFUSED_UUID} (libvirt/domains/{REFUSED_UUID}.xml: collection failed ({REFUSED}))"
    )
    assert first and asked.startswith(first.partition("? Evidence:")[0] + ", and do the guests")


# --- R34R-2: HVA-070, the default huge page size asked, the priority's cgroup never ------------

#: tests/test_redteam15_vm_probes' hpdef: huge pages of the host's default size, reported free
HUGE_DEFAULT_BODY = (
    "<memtune><hard_limit unit='MiB'>2048</hard_limit><soft_limit unit='MiB'>1024"
    "</soft_limit></memtune><memoryBacking><hugepages/></memoryBacking>"
    "<devices><memballoon model='virtio' freePageReporting='on'/></devices>"
)
HUGE_DEFAULT = domain_xml("hpdef", body=HUGE_DEFAULT_BODY)
#: 1 GiB pages, which no guest reports free (test_redteam15_vm_probes' hp1g keeps the pass)
HUGE_1G = "<hugepages><page size='1' unit='GiB'/></hugepages>"
LIMITS = "memtune hard_limit 2097152 KiB; memtune soft_limit 1048576 KiB; configured size 1.0 GiB"
HUGE_070 = (
    "huge pages back the memory, but <memballoon freePageReporting='on'>: QEMU gives every free "
    "page the guest reports back to the host; the host's default huge page size backs it"
)
CGROUP_070 = (
    "the cgroup version of host hv1 is not known (the cgroup mounts were not read: exited 2): "
    "on cgroup v2 libvirt writes <memtune><soft_limit> to memory.high, a throttle that "
    "reclaims the VM above it whether or not the host is short of memory, not a priority"
)


def test_r34r_2_harness_each_condition_alone(host_scan) -> None:
    """Held: on the hardened host (cgroup v1 memory) the default huge pages alone are R15-2's
    question; with the mounts unread and no huge pages, the soft_limit is VL18-8's question."""
    a = host_scan(domains=[HUGE_DEFAULT])
    assert outcomes(a, "HVA-070") == {"hpdef": "manual"}
    assert messages(a, "HVA-070")["hpdef"] == f"{HUGE_070} ({LIMITS})"
    plain = domain_xml("soft", body=HUGE_DEFAULT_BODY.replace("<hugepages/>", HUGE_1G))
    a = host_scan({"cgroup-mounts": UNREAD_MOUNTS}, domains=[plain])
    assert outcomes(a, "HVA-070") == {"soft": "manual"}, messages(a, "HVA-070")
    assert "the cgroup version of host hv1 is not known" in messages(a, "HVA-070")["soft"]


def test_r34r_2_hva070_yes_to_page_size_question_passes_over_priority(
    host_scan, tmp_path: Path
) -> None:
    """Both open: main asked only whether the host's default huge page is 1 GiB; "yes" passed
    HVA-070 while the soft_limit, a throttle rather than a priority on cgroup v2, was never
    asked. Now one item asks both."""
    first = _items(host_scan(domains=[HUGE_DEFAULT]), "HVA-070")[("vm", "hpdef")][1]
    a = host_scan({"cgroup-mounts": UNREAD_MOUNTS}, domains=[HUGE_DEFAULT])
    asked = _items(a, "HVA-070")[("vm", "hpdef")][1] or ""
    _attest_yes(a, "HVA-070", "vm", "hpdef", tmp_path, question=first)
    assert outcomes(a, "HVA-070") == {"hpdef": "manual"}, asked
    assert messages(a, "HVA-070")["hpdef"] == f"{LIMITS}; {HUGE_070}; {CGROUP_070}"
    assert first and asked.startswith(
        "Is the default huge page size of host hv1 1 GiB, and does VM hpdef have a memory "
        "reclaim priority on host hv1? Evidence: "
    ), asked


# --- R34R-3: HVA-131, an unread grant asked, rules reading domain_name with no literal never ----

OPS = "/etc/polkit-1/rules.d/60-ops.rules"


def _r34r_3(host_scan, *, unread: bool, mention: bool):
    from test_host_leads15 import POLKIT, _if, _rule

    rules = POLKIT.replace('.indexOf("web-") == 0', ".indexOf(prefix) == 0") if mention else POLKIT
    grant = 'action.id.substr(0, 23) == "org.libvirt.api.domain." && subject.isInGroup("ops")'
    extra = _rule(OPS, _if(grant, "YES")) if unread else ""
    return host_scan({"polkit-rules": (rules + extra, 0)})


UNREAD_131 = (
    f"{OPS} (action test action.id.substr(0, 23) not read) may grant libvirt domain actions on "
    "every VM (no domain_name or domain_uuid test) in a way hvaudit does not read"
)
MENTION_131 = (
    "/etc/polkit-1/rules.d/80-libvirt-acl.rules read domain_name or domain_uuid, but compare it "
    "with no literal name, prefix or pattern hvaudit recognises"
)


def test_r34r_3_harness_each_condition_alone(host_scan) -> None:
    """Held: the unread grant beside the hardened per-VM rule alone is R18H-5's question; the
    per-VM rule comparing domain_name with a variable alone is the mention question."""
    a = _r34r_3(host_scan, unread=True, mention=False)
    assert outcomes(a, "HVA-131") == {"hv1": "manual"}
    assert messages(a, "HVA-131") == {"hv1": UNREAD_131}
    a = _r34r_3(host_scan, unread=False, mention=True)
    assert outcomes(a, "HVA-131") == {"hv1": "manual"}
    assert messages(a, "HVA-131") == {"hv1": MENTION_131}


def test_r34r_3_hva131_yes_to_unread_grant_passes_over_unrecognised_rules(
    host_scan, tmp_path: Path
) -> None:
    """Both open, no rule hvaudit reads as per-VM: main asked only whether the unread grant
    leaves out domain actions; "yes" passed HVA-131 although whether any rule narrows by VM was
    never asked. Now one item asks both."""
    first = _items(_r34r_3(host_scan, unread=True, mention=False), "HVA-131")[("host", "hv1")][1]
    a = _r34r_3(host_scan, unread=True, mention=True)
    asked = _items(a, "HVA-131")[("host", "hv1")][1] or ""
    _attest_yes(a, "HVA-131", "host", "hv1", tmp_path, question=first)
    assert outcomes(a, "HVA-131") == {"hv1": "manual"}, asked
    assert messages(a, "HVA-131") == {"hv1": f"{UNREAD_131}; {MENTION_131}"}
    assert first and asked.startswith(first.partition("? Evidence:")[0] + ", and do the rules")


# --- R34R-4: HVA-141, the directory's uid-0 question asked, userdb's never ----------------------


def _nss(modules: str) -> str:
    return f"passwd:         {modules}\ngroup:          {modules}\nhosts: files dns\n"


def _r34r_4(host_scan, modules: str):
    from test_host_leads10 import NO_DROPINS

    ops = ("/etc/userdb/ops.user\n", 1, NO_DROPINS[2].split("\n", 1)[1])
    return host_scan({"/etc/nsswitch.conf": _nss(modules), "userdb-records": ops})


ROOT_141 = "root is the only uid-0 account in /etc/passwd"
LDAP_141 = "nsswitch passwd also resolves accounts through ldap, whose uid 0 accounts were not read"
USERDB_141 = "nsswitch passwd also resolves accounts through systemd (userdb): it provides ops"


def test_r34r_4_harness_each_condition_alone(host_scan) -> None:
    """Held: passwd through ldap alone is the directory question (R10H-3's kin); through
    systemd with /etc/userdb/ops.user alone is the userdb question (HL10-2)."""
    a = _r34r_4(host_scan, "files ldap")
    assert (outcomes(a, "HVA-141"), messages(a, "HVA-141")) == (
        {"hv1": "manual"},
        {"hv1": f"{ROOT_141}; {LDAP_141}"},
    )
    a = _r34r_4(host_scan, "files systemd")
    assert (outcomes(a, "HVA-141"), messages(a, "HVA-141")) == (
        {"hv1": "manual"},
        {"hv1": f"{ROOT_141}; {USERDB_141}"},
    )


def test_r34r_4_hva141_yes_to_directory_question_passes_over_userdb(
    host_scan, tmp_path: Path
) -> None:
    """Both open: main asked only whether the directory holds another uid-0 account; "yes,
    only root" passed HVA-141 with userdb's ops record, which may state uid 0, never asked.
    Now one question names both sources."""
    first = _items(_r34r_4(host_scan, "files ldap"), "HVA-141")[("host", "hv1")][1]
    a = _r34r_4(host_scan, "files ldap systemd")
    asked = _items(a, "HVA-141")[("host", "hv1")][1] or ""
    _attest_yes(a, "HVA-141", "host", "hv1", tmp_path, question=first)
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, asked
    assert messages(a, "HVA-141") == {"hv1": f"{ROOT_141}; {LDAP_141}; {USERDB_141}"}
    assert asked == (
        "Is root the only account with uid 0 on host hv1, directory accounts and userdb "
        "accounts included? Evidence: `getent passwd | awk -F: '$3 == 0'` on host hv1 (with "
        "enumeration on), the directory's search for uidNumber=0 or `ypcat passwd` (NIS), and "
        "nss_min_uid in /etc/nslcd.conf or the idmap ranges in smb.conf; `userdbctl user "
        "--output=classic` on host hv1 (the third field is the uid). Pass: only root; fail: any "
        "other account has uid 0."
    )


# --- R34R-5: HVA-140, the directory's login question asked, userdb's accounts never -----------

MSG_140 = "2 account(s) with a login shell (limit 3): root, alice"
LDAP_140 = (
    "nsswitch passwd also resolves accounts through ldap, whose login restrictions were not read"
)


def test_r34r_5_harness_each_condition_alone(host_scan) -> None:
    """Held: passwd through ldap alone is the directory question; through systemd with
    /etc/userdb/ops.user alone is the userdb question (HL10-2)."""
    a = _r34r_4(host_scan, "files ldap")
    assert (outcomes(a, "HVA-140"), messages(a, "HVA-140")) == (
        {"hv1": "manual"},
        {"hv1": f"{MSG_140}; {LDAP_140}"},
    )
    a = _r34r_4(host_scan, "files systemd")
    assert (outcomes(a, "HVA-140"), messages(a, "HVA-140")) == (
        {"hv1": "manual"},
        {"hv1": f"{MSG_140}; {USERDB_141}"},
    )


def test_r34r_5_hva140_yes_to_directory_question_passes_over_userdb(
    host_scan, tmp_path: Path
) -> None:
    """Both open: main asked only whether at most 3 accounts log in with the directory's;
    "yes" passed HVA-140 with userdb's ops (any shell its record states) never counted. Now
    one question counts both together."""
    first = _items(_r34r_4(host_scan, "files ldap"), "HVA-140")[("host", "hv1")][1]
    a = _r34r_4(host_scan, "files ldap systemd")
    asked = _items(a, "HVA-140")[("host", "hv1")][1] or ""
    _attest_yes(a, "HVA-140", "host", "hv1", tmp_path, question=first)
    assert outcomes(a, "HVA-140") == {"hv1": "manual"}, asked
    assert messages(a, "HVA-140") == {"hv1": f"{MSG_140}; {LDAP_140}; {USERDB_141}"}
    assert asked.startswith(
        "Can at most 3 accounts log in to host hv1, directory accounts and userdb accounts "
        "included? Evidence: pam_authz_search in /etc/nslcd.conf (ldap), "
    ), asked
    assert asked.endswith("Pass: at most 3 accounts in all, counted together; fail: more."), asked


# --- R34R-6: HVA-161, the shared primary group asked, a Match block admitting everyone never ----

ONE_161 = {
    "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\n"
    "alice:x:1000:100:Alice Admin:/home/alice:/bin/bash\n",
    "/etc/group": "root:x:0:\nusers:x:100:\nalice:x:1000:\n",
}
SHARED_161 = (
    "AllowGroups users: users (gid 100) is the primary group of the only local login account of "
    "uid 1000 and up (alice), not a group of its own: useradd gives it to accounts created later "
    "where USERGROUPS_ENAB is no"
)


def _r34r_6(host_scan, *, shared: bool, match: bool):
    from test_redteam9_host_probes import _allow_groups

    over = {**_allow_groups("users" if shared else "alice"), **ONE_161}
    if not shared:
        over["/etc/passwd"] = ONE_161["/etc/passwd"].replace(":1000:100:", ":1000:1000:")
    if match:
        over["/etc/ssh/sshd_config"] += "Match Address 10.0.0.0/8\n  AllowGroups *\n"
    return host_scan(over)


def test_r34r_6_harness_each_condition_alone(host_scan) -> None:
    """Held: users, the primary group of the only login account, alone is leads10's question; a
    Match block setting `AllowGroups *` alone fails (every list in force admits every name)."""
    a = _r34r_6(host_scan, shared=True, match=False)
    assert (outcomes(a, "HVA-161"), messages(a, "HVA-161")) == (
        {"hv1": "manual"},
        {"hv1": SHARED_161},
    )
    a = _r34r_6(host_scan, shared=False, match=True)
    assert outcomes(a, "HVA-161") == {"hv1": "fail"}, messages(a, "HVA-161")


def test_r34r_6_hva161_shared_group_question_hides_match_block_fail(
    host_scan, tmp_path: Path
) -> None:
    """Both: main asked only whether useradd gives each new account its own group; "yes"
    passed HVA-161 while a Match block lets every name in from 10.0.0.0/8 (a fail alone). Now
    the fail."""
    alone = _r34r_6(host_scan, shared=False, match=True)
    a = _r34r_6(host_scan, shared=True, match=True)
    assert outcomes(a, "HVA-161") == {"hv1": "fail"}, messages(a, "HVA-161")
    assert messages(a, "HVA-161") == {
        "hv1": messages(alone, "HVA-161")["hv1"].replace("allowgroups alice", "allowgroups users")
    }
    assert "sets allowgroups *, which admits every name" in messages(a, "HVA-161")["hv1"]


# --- R34R-7: HVA-142, sudo's rootpw question asked, an unresolved group's members never ---------

TARGETPW = "/etc/sudoers.d/suse:Defaults targetpw"
EVERYONE_142 = "/etc/sudoers.d/suse:ALL ALL=(ALL) ALL"
DCADMINS = "/etc/sudoers.d/d:%dcadmins ALL=(ALL) ALL"
PAM_142 = (
    "sudoers lets every user run commands as root under `Defaults targetpw`, which asks for "
    "root's password, not the caller's; sudo's PAM stack (which checks it: /etc/pam.d/sudo, else "
    "/usr/lib/pam.d/sudo) is not in the evidence"
)


def _r34r_7(host_scan, *lines: str):
    from test_redteam21_audit_probes import _sudoers

    return host_scan(_sudoers(*lines))


def test_r34r_7_harness_each_condition_alone(host_scan) -> None:
    """Held: a rule for ALL under `Defaults targetpw` alone is R21D-1's question; %dcadmins,
    whose members are not in the evidence, alone is the group question."""
    a = _r34r_7(host_scan, TARGETPW, EVERYONE_142)
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}
    assert messages(a, "HVA-142")["hv1"].endswith(PAM_142)
    a = _r34r_7(host_scan, DCADMINS)
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}
    assert messages(a, "HVA-142")["hv1"].endswith(
        "; the members of %dcadmins are not in the evidence"
    )


def test_r34r_7_hva142_yes_to_pam_question_passes_over_unresolved_group(
    host_scan, tmp_path: Path
) -> None:
    """Both open: main asked only whether /etc/pam.d/sudo demands root's password; "yes"
    passed HVA-142 with the members of %dcadmins (any number of administrators) never counted.
    Now one item asks both."""
    first = _items(_r34r_7(host_scan, TARGETPW, EVERYONE_142), "HVA-142")[("host", "hv1")][1]
    a = _r34r_7(host_scan, TARGETPW, EVERYONE_142, DCADMINS)
    asked = _items(a, "HVA-142")[("host", "hv1")][1] or ""
    _attest_yes(a, "HVA-142", "host", "hv1", tmp_path, question=first)
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}, asked
    message = messages(a, "HVA-142")["hv1"]
    assert message.endswith(f"; the members of %dcadmins are not in the evidence; {PAM_142}"), (
        message
    )
    assert first and asked.startswith(first.partition("? Evidence:")[0] + ", and do %dcadmins")
