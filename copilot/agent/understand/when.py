"""Time in a request, relative to the copilot's clock: day ranges ("yesterday", "last week", "since
Monday", "between 5 and 8 Jan", "2026-01-10"), ISO weeks ("this week", "W02", "the week of Jan 7")
and horizons ("next 36 hours", "a 3 day forecast", "two weeks").

Calendar words follow ISO 8601: weeks start on Monday; "last week" is the previous ISO week,
"last N days" the N whole days before today. Dates without a year take the latest such date not
after today (history is asked about in the past). Free-form date phrases are read by ``dateparser``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from copilot.agent.understand.words import NUMBER, NUMBER_WORD, number_value

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {
    m.lower(): i for i, m in enumerate(calendar.month_abbr) if m} | {"sept": 9}
MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)} | {
    d.lower(): i for i, d in enumerate(calendar.day_abbr)} | {"tues": 1, "thur": 3, "thurs": 3}
WEEKDAY = r"(?:" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")"
_DAY = r"(\d{1,2})(?!\d)(?:st|nd|rd|th)?"
_UNIT_H = {"h": 1, "hr": 1, "hrs": 1, "hour": 1, "hours": 1, "d": 24, "day": 24, "days": 24, "w": 168,
           "wk": 168, "wks": 168, "week": 168, "weeks": 168, "fortnight": 336, "month": 720, "months": 720,
           "y": 8760, "yr": 8760, "yrs": 8760, "year": 8760, "years": 8760}
DURATION = re.compile(
    rf"\b(?:(?:(?P<n>\d+(?:[.,]\d+)?)(?:\s*|-)|(?P<w>{NUMBER_WORD})(?:\s+|-))(?:whole\s+|full\s+)?)?(?P<u>hours?|hrs?"
    rf"|h|days?|d|weeks?|wks?|w"
    rf"|fortnight|months?|years?|yrs?|y)\b")
_JOB_LENGTH = re.compile(r"^\s*(?:-?long\s+)?(?:training|job|jobs|run|workload|batch|task)\b")


@dataclass(frozen=True)
class DayRange:
    """Days (UTC), both inclusive; None means open on that side."""

    start: date | None
    end: date | None


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def iso_week(d: date) -> str:
    """The ISO week of ``d`` as 2026-W03."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _past_date(day: int, month: int, year: int | None, today: date) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        d = date(today.year, month, day)
        return d if d <= today else date(today.year - 1, month, day)
    except ValueError:
        return None


_HOLIDAYS = {r"new year'?s? eve": (12, 31), r"new year(?:'?s)?(?: day)?": (1, 1), r"christmas eve": (12, 24),
             r"christmas(?: day)?|xmas": (12, 25), r"boxing day": (12, 26)}


def _span(day1: int, month1: int, day2: int, month2: int, year: int | None,
          today: date) -> tuple[date | None, date | None]:
    """The days of a written range ("jan 12 through jan 14", "dec 20 through jan 5"): with a stated
    year, that year (for the end, the start's year before it when the range crosses new year); else
    the start is the latest such day not after today and the end the first such day after the start."""
    if year is not None:
        end = _past_date(day2, month2, year, today)
        start = _past_date(day1, month1, year - (month1 > month2), today)
        return start, end
    start = _past_date(day1, month1, None, today)
    if start is None:
        return None, None
    end = _past_date(day2, month2, start.year, today)
    if end is not None and end < start:
        end = _past_date(day2, month2, start.year + 1, today)
    return start, end


def _month_day(day: int, today: date) -> date | None:
    """Day ``day`` of this month, or of the previous month when that is still to come."""
    try:
        d = today.replace(day=day)
    except ValueError:
        d = None
    if d is None or (d > today and d >= _monday(today) + timedelta(days=7)):  # later this week still counts
        prev = today.replace(day=1) - timedelta(days=1)
        try:
            return prev.replace(day=day)
        except ValueError:
            return None
    return d


