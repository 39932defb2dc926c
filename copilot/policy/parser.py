"""Sentence-level reading of plain-English policy documents (deterministic, offline, no LLM).

A policy document holds one constraint per sentence (``copilot.policy.sentences`` cuts it).
``interpret_sentence`` turns one sentence into typed ``PolicyItem`` s or raises ``SentenceError``
with the reason. Before matching, numbers written in words become digits ("four (4)", "one and a
half", "half a day", "one hundred"; ``vocab.canonical``). The whole sentence must match a
phrasing, so a qualifier that is not understood makes the sentence unrecognised rather than
half-read. A sentence may join several constraints with ";" or ", and" ("Balanced jobs may be
deferred by at most 6 hours; sustainable jobs by at most 48 hours"; "Only alice, bob and carol may
approve mints, and any mint above 1,000 kWh needs two of them"): every part must be read, or none is.

Accepted phrasings (case-insensitive; ``|`` separates alternatives; the grammar of each kind is in
its module's docstring):

    residency     Team data may only run in eu-west-1 and eu-north-1.  |  Platform team: eu-west-1 only.
                  Data team workloads must stay inside the European Union (eu-west-1 or eu-north-1).
                  Jobs owned by the web team must at all times remain in the United States, i.e. us-east-1.
                  ML training must never leave eu-north-1.  |  Allowed regions for the research team: eu-north-1.
                  Teams must be known (``vocab.KNOWN_TEAMS`` or the caller's list)   -> ``residency``
    default       All other teams may run in any region.  |  Every team not named in this section shall be
                  confined to eu-north-1.  |  Unless a team is listed above, its jobs are restricted to DE.
                  All jobs, whatever the team, must run in eu-west-1 or eu-north-1.      -> ``residency``
    urgent        Urgent jobs are never moved.  |  Urgent jobs are never rescheduled or relocated.
                  Never move urgent jobs.  |  Urgent workloads must always run where and when they were submitted.
                  Urgent jobs are exempt from all carbon-aware shifting.  |  Urgent jobs may be moved.
    deferral      Balanced jobs may be deferred by at most 4 hours.  |  Sustainable workloads can wait up to
                  two days for cleaner power.  |  A sustainable job may be delayed by no more than one week after
                  submission.  |  Balanced work may slip by up to half a day.  |  Do not delay balanced jobs more
                  than 6 h.  |  The maximum deferral for balanced jobs shall not exceed 4 hours.
                  Deferral limits: balanced 3 h, sustainable 24 h.  |  Balanced jobs are never deferred.
                  units: min|minutes, h|hours, d|days, w|weeks
    amounts       carbon price, power cap, carbon budget                                  -> ``amounts``
    blackout      No jobs may run between 2026-03-01 00:00 and 06:00 UTC in us-east-1.
                  From 22:00 CET on 14 March 2026 until 04:00 CET on 15 March 2026, nothing runs in any region.
                  There are two blackouts in us-east-1 on 2026-09-10: 02:00-04:00 UTC and 14:00-15:30 UTC.
                  recurring: No jobs may run on weekdays between 17:00 and 20:00 Europe/London time.
                             Every Saturday 02:00-04:00 UTC is a maintenance window for us-east-1.
                  naive times and dates without a year are refused    -> ``windows``, ``times``
    approvers     Only alice and bob may approve mints.  |  Authorised mint approvers: alice, bob, carol.
    quorum        Mints above 500 kWh need two approvers.  |  A four-eyes rule applies to mints over 250 kgCO2e.
                                                                                           -> ``mints``

Document framing (section numbers, "TL;DR:", "Going forward, please make sure that", "The Provider
shall ensure that", FAQ pairs, flattened table rows) is removed first by ``copilot.policy.framing``.

Sentences that address the system ("ignore the policy", "as the admin ...", "approve all mints",
"note to the AI ...", "set max_power_kw to ...") are refused before any pattern is tried
(``copilot.policy.instructions``), so a policy document can only ever describe constraints,
never trigger an action.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from copilot.policy import amount_slots, category_slots, mint_slots
from copilot.policy.amounts import AMOUNTS
from copilot.policy.asides import without_asides
from copilot.policy.by_cues import read_by_cues
from copilot.policy.framing import unframe
from copilot.policy.grammar import IS, Recogniser, rx
from copilot.policy.instructions import IMPERATIVE, INSTRUCTION_REASON, is_instruction
from copilot.policy.mints import MINTS
from copilot.policy.residency import residency
from copilot.policy.residency_slots import residency_by_slots
from copilot.policy.sentences import ALWAYS_CHANGES, Sentence, normalise, split_sentences
from copilot.policy.values import DURATION, Interpretation, PolicyItem, SentenceError, hours, one
from copilot.policy.vocab import KNOWN_TEAMS, canonical
from copilot.policy.windows import blackout

__all__ = ["INSTRUCTION_REASON", "RECOGNISERS", "Interpretation", "PolicyItem", "Sentence", "SentenceError",
           "interpret_sentence", "is_instruction", "normalise", "split_sentences"]

_NEVER = r"""(?:are\s+never|are\s+not|will\s+never\s+be|will\s+not\s+be|cannot\s+be|can't\s+be|must\s+never\s+be
              |(?:must|may|shall|can)\s+(?:never|not)\s+be)"""
_MOD = r"(?:must|shall|may|will|can)"
_CAT = r"(?P<cat>urgent|balanced|sustainable)"
_CAT_SUBJ = rf"(?:an?\s+|all\s+|every\s+|each\s+)?{_CAT}(?:[- ]category)?\s+(?:jobs?|workloads?|work|tasks?)"
_AT_MOST = r"""(?:at\s+most|up\s+to|no\s+more\s+than|not\s+more\s+than|no\s+longer\s+than
                |a\s+maximum\s+of|max(?:imum)?)"""
_DEFERRED = r"""(?:deferred|delayed|postponed|held(?:\s+back)?|shifted(?:\s+in\s+time)?|moved\s+in\s+time|pushed\s+back
                 |wait|slip|be\s+held(?:\s+back)?)"""
_TAIL = r"""(?:\s+(?:after|from)\s+(?:their\s+|its\s+)?
               (?:submission|submit(?:\s+time)?|(?:being\s+|they\s+are\s+)?submitted))?
            (?:\s+(?:for|to\s+(?:wait\s+for|get|catch|find|use))\s+(?:an?\s+|the\s+)?
               (?:cleaner|greener|low(?:er)?[- ]carbon|cheaper)\s+
               (?:power|energy|electricity|hours?|grid\s+power|slots?|windows?))?
            (?:\s+before\s+(?:(?:it|they)\s+(?:must\s+be|is|are)\s+started|(?:being\s+)?start(?:ed|ing)))?"""


def _deferral(m: re.Match[str]) -> Interpretation:
    value = 0.0 if m.groupdict().get("n") is None else hours(m)
    return one("max_deferral_h_by_category", value, m["cat"].lower())


_LIMIT_ITEM = re.compile(rf"{_CAT}(?:\s+(?:jobs|workloads|work))?\s*(?:[:=]\s*|\s+)(?:{_AT_MOST}\s+)?{DURATION}",
                         re.I | re.X)


def _deferral_list(m: re.Match[str]) -> Interpretation:
    """'Deferral limits: balanced 3 h, sustainable 24 h'; 'Deferral caps (h): urgent 0 / balanced 8'."""
    listed = m["list"]
    if m.groupdict().get("unit"):  # the unit in the header applies to every bare number
        if re.search(r"\d\s*[a-z]", listed, re.I):
            raise SentenceError(f"the header gives the unit ({m['unit']}) and an item gives its own; write one unit",
                                "unrecognised")
        listed = re.sub(rf"(\b{_CAT}\b\s*(?:[:=]\s*)?)(\d+(?:\.\d+)?)(?!\s*[a-z\d.])",
                        lambda x: f"{x[1]}{x[3]} {m['unit']}", listed, flags=re.I)
    items = list(_LIMIT_ITEM.finditer(listed))
    rest = _LIMIT_ITEM.sub("", listed)
    if not items or re.sub(r"[\s,;/|]|\band\b", "", rest, flags=re.I):
        raise SentenceError("cannot read the list of deferral limits; write e.g. 'Deferral limits: balanced 3 h, "
                            "sustainable 24 h'", "unrecognised")
    return Interpretation(tuple(PolicyItem("max_deferral_h_by_category", hours(i), i["cat"].lower()) for i in items))


RECOGNISERS: tuple[Recogniser, ...] = (
    Recogniser("deferral", rx(
        rf"""{_CAT_SUBJ}\s+(?:may|can|must|shall|will)\s+(?:only\s+)?(?:be\s+)?{_DEFERRED}\s+
             (?:by\s+|for\s+)?{_AT_MOST}\s+{DURATION}{_TAIL}""",
        rf"""{_CAT_SUBJ}\s+(?:(?:must|may|shall|can)\s*(?:not|never)|cannot|(?:are|is)\s+(?:never|not))\s+
             (?:be\s+)?{_DEFERRED}\s+(?:by\s+|for\s+)?(?:more|longer)\s+than\s+{DURATION}{_TAIL}""",
        rf"""(?:do\s+not|don't|never)\s+(?:delay|defer|postpone|hold(?:\s+back)?)\s+{_CAT_SUBJ}\s+
             (?:by\s+|for\s+)?(?:more|longer)\s+than\s+{DURATION}{_TAIL}""",
        rf"""no\s+{_CAT}\s+(?:jobs?|workloads?|tasks?)\s+(?:may|can|shall|will)\s+be\s+{_DEFERRED}\s+
             (?:by\s+|for\s+)?(?:more|longer)\s+than\s+{DURATION}{_TAIL}""",
        rf"""(?:the\s+)?max(?:imum)?\s+(?:deferral|delay|wait)\s*\(\s*{_CAT}(?:\s+(?:jobs|workloads))?\s*\)\s*
             (?::|=|\s-)\s*{DURATION}""",
        rf"""(?:the\s+)?max(?:imum)?\s+(?:(?:permissible|permitted|allowed)\s+)?(?:deferral|delay|wait)(?:\s+time)?\s+
             (?:for|of)\s+{_CAT_SUBJ}
             (?:{IS}|\s+(?:shall|must|may|will)\s+not\s+exceed\s+){DURATION}""",
        rf"(?P<cat>balanced|sustainable)\s+(?:jobs|workloads|work|tasks)\s+{_NEVER}\s+(?:deferred|delayed|postponed)",
        rf"""(?:(?:we|the\s+(?:planner|scheduler))\s+(?:may|can)\s+)?(?:delay|defer|postpone|hold(?:\s+back)?|shift)\s+{_CAT_SUBJ}\s+
             (?:by\s+|for\s+)?{_AT_MOST}\s+{DURATION}{_TAIL}""",
        rf"""{_CAT_SUBJ}\s+(?:have|has)\s+an?\s+(?:max(?:imum)?\s+)?(?:deferral|delay|wait)(?:\s+(?:window|time|limit|cap))?\s+
             of\s+(?:at\s+most\s+|up\s+to\s+)?{DURATION}""",
        rf"""(?:the\s+)?(?:max(?:imum)?\s+)?(?:deferral|delay|wait)(?:\s+(?:window|time|limit|cap))?\s+(?:for|of)\s+{_CAT_SUBJ}
             (?:{IS}|\s+(?:is|are|{_MOD}\s+be)\s+(?:capped|limited)\s+(?:at|to)\s+){DURATION}""",
        rf"""{_CAT_SUBJ}\s+(?:get|gets|have|has|(?:are|is)\s+(?:given|allowed))\s+{_AT_MOST}\s+{DURATION}\s+(?:of\s+)?
             (?:slack|leeway|delay|deferral|waiting(?:\s+time)?|wait(?:ing)?\s+time)""",
        rf"""{_CAT_SUBJ}\s+(?:must|shall|will)\s+(?:start|begin|run)\s+(?:within|no\s+later\s+than)\s+{DURATION}\s+
             (?:of|after|from)\s+(?:their\s+|its\s+)?(?:submission|submit(?:\s+time)?|(?:being\s+|they\s+are\s+)?submitted)""",
        rf"""{_CAT_SUBJ}\s+(?:may|can)\s+(?:start|begin)\s+{_AT_MOST}\s+{DURATION}\s+(?:after|from)\s+(?:their\s+|its\s+)?
             (?:submission|submit(?:\s+time)?|(?:being\s+|they\s+are\s+)?submitted)""",
    ), _deferral, re.compile(r"\b(?:defer|delay|wait|postpone|hold|slip)", re.I),
        "Balanced jobs may be deferred by at most 4 hours."),
    Recogniser("deferral", rx(
        r"""(?:the\s+)?(?:max(?:imum)?\s+)?(?:deferral|delay|wait)s?(?:\s+(?:limits?|caps?))?
            (?:\s*\(\s*(?P<unit>h|hours?|d|days?|min(?:utes)?)\s*\))?\s*(?::|\s-)\s*(?P<list>.+)""",
        rf"""(?P<list>{_CAT}(?:\s+(?:jobs|workloads|work))?\s*:\s*(?:max(?:imum)?|at\s+most|up\s+to)\s+{DURATION})
             (?:\s+(?:of\s+)?(?:delay|deferral|wait))?""",
    ), _deferral_list),
    # urgent jobs are read by their parts (copilot.policy.category_slots); this entry names the kind in
    # the reason a sentence that looks like such a rule was not understood
    Recogniser("urgent jobs", (), lambda m: one("urgent_never_moved", True), re.compile(r"\burgent\b", re.I),
               "Urgent jobs are never moved."),
    *AMOUNTS,
    *MINTS,
)
_SLOT_READERS = (residency_by_slots, mint_slots.read, category_slots.read, amount_slots.read)
"""Readers of a clause by its parts, tried in order after the whole-sentence phrasings."""
_RESIDENCY_HINT = re.compile(r"\bteams?\b|\bregions?\b|\b[a-z]{2}-[a-z]+-\d\b", re.I)
_RESIDENCY_EXAMPLE = "Team data may only run in eu-west-1 and eu-north-1."
_BLACKOUT_HINT = re.compile(r"blackout|freeze|maintenance\s+window|\bno\s+jobs?\b|\d{4}-\d{2}-\d{2}", re.I)
_PARTS = (re.compile(r"\s*;\s*(?:and\s+)?|\s*,\s+(?:and|but|while|whereas)\s+|\s+whereas\s+", re.I),
          re.compile(r"\s*;\s*(?:and\s+)?|\s*,\s+(?:(?:and|but|while|whereas)\s+)?", re.I),
          re.compile(r"\s*;\s*(?:and\s+)?|\s*,?\s+(?:and|while|whereas)\s+", re.I))
_ELLIPSIS = re.compile(rf"""(?:an?\s+|all\s+|every\s+|each\s+)?{_CAT}(?:\s+(?:jobs?|workloads?|work|tasks?|ones))?
                           \s+(?:(?:must|may|can|shall)\s+)?
                           (?:(?:be\s+)?(?:deferred|delayed|held\s+back|wait)\s+)?
                           (?:(?:by|for)\s+)?{_AT_MOST}\s+{DURATION}{_TAIL}""", re.I | re.X)


def _unrecognised(norm: str) -> SentenceError:
    if IMPERATIVE.match(norm):
        return SentenceError(INSTRUCTION_REASON, "instruction")
    for rec in RECOGNISERS:
        if rec.example and rec.hint.search(norm):
            return SentenceError(f"not recognised: looks like a rule about {rec.kind} but matches no "
                                 f"accepted phrasing, e.g. {rec.example!r} (see policies/README.md)",
                                 "unrecognised")
    if _BLACKOUT_HINT.search(norm):
        return SentenceError("not recognised: looks like a blackout window but matches no accepted phrasing, e.g. "
                             "'No jobs may run between 2026-03-01 00:00 and 06:00 UTC in us-east-1.'", "unrecognised")
    if _RESIDENCY_HINT.search(norm):
        extra = " (exclusions such as 'may not run in' are not supported: list the allowed regions)" \
            if re.search(r"\b(?:not|never)\b", norm, re.I) else ""
        return SentenceError(f"not recognised: looks like a rule about data residency but matches no "
                             f"accepted phrasing, e.g. {_RESIDENCY_EXAMPLE!r}{extra}", "unrecognised")
    return SentenceError("not a policy constraint: matches none of the accepted phrasings "
                         "(see policies/README.md)", "unrecognised")


def _single(text: str, teams: Collection[str]) -> Interpretation | None:
    """The reading of one clause, None when no phrasing matches (SentenceError when one matches badly)."""
    found = residency(text, teams)
    if found is not None:
        return found
    found = blackout(text)
    if found is not None:
        return found
    for rec in RECOGNISERS:
        for pattern in rec.patterns:
            m = pattern.fullmatch(text)
            if m:
                return rec.build(m)
    for reader in _SLOT_READERS:
        found = reader(text, teams)
        if found is not None:
            return found
    return None


def _compound(text: str, teams: Collection[str]) -> Interpretation | None:
    """Several constraints joined by ';', ', and', ', whereas', ',' or 'and': every part must be read (a
    deferral part may leave out its verb and noun: '...; sustainable ones for up to 48 hours'), else None.
    The splits are tried from the most to the least explicit."""
    for splitter in _PARTS:
        found = _parts(text, splitter, teams)
        if found is not None:
            return found
    return None


def _parts(text: str, splitter: re.Pattern[str], teams: Collection[str]) -> Interpretation | None:
    parts = [p for p in splitter.split(text) if p.strip()]
    if len(parts) < 2:
        return None
    readings: list[Interpretation] = []
    for part in parts:
        try:
            reading = _single(part, teams)
        except SentenceError:
            return None
        ellipsis = _ELLIPSIS.fullmatch(part)
        if reading is None and ellipsis and readings and \
                readings[0].items[0].field == "max_deferral_h_by_category":
            reading = _deferral(ellipsis)
        if reading is None:
            return None
        readings.append(reading)
    return Interpretation(tuple(i for r in readings for i in r.items), tuple(w for r in readings for w in r.warnings))


_WORDS_REFUSAL = re.compile(r"unexpected words|is not a person's name|cannot read the", re.I)
"""Refusals about words a phrasing did not expect, which a reading by cue words may overrule (a refusal about a
value, a zone or a contradiction stands however the sentence is read)."""
_LABEL = re.compile(r"""(?:(?:data\s+)?residency|regions?|locations?|power|energy|carbon(?:\s+price)?|pricing|budgets?
                         |emissions|deferrals?|scheduling|urgent\s+jobs|blackouts?|maintenance|approvals?|minting|mints
                         |governance|rule(?:\s+\d+)?|policy)\s*:\s+(?P<rest>.+)""", re.I | re.X)


def interpret_sentence(norm: str, teams: Collection[str] = KNOWN_TEAMS) -> Interpretation:
    """The constraint(s) one normalised sentence states; raises SentenceError with the reason.

    ``teams``: the team names a residency rule may name (lower case).
    """
    if is_instruction(norm):
        raise SentenceError(INSTRUCTION_REASON, "instruction")
    changer = ALWAYS_CHANGES.search(norm)
    if changer:
        raise SentenceError(f"not recognised: {changer.group(0)!r} changes what the rule would mean (a part of the "
                            "fleet, a floor, or something seen elsewhere)", "unrecognised")
    text = canonical(unframe(canonical(norm)))
    if "?" in text:  # a question that framing did not turn into a statement states no rule
        raise SentenceError(f"a question, not a rule: state the constraint instead ({_unrecognised(norm).reason})",
                            "unrecognised")
    try:
        return _read(norm, text, teams)
    except SentenceError as exc:  # maybe an aside in the way: "(nightly renders, for example)"
        plain = without_asides(text, teams)
        try:
            if plain is None:
                raise
            return _read(norm, plain, teams)
        except SentenceError:
            if exc.kind == "unrecognised" or _WORDS_REFUSAL.search(exc.reason):  # a second chance by cues
                found = read_by_cues(text, teams)
                if found is not None:
                    return found
            raise exc from None


def _read(norm: str, text: str, teams: Collection[str]) -> Interpretation:
    try:
        reading = _single(text, teams)
    except SentenceError as exc:  # read as one constraint it is malformed: maybe it is several
        reading = _compound(text, teams)
        if reading is None:
            raise exc from None
    if reading is None:
        reading = _compound(text, teams)
    label = _LABEL.fullmatch(text)
    if reading is None and label:  # "Residency: the data team must stay in the EU."
        reading = _single(label["rest"], teams) or _compound(label["rest"], teams)
    if reading is None:
        raise _unrecognised(norm)
    fields = {i.field for i in reading.items}
    if any("of them" in w for w in reading.warnings) and "mint_approvers" not in fields:
        raise SentenceError("'of them' refers to people this sentence does not name")
    named = next((len(i.value) for i in reading.items if i.field == "mint_approvers"), None)
    quorum = next((i.value for i in reading.items if i.field == "mint_quorum"), None)
    if named is not None and isinstance(quorum, dict) and quorum.get("approvers", 0) > named:
        raise SentenceError(f"a mint cannot need {quorum['approvers']} different approvers when only {named} may "
                            "approve")
    return reading
