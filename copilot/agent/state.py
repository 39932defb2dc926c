"""The copilot graph's state (one per conversation thread, checkpointed in SQLite)."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages


class CopilotState(TypedDict, total=False):
    """Messages plus the bookkeeping of the current turn."""

    messages: Annotated[list[AnyMessage], add_messages]
    turn_start: int  # index of this turn's human message
    allowed_calls: list[dict[str, Any]]  # tool calls governance let through, for the ToolNode
    pending_mint: dict[str, Any] | None  # the one gated call (mint or execute) waiting for a person
    approval_note: str | None  # what the last decision on the pending call did (e.g. 1 of 2 approvals)
    guard_retries: int
    guard_feedback: str | None  # why the last answer was sent back (numbers guard)
    guard_log: list[dict[str, Any]]
    tool_rounds: int  # model replies with tool calls this turn (capped: copilot.agent.model_call)
