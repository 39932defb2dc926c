"""Tests for tools.sources.grid_csv: real-data readers, resampling, time zones, bad input."""

from __future__ import annotations

import csv
import hashlib
import itertools
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.conftest import require_real_data
from tools.schemas import GridSeries
from tools.sources import GridFileError, file_sha256, read_grid_csv

DATA = Path(__file__).resolve().parent / "data" / "grid"
LWA_HEADER = "Time,Carbon Intensity"
GENERIC_HEADER = "timestamp,value"


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def _generic(tmp_path: Path, rows: list[tuple[str, float]], **kwargs: Any) -> GridSeries:
    path = _write(tmp_path, "series.csv", [GENERIC_HEADER, *(f"{t},{v}" for t, v in rows)])
    options: dict[str, Any] = {"region": "DE", "basis": "direct", "tz": "UTC"}
    options.update(kwargs)
    return read_grid_csv(path, **options)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Hand-made cases with hand-computed expected values
# ---------------------------------------------------------------------------------------------


class TestResampling:
    def test_30_to_60_min_mean(self, tmp_path: Path) -> None:
        rows = [("2020-01-01 00:00", 10.0), ("2020-01-01 00:30", 20.0),
                ("2020-01-01 01:00", 30.0), ("2020-01-01 01:30", 40.0)]
        series = _generic(tmp_path, rows)
        assert series.start_utc == _utc("2020-01-01 00:00")
        assert series.step_minutes == 60
        assert series.values == pytest.approx([15.0, 35.0])

    def test_15_to_60_min_mean(self, tmp_path: Path) -> None:
        start = datetime(2020, 1, 1)
        rows = [((start + timedelta(minutes=15 * i)).isoformat(), float(i + 1)) for i in range(8)]
        series = _generic(tmp_path, rows)
        assert series.values == pytest.approx([2.5, 6.5])  # (1+2+3+4)/4, (5+6+7+8)/4

    @pytest.mark.parametrize(
        ("step", "expected"),
        [
            (60, [15.0, 45.0]),  # (10+20)/2; (30+40+50+60)/4
            (30, [10.0, 20.0, 35.0, 55.0]),
            (15, [10.0, 10.0, 20.0, 20.0, 30.0, 40.0, 50.0, 60.0]),
        ],
    )
    def test_mixed_30_and_15_min(self, step: int, expected: list[float]) -> None:
        series = read_grid_csv(DATA / "lwa_mixed_30_15.csv", region="GB", tz="UTC",
                               step_minutes=step)
        assert series.start_utc == _utc("2020-10-30 23:00")
        assert series.values == pytest.approx(expected)
        assert series.basis == "lifecycle"

    def test_upsampling_60_to_30_repeats_value(self, tmp_path: Path) -> None:
        rows = [("2020-01-01 00:00", 100.0), ("2020-01-01 01:00", 200.0)]
        series = _generic(tmp_path, rows, step_minutes=30)
        assert series.values == pytest.approx([100.0, 100.0, 200.0, 200.0])

    def test_tolerated_hole_holds_previous_value(self, tmp_path: Path) -> None:
        # 15-min data with 00:45 missing: 00:30's value lasts 30 min.
        times = ["00:00", "00:15", "00:30", "01:00", "01:15", "01:30", "01:45"]
        values = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]
        rows = [(f"2020-01-01 {t}", v) for t, v in zip(times, values, strict=True)]
        hourly = _generic(tmp_path, rows)
        assert hourly.values == pytest.approx([22.5, 55.0])  # (10+20+30+30)/4, (40+..+70)/4
        quarter = _generic(tmp_path, rows, step_minutes=15)
        assert quarter.values == pytest.approx([10, 20, 30, 30, 40, 50, 60, 70])

    def test_partly_covered_first_and_last_bins_are_dropped(self, tmp_path: Path) -> None:
        rows = [("2020-01-01 00:30", 10.0), ("2020-01-01 01:00", 20.0),
                ("2020-01-01 01:30", 30.0), ("2020-01-01 02:00", 40.0)]  # data end 02:30
        series = _generic(tmp_path, rows)
        assert series.start_utc == _utc("2020-01-01 01:00")
        assert series.values == pytest.approx([25.0])

    def test_off_grid_samples_are_time_weighted(self, tmp_path: Path) -> None:
        rows = [("2020-01-01 00:10", 10.0), ("2020-01-01 00:40", 20.0),
                ("2020-01-01 01:10", 30.0)]  # data end 01:40
        series = _generic(tmp_path, rows, step_minutes=30)
        assert series.start_utc == _utc("2020-01-01 00:30")
        # 00:30-01:00: 10 min of 10 + 20 min of 20; 01:00-01:30: 10 min of 20 + 20 min of 30
        assert series.values == pytest.approx([500 / 30, 800 / 30])

    def test_downsampling_to_a_day(self, tmp_path: Path) -> None:
        start = datetime(2020, 1, 1)
        rows = [((start + timedelta(hours=i)).isoformat(), float(i)) for i in range(48)]
        series = _generic(tmp_path, rows, step_minutes=24 * 60)
        assert series.values == pytest.approx([11.5, 35.5])

    def test_matches_pandas_resample_on_regular_data(self, tmp_path: Path) -> None:
        rng = np.random.default_rng(7)
        index = pd.date_range("2020-03-01 00:15", periods=500, freq="15min")
        raw = pd.Series(rng.uniform(50, 500, index.size), index=index)
        rows = [(t.isoformat(), float(v)) for t, v in zip(index, raw, strict=True)]
        series = _generic(tmp_path, rows)
        expected = raw.resample("60min").mean()[raw.resample("60min").count() == 4]
        assert series.start_utc == _utc("2020-03-01 01:00")
        assert series.values == pytest.approx(expected.to_numpy(), rel=1e-12)

    def test_bins_are_aligned_to_the_step_from_midnight_utc(self) -> None:
        # 120-min bins are 22:00-24:00 and 00:00-02:00: neither is fully covered (23:00-01:00).
        with pytest.raises(GridFileError, match="no 120-min interval is fully covered"):
            read_grid_csv(DATA / "lwa_mixed_30_15.csv", region="GB", tz="UTC", step_minutes=120)


