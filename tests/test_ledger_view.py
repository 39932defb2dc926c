"""The Ledger & token tab's read-only views (``copilot.services.ledger_view``) on real ledgers:
people's decisions (rejected and pending mints, plan executions), the audit log page by page with
each row's hash checked, the node's real state, and what a retirement would burn."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from copilot.services import approvals, chain, ledger_view
from copilot.services.policies import confirm_policy, load_policy
from copilot.services.storage import audit_report
from copilot.services.users import AuthUser, add_user
from copilot.settings import Settings
from tools.auth import Role
from tools.ledger import Ledger
from tools.ledger.mints import list_anchors, list_retirements
from tools.ledger.plans import latest_plan_id, load_verification
from tools.ledger.queries import mintable_verification_ids
from tools.tokens import TOKENS, MintStatus, token_for_kind

if TYPE_CHECKING:
    from tests.chain_fixtures import Embedded

pytest_plugins = ["tests.chain_fixtures"]
PEOPLE = {"root": Role.ADMIN, "alice": Role.APPROVER, "bob": Role.APPROVER, "olga": Role.OPERATOR}
NOW = "2026-11-21T12:00:00Z"  # tests.conftest.FixedClock


def person(name: str) -> AuthUser:
    return AuthUser(name, PEOPLE[name])


def add_people(ledger: Ledger) -> None:
    """PEOPLE as the app creates them: the first admin, then the others by that admin."""
    add_user(ledger, None, "root", Role.ADMIN, "root-password-1")
    for name, role in PEOPLE.items():
        if name != "root":
            add_user(ledger, person("root"), name, role, f"{name}-password-1")


@pytest.fixture
def people(vledger: Ledger) -> Ledger:
    """The verified ledger with PEOPLE."""
    add_people(vledger)
    return vledger


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings of a data directory with no chain running (a rejection never touches the chain)."""
    return Settings.from_env({"GREENOPS_DATA_DIR": str(tmp_path / "data")})


def two_person_rule(ledger: Ledger) -> None:
    """Activate a real policy asking two approvers for every mint."""
    policy_id, _ = load_policy(ledger, "Every mint must be approved by two people.\n", "two", actor="root")
    confirm_policy(ledger, policy_id, person("root"))


class TestDecisions:
    def test_a_rejected_mint_is_listed_with_who_why_and_when(self, people: Ledger, settings: Settings) -> None:
        vid = mintable_verification_ids(people)[0]
        out = approvals.decide_mint(people, settings, vid, person("bob"), approve=False, reason="double counted")
        assert out["state"] == "rejected"
        rows = ledger_view.decisions(people)
        assert [(r["kind"], r["verification_id"], r["by"], r["decision"], r["reason"], r["state"], r["when_utc"])
                for r in rows] == [("mint", vid, "bob", "reject", "double counted", "rejected", NOW)]
        assert ledger_view.decisions(people, show="rejected") == rows
        assert ledger_view.decisions(people, show="pending") == []

    def test_a_mint_waiting_for_a_second_approver_is_pending(self, people: Ledger, settings: Settings) -> None:
        two_person_rule(people)
        first, second = mintable_verification_ids(people)[:2]
        assert approvals.decide_mint(people, settings, first, person("alice"), approve=True)["state"] == "waiting"
        approvals.decide_mint(people, settings, second, person("alice"), approve=False, reason="wrong team")
        pending = ledger_view.decisions(people, show="pending")
        assert [(r["verification_id"], r["by"], r["decision"], r["state"]) for r in pending] == [
            (first, "alice", "approve", "waiting")]
        assert "1 of 2" in pending[0]["detail"]
        rejected = ledger_view.decisions(people, show="rejected")
        assert [(r["verification_id"], r["reason"]) for r in rejected] == [(second, "wrong team")]
        everything = ledger_view.decisions(people)
        assert [r["verification_id"] for r in everything] == [second, first]  # newest first

    def test_plan_executions_name_the_plan(self, people: Ledger) -> None:
        plan_id = latest_plan_id(people)
        assert plan_id is not None
        approvals.reject_execution(people, person("olga"), plan_id, "change freeze")
        approvals.approve_execution(people, person("alice"), plan_id, 12)
        rows = ledger_view.decisions(people)
        assert [(r["kind"], r["plan_id"], r["by"], r["decision"], r["reason"], r["state"]) for r in rows] == [
            ("execute", plan_id, "alice", "approve", "12 recommendation(s)", "approved"),
            ("execute", plan_id, "olga", "reject", "change freeze", "rejected")]
        assert [r["plan_id"] for r in ledger_view.decisions(people, show="rejected")] == [plan_id]

    def test_an_unknown_filter_is_refused(self, people: Ledger) -> None:
        with pytest.raises(ValueError, match="show='maybe'"):
            ledger_view.decisions(people, show="maybe")  # type: ignore[arg-type]

    def test_a_ledger_without_decisions_lists_none_and_writes_nothing(self, ledger: Ledger) -> None:
        before = ledger.audit_head()
        assert ledger_view.decisions(ledger) == []
        assert ledger.audit_head() == before


