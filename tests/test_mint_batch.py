"""One approval for every mintable verification ("mint the verified savings"): the card is read from the
ledger only (nothing starts on chain to show it), each verification mints once ever, quorum rules still
hold per verification, and a rejection covers the whole batch. On the embedded anvil node."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from copilot.agent.session import CopilotSession
from copilot.services import approvals as approvals_module
from copilot.services.approvals import decide_mint, mint_batch
from copilot.services.users import AuthUser
from copilot.settings import Settings
from tests.conftest import copy_with_users
from tools.auth import Role
from tools.chain.node import AnvilNode
from tools.ledger import Ledger
from tools.ledger.queries import mintable_verification_ids
from tools.schemas import MintQuorum, PolicySet
from tools.tokens import TOKENS, short_amount

pytest_plugins = ["tests.chain_fixtures"]
PEOPLE = {"root": Role.ADMIN, "alice": Role.APPROVER, "bob": Role.APPROVER, "vic": Role.VIEWER}


@pytest.fixture
def vdb(verified_db: Path, tmp_path: Path) -> Path:
    return copy_with_users(verified_db, tmp_path / "ledger.sqlite", PEOPLE, lambda name: f"{name}-password-1")


def person(name: str) -> AuthUser:
    return AuthUser(name, PEOPLE[name])


def mints(db: Path) -> list[dict[str, Any]]:
    with Ledger(db) as ledger:
        if "chain_mints" not in ledger.db.table_names():
            return []
        return list(ledger.db.query("SELECT verification_id, token, status, tx_hash FROM chain_mints"))


def unminted(db: Path) -> list[str]:
    with Ledger(db) as ledger:
        return mintable_verification_ids(ledger, unminted_only=True)


def narrow(db: Path, env: Settings, keep: int = 4) -> list[str]:
    """Reject all but ``keep`` mintable verifications (each real mint on the embedded node waits about a
    second for the node to save its state), so a batch is small; the ids kept."""
    ids = unminted(db)
    with Ledger(db) as ledger:
        for vid in ids[keep:]:
            decide_mint(ledger, env, vid, person("root"), approve=False, reason="test: a smaller batch")
    return unminted(db)


def test_the_card_covers_every_mintable_verification_and_starts_nothing(env: Settings, vdb: Path) -> None:
    wanted = unminted(vdb)
    assert len(wanted) > 3
    asked = CopilotSession(env, vdb).ask("Mint the verified savings")
    pending = asked.pending_approval
    assert pending is not None and pending["type"] == "mint_batch_approval"
    assert sorted(pending["verification_ids"]) == sorted(wanted) and pending["count"] == len(wanted)
    with Ledger(vdb) as ledger:
        batch = mint_batch(ledger)
    assert pending["totals"] == pytest.approx(batch["totals"])
    assert sum(i["amount"] for i in batch["items"]) == pytest.approx(sum(batch["totals"].values()))
    assert mints(vdb) == []
    assert AnvilNode(env.data_dir / "chain").info() is None, "showing the card started the chain node"


def test_one_approval_mints_each_verification_once(env: Settings, vdb: Path) -> None:
    wanted = narrow(vdb, env)
    assert len(wanted) == 4
    session = CopilotSession(env, vdb)
    asked = session.ask("Mint the verified savings")
    done = session.decide(asked.thread_id, approved=True, user=person("alice"))
    assert done.pending_approval is None
    assert f"{len(wanted)} of {len(wanted)} verification(s) minted" in done.answer
    rows = mints(vdb)
    assert sorted(r["verification_id"] for r in rows) == sorted(wanted)
    assert all(r["status"] == "confirmed" for r in rows) and len({r["tx_hash"] for r in rows}) == len(rows)
    with Ledger(vdb) as ledger:  # the answer's total per token is the exact sum of what the chain minted
        for row in ledger.db.query("SELECT token, SUM(CAST(amount AS REAL)) AS total, GROUP_CONCAT(amount, ' ') "
                                   "AS amounts FROM chain_mints GROUP BY token"):
            exact = sum((Decimal(a) for a in row["amounts"].split()), Decimal(0))
            shown = f"{short_amount(str(exact))} {TOKENS[row['token']].symbol}"
            assert float(exact) == pytest.approx(row["total"]) and shown in done.answer, (shown, done.answer)
    again = session.ask("Mint the verified savings")  # nothing left: refused, nothing sent
    assert again.pending_approval is None and "nothing to mint" in again.answer.lower() + str(again.tools)
    assert mints(vdb) == rows


def test_a_rejection_covers_the_batch(env: Settings, vdb: Path) -> None:
    wanted = unminted(vdb)
    session = CopilotSession(env, vdb)
    asked = session.ask("mint all verified savings")
    done = session.decide(asked.thread_id, approved=False, user=person("bob"), reason="not this quarter")
    assert "rejected by bob" in done.answer and mints(vdb) == []
    with Ledger(vdb) as ledger:
        assert sorted(r["subject"] for r in approvals_module.rejected_mints(ledger)) == sorted(wanted)
    assert unminted(vdb) == []


def test_the_quorum_holds_per_verification_in_a_batch(env: Settings, vdb: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(approvals_module, "active_policy_set",
                        lambda ledger: PolicySet(mint_quorum=MintQuorum(approvers=2)))
    wanted = narrow(vdb, env, keep=3)
    session = CopilotSession(env, vdb)
    asked = session.ask("Mint the verified savings")
    first = session.decide(asked.thread_id, approved=True, user=person("alice"))
    assert mints(vdb) == [] and first.pending_approval is not None
    assert "need more approvers" in str(first.pending_approval.get("note"))
    with Ledger(vdb) as ledger, pytest.raises(Exception, match="already decided"):  # one person is not two
        decide_mint(ledger, env, wanted[0], person("alice"), approve=True)
    second = session.decide(asked.thread_id, approved=True, user=person("bob"))
    assert second.pending_approval is None
    assert sorted(r["verification_id"] for r in mints(vdb)) == sorted(wanted)


def test_a_viewer_cannot_decide_a_batch(env: Settings, vdb: Path) -> None:
    session = CopilotSession(env, vdb)
    asked = session.ask("Mint the verified savings")
    with pytest.raises(Exception, match="approver role"):
        session.decide(asked.thread_id, approved=True, user=person("vic"))
    assert mints(vdb) == [] and session.pending(asked.thread_id) is not None


def test_the_batch_share_excludes_what_is_minted_already(env: Settings, vdb: Path) -> None:
    first = unminted(vdb)[0]
    with Ledger(vdb) as ledger:
        decide_mint(ledger, env, first, person("alice"), approve=True)
        batch = mint_batch(ledger)
    assert first not in {i["verification_id"] for i in batch["items"]}
    key = next(iter(batch["all_mintable"]))
    assert batch["totals"].get(key, 0.0) < batch["all_mintable"][key]


def test_the_card_and_the_chat_line_state_count_totals_and_share(env: Settings, vdb: Path) -> None:
    from copilot.ui.chat import waiting_line
    from copilot.ui.turns import batch_markdown

    first = unminted(vdb)[0]
    with Ledger(vdb) as ledger:
        decide_mint(ledger, env, first, person("alice"), approve=True)  # minted before: outside the batch
    pending = CopilotSession(env, vdb).ask("Mint the verified savings").pending_approval
    assert pending is not None
    card = batch_markdown(pending)
    assert f"mint {pending['count']} verified saving(s) in one approval" in card
    assert first not in card and all(f"`{r['verification_id']}`" in card for r in pending["items"])
    for key, total in pending["all_mintable"].items():
        share = pending["totals"].get(key, 0.0) / total * 100
        assert f"| {key} |" in card and f"{share:.1f} %" in card
    assert any(float(pending["totals"].get(k, 0.0)) < v for k, v in pending["all_mintable"].items())
    assert f"Minting {pending['count']} verified saving(s) in one approval" in waiting_line(pending)
