"""R51 sweep: the admin-path stat probes of libvirt's and the container daemons' sockets recorded
absent (R50S's lead; the team's decision of round 51: a socket stat recorded absent is unread,
as R50S-1 decided for the kubeconfigs).

Harness: the conftest host_scan replay (HARDENED_HOST) over libvirt's test driver, assessed by
the real engine; an override of None records the probe absent ("command not found"), as the
collector's runners do for a missing executable (collect/runner.py SshRunner.run: exit 127).
The replay host now answers container-sockets as stat does where no container daemon's socket
exists (exit 1, "No such file or directory" for each path, GNU coreutils stat.c do_stat), and
libvirt-sockets names each missing modular daemon's socket on stderr the same way.

Findings:
- R51S-1 (false pass) HVA-142: libvirt-sockets or container-sockets (`stat -c '%a %U %G %n'`
  of libvirt's and the container daemons' API sockets) recorded absent was read by
  parse.host._admins like an older bundle's silence: no socket, nothing asked, and HVA-142
  passed on the sudoers and group members alone, though a group-writable socket is root
  (R23A-2, R25A-1). Now unavailable, naming the stat to run.
- R51S-2 (wording) HVA-142: a fail whose extra principals a drop-in grants (a file sudoers
  includes, /etc/sudoers.d/NAME, or an /etc/doas.d snippet, doas.conf(5) as Alpine's doas
  reads them after /etc/doas.conf, R36A-1) listed the principals only, so the auditor trimmed
  /etc/sudoers, whose own rules are narrow, and the drop-in stayed (the team's decision of
  round 51). Now each such file is named with whom it adds (parse.host._admins fills
  HostFacts.admin_dropins: the principals a file's rules add beyond the files sudo read before
  it, a chained `(alice)` Runas rule included).
- R51S-3 (false pass) HVA-230: ovs-vsctl recorded absent (not found) read as "no Open
  vSwitch" (_ovs_bridges: no bond port) though `ip -d link` lists ovs-system, the datapath
  ovs-vswitchd creates (a containerised Open vSwitch, Kolla's openvswitch_vswitchd, keeps
  ovs-vsctl in its container): the host's Linux bond passed and an OVS bond of two ports of
  one card went unread. Now the OVS bonds are unread, a question.
- R51S-5 (false pass) HVA-142: polkit-rules or doas-d (`grep -R -H ""` of polkit's rules.d
  directories, of /etc/doas.d) recorded absent (grep not found) read as no rule: a rule
  granting org.libvirt.unix.manage to a group, or a doas.d snippet permitting one, went
  unweighed and HVA-142 passed. Now unavailable, naming the grep to run; the replay host
  answers doas-d as grep does where /etc/doas.d does not exist (exit 2, "No such file").
- R51S-4 (wording) HVA-230: the question where the OVS bond ports are unread was the generic
  "Does this hold for this host: bond members are on different adapters? Evidence: the
  setting, file or command output it names ...". Now it names what answers it
  (ovs-vswitchd(8) `ovs-appctl bond/show`, where ovs-vswitchd runs, and ethtool(8) `-i`
  bus-info for each member).

Held:
- a drop-in that grants only whom /etc/sudoers already grants names no file (it widens
  nothing), and a fail from /etc/sudoers alone names no drop-in.
- ovs-vsctl recorded absent with no ovs-system datapath is still no Open vSwitch: bond0 on
  two cards passes.
- the hardened host with every stat answering (no container socket) passes HVA-142.

Older tests changed: R51S-2's fails from a sudoers.d or doas.d drop-in in test_checks_host,
test_redteam14_host, 21_audit, 21_host3, 24_acct, 36_accounts and 45_accounts; R51S-4's
question in test_r36_sweep_host_probes (OVS_Q).

Probed by script: none.

Tally: 5 findings (3 false pass, 2 wording); 13 cases; 10 failed on main before the fixes.

Leads left: see the report.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_r36_sweep_host_probes import OVS_DOWN, _links

STAT_RUN = "stat -c '%a %U %G %n'"


@pytest.mark.parametrize(
    ("probe", "what"),
    [
        ("libvirt-sockets", "libvirt's sockets"),
        ("container-sockets", "the container daemons' API sockets"),
    ],
)
def test_socket_stat_absent_is_asked(host_scan, probe: str, what: str) -> None:
    """R51S-1 (false pass) HVA-142: a socket stat recorded absent (command not found) is
    unread, never no socket: the question names the stat to run."""
    a = host_scan({probe: None})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}
    assert messages(a, "HVA-142") == {
        "hv1": f"evidence unavailable: {what} were not stat'ed (command not found): the groups "
        f"that may write to them are unknown; `{STAT_RUN}` on each of them answers"
    }


def test_socket_stats_answered_hold(host_scan) -> None:
    """Held: every stat answering (libvirt's two sockets, no container socket, no kubeconfig),
    HVA-142 still passes on the hardened host."""
    a = host_scan()
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}
    assert messages(a, "HVA-142") == {"hv1": "2 administrative principal(s) (limit 3): alice, root"}


SUDOERS = HARDENED_HOST["sudoers"][0]
GROUP = HARDENED_HOST["/etc/group"] + "ops:x:300:bob,carol\n"


@pytest.mark.parametrize(
    ("overrides", "tail"),
    [
        (
            {
                "sudoers": (SUDOERS + "/etc/sudoers.d/90-ops:%ops ALL=(ALL) ALL\n", 0),
                "/etc/group": GROUP,
            },
            "4 administrative principal(s) (limit 3): alice, bob, carol, root; "
            "/etc/sudoers.d/90-ops adds bob, carol",
        ),
        (
            {"sudoers": (SUDOERS + "/etc/sudoers.d/90-ops:ALL ALL=(ALL) NOPASSWD: ALL\n", 0)},
            "3 administrative principal(s) (limit 3): ALL (every user), alice, root; "
            "/etc/sudoers.d/90-ops adds ALL (every user)",
        ),
        (
            {
                "sudoers": (
                    SUDOERS + "/etc/sudoers.d/90-ops:dave ALL=(alice) ALL\n"
                    "/etc/sudoers.d/92-db:erin,frank ALL=(ALL) ALL\n",
                    0,
                )
            },
            "5 administrative principal(s) (limit 3): alice, dave, erin, frank, root; "
            "/etc/sudoers.d/90-ops adds dave; /etc/sudoers.d/92-db adds erin, frank",
        ),
        (
            {
                "doas-d": ("/etc/doas.d/50-ops.conf:permit :ops\n", 0),
                "/etc/group": GROUP,
            },
            "4 administrative principal(s) (limit 3): alice, bob, carol, root; "
            "/etc/doas.d/50-ops.conf adds bob, carol",
        ),
    ],
    ids=["sudoers.d-group", "sudoers.d-all", "sudoers.d-chained", "doas.d"],
)
def test_fail_names_the_dropin_that_widens(host_scan, overrides: dict, tail: str) -> None:
    """R51S-2 (wording) HVA-142: the fail names each drop-in file with whom it adds."""
    a = host_scan(overrides)
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}
    assert messages(a, "HVA-142") == {"hv1": tail}


def test_fail_from_main_sudoers_names_no_dropin(host_scan) -> None:
    """Held: a drop-in granting only alice (whom %sudo in /etc/sudoers grants) widens nothing;
    the fail comes from /etc/sudoers's own rule and names no drop-in."""
    a = host_scan(
        {
            "sudoers": (
                SUDOERS + "/etc/sudoers:%ops ALL=(ALL) ALL\n"
                "/etc/sudoers.d/91-alice:alice ALL=(ALL) ALL\n",
                0,
            ),
            "/etc/group": GROUP,
        }
    )
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}
    assert messages(a, "HVA-142") == {
        "hv1": "4 administrative principal(s) (limit 3): alice, bob, carol, root"
    }


