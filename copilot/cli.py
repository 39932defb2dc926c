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


def _load_policy(path: Path | None) -> Any:
    from tools.schemas import PolicySet

    if path is None:
        return None
    try:
        text = path.read_text()
    except OSError as exc:
        raise ValueError(f"cannot read policy file {path}: {exc}") from exc
    return PolicySet.model_validate_json(text)


@app.command()
def plan(
    solver: Annotated[str, typer.Option(help="greedy (fast, per job) or exact (MILP, HiGHS).")] = "greedy",
    run: Annotated[str | None, typer.Option(help="Run id (default: latest simulation).")] = None,
    policy: Annotated[Path | None, typer.Option(
        help="PolicySet JSON file (default: the active policy, see `policy load`).")] = None,
    carbon_price: Annotated[float | None, typer.Option(
        min=0, help="USD per tonne CO2e (default: the policy's, else 100).")] = None,
    days: Annotated[int | None, typer.Option(min=1, help="Only jobs submitted in the first N days.")] = None,
    time_limit: Annotated[float, typer.Option(min=1, help="Exact solver time limit, s.")] = 60.0,
    energy_recs: Annotated[bool, typer.Option(help="Also propose rightsizing and GPU caps.")] = True,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Plan greener, cheaper placements on the forecast; store the recommendations."""
    from copilot.operations import run_plan
    from tools.plan import PlanParams

    def work() -> dict[str, Any]:
        if solver not in ("greedy", "exact"):
            raise ValueError(f"--solver={solver!r} is not one of greedy, exact")
        params = PlanParams(carbon_price_usd_per_t=carbon_price, time_limit_s=time_limit,
                            energy_recs=energy_recs)
        with _open_ledger(db) as ledger:
            chosen = _load_policy(policy)
            if chosen is None:  # the confirmed policy, if any (python app.py policy load FILE --confirm)
                from copilot.governance import active_policy_set

                chosen = active_policy_set(ledger)
            _log(f"planning with the {solver} solver under "
                 f"{'policy ' + chosen.name if chosen else 'no policy'} ...")
            return run_plan(ledger, solver=solver, run_id=run,  # type: ignore[arg-type]
                            policy=chosen, params=params, days=days)

    out = _guarded(as_json, work)

    def render(o: dict[str, Any]) -> str:
        gap = "n/a" if o["gap"] is None else f"{o['gap']:.2%}"
        lines = [f"plan {o['plan_id']} ({o['solver']}, gap {gap}, {o['runtime_s']:.1f} s): "
                 f"{o['recommendations']} recommendations",
                 f"  estimated saving {o['est_kgco2e_saved']:.1f} kgCO2e "
                 f"[{o['est_kgco2e_saved_lower']:.1f} - {o['est_kgco2e_saved_upper']:.1f}], "
                 f"{o['est_kwh_saved']:.1f} kWh, {o['est_usd_saved']:.2f} USD"]
        for kind, agg in sorted(o["by_kind"].items()):
            lines.append(f"  {kind:<10} {int(agg['count']):>6}  {agg['est_kgco2e_saved']:>9.1f} kgCO2e"
                         f"  {agg['est_kwh_saved']:>9.1f} kWh  {agg['est_usd_saved']:>9.2f} USD")
        lines.append("  not moved: " + ", ".join(f"{k} {v}" for k, v in o["not_moved"].items()))
        lines += [f"  note: {n}" for n in o["notes"]]
        return "\n".join(lines)

    _emit(out, as_json, render)


@app.command()
def execute(
    plan_id: Annotated[str | None, typer.Option("--plan", help="Plan id (default: latest).")] = None,
    rec: Annotated[list[str] | None, typer.Option(help="Only these recommendation ids.")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the simulated run noise.")] = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve and run a plan's recommendations in the simulator; write their tickets."""
    from copilot.operations import run_execute

    def work() -> dict[str, Any]:
        with _open_ledger(db) as ledger:
            return run_execute(ledger, plan_id=plan_id, rec_ids=rec, seed=seed)

    out = _guarded(as_json, work)
    _emit(out, as_json, lambda o: (
        f"plan {o['plan_id']}: executed {o['recommendations']} recommendation(s) on "
        f"{o['executions']} job(s)" + ("" if o["created"] else " (nothing new)")))


@app.command()
def verify(
    plan_id: Annotated[str | None, typer.Option("--plan", help="Plan id (default: latest).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Verify executed recommendations on realised data; claimed vs verified, with evidence."""
    from copilot.operations import run_verify

    def work() -> dict[str, Any]:
        with _open_ledger(db) as ledger:
            return run_verify(ledger, plan_id=plan_id)

    out = _guarded(as_json, work)
    _emit(out, as_json, lambda o: (
        f"plan {o['plan_id']}: {o['verifications']} verification(s) ({o['new']} new)\n"
        f"  claimed  {o['claimed_kgco2e']:.2f} kgCO2e, {o['claimed_kwh']:.2f} kWh\n"
        f"  verified {o['verified_kgco2e']:.2f} kgCO2e (lower {o['verified_kgco2e_lower']:.2f}), "
        f"{o['verified_kwh']:.2f} kWh (lower {o['verified_kwh_lower']:.2f})\n"
        f"  mintable {o['mintable_kgco2e']:.2f} kgCO2e, {o['mintable_kwh']:.2f} kWh"))


@app.command()
def demo(db: DbOption = None,
         days: Annotated[int, typer.Option(min=1, max=365)] = 30,
         seed: Annotated[int, typer.Option(min=0)] = 1,
         plan_days: Annotated[int, typer.Option(min=1, help="Days of jobs to plan.")] = 7,
         policy_file: Annotated[Path, typer.Option("--policy", help="Policy to activate.")] = Path(
             "policies/eu_residency.md")) -> None:
    """The whole story through the copilot on the embedded defaults: simulate -> account -> forecast
    -> plan under a policy -> execute -> verify -> approval prompt -> mint -> summary."""
    from copilot.demo import run_demo

    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        run_demo(settings, db or settings.db_path, days=days, seed=seed, plan_days=plan_days,
                 policy_file=policy_file, interactive=sys.stdin.isatty(), echo=typer.echo,
                 confirm=lambda text: typer.confirm(text, default=False))
        return {}

    _guarded(False, work)


def main(argv: list[str] | None = None) -> Literal[0]:
    """Entry point used by app.py."""
    app(args=argv if argv is not None else sys.argv[1:])
    return 0
from copilot import cli_agent, cli_chain, cli_forecast, cli_policy, cli_ui  # noqa: E402,F401  (register their commands)
