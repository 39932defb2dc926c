"""The one power model of the tools: energy of a job's run (kWh incl. PUE) and its embodied share.

Operational energy (Cloud Carbon Footprint method)::

    energy_kWh = [vCPU x h x (W_min + u x (W_max - W_min))        # compute
                  + GPU x h x min(G_min + u x (G_max - G_min), cap)]  # GPUs, if any (cap: power cap)
                 / 1000 x PUE
                 + memory_GB x h x 0.000392 kWh/GB-h x PUE          # memory

Embodied share (Green Software Foundation SCI): ``M = TE x (TR / EL) x (RR / ToR)`` with TE the
host's embodied emissions (kgCO2e), TR the run time, EL the host lifetime (h), RR the job's vCPUs
and ToR the host's vCPUs.

The pieces every user of the model needs live here once: the profiles and the profile a job
uses (``profile_for``, ``profile_keys``), a GPU's draw at a utilisation (``gpu_draw_w``), the
utilisation of the same work on fewer vCPUs (``rightsized_utilisation``) and the run-time cost
of a GPU power cap (``gpu_cap_slowdown``). The accountant, the planner's energy recommendations,
the simulated executor and the verifier all call them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

ArrayF = npt.NDArray[np.float64]
ProfileName = Literal["auto", "aws", "gcp", "azure", "seed"]
"""A power profile by name; ``auto`` means each job's own provider."""
PROFILE_NAMES: tuple[str, ...] = get_args(ProfileName)
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


class AccountingError(ValueError):
    """Inputs cannot be accounted (missing grid data, mixed intensity bases, unknown profile)."""


def profile_for(provider: str, profile: str = "auto") -> PowerProfile:
    """The power profile of a job on ``provider``: its provider's unless ``profile`` names one."""
    key = provider if profile == "auto" else profile
    if key not in PROFILES:
        raise AccountingError(f"no power profile for {key!r}; have {sorted(PROFILES)}")
    return PROFILES[key]


def profile_keys(jobs: pd.DataFrame, profile: str = "auto") -> pd.Series:
    """The profile name of every job of a jobs frame (its provider's unless ``profile`` names one)."""
    keys = jobs["provider"] if profile == "auto" else pd.Series(profile, index=jobs.index)
    unknown = sorted(set(keys.unique()) - set(PROFILES))
    if unknown:
        raise AccountingError(f"no power profile for {unknown}; have {sorted(PROFILES)}")
    return keys


def coefficients(keys: pd.Series) -> dict[str, ArrayF]:
    """Per-row coefficient arrays (the PowerProfile fields) for a Series of profile names."""
    table = pd.DataFrame([p.model_dump() for p in PROFILES.values()]).set_index("name")
    rows = table.loc[keys.to_numpy()]
    return {c: rows[c].to_numpy(dtype=float) for c in table.columns}


def gpu_draw_w(utilisation: npt.ArrayLike, gpu_w_min: npt.ArrayLike, gpu_w_max: npt.ArrayLike) -> ArrayF:
    """Power of one GPU at ``utilisation`` (0..1), W: ``G_min + u x (G_max - G_min)``."""
    u, g_min, g_max = (np.asarray(a, dtype=float) for a in (utilisation, gpu_w_min, gpu_w_max))
    return np.asarray(g_min + u * (g_max - g_min), dtype=np.float64)


def rightsized_utilisation(utilisation: npt.ArrayLike, vcpus: npt.ArrayLike, new_vcpus: npt.ArrayLike) -> ArrayF:
    """Utilisation of the same work moved from ``vcpus`` to ``new_vcpus``: ``min(1, u x v / v')``."""
    u, v, v_new = (np.asarray(a, dtype=float) for a in (utilisation, vcpus, new_vcpus))
    return np.asarray(np.minimum(1.0, u * v / v_new), dtype=np.float64)