class TestTimeZones:
    def test_naive_berlin_summer_is_shifted_to_utc(self) -> None:
        series = read_grid_csv(DATA / "generic_berlin_naive.csv", region="DE",
                               tz="Europe/Berlin", basis="lifecycle")
        assert series.start_utc == _utc("2020-06-01 00:00")  # 02:00 CEST = 00:00 UTC
        assert series.values == pytest.approx([150.0, 350.0])

    def test_naive_berlin_winter(self, tmp_path: Path) -> None:
        rows = [("2020-01-15 01:00", 1.0), ("2020-01-15 02:00", 2.0)]
        series = _generic(tmp_path, rows, tz="Europe/Berlin")
        assert series.start_utc == _utc("2020-01-15 00:00")  # CET = UTC+1

    def test_naive_local_across_spring_dst_is_continuous(self, tmp_path: Path) -> None:
        # 02:00-03:00 local does not exist on 2020-03-29: 01:00 and 03:00 are one hour apart.
        rows = [("2020-03-29 01:00", 1.0), ("2020-03-29 03:00", 2.0), ("2020-03-29 04:00", 3.0)]
        series = _generic(tmp_path, rows, tz="Europe/Berlin", max_gap_minutes=60)
        assert series.start_utc == _utc("2020-03-29 00:00")
        assert series.values == pytest.approx([1.0, 2.0, 3.0])

    def test_offsets_are_converted_and_tz_ignored(self, tmp_path: Path) -> None:
        # Berlin's spring DST change, written with offsets: one sample per UTC hour.
        rows = [("2020-03-29T00:00:00+01:00", 1.0), ("2020-03-29T01:00:00+01:00", 2.0),
                ("2020-03-29T03:00:00+02:00", 3.0), ("2020-03-29T02:00:00Z", 4.0)]
        series = _generic(tmp_path, rows, tz="America/New_York")
        assert series.start_utc == _utc("2020-03-28 23:00")
        assert series.values == pytest.approx([1.0, 2.0, 3.0, 4.0])

    def test_dacf_offset_fixture(self) -> None:
        series = read_grid_csv(DATA / "dacf_forecast_offset.csv", region="DE")
        assert series.start_utc == _utc("2021-07-01 00:00")
        assert series.values == pytest.approx([334.8, 286.93, 300.0])
        assert (series.basis, series.kind) == ("direct", "realised")

    def test_dacf_naive_defaults_to_utc(self, tmp_path: Path) -> None:
        lines = [",UTC time,carbon_intensity", "0,2021-07-01 00:00:00,10",
                 "1,2021-07-01 01:00:00,20"]
        path = _write(tmp_path, "CISO_x.csv", lines)
        assert read_grid_csv(path, region="CISO").start_utc == _utc("2021-07-01 00:00")
        assert read_grid_csv(path, region="CISO", tz="UTC").values == pytest.approx([10, 20])
        with pytest.raises(GridFileError, match=r"CISO_x\.csv: .*UTC by definition"):
            read_grid_csv(path, region="CISO", tz="Europe/Berlin")

    def test_lwa_without_tz_is_refused(self) -> None:
        with pytest.raises(GridFileError, match=r"lwa_mixed_30_15\.csv line 2: .*no time zone"):
            read_grid_csv(DATA / "lwa_mixed_30_15.csv", region="GB")

    def test_unknown_time_zone(self, tmp_path: Path) -> None:
        with pytest.raises(GridFileError, match="unknown time zone"):
            _generic(tmp_path, [("2020-01-01 00:00", 1.0), ("2020-01-01 01:00", 1.0)],
                     tz="Mars/Olympus")


