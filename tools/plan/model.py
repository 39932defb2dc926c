"""The planning model shared by both solvers: where and when each job may run, and what it costs.

Time is measured in *slots* of the forecast step from a common origin ``t0``. A job may start at
its baseline start (``start_utc``, as submitted) or at ``submit + k`` slots for
``k = 0..K`` where K is bounded by the job's own deferral window and deadline and by the policy's
deferral limit for its category. It may run in any region the policy allows its team (urgent
jobs keep their region and time when the policy says so). Blackout windows exclude candidates:
the one-off windows and every occurrence of the recurring (weekly, local-time) windows over the
forecast horizon (``blackout_intervals``).

Score of a placement (USD)::

    instance price x hours + carbon_price x forecast kgCO2e + egress (if the region changes)
    + SLA penalty x hours of delay past the baseline start (not for interruptible jobs)

Emissions use the accountant's energy model and the **forecast** intensity, time-weighted over
the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from tools.account import ProfileName, jobs_energy_kwh
from tools.catalog import EGRESS_USD_PER_GB, jobs_cost_usd
from tools.jobs import validate_jobs_frame
from tools.schemas import GridSeries, PolicySet
from tools.timeseries import cumulative, interval_mean, slot_position, to_slot_units

ArrayF = npt.NDArray[np.float64]
ArrayI = npt.NDArray[np.int64]
ArrayB = npt.NDArray[np.bool_]
DEFAULT_CARBON_PRICE_USD_PER_T = 100.0
BUDGET_PERIOD_FREQ = {"day": "D", "week": "W-SUN", "month": "M"}
"""pandas period of each carbon-budget period (weeks run Monday to Sunday, UTC)."""
_EPS = 1e-9


class PlanningError(ValueError):
    """The planning inputs are inconsistent (no forecast, bad series, unknown region ...)."""


class PlanParams(BaseModel):
    """Knobs of the planner; the policy supplies the constraints."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    carbon_price_usd_per_t: float | None = Field(
        default=None, ge=0, description="USD per tonne CO2e; None: the policy's, else 100.")
    sla_penalty_usd_per_h: float = Field(default=0.005, ge=0,
                                         description="Penalty per hour of delay per job, USD.")
    profile: ProfileName = "auto"
    power_rel: float = Field(default=0.2, ge=0, lt=1, description="Energy model 90% bound.")
    intensity_rel: float = Field(default=0.2, ge=0, lt=1,
                                 description="Forecast 90% bound when the series has none.")
    energy_recs: bool = Field(default=True, description="Also propose rightsizing / GPU caps.")
    top_candidates: int = Field(default=16, ge=1,
                                description="Candidates kept per job for capacity-aware solving.")
    exact_all_candidates: bool = Field(
        default=False, description="Exact solver: keep every candidate instead of the top ones.")
    time_limit_s: float = Field(default=60.0, gt=0, description="Exact solver time limit, s.")
    mip_rel_gap: float = Field(default=1e-4, ge=0, description="Exact solver target gap.")


@dataclass
class RegionGrid:
    """A region's forecast in slot units from the common origin."""

    name: str
    values: ArrayF
    cum: ArrayF
    half_width: ArrayF  # 90% half-width per slot, gCO2e/kWh
    hw_cum: ArrayF
    offset: float  # series start - t0, slots

    def mean(self, xs: ArrayF, xe: ArrayF) -> ArrayF:
        return interval_mean(self.values, xs - self.offset, xe - self.offset, cum=self.cum,
                             label=f"the {self.name} forecast")

    def mean_half_width(self, xs: ArrayF, xe: ArrayF) -> ArrayF:
        return interval_mean(self.half_width, xs - self.offset, xe - self.offset, cum=self.hw_cum,
                             label=f"the {self.name} forecast")

    def covers(self, xs: ArrayF, xe: ArrayF) -> ArrayB:
        return np.asarray((xs - self.offset >= -_EPS)
                          & (xe - self.offset <= self.values.size + _EPS), dtype=np.bool_)


