"""The SOAP layer of the CDC IIS service against a real SOAP client: zeep reads the served WSDL,
writes both operations' requests, and reads the answers and faults; hostile envelopes (entities,
DTDs, size, unknown operations) are refused as faults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from zeep import Client
from zeep.exceptions import Fault

from cair.web.iis_soap import (
    MAX_ENVELOPE_BYTES,
    ConnectivityTest,
    FaultKind,
    SoapFault,
    SubmitSingleMessage,
    answer,
    fault,
    read,
    wsdl,
)

LOCATION = "http://cair.test/iis/staging"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Client:
    path: Path = tmp_path_factory.mktemp("wsdl") / "iis.wsdl"
    path.write_text(wsdl(LOCATION))
    return Client(str(path))  # type: ignore[no-untyped-call]


@dataclass
class Reply:
    """What zeep's binding reads from an HTTP answer."""

    content: bytes
    status_code: int = 200
    encoding: str = "utf-8"

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Type": "application/soap+xml; charset=utf-8"}


def request(client: Client, operation: str, **values: str) -> bytes:
    envelope = client.create_message(client.service, operation, **values)  # type: ignore[no-untyped-call]
    return etree.tostring(envelope)


def reply(client: Client, operation: str, content: bytes, status: int = 200) -> object:
    binding = client.service._binding
    return binding.process_reply(client, binding.get(operation), Reply(content, status))


def test_the_wsdl_names_this_endpoint_and_both_operations(client: Client) -> None:
    service = client.wsdl.services["client_Service"]
    port = service.ports["client_Port_Soap12"]
    assert port.binding_options["address"] == LOCATION
    assert set(port.binding._operations) == {"connectivityTest", "submitSingleMessage"}


def test_requests_written_by_zeep_are_read(client: Client) -> None:
    assert read(request(client, "connectivityTest", echoBack="ping")) == ConnectivityTest("ping")
    submitted = read(
        request(
            client,
            "submitSingleMessage",
            username="u1",
            password="s3cret",
            facilityID="S100234",
            hl7Message="MSH|^~\\&|X\rPID|1",
        )
    )
    assert submitted == SubmitSingleMessage("u1", "s3cret", "S100234", "MSH|^~\\&|X\rPID|1")
    assert "s3cret" not in repr(submitted) and "MSH" not in repr(submitted)


def test_answers_and_faults_are_read_by_zeep(client: Client) -> None:
    ack = "MSH|^~\\&|CAIR|CAIRBA\rMSA|AA|1\r"
    assert reply(client, "submitSingleMessage", answer("submitSingleMessage", ack)) == ack
    assert reply(client, "connectivityTest", answer("connectivityTest", "ping")) == "ping"
    refused = SoapFault(FaultKind.SECURITY, "username or password not valid", code=401)
    with pytest.raises(Fault) as raised:
        reply(client, "submitSingleMessage", fault(refused), status=500)
    assert raised.value.message == "username or password not valid"
    assert raised.value.code.endswith("Sender")


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"not xml", FaultKind.UNKNOWN),
        (b"<a/>", FaultKind.UNKNOWN),
        (b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x "y">]><e>&x;</e>', FaultKind.UNKNOWN),
        (
            b'<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>'
            b'<other xmlns="urn:x"/></soap:Body></soap:Envelope>',
            FaultKind.UNSUPPORTED,
        ),
        (
            b'<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body/>'
            b"</soap:Envelope>",
            FaultKind.UNKNOWN,
        ),
        (b"<x>" + b"a" * MAX_ENVELOPE_BYTES + b"</x>", FaultKind.TOO_LARGE),
    ],
)
def test_hostile_envelopes_are_faults(body: bytes, kind: FaultKind) -> None:
    with pytest.raises(SoapFault) as raised:
        read(body)
    assert raised.value.kind == kind
    etree.fromstring(fault(raised.value))  # the fault itself is well formed


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>'
        '<connectivityTest xmlns="urn:cdc:iisb:2011"><echoBack>&x;</echoBack></connectivityTest>'
        "</soap:Body></soap:Envelope>"
    ).encode()
    with pytest.raises(SoapFault):
        read(body)


def test_a_value_split_by_a_comment_is_read_whole_and_a_huge_message_is_a_fault() -> None:
    def envelope(password: str, message: str) -> bytes:
        return (
            '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>'
            '<submitSingleMessage xmlns="urn:cdc:iisb:2011"><username>u</username>'
            f"<password>{password}</password><facilityID>S1</facilityID>"
            f"<hl7Message>{message}</hl7Message></submitSingleMessage></soap:Body></soap:Envelope>"
        ).encode()

    read_back = read(envelope("sec<!---->ret", "MSH"))
    assert isinstance(read_back, SubmitSingleMessage) and read_back.password == "secret"
    with pytest.raises(SoapFault) as raised:
        read(envelope("p", "M" * 200_001))
    assert raised.value.kind == FaultKind.TOO_LARGE
    detail = fault(raised.value).decode()
    assert "<Size>200001</Size><MaxSize>200000</MaxSize>" in detail  # the limit that was broken
    without = envelope("p", "MSH").replace(b"<hl7Message>MSH</hl7Message>", b"")
    with pytest.raises(SoapFault, match="the element hl7Message is missing"):
        read(without)


def test_answers_stay_well_formed_and_the_wsdl_takes_any_host() -> None:
    etree.fromstring(answer("submitSingleMessage", "MSA|AA|1\x0b\x1c\r"))
    etree.fromstring(wsdl("https://xn--caf-dma.example/iis/staging").encode())
