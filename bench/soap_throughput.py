"""VXUs per second through ``/iis/staging`` beside ``connectivityTest`` per second (the floor:
the same SOAP envelope, HTTP and API process, no sign-on, no store), at the same concurrency.

Five sites of one enrolled Data Exchange organization are registered through the operations
layer, as the IZ Portal does; their onboardings issue staging credentials, which are revealed
through the e-mailed links. ``senders`` EHRs then post raw SOAP 1.2 envelopes with httpx to an
API process (``cair serve``), sender n as site n mod 5, each VXU with a control id of its own
(a repeated one would be answered from the first ACK, cheaper). Every answer is checked: a valid
VXU must be answered AA. The VXU phase runs twice: with the sign-on cache (as deployed), and on
a second API process with it off (``CAIR_DX_SIGN_ON_CACHE_SECONDS=0``: Argon2 on every message).

Run by ``python -m bench.side_by_side`` (``--soap-seconds``, ``--soap-senders``); goal in
docs/performance.md: VXUs/s ≥ 0.5 × connectivityTest/s."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx

from cair.devstack.ports import free_port
from cair.operations import credentials, data_exchange, enrollments
from cair.operations.context import Context
from cair.operations.sessions import Representative
from cair.store import organizations, representatives
from cair.web.iis_soap import CONTENT_TYPE, IIS, SOAP

ROOT = Path(__file__).resolve().parents[1]
SITES = 5
_REGISTRATION = ROOT / "examples" / "dx-site-registration.json"
_VXU = (ROOT / "examples" / "vxu-direct-site.hl7").read_bytes().decode()
_EXAMPLE_SITE, _EXAMPLE_CONTROL = "S100234", "MSG-00001"
_IN_XML = {"\r": "&#13;"}  # HL7's segment separator survives XML parsing only as a reference


@dataclass(frozen=True)
class Site:
    site_id: str
    username: str
    secret: str = field(repr=False)


@dataclass
class Phase:
    """One timed run: every call's latency, and the answers that were not what was wanted."""

    label: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def figure(self) -> str:
        ordered = sorted(self.latencies)
        p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
        return (
            f"{self.rate:7.1f}/s  p50 {statistics.median(ordered) * 1000:5.0f} ms  "
            f"p95 {p95 * 1000:5.0f} ms  ({len(ordered)} calls)"
        )


def envelope(operation: str, **values: str) -> bytes:
    """A SOAP 1.2 request as an EHR's stack writes it."""
    parts = "".join(f"<i:{k}>{escape(v, _IN_XML)}</i:{k}>" for k, v in values.items())
    return (
        f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{SOAP}" xmlns:i="{IIS}">'
        f"<s:Body><i:{operation}>{parts}</i:{operation}></s:Body></s:Envelope>"
    ).encode()


def vxu_of(site: Site, control: str) -> bytes:
    """The example VXU (examples/vxu-direct-site.hl7) as ``site`` sends it, numbered ``control``."""
    message = _VXU.replace(_EXAMPLE_SITE, site.site_id).replace(_EXAMPLE_CONTROL, control)
    return envelope(
        "submitSingleMessage",
        username=site.username,
        password=site.secret,
        facilityID=site.site_id,
        hl7Message=message,
    )


def accepted(answer: str) -> bool:
    return "MSA|AA|" in answer


async def registered_sites(ctx: Context, enrollment_id: str, run: str) -> list[Site]:
    """Five sites registered for the enrolled organization, each with its staging credentials
    revealed through the link its onboarding e-mailed."""
    provider_id = (await enrollments.status(ctx, enrollment_id)).provider_id
    assert provider_id is not None, "the Data Exchange organization is not provisioned"
    async with ctx.db.sessions() as session:
        org = await organizations.by_provider_id(session, provider_id)
        assert org is not None
        rep = (await representatives.active_of(session, org.id))[0]
    who = Representative(representative_id=rep.id, provider_id=provider_id, email=rep.email)
    text = _REGISTRATION.read_text().replace("@valleychc.example", "@" + rep.email.split("@")[1])
    views: list[data_exchange.SiteView] = []
    for n in range(SITES):
        data: dict[str, Any] = json.loads(text)
        data["site_name"] = f"SOAP bench {run} {n}"
        data["physical_address"]["line1"] = f"{n + 1} {run} SOAP Way"
        if views:  # past a few sites, an organization adds the others under its main one
            data["main_site_id"] = views[0].site_id
        views.append(await data_exchange.register(ctx, who, data))
    outbox = ctx.settings.resolved_outbox_dir()
    sites = []
    for view in views:
        mail = await _mail(outbox, f"staging credentials for site {view.site_id}")
        token = re.search(r"/credentials/reveal/(\S+)", _text(mail))
        assert token, f"no reveal link for {view.site_id}"
        shown = await credentials.reveal(ctx, token.group(1))
        sites.append(Site(shown.facility_id, shown.username, shown.secret))
    return sites


