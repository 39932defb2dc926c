"""Temporal (and spatial) workload shifting: the Let's Wait Awhile experiments run on OUR planner.

Reproduces the two experiments of Wiesner et al., "Let's Wait Awhile: How Temporal Workload
Shifting Can Reduce Carbon Emissions in the Cloud" (Middleware '21) -- the protocol is
re-implemented in ``bench/_lwa.py``, the scheduling decisions are made by ``tools.plan.make_plan``
-- and extends them with joint time + region shifting across DE, GB and FR, which LWA did not study.

* Scenario I: a nightly 30-min job at 01:00 UTC, 365 runs, start window +-1/2/4/6/8 h (greedy).
* Scenario II: LWA's 3,387 ML jobs (4-89.5 h) under Next-Workday / Semi-Weekly deadlines,
  non-interrupting (greedy) and interrupting (exact solver, an LP when single-region).
* Scenario III: Scenario II's jobs with homes round-robin DE/GB/FR: time-only, region-only and
  time+region.

Plans are made on a *forecast* (actual + Gaussian noise of sd ``error x mean``, one realisation
per seed, clipped at 0); emissions are evaluated on the *actual* series. Every job has the same
instance type, so energy is proportional to run hours and only carbon differs between placements.

Writes ``bench/results/shifting.json`` (``--quick``: ``shifting_quick.json``). Real data are read
from ``$GREENOPS_REAL_DATA`` or ``../shared/data/real``; if absent the JSON says ``skipped``.
Usage: ``python bench/shifting.py [--seeds N] [--quick] [--out PATH]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _lwa  # noqa: E402

from tools.plan import PlanParams, make_plan  # noqa: E402
from tools.records import Plan  # noqa: E402
from tools.schemas import GridSeries, PolicySet  # noqa: E402
from tools.sources import file_sha256, read_grid_csv  # noqa: E402
from tools.timeseries import cumulative, interval_mean  # noqa: E402

REAL = Path(os.environ.get("GREENOPS_REAL_DATA") or REPO.parent / "shared" / "data" / "real")
LWA_DIR = REAL / "lets-wait-awhile"
FILES = {"DE": "ger_ci.csv", "GB": "gb_ci.csv", "FR": "fr_ci.csv"}
REGIONS = ("DE", "GB", "FR")
RESULTS = REPO / "bench" / "results"

PARAMS = PlanParams(energy_recs=False, sla_penalty_usd_per_h=0.0, carbon_price_usd_per_t=1000.0)
T0 = _lwa.DATA_START
SLOT = pd.Timedelta(minutes=_lwa.SLOT_MINUTES)
ERROR = 0.05
WINDOWS_H = (1, 2, 4, 6, 8)
NIGHTLY_RUNS = 365
SCENARIO_I_SEEDS = 10  # LWA's ERROR_REPETITIONS; Scenario I is cheap so it always uses all 10
MODES = {"non_interrupting": (False, "greedy"), "interrupting": (True, "exact")}
INPUTS = {
    "lwa_subsample": "LWA's input: CSV rows with minute % 30 == 0 from 2020-01-01 00:00 (subsampled, "
                     "the :15/:45 values of DE and late-2020 GB are dropped)",
    "time_weighted_mean": "our reader tools.sources.read_grid_csv(tz='UTC', step_minutes=30): time-weighted "
                          "30-min means of the step function, cut to start 2020-01-01 00:00",
}

# ---- their numbers (% emissions saved) ------------------------------------------------------------
# Published figure values: img/nightly_result.pdf (5 % error, read off the figure, 0.1 pp).
PUBLISHED_I = {0.05: {"DE": (0.5, 1.4, 2.2, 5.5, 11.7), "GB": (3.0, 4.8, 6.3, 6.7, 7.9),
                      "FR": (1.5, 3.0, 4.1, 5.0, 5.6)}}
# LWA's own code re-run on the same CSVs (10 seeds); matches the figure to 0.1 pp.
RERUN_I = {0.05: {"DE": (0.54, 1.40, 2.20, 5.46, 11.74), "GB": (3.04, 4.77, 6.30, 6.74, 7.95),
                  "FR": (1.47, 3.00, 4.08, 5.00, 5.58)},
           0.0: {"DE": (1.69, 2.80, 3.97, 7.52, 13.76), "GB": (4.73, 6.81, 8.61, 9.12, 10.41),
                 "FR": (2.92, 4.72, 6.09, 7.13, 7.79)}}
# img/ml_results.pdf (5 %) and img/errors.pdf (Next Workday, 0 %); key (constraint, mode).
PUBLISHED_II: dict[float, dict[tuple[str, str], dict[str, float]]] = {
    0.05: {("next_workday", "non_interrupting"): {"DE": 5.91, "GB": 6.56, "FR": 4.77},
           ("next_workday", "interrupting"): {"DE": 7.93, "GB": 9.03, "FR": 5.92},
           ("semi_weekly", "non_interrupting"): {"DE": 14.11, "GB": 14.73, "FR": 11.12},
           ("semi_weekly", "interrupting"): {"DE": 18.11, "GB": 19.66, "FR": 13.33}},
    0.0: {("next_workday", "non_interrupting"): {"DE": 5.93, "GB": 6.57, "FR": 4.79},
          ("next_workday", "interrupting"): {"DE": 8.16, "GB": 9.23, "FR": 6.22}},
}
# LWA's code re-run (10 seeds); equal to every published value above, and also covers Semi-Weekly 0 %.
RERUN_II = {0.05: PUBLISHED_II[0.05],
            0.0: {**PUBLISHED_II[0.0],
                  ("semi_weekly", "non_interrupting"): {"DE": 14.13, "GB": 14.75, "FR": 11.15},
                  ("semi_weekly", "interrupting"): {"DE": 18.50, "GB": 20.00, "FR": 13.86}}}
THEIR_SOURCES = {
    "published": "figure values of the paper (dos-group/lets-wait-awhile img/*.pdf); null = not published",
    "lwa_code_rerun": "LWA's simulate.py/strategy.py protocol re-run on the same CSVs with 10 seeds "
                      "(matches every published DE/GB/FR value)",
}

_START = time.perf_counter()


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - _START:7.1f}s] {msg}", file=sys.stderr, flush=True)


# ---- inputs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Grid:
    """One region's actual intensity on LWA's slot axis (slot 0 = 2020-01-01 00:00 UTC)."""

    region: str
    input: str
    actual: np.ndarray

    def realised(self) -> GridSeries:
        return GridSeries(region=self.region, basis="lifecycle", kind="realised",
                          start_utc=T0.to_pydatetime(), step_minutes=_lwa.SLOT_MINUTES,
                          values=self.actual.tolist(), source=f"{FILES[self.region]} ({self.input})")

    def forecast(self, error: float, seed: int | Sequence[int] | None) -> tuple[GridSeries, np.ndarray, int]:
        """(forecast series, its values, number of slots clipped at 0)."""
        values = _lwa.noisy(self.actual, error, seed)  # type: ignore[arg-type]
        clipped = int((values < 0).sum())
        values = np.maximum(values, 0.0)
        series = GridSeries(region=self.region, basis="lifecycle", kind="forecast",
                            start_utc=T0.to_pydatetime(), step_minutes=_lwa.SLOT_MINUTES,
                            values=values.tolist(),
                            source=f"{self.input} + N(0, {error} x mean) seed {seed}")
        return series, values, clipped


def load_grids(inputs: Sequence[str]) -> dict[str, dict[str, Grid]]:
    out: dict[str, dict[str, Grid]] = {}
    for name in inputs:
        out[name] = {}
        for region, fname in FILES.items():
            path = LWA_DIR / fname
            if name == "lwa_subsample":
                series = _lwa.load_subsampled(path)
            else:
                gs = read_grid_csv(path, region=region, tz="UTC", step_minutes=_lwa.SLOT_MINUTES)
                series = _lwa.from_2020(gs.to_pandas(), fname)
            out[name][region] = Grid(region, name, series.to_numpy(dtype=float))
    return out


# ---- jobs ------------------------------------------------------------------------------------------
def jobs_frame(prefix: str, region: Any, team: Any, submit: pd.DatetimeIndex, start: pd.DatetimeIndex,
               duration_h: Any, max_deferral_h: Any, deadline: pd.DatetimeIndex,
               interruptible: bool) -> pd.DataFrame:
    """A jobs table (tools.jobs.JOB_COLUMNS) with one instance type for all, no data to move."""
    n = len(submit)
    return pd.DataFrame({
        "job_id": [f"{prefix}{i}" for i in range(n)], "team": team, "region": region,
        "provider": "aws", "category": "sustainable", "instance_type": "m5.2xlarge", "vcpus": 8,
        "memory_gb": 32.0, "gpus": 0, "utilisation": 0.5, "submit_utc": submit, "start_utc": start,
        "duration_h": duration_h, "max_deferral_h": max_deferral_h, "deadline_utc": deadline,
        "data_gb": 0.0, "interruptible": interruptible})


def nightly_frame(region: str, window_h: float) -> pd.DataFrame:
    """LWA Scenario I: start anywhere in [01:00 - W, 01:00 + W], i.e. submit 01:00 - W, may wait 2W."""
    nominal = T0 + pd.Timedelta(hours=1) + pd.to_timedelta(np.arange(NIGHTLY_RUNS), unit="D")
    w = pd.Timedelta(hours=window_h)
    return jobs_frame("n", region, "nightly", nominal - w, nominal, 0.5, 2.0 * window_h,
                      nominal + w + SLOT, False)


@dataclass(frozen=True)
class MLJobs:
    submit_min: np.ndarray
    duration_min: np.ndarray

    @property
    def n(self) -> int:
        return int(self.submit_min.size)

    def slack(self, constraint: str) -> np.ndarray:
        oft = T0 + pd.to_timedelta(self.submit_min + self.duration_min, unit="min")
        return _lwa.slack_slots(pd.DatetimeIndex(oft), constraint)

    def frame(self, slack_slots: np.ndarray, region: Any, interruptible: bool, *, team: Any = "ml",
              may_wait: bool = True) -> pd.DataFrame:
        """Deadline = original finish + slack + one slot (LWA's ``+1``: its candidate windows hold
        duration + slack + 1 slots). Baseline placement = start at submission (strict)."""
        submit = pd.DatetimeIndex(T0 + pd.to_timedelta(self.submit_min, unit="min"))
        allowance_min = (slack_slots + 1) * _lwa.SLOT_MINUTES
        deadline = pd.DatetimeIndex(submit + pd.to_timedelta(self.duration_min + allowance_min, unit="min"))
        max_deferral_h = allowance_min / 60.0 if may_wait else np.zeros(self.n)
        return jobs_frame("ml", region, team, submit, submit, self.duration_min / 60.0, max_deferral_h,
                          deadline, interruptible)


# ---- evaluation ---------------------------------------------------------------------------------
@dataclass
class Placement:
    """Run pieces of every job: job row, region, start and width in slots from T0."""

    job: np.ndarray
    region: np.ndarray
    x: np.ndarray
    w: np.ndarray


def baseline_placement(frame: pd.DataFrame) -> Placement:
    x = np.asarray((pd.DatetimeIndex(frame["start_utc"]) - T0) / SLOT, dtype=float)
    w = frame["duration_h"].to_numpy(dtype=float) * 60.0 / _lwa.SLOT_MINUTES
    return Placement(np.arange(len(frame)), frame["region"].to_numpy(dtype=object), x, w)


def plan_placement(plan: Plan, frame: pd.DataFrame) -> Placement:
    """Each job's final pieces: the plan's shift segments, else its baseline placement."""
    shifts = {r.job_id: r for r in plan.recommendations if r.kind == "shift"}
    job, region, start, hours = [], [], [], []
    for j, (job_id, home, s0, dur) in enumerate(zip(frame["job_id"], frame["region"], frame["start_utc"],
                                                    frame["duration_h"], strict=True)):
        rec = shifts.get(job_id)
        pieces = ([(home, s0, dur)] if rec is None
                  else [(s.region, s.start_utc, s.hours) for s in rec.segments])
        for r, s, h in pieces:
            job.append(j)
            region.append(r)
            start.append(pd.Timestamp(s))
            hours.append(float(h))
    x = np.asarray((pd.DatetimeIndex(start) - T0) / SLOT, dtype=float)
    w = np.asarray(hours) * 60.0 / _lwa.SLOT_MINUTES
    return Placement(np.asarray(job), np.asarray(region, dtype=object), x, w)


def per_job(p: Placement, series: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Sum over each job's pieces of width (slots) x mean intensity over the piece."""
    out = np.zeros(n)
    for region, values in series.items():
        sel = p.region == region
        if sel.any():
            mean = interval_mean(values, p.x[sel], p.x[sel] + p.w[sel], label=f"{region} series")
            np.add.at(out, p.job[sel], mean * p.w[sel])
    return out


