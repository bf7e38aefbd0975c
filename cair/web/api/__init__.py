"""The JSON API under /api/v1: one router per audience."""
