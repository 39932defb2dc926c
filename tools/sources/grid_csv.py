"""Readers for real grid carbon-intensity CSV files, returning a regular UTC ``GridSeries``.

Formats (``fmt='auto'`` picks one from the header): ``lwa`` -- Let's Wait Awhile
(``Time,Carbon Intensity``; naive timestamps of unstated zone, so ``tz`` is required; lifecycle);
``dacf`` -- DACF/CarbonCast (row index, ``UTC time``, ``carbon_intensity``, optionally
``carbon_from_src_forecasts``; UTC; direct; hourly); ``generic`` -- ``timestamp,value`` (ISO 8601;
the caller gives ``basis``). Each sample is the mean intensity (gCO2e/kWh) over ``[t_i, t_{i+1})``;
the last lasts as long as the interval before it. This step function is resampled to
``step_minutes`` as a time-weighted mean, keeping only fully covered intervals. Every problem in a
file raises ``GridFileError`` naming the file and, where it applies, the 1-based line number.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from tools.regions import check_region
from tools.schemas import Basis, GridSeries, SeriesKind

GridFormat = Literal["auto", "lwa", "dacf", "generic"]

_NS_PER_MIN = 60_000_000_000
_MAX_STEP_MINUTES = 7 * 24 * 60
_UTC_NAMES = frozenset({"UTC", "Etc/UTC"})
_FORECAST_COLUMNS = frozenset({"carbon_from_src_forecasts"})
_OFFSET_RE = r"\d{2}:\d{2}(?::\d{2}(?:\.\d*)?)?\s*(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"


class GridFileError(ValueError):
    """A grid CSV file is missing, malformed or inconsistent with the request.

    Attributes:
        path: the file that was being read.
        line: 1-based line number in the file (the header is line 1); None if the problem is
            not tied to one line.
        reason: the message without the ``"<file> line <n>: "`` prefix.
    """

    def __init__(self, path: str | Path, reason: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = reason
        where = self.path.name if line is None else f"{self.path.name} line {line}"
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class _Spec:
    label: str
    time_col: str
    value_col: str
    value_cols: tuple[str, ...] | None  # value columns in gCO2e/kWh; None: any (caller's call)
    basis: Basis | None  # None: the format does not say, the caller must
    naive_tz: str | None  # time zone of naive timestamps, if the format defines it


_SPECS: dict[str, _Spec] = {
    "lwa": _Spec("Let's Wait Awhile", "Time", "Carbon Intensity", ("Carbon Intensity",),
                 "lifecycle", None),
    "dacf": _Spec("DACF/CarbonCast", "UTC time", "carbon_intensity",
                  ("carbon_intensity", *_FORECAST_COLUMNS), "direct", "UTC"),
    "generic": _Spec("generic", "timestamp", "value", None, None, None),
}


def file_sha256(path: str | Path) -> str:
    """Return the full SHA-256 of the file at ``path`` as 64 lowercase hex characters."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_grid_csv(
    path: str | Path,
    *,
    region: str,
    tz: str | None = None,
    basis: Basis | None = None,
    step_minutes: int = 60,
    fmt: GridFormat = "auto",
    column: str | None = None,
    kind: SeriesKind | None = None,
    max_gap_minutes: int = 60,
) -> GridSeries:
    """Read a carbon-intensity CSV file and resample it to a regular UTC series.

    Args:
        path: the CSV file.
        region: region the intensities apply to (a name in ``tools.regions.REGIONS``).
        tz: IANA time zone (``'UTC'``, ``'Europe/Berlin'``) of naive timestamps; required for
            naive lwa/generic files (dacf is UTC by definition). Timestamps with a UTC offset are
            converted to UTC. Local times made ambiguous or non-existent by DST raise.
        basis: ``'lifecycle'`` or ``'direct'``. Defaults to the format's basis (lwa: lifecycle,
            dacf: direct); required for ``generic``. A basis that contradicts the format raises.
        step_minutes: output interval length, minutes (1..10080).
        fmt: ``'lwa'``, ``'dacf'``, ``'generic'``, or ``'auto'`` to detect from the header.
        column: value column, gCO2e/kWh. Defaults to ``Carbon Intensity`` (lwa),
            ``carbon_intensity`` (dacf) or ``value`` (generic); for dacf,
            ``carbon_from_src_forecasts`` selects DACF's day-ahead forecast.
        kind: ``'realised'`` or ``'forecast'``. None means ``'forecast'`` for a forecast column
            and ``'realised'`` otherwise; calling a forecast column realised raises.
        max_gap_minutes: longest tolerated interval between consecutive samples, minutes;
            a tolerated hole holds the previous value.

    Returns:
        A ``GridSeries`` (gCO2e/kWh) starting at the first sample time floored to
        ``step_minutes`` (one step later if that interval is only partly covered), with
        ``source = "<file name> sha256:<first 16 hex of the file's SHA-256>"``.

    Raises:
        GridFileError: the file is missing, empty or malformed, or contradicts the arguments.
        ValueError: ``region``, ``step_minutes`` or ``max_gap_minutes`` is invalid.
    """
    check_region(region)
    if not 0 < step_minutes <= _MAX_STEP_MINUTES:
        raise ValueError(f"step_minutes={step_minutes} must be in 1..{_MAX_STEP_MINUTES}")
    if max_gap_minutes <= 0:
        raise ValueError(f"max_gap_minutes={max_gap_minutes} must be positive")
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise GridFileError(path, f"file not found: {path}") from None
    except OSError as exc:
        raise GridFileError(path, f"cannot read file: {exc}") from exc
    try:
        text = raw.decode("utf-8-sig").rstrip()
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise GridFileError(path, "file is not UTF-8 text", line) from None
    if not text:
        raise GridFileError(path, "file is empty (expected a header line)", 1)

    header = [name.strip() for name in next(csv.reader([text.split("\n", 1)[0]]))]
    spec = _SPECS[_detect(path, fmt, header)]
    value_col = column or spec.value_col
    if spec.value_cols is not None and value_col not in spec.value_cols:
        raise GridFileError(path, f"column {value_col!r} is not a {spec.label} intensity "
                            f"column (choose one of {', '.join(spec.value_cols)})")
    for name in (spec.time_col, value_col):
        if name not in header:
            found = ", ".join(repr(h) for h in header)
            raise GridFileError(path, f"missing column {name!r} (columns found: {found})", 1)
    basis = _resolve_basis(path, spec, basis)
    if kind is None:
        kind = "forecast" if value_col in _FORECAST_COLUMNS else "realised"
    elif kind == "realised" and value_col in _FORECAST_COLUMNS:
        raise GridFileError(path, f"column {value_col!r} is a forecast, not kind='realised'")

    times, values = _read_columns(path, text, header.index(spec.time_col), header.index(value_col))
    ns = _parse_times(path, times, spec, tz)
    vals = _parse_values(path, values, value_col)
    _check_order(path, ns, times, spec.time_col, max_gap_minutes)
    start_ns, out = _resample(path, ns, vals, step_minutes * _NS_PER_MIN)
    start_utc = pd.Timestamp(start_ns, unit="ns", tz="UTC").to_pydatetime()
    source = f"{path.name} sha256:{hashlib.sha256(raw).hexdigest()[:16]}"
    return GridSeries(region=region, basis=basis, kind=kind, start_utc=start_utc,
                      step_minutes=step_minutes, values=out.tolist(), source=source)


