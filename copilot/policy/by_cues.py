"""Reading a sentence by its cue words and its values when no phrasing matched (deterministic, offline).

The phrasings of ``parser`` read a sentence whole, so a word they do not expect leaves it
unrecognised. This reader is the second chance: it finds the values a constraint needs (teams,
regions, categories, durations, amounts with units, people, approver counts), decides the kind
from cue words ("defer", "draw", "per tonne", "mint" + "approve"), and accepts a reading only when
nothing in the sentence could change its meaning. It refuses (returns None) whenever:

- the sentence is soft, conditional, proposed, descriptive or historical ("should", "where
  possible", "if", "during", "we plan to", "mostly", "was"), or a minimum ("at least");
- a residency sentence excludes instead of restricting ("never in ap-south-1"), names regions in
  two roles ("except", "failover"), or no team or fleet-wide scope;
- an amount belongs to one team (the fields are fleet-wide), is in another currency or period;
- an approver sentence does not say the people are the only ones ("only", "nobody else");
- the values do not pair up (three categories, two durations) or two kinds fire in one clause
  that cannot be cut into parts each read alone.
- a region-like name is unknown ("eu-west-1 and mars-1"), a number has a decimal comma or a minus sign;
- a word it does not understand belongs to a meaning-changer class of the phrase readers, or is a
  capitalised name the rule does not know ("jobs on Orion");
- the sentence holds a time of day (blackout windows are the phrase reader's alone).

A wrong constraint is worse than an unread sentence: every refusal keeps the sentence in the
report's unrecognised list with the parser's own reason.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection

from copilot.policy import amount_slots, category_slots, mint_slots, residency_slots
from copilot.policy.grammar import vocabulary
from copilot.policy.instructions import is_instruction
from copilot.policy.sentences import ALWAYS_CHANGES
from copilot.policy.values import (
    DURATION,
    MASS,
    POWER,
    Interpretation,
    PolicyItem,
    SentenceError,
    hours,
    kilograms,
    kilowatts,
    number,
    period,
)
from copilot.policy.vocab import REGION_ALIASES, alias_pattern
from tools.regions import REGIONS

_RX = re.I | re.X
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"

# -- what makes any reading unsafe ------------------------------------------------------------------
_SOFT = re.compile(r"""\b(?:should|ought|preferabl[ey]|preferred|prefer|ideally
    |where(?:ver)?\s+(?:possible|feasible|practical)|if\s+possible|as\s+far\s+as|try|tries|trying|aim|aims|aiming|strive|encourag\w*|recommend\w*|advis\w*
    |suggest\w*|best[- ]effort|hope|would|nice\s+to|could|might|guideline|target(?:s|ed|ing)?|goal)\b""", _RX)
_CONDITION = re.compile(r"""\b(?:if|unless|whenever|in\s+case|provided|as\s+long\s+as|in\s+the\s+event|during|whether
    |depending|subject\s+to|upon\s+request|on\s+request|case[- ]by[- ]case|temporar\w*|pilot\w*|trial|pending
    |when(?!\s+\w+ing\b)
    |with(?:out)?\s+(?:the\s+|a\s+|prior\s+)?(?:[\w-]+\s+){0,2}(?:consent|approval|permission|agreement|authori[sz]ation)
    |^\W*where|only\s+(?:with|after|once|when|if|for)
     (?!\s+(?:(?:it\s+has\s+been|being|the|an?)\s+)?(?:approv|sign|authori)))\b""", _RX)
_NOT_A_RULE = re.compile(r"""\b(?:propos\w*|draft|consider\w*|plan(?:s|ned|ning)?\s+to|intend\w*|tbd
    |to\s+be\s+(?:decided|confirmed|agreed|discussed)|discuss\w*|under\s+review|review\w*\s+whether|currently|mostly|usually|typically|generally|normally
    |often|rarely|seldom|tentativ\w*|provisional\w*|evaluat\w*|option\s+[a-z]\b|typo|mistake|incorrect
    |sub-\w+|rejected|sometimes|tend\w*|historically|used\s+to|previously|formerly|last\s+(?:year|quarter|month|week)
    |was|were|had\s+been|has\s+been|example|e\.g\.|for\s+instance|such\s+as|per\s+(?:team|tenant|group|project|user)
    |each\s+team|every\s+team's|minimum|at\s+least(?!\s+(?:[2-5]|two|three|four|five)\s+(?:of\s+(?:us|them)\b|(?:distinct|different
    |separate|independent)\s+|people|persons|approv\w*|reviewers|signatures|sign-?offs|officers|officials|members))|no\s+less\s+than|not\s+less\s+than|or\s+more|annual\w*|yearly
    |per\s+year|a\s+year|quarter\w*|rolling|average|averag\w*|waiver|exception\s+(?:may|can)|approved\s+by\s+the\s+board
    |signed\s+on|effective\s+from\s+\d|previous\w*|no\s+longer\s+appl\w*|remov\w*|lift\w*|repeal\w*
    |rescind\w*|supersed\w*|obsolete|deprecat\w*|unlike|ha(?:ve|s)\s+(?:not\s+)?been|in\s+the\s+past|so\s+far|to\s+date
    |(?:rise|rises|increase|increases|fall|falls|drop|drops|go\s+up|goes\s+up|change|changes)\s+to
    |monthly|fortnightly|biweekly|every\s+other\s+(?:day|week|weekend|month|year|\w+day)\b|alternate|(?:first|second|third|fourth|last)\s+\w+day|each\s+year
    |every\s+year|christmas|holidays?)\b""", _RX)
_DATED = re.compile(r"\b(?:in|from|by|starting|as\s+of|until|till|before|after)\s+(?:\w+\s+)?20\d\d\b|\bduring\b", re.I)
"""A year that dates the rule itself ('will rise to $200/t in 2027') or 'during' (a condition)."""
_SYSTEM = re.compile(r"""\b(?:ignore|disregard|override\s+(?:the|all|any|this|these|previous|policy|rules?)
    |the\s+(?:ai|assistant|copilot|bot|model)|set\s+\w+_\w+
    |approve\s+all|pending\s+mints|admin)\b""", _RX)


_WHERE_WHEN = re.compile(r"""\bwhere\s+(?:and|or)\s+when\b
    |\b(?:when|where|to\s+which)\s+(?:they|it)\s+(?:were|was|are|is)
    \s+submitted\b|\b(?:once|after|until)\s+it\s+has\s+been\b|,?\s*whether\s+in\s+(?:time|location|space|region|place)\s+or\s+(?:in\s+)?
    (?:time|location|space|region|place),?""", _RX)
"""Phrases whose words would read as a condition or the past but are not: 'where and when they were submitted',
'valid only once it has been approved', 'whether in time or location'."""


_REMARK = re.compile(r"\s+(?:-|—|–)\s+(?P<remark>[^-—–]+)$")
"""A remark after a dash at the end ('..., not 1.5 - the policy page was wrong')."""


def _without_remark(text: str, teams: Collection[str]) -> str:
    """``text`` without a closing remark that names no value and softens nothing."""
    m = _REMARK.search(text)
    if m and not any(_values(m["remark"], teams)) and not _VALUE.search(m["remark"]) \
            and not any(rx.search(m["remark"]) for rx in _CUES) \
            and not (_SOFT.search(m["remark"]) or _CONDITION.search(m["remark"])):
        return text[: m.start()]
    return text


_DECIMAL_COMMA = re.compile(r"\d,\d{1,2}(?!\d)|\d,\d{4,}")
"""'2,25 MW': a decimal comma (or a misplaced one) makes every amount ambiguous."""
_NEGATIVE = re.compile(r"(?:^|[\s(:=])[-−][$€£]?\d")
"""A negative amount ('-5 USD per tonne'): never a limit the reader may take."""


def _unsafe(text: str) -> bool:
    """Whether anything in ``text`` makes every reading unsafe: a negative or decimal-comma number, a soft,
    conditional, proposed, dated or past rule, an address to the system, a question."""
    text = re.sub(_EMAIL, "someone", text)  # 'cfo@brightmedia.example' is no example
    if _NEGATIVE.search(text) or _DECIMAL_COMMA.search(text):
        return True
    text = _WHERE_WHEN.sub(" ", text)
    if _DATED.search(text):
        return True
    return any(rx.search(text) for rx in (_SOFT, _CONDITION, _NOT_A_RULE, _SYSTEM)) or "?" in text


_NEG = r"(?:never|not|no|cannot|can't|won't|mustn't|shan't|don't|doesn't|nothing|none|nobody|neither|nor|without)"

# -- teams and fleet scope ---------------------------------------------------------------------------
_TEAM_AFTER = r"""(?:\s*(?:[`'"’]s?)?\s*(?:teams?|groups?|tenants?|squads?|departments?|units?|labs?|orgs?|crews?|jobs?
    |workloads?|training|compute|pipelines?|tasks?|builds?|services?|stuff|work|allocations?)\b
    |\s*(?:,|:|—|–|/|\)|$|\s-\s)|\s+(?:and|or|&|may|can|must|shall|will|is|are|only|jobs)\b)"""
_TEAM_NOUN = r"""(?:\s*(?:[`'"’]s?)?\s*(?:teams?|groups?|tenants?|squads?|departments?|units?|labs?|orgs?|crews?|jobs?
    |workloads?|training|compute|pipelines?|tasks?|builds?|services?|stuff|allocations?)\b|\s*(?:,|/|&)\s*[`'"]?(?:ml|data|web
    |platform|research)\b|[`'"]\s*(?:$|[,:;)]))"""
_TEAM_BEFORE = r"(?:\b(?:team|tenant|group)\s*[`'\"]?\s*)"


def _teams(text: str, teams: Collection[str]) -> list[str]:
    """The fleet's teams the sentence names as teams, in order ('ML', 'the Research group', 'team `ml`';
    'data protection' names no team)."""
    found: list[tuple[int, int, str]] = []
    maybe: list[tuple[int, int, str]] = []
    for team in teams:
        for m in re.finditer(rf"(?<![\w-])[`'\"]?{re.escape(team)}[`'\"]?(?![\w-])", text, re.I):
            after = text[m.end():]
            before = text[: m.start()]
            common = team.isalpha() and len(team) > 2  # 'data', 'web', 'research': words before they are teams
            named = common and m.group(0)[0].isupper() and before.strip() != ""  # 'ML, Data - us-west-2 only'
            after_ok = re.match(_TEAM_NOUN if common and not named else _TEAM_AFTER, after, _RX)
            if after_ok or re.search(_TEAM_BEFORE + r"$", before, re.I):
                found.append((m.start(), m.end(), team))
            else:
                maybe.append((m.start(), m.end(), team))
    for a, b, team in maybe:  # 'ML and data must ...': a word joined to a team is a team too
        if any(re.fullmatch(r"\s*(?:,|/|&|and|or)\s*", text[b: c] if c >= b else text[d: a]) for c, d, _ in found):
            found.append((a, b, team))
    return list(dict.fromkeys(t for _, _, t in sorted(found)))


_DEFAULT_SCOPE = re.compile(r"""
    \b(?:all\s+|any\s+|every\s+|the\s+)?(?:other|remaining|rest\s+of\s+the)\s+(?:teams?|tenants?|groups?|workloads|jobs)
    |\bevery(?:one|body)\s+else\b|\ball\s+remaining\b
    |\b(?:teams?|tenants?|groups?)\s+(?:that\s+(?:are|have)\s+)?(?:not|without|with\s+no|lacking)\b
    |\b(?:teams?|tenants?|groups?)\s+(?:absent|missing)\s+from\s+(?:it|them|the\s+\w+|\w+)
    |\b(?:teams?|tenants?|groups?)\s+(?:that|which|whom)\s+[^,;]*?\b(?:does|do)\s+not\s+(?:name|list|mention|cover)\b
    |\bany\s+team\s+(?:without|not|with\s+no)\b|\bunless\s+a\s+team\b|\bexcept\s+where\s+a\s+team\b
    |\bdefault\s+(?:residency|allowed\s+regions?|regions?)\b|\bfall\s+back\s+to\b
    |\b(?:save|except)\s+where\b[^,;]*\b(?:named|specific|particular)\s+team\b""", _RX)
_FLEET_SCOPE = re.compile(r"""\b(?:all|every|any)\s+(?:of\s+(?:the|our)\s+)?(?:jobs?|workloads?|computing|compute
    |computations?|processing|teams?|tenants?|services?|work|activities)\b
    |\b(?:not\s+)?a\s+single\s+(?:1|one)\s+of\s+(?:our|the)\s+(?:jobs|workloads)\b|^(?:the\s+)?(?:jobs|workloads|compute|computing
    |processing)\b|\b(?:the\s+(?:whole|entire)\s+)?(?:fleet|estate)\b""", _RX)

# -- regions -----------------------------------------------------------------------------------------
_CODE = re.compile(r"(?<![\w-])(?:(?i:[a-z]{2,3}-[a-z]+-\d)|" + "|".join(
    n for n in REGIONS if not re.fullmatch(r"[a-z]{2,3}-[a-z]+-\d", n)) + r")(?![\w-])")
_PLACE = alias_pattern()
_PAREN_CODES = re.compile(r"\s*(?:only\s*)?(?:\(|,?\s*(?:i\.\s?e\.?|namely|that\s+is)\s*,?\s*)"
                          r"(?P<codes>[^()]*?)(?:\)|$|(?=[;.]))", re.I)


_REGION_LIKE = re.compile(r"(?<![\w.@-])[a-z]{2,}(?:-[a-z]+)*-\d+[a-z]?(?![\w-])", re.I)
_KNOWN_CODE = "|".join(n for n in REGIONS if not re.fullmatch(r"[a-z]{2,3}-[a-z]+-\d", n))
_UNKNOWN_CODE_IN_LIST = re.compile(rf"""(?:\b(?:{_KNOWN_CODE})\b|[a-z]{{2}}-[a-z]+-\d)\s*(?:,|/|&|\+|\bor\b|\band\b)\s*
    (?!(?:{_KNOWN_CODE})\b)[A-Z]{{2,5}}\b|\b(?!(?:{_KNOWN_CODE})\b)[A-Z]{{2,5}}\s*(?:,|/|&|\+|\bor\b|\band\b)\s*
    (?:\b(?:{_KNOWN_CODE})\b|[a-z]{{2}}-[a-z]+-\d)""", re.X)
"""A capitalised code next to a region in a list that is no region of the fleet ('DE or NL')."""


def _regions(text: str) -> list[str] | None:
    """Every region the sentence names, a place replaced by the codes that spell it out ('Oregon
    (us-west-2)', 'the US — us-east-1 / us-west-2' keeps the codes); None if a code is unknown or lies
    outside the place it explains or a region-like name is unknown ('eu-west-1 and mars-1', 'DE or NL')."""
    unknown = any(m.group(0).lower() not in REGIONS for m in _REGION_LIKE.finditer(text))
    if unknown or _UNKNOWN_CODE_IN_LIST.search(text):
        return None
    spans: list[tuple[int, int, list[str]]] = []
    for m in _PLACE.finditer(text):
        if any(c.start() <= m.start() < c.end() for c in _CODE.finditer(text)):
            continue
        key = m.group(0).lower()
        key = key if key in REGION_ALIASES else key.removeprefix("the ").strip()
        spans.append((m.start(), m.end(), list(REGION_ALIASES[key])))
    codes = [(m.start(), m.end(), [m.group(0).lower() if m.group(0).lower() in REGIONS else m.group(0)])
             for m in _CODE.finditer(text)]
    out: list[str] = []
    used: set[int] = set()
    for _start, end, place_regions in spans:
        spelled = _PAREN_CODES.match(text, end)
        if spelled:
            inner = [c for c in codes if spelled.start() <= c[0] < spelled.end()]
            if inner and not re.sub(r"[\s,/&+—–-]|\b(?:and|or|the|grid|zones?|regions?|partitions?)\b", "",
                                    _CODE.sub("", spelled["codes"]), flags=re.I):
                names = [c[2][0] for c in inner]
                if any(n not in place_regions for n in names):
                    return None
                used.update(c[0] for c in inner)
                out.extend(names)
                continue
        dash = re.match(r"\s*(?:—|–|-|:)\s*", text[end:])
        if dash:  # "the US — us-east-1 / us-west-2"
            after = [c for c in codes if c[0] >= end + dash.end()]
            if after and after[0][0] == end + dash.end():
                names = [c[2][0] for c in after if c[2][0] in place_regions]
                if names and all(c[2][0] in place_regions for c in after):
                    used.update(c[0] for c in after)
                    out.extend(names)
                    continue
        out.extend(place_regions)
    out.extend(c[2][0] for c in codes if c[0] not in used)
    if any(r not in REGIONS for r in out):
        return None
    return list(dict.fromkeys(out))


# -- residency ---------------------------------------------------------------------------------------
_OUTSIDE = re.compile(r"\b(?:outside(?:\s+of)?|beyond|other\s+than|anywhere\s+else|anywhere\s+but|elsewhere|leave"
                      r"|leaves|leaving|exit"
                      r"|(?:no|any)\s+others?(?:\s+[\w-]+)?)\b",
                      re.I)
_EXCLUSIVE = re.compile(r"""\b(?:only|solely|exclusively|sole|nowhere\s+else|nowhere\s+other
    |no\s+other\s+(?:region|location|place|zone|site)s?|that's\s+it|nothing\s+(?:outside|else)|and\s+nowhere
    |confined|restricted\s+to|limited\s+to|must\s+(?:stay|remain)|shall\s+(?:stay|remain)|stays?|remains?|reside
    |pinned|within|inside|allowed[- ]regions?|permitted\s+regions?|allow-?list|comprises?
    |default\s+residency|residency\s*:|(?<=\w)-only
    |allowed[- ]region\s+set|(?:must|shall|will|is\s+to|are\s+to|has\s+to|have\s+to|(?:is|are)\s+required\s+to)
    (?:\s+(?:only|always|be))*\s+(?:run|runs|be\s+run|execute[ds]?|be\s+executed|be\s+placed|be\s+scheduled|be\s+processed
    |process|operate|take\s+place|be\s+hosted|be\s+provisioned|be\s+kept|be\s+computed|be\s+located|be\s+sited
    |be\s+situated|go))\b|\blocked\s+to\b""", _RX)
_DENY = re.compile(rf"\b{_NEG}\b|\b(?:reject\w*|refus\w*|prohibit\w*|forbid\w*|ban|banned|bar|barred|disallow\w*)\b",
                   re.I)
_TWO_ROLES = re.compile(r"""\b(?:except(?!\s+where\s+a\s+team)|excluding|apart\s+from|but\s+not|save\s+for
    |failover|fail-over|fallback|backup|standby|disaster|dr|secondary|primary|burst\w*|overflow|spill\w*|replica\w*|copy|copies|mirror\w*
    |migrat\w*|move\s+to|moved\s+to|from\s+\S+\s+to|or\s+(?:in\s+|to\s+)?any\s+other
    |any\s+other\s+[\w-]+\s+(?:that|which|lacking|without|with|where))\b""", _RX)
_PLACEMENT = re.compile(r"""\b(?:run|runs|ran|running|execut\w*|process\w*|hosted|host|placed|placement\w*|scheduled
    |stay|stays|remain\w*|reside\w*|operate|take\s+place|go|goes|provision\w*|compute|computing|jobs?|workloads?|confined|restricted
    |limited|permitted|allowed|leave|kept|pinned|regions?|submit\w*|accept\w*|partitions?|dispatch\w*|serv\w*
    |sites?|only|nothing\s+outside|nowhere\s+else|residency|comput\w*|locked|land|lands|located|sited)\b""", _RX)


_UNIT_NOUN = re.compile(r"\b(?P<w>[\w-]+)\s+(?:teams?|groups?|departments?|dept|units?|squads?|tenants?|labs?"
                        r"|divisions?|orgs?|business\s+units?)\b", re.I)
_NOT_A_NAME = frozenset(re.findall(r"\w+", """the a an each every other any all named specific particular this that our
    their its whole individual given single same remaining respective relevant such which whose your my no one two"""))


def _unknown_unit(text: str, teams: Collection[str]) -> bool:
    """True when the sentence names a team the fleet does not have ('the Purchasing department')."""
    return any(m["w"].lower() not in teams and m["w"].lower() not in _NOT_A_NAME for m in _UNIT_NOUN.finditer(text))


_RESIDENCY_WORDS = re.compile(r"""\b(?:teams?|groups?|tenants?|regions?|locations?|zones?|grid|set|list|owned|belonging
    |submitted|under|charged|allocation|training|compute|computing|data|residency|allowed|permitted|placement
    |cloud|aws|everyone|everybody|whose|rule|entry|specific|dedicated|explicit|override|assigned|named|listed
    |enumerated|mentioned|covered|paragraph|section|annex|appendix|above|below|that's\s+it|the\s+whole\s+list
    |(?:on|onto)\s+nodes\s+in|partitions?)\b""",
                              _RX)


_MIXED = re.compile(r"""\band\s+only\b|^\W*only\s+(?!in\b|within\b|inside\b)
    |\b(?:reserved|dedicated|exclusive(?:ly)?)\s+(?:to|for)\b
    |\bonly\s+for\b|\bonly\s+(?:the\s+)?(?:[\w`'-]+\s+){0,2}(?:teams?|groups?|tenants?)\s+(?:may|can|shall|is|are)\b|\((?:[^()]*\b(?:teams?|i\.\s?e|e\.\s?g)\b[^()]*)\)
    |\b(?:outside|beyond|other\s+than)\b.*\bor\s+(?:in|to)\b""", _RX)
"""Two lists in one rule ('in eu-west-1 and ONLY eu-north-1', 'outside of eu-west-1 or in us-east-1') or a scope
explained in brackets ('Everyone else (i.e. the web team)')."""


def _residency(text: str, teams: Collection[str]) -> Interpretation | None:
    if not _PLACEMENT.search(text) or _TWO_ROLES.search(text) or _unknown_unit(text, teams) or _MIXED.search(text):
        return None
    regions = _regions(text)
    if not regions:
        return None
    denied = _DENY.search(re.sub(r"\bnowhere\s+(?:else|other)\b|\bno\s+other\b|\bnothing\s+(?:outside|else)\b"
                                 r"|\b(?:teams?|tenants?|groups?)\s+(?:that\s+(?:are|have)\s+)?(?:not|without|with\s+no)\b"
                                 r"[^,:;]*|\bnot\s+(?:listed|named|enumerated|mentioned|covered)\b[^,:;]*"
                                 r"|\bi\.\s?e\.\s+not\b[^)]*", " ", text, flags=re.I))
    if _OUTSIDE.search(text):
        if not denied:
            return None  # "must run outside X" excludes X
    elif denied or not _EXCLUSIVE.search(text):
        return None
    rest = _understood(text, (_EXCLUSIVE, _OUTSIDE, _DENY, _DEFAULT_SCOPE, _FLEET_SCOPE, _PLACEMENT, _RESIDENCY_WORDS),
                       teams)
    if _changed(rest, residency_slots._CHANGER, whole_words=True):
        return None
    named = _teams(text, teams)
    if _DEFAULT_SCOPE.search(text):
        return None if named else Interpretation((PolicyItem("default_allowed_regions", regions),))
    if named:
        return Interpretation(tuple(PolicyItem("allowed_regions_by_team", regions, t) for t in named))
    if _FLEET_SCOPE.search(text):
        return Interpretation((PolicyItem("default_allowed_regions", regions),))
    return None


# -- deferral ----------------------------------------------------------------------------------------
_CATEGORY = re.compile(r"""(?<![\w-])[`'"]?(urgent|balanced|sustainable)[`'"]?
                           (?:-(?:tier|class|category|priority))?(?![\w-])""", _RX)
_WAIT = re.compile(r"""\b(?:defer\w*|delay\w*|wait\w*|postpon\w*|held|hold|holding|queue\w*|push(?:ed)?\s+back|slip\w*
    |start\w*\s+(?:up\s+to|at\s+most|within)|shift\w*\s+in\s+time|lag)\b""", _RX)
_UPPER = re.compile(r"""\b(?:at\s+most|up\s+to|no\s+more\s+than|not\s+more\s+than|no\s+longer\s+than|maximum|max
    |beyond|exceed\w*|ceiling|the\s+(?:longest|most)|more\s+than|longer\s+than|as\s+much\s+as|within|no\s+later|capped|limit\w*|cap|a\s+full|never\s+more|zero|no\s+deferral
    |not\s+subject\s+to|never\s+(?:be\s+)?(?:deferred|delayed))\b""", _RX)
_SPAN = re.compile(rf"""(?<![\w.-])(?:{DURATION})|\b(?P<a>a|one|1)\s+(?:full\s+)?(?P<au>fortnight|week|day|hour)\b
                       |\b(?P<f>fortnight)\b""", _RX)
_ZERO = re.compile(r"""\b(?:no\s+deferral|not\s+(?:be\s+)?subject\s+to\s+(?:any\s+)?deferral|zero
    |(?:shall|must|will|may|can)\s+not\s+be\s+(?:deferred|delayed|postponed)|never\s+(?:be\s+)?(?:deferred|delayed|postponed)|no\s+delay|not\s+(?:be\s+)?(?:deferred|delayed|postponed)\s+at\s+all)\b
    |(?<![\w.,])0(?![\w.,]|\s*[a-z%])""", _RX)
_BARE = re.compile(r"\bat\s+most\s+(?P<n>\d+(?:\.\d+)?)\b(?!\s*[a-z%])", re.I)


def _spans(text: str) -> list[re.Match[str]]:
    """The durations in ``text`` ('and' is no 'a' + 'nd' day)."""
    return [m for m in _SPAN.finditer(text) if not (m["n"] and m["n"].isalpha() and not m["tu"].isalpha())
            and not re.fullmatch(r"(?i:an?)\s*\w", m.group(0))]


def _span_hours(m: re.Match[str]) -> float:
    if m["f"] or (m["au"] or "").lower() == "fortnight":
        return 336.0
    if m["au"]:
        return {"week": 168.0, "day": 24.0, "hour": 1.0}[m["au"].lower()]
    return hours(m)


_JOINER = re.compile(r"(?:[\s,/&`'\"]|\b(?:and|or|nor|jobs?|workloads?|the|both|either|neither|category|class)\b)*",
                     re.I)


_DEFERRAL_WORDS = re.compile(r"""\b(?:jobs?|workloads?|work|tasks?|category|class|flag|flagged|marked|tier|time
    |submission|submitted|submit|after|from|queue|in\s+the\s+queue|by|for|up|until|start\w*|run|runs|neither|nor
    |both|either|get|gets|have|has|carry|carries|allowed|permitted|deferral|delay|wait|hold|limits?|caps?
    |maximum|max|of|no|not|never|more|than|longer|at\s+all|any|circumstances|they|them|can|then|just|after\s+that
    |cleaner|greener|low(?:er)?-carbon|power|energy|electricity|slots?|windows?|hours?|but(?=\s+(?:never|not|no)\b))\b""",
                             _RX)


_CEILING = re.compile(r"\b(?:ceilings?|caps?)\b", re.I)
"""With a category and a duration, a ceiling is a deferral limit ('Balanced: 8h ceiling')."""


def _deferral(text: str, teams: Collection[str]) -> Interpretation | None:
    if _TAGGED.search(text) or _raw_team(text, teams):
        return None  # deferral limits are per category, fleet-wide ('platform's balanced jobs can wait 90 min')
    cats = [m for m in _CATEGORY.finditer(text)]
    if not cats or not (_WAIT.search(text) or _CEILING.search(text)) or not _UPPER.search(text):
        return None
    spans = _spans(text)
    unit = spans[-1]["tu"] if spans and spans[-1]["tu"] else "h"
    marks: list[tuple[int, float]] = [(m.start(), _span_hours(m)) for m in spans]
    marks += [(m.start(), number(m["n"], "duration") * {"m": 1 / 60, "d": 24.0, "w": 168.0}.get(unit[0].lower(), 1.0))
              for m in _BARE.finditer(text) if not any(s.start() <= m.start() < s.end() for s in spans)]
    marks += [(m.start(), 0.0) for m in _ZERO.finditer(text)]
    marks.sort()
    names = [c.group(1).lower() for c in cats]
    rest = _understood(text, (_CATEGORY, _WAIT, _UPPER, _SPAN, _ZERO, _BARE, _DEFERRAL_WORDS), ())
    if _changed(rest, category_slots._CHANGER, whole_words=True):
        return None
    if len(set(names)) != len(names) or not marks:
        return None
    joined = all(_JOINER.fullmatch(text[a.end(): b.start()]) for a, b in itertools.pairwise(cats))
    if len(marks) == 1 and joined:  # "Neither balanced nor sustainable jobs may be deferred beyond 36 hours"
        values = [marks[0][1]] * len(names)
    elif len(marks) == len(names):  # pair by order, each category with its value
        values = [v for _, v in marks]
    else:
        return None
    return Interpretation(tuple(PolicyItem("max_deferral_h_by_category", v, n)
                                for n, v in zip(names, values, strict=True)))


# -- urgent jobs ------------------------------------------------------------------------------------
_MOVE = r"""(?:mov\w*|shift\w*|relocat\w*|reschedul\w*|migrat\w*|postpon\w*|touch|alter\w*|chang\w*|reposition\w*
    |displac\w*|replac\w*|re-plac\w*)"""
_FIXED = r"""(?:exempt|fixed|retains?|retained|guarantee\w*|protected|left\s+alone|keep\s+their|keeps\s+its|keep\s+its
    |immediately|pinned
    |where\s+and\s+when|as\s+submitted|site\s+to\s+which|region\s+(?:they|it)\s+(?:were|was)\s+submitted
    |submitted\s+(?:region|slot|time|location|site))"""
_NEG_NEAR = rf"\b(?:{_NEG}|no\s+longer)\b(?:\W+\w+){{0,4}}?\W+"


_URGENT_WORDS = re.compile(r"""\b(?:jobs?|workloads?|work|tasks?|category|class|flagged|marked|classified|region
    |location|site|place|placement|start(?:\s+time)?|time|slot|scheduled|original|where|when|submitted|by|the
    |scheduler|planner|optimi[sz]er|controller|system|carbon[- ](?:aware|based)|shifting|in\s+time|space|spatial
    |temporal|any|kind|other|else|everything|anything|like|just|now|also|exemption|exempt|from|either|neither|nor
    |we|us|them|they|it|its|their|both|of|whether|such|no|not|never|longer|re-?tim\w*|re-?sit\w*|fair\s+game|run
    |sites?)\b""",
                           _RX)


def _urgent(text: str, teams: Collection[str]) -> Interpretation | None:
    if _TAGGED.search(text) or _raw_team(text, teams):
        return None
    cats = {m.group(1).lower() for m in _CATEGORY.finditer(text)}
    if cats != {"urgent"} or _spans(text):
        return None
    plain = re.sub(r"\bwhere\s+and\s+when\s+they\s+were\s+submitted\b", "where and when submitted", text, flags=re.I)
    neg_move = re.search(_NEG_NEAR + _MOVE, plain, _RX)
    neg_fixed = re.search(_NEG_NEAR + _FIXED, plain, _RX)
    may_move = re.search(rf"\b(?:may|can|will|are\s+allowed\s+to|is\s+allowed\s+to)\b(?:\W+\w+){{0,3}}?\W+{_MOVE}",
                         plain, _RX) and not neg_move
    fixed = re.search(rf"\b{_FIXED}", plain, _RX) and not neg_fixed
    keeps = neg_move or fixed
    frees = may_move or neg_fixed
    rest = _understood(plain, (_CATEGORY, re.compile(_NEG_NEAR + _MOVE, _RX), re.compile(rf"\b{_FIXED}", _RX),
                               re.compile(_MOVE, _RX), _URGENT_WORDS), ())
    if _changed(rest, category_slots._CHANGER, whole_words=True):
        return None
    if not (keeps or frees) or (keeps and frees):
        return None
    return Interpretation((PolicyItem("urgent_never_moved", bool(keeps)),))


# -- amounts ----------------------------------------------------------------------------------------
_BOUND = re.compile(r"""\b(?:never|not|no|exceed\w*|cap\w*|limit\w*|max\w*|ceiling|up\s+to|at\s+most|above|beyond|over
    |more\s+than|budget\w*|allowance|hard\s+cap)\b""", _RX)


_PART = re.compile(r"""\b(?:each|every|per|any\s+single|a\s+single|individual|any)\s+(?!(?:day|week|month|hour|calendar
    |time|point)\b)[\w-]+|\bplatform\b(?!-wide)|\b(?:urgent|balanced|sustainable)\b
    |\b(?:below|under|beneath|fall\w*\s+below|drop\w*\s+below|minimum|floor)\b
    |(?<!budget)(?<!cap)(?<!limit)(?<!price)(?<!cluster)(?<!fleet)(?<!site)(?<!estate)(?<!institute)(?<!customer)
     (?<!company)(?<!organisation)(?<!organization)(?<!university)'s\b""", _RX)
"""An amount of a part of the fleet ('each pumping station's cabinet') or a lower bound: no fleet-wide cap."""


def _raw_team(text: str, teams: Collection[str]) -> bool:
    """Whether a team's name appears at all ('platform's balanced jobs'), a data centre aside."""
    return any(re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])(?!\s*cent(?:re|er)s?\b|-wide)", text, re.I)
               for t in teams)


def _no_team(text: str, teams: Collection[str]) -> bool:
    """No team and no region named: the amounts are fleet-wide ('Power in eu-west-1 must not exceed 400 kW' is not)."""
    return not _raw_team(text, teams) and not _teams(text, teams) and not _regions(text)


_CAP_WORDS = re.compile(r"""\b(?:never|not|no|exceed\w*|cap|caps|capped|limit\w*|max\w*|ceiling|up\s+to|at\s+most
    |more\s+than|budget|allowance|hard|total|whole|entire|overall|combined|at\s+(?:any|no)\s+(?:time|point(?:\s+in\s+time)?)
    |is|set|fixed|shall|must)\b""", _RX)
_POWER_WORDS = re.compile(r"""\b(?:power|draw\w*|pull\w*|consum\w*|load|demand|cluster|fleet|site|data\s*cent(?:re|er)
    |facility|estate|compute|wall|grid|supply|electrical|electric)\b""", _RX)


_NEGATED_OVER = re.compile(r"\b(?:lie|go|be|rise|climb|get)\s+(?:over|above|beyond)\b", re.I)


def _power(text: str, teams: Collection[str]) -> Interpretation | None:
    found = list(re.finditer(POWER, text, re.I))
    if _PART.search(text):
        return None
    if not found or not re.search(r"\b(?:power|draw\w*|pull\w*|consum\w*|load|demand|kw|mw|kilowatts?|megawatts?)\b",
                                  text, re.I) or not _BOUND.search(text) or not _no_team(text, teams):
        return None
    negated_over = (_NEGATED_OVER,) if re.search(r"\b(?:not|never|no)\b", text, re.I) else ()
    if _changed(_understood(text, (re.compile(POWER, re.I), _POWER_WORDS, _CAP_WORDS, *negated_over), teams),
                amount_slots._CHANGERS,
                whole_words=False):
        return None
    values = {round(kilowatts(m), 6) for m in found}
    if len(values) != 1:
        return None  # a second amount, even in brackets ('900 kW (1 MW)')
    return Interpretation((PolicyItem("max_power_kw", values.pop()),))


_PERIOD = re.compile(r"""(?:\bper\s+|/\s*|\b(?:a|an|each|every|any|one)\s+
    |\bin\s+(?:any|each|every|a|one)\s+(?:calendar\s+)?|\bper\s+calendar\s+)(?P<p>day|week|month)\b
    |\b(?P<adj>daily|weekly|monthly)\b""", _RX)


_BUDGET_WORDS = re.compile(r"""\b(?:budget\w*|emission\w*|emit\w*|carbon|co2e?|footprint|kg|t|tonnes?|cluster|fleet
    |whole|entire|total|calendar|from|hosted|across|of)\b""", _RX)


def _budget(text: str, teams: Collection[str]) -> Interpretation | None:
    masses = list(re.finditer(MASS, text, re.I))
    periods = {period(m["p"] or m["adj"])
               for m in _PERIOD.finditer(text)}
    if _PART.search(_PERIOD.sub(" ", text)):
        return None
    if len(masses) != 1 or len(periods) != 1 or not _BOUND.search(text) or not _no_team(text, teams):
        return None
    if not re.search(r"\b(?:budget\w*|emission\w*|emit\w*|carbon|co2\w*|footprint)\b", text, re.I):
        return None
    if _changed(_understood(text, (re.compile(MASS, re.I), _PERIOD, _CAP_WORDS, _BUDGET_WORDS), teams),
                amount_slots._CHANGERS, whole_words=False):
        return None
    if re.search(r"\b(?:price|priced|pricing|charge\w*|cost\w*|fee|levy|\$|usd|dollars?|mint\w*)\b", text, re.I):
        return None
    return Interpretation((PolicyItem("carbon_budget_kg", kilograms(masses[0])),
                           PolicyItem("carbon_budget_period", periods.pop())))


_USD = r"(?:us\s*\$|\$|usd|u\.?s\.?\s+dollars?|united\s+states\s+dollars?|dollars?)"
_MONEY = re.compile(rf"(?:{_USD}\s*(?P<a>\d+(?:\.\d+)?)|(?P<b>\d+(?:\.\d+)?)\s*{_USD})", re.I)
_PER_MASS = re.compile(r"""\b(?:per|each|every|a|the)\s+(?:metric\s+)?(?P<u>tonne|ton|t|kg|kilogram(?:me)?)s?\b
    |/\s*(?P<v>t|tco2e?|kg|tonne)\b
    |\bper\s+(?P<w>tco2e?|kgco2e?)\b""", _RX)


_PRICE_CUE = re.compile(r"\b(?:pric\w*|charg\w*|cost\w*|fee|levy|shadow|internal|values?|valued)\b", re.I)


_PRICE_WORDS = re.compile(r"""\b(?:carbon|co2e?|emissions?|emitted|metric|tonnes?|tons?|kg|of|at|us|u\.s\.
    |united\s+states
    |dollars?|usd|applied|apply|used|use|placement|scheduling|scheduler|planner|planning|decisions?|internal|shadow
    |compute|workloads?|by|the|models?|cost\s+functions?|cost\s+models?|include|each|every|a)\b""", _RX)


_CURRENCY = re.compile(_USD + r"|\busd\b", re.I)


def _price(text: str, teams: Collection[str]) -> Interpretation | None:
    amounts = {float(m["a"] or m["b"]) for m in _MONEY.finditer(text.replace(",", ""))}
    per = list(_PER_MASS.finditer(text))
    if len(amounts) != 1 or not per or not _PRICE_CUE.search(text):
        return None
    other_currency = re.search(r"""\b(?:eur|euros?|gbp|pounds?|chf|francs?|jpy|yen|inr|rupees?|cny|yuan|brl|reais|real
        |aud|cad|nzd|sgd|hkd)\b|[€£¥₹]|\b(?!us\$)[A-Z]{1,2}\$""", text, re.I | re.X)
    if re.search(r"\b(?:below|under|beneath|at\s+least|minimum|floor|no\s+less\s+than|not\s+less\s+than)\b",
                 text, re.I):
        return None  # a floor ('may never be set below USD 40 per tonne')
    if other_currency or not _no_team(_CURRENCY.sub(" ", text), teams) \
            or _CATEGORY.search(text):
        return None
    if _changed(_understood(text, (_MONEY, _PER_MASS, _PRICE_CUE, _PRICE_WORDS), teams), amount_slots._CHANGERS,
                whole_words=False):
        return None
    unit = (per[0]["u"] or per[0]["v"] or per[0]["w"]).lower()
    value = amounts.pop() * (1000.0 if unit.startswith("k") else 1.0)
    return Interpretation((PolicyItem("carbon_price_usd_per_t", value),))


# -- mints ------------------------------------------------------------------------------------------
_MINT = re.compile(r"\bmint\w*\b", re.I)
_APPROVE = (r"(?:approv\w*|releas\w*|authori[sz]\w*|sign(?:s|ed|ing)?[- ]?off|sign-?offs?|thumbs[- ]up|reviewers?"
            r"|signatures?)")
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "both": 2}
_COUNT = re.compile(r"""\b(?:(?:at\s+least|a\s+minimum\s+of|no\s+fewer\s+than|not\s+fewer\s+than|all)\s+)?
    (?P<n>[2-5]|two|three|four|five)\s+(?:(?:distinct|different
    |separate|independent|named|individual)\s+)?(?:(?:people|persons|approvers|approvals|reviewers|signatures|sign-?offs
    |maintainers|officers|officials|members|admins|signers|signatories|individuals|managers|leads|directors|executives
    |partners|colleagues|employees|owners|engineers|humans|of\s+(?:us|them|the\s+\w+))\b
    |(?:distinct|different|separate|independent)\s+(?:[\w-]+\s+)?[\w-]+)
    |\b(?P<eyes>four[- ]eyes|dual[- ](?:approval|control|sign-?off))\b
    |\b(?P<n2>[2-5]|two|three|four|five)[- ](?:person|man|people)\b""",
                    _RX)
