"""Roll-ups (pure): figures summed from records the other tools produced; nothing new is estimated.

    weekly        per-team weekly summary figures and nudges
    leaderboard   teams ranked by verified avoided emissions
    timeline      cumulative baseline vs optimised emissions and cost of a plan
    totals        a plan by kind, verification totals, series extremes, emissions breakdowns
"""

from __future__ import annotations

from tools.rollup.leaderboard import LEADERBOARD_COLUMNS, leaderboard
from tools.rollup.timeline import plan_timeline
from tools.rollup.totals import (
    emissions_breakdown,
    exact_totals_by_key,
    group_totals,
    largest_mintable,
    plan_summary,
    select_recommendations,
    series_summary,
    shares_pct,
    totals_by_key,
    verification_totals,
)
from tools.rollup.weekly import iso_week, previous_week, summarise_week, week_bounds

__all__ = [
    "LEADERBOARD_COLUMNS",
    "emissions_breakdown",
    "exact_totals_by_key",
    "group_totals",
    "iso_week",
    "largest_mintable",
    "leaderboard",
    "plan_summary",
    "plan_timeline",
    "previous_week",
    "select_recommendations",
    "series_summary",
    "shares_pct",
    "summarise_week",
    "totals_by_key",
    "verification_totals",
    "week_bounds",
]
