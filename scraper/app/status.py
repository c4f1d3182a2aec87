"""`blogarchive status`: what each configured site's schedule and last run look like.

Failure reasons, URLs and notes come from the archive, so from the blogs: they are cleaned of
control characters for every output, and escaped before rich reads them as markup.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scraper.core.config import Config
from scraper.core.models import iso_utc
from scraper.core.sanitise import printable
from scraper.fetch.politeness import SITE_UNREACHABLE


def site_status(
    config: Config,
    stats: dict[str, dict[str, Any]],
    failures: dict[str, list[tuple[str, str | None]]],
    last_runs: dict[str, datetime | None],
    now: datetime | None = None,
    *,
    weakest: dict[str, list[tuple[str, float, list[str]]]] | None = None,
    due_after: dict[str, timedelta] | None = None,
) -> list[dict[str, Any]]:
    """One record per configured site (and per archived site no longer configured)."""
    now = now or datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for site in config.sites:
        last = last_runs.get(site.name)
        archived = stats.get(site.name, {})
        run_status = archived.get("last_run_status")
        found = failures.get(site.name, [])
        unreachable = any((reason or "").startswith(SITE_UNREACHABLE) for _url, reason in found)
        if unreachable:  # the run may have gone well elsewhere; for this site it failed
            run_status = f"failed ({SITE_UNREACHABLE})"
        wait = (due_after or {}).get(site.name, site.every)
        next_due = last + wait if last else None
        rows.append(
            {
                "site": site.name,
                "url": site.url,
                "last_run": iso_utc(last),
                "last_run_status": run_status,
                "next_due": iso_utc(next_due) if next_due and next_due > now else "now",
                "posts": archived.get("posts", 0),
                "comments": archived.get("comments", 0),
                "incomplete_threads": archived.get("incomplete_threads", 0),
                "failed_last_run": [
                    {"url": printable(url), "reason": _optional(reason)}
                    for url, reason in failures.get(site.name, [])
                ],
                "weakest_extraction": [
                    {"url": printable(url), "score": score, "notes": [printable(n) for n in notes]}
                    for url, score, notes in (weakest or {}).get(site.name, [])
                ],
            }
        )
    configured = {site.name for site in config.sites}
    for name, archived in stats.items():
        if name not in configured:
            rows.append(
                {
                    "site": name,
                    "url": archived.get("url"),
                    "configured": False,
                    "posts": archived.get("posts", 0),
                    "comments": archived.get("comments", 0),
                }
            )
    return rows


def _optional(text: str | None) -> str | None:
    return None if text is None else printable(text)


def _safe(value: object) -> str:
    """Text from outside, ready for a rich markup string: no control characters, no markup."""
    return escape(printable(value))


def _minute(stamp: str | None) -> str | None:
    """An ISO stamp shortened to the minute, for narrow terminals ("now" stays "now")."""
    if not stamp or stamp == "now":
        return stamp
    return stamp[:16].replace("T", " ")


def print_status(
    rows: list[dict[str, Any]], lock_holder: str | None, console: Console | None = None
) -> None:
    console = console or Console(highlight=False)
    if lock_holder:
        console.print(f"A run is in progress ({_safe(lock_holder)}).")
    table = Table()
    widest = max((len(str(row["site"])) for row in rows), default=4)
    table.add_column("site", no_wrap=True, min_width=widest)
    for heading in ("last run", "status", "next due", "posts", "comments", "incomplete", "failed"):
        table.add_column(heading)
    for row in rows:
        table.add_row(
            _safe(row["site"]),
            _minute(row.get("last_run")) or "never",
            _safe(row.get("last_run_status") or "-"),
            _minute(row.get("next_due")) or "-",
            str(row.get("posts", 0)),
            str(row.get("comments", 0)),
            str(row.get("incomplete_threads", 0)),
            str(len(row.get("failed_last_run", []))),
        )
    console.print(table)
    for row in rows:
        for failure in row.get("failed_last_run", [])[:10]:
            console.print(
                f"[red]{_safe(row['site'])}[/red] {_safe(failure['url'])}: "
                f"{_safe(str(failure['reason']))}"
            )
    for row in rows:
        for weak in row.get("weakest_extraction", []):
            gaps = "; ".join(note for note in weak["notes"] if "extraction" not in note)
            console.print(
                f"[yellow]{_safe(row['site'])}[/yellow] read poorly ({weak['score']:.2f}): "
                f"{_safe(weak['url'])} {_safe(gaps)}"
            )


def print_workers(workers: list[dict[str, Any]] | str) -> None:
    """`status` under [distributed]: what each worker is doing and has done (from the broker)."""
    console = Console(highlight=False)
    if isinstance(workers, str):
        console.print(_safe(workers))
        return
    if not workers:
        console.print("No worker has reported to the broker yet.")
        return
    table = Table(title="workers")
    for heading in ("worker", "run", "sites running", "sites done", "pages", "failed", "seen"):
        table.add_column(heading)
    for row in workers:
        seen = datetime.fromtimestamp(row["updated_at"], UTC).isoformat(timespec="seconds")
        table.add_row(
            _safe(row["worker"]),
            str(row["run"]),
            _safe(", ".join(row["sites_running"]) or "-"),
            str(row["sites_done"]),
            str(row["pages_done"]),
            str(row["pages_failed"]),
            seen,
        )
    console.print(table)
