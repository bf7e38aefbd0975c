"""Request headers more than one router reads, declared once so they are documented alike."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

# A POST's retry key (see :mod:`cair.web.idempotency`, which holds it to 200 characters).
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
