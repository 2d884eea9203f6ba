"""Numbers in scanned settings are read as the C programs that own them read them: ASCII digits
only. `str.isdigit()` is also true of "²" (and other Unicode digits), which `int()` refuses, so a
hostile field crashed the check or parser that tested it that way (the pattern V13-4 found in
HVA-402, tests/test_redteam13_vmw_probes.py, and which recurred across hvaudit); "\u0663" (U+0663, Arabic-Indic three) `int()`
reads as 3, a number libvirt's virStrToLong_ui, journald or ps never produce from that text."""

from __future__ import annotations

import pytest

from hvaudit.checks.devices import _zero_id
from hvaudit.parse.host import _in_container, _log_level
from hvaudit.textsafe import digits


@pytest.mark.parametrize("text", ["²", "1²", "\u0663", "", " 1", "-1", "1.0"])
def test_only_ascii_digits_are_digits(text: str) -> None:
    assert not digits(text)


def test_ascii_digits_are() -> None:
    assert digits("0") and digits("0042")


@pytest.mark.parametrize("text", ["+²", "²", "+\u0660", "\u0660"])
def test_qemu_conf_user_with_unicode_digits_is_not_read_as_a_number(text: str) -> None:
    # libvirt virGetUserID parses "+N" with virStrToLong_ui (base 10, ASCII digits): "+²" is no id
    assert _zero_id(text, {}) is None


@pytest.mark.parametrize("text", ["²", "٣"])
def test_journald_level_with_unicode_digits_is_unknown(text: str) -> None:
    assert _log_level(text) is None


@pytest.mark.parametrize("text", ["²", "\u0661" + "\u0660" * 5])
def test_process_owner_with_unicode_digits_is_not_a_container_uid(text: str) -> None:
    assert _in_container(text) is False
