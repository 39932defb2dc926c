"""The copilot's LangGraph state machine.

    START -> begin -> agent --(tool calls)--> governance --(allowed)--> tools --> agent
                       |                          |  refused: the reason goes back as the tool result
                       |                          +--(mint, execute)--> approval [interrupt()] --> agent
                       |                                                  ^   | (waiting for a 2nd approver)
                       |                                                  +---+
                       +--(answer)--> guard --(figures all from successful tool results)--> END
                                          +--(an unsupported figure: once)--> agent (regenerate)
                                          +--(again)--> the tool-rendered answer + WITHHELD_NOTE --> END

``mint`` and ``execute`` run only in the approval node, after an authenticated person resumes the
interrupted graph with a decision (``copilot.services.approvals``: a mint needs approvers - as many
different ones as the policy's two-person rule asks - and executing a plan needs an operator).
Checkpointed in SQLite, so a pending approval survives a process restart; one thread id per
conversation.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolCall,
    ToolMessage,
)
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.config import get_config
from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.types import interrupt

from copilot.agent.context import ToolContext
from copilot.agent.enforce import REFUSED, check_call
from copilot.agent.guard import WITHHELD_NOTE, check_numbers, tool_succeeded
from copilot.agent.llm import bind, for_provider
from copilot.agent.model_call import reply_of
from copilot.agent.offline import TEMPLATE
from copilot.agent.polarity import forbidden_writes
from copilot.agent.prompts import system_text
from copilot.agent.render import render, turn_results
from copilot.agent.state import CopilotState
from copilot.agent.toolset import AGENT_TOOL_NAMES, make_tools
from copilot.services import approvals, planning
from copilot.services.clock import ledger_clock
from copilot.services.errors import is_user_error
from copilot.services.policies import active_policy_set
from copilot.services.storage import LedgerHandle
from copilot.services.users import known_user
from tools.rollup import shares_pct
from tools.schemas import PolicySet

GATED = ("mint", "execute")
"""Tool calls that wait for an authenticated person's decision in the approval node."""


def _decision(value: Any) -> tuple[bool, str, str]:
    """(approved, user name, reason) from a resume value."""
    if not isinstance(value, dict):
        return False, "", "no decision"
    return bool(value.get("approved")), str(value.get("user") or ""), str(value.get("reason") or "")


def active_policy(ledger: LedgerHandle) -> PolicySet | None:
    """The confirmed policy (``copilot.services.policies``), or None."""
    return active_policy_set(ledger)


def _policy_note(policy: PolicySet | None) -> str:
    if policy is None:
        return "No policy is active."
    return "Active policy: " + json.dumps(policy.model_dump(mode="json", exclude={"source_sentences"}))


def turn_sources(messages: list[Any]) -> list[str]:
    """The numbers guard's sources: this turn's successful tool results only (not failed calls,
    governance refusals, the user's question or policy text)."""
    return [str(m.content) for m in messages if isinstance(m, ToolMessage)
            and getattr(m, "status", "success") != "error" and tool_succeeded(str(m.content))]


def _request_payload(call: dict[str, Any]) -> dict[str, Any]:
    """What an approval card asks (audited when it is shown): the tool, the thread, and the
    verification ids (a mint or a batch) or the plan (an execution)."""
    try:
        thread = str(get_config().get("configurable", {}).get("thread_id") or "")
    except RuntimeError:  # outside a graph run (a unit test calling the node)
        thread = ""
    out: dict[str, Any] = {"tool": call["name"], "thread_id": thread}
    if call["name"] == "execute":
        return out | {"plan_id": call["args"].get("plan_id")}
    ids = [str(i) for i in call.get("batch") or [call["args"].get("verification_id")]]
    return out | {"verification_ids": ids, "verification_id": ids[0] if len(ids) == 1 else None}


