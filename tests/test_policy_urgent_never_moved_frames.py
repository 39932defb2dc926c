"""The urgent-jobs rule read by its parts (copilot.policy.category_slots).

Sentences written for this test (not from bench/policy_eval). "Never moved" means neither in time nor
in place: a rule about one of them alone is not this constraint. Each refused sentence must give
nothing, because a wrong constraint is worse than a sentence reported as not understood.
"""

from __future__ import annotations

import pytest

from copilot.policy.category_slots import read
from copilot.policy.framing import unframe
from copilot.policy.sentences import normalise
from copilot.policy.vocab import KNOWN_TEAMS, canonical


def _never_moved(text: str) -> bool | None:
    """What the reader makes of ``text`` (prepared as the parser prepares a clause)."""
    reading = read(canonical(unframe(canonical(normalise(text)))), KNOWN_TEAMS)
    if reading is None:
        return None
    (item,) = reading.items
    assert item.field == "urgent_never_moved" and item.key is None
    return bool(item.value)


@pytest.mark.parametrize("text, expected", [
    # fixed: a negated move that covers time and place
    ("Urgent workloads are never relocated or deferred.", True),
    ("Jobs flagged urgent cannot be shifted in time or in space.", True),
    ("We will never delay or relocate urgent jobs.", True),
    ("Urgent jobs: no deferral, no relocation.", True),
    ("Urgent jobs must neither wait nor move to another region.", True),
    ("Urgent jobs are never time-shifted, never region-shifted.", True),
    ("Moving urgent jobs is not allowed.", True),
    ("Carbon-aware scheduling is never applied to urgent jobs.", True),
    ("No urgent task may be postponed or migrated by the planner.", True),
    ("Urgent jobs - never touched.", True),
    # fixed: a state
    ("The optimiser must leave urgent jobs alone.", True),
    ("Urgent jobs are off-limits to the carbon-aware scheduler.", True),
    ("Urgent work is immune to carbon-aware shifting.", True),
    ("Urgent jobs are locked to their submitted region and start time.", True),
    ("Tasks labelled as urgent are pinned; they are never shifted.", True),
    # fixed: staying where and when submitted
    ("Urgent tasks stay where and when they were submitted.", True),
    ("Workloads in the urgent class run immediately in their home region.", True),
    ("Urgent pipelines keep their original region and their original start time.", True),
    ("Urgent jobs (incident hotfixes, for example) run as submitted.", True),
    # movable
    ("Urgent jobs may be shifted in time and space like any other job.", False),
    ("The planner can relocate urgent workloads.", False),
    ("Urgent jobs are no longer exempt from carbon-aware shifting.", False),
    ("The exemption for urgent jobs is lifted.", False),
    ("Urgent jobs have no protection against deferral.", False),
    ("Urgent tasks are subject to carbon-aware scheduling.", False),
    ("We may delay or relocate urgent jobs at our discretion.", False),
    ("Urgent jobs are not pinned.", False),
    ("Urgent jobs can be relocated to a greener region.", False),
    ("The no-move rule for urgent work no longer applies; the optimizer may move it freely.", False),
    ("Urgent jobs are not exempt from relocation.", False),
    ("Urgent jobs are treated like any other job and can be moved.", False),
    ("Urgent jobs lose their exemption from shifting.", False),
    ("There is no never-move rule for urgent jobs.", False),
    ("Urgent jobs are excluded from carbon-aware shifting.", True),
    ("Urgent jobs must stay in their original region and start on time.", True),
    # round 2: staying put, the time and place as requested, changes of region or schedule, remarks
    ("Urgent workloads remain put: same location, same start time.", True),
    ("Urgent jobs stay where they are, whatever happens.", True),
    ("Tasks with urgent status are executed in the requested region at the requested start time.", True),
    ("Jobs marked urgent shall run in the location and at the time specified, period.", True),
    ("As for urgent jobs, any change to the execution region or to the schedule is forbidden.", True),
    ("Urgent jobs run as submitted, with no change of region or timing.", True),
    ("The job class 'urgent' is exempt from spatial and temporal optimisation.", True),
    ("An urgent task will never be postponed or routed to another region.", True),
    ("Urgent jobs are not fair game for shifting.", True),
    ("Urgent runs are never shifted in time or region, then they simply run.", True),
    ("The urgent-tier protection is hereby revoked; urgent jobs may now be delayed and relocated.", False),
    ("The planner is allowed to move urgent jobs to greener regions and to later time slots.", False),
    ("Urgent jobs are open to shifting, like everything else.", False),
    ("The scheduler can reschedule and relocate urgent work in the same way as any other job.", False),
    ("Urgent jobs may be moved, fyi.", False),
    ("Urgent jobs are sacrosanct: never shifted.", True),
    ("Urgent jobs run where and when they're submitted.", True),
    ("Urgent jobs get no shifting of any kind.", True),
    ("Urgent jobs are not movable.", True),
    ("Urgent jobs are shiftable like everything else.", False),
    ("Urgent jobs can be moved around freely.", False),
    ("Urgent jobs are deferrable.", False),
    ("Urgent jobs are to be run on arrival in the region of submission.", True),
    ("Urgent jobs run as-is.", True),
    ("Urgent jobs bypass carbon-aware scheduling entirely.", True),
    ("Urgent jobs may be moved in time and space as needed.", False),
    # round 3: an unknown word of no meaning-changing class is neutral
    ("Heads up: urgent jobs are absolutely never moved.", True),
    ("Kindly note that urgent jobs are never relocated or deferred.", True),
    ("Urgent jobs are never moved, no matter how dirty the grid gets.", True),
    ("Anything marked urgent is never delayed or relocated by the carbon optimiser.", True),
    ("Urgent jobs are never deleted or moved.", True),
])
def test_read(text: str, expected: bool) -> None:
    assert _never_moved(text) is expected


