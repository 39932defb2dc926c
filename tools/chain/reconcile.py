"""Reconcile the ledger's mint, retirement and anchor records with the chain; repair; report status.

For each token of the network: every confirmed ledger mint must have exactly one ``SavingsMinted``
event with its evidence hash, recipient, amount and transaction, and its amount must be what its
verification allows (``amount_vs_verification``: :func:`tools.tokens.to_units` of the
verification's mintable field); every such event must be in the ledger; confirmed retirements and
``Retired`` events must match by retire id (by transaction for rows older than retire ids); and the
total supply must equal minted minus retired. Confirmed anchors must have their ``AuditAnchored``
event. Pending ledger rows (intent/sent) are listed apart; one whose event is already on chain is a
difference (``pending_but_on_chain`` / ``retirement_pending_but_on_chain``: retrying records it).
Amounts in 10^-18 token units and exact decimal strings.

Repair (:func:`repair`, ``reconcile(..., repair=True)``) makes the chain hold what the ledger
records as confirmed when the node lost it (its state was reset or rolled back): tokens no longer on
the node are deployed again (same chain id only; the old record goes to the audit log); each
confirmed mint without its event goes back to pending (``mint-repair``) and is minted again against
the same evidence hash (which the new state has never seen) - never one whose amount differs from
its verification; then lost retirements are burned again under the same retire id
(``retire-repair``) and lost anchors sent again (``audit-anchor-repair``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from tools.chain.anchor import Anchors
from tools.chain.client import hex32
from tools.chain.deployments import ANCHOR_TOKEN, same_address
from tools.chain.mint import Minter
from tools.chain.retire import retire_id_bytes
from tools.ledger.db import LedgerError
from tools.ledger.mints import (
    forget_deployment,
    list_anchors,
    list_mints,
    list_retirements,
    mark_mint_repair,
    update_anchor,
    update_retirement,
)
from tools.ledger.plans import load_verification
from tools.tokens import (
    PENDING_STATUSES,
    TOKENS,
    ChainEvent,
    Difference,
    MintRecord,
    MintStatus,
    TokenKey,
    to_units,
    units_to_str,
)


class ReconcileReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    network: str
    chain_id: int
    block: int
    ok: bool
    differences: list[Difference]
    pending: list[dict[str, Any]]
    tokens: dict[str, dict[str, Any]]
    repaired: list[dict[str, Any]] = []


def verified_units(minter: Minter, row: MintRecord) -> int | None:
    """What the row's verification allows for its token (10^-18 units); None if it is missing."""
    try:
        # the amounts as stored: an edited record is the audit's finding (``audit`` re-hashes it)
        v = load_verification(minter.ledger, row.verification_id, check=False)
    except LedgerError:
        return None
    return to_units(getattr(v, TOKENS[row.token].field))


def _rid(retire_id: str) -> str:
    return "0x" + retire_id_bytes(retire_id).hex()


