"""The dashboard's data (``copilot.services.dashboard``) and its wording (``copilot.ui.dashboard``).

Every expected value is recomputed here from the stored records (plan, jobs, accounted emissions,
verifications), never taken from the function under test: breakdowns add up to the totals they
sit beside, plot frames keep their column types when empty, the leaderboard ranks nobody at
zero, tables have human column names with units, and every view states its period.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from copilot.services import dashboard
from copilot.services.fleet import latest_emissions, run_simulation
from copilot.services.planning import plan_verifications, run_execute, run_plan, run_verify
from copilot.ui import dashboard as view
from tests.conftest import FixedClock
from tools.ledger import Ledger
from tools.ledger.plans import latest_plan_id, load_plan
from tools.records import Plan
from tools.simulate import SimulationConfig

SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
CONFIG = SimulationConfig(days=3, seed=5, jobs_per_day=200)


def _simulated(path: Path) -> Path:
    with Ledger(path, clock=FixedClock()) as ledger:
        run_simulation(ledger, CONFIG, telemetry=False)
    return path


@pytest.fixture(scope="module")
def verified_then_replanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A first plan (1 day) executed and verified, then a 2-day plan: the latest plan holds jobs
    already executed in the first one, as on a dashboard after a few rounds. (ledger, first plan id)"""
    path = _simulated(tmp_path_factory.mktemp("dash") / "ledger.sqlite")
    with Ledger(path, clock=FixedClock()) as ledger:
        first = str(run_plan(ledger, days=1)["plan_id"])
        run_execute(ledger)
        run_verify(ledger)
        run_plan(ledger, days=2)
    return path, first


@pytest.fixture
def first_plan(verified_then_replanned: tuple[Path, str]) -> str:
    """The verified plan of ``verified_then_replanned`` (no longer the latest)."""
    return verified_then_replanned[1]


@pytest.fixture(scope="module")
def planned_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = _simulated(tmp_path_factory.mktemp("dash") / "ledger.sqlite")
    with Ledger(path, clock=FixedClock()) as ledger:
        run_plan(ledger, days=1)
    return path


@pytest.fixture
def ledger(verified_then_replanned: tuple[Path, str]) -> Iterator[Ledger]:
    with Ledger(verified_then_replanned[0], clock=FixedClock()) as led:
        yield led


@pytest.fixture
def unverified(planned_only: Path) -> Iterator[Ledger]:
    with Ledger(planned_only, clock=FixedClock()) as led:
        yield led


def latest(ledger: Ledger) -> Plan:
    return load_plan(ledger, str(latest_plan_id(ledger)))


def planned_job_ids(plan: Plan) -> set[str]:
    """Jobs the plan planned: moved or kept, not those executed in another plan."""
    return {r.job_id for r in plan.recommendations} | {j for j, why in plan.not_moved.items() if why != "executed"}


def start_dates(ledger: Ledger, plan: Plan, job_ids: set[str]) -> tuple[date, date]:
    jobs = ledger.load_jobs(str(plan.run_id))
    starts = pd.to_datetime(jobs.loc[jobs["job_id"].isin(job_ids), "start_utc"], utc=True)
    return starts.min().date(), starts.max().date()


class TestPeriod:
    def test_dates_of_aware_and_naive_times(self) -> None:
        period = dashboard.utc_period([pd.Timestamp("2026-01-05 23:30", tz="UTC"), pd.Timestamp("2026-01-08 01:00")])
        assert period == dashboard.Period(date(2026, 1, 5), date(2026, 1, 8))
        assert period.label() == "2026-01-05 – 2026-01-08 UTC"
        assert period.short() == "2026-01-05 – 01-08 UTC"

    def test_other_time_zones_are_converted_to_utc(self) -> None:
        period = dashboard.utc_period([pd.Timestamp("2026-01-05 23:30", tz="America/New_York")])
        assert period == dashboard.Period(date(2026, 1, 6), date(2026, 1, 6))
        assert period.label() == period.short() == "2026-01-06 UTC"

    def test_no_times_no_period(self) -> None:
        assert dashboard.utc_period([]) is None


