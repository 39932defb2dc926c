"""Change tickets: what a recommendation changes, why, its expected saving and how to roll it back."""

from __future__ import annotations

from tools.records import Recommendation


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
