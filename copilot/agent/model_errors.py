"""What went wrong with the language model, in one sentence for the person asking.

A model server that is down, slow, refusing the request or answering with something that is not
a chat completion must give a clear answer, never a traceback and never a silent wrong answer. The
agent node turns such failures into a template message (no figures of the model's, so the numbers
guard does not judge it) saying what failed and that nothing was run for the request.
"""

from __future__ import annotations

import json

import httpx

MAX_DETAIL_CHARS = 300


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:MAX_DETAIL_CHARS] + ("…" if len(text) > MAX_DETAIL_CHARS else "")


def model_failure(exc: BaseException, where: str) -> str | None:
    """The sentence describing ``exc`` raised while asking the model at ``where`` (a label such as
    "openai: SmolLM2 at http://127.0.0.1:8080/v1"), or None when ``exc`` is not a model failure
    (then it is a bug and propagates)."""
    try:
        import openai
    except ImportError:  # pragma: no cover - langchain-openai is a dependency
        openai = None  # type: ignore[assignment]
    if openai is not None:
        if isinstance(exc, openai.APITimeoutError):
            return f"the language model ({where}) did not answer in time: {_detail(exc)}"
        if isinstance(exc, openai.APIConnectionError):
            return f"the language model ({where}) is not reachable: {_detail(exc)}"
        if isinstance(exc, openai.APIStatusError):
            return f"the language model ({where}) refused the request (HTTP {exc.status_code}): {_detail(exc)}"
        if isinstance(exc, openai.APIResponseValidationError | openai.APIError):
            return f"the language model ({where}) sent a response that is not a valid chat completion: {_detail(exc)}"
        if isinstance(exc, openai.OpenAIError):
            return f"the language model ({where}) failed: {_detail(exc)}"
    try:
        import ollama
    except ImportError:  # pragma: no cover - ollama is a dependency
        ollama = None  # type: ignore[assignment]
    if ollama is not None and isinstance(exc, ollama.ResponseError | ollama.RequestError):
        return f"the language model ({where}) failed: {_detail(exc)}"
    if isinstance(exc, httpx.TimeoutException):
        return f"the language model ({where}) did not answer in time: {_detail(exc)}"
    if isinstance(exc, httpx.HTTPError | ConnectionError):
        return f"the language model ({where}) is not reachable: {_detail(exc)}"
    if isinstance(exc, TypeError) and "null value for 'choices'" in str(exc):  # langchain-openai's check
        return f"the language model ({where}) sent a response that is not a valid chat completion: {_detail(exc)}"
    if isinstance(exc, json.JSONDecodeError):
        return f"the language model ({where}) sent a response that is not valid JSON: {_detail(exc)}"
    return None


def failure_answer(why: str) -> str:
    """The answer of a turn the model could not serve."""
    return (f"I could not complete this request: {why}. Nothing further was run for it. Check the "
            "model server (OPENAI_BASE_URL / OLLAMA_HOST), or unset them to use the offline mode.")
