"""Remove secrets from everything a collection keeps, before it touches disk or a report.

Bundles and reports travel (to auditors, into tickets, into CI logs), so secrets never enter them:
console passwords, keys, tokens, cookies and credentials are replaced by `REDACTED`. What a check
needs to know (that a password *is set*, that raw QEMU arguments exist) survives; the value does
not.

There is one layer, and every collector writes through it: `BundleWriter` passes each artefact to
`redact_artefact()` (chosen by the artefact's path: `ARTEFACT_FORMATS`) and every manifest string
and message to `redact_text()`; the CLI passes every line of standard error to `redact_text()`.
What is secret is data, per format, in the tables below, so a reviewer can read them in one place:

- names of settings, options and parameters (`SecretNames`), with what each format adds;
- QEMU option properties (`-object secret,data=`, `-spice password=`, `-fw_cfg string=`, rbd
  `:key=`, curl `cookie=`), in `<qemu:arg>`, a process list and Proxmox `args:`; of fw_cfg
  values, only a boolean word of an entry in `FW_CFG_BOOLEANS` is kept (OVMF's
  EnableLegacyLoader, for HVA-066);
- command-line forms in a process list (`--password X`, `--password=X`, `mysql -pX`, `curl -u u:p`);
- syslog forms (rsyslog `pwd="X"`, legacy `:ommysql:host,db,user,X`, syslog-ng `password("X")`),
  after the `grep -H` file-name prefix is taken off;
- URI user information (`https://user:pw@host`), secret query parameters (`?token=X`), HTTP
  authorization headers and systemd credentials (`io.systemd.credential:name=X`), everywhere.
"""

from __future__ import annotations

import fnmatch
import functools
import html
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ARTEFACT_FORMATS",
    "REDACTED",
    "SecretNames",
    "redact_artefact",
    "redact_conf",
    "redact_domains_cfg",
    "redact_json",
    "redact_message",
    "redact_process_list",
    "redact_pve_ct_conf",
    "redact_pve_vm_conf",
    "redact_qemu_args",
    "redact_syslog",
    "redact_text",
    "redact_tree",
    "redact_user_cfg",
    "redact_vmx",
    "redact_xml",
    "remember",
    "remember_uri",
]

REDACTED = "***REDACTED***"


# What is secret: names --------------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"[-.\s]+", "_", name.strip().lower())


# Words that make a (normalised) setting name a secret wherever it appears.
_SECRET_WORDS = re.compile(
    r"passw|passphrase|secret|token|authtok|psk|credential|cookie|community|signature"
    r"|(?:^|_)(?:pwd|pass|sig)(?:$|_)"
    r"|(?:api|access|private|secret|encryption|auth|shared|session|signing)_?key(?:$|_)"
)
# Names that contain such a word but hold no secret: a file, a path, an id, a reference to a
# secret held elsewhere (QEMU `password-secret=sec0`, libvirt `*_secret_uuid`), a mode or a flag.
_NOT_SECRET = re.compile(
    r"(?:_|^)(?:uuid|file|files|path|dir|list|verify|fd|id|ids|name|type|mode|usage|format|len"
    r"|length|size|expiry|expires|expire|policy|age|algorithm|algo|required|cmd|command|enabled"
    r"|enable|disable|disabled|authentication|timeout|interval|min|max|count|lifetime|retries"
    r"|url|uri|endpoint|server|host|port|user|username|login|tls|sasl|x509)$"
    r"|(?:file|path|dir|id)$"
    r"|^(?:proxy_)?(?:password|key|cookie|passphrase)_secret$"
    # a policy about passwords, not a password (ESXi Security.PasswordQualityControl, ...)
    r"|(?:passw(?:or)?d|token|secret)_?(?:quality|history|policy|complexity|length|minlen|maxlen"
    r"|max_?days|min_?days|warn|age|reuse|expir|lock|attempts|retry|retries|strength|rules?"
    r"|prompt|change|reset|auth)"
)


@dataclass(frozen=True, slots=True)
class SecretNames:
    """Which setting names hold secrets in one format: the common words, plus names the format
    adds (`also`, exact, normalised: lower case, `-` and `.` as `_`), plus prefixes whose every
    key is secret (`prefixes`)."""

    also: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    never: frozenset[str] = frozenset()

    def __call__(self, name: str) -> bool:
        return _is_secret(self, name)


@functools.lru_cache(maxsize=4096)
def _is_secret(names: SecretNames, name: str) -> bool:
    """`names(name)`, cached: the same few option names recur on every line of a process list."""
    n = _norm(name)
    if n in names.never:
        return False
    if n in names.also or n.startswith(names.prefixes):
        return True
    return bool(_SECRET_WORDS.search(n)) and not _NOT_SECRET.search(n)


