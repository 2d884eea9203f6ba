"""Red-team round 40 probes: boot, the command line's quotes as the kernel and libselinux get
them (r40boot)

Harness: conftest's `host_scan` (the hardened Debian host, AppArmor, replayed through the real
collector, parser and engine, one libvirt test-driver VM); for SELinux, test_host_verdicts5's
SELINUX (enforcing now, libvirt's selinux secmodel) with /etc/selinux/config as given. The next
boot's line by tests/test_redteam21_boot_probes.py's `_boot`/`_grub` (an OSError: the
boot-cmdline probe failed), the running line by tests/test_redteam22_boot2_probes.py's LIVE.

Findings (R40B-n):

- R40B-1 (false pass) HVA-181, HVA-043 and every check of the next boot's words (parse.host.
  _grub_defaults, _grub_custom_entries; new _grub_args, _grub_loader_text): GRUB's lines were
  split and unquoted as the kernel does (kernel/params.c next_arg: double quotes only), but
  GRUB's script lexer reads the `linux` line first (grub-core/script/yylex.l, read with
  `read_file`: `'...'` is taken without its quotes, `"..."` anywhere in a word loses its
  quotes, `\\$ \\\\ \\"` unescaped inside them) and grub-core/lib/cmdline.c
  grub_create_loader_cmdline hands the kernel each argument with `\\ ' "` escaped and double
  quotes only around one with a space. So `'mitigations=off'` or `"mitigations"=off` in
  /etc/default/grub (or a custom entry) is mitigations=off on the next boot, which passed
  "none unmitigated"; `'apparmor=0'` passed HVA-043. Now GRUB's lines are lexed and rebuilt
  as GRUB does before the kernel's reading (BootCmdline.text keeps the text).
- R40B-2 (false pass; and wrong fail) HVA-043 (devices._selinux_config_next_boot, new
  _selinux_lines; model BootCmdline.text/.verbatim, HostFacts.kernel_cmdline_text):
  libselinux's selinux_init_load_policy takes the mode from the TEXT of /proc/cmdline
  (load_policy.c: fgets, strstr "enforcing=", `tmp == buf || isspace(*(tmp - 1))`, atoi; read
  with `find_string`), which fs/proc/cmdline.c prints as the boot loader handed it
  (`seq_puts(m, saved_command_line)`), quotes and all; hvaudit read the kernel's unquoted
  words. `enforcing="1"` (atoi of `"1"` is 0: permissive) passed over SELINUX=permissive, on
  the running line (where no next boot's line was collected) and in /etc/kernel/cmdline or a
  Boot Loader Specification entry, which systemd-boot hands the kernel as written (src/boot/
  boot.c config_entry_add_type1, line_get_key_value dropping only quotes around the whole
  value); `"enforcing=0"` (a quote before it: no override) failed over SELINUX=enforcing.
  GRUB's blscfg lexes the same entry (blscfg.c: `linux %s%s%s%s` into the entry's script), so
  there the words lose their quotes. Now each line is read as text: GRUB's as it makes it,
  /proc/cmdline's as printed, and an entry whose systemd-boot and GRUB texts give different
  modes is two sources, one per boot loader (a question where only one keeps enforcing).
- R40B-3 (false pass) HVA-043, HVA-181 and every check of the next boot's words (parse.host.
  _grub_lex, _grub_defaults): GRUB's lexer (yylex.l) takes an unquoted word that starts with
  `#` as a comment to the end of the line (`{COMMENT} #.*$`, listed before `{WORD}`), and an
  unquoted `;` (or `|`, `&`, `<`, `>`, `{`, `}`: tokens of their own, outside CHAR) ends the
  `linux` command; 10_linux puts GRUB_CMDLINE_LINUX, then _DEFAULT, last on that line. So
  `quiet #note enforcing=1`, a `#` in _LINUX before _DEFAULT's enforcing=1, `quiet;
  enforcing=1` and a custom entry's `# enforcing=1` left SELinux permissive at the next boot
  over SELINUX=permissive, and passed; `mitigations=off #x mitigations=auto` was a question of
  the kernel's version where the kernel gets mitigations=off alone (fail). Now GRUB's words
  stop where its command does, a variable's end dropping the later variables' words.
- R40B-4 (false pass) HVA-181 and every check of the next boot's words (parse.host.
  _entry_lines): a Boot Loader Specification entry's `options`, and /etc/kernel/cmdline that
  kernel-install writes into one, were read as the kernel splits them, which is systemd-boot's
  reading; GRUB's blscfg (RHEL's and Fedora's default) puts them on the entry's `linux` line
  (blscfg.c create_entry, `"linux %s%s%s%s\n"`, read with `find_string`), where GRUB's lexer
  drops single quotes and a quoted name's quotes: `'mitigations=off'` or `"mitigations"=off`
  turns mitigations off there, and passed. Now an entry whose words differ between the two
  boot loaders is two sources, "(booted by GRUB's blscfg)" and "(booted by systemd-boot)"
  (a question where only one has the word; R40B-2's split is named alike).
- R40B-5 (false pass) HVA-181 and every check of GRUB's next-boot words (parse.host.
  _grub_lex): outside quotes GRUB's lexer copies a backslash and the character after it
  (yylex.l SPLIT `\\.`) and grub-core/script/execute.c grub_script_arglist_to_argv hands
  every argument through wildcard_unescape, which drops the backslash (read with
  `find_string` and `read_file`): `mitig\\ations=off` (two backslashes in /etc/default/grub's
  double quotes, one after sh) is mitigations=off, and passed. Now the backslash goes.

Held (kept as tests): GRUB's `enforcing=\\"1\\"` (its lexer drops the quotes) and a BLS entry
whose whole `options` value is quoted (systemd-boot drops that pair; GRUB quotes the argument
again, and the enforcing= after the blank reads 1) pass over SELINUX=permissive; GRUB's
`'mitigations=auto'` passes HVA-181. R40B-3: `a#b` and `'#x'` (a character, no comment) before
enforcing=1 pass; `\\${x} mitigations=off` fails HVA-181 (`${x}` is a GRUB variable inside the
word, yylex.l VARIABLE: its braces end no command; R40B-3 as first landed, 8b259d1, ended the
command there and passed it, fixed in the same round). R40B-4: a bare or wholly double-quoted
mitigations=off in an entry (the same word under both boot loaders) fails as one source. R40B-5: `\\'mitigations=off\\'` (the quotes
escaped: characters, which GRUB hands on escaped) passes HVA-181; `\\#x` is no comment.

Probed by script, not kept: none.

No e2e run: the e2e host has no /etc/default/grub, /etc/kernel/cmdline or Boot Loader
Specification entries, no quote in /proc/cmdline and no SELinux (no /sys/fs/selinux), so neither
change can reach its verdicts.

Tally: 5 findings (5 false passes; R40B-2 also 2 wrong fails); 30 cases in 16 test functions.
On main 18e23e6 10 of 13 failed: R40B-1 4 of 4 (4 false passes), R40B-2 6 of 6 (4 false passes:
the running `enforcing="1"`, /etc/kernel/cmdline's and a BLS entry's, GRUB's `"enforcing=1 x"`;
2 wrong fails: the running and /etc/kernel/cmdline's `"enforcing=0"`, now a pass and a
question); the 3 held cases passed before and after. R40B-3: 6 of 6 failed on main 6d29779
(5 false passes, HVA-181's 2 questions where the kernel gets mitigations=off); its 2 held
cases passed before and after (the `${x}` case, added later, failed on 8b259d1 only, see
Held). R40B-4: 3 of 3 failed on main 5db921a (3 false passes); its 2
held cases passed before and after (R40B-2's 3 entry cases failed there on the sources' new
names only). R40B-5: 1 of 1 failed on main 73fbb89 (a false pass); its 2 held cases passed
before and after.

Leads left:
- GRUB's `$VAR` in /etc/default/grub's value (expanded by GRUB at boot) is
  taken literally. A `<`, `>`, `{` or `}` there may make grub.cfg's entry a syntax error
  (not read; the words before it are kept).
- The next boot's line rests on GRUB's defaults, not /boot/grub/grub.cfg (not collected): a
  running `enforcing=0` that the defaults no longer have passes as dropped (the design of
  live_word_dropped), though grub.cfg keeps it until `update-grub` runs.
- RHEL 8's `options $kernelopts`: GRUB expands the variable and splits its value without
  lexing its quotes again (not read; its words are read as the kernel splits them).
- mds=off alone while TAA's mitigation keeps MDS on fails HVA-181 (a cautious wrong fail).
"""

