"""Limits for the read-only `sql` command: a time limit and Ctrl-C that stop a runaway query.

Datasette's `sql_time_limit_ms` is the model: SQLite calls a progress handler every few
thousand virtual-machine steps, and a handler that answers "stop" interrupts the statement.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

# SQLite virtual-machine instructions between two looks at the clock (cheap: microseconds).
_STEPS = 10_000


@dataclass(slots=True)
class QueryLimits:
    """Why a query was stopped, once it was: "time" (past the limit) or "interrupt" (Ctrl-C)."""

    stopped: str | None = None


@contextmanager
def limited(conn: sqlite3.Connection, seconds: float) -> Iterator[QueryLimits]:
    """Within this block, statements on `conn` stop after `seconds` (0: no limit) or on Ctrl-C;
    `QueryLimits.stopped` says which. The time counts while rows are read, not while written."""
    limits = QueryLimits()
    deadline = time.monotonic() + seconds if seconds > 0 else None

    def check() -> int:
        if limits.stopped is None and deadline is not None and time.monotonic() > deadline:
            limits.stopped = "time"
        return 1 if limits.stopped else 0

    def on_interrupt(_signum: int, _frame: FrameType | None) -> None:
        # Raising here would leave SQLite mid-statement; the progress handler stops it instead.
        limits.stopped = "interrupt"

    previous = signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGINT, on_interrupt)
    except ValueError:  # not the main thread (a test runner's worker): Ctrl-C stays as it was
        previous = None
    conn.set_progress_handler(check, _STEPS)
    try:
        yield limits
    finally:
        conn.set_progress_handler(None, 0)
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
