"""LLM providers, chosen by configuration: offline (default), any OpenAI-compatible server, Ollama.

Environment (all optional):
    GREENOPS_LLM_PROVIDER   offline | openai | ollama. Default: openai if OPENAI_BASE_URL or
                            OPENAI_API_KEY is set, ollama if OLLAMA_HOST is set, else offline
    GREENOPS_LLM_MODEL      model name (default gpt-4o-mini for openai, llama3.1 for ollama)
    OPENAI_BASE_URL         OpenAI-compatible server (OpenAI, vLLM, llama.cpp server ...)
    OPENAI_API_KEY          its key ("not-needed" is sent when a local server needs none)
    OLLAMA_HOST             Ollama server URL
    GREENOPS_LLM_MAX_TOKENS answer length cap (default 800)

OpenAI-compatible quirks handled here: assistant messages that carry tool calls are given a
non-empty ``content`` (langchain-openai would send ``null``, which some servers reject), and the
length cap is sent both as ``max_completion_tokens`` and ``max_tokens`` (some servers ignore the
former).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage

Provider = Literal["offline", "openai", "ollama"]
PROVIDERS: tuple[str, ...] = ("offline", "openai", "ollama")


class LLMConfigError(ValueError):
    """The LLM configuration is inconsistent (unknown provider, missing URL)."""


@dataclass(frozen=True)
class LLMSettings:
    provider: Provider
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    max_tokens: int = 800

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LLMSettings:
        env = os.environ if env is None else env
        provider = (env.get("GREENOPS_LLM_PROVIDER") or "").strip().lower()
        if not provider:
            if env.get("OPENAI_BASE_URL") or env.get("OPENAI_API_KEY"):
                provider = "openai"
            elif env.get("OLLAMA_HOST"):
                provider = "ollama"
            else:
                provider = "offline"
        if provider not in PROVIDERS:
            raise LLMConfigError(f"GREENOPS_LLM_PROVIDER={provider!r} is not one of {', '.join(PROVIDERS)}")
        base = env.get("OPENAI_BASE_URL") if provider == "openai" else env.get("OLLAMA_HOST")
        try:
            max_tokens = int(env.get("GREENOPS_LLM_MAX_TOKENS") or 800)
        except ValueError as exc:
            raise LLMConfigError("GREENOPS_LLM_MAX_TOKENS must be an integer") from exc
        return cls(provider=provider, model=env.get("GREENOPS_LLM_MODEL") or None,  # type: ignore[arg-type]
                   base_url=base or None, api_key=env.get("OPENAI_API_KEY") or None, max_tokens=max_tokens)

    @property
    def label(self) -> str:
        if self.provider == "offline":
            return "offline mode (deterministic router, no LLM)"
        return f"{self.provider}: {self.model_name}" + (f" at {self.base_url}" if self.base_url else "")

    @property
    def model_name(self) -> str:
        return self.model or {"openai": "gpt-4o-mini", "ollama": "llama3.1", "offline": "offline-router"}[
            self.provider]


def make_chat_model(settings: LLMSettings) -> BaseChatModel:
    """The chat model for ``settings`` (the offline router when no LLM is configured)."""
    if settings.provider == "offline":
        from copilot.agent.offline import OfflineRouter

        return OfflineRouter()
    if settings.provider == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(model=settings.model_name, base_url=settings.base_url,
                          api_key=settings.api_key or "not-needed",  # type: ignore[arg-type]
                          temperature=0, max_tokens=settings.max_tokens,  # type: ignore[call-arg]
                          extra_body={"max_tokens": settings.max_tokens})
    from langchain_ollama import ChatOllama

    return ChatOllama(model=settings.model_name, base_url=settings.base_url, temperature=0,
                      num_predict=settings.max_tokens)


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
