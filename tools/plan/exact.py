"""The exact solver: a time-indexed MILP solved by HiGHS (``scipy.optimize.milp``).

Variables
    x_c in {0,1}      one per candidate placement of a non-interruptible job (contiguous run)
    y_jrm in [0, a]   slots of work of an interruptible job j in region r, slot m (a = the part
                      of slot m inside the job's window), so the job may be split in time
    z_jr in {0,1}     region choice of an interruptible job with more than one allowed region
Constraints
    sum_c x_c = 1 per job;  sum_rm y_jrm = width_j;  y_jrm <= a_m z_jr;  sum_r z_jr = 1
    per region and slot: average power of everything running <= max_power_kw
    per budget period (if the policy sets one): forecast kgCO2e <= carbon_budget_kg
Objective
    the same score as the greedy solver (cost + carbon price x kgCO2e + egress + SLA penalty),
    so exact <= greedy on the same candidates. With only interruptible single-region jobs the
    problem is an LP and the relaxation is exact.
Candidates are each job's best ``top_candidates`` placements unless
``params.exact_all_candidates``; the reported bound and gap are those of that model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix

from tools.plan.greedy import Choice, _first_per_row, baseline_choice, greedy, horizon_slots, occupancy
from tools.plan.model import ArrayF, ArrayI, Candidates, PlanContext, best_per_job


@dataclass
class _Builder:
    """Sparse MILP assembled column by column."""

    cost: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)

    def columns(self, cost: ArrayF, integer: bool, upper: ArrayF) -> ArrayI:
        start = len(self.cost)
        self.cost.extend(cost.tolist())
        self.integer.extend([1 if integer else 0] * cost.size)
        self.upper.extend(upper.tolist())
        return np.arange(start, start + cost.size, dtype=np.int64)

    def row(self, lo: float, hi: float) -> int:
        self.lo.append(lo)
        self.hi.append(hi)
        return len(self.lo) - 1

    def coef(self, row: ArrayI | int, col: ArrayI, val: ArrayF) -> None:
        rows = np.broadcast_to(np.asarray(row), col.shape)
        self.rows.extend(rows.tolist())
        self.cols.extend(col.tolist())
        self.vals.extend(np.asarray(val, dtype=float).tolist())


@dataclass
class _Split:
    """Variables of one interruptible job."""

    job: int
    region: ArrayI  # per y column
    slot: ArrayI
    start: ArrayF  # where the work in that slot may begin
    y: ArrayI  # column indices
    intensity: ArrayF  # forecast intensity of each y's slot, gCO2e/kWh
    kg_per_slot: ArrayF  # kgCO2e of one full slot of work, per y
    z: dict[int, int]  # region -> z column (empty if one region)
    fixed_cost: dict[int, float]  # region -> instance cost + egress


def _split_vars(ctx: PlanContext, b: _Builder, j: int) -> _Split | None:
    a = ctx.submit_x[j]
    end = min(a + ctx.k_max[j] + ctx.width[j], a + ctx.width[j] + max(ctx.k_own[j], 0))
    m = np.arange(int(np.floor(a + 1e-9)), int(np.ceil(end - 1e-9)))
    avail = np.clip(np.minimum(end, m + 1.0) - np.maximum(a, m), 0.0, 1.0)
    regions, slots, starts, caps, intens = [], [], [], [], []
    for r, grid in enumerate(ctx.grids):
        if not ctx.allowed[j, r]:
            continue
        ok = grid.covers(m.astype(np.float64), (m + 1).astype(np.float64)) & (avail > 1e-9)
        for ws, we, mask in ctx.blackouts:
            if mask[r]:
                ok &= ~((m < we) & (m + 1 > ws))
        if avail[ok].sum() < ctx.width[j] - 1e-9:
            continue
        regions.append(np.full(ok.sum(), r))
        slots.append(m[ok])
        starts.append(np.maximum(a, m[ok].astype(float)))
        caps.append(avail[ok])
        intens.append(grid.mean(m[ok].astype(float), m[ok] + 1.0))
    if not regions:
        return None
    region = np.concatenate(regions)
    intensity = np.concatenate(intens)
    kg_per_slot = ctx.power_kw[j] * ctx.step_h * intensity / 1000.0
    y = b.columns(ctx.carbon_usd_per_kg * kg_per_slot, False, np.concatenate(caps))
    fixed = {int(r): float(ctx.cost_usd[j, r] + ctx.egress_usd[j, r]) for r in np.unique(region)}
    z: dict[int, int] = {}
    if len(fixed) > 1:
        zcols = b.columns(np.array(list(fixed.values())), True, np.ones(len(fixed)))
        z = {r: int(c) for r, c in zip(fixed, zcols, strict=True)}
        b.coef(b.row(1.0, 1.0), zcols, np.ones(len(z)))
        for r, zc in z.items():
            sel = region == r
            for col, cap in zip(y[sel], np.concatenate(caps)[sel], strict=True):
                row = b.row(-np.inf, 0.0)
                b.coef(row, np.array([col, zc]), np.array([1.0, -cap]))
    b.coef(b.row(ctx.width[j], ctx.width[j]), y, np.ones(y.size))
    return _Split(j, region, np.concatenate(slots), np.concatenate(starts), y, intensity,
                  kg_per_slot, z, fixed)


def _solve_independent(ctx: PlanContext) -> Choice:
    """Without a power cap or carbon budget nothing links the jobs, so the problem separates.

    Each contiguous job takes its best candidate (as greedy does); each interruptible job takes,
    in every allowed region, its cheapest slots up to its run length (the LP optimum of a single
    job is a fractional knapsack with equal weights) and the cheapest region overall, unless a
    contiguous candidate is cheaper. Exact: bound = objective, gap 0.
    """
    choice = greedy(ctx)
    interruptible = ctx.jobs["interruptible"].to_numpy() & (ctx.k_max >= 0)
    for j in np.flatnonzero(interruptible):
        b = _Builder()
        split = _split_vars(ctx, b, int(j))
        if split is None:
            continue
        caps = np.asarray(b.upper)[split.y]
        best_total, best_sol = np.inf, None
        for r, fixed in split.fixed_cost.items():
            sel = np.flatnonzero(split.region == r)
            order = sel[np.argsort(split.kg_per_slot[sel], kind="stable")]
            take = np.minimum(caps[order], np.maximum(
                0.0, ctx.width[j] - np.concatenate(([0.0], np.cumsum(caps[order])[:-1]))))
            total = fixed + float(np.dot(take, split.kg_per_slot[order])) * ctx.carbon_usd_per_kg
            if total < best_total - 1e-12:
                sol = np.zeros(len(b.cost))
                sol[split.y[order]] = take
                if r in split.z:
                    sol[split.z[r]] = 1.0
                best_total, best_sol = total, sol
        if best_sol is not None and best_total < choice.score[j] - 1e-12:
            _read_split(ctx, choice, split, best_sol)
    choice.bound = choice.objective
    choice.gap = 0.0
    return choice


def solve_exact(ctx: PlanContext) -> Choice:
    """Solve the MILP; falls back to the greedy plan (with a note) if HiGHS finds nothing."""
    if ctx.policy.max_power_kw is None and ctx.policy.carbon_budget_kg is None:
        return _solve_independent(ctx)
    t_start = time.perf_counter()
    cands = best_per_job(ctx, keep=None if ctx.params.exact_all_candidates
                         else ctx.params.top_candidates)
    start = greedy(ctx)  # warm start; its placements join the candidates so exact <= greedy
    cands = _with_choice(ctx, cands, start)
    first = _first_per_row(cands, ctx.n)
    choice = baseline_choice(ctx)
    interruptible = ctx.jobs["interruptible"].to_numpy() & (ctx.k_max >= 0)
    b = _Builder()
    splits: dict[int, _Split] = {}
    for j in np.flatnonzero(interruptible & (first >= 0)):
        split = _split_vars(ctx, b, int(j))
        if split is not None:
            splits[int(j)] = split
    contiguous = np.isin(cands.row, np.array(list(splits), dtype=np.int64), invert=True)
    cidx = np.flatnonzero(contiguous)
    x = b.columns(cands.score[cidx], True, np.ones(cidx.size))
    rows_x = cands.row[cidx]
    job_rows = np.unique(rows_x)
    row_of_job = {int(j): b.row(1.0, 1.0) for j in job_rows}
    b.coef(np.array([row_of_job[int(j)] for j in rows_x]), x, np.ones(x.size))
    decided = np.zeros(ctx.n, dtype=bool)
    decided[job_rows] = True
    decided[list(splits)] = True
    forced = np.flatnonzero(~decided)
    constant = float(choice.score[forced].sum())

    cap = ctx.policy.max_power_kw
    if cap is not None:
        _cap_rows(ctx, b, float(cap), forced, cands, cidx, x, splits, choice)
    budget_rows: list[int] = []
    if ctx.policy.carbon_budget_kg is not None:
        budget_rows = _budget_rows(ctx, b, forced, cands, cidx, x, splits, choice)

    warm = _warm_start(ctx, b, cands, cidx, x, splits, start)
    res = _run(ctx, b, t_start, warm)
    if res is None and budget_rows:
        choice.notes.append("carbon budget cannot be met by any schedule; solved without it")
        for r in budget_rows:
            b.lo[r], b.hi[r] = -np.inf, np.inf
        res = _run(ctx, b, t_start, None)
    if res is None:
        fallback = greedy(ctx)
        fallback.notes.append("exact solver found no feasible solution in time; greedy plan used")
        return fallback

    sol = res.x
    chosen = cidx[sol[x] > 0.5]
    choice.region[cands.row[chosen]] = cands.region[chosen]
    choice.start_x[cands.row[chosen]] = cands.start_x[chosen]
    choice.score[cands.row[chosen]] = cands.score[chosen]
    choice.intensity[cands.row[chosen]] = cands.intensity[chosen]
    for s in splits.values():
        _read_split(ctx, choice, s, sol)
    choice.bound = res.bound + constant if res.bound is not None else None
    choice.gap = res.gap
    if not res.optimal:
        choice.notes.append(f"time limit reached: best solution within gap {choice.gap:.2%}")
    return choice


def _with_choice(ctx: PlanContext, c: Candidates, choice: Choice) -> Candidates:
    """Add each job's placement in ``choice`` to the candidates unless it is already there."""
    movable = np.flatnonzero(_first_per_row(c, ctx.n) >= 0)
    have = {(int(r), int(g), round(float(x), 6)) for r, g, x in zip(c.row, c.region, c.start_x,
                                                                   strict=True)}
    extra = [j for j in movable if (int(j), int(choice.region[j]), round(float(choice.start_x[j]), 6))
             not in have and int(j) not in choice.pieces]
    if not extra:
        return c
    e = np.array(extra, dtype=np.int64)
    row = np.concatenate([c.row, e])
    order = np.lexsort((np.concatenate([c.score, choice.score[e]]), row))
    return Candidates(row[order], np.concatenate([c.region, choice.region[e]])[order],
                      np.concatenate([c.start_x, choice.start_x[e]])[order],
                      np.concatenate([c.score, choice.score[e]])[order],
                      np.concatenate([c.intensity, choice.intensity[e]])[order],
                      np.concatenate([c.is_baseline, np.zeros(e.size, dtype=bool)])[order])


