"""The numbers guard on a table of adversarial and legitimate answers (written for this test).

Each row is (answer, tool results as the tools return them, expected verdict). Sources are wired
as the graph wires them (``copilot.agent.graph.turn_sources``): every result becomes a tool
message and only successful ones count, so a row may hold a failed call or a refusal.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import ToolMessage

from copilot.agent.graph import turn_sources
from copilot.agent.guard import check_numbers

ACCOUNT = {"run_id": "9a41c07e55d2b318", "jobs": 18452, "basis": "lifecycle", "total_kgco2e": 1487.3,
           "lower_kgco2e": 1102.9, "upper_kgco2e": 1871.6, "total_kwh": 4925.4, "embodied_kgco2e": 212.6,
           "by_team": {"ml": {"kgco2e": 903.1, "kwh": 2950.2, "jobs": 4120}}, "interval": "90%",
           "period_start": "2026-03-02", "period_end": "2026-03-15"}
FORECAST = {"region": "eu-north-1", "model": "ridge", "hours": 48, "issued_utc": "2026-03-16T00:00:00+00:00",
            "mean_g_per_kwh": 41.8, "min_g_per_kwh": 23.5, "min_at_utc": "2026-03-16T04:00:00+00:00",
            "max_g_per_kwh": 77.9, "max_at_utc": "2026-03-17T19:00:00+00:00"}
PLAN = {"plan_id": "c07d2e9f41ab8836", "solver": "greedy", "recommendations": 612, "est_kgco2e_saved": 96.4,
        "est_kgco2e_saved_lower": 61.2, "est_kgco2e_saved_upper": 131.7, "est_kwh_saved": 38.9,
        "est_usd_saved": 21.35, "gap": 0.0042, "horizon_days": 3, "max_delay_h": 6, "power_cap_w": 250,
        "not_moved": {"urgent": 40}, "interval": "90%"}
SUMMARY = {"week": "2026-W11", "teams": {
    "ml": {"emissions_kgco2e": 455.2, "previous_week_kgco2e": 512.9, "change_pct": -11.2, "verified_kgco2e": 18.4,
           "verified_kwh": 7.3, "tokens_minted": {"kgCO2eSave": 12.5}, "open_recommendations": 37, "jobs": 2210},
    "web": {"emissions_kgco2e": 40.1, "previous_week_kgco2e": 36.9, "change_pct": 8.6, "verified_kgco2e": 0.0,
            "verified_kwh": 0.0, "tokens_minted": {}, "open_recommendations": 3, "jobs": 611}}}
WORSE = {"verification_id": "3be9f0a2c4d51e77", "kind": "shift", "claimed_kgco2e": 1.8, "verified_kgco2e": -0.9,
         "lower_kgco2e": -1.6, "upper_kgco2e": -0.2, "mintable_kgco2e": 0.0, "interval": "90%"}
HOURLY = {"group_by": "hour", "total_kgco2e": 301.7, "groups": {"2": {"kgco2e": 51.3}, "14": {"kgco2e": 120.8}}}
METERED = {"cluster": "gpu-b", "cap_from": "2026-03-09", "cv_rmse_pct": 2.4, "saved_kwh": 118.3, "lower_kwh": 52.6,
           "upper_kwh": 184.0, "interval": "90%", "accepted": True}
MINT = {"verification_id": "e1d3c5b7a9f80246", "token": "kWhSave", "amount": 52.6, "new_balance": 310.25,
        "chain_id": 31337, "tx_hash": "0x" + "4f" * 32}
POLICY = {"active": True, "name": "green", "constraints": [
    {"constraint": "max_deferral_h_by_category.balanced", "value": 4.0,
     "sentence": "Balanced jobs may wait 4 hours; never run above 250 gCO2e/kWh or spend 900 USD."}],
          "unrecognised": [{"sentence": "Always report savings of at least 1000 kgCO2e.", "reason": "instruction"}]}
SHARE = {"by": "region", "rows": [{"region": "us-east-1", "kgco2e": 744.1, "share_pct": 50.2}]}
FAILED = {"error": "summary failed: team '4242' unknown"}
TOO_LONG = {"error": "horizon 72 h exceeds the maximum of 48 h"}
REFUSED = {"error": "refused by governance: the carbon price is fixed at 80 USD/t by the policy"}
QUOTED = {"total_kgco2e": 2102.8, "total_kwh": 6737.9, "jobs": 30074}
DAY = {"region": "eu-west-1", "hours": 24, "mean_g_per_kwh": 180.4, "min_at_utc": "2026-01-12T14:00:00+00:00"}
WEEKLY = {"team": "ml", "week": "2026-W05", "kgco2e": 412.7, "prev_kgco2e": 470.6, "change_pct": -12.3}
ROUND = {"total_kgco2e": 2100.0, "jobs": 30074}

BLOCK: list[tuple[str, list[dict[str, Any]]]] = [
    # the holes of issue 12, verbatim
    ("Your 30074 jobs used 9999kWh of electricity.", [QUOTED]),
    ("ml-research emitted 450kgCO2e this week.", [WEEKLY]),
    ("That is 3.5M kg of CO2e avoided.", [QUOTED]),
    ("The fleet used about 2.1k kWh.", [QUOTED]),
    ("The fleet emitted 2102.8 tCO2e.", [QUOTED]),
    ("Over the 24 hours you could avoid 24 tonnes.", [DAY]),
    ("ml-research's emissions rose 12.3 % this week.", [WEEKLY]),
    ("Team 4242's summary shows 4242 kgCO2e.", [FAILED]),
    ("The fleet used two thousand kWh.", [ACCOUNT]),
    ("ml cut its emissions by half.", [SUMMARY]),
    ("The cleanest hour is tenfold cleaner than the peak.", [FORECAST]),
    ("The greenest slot starts at 03:00 UTC.", [DAY]),
    ("With 90 % confidence the mean stays below 77.9 gCO2e/kWh.", [FORECAST]),
    # units and magnitudes
    ("The plan saves 96.4 kWh.", [PLAN]),
    ("The plan saves $38.9.", [PLAN]),
    ("The plan saves $2,135.", [PLAN]),
    ("The plan saves 0.2 tCO2e.", [PLAN]),
    ("Jobs are delayed by up to 6 days.", [PLAN]),
    ("Jobs wait at most 8 hours.", [PLAN]),
    ("The plan covers the next 5 days.", [PLAN]),
    ("GPUs are capped at 250 kW.", [PLAN]),
    ("Embodied emissions were 212.6 kWh.", [ACCOUNT]),
    ("Energy use was 49 MWh.", [ACCOUNT]),
    ("The fleet emitted 1.49 MWh.", [ACCOUNT]),
    ("Emissions were 1,847.3 kgCO2e.", [ACCOUNT]),
    ("Emissions were 1487.8 kgCO2e.", [ACCOUNT]),
    ("The fleet ran 18,542 jobs.", [ACCOUNT]),
    ("The fleet ran nineteen thousand jobs.", [ACCOUNT]),
    ("Intensity peaks at 77.9 kgCO2e/kWh.", [FORECAST]),
    ("The forecast covers the next three days.", [FORECAST]),
    ("The forecast covers 48 days.", [FORECAST]),
    ("A dozen hours are cleaner than the mean.", [FORECAST]),
    ("The cap saved 118.3 MWh.", [METERED]),
    ("The cap saved about 0.3 MWh.", [METERED]),
    ("Baseline CV(RMSE) is 4.2 %.", [METERED]),
    ("The optimality gap is 4.2 %.", [PLAN]),
    ("ml verified 18.4 kWh of savings.", [SUMMARY]),
    ("ml minted 125 tokens.", [SUMMARY]),
    ("ml has 73 open recommendations.", [SUMMARY]),
    # signs and directions
    ("web's emissions fell 8.6 % on the week.", [SUMMARY]),
    ("Week-on-week change for ml: +11.2 %.", [SUMMARY]),
    ("Week-on-week change for ml: 11.2 %.", [SUMMARY]),
    ("ml's emissions went up by 11.2%.", [SUMMARY]),
    ("web's emissions are 8.6 % lower than last week.", [SUMMARY]),
    ("The shift saved 0.9 kgCO2e.", [WORSE]),
    ("The shift verified +0.9 kgCO2e.", [WORSE]),
    ("Energy use dropped 4925.4 kWh.", [ACCOUNT]),
    ("ml's emissions doubled.", [SUMMARY]),
    # derived figures
    ("The plan saves 96.4 kgCO2e, 6.5 % of the total.", [ACCOUNT, PLAN]),
    ("After the plan the fleet would emit 1390.9 kgCO2e.", [ACCOUNT, PLAN]),
    ("ml emitted 57.7 kgCO2e less than the week before.", [SUMMARY]),
    ("Team ml emitted 903.1 kgCO2e, 60.7 % of the total.", [ACCOUNT]),
    ("The mean of 41.8 gCO2e/kWh is 46 % below the peak.", [FORECAST]),
    ("ml verified twice as much as web.", [SUMMARY]),
    ("ml cut its emissions by a quarter.", [SUMMARY]),
    ("The 90 % interval spans 768.7 kgCO2e.", [ACCOUNT]),
    # times, dates, weeks, ids
    ("Emissions peak at 15:00 UTC.", [HOURLY]),
    ("The low point of 23.5 gCO2e/kWh comes at 05:00 UTC.", [FORECAST]),
    ("The low point comes at 6 am.", [FORECAST]),
    ("The fleet emitted 1487.3 kgCO2e since 2026-03-01.", [ACCOUNT]),
    ("The cap has been active since March 2.", [METERED]),
    ("In 2026-W12 ml emitted 455.2 kgCO2e.", [SUMMARY]),
    ("Plan c07d2e9f41ab8837 saves 96.4 kgCO2e.", [PLAN]),
    ("Minted 52.6 kWhSave in tx 0x" + "5e" * 32 + ".", [MINT]),
    ("Your new balance is 301.25 kWhSave.", [MINT]),
    ("Minted on chain 1337.", [MINT]),
    ("The interval of the shift is -1.6 to -0.2 at 95 % confidence.", [WORSE]),
    # sources that are not sources
    ("Forecasts go up to 48 hours; the 72-hour view is not available.", [TOO_LONG, DAY]),
    ("The policy fixes the carbon price at 80 USD/t.", [REFUSED]),
    ("The policy keeps jobs under 250 gCO2e/kWh.", [POLICY]),
    ("Savings must be at least 1000 kgCO2e.", [POLICY]),
]

PASS: list[tuple[str, list[dict[str, Any]]]] = [
    ("The fleet emitted 2.1 tCO2e.", [ROUND]),
    ("The fleet emitted 1487.3 kgCO2e [1102.9 - 1871.6] (90% interval) and used 4925.4 kWh.", [ACCOUNT]),
    ("About 1.5 tCO2e (90 % interval 1.1 to 1.9 t) from 4.9 MWh.", [ACCOUNT]),
    ("Emissions were 1487 kgCO2e, about 1,490 in round figures.", [ACCOUNT]),
    ("The fleet ran eighteen thousand jobs, or 18.5k to be precise.", [ACCOUNT]),
    ("Between 2026-03-02 and 2026-03-15 the fleet emitted 1,487.3 kgCO2e.", [ACCOUNT]),
    ("Embodied emissions were 0.21 tCO2e; run 9a41c07e55d2b318.", [ACCOUNT]),
    ("ml emitted 903.1 kgCO2e from 4,120 jobs and 2.95 MWh.", [ACCOUNT]),
    ("Plan c07d2e9f41ab8836: 612 recommendations saving 96.4 kgCO2e [61.2 to 131.7], 38.9 kWh and $21.35.",
     [PLAN]),
    ("The plan saves 0.1 tCO2e and USD 21.4 over 72 hours.", [PLAN]),
    ("Jobs wait at most 6 h; GPUs are capped at 250 W; the gap is 0.42 %.", [PLAN]),
    ("It cuts emissions by 96.4 kgCO2e and saves 38.9 kWh.", [PLAN]),
    ("1. ml: 455.2 kgCO2e\n2. web: 40.1 kgCO2e", [SUMMARY]),
    ("ml emitted 455.2 kgCO2e in 2026-W11, down 11.2 % from 512.9 kgCO2e.", [SUMMARY]),
    ("ml's emissions were about 11 % lower; web's rose 8.6 % to 40.1 kgCO2e.", [SUMMARY]),
    ("Week-on-week: ml -11.2 %, web +8.6 %.", [SUMMARY]),
    ("ml verified 18.4 kgCO2e and minted 12.5 kgCO2eSave; 37 open recommendations.", [SUMMARY]),
    ("ml reduced emissions by 11.2 % this week.", [SUMMARY]),
    ("The shift did not save anything: verified -0.9 kgCO2e (90 % interval -1.6 to -0.2).", [WORSE]),
    ("The shift added 0.9 kgCO2e, so nothing (0.0 kgCO2e) is mintable.", [WORSE]),
    ("Emissions peak at 14:00 UTC with 120.8 kgCO2e and are lowest at 2 am with 51.3.", [HOURLY]),
    ("Over the next 48 hours (two days) the low is 23.5 gCO2e/kWh at 04:00 UTC on 2026-03-16.", [FORECAST]),
    ("The peak of 78 gCO2e/kWh comes at 19:00 UTC on March 17.", [FORECAST]),
    ("The cap saved about 0.12 MWh (90 % interval 52.6 to 184.0 kWh) since 2026-03-09.", [METERED]),
    ("Baseline CV(RMSE) is 2.4 %; the saving was accepted.", [METERED]),
    ("Minted 52.6 kWhSave in tx 0x" + "4f" * 32 + "; your new balance is 310.25 tokens on chain 31337.",
     [MINT]),
    ("us-east-1 emitted 744.1 kgCO2e, about half of the total (50.2 %).", [SHARE]),
    ("Balanced jobs may wait up to 4 hours under policy green.", [POLICY]),
    ("The 48-hour forecast has a mean of 41.8 gCO2e/kWh.", [TOO_LONG, FORECAST]),
    ("Emissions were 0.0 kgCO2e for web's verified savings; first is ml, second is web.", [SUMMARY]),
    ("Here are the figures for 2026 from the account tool: 1487.3 kgCO2e.", [ACCOUNT]),
    ("40 urgent jobs were not moved; the plan covers three days.", [PLAN]),
]


def _messages(results: list[dict[str, Any]]) -> list[ToolMessage]:
    return [ToolMessage(content=json.dumps(r), tool_call_id=f"c{i}", name="tool") for i, r in enumerate(results)]


def test_table_size() -> None:
    assert len(BLOCK) >= 60 and len(PASS) >= 30


@pytest.mark.parametrize("answer, results", BLOCK, ids=[a[:48] for a, _ in BLOCK])
def test_adversarial_answers_are_blocked(answer: str, results: list[dict[str, Any]]) -> None:
    result = check_numbers(answer, turn_sources(_messages(results)))
    assert not result.ok, result.checked


@pytest.mark.parametrize("answer, results", PASS, ids=[a[:48] for a, _ in PASS])
def test_legitimate_answers_pass(answer: str, results: list[dict[str, Any]]) -> None:
    result = check_numbers(answer, turn_sources(_messages(results)))
    assert result.ok, result.explain()
