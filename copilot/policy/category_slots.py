"""Deferral limits per job category and the urgent-jobs rule, read by their parts when no whole-sentence
phrasing matches.

Both readers first cut the clause into known words (a *lexicon*: job categories, durations, limits,
negations, modal verbs, verbs of delaying or moving, words for time and for place, harmless fillers).
A word the lexicon does not know is split into two classes (``_unknown``):

    changer     a word of a MEANING-CHANGING class refuses the clause (``_CHANGER``): conditions and
                exceptions ("unless", "once", "barring", "apart"), wishes and soft forms ("should",
                "ideally", "try"), plans and doubt ("propose", "pilot", "tbd", "reportedly"), the past and
                descriptions of today ("was", "currently", "nowadays", "seldom"), minimums, amounts and
                approximations ("least", "more", "roughly", "cumulatively"), additions ("also", "too"),
                negations outside the recognised forms ("hardly", "need not"), scopes and parts of the
                fleet, day or year ("team", "node", "staging", "weekend", "night", "winter"), other
                categories and units, verbs of moving in place or other actions for the deferral reader
                ("relocate", "throttle"), protection words ("protection against"), other subjects or
                objects ("other jobs", "what"), alternatives and points in time ("or", "after", "once"),
                bare prepositions of scope the reader does not know ("at a time", "with approval");
                a number, a sign ("?", "%", "$"), a capitalised word after the first (a name: a cluster,
                a person, a place, a month) and a word in -ly other than an intensifier ("silently",
                "manually"; "absolutely", "obviously" are neutral)
    neutral     every other word ("heads up", "kindly", "sacred", "no matter how dirty the grid gets"):
                kept as an "UNK" token that carries no meaning, allowed only where it cannot name a part of
                the fleet or change a verb (``_unknown_well_placed``): not right beside a subject ("urgent
                training jobs", "balanced jobs submitted by"; "our", "that", "note" before it are fine),
                not right after a verb of delaying or moving (an object or a manner: "never move files"),
                not after a preposition of scope past determiners ("in the lab", "by the legacy scheduler")

The known words are then read as a small grammar; the constraint is built only when every part is
unambiguous. Known words that make a rule temporary or a description of today ("for now", "at the
moment") are refused as well, and so is a rule for a team the caller names. An aside that only gives
examples is dropped first ("Urgent jobs, such as grant-deadline runs, ..."; "Sustainable jobs (nightly
bakes, for example) ...") when it holds no number, negation, condition, modal, category, unit or scope word.

Trailing remarks that cannot carry a constraint are dropped before the lexicon is applied (at most three,
from the end), so that one harmless word does not lose the sentence:

    purpose     "to wait for surplus wind power", "while waiting for a low-carbon window", "in order to catch
                ...", "hoping for ...", "so that the scheduler can ..." (with or without a comma)
    afterwards  ", after that they just run", ", then they go regardless", ", at which point ..."
    aside       ", whatever the grid is doing", ", regardless of ...", ", fyi", ", as agreed"
    emphasis    ", without exception", ", no exceptions", ", period", ", always"
    old value   ", bumped from 4", ", previously 48", ", up from 2 h" (the rule gives the new value)

A remark is dropped only when the rest of it holds no word of a meaning-changing class (numbers,
negations, exceptions, conditions, modals, soft or past forms, plans, doubt, scope: teams, regions, nodes,
parts of the day or week, prepositions of scope "in/on/at/per/by/within", categories, units, verbs of
moving) and no capitalised word (a name or a place); otherwise the sentence is left whole and the
lexicon refuses it. Leading words that only introduce or date a rule ("Regarding ...", "As for ...",
"hereby", "now", "from now on") are fillers.

Deferral limits (``max_deferral_h_by_category``)
    A clause pairs one or more job categories with one value. Clauses are cut at ";", ",", "|", "whereas"
    and "and" (not between two categories: "balanced and sustainable jobs may each wait 2 h" gives both
    the value). Every clause needs its category; the verb, and a limit given as a header, carry over to
    the next clauses ("urgent = never deferred, balanced <= 2h"; "Deferral limits are 1 day for
    sustainable jobs and 3 hours for balanced jobs"; "Max delay by class | urgent | 0 h | balanced |
    2 h"; "Maximum permissible delay: Urgent - 0 hours; Balanced - 12 hours"; "..., and no
    sustainable job longer than 3 days"; "For balanced jobs, the maximum deferral is 5 hours").

    a maximum   category + delay verb (deferred, delayed, postponed, held back, pushed back, slip, wait,
                queued, time-shifted, put off, put on hold, set aside, bumped/pushed/kicked back,
                deferrable/postponable/delayable, slide, held off; "moved"/"shifted" only with a duration)
                or start verb (start, begin, commence) + a limit + a duration:
                  limit  at most, up to, no more/longer/further/later than, within, a maximum of, max,
                         tops, at the latest, as long as, capped at, limited to, limit(s) of, window,
                         <=, "must not / shall in no event exceed"; a negation before "more/longer than"
                         ("No balanced job shall wait longer than 45 minutes"), or "is not allowed"
                         anywhere ("Postponing a balanced job by more than 2 hours is not allowed");
                         "is zero"; a permission without
                         a limit word ("balanced jobs may wait 4 hours"); a start verb needs a limit
                         word ("start no later than 36 hours after submission")
                  unit   min, h, d (24 h), w (168 h), "a fortnight" (336 h; the plural is left unknown,
                         as tests/test_governance.py expects); words and fractions are digits already
                         ("two and a half days" -> 2.5 days)
    zero        a negated delay verb ("shall not be deferred", "may not be delayed", "never wait", "not
                ... at all", "Deferral of urgent jobs is not permitted"), "without (any) deferral",
                "zero deferral", "no delay", "exempt from deferral", "start immediately"
    refused     any unknown word of a changer class or badly placed (conditions, soft or past forms,
                minimums, per-team or per-node scope, "non-urgent", other numbers), two values in one
                clause, a category without a value or a value without a category, a negation without
                "more than" beside a duration, a limit word beside a zero, a requirement without a limit ("must be
                deferred by 4 hours"), a clause starting with a modal (a question: "Can balanced jobs
                wait 4 hours"), and a category given twice.

Urgent jobs (``urgent_never_moved``)
    Clauses are cut at ";", ":", "(", ")", "=", "|", " - " and at a comma or "and"/"or" that is not
    followed by another verb of moving ("must not be moved, delayed or relocated" is one clause).
    Each clause is read as one of

    subject     "urgent jobs", "urgent-job", "jobs flagged/classified as urgent", "jobs with urgent priority",
                "the priority class 'urgent'", "jobs in the urgent tier"
    fixed       bypassing or skipping carbon-aware scheduling ("bypass carbon-aware scheduling entirely");
                a negated verb of moving ("never moved", "neither relocated nor delayed", "Don't touch
                urgent jobs", "no region moves", "without deferral or relocation", "shall not be
                subject to temporal or geographic shifting", "Carbon-aware optimisation shall not be
                applied to urgent workloads"); a fixed state ("pinned", "untouched", "hands off",
                "exempt from carbon-aware shifting"); staying put ("same region", "same start time",
                "where and when they were submitted", "start immediately", "in their submitted
                region", "in the region and at the time requested", "at the submitted time", "stay put",
                "remain where they are"); a negated change of an aspect ("no change to region or
                schedule", "any change of the execution region or of the start time is prohibited")
    movable     a permission to move ("may be moved", "is free to move", "may reschedule or relocate",
                "subject to shifting", "get shifted like any other job", "fair game for shifting", "open
                to shifting", "shift urgent jobs to cleaner regions and to later start times"; a clause that
                only says "same as everything else" / "in the same way as any other job"; an adjective of
                permission "movable", "shiftable", "relocatable", "deferrable" (negated: fixed, for its aspect);
                "as needed" is permission-only, like "freely"); a fixed state denied or
                withdrawn ("no exemption", "enjoy no protection against relocation", "not pinned
                anymore", "the never-move guarantee is withdrawn")
    neutral     the subject alone, or fillers ("For the avoidance of doubt")

    All clauses that say something must agree. "Never moved" means both in time and in place, so a
    fixed reading needs both (a generic verb "moved", "shifted", "touched", or one word for each:
    "never deferred, never migrated"). A generic verb or noun ("change", "optimisation") covers only the
    aspects named beside it when there are any ("geographic optimisation" is place only, "change of
    region or schedule" both); a rule about time only ("shall not be deferred") is a zero
    deferral limit for urgent jobs, read above; a rule about place only is refused. Permission-only
    words ("like any other", "at the scheduler's discretion", "if that reduces emissions") are refused
    in a fixed clause; a permission beside a fixed state is refused, and so are a question ("Can
    urgent jobs be moved"), a pronoun before the subject, "not all", "no longer" with a move (only
    with a state: "no longer pinned"), any unknown word of a changer class or badly placed (other
    categories, conditions, soft or past forms, "but", "only", numbers), and a comma followed by a word
    before the next move ("never moved, just rescheduled" is a contrast, not a list).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise

from copilot.policy.values import NUM, Interpretation, PolicyItem, one

__all__ = ["read"]

_RX = re.I | re.X
_T, _S = "time", "place"
_BOTH = frozenset({_T, _S})
_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Word:
    """One lexicon entry: the kind of token its phrasings make and, for moves and stays, what it covers."""

    kind: str
    phrasings: tuple[re.Pattern[str], ...]
    dims: frozenset[str] = _NONE


@dataclass(frozen=True)
class _Tok:
    """One token of a clause: its kind, text and meaning (dimensions, categories or hours)."""

    kind: str
    text: str
    dims: frozenset[str] = _NONE
    cats: tuple[str, ...] = ()
    hours: float | None = None


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression (so that the lexer can take the longest)."""
    parts, depth, start, k, in_class = [], 0, 0, 0, False
    while k < len(pattern):
        ch = pattern[k]
        if ch == "\\":
            k += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:k])
            start = k + 1
        k += 1
    return [*parts, pattern[start:]]