def feasibility_problems(p: Placement, frame: pd.DataFrame, allowed: list[set[str]]) -> dict[str, int]:
    """Placements that break a job's window, work content or allowed regions (should all be 0)."""
    submit = np.asarray((pd.DatetimeIndex(frame["submit_utc"]) - T0) / SLOT, dtype=float)
    deadline = np.asarray((pd.DatetimeIndex(frame["deadline_utc"]) - T0) / SLOT, dtype=float)
    width = frame["duration_h"].to_numpy(dtype=float) * 2.0
    work = np.bincount(p.job, weights=p.w, minlength=len(frame))
    early = p.x < submit[p.job] - 1e-6
    late = p.x + p.w > deadline[p.job] + 1e-6
    region_bad = np.array([r not in allowed[j] for j, r in zip(p.job, p.region, strict=True)])
    return {"starts_before_submit": int(early.sum()), "ends_after_deadline": int(late.sum()),
            "wrong_work_content": int((np.abs(work - width) > 1e-6).sum()),
            "region_not_allowed": int(region_bad.sum())}


def best_forecast(frame: pd.DataFrame, allowed: list[set[str]], forecasts: dict[str, np.ndarray],
                  interruptible: bool) -> np.ndarray:
    """Independent brute force: each job's lowest achievable forecast (width x mean) over every
    allowed start (contiguous) or slot set (interruptible) inside its window and the data."""
    submit = np.rint(np.asarray((pd.DatetimeIndex(frame["submit_utc"]) - T0) / SLOT, dtype=float)).astype(int)
    deadline = np.rint(np.asarray((pd.DatetimeIndex(frame["deadline_utc"]) - T0) / SLOT,
                                  dtype=float)).astype(int)
    width = np.rint(frame["duration_h"].to_numpy(dtype=float) * 2.0).astype(int)
    k = np.minimum(np.floor(frame["max_deferral_h"].to_numpy(dtype=float) * 2.0 + 1e-9).astype(int),
                   deadline - width - submit)
    best = np.full(len(frame), np.inf)
    offsets = np.arange(int(k.max()) + 1)
    for region, values in forecasts.items():
        rows = np.array([region in a for a in allowed])
        if not rows.any():
            continue
        n = values.size
        if interruptible:
            for j in np.flatnonzero(rows):
                lo, hi = max(submit[j], 0), min(submit[j] + width[j] + k[j], n)
                if hi - lo >= width[j]:
                    window = values[lo:hi]
                    best[j] = min(best[j], float(np.partition(window, width[j] - 1)[:width[j]].sum()))
            continue
        cum = cumulative(values)
        starts = submit[:, None] + offsets[None, :]
        ok = (offsets[None, :] <= k[:, None]) & (starts >= 0) & (starts + width[:, None] <= n) & rows[:, None]
        s = np.clip(starts, 0, n)
        e = np.clip(starts + width[:, None], 0, n)
        total = np.where(ok, cum[e] - cum[s], np.inf)
        best = np.minimum(best, total.min(axis=1))
    return best


