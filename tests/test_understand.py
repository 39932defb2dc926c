"""The offline reader (copilot.agent.understand): tools, arguments, polarity, questions back, follow-ups.

Every phrasing here was written for this test (none is copied from bench/agent_eval); expected
values are worked out by hand from the stated clock, Monday 2026-03-16 10:00 UTC (ISO week
2026-W12), so they do not coincide with the eval corpora's clock either.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from copilot.agent.offline import OfflineRouter
from copilot.agent.polarity import WRITE_TOOLS
from copilot.agent.understand import World, understand
from copilot.agent.understand.places import find_places
from copilot.agent.understand.when import DayRange, day_range, horizon_hours, week_of
from copilot.agent.understand.words import normalise, number_value

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)
TEAMS = ("ml", "data", "web", "platform", "research", "finance-ops")
WORLD = World(now=NOW, teams=TEAMS)


def calls(text: str, world: World = WORLD) -> list[tuple[str, dict[str, Any]]]:
    return [(c.tool, c.args) for c in understand(text, world).calls]


@pytest.mark.parametrize("text, tool, args", [
    ("what's the fleet's total carbon so far?", "account", {}),
    ("give me the headline numbers", "account", {}),
    ("co2 per region for platform over the last 2 days", "emissions",
     {"group_by": "region", "team": "platform", "start": "2026-03-14", "end": "2026-03-15"}),
    ("hour-by-hour emissions in Oregon on Saturday", "emissions",
     {"group_by": "hour", "region": "us-west-2", "start": "2026-03-14", "end": "2026-03-14"}),
    ("how much did finance-ops emit in February?", "emissions",
     {"team": "finance-ops", "start": "2026-02-01", "end": "2026-02-28", "group_by": "region"}),
    ("daily footprint of the web team from 2 to 9 March", "emissions",
     {"team": "web", "group_by": "day", "start": "2026-03-02", "end": "2026-03-09"}),
    ("emissions for Ireland since the 10th", "emissions",
     {"region": "eu-west-1", "start": "2026-03-10", "group_by": "team"}),
    ("grid outlook for Paris over the coming 3 days", "forecast", {"region": "FR", "hours": 72}),
    ("ridge forecast for Boston, 12h", "forecast", {"region": "ISNE", "hours": 12, "model": "ridge"}),
    ("when's the cleanest slot to train in Virginia within the next day?", "forecast",
     {"region": "us-east-1", "hours": 24}),
    ("spin up a synthetic fleet: three weeks, 800 jobs a day, seed 5", "simulate",
     {"days": 21, "jobs_per_day": 800.0, "seed": 5}),
    ("re-plan the next 30 hours with the optimal solver at 75 dollars per tonne", "plan",
     {"days": 2, "solver": "exact", "carbon_price_usd_per_t": 75.0}),
    ("top 4 power-capping suggestions for research that were approved", "recommendations",
     {"limit": 4, "kind": "power_cap", "team": "research", "status": "approved"}),
    ("roll out plan 00ff00ff00ff00ff", "execute", {"plan_id": "00ff00ff00ff00ff"}),
    ("check whether the savings of plan 00ff00ff00ff00ff hold up", "verify", {"plan_id": "00ff00ff00ff00ff"}),
    ("what backs 1111222233334444?", "evidence", {"verification_id": "1111222233334444"}),
    ("how much kgCO2eSave have we minted?", "balances", {}),
    ("which regions may the data team use?", "policy", {}),
    ("the team digest for platform, week 11", "summary", {"week": "2026-W11", "team": "platform"}),
    ("last week's recap", "summary", {"week": "2026-W11"}),
    ("tokenise verification 1111222233334444", "mint", {"verification_id": "1111222233334444"}),
])
def test_one_request_one_tool_with_its_arguments(text: str, tool: str, args: dict[str, Any]) -> None:
    assert calls(text) == [(tool, args)]


def test_several_requests_in_one_message_run_in_the_order_written() -> None:
    assert calls("plan the next 4 days, then execute it; verify plan 00ff00ff00ff00ff afterwards") == [
        ("plan", {"days": 4}), ("execute", {}), ("verify", {"plan_id": "00ff00ff00ff00ff"})]
    assert calls("forecast Dublin and Stockholm for 6 hours") == [
        ("forecast", {"region": "eu-west-1", "hours": 6}), ("forecast", {"region": "eu-north-1", "hours": 6})]
    assert calls("summaries for web and research") == [("summary", {"team": "web"}), ("summary", {"team": "research"})]


@pytest.mark.parametrize("text", [
    "please do not execute anything today",
    "hold the mint of 1111222233334444 until Friday",
    "would executing the plan cut our costs?",
    "if we verify now, can we verify again later?",
    "suppose we simulated 200 days - what then?",
    "is it wise to re-plan with a higher carbon price?",
    "undo the mint of 1111222233334444",
    "what is a synthetic fleet good for?",
    "not sure whether we should apply the recommendations",
])
def test_negations_questions_and_undo_run_no_write(text: str) -> None:
    reading = understand(text, WORLD)
    assert not [c.tool for c in reading.calls if c.tool in WRITE_TOOLS]
    assert reading.reply  # it answers in words instead


def test_a_negated_short_form_runs_no_write() -> None:
    assert calls("no need for a new sim, just data team emissions for yesterday") == [
        ("emissions", {"team": "data", "start": "2026-03-15", "end": "2026-03-15", "group_by": "region"})]


def test_a_negated_write_keeps_the_read_the_request_also_asks_for() -> None:
    reading = understand("don't re-plan, just show me the rejected recs", WORLD)
    assert [(c.tool, c.args.get("status")) for c in reading.calls] == [("recommendations", "rejected")]
    assert reading.dropped == ["plan"]


@pytest.mark.parametrize("text, fragment", [
    ("forecast tomorrow", "Which region"),
    ("forecast Europe", "could mean"),
    ("emissions in eu-south-2", "not a region I know"),
    ("what did the sre team emit?", "don't know a team called 'sre'"),
    ("emissions of ml-platform", "ml-platform"),
    ("execute plan 00ff00ff", "too short"),
    ("show me the evidence", "Which verification"),
    ("simulate 3 years", "at most 365 days"),
    ("forecast Dublin for 10 days", "at most 168 hours"),
    ("mint 300 kgCO2eSave to 0x52908400098527886E0F7030069857D2E4169EE7", "never chosen in chat"),
])
def test_it_asks_instead_of_guessing(text: str, fragment: str) -> None:
    reading = understand(text, WORLD)
    assert reading.kind == "clarify" and not reading.calls
    assert fragment in (reading.reply or "")


def test_teams_come_from_the_ledger_not_a_fixed_list() -> None:
    assert calls("emissions of team finance-ops") == [("emissions", {"team": "finance-ops", "group_by": "region"})]
    other = World(now=NOW, teams=("astro", "bio"))
    assert calls("what did the astro team emit last week?", other)[0][1]["team"] == "astro"
    assert understand("what did the ml team emit?", other).kind == "clarify"


@pytest.mark.parametrize("text, kind", [
    ("thanks, that's all", "small_talk"),
    ("send 5 tokens to the data team", "out_of_scope"),
    ("make bob an approver", "out_of_scope"),
    ("what does power capping mean?", "explain"),
])
def test_requests_no_tool_serves_get_a_reply(text: str, kind: str) -> None:
    reading = understand(text, WORLD)
    assert (reading.kind, reading.calls) == (kind, [])


def test_typos_are_repaired_towards_the_vocabulary_only() -> None:
    assert normalise("Forcast the emisions") == "forecast the emissions"
    assert normalise("plant a tree") == "plant a tree"  # ordinary words stay
    assert calls("verfiy plan 00ff00ff00ff00ff") == [("verify", {"plan_id": "00ff00ff00ff00ff"})]


@pytest.mark.parametrize("text, expected", [
    ("today", DayRange(date(2026, 3, 16), date(2026, 3, 16))),
    ("yesterday", DayRange(date(2026, 3, 15), date(2026, 3, 15))),
    ("last week", DayRange(date(2026, 3, 9), date(2026, 3, 15))),
    ("this week", DayRange(date(2026, 3, 16), date(2026, 3, 16))),
    ("last month", DayRange(date(2026, 2, 1), date(2026, 2, 28))),
    ("the past 3 days", DayRange(date(2026, 3, 13), date(2026, 3, 15))),
    ("last friday", DayRange(date(2026, 3, 13), date(2026, 3, 13))),
    ("since wednesday", DayRange(date(2026, 3, 11), None)),
    ("between 28 feb and 3 mar", DayRange(date(2026, 2, 28), date(2026, 3, 3))),
    ("dec 30 through jan 2", DayRange(date(2025, 12, 30), date(2026, 1, 2))),
    ("on 2025-11-05", DayRange(date(2025, 11, 5), date(2025, 11, 5))),
    ("until 4 march", DayRange(None, date(2026, 3, 4))),
    ("during 2026-w10", DayRange(date(2026, 3, 2), date(2026, 3, 8))),
    ("on christmas day", DayRange(date(2025, 12, 25), date(2025, 12, 25))),
    ("mar 16 through mar 18", DayRange(date(2026, 3, 16), date(2026, 3, 18))),  # the end follows the start
    ("between xmas and new year's eve", DayRange(date(2025, 12, 25), date(2025, 12, 31))),
    ("over the past fortnight", DayRange(date(2026, 3, 2), date(2026, 3, 15))),
    ("the last two full weeks", DayRange(date(2026, 3, 2), date(2026, 3, 15))),
    ("from 12/30 through jan 3", DayRange(date(2025, 12, 30), date(2026, 1, 3))),  # not December 1930
    ("since last monday", DayRange(date(2026, 3, 9), None)),
    ("since the start of the month", DayRange(date(2026, 3, 1), None)),
])
def test_day_ranges(text: str, expected: DayRange) -> None:
    assert day_range(text, NOW) == expected


def test_no_time_named_is_none_not_all_time_silently() -> None:
    assert day_range("emissions by team", NOW) is None


@pytest.mark.parametrize("text, week", [
    ("this week", "2026-W12"), ("last week", "2026-W11"), ("three weeks ago", "2026-W09"),
    ("w05", "2026-W05"), ("2025-W52", "2025-W52"), ("the week of 4 march", "2026-W10"),
])
def test_iso_weeks(text: str, week: str) -> None:
    assert week_of(text, NOW) == week


@pytest.mark.parametrize("text, hours", [
    ("next 36 hours", 36), ("a 3 day forecast", 72), ("for a week", 168), ("90d", 2160),
    ("over the next day", 24), ("a 4-hour training job over the next 2 days", 48), ("250 jobs a day", None),
    ("by day", None),
])
def test_horizons(text: str, hours: int | None) -> None:
    assert horizon_hours(text) == hours


def test_numbers_in_words_and_magnitudes() -> None:
    assert (number_value("two"), number_value("1.5k"), number_value("dozen")) == (2.0, 1500.0, 12.0)


def test_places() -> None:
    assert find_places("frankfurt and mumbai").regions == ["DE", "ap-south-1"]
    assert set(find_places("the us").ambiguous["us"]) >= {"us-east-1", "us-west-2"}
    assert find_places("us-central-9").unknown == ["us-central-9"]


def _router_turn(router: OfflineRouter, history: list[Any]) -> AIMessage:
    return router.respond(history)


def test_follow_ups_change_the_previous_read() -> None:
    router = OfflineRouter(world=lambda: WORLD)
    history: list[Any] = [HumanMessage("what did team ml emit last week?")]
    first = _router_turn(router, history)
    assert first.tool_calls[0]["args"] == {"team": "ml", "start": "2026-03-09", "end": "2026-03-15",
                                           "group_by": "region"}
    history += [first, ToolMessage('{"rows": []}', tool_call_id=first.tool_calls[0]["id"]), AIMessage("ok"),
                HumanMessage("and by day?")]
    second = _router_turn(router, history)
    assert second.tool_calls[0]["name"] == "emissions"
    assert second.tool_calls[0]["args"] == {"team": "ml", "start": "2026-03-09", "end": "2026-03-15",
                                            "group_by": "day"}
    history += [second, ToolMessage('{"rows": []}', tool_call_id=second.tool_calls[0]["id"]), AIMessage("ok"),
                HumanMessage("now for web")]
    third = _router_turn(router, history)
    assert third.tool_calls[0]["args"]["team"] == "web"
    assert third.tool_calls[0]["args"]["group_by"] == "day"


def test_a_follow_up_never_repeats_a_write() -> None:
    router = OfflineRouter(world=lambda: WORLD)
    history: list[Any] = [HumanMessage("plan the next 2 days")]
    first = _router_turn(router, history)
    assert first.tool_calls[0]["name"] == "plan"
    history += [first, ToolMessage('{"plan_id": "x"}', tool_call_id=first.tool_calls[0]["id"]), AIMessage("ok"),
                HumanMessage("and for 3 days?")]
    assert not _router_turn(router, history).tool_calls


def test_the_offline_router_says_what_it_did_not_run() -> None:
    router = OfflineRouter(world=lambda: WORLD)
    history: list[Any] = [HumanMessage("don't plan anything, just the policy")]
    first = _router_turn(router, history)
    assert first.tool_calls[0]["name"] == "policy"
    history += [first, ToolMessage('{"active": false, "note": "no active policy"}',
                                   tool_call_id=first.tool_calls[0]["id"])]
    assert "did not run plan" in str(_router_turn(router, history).content)


def test_the_chat_reads_against_the_ledgers_teams_and_the_end_of_its_history(ledger: Any) -> None:
    from copilot.services.fleet import chat_context, run_simulation
    from tools.simulate import SimulationConfig

    run_simulation(ledger, SimulationConfig(days=3, seed=7, jobs_per_day=200), telemetry=False)
    jobs = ledger.load_jobs(ledger.latest_run()["run_id"])
    last_start = max(jobs["start_utc"]).to_pydatetime()
    now, teams = chat_context(ledger, machine_now=datetime(2027, 6, 1, tzinfo=UTC))
    assert teams == tuple(sorted(set(jobs["team"])))
    assert now == last_start  # the machine clock is past the history: "yesterday" means its end
    early = datetime(2000, 1, 1, tzinfo=UTC)
    assert chat_context(ledger, machine_now=early)[0] == early  # a clock inside the history is kept


def test_an_empty_ledger_gives_the_machine_clock_and_no_teams(ledger: Any) -> None:
    from copilot.services.fleet import chat_context

    moment = datetime(2026, 5, 5, 5, tzinfo=UTC)
    assert chat_context(ledger, machine_now=moment) == (moment, ())


def test_minting_the_verified_savings_verifies_first_to_name_the_verification() -> None:
    reading = understand("mint the verified savings", WORLD)
    assert [c.tool for c in reading.calls] == ["verify", "mint"]
    assert calls("verify plan 00ff00ff00ff00ff, then mint the savings")[0] == (
        "verify", {"plan_id": "00ff00ff00ff00ff"})


def test_the_neighbour_fallback_suggests_reads_only_and_only_when_close() -> None:
    from copilot.agent.understand.neighbours import READ_TOOLS, suggest

    for text in ("please go ahead and do the thing", "zzzz qqqq", "mint it now", "execute everything"):
        guess = suggest(text)
        assert guess is None or guess in READ_TOOLS
    assert suggest("xkcd lorem ipsum dolor") is None  # nothing close enough


def test_a_write_is_never_started_by_resemblance() -> None:
    # no tool word: the fallback may suggest only a read, so nothing here can run a write
    for text in ("the usual, like last time", "same as before for the batch people", "do the needful"):
        assert not [c for c in understand(text, WORLD).calls if c.tool in WRITE_TOOLS]


@pytest.mark.parametrize("text", [
    "how much energy did the simulated fleet use on Monday?",
    "emissions of the rescheduled jobs, by region",
    "the minting log for this month",
    "forecast for Paris across a 3 day planning window",
    "what does our policy say about executing without sign-off?",
    "is re-planning slow?",
    "has plan 00ff00ff00ff00ff been executed already?",
    "show the optimised schedule for research",
])
def test_write_words_used_as_nouns_or_topics_run_no_write(text: str) -> None:
    assert not [c.tool for c in understand(text, WORLD).calls if c.tool in WRITE_TOOLS]


@pytest.mark.parametrize("text, tool", [
    ("greedy plan, 5 days, 60 USD/t", "plan"),
    ("could you put together a placement plan for the week?", "plan"),
    ("the plan needs to be executed", "execute"),
    ("ok so, mint 1111222233334444", "mint"),
    ("new sim, 10 days", "simulate"),
])
def test_write_requests_in_unusual_shapes_still_run(text: str, tool: str) -> None:
    assert [c.tool for c in understand(text, WORLD).calls] == [tool]


@pytest.mark.parametrize("text, args", [
    ("plan 3 days at a hundred and twenty-five dollars a tonne", {"days": 3, "carbon_price_usd_per_t": 125.0}),
    ("plan with carbon priced at 4.5 cents per kg", {"carbon_price_usd_per_t": 45.0}),
    ("plan a week, price 0, the quick way", {"days": 7, "carbon_price_usd_per_t": 0.0, "solver": "greedy"}),
    ("plan: solver=exact days=12", {"solver": "exact", "days": 12}),
    ("plan for a day and a half with the mixed-integer solver", {"days": 2, "solver": "exact"}),
])
def test_plan_arguments_as_people_write_them(text: str, args: dict[str, Any]) -> None:
    assert calls(text) == [("plan", args)]


def test_a_second_run_of_the_same_tool_shares_what_the_first_stated() -> None:
    assert calls("plan the next 2 days at $40/t greedily, and again with the exact solver") == [
        ("plan", {"days": 2, "carbon_price_usd_per_t": 40.0, "solver": "greedy"}),
        ("plan", {"days": 2, "carbon_price_usd_per_t": 40.0, "solver": "exact"})]


@pytest.mark.parametrize("text, args", [
    ("emissions for february 2026 by team", {"start": "2026-02-01", "end": "2026-02-28", "group_by": "team"}),
    ("emissions between new year and the 4th", {"start": "2026-01-01", "end": "2026-01-04", "group_by": "team"}),
    ("emissions three weeks back", {"start": "2026-02-23", "end": "2026-03-01", "group_by": "team"}),
    ("emissions for the first week of march", {"start": "2026-03-01", "end": "2026-03-07", "group_by": "team"}),
    ("emissions yesterday and today", {"start": "2026-03-15", "end": "2026-03-16", "group_by": "team"}),
    ("emissions from 3/2 to 3/9", {"start": "2026-03-02", "end": "2026-03-09", "group_by": "team"}),  # M/D
    ("emissions from 2/3 to 9/3", {"start": "2026-03-02", "end": "2026-03-09", "group_by": "team"}),  # D/M
])
def test_more_time_expressions(text: str, args: dict[str, Any]) -> None:
    assert calls(text) == [("emissions", args)]


def test_several_plans_or_paired_forecasts_in_one_message() -> None:
    assert [c[1]["plan_id"] for c in calls("execute 1111222233334444 and 5555666677778888")] == [
        "1111222233334444", "5555666677778888"]
    assert calls("forecast Dublin 12h with ridge and Paris 12h with lstm") == [
        ("forecast", {"region": "eu-west-1", "hours": 12, "model": "ridge"}),
        ("forecast", {"region": "FR", "hours": 12, "model": "lstm"})]


def test_places_no_region_covers_get_a_question() -> None:
    reading = understand("emissions in Tokyo last week", WORLD)
    assert reading.kind == "clarify" and "tokyo" in (reading.reply or "")


@pytest.mark.parametrize("text, expected", [
    ("not the forecast, I want emissions for Oregon yesterday",
     [("emissions", {"region": "us-west-2", "start": "2026-03-15", "end": "2026-03-15", "group_by": "team"})]),
    ("without executing anything, what does plan 00ff00ff00ff00ff recommend?",
     [("recommendations", {"plan_id": "00ff00ff00ff00ff", "limit": 10})]),
    ("emissions in São Paulo", None),
    ("emissions on new year's eve", [("emissions", {"start": "2025-12-31", "end": "2025-12-31", "group_by": "team"})]),
])
def test_reads_after_a_negated_read_accents_and_holidays(text: str, expected: list[Any] | None) -> None:
    reading = understand(text, WORLD)
    if expected is None:
        assert reading.kind == "clarify"
    else:
        assert [(c.tool, c.args) for c in reading.calls] == expected


def test_ids_are_checked_against_the_ledger_when_it_is_known() -> None:
    held = {"00ff00ff00ff00ff": "plan", "1111222233334444": "verification"}
    world = World(now=NOW, teams=TEAMS, id_kind=held.get)
    assert calls("execute plan 00ff00ff00ff00ff", world) == [("execute", {"plan_id": "00ff00ff00ff00ff"})]
    unknown = understand("execute plan 9999888877776666", world)
    assert unknown.kind == "clarify" and "no plan 9999888877776666" in (unknown.reply or "")
    swapped = understand("mint 00ff00ff00ff00ff", world)
    assert swapped.kind == "clarify" and "is a plan id" in (swapped.reply or "")
    assert calls("show me 00ff00ff00ff00ff", world)[0][0] == "recommendations"  # the ledger says it is a plan
    assert calls("show me 1111222233334444", world)[0][0] == "evidence"


def test_id_kind_reads_the_ledger(ledger: Any) -> None:
    from copilot.services.fleet import id_kind

    assert id_kind(ledger, "0123456789abcdef") is None


def test_a_later_part_can_take_the_period_an_earlier_part_named() -> None:
    assert calls("last week's emissions by team plus the weekly summary for that week") == [
        ("emissions", {"start": "2026-03-09", "end": "2026-03-15", "group_by": "team"}),
        ("summary", {"week": "2026-W11"})]


def test_words_near_a_command_are_not_read_as_it() -> None:
    assert calls("reschedule jobs into cleaner hours over the next 18 hours")[0][0] == "plan"  # not a typo
    assert calls("list the suggestions that have been tokenized")[0][1]["status"] == "minted"
    assert calls("need per-team co2 for december")[0] == (
        "emissions", {"start": "2025-12-01", "end": "2025-12-31", "group_by": "team"})  # 'co2' is no team
    assert calls("which locations were dirtiest this month?")[0][1]["group_by"] == "region"


def test_cities_of_registered_countries_name_their_region() -> None:
    assert calls("forecast Lyon for 2 days")[0] == ("forecast", {"region": "FR", "hours": 48})
    assert calls("emissions in Glasgow yesterday")[0][1]["region"] == "GB"
