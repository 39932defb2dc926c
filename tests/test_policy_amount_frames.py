"""The fleet's power cap, carbon budget and carbon price read by their parts (copilot.policy.amount_slots),
and wishes refused by the phrasings (copilot.policy.amounts). Sentences written for this test (not from
bench/policy_eval); each positive checks the exact constraint, each refusal that nothing at all is set.
"""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import amount_slots, parse_policy_text
from copilot.policy.framing import unframe
from copilot.policy.parser import interpret_sentence, normalise
from copilot.policy.vocab import KNOWN_TEAMS, canonical

POSITIVE: list[tuple[str, dict[str, Any]]] = [
    ("keep the fleet below 1.2 MW at all times", {"max_power_kw": 1200.0}),
    ("The Bank's aggregate electricity demand shall not exceed 2 MW.", {"max_power_kw": 2000.0}),
    ("The site is capped at 900 kW.", {"max_power_kw": 900.0}),
    ("Our power ceiling is 1,500 kW fleet-wide.", {"max_power_kw": 1500.0}),
    ("The utility contract limits the fleet to 2 MW.", {"max_power_kw": 2000.0}),
    ("The substation feed limits the cluster to 640 kW; the planner must never exceed this limit.",
     {"max_power_kw": 640.0}),
    ("Combined consumption across all clusters must stay within 600 kW.", {"max_power_kw": 600.0}),
    ("The compute estate may draw no more than 350 kW.", {"max_power_kw": 350.0}),
    ("The university's GPU fleet is held to a hard cap of 1.1 MW.", {"max_power_kw": 1100.0}),
    ("Total cluster draw must never exceed 750,000 W.", {"max_power_kw": 750.0}),
    ("The Client's overall power draw must not go above 4 MW at any moment.", {"max_power_kw": 4000.0}),
    ("Keep total emissions below 500 kg CO2e per week.",
     {"carbon_budget_kg": 500.0, "carbon_budget_period": "week"}),
    ("The weekly emissions allowance is 1.5 t CO2e.", {"carbon_budget_kg": 1500.0, "carbon_budget_period": "week"}),
    ("Fleet emissions must never exceed 80 kgCO2e in any single day.",
     {"carbon_budget_kg": 80.0, "carbon_budget_period": "day"}),
    ("monthly carbon cap: 12 t CO2e", {"carbon_budget_kg": 12000.0, "carbon_budget_period": "month"}),
    ("We shall keep emissions from our operations under 2 tonnes CO2e per month.",
     {"carbon_budget_kg": 2000.0, "carbon_budget_period": "month"}),
    ("weekly CO2e budget = 0.75 t across all clusters", {"carbon_budget_kg": 750.0, "carbon_budget_period": "week"}),
    ("The Provider shall keep emissions attributable to the Client's estate below 60 kgCO2e per day.",
     {"carbon_budget_kg": 60.0, "carbon_budget_period": "day"}),
    ("Carbon is priced internally at USD 95 per tonne.", {"carbon_price_usd_per_t": 95.0}),
    ("The shadow price of carbon is $120/tCO2e.", {"carbon_price_usd_per_t": 120.0}),
    ("A carbon price of 40 US dollars per metric ton of CO2e applies to all scheduling decisions.",
     {"carbon_price_usd_per_t": 40.0}),
    ("Our internal price on carbon: 0.1 USD per kg.", {"carbon_price_usd_per_t": 100.0}),
    ("An internal shadow price of US$ 55 per tonne of CO2 equivalent shall be used.",
     {"carbon_price_usd_per_t": 55.0}),
    ("We price carbon at 70 bucks a tonne (USD) for planning purposes.", {"carbon_price_usd_per_t": 70.0}),
    ("A shadow price of US$90 per tonne CO2e is applied to all placement decisions.",
     {"carbon_price_usd_per_t": 90.0}),
]


@pytest.mark.parametrize("text, expected", POSITIVE)
def test_read(text: str, expected: dict[str, Any]) -> None:
    assert {i.field: i.value for i in interpret_sentence(normalise(text)).items} == expected