_THRESHOLD = re.compile(r"""\b(?:above|over|more\s+than|exceed(?:s|ing)?|greater\s+than|larger\s+than|bigger\s+than
    |in\s+excess\s+of)\s+(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?P<u>kwh|mwh|kgco2e?|kg(?:\s*co2e?)?|t(?:onnes?)?(?:\s*co2e?)?|tco2e?)\b
    |>\s*(?P<n2>\d+(?:\.\d+)?)\s*(?P<u2>kwh|mwh|kgco2e?|kg|t)\b""", _RX)
_ONLY_PEOPLE = re.compile(r"""\b(?:only|solely|exclusively|sole|nobody\s+else|no\s*-?\s*(?:one|1)\s+else|none\s+other
    |nobody\s+other\s+than|no\s+one\s+other\s+than|nobody\s+but|no\s+one\s+but|closed|reserved
    |(?:1|one)\s+and\s+only|and\s+no\s+other|no\s+other\s+(?:account|person|user|individual|one|approver)s?
    |(?:don't|do\s+not)\s+(?:ping|ask|bother|contact)\s+anyone\s+else)\b""", _RX)
_LIST_AT = (
    re.compile(r"""^\s*(?P<list>[^,;]+?)\s+(?:is|are)\s+the\s+(?:(?:1|one)\s+and\s+only|only|sole)\s+(?:mint\s+)?approvers?\b""",
               _RX),
    re.compile(rf"""\bonly\s+the\s+following\s+(?:[\w-]+\s+){{0,2}}?(?:may|can|are|is)\s+[^:]*?{_APPROVE}[^:]*:\s*
        (?P<list>.+?)\s*$""", _RX),
    re.compile(rf"""\b(?:nobody|no\s+one|no-one|none)\s+(?:other\s+than|but|except)\s+(?P<list>.+?)\s+(?:may|can|shall|is|are)
        \s+(?:\w+\s+)?{_APPROVE}""", _RX),
    re.compile(rf"""\bonly\s+(?:the\s+following\s+(?:[\w-]+\s+)?)?(?P<list>.+?)\s*(?:\b(?:may|can|are|is|shall|will)\b)
        \s+(?:\w+\s+){{0,3}}?(?:{_APPROVE}|sign)""", _RX),
    re.compile(r"""(?:\b(?:responsibility|remit|prerogative)\s+of|\b(?:sits|rests?|lies|lie)\s+(?:solely\s+|exclusively\s+)?with
        |\b(?:reserved|restricted|limited)\s+(?:to|for)|\bclosed\s*:|\bidentities\s*:
        |\bapprovers?\s*(?:\([^()]*\))?\s*:|\b(?:approved|signed\s+off|authori[sz]ed|released|granted)\s+by
        |\b(?:go(?:es)?|run|runs|pass(?:es)?)\s+through)\s+(?P<list>[^;]+?)
        (?:,?\s+(?:and|with)\s+(?:nobody|no\s+one|no-one|none)\s+else|,?\s+(?:don't|do\s+not)\b.*|\s*;.*)?\s*$""", _RX),
)


