"""The simulated world (pure, seeded): a cloud fleet and the executor that runs plans in it.

    fleet     jobs, grid intensity (realised and forecast), prices, cluster telemetry, a clock
    execute   approved recommendations applied to their jobs, with seeded run and meter noise
"""

from __future__ import annotations

from tools.simulate.execute import (
    EXECUTE_METHOD_VERSION,
    ExecutionError,
    ExecutionParams,
    execute,
)
from tools.simulate.fleet import (
    DEFAULT_CLUSTERS,
    DEFAULT_TEAMS,
    ClusterProfile,
    SimClock,
    SimulatedFleet,
    SimulationConfig,
    TeamProfile,
    TelemetryChange,
    cluster_power_series,
    simulate,
    simulate_electricity_prices,
    simulate_grid,
    simulate_jobs,
    simulate_telemetry,
)

__all__ = [
    "DEFAULT_CLUSTERS",
    "DEFAULT_TEAMS",
    "EXECUTE_METHOD_VERSION",
    "ClusterProfile",
    "ExecutionError",
    "ExecutionParams",
    "SimClock",
    "SimulatedFleet",
    "SimulationConfig",
    "TeamProfile",
    "TelemetryChange",
    "cluster_power_series",
    "execute",
    "simulate",
    "simulate_electricity_prices",
    "simulate_grid",
    "simulate_jobs",
    "simulate_telemetry",
]
