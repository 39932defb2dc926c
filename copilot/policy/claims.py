"""Does a constraint an LLM proposed say what its sentence says? Polarity and numbers, checked.

``claim_conflicts(items, sentence)`` is a pure function: given the typed items an LLM reading
stands for (already converted to the PolicySet's units) and the sentence it cites, it returns the
reasons the reading must be refused (an empty list: nothing contradicts it). It is the last gate
for sentences the deterministic parser cannot read, so it errs on the side of refusing:

polarity
    mint approvers   a sentence that forbids, excludes or negates ("Mallory must never approve
                     mints", "anyone except mallory") never makes anyone an approver
    regions          "may not run in us-east-1", "anywhere except ap-south-1", "avoid GB" are
                     exclusions, never an allow-list; only "must not leave X" / "never outside X"
                     restrict to X
    urgent jobs      "never moved" needs a negation or an exemption; "may be moved" needs none
    blackouts        need a prohibition ("no jobs", "not", "blackout", "freeze", "closed" ...)
    two-person rule  refused when the sentence negates ("mints do not need two approvers")
    limits           a minimum ("at least", "no less than", "or more") is not a maximum
numbers
    every number of the reading must be a quantity the sentence states, after unit conversion:
    kW from W/kW/MW/GW, kgCO2e from g/kg/t, hours from minutes/hours/days/weeks, USD per tonne
    from USD per g/kg/t, kWh from kWh/MWh/GWh; counts of approvers from digits or words (after
    ``vocab.canonical``: "two" -> 2; "both", "dual", "two-person", "four-eyes" -> 2); a deferral of
    0 hours needs a negation ("never deferred"); a budget's period must be named; a recurring
    window's days, times of day and time zone must be the sentence's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from copilot.policy.times import WEEKDAYS, tokens
from copilot.policy.values import DURATION, MASS, POWER, PRICE, PolicyItem, SentenceError, hours, kilograms
from copilot.policy.vocab import canonical
from tools.regions import REGIONS

__all__ = ["claim_conflicts", "sentence_quantities"]

_NEGATION = re.compile(r"\b(?:never|not|no|none|nobody|nowhere|cannot|neither|nor|without)\b|n't\b", re.I)
_EXCLUSION = re.compile(r"""\b(?:except|excepting|excluding|exclude[sd]?|other\s+than|apart\s+from|besides|save\s+for
                           |avoid(?:s|ed|ing)?|ban(?:s|ned)?|bar(?:s|red)?|forbid(?:s|den)?|prohibit(?:s|ed)?
                           |disallow(?:s|ed)?|blacklist(?:s|ed)?|block(?:s|ed)?|revoked?|denied|deny|not\s+allowed
                           |no\s+longer)\b|\b(?:anywhere|everywhere|any\s+region|all\s+regions)\s+but\b""",
                        re.I | re.X)
_RESTRICT = re.compile(r"\b(?:leaves?|leaving|outside)\b", re.I)
_FREE = re.compile(r"\b(?:any|anywhere|everywhere|all\s+regions|unrestricted|no\s+(?:region(?:al)?\s+)?"
                   r"restrictions?|not\s+restricted|free\s+to)\b", re.I)
_FREE_NEGATED = re.compile(r"\bno\s+(?:region(?:al)?\s+)?restrictions?\b|\bnot\s+restricted\b", re.I)
_EXEMPT = re.compile(r"\b(?:exempt|pinned|fixed|locked|frozen|stays?|remains?|as\s+submitted|immediately)\b", re.I)
_PROHIBIT = re.compile(r"""\b(?:no|not|never|nothing|blackouts?|blacked|freeze|frozen|closed|maintenance
                          |off[- ]limits|off\s+the\s+table|out\s+of\s+bounds
                          |unavailable|paused?|halt(?:ed)?|suspend(?:ed)?|forbidden|prohibited|barred|banned)\b|n't\b""",
                       re.I | re.X)
_MINIMUM = re.compile(r"\b(?:at\s+least|minimum|min\.|no\s+less\s+than|not\s+less\s+than|or\s+more|and\s+above"
                      r"|and\s+up|upwards\s+of|a\s+floor\s+of)\b", re.I)
