"""Amounts, deferral limits, urgent jobs and mint quorums read by their parts (the slot readers of
copilot.policy.parser: amount_slots, category_slots, mint_slots).

Sentences written for this test (not from bench/policy_eval). A refusal is worth more than a
guess: each refused sentence would otherwise become a wrong constraint.
"""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text
from copilot.policy.parser import interpret_sentence, normalise
from copilot.policy.values import SentenceError


def _read(text: str) -> dict[tuple[str, str | None], Any]:
    return {(i.field, i.key): i.value for i in interpret_sentence(normalise(text)).items}


@pytest.mark.parametrize("text, expected", [
    ("Our plant's consumption may not go beyond 1.1 MW at any point.", {("max_power_kw", None): 1100.0}),
    ("Campus-wide draw shall remain below 2 MW.", {("max_power_kw", None): 2000.0}),
    ("Greenhouse emissions of the company must not exceed 4 tonnes of CO2e in any single week.",
     {("carbon_budget_kg", None): 4000.0, ("carbon_budget_period", None): "week"}),
    ("Carbon dioxide is charged internally at 40 USD per tonne for placement purposes.",
     {("carbon_price_usd_per_t", None): 40.0}),
    ("Sustainable batch runs may be held back for as long as 30 hours.",
     {("max_deferral_h_by_category", "sustainable"): 30.0}),
    ("Balanced pipelines must not be delayed for more than 90 min.",
     {("max_deferral_h_by_category", "balanced"): 1.5}),
    ("Urgent tasks are neither postponed nor relocated.", {("urgent_never_moved", None): True}),
    ("Urgent workloads keep their original region and start time.", {("urgent_never_moved", None): True}),
    ("Urgent jobs get shifted just like every other job.", {("urgent_never_moved", None): False}),
    ("Any mint larger than 40 MWh is subject to dual sign-off.",
     {("mint_quorum", None): {"approvers": 2, "above": 40000.0, "unit": "kWh"}}),
    ("Each mint requires the approval of four separate officers.", {("mint_quorum", None): {"approvers": 4}}),
])
def test_read_by_parts(text: str, expected: dict[Any, Any]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize("text", [
    "The warehouse fleet must stay above 150 kW so the chillers keep running.",  # a minimum
    "The warehouse fleet drew 310 kW at peak last night.",  # an observation
    "Each rack may draw at most 15 kW.",  # one rack, not the fleet
    "The platform team's servers may use at most 90 kW.",  # one team
    "Power in eu-west-1 must not exceed 400 kW.",  # one region
    "Campus-wide draw should ideally remain below 2 MW.",  # soft
    "Once the new feed is installed, campus-wide draw may reach up to 3 MW.",  # future, conditional
    "Emissions must not exceed 4 tonnes of CO2e per year.",  # a period the policy cannot hold
    "Carbon is charged internally at 40 EUR per tonne.",  # not USD
    "Balanced pipelines must be delayed by at least 30 min.",  # a minimum
    "The web team's balanced jobs may be delayed by up to 2 hours.",  # one team
    "Urgent jobs are never moved to a dirtier region.",  # other moves allowed
    "Non-urgent jobs are never moved.",
    "Urgent jobs are never moved, but they may wait an hour.",
    "Mints above 40 MWh need two approvers when a contractor asks.",  # a condition
    "Mints above 40 MWh need two approvers: ana and bo.",  # names as well as a count
])
def test_refused(text: str) -> None:
    report = parse_policy_text(text, "t")
    assert not report.clauses, report.clauses
    assert report.unrecognised and report.unrecognised[0].reason


def test_two_quantities_are_left_to_the_compound_reader() -> None:
    with pytest.raises(SentenceError):
        interpret_sentence(normalise("Campus-wide draw shall remain below 2 MW, or 2.5 MW in winter."))


def test_teams_other_than_one_are_refused_by_parts_and_read_as_the_default() -> None:
    report = parse_policy_text("Teams other than web may only use eu-north-1.", "t")
    assert report.policy.allowed_regions_by_team == {}
