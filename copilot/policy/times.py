"""Dates, times of day, time zones and days of the week in policy sentences -> blackout windows.

``read_windows`` finds every date, time and zone in a sentence and pairs the times into windows:

    dates   2026-03-01 | 14 March 2026 | 14th of March, 2026 | March 14, 2026 | Sat 14 Mar 2026
            | Thursday 2026-01-15 | Thu, 15/01/2026 (a weekday written with a date must be that date's)
            06.05.2026 (dotted: day first, the European form)
            07/04/2026 only with its order stated in the sentence ("(MM/DD/YYYY)", "(dates DD/MM/YYYY)",
            "Dates are DD/MM/YYYY") or when only one reading is a date (25/12/2026)
            lists: "12 and 13 January 2026", "3, 10 and 17 March 2026", "March 3 and 10, 2026",
            "3 March 2026 and 10 March 2026" (each date takes the window)
            a date without a year is refused (the year is never guessed), except the start of a range
            whose end gives it ("from 22:00 on 7 March to 04:00 on 8 March 2026") or a list sharing it
    times   06:00 | 6:30 | 9 am | 11:30 a.m. | 5pm | 9.30 am | noon | 12 noon | midnight | 24:00 (end of
            the day) | 14h00 | 22.00-02.00 | 0100-0300 UTC | 2200 hrs; ISO 2026-11-20T18:00-08:00 carries its
            own offset; an ISO interval 2026-06-30T23:00+09:00/2026-07-01T03:00+09:00 is one window
    zones   UTC, GMT, Z, Zulu, UTC+1, GMT-05:30, +01:00                   fixed offsets
            CET CEST WET WEST EET EEST BST IST(India) EST EDT CST CDT MST MDT PST PDT, and the
            spelled-out "Central Standard Time", "British Summer Time" ...    fixed offsets as written
            (with a warning on a date when they are not in force: "CET" in July, "EST" in July)
            "US Eastern time", "Pacific time", "UK time", "London time", "Europe/Stockholm time",
            "(Europe/Dublin)"                                              civil time (IANA, with DST)
    days    every day | daily | nightly | weekdays | each weekday | (every) Monday to|through Friday | Mon-Fri |
            weekends |
            every Saturday | on Mondays and Thursdays                      (recurring windows)

Times are paired in order ("22:00 ... until 04:00", "02:00-04:00 UTC and 14:00-15:30 UTC"); one
date applies to every time, else each time takes the date written next to it ("23:00 on 24
October 2026"); a list of dates gives each date the window. A window that crosses midnight ends
the next day when its date is written before it ("on 2026-03-03 from 23:00 to 01:00"), "the following
morning" says so, and "midnight" as the end of a one-day window is the end of that day; one zone
applies to every time, several zones must each follow their time. A sentence without a zone is
refused (naive times are not guessed). Each window records where it is written (``Windows.where``),
so a sentence giving each window its own regions can be read window by window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from copilot.policy.values import DEFAULT_BLACKOUT_REASON, SentenceError

__all__ = ["MONTHS", "WEEKDAYS", "Token", "Windows", "read_windows", "tokens", "window_dict"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = {m: i + 1 for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                            "august", "september", "october", "november", "december"))}
_MONTHS |= {m[:3]: i for m, i in list(_MONTHS.items())} | {"sept": 9}
MONTHS: frozenset[str] = frozenset(_MONTHS)
"""Month names and abbreviations as written in policies (lower case)."""
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAYNAMES = {"monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu", "friday": "fri",
             "saturday": "sat", "sunday": "sun", "mon": "mon", "tue": "tue", "tues": "tue", "wed": "wed",
             "thu": "thu", "thur": "thu", "thurs": "thu", "fri": "fri", "sat": "sat", "sun": "sun"}
_DAY = r"(?:" + "|".join(sorted(_DAYNAMES, key=len, reverse=True)) + r")"
_ORD = r"(?:st|nd|rd|th)?"
# a weekday written before a numeric date ("thursday 2026-01-15", "Thu, 15/01/2026"); it must be the date's own
_WDAY = rf"(?:\b(?P<wday>(?i:{_DAY}))\.?,?\s+)?"

_FIXED = {"cet": 1, "cest": 2, "wet": 0, "west": 1, "eet": 2, "eest": 3, "bst": 1, "ist": 5.5, "est": -5,
          "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
          "sgt": 8, "hkt": 8, "jst": 9, "kst": 9, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13,
          "central european summer time": 2, "central european standard time": 1,
          "british summer time": 1, "india standard time": 5.5, "indian standard time": 5.5,
          "eastern standard time": -5, "eastern daylight time": -4, "central standard time": -6,
          "central daylight time": -5, "mountain standard time": -7, "mountain daylight time": -6,
          "pacific standard time": -8, "pacific daylight time": -7,
          "greenwich mean time": 0, "coordinated universal time": 0}
# where an abbreviation is the civil time for part of the year: it must be the one in force on the date
_HOME = {"aest": "Australia/Sydney", "aedt": "Australia/Sydney", "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland",
         "cet": "Europe/Berlin", "cest": "Europe/Berlin", "central european summer time": "Europe/Berlin",
         "central european standard time": "Europe/Berlin", "wet": "Europe/Lisbon", "west": "Europe/Lisbon",
         "eet": "Europe/Athens", "eest": "Europe/Athens", "bst": "Europe/London",
         "british summer time": "Europe/London", "est": "America/New_York", "edt": "America/New_York",
         "eastern standard time": "America/New_York", "eastern daylight time": "America/New_York",
         "cst": "America/Chicago", "cdt": "America/Chicago", "central standard time": "America/Chicago",
         "central daylight time": "America/Chicago", "mdt": "America/Denver",
         "mountain daylight time": "America/Denver", "pst": "America/Los_Angeles",
         "pdt": "America/Los_Angeles", "pacific standard time": "America/Los_Angeles",
         "pacific daylight time": "America/Los_Angeles"}  # MST is also Arizona's all-year time: not checked
_CIVIL = {"eastern": "America/New_York", "us eastern": "America/New_York", "central": "America/Chicago",
          "us central": "America/Chicago", "mountain": "America/Denver", "us mountain": "America/Denver",
          "pacific": "America/Los_Angeles", "us pacific": "America/Los_Angeles",
          # the US grid operators' "prevailing time" (PJM, ERCOT, CAISO tariffs): local time with DST
          "eastern prevailing": "America/New_York", "central prevailing": "America/Chicago",
          "mountain prevailing": "America/Denver", "pacific prevailing": "America/Los_Angeles",
          "central european": "Europe/Berlin", "uk": "Europe/London", "british": "Europe/London",
          "irish": "Europe/Dublin", "swedish": "Europe/Stockholm", "german": "Europe/Berlin",
          "french": "Europe/Paris", "indian": "Asia/Kolkata", "india": "Asia/Kolkata",
          "london": "Europe/London", "dublin": "Europe/Dublin", "stockholm": "Europe/Stockholm",
          "paris": "Europe/Paris", "berlin": "Europe/Berlin", "frankfurt": "Europe/Berlin",
          "amsterdam": "Europe/Amsterdam", "madrid": "Europe/Madrid", "rome": "Europe/Rome",
          "zurich": "Europe/Zurich", "vienna": "Europe/Vienna", "brussels": "Europe/Brussels",
          "new york": "America/New_York", "chicago": "America/Chicago", "denver": "America/Denver",
          "los angeles": "America/Los_Angeles", "seattle": "America/Los_Angeles",
          "san francisco": "America/Los_Angeles", "california": "America/Los_Angeles",
          "texas": "America/Chicago", "dallas": "America/Chicago", "houston": "America/Chicago",
          "boston": "America/New_York", "virginia": "America/New_York", "toronto": "America/Toronto",
          "mumbai": "Asia/Kolkata", "kolkata": "Asia/Kolkata", "bangalore": "Asia/Kolkata",
          "bengaluru": "Asia/Kolkata", "pune": "Asia/Kolkata", "tokyo": "Asia/Tokyo", "japan": "Asia/Tokyo",
          "singapore": "Asia/Singapore", "sydney": "Australia/Sydney"}
_ALT = "|".join(sorted((re.escape(k) for k in _FIXED if " " in k), key=len, reverse=True))
_ABBR = "|".join(sorted((k.upper() for k in _FIXED if " " not in k), key=len, reverse=True))
_CIV = "|".join(sorted((re.escape(k) for k in _CIVIL), key=len, reverse=True))
_IANA = r"[A-Z][A-Za-z]+(?:/[A-Z][A-Za-z_+-]+){1,2}"
# a date order stated once for the sentence: "(dates DD/MM/YYYY)", "Dates are MM/DD/YYYY", "(dd.mm.yyyy)"
_ORDER = r"(?P<conv>(?i:dd?[/.-]mm?[/.-]y{2,4}|mm?[/.-]dd?[/.-]y{2,4}|day[/.-]month[/.-]year|month[/.-]day[/.-]year))"
_ORDER_LEAD = r"(?i:(?:all\s+)?dates?\s+(?:are\s+)?(?:(?:written|given|shown|expressed|stated)\s+)?(?:as\s+|in\s+)?)"
_DOT_CLOCK = r"(?:[01]?\d|2[0-4])\.[0-5]\d"
_MIL_CLOCK = r"(?:[01]\d|2[0-4])[0-5]\d"
_TO = r"(?:-|to|until|till|and)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("F", re.compile(rf"(?:\(\s*)?(?:\b{_ORDER_LEAD})?{_ORDER}(?:\s+(?i:format|notation))?(?:\s*\))?")),
    ("Z", re.compile(rf"\b(?!(?i:{_DAY})s?/|(?:MM|DD)/)(?P<iana>{_IANA})(?:\s+(?:local\s+)?time)?\b")),
    ("Z", re.compile(rf"\b(?:(?P<civil>{_CIV})\s+(?:local\s+)?time)\b", re.I)),
    ("Z", re.compile(rf"\b(?P<fixed>(?i:{_ALT}))\b")),
    ("Z", re.compile(rf"\b(?P<fixed>{_ABBR})\b(?:\s+(?i:time)\b)?")),
    ("Z", re.compile(r"\b(?P<civabbr>ET|PT|CT|MT)\b(?:\s+(?i:time)\b)?")),
    ("Z", re.compile(r"(?<=[\dmM.]\s)(?P<civil>Eastern|Pacific|Mountain|Central)\b"
                     r"(?!\s+(?:Europe|European|Standard|Daylight))")),
    ("Z", re.compile(r"\b(?:utc|gmt)\s*(?P<sign>[-+])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\b", re.I)),
    ("Z", re.compile(r"\b(?P<utc>(?i:utc|gmt|zulu)|Z(?=\W*$))\b")),
    ("Z", re.compile(r"(?<=\d\s)(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})\b")),
    ("D", re.compile(rf"{_WDAY}\b(?P<y>\d{{4}})([-/])(?P<mo>\d{{2}})\3(?P<d>\d{{2}})(?=\b|T)")),
    # "07/20/2026 (MM/DD/YYYY)": a numeric date with its order written next to it
    ("D", re.compile(rf"{_WDAY}\b(?P<n1>\d{{1,2}})([/.])(?P<n2>\d{{1,2}})\3(?P<y>\d{{4}})\s*"
                     r"\(\s*(?P<fmt>(?i:mm/dd/yyyy|dd/mm/yyyy|mm\.dd\.yyyy|dd\.mm\.yyyy))\s*\)")),
    # "06.05.2026": the dotted form is day first; "07/04/2026": the order must be stated or be the only valid one
    ("D", re.compile(rf"{_WDAY}(?<![\d.])\b(?P<n1>\d{{1,2}})\.(?P<n2>\d{{1,2}})\.(?P<y>\d{{4}})\b"
                     r"(?P<dot>)(?!\.\d)")),
    ("D", re.compile(rf"{_WDAY}(?<![\d/-])\b(?P<n1>\d{{1,2}})([/-])(?P<n2>\d{{1,2}})\3"
                     r"(?P<y>\d{4})\b(?![/-]\d)")),
    # "the night of 14-15 May 2026": two consecutive days, a window that crosses midnight
    ("D", re.compile(rf"\b(?:the\s+)?(?:night|evening)\s+of\s+(?:the\s+)?(?P<d0>\d{{1,2}}){_ORD}"
                     rf"\s*(?:-|/|to)\s*(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{_MONTH})"
                     rf"(?:,?\s+(?P<y>\d{{4}}))?\b", re.I)),
    # "12 and 13 January 2026", "3, 10 and 17 March 2026": a list of days of one month
    ("D", re.compile(rf"(?<![\d:.,/])\b(?P<dl>\d{{1,2}}{_ORD}(?:\s*,\s*\d{{1,2}}{_ORD})*\s*,?\s*(?:and|&)\s*)"
                     rf"(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{_MONTH})(?:,?\s+(?P<y>\d{{4}}))?\b",
                     re.I)),
    # "March 3 and 10, 2026"
    ("D", re.compile(rf"\b(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD}"
                     rf"(?P<dl>(?:\s*,\s*\d{{1,2}}{_ORD}(?![\d:]))*\s*,?\s*(?:and|&)\s*\d{{1,2}}{_ORD}(?![\d:]))"
                     rf"(?:,?\s+(?P<y>\d{{4}}))?\b", re.I)),
    ("D", re.compile(rf"\b(?:(?P<wday>{_DAY})\.?,?\s+)?(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?"
                     rf"(?P<mon>{_MONTH})(?:,?\s+(?P<y>\d{{4}}))?\b", re.I)),
    ("D", re.compile(rf"\b(?:(?P<wday>{_DAY})\.?,?\s+)?(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD}"
                     rf"(?:,?\s+(?P<y>\d{{4}}))?\b", re.I)),
    ("T", re.compile(r"(?<=\dT)(?P<h>\d{1,2}):(?P<m>\d{2})(?::\d{2})?(?P<off>Z\b|[-+]\d{2}:?\d{2}\b)?", re.I)),
    ("T", re.compile(r"\b(?P<h>\d{1,2}):(?P<m>\d{2})(?::\d{2})?(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?"
                     r"(?:(?<=\d)(?P<off>Z\b|\+\d{2}:?\d{2}\b))?", re.I)),
    # "22.00 - 02.00", "0100-0300 UTC": compact clocks, read only as the two ends of a range
    ("TT", re.compile(rf"(?<![\w.:$€£/-])(?P<t1>{_DOT_CLOCK})\s*{_TO}\s*(?P<t2>{_DOT_CLOCK})(?![.\d])", re.I)),
    ("TT", re.compile(rf"(?<![\w.:/-])(?P<t1>{_MIL_CLOCK})(?:\s*(?i:hrs?|h))?\s*{_TO}\s*(?P<t2>{_MIL_CLOCK})"
                      r"(?:\s*(?i:hrs?|hours|h)\b)?(?=\s*(?:\(|[A-Z]{2,5}\b|[A-Z][a-z]+/|(?i:utc|gmt|local)\b))")),
    ("T", re.compile(r"(?<![\w.:/-])(?P<h>[01]\d|2[0-4])(?P<m>[0-5]\d)\s*hrs\b", re.I)),
    ("T", re.compile(r"\b(?P<h>[01]?\d|2[0-4])h(?P<m>[0-5]\d)\b", re.I)),
    ("T", re.compile(r"(?<![\d.])\b(?P<h>\d{1,2})\.(?P<m>[0-5]\d)\s*(?P<ap>[ap])\.?\s?m\b\.?", re.I)),
    ("T", re.compile(r"\b(?P<h>\d{1,2})\s*(?P<ap>[ap])\.?\s?m\b\.?", re.I)),
    # "from 7 to 9 a.m.": the start takes the end's a.m./p.m. (only when it is the earlier hour)
    ("T", re.compile(r"(?<![\d:.])\b(?P<h>\d{1,2})"
                     r"(?=\s*(?:-|to|until|till)\s*(?P<h2>\d{1,2})(?::\d{2})?\s*(?P<ap>[ap])\.?\s?m\b)", re.I)),
    # "between 6 and 9 pm": likewise
    ("T", re.compile(r"(?<=between\s)(?P<h>\d{1,2})"
                     r"(?=\s+and\s+(?P<h2>\d{1,2})(?::\d{2})?\s*(?P<ap>[ap])\.?\s?m\b)", re.I)),
    ("T", re.compile(r"\b(?:12\s+)?(?P<word>noon|midday|midnight)\b", re.I)),
    ("W", re.compile(rf"""\b(?:(?P<all>every\s+day|each\s+day|daily|every\s+night|each\s+night|nightly
                              |(?:7|seven)\s+days\s+a\s+week)
                       |(?:on\s+|at\s+)?(?P<wd>(?:every\s+|each\s+)?(?:weekdays|week\s*days|working\s+days
                          |business\s+days)|(?:every|each)\s+(?:weekday|working\s+day|business\s+day))
                       |(?:on\s+|every\s+|each\s+|at\s+|over\s+)?(?:the\s+)?(?P<we>weekends?)
                       |(?:from\s+|(?:on\s+)?(?:every|each)\s+|on\s+)?(?P<a>{_DAY})s?\.?\s*
                          (?:-|–|to|through(?:\s+to)?|thru|until|till)\s*(?P<b>{_DAY})s?\.?
                       |(?:on\s+|every\s+|each\s+)?(?P<list>{_DAY}s?(?:\s*(?:,|and|&|or|/)\s*(?:on\s+)?{_DAY}s?)*))\b""",
                     re.I | re.X)),
)
_CLOCK = re.compile(r"(?P<h>\d{1,2})[.:h]?(?P<m>\d{2})")


@dataclass
class Token:
    kind: str  # D date, T time, Z zone, W days of the week, F a stated date order
    start: int
    end: int
    value: Any
    zone: tzinfo | None = None  # a time's own offset (ISO)
    more: list[re.Match[str]] = field(default_factory=list)  # D: further dates of a list ("3 and 10 March")
    order: str | None = None  # D: "dmy" or "mdy" for a numeric date, from the sentence's stated order
    year: int | None = None  # D: the year given by the end of a range or the last date of a list
    abbr: str | None = None  # Z: the abbreviation as a _FIXED key ("cest")
    ztok: Token | None = None  # T: the zone token that applies to it


@dataclass
class Windows:
    """What the times of a sentence say: one-off windows (UTC) or recurring ones (local)."""

    one_off: list[tuple[datetime, datetime]] = field(default_factory=list)
    recurring: list[dict[str, Any]] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # consumed character ranges
    warnings: list[str] = field(default_factory=list)
    where: list[tuple[int, int]] = field(default_factory=list)  # per window (one-off, then recurring): its text


def _zone(m: re.Match[str]) -> tuple[tzinfo, str]:
    """(tzinfo, storable name: IANA or 'UTC+hh:mm') of a zone match."""
    g = m.groupdict()
    if g.get("iana"):
        try:
            return ZoneInfo(g["iana"]), g["iana"]
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SentenceError(f"unknown time zone {g['iana']!r}") from exc
    if g.get("civil") or g.get("civabbr"):
        name = _CIVIL[g["civil"].lower()] if g.get("civil") else \
            {"ET": "America/New_York", "PT": "America/Los_Angeles", "CT": "America/Chicago",
             "MT": "America/Denver"}[g["civabbr"]]
        return ZoneInfo(name), name
    if g.get("utc"):
        return UTC, "UTC"
    hours_ = float(_FIXED[g["fixed"].lower()]) if g.get("fixed") else None
    if hours_ is None:
        h, mi = int(g["h"]), int(g["m"] or 0)
        if h > 14 or mi > 59:
            raise SentenceError(f"time zone offset {m.group(0)!r} is out of range")
        hours_ = (h + mi / 60) * (-1 if g["sign"] == "-" else 1)
    return _offset(hours_)


def _offset(hours_: float) -> tuple[tzinfo, str]:
    if hours_ == 0:
        return UTC, "UTC"
    sign, minutes = "-" if hours_ < 0 else "+", round(abs(hours_) * 60)
    return timezone(timedelta(hours=hours_)), f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _iso_offset(text: str) -> tzinfo:
    if text.upper() == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return _offset(sign * (int(digits[:2]) + int(digits[2:]) / 60))[0]


def _numeric(m: re.Match[str], order: str | None) -> tuple[str, str]:
    """(month, day) of a numeric date: its own or the sentence's stated order, the dotted form day first,
    else the only reading that is a valid date; refused when both readings are valid and differ."""
    g = m.groupdict()
    if g.get("fmt"):
        order = "mdy" if g["fmt"].lower().startswith("mm") else "dmy"
    if order is None and g.get("dot") is not None:
        order = "dmy"
    if order == "mdy":
        return g["n1"], g["n2"]
    if order == "dmy":
        return g["n2"], g["n1"]
    readings = set()
    for mo, d in ((g["n1"], g["n2"]), (g["n2"], g["n1"])):
        try:
            date(int(g["y"]), int(mo), int(d))
            readings.add((mo, d))
        except ValueError:
            pass
    if len({(int(a), int(b)) for a, b in readings}) > 1:
        raise SentenceError(f"{m.group(0)!r} reads as day/month or month/day; state the order, e.g. "
                            "'(dates DD/MM/YYYY)', or write the month as a word")
    return readings.pop() if readings else (g["n1"], g["n2"])


def _date(m: re.Match[str], order: str | None = None, year: int | None = None) -> date:
    """The (first) date of a date match; ``order`` the sentence's stated numeric order, ``year`` one
    given by the end of the range or list the date belongs to."""
    g = m.groupdict()
    if not g.get("y") and year is None:
        raise SentenceError(f"date {m.group(0)!r} has no year; write e.g. '{m.group(0)} 2026' (the year is "
                            "never guessed)")
    y = int(g["y"]) if g.get("y") else int(year or 0)
    if g.get("n1"):
        mo, d = _numeric(m, order)
        g = {**g, "mo": mo, "d": d}
    month = int(g["mo"]) if g.get("mo") else _MONTHS[g["mon"].lower().rstrip(".")]
    try:
        day = date(y, month, int(g["d"]))
        if g.get("d0"):  # "the night of 14-15 May": the first of two consecutive days
            first = date(y, month, int(g["d0"]))
            if first + timedelta(days=1) != day:
                raise SentenceError(f"{m.group(0)!r} does not name two consecutive days")
            day = first
    except ValueError as exc:
        raise SentenceError(f"{m.group(0)!r} is not a valid date ({exc})") from exc
    if g.get("wday") and WEEKDAYS[day.weekday()] != _DAYNAMES[g["wday"].lower()]:
        raise SentenceError(f"{m.group(0)!r}: {day:%d %B %Y} is a {day:%A}, not a {g['wday']}")
    return day


def _days_of(t: Token) -> list[date]:
    """Every date a date token names: one, the days of a list ("12 and 13 January 2026"), or the dates
    merged into a list ("3 March 2026 and 10 March 2026")."""
    out: list[date] = []
    for m in (t.value, *t.more):
        first = _date(m, t.order, t.year)
        if m.groupdict().get("dl"):
            numbers = [int(n) for n in re.findall(r"\d{1,2}", m["dl"])]
            numbers = [*numbers, first.day] if m.group(0).lstrip()[:1].isdigit() else [first.day, *numbers]
            for n in numbers:
                try:
                    out.append(first.replace(day=n))
                except ValueError as exc:
                    raise SentenceError(f"{m.group(0)!r}: {n} is not a day of that month") from exc
        else:
            out.append(first)
    if len(set(out)) != len(out):
        raise SentenceError("the list of dates names a date twice")
    return out


def _time(m: re.Match[str]) -> tuple[int, int]:
    g = m.groupdict()
    if g.get("word"):
        return (12, 0) if g["word"].lower() in ("noon", "midday") else (0, 0)
    h, mi = int(g["h"]), int(g.get("m") or 0)
    if g.get("h2") and not h < int(g["h2"]) <= 12:
        raise SentenceError(f"cannot tell whether {h} is a.m. or p.m.; write both times with a.m./p.m.")
    if g.get("ap"):
        if not 1 <= h <= 12:
            raise SentenceError(f"{m.group(0)!r} is not a valid time")
        h = h % 12 + (12 if g["ap"].lower() == "p" else 0)
    if h > 24 or mi > 59 or (h == 24 and mi):
        raise SentenceError(f"{m.group(0)!r} is not a valid time of day")
    return h, mi


def _is_midnight(t: Token) -> bool:
    return (t.value.groupdict().get("word") or "").lower() == "midnight"


def _days(m: re.Match[str]) -> list[str]:
    g = m.groupdict()
    if g.get("all"):
        return list(WEEKDAYS)
    if g.get("wd"):
        return list(WEEKDAYS[:5])
    if g.get("we"):
        return ["sat", "sun"]
    if g.get("a"):
        a, b = WEEKDAYS.index(_DAYNAMES[g["a"].lower()]), WEEKDAYS.index(_DAYNAMES[g["b"].lower()])
        return [WEEKDAYS[(a + i) % 7] for i in range((b - a) % 7 + 1)]
    names = re.findall(_DAY, g["list"], re.I)
    return sorted({_DAYNAMES[n.lower()] for n in names}, key=WEEKDAYS.index)


_NAMED_DAY = re.compile(r"(?:(?<=\w\s)|^)(?!(?:On|Every|Each|From|To|Until|And|Or|Till|Through|Thru|Next|Last|This)\b)"
                        r"[A-Z][a-z]+\s+$")


def _value(kind: str, m: re.Match[str]) -> Any:
    if kind == "Z":
        return _zone(m)
    if kind == "W":
        return _days(m)
    return m


def tokens(text: str) -> list[Token]:
    """Every date, time, zone, day-of-week mention and stated date order, left to right (earlier patterns
    win overlaps)."""
    found: list[Token] = []
    taken = [False] * len(text)
    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            if kind == "W" and _NAMED_DAY.search(text[:m.start()]) and m.groupdict().get("list") and \
                    m.group(0) == m["list"] and re.fullmatch(_DAY, m["list"], re.I):
                continue  # "the Black Friday freeze": part of a name, not a day of the week
            if kind == "D" and m.groupdict().get("mon") and m["mon"].lower().rstrip(".") in ("may", "mar", "sun") \
                    and not m["y"]:
                continue  # "may" the modal, not May without a year
            if kind == "TT":  # two clocks of a compact range
                for part in ("t1", "t2"):
                    clock = _CLOCK.fullmatch(text, m.start(part), m.end(part))
                    assert clock is not None
                    found.append(Token("T", m.start(part), m.end(part), clock))
            else:
                token = Token(kind, m.start(), m.end(), _value(kind, m))
                if kind == "T" and m.groupdict().get("off"):
                    token.zone = _iso_offset(m["off"])
                if kind == "Z" and m.groupdict().get("fixed"):
                    token.abbr = m["fixed"].lower()
                found.append(token)
            for i in range(m.start(), m.end()):
                taken[i] = True
    found.sort(key=lambda t: t.start)
    orders = {"mdy" if t.value["conv"].lower().startswith("m") else "dmy" for t in found if t.kind == "F"}
    if len(orders) > 1:
        raise SentenceError("the sentence states two different date orders")
    for t in found:
        if t.kind == "D" and orders:
            t.order = next(iter(orders))
    return found


_LIST_JOIN = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)(?:on\s+)?(?:the\s+)?$", re.I)
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?$", re.I)


def _merge_date_lists(text: str, ts: list[Token]) -> list[Token]:
    """Dates written one after the other as a list ("on 3 March 2026 and 10 March 2026", "on 2026-02-03,
    2026-02-10 and 2026-02-17") become one token naming every date; a list shares the year of its last
    date ("3 March and 10 March 2026"). "between 3 March and 5 March" is a range, not a list."""
    out: list[Token] = []
    for t in ts:
        last = out[-1] if out else None
        if t.kind == "D" and last is not None and last.kind == "D" and _LIST_JOIN.match(text[last.end:t.start]) \
                and not _BETWEEN.search(text[:last.start]) and not t.value.groupdict().get("d0") \
                and not last.value.groupdict().get("d0"):
            merged = Token("D", last.start, t.end, last.value, more=[*last.more, t.value], order=t.order)
            out[-1] = merged
            continue
        out.append(t)
    for t in out:
        if t.kind == "D" and t.more and t.more[-1].groupdict().get("y"):
            t.year = int(t.more[-1]["y"])
    return out


_RANGE_GLUE = re.compile(r"^[\s,]*(?:(?:on|at|from|of|the)\b[\s,]*)*(?:-|to|until|till|through|thru|and)[\s,]*"
                         r"(?:(?:on|at|of|the)\b[\s,]*)*$", re.I)


def _borrow_years(text: str, ts: list[Token]) -> None:
    """A date without a year that starts a range takes the year of the date ending it ("from 22:00 on 7
    March to 04:00 on 8 March 2026"); the range must then run forwards."""
    for i, t in enumerate(ts):
        if t.kind != "D" or t.value.groupdict().get("y") or t.year is not None:
            continue
        nxt = next((x for x in ts[i + 1:] if x.kind == "D"), None)
        if nxt is None or not (nxt.value.groupdict().get("y") or nxt.year):
            continue
        between = _between(text, t, nxt, [x for x in ts if x.kind in ("T", "Z")], kinds=("T", "Z"))
        if not _RANGE_GLUE.match(between):
            continue
        t.year = int(nxt.value["y"]) if nxt.value.groupdict().get("y") else nxt.year
        if max(_days_of(t)) > min(_days_of(nxt)):
            raise SentenceError(f"{text[t.start:t.end]!r} has no year and falls after the end of its range")


_RANGE = re.compile(r"^[\s,]*(?:(?:on|of|the)\b[\s,]*)*(?:from\s+)?(?:-|/|to|until|till|through|thru|and)[\s,]*"
                    r"(?:(?:on|the|at)\b[\s,]*)*T?$", re.I)
_ATTACH_AFTER = re.compile(r"^\s*,?\s*(?:on|of)?\s*(?:the\s+)?$", re.I)
_ATTACH_BEFORE = re.compile(r"^(?:\s*,?\s*(?:at|from)?\s*|T)$", re.I)


def _between(text: str, a: Token, b: Token, ts: list[Token], kinds: tuple[str, ...] = ("D", "Z")) -> str:
    """The text from the end of ``a`` to the start of ``b`` without the tokens of ``kinds`` in it."""
    out, pos = [], a.end
    for t in ts:
        if t.start >= a.end and t.end <= b.start and t.kind in kinds:
            out.append(text[pos:t.start])
            pos = t.end
    out.append(text[pos:b.start])
    return " ".join(out)


def _attached(text: str, t: Token, ts: list[Token], kind: str) -> Token | None:
    """The date (or zone) written right next to time ``t``: after it ('23:00 on 24 October') or before
    it ('2026-03-01 06:00'); a zone between a time and its date is skipped."""
    i = ts.index(t)
    after = [x for x in ts[i + 1:i + 3] if x.kind in (kind, "Z")]
    for x in after:
        if x.kind == kind and _ATTACH_AFTER.match(_between(text, t, x, ts)):
            return x
        if x.kind != "Z":
            break
    before = ts[i - 1] if i > 0 else None
    if before is not None and before.kind == kind and _ATTACH_BEFORE.match(text[before.end:t.start]):
        return before
    return None


_SAME_DAY = re.compile(r"\b(?:on\s+)?the\s+same\s+(?:day|date|night|evening|morning)\b", re.I)
_NEXT_DAY = re.compile(r"\b(?:on\s+)?(?:the\s+)?(?:following|next)\s+(?:morning|day)\b", re.I)


def read_windows(text: str) -> Windows:
    """The windows ``text`` states (see the module docstring); raises SentenceError when they cannot be
    read without guessing. Returns an empty ``Windows`` when the sentence holds no time of day."""
    ts = tokens(text)
    out = Windows(spans=[(t.start, t.end) for t in ts])
    ts = [t for t in _without_restated_zones(text, ts) if t.kind != "F"]
    ts = _merge_date_lists(text, ts)
    times = [t for t in ts if t.kind == "T"]
    dates = [t for t in ts if t.kind == "D"]
    zones = [t for t in ts if t.kind == "Z"]
    days = [t for t in ts if t.kind == "W"]
    if not times:
        whole = _WHOLE_DAY.search(text)
        if whole and len(dates) == 1 and zones and not days:
            return _whole_day(text, dates[0], zones, out)
        if dates:
            _days_of(dates[0])  # a date without a year is refused first
            raise SentenceError("the window has no time of day; write e.g. '2026-03-01 00:00 to "
                                "2026-03-02 00:00 UTC'")
        return out
    if len(times) % 2:
        raise SentenceError(f"{len(times)} times of day cannot be paired into start and end times")
    pairs = [(times[i], times[i + 1]) for i in range(0, len(times), 2)]
    for a, b in pairs:
        if not _RANGE.match(_between(text, a, b, ts)):
            raise SentenceError(f"cannot tell where the window starting at {text[a.start:a.end]!r} ends")
    shared = _assign_zones(text, times, zones)
    if days:
        if any(days[0].start < t.start < days[-1].start for t in times):
            raise SentenceError("days of the week written between the times ('from Friday 22:00 to Monday 06:00') "
                                "make one window across days, not a weekly window on each day")
        return _recurring(pairs, days, dates, zones, shared, out)
    if not dates:
        raise SentenceError("the window has no date; write e.g. '2026-03-01 00:00 to 06:00 UTC', or name the "
                            "days of the week for a recurring window")
    for d in dates:
        if (d.more or d.value.groupdict().get("dl")) and _BETWEEN.search(text[:d.start]):
            raise SentenceError(f"'between {text[d.start:d.end]}' may be a range of days or a list of dates; "
                                "write 'from ... to ...' or 'on each of ...'")
    _borrow_years(text, ts)
    for rx in (_SAME_DAY, _NEXT_DAY):
        out.spans += [m.span() for m in rx.finditer(text)]
    night = [d for d in dates if d.value.groupdict().get("d0")]
    if night and len(dates) > 1:
        raise SentenceError("a night of two days and another date: state one window per sentence")
    for a, b in pairs:
        _one_off(text, ts, dates, a, b, bool(night), out)
    return out


def _assign_zones(text: str, times: list[Token], zones: list[Token]) -> tuple[tzinfo, str] | None:
    """Give every time the zone token that applies to it; returns the one zone of the sentence (None when
    several are named, each then following its time)."""
    names = {z.value[1] for z in zones}
    if len(names) > 1:
        for t in times:
            nxt = next((z for z in zones if z.start >= t.end), None)
            if t.zone is None:
                if nxt is None or text[t.end:nxt.start].strip():
                    raise SentenceError("several time zones are named and it is unclear which applies to "
                                        f"{text[t.start:t.end]!r}")
                t.ztok = nxt
    elif zones:
        for t in times:
            if t.zone is None:
                t.ztok = zones[0]
    shared = zones[0].value if zones else None
    if any(t.zone is None and t.ztok is None for t in times):
        raise SentenceError("the times carry no time zone; add UTC, an offset such as +01:00 or a zone "
                            "such as 'Europe/London time' (naive times are not guessed)")
    return shared if len(names) <= 1 else None


def _recurring(pairs: list[tuple[Token, Token]], days: list[Token], dates: list[Token], zones: list[Token],
               shared: tuple[tzinfo, str] | None, out: Windows) -> Windows:
    """Weekly windows: the days named, local start and end times, one zone."""
    if dates:
        raise SentenceError("the sentence gives both dates and days of the week; state one window per "
                            "sentence")
    if shared is None and (zones or any(t.zone is not None for a, b in pairs for t in (a, b))):
        raise SentenceError("a recurring window needs one time zone")
    week = sorted({d for w in days for d in w.value}, key=WEEKDAYS.index)
    if shared and shared[1].startswith("UTC") and len(shared[1]) > 3:
        out.warnings.append(f"the zone is read as a fixed {shared[1]} all year; name a place (e.g. "
                            "'Europe/Berlin time') for local time with summer time")
    for a, b in pairs:
        (h1, m1), (h2, m2) = _time(a.value), _time(b.value)
        if (h1, m1) == (h2, m2) or h1 == 24:
            raise SentenceError(f"recurring window {h1:02d}:{m1:02d}-{h2:02d}:{m2:02d} is empty")
        out.recurring.append({"days": week, "start_local": f"{h1:02d}:{m1:02d}",
                              "end_local": f"{h2:02d}:{m2:02d}", "timezone": shared[1] if shared else "UTC"})
        out.where.append((a.start, b.end))
    return out


def _one_off(text: str, ts: list[Token], dates: list[Token], a: Token, b: Token, night: bool,
             out: Windows) -> None:
    """The window(s) from time ``a`` to time ``b``: one per date when they share a list of dates."""
    own_a, own_b = _attached(text, a, ts, "D"), _attached(text, b, ts, "D")
    single = dates[0] if len(dates) == 1 else None
    da = own_a or single or (own_b if own_b is not None and own_b.start > b.end else None)
    db = own_b or single or da
    if da is None or db is None:
        raise SentenceError(f"cannot tell which date {text[a.start:a.end]!r} is on")
    days_a, days_b = _days_of(da), _days_of(db)
    if da is db:
        spans = [(d, d) for d in days_a]
    elif len(days_a) == 1 and len(days_b) == 1:
        spans = [(days_a[0], days_b[0])]
    else:
        raise SentenceError("a list of dates and a window running from one date to another: state each "
                            "window with its dates")
    near = [a, b, *(d for d in (own_a, own_b) if d is not None)]
    where = (min(t.start for t in near), max(t.end for t in near))
    for day_a, day_b in spans:
        start, end = _instant(text, a, day_a), _instant(text, b, day_b)
        out.warnings += [w for w in (_season(text, a, day_a), _season(text, b, day_b)) if w and w not in out.warnings]
        if night:  # "from 22:00 to 02:00 on the night of 14-15 May": it must cross midnight
            if end > start:
                raise SentenceError("the window does not cross midnight, so it is unclear which of the two "
                                    "days it is on")
            end += timedelta(days=1)
        elif end <= start and da is db and _ends_next_day(text, a, b, da, len(dates), own_a is not None):
            end = _instant(text, b, day_b + timedelta(days=1))
        elif _is_midnight(b) and db is not da:
            raise SentenceError("'midnight' on a date can be the start or the end of that day; write 00:00 "
                                "or 24:00")
        if end <= start:
            raise SentenceError(f"the window ends ({end:%Y-%m-%d %H:%M} UTC) before it starts "
                                f"({start:%Y-%m-%d %H:%M} UTC)")
        out.one_off.append((start, end))
        out.where.append(where)


def _ends_next_day(text: str, a: Token, b: Token, day: Token, n_dates: int, start_dated: bool) -> bool:
    """Whether a window from ``a`` to an earlier clock ``b`` on one date ends the next day: "until 08:00 GMT
    the following morning", "from 20:00 to midnight on 1 May", "on 2026-03-03 from 23:00 to 01:00", "from
    23:00 on 3 March 2026 to 01:00" (the date is the start's: an evening start and a morning end)."""
    if _NEXT_DAY.search(text) and n_dates == 1:
        return True
    if _is_midnight(b):
        return True
    return (day.end <= a.start or start_dated) and _time(a.value)[0] >= 12 >= _time(b.value)[0]


def _local(t: Token, day: date) -> datetime:
    h, mi = _time(t.value)
    return datetime.combine(day, time(0, 0)) + timedelta(hours=h, minutes=mi)


def _instant(text: str, t: Token, day: date) -> datetime:
    """The UTC instant of time token ``t`` on ``day`` in its zone."""
    zone = t.zone or (t.ztok.value[0] if t.ztok is not None else UTC)
    return _local(t, day).replace(tzinfo=zone).astimezone(UTC)


def _season(text: str, t: Token, day: date) -> str | None:
    """A warning when an abbreviation is not the one in force on that day where it is used ("CET" in July:
    read as written, UTC+01:00, though Berlin is then on CEST)."""
    abbr = t.ztok.abbr if t.zone is None and t.ztok is not None else None
    if abbr not in _HOME or t.ztok is None:
        return None
    local, home = _local(t, day), ZoneInfo(_HOME[abbr])
    if local.replace(tzinfo=t.ztok.value[0]).utcoffset() in {local.replace(tzinfo=home, fold=f).utcoffset()
                                                              for f in (0, 1)}:
        return None
    return (f"{abbr.upper()} is read as written ({t.ztok.value[1]}), though it is not the time in force in "
            f"{_HOME[abbr]} on {day:%d %B %Y}; name the place (e.g. '{_HOME[abbr]}') for its local time")


_WHOLE_DAY = re.compile(r"\b(?:(?:for\s+)?(?:the\s+)?(?:whole|entire|full)\s+(?:day\s+)?(?:of|on)"
                        r"|all\s+day(?:\s+on)?)\s+"
                        r"(?=\S)", re.I)


def _whole_day(text: str, day_token: Token, zones: list[Token], out: Windows) -> Windows:
    """'for the whole of 1 May 2026 (UTC)': midnight to midnight in the one zone named (each day of a list)."""
    if len({z.value[1] for z in zones}) > 1:
        raise SentenceError("several time zones are named for a whole-day window")
    zone = zones[0].value[0]
    whole = _WHOLE_DAY.search(text)
    assert whole is not None
    out.spans.append(whole.span())
    for day in _days_of(day_token):
        start = datetime.combine(day, time(0, 0)).replace(tzinfo=zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0, 0)).replace(tzinfo=zone).astimezone(UTC)
        out.one_off.append((start, end))
        out.where.append((min(whole.start(), day_token.start), day_token.end))
    return out


_RESTATEMENT = re.compile(r"^[\s(),/]*(?:(?:then|or|and|i\.\s?e\.?)[\s(),/]*)*$", re.I)


def _without_restated_zones(text: str, ts: list[Token]) -> list[Token]:
    """The tokens without zones that only restate the zone before them: 'Paris time (CET)', 'US Eastern
    time (EDT then EST)', 'IST (Asia/Kolkata)'. A restatement must agree with the first zone on a date of
    the sentence (on some day of 2026 when it names none); any disagreement keeps both, so the sentence
    is refused as naming several zones."""
    dates = [d for d in ts if d.kind == "D"]
    days: list[date] = []
    for d in dates:
        try:
            days += _days_of(d)
        except SentenceError:
            return ts
    samples = days or [date(2026, m, 15) for m in range(1, 13)]
    keep: list[Token] = []
    for i, t in enumerate(ts):
        last = ts[i - 1] if i else None
        first = next((k for k in reversed(keep) if k.kind == "Z"), None)
        if t.kind == "Z" and last is not None and last.kind == "Z" and first is not None and \
                _RESTATEMENT.match(text[last.end:t.start]) and "(" in text[first.end:t.start]:
            offsets = {datetime.combine(d, time(12)).replace(tzinfo=first.value[0]).utcoffset() for d in samples}
            own = {datetime.combine(d, time(12)).replace(tzinfo=t.value[0]).utcoffset() for d in samples}
            if own <= offsets:
                continue
        keep.append(t)
    return keep


def window_dict(start: datetime, end: datetime, regions: list[str] | None, note: str | None) -> dict[str, Any]:
    """JSON form of a ``BlackoutWindow``."""
    return {"start_utc": f"{start:%Y-%m-%dT%H:%M:%SZ}", "end_utc": f"{end:%Y-%m-%dT%H:%M:%SZ}",
            "regions": regions, "reason": (note or "").strip() or DEFAULT_BLACKOUT_REASON}
