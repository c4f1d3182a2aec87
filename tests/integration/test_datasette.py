"""The demo archive in real Datasette on loopback, read over HTTP and in headless Chromium.

The browser test needs Debian's `chromium` (.ci/run installs it); where it is missing the test
is skipped with the reason, unless BLOGARCHIVE_REALSITE=require (CI), where it fails.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from click.testing import CliRunner
from datasette_served import Chromium, datasette
from real_software import missing

from scraper.cli import cli

EM = "\u2003"


@dataclass(frozen=True)
class Served:
    db: Path
    base: str  # Datasette's root URL
    route: str  # the database's URL path

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The README's steps: `demo --db`, `datasette-metadata --db`, `datasette FILE -m`."""
    work = tmp_path_factory.mktemp("datasette")
    db = work / "demo-archive.db"
    metadata = work / "metadata.json"
    _cli("demo", "--db", str(db))
    _cli("datasette-metadata", "--db", str(db), "--output", str(metadata))
    with datasette(db, metadata, work / "datasette.log") as base:
        yield Served(db, base, f"{base}/demo-archive")


def _get(url: str) -> httpx.Response:
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _cells(html: str) -> list[dict[str, Tag]]:
    """The rows of a Datasette results table, each cell by its column name."""
    table = BeautifulSoup(html, "lxml").select_one("table.rows-and-columns")
    assert table is not None, "no results table on the page"
    rows = []
    for tr in table.select("tbody tr"):
        cells = {}
        for td in tr.find_all("td"):
            (name,) = [c[4:] for c in td.get("class", []) if c.startswith("col-")]
            cells[name] = td
        rows.append(cells)
    return rows


def _text(cell: Tag) -> str:
    return cell.get_text().strip()  # Datasette shows an empty cell as &nbsp;


def test_links_from_a_comment_reach_its_post_and_parent(served: Served) -> None:
    ((seq, post_seq, parent_seq, title, versions),) = served.query(
        "SELECT c.seq, c.post_seq, c.parent_seq, p.title,"
        " (SELECT count(*) FROM comment_versions v WHERE v.comment_id = c.id)"
        " FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.parent_id IS NOT NULL"
        " ORDER BY c.seq LIMIT 1"
    )
    (row,) = _cells(_get(f"{served.route}/comments?seq={seq}").text)
    post_link = row["post_seq"].find("a")
    parent_link = row["parent_seq"].find("a")
    assert post_link is not None
    assert parent_link is not None
    assert post_link["href"] == f"/demo-archive/posts/{post_seq}"
    assert post_link.get_text() == title  # labelled by the post's title
    assert str(title) in _get(served.base + str(post_link["href"])).text
    (parent,) = _cells(_get(served.base + str(parent_link["href"])).text)
    assert _text(parent["seq"]) == str(parent_seq)
    # The comment's page counts its versions and replies by the keys that point at it.
    page = _get(f"{served.route}/comments/{seq}").text
    assert re.search(rf">\s*{versions} rows?</a>\s*from comment_seq in comment_versions", page)
    ((comments,),) = served.query("SELECT count(*) FROM comments WHERE post_seq = ?", (post_seq,))
    page = _get(f"{served.route}/posts/{post_seq}").text
    assert re.search(rf">\s*{comments} rows?</a>\s*from post_seq in comments", page)


def test_datasette_finds_the_full_text_tables_and_hides_the_machinery(served: Served) -> None:
    found = _get(f"{served.route}/comments.json?_search=coffee&_shape=array&_col=id").json()
    expected = served.query(
        "SELECT c.id FROM comments_fts f JOIN comments c ON c.seq = f.rowid"
        " WHERE comments_fts MATCH 'coffee'"
    )
    assert expected
    assert sorted(row["id"] for row in found) == sorted(row[0] for row in expected)
    tables = {t["name"]: t for t in _get(f"{served.route}.json").json()["tables"]}
    assert tables["comments"]["fts_table"] == "comments_fts"  # no fts_table in the metadata
    assert tables["posts"]["fts_table"] == "posts_fts"
    for name in ("pages", "frontier", "url_validators", "page_urls"):
        assert tables[name]["hidden"], name
    for name in ("posts", "comments", "comment_versions", "runs"):
        assert not tables[name]["hidden"], name


@pytest.fixture
def chromium(tmp_path: Path) -> Chromium:
    found = Chromium.find(tmp_path / "profile")
    if found is None:
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        missing(reason)
    return found


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    """test-artifacts/ in the checkout (ignored by git): what a person may want to look at."""
    folder = request.config.rootpath / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder


def test_threads_read_in_a_real_browser(
    served: Served, chromium: Chromium, artifacts: Path
) -> None:
    titles = dict(served.query("SELECT id, title FROM posts"))
    parents = dict(served.query("SELECT id, parent_id FROM comments"))
    posts_of = dict(served.query("SELECT id, post_id FROM comments"))
    deleted = {cid for (cid,) in served.query("SELECT id FROM comments WHERE deleted = 1")}
    assert deleted, "the demo has a comment deleted by its author"

    rows = _cells(chromium.dom(f"{served.route}/threads"))  # no post given: the newest posts

    assert _text(rows[0]["comment_id"]) == ""  # a post's title comes first
    post = None
    ancestors: list[str] = []  # the comments above this one in the thread, by level
    seen: list[str] = []
    shown: set[str] = set()
    for row in rows:
        cid, pid = _text(row["comment_id"]), _text(row["post_id"])
        thread = row["thread"].get_text()
        if not cid:  # a post: its title, its marks, then its comments
            assert thread.strip() == titles[pid]
            assert _text(row["marks"]).startswith("post")
            post, ancestors = pid, []
            shown.add(pid)
            continue
        assert pid == post, f"comment {cid} is not under its post's title"
        level = (len(thread) - len(thread.lstrip(EM))) // 2
        parent = parents[cid]
        if parent is None:
            assert level == 0, thread
        else:  # a reply: indented one step more than its parent, right under it
            assert thread.lstrip(EM).startswith("\u21b3 "), thread
            assert ancestors[:level][-1:] == [parent], f"{cid} is not indented under {parent}"
        ancestors = [*ancestors[:level], cid]
        marks = _text(row["marks"])
        assert ("deleted" in marks) == (cid in deleted)
        seen.append(cid)
    assert sorted(seen) == sorted(c for c, p in posts_of.items() if p in shown)  # each once
    assert len(shown) == min(len(titles), 20)  # the newest posts, when none is asked for
    assert any(parent for parent in parents.values())

    # The post's link opens its page in Datasette; the first comment's opens the comment.
    post_link = rows[0]["archive_link"].find("a")
    assert post_link is not None
    assert titles[_text(rows[0]["post_id"])] in _get(str(post_link["href"])).text
    comment_link = rows[1]["archive_link"].find("a")
    assert comment_link is not None
    assert _text(rows[1]["comment_id"]) in _get(str(comment_link["href"])).text

    (gone,) = sorted(deleted)[:1]
    shot = chromium.screenshot(
        f"{served.route}/threads?post={quote(gone)}", artifacts / "datasette-threads.png"
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    print(f"screenshot: {shot}")
