"""The copilot's MCP server (``python app.py mcp``), on the ``mcp`` SDK's ``MCPServer``.

Tools: the exposed typed tools (``copilot.mcp.gate.EXPOSED``), each listed with the input schema of
its pydantic model and its description. Every call passes the chat's governance first; a refusal,
invalid or oversized arguments, or a user error of the tool (bad input, a missing record) is a tool
error (``isError``) whose text says why; an unknown tool is a JSON-RPC error (invalid params).
Results are the tools' own JSON, as text and as structured content. ``mint`` and ``execute`` only
open a pending approval (``copilot.mcp.pending``).

Resources: ``greenops://policy/active``, ``greenops://plan/latest`` and the template
``greenops://verifications/{verification_id}/evidence`` (JSON); a malformed or unknown id is a
JSON-RPC error (invalid params). Prompt: ``weekly_summary(week?, team?)``.

Transports: stdio, or streamable HTTP at ``http://HOST:PORT/mcp`` (DNS-rebinding protection on for
loopback hosts; there is no authentication, so bind it to loopback).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any, Literal, TypeVar

import anyio
from mcp.server import MCPServer
from mcp.server.mcpserver.context import Context
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    CallToolResult,
    InputRequiredResult,
    TextContent,
    ToolAnnotations,
)
from mcp_types import Tool as MCPTool
from pydantic import BaseModel, Field

from copilot.agent.context import ToolContext
from copilot.agent.graph import GATED
from copilot.agent.session import CopilotSession
from copilot.mcp import pending, prompts, resources
from copilot.mcp.gate import READ_ONLY, GovernedTools, RefusedError
from copilot.services.errors import is_user_error

NAME = "greenops-copilot"
POLICY_URI = "greenops://policy/active"
PLAN_URI = "greenops://plan/latest"
EVIDENCE_URI = "greenops://verifications/{verification_id}/evidence"
INSTRUCTIONS = (
    "GreenOps Copilot: account, forecast, plan, verify and mint compute carbon/energy savings. State figures only "
    "as the tools return them (kgCO2e, kWh, USD, gCO2e/kWh; intervals are 90%), never computed ones. The active "
    "policy is enforced on every call. `mint` and `execute` only open a pending approval: an authenticated "
    "person approves or rejects it with the returned command.")
GATED_NOTE = (" Over MCP this only opens a pending approval and returns its thread id, what it would do and the "
              "command an authenticated person runs to approve or reject it; nothing runs before that.")
WEEK = "ISO week like 2026-W03 (default: the latest week with data)."
Transport = Literal["stdio", "http"]
_T = TypeVar("_T")


def _version() -> str:
    try:
        return version("greenops-copilot")
    except PackageNotFoundError:
        return ""


def _schema(tool: Any) -> dict[str, Any]:
    """The JSON schema of the tool's pydantic arguments model (the one governance validates with)."""
    model = tool.args_schema
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"tool {tool.name} has no pydantic arguments model")
    return model.model_json_schema()


def _invalid(exc: Exception, uri: str | None = None) -> MCPError:
    return MCPError(code=INVALID_PARAMS, message=str(exc), data={"uri": uri} if uri else None)


def _guarded(work: Callable[[], _T], uri: str | None = None) -> _T:
    """Run a resource or prompt read; refusals, unknown records and user errors become invalid-params
    errors with their reason (anything else is a bug the SDK reports as an internal error)."""
    try:
        return work()
    except (RefusedError, resources.NotFoundError) as exc:
        raise _invalid(exc, uri) from exc
    except Exception as exc:
        if is_user_error(exc):
            raise _invalid(exc, uri) from exc
        raise