#: HVA-230's question where the OVS bond ports are unread (R51S-4)
OVS_BOND_QUESTION = (
    "Are the members of each Open vSwitch bond port on this host ports of different network "
    "adapters? Evidence: `ovs-appctl bond/show` (each bond and its members), run where "
    "ovs-vswitchd runs (inside its container where Open vSwitch is containerised), and "
    "`ethtool -i MEMBER` (bus-info: the PCI device) for each member. Pass: each bond's "
    "members are on different adapters (PCI devices other than by function number), or Open "
    "vSwitch has none; fail: two members of a bond are on one adapter."
)


def _question(a, check_id: str) -> str | None:
    (q,) = [r.outcome.question for r in a.results if r.check.id == check_id]
    return q


def test_ovs_vsctl_absent_with_datapath_up_is_asked(host_scan) -> None:
    """R51S-3 (false pass) HVA-230: ovs-vsctl not found while ovs-system is up leaves the OVS
    bonds unread; on main bond0 (two cards) passed alone."""
    a = host_scan({"ip-link": (_links(False), 0), "ovs-ports": None})
    assert outcomes(a, "HVA-230") == {"hv1": "manual"}
    assert messages(a, "HVA-230") == {
        "hv1": "evidence unavailable: ovs-vsctl was not found (command not found), though Open "
        "vSwitch's datapath (ovs-system) is up: its bond ports are unread"
    }
    assert _question(a, "HVA-230") == OVS_BOND_QUESTION


def test_ovs_unread_question_names_what_answers_it(host_scan) -> None:
    """R51S-4 (wording) HVA-230: ovs-vsctl failing, the question names ovs-appctl bond/show
    and ethtool -i, not the generic "the setting, file or command output it names"."""
    a = host_scan({"ip-link": (_links(False), 0), "ovs-ports": OVS_DOWN})
    assert outcomes(a, "HVA-230") == {"hv1": "manual"}
    assert _question(a, "HVA-230") == OVS_BOND_QUESTION


def test_ovs_vsctl_absent_without_datapath_holds(host_scan) -> None:
    """Held: ovs-vsctl not found and no ovs-system datapath: no Open vSwitch, bond0 on two
    cards passes."""
    a = host_scan({"ovs-ports": None})
    assert outcomes(a, "HVA-230") == {"hv1": "pass"}
    assert messages(a, "HVA-230") == {"hv1": "1 bond(s), members on different adapters"}


@pytest.mark.parametrize(
    ("probe", "message"),
    [
        (
            "polkit-rules",
            "evidence unavailable: the polkit rules were not read (command not found): who they "
            'let manage libvirt or run pkexec is unknown; `grep -R -H "" /etc/polkit-1/rules.d '
            "/run/polkit-1/rules.d /usr/local/share/polkit-1/rules.d "
            "/usr/share/polkit-1/rules.d` answers",
        ),
        (
            "doas-d",
            "evidence unavailable: /etc/doas.d was not read (command not found): who doas lets "
            'run commands as root is unknown; `grep -R -H "" /etc/doas.d` answers',
        ),
    ],
)
def test_rule_grep_absent_is_asked(host_scan, probe: str, message: str) -> None:
    """R51S-5 (false pass) HVA-142: polkit's rules or /etc/doas.d recorded absent (grep not
    found) is unread, never no rule."""
    a = host_scan({probe: None})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}
    assert messages(a, "HVA-142") == {"hv1": message}
