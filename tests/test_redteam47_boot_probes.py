"""Red-team round 47 probes: boot, kernels kept on the EFI system partition (r47boot)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM; kernel 6.1.0-28-amd64 runs, 6.1.0-27-
amd64 is also in /boot). The next boot's files by tests/test_redteam21_boot_probes.py's `_boot`,
kernel-install's ESP entries as tests/test_redteam45_boot_probes.py's `_sd_entry` writes them.

Findings (R47B-n):

- R47B-1 (false pass) HVA-180 (parse.host._kernel_not_booted, new _esp_kernels): a kernel newer
  than the running one that systemd's kernel-install keeps only on the EFI system partition,
  as a Type #1 entry (layout bls: $BOOT/ENTRY-TOKEN/VERSION/linux beside $BOOT/loader/entries/
  ENTRY-TOKEN-VERSION.conf with `version VERSION`, the entry removed with the kernel; systemd
  src/kernel-install/90-loaderentry.install.in) or a unified kernel image (layout uki: $BOOT/
  EFI/Linux/ENTRY-TOKEN-VERSION.efi, +TRIES.efi with boot counting; 90-uki-copy.install; both
  read with `read_file`), was not seen: only /boot's vmlinuz-* counted, so "no pending
  security update" passed while the update waits for a reboot. Now the entries' releases and
  the images' names count as installed kernels: R23H-2's fail naming the newer one.

- R47B-2 (false pass) HVA-180 (parse.host._grub_default_older, R45B-2's set of the ESP's
  kernels): a systemd-boot host whose older kernel is kept only as a unified kernel image
  (EFI/Linux/ENTRY-TOKEN-6.1.0-27-amd64.efi, which systemd-boot boots as a Type #2 entry,
  R28B-3) passed: only Type #1 entries' kernels counted, and a host booting UKIs alone (no
  Type #1 entry, no GRUB defaults) was not taken as a systemd-boot host, so R44B-3's question
  (loader.conf's default, LoaderEntryDefault not read) was not asked. Now the images' kernels
  (R47B-1's _esp_kernels) count, and listed images make the host a systemd-boot one.

- R47B-3 (false pass) HVA-180 (parse.host._bls_entry_kernel, _bls_version, _custom_entry_kernel,
  new _kernel_release): GRUB's default (grubenv's saved_entry for GRUB_DEFAULT=saved) naming a
  Boot Loader Specification entry (blscfg: its file's stem or its `title`) with no `version`
  line whose image names no release (/kernels/old/vmlinuz) was read as naming no kernel, and
  an image vmlinuz-NAME, in such an entry or a custom one (40_custom), as the release NAME
  (vmlinuz-pinned: "pinned"), which no installed kernel is: either way no older kernel was
  named and it passed, though the entry may boot the older one. A kernel release is VERSION.
  PATCHLEVEL.SUBLEVEL then EXTRAVERSION and the local version (the kernel's Makefile, `make
  kernelrelease`). Now R44B-1's question (GRUB_DEFAULT_UNREAD: `readlink -f` of the image
  against /boot's kernels).

- R47B-4 (false pass) HVA-180 (parse.host._grub_default_kernel, new GRUB_DEFAULT_SHELL):
  grub-mkconfig sources GRUB's defaults with /bin/sh (R45B-4), but an assignment behind a
  condition or after another command on its line (`[ -e F ] && GRUB_DEFAULT=...`, `if ...;
  then GRUB_DEFAULT=2; fi`) was not read at all: GRUB_DEFAULT=0 stood and it passed, though
  the condition may make the older kernel's entry the default. The same class's wording: a
  command substitution or another variable as the value (`$(cat F)`, `` `...` ``, `$PIN`) was
  read as written and asked as "a menu entry no collected file defines". Now either is
  R44B-4's question (which entry the boot loader starts next is not known: `grubby
  --default-kernel`, GRUB_DEFAULT with `grub-editenv list`, `bootctl list`) where an older
  kernel is installed; a value naming a kernel by 10_linux's patterns, a later simple
  assignment or grubenv's next_entry (00_header.in) keep their verdicts.

- R47B-5 (false pass) HVA-180 (parse.host._grub_linux_own, new _grub_distributor): GRUB's
  default naming "X GNU/Linux" (or "Advanced options for X GNU/Linux>...") was taken as
  10_linux's unversioned entry (the newest kernel) whatever X, though 10_linux titles it $OS,
  "${GRUB_DISTRIBUTOR} GNU/Linux" (Ubuntu, Kubuntu alone; "GNU/Linux" where it is empty;
  util/grub.d/10_linux.in, read with `find_string`): under GRUB_DISTRIBUTOR="Proxmox VE",
  "Old GNU/Linux" is an uncollected generator's entry, which may boot the older kernel. Now,
  where GRUB_DISTRIBUTOR's value is read, only its $OS is 10_linux's; another title is R46B-1's
  question. A distributor not read (Debian's `lsb_release -i -s`) or not assigned keeps the
  old reading.

- R47B-6 (false pass) HVA-180 (parse.host._grub_default_kernel, R47B-4's reader): an
  assignment inside a multi-line if or case body (`then`/`hv*)` on its own line) runs only
  where the condition holds, but was read as unconditional: GRUB_DEFAULT=0 there stood over
  an unconditional pin to the older kernel's entry, and it passed. Now an assignment at a
  depth of if/case/while/until/for is R47B-4's question; one after `fi` stands.

Held (kept as tests): a UKI of the running kernel under a machine-id token and one of another
flavour (-rt-amd64, not compared) keep the pass on a GRUB host; a systemd-boot host whose only
image is the running kernel's keeps it; a version-less entry whose image names the running
kernel passes, one naming the older kernel fails (R25B-4); a shell-set GRUB_DEFAULT with no
older kernel installed, a simple assignment after the conditional one, and a condition inside
a comment keep the pass; 10_linux's $OS and its submenu under a distributor read, any
"X GNU/Linux" under a substituted distributor, and "GNU/Linux" under an empty one keep it;
an assignment after a condition's `fi` stands (the pass).

Probed by script, not kept: none.

No e2e run: the e2e host has no ESP, Boot Loader Specification entry or unified kernel image
(no /efi, /boot/efi, /boot/loader), so the change cannot reach the e2e-* verdicts.

Tally: 6 findings (6 false passes, R47B-4 with 3 wordings of its class); 28 cases in 15 test
functions. R47B-1: on main 1295447 2 of 2
failed (2 false passes of HVA-180); its held case passed before and after. R47B-2: on main
675e94f 2 of 2 failed (2 false passes of HVA-180); its held case passed before and after.
R47B-3: on main 26bdb5e 3 of 3 failed (3 false passes of HVA-180); its 2 held cases passed
before and after. R47B-4: on main c233cd3 5 of 5 failed (2 false passes, 3 wordings of
HVA-180); its 3 held cases passed before and after. R47B-5: on main ce4dc5f 2 of 2 failed (2
false passes of HVA-180); its 4 held cases passed before and after. R47B-6: on main c02d1fc 2
of 2 failed (2 false passes of HVA-180); its held case passed before and after.

Leads left:
- R47B-5 trusts any "X GNU/Linux" where GRUB_DISTRIBUTOR is a command substitution (Debian's
  lsb_release, RHEL's sed of /etc/system-release): os-release's NAME could settle X.
- mds=off with an active TAA/MMIO/RFDS mitigation (HVA-181): whether the VERW clearing stays
  on depends on the kernel version (the mitigations were linked in steps); not probed.
- A `. FILE` or `source FILE` in GRUB's defaults is not followed; a shell function body or a
  `{ ...; }` group is not tracked as a condition (R47B-6 counts if/case/loops only); a
  conditional GRUB_DEFAULT equal to the value before it is still asked.
- A UKI whose name holds no release (not kernel-install's, e.g. linux.efi) is not read: its
  .osrel/.uname sections would tell; the ESP's kernels are not counted where boot-cmdline
  failed.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam21_boot_probes import _boot
from test_redteam26_boot_probes import KERNELOPTS, OLDER, RUNNING, _entry, _grubenv, _rhel8
from test_redteam30_boot_probes import CUSTOM_HEAD
from test_redteam45_boot_probes import C40, ONLY_28, PASS, _scan, _sd_entry

NO_UKI = ("", 1, "find: '/efi/EFI/Linux': No such file or directory\n")
UKI_DIR = "/efi/EFI/Linux/"


def _pending(newer: str) -> dict[str, str]:
    return {
        "hv1": f"kernel {newer} is installed but 6.1.0-28-amd64 runs (the update takes effect at "
        "the next reboot)"
    }


# --- R47B-1: a newer kernel kept only on the EFI system partition ----------------------------------


def test_r47b_1_newer_type1_entry_on_esp_is_pending_reboot(host_scan) -> None:
    """R47B-1 (false pass) HVA-180: kernel-install (layout bls) copies 6.1.0-29-amd64 to the ESP
    as ENTRY-TOKEN/6.1.0-29-amd64/linux with its entry `version 6.1.0-29-amd64`; /boot holds no
    vmlinuz of it, so no newer kernel was seen and "no pending security update" passed."""
    files = _boot(_sd_entry("6.1.0-28-amd64"), _sd_entry("6.1.0-29-amd64"), grub=False)
    a = host_scan({"boot-cmdline": files, "boot-kernels": ONLY_28, "boot-uki": NO_UKI})
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == _pending("6.1.0-29-amd64")


def test_r47b_1_newer_uki_on_esp_is_pending_reboot(host_scan) -> None:
    """R47B-1 (false pass) HVA-180: kernel-install (layout uki) installs 6.1.0-29-amd64 as the
    unified kernel image EFI/Linux/ENTRY-TOKEN-6.1.0-29-amd64.efi (with boot counting
    ...+3.efi), which systemd-boot boots as a Type #2 entry; it was not counted as installed."""
    ukis = f"{UKI_DIR}debian-6.1.0-28-amd64.efi\n{UKI_DIR}debian-6.1.0-29-amd64+3.efi\n"
    a = host_scan(
        {
            "boot-cmdline": _boot(grub=False),
            "boot-kernels": ONLY_28,
            "boot-uki": (ukis, 0),
        }
    )
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == _pending("6.1.0-29-amd64")


