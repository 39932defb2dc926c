"""The ``mcp`` command: the copilot's tools, resources and prompts for MCP hosts (docs/mcp.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from copilot.cli.common import DbOption, JsonOption, emit, fail, log
from copilot.settings import Settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Transport(StrEnum):
    """How the MCP host reaches the server."""

    STDIO = "stdio"
    HTTP = "http"


def mcp(
    transport: Annotated[Transport, typer.Option(
        help="stdio (the MCP host starts this process) or http (streamable HTTP at http://HOST:PORT/mcp).")
    ] = Transport.STDIO,
    host: Annotated[str, typer.Option(help="Interface to listen on (http; no authentication: keep it loopback).")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port (http).")] = 8765,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Serve the copilot over MCP: its typed tools (under the active policy's governance), the active
    policy, the latest plan, a verification's evidence chain and the weekly-summary prompt. mint and
    execute only open a pending approval, decided by a person with `approve` / `reject`. With
    ``--json`` (http) it prints ``{"url", "db", "data_dir", "transport"}`` once it is serving."""
    settings = Settings.from_env()
    path = db or settings.db_path
    if transport is Transport.STDIO and as_json:
        fail(ValueError("--json applies to --transport http: over stdio, stdout carries the protocol"), False)
    if transport is Transport.HTTP and host not in LOOPBACK:
        log(f"warning: {host} is not a loopback interface and the MCP endpoint has no authentication: anyone who "
            "reaches it can run the tools and open approval requests (approving still needs a password)")
    log(f"MCP server over {transport.value}: ledger {path}, data dir {settings.data_dir}")
    from copilot.agent.context import ToolContext
    from copilot.mcp.server import build_server, serve

    def ready(url: str) -> None:
        log(f"serving MCP (streamable HTTP) at {url}")
        if as_json:
            emit({"url": url, "db": str(path), "data_dir": str(settings.data_dir), "transport": transport.value},
                 True, str)

    serve(build_server(ToolContext(path, settings)), "http" if transport is Transport.HTTP else "stdio",
          host=host, port=port, on_ready=ready)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command()(mcp)