async def _mail(outbox: Path, subject: str, timeout: float = 120.0) -> EmailMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if isinstance(message, EmailMessage) and subject in str(message["Subject"]):
                return message
        await asyncio.sleep(0.2)
    raise TimeoutError(f"no e-mail '{subject}' in the outbox")


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def serve(ctx: Context, env: dict[str, str], **extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """``cair serve`` (one process, as the tests and a small deployment run it); its URL."""
    port = free_port()
    log = (ctx.settings.var_dir / f"api-{port}.log").open("ab")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "cair"), "serve", "--port", str(port)],
        env={**env, **extra},
        stdout=log,
        stderr=log,
        cwd=ROOT,
    )
    return process, f"http://127.0.0.1:{port}"


async def listening(api: httpx.AsyncClient, url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if (await api.get(f"{url}/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"the API at {url} did not start")
        await asyncio.sleep(0.2)


async def timed(
    api: httpx.AsyncClient,
    url: str,
    phase: Phase,
    *,
    seconds: float,
    senders: int,
    request: Callable[[int, int], bytes],
    wanted: Callable[[str], bool],
) -> Phase:
    """``senders`` callers posting back to back for ``seconds``; sender n's i-th request is
    ``request(n, i)``; an answer that is not 200 and ``wanted`` is kept (its status, its start)."""
    deadline = time.perf_counter() + seconds

    async def sender(n: int) -> None:
        i = 0
        while time.perf_counter() < deadline:
            body = request(n, i)
            i += 1
            started = time.perf_counter()
            answer = await api.post(url, content=body, headers={"Content-Type": CONTENT_TYPE})
            phase.latencies.append(time.perf_counter() - started)
            if answer.status_code != 200 or not wanted(answer.text):
                phase.wrong.append(f"{answer.status_code} {answer.text[:300]}")

    started = time.perf_counter()
    await asyncio.gather(*(sender(n) for n in range(senders)))
    phase.seconds = time.perf_counter() - started
    return phase


async def measure(
    ctx: Context, env: dict[str, str], enrollment_id: str, run: str, *, seconds: float, senders: int
) -> list[tuple[str, str]]:
    """(label, figure) lines: the floor, VXUs with and without the sign-on cache, the ratio."""
    sites = await registered_sites(ctx, enrollment_id, run)
    cached, cached_url = serve(ctx, env)
    uncached, uncached_url = serve(ctx, env, CAIR_DX_SIGN_ON_CACHE_SECONDS="0")
    limits = httpx.Limits(max_connections=senders, max_keepalive_connections=senders)
    try:
        async with httpx.AsyncClient(timeout=120, limits=limits) as api:
            await listening(api, cached_url)
            await listening(api, uncached_url)
            phases = []
            for label, url, cache in (
                ("connectivityTest", cached_url, None),
                ("VXU, sign-on cache on", cached_url, "on"),
                ("VXU, sign-on cache off", uncached_url, "off"),
            ):
                endpoint = f"{url}/iis/staging"
                if cache is None:
                    ping = envelope("connectivityTest", echoBack="ping")
                    phase = await timed(
                        api,
                        endpoint,
                        Phase(label),
                        seconds=seconds,
                        senders=senders,
                        request=lambda n, i, ping=ping: ping,  # type: ignore[misc]
                        wanted=lambda text: "ping" in text,
                    )
                else:
                    tag = f"{run}{cache}"

                    def vxu(n: int, i: int, tag: str = tag) -> bytes:
                        return vxu_of(sites[n % SITES], f"B{tag}-{n}-{i}")

                    for n, site in enumerate(sites):  # warm: imports, pools, the cache
                        warm = await api.post(
                            endpoint, content=vxu_of(site, f"W{tag}-{n}"), headers=_TYPE
                        )
                        assert accepted(warm.text), warm.text[:500]
                    phase = await timed(
                        api,
                        endpoint,
                        Phase(label),
                        seconds=seconds,
                        senders=senders,
                        request=vxu,
                        wanted=accepted,
                    )
                phases.append(phase)
    finally:
        for process in (cached, uncached):
            process.terminate()
        for process in (cached, uncached):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    return report(phases, senders)


_TYPE = {"Content-Type": CONTENT_TYPE}


def report(phases: list[Phase], senders: int) -> list[tuple[str, str]]:
    floor, cached, uncached = phases
    rows = [(f"{p.label}, {senders} senders", p.figure()) for p in phases]
    rows.append(("VXU ÷ connectivityTest (goal ≥ 0.5)", f"{cached.rate / floor.rate:7.2f}"))
    rows.append(("  the same, sign-on cache off", f"{uncached.rate / floor.rate:7.2f}"))
    for phase in phases:
        checked = len(phase.latencies)
        words = f"{checked - len(phase.wrong)} of {checked} as wanted"
        if phase.wrong:
            words += f"; first other: {phase.wrong[0][:160]!r}"
        rows.append((f"answers, {phase.label}", words))
    return rows
