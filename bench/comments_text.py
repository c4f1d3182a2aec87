"""Comment text and article body on the Dragnet 2012 training split, ours beside trafilatura.

Run: python bench/comments_text.py [--limit N] [--markdown] [--claims]   (needs the `bench` extra)

Reads ../shared/dragnet (the tarballs are unpacked once into a cache under /tmp) and scores with
its own `dragnet_gold.py` metric: token F1 of all extracted comment texts joined against the gold
comments, macro and micro over the pages that have comments; how many no-comment pages we claim
comments on; and the article body against the gold's article part. trafilatura runs with
`include_comments=True` in the same process pool, on the same bytes. `--claims` lists, for each
no-comment page where we claim comments, the platform, how many, which finder read them, and the
first claimed text: where to look when the false-positive figure moves.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tarfile
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DRAGNET = ROOT.parent / "shared" / "dragnet"
CACHE = Path(tempfile.gettempdir()) / "blogarchive-dragnet"


def _gold_module(dragnet: Path = DRAGNET) -> Any:
    spec = importlib.util.spec_from_file_location("dragnet_gold", dragnet / "dragnet_gold.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _unpacked(dragnet: Path) -> Path:
    for name in ("dragnet_comments", "dragnet_nocomments"):
        target = CACHE / name
        if not (target / "html").is_dir():
            target.mkdir(parents=True, exist_ok=True)
            with tarfile.open(dragnet / f"{name}.tar.xz") as archive:
                archive.extractall(target, filter="data")
    return CACHE


# One page to score: id, its HTML, its gold, whether the gold has comments, the Dragnet folder.
Page = tuple[str, Path, Path, bool, Path]


def _pages(limit: int | None, dragnet: Path = DRAGNET) -> list[Page]:
    manifest = json.loads((dragnet / "manifest.json").read_text(encoding="utf-8"))
    root = _unpacked(dragnet)
    found = []
    for page in manifest["pages"]:
        folder = root / ("dragnet_comments" if page["has_comments"] else "dragnet_nocomments")
        html = next(folder.glob(f"**/html/{page['id']}.html"), None)
        gold = next(folder.glob(f"**/corrected/{page['id']}.html.corrected.txt"), None)
        if html is not None and gold is not None:
            found.append((page["id"], html, gold, bool(page["has_comments"]), dragnet))
    return found[:limit] if limit else found


def _finder(body: bytes, platform: str, notes: tuple[str, ...]) -> str:
    """Which finder read the comments: the platform's parser, or one of the generic finders
    (asked again here in the generic parser's order, as the page does not record it)."""
    from scraper.parse.page import build_document
    from scraper.parse.platforms.common import blog_timezone, page_index
    from scraper.parse.platforms.heuristic import heuristic_comments
    from scraper.parse.platforms.numbered import numbered_comments
    from scraper.parse.platforms.repeated import repeated_comments
    from scraper.parse.platforms.structured import read_structured

    if platform != "generic" and not any("generic finders, not" in n for n in notes):
        return f"{platform} parser"
    doc = build_document(body, None, None)
    index = page_index(doc)
    zone = blog_timezone(index, text=doc.text)
    if read_structured(doc, zone).comments:
        return "structured"
    heuristic, numbered = heuristic_comments(doc, zone)[0], numbered_comments(doc, index, zone)[0]
    if heuristic or numbered:
        # The generic parser keeps whichever read more fields; naming both is enough here.
        return "+".join(
            name for name, found in (("heuristic", heuristic), ("numbered", numbered)) if found
        )
    headings = [tag for name in ("h2", "h3", "h4", "h5", "h6") for tag in index.names(name)]
    return "repeated" if repeated_comments(headings, zone, None)[0] else "?"


def _ours(body: bytes) -> tuple[str, str, dict[str, Any]]:
    from scraper import parse_page

    try:
        parsed = parse_page(body, None)
    except Exception:  # a page we cannot read scores zero, as trafilatura's failures do
        return "", "", {}
    comments = "\n".join(f"{c.author or ''} {c.text}" for c in parsed.comments)
    kinds: dict[str, int] = {}
    for comment in parsed.comments:
        kinds[comment.kind] = kinds.get(comment.kind, 0) + 1
    reader = "\n".join(f"{c.author or ''} {c.text}" for c in parsed.comments if c.kind == "comment")
    detail: dict[str, Any] = {"platform": parsed.platform, "kinds": kinds, "reader": reader}
    if parsed.comments:
        first = parsed.comments[0]
        detail["first"] = " ".join(f"{first.author or ''} | {first.text}".split())[:120]
        detail["finder"] = _finder(body, parsed.platform, parsed.notes)
    return parsed.post.text, comments, detail


def _trafilatura(body: bytes) -> tuple[str, str]:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(body, include_comments=True, with_metadata=False)
    except Exception:
        return "", ""
    if doc is None:
        return "", ""
    return getattr(doc, "text", "") or "", getattr(doc, "comments", "") or ""


def _score_page(item: Page) -> dict[str, Any]:
    page_id, html, gold_path, has_comments, dragnet = item
    gold_module = _gold_module(dragnet)
    body = html.read_bytes()
    gold = gold_module.read_gold(gold_path.read_bytes())
    result: dict[str, Any] = {"id": page_id, "has_comments": has_comments}
    tokens = gold_module.tokens
    ours_article, ours_comments, detail = _ours(body)
    result["detail"] = detail
    for name, (article, comments) in (
        ("ours", (ours_article, ours_comments)),
        ("trafilatura", _trafilatura(body)),
    ):
        result[name] = {
            "comments": gold_module.counts(tokens(gold.comments), tokens(comments)),
            "article": gold_module.counts(tokens(gold.content), tokens(article)),
            "claimed": bool(comments.strip()),
        }
    return result


def _claims(results: list[dict[str, Any]]) -> list[str]:
    """One line per no-comment page where we claim comments: id, platform, count, finder, text."""
    lines = []
    for result in results:
        if result["has_comments"] or not result["ours"]["claimed"]:
            continue
        detail = result["detail"]
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(detail["kinds"].items()))
        lines.append(
            f"{result['id']}\t{detail['platform']}\t{kinds}\t{detail['finder']}\t{detail['first']}"
        )
    return lines


