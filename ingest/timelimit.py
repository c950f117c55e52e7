"""A time limit on Python code that may never finish: the extraction of one PDF page."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


class PageTimeout(BaseException):
    """Raised into a page's extraction when its time is up; a BaseException, so that the
    parsers' own `except Exception` cannot swallow it."""


@contextmanager
def interrupted_after(seconds: float):
    """Interrupts the Python code inside (pdfminer, pdfplumber: a page with a million vector
    objects) after `seconds`, by SIGALRM, raising PageTimeout. Signals reach the main thread
    only: in another thread nothing is limited here (the caller still checks its budget
    between pages). Code in C is interrupted when it returns to Python."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise PageTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
