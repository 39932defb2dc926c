"""Operations that join the numeric tools to the ledger: the I/O edge used by the CLI (and,
later, by the agent's tools). Each returns a JSON-ready dict whose figures come from ``tools``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pandas as pd

from tools.account import Bounds, ProfileName, account_jobs, aggregate, totals
from tools.forecast import rolling_forecast
from tools.ledger import Ledger, LedgerError
from tools.ledger.plans import (
    latest_plan_id,
    load_executions,
    recommendations,
    store_executions,
    store_plan,
    store_verifications,
    verifications_for_plan,
)
from tools.plan import PlanParams, make_plan, ticket_markdown
from tools.records import Plan, RecStatus
from tools.schemas import Basis, GridSeries, PolicySet, SeriesKind
from tools.simulate import SimulationConfig, simulate
from tools.simulate.execute import ExecutionParams, execute
from tools.sources import file_sha256, read_grid_csv
from tools.verify import VerifyParams, verify


def run_simulation(ledger: Ledger, config: SimulationConfig, *, telemetry: bool = True
                   ) -> dict[str, Any]:
    """Simulate a fleet and store it (idempotent: same config -> same run, nothing duplicated)."""
    fleet = simulate(config, with_telemetry=telemetry)
    series = [*fleet.realised.values(), *fleet.forecast.values(),
              *fleet.electricity_prices.values()]
    params = {**config.model_dump(mode="json"), "telemetry": telemetry}
    result = ledger.store_run("simulate", params, jobs=fleet.jobs, series=series,
                              telemetry=fleet.telemetry if telemetry else None)
    return {
        "run_id": result.id,
        "created": result.created,
        "jobs": len(fleet.jobs),
        "regions": len(fleet.realised),
        "telemetry_rows": len(fleet.telemetry),
        "start": config.start_utc.isoformat(),
        "end": config.end_utc.isoformat(),
    }


def resolve_run_id(ledger: Ledger, run_id: str | None) -> str:
    """``run_id`` if it exists, else the latest simulation's; LedgerError when there is none."""
    if run_id:
        ledger.get_run(run_id)
        return run_id
    latest = ledger.latest_run("simulate")
    if latest is None:
        raise LedgerError("no simulation stored yet: run `simulate` first (or pass --run)")
    return str(latest["run_id"])


