"""The fleet's power cap, carbon budget and carbon price read by their parts (the last slot reader).

A sentence sets one of these amounts when it holds exactly one quantity of the amount's unit, a
subject of the amount, for a cap or a budget a word that makes the quantity a maximum, and no word of a
MEANING-CHANGER class (``_CHANGERS``: conditions and exceptions, wishes, plans and the future, the past and
descriptions of today, changes, minimums and additions, parts of the fleet or of its emissions, times of day or
week, numbers said in words; plus ``_REFUSE``, ``_SCOPE``, the negations and 'any/each/every cluster'). Every
other word is NEUTRAL ('fyi', 'so the breakers hold', 'per the lease', 'across the board', 'as agreed with the
board'), except a capitalised word outside the rule's, the organisation's and a contract's vocabulary, which may
name a cluster or a site ('Orion must never draw ...'); a capitalised opener ('Operationally, ...') is allowed:

    power cap   kW, MW, W, GW and a subject (power, draw, load, demand, consumption, the cluster, the
                fleet, the site, the estate, the data centre, the lab's GPU fleet) and a limit (must not / never
                exceed, go above, draw more than; capped, limited, held to; cap, ceiling, limit,
                maximum; under, below, within, at most, no more than, up to; keep ... under), and a
                word that makes it a rule (a modal, cap, ceiling, limit, maximum, a leading 'keep', ':')
                rather than a description of today ('Total draw is held under 1.5 MW' is refused)
                The Customer's aggregate power draw shall not exceed 3.2 MW at any time.
                keep the cluster under 450kW at all times  |  The lab's GPU fleet shall be held to a ceiling of 3.2 MW.
                The machine room feed limits the cluster to 450 kW; the scheduler must never exceed this.
    budget      g, kg, t (CO2e) with one period (per/a/each/in any day, week, month; daily, weekly, monthly),
                a subject (emissions, carbon, CO2e, GHG, budget, footprint) and a limit as above
                (budget, allowance, cap, ceiling, keep ... below)
                daily carbon budget = 0.2 t CO2e across all clusters
                We shall keep emissions attributable to the Customer's fleet below 40 kgCO2e per day.
    price       USD (US$, $, dollars, US cents; 'bucks' only with an explicit '(USD)') per g, kg or t, and a
                carbon price subject (carbon price, shadow price, internal price, price carbon, carbon is
                valued at, per tonne of CO2e)
                An internal shadow price of US$ 65 per tonne of carbon dioxide equivalent shall be applied.
                We price carbon at 150 bucks a ton (USD) internally.

The organisation and its fleet may be named in many ways, all read as the whole fleet: "the Customer's",
"the lab's", "studio-wide", "the retail compute fleet", "the HPC cluster", "Total HPC emissions", "the
agency", "the City's", "the Foundation", "the hosted environment", "total system power", "the data centre
cluster" (a vocabulary of organisations, of public bodies and of what a fleet is called or serves); a name that
picks one part ("the staging cluster", "the Orion cluster", "the vendor's", "rack-wide", a team) refuses.

Remarks that cannot change the amount are dropped: ', GPUs included,' / ', including storage and cooling,' (the whole
fleet with its parts; 'GPUs excluded' is unknown and refuses), a purpose ('for cost allocation', 'for chargeback
purposes', 'for reporting'), the limit said again ('don't exceed it', 'please do not go over this budget'), 'now'
('the power cap is now 900 kW'; 'was' still refuses). A payer ('Projects are charged', 'All teams are billed') is
read as 'we charge' (a named team is a scope and refuses); 'Don't let / Never allow the fleet (to) go above ...'
reads as 'the fleet must not ...'; a parenthesis that gives the same power or mass again in another unit ('900 kW
(0.9 MW)', '1.2 t (1,200 kg) CO2e') is dropped, one with another amount refuses; a leading 'Stay under' /
'Remain below' is a rule like 'Keep ... under'.
A plan refuses: a bare 'to be' ('Power cap to be set at 900 kW'; 'is to be kept' is the rule) and 'will be raised /
lowered / reviewed / set ...'.

Refused (None): a team, a job category, a region, a unit of the fleet ("per node", "each rack", "GPU
jobs"), another currency, a minimum ("at least", "above", "floor"), a soft, possible or conditional
rule ("should", "may be capped", "when"), a plan, the past ("has been capped"), a year or season, a
second number, carbon offsets, credits, net or embodied emissions, a market, external or social cost of carbon.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from copilot.policy.grammar import vocabulary
from copilot.policy.values import (
    MASS,
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

__all__ = ["read"]

_RX = re.I | re.X




# -- what every amount sentence may hold ----------------------------------------------------------
_COMMON = vocabulary("""the a an our its their this that which is are be shall must will may can to of
    for at in on by with across all any time times moment point overall total aggregate combined entire whole
    fleet-wide cluster-wide site-wide estate-wide we it always hard strict absolute firm upper applies apply
    scheduler planner level permitted allowed permissible allowable now together jointly""")
_FLEET = r"(?:fleet|cluster|clusters|estate|site|sites|facility|campus|compute|infrastructure|data\s*cent(?:er|re)s?)"
_SCOPE = re.compile(r"""\b(?:urgent|balanced|sustainable|teams?|nodes?|racks?|servers?|gpus?|cpus?|jobs?|workloads?
                        |hosts?|machines?|partitions?|pods?|rooms?|halls?|buildings?|tenants?|projects?|users?
                        |regions?|zones?|rows?|cages?|tiers?|batch|instances?|accelerators?|devices?)\b""",
                    _RX)
"""Words that narrow an amount to part of the fleet: the PolicySet's amounts are fleet-wide."""
_REFUSE = re.compile(r"""\?|%|\b(?:if|when|whenever|unless|except|provided|during|while|until|should|ideally|prefer\w*
                         |target\w*|goals?|aim\w*|try|propos\w*|plan(?:s|ned|ning)?|draft|tbd|was|were|used\s+to
                         |currently|typically|usually|roughly|about|around|approx\w*|estimated|minimum|least|floor
                         |q[1-4]|years?|yearly|annual\w*|quarter\w*|seasonal|summer|winter|weekends?|nights?|but|however
                         |also|temporar\w*|rolling|average|averaged|mean|per\s+cent|percent)\b
                         |(?<!\bis\s)(?<!\bare\s)\bto\s+be\b
                         |\b(?:will|shall|would)\s+be\s+(?:raised|lowered|increased|decreased|reduced|cut|introduced|revised
                            |reviewed|changed|updated|set|decided|agreed|confirmed)\b
                         |\b(?:may|can|could|might)\s+(?:always\s+)?(?:stay|remain|be\s+(?:capped|limited|kept|held|set|restricted
                         |below|under|within|less))\b""", _RX)
