"""What crosses Temporal's boundary, one module per workflow: inputs, updates, queries and the
activities' inputs and outputs. Workflows, activities and clients import these, never each other.

Shapes are kept compatible with recorded histories: an activity's result and a workflow's input
are read back on replay, so fields are only ever added, with defaults."""
