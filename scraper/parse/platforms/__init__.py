"""The ordered registry of platform parsers: the first whose detector says yes parses the page."""

from __future__ import annotations

from scraper.parse.platforms import blogger, blogger_legacy, wordpress
from scraper.parse.platforms.base import Document, PlatformParser
from scraper.parse.platforms.extra import EXTRA_PARSERS, GENERIC_PARSER

# Order matters: specific platforms first, `generic` (which accepts everything) last.
# Blogger threaded and legacy exclude each other by markup; WordPress after Blogger because
# Blogger themes sometimes borrow WordPress class names.
PARSERS: tuple[PlatformParser, ...] = (
    blogger.PARSER,
    blogger_legacy.PARSER,
    wordpress.PARSER,
    *EXTRA_PARSERS,
    GENERIC_PARSER,
)


def parser_named(name: str) -> PlatformParser | None:
    """The registered parser called `name`, if any."""
    for parser in PARSERS:
        if parser.name == name:
            return parser
    return None


__all__ = ["PARSERS", "Document", "PlatformParser", "parser_named"]