_POSSESSIVE = re.compile(r"\b(?:the|our)\s+(?P<owner>(?:[A-Za-z][\w-]*\s+){0,2}[A-Za-z][\w-]*)'s\s+", re.I)
_WIDE = re.compile(r"\b(?P<owner>[A-Za-z]+)-wide\b", re.I)
_NAMED = re.compile(r"\b(?:the|our|this)\s+(?P<owner>(?:[A-Za-z][\w-]*\s+){1,2}?)(?P<head>fleet|cluster|estate)\b",
                    re.I)
_ORG = vocabulary("""lab laboratory labs studio centre center agency company organisation organization org group
    business firm bank university institute hospital telco operator provider customer client enterprise
    corporation plant school college campus estate site fleet cluster facility hpc it ict compute computing
    city council municipality county government ministry authority foundation trust charity society institution
    association federation museum library ngo nonprofit non-profit practice partnership
    datacentre datacenter system systems environment hosted hosting installation platform landscape premises
    on-premises on-prem""")
"""The organisation and its fleet, however a policy names them ('the agency', 'Total HPC emissions'); any
other owner or name of a fleet may be a part of it ('the vendor's', 'the staging cluster')."""
_LINES = vocabulary("saas retail trading banking corporate entire whole overall total combined aggregate physical")
"""Words that describe the whole fleet by what it serves ('the SaaS fleet', 'the retail compute fleet')."""
_MADE_OF = vocabulary("gpu gpus cpu server")
"""What a whole fleet may be made of ('the lab's GPU fleet'); 'the GPU cluster' may be one cluster of several."""
_REINFORCED = re.compile(r"""\s*(?:[;,]|\s-)\s*(?:and\s+)?
    (?:(?:the\s+(?:scheduler|planner|optimi[sz]er|fleet|cluster)|we|it)\s+(?:must|shall|may|will|can)\s+(?:never|not)\s+
       (?:exceed|go\s+(?:above|over|beyond)|surpass)\s+(?:this|that|it)(?:\s+(?:limit|cap|ceiling|figure|value|amount))?
    |(?:please\s+)?(?:do\s+not|don't|never)\s+(?:exceed|blow|break|bust|go\s+(?:above|over|beyond)|overshoot|breach)
       \s+(?:it|this|that)(?:\s+(?:limit|cap|ceiling|budget|figure))?
    |which\s+(?:must|shall|may)\s+(?:never|not)\s+be\s+exceeded
    |(?:this|that)\s+(?:limit|cap|ceiling)\s+(?:must|shall|may)\s+(?:never|not)\s+be\s+exceeded)\s*$""", _RX)
