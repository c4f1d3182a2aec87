"""blogarchive's scraper: fetch blog pages, split them into post and comments, feed the archive."""

from scraper.errors import BlogArchiveError, ConfigError, FetchError, ParseError
from scraper.models import Comment, FetchedPage, FetchOutcome, ParsedPage, Post, RunReport
from scraper.parse import parse_page

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