#: Settings files (qemu.conf, sssd.conf, storage.cfg, /etc/network/interfaces ...).
CONF_NAMES = SecretNames(also=frozenset({"key", "wpa_psk", "cipassword"}))
#: pam_duo.conf: skey is "Duo secret key" (pam_duo(8)); ikey, the integration key, is an id.
DUO_NAMES = SecretNames(also=frozenset({"key", "skey"}))
#: Cyrus SASL application files (/etc/sasl2/libvirt.conf): ldapdb_pw is the password of the
#: ldapdb auxprop plugin's own LDAP bind (plugins/ldapdb.c getopt "ldapdb_pw"); sql_passwd
#: (plugins/sql.c) is caught by the common words.
SASL_NAMES = SecretNames(also=frozenset({"ldapdb_pw"}))
#: Properties in QEMU's comma-separated option syntax (and the same names in its JSON syntax):
#: `-object secret,id=s0,data=X[,iv=Y]` (docs/system/secrets.rst), `-spice password=X`
#: (deprecated for `password-secret`, QEMU commit c47c0bcb), `-iscsi password=X`, curl's
#: `cookie=` (qapi/block-core.json BlockdevOptionsCurlHttps), the legacy rbd `:key=X`, and
#: `-fw_cfg name=...,string=X` (provisioning data such as an Ignition config).
QEMU_NAMES = SecretNames(also=frozenset({"data", "iv", "key", "cookie", "password", "string"}))
#: QEMU properties that are booleans, not secrets, when their value is one (`-vnc :0,password=on`).
QEMU_BOOLEAN = frozenset({"on", "off", "true", "false", "yes", "no"})
#: .vmx keys: console passwords, the VNC key, an encrypted VM's key safe and data, and every
#: `guestinfo.*` value (cloud-init user data, OVF environments, tokens for guest agents).
VMX_NAMES = SecretNames(
    also=frozenset(
        {
            "remotedisplay_vnc_password",
            "remotedisplay_vnc_key",
            "encryption_keysafe",
            "encryption_data",
        }
    ),
    prefixes=("guestinfo_",),
)
#: Syslog daemon parameters: rsyslog `pwd` (ommysql, ompgsql, omelasticsearch, omhttp), `pass`,
#: `serverpassword` (omhiredis); syslog-ng `password()`, `auth()` (redis), `token()`.
SYSLOG_NAMES = SecretNames(also=frozenset({"pwd", "pass", "auth", "serverpassword"}))
#: Query parameters of URLs (signed URLs, API keys, bearer tokens).
QUERY_NAMES = SecretNames(
    also=frozenset(
        {
            "key",
            "sig",
            "sas",
            "code",
            "auth",
            "apikey",
            "api_key",
            "jwt",
            "x_amz_signature",
            "x_amz_credential",
            "x_amz_security_token",
            "x_goog_signature",
            "x_goog_credential",
        }
    )
)
#: JSON object keys (API answers stored as JSON).
JSON_NAMES = SecretNames(
    # ESXi advanced options (vSphere host artefacts) that name a password policy, not a password
    never=frozenset({"security_passwordqualitycontrol"})
)
#: Command-line options spelled out (`--password X`, `--api-key=X`).
ARGV_NAMES = SecretNames(also=frozenset({"pass", "pwd"}))

#: Programs whose short option carries a password: `mysql -pX` (attached only: `-p` alone
#: prompts), `sshpass -pX` / `-p X`, `redis-cli -a X`, `curl -u user:X`, `smbclient -U user%X`.
SHORT_PASSWORD_OPTIONS: dict[str, tuple[str, str]] = {
    # program: (option, form) with form "attached" (-pX), "both" (-pX or -p X),
    # "user:pw" (-u user:X) or "user%pw" (-U user%X)
    "mysql": ("-p", "attached"),
    "mysqldump": ("-p", "attached"),
    "mysqladmin": ("-p", "attached"),
    "mysqlimport": ("-p", "attached"),
    "mysqlcheck": ("-p", "attached"),
    "mysqlshow": ("-p", "attached"),
    "mariadb": ("-p", "attached"),
    "mariadb-dump": ("-p", "attached"),
    "mariadb-admin": ("-p", "attached"),
    "sshpass": ("-p", "both"),
    "redis-cli": ("-a", "both"),
    "curl": ("-u", "user:pw"),
    "smbclient": ("-U", "user%pw"),
}


# Everywhere: URIs, query strings, headers, credentials -----------------------------------------

# scheme://user:password@host -> scheme://user:REDACTED@host (RFC 3986 userinfo).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^/\s:@'\"<>]*):([^\s/'\"<>]*)@")
# ?name=value / &name=value / &amp;name=value with a secret name.
_QUERY = re.compile(r"([?&;]|&amp;)([A-Za-z0-9_.\-]+)=([^&\s'\"<>#;,]*)")
# HTTP authorization (curl -H, rsyslog omhttp httpheaders, syslog-ng headers()).
_AUTH_HEADER = re.compile(
    r"(?i)\b((?:proxy-)?authorization|x-api-key|x-auth-token|private-token)(\s*:\s*)"
    r"(?:(basic|bearer|token|negotiate|digest|apikey)\s+)?([^\s\"',\]<>]+)"
)
# systemd credentials passed to a VM through SMBIOS type 11 (libvirt <oemStrings>, -smbios),
# and to a host on its kernel command line (`systemd.set_credential=name:value`).
_SYSTEMD_CRED = re.compile(r"(io\.systemd\.credential(?:\.binary)?:[^=\s<'\",]+=)([^\s<'\",]+)")
_KERNEL_CRED = re.compile(r"(systemd\.set_credential(?:_binary)?=[^:\s]+:)(\S+)")
# A Proxmox VE API token (`USER@REALM!TOKENID=SECRET`, also after `PVEAPIToken=`).
_PVE_TOKEN = re.compile(r"(\b[\w.\-]+@[\w.\-]+![\w.\-]+=)([^\s'\",;]+)")

_LITERALS: set[str] = set()


def remember(secret: str) -> None:
    """Blank `secret` in every message from now on (`redact_message`): a password or token this
    run was given (from the environment, from a URI), whatever a library echoes it in. Not in
    artefacts: a short or common password would blank ordinary words of the evidence."""
    if len(secret) >= 6:
        _LITERALS.add(secret)


def redact_message(text: str) -> str:
    """`redact_text`, and the secrets this run was given (`remember`): for messages, reasons,
    standard error and the manifest."""
    for secret in _LITERALS:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return redact_text(text)


def _query(m: re.Match[str]) -> str:
    if not QUERY_NAMES(m.group(2)) or m.group(3) in ("", REDACTED):
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}={REDACTED}"


def _header(m: re.Match[str]) -> str:
    scheme = f"{m.group(3)} " if m.group(3) else ""
    return f"{m.group(1)}{m.group(2)}{scheme}{REDACTED}"


