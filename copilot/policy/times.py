"""Dates, times of day, time zones and days of the week in policy sentences -> blackout windows.

``read_windows`` finds every date, time and zone in a sentence and pairs the times into windows:

    dates   2026-03-01 | 14 March 2026 | 14th of March, 2026 | March 14, 2026  (a date without a
            year is refused: the year is never guessed)
    times   06:00 | 6:30 | 9 am | 11:30 a.m. | 5pm | noon | midnight | 24:00 (end of the day);
            ISO 2026-11-20T18:00-08:00 carries its own offset
    zones   UTC, GMT, Z, UTC+1, GMT-05:30, +01:00                         fixed offsets
            CET CEST WET WEST EET EEST BST IST(India) EST EDT CST CDT MST MDT PST PDT, and the
            spelled-out "Central Standard Time", "British Summer Time" ...    fixed offsets as written
            "US Eastern time", "Pacific time", "UK time", "London time", "Europe/Stockholm time"
                                                                           civil time (IANA, with DST)
    days    every day | daily | nightly | weekdays | Monday to Friday | Mon-Fri | weekends |
            every Saturday | on Mondays and Thursdays                      (recurring windows)

Times are paired in order ("22:00 ... until 04:00", "02:00-04:00 UTC and 14:00-15:30 UTC"); one
date applies to every time, else each time takes the date written next to it ("23:00 on 24
October 2026"); one zone applies to every time, several zones must each follow their time. A
sentence without a zone is refused (naive times are not guessed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from copilot.policy.values import DEFAULT_BLACKOUT_REASON, SentenceError

__all__ = ["WEEKDAYS", "Token", "Windows", "read_windows"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = {m: i + 1 for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                            "august", "september", "october", "november", "december"))}
_MONTHS |= {m[:3]: i for m, i in list(_MONTHS.items())} | {"sept": 9}
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAYNAMES = {"monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu", "friday": "fri",
             "saturday": "sat", "sunday": "sun", "mon": "mon", "tue": "tue", "tues": "tue", "wed": "wed",
             "thu": "thu", "thur": "thu", "thurs": "thu", "fri": "fri", "sat": "sat", "sun": "sun"}
_DAY = r"(?:" + "|".join(sorted(_DAYNAMES, key=len, reverse=True)) + r")"

_FIXED = {"cet": 1, "cest": 2, "wet": 0, "west": 1, "eet": 2, "eest": 3, "bst": 1, "ist": 5.5, "est": -5,
          "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
          "central european summer time": 2, "central european standard time": 1,
          "british summer time": 1, "india standard time": 5.5, "indian standard time": 5.5,
          "eastern standard time": -5, "eastern daylight time": -4, "central standard time": -6,
          "central daylight time": -5, "mountain standard time": -7, "mountain daylight time": -6,
          "pacific standard time": -8, "pacific daylight time": -7,
          "greenwich mean time": 0, "coordinated universal time": 0}
_CIVIL = {"eastern": "America/New_York", "us eastern": "America/New_York", "central": "America/Chicago",
          "us central": "America/Chicago", "mountain": "America/Denver", "us mountain": "America/Denver",
          "pacific": "America/Los_Angeles", "us pacific": "America/Los_Angeles",
          "central european": "Europe/Berlin", "uk": "Europe/London", "british": "Europe/London",
          "irish": "Europe/Dublin", "swedish": "Europe/Stockholm", "german": "Europe/Berlin",
          "french": "Europe/Paris", "indian": "Asia/Kolkata",
          "london": "Europe/London", "dublin": "Europe/Dublin", "stockholm": "Europe/Stockholm",
          "paris": "Europe/Paris", "berlin": "Europe/Berlin", "frankfurt": "Europe/Berlin",
          "new york": "America/New_York", "chicago": "America/Chicago", "denver": "America/Denver",
          "los angeles": "America/Los_Angeles", "seattle": "America/Los_Angeles",
          "mumbai": "Asia/Kolkata", "kolkata": "Asia/Kolkata"}
_ALT = "|".join(sorted((re.escape(k) for k in _FIXED if " " in k), key=len, reverse=True))
_ABBR = "|".join(sorted((k.upper() for k in _FIXED if " " not in k), key=len, reverse=True))
_CIV = "|".join(sorted((re.escape(k) for k in _CIVIL), key=len, reverse=True))
_IANA = r"[A-Z][A-Za-z]+(?:/[A-Z][A-Za-z_+-]+){1,2}"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Z", re.compile(rf"\b(?!(?i:{_DAY})s?/|(?:MM|DD)/)(?P<iana>{_IANA})(?:\s+(?:local\s+)?time)?\b")),
    ("Z", re.compile(rf"\b(?:(?P<civil>{_CIV})\s+(?:local\s+)?time)\b", re.I)),
    ("Z", re.compile(rf"\b(?P<fixed>(?i:{_ALT}))\b")),
    ("Z", re.compile(rf"\b(?P<fixed>{_ABBR})\b(?:\s+(?i:time)\b)?")),
    ("Z", re.compile(r"\b(?P<civabbr>ET|PT|CT|MT)\b(?:\s+(?i:time)\b)?")),
    ("Z", re.compile(r"(?<=[\dmM.]\s)(?P<civil>Eastern|Pacific|Mountain|Central)\b"
                     r"(?!\s+(?:Europe|European|Standard|Daylight))")),
    ("Z", re.compile(r"\b(?:utc|gmt)\s*(?P<sign>[-+])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\b", re.I)),
    ("Z", re.compile(r"\b(?P<utc>(?i:utc|gmt)|Z(?=\W*$))\b")),
    ("Z", re.compile(r"(?<=\d\s)(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})\b")),
    ("D", re.compile(r"\b(?P<y>\d{4})([-/])(?P<mo>\d{2})\2(?P<d>\d{2})(?=\b|T)")),
    # "07/20/2026 (MM/DD/YYYY)": a numeric date is read only with its order written next to it
    ("D", re.compile(r"\b(?P<n1>\d{1,2})([/.])(?P<n2>\d{1,2})\2(?P<y>\d{4})\s*"
                     r"\(\s*(?P<fmt>(?i:mm/dd/yyyy|dd/mm/yyyy|mm\.dd\.yyyy|dd\.mm\.yyyy))\s*\)")),
    # "the night of 14-15 May 2026": two consecutive days, a window that crosses midnight
    ("D", re.compile(rf"\b(?:the\s+)?(?:night|evening)\s+of\s+(?:the\s+)?(?P<d0>\d{{1,2}})(?:st|nd|rd|th)?"
                     rf"\s*(?:-|–|/|to)\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH})"
                     rf"(?:,?\s+(?P<y>\d{{4}}))?\b", re.I)),
    ("D", re.compile(rf"\b(?:(?P<wday>{_DAY}),?\s+)?(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
                     rf"(?P<mon>{_MONTH})(?:,?\s+(?P<y>\d{{4}}))?\b", re.I)),
    ("D", re.compile(rf"\b(?:(?P<wday>{_DAY}),?\s+)?(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
                     rf"(?:,?\s+(?P<y>\d{{4}}))?\b", re.I)),
    ("T", re.compile(r"(?<=\dT)(?P<h>\d{1,2}):(?P<m>\d{2})(?::\d{2})?(?P<off>Z\b|[-+]\d{2}:?\d{2}\b)?", re.I)),
    ("T", re.compile(r"\b(?P<h>\d{1,2}):(?P<m>\d{2})(?::\d{2})?(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?"
                     r"(?:(?<=\d)(?P<off>Z\b|\+\d{2}:?\d{2}\b))?", re.I)),
    ("T", re.compile(r"\b(?P<h>\d{1,2})\s*(?P<ap>[ap])\.?\s?m\b\.?", re.I)),
    # "from 7 to 9 a.m.": the start takes the end's a.m./p.m. (only when it is the earlier hour)
    ("T", re.compile(r"(?<![\d:.])\b(?P<h>\d{1,2})"
                     r"(?=\s*(?:-|to|until|till)\s*(?P<h2>\d{1,2})(?::\d{2})?\s*(?P<ap>[ap])\.?\s?m\b)", re.I)),
    # "between 6 and 9 pm": likewise
    ("T", re.compile(r"(?<=between\s)(?P<h>\d{1,2})"
                     r"(?=\s+and\s+(?P<h2>\d{1,2})(?::\d{2})?\s*(?P<ap>[ap])\.?\s?m\b)", re.I)),
    ("T", re.compile(r"\b(?P<word>noon|midday|midnight)\b", re.I)),
    ("W", re.compile(rf"""\b(?:(?P<all>every\s+day|each\s+day|daily|every\s+night|each\s+night|nightly)
                       |(?:on\s+|every\s+|each\s+|at\s+)?(?P<wd>weekdays|week\s*days|working\s+days|business\s+days
                          |every\s+weekday)
                       |(?:on\s+|every\s+|each\s+|at\s+|over\s+)?(?:the\s+)?(?P<we>weekends?)
                       |(?:from\s+)?(?P<a>{_DAY})s?\s*(?:-|to|through|thru|until)\s*(?P<b>{_DAY})s?
                       |(?:on\s+|every\s+|each\s+)?(?P<list>{_DAY}s?(?:\s*(?:,|and|&|or|/)\s*(?:on\s+)?{_DAY}s?)*))\b""",
                     re.I | re.X)),
)


@dataclass
class Token:
    kind: str  # D date, T time, Z zone, W days of the week
    start: int
    end: int
    value: Any
    zone: tzinfo | None = None  # a time's own offset (ISO)


@dataclass
class Windows:
    """What the times of a sentence say: one-off windows (UTC) or recurring ones (local)."""

    one_off: list[tuple[datetime, datetime]] = field(default_factory=list)
    recurring: list[dict[str, Any]] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # consumed character ranges
    warnings: list[str] = field(default_factory=list)


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


def _date(m: re.Match[str]) -> date:
    g = m.groupdict()
    if not g.get("y"):
        raise SentenceError(f"date {m.group(0)!r} has no year; write e.g. '{m.group(0)} 2026' (the year is "
                            "never guessed)")
    if g.get("fmt"):
        month_first = g["fmt"].lower().startswith("mm")
        mo, d = (g["n1"], g["n2"]) if month_first else (g["n2"], g["n1"])
        g = {**g, "mo": mo, "d": d}
    month = int(g["mo"]) if g.get("mo") else _MONTHS[g["mon"].lower().rstrip(".")]
    try:
        day = date(int(g["y"]), month, int(g["d"]))
        if g.get("d0"):  # "the night of 14-15 May": the first of two consecutive days
            first = date(int(g["y"]), month, int(g["d0"]))
            if first + timedelta(days=1) != day:
                raise SentenceError(f"{m.group(0)!r} does not name two consecutive days")
            day = first
    except ValueError as exc:
        raise SentenceError(f"{m.group(0)!r} is not a valid date ({exc})") from exc
    if g.get("wday") and WEEKDAYS[day.weekday()] != _DAYNAMES[g["wday"].lower()]:
        raise SentenceError(f"{m.group(0)!r}: {day:%d %B %Y} is a {day:%A}, not a {g['wday']}")
    return day


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


_NAMED_DAY = re.compile(r"(?<=\w\s)(?!(?:On|Every|Each|From|To|Until|And|Or|Till|Through|Thru|Next|Last|This)\b)"
                        r"[A-Z][a-z]+\s+$")


def tokens(text: str) -> list[Token]:
    """Every date, time, zone and day-of-week mention, left to right (earlier patterns win overlaps)."""
    found: list[Token] = []
    taken = [False] * len(text)
    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            if kind == "W" and _NAMED_DAY.search(text[:m.start()]) and m.groupdict().get("list") and \
                    m.group(0) == m["list"] and re.fullmatch(_DAY, m["list"], re.I):
                continue  # "the Black Friday freeze": part of a name, not a day of the week
            if kind == "Z":
                value: Any = _zone(m)
            elif kind == "D":
                if m.groupdict().get("mon") and m["mon"].lower().rstrip(".") in ("may", "mar", "sun") and \
                        not m["y"]:
                    continue  # "may" the modal, not May without a year
                value = m
            elif kind == "W":
                value = _days(m)
            else:
                value = m
            token = Token(kind, m.start(), m.end(), value)
            if kind == "T" and m.groupdict().get("off"):
                token.zone = _iso_offset(m["off"])
            found.append(token)
            for i in range(m.start(), m.end()):
                taken[i] = True
    return sorted(found, key=lambda t: t.start)


_RANGE = re.compile(r"^[\s,]*(?:(?:on|of|the)\b[\s,]*)*(?:from\s+)?(?:-|–|to|until|till|through|thru|and)[\s,]*"
                    r"(?:(?:on|the)\b[\s,]*)*T?$", re.I)
_ATTACH_AFTER = re.compile(r"^\s*,?\s*(?:on|of)?\s*(?:the\s+)?$", re.I)
_ATTACH_BEFORE = re.compile(r"^(?:\s*,?\s*(?:at|from)?\s*|T)$", re.I)


def _between(text: str, a: Token, b: Token, ts: list[Token]) -> str:
    """The text from the end of ``a`` to the start of ``b`` without dates and zones in it."""
    out, pos = [], a.end
    for t in ts:
        if t.start >= a.end and t.end <= b.start and t.kind in ("D", "Z"):
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


def read_windows(text: str) -> Windows:
    """The windows ``text`` states (see the module docstring); raises SentenceError when they cannot be
    read without guessing. Returns an empty ``Windows`` when the sentence holds no time of day."""
    ts = tokens(text)
    out = Windows(spans=[(t.start, t.end) for t in ts])
    ts = _without_restated_zones(text, ts)
    times = [t for t in ts if t.kind == "T"]
    dates = [t for t in ts if t.kind == "D"]
    zones = [t for t in ts if t.kind == "Z"]
    days = [t for t in ts if t.kind == "W"]
    if not times:
        whole = _WHOLE_DAY.search(text)
        if whole and len(dates) == 1 and zones and not days:
            return _whole_day(text, ts, dates[0], zones, out)
        if dates:
            _date(dates[0].value)  # a date without a year is refused first
            raise SentenceError("the window has no time of day; write e.g. '2026-03-01 00:00 to "
                                "2026-03-02 00:00 UTC'")
        return out
    if len(times) % 2:
        raise SentenceError(f"{len(times)} times of day cannot be paired into start and end times")
    pairs = [(times[i], times[i + 1]) for i in range(0, len(times), 2)]
    for a, b in pairs:
        if not _RANGE.match(_between(text, a, b, ts)):
            raise SentenceError(f"cannot tell where the window starting at {text[a.start:a.end]!r} ends")
    # zones
    names = {z.value[1] for z in zones}
    if len(names) > 1:
        for t in times:
            nxt = next((z for z in zones if z.start >= t.end), None)
            if t.zone is None:
                if nxt is None or text[t.end:nxt.start].strip():
                    raise SentenceError("several time zones are named and it is unclear which applies to "
                                        f"{text[t.start:t.end]!r}")
                t.zone = nxt.value[0]
    shared = zones[0].value if zones else None
    if any(t.zone is None for t in times) and shared is None:
        raise SentenceError("the times carry no time zone; add UTC, an offset such as +01:00 or a zone "
                            "such as 'Europe/London time' (naive times are not guessed)")
    if days:
        if dates:
            raise SentenceError("the sentence gives both dates and days of the week; state one window per "
                                "sentence")
        if len(names) > 1 or any(t.zone is not None and shared is None for t in times):
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
        return out
    if not dates:
        raise SentenceError("the window has no date; write e.g. '2026-03-01 00:00 to 06:00 UTC', or name the "
                            "days of the week for a recurring window")
    next_day = _NEXT_DAY.search(text)
    night = [d for d in dates if d.value.groupdict().get("d0")]
    if night and len(dates) > 1:
        raise SentenceError("a night of two days and another date: state one window per sentence")
    for a, b in pairs:
        start = _instant(text, a, ts, dates, shared, None)
        end = _instant(text, b, ts, dates, shared, _attached(text, a, ts, "D"))
        if night:  # "from 22:00 to 02:00 on the night of 14-15 May": it must cross midnight
            if end > start:
                raise SentenceError("the window does not cross midnight, so it is unclear which of the two "
                                    "days it is on")
            end += timedelta(days=1)
        if next_day and end <= start and len(dates) == 1:  # "until 08:00 GMT the following morning"
            end += timedelta(days=1)
        if end <= start:
            raise SentenceError(f"the window ends ({end:%Y-%m-%d %H:%M} UTC) before it starts "
                                f"({start:%Y-%m-%d %H:%M} UTC)")
        out.one_off.append((start, end))
    return out


_WHOLE_DAY = re.compile(r"\b(?:(?:for\s+)?(?:the\s+)?(?:whole|entire|full)\s+(?:day\s+)?(?:of|on)"
                        r"|all\s+day(?:\s+on)?)\s+"
                        r"(?=\S)", re.I)


def _whole_day(text: str, ts: list[Token], day_token: Token, zones: list[Token], out: Windows) -> Windows:
    """'for the whole of 1 May 2026 (UTC)': midnight to midnight in the one zone named."""
    if len({z.value[1] for z in zones}) > 1:
        raise SentenceError("several time zones are named for a whole-day window")
    day, zone = _date(day_token.value), zones[0].value[0]
    start = datetime.combine(day, time(0, 0)).replace(tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0, 0)).replace(tzinfo=zone).astimezone(UTC)
    whole = _WHOLE_DAY.search(text)
    assert whole is not None
    out.spans.append(whole.span())
    out.one_off.append((start, end))
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
            days.append(_date(d.value))
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


_NEXT_DAY = re.compile(r"\b(?:the\s+)?(?:following|next)\s+(?:morning|day)\b", re.I)


def _instant(text: str, t: Token, ts: list[Token], dates: list[Token],
             shared: tuple[tzinfo, str] | None, fallback: Token | None) -> datetime:
    """The UTC instant of time token ``t`` with its date and zone."""
    own = _attached(text, t, ts, "D")
    if own is None:
        own = dates[0] if len(dates) == 1 else fallback
    if own is None:
        raise SentenceError(f"cannot tell which date {text[t.start:t.end]!r} is on")
    day, (h, mi) = _date(own.value), _time(t.value)
    zone = t.zone or (shared[0] if shared else UTC)
    local = datetime.combine(day, time(0, 0)) + timedelta(hours=h, minutes=mi)
    return local.replace(tzinfo=zone).astimezone(UTC)


def window_dict(start: datetime, end: datetime, regions: list[str] | None, note: str | None) -> dict[str, Any]:
    """JSON form of a ``BlackoutWindow``."""
    return {"start_utc": f"{start:%Y-%m-%dT%H:%M:%SZ}", "end_utc": f"{end:%Y-%m-%dT%H:%M:%SZ}",
            "regions": regions, "reason": (note or "").strip() or DEFAULT_BLACKOUT_REASON}
