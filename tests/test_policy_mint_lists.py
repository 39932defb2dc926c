"""Mint approver lists labelled 'Mints: only X can approve', and a list with 'sign-off from all N'
above a threshold; with the refusals beside them. Sentences written for this test (not from
bench/policy_eval).
"""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text


def _policy(text: str) -> dict[str, Any]:
    report = parse_policy_text(text, "p")
    return report.policy.model_dump(mode="json", exclude_defaults=True, exclude={"name", "source_sentences"})


@pytest.mark.parametrize("text, expected", [
    ("Mints: only zoe@example.org can approve.", {"mint_approvers": ["zoe@example.org"]}),
    ("Minting: only ivan and judy may approve.", {"mint_approvers": ["ivan", "judy"]}),
    ("Minting: only ivan and judy may approve them.", {"mint_approvers": ["ivan", "judy"]}),  # a rule, not an order
    ("Mint approvals are limited to ivan@example.org and judy@example.org.",
     {"mint_approvers": ["ivan@example.org", "judy@example.org"]}),
    ("Mint approvals are restricted to ivan, judy and karl, with every mint over 2 MWh requiring approval from "
     "all three.",
     {"mint_approvers": ["ivan", "judy", "karl"], "mint_quorum": {"approvers": 3, "above": 2000.0, "unit": "kWh"}}),
    ("Mint approvers are ivan and judy, with any mint above 40 kgCO2e needing sign-off from both.",
     {"mint_approvers": ["ivan", "judy"], "mint_quorum": {"approvers": 2, "above": 40.0, "unit": "kgCO2e"}}),
])
def test_read(text: str, expected: dict[str, Any]) -> None:
    assert _policy(text) == expected


@pytest.mark.parametrize("text", [
    "Mints: only the finance team can approve.",  # a group, not people
    "Mints: only ivan can approve if judy is away.",  # a condition
    "Mint approvals are restricted to ivan and judy, with any mint above 300 kgCO2e needing sign-off from all three.",
    "Mints: ivan can approve.",  # no restriction
])
def test_refused(text: str) -> None:
    report = parse_policy_text(text, "p")
    assert not report.clauses and report.unrecognised