def redact_text(text: str) -> str:
    """Secrets that can appear in any text: a URI's password, secret query parameters, HTTP
    authorization headers, systemd credentials. For messages, manifest fields and every artefact."""
    if "://" in text and "@" in text:
        text = _USERINFO.sub(lambda m: f"{m.group(1)}:{REDACTED}@", text)
    if "!" in text and "@" in text:
        text = _PVE_TOKEN.sub(lambda m: m.group(1) + REDACTED, text)
    if "=" in text:
        if "?" in text or "&" in text or ";" in text:
            text = _QUERY.sub(_query, text)
        if "io.systemd.credential" in text:
            text = _SYSTEMD_CRED.sub(lambda m: m.group(1) + REDACTED, text)
        if "systemd.set_credential" in text:
            text = _KERNEL_CRED.sub(lambda m: m.group(1) + REDACTED, text)
    if ":" in text and _names_auth_header(text):
        text = _AUTH_HEADER.sub(_header, text)
    return text


_AUTH_WORDS = ("authorization", "x-api-key", "x-auth-token", "private-token")
_AUTH_WORD = re.compile("(?i)" + "|".join(_AUTH_WORDS))


def _names_auth_header(text: str) -> bool:
    """Whether `text` names an authorization header in any case: what `_AUTH_HEADER` needs. On
    ASCII text (every domain XML of a normal host) that is a lower-cased substring test, about
    fifty times cheaper than the case-insensitive search, and the same answer (ASCII letters
    fold only to ASCII letters)."""
    if text.isascii():
        lowered = text.lower()
        return any(w in lowered for w in _AUTH_WORDS)
    return _AUTH_WORD.search(text) is not None


def remember_uri(uri: str) -> None:
    """Remember the password of a URI's user information (percent-decoded too)."""
    m = _USERINFO.search(uri)
    if m and m.group(2):
        remember(m.group(2))
        remember(urllib.parse.unquote(m.group(2)))


def redact_tree(value: Any) -> Any:
    """`redact_message` over every string of a JSON-like structure (a manifest)."""
    if isinstance(value, str):
        return redact_message(value)
    if isinstance(value, dict):
        return {k: redact_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_tree(v) for v in value]
    return value


# QEMU arguments ---------------------------------------------------------------------------------

# A property in QEMU's option syntax: after the start, a comma or (rbd) a colon, optionally dotted
# (`file.cookie=`); the value runs to the next single comma (`,,` is an escaped comma).
_QEMU_PROP = re.compile(r"(^|[,:])((?:[A-Za-z0-9_-]+\.)*)([A-Za-z0-9_-]+)=((?:[^,\s]|,,)*)")
# The legacy rbd file name keeps the cephx key inline: `rbd:pool/image:id=admin:key=X:...`.
_RBD_KEY = re.compile(r"(:key=)((?:[^:,\s\\]|\\.)+)")
# A cheap test that an argument may have a secret property (substrings of the names above).
_QEMU_HINTS = (
    "pass",
    "secret",
    "token",
    "authtok",
    "psk",
    "credential",
    "cookie",
    "community",
    "sig",
    "pwd",
    "key",
    "data",
    "iv",
    "string",
)
# The same in QEMU's JSON syntax (`-object {"qom-type":"secret","data":"X"}`).
_JSON_PAIR = re.compile(r'"([A-Za-z0-9_.\-]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"')
# Options whose argument is wholly or partly secret regardless of names.
_QEMU_STRING_OPTIONS = frozenset({"-fw_cfg"})
#: fw_cfg entries whose value is kept when it is a boolean word: OVMF reads
#: opt/org.tianocore/EnableLegacyLoader with QemuFwCfgParseBool (edk2 OvmfPkg/RUNTIME_CONFIG.md),
#: which takes only the words of FW_CFG_BOOLEAN_WORDS, so such a value says nothing secret and
#: HVA-066 needs it (R13-2). fw_cfg names are compared exactly (QemuFwCfgFindFile). Any other
#: value of it, and every other entry's value, is blanked.
FW_CFG_BOOLEANS = frozenset({"opt/org.tianocore/EnableLegacyLoader"})
#: QemuFwCfgParseBool's words, compared case-insensitively (edk2 OvmfPkg/Library/
#: QemuFwCfgSimpleParserLib/QemuFwCfgSimpleParser.c mTrueString, mFalseString; read with
#: `read_file`).
FW_CFG_TRUE_WORDS = frozenset({"true", "yes", "y", "enable", "enabled", "1"})
FW_CFG_BOOLEAN_WORDS = FW_CFG_TRUE_WORDS | {"false", "no", "n", "disable", "disabled", "0"}


def public_fw_cfg(name: str, value: str) -> bool:
    """True for a fw_cfg entry whose value is kept in the bundle (FW_CFG_BOOLEANS)."""
    return name in FW_CFG_BOOLEANS and value.lower() in FW_CFG_BOOLEAN_WORDS


def _public_fw_cfg_arg(body: str) -> bool:
    """`name=opt/org.tianocore/EnableLegacyLoader,string=no`, and nothing else, as -fw_cfg's
    argument."""
    if ",," in body:
        return False
    pairs = [p.partition("=") for p in body.split(",")]
    props = {k: v for k, eq, v in pairs if eq}
    return len(props) == len(pairs) == 2 and public_fw_cfg(
        props.get("name", ""), props.get("string", "")
    )


def _qemu_prop(option: str) -> Callable[[re.Match[str]], str]:
    def sub(m: re.Match[str]) -> str:
        name, value = m.group(3), m.group(4)
        if not value or value == REDACTED:
            return m.group(0)
        n = _norm(name)
        if n == "string" and option not in _QEMU_STRING_OPTIONS:
            return m.group(0)
        if n == "password" and value.lower() in QEMU_BOOLEAN:
            return m.group(0)
        if QEMU_NAMES(name):
            return f"{m.group(1)}{m.group(2)}{name}={REDACTED}"
        return m.group(0)

    return sub


def _json_pair(names: SecretNames) -> Callable[[re.Match[str]], str]:
    def sub(m: re.Match[str]) -> str:
        if names(m.group(1)) and m.group(3) not in ("", REDACTED):
            return f'"{m.group(1)}"{m.group(2)}"{REDACTED}"'
        return m.group(0)

    return sub


