"""Versioned storing: idempotent re-store, versions on change, removed_at, deleted text kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from archive_builders import (
    SITE,
    URL,
    at,
    comment,
    fetched,
    open_archive,
    parsed,
    store,
)

from archive.db import Archive
from archive.ids import comment_id, post_id
from archive.schema import SCHEMA_VERSION
from scraper.core.errors import ArchiveError


def count(archive: Archive, table: str) -> int:
    return int(archive.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_first_store_creates_post_comments_and_versions(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        page = parsed((comment("1", "Lovely roses"), comment("2", "Thanks!", parent="1")))
        result = store(archive, page)
        assert result.post_new
        assert not result.post_changed
        assert (result.comments_new, result.comments_changed, result.comments_removed) == (2, 0, 0)
        assert result.post_id == post_id(SITE, URL)
        assert count(archive, "post_versions") == 1
        assert count(archive, "comment_versions") == 2
        child = archive.conn.execute(
            "SELECT parent_id, position, platform_id FROM comments WHERE id = ?",
            (comment_id(result.post_id, "2"),),
        ).fetchone()
        assert child == (comment_id(result.post_id, "1"), 1, "2")


def test_unchanged_restore_writes_only_last_seen(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        page = parsed((comment("1", "Lovely roses"),))
        store(archive, page, at(0))
        before = archive.conn.execute("SELECT * FROM comments").fetchall()
        result = store(archive, page, at(5))
        assert not result.post_new
        assert not result.post_changed
        assert (result.comments_new, result.comments_changed, result.comments_removed) == (0, 0, 0)
        assert count(archive, "post_versions") == 1
        assert count(archive, "comment_versions") == 1
        after = archive.conn.execute("SELECT * FROM comments").fetchall()
        # Only last_seen_at (column index 20) moved.
        assert [row[:20] for row in before] == [row[:20] for row in after]
        assert after[0][20] == at(5).isoformat()
        assert count(archive, "pages") == 1


def test_edits_make_versions(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        store(archive, parsed((comment("1", "Lovely roses"),)), at(0))
        result = store(
            archive,
            parsed((comment("1", "Lovely red roses"),), title="A first post, edited"),
            at(1),
        )
        assert result.post_changed
        assert result.comments_changed == 1
        assert count(archive, "post_versions") == 2
        texts = [
            r[0] for r in archive.conn.execute("SELECT text FROM comment_versions ORDER BY id")
        ]
        assert texts == ["Lovely roses", "Lovely red roses"]
        hit = archive.conn.execute(
            "SELECT count(*) FROM comments_fts WHERE comments_fts MATCH 'red'"
        ).fetchone()
        assert hit == (1,)


def test_removed_at_set_and_cleared(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        both = parsed((comment("1", "one"), comment("2", "two")))
        store(archive, both, at(0))
        result = store(archive, parsed((comment("1", "one"),)), at(1))
        assert result.comments_removed == 1
        row = archive.conn.execute("SELECT removed_at, text FROM comments WHERE platform_id = '2'")
        assert row.fetchone() == (at(1).isoformat(), "two")
        # A page not fetched whole never marks comments removed.
        store(archive, parsed(()), at(2), complete=False)
        assert archive.conn.execute(
            "SELECT removed_at FROM comments WHERE platform_id = '1'"
        ).fetchone() == (None,)
        store(archive, both, at(3))
        assert archive.conn.execute(
            "SELECT count(*) FROM comments WHERE removed_at IS NOT NULL"
        ).fetchone() == (0,)


def test_deleted_comment_keeps_earlier_text_as_version(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        store(archive, parsed((comment("1", "My honest opinion"),)), at(0))
        gone = comment("1", "This comment has been removed by the author.", deleted=True)
        result = store(archive, parsed((gone,)), at(1))
        assert result.comments_changed == 1
        versions = archive.conn.execute(
            "SELECT text, deleted FROM comment_versions ORDER BY id"
        ).fetchall()
        assert versions == [
            ("My honest opinion", 0),
            ("This comment has been removed by the author.", 1),
        ]


def test_extra_comments_merged_and_late_parent_linked(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        reply = comment("3", "a reply whose parent is on page 2", parent="9")
        first = store(archive, parsed((comment("1", "one"), reply)), at(0), complete=False)
        assert archive.conn.execute(
            "SELECT parent_id, parent_platform_id FROM comments WHERE platform_id = '3'"
        ).fetchone() == (None, "9")
        result = archive.store_page(
            SITE,
            fetched(b"v2", when=at(1)),
            parsed((comment("1", "one"), reply)),
            observed_at=at(1),
            thread_complete=True,
            extra_comments=(comment("9", "the parent"), comment("1", "one")),
            completeness_note="comments from the feed",
        )
        assert result.comments_new == 1
        assert archive.conn.execute(
            "SELECT parent_id FROM comments WHERE platform_id = '3'"
        ).fetchone() == (comment_id(first.post_id, "9"),)
        post = archive.conn.execute(
            "SELECT comments_archived, thread_complete, completeness_note FROM posts"
        ).fetchone()
        assert post == (3, 1, "comments from the feed")


def test_not_modified_bumps_last_seen(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        store(archive, parsed((comment("1", "one"),)), at(0))
        archive.mark_not_modified(URL, at(7))
        assert archive.conn.execute("SELECT last_seen_at FROM comments").fetchone() == (
            at(7).isoformat(),
        )
        ((url, published, fetched_at, growth),) = list(archive.post_revisit_info(SITE))
        assert (url, fetched_at, growth) == (URL, at(7), 0)  # unchanged: the thread stopped growing
        assert published is not None


def test_stored_pages_returns_latest_body(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        store(archive, parsed(), at(0), body=b"<html>old</html>")
        store(archive, parsed(), at(1), body=b"<html>new</html>")
        pages = list(archive.stored_pages(SITE))
        assert [(p[1], p[2], p[4]) for p in pages] == [(URL, b"<html>new</html>", at(1))]
        assert list(archive.stored_pages("other")) == []


def test_unknown_site_and_readonly_writes_fail(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        with pytest.raises(ArchiveError, match="unknown site"):
            archive.store_page("nope", fetched(), parsed(), observed_at=at(0), thread_complete=True)
        assert count(archive, "posts") == 0
    with (
        Archive.open(tmp_path / "archive.db", readonly=True) as archive,
        pytest.raises(ArchiveError, match="read-only"),
    ):
        archive.ensure_site("x", "https://x/", "generic")


def test_open_failures(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive"):
        Archive.open(tmp_path / "missing.db", readonly=True)
    with pytest.raises(ArchiveError, match="no directory"):
        Archive.open(tmp_path / "nodir" / "a.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ArchiveError, match="cannot open"):
        Archive.open(junk)


def test_a_version_1_archive_is_migrated_keeping_its_rows(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        store(archive, parsed((comment("1", "one"),)), at(0))
        conn = archive.conn
        # Turn it back into what version 1 wrote.
        conn.execute("ALTER TABLE sites DROP COLUMN discovered_at")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0002_site_discovered_at'")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()
        path = archive.path
    with Archive.open(path) as archive:
        assert archive.conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert archive.discovered_at(SITE) is None
        archive.mark_discovered(SITE, at(3))
        assert archive.discovered_at(SITE) == at(3)
        assert archive.conn.execute("SELECT count(*) FROM comments").fetchone() == (1,)


def test_migrations_idempotent_and_pragmas(tmp_path: Path) -> None:
    Archive.open(tmp_path / "a.db").close()
    with Archive.open(tmp_path / "a.db") as archive:
        conn = archive.conn
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table in ("sites", "runs", "fetches", "pages", "posts", "post_versions", "comments",
                      "comment_versions", "posts_fts", "comments_fts", "frontier"):  # fmt: skip
            assert table in names
        applied = conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()
        assert applied == (SCHEMA_VERSION,)  # one row per migration, none applied twice


def test_a_known_post_fetched_from_another_url_keeps_one_row(tmp_path: Path) -> None:
    moved = "https://demo.example/2024/03/first-post.html?m=1"
    with open_archive(tmp_path) as archive:
        first = store(archive, parsed((comment("1", "one"),)), at(0))
        again = archive.store_page(
            SITE, fetched(b"mobile", url=moved, when=at(1)), parsed((comment("1", "one"),)),
            observed_at=at(1), thread_complete=True,
        )  # fmt: skip
        assert again.post_id == first.post_id
        assert not again.post_new
        assert archive.conn.execute("SELECT url, source_url FROM posts").fetchall() == [
            (URL, moved)
        ]


def test_a_failed_write_rolls_back_the_whole_batch(tmp_path: Path) -> None:
    def half_done(archive: Archive) -> None:
        with archive.batch():
            archive.ensure_site("other", "https://other.example/", "blogger")
            archive.conn.execute("INSERT INTO no_such_table VALUES (1)")

    with open_archive(tmp_path) as archive:
        with pytest.raises(ArchiveError, match="archive write failed"):
            half_done(archive)
        assert not archive.conn.in_transaction
        assert archive.conn.execute("SELECT name FROM sites").fetchall() == [(SITE,)]


def test_stored_pages_refuses_a_body_it_cannot_read(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        store(archive, parsed(), at(0))
        archive.conn.execute("UPDATE pages SET compression = 'lzma'")
        with pytest.raises(ArchiveError, match="unknown compression 'lzma'"):
            list(archive.stored_pages(SITE))
        archive.conn.execute("PRAGMA foreign_keys = OFF")
        archive.conn.execute("DELETE FROM pages")
        with pytest.raises(ArchiveError, match="is missing"):
            list(archive.stored_pages(SITE))


def test_read_only_open_of_an_unmigrated_archive_fails(tmp_path: Path) -> None:
    with open_archive(tmp_path) as archive:
        # What a version-2 archive looks like: its mark and its applied steps both say 2.
        archive.conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0003_fetch_kind'")
        archive.conn.execute("PRAGMA user_version = 2")
    with pytest.raises(ArchiveError, match="not a blogarchive archive of the current version"):
        Archive.open(tmp_path / "archive.db", readonly=True)
