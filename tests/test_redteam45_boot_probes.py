"""Red-team round 45 probes: boot, GRUB's default naming a submenu path, kernels kept on the ESP
and a double-quoted GRUB variable (r45boot)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM; kernel 6.1.0-28-amd64 runs, 6.1.0-27-
amd64 is also in /boot). The next boot's files by tests/test_redteam21_boot_probes.py's `_boot`,
a custom entry after GRUB's 40_custom head (tests/test_redteam30_boot_probes.py CUSTOM_HEAD), GRUB's
environment block by tests/test_redteam26_boot_probes.py's `_grubenv`.

Findings (R45B-n):

- R45B-1 (false pass) HVA-180 (parse.host._custom_entry_kernel, new _custom_menu,
  _GrubMenuNode and _grub_default_path): GRUB's default naming a path 'SUBMENU>ENTRY' into a
  custom submenu (/etc/grub.d/40_custom; by titles or `--id`s), or the submenu alone, or a
  name no entry of the submenu has, or '>>' (one '>' of a title), or a path going on past an
  entry, was matched whole against each `menuentry` line: it named no kernel, and "no pending
  security update" passed where the entry GRUB boots runs the older 6.1.0-27-amd64. GRUB's
  grub-core/normal/menu.c menuentry_eq ends a name at '>' ('>>' an escaped '>'),
  grub_menu_execute_entry makes the rest after it the submenu's `default` (unset where
  nothing follows), run_menu falls back to entry 0 where `default` names none, and
  get_entry_number matches only the menu being shown (read with `find_string`). Now the menu
  is read as GRUB builds it (submenus nested) and the path walked: R25B-4's fail where it
  reaches the older kernel. The same class's wrong fail: an entry inside a submenu named by
  its bare title (GRUB finds nothing at the top and boots 10_linux's newest kernel) failed;
  now it passes.

- R45B-2 (false pass) HVA-180 (parse.host._grub_default_older, new _bls_version): a
  systemd-boot host whose older kernel is kept only on the EFI system partition
  (kernel-install's $BOOT/ENTRY-TOKEN/VERSION/linux beside an entry naming `version VERSION`,
  systemd src/kernel-install/90-loaderentry.install.in), /boot holding the running kernel's
  vmlinuz alone: only /boot's vmlinuz-* counted as installed kernels, so R44B-3's question
  (systemd-boot's default not read) was not asked and it passed, though the default may be
  the older entry. Now each Type #1 entry's kernel (its `version`, else its image's release)
  counts; an entry booting a `uki` or `efi` program does not.

- R45B-3 (false pass) HVA-181 (parse.host._grub_lex, _grub_expand): a double-quoted GRUB
  variable (`"$extra"` on the `linux` line, grubenv's value with a blank) was split at blanks
  like an unquoted one, but GRUB hands a DQVAR's value as one argument (grub-core/script/
  execute.c grub_script_env_get splits only GRUB_SCRIPT_ARG_TYPE_VAR), `linux` wraps an
  argument with a space in double quotes (grub-core/lib/cmdline.c grub_create_loader_cmdline)
  and the kernel reads it as one parameter (kernel/params.c next_arg: `"quiet nosmt"` is the
  parameter `quiet nosmt`). So extra `quiet nosmt` was read as keeping SMT off at the next
  boot (R22B-3's question not asked: a pass), and extra `quiet mitigations=off` failed though
  nothing turns mitigations off (a wrong fail). Now the value is one argument; a variable
  between literal quotes (`\"$x\"`) stays not read.

- R45B-4 (false pass) HVA-180 (parse.host._grub_default_kernel): GRUB_DEFAULT was read as
  written, its outer quotes dropped, not as /bin/sh reads it (grub-mkconfig sources
  /etc/default/grub): `GRUB_DEFAULT=saved  # comment`, `"saved" # ...` or `'sav'ed` is
  `saved`, so 00_header makes the default grubenv's saved_entry (here the older kernel's
  entry), but the value with its comment named no entry and it passed. Now read with
  _sh_value (R22B-4's shell reader: a `#` after a blank is a comment, quotes go); a value it
  cannot read (a command substitution) stays as written.

- R45B-5 (false pass) HVA-180 (parse.host._grub_default_older, new _older_build): GRUB's
  default naming 10_linux's entry for an older build of the running kernel's upstream line in
  another flavour (6.1.0-27-rt-amd64 while 6.1.0-28-amd64 runs) passed: only a kernel of the
  running one's flavour counted as older. Debian builds every flavour of a line from one
  source package with one ABI number (packages.debian.org source package linux-6.1's binary
  packages), so the lower ABI lacks the running build's fixes. Now R25B-4's fail where the
  numbers before the flavour share the first three and are lower.

- R45B-6 (wrong fail) HVA-180 (parse.host._grub_default_kernel, new _grub_submenu): GRUB's
  default naming 10_linux's id of an older kernel's entry without its submenu
  (`gnulinux-6.1.0-27-amd64-advanced-ID`, no `gnulinux-advanced-ID>` before it) failed as
  booting it, but 10_linux puts that entry in its "Advanced options" submenu unless
  GRUB_DISABLE_SUBMENU=y (util/grub.d/10_linux.in; GRUB 2.12 also yes, true), rewrites only
  an old title (title_correction_code), and get_entry_number matches the menu shown only, so
  GRUB boots the first entry, the newest kernel. Now it names no kernel there (the pass);
  with the submenu disabled, or GRUB_DISABLE_SUBMENU not read, the fail stands.

Held (kept as tests): a path to the submenu entry booting the running kernel passes; ESP
entries for the running kernel beside an `efi` program (memtest) keep the pass; a quoted
`"$extra"` whose value has no blank (mitigations=off) still fails; the same build of another
flavour (6.1.0-28-rt-amd64) keeps the pass; the bare id with GRUB_DISABLE_SUBMENU=y keeps
the fail.

Probed by script, not kept: none.

No e2e run: the e2e host has no /etc/default/grub, custom GRUB entry, GRUB environment block or
Boot Loader Specification entry, so the changes cannot reach the e2e-* verdicts.

Tally: 6 findings (5 false passes, 1 wrong fail; R45B-1 and R45B-3 each with a wrong fail of
the same class); 20 cases in 12 test functions. R45B-1: on main c0ec266 7 of 8 failed (6 false
passes of HVA-180, 1 wrong fail); its held case passed before and after. R45B-2: on main
f8271c4 1 of 1 failed (a false pass of HVA-180); its held case passed before and after.
R45B-3: on main 16f103a 2 of 2 failed (a false pass and a wrong fail of HVA-181); its held
case passed before and after. R45B-4: on main e79997e 3 of 3 failed (3 false passes of
HVA-180). R45B-5: on main 59a262b 1 of 1 failed (a false pass of HVA-180); its held case
passed before and after. R45B-6: on main b6def30 1 of 1 failed (a wrong fail of HVA-180); its
held case passed before and after.

Leads left:
- A default naming an entry no collected file defines (30_os-prober, a grub.d generator
  script other than *_custom) still passes; an entry 10_linux writes inside its own "Advanced
  options" submenu is read by its title or id pattern only.
- A Type #2 entry (a unified kernel image in EFI/Linux/) is not counted as an installed kernel
  (its release is in its .osrel/.uname sections, not read); a kernel newer than the running
  one kept only on the ESP is not seen as a pending reboot (_kernel_not_booted reads /boot).
- GRUB_DEFAULT set by a command substitution or another variable is still read as written;
  a custom entry titled like 10_linux's versioned entry ("..., with Linux NEWER") that boots
  an older image is read by the title's release (10_linux puts those in its submenu unless
  GRUB_DISABLE_SUBMENU, so at the top GRUB picks the custom one).
- R45B-5 compares another flavour only where the pin is GRUB's named default; the questions
  of R26B-3 (a menu position), R44B-3/R44B-4 (default unread) still list only the running
  flavour's older kernels, and a backport's 6.1.0-0.debNN.M is not compared.
- A custom submenu's `{` on the next line, or a `menuentry` inside a function body, is not
  read as GRUB's parser would.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from test_redteam21_boot_probes import _boot, _grub
from test_redteam26_boot_probes import _grubenv
from test_redteam30_boot_probes import CUSTOM_HEAD

PASS = "no pending security update (as of the package lists on the host)"
C40 = "/etc/grub.d/40_custom"
OLD = "/vmlinuz-6.1.0-27-amd64"
NEW = "/vmlinuz-6.1.0-28-amd64"
ENV = "/boot/grub/grubenv"


def _entry(title: str, image: str, indent: str = "") -> str:
    return (
        f"{indent}menuentry {title} {{\n{indent}\tlinux\t{image} root=UUID=1a2b ro quiet\n"
        f"{indent}}}\n"
    )


def _submenu(title: str, *entries: tuple[str, str]) -> tuple[str, str]:
    """40_custom with one `submenu TITLE {` holding `entries` (title, image)."""
    body = "".join(_entry(t, i, "\t") for t, i in entries)
    return C40, f"{CUSTOM_HEAD}submenu {title} {{\n{body}}}\n"


def _scan(host_scan, default: str, *files: tuple[str, str]):
    grub = (
        "/etc/default/grub",
        f'GRUB_DEFAULT={default}\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n',
    )
    return host_scan({"boot-cmdline": _boot(grub, *files, grub=False)})


def _older(what: str) -> dict[str, str]:
    return {
        "hv1": f"kernel 6.1.0-28-amd64 runs, but {what} names the older kernel 6.1.0-27-amd64: "
        "the next boot goes back to it (its entry is the default once update-grub runs)"
    }


@pytest.mark.parametrize(
    ("default", "entries"),
    [
        ('"Pinned>Old kernel"', [("'Old kernel'", OLD), ("'New kernel'", NEW)]),
        ('"pinned>old"', [("'Old kernel' --id old", OLD), ("'New kernel'", NEW)]),
        ('"Pinned"', [("'Old kernel'", OLD), ("'New kernel'", NEW)]),
    ],
    ids=["title-path", "id-path", "submenu-first-entry"],
)
def test_r45b_1_default_path_into_custom_submenu_fails(
    host_scan, default: str, entries: list[tuple[str, str]]
) -> None:
    """R45B-1 (false pass) HVA-180: GRUB_DEFAULT names a path 'SUBMENU>ENTRY' into a custom
    submenu (or the submenu alone, whose first entry then boots), whose entry boots the older
    6.1.0-27-amd64. GRUB's menuentry_eq ends a name at '>' and grub_menu_execute_entry makes
    the rest the submenu's default. It passed."""
    a = _scan(host_scan, default, _submenu("'Pinned' --id pinned", *entries))
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == _older("GRUB_DEFAULT")


