"""Header lines a parser took into a comment's text are dropped; the comment's own lines never."""

from __future__ import annotations

import pytest

from scraper.core.models import Comment
from scraper.parse.trim import trimmed


@pytest.mark.parametrize(
    ("author", "text", "kept"),
    [
        ("Avi", "Avi Says:\n\nIt is nothing new.", "It is nothing new."),
        ("FMCH", "12. FMCH Says:\n\nMaybe it is just me.", "Maybe it is just me."),
        (
            "RajCaj",
            "Posted on August 9, 2012 at 11:57am\n\nApples and oranges.",
            "Apples and oranges.",
        ),
        (
            "ecvulic",
            "on 26 Oct 2012 at 8:55 amecvulic\n\nHere are my ratios.",
            "Here are my ratios.",
        ),
        (
            "LizA",
            "On October 29, 2012 at 9:55am, LizA said...\n\nOK, which of my kids told?",
            "OK, which of my kids told?",
        ),
        ("Kev", "11.05.12 at 3:21 pm\nKev\n\nIt is a jersey.", "It is a jersey."),
    ],
)
def test_header_lines_are_dropped(author: str, text: str, kept: str) -> None:
    assert trimmed(Comment(id="1", author=author, text=text)).text == kept


@pytest.mark.parametrize(
    ("author", "text"),
    [
        ("Sanne", "♥♥♥♥♥♥\nOmg ja!! Ich liebe die Playlists!"),  # no name, no date: the comment
        ("Eugene", "Nice article. Thanks. Eugene"),  # signed, but a sentence
        ("Anna", "Anna Says:"),  # nothing but the header: kept rather than emptied
        ("Bo", "Bo, you wrote on May 3, 2012 that it works.\nIt did not."),
        (None, "Thanks for the list."),
    ],
)
def test_the_comments_own_lines_stay(author: str | None, text: str) -> None:
    assert trimmed(Comment(id="1", author=author, text=text)).text == text