def _detect(path: Path, fmt: str, header: list[str]) -> str:
    if fmt != "auto":
        if fmt not in _SPECS:
            raise ValueError(f"fmt={fmt!r} must be one of auto, {', '.join(_SPECS)}")
        return fmt
    for name, spec in _SPECS.items():
        if spec.time_col in header:
            return name
    found = ", ".join(repr(h) for h in header)
    raise GridFileError(path, f"unrecognised header (columns found: {found}); expected "
                        "'Time,Carbon Intensity', ',UTC time,carbon_intensity,...' or "
                        "'timestamp,value'", 1)


def _resolve_basis(path: Path, spec: _Spec, basis: Basis | None) -> Basis:
    if spec.basis is None:
        if basis is None:
            raise GridFileError(path, f"{spec.label} files do not state their basis; pass "
                                "basis='lifecycle' or basis='direct'")
        return basis
    if basis is not None and basis != spec.basis:
        raise GridFileError(path, f"basis={basis!r} requested but {spec.label} files hold "
                            f"{spec.basis} intensities; the bases must never be mixed")
    return spec.basis


def _read_columns(path: Path, text: str, t_idx: int, v_idx: int) -> tuple[pd.Series, pd.Series]:
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, na_filter=False, skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        raise GridFileError(path, f"wrong number of fields ({str(exc).strip()})", line) from None
    if len(df) == 0:
        raise GridFileError(path, "no data rows after the header", 2)
    if len(df) != text.count("\n"):  # a quoted field spans lines: line numbers would be wrong
        raise GridFileError(path, "line breaks inside quoted fields are not supported")
    return df.iloc[:, t_idx].str.strip(), df.iloc[:, v_idx].str.strip()


def _parse_times(
    path: Path, times: pd.Series, spec: _Spec, tz: str | None
) -> npt.NDArray[np.int64]:
    col = spec.time_col
    parsed = pd.to_datetime(times, format="ISO8601", errors="coerce", utc=True)  # naive as UTC
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise GridFileError(path, f"unparsable time {times.iat[i]!r} in column {col!r}", i + 2)
    has_offset = times.str.contains(_OFFSET_RE, regex=True).to_numpy(dtype=bool)
    mixed = np.flatnonzero(has_offset != has_offset[0])
    if mixed.size:
        i = int(mixed[0])
        raise GridFileError(path, f"time {times.iat[i]!r} in column {col!r} mixes naive and "
                            "UTC-offset timestamps (compare line 2)", i + 2)
    if not has_offset[0]:
        parsed = _localise(path, parsed.dt.tz_convert(None), times, col, spec, tz)
    utc_naive = parsed.dt.tz_convert(None).to_numpy().astype("datetime64[ns]")
    return utc_naive.view(np.int64)


