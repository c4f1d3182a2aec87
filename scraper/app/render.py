"""Human-readable terminal output for `parse` and for run summaries (rich).

What a page or a failure reason says is data: every piece of it goes through `_safe`, so an
ESC cannot restyle the terminal and a `[/bold]` is printed, not parsed as markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scraper.core.models import ParsedPage, RunReport, iso_utc
from scraper.core.sanitise import printable


def _safe(value: object) -> str:
    """Text from outside, ready for a rich markup string: no control characters, no markup."""
    return escape(printable(value))


def print_parsed(parsed: ParsedPage, console: Console | None = None) -> None:
    """The post's heading and its comment thread, indented by depth."""
    console = console or Console()
    post = parsed.post
    console.print(
        f"[bold]{_safe(post.title or '(untitled)')}[/bold]  [dim]{_safe(parsed.platform)}[/dim]"
    )
    byline = " · ".join(part for part in (post.author, iso_utc(post.published)) if part)
    if byline:
        console.print(f"[dim]{_safe(byline)}[/dim]")
    shown = parsed.comment_count_shown
    console.print(
        f"{len(parsed.comments)} comments parsed"
        + (f" ({shown} shown by the page)" if shown is not None else "")
    )
    for comment in parsed.comments:
        indent = "  " * comment.depth
        flags: list[str] = []
        if comment.kind != "comment":
            flags.append(comment.kind)
        if comment.deleted:
            flags.append("deleted")
        if comment.by_post_author:
            flags.append("post author")
        flag_text = f" [yellow]\\[{', '.join(flags)}][/yellow]" if flags else ""
        when = iso_utc(comment.published) or "no date"
        console.print(
            f"{indent}[bold]{_safe(comment.author or 'anonymous')}[/bold] {when}{flag_text}"
        )
        snippet = comment.text.replace("\n", " ")
        console.print(f"{indent}  {_safe(snippet[:160])}{'…' if len(snippet) > 160 else ''}")
    for url in parsed.more_comments:
        console.print(f"[dim]more comments: {_safe(url)}[/dim]")
    for note in parsed.notes:
        console.print(f"[dim]note: {_safe(note)}[/dim]")


def print_run_summary(report: RunReport, db_path: str, console: Console | None = None) -> None:
    """One table row per site with what the run fetched and archived."""
    console = console or Console()
    if not report.sites:
        console.print("No site was due; nothing to do (use --force to run anyway).")
        return
    table = Table(title=f"Run {report.run_id} → {_safe(db_path)}", title_justify="left")
    for heading in (
        "site",
        "pages",
        "304",
        "failed",
        "robots",
        "posts +new/~chg",
        "comments +new/~chg/-gone",
    ):
        table.add_column(heading, justify="left" if heading == "site" else "right")
    for site in report.sites:
        table.add_row(
            _safe(site.site),
            str(site.pages_fetched),
            str(site.pages_not_modified),
            str(site.pages_failed),
            str(site.pages_robots_blocked),
            f"+{site.posts_new} ~{site.posts_changed}",
            f"+{site.comments_new} ~{site.comments_changed} -{site.comments_removed}",
        )
    console.print(table)
    seconds = (report.finished_at - report.started_at).total_seconds()
    console.print(f"Finished in {seconds:.1f} s.")
    for site in report.sites:
        for error in site.errors[:5]:
            console.print(f"[red]{_safe(site.site)}[/red]: {_safe(error)}")
