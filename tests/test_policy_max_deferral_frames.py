"""Deferral limits per job category read by their parts (copilot.policy.category_slots).

Sentences written for this test (not from bench/policy_eval): each positive one must give exactly the
listed limits (hours per category); each refused one must give nothing, because a wrong limit is worse
than a sentence reported as not understood.
"""

from __future__ import annotations

import pytest

from copilot.policy.category_slots import read
from copilot.policy.framing import unframe
from copilot.policy.parser import interpret_sentence
from copilot.policy.sentences import normalise
from copilot.policy.vocab import KNOWN_TEAMS, canonical


def _limits(text: str) -> dict[str, float] | None:
    """What the reader makes of ``text`` (prepared as the parser prepares a clause)."""
    reading = read(canonical(unframe(canonical(normalise(text)))), KNOWN_TEAMS)
    if reading is None:
        return None
    assert {i.field for i in reading.items} == {"max_deferral_h_by_category"}
    return {str(i.key): i.value for i in reading.items}


@pytest.mark.parametrize("text, expected", [
    # one category, a limit word and a duration, in many word orders
    ("Sustainable renders may be postponed by at most 3 days.", {"sustainable": 72.0}),
    ("Balanced jobs can be held back for up to 90 minutes.", {"balanced": 1.5}),
    ("For balanced jobs, the maximum deferral is 5 hours.", {"balanced": 5.0}),
    ("For sustainable workloads, deferral may not exceed 2 days.", {"sustainable": 48.0}),
    ("A balanced task must begin within 2 hours of being submitted.", {"balanced": 2.0}),
    ("The scheduler may delay balanced jobs by no more than 1.5 hours.", {"balanced": 1.5}),
    ("Sustainable work: wait at most 1 week.", {"sustainable": 168.0}),
    ("No sustainable workload may be postponed for more than 4 days.", {"sustainable": 96.0}),
    ("Sustainable jobs can be queued for as long as 3 days.", {"sustainable": 72.0}),
    ("We may hold sustainable jobs for up to 36 hours to catch greener power.", {"sustainable": 36.0}),
    ("Balanced jobs: deferral of up to 3 hours.", {"balanced": 3.0}),
    ("Urgent jobs may be delayed by at most 15 minutes.", {"urgent": 0.25}),
    ("Each sustainable job may be deferred up to 72 hours after submission.", {"sustainable": 72.0}),
    ("Postponing a balanced job by more than 2 hours is not allowed.", {"balanced": 2.0}),
    ("The maximum delay for urgent jobs is zero.", {"urgent": 0.0}),
    ("The deferral window for sustainable jobs is 36 hours.", {"sustainable": 36.0}),
    ("Sustainable simulations may be postponed by no more than a fortnight.", {"sustainable": 336.0}),
    ("In no event shall a sustainable job be delayed by more than 3 days.", {"sustainable": 72.0}),
    ("Balanced pipelines may sit in the queue for a max of 20 minutes before they have to start.",
     {"balanced": 1 / 3}),
    ("A sustainable export may slip by a day and a half at the most.", {"sustainable": 36.0}),
    ("Sustainable backups (weekly archives, for example) may be deferred by up to 2 weeks.",
     {"sustainable": 336.0}),
    ("The planner must not hold a balanced job back for longer than 2 hours.", {"balanced": 2.0}),
    ("Balanced jobs may be started up to 3 hours late.", {"balanced": 3.0}),
    ("Balanced: max. 4 h delay.", {"balanced": 4.0}),
    # zero: a negated delay verb, "without deferral", "exempt from deferral"
    ("Urgent jobs are to run without delay.", {"urgent": 0.0}),
    ("Balanced and urgent jobs may not be deferred.", {"balanced": 0.0, "urgent": 0.0}),
    ("Urgent jobs never wait.", {"urgent": 0.0}),
    ("Urgent jobs are never moved in time.", {"urgent": 0.0}),  # time only: not "never moved"
    # several categories: joined subjects, lists, tables, ellipsis
    ("Both balanced and sustainable jobs may wait up to 6 hours.", {"balanced": 6.0, "sustainable": 6.0}),
    ("Deferral caps: balanced 6 h; sustainable 3 d.", {"balanced": 6.0, "sustainable": 72.0}),
    ("Max wait: balanced 45 min, sustainable 12 h.", {"balanced": 0.75, "sustainable": 12.0}),
    ("Balanced workloads are never delayed, and sustainable workloads at most 8 hours.",
     {"balanced": 0.0, "sustainable": 8.0}),
    ("Urgent jobs are never postponed; balanced jobs wait at most 3 hours.", {"urgent": 0.0, "balanced": 3.0}),
    ("Balanced jobs wait up to 2 hours; sustainable jobs up to a day.", {"balanced": 2.0, "sustainable": 24.0}),
    ("The deferral limit for balanced jobs is 4 hours and for sustainable jobs 48 hours.",
     {"balanced": 4.0, "sustainable": 48.0}),
    ("Sustainable jobs must start no later than 2 days after submission, balanced jobs no later than 4 hours.",
     {"sustainable": 48.0, "balanced": 4.0}),
    ("Urgent jobs get no deferral; balanced jobs get up to 2 hours.", {"urgent": 0.0, "balanced": 2.0}),
    ("Balanced jobs are exempt from deferral; sustainable jobs may wait up to 10 hours.",
     {"balanced": 0.0, "sustainable": 10.0}),
    ("Sustainable jobs may wait up to 2 days, balanced jobs up to 4 hours, urgent jobs never.",
     {"sustainable": 48.0, "balanced": 4.0, "urgent": 0.0}),
    ("Urgent jobs start immediately and balanced jobs within 2 hours.", {"urgent": 0.0, "balanced": 2.0}),
    ("Delay ceiling per class | balanced | 90 min | sustainable | 1 w", {"balanced": 1.5, "sustainable": 168.0}),
    ("Hold limits: urgent = not at all, balanced <= 1h.", {"urgent": 0.0, "balanced": 1.0}),
    # round 2: verbs and adjectives of delaying, subjects with a priority, trailing remarks
    ("Balanced jobs: postponable by up to 45 min.", {"balanced": 0.75}),
    ("Sustainable jobs are deferable for at most 2 days.", {"sustainable": 48.0}),
    ("balanced jobs can get pushed back 3 hrs max", {"balanced": 3.0}),
    ("Sustainable work may be kicked down the road for up to a week.", {"sustainable": 168.0}),
    ("Balanced jobs can be put on hold for no longer than 2 hours.", {"balanced": 2.0}),
    ("Jobs with balanced priority may be put off for at most 3 hours.", {"balanced": 3.0}),
    ("Workloads with a sustainable status may be set aside for up to 36 hours.", {"sustainable": 36.0}),
    ("Sustainable jobs can be held for up to 2 days while waiting for a sunnier afternoon.", {"sustainable": 48.0}),
    ("A balanced job may be delayed by up to 6 hours in order to catch the afternoon sun.", {"balanced": 6.0}),
    ("sustainable jobs: 3 days max waiting time, after which they just start", {"sustainable": 72.0}),
    ("sustainable jobs may wait at most 2 days, then they go regardless", {"sustainable": 48.0}),
    ("balanced is capped at 6h of delay now, raised from 4", {"balanced": 6.0}),
    ("Balanced jobs may be postponed by up to 5 hours, previously 3.", {"balanced": 5.0}),
    ("Regarding balanced jobs, the maximum deferral is hereby 4 hours.", {"balanced": 4.0}),
    ("Sustainable jobs may be deferred by up to 1 day, fyi", {"sustainable": 24.0}),
    ("Sustainable tasks may slide by up to 30 hours.", {"sustainable": 30.0}),
    ("Urgent jobs are not deferrable.", {"urgent": 0.0}),
    ("Sustainable Workloads shall not be deferred for a period exceeding two (2) days.", {"sustainable": 48.0}),
    ("balanced jobs -> max 3h delay", {"balanced": 3.0}),
    ("A sustainable job's start may be postponed by up to 2 days.", {"sustainable": 48.0}),
    ("Sustainable jobs can be held off for up to 3 days.", {"sustainable": 72.0}),
    ("Balanced jobs have a 6-hour deferral window.", {"balanced": 6.0}),
    ("Balanced jobs get a deferral budget of 5 hours.", {"balanced": 5.0}),
    ("Sustainable jobs can be deferred by up to 48 hours, no more.", {"sustainable": 48.0}),
    ("Balanced jobs may be deferred up to 4 hours at the scheduler's discretion.", {"balanced": 4.0}),
    # round 3: an unknown word of no meaning-changing class is neutral
    ("Balanced jobs can slip by up to 3 hours, obviously.", {"balanced": 3.0}),
    ("Our balanced jobs may be deferred up to 2 hours.", {"balanced": 2.0}),
    ("Balanced jobs are deferrable by up to 6 hours, honestly.", {"balanced": 6.0}),
    ("Heads up: sustainable renders may be postponed by at most 3 days.", {"sustainable": 72.0}),
    ("Kindly note that balanced jobs can be held back for up to 90 minutes.", {"balanced": 1.5}),
])
def test_read(text: str, expected: dict[str, float]) -> None:
    assert _limits(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", [
    "Balanced jobs should be delayed by at most 4 hours for cleaner power.",  # soft
    "Balanced jobs may be deferred by at least 4 hours.",  # a minimum
    "Balanced jobs must be deferred by 4 hours.",  # a requirement, not a limit
    "Balanced jobs may be deferred by up to 4 hours unless the grid is clean.",  # a condition
    "Balanced jobs may be deferred by up to 4 hours on weekends.",  # part of the week
    "Can balanced jobs wait up to 4 hours",  # a question without its mark
    "Balanced jobs of the ml team may wait up to 4 hours.",  # one team
    "Non-urgent jobs may be deferred by up to 4 hours.",  # not a category
    "Balanced jobs were deferred by up to 4 hours last month.",  # the past
    "Balanced jobs typically wait up to 4 hours.",  # a description
    "We propose that balanced jobs wait up to 4 hours.",  # a proposal
    "Balanced and sustainable jobs may wait 4 and 8 hours respectively.",  # pairing by order
    "Balanced jobs may run for up to 4 hours.",  # a run time, not a delay
    "Balanced jobs must finish within 4 hours.",  # a deadline, not a delay
    "Balanced jobs may not be deferred by 4 hours.",  # a negation without "more than"
    "Sustainable jobs may be deferred by more than 4 hours.",  # a minimum
    "Balanced jobs may be deferred by up to 4 business days.",  # not calendar days
    "Balanced jobs may be deferred by up to 4 hours per day.",  # a rate
    "Balanced jobs may be deferred by up to 4 hours or 8 hours with approval.",  # two values
    "Balanced jobs may wait up to 4 hours, sustainable jobs.",  # a category without a value
    "Total deferral of balanced jobs may not exceed 4 hours.",  # a sum over retries, not per job
    "Balanced jobs may wait less than 4 hours.",  # strictly less
    "Deferral: 4 hours.",  # no category
    "Balanced sustainable jobs may wait up to 4 hours.",  # two categories not joined
    "Balanced jobs may be deferred up to 4 hours for now.",  # temporary
    "Balanced jobs may wait up to 2 hours and must start within 4 hours.",  # a second value without category
    "Sustainable jobs may wait up to 2 days while the grid is dirty.",  # a condition
    "Sustainable jobs wait for 2 days.",  # no limit: a description
    "Balanced jobs may be deferred by up to 4 hours (6 hours for the research team).",  # an exception
    "Sustainable jobs (except month-end reports) may wait up to 12 hours.",  # an exception, not an example
    "Balanced jobs may be shifted by up to 4 hours, urgent jobs never.",  # "never shifted" is not time only
    "Urgent jobs are never moved, balanced jobs at most 2 h.",  # the urgent rule is about place too
    "Balanced jobs may be deferred by up to 4 hours; balanced jobs by 2 hours.",  # a category twice
    "Balanced jobs may wait up to 4 hours as long as sustainable jobs.",  # a comparison
    "Sustainable jobs may be deferred by at most 3 fortnights.",  # a unit left unknown
    "Balanced jobs may run up to 4 hours late.",  # "run" beside a duration may be a run time
    "Balanced jobs delayed by at most 4 hours.",  # a caption or the past: no auxiliary
    # round 2: a trailing remark is dropped only when it cannot carry a constraint
    "Balanced jobs may be put off by up to 4 hours, except during the holidays.",
    "Sustainable jobs can sit for up to 2 days to wait for the web team's approval.",
    "Balanced jobs may be deferred by up to 4 hours, then they run in Frankfurt.",
    "Balanced jobs may be set aside for up to 4 hours, after that they should run.",
    "balanced jobs got bumped back max 5 hrs",
    "Balanced jobs: deferrable by at least 2 hours.",
    "balanced is capped at 6h now, raised from 4 for the web team",
    "sustainable is capped at 2 days, up from 1 day last month",
    "Sustainable jobs can be put on hold for up to 3 days while waiting for approval.",
    "Sustainable jobs can be held for up to 3 days waiting for cheaper power in Norway.",
    "Sustainable jobs can be held for up to 3 days, whatever the team says.",
    "Sustainable jobs can be held for up to 3 days - in theory.",
    "Sustainable jobs should be kicked down the road at most 3 days, after that they run.",
    "Balanced jobs kick off within 2 hours.",
    "Jobs with balanced priority may be put off for 3 hours at least.",
    "Balanced jobs have a 6-hour run window.",
    "Balanced jobs may run up to 4 hours late.",
    "Sustainable jobs may be delayed for a period of at least 3 days.",
    "Sustainable jobs can be deferred by up to 48 hours, no more on weekends.",
])
def test_refused(text: str) -> None:
    assert _limits(text) is None


