"""Data behind the UI's dashboard: frames for plots and tables, read from the ledger.

Every figure comes from ``tools/``: accounted emissions from ``tools.account`` (``aggregate`` of
``latest_emissions``), plan figures from the stored ``Plan`` and its recommendations, the timeline
and the leaderboard from ``tools.rollup``, the trade-off curve from ``tools.plan.carbon_price_sweep``,
verified and minted amounts from the stored verification and mint records
(``tools.ledger.queries``). Nothing here computes a figure; it selects and shapes. No Gradio
import: this module is tested alone.

Every view also says what it covers: its period (first and last UTC date of the jobs' starts),
how many rows it shows of how many, and the totals its parts add up to. The ``*_view`` functions
return display frames with human column names and units (``*_LABELS``); the others keep the
machine names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from copilot.services.fleet import latest_emissions, resolve_run_id, run_account, run_simulation
from copilot.services.planning import forecast_from_realised, plan_verifications
from tools.account import GroupBy, aggregate
from tools.catalog import jobs_cost_usd
from tools.ledger import Ledger
from tools.ledger.plans import latest_plan_id, load_plan
from tools.ledger.queries import (
    evidence_rows,
    minted_by_team,
    open_recommendations_by_team,
    recommendation_rows,
    recommendation_status_counts,
    verified_by_team,
    verified_savings_rows,
)
from tools.plan import TRADEOFF_PRICES_USD_PER_T, carbon_price_sweep
from tools.plan.sweep import Progress
from tools.records import OPEN_REC_STATUSES, Plan, RecStatus
from tools.rollup import LEADERBOARD_COLUMNS, verification_totals
from tools.rollup import leaderboard as rank_teams
from tools.rollup import plan_timeline as timeline_of
from tools.schemas import PolicySet
from tools.simulate import SimulationConfig

SEED_DAYS = 14
SEED = 1
TRADEOFF_MAX_JOBS = 1500
STATUSES: tuple[str, ...] = tuple(RecStatus)
BARS: tuple[GroupBy, ...] = ("region", "team", "hour")
"""The emissions-by bar charts, in their order on the dashboard."""
OPEN_STATUSES: tuple[str, ...] = tuple(OPEN_REC_STATUSES)
HELD = "executed"
"""The not-moved reason of a job whose change was executed in another plan (not planned here)."""
TIMELINE_DTYPES: dict[str, dict[str, str]] = {
    "kgco2e": {"time": "datetime64[us]", "series": "str", "kgco2e": "float64"},
    "usd": {"time": "datetime64[us]", "series": "str", "usd": "float64"}}
"""Column types of the two cumulative frames, also when empty (a plot reads its axis types from them)."""


@dataclass(frozen=True)
class Period:
    """First and last UTC calendar date of a set of times (jobs' starts)."""

    start: date
    end: date

    def label(self) -> str:
        """'2026-01-05 – 2026-01-08 UTC' (one date when both are the same day)."""
        return f"{self.start} UTC" if self.start == self.end else f"{self.start} – {self.end} UTC"

    def short(self) -> str:
        """As ``label`` without the end's year when both dates are in the same year: '2026-01-05 – 01-08 UTC'."""
        if self.start.year != self.end.year:
            return self.label()
        return f"{self.start} UTC" if self.start == self.end else f"{self.start} – {self.end:%m-%d} UTC"


def utc_period(times: Iterable[Any]) -> Period | None:
    """The UTC dates spanned by ``times`` (aware, or naive meaning UTC); None when there are none."""
    stamps = pd.Series(pd.to_datetime(pd.Series(list(times), dtype=object), utc=True)).dropna()
    if stamps.empty:
        return None
    return Period(stamps.min().date(), stamps.max().date())


def seed_if_empty(ledger: Ledger, *, days: int = SEED_DAYS, seed: int = SEED) -> dict[str, Any] | None:
    """Simulate a fleet and account it when the ledger holds no simulation; None if it had one.

    Also makes sure the latest simulation is accounted, so the dashboard and the copilot have
    emissions to show and jobs to plan.
    """
    if ledger.latest_run("simulate") is not None:
        latest_emissions(ledger)
        return None
    sim = run_simulation(ledger, SimulationConfig(days=days, seed=seed))
    acc = run_account(ledger)
    return {"run_id": sim["run_id"], "jobs": sim["jobs"], "days": days, "seed": seed,
            "total_kgco2e": acc["total_kgco2e"], "total_kwh": acc["total_kwh"]}


def has_simulation(ledger: Ledger) -> bool:
    return ledger.latest_run("simulate") is not None


class _Reads:
    """A ledger and what one dashboard view reads from it, each read once: the latest accounted
    emissions and the jobs of a run (the latest simulation's when None), and plans."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._emissions: dict[str, pd.DataFrame] = {}
        self._jobs: dict[str, pd.DataFrame] = {}
        self._plans: dict[str, Plan] = {}

    def emissions(self, run_id: str | None = None) -> pd.DataFrame:
        key = resolve_run_id(self.ledger, run_id)
        if key not in self._emissions:
            self._emissions[key] = latest_emissions(self.ledger, key)
        return self._emissions[key]

    def jobs(self, run_id: str | None = None) -> pd.DataFrame:
        key = resolve_run_id(self.ledger, run_id)
        if key not in self._jobs:
            self._jobs[key] = self.ledger.load_jobs(key)
        return self._jobs[key]

    def plan(self, plan_id: str) -> Plan:
        if plan_id not in self._plans:
            self._plans[plan_id] = load_plan(self.ledger, plan_id)
        return self._plans[plan_id]


def _group_label(by: GroupBy, key: Any) -> str:
    if by == "hour":
        return f"{int(key):02d}"
    return str(key)[:10]


def emissions_by(ledger: Ledger | _Reads, by: GroupBy) -> pd.DataFrame:
    """Accounted emissions of the latest simulation grouped by team, region, UTC hour or day.

    Columns: ``by``, kgco2e, lower_kgco2e, upper_kgco2e (90% interval), kwh, jobs.
    """
    agg = aggregate(_reads(ledger).emissions(), by)
    return pd.DataFrame({
        by: [_group_label(by, k) for k in agg.index],
        "kgco2e": agg["emissions_kg"].to_numpy(), "lower_kgco2e": agg["lower_kg"].to_numpy(),
        "upper_kgco2e": agg["upper_kg"].to_numpy(), "kwh": agg["energy_kwh"].to_numpy(),
        "jobs": agg["jobs"].to_numpy()})


def emissions_scope(ledger: Ledger | _Reads) -> dict[str, Any]:
    """What the emissions-by charts cover: the latest simulation's jobs, their period (UTC dates of
    their starts) and accounted totals (kgco2e = operational_kgco2e + embodied_kgco2e, kwh)."""
    emissions = _reads(ledger).emissions()
    return {"jobs": len(emissions), "period": utc_period(emissions["start_utc"]),
            "kgco2e": float(emissions["emissions_kg"].sum()),
            "operational_kgco2e": float(emissions["operational_kg"].sum()),
            "embodied_kgco2e": float(emissions["embodied_kg"].sum()), "kwh": float(emissions["energy_kwh"].sum()),
            "basis": str(emissions["basis"].iloc[0]) if len(emissions) else None}


def _planned_jobs(plan: Plan) -> set[str]:
    """The jobs a plan planned: every job it moved or kept, except those held by an execution in
    another plan (reason ``executed``), which its forecast totals leave out too."""
    return ({r.job_id for r in plan.recommendations}
            | {j for j, why in plan.not_moved.items() if why != HELD})


def plan_overview(ledger: Ledger | _Reads, plan_id: str | None = None) -> dict[str, Any] | None:
    """The latest (or given) plan's head and totals as stored, with breakdowns that add up; None
    without a plan.

    Jobs: ``jobs`` = ``jobs_shifted`` (moved in time or region) + ``jobs_kept`` (kept their slot;
    ``not_moved`` by reason) + ``jobs_held`` (not_moved[executed]: executed in another plan, not
    planned here); ``jobs_planned`` = ``jobs_shifted`` + ``jobs_kept`` (what the forecast totals cover).
    Recommendations: ``recommendations`` = sum of ``by_kind`` = sum of ``statuses``; energy
    recommendations (rightsize, power cap) can be for kept jobs (``energy_recs_on_kept_jobs``).
    ``verification``: ``tools.rollup.verification_totals`` of the plan's verifications (or None).
    """
    reads = _reads(ledger)
    ledger = reads.ledger
    pid = plan_id or latest_plan_id(ledger)
    if pid is None:
        return None
    plan = reads.plan(pid)
    counts = recommendation_status_counts(ledger, pid)
    t = plan.totals
    shifted = {r.job_id for r in plan.recommendations if r.kind == "shift"}
    by_kind: dict[str, int] = {}
    for r in plan.recommendations:
        by_kind[r.kind] = by_kind.get(r.kind, 0) + 1
    not_moved = plan.not_moved_counts()
    verifications = plan_verifications(ledger, pid)
    jobs = reads.jobs(plan.run_id) if plan.run_id else pd.DataFrame(columns=["job_id", "start_utc"])
    planned = _planned_jobs(plan)
    return {"plan_id": pid, "run_id": plan.run_id, "solver": plan.solver, "policy": plan.policy_name,
            "recommendations": t.recommendations, "by_kind": by_kind,
            "jobs": len({r.job_id for r in plan.recommendations} | set(plan.not_moved)),
            "jobs_shifted": len(shifted), "jobs_planned": len(planned), "jobs_held": not_moved.get(HELD, 0),
            "jobs_kept": sum(n for why, n in not_moved.items() if why != HELD),
            "energy_recs_on_kept_jobs": sum(1 for r in plan.recommendations
                                            if r.kind != "shift" and r.job_id not in shifted),
            "period": utc_period(jobs.loc[jobs["job_id"].isin(planned), "start_utc"]),
            "carbon_price_usd_per_t": float(plan.params.get("carbon_usd_per_t", 0.0)),
            "recs_costing_more": sum(1 for r in plan.recommendations if r.est_usd_saved.central < 0),
            "est_kgco2e_saved": t.est_kgco2e_saved.model_dump(), "est_kwh_saved": t.est_kwh_saved.model_dump(),
            "est_usd_saved": t.est_usd_saved.model_dump(), "baseline_kgco2e": t.baseline_kgco2e,
            "planned_kgco2e": t.planned_kgco2e, "baseline_cost_usd": t.baseline_cost_usd,
            "planned_cost_usd": t.planned_cost_usd, "statuses": counts, "not_moved": not_moved,
            "verification": verification_totals(verifications) if verifications else None}


def _reads(ledger: Ledger | _Reads) -> _Reads:
    return ledger if isinstance(ledger, _Reads) else _Reads(ledger)


def _plan_scope(reads: _Reads, pid: str) -> tuple[Plan, pd.DataFrame, pd.DataFrame]:
    """A plan, and the accounted emissions and submitted rows of the jobs it planned."""
    plan = reads.plan(pid)
    job_ids = _planned_jobs(plan)
    emissions = reads.emissions(plan.run_id)
    jobs = reads.jobs(plan.run_id)
    return plan, emissions[emissions["job_id"].isin(job_ids)], jobs[jobs["job_id"].isin(job_ids)]


def _typed(frames: tuple[pd.DataFrame, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    kg, usd = frames
    return kg.astype(TIMELINE_DTYPES["kgco2e"]), usd.astype(TIMELINE_DTYPES["usd"])


def plan_timeline(ledger: Ledger | _Reads, plan_id: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cumulative baseline vs optimised emissions and cost of the jobs a plan planned (jobs held
    by another plan's execution left out, as in the plan's totals), hour by hour (UTC); see
    ``tools.rollup.plan_timeline``. Two long frames (time, series, kgco2e) and (time, series,
    usd) typed as ``TIMELINE_DTYPES``, both empty when there is no plan."""
    reads = _reads(ledger)
    pid = plan_id or latest_plan_id(reads.ledger)
    if pid is None:
        return _typed(timeline_of(pd.DataFrame(), pd.DataFrame(), []))
    plan, emissions, jobs = _plan_scope(reads, pid)
    if emissions.empty:
        return _typed(timeline_of(emissions, pd.DataFrame(), []))
    return _typed(timeline_of(emissions, jobs, plan.recommendations))


