"""The Dashboard tab in a real browser (Debian chromium + Playwright) against `python app.py ui`.

The charts are checked in the SVG that Vega renders (``renderer: svg`` in Gradio's native plots):
each axis is a group with ``aria-roledescription="axis"`` whose ``aria-label`` names its scale
("X-axis titled '...' for a time scale with values from ... to ..."), tick labels are its
``role-axis-label`` texts and lines are ``mark-line`` paths. A second app with its own empty
data directory is started here, so the dashboard is first shown before any plan exists,
whatever the other browser tests did to the shared app.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pandas as pd
import pytest

from copilot.services.planning import plan_verifications
from tests.e2e.conftest import UI_TIMEOUT_MS, App, logged_in, open_page, screenshot, serve_app
from tools.ledger import Ledger
from tools.ledger.plans import latest_plan_id, load_plan
from tools.ledger.queries import verified_savings_rows

pytestmark = pytest.mark.e2e
RENDER_TIMEOUT_MS = 30_000
"""How long a chart may take to redraw once its event's answer has arrived (the answer itself
waits up to ``UI_TIMEOUT_MS``)."""
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
EPOCH_MS = re.compile(r"^\d{12,14}$")
NARROW = {"width": 1024, "height": 900}
"""A laptop-sized window, where the bar charts are about 300 px wide."""
LINE_PLOTS = ("#plot-emissions", "#plot-cost")
BAR_PLOTS = ("#plot-region", "#plot-team", "#plot-hour")


def expect(target: Any) -> Any:
    """Playwright's ``expect`` with the generous wait of every long step (``UI_TIMEOUT_MS``)."""
    from playwright.sync_api import expect as pw_expect

    pw_expect.set_options(timeout=UI_TIMEOUT_MS)
    return pw_expect(target)


def ask(page: Any, question: str, wait_for: str) -> str:
    """Type a question, send it, wait until the chat shows ``wait_for`` and the turn is over (Send is
    enabled again); returns the chat's text (a copy of tests/e2e/test_ui_browser.py's helper)."""
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    expect(page.locator("#chatbot")).to_contain_text(question)
    expect(page.locator("#chatbot")).to_contain_text(wait_for)
    expect(page.locator("#send")).to_be_enabled()
    return str(page.locator("#chatbot").inner_text())


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory: pytest.TempPathFactory, app: App) -> Iterator[App]:
    """`python app.py ui` on its own empty data directory (seeded on start, no plan yet), like the
    shared ``app`` fixture; stopped at the end."""
    yield from serve_app(tmp_path_factory.mktemp("ui-dashboard"), app.env)


@pytest.fixture
def dash_page(browser: Any, fresh_app: App) -> Iterator[Any]:
    """A session of alice (approver) on the module's own app."""
    with logged_in(browser, fresh_app) as page:
        yield page


def axis(page: Any, plot: str, which: str) -> Any:
    """The Vega axis group ("X" or "Y") of the plot with element id ``plot``."""
    return page.locator(f"{plot} g[aria-roledescription='axis'][aria-label^='{which}-axis']").first


def tick_labels(page: Any, plot: str, which: str) -> list[str]:
    return [(t or "").strip() for t in axis(page, plot, which).locator(".role-axis-label text").all_text_contents()]


def axis_domain_start(page: Any, plot: str, which: str) -> float:
    """The first value of an axis's scale as Vega states it ("... with values from 0 to 250")."""
    label = str(axis(page, plot, which).get_attribute("aria-label"))
    found = re.search(r"values from (-?[\d,.]+) to", label)
    assert found, f"{plot}: no numeric domain in {label!r}"
    return float(found.group(1).replace(",", ""))


def line_paths(page: Any, plot: str) -> list[str]:
    """The ``d`` attribute of every drawn line of a plot (one path per series)."""
    paths = page.locator(f"{plot} g.mark-line.role-mark path")
    return [d for d in (paths.nth(i).get_attribute("d") for i in range(paths.count())) if d]


def assert_cumulative_charts_drawn(page: Any) -> None:
    """Both cumulative charts: a time x axis with date ticks (no epoch milliseconds), two lines."""
    from playwright.sync_api import expect as pw_expect

    for plot in LINE_PLOTS:
        pw_expect(axis(page, plot, "X")).to_have_attribute("aria-label", re.compile(r"for a (time|utc) scale"),
                                                           timeout=RENDER_TIMEOUT_MS)
        ticks = tick_labels(page, plot, "X")
        assert ticks, f"{plot}: no x tick labels"
        assert not [t for t in ticks if EPOCH_MS.match(t.replace(",", ""))], f"{plot}: epoch ticks {ticks}"
        pw_expect(page.locator(f"{plot} g.mark-line.role-mark path")).to_have_count(2, timeout=RENDER_TIMEOUT_MS)
        paths = line_paths(page, plot)
        assert len(paths) == 2 and all(d.count("L") > 3 for d in paths), f"{plot}: lines not drawn: {paths}"


