"""The planner's single interface: ``make_plan(jobs, forecast, policy, solver=...) -> Plan``.

Plans are made on **forecast** intensity only. Both solvers optimise the same score (see
``tools.plan.model``); the plan then lists a recommendation per moved job (kind ``shift``:
kgCO2e and USD deltas, never kWh), energy recommendations (``rightsize``, ``power_cap``: kWh,
kgCO2e and USD), and every job it did not move with the reason.

Intervals (90%): a shift's saving ``E x (I_base - I_new)`` combines the forecast's interval
half-widths of both placements in quadrature with the energy model's relative bound; an energy
recommendation's kgCO2e combines its kWh bound with the planned placement's intensity bound.
USD deltas are list prices and carry no interval. Totals add the bounds (conservative).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Literal

import numpy as np
import pandas as pd

from tools.hashing import content_hash, sha256_hex
from tools.jobs import frame_records
from tools.plan.energy_recs import EnergyRecParams, gpu_power_caps, rightsizing
from tools.plan.exact import solve_exact
from tools.plan.greedy import Choice, baseline_choice, greedy
from tools.plan.model import ArrayF, PlanContext, PlanningError, PlanParams, baseline, build_context
from tools.records import ZERO, Interval, Plan, PlanTotals, Recommendation, Segment
from tools.schemas import GridSeries, PolicySet

PLAN_METHOD_VERSION = "plan-v1"

__all__ = ["PlanParams", "PlanningError", "jobs_fingerprint", "make_plan"]


def jobs_fingerprint(jobs: pd.DataFrame) -> str:
    """SHA-256 of a jobs frame's content (fast, order-sensitive)."""
    hashed = np.asarray(pd.util.hash_pandas_object(jobs, index=False).to_numpy(), dtype=np.uint64)
    return sha256_hex(hashed.tobytes() + ",".join(map(str, jobs.columns)).encode())


def _moved(ctx: PlanContext, choice: Choice) -> np.ndarray:
    split = np.zeros(ctx.n, dtype=bool)
    split[list(choice.pieces)] = True
    moved = (choice.region != ctx.home) | (np.abs(choice.start_x - ctx.start0_x) > 1e-6) | split
    return np.asarray(moved, dtype=bool)


def _reasons(ctx: PlanContext, choice: Choice, moved: np.ndarray, base_ok: np.ndarray) -> np.ndarray:
    n_regions = len(ctx.grids)
    off_grid = np.abs(ctx.start0_x - ctx.submit_x) > 1e-6
    own_alt = (ctx.k_own >= 1) | (n_regions > 1) | (off_grid & (ctx.k_own >= 0))
    policy_alt = ((ctx.k_max >= 1) | (ctx.allowed.sum(axis=1) > 1)
                  | (off_grid & (ctx.k_max >= 0))) & ~ctx.fixed
    reason = np.where(policy_alt, "no_better_slot", np.where(own_alt, "policy", "window"))
    reason = np.where(ctx.fixed, "urgent", reason)
    reason = np.where(~base_ok & ~ctx.fixed, "no_feasible_slot", reason)
    if ctx.policy.max_power_kw is not None:
        free = greedy(_without_cap(ctx))
        wanted = _moved(ctx, free)
        reason = np.where((reason == "no_better_slot") & wanted, "power_cap", reason)
    return np.where(moved, "", reason)


def _without_cap(ctx: PlanContext) -> PlanContext:
    policy = ctx.policy.model_copy(update={"max_power_kw": None})
    clone = PlanContext(**{**ctx.__dict__, "policy": policy})
    return clone