def _w(kind: str, pattern: str, dims: frozenset[str] = _NONE, word: bool = True) -> _Word:
    """A lexicon entry; a ``word`` pattern must end at a word boundary."""
    boundary = r"(?!\w)" if word else ""
    return _Word(kind, tuple(re.compile(rf"(?:{p}){boundary}", _RX) for p in _alternatives(pattern)), dims)


class _RefusedError(Exception):
    """This reader cannot be sure of the clause."""


_UNKNOWN = re.compile(r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)*|\S")
_CHANGER = re.compile(r"""
    # conditions, exceptions, contrasts
    if|unless|when|whenever|while|whilst|during|until|till|once|provided|providing|assuming|given|where|wherever
    |in-case|case|cases|depend\w*|only|except\w*|exclud\w*|but|however|although|though|save|barring|besides|unlike
    |apart|otherwise|else|instead|rather|whether|subject|conditional\w*|approv\w*|sign-?off|waiv\w*|overrid\w*
    |permission\w*|consent\w*|exception\w*|manual\w*|request\w*|ask\w*|unless
    # wishes and soft forms
    |should|shouldn't|ideally|prefer\w*|try|tries|trying|aim\w*|strive\w*|hope\w*|desir\w*|recommend\w*
    |encourag\w*|suggest\w*|best|effort|possibl\w*|feasib\w*|practic\w*|reasonabl\w*|would|could|might|ought
    |want\w*|wish\w*|nice|advis\w*|favou?r\w*|endeavou?r\w*|attempt\w*|usual\w*|default\w*|guideline\w*|ok|okay
    # plans, proposals, doubt
    |propos\w*|consider\w*|plan\w*|discuss\w*|draft\w*|tbd|tbc|pending|future|eventual\w*|soon|next|upcoming
    |intend\w*|intention\w*|going|gonna|expect\w*|pilot\w*|trial\w*|experiment\w*|tentativ\w*|provisional\w*
    |review\w*|evaluat\w*|explor\w*|roadmap|idea\w*|maybe|perhaps|probabl\w*|likel\w*|unclear|unsure|question\w*
    |wonder\w*|think|thinking|believe\w*|assum\w*|suppos\w*|vote\w*|poll\w*|agree\w*|decid\w*|pretend\w*
    |would've|could've|unless|let's|lets|shall\s*we|temporar\w*|interim|initial\w*|first|until
    # the past and descriptions of today
    |was|were|had|used|previous\w*|former\w*|current\w*|typical\w*|usually|most|mostly|general\w*|normal\w*
    |often|sometimes|occasional\w*|rare\w*|seldom|histor\w*|today|nowadays|lately|recent\w*|yesterday|last|ago
    |already|still|far|date|tend\w*|observ\w*|seem\w*|appear\w*|notic\w*|saw|seen|report\w*|measur\w*
    |did|didn't|hasn't|haven't|hadn't|wasn't|weren't
    # minimums, amounts and approximations
    |least|minimum\w*|min|minimal|fewer|less|shorter|more|longer|above|below|under|over|beyond|between|around|about
    |approx\w*|rough\w*|nearly|almost|average\w*|median|percent\w*|ish|half|quarter\w*|double|twice|triple
    |several|few|many|some|most|much|extra|additional\w*|total\w*|cumulativ\w*|combined|sum|overall|aggregate\w*
    # additions
    |also|too|plus|another|further\w*|moreover|likewise|even|includ\w*|along|addition\w*
    # negations outside the recognised forms
    |hardly|barely|scarcely|nothing|nobody|nowhere|noone|lack\w*|fail\w*|\w+n't|non-\w+|un\w+able
    # scopes and parts of the fleet, of the day and of the year
    |per|team\w*|group\w*|department\w*|dept\w*|division\w*|unit|units|lab|labs|office\w*|site|sites|region\w*
    |zone\w*|node\w*|cluster\w*|host\w*|server\w*|machine\w*|gpu\w*|cpu\w*|rack\w*|fleet\w*|datacent\w*
    |staging|prod|production|dev|development|test\w*|qa|sandbox\w*|customer\w*|tenant\w*|client\w*|project\w*
    |account\w*|user\w*|partner\w*|vendor\w*|contract\w*|tier\w*|plan|premium|free|paid|enterprise|internal\w*
    |external\w*|weekend\w*|weekday\w*|night\w*|overnight|morning\w*|evening\w*|afternoon\w*|daytime|daily|peak\w*
    |off-peak|holiday\w*|month\w*|quarter|year\w*|season\w*|summer|winter|spring|autumn|fall|monday|tuesday
    |wednesday|thursday|friday|saturday|sunday|business|working|office-hours|hours?|days?|minutes?|weeks?|mins?|hrs?
    |pm|am|noon|midnight|today|tonight|tomorrow|deadline\w*|sla\w*|large|small|big|huge|tiny|long|short|heavy|light
    |critical|important|low|high|batch|interactive|background|foreground|standard|regular|routine|normal|legacy|new|old
    |balanced|sustainable|urgent|non-urgent|priority|priorities|category|categories|class|classes
    # verbs of moving in place and other actions on a job (the deferral reader reads time only)
    |relocat\w*|migrat\w*|mov\w*|shift\w*|re-?rout\w*|rout\w*|sen[dt]|sends|sending|transfer\w*|dispatch\w*
    |plac\w*|elsewhere|location\w*|geograph\w*|spatial\w*|cancel\w*|kill\w*|drop\w*|abort\w*|pre-?empt\w*
    |throttl\w*|suspend\w*|paus\w*|stop\w*|evict\w*|reject\w*|refus\w*|den(?:y|ies|ied)|block\w*|ban|bann\w*
    |forbid\w*|prohibit\w*|restart\w*|retr(?:y|ies|ied)|resum\w*|split\w*|throttle
    # protection and exemption (what is protected against is not what is done), other subjects and objects
    |protect\w*|guarant\w*|exempt\w*|immun\w*|shield\w*|against|spar\w*|safeguard\w*|insulat\w*|entitle\w*
    |promis\w*|right|rights|other|others|jobs?|workloads?|tasks?|work|runs?|pipelines?|anything|everything|something
    |someone|anyone|everyone|whoever|whatever|whichever|what|who|whom|which|why|how
    # alternatives and points in time ("4 hours or more", "delayed or moved": the urgent reader knows "or")
    |or|nor|and/or|either|after|afterwards|before|since|following|upon|post-\w+|pre-\w+|then|later|earlier|start\w*
    # necessity without prohibition ("need not be deferred")
    |need|needs|needed|needn't|necessar\w*|requir\w*|oblig\w*|mandat\w*|forced|compulsor\w*|optional\w*
    # prepositions of scope that the deferral reader knows only inside its phrases ("at night", "at a time",
    # "on weekdays", "with approval"; the urgent reader knows them and checks what follows them)
    |in|on|at|across|inside|outside|throughout|with|via|through|apiece
    # other units and currencies
    |kw|kwh|mw|mwh|watts?|usd|eur|euros?|gbp|dollars?|pounds?|cents?|co2\w*|g|kg|t|tonnes?|emission\w*
    """, re.I | re.X)
