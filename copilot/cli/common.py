"""What every command shares: the ``--db`` and ``--json`` options, output, and error handling.

Every command takes ``DbOption`` and ``JsonOption`` from here (``tests/test_cli.py`` checks that
each registered command has both), prints JSON to stdout with ``--json`` and logs to stderr, and
runs its work through ``guarded`` so that bad input, a ledger or a chain problem becomes one clear
message and exit code 1 (with ``--json`` also ``{"error": ..., "type": ...}`` on stdout).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

DbOption = Annotated[Path | None, typer.Option(
    "--db", help="Ledger file (default: $GREENOPS_DATA_DIR/greenops.sqlite, data dir ./var).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
RunOption = Annotated[str | None, typer.Option("--run", help="Run id (default: latest simulation).")]
PlanOption = Annotated[str | None, typer.Option("--plan", help="Plan id (default: latest).")]


def log(message: str) -> None:
    """A progress or status line on stderr (stdout stays clean for JSON)."""
    typer.echo(message, err=True)


def emit(payload: dict[str, Any], as_json: bool, render: Callable[[dict[str, Any]], str]) -> None:
    """The command's result: JSON with ``--json``, else its human rendering."""
    if as_json:
        typer.echo(json.dumps(payload, indent=2, sort_keys=True))
    else:
        typer.echo(render(payload))


def fail(exc: Exception, as_json: bool) -> None:
    """Report ``exc`` (stderr, and JSON on stdout with ``--json``) and exit with status 1."""
    message = str(exc).strip() or type(exc).__name__
    log(f"error: {message}")
    if as_json:
        typer.echo(json.dumps({"error": message, "type": type(exc).__name__}))
    raise typer.Exit(code=1)


def guarded(as_json: bool, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``work``; input, ledger and chain errors become a clear message and exit code 1."""
    from copilot.services.errors import is_user_error

    try:
        return work()
    except Exception as exc:
        if not is_user_error(exc):
            raise
        fail(exc, as_json)
        raise AssertionError("unreachable") from exc
