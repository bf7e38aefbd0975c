"""How every process of the service logs: one line per event to standard error, the chatty
libraries quieted, and no exception message in a log line — the message of a failed
validation, say, quotes the values a person typed. What failed, and where (the frames), stays.
Each line names its trace (``trace=<32 hex>``, ``-`` outside one): the API's and the worker's
lines of one request share it (cair/telemetry/tracing.py).
"""

from __future__ import annotations

import logging
import sys
import traceback

FORMAT = "%(asctime)s %(levelname)s %(name)s trace=%(trace_id)s: %(message)s"
QUIET = ("alembic", "temporalio", "uvicorn.access", "mail.log")


class WithoutExceptionMessages(logging.Filter):
    """Keep an exception's type and frames; drop its message (it may hold personal data)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            frames = "".join(traceback.format_tb(tb)) if tb else ""
            record.msg = f"{record.getMessage().rstrip()} ({kind.__name__})\n{frames.rstrip()}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


class WithTraceId(logging.Filter):
    """Name the trace the line was logged in, so a request's lines are found together."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.trace_id = current_trace_id()
        return True


def current_trace_id() -> str:
    """The current span's trace id, or ``-``. OpenTelemetry not imported: no trace (and no
    import here, which a CLI command would pay for)."""
    if "opentelemetry.trace" not in sys.modules:
        return "-"
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    return trace.format_trace_id(context.trace_id) if context.is_valid else "-"


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format=FORMAT)
    for handler in logging.getLogger().handlers:
        handler.addFilter(WithoutExceptionMessages())
        handler.addFilter(WithTraceId())
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
