"""The Let's Wait Awhile protocol (Wiesner et al., Middleware '21), re-implemented from its description.

Only the *experiment protocol* lives here -- how the paper loads its carbon-intensity data, how it
perturbs it into a forecast, how it generates the ML workload and how it derives deadlines. The
scheduling itself is done by our planner (``tools.plan.make_plan``) in ``bench/shifting.py``.
Nothing here is copied from the LWA repository; it is written from the protocol description.

Time axis: every clock time of the experiments is in the CSV's clock, which is UTC (the 30-min
grid has no DST gap or duplicate). Slot ``k`` is ``[2020-01-01 00:00 + 30k min, +30 min)``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

SLOT_MINUTES = 30
DATA_START = pd.Timestamp("2020-01-01", tz="UTC")
ML_JOBS = 3387
ML_MIN_DURATION_MIN = 4 * 60  # inclusive
ML_MAX_DURATION_MIN = 90 * 60  # exclusive: the longest job runs 89.5 h
WORKDAY_START_MIN = 9 * 60  # first submission 09:00
WORKDAY_END_MIN = 17 * 60  # exclusive: the last submission is 16:30
CONSTRAINTS = ("next_workday", "semi_weekly")

ArrayF = npt.NDArray[np.float64]
ArrayI = npt.NDArray[np.int64]


def load_subsampled(path: Path) -> pd.Series:
    """LWA's input: the file from 2020-01-01 00:00 on, keeping rows whose minute is 0 or 30.

    This is *subsampling* (the 15-min DE and late-2020 GB values at :15/:45 are dropped), not
    averaging. Returns a float Series on a gap-free UTC 30-min index (checked).
    """
    frame = pd.read_csv(path, usecols=["Time", "Carbon Intensity"])
    index = pd.DatetimeIndex(pd.to_datetime(frame["Time"], format="ISO8601")).tz_localize("UTC")
    ci = pd.Series(frame["Carbon Intensity"].to_numpy(dtype=float), index=index)
    ci = ci[ci.index >= DATA_START]
    ci = ci[ci.index.minute % SLOT_MINUTES == 0]
    _check_grid(ci, path)
    return ci


def _check_grid(ci: pd.Series, source: Path | str) -> None:
    if ci.index[0] != DATA_START:
        raise ValueError(f"{source}: the 30-min series starts {ci.index[0]}, not {DATA_START}")
    steps = ci.index[1:] - ci.index[:-1]
    if not (steps == pd.Timedelta(minutes=SLOT_MINUTES)).all():
        raise ValueError(f"{source}: the 30-min series has gaps or duplicates")


def from_2020(series: pd.Series, source: str) -> pd.Series:
    """A UTC 30-min series (e.g. ``GridSeries.to_pandas()``) cut to start at 2020-01-01 00:00."""
    out = series[series.index >= DATA_START].astype(float)
    _check_grid(out, source)
    return out


def noisy(actual: ArrayF, error: float, seed: int | None) -> ArrayF:
    """LWA's forecast: actual + i.i.d. N(0, error x mean(actual)) per slot, one draw per seed.

    ``mean`` is over the whole loaded series (2020-01-01 to the end of the file). ``error == 0``
    returns the actual values (LWA then runs once). Not clipped here.
    """
    if not error:
        return np.asarray(actual, dtype=float).copy()
    rng = np.random.default_rng(seed)
    return np.asarray(actual + rng.normal(0.0, error * float(np.mean(actual)), size=actual.size))


def ml_jobs(n: int = ML_JOBS, seed: int = 0) -> tuple[ArrayI, ArrayI]:
    """LWA's ML workload: (submission minute since 2020-01-01 00:00 UTC, duration minutes).

    Jobs per weekday ~ Multinomial(n, uniform over the 262 weekdays of 2020, no holidays);
    submissions uniform over the 16 half-hours 09:00..16:30, sorted within a day; durations
    uniform over 4 h .. 89.5 h in 30-min steps, drawn after all submissions. The RNG calls are
    made in LWA's order (multinomial, one draw per calendar day including empty ones, then all
    durations) so the workload is the paper's.
    """
    rng = np.random.default_rng(seed)
    durations = np.arange(ML_MIN_DURATION_MIN, ML_MAX_DURATION_MIN, SLOT_MINUTES)
    times_of_day = np.arange(WORKDAY_START_MIN, WORKDAY_END_MIN, SLOT_MINUTES)
    days = pd.date_range("2020-01-01", "2020-12-31", freq="D")
    weekday = np.asarray(days.weekday < 5)
    counts = np.zeros(len(days), dtype=np.int64)
    counts[weekday] = rng.multinomial(n, np.full(int(weekday.sum()), 1.0 / weekday.sum()))
    submit: list[int] = []
    for day, count in enumerate(counts):
        minutes = np.sort(rng.choice(times_of_day, size=int(count)))
        submit.extend(int(day * 1440 + m) for m in minutes)
    duration = rng.choice(durations, size=n)
    return np.asarray(submit, dtype=np.int64), np.asarray(duration, dtype=np.int64)


def slack_slots(original_finish: pd.DatetimeIndex, constraint: str) -> ArrayI:
    """LWA's extra time in 30-min slots between a job's original finish and its deadline.

    ``next_workday``: the start of the next working period (Mon-Fri 09:00-17:00) at or after the
    original finish; no slack if it ends inside one. Quirk kept: Friday after 17:00 -> Saturday
    09:00. ``semi_weekly``: the next Thursday 09:00 or Monday 09:00, whichever comes first
    (finish in (Mon 09:00, Thu 09:00] -> Thu 09:00, else -> Mon 09:00).
    """
    oft = pd.DatetimeIndex(original_finish)
    wd = np.asarray(oft.weekday)
    hour = np.asarray(oft.hour + oft.minute / 60.0)
    nine = oft.normalize() + pd.Timedelta(hours=9)
    day = pd.Timedelta(days=1)
    if constraint == "next_workday":
        days_ahead = np.where(wd == 5, 2, np.where((wd == 6) | (hour > 17), 1, 0))
        deadline = nine + pd.to_timedelta(days_ahead, unit="D")
        keep = (wd < 5) & (hour >= 9) & (hour <= 17)  # inside the working period: no slack
        deadline = deadline.where(~keep, oft)
    elif constraint == "semi_weekly":
        to_thursday = ((wd == 0) & (hour > 9)) | (wd == 1) | (wd == 2) | ((wd == 3) & (hour <= 9))
        days_ahead = np.where(to_thursday, (10 - wd) % 7, (7 - wd) % 7)
        deadline = nine + days_ahead * day
    else:
        raise ValueError(f"unknown constraint {constraint!r}; expected one of {CONSTRAINTS}")
    slack = (deadline - oft) / pd.Timedelta(minutes=SLOT_MINUTES)
    out = np.asarray(slack, dtype=float)
    if np.any(out < 0) or np.any(out != np.round(out)):
        raise AssertionError("deadline before the original finish or off the 30-min grid")
    return out.astype(np.int64)
