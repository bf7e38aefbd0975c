"""The payload codec key of every test stack. Fixed, and for tests only: the recorded histories
the replay tests read (tests/replay/histories) were encrypted with it."""

from __future__ import annotations

CODEC_KEY = bytes.fromhex("5f0c7a1e9b2d4c6e8a0b1c2d3e4f50617283940a1b2c3d4e5f60718293a4b5c6")
