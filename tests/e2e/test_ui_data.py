"""The UI's data helpers without a browser: every figure they show is the tools' own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.services import dashboard as ui_data
from copilot.services.fleet import run_account, run_simulation
from copilot.services.planning import run_execute, run_plan, run_verify
from copilot.ui.turns import answer_chunks, approval_markdown, tool_message
from tests.conftest import FixedClock
from tools.ledger import Ledger
from tools.ledger.plans import latest_plan_id, load_plan, load_verification
from tools.simulate import SimulationConfig


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ui-data") / "ledger.sqlite"
    with Ledger(path, clock=FixedClock()) as ledger:
        run_simulation(ledger, SimulationConfig(days=2, seed=5, jobs_per_day=200), telemetry=False)
        run_plan(ledger, days=2)
        run_execute(ledger)
        run_verify(ledger)
    return path


@pytest.fixture
def ledger(verified: Path) -> Iterator[Ledger]:
    with Ledger(verified, clock=FixedClock()) as led:
        yield led


class TestSeed:
    def test_first_start_seeds_once(self, tmp_path: Path) -> None:
        with Ledger(tmp_path / "l.sqlite") as led:
            first = ui_data.seed_if_empty(led, days=1, seed=3)
            assert first is not None and first["jobs"] > 0
            assert first["total_kgco2e"] == pytest.approx(run_account(led)["total_kgco2e"])
            assert ui_data.seed_if_empty(led, days=1, seed=3) is None
            assert len(list(led.db.query("SELECT run_id FROM runs WHERE kind = 'simulate'"))) == 1


class TestFigures:
    @pytest.mark.parametrize("by", ["team", "region", "hour"])
    def test_groups_sum_to_the_account(self, ledger: Ledger, by: str) -> None:
        frame = ui_data.emissions_by(ledger, by)  # type: ignore[arg-type]
        acc = run_account(ledger)
        assert frame["kgco2e"].sum() == pytest.approx(acc["total_kgco2e"])
        assert frame["jobs"].sum() == acc["jobs"]
        if by == "team":
            got = dict(zip(frame["team"], frame["kgco2e"], strict=True))
            assert got == pytest.approx({k: v["kgco2e"] for k, v in acc["by_team"].items()})

    def test_timeline_ends_at_the_plans_saving(self, ledger: Ledger) -> None:
        kg, usd = ui_data.plan_timeline(ledger)
        plan = load_plan(ledger, str(latest_plan_id(ledger)))
        final = kg.groupby("series")["kgco2e"].last()
        assert final["baseline"] - final["optimised"] == pytest.approx(plan.totals.est_kgco2e_saved.central, abs=1e-3)
        cost = usd.groupby("series")["usd"].last()
        assert final["baseline"] > final["optimised"]
        assert cost["baseline"] - cost["optimised"] == pytest.approx(plan.totals.est_usd_saved.central, abs=1e-3)
        assert cost["baseline"] == pytest.approx(plan.totals.baseline_cost_usd, rel=1e-6)

    def test_tradeoff_replans_at_each_price(self, ledger: Ledger) -> None:
        seen: list[float] = []
        curve = ui_data.tradeoff_curve(ledger, prices=(0, 200, 2000), max_jobs=150,
                                       progress=lambda f, _desc: seen.append(f))
        assert list(curve["carbon_price_usd_per_t"]) == [0, 200, 2000]
        assert curve["planned_kgco2e"].iloc[-1] <= curve["planned_kgco2e"].iloc[0]
        assert curve["planned_cost_usd"].iloc[-1] >= curve["planned_cost_usd"].iloc[0] - 1e-9
        assert seen[0] == 0 and seen[-1] == 1.0 and (curve["jobs"] == 150).all()

    def test_recommendations_evidence_and_leaderboard(self, ledger: Ledger) -> None:
        table = ui_data.recommendation_table(ledger, status="verified", limit=5)
        assert len(table) == 5 and (table["status"] == "verified").all()
        assert table["est_kgco2e"].is_monotonic_decreasing
        chain = ui_data.evidence_chain(ledger, str(table["rec_id"].iloc[0]))
        assert chain["ticket"] and chain["execution"] and chain["verifications"]
        assert chain["verifications"][0]["rec_id"] == table["rec_id"].iloc[0]
        board = ui_data.leaderboard(ledger)
        assert list(board["rank"]) == list(range(1, len(board) + 1))
        assert board["verified_kgco2e"].is_monotonic_decreasing
        with pytest.raises(ValueError, match="no recommendation"):
            ui_data.evidence_chain(ledger, "nope")


class TestTurnRendering:
    def test_approval_card_lists_every_input_hash(self, ledger: Ledger) -> None:
        vid = next(iter(ledger.db.query("SELECT verification_id FROM verifications LIMIT 1")))["verification_id"]
        v = load_verification(ledger, vid)
        text = approval_markdown({"verification_id": vid, "evidence": v.model_dump(mode="json"), "approvers": []},
                                 None, "chain down")
        assert all(h in text for h in v.inputs.values()) and v.evidence_hash in text and "chain down" in text

    def test_tool_message_and_streamed_answer(self) -> None:
        running = tool_message("c1", "plan", {"days": 2}, None)
        done = tool_message("c1", "plan", {"days": 2}, json.dumps({"plan_id": "x"}))
        assert running["metadata"]["status"] == "pending" and done["metadata"]["status"] == "done"
        assert "plan(days=2)" in done["metadata"]["title"] and '"plan_id": "x"' in done["content"]
        text = "word " * 40
        chunks = list(answer_chunks(text))
        assert chunks[-1] == text and all(text.startswith(c) for c in chunks) and len(chunks) > 1