def test_r47b_1_held_esp_entries_of_running_and_older_kernels(host_scan) -> None:
    """R47B-1 held: a UKI of the running kernel under a machine-id token and one of another
    flavour (not compared) keep the pass on a GRUB host (its default is GRUB's, 0)."""
    ukis = (
        f"{UKI_DIR}0b9a7c1e54f34b8e9d3c2f6a1e0c7d11-6.1.0-28-amd64.efi\n"
        f"{UKI_DIR}debian-6.1.0-30-rt-amd64.efi\n"
    )
    a = host_scan({"boot-uki": (ukis, 0)})
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


# --- R47B-2: an older kernel kept only as a unified kernel image -----------------------------------

SDBOOT_ASK = (
    "evidence unavailable: the boot loader's default entry (systemd-boot: loader.conf's default, "
    "the LoaderEntryDefault EFI variable) is not read (kernel 6.1.0-28-amd64 runs; older kernels "
    "installed: 6.1.0-27-amd64)"
)


def test_r47b_2_older_uki_on_systemd_boot_host_asks(host_scan) -> None:
    """R47B-2 (false pass) HVA-180: a systemd-boot host (no GRUB defaults) booting unified
    kernel images only, EFI/Linux/debian-6.1.0-28-amd64.efi and the older
    debian-6.1.0-27-amd64.efi: systemd-boot's default (loader.conf, LoaderEntryDefault) may be
    the older image, but with no Type #1 entry R44B-3's question was not asked and it passed."""
    ukis = f"{UKI_DIR}debian-6.1.0-28-amd64.efi\n{UKI_DIR}debian-6.1.0-27-amd64.efi\n"
    a = host_scan(
        {"boot-cmdline": _boot(grub=False), "boot-kernels": ONLY_28, "boot-uki": (ukis, 0)}
    )
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": SDBOOT_ASK}


