"""The Dashboard tab: baseline vs optimised emissions and cost, the carbon-cost trade-off curve,
emissions by region / team / hour, recommendations with their evidence chain, the team
leaderboard, and the long-running work (simulate, plan, train) with progress bars.

Frames and figures come from ``copilot.services.dashboard`` (figures from ``tools/``); this module
lays them out and words them. Every chart and table states its period (UTC dates) and what its
parts add up to. A plot gets ``None`` rather than an empty frame when there is nothing to draw:
Gradio's native plot builds its Vega-Lite spec (axis types, colour domain) from the first frame it
receives and later only swaps the data, so an empty first frame would fix the wrong axis types.
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
NO_SIMULATION = "No simulation yet: use *Run → Simulate* below."
KIND_LABELS = {"shift": "shift", "rightsize": "rightsize", "power_cap": "power cap"}
TIME_AXIS = "submitted start, local time"
TITLES = {"emissions": "Cumulative emissions: baseline vs optimised", "cost": "Cumulative instance cost: baseline "
          "vs optimised", "tradeoff": "Carbon-cost trade-off", "region": "Emissions by region",
          "team": "Emissions by team", "hour": "Emissions by UTC hour"}
"""Plot titles; each plot's caption states its period (UTC dates), set by every refresh."""
LEADERBOARD_WIDTHS: list[str | int] = ["6%", "10%", "11%", "11%", "12%", "11%", "10%", "10%", "12%", "7%"]
REC_WIDTHS: list[str | int] = ["12%", "7%", "7%", "7%", "9%", "22%", "9%", "9%", "9%", "9%"]
"""Column widths of the two wide tables, so that every column fits (the table wraps its headers)."""


def _label(key: str) -> str:
    return key.replace("_", " ")


def _period(period: dashboard.Period | None) -> str:
    return period.label() if period else "no jobs"


def summary_markdown(overview: dict[str, Any] | None) -> str:
    """Headline of the latest plan (figures as the planner stored them); every breakdown sums to
    the total it sits beside."""
    if overview is None:
        return EMPTY_NOTE
    o = overview
    kg, kwh, usd = o["est_kgco2e_saved"], o["est_kwh_saved"], o["est_usd_saved"]
    statuses = " · ".join(f"{s} {o['statuses'][s]}" for s in dashboard.STATUSES if o["statuses"].get(s))
    kept = " · ".join(f"{_label(r)} {n}" for r, n in o["not_moved"].items() if r != dashboard.HELD)
    held = (f" + {o['jobs_held']} already executed in another plan (not planned again)" if o["jobs_held"] else "")
    kinds = " + ".join(f"{KIND_LABELS.get(k, k)} {n}" for k, n in o["by_kind"].items())
    energy = (f"; {o['energy_recs_on_kept_jobs']} rightsize / power-cap recommendations are for jobs that kept "
              f"their slot" if o["energy_recs_on_kept_jobs"] else "")
    lines = [f"**Latest plan** `{o['plan_id']}` ({o['solver']}, policy *{o['policy']}*), jobs starting "
             f"{_period(o['period'])}:",
             f"- **{o['jobs']} jobs** = {o['jobs_shifted']} moved in time or region + {o['jobs_kept']} kept their "
             f"slot ({kept or 'none'}){held}.",
             f"- **{o['recommendations']} recommendations** = {kinds or 'none'}{energy}. Status: {statuses or 'none'}.",
             f"- **Forecast for the {o['jobs_planned']} planned jobs**: operational emissions "
             f"{o['baseline_kgco2e']:.1f} → {o['planned_kgco2e']:.1f} kgCO2e, instance cost "
             f"{o['baseline_cost_usd']:.2f} → {o['planned_cost_usd']:.2f} USD.",
             f"- **Estimated saving**: {kg['central']:.1f} kgCO2e [{kg['lower']:.1f} – {kg['upper']:.1f}] "
             f"(90% interval), {kwh['central']:.1f} kWh, {usd['central']:.2f} USD."]
    v = o["verification"]
    if v:
        lines.append(
            f"- **Verified so far**: {v['verifications']} verification(s), claimed {v['claimed_kgco2e']:.1f} kgCO2e, "
            f"verified {v['verified_kgco2e']:.1f} kgCO2e (central; sum of 90% lower bounds "
            f"{v['verified_kgco2e_lower']:.1f}); mintable {v['mintable_kgco2e']:.1f} kgCO2e and "
            f"{v['mintable_kwh']:.1f} kWh. Mintable kgCO2e counts shifts only (energy savings mint kWh) and each "
            f"verification's own lower bound when it is positive, 0 when it is not, so it can differ from the sum "
            f"of lower bounds.")
    return "\n".join(lines)


