"""The repeated-blocks finder: same-shaped dated blocks under a heading that names the
discussion are its comments, even with no id or class saying "comment"."""

from __future__ import annotations

from datetime import UTC, datetime

from scraper.parse.page import parse_page

_ARTICLE = "<div class='story'><h1>Sixteen percent</h1><p>{}</p></div>".format(
    "A survey says more people use our favourite computer than anyone thought. " * 4
)
# One layout table per comment, header row (label, "From:", time) and body row: no ids.
_TABLE = """<table width="100%"><tr><td><table><tr>
<td><p class="label">Comment:</p></td>
<td><p class="from">From: {author}</p></td>
<td><p class="timestamp">Jun 0{day}, 05 - 08:0{day} am</p></td></tr></table></td></tr>
<tr><td><table><tr><td><p class="label">{text}</p></td></tr></table></td></tr></table>"""


def _page(heading: str, blocks: str) -> str:
    return f"<html><body>{_ARTICLE}<div><h3>{heading}</h3>{blocks}</div></body></html>"


def _tables(count: int) -> str:
    return "".join(
        _TABLE.format(author=f"Reader {n}", day=n, text=f"My take number {n} on the survey.")
        for n in range(1, count + 1)
    )


def test_one_table_per_comment_under_a_feedback_heading() -> None:
    page = parse_page(_page("Reader Feedback:", _tables(3)), "https://news.example/5933/")
    assert [c.author for c in page.comments] == ["Reader 1", "Reader 2", "Reader 3"]
    assert page.comments[0].text == "My take number 1 on the survey."
    assert page.comments[1].published == datetime(2005, 6, 2, 8, 2, tzinfo=UTC)
    assert len({c.id for c in page.comments}) == 3  # stable ids, none from the page


def test_a_name_the_page_no_longer_shows_is_no_name() -> None:
    blocks = _tables(2).replace("From: Reader 2", "From: ")
    page = parse_page(_page("Comments", blocks), "https://news.example/5933/")
    assert [c.author for c in page.comments] == ["Reader 1", None]
    assert page.comments[1].text == "My take number 2 on the survey."


def test_the_same_blocks_under_other_headings_are_not_comments() -> None:
    for heading in ("Related stories", "Leave a comment", "Archives"):
        page = parse_page(_page(heading, _tables(3)), "https://news.example/5933/")
        assert page.comments == (), heading


def test_one_dated_block_is_not_a_thread() -> None:
    page = parse_page(_page("Reader Feedback:", _tables(1)), "https://news.example/5933/")
    assert page.comments == ()


def _encoded(name: str) -> str:
    """ExpressionEngine's email encoding of `<a href="mailto:x@example.org">name</a>`."""
    written = f'<a href="mailto:x@example.org">{name}</a>'
    pieces = [f"' {ord(ch)}'" if ch.isalnum() else f"'{ch}'" for ch in reversed(written)]
    array = ";".join(f"l[{n}]={piece}" for n, piece in enumerate(pieces))
    return (
        '<script type="text/javascript">var l=new Array();' + array + ";"
        "for (var i = l.length-1; i >= 0; i=i-1){ document.write(unescape(l[i])); }</script>"
    )


def test_a_name_written_by_the_cms_encoding_script_is_read() -> None:
    blocks = _tables(2).replace("From: Reader 2", "From: " + _encoded("Mint Slice"))
    page = parse_page(_page("Reader Feedback:", blocks), "https://news.example/5933/")
    assert [c.author for c in page.comments] == ["Reader 1", "Mint Slice"]
    assert page.comments[1].author_url is None  # a mailto is not the commenter's web page


def test_a_zone_written_after_a_shown_time_is_the_blogs_zone() -> None:
    story = "<p class='date'>Wednesday, June 15, 2005 - 07:05 PM EST</p>"
    html = _page("Reader Feedback:", _tables(2)).replace("<h1>", story + "<h1>")
    page = parse_page(html, "https://news.example/5933/")
    # "Jun 01, 05 - 08:01 am" in EST is 13:01 UTC.
    assert page.comments[0].published == datetime(2005, 6, 1, 13, 1, tzinfo=UTC)