"""'; the scheduler must never exceed this': the limit said again, not a second rule."""
_PURPOSE = re.compile(r"""\s*,?\s*\b(?:for|in)\s+(?:all\s+)?(?:internal\s+)?
                          (?:(?:cost|carbon|financial|management|project|investment|budget|capital|allocation|chargeback
                             |showback)\s+)?
                          (?:scheduling|planning|placement|accounting|ranking|costing|optimi[sz]ation|reporting|allocation
                           |chargeback|showback|budgeting|billing|invoicing|appraisal|evaluation|decision-making)
                          (?:\s+(?:purposes|decisions|calculations))?\b""", _RX)
"""'for planning purposes', 'in scheduling': what an amount is used for, not a condition."""
_ALWAYS = re.compile(r"\s*,?\s*\b(?:at\s+all\s+times|at\s+any\s+(?:one\s+|given\s+|single\s+)?(?:time|moment|point)"
                     r"(?:\s+in\s+time)?|around\s+the\s+clock|24/7)\b",
                     re.I)


_NO_MATTER = re.compile(r"""\s*,?\s*\b(?:no\s+matter\s+what|no\s+exceptions?|no\s+excuses|without\s+exception
                            |no\s+ifs,?\s+(?:ands\s+)?or\s+buts)\b""", _RX)
"""', no matter what', ', no exceptions': the limit said firmly, not a negation."""
_IN_NO_EVENT = re.compile(r"\b(?:in\s+no\s+(?:event|case|circumstances?)|under\s+no\s+circumstances?)\b", re.I)
"""'shall in no event exceed': never."""


_PARTS_OF = r"(?:gpus?|cpus?|servers?|accelerators?|storage|networking|cooling|racks?|nodes?)"
_INCLUDED = re.compile(rf"""\s*,\s*(?:(?:all|its|the|their)\s+)?{_PARTS_OF}(?:\s*(?:,|and|&)\s*{_PARTS_OF})*\s+included
                            \s*(?=,|$)
                           |\s*,\s*including\s+(?:(?:all|its|the|their)\s+)?{_PARTS_OF}(?:\s*(?:,|and|&)\s*{_PARTS_OF})*
                            \s*(?=,|$)""", _RX)
"""', GPUs included,' / ', including storage and cooling,': the whole fleet with all its parts, not one part."""
_LET = re.compile(r"""^(?:do\s+not|don't|never)\s+(?:let|allow)\s+(?P<subj>(?:the|our)\s+[\w'-]+(?:\s+[\w'-]+){0,3}?)\s+
                      (?:to\s+)?(?=(?:go|rise|exceed|surpass|top|draw|use|consume|emit)\b)""", _RX)
"""'Don't let the cluster go above 600 kW', 'Never allow the fleet to exceed 2 MW': the fleet must not."""
_PAYER = re.compile(r"""^(?:all\s+|every\s+|each\s+)?(?:projects?|teams?|tenants?|users?|departments?|business\s+units?
                        |customers?|workloads?|jobs?)\s+(?:are|is|shall\s+be|will\s+be|get|gets)\s+
                        (?=(?:charged|billed|invoiced)\b)""", _RX)