def baseline_comparison(ledger: Ledger | _Reads, plan_id: str | None = None) -> dict[str, Any] | None:
    """Why the plan's headline baseline and the cumulative chart's differ, for the same jobs.

    ``forecast_operational_kgco2e``: the planner's baseline (energy x forecast grid intensity, no
    embodied share). ``accounted_kgco2e`` = ``accounted_operational_kgco2e`` (energy x realised
    intensity) + ``embodied_kgco2e``: the chart's baseline end (``tools.account``). Both lines
    subtract the same ``est_kgco2e_saved`` (central). kgCO2e; ``baseline_cost_usd`` (on-demand
    prices, ``tools.catalog``) and ``est_usd_saved``: the cost chart's. None without a plan.
    """
    reads = _reads(ledger)
    pid = plan_id or latest_plan_id(reads.ledger)
    if pid is None:
        return None
    plan, emissions, jobs = _plan_scope(reads, pid)
    return {"jobs": len(emissions), "forecast_operational_kgco2e": plan.totals.baseline_kgco2e,
            "planned_kgco2e": plan.totals.planned_kgco2e, "baseline_cost_usd": float(jobs_cost_usd(jobs).sum()),
            "est_usd_saved": plan.totals.est_usd_saved.central,
            "accounted_kgco2e": float(emissions["emissions_kg"].sum()),
            "accounted_operational_kgco2e": float(emissions["operational_kg"].sum()),
            "embodied_kgco2e": float(emissions["embodied_kg"].sum()),
            "est_kgco2e_saved": plan.totals.est_kgco2e_saved.central,
            "period": utc_period(emissions["start_utc"])}


