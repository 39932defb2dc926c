"""Data behind the UI's dashboard: frames for plots and tables, read from the ledger.

Every figure comes from ``tools/`` (through ``copilot.services.operations``): accounted emissions from
``tools.account`` (``aggregate`` of ``latest_emissions``), plan figures from the stored ``Plan``
and its recommendations, the trade-off curve from ``tools.plan.make_plan``, verified and minted
amounts from the stored verification and mint records. Nothing here computes a new figure; it
selects, groups and sums what the tools produced. No Gradio import: this module is tested alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from copilot.services.operations import forecast_from_realised, latest_emissions, run_account, run_simulation
from tools.account import GroupBy, aggregate
from tools.catalog import jobs_cost_usd
from tools.ledger import Ledger
from tools.ledger.plans import ensure_tables, latest_plan_id, load_plan
from tools.plan import PlanParams, make_plan
from tools.schemas import PolicySet
from tools.simulate import SimulationConfig

SEED_DAYS = 14
SEED = 1
TRADEOFF_PRICES_USD_PER_T: tuple[float, ...] = (0, 25, 50, 100, 200, 400, 800, 1600)
TRADEOFF_MAX_JOBS = 1500
STATUSES = ("proposed", "approved", "executed", "verified", "minted", "rejected")
Progress = Callable[[float, str], None]


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


def _group_label(by: GroupBy, key: Any) -> str:
    if by == "hour":
        return f"{int(key):02d}"
    return str(key)[:10]


def emissions_by(ledger: Ledger, by: GroupBy) -> pd.DataFrame:
    """Accounted emissions of the latest simulation grouped by team, region, UTC hour or day.

    Columns: ``by``, kgco2e, lower_kgco2e, upper_kgco2e (90% interval), kwh, jobs.
    """
    agg = aggregate(latest_emissions(ledger), by)
    return pd.DataFrame({
        by: [_group_label(by, k) for k in agg.index],
        "kgco2e": agg["emissions_kg"].to_numpy(), "lower_kgco2e": agg["lower_kg"].to_numpy(),
        "upper_kgco2e": agg["upper_kg"].to_numpy(), "kwh": agg["energy_kwh"].to_numpy(),
        "jobs": agg["jobs"].to_numpy()})


def plan_overview(ledger: Ledger, plan_id: str | None = None) -> dict[str, Any] | None:
    """The latest (or given) plan's head and totals as stored, with status counts; None without a plan."""
    pid = plan_id or latest_plan_id(ledger)
    if pid is None:
        return None
    plan = load_plan(ledger, pid)
    counts = {r["status"]: int(r["n"]) for r in ledger.db.query(
        "SELECT status, COUNT(*) AS n FROM recommendations WHERE plan_id = ? GROUP BY status", [pid])}
    t = plan.totals
    return {"plan_id": pid, "run_id": plan.run_id, "solver": plan.solver, "policy": plan.policy_name,
            "recommendations": t.recommendations,
            "jobs": len({r.job_id for r in plan.recommendations} | set(plan.not_moved)),
            "est_kgco2e_saved": t.est_kgco2e_saved.model_dump(), "est_kwh_saved": t.est_kwh_saved.model_dump(),
            "est_usd_saved": t.est_usd_saved.model_dump(), "baseline_kgco2e": t.baseline_kgco2e,
            "planned_kgco2e": t.planned_kgco2e, "baseline_cost_usd": t.baseline_cost_usd,
            "planned_cost_usd": t.planned_cost_usd, "statuses": counts, "not_moved": plan.not_moved_counts()}


