"""One request read into tool calls, or into the reply the copilot gives instead of running a tool.

``understand(text, world)`` finds which tools a request asks for (each in its own clause, in the
order written), their arguments (time against ``world.now``, places, the ledger's teams, ids,
prices, filters), and its polarity (``copilot.agent.polarity``: negated, hypothetical and undo
requests never run a write tool). When a required argument is missing, unknown, ambiguous or out of
range it asks one short question instead of guessing; explanations, small talk and requests no chat
tool serves get a plain reply. A follow-up ("and by region?", "now for ml") re-asks the previous
read with the new arguments.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from copilot.agent.polarity import (
    WRITE_TOOLS,
    declined,
    forbidden_writes,
    is_hypothetical,
    named_writes,
    without_hypothetical,
    without_negated,
)
from copilot.agent.understand import entities as ent
from copilot.agent.understand.arguments import (
    MAX_FORECAST_H,
    AskError,
    calls_for,
    emissions_args,
    forecast_args,
    recommendation_args,
    summary_args,
)
from copilot.agent.understand.cues import find_cues, resolve, segments
from copilot.agent.understand.glossary import DEFINE, EXPLAIN, NOT_A_TERM, explanation
from copilot.agent.understand.lexicon import OUT_OF_SCOPE, REFERENCED_PLAN, SMALL_TALK, STRONG
from copilot.agent.understand.neighbours import suggest
from copilot.agent.understand.places import find_places
from copilot.agent.understand.when import day_range, horizon_hours, iso_week
from copilot.agent.understand.words import normalise
from copilot.agent.understand.world import DEFAULT_TEAMS, LATEST_VERIFICATION, READ_TOOLS, Call, Reading, World

__all__ = ["DEFAULT_TEAMS", "LATEST_VERIFICATION", "Call", "Reading", "World", "understand"]

SUPPOSE = re.compile(r"\b(?:what if|suppose|supposing|imagine|hypothetically|say we)\b"
                     r"|\bwhat would\b.{0,40}\bif\b"
                     r"|\bif (?:we|i|everything|all|our)\b.{0,60}\bwould\b"
                     r"|\bwould\b.{0,60}\bif (?:we|i|everything|all)\b")
"""A question about a change of setting (never a request to run anything)."""
READ_CUES = ("emissions", "forecast", "recommendations", "evidence", "balances", "policy", "summary")
_UNDO = re.compile(r"\b(?:undo|revert|roll ?back|delete|unmint|un-mint|erase|wipe|purge)\b")
"""Requests to take back what the append-only ledger and chain keep (no tool can)."""


_SAME_TIME = re.compile(r"\b(?:that|the same|those|this same)\s+(?:week|period|days?|dates?|time(?:\s+span)?|range"
                        r"|window)\b|\bsame (?:time|window|period)\b")
"""A later part of a request that refers back to the time an earlier part named."""


def _with_time_of(before: Call, call: Call) -> Call:
    """``call`` with the period of ``before`` when it names none itself (a week from a day range
    inside one ISO week, a day range from a week)."""
    if any(k in call.args for k in ("week", "start", "end")):
        return call
    start, end, week = before.args.get("start"), before.args.get("end"), before.args.get("week")
    if call.tool == "summary" and start and end:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        if iso_week(first) == iso_week(last):
            return Call(call.tool, call.args | {"week": iso_week(first)})
    if call.tool == "emissions" and week:
        monday = date.fromisocalendar(int(week[:4]), int(week[-2:]), 1)
        return Call(call.tool, call.args | {"start": monday.isoformat(),
                                            "end": (monday + timedelta(days=6)).isoformat()})
    if call.tool == "emissions" and (start or end):
        return Call(call.tool, call.args | {k: v for k, v in (("start", start), ("end", end)) if v})
    return call


def _clarify(text: str) -> Reading:
    return Reading(reply=text, kind="clarify")



def _explain(t: str) -> bool:
    """Whether ``t`` asks what a term means rather than for data: always for "what does X mean",
    "what is a X", "how does X work"; for a bare "what is X?" only when no tool's words are in it."""
    if ent.hex_ids(t):
        return False
    if DEFINE.search(t):
        return True
    return bool(EXPLAIN.search(t)) and not NOT_A_TERM.search(t) and not any(
        re.search(STRONG[tool], t) for tool in READ_CUES)


