"""The copilot's typed tools: LangChain tools with pydantic arguments over ``copilot.services``.

Every figure a tool returns is computed by ``tools/`` and returned as compact JSON; the agent only
chooses tools and words. ``mint`` is deliberately not in ``agent_tools()``: the graph runs it only
from its approval node, with a verification id (the amount is never an argument).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, ConfigDict, Field, model_validator

from copilot.agent.context import ToolContext
from tools.account import GroupBy, ProfileName
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
    days: int | None = Field(default=7, ge=1, le=366,
                             description="Plan the jobs submitted in the last N days of the history, to the clock.")
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
    """Mint conservative verified amounts after human approval: ONE verification (``verification_id``)
    or every verification that can be minted now in one approval (``all_mintable``), never both."""

    verification_id: str | None = Field(default=None, min_length=8, max_length=64)
    all_mintable: bool = Field(default=False, description="One approval for every mintable verification.")

    @model_validator(mode="after")
    def _one_subject(self) -> MintArgs:
        if (self.verification_id is None) == (not self.all_mintable):
            raise ValueError("give either verification_id or all_mintable=true")
        return self


INTERVAL = {"interval": "90%"}
"""Stated in every result with lower and upper bounds, so an answer may name their level (numbers guard)."""


def _json(payload: Any) -> str:
    return json.dumps(payload, default=str, separators=(",", ":"))


def make_tools(ctx: ToolContext, active_policy: Callable[[], Any] = lambda: None) -> dict[str, StructuredTool]:
    """Every tool by name (``mint`` included: the graph keeps it out of the agent's ToolNode)."""
    from copilot.services import chain, fleet, forecasting, planning, policies
    from copilot.services import summary as summaries

    def simulate(days: int = 30, seed: int = 1, jobs_per_day: float = 1000.0) -> str:
        from tools.simulate import SimulationConfig

        with ctx.ledger() as ledger:
            return _json(fleet.run_simulation(ledger, SimulationConfig(days=days, seed=seed,
                                                                         jobs_per_day=jobs_per_day)))

    def account(profile: ProfileName = "auto") -> str:
        with ctx.ledger() as ledger:
            out = fleet.run_account(ledger, profile=profile)
        keep = ("run_id", "jobs", "basis", "total_kgco2e", "lower_kgco2e", "upper_kgco2e", "total_kwh",
                "operational_kgco2e", "embodied_kgco2e", "period_start_utc", "period_end_utc")
        return _json({k: out[k] for k in keep} | {"by_team": out["by_team"], "by_region": out["by_region"]}
                     | INTERVAL)

    def emissions(group_by: GroupBy = "team", team: str | None = None, region: str | None = None,
                  start: date | None = None, end: date | None = None) -> str:
        with ctx.ledger() as ledger:
            return _json(fleet.emissions_breakdown(ledger, group_by, team=team, region=region, start=start,
                                                   end=end) | INTERVAL)

    def forecast(region: str, hours: int = 24, model: str = "auto") -> str:
        with ctx.ledger() as ledger:
            return _json(forecasting.forecast_brief(ledger, ctx.models_dir, region=region, hours=hours, model=model))

    def plan(solver: Literal["greedy", "exact"] = "greedy", days: int | None = 7,
             carbon_price_usd_per_t: float | None = None) -> str:
        from tools.plan import PlanParams

        with ctx.ledger() as ledger:
            out = planning.run_plan(ledger, solver=solver, policy=active_policy(), days=days,
                                    params=PlanParams(carbon_price_usd_per_t=carbon_price_usd_per_t))
        keep = ("plan_id", "solver", "policy", "recommendations", "est_kgco2e_saved", "est_kgco2e_saved_lower",
                "est_kgco2e_saved_upper", "est_usd_saved", "est_kwh_saved", "gap", "not_moved", "power_cap_ok",
                "notes", "jobs", "jobs_moved", "days", "period_start_utc", "period_end_utc", "by_kind")
        return _json({k: out[k] for k in keep} | INTERVAL)

    def recommendations(plan_id: str | None = None, status: str | None = None, kind: str | None = None,
                        team: str | None = None, limit: int = 10) -> str:
        with ctx.ledger() as ledger:
            return _json(planning.list_recommendations(ledger, plan_id=plan_id, status=status, kind=kind,
                                                       team=team, limit=limit))

    def execute(plan_id: str | None = None) -> str:
        with ctx.ledger() as ledger:
            return _json(planning.run_execute(ledger, plan_id=plan_id, actor="copilot"))

    def verify(plan_id: str | None = None) -> str:
        from tools.rollup import largest_mintable

        with ctx.ledger() as ledger:
            out = planning.run_verify(ledger, plan_id=plan_id)
            sample = largest_mintable(planning.plan_verifications(ledger, out["plan_id"]))
        out.pop("ids")
        return _json({k: (round(v, 3) if isinstance(v, float) else v) for k, v in out.items()}
                     | {"sample_ids": sample} | INTERVAL)

    def evidence(verification_id: str) -> str:
        with ctx.ledger() as ledger:
            return _json(planning.verification_record(ledger, verification_id).model_dump(mode="json") | INTERVAL)

    def balances() -> str:
        with ctx.ledger() as ledger:
            return _json(chain.chain_status(ledger, ctx.settings, actor="copilot"))

    def policy() -> str:
        from copilot.policy import PolicyError

        with ctx.ledger() as ledger:
            try:
                stored = policies.show_policy(ledger)
            except PolicyError as exc:
                return _json({"active": False, "note": str(exc)})
        report = stored.report
        return _json({"active": True, "policy_id": stored.policy_id, "name": stored.name,
                      "constraints": [{"constraint": c.constraint, "value": c.value, "sentence": c.sentence}
                                      for c in report.clauses],
                      "unrecognised": [{"sentence": u.sentence, "reason": u.reason} for u in report.unrecognised]})

    def summary(week: str | None = None, team: str | None = None) -> str:
        with ctx.ledger() as ledger:
            return _json(summaries.weekly_summary(ledger, week=week, team=team))

    def mint(verification_id: str | None = None, all_mintable: bool = False) -> str:
        # the schema the model sees; the graph routes every mint call to its approval node, where
        # authenticated approvers decide (copilot.services.approvals). Never minted from here.
        what = verification_id or "every mintable verification"
        return _json({"error": f"mint of {what} needs an approver's decision: it runs only in the approval step"})

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
