"""The numbers guard's parts: units of keys, the tokeniser, the sources and the structural rules."""

from __future__ import annotations

import json

import pytest

from copilot.agent.guard import WITHHELD_NOTE, check_numbers, numbers_in_text, tool_succeeded
from copilot.agent.numbers import collect, quantities
from copilot.agent.numbers.units import COUNT, FRACTION, PERCENT, Unit, key_role, key_unit, key_words

TOOL = json.dumps({"total_kgco2e": 2102.8364, "jobs": 30074, "share": 0.125, "interval": "90%",
                   "by_team": {"ml": {"kgco2e": 1322.06}}, "period_start": "2026-01-05",
                   "run_id": "938f8b7695eeb06e", "week": "2026-W03"})


class TestKeyUnits:
    @pytest.mark.parametrize("key, unit", [
        ("total_kgco2e", Unit("mass", 1.0)), ("est_kgco2e_saved_lower", Unit("mass", 1.0)),
        ("emissions_kg", Unit("mass", 1.0)), ("total_kwh", Unit("energy", 1.0)), ("saved_mwh", Unit("energy", 1e3)),
        ("est_usd_saved", Unit("money", 1.0)), ("hours", Unit("time", 1.0)), ("horizon_days", Unit("time", 24.0)),
        ("max_delay_h", Unit("time", 1.0)), ("change_pct", PERCENT), ("share", FRACTION), ("gap", FRACTION),
        ("gco2_per_kwh", Unit("mass/energy", 0.001)), ("mean_g_per_kwh", Unit("mass/energy", 0.001)),
        ("carbon_price_usd_per_t", Unit("money/mass", 0.001)), ("gpu_power_kw", Unit("power", 1.0)),
        ("cap_w", Unit("power", 0.001)), ("jobs", COUNT), ("tokens_minted", Unit("token", 1.0)),
        ("kgCO2eSave", Unit("token:kgco2esave", 1.0)), ("kgco2eByTeam", Unit("mass", 1.0)),
        ("lower", None), ("min", None), ("by_day", None), ("team", None),
    ])
    def test_unit_from_key_words(self, key: str, unit: Unit | None) -> None:
        assert key_unit(key) == unit

    def test_roles(self) -> None:
        assert key_role(key_words("change_pct")) == "change"
        assert key_role(key_words("verified_kgco2e")) == "saving"
        assert key_role(key_words("est_usd_saved")) == "saving"
        assert key_role(key_words("total_kgco2e")) == "level"


class TestTokeniser:
    @pytest.mark.parametrize("text, value, tolerance, dim", [
        ("9999kWh", 9999, 0.5, "energy"), ("450kgCO2e", 450, 0.5, "mass"), ("3.5M kg", 3.5e6, 5e4, "mass"),
        ("2.1k", 2100, 50, None), ("30 thousand jobs", 30000, 500, None), ("2.1 tCO2e", 2.1, 0.05, "mass"),
        ("2.1 tonnes of CO2e", 2.1, 0.05, "mass"), ("$5,646", 5646, 0.5, "money"),
        ("USD 56.46", 56.46, 0.005, "money"), ("160.2 gCO2e/kWh", 160.2, 0.05, "mass/energy"),
        ("24-hour", 24, 0.5, "time"), ("12.3 %", 12.3, 0.05, "percent"),
        ("2.7x", 2.7, 0.05, "ratio"), ("5.5e6 kg", 5.5e6, 5e4, "mass"), ("forty-two thousand", 42000, 500, None),
        ("a dozen", 12, 0.5, None), ("twenty-four hours", 24, 0.5, "time"), ("tenfold", 10, 0.5, "ratio"),
        ("about 2,100 kg", 2100, 50, "mass"), ("half", 0.5, 0.025, "percent"), ("two thirds", 2 / 3, 1 / 30, "percent"),
    ])
    def test_numbers_units_and_tolerance(self, text: str, value: float, tolerance: float, dim: str | None) -> None:
        (q,) = quantities(text)
        assert q.value == pytest.approx(value) and q.tolerance == pytest.approx(tolerance)
        assert (q.unit.dim if q.unit else None) == dim

    @pytest.mark.parametrize("text, sign, direction", [
        ("-12.3 %", -1, None), ("+5.4 %", 1, None), ("down 12.3 %", 0, "down"), ("12 % lower", 0, "down"),
        ("went up by 12.3%", 0, "up"), ("cut its emissions by 5 %", 0, "down"), ("an increase of 3 %", 0, "up"),
        ("saved 3.2 kg", 0, "saved"), ("56.46 USD saved", 0, "saved"), ("fell to 96.6 kg", 0, None),
        ("up to 235.3 kg", 0, None), ("lower bounds 143.6", 0, None), ("less than 300", 0, None),
    ])
    def test_sign_and_direction(self, text: str, sign: int, direction: str | None) -> None:
        q = quantities(text)[0]
        assert (q.sign, q.direction) == (sign, direction)

    def test_ranges_are_not_minus_signs_and_share_the_unit(self) -> None:
        qs = quantities("[1523.6 - 2682.1], 2102.8-2500.0 kg and 1.5 to 2.7 t, between 5 and 6 kWh")
        assert [q.sign for q in qs] == [0] * 8
        assert [q.unit.dim if q.unit else None for q in qs] == [None, None, "mass", "mass", "mass", "mass",
                                                                "energy", "energy"]

    def test_times_dates_weeks_and_ids(self) -> None:
        qs = quantities("at 03:00 UTC, 3 pm, noon, on 2026-01-12T18:00Z, January 12, 12 Jan 2026, in 2026-W05, "
                        "plan 46e1b799b071d86b, tx 0xab12, job sim1-0000003")
        assert [(q.kind, q.key) for q in qs] == [
            ("time", "03:00"), ("time", "15:00"), ("time", "12:00"), ("date", "2026-01-12"), ("time", "18:00"),
            ("date", "--01-12"), ("date", "2026-01-12"), ("week", "2026-W05"), ("id", "46e1b799b071d86b"),
            ("id", "0xab12"), ("id", "sim1-0000003")]

    @pytest.mark.parametrize("text", [
        "1. ml\n2) web\n  3. data", "the first, second and 3rd team", "Scope 2 emissions", "ranked #1",
        "in us-east-1 on p3.2xlarge with CO2e and kgCO2eSave tokens", "one of the teams", "a team",
        "the third region",
    ])
    def test_structural_numbers_are_not_figures(self, text: str) -> None:
        assert quantities(text) == []


