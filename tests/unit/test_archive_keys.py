"""Migration 0008: the keys Datasette follows, FTS as sqlite-utils sees it, every row kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from archive_builders import as_older_version, at, comment, open_archive, parsed, store
from sqlite_utils import Database

from archive.db import Archive
from archive.schema import SCHEMA_VERSION
from scraper.cli import main

FIRST_NEW = "0008_linked_keys"
KEYS = {  # table: {new column: (text id column, table it names)}
    "comments": {"post_seq": ("post_id", "posts"), "parent_seq": ("parent_id", "comments")},
    "comment_versions": {"comment_seq": ("comment_id", "comments")},
    "post_versions": {"post_seq": ("post_id", "posts")},
}
EXCHANGE = ("http_version", "reason_phrase", "request_method", "request_headers",
            "response_headers", "page_hash")  # fmt: skip
PROVENANCE = {"fetches": EXCHANGE, "posts": ("field_sources",), "comments": ("field_sources",)}


def _demo(tmp_path: Path) -> Path:
    """An archive of the bundled demo blogs (run by the CLI), plus edits and removals."""
    path = tmp_path / "demo-archive.db"
    with pytest.raises(SystemExit) as done:
        main(["demo", "--db", str(path)])
    assert done.value.code == 0
    with Archive.open(path) as archive:
        archive.ensure_site("demo", "https://demo.example/", "blogger")
        store(archive, parsed((comment("1", "Roses"), comment("2", "Yes", parent="1"))), at(0))
        store(archive, parsed((comment("1", "Roses, edited"),)), at(1))
    return path


def _snapshot(path: Path) -> dict[str, list[dict[str, Any]]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
            " AND name != '_sqlite_migrations'"
        )
    ]
    snap = {t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in tables}
    conn.close()
    return snap


def _search(path: Path, table: str, words: str) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [
            row[0]
            for row in conn.execute(
                f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ? ORDER BY rowid", (words,)
            )
        ]


@pytest.fixture(scope="module")
def version_7(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("v7")
    path = work / "v7.db"
    as_older_version(_demo(work), path, version=7, first_new=FIRST_NEW)
    return path


def test_a_version_7_archive_keeps_every_row_and_gains_the_keys(
    version_7: Path, tmp_path: Path
) -> None:
    path = tmp_path / "archive.db"
    path.write_bytes(version_7.read_bytes())
    before = _snapshot(path)
    assert len(before["comments"]) > 100
    assert any(row["parent_id"] for row in before["comments"])
    searches = {(t, w): _search(path, t, w) for t in ("posts", "comments")
                for w in ("coffee", "soldering OR roses", "edited")}  # fmt: skip
    assert any(searches.values())

    Archive.open(path).close()  # migrates

    after = _snapshot(path)
    assert set(after) == set(before)
    for table, rows in before.items():
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            assert {k: new[k] for k in old} == old, table  # every column, every value
            added = set(new) - set(old)
            # Migrations 0009's and 0010's provenance columns: a fetch archived before 0009 has
            # no record of its headers, a post or comment before 0010 none of which cue read
            # its fields, and each says so by leaving them empty.
            expected = set(PROVENANCE.get(table, ()))
            provenance = added & expected
            assert provenance == expected, table
            assert all(new[column] is None for column in provenance), table
            assert added - provenance == set(KEYS.get(table, {})), table
    ids = {table: {r["id"]: r["seq"] for r in after[table]} for table in ("posts", "comments")}
    for table, keys in KEYS.items():
        for row in after[table]:
            for key, (text, other) in keys.items():
                assert row[key] == ids[other].get(row[text]), (table, key, row[text])
    for (table, words), hits in searches.items():
        assert _search(path, table, words) == hits
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        for table in ("posts_fts", "comments_fts"):  # the index matches its content table
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")


def test_the_declared_foreign_keys_are_the_integer_keys(tmp_path: Path) -> None:
    with open_archive(tmp_path):
        pass
    db = Database(tmp_path / "archive.db")
    declared = {
        (fk.table, fk.column): (fk.other_table, fk.other_column)
        for table in ("comments", "comment_versions", "post_versions")
        for fk in db[table].foreign_keys
    }
    assert declared == {
        ("comments", "post_seq"): ("posts", "seq"),
        ("comments", "parent_seq"): ("comments", "seq"),
        ("comment_versions", "comment_seq"): ("comments", "seq"),
        ("post_versions", "post_seq"): ("posts", "seq"),
    }
    for table in ("posts", "comments"):
        assert db[table].pks == ["seq"]  # what Datasette's row URLs name


def test_keys_follow_writes_even_a_reply_stored_before_its_parent(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        # The reply comes first on the page (its parent is stored after it, same transaction).
        store(archive, parsed((comment("2", "reply", parent="1"), comment("1", "top"))), at(0))
        # On another post, a reply whose parent is not on the page (a later comment page has
        # it): stored without a parent, then linked when the parent arrives alone.
        later = "https://demo.example/2024/03/second-post.html"
        store(archive, parsed((comment("3", "late reply", parent="9"),), url=later), at(1),
              complete=False)  # fmt: skip
        assert archive.conn.execute(
            "SELECT parent_id, parent_seq FROM comments WHERE platform_id = '3'"
        ).fetchone() == (None, None)
        store(archive, parsed((comment("9", "late parent"),), url=later), at(2), complete=False)
        store(archive, parsed((comment("1", "top, edited"),)), at(3))
        conn = archive.conn
        wrong = conn.execute(
            "SELECT c.id FROM comments c LEFT JOIN comments parent ON parent.id = c.parent_id"
            " JOIN posts p ON p.id = c.post_id"
            " WHERE c.post_seq IS NOT p.seq OR c.parent_seq IS NOT parent.seq"
        ).fetchall()
        assert wrong == []
        replies = conn.execute(
            "SELECT c.text, parent.text FROM comments c JOIN comments parent"
            " ON parent.seq = c.parent_seq ORDER BY c.text"
        ).fetchall()
        assert replies == [("late reply", "late parent"), ("reply", "top, edited")]
        assert (
            conn.execute(
                "SELECT count(*) FROM comment_versions v JOIN comments c ON c.seq = v.comment_seq"
                " WHERE c.id = v.comment_id"
            ).fetchone()
            == conn.execute("SELECT count(*) FROM comment_versions").fetchone()
        )
        assert conn.execute(
            "SELECT count(*) FROM post_versions WHERE post_seq IS NULL"
        ).fetchone() == (0,)


def test_sqlite_utils_finds_and_searches_the_full_text_tables(
    version_7: Path, tmp_path: Path
) -> None:
    path = tmp_path / "archive.db"
    path.write_bytes(version_7.read_bytes())
    assert Database(path)["comments"].detect_fts() is None  # how version 7 declared them
    Archive.open(path).close()
    db = Database(path)
    assert db["comments"].detect_fts() == "comments_fts"
    assert db["posts"].detect_fts() == "posts_fts"
    found = list(db["comments"].search("coffee", columns=["id", "text"]))
    expected = db.execute(
        "SELECT id FROM comments WHERE text LIKE '%coffee%' ORDER BY id"
    ).fetchall()
    assert sorted(row["id"] for row in found) == [row[0] for row in expected]
    assert found
    titles = [row["title"] for row in db["posts"].search("soldering", columns=["title"])]
    assert any("Soldering" in title for title in titles)
    # sqlite-utils would make exactly these tables: asking it for them again (replace=True
    # rebuilds them when they differ) leaves ours, column-limited triggers included, alone.
    triggers = {t.name: t.sql for t in db["comments"].triggers}
    db["comments"].enable_fts(["text", "author"], fts_version="FTS5", create_triggers=True,
                              replace=True, tokenize="unicode61 remove_diacritics 2")  # fmt: skip
    assert {t.name: t.sql for t in db["comments"].triggers} == triggers