_MINT_WORDS = re.compile(r"""\b(?:may|can|approve|approves|approval|approvals|the|a|an|any|every|each|all|mints?
    |minting|tokens?|token\s+mints?|for|verified|savings?|of|by|from|people|persons|is|are|be|list|following|identities
    |rights?|sign(?:s|ed)?|off|on|needs?|requires?|required|must|shall|valid|only|once|after|it|has|been|have|approved
    |distinct|different|separate|independent|whose|saving|takes?\s+effect|proceed|before|thumbs-up|no\s+matter\s+how
    |small|anything|we|mint)\b""", _RX)


def _people(raw: str, teams: Collection[str], label: bool = False) -> list[str] | None:
    if re.search(r"\b(?:members|officers)\b", raw, re.I):  # 'the Committee members Ingrid Larsen and Pierre Dubois'
        raw = re.sub(r"^(?:the\s+)?(?:[\w-]+\s+){0,4}?(?:members|officers|people|persons|approvers)\s*,?\s*"
                     r"(?=[A-Za-z])",
                     "", raw.strip(), flags=re.I)
    raw = re.sub(r"^(?:our|the)\s+(?:\d+\s+)?[a-z-]+s\s*,\s*", "", raw.strip())  # 'our 2 trustees, Aroha Ngata and ...'
    emails = re.findall(_EMAIL, raw)
    if re.match(r"(?:me|us)\s*\(", raw, re.I) and emails:
        return emails
    try:
        return mint_slots.people(raw, label=label, groups=tuple(teams))
    except SentenceError:
        return None