class TestTimeline:
    def test_frames_keep_the_plot_column_types_empty_or_not(self, tmp_path: Path, ledger: Ledger) -> None:
        """A plot reads its axis types from the frame's dtypes (temporal time, quantitative values),
        and keeps those of the first frame it gets: the empty one before any plan must match."""
        with Ledger(_simulated(tmp_path / "l.sqlite"), clock=FixedClock()) as led:
            empty = dashboard.plan_timeline(led)
        full = dashboard.plan_timeline(ledger)
        for (before, after), value in zip(zip(empty, full, strict=True), ("kgco2e", "usd"), strict=True):
            assert before.empty and list(before.columns) == ["time", "series", value]
            assert not after.empty and set(after["series"]) == {"baseline", "optimised"}
            assert pd.api.types.is_datetime64_any_dtype(before["time"])
            assert pd.api.types.is_float_dtype(before[value])
            assert before.dtypes.to_dict() == after.dtypes.to_dict()

    def test_covers_the_jobs_the_plan_planned_like_its_headline(self, ledger: Ledger) -> None:
        """Jobs executed in an earlier plan are not part of this plan's totals, nor of its chart."""
        plan = latest(ledger)
        assert "executed" in plan.not_moved.values(), "the fixture's latest plan should hold executed jobs"
        kg, usd = dashboard.plan_timeline(ledger)
        cost = usd.groupby("series")["usd"].last()
        assert cost["baseline"] == pytest.approx(plan.totals.baseline_cost_usd, rel=1e-6)
        assert cost["baseline"] - cost["optimised"] == pytest.approx(plan.totals.est_usd_saved.central, abs=1e-3)
        emissions = latest_emissions(ledger)
        accounted = emissions.loc[emissions["job_id"].isin(planned_job_ids(plan)), "emissions_kg"].sum()
        assert kg.groupby("series")["kgco2e"].last()["baseline"] == pytest.approx(accounted, abs=1e-3)
        first, last = start_dates(ledger, plan, planned_job_ids(plan))
        assert kg["time"].min().date() == first and kg["time"].max().date() == last

    def test_baseline_comparison_states_both_baselines(self, ledger: Ledger) -> None:
        plan = latest(ledger)
        c = dashboard.baseline_comparison(ledger)
        assert c is not None
        emissions = latest_emissions(ledger)
        mine = emissions[emissions["job_id"].isin(planned_job_ids(plan))]
        assert c["jobs"] == len(mine) == len(planned_job_ids(plan))
        assert c["forecast_operational_kgco2e"] == plan.totals.baseline_kgco2e
        assert c["planned_kgco2e"] == plan.totals.planned_kgco2e
        assert c["accounted_kgco2e"] == pytest.approx(mine["emissions_kg"].sum())
        assert c["accounted_operational_kgco2e"] + c["embodied_kgco2e"] == pytest.approx(c["accounted_kgco2e"])
        assert c["period"] == dashboard.Period(*start_dates(ledger, plan, planned_job_ids(plan)))
        note = view.timeline_note(c)
        for figure in (c["accounted_kgco2e"], c["forecast_operational_kgco2e"], c["planned_kgco2e"],
                       c["embodied_kgco2e"], c["est_kgco2e_saved"]):
            assert f"{figure:.1f}" in note
        assert c["period"].label() in note


class TestOverview:
    def test_job_and_recommendation_breakdowns_add_up(self, ledger: Ledger) -> None:
        plan = latest(ledger)
        o = dashboard.plan_overview(ledger)
        assert o is not None
        reasons = Counter(plan.not_moved.values())
        shifted = {r.job_id for r in plan.recommendations if r.kind == "shift"}
        assert o["jobs_shifted"] == len(shifted)
        assert o["jobs_held"] == reasons["executed"] > 0
        assert o["jobs_kept"] == sum(n for why, n in reasons.items() if why != "executed")
        assert o["jobs"] == o["jobs_shifted"] + o["jobs_kept"] + o["jobs_held"] == len(shifted | set(plan.not_moved))
        assert o["jobs_planned"] == o["jobs_shifted"] + o["jobs_kept"] == len(planned_job_ids(plan))
        assert o["by_kind"] == dict(Counter(r.kind for r in plan.recommendations))
        assert sum(o["by_kind"].values()) == sum(o["statuses"].values()) == o["recommendations"]
        assert o["energy_recs_on_kept_jobs"] == sum(1 for r in plan.recommendations
                                                    if r.kind != "shift" and r.job_id in plan.not_moved)
        assert o["period"] == dashboard.Period(*start_dates(ledger, plan, planned_job_ids(plan)))
        assert o["carbon_price_usd_per_t"] == plan.params["carbon_usd_per_t"]

    def test_headline_sums_to_the_jobs_it_names(self, ledger: Ledger) -> None:
        """'N jobs = a moved + b kept (...) + c executed': the figures on screen add up."""
        o = dashboard.plan_overview(ledger)
        text = view.summary_markdown(o)
        found = re.search(r"\*\*(\d+) jobs\*\* = (\d+) moved in time or region \+ (\d+) kept their slot \(([^)]*)\)"
                          r"(?: \+ (\d+) already executed)?", text)
        assert found, text
        total, moved, kept, reasons, held = found.groups()
        assert int(total) == int(moved) + int(kept) + int(held or 0) == len(set(latest(ledger).not_moved)
                                                                            | {r.job_id for r in
                                                                               latest(ledger).recommendations})
        assert int(kept) == sum(int(n) for n in re.findall(r" (\d+)", reasons))
        recs = re.search(r"\*\*(\d+) recommendations\*\* = ([^;.]*)", text)
        assert recs, text
        assert int(recs.group(1)) == sum(int(n) for n in re.findall(r" (\d+)", recs.group(2)))

    def test_verified_mintable_wording_is_true_to_the_numbers(self, ledger: Ledger, first_plan: str) -> None:
        o = dashboard.plan_overview(ledger, first_plan)
        assert o is not None and o["verification"] is not None
        v = o["verification"]
        done = plan_verifications(ledger, first_plan)
        shifts = [x for x in done if x.kind == "shift"]
        assert v["mintable_kgco2e"] == pytest.approx(sum(max(0.0, x.saved_kgco2e.lower) for x in shifts))
        assert v["verified_kgco2e_lower"] == pytest.approx(sum(x.saved_kgco2e.lower for x in done))
        text = view.summary_markdown(o)
        assert f"sum of 90% lower bounds {v['verified_kgco2e_lower']:.1f}" in text
        assert f"mintable {v['mintable_kgco2e']:.1f} kgCO2e" in text
        assert "conservative lower bound" not in text and "when it is positive, 0 when it is not" in text

    def test_no_plan_no_overview(self, tmp_path: Path) -> None:
        with Ledger(_simulated(tmp_path / "l.sqlite"), clock=FixedClock()) as led:
            assert dashboard.plan_overview(led) is None and dashboard.baseline_comparison(led) is None
            assert view.summary_markdown(None) == view.EMPTY_NOTE


