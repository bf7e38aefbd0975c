"""The local stack `cair dev` runs: Temporal dev server, SMTP outbox, codec endpoint, worker."""