"""Unknown words of a meaning-changing class: a condition, wish, plan, past, minimum, amount, addition, a
negation outside the recognised forms, a scope (team, node, region, part of the day or week), another category
or unit. Any other unknown word is neutral (kept as an "UNK" token, which carries no meaning)."""
_SCOPE_PREP = frozenset({"in", "on", "at", "within", "across", "from", "for", "under", "inside", "outside", "by",
                         "with", "throughout", "on behalf of", "of", "to", "into"})
_DETS = frozenset({"the", "a", "an", "any", "all", "every", "each", "their", "its", "our", "your", "this", "these",
                   "that", "those", "both", "either"})
_HARMLESS_BEFORE_SUBJECT = frozenset({"our", "your", "my", "note", "reminder", "fyi", "btw", "ps", "nb", "so", "that",
                                      "ensure", "remember", "please", "kindly"})
_INTENSIFIERS = re.compile(r"""absolutely|strictly|definitely|really|honestly|obviously|clearly|simply|basically
                               |literally|seriously|kindly|explicitly|expressly|categorically|certainly|truly|firmly
                               |unconditionally|emphatically|plainly|formally|officially|hereby|surely""", re.I | re.X)
"""The words in -ly that only stress a rule; any other unknown word in -ly ("automatically", "silently",
"manually", "unnecessarily") may restrict the verb it qualifies and is refused."""


def _unknown(text: str, i: int) -> _Tok | None:
    """The unknown word at ``i`` as a neutral token, or None when it may change the meaning: a word of a
    meaning-changing class, a number, a sign other than quotes and "!", or a capitalised word after the
    first (a name: a cluster, a person, a place, a month)."""
    m = _UNKNOWN.match(text, i)
    if m is None:
        return None
    word = m.group(0)
    if not word[0].isalpha():
        return _Tok("UNK", word) if word in "!*_\"'‘’“”…" else None
    if _CHANGER.fullmatch(word) or (word[0].isupper() and text[:i].strip() != ""):
        return None
    if word.lower().endswith("ly") and not _INTENSIFIERS.fullmatch(word):
        return None
    return _Tok("UNK", word)


def _unknown_well_placed(toks: list[_Tok], subjects: tuple[str, ...], verbs: tuple[str, ...]) -> bool:
    """Whether no neutral word could name a part of the fleet or change the verb: none stands right beside a
    subject ("urgent training jobs", "balanced jobs submitted by ...", "customer urgent jobs"), right after a
    verb of delaying or moving (an object or a manner: "never move files", "never moved anywhere") or right
    after a preposition of scope, past determiners ("in the lab", "for Acme's workloads")."""
    for k, tok in enumerate(toks):
        if tok.kind != "UNK" or not tok.text[0].isalpha():
            continue
        before = toks[k - 1] if k else None
        after = toks[k + 1] if k + 1 < len(toks) else None
        if after is not None and after.kind in subjects and tok.text.lower() not in _HARMLESS_BEFORE_SUBJECT:
            return False
        if before is not None and (before.kind in subjects or before.kind in verbs):
            return False
        j = k - 1
        while j >= 0 and toks[j].text.lower() in _DETS:
            j -= 1
        if j >= 0 and toks[j].text.lower() in _SCOPE_PREP:
            return False
    return True


def _lex(text: str, lexicon: Sequence[_Word]) -> list[_Tok] | None:
    """``text`` as tokens (the longest known word at each place; an unknown word as a neutral "UNK" token),
    None when an unknown word may change the meaning."""
    out: list[_Tok] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return out
        best: tuple[_Word, re.Match[str]] | None = None
        for entry in lexicon:
            for rx in entry.phrasings:
                m = rx.match(text, i)
                if m and m.end() > i and (best is None or m.end() > best[1].end()):
                    best = (entry, m)
        if best is None:
            unknown = _unknown(text, i)
            if unknown is None:
                return None
            out.append(unknown)
            i += len(unknown.text)
            continue
        entry, m = best
        groups = m.groupdict()
        hours = _hours(groups["n"], groups["u"]) if groups.get("n") else 0.0 if entry.kind == "DUR" else None
        if entry.kind == "DUR" and hours is None:
            return None
        cats = (groups["c"].lower(),) if groups.get("c") else ()
        out.append(_Tok(entry.kind, m.group(0), entry.dims, cats, hours))
        i = m.end()


# -- shared words -------------------------------------------------------------------------------
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_HOURS_PER = {"m": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0, "f": 336.0}
_DURATION = rf"""(?P<n>{NUM}|(?:{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})(?=[\s-]))(?:\s*|-)
                 (?P<u>minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|w|fortnight)"""


def _hours(n: str, unit: str) -> float | None:
    """Hours of a duration, None for a negative or unreadable number."""
    word = n.lower()
    try:
        value = float(_NUMBER_WORDS[word]) if word in _NUMBER_WORDS else float(word.replace(",", ""))
    except ValueError:
        return None
    if value < 0 or value != value or value == float("inf"):
        return None
    return value * _HOURS_PER[unit[0].lower()]


_NEG = r"""not|never|no|none|neither|cannot|can't|mustn't|shan't|won't|isn't|aren't|don't|doesn't|do\s+not|does\s+not
           |in\s+no\s+event|at\s+no\s+time|under\s+no\s+circumstances"""
_REQ = r"must(?:\s+only)?|shall(?:\s+only)?|will(?:\s+only)?|(?:is|are)\s+to|(?:has|have|need|needs)\s+to"
_AGENT = r"""we|(?:the\s+)?(?:carbon(?:[- ]aware)?\s+)?(?:scheduler|planner|provider|system|operator|orchestrator
             |optimi[sz]er|engine)"""
_PUNCT = r"""['"]"""
_STOP = r"""for\s+now|at\s+the\s+moment|for\s+the\s+time\s+being|until\s+further\s+notice|as\s+of\s+now|right\s+now
            |for\s+the\s+moment"""
"""Phrases made of known words that make a rule temporary or a description of today: always refused."""
_DISCRETION = r"""at\s+(?:the\s+)?(?:scheduler's|planner's|optimi[sz]er's|provider's|operator's|system's|our|its)\s+
                  (?:sole\s+|own\s+|full\s+)?discretion"""
_LEAD_FILL = r"""now|hereby|herewith|henceforth|from\s+now\s+on|going\s+forward|with\s+immediate\s+effect
                 |effective\s+immediately|regarding|concerning|as\s+(?:for|regards|to)|with\s+(?:respect|regard)\s+to
                 |in\s+respect\s+of|re"""
"""Words that only introduce or date a rule from now on ("Regarding urgent jobs, ...", "is hereby withdrawn")."""


# -- deferral limits ------------------------------------------------------------------------------
_CAT = r"(?P<c>urgent|balanced|sustainable)"
_JOB_NOUN = r"""(?:jobs?|workloads?|work|tasks?|ones|stuff|runs?|pipelines?|items|things|process(?:es)?
                |computations?|evaluations?|renders?|bakes?|builds?|batch(?:es)?|trainings?|training\s+runs?
                |experiments?|simulations?|analyses|analysis|reports?|backups?|exports?|imports?|transfers?
                |queries|query|workflows?|requests?|loads?|compute)"""
_CAT_NOUN = rf"(?:batch\s+)?{_JOB_NOUN}"
_DET = r"(?:(?:an?|all|every|each|any|the|both|either)\s+)?"
_SUBMITTED = r"(?:(?:it|they)\s+(?:was|were|is|are|has\s+been|have\s+been|gets?|got)\s+|being\s+)?submitted"