@pytest.mark.parametrize(
    ("default", "files"),
    [
        ('"Pinned>Gone"', [_submenu("'Pinned'", ("'Old kernel'", OLD), ("'New'", NEW))]),
        ('"Old>>kernel"', [(C40, CUSTOM_HEAD + _entry("'Old>kernel'", OLD))]),
        ('"Old kernel>rest"', [(C40, CUSTOM_HEAD + _entry("'Old kernel'", OLD))]),
    ],
    ids=["unknown-name-in-submenu", "escaped-gt", "path-past-an-entry"],
)
def test_r45b_1_default_path_forms_fail(
    host_scan, default: str, files: list[tuple[str, str]]
) -> None:
    """R45B-1 (false pass) HVA-180: a name none of the submenu's entries has boots its first
    entry (menu.c run_menu falls back to entry 0); '>>' is one '>' of a title (menuentry_eq);
    a path going on past an entry boots that entry. Each boots the older kernel; each passed."""
    a = _scan(host_scan, default, *files)
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == _older("GRUB_DEFAULT")


@pytest.mark.parametrize(
    "default",
    ['"Old kernel"', '"Pinned>New kernel"'],
    ids=["bare-name-inside-submenu", "path-to-running-kernel"],
)
def test_r45b_1_default_not_the_older_kernel_passes(host_scan, default: str) -> None:
    """R45B-1: GRUB_DEFAULT naming an entry of a submenu by its bare name selects no entry at
    the top (get_entry_number reads the menu shown), so GRUB boots its first entry, 10_linux's
    newest kernel: it failed (a wrong fail). The path to the entry booting the running kernel
    held (pass)."""
    a = _scan(
        host_scan, default, _submenu("'Pinned'", ("'Old kernel'", OLD), ("'New kernel'", NEW))
    )
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