def tradeoff_jobs(ledger: Ledger, max_jobs: int = TRADEOFF_MAX_JOBS) -> tuple[str, pd.DataFrame]:
    """The latest simulation's first ``max_jobs`` jobs by submission time (the curve's job set)."""
    run = ledger.latest_run("simulate")
    if run is None:
        raise ValueError("no simulation stored yet: simulate a fleet first")
    run_id = str(run["run_id"])
    jobs = ledger.load_jobs(run_id).sort_values("submit_utc", kind="stable").head(max_jobs)
    return run_id, jobs.reset_index(drop=True)


def tradeoff_curve(ledger: Ledger, *, prices: Sequence[float] = TRADEOFF_PRICES_USD_PER_T,
                   max_jobs: int = TRADEOFF_MAX_JOBS, policy: PolicySet | None = None,
                   progress: Progress | None = None) -> pd.DataFrame:
    """Re-plan a bounded job set (greedy, no energy recommendations) at each carbon price
    (``tools.plan.carbon_price_sweep``): one row per price with planned_kgco2e, planned_cost_usd,
    baseline_kgco2e, baseline_cost_usd, recommendations, jobs."""
    run_id, jobs = tradeoff_jobs(ledger, max_jobs)
    forecast = ledger.run_series(run_id, "forecast") or forecast_from_realised(ledger, run_id, jobs)
    return carbon_price_sweep(jobs, forecast, policy, prices=prices, run_id=run_id, progress=progress)


