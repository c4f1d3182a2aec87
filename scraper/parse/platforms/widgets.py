"""Comment systems that live outside the page (Disqus, Facebook, giscus…): notes, where to look."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from bs4 import Tag

from scraper.parse.platforms.base import Document
from scraper.parse.platforms.common import page_index
from scraper.parse.platforms.pieces import attr

_DISQUS_SHORTNAME = re.compile(
    r"""(?:disqus_shortname\s*=\s*|shortname\s*:\s*)['"]([\w-]+)['"]|//([\w-]+)\.disqus\.com/(?:embed|count)\.js"""
)
# Old globals (disqus_url) and the current config function (this.page.url = …).
_DISQUS_IDENTIFIER = re.compile(
    r"""(?:disqus_identifier|page\.identifier)\s*=\s*['"]([^'"]+)['"]"""
)
_DISQUS_URL = re.compile(r"""(?:disqus_url|page\.url)\s*=\s*['"]([^'"]+)['"]""")
_LOAD_MORE = re.compile(
    r"""class=["'][^"']*(?:wpd-load-more|wpdiscuz-loadmore|load-more-comments|comments-load-more|"""
    r"""js-load-comments|more-comments-button)""",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class WidgetReport:
    """Comment systems found on the page: human notes, URLs holding the comments, a shown count."""

    notes: tuple[str, ...] = ()
    more_comments: tuple[str, ...] = ()
    count_shown: int | None = None
    systems: tuple[str, ...] = ()


def detect_widgets(doc: Document) -> WidgetReport:  # noqa: PLR0915 - one flat check per system
    """Recognise third-party or JavaScript-only comment systems; cheap substring checks first."""
    text = doc.text
    lowered = page_index(doc).lowered(text)
    notes: list[str] = []
    urls: list[str] = []
    systems: list[str] = []
    count: int | None = None
    if "disqus" in lowered:
        shortname = _first_group(_DISQUS_SHORTNAME, text)
        if shortname or doc.soup.find(id="disqus_thread") is not None:
            systems.append("disqus")
            page_url = _first_group(_DISQUS_URL, text) or doc.url
            notes.append(_disqus_note(doc))
            if shortname and page_url:
                urls.append(
                    "https://disqus.com/embed/comments/?base=default&f="
                    + shortname
                    + "&t_u="
                    + quote(page_url, safe="")
                    + _identifier_param(text)
                )
    if "fb-comments" in lowered:
        node = doc.soup.find(class_="fb-comments")
        if isinstance(node, Tag):
            systems.append("facebook")
            notes.append("comments are served by the Facebook comments plugin (JavaScript only)")
            target = doc.absolute(attr(node, "data-href"))
            if target:
                urls.append(
                    "https://www.facebook.com/plugins/comments.php?href=" + quote(target, safe="")
                )
    if "commento" in lowered and (
        doc.soup.find(id="commento") is not None or "cdn.commento.io" in lowered
    ):
        systems.append("commento")
        notes.append("comments are served by Commento (JavaScript only)")
    if "isso" in lowered and (
        doc.soup.find(id="isso-thread") is not None or "data-isso" in lowered
    ):
        systems.append("isso")
        notes.append("comments are served by Isso (JavaScript only)")
    for system, host, suffix in (
        ("utterances", "utteranc.es", "issues"),
        ("giscus", "giscus.app", "discussions"),
    ):
        if host in lowered:
            systems.append(system)
            script = doc.soup.find("script", src=re.compile(re.escape(host)))
            repo = attr(script, "repo") or attr(script, "data-repo")
            notes.append(f"comments are GitHub {suffix} shown by {system} (JavaScript only)")
            if repo and re.fullmatch(r"[\w.-]+/[\w.-]+", repo):
                urls.append(f"https://github.com/{repo}/{suffix}")
    if "hyvor" in lowered and ("hyvor-talk" in lowered or "talk.hyvor.com" in lowered):
        systems.append("hyvor")
        notes.append("comments are served by Hyvor Talk (JavaScript only)")
    if "squarespace-comments" in lowered:
        node = doc.soup.find(class_="squarespace-comments")
        if isinstance(node, Tag) and not node.get_text(strip=True):
            systems.append("squarespace")
            notes.append(
                "Squarespace loads this post's comments with JavaScript; none are in the page"
            )
            shown = attr(node, "data-public-comment-count")
            count = int(shown) if shown and shown.isdigit() else None
    if "jetpack" in lowered and "jetpack_remote_comment" in lowered:
        notes.append(
            "Jetpack comment form found (comments themselves, if any, are listed separately)"
        )
    if _may_load_more(lowered, text) and _LOAD_MORE.search(text):
        systems.append("load-more")
        notes.append('the page loads further comments with JavaScript ("load more")')
    return WidgetReport(tuple(notes), tuple(dict.fromkeys(urls)), count, tuple(systems))


_LOAD_MORE_KEYS = (
    "wpd-load-more",
    "wpdiscuz-loadmore",
    "load-more-comments",
    "comments-load-more",
    "js-load-comments",
    "more-comments-button",
)
# Non-ASCII letters that re.IGNORECASE matches to ASCII ones (ı~i, ſ~s, K~k) but lower() keeps.
_CASE_TWINS = ("\u0131", "\u017f", "\u212a")


def _may_load_more(lowered: str, text: str) -> bool:
    """False when _LOAD_MORE cannot match: a few substring scans instead of a case-blind regex
    over the whole page (slow, and nearly every page has no such button)."""
    if any(c in text for c in _CASE_TWINS):
        return True
    # Every key holds "load-", "loadmore" or "more-comments": three scans usually settle it.
    if "load-" not in lowered and "loadmore" not in lowered and "more-comments" not in lowered:
        return False
    return any(key in lowered for key in _LOAD_MORE_KEYS)


# The Disqus WordPress plugin's server-rendered fallback: `ul#dsq-comments > li#dsq-comment-N`,
# the comments as the blog last synced them, printed for readers without JavaScript.
_DISQUS_FALLBACK_ITEM = re.compile(r"^dsq-comment-\d+$")


def _disqus_note(doc: Document) -> str:
    """Whether the page carries Disqus's fallback list (read like any comments) or nothing."""
    if doc.soup.find("li", id=_DISQUS_FALLBACK_ITEM) is not None:
        return (
            "comments are served by Disqus; the page's server-rendered fallback list was read,"
            " Disqus itself may hold later ones"
        )
    return "comments are served by Disqus (JavaScript only); none are in the page"


def _first_group(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    if match is None:
        return None
    return next((group for group in match.groups() if group), None)


def _identifier_param(text: str) -> str:
    identifier = _first_group(_DISQUS_IDENTIFIER, text)
    return "&t_i=" + quote(identifier, safe="") if identifier else ""
