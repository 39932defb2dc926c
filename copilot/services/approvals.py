"""Approvals by authenticated people: who may approve a mint, how many must, and the mint itself.

A mint happens only here (or in the copilot's approval step, which calls :func:`decide_mint`):
1. the approver is a stored user with the ``approver`` role or higher (re-read from the ledger at
   decision time, so a role removed since login no longer counts);
2. when the active policy names mint approvers, the approver must be one of them; with none, any
   user with the approver role may approve (fail closed: never "anyone");
3. the verification is re-hashed (an edited record is refused) and must hold the claim on its
   job's saving;
4. each person decides once per verification; the policy's two-person rule (``mint_quorum``)
   sets how many different approvers a mint of that size needs; one rejection rejects it;
5. the mint amount comes from the stored verification, never from a front end or a model.
"""

from __future__ import annotations

import uuid
from typing import Any

from copilot.services import chain
from copilot.services.errors import is_user_error
from copilot.services.policies import active_policy_set
from copilot.services.users import AuthError, AuthUser, known_user, require
from copilot.settings import Settings
from tools.auth import Role, has_role
from tools.ledger import Ledger
from tools.ledger.plans import TamperedRecordError, load_verification
from tools.ledger.queries import mintable_verification_ids
from tools.ledger.users import decisions, list_users, record_decision, rejected
from tools.rollup import exact_totals_by_key, shares_pct, totals_by_key
from tools.schemas import PolicySet
from tools.tokens import TOKENS, token_for_kind

MINT_TABLES = ("users", "approvals", "policies", "claims", "verifications", "chain_mints")
"""Protected tables re-checked against their audited digests before every mint."""
MINT = "mint"
EXECUTE = "execute"
APPROVAL_REQUESTED = "approval-requested"
"""Audit action of a mint or execution card shown in a chat thread, before anyone decides."""


def eligible_approvers(ledger: Ledger, policy: PolicySet | None) -> list[str]:
    """Users who may approve mints now: approver role or higher, narrowed by the policy's list."""
    named = {a.strip().lower() for a in (policy.mint_approvers if policy else [])}
    people = [u["name"] for u in list_users(ledger) if has_role(u["role"], Role.APPROVER)]
    return [p for p in people if not named or p.lower() in named]


def mint_requirement(ledger: Ledger, verification_id: str, policy: PolicySet | None = None) -> dict[str, Any]:
    """What minting ``verification_id`` needs: the token and amount, how many different approvers,
    who may approve, the decisions so far and the state (``waiting``, ``rejected``, ``ready``)."""
    policy = policy if policy is not None else active_policy_set(ledger)
    v = load_verification(ledger, verification_id)
    key = token_for_kind(v.kind)
    amount = float(getattr(v, TOKENS[key].field))
    unit = TOKENS[key].unit
    quorum = policy.mint_quorum if policy else None
    required = quorum.approvers if quorum is not None and quorum.applies(amount, unit) else 1
    eligible = eligible_approvers(ledger, policy)
    made = decisions(ledger, verification_id)
    approvals = [d["approver"] for d in made if d["decision"] == "approve" and d["approver"] in eligible]
    rejections = [d for d in made if d["decision"] == "reject"]
    state = "rejected" if rejections else "ready" if len(approvals) >= required else "waiting"
    why = (f"{required} different approvers (policy: mints above {quorum.above:g} {quorum.unit})"
           if quorum is not None and required > 1 and quorum.above is not None else
           f"{required} different approvers (policy)" if required > 1 else "1 approver")
    return {"verification_id": verification_id, "token": key, "symbol": TOKENS[key].symbol,
            "amount": amount, "unit": unit, "required": required, "rule": why, "eligible": eligible,
            "approvals": approvals, "rejections": rejections, "state": state,
            "policy_names_approvers": bool(policy and policy.mint_approvers)}


