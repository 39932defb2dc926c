"""The executor: apply approved recommendations in the simulator and write their tickets.

A job with approved recommendations runs where/when its shift says, on the size its rightsizing
says, with its GPU cap; its actual run time and utilisation carry seeded noise (log-normal, mean
1), and its energy is "metered" as the accountant's model of the actual use plus meter noise.
The same seed gives the same executions, whatever order the jobs come in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from tools.account import PROFILES, energy_kwh
from tools.catalog import INSTANCES
from tools.hashing import content_hash
from tools.jobs import frame_records
from tools.plan.energy_recs import gpu_cap_slowdown
from tools.records import Execution, Recommendation, Segment

EXECUTE_METHOD_VERSION = "execute-sim-v1"


class ExecutionParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = Field(default=0, ge=0)
    runtime_noise: float = Field(default=0.05, ge=0, lt=1, description="Log-sd of run time.")
    utilisation_noise: float = Field(default=0.05, ge=0, lt=1, description="Log-sd of utilisation.")
    meter_noise: float = Field(default=0.01, ge=0, lt=1, description="Relative sd of the meter.")
    profile: str = "auto"


class ExecutionError(ValueError):
    """Recommendations cannot be executed (unknown job, conflicting recommendations)."""


def _job_rng(seed: int, job_id: str) -> np.random.Generator:
    return np.random.default_rng([seed, int(content_hash(job_id)[:15], 16)])


def run_energy_kwh(provider: str, profile: str, duration_h: float, vcpus: int, memory_gb: float,
                   gpus: int, utilisation: float, gpu_cap_w: float | None = None) -> float:
    """Model energy of one run, kWh incl. PUE; each GPU draws at most ``gpu_cap_w`` W if capped."""
    prof = PROFILES[provider if profile == "auto" else profile]
    return float(energy_kwh(duration_h, vcpus, utilisation, prof, memory_gb=memory_gb, gpus=gpus,
                            gpu_cap_w=gpu_cap_w))


def cap_slowdown(provider: str, profile: str, utilisation: float, cap_w: float) -> float:
    """Run-time multiplier of one job's GPUs capped at ``cap_w`` W at ``utilisation``."""
    prof = PROFILES[provider if profile == "auto" else profile]
    draw = prof.gpu_w_min + utilisation * (prof.gpu_w_max - prof.gpu_w_min)
    return float(gpu_cap_slowdown(draw, prof.gpu_w_min, cap_w))


def execute(recs: Iterable[Recommendation], jobs: pd.DataFrame,
            params: ExecutionParams | None = None) -> list[Execution]:
    """Run every job touched by ``recs`` (all approved) in the simulator; one Execution per job."""
    p = params or ExecutionParams()
    by_job: dict[str, list[Recommendation]] = {}
    for rec in recs:
        by_job.setdefault(rec.job_id, []).append(rec)
    rows = {str(r["job_id"]): r for r in frame_records(jobs)}
    out = []
    for job_id in sorted(by_job):
        if job_id not in rows:
            raise ExecutionError(f"recommendation for unknown job_id={job_id!r}")
        group = by_job[job_id]
        kinds = [r.kind for r in group]
        if len(set(kinds)) != len(kinds):
            raise ExecutionError(f"job {job_id!r} has more than one {kinds} recommendation")
        plans = {r.plan_id for r in group}
        if len(plans) != 1:
            raise ExecutionError(f"job {job_id!r} has recommendations from several plans {plans}")
        out.append(_run_job(rows[job_id], {r.kind: r for r in group}, p))
    return out


