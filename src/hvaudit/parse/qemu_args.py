"""Raw QEMU arguments (libvirt <qemu:commandline>, Proxmox VE `args:`) read as QEMU reads them.

libvirt and qemu-server hand these words to QEMU as they are, so a device, backend or object
they add is judged like the one the management layer would have built. QEMU accepts the same
option in several spellings; each check used to match one of them by text (`-device
ivshmem-plain,...` but not `-device driver=ivshmem-plain,...`). This module is the one reading
every check uses. Each fact below was read in QEMU's source with the `search` tools:

- Where the raw arguments stand. libvirt (src/qemu/qemu_command.c qemuBuildCommandLine, read
  in a libvirt 11 tree, cyberus-technology/libvirt 71699a06, the stored libvirt/libvirt copy
  being 2014's) adds the <qemu:arg> values (`for (n = qemuxmlns->args; n && *n; n++)
  virCommandAddArg(cmd, *n)`) after its own -machine, -cpu, -m, -smp, -numa, disks, NICs
  (qemuBuildNetCommandLine), chardevs, TPMs (qemuBuildTPMsCommandLine), graphics, video,
  hostdevs, memballoon, RNG and launch security, and before its -sandbox, panic device, <shmem>
  devices, vsock, crypto, pstore, -run-with async-teardown and -msg. So a raw -cpu replaces
  libvirt's (the last -cpu wins), a raw -smp or -m merges over libvirt's, and a `-set` reaches
  libvirt's QemuOpts options given before them (its -tpmdev: HVA-056), never its <shmem> ones,
  which come after (QEMU exits on an id it has not seen). Proxmox
  VE's qemu-server appends `args:` last of all (src/PVE/QemuServer.pm config_to_command: `#
  add custom args` / `push @$cmd, @$aa` from PVE::Tools::split_args, after every option it
  builds; read at proxmox/qemu-server e6352be6).

- Option names: system/vl.c lookup_opt, `/* Treat --foo the same as -foo. */ if (r[1] == '-')
  r++;`, then `strcmp(popt->name, r + 1)` over the whole word: `--device` is `-device`, while
  `-device=X` (or `---device`) names no option and QEMU exits with "invalid option", so neither
  is read here. An option's argument is the next word.
- QemuOpts (util/qemu-option.c get_opt_name_value): a parameter with no `=` before its first
  `,` is the value of the list's implied key when it comes first (`implied_opt_name`), else a
  flag (`foo` is foo=on, `nofoo` foo=off); in a value `,,` is a literal comma (get_opt_value,
  "To specify an option value that contains commas, double each comma"); a key given twice
  keeps its last value (qemu_opt_find walks the list from its end). The implied keys:
  `-device` driver (qdev-monitor.c qemu_device_opts), `-chardev` backend (chardev/char.c
  qemu_chardev_opts), `-tpmdev` type (system/vl.c qemu_tpmdev_opts), `-netdev` type (net/net.c
  qemu_netdev_opts and netdev_is_modern's dummy_opts), `-fsdev` and `-virtfs` fsdriver
  (fsdev/qemu-fsdev-opts.c), `-vnc` vnc (ui/vnc.c qemu_vnc_opts), `-nic` and `-net` type
  (net/net.c qemu_nic_opts, qemu_net_opts), `-smp` cpus (system/vl.c qemu_smp_opts
  `.implied_opt_name = "cpus"`, read by keyval_parse with that key since QEMU 6.2), `-m` size
  (qemu_mem_opts `.implied_opt_name = "size"`), `-mon` chardev (monitor/monitor.c qemu_mon_opts
  `.implied_opt_name = "chardev"`). A list parameter is given again for each item
  (qemu-options.hx, -netdev user hostfwd: "This option can be given multiple times"): every
  value is kept beside the last (QemuOption.values). `-spice` is parsed with
  permit_abbrev false (system/vl.c `qemu_opts_parse_noisily(qemu_find_opts("spice"), optarg,
  false)`): it has no implied key.
- JSON (system/vl.c): `-device` `if (optarg[0] == '{') { QObject *obj =
  qobject_from_json(optarg, ...)` (QEMU 6.2, "vl: Enable JSON syntax for -device"); `-object`
  qom/object_interfaces.c user_creatable_parse_str, `if (optarg[0] == '{')` JSON, else
  `keyval_parse(optarg, "qom-type", ...)`; `-netdev` net/net.c netdev_is_modern, JSON when
  `optstr[0] == '{'` (or type stream/dgram), read by `qobject_input_visitor_new_str(optstr,
  "type", ...)`; `-blockdev` `qobject_input_visitor_new_str(optarg, "driver", ...)`. `-chardev`
  and `-tpmdev` are QemuOpts only. QEMU's JSON (qobject/json-lexer.c, "Extensions over RFC
  8259") also takes single-quoted strings and `\\'` in either kind of string.
- keyval (`-object`, `-blockdev`, the modern `-netdev`): the same `key=value` and `,,`, the
  implied key only first; a dotted key names a member of a nested object, as JSON nests it, so
  both come out as the same dotted keys here.
- `-set group.id.arg=value` (system/vl.c qemu_set_option: `sscanf(str,
  "%63[^.].%63[^.].%63[^=]%n", group, id, arg, &offset)`, then `qemu_opts_find(list, id)` and
  `qemu_opt_set(opts, arg, str + offset + 1, ...)`) sets one parameter of an option given
  earlier with that id, as if written in it: `-chardev socket,id=c0,host=127.0.0.1,... -set
  chardev.c0.host=0.0.0.0` listens on every address. It reaches QemuOpts only (is_qemuopts_group;
  a JSON -device, an -object or a modern -netdev has no QemuOpts of that id, and QEMU exits
  with "there is no ... defined"); the value is the rest of the word, commas and all.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hvaudit.model import Passthrough, Source

#: Each option's implied first key (QemuOpts implied_opt_name, or the implied key its keyval or
#: JSON reader is given); an option not here has none.
IMPLIED_KEY: Mapping[str, str] = {
    "device": "driver",
    "chardev": "backend",
    "tpmdev": "type",
    "netdev": "type",
    "object": "qom-type",
    "blockdev": "driver",
    "fsdev": "fsdriver",
    "virtfs": "fsdriver",
    "vnc": "vnc",
    "nic": "type",
    "net": "type",
    "smp": "cpus",
    "m": "size",
    "mon": "chardev",
}
#: Options whose argument QEMU reads as JSON when it starts with `{`.
JSON_OPTIONS = frozenset({"device", "object", "netdev", "blockdev"})
#: Options read as `key=value,...` lists (QemuOpts or keyval).
LIST_OPTIONS = frozenset({*IMPLIED_KEY, "spice", "drive"})
#: keyval readers take no flags; QemuOpts do (`server` is server=on).
_KEYVAL = frozenset({"object", "blockdev"})


@dataclass(frozen=True, slots=True)
class QemuOption:
    """One option of a QEMU command line and its argument as QEMU reads it."""

    name: str
    """The option without its dashes (`device` for `-device` and `--device`)."""
    spelled: str
    """The option word as written."""
    text: str
    """Its argument as written."""
    props: Mapping[str, str] = field(default_factory=dict)
    """Its parameters, the implied key filled in; JSON values as text (true/false as on/off),
    nested members under dotted keys. Empty for options not read as parameter lists."""
    readable: bool = True
    """False where the argument is JSON that does not parse (QEMU refuses to start then)."""
    set_by: tuple[str, ...] = ()
    """The `-set` arguments that changed its parameters, in order."""
    pairs: tuple[tuple[str, str], ...] = ()
    """Every parameter in order, a key given twice twice (props keeps the last)."""

    @property
    def kind(self) -> str:
        """The value of the implied key (the device driver, chardev backend, object type)."""
        key = IMPLIED_KEY.get(self.name)
        return self.props.get(key, "") if key else ""

    def flag(self, key: str) -> bool:
        """A boolean parameter set true (QEMU's bool parser: on, yes, true, y)."""
        return self.props.get(key, "").lower() in ("on", "yes", "true", "y")

    def values(self, key: str) -> list[str]:
        """Every value of a list parameter: each time the key is given (QemuOpts), each item of
        a JSON list (`key: ["v"]` or a StringList's `key: [{"str": "v"}]`), each -set of it."""
        item = re.compile(rf"{re.escape(key)}\.[0-9]+(?:\.str)?")
        return [v for k, v in self.pairs if k == key or item.fullmatch(k)]

    def shown(self) -> str:
        """The option as written, for a message (with the -set arguments that changed it); a
        bare image word (no option word: `spelled` empty) as the word alone."""
        sets = "".join(f" -set {s}" for s in self.set_by)
        return f"{self.spelled} {self.text}{sets}" if self.spelled else self.text

    @property
    def qemu_opts(self) -> bool:
        """Whether QEMU keeps it as QemuOpts, which `-set` reaches (not JSON, not keyval, not a
        modern -netdev of type stream or dgram: net/net.c netdev_is_modern)."""
        return (
            self.name in LIST_OPTIONS
            and self.name not in _KEYVAL
            and not self.text.startswith("{")
            and not (self.name == "netdev" and self.kind in ("stream", "dgram"))
        )


def option_name(word: str) -> str | None:
    """The option a word names, as lookup_opt reads it (`-x` or `--x`), or None."""
    if not word.startswith("-") or word in ("-", "--"):
        return None
    name = word[2:] if word.startswith("--") else word[1:]
    return None if name.startswith("-") or not name else name


#: QEMU options that take no argument (qemu-options.hx `DEF("snapshot", 0,
#: QEMU_OPTION_snapshot`, `DEF("no-hpet", 0, QEMU_OPTION_no_hpet`, `DEF("perfmap", 0,
#: QEMU_OPTION_perfmap`, `DEF("enable-sync-profile", 0, ...`, and of releases that had them
#: `DEF("no-kvm", 0, ...`, `DEF("sdl", 0, ...`, `DEF("curses", 0, ...`, `DEF("alt-grab", 0,
#: ...`, `DEF("ctrl-grab", 0, ...`, `DEF("no-quit", 0, ...`, `DEF("no-frame", 0, ...`,
#: `DEF("show-cursor", 0, ...`, `DEF("rtc-td-hack", 0, ...`, `DEF("nodefconfig", 0, ...`,
#: `DEF("enable-fips", 0, ...`, `DEF("jitdump", 0, ...`, all read with `find_string`; each
#: of QEMU 7.2's was also confirmed with qemu-system-x86_64 7.2.22, `-OPT -readconfig
#: -readconfig /nonexist/x` opening /nonexist/x as a disk image): the word after one is not
#: its argument but a word of its own (R23M-1; a release without the option exits on it).
#: -h, -help, -version and -audio-help are left out: QEMU exits on them before any disk.
NO_ARGUMENT = frozenset(
    {
        "snapshot",
        "S",
        "s",
        "nographic",
        "no-reboot",
        "no-shutdown",
        "enable-kvm",
        "nodefaults",
        "no-user-config",
        "daemonize",
        "usb",
        # the rest of QEMU 7.2's (R23M-1)
        "async-teardown",
        "enable-sync-profile",
        "full-screen",
        "mem-prealloc",
        "no-acpi",
        "no-fd-bootchk",
        "no-hpet",
        "old-param",
        "only-migratable",
        "portrait",
        "preconfig",
        "semihosting",
        "singlestep",
        "win2k-hack",
        "xen-attach",
        "xen-domid-restrict",
        # older releases' (-no-kvm, -sdl, -curses, ... since removed) and newer ones'
        "alt-grab",
        "ctrl-grab",
        "curses",
        "enable-fips",
        "jitdump",
        "no-frame",
        "no-kvm",
        "no-quit",
        "nodefconfig",
        "perfmap",
        "rtc-td-hack",
        "sdl",
        "show-cursor",
    }
)


def _marker(word: str) -> bool:
    """A word libvirt_xml.parse_domain adds to a domain's raw arguments for what
    <qemu:commandline> and the QEMU namespace hold besides arguments (`env NAME`,
    `qemu:capabilities`, `qemu:override`, `qemu:deprecation`): no word QEMU reads."""
    return word.startswith("env ") or word in (
        "qemu:capabilities",
        "qemu:override",
        "qemu:deprecation",
    )


def qemu_options(args: Iterable[str]) -> tuple[QemuOption, ...]:
    """Every option word of `args` with the word after it as its argument. Each option word is
    read with the next word, even where that is itself an option (a word QEMU might take as
    the argument of an option without one is read both ways: more is judged, never less).

    A word that is no option and no option's argument is a disk image, read as `-hda WORD`
    with an empty `spelled` (R23V-2): vl.c's second pass, `if (argv[optind][0] != '-') {
    loc_set_cmdline(argv, optind, 1); drive_add(IF_DEFAULT, 0, argv[optind++], HD_OPTS); }`,
    as `case QEMU_OPTION_hda` adds index 0 (read with `find_string`). So is the first word:
    raw arguments follow the launcher's own options and their arguments (libvirt appends
    <qemu:arg> values after its command line). Which words are arguments is read as
    lookup_opt reads them, left to right: an option word takes the next word, whatever it
    is, unless it is one known to take none (NO_ARGUMENT); so `-append -v WORD` opens WORD
    (R23M-1)."""
    if args == ():  # most VMs have no raw arguments, and about 28 checks ask for each VM's
        return ()
    words = list(args)
    arguments: set[int] = set()
    n = 0
    while n < len(words):
        name = option_name(words[n])
        if name is not None and name not in NO_ARGUMENT:
            arguments.add(n + 1)
            n += 1
        n += 1
    out: list[QemuOption] = []
    for n, word in enumerate(words):
        name = option_name(word)
        if name is None:
            if word and not word.startswith("-") and n not in arguments and not _marker(word):
                out.append(QemuOption("hda", "", word))
            continue
        text = words[n + 1] if n + 1 < len(words) else ""
        out.append(parse_option(name, word, text))
        if name == "set" and (m := _SET.match(text)) is not None:
            group, ident, key = m.groups()
            value = text[m.end() :]
            ids = _vnc_ids(out)
            for i, o in enumerate(out):
                if _group(o) == group and ids.get(i, o.props.get("id")) == ident:
                    props = {**o.props, key: value}
                    out[i] = dataclasses.replace(
                        o, props=props, set_by=(*o.set_by, text), pairs=(*o.pairs, (key, value))
                    )
                    break
    return tuple(out)


def _group(o: QemuOption) -> str | None:
    """The QemuOpts list a `-set GROUP.ID.KEY=` reaches the option through: its own name, and
    `vnc` for `-display vnc=X` too (R44D-1: system/vl.c parse_display hands X to vnc_parse,
    which adds it to the same `vnc` list as a -vnc, ui/vnc.c). None for an option QEMU does
    not keep as QemuOpts."""
    if o.name == "display" and o.text.startswith("vnc="):
        return "vnc"
    return o.name if o.qemu_opts else None


def _vnc_ids(options: list[QemuOption]) -> dict[int, str]:
    """The ids of -vnc options given none: ui/vnc.c vnc_auto_assign_id names the first
    `default`, later ones vnc2, vnc3, ... (what -set vnc.default.password=off reaches; QEMU
    releases that assign the id only later refuse such a -set). A `-display vnc=X` is one of
    them, numbered in its place among the -vnc options (vnc_parse, _group: R44D-1)."""
    out: dict[int, str] = {}
    vnc = [_group(o) == "vnc" for o in options]
    taken = {
        o.props["id"]
        for o, is_vnc in zip(options, vnc, strict=True)
        if is_vnc and o.props.get("id")
    }
    for i, o in enumerate(options):
        if vnc[i] and not o.props.get("id"):
            ident, n = "default", 2
            while ident in taken:
                ident, n = f"vnc{n}", n + 1
            taken.add(ident)
            out[i] = ident
    return out


#: qemu_set_option's sscanf pattern
_SET = re.compile(r"([^.]{1,63})\.([^.]{1,63})\.([^=]{1,63})=")


def set_options(args: Iterable[str]) -> list[tuple[QemuOption, str, str, str, str]]:
    """Every `-set GROUP.ID.KEY=VALUE` of `args` as (option, GROUP, ID, KEY, VALUE stripped),
    split as qemu_set_option's sscanf splits it (_SET); a -set it cannot split is left out
    (QEMU refuses to start on it)."""
    out: list[tuple[QemuOption, str, str, str, str]] = []
    for o in qemu_options(args):
        if o.name == "set" and (m := _SET.match(o.text)) is not None:
            group, ident, key = m.groups()
            out.append((o, group, ident, key, o.text[m.end() :].strip()))
    return out


def parse_option(name: str, spelled: str, text: str) -> QemuOption:
    """One option's argument read as QEMU reads that option."""
    if name in JSON_OPTIONS and text.startswith("{"):
        obj = _qemu_json(text)
        if not isinstance(obj, dict):
            return QemuOption(name, spelled, text, {}, readable=False)
        pairs = tuple(_flatten(obj))
        return QemuOption(name, spelled, text, dict(pairs), pairs=pairs)
    if name in LIST_OPTIONS:
        implied = IMPLIED_KEY.get(name)
        pairs = tuple(opt_pairs(text, implied, name not in _KEYVAL))
        return QemuOption(name, spelled, text, dict(pairs), pairs=pairs)
    if name == "display" and text.startswith("vnc="):
        # vl.c parse_display: `-display vnc=X` is vnc_parse(X), a -vnc's parameters (R44D-1)
        pairs = tuple(opt_pairs(text.removeprefix("vnc="), IMPLIED_KEY["vnc"], True))
        return QemuOption(name, spelled, text, dict(pairs), pairs=pairs)
    return QemuOption(name, spelled, text)


def parse_opts(text: str, implied: str | None = None, flags: bool = True) -> dict[str, str]:
    """`key=value,...` as QemuOpts reads it (util/qemu-option.c opts_do_parse and
    get_opt_name_value): a parameter with no `=` before its first `,` is the implied key's value
    when it comes first, else a flag (`x` is x=on, `nox` x=off; keyval takes no flags, and QEMU
    refuses one there); a value runs to the first single comma, `,,` being a comma in it; a key
    given twice keeps its last value."""
    return dict(opt_pairs(text, implied, flags))


def opt_pairs(text: str, implied: str | None = None, flags: bool = True) -> list[tuple[str, str]]:
    """parse_opts' parameters in order, a key given twice kept twice."""
    out: list[tuple[str, str]] = []
    p = 0
    first = True
    while p < len(text):
        m = _NAME_END.search(text, p)
        end = m.start() if m else len(text)
        if end == len(text) or text[end] != "=":
            if first and implied:
                value, p = _opt_value(text, p)
                out.append((implied, value))
            else:
                word, p = text[p:end], end
                if not flags:
                    out.append((word, ""))
                elif word.startswith("no"):
                    out.append((word[2:], "off"))
                else:
                    out.append((word, "on"))
        else:
            key = text[p:end]
            value, p = _opt_value(text, end + 1)
            out.append((key, value))
        p += 1  # the comma that ends the parameter
        first = False
    return out


_NAME_END = re.compile("[=,]")


def _opt_value(text: str, p: int) -> tuple[str, int]:
    """get_opt_value: the value from `p` to the first single comma, `,,` read as `,`; with the
    index of that comma (or the end)."""
    parts: list[str] = []
    while True:
        comma = text.find(",", p)
        if comma < 0:
            parts.append(text[p:])
            return "".join(parts), len(text)
        if text[comma + 1 : comma + 2] != ",":
            parts.append(text[p:comma])
            return "".join(parts), comma
        parts.append(text[p : comma + 1])
        p = comma + 2


def _flatten(obj: Mapping[str, object], prefix: str = "") -> Iterable[tuple[str, str]]:
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{name}.")
        elif isinstance(value, bool):
            yield name, "on" if value else "off"
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _flatten(item, f"{name}.{i}.")
                else:
                    yield f"{name}.{i}", _scalar(item)
        else:
            yield name, _scalar(value)


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return "" if value is None else str(value)


_STRING = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|[^'"]+""", re.S)


def _qemu_json(text: str) -> object:
    """JSON as qobject_from_json reads it: RFC 8259 plus single-quoted strings and the `\\'`
    escape (qobject/json-lexer.c). None where it does not parse."""
    parts: list[str] = []
    pos = 0
    while pos < len(text):
        m = _STRING.match(text, pos)
        if m is None:
            return None
        if m.group(1) is not None or m.group(2) is not None:
            body = m.group(1) if m.group(1) is not None else m.group(2)
            body = re.sub(r'\\(.)|"', lambda e: _escape(e.group(1)), body, flags=re.S)
            parts.append(f'"{body}"')
        else:
            parts.append(m.group(0))
        pos = m.end()
    try:
        return json.loads("".join(parts))
    except ValueError:
        return None


def _escape(after_backslash: str | None) -> str:
    """One escape of a QEMU JSON string in RFC 8259 form: `\\'` is an apostrophe, a bare `"`
    (legal inside a single-quoted string) becomes `\\"`."""
    if after_backslash is None:
        return '\\"'
    return "'" if after_backslash == "'" else "\\" + after_backslash


def pci_host_address(text: str) -> str:
    """A host PCI address as vfio-pci's `host` property takes it, `[domain:]bus:slot.function`
    in hex (the domain 0 when left out), in sysfs form (0000:65:00.0); `sysfsdev` names the
    device's sysfs directory, whose last part is that form. Text that is neither stays as it
    is."""
    tail = text.rstrip("/").rsplit("/", 1)[-1]
    m = re.fullmatch(
        r"(?:([0-9a-fA-F]{1,4}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-7])", tail
    )
    if m is None:
        return tail
    dom, bus, slot, fn = m.groups()
    return f"{int(dom or '0', 16):04x}:{int(bus, 16):02x}:{int(slot, 16):02x}.{fn}"


#: vfio-pci's device types (hw/vfio/pci.c TYPE_VFIO_PCI and TYPE_VFIO_PCI_NOHOTPLUG)
#: USB interface classes that carry files: mass storage (0x08) and still image, the class of
#: MTP/PTP phones and cameras (0x06) (usb.org class codes; HVA-239's question names them).
USB_FILE_CLASSES = (0x08, 0x06)


def usbredir_filter_opening(rules: Iterable[tuple[str, str, str, str, bool]]) -> str | None:
    """The rule of a USB redirection filter that accepts a USB storage device (or MTP/PTP
    phone) of any vendor, as `class:vendor:product:version:allow`, or None where none does or a
    rule cannot be read (R22V-2). usbredir's usbredirfilter.c usbredirfilter_check1 takes the
    first rule whose class, vendor, product and version each are -1 or equal the device's
    ("Found a match ! ... return rules[i].allow ? 0 : -EPERM"), and rejects a device no rule
    matches (-ENOENT), per device class and per interface class (read with `find_string`);
    libvirt's <usbdev> attributes other than allow are "optional, default value is -1", and
    "-1 can be used to allow any value for a field" (libvir-list, the <redirfilter> patch). A
    rule naming a vendor, product or version matches only those devices (approved sticks, the
    question's case); the first rule naming none that matches a file-carrying class decides
    for every other device of that class."""
    read: list[tuple[int, bool, bool]] = []
    for cls_text, *ids, allow in rules:
        try:
            cls = int(cls_text.strip() or "-1", 0)
        except ValueError:
            return None
        # a vendor, product or version other than -1 (in any spelling) names some devices only
        read.append((cls, all(i.strip() in ("", "-1") for i in ids), allow))
    for wanted in USB_FILE_CLASSES:
        for cls, any_device, allow in read:
            if cls in (-1, wanted) and any_device:
                if allow:
                    shown = "-1" if cls == -1 else f"0x{cls:02x}"
                    return f"{shown}:-1:-1:-1:1"
                break
    return None


def raw_usbredir_rules(text: str) -> list[tuple[str, str, str, str, bool]] | None:
    """A raw `-device usb-redir,filter=` string's rules (`<class>:<vendor>:<product>:<version>:
    <allow>`, joined by `|`; qemu-options / the RHEL guide "Setting a Limit on Device
    Redirection"), None where one cannot be read."""
    out = []
    for rule in text.split("|"):
        parts = rule.split(":")
        if len(parts) != 5 or parts[4].strip() not in ("0", "1"):
            return None
        out.append((parts[0], parts[1], parts[2], parts[3], parts[4].strip() == "1"))
    return out


VFIO_PCI_DRIVERS = ("vfio-pci", "vfio-pci-nohotplug")


def vfio_pci_hosts(options: Iterable[QemuOption]) -> list[str]:
    """The host PCI functions raw `-device vfio-pci` options hand the guest (sysfsdev=, else
    host=: hw/vfio/pci.c vfio_realize derives the device's sysfs path from `host` only `if
    (!vbasedev->sysfsdev)`, so a sysfsdev beside a host= is the function taken, R40D-5); one
    given only by a file descriptor (fd=) is named `fd N`."""
    out: list[str] = []
    for o in options:
        if o.name == "device" and o.kind in VFIO_PCI_DRIVERS:
            where = o.props.get("sysfsdev") or o.props.get("host")
            if where:
                out.append(pci_host_address(where))
            else:
                out.append(f"fd {o.props.get('fd', '?')}")
    return out


def raw_pci_passthrough(args: Iterable[str], source: Source) -> list[Passthrough]:
    """The PCI passthrough raw arguments add: each `-device vfio-pci` assigns the host function
    it names to the guest, the device libvirt builds for a <hostdev type='pci'> (formatdomain,
    "Host device assignment": VFIO is the default backend) and qemu-server for hostpciN. An
    IOMMU and a whole IOMMU group are then needed as for those (HVA-050, R60)."""
    return [Passthrough("pci", addr, source) for addr in vfio_pci_hosts(qemu_options(args))]


#: The drivers of a `-global DRIVER.sysfsdev=` that reaches a vfio-pci device: vfio-pci's
#: reaches vfio-pci-nohotplug (its subtype) too, object_apply_global_props (qom/object.c)
#: applying a global to each object that `object_dynamic_cast`s to its driver.
_VFIO_GLOBAL_DRIVERS = VFIO_PCI_DRIVERS


def vfio_pci_without_sysfsdev(options: Iterable[QemuOption]) -> bool:
    """Whether a raw `-device vfio-pci` (or vfio-pci-nohotplug) of `options` sets no `sysfsdev`
    of its own, so that a `-global vfio-pci.sysfsdev=` gives it its function (R41D-1)."""
    return any(
        o.name == "device" and o.kind in VFIO_PCI_DRIVERS and not o.props.get("sysfsdev")
        for o in options
    )


def global_vfio_passthrough(
    args: Iterable[str], reached: bool, source: Source
) -> list[Passthrough]:
    """The host PCI function a raw `-global vfio-pci.sysfsdev=PATH` hands the guest in place
    of the functions the VM's vfio-pci devices name by `host` (R40D-6). A global sets a
    property's default (qemu-options.hx `-global`: "Set default value of driver's property prop
    to value"): QEMU applies it as it creates each device of its driver (qom/object.c
    object_apply_global_props, "Applied in order, later entries override earlier ones"), and
    softmmu/qdev-monitor.c qdev_device_add_from_qdict sets the -device's own properties after
    that (qdev_new, then "set properties" object_set_properties_from_keyval), so the global
    holds only for a device that sets no sysfsdev of its own (R41D-1): libvirt's PCI <hostdev>
    and <interface type='hostdev'> are `{"driver": "vfio-pci", "host": ...}` (qemu_command.c
    qemuBuildPCIHostdevDevProps), qemu-server's hostpciN `vfio-pci,host=...`, and QEMU's
    vfio_realize reads `host` only `if (!vbasedev->sysfsdev)`. Where the VM has such a device
    (`reached`, which its parser decides), the last such global's function is judged beside
    the ones it names (more judged, never less)."""
    last = ""
    for o in qemu_options(args):
        if o.name == "global" and (g := global_setting(o.text)) is not None:
            driver, prop, value = g
            if driver in _VFIO_GLOBAL_DRIVERS and prop == "sysfsdev":
                last = value.strip()
    return [Passthrough("pci", pci_host_address(last), source)] if last and reached else []


#: The passthrough kind of a host input event device (/dev/input/eventN) QEMU reads and hands
#: the guest: libvirt `<input type='evdev'><source dev=...>` (QEMU's input-linux object) and
#: `<input type='passthrough'><source evdev=...>` (virtio-input-host; libvirt issues #142 and
#: #529); QEMU commit e0d2bd51 "input: linux evdev support": input-linux reads "input events
#: directly from linux evdev devices and forward[s] them to the guest" and grabs the device
#: from the host (ui/input-linux.c, EVIOCGRAB), virtio-input-host "simply passes on all
#: events". The host kernel drives the device: no DMA.
HOST_INPUT = "evdev input"

#: The passthrough kind of a host character device a libvirt chardev of type='dev' hands the
#: guest (formatdomain, "Host device proxy": "The character device is passed through to the
#: underlying physical character device"): a serial line, parallel port or terminal of the host
#: that QEMU opens (`-chardev tty|serial|parallel,path=`) after libvirt's DAC driver chowns it to
#: the QEMU user and SELinux gives it the VM's image label (virSecurityDACSetChardevLabel,
#: virSecuritySELinuxSetChardevLabel: VIR_DOMAIN_CHR_TYPE_DEV). No DMA (R17-2). Proxmox VE's
#: `serialN: /dev/...` and `parallelN: /dev/...` are the same (`-chardev serial|parallel,
#: path=`, qemu-server config_to_command; L18-4P).
HOST_CHARDEV = "host character device"

#: A host device path that names its device node as the kernel does (drivers name their nodes
#: `<name><number>`: tpm-chip.c "tpm%d" and "tpmrm%d", ttyS%d, ttyUSB%d, parport%d; devpts
#: /dev/pts/N; /dev/console): no link between it and the device.
_KERNEL_NODE = re.compile(r"/dev/(console|pts/[0-9]+|[A-Za-z]+[0-9]+)")
#: udev's /dev/char/MAJOR:MINOR links (50-udev-default.rules) of the fixed numbers
#: Documentation/admin-guide/devices.txt assigns: misc 10:224 "/dev/tpm TCPA TPM driver" (the
#: first TPM: tpm-chip.c `if (chip->dev_num == 0) chip->dev.devt = MKDEV(MISC_MAJOR,
#: TPM_MINOR)`, tpm.h `#define TPM_MINOR 224 /* officially assigned */`), 5:1 /dev/console,
#: 4:0 /dev/tty0, 4:1..63 the virtual consoles /dev/ttyN, 4:64..255 /dev/ttyS0..191.
_CHAR_LINK = re.compile(r"/dev/char/([0-9]+):([0-9]+)")


def same_file(path: str) -> str:
    """A host path as the kernel resolves it, as far as the spelling alone decides (R10-2): POSIX
    (XBD Definitions, "Pathname") "Multiple successive slashes are considered to be the same as one
    slash", and a `.` component names the directory it is in (glibc manual, "File Name
    Resolution": "The file name component . ("dot") refers to the directory itself"). libvirt
    keeps a <source><path> as written (its domain parser, the test driver's and the QEMU
    driver's alike, returns /dev/shm//pm unchanged), so two VMs can name one file in two
    spellings. `..` is left alone: through a symbolic link it is not the lexical parent."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    return ("/" if path.startswith("/") else "") + "/".join(parts)


def host_device_name(path: str) -> str | None:
    """The kernel's name of the host device node a chardev path reaches: the path itself when it
    names a node (`_KERNEL_NODE`, after `.`, `..` and doubled slashes, which the kernel's path
    walk drops), the node a /dev/char/MAJOR:MINOR link of a fixed number stands for, or None:
    a link (/dev/serial/by-id/..., /dev/char/<a dynamic number> such as a TPM resource
    manager's, a udev SYMLINK) whose target the evidence does not hold."""
    text = "/" + posixpath.normpath(path.strip()).lstrip("/") if path.startswith("/") else path
    if _KERNEL_NODE.fullmatch(text) and text.isascii():
        return text
    m = _CHAR_LINK.fullmatch(text)
    if m is None:
        return None
    major, minor = int(m.group(1)), int(m.group(2))
    if (major, minor) == (10, 224):
        return "/dev/tpm0"
    if (major, minor) == (5, 1):
        return "/dev/console"
    if major == 4 and minor < 64:
        return f"/dev/tty{minor}"
    if major == 4 and minor < 256:
        return f"/dev/ttyS{minor - 64}"
    return None


def raw_input_passthrough(args: Iterable[str], source: Source) -> list[Passthrough]:
    """The host input devices raw arguments hand the guest: `-object input-linux,evdev=PATH`
    and `-device virtio-input-host-pci,evdev=PATH` (or its -device/-ccw variants), the objects
    libvirt builds for its evdev and passthrough inputs (R14-3)."""
    out = []
    for o in qemu_options(args):
        if (o.name == "object" and o.kind == "input-linux") or (
            o.name == "device" and o.kind.startswith("virtio-input-host")
        ):
            path = o.props.get("evdev", "").strip()
            out.append(Passthrough(HOST_INPUT, path or f"(QEMU argument {o.shown()})", source))
    return out


#: The passthrough kind of a host file or device a random-number backend reads for the guest
#: (VL18-7): libvirt `<rng><backend model='random'>PATH</backend>` (formatdomain, "Random
#: number generator device": "This backend type expects a non-blocking character device as
#: input ... Since 1.3.4 any path is accepted. Before that /dev/random and /dev/hwrng were the
#: only accepted paths"; read with `read_file` in libvirt/libvirt docs/formatdomain.rst), QEMU's
#: `-object rng-random,filename=PATH` ("-object rng-random,id=id,filename=/dev/random": "the
#: filename parameter specifies which file to obtain entropy from", qemu-options.hx). QEMU
#: reads PATH and hands its bytes to the guest's virtio-rng, whose hw_random device the guest
#: reads raw. The host kernel's own pools (/dev/random, /dev/urandom) are not a device of
#: the host's; any other path is (the host's hardware RNG /dev/hwrng, or a file).
HOST_RNG = "host random-number source"
#: The kernel's random pools: shared, not drained, nothing else in them.
KERNEL_RANDOM = ("/dev/random", "/dev/urandom")


def rng_source(path: str) -> str | None:
    """The path a random-number backend reads, as the kernel resolves its spelling, when it is
    a host source other than the kernel's pools (HOST_RNG), else None."""
    path = path.strip()
    if not path:
        return None  # the hypervisor's default: /dev/random or /dev/urandom
    path = same_file(path)
    return None if path in KERNEL_RANDOM else path


def raw_rng_passthrough(args: Iterable[str], source: Source) -> list[Passthrough]:
    """The host sources raw `-object rng-random,filename=PATH` options hand the guest
    (HOST_RNG); rng-builtin and rng-egd read no host file."""
    out = []
    for o in qemu_options(args):
        if o.name == "object" and o.kind == "rng-random":
            path = rng_source(o.props.get("filename", ""))
            if path:
                out.append(Passthrough(HOST_RNG, path, source))
    return out


#: The -chardev backends that open a host character device (qapi/char.json ChardevBackend:
#: serial and parallel, with the legacy aliases tty and parport).
_HOST_CHARDEV_BACKENDS = ("serial", "tty", "parallel", "parport")


def raw_chardev_passthrough(args: Iterable[str], source: Source) -> list[Passthrough]:
    """The host character devices raw arguments hand the guest (R17-2): `-chardev
    serial|tty|parallel|parport,path=PATH`, and `-serial` or `-parallel` given a
    /dev path (chardev/char.c qemu_chr_parse_compat: a name starting /dev/parport or /dev/ppi
    is the parallel backend, any other /dev/ name the serial one, after an optional `mon:`)."""
    out = []
    for o in qemu_options(args):
        path = ""
        if o.name == "chardev" and o.kind in _HOST_CHARDEV_BACKENDS:
            path = o.props.get("path", "").strip() or f"(QEMU argument {o.shown()})"
        elif o.name in ("serial", "parallel"):
            text = o.text.removeprefix("mon:")
            path = text if text.startswith("/dev/") else ""
        if path.startswith("/"):
            path = "/" + "/".join(p for p in path.split("/") if p not in ("", "."))
        if path:
            out.append(Passthrough(HOST_CHARDEV, path, source))
    return out


#: Options whose argument is a character device in chardev/char.c qemu_chr_parse_compat's
#: short form (`file:PATH` among them), after an optional `mon:` (R24M-2)
_COMPAT_CHARDEV_OPTIONS = ("serial", "parallel", "monitor", "qmp", "qmp-pretty", "debugcon")


def raw_file_outputs(args: Iterable[str]) -> list[str]:
    """The raw arguments that make QEMU write what the guest sends straight to a host file
    (R24M-2), each as written: `-chardev file,path=PATH` (qemu-options.hx: "Log all traffic
    received from the guest to a file"), the short form `file:PATH` of -serial, -parallel,
    -monitor, -qmp or -debugcon (chardev/char.c qemu_chr_parse_compat: `strstart(filename,
    "file:", &p)` is the file backend with that path), any chardev's `logfile=PATH` (its copy
    of the traffic), `-D PATH` where `-d` enables a log item (`-D` "belongs to the logging
    framework and it only does this redirection if some log item is also enabled with `-d`",
    qemu-devel "Send error_report() to the log file"; `-d guest_errors` or `unimp` log what the
    guest does), and the wav audio backend, `-audiodev wav` or `-audio wav` (qemu-options.hx:
    "-audiodev wav,id=id[,prop[=value][,...]]", "path= path of wav file to record", "Default
    is qemu.wav"; audio/wavaudio.c wav_init_out opens it with `fopen(wav_path, "wb")` and
    writes what the guest plays, R24O-1), and a NIC's traffic dump, `-object
    filter-dump,netdev=N,file=PATH` in either the key=value or the JSON form (qemu-options.hx:
    "Dump the network traffic on netdev dev to the file specified by filename. At most len
    bytes (64k by default) per packet are stored": maxlen caps each packet, not the file;
    net/dump.c filter_dump_setup refuses one without file, dump_receive_iov writes every
    packet, R24F-1; the legacy `-net dump` was removed in QEMU 2.12, docs/about/
    removed-features.rst). `-D` writes trace events too: QEMU's default trace backend is log
    (meson_options.txt `option('trace_backends', type: 'array', value: ['log']`), which always
    sets the LOG_TRACE item (util/log.c qemu_set_log_internal: `#ifdef CONFIG_TRACE_LOG
    log_flags |= LOG_TRACE;`), so `-D PATH` with `-trace enable=PATTERN` (or `events=FILE`)
    writes every event the guest's I/O fires to PATH; `-trace file=PATH` (the simple backend,
    qemu-options.hx: "Log output traces to file") writes them there itself (R25R-3).
    libvirt's own file backends and <log file> go
    through virtlogd when stdio_handler is "logd" (libvir-list "If use of virtlogd is enabled,
    then use it for backing the character device log files too. This avoids the possibility
    of a guest denial of service by writing too much data to the log file"); these do not."""
    out: list[str] = []
    options = qemu_options(args)
    # a trace event enabled with -trace is a log item too where QEMU has the log trace backend,
    # its default (R25R-3)
    logging = any(o.name in ("d", "trace") and o.text.strip() for o in options)
    for o in options:
        traced = o.name == "trace" and bool(parse_opts(o.text, "enable").get("file", "").strip())
        chardev = o.name == "chardev" and (o.kind == "file" or bool(o.props.get("logfile")))
        compat = o.name in _COMPAT_CHARDEV_OPTIONS and o.text.removeprefix("mon:")[:5] == "file:"
        wav = o.name in ("audiodev", "audio") and _audio_driver(o.text) == "wav"
        dump = o.name == "object" and o.kind == "filter-dump" and bool(o.props.get("file"))
        if (
            chardev
            or compat
            or wav
            or dump
            or traced
            or (o.name == "D" and bool(o.text.strip()) and logging)
        ):
            out.append(f"{o.spelled} {o.text}")
    return out


#: The memory backends QEMU allocates guest RAM from, and whether each maps it shared by default
#: (backends/hostmem-memfd.c memfd_backend_instance_init: `MEMORY_BACKEND(obj)->share = true`;
#: hostmem-ram and hostmem-file leave share off).
_MEMORY_BACKENDS = {
    "memory-backend-ram": False,
    "memory-backend-file": False,
    "memory-backend-memfd": True,
}


def raw_mergeable(args: Iterable[str], nosharepages: bool) -> list[str]:
    """The raw arguments that hand guest memory to KSM (R25R-2), each as written. QEMU marks
    RAM mergeable (madvise MADV_MERGEABLE) where the machine's `mem-merge` is on (system/
    physmem.c memory_try_enable_merging: `if (!machine_mem_merge(current_machine)) return 0;`)
    and a memory backend's `merge` defaults to it (backends/hostmem.c host_memory_backend_init:
    `backend->merge = machine_mem_merge(machine)`). libvirt's <nosharepages/> is the
    `mem-merge=off` it writes in its own -machine (tests/qemuxmlconfdata/nosharepages.x86_64-
    latest.args: `-machine pc,...,mem-merge=off,memory-backend=pc.ram` and a pc.ram backend
    with no merge of its own), and a raw -machine comes after it and is merged into the same
    options, the later key winning (system/vl.c `keyval_parse_into(machine_opts_dict, optarg,
    "type", ...)`); memory backends are created after the machine's options are applied
    (system/vl.c object_create_early: "memory-backend-" objects are delayed). So a raw
    `-machine mem-merge=on` undoes <nosharepages/>, and a raw memory backend (the memory of a
    -device pc-dimm or -numa node it feeds) with `merge=on`, or no merge where the machine's
    is on, is merged unless it maps its memory shared or from huge pages (KSM "only merges
    anonymous (private) pages", Documentation/admin-guide/mm/ksm.rst; mm/ksm.c ksm_madvise
    ignores VM_SHARED and VM_HUGETLB areas)."""
    options = qemu_options(args)
    merge = not nosharepages
    turned_on: list[str] = []
    for o in options:
        if o.name in ("machine", "M"):
            value = parse_opts(o.text, "type").get("mem-merge")
            if value is not None:
                merge = value.strip().lower() in QAPI_TRUE
                turned_on = [o.shown()] if merge and nosharepages else []
    out = list(turned_on)
    for o in options:
        if o.name != "object" or o.kind not in _MEMORY_BACKENDS:
            continue
        share = o.props.get("share", "").strip().lower()
        shared = share in QAPI_TRUE if share else _MEMORY_BACKENDS[o.kind]
        huge = o.flag("hugetlb") or o.props.get("mem-path", "").startswith("/dev/hugepages")
        given = o.props.get("merge", "").strip().lower()
        merged = given in QAPI_TRUE if given else merge
        if merged and not shared and not huge:
            out.append(o.shown())
    return out


def raw_small_page_memory(args: Iterable[str]) -> list[str]:
    """The raw memory backends that give the guest memory of the system page size (R25R-6),
    each as written: a `-object memory-backend-ram`, a `memory-backend-memfd` without
    `hugetlb=on` or a `memory-backend-file` whose mem-path is not under /dev/hugepages (the
    hugetlbfs mount point systemd's dev-hugepages.mount makes), that a `-device` (pc-dimm,
    virtio-mem-pci, nvdimm: `memdev=`) or a `-numa node,memdev=` hands the guest
    (qemu-options.hx: "memdev='id' ... -object memory-backend-*"). Beside <hugepages/> it is
    ordinary host memory, allocated on first touch: no reservation."""
    options = qemu_options(args)
    used = {o.props.get("memdev", "") for o in options if o.name == "device"} | {
        parse_opts(o.text, "type").get("memdev", "") for o in options if o.name == "numa"
    }
    out = []
    for o in options:
        if o.name != "object" or o.kind not in _MEMORY_BACKENDS or o.props.get("id") not in used:
            continue
        huge = o.flag("hugetlb") or o.props.get("mem-path", "").startswith("/dev/hugepages")
        if not huge:
            out.append(o.shown())
    return out


def _audio_driver(text: str) -> str:
    """The driver of an `-audiodev` or `-audio` argument: audio/audio.c audio_parse_option
    reads it with `qobject_input_visitor_new_str(opt, "driver", ...)`, so as JSON when it
    starts with `{`, else as a key=value list whose implied key is driver (R24O-1)."""
    if text.lstrip().startswith("{"):
        obj = _qemu_json(text)
        driver = obj.get("driver") if isinstance(obj, dict) else None
        return driver.strip() if isinstance(driver, str) else ""
    return parse_opts(text, "driver").get("driver", "").strip()


@dataclass(frozen=True, slots=True)
class RawNic:
    """A host network backend raw QEMU arguments add (`-netdev`, `-nic`, `-net` other than the
    `-net nic` front end), as far as the arguments tell it."""

    shown: str
    """The option as written, for a message."""
    backend: str
    """The backend type: bridge, tap, user, vhost-user, socket, ... ("" when not given)."""
    bridge: str | None
    """The Linux bridge its tap joins, where the arguments name it: `bridge` and `tap` with
    helper= take br= (default br0); None where a script or a passed fd decides."""
    helper: str | None
    """The program that puts the tap on that bridge (helper=; `-netdev bridge` runs
    qemu-bridge-helper when none is named), None where no helper runs."""
    setup: str | None = None
    """For a tap whose bridge the arguments do not name: what sets it up on the host (its
    script, a passed fd, a tap made beforehand), None for any other backend."""

    @property
    def on_named_bridge(self) -> bool:
        """A host tap the arguments put on a named Linux bridge (bridge, or tap with helper=)."""
        return self.bridge is not None


def raw_nics(args: Iterable[str]) -> list[RawNic]:
    """The host network backends of raw QEMU arguments. qemu-options.hx: `-netdev
    bridge,id=id[,br=bridge][,helper=helper]` "Connect a host TAP network interface to a host
    bridge device ... the default bridge device is br0"; `-netdev tap` runs "the network
    script file to configure it" (default /etc/qemu-ifup), or with helper= the helper
    "configure[s] the TAP interface and attach[es] it to the bridge" (br=, default br0), or
    takes "fd=h ... an already opened host TAP interface"; `-nic` and `-net` take the same
    backends (`-nic none` and `-net none` add none, `-net nic` is the guest's front end)."""
    out: list[RawNic] = []
    for o in qemu_options(args):
        if o.name not in ("netdev", "nic", "net") or o.kind in ("none", "nic", "hubport"):
            continue
        helper = o.props.get("helper") or ("qemu-bridge-helper" if o.kind == "bridge" else None)
        bridge = (o.props.get("br") or "br0") if helper else None
        setup = _tap_setup(o.props) if o.kind == "tap" and bridge is None else None
        out.append(RawNic(o.shown(), o.kind, bridge, helper, setup))
    return out


def raw_taps(nics: Iterable[RawNic]) -> tuple[list[RawNic], list[RawNic]]:
    """The host taps among raw NICs, as every NIC check reads them (R10-11, leads13): those on
    a bridge the arguments name (`-netdev bridge`, `-netdev tap,helper=`), and those a script,
    a passed fd or a tap made beforehand sets up, whose bridge, if any, is outside the
    arguments."""
    nics = list(nics)
    return [n for n in nics if n.bridge is not None], [n for n in nics if n.setup is not None]


def _tap_setup(props: Mapping[str, str]) -> str:
    """What sets up a `-netdev tap` without helper= (qemu-options.hx: "fd=h can be used to
    specify the handle of an already opened host TAP interface"; "The default network
    configure script is /etc/qemu-ifup"; "Use script=no to disable script execution", the tap
    ifname= then being one made beforehand)."""
    fd = props.get("fd") or props.get("fds")
    if fd:
        return f"the process passing fd {fd}"
    script = props.get("script", "/etc/qemu-ifup")
    if script in ("no", ""):
        return f"whoever made tap {props.get('ifname') or '(named by the kernel)'} beforehand"
    return f"script {script}"


@dataclass(frozen=True, slots=True)
class RawIncoming:
    """Where raw QEMU arguments have QEMU wait for an incoming migration stream (`-incoming`)."""

    shown: str
    """The option as written, for a message."""
    channel: str
    """The migration channel: main, or cpr (QEMU 10's CPR state channel)."""
    transport: str
    """socket, rdma, exec or file."""
    kind: str
    """For a socket or rdma: inet, unix, vsock or fd ("" otherwise)."""
    host: str
    """An inet address as written ("" is every address), else the path, CID or fd name."""
    port: str
    to: str = ""
    """An inet listener's last port (`to=`: util/qemu-sockets.c inet_parse `h = strstr(optstr,
    ",to=")`, the channel's addr.to; inet_listen_saddr binds the first free port of port..to,
    `port_max = saddr->has_to ? saddr->to + port_offset : port_min`), "" for the one port."""


def raw_incoming(args: Iterable[str]) -> list[RawIncoming]:
    """The incoming-migration channels of raw QEMU arguments, as QEMU starts them (qemu-options.hx:
    "-incoming tcp:[host]:port[,to=maxport][,ipv4=on|off][,ipv6=on|off]", "-incoming
    rdma:host:port", "-incoming unix:socketpath": "prepare for incoming migration, listen on
    specified protocol and socket address"; "-incoming fd:fd", "file:filename", "exec:cmdline";
    "-incoming defer": "wait for the URI to be specified via migrate_incoming"). system/vl.c
    incoming_option_parse: "defer" is no channel, a URI is migration/migration.c
    migrate_uri_parse (exec:, rdma: read by inet_parse, tcp:/unix:/vsock:/fd: by socket_parse,
    file:), anything else a MigrationChannel in JSON or keyval (`qobject_input_visitor_new_str(str,
    "channel-type", ...)`: `main,addr.transport=socket,addr.type=inet,addr.host=H,addr.port=P`);
    "New incoming spec replaces the previous" per channel type (older QEMU: `incoming = optarg`,
    the last one). inet_parse (util/qemu-sockets.c): `[host]:port` or `host:port`, the port
    ending at a comma; an empty host listens on every address (inet_listen_saddr: `getaddrinfo(
    strlen(saddr->host) ? saddr->host : NULL, ...)` with AI_PASSIVE)."""
    channels: dict[str, RawIncoming | None] = {}
    for o in qemu_options(args):
        if o.name != "incoming":
            continue
        text, shown = o.text, o.shown()
        if text == "defer":
            channels["main"] = None
            continue
        scheme, colon, rest = text.partition(":")
        if colon and scheme.isalpha():
            got = _incoming_uri(shown, scheme, rest)
            if got is not None:
                channels["main"] = got
            continue
        if text.startswith("{"):
            obj = _qemu_json(text)
            props = dict(_flatten(obj)) if isinstance(obj, dict) else {}
        else:
            props = dict(opt_pairs(text, "channel-type", flags=False))
        channel = props.get("channel-type", "")
        transport = props.get("addr.transport", "")
        if not channel or not transport:
            continue  # QEMU refuses a channel without them
        kind = props.get("addr.type", "") if transport == "socket" else ""
        if transport == "rdma":
            kind = "inet"
        host = props.get("addr.host", props.get("addr.path", props.get("addr.str", "")))
        if transport == "exec":
            # MigrationExecCommand's argv (qapi/migration.json `args`), as one command line
            host = " ".join(v for k, v in sorted(_exec_args(props)))
        elif transport == "file":
            host = props.get("addr.filename", "")
        if kind == "vsock":
            host = props.get("addr.cid", "")
        channels[channel] = RawIncoming(
            shown,
            channel,
            transport,
            kind,
            host,
            props.get("addr.port", ""),
            props.get("addr.to", "") if kind == "inet" else "",
        )
    return [c for c in channels.values() if c is not None]


def _exec_args(props: Mapping[str, str]) -> list[tuple[int, str]]:
    """The numbered `addr.args.N` of an exec channel, each with its index (R34D-1)."""
    out = []
    for key, value in props.items():
        index = key.removeprefix("addr.args.")
        if key.startswith("addr.args.") and index.isascii() and index.isdigit():
            out.append((int(index), value))
    return out


def _incoming_uri(shown: str, scheme: str, rest: str) -> RawIncoming | None:
    """One `-incoming` URI as migrate_uri_parse reads it (None for a scheme QEMU refuses)."""
    if scheme in ("tcp", "rdma"):
        if rest.startswith("["):
            host, _, after = rest[1:].partition("]")
            after = after.removeprefix(":")
        else:
            host, _, after = rest.partition(":")
        port, _, opts = after.partition(",")
        to = dict(opt_pairs(opts, "", flags=False)).get("to", "") if opts else ""
        return RawIncoming(
            shown, "main", "socket" if scheme == "tcp" else "rdma", "inet", host, port, to
        )
    if scheme == "vsock":
        cid, _, port = rest.partition(":")
        return RawIncoming(shown, "main", "socket", "vsock", cid, port)
    if scheme in ("unix", "fd"):
        return RawIncoming(shown, "main", "socket", scheme, rest, "")
    if scheme in ("exec", "file"):
        return RawIncoming(shown, "main", scheme, "", rest, "")
    return None


#: qemu_chr_parse_compat's spellings of the socket backend on TCP (chardev/char.c: `tcp:`,
#: `telnet:`, `tn3270:`, `websocket:`, each `host:port[,options]`)
TCP_COMPAT = ("tcp:", "telnet:", "tn3270:", "websocket:")


def monitor_chardevs(options: Iterable[QemuOption]) -> dict[str, str]:
    """The -chardev ids raw options give QEMU's monitor, each with its option as written:
    `-mon chardev=ID[,mode=readline|control]` (monitor/monitor.c qemu_mon_opts, whose implied
    key is chardev: `-mon ID` too) runs the human monitor or QMP on that chardev; so do
    `-monitor chardev:ID`, `-qmp chardev:ID` and `-qmp-pretty chardev:ID` (system/vl.c
    monitor_parse: `if (strstart(str, "chardev:", &p))` takes the id as the monitor's chardev,
    R21V-1); and `-gdb chardev:ID` puts QEMU's gdb stub, with the human monitor behind gdb's
    `monitor` command, on that chardev (gdbstub/system.c gdbserver_start passes the device to
    qemu_chr_new_noreplay, whose chardev/char.c qemu_chr_new_from_name returns
    `qemu_chr_find(p)` for "chardev:"; gdbserver_start's monitor_init_hmp, VL19-6; read with
    `find_string`)."""
    out: dict[str, str] = {}
    for o in options:
        if o.name == "mon" and o.props.get("chardev"):
            out.setdefault(o.props["chardev"], o.shown())
        elif o.name in ("monitor", "qmp", "qmp-pretty", "gdb") and o.text.startswith("chardev:"):
            through = ", through the gdb stub's `monitor` command" if o.name == "gdb" else ""
            out.setdefault(o.text.removeprefix("chardev:"), o.shown() + through)
    return out


@dataclass(frozen=True, slots=True)
class RawDial:
    """A connection QEMU opens itself for a chardev of raw arguments and relays to the guest."""

    shown: str
    """The option as written, for a message."""
    protocol: str
    """tcp or udp."""
    host: str
    port: str
    frames: bool = False
    """A network backend sending the guest's Ethernet frames, not a character device."""


def _compat_dial(spec: str) -> tuple[str, str, str] | None:
    """(protocol, host, port) a chardev in qemu_chr_parse_compat's short form connects to, None
    for one that listens or is no network backend. `tcp:host:port[,opts]` (and telnet:,
    tn3270:, websocket:) is the socket backend, a client unless `server` is among its options
    (`sscanf(p, "%64[^:]:%32[^,]%n", host, port, &pos)`, then the rest as QemuOpts);
    `udp:[remote_host]:remote_port[@[src_ip]:src_port]` (`%64[^:]:%32[^@,]`, else
    `:%32[^@,]`) sends to the remote, which qemu_chr_parse_udp takes as localhost when it is empty (`if (host == NULL ||
    strlen(host) == 0) host = "localhost"`; chardev/char-udp.c, read with `find_string`)."""
    spec = spec.removeprefix("mon:")
    if spec.startswith(TCP_COMPAT):
        addr, _, rest = spec.partition(",")
        host, sep, port = addr.split(":", 1)[1].partition(":")
        if (
            not sep
            or not host
            or parse_opts(rest).get("server", "off").lower() in ("on", "yes", "true", "y")
        ):
            return None
        return "tcp", host, port
    if spec.startswith("udp:"):
        remote = spec.removeprefix("udp:").partition("@")[0].split(",", 1)[0]
        host, sep, port = remote.partition(":")
        return ("udp", host or "localhost", port) if sep and port else None
    return None


def raw_dials(args: Iterable[str]) -> list[RawDial]:
    """The connections raw arguments have QEMU open for a guest-facing chardev (VL18-4), the raw
    forms of libvirt's <serial type='tcp'><source mode='connect'> and guestfwd <channel>:
    - `-chardev socket,host=H,port=P` without `server` (char-socket.c: a client unless
      server=on; qemu-options.hx "-chardev socket,id=id[,host=host],port=port ...
      [,server=on|off]"), and `-chardev udp[,host=H],port=P` (host localhost when not given),
      unless `-mon` takes it (QEMU's monitor then talks to that port, not the guest:
      monitor_chardevs);
    - `-serial` and `-parallel` in the short form (`tcp:H:P`, `telnet:H:P`, `udp:[H]:P`, after
      an optional `mon:`: _compat_dial); a `-monitor` or `-qmp` that connects out hands the
      port QEMU's monitor, not the guest;
    - `guestfwd=[tcp]:server:port-DEV` of `-netdev user` (and `-nic`, `-net`): "Forward guest
      TCP connections to the IP address server on port port to the character device dev"
      (qemu-options.hx); net/slirp.c slirp_guestfwd opens DEV with qemu_chr_new(buf, p, NULL),
      the short form again, or runs `cmd:` (read with `find_string`). A forwarding rule works
      under restrict=on too ("except for explicitly configured forwarding rules")."""
    options = qemu_options(args)
    monitors = monitor_chardevs(options)
    out: list[RawDial] = []
    for o in options:
        if o.name == "chardev" and o.props.get("id", "") not in monitors:
            p = o.props
            if o.kind == "socket" and "path" not in p and "fd" not in p and p.get("host"):
                if not o.flag("server") and p.get("port"):
                    out.append(RawDial(o.shown(), "tcp", p["host"], p["port"]))
            elif o.kind == "udp" and p.get("port"):
                out.append(RawDial(o.shown(), "udp", p.get("host") or "localhost", p["port"]))
        elif o.name in ("serial", "parallel") and (got := _compat_dial(o.text)):
            out.append(RawDial(o.shown(), *got))
        elif o.name in ("netdev", "nic", "net") and o.kind in ("socket", "stream", "dgram"):
            # a socket backend whose remote end is a host address carries the guest's frames
            # there (R26O-1): `socket,connect=H:P` and a `stream` client (net/stream.c, a
            # client unless server=on) as a TCP stream, `socket,udp=H:P` and a unicast
            # `dgram` remote as datagrams (net/socket.c net_socket_receive_dgram `sendto`)
            p = o.props
            if o.kind == "socket" and p.get("connect"):
                host, _, port = p["connect"].rpartition(":")
                out.append(RawDial(o.shown(), "tcp", host, port, True))
            elif o.kind == "socket" and p.get("udp"):
                host, _, port = p["udp"].rpartition(":")
                out.append(RawDial(o.shown(), "udp", host, port, True))
            elif o.kind == "stream" and not o.flag("server") and p.get("addr.type") == "inet":
                out.append(
                    RawDial(o.shown(), "tcp", p.get("addr.host", ""), p.get("addr.port", ""), True)
                )
            elif o.kind == "dgram" and p.get("remote.type") == "inet":
                out.append(
                    RawDial(
                        o.shown(), "udp", p.get("remote.host", ""), p.get("remote.port", ""), True
                    )
                )
        elif o.name in ("netdev", "nic", "net") and o.kind == "user":
            for rule in o.values("guestfwd"):
                dev = rule.partition("-")[2]
                if got := _compat_dial(dev):
                    out.append(RawDial(f"{o.spelled} {o.kind},...,guestfwd={rule}", *got))
    return out


def raw_guestfwd_commands(args: Iterable[str]) -> list[tuple[str, str, str]]:
    """(forwarded address, command, option as shown) of each `guestfwd=[tcp]:server:port-cmd:
    command` rule of a `-netdev user` (`-nic`, `-net`): "Forward guest TCP connections to the
    IP address server on port port to ... a program executed by cmd:command which gets spawned
    for each connection" (qemu-options.hx, read with `find_string`), a host program run as
    QEMU's user with the guest's connection as its input and output (VL19-3)."""
    out: list[tuple[str, str, str]] = []
    for o in qemu_options(args):
        if o.name in ("netdev", "nic", "net") and o.kind == "user":
            for rule in o.values("guestfwd"):
                where, _, dev = rule.partition("-")
                if dev.startswith("cmd:"):
                    shown = f"{o.spelled} {o.kind},...,guestfwd={rule}"
                    out.append((where.removeprefix("tcp:"), dev.removeprefix("cmd:"), shown))
    return out


def raw_monitor_ports(args: Iterable[str]) -> frozenset[int]:
    """The TCP ports on which raw arguments have QEMU's monitor listen (VL18-5): `-monitor`,
    `-qmp` and `-qmp-pretty` (system/vl.c: monitor_parse(optarg, "control", true), R47D-2) in
    the short form with `server`, `-serial`/`-parallel`/`-debugcon` `mon:tcp:...,server`
    (`mon:` multiplexes the monitor onto the device: qemu_chr_parse_compat `mux=on`; -debugcon
    takes the "same devices as the serial port", qemu-options.hx), a `-chardev
    socket,...,server=on` that `-mon chardev=ID` takes (monitor_chardevs), and QEMU's gdb stub
    (`-gdb tcp:...`, always a server: gdbstub/system.c gdbserver_start appends
    ",wait=off,nodelay=on,server=on"; `-s` is "Shorthand for -gdb tcp::1234",
    qemu-options.hx), which runs the human monitor behind gdb's `monitor` command
    (gdbserver_start: "Initialize a monitor terminal for gdb", monitor_init_hmp(mon_chr);
    gdb_handle_query_rcmd writes each qRcmd packet to that mon_chr; read with `read_file`,
    VL19-6). A port QEMU would look up by name is left out (the listener shows a number)."""
    options = qemu_options(args)
    monitors = monitor_chardevs(options)
    ports: set[str] = set()
    for o in options:
        if o.name == "s":
            ports.add("1234")
        elif o.name == "gdb" and o.text.startswith(TCP_COMPAT):
            ports.add(o.text.partition(",")[0].split(":", 1)[1].partition(":")[2])
        elif o.name == "chardev" and o.kind == "socket" and o.props.get("id", "") in monitors:
            if o.flag("server") and "path" not in o.props:
                ports.add(o.props.get("port", ""))
        elif o.name in ("monitor", "qmp", "qmp-pretty") or (
            o.name in ("serial", "parallel", "debugcon") and o.text.startswith("mon:")
        ):
            spec = o.text.removeprefix("mon:")
            if spec.startswith(TCP_COMPAT):
                addr, _, rest = spec.partition(",")
                if parse_opts(rest).get("server", "off").lower() in ("on", "yes", "true", "y"):
                    ports.add(addr.split(":", 1)[1].partition(":")[2])
    return frozenset(int(p) for p in ports if p.isdigit())


#: QEMU's bool words (qapi/qapi-util.c qapi_bool_parse: "on", "yes", "true", "y" and "off",
#: "no", "false", "n", compared exactly).
QAPI_TRUE = frozenset({"on", "yes", "true", "y"})
QAPI_FALSE = frozenset({"off", "no", "false", "n"})


def global_setting(text: str) -> tuple[str, str, str] | None:
    """A `-global` argument as (driver, property, value), as qdev-monitor.c qemu_global_option
    reads it: `sscanf(str, "%63[^.=].%63[^=]%n", driver, property, &offset)` and `str[offset] ==
    '='` for the short form (the driver ends at the first dot, so a driver whose name holds one
    is reachable only by the long form: qemu-options.hx "The longhand syntax works even when
    driver contains a dot"), else QemuOpts with the keys driver, property and value."""
    m = re.match(r"([^.=]{1,63})\.([^=]{1,63})=", text)
    if m is not None:
        return m.group(1), m.group(2), text[m.end() :]
    opts = parse_opts(text)
    if all(k in opts for k in ("driver", "property", "value")):
        return opts["driver"], opts["property"], opts["value"]
    return None


def pflash_secure(args: Iterable[str]) -> tuple[str, str] | None:
    """The last raw `-global` that sets cfi.pflash01's secure property, as (the option shown,
    its value), or None: global properties are "Applied in order, later entries override
    earlier ones" (qom/object.c object_apply_global_props), so the last one decides (R23M-3)."""
    last: tuple[str, str] | None = None
    for o in qemu_options(args):
        if o.name != "global" or (g := global_setting(o.text)) is None:
            continue
        driver, prop, value = g
        if driver == "cfi.pflash01" and prop == "secure":
            last = (o.shown(), value)
    return last


#: A console's `password-secret` naming a secret object: `-vnc ...,password-secret=ID`, `-set
#: vnc.default.password-secret=ID`, `-spice ...,password-secret=ID` or JSON's
#: `"password-secret":"ID"` (qemu-options.hx).
_PASSWORD_SECRET = re.compile(r'password-secret(?:=|"\s*:\s*")([^,"\s}]+)')


def password_secret_files(args: Iterable[str]) -> list[str]:
    """The absolute paths of the files that the `-object secret` a console's
    `password-secret` names reads its password from (`file=`): QEMU's crypto/secret.c
    qcrypto_secret_load_data takes the file's whole content, so the file's size tells an
    empty password from a set one (the collector stats it, never reading it: R52D-1). Files
    of encrypted secrets (`keyid=`) are listed too; relative paths, which resolve against
    QEMU's working directory, are not."""
    words = tuple(args)
    named = {m.group(1) for w in words for m in _PASSWORD_SECRET.finditer(w)}
    out: list[str] = []
    for o in qemu_options(words):
        path = o.props.get("file", "")
        if (
            o.name == "object"
            and o.kind == "secret"
            and o.props.get("id") in named
            and path.startswith("/")
            and "data" not in o.props
        ):
            out.append(path)
    return list(dict.fromkeys(out))
