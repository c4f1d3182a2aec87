"""The `blogarchive` command line: the one module that wires the scraper to the archive."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from archive.db import Archive
from archive.lock import describe as describe_lock
from scraper import __version__
from scraper.core.config import Config, load_config
from scraper.core.errors import (
    BlogArchiveError,
    ConfigError,
    FetchError,
    LockedError,
    NotFoundError,
    ParseError,
    UnusableArchiveError,
)
from scraper.core.models import RunReport

EXIT_OK, EXIT_FAILED_PAGES, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
# A run stopped by a signal: the shell's 128 + signal number (Ctrl-C, and SIGTERM after the
# pages in hand were archived and the run was recorded as interrupted).
EXIT_SIGINT, EXIT_SIGTERM = 130, 143
DEFAULT_CONFIG = Path("config.toml")


def _fail(message: str, code: int, *, log_json: bool = False) -> NoReturn:
    from scraper.core.sanitise import printable  # errors may quote a page or a server

    if log_json:  # `run --log-json`: a log collector gets the fatal error as an event too
        from scraper.app.runlog import emit

        emit("fatal", error=message, exit_code=code)
    click.echo(f"blogarchive: {printable(message)}", err=True)
    sys.exit(code)


@contextmanager
def translate_errors(*, log_json: bool = False) -> Iterator[None]:
    """Map the exception tree to exit codes and one clear line on stderr (and, for `run
    --log-json`, a `fatal` JSON event)."""
    try:
        yield
    except ConfigError as error:
        _fail(f"configuration error: {error}", EXIT_USAGE, log_json=log_json)
    except LockedError as error:
        _fail(str(error), EXIT_LOCKED, log_json=log_json)
    except UnusableArchiveError as error:
        # The archive cannot be opened, created or trusted: nothing ran, so not C4's 1.
        _fail(str(error), EXIT_USAGE, log_json=log_json)
    except sqlite3.DatabaseError as error:  # damage found mid-command, after the open
        _fail(f"the archive cannot be read or written: {error}", EXIT_USAGE, log_json=log_json)
    except (ParseError, FetchError, NotFoundError) as error:
        _fail(str(error), 1, log_json=log_json)
    except BlogArchiveError as error:
        _fail(str(error), 1, log_json=log_json)


def _config_for(config_path: Path | None) -> Config:
    """The named config file (must exist), else ./config.toml if present, else defaults."""
    if config_path is not None:
        return load_config(config_path, required=True)
    return load_config(DEFAULT_CONFIG, required=False)


def default_db_path() -> str:
    """Where query commands look without --db: ./config.toml's archive path, else ./archive.db."""
    try:
        return _config_for(None).archive.path
    except ConfigError:
        return "archive.db"


# The query commands (archive/commands.py) and what they draw with load only when one of them
# is asked for: an hourly cron `run` would otherwise pay for them at every start.
QUERY_COMMANDS = (
    "search",
    "show",
    "history",
    "stats",
    "export",
    "sql",
    "datasette-metadata",
    "spam",
)


class _Commands(click.Group):
    """The CLI group; the query commands join it on first lookup."""

    _queries_added = False

    def _add_queries(self) -> None:
        if not self._queries_added:
            from archive.commands import register

            self._queries_added = True
            register(self, default_db_path)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in QUERY_COMMANDS:
            self._add_queries()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_queries()
        return super().list_commands(ctx)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="blogarchive")
def cli() -> None:
    """Scrape blogs into a dated SQLite archive of posts, comments and replies."""


@cli.command()
@click.argument("source")
@click.option("--url", "page_url", help="The page's original URL (for a saved file).")
@click.option("--json", "as_json", is_flag=True, help="Print the parsed page as one JSON object.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file.")
@click.option(
    "--fetched-at",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    help="When the page was fetched (ISO, UTC if no offset): relative times such as '2 hours"
    " ago' are read against it. Default: now for a URL, the file's modification time for a file.",
)
def parse(
    source: str,
    page_url: str | None,
    as_json: bool,
    config_path: Path | None,
    fetched_at: datetime | None,
) -> None:
    """Parse one saved HTML file or one http(s) URL into post and comments."""
    from scraper.app.single import load_source, source_time
    from scraper.parse.page import parse_page

    with translate_errors():
        body, content_type, url = load_source(source, page_url, _config_for(config_path).fetch)
        when = fetched_at or source_time(source)
        parsed = parse_page(body, url, content_type=content_type, fetched_at=when)
    if as_json:
        click.echo(json.dumps(parsed.to_dict(), ensure_ascii=False, indent=2))
        return
    from scraper.app.render import print_parsed

    print_parsed(parsed)


