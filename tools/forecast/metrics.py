"""Forecast and baseline-model metrics: MAPE, MAE, RMSE, and ASHRAE Guideline 14 fit statistics.

ASHRAE Guideline 14-2014 (and IPMVP) judge a baseline energy model by

    CV(RMSE) = sqrt(sum (y - yhat)^2 / (n - p)) / mean(y)        (hourly models: <= 30 %)
    NMBE     = sum (y - yhat) / ((n - p) x mean(y))              (within +-10 %)

with p the number of model parameters, and the fractional savings uncertainty of a saving F
(a fraction of the baseline use over m reporting points) as

    dE/E = 1.26 x t x CV x sqrt((n / n') x (1 + 2 / n) x (1 / m)) / F,  n' = n (1 - rho) / (1 + rho)

where rho is the lag-1 autocorrelation of the baseline residuals and t the Student-t value of the
chosen confidence (two-sided 90% by default).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

ArrayLike = npt.ArrayLike


class MetricError(ValueError):
    """Inputs cannot be scored (shape mismatch, empty, zeros in a MAPE denominator, NaN)."""


def _pair(actual: ArrayLike, predicted: ArrayLike) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    a = np.asarray(actual, dtype=float).ravel()
    p = np.asarray(predicted, dtype=float).ravel()
    if a.shape != p.shape:
        raise MetricError(f"actual has {a.size} values but predicted has {p.size}")
    if a.size == 0:
        raise MetricError("no values to score")
    if not (np.isfinite(a).all() and np.isfinite(p).all()):
        raise MetricError("actual and predicted must be finite (found NaN or inf)")
    return a, p


def mae(actual: ArrayLike, predicted: ArrayLike) -> float:
    """Mean absolute error, in the unit of the data."""
    a, p = _pair(actual, predicted)
    return float(np.mean(np.abs(a - p)))


def rmse(actual: ArrayLike, predicted: ArrayLike) -> float:
    """Root mean squared error, in the unit of the data."""
    a, p = _pair(actual, predicted)
    return float(np.sqrt(np.mean((a - p) ** 2)))


def mape(actual: ArrayLike, predicted: ArrayLike) -> float:
    """Mean absolute percentage error, % (mean of |a - p| / |a| x 100)."""
    a, p = _pair(actual, predicted)
    if np.any(a == 0):
        raise MetricError(f"MAPE is undefined: {int(np.sum(a == 0))} actual value(s) are 0")
    return float(np.mean(np.abs(a - p) / np.abs(a)) * 100.0)


def cv_rmse(actual: ArrayLike, predicted: ArrayLike, n_params: int = 1) -> float:
    """Coefficient of variation of the RMSE (ASHRAE G14), % of the mean of ``actual``."""
    a, p = _pair(actual, predicted)
    dof = a.size - n_params
    if dof <= 0:
        raise MetricError(f"need more than {n_params} points, got {a.size}")
    return float(np.sqrt(np.sum((a - p) ** 2) / dof) / np.mean(a) * 100.0)


def nmbe(actual: ArrayLike, predicted: ArrayLike, n_params: int = 1) -> float:
    """Normalised mean bias error (ASHRAE G14), % of the mean of ``actual`` (positive: under-prediction)."""
    a, p = _pair(actual, predicted)
    dof = a.size - n_params
    if dof <= 0:
        raise MetricError(f"need more than {n_params} points, got {a.size}")
    return float(np.sum(a - p) / (dof * np.mean(a)) * 100.0)


def lag1_autocorrelation(residuals: ArrayLike) -> float:
    """Lag-1 autocorrelation of a residual series (0 for fewer than 3 points or no variance)."""
    r = np.asarray(residuals, dtype=float).ravel()
    if r.size < 3:
        return 0.0
    r = r - r.mean()
    denom = float(np.dot(r, r))
    return 0.0 if denom == 0 else float(np.dot(r[:-1], r[1:]) / denom)


def fractional_savings_uncertainty(cv_rmse_pct: float, n_baseline: int, m_reporting: int,
                                   savings_fraction: float, rho: float = 0.0,
                                   confidence: float = 0.90, correct_reporting: bool = False) -> float:
    """ASHRAE G14 fractional savings uncertainty, as a fraction of the saving (0.5 = +-50 %).

    Args:
        cv_rmse_pct: CV(RMSE) of the baseline model, %.
        n_baseline: number of baseline-period points.
        m_reporting: number of reporting-period points.
        savings_fraction: saving as a fraction of the reporting-period baseline use (F > 0).
        rho: lag-1 autocorrelation of the baseline residuals.
        confidence: two-sided confidence level of the uncertainty.
        correct_reporting: also shrink the reporting points to their effective number
            ``m' = m (1 - rho) / (1 + rho)``. Guideline 14 corrects only the baseline term; with
            strongly autocorrelated residuals that understates the uncertainty of a sum over many
            reporting hours, so the verifier turns this on (conservative).
    """
    if savings_fraction <= 0:
        raise MetricError(f"savings_fraction={savings_fraction} must be > 0")
    if n_baseline < 3 or m_reporting < 1:
        raise MetricError(f"need n_baseline >= 3 and m_reporting >= 1, got {n_baseline}, {m_reporting}")
    rho = float(np.clip(rho, -0.99, 0.99))
    n_eff = n_baseline * (1 - rho) / (1 + rho)
    t = float(stats.t.ppf(0.5 + confidence / 2, df=max(n_eff - 1, 1.0)))
    cv = cv_rmse_pct / 100.0
    m_eff = m_reporting * (1 - rho) / (1 + rho) if correct_reporting else float(m_reporting)
    return float(1.26 * t * cv * np.sqrt((n_baseline / n_eff) * (1 + 2 / n_baseline) / max(m_eff, 1.0))
                 / savings_fraction)
