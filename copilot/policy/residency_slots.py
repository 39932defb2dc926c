"""Data residency read by its parts when no whole-sentence phrasing matches.

A residency rule has three parts whatever the word order and the register (contract, wiki, runbook,
slide, e-mail):

    WHO          known teams in a team position: "the data team", "team web", "Research's jobs",
                 "jobs submitted by the Research group", "ML team workloads", "Research and ML jobs",
                 "Research, Data and Web builds", "the data team and the research team", "for the web team"
                 | every other team: "teams not listed above", "any team without a specific entry in
                 Annex B", "teams with no override", "any team that doesn't have its own rule",
                 "by default", "the default allowed regions", "apart from the exceptions listed for ML
                 and Research, ...", "save as (otherwise|expressly) provided for a named team, ...", "everyone
                 else", "anyone not on the list above", "the rest of the teams", "all others", "teams without a
                 dedicated allocation/quota", "teams which are not mentioned in this Article", "Everyone else
                 (i.e. teams without a residency line above)" (the parenthesis may only restate who)
                 | the whole fleet, naming no team: "all jobs", "every compute job", "all HPC/cluster jobs",
                 "no workload of any team", "all Customer workloads", "all Services", "regardless of (the)
                 owning team", "irrespective of lab, department or project", "whatever the project", "of the
                 Bank/University", "company-wide, compute", "every job in the fleet", "all teams, all jobs:"
                                                                          -> default_allowed_regions
                 Team markers besides "team": group, squad, unit, lab, division, department, and the
                 accounts work runs under ("jobs submitted under an ML allocation/account/project").
    RESTRICTION  only | exclusively | solely | sole | restricted | limited | confined | pinned | locked
                 | must/shall/has to/is required to/is to + run|stay|remain|execute|be processed|host ...
                 | "allowed regions" / "allow-list" as a noun | a negation that restricts: "must not leave",
                 "may not be placed outside", "not ... anywhere other than", "not ... in any region other
                 than", "nowhere other than", "and in no other jurisdiction", "- nothing else", "nowhere else"
    WHERE        one list of regions: codes ("eu-west-1", "DE"), places ("the EU", "Sweden", "Texas"; a place
                 means every region in it), "India (ap-south-1)" / "the EU, i.e. eu-west-1" (the codes,
                 which must lie in the place), "eu-west-1 (Ireland)", "eu-north-1 (failover)", "EU-only",
                 "these 3 zones" / "a single region" (the count must match the list), what the regions are
                 called ("the PJM and ISNE grid zones", "the ERCO power grid", "Great Britain (grid zone GB)"),
                 "in any of X, Y or Z", and a list said twice for emphasis ("eu-west-1 and ONLY eu-west-1")

Word order is free: "eu-north-1 only, for all jobs submitted by the Research group", "India
(ap-south-1) is the sole permitted location for research team jobs", "Texas and California only, for
the web team". Allow-list labels are read too: "Allowed regions, web: us-east-1 / us-west-2 - nothing
else", "Permitted regions - Web and Platform: eu-west-1 / DE / FR", "Region pinning: data -> eu-west-1,
eu-north-1; ml -> us-west-2", "Any team not called out above: us-east-1 only", "Default region
allow-list (applies to teams with no override): us-west-2, CISO".

Lead-ins that do not change the rule are dropped: "Rule 4 -", "Clause 7.2:", "Notwithstanding clause
7.1,", "Pursuant to Clause 7.2,", "Under the Bank's outsourcing policy (EBA/GL/2019/02),", "In line with
the agency's data sovereignty directive," (a reference to a document, naming no region or team and no
condition), "Per Control IR-7.3 (Data Residency),", "Schedule 2, item 3:", and a reference to the document the
work falls under ("workloads performed under this Contract").

Two team clauses sharing one predicate said once are read when each reads on its own with the borrowed
predicate: "ML jobs must stay in X, and Web jobs in Y", "... will be placed nowhere other than X, and Web jobs
nowhere other than Y"; a second clause with a predicate of its own ("..., and Web jobs may burst to Y") refuses.

A team name that is also an ordinary word (data, web, platform, research) names the team only in a
team position: marked ("team"/"group"/"'s"), coordinated with another team name, followed by
jobs/workloads/builds, after "for" at the end of the clause, or capitalised as the subject ("Research
must ..."; never "Data", which is as often the company's data). "Customer data must stay in the EU"
names no team and no fleet, and is refused.

Refused (``None``: the sentence is reported as not understood), because a wrong allow-list is far
worse than none: questions; soft wishes (should, ideally, prefer, where possible); conditions (if,
when, during, unless, only with approval); proposals and plans; the past or a habit (was, used to,
currently, mostly); additions (also, too, as well); exclusions ("must never run in ap-south-1",
"anywhere except X"); a permission without restriction ("may run in eu-west-1"); a rule on the
region's side ("eu-north-1 is reserved for the data team", "only the data team may use ...", "... for
ML only"); two region lists or two team subjects in one clause (the compound reader splits those);
both a team and "every other team"; regions in another role ("jobs from eu-west-1", "eu-west-1 data",
"any EU region"); a purpose or scope after "for" ("for training"); a number.

Words outside the rule's own vocabulary (its subjects, teams, regions, restriction and modal words) are
NEUTRAL ("firmly", "fyi", "stay put", "whatever their size", ", to keep latency down") unless one of these
holds, and then the sentence is refused:
  - the word belongs to a MEANING-CHANGER class (``_CHANGER``): conditions and time (pending, interim,
    overnight, ahead, Q3, months, seasons, pilot, migration), wishes and advice (supposed, hope, ideally,
    feasible), plans and proposals (let's, roadmap, tentative, confirm), the past and descriptions of today
    (been, historically, in practice, mostly), additions, alternatives and exceptions (plus, or nearby, its
    neighbours, notwithstanding, barring), minimums and approximations (at least, roughly, give or take),
    scopes and parts of the fleet (GPU, production, nodes, spot capacity, students, PII), other kinds' cue
    words (carbon, power, price, approval, defer) and negations outside the recognised forms;
  - it is capitalised outside a lead-in label ("Reminder:") or a parenthesis: a name ("jobs on Orion",
    "Bob's ML jobs") may narrow the rule;
  - it qualifies the work: just before a work noun ("inference jobs"), after all/every/any ("every urgent
    job"), or anywhere in the subject before its modal or verb ("ML jobs on spot capacity are ...");
  - it follows "or" ("eu-west-1 or similar"): an alternative the allow-list cannot hold.
Lead-ins that only draw attention ("Please note that", "Reminder:", "FYI -") and emphasis ("full stop",
"no exceptions", ", period") are dropped. "may not ... anywhere other than X" is left
alone ("may not" can be "might not"); "must not" / "shall not" / "cannot" are read.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from copilot.policy.values import Interpretation, PolicyItem
from copilot.policy.vocab import REGION_ALIASES, alias_pattern
from tools.regions import REGIONS

__all__ = ["residency_by_slots"]

_RX = re.I | re.X

# -- WHERE: one list of regions -------------------------------------------------------------------
_CLOUD = r"(?i:(?<![\w-])[a-z]{2,3}-[a-z]+-?\d+[a-z]?(?![\w-]))"
_GRID = r"(?<![\w-])(?:" + "|".join(n for n in REGIONS if not re.fullmatch(r"[a-z]{2,3}-[a-z]+-?\d+[a-z]?", n)) \
    + r")(?![\w-])"  # grid zones in capitals only ("de" is not Germany)
_CODE = rf"(?:{_CLOUD}|{_GRID})"
_CODES = rf"{_CODE}(?:\s*(?:,|/|&|\+)?\s*(?i:and|or)?\s*{_CODE})*"
_PLACE = alias_pattern().pattern
_KIND = r"(?i:(?:(?:grid|power|balancing|cloud|aws|gcp|azure|electricity)\s+)?(?:regions?|zones?|grids?|areas?|codes?))"
"""What a region is called: "the PJM and ISNE grid zones", "Great Britain (grid zone GB)"."""
_ROLE = r"(?i:primary|secondary|failover|fail-over|fallback|standby|backup|dr|disaster\s+recovery)"
_ITEM = (rf"(?P<head>{_CODE}|{_PLACE})(?:\s*\(\s*(?:{_KIND}\s+)?(?P<paren>{_CODES}|{_PLACE})\s*\))?"
         rf"(?:\s*,?\s*(?i:i\.\s?e\.?|namely|that\s+is|specifically)\s*,?\s*(?P<ie>{_CODES}))?"
         rf"(?:\s*\(\s*{_ROLE}\s*\))?(?:\s+{_KIND})?")
_JOIN = r"(?:\s*(?:,|/|&|\+|\|)\s*(?:(?i:and|or)\s+)?|\s+(?i:and/or|and|or)\s+)(?:(?i:in)\s+)?"
_ITEM_RX = re.compile(_ITEM)
_ITEM_PLAIN = re.sub(r"\?P<\w+>", "", _ITEM)
_RUN = re.compile(rf"(?:(?i:either|both)\s+)?{_ITEM_PLAIN}(?:{_JOIN}{_ITEM_PLAIN})*")
_REPEATED = re.compile(rf"""(?P<run>{_RUN.pattern})\s*,?\s*(?i:and|but)\s+(?i:only|solely|exclusively|just)\s+
                            (?:(?i:in|to|within|on)\s+)?(?P=run)(?![\w-])""", re.X)
"""A list repeated for emphasis: "eu-west-1 and ONLY eu-west-1" is "only eu-west-1"."""
"""A list of regions: items joined by commas, slashes, "and", "or" (case matters for grid zones and
for US/EU/UK, so this pattern is not compiled case-insensitively)."""


def _place(name: str) -> list[str] | None:
    """The regions of a place alias, None when the text is not one."""
    found = REGION_ALIASES.get(" ".join(name.lower().split()))
    return list(found) if found else None


def _code(name: str) -> str | None:
    """A region code as the registry spells it, None when unknown ("eu-central-1")."""
    for region in REGIONS:
        if region.lower() == name.lower() and (region == name or "-" in region):
            return region
    return None


def _codes(text: str) -> list[str] | None:
    """Every code of a code list ("eu-west-1, eu-north-1"), None when one is unknown."""
    found = [_code(m.group(0)) for m in re.finditer(_CODE, text)]
    return None if not found or any(c is None for c in found) else [c for c in found if c]


def _item_regions(m: re.Match[str]) -> list[str] | None:
    """The regions of one list item; a place explained by codes means the codes, which must lie in it."""
    head, explained = m["head"], m["paren"] or m["ie"]
    own = _place(head) if re.fullmatch(_PLACE, head) else ([c] if (c := _code(head)) else None)
    if own is None:
        return None
    if explained is None:
        return own
    if re.fullmatch(_PLACE, head):  # "India (ap-south-1)", "the EU, i.e. eu-west-1 and eu-north-1"
        codes = _codes(explained)
        return codes if codes and all(c in own for c in codes) else None
    place = _place(explained)  # "eu-west-1 (Ireland)"
    return own if place and all(c in place for c in own) else None


def _run_regions(run: str) -> list[str] | None:
    """The regions of a region list, in order and without repeats; None if an item cannot be read."""
    out: list[str] = []
    for m in _ITEM_RX.finditer(run):
        regions = _item_regions(m)
        if regions is None:
            return None
        out.extend(r for r in regions if r not in out)
    return out or None


# -- WHO: teams in a team position ------------------------------------------------------------------
_COMMON_WORDS = frozenset({
    "data", "web", "platform", "research", "infra", "ops", "core", "search", "security", "finance", "analytics",
    "product", "design", "mobile", "backend", "frontend", "api", "app", "apps", "cloud", "storage", "network",
    "support", "sales", "marketing", "training", "batch", "compute"})
"""Team names that are also ordinary words ("customer data must stay in the EU" names no team)."""
_TEAM_WORD = r"""(?:teams?|groups?|squads?|units?|orgs?|departments?|dept|labs?|divisions?|crews?|pods?|tribes?
    |allocations?|accounts?|tenancy|tenancies|namespaces?|projects?|budgets?|cost\s+cent(?:er|re)s?)"""
_TEAM_NOUN = r"""(?:jobs?|workloads?|builds?|tasks?|training(?:\s+jobs)?|pipelines?|deployments?|services?|compute
                 |computing)"""
_DATA_NOUN = r"(?:jobs?|workloads?|builds?|tasks?)"
"""Nouns after a bare team name that make it a team ("Platform workloads"); "data" takes fewer
("data pipelines", "data services" are as often the company's)."""
_PRED_OK = frozenset({"", "the", "all", "every", "each", "any", "for", "by", "of", "from", "to", "both", "either",
                      "no"})
"""Words that may stand just before a bare team name in a team position (a noun phrase starts there)."""
_THING_NEXT = re.compile(r"""\s+(?:cluster|clusters|fleet|estate|regions?|locations?|jurisdictions?|countr(?:y|ies)
    |zones?|sites?|datacent(?:er|re)s?|centres?|centers?|grid|grids)\b""", _RX)
"""A noun after a bare team name that makes it a modifier of a thing ("the ML cluster"), not a team."""
_MODAL_NEXT = re.compile(r"\s*(?:'s\s+)?(?:must|shall|may|can|will|is|are|has|have|needs?|runs?|stays?|remains?"
                         r"|executes?|operates?|only|exclusively|solely)\b", re.I)


@dataclass(frozen=True)
class _TeamList:
    """A coordinated list of known team names found in the text, and whether it is in a team position."""

    start: int
    end: int
    names: tuple[str, ...]
    team: bool


def _team_patterns(teams: Collection[str]) -> tuple[str, str]:
    """(one item, a coordinated list of items) of team names, e.g. "the Research group", "ML jobs"."""
    names = "|".join(re.escape(t) for t in sorted(teams, key=len, reverse=True))
    item = (rf"(?:the\s+)?(?:(?:team|group|squad)\s+(?P<pre>{names})|(?P<name>{names})(?P<poss>'s)?"
            rf"(?P<word>[\s-]+{_TEAM_WORD}(?:'s?)?)?)(?![\w-])(?P<noun>\s+{_TEAM_NOUN}(?![\w-]))?")
    plain = re.sub(r"\?P<\w+>", "", item)
    sep = r"(?:\s*,\s*(?:and\s+|or\s+|&\s+)?|\s+(?:and|or|&|\+)\s+|\s*/\s*)"
    return item, rf"(?<![\w-]){plain}(?:{sep}{plain})*"


def _team_lists(text: str, teams: Collection[str]) -> list[_TeamList]:
    """Every list of known team names in ``text``, with whether it names teams (see the module docstring)."""
    if not teams:
        return []
    item, listed = _team_patterns(teams)
    out = []
    for m in re.finditer(listed, text, re.I):
        items = list(re.finditer(item, m.group(0), re.I))
        names = tuple((i["pre"] or i["name"]).lower() for i in items)
        before = text[: m.start()].rstrip()
        pred = "" if not before or not before[-1].isalnum() else re.split(r"\W+", before)[-1].lower()
        first = items[0]["pre"] or items[0]["name"]
        marked = any(i["pre"] or i["poss"] or i["word"] for i in items)
        nouned = bool(items[-1]["noun"]) and (names[-1] != "data" or re.fullmatch(rf"\s+{_DATA_NOUN}",
                                                                                  items[-1]["noun"], re.I) is not None)
        after = text[m.end():]
        if not marked and _THING_NEXT.match(after):
            out.append(_TeamList(m.start(), m.end(), names, False))
            continue
        team = (marked or all(n not in _COMMON_WORDS for n in names)
                or (pred in _PRED_OK and (len(items) > 1 or nouned))
                or (pred == "for" and re.match(r"\s*(?:[,.:;)]|$)", after) is not None)
                or (pred in _PRED_OK and first[0].isupper() and names[0] != "data" and len(items) == 1
                    and _MODAL_NEXT.match(after) is not None))
        out.append(_TeamList(m.start(), m.end(), names, team))
    return out


# -- lead-ins, every other team, the whole fleet ------------------------------------------------------
_DOC = r"""(?:section|policy|document|table|list|standard|annex|schedule|appendix|page|file|article|clause|contract
    |agreement|chapter|part|paragraph|charter|runbook|wiki|sheet|spreadsheet|memo|note|handbook|manual|procedure|sop
    |guideline|guidance|framework|addendum|exhibit|rider|order|statement\s+of\s+work|sow|dpa|msa)s?"""
_REF = r"""(?:\s+(?:above|below|here|earlier|elsewhere|herein|hereunder|hereafter
            |(?:in|on|of|under)\s+(?:this|the|that|these|our)\s+""" + _DOC + r"""
            |(?:in|by|under|within|from|of)\s+(?:the\s+)?(?:section|clause|annex|schedule|appendix|table|article|part
              |paragraph|exhibit)\s+[\w.()-]+))"""
_NUMBERED = r"""(?:rule|clause|sub-?clause|section|article|item|paragraph|para|requirement|req|control|policy|schedule
    |annex|appendix|exhibit|part|chapter|point|step|bullet|art|sec|no|§)\.?\s*[a-z]?\d[\w.()-]*"""
_NUMBER_LEAD = re.compile(rf"""^(?:{_NUMBERED}\s*(?:,|/)?\s+)*{_NUMBERED}\s*(?::|-|\.|\))\s*""", _RX)
"""Numbered references before the rule: "Rule 4 -", "Clause 7.2:", "Schedule 2, item 3:"."""
_DOC_LEAD = re.compile(r"""^(?:notwithstanding|pursuant\s+to|in\s+accordance\s+with|in\s+line\s+with
        |in\s+compliance\s+with|in\s+keeping\s+with|consistent\s+with|as\s+required\s+by|as\s+(?:set\s+out|laid\s+down|specified|mandated)\s+in
        |as\s+per|per|under|according\s+to|to\s+comply\s+with|in\s+order\s+to\s+comply\s+with)
    \s+(?P<body>[^,;()]{1,100}?)(?:\s*\([^()]{0,60}\))?\s*,\s*""", _RX)
_PURPOSE_LEAD = re.compile(r"""^(?:for\s+(?:[\w-]+\s+){1,3}?(?:reasons?|purposes?)
    |(?:so\s+as\s+|in\s+order\s+)?to\s+(?:keep|ensure|meet|comply|satisfy|reduce|cut|limit|minimi[sz]e|control|protect|respect
      |honou?r|avoid|stay|remain|support|simplify|guarantee|preserve|maintain|contain|lower|help|align)\b(?P<body>[^,;()]{1,80}?))
    \s*,\s*""", _RX)
"""A leading purpose ("For GDPR reasons,", "To keep egress spend predictable,"): it explains the rule."""
_DOC_NOUN = re.compile(r"""\b(?:clauses?|sections?|articles?|schedules?|annex(?:es)?|appendix|appendices|polic(?:y|ies)
    |directives?|regulations?|laws?|acts?|standards?|frameworks?|agreements?|contracts?|gdpr|dpa|mandates?|rules?
    |requirements?|obligations?|statutes?|codes?|charters?|terms|addendum|circulars?|controls?|guidelines?|guidance
    |procedures?|handbooks?|manuals?|sops?|runbooks?|playbooks?|memos?|notices?|instructions?|specifications?|specs?
    |commitments?|undertakings?|licen[cs]es?|protocols?|principles?|standing\s+orders?)\b""", _RX)
_LEAD_CHANGES = re.compile(r"""\b(?:if|when|unless|except\w*|exempt\w*|exception\w*|waivers?|approv\w*|temporar\w*
    |draft|propos\w*|pilot|trial|future|previous\w*|former\w*|old|normal\w*|usual\w*|should|might|could|would
    |possible|feasible|practicable|extent|reasonabl\w*|now|date)\b""",
                           _RX)
_OTHERS_LEAD = (
    r"""(?:apart\s+from|aside\s+from|except\s+for|other\s+than|besides|save\s+for|with\s+the\s+exception\s+of)\s+
        (?:the\s+)?(?:(?:specific|named|listed|team-specific|explicit|individual)\s+)?
        (?:exceptions?|overrides?|carve-?outs?|rules?|entries|teams?)
        (?:\s+(?:listed|given|stated|named|set\s+out|defined|noted|specified|made|granted|above|below|here|earlier))*
        (?:\s+(?:for|of)\s+(?:the\s+)?TEAMS)?REF*""",
    r"""(?:save|except)\s+as\s+(?:(?:otherwise|expressly|explicitly|specifically|separately)\s+)*
        (?:provided(?:\s+for)?|stated|specified|set\s+out|noted|listed|agreed)
        (?:\s+(?:for|in\s+respect\s+of)\s+(?:an?\s+|the\s+|any\s+)?(?:(?:named|listed|specific|particular|given
          |individual)\s+)?teams?)?REF*""",
    r"""unless\s+otherwise\s+(?:specified|stated|noted|listed|provided|set\s+out)
        (?:\s+(?:for|by)\s+(?:an?\s+|the\s+|any\s+)?(?:(?:given|particular|specific|named)\s+)?teams?)?REF*""",
    r"""except\s+where\s+(?:otherwise\s+)?(?:specified|stated|noted|listed|provided)
        (?:\s+for\s+(?:an?\s+|the\s+)?(?:(?:named|specific|given|particular)\s+)?teams?)?REF*""",
    r"""in\s+the\s+absence\s+of\s+(?:an?\s+)?(?:team-specific|specific|dedicated|own)\s+(?:rule|entry|override)
        (?:\s+for\s+(?:a|the)\s+team)?""",
    r"where\s+no\s+(?:team-specific|specific|dedicated)\s+(?:rule|entry|override)\s+(?:applies|exists)",
)
_OTHERS = re.compile(rf"""
      (?:\b(?:for|to)\s+)?(?:
      (?:(?:all|any|every|each)\s+)?(?:(?:of\s+)?the\s+)?(?:other|remaining|unlisted|unnamed|unmentioned|non-?listed)
        \s+teams?(?:'s?)?
    | (?:every|any)(?:one|body)\s+else | all\s+(?:the\s+)?others | the\s+rest(?:\s+of\s+(?:the\s+)?teams)?
    | (?:(?:all|any|every|each)\s+)?(?:other\s+)?(?:teams?|every(?:one|body)|any(?:one|body))
        \s+(?:(?:that|which|who)\s+(?:is|are)\s+)?not\s+
        (?:(?:otherwise|specifically|explicitly|expressly|individually|separately|already)\s+)?
        (?:listed|named|mentioned|covered|called\s+out|specified|addressed|included|referenced|identified|given|set\s+out
          |(?:on|in)\s+(?:that|the|this|our)\s+(?:list|table|page|sheet))
        {_REF}*
    | (?:(?:all|any|every|each)\s+)?(?:other\s+)?teams?\s+(?:without|with\s+no|lacking|having\s+no
        |(?:that|which|who)\s+(?:(?:do|does)\s*(?:not|n't)\s+have|(?:has|have)\s+no|lacks?))\s+
        (?:(?:an?|any|its|their)\s+)?(?:(?:own|specific|dedicated|explicit|separate|individual|particular|team-specific)\s+)*
        (?:(?:residency|region(?:al)?|location)\s+)?
        (?:rules?|entry|entries|overrides?|exceptions?|allow-?lists?|polic(?:y|ies)|lines?|settings?|rows?|assignments?
          |restrictions?|allocations?|quotas?|arrangements?|provisions?|mentions?|carve-?outs?|agreements?|pins?)
        (?:\s+of\s+(?:its|their)\s+own)?{_REF}*
    | by\s+default)
    (?:\s*\(\s*(?:i\.\s?e\.?|that\s+is|namely|meaning|viz\.?)?\s*,?\s*[^()]*\))?
    """, _RX)
"""Every team without its own rule; a parenthesis may restate who ("Everyone else (i.e. teams without a
residency line above)"): it must hold no region, team or changer (checked in ``_clause``)."""
_DOCUMENT_SCOPE = re.compile(rf"""(?:\b(?:performed|carried\s+out|run|executed|delivered|provided|undertaken|conducted
        |processed|done|supplied|rendered)\s+)?
    \b(?:under|pursuant\s+to|in\s+connection\s+with|in\s+the\s+course\s+of|for\s+the\s+purposes\s+of)
    \s+(?:this|the|that)\s+{_DOC}(?![\w-])""", _RX)
"""A reference to the document the rule belongs to ("workloads performed under this Contract"): no scope."""
_DEFAULT_LIST = re.compile(r"""(?:the\s+)?default\s+(?:(?:region(?:al)?|residency)\s+)?
    (?:allow-?list|(?:allowed|permitted|approved)\s+(?:regions?|locations?)|regions?(?:\s+list)?)""", _RX)
_UNIT = r"""(?:(?:owning|submitting|originating|responsible|requesting)\s+)?(?:teams?|labs?|groups?|departments?
    |divisions?|units?|business\s+units?|projects?|owners?|submitters?|squads?|org(?:anisation|anization)?s?|tenants?)"""
_ORG = r"""(?:company|bank|firm|organi[sz]ation|agency|university|institution|institute|enterprise|business|lab
    |laboratory|hospital|trust|council|city|ministry|authority|corporation|group|startup|start-up|provider|supplier|contractor)"""
_FLEET = re.compile(rf"""
      (?:regardless|irrespective)\s+of\s+(?:the\s+|their\s+|its\s+|which\s+|whose\s+)?
        {_UNIT}(?:\s*(?:,|/|\bor\b|\band\b)\s*(?:the\s+|their\s+|its\s+)?{_UNIT})*
    | (?:whatever|whichever)\s+(?:the\s+|their\s+|its\s+)?{_UNIT}
    | (?:of|at|within|across|throughout)\s+(?:the|our)\s+{_ORG}(?![\w'-])
    | (?:of|from|for|by|across|in)\s+(?:any|every|all|each)\s+(?:of\s+the\s+)?teams?
    | (?:all|every|each)\s+teams?
    | (?<![\w-])(?:company|fleet|organi[sz]ation|org|enterprise|estate|cluster|business|firm|bank|agency|university
        |campus|group)-wide
    | across\s+(?:the\s+)?(?:(?:whole|entire)\s+)?(?:fleet|company|organi[sz]ation|estate|cluster|board)
    | (?:the\s+|our\s+)?(?:organi[sz]ation|company|firm|bank|agency|university|institution|enterprise)'s
    | (?:in|on|of|across)\s+(?:the\s+|our\s+)?(?:(?:whole|entire|operational|shared)\s+)?(?:fleet|cluster|estate)
    """, _RX)
_QUANTIFIED_JOBS = re.compile(r"""\b(?:all|every|each|any|no)\s+(?:(?:of\s+)?(?:the|our)\s+)?
    (?:(?:compute|customer|client|cloud|cluster|hpc|fleet)\s+)?(?:jobs?|workloads?|compute|computations?|builds?|tasks?
      |processing|work|services)\b""",
                              _RX)
_BARE_JOBS = re.compile(r"""^[\s,:-]*(?:(?:the|our)\s+)?(?:(?:compute|customer|client)\s+)?
                            (?:jobs|workloads|compute|computations|processing)\b""", _RX)


# -- RESTRICTION and what changes the meaning --------------------------------------------------------
_QUESTION = re.compile(r"""^(?:do|does|did|is|are|was|were|can|could|should|would|will|shall|may|might|must|has|have
    |had|why|how|what|where|which|who|whom|whose|when|isn't|aren't|doesn't|don't|can't|won't|shouldn't)\b""", _RX)
_REFUSE = re.compile(
    r"\b(?:if|when|whenever|unless|except|excluding|but not|provided|during|between|until|before|after|while|whilst"
    r"|ideally|prefer\w*|preferabl\w*|try|aim|where possible|if possible|whenever possible|encouraged|recommended"
    r"|also|additionally|as well|too|in addition|including|includes?|among|burst\w*|overflow|temporar\w*"
    r"|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|weekends?|weekdays?"
    r"|consider\w*|propos\w*|plan(?:s|ned|ning)? to|intend\w*|expect\w*|future|next|draft|tbd|tbc"
    r"|might|could|would|may be (?:restricted|limited|confined|pinned|locked|subject)|discuss\w*|review\w*"
    r"|evaluat\w*|pilot\w*|trial\w*|example|e\.g\.|for instance"
    r"|such as|used to|previously|formerly|historically|no longer|was|were|had been|until now|currently|today"
    r"|should|because|since|as a result|due to|so that|in order to|so as to|handles?|handled|typically|usually"
    r"|mostly|mainly|generally|normal\w*|often|whereas|but|however|respectively|approv\w+ by|approval|permission"
    r"|exempt\w*|waiver|other than|apart from|aside from|besides|save)\b|;|\?|\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}", re.I)
_NEGATION = re.compile(r"\b(?:not|never|no|cannot|nowhere|nothing|none|neither|nor|nobody)\b|n't\b", re.I)
_EMPHASIS = re.compile(r"""\b(?:at\s+all\s+times|without\s+(?:any\s+)?exception|in\s+all\s+cases
    |under\s+all\s+circumstances|at\s+any\s+time|whatsoever|full\s+stop|no\s+exceptions?
    |no\s+matter\s+what|no\s+ifs\s*,?\s*(?:(?:and|or)\s+)?no\s+buts|no\s+ifs\s+(?:and|or)\s+buts|non-?negotiabl[ey]
    |plain\s+and\s+simple)\b|,\s*period\s*$""", _RX)
_TO_REGION = r"(?:in\s+|to\s+)?(?:the\s+)?@R@"
_LICENCES = (
    # "must not leave the EU", "may not be placed outside eu-north-1", "shall not process ... outside Europe"
    re.compile(r"""(?P<neg>\b(?:not|never|no|cannot)\b|\b\w+n't\b)(?P<mid>(?:(?!@R@)[^.;])*?)
                    \b(?:outside(?:\s+of)?|beyond|leaves?|exit)\s+(?:the\s+)?@R@""", _RX),
    # "shall not be hosted in any region other than eu-north-1", "not ... anywhere other than in Sweden", "may not
    # run in any region other than X" (in a policy "may not" forbids)
    re.compile(rf"""(?P<neg>\b(?:not|never|no|cannot)\b|\b\w+n't\b)(?P<mid>(?:(?!@R@)[^.;])*?)
                    \b(?:anywhere|elsewhere|in\s+any\s+(?:other\s+)?(?:regions?|locations?|jurisdictions?|countr(?:y|ies)
                       |places?|zones?|sites?))\s+(?:other\s+than|except|but|besides|apart\s+from|save|bar)\s+{_TO_REGION}""",
               _RX),
    # "may run nowhere other than eu-north-1"
    re.compile(rf"\bnowhere\s+(?:other\s+than|except|but|besides|apart\s+from|else\s+(?:than|but))\s+{_TO_REGION}",
               _RX),
    # "in Ireland and in no other jurisdiction", "us-west-2 - nothing else", "eu-west-1, nowhere else"
    re.compile(r"""@R@\s*(?:,|-|;)?\s*(?:(?:and|but)\s+)?(?:(?:in|to)\s+)?
                   (?:nowhere\s+else|nothing\s+else|not\s+anywhere\s+else|not\s+elsewhere|none\s+other
                   |no\s+other\s+(?:regions?|locations?|jurisdictions?|countr(?:y|ies)|zones?|places?|sites?)
                     (?:\s+(?:is|are|may\s+be)\s+(?:permitted|allowed|used|acceptable|approved))?
                   |no\s+others?)\b""", _RX),
)
"""A negation that restricts: it keeps the work inside the regions instead of keeping it out of them."""
_PLACEMENT_VERB = r"""(?:run|execute|stay|remain|reside|live|operate|process|host|keep|store|use|go|confine|restrict
    |limit|be\s+(?:run|executed|processed|hosted|placed|scheduled|deployed|located|kept|stored|carried\s+out|restricted
      |limited|confined|pinned|locked|bound|sent|routed|contained|housed|based|ring-?fenced)|sit)"""
_RESTRICTION = re.compile(rf"""
      \b(?:only|exclusively|solely|sole|restricted|restricts?|limited|limits?|confined|confines?|pinned|pinning|pins?
        |locked|bound|tied|ring-?fenced|allow-?list|allowlist|whitelist(?:ed)?|residency)\b
    | \b(?:allowed|permitted|approved|authori[sz]ed)\s+(?:regions|locations|jurisdictions|countries)\b
    | \b(?:must|shall|has\s+to|have\s+to|needs?\s+to|(?:is|are)\s+(?:required|obliged|obligated|mandated)\s+to
        |(?:is|are)\s+to)\s+(?:(?:always|only|exclusively|strictly|solely|physically)\s+)*{_PLACEMENT_VERB}\b
    """, _RX)
_REGION_SIDE = re.compile(r"""\b(?:reserved|dedicated|exclusive(?:ly)?|available|open)\s+(?:to|for)\b|\bonly\s+for\b
    |\bonly\s+(?:(?:for|by|to|the|jobs|workloads|of|from)\s+)*@T@|\b(?:for|to|by)\s+@T@\s*(?:only|exclusively|solely|alone)\b
    |@T@\s+alone\b|^\s*only\b(?!\s*@R@)
    |@T@\s*(?:only|exclusively|solely)\b(?!\s+(?:must|shall|may|can|will|is|are|run|runs|execute|executes|stay|stays
      |remain|remains|operate|operates|use|uses|process|processes|be|get|go|goes|deploy|deploys|host|hosts
      |in|within|inside|to|into|on)\b)""", _RX)
_BEFORE_REGIONS = frozenset({"in", "within", "inside", "to", "into", "on", "outside", "of", "beyond", "than", "except",
                             "but", "besides", "from", "bar", "save", "leave", "leaves", "exit", "use", "uses", "is",
                             "are", "only", "exclusively", "solely", "strictly"})
"""Words that may stand just before the region list (after "from", "besides", "bar", "save" it is an
exception, accepted only inside a restricting negation)."""
_AFTER_REGIONS = frozenset({"", "only", "exclusively", "solely", "strictly", "and", "or", "is", "are", "may", "must",
                            "shall", "can", "will", "for"})
"""Words that may follow the region list ("us-west-2 only", "... is the sole permitted location for ..."); a noun
there makes the regions a modifier ("must use eu-west-1 data")."""
_NEGATED_BEFORE = frozenset({"outside", "of", "beyond", "than", "except", "but", "besides", "from", "bar", "save",
                             "leave", "leaves", "exit"})
_VOCABULARY = frozenset(re.findall(r"\S+", """
    the all any every each its their our it they we this of for by in into within inside on to at across and or is
    are be being must shall may can will has have need needs required obliged obligated mandated allowed permitted
    authorised authorized approved entitled run runs execute executes executed stay stays remain remains reside
    resides live lives operate operates process processes processed host hosts hosted place placed schedule
    scheduled deploy deploys deployed keep keeps kept store stores stored located submit submits submitted launch
    launches launched own owns owned belong belongs belonging started created land lands running everything
    anything initiated triggered send sent route routed go goes carried out use uses confine confines confined
    restrict restricts restricted limit limits limited pin pins pinned pinning lock locks locked bound tied only
    exclusively solely strictly sole exclusive always entirely wholly purely physically job jobs workload workloads
    compute computation computations computing processing build builds task tasks pipeline pipelines training
    service services deployment deployments work information data fleet cluster estate operational entire whole
    shared region regions location locations jurisdiction jurisdictions country countries zone zones site sites
    datacenter datacenters centre centres center centers allow-list allowlist whitelist residency customer
    customers client clients grid which where these those ones from both either single hpc under an take takes taking
    place perform performs performed conducted undertaken done following
"""))
"""Every word a residency rule may hold besides its team, region and "every other team" phrases; any
other word is neutral unless it is a meaning-changer (``_CHANGER``)."""
_WORK_NOUNS = frozenset({"job", "jobs", "workload", "workloads", "compute", "computation", "computations", "build",
                         "builds", "task", "tasks", "pipeline", "pipelines", "service", "services", "deployment",
                         "deployments", "work", "data", "training", "processing", "computing", "runs", "nodes",
                         "clusters", "cluster", "fleet", "estate", "traffic", "instances", "machines", "servers"})
"""Nouns naming the work or where it runs: an unknown word just before one is a scope ("GPU jobs")."""
_CHANGER = re.compile(r"""(?:
    # conditions, time and duration
      if|when\w*|unless|once|whilst|while|until|till|til|pending|provided|providing|assuming|subject|contingent|depend\w*
    | during|throughout|through|thru|between|before|after|afterwards|since|as-of|from|starting|effective|onward\w*
    | eod|eow|eom|eoy|temporar\w*|interim|transitional|transition|initial\w*|eventual\w*|soon|later|tonight
    | tomorrow|yesterday|week\w*|month\w*|quarter\w*|year\w*|annual\w*|season\w*|summer|winter|spring|autumn|fall
    | holiday\w*|night\w*|daytime|morning\w*|evening\w*|hour\w*|peak|off-peak|maintenance|outage\w*|incident\w*
    | emergenc\w*|migration\w*|migrat\w*|cutover|cut-over|rollout|roll-out|launch|phase\w*|pilot\w*|trial\w*|beta
    | poc|experiment\w*|window\w*|freeze\w*|blackout\w*|deadline\w*|schedule|timeline|q[1-4]|h[12]|fy\d*|fiscal
    | january|february|march|april|june|july|august|september|october|november|december
    | jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec
    # wishes, advice, plans, proposals, discussion
    | ought|want\w*|wish\w*|hope\w*|like|prefer\w*|ideal\w*|aim\w*|try|tries|trying|strive\w*|endeavou?r\w*
    | target\w*|goal\w*|objective\w*|aspir\w*|recommend\w*|suggest\w*|advis\w*|encourag\w*|best-effort|effort\w*
    | feasible|practicable|practical|reasonabl\w*|possible|possibly|perhaps|maybe|probably|likely|optional\w*
    | desir\w*|nice|better|best|rather|default\w*|usual\w*|normal\w*|plan\w*|roadmap|intend\w*|intent\w*
    | propos\w*|consider\w*|discuss\w*|debat\w*|review\w*|revisit\w*|evaluat\w*|explor\w*|tbd|tbc|draft\w*
    | tentativ\w*|provisional\w*|idea\w*|option\w*|vote\w*|agree\w*|decid\w*|decision\w*|request\w*|ask\w*
    | let|lets|let's|shall-we|nearby|near|nearest|close|closest|similar|equivalent\w*|comparable|wherever|whichever
    | say|etc|greenest|cleanest|cheapest|fastest|lowest|spot|pre-?emptible|on-demand|capacity|reserved
    | think|thinking|thought|believe\w*|expect\w*|assum\w*|seem\w*|appear\w*|guess\w*
    # the past and descriptions of today
    | was|were|had|did|used|ran|stayed|remained|lived|went|previous\w*|former\w*|formerly|historic\w*|originally
    | legacy|old|older|ago|last|earlier|already|current\w*|present\w*|nowadays|now|today|typical\w*|mostly|most
    | mainly|largely|primarily|predominantly|general\w*|often|sometimes|occasionally|rarely|seldom|tend\w*|majority
    | some|many|several|few|half|part|partly|partial\w*|portion\w*|share|percent|per-cent|fraction
    # additions, exceptions, minimums, maxima, comparisons, alternatives
    | also|too|additional\w*|addition|plus|extra|further|more|less|fewer|least|minimum|min|maximum|max|most
    | except\w*|exclud\w*|exclusion\w*|exempt\w*|exception\w*|waiver\w*|waive\w*|carve-?out\w*|override\w*
    | bar|barring|besides|apart|aside|save|unlike|beyond|else|alternative\w*|alternate\w*|either|instead
    | including|include\w*|inclusive|among|amongst|overflow\w*|burst\w*|spill\w*|fail\w*|failover|fallback
    | backup\w*|back|replica\w*|replicat\w*|cop(?:y|ies)|mirror\w*|archiv\w*|snapshot\w*|cache\w*|log|logs
    | logging|export\w*|import\w*|transfer\w*|egress|ingress|transit|moved?|moving|migrate|relocat\w*|shift\w*
    # scopes, parts of the fleet, qualifiers of the work
    | that|who|whose|whom|with|without|involving|containing|contains|having|tagged|labell?ed|marked|flagged
    | classified|handling|touching|using|over|above|below|larger|smaller|bigger|longer|shorter|heavier
    | large|small|big|long|short|heavy|light|high|low|new|newer|existing|production|prod|staging|stage|dev
    | development|test|tests|testing|qa|uat|sandbox\w*|preview|canary|gpu\w*|cpu\w*|tpu\w*|accelerat\w*
    | batch|interactive|urgent|critical|priority|sensitive|personal|pii|phi|regulated|confidential|secret
    | internal|external|public|private|customer-facing|inference|serving|analytics
    | nodes?|hosts?|machines?|servers?|instances?|partitions?|queues?|racks?|pools?|environments?|envs?|tiers?
    | namespaces?|clusters?|subnets?|vpcs?|accounts?|tenants?|users?|people|staff|employees?|contractors?
    | person|individual\w*|member\w*|student\w*|researcher\w*|partner\w*|vendor\w*|intern\w*|guest\w*
    | visitor\w*|third-part\w*|academic\w*|faculty|collaborator\w*|subcontractor\w*|supplier\w*|affiliate\w*
    | notwithstanding|excepted|exempted|neighbou?r\w*|adjacent|surrounding|vicinity|thereabouts|related|other|others
    | turf|territory|domain|preserve|reserve\w*|earmark\w*|dedicat\w*|able|capable|ability|capabilit\w*
    | backed|clon\w*|duplicat\w*|stag\w*|test\w*|debug\w*|prototyp\w*|benchmark\w*|trained|bill\w*|invoic\w*
    | charg\w*|pay\w*|paid|monitor\w*|manag\w*|develop\w*|built|compil\w*|tun\w*|profil\w*|demo\w*|ship\w*
    | first|firstly|begin\w*|start\w*|short-term|near-term|long-term|term|insofar|theory|theoretical\w*|paper
    | nominal\w*|official\w*|sort|kind|perfect|world|reason|reasons|allowing|permitting|willing|equal|lasts?
    | pretty|much|spirit|unofficial\w*|informal\w*|guideline\w*|guidance|soft|loose\w*|essentially|basically
    | virtually|practically|nearly|almost|quasi|more-or-less|habit\w*|convention\w*|tradition\w*|choice|voluntar\w*
    | courtesy|favou?r|stopgap|workaround|cohort\w*|recommendation\w*|suggestion\w*|advice|hint|tip
    | sans|minus|excepting|sensibl\w*|bounds|appropriate\w*|applicable|relevant|suitabl\w*
    | been|give|roughly|approximately|approx|about|around|circa|ish|loosely|broadly|confirm\w*|verif\w*|validat\w*
    | sign-off|signoff|finali[sz]\w*|ratif\w*|await\w*|ex|ex-\w+|call|calls|called
    | traffic|requests?|storage|backups?|databases?|dbs?|buckets?|files?
    # other kinds' cue words and amounts
    | carbon|co2\w*|emission\w*|intensity|power|energy|kwh|kw|mw|watt\w*|price\w*|cost\w*|spend\w*|usd
    | eur\w*|gbp|dollars?|pounds?|cents?|approv\w*|approver\w*|mint\w*|cap|caps|capped|quota|ceiling
    | defer\w*|delay\w*|postpon\w*|paus\w*|halt\w*|stops|stopped|stopping|suspend\w*|block\w*|deny|denied|forbid\w*
    | prohibit\w*|ban|banned|disallow\w*|avoid\w*
    # negation and doubt outside the recognised forms
    | not|never|no|none|nobody|nothing|nowhere|neither|nor|cannot|can't|won't|don't|doesn't|isn't|aren't
    | mustn't|shan't|shouldn't|unlikely|doubt\w*|unclear|unsure|uncertain|question\w*
    )""", _RX)
"""Meaning-changer classes: a word of one of these classes, not part of a phrase the reader understands, refuses
the sentence (conditions and time, wishes and plans, the past and descriptions of today, additions and
exceptions, scopes and parts of the fleet, other kinds' cue words, negations). Every other word is neutral."""
_COUNTED = re.compile(r"\b(?P<det>these|those|the|all)\s+(?P<n>\d+)\s+(?=(?:grid\s+)?(?:regions|zones|locations"
                      r"|countries)\b)", re.I)
""""these 3 zones" (numbers in words are digits by now): the count must be the number of regions listed."""
_ONE = re.compile(r"\b(?:a\s+single|1|exactly\s+1|just\s+1)\s+(?=(?:region|zone|location|country)\b)", re.I)
""""restricted to a single region, us-west-2": only when one region is listed."""


# -- the allow-list labels ----------------------------------------------------------------------------
_FLEET_LABEL = r"""(?:(?:all|every|each)\s+(?:teams?|jobs?|workloads?|compute|builds?)|every(?:one|body|thing)
    |(?:company|fleet|org|organi[sz]ation|estate)[\s-]wide|globally|(?:the\s+)?whole\s+fleet)"""
"""A label naming the whole fleet: "all teams, all jobs: us-east-1 or us-west-2"."""
_LABEL_HEAD = r"""(?:(?:data\s+)?residency|(?:allowed|permitted|approved|authori[sz]ed)\s+(?:regions?|locations?)
    |regions?(?:\s+(?:allow-?lists?|pinning|pins|restrictions?|policy))?|allow-?lists?|placement)"""
_ARROW = r"(?:\s*(?:->|→|=>|:|=)\s*|\s+-\s+)"
_TRAIL = re.compile(r"""(?:\s*(?:,|-)?\s*(?:only|exclusively|solely))?
    (?:\s*(?:,|-|;)?\s*(?:(?:and|but)\s+)?(?:(?:nothing|nowhere)\s+else|no\s+other\s+(?:regions?|locations?)
        (?:\s+(?:is|are)\s+(?:permitted|allowed))?))?\s*$""", _RX)


def _label_regions(right: str) -> list[str] | None:
    """The regions on the right of an allow-list label: one region list, maybe "only"/"- nothing else"."""
    body = _TRAIL.sub("", right.strip(), count=1)
    body = re.sub(r"""^(?:(?:only|exclusively|solely|strictly)\s+)?(?:(?:permitted|allowed|authori[sz]ed|approved
                       |restricted|limited|confined|pinned|locked)\s+(?:only\s+)?(?:in|to|on|within)|in|within|on)\s+""",
                  "", body, flags=re.I | re.X)
    body = re.sub(r"^(?:only|exclusively|solely)\s+", "", body, flags=re.I)
    return _run_regions(body) if _RUN.fullmatch(body) else None


def _labels(text: str, teams: Collection[str]) -> Interpretation | None:
    """Allow-list labels: "Allowed regions, web: ...", "data -> eu-west-1; ml -> us-west-2", "Any team
    not called out above: us-east-1 only", "Default region allow-list (applies to ...): us-west-2"."""
    default = re.fullmatch(rf"""(?:{_DEFAULT_LIST.pattern}|{_OTHERS.pattern}|(?:the\s+)?default
                                |{_FLEET_LABEL}(?:\s*(?:,|/|&|\band\b)\s*{_FLEET_LABEL})*)
                                (?:\s*\(\s*applies\s+to\s+(?:{_OTHERS.pattern})\s*\))?{_ARROW}(?P<right>.+)""",
                           text, _RX)
    if default:
        regions = _label_regions(default["right"])
        return Interpretation((PolicyItem("default_allowed_regions", regions),),
                              ("read by its parts: every team without its own rule",)) if regions else None
    if not teams:
        return None
    _, listed = _team_patterns(teams)
    head = re.match(rf"""(?:{_LABEL_HEAD})(?:\s*(?:,|-|:)\s*|\s+for\s+|\s*\(\s*(?=.*\)\s*:))""", text, _RX)
    rest = text[head.end():] if head else text
    items: list[PolicyItem] = []
    for i, part in enumerate(p.strip() for p in rest.split(";")):
        if i and _TRAIL.fullmatch(" " + part):
            continue  # "...; no other regions are permitted"
        m = re.fullmatch(rf"(?:for\s+)?(?P<who>{listed})\s*\)?{_ARROW}(?P<right>.+)", part, re.I)
        regions = _label_regions(m["right"]) if m else None
        if m is None or regions is None:
            return None
        names = [t for t in teams if re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", m["who"], re.I)]
        items.extend(PolicyItem("allowed_regions_by_team", regions, t) for t in names)
    return Interpretation(tuple(items), ("read by its parts: an allow-list label",)) if items else None


# -- the reader ---------------------------------------------------------------------------------------
@dataclass
class _Who:
    """Who a clause is about, as found so far."""

    others: bool = False
    fleet: bool = False
    listed: bool = False  # "the default allowed regions": an allow-list by its name


def _strip_leads(text: str, teams: Collection[str], who: _Who) -> str | None:
    """``text`` without its leading references and "every other team" clauses; None if a lead-in may
    change the rule (a document reference holding a condition, a region or a team)."""
    _, listed = _team_patterns(teams) if teams else ("", r"(?!)")
    others_lead = re.compile(r"^(?:" + "|".join(p.replace("TEAMS", listed).replace("REF", _REF) for p in _OTHERS_LEAD)
                             + r")\s*,\s*", _RX)
    previous = None
    while previous != text:
        previous = text
        text = _NUMBER_LEAD.sub("", text, count=1)
        doc = _DOC_LEAD.match(text)
        if doc:
            body = doc["body"]
            if not _DOC_NOUN.search(body) or _LEAD_CHANGES.search(body) or _RUN.search(doc.group(0)) \
                    or any(t.team for t in _team_lists(body, teams)):
                return None
            text = text[doc.end():]
        purpose = _PURPOSE_LEAD.match(text)
        if purpose:
            body = purpose.group(0)
            if _LEAD_CHANGES.search(body) or _REFUSE.search(body) or _NEGATION.search(body) or _RUN.search(body) \
                    or any(t.team for t in _team_lists(body, teams)):
                return None
            text = text[purpose.end():]
        lead = others_lead.match(text)
        if lead:
            who.others = True
            text = text[lead.end():]
    return text


def _licensed(text: str) -> tuple[str, bool] | None:
    """``text`` without a negation that restricts ("must not leave @R@"), and whether there was one;
    None when a negation is left that does not restrict (an exclusion such as "must never run in X")."""
    negations = len(_NEGATION.findall(text))
    if negations == 0:
        return text, False
    if negations > 1:
        return None
    for rx in _LICENCES:
        m = rx.search(text)
        if m:
            kept = m.groupdict().get("mid") or ""
            return f"{text[: m.start()]} {kept} @R@ {text[m.end():]}", True
    return None


def _antecedent(text: str, teams: Collection[str]) -> str:
    """"The platform team operates the login nodes, and its jobs must stay in X" -> "The platform team's
    jobs must stay in X": the first clause only names the team the pronoun stands for (it must hold no
    region, negation, condition or other team); any other text is returned as it is."""
    m = re.fullmatch(r"(?P<first>[^,;]+?),?\s+and\s+(?:its|their)\s+(?P<rest>[^,;]+)", text, re.I)
    if not m:
        return text
    first = m["first"]
    lists = _team_lists(first, teams)
    if len(lists) != 1 or not lists[0].team or lists[0].start != 0 or _RUN.search(first) or _REFUSE.search(first) \
            or _NEGATION.search(first) or _LEAD_CHANGES.search(first) or _OTHERS.search(first):
        return text
    return f"{first[: lists[0].end]}'s {m['rest']}"


def _vocabulary_ok(text: str) -> bool:
    """Whether the words left (team and regions replaced) leave the rule as it is: a word of the rule's own
    vocabulary, or a NEUTRAL word (any other word) that is not a meaning-changer (``_CHANGER``), not a
    capitalised name where a name would narrow the rule, and not a modifier of the work ("GPU jobs",
    "every urgent job")."""
    words = list(re.finditer(r"[A-Za-z][\w'-]*", text))
    for i, m in enumerate(words):
        word = m.group(0)
        low = word.lower()
        if low in _VOCABULARY:
            continue
        if _CHANGER.fullmatch(low):
            return False
        before = text[: m.start()]
        label = re.match(r"\s*(?:[:,\-\u2013\u2014]|$)", text[m.end():]) is not None
        lead = (not before.strip() and label) or re.search(r"[:\-\u2013\u2014]\s*$", before) is not None
        aside = _in_parenthesis(text, m.start())
        if word[0].isupper() and not lead and not aside:
            return False  # "jobs on Orion", "Alice's jobs", "the Finance jobs": a name that narrows the rule
        if not aside and not lead and _SUBJECT_ZONE.match(before):
            return False  # "ML jobs on spot capacity are ...": a qualifier of the subject, before its verb
        following = words[i + 1].group(0).lower() if i + 1 < len(words) else ""
        adjacent = i + 1 < len(words) and not re.search(r"[^\s-]", text[m.end(): words[i + 1].start()])
        if adjacent and following in _WORK_NOUNS:
            return False  # "GPU jobs", "inference workloads": a scope the allow-list cannot hold
        previous = words[i - 1].group(0).lower() if i else ""
        if previous in {"or", "and/or"}:
            return False  # "eu-west-1 or nearby", "... or similar": an alternative the allow-list cannot hold
        if previous in {"all", "every", "each", "any", "no", "our"} and not re.search(
                r"[^\s]", text[words[i - 1].end(): m.start()]):
            return False  # "every urgent job"
    return True


_SUBJECT_ZONE = re.compile(r"""^(?:(?!\b(?:must|shall|may|can|will|is|are|has|have|needs?|stays?|remains?
    |executes?|operates?|lives?|resides?|only|exclusively|solely|@R@)\b).)*$""", _RX | re.S)
"""The text before the clause's first verb, modal or region list: the subject's zone, where an unknown word can
only qualify the subject."""


def _in_parenthesis(text: str, at: int) -> bool:
    """Whether position ``at`` lies inside a parenthesis: an aside ("(per GDPR)")."""
    return text[:at].count("(") > text[:at].count(")")


def _clause(text: str, teams: Collection[str]) -> Interpretation | None:
    """One residency clause read by its parts (see the module docstring)."""
    who = _Who()
    stripped = _strip_leads(text, teams, who)
    if stripped is None or _QUESTION.match(stripped):
        return None
    text = _antecedent(_EMPHASIS.sub(" ", stripped), teams)
    if _DEFAULT_LIST.search(text):
        who.others = who.listed = True
        text = _DEFAULT_LIST.sub(" ", text)
    for m in _OTHERS.finditer(text):
        aside = m.group(0)[m.group(0).find("("):] if "(" in m.group(0) else ""
        if aside and (_RUN.search(aside) or _REFUSE.search(aside) or _team_lists(aside, teams)):
            return None  # "everyone else (except ML)": the parenthesis must only restate who
    text = _DOCUMENT_SCOPE.sub(" ", text)
    text, found = _OTHERS.subn(" ", text)
    who.others |= found > 0
    text, found = _FLEET.subn(" ", text)
    who.fleet |= found > 0
    runs = list(_RUN.finditer(text))
    if len(runs) != 1:
        return None  # no region, or two lists (two rules, or a region in another role)
    regions = _run_regions(runs[0].group(0))
    if regions is None:
        return None
    text = f"{text[: runs[0].start()]} @R@ {text[runs[0].end():]}"
    counted = _COUNTED.search(text)
    if counted and int(counted["n"]) != len(regions):
        return None
    text = _COUNTED.sub(lambda m: f"{m['det']} ", text)
    if _ONE.search(text):
        if len(regions) != 1:
            return None
        text = _ONE.sub("single ", text)
    if re.search(r"\d", text):
        return None  # "limited to 3 jobs in us-west-2": a number the rule cannot hold
    before = re.findall(r"[\w-]+|[^\w\s@]", text[: text.index("@R@")])
    word = next((w.lower() for w in reversed(before) if w.lower() != "the"), "")
    if word and word not in _BEFORE_REGIONS and re.fullmatch(r"[\w-]+", word):
        return None  # "ML jobs from eu-west-1 ...", "any EU region": the regions play another role
    plain = text.replace("@R@", " ")
    everyone = bool(_QUANTIFIED_JOBS.search(plain) or _BARE_JOBS.match(plain))
    licence = _licensed(text)
    if licence is None or _REFUSE.search(licence[0]):
        return None
    text, negated = licence
    if word in _NEGATED_BEFORE and (not negated or re.search(r"\b(?:and|or)\s+in\b", runs[0].group(0), re.I)):
        return None  # "may run outside the EU", "anywhere other than X": an exclusion; "outside X or in Y"
    lists = _team_lists(text, teams)
    if any(not t.team and t.names != ("data",) for t in lists):
        return None  # "research data", "web traffic": a team name used as an ordinary word
    named = [t for t in lists if t.team]
    if len(named) > 1 or (named and (who.others or who.fleet)):
        return None  # two subjects, or "the ml team and every other team"
    for t in named:
        text = f"{text[: t.start]} @T@ {text[t.end:]}"
    if _REGION_SIDE.search(text):
        return None  # "eu-north-1 is reserved for the data team": the region is restricted, not the team
    if re.search(r"""\bfor\s+(?=\S)(?!(?:(?:the|jobs?|workloads?|builds?|tasks?|compute|of|by|from|submitted|owned|run
                     |launched|belonging|to)\s+)*@T@|(?:all|every|any|each)\b)""", text, _RX):
        return None  # "for training", "for storage": a purpose or a scope the allow-list cannot hold
    following = re.match(r"\s*([A-Za-z][\w'-]*)?", text[text.index("@R@") + 3:])
    if following and (following.group(1) or "").lower() not in _AFTER_REGIONS:
        return None  # "must use eu-west-1 data": the regions qualify something else
    defaults = who.others and re.search(r"\bdefaults?\s+to\s+@R@", text, re.I) is not None
    if not (negated or who.listed or defaults or _RESTRICTION.search(text)):
        return None  # a permission ("may run in eu-west-1") or a description, not an allow-list
    if not named and not who.others and not (who.fleet or everyone):
        return None  # "Customer data must stay in the EU": whose?
    if defaults:
        text = re.sub(r"\bdefaults?\s+to\b", " ", text, flags=re.I)  # "teams without a rule default to X"
    if not _vocabulary_ok(text.replace("@R@", " ").replace("@T@", " ")):
        return None
    if named:
        return Interpretation(tuple(PolicyItem("allowed_regions_by_team", regions, n) for n in named[0].names),
                              ("read by its parts: team, restriction and regions",))
    why = "every team without its own rule" if who.others else "a fleet-wide rule, for every team without its own"
    return Interpretation((PolicyItem("default_allowed_regions", regions),), (f"read by its parts: {why}",))


_ANY_OF = re.compile(r"""\b(in|to|on|within|inside)\s+(?:any|one|either)\s+of\s+
                         (?:the\s+following\s*(?:regions?\s*)?:?\s*)?""", _RX)


_NOTE_LEAD = re.compile(r"""^(?:(?:please\s+)?(?:note|remember|be\s+aware|bear\s+in\s+mind|keep\s+in\s+mind)
    (?:\s+that)?|(?:a\s+)?(?:friendly\s+|quick\s+)?reminder(?:\s+that)?|fyi|psa|nb|n\.b\.|heads[\s-]up|important
    |importantly|again|(?:just\s+)?to\s+be\s+clear|(?:just\s+)?to\s+clarify|for\s+clarity|for\s+the\s+avoidance\s+of\s+doubt
    |for\s+the\s+record|as\s+a\s+reminder|just\s+so\s+(?:everyone|everybody|you|we\s+all)\s+knows?|quick\s+one
    |(?:hard|house|golden|ground|standing|firm|strict|simple|key)\s+rule|rule\s+of\s+the\s+house|non-?negotiable
    |effective\s+immediately|with\s+immediate\s+effect|from\s+now\s+on|as\s+of\s+now|going\s+forward|henceforth)
    \s*(?::|,|-|\u2013|\u2014)?\s+""", _RX)
"""A lead-in that only draws attention to the rule ("Please note that", "Reminder:", "FYI -")."""


_REASON = re.compile(r"""\s*,?\s+(?P<intro>for\s+(?:(?:(?:legal|regulatory|compliance|privacy|security|sovereignty
          |data[\s-]protection|gdpr
          |latency|resilience|jurisdictional|contractual|audit)\s+)+(?:reasons?|purposes?)
        |compliance|regulatory\s+compliance|(?:legal|regulatory|compliance|privacy|security|sovereignty)\s+reasons)
    |because\s+of|due\s+to|owing\s+to|on\s+account\s+of|as\s+(?:required|mandated|demanded)\s+by|in\s+line\s+with
    |in\s+accordance\s+with|in\s+compliance\s+with|pursuant\s+to|per|to\s+comply\s+with|to\s+satisfy|to\s+meet)
    (?P<body>(?:\s+[\w'./-]+){0,6})\s*$""", _RX)
"""A trailing reason or reference ("..., for compliance", "because of GDPR", "as required by law"): it explains
the rule, and is dropped when its body holds no region, team, number, negation or meaning-changer."""


def _drop_reason(text: str, teams: Collection[str]) -> str:
    """``text`` without a trailing reason (``_REASON``) that cannot change the rule."""
    m = _REASON.search(text)
    if m is None or _RUN.search(text[: m.start()]) is None:
        return text
    body = m["body"]
    words = re.findall(r"[A-Za-z][\w'-]*", body)
    if _RUN.search(body) or _REFUSE.search(body) or _NEGATION.search(body) or re.search(r"\d", body) \
            or any(_CHANGER.fullmatch(w.lower()) or (w[0].isupper() and not w.isupper()) for w in words) \
            or _team_lists(body, teams):  # a name ("per Bob", "the Orion contract") may narrow the rule
        return text
    return text[: m.start()]


def residency_by_slots(text: str, teams: Collection[str]) -> Interpretation | None:
    """Allow-lists from a residency sentence read by its parts (see the module docstring); None when
    any part is missing or ambiguous."""
    teams = tuple(t.lower() for t in teams)
    text = re.sub(r"(?<=[\w)])-only\b", " only", text.strip().rstrip(".! "), flags=re.I)  # "EU-only"
    text = re.sub(r"\b(it|that|this|there|here)['’]s\b", r"\1 is", text, flags=re.I)  # "it's us-east-1 only"
    text = re.sub(r"\b(they|we|you)['’]re\b", r"\1 are", text, flags=re.I)
    text = _REPEATED.sub(lambda m: f"only {m['run']}", text)  # "eu-west-1 and ONLY eu-west-1"
    text = _ANY_OF.sub(r"\1 ", text)  # "may run in any of eu-west-1, eu-north-1 or GB"
    text = _NOTE_LEAD.sub("", text, count=1)  # "Please note that ...", "Reminder:", "FYI -"
    text = _drop_reason(text, teams)  # "..., for compliance", "... because of GDPR"
    return _labels(text, teams) or _clause(text, teams) or _gapped(text, teams)


def _gapped(text: str, teams: Collection[str]) -> Interpretation | None:
    """Two team clauses sharing one predicate, said once: "ML jobs must stay in X, and Web jobs in Y", "ML jobs
    will be placed nowhere other than X, and Web jobs nowhere other than Y". The second clause borrows the
    first one's predicate; each must then read for one team, else None."""
    if not teams:
        return None
    _, listed = _team_patterns(teams)
    m = re.fullmatch(rf"(?P<first>.+?)\s*(?:,\s*(?:and\s+)?|;\s*(?:and\s+)?|\s+and\s+)(?P<who>{listed})\s+(?P<tail>.+)",
                     text, re.I)
    if m is None:
        return None
    first = _clause(m["first"], teams)
    lists = [t for t in _team_lists(m["first"], teams) if t.team]
    run = _RUN.search(m["first"])
    if first is None or len(lists) != 1 or run is None or run.start() < lists[0].end \
            or any(i.field != "allowed_regions_by_team" for i in first.items):
        return None
    predicate = m["first"][lists[0].end: run.start()].split()
    tail = m["tail"].split()
    shared = next((k for k in range(min(len(predicate), len(tail)), 0, -1)
                   if [w.lower() for w in predicate[-k:]] == [w.lower() for w in tail[:k]]), 0)
    if shared == 0 and not re.match(r"(?:only|exclusively|solely)\b", m["tail"], re.I):
        return None  # "..., and Web jobs may burst to Y": not the same predicate
    second = _clause(" ".join([m["who"], *predicate, *tail[shared:]]), teams)
    if second is None or any(i.field != "allowed_regions_by_team" for i in second.items):
        return None
    return Interpretation(first.items + second.items, ("read by its parts: two teams sharing one predicate",))
