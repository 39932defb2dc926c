"""Data behind the UI's dashboard: frames for plots and tables, read from the ledger.

Every figure comes from ``tools/``: accounted emissions from ``tools.account`` (``aggregate`` of
``latest_emissions``), plan figures from the stored ``Plan`` and its recommendations, the timeline
and the leaderboard from ``tools.rollup``, the trade-off curve from ``tools.plan.carbon_price_sweep``,
verified and minted amounts from the stored verification and mint records
(``tools.ledger.queries``). Nothing here computes a figure; it selects and shapes. No Gradio
import: this module is tested alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from copilot.services.fleet import latest_emissions, run_account, run_simulation
from copilot.services.planning import forecast_from_realised
from tools.account import GroupBy, aggregate
from tools.ledger import Ledger
from tools.ledger.plans import latest_plan_id, load_plan
from tools.ledger.queries import (
    evidence_rows,
    minted_by_team,
    open_recommendations_by_team,
    recommendation_rows,
    recommendation_status_counts,
    verified_by_team,
)
from tools.plan import TRADEOFF_PRICES_USD_PER_T, carbon_price_sweep
from tools.plan.sweep import Progress
from tools.records import RecStatus
from tools.rollup import LEADERBOARD_COLUMNS
from tools.rollup import leaderboard as rank_teams
from tools.rollup import plan_timeline as timeline_of
from tools.schemas import PolicySet
from tools.simulate import SimulationConfig

SEED_DAYS = 14
SEED = 1
TRADEOFF_MAX_JOBS = 1500
STATUSES: tuple[str, ...] = tuple(RecStatus)


def seed_if_empty(ledger: Ledger, *, days: int = SEED_DAYS, seed: int = SEED) -> dict[str, Any] | None:
    """Simulate a fleet and account it when the ledger holds no simulation; None if it had one.

    Also makes sure the latest simulation is accounted, so the dashboard and the copilot have
    emissions to show and jobs to plan.
    """
    if ledger.latest_run("simulate") is not None:
        latest_emissions(ledger)
        return None
    sim = run_simulation(ledger, SimulationConfig(days=days, seed=seed))
    acc = run_account(ledger)
    return {"run_id": sim["run_id"], "jobs": sim["jobs"], "days": days, "seed": seed,
            "total_kgco2e": acc["total_kgco2e"], "total_kwh": acc["total_kwh"]}


def has_simulation(ledger: Ledger) -> bool:
    return ledger.latest_run("simulate") is not None


def _group_label(by: GroupBy, key: Any) -> str:
    if by == "hour":
        return f"{int(key):02d}"
    return str(key)[:10]


def emissions_by(ledger: Ledger, by: GroupBy) -> pd.DataFrame:
    """Accounted emissions of the latest simulation grouped by team, region, UTC hour or day.

    Columns: ``by``, kgco2e, lower_kgco2e, upper_kgco2e (90% interval), kwh, jobs.
    """
    agg = aggregate(latest_emissions(ledger), by)
    return pd.DataFrame({
        by: [_group_label(by, k) for k in agg.index],
        "kgco2e": agg["emissions_kg"].to_numpy(), "lower_kgco2e": agg["lower_kg"].to_numpy(),
        "upper_kgco2e": agg["upper_kg"].to_numpy(), "kwh": agg["energy_kwh"].to_numpy(),
        "jobs": agg["jobs"].to_numpy()})


def plan_overview(ledger: Ledger, plan_id: str | None = None) -> dict[str, Any] | None:
    """The latest (or given) plan's head and totals as stored, with status counts; None without a plan."""
    pid = plan_id or latest_plan_id(ledger)
    if pid is None:
        return None
    plan = load_plan(ledger, pid)
    counts = recommendation_status_counts(ledger, pid)
    t = plan.totals
    return {"plan_id": pid, "run_id": plan.run_id, "solver": plan.solver, "policy": plan.policy_name,
            "recommendations": t.recommendations,
            "jobs": len({r.job_id for r in plan.recommendations} | set(plan.not_moved)),
            "est_kgco2e_saved": t.est_kgco2e_saved.model_dump(), "est_kwh_saved": t.est_kwh_saved.model_dump(),
            "est_usd_saved": t.est_usd_saved.model_dump(), "baseline_kgco2e": t.baseline_kgco2e,
            "planned_kgco2e": t.planned_kgco2e, "baseline_cost_usd": t.baseline_cost_usd,
            "planned_cost_usd": t.planned_cost_usd, "statuses": counts, "not_moved": plan.not_moved_counts()}


