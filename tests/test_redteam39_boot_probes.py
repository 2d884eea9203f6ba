"""Red-team round 39 probes: boot, SELinux's enforcing= on the next boot (r39boot)

Harness: tests/test_redteam38_boot_probes.py's `_scan` (conftest's `host_scan`, the hardened
Debian host replayed through the real collector, parser and engine, with test_host_verdicts5's
SELINUX: SELinux enforcing now, libvirt's selinux secmodel), /etc/selinux/config as given (a
PermissionError: unread), the next boot's line in /etc/default/grub.

Findings (R39B-n):

- R39B-1 (wrong fail; and a question that asked too little) HVA-043 (devices._lsm_off,
  _lsm_next_boot, _selinux_config_next_boot): R37B-2's _lsm_off judged every next-boot
  `enforcing=` word the kernel keeps (the last of its name, before `--`), so `enforcing=1
  enforcing=0` and `foo.enforcing=0 enforcing=0` over SELINUX=enforcing failed "the next boot
  leaves it permissive". libselinux's selinux_init_load_policy (libselinux/src/load_policy.c,
  read with `read_file`) takes the mode from the FIRST `enforcing=` substring of /proc/cmdline
  (only where it starts the line or follows white space), else the config file's, and sets it
  over the kernel's own reading (`orig_enforce = rc = security_getenforce(); ... if
  (orig_enforce != *enforce) { rc = security_setenforce(*enforce);`): both boot enforcing.
  Now enforcing= is judged only per line as libselinux reads it (_first_enforcing); with the
  config file unread, every line's first enforcing= reading 0 fails, some lines' make the
  question ask which line boots next as well as the file's mode.

Held (kept as tests): `enforcing=0 enforcing=1` (first reads 0) fails over SELINUX=enforcing
and with the file unread (now with R38B-2's message naming the first word); `enforcing=1 --
enforcing=0` passes; the file unread with `enforcing=1` alone is the file's question.

Probed by script, not kept: none. No e2e run: the e2e host has no SELinux (no
/sys/fs/selinux), so HVA-043's selinux path cannot reach its verdicts.

Tally: 1 finding (1 wrong fail); 8 cases in 4 test functions. On main d93357d 6 of 8 failed:
3 wrong fails (`enforcing=1 enforcing=0` over SELINUX=enforcing and with the file unread,
`foo.enforcing=0 enforcing=0`), 3 on the message only (the two first-zero fails, and the
unread-file partial case, a question there too, now asking which line boots as well).

Leads left:
- A quoted `enforcing="1"` in /etc/default/grub: GRUB's script lexer drops the quotes in
  grub.cfg's `linux` line (grub_create_loader_cmdline re-quotes only words with spaces), so
  /proc/cmdline likely reads enforcing=1; not confirmed with `search`, not probed.
- _lsm_next_boot's next_boot_adds drops a word the live line has; _selinux_config_next_boot
  does not: a live `enforcing=0` with SELinux enforcing now is not probed.
- mds=off alone while TAA's mitigation keeps MDS on fails HVA-181 (a cautious wrong fail).
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_host_verdicts5 import SELINUX_PASS
from test_redteam38_boot_probes import _scan

ENF = "SELINUX=enforcing\n"
UNREAD = PermissionError("permission denied")
ZERO = (
    "selinux confines QEMU on the running kernel, but libselinux takes the first "
    "enforcing= of the next boot's line over /etc/selinux/config, and it reads 0: SELinux "
    "boots permissive (enforcing=0 in /etc/default/grub)"
)
NOTREAD = f"{SELINUX_PASS}; but the mode /etc/selinux/config gives the next boot was not read"


@pytest.mark.parametrize(
    "nxt", ["enforcing=1 enforcing=0", "foo.enforcing=0 enforcing=0", "enforcing=1 -- enforcing=0"]
)
def test_r39b_1_only_the_first_enforcing_sets_the_mode(host_scan, nxt: str) -> None:
    """R39B-1 (wrong fail) HVA-043: libselinux takes only the first enforcing= substring (none
    inside `foo.enforcing=`), over the kernel's last one: SELINUX=enforcing stands."""
    a = _scan(host_scan, ENF, nxt)
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": SELINUX_PASS}


@pytest.mark.parametrize("config", [ENF, UNREAD], ids=["enforcing", "unread"])
def test_r39b_1_held_a_first_zero_fails(host_scan, config: object) -> None:
    """R39B-1 held: `enforcing=0 enforcing=1` boots permissive (the first reads 0), the config
    file's mode, read or not, notwithstanding."""
    a = _scan(host_scan, config, "enforcing=0 enforcing=1")
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": ZERO}


@pytest.mark.parametrize(
    ("nxt", "said"),
    [
        ("enforcing=1 enforcing=0", NOTREAD),
        ("enforcing=1", NOTREAD),
    ],
    ids=["first-one", "one"],
)
def test_r39b_1_held_an_unread_config_is_its_question(host_scan, nxt: str, said: str) -> None:
    """R39B-1 (wrong fail on main for `enforcing=1 enforcing=0`; `enforcing=1` held): with the file unread and the first enforcing= not 0, the file's mode
    (SELINUX=disabled loads no policy whatever the line) is the question."""
    a = _scan(host_scan, UNREAD, nxt)
    assert outcomes(a, "HVA-043") == {"hv1": "manual"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": said}


def test_r39b_1_an_unread_config_and_some_zero_lines_ask_both(host_scan) -> None:
    """R39B-1 HVA-043: the file unread and one next-boot line's first enforcing= reading 0: the
    question asks which line boots next as well as the file's mode (before, _lsm_off's word
    asked it; the file's question alone would pass a boot of the permissive line)."""
    from test_host_verdicts5 import SELINUX
    from test_redteam21_boot_probes import _boot, _grub
    from test_redteam22_boot2_probes import LIVE

    a = host_scan(
        {
            **SELINUX,
            "/etc/selinux/config": UNREAD,
            "/proc/cmdline": LIVE.format(""),
            "boot-cmdline": _boot(
                _grub("quiet enforcing=1"), ("/etc/kernel/cmdline", "root=/dev/sda1 enforcing=0")
            ),
        }
    )
    assert outcomes(a, "HVA-043") == {"hv1": "manual"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": f"{NOTREAD}, and the first enforcing= of some of the next boot's command lines "
        "reads 0 (enforcing=0 in /etc/kernel/cmdline)"
    }
    (q,) = [r.outcome.question for r in a.results if r.check.id == "HVA-043"]
    assert q == (
        "Which kernel command line does host hv1 boot next, and does /etc/selinux/config on "
        "host hv1 set SELINUX=enforcing? Evidence: the boot loader's default entry there "
        "(`grubby --info=DEFAULT` or `bootctl list`); `grep ^SELINUX= /etc/selinux/config` on "
        "hv1. Pass: one of /etc/default/grub, and its first SELINUX= line says enforcing; fail: "
        "one of /etc/kernel/cmdline (SELinux boots permissive), or permissive or disabled, or no "
        "such line (SELinux boots permissive or off)."
    )