def _dates(text: str, today: date) -> list[tuple[int, date]]:
    """Explicit dates in ``text`` with their positions (each stretch of text read once)."""
    out: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []

    def fresh(m: re.Match[str]) -> bool:
        if any(m.start() < e and m.end() > s for s, e in taken):
            return False
        taken.append((m.start(), m.end()))
        return True

    def add(pos: int, d: date | None) -> None:
        if d:
            out.append((pos, d))

    for m in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        if fresh(m):
            try:
                add(m.start(), date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
            except ValueError:
                continue
    sep = r"\s*(?:and|to|-|until|till|through|thru)\s*"
    # "5 and 8 jan", "5-8 jan", "between 5 and 8 January 2026"
    for m in re.finditer(rf"\b{_DAY}{sep}{_DAY}\s+({MONTH})(?:\s+(\d{{4}}))?", text):
        if fresh(m):
            month, year = _MONTHS[m.group(3).rstrip(".")], int(m.group(4)) if m.group(4) else None
            add(m.start(1), _past_date(int(m.group(1)), month, year, today))
            add(m.start(2), _past_date(int(m.group(2)), month, year, today))
    # "jan 6-9", "dec 20 through jan 5"
    for m in re.finditer(rf"\b({MONTH})\s+{_DAY}{sep}(?:({MONTH})\s+)?{_DAY}(?:,?\s+(\d{{4}}))?", text):
        if fresh(m):
            first = _MONTHS[m.group(1).rstrip(".")]
            second = _MONTHS[m.group(3).rstrip(".")] if m.group(3) else first
            start, end = _span(int(m.group(2)), first, int(m.group(4)), second,
                               int(m.group(5)) if m.group(5) else None, today)
            add(m.start(2), start)
            add(m.start(4), end)
    # "28 dec to 3 jan"
    for m in re.finditer(rf"\b{_DAY}\s+({MONTH}){sep}{_DAY}\s+({MONTH})(?:,?\s+(\d{{4}}))?", text):
        if fresh(m):
            start, end = _span(int(m.group(1)), _MONTHS[m.group(2).rstrip(".")], int(m.group(3)),
                               _MONTHS[m.group(4).rstrip(".")], int(m.group(5)) if m.group(5) else None, today)
            add(m.start(1), start)
            add(m.start(3), end)
    for m in re.finditer(rf"\b{_DAY}\s+(?:of\s+)?({MONTH})(?:,?\s+(\d{{4}}))?|\b({MONTH})\s+{_DAY}(?:,?\s+(\d{{4}}))?",
                         text):
        if not fresh(m):
            continue
        if m.group(1):
            day, month, year_text = int(m.group(1)), _MONTHS[m.group(2).rstrip(".")], m.group(3)
        else:
            day, month, year_text = int(m.group(5)), _MONTHS[m.group(4).rstrip(".")], m.group(6)
        add(m.start(), _past_date(day, month, int(year_text) if year_text else None, today))
    # "the 5th through 7th", "from the 6th"
    for m in re.finditer(rf"\bthe\s+(\d{{1,2}})(?:st|nd|rd|th){sep}(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)\b", text):
        if fresh(m):
            add(m.start(1), _month_day(int(m.group(1)), today))
            add(m.start(2), _month_day(int(m.group(2)), today))
    for m in re.finditer(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b", text):
        if fresh(m):
            add(m.start(), _month_day(int(m.group(1)), today))
    if not out:  # a holiday names the day only when no date is written
        holidays = sorted((m.start(), month, day) for pattern, (month, day) in _HOLIDAYS.items()
                          for m in re.finditer(rf"\b(?:{pattern})\b", text) if fresh(m))
        if len(holidays) >= 2:  # "between xmas and new year's eve": one span, in the year of its start
            start, end = _span(holidays[0][2], holidays[0][1], holidays[1][2], holidays[1][1], None, today)
            add(holidays[0][0], start)
            add(holidays[1][0], end)
        elif holidays:
            add(holidays[0][0], _past_date(holidays[0][2], holidays[0][1], None, today))
    if not out:
        out.extend(_dateparser_dates(text, today))
    return sorted(out)


def _dateparser_dates(text: str, today: date) -> list[tuple[int, date]]:
    """Numeric dates such as 10/01/2026 or 10.01.2026, read by dateparser (day first, past); without a
    year ("12/30", "5/1") day first when that is a valid date, else month first, in the past."""
    import dateparser

    out: list[tuple[int, date]] = []
    base = datetime(today.year, today.month, today.day)
    for m in re.finditer(r"\b(\d{1,2})[./](\d{1,2})\b(?![./]\d)", text):
        a, b = int(m.group(1)), int(m.group(2))
        found = _past_date(a, b, None, today) if 1 <= b <= 12 else None
        found = found or (_past_date(b, a, None, today) if 1 <= a <= 12 else None)
        if found:
            out.append((m.start(), found))
    for m in re.finditer(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b", text):
        parsed = None
        for order in ("DMY", "MDY"):  # day first; month first when that is the only valid reading
            parsed = dateparser.parse(m.group(0), settings={"DATE_ORDER": order, "PREFER_DATES_FROM": "past",
                                                            "RELATIVE_BASE": base})
            if parsed:
                break
        if parsed:
            out.append((m.start(), parsed.date()))
    return out


def _weekday_before(today: date, weekday: int, *, strictly: bool) -> date:
    back = (today.weekday() - weekday) % 7
    if back == 0 and strictly:
        back = 7
    return today - timedelta(days=back)


def _quarter(t: str, today: date) -> DayRange | None:
    """A calendar quarter: "Q4 2025", "q1", "last quarter", "this quarter"."""
    current = (today.month - 1) // 3 + 1
    m = re.search(r"\bq([1-4])(?:\s*(?:of\s+)?'?(\d{4}|\d{2}))?\b", t)
    if m:
        q = int(m.group(1))
        year = int(m.group(2)) if m.group(2) else (today.year if q <= current else today.year - 1)
        year += 2000 if year < 100 else 0
    elif re.search(r"\b(?:last|previous|past)\s+quarter\b", t):
        q, year = (current - 1, today.year) if current > 1 else (4, today.year - 1)
    elif re.search(r"\bthis quarter\b|\bquarter to date\b", t):
        q, year = current, today.year
    else:
        return None
    start = date(year, 3 * q - 2, 1)
    end = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
    return DayRange(start, min(end, today) if start <= today <= end else end)


def _relative_day(t: str, today: date) -> date | None:
    """today, yesterday, the day before yesterday."""
    if re.search(r"\bday before yesterday\b", t):
        return today - timedelta(days=2)
    if re.search(r"\btoday\b|\bso far today\b", t):
        return today
    if re.search(r"\byesterday\b", t):
        return today - timedelta(days=1)
    return None


def _point(phrase: str, today: date) -> date | None:
    """The one day a short phrase names (a range's end: "yesterday", "the 5th", "monday", "3 jan")."""
    rel = _relative_day(phrase, today)
    if rel:
        return rel
    m = re.match(rf"\s*(?:last\s+)?({WEEKDAY})\b", phrase)
    if m:
        return _weekday_before(today, _WEEKDAYS[m.group(1)], strictly=False)
    dates = _dates(phrase, today)
    return dates[0][1] if dates and dates[0][0] < 4 else None


_NUMERIC = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})\b")
_ORDINAL_ONLY = re.compile(r"^\s*(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b")


def _range(first: str, last: str, today: date) -> DayRange | None:
    """The days from phrase ``first`` to phrase ``last``; numeric dates read in the one order (day or
    month first) that makes a range in the past, and a bare ordinal end ("the 4th") in the start's
    month."""
    a, b = _NUMERIC.match(first), _NUMERIC.match(last)
    if a and b:
        best = None
        for day_first in (True, False):
            try:
                pts = [_past_date(int(x.group(1 if day_first else 2)), int(x.group(2 if day_first else 1)), None,
                                  today) for x in (a, b)]
            except ValueError:
                continue
            if pts[0] and pts[1] and pts[0] <= pts[1] and (best is None or pts[1] - pts[0] < best[1] - best[0]):
                best = (pts[0], pts[1])
        return DayRange(*best) if best else None
    start = _point(first, today)
    ordinal = _ORDINAL_ONLY.match(last)
    if start and ordinal:
        try:
            end: date | None = start.replace(day=int(ordinal.group(1)))
        except ValueError:
            end = None
    else:
        end = _point(last, today)
    if start and end and start <= end:
        return DayRange(start, end)
    return None


def day_range(text: str, now: datetime) -> DayRange | None:
    """The days a request is about, or None when it names no time."""
    today = now.date()
    t = text.lower()
    m = re.search(r"\b(?:from|between|since|starting)\s+(.+?)\s+(?:to|until|till|up to|up until|through|thru|and|-)"
                  r"\s+(?:and including\s+|incl(?:uding|\.)?\s+)?(.+)", t)
    if m:
        found = _range(m.group(1), m.group(2), today)
        if found:
            return found
    if re.search(r"\byesterday and today\b|\btoday and yesterday\b", t):
        return DayRange(today - timedelta(days=1), today)
    m = re.search(rf"\b({NUMBER})\s+weeks?\s+(?:ago|back|before)\b", t)
    if m:
        start = _monday(today) - timedelta(days=7 * int(number_value(m.group(1)) or 0))
        return DayRange(start, start + timedelta(days=6))
    m = re.search(rf"\b(first|second|third|last) week of ({MONTH})(?:\s+(\d{{4}}))?", t)
    if m:
        month = _MONTHS[m.group(2).rstrip(".")]
        year = int(m.group(3)) if m.group(3) else (today.year if month <= today.month else today.year - 1)
        last_day = calendar.monthrange(year, month)[1]
        first_day = {"first": 1, "second": 8, "third": 15, "last": last_day - 6}[m.group(1)]
        return DayRange(date(year, month, first_day), date(year, month, min(first_day + 6, last_day)))
    m = re.search(r"\b(?:since|from)\s+(?:the\s+)?(?:start|beginning|first day)\s+of\s+(?:the\s+|this\s+)?"
                  r"(week|month|year|quarter)\b", t)
    if m:
        start = {"week": _monday(today), "month": today.replace(day=1), "year": today.replace(month=1, day=1),
                 "quarter": date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)}[m.group(1)]
        return DayRange(start, None)
    single = _relative_day(t, today)
    if single:
        return DayRange(single, single)
    m = re.search(rf"\b(?:last|past|previous)\s+({NUMBER})\s*(hours?|hrs?|h)\b", t)
    if m:
        n_h = number_value(m.group(1)) or 0
        return DayRange((now - timedelta(hours=n_h)).date(), today)
    if re.search(r"\b(?:last|past|this past|previous|over the)\s+weekend\b", t):
        sunday = today - timedelta(days=(today.weekday() + 1) % 7 or 7)
        return DayRange(sunday - timedelta(days=1), sunday)
    m = re.search(rf"\b(?:last|past|previous)\s+(?:({NUMBER})\s+(?:(?:full|whole|complete|calendar)\s+)?"
                  rf"(days?|weeks?|fortnights?)|(fortnight))\b", t)
    if m:
        n = int(number_value(m.group(1) or "1") or 0) * {"d": 1, "w": 7, "f": 14}[(m.group(2) or m.group(3))[0]]
        if n > 0:
            return DayRange(today - timedelta(days=n), today - timedelta(days=1))
    if re.search(r"\bweek before last\b", t):
        start = _monday(today) - timedelta(days=14)
        return DayRange(start, start + timedelta(days=6))
    if re.search(r"\b(?:last|previous|past)\s+week\b|\bweek before\b", t):
        start = _monday(today) - timedelta(days=7)
        return DayRange(start, start + timedelta(days=6))
    if re.search(r"\bthis week\b|\bcurrent week\b|\bweek to date\b", t):
        return DayRange(_monday(today), today)
    if re.search(r"\b(?:last|previous|past)\s+month\b", t):
        end = today.replace(day=1) - timedelta(days=1)
        return DayRange(end.replace(day=1), end)
    if re.search(r"\bthis month\b|\bmonth to date\b", t):
        return DayRange(today.replace(day=1), today)
    quarter = _quarter(t, today)
    if quarter:
        return quarter
    m = re.search(r"\b(?:calendar year|calendar|year|fy|in|for|during|of)\s+(20\d{2})\b(?![-/]\d)(?!\s*-?w\d)", t)
    if m and not re.search(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}\s+{m.group(1)}"
                           rf"|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{m.group(1)}|{MONTH}\s+{m.group(1)}", t):
        year = int(m.group(1))
        return DayRange(date(year, 1, 1), min(date(year, 12, 31), today))
    m = re.search(rf"\b(since|from)\s+(last\s+|this\s+past\s+)?({WEEKDAY})\b", t)
    if m:
        return DayRange(_weekday_before(today, _WEEKDAYS[m.group(3)], strictly=bool(m.group(2))), None)
    m = re.search(rf"\b(?:last|on|this past)\s+({WEEKDAY})\b", t)
    if m:
        d = _weekday_before(today, _WEEKDAYS[m.group(1)], strictly=True)
        return DayRange(d, d)
    weeks = re.findall(r"(?<![\w-])(?:w|wk\s*|week\s+)(\d{1,2})\b", t)
    if len(weeks) >= 2 and all(1 <= int(w) <= 53 for w in weeks):  # "wk1+wk2"
        year = today.isocalendar()[0]
        try:
            mondays = sorted(date.fromisocalendar(year, int(w), 1) for w in weeks)
        except ValueError:
            mondays = []
        if mondays:
            return DayRange(mondays[0], min(mondays[-1] + timedelta(days=6), today))
    week = _explicit_week(t, today)
    if week is not None:
        return DayRange(week, min(week + timedelta(days=6), today) if week <= today < week + timedelta(days=7)
                        else week + timedelta(days=6))
    dates = _dates(t, today)
    if not dates:
        m = re.search(rf"\b(?:in|during|for|of|over|across|throughout)\s+({MONTH})(?:\s+(\d{{4}}))?\b(?!\s*\d)"
                      rf"|\b({MONTH})'s\b"
                      rf"|\b({MONTH})\s+(20\d{{2}})\b", t)
        name = (m.group(1) or m.group(3) or m.group(4) or "").rstrip(".") if m else ""
        if m and name not in ("may", "mar"):
            month = _MONTHS[name]
            stated = m.group(2) or m.group(5)
            year = int(stated) if stated else (today.year if month <= today.month else today.year - 1)
            last = calendar.monthrange(year, month)[1]
            return DayRange(date(year, month, 1), min(date(year, month, last), today) if year == today.year
                            and month == today.month else date(year, month, last))
        return None
    first = dates[0]
    if len(dates) >= 2:
        return DayRange(min(d for _, d in dates[:2]), max(d for _, d in dates[:2]))
    before = t[:first[0]]
    after = t[first[0]:]
    opens_after = re.search(r"\b(?:since|from|after|starting)\s+(?:the\s+)?$", before)
    if opens_after or re.search(r"\bonwards?\b", after):
        return DayRange(first[1], None)
    if re.search(r"\b(?:until|till|up to|before|through)\s+(?:the\s+)?$", before):
        return DayRange(None, first[1])
    return DayRange(first[1], first[1])