def _approvers(text: str, teams: Collection[str]) -> list[str] | None:
    if not re.search(_APPROVE, text, re.I) or not _ONLY_PEOPLE.search(text):
        return None
    for rx in _LIST_AT:
        m = rx.search(text)
        if m:
            after_colon = text[: m.start("list")].rstrip().endswith(":")  # 'approvers: a, b, c' is a list, not prose
            names = _people(re.sub(r"[,.\s]+$", "", m["list"]), teams, label=after_colon)
            if names:
                masked = text[: m.start("list")] + " " * (m.end("list") - m.start("list")) + text[m.end("list"):]
                rest = _understood(masked, (_MINT, re.compile(_APPROVE, re.I), _ONLY_PEOPLE, rx, _MINT_WORDS), teams)
                return None if _changed(rest, mint_slots._Q_CHANGERS, whole_words=False) else names
    return None


_REQUIRES = re.compile(r"""\b(?:need\w*|requir\w*|must|shall|approved\s+by|signed\s+off\s+by|sign-?off\s+(?:from|by)
    |approvals?\s+(?:from|by)|only\s+(?:once|after|when)|valid|from|at\s+least|precondition|prerequisite|mandatory
    |compulsory)\b|:|→|->|=>""", _RX)
_NOT_OTHERS = re.compile(r"\b(?:nobody|no\s+one|no-one|none)\s+(?:else|other\s+than|but)\b|\bno\s+other\s+\w+"
                         r"|\bnot\b(?=.*\bonly\b)", re.I)


