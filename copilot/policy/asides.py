"""Asides inside a policy sentence: words that explain or illustrate a constraint without changing it.

``without_asides`` is tried only when a sentence cannot be read as written. It removes

    examples, explanations   "Sustainable jobs (nightly renders, for example) may wait up to 8 hours."
                             "... 300 kW, the rating of the building's feed."  (after a quantity or region)
    a restated place         "us-east-1 (N. Virginia)"  (the place must be that same region; nothing else is
                             removed from a parenthesis after a region)
    a leading purpose        "For internal reporting, ..."
    additive adverbs         "in eu-west-1 and, additionally, in eu-north-1"

and never removes an aside that could change the constraint: one holding a number, an e-mail
address, a region code or another place, a time zone, date or day, a capitalised name, a team, a
job category, or a word of condition, exception, scope, softness or time ("unless", "except",
"only", "all", "temporarily", "proposed", "ideally", "until", ...). The result must still be read
by the recognisers as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from copilot.policy.times import tokens
from copilot.policy.values import SentenceError, parse_regions
from copilot.policy.vocab import alias_pattern

__all__ = ["without_asides"]

_ALIAS = alias_pattern()
_REGION = re.compile(r"\b[a-z]{2,3}-[a-z]+-?\d+[a-z]?\b|\b(?:CISO|PJM|ERCO|ISNE|SE|DE|GB|FR|IE|US|EU|UK)\b")
_CHANGES = re.compile(r"""\b(?:not|never|no|none|nor|unless|except|excluding|including|include|includes|only|if|when
    |whenever|while|until|till|after|before|during|from|since|once|sustainable|balanced|urgent|team|teams|all|any
    |every|each|other|others|rest|remaining|default|temporar(?:y|ily)|proposed|proposal|draft|tbd|tbc|pending
    |planned|pilot|trial|optional|recommended|preferabl[ey]|ideally|should|could|might|may|must|can|shall|will
    |approx(?:imately)?|about|around|roughly|estimated|minimum|maximum|max|min|at\s+least|at\s+most|up\s+to
    |per|each|above|below|over|under|more|less|fewer|exceed\w*|limit\w*|cap\w*|budget|price\w*|approv\w*|mints?
    |region|regions|zone|zones|week\w*|month\w*|day|days|daily|hours?|year\w*|night\w*|morning|evening
    |tentative\w*|provisional\w*|to\s+be\s+(?:confirmed|decided|announced|agreed)|tba|examples?|instance
    |hypothetical\w*|illustrat\w*|sample|e\.\s?g|backups?|deput(?:y|ies)|alternates?|primary|secondary|interim
    |review\w*|revisit\w*|substitutes?|stand-?ins?|cover|as\s+a\s+rule|in\s+principle|mostly|mainly|generally
    |usually|normally|typically|in\s+most\s+cases|as\s+things\s+stand|for\s+now|currently|in\s+theory)\b""",
                      re.I | re.X)
_PAREN = re.compile(r"\s*\((?P<a>[^()]*)\)")
_PURPOSE = re.compile(r"^for\s+(?P<a>[a-z][\w\s'-]{2,60}?)\s*,\s*(?=\S)", re.I)
_APPOSITION = re.compile(r"(?<=[a-z\d])\s*,\s+(?P<a>(?:the|a|an|which\s+is|i\.\s?e\.)\s+[^,;:()]{3,80}?)\s*$", re.I)
_QUANTITY_OR_REGION = re.compile(rf"(?:\d\s*[a-z%$]+|{_REGION.pattern})\s*$", re.I)
_FOR_A_WHILE = re.compile(r"\b(?:now|the\s+time\s+being|the\s+moment|a\s+while|today|this\s+\w+|training|inference"
                         r"|testing|tests?|experiments?|development|dev|staging|production|prod|builds?|backups?"
                         r"|ci)\b", re.I)
"""A leading "For now," / "For the time being," (temporary) or "For training," (one kind of work) narrows
the rule: never an aside."""
_ADDITIVE = re.compile(r"\s*,\s*(?:additionally|also|as\s+well|furthermore|moreover|in\s+addition)\s*,\s*", re.I)
_TEAMISH = re.compile(r"[\w-]+")


_SCOPE = re.compile(r"\b(?:urgent|balanced|sustainable|jobs?|workloads?|teams?|regions?|zones?|clusters?|nodes?|gpus?"
                    r"|cpus?|batch|categor(?:y|ies)|projects?|tenants?|customers?|users?|sites?|racks?)\b", re.I)
"""Words that narrow a rule to part of the fleet ("For sustainable jobs, ..."): never an aside."""


def _harmless(aside: str, teams: Collection[str]) -> bool:
    """Whether ``aside`` only explains: no number, address, region, place, team, scope or qualifying word."""
    if _SCOPE.search(aside) or re.search(r"\b(?:or|and|nor|plus|instead|also)\b|&", aside, re.I):
        return False  # "(or bob)", "(and carol)": an alternative or an addition, never an aside
    if re.search(r"[\d@$€£%]", aside) or _CHANGES.search(aside) or _REGION.search(aside) or _ALIAS.search(aside) \
            or tokens(aside) or re.search(r"(?<![\w.])(?!E\.g\.|I\.e\.)[A-Z]", aside):  # a zone, date, day; a name
        return False
    return not any(w.lower() in teams for w in _TEAMISH.findall(aside))


def _restates(place: str, before: str) -> bool:
    """Whether ``place`` (an aside's text) names exactly the region written just before it."""
    code = re.search(rf"({_REGION.pattern})\s*$", before)
    if not code or not re.fullmatch(r"[\w\s.'-]+", place) or _REGION.search(place):
        return False
    try:
        named, own = parse_regions(place), parse_regions(code.group(1))
    except SentenceError:
        return False
    return bool(named) and named == own


def without_asides(text: str, teams: Collection[str]) -> str | None:
    """``text`` without its harmless asides (see the module docstring); None when it has none."""
    out = text
    for m in reversed(list(_PAREN.finditer(out))):
        after_region = re.search(rf"(?:{_REGION.pattern})\s*$", out[:m.start()])
        if _restates(m["a"], out[:m.start()]) or (not after_region and _harmless(m["a"], teams)):
            out = out[:m.start()] + out[m.end():]
    purpose = _PURPOSE.match(out)
    if purpose and _harmless(purpose["a"], teams) and not _FOR_A_WHILE.search(purpose["a"]):
        out = out[purpose.end():]
    apposition = _APPOSITION.search(out)
    if apposition and _harmless(apposition["a"], teams) and _QUANTITY_OR_REGION.search(out[:apposition.start()]):
        out = out[:apposition.start()]
    out = _ADDITIVE.sub(" ", out)
    out = re.sub(r"\s{2,}", " ", out).strip()
    return out if out != text.strip() else None
