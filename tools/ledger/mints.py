"""Ledger tables of the token layer; every write is one transaction with its audit row.

Tables
    chain_deployments   (network, token) -> contract address, chain id, genesis hash, code hash
    chain_mints         (verification_id, token) -> intent / sent / confirmed mint; the primary key
                        makes each pair mintable at most once, on any network, ever
    chain_retirements   retire_id -> intent / sent / confirmed burn with its reason

Token amounts (uint256, up to 10^77) are stored as decimal TEXT, never as SQLite integers.
No key material is ever written here or to the audit log.
"""

from __future__ import annotations

import uuid
from typing import Any

from tools.ledger.db import Ledger, LedgerError
from tools.tokens import Deployment, MintRecord, MintStatus, Retirement, TokenKey, units_to_str

_INT_FIELDS = ("amount_units",)


def ensure_tables(ledger: Ledger) -> None:
    db = ledger.db
    with ledger.transaction():
        db.table("chain_deployments").create({
            "network": str, "token": str, "chain_id": int, "genesis_hash": str, "address": str,
            "name": str, "symbol": str, "admin": str, "tx_hash": str, "block": int, "gas_used": int,
            "code_hash": str, "created_utc": str}, pk=("network", "token"), if_not_exists=True)
        db.table("chain_mints").create({
            "verification_id": str, "token": str, "network": str, "chain_id": int,
            "token_address": str, "evidence_hash": str, "recipient": str, "amount_units": str,
            "amount": str, "status": str, "tx_hash": str, "block": int, "gas_used": int,
            "attempts": int, "last_error": str, "created_utc": str, "updated_utc": str},
            pk=("verification_id", "token"), if_not_exists=True)
        db.table("chain_retirements").create({
            "retire_id": str, "network": str, "token": str, "token_address": str, "holder": str,
            "amount_units": str, "amount": str, "reason": str, "status": str, "tx_hash": str,
            "block": int, "gas_used": int, "created_utc": str, "updated_utc": str},
            pk="retire_id", if_not_exists=True)
        db.table("chain_mints").create_index(["token_address", "evidence_hash"], unique=True,
                                             if_not_exists=True)
        db.table("chain_mints").create_index(["status"], if_not_exists=True)


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (int(v) if k in _INT_FIELDS else v) for k, v in row.items()}


# -- deployments ------------------------------------------------------------------------------
def get_deployment(ledger: Ledger, network: str, token: TokenKey) -> Deployment | None:
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT * FROM chain_deployments WHERE network = ? AND token = ?",
                                [network, token]))
    return Deployment.model_validate(rows[0]) if rows else None


def store_deployment(ledger: Ledger, deployment: Deployment, actor: str) -> None:
    ensure_tables(ledger)
    with ledger.transaction():
        ledger.db.table("chain_deployments").insert(deployment.model_dump())
        ledger.audit("chain-deploy", f"{deployment.network}/{deployment.token}", {
            k: v for k, v in deployment.model_dump().items() if k != "created_utc"}, actor=actor)


# -- mints ------------------------------------------------------------------------------------
def get_mint(ledger: Ledger, verification_id: str, token: TokenKey) -> MintRecord | None:
    ensure_tables(ledger)
    rows = list(ledger.db.query(
        "SELECT * FROM chain_mints WHERE verification_id = ? AND token = ?", [verification_id, token]))
    return MintRecord.model_validate(_row(rows[0])) if rows else None


def list_mints(ledger: Ledger, *, network: str | None = None, token_address: str | None = None,
               status: str | None = None) -> list[MintRecord]:
    ensure_tables(ledger)
    sql, args = "SELECT * FROM chain_mints WHERE 1 = 1", []
    for column, value in (("network", network), ("token_address", token_address), ("status", status)):
        if value is not None:
            sql += f" AND {column} = ?"
            args.append(value)
    return [MintRecord.model_validate(_row(r)) for r in ledger.db.query(sql + " ORDER BY rowid", args)]


def record_intent(ledger: Ledger, record: MintRecord, actor: str) -> MintRecord:
    """Write the intent row (before anything is sent); the audit row names what will be minted."""
    ensure_tables(ledger)
    row = record.model_dump()
    row["amount_units"] = str(record.amount_units)
    with ledger.transaction():
        ledger.db.table("chain_mints").insert(row)
        ledger.audit("mint-intent", f"{record.verification_id}/{record.token}", _mint_payload(record),
                     actor=actor)
    return record


