"""The demo blogs' content model: hand-written core posts plus seeded extra posts, with ids."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from scraper.core.errors import NotFoundError
from scraper.demo.generated import extra_posts, filler_comments
from scraper.demo.stories import BLOGGER_POSTS, WORDPRESS_POSTS, Change, PostSpec

Platform = Literal["blogger", "wordpress"]
REMOVED_BY_AUTHOR = "This comment has been removed by the author."
WP_COMMENTS_PER_PAGE = 20  # top-level threads per comment page, as WordPress counts them


@dataclass(frozen=True, slots=True)
class DemoComment:
    """One comment as the blog stores it; `published` is aware UTC."""

    id: str
    parent_id: str | None
    author: str
    published: datetime
    text: str
    author_url: str | None = None
    deleted: bool = False
    by_post_author: bool = False
    kind: Literal["comment", "pingback"] = "comment"
    user_login: str | None = None  # a WordPress registered user

    @property
    def paragraphs(self) -> list[str]:
        return [part for part in self.text.split("\n\n") if part]


@dataclass(frozen=True, slots=True)
class DemoPost:
    """One post with its comments in chronological order."""

    platform_id: str
    path: str
    slug: str
    title: str
    author: str
    author_login: str
    published: datetime
    labels: tuple[str, ...]
    paragraphs: tuple[str, ...]
    comments: tuple[DemoComment, ...]

    @property
    def last_modified(self) -> datetime:
        return max([self.published, *(comment.published for comment in self.comments)])

    def depth_of(self, comment: DemoComment) -> int:
        """0 for a top-level comment, +1 per ancestor."""
        by_id = {item.id: item for item in self.comments}
        depth, parent = 0, comment.parent_id
        while parent is not None:
            depth, parent = depth + 1, by_id[parent].parent_id
        return depth

    def threaded(self) -> list[DemoComment]:
        """Comments depth-first, siblings oldest first: the order the page shows them."""
        children: dict[str | None, list[DemoComment]] = {}
        for comment in self.comments:
            children.setdefault(comment.parent_id, []).append(comment)
        ordered: list[DemoComment] = []

        def walk(parent: str | None) -> None:
            for child in children.get(parent, []):
                ordered.append(child)
                walk(child.id)

        walk(None)
        return ordered


@dataclass(frozen=True, slots=True)
class DemoBlog:
    """A whole demo blog; `posts` newest first."""

    name: str
    platform: Platform
    title: str
    description: str
    tz_name: str
    blog_id: str
    authors: tuple[tuple[str, str, str], ...]  # (login, display name, profile/website URL)
    posts: tuple[DemoPost, ...]
    per_page: int = 3

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    @property
    def last_modified(self) -> datetime:
        return max(post.last_modified for post in self.posts)

    def author_url(self, login: str) -> str:
        return next(url for key, _, url in self.authors if key == login)

    def post_by_path(self, path: str) -> DemoPost | None:
        return next((post for post in self.posts if post.path == path), None)


def _digits(*parts: str) -> str:
    """A stable 19-digit id, like Blogger's blog, post and comment ids."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return str(10**18 + int.from_bytes(digest[:8], "big") % (8 * 10**18))


def _profile(name: str) -> str:
    return f"https://www.blogger.com/profile/{_digits('profile', name)[:20]}"


def _website(name: str) -> str | None:
    # About half the WordPress commenters leave a website, as in real threads.
    if int(_digits("site", name)) % 2:
        return None
    handle = name.split(maxsplit=1)[0].lower().replace("ễ", "e").replace("ø", "o")
    return f"https://{handle}.example.org/"


_BLOGGER_AUTHOR = ("maren", "Maren Okafor", _profile("Maren Okafor"))
_WP_AUTHORS = (
    ("jalbrecht", "Jonas Albrecht", "https://riverside-makers.example/members/jalbrecht/"),
    ("priya", "Priya Raman", "https://riverside-makers.example/members/priya/"),
)


