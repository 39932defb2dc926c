"""The accountant: every formula against hand-computed cases, plus properties and bad input."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.account import (
    PROFILES,
    AccountingError,
    Bounds,
    account_jobs,
    aggregate,
    average_intensity,
    embodied_kg,
    emission_records,
    energy_kwh,
    totals,
)
from tools.jobs import JobDataError
from tools.schemas import GridSeries
from tools.simulate import SimulatedFleet

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def flat_grid(region: str, value: float, hours: int = 48, basis: str = "lifecycle") -> GridSeries:
    return GridSeries(region=region, basis=basis, start_utc=T0, step_minutes=60,  # type: ignore[arg-type]
                      values=[value] * hours)


def jobs_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    base: dict[str, object] = dict(
        team="ml", region="us-east-1", provider="aws", category="balanced",
        instance_type="m5.large", submit_utc=T0, start_utc=T0, duration_h=1.0, vcpus=2,
        memory_gb=0.0, gpus=0, utilisation=0.5, max_deferral_h=0.0, data_gb=0.0,
        interruptible=False)
    out = []
    for i, row in enumerate(rows):
        r = {**base, "job_id": f"j{i}", **row}
        hours = float(r["duration_h"])  # type: ignore[arg-type]
        slack = timedelta(hours=(hours if math.isfinite(hours) else 0.0) + 1)
        r.setdefault("deadline_utc", r["submit_utc"] + slack)  # type: ignore[operator]
        out.append(r)
    return pd.DataFrame(out)


class TestEnergyFormula:
    def test_ccf_worked_case(self) -> None:
        # DESIGN.md: 100 vCPU-h at 50% on AWS = 0.2406 kWh (x PUE) -> 91.2 gCO2e at 379.069 g/kWh.
        kwh = float(energy_kwh(1.0, 100, 0.5, PROFILES["aws"]))
        assert kwh == pytest.approx(0.2406, abs=5e-5)
        assert kwh * 379.069 == pytest.approx(91.2, abs=0.05)

    def test_ccf_worked_case_through_account_jobs(self) -> None:
        jobs = jobs_frame([{"vcpus": 100, "duration_h": 1.0, "utilisation": 0.5}])
        out = account_jobs(jobs, {"us-east-1": flat_grid("us-east-1", 379.069)},
                           include_embodied=False)
        assert out.loc[0, "energy_kwh"] == pytest.approx(0.2406, abs=5e-5)
        assert out.loc[0, "emissions_kg"] * 1000 == pytest.approx(91.2, abs=0.05)

    @pytest.mark.parametrize("provider, expected_kwh", [
        ("gcp", (0.68 + 0.5 * (4.11 - 0.68)) * 100 / 1000 * 1.1),
        ("azure", (0.74 + 0.5 * (3.54 - 0.74)) * 100 / 1000 * 1.185),
    ])
    def test_other_providers(self, provider: str, expected_kwh: float) -> None:
        assert float(energy_kwh(1.0, 100, 0.5, PROFILES[provider])) == pytest.approx(expected_kwh)

    @pytest.mark.parametrize("u", [0.0, 0.3, 1.0])
    def test_seed_profile_is_flat_5w_per_vcpu(self, u: float) -> None:
        # 10 vCPU x 2 h x 0.005 kW x PUE 1.1 = 0.11 kWh regardless of load; no memory term.
        kwh = float(energy_kwh(2.0, 10, u, PROFILES["seed"], memory_gb=64))
        assert kwh == pytest.approx(0.11)

    def test_memory_term(self) -> None:
        with_mem = float(energy_kwh(2.0, 4, 0.5, PROFILES["aws"], memory_gb=16))
        without = float(energy_kwh(2.0, 4, 0.5, PROFILES["aws"]))
        assert with_mem - without == pytest.approx(16 * 2 * 0.000392 * 1.135)

    def test_gpu_term(self) -> None:
        # one GPU for one hour at full load: 300 W -> 0.3 kWh x PUE
        extra = float(energy_kwh(1.0, 1, 1.0, PROFILES["aws"], gpus=1)) - float(
            energy_kwh(1.0, 1, 1.0, PROFILES["aws"]))
        assert extra == pytest.approx(0.3 * 1.135)

    def test_gpu_cap_limits_the_gpu_draw(self) -> None:
        # at full load a GPU draws 300 W; capped at 210 W it draws 210 W for the hour
        capped = float(energy_kwh(1.0, 1, 1.0, PROFILES["aws"], gpus=2, gpu_cap_w=210.0))
        uncapped = float(energy_kwh(1.0, 1, 1.0, PROFILES["aws"], gpus=2))
        assert uncapped - capped == pytest.approx(2 * (0.300 - 0.210) * 1.135)
        # a cap above the draw changes nothing
        assert float(energy_kwh(1.0, 1, 0.1, PROFILES["aws"], gpus=1, gpu_cap_w=210.0)) == pytest.approx(
            float(energy_kwh(1.0, 1, 0.1, PROFILES["aws"], gpus=1)))

    def test_embodied_sci(self) -> None:
        # M = TE x TR/EL x RR/ToR = 1200 kg x 10 h / 35040 h x 48/96
        assert float(embodied_kg(10.0, 48, PROFILES["aws"])) == pytest.approx(
            1200 * 10 / 35040 * 0.5)
        # a job cannot take more than the whole host
        assert float(embodied_kg(10.0, 500, PROFILES["aws"])) == pytest.approx(1200 * 10 / 35040)


class TestAverageIntensity:
    series = GridSeries(region="DE", basis="direct", start_utc=T0, step_minutes=60,
                        values=[100.0, 200.0, 400.0])

    @pytest.mark.parametrize("start_h, end_h, expected", [
        (0.5, 1.5, 150.0),
        (0.0, 3.0, 700.0 / 3),
        (1.25, 1.75, 200.0),
        (2.0, 3.0, 400.0),
        (1.0, 1.0, 200.0),  # zero-length run: the value at that instant
    ])
    def test_time_weighted_mean(self, start_h: float, end_h: float, expected: float) -> None:
        start = pd.DatetimeIndex([T0 + timedelta(hours=start_h)])
        end = pd.DatetimeIndex([T0 + timedelta(hours=end_h)])
        assert average_intensity(self.series, start, end)[0] == pytest.approx(expected)

    def test_outside_coverage_is_an_error(self) -> None:
        start = pd.DatetimeIndex([T0 + timedelta(hours=2)])
        end = pd.DatetimeIndex([T0 + timedelta(hours=4)])
        with pytest.raises(AccountingError, match="outside the DE grid series"):
            average_intensity(self.series, start, end)


class TestAccountJobs:
    def test_job_spanning_hours_uses_time_weighted_intensity(self) -> None:
        grid = GridSeries(region="us-east-1", basis="lifecycle", start_utc=T0, step_minutes=60,
                          values=[100.0, 300.0, 300.0])
        jobs = jobs_frame([{"start_utc": T0 + timedelta(minutes=30), "duration_h": 1.0,
                            "submit_utc": T0}])
        out = account_jobs(jobs, {"us-east-1": grid}, include_embodied=False)
        assert out.loc[0, "intensity_g_per_kwh"] == pytest.approx(200.0)
        assert out.loc[0, "operational_kg"] == pytest.approx(out.loc[0, "energy_kwh"] * 0.2)

    def test_interval_widths(self) -> None:
        jobs = jobs_frame([{"vcpus": 8}])
        out = account_jobs(jobs, {"us-east-1": flat_grid("us-east-1", 400.0)},
                           bounds=Bounds(power_rel=0.2, intensity_rel=0.2), include_embodied=False)
        row = out.loc[0]
        assert row.energy_lower_kwh == pytest.approx(0.8 * row.energy_kwh)
        assert row.energy_upper_kwh == pytest.approx(1.2 * row.energy_kwh)
        assert row.lower_kg == pytest.approx((1 - math.sqrt(0.08)) * row.emissions_kg)
        assert row.upper_kg == pytest.approx((1 + math.sqrt(0.08)) * row.emissions_kg)

    def test_profile_override(self) -> None:
        jobs = jobs_frame([{"vcpus": 10, "duration_h": 2.0}])
        out = account_jobs(jobs, {"us-east-1": flat_grid("us-east-1", 100.0)}, profile="seed",
                           include_embodied=False)
        assert out.loc[0, "energy_kwh"] == pytest.approx(0.11)
        assert out.loc[0, "method"].endswith(":seed")

    def test_mixed_bases_refused(self) -> None:
        jobs = jobs_frame([{"region": "us-east-1"}, {"region": "eu-west-1"}])
        grid = {"us-east-1": flat_grid("us-east-1", 300.0),
                "eu-west-1": flat_grid("eu-west-1", 300.0, basis="direct")}
        with pytest.raises(AccountingError, match="mix intensity bases"):
            account_jobs(jobs, grid)
        with pytest.raises(AccountingError, match="requested basis 'lifecycle'"):
            account_jobs(jobs, grid, basis="lifecycle")

    def test_missing_region_refused(self) -> None:
        jobs = jobs_frame([{"region": "ap-south-1"}])
        with pytest.raises(AccountingError, match=r"no grid series for region\(s\) \['ap-south-1'\]"):
            account_jobs(jobs, {"us-east-1": flat_grid("us-east-1", 300.0)})

    def test_forecast_series_refused(self) -> None:
        forecast = flat_grid("us-east-1", 300.0).model_copy(update={"kind": "forecast"})
        with pytest.raises(AccountingError, match="needs realised series"):
            account_jobs(jobs_frame([{}]), {"us-east-1": forecast})

    @pytest.mark.parametrize("column, value, pattern", [
        ("utilisation", 1.5, "utilisation=1.5 must be within 0..1"),
        ("duration_h", 0.0, "duration_h=0.0 must be > 0"),
        ("region", "us-east1", "region='us-east1' is not a known region"),
        ("vcpus", 0, "vcpus=0 must be >= 1"),
        ("duration_h", float("nan"), "duration_h=nan is missing/NaN"),
    ])
    def test_bad_job_rows_name_row_and_value(self, column: str, value: object, pattern: str) -> None:
        jobs = jobs_frame([{}, {column: value}])
        with pytest.raises(JobDataError, match=rf"row 1 \(job_id='j1'\): {pattern}"):
            account_jobs(jobs, {"us-east-1": flat_grid("us-east-1", 300.0)})

    def test_naive_times_refused(self) -> None:
        jobs = jobs_frame([{}])
        for col in ("submit_utc", "start_utc", "deadline_utc"):
            jobs[col] = jobs[col].dt.tz_localize(None)
        with pytest.raises(JobDataError, match="naive"):
            account_jobs(jobs, {"us-east-1": flat_grid("us-east-1", 300.0)})

    def test_simulated_fleet_totals_and_groups(self, small_fleet: SimulatedFleet) -> None:
        out = account_jobs(small_fleet.jobs, small_fleet.realised)
        total = totals(out)
        assert total["jobs"] == len(small_fleet.jobs)
        assert total["lower_kg"] < total["emissions_kg"] < total["upper_kg"]
        for by in ("team", "region", "hour", "day"):
            agg = aggregate(out, by)  # type: ignore[arg-type]
            assert agg["emissions_kg"].sum() == pytest.approx(total["emissions_kg"])
            assert agg["jobs"].sum() == len(out)
        by_hour = aggregate(out, "hour")
        assert set(by_hour.index) <= set(range(24))
        # the cleanest region emits less per kWh than the dirtiest
        by_region = aggregate(out, "region")
        per_kwh = by_region["operational_kg"] / by_region["energy_kwh"]
        assert per_kwh["eu-north-1"] < per_kwh["ap-south-1"] / 5

    def test_aggregate_rejects_unknown_key(self, small_fleet: SimulatedFleet) -> None:
        out = account_jobs(small_fleet.jobs.head(10), small_fleet.realised)
        with pytest.raises(ValueError, match="by='colour'"):
            aggregate(out, "colour")  # type: ignore[arg-type]


job_inputs = st.fixed_dictionaries({
    "vcpus": st.integers(1, 128),
    "duration_h": st.floats(0.05, 20.0),
    "utilisation": st.floats(0.0, 1.0),
    "memory_gb": st.floats(0.0, 512.0),
    "gpus": st.integers(0, 8),
})


class TestProperties:
    @settings(max_examples=60, deadline=None)
    @given(job=job_inputs, k=st.floats(0.1, 3.0), intensity=st.floats(1.0, 1000.0))
    def test_emissions_linear_in_duration(self, job: dict[str, float], k: float,
                                          intensity: float) -> None:
        grid = {"us-east-1": flat_grid("us-east-1", intensity, hours=80)}
        one = account_jobs(jobs_frame([job]), grid)
        scaled = account_jobs(jobs_frame([{**job, "duration_h": job["duration_h"] * k}]), grid)
        for col in ("energy_kwh", "operational_kg", "embodied_kg", "emissions_kg"):
            assert scaled.loc[0, col] == pytest.approx(k * one.loc[0, col], rel=1e-9, abs=1e-12)

    @settings(max_examples=60, deadline=None)
    @given(job=job_inputs, k=st.floats(0.1, 10.0), intensity=st.floats(1.0, 1000.0))
    def test_operational_emissions_linear_in_intensity(self, job: dict[str, float], k: float,
                                                       intensity: float) -> None:
        a = account_jobs(jobs_frame([job]), {"us-east-1": flat_grid("us-east-1", intensity)})
        b = account_jobs(jobs_frame([job]), {"us-east-1": flat_grid("us-east-1", intensity * k)})
        assert b.loc[0, "operational_kg"] == pytest.approx(k * a.loc[0, "operational_kg"], rel=1e-9)
        assert b.loc[0, "energy_kwh"] == pytest.approx(a.loc[0, "energy_kwh"], rel=1e-12)

    @settings(max_examples=80, deadline=None)
    @given(job=job_inputs,
           values=st.lists(st.floats(0.0, 2000.0), min_size=30, max_size=30),
           offset_min=st.integers(0, 300),
           bounds=st.tuples(st.floats(0, 0.9), st.floats(0, 0.9), st.floats(0, 0.9)),
           profile=st.sampled_from(["auto", "aws", "gcp", "azure", "seed"]))
    def test_interval_always_contains_central(self, job: dict[str, float], values: list[float],
                                              offset_min: int, bounds: tuple[float, float, float],
                                              profile: str) -> None:
        grid = {"us-east-1": GridSeries(region="us-east-1", basis="lifecycle", start_utc=T0,
                                        step_minutes=60, values=values)}
        start = T0 + timedelta(minutes=offset_min)
        out = account_jobs(jobs_frame([{**job, "submit_utc": start, "start_utc": start}]), grid,
                           profile=profile,  # type: ignore[arg-type]
                           bounds=Bounds(power_rel=bounds[0], intensity_rel=bounds[1],
                                         embodied_rel=bounds[2]))
        row = out.loc[0]
        assert 0 <= row.lower_kg <= row.emissions_kg <= row.upper_kg
        assert 0 <= row.energy_lower_kwh <= row.energy_kwh <= row.energy_upper_kwh
        assert np.isfinite(out.select_dtypes("number").to_numpy()).all()


def test_emission_records_validate(small_fleet: SimulatedFleet) -> None:
    out = account_jobs(small_fleet.jobs.head(20), small_fleet.realised)
    records = emission_records(out)
    assert len(records) == 20
    assert records[3].job_id == out.loc[3, "job_id"]
    assert records[3].emissions_kg == pytest.approx(out.loc[3, "emissions_kg"])
    assert records[3].method.startswith("account-v1:")
