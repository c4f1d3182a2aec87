"""The interface every platform's comment parser implements, and the parsed document it reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from scraper.models import ParsedPage


@dataclass(frozen=True, slots=True)
class Document:
    """One page, parsed once (lxml tree builder), with the URL it came from."""

    soup: BeautifulSoup
    url: str | None
    text: str  # the decoded HTML, for cheap substring checks before tree searches

    def absolute(self, href: str | None) -> str | None:
        """Resolve `href` against the page URL; None for empty or javascript: links."""
        if not href:
            return None
        href = href.strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "data:")):
            return None
        return urljoin(self.url, href) if self.url else href


class PlatformParser(Protocol):
    """A platform's detector and parser. Pure: no network, no database."""

    name: str

    def detect(self, doc: Document) -> bool:
        """True when the page is this platform's markup."""
        ...

    def parse(self, doc: Document) -> ParsedPage:
        """Split the page into post, comments (document order) and more_comments."""
        ...
