"""Red-team round 26 probes: kernel command line, CPU mitigations, boot integrity (rt26boot)

Harness: conftest's `host_scan` (the hardened Debian host replayed through the real collector,
parser and engine), changed only where a probe says so: a RHEL 8 host (`_rhel8`: its
/etc/default/grub with GRUB_DEFAULT=saved and GRUB_ENABLE_BLSCFG=true, Boot Loader
Specification entries as kernel-install writes them, `options $kernelopts $tuned_params`, and
GRUB's environment block /boot/grub2/grubenv) fed as the `boot-cmdline` probe's output
(tests/test_redteam21_boot_probes.py's `_boot`).

Findings (R26B-n):

- R26B-1 (false pass) HVA-181 (and every check reading the next boot's line): RHEL 8's BLS
  entries take their words from GRUB variables (`options $kernelopts $tuned_params`), and
  such an entry was not read at all; beside /etc/default/grub (which RHEL keeps) the pass
  stood. `grub2-editenv - set kernelopts="... mitigations=off"` (RHEL 8's documented way to
  change every entry's words) passed "none unmitigated", and so did a RHEL 9 entry's literal
  `options root=... mitigations=off $tuned_params`. GRUB util/grub.d/00_header.in (rhboot/
  grub2) writes `load_env` first, so grubenv's kernelopts is the entry's (10_linux's `if [ -z
  "${kernelopts}" ]` fallback only where it is empty; grubenv and grub.cfg as RHEL 8 hosts
  have them read with `find_string`); tuned's 00_tuned (redhat-performance/tuned) writes
  `set tuned_params="$TUNED_BOOT_CMDLINE"` into grub.cfg after it, not collected. The
  collector now reads /boot/grub2/grubenv and /boot/grub/grubenv (find -L follows RHEL 8
  UEFI's link to the ESP's); an entry's $kernelopts is grubenv's, its literal words its own,
  and a variable not read leaves the entry partial (BootCmdline.partial): a weakening word in
  it is asked, never a settled fail (a later unread word may replace it), and it is never a
  source that "lacks" a word.

- R26B-2 (false pass) HVA-180: "no pending security update" passed where the running kernel
  is the newest, but GRUB_DEFAULT=saved and grubenv's saved_entry names an older kernel's
  entry (RHEL's BLS id MACHINE-ID-RELEASE, or its title; Debian's 10_linux id), or
  grub-reboot's next_entry does (00_header.in: `if [ "${next_entry}" ] ; then set
  default="${next_entry}" ... else set default="${GRUB_DEFAULT}"`, GRUB_DEFAULT=saved
  written as '${saved_entry}'). Only GRUB_DEFAULT's own text was read (R25B-4). Now the
  entry named is resolved through grubenv and the BLS entries (id = file name without
  .conf, or `title`; release = `version`, else the `linux` image's name).

- R26B-3 (false pass) HVA-180: GRUB's default named by its position in the menu
  (GRUB_DEFAULT="1>2", "2", or RHEL's `grub2-set-default 1`, saved_entry=1) passed: no
  kernel was read from it. grub-core/normal/menu.c get_and_remove_first_entry_number takes a
  number as the entry's position, a `>` entering a submenu; Debian's 10_linux lists the
  kernels newest first in "Advanced options", each followed by its recovery entry (so "1>2"
  is the second-newest kernel), RHEL's blscfg sorts its entries newest first (so 1 is the
  older kernel's). Which kernel a position boots is grub.cfg's order, not collected: where an
  older kernel of the running kernel's flavour is installed, a question naming them; top-level
  0 keeps the pass.

- R26B-4 (false pass) HVA-181 (and every check reading the next boot's line): systemd-boot's
  entries on the EFI system partition were not collected, only /boot/loader/entries. systemd
  looks for the ESP at /efi, /boot and /boot/efi (src/shared/find-esp.c `FOREACH_STRING(dir,
  "/efi", "/boot", "/boot/efi")`, read with `find_string`), and kernel-install writes the
  entries to it where it is $BOOT: a systemd-boot host whose ESP at /efi holds the only entry,
  with `options ... mitigations=off`, had no next-boot source and passed. The probe now reads
  /efi/loader/entries and /boot/efi/loader/entries too (parse.host.BLS_ENTRIES).

- R26B-5 (false pass) HVA-181: the CPU vulnerability probe (`grep -r -H ''
  /sys/devices/system/cpu/vulnerabilities`) lists the files it read and exits 2 for one it
  could not read; the partial listing was taken as whole. On x86 a flaw without a line is
  asked (cpu_flaws_unreported), but on arm64 (POWER, s390x alike) it was nothing to judge:
  spectre_v2 unread passed "3 CPU vulnerabilities reported, none unmitigated". Now a listing
  grep did not finish is an error naming grep's complaint.

Held (kept as tests): grubenv's kernelopts without a weakening word, or none (grub.cfg's
fallback), keeps HVA-181's pass; an entry with a weakening word in its kernelopts and
`$tuned_params` after it, where every source adds the word, is a question, not a fail;
saved_entry naming the running kernel's entry, none, or an entry no BLS file has keeps
HVA-180's pass; position 0, or a position with no older kernel of the running flavour
installed, keeps it; the ESP's entry without a weakening word keeps HVA-181's pass.

Probed by script, not kept: none beyond the held cases (the round's time went to the five
fixes).

Tally: 5 findings (5 false passes); 23 cases in 13 test functions; 13 failed before their
fixes, each on the main it landed on (R26B-1: 3, R26B-2: 4, R26B-3: 3, R26B-4: 2, R26B-5:
1); the 10 held cases passed before and after (R26B-1's partial-entry case was a question
before too: the entry was unread then).

Leads left:
- Unified kernel images (/efi/EFI/Linux/*.efi, Type #2 entries): the .cmdline section baked
  into the binary is not collected (objcopy/ukify are not on every host); /etc/kernel/cmdline,
  which ukify and kernel-install build it from, is. loader.conf's `default` glob (which entry
  systemd-boot boots) is not read: every entry counts as a candidate (a question where they
  differ).
- An unread source beside a read one (an entry whose every word is an unknown variable,
  grub.cfg's 00_tuned `tuned_params`) still leaves today's verdict; grub.cfg itself (the
  kernelopts fallback, tuned_params) is not collected.
- `mitigations=auto,nosmt,<vectors>` is not read as SMT off by _smt_off_word (a needless
  question, R25B's lead); `mitigations=off mitigations=auto` on 6.17+ (R25B's lead).
- s390x HVA-010 / on_hypervisor (R25B's lead) not probed.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_redteam21_boot_probes import _boot
from test_redteam24_vm2_probes import _arm64

ENTRY = "/boot/loader/entries/7b92728670d64c65879a91ae405012ed-{}.conf"
RHEL_GRUB = (
    "/etc/default/grub",
    "GRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=\"$(sed 's, release .*$,,g' /etc/system-release)\"\n"
    'GRUB_DEFAULT=saved\nGRUB_DISABLE_SUBMENU=true\nGRUB_TERMINAL_OUTPUT="console"\n'
    'GRUB_CMDLINE_LINUX="crashkernel=auto resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root '
    'rd.lvm.lv=rhel/swap rhgb quiet"\nGRUB_DISABLE_RECOVERY="true"\nGRUB_ENABLE_BLSCFG=true\n',
)
RUNNING = "4.18.0-553.22.1.el8_10.x86_64"
OLDER = "4.18.0-553.16.1.el8_10.x86_64"


def _entry(release: str, options: str = "$kernelopts $tuned_params") -> tuple[str, str]:
    """A RHEL 8 Boot Loader Specification entry as kernel-install writes it (its `options`
    naming grubenv's kernelopts and grub.cfg's tuned_params)."""
    return (
        ENTRY.format(release),
        f"title Red Hat Enterprise Linux ({release}) 8.10 (Ootpa)\nversion {release}\n"
        f"linux /vmlinuz-{release}\ninitrd /initramfs-{release}.img $tuned_initrd\n"
        f"options {options}\nid rhel-20240101000000-{release}\ngrub_users $grub_users\n"
        "grub_arg --unrestricted\ngrub_class kernel\n",
    )


def _grubenv(*lines: str, path: str = "/boot/grub2/grubenv") -> tuple[str, str]:
    """GRUB's environment block as grub2-editenv writes it (1024 bytes, "#" padding)."""
    return (path, "# GRUB Environment Block\n" + "".join(f"{ln}\n" for ln in lines) + "#" * 700)


