"""How a run reports itself: rich progress on a terminal, JSON lines for logs, or quiet for cron.

URLs and failure reasons come from the blogs: every reporter strips their control characters
(an ESC would restyle a terminal, a C1 CSI passes JSON unescaped), and rich gets them escaped.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from scraper.core.models import SiteReport
from scraper.core.sanitise import printable
from scraper.fetch.politeness import SITE_UNREACHABLE

if TYPE_CHECKING:
    from rich.progress import TaskID


class Reporter(Protocol):
    def site_started(self, site: str) -> None: ...

    def page_done(self, site: str, url: str, status: str, reason: str | None) -> None: ...

    def site_finished(self, report: SiteReport) -> None: ...

    def close(self) -> None: ...


class QuietReporter:
    """Cron mode: nothing on success; failed pages still reach stderr."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._unreachable: set[str] = set()  # said once per site, not once per URL tried

    def site_started(self, site: str) -> None:
        pass

    def page_done(self, site: str, url: str, status: str, reason: str | None) -> None:
        if status != "failed":
            return
        line = f"blogarchive: {site}: {url}: {reason}"
        if reason is not None and reason.startswith(SITE_UNREACHABLE):
            if site in self._unreachable:
                return
            self._unreachable.add(site)
            line = f"blogarchive: {site}: {reason} at {url}; tried again after a backoff"
        print(printable(line), file=self._stream or sys.stderr)

    def site_finished(self, report: SiteReport) -> None:
        for error in report.errors:
            if error.startswith(("stopped", "time budget", "discovery")):
                line = f"blogarchive: {report.site}: {error}"
                print(printable(line), file=self._stream or sys.stderr)

    def close(self) -> None:
        pass


def _printable(fields: dict[str, Any]) -> dict[str, Any]:
    """Strings (also in lists) without control characters; numbers and None as they are."""
    return {
        key: printable(value)
        if isinstance(value, str)
        else [printable(item) for item in value]
        if isinstance(value, list)
        else value
        for key, value in fields.items()
    }


class JsonLogReporter:
    """One JSON object per event on stderr, for log collectors."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def _emit(self, event: str, **fields: Any) -> None:
        record = {"time": datetime.now(UTC).isoformat(), "event": event, **_printable(fields)}
        print(json.dumps(record, ensure_ascii=False), file=self._stream or sys.stderr, flush=True)

    def site_started(self, site: str) -> None:
        self._emit("site_started", site=site)

    def page_done(self, site: str, url: str, status: str, reason: str | None) -> None:
        self._emit("page", site=site, url=url, status=status, reason=reason)

    def site_finished(self, report: SiteReport) -> None:
        self._emit(
            "site_finished",
            site=report.site,
            fetched=report.pages_fetched,
            not_modified=report.pages_not_modified,
            failed=report.pages_failed,
            robots_blocked=report.pages_robots_blocked,
            posts_new=report.posts_new,
            posts_changed=report.posts_changed,
            comments_new=report.comments_new,
            comments_changed=report.comments_changed,
            comments_removed=report.comments_removed,
            bytes_received=report.bytes_received,
            errors=list(report.errors),
        )

    def close(self) -> None:
        pass


class RichReporter:
    """Live per-site progress on an interactive terminal."""

    def __init__(self) -> None:
        # Loaded here: a cron run never draws, and rich is a good part of a quiet run's start-up.
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[site]}"),
            TextColumn("{task.completed} pages"),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._failed: dict[str, int] = {}
        self._progress.start()

    def site_started(self, site: str) -> None:
        from rich.markup import escape  # loaded with rich, in __init__

        self._failed[site] = 0
        # The column's template is markup: the name goes in escaped.
        shown = escape(printable(site))
        self._tasks[site] = self._progress.add_task(shown, total=None, site=shown, failed=0)

    def page_done(self, site: str, url: str, status: str, reason: str | None) -> None:
        if status == "failed":
            from rich.markup import escape  # loaded with rich, in __init__

            self._failed[site] = self._failed.get(site, 0) + 1
            detail = f"{printable(url)}: {printable(reason)}"
            self._progress.console.print(f"[red]failed[/red] {escape(detail)}")
        task = self._tasks.get(site)
        if task is not None:
            self._progress.update(task, advance=1, failed=self._failed[site])

    def site_finished(self, report: SiteReport) -> None:
        task = self._tasks.get(report.site)
        if task is not None:
            self._progress.update(task, total=self._progress.tasks[task].completed)

    def close(self) -> None:
        self._progress.stop()


def make_reporter(*, log_json: bool, quiet: bool) -> Reporter:
    """JSON lines if asked, rich progress on a terminal, else quiet (cron)."""
    if log_json:
        return JsonLogReporter()
    if not quiet and sys.stderr.isatty():
        return RichReporter()
    return QuietReporter()