def test_r47b_2_older_uki_beside_type1_entry_asks(host_scan) -> None:
    """R47B-2 (false pass) HVA-180: the running kernel's Type #1 entry on the ESP and the older
    kernel as a unified kernel image: R45B-2 counted the entries' kernels only."""
    files = _boot(_sd_entry("6.1.0-28-amd64"), grub=False)
    ukis = f"{UKI_DIR}0b9a7c1e54f34b8e9d3c2f6a1e0c7d11-6.1.0-27-amd64+2-1.efi\n"
    a = host_scan({"boot-cmdline": files, "boot-kernels": ONLY_28, "boot-uki": (ukis, 0)})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": SDBOOT_ASK}


def test_r47b_2_held_uki_of_running_kernel_only(host_scan) -> None:
    """R47B-2 held: a systemd-boot host whose only image is the running kernel's keeps the
    pass."""
    ukis = f"{UKI_DIR}debian-6.1.0-28-amd64.efi\n"
    a = host_scan(
        {"boot-cmdline": _boot(grub=False), "boot-kernels": ONLY_28, "boot-uki": (ukis, 0)}
    )
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


# --- R47B-3: GRUB's default naming a Boot Loader Specification entry of no readable release --------

PINNED = "/boot/loader/entries/7b92728670d64c65879a91ae405012ed-pinned.conf"


