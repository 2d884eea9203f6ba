"""Red-team round 52 probes: VM domain XML and raw QEMU arguments, a VNC password read from a
secret file or an encrypted secret whose content hvaudit never sees (r52-domain)

Harness: round 37's `_ns_scan` (tests/test_redteam37_domain_probes.py) with the host's
process list naming each VM's QEMU and its raw arguments, so the real HostCollector stats the
secret files those name (hvaudit.collect.host.SECRET_SIZE_ARGV, answered by the replay runner
per path: conftest.ReplayRunner), scanned through the real parser and engine. The change
reaches only a VM whose raw arguments give a VNC server a `password-secret`, which no e2e-*
domain of tests/test_e2e_libvirtd.py has.

Findings:
- R52D-1 (false pass) HVA-031: the team's decision. A `-object secret,file=PATH` is the
  file's whole content (QEMU crypto/secret.c qcrypto_secret_load_data: `g_file_get_contents(
  secret->file, &data, &length, ...)`, `*outputlen = length`), and QEMU's VNC server accepts
  the empty password (ui/vnc.c protocol_client_auth_vnc refuses only `if
  (!vs->vd->password)`, R48D-3), but hvaudit never reads the file: a raw `-vnc
  0.0.0.0:1,password-secret=s0` (v1) and libvirt's VNC given the secret by `-set
  vnc.default.password-secret=s0` (web01) passed whatever the file held. The collector now
  stats every file a running QEMU's password secret names, its size only (`stat -L -c %s --
  PATH`, argv list, 5 s timeout, the artefact named by a digest of the path:
  hvaudit.collect.host.SECRET_SIZE_ARGV, parse.host._secret_file_sizes): 0 bytes fails as
  the empty password (v2 raw, v3 libvirt's), more passes (v4), and a file no running QEMU
  names (web01) or that `stat` did not read (v1 absent, v5 refused) is asked, naming the
  file. An encrypted secret
  (`keyid=`): crypto/secret_common.c qcrypto_secret_decrypt strips up to 16 padding bytes
  from the AES-256-CBC plaintext ("Incorrect number of padding bytes" past that), so one
  16-byte block can decrypt to the empty password; its redacted `data` (v6) passed
  "password-secret" and is asked now (consoles._unread_secret, _empty_secret).
- R52D-2 (secret leak) collection redaction: the team's decision. QEMU's JSON parser
  (qobject/json-lexer.c) takes single-quoted strings (IN_SQ_STRING) and `\\u` escapes
  (IN_DQ_UCODE*), and `ps` prints argv joined by spaces, so a JSON argument with blanks
  reaches hvaudit's process-list redaction as several words; `-global
  driver=D,property=P,value=V` is -global's long form (qemu-options.hx "-global
  driver=driver,property=property,value=value"), judged by `value`. A secret in single
  quotes (v1), beside blanks (v2: process list only), under an escaped key (v3), in the long
  -global form (v4) or as an array (v5) reached the bundle's processes.txt and (but v2) the
  domain XML unredacted. The JSON is now read token by token as QEMU reads it (_redact_json:
  either quote, escapes decoded, an array or object value blanked whole), a JSON argument
  split by `ps` is joined again (_json_joined) and the long -global's value is judged by its
  property (_global_value): the bundle holds none of the five.
- R52D-3 (wording: a question where the evidence fails) HVA-031: round 52's own lead. ui/vnc.c
  vnc_display_setup_auth takes VNC password authentication `if (password)` and SASL only
  `else if (sasl)`, so a raw `-vnc 0.0.0.0:1,password-secret=s0,sasl=on` naming an empty
  secret (v1) serves the empty password, which the server accepts; HVA-031 asked about the
  SASL configuration (an attested answer passed it). `sasl` no longer counts beside an empty
  secret: it fails. Held: a set secret with sasl (v2) passes.

Held (kept as tests): a file `stat` found 9 bytes long (v4) and a secret with data (v7) still
pass; `file=/dev/null` still fails without a stat (R51D-1, v8). Moved in a separate commit:
R48D-3's v3, R50D-1's v2 and R51D-1's v3 and v4, a file secret of a VM no running QEMU
names, which rested on the unread file (taken at its word), are asked now.

Probed by script: round 51's leads. `-set chardev.charmonitor.host=0.0.0.0` (and `port`,
`backend=socket`) on libvirt's fd-passed monitor: QEMU's chardev/char-socket.c
qemu_chr_parse_socket refuses `(!!path + !!fd + !!host) != 1` ("Exactly one of 'path', 'fd'
or 'host' required"), so QEMU does not start; hvaudit says not applicable (no network
console), no false pass. libvirt's websocket (websocket='-1', no listen address) beside
`-set vnc.default.vnc=unix:...`: with qemu.conf absent (built-in defaults: vnc_listen
127.0.0.1, vnc_auto_unix_socket 0) it fails on every address, as QEMU binds it; with
qemu.conf unreadable the check is an error naming the file, no verdict.

Tally: 3 findings (false pass 1, secret leak 1, wording 1), 3 tests holding 16 cases;
R52D-3's v1 was manual on main (v2 passes on main too); R52D-1's 6
finding cases (web01, v1, v2, v3, v5, v6) passed on main, and fail (v2, v3) or ask now, its 3
held cases pass on main too; R52D-2's 5 cases each leaked on main (the bundle-level
assertion failed naming 5 secrets in processes.txt and 4 in domain XML).

Leads left: a secret file's size is read now, not when QEMU started and read it (a file
emptied or filled since); libvirt's websocket with qemu.conf merely not collected (a bundle
without host artefacts) was not probed; a base64 `data=` without keyid (`format=base64` decoding to nothing) is taken at
its word; SPICE's `password-secret` is not read for emptiness at all; libvirt's VNC given an
empty secret by a -set beside `-set vnc.default.sasl=on` was not probed (R52D-3's reading).
"""

