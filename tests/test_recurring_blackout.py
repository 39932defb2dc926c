"""Recurring (weekly, local-time) blackout windows: the schema, the parser, and both planners.

The expected UTC times are worked out by hand from the zone rules: Europe/London is UTC+0 until
the last Sunday of March (29 March 2026) and UTC+1 after it; America/New_York is UTC-5 until
8 March 2026 and UTC-4 after it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from copilot.policy import parse_policy_text
from tests.plan_helpers import forecast, jobs, placements
from tools.plan import PlanParams, make_plan
from tools.schemas import PolicySet, RecurringBlackout

NO_ENERGY = PlanParams(energy_recs=False, sla_penalty_usd_per_h=0.0)  # a move is worth any delay
MONDAY_GMT = datetime(2026, 3, 23, tzinfo=UTC)  # London on GMT (UTC+0)
MONDAY_BST = datetime(2026, 3, 30, tzinfo=UTC)  # London on BST (UTC+1)
LONDON_EVENINGS = RecurringBlackout(days=["mon", "tue", "wed", "thu", "fri"], start_local="17:00",
                                    end_local="20:00", timezone="Europe/London")


def utc(day: datetime, hour: int) -> datetime:
    return day + timedelta(hours=hour)


class TestSchema:
    def test_occurrences_follow_daylight_saving_time(self) -> None:
        got = LONDON_EVENINGS.occurrences(datetime(2026, 3, 27, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
        assert got == [(datetime(2026, 3, 27, 17, tzinfo=UTC), datetime(2026, 3, 27, 20, tzinfo=UTC)),  # Fri, GMT
                       (datetime(2026, 3, 30, 16, tzinfo=UTC), datetime(2026, 3, 30, 19, tzinfo=UTC))]  # Mon, BST

    def test_a_window_over_midnight_ends_the_next_day(self) -> None:
        night = RecurringBlackout(days=["sat"], start_local="22:00", end_local="02:00", timezone="America/New_York")
        got = night.occurrences(datetime(2026, 3, 14, tzinfo=UTC), datetime(2026, 3, 16, tzinfo=UTC))
        # Saturday 14 March 22:00 EDT (UTC-4) -> Sunday 02:00 EDT
        assert got == [(datetime(2026, 3, 15, 2, tzinfo=UTC), datetime(2026, 3, 15, 6, tzinfo=UTC))]

    def test_fixed_offsets_and_utc(self) -> None:
        win = RecurringBlackout(days=["sun"], start_local="10:00", end_local="24:00", timezone="UTC+05:30")
        (got,) = win.occurrences(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC))
        assert got == (datetime(2026, 3, 1, 4, 30, tzinfo=UTC), datetime(2026, 3, 1, 18, 30, tzinfo=UTC))

    @pytest.mark.parametrize("changes, pattern", [
        ({"timezone": "Mars/Olympus"}, "not an IANA time zone"),
        ({"start_local": "25:00"}, "must be a time of day"),
        ({"start_local": "24:00"}, "must be a time of day"),
        ({"end_local": "17:00"}, "the window is empty"),
        ({"days": []}, "at least 1 item"),
        ({"days": ["someday"]}, "Input should be"),
        ({"regions": ["mars-1"]}, "not a known region"),
    ])
    def test_bad_windows_are_refused(self, changes: dict[str, object], pattern: str) -> None:
        with pytest.raises(ValidationError, match=pattern):
            RecurringBlackout.model_validate(LONDON_EVENINGS.model_dump() | changes)

    def test_old_policies_without_the_field_still_load(self) -> None:
        stored = {"name": "old", "blackout_windows": [], "urgent_never_moved": True}
        assert PolicySet.model_validate(stored).recurring_blackouts == []


class TestParsed:
    def test_the_report_shows_the_recurring_window(self) -> None:
        text = "No batch jobs may run on weekdays between 17:00 and 20:00 Europe/London time."
        report = parse_policy_text(text, "evenings")
        (clause,) = report.clauses
        assert clause.constraint == "recurring_blackouts[0]" and clause.sentence == text
        assert report.policy.recurring_blackouts == [LONDON_EVENINGS.model_copy(update={"reason": text})]

    def test_two_windows_in_one_sentence(self) -> None:
        report = parse_policy_text("Every Saturday and Sunday, 01:00-03:00 UTC and 13:00-14:00 UTC are a "
                                   "maintenance window for us-east-1.", "m")
        got = [(w.days, w.start_local, w.end_local, w.regions) for w in report.policy.recurring_blackouts]
        assert got == [(["sat", "sun"], "01:00", "03:00", ["us-east-1"]),
                       (["sat", "sun"], "13:00", "14:00", ["us-east-1"])]


def _evening_case(day: datetime, interruptible: bool = False) -> tuple:  # type: ignore[type-arg]
    """One job submitted at 14:00 UTC that may wait 8 h; the grid is cleanest 16:00-18:59 UTC, a little
    less clean at 19:00 and dirty otherwise."""
    values = [500.0] * 48
    for h in (16, 17, 18):
        values[h] = 40.0
    values[19] = 60.0
    frame = jobs([{"submit_h": 14.0, "duration_h": 1.0, "slack_h": 8.0, "interruptible": interruptible}])
    frame["submit_utc"] = frame["start_utc"] = utc(day, 14)
    frame["deadline_utc"] = utc(day, 23)
    return frame, forecast({"us-east-1": values}, start=day)


def _overlaps(pieces: list[tuple[str, datetime, float]], start: datetime, end: datetime) -> bool:
    return any(s < end and s + timedelta(hours=h) > start for _, s, h in pieces)


@pytest.mark.parametrize("solver", ["greedy", "exact"])
@pytest.mark.parametrize("interruptible", [False, True])
class TestPlanners:
    def test_without_the_window_the_job_goes_to_the_clean_evening(self, solver: str, interruptible: bool) -> None:
        frame, fc = _evening_case(MONDAY_BST, interruptible)
        plan = make_plan(frame, fc, PolicySet(), solver=solver, params=NO_ENERGY)  # type: ignore[arg-type]
        assert _overlaps(placements(plan, frame)["j0"], utc(MONDAY_BST, 16), utc(MONDAY_BST, 19))

    def test_no_moved_job_runs_in_the_window_after_the_clock_change(self, solver: str, interruptible: bool) -> None:
        frame, fc = _evening_case(MONDAY_BST, interruptible)
        policy = PolicySet(recurring_blackouts=[LONDON_EVENINGS])
        plan = make_plan(frame, fc, policy, solver=solver, params=NO_ENERGY)  # type: ignore[arg-type]
        pieces = placements(plan, frame)["j0"]
        assert not _overlaps(pieces, utc(MONDAY_BST, 16), utc(MONDAY_BST, 19))  # 17:00-20:00 BST
        assert pieces == [("us-east-1", utc(MONDAY_BST, 19), 1.0)]  # the best hour left

    def test_before_the_clock_change_the_window_is_an_hour_later(self, solver: str, interruptible: bool) -> None:
        frame, fc = _evening_case(MONDAY_GMT, interruptible)
        policy = PolicySet(recurring_blackouts=[LONDON_EVENINGS])
        plan = make_plan(frame, fc, policy, solver=solver, params=NO_ENERGY)  # type: ignore[arg-type]
        pieces = placements(plan, frame)["j0"]
        assert not _overlaps(pieces, utc(MONDAY_GMT, 17), utc(MONDAY_GMT, 20))  # 17:00-20:00 GMT
        assert pieces == [("us-east-1", utc(MONDAY_GMT, 16), 1.0)]

    def test_a_window_for_another_region_or_day_does_not_apply(self, solver: str, interruptible: bool) -> None:
        frame, fc = _evening_case(MONDAY_BST, interruptible)
        elsewhere = LONDON_EVENINGS.model_copy(update={"regions": ["eu-west-1"]})
        weekend = LONDON_EVENINGS.model_copy(update={"days": ["sat", "sun"]})
        plan = make_plan(frame, fc, PolicySet(recurring_blackouts=[elsewhere, weekend]), solver=solver,  # type: ignore[arg-type]
                         params=NO_ENERGY)
        assert _overlaps(placements(plan, frame)["j0"], utc(MONDAY_BST, 16), utc(MONDAY_BST, 19))
