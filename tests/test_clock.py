"""One clock (copilot.services.clock): the chat, the CLI, the forecast and the plan read "now" the same way,
and every answer states the period it covers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from copilot.agent.render import render, render_summary
from copilot.services.clock import Clock, issue_time, ledger_clock
from copilot.services.fleet import chat_context, run_account, run_simulation
from copilot.services.forecasting import forecast_brief
from copilot.services.planning import run_plan
from tools.forecast import fit_model
from tools.ledger import Ledger
from tools.plan import PlanParams
from tools.simulate import SimulationConfig

FLEET = SimulationConfig(days=10, seed=5, jobs_per_day=50)


@pytest.fixture
def fleet(ledger: Ledger) -> Ledger:
    run_simulation(ledger, FLEET, telemetry=False)
    return ledger


def _render(tool: str, out: dict[str, object]) -> str:
    """The answer the copilot gives for one successful tool result."""
    return render([{"name": tool, "data": out, "raw": ""}])


def _jobs(ledger: Ledger) -> pd.DataFrame:
    run = ledger.db.execute("SELECT run_id FROM runs").fetchone()[0]
    return ledger.load_jobs(run)


def test_the_clock_is_the_end_of_the_job_history_when_the_machine_is_later(fleet: Ledger) -> None:
    jobs = _jobs(fleet)
    clock = ledger_clock(fleet, datetime(2030, 1, 1, tzinfo=UTC))
    assert clock.basis == "end of data"
    assert clock.as_of == jobs["start_utc"].max().to_pydatetime()
    assert clock.data_start == jobs["submit_utc"].min().to_pydatetime()
    assert f"{clock.as_of:%Y-%m-%d %H:%M}" in clock.label() and "end of the job history" in clock.label()


def test_the_clock_is_the_machine_time_inside_the_history(fleet: Ledger) -> None:
    inside = _jobs(fleet)["submit_utc"].min().to_pydatetime() + timedelta(hours=5)
    clock = ledger_clock(fleet, inside)
    assert (clock.as_of, clock.basis) == (inside, "now")


def test_an_empty_ledger_runs_on_the_machine_clock(ledger: Ledger) -> None:
    now = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    clock = ledger_clock(ledger, now)
    assert (clock.as_of, clock.basis, clock.data_end) == (now, "now", None)
    assert "no job history" in clock.label()


def test_the_chat_reads_requests_against_the_same_clock(fleet: Ledger) -> None:
    machine = datetime(2030, 1, 1, tzinfo=UTC)
    assert chat_context(fleet, machine)[0] == ledger_clock(fleet, machine).as_of


@pytest.mark.parametrize(("as_of", "issued"), [
    (datetime(2026, 1, 18, 23, 54, tzinfo=UTC), datetime(2026, 1, 19, 0, 0, tzinfo=UTC)),
    (datetime(2026, 1, 18, 23, 0, tzinfo=UTC), datetime(2026, 1, 18, 23, 0, tzinfo=UTC)),
    (datetime(2026, 1, 18, 23, 0, 1, tzinfo=UTC), datetime(2026, 1, 19, 0, 0, tzinfo=UTC)),
])
def test_a_forecast_is_issued_at_the_first_whole_hour_of_the_clock(as_of: datetime, issued: datetime) -> None:
    assert issue_time(Clock(as_of=as_of, basis="now")) == issued


def test_the_forecast_starts_at_the_clock_not_at_the_end_of_the_grid_series(fleet: Ledger, tmp_path: object) -> None:
    """The simulator stores grid data past the last job (for deferred jobs); "tomorrow" is still the day
    after the clock."""
    clock = ledger_clock(fleet)
    out = forecast_brief(fleet, tmp_path, region="eu-west-1", hours=24)  # type: ignore[arg-type]
    assert datetime.fromisoformat(out["issued_utc"]) == issue_time(clock)
    grid_end = fleet.db.execute("SELECT MAX(end_utc) FROM series WHERE kind = 'realised'").fetchone()[0]
    assert datetime.fromisoformat(out["issued_utc"]) < datetime.fromisoformat(grid_end.replace("Z", "+00:00"))


def test_auto_forecasts_a_short_history_on_a_shorter_validation_window() -> None:
    """Four days of history: too short for 14 validation days, enough for 3 (before: an error)."""
    index = pd.date_range("2026-01-01", periods=24 * 8, freq="h", tz="UTC")
    values = pd.Series(200 + 50 * ((index.hour - 12).to_numpy() ** 2 / 144.0), index=index)
    model = fit_model(values, "auto", region="eu-west-1")
    assert model.metrics["validation_mae"] >= 0


def test_a_plan_of_the_last_days_covers_them_and_its_counts_add_up(fleet: Ledger) -> None:
    jobs = _jobs(fleet)
    first_day = jobs["submit_utc"].max().floor("D") - pd.Timedelta(days=1)
    wanted = jobs[jobs["submit_utc"] >= first_day]
    out = run_plan(fleet, days=2, params=PlanParams())
    assert out["jobs"] == len(wanted) < len(jobs)
    assert out["period_start_utc"] == wanted["submit_utc"].min().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert out["period_end_utc"] == jobs["submit_utc"].max().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert out["jobs_moved"] + sum(out["not_moved"].values()) == out["jobs"]
    assert out["jobs_moved"] == out["by_kind"].get("shift", {}).get("count", 0)


def test_the_plan_answer_states_its_period_and_counts(fleet: Ledger) -> None:
    out = run_plan(fleet, days=2, params=PlanParams())
    text = _render("plan", out)
    assert f"{out['jobs']} jobs submitted {out['period_start_utc'][:10]}" in text
    assert "the last 2 days of the job history" in text
    assert f"{out['jobs_moved']} moved, {sum(out['not_moved'].values())} not moved" in text


def test_the_account_answer_states_its_period(fleet: Ledger) -> None:
    out = run_account(fleet)
    jobs = _jobs(fleet)
    text = _render("account", out)
    assert f"started {jobs['start_utc'].min():%Y-%m-%d} → {jobs['start_utc'].max():%Y-%m-%d} UTC" in text


def test_the_weekly_summary_states_its_dates() -> None:
    summary = {"week": "2026-W03", "start_utc": "2026-01-12T00:00:00+00:00", "end_utc": "2026-01-19T00:00:00+00:00",
               "teams": {}}
    assert render_summary(summary).startswith("Weekly summary 2026-W03 (2026-01-12 → 2026-01-18 UTC;")
