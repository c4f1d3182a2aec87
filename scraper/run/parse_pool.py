"""The parse process pool: every core parses, one page's parse is bounded in time and memory,
and workers never outlive a killed run."""

from __future__ import annotations

import os
import resource
import select
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import FrameType
from typing import TYPE_CHECKING, Any

from scraper.core.errors import ParseLimitError, ParseTimeUp
from scraper.core.models import ParsedPage

if TYPE_CHECKING:
    from concurrent.futures import Executor


def make_executor(workers: int, memory_limit_mb: int | None = None) -> Executor | None:
    """A process pool of `workers` parsers, or None to parse on the event loop's thread.
    Each worker's address space is capped at `memory_limit_mb`: a page that needs more fails
    alone (MemoryError in the worker, or the worker dies), never an OOM kill of the machine."""
    if workers <= 1:
        return None
    return _pool(workers, memory_limit_mb)


def lone_executor(memory_limit_mb: int | None = None) -> Executor:
    """One parser process of its own: a page whose worker died is tried again here, so that
    the pages parsed beside it are not blamed and the one that kills its worker dies alone."""
    return _pool(1, memory_limit_mb)


def _pool(workers: int, memory_limit_mb: int | None) -> Executor:
    # Loaded here: a run whose pages all answer 304 parses nothing and never starts the pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: the run has threads (event loop helpers, servers in tests), and fork with
    # threads can deadlock children.
    context = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), memory_limit_mb),
    )


def _start_worker(parent: int, memory_limit_mb: int | None) -> None:
    _watch_parent(parent)
    if memory_limit_mb is not None:
        limit = memory_limit_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


# After the limit the alarm repeats at this interval: a ParseTimeUp raised where Python ignores
# exceptions (a garbage-collector callback, a __del__) is raised again in the next bytecode.
_REPEAT = 0.2


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ParseTimeUp in this thread after `seconds` (SIGALRM: the main thread only,
    which is where a pool worker runs its tasks; elsewhere the caller's deadline must do)."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    assert seconds is not None
    armed = [True]

    def expire(_signum: int, _frame: FrameType | None) -> None:
        if armed[0]:
            raise ParseTimeUp

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT)
    try:
        yield
    finally:
        armed[0] = False
        _disarm(previous)


def _disarm(handler: Any = None) -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)
    if handler is not None:
        signal.signal(signal.SIGALRM, handler)


def parse_job(
    body: bytes,
    url: str,
    content_type: str | None,
    platform: str,
    fetched_at: datetime | None,
    zone: str | None = None,
    time_limit: float | None = None,
) -> ParsedPage:
    """What a worker runs: pure parsing, arguments and result small enough to pickle cheaply.
    Raises ParseLimitError when the parse runs past `time_limit` seconds or out of memory."""
    from zoneinfo import ZoneInfo

    from scraper.parse.page import parse_page  # loaded on first use (a run of 304s parses nothing)

    try:
        with _time_limit(time_limit):
            return parse_page(
                body,
                url,
                content_type=content_type,
                platform=platform,
                fetched_at=fetched_at,
                zone=ZoneInfo(zone) if zone else None,  # a name pickles; a site's zone was checked
            )
    except ParseTimeUp:
        _disarm()  # again: the alarm may have struck inside the limit's own clean-up
        raise ParseLimitError(f"parse took over {time_limit:g} s (run.parse_time_limit)") from None
    except MemoryError:
        raise ParseLimitError("parse ran out of memory (run.parse_memory_limit_mb)") from None


def _watch_parent(parent: int) -> None:
    """Exit this worker when the run's process dies.

    A SIGKILLed run cannot shut its pool down, and idle workers block forever on a queue whose
    writing end they hold themselves (and they keep the forkserver alive with them).
    """
    threading.Thread(target=_wait_then_exit, args=(parent,), daemon=True).start()


def _wait_then_exit(parent: int) -> None:
    try:
        handle = os.pidfd_open(parent)
    except (AttributeError, OSError):  # no pidfd (old kernel, not Linux): poll instead
        while _alive(parent):
            time.sleep(0.5)
    else:
        select.select([handle], [], [])  # readable once the process has exited
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
