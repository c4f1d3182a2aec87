"""Score parse_page against every hand-checked truth file of the shared corpus, per page and total.

    python bench/extraction.py [--corpus ../shared/corpus] [--markdown]

Comments are matched by id (the truth files hold platform ids); a truth comment left over is
then matched by author + the first 40 characters of its text, for parsers that hash ids.

Time rule (documented in bench/RESULTS.md): a truth `date_text` is the wall clock the page
shows. We render our UTC `published` at the blog's UTC offset and compare to the minute (a date
without a clock time is compared by day). The offset is the one the truth's post stamp states;
when it states none (the page never reveals its zone, e.g. Blogger's shown times), it is the one
offset, in 15-minute steps, that fits most of the page's comments: the zone is unknown but fixed,
so this still checks every comment against the same clock, and it is printed per page.
Because a single offset cannot follow daylight saving across a thread's months, a result
exactly one hour off is also accepted and counted in the `dst` column, so it stays visible.
Blogger's `showComment` epochs are exact UTC, so this compares what the reader saw.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from _common import write_section
from corpus_time import CORPUS_FETCHED_AT, blog_offset, comment_time_verdict, time_verdict

from scraper.core.dates import parse_iso
from scraper.core.models import Comment, ParsedPage
from scraper.parse.page import parse_page

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
_CLOCK = re.compile(r"\d{1,2}[:.h]\d\d")
_OFFSET = re.compile(r"T\d\d:\d\d.*([+-])(\d\d):?(\d\d)$")
FIELDS = ("parent", "author", "time", "deleted", "by_author", "kind", "text")


@dataclass
class Score:
    """Counts for one page (or the total): matches, and per-field right answers among matches."""

    truth: int = 0
    ours: int = 0
    matched: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    counted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    dst: int = 0
    offset: timedelta = timedelta(0)
    post: dict[str, bool] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    # Spam verdicts on matched comments whose truth says `spam`: true/false positives, misses.
    spam: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("tp", "fp", "fn", "tn"), 0))

    def add(self, other: Score) -> None:
        for key, value in other.spam.items():
            self.spam[key] += value
        self.truth += other.truth
        self.ours += other.ours
        self.matched += other.matched
        self.dst += other.dst
        for name in FIELDS:
            self.right[name] += other.right[name]
            self.counted[name] += other.counted[name]

    def ratio(self, name: str) -> float | None:
        return self.right[name] / self.counted[name] if self.counted[name] else None

    @property
    def precision(self) -> float:
        return self.matched / self.ours if self.ours else (1.0 if not self.truth else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.truth if self.truth else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def match(truth: list[dict[str, Any]], ours: tuple[Comment, ...]) -> dict[int, Comment]:
    """Truth index → our comment: by id, then by author + text start."""
    by_id = {comment.id: comment for comment in ours}
    pairs: dict[int, Comment] = {}
    used: set[str] = set()
    for position, item in enumerate(truth):
        found = by_id.get(str(item.get("id")))
        if found is not None and found.id not in used:
            pairs[position] = found
            used.add(found.id)
    for position, item in enumerate(truth):
        if position in pairs:
            continue
        start = collapse(item.get("text_start"))[:40].lower()
        for comment in ours:
            if comment.id in used:
                continue
            same_author = collapse(comment.author) == collapse(item.get("author"))
            if same_author and collapse(comment.text).lower().startswith(start):
                pairs[position] = comment
                used.add(comment.id)
                break
    return pairs


def score_page(truth: dict[str, Any], page: ParsedPage, zone: tzinfo | None = None) -> Score:
    score = Score(truth=len(truth["comments"]), ours=len(page.comments))
    pairs = match(truth["comments"], page.comments)
    score.matched = len(pairs)
    our_to_truth = {comment.id: str(truth["comments"][i]["id"]) for i, comment in pairs.items()}
    offset = blog_offset(truth, pairs)
    score.offset = offset
    for position, item in enumerate(truth["comments"]):
        comment = pairs.get(position)
        if comment is None:
            score.misses.append(f"missing {item['id']} ({item.get('author')})")
            continue
        checks = {
            "parent": our_to_truth.get(comment.parent_id or "", comment.parent_id)
            == item.get("parent_id"),
            "author": collapse(comment.author) == collapse(item.get("author")),
            "deleted": comment.deleted == bool(item.get("deleted")),
            "by_author": comment.by_post_author == bool(item.get("by_post_author")),
            "kind": comment.kind
            == (item.get("type") if item.get("type") in ("pingback", "trackback") else "comment"),
            "text": collapse(comment.text).startswith(collapse(item.get("text_start"))[:50]),
        }
        if "spam" in item:
            cell = {(True, True): "tp", (True, False): "fp", (False, True): "fn"}
            key = cell.get((comment.spam, bool(item["spam"])), "tn")
            score.spam[key] += 1
            if key in ("fp", "fn"):
                score.misses.append(f"spam {key} {item['id']}: {comment.spam_reasons}")
        if item.get("date_text"):
            right, dst = comment_time_verdict(
                item, comment.published, offset, approximate=comment.published_approximate
            )
            checks["time"] = right
            score.dst += int(right and dst)
        for name, ok in checks.items():
            score.counted[name] += 1
            score.right[name] += int(ok)
            if not ok:
                score.misses.append(f"{name} {item['id']}: ours={_shown(comment, name)!r}")
    known = {comment.id for comment in pairs.values()}
    score.misses.extend(
        f"extra {comment.id} ({comment.author})"
        for comment in page.comments
        if comment.id not in known
    )
    post_offset = offset
    if zone is not None and page.post.published is not None:
        post_offset = page.post.published.astimezone(zone).utcoffset() or offset
    score.post = post_checks(truth, page, post_offset)
    return score


def _shown(comment: Comment, name: str) -> object:
    return {
        "parent": comment.parent_id,
        "author": comment.author,
        "time": comment.published.isoformat() if comment.published else None,
        "deleted": comment.deleted,
        "by_author": comment.by_post_author,
        "kind": comment.kind,
        "text": comment.text[:50],
    }[name]


def post_checks(
    truth: dict[str, Any], page: ParsedPage, offset: timedelta = timedelta(0)
) -> dict[str, bool]:
    """Title and author as shown; the date by the comments' time rule: the instant when the
    shown date has a clock time, else the shown day, with ours rendered at the blog's offset."""
    post = page.post
    published = truth.get("published") or {}
    iso = published.get("iso")
    shown = published.get("text") or ""
    date_ok = post.published is None if not iso else False
    if iso and post.published is not None:
        if "T" in iso and (_CLOCK.search(shown) or not shown):
            stated = parse_iso(iso)
            date_ok = stated is not None and abs(stated - post.published) < timedelta(minutes=1)
        elif "T" in iso:
            date_ok, _dst = time_verdict(shown, post.published, offset)
        else:
            date_ok = post.published.astimezone(UTC).date().isoformat() == iso
    return {
        "title": collapse(post.title) == collapse(truth.get("title")),
        "author": collapse(post.author) == collapse(truth.get("author")),
        "date": date_ok,
    }


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def run(
    corpus: Path, group: str | None = None, zone: tzinfo | None = None
) -> tuple[list[tuple[str, str, Score]], Score]:
    """Score every page; with `group` (a truth key such as `theme`), one row per group; with
    `zone`, pages are parsed in that blog zone, as a run does once it knows it."""
    rows: list[tuple[str, str, Score]] = []
    groups: dict[str, tuple[str, Score]] = {}
    total = Score()
    for truth_path in sorted(corpus.glob("*.truth.json")):
        slug = truth_path.name.removesuffix(".truth.json")
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        page = parse_page(
            (corpus / f"{slug}.html").read_bytes(),
            truth.get("url"),
            fetched_at=CORPUS_FETCHED_AT,
            zone=zone,
        )
        score = score_page(truth, page, zone)
        total.add(score)
        if group is None:
            rows.append((slug, page.platform, score))
            continue
        key = str(truth.get(group))
        _platform, into = groups.setdefault(key, (page.platform, Score()))
        into.add(score)
        for name, ok in score.post.items():
            into.post[name] = into.post.get(name, True) and ok
        into.misses.extend(f"{slug}: {miss}" for miss in score.misses)
    rows += [(key, platform, score) for key, (platform, score) in groups.items()]
    return rows, total


