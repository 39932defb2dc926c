"""A copilot session: the compiled graph, its SQLite checkpointer and one call per user action.

Used by the CLI (``ask``, ``approve``, ``reject``) and the UI. Each conversation is a thread id;
its pending mint approval survives a process restart because the graph is checkpointed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.types import Command

from copilot.agent.context import ToolContext
from copilot.agent.graph import build_graph, sqlite_checkpointer
from copilot.agent.llm import make_chat_model
from copilot.agent.streaming import StreamEvent, turn_events
from copilot.agent.understand import World
from copilot.agent.understand.reading import DEFAULT_TEAMS
from copilot.services.approvals import check_can_decide, check_can_decide_batch
from copilot.services.storage import open_ledger, record_event
from copilot.services.users import AuthUser, known_user, require
from copilot.settings import LLMSettings, Settings
from tools.auth import Role

MAX_QUESTION_CHARS = 4000


class SessionError(ValueError):
    """A request the session cannot serve (empty question, no pending approval ...)."""


def pending_text(pending: dict[str, Any], thread_id: str) -> str:
    """The line that tells a person what is waiting for them and how to decide."""
    how = f"`python app.py approve --thread {thread_id} --as NAME --password-stdin` or `reject`"
    note = f" ({pending['note']})" if pending.get("note") else ""
    if pending.get("type") == "execute_approval":
        return (f"Executing {pending['recommendations']} recommendation(s) of plan {pending['plan_id']} needs "
                f"an operator's approval{note}: {how}.")
    if pending.get("type") == "mint_batch_approval":
        totals = ", ".join(f"{v:.4g} {k}" for k, v in pending["totals"].items())
        return (f"Minting {pending['count']} verification(s) in one approval ({totals}) needs an approver's "
                f"decision{note}: {how}.")
    return (f"Minting verification {pending['verification_id']} needs your approval "
            f"({pending.get('rule', '1 approver')}){note}: {how}.")


@dataclass
class TurnResult:
    """What one user action produced."""

    thread_id: str
    answer: str
    tools: list[dict[str, Any]] = field(default_factory=list)
    pending_approval: dict[str, Any] | None = None
    mode: str = ""
    guard_events: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"thread_id": self.thread_id, "answer": self.answer, "tools": self.tools,
                "pending_approval": self.pending_approval, "mode": self.mode,
                "guard_events": self.guard_events}


class CopilotSession:
    """The copilot over a ledger, a chain configuration and a chat model."""

    def __init__(self, settings: Settings, db_path: Path, *, llm: LLMSettings | None = None,
                 chat_model: BaseChatModel | None = None, checkpoint_path: Path | None = None) -> None:
        self.settings = settings
        self.db_path = db_path
        self.llm = llm or settings.llm
        model = chat_model or make_chat_model(self.llm, world=self._world)
        self.mode = self.llm.label if chat_model is None else f"custom model {type(chat_model).__name__}"
        self.checkpointer = sqlite_checkpointer(checkpoint_path or settings.data_dir / "checkpoints.sqlite")
        self.graph = build_graph(model, ToolContext(db_path, settings), provider=self.llm.provider,
                                 checkpointer=self.checkpointer, audit=self._audit, model_label=self.mode)

    def _world(self) -> World:
        """The clock and teams the offline reader uses (``copilot.services.fleet.chat_context``)."""
        from copilot.services.fleet import chat_context

        with ToolContext(self.db_path, self.settings).ledger() as ledger:
            now, teams = chat_context(ledger)
        return World(now=now, teams=teams or DEFAULT_TEAMS, id_kind=self._id_kind)

    def _id_kind(self, value: str) -> str | None:
        from copilot.services.fleet import id_kind

        with ToolContext(self.db_path, self.settings).ledger() as ledger:
            return id_kind(ledger, value)

    def _audit(self, event: str, payload: dict[str, Any]) -> None:
        record_event(self.db_path, event, str(payload.get("verification_id") or payload.get("tool") or "copilot"),
                     json.loads(json.dumps(payload, default=str)), actor="copilot")

    @staticmethod
    def _config(thread_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread_id}, "recursion_limit": 40}

    def pending(self, thread_id: str) -> dict[str, Any] | None:
        """The interrupt payload of a thread waiting for a mint decision, or None."""
        state = self.graph.get_state(self._config(thread_id))
        for task in state.tasks:
            for intr in task.interrupts:
                return dict(intr.value)
        return None

    def _result(self, thread_id: str) -> TurnResult:
        state = self.graph.get_state(self._config(thread_id))
        values = state.values
        messages = values.get("messages", [])
        start = values.get("turn_start", 0)
        calls: dict[str, dict[str, Any]] = {}
        for m in messages[start:]:
            if isinstance(m, AIMessage):
                for c in m.tool_calls:
                    calls[str(c["id"])] = {"name": c["name"], "args": c["args"], "result": None}
            elif isinstance(m, ToolMessage) and m.tool_call_id in calls:
                calls[m.tool_call_id]["result"] = str(m.content)
        pending = self.pending(thread_id)
        answer = ""
        if pending is None and messages and isinstance(messages[-1], AIMessage):
            answer = str(messages[-1].content)
        elif pending is not None:
            answer = pending_text(pending, thread_id)
        return TurnResult(thread_id, answer, list(calls.values()), pending, self.mode,
                          list(values.get("guard_log") or []))

    def _question(self, question: str, thread_id: str | None) -> tuple[dict[str, Any], str]:
        """The graph input of a question on ``thread_id`` (a new thread when None), validated."""
        text = question.strip()
        if not text:
            raise SessionError("the question is empty")
        if len(text) > MAX_QUESTION_CHARS:
            raise SessionError(f"the question has {len(text)} characters; the limit is {MAX_QUESTION_CHARS}")
        thread = thread_id or uuid.uuid4().hex[:12]
        if self.pending(thread) is not None:
            raise SessionError(f"thread {thread} is waiting for a decision: approve or reject it first")
        return {"messages": [HumanMessage(content=text)]}, thread

    def ask(self, question: str, thread_id: str | None = None) -> TurnResult:
        """One user message; returns the answer, the tools called, and any pending approval."""
        graph_input, thread = self._question(question, thread_id)
        self.graph.invoke(graph_input, self._config(thread))
        return self._result(thread)

    def ask_stream(self, question: str, thread_id: str | None = None) -> Iterator[StreamEvent | TurnResult]:
        """:meth:`ask`, streamed: the model's words as they come (never an unsupported figure: see
        ``copilot.agent.streaming``), tool calls and results, then the ``TurnResult``. Bad input is
        refused before anything runs."""
        graph_input, thread = self._question(question, thread_id)
        return self._stream(graph_input, thread)

    def _decision(self, thread_id: str, approved: bool, user: AuthUser, reason: str) -> Command[Any]:
        """The resume command of ``user``'s decision, refused (AuthError, SessionError) before the graph resumes."""
        pending = self.pending(thread_id)
        if pending is None:
            raise SessionError(f"thread {thread_id} has nothing waiting for approval")
        with open_ledger(self.db_path) as ledger:
            person = known_user(ledger, user.name)
            if pending.get("type") == "execute_approval":
                require(person, Role.OPERATOR, "executing a plan")
            elif pending.get("type") == "mint_batch_approval":
                check_can_decide_batch(ledger, person)
            else:
                check_can_decide(ledger, person, str(pending["verification_id"]))
        return Command(resume={"approved": approved, "user": person.name, "reason": reason})

    def decide(self, thread_id: str, *, approved: bool, user: AuthUser, reason: str = "") -> TurnResult:
        """Resume a thread waiting for a mint or execution decision with ``user``'s decision.

        ``user`` was authenticated by the front end (password, or the web UI's login session); the
        decision is refused here, before the graph resumes, when they may not make it (AuthError:
        role, policy's approver list, a second vote by the same person)."""
        self.graph.invoke(self._decision(thread_id, approved, user, reason), self._config(thread_id))
        return self._result(thread_id)

    def decide_stream(self, thread_id: str, *, approved: bool, user: AuthUser, reason: str = ""
                      ) -> Iterator[StreamEvent | TurnResult]:
        """:meth:`decide`, streamed like :meth:`ask_stream` (refusals raised before anything runs)."""
        return self._stream(self._decision(thread_id, approved, user, reason), thread_id)

    def _stream(self, graph_input: Any, thread: str) -> Iterator[StreamEvent | TurnResult]:
        stream = self.graph.stream(graph_input, self._config(thread), stream_mode=["messages", "updates"])
        for event in turn_events(stream):
            if event.kind != "done":
                yield event
        yield self._result(thread)
