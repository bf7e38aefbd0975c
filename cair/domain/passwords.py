"""What a CAIR user's password must be: long, not trivially guessable, not their own name. The
NIST 800-63B way: length over composition rules, no forced complexity."""

from __future__ import annotations

MIN_LENGTH = 12
MAX_LENGTH = 128
_COMMON = {
    "password1234",
    "passwordpassword",
    "123456789012",
    "qwertyuiopas",
    "iloveyou1234",
    "welcome12345",
    "cairpassword",
    "immunization",
    "vaccination1",
}


def password_problems(password: str, *, user_id: str, email: str) -> list[str]:
    """Every rule the password breaks, in words; empty when it will do."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"must be at most {MAX_LENGTH} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        problems.append("must not contain control characters")
    lowered = password.lower()
    if lowered in _COMMON or len(set(password)) < 4:
        problems.append("is too easy to guess")
    local = email.split("@", 1)[0].lower()
    if user_id.lower() in lowered or (len(local) >= 4 and local in lowered):
        problems.append("must not contain your User ID or e-mail name")
    return problems
