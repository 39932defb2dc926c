"""The fleet on the ledger: simulate it, import grid data, account its emissions (JSON-ready).

Every figure comes from ``tools`` (the simulator, the accountant); this module reads and writes
the ledger around them.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from tools.account import Bounds, GroupBy, ProfileName, account_jobs, aggregate, totals
from tools.ledger import Ledger, LedgerError
from tools.rollup import emissions_breakdown as emissions_breakdown_of
from tools.rollup import group_totals, series_summary
from tools.schemas import Basis, SeriesKind
from tools.simulate import SimulationConfig, simulate
from tools.sources import file_sha256, read_grid_csv


def run_simulation(ledger: Ledger, config: SimulationConfig, *, telemetry: bool = True
                   ) -> dict[str, Any]:
    """Simulate a fleet and store it (idempotent: same config -> same run, nothing duplicated)."""
    fleet = simulate(config, with_telemetry=telemetry)
    series = [*fleet.realised.values(), *fleet.forecast.values(),
              *fleet.electricity_prices.values()]
    params = {**config.model_dump(mode="json"), "telemetry": telemetry}
    result = ledger.store_run("simulate", params, jobs=fleet.jobs, series=series,
                              telemetry=fleet.telemetry if telemetry else None)
    return {
        "run_id": result.id,
        "created": result.created,
        "jobs": len(fleet.jobs),
        "regions": len(fleet.realised),
        "telemetry_rows": len(fleet.telemetry),
        "start": config.start_utc.isoformat(),
        "end": config.end_utc.isoformat(),
    }


def resolve_run_id(ledger: Ledger, run_id: str | None) -> str:
    """``run_id`` if it exists, else the latest simulation's; LedgerError when there is none."""
    if run_id:
        ledger.get_run(run_id)
        return run_id
    latest = ledger.latest_run("simulate")
    if latest is None:
        raise LedgerError("no simulation stored yet: run `simulate` first (or pass --run)")
    return str(latest["run_id"])


def run_account(
    ledger: Ledger,
    *,
    run_id: str | None = None,
    profile: ProfileName = "auto",
    bounds: Bounds | None = None,
    include_embodied: bool = True,
) -> dict[str, Any]:
    """Account a stored run's jobs against the grid series that cover them; store the result."""
    bounds = bounds or Bounds()
    run_id = resolve_run_id(ledger, run_id)
    jobs = ledger.load_jobs(run_id)
    grid = ledger.grid_for_jobs(jobs, run_id)
    emissions = account_jobs(jobs, grid, profile=profile, bounds=bounds,
                             include_embodied=include_embodied)
    total = totals(emissions)
    params = {"profile": profile, "bounds": bounds.model_dump(),
              "include_embodied": include_embodied,
              "series": {region: s.content_hash() for region, s in sorted(grid.items())}}
    stored = ledger.store_account(run_id, params, emissions, total)
    return {
        "run_id": run_id,
        "account_id": stored.id,
        "jobs": int(total["jobs"]),
        "basis": str(emissions["basis"].iloc[0]),
        "total_kgco2e": total["emissions_kg"],
        "lower_kgco2e": total["lower_kg"],
        "upper_kgco2e": total["upper_kg"],
        "operational_kgco2e": total["operational_kg"],
        "embodied_kgco2e": total["embodied_kg"],
        "total_kwh": total["energy_kwh"],
        "lower_kwh": total["energy_lower_kwh"],
        "upper_kwh": total["energy_upper_kwh"],
        "by_team": group_totals(aggregate(emissions, "team")),
        "by_region": group_totals(aggregate(emissions, "region")),
        "series": params["series"],
        "period_start_utc": iso_utc(jobs["start_utc"].min()), "period_end_utc": iso_utc(jobs["start_utc"].max()),
    }


def iso_utc(stamp: pd.Timestamp) -> str | None:
    """A UTC time as 'YYYY-MM-DDTHH:MM:SSZ' (None for a missing one)."""
    return None if pd.isna(stamp) else pd.Timestamp(stamp).strftime("%Y-%m-%dT%H:%M:%SZ")


def emissions_breakdown(ledger: Ledger, group_by: GroupBy = "team", *, team: str | None = None,
                        region: str | None = None, start: date | None = None, end: date | None = None
                        ) -> dict[str, Any]:
    """The latest simulation's accounted emissions filtered and grouped (``tools.rollup``)."""
    return emissions_breakdown_of(latest_emissions(ledger), group_by, team=team, region=region, start=start, end=end)


def latest_emissions(ledger: Ledger, run_id: str | None = None) -> pd.DataFrame:
    """Per-job emissions of the latest accounting of a run (accounting it first if needed)."""
    run_id = resolve_run_id(ledger, run_id)
    account_id = ledger.latest_account_id(run_id) or run_account(ledger, run_id=run_id)["account_id"]
    return ledger.load_emissions(str(account_id))


def run_import_grid(
    ledger: Ledger,
    path: Path,
    *,
    region: str,
    tz: str | None,
    basis: Basis | None,
    step_minutes: int = 60,
    fmt: Literal["auto", "lwa", "dacf", "generic"] = "auto",
    column: str | None = None,
    kind: SeriesKind | None = None,
    max_gap_minutes: int = 60,
) -> dict[str, Any]:
    """Read a grid-intensity CSV and store it; a bad file raises before anything is written."""
    series = read_grid_csv(path, region=region, tz=tz, basis=basis, step_minutes=step_minutes,
                           fmt=fmt, column=column, kind=kind, max_gap_minutes=max_gap_minutes)
    params = {"file": Path(path).name, "file_sha256": file_sha256(path), "region": region,
              "tz": tz, "basis": series.basis, "kind": series.kind, "step_minutes": step_minutes,
              "fmt": fmt, "column": column}
    result = ledger.store_run("import-grid", params, series=[series])
    return {
        "run_id": result.id,
        "created": result.created,
        "series_id": series.content_hash(),
        "region": series.region,
        "basis": series.basis,
        "kind": series.kind,
        "step_minutes": series.step_minutes,
        "values": len(series.values),
        "start": series.start_utc.isoformat(),
        "end": series.end_utc.isoformat(),
        "mean_g_per_kwh": series_summary(series)["mean_g_per_kwh"],
    }




def chat_context(ledger: Ledger, machine_now: datetime | None = None) -> tuple[datetime, tuple[str, ...]]:
    """The clock (``copilot.services.clock``: the machine's UTC time, or the end of the stored job
    history when that is earlier) and the teams of the jobs in the ledger (sorted) the chat reads
    requests against."""
    from copilot.services.clock import ledger_clock
    from tools.ledger.queries import job_teams

    return ledger_clock(ledger, machine_now).as_of, tuple(job_teams(ledger))


def id_kind(ledger: Ledger, value: str) -> str | None:
    """"plan" or "verification" when the ledger holds ``value`` as one, else None."""
    from tools.ledger.queries import id_kind as kind_of

    return kind_of(ledger, value)
