"""Parse: bytes to ParsedPage, pure (no network, no database)."""

from scraper.parse.page import build_document, decode_html, parse_page

__all__ = ["build_document", "decode_html", "parse_page"]
