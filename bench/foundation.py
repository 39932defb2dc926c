"""Foundation benchmarks: simulate 30 days, account 1,000,000 jobs, import a real CSV year.

Targets on a 2-core machine: simulate 30 days < 2 s, account 1M jobs < 2 s.
Writes bench/results/foundation.json. Timings are best-of-N wall clock (time.perf_counter).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tools.account import account_jobs  # noqa: E402
from tools.ledger import Ledger  # noqa: E402
from tools.simulate import SimulationConfig, simulate, simulate_grid, simulate_jobs  # noqa: E402
from tools.sources import read_grid_csv  # noqa: E402

REAL = Path(os.environ.get("GREENOPS_REAL_DATA") or REPO.parent / "shared" / "data" / "real")


def best_of(n: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> dict[str, Any]:
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
    }
    config = SimulationConfig(days=30, seed=1)
    t, fleet = best_of(5, lambda: simulate(config, with_telemetry=False))
    results["simulate_30_days"] = {"seconds": round(t, 4), "jobs": len(fleet.jobs),
                                   "target_seconds": 2.0, "meets_target": t < 2.0}
    t_tel, full = best_of(3, lambda: simulate(config))
    results["simulate_30_days_with_telemetry"] = {"seconds": round(t_tel, 4),
                                                  "telemetry_rows": len(full.telemetry)}

    big = SimulationConfig(days=30, seed=2, jobs_per_day=1_000_000 / 30)
    jobs = simulate_jobs(big)
    grid, _ = simulate_grid(big)
    t, out = best_of(3, lambda: account_jobs(jobs, grid))
    results["account_1m_jobs"] = {"seconds": round(t, 4), "jobs": len(jobs),
                                  "jobs_per_second": round(len(jobs) / t),
                                  "target_seconds": 2.0, "meets_target": t < 2.0,
                                  "total_kgco2e": float(out["emissions_kg"].sum())}

    with tempfile.TemporaryDirectory() as tmp:
        series = [*full.realised.values(), *full.forecast.values(),
                  *full.electricity_prices.values()]
        ledger = Ledger(Path(tmp) / "bench.sqlite")
        t0 = time.perf_counter()
        ledger.store_run("simulate", config.model_dump(mode="json"), jobs=full.jobs,
                         series=series, telemetry=full.telemetry)
        results["ledger_store_30_days"] = {"seconds": round(time.perf_counter() - t0, 4),
                                           "rows": ledger.counts()}
        ledger.close()

    imports: dict[str, Any] = {}
    cases = {
        "lwa_ger_ci_15min_to_60": (REAL / "lets-wait-awhile" / "ger_ci.csv",
                                   dict(region="DE", tz="UTC")),
        "dacf_ciso_2y_hourly": (REAL / "carboncast" / "hourly_2020_2021_direct"
                                / "CISO_direct_emissions.csv", dict(region="CISO")),
    }
    for name, (path, kwargs) in cases.items():
        if not path.exists():
            imports[name] = {"skipped": f"not found: {path}"}
            continue
        t, series = best_of(5, lambda p=path, k=kwargs: read_grid_csv(p, **k))  # type: ignore[misc]
        imports[name] = {"seconds": round(t, 4), "values": len(series.values),
                         "rows_in_file": sum(1 for _ in path.open()) - 1}
    results["import_real_csv"] = imports

    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "foundation.json").write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