#: QEMU's JSON as its parser reads it (qobject/json-lexer.c): strings in double or single
#: quotes with backslash escapes (`\\u0074` too, in keys as in values), whitespace anywhere
#: between tokens, arrays and objects as values.
_JSON_TOKEN = re.compile(
    r"""\"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|\s+|[{}\[\]:,]|[^\s{}\[\]:,"']+""", re.S
)


def _json_text(tok: str) -> str:
    """A JSON string token's text, its escapes decoded as QEMU's parser decodes them."""
    inner = tok[1:-1] if len(tok) > 1 and tok.endswith(tok[0]) else tok[1:]
    inner = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), inner)
    return re.sub(r"\\(.)", r"\1", inner)


def _redact_json(body: str, names: SecretNames) -> str:
    """A QEMU JSON argument with the value of every secret-named member blanked (R52D-2): a
    string becomes the REDACTED string (an empty one is kept: an empty password is a
    finding), an array or object the REDACTED string whole, a boolean (`"password":true`,
    the VNC flag) is kept. The key is judged as QEMU reads it (quotes of either kind, escapes
    decoded, whitespace around the colon), so no spelling QEMU accepts keeps a secret."""
    toks = _JSON_TOKEN.findall(body)
    out = list(toks)
    n = len(toks)

    def next_solid(i: int) -> int:
        while i < n and toks[i].isspace():
            i += 1
        return i

    for i, tok in enumerate(toks):
        if not tok or tok[0] not in "\"'":
            continue
        colon = next_solid(i + 1)
        if colon >= n or toks[colon] != ":" or not names(_json_text(tok)):
            continue
        j = next_solid(colon + 1)
        if j >= n:
            continue
        value = toks[j]
        if value[0] in "\"'":
            text = _json_text(value)
            if text not in ("", REDACTED) and not (
                _norm(_json_text(tok)) == "password" and text.lower() in QEMU_BOOLEAN
            ):
                out[j] = f"{value[0]}{REDACTED}{value[0]}"
        elif value in ("{", "["):
            depth, k = 0, j
            while k < n:
                depth += toks[k] in ("{", "[")
                depth -= toks[k] in ("}", "]")
                if depth == 0:
                    break
                k += 1
            out[j] = f'"{REDACTED}"'
            for m in range(j + 1, min(k + 1, n)):
                out[m] = ""
        elif value.lower() not in ("true", "false", "null", REDACTED):
            out[j] = f'"{REDACTED}"'
    return "".join(out)


def _global_value(body: str) -> str:
    """`-global driver=DRIVER,property=PROPERTY,value=VALUE` (qemu-options.hx, the long form of
    `-global DRIVER.PROP=VALUE`): the value is blanked where PROPERTY names a secret, as the
    short form's is (R52D-2)."""
    pairs = [p.partition("=") for p in re.split(r"(?<!,),(?!,)", body)]
    props = {k.strip().lower(): v for k, eq, v in pairs if eq}
    prop, value = props.get("property", ""), props.get("value", "")
    if not QEMU_NAMES(prop) or value in ("", REDACTED):
        return body
    if _norm(prop) == "password" and value.lower() in QEMU_BOOLEAN:
        return body
    return ",".join(
        f"{k}={REDACTED}" if eq and k.strip().lower() == "value" else f"{k}{eq}{v}"
        for k, eq, v in pairs
    )


def _qemu_arg(arg: str, option: str) -> str:
    """One QEMU argument (`secret,id=s0,data=X`), given the option before it (`-object`)."""
    if "=" not in arg and ":" not in arg:
        return arg
    low = arg.lower()
    # a JSON key may spell its name with escapes (R52D-2)
    if not any(h in low for h in _QEMU_HINTS) and not low.lstrip("'\"").startswith("{"):
        return arg  # no name that could be secret: most arguments of most command lines
    quote = arg[0] if len(arg) > 1 and arg[0] in "'\"" and arg[-1] == arg[0] else ""
    body = arg[1:-1] if quote else arg
    if option == "-fw_cfg" and _public_fw_cfg_arg(body):
        return arg
    if body.startswith("{"):
        body = _redact_json(body, QEMU_NAMES)
    else:
        body = _QEMU_PROP.sub(_qemu_prop(option), body)
        if option == "-global":
            body = _global_value(body)
        if ":key=" in body:
            body = _RBD_KEY.sub(lambda m: m.group(1) + REDACTED, body)
    return f"{quote}{body}{quote}"


def redact_qemu_args(args: list[str]) -> list[str]:
    """QEMU's arguments (one list entry each) with secret property values blanked."""
    out = []
    option = ""
    for arg in args:
        out.append(_qemu_arg(arg, option))
        option = arg if arg.startswith("-") else ""
    return out


# Command lines ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"""(?:[^\s'"]|'[^']*'?|"(?:[^"\\]|\\.)*"?)+""")
_LONG_OPT = re.compile(r"^(--?[A-Za-z0-9][A-Za-z0-9_.\-]*)(=)(.*)$", re.S)
_KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.\-]*)=(.+)$", re.S)


def _program(token: str) -> str:
    return token.strip("'\"").rsplit("/", 1)[-1]


_OPENSSL_PASS_OPTIONS = frozenset({"-passin", "-passout", "-pass", "-k"})


