"""Means of piecewise-constant regular series over arbitrary intervals, vectorised.

A regular series holds ``values[i]`` over ``[t0 + i*step, t0 + (i+1)*step)``. Interval ends are
given in *slot units* (``(t - t0) / step``), so callers can shift whole slots by adding integers.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt
import pandas as pd

ArrayF = npt.NDArray[np.float64]


class CoverageError(ValueError):
    """An interval reaches outside the series."""


def to_slot_units(times: pd.Series | pd.DatetimeIndex, t0: pd.Timestamp, step_minutes: int) -> ArrayF:
    """Positions of UTC ``times`` in slots of ``step_minutes`` counted from ``t0``."""
    seconds = np.asarray((pd.DatetimeIndex(times) - t0).total_seconds(), dtype=np.float64)
    return seconds / (step_minutes * 60.0)


def slot_position(time: datetime | pd.Timestamp, t0: datetime | pd.Timestamp, step_minutes: int) -> float:
    """Position of one UTC ``time`` in slots of ``step_minutes`` counted from ``t0``."""
    return float((pd.Timestamp(time) - pd.Timestamp(t0)).total_seconds() / (step_minutes * 60.0))


def cumulative(values: npt.ArrayLike) -> ArrayF:
    """Prefix sums ``[0, v0, v0+v1, ...]`` (length n+1) for ``interval_mean``."""
    return np.concatenate(([0.0], np.cumsum(np.asarray(values, dtype=np.float64))))


def integral(values: ArrayF, cum: ArrayF, x: npt.ArrayLike) -> ArrayF:
    """Integral of the step function from slot 0 to position ``x`` (slot units x value)."""
    n = values.size
    pos = np.clip(np.asarray(x, dtype=np.float64), 0.0, float(n))
    idx = np.minimum(np.floor(pos).astype(np.int64), n - 1)
    return np.asarray(cum[idx] + values[idx] * (pos - idx), dtype=np.float64)


def interval_mean(values: npt.ArrayLike, xs: npt.ArrayLike, xe: npt.ArrayLike,
                  *, cum: ArrayF | None = None, label: str = "series") -> ArrayF:
    """Time-weighted mean of the step function over each ``[xs, xe)`` (slot units).

    Zero-length intervals return the value at ``xs``. Raises CoverageError if any interval
    reaches outside ``[0, len(values)]``. Broadcasts ``xs`` and ``xe``.
    """
    v = np.asarray(values, dtype=np.float64)
    start = np.asarray(xs, dtype=np.float64)
    end = np.asarray(xe, dtype=np.float64)
    n = v.size
    outside = (start < -1e-9) | (end > n + 1e-9) | (end < start - 1e-9)
    if np.any(outside):
        bad = int(np.flatnonzero(np.broadcast_to(outside, np.broadcast(start, end).shape))[0])
        raise CoverageError(
            f"{int(np.sum(outside))} interval(s) fall outside {label} (slots 0..{n}); first bad "
            f"interval index {bad}")
    c = cumulative(v) if cum is None else cum
    width = end - start
    safe = np.where(width > 0, width, 1.0)
    point = v[np.minimum(np.floor(np.clip(start, 0, n)).astype(np.int64), n - 1)]
    return np.asarray(np.where(width > 0, (integral(v, c, end) - integral(v, c, start)) / safe, point),
                      dtype=np.float64)
