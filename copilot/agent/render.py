"""The copilot's own wording of tool results: the offline mode's answers, the numbers guard's
fallback and the weekly summary template. Every number is copied (rounded) from a tool result."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage

from tools.tokens import TOKENS, short_amount

HELP = ("I can simulate a fleet, account its emissions (by team, region, day or hour), forecast grid "
        "carbon intensity, plan greener placements under the active policy, execute and verify them, "
        "show a verification's evidence, mint verified savings (after your approval), show token "
        "balances and write weekly team summaries. Try: \"what did team ml emit?\", \"plan the next "
        "week\", \"verify the savings\", \"mint verification <id>\".")


def _plan_jobs(d: dict[str, Any]) -> str:
    """'3371 jobs submitted 2026-01-16 00:00 -> 2026-01-18 23:54 UTC (the last 3 days of the job history):
    967 moved, 2404 not moved (urgent 981, no_better_slot 1423); recommendations by kind: shift 967, rightsize
    529.' (empty for a result stored before plans stated their period)."""
    if d.get("jobs") is None or not d.get("period_start_utc"):
        return ""
    span = f"{d['period_start_utc'][:16].replace('T', ' ')} → {d['period_end_utc'][:16].replace('T', ' ')} UTC"
    days = d.get("days")
    scope = f"the last {days} day{'s' if days != 1 else ''} of the job history" if days else "the whole job history"
    kinds = ", ".join(f"{k} {v['count']}" for k, v in (d.get("by_kind") or {}).items())
    kept = sum(d["not_moved"].values())
    why = ", ".join(f"{k} {v}" for k, v in d["not_moved"].items())
    return (f"{d['jobs']} jobs submitted {span} ({scope}): {d['jobs_moved']} moved, {kept} not moved"
            + (f" ({why})" if why else "") + (f"; recommendations by kind: {kinds}" if kinds else "") + ".")


def _fmt(x: Any, digits: int = 1) -> str:
    return f"{float(x):.{digits}f}"


def _render_one(name: str, d: dict[str, Any]) -> str:
    if name == "simulate":
        return (f"Stored simulation run {d['run_id']}: {d['jobs']} jobs in {d['regions']} regions "
                f"from {d['start'][:10]} to {d['end'][:10]}" + ("" if d["created"] else " (already there)") + ".")
    if name == "account":
        team = max(d["by_team"].items(), key=lambda kv: kv[1]["kgco2e"])
        region = max(d["by_region"].items(), key=lambda kv: kv[1]["kgco2e"])
        started = (f" (started {d['period_start_utc'][:10]} → {d['period_end_utc'][:10]} UTC)"
                   if d.get("period_start_utc") and d.get("period_end_utc") else "")
        return (f"The fleet's {d['jobs']} jobs{started} emitted {_fmt(d['total_kgco2e'])} kgCO2e "
                f"[{_fmt(d['lower_kgco2e'])} - {_fmt(d['upper_kgco2e'])}] (90% interval, {d['basis']} "
                f"intensity) and used {_fmt(d['total_kwh'])} kWh. Largest team: {team[0]} with "
                f"{_fmt(team[1]['kgco2e'])} kgCO2e; largest region: {region[0]} with "
                f"{_fmt(region[1]['kgco2e'])} kgCO2e.")
    if name == "emissions":
        if not d["groups"]:
            return "No jobs match that question."
        items = sorted(d["groups"].items(), key=lambda kv: -kv[1]["kgco2e"])[:10]
        scope = ", ".join(f"{k} {d['filters'][k]}" for k in ("team", "region") if d["filters"].get(k))
        period = f"jobs started {d['first_day_utc']} → {d['last_day_utc']} UTC"
        body = "; ".join(f"{k}: {_fmt(v['kgco2e'])} kgCO2e [{_fmt(v['lower_kgco2e'])} - "
                         f"{_fmt(v['upper_kgco2e'])}]" for k, v in items)
        return (f"Emissions by {d['group_by']} ({scope + ', ' if scope else ''}{period}): {body}. Total "
                f"{_fmt(d['total_kgco2e'])} kgCO2e from {d['jobs']} jobs.")
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
                + (_plan_jobs(d) or f"Not moved: {moved}."))
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
            f"{t['symbol']} {short_amount(t['recipient_balance'])} held, {short_amount(t['minted'])} minted in "
            f"{t['mints']} mint(s)"
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
    if name == "mint" and d.get("batch"):
        return _render_batch(d)
    if name == "mint":
        if d.get("rejected"):
            return f"The mint of verification {d['verification_id']} was not approved: nothing was sent."
        done = "; ".join(f"{short_amount(m['amount'])} {TOKENS[m['token']].symbol} (tx {m['tx_hash']})"
                         for m in d.get("mints", []))
        return (f"Verification {d['verification_id']}: " + ("already minted" if d.get("already_minted")
                                                              else f"minted {done}") + ".")
    return json.dumps(d)