def redact_argv(tokens: list[str]) -> list[str]:
    """One command line, split into tokens (quotes kept), with every secret form blanked: QEMU
    properties, `--name=X`, `--name X`, `NAME=X`, a program's password option
    (`SHORT_PASSWORD_OPTIONS`) and OpenSSL's `pass:X`."""
    out = list(tokens)
    short = SHORT_PASSWORD_OPTIONS.get(_program(tokens[0])) if tokens else None
    option = ""
    for i, tok in enumerate(tokens):
        if out[i] != tok:  # already blanked as the value of the option before it
            option = ""
            continue
        bare = tok.strip("'\"")
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        takes_next = following is not None and not following.startswith("-")
        new = _qemu_arg(tok, option) if i else tok
        if new == tok and i:
            long = _LONG_OPT.match(bare)
            kv = _KEY_VALUE.match(bare)
            if long and bare.startswith("--"):
                if ARGV_NAMES(long.group(1).lstrip("-")) and long.group(3):
                    new = f"{long.group(1)}={REDACTED}"
            elif bare.startswith("--"):
                if ARGV_NAMES(bare[2:]) and takes_next:
                    out[i + 1] = REDACTED
            elif kv and option == "-set":
                # QEMU's `-set GROUP.ID.ARG=VALUE` (qemu-options.hx) sets option ARG: judged by
                # ARG alone, so a reference such as `password-secret=s0` keeps the id the
                # checks tie to its -object (R51D-8), and a secret ARG is blanked
                arg = kv.group(1).rsplit(".", 1)[-1]
                secret = ARGV_NAMES(arg) or QEMU_NAMES(arg)
                if secret and kv.group(2).lower() not in QEMU_BOOLEAN:
                    new = f"{kv.group(1)}={REDACTED}"
            elif kv and ARGV_NAMES(kv.group(1)) and kv.group(2).lower() not in QEMU_BOOLEAN:
                new = f"{kv.group(1)}={REDACTED}"
            elif option in _OPENSSL_PASS_OPTIONS and bare.startswith("pass:"):
                new = f"pass:{REDACTED}"
            elif short is not None and bare.startswith(short[0]) and not bare.startswith("--"):
                flag, form = short
                rest = bare[len(flag) :]
                if rest and form in ("attached", "both"):
                    new = flag + REDACTED
                elif not rest and form == "both" and takes_next:
                    out[i + 1] = REDACTED
                elif not rest and form in ("user:pw", "user%pw") and following is not None:
                    sep = ":" if form == "user:pw" else "%"
                    user, found, _ = following.partition(sep)
                    if found:
                        out[i + 1] = f"{user}{sep}{REDACTED}"
        out[i] = new
        option = bare if bare.startswith("-") else ""
    return out


def redact_command_line(line: str) -> str:
    """A command line as `ps` shows it (argv joined by spaces)."""
    tokens = _json_joined(line, _TOKEN.findall(line))
    if not tokens:
        return line
    new = redact_argv(tokens)
    if new == tokens:
        return line
    out = []
    pos = 0
    for tok, rep in zip(tokens, new, strict=True):
        start = line.index(tok, pos)
        out.append(line[pos:start] + rep)
        pos = start + len(tok)
    out.append(line[pos:])
    return "".join(out)


def _json_joined(line: str, tokens: list[str]) -> list[str]:
    """`tokens` with a QEMU JSON argument that `ps` split at its blanks (argv joined by
    spaces: `{"data": "X"}` is one argument) made one token again, from its `{` to the `}`
    that closes it outside strings (or the line's end), so its members are judged together
    (R52D-2)."""
    if not any(t.startswith("{") for t in tokens):
        return tokens
    out: list[str] = []
    pos = 0
    while (m := _TOKEN.search(line, pos)) is not None:
        start, end = m.start(), m.end()
        if m.group(0).startswith("{"):
            end = _json_end(line, start)
        out.append(line[start:end])
        pos = end
    return out


def _json_end(line: str, start: int) -> int:
    """Where the JSON value opening at `start` ends: after the bracket that closes it outside
    strings of either quote, else the line's end."""
    depth, quote, k = 0, "", start
    while k < len(line):
        c = line[k]
        if quote:
            if c == "\\":
                k += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                return k + 1
        k += 1
    return len(line)


_PS_LINE = re.compile(r"^(\s*[0-9]+\s+\S+\s+)(.*)$")


def redact_process_list(text: str) -> str:
    """`ps -eo pid=,user:32=,args=`: every command line blanked as `redact_command_line` does."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        m = _PS_LINE.match(body)
        head, cmd = (m.group(1), m.group(2)) if m else ("", body)
        out.append(head + redact_command_line(cmd) + line[len(body) :])
    return redact_text("".join(out))


# Settings files ---------------------------------------------------------------------------------

# `key = value`, `key: value` or (storage.cfg, interfaces) `key value`; commented-out settings
# too (`#vnc_password = "x"` may be a real one kept for later).
_CONF_LINE = re.compile(r"^(\s*#?\s*)([A-Za-z0-9_.\-]+)(\s*[=:]\s*|[ \t]+)(.+?)(\s*)$")


def _conf_line(body: str, names: SecretNames) -> str:
    m = _CONF_LINE.match(body)
    if not m or not names(m.group(2)):
        return body
    value = m.group(4)
    if value == REDACTED or value.strip("\"'") in ("", REDACTED):
        return body
    quote = value[0] if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) > 1 else ""
    return f"{m.group(1)}{m.group(2)}{m.group(3)}{quote}{REDACTED}{quote}{m.group(5)}"


def redact_conf(text: str, names: SecretNames = CONF_NAMES) -> str:
    """Blank the values of secret settings in a `key = value` (or `key: value`, `key value`)
    file, commented-out ones included."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append(_conf_line(body, names) + line[len(body) :])
    return redact_text("".join(out))


def redact_grep_conf(text: str) -> str:
    """`grep -r -H "" DIR` over `key = value` files (sssd's conf.d): each line is `PATH:LINE`,
    and LINE is blanked as in `redact_conf`."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        path, sep, rest = body.partition(":")
        body = path + sep + _conf_line(rest, CONF_NAMES) if sep else body
        out.append(body + line[len(line.rstrip("\r\n")) :])
    return redact_text("".join(out))


def redact_pve_vm_conf(text: str) -> str:
    """A Proxmox VE VM configuration (`qemu-server/<vmid>.conf`): `cipassword` and other secret
    keys, and the QEMU arguments of `args:` as for a process list."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        m = re.match(r"^(\s*args\s*:\s*)(.*)$", body)
        if m:
            body = m.group(1) + redact_command_line("qemu " + m.group(2))[len("qemu ") :]
        else:
            body = _conf_line(body, CONF_NAMES)
        out.append(body + line[len(line.rstrip("\r\n")) :])
    return redact_text("".join(out))