class TestAuditPage:
    def test_rows_newest_first_with_their_hashes_checked(self, people: Ledger) -> None:
        head, count = people.audit_head()
        page = ledger_view.audit_page(people, per_page=5)
        assert page["total"] == count and page["page"] == 1 and page["pages"] == -(-count // 5)
        assert [r["seq"] for r in page["rows"]] == list(range(count, count - 5, -1))
        assert page["rows"][0]["row_hash"] == head
        for row in page["rows"]:
            stored = people.audit_row(row["seq"])
            assert stored is not None
            assert (row["row_hash"], row["prev_hash"], row["actor"], row["action"]) == (
                stored["row_hash"], stored["prev_hash"], stored["actor"], stored["action"])
            assert row["hash_ok"] and row["link_ok"]

    def test_filter_by_action_and_pages(self, people: Ledger, settings: Settings) -> None:
        vid = mintable_verification_ids(people)[0]
        approvals.decide_mint(people, settings, vid, person("bob"), approve=False, reason="no")
        rejected = ledger_view.audit_page(people, action="mint-rejected")
        assert rejected["total"] == 1 and [(r["action"], r["subject"], r["actor"]) for r in rejected["rows"]] == [
            ("mint-rejected", vid, "bob")]
        actions = {a["action"]: a["rows"] for a in ledger_view.audit_page(people)["actions"]}
        assert actions["mint-rejected"] == 1 and actions["user-add"] == len(PEOPLE)
        assert sum(actions.values()) == people.audit_head()[1]
        users = ledger_view.audit_page(people, action="user-add", per_page=3, page=2)
        assert users["pages"] == 2 and [r["subject"] for r in users["rows"]] == ["root"]  # the oldest
        beyond = ledger_view.audit_page(people, per_page=3, page=10_000)
        assert beyond["page"] == beyond["pages"] and beyond["rows"]  # clamped to the last page

    @pytest.mark.parametrize("bad", [{"page": 0}, {"per_page": 0}, {"per_page": 1001}])
    def test_bad_paging_is_refused(self, people: Ledger, bad: dict[str, int]) -> None:
        with pytest.raises(ValueError, match=next(iter(bad))):
            ledger_view.audit_page(people, **bad)

    def test_an_edited_and_a_deleted_row_are_flagged(self, people: Ledger) -> None:
        _, count = people.audit_head()
        people.db.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", [count - 1])
        people.db.execute("DELETE FROM audit_log WHERE seq = ?", [count - 3])
        rows = {r["seq"]: r for r in ledger_view.audit_page(people, per_page=10)["rows"]}
        assert not rows[count - 1]["hash_ok"] and rows[count - 1]["link_ok"]  # its own content changed
        assert rows[count]["hash_ok"] and rows[count]["link_ok"]
        assert count - 3 not in rows and not rows[count - 2]["link_ok"]  # its predecessor is gone
        check = audit_report(people)
        assert not check["ok"] and check["chain"]["problems"]


class TestChainState:
    def test_a_node_that_is_down_is_reported_and_not_started(self, embedded: Embedded) -> None:
        state = ledger_view.chain_state(embedded.ledger, embedded.settings)
        assert (state["running"], state["action"], state["tokens"]) == (False, "start", {})
        assert state["error"]
        assert embedded.node().info() is None  # reading the state started nothing

    def test_an_up_node_shows_its_chain_and_offers_no_start(self, embedded: Embedded) -> None:
        up = chain.chain_up(embedded.ledger, embedded.settings)
        state = ledger_view.chain_state(embedded.ledger, embedded.settings)
        assert state["running"] and state["action"] is None and state["chain_id"] == up["chain_id"]
        assert state["block"] >= max(t["block"] for t in up["tokens"].values())
        assert state["tokens"] == {k: t["address"] for k, t in up["tokens"].items()}
        info = embedded.node().info()
        assert info is not None and state["node"] == info.url and state["pid"] == info.pid
        chain.chain_down(embedded.settings)
        down = ledger_view.chain_state(embedded.ledger, embedded.settings)
        assert not down["running"] and down["action"] == "start" and down["tokens"] == state["tokens"]

    def test_an_up_node_without_tokens_offers_to_deploy_them(self, embedded: Embedded) -> None:
        embedded.node().start(embedded.settings.chain.port)
        state = ledger_view.chain_state(embedded.ledger, embedded.settings)
        assert state["running"] and state["action"] == "deploy" and state["tokens"] == {}


class TestRetirePreviewAndAnchor:
    def test_preview_names_holder_amount_token_reason_and_burns_nothing(self, embedded: Embedded) -> None:
        ledger, settings = embedded.ledger, embedded.settings
        add_people(ledger)
        vid = mintable_verification_ids(ledger)[0]
        token = token_for_kind(load_verification(ledger, vid).kind)
        assert approvals.decide_mint(ledger, settings, vid, person("alice"), approve=True)["state"] == "minted"
        status = chain.chain_status(ledger, settings)
        held = status["tokens"][token]["recipient_balance"]
        preview = ledger_view.retire_preview(ledger, settings, " 0.001 ", token, " annual report ")
        assert preview == {
            "amount": "0.001", "token": token, "symbol": TOKENS[token].symbol, "unit": TOKENS[token].unit,
            "reason": "annual report", "holder": chain.signer_address(ledger, settings),
            "token_address": status["tokens"][token]["address"], "balance": held, "enough": True,
            "network": status["network"], "chain_id": status["chain_id"], "note": None}
        too_much = ledger_view.retire_preview(ledger, settings, "1000000", token, "x")
        assert too_much["enough"] is False and too_much["balance"] == held
        assert list_retirements(ledger) == []
        assert chain.chain_status(ledger, settings)["tokens"][token]["total_supply"] == \
            status["tokens"][token]["total_supply"]
        # the anchor made after the mint, as the ledger records it, is the chain's last one
        anchor = ledger_view.recorded_anchor(ledger)
        last = chain.last_anchor(ledger, settings)
        assert anchor is not None and last is not None
        assert (anchor["head"], anchor["rows"], anchor["tx_hash"], anchor["block"]) == (
            last["head"], last["rows"], last["tx_hash"], last["block"])
        assert anchor["status"] == MintStatus.CONFIRMED and anchor["head"] == list_anchors(ledger)[-1].head

    @pytest.mark.parametrize(("amount", "token", "reason", "pattern"), [
        ("abc", "kgco2e", "r", "not a decimal"), ("-1", "kgco2e", "r", "positive"),
        ("0.1", "eth", "r", "token='eth'"), ("0.1", "kwh", "   ", "reason"), ("0.1", "kwh", "x" * 501, "reason"),
    ])
    def test_bad_input_is_refused(self, vledger: Ledger, settings: Settings, amount: str, token: str, reason: str,
                                  pattern: str) -> None:
        with pytest.raises(ValueError, match=pattern):
            ledger_view.retire_preview(vledger, settings, amount, token, reason)

    def test_no_anchor_recorded_yet(self, ledger: Ledger) -> None:
        assert ledger_view.recorded_anchor(ledger) is None