class TestFormatsAndLabels:
    def test_source_names_file_and_hash(self) -> None:
        path = DATA / "lwa_mixed_30_15.csv"
        full = hashlib.sha256(path.read_bytes()).hexdigest()
        assert file_sha256(path) == full
        series = read_grid_csv(path, region="GB", tz="UTC")
        assert series.source == f"lwa_mixed_30_15.csv sha256:{full[:16]}"

    @pytest.mark.parametrize(
        ("fixture", "fmt", "kwargs"),
        [
            ("lwa_mixed_30_15.csv", "lwa", {"tz": "UTC"}),
            ("dacf_forecast_offset.csv", "dacf", {}),
            ("generic_berlin_naive.csv", "generic", {"tz": "UTC", "basis": "direct"}),
        ],
    )
    def test_explicit_format_equals_auto(self, fixture: str, fmt: Any, kwargs: Any) -> None:
        auto = read_grid_csv(DATA / fixture, region="DE", **kwargs)
        explicit = read_grid_csv(DATA / fixture, region="DE", fmt=fmt, **kwargs)
        assert auto == explicit

    def test_forecast_column_defaults_to_forecast_kind(self) -> None:
        path = DATA / "dacf_forecast_offset.csv"
        series = read_grid_csv(path, region="DE", column="carbon_from_src_forecasts")
        assert series.kind == "forecast"
        assert series.values == pytest.approx([289.74, 280.96, 290.0])
        with pytest.raises(GridFileError, match="forecast"):
            read_grid_csv(path, region="DE", column="carbon_from_src_forecasts", kind="realised")

    @pytest.mark.parametrize(
        ("fixture", "kwargs", "fragment"),
        [
            ("lwa_mixed_30_15.csv", {"tz": "UTC", "basis": "direct"}, "lifecycle"),
            ("dacf_forecast_offset.csv", {"basis": "lifecycle"}, "direct"),
            ("generic_berlin_naive.csv", {"tz": "UTC"}, "pass basis"),
            ("dacf_forecast_offset.csv", {"column": "avg_solar_production_forecast"}, "choose"),
            ("lwa_mixed_30_15.csv", {"tz": "UTC", "fmt": "dacf"}, "missing column 'UTC time'"),
        ],
    )
    def test_refused_combinations(self, fixture: str, kwargs: Any, fragment: str) -> None:
        with pytest.raises(GridFileError) as info:
            read_grid_csv(DATA / fixture, region="DE", **kwargs)
        assert fixture in str(info.value)
        assert fragment in str(info.value)

    def test_unknown_region_is_refused(self) -> None:
        with pytest.raises(ValueError, match="us-east1"):
            read_grid_csv(DATA / "lwa_mixed_30_15.csv", region="us-east1", tz="UTC")


