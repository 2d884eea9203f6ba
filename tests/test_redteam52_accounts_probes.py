"""Red-team round 52 probes: who administers the hypervisor (r52-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host: qemu.conf user = "libvirt-qemu"), through the real collector,
parser and engine; each test asserts the exact status and message of HVA-142.

Team decision (R51A's lead): a sudo or doas rule that runs commands as QEMU's own account
counts its principals as administrators for HVA-142: that account owns every VM's disk images
and runs every QEMU.

Findings (R52A-n):
- R52A-1 (false pass, the team decision) HVA-142: parse.host _sudo_runas gives the accounts a
  rule acts as, and _admins counted the rule's users only where one of those accounts is
  itself an administrator: `%staff ALL=(libvirt-qemu) ALL` (and `NOPASSWD: /usr/bin/qemu-img`,
  `(libvirt-qemu:libvirt-qemu)`, qemu.conf's own `user = "vmrun"` or `"+990"`, Fedora's
  build default `qemu` with qemu.conf's user unset, doas's `permit :staff as libvirt-qemu`)
  passed "2 administrative principal(s) (limit 3): alice, root" with staff's bob and carol
  uncounted, while QEMU runs as that account and libvirt's DAC driver hands it every VM's
  disks and devices (qemu.conf user: "The user for QEMU processes run by the system
  instance", a name, else a uid, "+N" a uid; libvirt meson.build: QEMU_USER "libvirt-qemu"
  on Debian, Ubuntu and Arch, "qemu" on Fedora, RHEL, Gentoo and SUSE). Now parse.host
  _qemu_accounts (qemu.conf's user, else the build defaults passwd holds) joins the
  administrators in _admins' chain: acting as one of them counts the rule's users.
- R52A-2 (needless question, team decision 2, the `%G` lead of rounds 42 to 51) HVA-142: a
  sudoers `%G` (directly or through a User_Alias) and a pam_group users field `%G` naming a
  group /etc/group lacks, with nsswitch's group line `files` alone, were "%ops (members not
  read)" and asked, while no group by that name exists: sudo's plugins/sudoers/match.c
  usergr_matches tests user_in_group (getgrnam through NSS), asking the group plugin for a
  Unix group only with `group_plugin` and `always_query_group_plugin`; libpam's
  pam_modutil_ingroup.c pam_modutil_user_in_group_common returns 0 `if (grp == NULL)`. Now
  parse.host _admins' no_such_group reads such a name as no one (sudo: unless a Defaults
  sets group_plugin); any other group source, no group line, or an unread nsswitch.conf
  keeps the question.
- R52A-3 (false pass, R51A's lead) HVA-151: parse.pam unread_auth_files assumed a
  NON_AUTH_INCLUDES name (postlogin, common-account, common-session ...) authless even where
  the bundle shows it in neither /etc/pam.d nor /usr/lib/pam.d, so `auth include postlogin`
  (or `@include common-account`, `auth substack common-session`) before a password and a
  one-time code passed "every SSH login needs two factors", while libpam then reads the
  vendor directory's file where it is built with one (Linux-PAM libpam/pam_handlers.c
  _pam_open_config_file, PAM_CONFIG_DIST2_DF; openSUSE's /usr/etc/pam.d), whose auth rules
  (a `sufficient pam_permit.so`) are not in the evidence; built without one, the include
  becomes a rule that fails every run (_pam_parse_conf_file: `handler_type =
  PAM_HT_MUST_FAIL` where _pam_load_conf_file cannot open it). Now such a name is asked as
  any other name neither directory holds (parse.host's `nowhere`); one whose /usr/lib/pam.d
  probe was not collected (an older bundle) keeps the assumption. Two older tests whose
  stacks included a postlogin / common-account their fixture did not hold now give the
  file (separate commit).

Held: acting as an account that neither administers nor runs QEMU (`(deploy)`; libvirt-qemu
where qemu.conf names another user; doas `as tss`) adds no one; `(#64055)` counted on main
already (a #uid Runas is not resolved: every such rule counts). R52A-2: `group: files sss`,
`files systemd`, `files ldap` (pam_group), no group line, and `Defaults group_plugin=...,
always_query_group_plugin` keep "%ops (members not read)" and its question.

Tally: 3 findings (2 false passes, 1 needless question); 22 cases, 13 failed on main before
the fixes (R52A-1: 7 of 8, the `#64055` case and 3 held cases passing on main too; R52A-2: 3
of 3, 5 held; R52A-3: 3 of 3).

Leads left:
- RKE2 under OpenRC and addAdminRule with an unread argument were not reached. A missing
  include on a libpam without a vendordir (Debian, Fedora) fails every PAM login: read as
  that it would decide R52A-3's question there (which distributions build with one is not
  settled). A local group with no member at all under `passwd: files` (nobody)
  and a `%#gid` no group names still ask.
- swtpm_user (default tss): acting as it reads every VM's vTPM state; qemu.conf's `group`
  (the group the DAC driver gives every image) as a sudo `(:group)` is not counted.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_checks_host import SSHD_KBD_ONLY
from test_redteam26_accounts_probes import BASE, FAIL4, PASS2, _142

SUDOERS = str(HARDENED_HOST["sudoers"][0])
"""Debian's /etc/sudoers as `grep -r -H ""` prints it (conftest)."""
QEMU_CONF = str(HARDENED_HOST["/etc/libvirt/qemu.conf"])
FEDORA_QEMU = "qemu:x:107:107:qemu user:/:/sbin/nologin\n"
"""Fedora's qemu account (qemu.conf leaves user unset: libvirt's build default, qemu)."""
VMRUN = "vmrun:x:990:990::/var/lib/vmrun:/usr/sbin/nologin\n"


