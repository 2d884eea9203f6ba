"""R37 sweep of network.py, resources.py and proxmox.py for the LEADING-UNKNOWN shape: a check
that yields one item per subject whose FIRST open condition (an early `yield unknown(...);
continue`) hides a fail or another question judged after it, so an attested "yes" to that first
question passes a subject that fails.

Harness: the conftest host_scan replay (hardened host plus overrides) through the real
collector, parser and engine, and test_leads10's older_bundle_scan (an artefact taken out of the
bundle, as a collector older than its probe writes it: the fact is unavailable, not an error);
attestations written as TOML, read by the CLI's loader (load_attestations) and applied with
apply_attestations, as `hvaudit scan --attestations` does (test_r34_elif_unknown_probes.
_attest_yes). Each finding's probe attests "yes" to the question the item asked on main (that
condition's own question, pinned by the harness test where it is the only open one) and
asserts the verdict now.

Findings:
- R37S-1 (false pass, leading unknown) HVA-061: a bundle without the KSM unit listing
  (ksm-units, added by R23H-1: unavailable) asked "KSM is off and no ksm or ksmtuned unit is
  enabled to start at boot" before the merged pages were judged: "yes" passed run = 0 with
  pages_shared 500, which stay shared until written (Documentation/admin-guide/mm/ksm.rst, run:
  "set to 0 to stop ksmd from running but keep merged pages"; R10H-1), beside a VM without
  <nosharepages/>. Now the fail.
- R37S-2 (false pass, leading unknown) HVA-061: /sys/kernel/mm/ksm/pages_shared unread asked
  "KSM is off and keeps no merged page" before the boot units were judged: "yes" passed an
  enabled ksm.service, which runs `ksmctl start` at the next boot (R23H-1). Now the fail. The
  class: each way KSM merges (run, ksmtuned running, a unit enabled, pages kept) is judged from
  its own fact whatever the others; with none known, every unread fact is one ask of one item
  (asked_gap, joined_asks) and an error stands alone.

Held: each condition alone keeps its verdict and text (the harness tests).

Probed by script: on main, the ksm-units listing uncollected beside 500 merged pages and
pages_shared unread beside an enabled ksm.service each asked the one question; after "yes" both
passed.

Tally: 2 findings (false pass: HVA-061 twice), 4 cases (3 finding probes, 1 harness test); the 3
finding probes failed on main a7abc470 before the fix (two passing after the attested "yes",
the joined item asking only KEPT_Q), the harness test passed there.

Leads left: none yet.
"""

from __future__ import annotations

from pathlib import Path

from conftest import messages, outcomes
from hvaudit.collect.host import command_artefact
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)
from test_r34_elif_unknown_probes import _attest_yes, _question

# --- R37S-1, R37S-2: HVA-061, one way KSM merges unread before the others -----------------------

KSM_UNITS = command_artefact("ksm-units")
UNITS_Q = (
    "Does this hold for this host: KSM is off and no ksm or ksmtuned unit is enabled to start at "
    "boot? Evidence: the setting, file or command output it names, read where it lives (the "
    "message says why the scan could not). Pass: yes, it holds; fail: it does not."
)
KEPT_Q = (
    "Does this hold for this host: KSM is off and keeps no merged page (pages_shared 0)? "
    "Evidence: the setting, file or command output it names, read where it lives (the message "
    "says why the scan could not). Pass: yes, it holds; fail: it does not."
)
UNITS_UNREAD = "evidence unavailable: host/commands/ksm-units.txt was not collected"
KEPT_UNREAD = (
    "evidence unavailable: /sys/kernel/mm/ksm/pages_shared could not be read (no such file)"
)
PAGES = {"/sys/kernel/mm/ksm/pages_shared": "500\n"}
NO_PAGES = {"/sys/kernel/mm/ksm/pages_shared": None}
KSM_ENABLED = {"ksm-units": ("ksm.service enabled enabled\n", 0)}


def test_r37s1_harness_each_ksm_gap_alone(host_scan, older_bundle_scan) -> None:  # noqa: F811
    """Held: the unit listing uncollected alone asks UNITS_Q; pages_shared unread alone asks
    KEPT_Q; 500 pages kept alone and ksm.service enabled alone each fail."""
    a = older_bundle_scan({}, gone=KSM_UNITS)
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"hv1": "manual"},
        {"hv1": UNITS_UNREAD},
    )
    assert _question(a, "HVA-061") == UNITS_Q
    a = host_scan(NO_PAGES)
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"hv1": "manual"},
        {"hv1": KEPT_UNREAD},
    )
    assert _question(a, "HVA-061") == KEPT_Q
    assert messages(host_scan(PAGES), "HVA-061") == {"hv1": KEPT_FAIL}
    assert messages(host_scan(KSM_ENABLED), "HVA-061") == {"hv1": BOOT_FAIL}


def test_r37s2_both_gaps_one_item(older_bundle_scan, tmp_path: Path) -> None:  # noqa: F811
    """R37S-2: pages_shared unread and the unit listing uncollected: on main KEPT_Q alone was
    asked (the units' question dropped); now one item asks both, and "yes" to KEPT_Q alone
    passes nothing."""
    a = older_bundle_scan(NO_PAGES, gone=KSM_UNITS)
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"hv1": "manual"},
        {"hv1": f"{KEPT_UNREAD}; {UNITS_UNREAD}"},
    )
    assert _question(a, "HVA-061") == (
        "Does this hold for this host: KSM is off and keeps no merged page (pages_shared 0), and "
        "does this hold for this host: KSM is off and no ksm or ksmtuned unit is enabled to "
        "start at boot? Evidence: the setting, file or command output it names, read where it "
        "lives (the message says why the scan could not); the setting, file or command output "
        "it names, read where it lives (the message says why the scan could not). Pass: yes, it "
        "holds, and it holds; fail: it does not, or it does not."
    )
    _attest_yes(a, KEPT_Q, tmp_path, "HVA-061")
    assert outcomes(a, "HVA-061") == {"hv1": "manual"}


KEPT_FAIL = (
    "KSM is stopped (run = 0), but the 500 page(s) it merged stay shared (pages_shared; run = 2 "
    "unmerges them); 1 of 1 running or autostart VM(s) without <nosharepages/>: web01"
)
BOOT_FAIL = (
    "KSM is off now, but ksm.service is enabled and switches it on at the next boot; 1 of 1 "
    "running or autostart VM(s) without <nosharepages/>: web01"
)


def test_r37s1_merged_pages_fail_though_units_uncollected(
    older_bundle_scan,  # noqa: F811
    tmp_path: Path,
) -> None:
    """R37S-1: on main UNITS_Q alone was asked and "yes" passed 500 merged pages kept shared."""
    a = older_bundle_scan(PAGES, gone=KSM_UNITS)
    _attest_yes(a, UNITS_Q, tmp_path, "HVA-061")
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"hv1": "fail"},
        {"hv1": KEPT_FAIL},
    )


def test_r37s2_enabled_unit_fails_though_pages_shared_unread(host_scan, tmp_path: Path) -> None:
    """R37S-2: on main KEPT_Q alone was asked and "yes" passed an enabled ksm.service."""
    a = host_scan({**NO_PAGES, **KSM_ENABLED})
    _attest_yes(a, KEPT_Q, tmp_path, "HVA-061")
    assert (outcomes(a, "HVA-061"), messages(a, "HVA-061")) == (
        {"hv1": "fail"},
        {"hv1": BOOT_FAIL},
    )