from __future__ import annotations

import html
import time
import uuid as uuidlib
from pathlib import Path
from typing import Any

from conftest import (
    HARDENED_HOST,
    QEMU_NS_URI,
    ReplayRunner,
    _replay_secmodel,
    domain_xml,
    from_qemu_driver,
    messages,
    outcomes,
    run_assessment,
    write_node,
)
from hvaudit.bundle import BundleWriter
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget
from hvaudit.engine import Assessment

VNC = "<devices><graphics type='vnc' autoport='yes' listen='0.0.0.0'/></devices>"
RAW = ("-vnc", "0.0.0.0:1,password-secret=s0")
SET = ("-set", "vnc.default.password-secret=s0")


def _scan_bundle(
    tmp_path: Path,
    vms: dict[str, tuple[str, tuple[str, ...]]],
    sizes: dict[str, Any],
    stopped: frozenset[str] = frozenset(),
) -> Assessment:
    """The hardened host with one VM per key of `vms` (body, raw QEMU arguments), the QEMU of
    each one not `stopped` running with those arguments in the process list, and `sizes` the
    replayed `stat` answers by path."""
    uri = write_node(
        tmp_path / f"node-{time.monotonic_ns()}.xml",
        [domain_xml(n, body) for n, (body, _) in vms.items()],
    )
    writer = BundleWriter(
        tmp_path / f"b-{time.monotonic_ns()}",
        target="qemu+ssh://root@hv1/system",
        platform="kvm-libvirt",
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    assert writer.root is not None
    for name, (_, args) in vms.items():
        path = f"libvirt/domains/{uuidlib.uuid5(uuidlib.NAMESPACE_DNS, name)}.xml"
        text = writer.files.pop(path).decode()
        writer.entries.pop(path)
        (writer.root / path).unlink()
        text = text.replace("<domain ", f"<domain xmlns:qemu='{QEMU_NS_URI}' ", 1)
        arg = "".join(f"<qemu:arg value={html.escape(a, quote=True)!r}/>" for a in args)
        arg = arg.replace("value='", 'value="').replace("'/>", '"/>')
        text = text.replace("</domain>", f"<qemu:commandline>{arg}</qemu:commandline></domain>")
        writer.add(path, text.encode(), origin="virDomainGetXMLDesc")
    writer.meta["collector"]["libvirt"].update(simulated=False, hostname="hv1")
    from_qemu_driver(writer, uri)
    _replay_secmodel(writer, "apparmor")
    host = dict(HARDENED_HOST)
    listing, rc = host["processes"]
    for n, (name, (_, args)) in enumerate(vms.items()):
        if name in stopped:
            continue
        listing += f" {2000 + n} libvirt+ /usr/bin/qemu-system-x86_64 -name guest={name} "
        listing += " ".join(args) + "\n"
    host["processes"] = (listing, rc)
    host.update({f"secret-size:{p}": v for p, v in sizes.items()})
    HostCollector(ReplayRunner(host)).collect(writer)
    bundle = writer.close(complete=True)
    assert bundle is not None
    return bundle


def _scan(
    tmp_path: Path,
    vms: dict[str, tuple[str, tuple[str, ...]]],
    sizes: dict[str, Any],
    stopped: frozenset[str] = frozenset(),
) -> Assessment:
    """_scan_bundle, assessed."""
    return run_assessment(_scan_bundle(tmp_path, vms, sizes, stopped))


def test_secret_file_size_decides_the_vnc_password(tmp_path: Path) -> None:
    """R52D-1: a secret file's size, stat'ed on the running QEMU, tells the empty password
    (v2, v3: 0 bytes) from a set one (v4); a file not stat'ed (v1 raw, web01 libvirt's) or not
    read (v5) and an encrypted secret whose ciphertext the bundle redacts (v6) are asked.
    Held: data (v7), /dev/null (v8)."""

    def secret(name: str) -> tuple[str, str]:
        return ("-object", f"secret,id=s0,file=/etc/qemu/{name}.pw")

    a = _scan(
        tmp_path,
        {
            "web01": (VNC, (*secret("web01"), *SET)),
            "v1": ("", (*secret("v1"), *RAW)),
            "v2": ("", (*secret("v2"), *RAW)),
            "v3": (VNC, (*secret("v3"), *SET)),
            "v4": ("", (*secret("v4"), *RAW)),
            "v5": ("", (*secret("v5"), *RAW)),
            "v6": (
                "",
                (
                    "-object",
                    "secret,id=s0,keyid=masterKey0,iv=AAAAAAAAAAAAAAAAAAAAAA==,format=base64,"
                    "data=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",
                    *RAW,
                ),
            ),
            "v7": ("", ("-object", "secret,id=s0,data=pw", *RAW)),
            "v8": ("", ("-object", "secret,id=s0,file=/dev/null", *RAW)),
        },
        {
            "/etc/qemu/v2.pw": ("0\n", 0),
            "/etc/qemu/v3.pw": ("0\n", 0),
            "/etc/qemu/v4.pw": ("9\n", 0),
            "/etc/qemu/v5.pw": ("", 1, "stat: cannot statx '/etc/qemu/v5.pw': Permission denied"),
        },
        frozenset({"web01"}),
    )
    shown = "QEMU argument -vnc 0.0.0.0:1,password-secret=s0"
    where = "vnc on 0.0.0.0 (bound to every address)"

    def raw_fail(why: str) -> str:
        return (
            f"{shown}: a VNC server on 0.0.0.0 whose password-secret=s0 names an empty secret "
            f"({why}): QEMU's VNC server accepts the empty password, outside libvirt's "
            "<graphics> (qemu.conf's vnc_* do not apply)"
        )

    assert outcomes(a, "HVA-031") == {
        "web01": "manual",
        "v1": "manual",
        "v2": "fail",
        "v3": "fail",
        "v4": "pass",
        "v5": "manual",
        "v6": "manual",
        "v7": "pass",
        "v8": "fail",
    }
    got = messages(a, "HVA-031")
    assert {k: got[k] for k in ("v2", "v3", "v4", "v7", "v8")} == {
        "v2": raw_fail(
            "-object secret s0 reading file=/etc/qemu/v2.pw, which `stat` found 0 bytes long"
        ),
        "v3": f"{where} without a password",
        "v4": f"{shown}: password-secret",
        "v7": f"{shown}: password-secret",
        "v8": raw_fail("-object secret s0 reading file=/dev/null, which is always empty"),
    }

    def asked(name: str, what: str, evidence: str) -> tuple[str, str]:
        return (
            what,
            f"Is the password of the VNC server(s) of VM {name} ({shown if name != 'web01' else where}) "
            f"non-empty? Evidence: {evidence} on host hv1. Pass: the secret holds a non-empty "
            "password; fail: it is empty, the empty password, which QEMU's VNC server accepts "
            "from any client.",
        )

    def raw_asked(name: str, why: str) -> tuple[str, str]:
        return asked(
            name,
            f"{shown}: a VNC server on 0.0.0.0 whose password-secret=s0 names -object secret s0 "
            f"{why}",
            f"`stat -L -c %s /etc/qemu/{name}.pw` (the file's size, never its content)"
            if name != "v6"
            else "the length of its data= in the VM's QEMU arguments (one 16-byte AES block, 24 "
            "base64 characters, can decrypt to the empty password; QEMU's crypto/"
            "secret_common.c strips up to 16 padding bytes)",
        )

    assert {
        r.outcome.subject.name: (r.outcome.message, r.outcome.question)
        for r in a.results
        if r.check.id == "HVA-031" and r.status.value == "manual"
    } == {
        "web01": asked(
            "web01",
            f"{where} with TLS, its password a QEMU argument -set vnc.default.password-secret=s0 "
            "naming -object secret s0 reading file=/etc/qemu/web01.pw, whose size was not "
            "collected (no running QEMU of the scan names it)",
            "`stat -L -c %s /etc/qemu/web01.pw` (the file's size, never its content)",
        ),
        "v1": raw_asked(
            "v1",
            "reading file=/etc/qemu/v1.pw, whose size was not read (`stat -L -c %s`: command "
            "not found)",
        ),
        "v5": raw_asked(
            "v5",
            "reading file=/etc/qemu/v5.pw, whose size was not read (`stat -L -c %s`: stat: "
            "cannot statx '/etc/qemu/v5.pw': Permission denied)",
        ),
        "v6": raw_asked(
            "v6", "encrypted with keyid=masterKey0, whose ciphertext the bundle redacts"
        ),
    }


SECRETS = ("hunter2", "swordfish", "opensesame", "letmein", "trustno1")


def test_json_and_global_secrets_are_redacted_in_the_bundle(tmp_path: Path) -> None:
    """R52D-2: QEMU's JSON (qobject/json-lexer.c) takes single-quoted strings (IN_SQ_STRING),
    `\\u` escapes in keys and blanks around the colon, which `ps` splits into words (argv
    joined by spaces); `-global driver=D,property=P,value=V` is -global's long form
    (qemu-options.hx). Each kept its secret in the bundle's process list and (but the blanks)
    the domain XML: hvaudit.redact._redact_json, _json_joined, _global_value."""
    bundle = _scan_bundle(
        tmp_path,
        {
            "v1": ("", ("-object", "{'qom-type':'secret','id':'s1','data':'hunter2'}")),
            "v2": ("", ("-object", '{"qom-type": "secret", "id": "s2", "data": "swordfish"}')),
            "v3": ("", ("-object", '{"qom-type":"secret","id":"s3","da\\u0074a":"opensesame"}')),
            "v4": ("", ("-global", "driver=iscsi,property=password,value=letmein")),
            "v5": ("", ("-blockdev", '{"driver":"iscsi","password":["trustno1"]}')),
        },
        {},
    )
    files = [p for p in Path(bundle).rglob("*") if p.is_file()]
    texts = {p.name: p.read_bytes().decode("utf-8", "replace") for p in files}
    assert {
        n: [w for w in SECRETS if w in t] for n, t in texts.items() if any(w in t for w in SECRETS)
    } == {}
    ps = next(t for n, t in texts.items() if n == "processes.txt")
    assert [line.split("guest=", 1)[1] for line in ps.splitlines() if " 200" in line[:6]] == [
        "v1 -object {'qom-type':'secret','id':'s1','data':'***REDACTED***'}",
        'v2 -object {"qom-type": "secret", "id": "s2", "data": "***REDACTED***"}',
        'v3 -object {"qom-type":"secret","id":"s3","da\\u0074a":"***REDACTED***"}',
        "v4 -global driver=iscsi,property=password,value=***REDACTED***",
        'v5 -blockdev {"driver":"iscsi","password":"***REDACTED***"}',
    ]


def test_empty_secret_beside_sasl_is_open(tmp_path: Path) -> None:
    """R52D-3: ui/vnc.c vnc_display_setup_auth takes VNC password authentication `if
    (password)` and SASL only `else if (sasl)`: an empty secret beside `sasl=on` (v1) is the
    empty password, which the server accepts, but HVA-031 asked about SASL (manual). Held:
    `sasl=on` with a set secret (v2) passes."""
    a = _scan(
        tmp_path,
        {
            "v1": (
                "",
                ("-object", "secret,id=s0,data=", "-vnc", "0.0.0.0:1,password-secret=s0,sasl=on"),
            ),
            "v2": (
                "",
                ("-object", "secret,id=s0,data=pw", "-vnc", "0.0.0.0:1,password-secret=s0,sasl=on"),
            ),
        },
        {},
    )
    shown = "QEMU argument -vnc 0.0.0.0:1,password-secret=s0,sasl=on"
    assert outcomes(a, "HVA-031") == {"v1": "fail", "v2": "pass"}
    assert messages(a, "HVA-031") == {
        "v1": f"{shown}: a VNC server on 0.0.0.0 whose password-secret=s0 names an empty secret "
        "(-object secret s0 with empty data): QEMU's VNC server accepts the empty password, "
        "outside libvirt's <graphics> (qemu.conf's vnc_* do not apply)",
        "v2": f"{shown}: password-secret, sasl",
    }