_D_LEXICON: tuple[_Word, ...] = (
    _w("CAT", rf"""{_DET}{_CAT}(?:[- ](?:category|class|tier|priority))?(?:\s+{_CAT_NOUN})?
                   (?:'s\s+start(?:\s+times?)?)?"""),
    _w("CAT", rf"{_DET}(?:jobs?|workloads?|tasks?|work)\s+(?:in|of)\s+the\s+{_CAT}\s+(?:category|class|tier)"),
    _w("CAT", rf"""{_DET}(?:jobs?|workloads?|tasks?|work)\s+with\s+(?:an?\s+|the\s+)?{_CAT}\s+
                   (?:priority|status|class|category|tier|flag|label|tag)"""),
    _w("CAT", rf"""{_DET}(?:jobs?|workloads?|tasks?|work)\s+(?:classified|classed|marked|flagged|tagged|labell?ed
                   |designated|categori[sz]ed)\s+(?:as\s+)?['"]?{_CAT}['"]?"""),
    _w("DUR", _DURATION),
    _w("DUR", r"0|zero|nil"),
    _w("NEG", _NEG),
    _w("PROHIB", r"""(?:is|are)\s+(?:not\s+(?:allowed|permitted)|prohibited|forbidden|never\s+(?:allowed|permitted))
                     |not\s+(?:allowed|permitted)"""),
    _w("LE", r"""at\s+(?:the\s+)?most|up\s+to|(?:no|not)\s+(?:more|longer|further|later)\s+than|a\s+maximum\s+of
                 |max(?:imum|imal)?(?:\s+of)?|max\.|within|tops|at\s+the\s+(?:latest|outside)|(?:for\s+)?as\s+(?:long|much)\s+as
                 |(?:capped|limited|restricted)\s+(?:at|to)|(?:an?\s+|the\s+)?(?:cap|limit|ceiling|upper\s+(?:limit|bound))
                 (?:\s+(?:of|on|at|for))?|limits|caps|ceilings|window
                 |(?:an?\s+|the\s+)?(?:budget|allowance|tolerance|grace\s+period|flexibility|wiggle\s+room)(?:\s+of)?
                 |(?:(?:shall|must|may|will|can|does|do|is\s+to|are\s+to)\s+)?(?:not|never|in\s+no\s+event|at\s+no\s+time
                  |under\s+no\s+circumstances)\s+(?:to\s+)?(?:exceed|surpass|go\s+beyond)
                 |(?:cannot|can't|mustn't|shan't|won't)\s+(?:exceed|surpass|go\s+beyond)"""),
    _w("LE", r"≤|<=|=<", word=False),
    _w("GT", r"more\s+than|longer\s+than|further\s+than|later\s+than|beyond|in\s+excess\s+of|over|exceed(?:s|ing)?"),
    _w("V", r"""defer(?:s|red|ring|ral|rals|ment)?|delay(?:s|ed|ing)?|postpon(?:e|es|ed|ing|ement|ements)
                |(?:be\s+)?held(?:\s+(?:back|off))?|hold(?:s|ing)?(?:\s+back)?|slid(?:e|es|ing)?|push(?:ed|es)?\s+(?:back|out)
                |wait(?:s|ed|ing)?(?:\s+times?)?|slip(?:s|ped|page)?|time-?shift(?:s|ed|ing)?|sit|chill|idle|linger
                |(?:be\s+)?parked|park|(?:defer|delay|postpon|hold)[e]?able|deferr?able
                |(?:bump(?:s|ed)?|push(?:es|ed)?|kick(?:s|ed)?)\s+(?:back|down\s+the\s+road)|put(?:s)?\s+off
                |set(?:s)?\s+(?:back|aside)
                |(?:put|kept|keep|placed|parked)\s+on\s+hold|on\s+hold|hold(?:s)?\s+off|held\s+off
                |(?:shift(?:s|ed)?|mov(?:e|es|ed))\s+in\s+time|queued?|queu(?:e|)ing|slack|leeway"""),
    _w("VAMB", r"shift(?:s|ed|ing)?|mov(?:e|es|ed|ing)|reschedul(?:e|es|ed|ing)"),
    _w("START", r"start(?:s|ed|ing)?|begin(?:s|ning)?|begun|commence(?:s|d)?"),
    _w("RUN", r"runs?|(?:be\s+)?(?:run|executed|dispatched)|execute"),
    _w("PERM", r"""may(?:\s+only)?|can(?:\s+only)?|(?:is|are)\s+(?:only\s+)?(?:allowed|permitted)(?:\s+to)?
                   |(?:is|are)\s+free\s+to|(?:is|are)\s+given"""),
    _w("REQ", _REQ),
    _w("BE", r"be|is|are|been|being|get|gets|have|has"),
    _w("TAIL", rf"""(?:after|from|of|following|since)\s+(?:(?:their|its|the)\s+)?(?:submission|submit(?:\s+time)?
                    |arrival|time\s+of\s+submission|{_SUBMITTED})
                  |(?:beyond|past|after)\s+(?:their|its|the)\s+(?:submission|submit|requested\s+start)\s+time
                  |(?:for|to\s+(?:wait\s+for|catch|find|get|use|reach|await))\s+(?:an?\s+|the\s+)?
                   (?:cleaner|greener|low(?:er)?[- ]carbon|cheaper|better)\s+
                   (?:power|energy|electricity|slots?|windows?|hours?|periods?|grid(?:\s+power)?|times?)
                  |before\s+(?:(?:it|they)\s+(?:must|has\s+to|have\s+to|needs?\s+to)\s+(?:be\s+)?(?:run|start|started)
                   |being\s+started|starting|(?:it|they)\s+(?:starts?|runs?))"""),
    _w("ZERO", r"""(?:zero|no|nil|0)\s+(?:deferral|delay|wait(?:ing)?(?:\s+time)?|postponement|slack)s?
                   |without\s+(?:any\s+)?(?:deferral|delay|wait(?:ing)?|postponement
                    |being\s+(?:deferred|delayed|postponed|held(?:\s+back)?))s?
                   |(?:exempt|exempted|immune)\s+from\s+(?:any\s+|all\s+)?(?:deferral|delay|postponement)s?"""),
    _w("IMMED", r"immediately|right\s+away|at\s+once|straight\s+away"),
    _w("AGENT", _AGENT),
    _w("FILL", rf"""the|a|an|by|for|of|to|each|alike|both|all|every|any|their|its|it|they|them|ever|at\s+all|either
                   |(?:an?|the|any|each)\s+customer's|the\s+start\s+of|start\s+times?|in\s+total|whatsoever
                   |in\s+(?:the|a|their|its)\s+queue|back|late|later|{_LEAD_FILL}|{_DISCRETION}"""),
    _w("FILL", r"[:=()\-–]|->|=>|→", word=False),
    _w("FILL", r"(?:for\s+)?(?:a|the)\s+(?:(?:maximum|total)\s+)?(?:period|duration|span|stretch)(?:\s+of)?"),
    _w("FILL", _PUNCT, word=False),
    _w("HEAD", r"""(?:per|by|for\s+each)\s+(?:job\s+)?(?:category|class|tier)|permissible|allowable|allowed|permitted
                   |time|as\s+follows"""),
    _w("SEP", r"[;,|]", word=False),
    _w("SEP", r"whereas"),
    _w("STOP", _STOP),
    _w("AND", r"and|&"),
)

_DELAY_VERBS = ("V", "VAMB", "START")


@dataclass
class _Context:
    """What earlier clauses of the sentence give the later ones: the verb and whether a limit was set."""

    verb: str | None = None  # "V" (delay), "START" or "VAMB" (moved/shifted)
    limit: bool = False


def _d_clauses(toks: list[_Tok]) -> list[tuple[str, list[_Tok]]]:
    """Clauses and the separator before each; "and" between two categories joins them; a colon after a
    header ("Maximum delay: ...") ends the header."""
    out: list[tuple[str, list[_Tok]]] = [("", [])]
    for k, tok in enumerate(toks):
        joins = tok.kind == "AND" and 0 < k < len(toks) - 1 and toks[k - 1].kind == "CAT" and \
            toks[k + 1].kind == "CAT"
        header = tok.text == ":" and out[-1][1] and not _has(out[-1][1], "CAT", "DUR", "ZERO", "IMMED")
        if tok.kind == "SEP" or (tok.kind == "AND" and not joins) or header:
            out.append((tok.text, []))
        else:
            out[-1][1].append(_Tok("JOIN", tok.text) if tok.kind == "AND" else tok)
    return [(sep, cl) for sep, cl in out if cl]


def _has(clause: list[_Tok], *kinds: str) -> bool:
    return any(t.kind in kinds for t in clause)


_PARTICIPLE = re.compile(r"(?:\w+ed|held|kept|pushed)\b", re.I)