@dataclass
class Run:
    plan: Plan
    wall_s: float
    placement: Placement
    actual: np.ndarray  # per job: slots x actual intensity
    record: dict[str, Any]


def run_plan(frame: pd.DataFrame, grids: dict[str, Grid], allowed: list[set[str]], error: float,
             seed: int | Sequence[int] | None, solver: str, interruptible: bool,
             policy: PolicySet | None = None, check: bool = True) -> Run:
    """Plan on the forecast, place every job, evaluate on the actual series, check the plan."""
    forecasts, fvalues, clipped = {}, {}, 0
    for region, grid in grids.items():
        series, values, c = grid.forecast(error, seed)
        forecasts[region], fvalues[region] = series, values
        clipped += c
    t = time.perf_counter()
    plan = make_plan(frame, forecasts, policy, solver=solver, params=PARAMS)  # type: ignore[arg-type]
    wall = time.perf_counter() - t
    place = plan_placement(plan, frame)
    actual = per_job(place, {r: g.actual for r, g in grids.items()}, len(frame))
    record: dict[str, Any] = {
        "error": error, "seed": seed if not isinstance(seed, Sequence) else list(seed), "solver": solver,
        "jobs": len(frame), "make_plan_wall_s": round(wall, 4), "solver_runtime_s": round(plan.runtime_s, 4),
        "shift_recommendations": sum(r.kind == "shift" for r in plan.recommendations),
        "not_moved_reasons": dict(Counter(plan.not_moved.values())),
        "forecast_slots_clipped_at_0": clipped, "notes": list(plan.notes)}
    if plan.gap is not None:
        record["gap"] = plan.gap
    if check:
        planned = per_job(place, fvalues, len(frame))
        best = best_forecast(frame, allowed, fvalues, interruptible)
        base = per_job(baseline_placement(frame), fvalues, len(frame))
        excess = planned - best
        rel = excess / np.maximum(1.0, np.abs(best))
        worse = np.flatnonzero(rel > 1e-6)
        tolerance = np.flatnonzero((rel > 1e-9) & (rel <= 1e-6))
        pieces = np.bincount(place.job, minlength=len(frame))
        same_as_base = _same_as_baseline(place, frame)
        shifted = {r.job_id for r in plan.recommendations if r.kind == "shift"}
        noop = int(sum(1 for j in np.flatnonzero(same_as_base) if frame["job_id"].iloc[j] in shifted))
        wj = None if worse.size == 0 else int(worse[np.argmax(excess[worse])])
        record["planner_check"] = {
            "jobs_worse_than_best_candidate": int(worse.size),
            "jobs_worse_within_solver_tolerance": int(tolerance.size),
            "max_relative_excess": float(max(rel.max(), 0.0)),
            "forecast_excess_pct_of_baseline": round(
                100 * float(excess[excess > 0].sum()) / float(base.sum()), 6),
            "worst_job": (None if wj is None else {
                "job_id": str(frame["job_id"].iloc[wj]), "planned_forecast": float(planned[wj]),
                "best_forecast": float(best[wj])}),
            "jobs_better_than_enumerated_best": int((rel < -1e-9).sum()),
            "feasibility_problems": feasibility_problems(place, frame, allowed),
            "max_pieces_per_job": int(pieces.max()), "mean_pieces_per_job": round(float(pieces.mean()), 3),
            "shift_recs_identical_to_baseline": noop,
        }
    return Run(plan, wall, place, actual, record)