def _follow_up(t: str, previous: Reading | None, world: World) -> Reading | None:
    """A short request with no tool of its own that changes the previous read's arguments."""
    if previous is None or not previous.calls:
        return None
    last = previous.calls[-1]
    if last.tool not in READ_TOOLS or len(t.split()) > 10:
        return None
    if not re.match(r"^(?:and|also|now|what about|how about|same|ok(?:ay)?[, ]+(?:and|now)|then|for|in|by|per|only"
                    r"|just)\b",
                    t) and len(t.split()) > 4:
        return None
    try:
        if last.tool in ("account", "emissions"):
            _, new = emissions_args(t, world)
            if not new:
                return None
            if not ent.group_by(t):
                new.pop("group_by", None)  # keep the previous grouping unless a new one is named
            base = dict(last.args)
            return Reading(calls=[Call("emissions", base | new)])
        if last.tool == "forecast":
            regions = find_places(t).regions
            hours = horizon_hours(t)
            if not regions and hours is None:
                return None
            base = dict(last.args)
            if hours is not None:
                base["hours"] = min(hours, MAX_FORECAST_H)
            return Reading(calls=[Call("forecast", base | {"region": r}) for r in regions] or [Call("forecast", base)])
        if last.tool == "summary":
            new_args = summary_args(t, world)
            if new_args == [{}]:
                return None
            return Reading(calls=[Call("summary", dict(last.args) | a) for a in new_args])
        if last.tool == "recommendations":
            new = {k: v for k, v in recommendation_args(t, world).items() if k != "limit" or ent.limit(t)}
            if not new:
                return None
            return Reading(calls=[Call("recommendations", dict(last.args) | new)])
    except AskError as ask:
        return _clarify(str(ask))
    return None


def _fallback(t: str, world: World) -> Reading | None:
    """A request with no tool word that still says enough: a region with a horizon is a forecast, a
    team or region with a period or grouping is an emissions breakdown, a bare id is its evidence."""
    places = find_places(t)
    if places.regions and (horizon_hours(t) is not None or ent.forecast_model(t)
                           or re.search(r"\b(?:next|tomorrow|ahead|tonight|coming)\b", t)):
        return Reading(calls=[Call("forecast", a) for a in forecast_args(t, world, t)])
    teams = ent.find_teams(t, world.teams).teams
    if (teams or places.regions) and (ent.group_by(t) or day_range(t, world.now)
                                      or re.search(r"\b(?:numbers|figures|stats|breakdown)\b", t)):
        name, args = emissions_args(t, world)
        return Reading(calls=[Call(name, args)])
    ids = ent.hex_ids(t)
    if ids and not ent.plan_id(t) and re.search(r"\b(?:show|open|look|inspect|details?|check|see)\b", t):
        if world.id_kind is not None and world.id_kind(ids[0][1]) == "plan":  # the ledger says what it is
            return Reading(calls=[Call("recommendations", {"plan_id": ids[0][1], "limit": 10})])
        return Reading(calls=[Call("evidence", {"verification_id": ids[0][1]})])
    return None


