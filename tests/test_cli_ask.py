"""`app.py ask` in text mode on every kind of approval a turn can stop for (a plan execution, one
mint, a batch mint): it prints what is asked with its figures, who may approve, and never crashes
(it did on an execution: the text renderer knew only single mints)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli.main import app
from copilot.services.fleet import run_simulation
from tests.conftest import FixedClock
from tools.auth import Role, hash_password
from tools.ledger import Ledger
from tools.ledger.queries import mintable_verification_ids
from tools.ledger.users import add_user as insert_user
from tools.simulate import SimulationConfig

pytest_plugins = ["tests.chain_fixtures"]
runner = CliRunner()


def with_approver(db: Path) -> Path:
    with Ledger(db) as ledger:
        insert_user(ledger, "alice", Role.APPROVER, hash_password("alice-password-1"), actor="test")
    return db


def ask(db: Path, tmp_path: Path, question: str) -> str:
    out = runner.invoke(app, ["ask", question, "--db", str(db)], env={"GREENOPS_DATA_DIR": str(tmp_path / "data")})
    assert out.exit_code == 0, out.stdout + out.stderr
    return str(out.stdout)


def test_an_execution_card_prints_what_would_run(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    with Ledger(db, clock=FixedClock()) as ledger:
        run_simulation(ledger, SimulationConfig(days=2, seed=5, jobs_per_day=150), telemetry=False)
    text = ask(with_approver(db), tmp_path, "Plan the next 2 days, execute it and verify the savings")
    with Ledger(db) as ledger:
        row = next(iter(ledger.db.query(
            "SELECT plan_id, COUNT(*) AS n FROM recommendations WHERE status = 'proposed' GROUP BY plan_id")))
    assert f"[approval needed] execute {row['n']} proposed recommendation(s) of plan {row['plan_id']}" in text


def test_mint_cards_print_amounts_and_approvers(verified_db: Path, tmp_path: Path) -> None:
    db = with_approver(Path(shutil.copy(verified_db, tmp_path / "ledger.sqlite")))
    with Ledger(db) as ledger:
        ids = mintable_verification_ids(ledger, unminted_only=True)
    batch = ask(db, tmp_path, "Mint the verified savings")
    assert f"[approval needed] mint {len(ids)} verified saving(s) in one approval" in batch
    assert "[may approve] alice" in batch
    one = ask(db, tmp_path, f"Mint verification {ids[0]}")
    assert f"[approval needed] mint verification {ids[0]}: claimed" in one


@pytest.mark.parametrize("question", ["", "   "])
def test_an_empty_question_is_a_clear_error(verified_db: Path, tmp_path: Path, question: str) -> None:
    out = runner.invoke(app, ["ask", question, "--db", str(shutil.copy(verified_db, tmp_path / "l.sqlite"))],
                        env={"GREENOPS_DATA_DIR": str(tmp_path / "data")})
    assert out.exit_code == 1 and "the question is empty" in out.stdout + out.stderr