def _same_as_baseline(p: Placement, frame: pd.DataFrame) -> np.ndarray:
    base = baseline_placement(frame)
    one = np.bincount(p.job, minlength=len(frame)) == 1
    first = np.full(len(frame), -1)
    first[p.job[::-1]] = np.arange(p.job.size)[::-1]
    i = np.maximum(first, 0)
    return np.asarray(one & (p.region[i] == base.region) & (np.abs(p.x[i] - base.x) < 1e-6)
                      & (np.abs(p.w[i] - base.w) < 1e-6))


def pct_saved(emissions: float, baseline: float) -> float:
    return round(100.0 * (1.0 - emissions / baseline), 4)


def compare(ours: float, published: float | None, rerun: float | None) -> dict[str, Any]:
    return {"published": published, "lwa_code_rerun": rerun,
            "diff_vs_published_pp": None if published is None else round(ours - published, 4),
            "diff_vs_rerun_pp": None if rerun is None else round(ours - rerun, 4)}


def seeds_for(error: float, seeds: int) -> list[int | None]:
    return [None] if not error else list(range(seeds))


def runtime_summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    walls = [r["make_plan_wall_s"] for r in runs]
    solver = [r["solver_runtime_s"] for r in runs]
    return {"runs": len(runs), "make_plan_wall_s_total": round(sum(walls), 3),
            "make_plan_wall_s_mean": round(float(np.mean(walls)), 4),
            "solver_runtime_s_mean": round(float(np.mean(solver)), 4),
            "solver_runtime_s_max": round(float(np.max(solver)), 4)}


def check_summary(runs: list[dict[str, Any]]) -> dict[str, int]:
    checks = [r["planner_check"] for r in runs if "planner_check" in r]
    keys = ("jobs_worse_than_best_candidate", "jobs_worse_within_solver_tolerance",
            "jobs_better_than_enumerated_best", "shift_recs_identical_to_baseline")
    out = {k: sum(c[k] for c in checks) for k in keys}
    out["feasibility_problems"] = sum(sum(c["feasibility_problems"].values()) for c in checks)
    return out


