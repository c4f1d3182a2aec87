"""Complete a post's comment thread from feeds, REST and comment pages, merged into one tree."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from scraper.core.errors import ArchiveFullError, BlogArchiveError
from scraper.core.models import Comment, FetchedPage, FetchOutcome, ParsedPage, unusable_reason
from scraper.core.urls import classify_url, normalise_url, thread_url
from scraper.threads.comment_feeds import (
    CommentBatch,
    parse_blogger_comments,
    parse_wp_rest_comments,
)
from scraper.threads.merge import merge_comments

log = logging.getLogger("blogarchive.discover")

FetchFn = Callable[..., Awaitable[FetchOutcome]]
# (body, URL, when it was fetched): relative times on a comment page are read against the latter.
ParseFn = Callable[[bytes, str, datetime | None], Awaitable[ParsedPage]]

MAX_API_PAGES = 100  # 100 × 100 WordPress comments, 100 × 150 Blogger ones: beyond any real post
MAX_COMMENT_PAGES = 200
BLOGGER_PAGE_SIZE = 150
WP_PAGE_SIZE = 100
_BLOGGER_FEED = re.compile(r"^(.*/feeds/(\d+)/comments/default)")
_WP_DATE_PATH = re.compile(r"/\d{4}/\d{2}/")
_JS_ONLY = re.compile(r"javascript|disqus|js-only|iframe", re.IGNORECASE)
# Where a third-party widget keeps the thread (the URLs parse's widget notes give): a reader's
# pointer, not a comment page of this post to fetch (the page would be JavaScript).
_WIDGET_URL = re.compile(
    r"^https://(?:disqus\.com/embed/|www\.facebook\.com/plugins/|github\.com/)"
)


@dataclass(frozen=True, slots=True)
class ThreadResult:
    """A post's whole thread as far as it could be had, and why not all when it could not."""

    comments: tuple[Comment, ...]
    complete: bool
    shown: int | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Source:
    """Where a batch of comments came from, and what it says about which post they are of."""

    label: str  # the URL read, for notes
    # A page's own post: the thread URL it was read at and the post id its markup names.
    thread: str | None = None
    post_id: str | None = None
    # An API's answer: the post id it was asked for, and the ids its items name.
    asked_for: str | None = None
    named: frozenset[str] = frozenset()


class _Gathered:
    """Comments collected from each source, in the order sources were read, plus problems.

    The one rule that keeps every comment under its own post lives in `refusal`: a batch is
    merged only when its source is proven to be this post, else it is dropped with a note.
    """

    def __init__(self, page: Sequence[Comment], thread: str | None, post_id: str | None) -> None:
        self.thread = thread
        self.post_id = post_id
        self.groups: list[tuple[Sequence[Comment], bool]] = [(page, False)]
        self.problems: list[str] = []
        # Reasons that matter only if the other sources do not make up for them (API off).
        self.soft: list[str] = []
        # Sources refused because they are not proven to be this post: always reported.
        self.dropped: list[str] = []
        self.succeeded = 0

    def refusal(self, source: Source) -> str | None:
        """Why `source` is not proven to hold this post's comments, or None when it is."""
        if source.asked_for is not None:  # an API answer
            if self.post_id is None or source.asked_for != self.post_id:
                return f"{source.label}: asked for post {source.asked_for}, not this post"
            foreign = source.named - {source.asked_for}
            if foreign:
                return f"{source.label}: answer names other posts ({', '.join(sorted(foreign))})"
            return None
        if source.thread is None or source.thread != self.thread:
            return f"{source.label}: a page of another post"
        if self.post_id is not None and source.post_id != self.post_id:
            named = source.post_id or "no post id"
            return f"{source.label}: names {named}, this post is {self.post_id}"
        return None

    def add(self, comments: Sequence[Comment], source: Source, *, from_api: bool) -> bool:
        """Merge a batch when its source is proven to be this post; False when dropped."""
        refused = self.refusal(source)
        if refused is not None:
            self.dropped.append(f"dropped {len(comments)} comments from {refused}")
            log.warning("thread source refused: %s", refused)
            return False
        self.groups.append((comments, from_api))
        self.succeeded += 1
        return True

    def count(self) -> int:
        return len({c.id for group, _ in self.groups for c in group})


async def _get(fetch: FetchFn, url: str, expect: str) -> tuple[FetchedPage | None, str | None]:
    """Fetch and turn every kind of failure into a reason string (never raise)."""
    try:
        outcome = await fetch(url, expect=expect)
    except ArchiveFullError:
        raise  # the archive, not this URL: the run stops
    except BlogArchiveError as error:
        return None, f"fetch failed: {url}: {error}"
    except Exception as error:  # the fetch layer is someone else's: its surprises are data here
        return None, f"fetch failed: {url}: {type(error).__name__}: {error}"
    if outcome.status == "robots_blocked":
        return None, f"robots-disallowed: {url}"
    problem = unusable_reason(outcome)
    if problem is not None or outcome.page is None:
        return None, f"fetch failed: {url}: {problem}"
    return outcome.page, None


