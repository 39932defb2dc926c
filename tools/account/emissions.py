"""Energy and emissions per job (operational + embodied), with a 90% interval. Vectorised.

Energy (kWh incl. PUE) and the embodied share come from the power model in
``tools.account.energy`` (Cloud Carbon Footprint coefficients, GSF SCI); then::

    operational_kg = energy_kWh x intensity_g_per_kWh / 1000

where ``intensity`` is the time-weighted average of the region's grid series over the run.

Uncertainty: the power coefficients (and PUE) and the intensity each carry a relative 90% bound
(default +-20%). Energy's interval comes from the power bound; operational emissions combine both
bounds in quadrature (first-order propagation of independent errors); the embodied share has its
own bound. Totals add the per-job bounds, i.e. errors are treated as fully correlated across jobs
(they are systematic: one power model, one grid series), which is conservative.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from tools.account.energy import (
    AccountingError,
    ArrayF,
    ProfileName,
    coefficients,
    embodied_share_kg,
    frame_energy_kwh,
    profile_keys,
)
from tools.jobs import validate_jobs_frame
from tools.schemas import Basis, EmissionRecord, GridSeries
from tools.timeseries import interval_mean, to_slot_units

METHOD_VERSION = "account-v1"


class Bounds(BaseModel):
    """Relative 90% half-widths of the inputs (0.2 means +-20%)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    power_rel: float = Field(default=0.2, ge=0, lt=1)
    intensity_rel: float = Field(default=0.2, ge=0, lt=1)
    embodied_rel: float = Field(default=0.2, ge=0, lt=1)


def average_intensity(
    series: GridSeries, start_utc: pd.Series | pd.DatetimeIndex, end_utc: pd.Series | pd.DatetimeIndex
) -> ArrayF:
    """Time-weighted mean intensity over each [start, end), gCO2e/kWh.

    The series is piecewise constant (``values[i]`` holds over interval i). Raises
    AccountingError if an interval falls outside the series' coverage.
    """
    t0 = pd.Timestamp(series.start_utc)
    start = pd.DatetimeIndex(start_utc)
    end = pd.DatetimeIndex(end_utc)
    xs = to_slot_units(start, t0, series.step_minutes)
    xe = to_slot_units(end, t0, series.step_minutes)
    outside = (xs < -1e-9) | (xe > len(series.values) + 1e-9)
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise AccountingError(
            f"{int(outside.sum())} job(s) run outside the {series.region} grid series "
            f"({series.start_utc.isoformat()} .. {series.end_utc.isoformat()}); first: "
            f"{start[i].isoformat()} .. {end[i].isoformat()}"
        )
    return interval_mean(series.values, xs, xe, label=f"the {series.region} grid series")


def _single_basis(series: Mapping[str, GridSeries], regions: list[str], basis: Basis | None) -> Basis:
    used = {r: series[r].basis for r in regions}
    kinds = set(used.values())
    if basis is not None and kinds - {basis}:
        raise AccountingError(f"requested basis {basis!r} but series bases are {used}")
    if len(kinds) > 1:
        raise AccountingError(
            f"grid series mix intensity bases {used}; lifecycle and direct differ by 15-30% and "
            "are never mixed: import series of one basis or pass basis= to select"
        )
    return basis if basis is not None else next(iter(kinds))