"""'Projects are charged an internal price of ...': every payer, not one part of the fleet."""


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z0-9'-]*", text.lower())


def _one(pattern: str, text: str) -> re.Match[str] | None:
    """The one match of a quantity ``pattern`` in ``text``; None for none, several, or another number (the
    digit of 'CO2e' is no number)."""
    found = list(re.finditer(rf"(?<![\w.,])(?:{pattern})", text, _RX))
    if len(found) != 1 or re.search(r"(?<![a-z])\d", text[:found[0].start()] + " " + text[found[0].end():], re.I):
        return None
    return found[0]


def _restated(text: str, pattern: str, size: Callable[[re.Match[str]], float]) -> str | None:
    """``text`` without a parenthesis that gives its one quantity again in another unit ('900 kW (0.9 MW)',
    '1.2 t CO2e (1,200 kg)'); the same text without such a parenthesis, None when the two quantities differ."""
    paren = re.search(rf"\s*\(\s*(?:i\.\s?e\.\s*|or\s+|=\s*|~\s*)?(?P<q>{pattern})\s*\)", text, _RX)
    if paren is None:
        return text
    rest = text[:paren.start()] + text[paren.end():]
    outer = _one(pattern, rest)
    inner = re.fullmatch(pattern, paren["q"], _RX)
    try:
        same = outer is not None and inner is not None and abs(size(outer) - size(inner)) < 1e-6 * max(size(outer), 1)
    except SentenceError:
        return None
    return rest if same else None


_CHANGERS = re.compile(r"""\b(?:
    # conditions and exceptions
    if|when|whenever|unless|provided|providing|assuming|given|case|depending|depends|contingent|conditional\w*|subject
    |whereas|whilst|while|otherwise|else|except\w*|exclud\w*|exclusive|besides|apart|without|minus|save
    # wishes, plans, proposals, the future
    |should|ought|would|could|might|ideally|ideal|hope\w*|want\w*|wish\w*|recommend\w*|suggest\w*|encourag\w*
    |strive\w*|endeavou?r\w*|seek\w*|attempt\w*|effort\w*|best|possible|feasible|practicable|reasonabl\w*|desir\w*
    |optional\w*|voluntar\w*|consider\w*|review\w*|discuss\w*|revisit\w*|expect\w*|forecast\w*|projected|projection
    |anticipat\w*|predict\w*|estimat\w*|intend\w*|intention|commit\w*|pledge\w*|pilot\w*|trial\w*|experiment\w*
    |next|upcoming|future|soon|later|eventually|starting|effective|onwards?|after|before|pending|proposal
    |roadmap|phase\w*|migrat\w*|once|going|tentative\w*|provisional\w*|interim|initial\w*|first
    # the past and descriptions of today
    |had|been|being|getting|becom\w*|did|last|previous\w*|prior|historic\w*|ago|former\w*|past|reached|peaked|hit|averag\w*|recorded
    |measured|observed|actual\w*|today|presently|right|still|yet|already|again|anymore|longer|normally|generally
    |mostly|often|sometimes|rarely|seldom|usual\w*|typical\w*|current\w*
    |for\s+now|for\s+the\s+(?:time\s+being|moment)|at\s+(?:present|the\s+moment)|as\s+(?:things|it)\s+stands?
    # changes, minimums, additions
    |rais\w*|increas\w*|decreas\w*|reduc\w*|lower|lowered|lowering|cut|cuts|drop\w*|bump\w*|boost\w*|grow\w*
    |expand\w*|extend\w*|shrink\w*|trim\w*|tighten\w*|loosen\w*|relax\w*|doubl\w*|halv\w*|more|greater|higher
    |above|over|beyond|exceed\w*|surpass\w*|min|floor|additional\w*|extra|plus|further|another|other|others
    |remaining|rest|too|net|offset\w*|credits?|renewable\w*|green|social|societal|market|markets|trading|ets
    |regulatory|statutory|external\w*
    |principle|theory|most|cases?|extent|practice|practically|as\s+a\s+(?:general\s+)?rule|following|reorg\w*
    |rise|rises|rising|rose|risen|reach\w*|climb\w*|goes|jump\w*|soar\w*|hik\w*|escalat\w*|index\w*|inflation
    |spring|autumn|begin\w*|commenc\w*|long|emergenc\w*|barring|outage\w*|incident\w*|failover|maintenance|mode\w*
    |idle|standby|baseline|base|feeds?|phases?|circuits?|pdus?|per\s+(?!(?:the|our|its|policy)\b)
    # parts of the fleet and of its emissions, times of day and of the week
    |each|every|individual\w*|single|respective\w*|apiece|separately|new|legacy|old|staging|dev|development|test
    |testing|qa|prod|production|preprod|sandbox|experimental|research|training|inference|ml|ai|analytics|web|backend
    |frontend|database|databases|db|storage|cooling|network|networking|lighting|hvac|ups|chillers?|offices?|buildings?
    |embodied|lifecycle|upstream|downstream|scope|travel|commut\w*|supply|hours?|hourly|am|pm|morning\w*|afternoon\w*
    |evening\w*|daytime|daylight|weekdays?|business|peak-?time|off-?peak|holidays?|monday|tuesday|wednesday|thursday
    |friday|saturday|sunday|january|february|march|april|june|july|august|september|october|november|december
    # numbers said in words (a second amount)
    |zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty
    |seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|half|twice|dozen|lakh|crore)\b""", _RX)