@dataclass
class PlanContext:
    """Everything the solvers need, as arrays over jobs (n) and regions (R)."""

    jobs: pd.DataFrame
    policy: PolicySet
    params: PlanParams
    carbon_usd_per_kg: float
    t0: pd.Timestamp
    step_minutes: int
    grids: list[RegionGrid]
    submit_x: ArrayF
    start0_x: ArrayF
    width: ArrayF  # run length, slots
    k_max: ArrayI  # offsets allowed by job window and policy (-1: none)
    k_own: ArrayI  # offsets allowed by the job's own window only
    energy_kwh: ArrayF
    power_kw: ArrayF
    cost_usd: ArrayF  # (n, R) instance cost for the whole run
    egress_usd: ArrayF  # (n, R)
    allowed: ArrayB  # (n, R) policy-allowed regions
    home: ArrayI
    fixed: ArrayB  # urgent jobs the policy never moves
    sla_usd_per_slot: ArrayF
    blackouts: list[tuple[float, float, ArrayB]]  # (start_x, end_x, regions mask)

    @property
    def n(self) -> int:
        return len(self.jobs)

    @property
    def regions(self) -> list[str]:
        return [g.name for g in self.grids]

    @property
    def step_h(self) -> float:
        return self.step_minutes / 60.0

    def slot_time(self, x: npt.ArrayLike) -> pd.DatetimeIndex:
        micros = np.round(np.asarray(x, dtype=float) * self.step_minutes * 60e6).astype(np.int64)
        return pd.DatetimeIndex(self.t0 + pd.to_timedelta(micros, unit="us"))

    def budget_periods(self, x: npt.ArrayLike) -> pd.Index:
        """The carbon-budget period (e.g. ``2026-01-05/2026-01-11``) of each slot position."""
        freq = BUDGET_PERIOD_FREQ[self.policy.carbon_budget_period]
        return pd.Index([str(p) for p in self.slot_time(x).tz_convert(None).to_period(freq)])


def build_context(jobs: pd.DataFrame, forecast: dict[str, GridSeries], policy: PolicySet,
                  params: PlanParams) -> PlanContext:
    """Validate the inputs and precompute every array the solvers use."""
    frame = validate_jobs_frame(jobs, source="plan jobs")
    if frame.empty:
        raise PlanningError("no jobs to plan")
    if not forecast:
        raise PlanningError("no forecast series given: plans are made on forecasts")
    for region, series in forecast.items():
        if series.region != region:
            raise PlanningError(f"forecast for {region!r} holds region {series.region!r}")
    steps = {s.step_minutes for s in forecast.values()}
    if len(steps) != 1:
        raise PlanningError(f"forecast series must share one step; got {sorted(steps)} minutes")
    bases = {s.basis for s in forecast.values()}
    if len(bases) != 1:
        raise PlanningError(f"forecast series mix intensity bases {sorted(bases)}")
    step = steps.pop()
    missing_home = sorted(set(frame["region"]) - set(forecast))
    if missing_home:
        raise PlanningError(f"no forecast for the jobs' region(s) {missing_home}")

    regions = sorted(forecast)
    first = min(pd.Timestamp(s.start_utc) for s in forecast.values())
    t0 = first.floor(f"{step}min")
    grids = []
    for name in regions:
        s = forecast[name]
        values = np.asarray(s.values, dtype=float)
        if s.lower is not None and s.upper is not None:
            half = (np.asarray(s.upper) - np.asarray(s.lower)) / 2.0
        else:
            half = values * params.intensity_rel
        grids.append(RegionGrid(name, values, cumulative(values), half, cumulative(half),
                                slot_position(s.start_utc, t0, step)))

    n = len(frame)
    submit_x = to_slot_units(frame["submit_utc"], t0, step)
    start0_x = to_slot_units(frame["start_utc"], t0, step)
    deadline_x = to_slot_units(frame["deadline_utc"], t0, step)
    width = frame["duration_h"].to_numpy(dtype=float) * 60.0 / step
    own_window = np.minimum(frame["max_deferral_h"].to_numpy(dtype=float) * 60.0 / step,
                            deadline_x - width - submit_x)
    cap_h = frame["category"].map(lambda c: policy.max_deferral_h_by_category.get(c, np.inf))
    policy_window = np.minimum(own_window, cap_h.to_numpy(dtype=float) * 60.0 / step)
    k_own = np.floor(own_window + _EPS).astype(np.int64)
    k_max = np.floor(policy_window + _EPS).astype(np.int64)
    fixed = ((frame["category"] == "urgent") & policy.urgent_never_moved).to_numpy()
    k_max[fixed] = -1

    energy = jobs_energy_kwh(frame, params.profile)
    power = energy / frame["duration_h"].to_numpy(dtype=float)
    home = np.array([regions.index(r) for r in frame["region"]], dtype=np.int64)
    cost = np.column_stack([jobs_cost_usd(frame, region=r) for r in regions])
    moved = np.arange(len(regions))[None, :] != home[:, None]
    egress = moved * (frame["data_gb"].to_numpy(dtype=float) * EGRESS_USD_PER_GB)[:, None]
    allowed = np.ones((n, len(regions)), dtype=bool)
    for team in frame["team"].unique():
        team_regions = policy.allowed_regions(str(team))
        if team_regions is not None:
            rows = (frame["team"] == team).to_numpy()
            allowed[np.ix_(rows, [r not in team_regions for r in regions])] = False
    allowed[fixed] = False
    allowed[fixed, home[fixed]] = True
    sla = np.where(frame["interruptible"].to_numpy(), 0.0, params.sla_penalty_usd_per_h * step / 60)
    horizon_end = t0 + pd.Timedelta(minutes=step) * max(g.offset + g.values.size for g in grids)
    blackouts = [(slot_position(start, t0, step), slot_position(end, t0, step),
                  np.array([where is None or r in where for r in regions]))
                 for start, end, where in blackout_intervals(policy, t0.to_pydatetime(),
                                                             horizon_end.to_pydatetime())]
    price = params.carbon_price_usd_per_t
    if price is None:
        price = policy.carbon_price_usd_per_t
    if price is None:
        price = DEFAULT_CARBON_PRICE_USD_PER_T
    return PlanContext(frame, policy, params, price / 1000.0, t0, step, grids, submit_x, start0_x,
                       width, k_max, k_own, energy, power, cost, egress, allowed, home, fixed, sla,
                       blackouts)


