"""What the Ledger & token tab reads besides ``chain.chain_overview``: people's decisions on mints
and plan executions (with who, why, when and where each stands), the audit log page by page, the
last audit anchor the ledger records, the node's real state, and what a retirement would burn.

Nothing here writes the ledger or starts the embedded node: ``chain_state`` only looks at the
node's pid file and asks the node, so showing the tab never starts the chain. Every figure comes
from the ledger, the chain or ``approvals.mint_requirement`` (how many approvers a mint needs).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from copilot.services import approvals, chain
from copilot.services.errors import is_user_error
from copilot.services.policies import active_policy_set
from copilot.settings import Settings
from tools.ledger import Ledger, views
from tools.schemas import PolicySet
from tools.tokens import MintStatus

Show = Literal["all", "rejected", "pending"]
SHOWS: tuple[Show, ...] = ("all", "rejected", "pending")
AWAITING = "awaiting"
PENDING = (AWAITING, "waiting", "approved")
"""Mint states still in progress: a card shown in chat that nobody decided yet (``awaiting``), approvers
missing (``waiting``), or approved and not minted yet."""

DECIDED = {"approve": "approved", "reject": "rejected"}
MAX_PER_PAGE = 1000


def _mint_state(ledger: Ledger, verification_id: str, minted: list[dict[str, Any]], policy: PolicySet | None
                ) -> tuple[str, str]:
    """Where the mint of ``verification_id`` stands under ``policy``: (state, one line saying why)."""
    try:
        need = approvals.mint_requirement(ledger, verification_id, policy)
    except Exception as exc:
        if not is_user_error(exc):
            raise
        return "unknown", str(exc)
    if need["state"] == "rejected":
        first = need["rejections"][0]
        return "rejected", f"rejected by {first['approver']}: one rejection rejects the mint"
    if need["state"] == "waiting":
        return "waiting", (f"{len(need['approvals'])} of {need['required']} approvals ({need['rule']}); "
                           f"may approve: {', '.join(need['eligible']) or 'nobody'}")
    done = [m for m in minted if m["status"] == MintStatus.CONFIRMED]
    if done:
        return "minted", "minted: " + ", ".join(f"{m['token']} tx {m['tx_hash']}" for m in done)
    return "approved", "approved; the mint is not confirmed on chain yet (" + (
        ", ".join(f"{m['token']} {m['status']}" for m in minted) or "nothing sent") + ")"


def decisions(ledger: Ledger, *, show: Show = "all", limit: int = 200) -> list[dict[str, Any]]:
    """People's decisions on mints and plan executions, newest first: when_utc, kind (``mint`` or
    ``execute``), subject, verification_id or plan_id, by, decision, reason, state, detail.

    A mint's ``state`` is its verification's, now: ``rejected``, ``waiting`` (more approvers
    needed), ``approved`` (not minted yet), ``minted``; an execution's is its decision.
    ``show``: ``rejected`` keeps the rejections, ``pending`` the decisions on mints still in
    progress (``PENDING``)."""
    if show not in SHOWS:
        raise ValueError(f"show={show!r} is not one of {', '.join(SHOWS)}")
    rows = views.decision_rows(ledger, limit=limit)
    mint_ids = {r["subject"] for r in rows if r["kind"] == approvals.MINT}
    minted = views.mint_rows(ledger, mint_ids)
    policy = active_policy_set(ledger) if mint_ids else None
    states = {vid: _mint_state(ledger, vid, minted.get(vid, []), policy) for vid in mint_ids}
    out = []
    for r in rows:
        mint = r["kind"] == approvals.MINT
        state, detail = states[r["subject"]] if mint else (DECIDED[r["decision"]], "")
        out.append({"when_utc": r["created_utc"], "kind": r["kind"], "subject": r["subject"],
                    "verification_id": r["subject"] if mint else None,
                    "plan_id": r["subject"].split(":")[1] if r["kind"] == approvals.EXECUTE else None,
                    "by": r["approver"], "decision": r["decision"], "reason": r["reason"], "state": state,
                    "detail": detail})
    if show == "rejected":
        return [r for r in out if r["decision"] == "reject"]
    out = sorted(out + awaiting(ledger, limit=limit), key=lambda r: str(r["when_utc"]), reverse=True)[:limit]
    if show == "pending":
        return [r for r in out if r["kind"] in (approvals.MINT, approvals.EXECUTE) and r["state"] in PENDING]
    return out


def awaiting(ledger: Ledger, *, limit: int = 200) -> list[dict[str, Any]]:
    """Approval cards shown in a chat thread on which nobody has decided yet, newest first, in the
    shape of :func:`decisions` rows (``by`` empty, ``decision`` ``none yet``, ``state`` ``awaiting``):
    a mint (or the undecided part of a batch) with no decision on any of its verifications, an
    execution with no decision on its plan since the card was shown."""
    requests = views.audit_rows(ledger, action=approvals.APPROVAL_REQUESTED, limit=limit)
    if not requests:
        return []
    decided_mints = views.decided_subjects(ledger, approvals.MINT)
    eligible = ", ".join(approvals.eligible_approvers(ledger, active_policy_set(ledger))) or "nobody"
    out = []
    for row in requests:
        asked = json.loads(row["payload"])
        where = f"card shown in chat{' thread ' + asked['thread_id'] if asked.get('thread_id') else ''}"
        base = {"when_utc": row["ts_utc"], "by": "", "decision": "none yet", "reason": "", "state": AWAITING,
                "verification_id": None, "plan_id": None}
        if asked.get("tool") == "execute":
            plan = asked.get("plan_id")
            later = views.decided_subjects(ledger, approvals.EXECUTE, since_utc=row["ts_utc"])
            if any(plan is None or s.split(":")[1] == plan for s in later):
                continue
            out.append(base | {"kind": approvals.EXECUTE, "subject": f"execute the plan {plan or '(latest)'}",
                               "plan_id": plan, "detail": f"{where}; nobody has decided yet"})
            continue
        ids = [v for v in asked.get("verification_ids") or [] if v not in decided_mints]
        if not ids:
            continue
        one = ids[0] if len(ids) == 1 else None
        out.append(base | {"kind": approvals.MINT, "subject": one or f"{len(ids)} verifications (batch)",
                           "verification_id": one,
                           "detail": f"{where}; nobody has decided yet; may approve: {eligible}"})
    return out


def audit_page(ledger: Ledger, *, action: str | None = None, page: int = 1, per_page: int = 25
               ) -> dict[str, Any]:
    """One page of the audit log, newest first (page 1 ends at the head; a page past the end is
    the last one): ``rows`` (each with its hash recomputed, ``hash_ok``, and its link to the row
    before, ``link_ok``), ``total`` rows (of ``action``), ``page``, ``pages``, ``per_page``,
    ``action`` and every ``actions`` with its number of rows (for a filter)."""
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise ValueError(f"page={page!r} must be a whole number >= 1")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page={per_page!r} must be a whole number from 1 to {MAX_PER_PAGE}")
    total = views.audit_count(ledger, action)
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    rows = views.audit_rows(ledger, action=action, limit=per_page, offset=(page - 1) * per_page)
    return {"rows": rows, "total": total, "page": page, "pages": pages, "per_page": per_page, "action": action,
            "actions": views.audit_actions(ledger)}


def recorded_anchor(ledger: Ledger) -> dict[str, Any] | None:
    """The newest confirmed audit anchor the ledger records (head as 0x-hex, rows, block, tx_hash,
    sender, token_address, updated_utc ...), or None; ``storage.anchor_check`` compares the chain's."""
    return views.last_confirmed_anchor(ledger)


