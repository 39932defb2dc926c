"""Cumulative baseline vs optimised emissions and cost of a plan's jobs, hour by hour (pure).

Baseline: the jobs as submitted, their emissions as accounted (``tools.account``) and their cost
at on-demand prices (``tools.catalog.jobs_cost_usd``). Optimised: the baseline minus each
recommendation's estimated saving (kgCO2e, USD), booked at the hour its job was submitted to
start. Running totals; kgCO2e and USD; hours are UTC (naive timestamps in the frames).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from tools.catalog import jobs_cost_usd
from tools.records import Recommendation


def _hourly(values: Iterable[float], times: Any) -> pd.Series:
    index = pd.DatetimeIndex(pd.to_datetime(times, utc=True)).floor("h").tz_convert(None)
    return pd.Series(list(values), index=index, dtype=float).groupby(level=0).sum()


def plan_timeline(emissions: pd.DataFrame, jobs: pd.DataFrame, recommendations: Sequence[Recommendation]
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Running totals, baseline vs optimised, of the plan's jobs.

    Args:
        emissions: accounted per-job rows of the plan's jobs (start_utc, emissions_kg).
        jobs: the plan's jobs as submitted (jobs-table columns).
        recommendations: the plan's recommendations (their central estimated savings).

    Returns:
        Two long frames, (time, series, kgco2e) and (time, series, usd), ``series`` being
        ``baseline`` or ``optimised``; both empty when there are no emissions.
    """
    empty = (pd.DataFrame(columns=["time", "series", "kgco2e"]), pd.DataFrame(columns=["time", "series", "usd"]))
    if emissions.empty:
        return empty
    base_kg = _hourly(emissions["emissions_kg"], emissions["start_utc"])
    base_usd = _hourly(jobs_cost_usd(jobs), jobs["start_utc"])
    saved_kg = _hourly([r.est_kgco2e_saved.central for r in recommendations],
                       [r.from_start_utc for r in recommendations])
    saved_usd = _hourly([r.est_usd_saved.central for r in recommendations],
                        [r.from_start_utc for r in recommendations])
    hours = pd.date_range(min(base_kg.index.min(), base_usd.index.min()),
                          max(base_kg.index.max(), base_usd.index.max()), freq="h")

    def running(s: pd.Series) -> pd.Series:
        return s.reindex(hours, fill_value=0.0).cumsum()

    def long(values: dict[str, pd.Series], column: str) -> pd.DataFrame:
        return pd.DataFrame([{"time": t, "series": name, column: round(float(v), 4)} for name, s in values.items()
                             for t, v in zip(hours, s.to_numpy(), strict=True)])

    return (long({"baseline": running(base_kg), "optimised": running(base_kg) - running(saved_kg)}, "kgco2e"),
            long({"baseline": running(base_usd), "optimised": running(base_usd) - running(saved_usd)}, "usd"))
