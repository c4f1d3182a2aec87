"""End to end through the real CLI: `blogarchive run` against the demo blogs served on 127.0.0.1."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.demo import DemoServer, demo_truth, expected_totals

C6_TABLES = {
    "sites",
    "runs",
    "fetches",
    "pages",
    "posts",
    "post_versions",
    "comments",
    "comment_versions",
    "posts_fts",
    "comments_fts",
}


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as running:
        yield running


def _write_config(server: DemoServer, folder: Path) -> Path:
    lines = [
        "[fetch]",
        'user_agent = "blogarchive-tests/0.1"',
        "delay = 0",
        "timeout = 10",
        "[revisit]",  # the demo posts are old: look at every one of them on every run
        'middle_every = "0s"',
        'old_every = "0s"',
    ]
    for site in server.sites:
        lines += [
            "[[sites]]",
            f'name = "{site.name}"',
            f'url = "{site.base_url}"',
            'every = "6h"',
        ]
    path = folder / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(config: Path, db: Path, *extra: str) -> int:
    result = CliRunner().invoke(cli, ["run", "--config", str(config), "--db", str(db), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("posts", "comments", "post_versions", "comment_versions", "pages")
        }


def test_two_runs_archive_everything_once(server: DemoServer, tmp_path: Path) -> None:
    config = _write_config(server, tmp_path)
    db = tmp_path / "archive.db"
    assert _run(config, db) == 0

    totals = expected_totals()
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert tables >= C6_TABLES
        assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == totals["posts"]
        # The whole site was listed: later runs may list incrementally.
        assert conn.execute("SELECT count(discovered_at) FROM sites").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == totals["comments"]
        rows = conn.execute(
            """SELECT p.url, c.platform_id, parent.platform_id, c.author, c.deleted,
                      c.by_post_author
               FROM comments c JOIN posts p ON p.id = c.post_id
               LEFT JOIN comments parent ON parent.id = c.parent_id
               ORDER BY p.url, c.position"""
        ).fetchall()
    archived: dict[str, list[tuple[str, str | None, str, bool, bool]]] = {}
    for url, platform_id, parent, author, deleted, by_author in rows:
        archived.setdefault(urlsplit(url).path, []).append(
            (platform_id, parent, author, bool(deleted), bool(by_author))
        )
    truth = {path: [tuple(item) for item in items] for path, items in demo_truth().items()}
    assert {path for path, items in truth.items() if items} <= set(archived)
    for path, items in truth.items():
        assert sorted(archived.get(path, []), key=str) == sorted(items, key=str), path

    first = _counts(db)
    with sqlite3.connect(db) as conn:
        seen_before = conn.execute("SELECT max(last_seen_at) FROM comments").fetchone()[0]

    # Not due yet: a second plain run skips both sites and fetches nothing.
    requests_before = server.request_count()
    assert _run(config, db) == 0
    assert server.request_count() == requests_before

    # Forced: everything is looked at again, nothing is duplicated, only last_seen_at moves.
    assert _run(config, db, "--force") == 0
    assert _counts(db) == first
    with sqlite3.connect(db) as conn:
        seen_after = conn.execute("SELECT max(last_seen_at) FROM comments").fetchone()[0]
        runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
    assert seen_after > seen_before
    assert runs == 3


def test_unknown_site_is_a_usage_error(server: DemoServer, tmp_path: Path) -> None:
    config = _write_config(server, tmp_path)
    result = CliRunner().invoke(
        cli, ["run", "--config", str(config), "--db", str(tmp_path / "a.db"), "--site", "nope"]
    )
    assert result.exit_code == 2
    assert "nope" in result.stderr


def test_bad_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[[sites]]\nname = "a"\nurl = "http://127.0.0.1:9/"\nevery = 6\n')
    result = CliRunner().invoke(cli, ["run", "--config", str(config)])
    assert result.exit_code == 2
    assert "sites[0].every" in result.stderr


def test_an_unreachable_site_fails_the_run_with_reasons(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "config.toml"
    config.write_text(
        f'[fetch]\nretries = 0\ndelay = 0\ntimeout = 2\n[[sites]]\nname = "gone"\n'
        f'url = "http://127.0.0.1:{port}/"\n'
    )
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(cli, ["run", "--config", str(config), "--db", str(db)])
    assert result.exit_code == 1
    assert f"127.0.0.1:{port}" in result.stderr
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT kind, status, reason FROM fetches").fetchall()
        run = conn.execute("SELECT status, pages_failed FROM runs").fetchone()
    assert rows
    assert all(
        kind == "discovery" and status == "failed" and reason for kind, status, reason in rows
    )
    assert run == ("partial", len(rows))


def test_status_reports_schedule_and_failures(server: DemoServer, tmp_path: Path) -> None:
    import json

    config = _write_config(server, tmp_path)
    db = tmp_path / "archive.db"
    missing = CliRunner().invoke(cli, ["status", "--config", str(config), "--db", str(db)])
    assert missing.exit_code == 1
    assert "no archive" in missing.stderr

    assert _run(config, db) == 0
    result = CliRunner().invoke(cli, ["status", "--config", str(config), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["lock"] is None
    by_site = {row["site"]: row for row in data["sites"]}
    assert set(by_site) == {site.name for site in server.sites}
    totals = expected_totals()
    assert sum(row["posts"] for row in by_site.values()) == totals["posts"]
    for row in by_site.values():
        assert row["last_run_status"] == "ok"
        assert row["next_due"] != "now"  # every = 6h: not due again yet
        assert row["failed_last_run"] == []
        assert row["incomplete_threads"] == 0

    table = CliRunner().invoke(cli, ["status", "--config", str(config), "--db", str(db)])
    assert table.exit_code == 0
    for site in server.sites:
        assert site.name in table.stdout


def test_demo_command_archives_the_demo_and_says_what_next(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    totals = expected_totals()
    assert f"Archived {totals['posts']} posts from 2 blogs with {totals['comments']}" in (
        result.stdout
    )
    assert "Try next:" in result.stdout
    assert f"blogarchive stats --db {db}" in result.stdout  # hints work against this archive
    post_id = result.stdout.split("blogarchive show ", 1)[1].split()[0]
    shown = CliRunner().invoke(cli, ["show", post_id, "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        flagged = [row[0] for row in conn.execute("SELECT author FROM comments WHERE spam")]
    assert tables >= C6_TABLES
    # The demo's spam tail (keyword names, praise that fits any post, a shop's address) is
    # flagged and kept; no reader of the demo blogs is.
    assert sorted(flagged) == [
        "cheap prepaid sim numbers online",
        "dịch vụ chuyển nhà giá rẻ tại hà nội",
        "jasa pembuatan website murah",
    ]
    assert "3 flagged as spam (kept; `--spam exclude` leaves them out)" in result.stdout
