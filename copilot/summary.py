"""Weekly team summaries: deterministic figures from the ledger, then words (template or LLM).

Per team and ISO week (UTC): emissions of jobs that started that week (kgCO2e, 90% interval) and
the change vs the previous week, verified savings of that team's recommendations whose jobs
started that week, tokens confirmed on chain for those verifications, open recommendations
(proposed or approved) with their estimated saving, and a nudge chosen by rule.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from tools.ledger import Ledger
from tools.plan_store import ensure_tables


def _week_bounds(week: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    try:
        monday = datetime.strptime(week + "-1", "%G-W%V-%u").date()
    except ValueError as exc:
        raise ValueError(f"week={week!r} is not an ISO week like 2026-W03") from exc
    start = pd.Timestamp(monday, tz="UTC")
    return start, start + pd.Timedelta(days=7)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _emissions(ledger: Ledger) -> pd.DataFrame:
    """Per-job emissions of the latest simulation's latest accounting (accounted now if needed)."""
    from copilot.operations import latest_emissions

    frame = latest_emissions(ledger)
    frame["start_utc"] = pd.to_datetime(frame["start_utc"], utc=True)
    return frame


def _verified(ledger: Ledger) -> pd.DataFrame:
    ensure_tables(ledger)
    rows = list(ledger.db.query(
        "SELECT v.verification_id, v.payload, r.team, j.start_utc FROM verifications v "
        "JOIN recommendations r ON r.rec_id = v.rec_id JOIN jobs j ON j.job_id = r.job_id"))
    if not rows:
        return pd.DataFrame(columns=["verification_id", "team", "start_utc", "kg", "kg_lower", "kwh"])
    import json

    out = []
    for row in rows:
        v = json.loads(row["payload"])
        out.append({"verification_id": row["verification_id"], "team": row["team"],
                    "start_utc": pd.Timestamp(row["start_utc"]), "kg": v["saved_kgco2e"]["central"],
                    "kg_lower": v["saved_kgco2e"]["lower"], "kwh": v["saved_kwh"]["central"]})
    return pd.DataFrame(out)


def _minted(ledger: Ledger) -> pd.DataFrame:
    if "chain_mints" not in ledger.db.table_names():
        return pd.DataFrame(columns=["verification_id", "token", "amount"])
    return pd.DataFrame(list(ledger.db.query(
        "SELECT verification_id, token, amount FROM chain_mints WHERE status IN ('confirmed', 'recovered')")),
        columns=["verification_id", "token", "amount"])


def _open_recs(ledger: Ledger) -> pd.DataFrame:
    ensure_tables(ledger)
    return pd.DataFrame(list(ledger.db.query(
        "SELECT team, COUNT(*) AS n, SUM(est_kgco2e) AS kg, SUM(est_kwh) AS kwh FROM recommendations "
        "WHERE status IN ('proposed', 'approved') GROUP BY team")), columns=["team", "n", "kg", "kwh"])


def _nudge(team: str, row: dict[str, Any]) -> str:
    if row["open_recommendations"]:
        return (f"{row['open_recommendations']} open recommendation(s) for {team} could save about "
                f"{row['open_est_kgco2e']:.1f} kgCO2e: review and approve them.")
    change = row["change_pct"]
    if change is not None and change > 5:
        return f"{team}'s emissions rose {change:.1f} % on the week: ask for a plan with a longer deferral window."
    if row["verified_kgco2e"] > 0:
        return f"{team} verified {row['verified_kgco2e']:.1f} kgCO2e of savings this week: mint them."
    return f"No open actions for {team}: keep flexible jobs in the sustainable category."