def tradeoff_period(ledger: Ledger, max_jobs: int = TRADEOFF_MAX_JOBS) -> Period | None:
    """The UTC dates of the trade-off curve's jobs' submitted starts."""
    return utc_period(tradeoff_jobs(ledger, max_jobs)[1]["start_utc"])


TRADEOFF_LABELS = {"carbon_price_usd_per_t": "carbon price (USD/t CO2e)",
                   "planned_kgco2e": "planned emissions (kgCO2e)",
                   "planned_cost_usd": "planned instance cost (USD)", "recommendations": "shifts proposed"}


def tradeoff_view(curve: pd.DataFrame) -> pd.DataFrame:
    """The curve as a table with ``TRADEOFF_LABELS`` for column names (rounded to 3 decimals)."""
    return curve[list(TRADEOFF_LABELS)].round(3).rename(columns=TRADEOFF_LABELS)


REC_COLUMNS = ["rec_id", "status", "kind", "team", "job_id", "move", "est_kgco2e", "est_kgco2e_lower",
               "est_kwh", "est_usd"]
REC_LABELS = {"rec_id": "recommendation", "status": "status", "kind": "kind", "team": "team", "job_id": "job",
              "move": "change", "est_kgco2e": "est. avoided (kgCO2e)",
              "est_kgco2e_lower": "est. avoided, 90% lower bound (kgCO2e)", "est_kwh": "est. energy saved (kWh)",
              "est_usd": "est. cost saving (USD)"}