class TestEmissions:
    @pytest.mark.parametrize("by", ["region", "team", "hour"])
    def test_bars_add_up_to_the_stated_total(self, ledger: Ledger, by: str) -> None:
        scope = dashboard.emissions_scope(ledger)
        frame = dashboard.emissions_by(ledger, by)  # type: ignore[arg-type]
        emissions = latest_emissions(ledger)
        assert frame["kgco2e"].sum() == pytest.approx(scope["kgco2e"]) == pytest.approx(emissions["emissions_kg"].sum())
        assert frame["jobs"].sum() == scope["jobs"] == len(emissions)
        starts = pd.to_datetime(emissions["start_utc"], utc=True)
        assert scope["period"] == dashboard.Period(starts.min().date(), starts.max().date())
        note = view.emissions_note(scope)
        assert f"{scope['kgco2e']:.1f} kgCO2e" in note and scope["period"].label() in note


class TestRecommendations:
    def test_view_says_what_it_shows_of_how_many(self, ledger: Ledger) -> None:
        plan = latest(ledger)
        table, info = dashboard.recommendation_view(ledger, limit=20)
        assert info["total"] == len(plan.recommendations) and info["shown"] == len(table) == 20
        assert list(table.columns) == list(dashboard.REC_LABELS.values())
        assert not [c for c in table.columns if SNAKE.match(c)]
        usd = table[dashboard.REC_LABELS["est_usd"]]
        assert info["costing_more"] == int((usd < 0).sum())
        assert info["carbon_price_usd_per_t"] == plan.params["carbon_usd_per_t"]
        note = view.recommendations_note(info, plan.plan_id)
        assert f"The 20 largest estimated savings of the {len(plan.recommendations)} " in note
        assert "costs more" in note and f"{plan.params['carbon_usd_per_t']:.0f} USD/t" in note

    def test_status_filter_counts_that_status(self, ledger: Ledger) -> None:
        table, info = dashboard.recommendation_view(ledger, status="proposed")
        assert info["total"] == len(latest(ledger).recommendations)  # a fresh plan: all proposed
        assert info["shown"] == len(table) > 0 and (table[dashboard.REC_LABELS["status"]] == "proposed").all()
        table, info = dashboard.recommendation_view(ledger, status="verified")
        assert info["total"] == info["shown"] == len(table) == 0
        assert view.recommendations_note(info, latest(ledger).plan_id) == (
            f"<small>No verified recommendations in plan `{latest(ledger).plan_id}`.</small>")


