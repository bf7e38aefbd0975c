"""Temporal workflows only. They import domain/ and activity names, and do no I/O."""
