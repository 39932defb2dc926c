"""Values inside policy sentences: numbers and units, regions, times, approver names.

Shared by the sentence parser (``copilot.policy.parser``) and the checks of LLM readings
(``copilot.policy.llm``), so that both convert units the same way. Every converter raises
``SentenceError`` with a message naming the value at fault.

Units: durations in min|h|d|w (-> hours); masses in g|kg|t|tonne (a plain "ton" is read as a
metric tonne, with a warning) (-> kgCO2e); carbon prices in USD (or US cents) per g|kg|t (-> USD per tonne);
power in W|kW|MW|GW (-> kW). Numbers may use 1,000 separators and exponents; durations also
accept a/an/one..twelve. Negative and non-finite numbers are refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal

from copilot.policy.vocab import REGION_ALIASES, alias_pattern
from tools.regions import REGIONS

ErrorKind = Literal["instruction", "unrecognised", "malformed"]
KNOWN_REGIONS = ", ".join(sorted(REGIONS))


class SentenceError(ValueError):
    """A sentence is not a constraint (``unrecognised``/``instruction``) or is a malformed one."""

    def __init__(self, reason: str, kind: ErrorKind = "malformed") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind: ErrorKind = kind


@dataclass(frozen=True)
class PolicyItem:
    """One value for one PolicySet field (``key``: the team or category, else None)."""

    field: str
    value: Any
    key: str | None = None


@dataclass(frozen=True)
class Interpretation:
    """What one sentence says: its items and any warnings about how it was read."""

    items: tuple[PolicyItem, ...]
    warnings: tuple[str, ...] = ()


def one(field: str, value: Any, key: str | None = None, *warnings: str) -> Interpretation:
    """An interpretation holding a single item."""
    return Interpretation((PolicyItem(field, value, key),), tuple(warnings))


# -- numbers and units --------------------------------------------------------------------------
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[-+]?\d+)?"
_WORDS = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_T_UNIT = r"(?P<tu>minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|w)\b"
_CO2 = r"(?:\s*(?:of\s+)?(?:co2-?eq(?:uivalent)?|co2e?|co₂e?|carbon(?:\s+dioxide)?)(?:\s+equivalents?)?)?"
_M_UNIT = rf"(?:metric\s+)?(?P<mu>tonnes?|tons?|t|kilogrammes?|kilograms?|kg|grams?|g){_CO2}\b"
_CUR = r"usd|us\s*\$|\$|dollars?|us\s+dollars?|(?:us\s+)?cents?|¢|eur|euros?|€|gbp|£|pounds?"
_USD = {"usd", "us$", "$", "dollar", "dollars", "usdollar", "usdollars"}
_CENTS = {"cent", "cents", "uscent", "uscents", "¢"}

DURATION = rf"(?P<n>{NUM}|{_WORDS})\s*{_T_UNIT}"
MASS = rf"(?P<n>{NUM})\s*{_M_UNIT}"
PRICE = (rf"(?:(?P<c1>{_CUR})\s*)?(?P<n>{NUM})\s*(?P<c2>{_CUR})?\s*"
         rf"(?:per|/|an?|each|for\s+each|every)\s*{_M_UNIT}")
POWER = rf"(?P<n>{NUM})\s*(?P<pu>gigawatts?|megawatts?|kilowatts?|watts?|gw|mw|kw|w)\b"
PERIOD = (r"(?:\s*(?:per|/|an?|each|every|in\s+(?:an?|each|any|every|one)|over\s+(?:an?|each|any|every|one)"
          r"|during\s+(?:an?|each|any|every))\s*(?:(?:given|single|calendar)\s+)?(?P<per>\w+))")

_HOURS_PER = {"m": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0}
_KG_PER = {"t": 1000.0, "k": 1.0, "g": 0.001}
_KW_PER = {"g": 1e6, "m": 1e3, "k": 1.0, "w": 1e-3}
_ADJ_PERIOD = {"daily": "day", "weekly": "week", "monthly": "month"}


def number(text: str, what: str) -> float:
    """A non-negative finite number from ``text`` (digits, 1,000 separators, a/one..twelve)."""
    word = text.lower()
    value = float(_WORD_NUMBERS[word]) if word in _WORD_NUMBERS else float(word.replace(",", ""))
    shown = text if len(text) <= 24 else text[:20] + "..."
    if not math.isfinite(value):
        raise SentenceError(f"{what} {shown!r} is not a finite number")
    if value < 0:
        raise SentenceError(f"{what} is negative ({shown}); it must be zero or more")
    return value


def _kg_per(unit: str) -> float:
    unit = unit.lower()
    return _KG_PER["k" if unit.startswith("kilo") else unit[0]]


def ton_warnings(m: re.Match[str]) -> tuple[str, ...]:
    """A warning when a plain "ton" (US short? UK long?) was read as a metric tonne."""
    unit = m["mu"].lower()
    return ("'ton' read as a metric tonne (1000 kg)",) if unit.startswith("ton") and "tonne" not in unit \
        else ()


def hours(m: re.Match[str]) -> float:
    """Duration of a ``DURATION`` match, hours."""
    return number(m["n"], "duration") * _HOURS_PER[m["tu"][0].lower()]


def kilograms(m: re.Match[str]) -> float:
    """Mass of a ``MASS`` match, kgCO2e."""
    return round(number(m["n"], "amount") * _kg_per(m["mu"]), 9)


def usd_per_tonne(m: re.Match[str]) -> float:
    """Carbon price of a ``PRICE`` match, USD per tonne CO2e (USD only)."""
    currencies = {c.lower().replace(" ", "") for c in (m["c1"], m["c2"]) if c}
    if not currencies:
        raise SentenceError("carbon price has no currency; write e.g. '120 USD per tonne'")
    other = sorted(currencies - _USD - _CENTS)
    if other:
        raise SentenceError(f"carbon price must be in USD (got {other[0]!r}); convert it first")
    if currencies & _CENTS and currencies - _CENTS:
        raise SentenceError("carbon price gives both dollars and cents; write one amount, e.g. '0.05 USD per kg'")
    scale = 0.01 if currencies & _CENTS else 1.0
    return round(number(m["n"], "carbon price") * scale / _kg_per(m["mu"]) * 1000.0, 9)


def kilowatts(m: re.Match[str]) -> float:
    """Power of a ``POWER`` match, kW (must be positive)."""
    kw = number(m["n"], "power cap") * _KW_PER[m["pu"][0].lower()]
    if kw <= 0:
        raise SentenceError(f"power cap must be positive (got {m['n']} {m['pu']})")
    return round(kw, 9)


def period(word: str) -> str:
    """Budget period from 'day'/'daily', 'week'/'weekly', 'month'/'monthly'."""
    key = _ADJ_PERIOD.get(word.lower(), word.lower().rstrip("s"))
    if key not in ("day", "week", "month"):
        raise SentenceError(f"budget period {word!r} is not supported; use day, week or month")
    return key


def read_quantity(pattern: str, text: str, what: str) -> re.Match[str]:
    """Match a whole quantity such as '4 hours' or '85 USD per tonne'; raise naming it otherwise."""
    m = re.fullmatch(pattern, text.strip(), re.I)
    if m is None:
        raise SentenceError(f"cannot read {what} from {text!r}")
    return m


# -- regions ------------------------------------------------------------------------------------
_CLOUD_SHAPE = re.compile(r"\b[a-z]{2,3}-[a-z]+-?\d+[a-z]?\b", re.I)
_GRID = re.compile(r"\b(?:" + "|".join(n for n in REGIONS if not _CLOUD_SHAPE.fullmatch(n)) + r")\b")
_ANY_REGION = re.compile(r"(?:any|all)\s+(?:of\s+the\s+)?regions?(?:\s+at\s+all)?|anywhere|everywhere",
                         re.I)
_FILLER = {"the", "eu", "european", "us", "usa", "american", "regions", "region", "zones", "zone",
           "grid", "aws", "gcp", "azure", "cloud", "and", "or", "of", "following", "either", "both",
           "only", "in", ",", ":", "/", "&", "+", "(", ")", "-", ";", "any"}


def check_regions(names: list[str]) -> list[str]:
    """``names`` deduplicated in order; raises naming every unknown region and the known ones."""
    unknown = [n for n in names if n not in REGIONS]
    if unknown:
        listed = ", ".join(repr(n) for n in dict.fromkeys(unknown))
        raise SentenceError(f"unknown region {listed} (known regions: {KNOWN_REGIONS})")
    if not names:
        raise SentenceError(f"names no region; list region codes (known regions: {KNOWN_REGIONS})")
    return list(dict.fromkeys(names))


_EXPLAINED = re.compile(r"""\s*(?:\((?P<paren>[^()]*)\)
                           |,?\s*(?:i\.\s?e\.?|ie|namely|that\s+is|meaning|specifically)\s*[,:]?\s*(?P<ie>.+))\s*$""",
                        re.I | re.X)
_ONLY = re.compile(r"^(?:only|exclusively|solely)\s+|\s+(?:only|exclusively|solely)$", re.I)
_ALIAS = alias_pattern()


def _named(segment: str) -> tuple[list[str], list[str]]:
    """(region codes, regions of the place aliases) named in ``segment``; stray words raise."""
    found = sorted((m.start(), m.group(0)) for rx in (_CLOUD_SHAPE, _GRID) for m in rx.finditer(segment))
    codes = [name for _, name in found]
    rest = _GRID.sub(" ", _CLOUD_SHAPE.sub(" ", segment))
    places = [r for m in _ALIAS.finditer(rest) for r in REGION_ALIASES[m.group(0).lower()]]
    rest = _ALIAS.sub(" ", rest)
    stray = [w for w in re.findall(r"[\w'.-]+|[^\s\w]", rest) if w.lower() not in _FILLER]
    if stray and all(n in REGIONS for n in codes):
        raise SentenceError(f"unexpected words in the region list: {' '.join(stray)!r} "
                            "(list region codes only, e.g. 'eu-west-1 and eu-north-1')")
    return codes, places


def regions_mentioned(text: str) -> tuple[list[str], list[str]]:
    """(region codes, regions of the places) mentioned anywhere in ``text``, in order; other words are
    ignored (for reading a sentence by its parts, not a region list)."""
    found = sorted((m.start(), m.group(0)) for rx in (_CLOUD_SHAPE, _GRID) for m in rx.finditer(text))
    codes = [name.lower() if name.lower() in REGIONS else name for _, name in found]
    rest = _GRID.sub(" ", _CLOUD_SHAPE.sub(" ", text))
    places = [r for m in _ALIAS.finditer(rest) for r in REGION_ALIASES[m.group(0).lower()]]
    return codes, places


_ITEM_SPLIT = re.compile(r"\s*(?:,|/|&|\+|;)\s*(?:(?:and|or)\s+)?|\s+(?:and/or|and|or)\s+", re.I)
_DESCRIPTION = re.compile(r"""^(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}?
    (?:hydro(?:power)?|nuclear|wind|solar|renewable|green|clean|low[- ]carbon|carbon[- ]free|fossil[- ]free)
    (?:\s+(?:power|energy|electricity|grids?|regions?|zones?|locations?|sites?))*$""", re.I | re.X)
"""A description of where the power comes from ("Nordic hydro power", "the green regions"), spelled out by
the codes after "i.e." or in parentheses; it names no place of its own."""
_CHANGER = re.compile(r"\b(?:not|no|never|except\w*|outside|other|but|besides|excluding|unless|if|apart|save)\b",
                      re.I)


def _top_level_items(segment: str) -> list[str]:
    """``segment`` cut at list separators outside parentheses ("Great Britain (GB) and Ireland (eu-west-1)")."""
    parts: list[str] = []
    depth, start, chars = 0, 0, []
    for c in segment:  # separators inside parentheses are masked
        depth += (c == "(") - (c == ")")
        chars.append(c if depth == 0 or c in "()" else "_")
    masked = "".join(chars)
    for m in _ITEM_SPLIT.finditer(masked):
        parts.append(segment[start: m.start()])
        start = m.end()
    parts.append(segment[start:])
    return [p for p in (q.strip() for q in parts) if p]


def parse_regions(segment: str) -> list[str] | None:
    """Regions named in ``segment`` (None for "any region"); unknown names or stray words raise.

    Codes ("eu-west-1", "DE") are taken as written; a place ("the EU", "Germany", "Stockholm") stands
    for every region in it (``vocab.REGION_ALIASES``). A place followed by codes in parentheses or
    after "i.e." ("the United States, i.e. us-east-1 and us-west-2") means exactly those codes,
    which must lie in that place. Several items each explained in parentheses are read item by item
    ("Great Britain (GB) and Ireland (eu-west-1)"). A description of the power that names no place
    ("Nordic hydro power, i.e. in eu-north-1 and the SE zone") means exactly the codes that explain it.
    """
    segment = _ONLY.sub("", _ONLY.sub("", segment.strip())).strip()
    if _ANY_REGION.fullmatch(segment):
        return None
    items = _top_level_items(segment) if segment.count("(") > 1 else []
    if len(items) > 1 and all(i.count("(") <= 1 for i in items):
        return check_regions([r for i in items for r in (parse_regions(i) or [])])
    explained = _EXPLAINED.search(segment)
    head = segment[: explained.start()] if explained else segment
    described = explained is not None and _DESCRIPTION.fullmatch(_ONLY.sub("", head.strip()).strip()) is not None
    if described and explained is not None and not _CHANGER.search(head):
        head = ""
    codes, places = _named(head)
    if explained:
        listed, extra = _named(explained["paren"] or explained["ie"])
        if extra or not listed:
            raise SentenceError(f"the regions in {segment!r} are not spelled out as region codes")
        outside = [c for c in listed if (places or codes) and c not in (*places, *codes)]
        if outside:
            raise SentenceError(f"{', '.join(outside)} is not in {head.strip()!r}; the region list "
                                "contradicts itself")
        return check_regions(listed)
    if codes and places:
        outside = [c for c in codes if c not in places]
        if outside:
            raise SentenceError(f"{', '.join(outside)} is not in the place named with it ({segment!r})")
        return check_regions(codes)
    return check_regions(codes or places)


def mentions_word(word: str, text: str) -> bool:
    """True if ``word`` occurs in ``text`` as a whole token (case-insensitive)."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.I) is not None


