"""The terminal thread view: indentation, flags, nothing cropped at narrow widths."""

from __future__ import annotations

import io
from typing import Any

from rich.cells import cell_len
from rich.console import Console

from archive.queries import Thread, ThreadNode
from archive.render import thread_view


def _comment(ident: str, author: str, text: str, **flags: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "author": author,
        "text": text,
        "published_at": "2024-03-01T09:30:00+00:00",
        "kind": flags.get("kind", "comment"),
        "by_post_author": flags.get("by_post_author", False),
        "deleted": flags.get("deleted", False),
        "removed_at": flags.get("removed_at"),
    }


def _draw(thread: Thread, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(thread_view(thread, width))
    return out.getvalue()


POST = {
    "title": "Ridge walk",
    "author": "Maren",
    "published_at": None,
    "url": "https://example.org/ridge",
    "id": "p1",
    "comment_count_shown": 3,
    "thread_complete": True,
    "completeness_note": None,
    "text": "We walked the ridge.",
}


def test_replies_are_indented_and_flags_shown() -> None:
    reply = ThreadNode(_comment("c2", "Maren", "Thanks!", by_post_author=True))
    gone = ThreadNode(_comment("c3", "Tom", "old words", removed_at="2024-04-01T00:00:00+00:00"))
    root = ThreadNode(_comment("c1", "Ann", "Lovely photos."), [reply, gone])
    text = _draw(Thread(POST, [root], 3), 100)
    lines = text.splitlines()
    assert any(line.startswith("● Ann") for line in lines)
    assert any(line.startswith("  └ Maren [post author]") for line in lines)
    assert "[removed from the page 2024-04-01]" in text
    assert "    Thanks!" in lines


def test_nothing_is_cropped_at_a_narrow_width() -> None:
    long_url = "https://example.org/" + "x" * 70
    words = "山道を歩いて、湖のそばで昼ごはんを食べました。" * 3
    root = ThreadNode(
        _comment(
            "123456789012345678", "A reader with a rather long name", f"see {long_url} {words}"
        )
    )
    width = 40
    text = _draw(Thread(POST, [root], 1), width)
    assert all(cell_len(line) <= width for line in text.splitlines())
    joined = "".join(line.strip() for line in text.splitlines())
    assert "123456789012345678" in joined  # the id moved to its own line, not cropped
    assert long_url in joined  # broken over lines, every character kept
    assert words.replace(" ", "") in joined.replace(" ", "")
