"""The Ledger & token tab: balances, mint history (tx and evidence hashes), on-chain events, the
retire form and the audit status (hash-chained audit log + ledger/chain reconciliation).

Everything comes from ``copilot.services.chain`` (status, events, reconciliation, retire) and
``copilot.services.storage.audit_report``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from copilot.services import chain
from copilot.services.errors import is_user_error
from copilot.services.storage import audit_report, open_ledger
from copilot.settings import Settings
from copilot.ui.auth import can, session_user
from copilot.ui.chat import WRITE_QUEUE
from tools.auth import Role

BALANCE_COLUMNS = ["token", "symbol", "address", "total_supply", "recipient_balance", "minted", "mints", "pending"]
MINT_COLUMNS = ["verification_id", "token", "amount", "status", "tx_hash", "block", "evidence_hash", "recipient",
                "network"]
EVENT_COLUMNS = ["block", "event", "token", "amount", "account", "tx_hash", "evidence_hash", "reason"]


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


CLAIMS_NOTE = ("**What the tokens certify.** One verified saving mints one token: a time/region shift mints "
               "**kgCO2eSave** (1 token = 1 kgCO2e of *avoided* emissions, the 90% lower bound of the measured "
               "saving); rightsizing, power caps and metered savings mint **kWhSave** (1 token = 1 kWh saved) and "
               "their carbon consequence is reported, not minted again. Avoided emissions are **not offsets**: "
               "report them separately from your emissions inventory (GHG Protocol), never net them against it.")


def build_ledger(db_path: Path, settings: Settings) -> tuple[Any, Any]:
    """The Ledger & token tab's components and events; returns (refresh function, its outputs)."""
    from tools.tokens import TOKENS

    status = gr.Markdown(elem_id="ledger-status")
    with gr.Row():
        refresh = gr.Button("Refresh", size="sm", elem_id="ledger-refresh")
        start = gr.Button("Start the chain (embedded node) and deploy the tokens", size="sm", elem_id="chain-up")
    balances = gr.Dataframe(headers=BALANCE_COLUMNS, label="Balances (recipient) and supply", interactive=False,
                            elem_id="balances")
    mints = gr.Dataframe(headers=MINT_COLUMNS, label="Mint history (ledger): tx hash and evidence hash per token",
                         interactive=False, wrap=True, elem_id="mint-history")
    events = gr.Dataframe(headers=EVENT_COLUMNS, label="On-chain events (SavingsMinted, Retired)", interactive=False,
                          wrap=True, elem_id="chain-events")
    gr.Markdown(CLAIMS_NOTE, elem_id="claims-note")
    with gr.Group():
        gr.Markdown("**Retire tokens** (approvers only: burn the holder's tokens with a reason, recorded on chain "
                    "and in the ledger; retiring a claim certificate does not net it against your inventory)")
        with gr.Row():
            amount = gr.Textbox(label="Amount (tokens, up to 18 decimals)", placeholder="0.5", elem_id="retire-amount")
            token = gr.Dropdown(list(TOKENS), value="kgco2e", label="Token", elem_id="retire-token")
            reason = gr.Textbox(label="Reason", placeholder="reported in the 2026 sustainability report",
                                elem_id="retire-reason")
            retire_btn = gr.Button("Retire", variant="stop", elem_id="retire")
        retire_result = gr.Markdown(elem_id="retire-result")

    outputs = [status, balances, mints, events]

    def load() -> tuple[Any, ...]:
        o = chain_overview(db_path, settings)
        return overview_markdown(o), *overview_frames(o)

    def chain_up() -> tuple[Any, ...]:
        try:
            with open_ledger(db_path) as ledger:
                chain.chain_up(ledger, settings)
        except Exception as exc:
            if not is_user_error(exc):
                raise
            raise gr.Error(f"cannot start or reach the chain: {exc}") from exc
        return load()

    def retire(value: str, key: str, why: str, request: gr.Request) -> tuple[Any, ...]:
        user = session_user(db_path, request)
        if not can(user, Role.APPROVER):
            return "⚠ Only an approver can retire tokens.", *load()
        assert user is not None
        try:
            with open_ledger(db_path) as ledger:
                done = chain.retire(ledger, settings, (value or "").strip(), why or "", key, actor=user.name)
            text = (f"✓ Retired {done['amount']} {TOKENS[done['token']].symbol} ({done['reason']!r}): "
                    f"tx `{done['tx_hash']}`, block {done['block']}")
        except Exception as exc:
            if not is_user_error(exc):
                raise
            text = f"⚠ {exc}"
        return text, *load()

    refresh.click(load, None, outputs)
    start.click(chain_up, None, outputs, concurrency_limit=1, concurrency_id=WRITE_QUEUE)
    retire_btn.click(retire, [amount, token, reason], [retire_result, *outputs], concurrency_limit=1,
                     concurrency_id=WRITE_QUEUE)
    return load, outputs
