"""One-off blackout windows read by their parts (cue, windows, regions, reasons), and sentences that
must be refused. Sentences written for this test (not from bench/policy_eval)."""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text


def _w(start: str, end: str, regions: list[str] | None) -> dict[str, Any]:
    return {"start_utc": start, "end_utc": end, "regions": regions}


def _windows(text: str) -> list[dict[str, Any]]:
    report = parse_policy_text(text, "p")
    assert report.clauses and not report.unrecognised, report.unrecognised
    assert {c.policy_field for c in report.clauses} == {"blackout_windows"}
    return [{k: w[k] for k in ("start_utc", "end_utc", "regions")}
            for w in report.policy.model_dump(mode="json")["blackout_windows"]]


EW1, EN1 = ["eu-west-1"], ["eu-north-1"]


@pytest.mark.parametrize("text, expected", [
    ("No jobs may run in eu-west-1 from 02:00 to 04:00 UTC on 15 April 2026.",
     [_w("2026-04-15T02:00:00Z", "2026-04-15T04:00:00Z", EW1)]),
    ("Scheduling is suspended in us-east-1 between 2026-05-01T00:00Z and 2026-05-01T06:00Z.",
     [_w("2026-05-01T00:00:00Z", "2026-05-01T06:00:00Z", ["us-east-1"])]),
    ("us-west-2 will be unavailable for scheduling on June 3, 2026 from 1:00 a.m. to 5:00 a.m. PDT.",
     [_w("2026-06-03T08:00:00Z", "2026-06-03T12:00:00Z", ["us-west-2"])]),
    ("All workloads in DE must be drained from 20:00 CET on 9 February 2026 until 23:00 CET on the same day.",
     [_w("2026-02-09T19:00:00Z", "2026-02-09T22:00:00Z", ["DE"])]),
    # dotted dates are day first
    ("Compute in FR is halted from 05.10.2026 08:00 to 05.10.2026 12:00 CEST.",
     [_w("2026-10-05T06:00:00Z", "2026-10-05T10:00:00Z", ["FR"])]),
    # a list of dates: each takes the window
    ("On 1 and 2 June 2026, no jobs may run in eu-west-1 between 01:00 and 03:00 UTC.",
     [_w("2026-06-01T01:00:00Z", "2026-06-01T03:00:00Z", EW1),
      _w("2026-06-02T01:00:00Z", "2026-06-02T03:00:00Z", EW1)]),
    ("On 3, 10 and 17 March 2026, no jobs may run in GB from 01:00 to 02:00 GMT.",
     [_w("2026-03-03T01:00:00Z", "2026-03-03T02:00:00Z", ["GB"]),
      _w("2026-03-10T01:00:00Z", "2026-03-10T02:00:00Z", ["GB"]),
      _w("2026-03-17T01:00:00Z", "2026-03-17T02:00:00Z", ["GB"])]),
    ("No jobs may run in DE on 2026-03-03 and 2026-03-10 from 01:00 to 03:00 CET.",
     [_w("2026-03-03T00:00:00Z", "2026-03-03T02:00:00Z", ["DE"]),
      _w("2026-03-10T00:00:00Z", "2026-03-10T02:00:00Z", ["DE"])]),
    # an ISO 8601 interval
    ("No jobs may run in us-east-1 during 2026-10-10T01:00Z/2026-10-10T05:00Z.",
     [_w("2026-10-10T01:00:00Z", "2026-10-10T05:00:00Z", ["us-east-1"])]),
    # each window with its own regions
    ("No jobs in PJM on 2026-01-15, 06:00-09:00 EST, and in ISNE on 2026-01-16, 06:00-09:00 EST.",
     [_w("2026-01-15T11:00:00Z", "2026-01-15T14:00:00Z", ["PJM"]),
      _w("2026-01-16T11:00:00Z", "2026-01-16T14:00:00Z", ["ISNE"])]),
    ("eu-west-1 is blacked out on 3 March 2026 from 01:00 to 03:00 UTC and eu-north-1 on 4 March 2026 from 01:00 "
     "to 03:00 UTC.",
     [_w("2026-03-03T01:00:00Z", "2026-03-03T03:00:00Z", EW1),
      _w("2026-03-04T01:00:00Z", "2026-03-04T03:00:00Z", EN1)]),
    ("No jobs may run in DE from 01:00 to 03:00 CET and in FR from 02:00 to 04:00 CET on 3 March 2026.",
     [_w("2026-03-03T00:00:00Z", "2026-03-03T02:00:00Z", ["DE"]),
      _w("2026-03-03T01:00:00Z", "2026-03-03T03:00:00Z", ["FR"])]),
    ("Workloads in eu-west-1 shall be suspended on 30 April 2026 from 22:00 to 23:30 UTC.",
     [_w("2026-04-30T22:00:00Z", "2026-04-30T23:30:00Z", EW1)]),
    # a numeric date with only one valid reading, or with its order stated
    ("No jobs may run in DE on 25/12/2026 from 10:00 to 12:00 CET.",
     [_w("2026-12-25T09:00:00Z", "2026-12-25T11:00:00Z", ["DE"])]),
    ("Dates are DD/MM/YYYY: FR is blacked out on 04/05/2026 from 06:00 to 08:00 CEST.",
     [_w("2026-05-04T04:00:00Z", "2026-05-04T06:00:00Z", ["FR"])]),
    # the start of a range takes the year of its end
    ("No jobs may be scheduled in eu-west-1 from 22:00 on 7 March to 04:00 on 8 March 2026 UTC.",
     [_w("2026-03-07T22:00:00Z", "2026-03-08T04:00:00Z", EW1)]),
    ("No jobs may run in DE from 22.00 to 02.00 CET on the night of 5-6 February 2026.",
     [_w("2026-02-05T21:00:00Z", "2026-02-06T01:00:00Z", ["DE"])]),
    ("No jobs may run in eu-west-1 from 0100 to 0300 UTC on 2026-03-10.",
     [_w("2026-03-10T01:00:00Z", "2026-03-10T03:00:00Z", EW1)]),
    # across midnight: the date written first, an evening start; "to midnight" is the end of the day
    ("No jobs may run in eu-west-1 on 2026-03-03 from 23:00 to 01:00 UTC.",
     [_w("2026-03-03T23:00:00Z", "2026-03-04T01:00:00Z", EW1)]),
    ("No jobs may run in eu-west-1 from 20:00 to midnight UTC on 2026-03-03.",
     [_w("2026-03-03T20:00:00Z", "2026-03-04T00:00:00Z", EW1)]),
    # a trailing description of the day
    ("No jobs may run in eu-west-1 from 01:00 to 03:00 UTC on 15 April 2026, the day of the migration.",
     [_w("2026-04-15T01:00:00Z", "2026-04-15T03:00:00Z", EW1)]),
    ("No jobs in SE on 1 April 2026 from 01:00 to 03:00 Europe/Stockholm, the morning after the audit.",
     [_w("2026-03-31T23:00:00Z", "2026-04-01T01:00:00Z", ["SE"])]),
    # contract language: the Supplier is the actor, the Customer's workloads are every workload
    ("The Supplier shall not execute any Customer workloads in eu-west-1 between 01:00 and 03:00 UTC on 12 March 2026.",
     [_w("2026-03-12T01:00:00Z", "2026-03-12T03:00:00Z", EW1)]),
    ("No job submissions will be accepted in DE on 2026-02-02 from 20:00 to 22:00 CET.",
     [_w("2026-02-02T19:00:00Z", "2026-02-02T21:00:00Z", ["DE"])]),
    ("eu-west-1 will not accept new jobs on 2026-02-02 from 20:00 to 22:00 UTC.",
     [_w("2026-02-02T20:00:00Z", "2026-02-02T22:00:00Z", EW1)]),
    ("No jobs from Friday 6 March 2026 at 22:00 until Saturday 7 March 2026 at 06:00 UTC.",
     [_w("2026-03-06T22:00:00Z", "2026-03-07T06:00:00Z", None)]),
    ("The cluster will be unavailable for all jobs from 08:00 on 3 March 2026 until 18:00 on 4 March 2026 "
     "(Europe/Stockholm).",
     [_w("2026-03-03T07:00:00Z", "2026-03-04T17:00:00Z", None)]),
    ("No jobs may run in eu-west-1 on 1 September 2026 from 9.30 am to 11.30 am UTC.",
     [_w("2026-09-01T09:30:00Z", "2026-09-01T11:30:00Z", EW1)]),
    ("No jobs may run in eu-west-1 on 1 September 2026 from 14h00 to 16h00 UTC.",
     [_w("2026-09-01T14:00:00Z", "2026-09-01T16:00:00Z", EW1)]),
    ("To protect the month-end close, no jobs may run in GB on 2026-03-31 from 18:00 to 23:00 BST.",
     [_w("2026-03-31T17:00:00Z", "2026-03-31T22:00:00Z", ["GB"])]),
    ("Lockdown: no jobs in any region from 2026-03-31 20:00 UTC to 2026-04-01 04:00 UTC.",
     [_w("2026-03-31T20:00:00Z", "2026-04-01T04:00:00Z", None)]),
    ("Jobs are prohibited from running in ISNE on 2026-01-20 from 05:00 to 07:00 EST.",
     [_w("2026-01-20T10:00:00Z", "2026-01-20T12:00:00Z", ["ISNE"])]),
    ("No workloads are permitted in PJM on 2026-02-14 from 08:00 to 12:00 EST.",
     [_w("2026-02-14T13:00:00Z", "2026-02-14T17:00:00Z", ["PJM"])]),
    ("Germany and France are closed to new jobs on 2026-06-06 from 09:00 to 11:00 CEST.",
     [_w("2026-06-06T07:00:00Z", "2026-06-06T09:00:00Z", ["DE", "FR"])]),
])
def test_one_off(text: str, expected: list[dict[str, Any]]) -> None:
    assert _windows(text) == expected