def _pinned_entry(linux: str) -> tuple[str, str]:
    """A Boot Loader Specification entry written by hand: no `version` line."""
    return (
        PINNED,
        f"title Pinned kernel\nlinux {linux}\ninitrd /initramfs-pinned.img\noptions $kernelopts\n",
    )


def _rhel_pinned(linux: str, saved: str):
    return _rhel8(
        _entry(RUNNING),
        _entry(OLDER),
        _pinned_entry(linux),
        _grubenv(f"saved_entry={saved}", KERNELOPTS),
        kernels=(RUNNING, OLDER),
    )


UNREAD = (
    "evidence unavailable: GRUB's default entry boots a kernel image whose release is not read "
    "(GRUB_DEFAULT=saved (/boot/grub2/grubenv's saved_entry) names the Boot Loader Specification "
    "entry {saved!r}, which boots {linux!r}): which kernel that is is not read"
)


@pytest.mark.parametrize(
    ("linux", "saved"),
    [
        ("/vmlinuz-pinned", "7b92728670d64c65879a91ae405012ed-pinned"),
        ("/kernels/old/vmlinuz", "Pinned kernel"),
    ],
)
def test_r47b_3_bls_entry_without_release_asks(host_scan, linux: str, saved: str) -> None:
    """R47B-3 (false pass) HVA-180: GRUB_DEFAULT=saved and saved_entry naming (by its id, the
    file's stem, or its title: blscfg, menuentry_eq) a Boot Loader Specification entry with no
    `version` line whose image names no release (vmlinuz-pinned, a copy named by hand, was read
    as the release "pinned"): no older kernel was named and it passed, though the image may be
    the older kernel (R44B-1's custom entry alike)."""
    a = host_scan(_rhel_pinned(linux, saved))
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": UNREAD.format(saved=saved, linux=linux)}


