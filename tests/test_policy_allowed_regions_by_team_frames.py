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
    # two teams sharing one predicate said once (the second clause borrows it)
    ("ML jobs must stay in Oregon and web jobs in Virginia.", {"ml": ["us-west-2"], "web": ["us-east-1"]}),
    ("The ML team must stay in us-west-2, the data team in Ireland.", {"ml": ["us-west-2"], "data": ["eu-west-1"]}),
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


# -- round 2: classes of wording, read through the whole parser ---------------------------------------
def _policy(text: str) -> dict[str, Any] | None:
    """What the whole parser makes of ``text``: {"default": regions} and/or {team: regions}; None if the
    sentence is reported as not understood."""
    report = parse_policy_text(text, "p")
    if not report.clauses:
        return None
    out: dict[str, Any] = dict(report.policy.allowed_regions_by_team or {})
    if report.policy.default_allowed_regions is not None:
        out["default"] = report.policy.default_allowed_regions
    return out


ROUND_TWO_READ: list[tuple[str, dict[str, Any]]] = [
    # references before the rule: numbered ("Schedule 3, para 2:"), documents ("Per Guideline G-12,")
    ("Per Guideline G-12, ML jobs must be processed exclusively in Oregon.", {"ml": ["us-west-2"]}),
    ("Per Policy P-4 (Residency), Research jobs must stay in Sweden.", {"research": SWEDEN}),
    ("Schedule 3, para 2: Web team - us-east-1 / us-west-2.", {"web": ["us-east-1", "us-west-2"]}),
    ("Section 4(b), bullet 2: Platform team jobs are confined to the ISNE and PJM grid regions.",
     {"platform": ["ISNE", "PJM"]}),
    # the whole fleet, by the units it is cut into or by the organisation's name
    ("All HPC jobs, irrespective of department or project, must execute in eu-west-1.", {"default": ["eu-west-1"]}),
    ("All workloads of the University, regardless of lab, must stay in the UK.", {"default": ["GB"]}),
    ("All work carried out under this Agreement shall take place only in Germany.", {"default": ["DE"]}),
    ("Clause 9.1 - all compute performed under this Contract must remain within Europe.", {"default": EUROPE}),
    ("Save as expressly set out for a named team, all Services must be performed only in Ireland.",
     {"default": ["eu-west-1"]}),
    ("all teams, all jobs: us-east-1 or us-west-2", {"default": ["us-east-1", "us-west-2"]}),
    # every other team, in the words of a list, a table or a chat
    ("Anyone not on the list above is restricted to us-west-2.", {"default": ["us-west-2"]}),
    ("The rest of the teams must run in eu-north-1 only.", {"default": ["eu-north-1"]}),
    ("All others: us-east-1 only.", {"default": ["us-east-1"]}),
    ("for everyone not in the table it's eu-west-1 only", {"default": ["eu-west-1"]}),
    ("Everybody else (that is, teams with no override) is confined to DE.", {"default": ["DE"]}),
    ("Teams which are not named in this Schedule shall use exclusively DE.", {"default": ["DE"]}),
    ("Teams without a dedicated quota may run in any of eu-west-1 or GB only.", {"default": ["eu-west-1", "GB"]}),
    # team markers: lab, allocation; the list repeated for emphasis; a restricting "no ... outside"
    ("Jobs run by the Research lab must not be processed anywhere other than in Sweden.", {"research": SWEDEN}),
    ("Research jobs go to Sweden and only Sweden.", {"research": SWEDEN}),
    ("web jobs: us-east-1 and ONLY us-east-1", {"web": ["us-east-1"]}),
    ("No processing by the Research team shall take place outside the EU.", {"research": EU}),
    ("Workloads belonging to the Web team shall be executed solely in the US.", {"web": US}),
    ("The ML team is permitted to use the following regions only: us-east-1, eu-west-1.",
     {"ml": ["us-east-1", "eu-west-1"]}),
    ("ML workloads: permitted in us-east-1 and eu-west-1 only.", {"ml": ["us-east-1", "eu-west-1"]}),
    # region lists: what the regions are called, several places each explained, a described power source
    ("Platform team jobs shall run on the ERCO and PJM power grids only.", {"platform": ["ERCO", "PJM"]}),
    ("Data team workloads shall be hosted in France (FR) and Germany (DE) only.", {"data": ["FR", "DE"]}),
    ("ML jobs must run in Mumbai (ap-south-1) or Oregon (us-west-2) only.", {"ml": ["ap-south-1", "us-west-2"]}),
    ("ML training shall run on renewable power only, i.e. in eu-north-1 and SE.", {"ml": ["eu-north-1", "SE"]}),
    ("No processing by the Web team takes place outside California (grid zone CISO).", {"web": ["CISO"]}),
    # two teams sharing one predicate
    ("Jobs under the ML allocation will be placed nowhere other than us-east-1, and Web jobs nowhere other than "
     "CISO.", {"ml": ["us-east-1"], "web": ["CISO"]}),
]


