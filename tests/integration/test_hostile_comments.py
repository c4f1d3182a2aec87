"""Nothing a hostile commenter sends reaches the archive or its exports unsanitised, whichever
source carried it: the page's markup, WordPress REST, or Blogger's JSON comments feed."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from click.testing import CliRunner
from hostile_blog import HostileBlog, Payload
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree  # type: ignore[import-untyped]
from lxml import html as lxml_html
from wp_standin import make_fetch, serve

from archive.db import Archive
from scraper.cli import cli
from scraper.parse.page import parse_page
from scraper.threads.complete import complete_thread

pytestmark = pytest.mark.integration

# The oracle, written out here rather than taken from the code under test.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
KEPT_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "i", "img", "ins", "li",
    "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub", "sup", "u", "ul",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "figure", "figcaption", "table", "thead", "tbody",
    "tr", "td", "th", "dl", "dt", "dd", "div",
}  # fmt: skip
KEPT_ATTRIBUTES = {"a": {"href", "title", "rel"}, "img": {"src", "alt", "title", "width", "height"}}
URL_FIELDS = {"author_url", "permalink", "url", "source_url"}

_C0_AND_SPACE = "".join(chr(n) for n in range(0x21))
_CONTROL_CHARS = [chr(n) for n in [*range(0x20), 0x7F, *range(0x80, 0xA0)]]
_ATTACK_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "//evil.example/x",
    "mailto:eve@evil.example",
    "https://fine.example/~eve",
]
_ATTACK_HTML = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src='https://evil.example/'></iframe>",
    "<a href='java\tscript:alert(1)'>a</a>",
    "<a href='\x01javascript:alert(1)'>b</a>",
    "<a href=' javascript:alert(1)'>c</a>",
    "<svg onload=alert(1)><circle/></svg>",
    "<style>body{display:none}</style>",
    "<p onclick='steal()' style='x'>p</p>",
    "<object data='x.swf'></object><embed src='x.swf'>",
    "<form action='javascript:1'><button>go</button></form>",
    "<a href='https://fine.example/'>fine</a>",
    "\x1b[2J\x1b]0;owned\x07\x9b31m",
]
_ATTACK_TEXT = ["\x1b[31m", "\x1b]0;owned\x07", "\x9b2J", "[/bold]", "[red]", "\r", "Eve", " "]


def _url(base: str, inserts: list[tuple[int, str]]) -> str:
    for where, char in inserts:
        cut = where % (len(base) + 1)
        base = base[:cut] + char + base[cut:]
    return base


hostile_text = st.lists(
    st.one_of(st.sampled_from(_ATTACK_TEXT), st.sampled_from(_CONTROL_CHARS), st.text(max_size=4)),
    min_size=1,
    max_size=8,
).map("".join)
hostile_url = st.builds(
    _url,
    st.sampled_from(_ATTACK_URLS),
    st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(["\t", "\n", "\r", " ", "\x01", "\x1b"])),
        max_size=3,
    ),
)
hostile_html = st.lists(
    st.one_of(st.sampled_from(_ATTACK_HTML), hostile_text), min_size=1, max_size=6
).map("".join)
payloads = st.builds(
    Payload, author=hostile_text, author_url=hostile_url, permalink=hostile_url, html=hostile_html
)

# The brief's own list, always tried.
BRIEF = Payload(
    author="Eve\x1b[31m\x07 [/bold]",
    author_url="java\tscript:alert(1)",
    permalink="\x01javascript:alert(2)",
    html=(
        "<p>hi<script>alert(3)</script><img src=x onerror=alert(4)>"
        "<iframe src='https://evil.example/'></iframe><a href='java\tscript:x'>l</a></p>"
    ),
)


@pytest.fixture(scope="module")
def blog() -> Iterator[HostileBlog]:
    site = HostileBlog(BRIEF)
    with serve(site.handle, lambda base: setattr(site, "base", base)):
        yield site


def archive_pages(blog: HostileBlog, db: Path) -> None:
    """What a run does with each page: fetch, parse, complete the thread, store."""

    async def main() -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            fetch = make_fetch(client, [])
            with closing(Archive.open(db)) as archive:
                archive.ensure_site("hostile", blog.base + "/", "wordpress")
                for url in (blog.wp_url, blog.blogger_url):
                    outcome = await fetch(url)
                    page = outcome.page
                    assert page is not None
                    parsed = parse_page(page.body, page.final_url)
                    thread = await complete_thread(parsed, page.final_url, fetch)
                    assert thread.complete, thread.note  # the API's comments were merged
                    archive.store_page(
                        "hostile",
                        page,
                        parsed,
                        observed_at=datetime.now(UTC),
                        thread_complete=True,
                        extra_comments=thread.comments,
                    )

    asyncio.run(main())


def assert_clean_url(value: object, where: str) -> None:
    if value is None:
        return
    assert isinstance(value, str)
    assert not CONTROLS.search(value), where
    assert value == value.strip(_C0_AND_SPACE), where
    parts = urlsplit(value)
    assert parts.scheme.lower() in ("http", "https"), (where, value)
    assert parts.netloc, (where, value)


def assert_clean_html(fragment: str, where: str) -> None:
    assert not CONTROLS.search(fragment), where
    if not fragment.strip():
        return
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iterdescendants():
        if not isinstance(element.tag, str):  # an HTML comment
            continue
        assert element.tag in KEPT_TAGS, (where, element.tag, fragment)
        assert set(element.attrib) <= KEPT_ATTRIBUTES.get(element.tag, set()), (where, fragment)
        for name in ("href", "src"):
            link = element.get(name)
            if link is not None:
                read = re.sub("[\t\n\r]", "", link.strip(_C0_AND_SPACE))
                scheme = urlsplit(read).scheme.lower()
                assert scheme in ("", "http", "https", "mailto"), (where, link)


def assert_clean_record(record: dict[str, Any], where: str) -> None:
    for key, value in record.items():
        if key in URL_FIELDS:
            assert_clean_url(value, f"{where}.{key}")
        elif key == "html":
            assert_clean_html(value or "", f"{where}.html")
        elif isinstance(value, str):
            assert not CONTROLS.search(value), (where, key, value)
        elif isinstance(value, list):
            for n, item in enumerate(value):
                if isinstance(item, dict):
                    assert_clean_record(item, f"{where}.{key}[{n}]")
                elif isinstance(item, str):
                    assert not CONTROLS.search(item), (where, key, item)


def rows(db: Path, table: str) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(f"SELECT * FROM {table}")]


def export(db: Path, fmt: str) -> str:
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(BRIEF)
@given(payloads)
def test_no_comment_source_lets_anything_unsanitised_into_the_archive(
    blog: HostileBlog, payload: Payload
) -> None:
    blog.payload = payload
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "archive.db"
        archive_pages(blog, db)

        comments = rows(db, "comments")
        # Every source delivered: the page's comment, REST's two, the Blogger feed's two.
        assert {"1", "2", "3", "101", "102"} <= {row["platform_id"] for row in comments}
        for row in comments:
            assert_clean_record(row, f"comments[{row['platform_id']}]")
        for table in ("comment_versions", "posts", "post_versions"):
            for n, row in enumerate(rows(db, table)):
                assert_clean_record(row, f"{table}[{n}]")

        for n, line in enumerate(export(db, "jsonl").splitlines()):
            assert_clean_record(json.loads(line), f"jsonl[{n}]")

        wxr = export(db, "wxr")
        assert not CONTROLS.search(wxr)
        tree = etree.fromstring(wxr.encode("utf-8"))
        ns = {"wp": "http://wordpress.org/export/1.2/"}
        urls = tree.findall(".//wp:comment/wp:comment_author_url", ns)
        assert len(urls) == len(comments)
        for node in urls:
            assert_clean_url(node.text or None, "wxr comment_author_url")
        for node in tree.findall(".//wp:comment/wp:comment_content", ns):
            assert_clean_html(node.text or "", "wxr comment_content")
