"""The C5 query commands (search, show, history, stats, export, sql, datasette-metadata)."""

from __future__ import annotations

import csv
import functools
import itertools
import json
import sqlite3
import sys
from collections.abc import Callable
from contextlib import ExitStack
from contextlib import closing as _closing
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from rich.console import Console

from archive import export as exporting
from archive import queries, render
from archive.datasette import metadata
from archive.db import connect
from archive.export import spreadsheet_safe
from archive.search import search as run_search
from archive.spamfilter import SPAM_MODES, SpamMode
from archive.sqllimits import limited
from scraper.core.errors import BlogArchiveError, UnusableArchiveError

F = TypeVar("F", bound=Callable[..., Any])
# Authorizer action codes (sqlite3.h): the read-only `sql` command refuses these outright.
_SQLITE_PRAGMA, _SQLITE_ATTACH, _SQLITE_DETACH = 19, 24, 25


def _friendly(func: F) -> F:
    """Archive errors become one-line messages with exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UnusableArchiveError as error:  # cannot open, newer schema, damaged: fatal, exit 2
            click.echo(f"Error: {error}", err=True)
            sys.exit(2)
        except sqlite3.DatabaseError as error:  # damage found mid-query
            click.echo(f"Error: the archive cannot be read: {error}", err=True)
            sys.exit(2)
        except BlogArchiveError as error:
            raise click.ClickException(str(error)) from error

    return wrapper  # type: ignore[return-value]


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _open(db: str) -> sqlite3.Connection:
    conn = connect(db, readonly=True)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _sql_authorizer(action: int, arg1: str | None, arg2: str | None, *_: str | None) -> int:
    if action in {_SQLITE_ATTACH, _SQLITE_DETACH}:
        return sqlite3.SQLITE_DENY
    if action == _SQLITE_PRAGMA and arg2 is not None:  # setting a pragma, not reading one
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


Resolve = Callable[[str | None], str]


def _db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False),
        default=None,
        help="Archive file (default: [archive] path in ./config.toml, else ./archive.db).",
    )(func)


def _spam_option(func: F) -> F:
    return click.option(
        "--spam", type=click.Choice(SPAM_MODES), default="include", show_default=True,
        help="Leave spam comments out, show only them, or include them.",
    )(func)  # fmt: skip


def register(group: click.Group, default_db: Callable[[], str]) -> None:
    """Add the query commands to the CLI group; `default_db` resolves --db when not given."""

    def resolve(db: str | None) -> str:
        return db if db is not None else default_db()

    for factory in (_search, _show, _history, _stats, _export, _sql, _datasette, _spam):
        group.add_command(factory(resolve))


def _search(resolve: Resolve) -> click.Command:
    # Unknown options are query words: `search -draft` searches "-draft" (a `--` word is refused).
    @click.command("search", context_settings={"ignore_unknown_options": True})
    @click.argument("words", nargs=-1, required=True)
    @_db_option
    @click.option("--site", help="Only this site.")
    @click.option("--author", help="Only this author (case-insensitive, exact).")
    @click.option("--since", help="Only items published on or after this date (YYYY-MM-DD).")
    @click.option(
        "--in", "where", type=click.Choice(["posts", "comments", "all"]), default="all",
        show_default=True, help="Search posts, comments or both.",
    )  # fmt: skip
    @click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
    @_spam_option
    @_friendly
    def search_command(
        words: tuple[str, ...], db: str | None, site: str | None, author: str | None,
        since: str | None, where: str, limit: int, as_json: bool, spam: SpamMode,
    ) -> None:  # fmt: skip
        """Full-text search of posts and comments (FTS5 syntax: "exact phrase", OR, prefix*).

        Text that is not FTS5 syntax is searched as plain words, and the output says so."""
        unknown = [word for word in words if word.startswith("--") and word != "--"]
        if unknown:
            raise click.UsageError(f"no such option: {unknown[0]}")
        query = " ".join(words)
        with _closing(_open(resolve(db))) as conn:
            queries.require_site(conn, site)
            result = run_search(
                conn, query, where=where, site=site, author=author, since=since,  # type: ignore[arg-type]
                limit=limit, spam=spam,
            )  # fmt: skip
        if as_json:
            _echo_json(
                {
                    "query": query,
                    "total": result.total,
                    "hits": [hit.to_dict("", "") for hit in result.hits],  # plain snippets
                    "exhaustive": result.exhaustive,
                    "notes": list(result.notes),
                }
            )
        else:
            for note in result.notes:
                click.echo(f"note: {render.clean(note)}", err=True)
            _console().print(render.search_view(result))

    return search_command


def _show(resolve: Resolve) -> click.Command:
    @click.command("show")
    @click.argument("post")
    @_db_option
    @click.option("--json", "as_json", is_flag=True, help="The post with a nested comment tree.")
    @click.option(
        "--versions",
        "all_versions",
        is_flag=True,
        help="Also every earlier text of edited comments (deleted and removed ones always show"
        " what they said before).",
    )
    @_spam_option
    @_friendly
    def show_command(
        post: str, db: str | None, as_json: bool, all_versions: bool, spam: SpamMode
    ) -> None:
        """A post (by id or URL) and its comment thread; [edited], [deleted] and [removed]
        comments are marked, and what deleted or removed ones said before is shown."""
        with _closing(_open(resolve(db))) as conn:
            thread = queries.show(conn, post, spam)
        if as_json:
            _echo_json(thread.to_dict())
        else:
            console = _console()
            console.print(render.thread_view(thread, console.width, all_versions))

    return show_command


def _history(resolve: Resolve) -> click.Command:
    @click.command("history")
    @click.argument("record")
    @_db_option
    @click.option("--json", "as_json", is_flag=True, help="Versions and diffs as JSON.")
    @_friendly
    def history_command(record: str, db: str | None, as_json: bool) -> None:
        """Every archived version of a comment (id) or post (id or URL), with diffs."""
        with _closing(_open(resolve(db))) as conn:
            found = queries.history(conn, record)
        if as_json:
            _echo_json(found.to_dict())
        else:
            _console().print(render.history_view(found))

    return history_command


def _stats(resolve: Resolve) -> click.Command:
    @click.command("stats")
    @_db_option
    @click.option("--site", help="Only this site.")
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    @_spam_option
    @_friendly
    def stats_command(db: str | None, site: str | None, as_json: bool, spam: SpamMode) -> None:
        """Per site: posts, comments, authors, first/last post, last run, incomplete threads."""
        with _closing(_open(resolve(db))) as conn:
            found = queries.stats(conn, site, spam)
        if as_json:
            _echo_json([item.to_dict() for item in found])
        else:
            _console().print(render.stats_view(found))

    return stats_command


def _export(resolve: Resolve) -> click.Command:
    @click.command("export")
    @_db_option
    @click.option("--format", "fmt", type=click.Choice(exporting.FORMATS), required=True)
    @click.option("--site", help="Only this site.")
    @click.option("--since", help="Only posts published on or after this date.")
    @click.option("--output", type=click.Path(allow_dash=True), default="-",
                  help="File to write (default: standard output).")  # fmt: skip
    @click.option("--with-versions", "versions", is_flag=True,
                  help="jsonl/json: every archived version of each post and comment, in"
                  " `versions` (oldest first).")  # fmt: skip
    @_spam_option
    @_friendly
    def export_command(
        db: str | None, fmt: str, site: str | None, since: str | None, output: str,
        versions: bool, spam: SpamMode,
    ) -> None:  # fmt: skip
        """Export posts with their comments as jsonl, json, csv or WordPress WXR (streamed)."""
        if versions and fmt not in exporting.VERSIONED_FORMATS:
            # Before --output is opened: a usage error must not truncate an existing file.
            raise click.UsageError(
                f"--with-versions needs --format {' or '.join(exporting.VERSIONED_FORMATS)}"
            )
        with ExitStack() as stack:
            conn = stack.enter_context(_closing(_open(resolve(db))))
            queries.require_site(conn, site)
            out: TextIO = (
                sys.stdout if output == "-" else stack.enter_context(exporting.open_output(output))
            )
            count = exporting.export(
                conn, fmt, out, site=site, since=since, spam=spam, versions=versions
            )
        if output != "-":
            click.echo(f"wrote {count} posts to {output}", err=True)

    return export_command


def _sql(resolve: Resolve) -> click.Command:
    @click.command("sql")
    @click.argument("query")
    @_db_option
    @click.option("-p", "--param", "params", type=(str, str), multiple=True,
                  help="A named parameter for :name in the query.")  # fmt: skip
    @click.option("--json", "fmt", flag_value="json", help="Rows as a JSON array of objects.")
    @click.option("--csv", "fmt", flag_value="csv", help="Rows as CSV with a header.")
    @click.option("--table", "fmt", flag_value="table", default=True, help="A table (default).")
    @click.option(
        "--timeout",
        type=click.FloatRange(min=0),
        default=DEFAULT_SQL_TIMEOUT,
        show_default=True,
        help="Stop the query after this many seconds (0: no limit).",
    )
    @_friendly
    def sql_command(
        query: str,
        db: str | None,
        params: tuple[tuple[str, str], ...],
        fmt: str,
        timeout: float,
    ) -> None:
        """Run one read-only SQL statement (the archive is opened read-only).

        Rows stream out as they are read (--json, --csv); the terminal table shows the first
        1,000. A query stops after --timeout seconds, or on Ctrl-C (exit 130).
        """
        with _closing(_open(resolve(db))) as conn, limited(conn, timeout) as limits:
            conn.set_authorizer(_sql_authorizer)
            try:
                cursor = conn.execute(query, dict(params))
                columns = [column[0] for column in cursor.description or ()]
                _write_rows(fmt, columns, cursor)
            except (sqlite3.Error, sqlite3.Warning) as error:
                if limits.stopped == "interrupt":
                    click.echo("Interrupted: the query was stopped.", err=True)
                    sys.exit(130)
                if limits.stopped == "time":
                    raise click.ClickException(
                        f"the query took longer than {timeout:g} s and was stopped"
                        " (--timeout SECONDS allows more, 0 no limit)"
                    ) from error
                message = str(error)
                if "readonly" in message or "not authorized" in message:
                    raise click.ClickException(
                        f"the sql command is read-only; {message}"
                    ) from error
                raise click.ClickException(f"SQL error: {message}") from error

    return sql_command


def _datasette(resolve: Resolve) -> click.Command:
    @click.command("datasette-metadata")
    @_db_option
    @click.option("--output", type=click.Path(allow_dash=True), default="-",
                  help="File to write (default: standard output).")  # fmt: skip
    @_friendly
    def datasette_command(db: str | None, output: str) -> None:
        """Metadata for `datasette archive.db -m metadata.json`: threads query, facets, notes.

        Keyed by the archive file's name, as Datasette names the database (`--db
        demo-archive.db` gives `demo-archive`); a missing or non-archive file is refused.
        """
        path = resolve(db)
        with _closing(_open(path)) as conn:  # refuses a missing file or one that is no archive
            if (
                conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'comments_fts'").fetchone()
                is None
            ):
                raise UnusableArchiveError(f"{path} is not a blogarchive archive")
        text = json.dumps(metadata(Path(path).stem), indent=2) + "\n"
        if output == "-":
            click.echo(text, nl=False)
        else:
            with exporting.open_output(output) as out:
                out.write(text)

    return datasette_command


def _write_rows(fmt: str, columns: list[str], cursor: sqlite3.Cursor) -> None:
    out = sys.stdout
    if fmt == "json":
        out.write("[")
        for number, row in enumerate(cursor):
            record = dict(zip(columns, (_plain(value) for value in row), strict=True))
            out.write(("," if number else "") + "\n" + json.dumps(record, ensure_ascii=False))
        out.write("\n]\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow([spreadsheet_safe(column) for column in columns])
        writer.writerows([spreadsheet_safe(_plain(value)) for value in row] for row in cursor)
    else:
        # A table is drawn whole, so it holds at most TABLE_ROWS rows; the others stream.
        shown = list(itertools.islice(cursor, TABLE_ROWS))
        _console().print(render.rows_table(columns, shown))
        if cursor.fetchone() is not None:
            click.echo(f"(the first {TABLE_ROWS} rows; --json or --csv streams them all)", err=True)


# The terminal table's row cap, and the sql command's default time limit (seconds).
TABLE_ROWS = 1000
DEFAULT_SQL_TIMEOUT = 5.0


def _plain(value: object) -> object:
    return value.hex() if isinstance(value, bytes) else value


def _spam(resolve: Resolve) -> click.Command:
    @click.command("spam")
    @_db_option
    @click.option(
        "--rescore",
        is_flag=True,
        help="Recompute the cross-post marks over the whole archive first (takes the lock).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    @_friendly
    def spam_command(db: str | None, rescore: bool, as_json: bool) -> None:
        """How many comments are labelled spam, by signal; --rescore refreshes the cross-post
        marks (page-level scores are refreshed by `blogarchive reparse`)."""
        path = resolve(db)
        changed: tuple[int, int] | None = None
        if rescore:
            from archive.db import Archive

            with Archive.open(path) as archive, archive.lock():
                changed = archive.rescore_spam()
        with _closing(_open(path)) as conn:
            total, flagged = conn.execute(
                "SELECT count(*), coalesce(sum(spam), 0) FROM comments"
            ).fetchone()
            by_reason = dict(
                conn.execute(
                    "SELECT value, count(*) FROM comments, json_each(comments.spam_reasons)"
                    " WHERE comments.spam = 1 GROUP BY value ORDER BY 2 DESC"
                ).fetchall()
            )
        summary: dict[str, Any] = {"comments": total, "spam": flagged, "by_reason": by_reason}
        if changed is not None:
            summary["rescored"] = {"marked": changed[0], "cleared": changed[1]}
        if as_json:
            _echo_json(summary)
            return
        click.echo(f"{flagged} of {total} comments labelled spam")
        for reason, count in by_reason.items():
            click.echo(f"  {count:6d}  {reason}")
        if changed is not None:
            click.echo(f"rescored: {changed[0]} cross-post marks, {changed[1]} cleared")

    return spam_command
