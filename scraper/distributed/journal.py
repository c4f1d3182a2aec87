"""A store that answers a worker's reads from its slice and writes down every write to replay."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from scraper.core.errors import ArchiveError
from scraper.core.models import Comment, FetchedPage, FetchOutcome, ParsedPage, RunReport
from scraper.core.storage import ArchiveStore, StoreResultLike

# One archive write: the ArchiveStore method's name and its arguments (plain frozen data).
Call = tuple[str, tuple[Any, ...], dict[str, Any]]

# The writes a site's work makes; replay refuses anything else coming back from a worker.
REPLAYABLE = frozenset(
    {
        "mark_discovered",
        "record_fetch",
        "store_page",
        "mark_not_modified",
        "keep_raw",
        "frontier_add",
        "frontier_done",
        "frontier_reset",
    }
)


class JournalStore:
    """ArchiveStore over a worker's scratch slice that keeps the writes, in order, for replay.

    Writes go to the slice too, so the run reads back what it wrote (frontier, validators)
    exactly as it would from the real archive. A transaction rolled back on the slice is
    dropped from the journal as well: the writer replays only what committed.
    """

    def __init__(self, scratch: ArchiveStore) -> None:
        self.scratch = scratch
        self.calls: list[Call] = []

    def _write(self, name: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.scratch, name)(*args, **kwargs)
        self.calls.append((name, args, kwargs))
        return result

    @contextmanager
    def batch(self) -> Iterator[None]:
        mark = len(self.calls)
        try:
            with self.scratch.batch():
                yield
        except BaseException:
            del self.calls[mark:]
            raise

    # -- reads: the slice answers -------------------------------------------------------------

    def last_run_at(self, site: str) -> datetime | None:
        return self.scratch.last_run_at(site)

    def failed_runs_in_a_row(self, site: str, marker: str) -> int:
        return self.scratch.failed_runs_in_a_row(site, marker)

    def discovered_at(self, site: str) -> datetime | None:
        return self.scratch.discovered_at(site)

    def validators(self, url: str) -> tuple[str | None, str | None]:
        return self.scratch.validators(url)

    def post_revisit_info(
        self, site: str
    ) -> Iterator[tuple[str, datetime | None, datetime | None, int]]:
        return self.scratch.post_revisit_info(site)

    def frontier_pending(self, site: str, limit: int) -> list[tuple[str, str]]:
        return self.scratch.frontier_pending(site, limit)

    def frontier_urls(self, site: str) -> set[str]:
        return self.scratch.frontier_urls(site)

    # -- the scheduler's own writes: never made on a worker -------------------------------------

    def ensure_site(self, name: str, url: str, platform: str) -> None:
        raise ArchiveError("a worker does not add sites; the scheduler does")

    def start_run(self, sites: Sequence[str], started_at: datetime) -> int:
        raise ArchiveError("a worker does not start runs; the scheduler does")

    def finish_run(self, run_id: int, report: RunReport, status: str) -> None:
        raise ArchiveError("a worker does not finish runs; the scheduler does")

    # -- writes: made on the slice and journaled ----------------------------------------------

    def mark_discovered(self, site: str, at: datetime) -> None:
        self._write("mark_discovered", site, at)

    def record_fetch(
        self, run_id: int | None, site: str, outcome: FetchOutcome, kind: str = "post"
    ) -> None:
        self._write("record_fetch", run_id, site, outcome, kind)

    def store_page(
        self,
        site: str,
        page: FetchedPage,
        parsed: ParsedPage,
        *,
        observed_at: datetime,
        thread_complete: bool,
        extra_comments: Sequence[Comment] = (),
        completeness_note: str | None = None,
    ) -> StoreResultLike:
        result: StoreResultLike = self._write(
            "store_page",
            site,
            page,
            parsed,
            observed_at=observed_at,
            thread_complete=thread_complete,
            extra_comments=tuple(extra_comments),
            completeness_note=completeness_note,
        )
        return result

    def mark_not_modified(self, url: str, observed_at: datetime) -> None:
        self._write("mark_not_modified", url, observed_at)

    def keep_raw(self, site: str, page: FetchedPage, *, observed_at: datetime) -> None:
        self._write("keep_raw", site, page, observed_at=observed_at)

    def frontier_add(
        self, site: str, urls: Iterable[tuple[str, str]], run_id: int | None = None
    ) -> int:
        added: int = self._write("frontier_add", site, tuple(urls), run_id)
        return added

    def frontier_done(self, site: str, url: str, status: str) -> None:
        self._write("frontier_done", site, url, status)

    def frontier_reset(self, site: str) -> None:
        self._write("frontier_reset", site)


def replay(
    store: ArchiveStore, calls: Sequence[Call], sites: Iterable[str]
) -> list[tuple[str, StoreResultLike]]:
    """Apply a worker's writes to the real archive (the caller holds one transaction around
    them); returns (site, what it changed) per stored page, counted against the real archive."""
    allowed = set(sites)
    results: list[tuple[str, StoreResultLike]] = []
    for name, args, kwargs in calls:
        if name not in REPLAYABLE:
            raise ArchiveError(f"a worker sent back a write blogarchive does not replay: {name}")
        site = args[1] if name == "record_fetch" else args[0]
        if name != "mark_not_modified" and site not in allowed:
            raise ArchiveError(f"a worker sent back a write for {site!r}, not one of its sites")
        result = getattr(store, name)(*args, **kwargs)
        if name == "store_page":
            results.append((site, result))
    return results
