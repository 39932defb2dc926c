"""The numbers guard on hand-made answers."""

from __future__ import annotations

import pytest

from copilot.agent.guard import check_numbers, numbers_in_text

TOOL = '{"total_kgco2e": 2102.8364, "jobs": 30074, "share": 0.125, "team": {"ml": 1322.06}}'


@pytest.mark.parametrize("text", [
    "The fleet emitted 2102.8 kgCO2e from 30074 jobs.",
    "About 2,103 kgCO2e; ml emitted 1322.1 kg (12.5 % of jobs).",
    "Emissions were 2102.84 kgCO2e [90% interval].",
    "1. ml: 1322 kg\n2) total 2103 kg",
    "Run 938f8b7695eeb06e in us-east-1 on 2026-01-05T10:00Z, week 2026-W03, at 10:00.",
])
def test_supported_numbers_pass(text: str) -> None:
    assert check_numbers(text, [TOOL]).ok


@pytest.mark.parametrize("text, bad", [
    ("The fleet emitted 2000 kgCO2e.", ["2000"]),
    ("ml emitted 1322.2 kg.", ["1322.2"]),
    ("We could mint 1e9 tokens.", ["1000000000"]),
    ("Savings of 15 % are likely.", ["15"]),
    ("Range 2102.8-2500.0 kg.", ["2500.0"]),
])
def test_invented_numbers_are_caught(text: str, bad: list[str]) -> None:
    result = check_numbers(text, [TOOL])
    assert not result.ok and result.unsupported == bad


def test_numbers_in_the_question_count_as_sources() -> None:
    assert check_numbers("Here is week 47 for the 3 teams you asked about.", [TOOL, "the 3 teams, week 47"]).ok


def test_extraction_ignores_identifiers_and_dates() -> None:
    assert numbers_in_text("job sim1-0000003 on p3.2xlarge at 2026-01-05 cost 4.5 USD") == ["4.5"]
