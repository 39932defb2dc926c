"""Metered energy savings of a cluster-level change (power cap, consolidation, controller).

The uncertainty is ASHRAE Guideline 14's fractional savings uncertainty with the residual
autocorrelation applied to the reporting hours as well as the baseline hours (conservative: the
Guideline's baseline-only correction accepted spurious "savings" on simulated clusters with no
change at all, whose residuals drift slowly).

Baseline model fitted on the hours before ``change_utc`` (``tools.verify.baseline``); the saving
over the reporting hours is ``sum(predicted - metered)`` kWh with the ASHRAE Guideline 14
fractional savings uncertainty. The saving is refused (``accepted = False`` with the reasons) when
the model fails hourly CV(RMSE) <= 30 % or |NMBE| <= 10 %, when there is no saving, or when the
saving is within its uncertainty (lower bound <= 0). Only an accepted saving has a mintable amount:
its lower bound.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from tools.forecast.metrics import fractional_savings_uncertainty
from tools.hashing import content_hash, evidence_hash
from tools.records import Interval, mintable
from tools.schemas import FiniteFloat, UtcDatetime
from tools.verify.baseline import (
    CV_RMSE_MAX_PCT,
    NMBE_MAX_PCT,
    BaselineError,
    BaselineMethod,
    fit_baseline,
    hourly_cluster_energy,
)

METHOD = "ashrae-g14-baseline-v1"


class MeteredVerification(BaseModel):
    """Outcome of a metered-savings verification, with its evidence hash."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    verification_id: str
    cluster: str
    change_utc: UtcDatetime
    baseline_start_utc: UtcDatetime
    reporting_end_utc: UtcDatetime
    method: str
    model: BaselineMethod
    n_params: int
    baseline_hours: int
    reporting_hours: int
    cv_rmse_pct: FiniteFloat
    nmbe_pct: FiniteFloat
    residual_autocorrelation: FiniteFloat
    counterfactual_kwh: FiniteFloat = Field(description="Baseline prediction over the reporting hours.")
    metered_kwh: FiniteFloat
    saved_kwh: Interval
    savings_fraction: FiniteFloat
    fractional_uncertainty: FiniteFloat | None
    accepted: bool
    reasons: list[str]
    mintable_kwh: FiniteFloat = Field(ge=0)
    inputs: dict[str, str]
    parameters: dict[str, Any]
    evidence_hash: str = Field(pattern=r"^0x[0-9a-f]{64}$")


def verify_metered(telemetry: pd.DataFrame, cluster: str, change_utc: datetime, *,
                   model: BaselineMethod = "ols", confidence: float = 0.90,
                   baseline_days: int | None = None) -> MeteredVerification:
    """Verify a cluster's saving after ``change_utc`` against a baseline fitted before it."""
    change = pd.Timestamp(change_utc)
    if change.tzinfo is None:
        raise BaselineError(f"change_utc={change_utc!r} is naive; pass a UTC time")
    hourly = hourly_cluster_energy(telemetry, cluster)
    base = hourly[hourly.index < change]
    if baseline_days is not None:
        base = base[base.index >= change - pd.Timedelta(days=baseline_days)]
    report = hourly[hourly.index >= change]
    if report.empty:
        raise BaselineError(f"no telemetry of {cluster!r} after the change at {change.isoformat()}")
    fitted = fit_baseline(base, model)
    predicted = fitted.predict(report)
    metered = report["energy_kwh"].to_numpy(dtype=float)
    counterfactual = float(predicted.sum())
    saved = counterfactual - float(metered.sum())
    fraction = saved / counterfactual if counterfactual > 0 else 0.0
    reasons: list[str] = []
    if fitted.cv_rmse_pct > CV_RMSE_MAX_PCT:
        reasons.append(f"baseline CV(RMSE) {fitted.cv_rmse_pct:.1f} % > {CV_RMSE_MAX_PCT:.0f} %")
    if abs(fitted.nmbe_pct) > NMBE_MAX_PCT:
        reasons.append(f"baseline NMBE {fitted.nmbe_pct:.1f} % outside +-{NMBE_MAX_PCT:.0f} %")
    fsu: float | None = None
    if saved <= 0:
        reasons.append(f"no saving: metered use exceeds the baseline by {-saved:.2f} kWh")
        interval = Interval.point(saved)
    else:
        fsu = fractional_savings_uncertainty(fitted.cv_rmse_pct, fitted.n_points, len(report), fraction,
                                             rho=fitted.rho, confidence=confidence,
                                             correct_reporting=True)
        interval = Interval.around(saved, fsu * saved)
        if interval.lower <= 0:
            reasons.append(f"saving {saved:.2f} kWh is within its uncertainty (+-{fsu:.0%})")
    accepted = not reasons
    inputs = {"telemetry": content_hash({"cluster": cluster, "hourly": hourly.round(9).to_dict("split")})}
    body: dict[str, Any] = {
        "cluster": cluster, "change_utc": change.isoformat(),
        "baseline_start_utc": base.index[0].isoformat(), "reporting_end_utc": report.index[-1].isoformat(),
        "method": METHOD, "model": model, "n_params": fitted.n_params, "baseline_hours": len(base),
        "reporting_hours": len(report), "cv_rmse_pct": fitted.cv_rmse_pct, "nmbe_pct": fitted.nmbe_pct,
        "residual_autocorrelation": fitted.rho, "counterfactual_kwh": counterfactual,
        "metered_kwh": float(metered.sum()), "saved_kwh": interval.model_dump(),
        "savings_fraction": fraction, "fractional_uncertainty": fsu, "accepted": accepted,
        "reasons": reasons, "mintable_kwh": mintable(interval) if accepted else 0.0,
        "inputs": inputs, "parameters": {"confidence": confidence, "baseline_days": baseline_days,
                                         "cv_rmse_max_pct": CV_RMSE_MAX_PCT, "nmbe_max_pct": NMBE_MAX_PCT},
    }
    evidence = evidence_hash(body)
    return MeteredVerification(verification_id=evidence[2:18], evidence_hash=evidence, **body)


def hourly_predictions(telemetry: pd.DataFrame, cluster: str, change_utc: datetime,
                       model: BaselineMethod = "ols") -> pd.DataFrame:
    """Hourly metered vs baseline-predicted energy (kWh) around a change, for charts."""
    hourly = hourly_cluster_energy(telemetry, cluster)
    change = pd.Timestamp(change_utc)
    fitted = fit_baseline(hourly[hourly.index < change], model)
    return pd.DataFrame({"metered_kwh": hourly["energy_kwh"], "baseline_kwh": fitted.predict(hourly),
                         "after_change": np.asarray(hourly.index >= change)}, index=hourly.index)
