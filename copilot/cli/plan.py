"""Planning commands: plan, execute, verify."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from copilot.cli.common import DbOption, JsonOption, PlanOption, RunOption, emit, guarded, log
from copilot.services.storage import open_ledger


def _load_policy(path: Path | None) -> Any:
    from tools.schemas import PolicySet

    if path is None:
        return None
    try:
        text = path.read_text()
    except OSError as exc:
        raise ValueError(f"cannot read policy file {path}: {exc}") from exc
    return PolicySet.model_validate_json(text)


def plan(
    solver: Annotated[str, typer.Option(help="greedy (fast, per job) or exact (MILP, HiGHS).")] = "greedy",
    run: RunOption = None,
    policy: Annotated[Path | None, typer.Option(
        help="PolicySet JSON file (default: the active policy, see `policy load`).")] = None,
    carbon_price: Annotated[float | None, typer.Option(
        min=0, help="USD per tonne CO2e (default: the policy's, else 100).")] = None,
    days: Annotated[int | None, typer.Option(
        min=1, help="Only jobs submitted in the last N days of the history.")] = None,
    time_limit: Annotated[float, typer.Option(min=1, help="Exact solver time limit, s.")] = 60.0,
    energy_recs: Annotated[bool, typer.Option(help="Also propose rightsizing and GPU caps.")] = True,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Plan greener, cheaper placements on the forecast; store the recommendations."""
    from copilot.services.planning import run_plan
    from tools.plan import PlanParams

    def work() -> dict[str, Any]:
        if solver not in ("greedy", "exact"):
            raise ValueError(f"--solver={solver!r} is not one of greedy, exact")
        params = PlanParams(carbon_price_usd_per_t=carbon_price, time_limit_s=time_limit,
                            energy_recs=energy_recs)
        with open_ledger(db) as ledger:
            chosen = _load_policy(policy)
            if chosen is None:  # the confirmed policy, if any (python app.py policy load FILE --confirm)
                from copilot.services.policies import active_policy_set

                chosen = active_policy_set(ledger)
            log(f"planning with the {solver} solver under "
                 f"{'policy ' + chosen.name if chosen else 'no policy'} ...")
            return run_plan(ledger, solver=solver, run_id=run,  # type: ignore[arg-type]
                            policy=chosen, params=params, days=days)

    out = guarded(as_json, work)

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

    emit(out, as_json, render)


def execute(
    plan_id: PlanOption = None,
    rec: Annotated[list[str] | None, typer.Option(help="Only these recommendation ids.")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the simulated run noise.")] = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve and run a plan's recommendations in the simulator; write their tickets."""
    from copilot.services.planning import run_execute

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            return run_execute(ledger, plan_id=plan_id, rec_ids=rec, seed=seed)

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: (
        f"plan {o['plan_id']}: executed {o['recommendations']} recommendation(s) on "
        f"{o['executions']} job(s)" + ("" if o["created"] else " (nothing new)")))


def verify(
    plan_id: PlanOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Verify executed recommendations on realised data; claimed vs verified, with evidence."""
    from copilot.services.planning import run_verify

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            return run_verify(ledger, plan_id=plan_id)

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: (
        f"plan {o['plan_id']}: {o['verifications']} verification(s) ({o['new']} new)\n"
        f"  claimed  {o['claimed_kgco2e']:.2f} kgCO2e, {o['claimed_kwh']:.2f} kWh\n"
        f"  verified {o['verified_kgco2e']:.2f} kgCO2e (lower {o['verified_kgco2e_lower']:.2f}), "
        f"{o['verified_kwh']:.2f} kWh (lower {o['verified_kwh_lower']:.2f})\n"
        f"  mintable {o['mintable_kgco2e']:.2f} kgCO2e, {o['mintable_kwh']:.2f} kWh"))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command()(plan)
    app.command()(execute)
    app.command()(verify)
