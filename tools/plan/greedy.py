"""The greedy solver and what both solvers share: the chosen placement and slot loads.

Greedy (the seed's method): each job independently takes its best-scoring feasible placement.
With a power cap it becomes capacity-aware: urgent and unmovable jobs are placed first, then
the others in order of how much they stand to gain, each taking its best candidate that still
fits under the cap in every slot it touches (falling back to its baseline).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tools.plan.model import (
    ArrayB,
    ArrayF,
    ArrayI,
    Candidates,
    PlanContext,
    baseline,
    best_per_job,
    job_candidates,
)

_CAP_EPS = 1e-6


@dataclass
class Choice:
    """Where and when each job runs under a plan (contiguous unless listed in ``pieces``)."""

    region: ArrayI
    start_x: ArrayF
    score: ArrayF
    intensity: ArrayF  # mean forecast intensity of the chosen run, gCO2e/kWh
    pieces: dict[int, list[tuple[int, float, float]]] = field(default_factory=dict)
    bound: float | None = None
    gap: float | None = None
    cap_ok: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def objective(self) -> float:
        return float(self.score.sum())


def occupancy(start_x: ArrayF, width: ArrayF) -> tuple[ArrayI, ArrayI, ArrayF]:
    """(item index, slot, fraction of the slot covered) for runs ``[start, start + width)``."""
    first = np.floor(start_x + 1e-9).astype(np.int64)
    last = np.ceil(start_x + width - 1e-9).astype(np.int64) - 1
    count = np.maximum(last - first + 1, 1)
    item = np.repeat(np.arange(start_x.size), count)
    within = np.arange(item.size) - np.repeat(np.cumsum(count) - count, count)
    slot = first[item] + within
    frac = np.minimum(start_x[item] + width[item], slot + 1.0) - np.maximum(start_x[item], slot)
    return item, slot, np.clip(frac, 0.0, 1.0)


def horizon_slots(ctx: PlanContext) -> int:
    """Number of slots from t0 to the end of the longest forecast."""
    return int(np.ceil(max(g.offset + g.values.size for g in ctx.grids))) + 1


def slot_loads(ctx: PlanContext, region: ArrayI, start_x: ArrayF,
               pieces: dict[int, list[tuple[int, float, float]]] | None = None) -> ArrayF:
    """Average power per region and slot, kW: array (R, slots)."""
    loads = np.zeros((len(ctx.grids), horizon_slots(ctx)))
    split = np.zeros(ctx.n, dtype=bool)
    for j, parts in (pieces or {}).items():
        split[j] = True
        for r, xs, w in parts:
            _, slot, frac = occupancy(np.array([xs]), np.array([w]))
            np.add.at(loads[r], slot, ctx.power_kw[j] * frac)
    rows = np.flatnonzero(~split)
    item, slot, frac = occupancy(start_x[rows], ctx.width[rows])
    np.add.at(loads, (region[rows][item], slot), ctx.power_kw[rows][item] * frac)
    return loads


def _first_per_row(c: Candidates, n: int) -> ArrayI:
    """Index into ``c`` of each row's best candidate (-1 if the row has none)."""
    best = np.full(n, -1, dtype=np.int64)
    first = np.r_[True, c.row[1:] != c.row[:-1]] if c.row.size else np.zeros(0, dtype=bool)
    best[c.row[first]] = np.flatnonzero(first)
    return best


def baseline_choice(ctx: PlanContext) -> Choice:
    """Every job as submitted."""
    score, intensity, _ = baseline(ctx)
    return Choice(ctx.home.copy(), ctx.start0_x.copy(), score, intensity)


def greedy(ctx: PlanContext) -> Choice:
    """Per-job best placement; capacity-aware when the policy sets ``max_power_kw``."""
    cap = ctx.policy.max_power_kw
    cands = best_per_job(ctx, keep=1 if cap is None else ctx.params.top_candidates)
    choice = baseline_choice(ctx)
    best = _first_per_row(cands, ctx.n)
    has = best >= 0
    if cap is None:
        _take(choice, cands, np.flatnonzero(has), best[has])
        _flag_unresolved(ctx, choice, has)
        return choice
    return _greedy_capped(ctx, cands, best, choice, float(cap))


def _take(choice: Choice, c: Candidates, rows: ArrayI, idx: ArrayI) -> None:
    choice.region[rows] = c.region[idx]
    choice.start_x[rows] = c.start_x[idx]
    choice.score[rows] = c.score[idx]
    choice.intensity[rows] = c.intensity[idx]


