"""Text from a scanned host made safe for a terminal and for line-based text formats.

A VM name, a libvirt error, a `.vmx` file name or a waiver id is chosen by whoever controls the
host or the input file. Printed raw, it can clear the auditor's screen, set the window title,
hide text (ESC, C1 controls), forge a report line (newline, carriage return, U+2028/U+2029), or
make a line read backwards (bidirectional overrides and isolates). `clean()` turns every such
character into a visible escape (`\\x1b`, `\\u202e`), so what is printed is exactly what was there,
and nothing more happens.

It is applied at the boundaries, not per call site: the CLI's standard-error writer, the output
layer of the terminal, Markdown and CSV renderers, and the places that print text which did not
come from a renderer. JSON, HTML, XML and SARIF carry text through their own escaping.
"""

from __future__ import annotations

import re
import secrets

__all__ = ["UNSAFE", "Lines", "clean", "clean_document", "clean_json", "is_clean", "one_line"]

# Every character of the Unicode general categories Cc (C0 and C1 controls, DEL), Cf (format
# characters: the bidirectional embeddings, overrides, isolates and marks LRE RLE PDF LRO RLO
# LRI RLI FSI PDI LRM RLM ALM, zero-width characters, the BOM, soft hyphen, tags), Zl and Zp
# (line and paragraph separators) and Cs (lone surrogates: they cannot be encoded, a write would
# fail), as of Unicode 14.0 (Python 3.11's unicodedata; tests/test_textsafe.py checks the running
# Python's table against this one). TAB and LF are handled per mode.
_ALWAYS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
UNSAFE = re.compile(f"[{_ALWAYS}\t\n]")
"""Every character `clean()` escapes in a one-line field."""
_UNSAFE_DOC = re.compile(f"[{_ALWAYS}]")


def _escape(m: re.Match[str]) -> str:
    n = ord(m.group())
    if n < 0x100:
        return f"\\x{n:02x}"
    return f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def clean(text: object, *, multiline: bool = False) -> str:
    """`text` (anything; `str()` of it) with every control, line-separator and bidirectional
    character replaced by a visible escape. One line by default: newline and TAB are escaped too.
    With `multiline=True` newline and TAB are kept (a whole document, a block of text)."""
    s = text if isinstance(text, str) else str(text)
    return (_UNSAFE_DOC if multiline else UNSAFE).sub(_escape, s)


def clean_document(text: str) -> str:
    """A rendered text document (lines separated by newlines) with nothing else unsafe in it."""
    return clean(text, multiline=True)


def one_line(text: object) -> str:
    """A message for one line of standard error or of a report: runs of white space (newlines
    included) collapse to one space, then everything else unsafe is escaped."""
    s = text if isinstance(text, str) else str(text)
    # ASCII white space only: str.split() would also swallow U+001C..U+001F, U+0085 and
    # U+2028/U+2029, which must stay visible as escapes.
    return clean(_ASCII_WS.sub(" ", s).strip(" "))


_ASCII_WS = re.compile(r"[ \t\n\r\f\v]+")


# What JSON may carry raw but a terminal must not get: the same set (the encoder already escapes
# C0 controls, and JSON between its tokens has only spaces and newlines).
_UNSAFE_JSON = _UNSAFE_DOC


def _json_escape(m: re.Match[str]) -> str:
    n = ord(m.group())
    if n < 0x10000:
        return f"\\u{n:04x}"
    n -= 0x10000  # JSON writes a character beyond the BMP as a surrogate pair
    return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"


# The ASCII characters `clean_json` keeps (everything but C0 controls other than TAB and LF, and
# DEL), as bytes for `bytes.translate`, which deletes them from a chunk in one C pass.
_SAFE_ASCII = bytes(b for b in range(128) if not _UNSAFE_JSON.match(chr(b)))
_CHUNK = 1 << 18


def clean_json(text: str) -> str:
    """A JSON document with every unsafe character written as a `\\uXXXX` escape: the same JSON
    value, safe to print (and a lone surrogate no longer makes writing it fail).

    A report of thousands of VMs is tens of megabytes, nearly all of it ASCII; the regular
    expression costs about 35 ns per character, so it runs only on the chunks that hold a
    character outside the safe ASCII set (found by slicing, which narrows a chunk to ASCII when
    it is, and deleting the safe bytes). Every escape depends on one character alone, so cleaning
    chunk by chunk gives exactly what cleaning the whole does."""
    out = []
    changed = False
    for i in range(0, len(text), _CHUNK):
        chunk = text[i : i + _CHUNK]
        if chunk.isascii() and not chunk.encode("ascii").translate(None, _SAFE_ASCII):
            out.append(chunk)
        else:
            cleaned = _UNSAFE_JSON.sub(_json_escape, chunk)
            changed = changed or cleaned != chunk
            out.append(cleaned)
    return "".join(out) if changed else text


def clean_json_utf8(text: str) -> bytes:
    """`clean_json(text)` in UTF-8, for a piece of a JSON document: cleaning character by
    character, the pieces cleaned one by one give the document cleaned whole. Plain safe ASCII
    (nearly every piece of a report) is only checked and encoded."""
    if text.isascii():
        data = text.encode("ascii")
        if not data.translate(None, _SAFE_ASCII):
            return data
    return clean_json(text).encode("utf-8", errors="surrogateescape")


def is_clean(text: str, *, multiline: bool = False) -> bool:
    """True when `clean()` would not change `text`."""
    return (_UNSAFE_DOC if multiline else UNSAFE).search(text) is None


class Lines:
    """The output layer of a line-oriented text report whose own styles are ANSI escapes.

    A renderer `add()`s lines built freely from its own text and hostile values (f-strings), and
    marks its own styling with `style(text, code)`. `render()` is the boundary: every line is
    cleaned as one line (a newline inside a value cannot forge a line), then only the renderer's
    style marks become escape sequences (with `color`) or vanish. The marks carry a random nonce
    per report, so hostile text cannot forge one.
    """

    def __init__(self, *, color: bool) -> None:
        self.color = color
        nonce = secrets.token_hex(8)
        self._open = f"\x00{nonce}["
        self._mark = re.compile(re.escape(self._open) + r"([0-9;]*)m\x00")
        self.lines: list[str] = []

    def style(self, text: str, code: str) -> str:
        """`text` in style `code` (an SGR parameter list such as `1;31`)."""
        if not re.fullmatch(r"[0-9;]+", code):
            raise ValueError(f"not an SGR code: {code!r}")
        return f"{self._open}{code}m\x00{text}{self._open}0m\x00"

    def add(self, line: str = "") -> None:
        """One line of the report (hostile values may be in it: it is cleaned on output)."""
        self.lines.append(line)

    def _line(self, line: str) -> str:
        out = []
        pos = 0
        for m in self._mark.finditer(line):
            out.append(clean(line[pos : m.start()]))
            if self.color:
                out.append(f"\x1b[{m.group(1)}m")
            pos = m.end()
        out.append(clean(line[pos:]))
        return "".join(out)

    def render(self) -> str:
        """The report: every line cleaned, newline-terminated."""
        return "".join(self._line(line) + "\n" for line in self.lines)


def digits(text: str) -> bool:
    """True when `text` is one or more ASCII digits, the only digits the C programs whose
    settings hvaudit reads (strtol, atoi, strtonum) accept. `str.isdigit` is also true of "²"
    and of U+0663 (Arabic-Indic three): int() refuses the first (a crash on a hostile field,
    V13-4) and reads the second as 3, a number the scanned program never saw."""
    return text.isascii() and text.isdigit()
