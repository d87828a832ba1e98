"""Logging helpers, loaded by LOGGING before the apps are: import nothing from Django apps here."""

import logging


class ErrorIdLogFilter(logging.Filter):
    """Add the request's error id to Django's own log line for an unhandled error (one traceback, one id)."""

    def filter(self, record):
        error_id = getattr(getattr(record, "request", None), "error_id", None)
        if error_id:
            record.msg = f"{record.getMessage()} error id={error_id}"
            record.args = ()
        return True
