"""CLI commands for forecasting and metered savings: train, forecast, verify-metered."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from copilot.cli.common import DbOption, JsonOption, RunOption, emit, guarded, log
from copilot.services.storage import open_ledger
from copilot.settings import Settings


def _models_dir() -> Any:
    return Settings.from_env().data_dir / "models"


def _utc(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{option}={text!r} is not an ISO-8601 time") from exc
    if value.tzinfo is None:
        raise ValueError(f"{option}={text!r} has no time zone; add Z or +00:00")
    return value


def train(
    target: Annotated[str, typer.Option(help="intensity, price or energy.")] = "intensity",
    region: Annotated[str | None, typer.Option(help="Region (intensity, price).")] = None,
    cluster: Annotated[str | None, typer.Option(help="Metered cluster (energy).")] = None,
    model: Annotated[str, typer.Option(help="lstm, ridge, persistence-24h/-168h, auto.")] = "lstm",
    run: RunOption = None,
    test_days: Annotated[int, typer.Option(min=1, help="Held-out days at the end.")] = 5,
    epochs: Annotated[int, typer.Option(min=1, help="LSTM epochs (early stopping).")] = 40,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Train a day-ahead forecaster (or an energy baseline) and compare it with the baselines."""
    from copilot.services.forecasting import run_train

    def work() -> dict[str, Any]:
        if target not in ("intensity", "price", "energy"):
            raise ValueError(f"--target={target!r} is not one of intensity, price, energy")
        with open_ledger(db) as ledger:
            log(f"training {model if target != 'energy' else 'baseline energy models'} for {target} ...")
            return run_train(ledger, _models_dir(), target=target,  # type: ignore[arg-type]
                             region=region, cluster=cluster, model=model, run_id=run,
                             test_days=test_days, epochs=epochs)

    out = guarded(as_json, work)

    def render(o: dict[str, Any]) -> str:
        if o["target"] == "energy":
            return "\n".join(f"{m}: CV(RMSE) {o[m]['cv_rmse_pct']:.2f} %, NMBE {o[m]['nmbe_pct']:.3f} %, "
                             f"ASHRAE G14 {'pass' if o[m]['passes_ashrae_g14'] else 'FAIL'}"
                             for m in ("ols", "mlp"))
        lines = [f"{o['target']} {o['region']}: {o['model']} trained on {o['train_period'][0][:10]} .. "
                 f"{o['train_period'][1][:10]}; last {o['test_days']} days held out"]
        for name, s in o["scores"].items():
            extra = f", MAPE {s['test_mape_pct']:.2f} %" if "test_mape_pct" in s else ""
            lines.append(f"  {name:<18} test MAE {s['test_mae']:.2f}{extra}")
        if "artefact" in o:
            lines.append(f"  saved {o['artefact']}")
        return "\n".join(lines)

    emit(out, as_json, render)


def forecast(
    region: Annotated[str, typer.Option(help="Region to forecast.")],
    hours: Annotated[int, typer.Option(min=1, max=168, help="Horizon, hours.")] = 24,
    model: Annotated[str, typer.Option(help="auto, ridge, persistence-24h/-168h, lstm.")] = "auto",
    at: Annotated[str | None, typer.Option(help="Issue time (ISO, UTC); default: end of history.")] = None,
    run: RunOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Day-ahead carbon-intensity forecast with a 90% interval."""
    from copilot.services.forecasting import run_forecast

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            return run_forecast(ledger, _models_dir(), region=region, hours=hours, model=model,
                                issue_utc=_utc(at, "--at"), run_id=run)

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: "\n".join(
        [f"{o['region']} from {o['issued_utc']} ({o['model']}), gCO2e/kWh [90% interval]:"]
        + [f"  {v['ts_utc'][:16]}  {v['value']:7.1f}  [{v['lower']:.1f} - {v['upper']:.1f}]"
           for v in o["values"]]))


def verify_metered_cmd(
    cluster: Annotated[str, typer.Option(help="Metered cluster, e.g. gpu-a.")],
    change: Annotated[str, typer.Option(help="When the change took effect (ISO, UTC).")],
    model: Annotated[str, typer.Option(help="Baseline model: ols or mlp.")] = "ols",
    run: RunOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Metered kWh saving of a cluster change against an ASHRAE Guideline 14 baseline."""
    from copilot.services.forecasting import run_verify_metered

    def work() -> dict[str, Any]:
        if model not in ("ols", "mlp"):
            raise ValueError(f"--model={model!r} is not one of ols, mlp")
        when = _utc(change, "--change")
        assert when is not None
        with open_ledger(db) as ledger:
            return run_verify_metered(ledger, cluster=cluster, change_utc=when, run_id=run, model=model)

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: (
        f"{o['cluster']} after {o['change_utc']}: baseline CV(RMSE) {o['cv_rmse_pct']:.2f} %, "
        f"NMBE {o['nmbe_pct']:.3f} %; saved {o['saved_kwh']['central']:.2f} kWh "
        f"[{o['saved_kwh']['lower']:.2f} - {o['saved_kwh']['upper']:.2f}] -> "
        + ("ACCEPTED, mintable " + f"{o['mintable_kwh']:.2f} kWh" if o["accepted"]
           else "REFUSED: " + "; ".join(o["reasons"]))))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command()(train)
    app.command()(forecast)
    app.command("verify-metered")(verify_metered_cmd)