# ---------------------------------------------------------------------------------------------
# Bad input: every problem names the file and the right line
# ---------------------------------------------------------------------------------------------

T = [f"2020-01-01 {h:02d}:{m:02d}:00" for h in range(3) for m in (0, 15, 30, 45)]
BAD_CASES: list[tuple[str, list[str], dict[str, Any], int | None, list[str]]] = [
    ("empty", [], {}, 1, ["empty"]),
    ("blank_lines_only", ["", "  ", ""], {}, 1, ["empty"]),
    ("header_only", [LWA_HEADER], {}, 2, ["no data rows"]),
    ("missing_column", ["Time,CI", f"{T[0]},1", f"{T[1]},2"], {"fmt": "lwa"}, 1,
     ["missing column 'Carbon Intensity'", "columns found: 'Time', 'CI'"]),
    ("unknown_header", ["when,what", f"{T[0]},1"], {}, 1, ["columns found: 'when', 'what'"]),
    ("bad_time", [LWA_HEADER, f"{T[0]},1", "abc,2", f"{T[2]},3"], {}, 3,
     ["unparsable time 'abc' in column 'Time'"]),
    ("empty_time", [LWA_HEADER, f"{T[0]},1", f"{T[1]},2", ",3"], {}, 4, ["unparsable time ''"]),
    ("blank_line_inside", [LWA_HEADER, f"{T[0]},1", "", f"{T[1]},2"], {}, 3,
     ["unparsable time ''"]),
    ("non_numeric", [LWA_HEADER, f"{T[0]},1", f"{T[1]},x", f"{T[2]},3"], {}, 3,
     ["non-numeric value 'x' in column 'Carbon Intensity'"]),
    ("empty_value", [LWA_HEADER, f"{T[0]},1", f"{T[1]},", f"{T[2]},3"], {}, 3, ["empty value"]),
    ("missing_field", [LWA_HEADER, f"{T[0]},1", f"{T[1]},2", f"{T[2]}"], {}, 4, ["empty value"]),
    ("nan_value", [LWA_HEADER, f"{T[0]},1", f"{T[1]},2", f"{T[2]},NaN"], {}, 4,
     ["NaN value 'NaN'"]),
    ("inf_value", [LWA_HEADER, f"{T[0]},1", f"{T[1]},inf"], {}, 3, ["infinite value 'inf'"]),
    ("negative", [LWA_HEADER, f"{T[0]},1", f"{T[1]},-5", f"{T[2]},3"], {}, 3,
     ["negative value '-5'"]),
    ("extra_field", [LWA_HEADER, f"{T[0]},1", f"{T[1]},1,5"], {}, 3, ["number of fields"]),
    ("duplicate_adjacent", [LWA_HEADER, f"{T[0]},1", f"{T[1]},2", f"{T[1]},3"], {}, 4,
     ["duplicate time", "line 3"]),
    ("duplicate_later", [LWA_HEADER, f"{T[0]},1", f"{T[1]},2", f"{T[2]},3", f"{T[1]},4"], {}, 5,
     ["duplicate time", "line 3"]),
    ("not_increasing", [LWA_HEADER, f"{T[0]},1", f"{T[2]},2", f"{T[1]},3"], {}, 4,
     ["not after", "line 3"]),
    ("gap", [LWA_HEADER, f"{T[0]},1", f"{T[1]},2", f"{T[6]},3", f"{T[7]},4"], {}, 4,
     ["75 min", f"'{T[1]}' (line 3)", f"'{T[6]}'", "max_gap_minutes=60"]),
    ("gap_with_smaller_limit", [LWA_HEADER, f"{T[0]},1", f"{T[2]},2", f"{T[3]},3"],
     {"max_gap_minutes": 15}, 3, ["30 min"]),
    ("single_row", [LWA_HEADER, f"{T[0]},1"], {}, 2, ["only one sample"]),
    ("no_tz", [LWA_HEADER, f"{T[0]},1", f"{T[1]},2"], {"tz": None}, 2, ["no time zone", "tz"]),
    ("mixed_offsets", [LWA_HEADER, f"{T[0]},1", f"{T[1]}+00:00,2"], {}, 3, ["mixes naive"]),
    ("dst_ambiguous", [LWA_HEADER, "2020-10-25 02:00:00,1", "2020-10-25 02:30:00,2"],
     {"tz": "Europe/Berlin"}, 2, ["'2020-10-25 02:00:00'", "ambiguous"]),
    ("dst_nonexistent", [LWA_HEADER, "2020-03-29 01:30:00,1", "2020-03-29 02:30:00,2"],
     {"tz": "Europe/Berlin"}, 3, ["'2020-03-29 02:30:00'", "does not exist"]),
    ("no_full_bin", [LWA_HEADER, f"{T[1]},1", f"{T[2]},2"], {}, None, ["fully covered"]),
]


