"""Weekly blackouts written without a modal or a label ('No jobs on weekends 00:00-06:00 UTC.',
'No jobs run Mon-Fri ...'), and label-first ones; with refusals. Sentences written for this test
(not from bench/policy_eval).
"""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text


def _windows(text: str) -> list[dict[str, Any]]:
    report = parse_policy_text(text, "p")
    assert report.clauses and not report.unrecognised
    return [{k: w[k] for k in ("days", "start_local", "end_local", "timezone", "regions")}
            for w in report.policy.model_dump(mode="json")["recurring_blackouts"]]


@pytest.mark.parametrize("text, days, start, end, tz, regions", [
    ("No jobs on Sundays 01:00-03:00 UTC.", ["sun"], "01:00", "03:00", "UTC", None),
    ("No jobs run Tue-Thu 18:00-21:00 Europe/Berlin in DE.", ["tue", "wed", "thu"], "18:00", "21:00",
     "Europe/Berlin", ["DE"]),
    ("No processing on Mondays, 09:00-10:00 UTC, in eu-west-1.", ["mon"], "09:00", "10:00", "UTC", ["eu-west-1"]),
    ("Saturdays 22:00-23:00 UTC: no jobs fleet-wide.", ["sat"], "22:00", "23:00", "UTC", None),
    ("Mon-Fri 07:00-09:00 America/New_York: PJM blackout (morning peak).",
     ["mon", "tue", "wed", "thu", "fri"], "07:00", "09:00", "America/New_York", ["PJM"]),
])
def test_weekly(text: str, days: list[str], start: str, end: str, tz: str, regions: list[str] | None) -> None:
    assert _windows(text) == [{"days": days, "start_local": start, "end_local": end, "timezone": tz,
                               "regions": regions}]


@pytest.mark.parametrize("text", [
    "No jobs on Sundays 01:00-03:00 UTC, except urgent ones.",  # a qualifier
    "No jobs on Sundays 01:00-03:00.",  # no zone
    "No sustainable jobs run on Sundays 01:00-03:00 UTC.",  # part of the fleet
])
def test_refused(text: str) -> None:
    report = parse_policy_text(text, "p")
    assert not report.clauses and report.unrecognised