def _mints(text: str, teams: Collection[str]) -> Interpretation | None:
    if _teams(text, teams) or re.search(r"\bteam\b", text, re.I):
        return None  # 'Only alice and bob may approve mints, for the ml team'
    if not _MINT.search(text) or not re.search(_APPROVE + r"|\bsign", text, re.I):
        return None
    items: list[PolicyItem] = []
    counts = [c for c in _COUNT.finditer(text) if not re.match(r"\s*:", text[c.end():])]  # 'two people: a, b'
    if counts and not _REQUIRES.search(text):
        counts = []
    names = _approvers(text, teams)
    if names:
        items.append(PolicyItem("mint_approvers", names))
    if counts:
        if len({(c["n"] or c["n2"] or "2").lower() for c in counts}) != 1:
            return None
        c = counts[0]
        word = (c["n"] or c["n2"] or "2").lower()
        n = 2 if c["eyes"] else int(_COUNT_WORDS.get(word, word))
        limits = list(_THRESHOLD.finditer(text.replace(",", "")))
        bounds = re.findall(r"(?:\b(?:above|over|more\s+than|exceed\w*|greater\s+than|larger\s+than|bigger\s+than"
                            r"|in\s+excess\s+of)|>)\s*\S*\d", text, re.I)
        if len(limits) > 1 or len(bounds) != len(limits):  # "above $10k": a threshold the quorum cannot hold
            return None
        above: float | None = None
        unit: str | None = None
        if limits:
            lim = limits[0]
            value = float((lim["n"] or lim["n2"]).replace(",", ""))
            u = (lim["u"] or lim["u2"]).lower().replace(" ", "")
            if u.startswith("mwh"):
                above, unit = value * 1000, "kWh"
            elif u.startswith("kwh"):
                above, unit = value, "kWh"
            elif u.startswith("kg"):
                above, unit = value, "kgCO2e"
            else:
                above, unit = value * 1000, "kgCO2e"
        if names is not None and n > len(names):
            return None
        rest = _understood(text, (_MINT, re.compile(_APPROVE, re.I), _COUNT, _THRESHOLD, _REQUIRES, _MINT_WORDS), teams)
        if names is None and _changed(rest, mint_slots._Q_CHANGERS, whole_words=False):
            return None
        items.append(PolicyItem("mint_quorum", {"approvers": n, "above": above, "unit": unit}))
    elif re.search(rf"\b{_NEG}\b", _NOT_OTHERS.sub(" ", text), re.I):
        return None  # "Mallory must never approve mints"
    return Interpretation(tuple(items)) if items else None


