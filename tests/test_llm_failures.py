"""A model or model server that misbehaves gives a clear answer, never a crash or a silent wrong one.

Server failures are played by real loopback servers through ``langchain-openai`` over HTTP: nothing
listening (down), a socket that never answers (timeout), a 200 whose body is not JSON, a 500 (these
faults cannot be provoked on a healthy llama.cpp server, so small stand-in servers play them).
Model misbehaviour (unreadable tool-call arguments, empty replies, endless tool calls) is scripted.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from langchain_core.messages import AIMessage, SystemMessage

from copilot.agent.model_call import MAX_TOOL_ROUNDS
from copilot.agent.session import CopilotSession
from copilot.settings import LLMSettings, Settings
from tests.conftest import copy_with_users
from tests.scripted_models import Scripted
from tools.auth import Role
from tools.chain.node import free_port
from tools.ledger import Ledger

pytest_plugins = ["tests.chain_fixtures"]


@pytest.fixture
def vdb(verified_db: Path, tmp_path: Path) -> Path:
    return copy_with_users(verified_db, tmp_path / "ledger.sqlite", {"root": Role.ADMIN}, lambda n: f"{n}-password-1")


def failures(db: Path) -> list[str]:
    with Ledger(db) as ledger:
        return [json.loads(r["payload"])["why"] for r in ledger.db.query(
            "SELECT payload FROM audit_log WHERE action = 'model-failure' ORDER BY seq")]


def openai_at(url: str, timeout_s: float = 5.0) -> LLMSettings:
    return LLMSettings(provider="openai", model="stand-in", base_url=url, api_key="not-needed", timeout_s=timeout_s)


# -- servers that misbehave ------------------------------------------------------------------------
class Answer(BaseHTTPRequestHandler):
    status: ClassVar[int] = 200
    body: ClassVar[bytes] = b""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(self.status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


def serve(status: int, body: bytes) -> Iterator[str]:
    handler = type("H", (Answer,), {"status": status, "body": body})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A socket that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    finally:
        sock.close()


@pytest.mark.parametrize(("kind", "expect"), [
    ("down", "is not reachable"),
    ("not json", "not valid JSON"),
    ("http 500", "refused the request (HTTP 500)"),
    ("not a completion", "not a valid chat completion"),
])
def test_a_failing_server_gives_a_clear_answer(env: Settings, vdb: Path, kind: str, expect: str) -> None:
    bodies = {"not json": (200, b"{not json"), "http 500": (500, b'{"error": {"message": "boom"}}'),
              "not a completion": (200, b'{"hello": "world"}')}
    if kind == "down":
        urls: Iterator[str] = iter([f"http://127.0.0.1:{free_port()}/v1"])
    else:
        urls = serve(*bodies[kind])
    url = next(urls)
    try:
        turn = CopilotSession(env, vdb, llm=openai_at(url)).ask("How much did we emit?")
    finally:
        for _ in urls:
            pass
    assert expect in turn.answer and "Nothing further was run" in turn.answer, turn.answer
    assert turn.tools == [] and turn.pending_approval is None
    assert len(failures(vdb)) == 1 and expect in failures(vdb)[0]


def test_a_server_that_never_answers_times_out_with_a_clear_answer(env: Settings, vdb: Path, silent_url: str) -> None:
    turn = CopilotSession(env, vdb, llm=openai_at(silent_url, timeout_s=1.0)).ask("How much did we emit?")
    assert "did not answer in time" in turn.answer, turn.answer


# -- models that misbehave --------------------------------------------------------------------------
def session_with(env: Settings, db: Path, replies: Iterator[AIMessage]) -> CopilotSession:
    Scripted.seen = []
    return CopilotSession(env, db, chat_model=Scripted(messages=replies))


def unreadable(name: str = "account") -> AIMessage:
    return AIMessage(content="", invalid_tool_calls=[{"name": name, "args": '{"group_by": "team"', "id": "bad-1",
                                                      "error": "Expecting ',' delimiter", "type": "invalid_tool_call"}])


def call(name: str, args: dict[str, Any], i: int) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"c{i}", "type": "tool_call"}])


def test_an_unreadable_tool_call_is_asked_again_once(env: Settings, vdb: Path) -> None:
    session = session_with(env, vdb, iter([unreadable(), call("account", {}, 1), AIMessage(content="Done.")]))
    turn = session.ask("How much did we emit?")
    assert [t["name"] for t in turn.tools] == ["account"] and turn.answer == "Done."
    notes = [m for m in Scripted.seen[1] if isinstance(m, SystemMessage) and "could not be read" in str(m.content)]
    assert notes and "Expecting ',' delimiter" in str(notes[0].content)


def test_two_unreadable_replies_end_the_turn_with_a_clear_answer(env: Settings, vdb: Path) -> None:
    turn = session_with(env, vdb, iter([unreadable(), unreadable()])).ask("How much did we emit?")
    assert "gave no usable reply twice" in turn.answer and "could not be read" in turn.answer
    assert turn.tools == [] and len(failures(vdb)) == 1


def test_empty_replies_fall_back_to_the_tools_own_wording(env: Settings, vdb: Path) -> None:
    replies = iter([call("account", {}, 1), AIMessage(content=""), AIMessage(content="  ")])
    turn = session_with(env, vdb, replies).ask("How much did we emit?")
    assert "reply was empty" in turn.answer and "What the tools returned this turn" in turn.answer
    assert "kgCO2e" in turn.answer  # the account tool's figures, worded by its template


def test_a_model_that_keeps_calling_tools_is_stopped(env: Settings, vdb: Path) -> None:
    endless = (call("account", {}, i) for i in range(100))
    turn = session_with(env, vdb, endless).ask("How much did we emit?")
    assert f"stopped after {MAX_TOOL_ROUNDS} rounds of tool calls" in turn.answer
    assert len(turn.tools) == MAX_TOOL_ROUNDS and all(t["result"] for t in turn.tools)
    again = session_with(env, vdb, iter([AIMessage(content="Hello.")])).ask("hi", turn.thread_id)
    assert again.answer == "Hello."  # the cap is per request: the thread goes on


def test_oversize_arguments_are_refused_not_run(env: Settings, vdb: Path) -> None:
    huge = {"team": "x" * 100_000}
    turn = session_with(env, vdb, iter([call("emissions", huge, 1), AIMessage(content="Refused.")])).ask("emissions")
    result = json.loads(turn.tools[0]["result"])
    assert "limit is 2000" in result["error"] and "x" * 1000 not in result["error"]
