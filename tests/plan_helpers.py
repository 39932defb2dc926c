"""Small hand-made planning instances and an independent checker of plans (test helpers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from tools.account import PROFILES, energy_kwh
from tools.catalog import instance_price_usd_per_h
from tools.records import Plan
from tools.schemas import GridSeries, PolicySet

T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday


def forecast(values: dict[str, list[float]], start: datetime = T0) -> dict[str, GridSeries]:
    return {r: GridSeries(region=r, basis="lifecycle", kind="forecast", start_utc=start,
                          step_minutes=60, values=v) for r, v in values.items()}


def realised(values: dict[str, list[float]], start: datetime = T0) -> dict[str, GridSeries]:
    return {r: GridSeries(region=r, basis="lifecycle", kind="realised", start_utc=start,
                          step_minutes=60, values=v) for r, v in values.items()}


def jobs(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Jobs with sensible defaults; submit/start/deadline from submit_h, duration_h, slack_h."""
    out = []
    for i, row in enumerate(rows):
        r: dict[str, object] = dict(job_id=f"j{i}", team="ml", region="us-east-1", provider="aws",
                                    category="sustainable", instance_type="m5.2xlarge", vcpus=8,
                                    memory_gb=32.0, gpus=0, utilisation=0.5, data_gb=0.0,
                                    interruptible=False, submit_h=0.0, duration_h=1.0, slack_h=4.0)
        r.update(row)
        submit = T0 + timedelta(hours=float(r.pop("submit_h")))  # type: ignore[arg-type]
        slack = float(r.pop("slack_h"))  # type: ignore[arg-type]
        if r["category"] == "urgent":
            slack = 0.0
        r.update(submit_utc=submit, start_utc=submit, max_deferral_h=slack,
                 deadline_utc=submit + timedelta(hours=slack + float(r["duration_h"])))  # type: ignore[arg-type]
        out.append(r)
    return pd.DataFrame(out)


def job_energy(job: pd.Series) -> float:
    """CCF energy of one job, kWh (the accountant's formula, evaluated directly)."""
    return float(energy_kwh(job["duration_h"], job["vcpus"], job["utilisation"],
                            PROFILES[job["provider"]], memory_gb=job["memory_gb"], gpus=job["gpus"]))


