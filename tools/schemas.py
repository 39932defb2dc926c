"""Typed records at the boundaries of the numeric core (pydantic v2).

Units are in every field's description and, where it fits, in its name. Every timestamp is
timezone-aware and normalised to UTC; naive timestamps, NaN, negative quantities and unknown
regions are rejected with a message that names the field and the value.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from tools.hashing import content_hash
from tools.regions import check_region

Category = Literal["urgent", "balanced", "sustainable"]
Basis = Literal["lifecycle", "direct"]
SeriesKind = Literal["realised", "forecast"]
Provider = Literal["aws", "gcp", "azure"]
CATEGORIES: tuple[Category, ...] = ("urgent", "balanced", "sustainable")


def _utc(value: datetime, info: ValidationInfo) -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(
            f"{info.field_name} must be timezone-aware (UTC); got naive {value.isoformat()!r}"
        )
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


def _region(value: str, info: ValidationInfo) -> str:
    return check_region(value, field=info.field_name or "region")


RegionName = Annotated[str, AfterValidator(_region)]


def _finite(value: float, info: ValidationInfo) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{info.field_name} must be a finite number; got {value!r}")
    return value


FiniteFloat = Annotated[float, AfterValidator(_finite)]


def check_values(name: str, values: Any, *, allow_negative: bool = False) -> list[float]:
    """Validate a 1-D sequence of numbers: finite, and non-negative unless allowed.

    Raises ValueError naming the first bad index and value.
    """
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers: {exc}") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of numbers")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name}[{i}] is {float(arr[i])!r}; values must be finite numbers")
    if not allow_negative:
        neg = np.flatnonzero(arr < 0)
        if neg.size:
            i = int(neg[0])
            raise ValueError(f"{name}[{i}] = {float(arr[i])!r} is negative")
    return [float(v) for v in arr]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(_Strict):
    """A region a job can run in; the name must be in ``tools.regions.REGIONS``."""

    name: RegionName = Field(description="Region identifier, e.g. 'eu-north-1' or grid zone 'DE'.")


class RegularSeries(_Strict):
    """A regularly stepped time series starting at ``start_utc``.

    ``values[i]`` is the average over ``[start_utc + i*step, start_utc + (i+1)*step)``.
    """

    unit: ClassVar[str] = ""
    allow_negative: ClassVar[bool] = False

    start_utc: UtcDatetime = Field(description="Start of the first interval, UTC.")
    step_minutes: int = Field(gt=0, le=7 * 24 * 60, description="Interval length, minutes.")
    values: list[float] = Field(min_length=1, description="One value per interval.")
    source: str = Field(default="", description="Where the data came from (file, API, simulator).")

    @field_validator("values", mode="before")
    @classmethod
    def _check_values(cls, v: Any, info: ValidationInfo) -> list[float]:
        return check_values(info.field_name or "values", v, allow_negative=cls.allow_negative)

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.step_minutes)

    @property
    def end_utc(self) -> datetime:
        """End of the last interval (exclusive), UTC."""
        return self.start_utc + self.step * len(self.values)

    def index(self) -> pd.DatetimeIndex:
        """Interval start times as a UTC DatetimeIndex."""
        return pd.date_range(
            self.start_utc, periods=len(self.values), freq=f"{self.step_minutes}min", tz="UTC"
        )

    def to_pandas(self) -> pd.Series:
        """Values as a float Series indexed by interval start (UTC)."""
        return pd.Series(np.asarray(self.values), index=self.index(), name=self.unit)

    def content_hash(self) -> str:
        """SHA-256 of this series' canonical JSON (values and metadata)."""
        return content_hash(self.model_dump(mode="json"))


class GridSeries(RegularSeries):
    """Grid carbon intensity of one region, gCO2e/kWh."""

    unit: ClassVar[str] = "gCO2e/kWh"

    region: RegionName = Field(description="Region the intensity applies to.")
    basis: Basis = Field(
        description="'lifecycle' (incl. upstream/embodied of generation) or 'direct' "
        "(combustion only); they differ 15-30% and must never be mixed silently."
    )
    kind: SeriesKind = Field(default="realised", description="Realised (measured) or forecast.")
    values: list[float] = Field(min_length=1, description="Carbon intensity, gCO2e/kWh.")
    lower: list[float] | None = Field(
        default=None, description="Lower bound of the prediction interval, gCO2e/kWh."
    )
    upper: list[float] | None = Field(
        default=None, description="Upper bound of the prediction interval, gCO2e/kWh."
    )

    @field_validator("lower", "upper", mode="before")
    @classmethod
    def _check_bounds(cls, v: Any, info: ValidationInfo) -> list[float] | None:
        if v is None:
            return None
        return check_values(info.field_name or "bound", v)

    @model_validator(mode="after")
    def _bounds_match(self) -> GridSeries:
        for name in ("lower", "upper"):
            bound = getattr(self, name)
            if bound is not None and len(bound) != len(self.values):
                raise ValueError(
                    f"{name} has {len(bound)} values but values has {len(self.values)}"
                )
        return self


