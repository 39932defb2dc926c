"""The words of policy sentences: numbers written in words, region aliases, team names.

``canonical`` rewrites what people write into the form the recognisers match, without changing
what the sentence says: numbers in words become digits ("one hundred" -> 100, "one and a half
megawatts" -> 1.5 megawatts, "a day and a half" -> 1.5 day, "half a tonne" -> 0.5 tonne, "four
(4)" -> 4) and a leading purpose or justification phrase ("For scheduling decisions, ...", "For
cost-benefit purposes, ...", "Due to contractual obligations, ...") is dropped.

``REGION_ALIASES`` maps place names to the regions of ``tools.regions.REGIONS`` that lie there:
a country or union to every region (cloud region or grid zone) whose country is in it, a city or
state to the cloud region or grid zone located there ("Stockholm" -> eu-north-1, "Texas" ->
ERCO). ``KNOWN_TEAMS`` are the teams of the simulated fleet; a policy may name only those unless
the caller passes its own list (a typo such as "Team dta" would otherwise restrict nobody).
"""

from __future__ import annotations

import re

from tools.regions import REGION_ALIASES, regions_in_countries
from tools.simulate import DEFAULT_TEAMS

KNOWN_TEAMS: tuple[str, ...] = tuple(t.name for t in DEFAULT_TEAMS)
__all__ = ["KNOWN_TEAMS", "REGION_ALIASES", "alias_pattern", "canonical", "regions_in_countries"]

# -- numbers in words -----------------------------------------------------------------------------
_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_WORD_RUN = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:\s+|-|\s+and\s+)(?:{_NUMBER_WORD}))*\b", re.I)


def _words_value(words: str) -> int | None:
    """The value of 'one hundred and twenty', 'twenty-four', 'two thousand'; None if malformed."""
    total = current = 0
    seen = False
    for word in re.split(r"\s+and\s+|\s+|-", words.lower()):
        if word in _UNITS or word in _TENS:
            value = _UNITS.get(word, _TENS.get(word, 0))
            if current % 100 and (value >= 10 or current % 10):  # "two three": not a number
                return None
            current += value
        elif word in _SCALES:
            if word == "hundred":
                current = (current or 1) * 100
            else:
                total += (current or 1) * _SCALES[word]
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _number_words(text: str) -> str:
    def replace(m: re.Match[str]) -> str:
        run = m.group(0)
        if " and " in run.lower():  # "one and a half" is handled separately; "two and three" are two numbers
            parts = re.split(r"\s+and\s+", run, flags=re.I)
            if any(_words_value(p) is None for p in parts) or not re.search(r"hundred|thousand", parts[0], re.I):
                return " and ".join(_number_words(p) for p in parts)
        value = _words_value(run)
        return run if value is None else str(value)

    return _WORD_RUN.sub(replace, text)


_FRACTIONS = (
    # "one and a half megawatts", "1 and a half days" -> 1.5 megawatts
    (re.compile(r"\b(\d+)\s+and\s+a\s+half\b", re.I), lambda m: f"{int(m[1]) + 0.5:g}"),
    # "a day and a half" -> 1.5 day
    (re.compile(r"\b(?:a|an|one)\s+([a-z]+)\s+and\s+a\s+half\b", re.I), lambda m: f"1.5 {m[1]}"),
    # "half a day", "half an hour", "half a tonne" -> 0.5 day
    (re.compile(r"\bhalf\s+(?:a|an)\s+(?=[a-z])", re.I), lambda m: "0.5 "),
    # "a quarter of an hour" -> 0.25 hour
    (re.compile(r"\ba\s+quarter\s+of\s+(?:a|an)\s+(?=[a-z])", re.I), lambda m: "0.25 "),
    # "four (4) hours" -> 4 hours (the digits win only when both say the same)
    (re.compile(r"\b(\d+(?:\.\d+)?)\s*\(\s*(\d+(?:\.\d+)?)\s*\)", re.I),
     lambda m: m[1] if float(m[1]) == float(m[2]) else m.group(0)),
)
_NUM = r"\d+(?:\.\d+)?"
_ISO_DURATION = re.compile(rf"(?<![\w-])P(?=\d|T\d)(?:(?P<w>{_NUM})W)?(?:(?P<d>{_NUM})D)?"
                           rf"(?:T(?:(?P<h>{_NUM})H)?(?:(?P<m>{_NUM})M)?(?:(?P<s>{_NUM})S)?)?(?![\w-])")
"""ISO 8601 durations as standards write them: 'PT5H', 'P2D', 'PT90M', 'P1DT12H' (capitals only)."""
_HOURS_AND_MINUTES = re.compile(rf"\b(?P<h>{_NUM})\s*(?:hours?|hrs?|h)\s*,?\s*(?:and\s+)?(?P<m>\d{{1,2}})\s*"
                                r"(?:minutes?|mins?|m)\b", re.I)