@pytest.mark.parametrize("text", [
    "Every year from 20 December to 2 January, all regions are blacked out.",  # yearly, no year
    "If the grid is strained, no jobs may run in DE from 17:00 to 19:00 CET on 3 March 2026.",  # condition
    "There was an outage in us-east-1 on 3 March 2026 from 01:00 to 03:00 UTC.",  # the past
    "No sustainable jobs may run in eu-west-1 from 01:00 to 03:00 UTC on 5 May 2026.",  # one category
    "No GPU jobs may run in eu-west-1 on 5 May 2026 from 01:00 to 03:00 UTC.",  # part of the fleet
    "No jobs may run in eu-west-1 on 5 May from 01:00 to 03:00 UTC.",  # no year
    "No jobs may run in eu-west-1 on 5 May 2026 from 01:00 to 03:00.",  # no zone
    "No jobs may run in DE on 07/04/2026 from 08:00 to 10:00 CEST.",  # 7 April or 4 July
    "No jobs should run in DE on 2026-06-01 from 00:00 to 04:00 UTC.",  # a wish
    "Proposed blackout: DE, 2026-06-01 00:00-04:00 UTC.",  # a proposal
    "Tentative maintenance window: eu-west-1, 2026-06-01 00:00-04:00 UTC.",
    "Last year's freeze: us-east-1 on 2025-06-01 from 00:00 to 04:00 UTC.",
    "Example blackout: 2026-06-01 00:00-04:00 UTC in eu-west-1.",  # an example
    "No jobs may run in DE on 2026-06-01 from 00:00 to 04:00 UTC (unless urgent).",  # an exception in a note
    "No jobs may run next Sunday from 01:00 to 03:00 UTC.",  # a relative date
    "No jobs may run tomorrow from 01:00 to 03:00 UTC.",
    "No jobs may run between 1 and 3 May 2026 from 01:00 to 03:00 UTC.",  # a range or a list of days
    "No jobs may run in DE from 22:00 on 2026-03-03 until midnight on 2026-03-04 CET.",  # start or end of the 4th
    "No jobs may run in eu-west-1 on 2026-06-03 from 01:00 to 03:00 IST.",  # India or Irish time
    "No jobs in PJM on 2026-01-15 06:00-09:00 EST or in ISNE on 2026-01-16 06:00-09:00 EST; and 2026-01-17 "
    "06:00-09:00 EST.",  # the last window has no region of its own
    "On 3-4 March 2026 no jobs may run from 01:00 to 03:00 UTC.",  # one night or two windows
    "The research cluster is closed from 08:00 on 3 March 2026 until 18:00 on 4 March 2026 (Europe/Stockholm).",
    "The blackout on 2026-06-01 from 00:00 to 04:00 UTC was cancelled.",
    "The migration is scheduled for 5 May 2026 from 01:00 to 03:00 UTC.",  # no cue
    "Jobs may run in eu-west-1 on 5 May 2026 from 01:00 to 03:00 UTC.",  # permission
    "No jobs may run in eu-west-1 on 2026-06-03 from 01:00 to 03:00 UTC for the data team.",  # one team
    "No jobs may run in eu-west-1 on 2026-06-03 from 01:00 to 03:00 UTC, subject to approval by the CTO.",
    "Germany is blacked out on 2026-06-03.",  # no times
    "No jobs may run in eu-west-1 on 2026-06-03 from 03:00 to 01:00 UTC.",  # ends before it starts
    "No jobs may run in eu-west-1 on 5 May 2026 from 01:00 to 03:00 UTC if possible.",
    "This policy was approved on 12 January 2026 at 10:00 CET.",  # metadata
])
def test_refused(text: str) -> None:
    report = parse_policy_text(text, "p")
    assert not report.clauses, report.clauses
    assert report.unrecognised


