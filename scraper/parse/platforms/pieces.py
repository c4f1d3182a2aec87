"""Small readers shared by the extra platforms: ids, dates in the page's zone, bylines, text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from bs4 import NavigableString, Tag

from scraper.core.dates import parse_human, parse_iso
from scraper.parse.htmltext import normalise_text, visible_text
from scraper.parse.platforms.pageindex import PageIndex
from scraper.parse.platforms.relative import read_relative

_ISO_START = re.compile(r"^\s*\d{4}-\d\d?-\d\d?")
# A machine stamp that names a day but no time (`datetime="2019-11-5"`): the shown text may add it.
_DAY_ONLY = re.compile(r"^\s*(\d{4})-(\d\d?)-(\d\d?)\s*$")
_ID_DIGITS = re.compile(
    r"(?:comment|cmt|li-comment|div-comment|trackback|ping|c|t|reply)[-_]?([0-9a-f]{3,}|\d+)$", re.I
)
# "by X", "von X", "par X" … before a name; "on", "am", "at", "|" … between a name and its date.
_BY_WORDS = re.compile(
    r"(?:^|\s)(?:posted|written|geschrieben|submitted|comment(?:ed)?|publié|escrito|scritto)?\s*"
    r"(?:by|von|par|door|di|por|av|af|de|from):?\s+",
    re.IGNORECASE,
)
_TRAILING_JOINERS = re.compile(
    r"[\s,|·•:\-–—@]*"
    r"(?:\b(?:on|at|am|um|le|el|il|op|den|the|said|says|wrote|schrieb|a écrit)\b[\s,|·•:\-–—]*)*$",
    re.IGNORECASE,
)
# The weekday a date line often starts with ("Von X Fr, 18. Oktober", "X Wednesday, June 15"),
# in the common languages: cut from the name only when a date follows it.
_TRAILING_WEEKDAY = re.compile(
    r"[\s,|·•:\-–—]*\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|mo|di|mi|do|fr|sa|so|montag|dienstag|mittwoch|donnerstag|"
    r"freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|"
    r"miércoles|jueves|viernes|sábado|domingo)\b\.?[\s,|·•:\-–—]*$",
    re.IGNORECASE,
)
_DATE_IN_TEXT = re.compile(
    r"(?:\d{4}-\d\d-\d\d"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}"
    r"|\d{1,2}\.?\s+[^\W\d_]{3,}\.?,?\s+\d{4}"
    r"|[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|[^\W\d_]{3,}\.?\s+\d{1,2},\s*\d\d(?![\d:.]))"
    r"(?:(?:[T ]|,?\s*(?:at|um|à|a las|alle|om|в|o|kl\.?|@|-|–|/{1,2}|\||·|•)?\s*)"
    r"\d{1,2}[:.h]\d\d(?::\d\d)?"
    r"\s*(?:[ap]\.?m\.?)?(?:\s*(?:uhr|\(?utc\)?|gmt))?)?",
    re.IGNORECASE,
)
_ANY_DIGIT = re.compile(r"\d")
# A clock time in a date's text ("19:04", "8.47", "9h30").
_CLOCK = re.compile(r"\d{1,2}\s*[:.h]\s*\d{2}")
# A title attribute holding only a clock time ("2:35 pm", "14:35"): WordPress's Twenty Ten
# (`twentyten_posted_on`) and the Kubrick-era themes built on it print the day as the permalink's
# text and the time as its title.
_TITLE_CLOCK = re.compile(r"^\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?\s?m\.?)?\s*$", re.IGNORECASE)
DELETED_TEXTS = (
    "this comment has been removed",
    "this comment was deleted",
    "comment deleted",
    "dieser kommentar wurde",
    "ce commentaire a été supprimé",
)


def read_date(node: Tag | None, zone: tzinfo) -> datetime | None:
    """A node's date: machine attributes (datetime, content, title) first, then its shown text."""
    if node is None:
        return None
    for attribute in ("datetime", "content", "title", "data-time", "data-datetime"):
        value = node.get(attribute)
        if isinstance(value, str) and _ISO_START.match(value):
            day = _DAY_ONLY.match(value)
            if day is not None:
                return _day_with_shown_time(node, day, zone)
            moment = parse_iso(value, zone)
            if moment is not None:
                return moment
    for seen, inner in enumerate(node.descendants):  # cheaper than find_all on small nodes
        if seen > 60:
            break
        if isinstance(inner, Tag) and inner.name in ("time", "abbr"):
            moment = read_date(inner, zone)
            if moment is not None:
                return moment
    text = node.get_text(" ", strip=True)
    if not _ANY_DIGIT.search(text):  # every absolute date holds digits; skip the long regex
        return read_relative(text, zone)
    match = find_date_text(text)
    shown = match.group(0) if match else None
    if shown is not None and not _CLOCK.search(shown):
        clock = _titled_clock(node)
        if clock is not None:
            moment = read_date_text(f"{shown} {clock}", zone)
            if moment is not None:
                return moment
    moment = read_date_text(shown, zone) if shown else None
    return moment if moment is not None else read_relative(text, zone)


