"""`run --log-json`: the run's own events as JSON lines on stderr (started, sites skipped as not
due with when they are, finished with totals and the exit code, fatal errors), beside the
reporter's per-page and per-site events, so a log collector never has to parse prose."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from scraper.core.models import RunReport
from scraper.core.sanitise import printable


def emit(event: str, stream: TextIO | None = None, **fields: Any) -> None:
    """One JSON object on one line: `time`, `event`, then the fields (text made printable)."""
    record: dict[str, Any] = {"time": datetime.now(UTC).isoformat(), "event": event}
    for key, value in fields.items():
        record[key] = printable(value) if isinstance(value, str) else value
    print(json.dumps(record, ensure_ascii=False), file=stream or sys.stderr, flush=True)


def run_finished(report: RunReport, exit_code: int, stream: TextIO | None = None) -> None:
    """The run's totals, its duration and the exit code it ends with."""
    sites = report.sites
    emit(
        "run_finished",
        stream,
        run_id=report.run_id,
        exit_code=exit_code,
        interrupted=report.interrupted,
        duration_s=round((report.finished_at - report.started_at).total_seconds(), 3),
        sites=len(sites),
        pages_fetched=sum(site.pages_fetched for site in sites),
        pages_not_modified=sum(site.pages_not_modified for site in sites),
        pages_failed=sum(site.pages_failed for site in sites),
        posts_new=sum(site.posts_new for site in sites),
        comments_new=sum(site.comments_new for site in sites),
        comments_changed=sum(site.comments_changed for site in sites),
        comments_removed=sum(site.comments_removed for site in sites),
    )
