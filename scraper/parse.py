"""Bytes to ParsedPage: decode, build the soup once (lxml), pick the platform, run its parser."""

from __future__ import annotations

from bs4 import BeautifulSoup

from scraper.errors import ParseError
from scraper.models import ParsedPage
from scraper.platforms import PARSERS, Document


def decode_html(html: bytes | str, content_type: str | None = None) -> str:
    """Decode page bytes (charset from the header, then the page's meta, then detection)."""
    if isinstance(html, str):
        return html
    # Placeholder until the full charset logic lands (header, meta, detection).
    return html.decode("utf-8", errors="replace")


def parse_page(
    html: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    platform: str = "auto",
) -> ParsedPage:
    """Parse one HTML page into its post, comments and links to more comments. No I/O."""
    text = decode_html(html, content_type)
    if "<" not in text:
        raise ParseError("input is not HTML (no markup found)")
    soup = BeautifulSoup(text, "lxml")
    doc = Document(soup=soup, url=url, text=text)
    for parser in PARSERS:
        if (platform in ("auto", parser.name)) and parser.detect(doc):
            return parser.parse(doc)
    return ParsedPage(url=url, platform="generic")
