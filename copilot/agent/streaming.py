"""Stream a copilot turn as it happens, without letting an invented figure through.

``turn_events`` runs the graph with LangGraph's ``messages`` and ``updates`` stream modes: the model's
words arrive token by token (``text``), each tool call when the model makes it (``tool_start``) and
its result when it has run (``tool_result``); ``reset`` says the words streamed so far were taken back
(the numbers guard sent the answer back for a retry); ``done`` carries nothing, the caller reads the
checkpointed result.

The words pass a ``ReleaseGate`` first. Text with no figure in it is released word by word; a figure
holds the text back until its sentence is complete, and the sentence is released only if the
numbers guard finds every figure of it in this turn's successful tool results. A sentence that fails
blocks the rest of that reply: the guard then retries or replaces the whole answer, and the final
answer (``TurnResult.answer``) is what counts. So a person watching the stream sees the model's words
as they come, and never a figure no tool returned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.messages import AIMessage, AIMessageChunk, RemoveMessage, ToolMessage

from copilot.agent.guard import check_numbers, numbers_in_text, tool_succeeded

SENTENCE_END = re.compile(r"[.!?;:](?=\s)|\n")
"""Where a sentence ends: a full stop (or !?;:) before whitespace, or a line break (3.5 is no end)."""


class ReleaseGate:
    """Release streamed words only when they state no figure a tool did not return.

    ``sources`` returns this turn's successful tool results (as the guard reads them) when asked."""

    def __init__(self, sources: Callable[[], list[str]]) -> None:
        self._sources = sources
        self.pending = ""  # received, not released
        self.sentence = ""  # released since the last sentence end
        self.blocked = False

    def reset(self) -> None:
        """A new reply begins (after tool calls, or a guard retry)."""
        self.pending, self.sentence, self.blocked = "", "", False

    def _supported(self, text: str) -> bool:
        return not numbers_in_text(text) or check_numbers(text, self._sources()).ok

    def _release(self, piece: str) -> str:
        self.pending = self.pending[len(piece):]
        ends = list(SENTENCE_END.finditer(piece))
        self.sentence = piece[ends[-1].end():] if ends else self.sentence + piece
        return piece

    def feed(self, text: str) -> str:
        """Take ``text`` (the next tokens); returns what may be shown now."""
        self.pending += text
        out = ""
        while not self.blocked and self.pending:
            end = SENTENCE_END.search(self.pending)
            if end is not None:  # a whole sentence: released if its figures are all supported
                piece = self.pending[:end.end()]
                if not self._supported(self.sentence + piece):
                    self.blocked = True
                    break
                out += self._release(piece)
                continue
            cut = self.pending.rfind(" ")
            words = self.pending[:cut + 1] if cut >= 0 else ""
            if words and not numbers_in_text(self.sentence + words):
                out += self._release(words)  # words with no figure: shown as they come
            break
        return out

    def finish(self) -> str:
        """The reply ended: what is left may be shown if it states no unsupported figure."""
        if self.blocked or not self.pending or not self._supported(self.sentence + self.pending):
            return ""
        return self._release(self.pending)


@dataclass
class StreamEvent:
    """One thing that happened during a streamed turn."""

    kind: Literal["text", "reset", "tool_start", "tool_result", "done"]
    text: str = ""
    call_id: str = ""
    name: str = ""
    args: dict[str, Any] = field(default_factory=dict)


def turn_events(stream: Iterator[Any]) -> Iterator[StreamEvent]:
    """Events of one graph run, from ``graph.stream(..., stream_mode=["messages", "updates"])``."""
    sources: list[str] = []
    gate = ReleaseGate(lambda: sources)
    calls: dict[str, dict[str, Any]] = {}
    streaming = False  # a reply is being streamed by the agent node
    for mode, payload in stream:
        if mode == "messages":
            chunk, meta = payload
            if meta.get("langgraph_node") != "agent" or not isinstance(chunk, AIMessageChunk):
                continue
            if not streaming:
                gate.reset()
                streaming = True
            text = chunk.content if isinstance(chunk.content, str) else ""
            shown = gate.feed(text) if text else ""
            if shown:
                yield StreamEvent("text", shown)
            continue
        for node, update in (payload or {}).items():
            messages = (update or {}).get("messages", []) if isinstance(update, dict) else []
            if node == "agent":
                streaming = False
                for m in messages:
                    if not isinstance(m, AIMessage):
                        continue
                    if not m.tool_calls:
                        tail = gate.finish()
                        if tail:
                            yield StreamEvent("text", tail)
                    for c in m.tool_calls:
                        calls[str(c["id"])] = dict(c)
                        yield StreamEvent("tool_start", call_id=str(c["id"]), name=str(c["name"]),
                                          args=dict(c["args"]))
            elif node == "guard" and any(isinstance(m, RemoveMessage) for m in messages):
                yield StreamEvent("reset")
            for m in messages:
                if isinstance(m, ToolMessage):
                    if getattr(m, "status", "success") != "error" and tool_succeeded(str(m.content)):
                        sources.append(str(m.content))
                    call = calls.get(m.tool_call_id, {})
                    yield StreamEvent("tool_result", str(m.content), call_id=m.tool_call_id,
                                      name=str(m.name or call.get("name", "")), args=dict(call.get("args") or {}))
    yield StreamEvent("done")
