"""A site's EHR on the CDC SOAP service: zeep on the WSDL the stack serves, and the ACK's
MSA-1. Shared by the IZ Portal's end-to-end tests."""

from __future__ import annotations

import asyncio
from typing import Any

from zeep import Client

BINDING = "{urn:cdc:iisb:2011}client_Binding_Soap12"
PATIENTS = ("CAIRTEST001", "CAIRTEST002", "CAIRTEST003")


def soap(api_url: str, environment: str) -> Any:
    """zeep on the WSDL the stack serves, bound to the stack's address."""
    url = f"{api_url}/iis/{environment}"
    client = Client(f"{url}?wsdl")  # type: ignore[no-untyped-call]
    return client.create_service(BINDING, url)  # type: ignore[no-untyped-call]


async def submit(service: Any, username: str, password: str, facility: str, message: str) -> str:
    """submitSingleMessage as an EHR calls it; the ACK."""
    return str(
        await asyncio.to_thread(
            service.submitSingleMessage,
            username=username,
            password=password,
            facilityID=facility,
            hl7Message=message,
        )
    )


def msa(acknowledgement: str) -> str:
    return acknowledgement.split("MSA|", 1)[1][:2]
