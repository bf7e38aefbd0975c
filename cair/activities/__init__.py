"""Every side effect of the workflows, as Temporal activities grouped by the resource they touch.
Each one is idempotent: keyed by workflow id + step, a retry never repeats its effect."""
