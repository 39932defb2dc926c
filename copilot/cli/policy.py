"""Policy commands (Typer sub-app ``policy``), registered on ``copilot.cli.main.app``.

    policy load FILE [--name N] [--confirm] [--accept-llm-clauses] [--no-llm]
                                               parse a policy text and store it as a draft (or activate it)
    policy confirm ID [--accept-llm-clauses]   make a stored policy the single active one
    policy show [ID]                           a stored policy (default: the active one)
    policy list                                every stored policy with its status

Parsing is deterministic and offline (``copilot.policy.parse_policy_text``, against the ledger's
teams). With an LLM configured (``copilot.settings.LLMSettings``; ``--no-llm`` turns it off) the
sentences the parser cannot read go to the LLM-assisted path (``parse_policy_with_llm``); every
constraint only the LLM read is shown with its sentence, marked ``[LLM]``, and activating the policy
then needs ``--accept-llm-clauses`` (admins). Every command takes ``--db`` and ``--json`` like the rest
of the CLI; errors exit with status 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from copilot.cli.common import AsOption, DbOption, JsonOption, PasswordStdinOption, acting_user, emit, guarded
from copilot.services.storage import open_ledger
from copilot.settings import Settings

policy_app = typer.Typer(add_completion=False, no_args_is_help=True,
                         help="Load, confirm and show sustainability policies written in plain English.")

ActorOption = Annotated[str | None, typer.Option(
    "--actor", help="Who is acting, for the audit log (default: $USER, else 'cli').")]
AcceptLlmOption = Annotated[bool, typer.Option(
    "--accept-llm-clauses", help="Confirm the constraints only the LLM read (marked [LLM]; review them first).")]
NoLlmOption = Annotated[bool, typer.Option("--no-llm", help="Use only the deterministic parser, even with an "
                                           "LLM configured.")]


def policy_model(no_llm: bool = False) -> Any:
    """The chat model for the LLM-assisted path, or None (offline, or ``--no-llm``)."""
    from copilot.settings import LLMSettings

    settings = LLMSettings.from_env()
    if no_llm or settings.provider == "offline":
        return None
    from copilot.agent.llm import make_chat_model

    return make_chat_model(settings)


def _actor(actor: str | None) -> str:
    return (actor or "").strip() or Settings.from_env().login_name


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _render_report(report: dict[str, Any]) -> list[str]:
    lines = [f"constraints ({len(report['clauses'])}):"]
    for c in report["clauses"]:
        mark = "  [LLM: read by the model only, confirm it]" if c.get("via") == "llm" else ""
        lines.append(f"  line {c['line']:<4} {c['constraint']} = {_value(c['value'])}{mark}")
        lines.append(f"            \"{c['sentence']}\"")
    if report["unrecognised"]:
        lines.append(f"not understood ({len(report['unrecognised'])}):")
        for u in report["unrecognised"]:
            lines.append(f"  line {u['line']:<4} \"{u['sentence']}\"")
            lines.append(f"            -> {u['reason']}")
    lines += [f"warning: {w}" for w in report["warnings"]]
    return lines


def _render_confirm(c: dict[str, Any]) -> list[str]:
    if not c["changed"]:
        head = f"policy {c['policy_id']} ({c['name']}) is already the active policy"
    else:
        head = (f"policy {c['policy_id']} ({c['name']}) is now the active policy, "
                f"confirmed by {c['confirmed_by']}")
        if c["superseded"]:
            head += f"; {c['superseded']} is superseded"
    lines = [head]
    if c.get("llm_clauses"):
        lines.append(f"confirmed {len(c['llm_clauses'])} constraint(s) read by the LLM only:")
        lines += [f"  line {x['line']}: {x['constraint']} = {_value(x['value'])}  \"{x['sentence']}\""
                  for x in c["llm_clauses"]]
    if c["unrecognised"]:
        lines.append(f"note: {len(c['unrecognised'])} sentence(s) of this policy were not understood and "
                     "are not enforced:")
        lines += [f"  line {u['line']}: \"{u['sentence']}\" -> {u['reason']}" for u in c["unrecognised"]]
    return lines


@policy_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="Policy document (plain text or markdown, UTF-8, <= 100 kB).")],
    name: Annotated[str | None, typer.Option(help="Policy name (default: the file name, no suffix).")] = None,
    confirm: Annotated[bool, typer.Option("--confirm", help="Also make it the active policy (admins, --as).")] = False,
    accept_llm_clauses: AcceptLlmOption = False,
    no_llm: NoLlmOption = False,
    actor: ActorOption = None,
    as_user: AsOption = None,
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Parse a policy document and store it as a draft; shows every constraint and its sentence."""
    from copilot.policy import read_policy_file
    from copilot.services.policies import confirm_policy, store_policy

    def work() -> dict[str, Any]:
        text = read_policy_file(file)
        model = policy_model(no_llm)
        with open_ledger(db) as ledger:
            admin = acting_user(ledger, as_user, password_stdin, "activating a policy") if confirm else None
            stored = store_policy(ledger, text, name or file.stem, admin.name if admin else _actor(actor),
                                  chat_model=model)
            confirmed = confirm_policy(ledger, stored.policy_id, admin, accept_llm_clauses=accept_llm_clauses) \
                if admin else None
        out = stored.model_dump(mode="json")
        out["name"] = stored.report.policy.name
        out["status"] = "active" if confirmed else stored.status
        out["confirmed"] = confirmed.model_dump(mode="json") if confirmed else None
        return out

    result = guarded(as_json, work)

    def render(o: dict[str, Any]) -> str:
        new = "stored" if o["created"] else "already stored"
        lines = [f"{new} policy {o['policy_id']} ({o['name']}), status {o['status']}"]
        lines += _render_report(o["report"])
        if o["confirmed"]:
            lines += _render_confirm(o["confirmed"])
        elif o["status"] != "active":
            llm = sum(c.get("via") == "llm" for c in o["report"]["clauses"])
            flag = " --accept-llm-clauses" if llm else ""
            if llm:
                lines.append(f"{llm} constraint(s) marked [LLM] were read by the model only: check each against "
                             "its sentence before confirming them")
            lines.append(f"this policy is a draft and is not enforced; activate it with "
                         f"`python app.py policy confirm {o['policy_id']}{flag} --as ADMIN --password-stdin`")
        return "\n".join(lines)

    emit(result, as_json, render)


