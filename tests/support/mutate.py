"""Deterministic, seeded mutations of real pages: the hostile and broken markup a fuzz pass feeds
to `parse_page` (truncation, byte flips, deep and unclosed nests, NULs, giant attributes, wrong
charsets, odd URLs, control characters).

Each mutation is a function of (page bytes, random generator, scale); the same seed gives the
same page on every machine. `FIELD_ONLY` names the mutations that damage one field (one URL,
one text, one attribute) and leave the page's structure as it was: a page must survive them with
its post and comments (a bad field costs that field, never the page).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

# URLs that break naive URL handling: a lone bracket (urljoin raises), schemes hidden behind a
# tab or a control character (a deny-list misses them), unterminated IPv6 hosts, bad escapes.
ODD_URLS = (
    "http://paul[.example/",
    "http://[::1",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    " \x1bjavascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://a b.example/%zz",
    "http://example.com:99999999/",
    "//",
    "http:",
    "http://" + "a" * 5000 + ".example/",
    "http://xn--.example/\x00",
    "mailto:\x07@example.com",
)
CONTROL_CHARS = ("\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b[2J", "\x1bc", "\x7f", "\x9b31m")
CHARSETS = ("utf-16", "shift_jis", "iso-8859-1", "x-no-such-charset", "utf-7", "koi8-r", "utf-32")

_TAG_START = re.compile(rb"<([a-zA-Z][a-zA-Z0-9]*)(?=[\s>/])")
_HREF = re.compile(rb"""(href|src)\s*=\s*(["'])(.*?)\2""", re.DOTALL)
_TEXT_START = re.compile(rb">(?=[^<\s])")
_META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?[\w.:-]+", re.IGNORECASE)


@dataclass(frozen=True)
class Mutant:
    """One mutated page: which seed page, which mutation, the bytes and the header it came with."""

    seed_name: str
    kind: str
    body: bytes
    content_type: str | None
    number: int


Mutation = Callable[[bytes, random.Random, int], tuple[bytes, str | None]]


def _insert(html: bytes, at: int, piece: bytes) -> bytes:
    return html[:at] + piece + html[at:]


def _body_position(html: bytes, rng: random.Random) -> int:
    """A random tag start after <body (anywhere when there is none)."""
    start = html.lower().find(b"<body")
    starts = [m.start() for m in _TAG_START.finditer(html, max(start, 0))]
    return rng.choice(starts) if starts else rng.randrange(len(html) + 1)


def truncate(html: bytes, rng: random.Random, scale: int) -> tuple[bytes, str | None]:
    return html[: rng.randrange(len(html) + 1)], None


def byte_flips(html: bytes, rng: random.Random, scale: int) -> tuple[bytes, str | None]:
    data = bytearray(html)
    for _ in range(rng.randint(1, 40) if data else 0):
        data[rng.randrange(len(data))] ^= rng.randrange(1, 256)
    return bytes(data), None


def deep_nest(html: bytes, rng: random.Random, scale: int) -> tuple[bytes, str | None]:
    tag = rng.choice((b"<div>", b"<span>", b"<blockquote>", b"<table><tr><td>", b"<ul><li>"))
    return _insert(html, _body_position(html, rng), tag * (rng.randint(300, 3000) * scale)), None


def unclosed_font(html: bytes, rng: random.Random, scale: int) -> tuple[bytes, str | None]:
    tag = rng.choice((b"<font>", b"<b>", b"<i>", b"<a>", b"<p><em>"))
    return _insert(html, _body_position(html, rng), tag * (rng.randint(200, 1500) * scale)), None


def nested_comment_list(html: bytes, rng: random.Random, scale: int) -> tuple[bytes, str | None]:
    depth = rng.randint(50, 400) * scale
    item = (
        '<li class="comment depth-{n}" id="comment-9{n}"><article class="comment-body">'
        '<div class="comment-author vcard"><b class="fn">Nest {n}</b></div>'
        '<div class="comment-content"><p>Level {n}.</p></div></article><ol class="children">'
    )
    nest = '<ol class="comment-list">' + "".join(item.format(n=n) for n in range(depth))
    if rng.random() < 0.5:  # closed properly half the time, never closed the other half
        nest += "</ol></li>" * depth + "</ol>"
    at = html.lower().rfind(b"</body")
    return _insert(html, at if at >= 0 else len(html), nest.encode()), None


def nul_bytes(html: bytes, rng: random.Random, scale: int) -> tuple[bytes, str | None]:
    data = html
    for _ in range(rng.randint(1, 60)):
        data = _insert(data, rng.randrange(len(data) + 1), b"\x00" * rng.randint(1, 4))
    return data, None


def giant_attribute(html: bytes, rng: random.Random, scale: int) -> tuple[bytes, str | None]:
    starts = [m.end() for m in _TAG_START.finditer(html)]
    at = rng.choice(starts) if starts else 0
    name = rng.choice((b"title", b"data-x", b"class", b"style", b"alt"))
    value = rng.choice((b"A", b"&amp;", b"\xc2\xa0", b"x y ")) * (
        rng.randint(20_000, 200_000) * scale
    )
    return _insert(html, at, b" " + name + b'="' + value + b'"'), None


def nbsp_flood(html: bytes, rng: random.Random, scale: int) -> tuple[bytes, str | None]:
    run = rng.choice((b"\xc2\xa0", b"&nbsp;", b"&lt;", b"&#160;")) * (
        rng.randint(10_000, 60_000) * scale
    )
    texts = [m.end() for m in _TEXT_START.finditer(html)]
    return _insert(html, rng.choice(texts) if texts else len(html), run), None


def wrong_charset(html: bytes, rng: random.Random, scale: int) -> tuple[bytes, str | None]:
    label = rng.choice(CHARSETS)
    header = f"text/html; charset={rng.choice(CHARSETS)}" if rng.random() < 0.5 else None
    if _META_CHARSET.search(html):  # the page's own declaration lies
        html = _META_CHARSET.sub(b"charset=" + label.encode(), html, count=1)
    else:
        html = b'<meta charset="' + label.encode() + b'">' + html
    return html, header


def odd_url(html: bytes, rng: random.Random, scale: int) -> tuple[bytes, str | None]:
    """One href/src (a commenter's website, most often) becomes a URL that breaks parsers."""
    links = list(_HREF.finditer(html))
    odd = rng.choice(ODD_URLS).encode("utf-8")
    if not links:
        return html, None
    link = rng.choice(links)
    return html[: link.start(3)] + odd + html[link.end(3) :], None


def control_chars(html: bytes, rng: random.Random, scale: int) -> tuple[bytes, str | None]:
    """Control characters at the start of a few texts (a name, a title, a comment)."""
    texts = [m.end() for m in _TEXT_START.finditer(html)]
    for at in sorted(rng.sample(texts, min(len(texts), rng.randint(1, 5))), reverse=True):
        html = _insert(html, at, rng.choice(CONTROL_CHARS).encode("utf-8"))
    return html, None


MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate,
    "byte_flips": byte_flips,
    "deep_nest": deep_nest,
    "unclosed_font": unclosed_font,
    "nested_comment_list": nested_comment_list,
    "nul_bytes": nul_bytes,
    "giant_attribute": giant_attribute,
    "nbsp_flood": nbsp_flood,
    "wrong_charset": wrong_charset,
    "odd_url": odd_url,
    "control_chars": control_chars,
}
# One field damaged, the structure intact: the page must keep its post and comments.
FIELD_ONLY = frozenset({"odd_url", "control_chars", "giant_attribute"})


def mutant(
    seeds: Sequence[tuple[str, bytes]], number: int, seed: int = 0, scale: int = 1
) -> Mutant:
    """Mutant `number` of `seeds` (name, bytes): every mutation in turn on one seed page, then
    the next page; the same arguments give the same page."""
    kinds = sorted(MUTATIONS)
    rng = random.Random(f"{seed}:{number}")
    name, html = seeds[(number // len(kinds)) % len(seeds)]
    kind = kinds[number % len(kinds)]
    body, content_type = MUTATIONS[kind](html, rng, scale)
    return Mutant(name, kind, body, content_type, number)


def mutants(
    seeds: Sequence[tuple[str, bytes]], count: int, seed: int = 0, scale: int = 1
) -> Iterator[Mutant]:
    """The first `count` mutants of `seeds` (see `mutant`)."""
    for number in range(count):
        yield mutant(seeds, number, seed, scale)
