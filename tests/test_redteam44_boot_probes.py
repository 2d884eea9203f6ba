"""Red-team round 44 probes: boot, GRUB's default naming a custom menu entry (r44boot)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM; kernel 6.1.0-28-amd64 runs, 6.1.0-27-
amd64 is also in /boot). The next boot's files by tests/test_redteam21_boot_probes.py's `_boot`,
a custom entry after GRUB's 40_custom head (tests/test_redteam30_boot_probes.py CUSTOM_HEAD),
GRUB's environment block by tests/test_redteam26_boot_probes.py's `_grubenv`.

Findings (R44B-n):

- R44B-1 (false pass) HVA-180 (parse.host._grub_default_kernel, new _custom_entry_kernel,
  _menuentry_names and GRUB_DEFAULT_UNREAD): GRUB's default (GRUB_DEFAULT, or grubenv's
  saved_entry for GRUB_DEFAULT=saved, or its next_entry) naming a custom menu entry
  (/etc/grub.d/40_custom, custom.cfg; collected since R30B-3) by its title or `--id` was read
  only as a 10_linux title or id or a Boot Loader Specification entry: it named no kernel, and
  "no pending security update" passed where that entry boots the older kernel the update
  replaced. GRUB picks the default by id or title (grub-core/normal/menu.c menuentry_eq;
  grub-core/commands/menuentry.c options[]: `--id` "Menu entry identifier"), and the entry
  boots its own `linux` line's image. Now the entry's vmlinuz-RELEASE is the kernel GRUB's
  default names (R25B-4's fail where it is older than the running one), and an image that
  names no release (/vmlinuz.old, Debian's link to the previous kernel) is a question.

- R44B-2 (false pass) HVA-180 (parse.host._grub_default_kernel, new GRUBENV_DEFAULT_UNREAD):
  a GRUB environment block's next_entry (or saved_entry for GRUB_DEFAULT=saved) with a
  backslash (grub-editenv writes it escaped, grub-core/lib/envblk.c escaped_value_len; _grubenv
  does not read such a value) was taken as an entry naming no kernel: the next boot's entry
  unknown passed. Now HVA-180 asks it with R43B-1's question (`grub-editenv list`), in one
  block or where two blocks differ.

- R44B-3 (false pass) HVA-180 (parse.host._grub_default_older, new SDBOOT_DEFAULT_UNREAD): a
  systemd-boot host (Boot Loader Specification entries, no GRUB defaults) with an older kernel
  installed passed: with no GRUB_DEFAULT the default was taken as the newest entry, but
  systemd-boot's default is loader.conf's `default` glob, overridden by the EFI variable the
  menu or `bootctl set-default` stores (loader.conf(5) "default": "The default entry may be
  changed in the boot menu itself, in which case the name of the selected entry will be stored
  as an EFI variable, overriding this option"), neither collected. Now a question naming
  `bootctl list`.

- R44B-4 (false pass) HVA-180 (parse.host._grub_default_older, new _older_kernels and
  BOOT_DEFAULT_UNKNOWN): where the boot loader's files were not read (the boot-cmdline probe
  failed, or an older bundle lacks it), GRUB's default was unknown and HVA-180 passed as if
  the next boot started the newest kernel, though an older one was installed (R25B-4's fail
  where GRUB_DEFAULT names it). Now, with an older kernel of the running one's flavour in
  /boot, a question naming `grubby --default-kernel`, GRUB_DEFAULT with `grub-editenv list`,
  or `bootctl list`; with none, the pass stands.

- R44B-5 (false pass) HVA-180 (parse.host._menuentry_names, R44B-1's reader): a custom entry
  copied from grub.cfg names its id `$menuentry_id_option 'ID'` (util/grub.d/00_header.in sets
  menuentry_id_option="--id" where GRUB has feature_menuentry_id; 10_linux writes its entries
  so), which R44B-1 did not read as `--id`: GRUB_DEFAULT naming that id passed where the entry
  boots the older kernel. Now read as `--id`.

Held (kept as tests): a custom default entry that boots the running kernel keeps the pass;
saved_entry with a backslash under GRUB_DEFAULT=0 (not the default) keeps it; a systemd-boot
host with no older kernel installed keeps it; so does a failed boot-cmdline probe where no
older kernel is installed.

Probed by script, not kept: GRUB_DEFAULT naming 10_linux's simple entry ("Debian GNU/Linux"),
30_uefi-firmware's "uefi-firmware" or no entry at all passes (GRUB boots the newest kernel or
its first entry; not changed).

No e2e run: the e2e host has no /etc/default/grub, custom GRUB entry, GRUB environment block
or Boot Loader Specification entry, so the changes cannot reach the e2e-* verdicts.

Tally: 5 findings (5 false passes); 12 cases in 9 test functions. R44B-1: on main 279e898 3 of 3
failed (3 false passes of HVA-180); its held case passed before and after. R44B-2: on main
753b8ed 2 of 2 failed (2 false passes of HVA-180); its held case passed before and after.
R44B-3: on main f905588 1 of 1 failed (a false pass of HVA-180); its held case passed before
and after. R44B-4: on main 20b1866 1 of 1 failed (a false pass of HVA-180); its held case
passed before and after. R44B-5: on main 7f9b05f 1 of 1 failed (a false pass of
HVA-180).

Leads left:
- systemd-boot's loader.conf and LoaderEntryDefault/LoaderEntryOneShot could be collected
  and read (R44B-3 asks); UKIs (Type #2) as the default entry alike.
- A default naming an entry no collected file defines (30_os-prober, a grub.d generator
  script, a submenu path "X>Y" into custom entries) still passes; only names hvaudit can
  resolve are read.
- A double-quoted "$x" split at blanks; mds=off while TAA's mitigation keeps the buffer
  clearing on (HVA-181): earlier rounds' leads, not probed.
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes, question_line
from test_redteam21_boot_probes import _boot
from test_redteam26_boot_probes import _grubenv
from test_redteam30_boot_probes import CUSTOM_HEAD

PASS = "no pending security update (as of the package lists on the host)"
C40 = "/etc/grub.d/40_custom"


def _custom(head: str, image: str, path: str = C40) -> tuple[str, str]:
    """A custom GRUB entry `menuentry HEAD {` booting `image`."""
    return (
        path,
        (CUSTOM_HEAD if path == C40 else "")
        + f"menuentry {head} {{\n\tlinux\t{image} root=UUID=1a2b ro quiet\n}}\n",
    )


def _scan(host_scan, default: str, *files: tuple[str, str]):
    grub = (
        "/etc/default/grub",
        f'GRUB_DEFAULT={default}\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n',
    )
    return host_scan({"boot-cmdline": _boot(grub, *files, grub=False)})


OLD = "/vmlinuz-6.1.0-27-amd64"


@pytest.mark.parametrize(
    ("default", "files", "what"),
    [
        ('"Old kernel"', [_custom("'Old kernel' --class debian", OLD)], "GRUB_DEFAULT"),
        (
            "old",
            [_custom("'Debian (old)' --class debian $menuentry_id_option 'old'", OLD)],
            "GRUB_DEFAULT",
        ),
        (
            "saved",
            [
                _custom('--id=old "Debian (old)"', OLD, "/boot/grub/custom.cfg"),
                _grubenv("saved_entry=old", path="/boot/grub/grubenv"),
            ],
            "GRUB_DEFAULT=saved (/boot/grub/grubenv's saved_entry)",
        ),
    ],
    ids=["title", "id-option", "saved-id"],
)
def test_r44b_1_custom_default_entry_booting_older_kernel_fails(
    host_scan, default: str, files: list[tuple[str, str]], what: str
) -> None:
    """R44B-1 (false pass) HVA-180: GRUB's default names a custom entry (by title, or by
    `--id` through saved_entry) whose `linux` line boots the older 6.1.0-27-amd64: GRUB picks
    the default by id or title (menu.c menuentry_eq). It passed."""
    a = _scan(host_scan, default, *files)
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": f"kernel 6.1.0-28-amd64 runs, but {what} names the older kernel 6.1.0-27-amd64: "
        "the next boot goes back to it"
        + (" (its entry is the default once update-grub runs)" if what == "GRUB_DEFAULT" else "")
    }


def test_r44b_1_custom_default_entry_image_without_release_asks(host_scan) -> None:
    """R44B-1 (false pass) HVA-180: the custom default entry boots /vmlinuz.old (Debian's link
    to the previous kernel): which kernel that is is not read, a question. It passed."""
    a = _scan(host_scan, '"Old kernel"', _custom("'Old kernel'", "/vmlinuz.old"))
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: GRUB's default entry boots a kernel image whose release is "
        f"not read (GRUB_DEFAULT names the custom entry 'Old kernel' of {C40}, which boots "
        "'/vmlinuz.old'): which kernel that is is not read"
    }
    said = question_line(a, "HVA-180", "hv1")
    assert "`readlink -f` of the image the default entry's `linux` line names" in said, said


def test_r44b_1_held_custom_default_entry_booting_running_kernel(host_scan) -> None:
    """R44B-1 held: a custom default entry that boots the running kernel keeps the pass."""
    a = _scan(host_scan, '"Fast"', _custom("'Fast'", "/vmlinuz-6.1.0-28-amd64"))
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


# --- R44B-2: GRUB's environment block names the default in a value with a backslash ----------------

UNREAD = (
    "evidence unavailable: GRUB's environment block names the default entry in a value with a "
    "backslash, not read ({})"
)
ENV = "/boot/grub/grubenv"


@pytest.mark.parametrize(
    ("default", "key", "what"),
    [
        ("0", "next_entry", f"{ENV}'s next_entry (grub-reboot)"),
        ("saved", "saved_entry", f"GRUB_DEFAULT=saved ({ENV}'s saved_entry)"),
    ],
    ids=["next-entry", "saved-entry"],
)
def test_r44b_2_default_entry_with_a_backslash_asks(
    host_scan, default: str, key: str, what: str
) -> None:
    """R44B-2 (false pass) HVA-180: grub-reboot (or grub-set-default) named the custom entry
    'Old\\kernel', which boots the older kernel; grub-editenv writes the backslash escaped
    (grub-core/lib/envblk.c escaped_value_len), a value not read: the entry was taken as one
    naming no kernel, and it passed."""
    a = _scan(
        host_scan,
        default,
        _custom("'Old\\kernel'", OLD),
        _grubenv(f"{key}=Old\\\\kernel", path=ENV),
    )
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": UNREAD.format(what)}
    said = question_line(a, "HVA-180", "hv1")
    assert "the next boot starts the newest installed kernel (the entry `grub-editenv" in said


def test_r44b_2_held_saved_entry_unused(host_scan) -> None:
    """R44B-2 held: saved_entry with a backslash under GRUB_DEFAULT=0 (no next_entry) is not
    the default: the pass stands."""
    a = _scan(
        host_scan,
        "0",
        _custom("'Old\\kernel'", OLD),
        _grubenv("saved_entry=Old\\\\kernel", path=ENV),
    )
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


# --- R44B-3: systemd-boot's default entry (loader.conf, LoaderEntryDefault) not read -------------

ESP = "/efi/loader/entries/0b9a7c1e54f34b8e9d3c2f6a1e0c7d11-{}.conf"


def _sd_entry(release: str) -> tuple[str, str]:
    """A systemd-boot entry on the ESP as kernel-install writes it (R26B-4's shape)."""
    return (
        ESP.format(release),
        f"title      Debian GNU/Linux 12 (bookworm)\nversion    {release}\n"
        "machine-id 0b9a7c1e54f34b8e9d3c2f6a1e0c7d11\nsort-key   debian\n"
        "options    root=/dev/mapper/vg-root ro quiet\n"
        f"linux      /0b9a7c1e54f34b8e9d3c2f6a1e0c7d11/{release}/linux\n",
    )


def test_r44b_3_systemd_boot_default_unread_asks(host_scan) -> None:
    """R44B-3 (false pass) HVA-180: a systemd-boot host (no GRUB defaults) with entries for the
    running 6.1.0-28-amd64 and the older 6.1.0-27-amd64: its default is loader.conf's
    `default` glob, overridden by the LoaderEntryDefault EFI variable (loader.conf(5)
    "default"), neither read, so the next boot may start the older kernel. It passed."""
    files = _boot(_sd_entry("6.1.0-28-amd64"), _sd_entry("6.1.0-27-amd64"), grub=False)
    a = host_scan({"boot-cmdline": files})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: the boot loader's default entry (systemd-boot: "
        "loader.conf's default, the LoaderEntryDefault EFI variable) is not read (kernel "
        "6.1.0-28-amd64 runs; older kernels installed: 6.1.0-27-amd64)"
    }
    said = question_line(a, "HVA-180", "hv1")
    assert "(the entry `bootctl list` marks default, and any one-shot entry" in said, said