def _table(results: list[dict[str, Any]], dragnet: Path = DRAGNET) -> list[tuple[str, ...]]:
    gold_module = _gold_module(dragnet)
    rows = []
    for name in ("ours", "trafilatura"):
        with_comments = [r[name] for r in results if r["has_comments"]]
        without = [r[name] for r in results if not r["has_comments"]]

        def macro(key: str, pages: list[dict[str, Any]]) -> float:
            scores = [gold_module.prf(*p[key])[2] for p in pages]
            return sum(scores) / len(scores) if scores else 0.0

        def micro(key: str, pages: list[dict[str, Any]]) -> float:
            tp = sum(p[key][0] for p in pages)
            return float(
                gold_module.prf(tp, sum(p[key][1] for p in pages), sum(p[key][2] for p in pages))[2]
            )

        rows.append(
            (
                name,
                f"{macro('comments', with_comments):.3f}",
                f"{micro('comments', with_comments):.3f}",
                f"{sum(not p['claimed'] for p in with_comments)} / {len(with_comments)}",
                f"{sum(p['claimed'] for p in without)} / {len(without)}",
                f"{macro('article', with_comments + without):.3f}",
                f"{micro('article', with_comments + without):.3f}",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument(
        "--dragnet",
        type=Path,
        default=DRAGNET,
        help="the Dragnet folder (default ../shared/dragnet beside the checkout; a git worktree"
        " elsewhere names it)",
    )
    parser.add_argument("--markdown", action="store_true", help="print a table for RESULTS.md")
    parser.add_argument(
        "--claims",
        action="store_true",
        help="also list the no-comment pages where we claim comments (id, platform, kinds,"
        " finder, first text)",
    )
    args = parser.parse_args()
    pages = _pages(args.limit, args.dragnet)
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(_score_page, pages, chunksize=8))
    header = (
        "extractor",
        "comments macro F1",
        "comments micro F1",
        "comment pages with nothing found",
        "no-comment pages with comments claimed",
        "article macro F1",
        "article micro F1",
    )
    rows = _table(results, args.dragnet)
    if args.claims:
        print("\n".join(["id\tplatform\tclaimed\tfinder\tfirst claimed text", *_claims(results)]))
    if args.markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        print("\n".join(lines))
        if args.limit is None:
            from bench._common import write_section

            write_section(
                "dragnet",
                "## Dragnet 2012 training split: comment text and article body\n\n"
                "`python bench/comments_text.py --markdown` (302 pages with comments, 664 without;"
                " the benchmark's own token metric; trafilatura in the same run; `--claims` lists"
                " the no-comment pages where we claim comments)\n\n" + "\n".join(lines),
            )
    else:
        for row in rows:
            print(dict(zip(header, row, strict=True)))


if __name__ == "__main__":
    main()
