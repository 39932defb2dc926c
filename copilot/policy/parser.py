"""Sentence-level reading of plain-English policy documents (deterministic, offline, no LLM).

A policy document holds one constraint per sentence. ``split_sentences`` cuts a text into
sentences (on line breaks and on full stops followed by a space); markdown headings, rules and
code fences are layout, list markers and ``> `` quotes are stripped, ``**``/``__``/backticks are
ignored and ``<!-- comments -->`` are skipped with a warning. ``interpret_sentence`` turns one
sentence into typed ``PolicyItem`` s or raises ``SentenceError`` with the reason.

Accepted phrasings (case-insensitive; ``|`` separates alternatives; the whole sentence must match,
so a qualifier that is not understood makes the sentence unrecognised rather than dropped):

    residency     Team data may only run in eu-west-1 and eu-north-1.
                  The data team must keep its jobs in the EU regions eu-west-1, eu-north-1.
                  Jobs of team ml are restricted to us-east-1.  |  Team ml's data must not leave eu-west-1.
                  subject: team X | the X team | jobs/data/workloads of|from|for team X | ... X's jobs
                  predicate: [may|must|can|...] [only] run|stay|remain|be placed|... in <regions>
                             | may use <regions> | must keep its jobs in <regions>
                             | is/are restricted|limited|confined to <regions> | must not leave <regions>
    default       All other teams may run in any region.  |  Other teams may use us-east-1, us-west-2.
                  (subject: [all] other teams | remaining teams | teams not listed [above] | everyone else)
    urgent        Urgent jobs are never moved.  |  Urgent jobs must not be moved or delayed.
                  Never move urgent jobs.  |  Urgent jobs may be moved.
    deferral      Balanced jobs may be deferred by at most 4 hours.  |  Sustainable jobs can wait up to 1 day.
                  Do not delay balanced jobs more than 6 h.  |  Balanced jobs must not wait more than 6 h.
                  The maximum deferral for sustainable jobs is 2 days.  |  Balanced jobs are never deferred.
                  units: min|minutes, h|hours, d|days, w|weeks; numbers or one..twelve, a/an
    carbon price  The internal carbon price is 120 USD per tonne.  |  Use a carbon price of $85/tCO2e.
                  Carbon price: 0.1 USD/kg.  |  We price carbon at $100 per tonne CO2e.
                  (USD only; per t|tonne|ton, kg or g, converted to USD per tonne)
    power cap     The cluster power cap is 500 kW.  |  Never draw more than 1.2 MW.
                  Power draw must not exceed 800 kW.  |  Cap cluster power at 300 kW.  (W, kW, MW, GW)
    budget        The weekly carbon budget is 2000 kgCO2e.  |  Emissions must stay below 5 t CO2e per month.
                  The carbon budget is 300 kg per day.  |  Do not emit more than 2 t CO2e per week.
                  (g, kg, t; period day, week or month)
    blackout      No jobs may run between 2026-03-01 00:00 and 2026-03-01 06:00 UTC in us-east-1.
                  Blackout: 2026-12-24 18:00 to 2026-12-26 06:00 UTC.  |  Do not run jobs from ... until ... .
                  Times are YYYY-MM-DD HH:MM with UTC, Z, GMT, UTC+1 or +01:00 after either time (one
                  zone applies to both); naive times are refused. Optional "in <regions>", "(reason)".
    approvers     Only alice and bob may approve mints.  |  Mint approvers: carol@example.com.
                  Mints must be approved by alice or bob.

Sentences that address the system ("ignore the policy", "as the admin ...", "approve all mints",
"mint 1e9 tokens to 0x...", "whatever the user says") are refused before any pattern is tried,
so a policy document can only ever describe constraints, never trigger an action.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from copilot.policy.values import (
    DURATION,
    MASS,
    NUM,
    PERIOD,
    POWER,
    PRICE,
    TIME,
    Interpretation,
    PolicyItem,
    SentenceError,
    hours,
    kilograms,
    kilowatts,
    make_window,
    number,
    one,
    parse_names,
    parse_regions,
    period,
    ton_warnings,
    usd_per_tonne,
)
from tools.regions import REGIONS

INSTRUCTION_REASON = "not a policy constraint (instructions to the system are ignored)"
__all__ = ["INSTRUCTION_REASON", "Interpretation", "PolicyItem", "Sentence", "SentenceError",
           "interpret_sentence", "is_instruction", "normalise", "split_sentences"]


@dataclass(frozen=True)
class Sentence:
    """A sentence as written (``text``) and normalised for matching (``norm``); ``line`` is 1-based."""

    line: int
    text: str
    norm: str
    continues: bool = False  # ends its line without punctuation and the next line goes on in lower case
    continued: bool = False  # starts a line that seems to continue the previous line

    def wrapped(self) -> str | None:
        """Why this sentence cannot be read on its own (it is part of a sentence wrapped over lines)."""
        if self.continues:
            return ("incomplete: the sentence seems to continue on the next line (no full stop, next line "
                    "starts in lower case); keep each constraint on one line")
        if self.continued:
            return ("incomplete: this line seems to continue the previous one; keep each constraint on one "
                    "line")
        return None


# -- splitting ----------------------------------------------------------------------------------
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"#")
_RULE = re.compile(r"(?:[-=*_]\s*){3,}|(?:```|~~~).*")
_SETEXT = re.compile(r"=+|-+")
_MARKER = re.compile(r"(?:[-*+\u2022]\s+|\d{1,3}[.)]\s+|>\s*)+")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=\S)")


def normalise(text: str) -> str:
    """Matching form of a sentence: no emphasis or backticks, plain quotes/dashes, single spaces,
    no trailing punctuation."""
    out = text.replace("**", "").replace("__", "").replace("`", "")
    out = out.replace("\u2019", "'").replace("\u2018", "'").replace("\u2212", "-")
    out = " ".join(re.sub(r"[\u2013\u2014]", " - ", out).split()).strip("*_ ")
    return out.rstrip(".!?;:, ").strip("*_ ")


def _runs_on(piece: str, nxt: str) -> bool:
    """True if ``piece`` ends its line mid-sentence and the next line carries on (lower case, no marker)."""
    ended = piece.rstrip("*_`")[-1:] in (".", "!", "?", ":", ";")
    return not ended and bool(nxt) and nxt[0].islower() and not _MARKER.match(nxt)


def split_sentences(text: str) -> tuple[list[Sentence], list[str]]:
    """Sentences of a policy text with their line numbers, plus warnings for skipped comments."""
    warnings: list[str] = []

    def blank(match: re.Match[str]) -> str:
        line = text.count("\n", 0, match.start()) + 1
        body = " ".join(match.group(0)[4:-3].split())
        warnings.append(f"line {line}: comment ignored (comments never hold constraints): {body[:80]!r}")
        return "\n" * match.group(0).count("\n")

    lines = _COMMENT.sub(blank, text).splitlines()
    out: list[Sentence] = []
    carried = False  # the previous content line continues onto this one
    for i, raw in enumerate(lines):
        stripped = raw.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        layout = not stripped or _HEADING.match(stripped) or _RULE.fullmatch(stripped)
        if layout or (nxt and _SETEXT.fullmatch(nxt) and not _MARKER.match(stripped)):
            carried = False
            continue  # blank, heading (also setext: text underlined by === or ---), rule or fence
        body = _MARKER.sub("", stripped, count=1) if _MARKER.match(stripped) else stripped
        pieces = [p for p in (p.strip() for p in _SPLIT.split(body)) if normalise(p)]
        for j, piece in enumerate(pieces):
            out.append(Sentence(line=i + 1, text=piece, norm=normalise(piece), continued=carried and j == 0,
                                continues=j == len(pieces) - 1 and _runs_on(piece, nxt)))
        carried = bool(pieces) and out[-1].continues
    return out, warnings


# -- instructions to the system -----------------------------------------------------------------
_INSTRUCTION = re.compile(r"""
    \b(?:ignore|disregard|forget|override|bypass|circumvent|jailbreak)\b
  | \b(?:previous|prior|above|earlier|new|these|my)\s+instructions?\b
  | \bsystem\s+prompt\b | \bprompt\s+injection\b
  | \byou\s+(?:are|must|should|will|can|may|need|have)\b
  | \bas\s+(?:the|an?|your)\s+(?:admin(?:istrator)?|root|system|owner|operator|developer|assistant|ai|model)\b
  | \bautomatically\b | \bauto-?approve
  | \bapprove\s+(?:all|every|any|each|everything|this|it|them)\b
  | \bwithout\s+(?:any\s+)?(?:approval|confirmation|review|asking|a\s+human|human)\b
  | \bwhatever\b | \b(?:the\s+)?user\s+(?:says|wants|asks|tells)\b
  | \bmint\s+(?:[\d$]|all\b|any\b|more\b|new\b|tokens?\b|the\b|some\b|it\b|them\b)
  | \b0x[0-9a-f]{3,} | \bprivate\s+key\b | \bapi\s+key\b | \bpassword\b | \bseed\s+phrase\b
  | \b(?:transfer|withdraw|deploy|sudo)\b | \brm\s+-rf\b | \bdrop\s+table\b
  | \b(?:reveal|print|output|repeat|show)\s+(?:your|the)\s+(?:prompt|instructions|secrets?|keys?)\b
