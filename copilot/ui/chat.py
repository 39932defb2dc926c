"""The Chat tab: streaming copilot turns, each tool call collapsible, and the mint approval card.

Each browser session has its own conversation thread (a ``gr.State`` filled on page load) and
its own chat history (another ``gr.State``); the approval card shows only the pending mint of
that session's thread, and Approve / Reject resume exactly that thread
(``CopilotSession.decide(thread, approved=..., user=<the logged-in user>)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from copilot.agent.session import CopilotSession, TurnResult
from copilot.agent.streaming import StreamEvent
from copilot.services import chain
from copilot.services.errors import is_user_error
from copilot.services.storage import open_ledger
from copilot.services.users import AuthUser
from copilot.settings import Settings
from copilot.ui.auth import can, session_user
from copilot.ui.turns import (
    Message,
    answer_chunks,
    approval_markdown,
    batch_markdown,
    execution_markdown,
    new_thread_id,
    stream_turn,
    tool_message,
)
from tools.auth import Role
from tools.tokens import short_amount

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

    Showing it changes nothing on chain: a node that is not running is not started and tokens not
    deployed are not deployed (the approved mint does both); then None and the reason.
    """
    with open_ledger(ctx.db_path) as ledger:
        try:
            return chain.mint_preview(ledger, ctx.settings, verification_id, deploy=False, actor="ui"), None
        except Exception as exc:
            if not is_user_error(exc):
                raise
            return None, (f"the token chain is not up or the tokens are not deployed yet ({exc}); showing this "
                          "card starts nothing: the approved mint starts the embedded node and deploys the "
                          "tokens. The amounts are the verification's mintable fields")


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
    held = ", ".join(f"**{short_amount(t['recipient_balance'])} {t['symbol']}**" for t in status["tokens"].values())
    return f"New balance of `{status['recipient']}`: {held} (chain id {status['chain_id']}, block {status['block']})."


def _card(ctx: ChatContext, pending: dict[str, Any] | None, user: AuthUser | None) -> tuple[Any, str, Any]:
    """The approval card: visible with its text when something waits; its buttons only for people
    who may decide (a mint: approvers; an execution: operators)."""
    if pending is None:
        return gr.update(visible=False), "", gr.update(visible=False)
    if pending.get("type") == "execute_approval":
        allowed = can(user, Role.OPERATOR)
        text = execution_markdown(pending)
        needed = "an operator"
    elif pending.get("type") == "mint_batch_approval":
        allowed = can(user, Role.APPROVER)
        text = batch_markdown(pending)
        needed = "an approver"
    else:
        preview, note = mint_preview(ctx, str(pending["verification_id"]))
        allowed = can(user, Role.APPROVER)
        text = approval_markdown(pending, preview, note)
        needed = "an approver"
    if not allowed:
        text += (f"\n\n🔒 Only {needed} can decide this: you are "
                 f"{'not logged in' if user is None else f'{user.name} ({user.role})'}.")
    return gr.update(visible=True), text, gr.update(visible=allowed)


Outputs = tuple[list[Message], list[Message], Any, Any, Any]


def _find_tool(history: list[Message], call_id: str) -> int | None:
    for i in range(len(history) - 1, -1, -1):
        if (history[i].get("metadata") or {}).get("id") == call_id:
            return i
    return None


def _run(ctx: ChatContext, history: list[Message], thread: str,
         start: Callable[[], Iterator[StreamEvent | TurnResult]], user: AuthUser | None) -> Iterator[Outputs]:
    """Stream one turn into ``history``: tool calls as they run, the model's words as it writes them,
    then the answer (replacing words the numbers guard took back) and the card."""
    hidden = (gr.update(visible=False), "", gr.update(visible=False))
    turn: TurnResult | None = None
    draft: int | None = None  # index of the bubble the model's words stream into
    for event in stream_turn(start):
        if event.kind == "tool_start":
            history.append(tool_message(event.call_id, event.name, event.args, None))
            draft = None
        elif event.kind == "tool_result":
            at = _find_tool(history, event.call_id)  # the mint's call was shown before the approval card
            if at is not None:
                history[at] = tool_message(event.call_id, event.name, event.args, event.result)
        elif event.kind == "text":
            if draft is None:
                history.append({"role": "assistant", "content": ""})
                draft = len(history) - 1
            history[draft] = {"role": "assistant", "content": history[draft]["content"] + event.text}
        elif event.kind == "reset" and draft is not None:
            history[draft] = {"role": "assistant", "content": ""}
        elif event.kind == "error":
            history.append({"role": "assistant", "content": f"⚠ {type(event.error).__name__}: {event.error}"})
            pending = ctx.session.pending(thread)
            yield (history, history, *(_card(ctx, pending, user) if pending else hidden))
            return
        elif event.kind == "done":
            turn = event.turn
        yield history, history, *hidden
    assert turn is not None
    answer = turn.answer
    pending = turn.pending_approval
    if pending is not None:
        answer = waiting_line(pending)
        for m in history:
            if (m.get("metadata") or {}).get("status") == "pending":
                m["metadata"] = {**m["metadata"], "log": "waiting for your approval"}
    if draft is not None and str(history[draft]["content"]).strip() == answer.strip():
        yield (history, history, *_card(ctx, turn.pending_approval, user))
        return
    if draft is None or pending is not None:
        history.append({"role": "assistant", "content": ""})
        draft = len(history) - 1
    for prefix in answer_chunks(answer):  # typed out: a template answer, or one replacing the streamed words
        history[draft] = {"role": "assistant", "content": prefix}
        yield history, history, *hidden
    yield (history, history, *_card(ctx, turn.pending_approval, user))