def check_can_decide(ledger: Ledger, user: AuthUser, verification_id: str) -> dict[str, Any]:
    """Refuse (AuthError) before anything is recorded when ``user`` may not decide on this mint;
    returns the requirement otherwise."""
    person = require(known_user(ledger, user.name), Role.APPROVER, "approving or rejecting a mint")
    need = mint_requirement(ledger, verification_id)
    if person.name not in need["eligible"]:
        raise AuthError(f"{person.name} may not approve mints: the active policy allows "
                        f"{', '.join(need['eligible']) or 'no existing user'}")
    if need["state"] == "rejected":
        first = need["rejections"][0]
        raise AuthError(f"the mint of verification {verification_id} was rejected by {first['approver']}"
                        f" ({first['reason'] or 'no reason given'})")
    if need["state"] == "ready":  # approved already (the mint failed or is done): a retry, no new vote
        return need
    if any(d["approver"] == person.name for d in decisions(ledger, verification_id)):
        raise AuthError(f"{person.name} already decided on verification {verification_id}; "
                        f"{need['rule']} are needed: a different approver must approve")
    if need["required"] > len(need["eligible"]):
        raise AuthError(f"this mint needs {need['rule']} but only {len(need['eligible'])} user(s) may "
                        f"approve: an admin must add approvers first")
    return need


def _refuse_edited(ledger: Ledger) -> None:
    edited = ledger.verify_rows(MINT_TABLES)
    if edited:
        first = edited[0]
        raise TamperedRecordError(f"refusing to mint: {len(edited)} ledger row(s) changed outside the app, e.g. "
                                  f"{first['table']} {first['key']} ({first['problem']}); run `app.py audit`")


def decide_mint(ledger: Ledger, settings: Settings, verification_id: str, user: AuthUser, *,
                approve: bool, reason: str = "") -> dict[str, Any]:
    """Record ``user``'s decision on minting ``verification_id``; mint once enough different
    approvers approved. Returns ``{"state": "minted" | "waiting" | "rejected", ...}``.

    Once enough approvers approved, a later call by any of the eligible approvers records nothing
    and retries the mint (after a node outage, say); the mint itself is exactly-once."""
    _refuse_edited(ledger)
    need = _record_decision(ledger, verification_id, user, approve=approve, reason=reason)
    if need["state"] != "ready":
        return {**need, "decided_by": user.name}
    # the embedded node is started (and the tokens deployed) if need be, as for any mint
    minted = chain.mint_verification(ledger, settings, verification_id, actor=user.name)
    return {**need, **minted, "state": "minted", "decided_by": user.name,
            "anchor": anchor_head(ledger, settings, user.name)}


def _record_decision(ledger: Ledger, verification_id: str, user: AuthUser, *, approve: bool,
                     reason: str) -> dict[str, Any]:
    """Check and record ``user``'s decision (once the protected rows were checked); the requirement
    after it (``state`` "ready" when the mint may go ahead)."""
    need = check_can_decide(ledger, user, verification_id)
    if need["state"] == "ready" and not approve:
        raise AuthError(f"the mint of verification {verification_id} was already approved by "
                        f"{', '.join(need['approvals'])}; it is minted, or retried by the next approval")
    if need["state"] != "ready":
        record_decision(ledger, subject=verification_id, kind=MINT, approver=user.name,
                        decision="approve" if approve else "reject", reason=reason)
        need = mint_requirement(ledger, verification_id)
    return need


BATCH_SHOWN = 25
"""Rows of a batch shown one by one on its approval card (the totals always cover every row)."""


def mint_batch(ledger: Ledger, policy: PolicySet | None = None) -> dict[str, Any]:
    """Every verification one approval can mint now: it holds its saving's claim, has a positive
    amount, is not minted and nobody rejected its mint (largest first). With the totals per token
    of the batch and of everything mintable ever (so a card can say what share it covers: the rest
    is minted already or rejected). Reads only the ledger: nothing on chain."""
    policy = policy if policy is not None else active_policy_set(ledger)
    batch = mintable_verification_ids(ledger, unminted_only=True)
    every = mintable_verification_ids(ledger)
    needs = [mint_requirement(ledger, vid, policy) for vid in every]
    items = [{k: n[k] for k in ("verification_id", "symbol", "amount", "unit", "required", "rule", "approvals")}
             for n in needs if n["verification_id"] in batch]
    totals, overall = batch_totals(items), batch_totals(needs)
    return {"count": len(items), "items": items, "totals": totals, "all_mintable": overall,
            "shares_pct": shares_pct(totals, overall),
            "eligible": eligible_approvers(ledger, policy), "most_required": max(
                (i["required"] for i in items), default=1)}