# -- blackouts: never read here ---------------------------------------------------------------------
# A window is read only by the phrase reader (``windows.blackout``), whose word-by-word check this reader cannot
# match: read by cues, "FR is closed on ... UTC, reportedly" or "... in mars-1" came out as windows. A time of
# day therefore refuses the sentence here, and a blackout cue marks a clause this reader cannot read.
_NO_RUN = re.compile(r"""\b(?:blackouts?|black(?:ing|ed)?\s+out|(?:change\s+)?freeze|freezes|frozen|closed|drained
    |downtime|maintenance\s+(?:window|period)|no\s+(?:user\s+)?(?:jobs?|workloads?|work|compute|processing)|nothing\s+(?:\w+\s+)?runs?
    |nothing\s+(?:may|shall|will|can|is\s+to)\s+(?:be\s+)?run|(?:not|never)\s+(?:be\s+)?(?:used|run|scheduled|executed)
    |runs?\s+no|accepts?\s+no|hosts?\s+no|execut\w*\s+no|renders?\s+no|nothing\s+(?:renders|executes|is\s+run)
    |unavailable|offline|out\s+of\s+service|may\s+not\s+run|off[- ]limits|suspend\w*|halt\w*|paused
    |(?:is|are|goes|go)\s+down)\b""",
                     _RX)
_CLOCK = re.compile(r"""\b\d{1,2}[:h]\d{2}\b|\b\d{1,2}\.\d{2}\s*(?:a\.?m|p\.?m|utc|gmt)\b|\b\d{3,4}\s*z\b
                        |\b\d{1,2}\s*(?:a\.?m|p\.?m)\b|\bnoon\b|\bmidnight\b""", _RX)


