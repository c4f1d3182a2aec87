"""parse_page asks detectors in order, lazily, and falls through failing parsers with a note."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

import scraper.parse.page as parse_module
from scraper.core.errors import ParseError
from scraper.core.models import ParsedPage
from scraper.parse.platforms.base import Document

PAGE = b"<html><body><p>x</p></body></html>"


@dataclass
class _Fake:
    name: str
    detects: bool = True
    fails: bool = False
    calls: list[str] = field(default_factory=list)

    def detect(self, doc: Document) -> bool:
        self.calls.append("detect")
        if self.name.endswith("-buggy"):
            raise ValueError("detector bug")
        return self.detects

    def parse(self, doc: Document) -> ParsedPage:
        self.calls.append("parse")
        if self.fails:
            raise RuntimeError("boom")
        return ParsedPage(url=doc.url, platform=self.name)


def test_later_detectors_are_not_asked_once_a_parser_succeeds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = _Fake("first"), _Fake("second")
    monkeypatch.setattr(parse_module, "PARSERS", (first, second))
    page = parse_module.parse_page(PAGE)
    assert page.platform == "first"
    assert first.calls == ["detect", "parse"]
    assert second.calls == []


def test_a_failing_parser_hands_on_to_the_next_detected_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    skipped = _Fake("skipped", detects=False)
    broken = _Fake("broken", fails=True)
    buggy = _Fake("x-buggy")
    last = _Fake("last")
    monkeypatch.setattr(parse_module, "PARSERS", (skipped, broken, buggy, last))
    page = parse_module.parse_page(PAGE)
    assert page.platform == "last"
    assert skipped.calls == ["detect"]
    assert any("broken parser failed: RuntimeError: boom" in note for note in page.notes)
    assert any("x-buggy detector failed: ValueError" in note for note in page.notes)


def test_every_parser_failing_is_a_parse_error_naming_each_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Not an empty "generic" page: that was stored as nothing, and the run called it ok.
    monkeypatch.setattr(parse_module, "PARSERS", (_Fake("a", fails=True), _Fake("b", fails=True)))
    monkeypatch.setattr(parse_module, "GENERIC_PARSER", _Fake("generic", fails=True))
    with pytest.raises(ParseError) as raised:
        parse_module.parse_page(PAGE, "https://x.example/p")
    assert "no parser could read the page" in str(raised.value)
    assert "a parser failed: RuntimeError: boom" in str(raised.value)
    assert "b parser failed: RuntimeError: boom" in str(raised.value)
    assert "generic parser failed: RuntimeError: boom" in str(raised.value)


def test_the_generic_parser_is_the_last_resort_even_when_not_registered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parse_module, "PARSERS", (_Fake("a", fails=True),))
    page = parse_module.parse_page(PAGE, "https://x.example/p")
    assert page.platform == "generic"
    assert any("a parser failed: RuntimeError: boom" in note for note in page.notes)


def test_a_named_platform_parses_even_when_its_detector_says_no(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    named = _Fake("named", detects=False)
    monkeypatch.setattr(parse_module, "PARSERS", (named,))
    assert parse_module.parse_page(PAGE, platform="named").platform == "named"
    assert named.calls == ["detect", "parse"]


def test_an_unknown_platform_name_means_auto_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    declines, accepts = _Fake("declines", detects=False), _Fake("accepts")
    monkeypatch.setattr(parse_module, "PARSERS", (declines, accepts))
    page = parse_module.parse_page(PAGE, platform="no-such-platform")
    assert page.platform == "accepts"
    assert declines.calls == ["detect"]  # not forced to parse: the name matched no parser