# --- R45B-2: kernels kept only on the EFI system partition -----------------------------------------

ESP = "/efi/loader/entries/0b9a7c1e54f34b8e9d3c2f6a1e0c7d11-{}.conf"


def _sd_entry(release: str) -> tuple[str, str]:
    """A systemd-boot entry on the ESP as kernel-install writes it (R26B-4's shape)."""
    return (
        ESP.format(release),
        f"title      Fedora Linux 40\nversion    {release}\n"
        "machine-id 0b9a7c1e54f34b8e9d3c2f6a1e0c7d11\n"
        "options    root=/dev/mapper/vg-root ro quiet\n"
        f"linux      /0b9a7c1e54f34b8e9d3c2f6a1e0c7d11/{release}/linux\n",
    )


ONLY_28 = ("/boot/vmlinuz-6.1.0-28-amd64\n", 0)


def test_r45b_2_esp_only_older_kernel_asks(host_scan) -> None:
    """R45B-2 (false pass) HVA-180: a systemd-boot host whose older 6.1.0-27-amd64 is kept only
    on the ESP (kernel-install's ENTRY-TOKEN/VERSION/linux beside its entry; /boot holds the
    running kernel's image alone): systemd-boot's default (loader.conf, LoaderEntryDefault) is
    not read and may be that entry, but only /boot's vmlinuz-* counted as installed kernels,
    so no older kernel was seen and it passed."""
    files = _boot(_sd_entry("6.1.0-28-amd64"), _sd_entry("6.1.0-27-amd64"), grub=False)
    a = host_scan({"boot-cmdline": files, "boot-kernels": ONLY_28})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "evidence unavailable: the boot loader's default entry (systemd-boot: "
        "loader.conf's default, the LoaderEntryDefault EFI variable) is not read (kernel "
        "6.1.0-28-amd64 runs; older kernels installed: 6.1.0-27-amd64)"
    }


