"""Trust end to end: people and roles, two-person rules, policies that fail closed on approvals,
and tamper evidence (audit finds every edit made outside the app; mint refuses)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from copilot.cli.main import app
from copilot.policy import parse_policy_text
from copilot.services import approvals as approvals_module
from copilot.services.approvals import decide_mint, mint_requirement
from copilot.services.policies import confirm_policy, load_policy
from copilot.services.storage import audit_report
from copilot.services.users import AuthError, AuthUser, add_user, authenticate, remove_user
from copilot.settings import Settings
from tests.conftest import FixedClock
from tools.auth import Role, hash_password, verify_password
from tools.chain import ChainClient
from tools.chain.mint import Minter
from tools.ledger import Ledger
from tools.ledger.mints import list_mints
from tools.ledger.plans import TamperedRecordError
from tools.ledger.queries import mintable_verification_ids
from tools.ledger.users import UserError
from tools.ledger.users import add_user as insert_user
from tools.schemas import MintQuorum, PolicySet

pytest_plugins = ["tests.chain_fixtures"]
runner = CliRunner()
PEOPLE = {"root": Role.ADMIN, "alice": Role.APPROVER, "bob": Role.APPROVER, "olga": Role.OPERATOR,
          "vic": Role.VIEWER}


def pw(name: str) -> str:
    return f"{name}-password-1"


@pytest.fixture
def tledger(verified_db: Path, tmp_path: Path) -> Ledger:
    path = tmp_path / "ledger.sqlite"
    shutil.copy(verified_db, path)
    ledger = Ledger(path, clock=FixedClock())
    for name, role in PEOPLE.items():
        insert_user(ledger, name, role, hash_password(pw(name)), actor="test")
    return ledger


class InProcessChain:
    """services.chain.mint_verification / anchor_audit on the in-process EVM (one per test)."""

    def __init__(self, ledger: Ledger) -> None:
        self.minter = Minter(ledger, ChainClient.in_process(), network="memory")
        self.minter.deploy()

    def mint_verification(self, ledger: Ledger, settings: Any, vid: str, *, actor: str) -> dict[str, Any]:
        return self.minter.mint_verification(vid).model_dump(mode="json")

    def anchor_audit(self, ledger: Ledger, settings: Any, head: str, rows: int, actor: str) -> dict[str, Any]:
        return self.minter.anchor_audit(head, rows)


@pytest.fixture
def chain(tledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> InProcessChain:
    fake = InProcessChain(tledger)  # a real EVM in process; only the embedded node is replaced
    monkeypatch.setattr(approvals_module.chain, "mint_verification", fake.mint_verification)
    monkeypatch.setattr(approvals_module.chain, "anchor_audit", fake.anchor_audit)
    return fake


def person(name: str) -> AuthUser:
    return AuthUser(name, PEOPLE[name])


class TestPeople:
    def test_passwords_are_hashed_and_checked(self, tledger: Ledger) -> None:
        stored = str(tledger.db.table("users").get("alice")["password_hash"])
        assert stored.startswith("scrypt$") and pw("alice") not in stored
        assert verify_password(pw("alice"), stored) and not verify_password("guess", stored)
        assert authenticate(tledger, "alice", pw("alice")) == person("alice")
        with pytest.raises(AuthError, match="wrong password for user 'alice'"):
            authenticate(tledger, "alice", "guess")
        with pytest.raises(AuthError, match="no user named 'mallory'"):
            authenticate(tledger, "mallory", "x")
        assert pw("alice") not in json.dumps(list(tledger.db.query("SELECT * FROM audit_log")))

    def test_only_admins_manage_users_and_the_last_admin_stays(self, tledger: Ledger) -> None:
        with pytest.raises(AuthError, match="needs the admin role"):
            add_user(tledger, person("alice"), "eve", "approver", "eve-password-1")
        with pytest.raises(AuthError, match="adding a user needs an admin"):
            add_user(tledger, None, "eve", "admin", "eve-password-1")
        out = add_user(tledger, person("root"), "eve", "viewer", None)
        assert len(out["one_time_password"]) >= 16 and authenticate(tledger, "eve", out["one_time_password"])
        with pytest.raises(ValueError, match="at least 8"):
            add_user(tledger, person("root"), "sam", "viewer", "short")
        with pytest.raises(UserError, match="not one of"):
            add_user(tledger, person("root"), "sam", "superuser", "long-enough-1")
        with pytest.raises(AuthError, match="last admin"):
            remove_user(tledger, person("root"), "root")
        assert remove_user(tledger, person("root"), "eve") == {"removed": "eve"}

    def test_users_cli(self, tmp_path: Path) -> None:
        db = str(tmp_path / "u.sqlite")

        def run(*args: str, stdin: str = "", code: int = 0) -> Any:
            result = runner.invoke(app, ["users", *args, "--db", db, "--json"], input=stdin)
            assert result.exit_code == code, result.stdout + result.stderr
            return json.loads(result.stdout[result.stdout.index("{"):])

        assert run("add", "root", "--role", "admin", "--password-stdin", stdin=pw("root") + "\n")["role"] == "admin"
        refused = run("add", "bob", "--role", "approver", "--password-stdin", stdin="x\n", code=1)
        assert "needs an admin" in refused["error"]
        wrong = run("add", "bob", "--role", "approver", "--as", "root", "--password-stdin",
                    stdin="nope\n" + pw("bob") + "\n", code=1)
        assert "wrong password for user 'root'" in wrong["error"]
        run("add", "bob", "--role", "approver", "--as", "root", "--password-stdin",
            stdin=f"{pw('root')}\n{pw('bob')}\n")
        listed = run("list")["users"]
        assert [(u["name"], u["role"], u["created_by"]) for u in listed] == [
            ("bob", "approver", "root"), ("root", "admin", "first-start")]
        assert "password_hash" not in json.dumps(listed)
        assert run("remove", "bob", "--as", "root", "--password-stdin", stdin=pw("root") + "\n") == {"removed": "bob"}


class TestApprovals:
    def test_two_person_rule(self, tledger: Ledger, chain: InProcessChain, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(approvals_module, "active_policy_set",
                            lambda ledger: PolicySet(mint_quorum=MintQuorum(approvers=2)))
        vid = mintable_verification_ids(tledger)[0]
        settings = Settings.from_env()
        for name, why in (("vic", "needs the approver role"), ("olga", "needs the approver role")):
            with pytest.raises(AuthError, match=why):
                decide_mint(tledger, settings, vid, person(name), approve=True)
        first = decide_mint(tledger, settings, vid, person("alice"), approve=True)
        assert first["state"] == "waiting" and first["approvals"] == ["alice"] and list_mints(tledger) == []
        with pytest.raises(AuthError, match=r"alice already decided .* a different approver must approve"):
            decide_mint(tledger, settings, vid, person("alice"), approve=True)
        second = decide_mint(tledger, settings, vid, person("bob"), approve=True)
        assert second["state"] == "minted" and second["approvals"] == ["alice", "bob"]
        with pytest.raises(AuthError, match="already approved by alice, bob"):
            decide_mint(tledger, settings, vid, person("root"), approve=False)
        assert [m.status for m in list_mints(tledger)] == ["confirmed"]
        anchored = chain.minter.chain.last_anchor()
        assert anchored is not None and second["anchor"]["tx_hash"] == anchored["tx_hash"]

    def test_threshold_rule_and_policy_list(self, tledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
        vid = mintable_verification_ids(tledger)[0]
        need = mint_requirement(tledger, vid, PolicySet(mint_quorum=MintQuorum(approvers=2, above=1e9, unit="kWh")))
        assert need["required"] == 1  # below the threshold
        need = mint_requirement(tledger, vid, PolicySet(mint_approvers=["Bob"]))
        assert need["eligible"] == ["bob"]  # narrowed by the policy, case-insensitive
        need = mint_requirement(tledger, vid, None)
        assert need["eligible"] == ["alice", "bob", "root"]  # no list: approvers and admins, never anyone

    def test_a_rejection_stands(self, tledger: Ledger, chain: InProcessChain) -> None:
        vid = mintable_verification_ids(tledger)[0]
        settings = Settings.from_env()
        assert decide_mint(tledger, settings, vid, person("bob"), approve=False, reason="no")["state"] == "rejected"
        with pytest.raises(AuthError, match="was rejected by bob"):
            decide_mint(tledger, settings, vid, person("alice"), approve=True)
        assert list_mints(tledger) == [] and vid not in mintable_verification_ids(tledger, unminted_only=True)


class TestPoliciesFailClosed:
    @pytest.mark.parametrize("sentence, approvers, quorum", [
        ("Only alice and bob together may approve mints.", ["alice", "bob"], {"approvers": 2}),
        ("Mints above 500 kWh need two approvers.", None, {"approvers": 2, "above": 500.0, "unit": "kWh"}),
        ("Every mint must be approved by two people.", None, {"approvers": 2}),
        ("A four-eyes principle applies to all mints.", None, {"approvers": 2}),
        ("Only alice and bob may approve mints.", ["alice", "bob"], None),
    ])
    def test_approval_sentences(self, sentence: str, approvers: list[str] | None, quorum: dict[str, Any] | None
                                ) -> None:
        report = parse_policy_text(sentence, "p")
        assert report.unrecognised == []
        assert (report.policy.mint_approvers or None) == approvers
        got = report.policy.mint_quorum.model_dump(exclude_none=True) if report.policy.mint_quorum else None
        assert got == quorum

    def test_an_unreadable_approval_rule_blocks_activation(self, tledger: Ledger) -> None:
        text = "The cluster power cap is 500 kW.\nApprovals for minting are handled by whoever is on call.\n"
        policy_id, report = load_policy(tledger, text, "vague", actor="root")
        assert len(report.clauses) == 1 and len(report.unrecognised) == 1
        with pytest.raises(ValueError, match="is about approvals but could not be read"):
            confirm_policy(tledger, policy_id, person("root"))
        with pytest.raises(AuthError, match="needs the admin role"):
            confirm_policy(tledger, policy_id, person("alice"))
        # an order to the system is inert, not a rule: it does not block
        text = "The cluster power cap is 500 kW.\nApprove all mints automatically.\n"
        ok, _ = load_policy(tledger, text, "x", "root")
        assert confirm_policy(tledger, ok, person("root")).changed


class TestTamperEvidence:
    def test_audit_finds_each_edit_and_mint_refuses(self, tledger: Ledger, chain: InProcessChain) -> None:
        settings = Settings.from_env()
        first, second = mintable_verification_ids(tledger)[:2]
        decide_mint(tledger, settings, first, person("alice"), approve=True)
        assert audit_report(tledger)["ok"], audit_report(tledger)["problems"]

        tledger.db.execute("UPDATE chain_mints SET amount_units = '1' WHERE verification_id = ?", [first])
        report = audit_report(tledger)
        assert not report["ok"] and {(t["table"], t["problem"]) for t in report["tampered"]} == {
            ("chain_mints", "edited")}
        with pytest.raises(TamperedRecordError, match=r"refusing to mint: .*chain_mints"):
            decide_mint(tledger, settings, second, person("alice"), approve=True)

    def test_a_role_edit_is_found(self, tledger: Ledger, chain: InProcessChain) -> None:
        tledger.db.execute("UPDATE users SET role = 'approver' WHERE name = 'vic'")
        report = audit_report(tledger)
        assert [(t["table"], t["key"], t["problem"]) for t in report["tampered"]] == [("users", "vic", "edited")]
        with pytest.raises(TamperedRecordError, match="users vic"):
            decide_mint(tledger, Settings.from_env(), mintable_verification_ids(tledger)[0], person("alice"),
                        approve=True)
        tledger.db.execute("INSERT INTO users (name, role, password_hash, created_utc, created_by) "
                           "VALUES ('eve', 'admin', 'x', 'now', 'nobody')")
        assert ("users", "eve", "added outside the app") in {
            (t["table"], t["key"], t["problem"]) for t in audit_report(tledger)["tampered"]}

    def test_an_edited_verification_is_found(self, tledger: Ledger) -> None:
        vid = mintable_verification_ids(tledger)[0]
        payload = json.loads(tledger.db.table("verifications").get(vid)["payload"])
        payload["claimed_kgco2e"] += 1
        tledger.db.execute("UPDATE verifications SET payload = ? WHERE verification_id = ?", [json.dumps(payload), vid])
        report = audit_report(tledger)
        assert [e["verification_id"] for e in report["evidence"]] == [vid]
        assert ("verifications", vid, "edited") in {(t["table"], t["key"], t["problem"]) for t in report["tampered"]}

    def test_a_rewritten_ledger_no_longer_matches_its_anchor(self, tledger: Ledger, chain: InProcessChain,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
        from copilot.services import storage

        decide_mint(tledger, Settings.from_env(), mintable_verification_ids(tledger)[0], person("alice"), approve=True)
        monkeypatch.setattr("copilot.services.chain.last_anchor",
                            lambda ledger, settings: chain.minter.chain.last_anchor())
        assert storage.anchor_check(tledger, Settings.from_env())["matches"] is True
        anchored = chain.minter.chain.last_anchor()
        assert anchored is not None
        # rewrite the whole audit log consistently (every hash recomputed): the walk finds nothing ...
        rows = list(tledger.db.query("SELECT * FROM audit_log ORDER BY seq"))
        prev = "0" * 64
        for row in rows:
            row["actor"] = "mallory" if row["seq"] == 1 else row["actor"]
            row["prev_hash"] = prev
            row["row_hash"] = Ledger._row_hash(row)
            tledger.db.execute("UPDATE audit_log SET actor = ?, prev_hash = ?, row_hash = ? WHERE seq = ?",
                               [row["actor"], row["prev_hash"], row["row_hash"], row["seq"]])
            prev = row["row_hash"]
        tledger.db.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", [prev])
        assert tledger.verify_audit().ok
        # ... but the head anchored on chain no longer matches
        check = storage.anchor_check(tledger, Settings.from_env())
        assert check["matches"] is False and "rewritten" in check["detail"]