def chain_state(ledger: Ledger, settings: Settings) -> dict[str, Any]:
    """The node's real state, read without starting it: ``running`` (it answers), ``embedded``,
    ``network``, ``node`` (URL), ``pid`` (embedded), ``chain_id``, ``block``, ``tokens`` (key ->
    address recorded for this network), ``error`` and ``action``: ``start`` (the embedded node is
    down), ``deploy`` (it answers but no token is deployed) or None (nothing to start or deploy:
    up with its tokens, or a configured node this app cannot start)."""
    from tools.chain import ChainError, ChainUnavailableError
    from tools.chain.deployments import TokenChain

    client, network = chain.chain_client(settings)
    embedded = settings.chain.embedded
    out: dict[str, Any] = {"running": False, "embedded": embedded, "network": network, "node": client.label,
                           "pid": None, "chain_id": None, "block": None, "error": None, "action": None,
                           "tokens": views.deployment_addresses(ledger, network)}
    if embedded:
        info = chain.node_manager(settings).info()
        if info is None:
            return {**out, "action": "start", "error": "the embedded node is not running"}
        out.update(pid=info.pid, node=info.url)
    try:
        out.update(chain_id=client.chain_id, block=client.block_number(), running=True)
    except ChainUnavailableError as exc:
        return {**out, "error": str(exc)}
    if not out["tokens"]:
        return {**out, "action": "deploy", "error": "no tokens deployed yet"}
    try:
        TokenChain(ledger, client, network=network).check_chain()
    except ChainError as exc:  # another chain or lost state: a person decides (reconcile --repair)
        return {**out, "error": str(exc)}
    return out


def retire_preview(ledger: Ledger, settings: Settings, amount: str, token: str, reason: str) -> dict[str, Any]:
    """What retiring would burn, for a person to confirm: ``amount`` (exact decimal), ``token``,
    ``symbol``, ``unit``, ``reason`` (stripped), ``holder`` (whose tokens burn: the admin key),
    ``token_address``, the holder's ``balance`` now and whether it is ``enough`` (None with a
    ``note`` when no token is deployed or the chain cannot be read), ``network``, ``chain_id``.
    Refuses bad input (ValueError) before touching the chain; sends nothing."""
    from tools.chain import ChainError
    from tools.chain.retire import MAX_REASON_CHARS
    from tools.tokens import TOKENS, parse_token_amount, units_to_str

    if token not in TOKENS:
        raise ValueError(f"token={token!r} is not one of {', '.join(TOKENS)}")
    units = parse_token_amount(amount or "")
    why = (reason or "").strip()
    if not why or len(why) > MAX_REASON_CHARS:
        raise ValueError(f"reason must be 1-{MAX_REASON_CHARS} characters, got {len(why)}")
    spec = TOKENS[token]
    minter = chain.open_minter(ledger, settings, actor="ui")
    address = views.deployment_addresses(ledger, minter.network).get(token)
    out: dict[str, Any] = {"amount": units_to_str(units), "token": token, "symbol": spec.symbol, "unit": spec.unit,
                           "reason": why, "holder": minter.admin.signer.address, "token_address": address,
                           "balance": None, "enough": None, "network": minter.network, "chain_id": None,
                           "note": None}
    if address is None:
        return {**out, "note": f"no {spec.symbol} token is deployed on {minter.network}: nothing can be retired"}
    try:
        have = minter.chain.balance(out["holder"])[token]  # type: ignore[index]
        chain_id = minter.client.chain_id
    except ChainError as exc:
        return {**out, "note": f"the chain cannot be read: {exc}"}
    return {**out, "balance": units_to_str(have), "enough": have >= units, "chain_id": chain_id}
