"""Spam signals: each alone, the seed-style fixture blog, parse output and archive columns."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from spam_blog import ENTRIES, POST_URL, page

from archive.db import Archive
from scraper.cli import cli
from scraper.core.models import Comment, FetchedPage, ParsedPage, Post
from scraper.parse.page import parse_page
from scraper.parse.spam import score

T0 = datetime(2024, 5, 1, tzinfo=UTC)
POST = Post(
    title="Repotting a fiddle leaf fig", text="Repotting plants in spring keeps roots healthy."
)
URL = "https://plants.example.org/2024/05/repotting/"


def _one(comment: Comment, post: Post = POST) -> Comment:
    return score(
        ParsedPage(url=URL, platform="wordpress", post=post, comments=(comment,))
    ).comments[0]


def test_the_seed_style_fixture_flags_every_spam_comment_and_no_genuine_one() -> None:
    parsed = parse_page(page(), POST_URL)
    assert [c.id for c in parsed.comments] == [e.cid[1:] for e in ENTRIES]
    assert [c.spam for c in parsed.comments] == [e.spam for e in ENTRIES]
    for comment in parsed.comments:
        assert 0.0 <= comment.spam_score <= 1.0
        assert not comment.spam or comment.spam_reasons


@pytest.mark.parametrize(
    ("comment", "reason"),
    [
        (
            Comment(
                id="1",
                html='Nice. <a href="https://shop.example.com/">buy cheap garden pots</a>',
                text="Nice. buy cheap garden pots",
            ),
            "keyword link",
        ),
        (
            Comment(id="2", author="best plumber in Denver city", text="Repotting is good."),
            "keyword author",
        ),
        (
            Comment(id="3", text="Repotting roots is good.\nCheap flight tickets to Rome"),
            "trailing keyword line",
        ),
        (Comment(id="4", text="Lovely photos!\n\nhttp://www.outlet.example.com/"), "trailing link"),
        (Comment(id="5", text="Bitcoin exchange volumes climbed yesterday again"), "off-topic"),
        (
            Comment(id="6", text="Bài viết về cây cảnh rất hay và hữu ích, cảm ơn bạn nhiều lắm"),
            "other language",
        ),
    ],
)
def test_each_signal_fires_on_its_own(comment: Comment, reason: str) -> None:
    assert reason in _one(comment).spam_reasons


@pytest.mark.parametrize(
    "comment",
    [
        Comment(id="1", text="Thanks!"),
        Comment(id="2", text="Great post, I tried it and it worked"),
        Comment(id="3", author="Mary Ann Lee", text="Healthy roots matter."),
        Comment(id="4", author_url="https://mary.example.net/", text="Repotting notes: my notes",
                html='Repotting notes: <a href="https://mary.example.net/pots">my repotting notes</a>'),
        Comment(id="5", html='See <a href="https://docs.example.org/x">the soil guide</a> for repotting tips.',
                text="See the soil guide for repotting tips."),
        # A Blogger profile as author link, their own blog named in two words at the end.
        Comment(id="7", author_url="https://www.blogger.com/profile/7", text="Repotting tips on: my blog",
                html='Repotting tips on: <a href="https://mine.example.net/">my blog</a>'),
        # Off-topic and foreign without any promotion is a reader, not spam.
        Comment(id="6", text="Bài viết về cây cảnh rất hay và hữu ích, cảm ơn bạn nhiều lắm"),
        # Links named in a sentence are references, not a drop.
        Comment(id="8", text="Two links: first and second.",
                html='Two links: <a href="https://a.example/1">first</a> and '
                     '<a href="https://b.example/2">second</a>.'),
        # A short note with a link to the commenter's own site.
        Comment(id="9", author_url="https://kyle.example/", text="Mine: https://kyle.example/pots",
                html='Mine: <a href="https://kyle.example/pots">https://kyle.example/pots</a>'),
    ],
)  # fmt: skip
def test_genuine_short_comments_are_not_flagged(comment: Comment) -> None:
    assert not _one(comment).spam


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("oki doki http://shop.example/", 'oki doki <a href="http://shop.example/">http://shop.example/</a>'),
        # The page's own exit redirect carries the real target in its query.
        ("Laptopy Laptopy", 'Laptopy <a href="https://plants.example.org/index.php?URL=http://shop.example/laptopy/">Laptopy</a>'),
    ],
)  # fmt: skip
def test_a_link_dropped_with_a_word_or_two_is_spam(text: str, html: str) -> None:
    scored = _one(Comment(id="1", author="adec", text=text, html=html))
    assert scored.spam
    assert "link drop" in scored.spam_reasons


def test_owner_replies_pingbacks_and_deleted_comments_are_never_spam() -> None:
    link = '<a href="https://shop.example.com/">buy cheap garden pots now</a>'
    for comment in (
        Comment(id="1", by_post_author=True, html=link, text="buy cheap garden pots now"),
        Comment(id="2", kind="pingback", html=link, text="buy cheap garden pots now"),
    ):
        assert not _one(comment).spam


def test_parse_json_carries_the_three_keys(tmp_path: Path) -> None:
    path = tmp_path / "post.html"
    path.write_text(page(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(path), "--json", "--url", POST_URL])
    assert result.exit_code == 0, result.output
    comments = json.loads(result.output)["comments"]
    assert {"spam", "spam_score", "spam_reasons"} <= set(comments[0])
    assert [c["spam"] for c in comments] == [e.spam for e in ENTRIES]
    assert "keyword link" in comments[5]["spam_reasons"]


def test_the_archive_keeps_spam_in_comments_and_versions(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a.db")
    archive.ensure_site("blog", "https://crumbnotes.example.blogspot.com/", "blogger")
    fetched = FetchedPage(POST_URL, POST_URL, 200, {"content-type": "text/html"}, b"x", T0)
    archive.store_page(
        "blog", fetched, parse_page(page(), POST_URL), observed_at=T0, thread_complete=True
    )
    archive.close()
    with sqlite3.connect(tmp_path / "a.db") as conn:
        rows = conn.execute(
            "SELECT spam, spam_score, spam_reasons FROM comments ORDER BY position"
        ).fetchall()
        versions = conn.execute("SELECT sum(spam), count(*) FROM comment_versions").fetchone()
    assert [bool(r[0]) for r in rows] == [e.spam for e in ENTRIES]  # kept, never dropped
    assert json.loads(rows[5][2])
    assert rows[5][1] >= 0.6
    assert versions == (sum(e.spam for e in ENTRIES), len(ENTRIES))


def _archived(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    archive = Archive.open(path)
    archive.ensure_site("blog", "https://crumbnotes.example.blogspot.com/", "blogger")
    fetched = FetchedPage(POST_URL, POST_URL, 200, {"content-type": "text/html"}, b"x", T0)
    archive.store_page(
        "blog", fetched, parse_page(page(), POST_URL), observed_at=T0, thread_complete=True
    )
    archive.close()
    return path


SPAM = sum(e.spam for e in ENTRIES)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("include", len(ENTRIES)), ("exclude", len(ENTRIES) - SPAM), ("only", SPAM)],
)
def test_show_export_and_stats_take_the_spam_flag(tmp_path: Path, mode: str, expected: int) -> None:
    db = str(_archived(tmp_path))
    runner = CliRunner()
    shown = runner.invoke(cli, ["show", POST_URL, "--db", db, "--json", "--spam", mode])
    assert shown.exit_code == 0, shown.output
    exported = runner.invoke(cli, ["export", "--format", "jsonl", "--db", db, "--spam", mode])
    assert exported.exit_code == 0, exported.output
    assert len(json.loads(exported.output.splitlines()[0])["comments"]) == expected
    stats = runner.invoke(cli, ["stats", "--db", db, "--json", "--spam", mode])
    assert json.loads(stats.output)[0]["comments"] == expected
    text = json.dumps(json.loads(shown.output))
    assert text.count('"spam": true') == (0 if mode == "exclude" else SPAM)


def test_search_takes_the_spam_flag_and_show_marks_spam(tmp_path: Path) -> None:
    db = str(_archived(tmp_path))
    runner = CliRunner()

    def hits(*args: str) -> int:
        result = runner.invoke(
            cli, ["search", "informative OR Thanks", "--db", db, "--json", *args]
        )
        assert result.exit_code == 0, result.output
        return len(json.loads(result.output)["hits"])

    assert (hits(), hits("--spam", "exclude"), hits("--spam", "only")) == (2, 1, 1)
    assert "[spam]" in runner.invoke(cli, ["show", POST_URL, "--db", db]).output
    bad = runner.invoke(cli, ["stats", "--db", db, "--spam", "maybe"])
    assert bad.exit_code == 2


def test_a_comment_copied_under_another_post_is_flagged_at_archive_time(tmp_path: Path) -> None:
    copied = "Your writing style makes every topic easy to follow, I will share this with friends."
    archive = Archive.open(tmp_path / "a.db")
    archive.ensure_site("blog", "https://blog.example/", "wordpress")
    for n in (1, 2):
        url = f"https://blog.example/2024/0{n}/post/"
        comments = (
            Comment(id="1", text=copied + f" https://x{n}.example/"),
            Comment(id="2", text="Thanks!"),
        )
        parsed = ParsedPage(
            url=url, platform="wordpress", post=POST, comments=comments, is_post=True
        )
        fetched = FetchedPage(url, url, 200, {"content-type": "text/html"}, b"x", T0)
        archive.store_page("blog", fetched, parsed, observed_at=T0, thread_complete=True)
    archive.close()
    with sqlite3.connect(tmp_path / "a.db") as conn:
        rows = conn.execute("SELECT text, spam, spam_reasons FROM comments ORDER BY seq").fetchall()
    flagged = [(text[:6], bool(spam)) for text, spam, _ in rows]
    assert flagged == [("Your w", True), ("Thanks", False), ("Your w", True), ("Thanks", False)]
    assert "cross-post duplicate" in json.loads(rows[0][2])


def test_spam_rescore_marks_copies_and_clears_marks_whose_copies_are_gone(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from scraper.cli import cli

    copied = "Your writing style makes every topic easy to follow, I will share this with friends."
    db = tmp_path / "a.db"
    with Archive.open(db) as archive:
        archive.ensure_site("blog", "https://blog.example/", "wordpress")
        for n in (1, 2):
            url = f"https://blog.example/2024/0{n}/post/"
            parsed = ParsedPage(
                url=url,
                platform="wordpress",
                post=POST,
                comments=(Comment(id="1", text=copied), Comment(id="2", text="Thanks!")),
                is_post=True,
            )
            fetched = FetchedPage(url, url, 200, {"content-type": "text/html"}, b"x", T0)
            archive.store_page("blog", fetched, parsed, observed_at=T0, thread_complete=True)
    # The copy under the second post is edited away by hand: its mark must not outlive it.
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE comments SET text = 'Something else entirely, written by its author here.'"
            " WHERE post_id = (SELECT id FROM posts ORDER BY seq DESC LIMIT 1) AND platform_id = '1'"
        )
    result = CliRunner().invoke(cli, ["spam", "--db", str(db), "--rescore", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["rescored"] == {"marked": 0, "cleared": 2}
    assert summary["spam"] == 0
    with sqlite3.connect(db) as conn:  # the copy comes back: rescore marks both again
        conn.execute(f"UPDATE comments SET text = '{copied}' WHERE platform_id = '1'")
    result = CliRunner().invoke(cli, ["spam", "--db", str(db), "--rescore", "--json"])
    summary = json.loads(result.output)
    assert summary["rescored"]["marked"] == 2
    assert summary["by_reason"] == {"cross-post duplicate": 2}


@pytest.mark.parametrize(
    ("source", "excerpt", "spam"),
    [
        ("https://gadgets.example/product/usb-fan-4000", "[...] the best fan for hikers [...]", True),
        ("https://shop.example/index.php?route=item&id=7", "[...] great deal [...]", False),
        ("https://deals.example/store/garden/pots.html", "[...] pots for repotting [...]", True),
        ("https://mary.example.net/2024/05/my-repotting-day/", "[...] I followed this guide [...]", False),
        ("https://mary.example.net/2024/05/budget/", "[...] pots now only $4.99 each [...]", True),
    ],
)  # fmt: skip
def test_a_trackback_from_a_shops_product_page_is_spam(
    source: str, excerpt: str, spam: bool
) -> None:
    pingback = Comment(id="1", kind="pingback", author="Some page", author_url=source, text=excerpt)
    scored = _one(pingback)
    assert scored.kind == "pingback"
    assert scored.spam is spam
    assert scored.spam_reasons == (("product trackback",) if spam else ())
