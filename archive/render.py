"""Terminal rendering of query results with rich; archived text is never interpreted as markup."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from archive.queries import History, SiteStats, Thread, ThreadNode
from archive.search import MARK_END, MARK_START, SearchResult

# Escape sequences in archived text could restyle or rewrite the user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.S)


def clean(text: object) -> str:
    return _CONTROL.sub("", "" if text is None else str(text))


def when(iso: str | None) -> str:
    """Local time with its zone, then UTC: "2015-02-27 10:14 CET (09:14 UTC)"."""
    if not iso:
        return "date unknown"
    moment = datetime.fromisoformat(iso)
    local = moment.astimezone()
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


def _comment_head(comment: dict[str, Any]) -> Text:
    label = Text()
    label.append(clean(comment["author"] or "anonymous"), style="bold")
    flags = []
    if comment["by_post_author"]:
        flags.append(("post author", "green"))
    if comment["kind"] != "comment":
        flags.append((comment["kind"], "magenta"))
    if comment["deleted"]:
        flags.append(("deleted", "red"))
    if comment["removed_at"]:
        flags.append((f"removed from the page {comment['removed_at'][:10]}", "red"))
    for flag, style in flags:
        label.append(f" [{flag}]", style=style)
    label.append(f"  {when(comment['published_at'])}  {comment['id']}", style="dim")
    return label


def _walk(roots: Iterable[ThreadNode]) -> Iterable[tuple[int, ThreadNode]]:
    # An explicit stack: threads can nest deeper than Python's recursion limit.
    stack = [(0, node) for node in reversed(list(roots))]
    while stack:
        level, node = stack.pop()
        yield level, node
        stack.extend((level + 1, reply) for reply in reversed(node.replies))


def thread_text(roots: Iterable[ThreadNode], width: int) -> Text:
    """The thread as one pre-wrapped Text: indentation shows replies (fast for big threads)."""
    # Pre-wrapped here with textwrap: rich's own wrapping would cost ~0.1 ms per line.
    out = Text(no_wrap=True, overflow="fold")
    for level, node in _walk(roots):
        indent = "  " * min(level, 12)
        guide = indent + ("└ " if level else "● ")
        out.append(guide, style="dim")
        out.append_text(_comment_head(node.comment))
        out.append("\n")
        body_width = max(20, width - len(guide))
        for paragraph in clean(node.comment["text"]).strip().splitlines():
            for line in textwrap.wrap(paragraph, body_width) or [""]:
                out.append(f"{indent}  {line}\n")
        out.append("\n")
    return out


def thread_view(thread: Thread, width: int = 100) -> RenderableType:
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
        count += f" (thread incomplete: {note})" if note else " (thread incomplete)"
    return Group(
        head,
        Text(""),
        Text(clean(post["text"])),
        Text(""),
        Text(count, style="cyan"),
        thread_text(thread.roots, width),
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
    return Group(*parts)


def stats_view(stats: Sequence[SiteStats]) -> RenderableType:
    table = Table("site", "posts", "comments", "authors", "first post", "last post", "last run",
                  "incomplete threads")  # fmt: skip
    for site in stats:
        table.add_row(
            clean(site.site), str(site.posts), str(site.comments), str(site.authors),
            (site.first_post or "")[:10], (site.last_post or "")[:10],
            f"{(site.last_run or '')[:16]} {site.last_run_status or ''}".strip(),
            str(site.incomplete_threads),
        )  # fmt: skip
    return table


def rows_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    table = Table(*(clean(column) for column in columns))
    for row in rows:
        table.add_row(*(Text(clean(value)) if value is not None else Text("NULL", style="dim")
                        for value in row))  # fmt: skip
    return table
