"""Offline mode: a deterministic intent router that behaves like a tool-calling chat model.

Given the conversation, it maps the latest question to a route (a sequence of tool calls, one at a
time, later arguments read from earlier results) and, once the route is done, renders the answer
from the tool results with templates. No figure is ever produced here: every number in its text is
copied (rounded) from a tool result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from copilot.agent.render import HELP, render, turn_results
from copilot.agent.understand import LATEST_VERIFICATION, Call, Reading, World, understand

REFUSED = "refused by governance"
Step = tuple[str, Callable[[list[dict[str, Any]]], dict[str, Any] | None]]


def _latest_verification(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    for r in reversed(results):
        data = r["data"]
        if isinstance(data, dict):
            if data.get("sample_ids"):
                return {"verification_id": data["sample_ids"][0]}
            if data.get("verification_id"):
                return {"verification_id": data["verification_id"]}
    return None


def _step(call: Call) -> Step:
    if call.args.get("verification_id") == LATEST_VERIFICATION:
        return (call.tool, _latest_verification)
    args = dict(call.args)
    return (call.tool, lambda _results: args)


def steps_of(reading: Reading) -> list[Step] | None:
    """A reading as router steps (None: no tool fits; []: a reply instead of tools)."""
    if reading.calls:
        return [_step(c) for c in reading.calls]
    return None if reading.kind == "help" else []


def route(question: str, world: World | None = None, previous: Reading | None = None) -> list[Step] | None:
    """The tool route of a question (None: no tool fits, the router answers with help; []: it
    answers without tools: a clarifying question, an explanation or a declined write)."""
    return steps_of(understand(question, world, previous))


TEMPLATE = "greenops_template"
"""Marks an answer worded by templates from tool results (not by a model): the numbers guard, which
checks what a model writes, lets it through; it quotes only tool results and the user's own words."""


def _written(text: str) -> AIMessage:
    return AIMessage(content=text, additional_kwargs={TEMPLATE: True})


def _reading_of(messages: Sequence[BaseMessage], world: World) -> Reading:
    """The latest question read with the thread's earlier questions as context for follow-ups."""
    questions = [str(m.content) for m in messages if isinstance(m, HumanMessage)]
    previous: Reading | None = None
    for q in questions[-4:-1]:  # earlier questions (a follow-up of a follow-up keeps its base)
        reading = understand(q, world, previous)
        previous = reading if reading.calls else previous
    return understand(questions[-1], world, previous)


class OfflineRouter(BaseChatModel):
    """A chat model that needs no LLM: reads questions into tool calls and renders their results.

    ``world`` gives the reader the clock and the ledger's teams (``copilot.services.fleet.chat_world``);
    without it, the machine clock and the simulator's teams are used."""

    world: Callable[[], World] | None = None

    @property
    def _llm_type(self) -> str:
        return "greenops-offline-router"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> OfflineRouter:  # type: ignore[override]
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.respond(messages))])

    def respond(self, messages: Sequence[BaseMessage]) -> AIMessage:
        human = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        if not human:
            return _written(HELP)
        h = human[-1]
        try:
            world = self.world() if self.world else World()
        except Exception:  # an unreadable ledger must not stop the chat: fall back to defaults
            world = World()
        reading = _reading_of(messages[:h + 1], world)
        steps = steps_of(reading)
        results = turn_results(messages)
        if steps is None:
            return _written(HELP)
        if not steps:
            return _written(reading.reply or HELP)
        done = sum(1 for m in messages[h + 1:] if isinstance(m, AIMessage) and m.tool_calls)
        stopped = any(REFUSED in r["raw"] or r["data"] is None or "error" in (r["data"] or {}) for r in results)
        if done < len(steps) and not stopped:
            name, args_of = steps[done]
            args = args_of(results)
            if args is None:
                text = render(results) if results else ""
                return _written((text + "\n" if text else "") +
                                 "To mint, name a verification id (run verify first); the amount always "
                                 "comes from the verification record and every mint needs your approval.")
            return AIMessage(content="", tool_calls=[{"name": name, "args": args,
                                                      "id": f"call_{h}_{done}", "type": "tool_call"}])
        text = render(results)
        if reading.dropped:
            text += f"\n(As asked, I did not run {', '.join(dict.fromkeys(reading.dropped))}.)"
        return _written(text)
