"""Weekly team summaries and the LLM provider settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, HumanMessage

from copilot.agent.llm import for_provider
from copilot.agent.render import render_summary
from copilot.agent.summary_text import write_summary
from copilot.services.summary import weekly_summary
from copilot.settings import LLMConfigError, LLMSettings
from tools.ledger import Ledger
from tools.rollup import previous_week

pytest_plugins = ["tests.chain_fixtures"]


@pytest.fixture
def vdb(verified_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    shutil.copy(verified_db, path)
    return path


def test_weekly_figures_match_the_ledger(vdb: Path) -> None:
    with Ledger(vdb) as ledger:
        out = weekly_summary(ledger)
        rows = list(ledger.db.query(
            "SELECT e.team, SUM(e.emissions_kg) AS kg, COUNT(*) AS n FROM emissions e GROUP BY e.team"))
    # the small verified run spans one ISO week, so the week's totals are the whole run's
    for row in rows:
        team = out["teams"][row["team"]]
        assert team["emissions_kgco2e"] == pytest.approx(row["kg"], abs=1e-3)
        assert team["jobs"] == row["n"]
        assert team["previous_week_kgco2e"] == 0 and team["change_pct"] is None
    assert sum(t["verified_kgco2e"] for t in out["teams"].values()) > 0
    assert all(t["nudge"] for t in out["teams"].values())


def test_team_filter_and_bad_week(vdb: Path) -> None:
    with Ledger(vdb) as ledger:
        only = weekly_summary(ledger, team="ml")
        assert list(only["teams"]) == ["ml"]
        with pytest.raises(ValueError, match="week='47' is not an ISO week"):
            weekly_summary(ledger, week="47")
        with pytest.raises(ValueError, match="team='finance' has no jobs"):
            weekly_summary(ledger, team="finance")
    assert previous_week("2026-W01") == "2025-W52"


def test_llm_summary_is_guarded(vdb: Path) -> None:
    invented = FakeListChatModel(responses=["Team ml emitted 424242 kgCO2e!", "Still 777 kg."])
    out = write_summary(vdb, llm=LLMSettings(provider="openai"), chat_model=invented)
    with Ledger(vdb) as ledger:
        assert out["text"] == render_summary(weekly_summary(ledger))
    assert [e["unsupported"] for e in out["guard_events"]] == [["424242"], ["777"]]
    honest = FakeListChatModel(responses=["A quiet week for every team."])
    assert write_summary(vdb, llm=LLMSettings(provider="openai"), chat_model=honest)["text"] == \
        "A quiet week for every team."


class TestLLMSettings:
    def test_defaults_to_offline(self) -> None:
        assert LLMSettings.from_env({}).provider == "offline"
        assert "offline" in LLMSettings.from_env({}).label

    def test_openai_and_ollama_by_environment(self) -> None:
        s = LLMSettings.from_env({"OPENAI_BASE_URL": "http://127.0.0.1:8000/v1"})
        assert (s.provider, s.base_url) == ("openai", "http://127.0.0.1:8000/v1")
        assert LLMSettings.from_env({"OLLAMA_HOST": "http://127.0.0.1:11434"}).provider == "ollama"

    def test_bad_provider(self) -> None:
        with pytest.raises(LLMConfigError, match="'gpt5' is not one of"):
            LLMSettings.from_env({"GREENOPS_LLM_PROVIDER": "gpt5"})

    def test_openai_assistant_tool_calls_get_content(self) -> None:
        call = AIMessage(content="", tool_calls=[{"name": "account", "args": {}, "id": "1", "type": "tool_call"}])
        fixed = for_provider([HumanMessage("hi"), call], "openai")
        assert fixed[1].content and fixed[1].tool_calls == call.tool_calls
        assert for_provider([call], "ollama")[0].content == ""

    def test_openai_client_sends_max_tokens_both_ways(self) -> None:
        from copilot.agent.llm import make_chat_model

        model = make_chat_model(LLMSettings(provider="openai", base_url="http://127.0.0.1:9/v1", max_tokens=123))
        params = model._default_params  # type: ignore[attr-defined]
        assert params.get("max_completion_tokens", params.get("max_tokens")) == 123
        assert params["extra_body"] == {"max_tokens": 123}


def test_summarise_week_on_hand_made_rows() -> None:
    import pandas as pd

    from tools.rollup.weekly import summarise_week

    t = pd.Timestamp
    emissions = pd.DataFrame({
        "team": ["ml", "ml", "ml", "web"],
        "start_utc": [t("2026-01-12 10:00", tz="UTC"), t("2026-01-14 10:00", tz="UTC"),
                      t("2026-01-06 10:00", tz="UTC"), t("2026-01-13 10:00", tz="UTC")],
        "emissions_kg": [3.0, 1.0, 2.0, 5.0], "lower_kg": [2.0, 0.5, 1.5, 4.0], "upper_kg": [4.0, 1.5, 2.5, 6.0]})
    verified = pd.DataFrame({"verification_id": ["v1", "v2"], "team": ["ml", "ml"],
                             "start_utc": [t("2026-01-12 10:00", tz="UTC"), t("2026-01-06 10:00", tz="UTC")],
                             "kg": [0.5, 9.0], "kg_lower": [0.4, 8.0], "kwh": [0.0, 1.0]})
    minted = pd.DataFrame({"verification_id": ["v1"], "token": ["kgco2e"], "amount": ["0.4"]})
    open_recs = pd.DataFrame({"team": ["web"], "n": [2], "kg": [1.25], "kwh": [0.0]})
    out = summarise_week(emissions, verified, minted, open_recs, week="2026-W03")
    ml, web = out["teams"]["ml"], out["teams"]["web"]
    assert (ml["jobs"], ml["emissions_kgco2e"], ml["emissions_lower_kgco2e"]) == (2, 4.0, 2.5)
    assert ml["previous_week_kgco2e"] == 2.0 and ml["change_pct"] == 100.0
    assert ml["verified_kgco2e"] == 0.5 and ml["tokens_minted"] == {"kgco2e": 0.4}
    assert "rose 100.0 %" in ml["nudge"]
    assert web["change_pct"] is None and web["open_recommendations"] == 2 and "2 open" in web["nudge"]
