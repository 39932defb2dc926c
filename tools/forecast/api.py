"""Forecast API: ``forecast(series, horizon, model=...) -> GridSeries`` with a prediction interval.

Models: ``persistence-24h``, ``persistence-168h``, ``ridge`` (always available, numpy; ``auto``
picks the one with the lowest validation error), models plugged in with ``register_model``
(``lstm``: the Keras forecaster of ``models/lstm.py`` registers itself when imported; tools never
import models), or an already fitted ``ForecastModel`` (e.g. ``models.lstm.LSTMForecaster.load(path)``).
A model named by string is fitted on the history before the issue time, with the last
``validation_days`` held out to set the interval from residual quantiles. Forecasts never read
values at or after their issue time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from tools.forecast.features import (
    ForecastInputError,
    calendar_features,
    check_history,
    feature_frame,
    issue_positions,
)
from tools.forecast.models import ForecastModel, Persistence, Ridge
from tools.schemas import GridSeries

ModelName = Literal["auto", "persistence-24h", "persistence-168h", "ridge", "lstm"]
MODEL_NAMES: tuple[str, ...] = ("auto", "persistence-24h", "persistence-168h", "ridge", "lstm")
AUTO_CANDIDATES: tuple[str, ...] = ("persistence-24h", "persistence-168h", "ridge")

ModelFactory = Callable[..., ForecastModel]
"""Builds an unfitted model: ``factory(horizon, step_minutes, **kwargs)``."""
_PLUGINS: dict[str, ModelFactory] = {}
PLUGIN_HOMES = {"lstm": "models.lstm"}  # where each plug-in model is implemented


def register_model(name: str, factory: ModelFactory) -> None:
    """Plug in a model implemented outside tools/ under ``name`` (one of ``MODEL_NAMES``)."""
    if name not in MODEL_NAMES or name in ("auto", *AUTO_CANDIDATES):
        raise ForecastInputError(f"cannot register {name!r}: plug-in names are {sorted(PLUGIN_HOMES)}")
    _PLUGINS[name] = factory


def make_model(name: str, step_minutes: int, horizon: int, **kwargs: Any) -> ForecastModel:
    """An unfitted model by name."""
    steps_per_h = 60 // step_minutes if step_minutes <= 60 else 1
    if name == "persistence-24h":
        return Persistence(24 * steps_per_h, horizon, step_minutes)
    if name == "persistence-168h":
        return Persistence(168 * steps_per_h, horizon, step_minutes)
    if name == "ridge":
        return Ridge(horizon, step_minutes, **kwargs)
    if name in _PLUGINS:
        return _PLUGINS[name](horizon, step_minutes, **kwargs)
    if name in PLUGIN_HOMES:
        raise ForecastInputError(f"model={name!r} is implemented in {PLUGIN_HOMES[name]}: import it first "
                                 "(it registers itself)")
    raise ForecastInputError(f"model={name!r} is not one of {', '.join(MODEL_NAMES)}")


def _values(series: GridSeries | pd.Series) -> pd.Series:
    return series.to_pandas() if isinstance(series, GridSeries) else series


def fit_model(series: GridSeries | pd.Series, name: str, *, region: str | None = None,
              horizon: int = 24, covariates: pd.DataFrame | None = None, validation_days: int = 14,
              allow_negative: bool = False, **kwargs: Any) -> ForecastModel:
    """Fit ``name`` on the whole of ``series`` (the last ``validation_days`` set the interval).

    ``auto`` fits every baseline and keeps the one with the lowest validation MAE; when the history
    is too short for ``validation_days``, it validates on the last 7, then 3 days (a shorter history
    still gets a forecast, with an interval set on fewer days).
    """
    values = _values(series)
    region = region or (series.region if isinstance(series, GridSeries) else None)
    if name == "auto":
        for days in sorted({validation_days, min(7, validation_days), min(3, validation_days)}, reverse=True):
            fitted = []
            for candidate in AUTO_CANDIDATES:
                try:
                    fitted.append(fit_model(values, candidate, region=region, horizon=horizon,
                                            covariates=covariates, validation_days=days,
                                            allow_negative=allow_negative))
                except ForecastInputError:
                    continue
            if fitted:
                return min(fitted, key=lambda m: m.metrics["validation_mae"])
        raise ForecastInputError(f"history too short to fit any baseline ({len(values)} steps)")
    step = check_history(values, allow_negative=allow_negative)
    model = make_model(name, step, horizon, **kwargs)
    model.non_negative = not allow_negative
    frame = feature_frame(values, region, covariates, allow_negative=allow_negative)
    split = values.index[-1] - pd.Timedelta(days=validation_days)
    train = issue_positions(frame, None, split, model.lookback, horizon)
    validation = issue_positions(frame, split, None, model.lookback, horizon)
    need = model.lookback + horizon + 2
    if train.size < 2 or validation.size < 2:
        raise ForecastInputError(
            f"history too short to fit {name}: {len(values)} steps of {step} min; need more than "
            f"{need + validation_days * 24 * 60 // step} (lookback {model.lookback} + horizon "
            f"{horizon} + {validation_days} validation days)")
    return model.fit(frame, train, validation)


def _future_frame(values: pd.Series, region: str | None, horizon: int, step: int,
                  covariates: pd.DataFrame | None) -> pd.DataFrame:
    """History rows plus ``horizon`` future rows (y = NaN) carrying calendar and covariates."""
    frame = feature_frame(values, region, covariates)
    future_index = pd.date_range(values.index[-1] + pd.Timedelta(minutes=step), periods=horizon,
                                 freq=f"{step}min", tz="UTC")
    future = calendar_features(future_index, region)
    future.insert(0, "y", np.nan)
    if covariates is not None and len(covariates.columns):
        cov = covariates.reindex(future_index)
        if cov.isna().any().any():
            raise ForecastInputError(f"covariates do not cover the forecast horizon {future_index[0]} .. "
                                     f"{future_index[-1]}")
        future = future.join(cov.add_prefix("cov_"))
    return pd.concat([frame, future])


def forecast(series: GridSeries, horizon: int = 24, model: str | ForecastModel = "auto", *,
             issue_utc: datetime | None = None, covariates: pd.DataFrame | None = None,
             **model_kwargs: Any) -> GridSeries:
    """Forecast ``horizon`` steps from ``issue_utc`` (default: the end of ``series``).

    Only values before ``issue_utc`` are read. Returns a ``kind='forecast'`` GridSeries with the
    model's prediction interval in ``lower``/``upper`` (same basis and region as ``series``).
    """
    if horizon < 1:
        raise ForecastInputError(f"horizon={horizon} must be >= 1 step")
    values = series.to_pandas()
    if issue_utc is not None:
        issue = pd.Timestamp(issue_utc)
        if issue.tzinfo is None:
            raise ForecastInputError(f"issue_utc={issue_utc!r} is naive; pass a UTC time")
        values = values[values.index < issue]
        if values.empty or values.index[-1] + pd.Timedelta(minutes=series.step_minutes) != issue:
            raise ForecastInputError(f"issue_utc={issue.isoformat()} is not on the series' grid or "
                                     "not after its first value")
    fitted = model if isinstance(model, ForecastModel) else fit_model(
        values, model, region=series.region, horizon=horizon, covariates=covariates, **model_kwargs)
    if fitted.horizon < horizon:
        raise ForecastInputError(f"model {fitted.name} forecasts {fitted.horizon} steps, asked for {horizon}")
    check_history(values, fitted.step_minutes, name=f"{series.region} history")
    frame = _future_frame(values, series.region, fitted.horizon, series.step_minutes, covariates)
    position = np.array([len(values)])
    central = fitted.predict(frame, position)
    lower, upper = fitted.interval(central)
    start = values.index[-1] + pd.Timedelta(minutes=series.step_minutes)
    return GridSeries(region=series.region, basis=series.basis, kind="forecast",
                      start_utc=start.to_pydatetime(), step_minutes=series.step_minutes,
                      values=central[0, :horizon].tolist(), lower=lower[0, :horizon].tolist(),
                      upper=upper[0, :horizon].tolist(),
                      source=f"forecast:{fitted.name} issued {start.isoformat()}")


def rolling_forecast(series: GridSeries, start_utc: datetime, end_utc: datetime,
                     model: str | ForecastModel = "auto", *, horizon: int | None = None,
                     covariates: pd.DataFrame | None = None, **model_kwargs: Any) -> GridSeries:
    """Day-ahead forecasts issued every ``horizon`` steps from ``start_utc`` to ``end_utc``,
    concatenated. A model named by string is fitted once on the history before ``start_utc``;
    each issue then reads only the values before it."""
    step = series.step_minutes
    horizon = horizon or 24 * 60 // step
    values = series.to_pandas()
    start, end = pd.Timestamp(start_utc), pd.Timestamp(end_utc)
    if end <= start:
        raise ForecastInputError(f"end_utc={end.isoformat()} must be after start_utc={start.isoformat()}")
    history = values[values.index < start]
    fitted = model if isinstance(model, ForecastModel) else fit_model(
        history, model, region=series.region, horizon=horizon, covariates=covariates, **model_kwargs)
    issues = pd.date_range(start, end, freq=f"{horizon * step}min", tz="UTC", inclusive="left")
    first = int(values.index.get_indexer(pd.DatetimeIndex([start]))[0])
    if first < 0:
        raise ForecastInputError(f"start_utc={start.isoformat()} is not a time of the series "
                                 f"({values.index[0]} .. {values.index[-1]}, {step}-min steps)")
    rows = first + np.arange(issues.size) * horizon
    extra = int(max(0, rows[-1] + horizon - len(values)))
    frame = (_future_frame(values, series.region, extra, step, covariates) if extra
             else feature_frame(values, series.region, covariates))
    central = fitted.predict(frame, rows)
    lower, upper = fitted.interval(central)
    n = round((end - start) / pd.Timedelta(minutes=step))
    return GridSeries(region=series.region, basis=series.basis, kind="forecast",
                      start_utc=start.to_pydatetime(), step_minutes=step,
                      values=central.ravel()[:n].tolist(), lower=lower.ravel()[:n].tolist(),
                      upper=upper.ravel()[:n].tolist(),
                      source=f"rolling forecast:{fitted.name} every {horizon * step} min")
