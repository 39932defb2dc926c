"""The Chat tab: streaming copilot turns, each tool call collapsible, and the mint approval card.

Each browser session has its own conversation thread (a ``gr.State`` filled on page load) and
its own chat history (another ``gr.State``); the approval card shows only the pending mint of
that session's thread, and Approve / Reject resume exactly that thread
(``CopilotSession.decide(thread, approved=..., approver=...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from copilot.agent.session import CopilotSession, TurnResult
from copilot.services import chain
from copilot.services.errors import is_user_error
from copilot.services.storage import open_ledger
from copilot.settings import Settings
from copilot.ui.turns import (
    Message,
    answer_chunks,
    approval_markdown,
    new_thread_id,
    stream_turn,
    tool_message,
)

EXAMPLES = ["How much did we emit?", "What did team ml emit by region?", "Forecast eu-west-1 for the next 24 hours",
            "Plan the next 2 days, execute it and verify the savings", "Mint the verified savings",
            "Show the token balances", "Weekly summary"]
WRITE_QUEUE = "ledger-write"  # events that write the ledger run one at a time (Gradio concurrency group)


@dataclass
class ChatContext:
    """What the chat handlers share: one session (graph + checkpointer) for every browser session."""

    session: CopilotSession
    settings: Settings
    db_path: Path


def mint_preview(ctx: ChatContext, verification_id: str) -> tuple[dict[str, Any] | None, str | None]:
    """The mint preview of a verification (amounts, token addresses, recipient, chain id).

    Deploys the tokens first (starting the embedded node) when they are not deployed yet, as the
    mint itself would; a chain that cannot be reached gives None and the reason.
    """
    with open_ledger(ctx.db_path) as ledger:
        try:
            return chain.mint_preview(ledger, ctx.settings, verification_id, deploy=True, actor="ui"), None
        except Exception as exc:
            if not is_user_error(exc):
                raise
            return None, (f"the token chain cannot be reached ({exc}); the amounts are the verification's "
                          "mintable fields")


def balances_text(ctx: ChatContext) -> str:
    """The recipient's token balances after a mint (``copilot.services.chain.chain_status``)."""
    with open_ledger(ctx.db_path) as ledger:
        try:
            status = chain.chain_status(ledger, ctx.settings, actor="ui")
        except Exception as exc:
            if not is_user_error(exc):
                raise
            return f"Balances unavailable: {exc}"
    if not status["running"]:
        return f"Balances unavailable: {status['error']}"
    held = ", ".join(f"**{t['recipient_balance']} {t['symbol']}**" for t in status["tokens"].values())
    return f"New balance of `{status['recipient']}`: {held} (chain id {status['chain_id']}, block {status['block']})."


def _card(ctx: ChatContext, pending: dict[str, Any] | None) -> tuple[Any, str]:
    if pending is None:
        return gr.update(visible=False), ""
    preview, note = mint_preview(ctx, str(pending["verification_id"]))
    return gr.update(visible=True), approval_markdown(pending, preview, note)


Outputs = tuple[list[Message], list[Message], Any, str]


def _find_tool(history: list[Message], call_id: str) -> int | None:
    for i in range(len(history) - 1, -1, -1):
        if (history[i].get("metadata") or {}).get("id") == call_id:
            return i
    return None


def _run(ctx: ChatContext, history: list[Message], thread: str, work: Callable[[], TurnResult]
         ) -> Iterator[Outputs]:
    """Stream one turn into ``history``: tool calls as they run, then the answer, then the card."""
    hidden = (gr.update(visible=False), "")
    turn: TurnResult | None = None
    for event in stream_turn(ctx.session, thread, work):
        if event.kind == "tool_start":
            history.append(tool_message(event.call_id, event.name, event.args, None))
        elif event.kind == "tool_result":
            at = _find_tool(history, event.call_id)  # the mint's call was shown before the approval card
            if at is not None:
                history[at] = tool_message(event.call_id, event.name, event.args, event.result)
        elif event.kind == "error":
            history.append({"role": "assistant", "content": f"⚠ {type(event.error).__name__}: {event.error}"})
            pending = ctx.session.pending(thread)
            yield (history, history, *(_card(ctx, pending) if pending else hidden))
            return
        elif event.kind == "done":
            turn = event.turn
        yield history, history, *hidden
    assert turn is not None
    answer = turn.answer
    if turn.pending_approval is not None:
        vid = turn.pending_approval["verification_id"]
        answer = f"Minting verification `{vid}` needs your approval: check the evidence below, then approve or reject."
        for m in history:
            if (m.get("metadata") or {}).get("status") == "pending":
                m["metadata"] = {**m["metadata"], "log": "waiting for your approval"}
    history.append({"role": "assistant", "content": ""})
    for prefix in answer_chunks(answer):
        history[-1] = {"role": "assistant", "content": prefix}
        yield history, history, *hidden
    yield (history, history, *_card(ctx, turn.pending_approval))


