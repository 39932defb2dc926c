"""Planning (pure): greener, cheaper placements on forecasts, one interface, two solvers.

    api          make_plan -> Plan (recommendations, not-moved reasons, totals, gap)
    model        the planning model both solvers share (slots, candidates, score)
    greedy       per-job best placement, capacity-aware under a power cap
    exact        the time-indexed MILP (HiGHS)
    energy_recs  rightsizing and GPU power-cap proposals (kWh savings)
    ticket       the change ticket of a recommendation (what, why, expected saving, rollback)
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
from tools.plan.ticket import ticket_markdown

__all__ = [
    "DEFAULT_CARBON_PRICE_USD_PER_T",
    "PLAN_METHOD_VERSION",
    "PlanParams",
    "PlanningError",
    "jobs_fingerprint",
    "make_plan",
    "ticket_markdown",
]
