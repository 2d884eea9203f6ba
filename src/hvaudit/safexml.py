"""Parse XML from scanned hosts as hostile input: no DTDs, no entities, no external references.

Every XML document hvaudit reads (domain, network, nwfilter, pool, capabilities) comes from a host
that may be compromised, so it goes through here and nowhere else.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from hvaudit.errors import InputError

__all__ = ["Element", "parse_xml"]


def parse_xml(text: str | bytes, what: str) -> Element:
    """Return the root element of `text`, or raise InputError naming `what`.

    DTDs are refused outright: libvirt never emits one, so a document carrying one is either
    broken or an attack (entity expansion, external entities).
    """
    try:
        return fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(f"{what}: refused unsafe XML ({type(exc).__name__})") from None
    except ParseError as exc:
        raise InputError(f"{what}: malformed XML ({exc})") from None
