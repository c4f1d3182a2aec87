"""The archive as the pipeline sees it: a structural Protocol, so the scraper never imports it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from scraper.core.models import Comment, FetchedPage, FetchOutcome, ParsedPage, RunReport


class StoreResultLike(Protocol):
    """What storing one page changed (read-only, as the archive's frozen result is)."""

    @property
    def post_id(self) -> str: ...
    @property
    def post_new(self) -> bool: ...
    @property
    def post_changed(self) -> bool: ...
    @property
    def comments_new(self) -> int: ...
    @property
    def comments_changed(self) -> int: ...
    @property
    def comments_removed(self) -> int: ...


class ArchiveStore(Protocol):
    """What a run needs from the archive (implemented by `archive.db.Archive`)."""

    def batch(self) -> AbstractContextManager[None]:
        """One transaction around several writes (nested calls become savepoints)."""
        ...

    def ensure_site(self, name: str, url: str, platform: str) -> None: ...

    def last_run_at(self, site: str) -> datetime | None: ...

    def failed_runs_in_a_row(self, site: str, marker: str) -> int:
        """How many of the site's latest runs, newest first, reported an error starting `marker`."""
        ...

    def discovered_at(self, site: str) -> datetime | None: ...

    def mark_discovered(self, site: str, at: datetime) -> None: ...

    def start_run(self, sites: Sequence[str], started_at: datetime) -> int: ...

    def finish_run(self, run_id: int, report: RunReport, status: str) -> None: ...

    def record_fetch(
        self, run_id: int | None, site: str, outcome: FetchOutcome, kind: str = "post"
    ) -> None: ...

    def validators(self, url: str) -> tuple[str | None, str | None]: ...

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
    ) -> StoreResultLike: ...

    def mark_not_modified(self, url: str, observed_at: datetime) -> None: ...

    def keep_raw(self, site: str, page: FetchedPage, *, observed_at: datetime) -> None: ...

    def post_revisit_info(
        self, site: str
    ) -> Iterator[tuple[str, datetime | None, datetime | None, int]]: ...

    def frontier_add(
        self, site: str, urls: Iterable[tuple[str, str]], run_id: int | None = None
    ) -> int: ...

    def frontier_pending(self, site: str, limit: int) -> list[tuple[str, str]]: ...

    def frontier_urls(self, site: str) -> set[str]:
        """Every URL queued for the site, pending or done (a run that did not finish)."""
        ...

    def frontier_done(self, site: str, url: str, status: str) -> None: ...

    def frontier_reset(self, site: str) -> None: ...
