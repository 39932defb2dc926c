"""Energy and emissions per job (operational + embodied), with a 90% interval. Vectorised.

Operational energy (Cloud Carbon Footprint method)::

    energy_kWh = [vCPU x h x (W_min + u x (W_max - W_min))        # compute
                  + GPU x h x (G_min + u x (G_max - G_min))]        # GPUs, if any
                 / 1000 x PUE
                 + memory_GB x h x 0.000392 kWh/GB-h x PUE          # memory
    operational_kg = energy_kWh x intensity_g_per_kWh / 1000

where ``intensity`` is the time-weighted average of the region's grid series over the run.
Embodied share (Green Software Foundation SCI): ``M = TE x (TR / EL) x (RR / ToR)`` with TE the
host's embodied emissions (kgCO2e), TR the run time, EL the host lifetime (h), RR the job's vCPUs
and ToR the host's vCPUs.

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
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from tools.jobs import validate_jobs_frame
from tools.schemas import Basis, EmissionRecord, GridSeries
from tools.timeseries import interval_mean, to_slot_units

METHOD_VERSION = "account-v1"
ArrayF = npt.NDArray[np.float64]
MEMORY_KWH_PER_GB_H = 0.000392
"""Memory energy coefficient, kWh per GB-hour (Cloud Carbon Footprint)."""


class PowerProfile(BaseModel):
    """Power model of one provider's hardware."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    cpu_w_min: float = Field(ge=0, description="Power per vCPU at 0% utilisation, W.")
    cpu_w_max: float = Field(ge=0, description="Power per vCPU at 100% utilisation, W.")
    pue: float = Field(ge=1, description="Data-centre power usage effectiveness.")
    memory_kwh_per_gb_h: float = Field(default=MEMORY_KWH_PER_GB_H, ge=0,
                                       description="Memory energy, kWh per GB-hour.")
    gpu_w_min: float = Field(default=35.0, ge=0, description="Power per GPU when idle, W.")
    gpu_w_max: float = Field(default=300.0, ge=0, description="Power per GPU at full load, W.")
    embodied_kg_per_host: float = Field(default=1200.0, ge=0,
                                        description="Host embodied emissions TE, kgCO2e.")
    host_lifetime_h: float = Field(default=4 * 8760.0, gt=0, description="Host lifetime EL, h.")
    host_vcpus: int = Field(default=96, ge=1, description="vCPUs per host (ToR).")


# Cloud Carbon Footprint coefficients (packages/*/src/domain/*FootprintEstimationConstants.ts):
# min/max W per vCPU and PUE per provider. GPU: 35-300 W per GPU (CCF's V100 figures). Embodied:
# about 1,200 kgCO2e per host over 4 years, shared over a 96-vCPU host (CCF's largest-instance
# convention for ToR).
PROFILES: dict[str, PowerProfile] = {
    "aws": PowerProfile(name="aws", cpu_w_min=0.74, cpu_w_max=3.5, pue=1.135),
    "gcp": PowerProfile(name="gcp", cpu_w_min=0.68, cpu_w_max=4.11, pue=1.1),
    "azure": PowerProfile(name="azure", cpu_w_min=0.74, cpu_w_max=3.54, pue=1.185),
    # The seed's simple rule: a flat 5 W per vCPU whatever the load, PUE 1.1, no memory term.
    "seed": PowerProfile(name="seed", cpu_w_min=5.0, cpu_w_max=5.0, pue=1.1,
                         memory_kwh_per_gb_h=0.0, gpu_w_min=0.0, gpu_w_max=0.0),
}


