"""The chain CLI end to end on the embedded default (a real anvil node started by `chain-up`):
approval prompt, exactly-once mint, retire, reconcile, and a restart that keeps everything."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from copilot.cli.main import app
from tools.auth import Role, hash_password
from tools.chain.node import AnvilNode, free_port
from tools.ledger import Ledger
from tools.ledger.plans import load_verification, statuses
from tools.ledger.users import add_user as insert_user

pytest_plugins = ["tests.chain_fixtures"]
runner = CliRunner()
PASSWORD = {"root": "root-password-1", "alice": "alice-password-1", "olga": "olga-password-1"}


def as_user(name: str, password: str | None = None) -> dict[str, Any]:
    """Arguments and stdin that act as ``name`` (with their password unless another is given)."""
    return {"extra": ("--as", name, "--password-stdin"), "stdin": (password or PASSWORD[name]) + "\n"}


class Cli:
    """Runs app commands against one ledger and data dir, with the chain on a free port."""

    def __init__(self, tmp_path: Path, db: Path) -> None:
        self.db = str(db)
        self.data_dir = tmp_path / "data"
        self.env = {"GREENOPS_DATA_DIR": str(self.data_dir), "GREENOPS_CHAIN_PORT": str(free_port()),
                    "GREENOPS_CHAIN_RPC_URL": ""}

    def run(self, *args: str, code: int = 0, stdin: str | None = None, db: bool = True,
            extra: tuple[str, ...] = ()) -> Any:
        """JSON printed by the command (an ``{"error": ...}`` when ``code`` is 1)."""
        argv = [*args, *extra, *(["--db", self.db] if db else []), "--json"]
        self.last = runner.invoke(app, argv, env=self.env, input=stdin)
        assert self.last.exit_code == code, self.last.stdout + self.last.stderr
        out = self.last.stdout  # CliRunner echoes typed answers to stdout: skip to the JSON
        return json.loads(out[out.index("{"):])


@pytest.fixture
def cli(tmp_path: Path, verified_db: Path) -> Iterator[Cli]:
    from tests.chain_fixtures import anvil_or_skip

    anvil_or_skip()
    db = tmp_path / "ledger.sqlite"
    shutil.copy(verified_db, db)
    with Ledger(db) as ledger:
        for name, role in (("root", Role.ADMIN), ("alice", Role.APPROVER), ("olga", Role.OPERATOR)):
            insert_user(ledger, name, role, hash_password(PASSWORD[name]), actor="test")
    handle = Cli(tmp_path, db)
    try:
        yield handle
    finally:
        AnvilNode(handle.data_dir / "chain").stop()


def test_chain_cli_end_to_end_with_restart(cli: Cli) -> None:
    from tests.chain_fixtures import verification_ids

    up = cli.run("chain-up")
    assert up["node"]["started"] and up["node"]["url"].startswith("http://127.0.0.1:")
    tokens = up["tokens"]
    assert {t["symbol"] for t in tokens.values()} == {"kWhSave", "kgCO2eSave"}
    again = cli.run("chain-up")  # idempotent: same node, same tokens
    assert not again["node"]["started"] and again["tokens"] == tokens

    with Ledger(cli.db) as ledger:
        ids = verification_ids(ledger)
        vid = ids["energy"][0]
        v = load_verification(ledger, vid)

    # refused: a wrong password, an operator, no --as: nothing sent, nothing recorded
    refused = cli.run("mint", "--verification", vid, code=1, **as_user("alice", "not-her-password"))
    assert "wrong password for user 'alice'" in refused["error"]
    prompt = cli.last.stderr
    assert "needs the approver role" in cli.run("mint", "--verification", vid, code=1, **as_user("olga"))["error"]
    assert "needs an authenticated person" in cli.run("mint", "--verification", vid, code=1)["error"]
    assert "no user named 'mallory'" in cli.run("mint", "--verification", vid, code=1,
                                                **as_user("alice") | {"extra": ("--as", "mallory",
                                                                                "--password-stdin")})["error"]
    assert PASSWORD["alice"] not in cli.last.stdout + cli.last.stderr
    for shown in (vid, v.kind, v.method, v.evidence_hash, *v.inputs.values(),
                  tokens["kwh"]["address"], f"chain id {up['chain_id']}",
                  "claimed", "verified", "90%", "recipient"):
        assert shown in prompt, shown
    status = cli.run("chain-status")
    assert status["running"] and status["tokens"]["kwh"]["mints"] == 0
    assert status["chain_id"] == up["chain_id"]

    minted = cli.run("mint", "--verification", vid, **as_user("alice"))
    assert minted["state"] == "minted" and minted["decided_by"] == "alice"
    assert not minted["already_minted"] and [m["token"] for m in minted["mints"]] == ["kwh"]
    amounts = {m["token"]: m["amount"] for m in minted["mints"]}
    assert cli.run("mint", "--verification", vid, **as_user("alice"))["already_minted"]  # no second vote, no mint
    assert cli.run("mint", "--verification", vid, **as_user("root"))["already_minted"]

    assert "needs the approver role" in cli.run("retire", "--amount", "0.0000001", "--token", "kwh", "--reason",
                                                "x", code=1, **as_user("olga"))["error"]
    retired = cli.run("retire", "--amount", "0.0000001", "--token", "kwh", "--reason", "retire test",
                      **as_user("alice"))
    assert retired["status"] == "confirmed" and retired["reason"] == "retire test"
    assert "more than 18 decimals" in cli.run(
        "retire", "--amount", "1e-19", "--reason", "x", code=1, **as_user("alice"))["error"]
    report = cli.run("reconcile")
    assert report["ok"] and report["tokens"]["kwh"]["chain_minted"] == amounts["kwh"]

    # restart of the embedded default keeps balances and the used evidence hashes
    assert cli.run("chain-down", db=False)["stopped"]
    down = cli.run("chain-status")
    assert not down["running"] and "is not reachable" in down["error"]
    assert cli.run("chain-up")["tokens"] == tokens
    status = cli.run("chain-status")
    left = str(Decimal(amounts["kwh"]) - Decimal("0.0000001"))
    assert status["tokens"]["kwh"]["recipient_balance"] == left
    assert Decimal(status["tokens"]["kwh"]["total_supply"]) == Decimal(amounts["kwh"]) - Decimal(
        "0.0000001")
    assert cli.run("mint", "--verification", vid, **as_user("alice"))["already_minted"]
    assert cli.run("reconcile")["ok"]
    history = cli.run("chain-history")["events"]
    assert [e["event"] for e in history] == ["SavingsMinted", "Retired"]

    # a second verification after the restart mints normally
    second = ids["shift"][0]
    out = cli.run("mint", "--verification", second, **as_user("alice"))
    assert [m["token"] for m in out["mints"]] == ["kgco2e"] and out["skipped"] == []
    with Ledger(cli.db) as ledger:
        assert statuses(ledger, [v.rec_id]) == {v.rec_id: "minted"}
        assert ledger.verify_audit().ok
    cli.run("chain-down", db=False)


def test_mint_with_node_down_is_a_clear_error_and_stays_pending(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.chain_fixtures import verification_ids
    from tools.chain import ChainClient, ChainUnavailableError

    cli.run("chain-up")
    with Ledger(cli.db) as ledger:
        vid = verification_ids(ledger)["energy"][0]

    def node_gone(self: ChainClient, tx: Any) -> Any:
        raise ChainUnavailableError(f"the chain node {self.label} is not reachable (connection refused)")

    monkeypatch.setattr(ChainClient, "send", node_gone)  # the node goes away after the approval
    error = cli.run("mint", "--verification", vid, code=1, **as_user("alice"))
    assert error["type"] == "ChainUnavailableError"
    assert f"http://127.0.0.1:{cli.env['GREENOPS_CHAIN_PORT']}" in error["error"]
    with Ledger(cli.db) as ledger:
        rows = list(ledger.db.query("SELECT status FROM chain_mints"))
    assert [r["status"] for r in rows] == ["intent"]
    monkeypatch.undo()
    pending = cli.run("reconcile")
    assert len(pending["pending"]) == 1 and pending["ok"]
    # alice's approval stands: running the mint again (any eligible approver) completes it, once
    assert len(cli.run("mint", "--verification", vid, **as_user("root"))["mints"]) == 1
    assert cli.run("reconcile")["pending"] == []


def test_cli_errors(cli: Cli) -> None:
    cli.run("chain-up")
    assert "no verification with id 'x'" in cli.run("mint", "--verification", "x", code=1)["error"]
    assert "is not one of" in cli.run("retire", "--amount", "1", "--reason", "r", "--token", "eur",
                                      code=1)["error"]
    assert "cannot retire 1 kgCO2eSave" in cli.run("retire", "--amount", "1", "--reason", "r",
                                                   code=1, **as_user("alice"))["error"]
    cli.run("chain-down", db=False)
    cli.env["GREENOPS_CHAIN_RPC_URL"] = "http://127.0.0.1:9"
    assert "only stops the embedded node" in cli.run("chain-down", db=False, code=1)["error"]


def test_a_cli_rejection_starts_no_node_and_mints_nothing(cli: Cli) -> None:
    from tests.chain_fixtures import verification_ids

    with Ledger(cli.db) as ledger:
        vid = verification_ids(ledger)["shift"][0]
    out = cli.run("mint", "--verification", vid, "--reject", "--reason", "not this quarter", **as_user("alice"))
    assert out["state"] == "rejected" and out["decided_by"] == "alice"
    assert AnvilNode(cli.data_dir / "chain").info() is None, "rejecting a mint started the chain node"
    with Ledger(cli.db) as ledger:
        assert "chain_mints" not in ledger.db.table_names() or ledger.db["chain_mints"].count == 0