def _read(t: str, text: str, world: World, previous: Reading | None, forbidden: set[str]) -> Reading:
    cues = resolve(find_cues(t), t)
    if not cues:
        try:
            found = _follow_up(t, previous, world) or _fallback(t, world)
        except AskError as ask:
            return _clarify(str(ask))
        if found is not None:
            return found
        guess = None if is_hypothetical(text) or forbidden else suggest(t)  # closest labelled examples (reads only)
        if guess:
            try:
                return Reading(calls=calls_for(guess, t, t, world, {}))
            except AskError as ask:
                return _clarify(str(ask))
        if forbidden:  # "no simulations today": a refusal with nothing left to read
            return Reading(reply=declined(text, sorted(forbidden & named_writes(t)) or ["anything"]), kind="declined")
        return Reading(kind="help")
    named = sorted({tool for _, tool in cues} & forbidden)
    if previous is None and re.fullmatch(r"(?:please\s+|ok\s+|now\s+)*(?:verify|execute|exec|apply|run|mint)\s+"
                                         r"(?:it|that|this|them|those)\W*", t):
        return _clarify("Which one? Nothing earlier in this conversation says what 'it' is: name the plan or "
                        "verification id, or say 'the latest plan'.")
    try:
        calls: list[Call] = []
        carried: dict[str, Any] = {}
        for tool, seg in segments(t, cues):
            if tool in forbidden:
                calls.append(Call(tool, {}))  # dropped below; its arguments do not matter
                continue
            repeat = re.search(r"\b(?:then|and)\s+(?:then\s+)?(?:another|one more|a second|again)\b", seg)
            if repeat and tool in ("plan", "forecast", "simulate"):  # "a plan at 0, and then another at 150 USD/t"
                first = calls_for(tool, seg[:repeat.start()], t, world, carried)
                second = calls_for(tool, seg[repeat.start():], t, world, carried)
                calls.extend(first)
                calls.extend(Call(c.tool, first[-1].args | c.args) for c in second)  # the rest is shared
                continue
            made = calls_for(tool, seg, t, world, carried)
            if calls and _SAME_TIME.search(seg):  # "... plus the weekly summary for that week"
                made = [_with_time_of(calls[-1], c) for c in made]
            calls.extend(made)
    except AskError as ask:
        return _clarify(str(ask))
    dropped = [c.tool for c in calls if c.tool in forbidden]
    kept = [c for c in calls if c.tool not in forbidden]
    if dropped and not kept:
        rest = without_negated(text)
        if rest and rest != text and normalise(rest) != t:
            again = _read(normalise(rest), rest, world, None, forbidden)
            if again.calls:
                again.dropped = dropped
                return again
        return Reading(reply=declined(text, dropped or named), kind="declined", dropped=dropped)
    return Reading(calls=kept, dropped=dropped)


def understand(text: str, world: World | None = None, previous: Reading | None = None) -> Reading:
    """Read one request (see the module docstring)."""
    world = world or World()
    t = normalise(text)
    if not t:
        return Reading(kind="help")
    if _UNDO.search(t):
        return Reading(reply=declined(text, ["anything"]), kind="declined")
    if SMALL_TALK.match(t) and not find_cues(t):
        return Reading(reply="Hello! Ask me about emissions, forecasts, plans, verifications, tokens or the "
                             "policy, or ask me to plan, execute, verify or mint.", kind="small_talk")
    for pattern, reply in OUT_OF_SCOPE:
        if re.search(pattern, t):
            return Reading(reply=reply, kind="out_of_scope")
    if _explain(t):
        return Reading(reply=explanation(t), kind="explain")
    forbidden = forbidden_writes(text) | forbidden_writes(t)
    if is_hypothetical(text):
        asked_about = [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if is_hypothetical(s)]
        writes = {tool for s in asked_about for tool in named_writes(REFERENCED_PLAN.sub(" ", normalise(s)))}
        if not writes and any(SUPPOSE.search(normalise(s)) for s in asked_about):
            writes = {"a change"}  # "what if we set the carbon price to $200?": about a change, never a run
        if writes:  # a question about an action: answer it, run only what other sentences ask to read
            rest = without_hypothetical(text)
            if rest:
                again = _read(normalise(rest), rest, world, previous, set(WRITE_TOOLS))
                if again.calls:
                    again.dropped = sorted(writes & set(WRITE_TOOLS))
                    return again
            if re.search(r"\b(?:show|list|display|give me|tell me|pull up)\b", t):
                again = _read(t, text, world, previous, set(WRITE_TOOLS))  # "don't execute yet, show me ..."
                if again.calls:
                    again.dropped = sorted(writes & set(WRITE_TOOLS))
                    return again
            dropped = sorted(writes & set(WRITE_TOOLS))
            return Reading(reply=declined(text, sorted(writes)), kind="declined", dropped=dropped)
    return _read(t, text, world, previous, forbidden)
