"""Boundary validation of the pydantic schemas: bad input names the field and the value."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from tools.regions import UnknownRegionError, check_region
from tools.schemas import (
    BlackoutWindow,
    EmissionRecord,
    GridSeries,
    Job,
    PolicySet,
    PriceSeries,
    Region,
    TelemetrySeries,
)

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def grid(**overrides: object) -> GridSeries:
    args: dict[str, object] = dict(region="eu-west-1", basis="lifecycle", start_utc=T0,
                                   step_minutes=60, values=[300.0, 280.0, 310.0])
    args.update(overrides)
    return GridSeries(**args)  # type: ignore[arg-type]


def job(**overrides: object) -> Job:
    args: dict[str, object] = dict(
        job_id="j1", team="ml", region="us-east-1", category="balanced", instance_type="m5.large",
        submit_utc=T0, start_utc=T0, duration_h=2.0, vcpus=2, memory_gb=8, utilisation=0.5,
        max_deferral_h=4, deadline_utc=T0 + timedelta(hours=6))
    args.update(overrides)
    return Job(**args)  # type: ignore[arg-type]


class TestGridSeries:
    def test_valid_series_round_trips_to_pandas(self) -> None:
        s = grid()
        assert s.end_utc == T0 + timedelta(hours=3)
        pd_series = s.to_pandas()
        assert list(pd_series.index.hour) == [0, 1, 2]
        assert pd_series.iloc[1] == 280.0

    def test_offset_timestamps_are_normalised_to_utc(self) -> None:
        cet = timezone(timedelta(hours=1))
        s = grid(start_utc=datetime(2026, 1, 5, 1, tzinfo=cet))
        assert s.start_utc == T0 and s.start_utc.tzinfo == UTC

    def test_naive_timestamp_rejected_naming_field_and_value(self) -> None:
        with pytest.raises(ValidationError, match=r"start_utc must be timezone-aware.*2026-01-05"):
            grid(start_utc=datetime(2026, 1, 5))

    @pytest.mark.parametrize("bad, pattern", [
        (math.nan, r"values\[1\] is nan"),
        (math.inf, r"values\[1\] is inf"),
        (-5.0, r"values\[1\] = -5.0 is negative"),
    ])
    def test_bad_values_rejected_with_index(self, bad: float, pattern: str) -> None:
        with pytest.raises(ValidationError, match=pattern):
            grid(values=[300.0, bad, 310.0])

    def test_unknown_region_rejected(self) -> None:
        with pytest.raises(ValidationError, match=r"region='mars-1' is not a known region"):
            grid(region="mars-1")

    def test_unknown_basis_rejected(self) -> None:
        with pytest.raises(ValidationError, match="basis"):
            grid(basis="marginal")

    def test_bounds_must_match_length(self) -> None:
        with pytest.raises(ValidationError, match="lower has 2 values but values has 3"):
            grid(lower=[1.0, 2.0], upper=[1.0, 2.0, 3.0])

    def test_empty_values_rejected(self) -> None:
        with pytest.raises(ValidationError, match="values"):
            grid(values=[])

    def test_content_hash_changes_with_content(self) -> None:
        assert grid().content_hash() == grid().content_hash()
        assert grid().content_hash() != grid(values=[300.0, 280.0, 310.5]).content_hash()
        assert grid().content_hash() != grid(basis="direct").content_hash()


class TestOtherSeries:
    def test_electricity_prices_may_be_negative(self) -> None:
        p = PriceSeries(region="DE", kind="electricity_usd_per_mwh", start_utc=T0,
                        step_minutes=60, values=[-10.0, 50.0])
        assert p.values[0] == -10.0

    def test_instance_prices_may_not_be_negative(self) -> None:
        with pytest.raises(ValidationError, match="negative"):
            PriceSeries(region="us-east-1", kind="instance_usd_per_hour",
                        instance_type="m5.large", start_utc=T0, step_minutes=60, values=[-1.0])

    def test_telemetry_energy(self) -> None:
        t = TelemetrySeries(cluster="c", start_utc=T0, step_minutes=5, values=[1200.0] * 12)
        assert t.energy_kwh() == pytest.approx(1.2)  # 1.2 kW for one hour

    def test_telemetry_rejects_nan(self) -> None:
        with pytest.raises(ValidationError, match=r"values\[0\] is nan"):
            TelemetrySeries(cluster="c", start_utc=T0, step_minutes=5, values=[math.nan])


class TestJob:
    def test_valid_job(self) -> None:
        assert job().region == "us-east-1"

    @pytest.mark.parametrize("field, value, pattern", [
        ("duration_h", -1.0, "duration_h"),
        ("duration_h", math.nan, "duration_h"),
        ("vcpus", 0, "vcpus"),
        ("memory_gb", -2.0, "memory_gb"),
        ("utilisation", 1.5, "utilisation"),
        ("region", "us-east1", r"region='us-east1' is not a known region"),
        ("category", "whenever", "category"),
        ("submit_utc", datetime(2026, 1, 5), "submit_utc must be timezone-aware"),
        ("data_gb", -0.1, "data_gb"),
    ])
    def test_bad_fields(self, field: str, value: object, pattern: str) -> None:
        with pytest.raises(ValidationError, match=pattern):
            job(**{field: value})

    def test_start_before_submit_rejected(self) -> None:
        with pytest.raises(ValidationError, match=r"start_utc=.* is before submit_utc"):
            job(start_utc=T0 - timedelta(hours=1))

    def test_deadline_too_early_rejected(self) -> None:
        with pytest.raises(ValidationError, match=r"deadline_utc=.* is before submit"):
            job(deadline_utc=T0 + timedelta(hours=1))

    def test_urgent_cannot_defer(self) -> None:
        with pytest.raises(ValidationError, match="urgent jobs cannot be deferred"):
            job(category="urgent")

    def test_extra_fields_rejected(self) -> None:
        with pytest.raises(ValidationError, match="colour"):
            job(colour="green")


class TestEmissionRecord:
    def test_interval_must_contain_central(self) -> None:
        base = dict(job_id="j", region="DE", basis="direct", intensity_g_per_kwh=300,
                    energy_kwh=1, energy_lower_kwh=0.8, energy_upper_kwh=1.2, operational_kg=0.3,
                    embodied_kg=0, emissions_kg=0.3, lower_kg=0.2, upper_kg=0.4, method="m")
        assert EmissionRecord(**base).emissions_kg == 0.3  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="emissions interval"):
            EmissionRecord(**{**base, "lower_kg": 0.35})  # type: ignore[arg-type]


class TestPolicySet:
    def test_allowed_regions_lookup(self) -> None:
        p = PolicySet(allowed_regions_by_team={"data": ["eu-west-1", "eu-north-1"]},
                      max_deferral_h_by_category={"sustainable": 24})
        assert p.allowed_regions("data") == ["eu-west-1", "eu-north-1"]
        assert p.allowed_regions("ml") is None

    def test_unknown_region_in_policy_rejected(self) -> None:
        with pytest.raises(ValidationError, match="not a known region"):
            PolicySet(allowed_regions_by_team={"data": ["eu-central-9"]})

    def test_negative_deferral_rejected(self) -> None:
        with pytest.raises(ValidationError, match=r"max_deferral_h_by_category\['balanced'\]"):
            PolicySet(max_deferral_h_by_category={"balanced": -1})

    def test_blackout_window_order(self) -> None:
        with pytest.raises(ValidationError, match="must be after start_utc"):
            BlackoutWindow(start_utc=T0, end_utc=T0)

    def test_negative_carbon_price_rejected(self) -> None:
        with pytest.raises(ValidationError, match="carbon_price_usd_per_t"):
            PolicySet(carbon_price_usd_per_t=-5)


def test_region_registry() -> None:
    assert Region(name="eu-north-1").name == "eu-north-1"
    assert check_region("DE") == "DE"
    with pytest.raises(UnknownRegionError, match="known"):
        check_region("nowhere")
