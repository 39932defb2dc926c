"""Baseline energy models for metered savings (IPMVP option B/C, ASHRAE Guideline 14).

A baseline model is fitted on *pre-change* hourly cluster energy and predicts what the cluster
would have used after the change from drivers the change does not alter: the workload
(average utilisation) and the time of day / week. Saving = prediction - metered use.

Models:
    ols   least squares on [1, u, u^2, hour-of-day indicators, weekend] (numpy; the default)
    mlp   a small Keras network on the same features (TensorFlow; deterministic)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from tools.forecast.metrics import cv_rmse, lag1_autocorrelation, nmbe

ArrayF = npt.NDArray[np.float64]
BaselineMethod = Literal["ols", "mlp"]
CV_RMSE_MAX_PCT = 30.0
NMBE_MAX_PCT = 10.0


class BaselineError(ValueError):
    """Telemetry cannot support a baseline model (too short, gaps, unknown cluster)."""


def hourly_cluster_energy(telemetry: pd.DataFrame, cluster: str) -> pd.DataFrame:
    """Hourly energy (kWh) and mean utilisation (0..1) of one cluster from per-node telemetry.

    ``telemetry`` has columns ts_utc (interval start), cluster, node, utilisation, power_w at a
    regular step; hours not fully covered by every node's samples are dropped.
    """
    rows = telemetry[telemetry["cluster"] == cluster]
    if rows.empty:
        have = sorted(set(telemetry["cluster"]))
        raise BaselineError(f"cluster={cluster!r} has no telemetry (have {have})")
    ts = pd.DatetimeIndex(rows["ts_utc"])
    steps = np.unique(np.diff(np.unique(ts.as_unit("ns").asi8)))
    if steps.size != 1:
        raise BaselineError(f"telemetry of {cluster!r} is not regularly stepped ({steps.size} step sizes)")
    step_h = float(steps[0]) / 3.6e12
    per_ts = rows.groupby("ts_utc").agg(power_w=("power_w", "sum"), utilisation=("utilisation", "mean"),
                                         nodes=("node", "nunique"))
    per_ts.index = pd.DatetimeIndex(per_ts.index)
    full = per_ts["nodes"] == per_ts["nodes"].max()
    hour = per_ts.index.floor("h")
    agg = pd.DataFrame({"energy_kwh": per_ts["power_w"] * step_h / 1000.0,
                        "utilisation": per_ts["utilisation"], "full": full, "hour": hour})
    hourly = agg.groupby("hour").agg(energy_kwh=("energy_kwh", "sum"), utilisation=("utilisation", "mean"),
                                     samples=("full", "sum"))
    expected = round(1.0 / step_h)
    return hourly[hourly["samples"] == expected][["energy_kwh", "utilisation"]]


def design(hourly: pd.DataFrame) -> ArrayF:
    """Features [1, u, u^2, 23 hour-of-day indicators, weekend flag] of an hourly frame."""
    idx = pd.DatetimeIndex(hourly.index)
    u = hourly["utilisation"].to_numpy(dtype=float)
    hours = np.zeros((len(idx), 23))
    h = idx.hour.to_numpy()
    hours[h > 0, h[h > 0] - 1] = 1.0
    weekend = (idx.day_of_week.to_numpy() >= 5).astype(float)
    return np.column_stack([np.ones(len(idx)), u, u * u, hours, weekend])


@dataclass
class BaselineModel:
    """A fitted baseline energy model and its ASHRAE Guideline 14 fit statistics."""

    method: BaselineMethod
    n_params: int
    cv_rmse_pct: float
    nmbe_pct: float
    rho: float
    n_points: int
    predictor: Any = field(repr=False)

    @property
    def fit_ok(self) -> bool:
        return self.cv_rmse_pct <= CV_RMSE_MAX_PCT and abs(self.nmbe_pct) <= NMBE_MAX_PCT

    def predict(self, hourly: pd.DataFrame) -> ArrayF:
        """Predicted hourly energy, kWh."""
        return np.asarray(self.predictor(design(hourly)), dtype=np.float64)


def fit_baseline(hourly: pd.DataFrame, method: BaselineMethod = "ols", seed: int = 0) -> BaselineModel:
    """Fit on baseline-period hourly energy; report CV(RMSE), NMBE and residual autocorrelation."""
    x = design(hourly)
    y = hourly["energy_kwh"].to_numpy(dtype=float)
    if len(y) < 2 * x.shape[1]:
        raise BaselineError(f"baseline has {len(y)} complete hours; need at least {2 * x.shape[1]} "
                            f"for {x.shape[1]} parameters")
    if method == "ols":
        coef, *_ = np.linalg.lstsq(x, y, rcond=None)

        def predictor(features: ArrayF) -> ArrayF:
            return np.asarray(features @ coef, dtype=np.float64)
        n_params = x.shape[1]
    elif method == "mlp":
        predictor, n_params = _fit_mlp(x, y, seed)
    else:
        raise BaselineError(f"method={method!r} is not one of ols, mlp")
    fitted = predictor(x)
    return BaselineModel(method, n_params, cv_rmse(y, fitted, n_params), nmbe(y, fitted, n_params),
                         lag1_autocorrelation(y - fitted), len(y), predictor)


def _fit_mlp(x: ArrayF, y: ArrayF, seed: int) -> tuple[Any, int]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(seed)
    mean, std = y.mean(), y.std() or 1.0
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    model.fit(x.astype("float32"), ((y - mean) / std).astype("float32"), epochs=200, batch_size=64,
              verbose=0, validation_split=0.2, shuffle=False,
              callbacks=[keras.callbacks.EarlyStopping(patience=15, restore_best_weights=True)])

    def predictor(features: ArrayF) -> ArrayF:
        out = model.predict(features.astype("float32"), verbose=0).ravel()
        return np.asarray(out * std + mean, dtype=np.float64)
    return predictor, x.shape[1]  # ASHRAE p: the model's input features (weights are not independent)