LABEL_CORNERS_JS = """els => els.map(el => {
    const b = el.getBBox(), m = el.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
        .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
})"""
"""The four screen corners of each label's text box, rotation included (a label's box in its own
coordinates, mapped by its screen transform)."""


def label_corners(page: Any, plot: str) -> list[list[list[float]]]:
    """The rotated boxes (4 corners, px) of the x tick labels of a plot."""
    return list(axis(page, plot, "X").locator(".role-axis-label text").evaluate_all(LABEL_CORNERS_JS))


def overlap(a: list[list[float]], b: list[list[float]]) -> bool:
    """Whether two convex quadrilaterals overlap by more than 0.5 px (separating axis theorem)."""
    for poly in (a, b):
        for (x1, y1), (x2, y2) in pairwise([*poly, poly[0]]):
            nx, ny = y1 - y2, x2 - x1
            norm = (nx * nx + ny * ny) ** 0.5 or 1.0
            pa = [(nx * x + ny * y) / norm for x, y in a]
            pb = [(nx * x + ny * y) / norm for x, y in b]
            if max(pa) <= min(pb) + 0.5 or max(pb) <= min(pa) + 0.5:
                return False
    return True


def in_view(page: Any, block: str, inner: str) -> bool:
    """Whether ``inner`` lies inside the box of ``block`` (not clipped by a fixed height)."""
    outer, box = page.locator(block).bounding_box(), page.locator(inner).bounding_box()
    return bool(outer and box and box["y"] + box["height"] <= outer["y"] + outer["height"] + 1)


def open_dashboard(page: Any) -> None:
    """Select the Dashboard tab and wait until its refresh and trade-off re-plan have rendered."""
    page.get_by_role("tab", name="Dashboard").click()
    expect(page.locator("#plot-region g.mark-rect path").first).to_be_visible()
    expect(page.locator("#tradeoff-table")).to_contain_text("carbon price")


def ensure_plan(app: App) -> str:
    """The latest plan's id, planning 2 days with the CLI when there is none."""
    with Ledger(app.db) as ledger:
        plan_id = latest_plan_id(ledger)
    if plan_id is None:
        proc = app.cli("plan", "--days", "2", "--json")
        assert proc.returncode == 0, proc.stderr
        plan_id = json.loads(proc.stdout)["plan_id"]
    return str(plan_id)


def test_charts_render_after_the_first_plan(browser: Any, fresh_app: App) -> None:
    """The issue's path: the Dashboard first shown with no plan, then a plan and a refresh."""
    with Ledger(fresh_app.db) as ledger:
        assert latest_plan_id(ledger) is None, "this test needs the module's fresh app before any plan"
    context, page = open_page(browser, fresh_app)
    try:
        page.get_by_role("tab", name="Dashboard").click()
        summary = page.locator("#dash-summary")
        expect(summary).to_contain_text("No plan yet")
        expect(page.locator("#plot-region g.mark-rect path").first).to_be_visible()
        page.wait_for_timeout(500)
        screenshot(page, "dashboard-no-plan")
        plan_id = ensure_plan(fresh_app)
        page.locator("#dash-refresh").click()
        expect(summary).to_contain_text(plan_id)
        assert_cumulative_charts_drawn(page)
        for plot in BAR_PLOTS:
            assert axis_domain_start(page, plot, "Y") == 0, f"{plot}: bars do not start at zero"
        page.wait_for_timeout(500)
        screenshot(page, "dashboard-first-plan")
        # a second plan, through the chat, and a refresh: the charts follow without a reload
        second = ask_plan(page, fresh_app)
        assert second != plan_id
        page.get_by_role("tab", name="Dashboard").click()
        page.locator("#dash-refresh").click()
        expect(summary).to_contain_text(second)
        assert_cumulative_charts_drawn(page)
        page.wait_for_timeout(500)
        screenshot(page, "dashboard-second-plan")
    finally:
        context.close()


def ask_plan(page: Any, app: App) -> str:
    """Plan 3 days through the chat; returns the new latest plan's id."""
    page.get_by_role("tab", name="Chat").click()
    ask(page, "Plan the next 3 days", "tool plan")
    with Ledger(app.db) as ledger:
        plan_id = latest_plan_id(ledger)
    assert plan_id
    return str(plan_id)


