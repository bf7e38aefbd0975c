"""Replay recorded histories against today's workflow code: a change that would break a running
workflow fails here and must go through patching (docs/deployment.md, "Changing a released
workflow").

The histories in ``histories/`` were recorded by the end-to-end suite
(``CAIR_RECORD_HISTORIES=dir pytest tests/e2e -k sqlite``), encrypted with the tests' fixed key.
Enrollments: a clinic approved and its users trained
(``clinic_trained``), changes requested and amended (``amended``), a step held for staff and
retried (``held_and_retried``), ``rejected``, and one routed to a local representative
(``local_rep``). The account: a role raise decided by staff (``raise_decided``), two runs
that continued as new, a site closed (``site_closed``: its onboarding cancelled) and an
organization closed by staff's approval (``closed``: every gate and onboarding cancelled).
User gates: one trained, one cancelled by an account change. Site onboarding: ``S100001``
went from registration to live, ``S100004`` was sent back to testing. Release 0006: an IZ
Portal enrollment whose first site starts onboarding (``dx_first_site``, patch
``first-site-onboards``), that site from the welcome's credentials to live
(``from_the_welcome``), a new site of an enrolled clinic (``new_site``), and a clinic's account
told it became Data Exchange (``became_data_exchange``). The test plan's cases (a plan that
carries them, and progress that counts them): a bidirectional site that passed its rejected
case and its query cases and went live (``bidirectional_live``, recorded by
``CAIR_RECORD_HISTORIES=dir pytest tests/e2e/test_iz_portal_plan.py
tests/e2e/test_zz_history_privacy.py -k sqlite``); the older site histories, whose plans have no
cases, still replay and decide as before. The primary contact confirms their address before
staff review (patch ``contact-confirms-first``): a clinic (``contact_confirmed``) and a Data
Exchange organization (``dx_contact_confirmed``) of the README's walk-throughs, recorded by
``CAIR_RECORD_HISTORIES=dir pytest tests/e2e/test_readme_walkthrough.py
tests/e2e/test_zz_history_privacy.py -k sqlite``; every older enrollment history runs without it.
The retention run (``retention-recorded-purged``) was recorded on the time-skipping server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.worker import Replayer

from cair.temporal.converter import data_converter
from cair.worker import WORKFLOW_RUNNER, WORKFLOWS
from tests.helpers.codec import CODEC_KEY

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_every_workflow_type_has_a_recorded_history() -> None:
    recorded = {path.name.split("-", 1)[0] for path in HISTORIES}
    assert recorded == {workflow.__name__ for workflow in WORKFLOWS}


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_history_replays_deterministically(path: Path) -> None:
    workflow_id = path.stem.split("-", 1)[1].rsplit("-", 1)[0]
    history = WorkflowHistory.from_json(workflow_id, path.read_text())
    # As a worker with traces on replays: the tracing interceptor must not change a command.
    replayer = Replayer(
        workflows=list(WORKFLOWS),
        data_converter=data_converter(CODEC_KEY),
        interceptors=[TracingInterceptor()],
        workflow_runner=WORKFLOW_RUNNER,
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
