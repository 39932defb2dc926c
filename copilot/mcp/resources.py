"""What the MCP server's resources hold, as JSON text: the active policy, the latest plan, the
evidence chain of one verification. Figures are the tools' and services' own (nothing is summed
here); reads go through the same governance as tool calls (``GovernedTools``).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from copilot.mcp.gate import GovernedTools
from copilot.services import dashboard, planning


class NotFoundError(LookupError):
    """The resource names a record the ledger does not hold."""


def _default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)  # e.g. a Period: {"start": date, "end": date}
    return str(value)


def dumps(payload: Any) -> str:
    """Compact JSON (dates and other values as text)."""
    return json.dumps(payload, default=_default, separators=(",", ":"))


def loads_object(text: str) -> dict[str, Any] | None:
    """``text`` parsed when it is a JSON object (a tool's result), else None."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def active_policy(gate: GovernedTools) -> str:
    """The ``policy`` tool's result: each constraint with the sentence it came from, and the
    sentences that were not understood (``{"active": false, ...}`` without an active policy)."""
    return gate.run("policy", {})


def latest_plan(gate: GovernedTools, shown: int = 50) -> str:
    """The latest plan's head and stored totals (``dashboard.plan_overview``: kgCO2e, kWh, USD with
    90% intervals, statuses) and its ``shown`` largest recommendations (the ``recommendations`` tool)."""
    with gate.ctx.ledger() as ledger:
        overview = dashboard.plan_overview(ledger)
    if overview is None:
        return dumps({"plan": None, "note": "no plan stored yet: call the plan tool"})
    recs = json.loads(gate.run("recommendations", {"plan_id": overview["plan_id"], "limit": shown}))
    return dumps({"plan": overview, "recommendations": recs})


def evidence_chain(gate: GovernedTools, verification_id: str) -> str:
    """One verification (the ``evidence`` tool's result) and everything recorded about its
    recommendation: the recommendation, ticket, execution, verifications and mints (tx hashes).
    ``RefusedError`` for a malformed id, ``NotFoundError`` for an unknown one."""
    args = {"verification_id": verification_id}
    gate.check("evidence", args)
    with gate.ctx.ledger() as ledger:
        found = planning.find_verification(ledger, verification_id)
        if found is None:
            raise NotFoundError(f"no verification with id {verification_id!r}")
        chain = dashboard.evidence_chain(ledger, found.rec_id)
    return dumps({"verification": json.loads(gate.run("evidence", args)), "chain": chain})
