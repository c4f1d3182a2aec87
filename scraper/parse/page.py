"""Bytes to ParsedPage: decode, build the soup once (lxml), pick the platform, run its parser."""

from __future__ import annotations

import codecs
import re
import warnings
from dataclasses import replace
from datetime import UTC, datetime, tzinfo

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

from scraper.core.errors import ParseError

try:  # optional: without it, undeclared non-UTF-8 pages fall back to cp1252
    from charset_normalizer import from_bytes
except ImportError:  # pragma: no cover - depends on the environment
    from_bytes = None  # type: ignore[assignment]
from scraper.core.dates import ASSUMED_UTC
from scraper.core.models import Comment, ParsedPage
from scraper.core.sanitise import clean_page
from scraper.parse.article_fallback import fill_article
from scraper.parse.contain import collecting
from scraper.parse.fill import fill_missing
from scraper.parse.platforms import PARSERS, Document, PlatformParser
from scraper.parse.platforms.common import stable_comment_id, thread
from scraper.parse.platforms.extra import GENERIC_PARSER
from scraper.parse.platforms.relative import reading_against
from scraper.parse.platforms.widgets import detect_widgets
from scraper.parse.quality import assess
from scraper.parse.sources import label_page, labelled, settle_page
from scraper.parse.spam import score as score_spam
from scraper.parse.trim import trim_headers

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)",
    re.IGNORECASE,
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels browsers treat as another encoding (WHATWG): latin-1 and ASCII pages are really cp1252.
_ALIASES = {
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "sjis": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "utf8": "utf-8",
    "unicode": "utf-16",
}
_NOT_HTML_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")
_META_SCAN_BYTES = 16384


def _soup(text: str) -> BeautifulSoup:
    """The page's tree, built once by bs4's lxml builder and shared by every parser."""
    with warnings.catch_warnings():
        # XHTML-looking pages and tiny inputs make bs4 warn; the HTML parser is what we want.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(text, "lxml")