def _past(toks: list[_Tok], subjects: tuple[str, ...], verbs: tuple[str, ...]) -> bool:
    """Whether a subject is followed by a participle without an auxiliary ("Balanced jobs waited up to
    6 hours", "Urgent jobs never moved"): the past, or a caption; only "not"/"never" and adverbs may
    stand between them."""
    for k, tok in enumerate(toks):
        if tok.kind not in subjects:
            continue
        nxt = next((t for t in toks[k + 1:] if not (t.kind == "NEG" or (t.kind == "FILL" and t.text.isalpha()))),
                   None)
        if nxt is not None and nxt.kind in verbs and _PARTICIPLE.match(nxt.text):
            return True
    return False


def _merged(clauses: list[tuple[str, list[_Tok]]]) -> list[list[_Tok]]:
    """Table cells "urgent | 0 h" joined into one clause; a later clause with neither a category nor a
    value (", tops"; ", for a greener slot") joined to the one before."""
    out: list[list[_Tok]] = []
    pending_cell: list[_Tok] | None = None
    for k, (_sep, clause) in enumerate(clauses):
        has_value = _has(clause, "DUR", "ZERO", "IMMED")
        if pending_cell is not None:
            if _has(clause, "CAT") or not has_value:
                raise _RefusedError
            out.append(pending_cell + clause)
            pending_cell = None
            continue
        nxt = clauses[k + 1] if k + 1 < len(clauses) else None
        if nxt and nxt[0] in ("|", ",") and _has(clause, "CAT") and not has_value and \
                all(t.kind in ("CAT", "FILL") for t in clause):
            pending_cell = clause
            continue
        if out and not _has(clause, "CAT") and not has_value:
            out[-1] = out[-1] + clause
            continue
        out.append(clause)
    if pending_cell is not None:
        raise _RefusedError
    return out


def _joined(clause: list[_Tok]) -> bool:
    """Whether the categories of a clause are one subject: "balanced and sustainable jobs", not "balanced
    jobs ... sustainable jobs"."""
    where = [k for k, t in enumerate(clause) if t.kind == "CAT"]
    return all(b - a == 2 and clause[a + 1].kind == "JOIN" for a, b in pairwise(where))


def _header(clause: list[_Tok], ctx: _Context) -> None:
    """A leading clause without a category or value: "Maximum permissible delay", "Deferral limits"."""
    if not all(t.kind in ("V", "LE", "HEAD", "FILL", "BE") for t in clause) or not _has(clause, "V", "LE"):
        raise _RefusedError
    ctx.verb = "V" if _has(clause, "V") else ctx.verb
    ctx.limit = _has(clause, "LE")


def _index(clause: list[_Tok], kind: str) -> int:
    return next(k for k, t in enumerate(clause) if t.kind == kind)


def _limit(clause: list[_Tok], ctx: _Context) -> float:
    """The maximum deferral one clause gives its categories (hours); raises _RefusedError."""
    count = {kind: sum(t.kind == kind for t in clause)
             for kind in ("DUR", "NEG", "PROHIB", "LE", "GT", "PERM", "REQ", "ZERO", "IMMED", "RUN")}
    negs = count["NEG"] + count["PROHIB"]
    own_verb = next((t.kind for t in clause if t.kind in _DELAY_VERBS), None)
    if count["DUR"] > 1 or negs > 1:
        raise _RefusedError
    if count["DUR"]:
        (dur,) = [t for t in clause if t.kind == "DUR"]
        verb = own_verb or ctx.verb
        if count["ZERO"] or count["IMMED"] or count["RUN"] or verb is None:
            raise _RefusedError  # "run" beside a duration may be a run time
        if count["GT"]:  # "No balanced job shall wait longer than", "Deferring ... by more than 2 h is not allowed"
            ok = negs == 1 and not count["LE"] and (count["PROHIB"] or _index(clause, "NEG") < _index(clause, "GT"))
            ctx.limit = False
        elif count["LE"] or (count["PERM"] and own_verb in ("V", "VAMB")):  # "may wait 4 hours"
            ok = not negs
            ctx.limit = ok
        else:  # an elliptical item: "sustainable jobs 2 days", "3 hours for balanced jobs"
            ok = ctx.limit and not (negs or count["PERM"] or count["REQ"] or own_verb)
        if not ok or (verb == "START" and not count["LE"]):
            raise _RefusedError
        ctx.verb = verb
        assert dur.hours is not None
        return dur.hours
    if count["LE"] or count["GT"] or (count["PERM"] and not negs):
        raise _RefusedError
    ctx.limit = False
    if count["ZERO"] or count["IMMED"]:  # "without any deferral", "zero deferral", "start immediately"
        if negs or (count["IMMED"] and own_verb != "START" and not count["RUN"]):
            raise _RefusedError
        ctx.verb = own_verb or ("V" if count["ZERO"] else ctx.verb)
        return 0.0
    if negs == 1 and (own_verb or ctx.verb) == "V":  # "shall not be deferred", "not at all"
        ctx.verb = "V"
        return 0.0
    raise _RefusedError


def _deferrals(text: str) -> Interpretation | None:
    """Deferral limits per category (see the module docstring), else None."""
    toks = _lex(text, _D_LEXICON)
    if not toks or not _unknown_well_placed(toks, ("CAT",), ("V", "VAMB")):
        return None
    if not _has(toks, "CAT") or _has(toks, "STOP") or toks[0].kind in ("PERM", "REQ", "BE"):
        return None  # "Can balanced jobs wait 4 hours": a question
    if _past(toks, ("CAT", "AGENT"), (*_DELAY_VERBS, "RUN")):
        return None
    try:
        clauses = _merged(_d_clauses(toks))
        ctx = _Context()
        items: dict[str, float] = {}
        for k, clause in enumerate(clauses):
            cats = [c for t in clause if t.kind == "CAT" for c in t.cats]
            if not cats:
                if k or _has(clause, "DUR", "ZERO", "IMMED"):
                    raise _RefusedError
                _header(clause, ctx)
                continue
            if len(set(cats)) != len(cats) or any(c in items for c in cats) or not _joined(clause):
                raise _RefusedError
            value = _limit(clause, ctx)
            items.update(dict.fromkeys(cats, value))
    except _RefusedError:
        return None
    if not items:
        return None
    return Interpretation(tuple(PolicyItem("max_deferral_h_by_category", v, c) for c, v in items.items()),
                          ("read by its parts: category, limit and duration",))


# -- urgent jobs ------------------------------------------------------------------------------------
_U_DET = r"(?:(?:an?|all|any|every|each|the)\s+)?"
_U_NOUN = r"(?:jobs?|workloads?|work|tasks?|stuff|things|runs?|pipelines?|items|requests)"
_U_MARK = r"""(?:classified|classed|marked|flagged|tagged|labell?ed|designated|categori[sz]ed|declared|deemed)"""
_U_VALUE = r"""(?:(?:priority|urgency|category|class)\s*[=:]\s*)?['"]?urgent['"]?"""
_U_WHO = r"(?:\s+by\s+(?:the|a|their)\s+(?:customer|client|submitter|user|requester|owner)s?)?"
_WHERE_SUBMITTED = r"""(?:(?:they|it)\s+(?:was|were|is|are|have\s+been|has\s+been)\s+|they're\s+|it's\s+)?
                       (?:submitted|requested|sent\s+in)(?:\s+(?:to|in|for))?"""
_OWN = r"(?:their|its)\s+(?:own\s+)?(?:submitted|original|home|requested|initial)"
_OWN_OR_PLAIN = r"(?:their|its)\s+(?:own\s+)?(?:(?:submitted|original|home|requested|initial)\s+)?"
_AS_ASKED = r"""(?:submitted|original|originally\s+(?:requested|submitted)|requested|initial|specified|chosen|assigned
                |stated|declared|given|intended)"""
_AS_ASKED_AFTER = r"""(?:requested|submitted|specified|chosen|asked\s+for|stated|declared|given|assigned
                      |of\s+(?:submission|origin)
                      |at\s+submission|(?:they|it)\s+(?:was|were|are|is)\s+(?:submitted|requested)(?:\s+(?:in|at|for))?)"""
_PLACE_N = r"(?:region|location|zone|data\s*cent(?:er|re)|site)"
_TIME_N = r"(?:(?:start\s+)?time|start|schedule|time\s+slot|slot)"

