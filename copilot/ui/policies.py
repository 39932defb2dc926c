"""The Policies tab: paste or upload a plain-English policy, see the constraints parsed from it
(each with its source sentence) and what was not understood, then activate it.

Parsing is ``copilot.policy.parse_policy_text`` (deterministic, offline, against the ledger's
teams); activation is ``load_policy`` + ``confirm_policy`` (an admin confirms, recorded in the audit
log). With an LLM configured (``LLMSettings``), *Parse* also sends the sentences the parser cannot
read to the LLM-assisted path and stores the result as a draft, so *Activate* confirms exactly the
reading that was shown; constraints only the LLM read are marked ``llm`` in the *via* column and
activation needs the "I reviewed the LLM-read constraints" box ticked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from copilot.services.storage import open_ledger
from copilot.services.users import AuthError
from copilot.ui.auth import can, session_user
from copilot.ui.chat import WRITE_QUEUE
from tools.auth import Role

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
CLAUSE_COLUMNS = ["line", "constraint", "value", "via", "sentence"]
UNRECOGNISED_COLUMNS = ["line", "sentence", "reason"]


def example_policies() -> list[str]:
    return sorted(p.name for p in POLICY_DIR.glob("*.md") if p.name != "README.md") if POLICY_DIR.is_dir() else []


def report_frames(report: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A PolicyReport's clauses and unrecognised sentences as tables."""
    clauses = pd.DataFrame([{"line": c.line, "constraint": c.constraint, "value": json.dumps(c.value),
                             "via": c.via, "sentence": c.sentence} for c in report.clauses], columns=CLAUSE_COLUMNS)
    unknown = pd.DataFrame([{"line": u.line, "sentence": u.sentence, "reason": u.reason}
                            for u in report.unrecognised], columns=UNRECOGNISED_COLUMNS)
    return clauses, unknown


def active_markdown(db_path: Path) -> str:
    """Which policy is active, and every stored policy."""
    from copilot.policy import PolicyError
    from copilot.services.policies import list_policies, show_policy

    with open_ledger(db_path) as ledger:
        try:
            active = show_policy(ledger)
            head = (f"**Active policy:** *{active.name}* (`{active.policy_id}`), {active.clauses} constraints, "
                    f"{active.unrecognised} sentence(s) not understood, confirmed by {active.confirmed_by} at "
                    f"{active.confirmed_utc}")
        except PolicyError:
            head = "**No active policy**: plans use no constraints beyond each job's own window."
        stored = list_policies(ledger)
    rows = [f"- `{p.policy_id}` {p.status}: *{p.name}* ({p.clauses} constraints)" for p in stored]
    return head + ("\n\nStored policies:\n" + "\n".join(rows) if rows else "")


def policy_model() -> Any:
    """The chat model for the LLM-assisted path, or None when no LLM is configured."""
    from copilot.settings import LLMSettings

    settings = LLMSettings.from_env()
    if settings.provider == "offline":
        return None
    from copilot.agent.llm import make_chat_model

    return make_chat_model(settings)