def _warm_start(ctx: PlanContext, b: _Builder, c: Candidates, cidx: ArrayI, x: ArrayI,
                splits: dict[int, _Split], choice: Choice) -> ArrayF:
    """The greedy schedule as a vector of the MILP's columns."""
    start = np.zeros(len(b.cost))
    key = {(int(c.row[i]), int(c.region[i]), round(float(c.start_x[i]), 6)): col
           for i, col in zip(cidx, x, strict=True)}
    for j in np.unique(c.row[cidx]):
        col = key.get((int(j), int(choice.region[j]), round(float(choice.start_x[j]), 6)))
        if col is not None:
            start[col] = 1.0
    for j, s in splits.items():
        _, slot, frac = occupancy(choice.start_x[j:j + 1], ctx.width[j:j + 1])
        for m, f in zip(slot, frac, strict=True):
            hit = np.flatnonzero((s.region == choice.region[j]) & (s.slot == m))
            if hit.size:
                start[s.y[hit[0]]] = f
        if int(choice.region[j]) in s.z:
            start[s.z[int(choice.region[j])]] = 1.0
    return start


@dataclass
class _Result:
    x: ArrayF
    bound: float | None
    gap: float
    optimal: bool


def _run(ctx: PlanContext, b: _Builder, t_start: float, warm: ArrayF | None) -> _Result | None:
    """Solve with HiGHS (highspy), warm-started from ``warm``; None if no feasible solution."""
    import highspy

    n, m = len(b.cost), len(b.lo)
    a = coo_matrix((b.vals, (b.rows, b.cols)), shape=(m, n)).tocsc()
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    cost = np.asarray(b.cost, dtype=float)
    nonzero = np.abs(cost[cost != 0])
    scale = float(np.clip(1.0 / nonzero.min(), 1.0, 1e6)) if nonzero.size else 1.0
    lp.col_cost_ = cost * scale  # carbon terms are ~1e-3 USD: keep them above HiGHS's tolerances
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.asarray(b.upper, dtype=float)
    lp.row_lower_ = np.where(np.isinf(b.lo), -inf, np.asarray(b.lo, dtype=float))
    lp.row_upper_ = np.where(np.isinf(b.hi), inf, np.asarray(b.hi, dtype=float))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    if any(b.integer):
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in b.integer]
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", max(1.0, ctx.params.time_limit_s - (time.perf_counter() - t_start)))
    h.setOptionValue("mip_rel_gap", ctx.params.mip_rel_gap)
    h.passModel(lp)
    if warm is not None and any(b.integer):
        sol = highspy.HighsSolution()
        sol.col_value = warm.tolist()
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        return None
    x = np.asarray(h.getSolution().col_value, dtype=float)
    if not any(b.integer):
        optimal = status == highspy.HighsModelStatus.kOptimal
        return _Result(x, float(info.objective_function_value) / scale, 0.0, optimal)
    return _Result(x, float(info.mip_dual_bound) / scale, float(info.mip_gap),
                   status == highspy.HighsModelStatus.kOptimal)