class CopilotMCPServer(MCPServer[Any]):
    """``MCPServer`` whose tools are the governed copilot tools (listed and called by name)."""

    def __init__(self, ctx: ToolContext) -> None:
        super().__init__(NAME, title="GreenOps Copilot", instructions=INSTRUCTIONS, version=_version(),
                         log_level="WARNING")
        self.gate = GovernedTools(ctx)
        self._session: CopilotSession | None = None
        self._session_lock = threading.Lock()
        self._register()

    def session(self) -> CopilotSession:
        """The copilot session whose checkpointed graph holds the approval threads (made once)."""
        with self._session_lock:
            if self._session is None:
                self._session = CopilotSession(self.gate.ctx.settings, self.gate.ctx.db_path)
            return self._session

    async def list_tools(self) -> list[MCPTool]:
        """Every exposed tool with its pydantic input schema, description and hints."""
        out = []
        for name, tool in self.gate.tools.items():
            gated = name in GATED
            out.append(MCPTool(
                name=name, description=tool.description + (GATED_NOTE if gated else ""), input_schema=_schema(tool),
                annotations=ToolAnnotations(read_only_hint=name in READ_ONLY, destructive_hint=False,
                                            open_world_hint=False)))
        return out

    async def call_tool(self, name: str, arguments: dict[str, Any],
                        context: Context[Any, Any] | None = None) -> CallToolResult | InputRequiredResult:
        """Governance, then the tool (a worker thread) or, for mint and execute, an approval request."""
        unknown = self.gate.unknown(name)
        if unknown is not None:
            raise MCPError(code=INVALID_PARAMS, message=unknown)
        args = dict(arguments or {})
        try:
            if name in GATED:
                text = resources.dumps(await anyio.to_thread.run_sync(self._request, name, args))
            else:
                text = await anyio.to_thread.run_sync(self.gate.run, name, args)
        except RefusedError as exc:
            raise ToolError(str(exc)) from exc
        except Exception as exc:
            if is_user_error(exc):
                raise ToolError(f"{type(exc).__name__}: {exc}") from exc
            raise UnexpectedToolError(f"Error executing tool {name}") from exc  # the details stay in the log
        structured = resources.loads_object(text)
        return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)

    def _request(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        return pending.request_approval(self.gate, self.session(), name, args)

    def _register(self) -> None:
        gate = self.gate

        @self.resource(POLICY_URI, name="active-policy", title="Active policy", mime_type="application/json",
                       description="The active policy: every constraint with the sentence it came from, and the "
                                   "sentences that were not understood.")
        def active_policy() -> str:
            return _guarded(lambda: resources.active_policy(gate), POLICY_URI)

        @self.resource(PLAN_URI, name="latest-plan", title="Latest plan", mime_type="application/json",
                       description="The latest plan's stored totals (kgCO2e, kWh, USD; 90% intervals), statuses "
                                   "and its largest recommendations.")
        def latest_plan() -> str:
            return _guarded(lambda: resources.latest_plan(gate), PLAN_URI)

        @self.resource(EVIDENCE_URI, name="verification-evidence", title="Evidence chain of a verification",
                       mime_type="application/json",
                       description="One verification (claimed vs verified, 90% interval, inputs' hashes, mintable "
                                   "amounts) and its recommendation, ticket, execution and mints.")
        def evidence(verification_id: str) -> str:
            uri = EVIDENCE_URI.replace("{verification_id}", verification_id)
            return _guarded(lambda: resources.evidence_chain(gate, verification_id), uri)

        @self.prompt(name="weekly_summary", title="Weekly summary",
                     description="A weekly sustainability summary per team from the summary tool's figures "
                                 "(week: ISO week like 2026-W03, default the latest with data; team: optional).")
        def weekly_summary(week: Annotated[str | None, Field(description=WEEK)] = None,
                           team: Annotated[str | None, Field(description="Only this team.")] = None) -> str:
            return _guarded(lambda: prompts.weekly_summary_text(gate, week=week, team=team))


def build_server(ctx: ToolContext) -> CopilotMCPServer:
    """The MCP server over the ledger and settings of ``ctx``."""
    return CopilotMCPServer(ctx)


def serve(server: CopilotMCPServer, transport: Transport = "stdio", *, host: str = "127.0.0.1", port: int = 8765,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until stopped; ``on_ready(url)`` once the HTTP endpoint accepts connections (HTTP only)."""
    if transport == "stdio":
        anyio.run(server.run_stdio_async)
        return
    anyio.run(_serve_http, server, host, port, on_ready)


async def _serve_http(server: CopilotMCPServer, host: str, port: int, on_ready: Callable[[str], None] | None) -> None:
    import uvicorn

    app = server.streamable_http_app(host=host)  # loopback hosts get DNS-rebinding protection
    web = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    stopped = anyio.Event()

    async def run() -> None:
        try:
            await web.serve()
        finally:
            stopped.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        while not web.started and not stopped.is_set():  # uvicorn sets `started` once the socket listens
            await anyio.sleep(0.05)
        if web.started and on_ready is not None:
            on_ready(f"http://{_url_host(host)}:{port}/mcp")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