def table(rows: list[tuple[str, str, Score]], total: Score) -> str:
    head = (
        "| page | platform | truth | ours | P | R | F1 | parent | author | time (dst) | deleted "
        "| by author | kind | text | post title/author/date | offset |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n"
    )
    lines = []
    for slug, platform, s in [*rows, ("**total**", "", total)]:
        post = "/".join("✓" if s.post.get(k) else "✗" for k in ("title", "author", "date"))
        if slug == "**total**":
            post = " ".join(
                f"{k} {sum(r[2].post.get(k, False) for r in rows)}/{len(rows)}"
                for k in ("title", "author", "date")
            )
        lines.append(
            f"| {slug} | {platform} | {s.truth} | {s.ours} | {s.precision:.3f} | {s.recall:.3f} "
            f"| {s.f1:.3f} | {fmt(s.ratio('parent'))} | {fmt(s.ratio('author'))} "
            f"| {fmt(s.ratio('time'))} ({s.dst}) | {fmt(s.ratio('deleted'))} "
            f"| {fmt(s.ratio('by_author'))} | {fmt(s.ratio('kind'))} | {fmt(s.ratio('text'))} "
            f"| {post} | {_hours(s, slug)} |"
        )
    return head + "\n".join(lines) + "\n\n" + spam_line(total) + "\n"


