"""The staff second factor: time-based one-time codes (RFC 6238, what authenticator apps make)
with ``pyotp``, and single-use recovery codes. A code matches in the current 30-second step or
the one before or after (clocks drift); a step once used is refused after (no code twice)."""

from __future__ import annotations

import hmac
import secrets
import time
from datetime import UTC, datetime

import pyotp

ISSUER = "CAIR staff console"
TOTP_SEAL = "staff-totp"  # the sealing purpose of staff members' secrets
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read and typed by people


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app takes (typed or pasted; no QR code here)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def matching_step(
    secret: str, code: str, *, after: int | None = None, now: float | None = None
) -> int | None:
    """The time step ``code`` belongs to (the current one, or one either side), if it is
    later than ``after``, the step last used; None when it matches none."""
    digits = "".join(code.split())
    if len(digits) != 6 or not digits.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    moment = time.time() if now is None else now
    current = totp.timecode(datetime.fromtimestamp(moment, UTC))
    for step in (current - 1, current, current + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Codes like ``k7dq-x3mz-p9ta``: 60 bits each, shown once, then kept only hashed."""
    return [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))
        for _ in range(count)
    ]


def looks_like_recovery_code(text: str) -> bool:
    return len(normal_recovery_code(text)) == 12


def normal_recovery_code(text: str) -> str:
    """A recovery code as typed (any case, dashes or spaces or none), as it was hashed."""
    return "".join(c for c in text.lower() if c in _ALPHABET)