@cli.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file.")
@click.option("--db", "db_path", help="Archive file (overrides [archive] path).")
@click.option("--site", "site_names", multiple=True, help="Only this site (repeatable).")
@click.option("--force", is_flag=True, help="Run sites even when they are not yet due.")
@click.option("--log-json", is_flag=True, help="One JSON object per event on stderr.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def run(
    config_path: Path | None,
    db_path: str | None,
    site_names: tuple[str, ...],
    force: bool,
    log_json: bool,
    quiet: bool,
) -> None:
    """One scheduled run: discover, fetch, parse and archive every due site."""
    with translate_errors(log_json=log_json):
        config = load_config(config_path or DEFAULT_CONFIG, required=True)
        if db_path:
            config = replace(config, archive=replace(config.archive, path=db_path))
        for name in site_names:
            config.site(name)  # unknown names are usage errors
        if log_json:
            from scraper.app.runlog import emit

            emit("run_started", archive=config.archive.path, force=force,
                 sites=list(site_names) or [site.name for site in config.sites])  # fmt: skip
        try:
            report = _run_pipeline(config, site_names, force=force, log_json=log_json, quiet=quiet)
        except KeyboardInterrupt:  # click would call it "Aborted!" and exit 1, C4's "some failed"
            _fail(
                "interrupted (Ctrl-C); the run is recorded as interrupted",
                EXIT_SIGINT,
                log_json=log_json,
            )
    code = EXIT_FAILED_PAGES if report.pages_failed else EXIT_OK
    if report.interrupted:
        code = EXIT_SIGTERM
    if log_json:
        from scraper.app.runlog import run_finished

        run_finished(report, code)
    if report.interrupted:
        _fail("stopped by SIGTERM; the run is recorded as interrupted", EXIT_SIGTERM)
    sys.exit(code)


def _run_pipeline(
    config: Config,
    site_names: tuple[str, ...],
    *,
    force: bool,
    log_json: bool,
    quiet: bool,
    allow_private: frozenset[str] | None = None,
    summary: bool | None = None,
) -> RunReport:
    from scraper.run.pipeline import run_once
    from scraper.run.progress import make_reporter

    reporter = make_reporter(log_json=log_json, quiet=quiet)
    try:
        with Archive.open(config.archive.path) as archive, archive.lock():
            report = asyncio.run(
                run_once(
                    config,
                    archive,
                    only=site_names,
                    force=force,
                    reporter=reporter,
                    allow_private=allow_private,
                )
            )
            if log_json:
                _log_skipped(config, site_names, archive, report)
    finally:
        reporter.close()
    # Cron mails whatever a job prints: the summary is for people at a terminal.
    if not quiet and (summary if summary is not None else sys.stdout.isatty()):
        from scraper.app.render import print_run_summary

        print_run_summary(report, config.archive.path)
    return report


def _log_skipped(
    config: Config, named: tuple[str, ...], archive: Archive, report: RunReport
) -> None:
    """A `site_skipped` event for each site this run was to cover but left alone (not due)."""
    from scraper.app.runlog import emit
    from scraper.run.pipeline import retry_after

    covered = {site.site for site in report.sites}
    for site in config.sites:
        if named and site.name not in named:
            continue
        if site.name in covered:
            continue
        last = archive.last_run_at(site.name)
        due = (last + retry_after(archive, site)).isoformat() if last is not None else None
        emit("site_skipped", site=site.name, reason="not due yet", next_due=due)


@cli.command()
@click.option("--db", "db_path", default="demo-archive.db", show_default=True, help="Archive file.")
@click.option("--keep-serving", is_flag=True, help="Keep the demo blog up after the scrape.")
def demo(db_path: str, keep_serving: bool) -> None:
    """Serve the bundled demo blog on 127.0.0.1 and archive it completely."""
    from scraper.app.demo_run import run_demo

    with translate_errors():
        report = run_demo(
            db_path,
            keep_serving=keep_serving,
            runner=_run_pipeline,
            first_post_id=_busiest_post,
            describe=_archive_summary,
        )
    sys.exit(EXIT_FAILED_PAGES if report.pages_failed else EXIT_OK)


