"""`textsafe`: the one place hostile text is made safe for a terminal and line-based formats."""

from __future__ import annotations

import pytest

from hvaudit.textsafe import Lines, clean, clean_document, clean_json, is_clean, one_line


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),  # ESC: clears the screen
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),  # OSC: sets the window title
        ("\x00", "\\x00"),
        ("a\rb", "a\\x0db"),  # CR: overwrites the line
        ("\x7f", "\\x7f"),
        ("\x9b31m", "\\x9b31m"),  # C1 CSI
        ("\x85", "\\x85"),  # C1 next line
        ("a\nb", "a\\x0ab"),
        ("a\tb", "a\\x09b"),
        ("a\u2028b\u2029", "a\\u2028b\\u2029"),
        ("\u202agood\u202c", "\\u202agood\\u202c"),
        ("\u202eevil", "\\u202eevil"),  # right-to-left override
        ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),  # isolates
        ("\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"),  # marks
        ("\ud800", "\\ud800"),  # a lone surrogate cannot be written at all
        ("plain ascii, ümlaut, 日本", "plain ascii, ümlaut, 日本"),
    ],
)
def test_clean_shows_every_unsafe_character_as_an_escape(raw: str, shown: str) -> None:
    assert clean(raw) == shown
    assert clean(clean(raw)) == shown  # idempotent: a cleaned string is clean
    assert is_clean(clean(raw))


def test_multiline_keeps_newline_and_tab_only() -> None:
    assert clean("a\n\tb\r\x1b", multiline=True) == "a\n\tb\\x0d\\x1b"
    assert clean_document("x\u202ey\n") == "x\\u202ey\n"
    assert not is_clean("a\nb") and is_clean("a\nb", multiline=True)


def test_clean_takes_any_object() -> None:
    assert clean(42) == "42" and clean(None) == "None"


def test_one_line_collapses_white_space_and_escapes_the_rest() -> None:
    assert (
        one_line("  cannot\n  connect:\t\x1b[2J\u2028done \n")
        == "cannot connect: \\x1b[2J\\u2028done"
    )


def test_lines_render_only_their_own_styles() -> None:
    page = Lines(color=True)
    page.add(f"{page.style('Failures', '1')} in vm\x1b[2J\nforged")
    page.add("\x00{fake}[31m\x00 not a mark")
    out = page.render()
    assert (
        out == "\x1b[1mFailures\x1b[0m in vm\\x1b[2J\\x0aforged\n\\x00{fake}[31m\\x00 not a mark\n"
    )
    plain = Lines(color=False)
    plain.add(plain.style("x", "33") + "\u202e")
    assert plain.render() == "x\\u202e\n"
    with pytest.raises(ValueError):
        plain.style("x", "0m\x1b]0;t")


def test_every_control_format_separator_and_surrogate_character_is_escaped() -> None:
    """The table in textsafe is the running Python's Unicode categories Cc, Cf, Zl, Zp and Cs:
    a newer Unicode that adds a format character makes this fail until the table has it."""
    import unicodedata

    missing = [
        f"U+{cp:04X}"
        for cp in range(0x110000)
        if cp not in (9, 10)
        and unicodedata.category(chr(cp)) in ("Cc", "Cf", "Zl", "Zp", "Cs")
        and is_clean(chr(cp), multiline=True)
    ]
    assert missing == []
    # and nothing else: letters, marks, symbols, spaces and private use pass unchanged
    assert clean("a\u00e9\u0301\u05d0\u4e2d\U0001f600 \u00a0\ue000") == (
        "a\u00e9\u0301\u05d0\u4e2d\U0001f600 \u00a0\ue000"
    )
    assert clean("\u200b\u200d\ufeff\U000e0041") == "\\u200b\\u200d\\ufeff\\U000e0041"


def test_clean_json_is_the_same_json_value() -> None:
    import json

    value = {"name": "a\u202eb\u2028c\x85\x7f\ud800\U000e0041"}
    text = clean_json(json.dumps(value, ensure_ascii=False))
    assert is_clean(text) and json.loads(text) == value


def test_clean_json_by_chunks_equals_the_whole_document_cleaned() -> None:
    """clean_json skips ASCII chunks without the regular expression; unsafe characters anywhere
    (an ASCII control, DEL, non-ASCII ones, either side of a chunk boundary) are still escaped,
    exactly as the regular expression over the whole text escapes them."""
    from hvaudit import textsafe

    size = textsafe._CHUNK
    unsafe = ["\x7f", "\x01", "\x1b", "\x85", "\u202e", "\ud800", "\U000e0041", "\u2028"]
    for ch in unsafe:
        for at in (0, size - 1, size, size + 1, 3 * size - 1):
            text = "a" * at + ch + "b" * (3 * size - at) + "\u00e9\t\n"
            want = textsafe._UNSAFE_JSON.sub(textsafe._json_escape, text)
            assert textsafe.clean_json(text) == want
            assert ch not in textsafe.clean_json(text)
    plain = "{" + "x" * (2 * size) + "\t\n}"
    assert textsafe.clean_json(plain) == plain
