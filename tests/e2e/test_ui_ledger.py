"""The Ledger & token tab in a real browser: decisions (a rejected mint with who, why and when),
the audit-log viewer, retire with a confirmation first, and chain controls that follow the node.

Runs against the session's app (tests/e2e/conftest.py); decisions and mints are made with the
app's CLI as an authenticated person, as an operator would, then looked at in the tab.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import REPO
from tests.e2e.conftest import UI_TIMEOUT_MS, USERS, App, open_page, screenshot
from tools.chain.node import AnvilNode
from tools.ledger import Ledger
from tools.ledger.queries import mintable_verification_ids
from tools.tokens import TOKENS, token_for_kind

pytestmark = pytest.mark.e2e
TAB = "Ledger & token"
SHORT = 12  # hex digits of a hash shown in the tab


def expect(target: Any) -> Any:
    """Playwright's ``expect`` with the generous wait of every long step (``UI_TIMEOUT_MS``)."""
    from playwright.sync_api import expect as pw_expect

    pw_expect.set_options(timeout=UI_TIMEOUT_MS)
    return pw_expect(target)


def cli_as(app: App, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python app.py ARGS --as USER --password-stdin`` with the user's password on stdin."""
    return subprocess.run([sys.executable, "app.py", *args, "--as", user, "--password-stdin"], cwd=REPO,
                          env=app.env, input=f"{USERS[user][1]}\n", capture_output=True, text=True, timeout=300)


def unminted(app: App) -> str:
    """A verification with something to mint, nobody decided on yet (plan, execute, verify if none)."""
    with Ledger(app.db) as ledger:
        ids = mintable_verification_ids(ledger, unminted_only=True)
    for days in (2, 4, 7, 14):  # a plan of N days takes the last N: a longer one holds jobs not executed yet
        if ids:
            break
        for step in (("plan", "--days", str(days)), ("execute",), ("verify",)):
            proc = app.cli(*step, "--json")
            assert proc.returncode == 0, proc.stderr[-2000:]
        with Ledger(app.db) as ledger:
            ids = mintable_verification_ids(ledger, unminted_only=True)
    assert ids, "no verified, unminted verification in the ledger"
    return ids[0]


def open_tab(page: Any) -> None:
    page.get_by_role("tab", name=TAB).click()
    expect(page.locator("#ledger-status")).to_contain_text("Audit log")
    expect(page.locator("#chain-state")).to_contain_text("Chain")


def query(app: App, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    with Ledger(app.db) as ledger:
        return [dict(r) for r in ledger.db.query(sql, args)]


def test_rejected_mint_is_listed_with_who_why_and_when(page: Any, app: App) -> None:
    vid = unminted(app)
    reason = "double counted with the Q3 report"
    proc = cli_as(app, "bob", "mint", "--verification", vid, "--reject", "--reason", reason, "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["state"] == "rejected"
    when = query(app, "SELECT created_utc FROM approvals WHERE subject = ? AND approver = 'bob'", [vid])
    assert when
    open_tab(page)
    decisions = page.locator("#decisions")
    for text in (vid, "bob", reason, "rejected", when[0]["created_utc"]):
        expect(decisions).to_contain_text(text)
    page.locator("#decisions-show").get_by_text("pending", exact=True).click()
    expect(decisions).not_to_contain_text(vid)
    page.locator("#decisions-show").get_by_text("rejected", exact=True).click()
    expect(decisions).to_contain_text(vid)
    expect(decisions).to_contain_text(reason)
    screenshot(page, "ledger-decisions")


def test_audit_viewer_shows_rows_hashes_and_a_passing_check(page: Any, app: App) -> None:
    unminted(app)  # a plan, its execution and verifications: more audit rows than one page of 10
    open_tab(page)
    audit = page.locator("#audit-log")  # newest first: the first page shows the head, not the first rows
    with Ledger(app.db) as ledger:
        head, rows = ledger.audit_head()
    users = query(app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user-add'", [])[0]["n"]
    expect(audit).to_contain_text(head[:SHORT])
    expect(page.locator("#audit-caption")).to_contain_text(f"of {rows}")
    expect(page.locator("#audit-check")).to_contain_text("hash chain intact")
    expect(page.locator("#ledger-status")).to_contain_text("hash chain intact")
    screenshot(page, "ledger-audit")
    page.locator("#audit-action input").click()
    page.get_by_role("option", name=re.compile(r"^user-add\b")).click()
    expect(page.locator("#audit-caption")).to_contain_text(f"of {users} row(s) of action user-add")
    expect(audit).not_to_contain_text(head[:SHORT])
    expect(audit).to_contain_text("user-add")
    screenshot(page, "ledger-audit-filtered")
    page.locator("#audit-action input").click()
    page.get_by_role("option", name=re.compile(r"^all actions")).click()
    expect(audit).to_contain_text(head[:SHORT])
    assert rows > 10, f"only {rows} audit rows"
    page.locator("#audit-per-page input").click()
    page.get_by_role("option", name="10", exact=True).click()
    expect(page.locator("#audit-caption")).to_contain_text(f"Page 1 of {-(-rows // 10)}: rows 1–10 ")
    page.locator("#audit-older").click()
    expect(page.locator("#audit-caption")).to_contain_text("Page 2 of")
    expect(page.locator("#audit-caption")).to_contain_text("rows 11–")
    expect(audit).not_to_contain_text(head[:SHORT])
    page.locator("#audit-newer").click()
    expect(audit).to_contain_text(head[:SHORT])


def test_retire_asks_for_confirmation_and_cancel_burns_nothing(page: Any, app: App) -> None:
    vid = unminted(app)
    proc = cli_as(app, "alice", "mint", "--verification", vid, "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["state"] == "minted"
    kind = query(app, "SELECT kind FROM verifications WHERE verification_id = ?", [vid])[0]["kind"]
    token = token_for_kind(kind)
    status = app.cli("chain-status", "--json")
    assert status.returncode == 0, status.stderr
    holder = json.loads(status.stdout)["admin"]
    anchor = query(app, "SELECT head FROM chain_anchors WHERE status = ? ORDER BY rowid DESC LIMIT 1", ["confirmed"])
    assert anchor, "the mint anchored no audit head"
    reason = "e2e: retire after confirmation"

    def burned() -> list[dict[str, Any]]:
        return query(app, "SELECT amount, status FROM chain_retirements WHERE reason = ?", [reason])

    open_tab(page)
    expect(page.locator("#audit-check")).to_contain_text(anchor[0]["head"][:SHORT])
    page.locator("#retire-amount textarea, #retire-amount input").first.fill("0.001")
    page.locator("#retire-token input").click()
    page.get_by_role("option", name=token, exact=True).click()
    page.locator("#retire-reason textarea, #retire-reason input").first.fill(reason)
    page.locator("#retire").click()
    confirm = page.locator("#retire-confirm")
    expect(confirm).to_be_visible()
    for text in (holder, "0.001", TOKENS[token].symbol, reason):
        expect(page.locator("#retire-preview")).to_contain_text(text)
    screenshot(page, "ledger-retire-confirm")
    assert burned() == []  # asking showed what would happen; nothing was sent
    page.locator("#retire-no").click()
    expect(confirm).to_be_hidden()
    expect(page.locator("#retire-result")).to_contain_text("nothing was burned")
    assert burned() == []
    page.locator("#retire").click()
    expect(confirm).to_be_visible()
    page.locator("#retire-amount textarea, #retire-amount input").first.fill("0.002")  # after the preview
    page.locator("#retire-yes").click()
    expect(page.locator("#retire-result")).to_contain_text(f"Retired 0.001 {TOKENS[token].symbol}")
    expect(confirm).to_be_hidden()
    assert burned() == [{"amount": "0.001", "status": "confirmed"}]  # what the confirmation showed
    screenshot(page, "ledger-retired")


def test_retire_is_offered_to_approvers_only(browser: Any, app: App) -> None:
    for user, allowed in (("vic", False), ("olga", False), ("alice", True)):
        context, page = open_page(browser, app, user)
        try:
            open_tab(page)
            if allowed:
                expect(page.locator("#retire")).to_be_visible()
            else:
                expect(page.locator("#retire-locked")).to_contain_text("approver")
                expect(page.locator("#retire")).to_be_hidden()
                screenshot(page, f"ledger-retire-{user}")
        finally:
            context.close()


def test_chain_controls_follow_the_node(page: Any, app: App) -> None:
    down = app.cli("chain-down", "--json")
    assert down.returncode == 0, down.stderr
    node = AnvilNode(app.data_dir / "chain")
    assert node.info() is None
    open_tab(page)
    state = page.locator("#chain-state")
    expect(state).to_contain_text("Chain: down")
    start = page.locator("#chain-up")
    expect(start).to_be_visible()
    expect(start).to_contain_text("Start the chain")
    page.locator("#ledger-refresh").click()
    expect(state).to_contain_text("Chain: down")
    assert node.info() is None  # showing and refreshing the tab starts nothing
    screenshot(page, "ledger-chain-down")
    start.click()
    expect(state).to_contain_text("Chain: up")
    expect(start).to_be_hidden()
    status = app.cli("chain-status", "--json")
    assert status.returncode == 0, status.stderr
    s = json.loads(status.stdout)
    expect(state).to_contain_text(f"chain id {s['chain_id']}")
    for t in s["tokens"].values():
        expect(state).to_contain_text(t["address"])
    page.locator("#ledger-refresh").click()
    expect(state).to_contain_text("Chain: up")
    expect(start).to_be_hidden()
    assert node.info() is not None
    screenshot(page, "ledger-chain-up")