# Round 2: a clause naming the work done in a dated window, or its reason, leaves the window as written; a weekday
# written with a date; "nor in X"; "jobs of all teams"; politeness; maintenance labels. Written for this test.
D = "2026-04-04T01:00:00Z", "2026-04-04T05:00:00Z"
NO_DE = "No jobs may run in DE from 2026-04-04 01:00 to 05:00 UTC"


@pytest.mark.parametrize("text, expected", [
    (f"{NO_DE} while the storage array is replaced.", [_w(*D, ["DE"])]),
    (f"{NO_DE} whilst engineers upgrade the core switches.", [_w(*D, ["DE"])]),
    (f"{NO_DE} while the vendor migrates the object store.", [_w(*D, ["DE"])]),
    (f"{NO_DE} while snapshots are taken.", [_w(*D, ["DE"])]),
    (f"{NO_DE} because the hall is being rewired.", [_w(*D, ["DE"])]),
    (f"{NO_DE}, because the cooling plant is serviced.", [_w(*D, ["DE"])]),
    (f"{NO_DE} because the site is reserved for the disaster-recovery drill.", [_w(*D, ["DE"])]),
    (f"{NO_DE} during the annual fire-safety inspection.", [_w(*D, ["DE"])]),
    (f"{NO_DE} so that the database can be backed up.", [_w(*D, ["DE"])]),
    (f"{NO_DE} to allow the switchgear to be replaced.", [_w(*D, ["DE"])]),
    (f"{NO_DE} to let the contractor install new racks.", [_w(*D, ["DE"])]),
    (f"{NO_DE}, being the night of the storage cut-over.", [_w(*D, ["DE"])]),
    (f"{NO_DE} as the UPS batteries are swapped.", [_w(*D, ["DE"])]),
    ("While the core network is upgraded, no jobs may run in DE from 2026-04-04 01:00 to 05:00 UTC.",
     [_w(*D, ["DE"])]),
    ("No services shall be performed in FR from 2026-06-01 00:00 to 04:00 CEST.",
     [_w("2026-05-31T22:00:00Z", "2026-06-01T02:00:00Z", ["FR"])]),
    ("No jobs of any team may run in eu-north-1 on 2026-07-01 from 00:00 to 02:00 UTC.",
     [_w("2026-07-01T00:00:00Z", "2026-07-01T02:00:00Z", EN1)]),
    ("eu-north-1 is closed to jobs from all teams on 2026-07-01 from 00:00 to 02:00 UTC.",
     [_w("2026-07-01T00:00:00Z", "2026-07-01T02:00:00Z", EN1)]),
    ("No jobs, whatever the team, may run in eu-north-1 on 2026-07-01 from 00:00 to 02:00 UTC.",
     [_w("2026-07-01T00:00:00Z", "2026-07-01T02:00:00Z", EN1)]),
    ("No jobs on Tuesday 2026-03-03 between 01:00 and 02:00 UTC in eu-west-1.",
     [_w("2026-03-03T01:00:00Z", "2026-03-03T02:00:00Z", EW1)]),
    ("No jobs may run in eu-west-1 on Tue, 03.03.2026 from 01:00 to 02:00 UTC.",
     [_w("2026-03-03T01:00:00Z", "2026-03-03T02:00:00Z", EW1)]),
    ("Blackout for GB on 2026-03-03 01:00-02:00 UTC, please don't schedule anything there.",
     [_w("2026-03-03T01:00:00Z", "2026-03-03T02:00:00Z", ["GB"])]),
    ("Maintenance closure: 2026-05-05 from 01:00 to 03:00 UTC; all regions are affected.",
     [_w("2026-05-05T01:00:00Z", "2026-05-05T03:00:00Z", None)]),
    ("Maintenance shutdown: 5 May 2026, 22:00 to 6 May 2026, 01:00 (UTC).",
     [_w("2026-05-05T22:00:00Z", "2026-05-06T01:00:00Z", None)]),
    ("No work shall be scheduled in DE between 09:00 and 10:00 UTC on 2 March 2026, nor in FR between 11:00 and "
     "12:00 UTC on 2 March 2026.",
     [_w("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", ["DE"]),
      _w("2026-03-02T11:00:00Z", "2026-03-02T12:00:00Z", ["FR"])]),
    (f"{NO_DE} while the firmware on the storage controllers is updated.", [_w(*D, ["DE"])]),
    (f"{NO_DE} - the DBAs are upgrading Postgres.", [_w(*D, ["DE"])]),
    (f"{NO_DE}, thanks.", [_w(*D, ["DE"])]),
    (f"{NO_DE} (disk swap, GPUs included).", [_w(*D, ["DE"])]),
    (f"{NO_DE}, urgent ones too.", [_w(*D, ["DE"])]),
    (f"{NO_DE}, whatever their size.", [_w(*D, ["DE"])]),
    ("The Customer's workloads shall not be executed in GB from 10:00 to 12:00 GMT on 3 March 2026.",
     [_w("2026-03-03T10:00:00Z", "2026-03-03T12:00:00Z", ["GB"])]),
])
def test_work_and_reason_clauses(text: str, expected: list[dict[str, Any]]) -> None:
    assert _windows(text) == expected