def waiting_line(pending: dict[str, Any]) -> str:
    """What the chat says when a turn stops for a decision (the card below has the details)."""
    note = f" ({pending['note']})" if pending.get("note") else ""
    if pending.get("type") == "execute_approval":
        return (f"Executing {pending['recommendations']} recommendation(s) of plan `{pending['plan_id']}` needs an "
                f"operator's approval{note}: check them below, then approve or reject.")
    if pending.get("type") == "mint_batch_approval":
        return (f"Minting {pending['count']} verified saving(s) in one approval needs an approver{note}: check the "
                f"totals and rows below, then approve or reject.")
    return (f"Minting verification `{pending['verification_id']}` needs approval "
            f"({pending.get('rule', '1 approver')}){note}: check the evidence below, then approve or reject.")


def build_chat(ctx: ChatContext, thread: gr.State) -> None:
    """The Chat tab's components and events (inside a ``gr.Tab``)."""
    history = gr.State([])
    # the answer is its own bubble, not inside the tool calls' group; no floating label over the first
    # bubble; the panel grows with the window (and can be resized) instead of a fixed 480 px
    chatbot = gr.Chatbot(label="GreenOps Copilot", show_label=False, height="62vh", min_height=360, resizable=True,
                         group_consecutive_messages=False, elem_id="chatbot", buttons=["copy"],
                         placeholder="Ask about emissions, plans, verifications and tokens.",
                         feedback_options=None)
    with gr.Column(visible=False, elem_id="approval-card", elem_classes=["approval-card"]) as card:
        card_md = gr.Markdown(elem_id="approval-evidence")
        with gr.Column(visible=False, elem_id="decide-row") as decide_row:
            reason = gr.Textbox(label="Reason (for a rejection)", elem_id="reject-reason",
                                placeholder="rejected in the UI")
            with gr.Row():
                approve = gr.Button("Approve", variant="primary", elem_id="approve")
                reject = gr.Button("Reject", variant="stop", elem_id="reject")

    with gr.Row():
        question = gr.Textbox(show_label=False, placeholder="e.g. How much did we emit?", scale=8,
                              elem_id="question", submit_btn=False, max_lines=4)
        send = gr.Button("Send", variant="primary", scale=1, elem_id="send", min_width=80)
    gr.Examples(EXAMPLES, inputs=[question], label="Try")
    outputs = [chatbot, history, card, card_md, decide_row]
    keep = (gr.update(), gr.update(), gr.update())

    def ask(text: str, hist: list[Message], thread_id: str, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        text = (text or "").strip()
        hist = list(hist or [])
        user = session_user(ctx.db_path, request)
        if not text:
            yield hist, hist, *keep, ""
            return
        hist.append({"role": "user", "content": text})
        yield hist, hist, *keep, ""
        if not thread_id:
            hist.append({"role": "assistant", "content": "⚠ The page is still loading: ask again in a moment."})
            yield hist, hist, *keep, text
            return
        if ctx.session.pending(thread_id) is not None:
            hist.append({"role": "assistant", "content": "⚠ This conversation is waiting for a decision: "
                                                         "approve or reject it first."})
            yield hist, hist, *keep, ""
            return
        for out in _run(ctx, hist, thread_id, lambda: ctx.session.ask_stream(text, thread_id), user):
            yield *out, gr.update()  # the box was cleared above; leave what the user types next

    def decide(approved: bool) -> Callable[..., Iterator[Outputs]]:
        def handler(hist: list[Message], thread_id: str, why: str, request: gr.Request) -> Iterator[Outputs]:
            hist = list(hist or [])
            user = session_user(ctx.db_path, request)
            why = (why or "").strip() or "rejected in the UI"
            pending = ctx.session.pending(thread_id)
            if pending is None:
                hist.append({"role": "assistant", "content": "⚠ Nothing in this conversation is waiting for a "
                                                             "decision."})
                yield hist, hist, gr.update(visible=False), "", gr.update(visible=False)
                return
            if user is None:
                hist.append({"role": "assistant", "content": "⚠ Log in to decide."})
                yield hist, hist, *keep
                return
            what = "the execution" if pending.get("type") == "execute_approval" else "the mint"
            hist.append({"role": "user", "content": f"✓ Approve {what} (as {user.name})" if approved
                         else f"✗ Reject {what} (by {user.name}: {why})"})
            yield hist, hist, *keep

            def work() -> Iterator[StreamEvent | TurnResult]:
                return ctx.session.decide_stream(thread_id, approved=approved, user=user, reason=why)

            last: Outputs | None = None
            for last in _run(ctx, hist, thread_id, work, user):
                yield last
            minted = pending.get("type") in ("mint_approval", "mint_batch_approval") and approved
            if minted and last is not None and ctx.session.pending(thread_id) is None:
                hist.append({"role": "assistant", "content": balances_text(ctx)})
                yield hist, hist, last[2], last[3], last[4]
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
            decide(approved), [history, thread, reason], outputs, concurrency_limit=1,
            concurrency_id=WRITE_QUEUE).then(idle, None, controls, queue=False)


def init_thread() -> tuple[str, str]:
    """A new thread for a new browser session, and its label."""
    thread = new_thread_id()
    return thread, f"conversation thread `{thread}`"