def spam_line(total: Score) -> str:
    """Spam precision and recall over matched comments whose truth carries `spam`."""
    s = total.spam
    flagged, spam = s["tp"] + s["fp"], s["tp"] + s["fn"]
    precision = fmt(s["tp"] / flagged if flagged else None)
    recall = fmt(s["tp"] / spam if spam else None)
    return (
        f"Spam: {spam} spam, {s['tn'] + s['fp']} genuine; flagged {flagged} "
        f"(precision {precision}, recall {recall}, genuine flagged {s['fp']})."
    )


def _hours(score: Score, slug: str) -> str:
    if slug == "**total**":
        return ""
    minutes = int(score.offset.total_seconds() // 60)
    return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--markdown", action="store_true", help="write bench/RESULTS.md section")
    parser.add_argument("--misses", action="store_true", help="list every miss per page")
    parser.add_argument("--group", help="one row per value of this truth key (e.g. theme)")
    parser.add_argument(
        "--zone",
        help="parse in this blog zone (an IANA name), as a run does once it has the site's "
        "configured `timezone` or has asked WordPress's /wp-json for it",
    )
    args = parser.parse_args()
    try:
        zone = ZoneInfo(args.zone) if args.zone else None
    except (ZoneInfoNotFoundError, ValueError):
        print(f"unknown time zone: {args.zone}", file=sys.stderr)
        return 2
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 1
    rows, total = run(args.corpus, args.group, zone)
    rendered = table(rows, total)
    print(rendered)
    if args.misses:
        for slug, _platform, score in rows:
            for miss in score.misses:
                print(f"{slug}: {miss}")
    if args.markdown:
        goals = (
            "Goals: comment F1 ≥ 0.99, parent ≥ 0.99, author ≥ 0.99, time ≥ 0.98, flags ≥ 0.99.\n"
            "Time: our UTC instant rendered at the blog's offset must equal the shown wall clock "
            "to the minute (by day when no clock time is shown). The offset is the one the truth "
            "post stamp states; when it states none (the page hides its zone), the one fixed "
            "offset that fits most comments (column `offset`). Exactly one hour off is accepted "
            "for daylight saving and counted in parentheses. A relative shown time ('1 week "
            "ago') is right when ours is marked approximate and lies within its unit of the "
            "fixed fetch time every page is parsed with, minus what it says. `text`: our "
            "comment text starts "
            "with the truth's first 50 characters.\n"
        )
        section = "extraction" if args.group is None else f"extraction-{args.corpus.name}"
        if args.zone:
            section += "-zone"
            goals += (
                f"Parsed in the blog zone {args.zone}, as a run does once it has the site's "
                "`timezone` or has asked WordPress's /wp-json for it.\n"
            )
        command = " ".join(["python bench/extraction.py", *sys.argv[1:]])
        write_section(
            section,
            f"## Extraction: {args.corpus.name}{' (zone known)' if args.zone else ''}\n\n"
            f"`{command}`\n\n" + goals + "\n" + rendered,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