@pytest.mark.parametrize("text", [
    f"{NO_DE} while the grid is stressed.",  # a condition, not the work done
    f"{NO_DE} if demand is high.",
    f"{NO_DE} while carbon intensity is above 300 g.",
    f"{NO_DE} while prices peak.",
    f"{NO_DE} during grid emergencies.",
    f"{NO_DE} during peak demand.",
    f"{NO_DE} while it is sunny.",
    f"{NO_DE} whilst the site runs on generators.",  # no work named: a state
    f"{NO_DE} while the data team migrates its cluster.",  # a team
    f"{NO_DE} because urgent jobs take priority.",  # a category
    f"{NO_DE} while backups run in eu-west-1.",  # a second region
    f"{NO_DE} while the storage array is replaced, unless approved.",
    f"{NO_DE} while the window is being discussed.",
    f"{NO_DE} while the 2 GPUs are swapped.",  # a number, a part of the fleet
    f"{NO_DE} as long as maintenance lasts.",
    f"{NO_DE}, should maintenance be needed.",
    f"{NO_DE} during grid stress.",  # a condition
    f"{NO_DE} while the grid operator tests the interconnector at reduced load.",
    f"{NO_DE} while maintenance is tentatively planned.",
    f"{NO_DE} while the cluster is unavailable.",
    "No jobs may run in DE while backups are taken.",  # no window at all
    "No jobs of the data team may run in eu-north-1 on 2026-07-01 from 00:00 to 02:00 UTC.",
    "No jobs on Friday 2026-03-03 between 01:00 and 02:00 UTC in eu-west-1.",  # 3 March 2026 is a Tuesday
    "No jobs may run in eu-west-1 on Sat, 03.03.2026 from 01:00 to 02:00 UTC.",
    f"{NO_DE} because the previous window was cancelled.",  # the past
    f"{NO_DE} while we consider moving the racks.",  # a plan
    f"{NO_DE} - the grid is stressed then.",
    f"{NO_DE} - except urgent ones.",
    f"{NO_DE} - the data team is migrating.",
    f"{NO_DE}, GPU jobs only.",
])
def test_conditional_clauses_refused(text: str) -> None:
    report = parse_policy_text(text, "p")
    assert not report.clauses, report.clauses
    assert report.unrecognised