def build_chat(ctx: ChatContext, thread: gr.State) -> None:
    """The Chat tab's components and events (inside a ``gr.Tab``)."""
    history = gr.State([])
    chatbot = gr.Chatbot(label="GreenOps Copilot", height=480, elem_id="chatbot", buttons=["copy"],
                         placeholder="Ask about emissions, plans, verifications and tokens.",
                         feedback_options=None)
    with gr.Column(visible=False, elem_id="approval-card", elem_classes=["approval-card"]) as card:
        card_md = gr.Markdown(elem_id="approval-evidence")
        with gr.Row():
            approver = gr.Textbox(value="ui-user", label="Approver", elem_id="approver", scale=1)
            reason = gr.Textbox(label="Reason (for a rejection)", elem_id="reject-reason", scale=2,
                                placeholder="rejected in the UI")
        with gr.Row():
            approve = gr.Button("Approve mint", variant="primary", elem_id="approve")
            reject = gr.Button("Reject", variant="stop", elem_id="reject")

    with gr.Row():
        question = gr.Textbox(show_label=False, placeholder="e.g. How much did we emit?", scale=8,
                              elem_id="question", submit_btn=False, max_lines=4)
        send = gr.Button("Send", variant="primary", scale=1, elem_id="send", min_width=80)
    gr.Examples(EXAMPLES, inputs=[question], label="Try")
    outputs = [chatbot, history, card, card_md]

    def ask(text: str, hist: list[Message], thread_id: str) -> Iterator[tuple[Any, ...]]:
        text = (text or "").strip()
        hist = list(hist or [])
        if not text:
            yield hist, hist, gr.update(), gr.update(), ""
            return
        hist.append({"role": "user", "content": text})
        yield hist, hist, gr.update(), gr.update(), ""
        if not thread_id:
            hist.append({"role": "assistant", "content": "⚠ The page is still loading: ask again in a moment."})
            yield hist, hist, gr.update(), gr.update(), text
            return
        if ctx.session.pending(thread_id) is not None:
            hist.append({"role": "assistant", "content": "⚠ This conversation is waiting for your mint decision: "
                                                         "approve or reject it first."})
            yield hist, hist, gr.update(), gr.update(), ""
            return
        for out in _run(ctx, hist, thread_id, lambda: ctx.session.ask(text, thread_id)):
            yield *out, gr.update()  # the box was cleared above; leave what the user types next

    def decide(approved: bool) -> Callable[[list[Message], str, str, str], Iterator[Outputs]]:
        def handler(hist: list[Message], thread_id: str, who: str, why: str) -> Iterator[Outputs]:
            hist = list(hist or [])
            who = (who or "").strip() or "ui-user"
            why = (why or "").strip() or "rejected in the UI"
            if ctx.session.pending(thread_id) is None:
                hist.append({"role": "assistant", "content": "⚠ Nothing in this conversation is waiting for a "
                                                             "mint decision."})
                yield hist, hist, gr.update(visible=False), ""
                return
            hist.append({"role": "user", "content": f"✓ Approve the mint (approver: {who})" if approved
                         else f"✗ Reject the mint (by {who}: {why})"})
            yield hist, hist, gr.update(visible=False), ""

            def work() -> TurnResult:
                return ctx.session.decide(thread_id, approved=approved, approver=who, reason=why)

            last: Outputs | None = None
            for last in _run(ctx, hist, thread_id, work):
                yield last
            if approved and last is not None and ctx.session.pending(thread_id) is None:
                hist.append({"role": "assistant", "content": balances_text(ctx)})
                yield hist, hist, last[2], last[3]
        return handler

    # One turn at a time per browser session: Send (and Enter) stay disabled until the turn is over,
    # so a new question never starts from a history the running turn is still writing.
    controls = [question, send]

    def busy() -> tuple[Any, ...]:
        return gr.update(interactive=False), gr.update(interactive=False)

    def idle() -> tuple[Any, ...]:
        return gr.update(interactive=True), gr.update(interactive=True)

    for trigger in (question.submit, send.click):
        trigger(busy, None, controls, queue=False).then(
            ask, [question, history, thread], [*outputs, question], concurrency_limit=1,
            concurrency_id=WRITE_QUEUE, show_progress="hidden").then(idle, None, controls, queue=False)
    for button, approved in ((approve, True), (reject, False)):
        button.click(busy, None, controls, queue=False).then(
            decide(approved), [history, thread, approver, reason], outputs, concurrency_limit=1,
            concurrency_id=WRITE_QUEUE).then(idle, None, controls, queue=False)


def init_thread() -> tuple[str, str]:
    """A new thread for a new browser session, and its label."""
    thread = new_thread_id()
    return thread, f"conversation thread `{thread}`"
