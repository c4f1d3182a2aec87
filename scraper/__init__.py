"""blogarchive's scraper: fetch blog pages, split them into post and comments, feed the archive."""

from typing import TYPE_CHECKING, Any

from scraper.core.errors import BlogArchiveError, ConfigError, FetchError, ParseError
from scraper.core.models import Comment, FetchedPage, FetchOutcome, ParsedPage, Post, RunReport

if TYPE_CHECKING:
    from scraper.parse.page import parse_page


def __getattr__(name: str) -> Any:
    # The parsers (bs4, lxml, nh3) load on first use: a cron run of 304s never needs them.
    if name == "parse_page":
        from scraper.parse.page import parse_page

        return parse_page
    raise AttributeError(f"module 'scraper' has no attribute {name!r}")


__all__ = [
    "BlogArchiveError",
    "Comment",
    "ConfigError",
    "FetchError",
    "FetchOutcome",
    "FetchedPage",
    "ParseError",
    "ParsedPage",
    "Post",
    "RunReport",
    "parse_page",
]
__version__ = "0.1.0"
