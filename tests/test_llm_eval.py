"""The real-model eval's scoring (bench/llm_eval.py) on hand-made replies: the same rules as the
offline router's eval, and the governance filter counted separately."""

from __future__ import annotations

from typing import Any

from bench.llm_eval import cases_of, offline_replies, score

CASES: list[dict[str, Any]] = [
    {"id": "a", "text": "How much did team ml emit?", "expect": [{"tool": "emissions", "args": {"team": "ml"}}]},
    {"id": "b", "text": "Plan it, execute it and verify", "expect": [{"tool": "plan"}, {"tool": "execute"},
                                                                      {"tool": "verify"}]},
    {"id": "c", "text": "Do not execute the plan.", "expect": [], "forbid_writes": True},
]


def test_perfect_replies_score_one() -> None:
    replies = [[{"tool": "emissions", "args": {"team": "ml", "group_by": "region"}}],
               [{"tool": "plan", "args": {}}, {"tool": "execute", "args": {}}, {"tool": "verify", "args": {}}], []]
    out = score(CASES, replies, [1.0, 2.0, 3.0])
    assert out["tool_choice"] == 1.0 and out["first_tool"] == 1.0 and out["arguments"] == 1.0
    assert out["write_calls_on_forbidden_requests"] == 0 and out["latency_s"]["p50"] == 2.0


def test_wrong_arguments_a_partial_route_and_a_forbidden_write() -> None:
    replies = [[{"tool": "emissions", "args": {"team": "web"}}], [{"tool": "plan", "args": {}}],
               [{"tool": "execute", "args": {}}]]
    out = score(CASES, replies)
    assert out["tool_choice"] == round(1 / 3, 4) and out["first_tool"] == round(2 / 3, 4)
    assert out["arguments"] == 0.0 and out["write_calls_on_forbidden_requests"] == 1
    assert out["write_calls_after_governance_filter"] == 0  # the chat's governance drops the negated execute


def test_the_offline_router_is_scored_on_the_same_cases() -> None:
    cases = cases_of("dev")[:30]
    assert cases and score(cases, offline_replies(cases))["tool_choice"] >= 0.9
