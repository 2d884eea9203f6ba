"""VMware `.vmx` files: `key = "value"` lines, keys case-insensitive.

The format as libvirt's VMX driver and VMware's files use it: `#` starts a comment line, values are
double-quoted (an unquoted value is accepted), and characters VMware cannot store literally are
written as `|XX` hex escapes (`|22` is `"`, `|7C` is `|`). A key set twice keeps its FIRST value, as
VMware's dictionary does: its hash table is keyed case-insensitively (HASH_ISTRING_KEY), and a
line naming a key already defined is not entered ("Variable ... is already defined", the load
flagged as failed; VMware View Open Client 2.1.1's lib/dict/dictionary.c, LGPL,
DictionaryParseReadLine). The repeats are kept in `duplicates` so the report can say so. A line
that is not `key = value` is an error naming the file and line (VMware's dictionary calls it a
"Syntax error" and gives up on the file). Keys are lower-cased; every key
is kept, known or not (a .vmx carries hundreds of keys hvaudit never assesses, so unknown keys
are not reported one by one). Booleans are read as VMware reads them (`vmx_bool`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hvaudit.errors import InputError
from hvaudit.textsafe import digits

__all__ = [
    "OWN_PREFIX",
    "VMX_LINE",
    "VMX_LINE_END",
    "VmxFile",
    "parse_vmx",
    "vmx_bool",
    "vmx_long",
]

#: One line as VMware's dictionary reads it (DictLL_UnmarshalLine, bora/lib/dict/dictll.c as
#: published LGPL in open-vm-tools, read with `find_string`/`read_file`): "<ws> <name> <ws> = <ws>
#: <value> <ws> <comment>" where <ws> is "a sequence spaces and/or tabs" (its ws_in table: space
#: and tab, nothing else), the name runs to the first space, tab, `=` or `#`, a value that opens
#: with `"` runs to the next `"`, an unquoted one to the first space, tab or `#`, and only white
#: space and a comment may follow. Python's \s (form feed, vertical tab, U+0085, U+2028 ...)
#: is none of these (V14-1).
VMX_LINE = re.compile(
    r'[ \t]*([^ \t=#]+)[ \t]*=[ \t]*(?:"([^"]*)"|([^ \t#"][^ \t#]*)?)[ \t]*(?:#.*)?', re.S
)
_BLANK = re.compile(r"[ \t]*(?:#.*)?", re.S)
#: The line ends VMware's reader knows (StdIO_ReadNextLine, bora/lib/misc/vmstdio.c in
#: open-vm-tools: "\r\n", "\n", and "\r (the legacy Mac (pre-OS X) way)"); str.splitlines()
#: also breaks at form feed, vertical tab, \x1c-\x1e, U+0085, U+2028 and U+2029, which VMware
#: reads as text of the line (V14-1).
VMX_LINE_END = re.compile(r"\r\n|\n|\r")
#: Keys compare as VMware's hash table compares them: HASH_ISTRING_KEY hashes `tolower()` of each
#: byte (bora/lib/misc/hashTable.c in open-vm-tools, read with `find_string`), ASCII letters only
#: in the C locale. str.lower() also folds non-ASCII letters onto ASCII ones (the Kelvin sign
#: U+212A to "k"), which VMware keeps apart (V14-2).
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ESCAPE = re.compile(r"\|([0-9A-Fa-f]{2})")


#: The keys hvaudit's vSphere collector renders from API properties into a VM's .vmx (power
#: state, encryption key, snapshots); a .vmx read from disk never carries them legitimately.
OWN_PREFIX = "hvaudit."


VMX_TRUE = frozenset({"", "true", "t", "yes", "y", "on", "1"})
"""What VMware's dictionary reads as TRUE (Dictionary_StringToBool, lib/dict/dictionary.c of
VMware View Open Client 2.1.1, LGPL): the empty string, "true", "t", "yes", "y", "on" in any case,
and "1". "false", "f", "no", "n", "off" and "0" are FALSE, and so is any other text ("is not a
valid boolean value. Using value FALSE"). Quoted values keep their spaces (DictLL), so " TRUE" is
not TRUE."""


def vmx_bool(value: str) -> bool:
    """A .vmx value as VMware reads it where it expects a boolean (VMX_TRUE, else FALSE)."""
    return value.lower() in VMX_TRUE


_C_SPACE = " \t\n\v\f\r"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _strtol(text: str) -> tuple[int, str]:
    """C strtol(text, &p, 0) in the C locale, without the range check: the number and the rest
    (leading white space and a sign; "0x" or "0X" then hex digits, a leading 0 octal, else
    decimal; no digit at all is 0 with the whole text left)."""
    s = text.lstrip(_C_SPACE)
    sign = -1 if s[:1] == "-" else 1
    if s[:1] in "+-" and s:
        s = s[1:]
    base = 10
    if s[:2].lower() == "0x" and s[2:3].lower() in _DIGITS[:16] and s[2:3]:
        base, s = 16, s[2:]
    elif s[:1] == "0":
        base = 8
    n = 0
    i = 0
    while i < len(s) and s[i].lower() in _DIGITS[:base]:
        n = n * base + _DIGITS.index(s[i].lower())
        i += 1
    if i == 0:
        return 0, text
    return sign * n, s[i:]


def vmx_long(value: str) -> tuple[int | None, bool]:
    """A .vmx value as VMware reads it where it expects a number (DICT_LONG): lib/dict/
    dictionary.c's DictionaryNarrowValue runs strtol(s, &p, 0) and, on text after the number,
    posts "is not a valid integer value. Using value" with the number read so far; "0x1",
    "01", " 1" and "1abc" run as 1. Returns that number and whether VMware complains about
    trailing text; the number is None where it does not fit the entry's int32 (what a 64-bit
    VMX then keeps is not settled by that source)."""
    n, rest = _strtol(value)
    return (n if -(2**31) <= n < 2**31 else None), bool(rest)


@dataclass(slots=True)
class VmxFile:
    """One .vmx: lower-cased key -> decoded value, and the line each key was last set on."""

    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    """A key set again -> the lines that repeat it (VMware keeps the first value)."""

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.values.get(key.lower(), default)

    def flag(self, key: str, default: bool = False) -> bool:
        """A VMware boolean (`vmx_bool`); `default` where the key is absent."""
        value = self.values.get(key.lower())
        return default if value is None else vmx_bool(value)

    def number(self, key: str) -> int | None:
        # ASCII digits only: int() also takes "\u0663" (Arabic-Indic three), "1_024" and "+4"
        text = (self.values.get(key.lower()) or "").strip()
        return int(text) if digits(text) else None

    def prefixed(self, pattern: str) -> dict[str, dict[str, str]]:
        """Devices by id for keys like `ethernet0.present`: {'ethernet0': {'present': 'true'}}.

        `pattern` is a regular expression for the device id (`ethernet\\d+`, `scsi\\d+:\\d+`)."""
        found: dict[str, dict[str, str]] = {}
        regex = re.compile(rf"(?P<id>{pattern})\.(?P<key>.+)")
        for key, value in self.values.items():
            m = regex.fullmatch(key)
            if m:
                found.setdefault(m.group("id"), {})[m.group("key")] = value
        return found


def _decode(value: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def parse_vmx(text: str, name: str) -> VmxFile:
    """Parse one .vmx; `name` is used in error messages."""
    out = VmxFile()
    # a UTF-8 byte order mark (U+FEFF, which an editor such as Notepad may put at the start of a
    # file it saves) is the encoding's signature, not part of the first key: refusing the line
    # left the whole VM unassessed (V13-8)
    text = text.removeprefix("\ufeff")
    lines = VMX_LINE_END.split(text)
    if lines and not lines[-1]:
        lines.pop()  # the break that ends the last line starts no line of its own
    for number, raw in enumerate(lines, 1):
        # C strings: the reader's scan of a line stops at a NUL byte as at its end
        line = raw.split("\x00", 1)[0]
        if _BLANK.fullmatch(line):
            continue
        m = VMX_LINE.fullmatch(line)
        if m is None:
            shown = line.strip(" \t")[:60]
            raise InputError(f"{name}:{number}: not a 'key = \"value\"' line: {shown!r}")
        key = m.group(1).translate(_ASCII_LOWER)
        if key in out.values:
            out.duplicates.setdefault(key, []).append(number)
            continue
        value = m.group(2) if m.group(2) is not None else (m.group(3) or "")
        out.values[key] = _decode(value)
        out.lines[key] = number
    return out