# -- meaning-changers --------------------------------------------------------------------------------
# What the reader does not understand must not change what it read: the words left once the values and the
# cue phrases of the kind are masked are checked against that kind's meaning-changer classes, the ones its
# phrase reader uses (conditions, time, wishes, the past, additions, parts of the fleet, ...).
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_MODALS = re.compile(r"""\b(?:must|shall|may|can|will|is|are|be|to|the|a|an|of|in|on|at|for|by|and|or|its|their|our
    |all|any|jobs?|workloads?|has|have|does|do|it|they|this|these|those|within|into|onto|per\s+policy|please|note
    |strictly|always|at\s+all\s+times|without\s+exception|in\s+all\s+cases|under\s+any\s+circumstances|ever|whatsoever
    |henceforth|hereby|from\s+now\s+on|going\s+forward|effective\s+immediately|immediately)\b|[^\w\s]""", _RX)
_CAPITAL_OK = vocabulary("""the a an all any every each no only our we i you it this these that policy rule note
    must shall may will supplier provider customer client parties party contractor operator company university
    authority council bank organisation organization services service agreement contract annex appendix section
    schedule table item clause article paragraph standard residency fyi nb ps reminder heads update guardrails
    correction important notice attention effective from urgent balanced sustainable jobs workloads mints mint
    minting approvers approver approval approvals token tokens carbon power emissions budget price maximum max
    hard cap deferral limits limit default teams team tenants tenant group groups cluster fleet compute
    whole-cluster total internal shadow anything any holders workload job nothing no data web ml research platform
    board institute schedule utility trust firm group aggregate maximum""")


_EXTRA_CHANGERS = re.compile(r"""\b(?:overnight|nightly|ahead|foreseeable|supposed|practice|unofficial\w*|pretty\s+much
    |latency|stored|storage|at\s+rest|backups?|encrypt\w*|archiv\w*|laptops?|phones?|desktops?|offices?|buildings?
    |vehicles?|cars?|printers?|printing|lighting|hvac|kitchens?|flights?|coal|gas|travel|dirtier|cleaner\s+region|nearby|neighbou?r\w*|behalf|finance|director
    |peak|bursts?|spot|staging|gpus?|cpus?|storage|cron|experimental|abolish\w*|summer|winter|spring|autumn|market
    |soft|batch|(?<!-)tier|weekends?|weekdays?|nights?|evenings?|mornings?|wall-?time|run-?time|run\s+time|duration|execution\s+time|timeouts?|ttl|retention|cents?
    |keep\s+running|continue\w*|despite|through)\b""", _RX)
"""Words of the changer classes the phrase readers' lists leave out: a time of day or of the year, a purpose, a part
of the fleet, a plan or the past, another market's price."""


_ANY_TEXT_CHANGERS = re.compile(r"""(?<!\bis\s)(?<!\bare\s)(?<!\bbe\s)\b(?:needed|required)\b|\bto\s+need\b
    |\bfor\s+(?!carbon\b|sustainability\b|climate\b|emissions?\b|environmental\b)\w+\s+purposes\b|\bto\s+be\s+set\b|\b(?:to|will)\s+be\s+set\s+at\b|\bcapped\s+at\s+(?:us)?\$|\b(?:is|are)\s+not\s+(?!subject\b|to\s+be\b|allowed\b|permitted\b|deferred\b|delayed\b
    |moved\b|relocated\b|shifted\b|rescheduled\b)|\bfor\s+now\b|\bas\s+a\s+rule\b
    |\b(?:isn't|aren't|wasn't|weren't)\b|\[[^\]]*\]|<[^>\s]+>|\bin\s+principle\b|\bas\s+things\s+stand\b|\bfollowing\s+the\b|\bfor\s+the\s+time\s+being\b|\bin\s+most\s+cases\b
    |^\s*for\s+(?:training|inference|testing|development|staging|production)\b
    |\b(?!(?:Customer|Client|Provider|Supplier|Company|University|Authority|Bank|Organi[sz]ation|Institute|Council|Trust)['’])
     [A-Z][a-z]+['’]s\s+(?:[a-z]+\s+)?(?:ML|jobs|workloads|team|mints?)\b""", re.X)
"""Phrases that change a rule wherever they stand, read on the sentence itself: the past participle of a need ('Mints
over 5 MWh needed two approvers'), a plan ('to be set at'), a negated value ('is not capped'), a hedge ('for
now', 'in principle'), a purpose that is a scope ('For training, ...'), a person's or a site's jobs ('Bob's ML
jobs')."""


_FRAMING = re.compile(r"""^[^:;()]{1,40}:\s|\bin\s+no\s+case\b|\bunder\s+no\s+circumstances\b|\bat\s+the\s+latest\b
    |\b(?:users|the\s+parties|parties|we|you|it|the\s+\w+\s+team|team\s+\w+)\s+(?:acknowledges?|agrees?|accepts?
    |understands?|confirms?)\s+that\b|^\s*for\s+reasons?\s+of\s+[^,]+,|\bwith\s+(?:the\s+|a\s+)?(?:priority|class|category
    |flag|label|qos|tag)\b|\bwhen\s+\w+ing\b|\bsubmitted\s+(?:with|in|under|as)\b|\b(?:run|served|serviced|operated|hosted
    |delivered|provided)\s+from\b|\bfederal\s+republic\s+of\b|\bunited\s+(?:states|kingdom)\b|\bbetween\s+(?:sites|regions)\b
    |\bwhere\s+or\s+when\s+they\s+run\b|\b(?:as\s+of|from|effective|starting)\s+today(?:\s+on)?\b
    |\b(?:under|covered\s+by)\s+(?:this|the)\s+(?:sow|contract|agreement|policy|standard|charter|framework|schedule)\b|\bacross\s+regions\b
    |\bagreed\s+at\b
    |\bto\s+(?:align\s+with|catch|use|find|wait\s+for|get)\s+(?:the\s+)?(?:low[- ]carbon
    |cleaner|greener|cheaper)\s+\w+""", _RX)
"""Framing that changes nothing: a label ('OT-04:'), emphasis ('in no case'), an acknowledgement ('The Data team agrees
that'), a justification ('For reasons of data protection,'), how a job is marked ('submitted with the sustainable
flag'), a purpose clause ('when ranking placements'), where work is served from, a country's full name."""


def _understood(text: str, patterns: tuple[re.Pattern[str], ...], teams: Collection[str]) -> str:
    """``text`` with the values (regions, places, teams, numbers) and the cue phrases of its kind blanked."""
    spans = [m.span() for rx in (*patterns, _CODE, _PLACE, _MODALS, _FRAMING) for m in rx.finditer(text)]
    spans += [m.span() for t in teams for m in re.finditer(
        rf"(?<![\w-])[`'\"]?{re.escape(t)}[`'\"]?(?:\s*(?:'s|s'))?(?:\s+(?:teams?|groups?|tenants?|squads?))?(?![\w-])",
        text, re.I)]
    spans += [m.span() for m in re.finditer(rf"{_EMAIL}|\d[\d.,:]*", text)]
    return "".join("\0" if any(a <= i < b for a, b in spans) else c for i, c in enumerate(text))


_SUBJECT_NAME = re.compile(r"\s*(?:mints?|jobs?|workloads?|cluster|fleet|site|must|shall|may|can|will|is|are|draws?)\b",
                           re.I)
"""After a capitalised first word the rule does not know, a word that makes it the subject's name ('Orion mints',
'Orion must never draw')."""


_FIRST_NAME = re.compile(r"\s*(?P<w>[A-Z][a-z][\w-]*)\s+(?:mints?|jobs?|workloads?|cluster|fleet|site|must|shall|may"
                         r"|can"
                         r"|will|is|are|draws?|needs?)\b")


def _changed(rest: str, changer: re.Pattern[str], whole_words: bool) -> bool:
    """Whether a word left in ``rest`` belongs to ``changer``'s classes or is a capitalised name the rule does not
    know ('jobs on Orion', 'approvers from Finance')."""
    if (not whole_words and changer.search(rest)) or _EXTRA_CHANGERS.search(rest):
        return True
    for m in _WORD.finditer(rest):
        word = m.group(0)
        if whole_words and changer.fullmatch(word.lower()):
            return True
        if word[0].isupper() and not word.isupper() and word.lower() not in _CAPITAL_OK and (
                rest[:m.start()].strip() or _SUBJECT_NAME.match(rest, m.end())):
            return True
    return False


# -- the reader -------------------------------------------------------------------------------------
_KINDS: tuple[Callable[[str, Collection[str]], Interpretation | None], ...] = (
    _deferral, _urgent, _power, _budget, _price, _mints, _residency)
_SPLIT = re.compile(r"""\s*;\s*(?:and\s+)?|\s*[·•|]\s*|\s*,\s+(?=(?:and\s+)?(?:every|all|any)\s+other\b)
    |\s*,\s+(?:and|but|while|whereas)\s+(?!never\b|not\b|only\b|no\s+more\b|at\s+most\b|up\s+to\b)|\s+whereas\s+
    |\s+and\s+(?=(?:shall|must|will|may|is\s+to|are\s+to)\b)|\s*,\s+(?=(?:\w+\s+){0,3}?(?:is|are)\s+(?:limited|restricted
    |confined|capped)\b)""", _RX)