def test_r47b_3_custom_entry_image_named_by_hand_asks(host_scan) -> None:
    """R47B-3 (false pass) HVA-180: a custom entry (40_custom) GRUB_DEFAULT names booting
    /vmlinuz-pinned was read as the release "pinned" (R44B-1 asks only for an image not named
    vmlinuz-*): no kernel release starts so (the kernel's Makefile: VERSION.PATCHLEVEL...)."""
    custom = (
        C40,
        f"{CUSTOM_HEAD}menuentry 'Pinned' {{\n\tlinux /vmlinuz-pinned root=/dev/sda1\n}}\n",
    )
    a = _scan(host_scan, "Pinned", custom)
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: GRUB's default entry boots a kernel image whose release is "
        "not read (GRUB_DEFAULT names the custom entry 'Pinned' of /etc/grub.d/40_custom, which "
        "boots '/vmlinuz-pinned'): which kernel that is is not read"
    }


@pytest.mark.parametrize(
    ("linux", "status"),
    [(f"/vmlinuz-{RUNNING}", "pass"), (f"/vmlinuz-{OLDER}", "fail")],
)
def test_r47b_3_held_bls_entry_without_version_by_image(host_scan, linux: str, status: str) -> None:
    """R47B-3 held: an entry with no `version` whose image names its release is read by it: the
    running kernel's passes, the older one's fails (R25B-4)."""
    a = host_scan(_rhel_pinned(linux, "Pinned kernel"))
    assert outcomes(a, "HVA-180") == {"hv1": status}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": PASS
        if status == "pass"
        else f"kernel {RUNNING} runs, but GRUB_DEFAULT=saved (/boot/grub2/grubenv's saved_entry) "
        f"names the older kernel {OLDER}: the next boot goes back to it"
    }


# --- R47B-4: GRUB_DEFAULT set by shell code hvaudit does not evaluate ------------------------------

PIN_CFG = "/etc/default/grub.d/pin.cfg"
SHELL_LINES = [
    "GRUB_DEFAULT=$(cat /etc/grub-pin)",
    "GRUB_DEFAULT=`cat /etc/grub-pin`",
    "GRUB_DEFAULT=$PIN",
    '[ -e /etc/grub-pin ] && GRUB_DEFAULT="Pinned"',
    "if [ -e /etc/grub-pin ]; then GRUB_DEFAULT=2; fi",
]


@pytest.mark.parametrize("line", SHELL_LINES)
def test_r47b_4_grub_default_by_shell_code_asks(host_scan, line: str) -> None:
    """R47B-4 (false pass) HVA-180: grub-mkconfig sources GRUB's defaults with /bin/sh, so a
    command substitution, another variable, or an assignment behind a condition may make any
    entry the default (the older 6.1.0-27-amd64's too); the value was read as written (a name
    no entry has) or the line not at all (GRUB_DEFAULT=0 stood), and it passed."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, f"PIN=2\n{line}\n"))})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: which entry the boot loader starts next is not known "
        f"(GRUB_DEFAULT is set by shell code hvaudit does not evaluate ({PIN_CFG}: {line!r}): "
        "which entry it names is not read; kernel 6.1.0-28-amd64 runs; older kernels installed: "
        "6.1.0-27-amd64)"
    }


@pytest.mark.parametrize(
    ("text", "kernels"),
    [
        (f"{SHELL_LINES[0]}\n", ONLY_28),
        (f"{SHELL_LINES[3]}\nGRUB_DEFAULT=0\n", None),
        ("GRUB_DEFAULT=saved # [ -e x ] && GRUB_DEFAULT=2\n", None),
    ],
)
def test_r47b_4_held_shell_default_without_older_kernel(host_scan, text: str, kernels) -> None:
    """R47B-4 held: with no older kernel installed any default boots the running one; a simple
    assignment after the conditional one stands; a condition inside a comment is no code."""
    over = {"boot-cmdline": _boot((PIN_CFG, text))}
    if kernels:
        over["boot-kernels"] = kernels
    a = host_scan(over)
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


# --- R47B-5: "X GNU/Linux" that is not 10_linux's $OS --------------------------------------------

PVE_DIST = ("/etc/default/grub.d/proxmox-ve.cfg", 'GRUB_DISTRIBUTOR="Proxmox VE"\n')


@pytest.mark.parametrize("default", ['"Old GNU/Linux"', '"Advanced options for Old GNU/Linux>x"'])
def test_r47b_5_other_gnu_linux_title_asks(host_scan, default: str) -> None:
    """R47B-5 (false pass) HVA-180: GRUB_DISTRIBUTOR="Proxmox VE" makes 10_linux's entries
    "Proxmox VE GNU/Linux" (10_linux.in: OS="${GRUB_DISTRIBUTOR} GNU/Linux"), so a default
    "Old GNU/Linux" is another generator's entry (an uncollected /etc/grub.d script), which may
    boot the older kernel; any "X GNU/Linux" was taken as 10_linux's newest and it passed."""
    a = _scan(host_scan, default, PVE_DIST)
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    value = default.strip('"')
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: GRUB's default names a menu entry no collected file "
        f"defines (GRUB_DEFAULT names {value!r}; the GRUB generators other than 10_linux and "
        "*_custom are not collected; kernel 6.1.0-28-amd64 runs; older kernels installed: "
        "6.1.0-27-amd64)"
    }