def test_labels_readable_and_titles_state_their_period(dash_page: Any, fresh_app: App) -> None:
    page = dash_page
    plan_id = ensure_plan(fresh_app)
    with Ledger(fresh_app.db) as ledger:
        plan = load_plan(ledger, plan_id)
        jobs = ledger.load_jobs(str(plan.run_id))
    planned = {r.job_id for r in plan.recommendations} | {j for j, why in plan.not_moved.items() if why != "executed"}
    first_planned = pd.to_datetime(jobs.loc[jobs["job_id"].isin(planned), "start_utc"], utc=True).min()
    first_job = pd.to_datetime(jobs["start_utc"], utc=True).min()
    page.set_viewport_size(NARROW)
    open_dashboard(page)
    for plot in BAR_PLOTS:
        boxes = label_corners(page, plot)
        assert len(boxes) > 1
        touching = [i for i, (a, b) in enumerate(pairwise(boxes)) if overlap(a, b)]
        assert not touching, f"{plot}: x labels run together at {touching}: {boxes}"
    for plot in LINE_PLOTS:
        expect(page.locator(f"{plot} .caption")).to_contain_text(f"{first_planned:%Y-%m-%d}")
    for plot in (*BAR_PLOTS, "#plot-tradeoff"):  # the trade-off re-plans the first jobs submitted
        expect(page.locator(f"{plot} .caption")).to_contain_text(f"{first_job:%Y-%m-%d}")
        assert page.locator(f"{plot} .caption").is_visible() and in_view(page, plot, f"{plot} .caption")
    screenshot(page, "dashboard-labels")


def header_texts(page: Any, table: str) -> list[str]:
    return [t.strip() for t in page.locator(f"{table} thead th").filter(visible=True).all_inner_texts() if t.strip()]


def test_tables_human_columns_none_cut_off_nobody_ranked_at_zero(dash_page: Any, fresh_app: App) -> None:
    page = dash_page
    plan_id = ensure_plan(fresh_app)
    with Ledger(fresh_app.db) as ledger:
        assert not plan_verifications(ledger, plan_id) and not verified_savings_rows(ledger), \
            "this module never verifies: the leaderboard must have nothing to rank"
        teams = ledger.load_jobs(str(load_plan(ledger, plan_id).run_id))["team"].nunique()
    open_dashboard(page)
    rank = header_texts(page, "#leaderboard").index("rank")
    rows = page.locator("#leaderboard").get_by_role("row").filter(visible=True)
    cells = [[c.strip() for c in rows.nth(i).get_by_role("gridcell").all_inner_texts()] for i in range(rows.count())]
    board = [row for row in cells if row]  # the header row has column headers, not cells
    assert len(board) == teams, cells
    assert all(row[rank] == "" for row in board), f"teams ranked with no verified saving: {board}"
    expect(page.locator("#leaderboard-note")).to_contain_text("No verified savings yet")
    for table in ("#leaderboard", "#tradeoff-table", "#recs"):
        expect(page.locator(f"{table} thead th").first).to_be_visible()
        headers = header_texts(page, table)
        assert headers and not [h for h in headers if SNAKE.match(h)], f"{table}: raw names {headers}"
        frame = page.locator(table).bounding_box()
        cut = [h for h, box in zip(headers, (c.bounding_box() for c in page.locator(f"{table} thead th")
                                             .filter(visible=True).all()), strict=False)
               if box and box["x"] + box["width"] > frame["x"] + frame["width"] + 1]
        assert not cut, f"{table}: columns cut off at the right edge: {cut}"
    expect(page.locator("#recs-note")).to_contain_text("negative cost saving")
    first = page.locator("#recs").get_by_role("gridcell").filter(visible=True).first  # the first row's id
    rec_id = first.inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{16}", rec_id), rec_id
    first.click()
    expect(page.locator("#evidence-chain")).to_contain_text(f"Recommendation {rec_id}")
    screenshot(page, "dashboard-tables")


def test_headline_breakdowns_add_up_and_baselines_are_explained(dash_page: Any, fresh_app: App) -> None:
    page = dash_page
    plan_id = ensure_plan(fresh_app)
    with Ledger(fresh_app.db) as ledger:
        plan = load_plan(ledger, plan_id)
    open_dashboard(page)
    summary = page.locator("#dash-summary")
    expect(summary).to_contain_text(plan_id)
    text = str(summary.inner_text())
    jobs = re.search(r"(\d+) jobs = (\d+) moved in time or region \+ (\d+) kept their slot \(([^)]*)\)"
                     r"(?: \+ (\d+) already executed)?", text)
    assert jobs, text
    total, moved, kept, reasons, held = jobs.groups()
    assert int(total) == len({r.job_id for r in plan.recommendations} | set(plan.not_moved))
    assert int(total) == int(moved) + int(kept) + int(held or 0)
    assert int(kept) == sum(int(n) for n in re.findall(r" (\d+)", reasons))
    recs = re.search(r"(\d+) recommendations = ([^;.]*)", text)
    assert recs and int(recs.group(1)) == len(plan.recommendations)
    assert int(recs.group(1)) == sum(int(n) for n in re.findall(r" (\d+)", recs.group(2)))
    note = page.locator("#timeline-note")
    expect(note).to_contain_text(f"{plan.totals.baseline_kgco2e:.1f} → {plan.totals.planned_kgco2e:.1f} kgCO2e")
    expect(note).to_contain_text(f"{plan.totals.baseline_cost_usd:.2f} USD")
    expect(note).to_contain_text(f"{plan.totals.est_kgco2e_saved.central:.1f} kgCO2e")
