"""Weekly blackouts read by their parts (cue, days, local times, zone, regions), and sentences that must
be refused. Sentences written for this test (not from bench/policy_eval)."""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text

WEEK = ["mon", "tue", "wed", "thu", "fri"]
ALL = [*WEEK, "sat", "sun"]


def _weekly(text: str) -> list[dict[str, Any]]:
    report = parse_policy_text(text, "p")
    assert report.clauses and not report.unrecognised, report.unrecognised
    assert {c.policy_field for c in report.clauses} == {"recurring_blackouts"}
    return [{k: w[k] for k in ("days", "start_local", "end_local", "timezone", "regions")}
            for w in report.policy.model_dump(mode="json")["recurring_blackouts"]]


@pytest.mark.parametrize("text, days, start, end, tz, regions", [
    ("No jobs may run in eu-west-1 every Sunday from 01:00 to 05:00 (Europe/Dublin).",
     ["sun"], "01:00", "05:00", "Europe/Dublin", ["eu-west-1"]),
    ("Every weekday between 18:00 and 20:00 UTC, nothing may be scheduled in GB.",
     WEEK, "18:00", "20:00", "UTC", ["GB"]),
    ("Weekends 00:00-06:00 Europe/Berlin: DE is blacked out.",
     ["sat", "sun"], "00:00", "06:00", "Europe/Berlin", ["DE"]),
    ("On Mondays and Thursdays, us-east-1 is unavailable for scheduling from 02:00 to 03:00 America/New_York.",
     ["mon", "thu"], "02:00", "03:00", "America/New_York", ["us-east-1"]),
    ("Each Friday, 17:00-19:00 Asia/Kolkata, ap-south-1 is off-limits.",
     ["fri"], "17:00", "19:00", "Asia/Kolkata", ["ap-south-1"]),
    ("us-west-2 is closed to new jobs every Tuesday and Thursday between 9 am and 11 am Pacific time.",
     ["tue", "thu"], "09:00", "11:00", "America/Los_Angeles", ["us-west-2"]),
    ("Scheduling is suspended in ERCO Monday through Friday from 16:00 to 20:00 America/Chicago.",
     WEEK, "16:00", "20:00", "America/Chicago", ["ERCO"]),
    ("Each weekday from 16:00 to 20:00 America/Chicago, ERCO is unavailable for scheduling.",
     WEEK, "16:00", "20:00", "America/Chicago", ["ERCO"]),
    ("Nightly maintenance window 01:00-02:00 UTC, fleet-wide.", ALL, "01:00", "02:00", "UTC", None),
    ("Every night from 23:00 to 01:00 UTC, nothing runs in eu-north-1.", ALL, "23:00", "01:00", "UTC", ["eu-north-1"]),
    ("Weekly freeze: Thursdays 22:00-23:00 UTC, all regions.", ["thu"], "22:00", "23:00", "UTC", None),
    ("Sat & Sun 00:00-04:00 UTC: no jobs in FR.", ["sat", "sun"], "00:00", "04:00", "UTC", ["FR"]),
    # a purpose before the rule is a reason: its 'weekend' is not a day
    ("To protect weekend settlement runs, no jobs may run in GB between 02:00 and 04:00 Europe/London every Saturday.",
     ["sat"], "02:00", "04:00", "Europe/London", ["GB"]),
    ("Every Monday, Wednesday and Friday from 02:00 to 03:00 UTC, no jobs may run in us-east-1.",
     ["mon", "wed", "fri"], "02:00", "03:00", "UTC", ["us-east-1"]),
    ("Scheduling is suspended every Friday from 18:00 to 20:00 UTC in FR.", ["fri"], "18:00", "20:00", "UTC", ["FR"]),
    ("No jobs may start in SE on Tuesdays and Thursdays between 9:00 a.m. and 11:00 a.m. Stockholm time.",
     ["tue", "thu"], "09:00", "11:00", "Europe/Stockholm", ["SE"]),
])
def test_weekly(text: str, days: list[str], start: str, end: str, tz: str, regions: list[str] | None) -> None:
    assert _weekly(text) == [{"days": days, "start_local": start, "end_local": end, "timezone": tz,
                              "regions": regions}]


