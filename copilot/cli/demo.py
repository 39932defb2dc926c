"""The ``demo`` command: the copilot tells the whole story on the embedded defaults."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from copilot.cli.common import AsOption, DbOption, JsonOption, PasswordStdinOption, acting_user, emit, guarded
from copilot.settings import Settings


def run_demo(settings: Settings, db_path: Path, *, days: int, seed: int, plan_days: int, policy_file: Path,
             interactive: bool, echo: Callable[[str], Any], confirm: Callable[[str], bool],
             user: Any = None) -> None:
    """simulate -> account -> forecast -> plan under a policy -> execute (approved by the person
    running the demo) -> verify -> approval prompt -> mint -> metered saving -> summary -> charts
    -> audit. ``user``: the authenticated person acting (with no users yet, the first admin is
    created and its one-time password shown once)."""
    from copilot.agent.session import CopilotSession
    from copilot.policy import read_policy_file
    from copilot.services.fleet import latest_emissions, run_simulation
    from copilot.services.forecasting import run_verify_metered
    from copilot.services.policies import confirm_policy, load_policy
    from copilot.services.report import write_report
    from copilot.services.storage import audit_report, open_ledger
    from copilot.services.users import FIRST_ADMIN, AuthUser, bootstrap_admin
    from tools.auth import Role
    from tools.simulate import SimulationConfig, TelemetryChange

    start = SimulationConfig().start_utc
    cap_from = start + timedelta(days=max(1, days * 2 // 3))
    config = SimulationConfig(days=days, seed=seed, telemetry_changes=(TelemetryChange(
        cluster="gpu-a", start_utc=cap_from, dynamic_power_reduction=0.12),))
    with open_ledger(db_path) as ledger:
        if user is None:
            password = bootstrap_admin(ledger)
            if password is None:
                raise ValueError("this ledger has users: run the demo as one of them (--as NAME --password-stdin)")
            echo(f"0. created the first admin {FIRST_ADMIN!r}; one-time password (shown once): {password}")
            user = AuthUser(FIRST_ADMIN, Role.ADMIN)
        sim = run_simulation(ledger, config)
        echo(f"1. simulated {sim['jobs']} jobs in {sim['regions']} regions ({sim['start'][:10]} .. "
             f"{sim['end'][:10]}), run {sim['run_id']}, with a GPU power cap on cluster gpu-a from "
             f"{cap_from:%Y-%m-%d}")
        text = read_policy_file(policy_file)
        policy_id, report = load_policy(ledger, text, policy_file.stem, actor=user.name)
        confirm_policy(ledger, policy_id, user)
        echo(f"2. policy {policy_file.name} active: {len(report.clauses)} constraints, "
             f"{len(report.unrecognised)} sentence(s) not understood")
    session = CopilotSession(settings, db_path)
    echo(f"   copilot: {session.mode}")
    thread: str | None = None
    questions = ["How much did we emit?", "Forecast eu-west-1 for the next 24 hours",
                 f"Plan the next {plan_days} days", "Execute the plan and verify the savings",
                 "Mint the verified savings"]
    def approve_mint(prompt: str) -> bool:
        """Ask in a terminal and decide as ``user``; False (and how to decide later) otherwise."""
        assert thread is not None
        if interactive and confirm(f"   {prompt}"):
            echo("   copilot: " + session.decide(thread, approved=True, user=user).answer)
            return True
        echo(f"   not approved here{'' if interactive else ' (no terminal)'}: run "
             f"`python app.py approve --thread {thread} --as NAME --password-stdin` to mint, or `reject`")
        return False

    for step, question in enumerate(questions, start=3):
        turn = session.ask(question, thread)
        thread = turn.thread_id
        echo(f"{step}. you: {question}")
        echo("   copilot: " + turn.answer.replace("\\n", "\\n   "))
        if turn.pending_approval and turn.pending_approval.get("type") == "execute_approval":
            echo(f"   {user.name} approves executing {turn.pending_approval['recommendations']} recommendation(s)")
            turn = session.decide(thread, approved=True, user=user)
            echo("   copilot: " + turn.answer.replace("\n", "\n   "))
        if turn.pending_approval and turn.pending_approval.get("type") == "mint_batch_approval":
            batch = turn.pending_approval
            totals = ", ".join(f"{v:.4g} {k}" for k, v in batch["totals"].items())
            echo(f"   approval needed: one approval for {batch['count']} verification(s), {totals} "
                 f"(each its conservative lower bound, once ever; about a second per transaction on the "
                 f"embedded node)")
            if not approve_mint(f"Approve these mints as {user.name}?"):
                break
        if turn.pending_approval and turn.pending_approval.get("type") == "mint_approval":
            ev = turn.pending_approval["evidence"]
            echo(f"   approval needed: verification {ev['verification_id']} ({ev['kind']}), claimed "
                 f"{ev['claimed_kgco2e']:.4g} kgCO2e, verified {ev['saved_kgco2e']['central']:.4g} "
                 f"[{ev['saved_kgco2e']['lower']:.4g} - {ev['saved_kgco2e']['upper']:.4g}], mintable "
                 f"{ev['mintable_kgco2e']:.4g} kgCO2e and {ev['mintable_kwh']:.4g} kWh (one token: "
                 f"{turn.pending_approval['token']}); evidence {ev['evidence_hash']}")
            if not approve_mint(f"Approve this mint as {user.name}?"):
                break
    with open_ledger(db_path) as ledger:
        if days >= 7:
            metered = run_verify_metered(ledger, cluster="gpu-a", change_utc=cap_from, run_id=sim["run_id"])
            saved = metered["saved_kwh"]
            verdict = "accepted" if metered["accepted"] else "refused: " + "; ".join(metered["reasons"])
            echo(f"8. metered: gpu-a power cap: baseline CV(RMSE) {metered['cv_rmse_pct']:.2f} %, saved "
                 f"{saved['central']:.1f} kWh [{saved['lower']:.1f} - {saved['upper']:.1f}] -> {verdict}")
        files = write_report(latest_emissions(ledger, sim["run_id"]), settings.data_dir / "report")
    turn = session.ask("Weekly summary", None)
    echo("9. " + turn.answer.replace("\\n", "\\n   "))
    with open_ledger(db_path) as ledger:
        check = audit_report(ledger)
    echo(f"10. charts: {', '.join(str(f) for f in files)}; audit log: {check['rows']} rows, "
         f"{'chain intact' if check['ok'] else 'BROKEN'}")


def demo(db: DbOption = None,
         days: Annotated[int, typer.Option(min=1, max=365)] = 30,
         seed: Annotated[int, typer.Option(min=0)] = 1,
         plan_days: Annotated[int, typer.Option(min=1, help="Days of jobs to plan.")] = 7,
         policy_file: Annotated[Path, typer.Option("--policy", help="Policy to activate.")] = Path(
             "policies/eu_residency.md"),
         as_user: AsOption = None,
         password_stdin: PasswordStdinOption = False,
         as_json: JsonOption = False) -> None:
    """The whole story through the copilot on the embedded defaults: simulate -> account -> forecast
    -> plan under a policy -> execute -> verify -> approval prompt -> mint -> summary."""
    settings = Settings.from_env()
    lines: list[str] = []

    def echo(text: str) -> None:
        lines.append(text)
        typer.echo(text, err=as_json)

    def work() -> dict[str, Any]:
        from copilot.services.storage import open_ledger

        user = None
        if as_user:
            with open_ledger(db or settings.db_path) as ledger:
                user = acting_user(ledger, as_user, password_stdin, "running the demo")
        run_demo(settings, db or settings.db_path, days=days, seed=seed, plan_days=plan_days,
                 policy_file=policy_file, interactive=sys.stdin.isatty() and not as_json, echo=echo,
                 confirm=lambda text: typer.confirm(text, default=False), user=user)
        return {"steps": lines}

    out = guarded(as_json, work)
    if as_json:
        emit(out, as_json, lambda o: "")


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command()(demo)