"""The classes of words that change what an amount means: a condition or an exception, a wish or a plan, the
past or today's state, a change, a minimum or an addition, a part of the fleet or of its emissions, a time, a
second number. Every other word is neutral (a remark, a filler), except a capitalised name the rule does not
know, which may name a cluster, a site or a team."""
_CONTRACT = vocabulary("""parties party agreement contract customer customers provider providers supplier services
    service licensee licensor client vendor operator company organisation organization we our us please note""")
"""Capitalised words of a contract or a memo that name the whole organisation or the agreement itself."""
_MEMO = vocabulary("""fyi nb ps asap reminder friendly heads up important notice attention update policy rule
    rules note guideline guidelines standard""")
"""A memo's or a slide's openers ('FYI', 'Friendly reminder', 'Heads up')."""


def _neutral(rest: str, vocabulary: frozenset[str]) -> bool:
    """Whether ``rest`` (placeholders in brackets aside) holds no meaning-changer (``_CHANGERS``) and no
    capitalised word outside ``vocabulary``, the common words, the organisation's and a contract's (a name that
    may be a cluster's, a site's or a person's); every other word is neutral."""
    plain = re.sub(r"\[\w+\]", " ", rest)
    if _CHANGERS.search(plain):
        return False
    known = vocabulary | _COMMON | _ORG | _CONTRACT | _MEMO | _P_WORDS | _B_WORDS | _C_WORDS
    for m in re.finditer(r"[A-Za-z][\w'-]*", plain):
        word, base = m.group(0), re.sub(r"'s$", "", m.group(0)).lower()
        if not word[0].isupper() or base in known or re.fullmatch(r"(?:US|USD|CO2e?|GHG|HPC|IT|ICT|SaaS|kg|t)", word):
            continue
        if not plain[:m.start()].strip() and (base.endswith("ly") or re.match(r"\s*[,:]", plain[m.end():])):
            continue  # 'Operationally, ...', 'Update: ...': an opener capitalised by its place, not a name
        return False
    return True


# -- power cap -------------------------------------------------------------------------------------
_NEGATED = r"""(?:(?:must|shall|may|will|can|should|is\s+to|are\s+to|does|do)\s*(?:not|never)
               |(?:is|are)\s+(?:not|never)\s+to|never|cannot|can't
               |mustn't|shan't|won't|doesn't|don't)(?:\s+(?:at\s+any\s+(?:time|moment|point)|ever))?\s+
               (?:be\s+(?:allowed|permitted)\s+to\s+)?"""
_ABOVE_VERB = r"""(?:exceed|surpass|top|go\s+(?:above|over|beyond)|rise\s+above|be\s+(?:more|higher|greater)\s+than
                  |be\s+(?:above|over))"""