@pytest.mark.parametrize("text", [
    # round 3: unseen words that look harmless but change the meaning must still refuse
    "Balanced jobs may be deferred by up to 4 hours in the pilot.",  # a scope after a preposition
    "Balanced GPU jobs may be deferred up to 4 hours.",  # a capitalised name: part of the fleet
    "Balanced nightly jobs may be deferred up to 4 hours.",  # a word beside the subject: a subset
    "Balanced jobs may be deferred up to 4 hours cumulatively.",  # a sum, not per job
    "Balanced jobs may be deferred by up to 4 hours, roughly.",  # an approximation
    "Balanced jobs may be deferred by up to 4 hours once approved.",  # a condition
    "Balanced jobs get deferred by up to 4 hours nowadays.",  # a description of today
    "Balanced jobs wait up to 4 hours on paper.",  # doubt
    "Balanced jobs may be deferred up to 4 hours at a time.",  # per occurrence
    "Balanced jobs may be deferred by up to 4 hours per attempt.",  # per occurrence
    "Balanced jobs may be throttled by up to 4 hours.",  # not a delay
    "Balanced jobs need not be deferred.",  # no obligation is not a prohibition
    "Balanced jobs never wait in vain.",  # a phrase, not a limit
    "Balanced jobs may be deferred by up to 4 hours, Bob says.",  # a person's opinion
    "Balanced jobs may be deferred up to 4 hours without asking.",  # a condition on asking
    "Urgent jobs are never delayed or moved after kickoff.",  # a point in time; moves in place too
    "Balanced jobs may be deferred by 4 hours, give or take.",  # an approximation
])
def test_refused_round3(text: str) -> None:
    assert _limits(text) is None


def test_a_time_only_urgent_rule_beside_a_limit_is_a_zero_limit() -> None:
    """'Urgent jobs shall not be delayed' restricts time only: a zero limit, not 'never moved'."""
    text = "Urgent jobs shall not be delayed; sustainable jobs by at most 9 hours."
    items = interpret_sentence(normalise(text)).items
    assert {(i.field, i.key): i.value for i in items} == {("max_deferral_h_by_category", "urgent"): 0.0,
                                                         ("max_deferral_h_by_category", "sustainable"): 9.0}