def _mint_payload(r: MintRecord) -> dict[str, Any]:
    return {"network": r.network, "chain_id": r.chain_id, "token_address": r.token_address,
            "evidence_hash": r.evidence_hash, "recipient": r.recipient,
            "amount_units": str(r.amount_units), "amount": r.amount, "tx_hash": r.tx_hash,
            "block": r.block, "gas_used": r.gas_used}


def _update_mint(ledger: Ledger, record: MintRecord, action: str, actor: str, **changes: Any
                 ) -> MintRecord:
    updated = record.model_copy(update={**changes, "updated_utc": ledger.now_iso()})
    with ledger.transaction():
        cursor = ledger.db.execute(
            "UPDATE chain_mints SET status = ?, tx_hash = ?, block = ?, gas_used = ?, attempts = ?, "
            "last_error = ?, updated_utc = ? WHERE verification_id = ? AND token = ?",
            [updated.status, updated.tx_hash, updated.block, updated.gas_used, updated.attempts,
             updated.last_error, updated.updated_utc, record.verification_id, record.token])
        if cursor.rowcount != 1:
            raise LedgerError(f"no mint row for verification {record.verification_id!r}, "
                              f"token {record.token!r}")
        payload = _mint_payload(updated)
        if updated.last_error and action == "mint-error":
            payload["error"] = updated.last_error
        ledger.audit(action, f"{record.verification_id}/{record.token}", payload, actor=actor)
    return updated


def mark_sent(ledger: Ledger, record: MintRecord, tx_hash: str, actor: str) -> MintRecord:
    return _update_mint(ledger, record, "mint-sent", actor, status=MintStatus.SENT, tx_hash=tx_hash,
                        attempts=record.attempts + 1, last_error=None)


def mark_confirmed(ledger: Ledger, record: MintRecord, *, tx_hash: str, block: int, gas_used: int,
                   actor: str, recovered: bool = False) -> MintRecord:
    """Confirmed from our own receipt, or ``recovered`` from the chain's event after a crash."""
    return _update_mint(ledger, record, "mint-recovered" if recovered else "mint-confirmed", actor,
                        status=MintStatus.CONFIRMED, tx_hash=tx_hash, block=block, gas_used=gas_used,
                        last_error=None)


def mark_error(ledger: Ledger, record: MintRecord, error: str, actor: str) -> MintRecord:
    """Keep the row pending (intent/sent) and note why the last attempt failed."""
    return _update_mint(ledger, record, "mint-error", actor, last_error=error[:500])


# -- retirements -------------------------------------------------------------------------------
def record_retirement_intent(ledger: Ledger, *, network: str, token: TokenKey, token_address: str,
                             holder: str, amount_units: int, reason: str, actor: str) -> Retirement:
    ensure_tables(ledger)
    now = ledger.now_iso()
    record = Retirement(retire_id=uuid.uuid4().hex[:16], network=network, token=token,
                        token_address=token_address, holder=holder, amount_units=amount_units,
                        amount=units_to_str(amount_units), reason=reason, status=MintStatus.INTENT,
                        created_utc=now, updated_utc=now)
    row = record.model_dump()
    row["amount_units"] = str(amount_units)
    with ledger.transaction():
        ledger.db.table("chain_retirements").insert(row)
        ledger.audit("retire-intent", record.retire_id, _retire_payload(record), actor=actor)
    return record


def _retire_payload(r: Retirement) -> dict[str, Any]:
    return {"network": r.network, "token": r.token, "token_address": r.token_address,
            "holder": r.holder, "amount_units": str(r.amount_units), "amount": r.amount,
            "reason": r.reason, "tx_hash": r.tx_hash, "block": r.block, "gas_used": r.gas_used}


def update_retirement(ledger: Ledger, record: Retirement, actor: str, **changes: Any) -> Retirement:
    updated = record.model_copy(update={**changes, "updated_utc": ledger.now_iso()})
    with ledger.transaction():
        ledger.db.execute(
            "UPDATE chain_retirements SET status = ?, tx_hash = ?, block = ?, gas_used = ?, "
            "updated_utc = ? WHERE retire_id = ?",
            [updated.status, updated.tx_hash, updated.block, updated.gas_used, updated.updated_utc,
             record.retire_id])
        ledger.audit(f"retire-{updated.status}", record.retire_id, _retire_payload(updated),
                     actor=actor)
    return updated


def list_retirements(ledger: Ledger, *, token_address: str | None = None) -> list[Retirement]:
    ensure_tables(ledger)
    sql, args = "SELECT * FROM chain_retirements", []
    if token_address is not None:
        sql, args = sql + " WHERE token_address = ?", [token_address]
    return [Retirement.model_validate(_row(r)) for r in ledger.db.query(sql + " ORDER BY rowid", args)]