# Round 3: words outside every part are neutral, unless of a meaning-changer class
D3 = "2026-03-10T09:00:00Z", "2026-03-10T11:00:00Z"


@pytest.mark.parametrize("text, expected", [
    ("FYI: no jobs may run in eu-west-1 from 09:00 to 11:00 UTC on 10 March 2026.", [_w(*D3, EW1)]),
    ("Heads-up, scheduling is suspended in us-east-1 between 2026-03-10 09:00 and 11:00 UTC, sorry for the "
     "inconvenience.", [_w(*D3, ["us-east-1"])]),
    ("Sadly no workloads can run on 2026-03-10 between 09:00 and 11:00 UTC in DE.", [_w(*D3, ["DE"])]),
    ("Absolutely no jobs may run between 2026-03-10 09:00 and 11:00 UTC in FR.", [_w(*D3, ["FR"])]),
    ("No jobs may run in eu-north-1 from 09:00 to 11:00 UTC on 10 March 2026, full stop.", [_w(*D3, EN1)]),
    ("Kindly note: jobs cannot be launched on 2026-03-10 from 09:00 to 11:00 UTC in eu-north-1.", [_w(*D3, EN1)]),
    ("Attention: eu-west-1 goes dark on 2026-03-10 from 09:00 to 11:00 UTC.", [_w(*D3, EW1)]),
    ("Per policy, no batch work may run on 2026-03-10 from 09:00 to 11:00 UTC anywhere.", [_w(*D3, None)]),
    ("Folks, nothing runs in GB on 2026-03-10 between 09:00 and 11:00 UTC - the datacentre is re-cabling.",
     [_w(*D3, ["GB"])]),
    ("A quick heads-up: no jobs may run in FR on 2026-03-10 from 09:00 to 11:00 UTC.", [_w(*D3, ["FR"])]),
    ("Heads up — scheduling is halted in us-east-1 on 2026-03-10 from 09:00 to 11:00 UTC.",
     [_w(*D3, ["us-east-1"])]),
])
def test_one_off_neutral_words(text: str, expected: list[dict[str, Any]]) -> None:
    assert _windows(text) == expected