_LIMIT = re.compile(rf"""\b(?:{_NEGATED}{_ABOVE_VERB}|{_NEGATED}(?:draw|use|consume|pull|emit)\s+more\s+than
                    |(?:capped|limited|restricted|held|kept|constrained|confined)\s+(?:at|to|below|under|within)
                    |(?:hard\s+|strict\s+)?(?:caps?|ceiling|limit|maximum|max\.?|upper\s+(?:limit|bound)
                       |(?<=power\s)(?:budget|envelope|allowance))(?:\s+(?:of|at|is))?
                    |under|below|within|beneath|at\s+or\s+below|no\s+more\s+than|not\s+more\s+than|at\s+most|up\s+to
                    |a\s+maximum\s+of|less\s+than|lower\s+than
                    |(?:limits?|caps?|restricts?|constrains?)\s+(?:the\s+|our\s+)?{_FLEET}\s+to)\b""", _RX)
_RULE = re.compile(r"""\b(?:must|shall|may|will|can|cannot|never|(?:is|are)\s+(?:not\s+)?to|caps?|capped|ceiling
                       |limits?|limited
                       |max(?:imum)?|budget|allowance|restricted|constrained|confined)\b
                       |^(?:keep|stay|remain|do\s+not|don't)\b
                       |[:=]""", _RX)
"""What makes a sentence a rule rather than a description of today ('Total draw is held under 1.5 MW' may
only say how things are)."""
_NEGATION = re.compile(r"\b(?:not|never|no|nor|cannot)\b|n't\b", re.I)
_P_SUBJECT = re.compile(rf"\b(?:power|draw|load|demand|consumption|electricity|{_FLEET})\b", re.I)
_P_WORDS = vocabulary("""power draw load demand consumption electricity electrical usage use fleet cluster clusters
    estate site sites facility campus compute infrastructure data center centre centers centres datacenter
    datacentre peak instantaneous keep kept stay stays remain remains held hold set stand stands system systems
    environment environments hosted hosting installation installations platform landscape premises""")
_CAUSE = re.compile(rf"""^(?:the|our)\s+(?P<cause>[a-z][\w'-]*(?:\s+[a-z][\w'-]*){{0,4}}?)\s+
                        (?=(?:limits?|caps?|restricts?|constrains?)\s+(?:the\s+|our\s+)?{_FLEET}\s+to\b)""", _RX)
"""'The machine room feed limits the cluster to ...': what sets the limit is not part of it."""


def _power(text: str) -> Interpretation | None:
    plain = _restated(text, POWER, kilowatts)
    if plain is None:
        return None
    text = plain
    q = _one(POWER, text)
    if q is None or not _P_SUBJECT.search(text):
        return None
    rest = text[:q.start()] + " [Q] " + text[q.end():]
    if not _LIMIT.search(rest) or not _RULE.search(rest):
        return None
    rest = _LIMIT.sub(" [L] ", rest)
    if _NEGATION.search(rest) or not _neutral(rest, _P_WORDS):
        return None  # a negation other than of the limit, or a word the rule does not know
    return one("max_power_kw", kilowatts(q), None, "read by its parts: the fleet's power, a limit and the amount")


# -- carbon budget ---------------------------------------------------------------------------------
_PER = r"""(?:per|a|an|each|every|/|(?:in|over|during|for)\s+(?:a|an|each|any|every|one|the|a\s+single))\s*
           (?:(?:given|single|calendar)\s+)?(?P<per>day|week|month|days|weeks|months)\b"""
_ADJ = re.compile(r"\b(?P<adj>daily|weekly|monthly)\b", re.I)
_B_SUBJECT = re.compile(r"\b(?:emissions?|emit|emitted|carbon|co2e?|ghg|greenhouse|budget|footprint)\b", re.I)
_B_WORDS = vocabulary("""emissions emission emit emitted carbon co2 co2e ghg greenhouse gas gases budget allowance
    footprint fleet cluster clusters estate site sites facility campus compute infrastructure company organisation
    organization operations attributable from keep kept stay stays remain remains held hold set stand stands
    daily weekly monthly""")


