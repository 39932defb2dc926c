"""Negations, hypotheticals, explanations and undo requests never run a write tool: offline, and
through governance whatever a model proposes. (Phrasings written for this test; the blind corpus
in bench/agent_eval is scored by bench/blind_evals.py, never tuned on its test split.)"""

from __future__ import annotations

import pytest

from copilot.agent.offline import route
from copilot.agent.polarity import WRITE_TOOLS, forbidden_writes

ALL = set(WRITE_TOOLS)


@pytest.mark.parametrize("text, forbidden", [
    ("Do not execute the plan", {"execute", "plan"}),  # the negated clause names both: neither runs
    ("please don't run any simulation, I only want the totals", {"simulate"}),
    ("skip the planning step and show me the leaderboard of emissions by team", {"plan"}),
    ("never mint anything without asking finance", {"mint"}),
    ("hold off on verifying until next week", {"verify"}),
    ("Don't change anything, just list what the plan would move", ALL),
    ("Should we apply the plan now?", ALL),
    ("what would happen if we executed plan 0123456789abcdef", ALL),
    ("Is it safe to mint 0123456789abcdef?", ALL),
    ("explain what verification does", ALL),
    ("What is a synthetic fleet?", ALL),
    ("roll back yesterday's execution", ALL),
    ("undo the mint", ALL),
    ("execute the plan", set()),
    ("plan the next 3 days and verify the savings", set()),
    ("don't forget to verify the latest plan", set()),
    ("I'm not sure what we emitted last week; show me", set()),
])
def test_forbidden_writes(text: str, forbidden: set[str]) -> None:
    assert forbidden_writes(text) == forbidden


@pytest.mark.parametrize("text", [
    "Do not execute the plan", "Should we apply the plan?", "Undo the last execution",
    "don't mint 0123456789abcdef", "What is a synthetic fleet?", "please don't plan anything",
    "what would verifying plan 0123456789abcdef show?",
])
def test_offline_router_runs_no_write(text: str) -> None:
    steps = route(text)
    assert steps is None or not {name for name, _ in steps} & ALL


def test_a_negated_write_keeps_the_read_the_user_asked_for() -> None:
    steps = route("Please don't plan anything, just tell me the emissions")
    assert steps is not None and [name for name, _ in steps] == ["account"]


@pytest.mark.parametrize("text, tool", [
    ("which recommendations got executed?", "recommendations"),
    ("show the recs of plan 0123456789abcdef", "recommendations"),
])
def test_a_status_or_an_id_is_not_a_command(text: str, tool: str) -> None:
    steps = route(text)
    assert steps is not None and [name for name, _ in steps] == [tool]