class TestLeaderboard:
    def test_nobody_is_ranked_without_a_verified_saving(self, unverified: Ledger) -> None:
        board, info = dashboard.leaderboard_view(unverified)
        assert len(board) == len(set(unverified.load_jobs(str(latest(unverified).run_id))["team"]))
        assert info["ranked"] == 0 and (board["rank"] == "").all()
        assert (board[dashboard.LEADERBOARD_LABELS["verified_kgco2e"]] == 0).all()
        assert list(board["team"]) == sorted(board["team"])  # no order that reads like a ranking
        assert "No verified savings yet" in view.leaderboard_note(info)

    def test_ranks_only_verified_teams_with_ties_sharing_a_rank(self, ledger: Ledger) -> None:
        board, info = dashboard.leaderboard_view(ledger)
        verified = board[dashboard.LEADERBOARD_LABELS["verified_kgco2e"]]
        ranked = board[verified > 0]
        assert info["ranked"] == len(ranked) > 0
        expected = verified[verified > 0].rank(method="min", ascending=False).astype(int).astype(str)
        assert list(ranked["rank"]) == list(expected)
        assert (board.loc[verified <= 0, "rank"] == "").all()
        assert "No verified savings yet" not in view.leaderboard_note(info)

    def test_human_column_names_with_units(self, ledger: Ledger) -> None:
        board, _ = dashboard.leaderboard_view(ledger)
        assert list(board.columns) == list(dashboard.LEADERBOARD_LABELS.values())
        assert not [c for c in board.columns if SNAKE.match(c)]
        unitless = {"rank", "team", "jobs", "open recommendations"}
        assert all(re.search(r"\((kgCO2e|kWh|tokens)\)$", c) for c in board.columns if c not in unitless)

    def test_values_are_the_rollups_and_periods_are_stated(self, ledger: Ledger, first_plan: str) -> None:
        board, info = dashboard.leaderboard_view(ledger)
        machine = dashboard.leaderboard(ledger).set_index("team")
        for key, label in dashboard.LEADERBOARD_LABELS.items():
            if key not in ("rank", "team"):
                assert board.set_index("team")[label].to_dict() == machine[key].to_dict()
        emissions = latest_emissions(ledger)
        starts = pd.to_datetime(emissions["start_utc"], utc=True)
        assert info["emissions_period"] == dashboard.Period(starts.min().date(), starts.max().date())
        verified_jobs = {v.job_id for v in plan_verifications(ledger, first_plan)}
        jobs = ledger.load_jobs(str(latest(ledger).run_id))
        vstarts = pd.to_datetime(jobs.loc[jobs["job_id"].isin(verified_jobs), "start_utc"], utc=True)
        assert info["verified_period"] == dashboard.Period(vstarts.min().date(), vstarts.max().date())
        note = view.leaderboard_note(info)
        assert info["verified_period"].label() in note and info["emissions_period"].label() in note


class TestTradeoff:
    def test_table_columns_and_period(self, ledger: Ledger) -> None:
        curve = dashboard.tradeoff_curve(ledger, prices=(0, 400), max_jobs=100)
        table = dashboard.tradeoff_view(curve)
        assert list(table.columns) == list(dashboard.TRADEOFF_LABELS.values())
        assert not [c for c in table.columns if SNAKE.match(c)]
        assert list(table[dashboard.TRADEOFF_LABELS["carbon_price_usd_per_t"]]) == [0, 400]
        jobs = ledger.load_jobs(str(latest(ledger).run_id)).sort_values("submit_utc", kind="stable").head(100)
        starts = pd.to_datetime(jobs["start_utc"], utc=True)
        period = dashboard.tradeoff_period(ledger, 100)
        assert period == dashboard.Period(starts.min().date(), starts.max().date())
        note = view.tradeoff_note(curve, None, period)
        assert "first 100 jobs" in note and period is not None and period.label() in note


class TestSnapshot:
    def test_one_read_gives_what_each_view_gives(self, ledger: Ledger) -> None:
        """The dashboard's single snapshot (frames read once) equals the views read one by one."""
        snap = dashboard.snapshot(ledger, "proposed")
        assert snap["overview"] == dashboard.plan_overview(ledger)
        assert snap["comparison"] == dashboard.baseline_comparison(ledger)
        assert snap["scope"] == dashboard.emissions_scope(ledger)
        for got, want in zip(snap["timeline"], dashboard.plan_timeline(ledger), strict=True):
            pd.testing.assert_frame_equal(got, want)
        for by in dashboard.BARS:
            pd.testing.assert_frame_equal(snap[f"by_{by}"], dashboard.emissions_by(ledger, by))
        recs, info = dashboard.recommendation_view(ledger, "proposed")
        pd.testing.assert_frame_equal(snap["recs"], recs)
        assert snap["recs_info"] == info
        board, board_info = dashboard.leaderboard_view(ledger)
        pd.testing.assert_frame_equal(snap["board"], board)
        assert snap["board_info"] == board_info