# ---- Scenario I ------------------------------------------------------------------------------------
def scenario_1(grids: dict[str, dict[str, Grid]]) -> dict[str, Any]:
    results, runs = [], []
    for inp, by_region in grids.items():
        for region, grid in by_region.items():
            for wi, window_h in enumerate(WINDOWS_H):
                frame = nightly_frame(region, window_h)
                base = per_job(baseline_placement(frame), {region: grid.actual}, len(frame))
                allowed = [{region}] * len(frame)
                case_runs = []
                by_error: dict[float, dict[str, float]] = {}
                for error in (0.0, ERROR):
                    totals, quirk = [], []
                    for seed in seeds_for(error, SCENARIO_I_SEEDS):
                        run = run_plan(frame, {region: grid}, allowed, error, seed, "greedy", False)
                        run.record.update(input=inp, region=region, window_h=window_h)
                        case_runs.append(run.record)
                        totals.append(run.actual.sum())
                        # LWA skips the Jan-1 job when 01:00 - W < 00:00 but still divides by 365
                        quirk.append(run.actual[1:].sum() if window_h >= 1.5 else run.actual.sum())
                    ours = pct_saved(float(np.mean(totals)), float(base.sum()))
                    ours_q = pct_saved(float(np.mean(quirk)), float(base.sum()))
                    pub = PUBLISHED_I.get(error, {}).get(region)
                    rerun = RERUN_I[error][region][wi]
                    by_error[error] = {"ours": ours, "ours_q": ours_q, "rerun": rerun}
                    results.append({
                        "input": inp, "region": region, "window_h": window_h, "error": error,
                        "seeds": seeds_for(error, SCENARIO_I_SEEDS),
                        "ours_pct": ours, "ours_with_lwa_jan1_quirk_pct": ours_q,
                        "theirs": compare(ours, None if pub is None else pub[wi], rerun),
                        "diff_quirk_vs_rerun_pp": round(ours_q - rerun, 4),
                        "per_seed_ours_pct": [pct_saved(float(t), float(base.sum())) for t in totals],
                    })
                results.append({
                    "input": inp, "region": region, "window_h": window_h,
                    "metric": "forecast(5 %) / clairvoyant(0 %) savings ratio",
                    "ours": round(by_error[ERROR]["ours"] / by_error[0.0]["ours"], 4),
                    "ours_with_lwa_jan1_quirk": round(by_error[ERROR]["ours_q"] / by_error[0.0]["ours_q"], 4),
                    "theirs_lwa_code_rerun": round(RERUN_I[ERROR][region][wi] / RERUN_I[0.0][region][wi], 4)})
                runs += case_runs
                log(f"I  {inp:18s} {region} +-{window_h} h: ours e=0 {by_error[0.0]['ours']:.2f} % "
                    f"(quirk {by_error[0.0]['ours_q']:.2f}, LWA {by_error[0.0]['rerun']}), e=0.05 "
                    f"{by_error[ERROR]['ours']:.2f} % (quirk {by_error[ERROR]['ours_q']:.2f}, LWA "
                    f"{by_error[ERROR]['rerun']}); {sum(r['make_plan_wall_s'] for r in case_runs):.1f} s")
    return {
        "protocol": {
            "jobs": "365 nightly 30-min jobs, nominal start 01:00 UTC, 2020-01-01 .. 2020-12-30 "
                    "(LWA does not simulate Dec 31)",
            "window": "start may be any 30-min slot in [01:00 - W, 01:00 + W]: submit_utc = 01:00 - W, "
                      "start_utc (baseline) = 01:00, max_deferral_h = 2W, deadline = 01:00 + W + 30 min",
            "windows_h": list(WINDOWS_H), "solver": "greedy", "params": PARAMS.model_dump(),
            "forecast": "actual + N(0, error x mean(actual over 2020-01-01..end of file)) per slot, "
                        "numpy default_rng(seed), one realisation per seed for the whole year, clipped at 0",
            "errors": [0.0, ERROR], "seeds": {"0.0": [None], str(ERROR): list(range(SCENARIO_I_SEEDS))},
            "metric": "% saved = 100 x (1 - sum over jobs of actual CI of the chosen slot / same at 01:00); "
                      "with error: mean emissions over seeds first",
            "jan1": "ours_pct includes the Jan-1 job; for W >= 1.5 h its window is clipped to the data, "
                    "which start 2020-01-01 00:00. ours_with_lwa_jan1_quirk_pct drops that job for "
                    "W >= 1.5 h but still divides by 365, as LWA does (the published numbers include this)",
            "inputs": {k: INPUTS[k] for k in grids},
            "theirs": THEIR_SOURCES,
        },
        "results": results,
        "runtime": {f"{inp}/{region}": runtime_summary([r for r in runs if r["input"] == inp
                                                        and r["region"] == region])
                    for inp in grids for region in grids[inp]},
        "planner_check_totals": check_summary(runs),
        "runs": runs,
    }


