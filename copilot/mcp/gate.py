"""The copilot's typed tools behind the chat's governance, for MCP callers.

``GovernedTools`` holds the LangChain tools of ``copilot.agent.toolset`` that the MCP server exposes
(every agent tool but ``simulate``, which replaces the ledger's fleet, plus ``mint``). Each call is
checked by ``copilot.agent.enforce.check_call`` with the ledger's active policy exactly as the
chat's governance node does (unknown tool, arguments over 2000 JSON characters, arguments the
tool's pydantic model refuses, a contradiction of the policy, a mint of nothing); a refusal is
audited like the chat's and raised as ``RefusedError``. Results are the tools' own JSON strings.
``mint`` and ``execute`` never run here (``copilot.mcp.pending`` turns them into approval requests).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any, NoReturn

from langchain_core.tools import StructuredTool

from copilot.agent.context import ToolContext
from copilot.agent.enforce import MAX_ARGUMENT_CHARS, REFUSED, check_call
from copilot.agent.graph import GATED, active_policy
from copilot.agent.toolset import AGENT_TOOL_NAMES, make_tools
from copilot.services import planning
from copilot.services.storage import record_event
from tools.schemas import PolicySet

EXPOSED = tuple(n for n in (*AGENT_TOOL_NAMES, "mint") if n != "simulate")
"""The tools an MCP client may call: reads, forecast, plan, verify, and the gated execute and mint."""
READ_ONLY = ("account", "emissions", "forecast", "recommendations", "evidence", "balances", "policy", "summary")
"""Tools that change nothing a person decides on (accounting and model files may be cached)."""


class RefusedError(ValueError):
    """A call governance refused; the message is the reason, as the chat's tool result states it."""


class GovernedTools:
    """The exposed tools over one ledger, each call checked by governance first."""

    def __init__(self, ctx: ToolContext) -> None:
        self.ctx = ctx
        self.tools: dict[str, StructuredTool] = {
            name: tool for name, tool in make_tools(ctx, active_policy=self.policy).items() if name in EXPOSED}
        self._lock = threading.Lock()  # one tool call at a time over the ledger (writes stay in order)

    def policy(self) -> PolicySet | None:
        """The active policy of the ledger (None without one)."""
        with self.ctx.ledger() as ledger:
            return active_policy(ledger)

    def unknown(self, name: str) -> str | None:
        """Governance's reason when ``name`` is not an exposed tool, else None."""
        return None if name in self.tools else check_call(name, {}, self.tools, None)

    def check(self, name: str, args: Mapping[str, Any]) -> None:
        """Raise ``RefusedError`` (audited, actor ``mcp``) when governance refuses the call."""
        with self.ctx.ledger() as ledger:
            reason = check_call(name, args, self.tools, active_policy(ledger),
                                lambda vid: planning.find_verification(ledger, vid))
        if reason is not None:
            self.refuse(name, args, reason)

    def refuse(self, name: str, args: Mapping[str, Any], reason: str) -> NoReturn:
        """Audit a refusal as the chat does (``governance-refused``) and raise it."""
        size = len(json.dumps(dict(args), default=str))
        shown: Any = json.loads(json.dumps(dict(args), default=str)) if size <= MAX_ARGUMENT_CHARS else \
            {"omitted": f"{size} characters of JSON"}
        record_event(self.ctx.db_path, "governance-refused", name[:80],
                     {"tool": name[:80], "args": shown, "reason": reason, "via": "mcp"}, actor="mcp")
        raise RefusedError(f"{REFUSED}: {reason}")

    def run(self, name: str, args: Mapping[str, Any]) -> str:
        """The tool's JSON result once governance lets the call through (never for mint or execute)."""
        if name in GATED:
            raise RefusedError(f"{REFUSED}: {name} runs only after a person's approval")
        with self._lock:
            self.check(name, args)
            return str(self.tools[name].invoke(dict(args)))

    def locked(self) -> threading.Lock:
        """The lock every ledger-changing call holds (approval requests take it too)."""
        return self._lock
