"""The simulator: determinism, sizes, shapes and the properties later stages rely on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from tools.catalog import (
    EGRESS_USD_PER_GB,
    INSTANCES,
    UnknownInstanceTypeError,
    egress_cost_usd,
    instance_price_usd_per_h,
    jobs_cost_usd,
    price_table,
)
from tools.jobs import validate_jobs_frame
from tools.regions import SIMULATED_REGIONS, region_info
from tools.simulate import (
    SimClock,
    SimulatedFleet,
    SimulationConfig,
    TelemetryChange,
    cluster_power_series,
    simulate,
    simulate_grid,
    simulate_jobs,
    simulate_telemetry,
)


@pytest.fixture(scope="module")
def month() -> SimulatedFleet:
    return simulate(SimulationConfig(days=30, seed=1), with_telemetry=False)


class TestDeterminism:
    def test_same_seed_identical(self, small_config: SimulationConfig) -> None:
        a, b = simulate(small_config), simulate(small_config)
        pd.testing.assert_frame_equal(a.jobs, b.jobs)
        pd.testing.assert_frame_equal(a.telemetry, b.telemetry)
        for region in a.realised:
            assert a.realised[region] == b.realised[region]
            assert a.forecast[region] == b.forecast[region]

    def test_different_seed_differs(self, small_config: SimulationConfig) -> None:
        other = small_config.model_copy(update={"seed": small_config.seed + 1})
        a, b = simulate_jobs(small_config), simulate_jobs(other)
        assert len(a) != len(b) or not a["duration_h"].equals(b["duration_h"])
        assert simulate_grid(small_config)[0]["us-east-1"] != simulate_grid(other)[0]["us-east-1"]

    def test_regions_have_independent_streams(self) -> None:
        five = SimulationConfig(days=2, seed=3)
        two = SimulationConfig(days=2, seed=3, regions=("us-east-1", "us-west-2"))
        assert simulate_grid(five)[0]["us-west-2"] == simulate_grid(two)[0]["us-west-2"]


class TestJobs:
    def test_thirty_days_about_thirty_thousand_jobs(self, month: SimulatedFleet) -> None:
        # Poisson total with mean 30,000: sd ~173, so +-1,000 is > 5 sd.
        assert 29_000 <= len(month.jobs) <= 31_000

    def test_frame_is_valid_and_ids_unique(self, month: SimulatedFleet) -> None:
        frame = validate_jobs_frame(month.jobs)
        assert frame["job_id"].is_unique
        assert set(frame["region"]) == {r.name for r in SIMULATED_REGIONS}
        assert set(frame["category"]) == {"urgent", "balanced", "sustainable"}

    def test_deferral_windows_by_category(self, month: SimulatedFleet) -> None:
        jobs = month.jobs
        assert (jobs.loc[jobs.category == "urgent", "max_deferral_h"] == 0).all()
        assert set(jobs.loc[jobs.category == "balanced", "max_deferral_h"]) == {2.0, 4.0, 6.0}
        assert set(jobs.loc[jobs.category == "sustainable", "max_deferral_h"]) == {12.0, 24.0, 48.0}
        slack = (jobs.deadline_utc - jobs.submit_utc).dt.total_seconds() / 3600 - jobs.duration_h
        np.testing.assert_allclose(slack, jobs.max_deferral_h, atol=1e-3)

    def test_instance_sizes_come_from_catalog(self, month: SimulatedFleet) -> None:
        jobs = month.jobs
        expected = jobs.instance_type.map(lambda t: INSTANCES[t].vcpus)
        assert (jobs.vcpus == expected).all()
        assert ((jobs.gpus > 0) == jobs.instance_type.str.match(r"^(p3|g5)\.")).all()

    def test_durations_and_utilisation_in_range(self, month: SimulatedFleet) -> None:
        jobs = month.jobs
        assert jobs.duration_h.between(5 / 60 - 1e-9, 72).all()
        assert jobs.utilisation.between(0, 1).all()
        median = jobs.loc[jobs.team == "web", "duration_h"].median()
        assert 0.15 < median < 0.4  # log-normal with median 0.25 h

    def test_arrivals_busier_on_workdays(self, month: SimulatedFleet) -> None:
        day = month.jobs.submit_utc.dt.day_of_week
        per_day = month.jobs.groupby(month.jobs.submit_utc.dt.date).size()
        weekend = per_day[pd.to_datetime(per_day.index).day_of_week >= 5].mean()
        workday = per_day[pd.to_datetime(per_day.index).day_of_week < 5].mean()
        assert weekend < workday * 0.8
        assert day.nunique() == 7

    def test_arrival_count_scales_with_rate(self) -> None:
        jobs = simulate_jobs(SimulationConfig(days=7, seed=5, jobs_per_day=200))
        assert 1_200 <= len(jobs) <= 1_600


class TestGrid:
    def test_means_near_base_intensity(self, month: SimulatedFleet) -> None:
        for region, series in month.realised.items():
            base = region_info(region).base_intensity_g_per_kwh
            assert np.mean(series.values) == pytest.approx(base, rel=0.15), region

    def test_series_cover_every_job_window(self, month: SimulatedFleet) -> None:
        latest = month.jobs.deadline_utc.max()
        for series in month.realised.values():
            assert pd.Timestamp(series.end_utc) >= latest

    def test_solar_region_cleaner_at_local_noon(self, month: SimulatedFleet) -> None:
        s = month.realised["us-west-2"].to_pandas()
        local_hour = (s.index.hour + int(region_info("us-west-2").utc_offset_h)) % 24
        assert s[local_hour == 12].mean() < 0.85 * s[local_hour == 0].mean()

    def test_forecast_error_matches_configuration(self, month: SimulatedFleet) -> None:
        errs = []
        for region in month.realised:
            real = np.asarray(month.realised[region].values)
            pred = np.asarray(month.forecast[region].values)
            errs.append(np.log(pred / real))
        sd = float(np.std(np.concatenate(errs)))
        assert sd == pytest.approx(0.10, rel=0.3)
        f = month.forecast["eu-west-1"]
        assert f.kind == "forecast" and f.lower is not None and f.upper is not None
        assert all(lo <= v <= hi for lo, v, hi in zip(f.lower, f.values, f.upper, strict=True))

    def test_perfect_forecast_when_error_zero(self) -> None:
        real, fc = simulate_grid(SimulationConfig(days=2, seed=1, forecast_error=0.0))
        assert real["ap-south-1"].values == pytest.approx(fc["ap-south-1"].values)

    def test_basis_and_kind_labels(self, month: SimulatedFleet) -> None:
        assert {s.basis for s in month.realised.values()} == {"lifecycle"}
        assert {s.kind for s in month.realised.values()} == {"realised"}


class TestPrices:
    def test_region_multiplier(self) -> None:
        assert instance_price_usd_per_h("us-east-1", "m5.large") == pytest.approx(0.096)
        assert instance_price_usd_per_h("eu-west-1", "m5.large") == pytest.approx(0.096 * 1.11)
        with pytest.raises(UnknownInstanceTypeError, match=r"m9\.huge"):
            instance_price_usd_per_h("us-east-1", "m9.huge")

    def test_price_table_shape(self) -> None:
        table = price_table()
        assert table.shape == (len(INSTANCES), len(SIMULATED_REGIONS))
        assert (table.to_numpy() > 0).all()

    def test_job_cost_at_on_demand_prices(self) -> None:
        jobs = pd.DataFrame({"region": ["us-east-1", "eu-west-1"], "instance_type": ["m5.large", "m5.large"],
                             "duration_h": [2.0, 3.0]})
        assert jobs_cost_usd(jobs).tolist() == pytest.approx([2 * 0.096, 3 * 0.096 * 1.11])
        assert jobs_cost_usd(jobs, region="eu-north-1").tolist() == pytest.approx(
            [2 * 0.096 * 1.06, 3 * 0.096 * 1.06])

    def test_egress_only_on_region_move(self) -> None:
        cost = egress_cost_usd([10.0, 10.0], ["us-east-1", "us-east-1"], ["eu-west-1", "us-east-1"])
        assert cost.tolist() == [10.0 * EGRESS_USD_PER_GB, 0.0]

    def test_electricity_prices_track_intensity(self, month: SimulatedFleet) -> None:
        mean_price = {r: np.mean(p.values) for r, p in month.electricity_prices.items()}
        assert mean_price["ap-south-1"] > mean_price["eu-north-1"]


class TestTelemetry:
    def test_shape_and_bounds(self) -> None:
        config = SimulationConfig(days=2, seed=2)
        tele = simulate_telemetry(config)
        assert set(tele.cluster) == {"gpu-a", "cpu-b"}
        assert tele.node.nunique() == 8 + 16
        assert len(tele) == (8 + 16) * 2 * 288
        steps = tele[tele.node == "gpu-a-00"].ts_utc.diff().dropna().unique()
        assert list(steps) == [pd.Timedelta(minutes=5)]
        gpu = tele[tele.cluster == "gpu-a"].power_w
        assert gpu.min() >= 0 and 350 * 0.8 < gpu.mean() < 2800

    def test_intervention_cuts_power_after_its_start(self) -> None:
        start = datetime(2026, 1, 6, tzinfo=UTC)
        change = TelemetryChange(cluster="gpu-a", start_utc=start, dynamic_power_reduction=0.3)
        base = simulate_telemetry(SimulationConfig(days=2, seed=2))
        cut = simulate_telemetry(SimulationConfig(days=2, seed=2, telemetry_changes=(change,)))
        before = base.ts_utc < start
        pd.testing.assert_series_equal(base[before].power_w, cut[before].power_w)
        gpu_after = (~before) & (base.cluster == "gpu-a")
        dyn_base = (base[gpu_after].power_w - 350).mean()
        dyn_cut = (cut[gpu_after].power_w - 350).mean()
        assert dyn_cut == pytest.approx(0.7 * dyn_base, rel=0.02)
        cpu_after = (~before) & (base.cluster == "cpu-b")
        pd.testing.assert_series_equal(base[cpu_after].power_w, cut[cpu_after].power_w)


class TestClock:
    def test_advance_and_fast_forward(self) -> None:
        clock = SimClock(datetime(2026, 1, 5, tzinfo=UTC))
        assert clock.advance(1.5) == datetime(2026, 1, 5, 1, 30, tzinfo=UTC)
        target = datetime(2026, 2, 1, tzinfo=UTC)
        assert clock.fast_forward_to(target) == target
        with pytest.raises(ValueError, match="before now_utc"):
            clock.fast_forward_to(target - timedelta(hours=1))
        with pytest.raises(ValueError, match="negative"):
            clock.advance(-1)
        with pytest.raises(ValueError, match="naive"):
            clock.fast_forward_to(datetime(2026, 3, 1))

    def test_observed_intensity_never_shows_the_future(self, small_fleet: SimulatedFleet) -> None:
        fleet = SimulatedFleet(small_fleet.config, small_fleet.jobs, small_fleet.realised,
                               small_fleet.forecast, small_fleet.electricity_prices,
                               small_fleet.telemetry)
        assert fleet.observed_intensity("us-east-1").empty
        fleet.clock.advance(5.5)
        seen = fleet.observed_intensity("us-east-1")
        assert len(seen) == 5  # only the five whole hours that have ended
        assert seen.tolist() == fleet.realised["us-east-1"].values[:5]


class TestClusterPower:
    def test_cluster_total_is_the_sum_of_its_nodes(self) -> None:
        tele = simulate_telemetry(SimulationConfig(days=1, seed=3))
        series = cluster_power_series(tele, "cpu-b")
        assert series.step_minutes == 5 and len(series.values) == 288
        first = tele[(tele.cluster == "cpu-b") & (tele.ts_utc == tele.ts_utc.min())].power_w.sum()
        assert series.values[0] == pytest.approx(first)
        expected_kwh = tele[tele.cluster == "cpu-b"].power_w.sum() * 5 / 60 / 1000
        assert series.energy_kwh() == pytest.approx(expected_kwh)

    def test_unknown_cluster(self) -> None:
        tele = simulate_telemetry(SimulationConfig(days=1, seed=3))
        with pytest.raises(ValueError, match="cluster='nope' has no telemetry"):
            cluster_power_series(tele, "nope")
