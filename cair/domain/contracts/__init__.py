"""What crosses Temporal's boundary: workflow inputs, updates, queries and statuses, and the
activities' inputs and outputs.

Most modules belong to one workflow (``enrollment``, ``organization``, ``user_activation``,
``sign_in``, ``data_exchange``, which also holds a site's credential re-issue). The rest are
shared: ``activities`` names every activity, ``mail`` is the order of the one ``send_mail``
activity, ``failures`` the non-retryable ``BadData`` type, incidents and staff retries, and
``credentials`` the data-exchange credentials issued at enrollment and re-issued by staff.

Workflows and activities import these and never each other. Clients (``operations/``) import
these and the workflow classes too: updates, queries and signals are sent by method reference
(``operations/workflow_updates.py``; ``tests/test_seams.py`` checks it).

Shapes are kept compatible with recorded histories: an activity's result and a workflow's input
are read back on replay, so fields are only ever added, with defaults."""
