"""Offline mode: a deterministic intent router that behaves like a tool-calling chat model.

Given the conversation, it maps the latest question to a route (a sequence of tool calls, one at a
time, later arguments read from earlier results) and, once the route is done, renders the answer
from the tool results with templates. No figure is ever produced here: every number in its text is
copied (rounded) from a tool result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from copilot.agent.polarity import declined, forbidden_writes, without_negated
from copilot.agent.render import HELP, render, turn_results
from tools.regions import REGIONS

TEAMS = ("ml", "data", "web", "platform", "research")
REFUSED = "refused by governance"
Step = tuple[str, Callable[[list[dict[str, Any]]], dict[str, Any] | None]]
_EXECUTE = (r"\bexecut(?:e|ing)\b|\bapply(?:ing)?\b|\bimplement(?:ing)?\b|\broll(?:ing)? out\b|\bcarry out\b"
            r"|\brun the plan\b")
"""A command to execute ("executed" is a status, not a command)."""

def _has(text: str, *words: str) -> bool:
    return any(re.search(rf"\b{w}", text) for w in words)


def _region(text: str) -> str | None:
    for name in sorted(REGIONS, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", text):
            return name
    return None


def _team(text: str) -> str | None:
    for team in TEAMS:
        if re.search(rf"\bteam\s+['\"]?{team}\b|\b{team}\s+team\b", text):
            return team
    for team in ("ml", "platform", "research"):  # words that name a team on their own
        if re.search(rf"\b{team}\b", text):
            return team
    return None


def _int_before(text: str, *units: str) -> int | None:
    m = re.search(rf"(\d+)\s*(?:{'|'.join(units)})\b", text)
    return int(m.group(1)) if m else None


def _hex_id(text: str) -> str | None:
    m = re.search(r"\b([0-9a-f]{16})\b", text)
    return m.group(1) if m else None


def _week(text: str) -> str | None:
    m = re.search(r"\b(\d{4})-?w(\d{1,2})\b", text)
    return f"{m.group(1)}-W{int(m.group(2)):02d}" if m else None


def _latest_verification(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    for r in reversed(results):
        data = r["data"]
        if isinstance(data, dict):
            if data.get("sample_ids"):
                return {"verification_id": data["sample_ids"][0]}
            if data.get("verification_id"):
                return {"verification_id": data["verification_id"]}
    return None


def route(question: str) -> list[Step] | None:
    """The tool route of a question (None: no tool fits; the router answers with help; []: the
    question asked only for write tools its polarity forbids, see ``copilot.agent.polarity``)."""
    steps = _route_all(question)
    if steps is None:
        return None
    forbidden = forbidden_writes(question)
    kept = [s for s in steps if s[0] not in forbidden]
    if steps and not kept:  # what is left to do once the negated clauses are honoured
        rest = without_negated(question)
        if rest and rest != question:
            kept = [s for s in (_route_all(rest) or []) if s[0] not in forbidden]
    return kept if kept or not steps else []


def dropped_writes(question: str) -> list[str]:
    """The write tools the route asked for but the question's polarity forbids, in route order."""
    forbidden = forbidden_writes(question)
    return [name for name, _ in (_route_all(question) or []) if name in forbidden]


