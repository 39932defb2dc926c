"""Roll-ups (tools/rollup) and the ledger's read queries: hand-computed totals, ranks and filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from tools.account import aggregate
from tools.ledger import Ledger
from tools.records import ZERO, Interval, Recommendation, Segment, Verification, mintable
from tools.rollup import (
    emissions_breakdown,
    largest_mintable,
    leaderboard,
    plan_timeline,
    select_recommendations,
    series_summary,
    verification_totals,
)
from tools.schemas import GridSeries

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def emissions(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    """Accounted rows (team, region, hours after T0, kgCO2e) with +-10 % intervals and 2 kWh each."""
    return pd.DataFrame({
        "job_id": [f"j{i}" for i in range(len(rows))], "team": [r[0] for r in rows],
        "region": [r[1] for r in rows], "start_utc": [T0 + timedelta(hours=r[2]) for r in rows],
        "emissions_kg": [r[3] for r in rows], "lower_kg": [0.9 * r[3] for r in rows],
        "upper_kg": [1.1 * r[3] for r in rows], "energy_kwh": [2.0] * len(rows),
        "energy_lower_kwh": [1.8] * len(rows), "energy_upper_kwh": [2.2] * len(rows),
        "operational_kg": [r[3] for r in rows], "embodied_kg": [0.0] * len(rows)})


def verification(vid: str, kg: Interval, kwh: Interval = ZERO, kind: str = "shift") -> Verification:
    return Verification(
        verification_id=vid, rec_id=f"r-{vid}", plan_id="p", job_id="j", kind=kind, method="m", inputs={},
        parameters={}, counterfactual_kgco2e=10.0, actual_kgco2e=5.0, counterfactual_kwh=0.0, actual_kwh=0.0,
        saved_kgco2e=kg, saved_kwh=kwh, claimed_kgco2e=kg.central + 1, claimed_kwh=kwh.central,
        mintable_kgco2e=mintable(kg), mintable_kwh=0.0 if kind == "shift" else mintable(kwh),
        evidence_hash="0x" + vid.ljust(64, "0"))


def rec(rec_id: str, team: str, kg: float, kind: str = "shift", hours: int = 0) -> Recommendation:
    start = T0 + timedelta(hours=hours)
    return Recommendation(
        rec_id=rec_id, plan_id="p", kind=kind, job_id=f"job-{rec_id}", team=team, from_region="us-east-1",
        from_start_utc=start, to_region="us-east-1", to_start_utc=start + timedelta(hours=2),
        segments=[Segment(region="us-east-1", start_utc=start + timedelta(hours=2), hours=1.0)],
        from_instance_type="m5.large", to_instance_type="m5.large", est_kgco2e_saved=Interval.point(kg),
        est_usd_saved=Interval.point(0.5), est_kwh_saved=ZERO, reason="test")


class TestMintableRule:
    @pytest.mark.parametrize(("lower", "expected"), [(1.5, 1.5), (0.0, 0.0), (-2.0, 0.0)])
    def test_lower_bound_when_positive_else_zero(self, lower: float, expected: float) -> None:
        assert mintable(Interval(central=3.0, lower=lower, upper=5.0)) == expected


class TestVerificationTotals:
    def test_sums_and_largest(self) -> None:
        vs = [verification("a1", Interval(central=3.0, lower=2.0, upper=4.0)),
              verification("b2", Interval(central=1.0, lower=-0.5, upper=2.5)),
              verification("c3", Interval(central=2.0, lower=1.0, upper=3.0),
                           Interval(central=4.0, lower=3.0, upper=5.0), kind="rightsize")]
        t = verification_totals(vs)
        assert t["verifications"] == 3 and t["ids"] == ["a1", "b2", "c3"]
        assert t["verified_kgco2e"] == pytest.approx(6.0) and t["verified_kgco2e_lower"] == pytest.approx(2.5)
        assert t["claimed_kgco2e"] == pytest.approx(9.0)
        # one saving, one token: the shifts' kgCO2e (2 + 0); the rightsizing mints its kWh only
        assert t["mintable_kgco2e"] == pytest.approx(2.0)
        assert t["mintable_kwh"] == pytest.approx(3.0) and t["verified_kwh"] == pytest.approx(4.0)
        assert largest_mintable(vs, 2) == ["c3", "a1"]  # 3 kWh > 2 kgCO2e > 0


class TestEmissionsBreakdown:
    FRAME = emissions([("ml", "us-east-1", 0, 1.0), ("ml", "eu-west-1", 30, 2.0), ("web", "us-east-1", 50, 4.0)])

    def test_groups_and_total(self) -> None:
        out = emissions_breakdown(self.FRAME, "team")
        assert out["total_kgco2e"] == pytest.approx(7.0) and out["jobs"] == 3
        assert out["groups"]["ml"] == {"kgco2e": 3.0, "lower_kgco2e": 2.7, "upper_kgco2e": 3.3, "kwh": 4.0, "jobs": 2}

    def test_filters_by_team_region_and_days(self) -> None:
        assert emissions_breakdown(self.FRAME, "region", team="ml")["total_kgco2e"] == pytest.approx(3.0)
        assert emissions_breakdown(self.FRAME, "team", region="us-east-1")["groups"].keys() == {"ml", "web"}
        # day 2026-01-06 holds the 30 h job only; 2026-01-07 the 50 h job
        assert emissions_breakdown(self.FRAME, "team", start=date(2026, 1, 6), end=date(2026, 1, 6))["jobs"] == 1
        assert emissions_breakdown(self.FRAME, "team", start=date(2026, 1, 7))["total_kgco2e"] == pytest.approx(4.0)

    def test_the_period_is_the_days_the_matching_jobs_started(self) -> None:
        whole = emissions_breakdown(self.FRAME, "team")  # jobs at +0 h, +30 h, +50 h after 2026-01-05 00:00
        assert (whole["first_day_utc"], whole["last_day_utc"]) == ("2026-01-05", "2026-01-07")
        ml = emissions_breakdown(self.FRAME, "team", team="ml", start=date(2026, 1, 6))
        assert (ml["first_day_utc"], ml["last_day_utc"]) == ("2026-01-06", "2026-01-06")

    def test_nothing_matches(self) -> None:
        assert emissions_breakdown(self.FRAME, "team", team="nobody") == {
            "group_by": "team", "groups": {}, "jobs": 0, "note": "no jobs match"}


class TestSelections:
    def test_recommendations_filtered_and_largest_first(self) -> None:
        recs = [rec("a", "ml", 1.0), rec("b", "ml", 3.0), rec("c", "web", 2.0), rec("d", "ml", 5.0)]
        state = {"a": "proposed", "b": "proposed", "c": "proposed", "d": "executed"}
        assert [r.rec_id for r in select_recommendations(recs, state)] == ["d", "b", "c", "a"]
        assert [r.rec_id for r in select_recommendations(recs, state, status="proposed", team="ml")] == ["b", "a"]
        assert select_recommendations(recs, state, kind="rightsize") == []

    def test_series_summary(self) -> None:
        s = GridSeries(region="DE", basis="lifecycle", start_utc=T0, step_minutes=60, values=[300.0, 120.0, 240.0])
        out = series_summary(s)
        assert out == {"mean_g_per_kwh": pytest.approx(220.0), "min_g_per_kwh": 120.0,
                       "min_at_utc": (T0 + timedelta(hours=1)).isoformat(), "max_g_per_kwh": 300.0, "hours": 3}


class TestLeaderboard:
    def test_ranks_by_verified_then_lower_emissions(self) -> None:
        teams = aggregate(emissions([("ml", "us-east-1", 0, 5.0), ("web", "us-east-1", 0, 2.0),
                                     ("data", "us-east-1", 0, 1.0)]), "team")
        board = leaderboard(teams, verified=[{"team": "web", "kg": 0.5, "kwh": 0.0, "mintable": 0.4}],
                            minted=[{"team": "web", "token": "kgco2e", "amount": "0.25"},
                                    {"team": "web", "token": "kgco2e", "amount": "0.15"}],
                            open_recs=[{"team": "ml", "n": 3}])
        assert board["team"].tolist() == ["web", "data", "ml"]  # web verified most; then 1.0 < 5.0 kgCO2e
        assert board["rank"].tolist() == [1, 2, 3]
        web = board.iloc[0]
        assert web["minted_kgco2e"] == pytest.approx(0.4) and web["mintable_kgco2e"] == pytest.approx(0.4)
        assert board.set_index("team").loc["ml", "open_recommendations"] == 3


class TestTimeline:
    def test_running_totals_baseline_minus_estimates(self) -> None:
        from tests.plan_helpers import jobs

        frame = jobs([{"duration_h": 1.0}, {"duration_h": 1.0}])
        em = emissions([("ml", "us-east-1", 0, 1.0), ("ml", "us-east-1", 2, 3.0)])
        em["job_id"] = frame["job_id"].to_numpy()
        em["start_utc"] = frame["start_utc"].to_numpy()
        saving = rec("a", "ml", 0.5).model_copy(update={"from_start_utc": frame["start_utc"].iloc[0].to_pydatetime()})
        kg, usd = plan_timeline(em, frame, [saving])
        base = kg[kg["series"] == "baseline"]["kgco2e"].tolist()
        opt = kg[kg["series"] == "optimised"]["kgco2e"].tolist()
        assert base[-1] == pytest.approx(4.0) and opt[-1] == pytest.approx(3.5)
        assert usd[usd["series"] == "baseline"]["usd"].iloc[-1] - usd[usd["series"] == "optimised"]["usd"].iloc[-1] \
            == pytest.approx(0.5)

    def test_empty_without_emissions(self) -> None:
        kg, usd = plan_timeline(pd.DataFrame(), pd.DataFrame(), [])
        assert kg.empty and usd.empty and list(kg.columns) == ["time", "series", "kgco2e"]


class TestFindSeries:
    def series(self, value: float, start: datetime = T0, hours: int = 48) -> GridSeries:
        return GridSeries(region="DE", basis="lifecycle", start_utc=start, step_minutes=60, values=[value] * hours)

    def test_own_run_first_then_newest_and_coverage(self, ledger: Ledger) -> None:
        first = ledger.store_run("import-grid", {"n": 1}, series=[self.series(100.0)]).id
        ledger.store_run("import-grid", {"n": 2}, series=[self.series(200.0)])
        ledger.store_run("import-grid", {"n": 3}, series=[self.series(300.0, hours=6)])  # newest, short
        assert ledger.find_series("DE").values[0] == 300.0  # newest
        assert ledger.find_series("DE", run_id=first).values[0] == 100.0  # the run's own
        span = (pd.Timestamp(T0 + timedelta(hours=1)), pd.Timestamp(T0 + timedelta(hours=20, minutes=30)))
        assert ledger.find_series("DE", covering=span).values[0] == 200.0  # newest that covers
        assert ledger.find_series("DE", kind="forecast") is None
        assert ledger.find_series("FR") is None
        assert ledger.find_series("DE", run_id="nope", own_run_only=True) is None
