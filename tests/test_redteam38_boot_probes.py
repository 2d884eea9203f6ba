"""Red-team round 38 probes: boot, kernel command line (r38boot)

Harness: conftest's `host_scan` (the hardened Debian host, replayed through the real collector,
parser and engine, one libvirt test-driver VM) with test_host_verdicts5's SELINUX (an SELinux
host enforcing now, libvirt's selinux secmodel), changed only where a probe says so: the next
boot's line by tests/test_redteam21_boot_probes.py's `_boot`/`_grub`, the running line by
tests/test_redteam22_boot2_probes.py's LIVE, /etc/selinux/config as given (None: absent).

Findings (R38B-n):

- R38B-1 (false pass) HVA-043 (devices._model_outcome, new _selinux_config_next_boot;
  collect.host FileProbe /etc/selinux/config, parse.host._selinux_config): /etc/selinux/config
  was not collected, so an SELinux host enforcing now (a `setenforce 1` that lasts until the
  reboot) passed "libvirt confines QEMU with SELinux, enforcing" where the file says
  SELINUX=permissive or disabled, or is absent. libselinux's selinux_init_load_policy
  (libselinux/src/load_policy.c, read with `read_file`) sets the mode at every boot:
  "Command line argument takes precedence, then config file", `*enforce = 0; /* unspecified
  or disabled */` where neither says, and SELINUX=disabled (seconfig -1) loads no policy
  (`goto noload`) whatever the line says; selinux_config.c selinux_getenforcemode takes the
  first line starting exactly with `SELINUX=` whose value starts with enforcing, permissive or
  disabled (any case); the line's override is the first `enforcing=` substring only where it
  starts the line or follows white space. Now the file is collected and judged: permissive,
  absent or no mode with no enforcing= override on every next-boot line fails, disabled fails,
  an override on some lines only is a question, the file unread is a question.
- R38B-2 (false pass) HVA-043 (devices._selinux_config_next_boot, _first_enforcing): an
  `enforcing=0` after the kernel's `--` passed (R37B-2's _lsm_off reads the next boot's words
  up to `--`, kernel_params), though libselinux reads the whole of /proc/cmdline (load_policy.c:
  fgets of the line, then strstr "enforcing=", no stop at `--`) and takes that first
  enforcing= over SELINUX=enforcing: `-- enforcing=0` or `-- enforcing=off` (atoi 0) boots
  SELinux permissive. Now each next-boot line's mode is its first enforcing= libselinux reads,
  else the config file's; where every line is permissive it fails, naming the words.

Held (kept as tests): SELINUX=enforcing (after a `# SELINUX=permissive` comment and a
SELINUXTYPE= line) passes; SELINUX=permissive with the next boot's enforcing=1 passes.
R38B-2: `-- enforcing=1` and `-- enforcing=-1` (no override) over SELINUX=enforcing pass.

Probed by script, not kept: none.

Tally: 2 findings (2 false passes); 14 cases in 6 test functions. R38B-1: 8 of 8 failed on
main b788aaf (7 false passes, the unread file's pass); R38B-2: 2 of 2 failed on main 619c1c1
(2 false passes); the 4 held cases passed before and after.

Leads left:
- libselinux reads only the first enforcing= (R37B-2's _lsm_off counts every one before
  `--`: `enforcing=1 enforcing=0`, or `foo.enforcing=0 enforcing=0`, is a conservative wrong
  fail); _selinux_config_next_boot reads it as libselinux does and could replace it.
- A next-boot line's quoted `enforcing="1"` (libselinux's atoi stops at the quote: 0,
  permissive) is not probed: if the words are kept unquoted it may pass; nor the running line's fallback where no next-boot line was collected.
- /boot/grub/grub.cfg itself is not collected (R30 lead).
- mds=off alone while TAA's mitigation keeps MDS on fails HVA-181 (a cautious wrong fail).
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_host_verdicts5 import SELINUX, SELINUX_PASS
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot2_probes import LIVE

CFG = "/etc/selinux/config"
RUN = "selinux confines QEMU on the running kernel, but "
HAS = "/etc/selinux/config has "
NOWORD = " and no kernel word enforcing= overrides it: the next boot leaves SELinux permissive"


def _scan(host_scan, config: object, nxt: str = "", live: str = ""):
    return host_scan(
        {
            **SELINUX,
            CFG: config,
            "/proc/cmdline": LIVE.format(live),
            "boot-cmdline": _boot(_grub(f"quiet {nxt}"), grub=False),
        }
    )


@pytest.mark.parametrize(
    ("config", "nxt", "said"),
    [
        ("SELINUX=permissive\nSELINUXTYPE=targeted\n", "", HAS + "SELINUX=permissive"),
        ("SELINUX=  PERMISSIVE\n", "", HAS + "SELINUX=permissive"),
        ("SELINUX=strict\nSELINUX=Permissive\n", "", HAS + "SELINUX=permissive"),
        (
            " SELINUX=enforcing\n",
            "",
            "/etc/selinux/config sets no SELINUX= mode (libselinux then boots permissive)",
        ),
        (None, "", "there is no /etc/selinux/config (libselinux then boots permissive)"),
        ("SELINUX=permissive\n", "foo.enforcing=1 enforcing=1", HAS + "SELINUX=permissive"),
    ],
    ids=["permissive", "any-case", "first-known-line", "indented", "absent", "inside-a-word"],
)
def test_r38b_1_the_config_boots_selinux_permissive(host_scan, config, nxt, said) -> None:
    """R38B-1 (false pass) HVA-043: with no kernel word enforcing= (or the first one inside
    another word), libselinux takes the config file's mode, permissive where it says so or
    says nothing."""
    a = _scan(host_scan, config, nxt)
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": f"{RUN}{said}{NOWORD}"}


def test_r38b_1_disabled_loads_no_policy_whatever_the_line(host_scan) -> None:
    """R38B-1 (false pass) HVA-043: SELINUX=disabled loads no policy (goto noload), the
    next boot's enforcing=1 notwithstanding."""
    a = _scan(host_scan, "SELINUX=disabled\n", "enforcing=1")
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": f"{RUN}{HAS}SELINUX=disabled: libselinux loads no policy at the next boot"
    }