def _run_stats(ctx: PlanContext, choice: Choice, rows: np.ndarray) -> tuple[ArrayF, ArrayF]:
    """Mean forecast intensity and its 90% half-width over each chosen run, gCO2e/kWh."""
    inten = np.empty(rows.size)
    half = np.empty(rows.size)
    split = np.array([int(j) in choice.pieces for j in rows], dtype=bool)
    for r, grid in enumerate(ctx.grids):
        pos = np.flatnonzero(~split & (choice.region[rows] == r))
        if pos.size:
            xs = choice.start_x[rows[pos]]
            xe = xs + ctx.width[rows[pos]]
            inten[pos] = grid.mean(xs, xe)
            half[pos] = grid.mean_half_width(xs, xe)
    for i in np.flatnonzero(split):
        parts = choice.pieces[int(rows[i])]
        w = np.array([p[2] for p in parts])
        xs = np.array([p[1] for p in parts])
        grid = ctx.grids[parts[0][0]]
        inten[i] = float(np.dot(grid.mean(xs, xs + w), w) / w.sum())
        half[i] = float(np.dot(grid.mean_half_width(xs, xs + w), w) / w.sum())
    return inten, half


def _segments(ctx: PlanContext, choice: Choice, j: int) -> list[Segment]:
    parts = choice.pieces.get(j) or [(int(choice.region[j]), float(choice.start_x[j]),
                                      float(ctx.width[j]))]
    t0 = ctx.t0.to_pydatetime()
    step_s = ctx.step_minutes * 60.0
    return [Segment(region=ctx.grids[r].name, start_utc=t0 + timedelta(microseconds=round(xs * step_s * 1e6)),
                    hours=w * ctx.step_h) for r, xs, w in parts]


def _rec_id(plan_id: str, job_id: str, kind: str) -> str:
    return content_hash({"plan": plan_id, "job": job_id, "kind": kind})[:16]


def _shift_recs(ctx: PlanContext, choice: Choice, base: Choice, moved: np.ndarray, plan_id: str
                ) -> list[Recommendation]:
    rows = np.flatnonzero(moved)
    if rows.size == 0:
        return []
    base_int, base_half = _run_stats(ctx, base, rows)
    new_int, new_half = _run_stats(ctx, choice, rows)
    energy = ctx.energy_kwh[rows]
    saved = energy * (base_int - new_int) / 1000.0
    half = np.hypot(energy * np.hypot(base_half, new_half) / 1000.0, ctx.params.power_rel * saved)
    usd = ctx.cost_usd[rows, ctx.home[rows]] - ctx.cost_usd[rows, choice.region[rows]] \
        - ctx.egress_usd[rows, choice.region[rows]]
    records = frame_records(ctx.jobs.iloc[rows][["job_id", "team", "region", "start_utc",
                                                 "instance_type"]])
    recs = []
    for i, (j, job) in enumerate(zip(rows, records, strict=True)):
        segs = _segments(ctx, choice, int(j))
        start: datetime = job["start_utc"].to_pydatetime()
        delay_h = (segs[0].start_utc - start).total_seconds() / 3600
        where = segs[0].region if segs[0].region != job["region"] else "the same region"
        split = f" in {len(segs)} pieces" if len(segs) > 1 else ""
        recs.append(Recommendation(
            rec_id=_rec_id(plan_id, job["job_id"], "shift"), plan_id=plan_id, kind="shift",
            job_id=job["job_id"], team=job["team"], from_region=job["region"], from_start_utc=start,
            to_region=segs[0].region, to_start_utc=segs[0].start_utc, segments=segs,
            from_instance_type=job["instance_type"], to_instance_type=job["instance_type"],
            est_kgco2e_saved=Interval.around(float(saved[i]), float(half[i])),
            est_usd_saved=Interval.point(float(usd[i])), est_kwh_saved=ZERO,
            reason=(f"run {delay_h:+.1f} h from the submitted start in {where}{split}: forecast "
                    f"{new_int[i]:.0f} vs {base_int[i]:.0f} gCO2e/kWh")))
    return recs


