"""The newcomer's path, in one walk on a fresh app (`python app.py ui` on an empty data directory, as
`make run` starts it): the example questions, a plan executed with an operator's confirmation and
verified, the verified savings minted with one approval, a retirement confirmed on the Ledger tab, and
a policy activated by an admin that the next plan obeys. Every step checks what the screen says
against the ledger, and leaves a screenshot (tests/artifacts/screenshots/newcomer-NN-*.png)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import REPO
from tests.e2e.conftest import App, open_page, screenshot, serve_app
from tests.e2e.test_ui_browser import ask, expect
from tools.ledger import Ledger
from tools.ledger.plans import latest_plan_id, load_plan
from tools.ledger.queries import mintable_verification_ids

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def first_app(tmp_path_factory: pytest.TempPathFactory, app: App) -> Iterator[App]:
    """The app on its own empty data directory (seeded on start, nothing planned)."""
    yield from serve_app(tmp_path_factory.mktemp("ui-newcomer"), app.env)


def rows(app: App, sql: str, args: list[Any] | None = None) -> list[dict[str, Any]]:
    with Ledger(app.db) as ledger:
        return [dict(r) for r in ledger.db.query(sql, args or [])]


def count(app: App, table: str, where: str = "1 = 1", args: list[Any] | None = None) -> int:
    """Rows of ``table`` matching ``where`` (0 while the table does not exist yet)."""
    with Ledger(app.db) as ledger:
        if table not in ledger.db.table_names():
            return 0
        return int(next(iter(ledger.db.query(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", args or [])))["n"])


def try_example(page: Any, text: str, wait_for: str) -> str:
    """Click one of the chat's "Try" examples (it fills the question box), send it, wait for ``wait_for``."""
    page.get_by_text(text, exact=True).first.click()
    expect(page.locator("#question textarea")).to_have_value(text)
    page.locator("#send").click()
    expect(page.locator("#chatbot")).to_contain_text(wait_for)
    expect(page.locator("#send")).to_be_enabled()
    return str(page.locator("#chatbot").inner_text())


def test_the_newcomer_path_from_first_question_to_policy(browser: Any, first_app: App) -> None:
    app = first_app
    context, page = open_page(browser, app, "alice")  # an approver: may execute and approve mints
    try:
        expect(page.locator("#as-of")).to_contain_text("As of")
        assert count(app, "recommendations") == 0 and count(app, "jobs") > 0
        screenshot(page, "newcomer-01-first-view")

        text = try_example(page, "How much did we emit?", "kgCO2e")
        total = count(app, "jobs")
        assert f"{total} jobs" in text or f"{total:,} jobs" in text, text[-800:]
        screenshot(page, "newcomer-02-emissions")

        try_example(page, "Plan the next 2 days, execute it and verify the savings", "tool execute")
        card = page.locator("#approval-evidence")
        expect(card).to_contain_text("Approval needed: execute plan")
        with Ledger(app.db) as ledger:
            plan_id = latest_plan_id(ledger)
        expect(card).to_contain_text(str(plan_id))
        assert count(app, "executions") == 0, "something was executed before the operator confirmed"
        screenshot(page, "newcomer-03-execute-card")
        page.locator("#approve").click()
        expect(page.locator("#chatbot")).to_contain_text("verification(s) of plan")
        expect(page.locator("#send")).to_be_enabled()
        assert count(app, "executions") > 0 and count(app, "verifications") > 0
        screenshot(page, "newcomer-04-verified")

        with Ledger(app.db) as ledger:
            batch = mintable_verification_ids(ledger, unminted_only=True)
        try_example(page, "Mint the verified savings", "needs an approver")
        expect(card).to_contain_text(f"mint {len(batch)} verified saving(s) in one approval")
        expect(card).to_contain_text("100.0 %")  # nothing minted yet: the batch is everything mintable
        assert count(app, "chain_mints") == 0, "showing the card minted"
        screenshot(page, "newcomer-05-mint-card")
        page.locator("#approve").click()
        expect(page.locator("#chatbot")).to_contain_text(f"{len(batch)} of {len(batch)} verification(s) minted")
        expect(page.locator("#send")).to_be_enabled()
        minted = rows(app, "SELECT verification_id, status FROM chain_mints")
        assert sorted(r["verification_id"] for r in minted) == sorted(batch)
        assert {r["status"] for r in minted} == {"confirmed"}
        try_example(page, "Show the token balances", "Token balances")
        screenshot(page, "newcomer-06-minted")

        page.get_by_role("tab", name="Dashboard").click()
        expect(page.locator("#dash-summary")).to_contain_text(str(plan_id))
        for plot in ("#plot-emissions", "#plot-region", "#plot-team", "#plot-hour"):
            expect(page.locator(plot).locator("canvas, svg").first).to_be_visible()
        page.wait_for_timeout(500)
        screenshot(page, "newcomer-07-dashboard")

        page.get_by_role("tab", name="Ledger & token").click()
        expect(page.locator("#ledger-status")).to_contain_text("hash chain intact")
        expect(page.locator("#decisions")).to_contain_text("alice")
        page.locator("#retire-amount textarea, #retire-amount input").first.fill("0.001")
        page.locator("#retire-token input").click()
        page.get_by_role("option", name="kgco2e", exact=True).click()
        page.locator("#retire-reason textarea, #retire-reason input").first.fill("newcomer walk: first retirement")
        page.locator("#retire").click()
        expect(page.locator("#retire-confirm")).to_be_visible()
        expect(page.locator("#retire-preview")).to_contain_text("0.001")
        screenshot(page, "newcomer-08-retire-confirm")
        assert count(app, "chain_retirements") == 0, "asking burned tokens"
        page.locator("#retire-yes").click()
        expect(page.locator("#retire-result")).to_contain_text("Retired 0.001")
        assert rows(app, "SELECT amount, status FROM chain_retirements") == [
            {"amount": "0.001", "status": "confirmed"}]
        screenshot(page, "newcomer-09-retired")
    finally:
        context.close()

    context, page = open_page(browser, app, "admin")  # activating a policy is an admin's
    try:
        page.get_by_role("tab", name="Policies").click()
        page.locator("#policy-text textarea").fill((REPO / "policies" / "eu_residency.md").read_text())
        page.locator("#policy-name input, #policy-name textarea").first.fill("eu_residency")
        page.locator("#policy-parse").click()
        expect(page.locator("#policy-clauses")).to_contain_text("allowed_regions_by_team")
        page.locator("#policy-activate").click()
        expect(page.locator("#policy-active")).to_contain_text("Active policy: eu_residency")
        screenshot(page, "newcomer-10-policy")
        page.get_by_role("tab", name="Chat").click()
        answer = ask(page, "Plan the next 3 days", "policy eu_residency")
        planned = re.findall(r"Plan ([0-9a-f]{16}) \(greedy, policy eu_residency\)", answer)
        assert planned
        with Ledger(app.db) as ledger:
            assert load_plan(ledger, planned[-1]).policy_name == "eu_residency"
        screenshot(page, "newcomer-11-plan-under-policy")
    finally:
        context.close()
