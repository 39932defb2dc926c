"""MCP ``mint`` and ``execute``: a pending approval in the copilot's graph, never the action itself.

``request_approval`` checks the call with governance (``GovernedTools.check``), then opens a new
conversation thread (``mcp-`` + 12 hex) in the session's checkpointed graph whose state already
holds the model's tool call, as if the agent node had just proposed it, and runs the graph to its
approval interrupt. The chat's governance node sees the call (and audits the request, so the Ledger
tab lists it as awaiting); the approval node shows the card and waits. An authenticated person then
decides with ``python app.py approve|reject --thread ID`` (``CopilotSession.decide``): nothing is
minted or executed before that. What is returned is the card's summary, the figures as the
interrupt payload states them, who may decide and the exact commands.
"""

from __future__ import annotations

import shlex
import uuid
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from copilot.agent.session import CopilotSession
from copilot.mcp.gate import GovernedTools
from copilot.services import approvals, planning
from copilot.services.users import users
from tools.auth import Role, has_role

THREAD_PREFIX = "mcp-"
ASKED = {"mint": "Mint verification {verification_id} (requested by an MCP client)",
         "batch": "Mint every mintable verified saving in one approval (requested by an MCP client)",
         "execute": "Execute plan {plan_id} (requested by an MCP client)"}
"""The request's words as the thread's human message (the governance node reads their polarity)."""


def _config(thread_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id}, "recursion_limit": 40}


def _prepared(gate: GovernedTools, name: str, args: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The tool call's arguments as the graph will run them, and the human words; RefusedError when the
    approval node would have nothing to ask (a plan with no proposed recommendation, an empty batch)."""
    gate.check(name, args)
    with gate.ctx.ledger() as ledger:
        if name == "execute":  # fixed to a plan id now: the card and the decision are about this plan
            plan_id = planning.resolve_plan_id(ledger, args.get("plan_id"))
            if planning.list_recommendations(ledger, plan_id=plan_id, status="proposed", limit=1)["matching"] == 0:
                gate.refuse(name, args, f"plan {plan_id} has no proposed recommendation: nothing to execute")
            return {"plan_id": plan_id}, ASKED["execute"].format(plan_id=plan_id)
        if args.get("all_mintable"):
            if not approvals.mint_batch(ledger)["items"]:
                gate.refuse(name, args, "nothing to mint: every verified saving is minted already, was rejected, "
                                        "or has no positive lower bound")
            return {"all_mintable": True}, ASKED["batch"]
    return {"verification_id": str(args["verification_id"])}, ASKED["mint"].format(**args)


def _operators(gate: GovernedTools) -> list[str]:
    with gate.ctx.ledger() as ledger:
        return [u["name"] for u in users(ledger) if has_role(u["role"], Role.OPERATOR)]


def summary(pending: dict[str, Any], operators: list[str]) -> dict[str, Any]:
    """What the card asks, with the payload's own figures and who may decide."""
    kind = pending.get("type")
    if kind == "execute_approval":
        return {"type": kind, "would": "execute the plan's proposed recommendations in the simulator",
                "plan_id": pending["plan_id"], "recommendations": pending["recommendations"],
                "examples": pending["examples"], "may_approve": operators, "needs": "the operator role or higher"}
    if kind == "mint_batch_approval":
        return {"type": kind, "would": "mint every listed verification's conservative amount in one approval",
                "count": pending["count"], "verification_ids": pending["verification_ids"],
                "totals": pending["totals"], "shares_pct": pending["shares_pct"], "items": pending["items"],
                "most_required": pending["most_required"], "may_approve": pending["approvers"],
                "needs": "the approver role (and the policy's approver list)"}
    ev = pending["evidence"]
    keep = ("kind", "rec_id", "plan_id", "claimed_kgco2e", "saved_kgco2e", "saved_kwh", "mintable_kgco2e",
            "mintable_kwh", "evidence_hash")
    return {"type": kind, "would": f"mint the conservative verified amount as {pending['token']}",
            "verification_id": pending["verification_id"], "token": pending["token"],
            "evidence": {k: ev[k] for k in keep if k in ev}, "required": pending["required"], "rule": pending["rule"],
            "approvals": pending["approvals"], "may_approve": pending["approvers"],
            "needs": "the approver role (and the policy's approver list)"}


def commands(thread_id: str, db_path: Path, data_dir: Path) -> dict[str, str]:
    """The exact approve and reject commands (same ledger, same checkpoints in the data directory)."""
    env = f"GREENOPS_DATA_DIR={shlex.quote(str(data_dir.resolve()))}"
    tail = f"--thread {shlex.quote(thread_id)} --db {shlex.quote(str(db_path.resolve()))} --as NAME --password-stdin"
    return {"approve": f"{env} python app.py approve {tail}", "reject": f"{env} python app.py reject {tail}"}


def request_approval(gate: GovernedTools, session: CopilotSession, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Open a thread waiting for a person's decision on ``name`` (mint or execute) with ``args``;
    RefusedError when governance refuses or there is nothing to approve."""
    with gate.locked():
        call_args, asked = _prepared(gate, name, args)
        thread = THREAD_PREFIX + uuid.uuid4().hex[:12]
        call = {"name": name, "args": call_args, "id": f"call_{uuid.uuid4().hex[:16]}", "type": "tool_call"}
        session.graph.update_state(_config(thread), {
            "messages": [HumanMessage(content=asked), AIMessage(content="", tool_calls=[call])],
            "turn_start": 0, "tool_rounds": 1, "guard_retries": 0, "guard_feedback": None, "pending_mint": None,
            "approval_note": None, "allowed_calls": []}, as_node="agent")
        # stop before the agent node: a refusal in the graph's governance must not make the model answer
        session.graph.invoke(None, _config(thread), interrupt_before=["agent"])
        pending = session.pending(thread)
    if pending is None:  # the graph's governance refused after all (the ledger changed in between)
        messages = session.graph.get_state(_config(thread)).values.get("messages", [])
        said = next((str(m.content) for m in messages if isinstance(m, ToolMessage)), "no approval was opened")
        raise ValueError(f"{name} did not reach an approval: {said[:500]}")
    return {"status": "pending_approval", "thread_id": thread, "tool": name, "arguments": call_args,
            "request": summary(pending, _operators(gate) if name == "execute" else []),
            **commands(thread, gate.ctx.db_path, gate.ctx.settings.data_dir),
            "note": (f"Nothing was {'minted' if name == 'mint' else 'executed'}: an authenticated person decides "
                     "with the approve or reject command (NAME = who decides, password on stdin); the web UI's "
                     "Ledger tab lists the request as awaiting. An MCP client cannot approve.")}