from __future__ import annotations

import pytest

from conftest import messages, outcomes
from test_host_verdicts5 import SELINUX, SELINUX_PASS
from test_redteam21_boot_probes import _boot, _grub
from test_redteam22_boot2_probes import LIVE

PERM = "SELINUX=permissive\n"
ENF = "SELINUX=enforcing\n"
UNCOLLECTED = OSError("boom")
RUN = "selinux confines QEMU on the running kernel, but "
ZERO = (
    f"{RUN}libselinux takes the first enforcing= of the next boot's line over "
    "/etc/selinux/config, and it reads 0: SELinux boots permissive ({})"
)
KC = "/etc/kernel/cmdline"
BLS = "/boot/loader/entries/a.conf"
GRUB_AS = " (booted by GRUB's blscfg)"
SD_AS = " (booted by systemd-boot, quotes and all)"


def _selinux(host_scan, config: str, boot: object, live: str = ""):
    return host_scan(
        {
            **SELINUX,
            "/etc/selinux/config": config,
            "/proc/cmdline": LIVE.format(live),
            "boot-cmdline": boot,
        }
    )


def _entry(options: str) -> tuple[str, str]:
    return (BLS, f"title a\nlinux /vmlinuz\noptions {options}")


# --- R40B-1: GRUB's lexer drops quotes the kernel would keep ------------------------------------