_LXC_ENV = re.compile(
    r"^(\s*lxc\.environment(?:\.runtime|\.hook)?\s*[:=]\s*)([A-Za-z_][A-Za-z0-9_]*)=(.+)$"
)


def redact_pve_ct_conf(text: str) -> str:
    """A Proxmox VE container configuration (`lxc/<vmid>.conf`): secret keys, and the values of
    secret-named variables in raw `lxc.environment` lines."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        m = _LXC_ENV.match(body)
        if m and ARGV_NAMES(m.group(2)):
            new = f"{m.group(1)}{m.group(2)}={REDACTED}"
        else:
            new = _conf_line(body, CONF_NAMES)
        out.append(new + line[len(body) :])
    return redact_text("".join(out))


#: domains.cfg: an OpenID realm's `client-key`, the client secret pve-access-control keeps in
#: the file itself (PVE::Auth::OpenId properties "OpenID Client Key"; an LDAP or AD bind password
#: is in /etc/pve/priv/realm/, not here).
DOMAINS_NAMES = SecretNames(also=frozenset({"key", "cipassword", "client_key"}))
#: A realm's `tfa` property string: `key` is the "Yubico API Key" (PVE::Auth::Plugin $tfa_format).
_TFA_KEY = re.compile(r"((?:^|,)[ \t]*key[ \t]*=)([^,]+)")


def redact_domains_cfg(text: str) -> str:
    """Proxmox VE `domains.cfg`: an OpenID realm's `client-key` and the Yubico API key inside a
    realm's `tfa` value (its other keys, which the checks read, are kept) (P14-6)."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        m = re.match(r"^([ \t]+tfa[ \t]+)(.*)$", body)
        if m:
            new = m.group(1) + _TFA_KEY.sub(lambda k: k.group(1) + REDACTED, m.group(2))
        else:
            new = _conf_line(body, DOMAINS_NAMES)
        out.append(new + line[len(body) :])
    return redact_text("".join(out))


_USER_LINE = re.compile(r"^(user:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:)([^:]+)(:?.*)$")


def redact_user_cfg(text: str) -> str:
    """Proxmox VE `user.cfg`: the two-factor key field of every user line (its presence is what
    the checks need)."""
    lines = [
        _USER_LINE.sub(lambda m: m.group(1) + REDACTED + m.group(3), line)
        for line in text.splitlines()
    ]
    return redact_text("\n".join(lines) + "\n")


def redact_vmx(text: str) -> str:
    """A `.vmx`: console passwords, the VNC key, the key safe and encrypted data of an encrypted
    VM, every `guestinfo.*` value and any other secret-named key. Lines are read as VMware reads
    them (hvaudit.parse.vmx.VMX_LINE and VMX_LINE_END, from its dictll.c and vmstdio.c): a value
    may be unquoted, and only "\\r\\n", "\\n" and "\\r" end a line, so a value holding U+2028
    or a form feed is one value, redacted whole (V14-4)."""
    from hvaudit.parse.vmx import VMX_LINE, VMX_LINE_END

    out = []
    pieces = VMX_LINE_END.split(text)
    ends = [*VMX_LINE_END.findall(text), ""]
    for body, end in zip(pieces, ends, strict=True):
        m = VMX_LINE.fullmatch(body.split("\x00", 1)[0])
        if m is not None and VMX_NAMES(m[1]):
            # the value's span, with its quotes where it has them
            quoted = m.group(2) is not None
            value = m[2] if quoted else m[3]
            start, end_at = (m.start(2) - 1, m.end(2) + 1) if quoted else (m.start(3), m.end(3))
            if value and value != REDACTED:
                body = f'{body[:start]}"{REDACTED}"{body[end_at:]}'
        out.append(body + end)
    return redact_text("".join(out))


# Syslog configurations --------------------------------------------------------------------------

_VALUE = r"""("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;)\]"']+)"""
_SYSLOG_PARAM = re.compile(r"(?<![A-Za-z0-9_.\-])([A-Za-z][A-Za-z0-9_.\-]*)(\s*=\s*)" + _VALUE)
_SYSLOG_NG_OPT = re.compile(r"(?<![A-Za-z0-9_.\-])([A-Za-z][A-Za-z0-9_\-]*)(\s*\(\s*)" + _VALUE)
_QUOTED_PAIR = re.compile(r'("([A-Za-z0-9_.\-]+)"\s+)("(?:[^"\\]|\\.)*")')
# Legacy rsyslog database actions: `:ommysql:server,db,user,password[;template]` (also ompgsql).
_LEGACY_DB = re.compile(r"(:om(?:mysql|pgsql|libdbi|oracle)?:[^,\s]*,[^,\s]*,[^,\s]*,)([^;\s]*)")
_LEGACY_DIRECTIVE = re.compile(r"^(\s*\$[A-Za-z]*(?:Password|Pwd|Pass)\s+)(\S+)", re.I)
_GREP_H = re.compile(r"^(/[^:\n]*:)(.*)$")


def _quoted(value: str) -> str:
    return f"{value[0]}{REDACTED}{value[0]}" if value[:1] in "\"'" else REDACTED


def _syslog_line(line: str) -> str:
    line = _SYSLOG_PARAM.sub(
        lambda m: (
            f"{m.group(1)}{m.group(2)}{_quoted(m.group(3))}"
            if SYSLOG_NAMES(m.group(1))
            else m.group(0)
        ),
        line,
    )
    line = _SYSLOG_NG_OPT.sub(
        lambda m: (
            f"{m.group(1)}{m.group(2)}{_quoted(m.group(3))}"
            if SYSLOG_NAMES(m.group(1))
            else m.group(0)
        ),
        line,
    )
    line = _QUOTED_PAIR.sub(
        lambda m: f"{m.group(1)}{_quoted(m.group(3))}" if SYSLOG_NAMES(m.group(2)) else m.group(0),
        line,
    )
    line = _LEGACY_DB.sub(lambda m: m.group(1) + REDACTED if m.group(2) else m.group(0), line)
    line = _LEGACY_DIRECTIVE.sub(lambda m: m.group(1) + REDACTED, line)
    return _conf_line(line, SYSLOG_NAMES)


