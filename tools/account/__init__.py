"""Accounting: energy (kWh) and emissions (kgCO2e) of jobs, with 90% intervals (pure).

    energy      the one power model (CCF coefficients, GPU draw and caps, rightsizing, GSF SCI
                embodied share) that the planner, the executor and the verifier share
    emissions   account_jobs (energy x time-weighted grid intensity + embodied), aggregate by
                team / region / hour / day, fleet totals
"""

from __future__ import annotations

from tools.account.emissions import (
    METHOD_VERSION,
    SUM_COLUMNS,
    Bounds,
    GroupBy,
    account_jobs,
    aggregate,
    average_intensity,
    emission_records,
    totals,
)
from tools.account.energy import (
    MEMORY_KWH_PER_GB_H,
    PROFILE_NAMES,
    PROFILES,
    AccountingError,
    PowerProfile,
    ProfileName,
    cap_slowdown,
    capped_energy_kwh,
    coefficients,
    embodied_kg,
    energy_kwh,
    gpu_cap_slowdown,
    gpu_draw_w,
    jobs_energy_kwh,
    profile_for,
    profile_keys,
    rightsized_utilisation,
    run_energy_kwh,
)

__all__ = [
    "MEMORY_KWH_PER_GB_H",
    "METHOD_VERSION",
    "PROFILES",
    "PROFILE_NAMES",
    "SUM_COLUMNS",
    "AccountingError",
    "Bounds",
    "GroupBy",
    "PowerProfile",
    "ProfileName",
    "account_jobs",
    "aggregate",
    "average_intensity",
    "cap_slowdown",
    "capped_energy_kwh",
    "coefficients",
    "embodied_kg",
    "emission_records",
    "energy_kwh",
    "gpu_cap_slowdown",
    "gpu_draw_w",
    "jobs_energy_kwh",
    "profile_for",
    "profile_keys",
    "rightsized_utilisation",
    "run_energy_kwh",
    "totals",
]
