"""The post part of a page (title, author, dates, labels, body) with meta/JSON-LD fallbacks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from bs4 import Tag

from scraper.core.dates import parse_iso
from scraper.core.models import Post
from scraper.parse.htmltext import sanitise_html, visible_text, without
from scraper.parse.platforms.article import (
    article_scope,
    cue_labels,
    find_author,
    find_published,
    find_title,
    head_meta,
)
from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import (
    json_ld_article,
    json_ld_author,
    meta_content,
)
from scraper.parse.platforms.cues import Cue
from scraper.parse.platforms.pageindex import PageIndex

# Class fragments of share bars, related-post boxes and similar chrome inside an article body.
_CHROME_CLASS = re.compile(
    r"share|sharing|sharedaddy|social|related|jp-relatedposts|addtoany|post-footer|"
    r"wpcnt|wp-block-buttons|subscribe|newsletter|author-box|post-navigation|comments?-link",
    re.IGNORECASE,
)
_BYLINE_PREFIX = re.compile(
    r"^(?:posted|written|published|geschrieben|eingestellt|verfasst|publié|publicado|pubblicato|"
    r"diposting|dikirim|đăng)\b.*?\b(?:by|von|par|por|da|oleh|bởi)\s+|^(?:by|von|par|por|oleh)\s+",
    re.IGNORECASE,
)


def clean_byline(text: str | None) -> str | None:
    """ "Posted by Jane Doe" → "Jane Doe"; None for empty."""
    if not text:
        return None
    value = _BYLINE_PREFIX.sub("", " ".join(text.split())).strip(" ,:|-")
    return value or None


def body_chrome(body: Tag, index: PageIndex) -> list[Tag]:
    """Share bars, related-post boxes and scripts inside an article body: left out of its text."""
    doomed: list[Tag] = []
    for name in ("script", "style", "noscript", "form", "iframe"):
        doomed.extend(index.inside(body, index.names(name)))
    for name, tags in index.by_class.items():
        if _CHROME_CLASS.search(name):
            doomed.extend(index.inside(body, tags))
    return doomed


def build_post(
    doc: Document,
    index: PageIndex,
    *,
    body: Tag | None,
    title: str | None,
    author: str | None,
    published: datetime | None,
    updated: datetime | None = None,
    labels: tuple[str, ...] = (),
    platform_id: str | None = None,
    zone: tzinfo = UTC,
) -> Post:
    """A Post from what the platform parser found, filling gaps from meta tags and JSON-LD,
    then from the cues every platform shares (`article`: headline, byline, date line)."""
    article = None
    if not (title and author and published):
        article = json_ld_article(index)
    # What the platform parser passed in carries its name (given in parse_page); what the
    # fallbacks here found carries theirs.
    cues: dict[str, Cue | None] = {}
    if not title:
        title, cues["title"] = meta_content(index, "og:title", "twitter:title"), Cue.META_TAG
        if not title and article and isinstance(article.get("headline"), str):
            title, cues["title"] = article["headline"].strip() or None, Cue.JSON_LD
        if not title:
            title, cues["title"] = find_title(doc, head_meta(doc), article_scope(body))
    if not author:
        author, cues["author"] = json_ld_author(article, index), Cue.JSON_LD
        if not author:
            author, cues["author"] = meta_content(index, "author", "article:author"), Cue.META_TAG
        if author and author.startswith(("http://", "https://")):
            author = None
        if not author:
            author, cues["author"] = find_author(doc, head_meta(doc), article_scope(body))
    if published is None:
        stamp, cues["published"] = (
            meta_content(index, "article:published_time", "datePublished"),
            Cue.META_TAG,
        )
        if not stamp and article and isinstance(article.get("datePublished"), str):
            stamp, cues["published"] = article["datePublished"], Cue.JSON_LD
        published = parse_iso(stamp) if stamp else None
        if published is None:
            scope = article_scope(body)
            published, cues["published"] = find_published(
                doc, head_meta(doc), scope, zone, (), title, body
            )
    if updated is None:
        stamp = meta_content(index, "article:modified_time", "dateModified")
        if not stamp and article and isinstance(article.get("dateModified"), str):
            stamp = article["dateModified"]
        updated = parse_iso(stamp) if stamp else None
    text = html = ""
    if body is not None:
        kept = without(body, body_chrome(body, index))
        text = visible_text(kept)
        html = sanitise_html(kept)
    return Post(
        title=" ".join(title.split()) if title else None,
        author=" ".join(author.split()) if author else None,
        published=published,
        updated=updated,
        labels=tuple(dict.fromkeys(label for label in labels if label)),
        text=text,
        html=html,
        platform_id=platform_id,
        sources=cue_labels(cues),
    )
