"""LLM providers, chosen by configuration (``copilot.settings.LLMSettings``): offline (default), any
OpenAI-compatible server, Ollama.

OpenAI-compatible quirks handled here: assistant messages that carry tool calls are given a
non-empty ``content`` (langchain-openai would send ``null``, which some servers reject), and the
length cap is sent both as ``max_completion_tokens`` and ``max_tokens`` (some servers ignore the
former).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage

from copilot.settings import LLMSettings


def make_chat_model(settings: LLMSettings, world: Callable[[], Any] | None = None) -> BaseChatModel:
    """The chat model for ``settings`` (the offline router when no LLM is configured; ``world``
    gives it the clock and the ledger's teams)."""
    if settings.provider == "offline":
        from copilot.agent.offline import OfflineRouter

        return OfflineRouter(world=world)
    if settings.provider == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(model=settings.model_name, base_url=settings.base_url,
                          api_key=settings.api_key or "not-needed",  # type: ignore[arg-type]
                          temperature=0, max_tokens=settings.max_tokens,  # type: ignore[call-arg]
                          extra_body={"max_tokens": settings.max_tokens}, timeout=settings.timeout_s,
                          max_retries=1)
    from langchain_ollama import ChatOllama

    return ChatOllama(model=settings.model_name, base_url=settings.base_url, temperature=0,
                      num_predict=settings.max_tokens, client_kwargs={"timeout": settings.timeout_s})


def for_provider(messages: Sequence[BaseMessage], provider: str) -> list[BaseMessage]:
    """Adapt a conversation to the provider's quirks (see the module docstring)."""
    if provider != "openai":
        return list(messages)
    out: list[BaseMessage] = []
    for m in messages:
        if isinstance(m, AIMessage) and m.tool_calls and not m.content:
            m = m.model_copy(update={"content": "Calling tools."})
        out.append(m)
    return out


def bind(model: BaseChatModel, tools: Sequence[Any]) -> Any:
    """``model.bind_tools(tools)``; models that cannot bind tools (offline) are returned as is."""
    try:
        return model.bind_tools(tools)
    except NotImplementedError:
        return model