_U_LEXICON: tuple[_Word, ...] = (
    _w("URG", rf"{_U_DET}urgent(?:[- ](?:class|category|tier|priority))?(?:(?:\s+|-){_U_NOUN})?"),
    _w("URG", r"""(?:the\s+)?(?:(?:job|priority|urgency)\s+)?(?:class|category|tier|priority|label|level)\s+
                   ['"]?urgent['"]?"""),
    _w("URG", rf"""{_U_DET}{_U_NOUN}\s+with\s+(?:an?\s+|the\s+)?urgent\s+
                   (?:priority|status|class|category|tier|flag|label|tag)"""),
    _w("URG", rf"""{_U_DET}(?:{_U_NOUN}|anything|everything)\s+(?:that\s+(?:is|are)\s+)?{_U_MARK}\s+(?:as\s+)?
                   {_U_VALUE}{_U_WHO}"""),
    _w("URG", rf"""{_U_DET}{_U_NOUN}\s+(?:whose\s+|with\s+(?:an?\s+|the\s+)?)(?:urgency|priority|category|class)\s+
                   (?:is\s+)?(?:set\s+to\s+|of\s+|=\s*)?['"]?urgent['"]?"""),
    _w("URG", rf"{_U_DET}{_U_NOUN}\s+(?:in|of|from)\s+the\s+urgent\s+(?:category|class|tier)"),
    _w("URG", r"""(?:priority|urgency|category|class)\s*[=:]\s*['"]?urgent['"]?"""),
    _w("PRON", r"""they|them|it|they're|it's|these(?:\s+(?:jobs|workloads|tasks))?|those(?:\s+(?:jobs|workloads|tasks))?
                   |such\s+(?:jobs|workloads|tasks)"""),
    _w("NEG", rf"""{_NEG}|without|(?:is|are)\s+(?:not\s+(?:allowed|permitted|possible)|prohibited|forbidden)
                   |not\s+(?:allowed|permitted)(?:\s+to)?|prohibited|forbidden"""),
    _w("NOR", r"nor"),
    _w("NOLONGER", r"no\s+longer"),
    _w("REVOKE", r"""withdrawn|revoked|rescinded|repealed|lifted|removed|abolished|dropped|retired|cancell?ed|lose|loses
                     |no\s+longer\s+(?:applies|apply|holds|hold|in\s+(?:force|effect))"""),
    _w("ANYMORE", r"anymore|any\s+more|any\s+longer"),
    _w("PERM", r"""may|can|(?:is|are)\s+(?:free|allowed|permitted|entitled)\s+to|(?:is|are)\s+(?:subject|eligible)\s+
                   (?:to|for)|subject\s+to|eligible\s+for|(?:has|have)\s+(?:full\s+)?(?:freedom|licen[cs]e|discretion)\s+to
                   |fair\s+game(?:\s+for)?|open\s+to|(?:available|candidates?)\s+for"""),
    _w("REQ", _REQ),
    _w("BE", r"be|is|are|been|being|get|gets|got|remain|remains|stay|stays"),
    _w("MG", r"""mov(?:e|es|ed|ing)|shift(?:s|ed|ing)?|touch(?:es|ed|ing)?|displac(?:e|es|ed|ing)|chang(?:e|es|ed|ing)
                 |(?:carbon[- ]aware\s+|carbon\s+)?(?:optimi[sz]ation|scheduling|load[- ]shifting|shifting|moves?
                  |placement)"""),
    _w("MT", r"""defer(?:s|red|ring|ral|rals|ment)?|delay(?:s|ed|ing)?|postpon(?:e|es|ed|ing|ement)|held\s+back
                 |hold(?:s|ing)?\s+back|reschedul(?:e|es|ed|ing)|time-?shift(?:s|ed|ing)?|wait(?:s|ing)?
                 |(?:temporal|time)[- ]?(?:shift(?:s|ed|ing)?|moves?)|temporal(?:ly)?|time|later\s+start
                 |schedule|timing|start\s+time""",
       frozenset({_T})),
    _w("MS", r"""relocat(?:e|es|ed|ing|ion|ions)|migrat(?:e|es|ed|ing|ion|ions)
                 |(?:region(?:al)?|geographic(?:al)?|spatial|location|cross-region|inter-region)[- ]?
                  (?:shift(?:s|ed|ing)?|moves?|changes?)|geographic(?:al)?|spatial(?:ly)?|region(?:al)?
                 |(?:execution|target|run)\s+(?:region|location|zone)|(?:region|location|zone)\s+of\s+execution
                 |(?:sen[dt]|sends|sending|(?:re)?rout(?:e|es|ed|ing)|transferr?(?:ed|ing|s)?|dispatch(?:ed|es|ing)?
                  |relocat(?:e|es|ed|ing)|mov(?:e|es|ed|ing)|shift(?:s|ed|ing)?)\s+(?:(?:to|into)\s+)?
                  (?:another|a\s+different|any\s+other|other|(?:a\s+)?(?:cleaner|greener|lower[- ]carbon))\s+
                  (?:regions?|locations?|zones?|data\s*cent(?:er|re)s?|sites?)""",
       frozenset({_S})),
    _w("POST", r"""in\s+time|(?:to\s+)?(?:another|a\s+different|a\s+later|later|other|an?\s+(?:cleaner|greener)
                   |cleaner|greener)\s+(?:start(?:\s+times?)?|times?(?:\s+slots?)?|slots?|hours?|windows?)
                   |time\s+slots?|start\s+times?""", frozenset({_T})),
    _w("POST", r"""(?:to\s+)?(?:another|a\s+different|any\s+other|other|(?:a\s+)?(?:cleaner|greener|lower[- ]carbon))\s+
                   (?:regions?|locations?|zones?|data\s*cent(?:er|re)s?|sites?)
                   |(?:between|across)\s+regions|elsewhere|in\s+(?:space|location)
                   |out\s+of\s+(?:their|its)\s+(?:submitted\s+|original\s+|home\s+)?regions?""", frozenset({_S})),
    _w("POST", r"""in\s+(?:both\s+|either\s+)?(?:time\s+(?:and|or|nor)\s+(?:in\s+)?(?:space|location|region|place)
                   |(?:space|location|region|place)\s+(?:and|or|nor)\s+(?:in\s+)?time)""", _BOTH),
    _w("STAY", rf"""same\s+(?:region|location|zone|place)|(?:in\s+|to\s+)?{_OWN_OR_PLAIN}(?:region|location|zone)
                    |(?:in\s+)?the\s+region\s+(?:where|in\s+which)\s+{_WHERE_SUBMITTED}|where\s+{_WHERE_SUBMITTED}""",
       frozenset({_S})),
    _w("STAY", rf"""same\s+(?:start(?:\s+time)?|time)|(?:at\s+)?{_OWN}\s+(?:start\s+)?time
                    |(?:at\s+)?{_OWN_OR_PLAIN}start\s+time|when\s+{_WHERE_SUBMITTED}
                    |immediately|right\s+away|at\s+once|(?:on|upon)\s+(?:submission|arrival|receipt)|on\s+time""",
       frozenset({_T})),
    _w("STAY", rf"""(?:where\s+and\s+when|when\s+and\s+where)\s+{_WHERE_SUBMITTED}|(?:exactly\s+)?as\s+submitted
                    |(?:exactly\s+)?as[- ]is
                    |(?:in\s+|at\s+|to\s+)?{_OWN}\s+(?:region\s+and\s+(?:start\s+)?time|(?:start\s+)?time\s+and\s+region)
                    |same\s+region\s+and\s+(?:start\s+)?time|same\s+(?:start\s+)?time\s+and\s+region""", _BOTH),
    _w("STAY", rf"""(?:in\s+|to\s+)?the\s+(?:{_AS_ASKED}\s+{_PLACE_N}|{_PLACE_N}\s+{_AS_ASKED_AFTER})""",
       frozenset({_S})),
    _w("STAY", rf"""(?:at\s+|on\s+)?the\s+(?:{_AS_ASKED}\s+{_TIME_N}|{_TIME_N}\s+{_AS_ASKED_AFTER})""",
       frozenset({_T})),
    _w("STAY", rf"""(?:in\s+|at\s+)?the\s+(?:{_PLACE_N}\s+and\s+(?:at\s+|on\s+)?the\s+{_TIME_N}
                    |{_TIME_N}\s+and\s+(?:in\s+|at\s+)?the\s+{_PLACE_N})\s+{_AS_ASKED_AFTER}""", _BOTH),
    _w("STATEG", r"""(?:stay|stays|remain|remains)\s+(?:put|in\s+place|where\s+(?:they|it)\s+(?:are|is))
                     |sacrosanct|untouchable|unmovable|non-?movable|immovable|static|stationary|anchored
                     |nailed\s+down|set\s+in\s+stone
                     |pinned|locked(?:\s+in(?:\s+place)?)?|fixed(?:\s+in\s+place)?|frozen|untouched|unmoved|hands[- ]off
                     |alone|off[- ]limits|immovable|(?:never|no)[- ]move\s+(?:guarantee|rule|promise|protection)""",
       _BOTH),
    _w("STATEX", r"""bypass(?:es)?|skip(?:s)?|circumvent(?:s)?|sidestep(?:s)?
                     |exempt(?:ed)?|immune|protected|shielded|exemptions?|protections?|guarantee|guaranteed|excluded
                     |out\s+of\s+scope"""),
    _w("TREAT", r"treated|handled"),
    _w("ABLE", r"mov(?:e)?able|shiftable|re-?schedulable", _BOTH),
    _w("ABLE", r"deferr?able|delayable|postponable|time-?shiftable", frozenset({_T})),
    _w("ABLE", r"relocatable|migratable|region-?shiftable", frozenset({_S})),
    _w("EXEC", r"""run(?:s)?|start(?:s|ed)?|begin(?:s)?|execut(?:e|es|ed)|keep(?:s)?|kept|placed|scheduled
                   |dispatched|launch(?:ed)?"""),
    _w("LIKE", r"""(?:just\s+)?(?:like|as\s+with|the\s+same\s+as|same\s+as|(?:in\s+)?the\s+same\s+way\s+as
                   |(?:exactly\s+)?as\s+for)\s+(?:any|all|every)\s+other
                   (?:\s+(?:jobs?|workloads?|category|categories|class(?:es)?|tasks?|work))?"""),
    _w("LIKE", r"""(?:just\s+)?(?:like|as\s+with|(?:the\s+)?same\s+as|(?:in\s+)?the\s+same\s+way\s+as)\s+
                   (?:everything|anything|everyone|all\s+the\s+rest|the\s+rest)(?:\s+else)?"""),
    _w("LIKE", r"""at\s+(?:the\s+)?(?:scheduler's|planner's|optimi[sz]er's|provider's|operator's|system's|our|its)\s+
                   (?:sole\s+|own\s+|full\s+)?discretion|freely|as\s+(?:needed|required|necessary|appropriate)"""),
    _w("LIKE", r"""(?:if|when|whenever|where(?:ver)?)\s+(?:that|this|it|doing\s+so)\s+(?:reduces|lowers|cuts|saves
                   |would\s+reduce)\s+(?:emissions|carbon(?:\s+emissions)?|the\s+carbon\s+footprint|co2)
                   |to\s+(?:reduce|cut|lower)\s+(?:emissions|carbon(?:\s+emissions)?)"""),
    _w("AGENT", _AGENT),
    _w("FILL", rf"""the|a|an|any|all|every|each|both|either|of|for|to|from|against|by|in|at|with|on|their|its
                   |too|as\s+well|also|{_LEAD_FILL}|just|simply|ever|always|at\s+all|at\s+any\s+(?:time|point|moment)
                   |under\s+any\s+circumstances|for\s+any\s+reason|whatsoever|for\s+the\s+avoidance\s+of\s+doubt
                   |in\s+all\s+cases|carbon[- ]aware|leave|leaves|around
                   |of\s+any\s+(?:kind|sort|type)|in\s+any\s+(?:form|way)
                   |enjoy|enjoys|receive|receives
                   |entirely|completely|fully|altogether|totally
                   |(?:have|has)(?=\s+no\s+(?:exemption|protection|guarantee))|appl(?:y|ies|ied)(?:\s+to)?
                   |there\s+(?:is|are)"""),
    _w("FILL", _PUNCT, word=False),
    _w("CONJ", r"and|or|and/or|&|/"),
    _w("COMMA", r",", word=False),
    _w("STOP", _STOP),
    _w("SEP", r"[;:()|=]|-(?=\s|$)", word=False),
)
_MOVES = ("MG", "MT", "MS", "ABLE")
_KEEPS_CLAUSE = (*_MOVES, "POST", "CONJ", "NOR")