def _sudo(*rules: str) -> dict[str, object]:
    """The hardened sudoers plus RULES in /etc/sudoers (bob and carol in group staff)."""
    text = SUDOERS + "".join(f"/etc/sudoers:{r}\n" for r in rules)
    return {**BASE, "sudoers": (text, 0)}


def _conf(user: str | None) -> str:
    """qemu.conf with `user` set to USER, or without a user line."""
    body = QEMU_CONF.replace('user = "libvirt-qemu"\n', "")
    return body if user is None else f'user = "{user}"\n' + body


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # Debian: qemu.conf user = libvirt-qemu
        (_sudo("%staff ALL=(libvirt-qemu) ALL"), FAIL4),
        (_sudo("%staff ALL=(libvirt-qemu) NOPASSWD: /usr/bin/qemu-img"), FAIL4),
        (_sudo("%staff ALL=(libvirt-qemu:libvirt-qemu) ALL"), FAIL4),
        (_sudo("%staff ALL=(#64055) ALL"), FAIL4),
        # qemu.conf's own account, by name and by "+uid"
        (
            {
                **_sudo("%staff ALL=(vmrun) ALL"),
                "/etc/passwd": str(BASE["/etc/passwd"]) + VMRUN,
                "/etc/libvirt/qemu.conf": _conf("vmrun"),
            },
            FAIL4,
        ),
        (
            {
                **_sudo("%staff ALL=(vmrun) ALL"),
                "/etc/passwd": str(BASE["/etc/passwd"]) + VMRUN,
                "/etc/libvirt/qemu.conf": _conf("+990"),
            },
            FAIL4,
        ),
        # Fedora: user unset, libvirt's build default qemu
        (
            {
                **_sudo("%staff ALL=(qemu) ALL"),
                "/etc/passwd": str(BASE["/etc/passwd"]) + FEDORA_QEMU,
                "/etc/libvirt/qemu.conf": _conf(None),
            },
            FAIL4,
        ),
        # doas as QEMU's account
        ({**BASE, "/etc/doas.conf": "permit :staff as libvirt-qemu\n"}, FAIL4),
    ],
)
def test_acting_as_qemu_administers(
    host_scan, overrides: dict[str, object], expected: tuple[str, str]
) -> None:
    """R52A-1: a sudo or doas rule letting staff run commands as QEMU's account counts staff."""
    assert _142(host_scan(overrides)) == expected


DEPLOY = "deploy:x:991:991::/srv/deploy:/usr/sbin/nologin\n"


@pytest.mark.parametrize(
    "overrides",
    [
        {**_sudo("%staff ALL=(deploy) ALL"), "/etc/passwd": str(BASE["/etc/passwd"]) + DEPLOY},
        # qemu.conf names its own account: libvirt-qemu is QEMU's no longer
        {
            **_sudo("%staff ALL=(libvirt-qemu) ALL"),
            "/etc/passwd": str(BASE["/etc/passwd"]) + VMRUN,
            "/etc/libvirt/qemu.conf": _conf("vmrun"),
        },
        {**BASE, "/etc/doas.conf": "permit :staff as tss\n"},
    ],
)
def test_acting_as_another_account_held(host_scan, overrides: dict[str, object]) -> None:
    """Held: acting as an account that neither administers nor runs QEMU adds no one."""
    assert _142(host_scan(overrides)) == PASS2


