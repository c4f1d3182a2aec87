"""The ordered registry of platform parsers: the first whose detector says yes parses the page."""

from __future__ import annotations

from scraper.platforms.base import Document, PlatformParser

# Order matters: specific platforms first, `generic` (which accepts everything) last.
PARSERS: tuple[PlatformParser, ...] = ()


def parser_named(name: str) -> PlatformParser | None:
    """The registered parser called `name`, if any."""
    for parser in PARSERS:
        if parser.name == name:
            return parser
    return None


__all__ = ["PARSERS", "Document", "PlatformParser", "parser_named"]
