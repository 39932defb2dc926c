"""Residency read by its parts (``copilot.policy.residency_slots``): who, restriction and where, in any
order and register, for one team, several teams, every other team or the whole fleet; and the sentences
it must refuse because a part is missing, ambiguous or changes the meaning.

Every sentence here was written for this test (none is copied from bench/policy_eval). Expected values
are written out by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text
from copilot.policy.residency_slots import residency_by_slots

TEAMS = ("ml", "data", "web", "platform", "research")
EU = ["eu-west-1", "eu-north-1", "SE", "DE", "FR"]
EUROPE = ["eu-west-1", "eu-north-1", "SE", "DE", "GB", "FR"]
US = ["us-east-1", "us-west-2", "CISO", "PJM", "ERCO", "ISNE"]
SWEDEN = ["eu-north-1", "SE"]


def _read(text: str) -> dict[str, Any] | None:
    """What the reader makes of ``text``: {"default": regions} or {team: regions}, None if refused."""
    reading = residency_by_slots(text, TEAMS)
    if reading is None:
        return None
    out: dict[str, Any] = {}
    for item in reading.items:
        if item.field == "default_allowed_regions":
            out["default"] = item.value
        else:
            assert item.field == "allowed_regions_by_team"
            out[item.key] = item.value
    return out


READ: list[tuple[str, dict[str, Any]]] = [
    # one team, its name marked, in any case
    ("Workloads launched by the Platform group are pinned to Oregon.", {"platform": ["us-west-2"]}),
    ("The ML squad's pipelines have to stay within the United Kingdom.", {"ml": ["GB"]}),
    ("Team research shall keep its computations inside Sweden and nowhere else.", {"research": SWEDEN}),
    ("The data team is obliged to confine its processing to Frankfurt.", {"data": ["DE"]}),
    # a bare team name in a team position
    ("Web builds may be deployed solely to us-east-1.", {"web": ["us-east-1"]}),
    ("Research must remain in eu-north-1 at all times.", {"research": ["eu-north-1"]}),
    ("Platform and ML services are locked to ap-south-1.", {"platform": ["ap-south-1"], "ml": ["ap-south-1"]}),
    ("Data, Web and Research tasks are to run only in Ireland or Germany.",
     {"data": ["eu-west-1", "DE"], "web": ["eu-west-1", "DE"], "research": ["eu-west-1", "DE"]}),
    ("The data team and the web team may only operate in Texas.", {"data": ["ERCO"], "web": ["ERCO"]}),
    # the regions first
    ("California and Oregon only, for the web team.", {"web": ["CISO", "us-west-2"]}),
    ("New England (ISNE) is the sole permitted location for platform team workloads.", {"platform": ["ISNE"]}),
    ("eu-west-1 and FR are the only regions the research group may use.", {"research": ["eu-west-1", "FR"]}),
    # a negation that restricts
    ("ML jobs must not be scheduled outside Mumbai.", {"ml": ["ap-south-1"]}),
    ("The research team's jobs shall never leave the European Union.", {"research": EU}),
    ("Jobs of the data team shall not be run anywhere other than in Dublin.", {"data": ["eu-west-1"]}),
    ("Platform workloads may be hosted in Stockholm and in no other country.", {"platform": ["eu-north-1"]}),
    ("Web team compute can go to us-east-1 or us-west-2 - nothing else.", {"web": ["us-east-1", "us-west-2"]}),
    # codes explaining a place, roles of regions
    ("The ML team must run in the EU (eu-west-1, eu-north-1) only.", {"ml": ["eu-west-1", "eu-north-1"]}),
    ("Team data: eu-west-1 (primary), eu-north-1 (standby); no other regions are permitted.",
     {"data": ["eu-west-1", "eu-north-1"]}),
    # allow-list labels
    ("Permitted regions, research: eu-north-1 / SE.", {"research": SWEDEN}),
    ("Region pins: web -> us-east-1; ml -> us-west-2, CISO.", {"web": ["us-east-1"], "ml": ["us-west-2", "CISO"]}),
    # lead-ins that do not change the rule
    ("Section 9.4 - Platform jobs must only be executed in GB.", {"platform": ["GB"]}),
    ("In accordance with the group's cloud standard, web jobs are limited to the US.", {"web": US}),
    ("To stay within contractual obligations, research builds must run in Sweden only.", {"research": SWEDEN}),
    ("The web team runs the storefront, and its jobs must remain in us-east-1.", {"web": ["us-east-1"]}),
    # every other team
    ("Teams not named in this document are confined to Germany.", {"default": ["DE"]}),
    ("Any team with no dedicated residency rule must run in eu-west-1 or eu-north-1.",
     {"default": ["eu-west-1", "eu-north-1"]}),
    ("Every team that does not have an override of its own is restricted to the US.", {"default": US}),
    ("With the exception of the overrides listed for Web and Data, workloads are to remain in Europe.",
     {"default": EUROPE}),
    ("Unless otherwise stated for a given team, compute must stay in us-east-1.", {"default": ["us-east-1"]}),
    ("Unlisted teams: Ireland only.", {"default": ["eu-west-1"]}),
    # the whole fleet
    ("Every compute workload, irrespective of the owning team, must be processed in Sweden.", {"default": SWEDEN}),
    ("No job in the fleet may run outside the EU.", {"default": EU}),
    ("Organisation-wide, workloads are pinned to us-west-2 and CISO.", {"default": ["us-west-2", "CISO"]}),
    ("We shall not host any client workload outside Europe.", {"default": EUROPE}),
]


@pytest.mark.parametrize("text, expected", READ)
def test_read_by_parts(text: str, expected: dict[str, Any]) -> None:
    assert _read(text) == expected


REFUSED: list[str] = [
    # soft, conditional, planned, past, habitual
    "The ML team would ideally stay in us-west-2.",
    "Research jobs should be kept in Sweden only.",
    "When GPUs are scarce, ML jobs must run only in us-east-1.",
    "Web jobs are restricted to the US unless the CTO signs off.",
    "We plan to confine the data team to Germany.",
    "Research jobs were pinned to Sweden last year.",
    "The platform team usually runs only in us-east-1.",
    "For now, research jobs must stay in Sweden.",
    # additions to a list stated elsewhere
    "The web team may additionally run in us-west-2 only.",
    # permissions and exclusions are not allow-lists
    "The research team is permitted to use eu-north-1.",
    "Data team jobs can be placed in Ireland.",
    "The ML team must never use ap-south-1.",
    "Web jobs may run anywhere except Texas.",
    "Platform jobs can run outside the EU.",
    "No research job may be placed in the US.",
    # the region is restricted, not the team
    "eu-north-1 is dedicated to the research team.",
    "Only the web team may run in us-east-1.",
    "us-west-2 is reserved exclusively for ML workloads.",
    "Ireland: data team only.",
    # a team name used as an ordinary word, or no one named
    "Web traffic must only be served in the US.",
    "Research findings must stay in Sweden.",
    "Customer records must not leave Germany.",
    # a narrower scope, a number, two rules, two lists
    "GPU jobs of the ML team must run only in us-west-2.",
    "The ML team may use at most 2 regions, us-west-2 and us-east-1.",
    "ML jobs must stay in Oregon and web jobs in Virginia.",
    "The ML team must stay in us-west-2, the data team in Ireland.",
    "ML jobs from Ireland must stay in the EU.",
    "Research and web jobs are limited to Sweden and the US respectively.",
    # both a team and every other team; a question
    "The ML team and all remaining teams are limited to the US.",
    "Must the ML team really stay in us-west-2",
    # a lead-in that may change the rule
    "Under the draft policy, ML jobs must run only in us-west-2.",
    "To the extent possible, web jobs are restricted to the US.",
    "Apart from ML, all teams must stay in the EU.",
]


@pytest.mark.parametrize("text", REFUSED)
def test_refused(text: str) -> None:
    assert _read(text) is None


def test_the_parser_reports_the_reading() -> None:
    report = parse_policy_text("Platform workloads may be hosted in Stockholm and in no other country.", "p")
    assert report.policy.allowed_regions_by_team == {"platform": ["eu-north-1"]}
    assert any("read by its parts" in w for w in report.warnings)
    fleet = parse_policy_text("No job in the fleet may run outside the EU.", "p")
    assert fleet.policy.default_allowed_regions == EU


def test_a_strict_phrasing_with_a_mixed_list_falls_back_to_the_parts() -> None:
    report = parse_policy_text("The web team's allow-list is us-east-1, Oregon and the UK.", "p")
    assert report.policy.allowed_regions_by_team == {"web": ["us-east-1", "us-west-2", "GB"]}


@pytest.mark.parametrize("text", [
    "The web team should run only in us-east-1.",  # a wish, also in the whole-sentence phrasings
    "Data must not leave the EU.",  # all data, not the data team
    "Research data must remain in Sweden.",  # the research team's data? research data in general?
    "ML jobs must never run outside of eu-west-1 or in us-east-1.",  # which regions are left?
])
def test_the_whole_sentence_phrasings_refuse_too(text: str) -> None:
    report = parse_policy_text(text, "p")
    assert not report.clauses and report.unrecognised
