"""PNG charts of accounted emissions (matplotlib, headless). Figures come from tools.account."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from tools.account import GroupBy, aggregate

_TITLES: dict[GroupBy, str] = {
    "region": "Emissions by region",
    "team": "Emissions by team",
    "hour": "Emissions by UTC hour of day (job start)",
    "day": "Emissions by day (UTC)",
}


def _chart(emissions: pd.DataFrame, by: GroupBy, path: Path) -> Path:
    agg = aggregate(emissions, by)
    if by in ("region", "team"):
        agg = agg.sort_values("emissions_kg", ascending=False)
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    labels = [str(k)[:10] for k in agg.index]
    central = agg["emissions_kg"].to_numpy()
    err = [central - agg["lower_kg"].to_numpy(), agg["upper_kg"].to_numpy() - central]
    ax.bar(labels, central, yerr=err, capsize=3, color="#2e7d32", ecolor="#555555")
    ax.set_ylabel("kgCO2e (whiskers: 90% interval)")
    ax.set_title(_TITLES[by])
    if len(labels) > 12:
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def write_report(emissions: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write emissions_by_{region,team,hour,day}.png into ``out_dir``; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [_chart(emissions, by, out_dir / f"emissions_by_{by}.png")
            for by in ("region", "team", "hour", "day")]
