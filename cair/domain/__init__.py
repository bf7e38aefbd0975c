"""Pure, deterministic domain rules. Imports nothing of ours outside this package and does no I/O,
so workflows may use it inside the Temporal sandbox."""
