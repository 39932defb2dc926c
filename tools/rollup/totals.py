"""Totals the front ends show (pure): a plan by kind, a set of verifications, a forecast, an
emissions breakdown, a filtered list of recommendations. Every figure is a sum, a count, a
minimum or a selection of what the other tools produced; nothing new is estimated here.

Units: kgCO2e, kWh, USD, gCO2e/kWh; times UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from tools.account import GroupBy, aggregate
from tools.records import Plan, Recommendation, Verification
from tools.schemas import GridSeries
from tools.tokens import TOKENS, token_for_kind


def plan_summary(plan: Plan) -> dict[str, Any]:
    """A plan's totals (central and 90% interval), by kind, not-moved reasons, gap and notes."""
    by_kind: dict[str, dict[str, float]] = {}
    for rec in plan.recommendations:
        agg = by_kind.setdefault(rec.kind, {"count": 0, "est_kgco2e_saved": 0.0,
                                            "est_kwh_saved": 0.0, "est_usd_saved": 0.0})
        agg["count"] += 1
        agg["est_kgco2e_saved"] += rec.est_kgco2e_saved.central
        agg["est_kwh_saved"] += rec.est_kwh_saved.central
        agg["est_usd_saved"] += rec.est_usd_saved.central
    t = plan.totals
    return {
        "plan_id": plan.plan_id, "solver": plan.solver,
        "policy": plan.policy_name, "recommendations": t.recommendations,
        "est_kgco2e_saved": t.est_kgco2e_saved.central,
        "est_kgco2e_saved_lower": t.est_kgco2e_saved.lower,
        "est_kgco2e_saved_upper": t.est_kgco2e_saved.upper,
        "est_usd_saved": t.est_usd_saved.central, "est_kwh_saved": t.est_kwh_saved.central,
        "baseline_kgco2e": t.baseline_kgco2e, "planned_kgco2e": t.planned_kgco2e,
        "gap": plan.gap, "objective_usd": plan.objective_usd, "bound_usd": plan.bound_usd,
        "not_moved": plan.not_moved_counts(), "by_kind": by_kind,
        "power_cap_ok": plan.power_cap_ok, "budget": plan.budget, "notes": plan.notes,
        "runtime_s": plan.runtime_s,
    }


def verification_totals(verifications: Sequence[Verification]) -> dict[str, Any]:
    """Claimed vs verified (central and sum of lower bounds) and mintable amounts of a set of
    verifications, kgCO2e and kWh."""
    done = list(verifications)
    return {
        "verifications": len(done),
        "ids": [v.verification_id for v in done],
        "verified_kgco2e": sum(v.saved_kgco2e.central for v in done),
        "verified_kgco2e_lower": sum(v.saved_kgco2e.lower for v in done),
        "verified_kwh": sum(v.saved_kwh.central for v in done),
        "verified_kwh_lower": sum(v.saved_kwh.lower for v in done),
        "claimed_kgco2e": sum(v.claimed_kgco2e for v in done),
        "claimed_kwh": sum(v.claimed_kwh for v in done),
        # one saving, one token: shifts mint kgCO2eSave, energy savings kWhSave (never both)
        "mintable_kgco2e": sum(minted_amount(v) for v in done if token_for_kind(v.kind) == "kgco2e"),
        "mintable_kwh": sum(minted_amount(v) for v in done if token_for_kind(v.kind) == "kwh"),
    }


def minted_amount(v: Verification) -> float:
    """What a verification mints, in its one token's unit (kgCO2e for a shift, kWh otherwise)."""
    return float(getattr(v, TOKENS[token_for_kind(v.kind)].field))


def largest_mintable(verifications: Iterable[Verification], n: int = 5) -> list[str]:
    """Ids of the ``n`` verifications with the largest amount of their one token, largest first."""
    ranked = sorted(verifications, key=lambda v: -minted_amount(v))
    return [v.verification_id for v in ranked[:n]]


def series_summary(series: GridSeries) -> dict[str, Any]:
    """Mean, minimum (and when) and maximum of a grid series (forecast or realised), gCO2e/kWh."""
    values = np.asarray(series.values, dtype=float)
    low = int(np.argmin(values))
    return {"mean_g_per_kwh": float(values.mean()), "min_g_per_kwh": float(values[low]),
            "min_at_utc": series.index()[low].isoformat(), "max_g_per_kwh": float(values.max()),
            "hours": round(len(values) * series.step_minutes / 60)}


