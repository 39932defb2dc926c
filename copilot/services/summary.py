"""Weekly team summaries: the ledger's rows, summed by ``tools.rollup.weekly``.

The words come from ``copilot.agent.render.render_summary`` (offline mode and the numbers guard's
fallback) or from the LLM (``copilot.agent.summary_text``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from copilot.services.fleet import latest_emissions
from tools.ledger import Ledger
from tools.ledger.queries import confirmed_mint_amounts, open_recommendations_by_team, verified_savings_rows
from tools.rollup.weekly import summarise_week

VERIFIED_COLUMNS = ["verification_id", "team", "start_utc", "kg", "kg_lower", "kwh"]


def _verified(ledger: Ledger) -> pd.DataFrame:
    frame = pd.DataFrame(verified_savings_rows(ledger), columns=VERIFIED_COLUMNS)
    frame["start_utc"] = pd.to_datetime(frame["start_utc"], utc=True)
    return frame


def weekly_summary(ledger: Ledger, week: str | None = None, team: str | None = None) -> dict[str, Any]:
    """Per-team figures for one ISO week (default: the latest complete week with jobs) of the latest
    simulation's accounting (accounted now if needed)."""
    emissions = latest_emissions(ledger)
    emissions["start_utc"] = pd.to_datetime(emissions["start_utc"], utc=True)
    minted = pd.DataFrame(confirmed_mint_amounts(ledger), columns=["verification_id", "token", "amount"])
    open_recs = pd.DataFrame(open_recommendations_by_team(ledger), columns=["team", "n", "kg", "kwh"])
    return summarise_week(emissions, _verified(ledger), minted, open_recs, week=week, team=team)
