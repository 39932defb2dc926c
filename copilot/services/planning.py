"""Plans on the ledger: plan a run's jobs, execute the recommendations in the simulator, verify them
on realised data, list recommendations and verifications (JSON-ready or typed records).

The planner, executor and verifier are ``tools``; this module picks their inputs from the ledger
and stores what they produce.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from copilot.services.fleet import iso_utc, resolve_run_id
from tools.forecast import rolling_forecast
from tools.ledger import Ledger, LedgerError
from tools.ledger.plans import (
    claims_for_jobs,
    executed_jobs,
    get_plan_head,
    latest_plan_id,
    load_executions,
    load_verification,
    recommendations,
    statuses,
    store_executions,
    store_plan,
    store_verifications,
    verifications_for_plan,
)
from tools.plan import PlanParams, make_plan, ticket_markdown
from tools.records import RecStatus, Verification
from tools.rollup import plan_summary, select_recommendations, verification_totals
from tools.schemas import GridSeries, PolicySet
from tools.simulate import ExecutionParams, execute
from tools.verify import VerifyParams, verify


def run_plan(
    ledger: Ledger,
    *,
    solver: Literal["greedy", "exact"] = "greedy",
    run_id: str | None = None,
    policy: PolicySet | None = None,
    params: PlanParams | None = None,
    days: int | None = None,
) -> dict[str, Any]:
    """Plan a stored run's jobs on the run's forecast series, store the plan and its recommendations.

    With ``days``, only the jobs submitted in the last ``days`` UTC calendar days of the run's job
    history, the days up to the clock (``copilot.services.clock``: no jobs are stored after it).
    The answer states the period (``period_start_utc``/``period_end_utc``: first and last submit
    time, UTC) and how many jobs were planned, moved (a shift recommendation) and not moved."""
    run_id = resolve_run_id(ledger, run_id)
    jobs = ledger.load_jobs(run_id)
    if days is not None:
        first_day = jobs["submit_utc"].max().floor("D") - pd.Timedelta(days=days - 1)
        jobs = jobs[jobs["submit_utc"] >= first_day].reset_index(drop=True)
    forecast = ledger.run_series(run_id, "forecast") or forecast_from_realised(ledger, run_id, jobs)
    held = executed_jobs(ledger, jobs["job_id"].astype(str))
    plan = make_plan(jobs, forecast, policy, solver=solver, params=params, run_id=run_id, executed=held)
    stored = store_plan(ledger, plan)
    moved = len({r.job_id for r in plan.recommendations if r.kind == "shift"})
    return {**plan_summary(plan), "created": stored.created, "jobs": len(jobs), "jobs_moved": moved,
            "days": days, "period_start_utc": iso_utc(jobs["submit_utc"].min()),
            "period_end_utc": iso_utc(jobs["submit_utc"].max())}



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
    """The stored plan's row (plan_id, run_id, solver, policy, created_utc); LedgerError if unknown."""
    head = get_plan_head(ledger, plan_id)
    if head is None:
        raise LedgerError(f"no plan with plan_id={plan_id!r}")
    return head


def run_execute(ledger: Ledger, *, plan_id: str | None = None, rec_ids: list[str] | None = None,
                seed: int = 0, actor: str = "cli") -> dict[str, Any]:
    """Approve and execute (in the simulator) a plan's proposed recommendations, or ``rec_ids``.

    A recommendation whose (job, kind of change) was already executed in another plan is not
    executed again: it is listed under ``already_executed`` with the plan that holds the saving."""
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
    claims = claims_for_jobs(ledger, {r.job_id for r in proposed})
    taken = [(r, claims[(r.job_id, r.kind)]) for r in proposed
             if (r.job_id, r.kind) in claims and claims[(r.job_id, r.kind)]["rec_id"] != r.rec_id]
    already = [{"rec_id": r.rec_id, "job_id": r.job_id, "kind": r.kind, "plan_id": c["plan_id"],
                "held_by": c["rec_id"]} for r, c in taken]
    skip = {r.rec_id for r, _ in taken}
    proposed = [r for r in proposed if r.rec_id not in skip]
    if not proposed:
        return {"plan_id": plan_id, "executions": 0, "recommendations": 0, "created": False,
                "already_executed": len(already), "already_executed_examples": already[:5]}
    jobs = ledger.load_jobs(str(head["run_id"]))
    executions = execute(proposed, jobs, ExecutionParams(seed=seed))
    tickets = {r.rec_id: ticket_markdown(r) for r in proposed}
    stored = store_executions(ledger, executions, tickets, actor=actor)
    return {"plan_id": plan_id, "executions": len(executions), "recommendations": len(proposed),
            "tickets": len(tickets), "created": stored.created, "already_executed": len(already),
            "already_executed_examples": already[:5]}


