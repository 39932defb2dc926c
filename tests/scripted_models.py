"""Scripted chat models for the copilot's tests (no language model is contacted): replies come from a
list, tools are accepted, and what the model was shown is recorded. ``Streaming`` also streams as a
model server does (words one by one, a tool call in one chunk), for LangGraph's messages stream."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk


class Scripted(GenericFakeChatModel):
    """A scripted chat model that accepts tools and records what it was shown (``seen``, per call)."""

    seen: ClassVar[list[list[BaseMessage]]] = []

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Scripted:  # type: ignore[override]
        return self

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> Any:
        self.seen.append(list(messages))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


class Streaming(Scripted):
    """Scripted replies, streamed as a model server would: words one by one, a tool call in one chunk."""

    def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
                ) -> Iterator[ChatGenerationChunk]:
        self.seen.append(list(messages))
        reply = next(self.messages)
        reply = AIMessage(content=reply) if isinstance(reply, str) else reply
        if reply.tool_calls:
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=[
                {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i, "type": "tool_call_chunk"}
                for i, c in enumerate(reply.tool_calls)]))
            return
        for word in re.split(r"(?<= )", str(reply.content)):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=word))
            if run_manager is not None:
                run_manager.on_llm_new_token(word, chunk=chunk)
            yield chunk


def tool_call(name: str, args: dict[str, Any], i: int = 0) -> AIMessage:
    """A model reply calling one tool."""
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"c{i}-{name}", "type": "tool_call"}])
