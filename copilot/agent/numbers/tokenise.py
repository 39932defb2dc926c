"""Figures in text: numbers with their unit, magnitude, sign and direction; times, dates, weeks, ids.

What counts as a figure (each becomes a :class:`Quantity` that the guard checks):

- digits, with thousands separators, decimals, scientific notation, a magnitude (``2.1k``, ``3.5M``,
  ``30 thousand``, ``2 bn``), a currency (``$56.5``, ``USD 56.46``) and a unit, glued or not
  (``9999kWh``, ``450kgCO2e``, ``2.1 tCO2e``, ``160.2 gCO2e/kWh``, ``24-hour``, ``12.3 %``, ``2.7x``);
- spelled-out numbers (``forty-two thousand``, ``a dozen``, ``twenty-four hours``), fractions
  (``half``, ``a third``, ``two thirds``, ``a quarter``) and multipliers (``twice``, ``tenfold``,
  ``doubled``, ``halved``); a lone ``one`` or ``a`` is a figure only before a unit (``one hour``);
- times of day (``03:00 UTC``, ``3 pm``, ``noon``), dates (``2026-01-12``, ``January 12``,
  ``12 Jan 2026``), ISO weeks (``2026-W05``);
- ids that look made up: hex strings of 8 or more characters with a digit, ``0x`` values and
  identifiers with a run of 4 or more digits (``sim1-0000003``).

Structural, never checked: list markers (``1.`` or ``2)`` opening a line), ordinals (``1st``,
``first``), ``Scope 2``, and names mixing letters and short digit runs (``us-east-1``,
``p3.2xlarge``, ``CO2e``, ``kgCO2eSave``).

A written sign counts (``-12.3 %``, ``+5.4 %``); a dash between two numbers is a range
(``[1523.6 - 2682.1]``, ``2102.8-2500``), and in ``1.5 to 2.7 t`` both ends are in tonnes. A
direction word makes an unsigned number a change: ``up``/``rose``/``higher`` (``up``),
``down``/``fell``/``cut``/``lower`` (``down``), ``saved``/``avoided`` (``saved``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from copilot.agent.numbers.units import COUNT, FRACTION, PERCENT, RATIO, UNIT_PATTERN, Unit, written_unit

Kind = Literal["number", "time", "date", "week", "id"]
Direction = Literal["up", "down", "saved"]


@dataclass(frozen=True)
class Quantity:
    """One figure of a text.

    ``value`` and ``tolerance`` (half a unit of the last digit shown) are in ``unit`` for numbers;
    ``unit`` None is a bare number. ``key`` identifies a time (``03:00``), a date (``2026-01-12``
    or ``--01-12`` without a year), a week (``2026-W05``) or an id (lower case).
    """

    text: str
    kind: Kind
    start: int
    end: int
    value: float = 0.0
    tolerance: float = 0.0
    unit: Unit | None = None
    sign: int = 0
    direction: Direction | None = None
    key: str = ""
    written: str = ""
    """The figure as written, unit included (``9999kWh``); ``text`` is its number (``9999``)."""


_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?"
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
         "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1e6, "billion": 1e9}
_FRACTIONS = {"half": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25, "quarters": 0.25}
_MULTIPLIERS: dict[str, tuple[float, Direction | None]] = {
    "twice": (2, None), "double": (2, None), "doubled": (2, "up"), "doubles": (2, "up"), "triple": (3, None),
    "tripled": (3, "up"), "thrice": (3, None), "quadrupled": (4, "up"), "twofold": (2, None),
    "threefold": (3, None), "fourfold": (4, None), "fivefold": (5, None), "tenfold": (10, None),
    "hundredfold": (100, None), "thousandfold": (1000, None), "halved": (0.5, "down"), "halves": (0.5, "down")}
_NUMWORD = "|".join(sorted([*_ONES, *_SCALES, *_FRACTIONS, "dozen", "a", "an"], key=len, reverse=True))
_MAGNITUDES = {"k": 1e3, "K": 1e3, "M": 1e6, "mn": 1e6, "bn": 1e9, "B": 1e9, "thousand": 1e3, "million": 1e6,
               "billion": 1e9}

_UNIT = (rf"(?:[ ]?|-)(?P<unit>(?i:{UNIT_PATTERN}))(?![A-Za-z0-9])"
         r"(?P<co2>[ ]?(?i:of[ ])?(?i:co2e?|co2-?eq)(?![A-Za-z0-9]))?"
         rf"(?P<per>[ ]?(?:/|\bper\b)[ ]?(?P<den>(?i:{UNIT_PATTERN})(?![A-Za-z0-9])|[A-Za-z]+))?")
_PATTERN = re.compile(
    r"(?P<iso>\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)(?![\d])"
    r"|(?P<week>\b\d{4}-W\d{2}(?:-\d)?\b)"
    r"|(?P<hex>\b0x[0-9a-fA-F]+\b)"
    r"|(?P<hexid>\b(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}\b)"
    rf"|(?i:(?P<mdate>\b(?P<mon>{_MONTHS})\.?[ ](?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?[ ](?P<yr>\d{{4}})\b)?))"
    rf"|(?i:(?P<ddate>\b(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?[ ](?:of[ ])?(?P<mon2>{_MONTHS})\b\.?"
    r"(?:,?[ ](?P<yr2>\d{4})\b)?))"
    r"|(?P<time>\b(?P<hh>[01]?\d|2[0-3]):(?P<mm>[0-5]\d)(?::[0-5]\d)?(?:[ ]?(?P<ampm>(?i:am|pm|a\.m\.|p\.m\.)))?"
    r"(?![\d:]))"
    r"|(?P<time2>\b(?P<hh2>1[0-2]|0?\d)[ ]?(?P<ampm2>(?i:am|pm|a\.m\.|p\.m\.))(?![A-Za-z]))"
    r"|(?P<noon>\b(?i:noon|midnight)\b)"
    r"|(?P<qty>(?<![\w.])(?P<sign>[-+])?(?P<cur>US\$|\$|€|£|(?:USD|EUR|GBP)[ ]?)?(?P<num>" + _NUM + r")"
    r"(?:(?P<mag>k|K|M|mn|bn|B)(?![A-Za-z])|[ ](?P<magw>thousand|million|billion|bn)\b)?"
    r"(?:" + _UNIT + r")?(?![\w]|\.\d))"
    rf"|(?P<mult>\b(?i:{'|'.join(sorted(_MULTIPLIERS, key=len, reverse=True))})\b)"
    rf"|(?P<words>\b(?i:(?:{_NUMWORD})(?:(?:[ -]|[ ]and[ ])(?:{_NUMWORD}))*)\b(?:" + _UNIT.replace("?P<", "?P<w")
    + r")?)"
    r"|(?P<word>\b[A-Za-z][\w.\-]*\w)"
    r"|(?P<other>(?<![\w.])\d[\w.\-]*\w)"
)
_NORMALISE = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2082": "2", "\u00a0": " ",
                            "\u202f": " ", "\u2009": " ", "\u00d7": "x"})

_UP = {"up", "rose", "rise", "rises", "rising", "risen", "increase", "increased", "increases", "increasing",
       "grew", "grow", "grows", "growing", "grown", "jumped", "jump", "jumps", "climbed", "climbs", "gained",
       "added", "adds", "add", "higher", "more", "greater", "larger", "above", "growth", "spike", "surge", "surged",
       "worse"}
_DOWN = {"down", "fell", "fall", "falls", "falling", "fallen", "dropped", "drop", "drops", "dropping",
         "decreased", "decrease", "decreases", "decreasing", "declined", "decline", "declines", "cut", "cuts",
         "cutting", "reduced", "reduce", "reduces", "reducing", "reduction", "lowered", "lowers", "shrank",
         "shrunk", "slid", "plunged", "lower", "less", "fewer", "smaller", "below", "cheaper", "better"}
_SAVED = {"saved", "save", "saves", "saving", "savings", "avoided", "avoid", "avoids", "avoiding"}
_AFTER_ONLY = {"higher", "more", "greater", "larger", "above", "lower", "less", "fewer", "smaller", "below",
               "cheaper", "better", "worse"}
_NOUNS = {"increase", "rise", "growth", "jump", "gain", "drop", "decrease", "reduction", "cut", "fall",
          "decline", "saving", "savings"}
_HEDGES = {"about", "around", "roughly", "approximately", "approx", "nearly", "almost", "some", "only", "just",
           "over", "under", "circa", "ca", "a", "an", "another", "further", "~", "≈", "exactly", "fully"}
_STOPS = {"to", "from", "at", "of", "is", "was", "were", "are", "than", "and", "or", "with", "totalling", "total"}
_WORD = re.compile(r"[A-Za-z]+|[~≈]|\d[\d,.]*|[^\sA-Za-z\d]")
_CLAUSE = set(".;:!?()[],\n")


def _word_direction(word: str, before: bool) -> Direction | None:
    if word in _SAVED:
        return "saved"
    if before and word in _AFTER_ONLY:
        return None
    if word in _UP:
        return "up"
    if word in _DOWN:
        return "down"
    return None


def direction(text: str, start: int, end: int) -> Direction | None:
    """The change a number states from the words around it (``fell 5.4 %``, ``12 % lower``,
    ``cut emissions by 175.6 kg``, ``an increase of 3 %``), None for a level (``fell to 96.6``)."""
    after = _WORD.findall(text[end:end + 30])
    if after and after[0].lower() not in _CLAUSE and (d := _word_direction(after[0].lower(), before=False)):
        return d
    words = [w.lower() for w in _WORD.findall(text[max(0, start - 80):start])]
    i = len(words) - 1
    while i >= 0 and words[i] in _HEDGES:
        i -= 1
    if i < 0 or words[i] in _CLAUSE:
        return None
    if words[i] == "by":  # "cut its emissions by 12 %": look back for the verb
        for w in reversed(words[max(0, i - 5):i]):
            if w in _CLAUSE or w[0].isdigit():
                return None
            if d := _word_direction(w, before=True):
                return d
        return None
    if words[i] == "of":  # "an increase of 3 %", "savings of 56.46 USD"
        return _word_direction(words[i - 1], before=True) if i > 0 and words[i - 1] in _NOUNS else None
    if words[i] in _STOPS:
        return None
    return _word_direction(words[i], before=True)


def _hedged(text: str, start: int) -> bool:
    words = [w.lower() for w in _WORD.findall(text[max(0, start - 25):start])]
    return bool(words) and (words[-1] in _HEDGES - {"a", "an", "only", "just", "another", "further", "exactly"}
                            or words[-2:] in (["more", "than"], ["less", "than"], ["close", "to"]))


def _unit(m: re.Match[str], prefix: str = "") -> Unit | None:
    word = m.group(prefix + "unit")
    unit = written_unit(word) if word else None
    if unit is not None and m.group(prefix + "per"):
        den = m.group(prefix + "den")
        unit = unit.per(written_unit(den) or COUNT)
    return unit


def _number(text: str, m: re.Match[str]) -> Quantity:
    num = m.group("num").replace(",", "")
    mantissa, _, exponent = num.lower().partition("e")
    decimals = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
    scale = _MAGNITUDES.get(m.group("mag") or m.group("magw") or "", 1.0) * 10 ** int(exponent or 0)
    tolerance = 0.5 * 10 ** -decimals * scale
    digits = mantissa.split(".")[0]
    if decimals == 0 and digits.strip("0") and _hedged(text, m.start()):  # "about 2,100": 2100 +- 50
        tolerance *= 10 ** (len(digits) - len(digits.rstrip("0")))
    cur = (m.group("cur") or "").strip()
    unit = written_unit(cur) if cur else _unit(m)
    if cur and m.group("per"):
        unit = (unit or written_unit("$") or COUNT).per(written_unit(m.group("den")) or COUNT)
    sign = {"-": -1, "+": 1}.get(m.group("sign") or "", 0)
    number = "".join(m.group(g) or "" for g in ("sign", "cur", "num", "mag")).strip()
    if m.group("magw"):
        number += " " + m.group("magw")
    return Quantity(text=number, written=m.group("qty").strip(), kind="number", start=m.start(), end=m.end(),
                    value=float(mantissa) * scale, tolerance=tolerance, unit=unit, sign=sign,
                    direction=None if sign else direction(text, m.start(), m.end()))


def _words_value(phrase: str) -> tuple[float, float, bool] | None:
    """(value, tolerance, fraction) of ``forty-two thousand``, ``a dozen``, ``two thirds``; None if no number."""
    tokens = [t for t in re.split(r"[ -]+", phrase.lower()) if t and t != "and"]
    total, current, seen, fraction, last_scale = 0.0, 0.0, False, 1.0, 1.0
    for i, t in enumerate(tokens):
        if t in ("a", "an"):
            if i + 1 < len(tokens) and tokens[i + 1] in (*_SCALES, "dozen", *_FRACTIONS):
                current += 1
            continue
        if t in _ONES:
            current, seen, last_scale = current + _ONES[t], True, 1.0
        elif t == "dozen":
            current, seen, last_scale = (current or 1) * 12, True, 1.0
        elif t == "hundred":
            current, seen, last_scale = (current or 1) * 100, True, 100.0
        elif t in _SCALES:
            total, current, seen, last_scale = total + (current or 1) * _SCALES[t], 0.0, True, _SCALES[t]
        elif t in _FRACTIONS:
            if t in ("third", "quarter") and not current:
                return None  # "the third team": an ordinal
            fraction, current, seen = _FRACTIONS[t], current or 1, True
    value = (total + current) * fraction
    if not seen:
        return None
    if fraction != 1.0:
        return value, 0.05 * value, True
    return value, 0.5 * last_scale, False


def _spelled(text: str, m: re.Match[str]) -> Quantity | None:
    phrase = m.group("words")
    parsed = _words_value(phrase)
    if parsed is None:
        return None
    value, tolerance, fraction = parsed
    unit = _unit(m, "w")
    if unit is None and fraction:
        unit = FRACTION
    if unit is None and phrase.lower().strip() in ("one", "a", "an"):
        return None  # "one of the teams": not a figure
    return Quantity(text=phrase, written=m.group().strip(), kind="number", start=m.start(), end=m.end(),
                    value=value, tolerance=tolerance,
                    unit=unit, direction=direction(text, m.start(), m.end()))


def _multiplier(text: str, m: re.Match[str]) -> Quantity:
    word = m.group("mult")
    value, implied = _MULTIPLIERS[word.lower()]
    return Quantity(text=word, kind="number", start=m.start(), end=m.end(), value=value, tolerance=0.05 * value,
                    unit=FRACTION if value < 1 else RATIO, direction=implied or direction(text, m.start(), m.end()))


def _month(name: str) -> int:
    return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].index(
        name[:3].lower()) + 1


def _clock(hour: int, minute: int, ampm: str | None) -> str:
    if ampm:
        pm = ampm.lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    return f"{hour:02d}:{minute:02d}"


def _structural_number(text: str, q: Quantity) -> bool:
    """A list marker opening a line (``1.``, ``2)``), ``Scope 2`` or a rank written ``#1``."""
    line_start = text.rfind("\n", 0, q.start) + 1
    follows = text[q.end:q.end + 2]
    if (not text[line_start:q.start].strip() and q.unit is None and "." not in q.text
            and follows[:1] in (".", ")") and follows[1:2] in ("", " ", "\n", "\t")):
        return True
    before = text[max(0, q.start - 7):q.start].lower()
    return before.rstrip().endswith("scope") or before.endswith("#")


