"""Red-team round 48 probes: who administers the hypervisor (r48-accounts)

Harness: libvirt's test driver serves one plain VM and host evidence comes from `ReplayRunner`
(conftest's hardened Debian host), through the real collector, parser and engine; each test
asserts the exact status and message of HVA-142 (few principals hold administrative rights).
k3s runs under OpenRC (Alpine's package's /etc/init.d/k3s and /etc/conf.d/k3s, R35A-1), its
kubeconfig chmod'ed 0600 since its last start.

Team decision (R47A-2's lead): k3s in several OpenRC runlevels whose conf.d files differ fails
HVA-142 where any of those files widens the kubeconfig's mode (any start or restart in that
runlevel reads it: OpenRC sh/openrc-run.sh.in sources /etc/conf.d/k3s.$RC_RUNLEVEL, else
/etc/conf.d/k3s), and stays a question only where they differ and none widens.

Findings (R48A-n):
- R48A-1 (false pass, the team decision) HVA-142: where the runlevels k3s is in source different
  files, main asked "which of them k3s's next start reads is unknown" even where one of them
  sets --write-kubeconfig-mode 644 (every user reads k3s.yaml after a start in that runlevel)
  or hands it to a group (640 and --write-kubeconfig-group ops). Now each file openrc-run may
  source is read as its own start (parse.host._k3s_openrc_starts), and whom any of them lets
  read the kubeconfig counts (their rows joined): a fail where they exceed the limit, the
  conf.d probe among the evidence. A start hvaudit cannot read keeps the question, unless
  another start already lets every user read the file (then no start can add anyone).
  Where every file is read and none gives the kubeconfig a wider mode, the verdict is the same
  whichever start comes next, so it is decided (a pass), not asked: the team decision's
  "differ and none widens" question stays where a file is not read.

  R47A-2's two cases (k3s.boot, or conf.d/k3s beside a k3s.default, setting 644) now fail
  with every user counted, in a separate commit.

Held: none new in this area (R47A-2's held cases, k3s in default only and no /etc/runlevels,
still pass, run unchanged).

Probed by script: none.

Tally: 1 finding (1 false pass); 6 cases, 6 failed on main before the fix (4 a manual
outcome where one start widens; 1 a manual outcome now naming the start it cannot read; 1 a
manual outcome where no start widens, now a pass).

Leads left: see the round's report.
"""

from __future__ import annotations

import pytest

from test_redteam26_accounts_probes import BASE, PASS2, _142
from test_redteam33_accounts_probes import K3S_YAML, _grep
from test_redteam35_accounts_probes import ALPINE_CONFD, ALPINE_INIT, CONFD, INIT
from test_redteam47_accounts_probes import BOOT, DEFAULT_OPTS, GROUP, WIDE_OPTS, _runlevels

OPS_OPTS = ALPINE_CONFD + 'K3S_OPTS="--write-kubeconfig-mode 640 --write-kubeconfig-group ops"\n'
DEBUG_OPTS = ALPINE_CONFD + 'K3S_OPTS="--debug"\n'
UNREAD_OPTS = ALPINE_CONFD + 'K3S_OPTS="$(cat /etc/k3s-opts)"\n'
EVERY = ("fail", "3 administrative principal(s) (limit 3): ALL (every user), alice, root")
OPS = ("fail", "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root")


def _unknown(what: str) -> tuple[str, str]:
    return (
        "manual",
        f"evidence unavailable: {what}: the mode and group k3s gives {K3S_YAML} at its next "
        "start are unknown",
    )


@pytest.mark.parametrize(
    ("confd", "levels", "boot", "expected"),
    [
        (DEFAULT_OPTS, ("boot", "default"), WIDE_OPTS, EVERY),
        (WIDE_OPTS, ("boot",), DEFAULT_OPTS, EVERY),
        (DEFAULT_OPTS, ("boot",), OPS_OPTS, OPS),
        (WIDE_OPTS, ("boot",), UNREAD_OPTS, EVERY),
        (
            DEFAULT_OPTS,
            ("boot",),
            UNREAD_OPTS,
            _unknown(
                "where openrc-run sources /etc/conf.d/k3s.boot, /etc/init.d/k3s's command_args "
                "is shell hvaudit does not read"
            ),
        ),
        (DEFAULT_OPTS, ("boot",), DEBUG_OPTS, PASS2),
    ],
    ids=[
        "boot-wide",
        "default-wide",
        "boot-group",
        "unread-beside-wide",
        "unread-asked",
        "none-widens-decided",
    ],
)
def test_each_runlevel_file_read(
    host_scan, confd: str, levels: tuple[str, ...], boot: str, expected: tuple[str, str]
) -> None:
    """R48A-1 (false pass) HVA-142: k3s in runlevel boot (and default) reads /etc/conf.d/k3s.boot
    at a start in boot and /etc/conf.d/k3s at one in default; main asked which, even where
    either sets a wider mode. Now whom any start lets read k3s.yaml counts; a start hvaudit
    cannot read stays a question unless another already lets every user read it."""
    over = {
        **BASE,
        "/etc/group": GROUP,
        "kube-admin-configs": (f"600 root root {K3S_YAML}\n", 0, ""),
        "k3s-config": _grep((INIT, ALPINE_INIT), (CONFD, confd)),
        "k3s-service-unit-files": None,
        "k3s-openrc-runlevels": _runlevels(*levels),
        "k3s-openrc-confd": _grep((BOOT, boot)),
    }
    a = host_scan(over)
    assert _142(a) == expected
    if expected[0] == "fail":
        (result,) = [r for r in a.results if r.check.id == "HVA-142"]
        assert any("k3s-openrc-confd" in str(ref) for ref in result.outcome.evidence)
