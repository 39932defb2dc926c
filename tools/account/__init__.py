"""Accounting: energy (kWh) and emissions (kgCO2e) of jobs, with 90% intervals (pure).

    emissions   account_jobs (CCF power model x time-weighted grid intensity + GSF SCI embodied),
                aggregate by team / region / hour / day, fleet totals
"""

from __future__ import annotations

from tools.account.emissions import (
    MEMORY_KWH_PER_GB_H,
    METHOD_VERSION,
    PROFILES,
    SUM_COLUMNS,
    AccountingError,
    Bounds,
    GroupBy,
    PowerProfile,
    account_jobs,
    aggregate,
    average_intensity,
    embodied_kg,
    emission_records,
    energy_kwh,
    jobs_energy_kwh,
    totals,
)

__all__ = [
    "MEMORY_KWH_PER_GB_H",
    "METHOD_VERSION",
    "PROFILES",
    "SUM_COLUMNS",
    "AccountingError",
    "Bounds",
    "GroupBy",
    "PowerProfile",
    "account_jobs",
    "aggregate",
    "average_intensity",
    "embodied_kg",
    "emission_records",
    "energy_kwh",
    "jobs_energy_kwh",
    "totals",
]
