"""The verifier: measured savings of executed recommendations, with an evidence chain.

Shifts (counterfactual method, realised intensity only)::

    E          = metered energy of the actual run, kWh (the same use in both worlds)
    I_cf       = realised intensity of the ORIGINAL region over [original start, + actual run time)
    I_act      = realised intensity where/when the job actually ran (energy-weighted over pieces)
    saved_kg   = E x (I_cf - I_act) / 1000           (kgCO2e; a shift never yields kWh)
    half-width = hypot(meter_rel x saved_kg, E x factor_rel x hypot(I_cf, I_act) / 1000)

Energy recommendations (calibrated counterfactual): the accountant's model gives the energy of
the actual use and of the same work at the original size / without the GPU cap; scaling both by
``metered / model(actual)`` calibrates the model to the meter, so::

    saved_kwh  = metered x (model(cf) / model(actual) - 1)
    half-width = |saved_kwh| x hypot(power_rel, meter_rel)   (the model's relative error on a
                                                               difference, and the meter's)
    saved_kg   = saved_kwh x I_act / 1000, half-width adds factor_rel in quadrature

The mintable amount is the lower bound of the 90% interval when it is > 0, else 0.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from tools.account import rightsized_utilisation, run_energy_kwh
from tools.hashing import content_hash, evidence_hash
from tools.records import ZERO, Execution, Interval, Recommendation, Verification, mintable
from tools.schemas import GridSeries
from tools.timeseries import interval_mean, slot_position

VERIFY_METHOD_VERSION = "1"
METHODS = {"shift": "counterfactual-shift", "rightsize": "calibrated-energy-counterfactual",
           "power_cap": "calibrated-energy-counterfactual"}


class VerifyParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    factor_rel: float = Field(default=0.05, ge=0, lt=1,
                              description="90% relative bound of each realised intensity factor.")
    power_rel: float = Field(default=0.2, ge=0, lt=1,
                             description="90% relative bound of the model on an energy difference.")
    meter_rel: float = Field(default=0.02, ge=0, lt=1, description="90% relative bound of the meter.")
    profile: str = "auto"


class VerificationError(ValueError):
    """A recommendation cannot be verified (not executed, no realised data for its period ...)."""


def _mean_intensity(series: GridSeries, start: datetime, hours: float) -> float:
    xs = slot_position(start, series.start_utc, series.step_minutes)
    xe = xs + hours * 60.0 / series.step_minutes
    if xs < -1e-9 or xe > len(series.values) + 1e-9:
        raise VerificationError(
            f"realised {series.region} data ({series.start_utc:%Y-%m-%d %H:%M} .. "
            f"{series.end_utc:%Y-%m-%d %H:%M} UTC) does not cover {start:%Y-%m-%d %H:%M} + "
            f"{hours:.2f} h: cannot verify before the realised data is in")
    return float(interval_mean(series.values, np.array([xs]), np.array([xe]))[0])


def _realised(realised: dict[str, GridSeries], region: str) -> GridSeries:
    if region not in realised:
        raise VerificationError(f"no realised grid series for region {region!r}")
    series = realised[region]
    if series.kind != "realised":
        raise VerificationError(f"verification needs realised data; {region} series is a forecast")
    return series


def job_row_json(job: pd.Series) -> dict[str, Any]:
    """A job row as JSON-ready values (times as ISO strings): what its evidence hash covers."""
    return {str(k): (v.isoformat() if isinstance(v, pd.Timestamp | datetime) else
                v.item() if isinstance(v, np.generic) else v) for k, v in job.items()}


def _model_energy(job: pd.Series, execution: Execution, counterfactual: bool, profile: str) -> float:
    provider = str(job["provider"])
    if counterfactual:  # the same work at the original size, uncapped, at the original speed
        v0 = int(job["vcpus"])
        u = float(rightsized_utilisation(execution.utilisation, execution.vcpus, v0))
        return run_energy_kwh(provider, profile, execution.duration_h / execution.slowdown, v0,
                              float(job["memory_gb"]), execution.gpus, u)
    return run_energy_kwh(provider, profile, execution.duration_h, execution.vcpus,
                          execution.memory_gb, execution.gpus, execution.utilisation,
                          execution.gpu_cap_w)


def verify(rec: Recommendation, execution: Execution, job: pd.Series,
           realised: dict[str, GridSeries], params: VerifyParams | None = None) -> Verification:
    """Verify one executed recommendation against realised grid data.

    ``job`` is the job's row as submitted (the jobs table); every input is hashed into the
    evidence chain.
    """
    p = params or VerifyParams()
    if rec.rec_id not in execution.rec_ids:
        raise VerificationError(f"execution {execution.exec_id} did not apply recommendation {rec.rec_id}")
    if rec.job_id != execution.job_id or rec.job_id != job["job_id"]:
        raise VerificationError(f"recommendation {rec.rec_id} is for job {rec.job_id!r}, "
                                f"execution/job are for {execution.job_id!r}/{job['job_id']!r}")
    energy = execution.metered_kwh
    act_weights = np.array([s.hours for s in execution.segments])
    act_factors = np.array([_mean_intensity(_realised(realised, s.region), s.start_utc, s.hours)
                            for s in execution.segments])
    i_act = float(np.dot(act_factors, act_weights) / act_weights.sum())
    used_regions = {s.region for s in execution.segments}

    home, submitted = str(job["region"]), pd.Timestamp(job["start_utc"]).to_pydatetime()
    if rec.from_region != home or pd.Timestamp(rec.from_start_utc) != pd.Timestamp(submitted):
        raise VerificationError(
            f"recommendation {rec.rec_id} starts from {rec.from_region} at {rec.from_start_utc:%Y-%m-%d %H:%M}, "
            f"but job {rec.job_id} was submitted for {home} at {submitted:%Y-%m-%d %H:%M}: the baseline is the "
            f"schedule as submitted, which a plan cannot change")
    if rec.kind == "shift":  # the counterfactual: the job run as submitted (home region, submitted start)
        i_cf = _mean_intensity(_realised(realised, home), submitted, execution.duration_h)
        used_regions.add(home)
        cf_kwh = act_kwh = energy
        saved = energy * (i_cf - i_act) / 1000.0
        half = float(np.hypot(p.meter_rel * saved,
                              energy * p.factor_rel * np.hypot(i_cf, i_act) / 1000.0))
        saved_kg, saved_kwh = Interval.around(saved, half), ZERO
        cf_kg, act_kg = energy * i_cf / 1000.0, energy * i_act / 1000.0
    else:
        model_act = _model_energy(job, execution, False, p.profile)
        model_cf = _model_energy(job, execution, True, p.profile)
        if model_act <= 0:
            raise VerificationError(f"execution {execution.exec_id} has no modelled energy")
        cf_kwh, act_kwh = energy * model_cf / model_act, energy
        kwh = cf_kwh - act_kwh
        saved_kwh = Interval.around(kwh, abs(kwh) * float(np.hypot(p.power_rel, p.meter_rel)))
        kg = kwh * i_act / 1000.0
        saved_kg = Interval.around(kg, abs(kg) * float(np.hypot(np.hypot(p.power_rel, p.meter_rel),
                                                                 p.factor_rel)))
        cf_kg, act_kg = cf_kwh * i_act / 1000.0, act_kwh * i_act / 1000.0

    inputs = {"recommendation": content_hash(rec.model_dump(mode="json")),
              "execution": content_hash(execution.model_dump(mode="json")),
              "job": content_hash(job_row_json(job))}
    inputs |= {f"realised:{r}": realised[r].content_hash() for r in sorted(used_regions)}
    body: dict[str, Any] = {
        "rec_id": rec.rec_id, "plan_id": rec.plan_id, "job_id": rec.job_id, "kind": rec.kind,
        "method": f"{METHODS[rec.kind]}-v{VERIFY_METHOD_VERSION}", "inputs": inputs,
        "parameters": p.model_dump(),
        "counterfactual_kgco2e": cf_kg, "actual_kgco2e": act_kg,
        "counterfactual_kwh": cf_kwh, "actual_kwh": act_kwh,
        "saved_kgco2e": saved_kg.model_dump(), "saved_kwh": saved_kwh.model_dump(),
        "claimed_kgco2e": rec.est_kgco2e_saved.central, "claimed_kwh": rec.est_kwh_saved.central,
        "mintable_kgco2e": mintable(saved_kg),
        "mintable_kwh": 0.0 if rec.kind == "shift" else mintable(saved_kwh),
    }
    evidence = evidence_hash(body)
    return Verification(verification_id=evidence[2:18], evidence_hash=evidence, **body)


def recompute_evidence_hash(v: Verification) -> str:
    """Re-derive a stored verification's hash from its content (audit check)."""
    return v.recomputed_evidence_hash()