def _id(text: str, m: re.Match[str], name: str) -> Quantity | None:
    token = m.group(name)
    if name in ("word", "other") and (re.fullmatch(r"\d+(?:st|nd|rd|th)", token)
                                      or not re.search(r"\d{4}", token)):
        return None  # an ordinal, a name (us-east-1, p3.2xlarge, CO2e) or a plain word
    return Quantity(text=token, kind="id", start=m.start(), end=m.end(), key=token.lower())


def _one(text: str, m: re.Match[str]) -> list[Quantity]:
    kind = m.lastgroup
    s, e = m.start(), m.end()
    if kind == "iso":
        token = m.group("iso")
        out = [Quantity(text=token[:10], kind="date", start=s, end=e, key=token[:10])]
        if len(token) > 10:
            out.append(Quantity(text=token[11:16], kind="time", start=s, end=e, key=token[11:16]))
        return out
    if kind == "week":
        return [Quantity(text=m.group("week"), kind="week", start=s, end=e, key=m.group("week")[:8])]
    if kind in ("mdate", "ddate"):
        mon, day, yr = (m.group("mon"), m.group("day"), m.group("yr")) if kind == "mdate" else \
            (m.group("mon2"), m.group("day2"), m.group("yr2"))
        if not 1 <= int(day) <= 31:
            return []
        key = f"{yr or '-'}-{_month(mon):02d}-{int(day):02d}"
        return [Quantity(text=m.group(kind), kind="date", start=s, end=e, key=key)]
    if kind == "time":
        key = _clock(int(m.group("hh")), int(m.group("mm")), m.group("ampm"))
        return [Quantity(text=m.group("time"), kind="time", start=s, end=e, key=key)]
    if kind == "time2":
        key = _clock(int(m.group("hh2")), 0, m.group("ampm2"))
        return [Quantity(text=m.group("time2"), kind="time", start=s, end=e, key=key)]
    if kind == "noon":
        key = "12:00" if m.group("noon").lower() == "noon" else "00:00"
        return [Quantity(text=m.group("noon"), kind="time", start=s, end=e, key=key)]
    if kind == "qty":
        number = _number(text, m)
        return [] if _structural_number(text, number) else [number]
    if kind == "mult":
        return [_multiplier(text, m)]
    found = _spelled(text, m) if kind == "words" else _id(text, m, str(kind)) if kind else None
    return [found] if found else []


def _ranges(text: str, found: list[Quantity]) -> list[Quantity]:
    """``1.5 to 2.7 t``, ``between 5 and 6 kWh``: the first end takes the second's unit."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.kind != "number" or b.kind != "number" or a.unit is not None or b.unit is None:
            continue
        link = text[a.end:b.start].strip().lower()
        between = text[max(0, a.start - 9):a.start].lower().rstrip().endswith("between")
        if link in ("-", "to") or (link == "and" and between):
            out[i] = replace(a, unit=b.unit)
    return out


def quantities(text: str) -> list[Quantity]:
    """Every figure of ``text``, in order (structural numbers left out)."""
    text = text.translate(_NORMALISE)
    found: list[Quantity] = []
    for m in _PATTERN.finditer(text):
        found.extend(_one(text, m))
    return _ranges(text, found)


__all__ = ["PERCENT", "Quantity", "direction", "quantities"]
