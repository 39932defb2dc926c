"""The jobs table as a pandas DataFrame: its columns and a vectorised validator.

The simulator, the accountant and the ledger pass jobs around as a DataFrame (one row per
job, columns as in ``JOB_COLUMNS``); ``tools.schemas.Job`` is the same record for one job.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from tools.regions import REGIONS
from tools.schemas import CATEGORIES

JOB_COLUMNS: dict[str, str] = {
    "job_id": "unique job identifier",
    "team": "owning team",
    "region": "region the job ran in",
    "provider": "aws | gcp | azure",
    "category": "urgent | balanced | sustainable",
    "instance_type": "instance type",
    "submit_utc": "submission time, UTC",
    "start_utc": "start time, UTC",
    "duration_h": "run time, hours",
    "vcpus": "virtual CPUs",
    "memory_gb": "memory, GB",
    "gpus": "GPUs",
    "utilisation": "average utilisation, 0..1",
    "max_deferral_h": "longest allowed wait after submit, hours",
    "deadline_utc": "latest completion time, UTC",
    "data_gb": "data moved on a region change, GB",
    "interruptible": "may be split",
}
TIME_COLUMNS = ("submit_utc", "start_utc", "deadline_utc")
NON_NEGATIVE_COLUMNS = ("memory_gb", "gpus", "max_deferral_h", "data_gb")
PROVIDERS = ("aws", "gcp", "azure")
_TOLERANCE = pd.Timedelta(seconds=1)  # float hours -> timestamps round to the microsecond


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a DataFrame as plain dicts keyed by column name."""
    return cast(list[dict[str, Any]], frame.to_dict("records"))


class JobDataError(ValueError):
    """A jobs table failed validation; the message names the row, job, column and value."""


def _fail(source: str, df: pd.DataFrame, mask: np.ndarray, column: str, problem: str) -> None:
    i = int(np.flatnonzero(mask)[0])
    job_id = df["job_id"].iloc[i] if "job_id" in df.columns else "?"
    value = df[column].iloc[i] if column in df.columns else None
    if isinstance(value, np.generic):
        value = value.item()
    raise JobDataError(
        f"{source} row {i} (job_id={job_id!r}): {column}={value!r} {problem}"
        f" ({int(mask.sum())} row(s) affected)"
    )


def validate_jobs_frame(df: pd.DataFrame, source: str = "jobs") -> pd.DataFrame:
    """Check a jobs DataFrame and return it with canonical dtypes.

    Raises:
        JobDataError: on a missing column, NaN, naive or unparsable time, negative quantity,
            unknown region/category/provider, out-of-range utilisation, duplicate job_id or
            inconsistent times.
    """
    missing = [c for c in JOB_COLUMNS if c not in df.columns]
    if missing:
        raise JobDataError(f"{source}: missing column(s) {missing}; found {list(df.columns)}")
    out = df[list(JOB_COLUMNS)].copy()
    for column in JOB_COLUMNS:
        isna = out[column].isna().to_numpy()
        if isna.any():
            _fail(source, out, isna, column, "is missing/NaN")
    for column in TIME_COLUMNS:
        col = out[column]
        if not isinstance(col.dtype, pd.DatetimeTZDtype):
            if pd.api.types.is_datetime64_dtype(col.dtype):
                raise JobDataError(f"{source}: column {column} has naive timestamps; UTC required")
            try:
                col = pd.to_datetime(col, utc=False, format="ISO8601")
            except (ValueError, TypeError) as exc:
                raise JobDataError(f"{source}: column {column} has unparsable times: {exc}") from exc
            if not isinstance(col.dtype, pd.DatetimeTZDtype):
                raise JobDataError(f"{source}: column {column} has naive timestamps; UTC required")
        out[column] = col.dt.tz_convert("UTC").dt.as_unit("us")
    numeric = ("duration_h", "memory_gb", "utilisation", "max_deferral_h", "data_gb")
    for column in numeric:
        try:
            out[column] = pd.to_numeric(out[column]).astype(float)
        except (ValueError, TypeError) as exc:
            raise JobDataError(f"{source}: column {column} is not numeric: {exc}") from exc
        bad = ~np.isfinite(out[column].to_numpy())
        if bad.any():
            _fail(source, out, bad, column, "is not a finite number")
    for column in ("vcpus", "gpus"):
        out[column] = pd.to_numeric(out[column]).astype(np.int64)
    out["interruptible"] = out["interruptible"].astype(bool)
    for column in ("job_id", "team", "region", "provider", "category", "instance_type"):
        out[column] = out[column].astype(str)

    checks: list[tuple[str, np.ndarray, str]] = [
        ("duration_h", (out["duration_h"] <= 0).to_numpy(), "must be > 0 hours"),
        ("vcpus", (out["vcpus"] < 1).to_numpy(), "must be >= 1"),
        ("utilisation", ((out["utilisation"] < 0) | (out["utilisation"] > 1)).to_numpy(),
         "must be within 0..1"),
        ("region", ~out["region"].isin(list(REGIONS)).to_numpy(), "is not a known region"),
        ("category", ~out["category"].isin(list(CATEGORIES)).to_numpy(),
         f"is not one of {list(CATEGORIES)}"),
        ("provider", ~out["provider"].isin(list(PROVIDERS)).to_numpy(),
         f"is not one of {list(PROVIDERS)}"),
        ("job_id", out["job_id"].duplicated().to_numpy(), "is duplicated"),
        ("start_utc", (out["start_utc"] < out["submit_utc"]).to_numpy(), "is before submit_utc"),
        ("deadline_utc",
         (out["deadline_utc"] + _TOLERANCE
          < out["submit_utc"] + pd.to_timedelta(out["duration_h"], unit="h")).to_numpy(),
         "is before submit_utc + duration_h"),
    ]
    checks += [(c, (out[c] < 0).to_numpy(), "is negative") for c in NON_NEGATIVE_COLUMNS]
    for column, mask, problem in checks:
        if mask.any():
            _fail(source, out, mask, column, problem)
    return out.reset_index(drop=True)