def _budget(text: str) -> Interpretation | None:
    plain = _restated(text, MASS, kilograms)
    if plain is None:
        return None
    text = plain
    q = _one(MASS, text)
    if q is None or not _B_SUBJECT.search(text) or re.search(r"\bpric|\bvalu|\bcost|\$|usd|dollar", text, re.I) \
            or _SOURCES.search(text):
        return None
    rest = text[:q.start()] + " [Q] " + text[q.end():]
    per = list(re.finditer(_PER, rest, _RX))
    adjs = list(_ADJ.finditer(rest))
    if len(per) + len(adjs) != 1:
        return None  # no period, or two
    word = per[0]["per"] if per else adjs[0]["adj"]
    rest = re.sub(_PER, " [P] ", rest, flags=_RX) if per else _ADJ.sub(" ", rest)
    if (not _LIMIT.search(rest) and not re.search(r"\b(?:budget|allowance)\b", rest, re.I)) or not _RULE.search(rest):
        return None
    rest = _LIMIT.sub(" [L] ", rest)
    if _NEGATION.search(rest) or not _neutral(rest, _B_WORDS):
        return None
    return Interpretation((PolicyItem("carbon_budget_kg", kilograms(q)), PolicyItem("carbon_budget_period",
                                                                                    period(word))),
                          (*ton_warnings(q), "read by its parts: emissions, a limit, the amount and its period"))


# -- carbon price ----------------------------------------------------------------------------------
_OTHER_MONEY = re.compile(r"""\b(?:eur|euros?|gbp|pounds?|sterling|inr|rupees?|yen|jpy|chf|francs?|cad|aud|nzd|sek
                              |nok|dkk|cny|rmb|yuan|krona|krone|zar|brl|mxn|sgd|hkd)\b|[€£¥₹]
                              |\b(?:c|ca|a|au|nz|s|hk)\$""", _RX)
_USD_SAID = re.compile(r"\s*\(\s*(?:usd|us\s*dollars?|us\$)\s*\)|\busd\b|\bus\s*(?:\$|dollars?)", re.I)
_C_SUBJECT = re.compile(r"""\b(?:carbon|co2e?|ghg|emissions?)\b.*\b(?:pric\w*|valu\w*|cost\w*|charg\w*|levy|fee)\b
                            |\b(?:pric\w*|valu\w*|cost\w*|charg\w*|levy|fee)\b.*\b(?:carbon|co2e?|ghg|emissions?)\b
                            |\bshadow\s+pric""", _RX)
_C_WORDS = vocabulary("""price priced pricing prices value valued values cost costed costs charge charged levy fee
    shadow internal internally carbon co2 co2e ghg emissions emission dioxide equivalent apply applied applies
    use used using scheduling placement decisions decision purposes accounting calculations calculation
    ranking scoring evaluation optimisation optimization set sets fixed fixes charge charges billed bill bills
    emitted""")


_SOURCES = re.compile(r"""\b(?:electricity|electric|energy|fuel|diesel|generators?|heating|flights?|air|vehicles?
                          |removal|removals|capture|sequestration|scope|travel|cloud)\b""", _RX)
"""What emits or removes carbon: a budget or a price for one source ('from electricity', 'carbon removal') is not
the fleet's."""
_NOT_A_PRICE = re.compile(r"""\b(?:may|might|could|can|caps?|capped|ceiling|limit\w*|max\w*|under|below|floor|most
                              |up\s+to)\b""", _RX)
"""A price that is capped, possible or a bound is not the price."""


def _price(text: str) -> Interpretation | None:
    if _OTHER_MONEY.search(text) or _SOURCES.search(text) or _NOT_A_PRICE.search(text):
        return None
    if re.search(r"\bbucks\b", text, re.I):  # "150 bucks a ton (USD)": dollars, and US ones only when said
        if not _USD_SAID.search(text):
            return None
        text = re.sub(r"\bbucks\b", "USD", re.sub(r"\s*\(\s*(?:usd|us\s*dollars?|us\$)\s*\)", " ", text,
                                                   flags=re.I), flags=re.I)
    q = _one(PRICE, text)
    if q is None or not _C_SUBJECT.search(text):
        return None
    rest = text[:q.start()] + " [Q] " + text[q.end():]
    if _NEGATION.search(rest) or not _neutral(rest, _C_WORDS):
        return None
    return one("carbon_price_usd_per_t", usd_per_tonne(q), None, *ton_warnings(q),
               "read by its parts: carbon, a price and the amount")