# ---- Scenario II -----------------------------------------------------------------------------------
def scenario_2(grids: dict[str, dict[str, Grid]], ml: MLJobs, seeds: int, cases: list[tuple[str, str, str]],
               inputs_with_error: set[str]) -> dict[str, Any]:
    """cases: (region, constraint, mode)."""
    results, runs, baselines = [], [], []
    slacks = {c: ml.slack(c) for c in _lwa.CONSTRAINTS}
    for inp, by_region in grids.items():
        for region in dict.fromkeys(c[0] for c in cases):
            grid = by_region[region]
            allowed = [{region}] * ml.n
            strict_frame = ml.frame(np.zeros(ml.n, dtype=np.int64), region, False)
            e_strict = float(per_job(baseline_placement(strict_frame), {region: grid.actual}, ml.n).sum())
            # LWA's baseline: slack 0 plus its +1 slot -> start at submission or 30 min later,
            # whichever has the lower actual mean CI. Reproduced with our planner on the actual series.
            lwa_base = run_plan(strict_frame, {region: grid}, allowed, 0.0, None, "greedy", False)
            e_lwa = float(lwa_base.actual.sum())
            lwa_base.record.update(input=inp, region=region, what="LWA baseline (start 0 or +30 min)")
            runs.append(lwa_base.record)
            baselines.append({"input": inp, "region": region, "strict_job_slot_gco2": e_strict,
                              "lwa_baseline_job_slot_gco2": e_lwa,
                              "lwa_baseline_lower_by_pct": pct_saved(e_lwa, e_strict)})
            for c_region, constraint, mode in cases:
                if c_region != region:
                    continue
                interruptible, solver = MODES[mode]
                frame = ml.frame(slacks[constraint], region, interruptible)
                ours_by_error = {}
                for error in (0.0, ERROR):
                    if error and inp not in inputs_with_error:
                        continue
                    emissions, per_seed = [], []
                    for seed in seeds_for(error, seeds):
                        run = run_plan(frame, {region: grid}, allowed, error, seed, solver, interruptible)
                        run.record.update(input=inp, region=region, constraint=constraint, mode=mode)
                        runs.append(run.record)
                        emissions.append(float(run.actual.sum()))
                        per_seed.append(pct_saved(emissions[-1], e_strict))
                    mean_e = float(np.mean(emissions))
                    ours, ours_lwa = pct_saved(mean_e, e_strict), pct_saved(mean_e, e_lwa)
                    ours_by_error[error] = (ours, ours_lwa)
                    pub = PUBLISHED_II.get(error, {}).get((constraint, mode), {}).get(region)
                    rerun = RERUN_II[error][(constraint, mode)][region]
                    results.append({
                        "input": inp, "region": region, "constraint": constraint, "mode": mode,
                        "solver": solver, "error": error, "seeds": seeds_for(error, seeds),
                        "ours_pct": ours, "ours_vs_lwa_baseline_pct": ours_lwa,
                        "theirs": compare(ours, pub, rerun),
                        "diff_vs_lwa_baseline_minus_rerun_pp": round(ours_lwa - rerun, 4),
                        "per_seed_ours_pct": per_seed,
                        "runtime": runtime_summary([r for r in runs if r.get("constraint") == constraint
                                                    and r.get("mode") == mode and r["region"] == region
                                                    and r["input"] == inp and r["error"] == error]),
                    })
                    log(f"II {inp:18s} {region} {constraint:12s} {mode:16s} e={error}: ours {ours:.2f} % "
                        f"(vs LWA baseline {ours_lwa:.2f}, LWA {rerun}) "
                        f"{results[-1]['runtime']['make_plan_wall_s_total']:.1f} s")
                if len(ours_by_error) == 2:
                    rerun_ratio = (RERUN_II[ERROR][(constraint, mode)][region]
                                   / RERUN_II[0.0][(constraint, mode)][region])
                    results.append({
                        "input": inp, "region": region, "constraint": constraint, "mode": mode,
                        "metric": "forecast(5 %) / clairvoyant(0 %) savings ratio",
                        "ours": round(ours_by_error[ERROR][0] / ours_by_error[0.0][0], 4),
                        "ours_vs_lwa_baseline": round(ours_by_error[ERROR][1] / ours_by_error[0.0][1], 4),
                        "theirs_lwa_code_rerun": round(rerun_ratio, 4)})
    runtime = {}
    for r in runs:
        if "constraint" in r:
            runtime.setdefault(f"{r['input']}/{r['region']}/{r['constraint']}/{r['mode']}", []).append(r)
    return {
        "protocol": {
            "jobs": f"LWA's {ml.n} ML jobs (numpy default_rng(0), Multinomial over the 262 weekdays of 2020, "
                    "submissions 09:00..16:30 UTC, durations 4..89.5 h), all in the one region",
            "deadlines": "LWA's Next-Workday / Semi-Weekly deadline of the original finish + one 30-min "
                         "slot (LWA's candidate windows hold duration + slack + 1 slots); "
                         "max_deferral_h = slack + 30 min",
            "baseline": "ours_pct: strict, every job starts at submission. ours_vs_lwa_baseline_pct: LWA's "
                        "baseline, which may start 30 min late (computed with our planner on the actual "
                        "series)",
            "modes": {m: {"interruptible": i, "solver": s} for m, (i, s) in MODES.items()},
            "params": PARAMS.model_dump(),
            "forecast": "actual + N(0, error x mean) per slot, default_rng(seed), clipped at 0; "
                        "error 0 runs once",
            "errors": [0.0, ERROR], "seeds": {"0.0": [None], str(ERROR): list(range(seeds))},
            "lwa_seeds": "LWA averages 10 seeds (0..9); with fewer seeds the 5 % numbers differ slightly",
            "metric": "% saved = 100 x (1 - sum_jobs sum_slots actual CI / same for the baseline); "
                      "with error: mean emissions over seeds",
            "inputs": {k: INPUTS[k] for k in grids},
            "inputs_run_with_error": sorted(inputs_with_error & set(grids)),
            "theirs": THEIR_SOURCES,
        },
        "baselines": baselines,
        "results": results,
        "runtime": {k: runtime_summary(v) for k, v in runtime.items()},
        "planner_check_totals": check_summary(runs),
        "runs": runs,
    }


