"""VMware and Proxmox leads left by red-team round 12 (tests/test_redteam12_vmw_probes.py,
tests/test_redteam12_pve_probes.py) and issue 8, settled in session 11. Each test names the source
its rule rests on (read with `search`, `find_string`, `read_file`, `fetch`) and asserts the exact
verdict; each finding's test failed on the code before its fix.

- L13-1 (HVA-403, wrong fail): RemoteDisplay.maxConnections = "0x1", "01" or "1abc" failed,
  though VMware's dictionary reads a number with strtol(s, &p, 0) and keeps the number before any
  trailing text (lib/dict/dictionary.c, DictionaryNarrowValue, DICT_LONG: "is not a valid integer
  value. Using value"; VMware View Open Client 2.1.1, LGPL, read with `find_string`/`read_file`):
  each runs as 1 session. Now they pass with "VMware reads 1"; "0x2" fails as 2; a number past
  32 bits (the entry's int32) is a question.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam12_vmw_probes import MAXCONN, WEB01, _vmx_scan

# --- L13-1: HVA-403 reads the limit as VMware's dictionary does ----------------------------------


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("0x1", ("pass", "RemoteDisplay.maxConnections = 0x1 (VMware reads 1)")),
        ("01", ("pass", "RemoteDisplay.maxConnections = 01 (VMware reads 1)")),
        ("1abc", ("pass", "RemoteDisplay.maxConnections = 1abc (VMware reads 1)")),
        ("0x2", ("fail", "RemoteDisplay.maxConnections = 0x2 (VMware reads 2)")),
        ("010", ("fail", "RemoteDisplay.maxConnections = 010 (VMware reads 8)")),
        ("one", ("fail", "RemoteDisplay.maxConnections = one (VMware reads 0)")),
        (
            "4294967297",
            ("manual", "RemoteDisplay.maxConnections = 4294967297: beyond a 32-bit number"),
        ),
    ],
)
def test_console_limit_read_as_vmware_reads_a_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, want: tuple[str, str]
) -> None:
    """L13-1: DictionaryNarrowValue (DICT_LONG) runs strtol(s, &p, 0): "0x" is hex, a leading 0
    octal, and text after the number only draws an error message, the number read so far being
    used. "0x1", "01", "1abc" are one session (they failed before); "0x2" and "010" (8) are more
    than one; "one" reads 0. A number past the int32 the entry keeps is asked."""
    got = _vmx_scan(
        tmp_path, capsys, WEB01.replace(MAXCONN, f'RemoteDisplay.maxConnections = "{value}"')
    )
    assert got[("HVA-403", "web-01")] == want
