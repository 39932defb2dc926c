"""The ``ui`` command: the Gradio web UI (also what ``python app.py`` with no command starts)."""

from __future__ import annotations

from typing import Annotated

import typer

from copilot.cli.common import DbOption, JsonOption, emit, log
from copilot.settings import Settings


def ui(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 7860,
    seed: Annotated[bool, typer.Option(help="On first start, simulate a 14-day fleet to look at.")] = True,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Start the web UI: chat with approval prompts, dashboard, policies, ledger & token. With
    ``--json`` it prints ``{"url", "db", "mode"}`` once it is serving (and nothing else on stdout)."""
    settings = Settings.from_env()
    log(f"starting the UI on http://{host}:{port} (ledger {db or settings.db_path}) ...")
    from copilot.ui.app import launch

    if not as_json:
        launch(settings, db or settings.db_path, host=host, port=port, seed_fleet=seed)
        return
    served = launch(settings, db or settings.db_path, host=host, port=port, seed_fleet=seed, block=False, quiet=True)
    emit({"url": f"http://{host}:{port}/", "db": str(db or settings.db_path), "mode": settings.llm.label}, True,
         str)
    served.block_thread()


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command()(ui)
