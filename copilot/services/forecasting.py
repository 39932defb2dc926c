"""Forecasting operations on the ledger's data: train, forecast, metered verification (I/O edge)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

import models.lstm  # noqa: F401  (registers the Keras LSTM as model "lstm" with tools.forecast)
from copilot.services.operations import resolve_run_id
from tools.forecast import fit_model, forecast, make_model
from tools.forecast.features import feature_frame, issue_positions
from tools.forecast.metrics import mae, mape
from tools.ledger import Ledger, LedgerError
from tools.schemas import GridSeries
from tools.verify.baseline import fit_baseline, hourly_cluster_energy
from tools.verify.metered import verify_metered

Target = Literal["intensity", "price", "energy"]
BASELINES = ("persistence-24h", "persistence-168h", "ridge")
VALIDATION_DAYS = 14  # tools.forecast.fit_model's default hold-out for early stopping / intervals


def realised_series(ledger: Ledger, region: str, run_id: str | None = None) -> GridSeries:
    """The region's realised intensity: the run's own series, else the latest imported one."""
    if run_id or ledger.latest_run("simulate"):
        own = ledger.run_series(resolve_run_id(ledger, run_id), "realised")
        if region in own:
            return own[region]
    catalog = ledger.series_catalog()
    if len(catalog):
        catalog = catalog[(catalog["region"] == region) & (catalog["kind"] == "realised")]
    rows = catalog
    if rows.empty:
        raise LedgerError(f"no realised grid series for region {region!r}: simulate or import-grid first")
    series = ledger.load_series(str(rows.iloc[-1]["series_id"]))
    assert isinstance(series, GridSeries)
    return series


def _price_series(ledger: Ledger, region: str, run_id: str | None) -> pd.Series:
    run = resolve_run_id(ledger, run_id)
    catalog = ledger.series_catalog("electricity_usd_per_mwh")
    rows = catalog[(catalog["region"] == region) & (catalog["run_id"] == run)] if len(catalog) else catalog
    if rows.empty:
        raise LedgerError(f"run {run} has no electricity price series for region {region!r}")
    return ledger.load_series(str(rows.iloc[-1]["series_id"])).to_pandas()


def _holdout_scores(values: pd.Series, region: str | None, name: str, test_days: int,
                    allow_negative: bool, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
    """Fit ``name`` and every baseline on all but the last ``test_days``; score day-ahead forecasts
    issued daily at 00:00 UTC over those days."""
    split = values.index[-1] - pd.Timedelta(days=test_days)
    history = values[values.index <= split]
    scores: dict[str, Any] = {}
    chosen = None
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
    return chosen, scores


def run_train(ledger: Ledger, models_dir: Path, *, target: Target, region: str | None = None,
              cluster: str | None = None, model: str = "lstm", run_id: str | None = None,
              test_days: int = 5, epochs: int = 40) -> dict[str, Any]:
    """Train a forecaster (intensity/price) or a baseline energy model and report its metrics."""
    if target == "energy":
        if not cluster:
            raise ValueError("--target energy needs --cluster (a metered cluster, e.g. gpu-a)")
        run = resolve_run_id(ledger, run_id)
        hourly = hourly_cluster_energy(ledger.load_telemetry(run), cluster)
        out: dict[str, Any] = {"target": "energy", "cluster": cluster, "run_id": run, "hours": len(hourly)}
        for method in ("ols", "mlp"):
            fitted = fit_baseline(hourly, method)  # type: ignore[arg-type]
            out[method] = {"cv_rmse_pct": round(fitted.cv_rmse_pct, 3), "nmbe_pct": round(fitted.nmbe_pct, 4),
                           "n_params": fitted.n_params, "passes_ashrae_g14": fitted.fit_ok}
        return out
    if not region:
        raise ValueError(f"--target {target} needs --region")
    allow_negative = target == "price"
    if target == "intensity":
        series = realised_series(ledger, region, run_id)
        values, source = series.to_pandas(), series.content_hash()
    else:
        values = _price_series(ledger, region, run_id)
        source = "sha256:" + str(pd.util.hash_pandas_object(values).sum())
    kwargs: dict[str, Any] = {"epochs": epochs, "verbose": 1} if model == "lstm" else {}
    make_model(model, 60, 24)  # validate the name before the (slow) fit
    fitted, scores = _holdout_scores(values, region, model, test_days, allow_negative, **kwargs)
    split = values.index[-1] - pd.Timedelta(days=test_days)
    validation_start = split - pd.Timedelta(days=VALIDATION_DAYS)
    periods = {"train": [values.index[0].isoformat(), validation_start.isoformat()],
               "validation": [validation_start.isoformat(), split.isoformat()],
               "test": [split.isoformat(), values.index[-1].isoformat()]}
    out = {"target": target, "region": region, "model": fitted.name, "data_sha256": source,
           "train_period": [values.index[0].isoformat(), split.isoformat()], "periods": periods,
           "test_days": test_days, "scores": scores}
    if model == "lstm":
        path, _ = fitted.save(models_dir / f"{target}-{region}", sidecar={
            "data_sha256": source, "train_period": out["train_period"], "periods": periods,
            "scores": scores, "features": {"history": ["y", "hour", "weekday", "holiday"],
                                           "target_day": ["hour", "weekday", "holiday"]}})
        out["artefact"] = str(path)
        out["epochs"] = len(fitted.history.get("loss", []))
    return out


def run_forecast(ledger: Ledger, models_dir: Path, *, region: str, hours: int = 24, model: str = "auto",
                 issue_utc: datetime | None = None, run_id: str | None = None) -> dict[str, Any]:
    """Day-ahead forecast of a region's intensity from its realised history (JSON-ready)."""
    series = realised_series(ledger, region, run_id)
    chosen: Any = model
    if model == "lstm":
        from models.lstm import LSTMForecaster

        path = models_dir / f"intensity-{region}.keras"
        if not path.exists():
            raise LedgerError(f"no trained LSTM for {region} at {path}: run `train --region {region}` first")
        chosen = LSTMForecaster.load(path)
    fc = forecast(series, hours, chosen, issue_utc=issue_utc)
    index = fc.index()
    return {"region": region, "model": fc.source.split(":", 1)[1].split(" ", 1)[0],
            "issued_utc": fc.start_utc.isoformat(), "step_minutes": fc.step_minutes,
            "basis": fc.basis, "mean_g_per_kwh": float(np.mean(fc.values)),
            "values": [{"ts_utc": t.isoformat(), "value": v, "lower": lo, "upper": hi}
                       for t, v, lo, hi in zip(index, fc.values, fc.lower or [], fc.upper or [],
                                               strict=True)]}


def run_verify_metered(ledger: Ledger, *, cluster: str, change_utc: datetime, run_id: str | None = None,
                       model: str = "ols") -> dict[str, Any]:
    """Metered saving of a cluster change from the run's telemetry (ASHRAE G14 baseline)."""
    run = resolve_run_id(ledger, run_id)
    v = verify_metered(ledger.load_telemetry(run), cluster, change_utc, model=model)  # type: ignore[arg-type]
    ledger.audit("verify-metered", v.verification_id, {"cluster": cluster, "accepted": v.accepted,
                                                       "evidence_hash": v.evidence_hash})
    return v.model_dump(mode="json")