@pytest.mark.parametrize(
    ("default", "dist"),
    [
        ('"Proxmox VE GNU/Linux"', PVE_DIST),
        ('"Advanced options for Proxmox VE GNU/Linux"', PVE_DIST),
        (
            '"Debian GNU/Linux"',
            ("/etc/default/grub.d/d.cfg", "GRUB_DISTRIBUTOR=`lsb_release -i -s`\n"),
        ),
        ('"GNU/Linux"', ("/etc/default/grub.d/d.cfg", "GRUB_DISTRIBUTOR=\n")),
    ],
)
def test_r47b_5_held_10_linux_own_title(host_scan, default: str, dist) -> None:
    """R47B-5 held: 10_linux's $OS under the distributor read, and any "X GNU/Linux" where the
    distributor is a command substitution, keep the pass."""
    a = _scan(host_scan, default, dist)
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


# --- R47B-6: GRUB_DEFAULT assigned inside a multi-line condition -----------------------------------

OLD_PIN = '"Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-27-amd64"'


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            f"GRUB_DEFAULT={OLD_PIN}\nif [ -e /etc/grub-new ]; then\n  GRUB_DEFAULT=0\nfi\n",
            "GRUB_DEFAULT=0",
        ),
        (
            f'GRUB_DEFAULT={OLD_PIN}\ncase "$(hostname)" in\n  hv*)\n    GRUB_DEFAULT=0\n    ;;\nesac\n',
            "GRUB_DEFAULT=0",
        ),
    ],
)
def test_r47b_6_grub_default_in_condition_body_asks(host_scan, text: str, line: str) -> None:
    """R47B-6 (false pass) HVA-180: an assignment inside a multi-line if or case body runs only
    where its condition holds, but was read as unconditional: GRUB_DEFAULT=0 there stood over
    the unconditional pin to the older kernel, and it passed."""
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: which entry the boot loader starts next is not known "
        f"(GRUB_DEFAULT is set by shell code hvaudit does not evaluate ({PIN_CFG}: {line!r} "
        "(in a condition's body)): which entry it names is not read; kernel 6.1.0-28-amd64 "
        "runs; older kernels installed: 6.1.0-27-amd64)"
    }


def test_r47b_6_held_assignment_after_the_condition(host_scan) -> None:
    """R47B-6 held: an assignment after the body's `fi` runs unconditionally and stands."""
    text = "if [ -e /etc/grub-new ]; then\n  GRUB_DEFAULT=2\nfi\nGRUB_DEFAULT=0\n"
    a = host_scan({"boot-cmdline": _boot((PIN_CFG, text))})
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}