def _codec(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _declared(html: bytes, content_type: str | None) -> list[str]:
    """Charsets the response declares: header first, then the page's meta / XML declaration."""
    found: list[str] = []
    if content_type and (header := _HEADER_CHARSET.search(content_type)):
        found.append(header.group(1))
    meta = _META_CHARSET.search(html[:_META_SCAN_BYTES])
    if meta:
        raw: bytes = meta.group(1) or meta.group(2)
        found.append(raw.decode("ascii", "ignore"))
    codecs_found: list[str] = []
    for label in found:
        name = _codec(label)
        # A page cannot declare itself UTF-16 inside an ASCII-compatible meta tag.
        if name and not name.startswith("utf-16") and name not in codecs_found:
            codecs_found.append(name)
    return codecs_found


def _detect(html: bytes) -> str | None:
    if from_bytes is None:
        return None
    best = from_bytes(html[:200_000]).best()
    return best.encoding if best is not None else None


def decode_html(html: bytes | str, content_type: str | None = None) -> str:
    """Decode page bytes: BOM, then the header's charset, then the page's meta, then detection.

    Declared charsets are tried strictly; UTF-8 is tried whenever a declaration fails (pages
    often lie), then detection, then cp1252, which never leaves mojibake of ASCII text.
    """
    if isinstance(html, str):
        return html
    for bom, name in _BOMS:
        if html.startswith(bom):
            return html[len(bom) :].decode(name, errors="replace")
    declared = _declared(html, content_type)
    for name in dict.fromkeys([*declared, "utf-8"]):
        try:
            return html.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    detected = _codec(_detect(html))
    if detected:
        try:
            return html.decode(detected)
        except (UnicodeDecodeError, LookupError):
            pass
    return html.decode(declared[0] if declared else "cp1252", errors="replace")


def _check_input(html: bytes | str, content_type: str | None) -> None:
    if content_type and content_type.split(";")[0].strip().lower().startswith(_NOT_HTML_TYPES):
        raise ParseError(f"not an HTML page (content type {content_type.split(';')[0]})")
    head = html[:2048]
    if isinstance(head, str):
        head = head.encode("utf-8", "ignore")
    if not head.strip():
        raise ParseError("empty input")
    if head.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")):
        raise ParseError("not an HTML page (binary file)")
    if head.count(b"\x00") > len(head) // 4 and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError("not an HTML page (binary data)")


def build_document(html: bytes | str, url: str | None, content_type: str | None) -> Document:
    """Decode and parse the page once with the lxml tree builder."""
    _check_input(html, content_type)
    text = decode_html(html, content_type)
    if "<" not in text:
        raise ParseError("input is not HTML (no markup found)")
    return Document.of(_soup(text), url, text)


def _candidates(platform: str) -> list[PlatformParser]:
    if platform == "auto":
        return list(PARSERS)
    named = [p for p in PARSERS if p.name == platform or p.name.startswith(platform + "-")]
    if not named:
        return list(PARSERS)
    # A named platform's variants first (blogger, blogger-legacy), detector-approved one wins.
    return named + [p for p in PARSERS if p not in named and p.name == "generic"]


def _holds_nothing(comment: Comment) -> bool:
    """An element named like a comment that holds no author, time, text or markup: an empty
    template or placeholder, not a comment (a deleted one says so with `deleted`)."""
    return not (
        comment.author
        or comment.published
        or comment.text.strip()
        or comment.html.strip()
        or comment.deleted
    )


def _consistent(page: ParsedPage) -> ParsedPage:
    """Give id-less comments a stable hash id, dedupe by id, make parent/depth agree; leave
    out (with a note) items that hold nothing and have no replies."""
    answered = {comment.parent_id for comment in page.comments if comment.parent_id}
    empty = [c for c in page.comments if _holds_nothing(c) and c.id not in answered]
    if empty:
        page = replace(
            page,
            comments=tuple(c for c in page.comments if not any(c is e for e in empty)),
            notes=(*page.notes, f"{len(empty)} comment-like elements held nothing; left out"),
        )
    fixed: list[Comment] = []
    for comment in page.comments:
        if comment.id:
            fixed.append(comment)
            continue
        ident = stable_comment_id(page.url, comment.author, comment.published, comment.text)
        fixed.append(replace(comment, id=ident))
    return replace(page, comments=thread(fixed))


def parse_page(
    html: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    platform: str = "auto",
    fetched_at: datetime | None = None,
    zone: tzinfo | None = None,
) -> ParsedPage:
    """Parse one HTML page into its post, comments and links to more comments. No I/O.

    `fetched_at` is when the page was fetched: relative times the page shows ("vor 2 Stunden",
    "yesterday at 4:01 pm") are read against it and marked approximate. Without it they stay
    unread (None) rather than guessed. `zone` is the blog's zone when the caller knows it (a
    site's configured `timezone`): it wins over what the page reveals.

    Raises ParseError for input that is not a readable HTML page, and when no parser could
    read it (the generic one included; the error names each parser's failure). A comment whose
    fields cannot be read is left out with a note; a parser failing on odd markup falls through
    to the next candidate and leaves a note.
    """
    doc = build_document(html, url, content_type)
    candidates = _candidates(platform)
    notes: list[str] = []
    # Detectors run lazily, in order: once a parser has read the page, the later detectors'
    # verdicts could not change the result (a parser that fails hands on to the next one).
    if fetched_at is not None and fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
    with reading_against(fetched_at, zone) as reading:
        page = _with_generic_comments(_platform_page(doc, candidates, notes, platform), doc)
        page = trim_headers(_filled(page, doc))
        page = _with_widgets(page, doc)
        page = fill_article(page, doc.text)
    if reading.approximate:
        page = _mark_approximate(page, reading.approximate)
    page = _say_assumed_zone(page, reading.approximate)
    # The one place every page's fields are sanitised: whatever parser read it, and whoever
    # asked (the run, a comment page, reparse, `parse`), nothing raw leaves this function.
    # Labels last: sanitising can empty a field (a `javascript:` author link), and then its
    # label goes too.
    return settle_page(score_spam(clean_page(assess(page))))


def _mark_approximate(page: ParsedPage, approximate: set[datetime]) -> ParsedPage:
    """Comments whose time was read from a relative time say so; so does a post date."""
    comments = tuple(
        replace(comment, published_approximate=True)
        if comment.published is not None and comment.published in approximate
        else comment
        for comment in page.comments
    )
    notes = page.notes
    if page.post is not None and page.post.published in approximate:
        notes = (*notes, "the post's date is a relative time read against the fetch time")
    return replace(page, comments=comments, notes=notes)


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _say_assumed_zone(page: ParsedPage, approximate: set[datetime]) -> ParsedPage:
    """Times the page shows without any zone were read as UTC: a guess, which the notes name
    (a site's `timezone` in the config, or its platform's API, gives the real one)."""
    guessed = [
        comment
        for comment in page.comments
        if comment.published is not None
        and comment.published.tzinfo is ASSUMED_UTC
        and comment.published not in approximate
    ]
    post_guessed = page.post is not None and any(
        moment is not None and moment.tzinfo is ASSUMED_UTC
        for moment in (page.post.published, page.post.updated)
    )
    if not guessed and not post_guessed:
        return page
    plural = "s" if len(guessed) != 1 else ""
    what = f"{len(guessed)} comment time{plural}" if guessed else "the post's date"
    if guessed and post_guessed:
        what += " and the post's date"
    note = (
        f"{what} shown without a time zone, read as UTC"
        " (set the site's `timezone` in the config if the blog is elsewhere)"
    )
    comments = tuple(
        replace(comment, published=_utc(comment.published)) for comment in page.comments
    )
    post = page.post
    if post is not None:
        post = replace(post, published=_utc(post.published), updated=_utc(post.updated))
    return replace(page, post=post, comments=comments, notes=(*page.notes, note))


def _with_generic_comments(page: ParsedPage, doc: Document) -> ParsedPage:
    """A platform parser that found no comments is not the last word: the generic finders
    (structured data, comment-N ids, repeated blocks in a comment region) look too."""
    if page.comments or page.platform == GENERIC_PARSER.name:
        return page
    try:
        with collecting() as left_out:
            generic = GENERIC_PARSER.parse(doc)
    except Exception as error:  # the generic finders failing costs their help, not the page
        return replace(page, notes=(*page.notes, f"generic finders failed: {error}"))
    if not generic.comments:
        return page
    generic = _consistent(generic)
    return replace(
        page,
        comments=tuple(labelled(comment, GENERIC_PARSER.name) for comment in generic.comments),
        comment_count_shown=page.comment_count_shown or generic.comment_count_shown,
        notes=(
            *page.notes,
            f"comments found by the generic finders, not the {page.platform} parser",
            *left_out,
        ),
    )


def _filled(page: ParsedPage, doc: Document) -> ParsedPage:
    """The shared cues' second look at fields a parser left empty; if it fails on odd markup,
    the page keeps what its parser read and a note says the filler failed."""
    try:
        return fill_missing(page, doc)
    except Exception as error:  # the filler failing costs its help, not the page
        return replace(page, notes=(*page.notes, f"field filler failed: {type(error).__name__}"))


def _with_widgets(page: ParsedPage, doc: Document) -> ParsedPage:
    """Comment systems served from elsewhere (Disqus, Facebook, giscus…) are said on every page,
    whichever parser read it: a WordPress or Blogger theme can carry them as well as any."""
    widgets = detect_widgets(doc)
    notes = tuple(n for n in widgets.notes if n not in page.notes)
    more = tuple(u for u in widgets.more_comments if u not in page.more_comments)
    if not notes and not more:
        return page
    return replace(
        page,
        notes=(*page.notes, *notes),
        more_comments=(*page.more_comments, *more),
        comment_count_shown=page.comment_count_shown or widgets.count_shown,
    )


def _platform_page(
    doc: Document, candidates: list[PlatformParser], notes: list[str], platform: str
) -> ParsedPage:
    forced = platform != "auto" and any(p.name == platform for p in candidates)
    detected = False
    for parser in candidates:
        if not _detects(parser, doc, notes):
            continue
        detected = True
        page = _run(parser, doc, notes)
        if page is not None:
            return page
    if forced and not detected:
        for parser in candidates:
            if parser.name == platform and (page := _run(parser, doc, notes)) is not None:
                return page
    # The generic parser accepts every page; the page is unreadable only when it failed too.
    generic_tried = any(parser is GENERIC_PARSER for parser in candidates)
    if not generic_tried and (page := _run(GENERIC_PARSER, doc, notes)) is not None:
        return page
    raise ParseError("no parser could read the page: " + "; ".join(notes))


def _run(parser: PlatformParser, doc: Document, notes: list[str]) -> ParsedPage | None:
    try:
        with collecting() as left_out:  # comments a parser's `guarded` reads dropped
            page = parser.parse(doc)
    except Exception as error:  # a parser bug must not lose the page; next one tries
        notes.append(f"{parser.name} parser failed: {type(error).__name__}: {str(error)[:300]}")
        return None
    # Whatever the parser read carries its platform's name; later stages label what they add.
    page = label_page(_consistent(page), page.platform)
    extra = (*notes, *left_out)
    return replace(page, notes=(*page.notes, *extra)) if extra else page


def _detects(parser: PlatformParser, doc: Document, notes: list[str]) -> bool:
    try:
        return parser.detect(doc)
    except Exception as error:  # a detector bug must not lose the page
        notes.append(f"{parser.name} detector failed: {type(error).__name__}: {error}")
        return False
