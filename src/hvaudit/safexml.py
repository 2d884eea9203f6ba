"""Parse XML from scanned hosts as hostile input: no DTD, hence no entities and no external references.

Every XML document hvaudit reads (domain, network, nwfilter, pool, capabilities) comes from a host
that may be compromised, so it goes through here and nowhere else. libvirt never emits a document
type declaration, so any document that carries one (the only place entities can be declared, and
the vehicle of entity-expansion and external-entity attacks) is refused before parsing; the rest
goes to the C-accelerated ElementTree parser, which resolves no external resources and rejects
undeclared entity references. See docs/adr/0003-xml-parsing.md.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError, XMLParser

from hvaudit.errors import InputError

__all__ = ["Element", "parse_xml"]

_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)


def parse_xml(text: str | bytes, what: str) -> Element:
    """Return the root element of `text`, or raise InputError naming `what`."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{what}: not UTF-8 XML") from None
    if "<!" in text and _DTD.search(text):
        raise InputError(f"{what}: refused unsafe XML (document type or entity declaration)")
    parser = XMLParser()  # noqa: S314 - no DTD reaches this parser (checked above, ADR 0003)
    try:
        parser.feed(text)
        return parser.close()
    except ParseError as exc:
        raise InputError(f"{what}: malformed XML ({exc})") from None