def _u_clauses(toks: list[_Tok]) -> list[list[_Tok]]:
    """Clauses: cut at a separator, and at a comma or conjunction not followed by another move."""
    out: list[list[_Tok]] = [[]]
    for k, tok in enumerate(toks):
        nxt = next((t.kind for t in toks[k + 1:] if t.kind != "FILL"), "SEP")
        if tok.kind == "COMMA":  # "never moved, delayed or relocated" is a list; "never moved, just rescheduled" not
            nxt = toks[k + 1].kind if k + 1 < len(toks) else "SEP"
        if tok.kind == "SEP" or (tok.kind in ("COMMA", "CONJ") and nxt not in _KEEPS_CLAUSE):
            out.append([])
        elif tok.kind != "COMMA":
            out[-1].append(tok)
    return [c for c in out if c]


_ASPECT = re.compile(r"""temporal(?:ly)?|time|timing|schedule|start\s+time|geographic(?:al)?|spatial(?:ly)?|regional
                        |region|location|(?:execution|target|run)\s+(?:region|location|zone)
                        |(?:region|location|zone)\s+of\s+execution""", _RX)


def _aspect(tok: _Tok) -> bool:
    """Whether ``tok`` names what is moved (time or place: "temporal", "region", "schedule"), not a verb."""
    return tok.kind in ("MS", "MT") and _ASPECT.fullmatch(tok.text) is not None


def _move_dims(clause: list[_Tok], k: int) -> frozenset[str]:
    """What the move at ``k`` covers: its own word, or for a general one ("moved", "change", "optimisation")
    the aspects before it ("geographic or temporal optimisation") and what follows it ("moved in time", "move
    urgent jobs to another region", "change of region or schedule"), else both time and place."""
    tok = clause[k]
    if tok.kind != "MG":
        # "moved to another region or a later slot": a place move, then the time named after "or"
        said = set(tok.dims)
        j = k + 1
        while j + 1 < len(clause) and clause[j].kind == "CONJ" and (clause[j + 1].kind == "POST"
                                                                     or _aspect(clause[j + 1])):
            said |= clause[j + 1].dims
            j += 2
        return frozenset(said)
    said = set()
    j = k - 1
    while j >= 0 and (clause[j].kind == "CONJ" or _aspect(clause[j])):
        said |= clause[j].dims
        j -= 1
    for nxt in clause[k + 1:]:
        if nxt.kind == "POST" or _aspect(nxt):
            said |= nxt.dims
        elif nxt.kind not in ("URG", "PRON", "FILL", "CONJ"):
            break
    return frozenset(said) or _BOTH


def _u_clause(clause: list[_Tok]) -> tuple[str, frozenset[str]] | None:
    """("fixed", what it covers), ("movable", ...) or None for a neutral clause; raises _RefusedError."""
    kinds = [t.kind for t in clause]
    flips = kinds.count("NEG") + kinds.count("NOLONGER") + kinds.count("REVOKE")
    perm, like = "PERM" in kinds or "ABLE" in kinds, "LIKE" in kinds
    moves = frozenset().union(*(_move_dims(clause, k) for k, kind in enumerate(kinds) if kind in _MOVES))
    stays = frozenset().union(*(t.dims for t in clause if t.kind == "STAY"))
    if flips > 1 or ("ANYMORE" in kinds and not (flips and ("STATEG" in kinds or "STATEX" in kinds))):
        raise _RefusedError
    if "STATEG" in kinds or "STATEX" in kinds:
        if perm or ("EXEC" in kinds and not stays):
            raise _RefusedError
        if flips:
            return "movable", _NONE
        if "STATEX" in kinds:
            return "fixed", moves | stays
        return "fixed", stays or _BOTH
    if "NOLONGER" in kinds or "REVOKE" in kinds:
        raise _RefusedError
    if moves:
        if flips:
            return "fixed", moves | stays
        if perm or like:
            return "movable", _NONE
        raise _RefusedError
    if stays:
        if flips or perm:
            raise _RefusedError
        return "fixed", stays
    if like and not flips and all(k in ("LIKE", "TREAT", "URG", "PRON", "FILL", "BE") for k in kinds):
        return "movable", _NONE  # "Urgent jobs are treated like any other job", "..., same as everything else"
    if any(k not in ("URG", "PRON", "FILL", "AGENT", "UNK") for k in kinds):
        raise _RefusedError
    return None


