"""A seeded, vectorised simulation of a cloud fleet: jobs, grid intensity, prices, telemetry.

Same configuration (including the seed) -> byte-identical output. Each random stream is drawn
from its own generator keyed by (seed, stream, index), so adding a region or a cluster does not
change the numbers of the others.

Grid model per region (hourly by default): ``base x solar(local hour) x wind(AR(1)) x demand x
noise``, normalised so the long-run mean is about the region's base intensity (gCO2e/kWh). The
**realised** series is what the grid did; the **forecast** series is realised x exp(e) with e an
AR(1) error of configurable size, so plans made on the forecast are judged on realised data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from scipy.signal import lfilter

from tools.catalog import INSTANCES
from tools.regions import SIMULATED_REGIONS, region_info
from tools.schemas import GridSeries, PriceSeries, RegionName, TelemetrySeries, UtcDatetime

Z90 = 1.6448536269514722  # standard-normal quantile for a two-sided 90% interval

# Random-stream identifiers (never reorder: they key the generators).
_STREAM_ARRIVALS, _STREAM_JOBS, _STREAM_GRID, _STREAM_FORECAST = 1, 2, 3, 4
_STREAM_TELEMETRY, _STREAM_PRICES = 5, 6


@dataclass(frozen=True)
class TeamProfile:
    """How one simulated team submits work."""

    name: str
    share: float  # fraction of all jobs
    regions: dict[str, float]  # region -> probability
    categories: tuple[float, float, float]  # P(urgent), P(balanced), P(sustainable)
    gpu_share: float  # fraction of jobs on GPU instances
    median_duration_h: float


DEFAULT_TEAMS: tuple[TeamProfile, ...] = (
    TeamProfile("ml", 0.20, {"us-east-1": 0.5, "us-west-2": 0.3, "eu-west-1": 0.2},
                (0.10, 0.30, 0.60), 0.45, 2.0),
    TeamProfile("data", 0.25, {"us-east-1": 0.4, "eu-west-1": 0.4, "eu-north-1": 0.2},
                (0.20, 0.40, 0.40), 0.0, 0.75),
    TeamProfile("web", 0.25, {"us-east-1": 0.5, "us-west-2": 0.2, "ap-south-1": 0.3},
                (0.60, 0.35, 0.05), 0.0, 0.25),
    TeamProfile("platform", 0.15, {"us-east-1": 0.4, "eu-west-1": 0.3, "ap-south-1": 0.3},
                (0.40, 0.40, 0.20), 0.0, 0.5),
    TeamProfile("research", 0.15, {"eu-west-1": 0.4, "eu-north-1": 0.3, "ap-south-1": 0.3},
                (0.05, 0.35, 0.60), 0.15, 1.5),
)
CPU_TYPES = ("m5.large", "m5.xlarge", "m5.2xlarge", "c5.4xlarge", "r5.4xlarge", "m5.8xlarge",
             "m5.16xlarge")
CPU_TYPE_P = (0.25, 0.25, 0.2, 0.1, 0.08, 0.08, 0.04)
GPU_TYPES = ("g5.xlarge", "p3.2xlarge", "p3.8xlarge")
GPU_TYPE_P = (0.4, 0.4, 0.2)
DEFERRAL_CHOICES_H = {"balanced": (2.0, 4.0, 6.0), "sustainable": (12.0, 24.0, 48.0)}
MAX_DURATION_H = 72.0
GRID_TAIL_DAYS = 6  # > (48 h deferral + 72 h run) / 24: grid data for every job's whole window


@dataclass(frozen=True)
class ClusterProfile:
    """A simulated on-premises / reserved cluster whose power is metered (W per node)."""

    name: str
    nodes: int
    idle_w: float  # power of an idle node, W
    max_w: float  # power of a node at full load, W
    mean_utilisation: float  # long-run average load, 0..1


DEFAULT_CLUSTERS: tuple[ClusterProfile, ...] = (
    ClusterProfile("gpu-a", 8, 350.0, 2800.0, 0.55),
    ClusterProfile("cpu-b", 16, 110.0, 420.0, 0.40),
)


class TelemetryChange(BaseModel):
    """An energy intervention applied to a cluster's telemetry from ``start_utc`` on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cluster: str
    start_utc: UtcDatetime
    dynamic_power_reduction: float = Field(
        ge=0, lt=1, description="Fraction of above-idle power removed (e.g. a power cap)."
    )


