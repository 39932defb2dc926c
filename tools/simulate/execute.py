"""The executor: apply approved recommendations in the simulator (tickets: ``tools.plan.ticket``).

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

from tools.account import cap_slowdown, rightsized_utilisation, run_energy_kwh
from tools.catalog import INSTANCES
from tools.hashing import content_hash
from tools.jobs import frame_records
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
        utilisation = float(rightsized_utilisation(utilisation, vcpus, size.vcpus))
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