def weekly_summary(ledger: Ledger, week: str | None = None, team: str | None = None) -> dict[str, Any]:
    """Deterministic per-team figures for one ISO week (default: the latest complete week with jobs)."""
    emissions = _emissions(ledger)
    if week is None:  # the latest week with jobs on all seven days, else the latest week with jobs
        last = emissions["start_utc"].max()
        complete = last.weekday() == 6 or emissions["start_utc"].min() > last - pd.Timedelta(days=7)
        week = iso_week((last if complete else last - pd.Timedelta(days=7)).date())
    start, end = _week_bounds(week)
    prev_start = start - pd.Timedelta(days=7)
    teams = sorted(emissions["team"].unique()) if team is None else [team]
    if team is not None and team not in set(emissions["team"]):
        raise ValueError(f"team={team!r} has no jobs (teams: {', '.join(sorted(emissions['team'].unique()))})")
    verified, minted, open_recs = _verified(ledger), _minted(ledger), _open_recs(ledger)
    out: dict[str, Any] = {"week": week, "start_utc": start.isoformat(), "end_utc": end.isoformat(), "teams": {}}
    for name in teams:
        mine = emissions[emissions["team"] == name]
        this = mine[(mine["start_utc"] >= start) & (mine["start_utc"] < end)]
        prev = mine[(mine["start_utc"] >= prev_start) & (mine["start_utc"] < start)]
        kg, prev_kg = float(this["emissions_kg"].sum()), float(prev["emissions_kg"].sum())
        ver = verified[(verified["team"] == name) & (verified["start_utc"] >= start)
                       & (verified["start_utc"] < end)] if len(verified) else verified
        tokens = minted[minted["verification_id"].isin(set(ver["verification_id"]))] if len(minted) else minted
        opened = open_recs[open_recs["team"] == name]
        row: dict[str, Any] = {
            "jobs": len(this), "emissions_kgco2e": round(kg, 3),
            "emissions_lower_kgco2e": round(float(this["lower_kg"].sum()), 3),
            "emissions_upper_kgco2e": round(float(this["upper_kg"].sum()), 3),
            "previous_week_kgco2e": round(prev_kg, 3),
            "change_pct": round((kg - prev_kg) / prev_kg * 100, 2) if prev_kg > 0 else None,
            "verified_kgco2e": round(float(ver["kg"].sum()), 3) if len(ver) else 0.0,
            "verified_kgco2e_lower": round(float(ver["kg_lower"].sum()), 3) if len(ver) else 0.0,
            "verified_kwh": round(float(ver["kwh"].sum()), 3) if len(ver) else 0.0,
            "tokens_minted": {str(k): round(float(pd.to_numeric(g["amount"]).sum()), 6)
                              for k, g in tokens.groupby("token")} if len(tokens) else {},
            "open_recommendations": int(opened["n"].sum()) if len(opened) else 0,
            "open_est_kgco2e": round(float(opened["kg"].sum()), 3) if len(opened) else 0.0,
        }
        row["nudge"] = _nudge(name, row)
        out["teams"][name] = row
    return out


def render_summary(summary: dict[str, Any]) -> str:
    """The template wording of a weekly summary (offline mode and the numbers guard's fallback)."""
    lines = [f"Weekly summary {summary['week']}:"]
    for team, r in summary["teams"].items():
        change = "n/a" if r["change_pct"] is None else f"{r['change_pct']:+.1f} %"
        tokens = ", ".join(f"{v} {k}" for k, v in r["tokens_minted"].items()) or "none"
        lines.append(
            f"- {team}: {r['emissions_kgco2e']:.1f} kgCO2e [{r['emissions_lower_kgco2e']:.1f} - "
            f"{r['emissions_upper_kgco2e']:.1f}] from {r['jobs']} jobs ({change} vs "
            f"{r['previous_week_kgco2e']:.1f} the week before); verified savings {r['verified_kgco2e']:.1f} "
            f"kgCO2e and {r['verified_kwh']:.1f} kWh; tokens minted: {tokens}; "
            f"{r['open_recommendations']} open recommendation(s). {r['nudge']}")
    return "\n".join(lines)


def previous_week(week: str) -> str:
    start, _ = _week_bounds(week)
    return iso_week((start - timedelta(days=7)).date())
