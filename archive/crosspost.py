"""Cross-post duplicates: a comment whose text (links left out) is archived under other posts."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3

REASON = "cross-post duplicate"
# Short texts ("Thanks!", "Great post") recur honestly; only a sentence-length text is a copy.
MIN_CHARS = 40
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)


def text_key(text: str) -> str | None:
    """The comment's words without links, case and spacing; None when too short to judge."""
    words = " ".join(_URL.sub(" ", text).lower().split())
    if len(words) < MIN_CHARS:
        return None
    return hashlib.sha256(words.encode()).hexdigest()[:32]


def mark_duplicates(conn: sqlite3.Connection, keys: set[str]) -> int:
    """Flag every comment whose key appears under more than one post; return how many."""
    marked = 0
    for key in keys:
        rows = conn.execute(
            "SELECT id, spam_reasons FROM comments WHERE spam_key = ?1 AND"
            " (SELECT count(DISTINCT post_id) FROM comments WHERE spam_key = ?1) > 1",
            (key,),
        ).fetchall()
        for cid, reasons_json in rows:
            reasons = json.loads(reasons_json)
            if REASON not in reasons:
                reasons.append(REASON)
            conn.execute(
                "UPDATE comments SET spam = 1, spam_score = 1.0, spam_reasons = ? WHERE id = ?",
                (json.dumps(reasons), cid),
            )
            marked += 1
    return marked