def _run_job(row: dict[str, Any], recs: dict[str, Recommendation], p: ExecutionParams) -> Execution:
    rng = _job_rng(p.seed, str(row["job_id"]))
    runtime_factor = float(np.exp(p.runtime_noise * rng.standard_normal() - p.runtime_noise**2 / 2))
    util_factor = float(np.exp(p.utilisation_noise * rng.standard_normal() - p.utilisation_noise**2 / 2))
    meter_factor = float(1.0 + p.meter_noise * rng.standard_normal())

    instance = str(row["instance_type"])
    vcpus, memory, utilisation = int(row["vcpus"]), float(row["memory_gb"]), float(row["utilisation"])
    if "rightsize" in recs:
        instance = recs["rightsize"].to_instance_type
        size = INSTANCES[instance]
        utilisation = min(1.0, utilisation * vcpus / size.vcpus)
        vcpus, memory = size.vcpus, float(size.memory_gb)
    utilisation = float(min(1.0, utilisation * util_factor))
    cap = recs["power_cap"].gpu_cap_w if "power_cap" in recs else None
    slowdown = 1.0 if cap is None else cap_slowdown(str(row["provider"]), p.profile, utilisation, cap)
    duration = float(row["duration_h"]) * slowdown * runtime_factor

    shift = recs.get("shift")
    if shift is not None and shift.segments:
        planned = sum(s.hours for s in shift.segments)
        segments = [Segment(region=s.region, start_utc=s.start_utc, hours=s.hours * duration / planned)
                    for s in shift.segments]
    else:
        start = (shift.to_start_utc if shift else row["start_utc"].to_pydatetime())
        region = shift.to_region if shift else str(row["region"])
        segments = [Segment(region=region, start_utc=start, hours=duration)]
    metered = run_energy_kwh(str(row["provider"]), p.profile, duration, vcpus, memory,
                             int(row["gpus"]), utilisation, cap) * meter_factor
    rec_ids = sorted(r.rec_id for r in recs.values())
    plan_id = next(iter(recs.values())).plan_id
    return Execution(
        exec_id=content_hash({"plan": plan_id, "job": row["job_id"], "recs": rec_ids,
                              "params": p.model_dump(), "method": EXECUTE_METHOD_VERSION})[:16],
        plan_id=plan_id, job_id=str(row["job_id"]), rec_ids=rec_ids, segments=segments,
        duration_h=duration, instance_type=instance, vcpus=vcpus, memory_gb=memory,
        gpus=int(row["gpus"]), utilisation=utilisation, gpu_cap_w=cap, slowdown=slowdown,
        metered_kwh=max(0.0, metered), seed=p.seed)


def _interval(i: object) -> str:
    c, lo, hi = (getattr(i, k) for k in ("central", "lower", "upper"))
    return f"{c:.3f} [{lo:.3f} .. {hi:.3f}]"


def ticket_markdown(rec: Recommendation) -> str:
    """A change ticket: what, why, expected saving (90% interval), rollback."""
    when = "%Y-%m-%d %H:%M UTC"
    if rec.kind == "shift":
        pieces = ", ".join(f"{s.region} {s.start_utc:%Y-%m-%d %H:%M} for {s.hours:.2f} h"
                           for s in rec.segments)
        what = (f"Run job `{rec.job_id}` ({rec.from_instance_type}) as: {pieces} -- instead of "
                f"{rec.from_region} at {rec.from_start_utc.strftime(when)}.")
        rollback = (f"Resubmit `{rec.job_id}` in {rec.from_region} at its original start "
                    f"{rec.from_start_utc.strftime(when)}; nothing else changes.")
    elif rec.kind == "rightsize":
        what = f"Run job `{rec.job_id}` on `{rec.to_instance_type}` instead of `{rec.from_instance_type}`."
        rollback = f"Switch `{rec.job_id}` back to `{rec.from_instance_type}`."
    else:
        what = (f"Cap the GPUs of job `{rec.job_id}` at {rec.gpu_cap_w:.0f} W each "
                f"(expected {rec.slowdown - 1:.1%} longer run).")
        rollback = f"Remove the GPU power cap of `{rec.job_id}` (e.g. `nvidia-smi -pl` default)."
    return "\n".join([
        f"### [GreenOps] {rec.kind}: job {rec.job_id} (team {rec.team})",
        "",
        f"**What:** {what}",
        "",
        f"**Why:** {rec.reason}.",
        "",
        "**Expected saving (90% interval):** "
        f"{_interval(rec.est_kgco2e_saved)} kgCO2e, {_interval(rec.est_kwh_saved)} kWh, "
        f"{rec.est_usd_saved.central:.2f} USD.",
        "",
        f"**Rollback:** {rollback}",
        "",
        f"_Plan `{rec.plan_id}`, recommendation `{rec.rec_id}`. Savings are verified after the run "
        "against realised grid data; only the verified lower bound can be minted._",
    ])
