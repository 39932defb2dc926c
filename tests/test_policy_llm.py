"""The LLM-assisted policy path, wired in: the pure check of an LLM-proposed constraint against its
sentence (polarity, numbers after unit conversion), the schema's mint_quorum and recurring blackouts,
the services' explicit confirmation of LLM-read clauses, and the CLI.

No real LLM runs here: every model is a scripted fake whose structured output is written in the
test (a later issue adds a recorded run against a real model). Sentences are written for these
tests; expected values are worked out by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import Field
from typer.testing import CliRunner

from copilot.cli.main import app
from copilot.policy import ExtractedConstraint, ExtractedPolicy, PolicyError, parse_policy_with_llm
from copilot.policy.claims import claim_conflicts, sentence_quantities
from copilot.policy.values import PolicyItem
from copilot.services.policies import active_policy, confirm_policy, load_policy, show_policy, store_policy
from copilot.services.users import AuthUser, add_user
from tools.auth import Role
from tools.ledger import Ledger
from tools.ledger.users import get_user


class ScriptedModel(FakeMessagesListChatModel):
    """A fake chat model whose structured output is scripted; it records every call."""

    script: Any = None
    seen: list[list[BaseMessage]] = Field(default_factory=list)

    def with_structured_output(  # type: ignore[override]
            self, schema: Any, **kwargs: Any) -> Runnable[Any, Any]:
        assert schema is ExtractedPolicy

        def run(messages: list[BaseMessage]) -> Any:
            self.seen.append(messages)
            return self.script

        return RunnableLambda(run)


def scripted(*constraints: dict[str, Any]) -> ScriptedModel:
    script = ExtractedPolicy(constraints=[ExtractedConstraint.model_validate(c) for c in constraints])
    return ScriptedModel(responses=[AIMessage(content="unused")], script=script)


def item(field: str, value: Any, key: str | None = None) -> PolicyItem:
    return PolicyItem(field, value, key)


# -- the pure check ----------------------------------------------------------------------------------
class TestClaimConflicts:
    @pytest.mark.parametrize("items, sentence", [
        ([item("mint_approvers", ["Mallory"])], "Mallory must never approve mints."),
        ([item("mint_approvers", ["mallory"])], "Anyone except mallory may approve mints."),
        ([item("mint_approvers", ["trent"])], "Trent is no longer an authorised mint approver."),
        ([item("allowed_regions_by_team", ["us-east-1"], "data")], "Data team jobs may not run in us-east-1."),
        ([item("allowed_regions_by_team", ["ap-south-1"], "research")],
         "Research jobs are prohibited from using ap-south-1."),
        ([item("default_allowed_regions", ["GB"])], "Other teams may run anywhere except GB."),
        ([item("default_allowed_regions", None)], "Other teams may not run anywhere yet."),
        ([item("urgent_never_moved", False)], "Urgent jobs are never moved."),
        ([item("urgent_never_moved", True)], "Urgent jobs may be moved around."),
        ([item("mint_quorum", {"approvers": 2})], "Mints do not need two approvers."),
        ([item("max_deferral_h_by_category", 0.5, "balanced")], "Balanced jobs must wait at least 30 minutes."),
        ([item("max_power_kw", 200.0)], "The cluster needs at least 200 kW."),
        ([item("blackout_windows", {"start_utc": "2026-03-01T00:00:00Z", "end_utc": "2026-03-01T06:00:00Z",
                                    "regions": None})],
         "Jobs may run between 2026-03-01 00:00 and 06:00 UTC."),
    ])
    def test_polarity(self, items: list[PolicyItem], sentence: str) -> None:
        assert claim_conflicts(items, sentence)

    @pytest.mark.parametrize("items, sentence", [
        ([item("allowed_regions_by_team", ["eu-west-1"], "data")], "Team data must never leave eu-west-1."),
        ([item("allowed_regions_by_team", ["ERCO"], "web")], "Web jobs must not be run outside Texas."),
        ([item("default_allowed_regions", None)], "Other teams have no regional restrictions."),
        ([item("urgent_never_moved", True)], "Urgent jobs are exempt from shifting."),
        ([item("mint_approvers", ["alice", "bob"])], "Alice and Bob sign off token mints."),
        ([item("max_deferral_h_by_category", 0.0, "balanced")], "Balanced jobs are not to be deferred."),
    ])
    def test_polarity_that_matches(self, items: list[PolicyItem], sentence: str) -> None:
        assert claim_conflicts(items, sentence) == []

    @pytest.mark.parametrize("field, key, good, bad, sentence", [
        ("max_power_kw", None, 1500.0, 1.5, "Total draw is held under 1.5 MW."),
        ("max_power_kw", None, 750.0, 750_000.0, "Draw stays under 750,000 W."),
        ("carbon_budget_kg", None, 2000.0, 2.0, "We budget 2 t CO2e of emissions."),
        ("carbon_budget_kg", None, 500.0, 0.5, "Half a tonne of CO2e is the ceiling."),
        ("max_deferral_h_by_category", "sustainable", 48.0, 2.0, "Sustainable work: two days of slack."),
        ("max_deferral_h_by_category", "balanced", 0.5, 30.0, "Balanced work: 30 min of slack."),
        ("carbon_price_usd_per_t", None, 100.0, 0.1, "Carbon is charged at 0.1 USD per kg internally."),
        ("carbon_price_usd_per_t", None, 85.0, 0.085, "Shadow carbon: USD 85/t."),
    ])
    def test_numbers_after_unit_conversion(self, field: str, key: str | None, good: float, bad: float,
                                           sentence: str) -> None:
        assert claim_conflicts([item(field, good, key)], sentence) == []
        (reason,) = claim_conflicts([item(field, bad, key)], sentence)
        assert "is not a quantity the sentence states" in reason

    def test_quorum_counts_and_thresholds(self) -> None:
        sentence = "Minting anything over 2 MWh takes sign-off from three separate people."
        assert claim_conflicts([item("mint_quorum", {"approvers": 3, "above": 2000.0, "unit": "kWh"})],
                               sentence) == []
        assert claim_conflicts([item("mint_quorum", {"approvers": 2, "above": 2000.0, "unit": "kWh"})], sentence)
        assert claim_conflicts([item("mint_quorum", {"approvers": 3, "above": 2.0, "unit": "kWh"})], sentence)
        assert claim_conflicts([item("mint_quorum", {"approvers": 2})], "The four-eyes principle covers minting.") \
            == []

    def test_budget_period_must_be_named(self) -> None:
        sentence = "We budget 2 t CO2e of emissions a month."
        assert claim_conflicts([item("carbon_budget_kg", 2000.0), item("carbon_budget_period", "month")],
                               sentence) == []
        assert claim_conflicts([item("carbon_budget_period", "week")], sentence)

    def test_recurring_window(self) -> None:
        sentence = "Mondays through Fridays, 5 pm to 8 pm London time is off the table for jobs in GB."
        value = {"days": ["mon", "tue", "wed", "thu", "fri"], "start_local": "17:00", "end_local": "20:00",
                 "timezone": "Europe/London", "regions": ["GB"], "reason": ""}
        assert claim_conflicts([item("recurring_blackouts", value)], sentence) == []
        for wrong in ({"days": ["sat"]}, {"start_local": "05:00"}, {"timezone": "UTC"}):
            assert claim_conflicts([item("recurring_blackouts", {**value, **wrong})], sentence), wrong

    def test_quantities_by_dimension(self) -> None:
        q = sentence_quantities("Sustainable work waits up to one and a half days; the cap is 2 MW.")
        assert q["hours"] == [36.0] and q["kw"] == [2000.0] and q["count"] == []
        assert sentence_quantities("Mints need two approvers.")["count"] == [2.0]


# -- the LLM path with the new kinds -------------------------------------------------------------------
QUORUM = "Minting anything over 2 MWh takes the blessing of three people."
EVENINGS = "Mondays through Fridays, 5 pm to 8 pm London time is off the table for jobs in GB."


class TestLlmKinds:
    def test_quorum_and_recurring_window_are_proposed(self) -> None:
        text = f"{QUORUM}\n{EVENINGS}\n"
        model = scripted(
            {"constraint": "mint_quorum", "sentence": QUORUM, "approvers": 3, "amount": 2, "unit": "MWh"},
            {"constraint": "recurring_blackout", "sentence": EVENINGS, "days": ["Monday", "tue", "wed", "thu",
                                                                               "Friday"],
             "start": "5 pm", "end": "20:00", "timezone": "London time", "regions": ["GB"]})
        report = parse_policy_with_llm(text, model, "llm")
        assert report.unrecognised == []
        assert report.policy.mint_quorum is not None
        assert report.policy.mint_quorum.model_dump() == {"approvers": 3, "above": 2000.0, "unit": "kWh"}
        (week,) = report.policy.recurring_blackouts
        assert (week.days, week.start_local, week.end_local, week.timezone, week.regions) == (
            ["mon", "tue", "wed", "thu", "fri"], "17:00", "20:00", "Europe/London", ["GB"])
        assert [c.via for c in report.clauses] == ["llm", "llm"] and len(report.llm_clauses) == 2

    @pytest.mark.parametrize("sentence, claim, reason", [
        ("Mallory must never approve mints.", {"constraint": "mint_approvers", "names": ["Mallory"]},
         "names no one as an approver"),
        ("Jobs of the data team may not run in us-east-1.",
         {"constraint": "allowed_regions_by_team", "team": "data", "regions": ["us-east-1"]}, "does not restrict"),
        ("Total draw is held under 1.5 MW.", {"constraint": "max_power", "amount": 1.5, "unit": "kW"},
         "is not a quantity the sentence states"),
        ("Team finance keeps its stuff in eu-west-1.",
         {"constraint": "allowed_regions_by_team", "team": "finance", "regions": ["eu-west-1"]},
         "not a team of the fleet"),
        (QUORUM, {"constraint": "mint_quorum", "approvers": 2, "amount": 2, "unit": "MWh"},
         "the number of approvers 2"),
    ])
    def test_mismatched_claims_are_refused(self, sentence: str, claim: dict[str, Any], reason: str) -> None:
        report = parse_policy_with_llm(sentence, scripted({**claim, "sentence": sentence}), "llm")
        assert report.clauses == []
        assert any(reason in u.reason for u in report.unrecognised), report.unrecognised

    def test_a_place_names_its_regions(self) -> None:
        sentence = "Team data keeps its stuff in the EU (eu-west-1)."
        claim = {"constraint": "allowed_regions_by_team", "team": "Data", "regions": ["eu-west-1"],
                 "sentence": sentence}
        report = parse_policy_with_llm(sentence, scripted(claim), "llm")
        assert report.policy.allowed_regions_by_team == {"data": ["eu-west-1"]}


# -- services: LLM-read clauses need an explicit confirmation -------------------------------------------
POWER = "Total draw is held under 1.5 MW."
TEXT = f"Urgent jobs are never moved.\n{POWER}\n"
POWER_CLAIM = {"constraint": "max_power", "sentence": POWER, "amount": 1.5, "unit": "MW"}


@pytest.fixture
def ledger(tmp_path: Path) -> Any:
    with Ledger(tmp_path / "ledger.sqlite") as led:
        yield led


def admin(ledger: Ledger, name: str = "root") -> AuthUser:
    if get_user(ledger, name) is None:
        add_user(ledger, None, name, "admin", "admin-password-1")
    return AuthUser(name, Role.ADMIN)


class TestServices:
    def test_the_model_is_asked_only_when_the_parser_cannot_read(self, ledger: Ledger) -> None:
        model = scripted(POWER_CLAIM)
        result = store_policy(ledger, "Urgent jobs are never moved.", "plain", "a", chat_model=model)
        assert model.seen == [] and result.report.method == "deterministic"
        result = store_policy(ledger, TEXT, "mixed", "a", chat_model=model)
        assert len(model.seen) == 1 and result.report.method == "llm"
        assert {c.constraint: c.via for c in result.report.clauses} == {
            "urgent_never_moved": "parser", "max_power_kw": "llm"}

    def test_llm_clauses_need_an_explicit_confirmation(self, ledger: Ledger) -> None:
        policy_id, report = load_policy(ledger, TEXT, "mixed", "a", chat_model=scripted(POWER_CLAIM))
        assert report.policy.max_power_kw == 1500.0
        with pytest.raises(PolicyError, match=r"read by the LLM only \(line 2 \"Total draw is held under 1.5 MW"):
            confirm_policy(ledger, policy_id, admin(ledger))
        assert active_policy(ledger) is None
        done = confirm_policy(ledger, policy_id, admin(ledger), accept_llm_clauses=True)
        assert done.changed and [c.constraint for c in done.llm_clauses] == ["max_power_kw"]
        assert active_policy(ledger) == (policy_id, report.policy)
        last = ledger.audit_row(ledger.audit_head()[1])
        assert last is not None and last["action"] == "policy-confirm"
        assert "Total draw is held under 1.5 MW." in json.dumps(last)

    def test_the_ledger_teams_are_the_parsers(self, ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("copilot.services.policies.job_teams", lambda _: ["Finance", "ml"])
        policy_id, report = load_policy(ledger, "The finance team may only use us-east-1.\n"
                                                "Team data may only run in eu-west-1.", "teams", "a")
        assert report.policy.allowed_regions_by_team == {"finance": ["us-east-1"]}
        assert "not a team of the fleet" in report.unrecognised[0].reason
        assert show_policy(ledger, policy_id).report == report


# -- the CLI ------------------------------------------------------------------------------------------
runner = CliRunner()


def test_cli_marks_llm_clauses_and_confirms_them_explicitly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "ledger.sqlite")
    with Ledger(db) as led:
        admin(led, "admin")
    monkeypatch.setattr("copilot.cli.policy.policy_model", lambda no_llm=False: None if no_llm
                        else scripted(POWER_CLAIM))
    path = tmp_path / "mixed.md"
    path.write_text(TEXT)
    out = runner.invoke(app, ["policy", "load", str(path), "--db", db])
    assert out.exit_code == 0, out.stdout
    assert "[LLM: read by the model only, confirm it]" in out.stdout and "--accept-llm-clauses" in out.stdout
    loaded = json.loads(runner.invoke(app, ["policy", "load", str(path), "--db", db, "--json"]).stdout)
    policy_id = loaded["policy_id"]
    refused = runner.invoke(app, ["policy", "confirm", policy_id, "--db", db, "--as", "admin", "--password-stdin"],
                            input="admin-password-1\n")
    assert refused.exit_code == 1 and "read by the LLM only" in refused.stdout + refused.stderr
    done = runner.invoke(app, ["policy", "confirm", policy_id, "--accept-llm-clauses", "--db", db, "--as", "admin",
                               "--password-stdin"], input="admin-password-1\n")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert "confirmed 1 constraint(s) read by the LLM only" in done.stdout
    other = tmp_path / "other.md"
    other.write_text(TEXT + "Urgent jobs are never moved.\n")
    offline = json.loads(runner.invoke(app, ["policy", "load", str(other), "--no-llm", "--db", db, "--json"]).stdout)
    assert offline["report"]["method"] == "deterministic" and offline["report"]["unrecognised"]