def _archive_summary(db_path: str) -> str:
    """One sentence on what an archive holds, for the demo's closing words."""
    with Archive.open(db_path, readonly=True) as archive:
        posts, sites = archive.conn.execute(
            "SELECT count(*), count(DISTINCT site) FROM posts"
        ).fetchone()
        comments, replies, deleted, by_author, pingbacks, deepest, spam = archive.conn.execute(
            "SELECT count(*), count(parent_id), coalesce(sum(deleted), 0),"
            " coalesce(sum(by_post_author), 0), coalesce(sum(kind != 'comment'), 0),"
            " coalesce(max(depth), 0), coalesce(sum(spam), 0) FROM comments"
        ).fetchone()
    return (
        f"\nArchived {posts} posts from {sites} blogs with {comments} comments into {db_path}: "
        f"{replies} replies (up to depth {deepest}), {by_author} by the post's author, "
        f"{deleted} deleted by their author, {pingbacks} pingbacks/trackbacks, "
        f"{spam} flagged as spam (kept; `--spam exclude` leaves them out)."
    )


def _busiest_post(db_path: str) -> str | None:
    """The id of the post with the most comments, for the demo's "try next" hints."""
    with Archive.open(db_path, readonly=True) as archive:
        row = archive.conn.execute(
            "SELECT post_id FROM comments GROUP BY post_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    return str(row[0]) if row else None


@cli.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file.")
@click.option("--db", "db_path", help="Archive file (overrides [archive] path).")
@click.option("--site", "site_name", help="Only this site's pages.")
def reparse(config_path: Path | None, db_path: str | None, site_name: str | None) -> None:
    """Rebuild posts and comments from the stored raw pages with the current parsers (offline)."""
    from archive.queries import require_site
    from scraper.app.reparse import reparse_archive

    with translate_errors():
        config = _config_for(config_path)
        path = db_path or config.archive.path
        if not Path(path).exists():
            raise NotFoundError(f"no archive at {path}")
        with Archive.open(path) as archive, archive.lock():
            require_site(archive.conn, site_name)
            counts = reparse_archive(archive, site=site_name)
    click.echo(
        f"reparsed {counts.pages} pages: {counts.posts} posts, {counts.comments_new} new and "
        f"{counts.comments_changed} changed comments, {counts.failed} failed"
    )
    sys.exit(EXIT_FAILED_PAGES if counts.failed else EXIT_OK)


@cli.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file.")
@click.option("--db", "db_path", help="Archive file (overrides [archive] path).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def status(config_path: Path | None, db_path: str | None, as_json: bool) -> None:
    """Per site: last run, next due, failed pages, incomplete threads, weakest extraction."""
    from archive import queries as archive_queries
    from scraper.app.status import print_status, site_status
    from scraper.run.pipeline import retry_after

    with translate_errors():
        config = _config_for(config_path)
        path = db_path or config.archive.path
        if not Path(path).exists():
            raise NotFoundError(f"no archive at {path}")
        with Archive.open(path, readonly=True) as archive:
            stats = {row.site: row.to_dict() for row in archive_queries.stats(archive.conn)}
            failures = {
                site.name: archive_queries.last_failures(archive.conn, site.name)
                for site in config.sites
            }
            last_runs = {site.name: archive.last_run_at(site.name) for site in config.sites}
            due_after = {site.name: retry_after(archive, site) for site in config.sites}
            weakest = {
                site.name: archive_queries.weakest_posts(archive.conn, site.name)
                for site in config.sites
            }
        rows = site_status(config, stats, failures, last_runs, weakest=weakest, due_after=due_after)
        holder = describe_lock(Path(path))
    if as_json:
        click.echo(json.dumps({"lock": holder, "sites": rows}, ensure_ascii=False, indent=2))
    else:
        print_status(rows, holder)


def main(argv: list[str] | None = None) -> Any:
    """Console entry point (one command per process)."""
    runner: Callable[..., Any] = cli.main
    return runner(args=argv, prog_name="blogarchive")
