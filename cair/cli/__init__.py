"""The ``cair`` command."""
