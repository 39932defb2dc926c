"""The copilot's typed tools: LangChain tools with pydantic arguments over ``copilot.services.operations``.

Every figure a tool returns is computed by ``tools/`` and returned as compact JSON; the agent only
chooses tools and words. ``mint`` is deliberately not in ``agent_tools()``: the graph runs it only
from its approval node, with a verification id (the amount is never an argument).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, ConfigDict, Field

from copilot.settings import Settings
from tools.account import ProfileName
from tools.ledger import Ledger
from tools.records import RecKind, RecStatus
from tools.schemas import RegionName


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SimulateArgs(_Args):
    """Simulate a cloud fleet (jobs, grid, prices, telemetry) into the ledger."""

    days: int = Field(default=30, ge=1, le=365, description="Simulated days.")
    seed: int = Field(default=1, ge=0, description="Random seed.")
    jobs_per_day: float = Field(default=1000.0, ge=1, le=100_000, description="Mean arrivals per day.")


class AccountArgs(_Args):
    """Energy (kWh) and emissions (kgCO2e, 90% interval) of the latest simulation, by team and region."""

    profile: ProfileName = "auto"


class EmissionsArgs(_Args):
    """Emissions grouped by team, region, day or UTC hour, optionally filtered (read-only)."""

    group_by: Literal["team", "region", "day", "hour"] = "team"
    team: str | None = Field(default=None, description="Only this team.")
    region: RegionName | None = Field(default=None, description="Only this region.")
    start: date | None = Field(default=None, description="First day (UTC), inclusive.")
    end: date | None = Field(default=None, description="Last day (UTC), inclusive.")


class ForecastArgs(_Args):
    """Day-ahead carbon-intensity forecast of a region with a 90% interval."""

    region: RegionName
    hours: int = Field(default=24, ge=1, le=168)
    model: Literal["auto", "ridge", "persistence-24h", "persistence-168h", "lstm"] = "auto"


class PlanArgs(_Args):
    """Plan greener, cheaper placements on the forecast under the ACTIVE policy."""

    solver: Literal["greedy", "exact"] = "greedy"
    days: int | None = Field(default=7, ge=1, le=366, description="Plan jobs of the first N days.")
    carbon_price_usd_per_t: float | None = Field(
        default=None, ge=0, le=10_000, description="Only when the active policy sets none.")


class RecommendationsArgs(_Args):
    """List recommendations of a plan (latest by default), largest estimated saving first."""

    plan_id: str | None = None
    status: RecStatus | None = None
    kind: RecKind | None = None
    team: str | None = None
    limit: int = Field(default=10, ge=1, le=50)


class PlanRefArgs(_Args):
    """A plan (the latest when omitted)."""

    plan_id: str | None = None


class EvidenceArgs(_Args):
    """Show one verification: claimed vs verified, interval, inputs' hashes, mintable amounts."""

    verification_id: str = Field(min_length=8, max_length=64)


class BalancesArgs(_Args):
    """Token addresses, balances and minted totals on the configured chain."""


class PolicyArgs(_Args):
    """The active policy: every constraint with the sentence it came from (read-only)."""


class SummaryArgs(_Args):
    """Weekly team summary (ISO week like 2026-W03; the latest week with data when omitted)."""

    week: str | None = Field(default=None, pattern=r"^\d{4}-W\d{2}$")
    team: str | None = None


class MintArgs(_Args):
    """Mint the conservative verified amounts of ONE verification (after human approval)."""

    verification_id: str = Field(min_length=8, max_length=64)


@dataclass
class ToolContext:
    """Where the tools read and write."""

    db_path: Path
    settings: Settings

    def ledger(self) -> Ledger:
        return Ledger(self.db_path)

    @property
    def models_dir(self) -> Path:
        return self.settings.data_dir / "models"


def _json(payload: Any) -> str:
    return json.dumps(payload, default=str, separators=(",", ":"))


def _round(x: float, digits: int = 3) -> float:
    return round(float(x), digits)