def gpu_cap_slowdown(draw_w: npt.ArrayLike, gpu_w_min: npt.ArrayLike, cap_w: npt.ArrayLike) -> ArrayF:
    """Run-time multiplier of GPUs capped at ``cap_w`` W when they would draw ``draw_w``:
    ((P - G_min) / (C - G_min)) ** (1/3) if P > C > G_min (DVFS cube law), else 1."""
    draw, g_min, cap = (np.asarray(a, dtype=float) for a in (draw_w, gpu_w_min, cap_w))
    binding = (draw > cap) & (cap > g_min)
    ratio = np.where(binding, (draw - g_min) / np.where(binding, cap - g_min, 1.0), 1.0)
    return np.asarray(ratio ** (1.0 / 3.0), dtype=np.float64)


def _energy_kwh(hours: ArrayF, vcpus: ArrayF, gpus: ArrayF, memory_gb: ArrayF, u: ArrayF,
                c: Mapping[str, ArrayF | float], gpu_cap_w: ArrayF | float = np.inf) -> ArrayF:
    cpu_w = c["cpu_w_min"] + u * (c["cpu_w_max"] - c["cpu_w_min"])
    gpu_w = np.minimum(gpu_draw_w(u, c["gpu_w_min"], c["gpu_w_max"]), gpu_cap_w)
    it_kwh = hours * (vcpus * cpu_w + gpus * gpu_w) / 1000.0
    memory_kwh = hours * memory_gb * c["memory_kwh_per_gb_h"]
    return np.asarray((it_kwh + memory_kwh) * c["pue"], dtype=np.float64)


def embodied_share_kg(hours: ArrayF, vcpus: ArrayF, c: Mapping[str, ArrayF | float]) -> ArrayF:
    """Embodied share per GSF SCI, kgCO2e, from profile coefficients (``coefficients``)."""
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
    return embodied_share_kg(np.asarray(duration_h, dtype=float), np.asarray(vcpus, dtype=float),
                             profile.model_dump())


def frame_energy_kwh(frame: pd.DataFrame, c: Mapping[str, ArrayF | float],
                     gpu_cap_w: ArrayF | float = np.inf) -> ArrayF:
    """Energy incl. PUE of every row of a jobs frame with per-row coefficients ``c``, kWh."""
    return _energy_kwh(frame["duration_h"].to_numpy(dtype=float), frame["vcpus"].to_numpy(dtype=float),
                       frame["gpus"].to_numpy(dtype=float), frame["memory_gb"].to_numpy(dtype=float),
                       frame["utilisation"].to_numpy(dtype=float), c, gpu_cap_w)


def jobs_energy_kwh(jobs: pd.DataFrame, profile: str = "auto", gpu_cap_w: npt.ArrayLike | None = None) -> ArrayF:
    """Energy incl. PUE of every job of a validated jobs frame, kWh (no intensity needed); each
    GPU draws at most ``gpu_cap_w`` W (per job) when given."""
    cap = np.inf if gpu_cap_w is None else np.asarray(gpu_cap_w, dtype=float)
    return frame_energy_kwh(jobs, coefficients(profile_keys(jobs, profile)), cap)


def capped_energy_kwh(jobs: pd.DataFrame, cap_w: npt.ArrayLike, slowdown: npt.ArrayLike,
                      profile: str = "auto") -> ArrayF:
    """Energy of GPU jobs run with their GPUs capped at ``cap_w`` W and ``slowdown``x longer, kWh."""
    longer = jobs.assign(duration_h=jobs["duration_h"].to_numpy() * np.asarray(slowdown, dtype=float))
    return jobs_energy_kwh(longer, profile, gpu_cap_w=cap_w)


def run_energy_kwh(provider: str, profile: str, duration_h: float, vcpus: int, memory_gb: float,
                   gpus: int, utilisation: float, gpu_cap_w: float | None = None) -> float:
    """Model energy of one run, kWh incl. PUE; each GPU draws at most ``gpu_cap_w`` W if capped."""
    return float(energy_kwh(duration_h, vcpus, utilisation, profile_for(provider, profile), memory_gb=memory_gb,
                            gpus=gpus, gpu_cap_w=gpu_cap_w))


def cap_slowdown(provider: str, profile: str, utilisation: float, cap_w: float) -> float:
    """Run-time multiplier of one job's GPUs capped at ``cap_w`` W at ``utilisation``."""
    prof = profile_for(provider, profile)
    return float(gpu_cap_slowdown(gpu_draw_w(utilisation, prof.gpu_w_min, prof.gpu_w_max), prof.gpu_w_min, cap_w))
