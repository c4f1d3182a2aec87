"""Terminal rendering of query results with rich; archived text is never interpreted as markup."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from archive.queries import History, SiteStats, Thread, ThreadNode
from archive.search import MARK_END, MARK_START, SearchResult
from scraper.core.sanitise import printable

_MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.S)


def clean(text: object) -> str:
    """Archived text for the terminal: escape sequences in it could restyle or rewrite the
    user's terminal (archives written before the parse-time sanitiser may hold them)."""
    return printable(text)


def when(iso: str | None) -> str:
    """Local time with its zone, then UTC: "2015-02-27 10:14 CET (09:14 UTC)"."""
    if not iso:
        return "date unknown"
    moment = datetime.fromisoformat(iso)
    local = moment.astimezone()
    if not local.utcoffset():  # the reader's clock is on UTC: say it once
        return f"{moment:%Y-%m-%d %H:%M} UTC"
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({moment:%Y-%m-%d %H:%M} UTC)"


def snippet_text(snippet: str) -> Text:
    text = Text()
    position = 0
    for match in _MARKED.finditer(snippet):
        text.append(clean(snippet[position : match.start()]))
        text.append(clean(match.group(1)), style="bold yellow")
        position = match.end()
    text.append(clean(snippet[position:]))
    return text


def search_view(result: SearchResult) -> RenderableType:
    parts: list[RenderableType] = []
    for hit in result.hits:
        head = Text(f"{hit.kind} ", style="cyan")
        head.append(clean(hit.author or "anonymous"), style="bold")
        head.append(f" · {clean(hit.site)} · {when(hit.published_at)} · id {hit.id}", style="dim")
        parts.extend(
            [head, Text(clean(hit.title or ""), style="italic"), snippet_text(hit.snippet)]
        )
        parts.append(Text(clean(hit.url or ""), style="blue"))
        parts.append(Text(""))
    if not result.hits:
        parts.append(Text("no matches"))
    elif not result.exhaustive:
        parts.append(Text("(ranked among the newest matches only; narrow with --site/--since)"))
    return Group(*parts)


class _Styled:
    """Pre-wrapped lines of styled pieces, handed to rich as ready segments: building a rich
    Text costs a control-code scan and a Text per line, too slow for thousand-comment threads.
    """

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self._styles: dict[str, Style] = {}

    def add(self, piece: str, style: str = "") -> None:
        """Append text; "\n" in `piece` ends lines. Archived text must be clean()ed first."""
        if not style:
            styled = None
        elif style in self._styles:
            styled = self._styles[style]
        else:
            styled = self._styles.setdefault(style, Style.parse(style))
        first, *rest = piece.split("\n")
        if first:
            self.segments.append(Segment(first, styled))
        for line in rest:
            self.segments.append(Segment.line())
            if line:
                self.segments.append(Segment(line, styled))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.segments


def _comment_head(comment: dict[str, Any], out: _Styled, indent: str, room: int) -> None:
    """Author and flags, then time and id: on the same line when they fit in `room` cells,
    else on the next (rich would crop a long line, hiding the id)."""
    author = clean(comment["author"] or "anonymous")
    out.add(author, "bold")
    flags = []
    if comment["by_post_author"]:
        flags.append(("post author", "green"))
    if comment["kind"] != "comment":
        flags.append((comment["kind"], "magenta"))
    if comment["deleted"]:
        flags.append(("deleted", "red"))
    if comment.get("edited"):
        flags.append(("edited", "cyan"))
    if comment.get("spam"):
        flags.append(("spam", "yellow"))
    if comment["removed_at"]:
        flags.append((f"removed from the page {comment['removed_at'][:10]}", "red"))
    labels = [f" [{flag}]" for flag, _ in flags]
    for label, (_, style) in zip(labels, flags, strict=True):
        out.add(label, style)
    stamp = f"{when(comment['published_at'])}  {comment['id']}"
    used = cell_len(author) + sum(len(label) for label in labels)
    if used + 2 + len(stamp) <= room:
        out.add(f"  {stamp}", "dim")
    else:
        out.add("".join(f"\n{indent}  {line}" for line in _wrap(stamp, room)), "dim")


def _wrap(paragraph: str, width: int) -> list[str]:
    """Greedy word wrap by terminal cells (CJK takes two); textwrap costs several times more."""
    measure = len if paragraph.isascii() else cell_len
    lines: list[str] = []
    line, used = "", 0
    for whole in paragraph.split():
        word, size = whole, measure(whole)
        while size > width:  # a URL longer than the line: break it
            if line:
                lines.append(line)
                line, used = "", 0
            cut = _fitting(word, width, measure)
            lines.append(word[:cut])
            word = word[cut:]
            size = measure(word)
        if not line:
            line, used = word, size
        elif used + 1 + size <= width:
            line, used = f"{line} {word}", used + 1 + size
        else:
            lines.append(line)
            line, used = word, size
    if line or not lines:
        lines.append(line)
    return lines


def _fitting(word: str, width: int, measure: Callable[[str], int]) -> int:
    """How many characters of `word` fit in `width` cells (at least one)."""
    cut = min(len(word), width)
    while cut > 1 and measure(word[:cut]) > width:
        cut -= 1
    return cut


