"""Read relative times blogs show ("vor 2 Stunden", "1 week ago", "вчера в 21:22") against a
reference moment (when the page was fetched), with the precision the text allows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

_SECOND = timedelta(seconds=1)
_MINUTE = timedelta(minutes=1)
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)
_WEEK = timedelta(weeks=1)
_MONTH = timedelta(days=30)
_YEAR = timedelta(days=365)

# Unit words by the start of the word, longest first where one start is a prefix of another.
# Languages: en de fr es it pt nl pl ru/uk tr da/no/sv; CJK units are matched without spaces.
_UNIT_STARTS: tuple[tuple[str, timedelta], ...] = (
    ("sekund", _SECOND), ("second", _SECOND), ("secs", _SECOND), ("sec", _SECOND),
    ("segund", _SECOND), ("secondo", _SECOND), ("seconde", _SECOND), ("saniye", _SECOND),
    ("секунд", _SECOND),
    ("minut", _MINUTE), ("minuut", _MINUTE), ("mins", _MINUTE), ("min", _MINUTE),
    ("dakika", _MINUTE), ("минут", _MINUTE), ("хвилин", _MINUTE),
    ("hour", _HOUR), ("hrs", _HOUR), ("hr", _HOUR), ("stund", _HOUR), ("heure", _HOUR),
    ("hora", _HOUR), ("ore", _HOUR), ("ora", _HOUR), ("uur", _HOUR), ("godzin", _HOUR),
    ("saat", _HOUR), ("time", _HOUR), ("tim", _HOUR), ("час", _HOUR), ("годин", _HOUR),
    ("day", _DAY), ("tag", _DAY), ("jour", _DAY), ("día", _DAY), ("dia", _DAY),
    ("giorn", _DAY), ("dag", _DAY), ("dni", _DAY), ("dzień", _DAY), ("gün", _DAY),
    ("день", _DAY), ("дня", _DAY), ("дней", _DAY), ("дні", _DAY), ("днів", _DAY), ("доб", _DAY),
    ("week", _WEEK), ("woche", _WEEK), ("semaine", _WEEK), ("semana", _WEEK),
    ("settiman", _WEEK), ("tydzień", _WEEK), ("tygodni", _WEEK), ("hafta", _WEEK),
    ("uge", _WEEK), ("vecka", _WEEK), ("veck", _WEEK), ("недел", _WEEK), ("тижн", _WEEK),
    ("тиждень", _WEEK),
    ("month", _MONTH), ("monat", _MONTH), ("mois", _MONTH), ("mes", _MONTH),
    ("mês", _MONTH), ("maand", _MONTH), ("miesiąc", _MONTH), ("miesięc", _MONTH),
    ("ay", _MONTH), ("måned", _MONTH), ("månad", _MONTH), ("месяц", _MONTH), ("місяц", _MONTH),
    ("year", _YEAR), ("jahr", _YEAR), ("an", _YEAR), ("année", _YEAR), ("año", _YEAR),
    ("anno", _YEAR), ("anni", _YEAR), ("ano", _YEAR), ("jaar", _YEAR), ("rok", _YEAR),
    ("lat", _YEAR), ("yıl", _YEAR), ("år", _YEAR), ("год", _YEAR), ("лет", _YEAR),
    ("рік", _YEAR), ("рок", _YEAR),
)  # fmt: skip
_CJK_UNITS: tuple[tuple[str, timedelta], ...] = (
    ("秒", _SECOND), ("分钟", _MINUTE), ("分鐘", _MINUTE), ("分", _MINUTE),
    ("小时", _HOUR), ("小時", _HOUR), ("時間", _HOUR), ("天", _DAY), ("日", _DAY),
    ("周", _WEEK), ("週", _WEEK), ("星期", _WEEK), ("个月", _MONTH), ("個月", _MONTH),
    ("か月", _MONTH), ("ヶ月", _MONTH), ("月", _MONTH), ("年", _YEAR),
)  # fmt: skip
# Words that make a duration a time in the past ("2 hours ago", "vor 2 Stunden", "2 дня назад").
_AGO = frozenset((
    "ago", "vor", "her", "ilya", "hace", "fa", "há", "atrás", "geleden", "temu", "назад", "тому",
    "önce", "siden", "sedan",
))  # fmt: skip
_CJK_AGO = ("前", "以前")
# Words for "one" where the number is spelled: "an hour ago", "vor einer Stunde", "il y a un an".
_ONE = frozenset((
    "a", "an", "one", "ein", "eine", "einem", "einer", "un", "une", "uno", "una", "um", "uma",
    "een", "jeden", "jedna",
))  # fmt: skip
# Day words: how many days back they name.
_DAYS_BACK = {
    "today": 0, "heute": 0, "aujourd'hui": 0, "hoy": 0, "oggi": 0, "hoje": 0, "vandaag": 0,
    "dzisiaj": 0, "dziś": 0, "сегодня": 0, "bugün": 0, "idag": 0, "i dag": 0, "今天": 0,
    "yesterday": 1, "gestern": 1, "hier": 1, "ayer": 1, "ieri": 1, "ontem": 1, "gisteren": 1,
    "wczoraj": 1, "вчера": 1, "dün": 1, "igår": 1, "i går": 1, "昨天": 1, "vorgestern": 2,
    "avant-hier": 2, "anteayer": 2, "позавчера": 2, "前天": 2,
}  # fmt: skip
# Day words that are also common words in another language (French "hier" is German "here"):
# read only with a clock time after them.
_NEEDS_CLOCK = frozenset({"hier"})
_NOW_WORDS = ("just now", "gerade eben", "à l'instant", "ahora mismo", "только что", "刚刚")

_TOKEN = re.compile(r"\d+|[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_CLOCK = re.compile(r"(\d{1,2})[:.h](\d{2})\s*([ap]\.?\s?m\.?)?", re.IGNORECASE)
_CJK_AMOUNT = re.compile(r"(\d+)\s*(" + "|".join(unit for unit, _ in _CJK_UNITS) + r")")
# A shown time is short; a longer text is a sentence that happens to hold "2 years ago".
_MAX_LENGTH = 60
# Words allowed before the relative part ("Posted 3 days ago", "Kommentiert vor 2 Stunden").
_MAX_LEADING_WORDS = 2
# Beyond this the text is not a comment's age but something else ("500 years ago").
_MAX_AGE = timedelta(days=366 * 30)


@dataclass(frozen=True, slots=True)
class RelativeTime:
    """A moment read from a relative time, and how far off it may be (the smallest unit shown)."""

    moment: datetime
    precision: timedelta


def parse_relative(
    text: str | None, reference: datetime, zone: tzinfo = UTC
) -> RelativeTime | None:
    """`text` as a moment before `reference` (aware), or None when it is not a relative time.

    "50 Minuten 46 Sekunden her" is 50 min 46 s before the reference; "вчера в 21:22" is 21:22
    in `zone` on the day before the reference's day there. The whole text must be the relative
    time (at most two words before it), so a sentence mentioning "two years ago" is not a date.
    """
    if not text or reference.tzinfo is None:
        return None
    lowered = " ".join(text.lower().split()).strip(" .,:;·|()[]-–—")
    if not lowered or len(lowered) > _MAX_LENGTH:
        return None
    if any(lowered.endswith(word) for word in _NOW_WORDS):
        return RelativeTime(reference.astimezone(UTC), _MINUTE)
    found = _day_word(lowered, reference, zone)
    if found is None:
        found = _cjk_duration(lowered, reference) or _duration(lowered, reference)
    if found is None or not timedelta(0) <= reference - found.moment <= _MAX_AGE:
        return None
    return found


def _day_word(lowered: str, reference: datetime, zone: tzinfo) -> RelativeTime | None:
    for word, back in _DAYS_BACK.items():
        start = lowered.find(word)
        if start == -1 or len(lowered[:start].split()) > _MAX_LEADING_WORDS:
            continue
        if start > 0 and lowered[start - 1].isalpha():
            continue
        day = (reference.astimezone(zone) - timedelta(days=back)).date()
        clock = _CLOCK.search(lowered, start + len(word))
        if clock is None:
            if word in _NEEDS_CLOCK:
                return None
            rest = lowered[start + len(word) :].strip(" ,")
            if rest:  # "yesterday's news", not a date
                return None
            midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
            return RelativeTime(midnight.astimezone(UTC), _DAY)
        hour, minute = int(clock.group(1)), int(clock.group(2))
        meridiem = (clock.group(3) or "").replace(".", "").replace(" ", "")
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            return None
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        return RelativeTime(local.astimezone(UTC), _MINUTE)
    return None


def _cjk_duration(lowered: str, reference: datetime) -> RelativeTime | None:
    if not lowered.endswith(_CJK_AGO):
        return None
    amounts = _CJK_AMOUNT.findall(lowered)
    if not amounts:
        return None
    units = dict(_CJK_UNITS)
    total = sum((int(number) * units[unit] for number, unit in amounts), timedelta(0))
    precision = min(units[unit] for _, unit in amounts)
    return RelativeTime((reference - total).astimezone(UTC), precision)


def _unit(word: str) -> timedelta | None:
    best: tuple[int, timedelta] | None = None
    for start, unit in _UNIT_STARTS:
        if word.startswith(start) and (best is None or len(start) > best[0]):
            best = (len(start), unit)
    # A short start must be (nearly) the whole word: "an"/"ans" are years, "Ann" is a name;
    # "tag" reads "Tagen" but not "tagline".
    if best is not None and best[0] == 2 and word not in (word[:2], word[:2] + "s"):
        return None
    if best is not None and best[0] == 3 and len(word) > 5:
        return None
    return best[1] if best is not None else None


def _duration(lowered: str, reference: datetime) -> RelativeTime | None:
    # Multi-word "ago" markers become one token first ("il y a 2 heures", "2 дні тому").
    tokens = _TOKEN.findall(lowered.replace("il y a", "ilya"))
    if not any(token in _AGO for token in tokens):
        return None
    total = timedelta(0)
    precision: timedelta | None = None
    used: set[int] = set()
    for index, token in enumerate(tokens):
        unit = _unit(token) if index not in used else None
        before = tokens[index - 1] if index > 0 else ""
        if unit is None or not (before.isdigit() or before in _ONE):
            continue
        used.update((index - 1, index))
        total += (int(before) if before.isdigit() else 1) * unit
        precision = unit if precision is None else min(precision, unit)
    if precision is None and len(tokens) == 2 and tokens[1] in _AGO:
        # The unit alone means one of it ("минуту назад", "hour ago").
        precision = _unit(tokens[0])
        total = precision or total
        used.add(0)
    if precision is None:
        return None
    # Besides amounts, units and the ago word, only two leading words may be there.
    rest = [i for i, token in enumerate(tokens) if i not in used and token not in _AGO]
    if len(rest) > _MAX_LEADING_WORDS or any(i > min(used) for i in rest):
        return None
    return RelativeTime((reference - total).astimezone(UTC), precision)
