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


AsOption = Annotated[str | None, typer.Option(
    "--as", help="Act as this user (approvals, policy activation, user management).")]
PasswordStdinOption = Annotated[bool, typer.Option(
    "--password-stdin", help="Read the --as user's password from the first line of stdin.")]


def read_secret_lines(count: int, password_stdin: bool, prompts: list[str]) -> list[str]:
    """``count`` secrets: lines of stdin with ``--password-stdin``, else hidden prompts on a
    terminal; ValueError when neither is possible. Secrets are never echoed or logged."""
    import sys

    if password_stdin:
        lines = [sys.stdin.readline().rstrip("\r\n") for _ in range(count)]
        return lines
    if not sys.stdin.isatty():
        raise ValueError("no terminal to ask for the password: pass --password-stdin and write it on stdin")
    return [str(typer.prompt(p, hide_input=True, err=True)) for p in prompts[:count]]


def acting_user(ledger: Any, name: str | None, password_stdin: bool, doing: str) -> Any:
    """The authenticated user ``--as name`` (password from stdin or a hidden prompt)."""
    from copilot.services.users import authenticate

    if not name:
        raise ValueError(f"{doing} needs an authenticated person: --as NAME --password-stdin")
    (password,) = read_secret_lines(1, password_stdin, [f"password for {name}"])
    return authenticate(ledger, name, password)