def blackout_intervals(policy: PolicySet, start_utc: datetime, end_utc: datetime
                       ) -> list[tuple[datetime, datetime, list[str] | None]]:
    """Every blackout (UTC start, UTC end, regions or None for all) that may touch the planning horizon:
    the policy's one-off windows and each occurrence of its recurring (weekly, local-time) windows
    overlapping ``[start_utc, end_utc)``, DST included."""
    out: list[tuple[datetime, datetime, list[str] | None]] = [
        (w.start_utc, w.end_utc, w.regions) for w in policy.blackout_windows]
    for rec in policy.recurring_blackouts:
        out += [(a, b, rec.regions) for a, b in rec.occurrences(start_utc, end_utc)]
    return out


def placement_ok(ctx: PlanContext, rows: ArrayI, region: int, xs: ArrayF) -> ArrayB:
    """Coverage by the region's forecast and no overlap with a blackout window."""
    xe = xs + ctx.width[rows, None] if xs.ndim == 2 else xs + ctx.width[rows]
    ok = ctx.grids[region].covers(xs, xe)
    for start, end, regions in ctx.blackouts:
        if regions[region]:
            ok &= ~((xs < end) & (xe > start))
    return ok


def score(ctx: PlanContext, rows: ArrayI, region: int, xs: ArrayF
          ) -> tuple[ArrayF, ArrayF]:
    """(score USD, mean forecast intensity gCO2e/kWh) of running ``rows`` from ``xs``."""
    two_d = xs.ndim == 2

    def col(values: ArrayF) -> ArrayF:
        return values[rows, None] if two_d else values[rows]

    w = col(ctx.width)
    grid = ctx.grids[region]
    inside = grid.covers(xs, xs + w)
    safe_xs = np.where(inside, xs, grid.offset)
    safe_w = np.where(inside, w, 0.0)
    intensity = grid.mean(safe_xs, safe_xs + safe_w)
    kg = col(ctx.energy_kwh) * intensity / 1000.0
    delay = np.maximum(0.0, xs - col(ctx.start0_x))
    total = (col(ctx.cost_usd[:, region]) + col(ctx.egress_usd[:, region])
             + ctx.carbon_usd_per_kg * kg + col(ctx.sla_usd_per_slot) * delay)
    return np.asarray(total, dtype=np.float64), intensity


def baseline(ctx: PlanContext) -> tuple[ArrayF, ArrayF, ArrayB]:
    """Score, intensity and policy compliance of every job's as-submitted placement."""
    rows = np.arange(ctx.n)
    total = np.empty(ctx.n)
    intensity = np.empty(ctx.n)
    ok = np.empty(ctx.n, dtype=bool)
    for r in range(len(ctx.grids)):
        sel = rows[ctx.home == r]
        if sel.size == 0:
            continue
        covered = placement_ok(ctx, sel, r, ctx.start0_x[sel]) | ctx.fixed[sel]
        if not ctx.grids[r].covers(ctx.start0_x[sel], ctx.start0_x[sel] + ctx.width[sel]).all():
            raise PlanningError(
                f"the {ctx.grids[r].name} forecast does not cover every job's as-submitted run")
        total[sel], intensity[sel] = score(ctx, sel, r, ctx.start0_x[sel])
        ok[sel] = covered & ctx.allowed[sel, r]
    return total, intensity, ok


@dataclass
class Candidates:
    """Explicit candidate placements (flattened), each a contiguous run."""

    row: ArrayI
    region: ArrayI
    start_x: ArrayF
    score: ArrayF
    intensity: ArrayF
    is_baseline: ArrayB


