"""The carbon-cost trade-off curve: the same jobs re-planned (greedy, no energy recommendations) at
a series of internal carbon prices (USD per tonne CO2e). Pure: figures are the planner's own
``Plan.totals`` (forecast operational kgCO2e, instance cost incl. egress, USD).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from tools.plan.api import make_plan
from tools.plan.model import PlanParams
from tools.schemas import GridSeries, PolicySet

TRADEOFF_PRICES_USD_PER_T: tuple[float, ...] = (0, 25, 50, 100, 200, 400, 800, 1600)
Progress = Callable[[float, str], None]


def carbon_price_sweep(jobs: pd.DataFrame, forecast: Mapping[str, GridSeries], policy: PolicySet | None = None, *,
                       prices: Sequence[float] = TRADEOFF_PRICES_USD_PER_T, run_id: str | None = None,
                       progress: Progress | None = None) -> pd.DataFrame:
    """One greedy plan per carbon price.

    Returns one row per price: carbon_price_usd_per_t, planned_kgco2e, planned_cost_usd,
    baseline_kgco2e, baseline_cost_usd, recommendations, jobs.
    """
    rows = []
    for i, price in enumerate(prices):
        if progress is not None:
            progress(i / len(prices), f"planning at {price:g} USD/t ({i + 1}/{len(prices)})")
        plan = make_plan(jobs, dict(forecast), policy, solver="greedy", run_id=run_id,
                         params=PlanParams(carbon_price_usd_per_t=float(price), energy_recs=False))
        t = plan.totals
        rows.append({"carbon_price_usd_per_t": float(price), "planned_kgco2e": t.planned_kgco2e,
                     "planned_cost_usd": t.planned_cost_usd, "baseline_kgco2e": t.baseline_kgco2e,
                     "baseline_cost_usd": t.baseline_cost_usd, "recommendations": t.recommendations,
                     "jobs": len(jobs)})
    if progress is not None:
        progress(1.0, "done")
    return pd.DataFrame(rows)
