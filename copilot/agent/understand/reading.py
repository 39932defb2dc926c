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

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
from copilot.agent.understand.glossary import DEFINE, EXPLAIN, NOT_A_TERM, explanation
from copilot.agent.understand.lexicon import (
    GENERIC_GO,
    OUT_OF_SCOPE,
    REFERENCED_PLAN,
    REFERENCED_RUN,
    SMALL_TALK,
    STRONG,
    WEAK,
)
from copilot.agent.understand.neighbours import suggest
from copilot.agent.understand.places import find_places
from copilot.agent.understand.when import day_range, horizon_hours, week_of
from copilot.agent.understand.words import normalise
from tools.regions import REGIONS

DEFAULT_TEAMS = ("ml", "data", "web", "platform", "research")
"""Teams assumed when the ledger holds none yet (the simulator's)."""

SUPPOSE = re.compile(r"\b(?:what if|suppose|supposing|imagine|hypothetically|say we)\b"
                     r"|\bwhat would\b.{0,40}\bif\b"
                     r"|\bif (?:we|i|everything|all|our)\b.{0,60}\bwould\b"
                     r"|\bwould\b.{0,60}\bif (?:we|i|everything|all)\b")
"""A question about a change of setting (never a request to run anything)."""
READ_CUES = ("emissions", "forecast", "recommendations", "evidence", "balances", "policy", "summary")
READ_TOOLS = ("account", "emissions", "forecast", "recommendations", "evidence", "balances", "policy", "summary")
LATEST_VERIFICATION = "<latest verification>"
"""Placeholder argument: the largest mintable verification of this turn's verify result."""

MAX_SIM_DAYS, MAX_FORECAST_H, MAX_PLAN_DAYS, MAX_LIMIT = 365, 168, 366, 50