@pytest.mark.parametrize("text, expected", POSITIVE)
def test_the_reader_by_parts_reads_each(text: str, expected: dict[str, Any]) -> None:
    """The reader by parts reads every positive on its own (whatever reader comes first in the parser)."""
    reading = amount_slots.read(canonical(unframe(canonical(normalise(text)))), KNOWN_TEAMS)
    assert reading is not None and {i.field: i.value for i in reading.items} == expected


@pytest.mark.parametrize("text", [
    # part of the fleet
    "Each node must not exceed 2 kW.",
    "The ml team's draw must stay under 100 kW.",
    "Power in eu-west-1 must not exceed 300 kW.",
    "The GPU cluster must not exceed 300 kW.",
    "GPU jobs must not exceed 200 kW.",
    "Sustainable jobs may emit at most 10 kg CO2e per day.",
    "The data team must keep emissions below 40 kg CO2e per day.",
    "The carbon price for the ml team is $100 per tonne.",
    "The ml team's quota limits the cluster to 450 kW.",
    # wishes, conditions, plans, the past and descriptions of today
    "The cluster should stay below 500 kW.",
    "The carbon price should be $100 per tonne.",
    "Keep the cluster under 450 kW during the heatwave.",
    "Keep the cluster under 450 kW where possible.",
    "We aim to keep the cluster under 450 kW.",
    "The proposed cap is 450 kW.",
    "The cap used to be 450 kW.",
    "The cluster is currently capped at 450 kW.",
    "The cluster drew 480 kW last week.",
    "Total draw is held under 1.5 MW.",
    "Emissions were 40 kgCO2e per day.",
    "A carbon price of $100 per tonne is being considered.",
    "The carbon price will rise to $150 per tonne next year.",
    "The utility limits the cluster to 450 kW on weekdays.",
    # minimums, negations, second amounts, other periods and currencies
    "The cluster must stay above 200 kW.",
    "The cluster may exceed 500 kW for short bursts.",
    "The cluster is not capped at 500 kW.",
    "The cluster must not exceed 500 kW, or 600 kW in winter.",
    "Emissions must be at least 40 kgCO2e per day.",
    "Keep emissions below 500 kg CO2e per year.",
    "Keep emissions below 500 kg CO2e.",
    "The carbon price is at least $50 per tonne.",
    "The carbon price is between $50 and $80 per tonne.",
    "The carbon price is not $100 per tonne.",
    "The internal carbon price is EUR 90 per tonne.",
    "The internal carbon price is 90 CAD per tonne.",
    "We price carbon at 150 bucks a ton internally.",
    "Electricity costs $100 per tonne of coal.",
    "Draw under 450 kW earns a rebate.",
    "Power above 450 kW is billed at peak rates.",
])
def test_refused(text: str) -> None:
    report = parse_policy_text(text, "t")
    assert not report.clauses, report.clauses
    assert report.unrecognised and report.unrecognised[0].reason


@pytest.mark.parametrize("text", [
    "The staging cluster must not exceed 50 kW.",  # one part of the fleet
    "The inference cluster must not exceed 200 kW.",
    "The vendor's power draw must not exceed 200 kW.",
    "The Orion cluster must stay below 300 kW.",
    "Rack-wide draw must not exceed 20 kW.",
    "The cluster is being capped at 450 kW.",  # a change under way, not the rule
    "The cluster has been capped at 450 kW.",
    "The cluster may be capped at 500 kW.",  # a possibility
    "Power draw can stay below 500 kW.",
    "The agency values carbon offsets at USD 60 per tonne.",  # offsets, credits: not the carbon price
    "Carbon credits are valued at $20 per tonne.",
    "The social cost of carbon is $190 per tonne.",
    "Emissions must stay below 500 kg CO2e per week per cluster.",
])
def test_the_reader_by_parts_refuses(text: str) -> None:
    """Sentences the reader by parts refuses on its own (another reader may still be asked first)."""
    assert amount_slots.read(canonical(unframe(canonical(normalise(text)))), KNOWN_TEAMS) is None
