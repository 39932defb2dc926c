"""A card shown in chat and not decided yet is listed on the Ledger tab (``ledger_view.decisions``,
state ``awaiting``) with where it was asked and who may decide, and leaves the list once someone
decides. The cards come from a real copilot session on a verified ledger; nothing is minted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.agent.session import CopilotSession
from copilot.services import approvals, ledger_view
from copilot.services.fleet import run_simulation
from copilot.services.users import AuthUser
from copilot.settings import Settings
from tests.conftest import FixedClock, copy_with_users
from tools.auth import Role
from tools.ledger import Ledger
from tools.ledger.queries import mintable_verification_ids
from tools.simulate import SimulationConfig

pytest_plugins = ["tests.chain_fixtures"]
PEOPLE = {"root": Role.ADMIN, "alice": Role.APPROVER}


@pytest.fixture
def vdb(verified_db: Path, tmp_path: Path) -> Path:
    return copy_with_users(verified_db, tmp_path / "ledger.sqlite", PEOPLE, lambda name: f"{name}-password-1")


@pytest.fixture
def unplanned(tmp_path: Path) -> Path:
    """A simulated fleet with PEOPLE and no plan yet."""
    simulated = tmp_path / "simulated.sqlite"
    with Ledger(simulated, clock=FixedClock()) as ledger:
        run_simulation(ledger, SimulationConfig(days=2, seed=5, jobs_per_day=150), telemetry=False)
    return copy_with_users(simulated, tmp_path / "ledger.sqlite", PEOPLE, lambda name: f"{name}-password-1")


def awaiting(db: Path) -> list[dict[str, object]]:
    with Ledger(db) as ledger:
        return [r for r in ledger_view.decisions(ledger, show="pending") if r["state"] == ledger_view.AWAITING]


def test_a_batch_card_is_listed_until_it_is_decided(env: Settings, vdb: Path) -> None:
    with Ledger(vdb) as ledger:
        wanted = mintable_verification_ids(ledger, unminted_only=True)
    assert len(wanted) > 1 and awaiting(vdb) == []
    session = CopilotSession(env, vdb)
    asked = session.ask("Mint the verified savings")
    assert asked.pending_approval is not None
    rows = awaiting(vdb)
    assert len(rows) == 1 and rows[0]["kind"] == approvals.MINT and rows[0]["by"] == ""
    assert rows[0]["subject"] == f"{len(wanted)} verifications (batch)"
    assert asked.thread_id in str(rows[0]["detail"]) and "alice" in str(rows[0]["detail"])
    with Ledger(vdb) as ledger:  # the same rows in the unfiltered list
        assert rows[0] in ledger_view.decisions(ledger, show="all")
        requested = ledger.db.query("SELECT payload FROM audit_log WHERE action = ?", [approvals.APPROVAL_REQUESTED])
        assert sorted(json.loads(next(iter(requested))["payload"])["verification_ids"]) == sorted(wanted)
    session.decide(asked.thread_id, approved=False, user=AuthUser("alice", Role.APPROVER), reason="later")
    assert awaiting(vdb) == []


def test_a_single_mint_card_names_its_verification(env: Settings, vdb: Path) -> None:
    with Ledger(vdb) as ledger:
        vid = mintable_verification_ids(ledger, unminted_only=True)[0]
    session = CopilotSession(env, vdb)
    asked = session.ask(f"Mint verification {vid}")
    assert asked.pending_approval is not None and asked.pending_approval["type"] == "mint_approval"
    rows = awaiting(vdb)
    assert [(r["subject"], r["verification_id"]) for r in rows] == [(vid, vid)]
    with Ledger(vdb) as ledger:  # decided elsewhere (another thread, the CLI): no longer awaiting
        approvals.decide_mint(ledger, env, vid, AuthUser("root", Role.ADMIN), approve=False, reason="no")
    assert awaiting(vdb) == []


def test_asking_without_a_card_lists_nothing(env: Settings, vdb: Path) -> None:
    CopilotSession(env, vdb).ask("Do not mint anything, just tell me what is mintable")
    assert awaiting(vdb) == []


def test_an_execution_card_is_listed_until_it_is_decided(env: Settings, unplanned: Path) -> None:
    vdb = unplanned
    session = CopilotSession(env, vdb)
    assert " 0 recommendations" not in session.ask("Plan the next 2 days").answer
    asked = session.ask("Execute the plan")
    assert asked.pending_approval is not None and asked.pending_approval["type"] == "execute_approval"
    rows = awaiting(vdb)
    assert [r["kind"] for r in rows] == [approvals.EXECUTE] and "nobody has decided" in str(rows[0]["detail"])
    session.decide(asked.thread_id, approved=False, user=AuthUser("alice", Role.APPROVER), reason="not now")
    assert awaiting(vdb) == []


def test_an_execution_card_runs_the_plan_it_showed_even_after_a_newer_plan(env: Settings, unplanned: Path) -> None:
    vdb = unplanned
    session = CopilotSession(env, vdb)
    session.ask("Plan the next 2 days")
    asked = session.ask("Execute the plan")
    shown = asked.pending_approval["plan_id"] if asked.pending_approval else None
    assert shown is not None
    session.ask("Plan the next day")  # another plan becomes the latest before anyone decides
    with Ledger(vdb) as ledger:
        newest = next(iter(ledger.db.query("SELECT plan_id FROM plans ORDER BY rowid DESC LIMIT 1")))["plan_id"]
    assert newest != shown
    session.decide(asked.thread_id, approved=True, user=AuthUser("alice", Role.APPROVER))
    with Ledger(vdb) as ledger:
        ran = {r["plan_id"] for r in ledger.db.query("SELECT DISTINCT plan_id FROM executions")}
    assert ran == {shown}
