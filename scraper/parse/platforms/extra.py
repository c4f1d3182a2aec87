"""The platforms beyond Blogger and WordPress, in detection order, and the generic fallback."""

from __future__ import annotations

from scraper.parse.platforms import drupal, livejournal, typepad
from scraper.parse.platforms.base import PlatformParser
from scraper.parse.platforms.generic import GENERIC

# Specific platforms, checked after Blogger/WordPress and before `generic`. Their detectors
# need both the platform's fingerprint and its comment markup, so a Drupal page with a
# WordPress-style theme still reaches a parser that reads it.
EXTRA_PARSERS: tuple[PlatformParser, ...] = (
    drupal.PARSER,
    typepad.PARSER,
    livejournal.PARSER,
)

# Accepts every page: structured data, then the structural heuristic, plus widget notes.
GENERIC_PARSER: PlatformParser = GENERIC

__all__ = ["EXTRA_PARSERS", "GENERIC_PARSER"]