@pytest.mark.parametrize(
    "words",
    ["quiet 'mitigations=off'", 'quiet \\"mitigations\\"=off', "quiet 'mitigations'=\\\"off\\\""],
)
def test_r40b_1_grub_drops_quotes_before_the_kernel(host_scan, words: str) -> None:
    """R40B-1 (false pass) HVA-181: GRUB's lexer takes `'mitigations=off'` and
    `"mitigations"=off` as mitigations=off, which the next boot's kernel reads."""
    a = host_scan({"boot-cmdline": _boot(_grub(words), grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but the next boot turns "
        "mitigations off: mitigations=off in /etc/default/grub"
    }


def test_r40b_1_a_custom_entry_and_apparmor(host_scan) -> None:
    """R40B-1 (false pass) HVA-043: a 40_custom entry's `'apparmor=0'` (copied into grub.cfg
    as written, lexed by GRUB) keeps AppArmor from starting on that entry."""
    custom = (
        "/etc/grub.d/40_custom",
        "menuentry 'x' {\n linux /vmlinuz root=/dev/sda1 'apparmor=0'\n}",
    )
    a = host_scan({"boot-cmdline": _boot(_grub("quiet"), custom, grub=False)})
    assert outcomes(a, "HVA-043") == {"hv1": "manual"}, messages(a, "HVA-043")
    (msg,) = messages(a, "HVA-043").values()
    assert msg.endswith(
        "but apparmor=0 in /etc/grub.d/40_custom line 2 keeps apparmor from starting at the "
        "next boot if the boot loader takes it"
    ), msg


def test_r40b_1_held_a_quoted_mode_that_keeps_mitigations(host_scan) -> None:
    """R40B-1 held: `'mitigations=auto'` is mitigations=auto: nothing turned off."""
    a = host_scan({"boot-cmdline": _boot(_grub("quiet 'mitigations=auto'"), grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {"hv1": "17 CPU vulnerabilities reported, none unmitigated"}


# --- R40B-2: libselinux reads the text, quotes and all --------------------------------------------


@pytest.mark.parametrize(
    ("config", "live", "status", "said"),
    [
        (
            PERM,
            'enforcing="1"',
            "fail",
            ZERO.format('enforcing="1" in the running kernel\'s command line'),
        ),
        # R52B-4 (round 52's team decision): the next boot's line not read at all is asked
        (
            ENF,
            '"enforcing=0"',
            "manual",
            f"{SELINUX_PASS}; but the next boot's kernel command line could not be read (boom): "
            "whether the next boot's line keeps selinux from starting is not known",
        ),
    ],
    ids=["quoted-value", "quoted-word"],
)
def test_r40b_2_the_running_line_is_read_as_text(
    host_scan, config: str, live: str, status: str, said: str
) -> None:
    """R40B-2 (false pass; wrong fail) HVA-043: with no next boot's line collected, the running
    /proc/cmdline stands for it as printed: atoi(`"1"`) is 0 (permissive), and a quote before
    `enforcing=0` leaves the config file's mode."""
    a = _selinux(host_scan, config, UNCOLLECTED, live)
    assert outcomes(a, "HVA-043") == {"hv1": status}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": said}


@pytest.mark.parametrize(
    ("config", "files", "src", "on", "off"),
    [
        (PERM, [(KC, 'root=/dev/sda1 enforcing="1"')], KC, GRUB_AS, 'enforcing="1" in {}' + SD_AS),
        (ENF, [(KC, 'root=/dev/sda1 "enforcing=0"')], KC, SD_AS, "enforcing=0 in {}" + GRUB_AS),
        (
            PERM,
            [_entry('root=/dev/sda1 enforcing="1"')],
            BLS,
            GRUB_AS,
            'enforcing="1" in {}' + SD_AS,
        ),
    ],
    ids=["kernel-cmdline-value", "kernel-cmdline-word", "bls-value"],
)
def test_r40b_2_an_entry_is_read_per_boot_loader(
    host_scan, config: str, files: list[tuple[str, str]], src: str, on: str, off: str
) -> None:
    """R40B-2 (false pass; wrong fail) HVA-043: systemd-boot hands the entry's quotes to the
    kernel, GRUB's blscfg drops them: the modes differ, so which boot loader boots is asked."""
    a = _selinux(host_scan, config, _boot(*files, grub=False))
    assert outcomes(a, "HVA-043") == {"hv1": "manual"}, messages(a, "HVA-043")
    mode = "permissive" if config == PERM else "enforcing"
    assert messages(a, "HVA-043") == {
        "hv1": f"{SELINUX_PASS}; but /etc/selinux/config has SELINUX={mode}, and only some of "
        f"the next boot's command lines keep SELinux enforcing ({src}{on}; not: "
        f"{off.format(src)})"
    }
    (q,) = [r.outcome.question for r in a.results if r.check.id == "HVA-043"]
    assert q == (
        "Which kernel command line does host hv1 boot next? Evidence: the boot loader's default "
        f"entry there (`grubby --info=DEFAULT` or `bootctl list`). Pass: one of {src}{on}, which "
        f"keeps SELinux enforcing; fail: one of {src}{SD_AS if on == GRUB_AS else GRUB_AS} "
        "(SELinux boots permissive)."
    )


def test_r40b_2_grub_quotes_a_word_with_a_space(host_scan) -> None:
    """R40B-2 (false pass) HVA-043: GRUB hands `"enforcing=1 x"` (one argument with a space)
    to the kernel in double quotes: the quote before enforcing= makes libselinux read none."""
    a = _selinux(host_scan, PERM, _boot(_grub('quiet \\"enforcing=1 x\\"'), grub=False))
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {
        "hv1": f"{RUN}/etc/selinux/config has SELINUX=permissive and no kernel word enforcing= "
        "overrides it: the next boot leaves SELinux permissive"
    }


@pytest.mark.parametrize(
    "boot",
    [
        _boot(_grub('quiet enforcing=\\"1\\"'), grub=False),
        _boot(_entry('"root=/dev/sda1 enforcing=1"'), grub=False),
    ],
    ids=["grub-quoted-value", "bls-whole-value-quoted"],
)
def test_r40b_2_held_quotes_the_loader_drops(host_scan, boot: object) -> None:
    """R40B-2 held: GRUB's lexer drops `enforcing="1"`'s quotes; systemd-boot drops the pair
    around a whole `options` value (and GRUB quotes it again as one argument, with enforcing=1
    after its blank): SELinux boots enforcing over SELINUX=permissive."""
    a = _selinux(host_scan, PERM, boot)
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": SELINUX_PASS}


# --- R40B-3: GRUB's command ends at a comment or a `;` ---------------------------------------------

NOWORD = (
    f"{RUN}/etc/selinux/config has SELINUX=permissive and no kernel word enforcing= overrides "
    "it: the next boot leaves SELinux permissive"
)


@pytest.mark.parametrize(
    "files",
    [
        [_grub("quiet #note enforcing=1")],
        [_grub("enforcing=1", "quiet #note")],
        [_grub("quiet; enforcing=1")],
        [
            (
                "/etc/grub.d/40_custom",
                "menuentry 'x' {\n linux /vmlinuz root=/dev/sda1 # enforcing=1\n}",
            )
        ],
    ],
    ids=["comment", "comment-in-linux-hides-default", "semicolon", "custom-entry-comment"],
)
def test_r40b_3_words_after_grubs_command_ends_are_not_the_kernels(host_scan, files) -> None:
    """R40B-3 (false pass) HVA-043: GRUB's lexer takes a word starting with `#` as a comment to
    the end of the `linux` line (GRUB_CMDLINE_LINUX's swallowing _DEFAULT's words, which 10_linux
    puts after it), and a `;` ends the command: the enforcing=1 after either is not the kernel's."""
    a = _selinux(host_scan, PERM, _boot(*files, grub=False))
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": NOWORD}


@pytest.mark.parametrize(
    "words", ["mitigations=off #x mitigations=auto", "mitigations=off; mitigations=auto"]
)
def test_r40b_3_a_later_mode_word_after_the_end(host_scan, words: str) -> None:
    """R40B-3 HVA-181: a mitigations=auto after the comment or `;` does not follow
    mitigations=off on the kernel's line (it was a question of the kernel's version)."""
    a = host_scan({"boot-cmdline": _boot(_grub(words), grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but the next boot turns "
        "mitigations off: mitigations=off in /etc/default/grub"
    }


@pytest.mark.parametrize("words", ["quiet a#b enforcing=1", "quiet '#x' enforcing=1"])
def test_r40b_3_held_a_hash_inside_a_word_or_quotes(host_scan, words: str) -> None:
    """R40B-3 held: `#` inside a word (yylex.l CHAR) or quoted is a character, no comment."""
    a = _selinux(host_scan, PERM, _boot(_grub(words), grub=False))
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": SELINUX_PASS}


# --- R40B-4: a BLS entry's words as GRUB's blscfg reads them ---------------------------------------

BY_GRUB = " (booted by GRUB's blscfg)"
BY_SD = " (booted by systemd-boot)"


@pytest.mark.parametrize(
    ("files", "src"),
    [
        ([_entry("root=/dev/sda1 'mitigations=off'")], BLS),
        ([_entry('root=/dev/sda1 "mitigations"=off')], BLS),
        ([(KC, "root=/dev/sda1 'mitigations=off'")], KC),
    ],
    ids=["bls-single-quotes", "bls-quoted-name", "kernel-cmdline"],
)
def test_r40b_4_an_entry_under_grub_loses_its_quotes(host_scan, files, src: str) -> None:
    """R40B-4 (false pass) HVA-181: GRUB's blscfg lexes an entry's `options`, so
    `'mitigations=off'` turns mitigations off where GRUB boots the entry (RHEL, Fedora);
    systemd-boot hands the kernel the quoted word, which it does not know. Which boots is asked."""
    a = host_scan({"boot-cmdline": _boot(*files, grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "manual"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but mitigations=off in "
        f"{src}{BY_GRUB} turns mitigations off at the next boot if the boot loader takes it"
    }
    (q,) = [r.outcome.question for r in a.results if r.check.id == "HVA-181"]
    assert q == (
        f"Which kernel command line does host hv1 boot with next? mitigations=off in {src}"
        f"{BY_GRUB}, but not in {src}{BY_SD}. Evidence: the boot loader in use (`bootctl "
        "status`, `proxmox-boot-tool status`, `efibootmgr -v`) and the `linux` line of its "
        "default entry (/boot/grub/grub.cfg after `update-grub`, or the ESP's loader entries "
        f"after `proxmox-boot-tool refresh`). Pass: it takes none of {src}{BY_GRUB}'s words; "
        "fail: it boots with one of them (the flaw is unmitigated)."
    )


@pytest.mark.parametrize(
    "options", ["root=/dev/sda1 mitigations=off", 'root=/dev/sda1 "mitigations=off"']
)
def test_r40b_4_held_words_both_loaders_hand_alike(host_scan, options: str) -> None:
    """R40B-4 held: a bare or wholly double-quoted mitigations=off is the kernel's word under
    either boot loader: one source, a fail."""
    a = host_scan({"boot-cmdline": _boot(_entry(options), grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but the next boot turns "
        f"mitigations off: mitigations=off in {BLS}"
    }


# --- R40B-5: GRUB drops a backslash outside quotes ----------------------------------------------


def test_r40b_5_grub_unescapes_outside_quotes(host_scan) -> None:
    """R40B-5 (false pass) HVA-181: GRUB's lexer copies `\\a` outside quotes, and execute.c's
    wildcard_unescape then drops the backslash: `mitig\\ations=off` (sh's double quotes in
    /etc/default/grub leave one backslash of two) is mitigations=off on the kernel's line."""
    a = host_scan({"boot-cmdline": _boot(_grub("quiet mitig\\\\ations=off"), grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but the next boot turns "
        "mitigations off: mitigations=off in /etc/default/grub"
    }


def test_r40b_5_held_an_escaped_quote_stays(host_scan) -> None:
    """R40B-5 held: `\\'mitigations=off\\'` keeps its quotes as characters (GRUB then hands
    them escaped), so the kernel gets no mitigations= word."""
    a = host_scan({"boot-cmdline": _boot(_grub("quiet \\\\'mitigations=off\\\\'"), grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "pass"}, messages(a, "HVA-181")


def test_r40b_5_held_an_escaped_hash_is_no_comment(host_scan) -> None:
    """R40B-5 held: `\\#x` is the word #x, no comment: the enforcing=1 after it stands."""
    a = _selinux(host_scan, PERM, _boot(_grub("quiet \\\\#x enforcing=1"), grub=False))
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert messages(a, "HVA-043") == {"hv1": SELINUX_PASS}


def test_r40b_3_held_a_braced_variable_ends_no_command(host_scan) -> None:
    """R40B-3 held: `${x}` is a GRUB variable inside the word (yylex.l VARIABLE), its braces
    no end of the command: the mitigations=off after it is the kernel's. R41B-1: GRUB expands
    `${x}` from grubenv (here `quiet`); unset there, its words are unknown (a question)."""
    env = ("/boot/grub/grubenv", "# GRUB Environment Block\nx=quiet\n" + "#" * 700)
    a = host_scan({"boot-cmdline": _boot(_grub("quiet \\${x} mitigations=off"), env, grub=False)})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}, messages(a, "HVA-181")
    assert messages(a, "HVA-181") == {
        "hv1": "17 CPU vulnerabilities reported, none unmitigated now, but the next boot turns "
        "mitigations off: mitigations=off in /etc/default/grub"
    }