KERNELOPTS = (
    "kernelopts=root=/dev/mapper/rhel-root ro crashkernel=auto resume=/dev/mapper/rhel-swap "
    "rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap rhgb quiet"
)


def _rhel8(*files: tuple[str, str], running: str = RUNNING, kernels: tuple[str, ...] = ()) -> dict:
    """A RHEL 8 host's evidence: its GRUB defaults and `files` (BLS entries, grubenv)."""
    kernels = kernels or (running,)
    return {
        "boot-cmdline": _boot(RHEL_GRUB, *files, grub=False),
        "/proc/sys/kernel/osrelease": f"{running}\n",
        "/proc/cmdline": f"BOOT_IMAGE=(hd0,msdos1)/vmlinuz-{running} "
        + KERNELOPTS.removeprefix("kernelopts=")
        + "\n",
        "boot-kernels": ("".join(f"/boot/vmlinuz-{k}\n" for k in kernels), 0),
    }


# --- R26B-1: RHEL 8's `options $kernelopts`, its words in grubenv ----------------------------------


@pytest.mark.parametrize(
    "env",
    [
        # grub2-editenv - set kernelopts="... mitigations=off" (RHEL 8's way to change them)
        _grubenv(
            f"saved_entry=7b92728670d64c65879a91ae405012ed-{RUNNING}",
            KERNELOPTS + " mitigations=off",
            "boot_success=0",
        ),
        # RHEL 8 UEFI: /boot/grub2/grubenv is a link to the ESP's (find -L reads it)
        _grubenv(KERNELOPTS + " mitigations=off"),
    ],
    ids=["bios", "no-saved-entry"],
)
def test_r26b_1_kernelopts_mitigations_off_asks(host_scan, env) -> None:
    """R26B-1 (false pass) HVA-181: every BLS entry takes `$kernelopts` from grubenv, which
    turns mitigations off; GRUB_CMDLINE_LINUX does not. Before: the entry was unread and the
    pass stood."""
    a = host_scan(_rhel8(_entry(RUNNING), env))
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but mitigations=off in "
        "/boot/grub2/grubenv's kernelopts turns mitigations off at the next boot if the boot "
        "loader takes it"
    }