def _walk(roots: Iterable[ThreadNode]) -> Iterable[tuple[int, ThreadNode]]:
    # An explicit stack: threads can nest deeper than Python's recursion limit.
    stack = [(0, node) for node in reversed(list(roots))]
    while stack:
        level, node = stack.pop()
        yield level, node
        stack.extend((level + 1, reply) for reply in reversed(node.replies))


def _earlier(
    comment: dict[str, Any], out: _Styled, indent: str, width: int, all_versions: bool
) -> None:
    """What a deleted or removed comment said before (always), or an edited one's earlier
    texts (with `all_versions`): the archive keeps them, so `show` shows them."""
    texts: list[str] = comment.get("earlier_texts") or []
    if not texts or not (all_versions or comment["deleted"] or comment["removed_at"]):
        return
    shown = texts if all_versions else texts[-1:]
    for number, text in enumerate(shown, 1):
        label = (
            "before it was deleted" if comment["deleted"] and number == len(shown) else "earlier"
        )
        out.add(f"{indent}  ┆ {label}:\n", "dim")
        for paragraph in clean(text).strip().splitlines():
            lines = _wrap(paragraph, max(10, width - 2))
            out.add("".join(f"{indent}  ┆ {line}\n" for line in lines), "dim")


def thread_text(
    roots: Iterable[ThreadNode],
    width: int,
    all_versions: bool = False,
    highlight: str | None = None,
) -> RenderableType:
    """The thread as one pre-wrapped Text: indentation shows replies (fast for big threads);
    `all_versions`: every earlier text of edited comments too."""
    # Pre-wrapped here: rich's own wrapping would cost ~0.1 ms per line.
    out = _Styled()
    for level, node in _walk(roots):
        indent = "  " * min(level, 12)
        chosen = highlight is not None and node.comment["id"] == highlight
        guide = indent + ("▶ " if chosen else "└ " if level else "● ")
        out.add(guide, "bold yellow" if chosen else "dim")
        _comment_head(node.comment, out, indent, max(20, width - len(guide)))
        out.add("\n")
        body_width = max(20, width - len(guide))
        for paragraph in clean(node.comment["text"]).strip().splitlines():
            out.add("".join(f"{indent}  {line}\n" for line in _wrap(paragraph, body_width)))
        _earlier(node.comment, out, indent, body_width, all_versions)
        out.add("\n")
    return out


def thread_view(thread: Thread, width: int = 100, all_versions: bool = False) -> RenderableType:
    post = thread.post
    head = Text(clean(post["title"] or "(untitled)"), style="bold underline")
    head.append(f"\n{clean(post['author'] or 'author unknown')} · {when(post['published_at'])}")
    head.append(f"\n{clean(post['url'])}  id {post['id']}", style="dim")
    shown = post["comment_count_shown"]
    count = f"{thread.comment_count} comments archived"
    if shown is not None:
        count += f", {shown} shown by the blog"
    if not post["thread_complete"]:
        note = post["completeness_note"]
        count += f" (thread incomplete: {clean(note)})" if note else " (thread incomplete)"
    return Group(
        head,
        Text(""),
        Text(clean(post["text"])),
        Text(""),
        Text(count, style="cyan"),
        thread_text(thread.roots, width, all_versions, thread.highlight),
    )


def history_view(history: History) -> RenderableType:
    parts: list[RenderableType] = [Text(clean(history.label), style="bold")]
    for number, version in enumerate(history.versions, 1):
        parts.append(Text(f"version {number}  observed {when(version.observed_at)}", style="cyan"))
    for number, diff in enumerate(history.diffs(), 2):
        parts.append(Text(f"\nchanges in version {number}:", style="bold"))
        for line in diff.splitlines():
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
            parts.append(Text(clean(line), style=style))
    if len(history.versions) == 1:
        parts.append(Text("one version: never changed since first seen"))
    if history.removed_at is not None:
        parts.append(
            Text(
                f"\nremoved from its page: gone when fetched {when(history.removed_at)}, last"
                f" seen {when(history.last_seen_at or '')}; what it said is kept above",
                style="bold red",
            )
        )
    return Group(*parts)


def stats_view(stats: Sequence[SiteStats]) -> RenderableType:
    table = Table("site", "posts", "comments", "authors", "first post", "last post", "last run",
                  "incomplete threads")  # fmt: skip
    for site in stats:
        # Text cells: a plain string cell would be read as rich markup.
        table.add_row(
            Text(clean(site.site)), str(site.posts), str(site.comments), str(site.authors),
            (site.first_post or "")[:10], (site.last_post or "")[:10],
            Text(clean(f"{(site.last_run or '')[:16]} {site.last_run_status or ''}".strip())),
            str(site.incomplete_threads),
        )  # fmt: skip
    return table


def rows_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    table = Table(*(clean(column) for column in columns))
    for row in rows:
        table.add_row(*(Text(clean(value)) if value is not None else Text("NULL", style="dim")
                        for value in row))  # fmt: skip
    return table
