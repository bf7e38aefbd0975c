"""The cookies the pages set, all alike: HttpOnly (no script reads them), SameSite=Lax (not sent
with another site's form posts), Secure outside dev (``Settings.secure_cookies``), whole-site."""

from __future__ import annotations

from starlette.responses import Response

from cair.settings import Settings

SESSION_COOKIE = "cair_session"  # the session token of a representative or a staff member
NOTICE_COOKIE = "cair_notice"  # what the last action did, shown once


def set_cookie(
    response: Response, settings: Settings, name: str, value: str, *, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies(),
    )


def clear_cookie(response: Response, settings: Settings, name: str) -> None:
    response.delete_cookie(
        name, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies()
    )