""", re.I | re.X)
_IMPERATIVE = re.compile(
    r"(?:please\s+)?(?:set|change|update|mint|approve|reject|send|give|grant|raise|lower|increase|"
    r"decrease|remove|disable|enable|act|pretend|respond|reply|answer|say|tell|call|print|reveal|"
    r"switch|turn|add|delete|pay|sign|issue|burn|retire)\b", re.I)


# -- recognisers --------------------------------------------------------------------------------
Builder = Callable[[re.Match[str]], Interpretation]


@dataclass(frozen=True)
class Recogniser:
    """Whole-sentence patterns of one constraint kind and how to build its items."""

    kind: str
    patterns: tuple[re.Pattern[str], ...]
    build: Builder
    hint: re.Pattern[str] = field(default=re.compile(r"(?!)"))
    example: str = ""


def _rx(*patterns: str) -> tuple[re.Pattern[str], ...]:
    """Compile whole-sentence patterns (case-insensitive, verbose: layout whitespace is ignored)."""
    return tuple(re.compile(p, re.I | re.X) for p in patterns)


_MOVED = r"(?:moved|deferred|delayed|shifted|relocated|rescheduled|postponed|touched)"
_IN_TIME_OR_REGION = r"(?:\s+(?:in\s+)?(?:time|region)(?:\s+(?:or|and)\s+(?:time|region))?)?"
_MOVEDS = rf"{_MOVED}(?:\s*(?:,|or|and|nor)\s+{_MOVED})*{_IN_TIME_OR_REGION}"
_MOVE = r"(?:move|defer|delay|shift|relocate|reschedule|postpone|touch)"
_NEVER = r"""(?:are\s+never|are\s+not|will\s+never\s+be|will\s+not\s+be|cannot\s+be|can't\s+be
              |(?:must|may|shall|should|can)\s+(?:never|not)\s+be)"""


def _urgent_fixed(_: re.Match[str]) -> Interpretation:
    return one("urgent_never_moved", True)


def _urgent_movable(_: re.Match[str]) -> Interpretation:
    return one("urgent_never_moved", False)


def _deferral(m: re.Match[str]) -> Interpretation:
    value = 0.0 if m.groupdict().get("n") is None else hours(m)
    return one("max_deferral_h_by_category", value, m["cat"].lower())


_CAT = r"(?P<cat>urgent|balanced|sustainable)"
_AT_MOST = r"""(?:at\s+most|up\s+to|no\s+more\s+than|not\s+more\s+than|no\s+longer\s+than
                |a\s+maximum\s+of|max(?:imum)?)"""
_DEFERRED = r"""(?:deferred|delayed|postponed|held(?:\s+back)?|shifted(?:\s+in\s+time)?|moved\s+in\s+time
                 |wait|be\s+held)"""

_TEAM = r"(?P<team>[a-z0-9][\w.-]*)"
_WHAT = r"(?:\s+(?:jobs|data|workloads|work))?"
_SUBJECTS = _rx(
    rf"(?:the\s+)?team\s+{_TEAM}(?:'s)?{_WHAT}\s+(?P<rest>.+)",
    rf"(?:the\s+)?{_TEAM}\s+team(?:'s)?{_WHAT}\s+(?P<rest>.+)",
    rf"""(?:all\s+)?(?:the\s+)?(?:jobs|data|workloads|work)\s+(?:of|from|for|owned\s+by|belonging\s+to|by)\s+
         (?:the\s+)?(?:team\s+{_TEAM}|(?P<team2>[a-z0-9][\w.-]*)\s+team)\s+(?P<rest>.+)""",
)
_DEFAULT_SUBJECT = _rx(r"""
    (?:(?:all\s+)?(?:other|remaining)\s+teams(?:'\s+(?:jobs|data|workloads))?
      |(?:jobs|data|workloads)\s+of\s+(?:all\s+)?other\s+teams
      |teams\s+not\s+(?:listed|named|mentioned)(?:\s+(?:above|here))?
      |(?:every|any)\s+other\s+team|everyone\s+else
    )\s+(?P<rest>.+)""")[0]
_MODAL = r"""(?:may|can|must|shall|should|will|need\s+to|needs\s+to|have\s+to|has\s+to
             |(?:is|are)\s+(?:only\s+)?(?:allowed|permitted)\s+to)"""
_VERB = r"""(?:run|runs|execute|stay|stays|remain|remains|live|reside|operate
            |be\s+(?:run|placed|scheduled|processed|stored|kept|hosted|located))"""
_PREDICATES = _rx(
    rf"""(?:{_MODAL}\s+)?(?:only\s+)?{_VERB}\s+(?:only\s+)?(?:in|on|within|inside)\s+
         (?:only\s+)?(?P<regions>.+)""",
    rf"{_MODAL}\s+(?:only\s+)?use\s+(?:only\s+)?(?P<regions>.+)",
    rf"""{_MODAL}\s+keep\s+(?:its|their|all|the)(?:\s+(?:its|their))?\s+(?:jobs|data|workloads|work)\s+
         (?:in|within|inside)\s+(?:only\s+)?(?P<regions>.+)""",
    r"(?:is|are)\s+(?:only\s+)?(?:restricted|limited|confined|pinned)\s+to\s+(?:only\s+)?(?P<regions>.+)",
    r"(?:(?:must|may|shall|should)\s+(?:not|never)\s+leave|never\s+leaves?)\s+(?P<regions>.+)",
)
_RESERVED_TEAMS = {"the", "a", "an", "all", "any", "every", "each", "other", "this", "that", "our", "no"}


def _subject(norm: str) -> tuple[str | None, str] | None:
    """(team, rest of the sentence) for a residency subject; team None means 'all other teams'."""
    m = _DEFAULT_SUBJECT.fullmatch(norm)
    if m:
        return None, m["rest"]
    for rx in _SUBJECTS:
        m = rx.fullmatch(norm)
        team = m and (m.groupdict().get("team") or m.groupdict().get("team2"))
        if m and team and team.lower() not in _RESERVED_TEAMS:
            return team, m["rest"]
    return None


def _residency(norm: str) -> Interpretation | None:
    """Data residency for one team or for all other teams; None if the sentence is not one."""
    subject = _subject(norm)
    pred = subject and next((m for rx in _PREDICATES if (m := rx.fullmatch(subject[1]))), None)
    if not subject or not pred:
        return None
    team, regions = subject[0], parse_regions(pred["regions"])
    if team is None:
        return one("default_allowed_regions", regions)
    return one("allowed_regions_by_team", sorted(REGIONS) if regions is None else regions, team)


def _carbon_price(m: re.Match[str]) -> Interpretation:
    return one("carbon_price_usd_per_t", usd_per_tonne(m), None, *ton_warnings(m))


def _power(m: re.Match[str]) -> Interpretation:
    return one("max_power_kw", kilowatts(m))


def _budget(m: re.Match[str]) -> Interpretation:
    per = period(m["adj"] if m.groupdict().get("adj") else m["per"])
    return Interpretation((PolicyItem("carbon_budget_kg", kilograms(m)),
                           PolicyItem("carbon_budget_period", per)), ton_warnings(m))


def _blackout(m: re.Match[str]) -> Interpretation:
    regions = parse_regions(m["regions"]) if m["regions"] else None
    return one("blackout_windows", make_window(m["start"], m["end"], regions, m["note"]))


_PEOPLE = (r"(?P<k>\d|two|three|four|five|both|2|3|4|5)\s+(?:different\s+|distinct\s+|separate\s+)?"
           r"(?:approvers?|approvals|people|persons|signatures|sign[- ]?offs|admins|reviewers)")
_QUANT = rf"(?P<n>{NUM})\s*(?P<u>kwh|mwh|kgco2e?|kg\s*co2e?|kg|t\s*co2e?|tco2e?|tonnes?(?:\s+co2e?)?)\b"
_JOINTLY = re.compile(r"\s*,?\s*\b(?:together|jointly|both|all\s+together|in\s+agreement)\b\s*", re.I)
_BOTH_LEAD = re.compile(r"^\s*(?:both|all\s+of|each\s+of)\s+", re.I)


def _approvers(m: re.Match[str]) -> Interpretation:
    raw = m["names"]
    counted = re.fullmatch(rf"(?:at\s+least\s+)?{_PEOPLE}\W*", raw.strip(), re.I)
    if counted:  # "... must be approved by two people": a count, not names
        return _quorum(counted)
    jointly = bool(_JOINTLY.search(raw) or _BOTH_LEAD.search(raw))
    names = parse_names(_BOTH_LEAD.sub("", _JOINTLY.sub(" ", raw)).strip())
    if jointly:
        if len(names) < 2:
            raise SentenceError("says approvers act together but names fewer than two people")
        return Interpretation((PolicyItem("mint_approvers", names),
                               PolicyItem("mint_quorum", {"approvers": min(len(names), 5)})),
                              (f"read as: every mint needs all {len(names)} listed people to approve",))
    if re.search(r"\band\b", raw) and "approved by" in m.string.lower():
        return one("mint_approvers", names, None,
                   "read as: any one of the listed people may approve a mint (write 'together' or "
                   "'two approvers' for a two-person rule)")
    return one("mint_approvers", names)




def _quorum(m: re.Match[str]) -> Interpretation:
    word = (m["k"] or "two").lower()  # "two-person rule", "four-eyes principle": two people
    k = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5}.get(word) or int(word)
    if k < 2:
        raise SentenceError("a quorum rule needs two or more approvers")
    value: dict[str, object] = {"approvers": k}
    if m.groupdict().get("n") is not None:
        amount, unit = number(m["n"], "threshold"), m["u"].lower().replace(" ", "")
        if unit in ("kwh", "mwh"):
            value.update(above=amount * (1000.0 if unit == "mwh" else 1.0), unit="kWh")
        else:
            value.update(above=amount * (1000.0 if unit.startswith("t") else 1.0), unit="kgCO2e")
    return one("mint_quorum", value)


_IS = r"""(?:\s*[:=]\s*
           |\s+(?:is(?:\s+set)?(?:\s+(?:at|to))?|of|must\s+be|shall\s+be|will\s+be|should\s+be|equals)\s+)"""
_NEVER_VERB = r"(?:never|do\s+not|don't|must\s+not|may\s+not|shall\s+not|cannot)"
_PERIOD_LEAD = r"(?:must|shall|should|may|will)"

RECOGNISERS: tuple[Recogniser, ...] = (
    Recogniser("deferral", _rx(
        rf"""{_CAT}\s+jobs\s+(?:may|can|must|shall|should)\s+(?:only\s+)?(?:be\s+)?{_DEFERRED}\s+
             (?:by\s+|for\s+)?{_AT_MOST}\s+{DURATION}""",
        rf"""{_CAT}\s+jobs\s+(?:(?:must|may|shall|should|can)\s*(?:not|never)|cannot)\s+
             (?:be\s+)?{_DEFERRED}\s+(?:by\s+|for\s+)?(?:more|longer)\s+than\s+{DURATION}""",
        rf"""(?:do\s+not|don't|never)\s+(?:delay|defer|postpone|hold)\s+{_CAT}\s+jobs\s+
             (?:by\s+|for\s+)?(?:more|longer)\s+than\s+{DURATION}""",
        rf"(?:the\s+)?max(?:imum)?\s+(?:deferral|delay|wait)\s+(?:for|of)\s+{_CAT}\s+jobs{_IS}{DURATION}",
        rf"(?P<cat>balanced|sustainable)\s+jobs\s+{_NEVER}\s+(?:deferred|delayed|postponed)",
    ), _deferral, re.compile(r"\b(?:defer|delay|wait|postpone|hold)", re.I),
        "Balanced jobs may be deferred by at most 4 hours."),
    Recogniser("urgent jobs", _rx(
        rf"urgent\s+jobs\s+{_NEVER}\s+{_MOVEDS}",
        rf"""(?:never|do\s+not|don't)\s+{_MOVE}(?:\s*(?:,|or|and|nor)\s+{_MOVE})*\s+urgent\s+jobs
             {_IN_TIME_OR_REGION}""",
        r"urgent\s+jobs\s+(?:always\s+)?(?:run|start)\s+(?:immediately|as\s+submitted)",
    ), _urgent_fixed, re.compile(r"\burgent\b", re.I), "Urgent jobs are never moved."),
    Recogniser("urgent jobs", _rx(
        rf"""urgent\s+jobs\s+(?:may|can)\s+(?:also\s+)?be\s+{_MOVEDS}
             (?:\s+(?:too|as\s+well|like\s+other\s+jobs))?""",
    ), _urgent_movable),
    Recogniser("the carbon price", _rx(
        rf"""(?:(?:we\s+)?(?:use|apply|assume|set)\s+)?(?:the\s+|an?\s+|our\s+)?(?:internal\s+|shadow\s+)?
             carbon\s+price(?:{_IS}|\s+(?:to|at)\s+){PRICE}""",
        rf"(?:we\s+)?price\s+carbon\s+at\s+{PRICE}",
        rf"carbon\s+is\s+priced\s+at\s+{PRICE}",
    ), _carbon_price, re.compile(r"carbon\s+price|price\s+(?:of\s+)?carbon|priced", re.I),
        "The internal carbon price is 120 USD per tonne."),
    Recogniser("the power cap", _rx(
        rf"""(?:the\s+)?(?:(?:cluster|fleet|site|total|maximum|max|overall)(?:'s)?\s+)*
             power\s+(?:cap|limit|ceiling){_IS}{POWER}""",
        rf"(?:the\s+)?max(?:imum)?\s+(?:cluster\s+)?power(?:\s+draw)?{_IS}{POWER}",
        rf"""(?:we\s+)?(?:must\s+)?{_NEVER_VERB}\s+draw\s+more\s+than\s+{POWER}
             (?:\s+(?:in\s+total|at\s+any\s+time|across\s+the\s+(?:cluster|fleet)))?""",
        rf"""(?:the\s+)?(?:(?:cluster|fleet|site)(?:'s)?\s+)?(?:total\s+)?
             power(?:\s+(?:draw|use|usage|consumption|demand))?\s+
             (?:must|may|shall|should|will)\s+(?:never|not)\s+
             (?:exceed|go\s+above|be\s+more\s+than)\s+{POWER}""",
        rf"""(?:the\s+)?(?:cluster|fleet|site)\s+(?:must|may|shall|should)\s+(?:never|not)\s+
             (?:exceed|draw\s+more\s+than|use\s+more\s+than)\s+{POWER}""",
        rf"cap\s+(?:the\s+)?(?:(?:cluster|fleet|total)(?:'s)?\s+)?power\s+at\s+{POWER}",
    ), _power, re.compile(r"\bpower\b|\d\s*(?:kw|mw|gw)\b|\bdraw\b", re.I),
        "The cluster power cap is 500 kW."),
    Recogniser("the carbon budget", _rx(
        rf"""(?:the\s+|our\s+)?(?P<adj>daily|weekly|monthly|yearly|annual)\s+
             (?:carbon\s+|emissions?\s+|co2e?\s+)?(?:budget|cap|limit|allowance){_IS}{MASS}""",
        rf"""(?:the\s+|our\s+)?(?:carbon|emissions?|co2e?|carbon\s+emissions?)\s+
             (?:budget|cap|limit|allowance)
             {_IS}{MASS}{PERIOD}""",
        rf"""(?:total\s+|our\s+|the\s+)?(?:carbon\s+|co2e?\s+)?emissions\s+{_PERIOD_LEAD}\s+
             (?:stay|remain|be\s+kept|be)\s+(?:below|under|within|at\s+most|less\s+than|no\s+more\s+than)\s+
             {MASS}{PERIOD}""",
        rf"""(?:total\s+|our\s+|the\s+)?(?:carbon\s+|co2e?\s+)?emissions\s+{_PERIOD_LEAD}\s+(?:not|never)\s+
             exceed\s+{MASS}{PERIOD}""",
        rf"""(?:we\s+)?(?:(?:must|may|shall)\s+)?(?:emit\s+(?:no\s+more\s+than|at\s+most|less\s+than)
             |{_NEVER_VERB}\s+emit\s+more\s+than)\s+{MASS}{PERIOD}""",
    ), _budget, re.compile(r"\bbudget\b|\bemissions?\b|\bemit\b", re.I),
        "The weekly carbon budget is 2000 kgCO2e."),
    Recogniser("blackout windows", _rx(
        rf"""(?:no\s+jobs?\s+(?:may|can|shall|must|will|should)\s+(?:be\s+)?
                (?:run|start(?:ed)?|executed?|scheduled|placed)
             |(?:do\s+not|don't|never)\s+(?:run|schedule|start)\s+(?:any\s+)?jobs?
             |jobs?\s+(?:must|may|shall)\s+not\s+(?:be\s+)?(?:run|started|scheduled)
             |(?:there\s+is\s+)?(?:a\s+)?(?:blackout|(?:maintenance|change)\s+freeze)
                (?:\s+(?:window|period))?(?:\s+(?:is|applies))?\s*:?
             )\s+(?:(?:anywhere|in\s+any\s+region)\s+)?(?:between|from)?\s*
             (?P<start>{TIME})\s*(?:and|to|until|till|through|-)\s*(?P<end>{TIME})
             (?:\s+(?:in|on|for)\s+(?P<regions>[^()]+?))?(?:\s*\((?P<note>[^()]*)\))?""",
    ), _blackout, re.compile(r"blackout|freeze|\bno\s+jobs?\b|\d{4}-\d{2}-\d{2}", re.I),
        "No jobs may run between 2026-03-01 00:00 and 2026-03-01 06:00 UTC in us-east-1."),
    Recogniser("mint approvers", _rx(
        r"""only\s+(?P<names>.+?)\s+(?:may|can|shall|(?:is|are)\s+(?:allowed|permitted)\s+to)\s+approve\s+
            (?:token\s+)?(?:mints?|minting|mint\s+requests|token\s+mints|the\s+minting\s+of\s+tokens)""",
        r"(?:the\s+)?(?:token\s+)?mint(?:ing)?\s+approvers?(?:\s*[:=]\s*|\s+(?:is|are)\s+)(?P<names>.+)",
        r"""(?:every\s+|each\s+|any\s+)?(?:token\s+)?mints?\s+
            (?:must|shall|needs?\s+to|has\s+to|have\s+to|may\s+only|can\s+only)\s+be\s+approved\s+by\s+
            (?:one\s+of\s+)?(?P<names>.+)""",
    ), _approvers, re.compile(r"approv|\bmint", re.I), "Only alice and bob may approve mints."),
    Recogniser("two-person rule for mints", _rx(
        rf"""(?:every\s+|each\s+|any\s+|all\s+)?(?:token\s+)?(?:mints?|minting|mint\s+requests?)
             (?:\s+(?:of\s+)?(?:above|over|exceeding|larger\s+than|greater\s+than|more\s+than|bigger\s+than)\s+
                {_QUANT})?
             \s+(?:must\s+be\s+approved\s+by|must\s+have|must\s+get|needs?|requires?|shall\s+need|shall\s+require)\s+
             (?:(?:the\s+)?approvals?\s+(?:of|from|by)\s+)?(?:at\s+least\s+)?{_PEOPLE}""",
        rf"""(?:a\s+)?(?:two|four)[- ](?:person|eyes)\s+(?:rule|principle|approval)\s+(?:applies\s+to|for|on)\s+
             (?:every\s+|all\s+|each\s+)?(?:token\s+)?(?:mints?|minting)
             (?:\s+(?:above|over|exceeding|larger\s+than|greater\s+than|more\s+than)\s+{_QUANT})?
             (?P<k>)""",
    ), _quorum, re.compile(r"approv|\bmint|two[- ]person|four[- ]eyes", re.I),
        "Mints above 500 kWh need two approvers."),
)
_RESIDENCY_HINT = re.compile(r"\bteams?\b|\bregions?\b|\b[a-z]{2}-[a-z]+-\d\b", re.I)
_RESIDENCY_EXAMPLE = "Team data may only run in eu-west-1 and eu-north-1."


def _unrecognised(norm: str) -> SentenceError:
    if _IMPERATIVE.match(norm):
        return SentenceError(INSTRUCTION_REASON, "instruction")
    for rec in RECOGNISERS:
        if rec.example and rec.hint.search(norm):
            return SentenceError(f"not recognised: looks like a rule about {rec.kind} but matches no "
                                 f"accepted phrasing, e.g. {rec.example!r} (see policies/README.md)",
                                 "unrecognised")
    if _RESIDENCY_HINT.search(norm):
        extra = " (exclusions such as 'may not run in' are not supported: list the allowed regions)" \
            if re.search(r"\b(?:not|never)\b", norm, re.I) else ""
        return SentenceError(f"not recognised: looks like a rule about data residency but matches no "
                             f"accepted phrasing, e.g. {_RESIDENCY_EXAMPLE!r}{extra}", "unrecognised")
    return SentenceError("not a policy constraint: matches none of the accepted phrasings "
                         "(see policies/README.md)", "unrecognised")


def is_instruction(norm: str) -> bool:
    """True if the sentence addresses the system (and so can never be a constraint)."""
    return bool(_INSTRUCTION.search(norm))


def interpret_sentence(norm: str) -> Interpretation:
    """The constraint(s) one normalised sentence states; raises SentenceError with the reason."""
    if is_instruction(norm):
        raise SentenceError(INSTRUCTION_REASON, "instruction")
    residency = _residency(norm)
    if residency is not None:
        return residency
    for rec in RECOGNISERS:
        for rx in rec.patterns:
            m = rx.fullmatch(norm)
            if m:
                return rec.build(m)
    raise _unrecognised(norm)