@dataclass(frozen=True)
class World:
    """What the reader knows beyond the text: the clock (UTC) and the ledger's teams."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    teams: tuple[str, ...] = DEFAULT_TEAMS


@dataclass
class Call:
    """One tool call: its name and arguments (``LATEST_VERIFICATION`` resolved from results)."""

    tool: str
    args: dict[str, Any]


@dataclass
class Reading:
    """What a request asks: tool calls in order, or a reply when no tool runs.

    kind: tools | clarify | explain | out_of_scope | small_talk | declined | help
    dropped: write tools the request named but its polarity forbids."""

    calls: list[Call] = field(default_factory=list)
    reply: str | None = None
    kind: str = "tools"
    dropped: list[str] = field(default_factory=list)


def _clarify(text: str) -> Reading:
    return Reading(reply=text, kind="clarify")


def _known(regions: list[str]) -> str:
    return ", ".join(sorted(regions, key=str.lower))


# --------------------------------------------------------------------------------------------- cues

_PRICE = re.compile(r"(?:\$|usd\s*)?\d[\d.,]*\s*(?:\$|usd|dollars?)?\s*(?:/|per|a|an)\s*(?:metric\s+)?"
                    r"(?:tonnes?|tons?|t|kg)"
                    r"(?:\s*(?:of\s+)?co2e?)?\b")
_GOAL = re.compile(r"\b(?:cut|reduce|lower|decrease|minimi[sz]e|shrink|curb|bring down)\s+(?:our |the |fleet )?"
                   r"(?:emissions|carbon|co2e?|footprint)\b")
"""A goal ("... to cut emissions"), not a request for emission figures."""
_TOPIC = re.compile(r"\b(?:about|regarding|concerning) (?:the |our )?(?:minting|mints|execution|executing|verification"
                    r"|verifying|planning|simulation|simulating)\b(?!\s+[0-9a-f]{16})")
"""A write named as a topic ("what does the policy say about minting?")."""
_UNDO = re.compile(r"\b(?:undo|revert|roll ?back|delete|unmint|un-mint|erase|wipe|purge)\b")
"""Requests to take back what the append-only ledger and chain keep (no tool can)."""
_BACKGROUND = re.compile(r"^(?:after|once|since|as|because|given|now that|following|having)\b[^,;.\u2014]*[,;.\u2014]")
"""A leading clause that gives context ("after reviewing the evidence with compliance, ...")."""


def _strong_cues(t: str) -> list[str]:
    """Tools whose strong cue is in ``t``."""
    focus = _focus(t)
    return [tool for tool, p in STRONG.items() if re.search(p, focus)]


def _cues_in(t: str) -> bool:
    return any(re.search(p, t) for p in STRONG.values())


def _focus(t: str) -> str:
    """``t`` with what asks for no tool blanked out (same length): prices ("$80 per t co2" is an
    argument, not emissions) and a leading context clause ("after reviewing the evidence, mint X")."""
    t = _PRICE.sub(lambda m: " " * len(m.group(0)), t)
    t = _GOAL.sub(lambda m: " " * len(m.group(0)), t)
    t = _TOPIC.sub(lambda m: " " * len(m.group(0)), t)
    background = _BACKGROUND.match(t)
    if background and _cues_in(t[background.end():]):
        t = " " * background.end() + t[background.end():]
    return t


_CLAUSE_START = re.compile(r"[,.;:!?\u2014\u2013(]|\s-\s|\bthen\b|\band\b|\bbut\b|\bso\b")
_COMMAND_PREFIX = re.compile(
    r"(?:(?:ok|okay|so|alright|right|now|then|also|and|pls|please|kindly|just|quickly|go ahead and|let'?s|lets"
    r"|can you|could you|would you|will you|can we|could we|i want you to|i need you to|i'?d like(?: you)? to"
    r"|i would like(?: that)? you(?: to)?|i would like to|we need to|i want to|i need to|we want to|time to|you can"
    r"|help me|try to|first|next|finally|don'?t forget to|remember to|make sure to|be sure to|hey|hi|yes|yeah|sure"
    r"|great|thanks|cool|approved|fresh start|asap|now please|please also|also please|ok then|right then|go"
    r"|is (?:it )?possible (?:that you|to|for you to)|please to|after that|after)"
    r"\s*[,!]?\s*)*"
    r"(?:(?:make|create|draft|build|produce|prepare|come up with|put together|generate|give me|get me|do|run|need"
    r"|want|start|kick off|launch|trigger|fire off|compute|calculate|find|work out|spin up|set up|populate|load"
    r"|fill|re-?run|redo)\b\s*(?:(?:me|us|a|an|the|another|new|fresh|some|quick|full|complete|proper|greener"
    r"|cleaner|better|exact|greedy|optimal|week-long|\d+[- ]?days?|carbon-aware|updated|revised|second|ledger"
    r"|with|of|simulated|synthetic)\s+){0,4})?")
"""What may stand before a write tool's word in its clause for the clause to be a command ("please",
"can you", "go ahead and", "make a new ..."). A write word anywhere else is a noun or a topic ("the
rescheduled jobs", "how much did the simulation emit", "policy on minting") and runs nothing."""
_PASSIVE_COMMAND = re.compile(r"\b(?:needs?|has|have|must|should) (?:to )?be (executed|verified|minted|simulated"
                              r"|planned)\b(?! (?:yet|already))")
_PARTICIPLE_TOOL = {"exec": "execute", "veri": "verify", "mint": "mint", "simu": "simulate", "plan": "plan"}


_QUESTION_START = re.compile(r"^(?:what|which|how|why|when|where|who|whose|did|does|do|is|are|was|were|has|have|had"
                             r"|will|would|should)\b")
_READ_WORDS = re.compile(r"\b(?:emissions?|emit\w*|co2e?|carbon|footprint|forecast|intensity|summary|report|policy"
                         r"|balances?|tokens?|recommendations?|recs|evidence|totals?|show|list|display|tell|explain"
                         r"|kwh|energy|grid|history|log)\b")
_DEFINITE = re.compile(r"\b(?:the|this|that|these|those|its|their|our|my|your|each|every|any|no|last|latest"
                       r"|previous)$")
_CREATE = re.compile(r"\b(?:make|create|draft|build|produce|prepare|put together|generate|give|get|do|run|need|want"
                     r"|start|kick off|launch|trigger|compute|find|spin up|set up|populate|re-?run|redo|have)\b")


_PARTICIPLE = re.compile(r"(?:re-?)?(?:schedul|plann|execut|verifi|mint|simulat|optimi[sz]|appli|implement|tokeni[sz]"
                         r"|shift|deferr|issu|validat|attest)ed\b")
"""A write verb's past participle ("the rescheduled jobs", "minted"): it names a state, never a request."""


def _commanded(t: str, pos: int) -> bool:
    """Whether the write word at ``pos`` is asked for rather than talked about: it opens its clause
    after only politeness or a request frame ("please", "can you", "go ahead and", "make a new"), or
    stands in a short clause with no question word, no word about data to read and no definite
    article before it ("greedy plan, 7 days" asks; "the mint history", "emissions of the rescheduled
    jobs" and "how much did the simulation emit" talk about)."""
    starts = [m.end() for m in _CLAUSE_START.finditer(t, 0, pos)]
    prefix = t[starts[-1] if starts else 0:pos].strip()
    if _COMMAND_PREFIX.fullmatch(prefix) is not None:
        return True
    if _QUESTION_START.match(prefix) or _READ_WORDS.search(prefix) or len(prefix.split()) > 6:
        return False
    return not (_DEFINITE.search(prefix) and not _CREATE.search(prefix))


def _cues(t: str) -> list[tuple[int, str]]:
    """(position, tool) of every tool a normalised request asks for, weak cues only where no strong
    cue of another tool is within the same clause."""
    t = _focus(t)
    plan_free = REFERENCED_PLAN.sub(lambda m: " " * len(m.group(0)), t)
    run_free = REFERENCED_RUN.sub(lambda m: " " * len(m.group(0)), t)
    found: dict[str, int] = {}
    for tool, pattern in STRONG.items():
        text = plan_free if tool == "plan" else run_free if tool == "simulate" else t
        for m in re.finditer(pattern, text):
            if tool in WRITE_TOOLS and _PARTICIPLE.match(text, m.start()):
                continue  # "the rescheduled jobs", "minted": a past participle names a state, not a request
            if tool not in WRITE_TOOLS or _commanded(t, m.start()):
                found[tool] = m.start()
                break
    for passive in _PASSIVE_COMMAND.finditer(t):  # "the plan needs to be executed"
        found.setdefault(_PARTICIPLE_TOOL[passive.group(1)[:4]], passive.start())
    for tool, pattern in WEAK.items():
        weak = re.search(pattern, t)
        if weak and tool not in found and not found:
            found[tool] = weak.start()
    return sorted((pos, tool) for tool, pos in found.items())


_STRONG_BREAK = re.compile(r"[;!?+]|\.(?=\s|$)|,\s*(?:and\s+)?(?:then|plus|also)\b|\bthen\b|\bplus\b|\bas well as\b"
                           r"|\band also\b|\band the\b")
"""What separates two requests in one message (a plain "and" may join a verb and its object)."""


def _only_generic_go(t: str) -> bool:
    """Whether the only execute words in ``t`` are a generic "go ahead" / "do it"."""
    return bool(GENERIC_GO.search(t)) and not re.search(STRONG["execute"], GENERIC_GO.sub(" ", t))


def _resolve(cues: list[tuple[int, str]], t: str) -> list[tuple[int, str]]:
    """Drop cues that a more specific tool in the same request explains ("apply the recommendations"
    is one execute; "the evidence ... before anyone approves minting" is one evidence). A cue
    separated from the explaining one by a full stop, "then" or "plus" is a request of its own."""
    t = _focus(t)
    pos = {tool: p for p, tool in cues}
    tools = set(pos)
    stripped = REFERENCED_PLAN.sub(" ", t)
    has_id = bool(ent.hex_ids(t))
    explicit_emissions = re.search(r"\bemissions?\b|\bemit|\bfootprint\b|\btotals?\b|\baccount", t)
    explicit_forecast = re.search(r"\bforecast|\bpredict|\bday[- ]ahead\b|\boutlook\b|\bfcst\b", t)
    literal_plan = re.search(r"\b(?:re-?)?plan(?:s|ning)?\b|\bplanner\b|\boptimi[sz]", stripped)
    in_policy = bool(re.search(r"\b(?:in|of|from|under|per|by) (?:the |our |my )?(?:active |current )?(?:governance )?"
                               r"polic", t))
    listing = re.search(r"\b(?:show|list|see|display|which|what|view|give me|pull up)\b", t)
    rules: list[tuple[str, set[str], bool]] = [
        ("emissions", {"account"}, True),  # one emissions request: totals or a breakdown, by its arguments
        ("evidence", {"verify"}, "verify" not in tools or (has_id and not re.search(r"\bverif(?:y|ying)\b", t))),
        ("emissions", {"summary"},
         bool(re.search(r"\bregions?\b", t)) and not re.search(r"\bsummar|\breport|\brecap", t)),
        ("summary", {"emissions", "forecast"}, True),
        ("forecast", {"emissions"}, not re.search(r"\bemissions?\b|\bemit", t)),
        ("policy", {"plan"}, in_policy or not literal_plan),
        ("policy", {"forecast", "emissions", "balances"}, in_policy),
        ("recommendations", {"verify"}, bool(re.search(r"\bverified (?:recs|recommendations)\b", t))
         and not re.search(r"\bverif(?:y|ying)\b", t)),
        ("recommendations", {"plan"}, not re.search(r"\b(?:re-?)?plan(?:s|ning)?\b(?!\s+[0-9a-f]{6,16}\b)", stripped)),
        ("balances", {"mint"}, not re.search(r"\bmint\b(?! anything)", t)),
        ("balances", {"emissions"}, True),
        ("evidence", {"emissions"}, not explicit_emissions),
        ("mint", {"emissions"}, not explicit_emissions),
        ("verify", {"emissions", "recommendations"}, not explicit_emissions and not listing),
        ("execute", {"emissions", "recommendations"}, not explicit_emissions and not listing),
        ("execute", {"plan"}, not literal_plan),
        ("plan", {"emissions"}, not explicit_emissions),
        ("mint", {"verify"}, not re.search(STRONG["verify"], t)),
        ("simulate", {"forecast", "emissions"}, not explicit_forecast and not explicit_emissions),
        ("plan", {"forecast"}, not explicit_forecast),
        ("recommendations", {"balances"}, True),
        ("recommendations", {"policy"}, not re.search(r"\bpolic(?:y|ies)\b", t)),
        ("policy", {"mint", "execute"},
         bool(re.search(r"\bwho (?:can|may|is allowed to|are allowed to) approve\b|\bapprovers?\b", t))),
        ("evidence", {"mint"}, bool(re.search(r"\b(?:before|until|unless)\b.{0,30}\bmint", t))),
        ("mint", {"execute"}, _only_generic_go(t)),
        ("verify", {"execute"}, _only_generic_go(t)),
        ("plan", {"execute"}, _only_generic_go(t)),
        ("simulate", {"execute"}, _only_generic_go(t)),
        ("mint", {"evidence"}, not re.search(r"\bevidence\b|\bproof\b|\bwhat backs\b|\baudit trail\b"
                                             r"|\bwhat'?s behind\b", t)),
    ]
    drop: set[str] = set()
    for winner, losers, condition in rules:
        if winner not in tools or winner in drop or not condition:
            continue
        for loser in losers & tools:
            a, b = sorted((pos[winner], pos[loser]))
            apart = _STRONG_BREAK.search(t, a, b) or (winner == "emissions" and re.search(r"[,;]", t[a:b]))
            if not apart:
                drop.add(loser)
    return [(p, tool) for p, tool in cues if tool not in drop]


_SEGMENT_BREAK = re.compile(r"[,;:!?+]|\.(?=\s|$)|\s-\s|\bthen\b|\band\b|\bbut\b|\balso\b|\bplus\b")


def _cue_end(t: str, pos: int, tool: str) -> int:
    """Where the cue of ``tool`` found at ``pos`` ends."""
    for pattern in (STRONG.get(tool), WEAK.get(tool)):
        if pattern:
            m = re.compile(pattern).match(t, pos)
            if m:
                return m.end()
    return pos


def _segments(t: str, cues: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """Each cue's tool with the part of the request that belongs to it: up to the last break before
    the next cue, or, without a break, up to the end of its own cue word (what follows it then
    qualifies the next tool: "no new plan - what were the rejected recs")."""
    if len(cues) == 1:
        return [(cues[0][1], t)]
    out = []
    start = 0
    for i, (pos, tool) in enumerate(cues):
        if i + 1 < len(cues):
            nxt = cues[i + 1][0]
            breaks = [m.start() for m in _SEGMENT_BREAK.finditer(t, pos, nxt)]
            end = breaks[-1] if breaks else max(_cue_end(t, pos, tool), pos + 1)
        else:
            end = len(t)
        out.append((tool, t[start:end]))
        start = end
    return out


# ---------------------------------------------------------------------------------------- arguments

class _AskError(Exception):
    """A question back to the user instead of a guessed argument."""


def _teams(seg: str, world: World) -> list[str]:
    found = ent.find_teams(seg, world.teams)
    if found.unknown and not found.teams:
        raise _AskError(f"I don't know a team called '{found.unknown[0]}'. Teams in the ledger: "
                   f"{', '.join(world.teams)}. Which one did you mean?")
    return found.teams


def _regions(seg: str) -> list[str]:
    places = find_places(seg)
    if places.unknown and not places.regions:
        raise _AskError(f"'{places.unknown[0]}' is not a region I know. Known regions: {_known(list(REGIONS))}.")
    if places.ambiguous and not places.regions:
        name, candidates = next(iter(places.ambiguous.items()))
        raise _AskError(f"'{name}' could mean {', '.join(candidates)}. Which region?")
    return places.regions


def _emissions_args(seg: str, world: World) -> tuple[str, dict[str, Any]]:
    unsupported = re.search(r"\b(partition|namespace|project|node pool|queue|user|customer|cost cent(?:er|re))s?\b",
                            seg)
    if unsupported:
        raise _AskError(f"Emissions are broken down by team, region, day or hour; I cannot filter by "
                        f"{unsupported.group(1)}. Which team or region do you mean?")
    args: dict[str, Any] = {}
    teams, regions = _teams(seg, world), _regions(seg)
    group = ent.group_by(seg)
    days = day_range(seg, world.now)
    if teams:
        args["team"] = teams[0]
    if regions:
        args["region"] = regions[0]
    if days:
        if days.start:
            args["start"] = days.start.isoformat()
        if days.end:
            args["end"] = days.end.isoformat()
    if group:
        args["group_by"] = group
    if not args:
        profile = ent.account_profile(seg) or (
            provider.group(1) if (provider := re.search(r"\b(aws|gcp|azure)\b", seg)) and not find_places(seg).regions
            else None)
        return "account", ({"profile": profile} if profile else {})
    args.setdefault("group_by", "region" if teams else "team")
    return "emissions", args


def _forecast_args(seg: str, world: World, whole: str) -> list[dict[str, Any]]:
    regions = _regions(seg) or _regions(whole)
    if not regions:
        raise _AskError(f"Which region should I forecast? Known regions: {_known(list(REGIONS))}.")
    args: dict[str, Any] = {}
    hours = horizon_hours(seg)
    if hours is not None:
        if hours > MAX_FORECAST_H:
            raise _AskError(f"I forecast at most {MAX_FORECAST_H} hours (7 days) ahead; shall I forecast "
                       f"{MAX_FORECAST_H} hours?")
        args["hours"] = max(1, hours)
    else:
        bare = re.search(r"(?<![\w.-])(\d{1,3})\s*$", seg.rstrip("?!. "))  # "fcst erco 24"
        if bare and 1 <= int(bare.group(1)) <= MAX_FORECAST_H:
            args["hours"] = int(bare.group(1))
    unsupported = re.search(r"\b(transformer|xgboost|arima|sarima|prophet|lightgbm|gbm|random forest|gpt\w*|llm)\b",
                            seg)
    if unsupported:
        raise _AskError(f"There is no {unsupported.group(1)} forecaster here; the models are auto, ridge, "
                        f"persistence-24h, persistence-168h and lstm. Which one?")
    models = ent.forecast_models(seg)
    if len(regions) > 1 and len(models) == len(regions):  # "Ireland with lstm and Germany with ridge"
        return [{"region": r, **args, "model": m} for r, m in zip(regions, models, strict=True)]
    return [{"region": region, **args} | ({"model": model} if model else {})
            for region in regions for model in (models or [""])]


def _days(seg: str, most: int, too_long: str) -> dict[str, Any]:
    """``{"days": N}`` from a horizon in ``seg`` (hours round up to whole days), or a question back."""
    hours = horizon_hours(seg)
    if hours is None:
        return {}
    days = math.ceil(hours / 24)
    if days > most:
        raise _AskError(too_long)
    return {"days": max(1, days)}


def _set(args: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    return args | ({key: value} if value is not None else {})


def _plan_args(seg: str) -> dict[str, Any]:
    args = _set({}, "solver", ent.solver(seg))
    args |= _days(seg, MAX_PLAN_DAYS, f"I plan at most {MAX_PLAN_DAYS} days at a time; how many days should I plan?")
    return _set(args, "carbon_price_usd_per_t", ent.carbon_price(seg))


def _simulate_args(seg: str) -> dict[str, Any]:
    args = _set({}, "jobs_per_day", ent.jobs_per_day(seg))
    args |= _days(seg, MAX_SIM_DAYS, f"A simulation covers at most {MAX_SIM_DAYS} days; shall I simulate "
                                     f"{MAX_SIM_DAYS} days?")
    return _set(args, "seed", ent.seed(seg))


def _recommendation_args(seg: str, world: World) -> dict[str, Any]:
    args: dict[str, Any] = {}
    pid = ent.plan_id(seg) or next((i for _, i in ent.hex_ids(seg)), None)
    if pid:
        args["plan_id"] = pid
    status = ent.rec_status(seg)
    if status:
        args["status"] = status
    kind = ent.rec_kind(seg)
    if kind:
        args["kind"] = kind
    teams = _teams(seg, world)
    if teams:
        args["team"] = teams[0]
    n = ent.limit(seg)
    if n is not None and n > MAX_LIMIT:
        raise _AskError(f"I list at most {MAX_LIMIT} recommendations at a time; shall I show the top {MAX_LIMIT}?")
    args["limit"] = n or 10
    return args


def _summary_args(seg: str, world: World) -> list[dict[str, Any]]:
    args: dict[str, Any] = {}
    week = week_of(seg, world.now)
    if week is None:
        days = day_range(seg, world.now)
        if days and days.start and days.end == days.start:
            from copilot.agent.understand.when import iso_week

            week = iso_week(days.start)
    if week:
        args["week"] = week
    teams = _teams(seg, world)
    weeks = re.findall(r"(?<![\w-])(?:(\d{4})-?)?w(?:eek\s*|k\s*)?(\d{1,2})\b(?!\s*(?:days?|hours?))", seg)
    if len(weeks) > 1:
        year = world.now.isocalendar()[0]
        named = [f"{y or year}-W{int(w):02d}" for y, w in weeks if 1 <= int(w) <= 53]
        who: list[str | None] = list(teams) or [None]
        return [{"week": w} | ({"team": team} if team else {}) for w in named for team in who]
    return [args | {"team": team} for team in teams] or [args]


def _id_for(seg: str, whole: str, what: str) -> str:
    ids = ent.hex_ids(seg) or ent.hex_ids(whole)
    if ids:
        return ids[0][1]
    short = ent.truncated_id(whole)
    if short:
        raise _AskError(f"'{short}' is too short for a {what} id (16 hex digits). Which {what} exactly?")
    raise _AskError(f"Which {what}? Name its id (16 hex digits); `verify` lists the ones it checked.")


def _calls_for(tool: str, seg: str, whole: str, world: World, carried: dict[str, Any]) -> list[Call]:
    if tool == "account":
        name, args = _emissions_args(seg, world)  # "accounting for team ml last week" is a breakdown
        return [Call(name, args)]
    if tool == "emissions":
        asked = normalise(without_negated(seg)) if re.search(r"\b(?:don'?t|do not|no need|not)\b", seg) else seg
        name, args = _emissions_args(asked or seg, world)
        return [Call(name, args)]
    if tool == "forecast":
        return [Call("forecast", a) for a in _forecast_args(seg, world, whole)]
    if tool == "plan":
        return [Call("plan", _plan_args(seg))]
    if tool == "simulate":
        return [Call("simulate", _simulate_args(seg))]
    if tool == "recommendations":
        args = _recommendation_args(seg, world)
        if "plan_id" in args:
            carried["plan_id"] = args["plan_id"]
        if "plan_id" not in args and carried.get("plan_id") and re.search(r"\b(?:it|its|them|that plan|this plan)\b",
                                                                         seg):
            args = {"plan_id": carried["plan_id"]} | args  # "execute plan X, then show me its recs"
        return [Call("recommendations", args)]
    if tool == "summary":
        return [Call("summary", a) for a in _summary_args(seg, world)]
    if tool in ("execute", "verify"):
        ids = [i for _, i in ent.hex_ids(seg)]
        if len(ids) > 1 and re.search(r"\b(?:and|&)\b|,", seg):  # "execute A and B": one call per plan
            carried["plan_id"] = ids[-1]
            return [Call(tool, {"plan_id": i}) for i in ids]
        short = ent.truncated_id(seg)
        pid = ent.plan_id(seg) or next((i for _, i in ent.hex_ids(seg)), None)
        if short and not pid:
            raise _AskError(f"'{short}' is too short for a plan id (16 hex digits). Which plan exactly?")
        pid = pid or carried.get("plan_id")
        if pid:
            carried["plan_id"] = pid
        if tool == "verify":
            carried["verified"] = True
        return [Call(tool, {"plan_id": pid} if pid else {})]
    if tool == "evidence":
        return [Call("evidence", {"verification_id": _id_for(seg, whole, "verification")})]
    if tool == "mint":
        if re.search(r"0x[0-9a-f]{6,}|\bto (?:my|our|the|this) (?:wallet|address)\b", whole) or re.search(
                r"\bmint\s+\d[\d.,]*\s*(?:k?g|t|kwh|tokens?|kgco2esave|kwhsave)", whole):
            raise _AskError("Mint amounts are never chosen in chat: each mint is the verified lower bound of one "
                            "verification record, to the configured holder. Name a verification id to mint it.")
        plan = ent.plan_id(whole)
        vids = [i for _, i in (ent.hex_ids(seg) or ent.hex_ids(whole)) if i != plan]
        if vids:
            return [Call("mint", {"verification_id": vids[0]})]
        if re.search(r"\bverified\b|\bsavings?\b|\b(?:latest|last|newest|most recent) verification\b", whole):
            # "mint the verified savings": verify (idempotent) names the largest mintable verification
            first = [] if carried.get("verified") else [Call("verify", {"plan_id": carried["plan_id"]}
                                                               if carried.get("plan_id") else {})]
            return [*first, Call("mint", {"verification_id": LATEST_VERIFICATION})]
        _id_for(seg, whole, "verification")
    return [Call(tool, {})]


# ------------------------------------------------------------------------------------------ reading

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
            _, new = _emissions_args(t, world)
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
            new_args = _summary_args(t, world)
            if new_args == [{}]:
                return None
            return Reading(calls=[Call("summary", dict(last.args) | a) for a in new_args])
        if last.tool == "recommendations":
            new = {k: v for k, v in _recommendation_args(t, world).items() if k != "limit" or ent.limit(t)}
            if not new:
                return None
            return Reading(calls=[Call("recommendations", dict(last.args) | new)])
    except _AskError as ask:
        return _clarify(str(ask))
    return None


def _fallback(t: str, world: World) -> Reading | None:
    """A request with no tool word that still says enough: a region with a horizon is a forecast, a
    team or region with a period or grouping is an emissions breakdown, a bare id is its evidence."""
    places = find_places(t)
    if places.regions and (horizon_hours(t) is not None or ent.forecast_model(t)
                           or re.search(r"\b(?:next|tomorrow|ahead|tonight|coming)\b", t)):
        return Reading(calls=[Call("forecast", a) for a in _forecast_args(t, world, t)])
    teams = ent.find_teams(t, world.teams).teams
    if (teams or places.regions) and (ent.group_by(t) or day_range(t, world.now)
                                      or re.search(r"\b(?:numbers|figures|stats|breakdown)\b", t)):
        name, args = _emissions_args(t, world)
        return Reading(calls=[Call(name, args)])
    ids = ent.hex_ids(t)
    if ids and not ent.plan_id(t) and re.search(r"\b(?:show|open|look|inspect|details?|check|see)\b", t):
        return Reading(calls=[Call("evidence", {"verification_id": ids[0][1]})])
    return None


def _read(t: str, text: str, world: World, previous: Reading | None, forbidden: set[str]) -> Reading:
    cues = _resolve(_cues(t), t)
    if not cues:
        try:
            found = _follow_up(t, previous, world) or _fallback(t, world)
        except _AskError as ask:
            return _clarify(str(ask))
        if found is not None:
            return found
        guess = None if is_hypothetical(text) or forbidden else suggest(t)  # closest labelled examples (reads only)
        if guess:
            try:
                return Reading(calls=_calls_for(guess, t, t, world, {}))
            except _AskError as ask:
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
        for tool, seg in _segments(t, cues):
            if tool in forbidden:
                calls.append(Call(tool, {}))  # dropped below; its arguments do not matter
                continue
            repeat = re.search(r"\b(?:then|and)\s+(?:then\s+)?(?:another|one more|a second|again)\b", seg)
            if repeat and tool in ("plan", "forecast", "simulate"):  # "a plan at 0, and then another at 150 USD/t"
                first = _calls_for(tool, seg[:repeat.start()], t, world, carried)
                second = _calls_for(tool, seg[repeat.start():], t, world, carried)
                calls.extend(first)
                calls.extend(Call(c.tool, first[-1].args | c.args) for c in second)  # the rest is shared
                continue
            calls.extend(_calls_for(tool, seg, t, world, carried))
    except _AskError as ask:
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
    if SMALL_TALK.match(t) and not _cues(t):
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
