"""Shared checks for the policy-phrasing tests: what a sentence was read as."""

from __future__ import annotations

from typing import Any

from copilot.policy import parse_policy_text


def clause_value(report: Any, key: str) -> Any:
    """The value of the one clause for ``key``, a window without its free-text reason."""
    (clause,) = [c for c in report.clauses if c.constraint == key]
    value = clause.value
    if isinstance(value, dict) and "reason" in value:
        return {k: v for k, v in value.items() if k != "reason"}
    return value


def assert_reads(sentence: str, expected: dict[str, Any]) -> None:
    """``sentence`` is understood, as exactly ``expected`` (constraint key -> value)."""
    report = parse_policy_text(sentence, "t")
    assert not report.unrecognised, report.unrecognised
    assert {k: clause_value(report, k) for k in expected} == expected