@pytest.mark.parametrize("text, expected", ROUND_TWO_READ)
def test_round_two_read(text: str, expected: dict[str, Any]) -> None:
    assert _policy(text) == expected


ROUND_TWO_REFUSED: list[str] = [
    # "may not ... other than" (may not can be might not), an exclusion, a permission
    "Research group workloads might not run anywhere other than Germany.",
    "Research group workloads may not run in Germany.",
    "All HPC jobs, regardless of department, may run in eu-west-1.",
    "No processing by the Data team takes place in Great Britain.",
    "Teams without a dedicated quota may run in any of eu-west-1 or GB.",
    # a parenthesis restating "everyone else" that names a team, a region or an exception
    "Everyone else (except ML) is restricted to DE.",
    "Everyone else (i.e. teams in eu-west-1) is restricted to DE.",
    "Everyone else (i.e. the web team) is restricted to DE.",
    # additions, two different lists, conditions, the past, plans, wishes
    "Research jobs go to Sweden and also Germany.",
    "Research jobs go in eu-west-1 and ONLY eu-north-1.",
    "All cluster jobs, regardless of lab, must execute in eu-north-1 when the grid is clean.",
    "Teams without a dedicated allocation used to run in DE only.",
    "for everybody not on that list it's us-east-1 only during the migration",
    "Anyone not on the list above is currently restricted to us-west-2.",
    "The rest of the teams may also run in eu-north-1.",
    "Web team jobs are pinned to us-west-2 unless Legal approves otherwise.",
    "We plan to limit the data team to eu-west-1.",
    "Save as expressly provided for a named team, all Services should be performed within Europe.",
    # references that change the rule; scopes; examples instead of a list
    "Per the draft Control IR-7, Data team jobs must stay in eu-west-1.",
    "Workloads performed under the pilot contract must stay in the EU.",
    "All compute workloads performed under this Contract shall run only in the United States, except burst jobs.",
    "All GPU jobs, regardless of team, must run in eu-west-1.",
    "ML training shall run on hydro power, e.g. in eu-north-1.",
    "ML training shall run on Nordic hydro power where possible, i.e. in eu-north-1.",
    # a place explained by codes that are not in it; a second clause with its own predicate
    "Platform team workloads shall be executed in Great Britain (eu-west-1) and Ireland (GB) only.",
    "ML jobs must stay in eu-west-1, and Web jobs may burst to the US.",
    "ML jobs must stay in eu-west-1, and Web jobs in the US during the migration.",
    # a question
    "Is the ML team restricted to us-east-1?",
]


@pytest.mark.parametrize("text", ROUND_TWO_REFUSED)
def test_round_two_refused(text: str) -> None:
    assert _policy(text) is None


# Round 3: any word outside the rule's vocabulary is neutral unless it belongs to a meaning-changer class.
ROUND_THREE_READ: list[tuple[str, dict[str, Any]]] = [
    ("Research workloads are firmly restricted to Sweden.", {"research": SWEDEN}),
    ("Research workloads have to stay put in Sweden only.", {"research": SWEDEN}),
    ("Research workloads are restricted to Sweden, whatever their size.", {"research": SWEDEN}),
    ("ML team workloads are confined to eu-north-1, fyi.", {"ml": ["eu-north-1"]}),
    ("Research workloads are restricted to Sweden, full stop.", {"research": SWEDEN}),
    ("Research workloads are restricted to Sweden, no exceptions.", {"research": SWEDEN}),
    ("Please note that ML jobs must stay in eu-west-1.", {"ml": ["eu-west-1"]}),
    ("Reminder: the Research team's jobs are pinned to DE.", {"research": ["DE"]}),
    ("FYI - Web builds run exclusively in us-east-1.", {"web": ["us-east-1"]}),
    ("All jobs must stay in the EU, whatever their size.", {"default": EU}),
    ("All workloads are to run exclusively in eu-west-1, to keep latency down.", {"default": ["eu-west-1"]}),
    # attention lead-ins, emphasis, trailing reasons, more restriction verbs
    ("Hard rule: ML jobs must stay in eu-west-1.", {"ml": ["eu-west-1"]}),
    ("For the avoidance of doubt, ML jobs stay in eu-west-1 only.", {"ml": ["eu-west-1"]}),
    ("Effective immediately, ML jobs must stay in eu-west-1.", {"ml": ["eu-west-1"]}),
    ("ML jobs stay in eu-west-1 only - no ifs, no buts.", {"ml": ["eu-west-1"]}),
    ("ML jobs are strictly ring-fenced to eu-west-1.", {"ml": ["eu-west-1"]}),
    ("ML jobs must be contained within eu-west-1.", {"ml": ["eu-west-1"]}),
    ("All our compute must sit in eu-west-1.", {"default": ["eu-west-1"]}),
    ("ML jobs must stay in eu-west-1 for legal reasons.", {"ml": ["eu-west-1"]}),
    ("ML jobs must stay in eu-west-1 because of GDPR.", {"ml": ["eu-west-1"]}),
    ("ML jobs must stay in eu-west-1, per the DPA.", {"ml": ["eu-west-1"]}),
]