# ---- Scenario III ----------------------------------------------------------------------------------
JOINT_VARIANTS = {
    "time_only": "wait up to the deadline, home region only",
    "region_only": "start at submission (max_deferral_h 0; deadline unchanged) in any of DE/GB/FR",
    "time_and_region": "wait up to the deadline in any of DE/GB/FR",
}


JOINT_CASES = (("time_only", "non_interrupting"), ("region_only", "non_interrupting"),
               ("time_and_region", "non_interrupting"), ("time_only", "interrupting"))
PROBE = ("time_and_region", "interrupting", "next_workday", ERROR, 0)  # one run: the multi-region MILP


def scenario_3(grids: dict[str, Grid], ml: MLJobs, seeds: int, constraints: Sequence[str],
               probe: bool = True) -> dict[str, Any]:
    homes = np.array([REGIONS[i % len(REGIONS)] for i in range(ml.n)], dtype=object)
    teams = np.array([f"home-{h}" for h in homes], dtype=object)
    home_only = PolicySet(name="home-region-only",
                          allowed_regions_by_team={f"home-{r}": [r] for r in REGIONS})
    anywhere = PolicySet(name="any-of-DE-GB-FR", default_allowed_regions=list(REGIONS))
    # independent noise per region: default_rng((seed, region index))
    region_grids = {r: _Seeded(g, i) for i, (r, g) in enumerate(grids.items())}
    actual = {r: g.actual for r, g in grids.items()}
    results, runs = [], []
    cases = [(c, v, m, e, seeds_for(e, seeds))
             for c in constraints for v, m in JOINT_CASES for e in (0.0, ERROR)]
    if probe and PROBE[2] in constraints:
        cases.append((PROBE[2], PROBE[0], PROBE[1], PROBE[3], [PROBE[4]]))
    for constraint, variant, mode, error, seed_list in cases:
        slack = ml.slack(constraint)
        base = per_job(baseline_placement(ml.frame(slack, homes, False, team=teams)), actual, ml.n)
        interruptible, solver = MODES[mode]
        frame = ml.frame(slack, homes, interruptible, team=teams, may_wait=variant != "region_only")
        policy = home_only if variant == "time_only" else anywhere
        allowed = [{h} for h in homes] if variant == "time_only" else [set(REGIONS)] * ml.n
        emissions, hours_in, moved_region, per_home = [], Counter(), 0, Counter()
        case_runs = []
        for seed in seed_list:
            run = run_plan(frame, region_grids, allowed, error, seed, solver, interruptible,  # type: ignore[arg-type]
                           policy=policy)
            run.record.update(constraint=constraint, variant=variant, mode=mode)
            case_runs.append(run.record)
            emissions.append(run.actual)
            for r, w in zip(run.placement.region, run.placement.w, strict=True):
                hours_in[r] += w / 2.0
            first = np.unique(run.placement.job, return_index=True)[1]
            moved_region += int((run.placement.region[first] != homes).sum())
            for h in REGIONS:
                per_home[h] += float(run.actual[homes == h].sum())
        runs += case_runs
        mean_job = np.mean(emissions, axis=0)
        total_h = sum(hours_in.values())
        results.append({
            "constraint": constraint, "variant": variant, "what": JOINT_VARIANTS[variant], "mode": mode,
            "solver": solver, "error": error, "seeds": seed_list,
            "ours_pct_vs_home_baseline": pct_saved(float(mean_job.sum()), float(base.sum())),
            "by_home_region_pct": {h: pct_saved(per_home[h] / len(seed_list), float(base[homes == h].sum()))
                                   for h in REGIONS},
            "share_of_job_hours_run_in": {r: round(hours_in[r] / total_h, 4) for r in REGIONS},
            "jobs_moved_to_another_region_mean": round(moved_region / len(seed_list), 1),
            "theirs": None,
            "runtime": runtime_summary(case_runs),
            "planner_check": check_summary(case_runs),
            "notes": sorted({n for r in case_runs for n in r["notes"]}),
        })
        log(f"III {constraint:12s} {variant:16s} {mode:16s} e={error}: "
            f"{results[-1]['ours_pct_vs_home_baseline']:.2f} % "
            f"{results[-1]['runtime']['make_plan_wall_s_total']:.1f} s")
    mean_ci = {r: round(float(g.actual.mean()), 2) for r, g in grids.items()}
    return {
        "protocol": {
            "jobs": f"Scenario II's {ml.n} jobs; home region round-robin: job i -> {list(REGIONS)}[i % 3]",
            "baseline": "every job starts at submission in its home region (strict)",
            "variants": JOINT_VARIANTS, "constraints": list(constraints),
            "cases": [list(c) for c in JOINT_CASES],
            "deadline": "as Scenario II (LWA deadline + one slot); region_only keeps it but may not wait",
            "cost": "instance price is identical in DE/GB/FR (grid zones, multiplier 1.0) and data_gb = 0, "
                    "so region moves cost nothing and only carbon counts",
            "probe": "time_and_region + interrupting needs the multi-region MILP (binary region choice per "
                     f"job); run once ({PROBE[2]}, error {PROBE[3]}, seed {PROBE[4]}) with the default "
                     f"time_limit_s = {PARAMS.time_limit_s} to record how the planner copes",
            "forecast": "per region actual + N(0, error x that region's mean), independent noise per region "
                        "(default_rng((seed, region index))), clipped at 0",
            "input": "lwa_subsample", "errors": [0.0, ERROR],
            "seeds": {"0.0": [None], str(ERROR): list(range(seeds))},
            "mean_actual_ci_g_per_kwh": mean_ci,
            "caveat": "FR's grid is ~5x cleaner than DE's (~4x GB's), so region moves dominate; LWA did not "
                      "study spatial shifting, so there are no published numbers to compare with",
        },
        "results": results,
        "planner_check_totals": check_summary(runs),
        "runs": runs,
    }


