"""Supervised windows for day-ahead forecasting: features, calendar, validation of the history.

A *feature frame* is a regular UTC-indexed DataFrame with the target ``y`` (e.g. gCO2e/kWh),
calendar columns (local hour and weekday as sin/cos, a public-holiday flag) and optional
covariates known ahead of time (e.g. day-ahead generation or weather forecasts). A forecast
*issued at* row ``i`` may use ``y`` of rows ``< i`` only, and covariates/calendar of the target
rows ``i .. i+H-1``: that is what prevents look-ahead leakage.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from tools.regions import REGIONS

ArrayF = npt.NDArray[np.float64]
CALENDAR = ("hour_sin", "hour_cos", "dow_sin", "dow_cos", "holiday")


class ForecastInputError(ValueError):
    """The history cannot be forecast from (too short, gaps, NaN, wrong step, bad covariates)."""


@lru_cache(maxsize=32)
def _holiday_dates(country: str, years: tuple[int, ...]) -> frozenset[object]:
    import holidays

    try:
        return frozenset(holidays.country_holidays(country, years=list(years)).keys())
    except NotImplementedError:
        return frozenset()


def calendar_features(index: pd.DatetimeIndex, region: str | None) -> pd.DataFrame:
    """Local hour and weekday (sin/cos) and a public-holiday flag for a UTC index."""
    offset = REGIONS[region].utc_offset_h if region in REGIONS else 0.0
    local = index + pd.Timedelta(hours=offset)
    hour = local.hour.to_numpy() + local.minute.to_numpy() / 60.0
    dow = local.day_of_week.to_numpy()
    country = REGIONS[region].country if region in REGIONS else ""
    years = tuple(sorted(set(local.year)))
    days = _holiday_dates(country, years) if country else frozenset()
    holiday = np.array([d in days for d in local.date], dtype=float) if days else np.zeros(len(index))
    return pd.DataFrame({
        "hour_sin": np.sin(2 * np.pi * hour / 24), "hour_cos": np.cos(2 * np.pi * hour / 24),
        "dow_sin": np.sin(2 * np.pi * dow / 7), "dow_cos": np.cos(2 * np.pi * dow / 7),
        "holiday": holiday,
    }, index=index)


def check_history(values: pd.Series, step_minutes: int | None = None, name: str = "series",
                  allow_negative: bool = False) -> int:
    """Validate a target series: UTC DatetimeIndex, regular step, no NaN/inf, no negatives
    (unless ``allow_negative``, e.g. for electricity prices).

    Returns the step in minutes.
    """
    if not isinstance(values.index, pd.DatetimeIndex) or values.index.tz is None:
        raise ForecastInputError(f"{name} needs a timezone-aware (UTC) DatetimeIndex")
    if len(values) < 2:
        raise ForecastInputError(f"{name} has {len(values)} value(s); need a history")
    diffs = np.diff(values.index.as_unit("ns").asi8) // 60_000_000_000
    step = int(diffs[0])
    if step <= 0 or np.any(diffs != step):
        bad = int(np.flatnonzero(diffs != step)[0]) + 1 if np.any(diffs != step) else 1
        raise ForecastInputError(
            f"{name} is not regularly stepped: {values.index[bad - 1]} -> {values.index[bad]} "
            f"(expected {step} min); fill or resample gaps first")
    if step_minutes is not None and step != step_minutes:
        raise ForecastInputError(f"{name} has a {step}-min step but the model expects {step_minutes} min")
    v = values.to_numpy(dtype=float)
    if not np.isfinite(v).all():
        i = int(np.flatnonzero(~np.isfinite(v))[0])
        raise ForecastInputError(f"{name} has a non-finite value at {values.index[i]}")
    if not allow_negative and np.any(v < 0):
        i = int(np.flatnonzero(v < 0)[0])
        raise ForecastInputError(f"{name} has a negative value {v[i]} at {values.index[i]}")
    return step


def feature_frame(values: pd.Series, region: str | None = None,
                  covariates: pd.DataFrame | None = None, allow_negative: bool = False) -> pd.DataFrame:
    """Target ``y`` + calendar + covariates on the series' index (covariates must cover it)."""
    check_history(values, allow_negative=allow_negative)
    frame = pd.DataFrame({"y": values.to_numpy(dtype=float)}, index=values.index)
    frame = frame.join(calendar_features(pd.DatetimeIndex(values.index), region))
    if covariates is not None and len(covariates.columns):
        cov = covariates.reindex(values.index)
        missing = cov.isna().any(axis=1).to_numpy()
        if missing.any():
            raise ForecastInputError(
                f"covariates are missing at {int(missing.sum())} time(s), first {values.index[missing][0]}")
        frame = frame.join(cov.add_prefix("cov_"))
    return frame


@dataclass
class Windows:
    """Supervised samples: history (N, L, Fh), target-time features (N, H, Fc), target (N, H)."""

    history: ArrayF
    future: ArrayF
    target: ArrayF
    issue_index: pd.DatetimeIndex


def windows(frame: pd.DataFrame, positions: npt.ArrayLike, lookback: int, horizon: int,
            history_cols: list[str], future_cols: list[str]) -> Windows:
    """Cut samples issued at rows ``positions``: history rows [i-L, i), targets rows [i, i+H)."""
    pos = np.asarray(positions, dtype=np.int64)
    n = len(frame)
    if pos.size == 0:
        raise ForecastInputError("no forecast issue times in the requested period")
    if pos.min() < lookback:
        raise ForecastInputError(
            f"history too short: a forecast issued at {frame.index[int(pos.min())]} needs {lookback} "
            f"earlier steps, only {int(pos.min())} exist")
    if pos.max() + horizon > n:
        raise ForecastInputError(f"targets beyond the data: issue {frame.index[int(pos.max())]} + {horizon}")
    hist = frame[history_cols].to_numpy(dtype=float)
    fut = frame[future_cols].to_numpy(dtype=float) if future_cols else np.zeros((n, 0))
    y = frame["y"].to_numpy(dtype=float)
    h_idx = pos[:, None] + np.arange(-lookback, 0)[None, :]
    f_idx = pos[:, None] + np.arange(horizon)[None, :]
    return Windows(hist[h_idx], fut[f_idx], y[f_idx], pd.DatetimeIndex(frame.index[pos]))


def issue_positions(frame: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None,
                    lookback: int, horizon: int, every: int = 1, hour: int | None = None) -> np.ndarray:
    """Rows at which to issue forecasts whose targets fall in [start, end) (every ``every`` rows,
    or only at UTC ``hour``), with enough history before and data after."""
    idx = pd.DatetimeIndex(frame.index)
    ok = np.arange(len(frame))
    ok = ok[(ok >= lookback) & (ok + horizon <= len(frame))]
    if start is not None:
        ok = ok[idx[ok] >= start]
    if end is not None:
        ok = ok[np.asarray(idx[np.minimum(ok + horizon - 1, len(frame) - 1)] < end)]
    if hour is not None:
        ok = ok[(idx[ok].hour == hour) & (idx[ok].minute == 0)]
    return ok[::every]