def _explicit_week(text: str, today: date) -> date | None:
    """The Monday of a week named by ISO number ("2026-W02", "W01") or by a day in it ("the week of
    5 January")."""
    m = re.search(r"\b(\d{4})-?w(\d{1,2})\b", text)
    if m:
        try:
            return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            return None
    text = re.sub(r"\bweek\s+(one|two|three|four|five|six|seven|eight|nine|ten)\b",
                  lambda w: f"week {int(number_value(w.group(1)) or 0)}", text)
    m = re.search(r"(?<![\w-])(?:w-?|week\s+|wk\s*)(\d{1,2})\b(?!\s*(?:days?|weeks?|hours?))(?:,?\s+(\d{4})\b)?",
                  text)
    if m and 1 <= int(m.group(1)) <= 53:
        try:
            year = int(m.group(2)) if m.group(2) else today.isocalendar()[0]
            if not m.group(2) and int(m.group(1)) > today.isocalendar()[1]:
                year -= 1  # a week still to come this year means last year's (history is in the past)
            return date.fromisocalendar(year, int(m.group(1)), 1)
        except ValueError:
            return None
    m = re.search(r"\bweek\s+(?:of|starting|beginning|from|commencing|including|that had|with)\b(.*)", text)
    if m:
        dates = _dates(m.group(1), today)
        if dates:
            return _monday(dates[0][1])
    return None


