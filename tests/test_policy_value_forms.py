"""Value forms every reader shares (copilot.policy.vocab.canonical, copilot.policy.times): durations in two
units or in ISO 8601, the US grid operators' "prevailing time", and a move named with its two aspects."""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text
from copilot.policy.vocab import canonical


def _fields(sentence: str) -> dict[str, Any]:
    report = parse_policy_text(sentence, "t")
    policy = report.policy.model_dump(mode="json")
    return {c.policy_field: policy[c.policy_field] for c in report.clauses}


@pytest.mark.parametrize(("sentence", "category", "hours"), [
    ("Balanced jobs may be deferred by at most 2 hours and 30 minutes.", "balanced", 2.5),
    ("Balanced jobs may be deferred by at most 2 hours 30 minutes.", "balanced", 2.5),
    ("Balanced jobs may be held for 3h30 at most.", "balanced", 3.5),
    ("Maximum deferral for balanced jobs: 1h45.", "balanced", 1.75),
    ("Balanced jobs may be deferred by at most PT5H.", "balanced", 5.0),
    ("Sustainable jobs may be deferred by at most P2D.", "sustainable", 48.0),
    ("Sustainable jobs may be deferred by at most P1DT12H.", "sustainable", 36.0),
    ("Sustainable jobs may be deferred by at most PT90M.", "sustainable", 1.5),
    ("Sustainable jobs may be deferred by at most 1 day and 12 hours.", "sustainable", 36.0),
])
def test_compound_and_iso_durations_become_hours(sentence: str, category: str, hours: float) -> None:
    assert _fields(sentence) == {"max_deferral_h_by_category": {category: hours}}


@pytest.mark.parametrize("text", [
    "from 13h30 to 15h00 UTC",      # times of day, not durations
    "at 9h30",
    "between 7h15 and 9h00",
    "P.S. the region is eu-west-1",  # not an ISO duration
    "the PT team",
])
def test_times_of_day_and_lookalikes_are_not_durations(text: str) -> None:
    assert "hours" not in canonical(text)


def test_a_time_of_day_in_h_notation_still_reads_as_a_window() -> None:
    got = _fields("No jobs run in GB on Saturdays from 13h30 to 15h00 UTC.")["recurring_blackouts"]
    assert [(w["days"], w["start_local"], w["end_local"]) for w in got] == [(["sat"], "13:30", "15:00")]


@pytest.mark.parametrize(("zone", "start", "end"), [
    ("Eastern Prevailing Time", "2026-08-06T18:00:00Z", "2026-08-06T22:00:00Z"),   # EDT, UTC-4
    ("Central Prevailing Time", "2026-08-06T19:00:00Z", "2026-08-06T23:00:00Z"),   # CDT, UTC-5
])
def test_prevailing_time_is_local_time_with_dst(zone: str, start: str, end: str) -> None:
    got = _fields(f"No jobs may run in PJM on 6 August 2026 between 14:00 and 18:00 {zone}.")["blackout_windows"]
    assert [(w["start_utc"], w["end_utc"], w["regions"]) for w in got] == [(start, end, ["PJM"])]


def test_winter_prevailing_time_is_standard_time() -> None:
    got = _fields("No jobs may run in PJM on 6 January 2026 between 14:00 and 18:00 Eastern Prevailing Time.")
    assert got["blackout_windows"][0]["start_utc"] == "2026-01-06T19:00:00Z"  # EST, UTC-5


@pytest.mark.parametrize("sentence", [
    "Urgent jobs are never moved to another region or a later slot.",
    "Urgent jobs are never moved to another region or to a later time.",
    "Urgent jobs are never moved to a later slot or another region.",
])
def test_a_move_in_place_or_time_is_never_moved(sentence: str) -> None:
    assert _fields(sentence) == {"urgent_never_moved": True}


def test_a_move_in_place_only_is_not_never_moved() -> None:
    """'never moved to another region' leaves time shifting open: not the both-ways rule."""
    assert _fields("Urgent jobs are never moved to another region.") == {}


def test_permission_to_move_in_place_or_time_is_movable() -> None:
    assert _fields("Urgent jobs may be moved to another region or a later slot.") == {"urgent_never_moved": False}