def test_r45b_2_held_esp_entries_of_running_kernel_and_an_efi_program(host_scan) -> None:
    """R45B-2 held: ESP entries for the running kernel and an `efi` program (no kernel of
    its own: memtest) keep the pass."""
    memtest = ("/efi/loader/entries/memtest.conf", "title Memtest86+\nefi /memtest.efi\n")
    files = _boot(_sd_entry("6.1.0-28-amd64"), memtest, grub=False)
    a = host_scan({"boot-cmdline": files, "boot-kernels": ONLY_28})
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


# --- R45B-3: a double-quoted "$x" is one argument --------------------------------------------------

LIVE = "BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/mapper/vg-root ro quiet {}\n"
NONE = "17 CPU vulnerabilities reported, none unmitigated"
SMT_VULNS = str(HARDENED_HOST["cpu-vulnerabilities"][0]).replace(
    "mds:Not affected", "mds:Mitigation: Clear CPU buffers; SMT disabled"
)
QUOTED = _grub('quiet \\"\\$extra\\"')


def test_r45b_3_quoted_variable_does_not_keep_nosmt(host_scan) -> None:
    """R45B-3 (false pass) HVA-181: SMT is off now by the running line's nosmt; the next boot's
    GRUB line is `quiet "$extra"`, grubenv's extra `quiet nosmt`. GRUB hands a double-quoted
    variable's value as one argument (grub-core/script/execute.c grub_script_env_get splits
    only GRUB_SCRIPT_ARG_TYPE_VAR), `linux` quotes an argument with a space
    (grub_create_loader_cmdline), and the kernel reads `"quiet nosmt"` as one parameter
    (kernel/params.c next_arg): nosmt is not there, SMT comes back on. It was split at
    blanks and read as keeping SMT off: a pass."""
    env = _grubenv("extra=quiet nosmt", path=ENV)
    a = host_scan(
        {
            "cpu-vulnerabilities": (SMT_VULNS, 0),
            "/sys/devices/system/cpu/smt/control": "off\n",
            "/proc/cmdline": LIVE.format("nosmt"),
            "boot-cmdline": _boot(QUOTED, env, grub=False),
        }
    )
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": f"{NONE}; but the running kernel turned SMT off with nosmt, not in "
        "/etc/default/grub: mds report SMT vulnerable after the next boot"
    }


