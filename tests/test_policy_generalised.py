"""Grammar that generalises beyond the dev phrasings (sentences written for these tests, not copied
from any corpus): compound sentences split on commas and 'and', justification phrases, bare team
labels, cents, '- ' as 'is', reasons and appositives in blackouts, borrowed a.m./p.m., 'the
following morning', quorums over a list. Expected values are written out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text
from tests.policy_helpers import assert_reads

US = ["us-east-1", "us-west-2", "CISO", "PJM", "ERCO", "ISNE"]

READ: list[tuple[str, dict[str, Any]]] = [
    ("The site is limited to 300 kW and a shadow carbon price of $70 per tonne applies.",
     {"max_power_kw": 300.0, "carbon_price_usd_per_t": 70.0}),
    ("Balanced-category work may be delayed by at most 2 hours, sustainable ones for up to a day.",
     {"max_deferral_h_by_category.balanced": 2.0, "max_deferral_h_by_category.sustainable": 24.0}),
    ("Owing to customer contracts, research jobs must take place in Sweden only.",
     {"allowed_regions_by_team.research": ["eu-north-1", "SE"]}),
    ("Web: US regions only.", {"allowed_regions_by_team.web": US}),
    ("Default allowed regions: eu-west-1.", {"default_allowed_regions": ["eu-west-1"]}),
    ("Internal carbon levy: 8 cents per kg.", {"carbon_price_usd_per_t": 80.0}),
    ("Carbon budget - 1.5 t CO2e per week", {"carbon_budget_kg": 1500.0, "carbon_budget_period": "week"}),
    ("No job shall run in GB from 21:00 GMT on 3 March 2026 until 05:00 GMT the next morning for patching.",
     {"blackout_windows[0]": {"start_utc": "2026-03-03T21:00:00Z", "end_utc": "2026-03-04T05:00:00Z",
                              "regions": ["GB"]}}),
    ("On Saturdays, from 6 to 8 a.m. UTC, processing is suspended in DE.",
     {"recurring_blackouts[0]": {"days": ["sat"], "start_local": "06:00", "end_local": "08:00", "timezone": "UTC",
                                 "regions": ["DE"]}}),
    ("Mints must be approved by two of the following: uma, vic, wes.",
     {"mint_approvers": ["uma", "vic", "wes"], "mint_quorum": {"approvers": 2}}),
    ("Mint quorum: 3 approvers for mints > 1 MWh.",
     {"mint_quorum": {"approvers": 3, "above": 1000.0, "unit": "kWh"}}),
    ("Jobs flagged as urgent are never moved.", {"urgent_never_moved": True}),
    # in a policy "may not" forbids: "may not run in any region other than X" keeps the team in X
    ("The research team may not run in any region other than eu-west-1.",
     {"allowed_regions_by_team.research": ["eu-west-1"]}),
    ("The optimiser may shift urgent jobs just like any other job.", {"urgent_never_moved": False}),
]


@pytest.mark.parametrize("sentence, expected", READ)
def test_read(sentence: str, expected: dict[str, Any]) -> None:
    assert_reads(sentence, expected)


@pytest.mark.parametrize("sentence", [
    "From 11 to 1 pm UTC on Sundays no jobs may run.",          # 11 a.m. or p.m.? not guessed
    "Mints must be approved by four of the following: uma, vic.",
    "Shadow carbon price: 1 dollar 5 cents per kg.",
    "Other teams are unrestricted, except GB.",
])
def test_refused(sentence: str) -> None:
    report = parse_policy_text(sentence, "t")
    assert report.clauses == [] and len(report.unrecognised) == 1