def test_r26b_1_literal_options_with_tuned_params_asks(host_scan) -> None:
    """R26B-1 (false pass) HVA-181: a RHEL 9 entry's literal options with `$tuned_params`
    after them (`options root=... mitigations=off $tuned_params`) was unread as a whole."""
    opts = "root=/dev/mapper/rhel-root ro crashkernel=auto mitigations=off $tuned_params"
    a = host_scan(_rhel8(_entry(RUNNING, opts)))
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert f"mitigations=off in {ENTRY.format(RUNNING)} turns" in messages(a, "HVA-181")["hv1"]


def test_r26b_1_partial_entry_is_not_settled(host_scan) -> None:
    """R26B-1: where every source adds mitigations=off but an entry's `$tuned_params` follows
    it unread (a later mitigations=auto there would replace it), the verdict is a question,
    not a fail."""
    grub = (RHEL_GRUB[0], RHEL_GRUB[1].replace('rhgb quiet"', 'rhgb quiet mitigations=off"'))
    files = {
        "boot-cmdline": _boot(
            grub, _entry(RUNNING), _grubenv(KERNELOPTS + " mitigations=off"), grub=False
        )
    }
    a = host_scan({**_rhel8(), **files})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")


@pytest.mark.parametrize(
    "env",
    [_grubenv(KERNELOPTS), _grubenv("saved_entry=x")],
    ids=["kernelopts-clean", "no-kernelopts"],
)
def test_r26b_1_kernelopts_clean_or_unset_passes(host_scan, env) -> None:
    """R26B-1 held: grubenv's kernelopts without a weakening word, or none (grub.cfg's
    fallback from GRUB_CMDLINE_LINUX, not collected), keeps the pass."""
    a = host_scan(_rhel8(_entry(RUNNING), env))
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")


# --- R26B-2: GRUB_DEFAULT=saved, grubenv's saved_entry / next_entry --------------------------------


@pytest.mark.parametrize(
    ("env", "what"),
    [
        (
            _grubenv(f"saved_entry=7b92728670d64c65879a91ae405012ed-{OLDER}", KERNELOPTS),
            "GRUB_DEFAULT=saved (/boot/grub2/grubenv's saved_entry)",
        ),
        (
            _grubenv(f"saved_entry=Red Hat Enterprise Linux ({OLDER}) 8.10 (Ootpa)", KERNELOPTS),
            "GRUB_DEFAULT=saved (/boot/grub2/grubenv's saved_entry)",
        ),
        (
            _grubenv(
                f"saved_entry=7b92728670d64c65879a91ae405012ed-{RUNNING}",
                f"next_entry=7b92728670d64c65879a91ae405012ed-{OLDER}",
                KERNELOPTS,
            ),
            "/boot/grub2/grubenv's next_entry (grub-reboot)",
        ),
    ],
    ids=["saved-id", "saved-title", "next-entry"],
)
def test_r26b_2_saved_entry_pins_an_older_kernel_fails(host_scan, env, what: str) -> None:
    """R26B-2 (false pass) HVA-180: GRUB_DEFAULT=saved boots grubenv's saved_entry (GRUB
    util/grub.d/00_header.in), a BLS entry id or title of the older kernel; grub-reboot's
    next_entry comes first whatever GRUB_DEFAULT says."""
    ev = _rhel8(_entry(RUNNING), _entry(OLDER), env, kernels=(RUNNING, OLDER))
    a = host_scan(ev)
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": f"kernel {RUNNING} runs, but {what} names the older kernel {OLDER}: the next "
        "boot goes back to it"
    }


