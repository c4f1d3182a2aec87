"""Page-level comment spam signals: pure functions from a parsed page to scored comments."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

from scraper.core.models import Comment, ParsedPage

# A comment is spam when its signals add up to this; each signal alone stays below it, so
# one ambiguous trait (a short off-topic line, a link to a reference) never flags a comment.
THRESHOLD = 0.6
_WEIGHTS = {
    "keyword link": 0.45,
    "keyword author": 0.35,
    "trailing keyword line": 0.35,
    "trailing link": 0.4,
    "link drop": 0.45,
    "product trackback": 0.6,
    "off-topic": 0.25,
    "other language": 0.25,
}
# Promotion is what makes spam spam: without one of these, off-topic or foreign text is a reader.
# A trailing plain line of words is not one on its own: readers sign off that way ("Love and
# light Jessica", "Sent from my mobile"); it adds weight to a link or a keyword name.
_PROMOTION = {
    "keyword link",
    "keyword author",
    "trailing link",
    "link drop",
    "product trackback",
}
# A phrase of three to eight plain words (an SEO keyword), not a sentence or a signature with
# punctuation; two words ("my blog", "mein Blog") is how people name their own site.
_PLAIN = re.compile(r"^[^\W_]+(?: [^\W_]+){2,7}$")
_BARE_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_ANCHOR = re.compile(r"<a\b[^>]*href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # a malformed URL (a lone "[") has no host we can read
        return ""
    return host.removeprefix("www.")


# A redirect or exit link carries its real target in a query parameter (`?URL=http://…`,
# `out.php?url=…`, `goto=…`): promotion through the page's own host is still promotion.
_TARGET_PARAMS = ("url", "u", "link", "goto", "target", "to", "out", "redirect", "dest", "q")
# At most this many words besides the links: the comment is there for its link.
_DROP_WORDS = 3


def _target(href: str) -> str:
    """Where a link leads: the absolute URL a redirect carries in its query, else itself."""
    try:
        query = urlsplit(href).query
    except ValueError:  # a malformed link leads nowhere we can name
        return href
    for key, value in parse_qsl(query):
        if key.lower() in _TARGET_PARAMS and value.lower().startswith(("http://", "https://")):
            return value
    return href


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _keyword_phrase(name: str) -> bool:
    """Looks like an SEO phrase, not a person's or blog's name: several words, mostly lower-case
    after the first, or long. Person names are one to three capitalised words."""
    words = name.split()
    if len(words) < 3:
        return False
    lower = sum(1 for w in words[1:] if w[:1].islower())
    return len(words) >= 5 or lower >= 2


def _own(host: str, comment: Comment, page_host: str) -> bool:
    """A link to the commenter's own site or the page's own site is not promotion."""
    if not host:
        return True
    own = {_host(comment.author_url), page_host} - {""}
    return any(host == h or host.endswith("." + h) or h.endswith("." + host) for h in own)


def _latin_marks(text: str) -> float:
    """Share of letters carrying diacritics or outside Latin: tells scripts and accented
    languages (Vietnamese, Polish) apart from plain-ASCII ones without a word list."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    marked = sum(1 for c in letters if not c.isascii())
    return marked / len(letters)


def _script(text: str) -> str:
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            counts[name.split(" ")[0] if name else "?"] += 1
    return counts.most_common(1)[0][0] if counts else ""


