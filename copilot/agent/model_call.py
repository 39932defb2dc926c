"""One model reply for the agent node, made safe: whatever the model or its server does, the node
gets an ``AIMessage`` it can route.

- a server that is down, slow, refusing or answering with something that is not a chat completion:
  a template answer saying so (``model_errors``), with the figures of any tool that already ran this
  turn rendered by the tools' own templates;
- a tool call whose arguments are not JSON (``invalid_tool_calls``) or an empty reply: asked once
  more with a note saying what was wrong, then a template answer;
- a model that keeps calling tools: the turn stops after ``MAX_TOOL_ROUNDS`` replies with tool calls
  and says so, with the results it has.

Template answers carry ``TEMPLATE`` (worded by the tools, not by a model), so the numbers guard lets
them through; they never contain a figure the model produced.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, SystemMessage

from copilot.agent.model_errors import failure_answer, model_failure
from copilot.agent.offline import TEMPLATE
from copilot.agent.render import render, turn_results

MAX_TOOL_ROUNDS = 8
"""Model replies with tool calls in one turn before the turn stops (a model looping on tools)."""


def template(text: str, **extra: Any) -> AIMessage:
    """An answer worded by the tools' templates (passed by the numbers guard as is)."""
    return AIMessage(content=text, additional_kwargs={TEMPLATE: True, **extra})


def _so_far(messages: Sequence[BaseMessage]) -> str:
    results = turn_results(messages)
    return ("\nWhat the tools returned this turn:\n" + render(results)) if results else ""


def _problem(reply: AIMessage) -> str | None:
    """What makes a reply unusable (None when it is usable)."""
    if reply.tool_calls:
        return None
    if reply.invalid_tool_calls:
        bad = reply.invalid_tool_calls[0]
        error = bad.get("error") or "its arguments are not a JSON object"
        return (f"your call of tool {bad.get('name')!r} could not be read ({error}); call it again with JSON "
                "arguments that match its schema, or answer without tools")
    if not str(reply.content).strip():
        return "your reply was empty; answer the question, calling a tool if a figure is needed"
    return None


def reply_of(invoke: Callable[[list[BaseMessage]], AIMessage], system: list[BaseMessage],
             history: Sequence[BaseMessage], *, rounds: int, label: str) -> tuple[AIMessage, str | None]:
    """The model's next reply to ``system`` + ``history`` (this turn's messages from ``history`` are
    rendered in template answers), and the failure it replaced, if any (for the audit log).

    ``rounds``: replies with tool calls so far this turn; ``label`` names the model in messages."""
    if rounds >= MAX_TOOL_ROUNDS:
        why = f"stopped after {MAX_TOOL_ROUNDS} rounds of tool calls in one request (the model kept calling tools)"
        return template(f"I {why}.{_so_far(history)}", greenops_stopped=True), why
    note: list[BaseMessage] = []
    problem: str | None = None
    for attempt in range(2):
        try:
            reply = invoke([*system, *note, *history])
        except Exception as exc:
            failed = model_failure(exc, label)
            if failed is None:
                raise
            return template(failure_answer(failed) + _so_far(history), greenops_model_error=True), failed
        problem = _problem(reply)
        if problem is None:
            return reply, None
        if attempt == 0:
            note = [SystemMessage(f"Your last reply could not be used: {problem}.")]
    why = f"the language model ({label}) gave no usable reply twice: {problem}"
    return template(failure_answer(why) + _so_far(history), greenops_model_error=True), why
