"""Amounts and mint quorums read by their parts, when no whole-sentence phrasing matches (deferral
limits and the urgent-jobs rule are read by ``copilot.policy.category_slots``).

A rule of these kinds has three parts whatever the word order: a subject (the fleet's power, its
emissions, carbon, mints), a limit (a word that makes the number a
maximum: "exceed", "more than", "at most", "up to", "capped", "ceiling", "limited to", "budget")
and one quantity in the unit of the kind (kW, kgCO2e per period, USD per tonne, people).
This reader finds the three and builds the item only when each is unambiguous:

    power     The bank's compute estate must not exceed a total draw of 450 kW.
              Peak power across the fleet must never go above 600 kW.  |  ... held to a ceiling of 3.2 MW.
    budget    Compute emissions across the lab must not exceed 20 tCO2e in any given month.
              A daily carbon ceiling of 250 kg CO2e applies to the whole fleet.
    price     The agency values carbon at USD 60 per tonne of CO2 equivalent for scheduling purposes.
    quorum    Mints over 750 kWh are subject to the four-eyes principle.
              Approval of a mint requires 5 approvers whenever the mint exceeds 50 MWh.

Anything that would change the meaning is refused (``None``: the sentence is reported as not
understood): a condition ("if", "when", "during", "unless", "only with"), a soft or aspirational
rule ("should", "ideally", "aim", "target"), a proposal, the past or an estimate ("was", "last
year", "previously", "roughly", "currently"), a minimum ("at least", "fall below"), a negation
other than of the limit itself ("must not exceed" is a limit, "is not capped" is not), a rule for
one team or one unit ("per rack", "the ml team's GPUs"), a year or a season, words after the
quantity that are not a known tail, and a second quantity or a word of another kind (a sentence
holding two constraints is left to the compound reader).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from copilot.policy.mints import quorum
from copilot.policy.values import (
    MASS,
    NUM,
    POWER,
    PRICE,
    Interpretation,
    PolicyItem,
    SentenceError,
    kilograms,
    kilowatts,
    one,
    period,
    regions_mentioned,
    ton_warnings,
    usd_per_tonne,
)

__all__ = ["by_slots"]

_RX = re.I | re.X
_SOFT = r"""if|when|whenever|unless|except|excluding|provided|during|while|whilst|until|between|ideally|prefer\w*
    |preferabl\w*|try|tries|aim\w*|target\w*|goals?|possible|encourag\w*|recommend\w*|propos\w*|consider\w*
    |plan(?:s|ned|ning)?|intend\w*|expect\w*|future|draft|tbd|todo|might|could|would|should|was|were|had
    |previous(?:ly)?|formerly|last|used\s+to|no\s+longer|currently|today|typically|usually|normally|often|roughly
    |about|around|approximately|approx|estimated|unlike|remov\w*|lift\w*|suspend\w*|pending|someday|once|reduc\w*
    |cut|increas\w*|rais\w*|lower\w*|drops?|falls?|minimum|at\s+least|no\s+less\s+than|not\s+less\s+than
    |floor|years?|yearly|annual\w*|quarter\w*|q[1-4]|seasons?|seasonal|summer|winter|spring|autumn|weekends?
    |weekdays?|nights?|nightly|example|for\s+instance|such\s+as|respectively|however|whereas|but|also|consent
    |approval\s+of\s+the|permission|exception|waiver|requester|requested|contractors?|temporar\w*|soft|advisory
    |indicative|guidelines?|nominal|informal|voluntary|desired|desirable"""
_REFUSE = re.compile(rf"\b(?:{_SOFT})\b|e\.g\.|%|\?|;|\b(?:19|20)\d\d\b|\d{{1,2}}:\d{{2}}", _RX)
_TEAM = re.compile(r"\bteams?\b|\bper\s+(?:job|node|rack|server|gpu|machine|user|host|team|region)\b"
                   r"|\beach\s+(?:job|node|rack|server|gpu|machine|user|host|team|region)\b", re.I)
_NEG = re.compile(r"\b(?:not|never|no|nor|neither|none|cannot)\b|n't\b", re.I)


def _teams(text: str, teams: Collection[str]) -> bool:
    return bool(_TEAM.search(text)) or any(re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", text, re.I)
                                           for t in teams)


def _only(rx: str, text: str) -> re.Match[str] | None:
    """The one match of ``rx`` in ``text``, None for none or several, or when another number is written
    outside it (a second quantity: the sentence may hold two constraints)."""
    found = list(re.finditer(rf"(?<![\w.,])(?:{rx})", text, _RX))
    if len(found) != 1 or re.search(r"\d", text[:found[0].start()] + " " + text[found[0].end():]):
        return None
    return found[0]


def _rest_is(pattern: str, rest: str) -> bool:
    return re.fullmatch(rf"\s*(?:{pattern})?\s*", rest, _RX) is not None


# -- power ------------------------------------------------------------------------------------
_FLEET = r"(?:fleet|cluster|estate|site|data\s*cent(?:er|re)|compute|studio|campus|lab|facility|organi[sz]ation)"
_P_SUBJECT = re.compile(rf"\b(?:power|draw|load|demand|consumption|electricity|{_FLEET})\b|-wide\b", _RX)
_P_NEG_LIMIT = re.compile(r"""\b(?:(?:must|may|shall|will|can|should|is\s+to|are\s+to)\s*(?:not|never)|never|cannot
                              |can't|mustn't|shan't|won't)(?:\s+(?:at\s+any\s+(?:time|point)|ever))?\s+(?:to\s+)?
                              (?:be\s+(?:allowed|permitted)\s+to\s+)?
                              (?:exceed|surpass|go\s+(?:above|over|beyond)|rise\s+above|be\s+(?:more\s+than|above|over)
                              |(?:draw|use|consume|pull)\s+more\s+than)\b""", _RX)
_P_LIMIT = re.compile(r"""\b(?:no\s+more\s+than|not\s+more\s+than|under|below|within|limit(?:s|ed)?
                          |caps?|capped|ceiling|max(?:imum)?|at\s+most|up\s+to|held\s+to|not\s+to\s+exceed)\b""", _RX)
_P_RULE = re.compile(r"""\b(?:must|shall|may|will|can|cannot|never|is\s+to|are\s+to|caps?|capped|ceiling|limit(?:s|ed)?
                         |max(?:imum)?)\b""", _RX)
_P_AFTER = rf"""(?:(?:at\s+any\s+(?:time|moment|point)|in\s+total|overall|in\s+aggregate|combined|fleet-?wide
                |across\s+(?:the\s+|all\s+)?(?:[\w'-]+\s+){{0,2}}{_FLEET}s?|of\s+(?:total\s+)?(?:power|draw|load))\s*)*
                (?:,\s*(?:the|its|our)\s+[\w\s'-]{{1,60}})?"""


_UNIT_OF_FLEET = re.compile(r"""\b(?:jobs?|workloads?|nodes?|racks?|servers?|machines?
                                |hosts?|instances?|tenants?|projects?|customers?|users?|containers?|pods?|tasks?|gpus|cpus
                                |accelerators?|boards?|chips?|devices?)\b""", _RX)


_MINIMUM = re.compile(r"""\b(?:above|over|beyond|more\s+than|exceed(?:s|ing)?|surpass)\b""", re.I)


def _power(text: str) -> Interpretation | None:
    if _UNIT_OF_FLEET.search(text):
        return None  # a cap for one job, node, rack or room is not the fleet's cap
    q = _only(POWER, text)
    if q is None or not _P_SUBJECT.search(text[:q.start()]) or not _rest_is(_P_AFTER, text[q.end():]):
        return None
    before = text[:q.start()]
    if _NEG.search(_P_NEG_LIMIT.sub(" ", before)):
        return None  # "is not capped at 500 kW"
    if not (_P_NEG_LIMIT.search(before) or _P_LIMIT.search(before)) or not _P_RULE.search(before):
        return None
    if _MINIMUM.search(re.sub(r"\bno(?:t)?\s+more\s+than\b", " ", _P_NEG_LIMIT.sub(" ", before), flags=re.I)):
        return None  # "must remain above 100 kW" is a minimum
        return None
    if re.search(r"\b(?:emissions?|co2|carbon|price|cost|defer|delay|urgent|mints?|approv\w*)\b", text, re.I):
        return None
    return one("max_power_kw", kilowatts(q), None, "read by its parts: power, limit and amount")


# -- carbon budget ------------------------------------------------------------------------------
_B_SUBJECT = re.compile(r"\b(?:carbon|emissions?|emit|emitted|co2e?|ghg|budget)\b", re.I)
_B_LIMIT = re.compile(r"""\b(?:budget|allowance|caps?|capped|ceiling|limit(?:s|ed)?|at\s+most|no\s+more\s+than
                          |up\s+to|under|below|within|max(?:imum)?|stands\s+at)\b""", _RX)
_B_NEG_LIMIT = re.compile(r"""\b(?:(?:must|may|shall|will|can|is\s+to|are\s+to)\s*(?:not|never)|never|cannot)\s+
                              (?:exceed|go\s+(?:above|over)|be\s+more\s+than|emit\s+more\s+than)\b""", _RX)
_PERIOD = r"""(?:\s*(?:(?:per|an?|each|every|(?:in|over|during)\s+(?:an?|each|any|every|one))\b|/)\s*
               (?:(?:given|single|calendar)\s+)?(?P<per>\w+))"""
_ADJ = re.compile(r"\b(?P<adj>daily|weekly|monthly)\b", re.I)
_B_AFTER = rf"""(?:{_PERIOD.replace('?P<per>', '?:')})?\s*
                (?:(?:applies\s+to|(?:shall|will)\s+apply\s+to|covers|(?:shall|will)\s+cover)\s+(?:the\s+)?
                   (?:whole\s+|entire\s+)?(?:[\w'-]+\s+)?{_FLEET}
                |across\s+(?:the\s+)?(?:[\w'-]+\s+)?{_FLEET}|in\s+total|overall|fleet-?wide)?"""


def _budget(text: str) -> Interpretation | None:
    if _UNIT_OF_FLEET.search(text):
        return None
    q = _only(MASS, text)
    if q is None or re.search(rf"{NUM}\s*(?:usd|us\s*\$|\$|dollars?|cents?)|\bpric|\bvalu|\bcost", text, re.I):
        return None
    before, after = text[:q.start()], text[q.end():]
    if not _B_SUBJECT.search(text) or not _rest_is(_B_AFTER, after):
        return None
    if _NEG.search(_B_NEG_LIMIT.sub(" ", before)) or not (_B_LIMIT.search(before) or _B_NEG_LIMIT.search(before)):
        return None
    if _MINIMUM.search(re.sub(r"\bno(?:t)?\s+more\s+than\b", " ", _B_NEG_LIMIT.sub(" ", before), flags=re.I)):
        return None
    per = re.match(_PERIOD, after, _RX)
    adjs = {m["adj"].lower() for m in _ADJ.finditer(before)}
    if (per and adjs) or len(adjs) > 1 or not (per or adjs):
        return None  # no period, or two
    value = period(per["per"] if per else adjs.pop())
    return Interpretation((PolicyItem("carbon_budget_kg", kilograms(q)), PolicyItem("carbon_budget_period", value)),
                          (*ton_warnings(q), "read by its parts: emissions, limit, amount and period"))


# -- carbon price -------------------------------------------------------------------------------
_OTHER_MONEY = re.compile(r"\b(?:eur|euros?|gbp|pounds?|inr|rupees?|yen|jpy|chf|cad|aud|sek|nok|dkk|cny|rmb)\b|[€£¥₹]",
                          re.I)
_C_CUE = re.compile(r"\b(?:pric(?:e|ed|es|ing)|valu(?:e|ed|es)|cost(?:s|ed)?|charg(?:e|ed|es)|fee|levy)\b", re.I)
_C_AFTER = r"""(?:(?:for|in)\s+(?:all\s+)?(?:(?:internal\s+)?
               (?:scheduling|planning|placement|accounting|ranking|costing)(?:\s+(?:purposes|decisions|calculations))?|(?:[\w-]+\s+){1,2}purposes))?"""


def _price(text: str) -> Interpretation | None:
    q = _only(PRICE, text)
    if q is None or _OTHER_MONEY.search(text) or not _C_CUE.search(text) or _NEG.search(text):
        return None
    if not re.search(r"\b(?:carbon|co2e?|emissions?)\b", text[:q.start()], re.I) or \
            not _rest_is(_C_AFTER, text[q.end():]):
        return None
    return one("carbon_price_usd_per_t", usd_per_tonne(q), None, *ton_warnings(q),
               "read by its parts: carbon, price and amount")


# -- mint quorum --------------------------------------------------------------------------------
_Q_PEOPLE = re.compile(r"""\b(?:at\s+least\s+|no\s+fewer\s+than\s+|a\s+minimum\s+of\s+)?(?P<k>\d|two|three|four|five)\s+
                           (?:(?:different|distinct|separate|authori[sz]ed|named|independent)\s+)?
                           (?:approvers?|approvals|people|persons|officers|signatures|sign-?offs|signatories|reviewers
                           |individuals)\b""", _RX)
_Q_TWO = re.compile(r"\b(?:four|4)-eyes\b|\btwo-person\b|\bsecond\s+(?:pair\s+of\s+eyes|approver|signature)\b"
                    r"|\b(?:dual|double)\s+(?:approval|sign-?off|control)\b", re.I)
_QUANT = (r"(?P<n>" + NUM + r")\s*"
          r"(?P<u>kwh|mwh|kgco2e?|kg\s*co2e?|kg|t\s*co2e?|tco2e?|tonnes?(?:\s+(?:of\s+)?co2e?)?)\b")
_ABOVE = (r"(?:above|over|exceeding|exceeds|larger\s+than|greater\s+than|bigger\s+than|more\s+than|in\s+excess\s+of"
          r"|>)")
_Q_THRESHOLD = re.compile(rf"""(?:,?\s*(?:whenever|when|if)\s+(?:the|a)\s+mint\s+
                               (?:exceeds|is\s+(?:above|over|larger\s+than|greater\s+than|more\s+than))\s+
                               |\b{_ABOVE}\s+){_QUANT}""", _RX)
_Q_REFUSE = re.compile(r"""\b(?:if|when|whenever|unless|except|provided|requester|requested|contractors?|should|ideally
                           |was|were|previously|no\s+longer|propos\w*|consider\w*|might|could|would|only|single|one
                           |not|never|no|nobody|up\s+to|at\s+most|maximum|barred|banned)\b|@|\?|;|%""", _RX)


def _quorum(text: str) -> Interpretation | None:
    if not re.search(r"\bmint(?:s|ing)?\b", text, re.I) or re.search(r"\brequest", text, re.I):
        return None
    if re.search(r"\bof\s+(?:the\s+following|these|them|those)\b|:\s*\S+.*(?:,\s|\band\b)", text, re.I):
        return None
    thresholds = list(_Q_THRESHOLD.finditer(text))
    if len(thresholds) > 1:
        return None
    rest = _Q_THRESHOLD.sub(" ", text)
    rest = re.sub(r",?\s*(?:regardless|irrespective)\s+of\s+(?:its\s+|their\s+)?(?:size|amount)\s*,?", " ", rest,
                  flags=re.I)
    rest = re.sub(r"\bno\s+fewer\s+than\b", "at least", rest, flags=re.I)
    if _Q_REFUSE.search(rest) or re.search(_QUANT, rest, re.I):
        return None
    people = list(_Q_PEOPLE.finditer(rest))
    two = list(_Q_TWO.finditer(rest))
    if len(people) + len(two) != 1 or not re.search(r"\b(?:requires?|needs?|must|shall|subject\s+to|quorum)\b",
                                                     rest, re.I):
        return None
    said = people[0] if people else two[0]
    if not re.fullmatch(r"""\s*(?:rule|principle|check|approval|sign-?off|control)?
                            (?:\s+(?:for|on)\s+(?:every|each|any|all|a)?\s*(?:mints?|one|anything))?\s*""",
                        rest[said.end():], _RX):
        return None  # words after the count may name or qualify the approvers
    k = people[0]["k"] if people else "two"
    fields: dict[str, str | None] = {"k": k, "n": None, "u": None}
    if thresholds:
        fields.update(n=thresholds[0]["n"], u=thresholds[0]["u"])
    reading = quorum(_Fields(fields))  # type: ignore[arg-type]
    return Interpretation(reading.items, (*reading.warnings, "read by its parts: mints, people and threshold"))


class _Fields(dict[str, str | None]):
    """A dict that answers like a match (``m["k"]``, ``m.groupdict()``) for ``mints.quorum``."""

    def groupdict(self) -> dict[str, str | None]:
        return dict(self)


# -- entry point --------------------------------------------------------------------------------
_NOT_A_CATEGORY = re.compile(r"\b(?:non|not|less|more)[- ]?(?:urgent|balanced|sustainable)\b", re.I)


_PART_OF_FLEET = re.compile(r"\b(?:urgent|balanced|sustainable|gpus?|cpus?|batch|tiers?|racks?|partitions?|projects?"
                            r"|tenants?|customers?|nodes?)\b", re.I)
"""Words that narrow an amount to part of the fleet; the PolicySet's power, budget and price are fleet-wide."""


def by_slots(text: str, teams: Collection[str]) -> Interpretation | None:
    """The one constraint ``text`` states read by its parts (see the module docstring), else None."""
    urgent, mint = bool(re.search(r"\burgent\b", text, re.I)), bool(re.search(r"\bmint", text, re.I))
    money = re.sub(r"\bUS\s*(?:cents?|dollars?|\$)", " ", text)
    if (urgent and mint) or any(regions_mentioned(money)) or _NOT_A_CATEGORY.search(text):
        return None
    if mint:
        readers = [_quorum]
    elif urgent:
        return None  # the urgent-jobs rule: copilot.policy.category_slots
    else:
        readers = [_power, _budget, _price]
        if _REFUSE.search(text):
            return None
    if not mint and _teams(text, teams):
        return None  # a rule for one team: the PolicySet holds fleet-wide amounts only
    found = []
    for read in readers:
        if read in (_power, _budget, _price) and _PART_OF_FLEET.search(text):
            continue  # "For sustainable jobs, the carbon price is ...": a fleet-wide amount would be wrong
        try:
            reading = read(text)
        except SentenceError:
            return None
        if reading is not None:
            found.append(reading)
    return found[0] if len(found) == 1 else None