class Bounds(BaseModel):
    """Relative 90% half-widths of the inputs (0.2 means +-20%)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    power_rel: float = Field(default=0.2, ge=0, lt=1)
    intensity_rel: float = Field(default=0.2, ge=0, lt=1)
    embodied_rel: float = Field(default=0.2, ge=0, lt=1)


class AccountingError(ValueError):
    """Inputs cannot be accounted (missing grid data, mixed intensity bases, unknown profile)."""


def _coefficients(profiles: pd.Series) -> dict[str, npt.NDArray[np.float64]]:
    """Per-row coefficient arrays for a Series of profile names."""
    table = pd.DataFrame([p.model_dump() for p in PROFILES.values()]).set_index("name")
    rows = table.loc[profiles.to_numpy()]
    return {c: rows[c].to_numpy(dtype=float) for c in table.columns}


def _energy_kwh(hours: ArrayF, vcpus: ArrayF, gpus: ArrayF, memory_gb: ArrayF, u: ArrayF,
                c: Mapping[str, ArrayF | float], gpu_cap_w: ArrayF | float = np.inf) -> ArrayF:
    cpu_w = c["cpu_w_min"] + u * (c["cpu_w_max"] - c["cpu_w_min"])
    gpu_w = np.minimum(c["gpu_w_min"] + u * (c["gpu_w_max"] - c["gpu_w_min"]), gpu_cap_w)
    it_kwh = hours * (vcpus * cpu_w + gpus * gpu_w) / 1000.0
    memory_kwh = hours * memory_gb * c["memory_kwh_per_gb_h"]
    return np.asarray((it_kwh + memory_kwh) * c["pue"], dtype=np.float64)


def _embodied_kg(hours: ArrayF, vcpus: ArrayF, c: Mapping[str, ArrayF | float]) -> ArrayF:
    share = np.minimum(vcpus / c["host_vcpus"], 1.0)
    return np.asarray(c["embodied_kg_per_host"] * hours / c["host_lifetime_h"] * share,
                      dtype=np.float64)


def energy_kwh(
    duration_h: npt.ArrayLike,
    vcpus: npt.ArrayLike,
    utilisation: npt.ArrayLike,
    profile: PowerProfile,
    memory_gb: npt.ArrayLike = 0.0,
    gpus: npt.ArrayLike = 0.0,
    gpu_cap_w: npt.ArrayLike | None = None,
) -> ArrayF:
    """Energy incl. PUE, kWh, of running ``vcpus`` (and ``gpus``, ``memory_gb`` GB) for
    ``duration_h`` hours at utilisation ``u`` (0..1); each GPU draws at most ``gpu_cap_w`` W."""
    def arr(x: npt.ArrayLike) -> ArrayF:
        return np.asarray(x, dtype=float)

    cap = np.inf if gpu_cap_w is None else arr(gpu_cap_w)
    return _energy_kwh(arr(duration_h), arr(vcpus), arr(gpus), arr(memory_gb), arr(utilisation),
                       profile.model_dump(), cap)


def embodied_kg(duration_h: npt.ArrayLike, vcpus: npt.ArrayLike, profile: PowerProfile) -> ArrayF:
    """Embodied share per GSF SCI, kgCO2e: TE x (TR/EL) x (RR/ToR), RR capped at ToR."""
    return _embodied_kg(np.asarray(duration_h, dtype=float), np.asarray(vcpus, dtype=float),
                        profile.model_dump())


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


def _profile_keys(frame: pd.DataFrame, profile: str) -> pd.Series:
    keys = frame["provider"] if profile == "auto" else pd.Series(profile, index=frame.index)
    unknown = sorted(set(keys.unique()) - set(PROFILES))
    if unknown:
        raise AccountingError(f"no power profile for {unknown}; have {sorted(PROFILES)}")
    return keys


def _frame_energy_kwh(frame: pd.DataFrame, c: Mapping[str, ArrayF | float],
                      gpu_cap_w: ArrayF | float = np.inf) -> ArrayF:
    return _energy_kwh(frame["duration_h"].to_numpy(dtype=float), frame["vcpus"].to_numpy(dtype=float),
                       frame["gpus"].to_numpy(dtype=float), frame["memory_gb"].to_numpy(dtype=float),
                       frame["utilisation"].to_numpy(dtype=float), c, gpu_cap_w)


def jobs_energy_kwh(jobs: pd.DataFrame, profile: str = "auto", gpu_cap_w: npt.ArrayLike | None = None) -> ArrayF:
    """Energy incl. PUE of every job of a validated jobs frame, kWh (no intensity needed); each
    GPU draws at most ``gpu_cap_w`` W (per job) when given."""
    cap = np.inf if gpu_cap_w is None else np.asarray(gpu_cap_w, dtype=float)
    return _frame_energy_kwh(jobs, _coefficients(_profile_keys(jobs, profile)), cap)


def account_jobs(
    jobs: pd.DataFrame,
    grid: Mapping[str, GridSeries],
    *,
    profile: Literal["auto", "aws", "gcp", "azure", "seed"] = "auto",
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

    keys = _profile_keys(frame, profile)
    c = _coefficients(keys)
    hours = frame["duration_h"].to_numpy(dtype=float)
    vcpus = frame["vcpus"].to_numpy(dtype=float)
    energy = _frame_energy_kwh(frame, c)

    start = frame["start_utc"]
    end = start + pd.to_timedelta(hours * 3600.0, unit="s")
    intensity = np.empty(len(frame))
    for region, rows in frame.groupby("region").indices.items():
        intensity[rows] = average_intensity(grid[str(region)], start.iloc[rows], end.iloc[rows])

    operational = energy * intensity / 1000.0
    embodied = _embodied_kg(hours, vcpus, c) if include_embodied else np.zeros(len(frame))
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