def timeline_note(c: dict[str, Any] | None) -> str:
    """What the two cumulative charts show and why their baseline differs from the headline's."""
    if c is None:
        return "<small>The cumulative charts appear once there is a plan.</small>"
    return (f"<small>Jobs starting {_period(c['period'])} (axis ticks in your browser's time zone). "
            f"**Baseline**: the {c['jobs']} planned jobs as submitted; emissions accounted by `tools.account` on "
            f"the realised grid intensity, {c['accounted_kgco2e']:.1f} kgCO2e = "
            f"{c['accounted_operational_kgco2e']:.1f} operational + {c['embodied_kgco2e']:.1f} embodied; cost at "
            f"on-demand prices, {c['baseline_cost_usd']:.2f} USD. **Optimised**: the baseline minus each "
            f"recommendation's estimated saving, booked at its job's submitted hour: the lines end "
            f"{c['est_kgco2e_saved']:.1f} kgCO2e and {c['est_usd_saved']:.2f} USD apart. The headline's "
            f"{c['forecast_operational_kgco2e']:.1f} → {c['planned_kgco2e']:.1f} kgCO2e is the planner's forecast "
            f"of operational emissions only (forecast grid intensity, no embodied share), hence a different "
            f"baseline for the same jobs and the same saving.</small>")


def emissions_note(scope: dict[str, Any]) -> str:
    """What the emissions-by bar charts cover."""
    return (f"<small>Accounted emissions ({scope['basis']} grid intensity, operational + embodied) of the latest "
            f"simulation's {scope['jobs']} jobs starting {_period(scope['period'])}; each chart's bars add up to "
            f"{scope['kgco2e']:.1f} kgCO2e. *UTC hour of start*: the hour each job started, summed over all "
            f"days. Bars start at 0.</small>")


def recommendations_note(info: dict[str, Any], plan_id: str | None) -> str:
    """How many recommendations the table shows of how many, and how to read a negative cost saving."""
    if plan_id is None:
        return "<small>No plan yet.</small>"
    which = f"{info['status']} " if info["status"] else ""
    if not info["shown"]:
        return f"<small>No {which}recommendations in plan `{plan_id}`.</small>"
    return (f"<small>The {info['shown']} largest estimated savings of the {info['total']} {which}recommendations "
            f"of plan `{plan_id}` (jobs starting {_period(info['period'])}); estimated avoided emissions as central "
            f"estimate and 90% lower bound. A negative cost saving ({info['costing_more']} of the rows shown) "
            f"means the change costs more, e.g. a move to a pricier region or a GPU cap that runs longer: the "
            f"planner proposes it because its carbon saving outweighs the extra cost at the plan's carbon price "
            f"of {info['carbon_price_usd_per_t']:.0f} USD/t.</small>")


def leaderboard_note(info: dict[str, Any]) -> str:
    """How the leaderboard ranks, what each amount is, and the periods it covers."""
    head = ("**No verified savings yet**: no team is ranked until one of its recommendations is executed and "
            "verified. " if not info["ranked"] else
            f"Ranked by verified avoided emissions (central estimate, {info['verifications']} verification(s) of "
            f"jobs starting {_period(info['verified_period'])}); only the {info['ranked']} team(s) with a verified "
            f"saving above 0 are ranked, ties share a rank. ")
    return (f"<small>{head}Verified lower bounds > 0: the sum of each verification's 90% lower bound of avoided "
            f"emissions when positive, 0 when not, every kind; shifts mint it as kgCO2eSave, energy savings "
            f"(rightsize, power cap) mint their kWh instead. Minted: confirmed tokens (1 kgCO2eSave = 1 kgCO2e "
            f"avoided, 1 kWhSave = 1 kWh saved). Open recommendations: {' or '.join(dashboard.OPEN_STATUSES)}, "
            f"in every plan. Accounted emissions and jobs: the latest simulation's {info['emissions_jobs']} jobs "
            f"starting {_period(info['emissions_period'])}.</small>")


