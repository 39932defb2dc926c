"""Keras (TensorFlow, CPU) encoder-decoder LSTM for day-ahead forecasts.

The encoder reads the last ``lookback`` steps of the target and calendar; the decoder reads the
calendar and covariates of the ``horizon`` target steps, starting from the encoder's state, and a
dense layer turns each decoder step into a forecast. Inputs are standardised with training-period
statistics. Training is deterministic (fixed seed, TensorFlow op determinism), stops early on the
validation loss, and the prediction interval comes from validation residual quantiles (see
``tools.forecast.models.ForecastModel``).

Saved as ``<name>.keras`` plus ``<name>.json`` (scalers, columns, interval, data hash, periods,
metrics); no weights are ever downloaded.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from tools.forecast import register_model
from tools.forecast.features import Windows
from tools.forecast.models import ArrayF, ForecastModel

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide tf.data graph warnings on stderr


def _keras() -> Any:
    import keras
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    return keras


class LSTMForecaster(ForecastModel):
    """Encoder-decoder LSTM; ``fit`` trains, ``save``/``load`` round-trip exactly."""

    name = "lstm"

    def __init__(self, horizon: int, step_minutes: int, lookback: int = 72, units: int = 64,
                 epochs: int = 40, patience: int = 5, batch_size: int = 64, learning_rate: float = 2e-3,
                 seed: int = 0, coverage: float = 0.9, verbose: int = 0, skip_lags: int = 48,
                 l2: float = 1e-4) -> None:
        super().__init__(horizon, lookback, step_minutes, coverage)
        self.skip_lags, self.l2 = min(skip_lags, lookback), l2
        self.units, self.epochs, self.patience = units, epochs, patience
        self.batch_size, self.learning_rate, self.seed, self.verbose = (
            batch_size, learning_rate, seed, verbose)
        self.model: Any = None
        self.scale: dict[str, list[float]] = {}
        self.history: dict[str, list[float]] = {}

    # -- scaling ----------------------------------------------------------------------------
    def _fit_scale(self, w: Windows) -> None:
        y = w.history[:, :, 0]
        fut = w.future.reshape(-1, w.future.shape[-1]) if w.future.size else np.zeros((1, 0))
        std = fut.std(axis=0)
        self.scale = {"y_mean": [float(y.mean())], "y_std": [float(y.std() or 1.0)],
                      "f_mean": fut.mean(axis=0).tolist(),
                      "f_std": np.where(std > 1e-9, std, 1.0).tolist()}

    def _inputs(self, w: Windows) -> list[ArrayF]:
        ym, ys = self.scale["y_mean"][0], self.scale["y_std"][0]
        hist = w.history.copy()
        hist[:, :, 0] = (hist[:, :, 0] - ym) / ys
        fut = (w.future - np.asarray(self.scale["f_mean"])) / np.asarray(self.scale["f_std"])
        return [hist.astype("float32"), fut.astype("float32")]

    # -- model ------------------------------------------------------------------------------
    def _build(self, n_hist: int, n_fut: int) -> Any:
        keras = _keras()
        layers = keras.layers
        hist_in = keras.Input((self.lookback, n_hist), name="history")
        fut_in = keras.Input((self.horizon, n_fut), name="future")
        _, h, c = layers.LSTM(self.units, return_state=True, name="encoder")(hist_in)
        dec = layers.LSTM(self.units, return_sequences=True, name="decoder")(fut_in, initial_state=[h, c])
        recurrent = layers.Reshape((self.horizon,))(layers.Dense(1, name="head")(dec))
        # linear skip (a ridge-like path over the last day and the target-time features): the
        # LSTM learns corrections to it, which keeps it from drifting on a year of data
        recent = layers.Flatten()(layers.Cropping1D((self.lookback - self.skip_lags, 0))(hist_in))
        linear = layers.Dense(self.horizon, name="linear_skip",
                              kernel_regularizer=keras.regularizers.L2(self.l2))(
            layers.Concatenate()([recent, layers.Flatten()(fut_in)]))
        model = keras.Model([hist_in, fut_in], layers.Add()([linear, recurrent]))
        model.compile(optimizer=keras.optimizers.Adam(self.learning_rate), loss="mae")
        return model

    def _fit(self, train: Windows, validation: Windows) -> None:
        keras = _keras()
        keras.utils.set_random_seed(self.seed)
        self._fit_scale(train)
        self.model = self._build(train.history.shape[-1], train.future.shape[-1])
        ym, ys = self.scale["y_mean"][0], self.scale["y_std"][0]
        stop = keras.callbacks.EarlyStopping(patience=self.patience, restore_best_weights=True)
        # Keras prints its progress bar to stdout; keep stdout clean for JSON output.
        with contextlib.redirect_stdout(sys.stderr):
            fitted = self.model.fit(
                self._inputs(train), ((train.target - ym) / ys).astype("float32"),
                validation_data=(self._inputs(validation),
                                 ((validation.target - ym) / ys).astype("float32")),
                epochs=self.epochs, batch_size=self.batch_size, shuffle=True, callbacks=[stop],
                verbose=self.verbose)
        self.history = {k: [float(v) for v in vals] for k, vals in fitted.history.items()}

    def _predict(self, w: Windows) -> ArrayF:
        if self.model is None:
            raise RuntimeError("the LSTM is not fitted or loaded")
        scaled = self.model.predict(self._inputs(w), verbose=0, batch_size=512)
        return np.asarray(scaled, dtype=np.float64) * self.scale["y_std"][0] + self.scale["y_mean"][0]

    # -- persistence ------------------------------------------------------------------------
    def save(self, path: Path, sidecar: dict[str, Any] | None = None) -> tuple[Path, Path]:
        """Write ``path`` (.keras) and its JSON sidecar next to it; returns both paths."""
        path = Path(path).with_suffix(".keras")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model.save(path)
        meta = {"class": "LSTMForecaster", "horizon": self.horizon, "lookback": self.lookback,
                "step_minutes": self.step_minutes, "coverage": self.coverage, "units": self.units,
                "skip_lags": self.skip_lags, "l2": self.l2, "non_negative": self.non_negative,
                "seed": self.seed, "future_cols": self.future_cols, "scale": self.scale,
                "q_lo": self.q_lo.tolist(), "q_hi": self.q_hi.tolist(), "metrics": self.metrics,
                "training_history": self.history, **(sidecar or {})}
        side = path.with_suffix(".json")
        side.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        return path, side

    @classmethod
    def load(cls, path: Path) -> LSTMForecaster:
        """Load a model saved by ``save`` (the .keras file and its .json sidecar)."""
        path = Path(path).with_suffix(".keras")
        meta = json.loads(path.with_suffix(".json").read_text())
        if meta.get("class") != "LSTMForecaster":
            raise ValueError(f"{path.with_suffix('.json')} is not an LSTMForecaster sidecar")
        model = cls(meta["horizon"], meta["step_minutes"], lookback=meta["lookback"],
                    units=meta["units"], seed=meta["seed"], coverage=meta["coverage"],
                    skip_lags=meta["skip_lags"], l2=meta["l2"])
        model.future_cols = list(meta["future_cols"])
        model.scale = meta["scale"]
        model.q_lo, model.q_hi = np.asarray(meta["q_lo"]), np.asarray(meta["q_hi"])
        model.metrics = meta.get("metrics", {})
        model.non_negative = bool(meta.get("non_negative", True))
        model.model = _keras().models.load_model(path)
        return model


register_model("lstm", LSTMForecaster)