_ENERGY = re.compile(r"(?P<n>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<u>kwh|mwh|gwh)\b", re.I)
_BARE = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w.])")
_PAIR_WORDS = re.compile(r"\b(?:both|dual|double|(?:two|2)[- ](?:person|party|man|eyes)|(?:four|4)[- ]eyes|pair)\b",
                         re.I)
_PERIOD_WORDS = {"day": r"\b(?:day|days|daily|per\s+diem)\b", "week": r"\b(?:week|weeks|weekly)\b",
                 "month": r"\b(?:month|months|monthly)\b"}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def sentence_quantities(sentence: str) -> dict[str, list[float]]:
    """Every quantity ``sentence`` states, by dimension, in the PolicySet's units.

    Keys: ``hours`` (durations), ``kg`` (masses, kgCO2e), ``kw`` (power), ``usd_per_t`` (prices per
    mass, whatever the currency: the converters refuse other currencies), ``kwh`` (energy) and
    ``count`` (every number without a unit or a clock, numbers in words included).
    """
    text = canonical(sentence)
    out: dict[str, list[float]] = {"hours": [], "kg": [], "kw": [], "usd_per_t": [], "kwh": [], "count": []}

    def each(pattern: str) -> Iterable[re.Match[str]]:
        return re.finditer(rf"(?<![\w.]){pattern}", text, re.I)

    for m in each(DURATION):
        try:
            out["hours"].append(hours(m))
        except SentenceError:
            continue
    for m in each(MASS):
        try:
            out["kg"].append(kilograms(m))
        except SentenceError:
            continue
    for m in each(POWER):
        scale = {"g": 1e6, "m": 1e3, "k": 1.0, "w": 1e-3}[m["pu"][0].lower()]
        out["kw"].append(float(m["n"].replace(",", "")) * scale)
    for m in each(PRICE):
        unit = m["mu"].lower()
        per_kg = 1000.0 if unit[0] == "t" else 1.0 if unit.startswith(("k", "kilo")) else 0.001
        out["usd_per_t"].append(float(m["n"].replace(",", "")) / per_kg * 1000.0)
    for m in _ENERGY.finditer(text):
        scale = {"k": 1.0, "m": 1e3, "g": 1e6}[m["u"][0].lower()]
        out["kwh"].append(float(m["n"].replace(",", "")) * scale)
    bare = text
    for pattern in (PRICE, DURATION, MASS, POWER, _ENERGY.pattern, r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}"):
        bare = re.sub(rf"(?<![\w.]){pattern}", " ", bare, flags=re.I)
    out["count"] = [float(n.replace(",", "")) for n in _BARE.findall(bare)]  # numbers without a unit
    if _PAIR_WORDS.search(text):
        out["count"].append(2.0)
    return out


def _stated(value: float, found: list[float], what: str) -> list[str]:
    return [] if any(_close(value, f) for f in found) else [f"{what} {value:g} is not a quantity the sentence states"]


def _regions(item: PolicyItem, norm: str) -> list[str]:
    if item.value is None or set(item.value) == set(REGIONS):
        if not _FREE.search(norm):
            return ["'any region' is not what the sentence says"]
        negated = _NEGATION.search(_FREE_NEGATED.sub(" ", norm))
        return ["the sentence negates or excludes; it does not grant 'any region'"] if negated or \
            _EXCLUSION.search(norm) else []
    if _EXCLUSION.search(norm):
        return ["the sentence excludes regions (an exclusion is not an allow-list)"]
    if _NEGATION.search(norm) and not _RESTRICT.search(norm):
        return ["the sentence is negated ('may not run in X' excludes X; it does not restrict to X)"]
    return []


