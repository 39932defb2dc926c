"""Weekly team summary figures (pure): emissions and change, verified savings, tokens, open actions.

Per team and ISO week (UTC): emissions of jobs that started that week (kgCO2e, 90% interval) and
the change vs the previous week, verified savings of that team's recommendations whose jobs
started that week, tokens confirmed on chain for those verifications, open recommendations
(proposed or approved) with their estimated saving, and a nudge chosen by rule.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd


def week_bounds(week: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[Monday 00:00, next Monday 00:00) UTC of an ISO week like 2026-W03."""
    try:
        monday = datetime.strptime(week + "-1", "%G-W%V-%u").date()
    except ValueError as exc:
        raise ValueError(f"week={week!r} is not an ISO week like 2026-W03") from exc
    start = pd.Timestamp(monday, tz="UTC")
    return start, start + pd.Timedelta(days=7)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


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


def summarise_week(emissions: pd.DataFrame, verified: pd.DataFrame, minted: pd.DataFrame, open_recs: pd.DataFrame,
                   week: str | None = None, team: str | None = None) -> dict[str, Any]:
    """Per-team figures for one ISO week (default: the latest complete week with jobs).

    Args:
        emissions: per-job rows with team, start_utc (UTC), emissions_kg, lower_kg, upper_kg.
        verified: verification_id, team, start_utc (of the job), kg, kg_lower, kwh.
        minted: confirmed mints: verification_id, token, amount (token units).
        open_recs: per team: n (open recommendations) and kg (their estimated saving, kgCO2e).
    """
    if week is None:  # the latest week with jobs on all seven days, else the latest week with jobs
        last = emissions["start_utc"].max()
        complete = last.weekday() == 6 or emissions["start_utc"].min() > last - pd.Timedelta(days=7)
        week = iso_week((last if complete else last - pd.Timedelta(days=7)).date())
    start, end = week_bounds(week)
    prev_start = start - pd.Timedelta(days=7)
    teams = sorted(emissions["team"].unique()) if team is None else [team]
    if team is not None and team not in set(emissions["team"]):
        raise ValueError(f"team={team!r} has no jobs (teams: {', '.join(sorted(emissions['team'].unique()))})")
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


def previous_week(week: str) -> str:
    start, _ = week_bounds(week)
    return iso_week((start - timedelta(days=7)).date())
