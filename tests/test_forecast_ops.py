"""Forecasting wired to the ledger: the planner's fallback forecast and the CLI commands."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli.main import app
from copilot.services.planning import run_plan
from tools.ledger import Ledger
from tools.ledger.plans import load_plan
from tools.plan import PlanParams
from tools.simulate import SimulationConfig, simulate

runner = CliRunner()


def test_planner_forecasts_itself_when_the_run_has_no_forecast(ledger: Ledger) -> None:
    fleet = simulate(SimulationConfig(days=40, seed=9, jobs_per_day=40), with_telemetry=False)
    late = fleet.jobs[fleet.jobs.submit_utc >= fleet.jobs.submit_utc.min() + timedelta(days=30)]
    run = ledger.store_run("simulate", {"only": "realised"}, jobs=late,
                           series=list(fleet.realised.values()))
    out = run_plan(ledger, run_id=run.id, params=PlanParams(energy_recs=False))
    plan = load_plan(ledger, out["plan_id"])
    assert out["recommendations"] > 0
    assert set(plan.forecast_series) == set(fleet.realised)
    # the forecast used is not the realised series itself
    assert plan.forecast_series["us-east-1"] != fleet.realised["us-east-1"].content_hash()


def test_cli_forecast_and_metered(tmp_path: Path) -> None:
    db = str(tmp_path / "l.sqlite")

    def cli(*args: str, code: int = 0) -> dict:  # type: ignore[type-arg]
        result = runner.invoke(app, [*args, "--db", db, "--json"])
        assert result.exit_code == code, result.stdout + result.stderr
        return json.loads(result.stdout)

    cli("simulate", "--days", "25", "--jobs-per-day", "20")
    fc = cli("forecast", "--region", "eu-north-1", "--hours", "12")
    assert len(fc["values"]) == 12 and fc["model"] in ("persistence-24h", "persistence-168h", "ridge")
    assert all(v["lower"] <= v["value"] <= v["upper"] for v in fc["values"])
    assert "no trained LSTM" in cli("forecast", "--region", "eu-north-1", "--model", "lstm", code=1)["error"]
    bad_time = cli("forecast", "--region", "eu-north-1", "--at", "yesterday", code=1)
    assert "not an ISO-8601" in bad_time["error"]
    trained = cli("train", "--region", "eu-north-1", "--model", "ridge", "--test-days", "3")
    assert set(trained["scores"]) == {"ridge", "persistence-24h", "persistence-168h"}
    energy = cli("train", "--target", "energy", "--cluster", "cpu-b")
    assert energy["ols"]["passes_ashrae_g14"]
    metered = cli("verify-metered", "--cluster", "gpu-a", "--change", "2026-01-20T00:00Z")
    assert metered["accepted"] is False and metered["mintable_kwh"] == 0  # nothing changed
    assert "has no time zone" in cli("verify-metered", "--cluster", "gpu-a", "--change",
                                     "2026-01-20T00:00", code=1)["error"]


@pytest.mark.slow
def test_cli_train_lstm_saves_a_small_artefact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENOPS_DATA_DIR", str(tmp_path))
    db = str(tmp_path / "l.sqlite")
    runner.invoke(app, ["simulate", "--days", "20", "--jobs-per-day", "10", "--no-telemetry", "--db", db])
    result = runner.invoke(app, ["train", "--region", "us-west-2", "--epochs", "2", "--test-days", "2",
                                 "--db", db, "--json"])
    assert result.exit_code == 0, result.stdout
    out = json.loads(result.stdout)
    artefact = Path(out["artefact"])
    assert artefact.exists() and artefact.stat().st_size < 2_000_000
    sidecar = json.loads(artefact.with_suffix(".json").read_text())
    assert sidecar["data_sha256"] == out["data_sha256"] and "train_period" in sidecar
    assert set(sidecar["periods"]) == {"train", "validation", "test"}
    fc = runner.invoke(app, ["forecast", "--region", "us-west-2", "--model", "lstm", "--db", db, "--json"])
    assert fc.exit_code == 0 and json.loads(fc.stdout)["model"] == "lstm"
