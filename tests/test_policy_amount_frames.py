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


# -- round 2: classes of wording (organisations, fleet synonyms, asides, purposes, payers) -----------------
@pytest.mark.parametrize("text, expected", [
    ("Total draw of the fleet, GPUs included, must stay below 600 kW.", {"max_power_kw": 600.0}),
    ("Overall power of the cluster, including storage and cooling, shall not exceed 1 MW.", {"max_power_kw": 1000.0}),
    ("The power draw of the hosted environment must never exceed 2.5 MW.", {"max_power_kw": 2500.0}),
    ("Total power consumption of the hosting environment shall not exceed 700 kW.", {"max_power_kw": 700.0}),
    ("Total system power draw must stay under 1.8 MW.", {"max_power_kw": 1800.0}),
    ("The data center cluster must not draw more than 400 kW.", {"max_power_kw": 400.0}),
    ("The power cap is now 650 kW.", {"max_power_kw": 650.0}),
    ("The installation's power demand must stay under 300 kW.", {"max_power_kw": 300.0}),
    ("The Council shall keep total emissions of the Municipality's fleet below 30 kg CO2e per day.",
     {"carbon_budget_kg": 30.0, "carbon_budget_period": "day"}),
    ("The Trust's emissions must stay below 2 t CO2e per month.",
     {"carbon_budget_kg": 2000.0, "carbon_budget_period": "month"}),
    ("weekly carbon budget is 900 kg CO2e, don't exceed it",
     {"carbon_budget_kg": 900.0, "carbon_budget_period": "week"}),
    ("Keep emissions under 40 kg CO2e per day; please do not go over this budget.",
     {"carbon_budget_kg": 40.0, "carbon_budget_period": "day"}),
    ("The Ministry sets its internal carbon price at 90 USD per tonne.", {"carbon_price_usd_per_t": 90.0}),
    ("The Foundation's internal carbon price is $55 per tonne of CO2e.", {"carbon_price_usd_per_t": 55.0}),
    ("Teams are charged an internal carbon price of USD 40 per tonne of CO2e emitted.",
     {"carbon_price_usd_per_t": 40.0}),
    ("All projects are billed a carbon price of $70 per tonne.", {"carbon_price_usd_per_t": 70.0}),
    ("Internal carbon price for cost allocation: $0.05 per kg CO2e.", {"carbon_price_usd_per_t": 50.0}),
    ("Internal carbon price for chargeback purposes: USD 120 per tonne.", {"carbon_price_usd_per_t": 120.0}),
    ("Internal carbon price for investment appraisal: $80 per tonne.", {"carbon_price_usd_per_t": 80.0}),
    ("The internal carbon price for reporting is USD 30 per tonne.", {"carbon_price_usd_per_t": 30.0}),
    ("The City's compute fleet shall not draw more than 1.2 MW.", {"max_power_kw": 1200.0}),
    ("Total draw of the on-premises environment must stay under 500 kW.", {"max_power_kw": 500.0}),
    ("The Society's compute estate may draw no more than 220 kW.", {"max_power_kw": 220.0}),
    ("Total draw across the hosting landscape must not exceed 3 MW.", {"max_power_kw": 3000.0}),
    ("The Authority's total emissions shall not exceed 5 t CO2e per week.",
     {"carbon_budget_kg": 5000.0, "carbon_budget_period": "week"}),
    ("Don't let the cluster go above 600 kW.", {"max_power_kw": 600.0}),
    ("Never allow the fleet to exceed 2 MW.", {"max_power_kw": 2000.0}),
    ("Stay under 700 kW of total draw.", {"max_power_kw": 700.0}),
    ("The whole estate's electrical load must remain below 3 MW.", {"max_power_kw": 3000.0}),
    ("Our data centres together may not use more than 5 MW.", {"max_power_kw": 5000.0}),
    ("The cluster is to be kept below 900 kW.", {"max_power_kw": 900.0}),
    ("The cluster must not draw more than 900 kW (0.9 MW).", {"max_power_kw": 900.0}),
    ("Emissions must stay below 1.2 t CO2e (1,200 kg) per week.",
     {"carbon_budget_kg": 1200.0, "carbon_budget_period": "week"}),
])
def test_round_two_read(text: str, expected: dict[str, Any]) -> None:
    assert {i.field: i.value for i in interpret_sentence(normalise(text)).items} == expected


@pytest.mark.parametrize("text", [
    "Total draw of the fleet, GPUs excluded, must stay below 600 kW.",
    "GPU power must stay below 600 kW.",
    "Total draw of the GPUs must stay below 600 kW.",
    "The hosted environment draws 2.5 MW.",  # a description
    "The power cap was 650 kW.",
    "The power cap is now 650 kW during the summer.",
    "Total system power draw shall not exceed 4.2 MW during peak hours.",
    "The City's staging cluster must stay under 400 kW.",
    "The ml team's hosted environment must stay under 400 kW.",
    "weekly carbon budget is 900 kg CO2e, don't count the GPUs",
    "Keep emissions under 40 kg CO2e per day; please do not go over this budget unless finance agrees.",
    "The Foundation proposes an internal carbon price of 75 USD per tonne.",
    "The Ministry sets its internal carbon price at 90 EUR per tonne.",
    "The ml team is charged an internal carbon price of USD 40 per tonne.",
    "Teams are charged $50 per tonne of CO2e if they exceed the budget.",
    "Teams are charged $50 per tonne of CO2e above their quota.",
    "Internal carbon price for ml accounting: $0.20 per kg CO2e.",
    "Internal carbon price for cost allocation: €0.05 per kg CO2e.",
    "Internal carbon price for cost allocation should be $0.05 per kg CO2e.",
    "The internal carbon price for reporting was USD 30 per tonne.",
    "The Society's compute estate may draw at least 220 kW.",
    "The Authority's total emissions shall not exceed 5 t CO2e per week per region.",
    "The Council's eu-west-1 fleet must stay under 300 kW.",
    "The on-premises environment typically stays under 500 kW.",
    "Total draw across the platform must not exceed 3 MW.",  # 'platform' is a team
    "Total draw across the platform team's nodes must not exceed 3 MW.",
    "Don't let the staging cluster go above 600 kW.",
    "The staging estate's electrical load must remain below 3 MW.",
    "The whole estate's electrical load stays below 3 MW.",  # a description
    "Power cap to be set at 900 kW.",  # a plan
    "The cluster must not draw more than 900 kW (1 MW).",  # two amounts
    "Emissions must stay below 1.2 t CO2e (1,000 kg) per week.",
    "The cluster must not draw more than 900 kW (peak 1 MW).",
    "The power cap will be raised to 900 kW.",
    "The carbon price will be reviewed to be $90 per tonne.",
])
def test_round_two_refused(text: str) -> None:
    report = parse_policy_text(text, "t")
    assert not report.clauses, report.clauses


