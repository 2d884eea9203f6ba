"""/etc/passwd is collected (accounts, shells, uid 0 names) and its second field may hold a
password hash on a host without shadow passwords (passwd(5): "If the password field is a lower-
case 'x', then the encrypted password is actually stored in the shadow(5) file instead"). The
bundle keeps whether an account has one (`x`, "", `!`), never the hash, as R24E-1 does for
/etc/group. Found by rt24grp's review (leads of tests/test_redteam24_grp_probes.py)."""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST
from hvaudit.redact import redact_artefact

HASH = "$6$saltsalt$" + "A1b2" * 21 + "xy"


def test_passwd_hashes_never_enter_the_bundle() -> None:
    data = (
        f"root:{HASH}:0:0:root:/root:/bin/bash\n"
        "daemon:*:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
        "guest::1001:1001::/home/guest:/bin/sh\n"
    ).encode()
    assert redact_artefact("host/files/etc/passwd", data) == (
        b"root:***REDACTED***:0:0:root:/root:/bin/bash\n"
        b"daemon:!:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        b"alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
        b"guest::1001:1001::/home/guest:/bin/sh\n"
    )


def test_redacted_passwd_keeps_the_verdicts(host_scan, tmp_path: Path) -> None:
    """Collected through the real collector, the hash is nowhere in the bundle, and the checks
    read the same accounts from the redacted file (none reads the password field)."""
    plain = HARDENED_HOST["/etc/passwd"]
    hashed = plain.replace("root:x:0:0:", f"root:{HASH}:0:0:", 1)
    assert hashed != plain

    def verdicts(a) -> set[tuple[str, str, str, str]]:
        return {
            (r.check.id, r.outcome.subject.name, r.status.value, r.outcome.message)
            for r in a.results
        }

    assert verdicts(host_scan({"/etc/passwd": hashed})) == verdicts(host_scan({}))
    leaked = [p for p in tmp_path.rglob("*") if p.is_file() and HASH.encode() in p.read_bytes()]
    assert leaked == []
