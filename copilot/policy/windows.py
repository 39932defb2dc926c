"""Blackout sentences: when (and where) no job may run, once or every week.

A blackout sentence has a *trigger* ("no jobs may run", "nothing runs", "do not schedule jobs",
"us-west-2 is blacked out", "eu-north-1 is closed to new jobs", "ERCO is under a blackout",
"Blackout:", "there are two blackouts", "is a maintenance window", "change freeze"), its times
(read by ``copilot.policy.times``), optionally its regions ("in us-east-1", "for the GB zone";
none, "anywhere" or "in any region" mean every region), a reason in parentheses or a leading
"During the <event>," and nothing else: every other word must be one of the small words that
join these parts, so a qualifier the parser does not understand ("unless ...", "only for
sustainable jobs") makes the sentence unrecognised rather than half-read. A stated count ("two
blackouts") must match the windows found.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.policy.times import read_windows, tokens, window_dict
from copilot.policy.values import DEFAULT_BLACKOUT_REASON, Interpretation, PolicyItem, SentenceError, parse_regions
from copilot.policy.vocab import alias_pattern

__all__ = ["blackout"]

_JOBS = r"(?:batch\s+)?(?:jobs?|workloads?|work|compute|computations?|processing|tasks?|scheduling)"
_TRIGGERS = re.compile(rf"""
    \bno\s+(?:new\s+)?{_JOBS}(?:\s+of\s+any\s+kind)?\s+(?:may|can|shall|must|will|should|are\s+(?:allowed|permitted)\s+to)\s+(?:be\s+)?
        (?:run|ran|started|start|executed|execute|scheduled|placed|launched|occur|happen|take\s+place)\b
  | \bno\s+(?:new\s+)?{_JOBS}\s+(?:run|are\s+(?:run|scheduled|started))\b
  | \bnothing\s+(?:runs|may\s+run|can\s+run|shall\s+run|will\s+run|is\s+run|is\s+scheduled|may\s+be\s+scheduled)\b
  | \b(?:do\s+not|don't|never)\s+(?:run|schedule|start|place|launch)\s+(?:any\s+)?(?:new\s+)?{_JOBS}\b
  | \b{_JOBS}\s+(?:must|may|shall|can)\s*(?:not|never)\s+(?:be\s+)?(?:run|started|scheduled|placed|launched)\b
  | \bno\s+(?:new\s+)?{_JOBS}\b(?=\s+(?:in|on|during|between|from|anywhere|across|at|for|fleet-?wide|everywhere)\b
                                   |\s*[,;]|\s*$|\s{{2,}})
  | \b(?:we\s+)?(?:shall|will|must)\s+(?:suspend|pause|halt|stop)\s+(?:all\s+)?(?:new\s+)?{_JOBS}\b
  | \b(?:accepts?|takes?|receives?|admits?)\s+no\s+(?:new\s+)?{_JOBS}\b
  | \b(?:we\s+are|we're|we\s+will\s+be|we'll\s+be)\s+blacking\s+out\b
  | \b(?P<needs>requires?|needs?|calls?\s+for|means?)\s+an?\s+(?:(?:full|complete|total)\s+)?blackout\b
  | \b(?:is|are|will\s+be|shall\s+be)\s+
       (?:suspended|paused|halted|prohibited|forbidden|banned|not\s+(?:allowed|permitted))\b
  | \b(?:is|are|will\s+be|shall\s+be|must\s+be)\s+(?:blacked\s+out|closed(?:\s+(?:to|for)\s+(?:new\s+|all\s+)?
       (?:{_JOBS}|maintenance))?|off[- ]limits(?:\s+(?:to|for)\s+{_JOBS})?
       |unavailable(?:\s+(?:to|for)\s+(?:new\s+)?{_JOBS})?)
  | \b(?:is|are|shall\s+be|will\s+be|must\s+be)\s+(?:under|in)\s+(?:a\s+)?blackout\b
  | \b(?:is|are|will\s+be|shall\s+be)\s+frozen\b
  | \b(?:is|are)\s+(?:a|an|our)\s+(?:blackout|maintenance|freeze|change\s+freeze)\s+(?:windows?|periods?)\b
  | (?:^|(?<=[\s|:]))\s*(?:there\s+(?:is|are|will\s+be)\s+)?(?:a\s+|an\s+|(?P<count>\d+)\s+)?
        (?:(?:scheduled|planned|recurring|weekly|standing|fleet-?wide|global)\s+)*
        (?:blackout\s+(?:windows?|periods?)|blackouts?|freezes?|outages?|(?:maintenance|change|release|deploy(?:ment)?|code)\s+(?:freezes?|windows?|blackouts?))
        (?:\s+(?:is|applies|apply|runs|holds))?\s*:?
""", re.I | re.X)
_NOTE = re.compile(r"\(\s*(?P<note>[^()]*?)\s*\)")
_DURING = re.compile(r"^\s*(?:(?:during|for)\s+(?P<why>(?:the|a|an|our)\s+[a-z][\w\s'-]*?)\s*(?=,|\bon\b|$)"
                     r"|on\s+(?P<day>[a-z][\w\s'-]*?)\s*(?=,))", re.I)
_ANYWHERE = re.compile(r"\b(?:in\s+|across\s+|for\s+)?(?:any|all|every)\s+regions?\b|\banywhere\b|\beverywhere\b",
                       re.I)
_REGION = re.compile(r"\b[a-z]{2,3}-[a-z]+-?\d+[a-z]?\b|\b(?:CISO|PJM|ERCO|ISNE|SE|DE|GB|FR)\b")
_ALIAS = alias_pattern()
_GLUE = {"between", "from", "and", "to", "until", "till", "through", "thru", "on", "at", "in", "for", "of",
         "the", "a", "an", "time", "zone", "zones", "region", "regions", "grid", "local", "inclusive",
         "both", "each", "every", "t", "scheduled", "planned", "maintenance", "window", "windows", "-", "–",
         ",", ":", ";", "&", "/", "is", "are", "there", "as", "well", "also", "or", "shall", "be", "will",
         "jobs", "job", "compute", "processing", "fleet", "fleet-wide", "fleetwide", "all", "any", "kind", "entire",
         "whole", "affecting", "across", "standing", "recurring", "weekly", "during", "which", "that", "this",
         "period", "following", "next", "morning", "day", "evening", "night", "here", "it", "|", "outage", "runbook"}
_REASON = re.compile(r"\b(?:owing\s+to|due\s+to|because\s+of|on\s+account\s+of|for)\s+(?P<why>[a-z][a-z\s'-]*?)"
                     r"\s*(?=[,;.]|$|\s+(?:from|between|on|until|till|in|at)\b|\s{3})", re.I)
_NOT_GLUE = re.compile(r"\b(?:not|never|no|unless|except|only|if|when|whenever|sustainable|balanced|urgent|"
                       r"team|teams|may|should|could|might|preferably|ideally|try)\b", re.I)


_WIDE = re.compile(r"\b([A-Za-z]+(?:-[a-z]+-\d)?)-wide\b")
_ANYWHERE_IN = re.compile(rf"\b(?:anywhere|everywhere)(?=\s+in\s+(?:{_REGION.pattern}|{_ALIAS.pattern}))")


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


_LEAD_LABEL = re.compile(r"^\s*[^:;,()]{1,80}?\s*:\s+(?=\S)")
_POSSESSIVE = re.compile(r"\b(?:the\s+|our\s+)?(?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*'s\s+"
                         r"(?=(?:grid\s+|cloud\s+|compute\s+)?(?:regions?|zones?|sites?|data\s*cent(?:er|re)s?)\b)",
                         re.I)


def _descriptions(norm: str, rest: str, triggers: list[re.Match[str]],
                  notes: list[str], times: list[tuple[int, int]]) -> tuple[str, list[str]]:
    """``rest`` without descriptions of the occasion or place: a leading label ("Launch-day blackout: ...",
    "Network upgrade: ..."), the subject of "<occasion> requires a full blackout", a possessive before the
    regions ("The Pune studio's region, ap-south-1, ..."). A description holds no number, region code,
    qualifier ("only", "unless", a team or category), date, day or time, else it is left (and the sentence
    refused); the places it names are returned, to be checked against the blackout's regions."""
    spans: list[tuple[int, int]] = []
    label = _LEAD_LABEL.match(norm)
    if label:
        spans.append(label.span())
    spans += [(0, t.start()) for t in triggers if t.groupdict().get("needs") and t.start() > 0]
    spans += [m.span() for m in _POSSESSIVE.finditer(rest)]
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


def blackout(norm: str) -> Interpretation | None:
    """The blackout window(s) a sentence states, None when it is not a blackout sentence.

    Raises SentenceError when it is one but cannot be read without guessing (no zone, no year,
    unpaired times, stray words).
    """
    norm = _WIDE.sub(lambda m: m[1] + " " * 5 if _REGION.fullmatch(m[1]) or _ALIAS.fullmatch(m[1]) else m[0], norm)
    matches = list(_TRIGGERS.finditer(_mask(norm, [(t.start, t.end) for t in tokens(norm)])))
    if not matches:
        return None
    notes_at = [m.span() for m in _NOTE.finditer(norm)]  # "(release freeze)" is a reason, not a trigger
    triggers = [t for t in matches if not any(a <= t.start() < b for a, b in notes_at)] or matches[:1]
    windows = read_windows(norm)
    if not windows.one_off and not windows.recurring:
        if windows.spans:
            raise SentenceError("a blackout needs its times of day with a time zone, e.g. 'from 2026-03-01 "
                                "00:00 to 06:00 UTC' or 'every Saturday 02:00-04:00 UTC'")
        return None
    rest = _mask(norm, [*windows.spans, *(t.span() for t in triggers)])
    notes: list[str] = []
    for m in _NOTE.finditer(rest):
        if _only_regions(m["note"]):  # "(us-east-1)": where, not why ("(Texas peak)" is why)
            rest = rest[:m.start()] + f" {m['note']} " + rest[m.end():]
        elif m["note"].strip():
            notes.append(m["note"])
    rest = _NOTE.sub(lambda m: " " * len(m.group(0)), rest)
    rest, described = _descriptions(norm, rest, triggers, notes, windows.spans)
    during = _DURING.match(rest)
    if during:
        why = during["why"] or during["day"]
        if _NOT_GLUE.search(why):
            raise SentenceError(f"cannot read the qualifier {why!r} of this blackout")
        notes.insert(0, why)
        rest = rest[:during.start()] + " " * (during.end() - during.start()) + rest[during.end():]
    regions: list[str] | None = None
    rest = _ANYWHERE_IN.sub(lambda m: " " * len(m.group(0)), rest)  # "anywhere in the US": in the US
    anywhere = _ANYWHERE.search(rest)
    if anywhere:
        rest = rest[:anywhere.start()] + " " * (anywhere.end() - anywhere.start()) + rest[anywhere.end():]
    rest = re.sub(rf"({_REGION.pattern}|{_ALIAS.pattern})\s+only\b", lambda m: m.group(1) + " " * 5, rest)
    named = [m.group(0) for rx in (_REGION, _ALIAS) for m in rx.finditer(rest)]
    if named:
        if anywhere:
            raise SentenceError("the blackout names regions and also says 'any region'")
        regions = parse_regions(", ".join(named))
        rest = _ALIAS.sub(" ", _REGION.sub(" ", rest))
    if described and not set(described) <= set(regions or ()):
        raise SentenceError("the description of the place names regions the blackout does not name: "
                            f"{', '.join(described)}")
    for m in reversed(list(_REASON.finditer(rest))):  # "owing to scheduled maintenance", "for patching"
        why = " ".join(w for w in m["why"].split() if w.lower() not in _GLUE)
        if why and not _NOT_GLUE.search(m["why"]) and len(m["why"].split()) <= 6:
            notes.append(why)
            rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]
    stray = [w for w in re.findall(r"[\w'.-]+|[^\s\w]", rest) if w.lower() not in _GLUE]
    coded = [w for w in stray if re.fullmatch(r"[a-z]+(?:-[a-z]+)*-\d+[a-z]?", w, re.I)]
    if coded:
        raise SentenceError(f"unexpected words in the region list: {' '.join(coded)!r} (unknown region codes)")
    if stray:
        raise SentenceError(f"not recognised: a blackout with words the parser cannot read: {' '.join(stray)!r} "
                            "(e.g. 'No jobs may run between 2026-03-01 00:00 and 06:00 UTC in us-east-1.')",
                            "unrecognised")
    count = next((t["count"] for t in triggers if t["count"] is not None), None)
    found = len(windows.one_off) + len(windows.recurring)
    if count is not None and int(count) != found:
        raise SentenceError(f"the sentence announces {count} blackouts but gives {found}")
    note = "; ".join(notes) or None
    items: list[PolicyItem] = [PolicyItem("blackout_windows", window_dict(a, b, regions, note))
                               for a, b in windows.one_off]
    for rec in windows.recurring:
        value: dict[str, Any] = {**rec, "regions": regions, "reason": note or DEFAULT_BLACKOUT_REASON}
        items.append(PolicyItem("recurring_blackouts", value))
    return Interpretation(tuple(items), tuple(windows.warnings))
