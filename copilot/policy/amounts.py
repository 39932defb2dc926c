"""Sentences that set an amount: the carbon price, the power cap and the carbon budget.

    carbon price  The internal carbon price is 120 USD per tonne.  |  Internal carbon price: USD 85/tCO2e.
                  We price carbon at $100 per tonne CO2e.  |  Each metric ton of CO2e shall be valued at 100 US dollars.
                  (USD only; per t|tonne|ton, kg or g, converted to USD per tonne)
    power cap     The cluster power cap is 500 kW.  |  Power cap: 2 MW.  |  Never draw more than 1.2 MW.
                  The cluster shall not draw more than 1,200 kW at any time.
                  Fleet power draw must stay below 800 kW.
                  Never exceed 750,000 W of total draw across the cluster.  |  Cap cluster power at 300 kW.
                  (W, kW, MW, GW)
    budget        The weekly carbon budget is 2000 kgCO2e.  |  The fleet's carbon budget is 2.5 t CO2e per month.
                  Emissions must stay below 5 t CO2e per month.  |  Emissions shall be capped at 80 kg per calendar day.
                  We allow at most half a tonne of CO2e per day.  |  No more than 1.5 t CO2e may be emitted in any week.
                  (g, kg, t; period day, week or month)

A minimum ("at least 200 kW"), a condition ("..., or 2 MW if finance agrees") or a budget for one
team matches none of these and is reported, and so is a wish ("The carbon price should be $100 per
tonne": 'should', 'ideally'). Sentences no phrasing here matches are read by their parts in
``slots`` and then ``amount_slots``.
"""

from __future__ import annotations

import re

from copilot.policy.grammar import IS, MODAL, NEGATED, NEVER_VERB, Recogniser, rx
from copilot.policy.values import (
    MASS,
    NUM,
    PERIOD,
    POWER,
    PRICE,
    Interpretation,
    PolicyItem,
    SentenceError,
    kilograms,
    kilowatts,
    one,
    period,
    ton_warnings,
    usd_per_tonne,
)

__all__ = ["AMOUNTS"]

_CUR = r"usd|us\s*\$|\$|dollars?|us\s+dollars?|(?:us\s+)?cents?|¢|eur|euros?|€|gbp|£|pounds?"


_SOFT = re.compile(r"""\b(?:should|ideally|ought\s+to|preferably|aim|target)\b
                      |\b(?:may|can|could|might)\s+(?:always\s+)?(?:stay|remain|be\s+(?:capped|limited|kept|held|set|restricted
                         |below|under|within|less))\b""", re.I | re.X)


def _firm(m: re.Match[str]) -> None:
    """Refuse a wish or a possibility: 'The carbon price should be $100 per tonne', 'The cluster may be
    capped at 500 kW' are not rules (the shared phrasings accept 'should be' and 'may be' for other kinds)."""
    if _SOFT.search(m.string):
        raise SentenceError("a wish ('should', 'ideally') is not a rule; write 'must' or 'is'", "unrecognised")


def _carbon_price(m: re.Match[str]) -> Interpretation:
    _firm(m)
    return one("carbon_price_usd_per_t", usd_per_tonne(m), None, *ton_warnings(m))


def _power(m: re.Match[str]) -> Interpretation:
    _firm(m)
    return one("max_power_kw", kilowatts(m))


def _budget(m: re.Match[str]) -> Interpretation:
    _firm(m)
    per = period(m["adj"] if m.groupdict().get("adj") else m["per"])
    return Interpretation((PolicyItem("carbon_budget_kg", kilograms(m)),
                           PolicyItem("carbon_budget_period", per)), ton_warnings(m))


_PSUBJ = r"""(?:the\s+|our\s+)?(?:(?:cluster|fleet|site|data\s*cent(?:er|re)|total|overall|maximum|max|peak|fleet-wide
             |aggregate|combined)(?:'s)?\s+)*
             (?:(?:power|electricity|electrical)(?:\s+(?:draw|use|usage|consumption|demand|load))?|draw|load|demand)"""
