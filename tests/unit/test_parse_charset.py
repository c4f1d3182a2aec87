"""Decoding: header charset, meta charset, BOM, detection, and lying declarations."""

from __future__ import annotations

from pathlib import Path

import pytest

import scraper.parse.page as parse_module
from scraper.core.errors import ParseError
from scraper.parse.page import decode_html, parse_page

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
TEXT = "Grüße – café € “quoted”"


def _page(meta: str, body: str = TEXT) -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


def test_str_passes_through() -> None:
    assert decode_html(TEXT) == TEXT


def test_header_charset_wins_over_nothing() -> None:
    raw = _page("").encode("cp1252")
    assert TEXT in decode_html(raw, "text/html; charset=windows-1252")


def test_meta_charset_and_latin1_label_means_cp1252() -> None:
    raw = _page('<meta charset="ISO-8859-1">').encode("cp1252")
    assert TEXT in decode_html(raw)


def test_http_equiv_meta() -> None:
    raw = _page('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">', "Привет")
    assert "Привет" in decode_html(raw.encode("koi8-r"))


def test_declared_utf8_that_is_really_cp1252_still_decodes() -> None:
    raw = _page('<meta charset="utf-8">').encode("cp1252")
    assert "Grüße" in decode_html(raw)


def test_wrong_header_falls_back_to_utf8() -> None:
    raw = _page("").encode("utf-8")
    assert TEXT in decode_html(raw, "text/html; charset=shift_jis")


def test_utf8_bom_and_utf16_bom() -> None:
    assert TEXT in decode_html(b"\xef\xbb\xbf" + _page("").encode("utf-8"))
    assert TEXT in decode_html(_page("").encode("utf-16"))


def test_undeclared_utf8() -> None:
    assert TEXT in decode_html(_page("").encode("utf-8"))


def test_unknown_label_is_ignored() -> None:
    raw = _page('<meta charset="no-such-charset">').encode("utf-8")
    assert TEXT in decode_html(raw)


def test_undecodable_bytes_keep_the_declared_charset_with_replacements(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Declared Shift_JIS and UTF-8 both fail strictly, detection finds nothing: the declared
    # charset still decodes what it can instead of raising or falling to cp1252 mojibake.
    monkeypatch.setattr(parse_module, "from_bytes", None)
    raw = "<p>山田</p>".encode("shift_jis") + b"\xff\xfe"
    text = decode_html(raw, "text/html; charset=Shift_JIS")
    assert text.startswith("<p>山田</p>")
    assert "\ufffd" in text


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("charset-cp1252", None, "José Muñoz"),
        ("charset-shift-jis", "text/html; charset=Shift_JIS", "山田太郎"),
        ("charset-shift-jis", None, "山田太郎"),  # undeclared: detection
        ("charset-windows-1256", None, "سارة"),
    ],
)
def test_encoded_fixture_pages_give_correct_unicode(
    name: str, content_type: str | None, expected: str
) -> None:
    page = parse_page((PAGES / f"{name}.html").read_bytes(), None, content_type=content_type)
    assert page.comments[0].author == expected
    assert "\ufffd" not in page.post.text


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"", None),
        (b"   \n", None),
        (b"%PDF-1.4 binary", None),
        (b"\x89PNG\r\n\x1a\n....", None),
        (b"just some words without markup", None),
        (b"<html></html>", "image/png"),
        (bytes(range(256)) * 4 + b"\x00" * 2048, None),
    ],
)
def test_non_html_raises_parse_error(data: bytes, content_type: str | None) -> None:
    with pytest.raises(ParseError):
        parse_page(data, None, content_type=content_type)