def recommendation_table(ledger: Ledger, plan_id: str | None = None, status: str | None = None,
                         limit: int = 200) -> pd.DataFrame:
    """A plan's recommendations (largest estimated saving first) with their current status."""
    pid = plan_id or latest_plan_id(ledger)
    if pid is None:
        return pd.DataFrame(columns=REC_COLUMNS)
    out = []
    for r in recommendation_rows(ledger, pid, status, limit):
        p = r.pop("payload")
        if r["kind"] == "shift":
            r["move"] = f"{p['from_region']} {p['from_start_utc'][5:16]} -> {p['to_region']} {p['to_start_utc'][5:16]}"
        elif r["kind"] == "rightsize":
            r["move"] = f"{p['from_instance_type']} -> {p['to_instance_type']}"
        else:
            r["move"] = f"GPU cap {p['gpu_cap_w']:.0f} W, x{p['slowdown']:.2f} run time"
        out.append(r)
    frame = pd.DataFrame(out, columns=REC_COLUMNS)
    for col in ("est_kgco2e", "est_kgco2e_lower", "est_kwh", "est_usd"):
        frame[col] = frame[col].astype(float).round(4)
    return frame


def recommendation_view(ledger: Ledger | _Reads, status: str | None = None, limit: int = 200
                        ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The latest plan's recommendations as a display table (``REC_LABELS``) and what it covers:
    shown (rows), total (the plan's recommendations with that status), costing_more (rows with a
    negative cost saving), period and carbon_price_usd_per_t of the plan."""
    reads = _reads(ledger)
    table = recommendation_table(reads.ledger, status=status, limit=limit)
    overview = plan_overview(reads)
    statuses = overview["statuses"] if overview else {}
    total = int(statuses.get(status, 0) if status else sum(statuses.values()))
    return table.rename(columns=REC_LABELS), {
        "shown": len(table), "total": total, "status": status,
        "costing_more": int((table["est_usd"] < 0).sum()),
        "period": overview["period"] if overview else None,
        "carbon_price_usd_per_t": overview["carbon_price_usd_per_t"] if overview else None}


def evidence_chain(ledger: Ledger, rec_id: str) -> dict[str, Any]:
    """Everything recorded about one recommendation: the recommendation, its ticket, execution,
    verification (inputs' hashes, evidence hash) and mints (tx hashes)."""
    found = evidence_rows(ledger, rec_id)
    if found is None:
        raise ValueError(f"no recommendation with rec_id={rec_id!r}")
    return found


def leaderboard(ledger: Ledger | _Reads) -> pd.DataFrame:
    """Teams ranked by verified avoided emissions (then by lower emissions): accounted emissions of
    the latest simulation, verified and mintable savings, tokens minted, open recommendations
    (``tools.rollup.leaderboard``)."""
    reads = _reads(ledger)
    ledger = reads.ledger
    return rank_teams(aggregate(reads.emissions(), "team"), verified_by_team(ledger), minted_by_team(ledger),
                      open_recommendations_by_team(ledger))


LEADERBOARD_LABELS = {"rank": "rank", "team": "team", "verified_kgco2e": "verified avoided (kgCO2e)",
                      "verified_kwh": "verified energy saved (kWh)",
                      "mintable_kgco2e": "verified lower bounds > 0 (kgCO2e)",
                      "minted_kgco2e": "minted kgCO2eSave (tokens)", "minted_kwh": "minted kWhSave (tokens)",
                      "open_recommendations": "open recommendations",
                      "emissions_kgco2e": "accounted emissions (kgCO2e)", "jobs": "jobs"}


def leaderboard_view(ledger: Ledger | _Reads) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The leaderboard as a display table (``LEADERBOARD_LABELS``, in that order) and what it covers.

    Only teams with a verified saving above zero are ranked (ties share a rank; the others have
    an empty rank and follow by team name), so a board with no verified saving ranks nobody.
    Info: ranked (teams), verified_kgco2e (sum), verified_period (UTC dates of the verified jobs'
    starts, any run), emissions_period and emissions_jobs (the latest simulation).
    """
    reads = _reads(ledger)
    board = leaderboard(reads)
    ranked = board[board["verified_kgco2e"] > 0]
    rank = ranked["verified_kgco2e"].rank(method="min", ascending=False).astype(int)
    board = pd.concat([ranked, board[board["verified_kgco2e"] <= 0].sort_values("team", kind="stable")])
    board["rank"] = [str(rank[i]) if i in rank.index else "" for i in board.index]
    scope = emissions_scope(reads)
    verified = verified_savings_rows(reads.ledger)
    return board[list(LEADERBOARD_LABELS)].rename(columns=LEADERBOARD_LABELS).reset_index(drop=True), {
        "ranked": len(ranked), "teams": len(board), "verified_kgco2e": float(board["verified_kgco2e"].sum()),
        "verified_period": utc_period(r["start_utc"] for r in verified), "verifications": len(verified),
        "emissions_period": scope["period"], "emissions_jobs": scope["jobs"]}


def snapshot(ledger: Ledger, status: str | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, each frame read from the ledger once: overview, timeline
    (kg, usd), comparison, by_region / by_team / by_hour, scope, recs and recs_info (status filter),
    board and board_info (see the functions of the same names above)."""
    reads = _Reads(ledger)
    overview = plan_overview(reads)
    recs, recs_info = recommendation_view(reads, status)
    board, board_info = leaderboard_view(reads)
    return {"overview": overview, "timeline": plan_timeline(reads), "comparison": baseline_comparison(reads),
            **{f"by_{by}": emissions_by(reads, by) for by in BARS},
            "scope": emissions_scope(reads), "recs": recs, "recs_info": recs_info, "board": board,
            "board_info": board_info}


__all__ = ["BARS", "HELD", "LEADERBOARD_COLUMNS", "LEADERBOARD_LABELS", "OPEN_STATUSES", "REC_COLUMNS", "REC_LABELS",
           "STATUSES", "TIMELINE_DTYPES", "TRADEOFF_LABELS", "TRADEOFF_MAX_JOBS", "TRADEOFF_PRICES_USD_PER_T", "Period",
           "baseline_comparison", "emissions_by", "emissions_scope", "evidence_chain", "has_simulation", "leaderboard",
           "leaderboard_view", "plan_overview", "plan_timeline", "recommendation_table", "recommendation_view",
           "seed_if_empty", "snapshot", "tradeoff_curve", "tradeoff_jobs", "tradeoff_period", "tradeoff_view",
           "utc_period"]