class PriceSeries(RegularSeries):
    """A price over time: instance price (USD/h) or wholesale electricity price (USD/MWh)."""

    allow_negative: ClassVar[bool] = True  # wholesale electricity prices can go negative

    region: RegionName = Field(description="Region the price applies to.")
    kind: Literal["instance_usd_per_hour", "electricity_usd_per_mwh"] = Field(
        description="What is priced: an instance-hour (USD/h) or electricity (USD/MWh)."
    )
    instance_type: str | None = Field(default=None, description="Instance type, for instance prices.")
    values: list[float] = Field(min_length=1, description="Price per interval, USD/h or USD/MWh.")

    @model_validator(mode="after")
    def _instance_prices_positive(self) -> PriceSeries:
        if self.kind == "instance_usd_per_hour":
            check_values("values", self.values)
            if self.instance_type is None:
                raise ValueError("instance_type is required when kind='instance_usd_per_hour'")
        return self


class TelemetrySeries(RegularSeries):
    """Measured electrical power of a node or a whole cluster, W (5-minute steps by default)."""

    unit: ClassVar[str] = "W"

    cluster: str = Field(min_length=1, description="Cluster name.")
    node: str | None = Field(default=None, description="Node name; None for a cluster total.")
    values: list[float] = Field(min_length=1, description="Average power per interval, W.")

    def energy_kwh(self) -> float:
        """Energy over the whole series, kWh."""
        return float(np.sum(self.values)) * self.step_minutes / 60.0 / 1000.0


class Job(_Strict):
    """One compute job as submitted and (by default) as it ran."""

    job_id: str = Field(min_length=1, description="Unique job identifier.")
    team: str = Field(min_length=1, description="Owning team.")
    region: RegionName = Field(description="Region the job runs in.")
    provider: Provider = Field(default="aws", description="Cloud provider (selects power model).")
    category: Category = Field(
        description="'urgent' (never moved), 'balanced' (short deferral), 'sustainable' "
        "(may wait longer or move region)."
    )
    instance_type: str = Field(min_length=1, description="Instance type, e.g. 'm5.2xlarge'.")
    submit_utc: UtcDatetime = Field(description="Submission time, UTC.")
    start_utc: UtcDatetime = Field(description="Start time, UTC.")
    duration_h: FiniteFloat = Field(gt=0, description="Run time, hours.")
    vcpus: int = Field(ge=1, description="Virtual CPUs allocated.")
    memory_gb: FiniteFloat = Field(ge=0, description="Memory allocated, GB.")
    gpus: int = Field(default=0, ge=0, description="GPUs allocated.")
    utilisation: FiniteFloat = Field(ge=0, le=1, description="Average CPU utilisation, 0..1.")
    max_deferral_h: FiniteFloat = Field(ge=0, description="Longest allowed wait after submit, h.")
    deadline_utc: UtcDatetime = Field(description="Latest allowed completion time, UTC.")
    data_gb: FiniteFloat = Field(default=0.0, ge=0, description="Input data moved on a region change, GB.")
    interruptible: bool = Field(default=False, description="May be split into pieces.")

    @model_validator(mode="after")
    def _times_consistent(self) -> Job:
        if self.start_utc < self.submit_utc:
            raise ValueError(
                f"start_utc={self.start_utc.isoformat()} is before submit_utc="
                f"{self.submit_utc.isoformat()}"
            )
        earliest_end = self.submit_utc + timedelta(hours=self.duration_h)
        if self.deadline_utc < earliest_end:
            raise ValueError(
                f"deadline_utc={self.deadline_utc.isoformat()} is before submit + duration "
                f"({earliest_end.isoformat()})"
            )
        if self.category == "urgent" and self.max_deferral_h > 0:
            raise ValueError(f"urgent jobs cannot be deferred; got max_deferral_h={self.max_deferral_h}")
        return self