def week_of(text: str, now: datetime) -> str | None:
    """The ISO week a weekly-summary request names, or None."""
    today = now.date()
    text = text.lower()
    explicit = _explicit_week(text, today)
    if explicit is not None:
        return iso_week(explicit)
    if re.search(r"\bthis week\b|\bcurrent week\b|\bthis week's\b", text):
        return iso_week(today)
    if re.search(r"\b(?:last|previous|past)\s+week\b|\blast week's\b", text):
        return iso_week(today - timedelta(days=7))
    if re.search(r"\b(?:the\s+)?week before last\b", text):
        return iso_week(today - timedelta(days=14))
    m = re.search(rf"\b({NUMBER})\s+weeks?\s+(?:ago|back|before)\b", text)
    if m:
        return iso_week(today - timedelta(days=7 * int(number_value(m.group(1)) or 0)))
    return None


def horizon_hours(text: str) -> int | None:
    """How far ahead or how long a request asks for, in hours ("next 36 hours" -> 36,
    "2 day forecast" -> 48, "a week" -> 168), or None. Job lengths ("a 4-hour training job") and
    rates ("250 jobs a day") are not horizons."""
    t = re.sub(rf"{NUMBER}\s*jobs?\s*(?:per|a|an|each|every|/)\s*day", " ", text.lower())
    t = re.sub(r"persistence-?\d+h?|\d+h persistence", " ", t)
    if re.search(r"\bhalf (?:a )?day\b", t):
        return 12
    half = re.search(rf"\b({NUMBER}|next|coming)\s+(?:and\s+a\s+half\s+)?(hours?|days?"
                     rf"|weeks?)(?:\s+and\s+a\s+half)?\b", t)
    if half and "and a half" in half.group(0):
        n = 1.0 if half.group(1) in ("next", "coming") else (number_value(half.group(1)) or 0)
        return round((n + 0.5) * _UNIT_H[half.group(2)])
    if re.search(r"\b(?:today|tonight|tomorrow|next day|day[- ]ahead|over the next day)\b", t) and not DURATION.search(
            re.sub(r"\b(?:tomorrow|next day|day[- ]ahead)\b", " ", t)):
        return 24
    for m in DURATION.finditer(t):
        if _JOB_LENGTH.match(t[m.end():]):
            continue
        unit = m.group("u")
        n_text = m.group("n") or m.group("w")
        if n_text is None:
            if unit in ("h", "d", "w", "y", "hours", "days", "weeks", "hrs", "years", "months", "yrs", "wks"):
                continue  # a bare unit letter or a plural with no number says nothing about length
            if not re.search(rf"\b(?:a|an|the|one|whole|full|next|this|coming|per|for)\s+(?:whole\s+|full\s+)?{unit}\b",
                             t[max(0, m.start() - 12):m.end()]):
                continue
            if re.search(rf"\bper\s+{unit}\b|\bby\s+{unit}\b|\beach\s+{unit}\b", t[max(0, m.start() - 6):m.end()]):
                continue
            value = 1.0
        else:
            value = number_value(n_text) or 0.0
            if value <= 0:
                continue
        if unit in ("d", "h", "w", "y") and n_text is None:
            continue
        return round(value * _UNIT_H[unit])
    return None
