"""Group commit: the pages a run archives share a transaction for a few hundred milliseconds."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from scraper.store import ArchiveStore

log = logging.getLogger("blogarchive.run")

# A commit (WAL frames for every touched table and index, full-text segments) costs as much as
# storing a page; sharing it among pages cuts the archive's CPU per page. Bounds keep what a
# killed run loses small: those pages are still queued in the frontier and fetched again.
MAX_PAGES = 32
MAX_SECONDS = 0.25


class GroupCommit:
    """Keeps one transaction open across page writes; each page's own `batch()` nests inside
    it as a savepoint, so a page is still all-or-nothing, and its frontier entry is marked done
    in the same commit that archives it.

    Writes happen between awaits, never across one, so committing from a timer callback never
    cuts a page's writes in half.
    """

    def __init__(
        self, store: ArchiveStore, *, max_pages: int = MAX_PAGES, max_seconds: float = MAX_SECONDS
    ) -> None:
        self.store = store
        self.max_pages, self.max_seconds = max_pages, max_seconds
        self._open: contextlib.ExitStack | None = None
        self._pages = 0
        self._opened_at = 0.0
        self._timer: asyncio.TimerHandle | None = None

    def begin(self) -> None:
        """Open the shared transaction unless it is open (call before a page's writes)."""
        if self._open is not None:
            return
        stack = contextlib.ExitStack()
        stack.enter_context(self.store.batch())
        self._open, self._pages, self._opened_at = stack, 0, time.monotonic()
        with contextlib.suppress(RuntimeError):  # no running loop: committed by count or close
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(self.max_seconds, self._commit_from_timer)

    def page_done(self) -> None:
        """Count a page written in the open transaction; commit when the group is full or old."""
        if self._open is None:
            return
        self._pages += 1
        full = self._pages >= self.max_pages
        if full or time.monotonic() - self._opened_at >= self.max_seconds:
            self.commit()

    def commit(self) -> None:
        """Commit the open transaction now (nothing to do when none is open)."""
        stack, self._open = self._open, None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if stack is not None:
            stack.close()

    def _commit_from_timer(self) -> None:
        self._timer = None
        try:
            self.commit()
        except Exception:  # the pages stay queued in the frontier: the next run fetches them
            log.exception("group commit failed; its pages are fetched again next run")
