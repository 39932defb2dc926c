"""Offline mode: a deterministic intent router that behaves like a tool-calling chat model.

Given the conversation, it maps the latest question to a route (a sequence of tool calls, one at a
time, later arguments read from earlier results) and, once the route is done, renders the answer
from the tool results with templates. No figure is ever produced here: every number in its text is
copied (rounded) from a tool result.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from copilot.services.summary import render_summary
from tools.regions import REGIONS

TEAMS = ("ml", "data", "web", "platform", "research")
REFUSED = "refused by governance"
Step = tuple[str, Callable[[list[dict[str, Any]]], dict[str, Any] | None]]

HELP = ("I can simulate a fleet, account its emissions (by team, region, day or hour), forecast grid "
        "carbon intensity, plan greener placements under the active policy, execute and verify them, "
        "show a verification's evidence, mint verified savings (after your approval), show token "
        "balances and write weekly team summaries. Try: \"what did team ml emit?\", \"plan the next "
        "week\", \"verify the savings\", \"mint verification <id>\".")


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
    """The tool route of a question (None: no tool fits; the router answers with help)."""
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
    unreferenced = re.sub(r"\b(the|this|that|latest|last|my|our|current|existing) plan\b", "", t)
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
    elif _has(t, "recommendation", "suggestion", "what should we change", "proposals") and not _has(
            t, "execut", "apply", "implement", "roll out", "carry out"):
        args = {"limit": 10}
        if _team(t):
            args["team"] = _team(t)
        for kind in ("shift", "rightsize", "power_cap"):
            if kind.replace("_", " ") in t or kind in t:
                args["kind"] = kind
        return [*steps, ("recommendations", fixed(args))]
    if _has(t, "execut", "apply", "implement", "roll out", "carry out", "run the plan"):
        steps.append(("execute", fixed({})))
    if re.search(r"\bverif(y|ied|ying)\b", t) or _has(t, "real savings", "were the savings", "claimed vs",
                                                         "check the savings", "prove"):
        steps.append(("verify", fixed({})))
    if _has(t, "mint", "tokeni", "issue tokens"):
        if vid:
            steps.append(("mint", fixed({"verification_id": vid})))
        else:
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


def _fmt(x: Any, digits: int = 1) -> str:
    return f"{float(x):.{digits}f}"


def _render_one(name: str, d: dict[str, Any]) -> str:
    if name == "simulate":
        return (f"Stored simulation run {d['run_id']}: {d['jobs']} jobs in {d['regions']} regions "
                f"from {d['start'][:10]} to {d['end'][:10]}" + ("" if d["created"] else " (already there)") + ".")
    if name == "account":
        team = max(d["by_team"].items(), key=lambda kv: kv[1]["kgco2e"])
        region = max(d["by_region"].items(), key=lambda kv: kv[1]["kgco2e"])
        return (f"The fleet's {d['jobs']} jobs emitted {_fmt(d['total_kgco2e'])} kgCO2e "
                f"[{_fmt(d['lower_kgco2e'])} - {_fmt(d['upper_kgco2e'])}] (90% interval, {d['basis']} "
                f"intensity) and used {_fmt(d['total_kwh'])} kWh. Largest team: {team[0]} with "
                f"{_fmt(team[1]['kgco2e'])} kgCO2e; largest region: {region[0]} with "
                f"{_fmt(region[1]['kgco2e'])} kgCO2e.")
    if name == "emissions":
        if not d["groups"]:
            return "No jobs match that question."
        items = sorted(d["groups"].items(), key=lambda kv: -kv[1]["kgco2e"])[:10]
        scope = ", ".join(f"{k} {v}" for k, v in d["filters"].items() if v) or "the whole fleet"
        body = "; ".join(f"{k}: {_fmt(v['kgco2e'])} kgCO2e [{_fmt(v['lower_kgco2e'])} - "
                         f"{_fmt(v['upper_kgco2e'])}]" for k, v in items)
        return (f"Emissions by {d['group_by']} for {scope}: {body}. Total {_fmt(d['total_kgco2e'])} "
                f"kgCO2e from {d['jobs']} jobs.")
    if name == "forecast":
        return (f"{d['region']} day-ahead forecast ({d['model']}, {d['hours']} h from {d['issued_utc'][:16]} "
                f"UTC): mean {_fmt(d['mean_g_per_kwh'])} gCO2e/kWh, cleanest at {d['min_at_utc'][:16]} UTC "
                f"with {_fmt(d['min_g_per_kwh'])}, peak {_fmt(d['max_g_per_kwh'])}.")
    if name == "plan":
        moved = ", ".join(f"{k} {v}" for k, v in d["not_moved"].items()) or "none"
        gap = "" if d["gap"] is None else f", optimality gap {_fmt(d['gap'] * 100, 2)} %"
        return (f"Plan {d['plan_id']} ({d['solver']}{gap}, policy {d['policy']}): {d['recommendations']} "
                f"recommendations, estimated {_fmt(d['est_kgco2e_saved'])} kgCO2e "
                f"[{_fmt(d['est_kgco2e_saved_lower'])} - {_fmt(d['est_kgco2e_saved_upper'])}], "
                f"{_fmt(d['est_kwh_saved'])} kWh and {_fmt(d['est_usd_saved'], 2)} USD saved. "
                f"Not moved: {moved}.")
    if name == "recommendations":
        lines = [f"{d['matching']} recommendation(s) in plan {d['plan_id']}" + (", the largest:" if d["matching"]
                                                                               else ".")]
        for r in d["recommendations"]:
            lines.append(f"- {r['rec_id']} {r['kind']} job {r['job_id']} ({r['team']}, {r['status']}): "
                         f"{_fmt(r['est_kgco2e_saved'], 3)} kgCO2e, {_fmt(r['est_kwh_saved'], 3)} kWh, "
                         f"{_fmt(r['est_usd_saved'], 2)} USD; {r['reason']}")
        return "\n".join(lines)
    if name == "execute":
        return (f"Executed {d['recommendations']} recommendation(s) of plan {d['plan_id']} on "
                f"{d['executions']} job(s) in the simulator" + ("." if d["recommendations"] else
                                                                 " (nothing left to execute)."))
    if name == "verify":
        ids = ", ".join(d.get("sample_ids", [])[:3])
        return (f"{d['verifications']} verification(s) of plan {d['plan_id']}: claimed "
                f"{_fmt(d['claimed_kgco2e'])} kgCO2e, verified {_fmt(d['verified_kgco2e'])} (sum of lower "
                f"bounds {_fmt(d['verified_kgco2e_lower'])}); mintable {_fmt(d['mintable_kgco2e'])} kgCO2e "
                f"and {_fmt(d['mintable_kwh'])} kWh." + (f" Verification ids include {ids}." if ids else ""))
    if name == "evidence":
        s = d["saved_kgco2e"]
        return (f"Verification {d['verification_id']} ({d['kind']}, {d['method']}): claimed "
                f"{_fmt(d['claimed_kgco2e'], 3)} kgCO2e, verified {_fmt(s['central'], 3)} "
                f"[{_fmt(s['lower'], 3)} - {_fmt(s['upper'], 3)}]; mintable {_fmt(d['mintable_kgco2e'], 3)} "
                f"kgCO2e and {_fmt(d['mintable_kwh'], 3)} kWh; evidence hash {d['evidence_hash']}.")
    if name == "balances":
        if not d.get("running", True) or "tokens" not in d:
            return f"The token chain is not reachable: {d.get('error', 'unknown error')}."
        return "Token balances: " + "; ".join(
            f"{t['symbol']} {t['recipient_balance']} held, {t['minted']} minted in {t['mints']} mint(s)"
            for t in d["tokens"].values()) + "."
    if name == "summary":
        return render_summary(d)
    if name == "policy":
        if not d.get("active"):
            return str(d.get("note", "No policy is active."))
        lines = [f"Active policy {d['name']} ({d['policy_id']}):"]
        lines += [f"- {c['constraint']}: {c['sentence']}" for c in d["constraints"]]
        lines += [f"- not understood: {u['sentence']} ({u['reason']})" for u in d["unrecognised"]]
        return "\n".join(lines)
    if name == "mint":
        if d.get("rejected"):
            return f"The mint of verification {d['verification_id']} was not approved: nothing was sent."
        done = "; ".join(f"{m['amount']} {m['token']} (tx {m['tx_hash']})" for m in d.get("mints", []))
        return (f"Verification {d['verification_id']}: " + ("already minted" if d.get("already_minted")
                                                              else f"minted {done}") + ".")
    return json.dumps(d)


def render(results: list[dict[str, Any]]) -> str:
    """Answer text from this turn's tool results (the fallback of the numbers guard too)."""
    parts = []
    for r in results:
        if isinstance(r["data"], dict):
            try:
                parts.append(_render_one(r["name"], r["data"]))
                continue
            except (KeyError, TypeError, ValueError):
                pass
        parts.append(f"{r['name']}: {r['raw']}")
    return "\n".join(parts) if parts else HELP


def turn_results(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """Tool results since the last human message: name, parsed JSON (or None) and raw text."""
    start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
    out = []
    for m in messages[start + 1:]:
        if isinstance(m, ToolMessage):
            raw = str(m.content)
            try:
                data: Any = json.loads(raw)
            except json.JSONDecodeError:
                data = None
            out.append({"name": m.name or "", "data": data, "raw": raw})
    return out


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
        steps = route(str(messages[h].content))
        results = turn_results(messages)
        if steps is None:
            return AIMessage(content=HELP)
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
