"""Secrets the tests revealed (credentials shown once). Each test that reveals one adds it here,
and the history-privacy test, which runs last, checks none stands in plain text in a workflow
history or a log."""

from __future__ import annotations

REVEALED_SECRETS: list[str] = []