class EmissionRecord(_Strict):
    """Energy and emissions of one job, with a 90% interval."""

    job_id: str = Field(min_length=1)
    region: RegionName
    basis: Basis = Field(description="Intensity basis used: lifecycle or direct.")
    intensity_g_per_kwh: FiniteFloat = Field(ge=0, description="Run-time average intensity, gCO2e/kWh.")
    energy_kwh: FiniteFloat = Field(ge=0, description="Energy incl. PUE, kWh.")
    energy_lower_kwh: FiniteFloat = Field(ge=0, description="90% interval lower bound, kWh.")
    energy_upper_kwh: FiniteFloat = Field(ge=0, description="90% interval upper bound, kWh.")
    operational_kg: FiniteFloat = Field(ge=0, description="Operational emissions, kgCO2e.")
    embodied_kg: FiniteFloat = Field(ge=0, description="Embodied share (GSF SCI), kgCO2e.")
    emissions_kg: FiniteFloat = Field(ge=0, description="Operational + embodied, kgCO2e (central).")
    lower_kg: FiniteFloat = Field(ge=0, description="90% interval lower bound, kgCO2e.")
    upper_kg: FiniteFloat = Field(ge=0, description="90% interval upper bound, kgCO2e.")
    method: str = Field(description="Power profile and method version.")

    @model_validator(mode="after")
    def _interval_contains_central(self) -> EmissionRecord:
        if not self.energy_lower_kwh <= self.energy_kwh <= self.energy_upper_kwh:
            raise ValueError("energy interval does not contain energy_kwh")
        if not self.lower_kg <= self.emissions_kg <= self.upper_kg:
            raise ValueError("emissions interval does not contain emissions_kg")
        return self


class BlackoutWindow(_Strict):
    """A period in which no job may be scheduled (optionally only in some regions)."""

    start_utc: UtcDatetime
    end_utc: UtcDatetime
    regions: list[RegionName] | None = Field(default=None, description="None means all regions.")
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> BlackoutWindow:
        if self.end_utc <= self.start_utc:
            raise ValueError(
                f"end_utc={self.end_utc.isoformat()} must be after start_utc={self.start_utc.isoformat()}"
            )
        return self


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d|24:00")
_FIXED_ZONE = re.compile(r"UTC(?P<sign>[-+])(?P<h>0\d|1[0-4]):(?P<m>[0-5]\d)")


def zone_info(name: str) -> tzinfo:
    """``name`` as a tzinfo: an IANA zone ('Europe/London', with DST), 'UTC' or a fixed 'UTC+05:30'."""
    if name == "UTC":
        return UTC
    fixed = _FIXED_ZONE.fullmatch(name)
    if fixed:
        sign = -1 if fixed["sign"] == "-" else 1
        return timezone(sign * timedelta(hours=int(fixed["h"]), minutes=int(fixed["m"])))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"timezone={name!r} is not an IANA time zone, 'UTC' or 'UTC+hh:mm'") from exc


class RecurringBlackout(_Strict):
    """A weekly window in which no job may run, in local (wall-clock) time of ``timezone``.

    It starts at ``start_local`` on each of ``days`` and ends at ``end_local`` the same day, or the
    next day when ``end_local`` is not after ``start_local`` (22:00-02:00 runs over midnight;
    24:00 is the end of the day). Daylight saving time follows ``timezone`` (zoneinfo): the window
    keeps its wall-clock times, so its UTC times move by an hour twice a year.
    """

    days: list[Weekday] = Field(min_length=1, description="Days of the week the window starts on.")
    start_local: str = Field(description="Local start time, HH:MM (00:00-23:59).")
    end_local: str = Field(description="Local end time, HH:MM (00:00-24:00); <= start: the next day.")
    timezone: str = Field(description="IANA time zone ('Europe/London'), 'UTC' or a fixed 'UTC+hh:mm'.")
    regions: list[RegionName] | None = Field(default=None, description="None means all regions.")
    reason: str = ""

    @field_validator("days")
    @classmethod
    def _week_order(cls, v: list[Weekday]) -> list[Weekday]:
        return sorted(set(v), key=WEEKDAYS.index)

    @field_validator("start_local", "end_local")
    @classmethod
    def _clock(cls, v: str, info: ValidationInfo) -> str:
        if not _CLOCK.fullmatch(v) or (info.field_name == "start_local" and v == "24:00"):
            raise ValueError(f"{info.field_name}={v!r} must be a time of day HH:MM")
        return v

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        zone_info(v)
        return v

    @model_validator(mode="after")
    def _not_empty(self) -> RecurringBlackout:
        if self.start_local == self.end_local:
            raise ValueError(f"start_local and end_local are both {self.start_local}: the window is empty")
        return self

    def occurrences(self, start_utc: datetime, end_utc: datetime) -> list[tuple[datetime, datetime]]:
        """Every occurrence (UTC start, UTC end) that overlaps ``[start_utc, end_utc)``, in order."""
        zone = zone_info(self.timezone)
        (h1, m1), (h2, m2) = (tuple(map(int, t.split(":"))) for t in (self.start_local, self.end_local))
        overnight = (h2, m2) <= (h1, m1)
        first = start_utc.astimezone(zone).date() - timedelta(days=1)
        out = []
        for i in range((end_utc - start_utc).days + 3):
            day = first + timedelta(days=i)
            if WEEKDAYS[day.weekday()] not in self.days:
                continue
            end_day = day + timedelta(days=1 if overnight or h2 == 24 else 0)
            start = datetime(day.year, day.month, day.day, h1, m1, tzinfo=zone).astimezone(UTC)
            end = datetime(end_day.year, end_day.month, end_day.day, 0 if h2 == 24 else h2, m2,
                           tzinfo=zone).astimezone(UTC)
            if start < end_utc and end > start_utc and end > start:
                out.append((start, end))
        return out


