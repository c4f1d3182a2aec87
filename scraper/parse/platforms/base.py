"""The interface every platform's comment parser implements, and the parsed document it reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from scraper.core.models import ParsedPage
from scraper.core.sanitise import browser_url, clean_url
from scraper.parse.platforms.pageindex import PageIndex, build_index


@dataclass(frozen=True, slots=True)
class Document:
    """One page, parsed once (lxml tree builder), with the URL it came from and its index.

    Parsers read it and never change it (no node is detached or added), so the order in which
    detectors and parsers run cannot change what any of them finds.
    """

    soup: BeautifulSoup
    url: str | None
    text: str  # the decoded HTML, for cheap substring checks before tree searches
    index: PageIndex

    @classmethod
    def of(cls, soup: BeautifulSoup, url: str | None, text: str) -> Document:
        """A Document for `soup`, indexed once."""
        return cls(soup=soup, url=url, text=text, index=build_index(soup))

    def absolute(self, href: str | None) -> str | None:
        """`href` resolved against the page URL when it is an http(s) URL, else None.

        An allow-list, read as a browser reads it (`java\\tscript:`, `\\x01javascript:` are
        `javascript:`): see `clean_url`.
        """
        if not href:
            return None
        href = browser_url(href)  # so that a relative link resolves as it does in a browser
        if not href:
            return None
        # A malformed link (an unclosed "[" in a commenter's URL) costs that link, not the page.
        try:
            return clean_url(urljoin(self.url, href) if self.url else href)
        except ValueError:
            return None


class PlatformParser(Protocol):
    """A platform's detector and parser. Pure: no network, no database."""

    name: str

    def detect(self, doc: Document) -> bool:
        """True when the page is this platform's markup."""
        ...

    def parse(self, doc: Document) -> ParsedPage:
        """Split the page into post, comments (document order) and more_comments."""
        ...
