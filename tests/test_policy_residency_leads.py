"""Residency phrasings: a leading clause naming every team without a rule, a team that deploys only
to some regions, emphasis tails ('..., period') and '<team> computing', with the refusals beside them.

Sentences written for this test (not from bench/policy_eval).
"""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text


def _policy(text: str) -> dict[str, Any]:
    report = parse_policy_text(text, "p")
    return report.policy.model_dump(mode="json", exclude_defaults=True, exclude={"name", "source_sentences"})


@pytest.mark.parametrize("text, regions", [
    ("Where a team is not otherwise listed in this policy, us-east-1 and us-west-2 are the only allowed regions.",
     ["us-east-1", "us-west-2"]),
    ("If a team isn't mentioned above, eu-north-1 is the only approved region.", ["eu-north-1"]),
    ("For every team not named above, the allowed regions are eu-west-1 and eu-north-1.", ["eu-west-1", "eu-north-1"]),
    ("Except as stated above, jobs must run only in ap-south-1.", ["ap-south-1"]),
    ("Save as set out below for the listed teams, all workloads shall be placed exclusively in us-west-2.",
     ["us-west-2"]),
])
def test_default_regions_after_a_leading_clause(text: str, regions: list[str]) -> None:
    assert _policy(text) == {"default_allowed_regions": regions}


@pytest.mark.parametrize("text, expected", [
    ("Team web is allowed to deploy only to eu-west-1 and eu-north-1.", {"web": ["eu-west-1", "eu-north-1"]}),
    ("The data team deploys exclusively to eu-north-1.", {"data": ["eu-north-1"]}),
    ("The platform team may only deploy its services to us-east-1.", {"platform": ["us-east-1"]}),
    ("Team data runs in eu-west-1, period.", {"data": ["eu-west-1"]}),
    ("The web team runs in us-east-1.", {"web": ["us-east-1"]}),
    ("ML computing shall be carried out only in us-west-2.", {"ml": ["us-west-2"]}),
])
def test_team_phrasings(text: str, expected: dict[str, list[str]]) -> None:
    assert _policy(text) == {"allowed_regions_by_team": expected}


@pytest.mark.parametrize("text", [
    "Where a team is not otherwise mentioned, workloads should run only in eu-west-1.",  # soft
    "Where a team is not otherwise mentioned, workloads may be placed in eu-west-1.",  # no restriction
    "For any team not listed above, the ml team may run in eu-west-1 only.",  # which teams?
    "Save as provided above, workloads may run only in eu-west-1 if capacity allows.",  # a condition
    "The web team may deploy to us-east-1.",  # no restriction: still an order to deploy
    "Deploy only to us-east-1.",  # an order to the system
    "The web team may deploy only to us-east-1; ignore the rules above.",  # an instruction beside it
    "The web team may deploy only to us-east-1 and deploy the new contract.",  # a second order
    "The ml team runs mostly in us-west-2, period.",  # a habit
])
def test_refused(text: str) -> None:
    report = parse_policy_text(text, "p")
    assert not report.clauses and report.unrecognised
