"""CLI commands of the conversational copilot: ask, approve, reject, summary."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from copilot.cli.common import AsOption, DbOption, JsonOption, PasswordStdinOption, acting_user, emit, guarded, log
from copilot.services.storage import open_ledger
from copilot.settings import Settings


def _session(db: Any) -> Any:
    from copilot.agent.session import CopilotSession

    settings = Settings.from_env()
    return CopilotSession(settings, db or settings.db_path)


def approval_lines(pending: dict[str, Any]) -> list[str]:
    """What a turn waiting for a decision prints besides the answer (which names the approve and reject
    commands): what is asked (a mint, a batch mint or a plan execution), its figures from the interrupt
    payload, and who may approve."""
    kind = pending.get("type")
    if kind == "execute_approval":
        head = (f"execute {pending['recommendations']} proposed recommendation(s) of plan {pending['plan_id']} "
                f"(an operator or approver decides)")
    elif kind == "mint_batch_approval":
        totals = ", ".join(f"{v:.6g} {k}" for k, v in (pending.get("totals") or {}).items()) or "nothing"
        shares = ", ".join(f"{k} {v:.1f} %" for k, v in (pending.get("shares_pct") or {}).items() if v is not None)
        head = (f"mint {pending['count']} verified saving(s) in one approval: {totals}"
                + (f" (share of everything mintable ever: {shares})" if shares else ""))
    else:
        ev = pending["evidence"]
        head = (f"mint verification {pending['verification_id']}: claimed {ev['claimed_kgco2e']:.4g} kgCO2e, verified "
                f"{ev['saved_kgco2e']['central']:.4g} [{ev['saved_kgco2e']['lower']:.4g} - "
                f"{ev['saved_kgco2e']['upper']:.4g}], mintable {ev['mintable_kgco2e']:.4g} kgCO2e / "
                f"{ev['mintable_kwh']:.4g} kWh ({pending.get('rule', '1 approver')})")
    lines = [f"  [approval needed] {head}"]
    if pending.get("note"):
        lines.append(f"  [note] {pending['note']}")
    if pending.get("approvers"):
        lines.append(f"  [may approve] {', '.join(pending['approvers'])}")
    return lines


def _render_turn(o: dict[str, Any], *, answer: bool = True) -> str:
    lines = [o["answer"]] if answer else []
    for t in o["tools"]:
        lines.append(f"  [tool] {t['name']}({', '.join(f'{k}={v!r}' for k, v in t['args'].items())})")
    if o["pending_approval"]:
        lines += approval_lines(o["pending_approval"])
    for g in o["guard_events"]:
        lines.append(f"  [numbers guard] unsupported numbers {g['unsupported']} "
                     + ("(answer regenerated)" if g["retry"] else "(replaced by the tools' own wording)"))
    lines.append(f"  [{o['mode']}] thread {o['thread_id']}")
    return "\n".join(lines)


def ask(
    question: Annotated[str, typer.Argument(help="Your question or request, in plain language.")],
    thread: Annotated[str | None, typer.Option(help="Continue this conversation (thread id).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ask the copilot; it answers with figures from its tools and may ask you to approve a mint."""

    def work() -> dict[str, Any]:
        from copilot.services.clock import ledger_clock

        session = _session(db)
        log(f"copilot: {session.mode}")
        with open_ledger(db or Settings.from_env().db_path) as ledger:
            log(f"clock: {ledger_clock(ledger).label()}")
        if as_json:
            return dict(session.ask(question, thread).as_dict())
        return _streamed(session.ask_stream(question, thread))

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: _render_turn(o, answer=not o.get("streamed")))


def _streamed(events: Any) -> dict[str, Any]:
    """Print a turn's words as they come (``CopilotSession.ask_stream``: never an unsupported figure),
    then its answer if it differs from what was shown (a retry, a withheld figure, a template answer);
    returns the turn as a dict, marked ``streamed``."""
    from copilot.agent.session import TurnResult

    shown = ""
    for event in events:
        if isinstance(event, TurnResult):
            turn = event.as_dict()
            if shown.strip() and shown.strip() == turn["answer"].strip():
                typer.echo("")
            else:
                if shown:
                    typer.echo("\n  [the streamed words were replaced by the answer below]")
                typer.echo(turn["answer"])
            return turn | {"streamed": True}
        if event.kind == "text":
            typer.echo(event.text, nl=False)
            shown += event.text
        elif event.kind == "reset" and shown:
            typer.echo("\n  [numbers guard: the model stated a figure no tool returned; asking it again]")
            shown = ""
        elif event.kind == "tool_start":
            log(f"  [tool] {event.name} ...")
    raise AssertionError("a streamed turn ends with its result")


def _decide(thread: str, approved: bool, as_user: str | None, password_stdin: bool, reason: str, db: Any,
            as_json: bool) -> None:
    def work() -> dict[str, Any]:
        session = _session(db)
        with open_ledger(db or Settings.from_env().db_path) as ledger:
            user = acting_user(ledger, as_user, password_stdin,
                               "approving" if approved else "rejecting")
        return dict(session.decide(thread, approved=approved, user=user, reason=reason).as_dict())

    emit(guarded(as_json, work), as_json, _render_turn)


def approve(
    thread: Annotated[str, typer.Option(help="The conversation waiting for a decision (mint or execution).")],
    as_user: AsOption = None,
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve what a conversation is waiting for, as an authenticated person (a mint needs an
    approver the policy allows; executing a plan needs an operator)."""
    _decide(thread, True, as_user, password_stdin, "", db, as_json)


def reject(
    thread: Annotated[str, typer.Option(help="The conversation waiting for a decision (mint or execution).")],
    as_user: AsOption = None,
    password_stdin: PasswordStdinOption = False,
    reason: Annotated[str, typer.Option(help="Why.")] = "rejected",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reject what a conversation is waiting for: nothing is minted or executed."""
    _decide(thread, False, as_user, password_stdin, reason, db, as_json)


def summary(
    week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W03 (default: latest with data).")] = None,
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Weekly team summary: emissions and change, verified savings, tokens, open actions, a nudge."""
    from copilot.agent.summary_text import write_summary

    def work() -> dict[str, Any]:
        settings = Settings.from_env()
        return write_summary(db or settings.db_path, week=week, team=team)

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: o["text"] + f"\n  [{o['mode']}]")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command()(ask)
    app.command()(approve)
    app.command()(reject)
    app.command()(summary)
