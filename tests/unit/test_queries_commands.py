"""The query commands through click's CliRunner on a real archive file."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest
from archive_builders import URL, at, comment, fetched, open_archive, parsed, store
from click.testing import CliRunner

from archive.commands import register
from archive.db import Archive
from archive.ids import comment_id
from scraper.core.models import RunReport

WP = "{http://wordpress.org/export/1.2/}"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    with open_archive(tmp_path) as archive:
        first = parsed((comment("1", "Roses need sun"), comment("2", "Agreed, sun!", parent="1"),
                        comment("3", "Tulips\x1b[31m too", author="Bob")))  # fmt: skip
        store(archive, first, at(0))
        gone = comment("2", "This comment has been removed by the author.", parent="1",
                       deleted=True)  # fmt: skip
        store(archive, parsed((comment("1", "Roses need sun"), gone)), at(1))
        run = archive.start_run(["demo"], at(0))
        archive.finish_run(run, RunReport(run, at(0), at(1)), "ok")
    return tmp_path / "archive.db"


def cli(default: Path) -> click.Group:
    group = click.Group("blogarchive")
    register(group, lambda: str(default))
    return group


def run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli(db), list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_search_json_and_text(db: Path) -> None:
    code, out = run(db, "search", "sun", "--json")
    assert code == 0
    hits = json.loads(out)["hits"]
    assert {hit["kind"] for hit in hits} == {"comment"}
    assert any("sun" in hit["snippet"] and "**" not in hit["snippet"] for hit in hits)
    code, out = run(db, "search", "roses", "--in", "posts", "--json")
    assert [hit["kind"] for hit in json.loads(out)["hits"]] == []
    code, out = run(db, "search", "gardens", "--in", "posts")
    assert code == 0
    assert "A first post" in out
    code, out = run(db, "search", "tulips", "--author", "bob", "--json")
    assert len(json.loads(out)["hits"]) == 1
    code, out = run(db, "search", "tulips", "--author", "ann", "--json")
    assert json.loads(out)["hits"] == []
    code, out = run(db, "search", 'sun" OR (', "--json")  # not FTS syntax: searched as words
    assert code == 0
    code, out = run(db, "search", "sun", "--since", "not a date")
    assert code == 1
    assert "--since" in out


def test_show_tree_and_json(db: Path) -> None:
    code, out = run(db, "show", URL)
    assert code == 0
    assert "Roses need sun" in out
    assert "[deleted]" in out
    assert "[removed from the page" in out
    assert "\x1b[31m" not in out  # control characters from archived text never reach the terminal
    code, out = run(db, "show", URL, "--json")
    tree = json.loads(out)
    assert tree["comments"][0]["replies"][0]["deleted"] is True
    assert len(tree["comments"]) == 2  # comment 1 (with its reply) and the removed comment 3
    code, out = run(db, "show", "no-such-post")
    assert code == 1
    assert "no post" in out
    code, out = run(db, "history", "no-such-thing")
    assert code == 1
    assert "no comment or post 'no-such-thing'" in out


def test_history_of_deleted_comment(db: Path) -> None:
    with Archive.open(db, readonly=True) as archive:
        (pid,) = archive.conn.execute("SELECT id FROM posts").fetchone()
    code, out = run(db, "history", comment_id(pid, "2"), "--json")
    data = json.loads(out)
    assert [v["text"] for v in data["versions"]] == [
        "Agreed, sun!",
        "This comment has been removed by the author.",
    ]
    assert "-Agreed, sun!" in data["diffs"][0]
    code, out = run(db, "history", URL)
    assert code == 0
    assert "one version" in out
    code, out = run(db, "history", "ffff")
    assert code == 1


def test_stats(db: Path) -> None:
    code, out = run(db, "stats", "--json")
    (site,) = json.loads(out)
    assert (site["posts"], site["comments"], site["authors"], site["last_run_status"]) == (
        1, 3, 3, "ok",
    )  # fmt: skip
    code, out = run(db, "stats")
    assert code == 0
    assert "demo" in out
    code, out = run(db, "stats", "--site", "nope")
    assert code == 1


def test_exports(db: Path, tmp_path: Path) -> None:
    code, out = run(db, "export", "--format", "jsonl")
    (line,) = out.splitlines()
    assert len(json.loads(line)["comments"]) == 3
    code, out = run(db, "export", "--format", "json")
    assert json.loads(out)[0]["url"] == URL
    code, out = run(db, "export", "--format", "csv")
    records = list(csv.DictReader(io.StringIO(out)))
    assert [r["record_type"] for r in records] == ["post", "comment", "comment", "comment"]
    target = tmp_path / "out.xml"
    code, out = run(db, "export", "--format", "wxr", "--output", str(target))
    assert code == 0
    root = ET.parse(target).getroot()
    comments = root.findall(f"./channel/item/{WP}comment")
    ids = {c.findtext(f"{WP}comment_id"): c for c in comments}
    reply = next(c for c in comments if c.findtext(f"{WP}comment_parent") != "0")
    parent = ids[reply.findtext(f"{WP}comment_parent")]
    assert "Roses" in (parent.findtext(f"{WP}comment_content") or "")
    code, out = run(db, "export", "--format", "jsonl", "--since", "2030-01-01")
    assert out == ""
    code, out = run(db, "export", "--format", "wxr", "--output", str(tmp_path))
    assert code == 1
    assert "directory" in out
    link = tmp_path / "link.xml"
    link.symlink_to(tmp_path / "elsewhere.xml")
    code, out = run(db, "export", "--format", "json", "--output", str(link))
    assert code == 1
    assert not (tmp_path / "elsewhere.xml").exists()


def test_sql_read_only(db: Path) -> None:
    code, out = run(db, "sql", "SELECT count(*) AS n FROM comments", "--json")
    assert json.loads(out) == [{"n": 3}]
    code, out = run(db, "sql", "SELECT author FROM comments WHERE author = :a", "-p", "a", "Bob",
                    "--csv")  # fmt: skip
    assert out.splitlines() == ["author", "Bob"]
    code, out = run(db, "sql", "SELECT id, deleted FROM comments")
    assert code == 0
    assert "deleted" in out
    for write in ("DELETE FROM comments", "PRAGMA query_only = OFF",
                  "ATTACH 'x.db' AS x", "CREATE TABLE t (x)"):  # fmt: skip
        code, out = run(db, "sql", write)
        assert code == 1, write
        assert "read-only" in out, write
    code, out = run(db, "sql", "SELEC nonsense")
    assert code == 1
    assert "SQL error" in out
    with Archive.open(db, readonly=True) as archive:
        assert archive.conn.execute("SELECT count(*) FROM comments").fetchone() == (3,)


def test_missing_db_and_datasette_metadata(db: Path, tmp_path: Path) -> None:
    code, out = run(db, "stats", "--db", str(tmp_path / "missing.db"))
    assert code == 2  # no archive to read: a fatal error, not "some pages failed"
    assert "no archive" in out
    assert not (tmp_path / "missing.db").exists()
    target = tmp_path / "metadata.json"
    code, out = run(db, "datasette-metadata", "--output", str(target))
    meta = json.loads(target.read_text())
    tables = meta["databases"]["archive"]["tables"]
    assert "site" in tables["comments"]["facets"]  # FTS: Datasette finds it (test_datasette.py)
    assert meta["databases"]["archive"]["queries"]["threads"]["sql"]


def test_an_ambiguous_url_and_an_empty_query_are_refused(db: Path) -> None:
    other = "https://demo.example/2024/03/second-post.html"
    with Archive.open(db) as archive:  # a second post whose page was fetched at URL
        archive.store_page("demo", fetched(url=URL, when=at(2)), parsed(url=other),
                           observed_at=at(2), thread_complete=True)  # fmt: skip
    code, out = run(db, "show", URL)
    assert code == 1
    assert "matches several posts" in out
    code, out = run(db, "show", other)
    assert code == 0
    code, out = run(db, "search", "  ")
    assert code == 1
    assert "the search query is empty" in out


def test_the_cli_knows_every_query_command_before_loading_them(db: Path) -> None:
    """The main CLI loads the query commands only when one is named; its list must match."""
    from scraper.cli import QUERY_COMMANDS

    assert sorted(cli(db).commands) == sorted(QUERY_COMMANDS)


def test_csv_export_defuses_cells_a_spreadsheet_would_run(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        hostile = comment("1", "-1 for this post", author='=HYPERLINK("http://x.example","y")')
        store(archive, parsed((hostile, comment("2", "Plain words"))), at(0))
    code, out = run(tmp_path / "archive.db", "export", "--format", "csv")
    assert code == 0
    rows = {r["post_id"] + r["text"]: r for r in csv.DictReader(io.StringIO(out))}
    bad = next(r for r in rows.values() if r["text"].startswith("'-1"))
    assert bad["author"] == '\'=HYPERLINK("http://x.example","y")'
    assert bad["text"] == "'-1 for this post"
    assert any(r["text"] == "Plain words" for r in rows.values())


def test_datasette_metadata_follows_db_and_refuses_what_is_no_archive(
    db: Path, tmp_path: Path
) -> None:
    named = tmp_path / "demo-archive.db"
    named.write_bytes(db.read_bytes())
    code, out = run(db, "datasette-metadata", "--db", str(named))
    assert code == 0
    assert list(json.loads(out)["databases"]) == ["demo-archive"]
    code, out = run(db, "datasette-metadata", "--db", str(tmp_path / "missing.db"))
    assert code == 2
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, just some words " * 50, encoding="utf-8")
    code, out = run(db, "datasette-metadata", "--db", str(text))
    assert code == 2
    assert "Traceback" not in out


@pytest.mark.parametrize("command", [["search", "sun"], ["export", "--format", "jsonl"], ["stats"]])
def test_a_site_the_archive_does_not_have_is_an_error(db: Path, command: list[str]) -> None:
    code, out = run(db, *command, "--site", "nosuch")
    assert code == 1
    assert "no site 'nosuch'" in out
    assert "demo" in out  # the sites it does have


def test_history_of_a_removed_comment_says_when_it_vanished(db: Path) -> None:
    with Archive.open(db, readonly=True) as archive:
        (pid,) = archive.conn.execute("SELECT id FROM posts").fetchone()
    gone = comment_id(pid, "3")  # on the first fetch, missing from the second (whole) one
    code, out = run(db, "history", gone, "--json")
    data = json.loads(out)
    assert data["removed_at"] == at(1).isoformat()
    assert data["last_seen_at"] == at(0).isoformat()
    code, out = run(db, "history", gone)
    assert code == 0
    assert "removed from its page" in out
    kept = json.loads(run(db, "history", comment_id(pid, "1"), "--json")[1])
    assert kept["removed_at"] is None