def _route_all(question: str) -> list[Step] | None:
    t = question.lower()

    def fixed(args: dict[str, Any]) -> Callable[[list[dict[str, Any]]], dict[str, Any]]:
        return lambda _results: args

    steps: list[Step] = []
    vid = _hex_id(t)
    if _has(t, "simulat", "synthetic", "generate a fleet", "fake cloud"):
        days = _int_before(t, "days?", "d")
        sim: dict[str, Any] = {"days": min(days or 30, 365)}
        rate = re.search(r"(\d+)\s*jobs?\s*(?:per|a|/)\s*day", t)
        if rate:
            sim["jobs_per_day"] = max(1, int(rate.group(1)))
        steps.append(("simulate", fixed(sim)))
    if _has(t, "evidence", "proof") and vid:
        return [("evidence", fixed({"verification_id": vid}))]
    if _has(t, "summar", "digest", "weekly report", "week in review", "newsletter"):
        args: dict[str, Any] = {}
        if _week(t):
            args["week"] = _week(t)
        if _team(t):
            args["team"] = _team(t)
        return [*steps, ("summary", fixed(args))]
    if re.search(r"\b(active|current|which|our|the) polic(y|ies)\b", t) and not _has(t, "plan", "mint"):
        return [*steps, ("policy", fixed({}))]
    if _has(t, "balance", "wallet", "how many tokens", "tokens do we", "token supply", "tokens held"):
        return [*steps, ("balances", fixed({}))]
    if _has(t, "forecast", "predict", "tomorrow", "next 24", "cleanest hour", "greenest hour", "day-ahead",
            "day ahead"):
        region = _region(t)
        hours = _int_before(t, "hours?", "h")
        if region:
            return [*steps, ("forecast", fixed({"region": region, "hours": min(hours or 24, 168)}))]
    unreferenced = re.sub(r"\b(the|this|that|latest|last|my|our|current|existing) plan\b|\bplan\s+[0-9a-f]{8,16}\b",
                          "", t)
    wants_plan = _has(unreferenced, "plan", "schedul", "optimi", "shift", "greener", "reduce", "cut ",
                      "lower our", "move jobs", "defer")
    if wants_plan and not _has(t, "list", "show", "which recommendation", "top recommendation"):
        args = {"solver": "exact" if _has(t, "exact", "optimal", "milp") else "greedy"}
        days = _int_before(t, "days?") or (7 if _has(t, "week") else None)
        if days:
            args["days"] = days
        price = re.search(r"(\d+(?:\.\d+)?)\s*(?:usd|\$|dollars?)\s*(?:per|/)\s*t", t)
        if price:
            args["carbon_price_usd_per_t"] = float(price.group(1))
        steps.append(("plan", fixed(args)))
    elif _has(t, "recommendation", "suggestion", "what should we change", "proposals", "recs\\b") and not re.search(
            _EXECUTE, t):
        args = {"limit": 10}
        if _team(t):
            args["team"] = _team(t)
        for kind in ("shift", "rightsize", "power_cap"):
            if kind.replace("_", " ") in t or kind in t:
                args["kind"] = kind
        return [*steps, ("recommendations", fixed(args))]
    if re.search(_EXECUTE, t):
        steps.append(("execute", fixed({})))
    if re.search(r"\bverif(y|ying)\b", t) or _has(t, "real savings", "were the savings", "claimed vs",
                                                   "check the savings", "prove"):
        steps.append(("verify", fixed({})))
    if _has(t, "mint", "tokeni", "issue tokens"):
        if vid:
            steps.append(("mint", fixed({"verification_id": vid})))
        else:  # "mint the verified savings": verify (idempotent) names the largest mintable one
            if "verify" not in [name for name, _ in steps] and _has(t, "verified", "saving"):
                steps.append(("verify", fixed({})))
            steps.append(("mint", _latest_verification))
    asks_emissions = _has(t, "emit", "emission", "footprint", "co2", "carbon", "account", "energy use", "kwh",
                          "consum")
    if steps and not (asks_emissions and [name for name, _ in steps] == ["simulate"]):
        return steps
    if asks_emissions:
        group = next((g for g in ("region", "team", "day", "hour") if re.search(rf"\bby {g}|per {g}", t)),
                     None)
        team, region = _team(t), _region(t)
        if group or team or region:
            args = {"group_by": group or ("region" if team else "team")}
            if team:
                args["team"] = team
            if region:
                args["region"] = region
            return [*steps, ("emissions", fixed(args))]
        return [*steps, ("account", fixed({}))]
    return None


class OfflineRouter(BaseChatModel):
    """A chat model that needs no LLM: routes questions to tools and renders their results."""

    @property
    def _llm_type(self) -> str:
        return "greenops-offline-router"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> OfflineRouter:  # type: ignore[override]
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.respond(messages))])

    def respond(self, messages: Sequence[BaseMessage]) -> AIMessage:
        human = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        if not human:
            return AIMessage(content=HELP)
        h = human[-1]
        question = str(messages[h].content)
        steps = route(question)
        results = turn_results(messages)
        if steps is None:
            return AIMessage(content=HELP)
        if not steps:
            return AIMessage(content=declined(question, dropped_writes(question) or ["anything"]))
        done = sum(1 for m in messages[h + 1:] if isinstance(m, AIMessage) and m.tool_calls)
        stopped = any(REFUSED in r["raw"] or r["data"] is None or "error" in (r["data"] or {}) for r in results)
        if done < len(steps) and not stopped:
            name, args_of = steps[done]
            args = args_of(results)
            if args is None:
                text = render(results) if results else ""
                return AIMessage(content=(text + "\n" if text else "") +
                                 "To mint, name a verification id (run verify first); the amount always "
                                 "comes from the verification record and every mint needs your approval.")
            return AIMessage(content="", tool_calls=[{"name": name, "args": args,
                                                      "id": f"call_{h}_{done}", "type": "tool_call"}])
        return AIMessage(content=render(results))