def test_r26b_2_debian_saved_entry_fails(host_scan) -> None:
    """R26B-2 (false pass) HVA-180: Debian's GRUB_DEFAULT=saved with grub-set-default's
    saved_entry naming the older kernel's 10_linux id."""
    uuid = "0b9a7c1e-54f3-4b8e-9d3c-2f6a1e0c7d11"
    grub = (
        "/etc/default/grub",
        'GRUB_DEFAULT=saved\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n',
    )
    env = _grubenv(
        f"saved_entry=gnulinux-advanced-{uuid}>gnulinux-6.1.0-27-amd64-advanced-{uuid}",
        path="/boot/grub/grubenv",
    )
    a = host_scan({"boot-cmdline": _boot(grub, env, grub=False)})
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "kernel 6.1.0-28-amd64 runs, but GRUB_DEFAULT=saved (/boot/grub/grubenv's "
        "saved_entry) names the older kernel 6.1.0-27-amd64: the next boot goes back to it"
    }


@pytest.mark.parametrize(
    "env",
    [
        _grubenv(f"saved_entry=7b92728670d64c65879a91ae405012ed-{RUNNING}", KERNELOPTS),
        _grubenv(KERNELOPTS),
        # an entry no BLS file has: GRUB finds none and boots its first
        _grubenv("saved_entry=7b92728670d64c65879a91ae405012ed-4.18.0-80.el8.x86_64"),
    ],
    ids=["saved-running", "no-saved-entry", "saved-missing"],
)
def test_r26b_2_saved_entry_running_or_none_passes(host_scan, env) -> None:
    """R26B-2 held: saved_entry naming the running kernel's entry, none, or no entry."""
    ev = _rhel8(_entry(RUNNING), _entry(OLDER), env, kernels=(RUNNING, OLDER))
    a = host_scan(ev)
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")


# --- R26B-3: GRUB's default named by its position in the menu --------------------------------------


def _debian_default(default: str) -> tuple[str, str]:
    return (
        "/etc/default/grub",
        f'GRUB_DEFAULT="{default}"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n',
    )


POSITION_Q = (
    "Does the GRUB menu entry that {named} names on host hv1 boot the newest installed kernel, "
    "{running}? Evidence: `grubby --default-kernel` (RHEL, Fedora), or the entries of "
    "`grub-mkconfig -o /dev/stdout` (/boot/grub/grub.cfg) counted from 0, a `>` entering a "
    "submenu. Pass: it boots {running}; fail: it boots one of {older}."
)


@pytest.mark.parametrize("default", ["1>2", "2"])
def test_r26b_3_grub_default_position_asks(host_scan, default: str) -> None:
    """R26B-3 (false pass) HVA-180: GRUB_DEFAULT="1>2" is the third entry of Debian's
    "Advanced options" submenu (10_linux: each kernel newest first, then its recovery entry),
    the older 6.1.0-27-amd64 here; grub-core/normal/menu.c takes a number as an entry's
    position, `>` entering a submenu. hvaudit read no kernel from it and passed."""
    a = host_scan({"boot-cmdline": _boot(_debian_default(default), grub=False)})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    named = f'GRUB_DEFAULT="{default}"'
    assert messages(a, "HVA-180") == {
        "hv1": f"no pending security update, kernel 6.1.0-28-amd64 runs, but {named} names "
        "GRUB's default entry by its position in the menu, and hvaudit does not read which "
        "kernel is there (older kernels installed: 6.1.0-27-amd64)"
    }
    assert [r.outcome.question for r in a.results if r.check.id == "HVA-180"] == [
        POSITION_Q.format(named=named, running="6.1.0-28-amd64", older="6.1.0-27-amd64")
    ]


def test_r26b_3_rhel_saved_entry_position_asks(host_scan) -> None:
    """R26B-3 (false pass) HVA-180: RHEL's saved_entry=1 (grub2-set-default 1): blscfg sorts
    the entries newest first, so 1 is the older kernel's."""
    ev = _rhel8(
        _entry(RUNNING),
        _entry(OLDER),
        _grubenv("saved_entry=1", KERNELOPTS),
        kernels=(RUNNING, OLDER),
    )
    a = host_scan(ev)
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert (
        'GRUB_DEFAULT=saved (/boot/grub2/grubenv\'s saved_entry)="1" names'
        in messages(a, "HVA-180")["hv1"]
    )