ON_D3 = "on 2026-03-10 from 09:00 to 11:00 UTC"


@pytest.mark.parametrize("text", [
    f"Manual jobs are not allowed {ON_D3}.",  # a word qualifying the subject
    f"No jobs may run in staging {ON_D3}.",  # an environment
    f"No jobs may run {ON_D3} for Acme.",  # for whom
    f"No jobs may run {ON_D3} on behalf of the City.",
    f"No jobs may run {ON_D3} after the launch.",  # a condition in time
    f"No jobs may run {ON_D3} on Bob's machines.",  # a part of the fleet
    f"No jobs may run {ON_D3} in FR, reportedly.",  # hearsay
    f"Please confirm no jobs may run {ON_D3} in FR.",  # a question
    f"The vendor says no jobs may run {ON_D3} in FR.",
    f"No jobs may run {ON_D3} in FR, postponed.",
    f"No jobs may run {ON_D3} on the legacy fleet.",
    f"No jobs may run {ON_D3} beyond 300 kW.",
    f"No jobs may run {ON_D3} in the Atlantis region.",  # an unknown place
    f"No jobs may run {ON_D3} during grid outages.",  # a label noun in a condition is not the cue
    f"Jobs run in FR during the planned outage {ON_D3}.",
    f"No jobs may run {ON_D3} in FR, backups aside.",  # an exception
    f"No jobs may run {ON_D3} in FR; backups still run.",
    f"No jobs may run {ON_D3} in FR, with a carve-out for backups.",
    f"No jobs may run {ON_D3} in FR, lol jk.",  # not serious
    f"No jobs may run {ON_D3} in FR, plus or minus an hour.",  # an approximation
    f"No jobs may run in FR and its neighbours {ON_D3}.",  # other places
    f"No jobs may run {ON_D3} in FR unlike DE.",  # two places related
    f"No jobs may run {ON_D3} in FR or DE, whichever is greener.",  # a choice
])
def test_one_off_changers_refused(text: str) -> None:
    report = parse_policy_text(text, "p")
    assert not report.clauses, report.clauses
    assert report.unrecognised
