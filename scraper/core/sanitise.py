"""The one sanitiser for what pages and comment APIs give us: HTML, text and URL fields.

Everything a hostile blog controls passes through here before it reaches the archive, an
export or a terminal: HTML is cut down to formatting and links (nh3), text loses control
characters (an ESC in an author's name would restyle the reader's terminal), and URL fields
keep only http(s) URLs, read the way a browser reads them (`java\\tscript:` is `javascript:`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from scraper.core.models import Comment, ParsedPage, Post

# C0 controls but tab and newline, DEL, and C1 controls (U+009B is a one-character CSI).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# WHATWG URL parsing: leading/trailing C0 controls and spaces go, tab and newlines anywhere go.
_URL_EDGES = "".join(chr(n) for n in range(0x21))
_URL_REMOVED = re.compile("[\t\n\r]")
_URL_SCHEMES = frozenset({"http", "https"})

# Tags and attributes kept in archived HTML: formatting and links only.
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "i", "img", "ins",
        "li", "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub", "sup",
        "u", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "figure", "figcaption", "table",
        "thead", "tbody", "tr", "td", "th", "dl", "dt", "dd", "div",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}}
# Elements dropped with their content (nh3 keeps the text of other disallowed tags), minus the
# void `input`, which nh3 refuses here because it cannot have content.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "noscript", "template", "iframe", "button", "form", "select", "textarea"}
)


def clean_text(text: str) -> str:
    """`text` without control characters; tabs and line breaks stay (a CR becomes one)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)


def clean_optional(text: str | None) -> str | None:
    """`clean_text` for an optional field: None, or empty after cleaning, is None."""
    if text is None:
        return None
    return clean_text(text) or None


def browser_url(url: str) -> str:
    """`url` as a browser reads it before parsing (WHATWG): leading and trailing controls and
    spaces stripped, tabs and newlines anywhere removed."""
    return _URL_REMOVED.sub("", url.strip(_URL_EDGES))


def clean_url(url: str | None) -> str | None:
    """An absolute http(s) URL as a browser would read it, else None.

    Leading and trailing controls and spaces are stripped and tabs/newlines removed first,
    exactly what lets `\\x01javascript:` or `java\\tscript:` run in a browser; a URL that
    still holds a control character after that is refused rather than repaired.
    """
    if not url:
        return None
    url = browser_url(url)
    if not url or _CONTROLS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed "[" in the host, say
        return None
    if parts.scheme.lower() not in _URL_SCHEMES or not parts.netloc:
        return None
    return url


# nh3 (html5ever's serialiser) takes time quadratic in the escaped characters ("&", U+00A0) of
# one text node or attribute value: 2 MB of no-break spaces took 14-40 s. A fragment with that
# many escapes reaches nh3 with its long text runs cut by empty comments, which nh3 drops (the
# text comes out the same), and with attribute values too long for any real href or title
# emptied. Below the threshold the fragment goes through untouched.
_MANY_ESCAPES = 20_000
_TEXT_RUN = 2000
_RUN_BREAK = "<!---->"
_LONG_TEXT = re.compile(rf"[^<>]{{{_TEXT_RUN + 1},}}")
_LONG_ATTRIBUTE = re.compile(r"""(=\s*)(?:"[^"<>]{8192,}"|'[^'<>]{8192,}')""")


def _break_runs(text: str) -> str:
    """`text` with an empty comment every _TEXT_RUN characters, never inside an entity."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > _TEXT_RUN:
        cut = start + _TEXT_RUN
        entity = text.rfind("&", cut - 12, cut)
        if entity != -1 and ";" not in text[entity:cut]:
            cut = entity
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return _RUN_BREAK.join(pieces)


def _linear_for_nh3(fragment: str) -> str:
    if fragment.count("&") + fragment.count("\xa0") <= _MANY_ESCAPES:
        return fragment
    fragment = _LONG_ATTRIBUTE.sub(r'\1""', fragment)
    return _LONG_TEXT.sub(lambda match: _break_runs(match.group()), fragment)


def clean_html(fragment: str) -> str:
    """Sanitised HTML: no scripts, styles, frames or handlers, links only to http(s)/mailto,
    and no control characters in the text."""
    if not fragment:
        return ""
    # Loaded on first use: the reporters and renderers import this module, and a cron run of
    # 304s never cleans any HTML (the one third-party import in scraper/core).
    import nh3

    cleaned: str = nh3.clean(
        _linear_for_nh3(fragment),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return clean_text(cleaned).strip()


def clean_comment(comment: Comment) -> Comment:
    """The comment with every field from the page or API sanitised."""
    return replace(
        comment,
        id=clean_text(comment.id),
        parent_id=clean_optional(comment.parent_id),
        author=clean_optional(comment.author),
        author_url=clean_url(comment.author_url),
        text=clean_text(comment.text),
        html=clean_html(comment.html),
        permalink=clean_url(comment.permalink),
    )


def clean_post(post: Post) -> Post:
    """The post with every field from the page sanitised."""
    labels = (clean_text(label) for label in post.labels)
    return replace(
        post,
        title=clean_optional(post.title),
        author=clean_optional(post.author),
        labels=tuple(label for label in labels if label),
        text=clean_text(post.text),
        html=clean_html(post.html),
        platform_id=clean_optional(post.platform_id),
    )


def clean_page(page: ParsedPage) -> ParsedPage:
    """The parsed page with its post, comments, links and notes sanitised."""
    more = (clean_url(url) for url in page.more_comments)
    return replace(
        page,
        url=clean_url(page.url) if page.url is not None else None,
        post=clean_post(page.post),
        comments=tuple(clean_comment(comment) for comment in page.comments),
        more_comments=tuple(url for url in more if url is not None),
        notes=tuple(clean_text(note) for note in page.notes),
    )


def printable(value: object) -> str:
    """`value` as text safe to print on a terminal: no control characters but line breaks."""
    return clean_text("" if value is None else str(value))
