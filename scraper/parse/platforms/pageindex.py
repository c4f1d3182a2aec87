"""One walk over a parsed page: every element by id, class and tag name, in document order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag


@dataclass(slots=True)
class PageIndex:
    """Every element reachable by id, class and tag name, built in one walk over the tree.

    Parsers look things up here instead of running find_all over the whole tree again and again.
    Lists are in document order; `by_id` keeps the first element carrying each id.
    """

    by_id: dict[str, Tag] = field(default_factory=dict)
    by_class: dict[str, list[Tag]] = field(default_factory=dict)
    by_name: dict[str, list[Tag]] = field(default_factory=dict)
    # id(tag) -> position in document order, for ordering hits from different lists.
    positions: dict[int, int] = field(default_factory=dict)
    lowered_text: str | None = None

    def lowered(self, text: str) -> str:
        """The page's decoded text lower-cased, once per page (a slow call on non-ASCII text)."""
        if self.lowered_text is None:
            self.lowered_text = text.lower()
        return self.lowered_text

    def position(self, tag: Tag) -> int:
        return self.positions.get(id(tag), -1)

    def span(self, root: Tag) -> tuple[int, int]:
        """(first, last) document positions of `root`'s subtree, for cheap "is inside" tests."""
        last = root
        while True:
            child = next((c for c in reversed(last.contents) if isinstance(c, Tag)), None)
            if child is None:
                break
            last = child
        return self.position(root), self.position(last)

    def inside(self, root: Tag | None, tags: Iterable[Tag]) -> list[Tag]:
        """The `tags` that are descendants of `root`, in their given order."""
        if root is None:
            return []
        start, end = self.span(root)
        return [tag for tag in tags if start < self.positions.get(id(tag), -1) <= end]

    def first_class(self, *classes: str) -> Tag | None:
        """The first element (in document order) carrying any of `classes`."""
        best: Tag | None = None
        best_pos = -1
        for name in classes:
            tags = self.by_class.get(name)
            if tags:
                pos = self.position(tags[0])
                if best is None or pos < best_pos:
                    best, best_pos = tags[0], pos
        return best

    def classes(self, name: str) -> list[Tag]:
        return self.by_class.get(name, [])

    def names(self, name: str) -> list[Tag]:
        return self.by_name.get(name, [])


def build_index(soup: BeautifulSoup) -> PageIndex:
    """Index every element of `soup` (built once per page, with its Document)."""
    index = PageIndex()
    by_id, by_class, by_name = index.by_id, index.by_class, index.by_name
    positions = index.positions
    for position, tag in enumerate(soup.find_all(True)):
        positions[id(tag)] = position
        by_name.setdefault(tag.name, []).append(tag)
        attrs = tag.attrs
        if not attrs:
            continue
        ident = attrs.get("id")
        if isinstance(ident, str) and ident not in by_id:
            by_id[ident] = tag
        classes = attrs.get("class")
        if classes:
            for name in classes if isinstance(classes, list) else str(classes).split():
                by_class.setdefault(name, []).append(tag)
    return index