# -- round 3: every word outside the meaning-changer classes is neutral ---------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Operationally, the fleet may not draw more than 450 kW.", {"max_power_kw": 450.0}),
    ("Friendly reminder that our cluster must stay under 600 kW.", {"max_power_kw": 600.0}),
    ("Power draw must be kept under 700 kW so the breakers hold.", {"max_power_kw": 700.0}),
    ("The whole shebang must stay under 1 MW of power draw.", {"max_power_kw": 1000.0}),
    ("Power draw for the fleet is hard-capped at 1 MW, per the utility agreement.", {"max_power_kw": 1000.0}),
    ("The estate's power consumption shall in no event exceed 2 MW.", {"max_power_kw": 2000.0}),
    ("Fleet power must stay under 1 MW, no matter what.", {"max_power_kw": 1000.0}),
    ("Power consumption is not to exceed 1.5 MW, per the lease.", {"max_power_kw": 1500.0}),
    ("Power draw is capped at 1 MW across the board.", {"max_power_kw": 1000.0}),
    ("Carbon emissions must be kept below 2 t CO2e per month, as agreed with the board.",
     {"carbon_budget_kg": 2000.0, "carbon_budget_period": "month"}),
    ("Weekly emissions are hard-capped at 2 t CO2e, org-wide.",
     {"carbon_budget_kg": 2000.0, "carbon_budget_period": "week"}),
    ("We charge ourselves $85 per tonne of CO2e, internally.", {"carbon_price_usd_per_t": 85.0}),
    ("Use $70/tCO2e as the internal carbon price, as agreed by the steering group.",
     {"carbon_price_usd_per_t": 70.0}),
    ("Our power budget is 900 kW, hard stop.", {"max_power_kw": 900.0}),
])
def test_round_three_neutral_words_read(text: str, expected: dict[str, Any]) -> None:
    assert {i.field: i.value for i in interpret_sentence(normalise(text)).items} == expected


@pytest.mark.parametrize("text", [
    "ml jobs run in FR only during the pilot under 300 kW",
    "the staging fleet must not exceed 300 kW",
    "Orion must never draw more than 300 kW.",  # a name: a cluster
    "Any cluster must not exceed 300 kW.",  # each part, not the fleet
    "Each site must stay below 300 kW.",
    "The fleet must not exceed 300 kW from next month.",
    "The fleet had to stay under 300 kW.",
    "The fleet is expected to stay under 300 kW.",
    "The fleet must not exceed 300 kW on weekdays.",
    "Storage power must not exceed 300 kW.",
    "Net emissions must stay below 40 kg CO2e per day.",
    "Embodied emissions must stay below 40 kg CO2e per day.",
    "Raise the power cap to 300 kW.",
    "The fleet must not exceed 300 kW in the new building.",
    "Keep power under 300 kW while the chiller is down.",
    "The fleet must stay under 900 kW until the new transformer is installed.",
    "The fleet must stay under 900 kW, pending the upgrade.",
    "The lab's draw may not exceed 300 kW for the duration of the trial.",
    "Carbon is priced at $50/t for now.",
    "The internal carbon price is $40/t, subject to annual review.",
    "The market price of carbon is $90 per tonne.",
    "The cluster is being capped at 450 kW.",
    "Power draw should ideally stay under 800 kW.",
    "Our power budget is 900 kW per rack.",
    "Our power budget is 900 kW this quarter.",
    "The staging power budget is 900 kW.",
    "The fleet must not exceed 900 kW as long as the grid is constrained.",
    "The fleet must not exceed 900 kW barring emergencies.",
    "The fleet's idle draw must not exceed 900 kW.",
    "The fleet must not exceed 900 kW on the A feed.",
    "Emissions must stay below 40 kg CO2e per day from electricity.",
    "Emissions must stay below 40 kg CO2e per day per employee.",
    "The carbon price rises to $90 per tonne.",
    "The carbon price may reach $90 per tonne.",
    "The carbon price is capped at $90 per tonne.",
    "The carbon price for flights is $90 per tonne.",
    "Carbon removal is priced at $90 per tonne.",
    "The fleet must stay under 900 kW, in principle.",
    "The fleet must stay under 900 kW, as a rule.",
    "The fleet must stay under 900 kW in most cases.",
])
def test_round_three_changers_refused(text: str) -> None:
    report = parse_policy_text(text, "t")
    assert not report.clauses, report.clauses