class TestSources:
    def test_failed_calls_and_refusals_are_not_sources(self) -> None:
        assert not tool_succeeded('{"error": "summary failed: team 99999 unknown"}')
        assert not tool_succeeded({"refused": "quorum not met"})
        assert not tool_succeeded("Error: boom")
        assert tool_succeeded('{"rejected": true, "by": "alice"}') and tool_succeeded(TOOL)

    def test_words_in_strings_are_not_sources_but_their_ids_are(self) -> None:
        facts = collect([json.dumps({"sentence": "Avoid hours above 300 gCO2e/kWh for plan 46e1b799b071d86b."})])
        assert facts.numbers == [] and "46e1b799b071d86b" in facts.ids

    def test_strings_without_words_are_read(self) -> None:
        facts = collect([json.dumps({"interval": "90%", "at_utc": "2026-01-12T19:00:00+01:00", "week": "2026-W05"})])
        assert any(f.value == 90 and f.unit == PERCENT for f in facts.numbers)
        assert {"19:00", "18:00"} <= facts.times and {"2026-01-12", "2026-01-26", "2026-02-01"} <= facts.dates

    def test_hour_rows_and_sibling_units(self) -> None:
        facts = collect([json.dumps({"group_by": "hour", "groups": {"14": {"kgco2e": 1.0}}}),
                         json.dumps({"constraint": "carbon_budget_kg", "value": 2000})])
        assert "14:00" in facts.times
        assert any(f.value == 2000 and f.unit == Unit("mass", 1.0) for f in facts.numbers)

    def test_plain_text_sources_keep_their_units(self) -> None:
        assert check_numbers("2.1 t", ["The fleet emitted 2102.8 kg."]).ok
        assert not check_numbers("2.1 MWh", ["The fleet emitted 2102.8 kg."]).ok


class TestCheck:
    @pytest.mark.parametrize("text", [
        "The fleet emitted 2102.8 kgCO2e from 30074 jobs.",
        "About 2,103 kgCO2e; ml emitted 1322.1 kg (12.5 % of the total).",
        "Emissions were 2102.84 kgCO2e [90% interval].",
        "1. ml: 1322 kg\n2) total 2103 kg",
        "Run 938f8b7695eeb06e in us-east-1 from 2026-01-05, week 2026-W03.",
    ])
    def test_supported_figures_pass(self, text: str) -> None:
        assert check_numbers(text, [TOOL]).ok

    @pytest.mark.parametrize("text, bad", [
        ("The fleet emitted 2000 kgCO2e.", ["2000"]),
        ("ml emitted 1322.2 kg.", ["1322.2"]),
        ("We could mint 1e9 tokens.", ["1e9"]),
        ("Savings of 15 % are likely.", ["15"]),
        ("Range 2102.8-2500.0 kg.", ["2500.0"]),
        ("Emissions were 2102.8 kgCO2e [95% interval].", ["95"]),
        ("At 10:00 on 2026-01-06 in 2026-W04 run 938f8b7695eeb06f.",
         ["10:00", "2026-01-06", "2026-W04", "938f8b7695eeb06f"]),
    ])
    def test_unsupported_figures_are_named(self, text: str, bad: list[str]) -> None:
        result = check_numbers(text, [TOOL])
        assert not result.ok and result.unsupported == bad
        assert result.findings[0].text.startswith(bad[0]) and result.explain()

    def test_the_question_is_never_a_source(self) -> None:
        assert not check_numbers("Here is week 47 for the 3 teams.", [TOOL]).ok

    def test_reasons(self) -> None:
        r = check_numbers("2102.8 kWh, -30074 and 7 kg", [TOOL])
        assert [f.reason for f in r.findings] == ["a tool returned this value, but not in energy",
                                                  "the tool's figure has the other sign or direction",
                                                  "no tool returned this figure"]

    def test_numbers_in_text_and_the_note(self) -> None:
        assert numbers_in_text("job sim1-000003 on p3.2xlarge cost 4.5 USD on 2026-01-05") == [
            "sim1-000003", "4.5", "2026-01-05"]
        assert "withheld" in WITHHELD_NOTE