def batch_totals(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Amounts of mint requirements (or batch rows) per 'SYMBOL (unit)' (``tools.rollup.totals_by_key``)."""
    return totals_by_key((f"{r['symbol']} ({r['unit']})", r["amount"]) for r in rows)


def check_can_decide_batch(ledger: Ledger, user: AuthUser) -> AuthUser:
    """Refuse (AuthError) a person who may not decide on any mint (role, the policy's approver list)."""
    person = require(known_user(ledger, user.name), Role.APPROVER, "approving or rejecting mints")
    eligible = eligible_approvers(ledger, active_policy_set(ledger))
    if person.name not in eligible:
        raise AuthError(f"{person.name} may not approve mints: the active policy allows "
                        f"{', '.join(eligible) or 'no existing user'}")
    return person


def decide_batch(ledger: Ledger, settings: Settings, verification_ids: list[str], user: AuthUser, *,
                 approve: bool, reason: str = "") -> dict[str, Any]:
    """One person's decision on every verification of a batch, each exactly as :func:`decide_mint`
    (its own quorum, one mint per saving, ever); the protected rows are checked once and the audit
    head anchored once. Returns the ids minted (with their mints), waiting for more approvers,
    rejected, and refused (with why: minted meanwhile, decided before ...)."""
    check_can_decide_batch(ledger, user)
    _refuse_edited(ledger)
    out: dict[str, Any] = {"minted": [], "waiting": [], "rejected": [], "refused": [], "decided_by": user.name}
    ready = []
    for vid in verification_ids:
        try:
            one = _record_decision(ledger, vid, user, approve=approve, reason=reason)
        except Exception as exc:
            if not is_user_error(exc):
                raise
            out["refused"].append({"verification_id": vid, "reason": str(exc)})
            continue
        if one["state"] == "ready":
            ready.append(vid)
        elif one["state"] == "waiting":
            out["waiting"].append({"verification_id": vid, "rule": one["rule"], "approvals": one["approvals"]})
        else:
            out["rejected"].append(vid)
    minted = chain.mint_verifications(ledger, settings, ready, actor=user.name) if ready else {}
    for vid, done in minted.items():
        if "error" in done:
            out["refused"].append({"verification_id": vid, "reason": done["error"]})
        else:
            out["minted"].append({"verification_id": vid, "mints": done.get("mints", [])})
    out["minted_totals"] = exact_totals_by_key(
        (m["token"], m["amount"]) for item in out["minted"] for m in item["mints"])
    if out["minted"]:
        out["anchor"] = anchor_head(ledger, settings, user.name)
    return out


def anchor_head(ledger: Ledger, settings: Settings, actor: str) -> dict[str, Any]:
    """Anchor the audit log's head on chain (after a mint), so that a rewrite of the whole ledger
    is detectable; a failure is reported, not raised (the mint is done)."""
    head, rows = ledger.audit_head()
    try:
        return chain.anchor_audit(ledger, settings, head, rows, actor)
    except Exception as exc:
        if not is_user_error(exc):
            raise
        return {"error": f"the audit head was not anchored: {exc}"}


def rejected_mints(ledger: Ledger) -> list[dict[str, Any]]:
    """Every rejected mint: verification, who rejected it, why, when (newest first)."""
    return rejected(ledger, MINT)


def approve_execution(ledger: Ledger, user: AuthUser, plan_id: str, count: int) -> str:
    """Record that ``user`` (operator or higher) approved executing ``count`` recommendations of
    ``plan_id``; returns the decision's subject id."""
    person = require(known_user(ledger, user.name), Role.OPERATOR, "executing a plan")
    subject = f"{EXECUTE}:{plan_id}:{uuid.uuid4().hex[:8]}"
    record_decision(ledger, subject=subject, kind=EXECUTE, approver=person.name, decision="approve",
                    reason=f"{count} recommendation(s)")
    return subject


def reject_execution(ledger: Ledger, user: AuthUser, plan_id: str, reason: str = "") -> str:
    person = require(known_user(ledger, user.name), Role.OPERATOR, "rejecting a plan execution")
    subject = f"{EXECUTE}:{plan_id}:{uuid.uuid4().hex[:8]}"
    record_decision(ledger, subject=subject, kind=EXECUTE, approver=person.name, decision="reject",
                    reason=reason)
    return subject


__all__ = ["approve_execution", "check_can_decide", "decide_mint", "eligible_approvers", "mint_requirement",
           "reject_execution", "rejected_mints"]