_DAYS_AND_HOURS = re.compile(rf"\b(?P<d>{_NUM})\s*(?:days?|d)\s*,?\s*(?:and\s+)?(?P<h>\d{{1,2}})\s*"
                             r"(?:hours?|hrs?|h)\b", re.I)
_GLUED_H_MIN = re.compile(r"(?:(?<=\bmost\s)|(?<=\bmax\s)|(?<=\bmaximum\s)|(?<=\bup\sto\s)|(?<=\bfor\s)|(?<=\bof\s)"
                          r"|(?<=\bby\s)|(?<=\bis\s)|(?<=\u2264\s)|(?<=<=\s)|(?<=:\s))"
                          r"(?P<h>\d{1,2})h(?P<m>[0-5]\d)\b(?!\s*(?:-|\u2013|to\b|and\b|until\b)\s*\d)", re.I)
"""'3h30' as a duration after 'at most', 'for', 'of', 'by', 'is', '<=' and never before '- 5h00' (a time of day)."""


def _iso_hours(m: re.Match[str]) -> str:
    parts = {k: float(v) for k, v in m.groupdict().items() if v}
    if not parts:
        return m.group(0)
    hours = (parts.get("w", 0) * 168 + parts.get("d", 0) * 24 + parts.get("h", 0) + parts.get("m", 0) / 60
             + parts.get("s", 0) / 3600)
    return f"{hours:g} hours"


def _compound_hours(m: re.Match[str]) -> str:
    groups = m.groupdict()
    hours = float(groups.get("d") or 0) * 24 + float(groups.get("h") or 0) + float(groups.get("m") or 0) / 60
    return f"{hours:g} hours"


_DURATIONS = ((_ISO_DURATION, _iso_hours), (_HOURS_AND_MINUTES, _compound_hours),
              (_DAYS_AND_HOURS, _compound_hours), (_GLUED_H_MIN, _compound_hours))
"""Durations in two units or in ISO 8601 become hours: '2 hours and 30 minutes', '3h30', 'PT5H' -> '2.5 hours'."""

_PURPOSE = re.compile(r"^(?:for\s+(?:the\s+purposes?\s+of\s+)?(?:planning|scheduling|accounting|internal|all)"
                      r"(?:\s+(?:decisions|purposes|calculations))?|in\s+(?:planning|scheduling)"
                      r"|for\s+(?:[\w-]+\s+){1,3}?purposes"  # "For cost-benefit purposes,"
                      r"|(?:due|owing)\s+to\s+[^,;:()]{3,80}?|because\s+of\s+[^,;:()]{3,80}?)\s*,\s*", re.I)


_UNIT_KEYS = {"megawatt": "mw", "kilowatt": "kw", "gigawatt": "gw", "watt": "w", "hour": "h", "hr": "h",
              "minute": "min", "day": "d", "week": "wk", "wk": "wk", "tonne": "t", "ton": "t", "kilogram": "kg",
              "kwh": "kwh", "kilowatt-hour": "kwh", "megawatt-hour": "mwh", "mwh": "mwh"}
_RESTATED = re.compile(r"\b(?P<a>\d+(?:\.\d+)?)\s*(?P<u>[a-z][a-z-]*)\s*"
                       r"\(\s*(?P<b>\d+(?:\.\d+)?)\s*(?P<v>[a-z][a-z-]*)\s*\)",
                       re.I)


def _unit_key(unit: str) -> str:
    u = unit.lower()
    return _UNIT_KEYS.get(u) or _UNIT_KEYS.get(u.rstrip("s")) or u


def _restated(m: re.Match[str]) -> str:
    """'2 megawatts (2 MW)' -> '2 megawatts' when both say the same, else unchanged."""
    same = float(m["a"]) == float(m["b"]) and _unit_key(m["u"]) == _unit_key(m["v"])
    return f"{m['a']} {m['u']}" if same else m.group(0)


def canonical(norm: str) -> str:
    """``norm`` with numbers in words as digits and a leading purpose phrase dropped."""
    out = _PURPOSE.sub("", _number_words(norm))
    for rx, repl in _FRACTIONS:
        out = rx.sub(repl, out)
    for rx, repl in _DURATIONS:
        out = rx.sub(repl, out)
    return _RESTATED.sub(_restated, out)


# -- places -------------------------------------------------------------------------------------
# the place names live with the region registry (tools.regions): one table for chat and policies

_SHORT = {"us", "the us", "usa", "the usa", "eu", "the eu", "uk", "the uk"}


def alias_pattern() -> re.Pattern[str]:
    """Matches any place alias as whole words (longest first); US/EU/UK only in capitals ("for us"
    is not the United States)."""
    names = sorted((n for n in REGION_ALIASES if n not in _SHORT), key=len, reverse=True)
    short = sorted({n.split()[-1].upper() for n in _SHORT}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:(?i:" + "|".join(re.escape(n) for n in names) + r")|(?:[Tt]he\s+)?(?:"
                      + "|".join(short) + r"))(?![\w-])")
