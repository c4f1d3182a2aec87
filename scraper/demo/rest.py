"""The WordPress-style demo blog's REST API: `/wp-json/wp/v2/posts` and `.../comments`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import urlencode

from scraper.demo.content import DemoBlog, DemoPost, comment_pages
from scraper.demo.wordpress_layout import comment_page_url, slugify


@dataclass(frozen=True, slots=True)
class RestAnswer:
    """A REST response: status, JSON body and the paging headers WordPress sends."""

    status: int
    body: str
    headers: tuple[tuple[str, str], ...] = ()


def _error(code: str, message: str, status: int = 400) -> RestAnswer:
    body = {"code": code, "message": message, "data": {"status": status}}
    return RestAnswer(status, json.dumps(body))


def _naive(moment: datetime, zone: Any = UTC) -> str:
    return moment.astimezone(zone).replace(tzinfo=None).isoformat(timespec="seconds")


def _int(params: dict[str, str], name: str, default: int) -> int | None:
    raw = params.get(name, str(default))
    return int(raw) if raw.isdigit() else None


def _paging(params: dict[str, str]) -> tuple[int, int] | RestAnswer:
    """`page` and `per_page` (≤ 100) as WordPress checks them, or its 400 answer."""
    page, per_page = _int(params, "page", 1), _int(params, "per_page", 10)
    if page is None or page < 1:
        return _error("rest_invalid_param", "Invalid parameter(s): page")
    if per_page is None or not 1 <= per_page <= 100:
        return _error("rest_invalid_param", "Invalid parameter(s): per_page")
    return page, per_page


def _paged(
    base: str,
    route: str,
    params: dict[str, str],
    *,
    items: list[dict[str, Any]],
    page: int,
    per_page: int,
    invalid: str,
) -> RestAnswer:
    total = len(items)
    pages = (total + per_page - 1) // per_page
    if page > max(pages, 1):
        return _error(
            invalid, "The page number requested is larger than the number of pages available."
        )
    chunk = items[(page - 1) * per_page : page * per_page]
    links = []
    for rel, number in (("prev", page - 1), ("next", page + 1)):
        if 1 <= number <= pages:
            query = urlencode({**params, "page": str(number)})
            links.append(f'<{base}/wp-json/wp/v2/{route}?{query}>; rel="{rel}"')
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
    if links:
        headers.append(("Link", ", ".join(links)))
    return RestAnswer(200, json.dumps(chunk, ensure_ascii=False), tuple(headers))


def _post_json(blog: DemoBlog, base: str, post: DemoPost) -> dict[str, Any]:
    body = "".join(f"<p>{escape(text)}</p>\n" for text in post.paragraphs)
    link = base + post.path
    return {
        "id": int(post.platform_id),
        "date": _naive(post.published, blog.zone),
        "date_gmt": _naive(post.published),
        "guid": {"rendered": f"{base}/?p={post.platform_id}"},
        "modified": _naive(post.published, blog.zone),
        "modified_gmt": _naive(post.published),
        "slug": post.slug,
        "status": "publish",
        "type": "post",
        "link": link,
        "title": {"rendered": escape(post.title)},
        "content": {"rendered": body, "protected": False},
        "excerpt": {"rendered": f"<p>{escape(post.paragraphs[0])}</p>\n", "protected": False},
        "author": 1 + [login for login, _, _ in blog.authors].index(post.author_login),
        "comment_status": "open",
        "categories": [
            sorted({x for p in blog.posts for x in p.labels}).index(x) + 2 for x in post.labels
        ],
        "_links": {
            "replies": [
                {
                    "embeddable": True,
                    "href": f"{base}/wp-json/wp/v2/comments?post={post.platform_id}",
                }
            ]
        },
    }


def posts(blog: DemoBlog, base: str, params: dict[str, str]) -> RestAnswer:
    """`GET /wp-json/wp/v2/posts`: newest first, `per_page` ≤ 100, `page`, optional `slug`."""
    paging = _paging(params)
    if isinstance(paging, RestAnswer):
        return paging
    page, per_page = paging
    chosen = [p for p in blog.posts if "slug" not in params or p.slug == params["slug"]]
    items = [_post_json(blog, base, post) for post in chosen]
    invalid = "rest_post_invalid_page_number"
    return _paged(base, "posts", params, items=items, page=page, per_page=per_page, invalid=invalid)


def comments(blog: DemoBlog, base: str, params: dict[str, str]) -> RestAnswer:
    """`GET /wp-json/wp/v2/comments?post=ID`: approved comments (type `comment` by default)."""
    paging = _paging(params)
    if isinstance(paging, RestAnswer):
        return paging
    page, per_page = paging
    wanted = {part for part in params.get("post", "").split(",") if part}
    if any(not part.isdigit() for part in wanted):
        return _error("rest_invalid_param", "Invalid parameter(s): post")
    kind = params.get("type", "comment")
    ascending = params.get("order", "desc") == "asc"
    rows = []
    for post in blog.posts:
        if wanted and post.platform_id not in wanted:
            continue
        pages = comment_pages(post)
        for comment in post.comments:
            if comment.kind != kind:
                continue
            number = next(n for n, chunk in enumerate(pages, 1) if comment in chunk)
            where = base + post.path if number == 1 else comment_page_url(base, post, number)
            rows.append(
                (
                    comment.published,
                    {
                        "id": int(comment.id),
                        "post": int(post.platform_id),
                        "parent": int(comment.parent_id or 0),
                        "author": 0
                        if comment.user_login is None
                        else 1 + [login for login, _, _ in blog.authors].index(comment.user_login),
                        "author_name": comment.author,
                        "author_url": comment.author_url or "",
                        "date": _naive(comment.published, blog.zone),
                        "date_gmt": _naive(comment.published),
                        "content": {
                            "rendered": "".join(f"<p>{escape(t)}</p>\n" for t in comment.paragraphs)
                        },
                        "link": f"{where}#comment-{comment.id}",
                        "status": "approved",
                        "type": comment.kind,
                        "author_avatar_urls": {
                            "48": f"https://secure.gravatar.com/avatar/{slugify(comment.author)}?s=48"
                        },
                    },
                )
            )
    rows.sort(key=lambda row: (row[0], row[1]["id"]), reverse=not ascending)
    items = [row for _, row in rows]
    invalid = "rest_comment_invalid_page_number"
    return _paged(
        base, "comments", params, items=items, page=page, per_page=per_page, invalid=invalid
    )