def _group_dict(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    return {
        str(key): {
            "kgco2e": float(row["emissions_kg"]),
            "lower_kgco2e": float(row["lower_kg"]),
            "upper_kgco2e": float(row["upper_kg"]),
            "kwh": float(row["energy_kwh"]),
            "jobs": int(row["jobs"]),
        }
        for key, row in frame.iterrows()
    }


def run_account(
    ledger: Ledger,
    *,
    run_id: str | None = None,
    profile: ProfileName = "auto",
    bounds: Bounds | None = None,
    include_embodied: bool = True,
) -> dict[str, Any]:
    """Account a stored run's jobs against the grid series that cover them; store the result."""
    bounds = bounds or Bounds()
    run_id = resolve_run_id(ledger, run_id)
    jobs = ledger.load_jobs(run_id)
    grid = ledger.grid_for_jobs(jobs, run_id)
    emissions = account_jobs(jobs, grid, profile=profile, bounds=bounds,
                             include_embodied=include_embodied)
    total = totals(emissions)
    params = {"profile": profile, "bounds": bounds.model_dump(),
              "include_embodied": include_embodied,
              "series": {region: s.content_hash() for region, s in sorted(grid.items())}}
    stored = ledger.store_account(run_id, params, emissions, total)
    return {
        "run_id": run_id,
        "account_id": stored.id,
        "jobs": int(total["jobs"]),
        "basis": str(emissions["basis"].iloc[0]),
        "total_kgco2e": total["emissions_kg"],
        "lower_kgco2e": total["lower_kg"],
        "upper_kgco2e": total["upper_kg"],
        "operational_kgco2e": total["operational_kg"],
        "embodied_kgco2e": total["embodied_kg"],
        "total_kwh": total["energy_kwh"],
        "lower_kwh": total["energy_lower_kwh"],
        "upper_kwh": total["energy_upper_kwh"],
        "by_team": _group_dict(aggregate(emissions, "team")),
        "by_region": _group_dict(aggregate(emissions, "region")),
        "series": params["series"],
    }


def latest_emissions(ledger: Ledger, run_id: str | None = None) -> pd.DataFrame:
    """Per-job emissions of the latest accounting of a run (accounting it first if needed)."""
    run_id = resolve_run_id(ledger, run_id)
    account_id = ledger.latest_account_id(run_id) or run_account(ledger, run_id=run_id)["account_id"]
    return ledger.load_emissions(str(account_id))


def run_import_grid(
    ledger: Ledger,
    path: Path,
    *,
    region: str,
    tz: str | None,
    basis: Basis | None,
    step_minutes: int = 60,
    fmt: Literal["auto", "lwa", "dacf", "generic"] = "auto",
    column: str | None = None,
    kind: SeriesKind | None = None,
    max_gap_minutes: int = 60,
) -> dict[str, Any]:
    """Read a grid-intensity CSV and store it; a bad file raises before anything is written."""
    series = read_grid_csv(path, region=region, tz=tz, basis=basis, step_minutes=step_minutes,
                           fmt=fmt, column=column, kind=kind, max_gap_minutes=max_gap_minutes)
    params = {"file": Path(path).name, "file_sha256": file_sha256(path), "region": region,
              "tz": tz, "basis": series.basis, "kind": series.kind, "step_minutes": step_minutes,
              "fmt": fmt, "column": column}
    result = ledger.store_run("import-grid", params, series=[series])
    return {
        "run_id": result.id,
        "created": result.created,
        "series_id": series.content_hash(),
        "region": series.region,
        "basis": series.basis,
        "kind": series.kind,
        "step_minutes": series.step_minutes,
        "values": len(series.values),
        "start": series.start_utc.isoformat(),
        "end": series.end_utc.isoformat(),
        "mean_g_per_kwh": float(pd.Series(series.values).mean()),
    }


def _plan_summary(plan: Plan, created: bool) -> dict[str, Any]:
    by_kind: dict[str, dict[str, float]] = {}
    for rec in plan.recommendations:
        agg = by_kind.setdefault(rec.kind, {"count": 0, "est_kgco2e_saved": 0.0,
                                            "est_kwh_saved": 0.0, "est_usd_saved": 0.0})
        agg["count"] += 1
        agg["est_kgco2e_saved"] += rec.est_kgco2e_saved.central
        agg["est_kwh_saved"] += rec.est_kwh_saved.central
        agg["est_usd_saved"] += rec.est_usd_saved.central
    t = plan.totals
    return {
        "plan_id": plan.plan_id, "created": created, "solver": plan.solver,
        "policy": plan.policy_name, "recommendations": t.recommendations,
        "est_kgco2e_saved": t.est_kgco2e_saved.central,
        "est_kgco2e_saved_lower": t.est_kgco2e_saved.lower,
        "est_kgco2e_saved_upper": t.est_kgco2e_saved.upper,
        "est_usd_saved": t.est_usd_saved.central, "est_kwh_saved": t.est_kwh_saved.central,
        "baseline_kgco2e": t.baseline_kgco2e, "planned_kgco2e": t.planned_kgco2e,
        "gap": plan.gap, "objective_usd": plan.objective_usd, "bound_usd": plan.bound_usd,
        "not_moved": plan.not_moved_counts(), "by_kind": by_kind,
        "power_cap_ok": plan.power_cap_ok, "budget": plan.budget, "notes": plan.notes,
        "runtime_s": plan.runtime_s,
    }


def run_plan(
    ledger: Ledger,
    *,
    solver: Literal["greedy", "exact"] = "greedy",
    run_id: str | None = None,
    policy: PolicySet | None = None,
    params: PlanParams | None = None,
    days: int | None = None,
) -> dict[str, Any]:
    """Plan a stored run's jobs (optionally only those submitted in its first ``days``) on the
    run's forecast series, store the plan and its recommendations."""
    run_id = resolve_run_id(ledger, run_id)
    jobs = ledger.load_jobs(run_id)
    if days is not None:
        first = jobs["submit_utc"].min().floor("D")
        jobs = jobs[jobs["submit_utc"] < first + pd.Timedelta(days=days)].reset_index(drop=True)
    forecast = ledger.run_series(run_id, "forecast") or forecast_from_realised(ledger, run_id, jobs)
    plan = make_plan(jobs, forecast, policy, solver=solver, params=params, run_id=run_id)
    stored = store_plan(ledger, plan)
    return _plan_summary(plan, stored.created)


def forecast_from_realised(ledger: Ledger, run_id: str, jobs: pd.DataFrame) -> dict[str, GridSeries]:
    """When a run has no forecast series: day-ahead forecasts (tools.forecast, ``auto`` model)
    issued daily from each region's realised history over the jobs' whole planning window."""
    realised = ledger.run_series(run_id, "realised")
    if not realised:
        raise LedgerError(f"run {run_id} has neither forecast nor realised grid series to plan on")
    start = pd.Timestamp(jobs["submit_utc"].min()).floor("D")
    end = pd.Timestamp(jobs["deadline_utc"].max()).ceil("D")
    return {region: rolling_forecast(series, start.to_pydatetime(), end.to_pydatetime(), "auto")
            for region, series in realised.items()}


def resolve_plan_id(ledger: Ledger, plan_id: str | None) -> str:
    """``plan_id`` if it exists, else the latest plan's; LedgerError when there is none."""
    plan_id = plan_id or latest_plan_id(ledger)
    if plan_id is None:
        raise LedgerError("no plan stored yet: run `plan` first (or pass --plan)")
    load_plan_head(ledger, plan_id)
    return plan_id


def load_plan_head(ledger: Ledger, plan_id: str) -> dict[str, Any]:
    rows = list(ledger.db.query("SELECT * FROM plans WHERE plan_id = ?", [plan_id]))
    if not rows:
        raise LedgerError(f"no plan with plan_id={plan_id!r}")
    return rows[0]


def run_execute(ledger: Ledger, *, plan_id: str | None = None, rec_ids: list[str] | None = None,
                seed: int = 0, actor: str = "cli") -> dict[str, Any]:
    """Approve and execute (in the simulator) a plan's proposed recommendations, or ``rec_ids``."""
    plan_id = resolve_plan_id(ledger, plan_id)
    head = load_plan_head(ledger, plan_id)
    proposed = recommendations(ledger, plan_id, RecStatus.PROPOSED)
    if rec_ids:
        wanted = set(rec_ids)
        chosen = [r for r in recommendations(ledger, plan_id) if r.rec_id in wanted]
        missing = sorted(wanted - {r.rec_id for r in chosen})
        if missing:
            raise LedgerError(f"recommendation(s) {missing[:5]} are not in plan {plan_id}")
        proposed = chosen
    if not proposed:
        return {"plan_id": plan_id, "executions": 0, "recommendations": 0, "created": False}
    jobs = ledger.load_jobs(str(head["run_id"]))
    executions = execute(proposed, jobs, ExecutionParams(seed=seed))
    tickets = {r.rec_id: ticket_markdown(r) for r in proposed}
    stored = store_executions(ledger, executions, tickets, actor=actor)
    return {"plan_id": plan_id, "executions": len(executions), "recommendations": len(proposed),
            "tickets": len(tickets), "created": stored.created}


def run_verify(ledger: Ledger, *, plan_id: str | None = None,
               params: VerifyParams | None = None) -> dict[str, Any]:
    """Verify every executed recommendation of a plan against the run's realised grid data."""
    plan_id = resolve_plan_id(ledger, plan_id)
    head = load_plan_head(ledger, plan_id)
    run_id = str(head["run_id"])
    executed = recommendations(ledger, plan_id, RecStatus.EXECUTED)
    executions = load_executions(ledger, plan_id)
    jobs = ledger.load_jobs(run_id).set_index("job_id", drop=False)
    by_id = {str(job_id): row for job_id, row in jobs.iterrows()}
    realised = ledger.run_series(run_id, "realised")
    fresh = [verify(rec, executions[rec.job_id], by_id[rec.job_id], realised, params) for rec in executed]
    store_verifications(ledger, fresh)
    done = verifications_for_plan(ledger, plan_id)
    return {
        "plan_id": plan_id,
        "verifications": len(done),
        "new": len(fresh),
        "ids": [v.verification_id for v in done],
        "verified_kgco2e": sum(v.saved_kgco2e.central for v in done),
        "verified_kgco2e_lower": sum(v.saved_kgco2e.lower for v in done),
        "verified_kwh": sum(v.saved_kwh.central for v in done),
        "verified_kwh_lower": sum(v.saved_kwh.lower for v in done),
        "claimed_kgco2e": sum(v.claimed_kgco2e for v in done),
        "claimed_kwh": sum(v.claimed_kwh for v in done),
        "mintable_kgco2e": sum(v.mintable_kgco2e for v in done),
        "mintable_kwh": sum(v.mintable_kwh for v in done),
    }
