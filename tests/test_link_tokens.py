"""Single-use links against a real SQLite store: used, replaced and expired links are refused
with reasons a person can act on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cair.settings import Settings
from cair.store.database import Database
from cair.store.links import LinkPurpose, LinkRefused, consume, issue
from cair.store.migrate import migrate_database


@pytest.mark.asyncio(loop_scope="session")
async def test_links_are_single_use_replaceable_and_expire(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path)
    await migrate_database(settings)
    db = Database(settings)
    try:
        async with db.sessions.begin() as session:
            first = await issue(
                session,
                purpose=LinkPurpose.CREDENTIAL_REVEAL,
                subject="c:1",
                issue_key="k",
                ttl=timedelta(days=7),
            )
            second = await issue(
                session,
                purpose=LinkPurpose.CREDENTIAL_REVEAL,
                subject="c:1",
                issue_key="k",
                ttl=timedelta(days=7),
            )
            other = await issue(
                session,
                purpose=LinkPurpose.CREDENTIAL_REVEAL,
                subject="c:2",
                issue_key="k2",
                ttl=timedelta(days=7),
            )
        async with db.sessions.begin() as session:
            with pytest.raises(LinkRefused, match="replaced by a newer one"):
                await consume(session, first, purpose=LinkPurpose.CREDENTIAL_REVEAL)
            with pytest.raises(LinkRefused, match="not valid"):
                await consume(session, second, purpose=LinkPurpose.PASSWORD_SETUP)
        async with db.sessions.begin() as session:
            assert (
                await consume(session, second, purpose=LinkPurpose.CREDENTIAL_REVEAL)
            ).subject == "c:1"
        async with db.sessions.begin() as session:
            with pytest.raises(LinkRefused, match="already been used"):
                await consume(session, second, purpose=LinkPurpose.CREDENTIAL_REVEAL)
            later = datetime.now(UTC) + timedelta(days=7, minutes=1)
            with pytest.raises(LinkRefused, match="expired"):
                await consume(session, other, purpose=LinkPurpose.CREDENTIAL_REVEAL, now=later)
    finally:
        await db.dispose()


def test_tokens_never_start_with_a_dash() -> None:
    """Pasted after a command (`cair staff redeem TOKEN`), a leading '-' would read as an
    option; 1 in 64 random tokens would have had one."""
    from cair.security.tokens import new_token

    assert not any(new_token().startswith("-") for _ in range(5000))