def _token_differences(minter: Minter, key: TokenKey, pending: list[dict[str, Any]]
                       ) -> tuple[list[Difference], dict[str, Any]]:
    chain = minter.chain
    dep = chain.deployment(key)
    symbol = TOKENS[key].symbol
    diffs: list[Difference] = []
    minted = {e.evidence_hash: e
              for e in (chain.to_event(key, log) for log in chain.logs(key, "SavingsMinted"))}
    retired = [chain.to_event(key, log) for log in chain.logs(key, "Retired")]
    rows = list_mints(minter.ledger, network=minter.network, token_address=dep.address)
    seen: set[str] = set()
    for row in rows:
        event: ChainEvent | None = minted.get(row.evidence_hash)
        seen.add(row.evidence_hash)
        ref = {"token": key, "evidence_hash": row.evidence_hash, "verification_id": row.verification_id}
        if row.status != MintStatus.CONFIRMED:
            pending.append({**ref, "kind": "mint", "status": row.status, "amount": row.amount,
                            "tx_hash": row.tx_hash, "last_error": row.last_error})
            if event is not None:
                diffs.append(Difference(kind="pending_but_on_chain", tx_hash=event.tx_hash, **ref,
                                        detail=f"ledger has it {row.status}, chain minted it in block "
                                               f"{event.block}: mint the verification again to record it"))
            continue
        allowed = verified_units(minter, row)
        if allowed != row.amount_units:
            diffs.append(Difference(kind="amount_vs_verification", tx_hash=row.tx_hash, **ref,
                                    detail=f"verification {row.verification_id} is missing from the ledger"
                                    if allowed is None else
                                    f"ledger minted {row.amount} {symbol}, but verification "
                                    f"{row.verification_id} allows {units_to_str(allowed)}"))
        if event is None:
            diffs.append(Difference(kind="not_on_chain", tx_hash=row.tx_hash, **ref,
                                    detail=f"ledger says {row.amount} {symbol} confirmed in block "
                                           f"{row.block}; no SavingsMinted event on chain "
                                           f"(`reconcile --repair` mints it again)"))
            continue
        if event.amount_units != row.amount_units:
            diffs.append(Difference(kind="amount_mismatch", tx_hash=event.tx_hash, **ref,
                                    detail=f"ledger {row.amount} vs chain {event.amount} {symbol}"))
        if not same_address(event.account, row.recipient):
            diffs.append(Difference(kind="recipient_mismatch", tx_hash=event.tx_hash, **ref,
                                    detail=f"ledger {row.recipient} vs chain {event.account}"))
        if row.tx_hash != event.tx_hash:
            diffs.append(Difference(kind="tx_mismatch", tx_hash=event.tx_hash, **ref,
                                    detail=f"ledger tx {row.tx_hash} vs chain tx {event.tx_hash}"))
    for evidence, event in minted.items():
        if evidence not in seen:
            diffs.append(Difference(kind="not_in_ledger", token=key, evidence_hash=evidence,
                                    tx_hash=event.tx_hash,
                                    detail=f"{event.amount} {symbol} minted to {event.account} in block "
                                           f"{event.block} is not in the ledger"))
    ledger_rows = [r for r in list_retirements(minter.ledger, token_address=dep.address)
                   if r.network == minter.network]
    ledger_retired = [r for r in ledger_rows if r.status == MintStatus.CONFIRMED]
    by_id = {(e.account, e.retire_id): e for e in retired if e.retire_id}
    by_tx = {e.tx_hash: e for e in retired}
    matched: set[str] = set()
    for r in ledger_retired:
        match = by_id.get((r.holder, _rid(r.retire_id))) or by_tx.get(r.tx_hash or "")
        if match is None or match.amount_units != r.amount_units:
            diffs.append(Difference(kind="retirement_not_on_chain", token=key, tx_hash=r.tx_hash,
                                    retire_id=r.retire_id,
                                    detail=f"retirement {r.retire_id} of {r.amount} {symbol} has no "
                                           f"matching Retired event"))
        else:
            matched.add(match.tx_hash)
    for r in ledger_rows:
        if r.status in PENDING_STATUSES:
            pending.append({"kind": "retirement", "token": key, "retire_id": r.retire_id,
                            "verification_id": None, "evidence_hash": None, "status": r.status,
                            "amount": r.amount, "tx_hash": r.tx_hash, "last_error": r.last_error})
    pending_ids = {(r.holder, _rid(r.retire_id)): r for r in ledger_rows if r.status in PENDING_STATUSES}
    for e in retired:
        if e.tx_hash in matched:
            continue
        waiting = pending_ids.get((e.account, e.retire_id or ""))
        if waiting is not None:
            diffs.append(Difference(kind="retirement_pending_but_on_chain", token=key, tx_hash=e.tx_hash,
                                    retire_id=waiting.retire_id,
                                    detail=f"ledger has retirement {waiting.retire_id} {waiting.status}, "
                                           f"chain burned it in block {e.block}: resume it to record it"))
        else:
            diffs.append(Difference(kind="retirement_not_in_ledger", token=key, tx_hash=e.tx_hash,
                                    retire_id=e.retire_id,
                                    detail=f"{e.account} retired {e.amount} {symbol} ({e.reason!r}) in "
                                           f"block {e.block}; not a confirmed ledger retirement"))
    supply = chain.total_supply()[key]
    chain_minted = sum(e.amount_units for e in minted.values())
    chain_retired_units = sum(e.amount_units for e in retired)
    if supply != chain_minted - chain_retired_units:
        diffs.append(Difference(kind="supply_mismatch", token=key,
                                detail=f"total supply {units_to_str(supply)} != minted "
                                       f"{units_to_str(chain_minted)} - retired "
                                       f"{units_to_str(chain_retired_units)}"))
    totals = {
        "symbol": symbol, "address": dep.address, "total_supply": units_to_str(supply),
        "chain_minted": units_to_str(chain_minted), "chain_mints": len(minted),
        "ledger_minted": units_to_str(sum(r.amount_units for r in rows if r.status == MintStatus.CONFIRMED)),
        "ledger_mints": sum(r.status == MintStatus.CONFIRMED for r in rows),
        "chain_retired": units_to_str(chain_retired_units),
        "ledger_retired": units_to_str(sum(r.amount_units for r in ledger_retired)),
    }
    return diffs, totals