# -- times and blackout windows -----------------------------------------------------------------
TIME = (r"\d{4}-\d{2}-\d{2}(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?"
        r"(?:\s*(?:z|utc|gmt)(?:\s*[-+]\s*\d{1,2}(?::?\d{2})?)?|\s*[-+]\d{2}:?\d{2})?")
_ZONE = re.compile(r"\s*(?:(?:z|utc|gmt)(?:\s*(?P<s1>[-+])\s*(?P<h1>\d{1,2})(?::?(?P<m1>\d{2}))?)?"
                   r"|(?P<s2>[-+])(?P<h2>\d{2}):?(?P<m2>\d{2}))$", re.I)
DEFAULT_BLACKOUT_REASON = "policy blackout"  # replaced by the source sentence when the report is built
ZONE_MARK = re.compile(r"\b(?:utc|gmt)\b|\d(?:z\b|[-+]\d{2}:?\d{2}\b)", re.I)


def parse_time(text: str) -> tuple[datetime, timezone | None]:
    """A written time and its zone (None if naive); raises for a missing time of day or a bad date."""
    zone_m = _ZONE.search(text)
    base = (text[: zone_m.start()] if zone_m else text).strip()
    if not re.search(r"\d:\d", base):
        raise SentenceError(f"time {text!r} has no time of day; write e.g. '2026-03-01 06:00 UTC'")
    try:
        when = datetime.fromisoformat(re.sub(r"[ t](\d):", r" 0\1:", base, flags=re.I))
    except ValueError as exc:
        raise SentenceError(f"{base!r} is not a valid date and time ({exc})") from exc
    if when.tzinfo is not None:
        return when.replace(tzinfo=None), timezone(when.utcoffset() or timedelta(0))
    if zone_m is None:
        return when, None
    hours_, minutes = int(zone_m["h1"] or zone_m["h2"] or 0), int(zone_m["m1"] or zone_m["m2"] or 0)
    if hours_ > 14 or minutes > 59:
        raise SentenceError(f"time zone offset in {text!r} is out of range")
    sign = -1 if (zone_m["s1"] or zone_m["s2"]) == "-" else 1
    return when, timezone(sign * timedelta(hours=hours_, minutes=minutes))