def run_verify(ledger: Ledger, *, plan_id: str | None = None,
               params: VerifyParams | None = None) -> dict[str, Any]:
    """Verify every executed recommendation of a plan against the run's realised grid data."""
    plan_id = resolve_plan_id(ledger, plan_id)
    head = load_plan_head(ledger, plan_id)
    run_id = str(head["run_id"])
    executed = recommendations(ledger, plan_id, RecStatus.EXECUTED)
    claims = claims_for_jobs(ledger, {r.job_id for r in executed})
    held_elsewhere = [r for r in executed if claims.get((r.job_id, r.kind), {}).get("rec_id") != r.rec_id]
    executed = [r for r in executed if r not in held_elsewhere]
    executions = load_executions(ledger, plan_id)
    jobs = ledger.load_jobs(run_id).set_index("job_id", drop=False)
    by_id = {str(job_id): row for job_id, row in jobs.iterrows()}
    realised = ledger.run_series(run_id, "realised")
    fresh = [verify(rec, executions[rec.job_id], by_id[rec.job_id], realised, params) for rec in executed]
    store_verifications(ledger, fresh)
    totals = verification_totals(verifications_for_plan(ledger, plan_id))
    out = {"plan_id": plan_id, "new": len(fresh), **totals}
    if held_elsewhere:
        out["not_verified_claimed_elsewhere"] = len(held_elsewhere)
    return out


def list_recommendations(ledger: Ledger, *, plan_id: str | None = None, status: str | None = None,
                         kind: str | None = None, team: str | None = None, limit: int = 10) -> dict[str, Any]:
    """A plan's recommendations (the latest plan by default) matching status, kind and team, largest
    estimated saving first, with their current status (JSON-ready, figures rounded)."""
    pid = resolve_plan_id(ledger, plan_id)
    rows = recommendations(ledger, pid)
    state = statuses(ledger, [r.rec_id for r in rows])
    chosen = select_recommendations(rows, state, status=status, kind=kind, team=team)
    return {"plan_id": pid, "matching": len(chosen), "recommendations": [
        {"rec_id": r.rec_id, "kind": r.kind, "job_id": r.job_id, "team": r.team, "status": state[r.rec_id],
         "to_region": r.to_region, "to_start_utc": r.to_start_utc.isoformat(),
         "est_kgco2e_saved": round(r.est_kgco2e_saved.central, 3), "est_kwh_saved": round(r.est_kwh_saved.central, 3),
         "est_usd_saved": round(r.est_usd_saved.central, 3), "reason": r.reason} for r in chosen[:limit]]}


def verification_record(ledger: Ledger, verification_id: str) -> Verification:
    """One stored verification (LedgerError if there is none)."""
    return load_verification(ledger, verification_id)


def find_verification(ledger: Ledger, verification_id: str) -> Verification | None:
    """One stored verification, or None."""
    try:
        return load_verification(ledger, verification_id)
    except LedgerError:
        return None


def plan_verifications(ledger: Ledger, plan_id: str) -> list[Verification]:
    """Every verification of a plan's recommendations, oldest first."""
    return verifications_for_plan(ledger, plan_id)
