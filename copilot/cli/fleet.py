"""Fleet commands: simulate, account, import-grid, audit, report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from copilot.cli.common import DbOption, JsonOption, RunOption, emit, guarded, log
from copilot.services.storage import audit_report, open_ledger


def simulate(
    days: Annotated[int, typer.Option(min=1, max=3660, help="Simulated days.")] = 30,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 1,
    jobs_per_day: Annotated[float, typer.Option(min=1, help="Mean arrivals per day.")] = 1000.0,
    forecast_error: Annotated[float, typer.Option(min=0, max=1,
                                                  help="Relative sd of forecast error.")] = 0.10,
    telemetry: Annotated[bool, typer.Option(help="Also simulate cluster telemetry.")] = True,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Simulate a cloud fleet (jobs, grid intensity, prices, telemetry) into the ledger."""
    from copilot.services.fleet import run_simulation
    from tools.simulate import SimulationConfig

    def work() -> dict[str, Any]:
        config = SimulationConfig(days=days, seed=seed, jobs_per_day=jobs_per_day,
                                  forecast_error=forecast_error)
        with open_ledger(db) as ledger:
            log(f"simulating {days} days, seed {seed} ...")
            return run_simulation(ledger, config, telemetry=telemetry)

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: (
        f"{'stored' if o['created'] else 'already stored'} run {o['run_id']}: {o['jobs']} jobs "
        f"in {o['regions']} regions, {o['start']} .. {o['end']}"))


def account(
    run: RunOption = None,
    profile: Annotated[str, typer.Option(
        help="Power profile: auto (per job's provider), aws, gcp, azure or seed.")] = "auto",
    power_bound: Annotated[float, typer.Option(min=0, max=0.99,
                                               help="Power coefficient 90% bound.")] = 0.2,
    intensity_bound: Annotated[float, typer.Option(min=0, max=0.99,
                                                   help="Intensity 90% bound.")] = 0.2,
    embodied: Annotated[bool, typer.Option(help="Include the SCI embodied share.")] = True,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Energy (kWh) and emissions (kgCO2e, 90% interval) of a run's jobs, by team and region."""
    from copilot.services.fleet import run_account
    from tools.account import PROFILE_NAMES, Bounds

    def work() -> dict[str, Any]:
        if profile not in PROFILE_NAMES:
            raise ValueError(f"--profile={profile!r} is not one of {', '.join(PROFILE_NAMES)}")
        with open_ledger(db) as ledger:
            return run_account(ledger, run_id=run, profile=profile,  # type: ignore[arg-type]
                               bounds=Bounds(power_rel=power_bound, intensity_rel=intensity_bound),
                               include_embodied=embodied)

    out = guarded(as_json, work)

    def render(o: dict[str, Any]) -> str:
        lines = [f"{o['jobs']} jobs: {o['total_kgco2e']:.1f} kgCO2e "
                 f"[{o['lower_kgco2e']:.1f} - {o['upper_kgco2e']:.1f}] ({o['basis']}), "
                 f"{o['total_kwh']:.1f} kWh"]
        for title, key in (("team", "by_team"), ("region", "by_region")):
            lines.append(f"by {title}:")
            for name, g in sorted(o[key].items(), key=lambda kv: -kv[1]["kgco2e"]):
                lines.append(f"  {name:<12} {g['kgco2e']:>10.1f} kgCO2e  {g['kwh']:>10.1f} kWh"
                             f"  {g['jobs']:>6} jobs")
        return "\n".join(lines)

    emit(out, as_json, render)


def import_grid(
    file: Annotated[Path, typer.Argument(help="CSV: Let's Wait Awhile, DACF or timestamp,value.")],
    region: Annotated[str, typer.Option(help="Region the series applies to.")],
    tz: Annotated[str | None, typer.Option(help="Time zone of naive timestamps, e.g. UTC.")] = None,
    basis: Annotated[str | None, typer.Option(help="lifecycle or direct.")] = None,
    step_minutes: Annotated[int, typer.Option(min=1, help="Resample to this step.")] = 60,
    fmt: Annotated[str, typer.Option("--format", help="auto, lwa, dacf or generic.")] = "auto",
    column: Annotated[str | None, typer.Option(help="Value column (DACF files).")] = None,
    kind: Annotated[str | None, typer.Option(help="realised or forecast.")] = None,
    max_gap_minutes: Annotated[int, typer.Option(min=1, help="Longest tolerated gap.")] = 60,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import a real grid carbon-intensity CSV as a series (nothing is written if it is bad)."""
    from copilot.services.fleet import run_import_grid

    def work() -> dict[str, Any]:
        if basis not in (None, "lifecycle", "direct"):
            raise ValueError(f"--basis={basis!r} is not one of lifecycle, direct")
        if kind not in (None, "realised", "forecast"):
            raise ValueError(f"--kind={kind!r} is not one of realised, forecast")
        if fmt not in ("auto", "lwa", "dacf", "generic"):
            raise ValueError(f"--format={fmt!r} is not one of auto, lwa, dacf, generic")
        with open_ledger(db) as ledger:
            return run_import_grid(ledger, file, region=region, tz=tz,
                                   basis=basis,  # type: ignore[arg-type]
                                   step_minutes=step_minutes, fmt=fmt,  # type: ignore[arg-type]
                                   column=column, kind=kind,  # type: ignore[arg-type]
                                   max_gap_minutes=max_gap_minutes)

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: (
        f"{'imported' if o['created'] else 'already imported'} {o['values']} x "
        f"{o['step_minutes']} min {o['kind']} {o['basis']} values for {o['region']} "
        f"({o['start']} .. {o['end']}, mean {o['mean_g_per_kwh']:.1f} gCO2e/kWh)"))


def audit(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check the ledger for edits made outside the app: the hash-chained audit log, every protected
    row against its audited digest, every verification against its evidence hash, and the audit
    head anchored on chain; exits 1 on any finding."""
    from copilot.settings import Settings

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            return audit_report(ledger, Settings.from_env())

    out = guarded(as_json, work)

    def render(o: dict[str, Any]) -> str:
        anchor = o.get("anchor") or {}
        lines = [f"audit log: {o['rows']} rows, " + ("chain intact, no row edited" if o["ok"] else "BROKEN:"),
                 *[f"  {p}" for p in o["problems"]]]
        if anchor:
            lines.append(f"anchor: {anchor['detail']}")
        return "\n".join(lines)

    emit(out, as_json, render)
    if not out["ok"]:
        raise typer.Exit(code=1)


def report(
    out: Annotated[Path, typer.Option(help="Directory for the PNG charts.")] = Path("var/report"),
    run: RunOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Charts (PNG) of emissions by region, team, UTC hour of day and day."""
    from copilot.services.fleet import latest_emissions
    from copilot.services.report import write_report

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            emissions = latest_emissions(ledger, run)
        files = write_report(emissions, out)
        return {"files": [str(f) for f in files]}

    result = guarded(as_json, work)
    emit(result, as_json, lambda o: "wrote\n  " + "\n  ".join(o["files"]))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command()(simulate)
    app.command()(account)
    app.command("import-grid")(import_grid)
    app.command()(audit)
    app.command()(report)
