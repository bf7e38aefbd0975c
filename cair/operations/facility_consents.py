"""A Sending Facility's consent to the role 2 sites of other organizations that name it: the
facility organization's representatives list the requests and accept or refuse each; the
client organization's see where theirs stand. Every decision is audited on both organizations.
Until accepted, the facility cannot send for the site and the site's messages naming it are
refused (``dx_messages``, ``vxu_header``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from cair.operations.context import Context
from cair.operations.errors import NotFound
from cair.operations.sessions import Representative
from cair.store import audit, facility_consents
from cair.store.facility_consents import ConsentRequest, ConsentState

WORDS = {
    ConsentState.PENDING: "Waiting for the Sending Facility's organization to accept it",
    ConsentState.ACCEPTED: "Accepted by the Sending Facility's organization",
    ConsentState.REFUSED: "Refused by the Sending Facility's organization",
}


@dataclass(frozen=True)
class ConsentView:
    """One request: the client site, the facility it named, and where the consent stands."""

    client_site_id: str
    client_site_name: str
    client_provider_id: str
    client_organization: str
    facility_site_id: str
    facility_site_name: str
    facility_provider_id: str
    state: str  # pending, accepted or refused
    state_words: str
    requested_at: str
    decided_by: str | None = None
    decided_at: str | None = None


@dataclass(frozen=True)
class Consents:
    """``to_decide``: other organizations' sites naming this organization's Sending Facilities
    (pending first); ``asked``: this organization's sites naming another organization's."""

    to_decide: list[ConsentView] = field(default_factory=list)
    asked: list[ConsentView] = field(default_factory=list)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def view(request: ConsentRequest) -> ConsentView:
    return ConsentView(
        client_site_id=request.client_site_id,
        client_site_name=request.client_site_name,
        client_provider_id=request.client_provider_id,
        client_organization=request.client_organization,
        facility_site_id=request.facility_site_id,
        facility_site_name=request.facility_site_name,
        facility_provider_id=request.facility_provider_id,
        state=request.state.value,
        state_words=WORDS[request.state],
        requested_at=request.requested_at.isoformat(timespec="seconds"),
        decided_by=request.decided_by,
        decided_at=_iso(request.decided_at),
    )


async def of_organization(ctx: Context, provider_id: str) -> Consents:
    async with ctx.db.sessions() as session:
        to_decide = await facility_consents.requests(session, to_provider=provider_id)
        asked = await facility_consents.requests(session, from_provider=provider_id)
    pending_first = sorted(to_decide, key=lambda r: r.state != ConsentState.PENDING)
    return Consents([view(r) for r in pending_first], [_as_asker_sees(r) for r in asked])


def _as_asker_sees(request: ConsentRequest) -> ConsentView:
    """The asking organization learns who decided as an organization, not a person's address
    in another organization."""
    shown = view(request)
    if shown.decided_by is None:
        return shown
    return replace(shown, decided_by=_facility_words(request))


def _facility_words(request: ConsentRequest) -> str:
    return f"the Sending Facility's organization, {request.facility_provider_id}"


async def decide(
    ctx: Context, who: Representative, client_site_id: str, *, accept: bool
) -> ConsentView:
    """Accept or refuse a site's request to ``who``'s organization (again: the new decision
    replaces the old one; the same decision again changes nothing)."""
    wanted = ConsentState.ACCEPTED if accept else ConsentState.REFUSED
    async with ctx.db.sessions.begin() as session:
        found = await facility_consents.requests(
            session, to_provider=who.provider_id, client_site_id=client_site_id
        )
        if not found:
            raise NotFound(
                f"site_id: no site {client_site_id} names a Sending Facility of {who.provider_id}"
            )
        request = found[0]
        if request.state == wanted:
            return view(request)
        decided_at = await facility_consents.decide(
            session, client_site_id, request.facility_site_id, wanted, who.email
        )
        assert decided_at is not None  # the request was just read in this transaction
        for provider_id in (request.facility_provider_id, request.client_provider_id):
            own = provider_id == request.facility_provider_id
            await audit.append(
                session,
                key=f"facility-consent/{client_site_id}/{request.facility_site_id}/"
                f"{decided_at.isoformat()}/{provider_id}",
                actor=who.email if own else _facility_words(request),
                action=f"facility_consent.{wanted.value}",
                subject_type="dx_site",
                subject_id=client_site_id,
                provider_id=provider_id,
                old={"consent": request.state.value},
                new={"consent": wanted.value, "sending_facility_id": request.facility_site_id},
            )
        after = await facility_consents.requests(
            session, to_provider=who.provider_id, client_site_id=client_site_id
        )
    return view(after[0])