@pytest.mark.parametrize(
    ("default", "kernels"),
    [
        ("0", ("6.1.0-28-amd64", "6.1.0-27-amd64")),
        # only the running kernel installed: no older one for a position to name
        ("1>2", ("6.1.0-28-amd64",)),
        # an older kernel of another flavour is not this kernel's update
        ("1>2", ("6.1.0-28-amd64", "6.1.0-27-rt-amd64")),
    ],
)
def test_r26b_3_position_zero_or_no_older_kernel_passes(host_scan, default, kernels) -> None:
    """R26B-3 held: top-level 0 (the newest kernel's entry), or no older kernel of the running
    kernel's flavour installed."""
    a = host_scan(
        {
            "boot-cmdline": _boot(_debian_default(default), grub=False),
            "boot-kernels": ("".join(f"/boot/vmlinuz-{k}\n" for k in kernels), 0),
        }
    )
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")


# --- R26B-4: systemd-boot's entries on the EFI system partition ------------------------------------


def _sdboot(path: str, options: str) -> tuple[str, str]:
    """A Boot Loader Specification entry as kernel-install writes it for systemd-boot."""
    return (
        path,
        "title      Debian GNU/Linux 12 (bookworm)\nversion    6.1.0-28-amd64\n"
        "machine-id 0b9a7c1e54f34b8e9d3c2f6a1e0c7d11\nsort-key   debian\n"
        f"options    {options}\n"
        "linux      /0b9a7c1e54f34b8e9d3c2f6a1e0c7d11/6.1.0-28-amd64/linux\n",
    )


@pytest.mark.parametrize(
    "path",
    [
        "/efi/loader/entries/0b9a7c1e54f34b8e9d3c2f6a1e0c7d11-6.1.0-28-amd64.conf",
        "/boot/efi/loader/entries/0b9a7c1e54f34b8e9d3c2f6a1e0c7d11-6.1.0-28-amd64.conf",
    ],
)
def test_r26b_4_esp_entry_mitigations_off_fails(host_scan, path: str) -> None:
    """R26B-4 (false pass) HVA-181: a systemd-boot host (no GRUB) whose ESP, at /efi or
    /boot/efi (systemd src/shared/find-esp.c searches "/efi", "/boot", "/boot/efi"), holds the
    only entry, with mitigations=off: no source of the next boot's line was read, and the
    running boot's pass stood."""
    opts = "root=/dev/mapper/vg-root ro quiet mitigations=off"
    a = host_scan({"boot-cmdline": _boot(_sdboot(path, opts), grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but the next boot turns "
        f"mitigations off: mitigations=off in {path}"
    }


def test_r26b_4_esp_entry_without_weak_word_passes(host_scan) -> None:
    """R26B-4 held: the ESP's entry without a weakening word keeps the pass."""
    path = "/efi/loader/entries/0b9a7c1e54f34b8e9d3c2f6a1e0c7d11-6.1.0-28-amd64.conf"
    a = host_scan(
        {"boot-cmdline": _boot(_sdboot(path, "root=/dev/mapper/vg-root ro quiet"), grub=False)}
    )
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")


# --- R26B-5: a CPU vulnerability listing grep could not read whole --------------------------------


def test_r26b_5_partial_vulnerability_listing_is_an_error(host_scan) -> None:
    """R26B-5 (false pass) HVA-181: `grep -r -H ''` lists the files it read and exits 2 for one
    it could not; on arm64 (no x86 flaw list to find the gap) the flaw left out was read as
    nothing to judge, and "none unmitigated" passed."""
    vuln = "/sys/devices/system/cpu/vulnerabilities/"
    host = _arm64()
    listing = "".join(
        f"{vuln}{k}:{v}\n"
        for k, v in (
            ("spectre_v1", "Mitigation: __user pointer sanitization"),
            ("spec_store_bypass", "Mitigation: Speculative Store Bypass disabled via prctl"),
            ("meltdown", "Not affected"),
        )
    )
    err = f"grep: {vuln}spectre_v2: Input/output error\n"
    host["cpu-vulnerabilities"] = (listing, 2, err)
    a = host_scan(host)
    assert outcomes(a, "HVA-181") == {"hv1": "error"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "evidence could not be collected: the CPU vulnerability listing is incomplete "
        f"(grep: {vuln}spectre_v2: Input/output error)"
    }
