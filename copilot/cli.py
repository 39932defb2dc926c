"""Command-line interface (Typer). JSON goes to stdout with ``--json``; logs go to stderr.

Heavy modules (pandas, the tools, matplotlib) are imported inside the commands so that
``python app.py --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from copilot.settings import Settings

if TYPE_CHECKING:
    from tools.ledger import Ledger

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="GreenOps Copilot: measure, plan, verify and tokenise compute savings.")

DbOption = Annotated[Path | None, typer.Option(
    "--db", help="Ledger file (default: $GREENOPS_DATA_DIR/greenops.sqlite, data dir ./var).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def _log(message: str) -> None:
    typer.echo(message, err=True)


def _open_ledger(db: Path | None) -> Ledger:
    from tools.ledger import Ledger

    return Ledger(db or Settings.from_env().db_path)


def _emit(payload: dict[str, Any], as_json: bool, render: Callable[[dict[str, Any]], str]) -> None:
    if as_json:
        typer.echo(json.dumps(payload, indent=2, sort_keys=True))
    else:
        typer.echo(render(payload))


def _fail(exc: Exception, as_json: bool) -> None:
    message = str(exc).strip() or type(exc).__name__
    _log(f"error: {message}")
    if as_json:
        typer.echo(json.dumps({"error": message, "type": type(exc).__name__}))
    raise typer.Exit(code=1)


def _guarded(as_json: bool, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``work``; turn input and ledger errors into a clear message and exit code 1."""
    from pydantic import ValidationError

    from tools.ledger import LedgerError

    try:
        return work()
    except (ValueError, ValidationError, LedgerError, FileNotFoundError) as exc:
        _fail(exc, as_json)
        raise AssertionError("unreachable") from exc


@app.command()
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
    from copilot.operations import run_simulation
    from tools.simulate import SimulationConfig

    def work() -> dict[str, Any]:
        config = SimulationConfig(days=days, seed=seed, jobs_per_day=jobs_per_day,
                                  forecast_error=forecast_error)
        with _open_ledger(db) as ledger:
            _log(f"simulating {days} days, seed {seed} ...")
            return run_simulation(ledger, config, telemetry=telemetry)

    out = _guarded(as_json, work)
    _emit(out, as_json, lambda o: (
        f"{'stored' if o['created'] else 'already stored'} run {o['run_id']}: {o['jobs']} jobs "
        f"in {o['regions']} regions, {o['start']} .. {o['end']}"))


