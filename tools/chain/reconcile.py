"""Reconcile the ledger's mint and retirement records with the chain's events, and report status.

For each token of the network: every confirmed ledger mint must have exactly one ``SavingsMinted``
event with its evidence hash, recipient, amount and transaction; every such event must be in the
ledger; confirmed retirements and ``Retired`` events must match by transaction; and the total
supply must equal minted minus retired. Pending ledger rows (intent/sent) are listed apart; one
whose event is already on chain is a difference (``pending_but_on_chain``: minting that
verification again records it). Amounts in 10^-18 token units and exact decimal strings.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from tools.chain.deployments import same_address
from tools.chain.mint import Minter
from tools.ledger.mints import list_mints, list_retirements
from tools.tokens import TOKENS, ChainEvent, Difference, MintStatus, TokenKey, units_to_str


class ReconcileReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    network: str
    chain_id: int
    block: int
    ok: bool
    differences: list[Difference]
    pending: list[dict[str, Any]]
    tokens: dict[str, dict[str, Any]]


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
            pending.append({**ref, "status": row.status, "amount": row.amount, "tx_hash": row.tx_hash,
                            "last_error": row.last_error})
            if event is not None:
                diffs.append(Difference(kind="pending_but_on_chain", tx_hash=event.tx_hash, **ref,
                                        detail=f"ledger has it {row.status}, chain minted it in block "
                                               f"{event.block}: mint the verification again to record it"))
            continue
        if event is None:
            diffs.append(Difference(kind="not_on_chain", tx_hash=row.tx_hash, **ref,
                                    detail=f"ledger says {row.amount} {symbol} confirmed in block "
                                           f"{row.block}; no SavingsMinted event on chain"))
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
    ledger_retired = [r for r in list_retirements(minter.ledger, token_address=dep.address)
                      if r.network == minter.network and r.status == MintStatus.CONFIRMED]
    chain_retired = {e.tx_hash: e for e in retired}
    for r in ledger_retired:
        match = chain_retired.get(r.tx_hash or "")
        if match is None or match.amount_units != r.amount_units:
            diffs.append(Difference(kind="retirement_not_on_chain", token=key, tx_hash=r.tx_hash,
                                    detail=f"retirement {r.retire_id} of {r.amount} {symbol} has no "
                                           f"matching Retired event"))
    known = {r.tx_hash for r in ledger_retired}
    for tx, e in chain_retired.items():
        if tx not in known:
            diffs.append(Difference(kind="retirement_not_in_ledger", token=key, tx_hash=tx,
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


def reconcile(minter: Minter) -> ReconcileReport:
    """Compare the ledger's records of ``minter``'s network with the chain; list every difference."""
    minter.chain.check_chain()
    differences: list[Difference] = []
    pending: list[dict[str, Any]] = []
    tokens: dict[str, dict[str, Any]] = {}
    for key in TOKENS:
        diffs, totals = _token_differences(minter, key, pending)
        differences += diffs
        tokens[key] = totals
    minter.ledger.audit("chain-reconcile", minter.network, {
        "differences": len(differences), "pending": len(pending),
        "kinds": sorted({d.kind for d in differences})}, actor=minter.actor)
    return ReconcileReport(network=minter.network, chain_id=minter.client.chain_id,
                           block=minter.client.block_number(), ok=not differences,
                           differences=differences, pending=pending, tokens=tokens)


def chain_status(minter: Minter) -> dict[str, Any]:
    """Token addresses, chain id, block, recipient balances and minted totals (ledger and chain)."""
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
            "recipient": recipient, "tokens": tokens}