def _signals(comment: Comment, page: ParsedPage, vocab: set[str], others: str) -> list[str]:
    page_host = _host(page.url)
    fired: list[str] = []
    lines = [" ".join(line.split()) for line in comment.text.strip().splitlines() if line.strip()]
    anchors = [(_target(href), inner) for href, inner in _ANCHOR.findall(comment.html)]
    for href, inner in anchors:
        label = _TAG.sub("", inner).strip()
        if not label or "://" in label or label.startswith("www."):
            continue
        label = " ".join(label.split())
        # Standing alone or closing the comment: a link inside a sentence is a reference.
        alone = label in lines or " ".join(comment.text.split()).endswith(label)
        if alone and not _own(_host(href), comment, page_host) and _PLAIN.match(label):
            fired.append("keyword link")
            break
    if comment.author and "@" not in comment.author and _keyword_phrase(comment.author):
        fired.append("keyword author")
    if len(lines) >= 2 and _PLAIN.match(lines[-1]) and _keyword_phrase(lines[-1]):
        fired.append("trailing keyword line")
    if (
        len(lines) >= 2
        and _BARE_URL.match(lines[-1])
        and not _own(
            _host(lines[-1] if "://" in lines[-1] else "http://" + lines[-1]), comment, page_host
        )
    ):
        fired.append("trailing link")
    if _link_drop(comment, anchors, page_host):
        fired.append("link drop")
    body = " ".join(line for line in lines if not _BARE_URL.match(line))
    words = [w for w in _words(body) if len(w) >= 5]
    if vocab and not any(w in vocab for w in set(words)):
        fired.append("off-topic")
    page_marks = _latin_marks(others)
    own_marks = _latin_marks(comment.text)
    if len(comment.text) >= 40 and others:
        script_differs = _script(comment.text) != _script(others)
        if script_differs or abs(own_marks - page_marks) > 0.04:
            fired.append("other language")
    return fired


def _link_drop(comment: Comment, anchors: list[tuple[str, str]], page_host: str) -> bool:
    """A comment that is one link to someone else's site and a word or three ("oki doki
    <link>", "Shop <link>Shop</link>"): it is there for the link."""
    foreign = [href for href, _inner in anchors if not _own(_host(href), comment, page_host)]
    if len(foreign) != 1 or len(anchors) > 1:
        return False  # references in a sentence ("two links: first and second") are not a drop
    rest = comment.text
    for _href, inner in anchors:
        rest = rest.replace(" ".join(_TAG.sub("", inner).split()), " ")
    rest = " ".join(word for word in rest.split() if not _BARE_URL.match(word))
    return len(_words(rest)) <= _DROP_WORDS


# A shop's page, by the words its address is built from (in the common languages) or a price in
# its excerpt: a trackback from there is advertising, not a blog answering the post.
_SHOP_PATH = re.compile(
    r"/(?:products?|produkte?|produits?|productos?|prodotti|shop|store|boutique|tienda|negozio|"
    r"sklep|cart|checkout|buy|kaufen|comprar|acheter|deals?|coupons?|item|sku)(?:[/._?-]|$)",
    re.IGNORECASE,
)
_PRICE = re.compile(r"(?:[$€£¥]\s?\d+(?:[.,]\d\d)?|\d+(?:[.,]\d\d)?\s?(?:€|USD|EUR|zł|руб))")


def _product_trackback(comment: Comment) -> bool:
    """A pingback or trackback whose source is a shop's product page."""
    source = urlsplit(comment.author_url or comment.permalink or "")
    return bool(_SHOP_PATH.search(source.path + ("?" + source.query if source.query else ""))) or (
        _PRICE.search(comment.text) is not None
    )


def score(page: ParsedPage) -> ParsedPage:
    """The page with every comment's `spam`, `spam_score` and `spam_reasons` set.

    Owner replies are never spam here, nor pingbacks and trackbacks unless they come from a
    shop's product page; cross-post duplicates are the archive's job.
    """
    if not page.comments:
        return page
    vocab = {w for w in _words(f"{page.post.title or ''} {page.post.text}") if len(w) >= 5}
    others = page.post.text or " ".join(c.text for c in page.comments)
    scored: list[Comment] = []
    for comment in page.comments:
        if comment.kind in ("pingback", "trackback"):
            # Another site linking here: never spam, unless that site is a shop's product page.
            shop = _product_trackback(comment)
            scored.append(
                replace(comment, spam=True, spam_score=0.6, spam_reasons=("product trackback",))
                if shop
                else comment
            )
            continue
        if comment.by_post_author or comment.deleted:
            scored.append(comment)
            continue
        fired = _signals(comment, page, vocab, others)
        total = min(1.0, sum(_WEIGHTS[name] for name in fired))
        promoted = any(name in _PROMOTION for name in fired)
        scored.append(
            replace(
                comment,
                spam=promoted and total >= THRESHOLD,
                spam_score=round(float(total), 2),
                spam_reasons=tuple(fired),
            )
        )
    return replace(page, comments=tuple(scored))