_TAGGED = re.compile(r"""\b(?:tagged|labell?ed|marked|flagged|designated|classified|submitted)\s+(?:as\s+|with\s+)?
    (?:(?:the\s+)?(?:label|tag|flag)\s+)?['"`]?(?!(?:urgent|balanced|sustainable)\b)[\w-]+""", _RX)
"""A qualifier naming a tag other than the category ('Urgent jobs tagged 'payroll''): a part of the fleet."""


def _clause(text: str, teams: Collection[str]) -> Interpretation | None:
    if _CLOCK.search(text):  # a time of day: a blackout (the phrase reader's alone), or a condition on another rule
        return None
    if _unsafe(text):
        return None
    readings = [r for r in (kind(text, teams) for kind in _KINDS) if r is not None]
    return readings[0] if len(readings) == 1 else None


_CUES = (_WAIT, re.compile(_MOVE, _RX), _NO_RUN, re.compile(POWER, re.I), re.compile(MASS, re.I), _MONEY, _MINT,
         _CATEGORY)
_VALUE = re.compile(rf"(?<!these\s)(?<!those\s)(?<!the\s)(?<!all\s)\d|{_EMAIL}")


def _values(text: str, teams: Collection[str]) -> tuple[frozenset[str], ...]:
    """What a clause names that a constraint could hold: regions, numbers, teams, categories."""
    return (frozenset(_regions(text) or ()), frozenset(re.findall(rf"\d+(?:\.\d+)?|{_EMAIL}", text)),
            frozenset(_teams(text, teams)), frozenset(m.group(1).lower() for m in _CATEGORY.finditer(text)))


_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u202f]\d{3})+(?![\d.,])(?=\s*(?:[a-zA-Z$€£]|$))")
_MINUTES = re.compile(r"""^(?:resolved|decision|agreed|decided)\s*:\s*(?:that\s+)?
    |^(?:the\s+)?(?:board|committee|council|parties|group|meeting)\s+(?:agreed|decided|resolved|confirmed)
     \s+that\s+""", _RX)
_LEAD_LABEL = re.compile(r"^[^:;]{1,40}?:\s+(?=\S)")
_TOPIC = re.compile(r"""\b(?:residency|regions?|deferral|delay|wait|power|carbon|price|pricing|budget|emissions|mints?
    |minting
    |approv\w*|blackouts?|freeze|maintenance|urgent|balanced|sustainable|teams?|default|all|every|other|only|not|no|never
    |tentative|draft|proposed|soft|old|previous)\b""", _RX)


def _vetoed(text: str) -> bool:
    """Whether a phrase anywhere in ``text`` makes any reading unsafe (e-mail addresses read as a person:
    'hpc-director@univ.example' is no director)."""
    plain = re.sub(_EMAIL, "someone", text)
    return _unsafe(plain) or bool(_ANY_TEXT_CHANGERS.search(plain) or _ANY_TEXT_CHANGERS.search(plain.lower())
                                  or _EXTRA_CHANGERS.search(plain) or ALWAYS_CHANGES.search(plain))


CUE_WARNING = "read by its cue words and values (no phrasing matched): check the constraint against the sentence"


def read_by_cues(text: str, teams: Collection[str]) -> Interpretation | None:
    """The constraint(s) ``text`` states, read by cue words and values, carrying ``CUE_WARNING``; None when unsure.

    See ``_read_by_cues`` for how."""
    found = _read_by_cues(text, teams)
    return None if found is None else Interpretation(found.items, (*found.warnings, CUE_WARNING))


def _read_by_cues(text: str, teams: Collection[str]) -> Interpretation | None:
    """The constraint(s) ``text`` states, read by cue words and values; None when unsure (see module doc).

    A sentence of several clauses ('...; sustainable jobs may be held for up to 8 hours') is read clause
    by clause: values never pair across a clause boundary. A clause that is not read is allowed only if it
    names nothing the read clauses do not ('...; placement in any region other than eu-west-1 is a breach').
    When no clause is read alone, the whole sentence is read if one clause holds every value and the others
    only refer back to it ('Web may be placed in ISNE or PJM; the NOC rejects any web placement outside these').
    A sentence of one clause that is not read is tried once more cut at its commas ('cap 1.1 MW, weekly
    carbon budget 2.2 t CO2e'), every part holding a value and every part read."""
    if is_instruction(text):
        return None  # the parser refuses these first; the reader refuses them too when called on its own
    if _vetoed(text):
        return None  # checked whole: a label or a closing remark may hold what changes the rule ('Proposal P-12: ...')
    text = re.sub(r"\bno\s+1\s+(?=else|other)", "no one ", _without_remark(text, teams))  # canonical's 'no 1 else'
    text = _SPACED_THOUSANDS.sub(lambda m: m.group(0).replace(" ", "").replace("\u202f", ""), text)  # '1 200 kW'
    text = re.sub(r"\s*≤\s*", " at most ", text)
    text = _MINUTES.sub("", text)  # 'RESOLVED: that', 'The Board agreed that'
    label = _LEAD_LABEL.match(text)
    if label and not (_TOPIC.search(label.group(0)) or _regions(label.group(0)) or _teams(label.group(0), teams)
                      or _DEFAULT_SCOPE.search(label.group(0)) or any(rx.search(label.group(0)) for rx in _CUES)):
        text = text[label.end():]  # 'OT-04:', '3.2 Outsourcing (cloud):' name the rule, they are not part of it
    first = _FIRST_NAME.match(text)
    if first and first["w"].split("-")[0].lower() not in _CAPITAL_OK and not _regions(first["w"]):
        return None  # 'Orion must never draw more than 300 kW', 'Orion mints need two approvers'
    if _CLOCK.search(text) or _vetoed(text):  # checked again: a stripped label may have hidden a leading phrase
        return None
    parts = _rejoin_fragments([p for p in _SPLIT.split(text) if p and p.strip()])
    if len(parts) > 1:
        return _by_parts(text, parts, teams)
    text = parts[0] if parts else text  # list items cut at ';' joined back
    found = _clause(text, teams)
    if found is not None:
        return found
    parts = [p for p in re.split(r"\s*,\s+", text) if p.strip()]
    if len(parts) > 1 and all(_VALUE.search(p) for p in parts):
        readings = [_clause(p, teams) for p in parts]
        if all(r is not None for r in readings):
            return Interpretation(tuple(i for r in readings if r is not None for i in r.items))
    return None


_FRAGMENT = re.compile(rf"^\s*(?:{_EMAIL}|(?:[\w.'-]+\s*){{1,3}})\s*[.!]?\s*$")
"""A part cut at ';' that is one item of a list ('j.park@client.example; t.oduya@client.example')."""


def _rejoin_fragments(parts: list[str]) -> list[str]:
    """``parts`` with list items cut at ';' joined back to the clause they continue."""
    out: list[str] = []
    for part in parts:
        if out and _FRAGMENT.match(part) and not _PREDICATE.search(part):
            out[-1] = f"{out[-1]}, {part.strip()}"
        else:
            out.append(part)
    return out


_PREDICATE = re.compile(r"\b(?:must|shall|may|can|will|is|are|be|run|runs|need|needs|requires?)\b", re.I)


def _by_parts(text: str, parts: list[str], teams: Collection[str]) -> Interpretation | None:
    readings = [_clause(p, teams) for p in parts]
    read = [r for r in readings if r is not None]
    if read:
        said = [_values(p, teams) for p, r in zip(parts, readings, strict=True) if r is not None]
        for p, r in zip(parts, readings, strict=True):
            if r is None and any(not v <= frozenset().union(*(s[i] for s in said))
                                 for i, v in enumerate(_values(p, teams))):
                return None
            minted = any(r2 and _MINT.search(q) for q, r2 in zip(parts, readings, strict=True))
            if r is None and _MINT.search(p) and not minted:
                return None
            if r is None and _regions(p) and not _OUTSIDE.search(p):
                return None  # '... only in eu-west-1 and must never run in eu-west-1' contradicts itself
            if r is None and any(rx.search(p) for rx in _CUES):
                return None  # '..., but they may wait an hour': a rule of its own, not read
        return Interpretation(tuple(i for r in read for i in r.items))
    holding = [p for p in parts if _VALUE.search(p) or _regions(p)]
    if len(holding) != 1:
        return None
    main = _values(holding[0], teams)
    for p in parts:
        if p is not holding[0] and (not _values(p, teams)[2] <= main[2] or not _values(p, teams)[3] <= main[3]
                                    or _DEFAULT_SCOPE.search(p)):
            return None
    return _clause(text, teams)