def _urgent(text: str) -> Interpretation | None:
    """Whether urgent jobs are never moved (see the module docstring), else None."""
    toks = _lex(text, _U_LEXICON)
    if not toks or not _unknown_well_placed(toks, ("URG", "PRON"), _MOVES):
        return None
    if not _has(toks, "URG") or _has(toks, "STOP") or toks[0].kind in ("PERM", "REQ", "BE"):
        return None  # "Can urgent jobs be moved": a question
    if any(a.kind == "NEG" and re.match(r"(?:all|every)\b", b.text, re.I) for a, b in pairwise(toks)):
        return None  # "Not all urgent jobs are pinned": a quantifier, not a rule
    if _past(toks, ("URG", "PRON", "AGENT"), (*_MOVES, "EXEC")):
        return None
    first_subject = next(k for k, t in enumerate(toks) if t.kind in ("URG", "PRON"))
    if toks[first_subject].kind == "PRON":
        return None  # "they" before "urgent jobs": a pronoun for something else
    try:
        readings = [r for c in _u_clauses(toks) if (r := _u_clause(c)) is not None]
        fixed_only = [c for c in _u_clauses(toks) if _has(c, "LIKE")]
    except _RefusedError:
        return None
    said = {polarity for polarity, _ in readings}
    if len(said) != 1:
        return None
    if said == {"movable"}:
        return one("urgent_never_moved", False, None, "read by its parts: urgent jobs may be moved")
    covered = frozenset().union(*(dims for _, dims in readings))
    if fixed_only or covered != _BOTH:
        return None  # "like any other", "at the scheduler's discretion" in a fixed rule; time or place only
    return one("urgent_never_moved", True, None, "read by its parts: urgent jobs are never moved")


# -- entry point ----------------------------------------------------------------------------------------
_EXAMPLE_MARK = r"(?:such\s+as|for\s+example|for\s+instance|e\.\s?g\.,?|including|like|say)"
_EXAMPLES = re.compile(rf"""\s*,\s*{_EXAMPLE_MARK}\s+(?P<a>[^,;:()]{{1,80}}),(?=\s)
                           |\s*\((?P<b>[^()]{{1,80}})\)""", _RX)
_CHANGES_MEANING = re.compile(r"""\d|\b(?:not|never|no|none|nor|unless|except|excluding|if|when|whenever|only|all|every
                                 |teams?|regions?|during|until|after|before|should|may|must|can|could|might|shall|will
                                 |urgent|balanced|sustainable|minutes?|hours?|days?|weeks?|at\s+least|at\s+most|up\s+to)\b""",
                              _RX)


def _without_examples(text: str) -> str:
    """``text`` without asides that only give examples ("Urgent jobs, such as those for a grant deadline,
    ..."; "Sustainable jobs (nightly bakes, for example) ..."): an aside is dropped only when it says it
    is an example and holds no number, negation, condition, modal, category, unit or scope word."""
    def drop(m: re.Match[str]) -> str:
        aside = m["a"] or m["b"]
        example = m["a"] is not None or re.search(rf"\b{_EXAMPLE_MARK}(?!\w)|\betc\b", aside, re.I)
        return " " if example and not _CHANGES_MEANING.search(aside) else m.group(0)

    return re.sub(r"\s{2,}", " ", _EXAMPLES.sub(drop, text)).strip()


_SCOPE_AND_DOUBT = r"""\d|\b(?:not|never|no|none|nor|unless|except|excluding|but|however|although|though|if|when
    |whenever|wherever|only|all|every|each|teams?|groups?|departments?|depts?|regions?|zones?|nodes?|clusters?|sites?|during
    |until|till|before|between|within|across|outside|inside|in|on|at|per|by|should|may|might|must|can|could|shall
    |will|would|need|needs|ought|ideally|prefer\w*|possible|feasible|practical|aim|try|tries|attempt\w*|propos\w*
    |consider\w*|plan\w*|discuss\w*|draft|tbd|tbc|pending|approv\w*|exceptions?|waivers?|overrides?|was|were|used
    |currently|typically|usually|mostly|generally|normally|often|sometimes|rarely|previously|formerly|last|ago|urgent
    |balanced|sustainable|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|fortnights?|least|most|minimum|maximum|max
    |min|weekends?|weekdays?|nights?|overnight|mornings?|evenings?|daytime|peak|holidays?|also|too|well|even|else
    |other|others|more|less|longer|shorter|theory|principle|practice|paper|rule|guidelines?|roughly|approximately
    |about|around|ish|hopefully|think|believe|probably|likely|perhaps|maybe|default|first|initially|future
    |eventually|soon|next|temporar\w*|pilot|trial|test\w*|staging|production|prod|dev|customers?|internal|external
    |large|small|big|critical|depend\w*|cases?|exempt\w*|allowed|permitted|moved?|shift\w*|delay\w*
    |defer\w*|relocat\w*)\b"""
_REMARK_CHANGES_MEANING = re.compile(_SCOPE_AND_DOUBT, _RX)
_PURPOSE = r"""(?:(?:in\s+order\s+|so\s+as\s+)?to\s+(?:wait|catch|find|use|await|benefit|take\s+advantage|chase|follow
                |ride|match|align|get|reach|hit|soak\s+up|absorb|make\s+(?:use|the\s+most)|line\s+up|coincide)
               |(?:(?:while|whilst)\s+)?(?:waiting|looking|searching|hunting|holding\s+out)\s+for|hoping\s+(?:for|to)
               |in\s+(?:search|hope|the\s+hope)\s+of|so\s+(?:that\s+)?(?:we|they|it|the\s+scheduler)\s+can)"""
_AFTERWARDS = r"""(?:after\s+(?:that|which)|afterwards|thereafter|beyond\s+that|past\s+that|then|at\s+which\s+point
                  |whatever|whichever|regardless|no\s+matter|irrespective|fyi|btw|thanks|thank\s+you|cheers|please
                  |as\s+(?:agreed|discussed|requested|announced))"""
_EMPHASIS = r"""(?:(?:and\s+)?no\s+(?:more|longer|later)(?:\s+than\s+that)?|without\s+exception|no\s+exceptions
                |period|full\s+stop|end\s+of\s+story
                |no\s+ifs,?\s+(?:and|or)\s+buts|no\s+questions\s+asked|always)"""
_OLD_VALUE = rf"""(?:(?:bumped|raised|increased|up|down|lowered|reduced|changed|cut|extended|shortened|relaxed|tightened
                  |moved)\s+from|previously|formerly|was|(?:it\s+)?used\s+to\s+be)\s+(?:the\s+)?(?:old\s+|previous\s+)?
                  {NUM}\s*(?:minutes?|mins?|hours?|hrs?|h|days?|d)?"""
_REMARK = re.compile(rf"""(?:\s*(?:,|\s-|\s–|\s—)\s*(?:(?P<after>{_AFTERWARDS}|{_PURPOSE})(?P<rest>[^,;:()]*)
                                              |(?:{_EMPHASIS}|{_OLD_VALUE})\s*)
                          |\s+(?P<purpose>{_PURPOSE})(?P<prest>[^,;:()]*))[.!]?\s*$""", _RX)


def _without_remarks(text: str) -> str:
    """``text`` without trailing remarks that cannot carry a constraint: a purpose ("to wait for surplus wind
    power", "while waiting for a low-carbon window"), what happens afterwards (", after that they just run"),
    an aside of indifference or courtesy (", whatever the grid is doing", ", fyi"), emphasis (", without
    exception") and the value a limit replaces (", bumped from 4"). A remark is dropped only when the rest of
    it holds no number, negation, condition, modal, scope, doubt, category, unit or verb of moving and no
    capitalised word (a name or a place)."""
    for _ in range(3):
        m = _REMARK.search(text)
        if not m:
            return text
        rest = m["rest"] if m["after"] is not None else m["prest"] if m["purpose"] is not None else ""
        if _REMARK_CHANGES_MEANING.search(rest or "") or re.search(r"\b[A-Z]", rest or ""):
            return text
        text = text[:m.start()].rstrip()
    return text


def read(text: str, teams: Collection[str]) -> Interpretation | None:
    """The deferral limits or the urgent-jobs rule of one clause, or None when this reader cannot be sure."""
    if not re.search(r"\b(?:urgent|balanced|sustainable)\b", text, re.I):
        return None
    if any(re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", text, re.I) for t in teams):
        return None  # a rule for one team; the limits are fleet-wide
    plain = _without_remarks(_without_examples(text))
    return _deferrals(plain) or _urgent(plain)