def _localise(
    path: Path, parsed: pd.Series, times: pd.Series, col: str, spec: _Spec, tz: str | None
) -> pd.Series:
    if tz is None:
        tz = spec.naive_tz
        if tz is None:
            raise GridFileError(path, f"the file has no time zone (time {times.iat[0]!r} in "
                                f"column {col!r}); pass tz, e.g. tz='UTC' or 'Europe/Berlin'", 2)
    elif spec.naive_tz is not None and tz not in _UTC_NAMES:
        raise GridFileError(path, f"column {col!r} is UTC by definition; tz={tz!r} contradicts it")
    try:
        ZoneInfo(tz)
    except (KeyError, ValueError):
        raise GridFileError(path, f"unknown time zone tz={tz!r}") from None
    local: pd.Series = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    bad = np.flatnonzero(local.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        shifted = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
        why = "is ambiguous (occurs twice)" if pd.isna(shifted.iat[i]) else "does not exist"
        raise GridFileError(path, f"local time {times.iat[i]!r} in column {col!r} {why} in "
                            f"{tz} (DST change); not guessing", i + 2)
    return local


def _parse_values(path: Path, values: pd.Series, col: str) -> npt.NDArray[np.float64]:
    vals = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(vals))
    if bad.size:
        i = int(bad[0])
        text = str(values.iat[i])
        what = f"non-numeric value {text!r}"
        if not text:
            what = "empty value"
        elif np.isinf(vals[i]):
            what = f"infinite value {text!r}"
        elif text.lower().lstrip("+-") == "nan":
            what = f"NaN value {text!r}"
        raise GridFileError(path, f"{what} in column {col!r}", i + 2)
    neg = np.flatnonzero(vals < 0)
    if neg.size:
        i = int(neg[0])
        raise GridFileError(path, f"negative value {values.iat[i]!r} in column {col!r}", i + 2)
    return vals


def _check_order(
    path: Path, ns: npt.NDArray[np.int64], times: pd.Series, col: str, max_gap_minutes: int
) -> None:
    if ns.size < 2:
        raise GridFileError(path, "only one sample: its duration (the resolution) is unknown", 2)
    steps = np.diff(ns)
    back = np.flatnonzero(steps <= 0)
    if back.size:
        j = int(back[0]) + 1  # 0-based row of the offending sample; its line is j + 2
        same = np.flatnonzero(ns[:j] == ns[j])
        if same.size:
            why = f"duplicate time {times.iat[j]!r} in column {col!r} (as on line {same[0] + 2})"
        else:
            why = (f"time {times.iat[j]!r} in column {col!r} is not after {times.iat[j - 1]!r} "
                   f"on line {j + 1}: timestamps must increase")
        raise GridFileError(path, why, j + 2)
    gaps = np.flatnonzero(steps > max_gap_minutes * _NS_PER_MIN)
    if gaps.size:
        j = int(gaps[0]) + 1
        raise GridFileError(path, f"gap of {steps[j - 1] / _NS_PER_MIN:g} min from "
                            f"{times.iat[j - 1]!r} (line {j + 1}) to {times.iat[j]!r} in column "
                            f"{col!r} exceeds max_gap_minutes={max_gap_minutes}", j + 2)


def _resample(
    path: Path, ns: npt.NDArray[np.int64], vals: npt.NDArray[np.float64], step_ns: int
) -> tuple[int, npt.NDArray[np.float64]]:
    """Time-weighted means of the step function over full ``step_ns`` bins (epoch-aligned)."""
    end_ns = int(ns[-1]) + int(ns[-1] - ns[-2])  # the last sample lasts one native step
    first_ns = int(ns[0]) // step_ns * step_ns
    if first_ns < ns[0]:
        first_ns += step_ns  # the bin holding the first sample is only partly covered
    n_bins = (end_ns - first_ns) // step_ns
    if n_bins < 1:
        raise GridFileError(path, f"no {step_ns // _NS_PER_MIN}-min interval is fully covered")
    # Integral of the step function is piecewise linear in t, so np.interp evaluates it exactly.
    edges = np.append(ns - ns[0], end_ns - ns[0]).astype(np.float64) / 1e9  # seconds
    integral = np.concatenate(([0.0], np.cumsum(vals * np.diff(edges))))
    bins = (first_ns - int(ns[0]) + step_ns * np.arange(n_bins + 1, dtype=np.int64)) / 1e9
    out = np.diff(np.interp(bins, edges, integral)) / (step_ns / 1e9)
    return first_ns, out