def _energy_recs(ctx: PlanContext, choice: Choice, plan_id: str) -> list[Recommendation]:
    planned = ctx.jobs.assign(region=[ctx.grids[r].name for r in choice.region],
                              start_utc=ctx.slot_time(choice.start_x))
    inten, half = _run_stats(ctx, choice, np.arange(ctx.n))
    recs: list[Recommendation] = []
    p_rel = ctx.params.power_rel
    proposals = [("rightsize", rightsizing(planned, ctx.params.profile, EnergyRecParams())),
                 ("power_cap", gpu_power_caps(planned, planned["start_utc"], ctx.params.profile))]
    for kind, props in proposals:
        if props.empty:
            continue
        rows = props["row"].to_numpy(dtype=np.int64)
        records = frame_records(planned.iloc[rows])
        original = frame_records(ctx.jobs.iloc[rows][["region", "start_utc"]])
        for i, prop in enumerate(frame_records(props)):
            j = int(prop["row"])
            job = records[i]
            kwh = float(prop["kwh_saved"])
            kg = kwh * inten[j] / 1000.0
            kg_half = np.hypot(p_rel * kg, kwh * half[j] / 1000.0)
            extra: dict[str, object] = {}
            if kind == "rightsize":
                extra["to_instance_type"] = prop["to_instance_type"]
                why = (f"utilisation {job['utilisation']:.0%} of {job['vcpus']} vCPUs: "
                       f"{prop['to_instance_type']} ({prop['vcpus']} vCPUs) runs it at "
                       f"{prop['utilisation']:.0%}")
            else:
                extra.update(to_instance_type=job["instance_type"], gpu_cap_w=float(prop["cap_w"]),
                             slowdown=float(prop["slowdown"]))
                why = (f"cap {job['gpus']} GPU(s) at {prop['cap_w']:.0f} W: "
                       f"{(prop['slowdown'] - 1):.1%} slower, still before the deadline")
            recs.append(Recommendation(
                rec_id=_rec_id(plan_id, job["job_id"], kind), plan_id=plan_id, kind=kind,
                job_id=job["job_id"], team=job["team"], from_region=original[i]["region"],
                from_start_utc=original[i]["start_utc"].to_pydatetime(),
                to_region=job["region"], to_start_utc=job["start_utc"].to_pydatetime(),
                from_instance_type=job["instance_type"],
                est_kgco2e_saved=Interval.around(kg, float(kg_half)),
                est_usd_saved=Interval.point(float(prop["usd_saved"])),
                est_kwh_saved=Interval.around(kwh, p_rel * kwh), reason=why,
                **extra))  # type: ignore[arg-type]
    return recs


def _sum(recs: list[Recommendation], field: str) -> Interval:
    vals = [getattr(r, field) for r in recs]
    return Interval(central=sum(v.central for v in vals), lower=sum(v.lower for v in vals),
                    upper=sum(v.upper for v in vals))


def _budget(ctx: PlanContext, choice: Choice, planned_kg: ArrayF) -> dict[str, dict[str, float | bool]]:
    if ctx.policy.carbon_budget_kg is None:
        return {}
    per = pd.Series(planned_kg).groupby(ctx.budget_periods(choice.start_x)).sum()
    limit = float(ctx.policy.carbon_budget_kg)
    return {str(k): {"planned_kgco2e": float(v), "budget_kgco2e": limit, "ok": bool(v <= limit + 1e-9)}
            for k, v in per.items()}


