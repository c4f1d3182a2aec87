"""Read the dates blogs show (ISO stamps, epoch milliseconds, human dates in many languages)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar janvier enero ene gennaio gen januari janeiro jän jänner "
        "stycznia styczeń ocak ledna januára января январь янв січня",
        "february feb februar février fevrier febrero febbraio februari fevereiro fév feb. "
        "lutego luty şubat února februára февраля февраль фев лютого",
        "march mar märz maerz mars marzo maart março mär mrt maret marts marca mart března "
        "марта март березня",
        "april apr avril abril aprile kwietnia nisan dubna apríla апреля апрель апр квітня",
        "may mai mayo maggio mei maio maja mayıs května mája мая май травня",
        "june jun juni juin junio giugno junho czerwca haziran června júna июня июнь червня",
        "july jul juli juillet julio luglio julho juil lipca temmuz července júla июля июль липня",
        "august aug august août aout agosto augustus ago agustus sierpnia ağustos srpna augusta "
        "августа август авг серпня",
        "september sep sept septembre septiembre settembre setembro set wrzesień września eylül "
        "září septembra сентября сентябрь сен сент вересня",
        "october oct oktober octobre octubre ottobre outubro okt out października ekim října "
        "októbra октября октябрь окт жовтня",
        "november nov novembre noviembre novembro listopada kasım listopadu novembra ноября "
        "ноябрь ноя листопада",
        "december dec dezember décembre decembre diciembre dicembre desember dezembro dez dic "
        "des grudnia aralık prosince decembra декабря декабрь дек грудня",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)

_TIME = re.compile(r"(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*([ap]\.?\s?m\.?)?", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+\.?", re.UNICODE)
_NUMERIC_DMY = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b")
_NUMERIC_YMD = re.compile(r"\b(\d{4})[./-](\d{1,2})[./-](\d{1,2})\b")
# East Asian "2019年5月30日" and Vietnamese "30 tháng 5, 2019": the month is a number.
_CJK_YMD = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})")
_NUMBERED_MONTH = re.compile(r"(?:tháng|thg)\s*(\d{1,2})", re.IGNORECASE)
# "Jun 03, 05": a month name, the day, a comma and a two-digit year (ExpressionEngine's default
# `%M %d, %y`, many old CMSs); the comma keeps "June 3 05:30" a time, not a year.
_MONTH_DAY_SHORT_YEAR = re.compile(r"([^\W\d_]{3,})\.?\s+(\d{1,2}),\s*(\d\d)(?![\d:.])")


def from_epoch_ms(milliseconds: int | str) -> datetime | None:
    """An epoch-milliseconds stamp (Blogger's `showComment=`) as an aware UTC datetime."""
    try:
        return datetime.fromtimestamp(int(milliseconds) / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


# UTC as a guess, not a fact: the zone a parser reads shown times in when the page reveals none.
# A time read in it keeps this very object as its tzinfo (same instant as UTC), so the caller
# can tell which times rest on the guess and say so.
ASSUMED_UTC = timezone(timedelta(0), "UTC (assumed)")


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is ASSUMED_UTC else moment.astimezone(UTC)


def parse_iso(text: str | None, default_tz: tzinfo = UTC) -> datetime | None:
    """An ISO 8601 stamp as UTC; a stamp without offset is read in `default_tz`."""
    if not text:
        return None
    value = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    return _as_utc(moment)


# Weekday names (English, with its abbreviations; German, French, Spanish, Italian, Dutch in
# full), Monday first: a shown weekday tells day and month apart in "Sat, 09/08/2012".
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            "monday mon montag lundi lunes lunedì maandag",
            "tuesday tue tues dienstag mardi martes martedì dinsdag",
            "wednesday wed mittwoch mercredi miércoles mercoledì woensdag",
            "thursday thu thurs donnerstag jeudi jueves giovedì donderdag",
            "friday fri freitag vendredi viernes venerdì vrijdag",
            "saturday sat samstag samedi sábado sabato zaterdag",
            "sunday sun sonntag dimanche domingo domenica zondag",
        ]
    )
    for name in names.split()
}