def test_r38b_1_an_unread_config_is_a_question(host_scan) -> None:
    """R38B-1 (false pass) HVA-043: the config file not read leaves the next boot's mode
    unknown: a question, never a pass."""
    a = _scan(host_scan, PermissionError("permission denied"))
    assert outcomes(a, "HVA-043") == {"hv1": "manual"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": f"{SELINUX_PASS}; but the mode /etc/selinux/config gives the next boot was not read"
    }


@pytest.mark.parametrize(
    ("config", "nxt"),
    [
        ("# SELINUX=permissive\nSELINUXTYPE=targeted\nSELINUX=enforcing\n", ""),
        ("SELINUX=permissive\n", "enforcing=1"),
    ],
    ids=["enforcing", "line-overrides"],
)
def test_r38b_1_held_enforcing_at_the_next_boot(host_scan, config, nxt) -> None:
    """R38B-1 held: the config file's enforcing, or the line's enforcing=1 over permissive."""
    a = _scan(host_scan, config, nxt)
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": SELINUX_PASS}


# --- R38B-2: the first enforcing= libselinux reads, after `--` too ----------------------------

ENF = "SELINUX=enforcing\n"


@pytest.mark.parametrize("nxt", ["-- enforcing=0", "-- single enforcing=off"], ids=["0", "off"])
def test_r38b_2_an_enforcing_zero_after_the_dashes(host_scan, nxt: str) -> None:
    """R38B-2 (false pass) HVA-043: libselinux reads the whole of /proc/cmdline (the kernel's
    `--` stops only its own parameters): the first enforcing= reads 0 over SELINUX=enforcing."""
    a = _scan(host_scan, ENF, nxt)
    word = nxt.split()[-1]
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": "selinux confines QEMU on the running kernel, but libselinux takes the first "
        "enforcing= of the next boot's line over /etc/selinux/config, and it reads 0: SELinux "
        f"boots permissive ({word} in /etc/default/grub)"
    }


@pytest.mark.parametrize("nxt", ["-- enforcing=1", "-- enforcing=-1"], ids=["1", "negative"])
def test_r38b_2_held_the_dashes_word_keeps_enforcing(host_scan, nxt: str) -> None:
    """R38B-2 held: enforcing=1 after `--` enforces; a negative one leaves the file's mode."""
    a = _scan(host_scan, ENF, nxt)
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": SELINUX_PASS}