@pytest.mark.parametrize("text", [
    "Every first Monday of the month from 02:00 to 04:00 UTC, us-east-1 is frozen.",  # monthly
    "On the last Friday of each month, us-east-1 is blacked out from 01:00 to 03:00 UTC.",
    "Every other Sunday, us-east-1 is blacked out from 01:00 to 03:00 UTC.",  # fortnightly
    "On Sundays in summer, us-east-1 is blacked out from 01:00 to 03:00 UTC.",  # seasonal
    "Every Sunday in March, us-east-1 is blacked out from 01:00 to 03:00 UTC.",
    "Typically, no jobs run in DE on Sundays from 00:00 to 04:00 UTC.",  # a description
    "Fridays 22:00-23:00 and Saturdays 01:00-02:00 UTC: no jobs.",  # each day its own window
    "No jobs may run from Friday 22:00 to Monday 06:00 UTC.",  # one window across days
    "No jobs may run on weeknights from 22:00 to 06:00 UTC.",  # which nights?
    "No jobs on Sundays 01:00-03:00 Europe/Berlin unless the grid is clean.",  # condition
    "We might add a weekly blackout on Sundays from 01:00 to 03:00 UTC in DE.",  # a plan
    "Sustainable jobs may not run on Sundays from 01:00 to 03:00 UTC.",  # one category
    "No jobs may run on Sundays from 01:00 to 03:00 in eu-west-1.",  # no zone
    "Every Sunday until 30 June 2026, us-east-1 is blacked out from 01:00 to 03:00 UTC.",  # bounded
    "Support is available on weekdays from 09:00 to 17:00 UTC.",  # no cue
    "The nightly backup runs from 01:00 to 03:00 UTC.",
    "Ideally, no jobs run in GB on weekdays between 16:00 and 19:00 Europe/London.",  # a wish
    "No jobs may run in DE this weekend from 00:00 to 06:00 Europe/Berlin.",  # a relative date
    "Jobs in GB used to be blocked on Sundays from 01:00 to 03:00 UTC.",  # the past
    "Every year on 1 May, all regions are blacked out from 00:00 to 06:00 UTC.",  # yearly
    "No jobs may run on Sundays from 01:00 to 03:00 UTC during the holidays.",
    "Every Saturday, no jobs may run in eu-west-1 from 01:00 to 03:00 UTC except urgent ones.",
    "Maybe every Sunday from 01:00 to 03:00 UTC should be a blackout.",
    "Each Monday from 02:00 to 03:00 UTC, nothing runs in eu-west-1 for the data team.",
    "Mondays 02:00-03:00 UTC: no jobs for tenants on the trial plan.",
])
def test_refused(text: str) -> None:
    report = parse_policy_text(text, "p")
    assert not report.clauses, report.clauses
    assert report.unrecognised


# Round 2: "every Monday to Friday" is the five days; a clause naming the work done in the weekly window, or its
# reason, leaves the window as written; "jobs of all teams". Written for this test.
SUN = "Every Sunday from 01:00 to 03:00 UTC, no jobs may run in DE"


