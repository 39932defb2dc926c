"""Chat turns for the UI, without Gradio: stream a copilot turn as events, render tool calls and
the mint approval card as chat messages / markdown.

A turn runs ``CopilotSession.ask_stream`` (or ``decide_stream``): each tool call shows up as the
model makes it and when its result arrives, and the model's words as it writes them (only words
that state no figure a tool did not return: ``copilot.agent.streaming``); an answer worded by the
tools' templates (offline mode, a withheld figure) is typed out after the turn. Figures are the
tools' own (the answer, the tool results, the verification evidence and the mint preview); nothing
is computed here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from copilot.agent.session import TurnResult
from copilot.agent.streaming import StreamEvent

Message = dict[str, Any]
MAX_RESULT_CHARS = 1800


def new_thread_id() -> str:
    """A fresh conversation thread id (one per browser session)."""
    return "ui-" + uuid.uuid4().hex[:12]


@dataclass
class TurnEvent:
    """One thing that happened during a turn."""

    kind: Literal["tool_start", "tool_result", "text", "reset", "done", "error"]
    call_id: str = ""
    name: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    result: str = ""
    text: str = ""
    turn: TurnResult | None = None
    error: Exception | None = None


def stream_turn(start: Callable[[], Iterator[StreamEvent | TurnResult]]) -> Iterator[TurnEvent]:
    """Run a streamed turn (``start`` returns ``CopilotSession.ask_stream`` or ``decide_stream``) and
    yield its tool calls, the model's released words (``text``; ``reset`` takes them back), then
    ``done`` with the result, or ``error`` (a refusal or failure, shown to the user; the thread's
    checkpoint keeps its state)."""
    try:
        for event in start():
            if isinstance(event, TurnResult):
                yield TurnEvent("done", turn=event)
                return
            if event.kind == "tool_result":
                yield TurnEvent("tool_result", event.call_id, event.name, event.args, result=event.text)
            elif event.kind in ("tool_start", "text", "reset"):
                yield TurnEvent(event.kind, event.call_id, event.name, event.args, text=event.text)
    except Exception as exc:
        yield TurnEvent("error", error=exc)


def _short(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tool_title(name: str, args: dict[str, Any]) -> str:
    inner = ", ".join(f"{k}={_short(v)}" for k, v in args.items())
    return f"⚙ tool {name}({inner})"


def tool_body(args: dict[str, Any], result: str | None) -> str:
    lines = ["**arguments**", "```json", json.dumps(args, indent=1, default=str, sort_keys=True), "```"]
    if result is not None:
        try:
            pretty = json.dumps(json.loads(result), indent=1, sort_keys=True)
        except json.JSONDecodeError:
            pretty = result
        if len(pretty) > MAX_RESULT_CHARS:
            pretty = pretty[:MAX_RESULT_CHARS] + "\n… (truncated)"
        lines += ["**result**", "```json", pretty, "```"]
    return "\n".join(lines)


def tool_message(call_id: str, name: str, args: dict[str, Any], result: str | None) -> Message:
    """A collapsible chat message for one tool call (open with a spinner while it runs)."""
    return {"role": "assistant", "content": tool_body(args, result),
            "metadata": {"title": tool_title(name, args), "id": call_id,
                         "status": "pending" if result is None else "done"}}


def answer_chunks(text: str, size: int = 48) -> Iterator[str]:
    """The answer as growing prefixes, cut at spaces (the streamed display)."""
    shown = 0
    while shown < len(text):
        cut = text.find(" ", shown + size)
        shown = len(text) if cut < 0 else cut + 1
        yield text[:shown]


def _num(x: Any, digits: int = 4) -> str:
    return f"{float(x):.{digits}g}"


def _interval(d: dict[str, Any]) -> str:
    return f"{_num(d['central'])} [{_num(d['lower'])} – {_num(d['upper'])}]"


def approval_markdown(pending: dict[str, Any], preview: dict[str, Any] | None, note: str | None = None) -> str:
    """The approval card: the verification's evidence and what the mint would send, from the
    interrupt payload (the stored verification) and ``Minter.preview`` (amounts, addresses)."""
    ev = pending["evidence"]
    vid = pending["verification_id"]
    lines = [
        f"### Approval needed: mint verification `{vid}`",
        f"**kind** {ev['kind']} · **method** `{ev['method']}` · recommendation `{ev['rec_id']}` · "
        f"plan `{ev['plan_id']}` · job `{ev['job_id']}`",
        "",
        "| | kgCO2e | kWh |", "|---|---|---|",
        f"| claimed (plan estimate) | {_num(ev['claimed_kgco2e'])} | {_num(ev['claimed_kwh'])} |",
        f"| verified, central [90% interval] | {_interval(ev['saved_kgco2e'])} | {_interval(ev['saved_kwh'])} |",
        f"| counterfactual / actual | {_num(ev['counterfactual_kgco2e'])} / {_num(ev['actual_kgco2e'])} | "
        f"{_num(ev['counterfactual_kwh'])} / {_num(ev['actual_kwh'])} |",
        f"| mintable (conservative lower bound) | {_num(ev['mintable_kgco2e'])} | {_num(ev['mintable_kwh'])} |",
        "",
        f"**evidence hash** `{ev['evidence_hash']}`",
        "",
        "**inputs (content hashes)**", "",
        "| input | hash |", "|---|---|",
        *[f"| {name} | `{digest}` |" for name, digest in sorted(ev["inputs"].items())],
    ]
    if preview is not None:
        lines += ["", "**to mint** (18 decimals, rounded down)", "",
                  "| token | amount | token address | status |", "|---|---|---|---|",
                  *[f"| {t['symbol']} | {t['amount']} | `{t['address']}` | {t['status']} |"
                    for t in preview["tokens"]],
                  "", f"**recipient** `{preview['recipient']}` · **chain id** {preview['chain_id']} "
                      f"(network {preview['network']}) · recommendation status {preview['rec_status']}"]
    approvers = pending.get("approvers") or []
    lines += ["", f"**one saving, one token**: a {ev['kind']} mints {pending.get('token', 'its token')} only; "
                  "kgCO2eSave certifies avoided emissions, not an offset",
              f"**needs** {pending.get('rule', '1 approver')} · **approved so far** "
              f"{', '.join(pending.get('approvals') or []) or 'nobody'}",
              "**who may approve**: " + (", ".join(approvers) if approvers else
                                         "no user has the approver role yet (an admin adds one)")]
    if pending.get("note"):
        lines += ["", f"ℹ {pending['note']}"]
    if note:
        lines += ["", f"⚠ {note}"]
    return "\n".join(lines)


def batch_markdown(pending: dict[str, Any]) -> str:
    """The approval card of a batch mint: how many verifications, the totals per token, the share of
    everything mintable it covers, the largest rows, and who may approve (from the interrupt payload:
    the ledger only, nothing read from or written to the chain to show it)."""
    rows = pending.get("items") or []
    lines = [f"### Approval needed: mint {pending['count']} verified saving(s) in one approval", "",
             "| token | this batch | mintable ever (all verifications) | share |", "|---|---|---|---|"]
    for key, total in (pending.get("all_mintable") or {}).items():
        mine = float((pending.get("totals") or {}).get(key, 0.0))
        pct = (pending.get("shares_pct") or {}).get(key)
        lines.append(f"| {key} | {_num(mine, 6)} | {_num(total, 6)} | {'—' if pct is None else f'{pct:.1f} %'} |")
    lines += ["", "The rest of \"mintable ever\" is minted already or its mint was rejected. Each verification "
                  "mints its conservative lower bound, once ever (its evidence hash is the key); one decision "
                  "here is recorded for each of them.", "",
              f"**the {len(rows)} largest** (of {pending['count']})", "",
              "| verification | token | amount | needs | approved so far |", "|---|---|---|---|---|",
              *[f"| `{r['verification_id']}` | {r['symbol']} | {_num(r['amount'])} {r['unit']} | {r['rule']} | "
                f"{', '.join(r.get('approvals') or []) or 'nobody'} |" for r in rows]]
    approvers = pending.get("approvers") or []
    lines += ["", "**who may approve**: " + (", ".join(approvers) if approvers else
                                             "no user has the approver role yet (an admin adds one)")]
    if int(pending.get("most_required") or 1) > 1:
        lines.append(f"Some mints need {pending['most_required']} different approvers (policy): they wait for "
                     "the next approver after yours.")
    if pending.get("note"):
        lines += ["", f"ℹ {pending['note']}"]
    return "\n".join(lines)


def execution_markdown(pending: dict[str, Any]) -> str:
    """The approval card of a plan execution: what would be applied (an operator decides)."""
    lines = [f"### Approval needed: execute plan `{pending['plan_id']}`",
             f"{pending['recommendations']} proposed recommendation(s) would be approved and applied "
             f"(jobs already executed under another plan are skipped: one saving, one claim).", "",
             "| recommendation | kind | job | team | est. kgCO2e saved |", "|---|---|---|---|---|",
             *[f"| `{r['rec_id']}` | {r['kind']} | {r['job_id']} | {r['team']} | {r['est_kgco2e_saved']} |"
               for r in pending.get("examples") or []]]
    if pending.get("note"):
        lines += ["", f"ℹ {pending['note']}"]
    return "\n".join(lines)