class TestBadInput:
    @pytest.mark.parametrize(
        ("name", "lines", "kwargs", "line", "fragments"), BAD_CASES, ids=[c[0] for c in BAD_CASES]
    )
    def test_error_names_file_and_line(
        self, tmp_path: Path, name: str, lines: list[str], kwargs: dict[str, Any],
        line: int | None, fragments: list[str],
    ) -> None:
        path = _write(tmp_path, f"bad_{name}.csv", lines)
        options: dict[str, Any] = {"region": "DE", "tz": "UTC"}
        options.update(kwargs)
        with pytest.raises(GridFileError) as info:
            read_grid_csv(path, **options)
        err = info.value
        assert err.path == path
        assert err.line == line
        prefix = f"bad_{name}.csv" if line is None else f"bad_{name}.csv line {line}: "
        assert str(err).startswith(prefix)
        for fragment in fragments:
            assert fragment in str(err)

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(GridFileError) as info:
            read_grid_csv(tmp_path / "nope.csv", region="DE", tz="UTC")
        assert info.value.line is None
        assert str(info.value).startswith("nope.csv: file not found")

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "latin1.csv"
        path.write_bytes(f"{LWA_HEADER}\n{T[0]},1\n{T[1]},\xb5\n".encode("latin-1"))
        with pytest.raises(GridFileError, match=r"latin1\.csv line 3: .*UTF-8"):
            read_grid_csv(path, region="DE", tz="UTC")

    def test_trailing_blank_lines_and_crlf_are_fine(self, tmp_path: Path) -> None:
        path = tmp_path / "crlf.csv"
        path.write_bytes(f"{LWA_HEADER}\r\n{T[0]},1\r\n{T[1]},3\r\n\r\n\r\n".encode())
        series = read_grid_csv(path, region="DE", tz="UTC", step_minutes=30)
        assert series.values == pytest.approx([2.0])

    @pytest.mark.parametrize("kwargs", [{"step_minutes": 0}, {"max_gap_minutes": 0}])
    def test_bad_arguments(self, kwargs: dict[str, Any]) -> None:
        with pytest.raises(ValueError, match=next(iter(kwargs))):
            read_grid_csv(DATA / "lwa_mixed_30_15.csv", region="GB", tz="UTC", **kwargs)


# ---------------------------------------------------------------------------------------------
# Real data (../shared/data/real); expected values recomputed here with the csv module
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_dir() -> Path:
    return require_real_data()


def _raw(path: Path, time_col: str, value_col: str) -> list[tuple[datetime, float]]:
    """(UTC time, value) rows of a CSV, parsed with the csv module only."""
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [(datetime.fromisoformat(r[time_col]).replace(tzinfo=UTC), float(r[value_col]))
            for r in rows]