def group_totals(aggregated: pd.DataFrame, *, digits: int | None = None, key_chars: int | None = None
                 ) -> dict[str, dict[str, float]]:
    """Rows of ``tools.account.aggregate`` as ``{group: {kgco2e, lower_kgco2e, upper_kgco2e, kwh, jobs}}``
    (kgCO2e with its 90% interval, kWh), optionally rounded to ``digits`` and keys cut to ``key_chars``."""
    def num(x: float) -> float:
        return float(x) if digits is None else round(float(x), digits)

    return {str(key)[:key_chars]: {"kgco2e": num(row["emissions_kg"]), "lower_kgco2e": num(row["lower_kg"]),
                                   "upper_kgco2e": num(row["upper_kg"]), "kwh": num(row["energy_kwh"]),
                                   "jobs": int(row["jobs"])} for key, row in aggregated.iterrows()}


def emissions_breakdown(emissions: pd.DataFrame, group_by: GroupBy, *, team: str | None = None,
                        region: str | None = None, start: date | None = None, end: date | None = None
                        ) -> dict[str, Any]:
    """Accounted emissions filtered by team, region and UTC days [start, end], grouped by team,
    region, UTC day or hour: kgCO2e with its 90% interval, kWh and jobs per group, the total, and the
    UTC days the matching jobs started on (``first_day_utc``, ``last_day_utc``: the period covered)."""
    frame = emissions
    if team:
        frame = frame[frame["team"] == team]
    if region:
        frame = frame[frame["region"] == region]
    day = pd.DatetimeIndex(frame["start_utc"]).floor("D").date
    if start:
        frame = frame[day >= start]
        day = pd.DatetimeIndex(frame["start_utc"]).floor("D").date
    if end:
        frame = frame[day <= end]
    if frame.empty:
        return {"group_by": group_by, "groups": {}, "jobs": 0, "note": "no jobs match"}
    agg = aggregate(frame, group_by)
    groups = group_totals(agg, digits=3, key_chars=10)
    days = pd.DatetimeIndex(frame["start_utc"]).floor("D")
    return {"group_by": group_by, "filters": {"team": team, "region": region, "start": start, "end": end},
            "first_day_utc": days.min().date().isoformat(), "last_day_utc": days.max().date().isoformat(),
            "total_kgco2e": round(float(agg["emissions_kg"].sum()), 3), "jobs": int(agg["jobs"].sum()),
            "groups": groups}


def select_recommendations(recs: Iterable[Recommendation], statuses: Mapping[str, str], *,
                           status: str | None = None, kind: str | None = None, team: str | None = None
                           ) -> list[Recommendation]:
    """Recommendations matching status, kind and team, largest estimated kgCO2e saving first."""
    rows = [r for r in recs if (status is None or statuses[r.rec_id] == status)
            and (kind is None or r.kind == kind) and (team is None or r.team == team)]
    rows.sort(key=lambda r: -r.est_kgco2e_saved.central)
    return rows


def totals_by_key(amounts: Iterable[tuple[str, float]]) -> dict[str, float]:
    """Sum of amounts per key ('kgCO2eSave (kgCO2e)' -> its token units), keys in first-seen order."""
    out: dict[str, float] = {}
    for key, amount in amounts:
        out[key] = out.get(key, 0.0) + float(amount)
    return out


def exact_totals_by_key(amounts: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Exact sum of decimal-string amounts (token units as minted on chain) per key, keys in first-seen
    order; returned as decimal strings so no float rounding reaches a figure about tokens."""
    out: dict[str, Decimal] = {}
    for key, amount in amounts:
        out[key] = out.get(key, Decimal(0)) + Decimal(str(amount))
    return {k: str(v) for k, v in out.items()}


def shares_pct(part: dict[str, float], whole: dict[str, float]) -> dict[str, float | None]:
    """Each key's ``part`` as a percentage of ``whole`` (None where the whole is not positive)."""
    return {k: (part.get(k, 0.0) / total * 100 if total > 0 else None) for k, total in whole.items()}