def tradeoff_note(curve: pd.DataFrame, policy: str | None, period: dashboard.Period | None) -> str:
    """What the trade-off curve is (its job set, prices and baseline)."""
    prices = curve["carbon_price_usd_per_t"]
    return (f"<small>Each point: a greedy re-plan of the first {int(curve['jobs'].iloc[0])} jobs (starting "
            f"{_period(period)}; shifts only, no energy recommendations) under "
            f"{'policy ' + policy if policy else 'no policy'} at one carbon price, {prices.min():.0f} – "
            f"{prices.max():.0f} USD/t; forecast operational emissions and instance cost as "
            f"`tools.plan.make_plan` reports them. As submitted: {curve['baseline_kgco2e'].iloc[0]:.1f} kgCO2e, "
            f"{curve['baseline_cost_usd'].iloc[0]:.2f} USD. The axes do not start at 0.</small>")


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
                  f"{v['mintable_kwh']:.4g} kWh (each the 90% lower bound when positive, else 0)",
                  f"evidence hash `{v['evidence_hash']}`", "",
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
        """Every output of ``build_dashboard`` (see ``outputs`` there), from the ledger as it is now."""
        status = None if status in (None, "", "all") else status
        with open_ledger(self.db_path) as ledger:
            if not dashboard.has_simulation(ledger):
                empty = _plot(pd.DataFrame(), None)
                return (NO_SIMULATION, empty, empty, "", empty, empty, empty, "", pd.DataFrame(), "", pd.DataFrame(),
                        "")
            v = dashboard.snapshot(ledger, status)
        overview, comparison, scope = v["overview"], v["comparison"], v["scope"]
        kg, usd = v["timeline"]
        period = comparison["period"] if comparison else None
        return (summary_markdown(overview), _plot(kg, period), _plot(usd, period), timeline_note(comparison),
                *[_plot(v[f"by_{by}"], scope["period"]) for by in dashboard.BARS], emissions_note(scope), v["recs"],
                recommendations_note(v["recs_info"], overview["plan_id"] if overview else None), v["board"],
                leaderboard_note(v["board_info"]))

    def tradeoff(self, progress: gr.Progress = gr.Progress()) -> tuple[Any, pd.DataFrame, str]:  # noqa: B008
        """The trade-off curve (plot update), its table and its note."""
        with open_ledger(self.db_path) as ledger:
            if not dashboard.has_simulation(ledger):
                return _plot(pd.DataFrame(), None), pd.DataFrame(), "No simulation yet."
            policy = active_policy_set(ledger)
            curve = dashboard.tradeoff_curve(ledger, policy=policy,
                                           progress=lambda f, d: progress(f, desc=d))
            period = dashboard.tradeoff_period(ledger)
        note = tradeoff_note(curve, policy.name if policy else None, period)
        return _plot(curve, period), dashboard.tradeoff_view(curve), note

    def evidence(self, frame: pd.DataFrame, evt: gr.SelectData) -> str:
        row = evt.row_value if evt.row_value else frame.iloc[evt.index[0]].tolist()
        rec_id = str(row[0])
        with open_ledger(self.db_path) as ledger:
            try:
                return evidence_markdown(dashboard.evidence_chain(ledger, rec_id))
            except ValueError as exc:
                return f"⚠ {exc}"


def _plot(frame: pd.DataFrame, period: dashboard.Period | None) -> Any:
    """A native plot's update: the frame (None when empty, see the module docstring) and, as its
    caption, the period it shows."""
    return gr.update(value=None if frame.empty else frame, caption=f"Period: {period.short()}" if period else None)


def _note(elem_id: str) -> Any:
    return gr.Markdown(elem_id=elem_id, elem_classes=["dash-note"])


def build_dashboard(data: DashboardData) -> tuple[Any, Any, Any, Any]:
    """The Dashboard tab's components and events; returns (refresh function, its outputs,
    trade-off function, its outputs) for the tab's select event."""
    summary = gr.Markdown(EMPTY_NOTE, elem_id="dash-summary")
    refresh = gr.Button("Refresh", size="sm", elem_id="dash-refresh")
    with gr.Row():
        kg_plot = gr.LinePlot(x="time", y="kgco2e", color="series", elem_id="plot-emissions",
                              title=TITLES["emissions"], y_title="kgCO2e", x_title=TIME_AXIS, y_lim=[0, None])
        usd_plot = gr.LinePlot(x="time", y="usd", color="series", elem_id="plot-cost",
                               title=TITLES["cost"], y_title="USD",
                               x_title=TIME_AXIS, y_lim=[0, None])
    timeline = _note("timeline-note")
    with gr.Row():
        with gr.Column(scale=3):
            curve_plot = gr.LinePlot(x="planned_cost_usd", y="planned_kgco2e", title=TITLES["tradeoff"],
                                     x_title="planned instance cost, USD", y_title="planned kgCO2e",
                                     tooltip="all", elem_id="plot-tradeoff")
        with gr.Column(scale=2):
            curve_table = gr.Dataframe(label="re-plan per carbon price", interactive=False, max_height=240,
                                       elem_id="tradeoff-table", wrap=True)
            curve_note = _note("tradeoff-note")
            curve_btn = gr.Button("Re-plan over carbon prices", size="sm", elem_id="tradeoff")
    with gr.Row():
        plots = [gr.BarPlot(x=by, y="kgco2e", title=TITLES[by], x_title=label, y_title="kgCO2e",
                            elem_id=f"plot-{by}", sort=None if by == "hour" else "-y", scale=2 if by == "hour" else 1,
                            x_label_angle=-90 if by == "hour" else -45, y_lim=[0, None])
                 for by, label in zip(dashboard.BARS, ("region", "team", "UTC hour of start"), strict=True)]
    emissions = _note("emissions-note")
    status = gr.Dropdown(["all", *dashboard.STATUSES], value="all", elem_id="rec-status",
                         label="Recommendations of the latest plan: status")
    recs = gr.Dataframe(interactive=False, max_height=320, elem_id="recs", wrap=True, column_widths=REC_WIDTHS,
                        label="click a row for its evidence")
    recs_note = _note("recs-note")
    evidence = gr.Markdown("Click a recommendation to see its evidence chain.", elem_id="evidence-chain")
    board = gr.Dataframe(label="Team leaderboard (verified avoided emissions)", interactive=False, wrap=True,
                         elem_id="leaderboard", column_widths=LEADERBOARD_WIDTHS)
    board_note = _note("leaderboard-note")
    build_runs(data)

    outputs = [summary, kg_plot, usd_plot, timeline, *plots, emissions, recs, recs_note, board, board_note]
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