def redact_syslog(text: str) -> str:
    """rsyslog and syslog-ng configuration as `grep -r -H '' DIR` prints it (`file:line`): the
    prefix is set aside, so a `password = X` line is recognised as one."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        m = _GREP_H.match(body)
        prefix, rest = (m.group(1), m.group(2)) if m else ("", body)
        out.append(prefix + _syslog_line(rest) + line[len(body) :])
    return redact_text("".join(out))


# XML --------------------------------------------------------------------------------------------

# Attributes whose whole value is a secret: console passwords (<graphics passwd=>), and the
# secret value some elements accept inline.
_XML_ATTR = re.compile(r"""(\s(?:passwd|password|secret|key)\s*=\s*)(['"])(.*?)\2""", re.S)
# Elements whose text is a secret: passphrases, inline secrets, https/ftp cookies
# (<source><cookies><cookie name=...>VALUE</cookie>), fw_cfg blobs (<sysinfo type='fwcfg'>).
_XML_ELEM = re.compile(r"(<(passphrase|secret|password|cookie)(?:\s[^>]*)?>)([^<]*)(</\2>)", re.S)
_FWCFG = re.compile(r"(<sysinfo\s[^>]*type=(['\"])fwcfg\2[^>]*>)(.*?)(</sysinfo>)", re.S)
_FWCFG_ENTRY = re.compile(r"(<entry\b[^>]*>)([^<]+)(</entry>)")
_XML_QUERY = re.compile(r"""(\squery\s*=\s*)(['"])(.*?)\2""", re.S)
_QEMU_ARG = re.compile(r"""(<[A-Za-z0-9_]+:arg\s+value\s*=\s*)(['"])(.*?)\2""", re.S)
_QEMU_ENV = re.compile(r"""(<[A-Za-z0-9_]+:env\b[^>]*?\svalue\s*=\s*)(['"])(.*?)\2""", re.S)
_QEMU_PROPERTY = re.compile(r"<[A-Za-z0-9_]+:property\b[^>]*>", re.S)
_XML_HINTS = (
    "passw",
    "secret",
    "passphrase",
    "key",
    "cookie",
    ":arg",
    ":env",
    ":property",
    "fwcfg",
    "query",
)


def _blank_attr(m: re.Match[str]) -> str:
    if m.group(3) in ("", REDACTED):
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}{REDACTED}{m.group(2)}"


def _qemu_property(m: re.Match[str]) -> str:
    tag = m.group(0)
    name = re.search(r"""\sname\s*=\s*(['"])(.*?)\1""", tag)
    if name is None or not QEMU_NAMES(name.group(2)):
        return tag
    return re.sub(r"""(\svalue\s*=\s*)(['"])(.*?)\2""", _blank_attr, tag)


def _fw_cfg_entry(m: re.Match[str]) -> str:
    name = re.search(r"""\sname\s*=\s*(['"])(.*?)\1""", m.group(1))
    if name is not None and public_fw_cfg(html.unescape(name.group(2)), m.group(2)):
        return m.group(0)
    return f"{m.group(1)}{REDACTED}{m.group(3)}"


def redact_xml(text: str) -> str:
    """libvirt XML (domains, networks, pools): console passwords, inline secrets and passphrases,
    disk cookies, `?token=` in source names and `query=`, fw_cfg blobs, every `<qemu:env>` value,
    and the secret properties of `<qemu:arg>` (read in order: `-object` then `secret,data=X`)."""
    lowered = text.lower()
    if any(h in lowered for h in _XML_HINTS):
        text = _XML_ATTR.sub(_blank_attr, text)
        text = _XML_ELEM.sub(
            lambda m: (
                m.group(0)
                if m.group(3).strip() in ("", REDACTED)
                else f"{m.group(1)}{REDACTED}{m.group(4)}"
            ),
            text,
        )
        if "fwcfg" in text:
            text = _FWCFG.sub(
                lambda m: m.group(1) + _FWCFG_ENTRY.sub(_fw_cfg_entry, m.group(3)) + m.group(4),
                text,
            )
        if "query" in text:
            text = _XML_QUERY.sub(
                lambda m: (
                    f"{m.group(1)}{m.group(2)}"
                    + _QUERY.sub(_query, "?" + m.group(3))[1:]
                    + m.group(2)
                ),
                text,
            )
        if ":arg" in text or ":env" in text or ":property" in text:
            text = _redact_qemu_xml(text)
    return redact_text(text)


_ENTITY = {"'": "&apos;", '"': "&quot;"}


def _redact_qemu_xml(text: str) -> str:
    option = ""

    def arg(m: re.Match[str]) -> str:
        nonlocal option
        value = html.unescape(m.group(3))  # `{&quot;data&quot;:...}` is QEMU's JSON syntax
        new = _qemu_arg(value, option)
        option = value if value.startswith("-") else ""
        if new == value:
            return m.group(0)
        escaped = (
            new.replace("&", "&amp;").replace("<", "&lt;").replace(m.group(2), _ENTITY[m.group(2)])
        )
        return f"{m.group(1)}{m.group(2)}{escaped}{m.group(2)}"

    text = _QEMU_ARG.sub(arg, text)
    text = _QEMU_ENV.sub(_blank_attr, text)
    return _QEMU_PROPERTY.sub(_qemu_property, text)


# doas.conf --------------------------------------------------------------------------------------

_DOAS_SETENV = re.compile(r"setenv\s*\{([^}]*)\}")
_DOAS_ASSIGNMENT = re.compile(r'([A-Za-z_][A-Za-z0-9_]*=)("[^"]*"|[^\s}]+)')


def redact_doas_conf(text: str) -> str:
    """/etc/doas.conf: every value a rule's `setenv { VAR=value }` sets (doas.conf(5): "Keep or
    set the space-separated specified variables"), whatever the variable's name; the rules'
    identities, targets and commands stay."""

    def block(m: re.Match[str]) -> str:
        inner = _DOAS_ASSIGNMENT.sub(lambda a: a.group(1) + REDACTED, m.group(1))
        return m.group(0).replace(m.group(1), inner, 1)

    return redact_text(_DOAS_SETENV.sub(block, text))


def redact_gshadow(text: str, keep: tuple[str, ...] = ()) -> str:
    """/etc/gshadow (gshadow(5) `name:password:administrators:members`): each password becomes
    REDACTED, kept empty where empty and `!` where it starts with `!` or `*` (locked: no crypt(3)
    result equals it), so whether newgrp asks non-members for one stays readable. Values in
    `keep` stay as they are."""

    def line(raw: str) -> str:
        parts = raw.split(":")
        if len(parts) < 2 or parts[1] in keep:
            return raw
        secret = parts[1]
        parts[1] = "" if not secret else "!" if secret.startswith(("!", "*")) else REDACTED
        return ":".join(parts)

    return "\n".join(line(raw) for raw in text.split("\n"))


def redact_group(text: str) -> str:
    """/etc/group (group(5) `group_name:password:GID:user_list`): its password field as
    gshadow's (redact_gshadow), `x` ("the password is stored in /etc/gshadow") kept; newgrp uses
    a password written here for a group gshadow has no entry for (R24E-1)."""
    return redact_text(redact_gshadow(text, keep=("x",)))


def redact_passwd(text: str) -> str:
    """/etc/passwd (passwd(5) `name:password:UID:GID:GECOS:directory:shell`): its password field
    as /etc/group's (redact_group). `x` says the hash is in /etc/shadow, which is not collected;
    a host without shadow passwords keeps the hash here, and it stays out of the bundle."""
    return redact_group(text)


# JSON -------------------------------------------------------------------------------------------


def redact_json(text: str) -> str:
    """JSON text (API answers): string values of secret-named keys, without re-serialising."""
    if '"' in text:
        text = _JSON_PAIR.sub(_json_pair(JSON_NAMES), text)
    return redact_text(text)


# Which artefact is which format -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArtefactFormat:
    """Artefacts whose bundle path matches `pattern` (fnmatch: `*` crosses `/`) are `redact`ed."""

    pattern: str
    redact: Callable[[str], str]


ARTEFACT_FORMATS: tuple[ArtefactFormat, ...] = (
    ArtefactFormat("libvirt/*.xml", redact_xml),
    ArtefactFormat("host/commands/processes.txt", redact_process_list),
    ArtefactFormat("host/commands/rsyslog-config.txt", redact_syslog),
    ArtefactFormat("host/commands/syslog-ng-config.txt", redact_syslog),
    ArtefactFormat("host/files/etc/sssd/sssd.conf", redact_conf),
    ArtefactFormat(
        "host/files/etc/duo/pam_duo.conf", functools.partial(redact_conf, names=DUO_NAMES)
    ),
    ArtefactFormat("host/commands/sssd-conf-d.txt", redact_grep_conf),
    ArtefactFormat("host/files/etc/systemd/journal-upload.conf", redact_conf),
    ArtefactFormat("host/files/run/systemd/journal-upload.conf", redact_conf),
    ArtefactFormat("host/files/usr/local/lib/systemd/journal-upload.conf", redact_conf),
    ArtefactFormat("host/files/usr/lib/systemd/journal-upload.conf", redact_conf),
    ArtefactFormat("host/files/etc/libvirt/*.conf", redact_conf),
    ArtefactFormat("host/files/etc/sasl2/*.conf", functools.partial(redact_conf, names=SASL_NAMES)),
    ArtefactFormat("host/files/etc/rsyslog.conf", redact_syslog),
    ArtefactFormat("host/files/etc/doas.conf", redact_doas_conf),
    ArtefactFormat("host/files/etc/gshadow", redact_gshadow),
    ArtefactFormat("host/files/etc/group", redact_group),
    ArtefactFormat("host/files/etc/passwd", redact_passwd),
    ArtefactFormat("pve/*/user.cfg", redact_user_cfg),
    ArtefactFormat("pve/*/qemu-server/*.conf", redact_pve_vm_conf),
    ArtefactFormat("pve/*/lxc/*.conf", redact_pve_ct_conf),
    ArtefactFormat("pve/*/storage.cfg", redact_conf),
    ArtefactFormat("pve/*/datacenter.cfg", redact_conf),
    ArtefactFormat("pve/*/domains.cfg", redact_domains_cfg),
    ArtefactFormat("pve/*/corosync.conf", redact_conf),
    ArtefactFormat("pve/*/default/pveproxy", redact_conf),
    ArtefactFormat("pve/*/network/interfaces", redact_conf),
    ArtefactFormat("pve/files/etc/network/*", redact_conf),
    ArtefactFormat("vmware/vmx/*", redact_vmx),
    ArtefactFormat("*.json", redact_json),
    ArtefactFormat("*", redact_text),
)


def format_of(path: str) -> Callable[[str], str]:
    """The redactor of the artefact at bundle path `path`."""
    for fmt in ARTEFACT_FORMATS:
        if fnmatch.fnmatchcase(path, fmt.pattern):
            return fmt.redact
    return redact_text


def redact_artefact(path: str, data: bytes) -> bytes:
    """An artefact's bytes with its format's secrets blanked (bytes that are not UTF-8 are kept
    as they were)."""
    text = data.decode("utf-8", errors="surrogateescape")
    new = format_of(path)(text)
    return data if new == text else new.encode("utf-8", errors="surrogateescape")
