"""Weekly team summaries: the ledger's rows, summed by ``tools.rollup.weekly``, then words.

The words come from the template here (offline mode and the numbers guard's fallback) or from the
LLM (``copilot.agent.summary_text``).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from tools.ledger import Ledger
from tools.ledger.plans import ensure_tables
from tools.rollup.weekly import iso_week, previous_week, summarise_week

__all__ = ["iso_week", "previous_week", "render_summary", "weekly_summary"]


def _emissions(ledger: Ledger) -> pd.DataFrame:
    """Per-job emissions of the latest simulation's latest accounting (accounted now if needed)."""
    from copilot.services.operations import latest_emissions

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


def weekly_summary(ledger: Ledger, week: str | None = None, team: str | None = None) -> dict[str, Any]:
    """Per-team figures for one ISO week (default: the latest complete week with jobs)."""
    return summarise_week(_emissions(ledger), _verified(ledger), _minted(ledger), _open_recs(ledger),
                          week=week, team=team)


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
