"""The data-exchange endpoint: the CDC standard IIS SOAP 1.2 service at ``/iis/staging`` and
``/iis/production``, each serving its WSDL (``GET …?wsdl``). A caller signs on with the
credentials of that environment in every ``submitSingleMessage``; ``connectivityTest`` needs
none. Faults are SOAP faults, never problem documents: the caller is an EHR's SOAP stack."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from starlette.requests import ClientDisconnect

from cair.domain.code_tables import load_all
from cair.domain.contracts.data_exchange import DxEnvironment
from cair.operations import dx_messages
from cair.operations.errors import NotFound, TooManyRequests
from cair.web.identity import Ctx, client_address
from cair.web.iis_soap import (
    CONTENT_TYPE,
    MAX_ENVELOPE_BYTES,
    ConnectivityTest,
    FaultKind,
    SoapFault,
    answer,
    envelope_too_large,
    fault,
    read,
    wsdl,
)

log = logging.getLogger("cair.iis")
load_all()  # the code tables, read once as the app starts rather than by its first message
PREFIX = "/iis"
router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _environment(name: str) -> DxEnvironment:
    try:
        return DxEnvironment(name)
    except ValueError:
        raise NotFound("the data-exchange endpoints are /iis/staging and /iis/production") from None


@router.get("/{environment}")
async def description(environment: str, ctx: Ctx) -> Response:
    """The WSDL, whatever the query (``?wsdl`` by convention)."""
    env = _environment(environment)
    location = f"{ctx.settings.public_base_url}{PREFIX}/{env.value}"
    return Response(wsdl(location), media_type="text/xml; charset=utf-8")


@router.post("/{environment}")
async def call(environment: str, request: Request, ctx: Ctx) -> Response:
    env = _environment(environment)
    try:
        return await _answer(env, request, ctx)
    except SoapFault as error:
        return _soap(fault(error), status=400 if error.sender else 500)
    except ClientDisconnect:  # the caller left before sending its whole request
        log.info("a data-exchange caller left mid-request")
        return Response(status_code=400)
    except Exception as error:  # an EHR's SOAP stack reads faults, not problem documents
        # The kind only: a traceback could quote what the message carried.
        log.error("the data-exchange endpoint failed: %s", type(error).__name__)
        failed = SoapFault(
            FaultKind.UNKNOWN,
            "CAIR could not answer now; send the message again later",
            code=500,
            sender=False,
        )
        return _soap(fault(failed), status=500)


async def _answer(env: DxEnvironment, request: Request, ctx: Ctx) -> Response:
    """The operation the envelope asks for, answered; faults raised as SoapFault."""
    operation = read(await _body(request))
    if isinstance(operation, ConnectivityTest):
        return _soap(answer("connectivityTest", operation.echo_back))
    try:
        answered = await dx_messages.receive(
            ctx,
            env,
            username=operation.username,
            password=operation.password,
            facility_id=operation.facility_id,
            hl7_message=operation.hl7_message,
            client=client_address(request),
        )
    except dx_messages.SignOnRefused as refused:
        raise SoapFault(FaultKind.SECURITY, str(refused), code=401) from None
    except TooManyRequests as limited:
        raise SoapFault(FaultKind.SECURITY, str(limited), code=429) from None
    except dx_messages.Busy as busy:
        raise SoapFault(FaultKind.UNKNOWN, str(busy), code=503) from None
    return _soap(answer("submitSingleMessage", answered.ack))


async def _body(request: Request) -> bytes:
    """The request body, refused as soon as it outgrows the envelope limit (at once when its
    declared length does)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_ENVELOPE_BYTES:
        raise envelope_too_large(int(declared))
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > MAX_ENVELOPE_BYTES:
            raise envelope_too_large(len(received))
    return bytes(received)


def _soap(content: bytes, *, status: int = 200) -> Response:
    return Response(content, status_code=status, media_type=CONTENT_TYPE)
