"""Day-ahead forecasting (pure; the Keras LSTM lives in ``models/`` and plugs in here).

    api        forecast / fit_model / make_model / rolling_forecast
    features   feature frames, calendar, supervised windows, history validation
    models     the ForecastModel interface and the baselines (persistence, ridge)
    metrics    MAE, MAPE, RMSE and the ASHRAE Guideline 14 statistics
    evaluate   hold-out scores of a model beside every baseline
"""

from __future__ import annotations

from tools.forecast.api import (
    MODEL_NAMES,
    ModelName,
    fit_model,
    forecast,
    make_model,
    register_model,
    rolling_forecast,
)
from tools.forecast.features import (
    ForecastInputError,
    calendar_features,
    check_history,
    feature_frame,
    issue_positions,
)
from tools.forecast.models import (
    ForecastModel,
    Persistence,
    Ridge,
)

__all__ = [
    "MODEL_NAMES",
    "ForecastInputError",
    "ForecastModel",
    "ModelName",
    "Persistence",
    "Ridge",
    "calendar_features",
    "check_history",
    "feature_frame",
    "fit_model",
    "forecast",
    "issue_positions",
    "make_model",
    "register_model",
    "rolling_forecast",
]
