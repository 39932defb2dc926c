"""Recommendations that save energy (kWh), not only carbon: rightsizing and GPU power capping.

Rightsizing: a CPU job whose utilisation ``u`` is below ``rightsize_below`` moves to the
smallest instance of the same family whose vCPUs and memory still fit the work at the target
utilisation (``v' >= v x u / target``, memory likewise, assuming memory use scales with CPU use).
The same work then runs on fewer vCPUs at ``u' = u x v / v'``: the dynamic power is unchanged, the
idle power of the removed vCPUs and the memory term are saved. No slowdown is assumed while
``u' <= target``.

GPU power capping: a GPU job (not urgent, >= ``gpu_min_hours``) whose GPUs draw more than
``cap_fraction x G_max`` is capped there. Under DVFS, dynamic power scales roughly with the cube of
clock frequency and throughput with the frequency, so the run slows by
``s = ((P - G_min) / (C - G_min)) ** (1/3)``; the GPUs draw C for ``s x`` as long while the host
(CPU, memory) draws its usual power for the longer run. Recommended only when the net saving is
positive and the slower run still meets the job's deadline.

Energies come from the accountant's model (``tools.account.jobs_energy_kwh``), in kWh incl. PUE.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from tools.account import (
    capped_energy_kwh,
    coefficients,
    gpu_cap_slowdown,
    gpu_draw_w,
    jobs_energy_kwh,
    profile_keys,
    rightsized_utilisation,
)
from tools.catalog import INSTANCE_TYPES, INSTANCES, jobs_cost_usd


class EnergyRecParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rightsize_below: float = Field(default=0.35, gt=0, le=1, description="Utilisation trigger.")
    target_utilisation: float = Field(default=0.7, gt=0, le=1)
    gpu_cap_fraction: float = Field(default=0.7, gt=0, lt=1, description="Cap as share of G_max.")
    gpu_min_hours: float = Field(default=1.0, ge=0)
    min_kwh: float = Field(default=1e-4, ge=0, description="Ignore smaller savings, kWh.")


def _family(name: str) -> str:
    return name.split(".", 1)[0]


def rightsizing(jobs: pd.DataFrame, profile: str = "auto",
                params: EnergyRecParams | None = None) -> pd.DataFrame:
    """Rightsizing proposals: one row per job that should shrink.

    Columns: row (index into ``jobs``), to_instance_type, vcpus, memory_gb, utilisation,
    kwh_saved, usd_saved (for the whole run in its region).
    """
    p = params or EnergyRecParams()
    u = jobs["utilisation"].to_numpy(dtype=float)
    vcpus = jobs["vcpus"].to_numpy(dtype=float)
    need_v = vcpus * u / p.target_utilisation
    need_m = jobs["memory_gb"].to_numpy(dtype=float) * u / p.target_utilisation
    family = jobs["instance_type"].map(_family).to_numpy()
    open_rows = ((jobs["gpus"] == 0) & (jobs["utilisation"] < p.rightsize_below)).to_numpy().copy()
    target = np.full(len(jobs), "", dtype=object)
    for t in sorted(INSTANCE_TYPES, key=lambda t: (t.vcpus, t.usd_per_h)):  # smallest first
        if t.gpus:
            continue
        fits = open_rows & (family == _family(t.name)) & (t.vcpus >= need_v) & (t.vcpus < vcpus) \
            & (t.memory_gb >= need_m)
        target[fits] = t.name
        open_rows &= ~fits
    rows = np.flatnonzero(target != "")
    sizes = [INSTANCES[str(name)] for name in target[rows]]
    out = [{"row": int(r), "to_instance_type": size.name, "vcpus": size.vcpus,
            "memory_gb": float(size.memory_gb),
            "utilisation": float(rightsized_utilisation(u[r], vcpus[r], size.vcpus))}
           for r, size in zip(rows, sizes, strict=True)]
    if not out:
        return pd.DataFrame(columns=["row", "to_instance_type", "vcpus", "memory_gb",
                                     "utilisation", "kwh_saved", "usd_saved"])
    props = pd.DataFrame(out)
    before = jobs.iloc[props["row"]].reset_index(drop=True)
    after = before.assign(vcpus=props["vcpus"].to_numpy(), memory_gb=props["memory_gb"].to_numpy(),
                          utilisation=props["utilisation"].to_numpy(),
                          instance_type=props["to_instance_type"].to_numpy())
    props["kwh_saved"] = jobs_energy_kwh(before, profile) - jobs_energy_kwh(after, profile)
    props["usd_saved"] = jobs_cost_usd(before) - jobs_cost_usd(after)
    return props[props["kwh_saved"] > p.min_kwh].reset_index(drop=True)


def gpu_power_caps(jobs: pd.DataFrame, planned_start: pd.Series, profile: str = "auto",
                   params: EnergyRecParams | None = None) -> pd.DataFrame:
    """GPU power-cap proposals: row, cap_w, slowdown, kwh_saved, usd_saved (negative: longer run)."""
    p = params or EnergyRecParams()
    c = coefficients(profile_keys(jobs, profile))
    g_min, g_max = c["gpu_w_min"], c["gpu_w_max"]
    draw = gpu_draw_w(jobs["utilisation"].to_numpy(dtype=float), g_min, g_max)
    cap = p.gpu_cap_fraction * g_max
    eligible = ((jobs["gpus"] > 0) & (jobs["category"] != "urgent")
                & (jobs["duration_h"] >= p.gpu_min_hours)).to_numpy() & (draw > cap) & (cap > g_min)
    rows = np.flatnonzero(eligible)
    if rows.size == 0:
        return pd.DataFrame(columns=["row", "cap_w", "slowdown", "kwh_saved", "usd_saved"])
    slowdown = gpu_cap_slowdown(draw[rows], g_min[rows], cap[rows])
    sub = jobs.iloc[rows].reset_index(drop=True)
    saved = jobs_energy_kwh(sub, profile) - capped_energy_kwh(sub, cap[rows], slowdown, profile)
    end = pd.DatetimeIndex(planned_start.iloc[rows]) + pd.to_timedelta(
        sub["duration_h"].to_numpy() * slowdown * 3600.0, unit="s")
    meets = np.asarray(end <= pd.DatetimeIndex(sub["deadline_utc"]))
    props = pd.DataFrame({"row": rows, "cap_w": cap[rows], "slowdown": slowdown, "kwh_saved": saved,
                          "usd_saved": -jobs_cost_usd(sub) * (slowdown - 1.0)})
    return props[(props["kwh_saved"] > p.min_kwh) & meets].reset_index(drop=True)