@pytest.mark.parametrize("text", [
    "Urgent jobs should never be shifted in time or space.",  # soft
    "Urgent jobs are never moved unless the grid is critical.",  # a condition
    "Urgent jobs were never moved.",  # the past
    "Urgent jobs are never migrated.",  # place only
    "Urgent jobs are never moved to another region.",  # place only
    "Can urgent jobs be moved",  # a question without its mark
    "Urgent jobs of the ml team are never moved.",  # one team
    "Non-urgent jobs may be moved.",  # not the urgent category
    "Urgent jobs are never moved, balanced jobs may be.",  # another category
    "Urgent jobs are exempt.",  # exempt from what?
    "Urgent jobs may be moved only with approval.",  # a condition
    "Urgent jobs are pinned but may be relocated.",  # contradicts itself
    "Urgent jobs are pinned and may be relocated.",  # contradicts itself
    "Urgent jobs are never delayed and are relocated.",  # the negation covers the delay only
    "Urgent jobs may be pinned.",  # a permission to pin
    "Urgent jobs are moved.",  # neither a rule nor a permission
    "They are never moved.",  # who?
    "We propose that urgent jobs are never moved.",  # a proposal
    "Urgent jobs never move other jobs.",  # urgent jobs as the mover
    "Urgent jobs are never moved at the scheduler's discretion.",  # permission words in a fixed rule
    "Urgent jobs are currently pinned.",  # today only
    "Urgent jobs are pinned for now.",  # temporary
    "Not all urgent jobs are pinned.",  # a quantifier
    "Urgent jobs may not be moved; they can be relocated.",  # contradicts itself
    "Urgent jobs will always run where they are submitted.",  # place only
    "Urgent jobs are never moved to a dirtier region.",  # other moves allowed
    "Urgent jobs (except month-end runs) are never moved.",  # an exception
    "The scheduler never moved urgent jobs.",  # the past
    "Urgent jobs start immediately in any region.",  # any region: moved in place
    "Urgent jobs are not treated like any other job.",  # says nothing about moves
    # round 2: new words are read only where they are sure
    "Urgent jobs stay put unless the grid is dirty.",
    "Urgent jobs stay put in the US.",
    "Urgent jobs are excluded from geographic optimisation.",
    "Urgent jobs run in the region requested.",
    "Urgent jobs run at the time requested but may be moved to another region.",
    "The urgent-job exemption is hereby extended.",
    "Regarding urgent jobs, any change of the start time is prohibited.",
    "Urgent jobs stay put, whatever the team.",
    "Urgent jobs stay put - mostly.",
    "Urgent jobs are put in their home region.",
    "Urgent jobs are never moved, same as everything else.",
    "Urgent jobs could stay put.",
    "Urgent jobs stayed put.",
    "Jobs with urgent priority shall be executed in the submitted region.",
    "Urgent jobs may not change region.",
    "Urgent jobs are never sent to a different region.",
    "Urgent jobs stay put during the pilot.",
    "Urgent jobs stay put at night.",
    "Ideally urgent jobs stay put.",
    "Urgent jobs are not relocatable.",
    "Urgent jobs are shiftable unless flagged.",
    "Urgent jobs bypass geographic optimisation.",
    "Urgent jobs are run on arrival.",
    "Urgent jobs run as-is when the grid is clean.",
    "Urgent jobs are never moved as needed.",
])
def test_refused(text: str) -> None:
    assert _never_moved(text) is None


@pytest.mark.parametrize("text", [
    # round 3: unseen words that look harmless but change the meaning must still refuse
    "Urgent jobs are never moved in the pilot.",  # a scope after a preposition
    "Urgent jobs are never moved on the shared queue.",  # a part of the fleet
    "Urgent jobs are never moved by the legacy scheduler.",  # another scheduler may
    "Urgent training jobs are never moved.",  # a subset of urgent jobs
    "Urgent jobs submitted by researchers are never moved.",  # a subset of urgent jobs
    "Urgent jobs are seldom moved.",  # a description
    "Urgent jobs are hardly ever moved.",  # a negation outside the recognised forms
    "Urgent jobs are never moved, barring emergencies.",  # an exception
    "Urgent jobs are never moved, reportedly.",  # doubt
    "Urgent jobs are never moved silently.",  # a manner: they may be moved with notice
    "Urgent jobs are never moved manually.",  # a manner
    "Urgent jobs never move files.",  # urgent jobs as the mover
    "Urgent jobs are never moved anywhere.",  # an object after the verb
    "Urgent jobs are never moved, just rescheduled.",  # a contrast: moved in time
    "Urgent jobs are never moved once admitted.",  # a point in time
    "Urgent jobs are never moved, says Dana.",  # a person's opinion
    "Urgent jobs are never moved mid-run.",  # a part of the run
])
def test_refused_round3(text: str) -> None:
    assert _never_moved(text) is None