_PSUBJ = rf"{_PSUBJ}(?:\s+(?:across|of)\s+the\s+(?:cluster|fleet|site))?"
_WHOLE = r"(?:the\s+)?(?:cluster|fleet|site|data\s*cent(?:er|re))"
_PTAIL = r"(?:\s+(?:at\s+any\s+(?:time|moment|point)|in\s+total|overall|across\s+the\s+(?:cluster|fleet|site)))*"
_BELOW = r"(?:below|under|within|at\s+or\s+below|no\s+more\s+than|at\s+most|less\s+than)"
_ESUBJ = r"(?:total\s+|our\s+|the\s+)?(?:(?:fleet|cluster)(?:'s)?\s+)?(?:carbon\s+|co2e?\s+|ghg\s+)?emissions"
_BUDGET = r"(?:budget|cap|limit|allowance|ceiling)"

AMOUNTS: tuple[Recogniser, ...] = (
    Recogniser("the carbon price", rx(
        rf"""(?:(?:we\s+)?(?:use|apply|assume|set)\s+)?(?:the\s+|an?\s+|our\s+)?(?:internal\s+|shadow\s+)?
             carbon\s+(?:price|fee|charge|levy)(?:{IS}|\s+(?:to|at)\s+){PRICE}""",
        rf"(?:the\s+|our\s+)?(?:internal|shadow)\s+(?:carbon\s+)?price\s+{PRICE}",
        rf"(?:carbon\s+(?:is\s+)?)?priced\s+(?:internally\s+)?at\s+{PRICE}",
        rf"(?:we\s+)?price\s+carbon\s+at\s+{PRICE}",
        rf"carbon\s+(?:is\s+(?:priced|valued|costed)\s+at|costs)\s+{PRICE}",
        rf"(?:we\s+)?use\s+{PRICE}\s+as\s+(?:the|our)\s+(?:internal\s+|shadow\s+)?carbon\s+price",
        rf"{PRICE}\s+(?:is\s+(?:the|our)\s+)?(?:internal\s+|shadow\s+)?carbon\s+price",
        rf"""(?:an?\s+|the\s+|our\s+)?(?:(?:internal|shadow)\s+(?:carbon\s+)?|carbon\s+)(?:price|fee|charge|levy)\s+of\s+{PRICE}\s+
             (?:applies|is\s+used|shall\s+apply|will\s+apply|is\s+applied|(?:shall|will|must|is\s+to)\s+be\s+(?:applied|used))
             (?:\s+(?:to|in|for)\s+(?:all\s+)?(?:scheduling|planning|placement)(?:\s+decisions)?
             |\s+when\s+(?:scoring|ranking|comparing|evaluating)\s+(?:schedules|plans|placements|options))?""",
        rf"""(?:(?:we\s+)?(?:use|apply|assume|set)\s+)?(?:the\s+|an?\s+|our\s+)?(?:internal\s+|shadow\s+)?
             (?:price\s+(?:on|of|for)\s+carbon|(?:internal|shadow)\s+price)(?:{IS}|\s+(?:to|at)\s+){PRICE}""",
        rf"""(?P<one>each|every|one|a|per|1)\s+(?:metric\s+)?(?P<mu>tonnes?|tons?|t|kilograms?|kg)
             (?:\s*(?:of\s+)?(?:co2-?eq(?:uivalent)?|co2e?|carbon(?:\s+dioxide)?)(?:\s+equivalents?)?)?
             \s+(?:(?:shall|must|will|should|is\s+to)\s+be|is)\s+(?:valued|priced|costed|charged)\s+at\s+
             (?:(?P<c1>{_CUR})\s*)?(?P<n>{NUM})\s*(?P<c2>{_CUR})?""",
    ), _carbon_price, re.compile(r"carbon\s+price|price\s+(?:of\s+)?carbon|priced|valued", re.I),
        "The internal carbon price is 120 USD per tonne."),
    Recogniser("the power cap", rx(
        rf"""(?:the\s+)?(?:(?:cluster|fleet|site|total|maximum|max|overall)(?:'s)?\s+)*
             power\s+(?:cap|limit|ceiling|budget){IS}{POWER}""",
        rf"(?:the\s+)?max(?:imum)?\s+(?:cluster\s+|fleet\s+)?power(?:\s+draw)?{IS}{POWER}",
        rf"""(?:we\s+)?(?:must\s+)?{NEVER_VERB}\s+(?:(?:draw|use|consume|pull)\s+more\s+than|go\s+(?:over|above)|exceed)
             \s+{POWER}{_PTAIL}""",
        rf"""(?:(?:hard|absolute|strict)\s+)?(?:cap|limit|ceiling)\s+(?:on|for)\s+(?:the\s+)?(?:(?:cluster|fleet|total)(?:'s)?\s+)?
             power(?:\s+(?:draw|use|consumption))?{IS}{POWER}""",
        rf"(?:{_PSUBJ}|{_WHOLE})\s+{NEGATED}\s+(?:exceed|go\s+above|rise\s+above|be\s+(?:more\s+than|above)){_PTAIL}\s+{POWER}{_PTAIL}",
        rf"{_WHOLE}\s+{NEGATED}\s+(?:draw|use|consume)\s+more\s+than\s+{POWER}{_PTAIL}",
        rf"{_PSUBJ}\s+{MODAL}\s+(?:always\s+)?(?:stay|remain|be\s+kept|be)\s+{_BELOW}\s+{POWER}{_PTAIL}",
        rf"(?:{_PSUBJ}|{_WHOLE})\s+(?:is|are|{MODAL}\s+be)\s+(?:capped|limited)\s+(?:at|to)\s+{POWER}{_PTAIL}",
        rf"""(?:never|do\s+not|don't)\s+exceed\s+{POWER}(?:\s+of\s+(?:total\s+)?(?:power|(?:power\s+)?(?:draw|consumption|load)))?
             {_PTAIL}""",
        rf"cap\s+(?:the\s+)?(?:(?:cluster|fleet|total)(?:'s)?\s+)?power(?:\s+draw)?\s+at\s+{POWER}",
        rf"""{_WHOLE}\s+(?:may|can|must|shall|should)\s+(?:only\s+)?(?:draw|use|consume)\s+
             (?:at\s+most|up\s+to|no\s+more\s+than|a\s+maximum\s+of)\s+{POWER}{_PTAIL}""",
        rf"""keep\s+(?:the\s+)?(?:(?:cluster|fleet|total)(?:'s)?\s+)*power(?:\s+(?:draw|consumption|use))?\s+
             (?:below|under|at\s+or\s+below|within)\s+{POWER}{_PTAIL}""",
        rf"""(?:the\s+)?(?:(?:cluster|fleet|site)(?:'s)?\s+)?(?:maximum|max|peak)\s+(?:total\s+)?power
             (?:\s+(?:draw|consumption|demand|use))?{IS}{POWER}""",
    ), _power, re.compile(r"\bpower\b|\d\s*(?:kw|mw|gw)\b|\bdraw\b", re.I), "The cluster power cap is 500 kW."),
    Recogniser("the carbon budget", rx(
        rf"""(?:the\s+|our\s+)?(?P<adj>daily|weekly|monthly|yearly|annual|quarterly)\s+
             (?:carbon\s+|emissions?\s+|co2e?\s+)?{_BUDGET}(?:\s+(?:for|of)\s+(?:the|our)\s+(?:fleet|cluster|company))?
             (?:{IS}|\s+){MASS}""",
        rf"""(?:the\s+|our\s+)?(?:(?:fleet|cluster|company|organi[sz]ation)(?:'s)?\s+)?
             (?:carbon|emissions?|co2e?|carbon\s+emissions?|ghg)\s+{_BUDGET}{IS}{MASS}{PERIOD}""",
        rf"{_ESUBJ}\s+{MODAL}\s+(?:stay|remain|be\s+kept|be)\s+{_BELOW}\s+{MASS}{PERIOD}",
        rf"""(?:the\s+|our\s+)?(?P<adj>daily|weekly|monthly)\s+(?:carbon\s+|co2e?\s+)?emissions\s+
             (?:{MODAL}\s+(?:stay|remain|be\s+kept|be)\s+{_BELOW}|{NEGATED}\s+exceed|(?:are|is|{MODAL}\s+be)\s+
             (?:capped|limited)\s+(?:at|to))\s+{MASS}""",
        rf"""(?:the\s+|our\s+)?(?:fleet|cluster|company)\s+(?:may|can|must|shall)\s+(?:only\s+)?emit\s+
             (?:at\s+most|no\s+more\s+than|up\s+to|less\s+than)\s+{MASS}{PERIOD}""",
        rf"{_ESUBJ}\s+{NEGATED}\s+exceed\s+{MASS}{PERIOD}",
        rf"{_ESUBJ}\s+(?:are|is|{MODAL}\s+be)\s+(?:capped|limited)\s+(?:at|to)\s+{MASS}{PERIOD}",
        rf"""(?:we\s+)?(?:(?:must|may|shall)\s+)?(?:emit\s+(?:no\s+more\s+than|at\s+most|less\s+than)
             |{NEVER_VERB}\s+emit\s+more\s+than)\s+{MASS}{PERIOD}""",
        rf"""(?:the\s+|our\s+)?(?P<adj>daily|weekly|monthly)\s+(?:co2e?|carbon|ghg)(?:\s+emissions)?\s+
             (?:{NEGATED}\s+exceed|{MODAL}\s+(?:stay|remain|be\s+kept|be)\s+{_BELOW})\s+{MASS}""",
        rf"""we\s+have\s+an?\s+(?:(?P<adj>daily|weekly|monthly)\s+)?(?:carbon\s+|emissions?\s+|co2e?\s+)?budget\s+of\s+
             {MASS}(?(adj)|{PERIOD})""",
        rf"""(?:the\s+|our\s+)?(?:carbon|emissions?|co2e?)\s+{_BUDGET}\s+(?:for|per)\s+(?:each|every|a|one|the|any)\s+
             (?P<per>\w+){IS}{MASS}""",
        rf"we\s+(?:allow|permit|accept)\s+(?:at\s+most|no\s+more\s+than|up\s+to|a\s+maximum\s+of)\s+{MASS}{PERIOD}",
        rf"(?:no\s+more\s+than|at\s+most)\s+{MASS}\s+(?:may|can|shall|should|will)\s+be\s+emitted{PERIOD}",
        rf"we\s+(?:get|have|are\s+allowed)\s+{_BELOW}\s+{MASS}{PERIOD}",
        rf"""we\s+(?:get|have|are\s+allowed)\s+{MASS}{PERIOD}\s*,?\s*
             (?:no\s+more|(?:at\s+)?max(?:imum)?|tops|at\s+(?:the\s+)?most)""",
        rf"""(?:we\s+)?(?:(?:must|shall|will)\s+)?keep\s+{_ESUBJ}(?:\s+(?:attributable\s+to|from|of)\s+(?:the\s+|our\s+)?
             (?:services?|fleet|cluster|workloads|operations))?\s+{_BELOW}\s+{MASS}{PERIOD}""",
        rf"{MASS}\s*/\s*(?P<per>day|week|month)\s+(?:carbon\s+|emissions?\s+|co2e?\s+)?budget",
    ), _budget, re.compile(r"\bbudget\b|\bemissions?\b|\bemit", re.I), "The weekly carbon budget is 2000 kgCO2e."),
)
