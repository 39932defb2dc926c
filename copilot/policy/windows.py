"""Blackout sentences: when (and where) no job may run, once or every week, read by their parts.

A blackout sentence is made of parts, each read on its own, and nothing else:

    cue       that no job may run: "no jobs may run | may be scheduled | shall be executed", "no jobs in X",
              "nothing runs | may be scheduled", "jobs must not run | cannot be started | are prohibited",
              "scheduling is suspended | paused | halted | frozen", "X is blacked out | closed (to new jobs) |
              off-limits | unavailable (for scheduling) | offline | in blackout | must be drained", "X goes dark",
              "we shall suspend all (customer) workloads", "the Supplier shall not execute any Customer
              workloads", "X will not accept new jobs", "X accepts no jobs", "<occasion> requires a full
              blackout", "do not schedule jobs", and labels: "Blackout:", "Change freeze:", "Maintenance
              window:", "lockdown", "outage window", "there are two blackouts" (a stated count must match)
    windows   dates, times and zone, one-off or weekly (``copilot.policy.times``)
    regions   codes and places ("in us-east-1", "for the GB zone", "Germany"); none, "anywhere", "in any
              region", "fleet-wide", "on the fleet" mean every region. When each window names its own
              regions ("2026-02-03 01:00-02:00 in eu-west-1; 2026-02-04 01:00-02:00 in eu-north-1"), each
              window takes its own; regions written between windows in any other way are refused
    reasons   a note in parentheses ("(Texas peak)"; a note that only restates the cue, "(no jobs may run)", is
              dropped; one with a qualifier, a region or a team is refused), "owing to | due to | for <reason>",
              a leading label ("Launch-day lockdown:", "Site power works - DE zone blackout:"), a leading purpose
              ("To protect weekend batch reconciliation,", "At the request of the grid operator,"), "During the
              <event>,", a trailing ", the night the clocks go forward"
    clauses   what is done in the window, or why, after it or before a comma: "while the Foundation migrates its
              build farm", "whilst backups are taken", "during weekly preventive maintenance,", "so that the database
              can be backed up", "to allow the switchgear to be replaced", "because the region is reserved for
              backups", ", being the date of the cut-over". Its words may be any, except: a day, date, time or number,
              a region, a team, a qualifier, a meaning-changer, or a state of the world (stress, peak, demand, load,
              prices, carbon, weather, alerts, outages, availability...): "while the grid is stressed" is a
              condition and refuses. "while" / "during" / "so that" / "to allow" must name work (maintenance,
              migration, backups, patching, upgrades, tests, repairs ...), else they are a condition
    scope     the whole fleet said in words: "jobs of all teams", "from any team", "whatever the team",
              "regardless of category", "GPUs included", "urgent ones too", "whatever their size" (a named team or
              category still refuses)
    remarks   a trailing remark after a dash is read like a reason clause ("- the DBAs are upgrading Postgres");
              politeness ("please", "pls", "thanks") is ignored
    glue      the small words that join these parts ("from", "between", "on", "each of", "again", ...)

    labels    a label noun ("blackout", "change freeze", "outage") is the cue only as a label: at the start or after
              a heading mark, after the regions it names ("Oregon blackout | ..."), announced ("there are two
              blackouts") or stated ("a freeze applies", "Change freeze:"); "jobs run during grid outages" has no cue

Any other word left over is NEUTRAL (allowed, ignored: "fyi", "heads-up", "sadly", "folks", "as per our runbook"),
except when it could carry or change the constraint (``_carries``): a word of a meaning-changer class
(``_STRAY_CHANGERS``: negations, restrictions and modals outside the cue, limits and minimums, conditions, the
opposite state "DE stays open", exclusions "outside FR" / "instead of", hearsay and questions "says", "confirm",
guidelines, plans and changes "postponed", environments and parts of the fleet "staging", "racks", "cron", people,
other fields and currencies, periods "week", "trial", numbers in words), a digit, an unknown region code, a word
just before a cue that starts with its subject ("Manual jobs are not allowed") or just after the cue ("may run
unattended"), a word after a place preposition ("in staging", "at the Acme site"), a word before "fleet", "cluster",
"site" or "jobs", a capitalised word inside the sentence (a place, a cluster or a person), or any word of a part
(between ',', ';', ':' or a dash) that names a region but holds neither the cue nor a window ("...; DE is
unaffected"). A reason "for <Name>" is for whom, not why, and is refused. Whatever part they are in,
words that change the meaning make the sentence refused: questions, soft wishes ("should",
"ideally", "try", "recommended"), conditions ("if", "when", "unless", "except", "subject to approval"),
proposals and plans ("proposed", "draft", "tentative", "TBC", "we plan to"), the past or a description
of today ("was", "used to", "typically", "cancelled", "no longer"), examples and definitions ("e.g.",
"for example"), relative dates ("tomorrow", "next Sunday"), recurrences that are not weekly ("every
other", "first Monday of the month", "every year"), a part of the fleet (a team, a category such as
"sustainable" or "urgent", nodes, GPUs) and other fields' words (mints, budgets, prices).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from copilot.policy.times import MONTHS, Windows, read_windows, tokens, window_dict
from copilot.policy.values import DEFAULT_BLACKOUT_REASON, Interpretation, PolicyItem, SentenceError, parse_regions
from copilot.policy.vocab import KNOWN_TEAMS, alias_pattern

__all__ = ["blackout"]

_RX = re.I | re.X
_NOUN = r"""(?:jobs?|workloads?|work|services|compute|computations?|processing|tasks?|scheduling|executions?
               |dispatch(?:ing)?
               |(?:job\s+)?submissions?|batch(?:\s+(?:jobs?|work(?:loads?)?|processing))?)"""
_JOBS = rf"""(?:(?:any|all)\s+)?(?:(?:the\s+)?(?:customer|client|tenant|supplier|provider)(?:'s|s')\s+|our\s+|your\s+)?
             (?:(?:any|all)\s+)?(?:(?:new|further|additional)\s+)?(?:(?:customer|client|tenant|user)\s+)?
             (?:(?:compute|batch)\s+)?{_NOUN}"""
_MODAL = r"""(?:may|can|shall|must|will|is\s+to|are\s+to|(?:is|are)\s+(?:allowed|permitted)\s+to|is|are|gets?)"""
_VERB = r"""(?:be\s+)?(?:run|ran|runs|start|started|starts|execute|executed|schedule|scheduled|placed|launch(?:ed)?
               |dispatch(?:ed)?|submit(?:ted)?|admitted|accepted|queued|processed|occur|happen|take\s+place|proceed
               |allowed|permitted|perform(?:ed)?|carried\s+out|carry\s+out|undertaken?|conducted?|initiated?
               |triggered|kicked\s+off|spun\s+up)"""
_ACTOR = r"""(?:we|the\s+(?:scheduler|operator|provider|platform|planner|service|system))"""
_STATE = rf"""(?:suspended|paused|halted|stopped|blocked|prohibited|forbidden|banned|barred|disallowed|disabled|frozen
               |locked(?:\s+down)?|on\s+hold|dark|not\s+(?:allowed|permitted)|blacked\s+out|offline|out\s+of\s+service
               |down\s+for\s+maintenance|shut\s+down|drained(?:\s+of\s+(?:all\s+)?{_NOUN})?
               |closed(?:\s+(?:to|for)\s+(?:new\s+|all\s+|any\s+)?(?:{_NOUN}|maintenance))?
               |off[- ]?limits(?:\s+(?:to|for)\s+(?:all\s+|any\s+)?{_NOUN})?
               |(?:unavailable|not\s+available)(?:\s+(?:to|for)\s+(?:new\s+|all\s+|any\s+)?{_NOUN})?
               |(?:under|in)\s+(?:a\s+)?(?:blackout|freeze|lockdown|maintenance(?:\s+window)?))
             (?:\s+(?:to|from)\s+(?:be\s+)?(?:running|being\s+run|{_VERB}))?"""
_LABEL_NOUN = r"""(?:blackout\s+(?:windows?|periods?)|blackouts?|freezes?|lockdowns?|shutdowns?|outages?|downtime
                  |embargo|moratorium|no[- ]run\s+windows?|no[- ]go\s+windows?
                  |(?:maintenance|change|release|deploy(?:ment)?|code|scheduling)\s+(?:freezes?|windows?|blackouts?
                     |pauses?|halts?|holds?|stops?|stoppages?|closures?|shutdowns?|suspensions?|outages?|downtime))"""
_TRIGGERS = re.compile(rf"""
    \bno\s+{_JOBS}(?:\s+(?:of\s+any\s+kind|whatsoever|at\s+all))?\s+(?:{_MODAL}\s+)?{_VERB}\b
  | \bnothing\s+(?:{_MODAL}\s+)?{_VERB}\b
  | \b{_NOUN}\s+(?:(?:may|must|shall|can|will)\s*(?:not|never)|cannot|can't|won't|mustn't|shan't
                   |(?:are|is)\s+(?:not|never)(?:\s+(?:to|(?:allowed|permitted)\s+to))?)\s+{_VERB}\b
  | \b(?:do\s+not|don't|dont|never)\s+(?:run|schedule|start|place|launch|dispatch|submit|execute)\s+
       (?:anything|(?:any\s+)?(?:new\s+)?{_NOUN})\b
  | \bno\s+{_JOBS}\b(?=\s+(?:in|on|during|between|from|anywhere|across|at|for|fleet-?wide|everywhere|until|till)\b
                     |\s*[,;:]|\s*$|\s*\(|\s{{2,}})
  | \b(?:{_ACTOR}\s+)?(?:shall|will|must)\s+(?:suspend|pause|halt|stop|block|freeze|drain|disable)\s+{_JOBS}\b
  | \b(?:{_ACTOR}\s+)?(?:(?:may|must|shall|will|can|does|do)\s*(?:not|never)|cannot|can't|won't|mustn't|shan't
       |doesn't|don't)\s+(?:run|start|schedule|place|launch|dispatch|accept|admit|take|receive|execute)\s+
       (?:{_JOBS}|anything)\b
  | (?:\b{_ACTOR}\s+(?:are|will\s+be|shall\s+be)|\bwe're)\s+
       (?:pausing|suspending|halting|stopping|blocking|freezing|draining)\s+{_JOBS}\b
  | \b(?:will|shall|must)\s+(?:pause|halt|stop|cease|freeze)
       (?=\s+(?:on|from|between|in|at|for|during|until|till)\b|\s*[,;:]|\s*$)
  | \b(?:goes|go|will\s+go|shall\s+go)\s+dark\b
  | \b(?:(?:will|shall|must)\s+)?(?:accepts?|accept|takes?|take|receives?|receive|admits?|admit|runs?|run|allows?|allow
       |executes?|hosts?|host|processes?)
       \s+no\s+{_JOBS}\b
  | \b(?:we\s+are|we're|we\s+will\s+be|we'll\s+be)\s+blacking\s+out\b
  | \b(?P<needs>requires?|needs?|calls?\s+for|means?)\s+an?\s+(?:(?:full|complete|total)\s+)?blackout\b
  | \b(?:is|are|will\s+be|shall\s+be|must\s+be|(?:is|are)\s+to\s+be|remains?|stays?|will\s+remain|shall\s+remain)
       \s+{_STATE}
  | \b(?:is|are)\s+(?:a|an|our)\s+(?:blackout|maintenance|freeze|change\s+freeze)\s+(?:windows?|periods?)\b
  | (?P<label>(?:^|(?<=[\s|:]))\s*(?:there\s+(?:is|are|will\s+be|shall\s+be)\s+)?(?:a\s+|an\s+|(?P<count>\d+)\s+)?
        (?:(?:scheduled|planned|recurring|weekly|standing|fleet-?wide|global|full|complete|total)\s+)*
        {_LABEL_NOUN}(?:\s+(?:is|applies|apply|runs|holds|is\s+in\s+effect|in\s+effect))?\s*:?)
""", _RX)
_NOTE = re.compile(r"\(\s*(?P<note>[^()]*?)\s*\)")
_DURING = re.compile(r"^\s*(?:(?:during|for)\s+(?P<why>(?:the|a|an|our)\s+[a-z][\w\s'-]*?)\s*(?=,|\bon\b|$)"
                     r"|on\s+(?P<day>[a-z][\w\s'-]*?)\s*(?=,))", re.I)
_ANYWHERE = re.compile(r"\b(?:in\s+|across\s+|for\s+|on\s+)?(?:any|all|every|each)\s+(?:of\s+(?:the|our)\s+)?"
                       r"(?:(?:cloud|grid)\s+)?(?:regions?|zones?)\b|\banywhere\b|\beverywhere\b|\bglobally\b"
                       r"|\bworldwide\b|\b(?:company|organi[sz]ation|estate)-wide\b"
                       r"|\bon\s+the\s+(?:whole\s+|entire\s+)?fleet\b", re.I)
_REGION = re.compile(r"\b[a-z]{2,3}-[a-z]+-?\d+[a-z]?\b|\b(?:CISO|PJM|ERCO|ISNE|SE|DE|GB|FR)\b")
_ALIAS = alias_pattern()
_GLUE = {"between", "from", "and", "to", "until", "till", "through", "thru", "on", "at", "in", "for", "of",
         "the", "a", "an", "time", "zone", "zones", "region", "regions", "grid", "local", "inclusive",
         "both", "each", "every", "t", "scheduled", "planned", "maintenance", "window", "windows", "-", "–",
         ",", ":", ";", "&", "/", "is", "are", "there", "as", "well", "also", "or", "shall", "be", "will",
         "jobs", "job", "compute", "processing", "fleet", "fleet-wide", "fleetwide", "all", "any", "kind", "entire",
         "whole", "affecting", "across", "standing", "recurring", "weekly", "during", "which", "that", "this",
         "period", "following", "next", "morning", "day", "evening", "night", "here", "it", "|", "outage", "runbook",
         "workload", "workloads", "scheduling", "work", "task", "tasks", "batch", "again", "new", "hours", "hrs",
         "dates", "date", "applies", "apply", "effect", "dispatch", "dispatching", "submission", "submissions",
         "cluster", "sites", "•", "·", "execution", "executions", "computation", "computations", "mornings",
         "evenings", "nights", "afternoon", "afternoons", "overnight", "please", "pls", "plz", "kindly",
         "affected", "impacted", "thanks", "thx", "cheers", "ta",
         "customer's", "customers'", "client's", "clients'", "tenant's", "tenants'", "affects", "impacts", "nor",
         "services"}
_REASON = re.compile(r"\b(?:owing\s+to|due\s+to|because\s+of|on\s+account\s+of|for)\s+(?P<why>[a-z][a-z\s'-]*?)"
                     r"\s*(?=[,;.]|$|\s+(?:from|between|on|until|till|in|at)\b|\s{3})", re.I)
_NOT_GLUE = re.compile(r"\b(?:not|never|no|unless|except|only|if|when|whenever|sustainable|balanced|urgent|"
                       r"team|teams|may|should|could|might|preferably|ideally|try)\b", re.I)
_MONTH_NAMES = "|".join(sorted((m for m in MONTHS if m != "may"), key=len, reverse=True))  # "may" is a modal
_DAYWORD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)s?"
# words that change what a blackout means, wherever they are (in the rule, a note, a label or a reason)
_CHANGERS = re.compile(rf"""\?|\b(?:
    # a wish, not a rule
    should|shouldn't|ought|ideally|prefer\w*|try|tries|trying|attempt\w*|aim|aims|best[- ]effort|hope|wish
  | recommend\w*|suggest\w*|encourag\w*|discourag\w*|advis\w*|optional\w*|nice
    # a condition or an exception
  | if|unless|whenever|when|while|whilst|once|provided|providing|whether|except|excepting|exceptions?|exempt\w*
  | excluding|excluded|barring|but|however|although|though|apart\s+from|other\s+than|save\s+for|as\s+long\s+as|in\s+case
  | in\s+the\s+event|subject\s+to|pending|depending|permitting|approv\w*|sign[- ]?off|authori[sz]\w*|waiver
  | on\s+request|upon\s+request
    # not decided: a proposal, a plan, an estimate
  | possible|possibly|maybe|perhaps|might|could|would|likely|unlikely|probabl\w*|tentative\w*|provisional\w*
  | propos\w*|consider\w*|discuss\w*|draft\w*|review\w*|plans?\s+to|planning|planned\s+to|intend\w*|tbd|tbc|tba
  | to\s+be\s+(?:confirmed|decided|determined|announced|agreed|defined)|announce\w*|expected|estimated
  | approximate\w*|approx|about|around|roughly|circa
    # the past, or a description of how things are
  | was|were|had|has\s+been|have\s+been|used\s+to|previously|formerly|historically|past|previous|prior|former
  | earlier|old|obsolete|superseded|deprecated|outdated|archived|ago|ran|happened|occurred|lifted|cancel\w*
  | rescind\w*|revok\w*|withdrawn|repeal\w*|no\s+longer|ended|expired|currently|typically|usually|normally
  | abolish\w*|scrapp\w*|void(?:ed)?|null|retired|legacy|discontinu\w*|defunct|dropped|removed|deleted|struck|gone
  | duration
  | generally|mostly|often|sometimes|rarely|occasionally|tends?\s+to
    # an example or a definition
  | e\.\s?g|eg|for\s+example|for\s+instance|such\s+as|examples?|sample|illustrat\w*|defin\w*|hypothetical\w*
    # a date relative to today, a recurrence that is not weekly
  | today|tomorrow|tonight|yesterday|(?:next|this|coming|upcoming)\s+(?:{_DAYWORD}|week|weekend|month|year)
  | last|first|second|third|fourth|fifth|other|alternate|alternating|biweekly|bi-weekly|fortnight\w*
  | annually|every\s+year|each\s+year|per\s+year|a\s+year|every\s+month|each\s+month|of\s+the\s+month
  | yearly\s+(?:blackout|freeze|outage|shutdown|maintenance|window)
    # a part of the fleet
  | teams?|groups?|squads?|divisions?|nodes?|hosts?|servers?|gpus?|cpus?|partitions?|queues?|projects?|users?
  | departments?|tiers?|categor\w+|class(?:es)?|urgent|non-urgent|balanced|sustainable|priority|critical|training
  | inference|interactive|large|small|heavy|long|short
    # another field's words
  | kw|kwh|mw|kg|tonnes?|budgets?|prices?|mints?|minting|approvers?|deferr\w*|defer|delay\w*)\b""", _RX)
# a team named in a reason or a label ("for the web platform", "(research)") narrows the blackout to that team
_TEAM = re.compile(rf"\b(?:{'|'.join(map(re.escape, KNOWN_TEAMS))})\b(?![\s-]*(?:cent(?:re|er)s?|halls?|rooms?)\b)",
                   re.I)
# a weekly window that holds only in some months or seasons is not a weekly window
_NOT_WEEKLY = re.compile(r"\b(?:monthly|months?|quarterly|yearly|annual|seasonal\w*|summer|winter|spring|autumn"
                         rf"|holidays?|{_MONTH_NAMES})\b", re.I)


# a scope that is the whole fleet: "jobs of all teams", "whatever the team", "regardless of category"
_ALL_SCOPE = re.compile(r"""(?:,\s*)?(?:\b(?:of|from|for|by|across|owned\s+by|belonging\s+to)\s+
                              (?:all|any|every|each)\s+
                              (?:of\s+(?:the|our)\s+)?
                              (?:teams?|owners?|tenants?|customers?|categor(?:y|ies)|sizes?|kinds?|types?|priorit(?:y|ies))\b
                          |\b(?:whatever|whichever|regardless\s+of|irrespective\s+of|no\s+matter)\s+(?:the\s+|their\s+|its\s+
                              |what\s+|which\s+)?(?:teams?|owners?|categor(?:y|ies)|sizes?|kinds?|types?|priorit(?:y|ies))\b
                              (?:\s+(?:it\s+is|they\s+are|is|are))?
                          |\b(?:gpus?|cpus?|(?:gpu|cpu|urgent|batch)\s+(?:jobs|workloads|ones)|urgent\s+ones|all\s+teams)
                              \s+(?:included|too|as\s+well)\b
                          |\bincluding\s+(?:gpus?|cpus?|(?:gpu|cpu|urgent|batch)\s+(?:jobs|workloads|ones))\b
                          |\b(?:whatever|regardless\s+of)\s+(?:its|their)\s+(?:size|length|duration)\b)
                          (?:\s*,(?=\s))?""", _RX)
_WIDE = re.compile(r"\b([A-Za-z]+(?:-[a-z]+-\d)?)-wide\b")
_ANYWHERE_IN = re.compile(rf"\b(?:anywhere|everywhere)(?=\s+in\s+(?:{_REGION.pattern}|{_ALIAS.pattern}))")
_SEPARATORS = (re.compile(r";"), re.compile(r",\s+(?:and|nor)\b|\band\s+again\b", re.I),
               re.compile(r"\s(?:and|or|nor)\s", re.I),
               re.compile(r","))


def _only_regions(note: str) -> bool:
    """Whether a parenthesis names regions and nothing else."""
    if not (_REGION.search(note) or _ALIAS.search(note)):
        return False
    try:
        parse_regions(note)
    except SentenceError:
        return False
    return True


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


_LEAD_LABEL = re.compile(r"\s*[^:;,()]{1,80}?\s*(?::|\s-)\s+(?=\S)")  # used with match(): anchored
_TRAILER = re.compile(r",\s*(?P<why>(?:the|a|an)\s+[a-z][\w\s'-]*?)\s*$", re.I)
_POSSESSIVE = re.compile(r"\b(?:the\s+|our\s+)?(?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*'s\s+"
                         r"(?=(?:grid\s+|cloud\s+|compute\s+)?(?:regions?|zones?|sites?|data\s*cent(?:er|re)s?)\b)",
                         re.I)


def _descriptions(norm: str, rest: str, triggers: list[re.Match[str]],
                  notes: list[str], times: list[tuple[int, int]]) -> tuple[str, list[str]]:
    """``rest`` without descriptions of the occasion or place: a leading label ("Launch-day blackout: ...",
    "Network upgrade: ...", "Site power works - DE zone blackout: ..."), the subject of "<occasion> requires a
    full blackout", a possessive before the regions ("The Pune studio's region, ap-south-1, ..."), a trailing
    apposition (", the night the clocks go forward"). A description holds no number, region code, qualifier
    ("only", "unless", a team or category), date, day or time, else it is left (and the sentence refused);
    the places it names are returned, to be checked against the blackout's regions."""
    spans: list[tuple[int, int]] = []
    plain = _NOTE.sub(lambda m: " " * len(m.group(0)), norm)  # "Maintenance (dates DD/MM/YYYY): ..."
    label = _LEAD_LABEL.match(plain)
    while label:  # "Site power works - DE zone blackout: ..." holds two
        spans.append(label.span())
        label = _LEAD_LABEL.match(plain, label.end()) if not _REGION.search(label.group(0)) else None
    spans += [(0, t.start()) for t in triggers if t.groupdict().get("needs") and t.start() > 0]
    spans += [m.span() for m in _POSSESSIVE.finditer(rest)]
    trailer = _TRAILER.search(rest)
    if trailer:
        spans.append(trailer.span())
    described: list[str] = []
    for a, b in spans:
        text = rest[a:b]
        if re.search(r"\d", norm[a:b]) or any(a < y and x < b for x, y in times) or _NOT_GLUE.search(text) \
                or _REGION.search(text) or not re.search(r"[a-z]", text, re.I):
            continue
        places = [m.group(0) for m in _ALIAS.finditer(text)]
        why = " ".join(w for w in re.findall(r"[\w'-]+", _ALIAS.sub(" ", text)) if w.lower() not in _GLUE)
        if not why:  # "France: no jobs ...": the label is where, not a description
            continue
        if places:
            try:
                described += parse_regions(", ".join(places)) or []
            except SentenceError:
                continue
        notes.append(why)
        rest = _mask(rest, [(a, b)])
    return rest, described


def _mentions(rest: str) -> list[re.Match[str]]:
    """Every region code, place and "any region" in ``rest``, left to right."""
    found = [m for rx in (_ANYWHERE, _REGION, _ALIAS) for m in rx.finditer(rest)]
    found.sort(key=lambda m: m.start())
    out: list[re.Match[str]] = []
    for m in found:  # "in any region" wins over a place inside it
        if not out or m.start() >= out[-1].end():
            out.append(m)
    return out


def _resolve(mentions: list[re.Match[str]]) -> list[str] | None:
    """The regions a group of mentions names (None: every region)."""
    anywhere = [m for m in mentions if _ANYWHERE.fullmatch(m.group(0))]
    named = [" ".join(m.group(0).split()) for m in mentions if m not in anywhere]
    if anywhere and named:
        raise SentenceError("the blackout names regions and also says 'any region'")
    return parse_regions(", ".join(named)) if named else None


def _by_window(rest: str, mentions: list[re.Match[str]], where: list[tuple[int, int]]
               ) -> list[list[re.Match[str]]] | None:
    """The mentions of each window when each is written with its own regions ("2026-02-03 01:00-02:00 in
    eu-west-1; 2026-02-04 01:00-02:00 in eu-north-1"), None when all windows share the regions. Pieces are
    cut at ';', ', and', 'and'/'or', ',' (never inside a window); refused when regions sit between windows
    and the pieces do not give every window its own."""
    if len(where) < 2 or not mentions:
        return None
    for sep in _SEPARATORS:
        cuts = [m.start() for m in sep.finditer(rest) if not any(a < m.start() < b for a, b in where)]
        bounds = list(zip([0, *cuts], [*cuts, len(rest)], strict=True))
        pieces = [([i for i, (a, b) in enumerate(where) if s <= a and b <= e],
                   [m for m in mentions if s <= m.start() and m.end() <= e]) for s, e in bounds]
        if sum(len(w) for w, _ in pieces) != len(where) or sum(len(m) for _, m in pieces) != len(mentions):
            continue
        named = [p for p in pieces if p[1]]
        if len(named) < 2 or any(not w for w, m in named):
            continue
        if any(w and not m for w, m in pieces):
            raise SentenceError("some windows name their own regions and others none; give each window its "
                                "regions")
        out: list[list[re.Match[str]]] = [[] for _ in where]
        for w, m in pieces:
            for i in w:
                out[i] = m
        return out
    if len({_side(m, where) for m in mentions}) > 1:
        raise SentenceError("regions are written between the windows; give each window its regions after a "
                            "';' or write the regions once")
    return None


def _side(m: re.Match[str], where: list[tuple[int, int]]) -> int:
    """How many windows are written before mention ``m``."""
    return sum(1 for _, b in where if b <= m.start())


def _purpose(norm: str, notes: list[str]) -> str:
    """``norm`` with a leading purpose ("To protect weekend batch reconciliation, ...") blanked, so its
    words are not read as days or times; kept when it holds a number, a region or a qualifier."""
    m = re.match(r"^\s*(?:to|in\s+order\s+to|so\s+as\s+to|ahead\s+of|in\s+preparation\s+for|as\s+part\s+of"
                 r"|at\s+the\s+request\s+of|in\s+response\s+to|in\s+support\s+of|in\s+line\s+with|as\s+required\s+by"
                 r"|as\s+agreed\s+with)\s+"
                 r"(?P<why>[^,;:()\d]{3,80}?)\s*,\s*", norm, re.I)
    if m is None or _CHANGERS.search(m.group(0)) or _NOT_GLUE.search(m["why"]) or _REGION.search(m["why"]) \
            or _ALIAS.search(m["why"]):
        return norm
    notes.append(m["why"])
    return _mask(norm, [m.span()])


# a clause saying what is done during the window, or why: it never moves the window, so its words may be any,
# as long as none changes the meaning. "while"/"during"/"so that" must name work (else it is a condition:
# "while the grid is stressed"); "because"/", being" give a reason. The clause ends at ',', ';', '(' or the end.
_CLAUSE = re.compile(r"""(?:^|(?<=[\s,;]))
    (?P<head>while|whilst|during|because|since|as|so(?:\s+that)?|(?<=,\s)being|(?<=,)being
       |to\s+(?:allow|let|permit|enable|make\s+room\s+for|free\s+up\s+capacity\s+for|give)|in\s+order\s+for
       |(?<=\s)[-–—](?=\s))
    \s+(?P<body>[^,;()\d.?!:]+?)\s*(?=[,;(]|\.?\s*$)""", _RX)
_WORK = re.compile(r"""\b(?:maint\w*|migrat\w*|upgrad\w*|patch\w*|back(?:ed|s|ing)?[\s-]?ups?|snapshot\w*|restor\w*
    |repair\w*|replac\w*|(?:re)?install\w*|rewir\w*|re-?cabl\w*|rebuil\w*|reboot\w*|restart\w*|re-?index\w*|refresh\w*
    |deploy\w*|roll(?:s|ed|ing)?[\s-]?outs?|rollouts?|releas\w*|cut[\s-]?overs?|cutting[\s-]over|switch[\s-]?overs?
    |fail[\s-]?overs?|drills?|test|tests|tested|testing|exercis\w*|inspect\w*|servic(?:e|ed|es|ing)|works?|worked
    |working|swap\w*|relocat\w*|(?:de)?commission\w*|audit\w*|updat\w*|firmware|hardware|rack\w*|moves?|moved|moving
    |rebalanc\w*|reorgani[sz]\w*|consolidat\w*|re-?platform\w*|re-?architect\w*|re-?image\w*|re-?provision\w*
    |provision\w*|upgrade|outfit\w*|clean[\s-]?ups?|wip(?:e|ed|es|ing)|recover\w*|reconcil\w*|archiv\w*|(?:re)?configur\w*
    |rotat\w*|renew\w*|renovat\w*|construction|build|builds|building|rebuild|fix|fixes|fixing|fixed|works)\b""", _RX)
# states of the world: a clause naming one is a condition ("while the grid is stressed", "during peak demand")
_CONDITION = re.compile(r"""\b(?:stress\w*|strain\w*|high|higher|highest|low|lower|lowest|peak\w*|demand\w*|load|loads
    |loaded|overload\w*|constrain\w*|congest\w*|scarc\w*|shortage\w*|tight|above|below|exceed\w*|intensit\w*|carbon
    |emission\w*|dirty|dirtier|clean|cleaner|cleanest|green\w*|renewabl\w*|solar|wind|weather|heat\w*|hot|cold|storms?
    |emergenc\w*|alerts?|alarms?|warnings?|events?|incidents?|failures?|faults?|outages?|down|unavailab\w*|availab\w*
    |capacity|busy|idle|spikes?|surges?|price\w*|cost\w*|expensive|cheap\w*|tariff\w*|any\s*time|anytime|until
    |signal\w*|requests?|asks?|asked|needed|necessary|required|notified|notice)\b""", _RX)
# an event that can be the occasion of a dated window ("during the planned outage")
_EVENT = re.compile(r"outages?|events?", re.I)
_NEEDS_WORK = re.compile(r"while|whilst|during|so\b|to\b|in\s+order", re.I)


def _work_clauses(norm: str, triggers: list[re.Match[str]], weekly: bool, notes: list[str]) -> str:
    """``norm`` with each clause naming the work done in the window or its reason blanked (its words added to
    ``notes``): "while the Foundation migrates its build farm", "because the region is reserved for backups",
    ", being the date of the system cut-over", "during weekly preventive maintenance,". A clause is left
    (and the sentence then refused) when it holds a day, date, time, number, region, team, qualifier, a word
    that changes the meaning, or a state of the world ("while the grid is stressed": a condition), or when a
    "while"/"during" clause names no work."""
    spans: list[tuple[int, int]] = []
    for m in _CLAUSE.finditer(norm):
        body = m["body"]
        state = _CONDITION.search(body)
        if state and re.match(r"while|whilst|during", m["head"], re.I) and not _EVENT.fullmatch(state.group(0)):
            raise SentenceError(f"cannot read this blackout: '{m['head']} {body}' makes it a condition (a state of "
                                "the world, not the work done in the window)", "unrecognised")
        if any(t.start() < m.end() and m.start() < t.end() for t in triggers) or tokens(body) \
                or _CHANGERS.search(body) or _CONDITION.search(body) or _NOT_GLUE.search(body) \
                or _REGION.search(body) or _ALIAS.search(body) or _TEAM.search(body) \
                or (weekly and _NOT_WEEKLY.search(body)) or len(body.split()) > 12:
            continue
        if _NEEDS_WORK.match(m["head"]) and not _WORK.search(body):
            continue
        if m["head"].lower() in ("since", "as") and not _WORK.search(body):
            continue
        notes.append(body)
        spans.append(m.span())
    return _mask(norm, spans)


_TICKET = re.compile(r"""(?:^|(?<=[\s(]))(?:(?:global|standard|normal|emergency)\s+)?
    (?:change|ticket|incident|event|request|cr|chg|ref)?\s*(?<![\w-])(?!(?:[a-z]{2}-[a-z]+-\d)\b)
    [A-Z]{2,6}(?:-[A-Z0-9]+)*-(?:\d{3,}|\d+-\d+)[\w-]*(?![\w-])\s*:?""", re.X)
"""A change or event reference ('CHG-8812', 'MW-2291:', 'DR-2026-14', 'Global change CHG-8812': capitals, a dash and
three digits or two numbers) names the window, it is not a region ('EU-9' is neither, and stays an unknown name)."""


def blackout(norm: str) -> Interpretation | None:
    """The blackout window(s) a sentence states, None when it is not a blackout sentence.

    Raises SentenceError when it is one but cannot be read without guessing (no zone, no year,
    unpaired times, stray words, a word that changes its meaning).
    """
    norm = _ALL_SCOPE.sub(lambda m: " " * len(m.group(0)), norm)
    norm = _TICKET.sub(lambda m: " " * len(m.group(0)), norm)
    norm = _WIDE.sub(lambda m: m[1] + " " * 5 if _REGION.fullmatch(m[1]) or _ALIAS.fullmatch(m[1]) else m[0], norm)
    plain = _mask(norm, [(t.start, t.end) for t in tokens(norm)])
    notes_at = [m.span() for m in _NOTE.finditer(norm)]  # "(release freeze)" is a reason, not a trigger
    # the cue read past a note ("No jobs (of any kind) may run"), else the first one, even inside a note
    triggers = [t for t in _TRIGGERS.finditer(_mask(plain, notes_at)) if _is_cue(t, plain)] \
        or [t for t in _TRIGGERS.finditer(plain) if _is_cue(t, plain)][:1]
    if not triggers:
        return None
    notes: list[str] = []
    norm = _purpose(norm, notes)
    windows = read_windows(norm)
    if not windows.one_off and not windows.recurring:
        if windows.spans:
            raise SentenceError("a blackout needs its times of day with a time zone, e.g. 'from 2026-03-01 "
                                "00:00 to 06:00 UTC' or 'every Saturday 02:00-04:00 UTC'")
        return None
    norm = _work_clauses(norm, triggers, bool(windows.recurring), notes)
    rest = _mask(norm, [*windows.spans, *(t.span() for t in triggers)])
    for a, b in notes_at:  # a note inside the cue is still read as a note
        if any(t.start() < a and b <= t.end() for t in triggers):
            rest = rest[:a] + norm[a:b] + rest[b:]
    for m in _NOTE.finditer(rest):
        if _only_regions(m["note"]):  # "(us-east-1)": where, not why ("(Texas peak)" is why)
            rest = rest[:m.start()] + f" {m['note']} " + rest[m.end():]
        elif _restates_cue(m["note"]):  # "(no jobs may run)"
            continue
        elif _NOT_GLUE.search(m["note"]) or _REGION.search(m["note"]):
            raise SentenceError(f"cannot read the qualifier ({m['note']}) of this blackout")
        elif m["note"].strip():
            notes.append(m["note"])
    rest = _NOTE.sub(lambda m: " " * len(m.group(0)), rest)
    times = [(t.start, t.end) for t in tokens(norm) if t.kind != "F"]
    rest, described = _descriptions(norm, rest, triggers, notes, times)
    during = _DURING.match(rest)
    if during and (norm[during.start():during.end()] != rest[during.start():during.end()]
                   or _REGION.search(during.group(0)) or _ALIAS.search(during.group(0))):
        during = None  # "on <masked window> in FR,": not an occasion, and its regions are the blackout's
    if during:
        why = during["why"] or during["day"]
        if _NOT_GLUE.search(why):
            raise SentenceError(f"cannot read the qualifier {why!r} of this blackout")
        notes.insert(0, why)
        rest = rest[:during.start()] + " " * (during.end() - during.start()) + rest[during.end():]
    rest = _ANYWHERE_IN.sub(lambda m: " " * len(m.group(0)), rest)  # "anywhere in the US": in the US
    rest = re.sub(rf"({_REGION.pattern}|{_ALIAS.pattern})\s+only\b", lambda m: m.group(1) + " " * 5, rest)
    mentions = _mentions(rest)
    per_window = _by_window(rest, mentions, windows.where)
    regions = [_resolve(ms) for ms in per_window] if per_window else [_resolve(mentions)] * len(windows.where)
    rest = _mask(rest, [m.span() for m in mentions])
    everywhere = {r for rs in regions for r in (rs or ())}
    if described and not set(described) <= everywhere:
        raise SentenceError("the description of the place names regions the blackout does not name: "
                            f"{', '.join(described)}")
    _irish_ist(norm, everywhere)
    for m in reversed(list(_REASON.finditer(rest))):  # "owing to scheduled maintenance", "for patching"
        why = " ".join(w for w in m["why"].split() if w.lower() not in _GLUE)
        # "for Acme", "for ACME": for whom, not why ("for EOD patching" is why)
        named = m.group(0).lower().startswith("for") and re.search(r"\b[A-Z][a-z]|\b[A-Z]+\s*$", m["why"])
        if why and not named and not _NOT_GLUE.search(m["why"]) and len(m["why"].split()) <= 6:
            notes.append(why)
            rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]
    _no_stray(rest, norm, triggers)
    _no_changer(norm, bool(windows.recurring))
    team = next((m for m in map(_TEAM.search, notes) if m), None)
    if team:
        raise SentenceError(f"cannot read this blackout: it names the team {team.group(0)!r} (a blackout holds for "
                            "the whole fleet)", "unrecognised")
    count = next((t["count"] for t in triggers if t["count"] is not None), None)
    if count is not None and int(count) != len(windows.where):
        raise SentenceError(f"the sentence announces {count} blackouts but gives {len(windows.where)}")
    return _items(windows, regions, "; ".join(notes) or None)


def _is_cue(t: re.Match[str], text: str) -> bool:
    """Whether a cue found in ``text`` says that no job may run. A label noun ("blackout", "change freeze",
    "outage") does so only as a label: at the start or after a heading mark ("Blackout: ...", "Ops | change
    freeze"), announced ("there are two blackouts"), or stated ("a freeze applies", "change freeze:"); a label
    noun anywhere else is the occasion of something ("jobs run during grid outages") and is not the cue."""
    if t["label"] is None:
        return True
    before = text[:t.start()].rstrip()
    while True:  # "Oregon blackout | ...", "Mon-Fri ...: CISO blackout": the regions are part of the label
        place = re.search(rf"(?:{_REGION.pattern}|{_ALIAS.pattern})[\s,&/]*$|\band\s*$", before, re.I)
        if place is None or not place.group(0).strip():
            break
        before = before[:place.start()].rstrip()
    return not before or before[-1] in ":|-–—•·" or bool(t["count"]) \
        or bool(re.match(r"\s*there\b", t[0], re.I)) or t[0].rstrip().endswith(":") \
        or bool(re.search(r"\b(?:is|applies|apply|runs|holds|effect)\s*$", t[0], re.I))


def _restates_cue(note: str) -> bool:
    """Whether a note only says again that no job may run: "(no jobs may run)", "(nothing runs)"."""
    cue = _TRIGGERS.search(note)
    if cue is None or not re.search(r"\b(?:no|nothing|not|never)\b|n't\b", cue.group(0), re.I):
        return False  # "(release freeze)" is a reason
    left = note[:cue.start()] + " " + note[cue.end():]
    return all(w.lower() in _GLUE for w in re.findall(r"[\w'.-]+|[^\s\w]", left))


def _irish_ist(norm: str, regions: set[str]) -> None:
    """'IST' is India's time here, but also Irish Summer Time: refused for a blackout in Ireland."""
    if re.search(r"\bIST\b", norm) and ("eu-west-1" in regions or re.search(r"\b(?:Ireland|Irish|Dublin)\b", norm)):
        raise SentenceError("'IST' may be India Standard Time or Irish Standard Time; name the zone, e.g. "
                            "'Europe/Dublin' or 'Asia/Kolkata'")


def _no_changer(norm: str, weekly: bool) -> None:
    """Refuse a sentence holding a word that changes what the blackout means, wherever it is."""
    changer = _CHANGERS.search(norm) or (_NOT_WEEKLY.search(norm) if weekly else None)
    if changer:
        raise SentenceError(f"cannot read this blackout: {changer.group(0)!r} changes what it means (a condition, "
                            "a wish, a plan, the past, an example, a part of the fleet, or a recurrence that is not "
                            "weekly)", "unrecognised")


# Words left over once every part is read are NEUTRAL (allowed, ignored: "fyi", "heads-up", "sadly", "as
# usual"), except these classes, which could carry or change the constraint when they stand outside its parts:
_STRAY_CHANGERS = re.compile(r"""^(?:
    # a negation or a restriction outside the cue, a modal outside the cue
    not|never|no|none|nobody|nothing|neither|nor\w+|without|n't|\w+n't|only|solely|exclusively|just|except\w*
  | may|might|must|can|could|shall|should|would|need|needs|needed|allowed|permitted|forbidden|prohibited|banned
    # a limit or a minimum
  | least|most|minimum|min|maximum|max|more|less|fewer|over|under|above|below|beyond|within|exceed\w*|limit\w*|cap
  | capped|caps|up
    # a condition, a wish, a plan, a state of the world (not caught by the whole-sentence changers)
  | assuming|assume\w*|given|after|before|afterwards|then|later|sooner|soon|unless|lest|otherwise
  | as-needed|needed|demand|peak\w*|stress\w*|load|outages?|incidents?|emergenc\w*|alerts?|notice|pilot\w*
  | internal|external|public|private|shared|trial\w*|experiment\w*|test\w*|temporar\w*|interim|phase\w*|rollout
  | launch\w*|go-live|soft|hard
    # the opposite state, said of a place ("DE stays open"), an approximation ("give or take")
  | unaffected|open|opens|opened|reopen\w*|available|fine|ok|okay|running|continu\w*|resum\w*|unchanged|normal
  | give|approx\w*|roughly|-ish|ish
    # an exception, or another statement about what still runs ("backups aside", "backups still run"), a joke
  | aside|carve\w*|spared|whitelist\w*|allowlist\w*|still|sole|minus|±|run|runs|proceed\w*|happen\w*|execut\w*
  | operat\w*|carry|carried|permit\w*|let|lets|jk|kidding|joke|joking|lol
    # other places near or compared with a region, a choice between them, a state of the world
  | neighbo\w*|nearby|adjacent|surrounding|vicinity|nearest|closest|sibling\w*|related|similar|unlike|contrary
  | contrast|opposed|compared|whereas|whichever|either|green\w*|clean\w*|dirt\w*|cheap\w*|expensive
    # an exclusion or a substitution of places ("outside FR", "FR instead of DE", "nowhere else")
  | outside|elsewhere|besides|beside|instead|rather|versus|vs|bar|save|nowhere|else|non-\w+|alternatively
    # hearsay, a question or a request for one, a guideline rather than a rule, a hypothesis
  | says|say|said|claims?|claimed|reportedly|apparently|allegedly|supposedly|rumou?r\w*|heard|confirm\w*|verify
  | check|clarify|ask\w*|wonder\w*|question\w*|quer\w*|want\w*|like|keen|hoping|desir\w*|negotiable|flexible
  | loosely|informal\w*|voluntar\w*|advisory|guidelines?|guidance|imagine|suppose|supposing|hypothetical\w*
  | eventually|future|someday|moved|postponed|rescheduled|shifted|pushed|brought|extended|shortened
  | replaces|replaced|superseding|supersedes
    # a part of the fleet: environments, machines, owners, people
  | staging|stage|prod|production|preprod|pre-prod|dev|development|sandbox\w*|uat|qa|env|envs|environments?
  | clusters?|racks?|machines?|instances?|vms?|pods?|containers?|accounts?|tenants?|customers?|clients?|owners?
  | some|certain|specific|selected|select|particular|several|many|few|half|part|parts|portion|subset|majority
  | admins?|administrators?|staff|engineers?|operators?|on-call|oncall|people|person|everyone|anyone|someone
  | ml|ai|analytics|research|finance|data|web|platform|ops|sre|devops|manual|automated|ad-hoc|adhoc|cron\w*
  | nightly|daily|hourly|scheduled-only|low-priority|high-priority|best-effort|spot|preemptible|reserved|dedicated
    # other fields and other measures
  | carbon|co2\w*|emissions?|energy|power|watts?|kilowatts?|megawatts?|intensity|budget\w*|cost\w*|price\w*|usd
  | eur|gbp|dollars?|euros?|pounds?|\$|€|£|%|percent
    # a time, a date or a period outside the windows
  | week|weeks|weekend|weekends|month|months|year|years|quarter|days|daytime|dawn|dusk|sunrise|sunset|business
  | office|working|hours-long|minutes?|mins?|seconds?|early|late|end|start|beginning
    # a number in words
  | zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred|thousand|dozen
  | once|twice|thrice|double|half)$""", _RX)
# after these a word names a place or a part of the fleet ("in staging", "at the Frankfurt site")
_PLACE_WORD = re.compile(r"^(?:in|at|on|across|within|inside|throughout|to|from|by|of|for)$", re.I)
# a cue that does not start with its subject: the word before it cannot qualify the subject
_NO_SUBJECT = re.compile(r"\s*(?:no|nothing|do|don't|dont|never|we|we're|there|will|shall|must|is|are|goes|go)\b", re.I)
_DETERMINER = {"the", "a", "an", "our", "their", "its", "all", "any", "every", "each", "this", "that"}
# after these a word names a part of the fleet ("the staging fleet", "Frankfurt site")
_PART_NOUN = re.compile(r"^(?:cluster|clusters|fleet|fleets|sites?|regions?|zones?|data-?cent(?:re|er)s?|dcs?"
                        r"|jobs?|workloads?|work|tasks?|compute|processing)$", re.I)


def _no_stray(rest: str, norm: str, triggers: list[re.Match[str]]) -> None:
    """Refuse the words left over once every part is read when they could carry the constraint: an unknown
    region code, a word of a meaning-changer class (``_STRAY_CHANGERS``), a digit, a word that qualifies the
    subject (written just before the cue, or just before "jobs"/"fleet"/"cluster"/"site"), or a capitalised
    word or any word after a place preposition ("in staging", "at Frankfurt"), which may name a place, a
    cluster or a person. Every other leftover word is neutral ("fyi", "heads-up", "as usual", "sadly")."""
    found = [m for m in re.finditer(r"[\w'.$€£%-]+|[^\s\w]", rest) if m.group(0).lower() not in _GLUE]
    coded = [m.group(0) for m in found if re.fullmatch(r"[a-z]+(?:-[a-z]+)*-\d+[a-z]?", m.group(0), re.I)]
    if coded:
        raise SentenceError(f"unexpected words in the region list: {' '.join(coded)!r} (unknown region codes)")
    words = list(re.finditer(r"[\w'.$€£%-]+|[^\s\w]", norm))
    if any(re.search(r"[\w$€£%]", m.group(0)) and _carries(m, norm, words, triggers) for m in found):
        stray = " ".join(m.group(0) for m in found)
        raise SentenceError(f"not recognised: a blackout with words the parser cannot read: {stray!r} "
                            "(e.g. 'No jobs may run between 2026-03-01 00:00 and 06:00 UTC in us-east-1.')",
                            "unrecognised")


def _other_statement(m: re.Match[str], norm: str, triggers: list[re.Match[str]]) -> bool:
    """Whether the leftover word ``m`` is in a part of the sentence (between ',', ';', ':' or a dash) that names a
    region but holds neither the cue nor a window: "in FR; DE is unaffected", "in FR, plus DE"."""
    cuts = [0, *(c.end() for c in re.finditer(r"[,;:]|\s[-–—]\s", norm)), len(norm)]
    a, b = next(((a, b) for a, b in itertools.pairwise(cuts) if a <= m.start() < b), (0, len(norm)))
    part = norm[a:b]
    if not (_REGION.search(part) or _ALIAS.search(part)):
        return False
    return not any(a < t.end() and t.start() < b for t in triggers) and not tokens(part)


def _between_regions(words: list[re.Match[str]], at: int) -> bool:
    """Whether the word at index ``at`` stands between two region mentions with only glue around it."""
    def near(seq: list[re.Match[str]]) -> bool:
        for w in seq:
            if _REGION.fullmatch(w.group(0)) or _ALIAS.fullmatch(w.group(0)):
                return True
            if w.group(0).lower() not in _GLUE or w.group(0) in ",;:":
                return False
        return False
    return near(list(reversed(words[:at]))) and near(words[at + 1:])


def _carries(m: re.Match[str], norm: str, words: list[re.Match[str]], triggers: list[re.Match[str]]) -> bool:
    """Whether the leftover word ``m`` (a position in ``norm``) could carry or change the constraint."""
    word = m.group(0).strip(".'-")
    if not word or _STRAY_CHANGERS.match(word) or _NOT_GLUE.fullmatch(word) or re.search(r"\d", word):
        return True
    if any(_STRAY_CHANGERS.match(p) or _NOT_GLUE.fullmatch(p) for p in word.split("-")[1:] if p.lower() != "up") \
            or (len(word.split("-")) > 1 and _STRAY_CHANGERS.match(word.split("-")[0])
                and word.lower() != "one-off"):
        return True  # "carve-out", "prod-only", "jobs-excepted" ("heads-up", "one-off" are neutral)
    if any(0 <= t.start() - m.end() <= 2 and not norm[m.end():t.start()].strip(" ") and not _NO_SUBJECT.match(t[0])
           for t in triggers):
        return True  # "Manual jobs are not allowed ...": it qualifies the subject ("Sadly no jobs ..." does not)
    if any(0 <= m.start() - t.end() <= 2 and not norm[t.end():m.start()].strip(" ") for t in triggers):
        return True  # "No jobs may run unattended ...": it qualifies the verb
    if _other_statement(m, norm, triggers):
        return True  # "...; DE stays open": the words of another statement about a place
    at = next((i for i, w in enumerate(words) if w.start() == m.start()), None)
    if at is None:
        return True
    if _between_regions(words, at):
        return True  # "FR unlike DE", "FR vs DE": it relates two places
    before = [w.group(0).lower() for w in words[max(0, at - 3):at]]
    while before and before[-1] in _DETERMINER:
        before.pop()
    if before and _PLACE_WORD.match(before[-1]):
        return True  # "in staging", "at the Frankfurt site"
    after = words[at + 1].group(0) if at + 1 < len(words) else ""
    if _PART_NOUN.match(after):
        return True  # "the staging fleet", "ML jobs"
    # a capitalised word (not first in the sentence or after a heading mark) may name a place, a cluster, a person
    return word[0].isupper() and at > 0 and not re.fullmatch(r"[:;.!\-–—|•·]", words[at - 1].group(0))


def _items(windows: Windows, regions: list[list[str] | None], note: str | None) -> Interpretation:
    """One item per window, each with its regions."""
    items: list[PolicyItem] = [PolicyItem("blackout_windows", window_dict(a, b, regions[i], note))
                               for i, (a, b) in enumerate(windows.one_off)]
    for i, rec in enumerate(windows.recurring, start=len(windows.one_off)):
        value: dict[str, Any] = {**rec, "regions": regions[i], "reason": note or DEFAULT_BLACKOUT_REASON}
        items.append(PolicyItem("recurring_blackouts", value))
    return Interpretation(tuple(items), tuple(windows.warnings))