def _by_weekday(text: str, year: int, day: int, month: int) -> tuple[int, int]:
    """(day, month) of an ambiguous numeric date: swapped when only the month-first reading
    falls on the weekday the text names; as read when no weekday is named or both fit."""
    named = {_WEEKDAYS[word] for word in _WORD.findall(text) if word in _WEEKDAYS}
    if len(named) != 1:
        return day, month
    (weekday,) = named
    try:
        as_read = date(year, month, day).weekday() == weekday
        swapped = date(year, day, month).weekday() == weekday
    except ValueError:
        return day, month
    return (month, day) if swapped and not as_read else (day, month)


def parse_human(text: str | None, default_tz: tzinfo = UTC) -> datetime | None:
    """A shown date like "October 23, 2007 at 4:01 PM" or "6. Juni 2015 um 10:23", as UTC.

    Missing time means midnight; the local time is read in `default_tz` (the blog's zone).
    """
    if not text:
        return None
    day = month = year = None
    lowered = text.lower()
    numeric = _NUMERIC_YMD.search(lowered) or _CJK_YMD.search(lowered)
    if numeric:
        year, month, day = (int(group) for group in numeric.groups())
        lowered = lowered[: numeric.start()] + " " + lowered[numeric.end() :]
    else:
        numeric = _NUMERIC_DMY.search(lowered)
        if numeric:
            day, month, year = (int(group) for group in numeric.groups())
            if year < 100:  # "22.04.18": two-digit years are this century's up to '69
                year += 2000 if year < 70 else 1900
            if month > 12 >= day:  # US order, month first
                day, month = month, day
            elif day != month and max(day, month) <= 12:
                day, month = _by_weekday(lowered, year, day, month)
            lowered = lowered[: numeric.start()] + " " + lowered[numeric.end() :]
    hour = minute = second = 0
    time_match = _TIME.search(lowered)
    if time_match:
        hour, minute = int(time_match.group(1)), int(time_match.group(2))
        second = int(time_match.group(3) or 0)
        meridiem = (time_match.group(4) or "").replace(".", "").replace(" ", "")
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        lowered = lowered[: time_match.start()] + " " + lowered[time_match.end() :]
    if month is None and (numbered := _NUMBERED_MONTH.search(lowered)):
        month = int(numbered.group(1))
        lowered = lowered[: numbered.start()] + " " + lowered[numbered.end() :]
    if day is None:
        for word in _WORD.findall(lowered):
            if month is not None:
                break
            number = _MONTHS.get(word.rstrip("."))
            if number:
                month = number
                break
        found = _year_and_day(lowered, month)
        if found is None or month is None:
            return None
        year, day = found
    try:
        local = datetime(year, month, day, hour, minute, second, tzinfo=default_tz)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return _as_utc(local)


def _year_and_day(lowered: str, month: int | None) -> tuple[int, int] | None:
    """The year (1990-2100, or a two-digit one after "Jun 03,") and day in a worded date."""
    numbers = [int(n) for n in re.findall(r"\d+", lowered)]
    years = [n for n in numbers if 1990 <= n <= 2100]
    short = _MONTH_DAY_SHORT_YEAR.search(lowered)
    if not years and short and _MONTHS.get(short.group(1)) == month:
        years = [int(short.group(3)) + (2000 if int(short.group(3)) < 70 else 1900)]
        numbers = [int(short.group(2))]
    days = [n for n in numbers if 1 <= n <= 31 and n not in years]
    if not years or not days:
        return None
    return years[0], days[0]


def fixed_offset(minutes: int) -> tzinfo:
    """A fixed-offset zone, for blogs that reveal only their UTC offset."""
    return timezone(timedelta(minutes=minutes))