def _render_batch(d: dict[str, Any]) -> str:
    """One approval's outcome over a batch of verifications: what was minted (per token, with the first
    transactions), what waits for more approvers, what was rejected or refused and why."""
    if d["rejected"] and not d["minted"]:
        return (f"The batch mint of {d['count']} verification(s) was rejected by {d['decided_by']}: nothing was "
                f"sent ({len(d['rejected'])} rejection(s) recorded).")
    mints = [m for item in d["minted"] for m in item["mints"]]
    amounts = ", ".join(f"{short_amount(v)} {TOKENS[k].symbol}" for k, v in d["minted_totals"].items()) or "nothing"
    txs = ", ".join(f"tx {m['tx_hash']}" for m in mints[:3]) + (f" and {len(mints) - 3} more" if len(mints) > 3
                                                                 else "")
    lines = [f"Batch mint approved by {d['decided_by']}: {len(d['minted'])} of {d['count']} verification(s) "
             f"minted, {amounts}" + (f" ({txs})" if txs else "") + "."]
    if d["waiting"]:
        lines.append(f"{len(d['waiting'])} wait for more approvers ({d['waiting'][0]['rule']}).")
    if d["refused"]:
        lines.append(f"{len(d['refused'])} not minted, e.g. {d['refused'][0]['verification_id']}: "
                     f"{d['refused'][0]['reason']}.")
    return " ".join(lines)


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


def _week_span(summary: dict[str, Any]) -> str:
    """' (2026-01-12 → 2026-01-18 UTC; savings and tokens of the jobs that started that week)', or ''."""
    try:
        first = datetime.fromisoformat(summary["start_utc"])
        last = datetime.fromisoformat(summary["end_utc"]) - timedelta(days=1)  # the end is exclusive
    except (KeyError, TypeError, ValueError):
        return ""
    return f" ({first:%Y-%m-%d} → {last:%Y-%m-%d} UTC; savings and tokens of the jobs that started that week)"


def render_summary(summary: dict[str, Any]) -> str:
    """The template wording of a weekly summary (offline mode and the numbers guard's fallback)."""
    lines = [f"Weekly summary {summary['week']}{_week_span(summary)}:"]
    for team, r in summary["teams"].items():
        change = "n/a" if r["change_pct"] is None else f"{r['change_pct']:+.1f} %"
        tokens = ", ".join(f"{v} {k}" for k, v in r["tokens_minted"].items()) or "none"
        lines.append(
            f"- {team}: {r['emissions_kgco2e']:.1f} kgCO2e [{r['emissions_lower_kgco2e']:.1f} - "
            f"{r['emissions_upper_kgco2e']:.1f}] from {r['jobs']} jobs ({change} vs "
            f"{r['previous_week_kgco2e']:.1f} the week before); verified savings {r['verified_kgco2e']:.1f} "
            f"kgCO2e and {r['verified_kwh']:.1f} kWh; tokens minted: {tokens}; "
            f"{r['open_recommendations']} open recommendation(s). {r['nudge']}")
    return "\n".join(lines)
