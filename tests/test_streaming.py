"""Streamed turns (``copilot.agent.streaming``, ``CopilotSession.ask_stream``): the model's words arrive
as it writes them, tool calls and results as they happen, and no streamed word ever states a figure
that no tool returned. The models are scripted (langchain's fake chat model streams word by word);
the real server's streaming is in tests/test_llm_real.py."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGenerationChunk

from copilot.agent.session import CopilotSession, SessionError, TurnResult
from copilot.agent.streaming import ReleaseGate, StreamEvent
from copilot.settings import Settings
from tests.conftest import copy_with_users
from tests.scripted_models import Streaming
from tools.auth import Role

pytest_plugins = ["tests.chain_fixtures"]
SOURCE = json.dumps({"total_kgco2e": 514.3, "jobs": 6910})


def released(tokens: Sequence[str], sources: list[str] | None = None) -> tuple[list[str], ReleaseGate]:
    gate = ReleaseGate(lambda: sources if sources is not None else [SOURCE])
    out = [gate.feed(t) for t in tokens]
    out.append(gate.finish())
    return out, gate


class TestReleaseGate:
    def test_words_without_figures_come_word_by_word(self) -> None:
        out, _ = released(["Hello ", "operations ", "team, ", "how ", "are ", "you?"])
        assert out[:5] == ["Hello ", "operations ", "team, ", "how ", "are "] and out[-1] == "you?"

    def test_a_supported_figure_waits_for_its_sentence_then_shows(self) -> None:
        out, _ = released(["We ", "emitted ", "514.3 ", "kgCO2e ", "in ", "total. ", "Good ", "news "])
        assert out[:2] == ["We ", "emitted "] and out[2:5] == ["", "", ""]
        assert out[5] == "514.3 kgCO2e in total." and "".join(out).endswith("total. Good news ")

    def test_an_invented_figure_is_never_released_nor_what_follows(self) -> None:
        out, gate = released(["We ", "emitted ", "987654 ", "kgCO2e. ", "Also ", "nice. "])
        assert "".join(out) == "We emitted " and gate.blocked
        assert "987654" not in "".join(out)

    def test_a_decimal_point_is_not_a_sentence_end(self) -> None:
        out, _ = released(["It ", "was ", "514.", "3 ", "kgCO2e. "])
        assert "".join(out) == "It was 514.3 kgCO2e. "

    def test_an_unsupported_tail_is_held_at_the_end(self) -> None:
        out, _ = released(["Roughly ", "12 ", "kg"])
        assert "".join(out) == "Roughly "

    def test_no_sources_means_no_figure_passes(self) -> None:
        out, _ = released(["There ", "were ", "6910 ", "jobs."], sources=[])
        assert "6910" not in "".join(out)


def call(name: str, args: dict[str, Any], i: int) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"c{i}", "type": "tool_call"}])


@pytest.fixture
def vdb(verified_db: Path, tmp_path: Path) -> Path:
    return copy_with_users(verified_db, tmp_path / "ledger.sqlite", {"root": Role.ADMIN}, lambda n: f"{n}-password-1")


def events(session: CopilotSession, question: str) -> tuple[list[StreamEvent], TurnResult]:
    out = list(session.ask_stream(question))
    last = out.pop()
    assert isinstance(last, TurnResult) and all(isinstance(e, StreamEvent) for e in out)
    return out, last  # type: ignore[return-value]


def test_a_turn_streams_tool_calls_then_words(env: Settings, vdb: Path) -> None:
    answer = "The fleet's jobs are accounted: see the account tool for the figures, per team and region."
    model = Streaming(messages=iter([call("account", {}, 1), AIMessage(content=answer)]))
    got, turn = events(CopilotSession(env, vdb, chat_model=model), "How much did we emit?")
    kinds = [e.kind for e in got]
    assert kinds[:2] == ["tool_start", "tool_result"] and kinds.count("text") > 5  # word by word
    assert "".join(e.text for e in got if e.kind == "text") == answer == turn.answer
    assert json.loads(got[1].text)["total_kgco2e"] > 0 and got[1].name == "account"


def test_an_invented_figure_is_not_streamed_and_the_guard_answer_replaces_it(env: Settings, vdb: Path) -> None:
    invented = AIMessage(content="We emitted 987654 kgCO2e last week. That is a lot.")
    model = Streaming(messages=iter([call("account", {}, 1), invented, invented]))
    got, turn = events(CopilotSession(env, vdb, chat_model=model), "How much did we emit?")
    assert "987654" not in "".join(e.text for e in got)
    assert "reset" in [e.kind for e in got]  # the first answer went back to the model
    assert "987654" not in turn.answer and "withheld" in turn.answer


def test_bad_input_is_refused_before_anything_runs(env: Settings, vdb: Path) -> None:
    session = CopilotSession(env, vdb, chat_model=Streaming(messages=iter([])))
    with pytest.raises(SessionError, match="empty"):
        session.ask_stream("   ")


def test_the_ui_chat_bubble_grows_as_the_words_arrive(env: Settings, vdb: Path) -> None:
    from copilot.ui.chat import ChatContext, _run

    answer = "Every figure comes from the account tool; the totals are per team and per region of the fleet."
    session = CopilotSession(env, vdb, chat_model=Streaming(messages=iter([call("account", {}, 1),
                                                                           AIMessage(content=answer)])))
    history: list[dict[str, Any]] = []
    shown: list[str] = []
    for out in _run(ChatContext(session, env, vdb), history, "t-ui", lambda: session.ask_stream("emissions?", "t-ui"),
                    None):
        last = out[0][-1]
        if last.get("role") == "assistant" and not last.get("metadata"):
            shown.append(str(last["content"]))
    assert shown[-1] == answer
    partial = [s for s in shown if s and s != answer]
    assert len(partial) > 5 and all(answer.startswith(p) for p in partial)  # the bubble grew word by word
    assert any((m.get("metadata") or {}).get("title", "").startswith("⚙ tool account") for m in history)


def test_a_model_is_told_the_copilots_clock(env: Settings, vdb: Path) -> None:
    """Relative dates resolve against one clock for a real model too: the system message carries it."""
    from langchain_core.messages import SystemMessage

    from copilot.services.clock import ledger_clock
    from tools.ledger import Ledger

    seen: list[Any] = []

    class Recording(Streaming):
        def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
                    ) -> Iterator[ChatGenerationChunk]:
            seen.append(messages)
            yield from super()._stream(messages, stop, run_manager, **kwargs)

    list(CopilotSession(env, vdb, chat_model=Recording(messages=iter([AIMessage(content="Hello.")]))).ask_stream("hi"))
    with Ledger(vdb) as ledger:
        label = ledger_clock(ledger).label()
    system = [str(m.content) for m in seen[0] if isinstance(m, SystemMessage)]
    assert any(f"Clock: {label}" in text for text in system), system
