"""Residency read by its parts (copilot.policy.residency_slots), and what it must refuse.

Sentences written for this test (not from bench/policy_eval). A refusal is worth more than a
guess: each refused sentence would otherwise become a wrong allow-list.
"""

from __future__ import annotations

import pytest

from copilot.policy import parse_policy_text
from copilot.policy.residency_slots import residency_by_slots

TEAMS = ("ml", "data", "web", "platform", "research")


@pytest.mark.parametrize("text, expected", [
    ("All jobs submitted by the web team must be placed in us-east-1 or us-west-2.",
     {"web": ["us-east-1", "us-west-2"]}),
    ("Anything the ml group launches must be placed in us-east-1 or us-west-2.", {"ml": ["us-east-1", "us-west-2"]}),
    ("Only eu-west-1 is permitted for the data team.", {"data": ["eu-west-1"]}),
    ("Team ml runs in us-west-2, nowhere else.", {"ml": ["us-west-2"]}),
    ("Data must not be processed outside eu-west-1 for the data team.", {"data": ["eu-west-1"]}),
    ("Residency for the platform team: ap-south-1 only.", {"platform": ["ap-south-1"]}),
    ("The data and research teams are required to keep workloads in eu-north-1.",
     {"data": ["eu-north-1"], "research": ["eu-north-1"]}),
])
def test_team_restrictions_read_by_parts(text: str, expected: dict[str, list[str]]) -> None:
    reading = residency_by_slots(text, TEAMS)
    assert reading is not None
    assert {i.key: i.value for i in reading.items if i.field == "allowed_regions_by_team"} == expected


def test_every_other_team() -> None:
    reading = residency_by_slots("Unlisted teams may only run in us-east-1 and eu-west-1.", TEAMS)
    assert reading is not None
    assert [(i.field, i.value) for i in reading.items] == [("default_allowed_regions", ["us-east-1", "eu-west-1"])]


@pytest.mark.parametrize("text", [
    "The ml team must never run in us-east-1.",  # an exclusion, not an allow-list
    "ML jobs may also use us-east-1.",  # an addition to regions stated elsewhere
    "ML jobs should preferably run in us-west-2.",  # soft
    "The ml team runs mostly in us-west-2.",  # a habit
    "If capacity allows, ml must run in us-west-2.",  # a condition
    "We are considering restricting the ml team to us-west-2 next quarter.",  # a proposal
    "eu-north-1 is reserved for the data team.",  # restricts the region
    "Only the data team may use eu-north-1.",  # restricts the region
    "Customer data must stay in eu-west-1.",  # "data" is not the data team here
    "ML workloads are confined to France, whereas the web team must stay in us-east-1.",  # two rules
    "The ml team must stay in us-west-2 because GPUs are cheaper there.",  # a rationale
    "The ml team must stay in us-west-2 on weekdays.",  # a time condition
    "Everyone else and the ml team must stay in us-east-1.",  # who is it for?
    "The ml team must stay in us-west-2?",  # a question
])
def test_refuses_what_it_cannot_read_safely(text: str) -> None:
    assert residency_by_slots(text, TEAMS) is None


def test_the_parser_uses_it_only_when_no_phrasing_matches_and_reports_it() -> None:
    report = parse_policy_text("Only eu-west-1 is permitted for the data team.", "p")
    assert report.policy.allowed_regions_by_team == {"data": ["eu-west-1"]}
    assert any("read by its parts" in w for w in report.warnings)
    refused = parse_policy_text("Customer data must stay in eu-west-1.", "p")
    assert refused.policy.allowed_regions_by_team == {} and refused.unrecognised