@pytest.mark.parametrize(
    ("extra", "status", "said"),
    [
        ("quiet mitigations=off", "pass", NONE),
        (
            "mitigations=off",
            "fail",
            f"{NONE} now, but the next boot turns mitigations off: mitigations=off in {ENV}'s "
            "extra",
        ),
    ],
    ids=["with-a-blank", "held-one-word"],
)
def test_r45b_3_quoted_variable_is_one_kernel_word(
    host_scan, extra: str, status: str, said: str
) -> None:
    """R45B-3 (wrong fail) HVA-181: `"$extra"` with extra `quiet mitigations=off` reaches the
    kernel as the one parameter `"quiet mitigations=off"` (named `quiet mitigations`), which
    turns nothing off; it failed. Held: a value without a blank is the word itself."""
    env = _grubenv(f"extra={extra}", path=ENV)
    a = host_scan({"boot-cmdline": _boot(QUOTED, env, grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": status}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": said}


# --- R45B-4: GRUB_DEFAULT with a comment or quotes read as /bin/sh reads it -----------------------

SAVED_OLD = "saved_entry=gnulinux-advanced-1a2b>gnulinux-6.1.0-27-amd64-advanced-1a2b"


@pytest.mark.parametrize(
    "default",
    ["saved  # the last kernel picked", '"saved" # grub-set-default', "'sav'ed"],
    ids=["bare-comment", "quoted-comment", "quote-pieces"],
)
def test_r45b_4_grub_default_shell_value(host_scan, default: str) -> None:
    """R45B-4 (false pass) HVA-180: grub-mkconfig sources /etc/default/grub with /bin/sh, so
    `GRUB_DEFAULT=saved  # ...` is `saved` (a `#` after a blank starts a comment) and 00_header
    makes the default grubenv's saved_entry, here the older 6.1.0-27-amd64's entry. The value
    was read as written (`saved  # the last kernel picked`), named no entry, and it passed."""
    a = _scan(host_scan, default, _grubenv(SAVED_OLD, path=ENV))
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": f"kernel 6.1.0-28-amd64 runs, but GRUB_DEFAULT=saved ({ENV}'s saved_entry) names "
        "the older kernel 6.1.0-27-amd64: the next boot goes back to it"
    }


# --- R45B-5: GRUB's default names an older build of another flavour ------------------------------

ADV = "Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux {}"
KERNELS = "".join(
    f"/boot/vmlinuz-{k}\n"
    for k in ("6.1.0-28-amd64", "6.1.0-27-amd64", "6.1.0-27-rt-amd64", "6.1.0-28-rt-amd64")
)


def _pinned(host_scan, release: str):
    grub = (
        "/etc/default/grub",
        f'GRUB_DEFAULT="{ADV.format(release)}"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n'
        'GRUB_CMDLINE_LINUX=""\n',
    )
    return host_scan({"boot-cmdline": _boot(grub, grub=False), "boot-kernels": (KERNELS, 0)})


def test_r45b_5_default_names_older_build_of_another_flavour_fails(host_scan) -> None:
    """R45B-5 (false pass) HVA-180: GRUB_DEFAULT names 10_linux's entry for 6.1.0-27-rt-amd64
    while 6.1.0-28-amd64 runs: the same 6.1.0 line one build (ABI) older, so the next boot runs
    a kernel without the updates 28 carries. Only a kernel of the running one's flavour
    counted as older, and it passed."""
    a = _pinned(host_scan, "6.1.0-27-rt-amd64")
    assert outcomes(a, "HVA-180") == {"hv1": "fail"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {
        "hv1": "kernel 6.1.0-28-amd64 runs, but GRUB_DEFAULT names the older kernel "
        "6.1.0-27-rt-amd64: the next boot goes back to it (its entry is the default once "
        "update-grub runs)"
    }


def test_r45b_5_held_same_build_of_another_flavour(host_scan) -> None:
    """R45B-5 held: the same build of another flavour (6.1.0-28-rt-amd64) keeps the pass."""
    a = _pinned(host_scan, "6.1.0-28-rt-amd64")
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == {"hv1": PASS}


# --- R45B-6: a bare 10_linux id outside its submenu names no entry -----------------------------------

BARE = "gnulinux-6.1.0-27-amd64-advanced-1a2b"


@pytest.mark.parametrize(
    ("disable", "status"),
    [("", "pass"), ("GRUB_DISABLE_SUBMENU=y\n", "fail")],
    ids=["in-submenu", "held-submenu-disabled"],
)
def test_r45b_6_bare_advanced_id(host_scan, disable: str, status: str) -> None:
    """R45B-6 (wrong fail) HVA-180: GRUB_DEFAULT names 10_linux's id of the older kernel's entry
    without its submenu ("gnulinux-advanced-ID>" before it): 10_linux puts that entry in its
    "Advanced options" submenu unless GRUB_DISABLE_SUBMENU (y, yes or true), rewrites only an
    old title (title_correction_code), and GRUB's get_entry_number matches the menu shown, so
    no top-level entry has the id and the first, the newest kernel, boots. It failed. Held:
    with the submenu disabled the entry is at the top, and the fail stands."""
    grub = (
        "/etc/default/grub",
        f'GRUB_DEFAULT={BARE}\n{disable}GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n'
        'GRUB_CMDLINE_LINUX=""\n',
    )
    a = host_scan({"boot-cmdline": _boot(grub, grub=False)})
    assert outcomes(a, "HVA-180") == {"hv1": status}, messages(a, "HVA-180")
    assert messages(a, "HVA-180") == (_older("GRUB_DEFAULT") if disable else {"hv1": PASS})
