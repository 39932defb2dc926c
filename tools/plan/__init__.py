"""Planning (pure): greener, cheaper placements on forecasts, one interface, two solvers.

    api          make_plan -> Plan (recommendations, not-moved reasons, totals, gap)
    model        the planning model both solvers share (slots, candidates, score)
    greedy       per-job best placement, capacity-aware under a power cap
    exact        the time-indexed MILP (HiGHS)
    energy_recs  rightsizing and GPU power-cap proposals (kWh savings)
    ticket       the change ticket of a recommendation (what, why, expected saving, rollback)
    sweep        the carbon-cost trade-off curve (re-planning at a series of carbon prices)
"""

from __future__ import annotations

from tools.plan.api import (
    PLAN_METHOD_VERSION,
    jobs_fingerprint,
    make_plan,
)
from tools.plan.model import (
    DEFAULT_CARBON_PRICE_USD_PER_T,
    PlanningError,
    PlanParams,
)
from tools.plan.sweep import TRADEOFF_PRICES_USD_PER_T, carbon_price_sweep
from tools.plan.ticket import ticket_markdown

__all__ = [
    "DEFAULT_CARBON_PRICE_USD_PER_T",
    "PLAN_METHOD_VERSION",
    "TRADEOFF_PRICES_USD_PER_T",
    "PlanParams",
    "PlanningError",
    "carbon_price_sweep",
    "jobs_fingerprint",
    "make_plan",
    "ticket_markdown",
]