def _interval_mean(rows: list[tuple[datetime, float]], start: datetime, end: datetime) -> float:
    """Duration-weighted mean of the piecewise-constant samples over [start, end)."""
    total = 0.0
    for (t0, v), (t1, _) in itertools.pairwise(rows):
        overlap = (min(t1, end) - max(t0, start)).total_seconds()
        if overlap > 0:
            total += v * overlap
    return total / (end - start).total_seconds()


LWA = [("ger_ci.csv", "DE", "bb9aa67ed4ce191d", 313.4),
       ("gb_ci.csv", "GB", "5c771b6d31c60823", 212.9),
       ("fr_ci.csv", "FR", "c097e7f5c64afdfb", 56.3)]
DACF_HOURLY = [("CISO", "09b69575aa3a7416"), ("ERCO", "f9c7c6b1dac61915"),
               ("PJM", "92bb6bd4454fb4ee"), ("SE", "c422a99460d3bc90")]
DACF_MAPE = {"CISO": 7.41, "PJM": 3.30, "ERCO": 8.05, "ISNE": 4.44, "SE": 6.47, "DE": 9.08}


@pytest.mark.realdata
class TestLetsWaitAwhile:
    @pytest.mark.parametrize(("name", "region", "sha16", "mean_2020"), LWA)
    def test_hourly_series(
        self, real_dir: Path, name: str, region: str, sha16: str, mean_2020: float
    ) -> None:
        path = real_dir / "lets-wait-awhile" / name
        series = read_grid_csv(path, region=region, tz="UTC")
        assert (series.region, series.basis, series.kind) == (region, "lifecycle", "realised")
        assert series.source == f"{name} sha256:{sha16}"  # the hash listed in SOURCES.md
        assert file_sha256(path).startswith(sha16)
        rows = _raw(path, "Time", "Carbon Intensity")
        end = rows[-1][0] + (rows[-1][0] - rows[-2][0])
        first_hour = rows[0][0].replace(minute=0, second=0)
        first_hour += timedelta(hours=0 if first_hour == rows[0][0] else 1)
        assert series.start_utc == first_hour
        assert len(series.values) == (end - first_hour) // timedelta(hours=1)
        hour = _utc("2020-06-01 00:00")
        index = int((hour - series.start_utc) / timedelta(hours=1))
        expected = _interval_mean(rows, hour, hour + timedelta(hours=1))
        assert series.values[index] == pytest.approx(expected, rel=1e-9)

    @pytest.mark.parametrize(("name", "region", "sha16", "mean_2020"), LWA)
    def test_2020_mean_matches_published(
        self, real_dir: Path, name: str, region: str, sha16: str, mean_2020: float
    ) -> None:
        series = read_grid_csv(real_dir / "lets-wait-awhile" / name, region=region, tz="UTC",
                               step_minutes=30)
        year = series.to_pandas()["2020-01-01":"2020-12-31"]
        assert float(year.mean()) == pytest.approx(mean_2020, abs=0.05)

    def test_ger_missing_sample_is_held(self, real_dir: Path) -> None:
        path = real_dir / "lets-wait-awhile" / "ger_ci.csv"
        raw = dict(_raw(path, "Time", "Carbon Intensity"))
        # The file lacks both 23:15 and 23:45 on 2020-12-19 (two 30-min intervals).
        assert _utc("2020-12-19 23:15") not in raw and _utc("2020-12-19 23:45") not in raw
        series = read_grid_csv(path, region="DE", tz="UTC").to_pandas()
        expected = (raw[_utc("2020-12-19 23:00")] + raw[_utc("2020-12-19 23:30")]) / 2
        assert series[pd.Timestamp("2020-12-19 23:00", tz="UTC")] == pytest.approx(expected)
        with pytest.raises(GridFileError, match="line 35135: gap of 30 min"):
            read_grid_csv(path, region="DE", tz="UTC", max_gap_minutes=15)

    def test_gb_resolution_switch(self, real_dir: Path) -> None:
        path = real_dir / "lets-wait-awhile" / "gb_ci.csv"
        raw = dict(_raw(path, "Time", "Carbon Intensity"))
        series = read_grid_csv(path, region="GB", tz="UTC").to_pandas()
        before = (raw[_utc("2020-10-30 23:00")] + raw[_utc("2020-10-30 23:30")]) / 2
        after = sum(raw[_utc(f"2020-10-31 00:{m:02d}")] for m in (0, 15, 30, 45)) / 4
        assert series[pd.Timestamp("2020-10-30 23:00", tz="UTC")] == pytest.approx(before)
        assert series[pd.Timestamp("2020-10-31 00:00", tz="UTC")] == pytest.approx(after)

    def test_requires_tz_and_refuses_direct_basis(self, real_dir: Path) -> None:
        path = real_dir / "lets-wait-awhile" / "fr_ci.csv"
        with pytest.raises(GridFileError, match=r"fr_ci\.csv line 2: .*pass tz"):
            read_grid_csv(path, region="FR")
        with pytest.raises(GridFileError, match="never be mixed"):
            read_grid_csv(path, region="FR", tz="UTC", basis="direct")

    def test_reading_a_year_of_15_min_data_is_fast(self, real_dir: Path) -> None:
        path = real_dir / "lets-wait-awhile" / "ger_ci.csv"
        timings = []
        for _ in range(3):
            t0 = time.perf_counter()
            read_grid_csv(path, region="DE", tz="UTC", step_minutes=60)
            timings.append(time.perf_counter() - t0)
        assert min(timings) < 0.5


