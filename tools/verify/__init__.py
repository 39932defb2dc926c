"""Verification (pure): measured savings with their evidence.

    counterfactual   savings of executed recommendations against realised grid data
    metered          cluster-level metered kWh savings against an ASHRAE Guideline 14 baseline
    baseline         the baseline energy models (OLS, Keras MLP) and their fit statistics
"""

from __future__ import annotations

from tools.verify.baseline import (
    CV_RMSE_MAX_PCT,
    NMBE_MAX_PCT,
    BaselineError,
    BaselineMethod,
    BaselineModel,
    fit_baseline,
    hourly_cluster_energy,
)
from tools.verify.counterfactual import (
    METHODS,
    VERIFY_METHOD_VERSION,
    VerificationError,
    VerifyParams,
    job_row_json,
    recompute_evidence_hash,
    verify,
)
from tools.verify.metered import (
    MeteredVerification,
    hourly_predictions,
    verify_metered,
)

__all__ = [
    "CV_RMSE_MAX_PCT",
    "METHODS",
    "NMBE_MAX_PCT",
    "VERIFY_METHOD_VERSION",
    "BaselineError",
    "BaselineMethod",
    "BaselineModel",
    "MeteredVerification",
    "VerificationError",
    "VerifyParams",
    "fit_baseline",
    "hourly_cluster_energy",
    "hourly_predictions",
    "job_row_json",
    "recompute_evidence_hash",
    "verify",
    "verify_metered",
]
