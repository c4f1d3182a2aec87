"""The one exception tree of blogarchive; the CLI translates it to exit codes at the edge.

BlogArchiveError
├── ConfigError        bad config file or flags (exit 2); `key` names the offending key path
├── FetchError         a URL could not be fetched (recorded as data inside a run)
│   ├── RobotsDisallowed
│   ├── UnsafeURLError  scheme or address we refuse to request
│   ├── TooLargeError   body over the size cap
│   └── BodyError       body arrived but cannot be used (bad compression, unknown coding)
├── ParseError         input is not an HTML page we can read (exit 1 for `parse`)
│   └── ParseLimitError  one page's parse ran past the run's time or memory limit (page failed)
├── ArchiveError       the SQLite archive cannot be opened or written, or a query is refused
│   ├── UnusableArchiveError  not a database, no such directory, damaged, newer schema (exit 2)
│   ├── LockedError    another run holds the archive's lock (exit 3)
│   └── ArchiveFullError  the archive's disk is full: the run stops, recorded failed (exit 4)
├── NotFoundError      a post, comment or site asked for is not in the archive (exit 1)
└── EngineError        the distributed engine's broker or result store cannot be reached (exit 4)

ParseTimeUp (a BaseException, like KeyboardInterrupt) interrupts a parse whose time is up; it
never leaves the parse pool (see `scraper.run.parse_pool`).
"""

from __future__ import annotations


class BlogArchiveError(Exception):
    """Base of every error blogarchive raises on purpose."""


class ConfigError(BlogArchiveError):
    """The configuration (file or flags) is invalid."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}" if key else message)


class FetchError(BlogArchiveError):
    """A URL could not be fetched."""


class RobotsDisallowed(FetchError):
    """robots.txt forbids the URL for our user agent."""


class UnsafeURLError(FetchError):
    """The URL's scheme or address is not one we request."""


class TooLargeError(FetchError):
    """The response body exceeds the configured size cap."""


class BodyError(FetchError):
    """The body arrived but cannot be used (bad compression, unknown coding)."""


class ParseError(BlogArchiveError):
    """The input is not an HTML page that can be parsed."""


class ParseLimitError(ParseError):
    """One page's parse ran past the run's time or memory limit (the page is recorded failed)."""


class ParseTimeUp(BaseException):
    """Raised inside a parse when its time is up. Not an Exception on purpose: the parsers'
    per-field and per-parser `except Exception` must not swallow it; `parse_job` turns it
    into ParseLimitError at the pool's edge."""


class ArchiveError(BlogArchiveError):
    """The archive cannot be opened, migrated or written."""


class UnusableArchiveError(ArchiveError):
    """The archive file cannot be opened, created or trusted; nothing was written to it."""


class LockedError(ArchiveError):
    """Another run holds the archive's lock."""


class ArchiveFullError(ArchiveError):
    """The archive's disk (or filesystem quota) is full: the write was rolled back and the run
    stops, since every later page would fail the same way. Every `except Exception` on the
    run's way lets it through (a page or a source failing is data; this is not)."""


class NotFoundError(BlogArchiveError):
    """A record asked for is not in the archive."""


class EngineError(BlogArchiveError):
    """The distributed engine (Celery's broker or result backend) cannot be reached."""
