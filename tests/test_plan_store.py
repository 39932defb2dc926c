"""Plans, executions and verifications in the ledger: idempotent, transactional, audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli.main import app
from copilot.services.fleet import run_simulation
from copilot.services.planning import run_execute, run_plan, run_verify
from tools.ledger import Ledger, LedgerError
from tools.ledger.plans import load_plan, load_verification, recommendations, statuses, transition
from tools.plan import PlanParams
from tools.simulate import SimulationConfig
from tools.verify import recompute_evidence_hash

SMALL = SimulationConfig(days=2, seed=11, jobs_per_day=150)


@pytest.fixture
def planned(ledger: Ledger) -> tuple[Ledger, dict]:  # type: ignore[type-arg]
    run_simulation(ledger, SMALL, telemetry=False)
    return ledger, run_plan(ledger, params=PlanParams())


class TestPlanStore:
    def test_plan_round_trip_and_idempotence(self, planned: tuple[Ledger, dict]) -> None:  # type: ignore[type-arg]
        ledger, out = planned
        plan = load_plan(ledger, out["plan_id"])
        assert len(plan.recommendations) == out["recommendations"] > 0
        assert plan.not_moved_counts() == out["not_moved"]
        counts = ledger.counts()
        again = run_plan(ledger, params=PlanParams())
        assert again["plan_id"] == out["plan_id"] and not again["created"]
        assert ledger.counts() == counts

    def test_lifecycle_execute_verify(self, planned: tuple[Ledger, dict]) -> None:  # type: ignore[type-arg]
        ledger, out = planned
        ex = run_execute(ledger)
        assert ex["recommendations"] == out["recommendations"] and ex["created"]
        assert set(statuses(ledger, [r.rec_id for r in recommendations(ledger, out["plan_id"])]
                            ).values()) == {"executed"}
        again = run_execute(ledger)
        assert again["recommendations"] == 0
        ver = run_verify(ledger)
        assert ver["verifications"] == out["recommendations"] == ver["new"]
        assert ver["verified_kgco2e_lower"] <= ver["verified_kgco2e"]
        assert ver["mintable_kgco2e"] >= 0 and ver["claimed_kgco2e"] == pytest.approx(
            out["est_kgco2e_saved"])
        counts = ledger.counts()
        ver2 = run_verify(ledger)
        assert ver2["new"] == 0 and ver2["ids"] == ver["ids"] and ledger.counts() == counts
        v = load_verification(ledger, ver["ids"][0])
        assert recompute_evidence_hash(v) == v.evidence_hash
        assert ledger.verify_audit().ok

    def test_invalid_transition_refused_and_nothing_changes(self, planned: tuple[Ledger, dict]  # type: ignore[type-arg]
                                                            ) -> None:
        ledger, out = planned
        recs = [r.rec_id for r in recommendations(ledger, out["plan_id"])]
        before = statuses(ledger, recs)
        with pytest.raises(LedgerError, match="cannot move to 'verified'"):
            transition(ledger, recs, "verified")
        with pytest.raises(LedgerError, match="unknown recommendation"):
            transition(ledger, ["nope"], "approved")
        assert statuses(ledger, recs) == before

    def test_rejected_recs_are_not_executed(self, planned: tuple[Ledger, dict]) -> None:  # type: ignore[type-arg]
        ledger, out = planned
        recs = [r.rec_id for r in recommendations(ledger, out["plan_id"])]
        transition(ledger, recs[:1], "rejected", actor="alice")
        ex = run_execute(ledger)
        assert ex["recommendations"] == len(recs) - 1

    def test_execute_unknown_rec(self, planned: tuple[Ledger, dict]) -> None:  # type: ignore[type-arg]
        ledger, _ = planned
        with pytest.raises(LedgerError, match="are not in plan"):
            run_execute(ledger, rec_ids=["deadbeef"])


runner = CliRunner()


def test_cli_plan_execute_verify(tmp_path: Path) -> None:
    db = str(tmp_path / "l.sqlite")

    def cli(*args: str, code: int = 0) -> dict:  # type: ignore[type-arg]
        result = runner.invoke(app, [*args, "--db", db, "--json"])
        assert result.exit_code == code, result.stdout + result.stderr
        return json.loads(result.stdout)

    cli("simulate", "--days", "2", "--seed", "5", "--jobs-per-day", "120", "--no-telemetry")
    assert "no plan stored yet" in cli("verify", code=1)["error"]
    plan = cli("plan", "--solver", "exact", "--time-limit", "20")
    assert set(plan) >= {"recommendations", "est_kgco2e_saved", "est_usd_saved", "est_kwh_saved",
                         "gap", "not_moved"}
    assert plan["gap"] is not None and plan["gap"] <= 1e-3
    assert sum(plan["not_moved"].values()) > 0
    executed = cli("execute")
    assert executed["recommendations"] == plan["recommendations"]
    ver = cli("verify")
    assert set(ver) >= {"verifications", "ids", "verified_kgco2e", "verified_kgco2e_lower",
                        "verified_kwh", "claimed_kgco2e"}
    assert ver["verifications"] == plan["recommendations"]
    assert ver["claimed_kgco2e"] == pytest.approx(plan["est_kgco2e_saved"])


def test_cli_bad_policy_writes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "l.sqlite")
    runner.invoke(app, ["simulate", "--days", "1", "--jobs-per-day", "50", "--no-telemetry",
                        "--db", db])
    before = Ledger(db).counts()
    bad = tmp_path / "policy.json"
    bad.write_text(json.dumps({"allowed_regions_by_team": {"ml": ["eu-moon-1"]}}))
    result = runner.invoke(app, ["plan", "--policy", str(bad), "--db", db, "--json"])
    assert result.exit_code == 1
    assert "'eu-moon-1' is not a known region" in json.loads(result.stdout)["error"]
    assert Ledger(db).counts() == before
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"allowed_regions_by_team": {"ml": ["us-east-1"]},
                                "max_deferral_h_by_category": {"sustainable": 2}}))
    result = runner.invoke(app, ["plan", "--policy", str(good), "--db", db, "--json"])
    assert result.exit_code == 0, result.stdout