def mean_intensity(series: GridSeries, start: datetime, hours: float) -> float:
    """Time-weighted mean by one-minute sampling (independent of tools.timeseries)."""
    minutes = max(1, round(hours * 60))
    total = 0.0
    for k in range(minutes):
        t = start + timedelta(minutes=k + 0.5)
        i = int((t - series.start_utc).total_seconds() // (series.step_minutes * 60))
        total += series.values[i]
    return total / minutes


def placements(plan: Plan, frame: pd.DataFrame) -> dict[str, list[tuple[str, datetime, float]]]:
    """Final (region, start, hours) pieces of every job under ``plan``."""
    shifts = {r.job_id: r for r in plan.recommendations if r.kind == "shift"}
    out = {}
    for job in frame.itertuples(index=False):
        if job.job_id in shifts:
            out[job.job_id] = [(s.region, s.start_utc, s.hours) for s in shifts[job.job_id].segments]
        else:
            out[job.job_id] = [(job.region, job.start_utc.to_pydatetime(), float(job.duration_h))]
    return out


def hourly_loads(plan: Plan, frame: pd.DataFrame) -> dict[tuple[str, int], float]:
    """Average power per (region, hour since T0), kW, from the plan's placements."""
    power = {j.job_id: job_energy(j) / j.duration_h for _, j in frame.iterrows()}
    loads: dict[tuple[str, int], float] = {}
    for job_id, pieces in placements(plan, frame).items():
        for region, start, hours in pieces:
            a = (start - T0).total_seconds() / 3600
            b = a + hours
            for h in range(int(np.floor(a)), int(np.ceil(b))):
                overlap = min(b, h + 1) - max(a, h)
                if overlap > 0:
                    loads[(region, h)] = loads.get((region, h), 0.0) + power[job_id] * overlap
    return loads


def policy_violations(plan: Plan, frame: pd.DataFrame, policy: PolicySet) -> list[str]:
    """Every way ``plan`` breaks ``policy`` or a job's own window (empty list: none)."""
    problems = []
    by_id = frame.set_index("job_id")
    moved = {r.job_id for r in plan.recommendations if r.kind == "shift"}
    for job_id, pieces in placements(plan, frame).items():
        job = by_id.loc[job_id]
        if job_id not in moved:
            continue
        if job["category"] == "urgent" and policy.urgent_never_moved:
            problems.append(f"{job_id}: urgent job moved")
        allowed = policy.allowed_regions(job["team"])
        limit = min(job["max_deferral_h"], policy.max_deferral_h_by_category.get(job["category"], 1e9))
        work = 0.0
        for region, start, hours in pieces:
            work += hours
            if allowed is not None and region not in allowed:
                problems.append(f"{job_id}: region {region} not allowed for team {job['team']}")
            if start < job["submit_utc"] - timedelta(seconds=1):
                problems.append(f"{job_id}: starts before submission")
            end = start + timedelta(hours=hours)
            if end > job["deadline_utc"] + timedelta(seconds=1):
                problems.append(f"{job_id}: ends after its deadline")
            for w in policy.blackout_windows:
                if (w.regions is None or region in w.regions) and start < w.end_utc and end > w.start_utc:
                    problems.append(f"{job_id}: runs in a blackout window")
        first = pieces[0][1]
        if not job["interruptible"] and (first - job["submit_utc"]).total_seconds() / 3600 > limit + 1e-6:
            problems.append(f"{job_id}: deferred beyond {limit} h")
        if abs(work - job["duration_h"]) > 1e-6:
            problems.append(f"{job_id}: planned {work} h of work, needs {job['duration_h']}")
    if policy.max_power_kw is not None and plan.power_cap_ok:
        for (region, h), kw in hourly_loads(plan, frame).items():
            if kw > policy.max_power_kw + 1e-6:
                problems.append(f"{region} hour {h}: {kw:.3f} kW over the cap {policy.max_power_kw}")
    return problems


def brute_force_objective(frame: pd.DataFrame, fc: dict[str, GridSeries], policy: PolicySet,
                          carbon_usd_per_t: float, sla_usd_per_h: float) -> float:
    """Minimum planner objective over every combination of contiguous placements (tiny cases)."""
    options = []
    for _, job in frame.iterrows():
        e = job_energy(job)
        allowed = policy.allowed_regions(job["team"]) or sorted(fc)
        fixed = job["category"] == "urgent" and policy.urgent_never_moved
        k_max = 0 if fixed else int(np.floor(min(job["max_deferral_h"], policy.max_deferral_h_by_category.get(
            job["category"], 1e9)) + 1e-9))
        regions = [job["region"]] if fixed else [r for r in allowed if r in fc]
        opts = []
        for region in regions:
            for k in range(k_max + 1):
                start = job["submit_utc"].to_pydatetime() + timedelta(hours=k)
                kg = e * mean_intensity(fc[region], start, job["duration_h"]) / 1000
                cost = (instance_price_usd_per_h(region, job["instance_type"]) * job["duration_h"]
                        + carbon_usd_per_t / 1000 * kg
                        + (0.02 * job["data_gb"] if region != job["region"] else 0.0)
                        + (0.0 if job["interruptible"] else sla_usd_per_h * k))
                opts.append((cost, region, start, e / job["duration_h"], job["duration_h"]))
        options.append(opts)
    best = np.inf

    def rec(i: int, total: float, loads: dict[tuple[str, int], float]) -> None:
        nonlocal best
        if total >= best:
            return
        if i == len(options):
            best = total
            return
        for cost, region, start, kw, hours in options[i]:
            a = (start - T0).total_seconds() / 3600
            new = dict(loads)
            ok = True
            for h in range(int(np.floor(a)), int(np.ceil(a + hours))):
                new[(region, h)] = new.get((region, h), 0.0) + kw * (min(a + hours, h + 1) - max(a, h))
                if policy.max_power_kw is not None and new[(region, h)] > policy.max_power_kw + 1e-9:
                    ok = False
            if ok:
                rec(i + 1, total + cost, new)

    rec(0, 0.0, {})
    return best
