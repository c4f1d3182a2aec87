"""The parse process pool: every core parses, and workers never outlive a killed run."""

from __future__ import annotations

import os
import select
import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING

from scraper.core.models import ParsedPage

if TYPE_CHECKING:
    from concurrent.futures import Executor


def make_executor(workers: int) -> Executor | None:
    """A process pool of `workers` parsers, or None to parse on the event loop's thread."""
    if workers <= 1:
        return None
    # Loaded here: a run whose pages all answer 304 parses nothing and never starts the pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: the run has threads (event loop helpers, servers in tests), and fork with
    # threads can deadlock children.
    context = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )


def parse_job(
    body: bytes,
    url: str,
    content_type: str | None,
    platform: str,
    fetched_at: datetime | None,
    zone: str | None = None,
) -> ParsedPage:
    """What a worker runs: pure parsing, arguments and result small enough to pickle cheaply."""
    from zoneinfo import ZoneInfo

    from scraper.parse.page import parse_page  # loaded on first use (a run of 304s parses nothing)

    return parse_page(
        body,
        url,
        content_type=content_type,
        platform=platform,
        fetched_at=fetched_at,
        zone=ZoneInfo(zone) if zone else None,  # a name pickles; a site's zone was checked
    )


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