def account_jobs(
    jobs: pd.DataFrame,
    grid: Mapping[str, GridSeries],
    *,
    profile: ProfileName = "auto",
    bounds: Bounds | None = None,
    include_embodied: bool = True,
    basis: Basis | None = None,
) -> pd.DataFrame:
    """Per-job energy (kWh) and emissions (kgCO2e) with 90% intervals.

    Args:
        jobs: jobs table (``tools.jobs.JOB_COLUMNS``); validated here.
        grid: realised grid series per region (gCO2e/kWh), all of one basis.
        profile: power profile; ``auto`` uses each job's provider.
        bounds: relative 90% bounds of power, intensity and embodied inputs.
        include_embodied: add the GSF SCI embodied share.
        basis: require this intensity basis (else the series' common basis).

    Returns:
        One row per job: job_id, team, region, start_utc, basis, method, intensity_g_per_kwh,
        energy_kwh (+ _lower/_upper), operational_kg, embodied_kg, emissions_kg, lower_kg, upper_kg.
    """
    bounds = bounds or Bounds()
    frame = validate_jobs_frame(jobs)
    regions = sorted(frame["region"].unique())
    missing = [r for r in regions if r not in grid]
    if missing:
        raise AccountingError(f"no grid series for region(s) {missing}; have {sorted(grid)}")
    used_basis = _single_basis(grid, regions, basis)
    wrong_kind = [r for r in regions if grid[r].kind != "realised"]
    if wrong_kind:
        raise AccountingError(f"accounting needs realised series; {wrong_kind} are forecasts")

    keys = profile_keys(frame, profile)
    c = coefficients(keys)
    hours = frame["duration_h"].to_numpy(dtype=float)
    vcpus = frame["vcpus"].to_numpy(dtype=float)
    energy = frame_energy_kwh(frame, c)

    start = frame["start_utc"]
    end = start + pd.to_timedelta(hours * 3600.0, unit="s")
    intensity = np.empty(len(frame))
    for region, rows in frame.groupby("region").indices.items():
        intensity[rows] = average_intensity(grid[str(region)], start.iloc[rows], end.iloc[rows])

    operational = energy * intensity / 1000.0
    embodied = embodied_share_kg(hours, vcpus, c) if include_embodied else np.zeros(len(frame))
    op_rel = np.hypot(bounds.power_rel, bounds.intensity_rel)
    lower = operational * max(0.0, 1 - op_rel) + embodied * (1 - bounds.embodied_rel)
    upper = operational * (1 + op_rel) + embodied * (1 + bounds.embodied_rel)
    method = pd.Categorical(keys).rename_categories(lambda name: f"{METHOD_VERSION}:{name}")
    return pd.DataFrame({
        "job_id": frame["job_id"].to_numpy(),
        "team": frame["team"].to_numpy(),
        "region": frame["region"].to_numpy(),
        "start_utc": start.reset_index(drop=True),
        "basis": used_basis,
        "method": method,
        "intensity_g_per_kwh": intensity,
        "energy_kwh": energy,
        "energy_lower_kwh": energy * (1 - bounds.power_rel),
        "energy_upper_kwh": energy * (1 + bounds.power_rel),
        "operational_kg": operational,
        "embodied_kg": embodied,
        "emissions_kg": operational + embodied,
        "lower_kg": lower,
        "upper_kg": upper,
    })


SUM_COLUMNS = ("energy_kwh", "energy_lower_kwh", "energy_upper_kwh", "operational_kg",
               "embodied_kg", "emissions_kg", "lower_kg", "upper_kg")
GroupBy = Literal["team", "region", "hour", "day"]


def aggregate(emissions: pd.DataFrame, by: GroupBy) -> pd.DataFrame:
    """Sum per team, region, UTC hour of day (0-23, by start) or UTC day (by start).

    Returns columns ``jobs`` plus every column of ``SUM_COLUMNS``, indexed by the group key.
    """
    key: Any
    if by in ("team", "region"):
        key = emissions[by].to_numpy()
    elif by == "hour":
        key = pd.DatetimeIndex(emissions["start_utc"]).hour.to_numpy()
    elif by == "day":
        key = pd.DatetimeIndex(emissions["start_utc"]).floor("D")
    else:
        raise ValueError(f"by={by!r} is not one of team, region, hour, day")
    grouped = emissions.groupby(key)
    out = grouped[list(SUM_COLUMNS)].sum()
    out.insert(0, "jobs", grouped.size())
    out.index.name = by
    return out


def totals(emissions: pd.DataFrame) -> dict[str, float]:
    """Fleet totals of every column in ``SUM_COLUMNS`` plus the job count."""
    out = {c: float(emissions[c].sum()) for c in SUM_COLUMNS}
    out["jobs"] = float(len(emissions))
    return out


def emission_records(emissions: pd.DataFrame) -> list[EmissionRecord]:
    """The per-job rows of ``account_jobs`` as validated ``EmissionRecord`` objects."""
    fields = list(EmissionRecord.model_fields)
    rows = emissions[fields].astype({"method": str}).to_dict("records")
    return [EmissionRecord.model_validate(row) for row in rows]