class PolicyStatus(StrEnum):
    """A stored policy's lifecycle: a draft is not enforced; one policy at most is active."""

    DRAFT = "draft"
    ACTIVE = "active"
    SUPERSEDED = "superseded"


class MintQuorum(_Strict):
    """A two-person (or more) rule for mints: ``approvers`` different people must approve a mint
    whose amount exceeds ``above`` ``unit`` (every mint when ``above`` is None)."""

    approvers: int = Field(ge=2, le=5, description="Different approvers needed.")
    above: FiniteFloat | None = Field(default=None, ge=0, description="Threshold amount; None: every mint.")
    unit: Literal["kWh", "kgCO2e"] | None = Field(default=None, description="Unit of ``above``.")

    @model_validator(mode="after")
    def _unit_with_threshold(self) -> MintQuorum:
        if (self.above is None) != (self.unit is None):
            raise ValueError("a quorum threshold needs both an amount and its unit (kWh or kgCO2e)")
        return self

    def applies(self, amount: float, unit: str) -> bool:
        """True when a mint of ``amount`` ``unit`` needs this quorum."""
        return self.above is None or (unit == self.unit and amount > self.above)


class PolicySet(_Strict):
    """Typed constraints for planning, governance and minting (the text parser comes later)."""

    name: str = Field(default="default", min_length=1)
    allowed_regions_by_team: dict[str, list[RegionName]] = Field(
        default_factory=dict, description="Data residency: regions each team may run in."
    )
    default_allowed_regions: list[RegionName] | None = Field(
        default=None, description="Regions for teams not listed above; None means any region."
    )
    max_deferral_h_by_category: dict[Category, FiniteFloat] = Field(
        default_factory=dict, description="Longest deferral per category, hours."
    )
    urgent_never_moved: bool = Field(default=True, description="Urgent jobs keep region and time.")
    blackout_windows: list[BlackoutWindow] = Field(default_factory=list)
    recurring_blackouts: list[RecurringBlackout] = Field(
        default_factory=list, description="Weekly windows (local time) in which no job may run.")
    max_power_kw: FiniteFloat | None = Field(default=None, gt=0, description="Cluster power cap, kW.")
    carbon_budget_kg: FiniteFloat | None = Field(
        default=None, ge=0, description="Emissions budget per budget period, kgCO2e."
    )
    carbon_budget_period: Literal["day", "week", "month"] = "week"
    carbon_price_usd_per_t: FiniteFloat | None = Field(
        default=None, ge=0, description="Internal carbon price, USD per tonne CO2e (None: unset)."
    )
    mint_approvers: list[str] = Field(default_factory=list, description="Who may approve mints.")
    mint_quorum: MintQuorum | None = Field(default=None, description="Two-person rule for mints.")
    source_sentences: dict[str, str] = Field(
        default_factory=dict, description="Constraint key -> the policy sentence it came from."
    )

    @field_validator("max_deferral_h_by_category")
    @classmethod
    def _non_negative_deferral(cls, v: dict[str, float]) -> dict[str, float]:
        for category, hours in v.items():
            if hours < 0:
                raise ValueError(f"max_deferral_h_by_category[{category!r}] = {hours} is negative")
        return v

    def allowed_regions(self, team: str) -> list[str] | None:
        """Regions ``team`` may use; None means unrestricted."""
        if team in self.allowed_regions_by_team:
            return list(self.allowed_regions_by_team[team])
        return None if self.default_allowed_regions is None else list(self.default_allowed_regions)