FILES_ONLY = "passwd: files\ngroup: files\n"
OPS_SUDO = "%ops ALL=(ALL:ALL) ALL"
OPS_LOGIN = "sshd;*;%ops;Al0000-2400;sudo\n"
"""pam_group granting sudo at login to the members of ops (group.conf(5) users field %G)."""


def _ops_asked(who: str) -> tuple[str, str]:
    """HVA-142's question for WHO, a principal whose members are not read."""
    listed = ", ".join(sorted([f"{who} (members not read)", "alice", "root"]))
    return (
        "manual",
        f"3 administrative principal(s) (limit 3): {listed}; "
        f"the members of {who} are not in the evidence",
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {**_sudo(OPS_SUDO), "/etc/nsswitch.conf": FILES_ONLY},
        {
            **_sudo("User_Alias OPS = %ops, alice", "OPS ALL=(ALL) ALL"),
            "/etc/nsswitch.conf": FILES_ONLY,
        },
        {**BASE, "/etc/security/group.conf": OPS_LOGIN, "/etc/nsswitch.conf": FILES_ONLY},
    ],
)
def test_group_no_source_holds_adds_nobody(host_scan, overrides: dict[str, object]) -> None:
    """R52A-2: a %G naming a group /etc/group lacks, nsswitch's group line `files` alone."""
    assert _142(host_scan(overrides)) == PASS2


PLUGIN = 'Defaults group_plugin="group_file.so /etc/sudo.group", always_query_group_plugin'


@pytest.mark.parametrize(
    ("overrides", "who"),
    [
        ({**_sudo(OPS_SUDO), "/etc/nsswitch.conf": "passwd: files\ngroup: files sss\n"}, "%ops"),
        (
            {**_sudo(OPS_SUDO), "/etc/nsswitch.conf": "passwd: files\ngroup: files systemd\n"},
            "%ops",
        ),
        ({**_sudo(OPS_SUDO), "/etc/nsswitch.conf": "passwd: files\n"}, "%ops"),
        ({**_sudo(PLUGIN, OPS_SUDO), "/etc/nsswitch.conf": FILES_ONLY}, "%ops"),
        (
            {
                **BASE,
                "/etc/security/group.conf": OPS_LOGIN,
                "/etc/nsswitch.conf": "passwd: files\ngroup: files ldap\n",
            },
            "pam_group users %ops",
        ),
    ],
)
def test_group_another_source_may_hold_asked(
    host_scan, overrides: dict[str, object], who: str
) -> None:
    """Held (R52A-2): a group source beyond /etc/group, no group line, or a sudo group plugin
    asked for Unix groups too keeps the question."""
    assert _142(host_scan(overrides)) == _ops_asked(who)


OTP = "auth required pam_unix.so\nauth required pam_google_authenticator.so\n"
"""A stack that requires a password and a one-time code."""


@pytest.mark.parametrize(
    ("pam", "name"),
    [
        (
            {"/etc/pam.d/sshd": "auth include postlogin\n" + OTP, "/etc/pam.d/postlogin": None},
            "postlogin",
        ),
        ({"/etc/pam.d/sshd": "@include common-account\n" + OTP}, "common-account"),
        ({"/etc/pam.d/sshd": "auth substack common-session\n" + OTP}, "common-session"),
    ],
)
def test_authless_include_in_no_directory_asked_151(
    host_scan, pam: dict[str, object], name: str
) -> None:
    """R52A-3: a name assumed authless that neither /etc/pam.d nor /usr/lib/pam.d holds is
    asked (the vendor directory's file, not collected, may let every login through)."""
    a = host_scan({"sshd-effective": (SSHD_KBD_ONLY, 0), **pam})
    assert (outcomes(a, "HVA-151")["hv1"], messages(a, "HVA-151")["hv1"]) == (
        "manual",
        f"evidence unavailable: sshd's PAM auth stack includes {name} (in neither /etc/pam.d "
        "nor /usr/lib/pam.d; libpam's vendor directory, /usr/etc/pam.d on openSUSE, is not "
        "collected): the factors it requires are unknown",
    )