@policy_app.command("confirm")
def confirm_cmd(
    policy_id: Annotated[str, typer.Argument(help="Policy id (from `policy load` or `policy list`).")],
    accept_llm_clauses: AcceptLlmOption = False,
    as_user: AsOption = None,
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make a stored policy the single active one (admins only; the previous one becomes superseded)."""
    from copilot.services.policies import confirm_policy

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            admin = acting_user(ledger, as_user, password_stdin, "activating a policy")
            return confirm_policy(ledger, policy_id, admin,
                                  accept_llm_clauses=accept_llm_clauses).model_dump(mode="json")

    result = guarded(as_json, work)
    emit(result, as_json, lambda o: "\n".join(_render_confirm(o)))


@policy_app.command("show")
def show(
    policy_id: Annotated[str | None, typer.Argument(help="Policy id (default: the active policy).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a stored policy: status, the PolicySet, every constraint with its source sentence."""
    from copilot.services.policies import show_policy

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            return show_policy(ledger, policy_id).model_dump(mode="json")

    result = guarded(as_json, work)

    def render(o: dict[str, Any]) -> str:
        who = f", confirmed by {o['confirmed_by']} at {o['confirmed_utc']}" if o["confirmed_by"] else ""
        lines = [f"policy {o['policy_id']} ({o['name']}): {o['status']}{who}"]
        return "\n".join(lines + _render_report(o["report"]))

    emit(result, as_json, render)


@policy_app.command("list")
def list_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List stored policies (oldest first) with their status."""
    from copilot.services.policies import list_policies

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            rows = [p.model_dump(mode="json") for p in list_policies(ledger)]
        active = next((r["policy_id"] for r in rows if r["status"] == "active"), None)
        return {"policies": rows, "active": active}

    result = guarded(as_json, work)

    def render(o: dict[str, Any]) -> str:
        if not o["policies"]:
            return "no policies stored; load one with `python app.py policy load FILE`"
        return "\n".join(f"{p['policy_id']}  {p['status']:<10} {p['name']:<24} {p['clauses']} constraints, "
                         f"{p['unrecognised']} not understood  (loaded {p['created_utc']})"
                         for p in o["policies"])

    emit(result, as_json, render)


def register(app: typer.Typer) -> None:
    """Add the ``policy`` command group to ``app``."""
    app.add_typer(policy_app, name="policy")