def _cap_rows(ctx: PlanContext, b: _Builder, cap: float, forced: ArrayI, cands: Candidates,
              cidx: ArrayI, x: ArrayI, splits: dict[int, _Split], choice: Choice) -> None:
    fixed = np.zeros((len(ctx.grids), horizon_slots(ctx)))
    item, slot, frac = occupancy(ctx.start0_x[forced], ctx.width[forced])
    np.add.at(fixed, (ctx.home[forced][item], slot), ctx.power_kw[forced][item] * frac)
    over = fixed > cap + 1e-6
    if over.any():
        choice.cap_ok = False
        choice.notes.append(f"power cap {cap:g} kW is exceeded by jobs that cannot move "
                            f"(peak {fixed.max():.1f} kW in {int(over.sum())} slot(s))")
    rows_of: dict[tuple[int, int], int] = {}

    def row(r: int, m: int) -> int:
        key = (r, m)
        if key not in rows_of:
            rows_of[key] = b.row(-np.inf, max(cap - fixed[r, m], 0.0))
        return rows_of[key]

    item, slot, frac = occupancy(cands.start_x[cidx], ctx.width[cands.row[cidx]])
    regions = cands.region[cidx][item]
    load = ctx.power_kw[cands.row[cidx]][item] * frac
    b.coef(np.array([row(int(r), int(m)) for r, m in zip(regions, slot, strict=True)]), x[item], load)
    for j, s in splits.items():
        b.coef(np.array([row(int(r), int(m)) for r, m in zip(s.region, s.slot, strict=True)]), s.y,
               np.full(s.y.size, ctx.power_kw[j]))