def best_per_job(ctx: PlanContext, keep: int | None, chunk: int = 20_000) -> Candidates:
    """The ``keep`` best-scoring feasible candidates of every job (all when None), plus its
    baseline when policy-compliant."""
    k_top = int(max(ctx.k_max.max(), 0))
    offsets = np.arange(k_top + 1, dtype=float)
    parts: list[tuple[ArrayI, ArrayI, ArrayF, ArrayF, ArrayF]] = []
    for lo in range(0, ctx.n, chunk):
        rows = np.arange(lo, min(lo + chunk, ctx.n))
        movable = rows[ctx.k_max[rows] >= 0]
        if movable.size == 0:
            continue
        xs = ctx.submit_x[movable, None] + offsets[None, :]
        in_window = offsets[None, :] <= ctx.k_max[movable, None]
        per_region = []
        for r in range(len(ctx.grids)):
            valid = in_window & ctx.allowed[movable, r][:, None] & placement_ok(ctx, movable, r, xs)
            sc, inten = score(ctx, movable, r, xs)
            per_region.append((np.where(valid, sc, np.inf), inten))
        scores = np.stack([p[0] for p in per_region], axis=1)  # (m, R, K)
        intens = np.stack([p[1] for p in per_region], axis=1)
        flat = scores.reshape(len(movable), -1)
        m = flat.shape[1] if keep is None else min(keep, flat.shape[1])
        idx = np.argpartition(flat, m - 1, axis=1)[:, :m] if m < flat.shape[1] else \
            np.broadcast_to(np.arange(flat.shape[1]), flat.shape)
        picked = np.take_along_axis(flat, idx, axis=1)
        finite = np.isfinite(picked)
        r_idx, k_idx = np.divmod(idx, k_top + 1)
        rows_rep = np.broadcast_to(movable[:, None], idx.shape)
        parts.append((rows_rep[finite], r_idx[finite], (ctx.submit_x[rows_rep] + k_idx)[finite],
                      picked[finite], np.take_along_axis(
                          intens.reshape(len(movable), -1), idx, axis=1)[finite]))
    base_score, base_int, base_ok = baseline(ctx)
    rows_b = np.flatnonzero(base_ok)
    row = np.concatenate([p[0] for p in parts] + [rows_b]).astype(np.int64)
    region = np.concatenate([p[1] for p in parts] + [ctx.home[rows_b]]).astype(np.int64)
    start = np.concatenate([p[2] for p in parts] + [ctx.start0_x[rows_b]])
    sc = np.concatenate([p[3] for p in parts] + [base_score[rows_b]])
    inten = np.concatenate([p[4] for p in parts] + [base_int[rows_b]])
    is_base = np.concatenate([np.zeros(sum(p[0].size for p in parts), dtype=bool),
                              np.ones(rows_b.size, dtype=bool)])
    # drop grid candidates that coincide with the baseline (same region and start)
    dup = ~is_base & (region == ctx.home[row]) & (np.abs(start - ctx.start0_x[row]) < 1e-6) \
        & base_ok[row]
    keep_mask = ~dup
    order = np.lexsort((sc[keep_mask], row[keep_mask]))
    return Candidates(row[keep_mask][order], region[keep_mask][order], start[keep_mask][order],
                      sc[keep_mask][order], inten[keep_mask][order], is_base[keep_mask][order])


def job_candidates(ctx: PlanContext, j: int) -> Candidates:
    """Every feasible grid placement of one job (all allowed regions and offsets), best first."""
    rows = np.array([j], dtype=np.int64)
    empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
    none = Candidates(empty_i, empty_i, empty_f, empty_f, empty_f, np.zeros(0, dtype=bool))
    if ctx.k_max[j] < 0:
        return none
    xs = ctx.submit_x[j] + np.arange(ctx.k_max[j] + 1, dtype=float)[None, :]
    regions, starts, scores, intens = [], [], [], []
    for r in range(len(ctx.grids)):
        if not ctx.allowed[j, r]:
            continue
        ok = placement_ok(ctx, rows, r, xs)[0]
        sc, inten = score(ctx, rows, r, xs)
        regions.append(np.full(int(ok.sum()), r))
        starts.append(xs[0][ok])
        scores.append(sc[0][ok])
        intens.append(inten[0][ok])
    if not regions:
        return none
    sc_all = np.concatenate(scores)
    order = np.argsort(sc_all, kind="stable")
    return Candidates(np.full(order.size, j, dtype=np.int64), np.concatenate(regions)[order],
                      np.concatenate(starts)[order], sc_all[order], np.concatenate(intens)[order],
                      np.zeros(order.size, dtype=bool))