def _http_status(reason: str) -> int | None:
    match = re.search(r"HTTP (\d{3})$", reason)
    return int(match.group(1)) if match else None


def _with_query(url: str, query: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


async def _blogger_feed(feed_base: str, fetch: FetchFn, got: _Gathered) -> bool:
    """Read every page of a Blogger comments feed; True when it was read to its end."""
    start, seen_first = 1, set[str]()
    match = _BLOGGER_FEED.match(feed_base)
    asked = match.group(2) if match else None
    for _ in range(MAX_API_PAGES):
        query = f"alt=json&max-results={BLOGGER_PAGE_SIZE}&start-index={start}"
        url = _with_query(feed_base, query)
        page, problem = await _get(fetch, url, "feed")
        if page is None:
            got.problems.append(problem or "comments feed unavailable")
            return False
        try:
            batch = parse_blogger_comments(page.body)
        except BlogArchiveError as error:
            got.problems.append(f"comments feed unreadable: {error}")
            return False
        if not batch.comments or batch.comments[0].id in seen_first:
            return True
        seen_first.add(batch.comments[0].id)
        source = Source(url, asked_for=asked or "", named=batch.post_ids)
        if not got.add(batch.comments, source, from_api=True):
            return False
        start += len(batch.comments)
        if batch.total is not None and start > batch.total:
            return True
    got.problems.append(f"comments feed longer than {MAX_API_PAGES} pages")
    return False


async def _wp_rest(api_base: str, post_id: str, fetch: FetchFn, got: _Gathered) -> bool | None:
    """Read every page of REST comments; None when the API is off, False on a later failure."""
    total_pages: int | None = None
    number = 1
    while number <= min(total_pages or MAX_API_PAGES, MAX_API_PAGES):
        url = f"{api_base}wp/v2/comments?page={number}&per_page={WP_PAGE_SIZE}&post={post_id}"
        page, problem = await _get(fetch, url, "any")
        if page is None:
            status = _http_status(problem or "")
            if number == 1 and status in (401, 403, 404):
                got.soft.append(f"API off (HTTP {status})")
                return None
            got.problems.append(problem or "REST comments unavailable")
            return False
        try:
            batch: CommentBatch = parse_wp_rest_comments(page.body, page.headers)
        except BlogArchiveError as error:
            (got.soft if number == 1 else got.problems).append(f"API off ({error})")
            return None if number == 1 else False
        if not got.add(
            batch.comments, Source(url, asked_for=post_id, named=batch.post_ids), from_api=True
        ):
            return False
        total_pages = batch.total_pages if batch.total_pages is not None else number
        if not batch.comments:
            break
        number += 1
    return True


async def _comment_pages(
    start: Sequence[str], page_url: str, fetch: FetchFn, parse: ParseFn, got: _Gathered
) -> None:
    """Follow this post's comment pages (and those they link to) breadth first, each once.

    A link to another post's page is not fetched at all; a page that turns out to be another
    post's (a redirect, a different post id) is not merged (see `_Gathered.refusal`).
    """
    seen = {normalise_url(page_url) or page_url} | _pages_shown(got.groups[0][0], got.thread)
    queue = [u for u in start if u]
    fetched = 0
    while queue and fetched < MAX_COMMENT_PAGES:
        url = queue.pop(0)
        key = normalise_url(url) or url
        if key in seen:
            continue
        seen.add(key)
        if thread_url(url) != got.thread:
            got.dropped.append(f"not fetched: {url} is a page of another post")
            continue
        fetched += 1
        page, problem = await _get(fetch, url, "html")
        if page is None:
            got.problems.append(problem or f"comment page unavailable: {url}")
            continue
        try:
            parsed = await parse(page.body, page.final_url, page.fetched_at)
        except BlogArchiveError as error:
            got.problems.append(f"comment page unreadable: {url}: {error}")
            continue
        named = parsed.post.platform_id
        seen |= _pages_shown(parsed.comments, got.thread)
        if got.add(
            parsed.comments,
            Source(page.final_url, thread_url(page.final_url), named),
            from_api=False,
        ):
            queue.extend(u for u in parsed.more_comments if _is_comment_page(u))
    if queue:
        got.problems.append(f"more than {MAX_COMMENT_PAGES} comment pages")


def _pages_shown(comments: Sequence[Comment], thread: str | None) -> set[str]:
    """The URLs of the comment pages these comments live on, by their own permalinks: the page
    that shows them needs no second request under another URL (`/post/` is `/comment-page-1/`
    when the blog shows the oldest page first)."""
    pages = set()
    for comment in comments:
        if comment.permalink and thread_url(comment.permalink) == thread:
            pages.add(normalise_url(comment.permalink) or comment.permalink)
    return pages


async def _parse_here(body: bytes, url: str, fetched_at: datetime | None) -> ParsedPage:
    from scraper.parse.page import parse_page  # loaded on first use, like the parse pool

    return parse_page(body, url, fetched_at=fetched_at)


def _is_comment_page(url: str) -> bool:
    return "/wp-json/" not in url and "/feeds/" not in url and classify_url(url) != "asset"


def _wp_api_base(page_url: str, more: Sequence[str]) -> str:
    for url in more:
        if "/wp-json/" in url:
            return url.split("/wp-json/", 1)[0] + "/wp-json/"
    parts = urlsplit(page_url)
    match = _WP_DATE_PATH.search(parts.path)
    prefix = parts.path[: match.start() + 1] if match else "/"
    return urlunsplit((parts.scheme, parts.netloc, prefix + "wp-json/", "", ""))


def _post_id(parsed: ParsedPage, page_url: str) -> str | None:
    """The platform's id of this post: from its own markup, else its own `?p=N` URL.

    Never from links elsewhere on the page: a sidebar names other posts' ids too.
    """
    if parsed.post.platform_id and parsed.post.platform_id.isdigit():
        return parsed.post.platform_id
    match = re.search(r"[?&](?:post|p)=(\d+)", page_url)
    return match.group(1) if match else None


def _blogger_feed_base(parsed: ParsedPage, page_url: str, post_id: str | None) -> str | None:
    """This post's comments feed: the page's link to it when it names this post, else built."""
    for url in parsed.more_comments:
        match = _BLOGGER_FEED.match(url)
        if match and (post_id is None or match.group(2) == post_id):
            return match.group(1)
    if post_id is not None:
        parts = urlsplit(page_url)
        path = f"/feeds/{post_id}/comments/default"
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return None


async def complete_thread(
    parsed: ParsedPage, page_url: str, fetch: FetchFn, *, parse: ParseFn | None = None
) -> ThreadResult:
    """The post's whole thread: the page's comments when they are all there (no fetch), else
    merged with the comments feed / REST API / comment pages, saying why when still incomplete.

    `parse` reads further comment pages; the run passes its parse pool, so that they are not
    parsed on the event loop's thread. Without it they are parsed here.
    """
    shown = parsed.comment_count_shown
    js_notes = [note for note in parsed.notes if _JS_ONLY.search(note)]
    weak = parsed.read_poorly
    if not parsed.more_comments and not weak and (shown is None or shown <= len(parsed.comments)):
        if js_notes and not parsed.comments:
            return ThreadResult(parsed.comments, False, shown, f"JS-only widget: {js_notes[0]}")
        return ThreadResult(parsed.comments, True, shown, None)
    parse = parse or _parse_here
    post_id = _post_id(parsed, page_url)
    got = _Gathered(parsed.comments, thread_url(page_url), post_id)
    others = [
        u
        for u in parsed.more_comments
        if not _BLOGGER_FEED.match(u) and "/wp-json/" not in u and not _WIDGET_URL.match(u)
    ]
    done = False
    blogger_feed = _blogger_feed_base(parsed, page_url, post_id)
    if parsed.platform == "blogger" or (blogger_feed and parsed.platform != "wordpress"):
        done = blogger_feed is not None and await _blogger_feed(blogger_feed, fetch, got)
    elif parsed.platform == "wordpress":
        # Comment pages first: they show what REST leaves out (pingbacks, the bypostauthor
        # flag); REST fills whatever they could not. Without a count shown, the pages'
        # own pagination read to its end is the measure.
        if others:
            await _comment_pages(others, page_url, fetch, parse, got)
            others = []
            done = not got.problems and (
                got.count() >= shown if shown is not None else not got.dropped
            )
        if not done and post_id is not None:
            api = _wp_api_base(page_url, parsed.more_comments)
            rest = await _wp_rest(api, post_id, fetch, got)
            done = bool(rest) and (shown is None or got.count() >= shown)
            if done:
                got.problems.clear()  # the API made up for comment pages that failed
    if not done and others:
        await _comment_pages(others, page_url, fetch, parse, got)
    if not done and not others and not got.problems and js_notes:
        got.problems.append(f"JS-only widget: {js_notes[0]}")
    comments = merge_comments(got.groups)
    short = shown is not None and len(comments) < shown
    hard = list(dict.fromkeys(got.problems))
    complete = not short and not hard and (done or got.succeeded > 0)
    dropped = list(dict.fromkeys(got.dropped))
    if complete:
        return ThreadResult(comments, True, shown, "; ".join(dropped) or None)
    reasons = list(dict.fromkeys(got.soft + hard + dropped))
    if weak:
        reasons.insert(
            0, next((n for n in parsed.notes if n.startswith("weak extraction")), "weak")
        )
    if short:
        reasons.append(f"{len(comments)} of {shown} shown comments found")
    note = "; ".join(reasons) or "no readable source for the comments the page does not show"
    log.info("thread of %s incomplete: %s", page_url, note)
    return ThreadResult(comments, False, shown, note)
