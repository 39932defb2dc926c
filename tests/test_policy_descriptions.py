"""Descriptions, labels, asides and date notes around a constraint (blackout windows, approvers, residency).

Sentences written for this test (not from bench/policy_eval). A refusal is worth more than a guess:
each refused sentence would otherwise become a wrong constraint.
"""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text
from copilot.policy.parser import interpret_sentence, normalise


def _read(text: str) -> dict[tuple[str, str | None], Any]:
    out: dict[tuple[str, str | None], Any] = {}
    for i in interpret_sentence(normalise(text)).items:
        value = {k: v for k, v in i.value.items() if k != "reason"} if isinstance(i.value, dict) and \
            "start_utc" in i.value else i.value
        out.setdefault((i.field, i.key), []).append(value) if i.field == "blackout_windows" else \
            out.__setitem__((i.field, i.key), value)
    return out


def _window(start: str, end: str, regions: list[str] | None) -> dict[tuple[str, None], Any]:
    return {("blackout_windows", None): [{"start_utc": start, "end_utc": end, "regions": regions}]}


@pytest.mark.parametrize("text, expected", [
    ("Fire drill: no jobs in eu-west-1 from 2026-04-02 10:00 to 2026-04-02 11:00 UTC.",
     _window("2026-04-02T10:00:00Z", "2026-04-02T11:00:00Z", ["eu-west-1"])),
    ("Dublin office move: no jobs in eu-west-1 from 2026-04-02 10:00 to 2026-04-02 11:00 UTC.",
     _window("2026-04-02T10:00:00Z", "2026-04-02T11:00:00Z", ["eu-west-1"])),
    ("The Oslo lab's region, eu-north-1, is closed to new work between 08:00 and 09:00 UTC on 4 May 2026.",
     _window("2026-05-04T08:00:00Z", "2026-05-04T09:00:00Z", ["eu-north-1"])),
    ("us-east-1 is unavailable from 9 pm to 1 am Eastern on the night of 3-4 June 2026.",
     _window("2026-06-04T01:00:00Z", "2026-06-04T05:00:00Z", ["us-east-1"])),
    ("us-east-1 is unavailable from 9 pm to 11 pm Central on Wednesday, June 3rd, 2026.",
     _window("2026-06-04T02:00:00Z", "2026-06-04T04:00:00Z", ["us-east-1"])),
    ("DE is unavailable from 09:00 to 11:00 CET on 03/02/2026 (DD/MM/YYYY).",
     _window("2026-02-03T08:00:00Z", "2026-02-03T10:00:00Z", ["DE"])),
    ("DE is unavailable from 09:00 to 11:00 CET on 03/02/2026 (MM/DD/YYYY).",
     _window("2026-03-02T08:00:00Z", "2026-03-02T10:00:00Z", ["DE"])),
    ("All regions are closed for the yearly power test from 08:00 to 10:00 UTC on 3 March 2026.",
     _window("2026-03-03T08:00:00Z", "2026-03-03T10:00:00Z", None)),
    ("On election night, 5 November 2026, us-east-1 is blacked out from 18:00 to 23:00 Eastern time.",
     _window("2026-11-05T23:00:00Z", "2026-11-06T04:00:00Z", ["us-east-1"])),
    ("The quarterly audit requires a full blackout of eu-west-1 from 08:00 to 10:00 UTC on 3 March 2026.",
     _window("2026-03-03T08:00:00Z", "2026-03-03T10:00:00Z", ["eu-west-1"])),
    ("No processing may take place in DE between 01:00 and 02:00 UTC on 15 January 2026.",
     _window("2026-01-15T01:00:00Z", "2026-01-15T02:00:00Z", ["DE"])),
    ("We're blacking out DE on May 5th, 2026 from 1 to 3 pm CET for the board demo.",
     _window("2026-05-05T12:00:00Z", "2026-05-05T14:00:00Z", ["DE"])),
    ("FR accepts no jobs from 10:00 to 11:00 UTC on 6 May 2026.",
     _window("2026-05-06T10:00:00Z", "2026-05-06T11:00:00Z", ["FR"])),
    ("During the Cyber Monday freeze, us-east-1 is closed from 00:00 to 06:00 Eastern time on 30 November 2026.",
     _window("2026-11-30T05:00:00Z", "2026-11-30T11:00:00Z", ["us-east-1"])),
    ("Three blackout windows apply to GB on 2 June 2026: 01:00-02:00, 05:00-06:00 and 09:00-09:30, all at UTC.",
     {("blackout_windows", None): [
         {"start_utc": "2026-06-02T01:00:00Z", "end_utc": "2026-06-02T02:00:00Z", "regions": ["GB"]},
         {"start_utc": "2026-06-02T05:00:00Z", "end_utc": "2026-06-02T06:00:00Z", "regions": ["GB"]},
         {"start_utc": "2026-06-02T09:00:00Z", "end_utc": "2026-06-02T09:30:00Z", "regions": ["GB"]}]}),
    # a capitalised name before a day ("Black Friday", "Cyber Monday") is a name, not every Friday
    ("Black Friday freeze: no jobs from 00:00 to 06:00 UTC on 27 November 2026.",
     {("blackout_windows", None): [
         {"start_utc": "2026-11-27T00:00:00Z", "end_utc": "2026-11-27T06:00:00Z", "regions": None}]}),
])
def test_blackout_descriptions(text: str, expected: dict[Any, Any]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize("text", [
    "Sustainable jobs only: no jobs in eu-west-1 from 2026-04-02 10:00 to 2026-04-02 11:00 UTC.",  # a qualifier
    "Dublin office move: no jobs in us-east-1 from 2026-04-02 10:00 to 2026-04-02 11:00 UTC.",  # another place
    "The ml team's region, eu-north-1, is closed to new work between 08:00 and 09:00 UTC on 4 May 2026.",  # a team
    "us-east-1 is unavailable from 1 am to 3 am Eastern on the night of 3-4 June 2026.",  # which of the two days?
    "us-east-1 is unavailable from 9 pm to 1 am Eastern on the night of 3-5 June 2026.",  # not one night
    "us-east-1 is unavailable from 9 pm to 11 pm Eastern on Monday, June 3rd, 2026.",  # 3 June 2026 is a Wednesday
    "DE is unavailable from 09:00 to 11:00 CET on 03/02/2026.",  # day or month first?
    "DE is unavailable from 09:00 to 11:00 CET on 13/02/2026 (MM/DD/YYYY).",  # no month 13
    "All regions are closed for sustainable jobs from 08:00 to 10:00 UTC on 3 March 2026.",  # one category
    "On sustainable jobs, 5 November 2026, us-east-1 is blacked out from 18:00 to 23:00 Eastern time.",
    "Black Friday: no jobs from 00:00 to 06:00 UTC.",  # a name, not every Friday
    "Two blackout windows apply to GB on 2 June 2026: 01:00-02:00, 05:00-06:00 and 09:00-09:30 UTC.",  # 2 != 3
])
def test_blackout_refused(text: str) -> None:
    report = parse_policy_text(text, "t")
    assert not report.clauses, report.clauses
    assert report.unrecognised and report.unrecognised[0].reason


@pytest.mark.parametrize("text, expected", [
    ("Balanced jobs (e.g. report builds) may be deferred by at most 3 hours.",
     {("max_deferral_h_by_category", "balanced"): 3.0}),
    ("Sustainable jobs (large renders, for example) may wait up to 8 hours.",
     {("max_deferral_h_by_category", "sustainable"): 8.0}),
    ("The site must not draw more than 450 kW, the size of its grid connection.", {("max_power_kw", None): 450.0}),
    ("Team ml may only run in eu-west-1 (Ireland).", {("allowed_regions_by_team", "ml"): ["eu-west-1"]}),
    ("For internal reporting, the carbon price is 60 USD per tonne.", {("carbon_price_usd_per_t", None): 60.0}),
    ("The data team may run in eu-west-1 and, additionally, in eu-north-1.",
     {("allowed_regions_by_team", "data"): ["eu-west-1", "eu-north-1"]}),
    ("Mint approvers are limited to the following: ana@x.example, bo@x.example.",
     {("mint_approvers", None): ["ana@x.example", "bo@x.example"]}),
    ("Approvers for mints are restricted to ana@x.example.", {("mint_approvers", None): ["ana@x.example"]}),
    ("Only the following officers may approve mints: ana, bo.", {("mint_approvers", None): ["ana", "bo"]}),
    ("Mints are approved solely by the finance lead (fin@x.example) and the COO (coo@x.example).",
     {("mint_approvers", None): ["fin@x.example", "coo@x.example"]}),
])
def test_asides_and_approver_lists(text: str, expected: dict[Any, Any]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize("text", [
    "Sustainable jobs (except renders) may wait up to 8 hours.",
    "Sustainable jobs (of the web team) may wait up to 8 hours.",
    "Sustainable jobs (temporarily) may wait up to 8 hours.",
    "Sustainable jobs (ideally) may wait up to 8 hours.",
    "The site must not draw more than 450 kW, the limit until the new feed arrives.",
    "Team ml may only run in eu-west-1 (Frankfurt).",  # another place
    "Team ml may only run in eu-west-1 (Ireland and Germany).",
    "Team ml may only run in eu-west-1 (for latency).",
    "GB: no scheduling on 3 Feb 2026, 17:00-19:00 London time (CET).",  # a zone is never an aside
    "Mint approvers: the finance team.",  # a group, not people
    "Mints must be approved by alice or anyone in finance.",
    "Mint approvers: admins.",
    "Mint approvers are limited to everyone except mallory.",
])
def test_asides_refused(text: str) -> None:
    report = parse_policy_text(text, "t")
    assert not report.clauses, report.clauses
    assert report.unrecognised and report.unrecognised[0].reason


@pytest.mark.parametrize("text", [
    "For sustainable jobs, the carbon price is 60 USD per tonne.",
    "For GPU workloads, the power cap is 500 kW.",
    "For the batch tier, the carbon budget is 2 t per week.",
])
def test_a_leading_scope_is_not_an_aside(text: str) -> None:
    # a fleet-wide constraint read from a rule that covers only part of the fleet would be wrong
    report = parse_policy_text(text, "p")
    assert not report.clauses and report.unrecognised