def make_tools(ctx: ToolContext, active_policy: Callable[[], Any] = lambda: None) -> dict[str, StructuredTool]:
    """Every tool by name (``mint`` included: the graph keeps it out of the agent's ToolNode)."""
    from copilot.services import forecasting as fc
    from copilot.services import operations as ops

    def simulate(days: int = 30, seed: int = 1, jobs_per_day: float = 1000.0) -> str:
        from tools.simulate import SimulationConfig

        with ctx.ledger() as ledger:
            return _json(ops.run_simulation(ledger, SimulationConfig(days=days, seed=seed,
                                                                       jobs_per_day=jobs_per_day)))

    def account(profile: str = "auto") -> str:
        with ctx.ledger() as ledger:
            out = ops.run_account(ledger, profile=profile)  # type: ignore[arg-type]
        keep = ("run_id", "jobs", "basis", "total_kgco2e", "lower_kgco2e", "upper_kgco2e", "total_kwh",
                "operational_kgco2e", "embodied_kgco2e")
        return _json({k: out[k] for k in keep} | {"by_team": out["by_team"], "by_region": out["by_region"]})

    def emissions(group_by: str = "team", team: str | None = None, region: str | None = None,
                  start: date | None = None, end: date | None = None) -> str:
        from tools.account import aggregate

        with ctx.ledger() as ledger:
            frame = ops.latest_emissions(ledger)
        if team:
            frame = frame[frame["team"] == team]
        if region:
            frame = frame[frame["region"] == region]
        day = pd.DatetimeIndex(frame["start_utc"]).floor("D").date
        if start:
            frame = frame[day >= start]
            day = pd.DatetimeIndex(frame["start_utc"]).floor("D").date
        if end:
            frame = frame[day <= end]
        if frame.empty:
            return _json({"group_by": group_by, "groups": {}, "jobs": 0, "note": "no jobs match"})
        agg = aggregate(frame, group_by)  # type: ignore[arg-type]
        groups = {str(k)[:10]: {"kgco2e": _round(r.emissions_kg), "lower_kgco2e": _round(r.lower_kg),
                                "upper_kgco2e": _round(r.upper_kg), "kwh": _round(r.energy_kwh),
                                "jobs": int(r.jobs)} for k, r in agg.iterrows()}
        return _json({"group_by": group_by, "filters": {"team": team, "region": region, "start": start,
                                                        "end": end},
                      "total_kgco2e": _round(agg["emissions_kg"].sum()), "jobs": int(agg["jobs"].sum()),
                      "groups": groups})

    def forecast(region: str, hours: int = 24, model: str = "auto") -> str:
        with ctx.ledger() as ledger:
            out = fc.run_forecast(ledger, ctx.models_dir, region=region, hours=hours, model=model)
        values = [v["value"] for v in out["values"]]
        low = min(range(len(values)), key=values.__getitem__)
        return _json({k: out[k] for k in ("region", "model", "issued_utc", "basis")}
                     | {"mean_g_per_kwh": _round(out["mean_g_per_kwh"], 1),
                        "min_g_per_kwh": _round(values[low], 1), "min_at_utc": out["values"][low]["ts_utc"],
                        "max_g_per_kwh": _round(max(values), 1), "hours": len(values)})

    def plan(solver: str = "greedy", days: int | None = 7, carbon_price_usd_per_t: float | None = None) -> str:
        from tools.plan import PlanParams

        with ctx.ledger() as ledger:
            out = ops.run_plan(ledger, solver=solver, policy=active_policy(), days=days,  # type: ignore[arg-type]
                               params=PlanParams(carbon_price_usd_per_t=carbon_price_usd_per_t))
        keep = ("plan_id", "solver", "policy", "recommendations", "est_kgco2e_saved", "est_kgco2e_saved_lower",
                "est_kgco2e_saved_upper", "est_usd_saved", "est_kwh_saved", "gap", "not_moved", "power_cap_ok",
                "notes")
        return _json({k: out[k] for k in keep})

    def recommendations(plan_id: str | None = None, status: str | None = None, kind: str | None = None,
                        team: str | None = None, limit: int = 10) -> str:
        from tools.ledger.plans import recommendations as recs
        from tools.ledger.plans import statuses

        with ctx.ledger() as ledger:
            pid = ops.resolve_plan_id(ledger, plan_id)
            rows = recs(ledger, pid)
            state = statuses(ledger, [r.rec_id for r in rows])
        rows = [r for r in rows if (status is None or state[r.rec_id] == status)
                and (kind is None or r.kind == kind) and (team is None or r.team == team)]
        rows.sort(key=lambda r: -r.est_kgco2e_saved.central)
        return _json({"plan_id": pid, "matching": len(rows), "recommendations": [
            {"rec_id": r.rec_id, "kind": r.kind, "job_id": r.job_id, "team": r.team, "status": state[r.rec_id],
             "to_region": r.to_region, "to_start_utc": r.to_start_utc.isoformat(),
             "est_kgco2e_saved": _round(r.est_kgco2e_saved.central), "est_kwh_saved": _round(r.est_kwh_saved.central),
             "est_usd_saved": _round(r.est_usd_saved.central), "reason": r.reason} for r in rows[:limit]]})

    def execute(plan_id: str | None = None) -> str:
        with ctx.ledger() as ledger:
            return _json(ops.run_execute(ledger, plan_id=plan_id, actor="copilot"))

    def verify(plan_id: str | None = None) -> str:
        from tools.ledger.plans import verifications_for_plan

        with ctx.ledger() as ledger:
            out = ops.run_verify(ledger, plan_id=plan_id)
            done = verifications_for_plan(ledger, out["plan_id"])
        out.pop("ids")
        best = sorted(done, key=lambda v: -(v.mintable_kgco2e + v.mintable_kwh))
        return _json({k: (_round(v) if isinstance(v, float) else v) for k, v in out.items()}
                     | {"sample_ids": [v.verification_id for v in best[:5]]})

    def evidence(verification_id: str) -> str:
        from tools.ledger.plans import load_verification

        with ctx.ledger() as ledger:
            v = load_verification(ledger, verification_id)
        return _json(v.model_dump(mode="json"))

    def balances() -> str:
        from copilot.services.chain import open_minter
        from tools.chain import ChainError
        from tools.chain.reconcile import chain_status

        with ctx.ledger() as ledger:
            try:
                return _json(chain_status(open_minter(ledger, ctx.settings, actor="copilot")))
            except ChainError as exc:
                return _json({"running": False, "error": str(exc)})

    def policy() -> str:
        from copilot.policy import PolicyError
        from copilot.services.policies import show_policy

        with ctx.ledger() as ledger:
            try:
                stored = show_policy(ledger)
            except PolicyError as exc:
                return _json({"active": False, "note": str(exc)})
        report = stored.report
        return _json({"active": True, "policy_id": stored.policy_id, "name": stored.name,
                      "constraints": [{"constraint": c.constraint, "value": c.value, "sentence": c.sentence}
                                      for c in report.clauses],
                      "unrecognised": [{"sentence": u.sentence, "reason": u.reason} for u in report.unrecognised]})

    def summary(week: str | None = None, team: str | None = None) -> str:
        from copilot.services.summary import weekly_summary

        with ctx.ledger() as ledger:
            return _json(weekly_summary(ledger, week=week, team=team))

    def mint(verification_id: str) -> str:
        from copilot.services.chain import open_minter

        with ctx.ledger() as ledger:
            outcome = open_minter(ledger, ctx.settings, ensure_up=True, actor="copilot").mint_verification(
                verification_id)
        return _json(outcome.model_dump(mode="json"))

    specs: list[tuple[Callable[..., str], type[BaseModel]]] = [
        (simulate, SimulateArgs), (account, AccountArgs), (emissions, EmissionsArgs),
        (forecast, ForecastArgs), (plan, PlanArgs), (recommendations, RecommendationsArgs),
        (execute, PlanRefArgs), (verify, PlanRefArgs), (evidence, EvidenceArgs),
        (balances, BalancesArgs), (policy, PolicyArgs), (summary, SummaryArgs), (mint, MintArgs)]
    docs = {"execute": "Approve and run a plan's proposed recommendations in the simulator.",
            "verify": "Verify executed recommendations on realised data (claimed vs verified)."}
    out: dict[str, StructuredTool] = {}
    for fn, schema in specs:
        doc = docs.get(fn.__name__) or (schema.__doc__ or fn.__name__).strip()
        out[fn.__name__] = StructuredTool.from_function(func=fn, name=fn.__name__, description=doc,
                                                        args_schema=schema)
    return out


AGENT_TOOL_NAMES = ("simulate", "account", "emissions", "forecast", "plan", "recommendations", "execute",
                    "verify", "evidence", "balances", "policy", "summary")