def _anchor_differences(minter: Minter) -> list[Difference]:
    rows = list_anchors(minter.ledger, network=minter.network, status=MintStatus.CONFIRMED)
    if not rows:
        return []
    on_chain = {a["tx_hash"] for a in minter.chain.anchors()}
    return [Difference(kind="anchor_not_on_chain", token=ANCHOR_TOKEN, tx_hash=a.tx_hash,
                       detail=f"anchor {a.anchor_id} of audit head {a.head} ({a.rows} rows) has no "
                              f"AuditAnchored event in transaction {a.tx_hash}")
            for a in rows if a.tx_hash not in on_chain]


def reconcile(minter: Minter, *, repair: bool = False, record: bool = True) -> ReconcileReport:
    """Compare the ledger's records of ``minter``'s network with the chain; list every difference.
    With ``repair``, first make the chain hold what the ledger confirmed (:func:`repair`). ``record``
    writes the outcome to the audit log (a view that only shows it, the web UI's tab, does not)."""
    repaired = run_repair(minter) if repair else []
    minter.chain.check_chain()
    differences: list[Difference] = []
    pending: list[dict[str, Any]] = []
    tokens: dict[str, dict[str, Any]] = {}
    for key in TOKENS:
        diffs, totals = _token_differences(minter, key, pending)
        differences += diffs
        tokens[key] = totals
    differences += _anchor_differences(minter)
    if record or repaired:
        minter.ledger.audit("chain-reconcile", minter.network, {
            "differences": len(differences), "pending": len(pending), "repaired": len(repaired),
            "kinds": sorted({d.kind for d in differences})}, actor=minter.actor)
    return ReconcileReport(network=minter.network, chain_id=minter.client.chain_id,
                           block=minter.client.block_number(), ok=not differences,
                           differences=differences, pending=pending, tokens=tokens, repaired=repaired)


