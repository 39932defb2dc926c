"""Instance types, on-demand prices and egress pricing used by the simulator and planner.

Prices are illustrative on-demand list prices (USD/h, Linux, us-east-1) of the named AWS
instance types, scaled per region by ``RegionInfo.price_multiplier``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from tools.regions import REGIONS, region_info

EGRESS_USD_PER_GB = 0.02
"""Inter-region data transfer price, USD/GB, charged when a job moves region."""


@dataclass(frozen=True)
class InstanceType:
    """One instance type: size and us-east-1 on-demand price (USD/h)."""

    name: str
    vcpus: int
    memory_gb: float
    gpus: int
    usd_per_h: float


INSTANCE_TYPES: tuple[InstanceType, ...] = (
    InstanceType("m5.large", 2, 8, 0, 0.096),
    InstanceType("m5.xlarge", 4, 16, 0, 0.192),
    InstanceType("m5.2xlarge", 8, 32, 0, 0.384),
    InstanceType("c5.4xlarge", 16, 32, 0, 0.68),
    InstanceType("r5.4xlarge", 16, 128, 0, 1.008),
    InstanceType("m5.8xlarge", 32, 128, 0, 1.536),
    InstanceType("m5.16xlarge", 64, 256, 0, 3.072),
    InstanceType("g5.xlarge", 4, 16, 1, 1.006),
    InstanceType("p3.2xlarge", 8, 61, 1, 3.06),
    InstanceType("p3.8xlarge", 32, 244, 4, 12.24),
)
INSTANCES: dict[str, InstanceType] = {t.name: t for t in INSTANCE_TYPES}


class UnknownInstanceTypeError(ValueError):
    """Raised for an instance type that is not in the catalog."""


def instance_price_usd_per_h(region: str, instance_type: str) -> float:
    """On-demand price of ``instance_type`` in ``region``, USD/h."""
    if instance_type not in INSTANCES:
        raise UnknownInstanceTypeError(
            f"instance_type={instance_type!r} is not in the catalog (known: {', '.join(INSTANCES)})"
        )
    return INSTANCES[instance_type].usd_per_h * region_info(region).price_multiplier


def jobs_cost_usd(jobs: pd.DataFrame, region: str | None = None) -> npt.NDArray[np.float64]:
    """On-demand instance cost of each job's whole run, USD (in ``region`` if given, else its own)."""
    regions = np.full(len(jobs), region, dtype=object) if region is not None else jobs["region"].to_numpy()
    keys = pd.Series(regions).astype(str) + "|" + jobs["instance_type"].astype(str).to_numpy()
    codes, uniques = pd.factorize(keys)
    prices = np.array([instance_price_usd_per_h(*key.split("|", 1)) for key in uniques], dtype=np.float64)
    return np.asarray(prices[codes] * jobs["duration_h"].to_numpy(dtype=float), dtype=np.float64)


def price_table() -> pd.DataFrame:
    """On-demand price of every instance type in every cloud region, USD/h (rows: types)."""
    regions = [r.name for r in REGIONS.values() if r.provider != "grid"]
    data = {
        region: [instance_price_usd_per_h(region, t.name) for t in INSTANCE_TYPES]
        for region in regions
    }
    return pd.DataFrame(data, index=[t.name for t in INSTANCE_TYPES])


def egress_cost_usd(
    data_gb: npt.ArrayLike, from_region: npt.ArrayLike, to_region: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Data-transfer cost of moving jobs between regions, USD (0 where the region is unchanged)."""
    gb = np.asarray(data_gb, dtype=float)
    moved = np.asarray(from_region) != np.asarray(to_region)
    return np.where(moved, gb * EGRESS_USD_PER_GB, 0.0)