@pytest.mark.realdata
class TestDacf:
    @pytest.mark.parametrize(("region", "sha16"), DACF_HOURLY)
    def test_hourly_direct(self, real_dir: Path, region: str, sha16: str) -> None:
        path = (real_dir / "carboncast" / "hourly_2020_2021_direct"
                / f"{region}_direct_emissions.csv")
        series = read_grid_csv(path, region=region)
        assert (series.basis, series.kind) == ("direct", "realised")
        assert series.source.endswith(f"sha256:{sha16}")
        raw = _raw(path, "UTC time", "carbon_intensity")
        assert series.start_utc == raw[0][0] == _utc("2020-01-01 00:00")
        assert len(series.values) == len(raw) == 17544  # two years of hours, 2020 a leap year
        assert series.values == pytest.approx([v for _, v in raw], abs=1e-9)
        daily = read_grid_csv(path, region=region, step_minutes=24 * 60)
        assert len(daily.values) == 731
        assert daily.values[0] == pytest.approx(sum(v for _, v in raw[:24]) / 24)

    @pytest.mark.parametrize("region", sorted(DACF_MAPE))
    def test_forecast_files(self, real_dir: Path, region: str) -> None:
        path = (real_dir / "carboncast" / "dacf_forecasts_jul_dec_2021"
                / f"{region}_carbon_from_src_prod_forecasts_direct.csv")
        actual = read_grid_csv(path, region=region)
        forecast = read_grid_csv(path, region=region, column="carbon_from_src_forecasts")
        assert (actual.kind, forecast.kind) == ("realised", "forecast")
        assert actual.start_utc == forecast.start_utc == _utc("2021-07-01 00:00")
        assert len(actual.values) == len(forecast.values) == 4416
        raw = _raw(path, "UTC time", "carbon_from_src_forecasts")
        assert forecast.values == pytest.approx([v for _, v in raw], abs=1e-9)
        mape = 100 * float(np.mean(np.abs(np.subtract(forecast.values, actual.values))
                                   / np.asarray(actual.values)))
        assert mape == pytest.approx(DACF_MAPE[region], abs=0.01)  # DACF paper, Table 4

    def test_de_offset_timestamps(self, real_dir: Path) -> None:
        path = (real_dir / "carboncast" / "dacf_forecasts_jul_dec_2021"
                / "DE_carbon_from_src_prod_forecasts_direct.csv")
        assert "+00:00" in path.read_text().splitlines()[1]
        series = read_grid_csv(path, region="DE", tz="Asia/Tokyo")  # tz ignored: offsets given
        assert series.start_utc == _utc("2021-07-01 00:00")
        assert series.end_utc == _utc("2022-01-01 00:00")
