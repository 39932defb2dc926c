"""Records produced by planning, execution and verification (pydantic v2).

Units: kgCO2e, kWh, USD, hours, UTC timestamps. Every estimate carries a 90% interval.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tools.hashing import evidence_hash
from tools.schemas import FiniteFloat, RegionName, UtcDatetime

RecKind = Literal["shift", "rightsize", "power_cap"]
NotMovedReason = Literal["urgent", "window", "policy", "no_better_slot", "power_cap",
                         "no_feasible_slot", "executed"]
Solver = Literal["greedy", "exact"]
NOT_MOVED_REASONS: tuple[str, ...] = ("urgent", "window", "policy", "no_better_slot", "power_cap",
                                      "no_feasible_slot", "executed")
"""Why a job kept its slot; ``executed``: a change to it was already executed (in another plan),
so its saving is claimed there and it is not proposed again."""


class RecStatus(StrEnum):
    """Where a recommendation is in its life (the one list of statuses; order = lifecycle)."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    EXECUTED = "executed"
    VERIFIED = "verified"
    MINTED = "minted"
    REJECTED = "rejected"


REC_TRANSITIONS: dict[RecStatus, frozenset[RecStatus]] = {
    RecStatus.PROPOSED: frozenset({RecStatus.APPROVED, RecStatus.REJECTED}),
    RecStatus.APPROVED: frozenset({RecStatus.EXECUTED, RecStatus.REJECTED}),
    RecStatus.EXECUTED: frozenset({RecStatus.VERIFIED}),
    RecStatus.VERIFIED: frozenset({RecStatus.MINTED}),
    RecStatus.REJECTED: frozenset(),
    RecStatus.MINTED: frozenset(),
}
"""The recommendation state machine: status -> the statuses it may move to."""
OPEN_REC_STATUSES: tuple[RecStatus, ...] = (RecStatus.PROPOSED, RecStatus.APPROVED)
"""Recommendations still waiting for someone to act (open actions in summaries and leaderboards)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Interval(_Strict):
    """A central estimate with its 90% interval (same unit for all three)."""

    central: FiniteFloat
    lower: FiniteFloat
    upper: FiniteFloat

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if not self.lower <= self.central <= self.upper:
            raise ValueError(
                f"interval not ordered: lower={self.lower} central={self.central} upper={self.upper}")
        return self

    @classmethod
    def point(cls, value: float) -> Interval:
        return cls(central=value, lower=value, upper=value)

    @classmethod
    def around(cls, central: float, half_width: float) -> Interval:
        half = abs(half_width)
        return cls(central=central, lower=central - half, upper=central + half)


ZERO = Interval(central=0.0, lower=0.0, upper=0.0)


def mintable(saved: Interval) -> float:
    """What may be minted of a verified saving: its 90% lower bound when positive, else 0
    (conservative: never the central estimate)."""
    return max(0.0, saved.lower)


class Segment(_Strict):
    """A contiguous piece of a job's run."""

    region: RegionName
    start_utc: UtcDatetime
    hours: FiniteFloat = Field(gt=0, description="Length of the piece, hours.")


class Recommendation(_Strict):
    """One proposed change to one job, with its estimated savings (positive = saved)."""

    rec_id: str = Field(min_length=1)
    plan_id: str = Field(min_length=1)
    kind: RecKind
    job_id: str
    team: str
    from_region: RegionName
    from_start_utc: UtcDatetime
    to_region: RegionName
    to_start_utc: UtcDatetime
    segments: list[Segment] = Field(default_factory=list, description="Planned run pieces (shifts).")
    from_instance_type: str
    to_instance_type: str
    gpu_cap_w: FiniteFloat | None = Field(default=None, gt=0, description="GPU power cap, W per GPU.")
    slowdown: FiniteFloat = Field(default=1.0, ge=1.0, description="Run-time multiplier (>= 1).")
    est_kgco2e_saved: Interval = Field(description="Estimated avoided emissions, kgCO2e.")
    est_usd_saved: Interval = Field(description="Estimated cost saving, USD (egress included).")
    est_kwh_saved: Interval = Field(description="Estimated energy saving, kWh (0 for shifts).")
    reason: str = Field(description="Why, in one sentence.")

    @model_validator(mode="after")
    def _shift_saves_no_energy(self) -> Recommendation:
        if self.kind == "shift" and self.est_kwh_saved != ZERO:
            raise ValueError("a time/region shift changes emissions, not energy: est_kwh_saved must be 0")
        return self


class PlanTotals(_Strict):
    recommendations: int
    est_kgco2e_saved: Interval
    est_usd_saved: Interval
    est_kwh_saved: Interval
    baseline_kgco2e: FiniteFloat = Field(description="Forecast operational emissions as submitted.")
    planned_kgco2e: FiniteFloat = Field(description="Forecast operational emissions as planned.")
    baseline_cost_usd: FiniteFloat
    planned_cost_usd: FiniteFloat