def build_graph(chat_model: BaseChatModel, ctx: ToolContext, *, provider: str = "offline",
                checkpointer: Any = None, audit: Callable[[str, dict[str, Any]], None] | None = None,
                model_label: str = "") -> Any:
    """Compile the copilot graph for ``chat_model`` over the ledger and chain of ``ctx`` (``model_label``
    names the model in answers about its failures)."""

    def policy() -> PolicySet | None:
        with ctx.ledger() as ledger:
            return active_policy(ledger)

    tools = make_tools(ctx, active_policy=policy)
    agent_tools = [tools[n] for n in AGENT_TOOL_NAMES]
    bound = bind(chat_model, [*agent_tools, tools["mint"]])
    tool_node = ToolNode([t for t in agent_tools if t.name not in GATED], handle_tool_errors=lambda exc: json.dumps(
        {"error": f"{type(exc).__name__}: {exc}"}))

    def log(event: str, payload: dict[str, Any]) -> None:
        if audit is not None:
            audit(event, payload)

    def begin(state: CopilotState) -> dict[str, Any]:
        return {"turn_start": len(state["messages"]) - 1, "guard_retries": 0, "guard_feedback": None,
                "pending_mint": None, "approval_note": None, "allowed_calls": [], "tool_rounds": 0}

    def agent(state: CopilotState) -> dict[str, Any]:
        with ctx.ledger() as ledger:
            clock = ledger_clock(ledger).label()
        system: list[BaseMessage] = [SystemMessage(system_text(_policy_note(policy()), clock))]
        if state.get("guard_feedback"):
            system.append(SystemMessage(str(state["guard_feedback"])))
        rounds = state.get("tool_rounds", 0)
        reply, failure = reply_of(lambda msgs: bound.invoke(for_provider(msgs, provider)), system,
                                  state["messages"], rounds=rounds, label=model_label or provider)
        if failure is not None:
            log("model-failure", {"why": failure})
        return {"messages": [reply], "tool_rounds": rounds + bool(reply.tool_calls)}

    def governance(state: CopilotState) -> dict[str, Any]:
        last = state["messages"][-1]
        assert isinstance(last, AIMessage)
        current = policy()
        question = state["messages"][state.get("turn_start", 0)]
        forbidden = forbidden_writes(str(question.content)) if isinstance(question, HumanMessage) else set()
        refusals, allowed, pending = [], [], None
        names = {c["name"] for c in last.tool_calls}  # a plan made in this same reply is executed after it runs
        with ctx.ledger() as ledger:
            for call in last.tool_calls:
                reason = check_call(call["name"], call["args"], tools, current,
                                    lambda vid: planning.find_verification(ledger, vid))
                if reason is None and call["name"] in forbidden:
                    reason = (f"the request does not ask to run {call['name']} (it is negated, hypothetical, "
                              f"an explanation or an undo): no write tool runs for it")
                if reason is None and call["name"] == "mint" and call["args"].get("all_mintable"):
                    # the batch is fixed here, before the card is shown: the approver decides on exactly it
                    batch = [i["verification_id"] for i in approvals.mint_batch(ledger)["items"]]
                    if not batch:
                        reason = ("nothing to mint: every verified saving is minted already, was rejected, or has "
                                  "no positive lower bound")
                    elif pending is None:
                        pending = dict(call) | {"batch": batch}
                        continue
                if reason is None and call["name"] == "execute" and not call["args"].get("plan_id") and \
                        "plan" not in names:  # fixed before the card is shown: a newer plan never runs instead
                    try:
                        latest = planning.resolve_plan_id(ledger, None)
                        call = ToolCall(name=call["name"], args={**call["args"], "plan_id": latest}, id=call["id"])
                    except Exception as exc:
                        if not is_user_error(exc):
                            raise
                        reason = str(exc)
                if reason is None and call["name"] in GATED:
                    if pending is None:
                        pending = dict(call)
                        continue
                    reason = "one approval at a time: ask again for the next mint or execution"
                if reason is not None:
                    refusals.append(ToolMessage(content=json.dumps({"error": f"{REFUSED}: {reason}"}),
                                                tool_call_id=call["id"], name=call["name"]))
                    log("governance-refused", {"tool": call["name"], "args": call["args"], "reason": reason})
                else:
                    allowed.append(dict(call))
        if pending is not None:  # the card is about to be shown: the Ledger tab lists it until someone decides
            log(approvals.APPROVAL_REQUESTED, _request_payload(pending))
        return {"messages": refusals, "allowed_calls": allowed, "pending_mint": pending}

    def run_tools(state: CopilotState) -> dict[str, Any]:
        calls = state.get("allowed_calls") or []
        result = tool_node.invoke({"messages": [AIMessage(content="", tool_calls=calls)]})
        return {"messages": result["messages"], "allowed_calls": []}

    def approval(state: CopilotState) -> dict[str, Any]:
        call = state["pending_mint"]
        assert call is not None
        if call["name"] == "execute":
            return approve_execution(state, call)
        return approve_batch(state, call) if call.get("batch") else approve_mint(state, call)

    def _done(call: dict[str, Any], content: str) -> dict[str, Any]:
        return {"messages": [ToolMessage(content=content, tool_call_id=call["id"], name=call["name"])],
                "pending_mint": None, "approval_note": None}

    def approve_mint(state: CopilotState, call: dict[str, Any]) -> dict[str, Any]:
        vid = str(call["args"]["verification_id"])
        with ctx.ledger() as ledger:
            evidence = planning.verification_record(ledger, vid).model_dump(mode="json")
            need = approvals.mint_requirement(ledger, vid)
        decision = interrupt({"type": "mint_approval", "verification_id": vid, "evidence": evidence,
                              "approvers": need["eligible"], "required": need["required"],
                              "rule": need["rule"], "approvals": need["approvals"],
                              "token": need["symbol"], "note": state.get("approval_note")})
        approved, user, reason = _decision(decision)
        try:
            with ctx.ledger() as ledger:
                person = known_user(ledger, user)
                out = approvals.decide_mint(ledger, ctx.settings, vid, person, approve=approved, reason=reason)
        except Exception as exc:  # a refusal (wrong role, second vote ...) keeps the mint pending
            if not is_user_error(exc):
                raise
            log("mint-decision-refused", {"verification_id": vid, "user": user, "reason": str(exc)})
            return {"approval_note": f"refused: {exc}"}
        log("mint-decision", {"verification_id": vid, "approved": approved, "user": user, "state": out["state"]})
        if out["state"] == "waiting":
            return {"approval_note": f"approved by {', '.join(out['approvals'])} "
                                     f"({len(out['approvals'])} of {out['required']}): {out['rule']} are needed"}
        if out["state"] == "rejected":
            return _done(call, json.dumps({"rejected": True, "verification_id": vid, "by": user,
                                           "reason": reason or "rejected"}))
        keep = ("verification_id", "rec_id", "already_minted", "rec_status", "mints", "skipped", "approvals")
        return _done(call, json.dumps({k: out[k] for k in keep if k in out}, default=str))

    def approve_batch(state: CopilotState, call: dict[str, Any]) -> dict[str, Any]:
        ids = [str(i) for i in call["batch"]]
        with ctx.ledger() as ledger:
            batch = approvals.mint_batch(ledger)
        items = [i for i in batch["items"] if i["verification_id"] in set(ids)]
        shown = approvals.batch_totals(items)
        decision = interrupt({"type": "mint_batch_approval", "verification_ids": ids, "count": len(ids),
                              "items": items[:approvals.BATCH_SHOWN], "totals": shown,
                              "all_mintable": batch["all_mintable"], "approvers": batch["eligible"],
                              "shares_pct": shares_pct(shown, batch["all_mintable"]),
                              "most_required": max((i["required"] for i in items), default=1),
                              "note": state.get("approval_note")})
        approved, user, reason = _decision(decision)
        try:
            with ctx.ledger() as ledger:
                out = approvals.decide_batch(ledger, ctx.settings, ids, known_user(ledger, user), approve=approved,
                                             reason=reason)
        except Exception as exc:  # a refusal (wrong role, tampered rows) keeps the batch pending
            if not is_user_error(exc):
                raise
            log("mint-batch-refused", {"count": len(ids), "user": user, "reason": str(exc)})
            return {"approval_note": f"refused: {exc}"}
        log("mint-batch-decision", {"count": len(ids), "approved": approved, "user": user,
                                    "minted": len(out["minted"]), "waiting": len(out["waiting"])})
        waiting = [w["verification_id"] for w in out["waiting"]]
        if waiting and approved:  # the rest needs more approvers: the card stays, for them only
            return {"pending_mint": call | {"batch": waiting}, "approval_note": (
                f"{user} approved; {len(out['minted'])} minted; {len(waiting)} need more approvers "
                f"({out['waiting'][0]['rule']})")}
        return _done(call, json.dumps({"batch": True, "count": len(ids)} | out, default=str))

    def approve_execution(state: CopilotState, call: dict[str, Any]) -> dict[str, Any]:
        plan_id = call["args"].get("plan_id")
        with ctx.ledger() as ledger:
            pending = planning.list_recommendations(ledger, plan_id=plan_id, status="proposed", limit=5)
            if pending["matching"] == 0:  # nothing would be applied: nothing to approve
                return _done(call, json.dumps(planning.run_execute(ledger, plan_id=pending["plan_id"],
                                                                   actor="copilot"), default=str))
        decision = interrupt({"type": "execute_approval", "plan_id": pending["plan_id"],
                              "recommendations": pending["matching"], "examples": pending["recommendations"],
                              "note": state.get("approval_note")})
        approved, user, reason = _decision(decision)
        try:
            with ctx.ledger() as ledger:
                person = known_user(ledger, user)
                if not approved:
                    approvals.reject_execution(ledger, person, pending["plan_id"], reason)
                    log("execute-decision", {"plan_id": pending["plan_id"], "approved": False, "user": user})
                    return _done(call, json.dumps({"rejected": True, "plan_id": pending["plan_id"], "by": user,
                                                   "reason": reason or "rejected"}))
                approvals.approve_execution(ledger, person, pending["plan_id"], pending["matching"])
        except Exception as exc:
            if not is_user_error(exc):
                raise
            log("execute-decision-refused", {"plan_id": pending["plan_id"], "user": user, "reason": str(exc)})
            return {"approval_note": f"refused: {exc}"}
        log("execute-decision", {"plan_id": pending["plan_id"], "approved": True, "user": user})
        with ctx.ledger() as ledger:
            out = planning.run_execute(ledger, plan_id=pending["plan_id"], actor=user)
        return _done(call, json.dumps(out, default=str))

    def guard(state: CopilotState) -> dict[str, Any]:
        messages = state["messages"]
        last = messages[-1]
        assert isinstance(last, AIMessage)
        if last.additional_kwargs.get(TEMPLATE):  # worded by the offline templates, not by a model
            return {"guard_feedback": None}
        sources = turn_sources(messages[state.get("turn_start", 0):])
        result = check_numbers(str(last.content), sources)
        if result.ok:
            return {"guard_feedback": None}
        event = {"unsupported": result.unsupported, "retry": state.get("guard_retries", 0) == 0}
        log("numbers-guard", event | {"why": result.explain()})
        history = [*(state.get("guard_log") or []), event]
        if state.get("guard_retries", 0) == 0:
            feedback = (f"Your last answer stated figures that no successful tool result contains: {result.explain()}."
                        " Answer again using only figures from the tool results (round them if you like, but keep"
                        " their unit, sign and direction; do not compute new ones).")
            return {"messages": [RemoveMessage(id=str(last.id))], "guard_retries": 1,
                    "guard_feedback": feedback, "guard_log": history}
        fallback = render(turn_results(messages)) if turn_results(messages) else \
            "I cannot answer that with figures from the tools."
        return {"messages": [AIMessage(content=f"{fallback}\n{WITHHELD_NOTE}", id=last.id)], "guard_feedback": None,
                "guard_log": history}

    def after_agent(state: CopilotState) -> str:
        last = state["messages"][-1]
        return "governance" if isinstance(last, AIMessage) and last.tool_calls else "guard"

    def after_governance(state: CopilotState) -> str:
        if state.get("allowed_calls"):
            return "tools"
        return "approval" if state.get("pending_mint") else "agent"

    def after_tools(state: CopilotState) -> str:
        return "approval" if state.get("pending_mint") else "agent"

    def after_approval(state: CopilotState) -> str:
        return "approval" if state.get("pending_mint") else "agent"

    def after_guard(state: CopilotState) -> str:
        return "agent" if state.get("guard_feedback") else END

    graph = StateGraph(CopilotState)
    for name, fn in (("begin", begin), ("agent", agent), ("governance", governance), ("tools", run_tools),
                     ("approval", approval), ("guard", guard)):
        graph.add_node(name, fn)
    graph.add_edge(START, "begin")
    graph.add_edge("begin", "agent")
    graph.add_conditional_edges("agent", after_agent, ["governance", "guard"])
    graph.add_conditional_edges("governance", after_governance, ["tools", "approval", "agent"])
    graph.add_conditional_edges("tools", after_tools, ["approval", "agent"])
    graph.add_conditional_edges("approval", after_approval, ["approval", "agent"])
    graph.add_conditional_edges("guard", after_guard, ["agent", END])
    return graph.compile(checkpointer=checkpointer)


def sqlite_checkpointer(path: Path) -> SqliteSaver:
    """A SQLite checkpointer at ``path`` (pending approvals survive restarts)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteSaver(sqlite3.connect(str(path), check_same_thread=False))