def _recurring(value: dict[str, Any], sentence: str) -> list[str]:
    gaps: list[str] = []
    found = tokens(canonical(sentence))
    named = {d for t in found if t.kind == "W" for d in t.value}
    if not named:
        gaps.append("the days of the week are not named in the sentence")
    elif not set(value["days"]) <= named:
        missing = [d for d in WEEKDAYS if d in value["days"] and d not in named]
        gaps.append(f"day(s) {', '.join(missing)} are not in the sentence")
    clocks: set[str] = set()
    for t in (t for t in found if t.kind == "T"):
        g = t.value.groupdict()
        if g.get("word"):
            clocks.update({"12:00"} if g["word"].lower() in ("noon", "midday") else {"00:00", "24:00"})
            continue
        h, mi = int(g["h"]), int(g.get("m") or 0)
        if g.get("ap"):
            h = h % 12 + (12 if g["ap"].lower() == "p" else 0)
        clocks.add(f"{h:02d}:{mi:02d}")
        if h == 0 and mi == 0:
            clocks.add("24:00")
    gaps += [f"{label} {value[key]} is not a time the sentence states" for label, key in
             (("start", "start_local"), ("end", "end_local")) if value[key] not in clocks]
    zones = {t.value[1] for t in found if t.kind == "Z"}
    if value["timezone"] not in zones:
        gaps.append(f"the time zone {value['timezone']} is not the sentence's "
                    f"({', '.join(sorted(zones)) or 'none named'})")
    return gaps


def _quorum(value: dict[str, Any], norm: str, q: dict[str, list[float]]) -> list[str]:
    gaps = [] if _NEGATION.search(norm) is None else ["the sentence is negated (it does not ask for more approvers)"]
    gaps += _stated(float(value["approvers"]), q["count"], "the number of approvers")
    if value.get("above") is not None:
        found = q["kwh"] if value.get("unit") == "kWh" else q["kg"]
        gaps += _stated(float(value["above"]), found, f"the threshold ({value.get('unit')})")
    return gaps


def _one(item: PolicyItem, sentence: str, norm: str, q: dict[str, list[float]]) -> list[str]:
    field, value = item.field, item.value
    if field == "mint_approvers":
        if _NEGATION.search(norm) or _EXCLUSION.search(norm):
            return ["the sentence forbids, excludes or negates; it names no one as an approver"]
        return []
    if field in ("allowed_regions_by_team", "default_allowed_regions"):
        return _regions(item, norm)
    if field == "urgent_never_moved":
        fixed = bool(_NEGATION.search(norm) or _EXEMPT.search(norm))
        if value and not fixed:
            return ["the sentence has no negation or exemption ('never moved' is not what it says)"]
        if not value and fixed:
            return ["the sentence is negated or exempts urgent jobs ('may be moved' is not what it says)"]
        return []
    minimum = ["the sentence states a minimum, not a maximum"] if _MINIMUM.search(norm) else []
    if field == "max_deferral_h_by_category":
        if float(value) == 0.0:
            return [] if _NEGATION.search(norm) else ["a deferral of 0 h needs a negation ('never deferred')"]
        return minimum + _stated(float(value), q["hours"], "the deferral (hours)")
    if field == "max_power_kw":
        return minimum + _stated(float(value), q["kw"], "the power cap (kW)")
    if field == "carbon_budget_kg":
        return minimum + _stated(float(value), q["kg"], "the budget (kgCO2e)")
    if field == "carbon_budget_period":
        return [] if re.search(_PERIOD_WORDS[str(value)], norm, re.I) else \
            [f"the budget period '{value}' is not named in the sentence"]
    if field == "carbon_price_usd_per_t":
        return _stated(float(value), q["usd_per_t"], "the carbon price (USD per tonne)")
    if field == "mint_quorum":
        return _quorum(value, norm, q)
    if field in ("blackout_windows", "recurring_blackouts"):
        gaps = [] if _PROHIBIT.search(norm) else ["the sentence prohibits nothing (a blackout needs 'no jobs', "
                                                   "'not', 'blackout', 'freeze' ...)"]
        return gaps + (_recurring(value, sentence) if field == "recurring_blackouts" else [])
    return [f"{field} cannot be checked against the sentence"]


def claim_conflicts(items: Sequence[PolicyItem], sentence: str) -> list[str]:
    """Why the reading ``items`` of ``sentence`` must be refused (empty: nothing contradicts it).

    ``items`` are in the PolicySet's units (kW, kgCO2e, hours, USD per tonne, kWh); ``sentence``
    is the text as written (or normalised). See the module docstring for what is checked.
    """
    norm = " ".join(sentence.split())
    q = sentence_quantities(norm)
    reasons: list[str] = []
    for item in items:
        reasons += [r for r in _one(item, sentence, norm, q) if r not in reasons]
    return reasons