def test_r44b_3_held_systemd_boot_only_the_running_kernel(host_scan) -> None:
    """R44B-3 held: a systemd-boot host with no older kernel installed keeps the pass."""
    a = host_scan(
        {
            "boot-cmdline": _boot(_sd_entry("6.1.0-28-amd64"), grub=False),
            "boot-kernels": ("/boot/vmlinuz-6.1.0-28-amd64\n", 0),
        }
    )
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


# --- R44B-4: the boot loader's files not read, an older kernel installed ---------------------------


def test_r44b_4_boot_files_unread_with_older_kernel_asks(host_scan) -> None:
    """R44B-4 (false pass) HVA-180: the boot-cmdline probe failed (find could not read a
    directory) on a host with the older 6.1.0-27-amd64 installed: GRUB's default (or
    systemd-boot's) was not read, and the pass stood as if it booted the newest kernel."""
    denied = "find: '/etc/grub.d': Permission denied"
    a = host_scan({"boot-cmdline": ("", 1, denied)})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: which entry the boot loader starts next is not known "
        f"(the next boot's kernel command line could not be read ({denied}); kernel "
        "6.1.0-28-amd64 runs; older kernels installed: 6.1.0-27-amd64)"
    }
    said = question_line(a, "HVA-180", "hv1")
    assert "(`grubby --default-kernel`; or GRUB_DEFAULT in /etc/default/grub" in said, said


def test_r44b_4_held_boot_files_unread_no_older_kernel(host_scan) -> None:
    """R44B-4: the probe failed and no older kernel is in /boot: no entry boots an older one,
    but a newer kernel kept only in an ESP entry the probe reads (R47B-1) is not seen, so the
    pass this case held was a false pass: R48B-5's question."""
    denied = "find: '/etc/grub.d': Permission denied"
    a = host_scan(
        {
            "boot-cmdline": ("", 1, denied),
            "boot-kernels": ("/boot/vmlinuz-6.1.0-28-amd64\n", 0),
        }
    )
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": f"evidence unavailable: the next boot's kernel command line could not be read "
        f"({denied}): whether a newer kernel than 6.1.0-28-amd64 waits for a reboot in a Boot "
        "Loader Specification entry is not read (list them as root: `ls /boot/loader/entries/ "
        "/efi/loader/entries/ /boot/efi/loader/entries/`)"
    }