class SimulationConfig(BaseModel):
    """Everything that determines a simulation; same config -> identical output."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days: int = Field(default=30, ge=1, le=3660, description="Simulated days.")
    seed: int = Field(default=1, ge=0, description="Random seed.")
    start_utc: UtcDatetime = Field(
        default=datetime(2026, 1, 5, tzinfo=UTC), description="Simulation start (UTC, a Monday)."
    )
    jobs_per_day: float = Field(default=1000.0, gt=0, description="Mean job arrivals per day.")
    regions: tuple[RegionName, ...] = tuple(r.name for r in SIMULATED_REGIONS)
    grid_step_minutes: int = Field(default=60, gt=0, le=1440, description="Grid series step.")
    grid_noise: float = Field(default=0.05, ge=0, le=1, description="Relative hourly noise sd.")
    forecast_error: float = Field(
        default=0.10, ge=0, le=1, description="Relative sd of the forecast's error."
    )
    forecast_error_autocorr: float = Field(default=0.8, ge=0, lt=1, description="AR(1) phi per hour.")
    telemetry_step_minutes: int = Field(default=5, gt=0, le=60, description="Telemetry step.")
    telemetry_changes: tuple[TelemetryChange, ...] = ()

    @property
    def end_utc(self) -> datetime:
        return self.start_utc + timedelta(days=self.days)


def _rng(seed: int, stream: int, index: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, stream, index])


def _ar1(rng: np.random.Generator, n: int, phi: float) -> npt.NDArray[np.float64]:
    """A stationary AR(1) path with unit variance."""
    innovations = rng.standard_normal(n) * np.sqrt(1.0 - phi * phi)
    innovations[0] = rng.standard_normal()
    return np.asarray(lfilter([1.0], [1.0, -phi], innovations), dtype=np.float64)


def _solar_shape(local_hour: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """0 at night, 1 at solar noon (06:00-18:00 local solar time)."""
    return np.asarray(np.clip(np.sin(np.pi * (local_hour - 6.0) / 12.0), 0.0, None), dtype=np.float64)


def _interval_midpoints_h(config: SimulationConfig, step_minutes: int, days: int | None = None
                          ) -> npt.NDArray[np.float64]:
    n = (config.days if days is None else days) * 24 * 60 // step_minutes
    return (np.arange(n, dtype=np.float64) + 0.5) * (step_minutes / 60.0)


def simulate_grid(config: SimulationConfig) -> tuple[dict[str, GridSeries], dict[str, GridSeries]]:
    """Realised and forecast carbon intensity per region, gCO2e/kWh (lifecycle basis).

    The series run ``GRID_TAIL_DAYS`` past the simulated period so that every job, even one
    submitted at the end, deferred to its limit and running its longest, has grid data.
    """
    step = config.grid_step_minutes
    hours = _interval_midpoints_h(config, step, config.days + GRID_TAIL_DAYS)
    start_hour = config.start_utc.hour + config.start_utc.minute / 60.0
    weekday0 = config.start_utc.weekday()
    phi_wind = 0.97 ** (step / 60.0)
    phi_err = config.forecast_error_autocorr ** (step / 60.0)
    realised: dict[str, GridSeries] = {}
    forecast: dict[str, GridSeries] = {}
    for index, name in enumerate(config.regions):
        info = region_info(name)
        rng = _rng(config.seed, _STREAM_GRID, index)
        utc_hour = start_hour + hours
        local_hour = np.mod(utc_hour + info.utc_offset_h, 24.0)
        weekday = (weekday0 + np.floor((utc_hour + info.utc_offset_h) / 24.0)) % 7
        solar = 1.0 - info.solar_share * _solar_shape(local_hour)
        solar /= 1.0 - info.solar_share / np.pi  # mean of the solar shape over a day is 1/pi
        wind = np.exp(info.wind_share * _ar1(rng, hours.size, phi_wind) - info.wind_share**2 / 2)
        evening = ((local_hour >= 17) & (local_hour < 21)) * 0.06
        weekend = np.where(weekday >= 5, -0.05, 0.0)
        noise = np.exp(config.grid_noise * rng.standard_normal(hours.size) - config.grid_noise**2 / 2)
        values = info.base_intensity_g_per_kwh * solar * wind * (1 + evening + weekend) * noise
        values = np.maximum(values, 0.05 * info.base_intensity_g_per_kwh)
        realised[name] = GridSeries(
            region=name, basis="lifecycle", kind="realised", start_utc=config.start_utc,
            step_minutes=step, values=values.tolist(), source=f"simulator seed={config.seed}",
        )
        err_rng = _rng(config.seed, _STREAM_FORECAST, index)
        err = config.forecast_error * _ar1(err_rng, hours.size, phi_err)
        predicted = values * np.exp(err)
        half = Z90 * config.forecast_error
        forecast[name] = GridSeries(
            region=name, basis="lifecycle", kind="forecast", start_utc=config.start_utc,
            step_minutes=step, values=predicted.tolist(),
            lower=(predicted * np.exp(-half)).tolist(), upper=(predicted * np.exp(half)).tolist(),
            source=f"simulator seed={config.seed} forecast_error={config.forecast_error}",
        )
    return realised, forecast


def simulate_electricity_prices(
    config: SimulationConfig, realised: dict[str, GridSeries]
) -> dict[str, PriceSeries]:
    """Wholesale electricity price per region, USD/MWh: a daily shape plus a carbon-linked term."""
    out: dict[str, PriceSeries] = {}
    for index, (name, series) in enumerate(realised.items()):
        rng = _rng(config.seed, _STREAM_PRICES, index)
        intensity = np.asarray(series.values)
        hours = (np.arange(intensity.size) + 0.5) * series.step_minutes / 60.0
        local_hour = np.mod(config.start_utc.hour + hours + region_info(name).utc_offset_h, 24.0)
        daily = 1.0 + 0.25 * np.sin(np.pi * (local_hour - 7.0) / 12.0)
        price = (35.0 + 0.12 * intensity) * daily + 6.0 * rng.standard_normal(intensity.size)
        out[name] = PriceSeries(
            region=name, kind="electricity_usd_per_mwh", start_utc=series.start_utc,
            step_minutes=series.step_minutes, values=price.tolist(),
            source=f"simulator seed={config.seed}",
        )
    return out


def _arrival_rate_per_hour(config: SimulationConfig) -> npt.NDArray[np.float64]:
    """Expected arrivals per simulated hour: busier on workdays and in working hours (UTC)."""
    n = config.days * 24
    hour_of_day = (config.start_utc.hour + np.arange(n)) % 24
    day = (config.start_utc.weekday() + (config.start_utc.hour + np.arange(n)) // 24) % 7
    shape = 0.6 + 0.8 * np.exp(-0.5 * ((hour_of_day - 14.0) / 4.0) ** 2)
    shape = shape * np.where(day >= 5, 0.6, 1.0)
    return np.asarray(shape / shape.mean() * config.jobs_per_day / 24.0, dtype=np.float64)


def simulate_jobs(config: SimulationConfig, teams: tuple[TeamProfile, ...] = DEFAULT_TEAMS
                  ) -> pd.DataFrame:
    """Jobs as submitted and run at submission (the baseline), one row per job.

    Columns as in ``tools.jobs.JOB_COLUMNS``. Job ids are ``sim<seed>-<n>``.
    """
    arrivals = _rng(config.seed, _STREAM_ARRIVALS).poisson(_arrival_rate_per_hour(config))
    n = int(arrivals.sum())
    rng = _rng(config.seed, _STREAM_JOBS)
    hour_index = np.repeat(np.arange(arrivals.size), arrivals)
    seconds = hour_index * 3600 + rng.integers(0, 3600, n)
    submit = (pd.Timestamp(config.start_utc) + pd.to_timedelta(seconds, unit="s")).as_unit("us")

    team_idx = rng.choice(len(teams), size=n, p=np.array([t.share for t in teams]) / sum(
        t.share for t in teams))
    region = np.empty(n, dtype=object)
    category = np.empty(n, dtype=object)
    median_h = np.empty(n)
    gpu = np.zeros(n, dtype=bool)
    u_team = rng.random(n)
    u_cat = rng.random(n)
    u_gpu = rng.random(n)
    allowed = set(config.regions)
    for i, team in enumerate(teams):
        mask = team_idx == i
        names = [r for r in team.regions if r in allowed] or list(config.regions)
        p = np.array([team.regions.get(r, 1.0) for r in names])
        cum = np.cumsum(p / p.sum())
        region[mask] = np.array(names, dtype=object)[np.searchsorted(cum, u_team[mask] * cum[-1])]
        cat_cum = np.cumsum(team.categories) / sum(team.categories)
        category[mask] = np.array(["urgent", "balanced", "sustainable"], dtype=object)[
            np.minimum(np.searchsorted(cat_cum, u_cat[mask]), 2)]
        median_h[mask] = team.median_duration_h
        gpu[mask] = u_gpu[mask] < team.gpu_share

    instance = np.where(gpu, rng.choice(GPU_TYPES, n, p=GPU_TYPE_P),
                        rng.choice(CPU_TYPES, n, p=CPU_TYPE_P))
    vcpus = np.array([INSTANCES[t].vcpus for t in instance], dtype=np.int64)
    memory = np.array([INSTANCES[t].memory_gb for t in instance], dtype=float)
    gpus = np.array([INSTANCES[t].gpus for t in instance], dtype=np.int64)
    duration = np.clip(median_h * np.exp(1.0 * rng.standard_normal(n)), 5 / 60, MAX_DURATION_H)
    duration = np.round(duration * 60) / 60  # whole minutes
    utilisation = np.where(gpu, rng.beta(5.0, 2.0, n), rng.beta(2.0, 2.5, n))

    deferral = np.zeros(n)
    pick = rng.integers(0, 3, n)
    for cat, choices in DEFERRAL_CHOICES_H.items():
        mask = category == cat
        deferral[mask] = np.asarray(choices)[pick[mask]]
    interruptible = ((category == "sustainable") & (rng.random(n) < 0.5)) | (
        (category == "balanced") & (rng.random(n) < 0.2))
    data_gb = np.round(np.exp(np.log(5.0) + 1.5 * rng.standard_normal(n)), 3)
    deadline = submit + pd.to_timedelta(np.round((deferral + duration) * 3600).astype(np.int64),
                                        unit="s").as_unit("us")
    return pd.DataFrame({
        "job_id": [f"sim{config.seed}-{i:07d}" for i in range(n)],
        "team": np.array([t.name for t in teams], dtype=object)[team_idx],
        "region": region.astype(str),
        "provider": "aws",
        "category": category.astype(str),
        "instance_type": instance.astype(str),
        "submit_utc": submit,
        "start_utc": submit,
        "duration_h": duration,
        "vcpus": vcpus,
        "memory_gb": memory,
        "gpus": gpus,
        "utilisation": np.round(utilisation, 4),
        "max_deferral_h": deferral,
        "deadline_utc": deadline,
        "data_gb": data_gb,
        "interruptible": interruptible,
    })


def simulate_telemetry(
    config: SimulationConfig, clusters: tuple[ClusterProfile, ...] = DEFAULT_CLUSTERS
) -> pd.DataFrame:
    """Per-node power telemetry, W, at ``telemetry_step_minutes`` (long format).

    Columns: ``ts_utc`` (interval start), ``cluster``, ``node``, ``utilisation`` (0..1),
    ``power_w``. Load follows a working-day pattern plus AR(1) noise; power is linear in load
    between idle and max. ``config.telemetry_changes`` cut above-idle power from their start.
    """
    step = config.telemetry_step_minutes
    hours = _interval_midpoints_h(config, step)
    n = hours.size
    ts = pd.date_range(config.start_utc, periods=n, freq=f"{step}min", tz="UTC")
    hour_of_day = np.mod(config.start_utc.hour + hours, 24.0)
    day = (config.start_utc.weekday() + np.floor((config.start_utc.hour + hours) / 24.0)) % 7
    workday = np.exp(-0.5 * ((hour_of_day - 14.0) / 4.5) ** 2) * np.where(day >= 5, 0.4, 1.0)
    phi = 0.9 ** (step / 5.0)
    frames = []
    for c_index, cluster in enumerate(clusters):
        rng = _rng(config.seed, _STREAM_TELEMETRY, c_index)
        changes = [c for c in config.telemetry_changes if c.cluster == cluster.name]
        for node in range(cluster.nodes):
            load = cluster.mean_utilisation * (0.6 + 0.8 * workday) + 0.12 * _ar1(rng, n, phi)
            load = np.clip(load, 0.0, 1.0)
            dynamic = (cluster.max_w - cluster.idle_w) * load
            for change in changes:
                after = ts >= pd.Timestamp(change.start_utc)
                dynamic = np.where(after, dynamic * (1.0 - change.dynamic_power_reduction), dynamic)
            # meter noise plus slow drifts the load does not explain (temperature, fans, firmware)
            drift = 0.03 * cluster.max_w * _ar1(rng, n, 0.99 ** (step / 5.0))
            power = cluster.idle_w + dynamic + drift + 0.01 * cluster.max_w * rng.standard_normal(n)
            frames.append(pd.DataFrame({
                "ts_utc": ts, "cluster": cluster.name, "node": f"{cluster.name}-{node:02d}",
                "utilisation": np.round(load, 4), "power_w": np.maximum(power, 0.0),
            }))
    return pd.concat(frames, ignore_index=True)


def cluster_power_series(telemetry: pd.DataFrame, cluster: str) -> TelemetrySeries:
    """Total power of one cluster (sum over its nodes), W, as a regular TelemetrySeries."""
    rows = telemetry[telemetry["cluster"] == cluster]
    if rows.empty:
        raise ValueError(f"cluster={cluster!r} has no telemetry (have {sorted(set(telemetry['cluster']))})")
    total = rows.groupby("ts_utc")["power_w"].sum().sort_index()
    steps = total.index.to_series().diff().dropna().unique()
    if len(steps) != 1:
        raise ValueError(f"telemetry of cluster={cluster!r} is not regularly stepped: steps {list(steps)}")
    return TelemetrySeries(cluster=cluster, start_utc=total.index[0].to_pydatetime(),
                           step_minutes=int(pd.Timedelta(steps[0]).total_seconds() // 60),
                           values=total.to_numpy(), source="simulator")


@dataclass
class SimClock:
    """The simulated 'now'; it only moves forward, possibly by large jumps (fast-forward)."""

    now_utc: datetime

    def advance(self, hours: float) -> datetime:
        """Move the clock forward by ``hours`` (>= 0) and return the new time."""
        if hours < 0:
            raise ValueError(f"hours={hours} is negative; the simulated clock only moves forward")
        self.now_utc = self.now_utc + timedelta(hours=hours)
        return self.now_utc

    def fast_forward_to(self, when_utc: datetime) -> datetime:
        """Jump to ``when_utc`` (timezone-aware, not in the past) and return it."""
        if when_utc.tzinfo is None:
            raise ValueError(f"when_utc={when_utc.isoformat()} is naive; pass a UTC time")
        if when_utc < self.now_utc:
            raise ValueError(
                f"when_utc={when_utc.isoformat()} is before now_utc={self.now_utc.isoformat()}"
            )
        self.now_utc = when_utc.astimezone(UTC)
        return self.now_utc


@dataclass
class SimulatedFleet:
    """Everything one simulation produced, plus its clock."""

    config: SimulationConfig
    jobs: pd.DataFrame
    realised: dict[str, GridSeries]
    forecast: dict[str, GridSeries]
    electricity_prices: dict[str, PriceSeries]
    telemetry: pd.DataFrame
    clock: SimClock = field(init=False)

    def __post_init__(self) -> None:
        self.clock = SimClock(self.config.start_utc)

    def observed_intensity(self, region: str) -> pd.Series:
        """Realised intensity of ``region`` up to the clock's now (no peeking), gCO2e/kWh."""
        grid = self.realised[region]
        series = grid.to_pandas()
        minutes_seen = (self.clock.now_utc - grid.start_utc).total_seconds() / 60.0
        whole_steps = max(0, int(minutes_seen // grid.step_minutes))
        return series.iloc[:whole_steps]


def simulate(config: SimulationConfig | None = None, *, with_telemetry: bool = True) -> SimulatedFleet:
    """Run the whole simulation: jobs, realised and forecast grid, prices and telemetry."""
    config = config or SimulationConfig()
    realised, forecast = simulate_grid(config)
    return SimulatedFleet(
        config=config,
        jobs=simulate_jobs(config),
        realised=realised,
        forecast=forecast,
        electricity_prices=simulate_electricity_prices(config, realised),
        telemetry=simulate_telemetry(config) if with_telemetry else pd.DataFrame(),
    )
