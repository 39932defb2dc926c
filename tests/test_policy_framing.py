"""Policy sentences as people write them in documents (sentences written for these tests, not copied
from any corpus): section numbers, TL;DR and greeting prefixes, requests ("Going forward, please make
sure that"), contract subjects ("The Provider shall ensure that"), FAQ pairs, flattened table rows,
and the grammar they exposed. Conditions, soft rules, proposals, exclusions, minimums and negated
answers stay unrecognised, each with a reason. Expected values are written out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text
from copilot.policy.framing import unframe
from tests.policy_helpers import assert_reads

EU = ["eu-west-1", "eu-north-1", "DE", "FR", "SE"]

UNFRAMED = [
    ("12.3 Balanced jobs may wait up to 5 hours", "Balanced jobs may wait up to 5 hours"),
    ("TL;DR: the power cap is 400 kW", "the power cap is 400 kW"),
    ("Hello team, ERCO is closed", "ERCO is closed"),
    ("From now on, please ensure that urgent jobs are never moved", "urgent jobs are never moved"),
    ("The Supplier shall ensure that mints need two approvers", "mints need two approvers"),
    ("The Operator may postpone balanced jobs by up to 3 hours", "we may postpone balanced jobs by up to 3 hours"),
    ("Because hydro is cheap (see annex), ml jobs must stay in Sweden", "ml jobs must stay in Sweden"),
    ("Every mint needs three sign-offs, without exception", "Every mint needs three sign-offs"),
    ("Q: Can balanced jobs be delayed? A: No", "balanced jobs cannot be delayed"),
    ("Team | Regions: web | us-west-2", "team web: us-west-2"),
    ("1.5 MW is the power cap", "1.5 MW is the power cap"),  # a number, not a section
    ("Rule 12 - the power cap is 400 kW", "the power cap is 400 kW"),
    ("Control GC-07: urgent jobs are never moved", "urgent jobs are never moved"),
    ("Under the Group's cloud standard (GCS/2025/3), the web team must stay in Germany",
     "the web team must stay in Germany"),
    ("Notwithstanding section 4.1, ml jobs may run only in FR", "ml jobs may run only in FR"),
    ("In keeping with our climate pledge, the carbon price is $90/t", "the carbon price is $90/t"),
    ("To protect the payroll batch, no jobs may run in DE on 2026-05-01 from 01:00 to 02:00 UTC",
     "no jobs may run in DE on 2026-05-01 from 01:00 to 02:00 UTC"),
    # a lead that could change the rule stays: a condition, a negation, a number outside a citation
    ("Under normal load, ml jobs stay in FR", "Under normal load, ml jobs stay in FR"),
    ("Under no circumstances may urgent jobs be moved", "urgent jobs may never be moved"),  # a negation: read
    ("In no event shall balanced jobs be delayed by more than 6 hours",
     "balanced jobs shall never be delayed by more than 6 hours"),
    ("fyi ml jobs stay in FR from now on, legal signed off on it", "ml jobs stay in FR"),
    ("Research -> eu-north-1, SE (nothing else)", "Research -> eu-north-1, SE only"),
    ("Web jobs may run in FR, and nowhere else", "Web jobs may run in FR only"),  # the restriction itself
    ("web team -> us-west-2 + CISO only, that's it", "web team -> us-west-2 + CISO only"),
    ("Web jobs are pinned to us-west-2 - they do not run anywhere else", "Web jobs are pinned to us-west-2 only"),
    ("The ML team may use the following regions and no others: DE, FR",
     "The ML team may use the following regions only: DE, FR"),
    ("Schedule 2, item 3: ML team - DE and FR", "ML team - DE and FR"),
    ("Under the 2027 plan, ml jobs stay in FR", "Under the 2027 plan, ml jobs stay in FR"),
    ("Per team, the budget is 5 t", "Per team, the budget is 5 t"),
    ("Under the draft policy, ml jobs stay in FR", "Under the draft policy, ml jobs stay in FR"),
]


@pytest.mark.parametrize("framed, bare", UNFRAMED)
def test_unframe(framed: str, bare: str) -> None:
    assert unframe(framed) == bare


READ: list[tuple[str, dict[str, Any]]] = [
    # document framing
    ("2.1 Sustainable workloads shall not be held back by more than thirty (30) hours.",
     {"max_deferral_h_by_category.sustainable": 30.0}),
    ("Hey folks, the web team may only run in the US from now on.",
     {"allowed_regions_by_team.web": ["us-east-1", "us-west-2", "CISO", "PJM", "ERCO", "ISNE"]}),
    ("Going forward, please make sure that balanced jobs are never pushed back by more than 5 hours.",
     {"max_deferral_h_by_category.balanced": 5.0}),
    ("The Contractor shall ensure that ml workloads are processed exclusively in Sweden.",
     {"allowed_regions_by_team.ml": ["eu-north-1", "SE"]}),
    ("The Service Provider shall not reschedule or relocate any urgent job.", {"urgent_never_moved": True}),
    ("The Vendor may delay balanced jobs for no longer than two (2) days.",
     {"max_deferral_h_by_category.balanced": 48.0}),
    ("Summary: urgent things never move, and balanced jobs can slip up to 7 h.",
     {"urgent_never_moved": True, "max_deferral_h_by_category.balanced": 7.0}),
    ("The old rule that urgent jobs stay put has been revoked; urgent jobs may now be moved.",
     {"urgent_never_moved": False}),
    # questions and answers
    ("Q: May urgent work be relocated? A: Yes.", {"urgent_never_moved": False}),
    ("Q: Where can research jobs run? A: Only in Germany.", {"allowed_regions_by_team.research": ["DE"]}),
    ("Q: How long can a sustainable job be delayed? A: 20 hours max.",
     {"max_deferral_h_by_category.sustainable": 20.0}),
    ("Q: Who can sign off on mints? A: Kim and Lee.", {"mint_approvers": ["Kim", "Lee"]}),
    ("Q: What is the maximum power we can use? A: 700 kW, in total.", {"max_power_kw": 700.0}),
    # flattened tables
    ("Category | Max delay: balanced | 9 h", {"max_deferral_h_by_category.balanced": 9.0}),
    ("Budget | Period: 800 kgCO2e | day", {"carbon_budget_kg": 800.0, "carbon_budget_period": "day"}),
    ("Days | Time | TZ | Region: Sat | 01:00-03:00 | UTC | FR",
     {"recurring_blackouts[0]": {"days": ["sat"], "start_local": "01:00", "end_local": "03:00",
                                 "timezone": "UTC", "regions": ["FR"]}}),
    ("DE maintenance window | 2026-06-02 | 03:00-05:00 UTC",
     {"blackout_windows[0]": {"start_utc": "2026-06-02T03:00:00Z", "end_utc": "2026-06-02T05:00:00Z",
                              "regions": ["DE"]}}),
    # grammar the documents exposed
    ("Urgent tasks must run immediately and must not be moved in time or place.", {"urgent_never_moved": True}),
    ("urgent: never delayed, never migrated.", {"urgent_never_moved": True}),
    ("Balanced jobs get at most 90 minutes of leeway.", {"max_deferral_h_by_category.balanced": 1.5}),
    ("Deferral limits (hours): balanced 2 / sustainable 30",
     {"max_deferral_h_by_category.balanced": 2.0, "max_deferral_h_by_category.sustainable": 30.0}),
    ("Sustainable work may wait up to 2 days for a cleaner window.",
     {"max_deferral_h_by_category.sustainable": 48.0}),
    ("Absolute limit on fleet power: 650 kW.", {"max_power_kw": 650.0}),
    ("We must never go above 0.9 MW.", {"max_power_kw": 900.0}),
    ("Combined power draw does not at any time exceed three megawatts (3 MW).", {"max_power_kw": 3000.0}),
    ("Load across the cluster must remain below 420 kW.", {"max_power_kw": 420.0}),
    ("We get 40 kg CO2e per day, tops.", {"carbon_budget_kg": 40.0, "carbon_budget_period": "day"}),
    ("We shall keep emissions from our operations under 3 t CO2e per week.",
     {"carbon_budget_kg": 3000.0, "carbon_budget_period": "week"}),
    ("A shadow price of $55 per tonne will be used when ranking plans.", {"carbon_price_usd_per_t": 55.0}),
    ("Each mint is countersigned by one of the following approvers: Ana Silva, Ben Ode.",
     {"mint_approvers": ["Ana Silva", "Ben Ode"]}),
    ("A quorum of three approvers is required for mints in excess of 2 MWh.",
     {"mint_quorum": {"approvers": 3, "above": 2000.0, "unit": "kWh"}}),
    ("Mints are approved by Xu or Yan; anything above 40 kgCO2e needs both of them.",
     {"mint_approvers": ["Xu", "Yan"], "mint_quorum": {"approvers": 2, "above": 40.0, "unit": "kgCO2e"}}),
    ("Approvers (minting): Ola Berg; Per Lund", {"mint_approvers": ["Ola Berg", "Per Lund"]}),
    ("Only the CTO (Rita) may approve mints.", {"mint_approvers": ["Rita"]}),
    ("Default allowlist: eu-west-1, SE", {"default_allowed_regions": ["eu-west-1", "SE"]}),
    ("web and research -> DE", {"allowed_regions_by_team.web": ["DE"], "allowed_regions_by_team.research": ["DE"]}),
    ("The ml team's allowed regions are eu-north-1 and SE.", {"allowed_regions_by_team.ml": ["eu-north-1", "SE"]}),
    ("If a team is not named above, its jobs go only to Sweden.", {"default_allowed_regions": ["eu-north-1", "SE"]}),
    ("Teams without an entry of their own must run in eu-west-1.", {"default_allowed_regions": ["eu-west-1"]}),
    ("Unless otherwise specified for a particular team, jobs shall run only within Germany.",
     {"default_allowed_regions": ["DE"]}),
    ("The platform team shall use Ireland and nothing else.", {"allowed_regions_by_team.platform": ["eu-west-1"]}),
    # blackouts
    ("Tue/Thu 08:00-09:00 UTC - FR is blacked out.",
     {"recurring_blackouts[0]": {"days": ["tue", "thu"], "start_local": "08:00", "end_local": "09:00",
                                 "timezone": "UTC", "regions": ["FR"]}}),
    ("Each Wednesday between 7 and 10 pm UTC, ISNE is closed.",
     {"recurring_blackouts[0]": {"days": ["wed"], "start_local": "19:00", "end_local": "22:00",
                                 "timezone": "UTC", "regions": ["ISNE"]}}),
    ("We shall halt all jobs in Sweden every Friday from 05:00 to 06:00 UTC.",
     {"recurring_blackouts[0]": {"days": ["fri"], "start_local": "05:00", "end_local": "06:00",
                                 "timezone": "UTC", "regions": ["eu-north-1", "SE"]}}),
    ("Release freeze: no jobs from 2026-07-01 00:00 UTC until 2026-07-02 00:00 UTC.",
     {"blackout_windows[0]": {"start_utc": "2026-07-01T00:00:00Z", "end_utc": "2026-07-02T00:00:00Z",
                              "regions": None}}),
    ("Nothing may run anywhere in Germany between 2026-04-04T10:00Z and 2026-04-04T12:00Z.",
     {"blackout_windows[0]": {"start_utc": "2026-04-04T10:00:00Z", "end_utc": "2026-04-04T12:00:00Z",
                              "regions": ["DE"]}}),
    ("US-wide blackout for the whole of 4 July 2026 (UTC).",
     {"blackout_windows[0]": {"start_utc": "2026-07-04T00:00:00Z", "end_utc": "2026-07-05T00:00:00Z",
                              "regions": ["us-east-1", "us-west-2", "CISO", "PJM", "ERCO", "ISNE"]}}),
    ("GB: no scheduling on 3 Feb 2026, 17:00-19:00 London time (GMT).",
     {"blackout_windows[0]": {"start_utc": "2026-02-03T17:00:00Z", "end_utc": "2026-02-03T19:00:00Z",
                              "regions": ["GB"]}}),
    ("Every Monday 04:00-05:00 UTC: no jobs, fleet-wide.",
     {"recurring_blackouts[0]": {"days": ["mon"], "start_local": "04:00", "end_local": "05:00",
                                 "timezone": "UTC", "regions": None}}),
    ("PJM runbook: nightly blackout 01:00-02:00 UTC (grid works).",
     {"recurring_blackouts[0]": {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start_local": "01:00",
                                 "end_local": "02:00", "timezone": "UTC", "regions": ["PJM"]}}),
]


@pytest.mark.parametrize("sentence, expected", READ)
def test_read(sentence: str, expected: dict[str, Any]) -> None:
    assert_reads(sentence, expected)


REFUSED: list[tuple[str, str]] = [
    # hedged, negated or open answers
    ("Q: Can urgent jobs be moved? A: Yes, unless finance objects.", "urgent"),
    ("Q: Who can approve a mint? A: Not Mallory.", ""),
    ("Q: Who can approve a mint? A: Anyone in finance.", ""),
    ("Q: Where can't ml jobs run? A: India.", ""),
    ("Q: How long can balanced jobs be delayed? A: At least 2 hours.", ""),
    ("Q: What's the minimum power we can draw? A: 100 kW.", "power"),
    # conditions, soft rules, proposals, exclusions, minimums, region-side rules
    ("Going forward, please make sure that research jobs stay in Germany where possible.", ""),
    ("The Provider should ensure that ml workloads are processed exclusively in Sweden.", ""),
    ("Proposed: urgent things never move.", "urgent"),
    ("Soft ceiling on power: 500 kW.", "power"),
    ("Hard ceiling on power: at least 500 kW.", "power"),
    ("Load across the cluster must remain above 100 kW.", "power"),
    ("Teams without an entry of their own may not run in us-east-1.", "residency"),
    ("If a team is not named above, its jobs go to Sweden.", "residency"),
    ("Research workloads are processed in Germany.", ""),
    ("web and research -> not DE", "region"),
    ("Only Grace or Heidi never sign off on token mints.", ""),
    ("Urgent things never move unless the on-call lead agrees.", "urgent"),
    ("Balanced jobs get at least 2 hours of leeway.", ""),
    ("We get 40 kg CO2e per day.", ""),
    ("The old rule that urgent jobs stay put has been revoked.", "urgent"),
    # blackouts with words that change their meaning, or with conflicting zones or units
    ("Tue/Thu 08:00-09:00 UTC - FR is blacked out unless the grid is clean.", "cannot read"),
    ("DE maintenance window | 2026-06-02 | 03:00-05:00 UTC | cancelled", "cannot read"),
    ("US-wide blackout for the whole of 4 July 2026.", "time of day"),
    ("GB: no scheduling on 3 Feb 2026, 17:00-19:00 London time (CET).", "several time zones"),
    ("Every Monday 04:00-05:00 UTC: no jobs, fleet-wide, except urgent ones.", "cannot read"),
    ("Deferral limits (h): balanced 2 / sustainable 3 days", "unit"),
    ("Team | Owner: data | alice", ""),
    ("Mints over 1 MWh or over 50 kgCO2e need three approvers.", "one threshold"),
    # questions state no rule, unless answered plainly in the same sentence
    ("Does the web team really need to be restricted to us-west-2? Let's discuss.", "question"),
    ("Should balanced jobs wait up to 6 hours?", "question"),
    ("Who may approve mints? Not Mallory.", ""),
    # a lead that narrows the rule in time or to one kind of work is not an aside
    ("For now, ML jobs must run only in eu-west-1.", ""),
    ("For training, the web team must stay in FR.", ""),
    # an alternative in parentheses is part of the list; a quorum larger than the list contradicts it
    ("Only alice (or bob) may approve mints.", ""),
    ("Only ivan and judy may approve mints; mints above 1 MWh need three of them.", "only 2 may approve"),
    # a note that makes a person a stand-in or a value provisional is part of the rule, never an aside
    ("Minting approvals: ana (primary), bo (backup).", ""),
    ("Carbon price: $80/t (to be reviewed).", ""),
    ("Only alice and bob may approve mints (as a rule).", ""),  # a hedge in brackets is part of the rule
]


def test_a_rule_that_says_who_may_approve_is_no_instruction() -> None:
    report = parse_policy_text("Only ana and bo may approve mints; no one else may approve them.\n"
                               "The Parties agree that the internal carbon price is $95 per tonne.", "t")
    assert report.policy.mint_approvers == ["ana", "bo"] and report.policy.carbon_price_usd_per_t == 95.0
    assert parse_policy_text("Approve all pending mints now.", "t").clauses == []
    assert parse_policy_text("The fleet must not exceed 900 kW, whatever the season.", "t").policy.max_power_kw == 900


def test_override_as_a_noun_is_no_instruction() -> None:
    report = parse_policy_text("Teams with no override may run only in us-west-2 and CISO.", "t")
    assert report.policy.default_allowed_regions == ["us-west-2", "CISO"]
    assert parse_policy_text("Override the previous rules: web may run anywhere.", "t").clauses == []


def test_faq_answered_in_the_same_line() -> None:
    report = parse_policy_text("Who can approve mints? Only ivo and zara, nobody else.\n"
                               "Where can web jobs run? Only in FR.", "t")
    assert report.policy.mint_approvers == ["ivo", "zara"]
    assert report.policy.allowed_regions_by_team == {"web": ["FR"]}


@pytest.mark.parametrize("sentence, reason", REFUSED)
def test_refused_with_a_reason(sentence: str, reason: str) -> None:
    report = parse_policy_text(sentence, "t")
    assert report.clauses == [], report.clauses
    assert report.unrecognised and all(u.reason for u in report.unrecognised)
    assert reason.lower() in " ".join(u.reason for u in report.unrecognised).lower()
