"""Data residency read by its parts when no whole-sentence phrasing matches.

A residency rule has three parts whatever the word order: who (known teams, or "every other team"),
a restriction ("only", "exclusively", "restricted to", "must stay in", "nowhere else", "must not
leave"), and where (region codes, or places such as "the EU", "Sweden"). This reader finds the three
and builds the allow-list only when each is unambiguous; anything that would change the meaning is
refused (``None``, so the sentence is reported as not understood): a condition ("if", "during",
"unless"), an aspiration or a soft rule ("should", "preferably", "where possible"), a proposal, a
past or a habit ("was", "mostly", "because ..."), an addition ("also"), an exclusion ("may not run in
us-east-1", "anywhere except"), a rule on the region's side ("eu-north-1 is reserved for data",
"only the data team may use ..."), times of day or dates (a blackout, not residency), a team name
that may be an ordinary word outside a team phrase ("data", "research"), or both a team and "other
teams" in one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from copilot.policy.values import Interpretation, PolicyItem, regions_mentioned
from tools.regions import REGIONS

_REFUSE = re.compile(
    r"\b(?:if|when|whenever|unless|except|excluding|but not|provided|during|between|until|before|after|while"
    r"|ideally|prefer\w*|preferabl\w*|try|aim|where possible|if possible|whenever possible|encouraged|recommended"
    r"|also|additionally|as well|too|in addition|burst\w*|overflow|failover|fail over|backup|temporarily"
    r"|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|weekends?|weekdays?"
    r"|consider\w*|propos\w*|plan(?:s|ned|ning)? to|intend\w*|expect\w*|future|next (?:quarter|year|month)|draft"
    r"|might|could|would|may be|discuss\w*|review\w*|evaluat\w*|pilot\w*|trial\w*|example|e\.g\.|for instance"
    r"|used to|previously|formerly|historically|no longer|was|were|had been|until now|currently|today"
    r"|should|because|since|as a result|due to|so that|in order to|so as to|handles?|handled|typically|usually"
    r"|mostly|mainly|generally|normally|often|whereas|while|but|however|respectively"
    r"|other than|apart from|aside from|besides|save)\b|;"
    r"|\?"
    r"|\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}", re.I)
_NEGATION = re.compile(r"\b(?:not|never|no|cannot|can't|mustn't|shan't|prohibited|forbidden|banned|barred|nowhere)\b",
                       re.I)
_RESTRICTION_BY_NEGATION = re.compile(
    r"\b(?:not|never|no|cannot|can't|mustn't)\b[^.;]{0,40}\b(?:outside|leave|leaves|beyond)\b|\bnowhere else\b"
    r"|\bno other (?:regions?|zones?|locations?)\b|\bnot anywhere else\b|\bonly\b[^.;]*\bnowhere else\b", re.I)
_RESTRICTION = re.compile(
    r"\b(?:only|exclusively|solely|restricted|limited|confined|pinned|locked|bound|must|shall|required|requires"
    r"|mandatory|have to|has to|needs? to|nowhere else|residency|restrictions?|stay|stays|remain|remains|reside"
    r"|resides)\b",
    re.I)
_PLACEMENT = re.compile(
    r"\b(?:run|runs|running|ran|execut\w*|process\w*|stor\w*|host\w*|placed|placement|scheduled|located|deployed"
    r"|stay|stays|remain|remains|reside|resides|use|used|restricted|limited|confined|pinned|locked|bound|allowed"
    r"|permitted|regions?|residency|compute|workloads?|jobs?|leave|leaves|live|lives)\b", re.I)
_REGION_SIDE = re.compile(r"\b(?:reserved|dedicated|exclusive(?:ly)?)\s+(?:to|for)\b|\bonly\s+(?:teams?|for)\b", re.I)
_OTHER_TEAMS = re.compile(
    r"\b(?:all\s+)?(?:other|remaining|unlisted|unnamed)\s+teams?\b|\bevery(?:one|body)? else\b"
    r"|\bteams?\s+(?:not|without)\s+(?:listed|named|mentioned|a rule|an entry|their own)\b|\bevery other team\b"
    r"|\bany(?:\s+other)? team not\b|\bdefault\b", re.I)


_COMMON_WORDS = frozenset({
    "data", "web", "platform", "research", "infra", "ops", "core", "search", "security", "finance", "analytics",
    "product", "design", "mobile", "backend", "frontend", "api", "app", "apps", "cloud", "storage", "network",
    "support", "sales", "marketing", "training", "batch", "compute"})
"""Team names that are also ordinary words ("customer data must stay in the EU" names no team)."""
_LIST = r"(?:[\w-]+(?:,\s*|\s+(?:and|or|&)\s+))*[\w-]+"
_TEAM_PHRASES = (re.compile(rf"\b({_LIST})\s+teams?\b", re.I), re.compile(rf"\bteams?\s+({_LIST})", re.I),
                 re.compile(r"\b([\w-]+)(?:'s|-team)\b", re.I))


def _teams_named(text: str, teams: Collection[str]) -> list[str]:
    """Known teams named as whole words (not inside "ml-infra"), in order of mention; a team whose
    name is an ordinary word counts only inside a team phrase ("the data and research teams",
    "team web", "platform's")."""
    in_phrases = {w.lower() for rx in _TEAM_PHRASES for m in rx.finditer(text)
                  for w in re.findall(r"[\w-]+", m.group(1))}
    found = []
    for team in teams:
        m = re.search(rf"(?<![\w-]){re.escape(team)}(?![\w]|-\w)", text, re.I)
        if m and (team.lower() not in _COMMON_WORDS or team.lower() in in_phrases):
            found.append((m.start(), team.lower()))
    return [team for _, team in sorted(found)]


def _one_list(text: str, named: list[str]) -> bool:
    """Whether every named team sits in one list ("the data, web and research teams")."""
    names = "|".join(re.escape(t) for t in named)
    for m in re.finditer(rf"(?:\b(?:{names})\b(?:'s)?(?:\s+teams?)?(?:,\s*|\s+(?:and|or|&)\s+))+\b(?:{names})\b", text,
                         re.I):
        if all(re.search(rf"\b{re.escape(t)}\b", m.group(0), re.I) for t in named):
            return True
    return False


def _regions(text: str) -> list[str] | None:
    """The regions of a rule: its codes when it names any (a place with codes in parentheses means the
    codes, which must lie in the place), else the regions of the places it names."""
    codes, places = regions_mentioned(text)
    if codes:
        if places and any(c not in places for c in codes):
            return None  # "the EU (us-east-1)": contradicts itself
        return list(dict.fromkeys(c for c in codes if c in REGIONS)) or None
    return list(dict.fromkeys(places)) or None


def residency_by_slots(text: str, teams: Collection[str]) -> Interpretation | None:
    """Allow-lists from a residency sentence read by its parts (see the module docstring)."""
    labelled = re.search(r":\s*\S", text)  # "Every other team: us-east-1 only."
    if _REFUSE.search(text) or not (_PLACEMENT.search(text) or labelled):
        return None
    negated = bool(_NEGATION.search(text))
    if negated and not _RESTRICTION_BY_NEGATION.search(text):
        return None  # an exclusion ("may not run in us-east-1"): a PolicySet holds allow-lists only
    if not (_RESTRICTION.search(text) or _RESTRICTION_BY_NEGATION.search(text)):
        return None  # "ml runs in us-east-1" describes; it does not restrict
    if _REGION_SIDE.search(text):
        return None  # "eu-north-1 is reserved for the data team" restricts the region, not the team
    named = _teams_named(text, teams)
    mentioned = [t for t in teams if re.search(rf"(?<![\w-]){re.escape(t)}(?![\w]|-\w)", text, re.I)]
    if len(mentioned) != len(named):
        return None  # a team name that may be an ordinary word ("research and ML jobs"): not sure who
    if any(re.search(rf"\bonly\s+(?:the\s+)?{re.escape(t)}\b", text, re.I) for t in named):
        return None  # "only the data team may use eu-north-1" restricts the region to the team
    others = bool(_OTHER_TEAMS.search(text))
    if named and others:
        return None
    if len(named) > 1 and not _one_list(text, named):
        return None  # "ML ... France, whereas the data team ... the UK": two rules, each with its regions
    regions = _regions(text)
    if not regions:
        return None
    if others:
        return Interpretation((PolicyItem("default_allowed_regions", regions),),
                              ("read by its parts: every team without its own rule",))
    if not named:
        return None
    return Interpretation(tuple(PolicyItem("allowed_regions_by_team", regions, team) for team in named),
                          ("read by its parts: team, restriction and regions",))
