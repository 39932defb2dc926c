"""Forecasting operations on the ledger's data: train, forecast, metered verification (I/O edge)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pandas as pd

import models.lstm  # also registers the Keras LSTM as model "lstm" with tools.forecast
from copilot.services.clock import issue_time, ledger_clock
from copilot.services.fleet import resolve_run_id
from tools.forecast import forecast, make_model
from tools.forecast.evaluate import holdout_periods, holdout_scores
from tools.ledger import Ledger, LedgerError
from tools.rollup import series_summary
from tools.schemas import GridSeries
from tools.verify.baseline import fit_baseline, hourly_cluster_energy
from tools.verify.metered import verify_metered

Target = Literal["intensity", "price", "energy"]


def realised_series(ledger: Ledger, region: str, run_id: str | None = None) -> GridSeries:
    """The region's realised intensity: the run's own series, else the latest imported one."""
    run = resolve_run_id(ledger, run_id) if run_id or ledger.latest_run("simulate") else None
    series = ledger.find_series(region, run_id=run)
    if series is None:
        raise LedgerError(f"no realised grid series for region {region!r}: simulate or import-grid first")
    assert isinstance(series, GridSeries)
    return series


def _price_series(ledger: Ledger, region: str, run_id: str | None) -> pd.Series:
    run = resolve_run_id(ledger, run_id)
    series = ledger.find_series(region, quantity="electricity_usd_per_mwh", run_id=run, own_run_only=True)
    if series is None:
        raise LedgerError(f"run {run} has no electricity price series for region {region!r}")
    return series.to_pandas()


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
            baseline = fit_baseline(hourly, method)  # type: ignore[arg-type]
            out[method] = {"cv_rmse_pct": round(baseline.cv_rmse_pct, 3), "nmbe_pct": round(baseline.nmbe_pct, 4),
                           "n_params": baseline.n_params, "passes_ashrae_g14": baseline.fit_ok}
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
    fitted, scores = holdout_scores(values, region, model, test_days, allow_negative=allow_negative, **kwargs)
    split = values.index[-1] - pd.Timedelta(days=test_days)
    periods = holdout_periods(values, test_days)
    out = {"target": target, "region": region, "model": fitted.name, "data_sha256": source,
           "train_period": [values.index[0].isoformat(), split.isoformat()], "periods": periods,
           "test_days": test_days, "scores": scores}
    if isinstance(fitted, models.lstm.LSTMForecaster):
        path, _ = fitted.save(models_dir / f"{target}-{region}", sidecar={
            "data_sha256": source, "train_period": out["train_period"], "periods": periods,
            "scores": scores, "features": {"history": ["y", "hour", "weekday", "holiday"],
                                           "target_day": ["hour", "weekday", "holiday"]}})
        out["artefact"] = str(path)
        out["epochs"] = len(fitted.history.get("loss", []))
    return out


def _forecast(ledger: Ledger, models_dir: Path, region: str, hours: int, model: str,
              issue_utc: datetime | None, run_id: str | None) -> GridSeries:
    series = realised_series(ledger, region, run_id)
    if issue_utc is None:  # the one clock (copilot.services.clock), on the series' grid
        issue_utc = issue_time(ledger_clock(ledger), series.step_minutes)
    end = series.start_utc + timedelta(minutes=series.step_minutes * len(series.values))
    if issue_utc >= end:  # never after the history: a clock past the data issues at its end
        issue_utc = None
    chosen: Any = model
    if model == "lstm":
        path = models_dir / f"intensity-{region}.keras"
        if not path.exists():
            raise LedgerError(f"no trained LSTM for {region} at {path}: run `train --region {region}` first")
        chosen = models.lstm.LSTMForecaster.load(path)
    return forecast(series, hours, chosen, issue_utc=issue_utc)


def _model_name(fc: GridSeries) -> str:
    return fc.source.split(":", 1)[1].split(" ", 1)[0]


def run_forecast(ledger: Ledger, models_dir: Path, *, region: str, hours: int = 24, model: str = "auto",
                 issue_utc: datetime | None = None, run_id: str | None = None) -> dict[str, Any]:
    """Day-ahead forecast of a region's intensity from its realised history (JSON-ready)."""
    fc = _forecast(ledger, models_dir, region, hours, model, issue_utc, run_id)
    index = fc.index()
    return {"region": region, "model": _model_name(fc),
            "issued_utc": fc.start_utc.isoformat(), "step_minutes": fc.step_minutes,
            "basis": fc.basis, "mean_g_per_kwh": series_summary(fc)["mean_g_per_kwh"],
            "values": [{"ts_utc": t.isoformat(), "value": v, "lower": lo, "upper": hi}
                       for t, v, lo, hi in zip(index, fc.values, fc.lower or [], fc.upper or [],
                                               strict=True)]}


def forecast_brief(ledger: Ledger, models_dir: Path, *, region: str, hours: int = 24, model: str = "auto",
                   issue_utc: datetime | None = None) -> dict[str, Any]:
    """A forecast in a few figures (for the copilot): region, model, issue time, basis, mean, the
    cleanest hour and its intensity, the peak (gCO2e/kWh, rounded to 0.1). Issued at ``issue_utc``
    (UTC; default: the clock of ``copilot.services.clock``; the end of the realised history when later)."""
    fc = _forecast(ledger, models_dir, region, hours, model, issue_utc, None)
    s = series_summary(fc)
    return {"region": region, "model": _model_name(fc), "issued_utc": fc.start_utc.isoformat(), "basis": fc.basis,
            "mean_g_per_kwh": round(s["mean_g_per_kwh"], 1), "min_g_per_kwh": round(s["min_g_per_kwh"], 1),
            "min_at_utc": s["min_at_utc"], "max_g_per_kwh": round(s["max_g_per_kwh"], 1), "hours": s["hours"]}


def run_verify_metered(ledger: Ledger, *, cluster: str, change_utc: datetime, run_id: str | None = None,
                       model: str = "ols") -> dict[str, Any]:
    """Metered saving of a cluster change from the run's telemetry (ASHRAE G14 baseline)."""
    run = resolve_run_id(ledger, run_id)
    v = verify_metered(ledger.load_telemetry(run), cluster, change_utc, model=model)  # type: ignore[arg-type]
    ledger.audit("verify-metered", v.verification_id, {"cluster": cluster, "accepted": v.accepted,
                                                       "evidence_hash": v.evidence_hash})
    return v.model_dump(mode="json")
