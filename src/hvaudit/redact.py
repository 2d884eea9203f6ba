"""Remove secrets from artefacts before they are written to a bundle.

Bundles and reports travel (to auditors, into tickets, into CI logs), so secrets never enter them:
console passwords, keys, tokens and credentials are replaced by `REDACTED` at collection. What a
check needs to know (that a password *is set*) survives; the value does not.
"""

from __future__ import annotations

import re

__all__ = ["REDACTED", "redact_conf", "redact_process_list", "redact_xml"]

REDACTED = "***REDACTED***"

# Attributes that carry secrets in libvirt XML: console passwords (graphics passwd), and the
# secret value elements some drivers accept inline.
_XML_ATTR = re.compile(r"""(\s(?:passwd|password|secret|key)\s*=\s*)(['"])(.*?)\2""", re.S)
_XML_ELEM = re.compile(r"(<(?:passphrase|secret|password)>)(.*?)(</)", re.S)

# Keys of key=value configuration files whose values are secrets. A key naming a file, a
# directory, a uuid or a list of usernames is not a secret.
_SECRET_KEY = re.compile(r"(passw|secret|authtok|token|psk|credential|private_key|api_key)", re.I)
_NOT_SECRET = re.compile(r"(_uuid|_file|_dir|_path|_list|_verify|_tls|_sasl)$", re.I)
_CONF_LINE = re.compile(r"^(\s*)([A-Za-z0-9_.\-]+)(\s*[=:]\s*)(.+?)\s*$")

_ARG = re.compile(r"\b(password|passwd|secret|data|key|token|iv)=([^,\s]+)", re.I)


_XML_HINTS = ("passw", "secret", "passphrase", "key=", "key =")


def redact_xml(text: str) -> str:
    """Blank secret attribute and element values in an XML document, keeping its structure."""
    lowered = text.lower()
    if not any(h in lowered for h in _XML_HINTS):
        return text  # nothing secret-shaped: skip the regular expressions (thousands of domains)
    text = _XML_ATTR.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}{m.group(2)}", text)
    return _XML_ELEM.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3)}", text)


def redact_conf(text: str) -> str:
    """Blank the values of secret-looking keys in a key = value configuration file."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        m = _CONF_LINE.match(body)
        if (
            m
            and not body.lstrip().startswith("#")
            and _SECRET_KEY.search(m.group(2))
            and not _NOT_SECRET.search(m.group(2))
        ):
            value = m.group(4)
            quote = value[0] if value[:1] in "\"'" else ""
            line = (
                f"{m.group(1)}{m.group(2)}{m.group(3)}{quote}{REDACTED}{quote}" + line[len(body) :]
            )
        out.append(line)
    return "".join(out)


def redact_process_list(text: str) -> str:
    """Blank secret-looking `name=value` arguments in a process listing (QEMU -object secret, ...)."""
    return _ARG.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