def build_policies(db_path: Path, model: Any = None) -> tuple[Any, Any]:
    """The Policies tab's components and events; returns (a refresh function, its output).

    ``model``: a callable giving the chat model of the LLM-assisted path or None (default
    ``policy_model``, from the environment)."""
    from copilot.policy import PolicyError, read_policy_file
    from copilot.services.policies import confirm_policy, load_policy, parse_for_ledger, store_policy

    model_for = model or policy_model

    active = gr.Markdown(elem_id="policy-active")
    with gr.Row():
        with gr.Column(scale=3):
            text = gr.Textbox(label="Policy text (plain English, one rule per sentence)", lines=12, max_lines=30,
                              elem_id="policy-text", placeholder="Team data may only run in eu-west-1 and eu-north-1.")
        with gr.Column(scale=1):
            name = gr.Textbox("policy", label="Name", elem_id="policy-name")
            example = gr.Dropdown(["", *example_policies()], value="", label="Load an example")
            upload = gr.File(label="…or upload a .md / .txt file", file_types=[".md", ".txt"], type="filepath",
                             height=110)
            gr.Markdown("Activation: admins only (the logged-in user is recorded as who confirmed it).")
            accept_llm = gr.Checkbox(False, label="I reviewed the constraints read by the LLM only (via = llm) "
                                     "against their sentences and accept them", elem_id="policy-accept-llm")
    with gr.Row():
        parse_btn = gr.Button("Parse", elem_id="policy-parse")
        activate_btn = gr.Button("Activate", variant="primary", elem_id="policy-activate")
    status = gr.Markdown(elem_id="policy-status")
    clauses = gr.Dataframe(headers=CLAUSE_COLUMNS, label="Constraints understood (each with its sentence)",
                           interactive=False, wrap=True, elem_id="policy-clauses")
    unknown = gr.Dataframe(headers=UNRECOGNISED_COLUMNS, label="Not understood (not enforced)", interactive=False,
                           wrap=True, elem_id="policy-unrecognised")

    def load_file(path: str | None) -> tuple[Any, Any]:
        if not path:
            return gr.update(), gr.update()
        try:
            return read_policy_file(path), Path(path).stem
        except PolicyError as exc:
            raise gr.Error(str(exc)) from exc

    def load_example(file_name: str) -> tuple[Any, Any]:
        if not file_name:
            return gr.update(), gr.update()
        return read_policy_file(POLICY_DIR / file_name), Path(file_name).stem

    def parse(policy_text: str, policy_name: str, request: gr.Request) -> tuple[str, pd.DataFrame, pd.DataFrame]:
        user = session_user(db_path, request)
        try:
            chat_model = model_for()
            with open_ledger(db_path) as ledger:
                if chat_model is None:
                    report = parse_for_ledger(ledger, policy_text, (policy_name or "policy").strip())
                else:  # stored as a draft, so that Activate confirms exactly this reading
                    report = store_policy(ledger, policy_text, (policy_name or "policy").strip(),
                                          user.name if user else "ui", chat_model=chat_model).report
        except (PolicyError, ValueError) as exc:
            return f"⚠ {exc}", pd.DataFrame(columns=CLAUSE_COLUMNS), pd.DataFrame(columns=UNRECOGNISED_COLUMNS)
        warn = "".join(f"\n- warning: {w}" for w in report.warnings)
        llm = len(report.llm_clauses)
        review = (f" **{llm} constraint(s) were read by the LLM only** (via = llm): check each against its "
                  "sentence; activating needs the review box ticked." if llm else "")
        return (f"Parsed *{report.policy.name}*: {len(report.clauses)} constraint(s), {len(report.unrecognised)} "
                f"sentence(s) not understood.{review} Not active until you press **Activate**.{warn}",
                *report_frames(report))

    def activate(policy_text: str, policy_name: str, accept: bool, request: gr.Request
                 ) -> tuple[str, pd.DataFrame, pd.DataFrame, str]:
        user = session_user(db_path, request)
        try:
            if user is None or not can(user, Role.ADMIN):
                raise AuthError("only an admin can activate a policy"
                                + (f": you are {user.name} ({user.role})" if user else ": log in first"))
            chat_model = model_for()
            with open_ledger(db_path) as ledger:
                policy_id, report = load_policy(ledger, policy_text, (policy_name or "policy").strip(),
                                                actor=user.name, chat_model=chat_model)
                done = confirm_policy(ledger, policy_id, user, accept_llm_clauses=bool(accept))
        except (PolicyError, AuthError, ValueError) as exc:
            empty = pd.DataFrame(columns=CLAUSE_COLUMNS), pd.DataFrame(columns=UNRECOGNISED_COLUMNS)
            return f"⚠ {exc}", *empty, active_markdown(db_path)
        what = "is now the active policy" if done.changed else "was already the active policy"
        extra = f"; `{done.superseded}` is superseded" if done.superseded else ""
        if done.llm_clauses:
            extra += f"; {len(done.llm_clauses)} constraint(s) read by the LLM only were confirmed"
        return (f"✓ Policy *{done.name}* (`{policy_id}`) {what}, confirmed by {done.confirmed_by}{extra}. Plans "
                f"from now on follow it.", *report_frames(report), active_markdown(db_path))

    upload.upload(load_file, [upload], [text, name])
    example.change(load_example, [example], [text, name])
    parse_btn.click(parse, [text, name], [status, clauses, unknown], concurrency_limit=1,
                    concurrency_id=WRITE_QUEUE)
    activate_btn.click(activate, [text, name, accept_llm], [status, clauses, unknown, active], concurrency_limit=1,
                       concurrency_id=WRITE_QUEUE)
    return (lambda: active_markdown(db_path)), active
