"""Hold-out evaluation (pure): a model and every baseline fitted on the same history and scored on
day-ahead forecasts issued daily at 00:00 UTC over the last ``test_days`` (MAE in the unit of the
series; MAPE in % where every actual value is positive).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tools.forecast.api import AUTO_CANDIDATES, fit_model
from tools.forecast.features import feature_frame, issue_positions
from tools.forecast.metrics import mae, mape
from tools.forecast.models import ForecastModel

BASELINES: tuple[str, ...] = AUTO_CANDIDATES
VALIDATION_DAYS = 14  # fit_model's default hold-out inside the training history (early stopping, intervals)


def holdout_periods(values: pd.Series, test_days: int, validation_days: int = VALIDATION_DAYS
                    ) -> dict[str, list[str]]:
    """The train / validation / test periods (ISO UTC bounds) of a hold-out evaluation."""
    split = values.index[-1] - pd.Timedelta(days=test_days)
    validation_start = split - pd.Timedelta(days=validation_days)
    return {"train": [values.index[0].isoformat(), validation_start.isoformat()],
            "validation": [validation_start.isoformat(), split.isoformat()],
            "test": [split.isoformat(), values.index[-1].isoformat()]}


def holdout_scores(values: pd.Series, region: str | None, name: str, test_days: int, *,
                   allow_negative: bool = False, **kwargs: Any) -> tuple[ForecastModel, dict[str, Any]]:
    """Fit ``name`` (with ``kwargs``) and every baseline on all but the last ``test_days`` of
    ``values``; score them on those days. Returns the fitted ``name`` model and the scores by model."""
    split = values.index[-1] - pd.Timedelta(days=test_days)
    history = values[values.index <= split]
    scores: dict[str, Any] = {}
    chosen: ForecastModel | None = None
    frame = feature_frame(values, region, allow_negative=allow_negative)
    for candidate in dict.fromkeys([name, *BASELINES]):
        model = fit_model(history, candidate, region=region, allow_negative=allow_negative,
                          **(kwargs if candidate == name else {}))
        test = issue_positions(frame, split, None, model.lookback, model.horizon, hour=0)
        actual = frame["y"].to_numpy()[test[:, None] + np.arange(model.horizon)]
        predicted = model.predict(frame, test)
        entry = {"test_mae": round(mae(actual, predicted), 4), "test_hours": int(actual.size),
                 "validation_mae": round(model.metrics["validation_mae"], 4)}
        if not allow_negative and np.all(actual > 0):
            entry["test_mape_pct"] = round(mape(actual, predicted), 3)
        scores[model.name] = entry
        if candidate == name:
            chosen = model
    assert chosen is not None
    return chosen, scores