@pytest.mark.parametrize("text, days, start, end, tz, regions", [
    ("eu-north-1 is closed to jobs every Monday to Friday from 21:00 to 23:00 (Europe/Stockholm).",
     WEEK, "21:00", "23:00", "Europe/Stockholm", ["eu-north-1"]),
    ("Each Monday through Thursday 01:00-02:00 UTC, nothing runs in GB.",
     ["mon", "tue", "wed", "thu"], "01:00", "02:00", "UTC", ["GB"]),
    ("On every Tue to Thu from 03:00 to 04:00 UTC no jobs may run in FR.",
     ["tue", "wed", "thu"], "03:00", "04:00", "UTC", ["FR"]),
    ("No jobs may run in DE every Friday to Monday from 01:00 to 02:00 UTC.",
     ["mon", "fri", "sat", "sun"], "01:00", "02:00", "UTC", ["DE"]),
    (f"{SUN} while backups are taken.", ["sun"], "01:00", "03:00", "UTC", ["DE"]),
    (f"{SUN} whilst the storage is re-indexed.", ["sun"], "01:00", "03:00", "UTC", ["DE"]),
    (f"{SUN} because the region is reserved for backups.", ["sun"], "01:00", "03:00", "UTC", ["DE"]),
    (f"{SUN} so that the databases can be patched.", ["sun"], "01:00", "03:00", "UTC", ["DE"]),
    (f"{SUN} to allow routine maintenance.", ["sun"], "01:00", "03:00", "UTC", ["DE"]),
    ("No jobs run in any region during weekly preventive maintenance, Wednesdays 07:00-09:00 UTC.",
     ["wed"], "07:00", "09:00", "UTC", None),
    ("Every Saturday and Sunday from 22:00 to 23:00 UTC, GB is closed to jobs of all teams for weekly patching.",
     ["sat", "sun"], "22:00", "23:00", "UTC", ["GB"]),
    ("Every Sunday 01:00-03:00 UTC, eu-west-1 is closed to jobs whatever the team.",
     ["sun"], "01:00", "03:00", "UTC", ["eu-west-1"]),
    ("Every Sunday 01:00-03:00 UTC, eu-west-1 is closed to jobs regardless of category.",
     ["sun"], "01:00", "03:00", "UTC", ["eu-west-1"]),
    (f"{SUN}, pls don't schedule anything there.", ["sun"], "01:00", "03:00", "UTC", ["DE"]),
    (f"{SUN} while the cluster is upgraded.", ["sun"], "01:00", "03:00", "UTC", ["DE"]),
    (f"{SUN} while engineers replace failed disks.", ["sun"], "01:00", "03:00", "UTC", ["DE"]),
    (f"{SUN} because the weekly restore test runs then.", ["sun"], "01:00", "03:00", "UTC", ["DE"]),
    ("Weekly maintenance window: Mondays 02:00-03:00 UTC, all regions are affected.",
     ["mon"], "02:00", "03:00", "UTC", None),
    ("Every Mon-Fri 12:00-13:00 UTC no jobs may run in FR while logs are rotated.",
     WEEK, "12:00", "13:00", "UTC", ["FR"]),
    ("Every Saturday 02:00-04:00 UTC, no jobs run in us-east-1, so the database can be backed up.",
     ["sat"], "02:00", "04:00", "UTC", ["us-east-1"]),
    ("Every Thursday from 20:00 to 22:00 UTC no jobs may run in GB as the network is reconfigured.",
     ["thu"], "20:00", "22:00", "UTC", ["GB"]),
    ("Every Sunday 01:00-03:00 UTC, no jobs of any kind may run in DE during the backup.",
     ["sun"], "01:00", "03:00", "UTC", ["DE"]),
    ("Every Sunday 01:00-03:00 UTC, no jobs from any tenant may run in DE.",
     ["sun"], "01:00", "03:00", "UTC", ["DE"]),
    ("Every Monday to Friday from 22:00 until 06:00 the following morning (Europe/Berlin), DE is closed to jobs.",
     WEEK, "22:00", "06:00", "Europe/Berlin", ["DE"]),
    ("Every Wednesday from 07:00 to 08:00 UTC, nothing runs in FR while the firewall rules are updated.",
     ["wed"], "07:00", "08:00", "UTC", ["FR"]),
])
def test_weekly_round2(text: str, days: list[str], start: str, end: str, tz: str, regions: list[str] | None) -> None:
    assert _weekly(text) == [{"days": days, "start_local": start, "end_local": end, "timezone": tz,
                              "regions": regions}]


@pytest.mark.parametrize("text", [
    f"{SUN} while the grid is stressed.",
    f"{SUN} if demand is high.",
    f"{SUN} while carbon intensity is high.",
    f"{SUN} during peak hours.",
    f"{SUN} while solar output is low.",
    f"{SUN} during grid alerts.",
    f"{SUN} while the cluster is idle.",
    f"{SUN} while the monthly patch is applied.",  # not weekly
    f"{SUN} while the research team retrains its models.",
    f"{SUN} because sustainable jobs are paused.",
    f"{SUN} while backups run in FR.",
    f"{SUN} while backups are taken, except in summer.",
    f"{SUN} while the 4 nodes are re-imaged.",
    f"{SUN} while the upgrade is discussed.",
    f"{SUN} whenever backups are taken.",
    f"{SUN} as long as the migration lasts.",
    f"{SUN}, provided maintenance is scheduled.",
    f"{SUN} while there is an outage.",
    f"{SUN} during emergencies.",
    "No jobs may run in DE every Sunday while backups are taken.",  # no times
    "Every Monday to Friday from 22:00 to 06:00 UTC, except holidays, eu-north-1 is closed.",
    "Every Sunday 01:00-03:00 UTC, no jobs of the data team may run in DE.",
    "Every Monday to Friday from 22:00 to 06:00, eu-north-1 is closed.",  # no zone
    f"{SUN} because backups used to run then.",
    f"{SUN} while the grid operator asks us to shed load.",
])
def test_weekly_conditions_refused(text: str) -> None:
    report = parse_policy_text(text, "p")
    assert not report.clauses, report.clauses
    assert report.unrecognised


