"""The team leaderboard (pure): accounted emissions, verified and mintable savings, tokens minted and
open recommendations per team, ranked by verified avoided emissions (then by lower emissions).

Units: kgCO2e, kWh, tokens (kgCO2eSave = 1 kgCO2e, kWhSave = 1 kWh).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

LEADERBOARD_COLUMNS = ["rank", "team", "emissions_kgco2e", "jobs", "verified_kgco2e", "verified_kwh",
                       "mintable_kgco2e", "minted_kgco2e", "minted_kwh", "open_recommendations"]


def leaderboard(teams: pd.DataFrame, verified: Iterable[Mapping[str, Any]], minted: Iterable[Mapping[str, Any]],
                open_recs: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Rank teams.

    Args:
        teams: ``tools.account.aggregate(emissions, "team")`` (emissions_kg and jobs per team).
        verified: per team: team, kg (verified central kgCO2e), kwh, mintable (kgCO2e).
        minted: confirmed mints: team, token (``kgco2e`` or ``kwh``), amount (tokens, decimal string).
        open_recs: per team: team, n (recommendations still waiting for action).
    """
    by_team = {str(r["team"]): r for r in verified}
    tokens: dict[tuple[str, str], float] = {}
    for r in minted:
        key = (str(r["team"]), str(r["token"]))
        tokens[key] = tokens.get(key, 0.0) + float(r["amount"])
    waiting = {str(r["team"]): int(r["n"]) for r in open_recs}
    rows = []
    for team, agg in teams.iterrows():
        v = by_team.get(str(team), {})
        rows.append({"team": str(team), "emissions_kgco2e": round(float(agg["emissions_kg"]), 3),
                     "jobs": int(agg["jobs"]), "verified_kgco2e": round(float(v.get("kg") or 0.0), 3),
                     "verified_kwh": round(float(v.get("kwh") or 0.0), 3),
                     "mintable_kgco2e": round(float(v.get("mintable") or 0.0), 3),
                     "minted_kgco2e": round(tokens.get((str(team), "kgco2e"), 0.0), 6),
                     "minted_kwh": round(tokens.get((str(team), "kwh"), 0.0), 6),
                     "open_recommendations": waiting.get(str(team), 0)})
    frame = pd.DataFrame(rows, columns=LEADERBOARD_COLUMNS[1:])
    frame = frame.sort_values(["verified_kgco2e", "emissions_kgco2e"], ascending=[False, True], kind="stable")
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame.reset_index(drop=True)
