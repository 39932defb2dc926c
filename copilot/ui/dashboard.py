"""The Dashboard tab: baseline vs optimised emissions and cost, the carbon-cost trade-off curve,
emissions by region / team / hour, recommendations with their evidence chain, the team
leaderboard, and the long-running work (simulate, plan, train) with progress bars.

Frames come from ``copilot.services.dashboard`` (figures from ``tools/``); this module only lays them out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from copilot.services import dashboard
from copilot.services.policies import active_policy_set
from copilot.services.storage import open_ledger
from copilot.settings import Settings
from copilot.ui.chat import WRITE_QUEUE

EMPTY_NOTE = "No plan yet: ask the copilot to plan (Chat tab) or use *Run → Plan* below."


def summary_markdown(overview: dict[str, Any] | None) -> str:
    """Headline of the latest plan (figures as the planner stored them)."""
    if overview is None:
        return EMPTY_NOTE
    o = overview
    kg, kwh, usd = o["est_kgco2e_saved"], o["est_kwh_saved"], o["est_usd_saved"]
    statuses = " · ".join(f"{s} {o['statuses'].get(s, 0)}" for s in dashboard.STATUSES if o["statuses"].get(s))
    return (f"**Latest plan** `{o['plan_id']}` ({o['solver']}, policy *{o['policy']}*) over {o['jobs']} jobs: "
            f"{o['recommendations']} recommendations; forecast operational emissions "
            f"{o['baseline_kgco2e']:.1f} → {o['planned_kgco2e']:.1f} kgCO2e, instance cost "
            f"{o['baseline_cost_usd']:.2f} → {o['planned_cost_usd']:.2f} USD; estimated saving "
            f"{kg['central']:.1f} kgCO2e [{kg['lower']:.1f} – {kg['upper']:.1f}], {kwh['central']:.1f} kWh, "
            f"{usd['central']:.2f} USD.  \nStatus: {statuses or 'none'}")


def evidence_markdown(chain: dict[str, Any]) -> str:
    """A recommendation's evidence chain as markdown: recommendation -> ticket -> execution ->
    verification (inputs' hashes, evidence hash) -> mints (tx hashes)."""
    r = chain["recommendation"]
    lines = [f"#### Recommendation `{r['rec_id']}` — {chain['status']}",
             f"{r['kind']} of job `{r['job_id']}` (team {r['team']}): {r['from_region']} "
             f"{r['from_start_utc'][:16]} → {r['to_region']} {r['to_start_utc'][:16]}; {r['reason']}",
             f"estimated {r['est_kgco2e_saved']['central']:.4g} kgCO2e [{r['est_kgco2e_saved']['lower']:.4g} – "
             f"{r['est_kgco2e_saved']['upper']:.4g}], {r['est_kwh_saved']['central']:.4g} kWh, "
             f"{r['est_usd_saved']['central']:.4g} USD (plan `{r['plan_id']}`)"]
    ticket = f"<details><summary>change ticket</summary>\n\n{chain['ticket']}\n\n</details>"
    lines.append("\n**1. Ticket**\n\n" + (ticket if chain["ticket"] else "not executed yet"))
    e = chain["execution"]
    lines.append("\n**2. Execution** " + (
        f"`{e['exec_id']}`: ran {e['duration_h']:.3g} h on {e['instance_type']}, metered {e['metered_kwh']:.4g} kWh, "
        f"segments " + ", ".join(f"{s['region']} {s['start_utc'][:16]} ({s['hours']:.3g} h)" for s in e["segments"])
        if e else "none yet"))
    if not chain["verifications"]:
        lines.append("\n**3. Verification** none yet")
    for v in chain["verifications"]:
        s, k = v["saved_kgco2e"], v["saved_kwh"]
        lines += [f"\n**3. Verification** `{v['verification_id']}` ({v['method']}): claimed {v['claimed_kgco2e']:.4g} "
                  f"kgCO2e, verified {s['central']:.4g} [{s['lower']:.4g} – {s['upper']:.4g}], {k['central']:.4g} kWh "
                  f"[{k['lower']:.4g} – {k['upper']:.4g}]; mintable {v['mintable_kgco2e']:.4g} kgCO2e, "
                  f"{v['mintable_kwh']:.4g} kWh", f"evidence hash `{v['evidence_hash']}`", "",
                  "inputs (content hashes):",
                  *[f"- {n}: `{h}`" for n, h in sorted(v["inputs"].items())]]
    lines.append("\n**4. Mints** " + ("none" if not chain["mints"] else ""))
    if chain["mints"]:
        lines += ["", "| token | amount | status | tx hash | block |", "|---|---|---|---|---|",
                  *[f"| {m['token']} | {m['amount']} | {m['status']} | `{m['tx_hash']}` | {m['block']} |"
                    for m in chain["mints"]]]
    return "\n".join(lines)


class DashboardData:
    """Loads every dashboard frame from the ledger at ``db_path``."""

    def __init__(self, settings: Settings, db_path: Path) -> None:
        self.settings = settings
        self.db_path = db_path

    def refresh(self, status: str | None) -> tuple[Any, ...]:
        with open_ledger(self.db_path) as ledger:
            if not dashboard.has_simulation(ledger):
                empty = pd.DataFrame()
                return ("No simulation yet: use *Run → Simulate* below.", empty, empty, empty, empty, empty,
                        empty, empty)
            overview = dashboard.plan_overview(ledger)
            kg, usd = dashboard.plan_timeline(ledger)
            frames = [dashboard.emissions_by(ledger, by) for by in ("region", "team", "hour")]
            recs = dashboard.recommendation_table(ledger, status=None if status in (None, "", "all") else status)
            board = dashboard.leaderboard(ledger)
        return (summary_markdown(overview), kg, usd, *frames, recs, board)

    def tradeoff(self, progress: gr.Progress = gr.Progress()) -> tuple[pd.DataFrame, pd.DataFrame, str]:  # noqa: B008
        with open_ledger(self.db_path) as ledger:
            if not dashboard.has_simulation(ledger):
                return pd.DataFrame(), pd.DataFrame(), "No simulation yet."
            policy = active_policy_set(ledger)
            curve = dashboard.tradeoff_curve(ledger, policy=policy,
                                           progress=lambda f, d: progress(f, desc=d))
        note = (f"Greedy plans of the first {int(curve['jobs'].iloc[0])} jobs (no energy recommendations) under "
                f"{'policy ' + policy.name if policy else 'no policy'}, one per carbon price; forecast emissions "
                f"and instance cost as `tools.plan.make_plan` reports them.")
        table = curve[["carbon_price_usd_per_t", "planned_kgco2e", "planned_cost_usd", "recommendations"]].round(3)
        return curve, table, note

    def evidence(self, frame: pd.DataFrame, evt: gr.SelectData) -> str:
        row = evt.row_value if evt.row_value else frame.iloc[evt.index[0]].tolist()
        rec_id = str(row[0])
        with open_ledger(self.db_path) as ledger:
            try:
                return evidence_markdown(dashboard.evidence_chain(ledger, rec_id))
            except ValueError as exc:
                return f"⚠ {exc}"


def build_dashboard(data: DashboardData) -> tuple[Any, Any, Any, Any]:
    """The Dashboard tab's components and events; returns (refresh function, its outputs,
    trade-off function, its outputs) for the tab's select event."""
    summary = gr.Markdown(EMPTY_NOTE, elem_id="dash-summary")
    refresh = gr.Button("Refresh", size="sm", elem_id="dash-refresh")
    with gr.Row():
        kg_plot = gr.LinePlot(x="time", y="kgco2e", color="series", height=260, elem_id="plot-emissions",
                              title="Cumulative emissions of the planned jobs: baseline vs optimised",
                              y_title="kgCO2e", x_title="UTC (job's submitted start)")
        usd_plot = gr.LinePlot(x="time", y="usd", color="series", height=260, elem_id="plot-cost",
                               title="Cumulative instance cost: baseline vs optimised", y_title="USD",
                               x_title="UTC (job's submitted start)")
    gr.Markdown("<small>Baseline: the plan's jobs as submitted, emissions accounted by `tools.account`, cost at "
                "on-demand prices. Optimised: baseline minus the plan's per-recommendation estimated savings.</small>")
    with gr.Row():
        with gr.Column(scale=3):
            curve_plot = gr.LinePlot(x="planned_cost_usd", y="planned_kgco2e", title="Carbon-cost trade-off",
                                     x_title="planned instance cost, USD", y_title="planned kgCO2e",
                                     tooltip="all", height=280, elem_id="plot-tradeoff")
        with gr.Column(scale=2):
            curve_table = gr.Dataframe(label="re-plan per carbon price (USD/t)", interactive=False, max_height=240,
                                       elem_id="tradeoff-table")
            curve_note = gr.Markdown()
            curve_btn = gr.Button("Re-plan over carbon prices", size="sm", elem_id="tradeoff")
    with gr.Row():
        plots = [gr.BarPlot(x=by, y="kgco2e", title=f"Emissions by {label}", y_title="kgCO2e", height=240,
                            elem_id=f"plot-{by}", sort=None if by == "hour" else "-y",
                            x_label_angle=-90 if by == "hour" else 0)
                 for by, label in (("region", "region"), ("team", "team"), ("hour", "UTC hour of start"))]
    with gr.Row():
        with gr.Column(scale=3):
            status = gr.Dropdown(["all", *dashboard.STATUSES], value="all", elem_id="rec-status",
                                 label="Recommendations of the latest plan: status")
            recs = gr.Dataframe(interactive=False, max_height=320, elem_id="recs", label="click a row for its evidence")
        with gr.Column(scale=2):
            evidence = gr.Markdown("Click a recommendation to see its evidence chain.", elem_id="evidence-chain")
    board = gr.Dataframe(label="Team leaderboard (verified avoided emissions)", interactive=False,
                         elem_id="leaderboard")
    build_runs(data)

    outputs = [summary, kg_plot, usd_plot, *plots, recs, board]
    refresh.click(data.refresh, [status], outputs)
    status.change(data.refresh, [status], outputs)
    recs.select(data.evidence, [recs], [evidence])
    curve_btn.click(data.tradeoff, None, [curve_plot, curve_table, curve_note])
    return (lambda: data.refresh("all")), outputs, data.tradeoff, [curve_plot, curve_table, curve_note]


def build_runs(data: DashboardData) -> None:
    """Long work with progress bars: simulate a fleet, plan, train a forecaster."""
    from tools.regions import REGIONS

    with gr.Accordion("Run: simulate, plan, train (long work shows progress)", open=False):
        with gr.Row():
            days = gr.Number(14, label="simulate: days", precision=0, minimum=1, maximum=365)
            seed = gr.Number(1, label="seed", precision=0, minimum=0)
            sim_btn = gr.Button("Simulate")
        with gr.Row():
            solver = gr.Radio(["greedy", "exact"], value="greedy", label="plan: solver")
            plan_days = gr.Number(2, label="days of jobs", precision=0, minimum=1, maximum=366)
            plan_btn = gr.Button("Plan")
        with gr.Row():
            region = gr.Dropdown(sorted(r for r, info in REGIONS.items() if info.provider != "grid"),
                                 value="eu-west-1", label="train: region")
            model = gr.Radio(["ridge", "lstm"], value="ridge", label="model")
            train_btn = gr.Button("Train forecaster")
        result = gr.Markdown(elem_id="run-result")

    def simulate(n_days: float, n_seed: float, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        from copilot.services.fleet import run_account, run_simulation
        from tools.simulate import SimulationConfig

        progress(0.1, desc=f"simulating {int(n_days)} days")
        with open_ledger(data.db_path) as ledger:
            sim = run_simulation(ledger, SimulationConfig(days=int(n_days), seed=int(n_seed)))
            progress(0.6, desc="accounting emissions")
            acc = run_account(ledger)
        progress(1.0, desc="done")
        return (f"{'Stored' if sim['created'] else 'Already stored'} run `{sim['run_id']}`: {sim['jobs']} jobs; "
                f"{acc['total_kgco2e']:.1f} kgCO2e [{acc['lower_kgco2e']:.1f} – {acc['upper_kgco2e']:.1f}], "
                f"{acc['total_kwh']:.1f} kWh.")

    def plan(how: str, n_days: float, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        from copilot.services.planning import run_plan

        progress(0.1, desc=f"planning {int(n_days)} days with the {how} solver")
        with open_ledger(data.db_path) as ledger:
            out = run_plan(ledger, solver=how, policy=active_policy_set(ledger), days=int(n_days))  # type: ignore[arg-type]
        progress(1.0, desc="done")
        return (f"Plan `{out['plan_id']}` ({out['solver']}, policy {out['policy']}): {out['recommendations']} "
                f"recommendations, estimated {out['est_kgco2e_saved']:.1f} kgCO2e, {out['est_kwh_saved']:.1f} kWh, "
                f"{out['est_usd_saved']:.2f} USD saved.")

    def train(where: str, which: str, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        from copilot.services.forecasting import run_train

        progress(0.05, desc=f"training {which} for {where}")
        with open_ledger(data.db_path) as ledger:
            out = run_train(ledger, data.settings.data_dir / "models", target="intensity", region=where, model=which)
        progress(1.0, desc="done")
        return f"Trained:\n```json\n{json.dumps(out, indent=1, default=str)[:1500]}\n```"

    sim_btn.click(simulate, [days, seed], [result], concurrency_limit=1, concurrency_id=WRITE_QUEUE)
    plan_btn.click(plan, [solver, plan_days], [result], concurrency_limit=1, concurrency_id=WRITE_QUEUE)
    train_btn.click(train, [region, model], [result], concurrency_limit=1, concurrency_id=WRITE_QUEUE)