# Round 3: words outside every part are neutral (a greeting, a remark, an adverb), unless of a meaning-changer class
@pytest.mark.parametrize("text, days, start, end, tz, regions", [
    ("Hi all, scheduling is paused every Sunday 03:00-05:00 UTC in eu-west-1 as per our runbook.",
     ["sun"], "03:00", "05:00", "UTC", ["eu-west-1"]),
    ("As usual, nothing runs every Saturday 01:00-03:00 UTC.", ["sat"], "01:00", "03:00", "UTC", None),
    ("Friendly reminder that jobs are not to be started every Saturday 01:00-02:00 UTC in SE.",
     ["sat"], "01:00", "02:00", "UTC", ["SE"]),
    ("Strictly no jobs in DE every Wednesday 22:00-23:00 UTC.", ["wed"], "22:00", "23:00", "UTC", ["DE"]),
    ("Going forward, no jobs may run every Friday 18:00-20:00 UTC in ap-south-1.",
     ["fri"], "18:00", "20:00", "UTC", ["ap-south-1"]),
    ("Effective now, scheduling is frozen every Monday 00:00-01:00 UTC.", ["mon"], "00:00", "01:00", "UTC", None),
    ("Sadly, jobs must not run every Sunday 02:00-04:00 UTC in FR, no exceptions.",
     ["sun"], "02:00", "04:00", "UTC", ["FR"]),
    ("Folks: the scheduler must not start jobs in GB every Thursday 21:00-22:00 UTC, cheers.",
     ["thu"], "21:00", "22:00", "UTC", ["GB"]),
])
def test_weekly_neutral_words(text: str, days: list[str], start: str, end: str, tz: str,
                              regions: list[str] | None) -> None:
    assert _weekly(text) == [{"days": days, "start_local": start, "end_local": end, "timezone": tz,
                              "regions": regions}]


W = "every Sunday 02:00-04:00 UTC"


@pytest.mark.parametrize("text", [
    f"ML jobs must not run {W} in FR.",  # a word qualifying the subject
    f"Cron jobs must not run {W}.",
    f"Spot workloads are suspended {W}.",
    f"Experimental jobs must not run {W} in FR.",
    f"No jobs may run unattended {W}.",  # a word qualifying the verb
    f"No jobs may run {W} outside FR.",  # an exclusion of places
    f"No jobs may run {W} in FR instead of DE.",
    f"No jobs may run {W} during the pilot.",  # a period
    f"No jobs may run {W} for three weeks.",  # a number in words
    f"No jobs may run {W} on prod clusters.",  # a part of the fleet
    f"No jobs may run {W} in the Oslo cluster.",
    f"No jobs may run {W} on internal racks.",
    f"The staging fleet is closed {W}.",
    f"No jobs may run {W} until the end of the trial.",
    f"Imagine no jobs may run {W} in FR.",  # a hypothesis
    f"No jobs may run {W} in FR, negotiable.",  # not a firm rule
    f"We are pausing jobs in Tokyo {W}.",  # an unknown place
    f"No jobs may run {W} during grid outages.",  # a label noun in a condition is not the cue
    f"Jobs run in us-east-1 during grid outages {W}.",
    f"Jobs keep running through change freezes {W}.",
    f"No jobs may run {W} in FR; DE stays open.",  # another statement about a place
    f"No jobs may run {W} in FR, give or take.",  # an approximation
    f"No jobs may run {W} in FR for the duration of the migration.",  # a period
    f"Blackout {W} in FR is abolished.",  # the past
    f"Retired: no jobs may run {W} in FR.",
])
def test_weekly_changers_refused(text: str) -> None:
    report = parse_policy_text(text, "p")
    assert not report.clauses, report.clauses
    assert report.unrecognised
