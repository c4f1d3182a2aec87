"""Compare an archive with the truth a real WordPress dumped from its own database."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

_SPACE = re.compile(r"\s+")


def _norm_text(value: str | None) -> str:
    return _SPACE.sub(" ", (value or "").replace("\xa0", " ")).strip()


def _norm_name(value: str | None) -> str:
    # Block themes print names through wptexturize (O’Connor); the truth's
    # get_comment_author_link does not (O'Connor). Both are the name as shown.
    return _norm_text(value).replace("\u2019", "'").replace("\u2018", "'")


def _norm_url(url: str) -> str:
    return unquote(url).rstrip("/").lower()


def _gmt(value: str) -> str:
    return value.replace(" ", "T") + "+00:00"


@dataclass
class Comparison:
    """How an archive differs from truth.json; every list names the offending ids."""

    posts_truth: int = 0
    posts_archived: int = 0
    posts_missing: list[str] = field(default_factory=list)
    posts_extra: list[str] = field(default_factory=list)
    comments_truth: int = 0
    comment_rows: int = 0
    duplicates: list[str] = field(default_factory=list)
    wrong_post: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    mismatches: dict[str, list[str]] = field(default_factory=dict)

    def score(self, name: str) -> float:
        """Share of the truth's comments whose field `name` is exactly right (missing ones count wrong)."""
        if not self.comments_truth:
            return 1.0
        wrong = len(self.mismatches.get(name, [])) + len(self.missing)
        return 1 - wrong / self.comments_truth

    def summary(self) -> dict[str, Any]:
        return {
            "posts": f"{self.posts_archived}/{self.posts_truth}",
            "comment_rows": self.comment_rows,
            "truth_comments": self.comments_truth,
            "wrong_post": len(self.wrong_post),
            "duplicates": len(self.duplicates),
            "hidden": len(self.hidden),
            "missing": len(self.missing),
            **{name: round(self.score(name), 4) for name in FIELDS},
        }


FIELDS = ("parent", "author", "published", "by_post_author", "text")


def compare(db_path: Path, truth: dict[str, Any]) -> Comparison:
    """Every public post and comment exactly once, under its own post, with its fields right."""
    result = Comparison()
    posts_by_url = {_norm_url(p["url"]): p for p in truth["posts"]}
    result.posts_truth = len(posts_by_url)
    with sqlite3.connect(db_path) as db:
        db.row_factory = sqlite3.Row
        archived_posts = db.execute("SELECT id, url FROM posts").fetchall()
        rows = db.execute(
            "SELECT c.platform_id, c.parent_platform_id, c.author, c.published_at, c.text,"
            " c.by_post_author, p.url AS post_url FROM comments c JOIN posts p ON p.id = c.post_id"
            " WHERE c.removed_at IS NULL"
        ).fetchall()
    result.posts_archived = len(archived_posts)
    seen_urls = {_norm_url(row["url"]) for row in archived_posts}
    result.posts_missing = sorted(set(posts_by_url) - seen_urls)
    result.posts_extra = sorted(seen_urls - set(posts_by_url))
    comments = {str(c["comment_ID"]): c for c in truth["comments"]}
    post_url_of = {str(p["ID"]): _norm_url(p["url"]) for p in truth["posts"]}
    hidden_ids = {str(h["comment_ID"]) for h in truth["hidden_comments"]}
    result.comments_truth = len(comments)
    result.comment_rows = len(rows)
    counts = Counter(row["platform_id"] for row in rows)
    result.duplicates = sorted(key for key, n in counts.items() if n > 1)
    found: set[str] = set()
    for row in rows:
        key = row["platform_id"]
        if key in hidden_ids:
            result.hidden.append(key)
            continue
        want = comments.get(key)
        if want is None:
            result.hidden.append(key)  # not public in the database: must never be archived
            continue
        if _norm_url(row["post_url"]) != post_url_of[str(want["comment_post_ID"])]:
            result.wrong_post.append(key)
            continue
        if key in found:
            continue
        found.add(key)
        parent = str(want["comment_parent"]) if want["comment_parent"] else None
        checks = {
            "parent": row["parent_platform_id"] == parent,
            "author": _norm_name(row["author"]) == _norm_name(want["author_text"]),
            "published": row["published_at"] == _gmt(want["comment_date_gmt"]),
            "by_post_author": bool(row["by_post_author"]) == bool(want["by_post_author"]),
            "text": _norm_text(row["text"]) == _norm_text(want["content_text"]),
        }
        for name, ok in checks.items():
            if not ok:
                result.mismatches.setdefault(name, []).append(key)
    result.missing = sorted(set(comments) - found, key=int)
    return result


def load_truth(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