def _flag_unresolved(ctx: PlanContext, choice: Choice, has_candidate: ArrayB) -> None:
    stuck = np.flatnonzero(~has_candidate & ~ctx.fixed)
    if stuck.size:
        choice.notes.append(
            f"{stuck.size} job(s) have no policy-compliant placement and keep their baseline "
            f"(first: {ctx.jobs['job_id'].iloc[stuck[0]]})")


def _place_first_fit(ctx: PlanContext, c: Candidates, lo: int, hi: int, j: int, loads: ArrayF,
                     cap: float, choice: Choice, max_score: float = np.inf) -> bool:
    """Give job ``j`` the first candidate in ``c[lo:hi]`` (best first) that fits under the cap
    and scores below ``max_score``."""
    for i in range(lo, hi):
        if c.score[i] >= max_score - 1e-12:
            return False
        r = c.region[i]
        _, slot, frac = occupancy(c.start_x[i:i + 1], ctx.width[j:j + 1])
        if slot.max() < loads.shape[1] and np.all(loads[r, slot] + ctx.power_kw[j] * frac
                                                  <= cap + _CAP_EPS):
            loads[r, slot] += ctx.power_kw[j] * frac
            _take(choice, c, np.array([j]), np.array([i]))
            return True
    return False


def _repair(ctx: PlanContext, choice: Choice, loads: ArrayF, cap: float) -> None:
    """Move jobs out of overloaded slots to any placement that fits, even at a higher score."""
    movable = np.flatnonzero(ctx.k_max >= 0)
    item, slot, _ = occupancy(choice.start_x[movable], ctx.width[movable])
    over = loads[choice.region[movable][item], slot] > cap + _CAP_EPS
    culprits = np.unique(movable[item[over]])
    for j in culprits[np.argsort(-ctx.power_kw[culprits], kind="stable")]:
        _, js, frac = occupancy(choice.start_x[j:j + 1], ctx.width[j:j + 1])
        if not (loads[choice.region[j], js] > cap + _CAP_EPS).any():
            continue
        loads[choice.region[j], js] -= ctx.power_kw[j] * frac
        full = job_candidates(ctx, int(j))
        if not (full.row.size and _place_first_fit(ctx, full, 0, full.row.size, int(j), loads, cap,
                                                   choice)):
            loads[choice.region[j], js] += ctx.power_kw[j] * frac


def _greedy_capped(ctx: PlanContext, c: Candidates, best: ArrayI, choice: Choice, cap: float
                   ) -> Choice:
    """Start from the as-submitted schedule, then move jobs one at a time (largest gain first) to
    their best placement that fits under the cap given everyone else's current placement.

    A job is lifted out before its candidates are tried, so its current placement always fits
    again: if the as-submitted schedule respects the cap, so does every step after it.
    """
    has = best >= 0
    loads = slot_loads(ctx, choice.region, choice.start_x)
    best_score = c.score[np.maximum(best, 0)] if c.score.size else choice.score
    gain = choice.score - np.where(has, best_score, choice.score)
    order = [int(j) for j in np.argsort(-gain, kind="stable") if has[j] and gain[j] > 1e-12]
    ends = np.flatnonzero(np.r_[c.row[1:] != c.row[:-1], True]) if c.row.size else np.zeros(0, int)
    stop = np.zeros(ctx.n, dtype=np.int64)
    stop[c.row[ends]] = ends + 1
    for j in order:
        _, slot, frac = occupancy(choice.start_x[j:j + 1], ctx.width[j:j + 1])
        loads[choice.region[j], slot] -= ctx.power_kw[j] * frac
        if _place_first_fit(ctx, c, int(best[j]), int(stop[j]), j, loads, cap, choice):
            continue
        full = job_candidates(ctx, j)  # the top candidates are full: try every placement
        if full.row.size and _place_first_fit(ctx, full, 0, full.row.size, j, loads, cap, choice,
                                              max_score=choice.score[j]):
            continue
        loads[choice.region[j], slot] += ctx.power_kw[j] * frac  # stay where it is
    if (loads > cap + _CAP_EPS).any():
        _repair(ctx, choice, loads, cap)
    _flag_unresolved(ctx, choice, has)
    if (loads > cap + _CAP_EPS).any():
        choice.cap_ok = False
        over = int((loads > cap + _CAP_EPS).sum())
        choice.notes.append(f"power cap {cap:g} kW cannot be met: peak {float(loads.max()):.1f} kW "
                            f"in {over} region-slot(s), already over the cap as submitted")
    return choice
