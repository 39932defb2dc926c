"""The Ledger & token tab: the node's real state (start offered only when it is down), balances,
mint history (tx and evidence hashes), on-chain events, people's decisions (rejected and pending
mints, plan executions: who, why, when), the audit-log viewer (rows newest first with their short
hashes, a filter by action, the hash-chain check and the last anchor), and the retire form, which
shows what will burn and asks for a confirmation first (approvers only).

Everything comes from ``copilot.services``: ``chain`` (overview, start, retire),
``ledger_view`` (decisions, audit pages, chain state, retire preview) and
``storage.audit_report``; this module only lays it out. Showing the tab never starts the node.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from copilot.services import chain, ledger_view
from copilot.services.errors import is_user_error
from copilot.services.storage import audit_report, open_ledger
from copilot.settings import Settings
from copilot.ui.auth import can, session_user
from copilot.ui.chat import WRITE_QUEUE
from tools.auth import Role
from tools.tokens import TOKENS

BALANCE_COLUMNS = ["token", "symbol", "address", "total_supply", "recipient_balance", "minted", "mints", "pending"]
MINT_COLUMNS = ["verification_id", "token", "amount", "status", "tx_hash", "block", "evidence_hash", "recipient",
                "network"]
EVENT_COLUMNS = ["block", "event", "token", "amount", "account", "tx_hash", "evidence_hash", "reason"]
DECISION_COLUMNS = ["when (UTC)", "kind", "verification / plan", "decision", "by", "reason", "state", "detail"]
AUDIT_COLUMNS = ["seq", "time (UTC)", "actor", "action", "subject", "row hash", "prev hash", "check", "payload"]
ALL_ACTIONS = "(all)"
SHORT = 12  # hex digits of a hash shown in the audit table
PAYLOAD_CHARS = 160
PER_PAGE = (10, 25, 100)
START_LABELS = {"start": "Start the chain (embedded node) and deploy the tokens", "deploy": "Deploy the tokens"}


def chain_overview(db_path: Path, settings: Settings) -> dict[str, Any]:
    """Chain status, ledger mint rows, chain events, reconciliation and the audit check."""
    with open_ledger(db_path) as ledger:
        audit = audit_report(ledger, settings)
        return {**chain.chain_overview(ledger, settings, actor="ui"), "audit": audit}


def overview_markdown(o: dict[str, Any]) -> str:
    a = o["audit"]
    audit = (f"**Audit log:** {a['rows']} rows, " + ("hash chain intact, no protected row edited ✓" if a["ok"] else
                                                     "BROKEN ✗: " + "; ".join(a["problems"][:5])))
    if a.get("anchor"):
        audit += f"  \n**Anchor:** {a['anchor']['detail']}"
    if "status" not in o:
        return f"**Chain** {o['network']} at {o['node']}: ⚠ {o.get('error')}  \n{audit}"
    s, r = o["status"], o["reconcile"]
    rec = ("ledger and chain agree ✓" if r["ok"] else f"{len(r['differences'])} difference(s) ✗: " + "; ".join(
        f"{d['kind']} ({d['detail']})" for d in r["differences"][:5]))
    pending = f", {len(r['pending'])} pending mint(s) or retirement(s)" if r["pending"] else ""
    return (f"**Chain** id {s['chain_id']} ({s['network']}) at {s['node']}, block {s['block']}; "
            f"signer `{s['signer']}`, recipient `{s['recipient']}`  \n**Reconciliation:** {rec}{pending}  \n{audit}")


def overview_frames(o: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    tokens = (o.get("status") or {}).get("tokens", {})
    balances = pd.DataFrame([{"token": k, **{c: t[c] for c in BALANCE_COLUMNS[1:]}} for k, t in tokens.items()],
                            columns=BALANCE_COLUMNS)
    mints = pd.DataFrame(o["mints"], columns=MINT_COLUMNS) if o["mints"] else pd.DataFrame(columns=MINT_COLUMNS)
    events = pd.DataFrame([{c: e.get(c) for c in EVENT_COLUMNS} for e in o.get("events", [])], columns=EVENT_COLUMNS)
    return balances, mints, events


def chain_state_markdown(s: dict[str, Any]) -> str:
    """The node's state: up or down, where, chain id, block and the recorded token addresses."""
    tokens = ", ".join(f"{spec.symbol} `{s['tokens'][k]}`" for k, spec in TOKENS.items() if k in s["tokens"])
    where = f"{'embedded anvil node' if s['embedded'] else 'configured node'} {s['network']!r} at {s['node']}"
    if s["running"]:
        pid = f" (pid {s['pid']})" if s["pid"] else ""
        head = f"**Chain: up** — {where}{pid}, chain id {s['chain_id']}, block {s['block']}"
    else:
        head = f"**Chain: down** — {where}"
    note = f"  \n⚠ {s['error']}" if s["error"] else ""
    if s["action"] == "start":
        note += "  \nShowing this tab never starts the node: press *Start the chain* to start it."
    return f"{head}  \n**Tokens:** {tokens or 'none deployed yet'}{note}"