class _Seeded:
    """A Grid whose noise stream is (seed, index), so regions get independent noise."""

    def __init__(self, grid: Grid, index: int) -> None:
        self.grid, self.index = grid, index
        self.region, self.actual = grid.region, grid.actual

    def forecast(self, error: float, seed: int | None) -> tuple[GridSeries, np.ndarray, int]:
        return self.grid.forecast(error, None if seed is None else (seed, self.index))


# ---- main ------------------------------------------------------------------------------------------
def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--seeds", type=int, default=3,
                    help="seeds for the 5 %% error runs of Scenario II (LWA: 10); Scenario III uses "
                         "min(N, 3); Scenario I always uses 10")
    ap.add_argument("--quick", action="store_true",
                    help="Scenario I (LWA input) and one Scenario II case (DE, Next Workday, both modes) "
                         "only")
    ap.add_argument("--out", type=Path, default=None,
                    help="output JSON (default bench/results/shifting.json, --quick: shifting_quick.json)")
    args = ap.parse_args(argv)
    if args.seeds < 1:
        ap.error("--seeds must be >= 1")
    out = args.out or RESULTS / ("shifting_quick.json" if args.quick else "shifting.json")
    out.parent.mkdir(parents=True, exist_ok=True)

    missing = [f for f in FILES.values() if not (LWA_DIR / f).is_file()]
    if missing:
        paths = ", ".join(str(LWA_DIR / f) for f in missing)
        reason = f"LWA data not found: {paths} (set GREENOPS_REAL_DATA)"
        print(f"shifting benchmark skipped: {reason}")
        out.write_text(json.dumps({"skipped": reason}, indent=1) + "\n")
        return 0

    inputs = ["lwa_subsample"] if args.quick else list(INPUTS)
    log(f"loading {', '.join(FILES.values())} from {LWA_DIR} ({', '.join(inputs)})")
    grids = load_grids(inputs)
    ml = MLJobs(*_lwa.ml_jobs())
    result: dict[str, Any] = {
        "benchmark": "Let's Wait Awhile (Wiesner et al., Middleware '21) reproduced with our planner, plus "
                     "joint time+region shifting",
        "meta": {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                             "platform": platform.platform()},
                 "git_commit": _git("rev-parse", "HEAD"),
                 "uncommitted_changes_in_tools": _git("status", "--porcelain", "--", "tools"),
                 "args": {"seeds": args.seeds, "quick": args.quick},
                 "data": {r: {"file": str(LWA_DIR / f), "sha256": file_sha256(LWA_DIR / f),
                              "slots_from_2020_01_01": {i: int(grids[i][r].actual.size) for i in grids},
                              "mean_ci": {i: round(float(grids[i][r].actual.mean()), 3) for i in grids}}
                          for r, f in FILES.items()},
                 "ml_jobs": {"n": ml.n, "first3_submit_min_duration_min":
                             [[int(a), int(d)] for a, d in zip(ml.submit_min[:3], ml.duration_min[:3],
                                                               strict=True)],
                             "mean_duration_h": round(float(ml.duration_min.mean()) / 60, 3)},
                 "units": "% emissions saved vs the baseline, evaluated on the ACTUAL series; every job "
                          "has the same power, so emissions are proportional to sum(hours x actual CI)",
                 "time_axis": "all clock times are UTC (LWA's CSV clock); slot 0 = 2020-01-01 00:00"},
    }
    log("Scenario I")
    result["scenario_1_nightly"] = scenario_1(grids)
    if args.quick:
        cases = [("DE", "next_workday", m) for m in MODES]
        result["scenario_2_ml"] = scenario_2(grids, ml, args.seeds, cases, {"lwa_subsample"})
    else:
        cases = [(r, c, m) for r in REGIONS for c in _lwa.CONSTRAINTS for m in MODES]
        log("Scenario II")
        result["scenario_2_ml"] = scenario_2(grids, ml, args.seeds, cases, set(INPUTS))
        log("Scenario III")
        result["scenario_3_joint_time_region"] = scenario_3(grids["lwa_subsample"], ml, min(args.seeds, 3),
                                                            _lwa.CONSTRAINTS)
    result["meta"]["total_wall_s"] = round(time.perf_counter() - _START, 1)
    out.write_text(json.dumps(result, indent=1, default=_json_default) + "\n")
    log(f"wrote {out} ({result['meta']['total_wall_s']} s)")
    return 0


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


if __name__ == "__main__":
    sys.exit(main())
