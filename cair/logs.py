"""How every process of the service logs: one line per event to standard error, the chatty
libraries quieted, and no exception message in a log line — the message of a failed
validation, say, quotes the values a person typed. What failed, and where (the frames), stays.
"""

from __future__ import annotations

import logging
import traceback

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
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


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format=FORMAT)
    for handler in logging.getLogger().handlers:
        handler.addFilter(WithoutExceptionMessages())
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
