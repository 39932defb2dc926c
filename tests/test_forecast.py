"""Forecasting: metrics, baselines, leakage, intervals, LSTM persistence, bad input."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import models.lstm  # noqa: F401  (registers the Keras LSTM as model "lstm" with tools.forecast)
from tools.forecast import Ridge, fit_model, forecast, register_model, rolling_forecast
from tools.forecast.features import ForecastInputError, check_history, feature_frame, issue_positions
from tools.forecast.metrics import (
    MetricError,
    cv_rmse,
    fractional_savings_uncertainty,
    lag1_autocorrelation,
    mae,
    mape,
    nmbe,
    rmse,
)
from tools.schemas import GridSeries

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def synthetic(days: int = 60, seed: int = 0, step_minutes: int = 60) -> GridSeries:
    """Daily cycle + AR(1) noise, gCO2e/kWh (hourly)."""
    rng = np.random.default_rng(seed)
    n = days * 24 * 60 // step_minutes
    hours = np.arange(n) * step_minutes / 60
    noise = np.zeros(n)
    for i in range(1, n):
        noise[i] = 0.8 * noise[i - 1] + rng.normal(0, 8)
    values = 300 + 60 * np.sin(2 * np.pi * (hours - 6) / 24) + noise
    return GridSeries(region="DE", basis="direct", start_utc=T0, step_minutes=step_minutes,
                      values=np.maximum(values, 1).tolist())


class TestMetrics:
    def test_hand_computed(self) -> None:
        actual, predicted = [100.0, 200.0], [110.0, 180.0]
        assert mape(actual, predicted) == pytest.approx(10.0)
        assert mae(actual, predicted) == pytest.approx(15.0)
        assert rmse(actual, predicted) == pytest.approx(math.sqrt(250.0))
        # ASHRAE G14 with p = 1: sqrt(500 / 1) / 150 and (-10 + 20) / (1 x 150)
        assert cv_rmse(actual, predicted) == pytest.approx(math.sqrt(500.0) / 150 * 100)
        assert nmbe(actual, predicted) == pytest.approx(10 / 150 * 100)

    def test_ashrae_on_a_perfect_and_a_biased_model(self) -> None:
        y = np.array([10.0, 12.0, 14.0, 16.0, 18.0])
        assert cv_rmse(y, y, n_params=2) == 0.0 and nmbe(y, y, n_params=2) == 0.0
        # always 1 too low: CV(RMSE) = sqrt(5 / (5 - 2)) / 14, NMBE = 5 / (3 x 14)
        assert cv_rmse(y, y - 1, n_params=2) == pytest.approx(math.sqrt(5 / 3) / 14 * 100)
        assert nmbe(y, y - 1, n_params=2) == pytest.approx(5 / 3 / 14 * 100)

    def test_fractional_savings_uncertainty(self) -> None:
        # ASHRAE G14 Annex B: 1.26 t CV sqrt((n/n')(1 + 2/n)/m) / F; t(0.95, 99) = 1.66039
        fsu = fractional_savings_uncertainty(10.0, 100, 50, 0.2)
        assert fsu == pytest.approx(1.26 * 1.66039 * 0.1 * math.sqrt(1.02 / 50) / 0.2, rel=1e-4)
        # positive autocorrelation shrinks the effective sample and widens the uncertainty
        baseline_only = fractional_savings_uncertainty(10.0, 100, 50, 0.2, rho=0.5)
        assert baseline_only > fsu
        # correcting the reporting points too multiplies by sqrt((1 + rho) / (1 - rho)) = sqrt(3)
        both = fractional_savings_uncertainty(10.0, 100, 50, 0.2, rho=0.5, correct_reporting=True)
        assert both == pytest.approx(baseline_only * math.sqrt(3))

    def test_lag1_autocorrelation(self) -> None:
        assert lag1_autocorrelation([1, -1, 1, -1, 1, -1]) == pytest.approx(-5 / 6)
        assert lag1_autocorrelation([1, 1]) == 0.0

    @pytest.mark.parametrize("actual, predicted, pattern", [
        ([0.0, 1.0], [1.0, 1.0], "MAPE is undefined"),
        ([1.0], [1.0, 2.0], "1 values but predicted has 2"),
        ([], [], "no values"),
        ([1.0, float("nan")], [1.0, 1.0], "finite"),
    ])
    def test_bad_metric_input(self, actual: list[float], predicted: list[float], pattern: str) -> None:
        with pytest.raises(MetricError, match=pattern):
            mape(actual, predicted)


class TestBaselines:
    def test_persistence_is_yesterday(self) -> None:
        s = synthetic(days=40)
        fc = forecast(s, 24, "persistence-24h")
        assert fc.values == pytest.approx(s.values[-24:])
        assert fc.start_utc == s.end_utc and fc.kind == "forecast" and fc.basis == "direct"
        week = forecast(s, 24, "persistence-168h")
        assert week.values == pytest.approx(s.values[-168:-144])

    def test_ridge_beats_persistence_on_a_noisy_cycle(self) -> None:
        s = synthetic(days=90, seed=1)
        start, end = T0 + timedelta(days=60), T0 + timedelta(days=89)
        actual = s.to_pandas()[start:end - timedelta(hours=1)].to_numpy()
        ridge = rolling_forecast(s, start, end, "ridge")
        persistence = rolling_forecast(s, start, end, "persistence-24h")
        assert mae(actual, ridge.values) < mae(actual, persistence.values)

    def test_auto_picks_the_lowest_validation_error(self) -> None:
        s = synthetic(days=50, seed=2)
        chosen = fit_model(s, "auto")
        others = [fit_model(s, n) for n in ("persistence-24h", "persistence-168h", "ridge")]
        assert chosen.metrics["validation_mae"] == pytest.approx(
            min(m.metrics["validation_mae"] for m in others))

    def test_interval_covers_about_its_nominal_share(self) -> None:
        s = synthetic(days=150, seed=3)
        start, end = T0 + timedelta(days=100), T0 + timedelta(days=149)
        fc = rolling_forecast(s, start, end, "ridge", validation_days=30)
        actual = s.to_pandas()[start:end - timedelta(hours=1)].to_numpy()
        inside = np.mean((actual >= np.array(fc.lower)) & (actual <= np.array(fc.upper)))
        assert 0.8 <= inside <= 0.97  # nominal 90 %


class TestNoLookAhead:
    @pytest.mark.parametrize("model", ["persistence-24h", "persistence-168h", "ridge"])
    def test_future_values_do_not_change_a_forecast(self, model: str) -> None:
        s = synthetic(days=40, seed=4)
        issue = T0 + timedelta(days=35)
        before = forecast(s, 24, model, issue_utc=issue)
        values = np.array(s.values)
        cut = int((issue - T0).total_seconds() // 3600)
        values[cut:] = values[cut:] * 3 + 50  # rewrite the future
        after = forecast(s.model_copy(update={"values": values.tolist()}), 24, model, issue_utc=issue)
        assert after.values == before.values and after.lower == before.lower

    def test_rolling_forecast_for_a_day_ignores_that_day(self) -> None:
        s = synthetic(days=40, seed=5)
        start, end = T0 + timedelta(days=30), T0 + timedelta(days=34)
        base = rolling_forecast(s, start, end, "ridge")
        values = np.array(s.values)
        day3 = int((start - T0).total_seconds() // 3600) + 48  # third forecast day
        values[day3:] += 100
        changed = rolling_forecast(s.model_copy(update={"values": values.tolist()}), start, end, "ridge")
        assert changed.values[:72] == base.values[:72]  # days issued before the change agree
        assert changed.values[72:] != base.values[72:]


@pytest.mark.slow
class TestLSTM:
    def test_save_load_round_trip_and_no_leakage(self, tmp_path: Path) -> None:
        from models.lstm import LSTMForecaster

        s = synthetic(days=30, seed=6)
        model = fit_model(s, "lstm", lookback=24, units=4, epochs=2, patience=1, seed=1)
        assert isinstance(model, LSTMForecaster)
        issue = T0 + timedelta(days=28)
        first = forecast(s, 24, model, issue_utc=issue)
        model.save(tmp_path / "tiny")
        loaded = LSTMForecaster.load(tmp_path / "tiny")
        again = forecast(s, 24, loaded, issue_utc=issue)
        assert again.values == first.values and again.upper == first.upper
        assert (tmp_path / "tiny.keras").stat().st_size < 2_000_000
        values = np.array(s.values)
        values[28 * 24:] = 999.0
        future_changed = forecast(s.model_copy(update={"values": values.tolist()}), 24, loaded,
                                  issue_utc=issue)
        assert future_changed.values == first.values

    def test_training_is_deterministic(self) -> None:
        s = synthetic(days=20, seed=7)
        a = fit_model(s, "lstm", lookback=24, units=4, epochs=2, patience=1, seed=3)
        b = fit_model(s, "lstm", lookback=24, units=4, epochs=2, patience=1, seed=3)
        assert forecast(s, 24, a).values == forecast(s, 24, b).values


class TestBadInput:
    def test_too_short_history(self) -> None:
        s = synthetic(days=5)
        with pytest.raises(ForecastInputError, match="history too short to fit ridge"):
            forecast(s, 24, "ridge")

    def test_only_plug_in_names_can_be_registered(self) -> None:
        with pytest.raises(ForecastInputError, match="plug-in names are"):
            register_model("ridge", Ridge)
        with pytest.raises(ForecastInputError, match="plug-in names are"):
            register_model("prophet", Ridge)

    def test_gap(self) -> None:
        idx = pd.date_range(T0, periods=10, freq="h", tz="UTC").delete(4)
        with pytest.raises(ForecastInputError, match="not regularly stepped"):
            check_history(pd.Series(np.ones(9), index=idx))

    def test_nan(self) -> None:
        idx = pd.date_range(T0, periods=10, freq="h", tz="UTC")
        values = np.ones(10)
        values[3] = np.nan
        with pytest.raises(ForecastInputError, match="non-finite value"):
            check_history(pd.Series(values, index=idx))

    def test_naive_index(self) -> None:
        with pytest.raises(ForecastInputError, match="timezone-aware"):
            check_history(pd.Series(np.ones(5), index=pd.date_range("2026-01-01", periods=5, freq="h")))

    def test_wrong_step_for_a_fitted_model(self) -> None:
        hourly = fit_model(synthetic(days=40), "ridge")
        half_hourly = synthetic(days=40, step_minutes=30)
        with pytest.raises(ForecastInputError, match="30-min step but the model expects 60"):
            forecast(half_hourly, 24, hourly)

    def test_unknown_model_and_bad_horizon(self) -> None:
        s = synthetic(days=40)
        with pytest.raises(ForecastInputError, match="model='prophet'"):
            forecast(s, 24, "prophet")
        with pytest.raises(ForecastInputError, match="horizon=0"):
            forecast(s, 0)

    def test_naive_or_off_grid_issue_time(self) -> None:
        s = synthetic(days=40)
        with pytest.raises(ForecastInputError, match="naive"):
            forecast(s, 24, "ridge", issue_utc=datetime(2026, 2, 1))
        with pytest.raises(ForecastInputError, match="not on the series' grid"):
            forecast(s, 24, "ridge", issue_utc=T0 + timedelta(days=30, minutes=30))

    def test_missing_covariates(self) -> None:
        s = synthetic(days=10)
        cov = pd.DataFrame({"x": np.ones(24)}, index=pd.date_range(T0, periods=24, freq="h", tz="UTC"))
        with pytest.raises(ForecastInputError, match="covariates are missing"):
            feature_frame(s.to_pandas(), "DE", cov)

    def test_issue_positions_outside_data(self) -> None:
        frame = feature_frame(synthetic(days=3).to_pandas(), "DE")
        assert issue_positions(frame, T0 + timedelta(days=10), None, 24, 24).size == 0