def _comments(
    blog: DemoBlog, post_id: str, published: datetime, spec: PostSpec, rng: random.Random
) -> tuple[DemoComment, ...]:
    author_login = spec.author or blog.authors[0][0]
    names = {name: login for login, name, _ in blog.authors}
    ids: dict[str, str] = {}
    result: list[DemoComment] = []
    for key, parent, author, minutes, flags, text in spec.comments:
        when = published + timedelta(minutes=minutes, seconds=rng.randint(0, 59))
        if blog.platform == "blogger":
            when += timedelta(milliseconds=rng.randint(0, 999))
            ids[key] = _digits(post_id, key)
            url = _profile(author) if author != "Anonymous" else None
            login = None
        else:
            ids[key] = key  # numbered once the whole blog is known
            login = names.get(author) if ("U" in flags or "A" in flags) else None
            url = blog.author_url(login) if login else _website(author)
        pingback = "P" in flags
        result.append(
            DemoComment(
                id=ids[key],
                parent_id=ids[parent] if parent else None,
                author=text if pingback else author,
                published=when.replace(microsecond=when.microsecond // 1000 * 1000),
                text=text,
                author_url=f"https://{_digits('pb', text)[:6]}.example.net/" if pingback else url,
                deleted="D" in flags,
                by_post_author="A" in flags or (login == author_login and login is not None),
                kind="pingback" if pingback else "comment",
                user_login=login,
            )
        )
    return tuple(sorted(result, key=lambda comment: comment.published))


def _path(platform: Platform, local: datetime, slug: str) -> str:
    if platform == "blogger":
        return f"/{local:%Y}/{local:%m}/{slug}.html"
    return f"/{local:%Y}/{local:%m}/{local:%d}/{slug}/"


def _build(blog: DemoBlog, specs: tuple[PostSpec, ...], seed: int) -> DemoBlog:
    rng = random.Random(f"{seed}:{blog.name}")
    posts: list[DemoPost] = []
    for number, spec in enumerate(specs):
        local = datetime.strptime(spec.local_time, "%Y-%m-%d %H:%M").replace(tzinfo=blog.zone)
        published = local.astimezone(UTC)
        login = spec.author or blog.authors[0][0]
        author_name = next(name for key, name, _ in blog.authors if key == login)
        full = spec
        if spec.filler:
            fill = filler_comments(rng, blog.platform, spec.filler, author_name)
            full = replace(spec, comments=spec.comments + fill)
        post_id = _digits(blog.blog_id, spec.slug) if blog.platform == "blogger" else str(number)
        comments = _comments(blog, post_id, published, full, rng)
        posts.append(
            DemoPost(
                post_id,
                _path(blog.platform, local, spec.slug),
                spec.slug,
                spec.title,
                author_name,
                login,
                published,
                spec.labels,
                spec.paragraphs,
                comments,
            )
        )
    posts.sort(key=lambda post: post.published)
    if blog.platform == "wordpress":
        posts = _number_wordpress(posts)
    return replace(blog, posts=tuple(reversed(posts)))


def _number_wordpress(posts: list[DemoPost]) -> list[DemoPost]:
    """WordPress numbers posts and comments in creation order; gaps stand for pages/drafts."""
    numbered: list[DemoPost] = []
    next_comment = 101
    for index, post in enumerate(posts):
        mapping: dict[str, str] = {}
        comments: list[DemoComment] = []
        for comment in post.comments:
            mapping[comment.id] = str(next_comment)
            next_comment += 1
            parent = mapping[comment.parent_id] if comment.parent_id else None
            comments.append(replace(comment, id=mapping[comment.id], parent_id=parent))
        post_id = str(12 + index * 7)
        numbered.append(replace(post, platform_id=post_id, comments=tuple(comments)))
    return numbered


def build_blogs(extra_posts_per_site: int = 0, seed: int = 7) -> tuple[DemoBlog, DemoBlog]:
    """The Blogger-style and the WordPress-style demo blog, deterministic for a seed."""
    blogger = DemoBlog(
        name="switchbacks",
        platform="blogger",
        title="Switchbacks & Skillets",
        description="Hiking the Front Range and cooking whatever fits in the pack.",
        tz_name="America/Denver",
        blog_id="4182937561029384756",
        authors=(_BLOGGER_AUTHOR,),
        posts=(),
    )
    wordpress = DemoBlog(
        name="tinkerers",
        platform="wordpress",
        title="Tinkerers’ Corner",
        description="The Riverside Makerspace community blog",
        tz_name="Europe/Berlin",
        blog_id="riverside-makers",
        authors=_WP_AUTHORS,
        posts=(),
    )
    built: list[DemoBlog] = []
    for blog, core in ((blogger, BLOGGER_POSTS), (wordpress, WORDPRESS_POSTS)):
        rng = random.Random(f"{seed}:{blog.name}:extra")
        first = min(spec.local_time for spec in core)
        extra = extra_posts(rng, blog.platform, extra_posts_per_site, first, blog.authors[0][1])
        built.append(_build(blog, extra + core, seed))
    return built[0], built[1]


def with_comment(blog: DemoBlog, post_index: int, author: str, text: str) -> DemoBlog:
    """The blog with a new top-level comment, published now, on `blog.posts[post_index]`."""
    if not 0 <= post_index < len(blog.posts):
        raise NotFoundError(f"{blog.name} has no post number {post_index}")
    post = blog.posts[post_index]
    now = datetime.now(UTC).replace(microsecond=0)
    now = max(now, post.last_modified + timedelta(seconds=1))
    if blog.platform == "blogger":
        new_id = _digits(post.platform_id, "added", str(len(post.comments)), author, text)
        url: str | None = _profile(author)
    else:
        new_id = str(1 + max(int(c.id) for p in blog.posts for c in p.comments))
        url = _website(author)
    comment = DemoComment(
        id=new_id, parent_id=None, author=author, published=now, text=text, author_url=url
    )
    posts = list(blog.posts)
    posts[post_index] = replace(post, comments=(*post.comments, comment))
    return replace(blog, posts=tuple(posts))


def with_change(blog: DemoBlog, change: Change) -> DemoBlog:
    """The blog after one comment was edited, deleted by its author or removed."""
    posts = list(blog.posts)
    index = next((i for i, post in enumerate(posts) if post.slug == change.slug), None)
    if index is None:
        raise NotFoundError(f"{blog.name} has no post {change.slug!r}")
    post = posts[index]
    matches = [c for c in post.comments if c.text == change.text]
    if len(matches) != 1:
        raise NotFoundError(f"{change.slug} has {len(matches)} comments saying {change.text!r}")
    target = matches[0]
    if change.kind == "remove":
        if any(c.parent_id == target.id for c in post.comments):
            raise NotFoundError(f"{change.text!r} has replies: removing it would orphan them")
        comments = tuple(c for c in post.comments if c is not target)
    else:
        changed = (
            replace(target, text=REMOVED_BY_AUTHOR, deleted=True)
            if change.kind == "delete"
            else replace(target, text=change.new_text)
        )
        comments = tuple(changed if c is target else c for c in post.comments)
    posts[index] = replace(post, comments=comments)
    return replace(blog, posts=tuple(posts))


def comment_pages(post: DemoPost) -> list[list[DemoComment]]:
    """A WordPress post's threads split into comment pages (top-level threads per page)."""
    threads: list[list[DemoComment]] = []
    for comment in post.threaded():
        if comment.parent_id is None:
            threads.append([])
        threads[-1].append(comment)
    pages = [
        threads[i : i + WP_COMMENTS_PER_PAGE] for i in range(0, len(threads), WP_COMMENTS_PER_PAGE)
    ]
    return [[comment for thread in page for comment in thread] for page in pages] or [[]]


TruthRow = tuple[str, str | None, str, bool, bool]


def demo_truth(extra_posts: int = 0, seed: int = 7) -> dict[str, list[TruthRow]]:
    """Per post path: (comment id, parent id, author, deleted, by_post_author) in page order."""
    truth: dict[str, list[TruthRow]] = {}
    for blog in build_blogs(extra_posts, seed):
        for post in blog.posts:
            truth[post.path] = [
                (c.id, c.parent_id, c.author, c.deleted, c.by_post_author) for c in post.threaded()
            ]
    return truth


def expected_totals(extra_posts: int = 0, seed: int = 7) -> dict[str, int]:
    """Counts of the demo's content, for tests to assert against."""
    blogs = build_blogs(extra_posts, seed)
    totals = {
        "posts": 0,
        "comments": 0,
        "pingbacks": 0,
        "deleted": 0,
        "by_post_author": 0,
        "max_depth": 0,
        "non_ascii_comments": 0,
        "multi_page_threads": 0,
    }
    for blog in blogs:
        comments = [c for post in blog.posts for c in post.comments]
        totals[f"posts_{blog.platform}"] = len(blog.posts)
        totals[f"comments_{blog.platform}"] = len(comments)
        totals["posts"] += len(blog.posts)
        totals["comments"] += len(comments)
        totals["pingbacks"] += sum(c.kind == "pingback" for c in comments)
        totals["deleted"] += sum(c.deleted for c in comments)
        totals["by_post_author"] += sum(c.by_post_author for c in comments)
        totals["non_ascii_comments"] += sum(not c.text.isascii() for c in comments)
        for post in blog.posts:
            depths = [post.depth_of(c) for c in post.comments]
            totals["max_depth"] = max([totals["max_depth"], *depths])
            if blog.platform == "wordpress" and len(comment_pages(post)) > 1:
                totals["multi_page_threads"] += 1
    return totals
