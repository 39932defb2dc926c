"""Roll-ups (pure): figures summed from records the other tools produced.

    weekly   per-team weekly summary figures and nudges
"""

from __future__ import annotations

from tools.rollup.weekly import (
    iso_week,
    previous_week,
    summarise_week,
    week_bounds,
)

__all__ = [
    "iso_week",
    "previous_week",
    "summarise_week",
    "week_bounds",
]
