"""Red-team round 26 probes: Proxmox VE (rt26pve).

Harness: R26P-1, the hardened Proxmox VE tree (tests/fixtures/proxmox-hardened) scanned as
pve+dir:// with web-10's 200.conf edited (test_redteam2_probes.pve_scan), HVA-092 of web-10,
through the real collector, parser and engine. Sources read with `fetch`:
github:proxmox/qemu-server e6352be6 (src/PVE/QemuServer/Blockdev.pm, Drive.pm, Network.pm),
pve-common f665029 (src/PVE/Network.pm, src/PVE/JSONSchema.pm), pve-container 94f5585
(src/PVE/LXC.pm, src/PVE/LXC/Config.pm), pve-firewall 6f1311f (src/PVE/Firewall.pm).

Findings:
- R26P-1 (false pass) HVA-092: a disk `mbps_wr=9e-7` or `mbps_rd=0.0000001`, or a NIC
  `rate=0.0000001` / `rate=1e-7`, passed "1 disk(s) and 1 interface(s) limited": any number
  above 0 read as a limit. qemu-server Blockdev.pm generate_throttle_group hands QEMU
  `int($v * 1024 * 1024)` bytes per second, and pve-common Network.pm tap_rate_limit
  `$rate = int($rate * 1024 * 1024) if $rate`, setup_tc_rate_limit `return if !$rate;`: a
  rate under one byte per second is 0, QEMU's and tc's "no limit" (the schema takes it:
  JSONSchema.pm is_number reads exponents, Network.pm `rate` has `minimum => 0`, Drive.pm's
  mbps no minimum). Now a rate limits when it is above 0 once made whole as Perl's int()
  does (`_limits`); an `iops*` value is `int($v)` already.

Held:
- R26P-1: `mbps_wr=0.000001` (1 byte per second once whole) still passes; `bps_rd=`/`bps_wr=`
  still fail: Drive.pm parse_drive turns them into `m$opt = sprintf("%.3f", $bps / ...)` with
  `$bps = defined(delete ...)`, i.e. 1 byte, "0.000" MiB, 0 bytes once whole: no limit.

Probed by script, not kept (the verdict was right or the case is moot): 7 HVA-092 rate values
(the kept cases among them, and `mbps_wr=-5`, which QEMU refuses: fail as before).

Tally: 1 finding (1 false pass). R26P-1: 6 cases in 2 test functions, 4 failed on main
2f30312 (pass there), 2 held passed before and after.

Leads left:
- see the round-25 leads (HVA-313 -dest of no node address on a `-dport 8006` ACCEPT; HVA-314
  keyctl, mknod, force_rw_sys).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import VM200, pve_result, pve_scan

# --- R26P-1: HVA-092, a rate that is 0 once qemu-server or pve-common makes it whole -----------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("rate=50", "rate=0.0000001", "1 of 1 interface(s) without <bandwidth>"),
        ("rate=50", "rate=1e-7", "1 of 1 interface(s) without <bandwidth>"),
        (
            "mbps_rd=200,mbps_wr=100",
            "mbps_rd=0.0000001,mbps_wr=100",
            "disk local-lvm:vm-200-disk-1: write limit only, reads unlimited",
        ),
        (
            "mbps_rd=200,mbps_wr=100",
            "mbps_rd=200,mbps_wr=9e-7",
            "disk local-lvm:vm-200-disk-1: read limit only, writes unlimited",
        ),
    ],
    ids=["nic-rate", "nic-rate-exponent", "disk-mbps-rd", "disk-mbps-wr-exponent"],
)
def test_r26p_1_rate_below_one_byte_is_no_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    """R26P-1: was pass "1 disk(s) and 1 interface(s) limited (outbound)". qemu-server
    e6352be6 Blockdev.pm generate_throttle_group: `bps... = int($v * 1024 * 1024)`; pve-common
    f665029 Network.pm tap_rate_limit: `$rate = int($rate * 1024 * 1024) if $rate`, then
    setup_tc_rate_limit `return if !$rate;`: under one byte per second is no limit."""
    conf = VM200.replace(old, new)
    assert conf != VM200
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": conf})
    assert pve_result(report, "HVA-092", "web-10") == ("fail", message)


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (
            "mbps_rd=200,mbps_wr=0.000001",
            ("pass", "1 disk(s) and 1 interface(s) limited (outbound)"),
        ),
        (
            "bps_rd=209715200,bps_wr=104857600",
            ("fail", "1 of 1 disk(s) without <iotune> rate limits"),
        ),
    ],
    ids=["one-byte-per-second", "bps-keys"],
)
def test_r26p_1_held_whole_rate_and_bps_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new: str, expected: tuple[str, str]
) -> None:
    """Held: 0.000001 MiB/s is 1 byte per second once whole, a limit; `bps_rd`/`bps_wr` become
    "0.000" MiB in qemu-server Drive.pm parse_drive (`my $bps = defined(delete
    $res->{$opt})`, 1 byte), 0 bytes once whole: no limit, a fail as before."""
    conf = VM200.replace("mbps_rd=200,mbps_wr=100", new)
    report = pve_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": conf})
    assert pve_result(report, "HVA-092", "web-10") == expected
