"""Forecast models sharing one interface, and the always-available baselines.

Every model is fitted on training windows, gets its prediction interval from the residual
quantiles of a validation period (per horizon step), and predicts ``H`` steps from an issue row.

Baselines:
    persistence-24h    the value at the same time of day yesterday
    persistence-168h   the value at the same time last week
    ridge              ridge regression on the last ``lags`` values, the same hours last week,
                       calendar features and (if any) covariates of the target hours
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np
import pandas as pd

from tools.forecast.features import CALENDAR, ArrayF, ForecastInputError, Windows, windows

__all__ = ["ArrayF", "ForecastModel", "Persistence", "Ridge"]


class ForecastModel(ABC):
    """A fitted day-ahead forecaster of ``horizon`` steps of ``step_minutes``."""

    name: str = "model"

    def __init__(self, horizon: int, lookback: int, step_minutes: int, coverage: float = 0.9) -> None:
        self.horizon = horizon
        self.lookback = lookback
        self.step_minutes = step_minutes
        self.coverage = coverage
        self.future_cols: list[str] = []
        self.q_lo = np.zeros(horizon)
        self.q_hi = np.zeros(horizon)
        self.metrics: dict[str, Any] = {}
        self.non_negative = True  # clip forecasts at 0 (False for prices, which can go negative)

    # -- shared ---------------------------------------------------------------------------
    def _windows(self, frame: pd.DataFrame, positions: np.ndarray) -> Windows:
        return windows(frame, positions, self.lookback, self.horizon, ["y", *CALENDAR],
                       [*CALENDAR, *self.future_cols])

    def fit(self, frame: pd.DataFrame, train: np.ndarray, validation: np.ndarray) -> ForecastModel:
        """Fit on windows issued at ``train`` rows; set the interval from ``validation`` rows."""
        self.future_cols = [c for c in frame.columns if c.startswith("cov_")]
        self._fit(self._windows(frame, train), self._windows(frame, validation))
        val = self._windows(frame, validation)
        predicted = self._clip(self._predict(val))
        residual = val.target - predicted
        self.metrics["validation_mae"] = float(np.mean(np.abs(residual)))
        self.metrics["validation_windows"] = len(residual)
        alpha = (1 - self.coverage) / 2
        self.q_lo = np.quantile(residual, alpha, axis=0)
        self.q_hi = np.quantile(residual, 1 - alpha, axis=0)
        return self

    def predict(self, frame: pd.DataFrame, positions: np.ndarray) -> ArrayF:
        """Central forecasts (N, H) for forecasts issued at ``positions`` (clipped at 0 unless the
        target may be negative)."""
        missing = [c for c in self.future_cols if c not in frame.columns]
        if missing:
            raise ForecastInputError(f"model {self.name} needs covariates {missing}")
        return self._clip(self._predict(self._windows(frame, positions)))

    def interval(self, central: ArrayF) -> tuple[ArrayF, ArrayF]:
        """Lower and upper bounds of the ``coverage`` prediction interval."""
        return self._clip(central + self.q_lo), self._clip(central + self.q_hi)

    def _clip(self, values: ArrayF) -> ArrayF:
        return np.maximum(values, 0.0) if self.non_negative else values

    # -- per model ------------------------------------------------------------------------
    def _fit(self, train: Windows, validation: Windows) -> None:  # noqa: B027 (optional hook)
        """Learn parameters (baselines without parameters do nothing)."""

    @abstractmethod
    def _predict(self, w: Windows) -> ArrayF:
        """Central forecasts (N, H)."""


class Persistence(ForecastModel):
    """The value ``lag`` steps earlier (``lag`` >= horizon, so only the past is used)."""

    def __init__(self, lag: int, horizon: int, step_minutes: int, coverage: float = 0.9) -> None:
        if lag < horizon:
            raise ForecastInputError(f"persistence lag {lag} < horizon {horizon} would need the future")
        super().__init__(horizon, lag, step_minutes, coverage)
        self.lag = lag
        self.name = f"persistence-{lag * step_minutes // 60}h"

    def _predict(self, w: Windows) -> ArrayF:
        # history covers rows [i - lag, i); target row i + h is predicted by row i + h - lag
        return np.asarray(w.history[:, : self.horizon, 0], dtype=np.float64)


class Ridge(ForecastModel):
    """Multi-output ridge regression on lags, last week's same hours, calendar and covariates."""

    name = "ridge"

    def __init__(self, horizon: int, step_minutes: int, lags: int | None = None,
                 alphas: tuple[float, ...] = (0.1, 1.0, 10.0, 100.0, 1e3, 1e4),
                 coverage: float = 0.9) -> None:
        steps_per_day = 24 * 60 // step_minutes
        self.lags = lags or steps_per_day
        super().__init__(horizon, max(7 * steps_per_day, self.lags), step_minutes, coverage)
        self.alphas = alphas
        self.alpha = alphas[0]
        self.week = 7 * steps_per_day
        self.mean = np.zeros(0)
        self.std = np.ones(0)
        self.coef: ArrayF = np.zeros((0, horizon))

    def _design(self, w: Windows) -> ArrayF:
        y = w.history[:, :, 0]
        recent = y[:, -self.lags:]
        last_week = y[:, -self.week: -self.week + self.horizon] if self.week > self.horizon else y[:, :0]
        n_cal = len(CALENDAR)
        calendar = w.future[:, 0, :n_cal]  # the target hours follow from the first one
        covariates = w.future[:, :, n_cal:].reshape(len(y), -1)
        return np.hstack([recent, last_week, calendar, covariates])

    def _fit(self, train: Windows, validation: Windows) -> None:
        """Closed-form ridge for each penalty in ``alphas``; keep the lowest validation MAE."""
        x = self._design(train)
        self.mean = x.mean(axis=0)
        self.std = np.where(x.std(axis=0) > 1e-12, x.std(axis=0), 1.0)
        z = np.hstack([(x - self.mean) / self.std, np.ones((len(x), 1))])
        gram, rhs = z.T @ z, z.T @ train.target
        best = np.inf
        for alpha in self.alphas:
            penalty = alpha * np.eye(z.shape[1])
            penalty[-1, -1] = 0.0  # do not shrink the intercept
            self.coef = np.asarray(np.linalg.solve(gram + penalty, rhs), dtype=np.float64)
            error = float(np.mean(np.abs(validation.target - self._predict(validation))))
            if error < best:
                best, self.alpha, kept = error, alpha, self.coef
        self.coef = kept

    def _predict(self, w: Windows) -> ArrayF:
        z = np.hstack([(self._design(w) - self.mean) / self.std, np.ones((len(w.target), 1))])
        return np.asarray(z @ self.coef, dtype=np.float64)
