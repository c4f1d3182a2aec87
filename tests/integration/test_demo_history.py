"""`blogarchive demo` runs twice with an edit, a deletion and a removal between the runs, so a
newcomer's first `show` and `history` already show versions (issue 14)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.core.errors import NotFoundError
from scraper.demo.content import build_blogs, with_change
from scraper.demo.stories import BETWEEN_RUNS, Change

pytestmark = pytest.mark.integration


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_shows_edited_deleted_and_removed_comments(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    out = _cli("demo", "--db", db)
    assert "Run 1" in out
    assert "Run 2" in out
    assert "History: 2 comments with more than one text" in out
    assert "and 1 removed from their page" in out
    post_id = out.split("blogarchive show ", 1)[1].split()[0]
    comment_id = out.split("blogarchive history ", 1)[1].split()[0]

    shown = _cli("show", post_id, "--db", db)
    edited = shown.split("Dara Quinn [edited]", 1)[1]
    assert "Edit: it was the cheap rosin-core solder." in edited.split("●", 1)[0]
    removed = shown.split("[removed from the page", 1)[1]
    assert "I will take that bet. Three months." in removed.split("●", 1)[0]
    earlier = _cli("show", post_id, "--db", db, "--versions").split("Dara Quinn [edited]")[1]
    assert earlier.count("Which flux do you use? Mine always smokes.") == 2  # now and before

    history = json.loads(_cli("history", comment_id, "--db", db, "--json"))
    texts = [version["text"] for version in history["versions"]]
    assert texts[0] == "Which flux do you use? Mine always smokes."
    assert texts[-1].endswith("barely smokes at all.")

    with sqlite3.connect(db) as conn:
        deleted_post, deleted_id = conn.execute(
            "SELECT c.post_id, c.id FROM comments c JOIN comment_versions v ON v.comment_id = c.id"
            " WHERE c.deleted AND v.text LIKE '3:40 am%'"
        ).fetchone()
        runs = conn.execute("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL").fetchone()[0]
    assert runs == 2
    deleted = _cli("show", deleted_post, "--db", db)
    assert "[deleted]" in deleted
    assert "3:40 am. Respect. I would still be asleep." in deleted
    assert "removed from its page" in _cli("history", _removed_id(db), "--db", db)
    assert deleted_id


def _removed_id(db: str) -> str:
    with sqlite3.connect(db) as conn:
        return str(
            conn.execute("SELECT id FROM comments WHERE removed_at IS NOT NULL").fetchone()[0]
        )


def test_a_change_that_names_no_comment_or_would_orphan_replies_is_refused() -> None:
    blogger, wordpress = build_blogs()
    with pytest.raises(NotFoundError, match="0 comments saying"):
        with_change(
            wordpress, Change("tinkerers", "reflowing-a-dead-router", "nobody said", "edit")
        )
    with pytest.raises(NotFoundError, match="has replies"):
        with_change(
            wordpress,
            Change("tinkerers", "reflowing-a-dead-router", "Printing it on the laser cutter"
                   " tonight.", "remove"),
        )  # fmt: skip
    with pytest.raises(NotFoundError, match="no post"):
        with_change(blogger, Change("switchbacks", "nosuch", "x", "delete"))
    assert len(BETWEEN_RUNS) == 3