def decisions_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame([[r["when_utc"], r["kind"], r["verification_id"] or r["plan_id"] or r["subject"],
                          r["decision"], r["by"], r["reason"], r["state"], r["detail"]] for r in rows],
                        columns=DECISION_COLUMNS)


def _short(value: str | None) -> str:
    return f"{value[:SHORT]}…" if value else ""


def _check(row: dict[str, Any]) -> str:
    if row["hash_ok"] and row["link_ok"]:
        return "✓"
    return "✗ " + " and ".join(w for ok, w in ((row["hash_ok"], "content"), (row["link_ok"], "link")) if not ok)


def audit_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame([[r["seq"], r["ts_utc"], r["actor"], r["action"], r["subject"], _short(r["row_hash"]),
                          _short(r["prev_hash"]), _check(r), r["payload"][:PAYLOAD_CHARS]] for r in rows],
                        columns=AUDIT_COLUMNS)


def audit_caption(p: dict[str, Any]) -> str:
    of = f" of action {p['action']}" if p["action"] else ""
    if not p["total"]:
        return f"No audit rows{of}."
    first = (p["page"] - 1) * p["per_page"] + 1
    return (f"Page {p['page']} of {p['pages']}: rows {first}–{first + len(p['rows']) - 1} (newest first) "
            f"of {p['total']} row(s){of}")


def audit_check_markdown(a: dict[str, Any], anchor: dict[str, Any] | None) -> str:
    """The audit check (hash chain, protected rows, evidence hashes, the anchor on chain) and the
    last anchor the ledger records."""
    check = ("hash chain intact, no protected row edited, every evidence hash matches ✓" if a["ok"] else
             f"BROKEN ✗ ({len(a['problems'])} problem(s)): " + "; ".join(a["problems"][:5]))
    recorded = ("none yet (the audit head is anchored after each mint)" if anchor is None else
                f"head `{anchor['head']}` after {anchor['rows']} rows, block {anchor['block']}, "
                f"tx `{anchor['tx_hash']}` ({anchor['updated_utc']} UTC)")
    on_chain = f"  \n**On chain:** {a['anchor']['detail']}" if a.get("anchor") else ""
    return f"**Audit check:** {a['rows']} rows, {check}  \n**Last anchor (ledger):** {recorded}{on_chain}"


def action_choices(p: dict[str, Any]) -> list[tuple[str, str]]:
    return [("all actions", ALL_ACTIONS)] + [(f"{a['action']} ({a['rows']})", a["action"]) for a in p["actions"]]


def retire_preview_markdown(p: dict[str, Any]) -> str:
    return (f"**Confirm the retirement.** This burns **{p['amount']} {p['symbol']}** (1 token = 1 {p['unit']}) of "
            f"holder `{p['holder']}` (token `{p['token_address']}`, chain id {p['chain_id']}), "
            f"reason: *{p['reason']}*. The holder has {p['balance']} {p['symbol']}. It cannot be undone.")


CLAIMS_NOTE = ("**What the tokens certify.** One verified saving mints one token: a time/region shift mints "
               "**kgCO2eSave** (1 token = 1 kgCO2e of *avoided* emissions, the 90% lower bound of the measured "
               "saving); rightsizing, power caps and metered savings mint **kWhSave** (1 token = 1 kWh saved) and "
               "their carbon consequence is reported, not minted again. Avoided emissions are **not offsets**: "
               "report them separately from your emissions inventory (GHG Protocol), never net them against it.")


def _action(value: str | None) -> str | None:
    return None if not value or value == ALL_ACTIONS else value


