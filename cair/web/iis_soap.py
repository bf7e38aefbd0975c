"""SOAP 1.2 for the CDC standard IIS service (``urn:cdc:iisb:2011``): read a request envelope into
one of its two operations, write the answer or a fault, and serve the WSDL.

The envelope is untrusted: lxml reads it with DTDs, entities and the network off, and a body over
the limit is refused before parsing. What a request carries (credentials, the HL7 message) is
kept out of ``repr`` so it cannot reach a log by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from xml.sax.saxutils import escape

from lxml import etree

from cair.domain.vxu_rules import MAX_MESSAGE_CHARS

SOAP = "http://www.w3.org/2003/05/soap-envelope"
IIS = "urn:cdc:iisb:2011"
MAX_ENVELOPE_BYTES = 1_000_000
CONTENT_TYPE = "application/soap+xml; charset=utf-8"


@dataclass(frozen=True)
class ConnectivityTest:
    echo_back: str


@dataclass(frozen=True)
class SubmitSingleMessage:
    username: str
    password: str = field(repr=False)
    facility_id: str
    hl7_message: str = field(repr=False)


class FaultKind(StrEnum):
    """The WSDL's fault elements."""

    UNKNOWN = "fault"
    SECURITY = "SecurityFault"
    TOO_LARGE = "MessageTooLargeFault"
    UNSUPPORTED = "UnsupportedOperationFault"


class SoapFault(Exception):
    """A request answered with a SOAP fault: ``sender`` faults are the caller's to fix."""

    def __init__(
        self,
        kind: FaultKind,
        reason: str,
        *,
        code: int,
        sender: bool = True,
        size: int | None = None,
        max_size: int = MAX_ENVELOPE_BYTES,
    ) -> None:
        super().__init__(reason)
        self.kind, self.reason, self.code, self.sender, self.size = kind, reason, code, sender, size
        self.max_size = max_size


_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_pis=True,
    remove_comments=True,  # "sec<!---->ret" is one value, read whole
)
_ILLEGAL_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def read(body: bytes) -> ConnectivityTest | SubmitSingleMessage:
    """The operation a request envelope asks for, or a SoapFault saying what is wrong."""
    if len(body) > MAX_ENVELOPE_BYTES:
        raise envelope_too_large(len(body))
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        raise SoapFault(
            FaultKind.UNKNOWN, "the request is not a SOAP 1.2 envelope", code=400
        ) from None
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise SoapFault(FaultKind.UNKNOWN, "a document type declaration is not allowed", code=400)
    if root.tag != f"{{{SOAP}}}Envelope":
        raise SoapFault(FaultKind.UNKNOWN, "the request is not a SOAP 1.2 envelope", code=400)
    soap_body = root.find(f"{{{SOAP}}}Body")
    operation = next(iter(soap_body), None) if soap_body is not None else None
    if operation is None or not isinstance(operation.tag, str):
        raise SoapFault(FaultKind.UNKNOWN, "the SOAP body names no operation", code=400)
    if operation.tag == f"{{{IIS}}}connectivityTest":
        return ConnectivityTest(echo_back=_child(operation, "echoBack"))
    if operation.tag == f"{{{IIS}}}submitSingleMessage":
        message = _child(operation, "hl7Message")
        if len(message) > MAX_MESSAGE_CHARS:
            raise SoapFault(
                FaultKind.TOO_LARGE,
                f"the HL7 message is longer than {MAX_MESSAGE_CHARS} characters",
                code=413,
                size=len(message),
                max_size=MAX_MESSAGE_CHARS,
            )
        for name in ("username", "password", "facilityID", "hl7Message"):
            if operation.find(f"{{{IIS}}}{name}") is None:
                raise SoapFault(
                    FaultKind.UNKNOWN,
                    f"submitSingleMessage: the element {name} is missing",
                    code=400,
                )
        return SubmitSingleMessage(
            username=_child(operation, "username"),
            password=_child(operation, "password"),
            facility_id=_child(operation, "facilityID"),
            hl7_message=message,
        )
    raise SoapFault(
        FaultKind.UNSUPPORTED,
        "this service answers connectivityTest and submitSingleMessage",
        code=501,
    )


def envelope_too_large(size: int) -> SoapFault:
    """The fault of a request over the envelope limit (``size``: as much as is known of it)."""
    return SoapFault(
        FaultKind.TOO_LARGE,
        f"the request is larger than {MAX_ENVELOPE_BYTES} bytes",
        code=413,
        size=size,
    )


def _child(operation: etree._Element, name: str) -> str:
    found = operation.find(f"{{{IIS}}}{name}")
    return "".join(str(part) for part in found.itertext()) if found is not None else ""


def answer(operation: str, value: str) -> bytes:
    """The response envelope of ``operation`` carrying ``value`` as its ``return``. Carriage
    returns (HL7's segment separator) are written as character references: a parser would
    otherwise turn them into line feeds."""
    text = escape(_ILLEGAL_IN_XML.sub("", value), {"\r": "&#13;"})
    return _envelope(
        f'<{operation}Response xmlns="{IIS}"><return>{text}</return></{operation}Response>'
    )


def fault(error: SoapFault) -> bytes:
    """A SOAP 1.2 fault whose detail is the WSDL's fault element for ``error.kind``."""
    side = "Sender" if error.sender else "Receiver"
    sizes = ""
    if error.kind == FaultKind.TOO_LARGE and error.size is not None:
        sizes = f"<Size>{error.size}</Size><MaxSize>{error.max_size}</MaxSize>"
    reason = escape(error.reason)
    return _envelope(
        f"<soap:Fault><soap:Code><soap:Value>soap:{side}</soap:Value></soap:Code>"
        f'<soap:Reason><soap:Text xml:lang="en">{reason}</soap:Text></soap:Reason>'
        f'<soap:Detail><{error.kind.value} xmlns="{IIS}"><Code>{error.code}</Code>'
        f"<Reason>{reason}</Reason>{sizes}</{error.kind.value}></soap:Detail></soap:Fault>"
    )


def request(operation: str, values: dict[str, str]) -> bytes:
    """A request envelope, as an EHR's SOAP stack writes it (``cair dx send`` is one)."""
    parts = "".join(
        f"<{name}>{escape(_ILLEGAL_IN_XML.sub('', value), {chr(13): '&#13;'})}</{name}>"
        for name, value in values.items()
    )
    return _envelope(f'<{operation} xmlns="{IIS}">{parts}</{operation}>')


def read_answer(body: bytes) -> str:
    """The ``return`` of a response envelope, or a SoapFault with the fault's reason."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        raise SoapFault(FaultKind.UNKNOWN, "the answer is not XML", code=502) from None
    reason = root.find(f".//{{{SOAP}}}Reason/{{{SOAP}}}Text")
    if reason is not None:
        raise SoapFault(FaultKind.UNKNOWN, reason.text or "a fault", code=400)
    found = root.find(f".//{{{IIS}}}return")
    if found is None:
        raise SoapFault(FaultKind.UNKNOWN, "the answer carries no return", code=502)
    return "".join(str(part) for part in found.itertext())


def _envelope(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP}">'
        f"<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


@cache
def _wsdl_template() -> str:
    return resources.files("cair.web").joinpath("iis_service.wsdl").read_text()


def wsdl(location: str) -> str:
    """The service description with this endpoint's address."""
    return _wsdl_template().replace("{location}", escape(location, {'"': "&quot;"}))