def plan_timeline(ledger: Ledger, plan_id: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cumulative baseline vs optimised emissions and cost of a plan's jobs, hour by hour (UTC).

    Baseline: the jobs as submitted, their emissions as accounted by ``tools.account`` and their
    cost as the planner prices it (on-demand price from ``tools.catalog`` x run time). Optimised:
    the baseline minus the plan's per-recommendation estimated savings (kgCO2e, USD), each at
    the hour its job was submitted to start. Returns two long frames (time, series, kgco2e) and
    (time, series, usd), running totals; both empty when there is no plan.
    """
    empty = (pd.DataFrame(columns=["time", "series", "kgco2e"]), pd.DataFrame(columns=["time", "series", "usd"]))
    pid = plan_id or latest_plan_id(ledger)
    if pid is None:
        return empty
    plan = load_plan(ledger, pid)
    job_ids = {r.job_id for r in plan.recommendations} | set(plan.not_moved)
    emissions = latest_emissions(ledger, plan.run_id)
    emissions = emissions[emissions["job_id"].isin(job_ids)]
    if emissions.empty:
        return empty

    def hourly(values: Any, times: Any) -> pd.Series:
        index = pd.DatetimeIndex(pd.to_datetime(times, utc=True)).floor("h").tz_convert(None)
        return pd.Series(list(values), index=index, dtype=float).groupby(level=0).sum()

    base_kg = hourly(emissions["emissions_kg"], emissions["start_utc"])
    jobs = ledger.load_jobs(str(plan.run_id))
    jobs = jobs[jobs["job_id"].isin(job_ids)]
    cost = jobs_cost_usd(jobs)
    base_usd = hourly(cost, jobs["start_utc"])
    recs = plan.recommendations
    saved_kg = hourly([r.est_kgco2e_saved.central for r in recs], [r.from_start_utc for r in recs])
    saved_usd = hourly([r.est_usd_saved.central for r in recs], [r.from_start_utc for r in recs])
    hours = pd.date_range(min(base_kg.index.min(), base_usd.index.min()),
                          max(base_kg.index.max(), base_usd.index.max()), freq="h")

    def running(s: pd.Series) -> pd.Series:
        return s.reindex(hours, fill_value=0.0).cumsum()

    def long(values: dict[str, pd.Series], column: str) -> pd.DataFrame:
        return pd.DataFrame([{"time": t, "series": name, column: round(float(v), 4)} for name, s in values.items()
                             for t, v in zip(hours, s.to_numpy(), strict=True)])

    return (long({"baseline": running(base_kg), "optimised": running(base_kg) - running(saved_kg)}, "kgco2e"),
            long({"baseline": running(base_usd), "optimised": running(base_usd) - running(saved_usd)}, "usd"))


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
    """Re-plan a bounded job set (greedy, no energy recommendations) at each carbon price.

    One row per price: carbon_price_usd_per_t, planned_kgco2e, planned_cost_usd (forecast
    operational emissions and instance cost incl. egress as the planner reports them in
    ``Plan.totals``), baseline_kgco2e, baseline_cost_usd, recommendations, jobs.
    """
    run_id, jobs = tradeoff_jobs(ledger, max_jobs)
    forecast = ledger.run_series(run_id, "forecast") or forecast_from_realised(ledger, run_id, jobs)
    rows = []
    for i, price in enumerate(prices):
        if progress is not None:
            progress(i / len(prices), f"planning at {price:g} USD/t ({i + 1}/{len(prices)})")
        plan = make_plan(jobs, forecast, policy, solver="greedy", run_id=run_id,
                         params=PlanParams(carbon_price_usd_per_t=float(price), energy_recs=False))
        t = plan.totals
        rows.append({"carbon_price_usd_per_t": float(price), "planned_kgco2e": t.planned_kgco2e,
                     "planned_cost_usd": t.planned_cost_usd, "baseline_kgco2e": t.baseline_kgco2e,
                     "baseline_cost_usd": t.baseline_cost_usd, "recommendations": t.recommendations,
                     "jobs": len(jobs)})
    if progress is not None:
        progress(1.0, "done")
    return pd.DataFrame(rows)


REC_COLUMNS = ["rec_id", "status", "kind", "team", "job_id", "move", "est_kgco2e", "est_kgco2e_lower",
               "est_kwh", "est_usd"]


def recommendation_table(ledger: Ledger, plan_id: str | None = None, status: str | None = None,
                         limit: int = 200) -> pd.DataFrame:
    """A plan's recommendations (largest estimated saving first) with their current status."""
    ensure_tables(ledger)
    pid = plan_id or latest_plan_id(ledger)
    if pid is None:
        return pd.DataFrame(columns=REC_COLUMNS)
    sql = ("SELECT rec_id, status, kind, team, job_id, est_kgco2e, est_kgco2e_lower, est_kwh, est_usd, payload "
           "FROM recommendations WHERE plan_id = ?")
    args: list[Any] = [pid]
    if status:
        sql += " AND status = ?"
        args.append(status)
    rows = list(ledger.db.query(sql + " ORDER BY est_kgco2e DESC, rec_id LIMIT ?", [*args, limit]))
    out = []
    for r in rows:
        p = json.loads(r.pop("payload"))
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


def evidence_chain(ledger: Ledger, rec_id: str) -> dict[str, Any]:
    """Everything recorded about one recommendation: the recommendation, its ticket, execution,
    verification (inputs' hashes, evidence hash) and mints (tx hashes)."""
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT status, payload FROM recommendations WHERE rec_id = ?", [rec_id]))
    if not rows:
        raise ValueError(f"no recommendation with rec_id={rec_id!r}")
    rec = json.loads(rows[0]["payload"])
    ticket = next(iter(ledger.db.query("SELECT markdown FROM tickets WHERE rec_id = ?", [rec_id])), None)
    execution = next(iter(ledger.db.query(
        "SELECT payload FROM executions WHERE plan_id = ? AND job_id = ?", [rec["plan_id"], rec["job_id"]])), None)
    verifications = [json.loads(r["payload"]) for r in ledger.db.query(
        "SELECT payload FROM verifications WHERE rec_id = ? ORDER BY rowid", [rec_id])]
    mints: list[dict[str, Any]] = []
    if verifications and "chain_mints" in ledger.db.table_names():
        mints = list(ledger.db.query(
            "SELECT verification_id, token, amount, status, tx_hash, block, evidence_hash, recipient, network "
            "FROM chain_mints WHERE verification_id IN (SELECT value FROM json_each(?)) ORDER BY token",
            [json.dumps([v["verification_id"] for v in verifications])]))
    return {"status": rows[0]["status"], "recommendation": rec,
            "ticket": ticket["markdown"] if ticket else None,
            "execution": json.loads(execution["payload"]) if execution else None,
            "verifications": verifications, "mints": mints}


LEADERBOARD_COLUMNS = ["rank", "team", "emissions_kgco2e", "jobs", "verified_kgco2e", "verified_kwh",
                       "mintable_kgco2e", "minted_kgco2e", "minted_kwh", "open_recommendations"]


def leaderboard(ledger: Ledger) -> pd.DataFrame:
    """Teams ranked by verified avoided emissions (then by lower emissions): accounted emissions of
    the latest simulation, verified and mintable savings, tokens minted, open recommendations."""
    ensure_tables(ledger)
    teams = aggregate(latest_emissions(ledger), "team")
    verified = {r["team"]: r for r in ledger.db.query(
        "SELECT r.team, SUM(json_extract(v.payload, '$.saved_kgco2e.central')) AS kg, "
        "SUM(json_extract(v.payload, '$.saved_kwh.central')) AS kwh, SUM(v.mintable_kgco2e) AS mintable "
        "FROM verifications v JOIN recommendations r ON r.rec_id = v.rec_id GROUP BY r.team")}
    minted: dict[tuple[str, str], float] = {}
    if "chain_mints" in ledger.db.table_names():
        for r in ledger.db.query(
                "SELECT r.team, m.token, m.amount FROM chain_mints m "
                "JOIN verifications v ON v.verification_id = m.verification_id "
                "JOIN recommendations r ON r.rec_id = v.rec_id WHERE m.status IN ('confirmed', 'recovered')"):
            minted[(r["team"], r["token"])] = minted.get((r["team"], r["token"]), 0.0) + float(r["amount"])
    open_recs = {r["team"]: int(r["n"]) for r in ledger.db.query(
        "SELECT team, COUNT(*) AS n FROM recommendations WHERE status IN ('proposed', 'approved') GROUP BY team")}
    rows = []
    for team, agg in teams.iterrows():
        v = verified.get(str(team), {})
        rows.append({"team": str(team), "emissions_kgco2e": round(float(agg["emissions_kg"]), 3),
                     "jobs": int(agg["jobs"]), "verified_kgco2e": round(float(v.get("kg") or 0.0), 3),
                     "verified_kwh": round(float(v.get("kwh") or 0.0), 3),
                     "mintable_kgco2e": round(float(v.get("mintable") or 0.0), 3),
                     "minted_kgco2e": round(minted.get((str(team), "kgco2e"), 0.0), 6),
                     "minted_kwh": round(minted.get((str(team), "kwh"), 0.0), 6),
                     "open_recommendations": open_recs.get(str(team), 0)})
    frame = pd.DataFrame(rows, columns=LEADERBOARD_COLUMNS[1:])
    frame = frame.sort_values(["verified_kgco2e", "emissions_kgco2e"], ascending=[False, True], kind="stable")
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame.reset_index(drop=True)
