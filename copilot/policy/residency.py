"""Data-residency sentences: which regions a team (or every other team) may run in.

Grammar (case-insensitive; the whole sentence must match):

    sentence   subject predicate | "<team> team: <regions> [only]" | "Allowed regions for <team>: <regions>"
    subject    team X | the X team | X team's jobs | jobs/data/workloads of|from|for|owned by team X
               | X jobs/workloads/training/data (X a known team)
               | [all] other teams | remaining teams | every team not named [in this section]
               | unless a team is listed above, its jobs | all jobs[, whatever the team,]   -> other teams
    predicate  [modal] [at all times|always|exclusively|only] run|stay|remain|be placed|... [its jobs]
                   [exclusively|only] in|within|inside <regions>
               | [modal] use <regions> | [modal] keep its jobs in <regions>
               | is/are/[modal] be restricted|limited|confined|pinned to <regions>
               | must not|never leave <regions> | must not run outside <regions>
    regions    codes, places ("the EU", "Germany", "Stockholm") and "<place> (codes)" / "<place>, i.e. codes"
               (``values.parse_regions``); "any region" = no restriction

Negated predicates other than "leave"/"outside" ("must never run in ap-south-1") are exclusions,
which a PolicySet cannot hold: they are reported, never turned into an allow-list. A wish ("should",
"ideally") is not a rule, and "Data must ..." / "research data must ..." are about data, not a team.
A phrasing whose region list cannot be read strictly ("us-east-1, eu-west-1 and the UK") is handed to
the reader by parts (``residency_slots``) before its error is reported.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from copilot.policy.residency_slots import residency_by_slots
from copilot.policy.values import Interpretation, PolicyItem, SentenceError, one, parse_regions
from tools.regions import REGIONS

__all__ = ["residency"]

_NAME = r"[a-z0-9][\w.-]*"
_NOUN = r"""(?:jobs|job|data|workloads|workload|work|training(?:\s+jobs)?|pipelines|tasks|services|compute|computations?
            |processing|computing|runs(?!\s+(?:in|on|within|inside|only|exclusively|solely|strictly|always)\b)|batch\s+jobs)"""
_WHAT = rf"(?:\s+{_NOUN})?"
_RX = re.I | re.X
_TEAM_SUBJECTS = tuple(re.compile(p, _RX) for p in (
    rf"(?:the\s+)?team\s+(?P<team>{_NAME})(?:'s)?{_WHAT}\s+(?P<rest>.+)",
    rf"(?:the\s+)?(?P<team>{_NAME})\s+team(?:'s)?{_WHAT}\s+(?P<rest>.+)",
    rf"(?:the\s+)?(?P<team>[a-z0-9][\w.]*)-team(?:'s)?{_WHAT}\s+(?P<rest>.+)",
    rf"""(?:all\s+)?(?:the\s+)?{_NOUN}\s+(?:of|from|for|owned\s+by|belonging\s+to|by|run\s+by|submitted\s+by|launched\s+by)\s+
         (?:the\s+)?(?:team\s+(?P<team>{_NAME})|(?P<team2>{_NAME})\s+team)\s+(?P<rest>.+)""",
    rf"(?:all\s+)?(?:the\s+)?(?P<bare>{_NAME})(?:'s)?\s+{_NOUN}\s+(?P<rest>.+)",
    rf"(?P<bare>{_NAME})\s+(?P<rest>(?:may|must|shall|can|is|are|will|should|never)\b.+)",
))
_DEFAULT_SUBJECT = re.compile(r"""
    (?:(?:all\s+)?(?:the\s+)?(?:other|remaining)\s+teams(?:'\s+(?:jobs|data|workloads))?
      |(?:jobs|data|workloads)\s+of\s+(?:all\s+)?(?:the\s+)?other\s+teams
      |(?:all\s+|any\s+)?teams\s+not\s+(?:listed|named|mentioned)(?:\s+(?:above|here|below|in\s+this\s+(?:section|policy|document)))?
      |(?:every|any|each)\s+(?:other\s+team|team\s+not\s+(?:listed|named|mentioned)
         (?:\s+(?:above|here|below|in\s+this\s+(?:section|policy|document)))?)
      |(?:all\s+)?(?:the\s+)?teams\s+other\s+than\s+(?:the\s+)?[\w-]+(?:\s+team)?
      |everyone\s+else|(?:all\s+)?teams\s+without\s+(?:a|an|their\s+own|its\s+own)\s+(?:rule|entry|line)
         (?:\s+of\s+(?:their|its)\s+own)?(?:\s+(?:above|here))?
      |if\s+a\s+team\s+(?:is\s+not|isn't)\s+(?:listed|named|mentioned)
         (?:\s+(?:above|here|below|on\s+this\s+page|in\s+this\s+(?:section|policy|document|page)))?
         \s*,\s*its\s+(?:jobs|data|workloads|work)
      |unless\s+a\s+team\s+is\s+(?:listed|named|mentioned)(?:\s+(?:above|here|in\s+this\s+(?:section|policy|document)))?
         \s*,\s*its\s+(?:jobs|data|workloads|work)
    )\s+(?P<rest>.+)""", _RX)
_FLEET_SUBJECT = re.compile(r"""(?:(?:all|every)\s+|unless\s+otherwise\s+(?:specified|stated|noted)
    (?:\s+(?:for|by)\s+(?:a|any|the)\s+(?:given\s+|particular\s+)?team)?\s*,\s*(?:all\s+)?)
    (?:jobs?|workloads?)
    (?:\s*,\s*(?:whatever|regardless\s+of|irrespective\s+of)\s+(?:the\s+|their\s+)?team\s*,)?\s+(?P<rest>.+)""", _RX)
_MODAL = r"""(?:may|can|must|shall|should|will|need\s+to|needs\s+to|have\s+to|has\s+to|(?:is|are)\s+to
             |(?:is|are)\s+(?:only\s+)?(?:allowed|permitted)\s+to)"""
_ADV = r"(?:at\s+all\s+times|always|exclusively|solely|only|strictly)"
_VERB = r"""(?:run|runs|execute|stay|stays|remain|remains|live|reside|operate|process|store|host|take\s+place
            |be\s+(?:run|placed|scheduled|processed|stored|kept|hosted|located|executed|carried\s+out))"""
_PREDICATES = tuple(re.compile(p, _RX) for p in (
    rf"""(?:{_MODAL}\s+)?(?:{_ADV}\s+)*{_VERB}(?:\s+(?:(?:its|their)\s+)?(?:jobs|workloads|data|work))?
         (?:\s+{_ADV})*\s+(?:in|on|within|inside)\s+(?P<regions>.+)""",
    rf"{_MODAL}\s+(?:{_ADV}\s+)*use\s+(?P<regions>.+)",
    r"defaults?\s+to\s+(?P<regions>.+)",
    rf"""(?:is|are)\s+(?:run|executed|placed|scheduled|processed|hosted|kept|stored)\s+(?:{_ADV}\s+)+
         (?:in|within|inside)\s+(?P<regions>.+)""",
    rf"""(?=.*\b(?:only|exclusively|solely|nowhere\s+else|nothing\s+else)\b)
         (?:{_MODAL}\s+)?(?:{_ADV}\s+)*(?:go|goes|be\s+sent|are\s+sent)\s+(?:{_ADV}\s+)*to\s+(?P<regions>.+)""",
    rf"""(?=.*\b(?:only|exclusively|solely)\b)(?:{_MODAL}\s+)?(?:{_ADV}\s+)*(?:deploy|deploys|be\s+deployed|schedule|schedules)
         (?:\s+(?:its|their)\s+(?:jobs|workloads|work|services))?(?:\s+{_ADV})*\s+(?:to|in|into)\s+(?P<regions>.+)""",
    r"(?:'s\s+)?(?:allow-?list|allowed\s+regions|permitted\s+regions)\s*(?::|=|\s+(?:is|are)\s+)\s*(?P<regions>.+)",
    rf"""{_MODAL}\s+(?:{_ADV}\s+)*keep\s+(?:its|their|all|the)(?:\s+(?:its|their))?\s+(?:jobs|data|workloads|work)\s+
         (?:in|within|inside)\s+(?P<regions>.+)""",
    rf"(?:(?:is|are)|{_MODAL}\s+be)\s+(?:{_ADV}\s+)*(?:restricted|limited|confined|pinned)\s+to\s+(?P<regions>.+)",
    r"(?:(?:must|may|shall|should|can)\s+(?:not|never)|cannot|never)\s+leaves?\s+(?P<regions>.+)",
    rf"(?:{_MODAL}\s+)?(?:run|be\s+(?:run|placed|scheduled))\s+(?P<regions>anywhere|everywhere)",
    r"(?P<regions>(?:is|are)\s+(?:unrestricted|not\s+restricted)|(?:has|have)\s+no\s+(?:region(?:al)?\s+)?restrictions?)",
    r"""(?:(?:must|may|shall|should|can)\s+(?:not|never)|cannot|never)\s+(?:be\s+)?(?:run|placed|scheduled|stored|moved)
         \s+(?:anywhere\s+)?outside(?:\s+of)?\s+(?P<regions>.+)""",
))
_TERSE = (
    re.compile(rf"""(?:the\s+)?(?:team\s+(?P<team>{_NAME})|(?P<team2>{_NAME})\s+team)\s*(?::|\s-)\s*
                    (?P<regions>.+)""", _RX),
    re.compile(rf"""only\s+(?P<regions>.+?)\s+(?:may|can|is\s+to|are\s+to)\s+be\s+used\s+(?:by|for)\s+(?:the\s+)?
                   (?:team\s+(?P<team>{_NAME})|(?P<team2>{_NAME})\s+team)(?:'s)?{_WHAT}""", _RX),
    re.compile(rf"""(?:the\s+)?(?:allowed|permitted|approved)\s+regions\s+(?:for|of)\s+(?:the\s+)?
                   (?:team\s+(?P<team>{_NAME})|(?P<team2>{_NAME})\s+team)\s*(?::|are|is)\s*(?P<regions>.+)""", _RX),
    re.compile(rf"""(?:(?:data\s+)?residency|(?:allowed|permitted|approved)\s+regions|regions)\s*
                   (?:\(\s*(?:the\s+)?(?:team\s+(?P<team>{_NAME})|(?P<team2>{_NAME})(?:\s+team)?)\s*\)|\s-\s+(?P<team3>{_NAME}))
                   \s*:\s*(?P<regions>.+)""", _RX),
)
# "Platform: US regions only." - a known team's name alone, then a colon
_BARE_TERSE = re.compile(rf"""(?:the\s+)?(?P<team>{_NAME}(?:\s*(?:,|&|\+|\band\b)\s*{_NAME})*)
                             \s*(?:->|→|=>|:|\s-)\s*(?P<regions>.+)""", _RX)
_RESERVED = {"the", "a", "an", "all", "any", "every", "each", "other", "this", "that", "our", "no", "urgent",
             "balanced", "sustainable", "new", "these", "those", "some", "batch", "gpu", "cpu"}
_FREE = re.compile(r"anywhere|everywhere|(?:is|are)\s+(?:unrestricted|not\s+restricted)"
                   r"|(?:has|have)\s+no\s+(?:region(?:al)?\s+)?restrictions?", re.I)
_DEFAULT_TERSE = re.compile(r"""(?:(?:all\s+)?(?:other|remaining)\s+teams
                                |(?:the\s+)?default\s+(?:(?:allowed\s+|permitted\s+)?regions?|allow-?list))
                                \s*(?::|\s-)\s*(?P<regions>.+)""",
                            _RX)
_ORDINARY = {"data", "web", "platform", "research"}
"""Team names that are ordinary words: "research data must stay in Sweden" is about data, not the team, and
"Data must not leave the EU" is about all data (a subject "data" names the team only before jobs, workloads...)."""
_SOFT = re.compile(r"\b(?:should|could|might|would|ideally|preferabl[ey]|preferred)\b", re.I)
"""A wish ("should run only in eu-west-1") is not a rule."""
_TRAILER = re.compile(r"\s*,\s*(?:period|full\s+stop)$|\s*,?\s*(?:at\s+all\s+times|always|without\s+exception"
                      r"|no\s+exceptions|and\s+(?:nothing|nowhere)\s+else)$",
                      re.I)


# a leading clause naming every team without a rule: "Where a team is not otherwise mentioned in this
# standard, ...", "For any team not listed above, ...", "Save as provided above for named teams, ..."
_DEFAULT_LEAD = re.compile(r"""(?:
      (?:where|if|when)\s+a\s+team\s+(?:is\s+not|isn't)\s+(?:otherwise\s+)?(?:mentioned|listed|named)
    | for\s+(?:any|every|each|all)\s+(?:other\s+)?teams?\s+not\s+(?:otherwise\s+)?(?:mentioned|listed|named)
    | (?:save|except)\s+as\s+(?:otherwise\s+)?(?:provided|stated|specified|set\s+out)(?:\s+(?:above|below|here))?
      (?:\s+for\s+(?:the\s+)?(?:named|listed)\s+teams)?
    )(?:\s+(?:above|below|here|in\s+this\s+(?:standard|section|policy|document)))?\s*,\s*(?P<rest>.+)""", _RX)
_DEFAULT_RESTS = (
    re.compile(r"(?P<regions>.+?)\s+(?:are|is)\s+the\s+only\s+(?:permitted|allowed|approved)\s+regions?\.?", _RX),
    re.compile(r"(?:the\s+)?(?:permitted|allowed|approved)\s+regions?\s+(?:are|is)\s+(?P<regions>.+)", _RX),
)
_DEFAULT_NOUN = re.compile(r"(?:all\s+|any\s+)?(?:jobs|workloads|work|data|compute)\s+(?P<rest>.+)", _RX)


def _default_lead(norm: str, teams: Collection[str]) -> Interpretation | None:
    """Every other team's regions after a leading clause naming them (no team may be named)."""
    lead = _DEFAULT_LEAD.fullmatch(norm)
    if not lead or any(re.search(rf"(?<![\w-]){re.escape(t)}(?![\w]|-\w)", lead["rest"], re.I) for t in teams):
        return None
    rest = lead["rest"]
    m = next((m for rx in _DEFAULT_RESTS if (m := rx.fullmatch(rest))), None)
    if m is None:
        noun = _DEFAULT_NOUN.fullmatch(rest)
        pred = noun and next((p for rx in _PREDICATES[:1] if (p := rx.fullmatch(noun["rest"]))), None)
        if not pred or not re.search(r"\b(?:only|exclusively|solely)\b", rest, re.I) \
                or re.search(r"\b(?:should|ideally|prefer\w*|possible|if|unless|when)\b", rest, re.I):
            return None
        m = pred
    return one("default_allowed_regions", parse_regions(_TRAILER.sub("", str(m["regions"]))), None,
               "read as the regions of every team that has no rule of its own")


def _team(name: str, teams: Collection[str]) -> str:
    team = name.lower()
    if team not in teams:
        raise SentenceError(f"team {name!r} is not a team of the fleet (known teams: {', '.join(sorted(teams))}); "
                            "check the spelling")
    return team


def _subject(norm: str, teams: Collection[str]) -> tuple[str | None, str, bool] | None:
    """(team or None for other teams, rest of the sentence, fleet-wide subject) of a residency sentence."""
    m = _DEFAULT_SUBJECT.fullmatch(norm)
    if m:
        return None, m["rest"], False
    for rx in _TEAM_SUBJECTS:
        m = rx.fullmatch(norm)
        if not m:
            continue
        bare = m.groupdict().get("bare")
        if bare is not None:
            after = norm[m.end("bare"):]
            ordinary_data = (bare.lower() in _ORDINARY and re.match(r"(?:'s)?\s+data\b", after, re.I)) or (
                bare.lower() == "data" and not re.match(rf"(?:'s)?\s+{_NOUN}", after, re.I | re.X))
            if bare.lower() in teams and not ordinary_data:
                return bare.lower(), m["rest"], False
            continue
        team = m.groupdict().get("team") or m.groupdict().get("team2")
        if team and team.lower() not in _RESERVED:
            return team, m["rest"], False
    m = _FLEET_SUBJECT.fullmatch(norm)
    if m:
        return None, m["rest"], True
    return None


def residency(norm: str, teams: Collection[str]) -> Interpretation | None:
    """Data residency for one team or for all other teams; None if the sentence is not one. When a
    phrasing matches but its region list cannot be read strictly ("us-east-1, eu-west-1 and the UK",
    "eu-west-1 (primary), eu-north-1 (failover); no other regions are permitted"), the sentence is read
    by its parts (``residency_slots``) before the error is reported."""
    try:
        return _phrasings(norm, teams)
    except SentenceError:
        found = residency_by_slots(norm, teams)
        if found is None:
            raise
        return found


def _phrasings(norm: str, teams: Collection[str]) -> Interpretation | None:
    """The whole-sentence phrasings of the module docstring."""
    for rx in _TERSE:
        m = rx.fullmatch(norm)
        if m:
            regions = parse_regions(m["regions"])
            named = _team(m["team"] or m["team2"] or m.groupdict().get("team3") or "", teams)
            return one("allowed_regions_by_team", sorted(REGIONS) if regions is None else regions, named)
    terse = _DEFAULT_TERSE.fullmatch(norm)
    if terse:
        return one("default_allowed_regions", parse_regions(terse["regions"]))
    bare = _BARE_TERSE.fullmatch(norm)
    listed = [t.lower() for t in re.split(r"\s*(?:,|&|\+|\band\b)\s*", bare["team"]) if t] if bare else []
    if bare and listed and all(t in teams for t in listed):  # "Platform: US only", "ml and data -> EU only"
        regions = parse_regions(bare["regions"])
        return Interpretation(tuple(PolicyItem("allowed_regions_by_team", sorted(REGIONS) if regions is None
                                               else regions, team) for team in dict.fromkeys(listed)))
    lead = _default_lead(norm, teams)
    if lead is not None:
        return lead
    subject = _subject(norm, teams)
    pred = subject and next((m for rx in _PREDICATES if (m := rx.fullmatch(subject[1]))), None)
    if not subject or not pred or _SOFT.search(subject[1]):
        return None
    team, fleet = subject[0], subject[2]
    raw = _TRAILER.sub("", str(pred["regions"]))
    if re.search(r"\b(?:not|never|cannot)\b", subject[1], re.I) and re.search(r"\b(?:and|or)\s+in\b", raw, re.I):
        return None  # "must never run outside X or in Y": which regions are left?
    regions = None if _FREE.fullmatch(raw) else parse_regions(raw)
    if team is None:
        why = ("read as the regions of every team that has no rule of its own",) if fleet else ()
        return one("default_allowed_regions", regions, None, *why)
    return one("allowed_regions_by_team", sorted(REGIONS) if regions is None else regions, _team(team, teams))