def make_plan(
    jobs: pd.DataFrame,
    forecast: dict[str, GridSeries],
    policy: PolicySet | None = None,
    *,
    solver: Literal["greedy", "exact"] = "greedy",
    params: PlanParams | None = None,
    run_id: str | None = None,
    executed: Mapping[str, str] | None = None,
) -> Plan:
    """Plan ``jobs`` on ``forecast`` (one forecast series per region) under ``policy``.

    ``executed`` (job_id -> plan id): jobs with a change already executed in another plan. They
    are not planned again (their saving is claimed there): each is listed as not moved, reason
    ``executed``, and a note names the plans. Their load is not part of this plan's power cap.

    Raises:
        PlanningError: no jobs, no forecast, a job's region without forecast, mixed steps/bases.
        tools.jobs.JobDataError: a bad job row (e.g. deadline before submit + duration).
    """
    if solver not in ("greedy", "exact"):
        raise PlanningError(f"solver={solver!r} is not one of greedy, exact")
    if any(s.kind != "forecast" for s in forecast.values()):
        raise PlanningError("plans are made on forecasts: every series must have kind='forecast'")
    policy = policy or PolicySet()
    params = params or PlanParams()
    held = {str(j): str(p) for j, p in (executed or {}).items()}
    held = {j: p for j, p in held.items() if j in set(jobs["job_id"].astype(str))}
    if held:
        jobs = jobs[~jobs["job_id"].astype(str).isin(held)].reset_index(drop=True)
        if jobs.empty:
            raise PlanningError(f"every job in this window was already executed (in plan(s) "
                                f"{', '.join(sorted(set(held.values()))[:3])}): nothing left to plan")
    ctx = build_context(jobs, forecast, policy, params)
    plan_params = {**params.model_dump(), "carbon_usd_per_t": ctx.carbon_usd_per_kg * 1000,
                   "method": PLAN_METHOD_VERSION, "step_minutes": ctx.step_minutes}
    series_hashes = {r: s.content_hash() for r, s in sorted(forecast.items())}
    policy_hash = content_hash(policy.model_dump(mode="json"))
    plan_id = content_hash({"jobs": jobs_fingerprint(ctx.jobs), "forecast": series_hashes,
                            "policy": policy_hash, "params": plan_params, "solver": solver})[:16]

    t0 = time.perf_counter()
    choice = greedy(ctx) if solver == "greedy" else solve_exact(ctx)
    runtime = time.perf_counter() - t0
    base = baseline_choice(ctx)
    _, _, base_ok = baseline(ctx)
    moved = _moved(ctx, choice)
    reasons = _reasons(ctx, choice, moved, base_ok)
    recs = _shift_recs(ctx, choice, base, moved, plan_id)
    if params.energy_recs:
        recs += _energy_recs(ctx, choice, plan_id)
    kg_base = ctx.energy_kwh * base.intensity / 1000.0
    kg_plan = ctx.energy_kwh * choice.intensity / 1000.0
    energy_kg = sum(r.est_kgco2e_saved.central for r in recs if r.kind != "shift")
    usd = _sum(recs, "est_usd_saved")
    base_cost = float(ctx.cost_usd[np.arange(ctx.n), ctx.home].sum())
    totals = PlanTotals(
        recommendations=len(recs), est_kgco2e_saved=_sum(recs, "est_kgco2e_saved"),
        est_usd_saved=usd, est_kwh_saved=_sum(recs, "est_kwh_saved"),
        baseline_kgco2e=float(kg_base.sum()), planned_kgco2e=float(kg_plan.sum() - energy_kg),
        baseline_cost_usd=base_cost, planned_cost_usd=base_cost - usd.central)
    ids = ctx.jobs["job_id"].to_numpy()
    not_moved: dict[str, str] = {str(ids[j]): str(reasons[j]) for j in np.flatnonzero(~moved)}
    notes = list(choice.notes)
    if held:
        not_moved.update(dict.fromkeys(held, "executed"))
        plans = sorted(set(held.values()))
        notes.append(f"{len(held)} job(s) already executed in plan(s) {', '.join(plans[:3])}"
                     f"{' ...' if len(plans) > 3 else ''}: their savings are claimed there, so "
                     f"they are not proposed again")
    return Plan(
        plan_id=plan_id, run_id=run_id, solver=solver, policy_name=policy.name,
        policy_hash=policy_hash, params=plan_params, forecast_series=series_hashes,
        recommendations=recs,
        not_moved=not_moved,  # type: ignore[arg-type]
        totals=totals, objective_usd=choice.objective, baseline_objective_usd=base.objective,
        bound_usd=choice.bound, gap=choice.gap, power_cap_ok=choice.cap_ok,
        budget=_budget(ctx, choice, kg_plan), notes=notes, runtime_s=runtime)