def make_window(start: str, end: str, regions: list[str] | None, note: str | None) -> dict[str, Any]:
    """A blackout window (JSON form of ``BlackoutWindow``); a zone given once applies to both times."""
    (start_t, z1), (end_t, z2) = parse_time(start), parse_time(end)
    zone = z1 or z2
    if zone is None:
        raise SentenceError("blackout times carry no time zone; add UTC or an offset such as +01:00 "
                            "(naive times are not guessed)")
    start_utc = start_t.replace(tzinfo=z1 or zone).astimezone(UTC)
    end_utc = end_t.replace(tzinfo=z2 or zone).astimezone(UTC)
    if end_utc <= start_utc:
        raise SentenceError(f"blackout ends ({end_utc:%Y-%m-%d %H:%M} UTC) before it starts "
                            f"({start_utc:%Y-%m-%d %H:%M} UTC)")
    return {"start_utc": f"{start_utc:%Y-%m-%dT%H:%M:%SZ}", "end_utc": f"{end_utc:%Y-%m-%dT%H:%M:%SZ}",
            "regions": regions, "reason": (note or "").strip() or DEFAULT_BLACKOUT_REASON}


def same_window(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same period and regions (the reason text does not matter)."""
    return (a["start_utc"] == b["start_utc"] and a["end_utc"] == b["end_utc"]
            and sorted(a["regions"] or []) == sorted(b["regions"] or []))