def _budget_rows(ctx: PlanContext, b: _Builder, forced: ArrayI, cands: Candidates, cidx: ArrayI,
                 x: ArrayI, splits: dict[int, _Split], choice: Choice) -> list[int]:
    budget = float(ctx.policy.carbon_budget_kg or 0.0)
    fixed_kg = pd.Series(ctx.energy_kwh[forced] * choice.intensity[forced] / 1000.0).groupby(
        ctx.budget_periods(ctx.start0_x[forced])).sum()
    kg_x = ctx.energy_kwh[cands.row[cidx]] * cands.intensity[cidx] / 1000.0
    keys_x = ctx.budget_periods(cands.start_x[cidx])
    periods = sorted(set(keys_x) | set(fixed_kg.index))
    rows = {p: b.row(-np.inf, budget - float(fixed_kg.get(p, 0.0))) for p in periods}
    b.coef(np.array([rows[k] for k in keys_x]), x, kg_x)
    for s in splits.values():
        keys = ctx.budget_periods(s.start)
        for k in set(keys):
            if k not in rows:
                rows[k] = b.row(-np.inf, budget)
        b.coef(np.array([rows[k] for k in keys]), s.y, s.kg_per_slot)
    return list(rows.values())


def _read_split(ctx: PlanContext, choice: Choice, s: _Split, sol: ArrayF) -> None:
    y = sol[s.y]
    used = y > 1e-7
    region = int(s.region[used][0]) if used.any() else int(ctx.home[s.job])
    if s.z:
        region = max(s.z, key=lambda r: sol[s.z[r]])
        used &= s.region == region
    pieces: list[tuple[int, float, float]] = []
    for start, amount in zip(s.start[used], y[used], strict=True):
        if pieces and abs(pieces[-1][1] + pieces[-1][2] - start) < 1e-6:
            r, xs, w = pieces[-1]
            pieces[-1] = (r, xs, w + float(amount))
        else:
            pieces.append((region, float(start), float(amount)))
    carbon = float(np.dot(y, s.kg_per_slot)) * ctx.carbon_usd_per_kg
    intensity = float(np.sum(y[used] * s.intensity[used]) / max(float(y[used].sum()), 1e-12))
    if len(pieces) > 1:  # a single piece is an ordinary contiguous run
        choice.pieces[s.job] = pieces
    choice.region[s.job] = region
    choice.start_x[s.job] = pieces[0][1]
    choice.intensity[s.job] = intensity
    choice.score[s.job] = s.fixed_cost[region] + carbon
