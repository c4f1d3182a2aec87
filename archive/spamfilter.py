"""The `--spam exclude|only|include` choice shared by search, show, export and stats."""

from __future__ import annotations

from typing import Literal

SpamMode = Literal["exclude", "only", "include"]
SPAM_MODES: tuple[SpamMode, ...] = ("exclude", "only", "include")


def spam_clause(mode: SpamMode, column: str = "spam") -> str:
    """An ` AND …` SQL fragment keeping the comments `mode` asks for (nothing for include)."""
    if mode == "exclude":
        return f" AND {column} = 0"
    if mode == "only":
        return f" AND {column} = 1"
    return ""