class Plan(_Strict):
    """A schedule for a set of jobs, made on forecasts, with what it did not move and why."""

    plan_id: str
    run_id: str | None = None
    solver: Solver
    policy_name: str
    policy_hash: str
    params: dict[str, Any]
    forecast_series: dict[str, str] = Field(description="Region -> content hash of its forecast.")
    recommendations: list[Recommendation]
    not_moved: dict[str, NotMovedReason] = Field(description="job_id -> why it kept its slot.")
    totals: PlanTotals
    objective_usd: FiniteFloat = Field(description="Planned objective: cost + carbon + SLA, USD.")
    baseline_objective_usd: FiniteFloat
    bound_usd: FiniteFloat | None = Field(default=None, description="Solver's lower bound (exact).")
    gap: FiniteFloat | None = Field(default=None, description="Relative optimality gap (exact).")
    power_cap_ok: bool = True
    budget: dict[str, dict[str, float | bool]] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    runtime_s: FiniteFloat = Field(ge=0, description="Solver wall time, s (not part of plan_id).")

    def not_moved_counts(self) -> dict[str, int]:
        counts = {reason: 0 for reason in NOT_MOVED_REASONS}
        for reason in self.not_moved.values():
            counts[reason] += 1
        return {k: v for k, v in counts.items() if v}


class Execution(_Strict):
    """How one job actually ran after its approved recommendations were applied."""

    exec_id: str
    plan_id: str
    job_id: str
    rec_ids: list[str]
    segments: list[Segment] = Field(min_length=1, description="Where/when it actually ran.")
    duration_h: FiniteFloat = Field(gt=0, description="Actual run time, hours.")
    instance_type: str
    vcpus: int = Field(ge=1)
    memory_gb: FiniteFloat = Field(ge=0)
    gpus: int = Field(ge=0)
    utilisation: FiniteFloat = Field(ge=0, le=1, description="Actual average utilisation.")
    gpu_cap_w: FiniteFloat | None = None
    slowdown: FiniteFloat = Field(default=1.0, ge=1.0)
    metered_kwh: FiniteFloat = Field(ge=0, description="Metered energy incl. PUE, kWh.")
    seed: int


class Verification(_Strict):
    """Measured saving of one executed recommendation, with its evidence chain.

    ``evidence_hash`` is keccak256 of the canonical JSON of every other field except
    ``verification_id`` (which is derived from it), so re-verifying the same inputs gives the
    same hash and any change to an input changes it.
    """

    verification_id: str
    rec_id: str
    plan_id: str
    job_id: str
    kind: RecKind
    method: str
    inputs: dict[str, str] = Field(description="Name -> content hash of every input.")
    parameters: dict[str, Any]
    counterfactual_kgco2e: FiniteFloat = Field(ge=0)
    actual_kgco2e: FiniteFloat = Field(ge=0)
    counterfactual_kwh: FiniteFloat = Field(ge=0)
    actual_kwh: FiniteFloat = Field(ge=0)
    saved_kgco2e: Interval
    saved_kwh: Interval
    claimed_kgco2e: FiniteFloat
    claimed_kwh: FiniteFloat
    mintable_kgco2e: FiniteFloat = Field(ge=0, description="Lower bound if > 0, else 0.")
    mintable_kwh: FiniteFloat = Field(ge=0, description="Lower bound if > 0, else 0 (never for shifts).")
    evidence_hash: str = Field(pattern=r"^0x[0-9a-f]{64}$")

    @model_validator(mode="after")
    def _conservative(self) -> Verification:
        if self.mintable_kgco2e != mintable(self.saved_kgco2e):
            raise ValueError("mintable_kgco2e must equal the saving's lower bound when > 0, else 0")
        if self.kind == "shift" and (self.saved_kwh != ZERO or self.mintable_kwh != 0):
            raise ValueError("a shift yields kgCO2e only, never kWh")
        if self.kind != "shift" and self.mintable_kwh != mintable(self.saved_kwh):
            raise ValueError("mintable_kwh must equal the saving's lower bound when > 0, else 0")
        return self

    def recomputed_evidence_hash(self) -> str:
        """keccak256 of this record's content as it is now (compare with ``evidence_hash``)."""
        return evidence_hash(self.model_dump(mode="json", exclude={"verification_id", "evidence_hash"}))

    def evidence_problem(self) -> str | None:
        """Why this record does not match its own evidence hash or id (edited after it was
        made), or None when it is intact."""
        if self.recomputed_evidence_hash() != self.evidence_hash:
            return (f"verification {self.verification_id}: its content no longer matches its evidence "
                    f"hash {self.evidence_hash} (the record was edited after verification)")
        if self.verification_id != self.evidence_hash[2:18]:
            return (f"verification {self.verification_id}: its id does not derive from its evidence "
                    f"hash {self.evidence_hash}")
        return None
