"""`blogarchive demo`: serve the bundled demo blogs on 127.0.0.1 and archive them completely."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Protocol

import click

from scraper.core.config import ArchiveConfig, Config, FetchConfig, RevisitConfig, SiteConfig
from scraper.core.errors import ConfigError
from scraper.core.models import RunReport
from scraper.demo import DemoServer

DEMO_USER_AGENT = "blogarchive-demo/0.1 (+local demo)"


class Runner(Protocol):
    def __call__(
        self,
        config: Config,
        site_names: tuple[str, ...],
        *,
        force: bool,
        log_json: bool,
        quiet: bool,
        allow_private: frozenset[str] | None = None,
        summary: bool | None = None,
    ) -> RunReport: ...


def demo_config(server: DemoServer, db_path: str) -> Config:
    """A config for the demo sites: no politeness delay needed against our own local server."""
    sites = tuple(
        SiteConfig(name=site.name, url=site.base_url, platform=site.platform, max_pages=10_000)
        for site in server.sites
    )
    fetch = replace(FetchConfig(), user_agent=DEMO_USER_AGENT, delay=0.0, timeout=10.0)
    # The demo's posts are old: the second run looks at every one again (an unchanged page
    # answers 304), so the comments changed between the runs get their new versions.
    every_run = RevisitConfig(middle_every=timedelta(0), old_every=timedelta(0))
    return Config(archive=ArchiveConfig(path=db_path), fetch=fetch, revisit=every_run, sites=sites)


# The one mark of an archive `blogarchive demo` made: only such a file may be replaced.
DEMO_MARK_TABLE = "blogarchive_demo"
_SIDECARS = ("-wal", "-shm", ".lock")


def made_by_demo(db_path: str) -> bool:
    """Whether `db_path` is an SQLite file carrying the demo's mark (read-only look)."""
    try:
        conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (DEMO_MARK_TABLE,)
        ).fetchone()
    except sqlite3.Error:  # not a database at all (a text file, a damaged file)
        return False
    finally:
        conn.close()
    return row is not None


def mark_as_demo(db_path: str) -> None:
    """Mark a fresh archive as the demo's own, before anything else is written to it."""
    if not Path(db_path).parent.is_dir():
        raise ConfigError("--db", f"cannot create {db_path}: no directory {Path(db_path).parent}")
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {DEMO_MARK_TABLE} (made_at TEXT NOT NULL)")
        conn.execute(f"INSERT INTO {DEMO_MARK_TABLE} VALUES (datetime('now'))")
    conn.close()


def _remove_old_demo_archive(db_path: str) -> None:
    # Each demo serves on fresh ports, so an old demo archive would hold the same posts under
    # other URLs: the demo starts afresh, but only over a file it made itself (issue 14: a
    # mistyped --db must never wipe a real archive or turn a text file into SQLite).
    path = Path(db_path)
    if path.exists() or path.is_symlink():
        if path.is_dir() or not made_by_demo(db_path):
            raise ConfigError(
                "--db",
                f"{db_path} exists and was not made by `blogarchive demo`; refusing to replace"
                " it. Pass another --db (default demo-archive.db) or remove the file yourself.",
            )
    elif any(Path(db_path + suffix).exists() for suffix in ("-wal", "-shm")):
        raise ConfigError(
            "--db",
            f"{db_path} is missing but its -wal/-shm files are there (an archive being"
            " recovered?); refusing to touch them. Pass another --db.",
        )
    else:
        return
    for suffix in ("", *_SIDECARS):
        Path(db_path + suffix).unlink(missing_ok=True)


def run_demo(
    db_path: str,
    *,
    keep_serving: bool,
    runner: Runner,
    first_post_id: Callable[[str], str | None] | None = None,
    describe: Callable[[str], str] | None = None,
    edited_comment: Callable[[str], str | None] | None = None,
) -> RunReport:
    """Serve, scrape into `db_path`, print what was archived and what to try next."""
    _remove_old_demo_archive(db_path)
    mark_as_demo(db_path)
    with DemoServer() as server:
        for site in server.sites:
            click.echo(f"Serving demo {site.platform} blog {site.name!r} at {site.base_url}")
        config = demo_config(server, db_path)
        report = _run(runner, config)
        # Two runs, so that a newcomer sees history at once: between them a reader edits a
        # comment, another deletes theirs and a moderator removes a third.
        server.change_between_runs()
        click.echo(
            "\nBetween the runs a reader edits a comment, another deletes theirs and a"
            " moderator removes a third; the second run archives what changed:"
        )
        second = _run(runner, config)
        report = report if report.pages_failed else second  # the exit code: any run's failures
        if describe is not None:
            click.echo(describe(db_path))
        _print_next_steps(
            db_path,
            first_post_id(db_path) if first_post_id else None,
            edited_comment(db_path) if edited_comment else None,
        )
        if keep_serving:
            click.echo("Serving until Ctrl-C …")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    return report


def _run(runner: Runner, config: Config) -> RunReport:
    return runner(
        config,
        (),
        force=True,
        log_json=False,
        quiet=False,
        allow_private=frozenset({"127.0.0.1", "localhost"}),
        summary=True,
    )


def _print_next_steps(db_path: str, post_id: str | None, comment_id: str | None) -> None:
    db = f" --db {db_path}"
    click.echo("\nTry next:")
    click.echo(f"  blogarchive stats{db}")
    click.echo(f'  blogarchive search "coffee OR soldering"{db}')
    if post_id:
        click.echo(f"  blogarchive show {post_id}{db}")
    if comment_id:
        click.echo(f"  blogarchive history {comment_id}{db}")
    click.echo(
        f'  blogarchive sql "SELECT author, count(*) AS n FROM comments GROUP BY author '
        f'ORDER BY n DESC LIMIT 5"{db}'
    )