@app.command()
def account(
    run: Annotated[str | None, typer.Option(help="Run id (default: latest simulation).")] = None,
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
    from copilot.operations import run_account
    from tools.account import Bounds

    def work() -> dict[str, Any]:
        if profile not in ("auto", "aws", "gcp", "azure", "seed"):
            raise ValueError(f"--profile={profile!r} is not one of auto, aws, gcp, azure, seed")
        with _open_ledger(db) as ledger:
            return run_account(ledger, run_id=run, profile=profile,  # type: ignore[arg-type]
                               bounds=Bounds(power_rel=power_bound, intensity_rel=intensity_bound),
                               include_embodied=embodied)

    out = _guarded(as_json, work)

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

    _emit(out, as_json, render)


@app.command("import-grid")
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
    from copilot.operations import run_import_grid

    def work() -> dict[str, Any]:
        if basis not in (None, "lifecycle", "direct"):
            raise ValueError(f"--basis={basis!r} is not one of lifecycle, direct")
        if kind not in (None, "realised", "forecast"):
            raise ValueError(f"--kind={kind!r} is not one of realised, forecast")
        if fmt not in ("auto", "lwa", "dacf", "generic"):
            raise ValueError(f"--format={fmt!r} is not one of auto, lwa, dacf, generic")
        with _open_ledger(db) as ledger:
            return run_import_grid(ledger, file, region=region, tz=tz,
                                   basis=basis,  # type: ignore[arg-type]
                                   step_minutes=step_minutes, fmt=fmt,  # type: ignore[arg-type]
                                   column=column, kind=kind,  # type: ignore[arg-type]
                                   max_gap_minutes=max_gap_minutes)

    out = _guarded(as_json, work)
    _emit(out, as_json, lambda o: (
        f"{'imported' if o['created'] else 'already imported'} {o['values']} x "
        f"{o['step_minutes']} min {o['kind']} {o['basis']} values for {o['region']} "
        f"({o['start']} .. {o['end']}, mean {o['mean_g_per_kwh']:.1f} gCO2e/kWh)"))


@app.command()
def audit(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check the hash-chained audit log; exits 1 if any row was edited or removed."""

    def work() -> dict[str, Any]:
        with _open_ledger(db) as ledger:
            report = ledger.verify_audit()
        return {"rows": report.rows, "ok": report.ok, "problems": report.problems}

    out = _guarded(as_json, work)
    _emit(out, as_json, lambda o: (
        f"audit log: {o['rows']} rows, " + ("chain intact" if o["ok"] else
                                              "BROKEN:\n  " + "\n  ".join(o["problems"]))))
    if not out["ok"]:
        raise typer.Exit(code=1)


@app.command()
def report(
    out: Annotated[Path, typer.Option(help="Directory for the PNG charts.")] = Path("var/report"),
    run: Annotated[str | None, typer.Option(help="Run id (default: latest simulation).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Charts (PNG) of emissions by region, team, UTC hour of day and day."""
    from copilot.charts import write_report
    from copilot.operations import latest_emissions

    def work() -> dict[str, Any]:
        with _open_ledger(db) as ledger:
            emissions = latest_emissions(ledger, run)
        files = write_report(emissions, out)
        return {"files": [str(f) for f in files]}

    result = _guarded(as_json, work)
    _emit(result, as_json, lambda o: "wrote\n  " + "\n  ".join(o["files"]))


@app.command()
def demo(db: DbOption = None,
         days: Annotated[int, typer.Option(min=1, max=365)] = 30,
         seed: Annotated[int, typer.Option(min=0)] = 1) -> None:
    """The story so far on the embedded defaults: simulate -> store -> account -> report -> audit."""
    from copilot.charts import write_report
    from copilot.operations import latest_emissions, run_account, run_simulation
    from tools.simulate import SimulationConfig

    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        with _open_ledger(db) as ledger:
            _log(f"ledger: {ledger.path}")
            sim = run_simulation(ledger, SimulationConfig(days=days, seed=seed))
            typer.echo(f"1. simulated {sim['jobs']} jobs in {sim['regions']} regions "
                       f"({sim['start'][:10]} .. {sim['end'][:10]}), run {sim['run_id']}"
                       + ("" if sim["created"] else " (already in the ledger)"))
            acc = run_account(ledger, run_id=sim["run_id"])
            typer.echo(f"2. accounted: {acc['total_kgco2e']:.1f} kgCO2e "
                       f"[{acc['lower_kgco2e']:.1f} - {acc['upper_kgco2e']:.1f}] 90% interval, "
                       f"{acc['total_kwh']:.1f} kWh ({acc['basis']} intensity)")
            worst = max(acc["by_region"].items(), key=lambda kv: kv[1]["kgco2e"])
            typer.echo(f"   dirtiest region: {worst[0]} with {worst[1]['kgco2e']:.1f} kgCO2e")
            files = write_report(latest_emissions(ledger, sim["run_id"]),
                                 settings.data_dir / "report")
            typer.echo(f"3. charts: {', '.join(str(f) for f in files)}")
            check = ledger.verify_audit()
            typer.echo(f"4. audit log: {check.rows} rows, "
                       f"{'chain intact' if check.ok else 'BROKEN'}")
        return {}

    _guarded(False, work)


def main(argv: list[str] | None = None) -> Literal[0]:
    """Entry point used by app.py."""
    app(args=argv if argv is not None else sys.argv[1:])
    return 0
