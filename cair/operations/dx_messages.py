"""A message at the data-exchange endpoint: the caller's credentials for this environment, the
VXU held to CAIR's rules for the site's role, the outcome recorded (never the message) and the
site's onboarding nudged; the answer is CAIR's ACK. A QBP query (a bidirectional site's) is
held to the query rules and answered with an RSP: on staging from the synthetic test patients,
on production with the words that this service keeps no immunization records.

Staging messages are checked and counted for the test plan; production messages are accepted,
acknowledged and counted. A control id (MSH-10) the site sent before to the same environment is
answered with the first ACK, written again from what was recorded, and not counted twice. No
immunization record is kept from either: this service holds no immunization store."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cair.domain import qbp_answers, qbp_rules
from cair.domain.contracts.data_exchange import DxEnvironment, DxStage
from cair.domain.hl7_ack import ack
from cair.domain.vxu_findings import AckCode, Finding, answered_as
from cair.domain.vxu_rules import Sender, SiteRole, Verdict, check, region_code
from cair.operations.context import Context
from cair.operations.dx_nudges import nudge
from cair.operations.rate_limits import Limit, count, refuse_if_reached
from cair.security.secret_hashing import hash_secret, verify_secret
from cair.security.sign_on_cache import Presented, SignOnCache
from cair.store import credentials, dx_sites, facility_consents
from cair.store.models import DxMessageRow, DxSiteRow, as_utc
from cair.telemetry.metrics import count_soap_message

log = logging.getLogger("cair.dx")

# Failed sign-ons before the endpoint stops checking a caller's passwords a while: per client
# address and username, so sites behind one vendor hub or NAT never share a lock-out, and never
# per username alone (usernames are predictable: that would let anyone lock a site out). A
# looser limit per address bounds one address trying many usernames. Secrets are 192 random
# bits: the limits save the CPU, not the secrets.
SIGN_ON_FAILURES = 10
SIGN_ON_FAILURES_PER_ADDRESS = 200
SIGN_ON_WINDOW = timedelta(minutes=15)
# Argon2 takes ~0.15 s of a CPU: run in a thread, a few at once, never on the event loop; past
# this many waiting, a caller is answered at once (busy) instead of queued without bound.
_VERIFYING = asyncio.Semaphore(4)
MAX_WAITING_CHECKS = 32
_waiting = 0
_NO_SUCH_SECRET = hash_secret("no credentials have this secret")  # equal work for a wrong name
_SIGN_ONS = SignOnCache()  # successes against a stored digest, a few minutes (never failures)


class SignOnRefused(Exception):
    """The credentials do not open this environment (the same words for every reason)."""


class Busy(Exception):
    """Too many password checks wait already: answered at once, to be tried again shortly."""


@dataclass(frozen=True)
class Answer:
    ack: str
    verdict: Verdict


async def receive(
    ctx: Context,
    environment: DxEnvironment,
    *,
    username: str,
    password: str,
    facility_id: str,
    hl7_message: str,
    client: str | None = None,
) -> Answer:
    site, sender = await _sign_on(
        ctx,
        environment,
        username=username,
        password=password,
        facility_id=facility_id,
        client=client,
    )
    now = datetime.now(UTC)
    if qbp_rules.is_query(hl7_message):
        return await _query(ctx, site, environment, sender, hl7_message, now)
    verdict = check(hl7_message, sender, now=now)
    first = await _first_or_record(ctx, site, environment, verdict, received_at=now)
    if first is not None:
        answered = as_answered(first)
        return Answer(ack=_ack(answered, sender, as_utc(first.received_at)), verdict=answered)
    await nudge(ctx, site)
    return Answer(ack=_ack(verdict, sender, now), verdict=verdict)


async def _query(
    ctx: Context,
    site: DxSiteRow,
    environment: DxEnvironment,
    sender: Sender,
    text: str,
    now: datetime,
) -> Answer:
    """A query answered afresh every time (it changes nothing, and the test patients do not
    change), recorded once per control id like any message: the plan's query cases come from
    that record."""
    bidirectional = bool((site.registration or {}).get("bidirectional"))
    query = qbp_rules.check(text, sender, bidirectional=bidirectional, now=now)
    answered = qbp_answers.answer(
        query,
        staging=environment == DxEnvironment.STAGING,
        receiving_facility=sender.region_code,
        control_id=_own_control_id(now),
        now=now,
    )
    verdict = answered.verdict
    if await _first_or_record(ctx, site, environment, verdict, received_at=now) is not None:
        return Answer(ack=answered.rsp, verdict=verdict)
    await nudge(ctx, site)
    return Answer(ack=answered.rsp, verdict=verdict)


def as_answered(row: DxMessageRow) -> Verdict:
    """The verdict a recorded message was answered with: a message sent again (same control id,
    site and environment) gets the same ACK, and is neither recorded nor counted again. (A
    query's first kept finding, how it was answered, is no ERR.)"""
    return Verdict(
        code=AckCode(row.ack_code),
        control_id=row.control_id,
        findings=tuple(
            Finding.from_stored(kept)
            for n, kept in enumerate(row.findings)
            if n or not answered_as(row.findings)
        ),
        test_patient=row.test_patient,
    )


async def _sign_on(
    ctx: Context,
    environment: DxEnvironment,
    *,
    username: str,
    password: str,
    facility_id: str,
    client: str | None,
) -> tuple[DxSiteRow, Sender]:
    """The site these credentials open in ``environment``, and who it sends as. A client past
    its limit of failures is refused before its password is checked; every refusal counts
    against it. Known and unknown usernames cost the same reads before the check, and no
    connection is held while Argon2 runs; who the site sends for is read once it has opened
    (a direct site's needs no read)."""
    limits = _failed_sign_ons(client, username)
    async with ctx.db.statements() as session:
        await refuse_if_reached(session, limits)
        found = await credentials.for_sign_on(
            session, username=username, facility_id=facility_id, environment=environment.value
        )
    opened = await _SIGN_ONS.opens(
        Presented(username, password, facility_id, environment.value),
        found[0].secret_hash if found else _NO_SUCH_SECRET,
        _verify,
        ttl=ctx.settings.dx_sign_on_cache_seconds if found else 0,
    )
    if found is None or not opened:
        async with ctx.db.sessions.begin() as session:
            await count(session, limits)
        log.info("dx sign-on refused on %s", environment.value)
        raise SignOnRefused(
            f"the username, password and facility ID are not credentials of the "
            f"{environment.value} environment"
        )
    return found[1], await _sender(ctx, found[1], environment)


def _failed_sign_ons(client: str | None, username: str) -> list[Limit]:
    address = client or "unknown client"
    return [
        Limit(
            kind="dx-sign-on-failures",
            subject=f"{address}|{username.strip().lower()}",
            most=SIGN_ON_FAILURES,
            window=SIGN_ON_WINDOW,
            refusal="too many failed sign-ons for this username from this address",
        ),
        Limit(
            kind="dx-sign-on-failures-address",
            subject=address,
            most=SIGN_ON_FAILURES_PER_ADDRESS,
            window=SIGN_ON_WINDOW,
            refusal="too many failed sign-ons from this address",
        ),
    ]


async def _verify(digest: str, password: str) -> bool:
    """One Argon2 check, a few at a time; refused at once (Busy) when too many wait."""
    global _waiting
    if _waiting >= MAX_WAITING_CHECKS:
        raise Busy("the data-exchange service is busy; send the message again in a moment")
    _waiting += 1
    try:
        async with _VERIFYING:
            return await asyncio.to_thread(verify_secret, digest, password)
    finally:
        _waiting -= 1


async def _first_or_record(
    ctx: Context,
    site: DxSiteRow,
    environment: DxEnvironment,
    verdict: Verdict,
    *,
    received_at: datetime,
) -> DxMessageRow | None:
    """The first outcome of a control id the site sent before (answered again, not counted
    again); else this outcome recorded, for the site's counts and test plan: CAIR's findings,
    never the message. Messages that arrive while another is being committed are committed
    together (a group commit): one commit, not one each, when many sites send at once."""
    findings = [f.stored() for f in verdict.findings]
    first = await ctx.db.grouped(dx_sites.record_messages)(
        DxMessageRow(
            dx_site_id=site.id,
            environment=environment.value,
            control_id=verdict.control_id,
            ack_code=verdict.code.value,
            findings=findings,
            test_patient=verdict.test_patient if environment == DxEnvironment.STAGING else None,
            received_at=received_at,
        )
    )
    if first is not None:
        return first
    count_soap_message(environment.value, verdict.code.value)
    return None


def _ack(verdict: Verdict, sender: Sender, now: datetime) -> str:
    return ack(
        verdict,
        receiving_facility=sender.region_code,
        control_id="ACK" + now.strftime("%Y%m%d%H%M%S%f"),
        now=now,
    )


def _own_control_id(now: datetime) -> str:
    return "RSP" + now.strftime("%Y%m%d%H%M%S%f")


async def _sender(ctx: Context, site: DxSiteRow, environment: DxEnvironment) -> Sender:
    """Who the site sends as: a Sending Facility's clients and a client's facility consent are
    read from the store; a direct site's needs no read."""
    role = SiteRole(site.role)
    clients: frozenset[str] = frozenset()
    if role == SiteRole.SENDING_FACILITY and site.site_id:
        # In production, only for clients that staff approved for production themselves.
        approved = (
            (DxStage.PRODUCTION_CREDENTIALS_ISSUED.value, DxStage.LIVE.value)
            if environment == DxEnvironment.PRODUCTION
            else None
        )
        async with ctx.db.statements() as session:
            clients = frozenset(await dx_sites.client_sites(session, site.site_id, stages=approved))
    consented = True
    if role == SiteRole.THROUGH_SENDING_FACILITY:  # another organization's facility consents
        async with ctx.db.statements() as session:
            state = await facility_consents.state_of(session, site)
        consented = state in (None, facility_consents.ConsentState.ACCEPTED)
    return Sender(
        role=role,
        site_id=site.site_id or "",
        region_code=region_code(site.region),
        sending_facility_id=site.sending_facility_id,
        client_sites=clients,
        facility_consented=consented,
    )
