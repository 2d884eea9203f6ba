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

# C0 controls except TAB and LF (handled per mode), DEL, C1 controls; line and paragraph
# separators; the bidirectional embeddings, overrides, isolates and marks (LRE RLE PDF LRO RLO,
# LRI RLI FSI PDI, LRM RLM ALM); lone surrogates (they cannot be encoded, a write would fail).
_ALWAYS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u2028\u2029"
    "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
    "\ud800-\udfff"
)
UNSAFE = re.compile(f"[{_ALWAYS}\t\n]")
"""Every character `clean()` escapes in a one-line field."""
_UNSAFE_DOC = re.compile(f"[{_ALWAYS}]")


def _escape(m: re.Match[str]) -> str:
    n = ord(m.group())
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


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


# What JSON may carry raw but a terminal must not get: DEL, C1, separators, bidi, surrogates
# (C0 controls are always escaped by the encoder).
_UNSAFE_JSON = re.compile(
    "[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ud800-\udfff]"
)


def clean_json(text: str) -> str:
    """A JSON document with every unsafe character written as a `\\uXXXX` escape: the same JSON
    value, safe to print (and a lone surrogate no longer makes writing it fail)."""
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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
