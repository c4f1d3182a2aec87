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


def rescore(conn: sqlite3.Connection) -> tuple[int, int]:
    """Recompute every comment's key from its archived text and the cross-post marks from
    scratch: copies are marked, and a mark whose copies are gone gives way to the page's own
    verdict (the latest version keeps it). Returns (marked, cleared)."""
    rows = conn.execute("SELECT id, text, spam_reasons FROM comments").fetchall()
    keys = {cid: text_key(text) for cid, text, _ in rows}
    conn.executemany(
        "UPDATE comments SET spam_key = ? WHERE id = ?", [(k, c) for c, k in keys.items()]
    )
    copied = {
        key
        for (key,) in conn.execute(
            "SELECT spam_key FROM comments WHERE spam_key IS NOT NULL"
            " GROUP BY spam_key HAVING count(DISTINCT post_id) > 1"
        )
    }
    cleared = 0
    for cid, _text, reasons_json in rows:
        if REASON in json.loads(reasons_json) and keys[cid] not in copied:
            conn.execute(
                "UPDATE comments SET (spam, spam_score, spam_reasons) = (SELECT spam, spam_score,"
                " spam_reasons FROM comment_versions WHERE comment_id = ?1 ORDER BY id DESC"
                " LIMIT 1) WHERE id = ?1",
                (cid,),
            )
            cleared += 1
    return mark_duplicates(conn, copied), cleared