@pytest.mark.parametrize("text, expected", ROUND_THREE_READ)
def test_round_three_neutral_words_are_read(text: str, expected: dict[str, Any]) -> None:
    assert _read(text) == expected


ROUND_THREE_REFUSED = [
    # time, conditions and phases in words the reader has never seen
    "ml jobs run in FR only during the pilot",
    "ML jobs are pinned to eu-west-1 as an interim measure.",
    "ML jobs are restricted to eu-west-1 overnight.",
    "ML workloads are to run exclusively in eu-west-1 ahead of the audit.",
    "ML workloads are to run exclusively in eu-west-1 for the foreseeable future.",
    "ML jobs must stay in eu-west-1 barring an emergency.",
    # wishes, proposals and descriptions of today or the past
    "ML jobs are supposed to stay in eu-west-1.",
    "Lets restrict ML jobs to eu-west-1.",
    "ML workloads run exclusively in eu-west-1 in practice.",
    "ML workloads have always been pinned to eu-west-1.",
    # scopes and qualifiers of the work; a name that narrows it
    "ML jobs on spot capacity are restricted to eu-west-1.",
    "Nightly ML jobs must stay in eu-west-1.",
    "All jobs run by students must stay in the EU.",
    "All jobs on Orion must stay in eu-west-1.",
    "Bob's ML jobs must stay in eu-west-1.",
    "ML jobs touching customer PII must stay in eu-west-1.",
    # alternatives, additions and exceptions
    "ML jobs must stay in eu-west-1 or nearby.",
    "ML workloads are to run exclusively in eu-west-1 and its neighbours.",
    "All jobs must stay in the EU, ML notwithstanding.",
    "Research workloads are restricted to Sweden, no exceptions except benchmarks.",
    "Please note that ML jobs must stay in eu-west-1 during the audit.",
    # a trailing "reason" that names a scope, a person, a contract or a time
    "All jobs must stay in eu-west-1 for training purposes.",
    "ML jobs must stay in eu-west-1 per Bob.",
    "ML jobs must stay in eu-west-1 under the Orion contract.",
    "ML jobs must stay in eu-west-1 for compliance during the audit.",
    "Going forward, ML jobs should stay in eu-west-1.",
    "Anyone not on the list above is limited to DE, give or take.",
    "Everyone else is pinned to DE (to be confirmed).",
    # the region's side, capability, other activities than placement, hedges and soft rules
    "eu-west-1 is ML's turf only.",
    "ML jobs must be able to run in eu-west-1 only.",
    "ML jobs must be backed up to eu-west-1 only.",
    "ML jobs must be tested in eu-west-1 only.",
    "ML jobs must be billed to eu-west-1 only.",
    "ML jobs must first run in eu-west-1 only.",
    "ML jobs must run in eu-west-1 only, in a perfect world.",
    "ML jobs must run in eu-west-1 only, budget allowing.",
    "All other teams run exclusively in DE, pretty much.",
    "All other teams run exclusively in DE, unofficially.",
    "All other teams run exclusively in DE, as a guideline.",
    "All jobs (minus ML) are to stay in the EU.",
    "All jobs (sans ML) are to stay in the EU.",
    "All jobs are to stay in the EU, within sensible bounds.",
]


@pytest.mark.parametrize("text", ROUND_THREE_REFUSED)
def test_round_three_changers_refuse(text: str) -> None:
    assert _read(text) is None
    assert _policy(text) is None