def run_repair(minter: Minter) -> list[dict[str, Any]]:
    """Deploy again the tokens the node lost, re-mint confirmed mints without their event, burn
    again lost retirements (same retire id) and re-send lost anchors; returns what was done (or
    skipped, with why). Refuses a node of another chain id."""
    chain, ledger, actor = minter.chain, minter.ledger, minter.actor
    label = minter.client.label
    done: list[dict[str, Any]] = []
    lost = chain.lost_deployments()
    for dep in lost:
        forget_deployment(ledger, dep, f"the node at {label} no longer holds {dep.symbol} at "
                                       f"{dep.address} (its state was reset)", actor)
    if lost:
        fresh = chain.deploy()
        done += [{"kind": "redeploy", "token": d.token, "old_address": d.address,
                  "address": fresh[d.token].address} for d in lost]
    chain.check_chain()
    why = f"confirmed in the ledger, not on the node at {label}"
    for key in TOKENS:
        dep = chain.deployment(key)
        on_chain = {hex32(e["args"]["evidenceHash"]) for e in chain.logs(key, "SavingsMinted")}
        for row in list_mints(ledger, network=minter.network, token=key, status=MintStatus.CONFIRMED):
            if same_address(row.token_address, dep.address) and row.evidence_hash in on_chain:
                continue
            ref = {"kind": "mint", "token": key, "verification_id": row.verification_id,
                   "evidence_hash": row.evidence_hash, "amount": row.amount}
            if verified_units(minter, row) != row.amount_units:
                done.append({**ref, "skipped": "its amount differs from its verification "
                                               "(amount_vs_verification): not minted again"})
                continue
            row = mark_mint_repair(ledger, row, token_address=dep.address, chain_id=dep.chain_id,
                                   reason=why, actor=actor)
            again = minter.complete_mint(row)
            done.append({**ref, "tx_hash": again.tx_hash, "block": again.block})
    retirements = minter.retirements()
    for key in TOKENS:
        dep = chain.deployment(key)
        events = [chain.to_event(key, log) for log in chain.logs(key, "Retired")]
        ids = {(e.account, e.retire_id) for e in events}
        txs = {e.tx_hash for e in events}
        for r in list_retirements(ledger, network=minter.network, token=key, status=MintStatus.CONFIRMED):
            if same_address(r.token_address, dep.address) and (
                    (r.holder, _rid(r.retire_id)) in ids or r.tx_hash in txs):
                continue
            ref = {"kind": "retirement", "token": key, "retire_id": r.retire_id, "amount": r.amount}
            if not same_address(r.holder, minter.admin.signer.address):
                done.append({**ref, "skipped": f"it burned the tokens of {r.holder}, whose key is not "
                                               f"this node's retiring key"})
                continue
            pending = update_retirement(ledger, r, actor, action="retire-repair", status=MintStatus.INTENT,
                                        tx_hash=None, block=None, gas_used=None, token_address=dep.address,
                                        extra={"lost_tx_hash": r.tx_hash, "lost_block": r.block,
                                               "reason": why})
            burned = retirements.complete(pending)
            done.append({**ref, "tx_hash": burned.tx_hash, "block": burned.block})
    anchored = {a["tx_hash"] for a in chain.anchors()}
    anchors = Anchors(chain, actor=actor)
    for a in list_anchors(ledger, network=minter.network, status=MintStatus.CONFIRMED):
        if a.tx_hash in anchored:
            continue
        a = update_anchor(ledger, a, "audit-anchor-repair", actor,
                          extra={"lost_tx_hash": a.tx_hash, "lost_block": a.block, "reason": why},
                          status=MintStatus.INTENT, tx_hash=None, block=None, gas_used=None)
        again_a = anchors.complete(a)
        done.append({"kind": "anchor", "head": a.head, "rows": a.rows, "tx_hash": again_a.tx_hash,
                     "block": again_a.block})
    return done


def chain_status(minter: Minter) -> dict[str, Any]:
    """Token addresses, chain id, block, recipient balances and minted totals (ledger and chain);
    ``signer`` mints and anchors, ``admin`` deployed the tokens and retires."""
    chain = minter.chain
    chain.check_chain()
    recipient = minter.recipient
    balances = chain.balance(recipient)
    supply = chain.total_supply()
    tokens: dict[str, Any] = {}
    for key, spec in TOKENS.items():
        dep = chain.deployment(key)
        rows = list_mints(minter.ledger, network=minter.network, token_address=dep.address)
        tokens[key] = {
            "symbol": spec.symbol, "unit": spec.unit, "address": dep.address,
            "deployed_block": dep.block, "total_supply": units_to_str(supply[key]),
            "recipient_balance": units_to_str(balances[key]),
            "minted": units_to_str(sum(r.amount_units for r in rows if r.status == MintStatus.CONFIRMED)),
            "mints": sum(r.status == MintStatus.CONFIRMED for r in rows),
            "pending": sum(r.status != MintStatus.CONFIRMED for r in rows),
        }
    return {"network": minter.network, "node": minter.client.label, "chain_id": minter.client.chain_id,
            "block": minter.client.block_number(), "signer": minter.client.signer.address,
            "admin": minter.admin.signer.address, "recipient": recipient, "tokens": tokens}