# -- entry point -----------------------------------------------------------------------------------
_EACH = re.compile(rf"""\b(?:any|each|every|one|per|individual|a\s+single|any\s+single|any\s+one|any\s+given)\s+
                      (?:[\w-]+\s+)?{_FLEET}\b""", _RX)
"""'Any cluster must not exceed 300 kW', 'each site': a limit on every part, not on the fleet."""


def _scoped(text: str, teams: Collection[str]) -> bool:
    """Whether ``text`` narrows the amount to a team, a category, a region or a unit of the fleet."""
    plain = re.sub(r"\bdata\s*cent(?:er|re)s?\b", "site", text, flags=re.I)
    plain = re.sub(r"\bUS\s*(?:cents?|dollars?|\$)", " ", plain)
    if any(regions_mentioned(plain)) or _SCOPE.search(plain):
        return True
    return any(re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", plain, re.I) for t in teams)


def _whole(text: str, teams: Collection[str]) -> str | None:
    """``text`` with the names of the whole organisation or fleet made plain ('the Customer's' and 'the lab's'
    -> 'the', 'studio-wide' -> 'fleet-wide', 'the retail compute fleet' -> 'the fleet'); None when one of
    them names a part ('the ml team's', 'the staging cluster', 'rack-wide', 'the GPU cluster')."""
    def part(owner: str, allowed: frozenset[str]) -> bool:
        return any(regions_mentioned(owner)) or any(w.lower() not in allowed for w in owner.split())

    text = re.sub(r"\bdata\s*cent(?:er|re)\b", "datacentre", text, flags=re.I)
    if any(part(m["owner"], _ORG | _LINES) for m in _POSSESSIVE.finditer(text)):
        return None
    text = _POSSESSIVE.sub("the ", text)
    if any(part(m["owner"], _ORG) for m in _WIDE.finditer(text)):
        return None
    text = _WIDE.sub("fleet-wide", text)
    for m in _NAMED.finditer(text):  # a fleet of GPUs is the fleet; a GPU cluster may be one of several
        if part(m["owner"], _ORG | _LINES | (_MADE_OF if m["head"].lower() != "cluster" else frozenset())):
            return None
    return _NAMED.sub("the fleet", text)


def read(text: str, teams: Collection[str]) -> Interpretation | None:
    """The fleet's power cap, carbon budget or carbon price ``text`` states (see the module docstring), else None."""
    if re.search(r"\bmint|\bdefer|\bdelay|\burgent|\bapprov", text, re.I):
        return None
    text = _PURPOSE.sub(" ", _ALWAYS.sub(" ", _REINFORCED.sub("", text.strip().rstrip(".!"))))
    text = _NO_MATTER.sub(" ", _IN_NO_EVENT.sub(" never ", text))
    text = _PAYER.sub("we ", _INCLUDED.sub("", text)).strip()
    text = _LET.sub(lambda m: f"{m['subj']} must not ", text)
    cause = _CAUSE.match(text)
    if cause:  # what sets the limit may be a part of the site ('the machine room feed'), never a team or category
        if _scoped(re.sub(r"\b(?:rooms?|halls?|buildings?|machines?)\b", " ", cause["cause"], flags=re.I), teams) \
                or re.search(r"\d", cause["cause"]) or _REFUSE.search(cause["cause"]):
            return None
        text = text[cause.end():]
    owned = _whole(text, teams)
    if owned is None or _REFUSE.search(owned) or _scoped(owned, teams) or _EACH.search(owned):
        return None
    found = []
    for reader in (_power, _budget, _price):
        try:
            reading = reader(owned)
        except SentenceError:
            return None
        if reading is not None:
            found.append(reading)
    return found[0] if len(found) == 1 else None