def build_ledger(db_path: Path, settings: Settings) -> tuple[Any, Any]:
    """The Ledger & token tab's components and events; returns (refresh function, its outputs)."""
    state = gr.Markdown(elem_id="chain-state")
    with gr.Row():
        refresh = gr.Button("Refresh", size="sm", elem_id="ledger-refresh")
        start = gr.Button(START_LABELS["start"], size="sm", visible=False, elem_id="chain-up")
    status = gr.Markdown(elem_id="ledger-status")
    balances = gr.Dataframe(headers=BALANCE_COLUMNS, label="Balances (recipient) and supply", interactive=False,
                            elem_id="balances")
    mints = gr.Dataframe(headers=MINT_COLUMNS, label="Mint history (ledger): tx hash and evidence hash per token",
                         interactive=False, wrap=True, elem_id="mint-history")
    events = gr.Dataframe(headers=EVENT_COLUMNS, label="On-chain events (SavingsMinted, Retired)", interactive=False,
                          wrap=True, elem_id="chain-events")
    gr.Markdown("### Decisions on mints and plan executions")
    show = gr.Radio(list(ledger_view.SHOWS), value="all", label="Show", elem_id="decisions-show")
    decisions = gr.Dataframe(headers=DECISION_COLUMNS, label="Who decided what and why (newest first)",
                             interactive=False, wrap=True, elem_id="decisions")
    gr.Markdown("### Audit log")
    audit_check = gr.Markdown(elem_id="audit-check")
    with gr.Row():
        action = gr.Dropdown([("all actions", ALL_ACTIONS)], value=ALL_ACTIONS, label="Action", scale=3,
                             elem_id="audit-action")
        per_page = gr.Dropdown(list(PER_PAGE), value=PER_PAGE[1], label="Rows per page", scale=1,
                               elem_id="audit-per-page")
        newer = gr.Button("◀ Newer", size="sm", scale=1, elem_id="audit-newer")
        older = gr.Button("Older ▶", size="sm", scale=1, elem_id="audit-older")
    page = gr.State(1)
    caption = gr.Markdown(elem_id="audit-caption")
    audit = gr.Dataframe(headers=AUDIT_COLUMNS, label="Audit rows: short hashes, each row's hash and link re-checked",
                         interactive=False, wrap=True, elem_id="audit-log")
    gr.Markdown(CLAIMS_NOTE, elem_id="claims-note")
    with gr.Group():
        gr.Markdown("**Retire tokens** (approvers only: burn the holder's tokens with a reason, recorded on chain "
                    "and in the ledger; retiring a claim certificate does not net it against your inventory)")
        locked = gr.Markdown(elem_id="retire-locked")
        with gr.Row(visible=False, elem_id="retire-form") as form:
            amount = gr.Textbox(label="Amount (tokens, up to 18 decimals)", placeholder="0.5", elem_id="retire-amount")
            token = gr.Dropdown(list(TOKENS), value="kgco2e", label="Token", elem_id="retire-token")
            reason = gr.Textbox(label="Reason", placeholder="reported in the 2026 sustainability report",
                                elem_id="retire-reason")
            retire_btn = gr.Button("Retire…", variant="stop", elem_id="retire")
        with gr.Column(visible=False, elem_id="retire-confirm") as confirm:
            preview = gr.Markdown(elem_id="retire-preview")
            with gr.Row():
                yes = gr.Button("Confirm: burn these tokens", variant="stop", elem_id="retire-yes")
                no = gr.Button("Cancel", elem_id="retire-no")
        retire_result = gr.Markdown(elem_id="retire-result")
    asked = gr.State(None)  # exactly what the confirmation showed: amount, token, reason

    audit_outputs = [caption, audit, action, page, per_page]
    outputs = [state, start, status, balances, mints, events, show, decisions, audit_check, *audit_outputs, form,
               locked]

    def audit_view(ledger: Any, value: str | None, number: int, size: int) -> tuple[Any, ...]:
        size = int(size or PER_PAGE[1])
        p = ledger_view.audit_page(ledger, action=_action(value), page=max(1, int(number or 1)), per_page=size)
        return (audit_caption(p), audit_frame(p["rows"]),
                gr.update(choices=action_choices(p), value=value or ALL_ACTIONS), p["page"], size)

    def view(which: str, value: str | None, number: int, size: int, request: gr.Request | None
             ) -> tuple[Any, ...]:
        user = session_user(db_path, request)
        o = chain_overview(db_path, settings)
        with open_ledger(db_path) as ledger:
            s = ledger_view.chain_state(ledger, settings)
            rows = ledger_view.decisions(ledger, show=which)  # type: ignore[arg-type]
            anchor = ledger_view.recorded_anchor(ledger)
            audit_part = audit_view(ledger, value, number, size)
        allowed = can(user, Role.APPROVER)
        who = "not logged in" if user is None else f"{user.name} ({user.role})"
        return (chain_state_markdown(s), gr.update(visible=s["action"] is not None,
                                                   value=START_LABELS.get(s["action"], START_LABELS["start"])),
                overview_markdown(o), *overview_frames(o), which, decisions_frame(rows),
                audit_check_markdown(o["audit"], anchor),
                *audit_part, gr.update(visible=allowed),
                "" if allowed else f"Retiring tokens needs the approver role: you are {who}.")

    def load(request: gr.Request) -> tuple[Any, ...]:
        return view("all", ALL_ACTIONS, 1, PER_PAGE[1], request)

    def reload(which: str, value: str | None, number: int, size: int, request: gr.Request) -> tuple[Any, ...]:
        return view(which, value, number, size, request)

    def show_decisions(which: str) -> pd.DataFrame:
        with open_ledger(db_path) as ledger:
            return decisions_frame(ledger_view.decisions(ledger, show=which))  # type: ignore[arg-type]

    def turn(value: str | None, number: int, size: int, step: int) -> tuple[Any, ...]:
        with open_ledger(db_path) as ledger:
            return audit_view(ledger, value, max(1, int(number or 1) + step), size)

    def chain_up(request: gr.Request) -> tuple[Any, ...]:
        try:
            with open_ledger(db_path) as ledger:
                chain.chain_up(ledger, settings)
        except Exception as exc:
            if not is_user_error(exc):
                raise
            raise gr.Error(f"cannot start or reach the chain: {exc}") from exc
        return load(request)

    hidden = gr.update(visible=False)

    def ask(value: str, key: str, why: str, request: gr.Request) -> tuple[Any, ...]:
        if not can(session_user(db_path, request), Role.APPROVER):
            return "⚠ Only an approver can retire tokens.", hidden, "", None
        try:
            with open_ledger(db_path) as ledger:
                p = ledger_view.retire_preview(ledger, settings, value or "", key, why or "")
        except Exception as exc:
            if not is_user_error(exc):
                raise
            return f"⚠ {exc}", hidden, "", None
        if p["note"] or not p["enough"]:
            why_not = p["note"] or f"holder `{p['holder']}` has {p['balance']} {p['symbol']}"
            return f"⚠ Cannot retire {p['amount']} {p['symbol']}: {why_not}.", hidden, "", None
        return "", gr.update(visible=True), retire_preview_markdown(p), {k: p[k] for k in ("amount", "token", "reason")}

    def cancel() -> tuple[Any, ...]:
        return "Cancelled: nothing was burned.", hidden, "", None

    def retire(wanted: dict[str, str] | None, request: gr.Request) -> tuple[Any, ...]:
        user = session_user(db_path, request)
        if not can(user, Role.APPROVER):
            return "⚠ Only an approver can retire tokens.", hidden, None, *load(request)
        if not wanted:
            return "⚠ Nothing to confirm: press Retire first.", hidden, None, *load(request)
        assert user is not None
        try:
            with open_ledger(db_path) as ledger:
                done = chain.retire(ledger, settings, wanted["amount"], wanted["reason"], wanted["token"],
                                    actor=user.name)
            text = (f"✓ Retired {done['amount']} {TOKENS[done['token']].symbol} ({done['reason']!r}): "
                    f"tx `{done['tx_hash']}`, block {done['block']}")
        except Exception as exc:
            if not is_user_error(exc):
                raise
            text = f"⚠ {exc}"
        return text, hidden, None, *load(request)

    refresh.click(reload, [show, action, page, per_page], outputs)
    start.click(chain_up, None, outputs, concurrency_limit=1, concurrency_id=WRITE_QUEUE)
    show.change(show_decisions, [show], [decisions])
    action.input(lambda value, size: turn(value, 1, size, 0), [action, per_page], audit_outputs)
    per_page.input(lambda value, size: turn(value, 1, size, 0), [action, per_page], audit_outputs)
    newer.click(lambda value, number, size: turn(value, number, size, -1), [action, page, per_page], audit_outputs)
    older.click(lambda value, number, size: turn(value, number, size, 1), [action, page, per_page], audit_outputs)
    retire_btn.click(ask, [amount, token, reason], [retire_result, confirm, preview, asked])
    no.click(cancel, None, [retire_result, confirm, preview, asked])
    yes.click(retire, [asked], [retire_result, confirm, asked, *outputs], concurrency_limit=1,
              concurrency_id=WRITE_QUEUE)
    return load, outputs