def _titled_clock(node: Tag) -> str | None:
    """The clock time a day-only date's element or the link around it holds in its title."""
    for candidate in (node, *node.parents):
        title = candidate.get("title")
        if isinstance(title, str) and _TITLE_CLOCK.match(title):
            return title.strip()
        if candidate.name == "a" or candidate.name in ("p", "div", "li", "body"):
            return None  # only the element itself and the wrappers up to its link
    return None


def _day_with_shown_time(node: Tag, day: re.Match[str], zone: tzinfo) -> datetime | None:
    """A day-only stamp, with the time of day the node shows when its text names the same day
    ("23.07.2020 // 12:59" under `datetime="2020-07-23"`); else local midnight of that day."""
    year, month, number = (int(part) for part in day.groups())
    shown = find_date_text(node.get_text(" ", strip=True))
    moment = read_date_text(shown.group(0), zone) if shown else None
    if moment is not None and moment.astimezone(zone).date() == date(year, month, number):
        return moment
    try:
        return datetime(year, month, number, tzinfo=zone).astimezone(UTC)
    except ValueError:
        return None


def read_date_text(text: str | None, zone: tzinfo) -> datetime | None:
    """A shown date (ISO or human) read in `zone`; None when nothing date-like is there."""
    if not text:
        return None
    stripped = text.strip()
    if _ISO_START.match(stripped) and " " not in stripped:
        moment = parse_iso(stripped, zone)
        if moment is not None:
            return moment
    if "utc" in text.lower() or "gmt" in text.lower():
        zone = UTC
    moment = parse_human(text, zone)
    return moment if moment is not None else read_relative(text, zone)


def find_date_text(text: str) -> re.Match[str] | None:
    """The first date-looking span in running text ("am 21. Jan. 2015, 19:04")."""
    return _DATE_IN_TEXT.search(text)


def split_byline(text: str) -> tuple[str | None, str | None]:
    """Split "geschrieben von X am 21. Jan. 2015, 19:04" / "Posted by: X | date" into (X, date)."""
    text = normalise_text(text).replace("\n", " ")
    match = find_date_text(text)
    date_text = match.group(0).strip() if match else None
    before = text[: match.start()] if match else text
    if match and not before.strip():
        before = text[match.end() :]
    before = _TRAILING_JOINERS.sub("", before).strip()
    if match:
        before = _TRAILING_JOINERS.sub("", _TRAILING_WEEKDAY.sub("", before)).strip()
    by_matches = list(_BY_WORDS.finditer(before))
    if by_matches:
        before = before[by_matches[-1].end() :]
    author = before.strip(" ,|:-–—·") or None
    return author, date_text


def has_by_word(text: str) -> bool:
    """True when the text names someone with "by"/"von"/"par"… ("Von Jo Kranich, 12. März")."""
    return _BY_WORDS.search(text) is not None