def plan_timeline(ledger: Ledger, plan_id: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cumulative baseline vs optimised emissions and cost of a plan's jobs, hour by hour (UTC);
    see ``tools.rollup.plan_timeline``. Two long frames (time, series, kgco2e) and (time, series,
    usd), both empty when there is no plan."""
    pid = plan_id or latest_plan_id(ledger)
    if pid is None:
        return timeline_of(pd.DataFrame(), pd.DataFrame(), [])
    plan = load_plan(ledger, pid)
    job_ids = {r.job_id for r in plan.recommendations} | set(plan.not_moved)
    emissions = latest_emissions(ledger, plan.run_id)
    emissions = emissions[emissions["job_id"].isin(job_ids)]
    if emissions.empty:
        return timeline_of(emissions, pd.DataFrame(), [])
    jobs = ledger.load_jobs(str(plan.run_id))
    return timeline_of(emissions, jobs[jobs["job_id"].isin(job_ids)], plan.recommendations)


def tradeoff_jobs(ledger: Ledger, max_jobs: int = TRADEOFF_MAX_JOBS) -> tuple[str, pd.DataFrame]:
    """The latest simulation's first ``max_jobs`` jobs by submission time (the curve's job set)."""
    run = ledger.latest_run("simulate")
    if run is None:
        raise ValueError("no simulation stored yet: simulate a fleet first")
    run_id = str(run["run_id"])
    jobs = ledger.load_jobs(run_id).sort_values("submit_utc", kind="stable").head(max_jobs)
    return run_id, jobs.reset_index(drop=True)


def tradeoff_curve(ledger: Ledger, *, prices: Sequence[float] = TRADEOFF_PRICES_USD_PER_T,
                   max_jobs: int = TRADEOFF_MAX_JOBS, policy: PolicySet | None = None,
                   progress: Progress | None = None) -> pd.DataFrame:
    """Re-plan a bounded job set (greedy, no energy recommendations) at each carbon price
    (``tools.plan.carbon_price_sweep``): one row per price with planned_kgco2e, planned_cost_usd,
    baseline_kgco2e, baseline_cost_usd, recommendations, jobs."""
    run_id, jobs = tradeoff_jobs(ledger, max_jobs)
    forecast = ledger.run_series(run_id, "forecast") or forecast_from_realised(ledger, run_id, jobs)
    return carbon_price_sweep(jobs, forecast, policy, prices=prices, run_id=run_id, progress=progress)


REC_COLUMNS = ["rec_id", "status", "kind", "team", "job_id", "move", "est_kgco2e", "est_kgco2e_lower",
               "est_kwh", "est_usd"]


def recommendation_table(ledger: Ledger, plan_id: str | None = None, status: str | None = None,
                         limit: int = 200) -> pd.DataFrame:
    """A plan's recommendations (largest estimated saving first) with their current status."""
    pid = plan_id or latest_plan_id(ledger)
    if pid is None:
        return pd.DataFrame(columns=REC_COLUMNS)
    out = []
    for r in recommendation_rows(ledger, pid, status, limit):
        p = r.pop("payload")
        if r["kind"] == "shift":
            r["move"] = f"{p['from_region']} {p['from_start_utc'][5:16]} -> {p['to_region']} {p['to_start_utc'][5:16]}"
        elif r["kind"] == "rightsize":
            r["move"] = f"{p['from_instance_type']} -> {p['to_instance_type']}"
        else:
            r["move"] = f"GPU cap {p['gpu_cap_w']:.0f} W, x{p['slowdown']:.2f} run time"
        out.append(r)
    frame = pd.DataFrame(out, columns=REC_COLUMNS)
    for col in ("est_kgco2e", "est_kgco2e_lower", "est_kwh", "est_usd"):
        frame[col] = frame[col].astype(float).round(4)
    return frame


def evidence_chain(ledger: Ledger, rec_id: str) -> dict[str, Any]:
    """Everything recorded about one recommendation: the recommendation, its ticket, execution,
    verification (inputs' hashes, evidence hash) and mints (tx hashes)."""
    found = evidence_rows(ledger, rec_id)
    if found is None:
        raise ValueError(f"no recommendation with rec_id={rec_id!r}")
    return found


def leaderboard(ledger: Ledger) -> pd.DataFrame:
    """Teams ranked by verified avoided emissions (then by lower emissions): accounted emissions of
    the latest simulation, verified and mintable savings, tokens minted, open recommendations
    (``tools.rollup.leaderboard``)."""
    return rank_teams(aggregate(latest_emissions(ledger), "team"), verified_by_team(ledger), minted_by_team(ledger),
                      open_recommendations_by_team(ledger))


__all__ = ["LEADERBOARD_COLUMNS", "REC_COLUMNS", "STATUSES", "TRADEOFF_MAX_JOBS", "TRADEOFF_PRICES_USD_PER_T",
           "emissions_by", "evidence_chain", "has_simulation", "leaderboard", "plan_overview", "plan_timeline",
           "recommendation_table", "seed_if_empty", "tradeoff_curve", "tradeoff_jobs"]