def id_from_attr(value: str | None) -> str | None:
    """The platform id in an element id like `comment-123`, `c001234`, `cmt42`, `li-comment-9`."""
    if not value:
        return None
    match = _ID_DIGITS.search(value.strip())
    return match.group(1) if match else None


def text_of(parts: Iterable[Tag | NavigableString]) -> str:
    """Visible text of several sibling pieces (tags or bare text), paragraphs kept."""
    chunks: list[str] = []
    for part in parts:
        if isinstance(part, Tag):
            chunks.append(visible_text(part))
        elif type(part) is NavigableString:
            chunks.append(str(part))
    return normalise_text("\n\n".join(chunk for chunk in chunks if chunk.strip()))


def attr(node: object, name: str) -> str | None:
    """A string attribute of an element, or None (also for text nodes and None)."""
    if not isinstance(node, Tag):
        return None
    value = node.get(name)
    if isinstance(value, list):
        return " ".join(value)
    return value


def find_tag(node: Tag | None, *args: Any, **kwargs: Any) -> Tag | None:
    """`node.find(…)` narrowed to an element (bs4 may also return text nodes)."""
    if node is None:
        return None
    found = node.find(*args, **kwargs)
    return found if isinstance(found, Tag) else None


def looks_deleted(text: str) -> bool:
    """True when a comment's whole text is a removal notice."""
    lowered = text.lower()
    return len(lowered) < 120 and any(marker in lowered for marker in DELETED_TEXTS)


def itemprop_first(index: PageIndex, name: str, within: Tag | None = None) -> Tag | None:
    """The first element (document order) whose itemprop names `name`, inside `within` if given."""
    best: Tag | None = None
    best_pos = -1
    for tags in index.by_name.values():
        for tag in tags:
            prop = tag.attrs.get("itemprop")
            if isinstance(prop, str) and name in prop.split():
                pos = index.position(tag)
                if (best is None or pos < best_pos) and (within is None or inside(tag, within)):
                    best, best_pos = tag, pos
    return best


def itemprop_all(index: PageIndex, name: str) -> list[Tag]:
    """Every element whose itemprop names `name`, in document order."""
    found = [
        tag
        for tags in index.by_name.values()
        for tag in tags
        if isinstance(prop := tag.attrs.get("itemprop"), str) and name in prop.split()
    ]
    return sorted(found, key=index.position)


# Page parts whose bylines and dates are not the post's.
_ASIDE = re.compile(r"sidebar|widget|recent|related|footer|comment", re.IGNORECASE)


def in_aside(node: Tag) -> bool:
    """True inside a sidebar, footer, related-posts box or comment area (their bylines and dates
    are not the post's). The climb stops at the article, `main` or `body`: a page-level class
    such as `right-sidebar` on the body says nothing about the node."""
    for parent in (node, *node.parents):
        names = " ".join(parent.get("class") or []) + " " + str(parent.get("id") or "")
        found = _ASIDE.search(names) if names.strip() else None
        if parent.name in ("aside", "nav", "footer") or found:
            # An article's own footer holds its byline and date: only the page's footer is aside.
            footer_only = parent.name == "footer" or (found and found.group().lower() == "footer")
            if not (footer_only and parent.find_parent("article") is not None):
                return True
        if parent.name in ("article", "main", "body"):
            return False
    return False


def first_of(index: PageIndex, kind: str, value: str, within: Tag | None = None) -> Tag | None:
    """The first element with class / tag name / itemprop `value`, inside `within` if given."""
    if kind == "itemprop":
        return itemprop_first(index, value, within)
    tags = index.classes(value) if kind == "class" else index.names(value)
    for tag in tags:
        if within is None or tag is within or inside(tag, within):
            return tag
    return None


def inside(node: Tag, ancestor: Tag) -> bool:
    """True when `ancestor` is one of `node`'s parents."""
    return any(parent is ancestor for parent in node.parents)
