"""Ledger tables of the token layer; every write is one transaction with its audit row.

Tables
    chain_deployments     (network, token) -> contract address, chain id, genesis hash, code hash,
                          admin and minter addresses
    chain_deploy_intents  (network, token) -> the deployment being made: deployer, nonce and the
                          CREATE address they fix, recorded before the transaction is sent
    chain_mints           (verification_id, token) -> intent / sent / confirmed mint; the primary key
                          makes each pair mintable at most once, on any network, ever
    chain_retirements     retire_id -> intent / sent / confirmed / failed burn with its reason
    chain_anchors         anchor_id -> intent / sent / confirmed / failed anchor of the audit log
                          (head hash, row count) on the carbon token

Token amounts (uint256, up to 10^77) are stored as decimal TEXT, never as SQLite integers.
No key material is ever written here or to the audit log. Older ledgers gain the newer columns
(``chain_deployments.minter``, ``chain_retirements.attempts`` / ``last_error``) on first use.
"""

from __future__ import annotations

import secrets
from typing import Any

from tools.ledger.db import Ledger, LedgerError
from tools.tokens import (
    PENDING_STATUSES,
    Anchor,
    DeployIntent,
    Deployment,
    MintRecord,
    MintStatus,
    Retirement,
    TokenKey,
    units_to_str,
)

_INT_FIELDS = ("amount_units",)
MAX_ERROR_CHARS = 500
_ADDED_COLUMNS: dict[str, dict[str, tuple[type, Any]]] = {
    "chain_deployments": {"minter": (str, None)},
    "chain_retirements": {"attempts": (int, 0), "last_error": (str, None)},
}


PROTECTED = ("chain_deployments", "chain_deploy_intents", "chain_mints", "chain_retirements", "chain_anchors")
"""Tables whose every row's digest is chained into the audit log (``Ledger.verify_rows``)."""


def ensure_tables(ledger: Ledger) -> None:
    db = ledger.db
    with ledger.transaction():
        db.table("chain_deployments").create({
            "network": str, "token": str, "chain_id": int, "genesis_hash": str, "address": str,
            "name": str, "symbol": str, "admin": str, "minter": str, "tx_hash": str, "block": int,
            "gas_used": int, "code_hash": str, "created_utc": str}, pk=("network", "token"),
            if_not_exists=True)
        db.table("chain_deploy_intents").create({
            "network": str, "token": str, "chain_id": int, "genesis_hash": str, "deployer": str,
            "minter": str, "nonce": int, "predicted_address": str, "from_block": int, "status": str,
            "tx_hash": str, "attempts": int, "last_error": str, "created_utc": str,
            "updated_utc": str}, pk=("network", "token"), if_not_exists=True)
        db.table("chain_mints").create({
            "verification_id": str, "token": str, "network": str, "chain_id": int,
            "token_address": str, "evidence_hash": str, "recipient": str, "amount_units": str,
            "amount": str, "status": str, "tx_hash": str, "block": int, "gas_used": int,
            "attempts": int, "last_error": str, "created_utc": str, "updated_utc": str},
            pk=("verification_id", "token"), if_not_exists=True)
        db.table("chain_retirements").create({
            "retire_id": str, "network": str, "token": str, "token_address": str, "holder": str,
            "amount_units": str, "amount": str, "reason": str, "status": str, "tx_hash": str,
            "block": int, "gas_used": int, "attempts": int, "last_error": str, "created_utc": str,
            "updated_utc": str}, pk="retire_id", if_not_exists=True)
        db.table("chain_anchors").create({
            "anchor_id": str, "network": str, "token": str, "token_address": str, "head": str,
            "rows": int, "sender": str, "status": str, "tx_hash": str, "block": int, "gas_used": int,
            "attempts": int, "last_error": str, "created_utc": str, "updated_utc": str},
            pk="anchor_id", if_not_exists=True)
        for table, columns in _ADDED_COLUMNS.items():  # ledgers made before these columns existed
            have = db.table(table).columns_dict
            for column, (kind, default) in columns.items():
                if column not in have:
                    db.table(table).add_column(column, kind, not_null_default=default)
        db.table("chain_mints").create_index(["token_address", "evidence_hash"], unique=True,
                                             if_not_exists=True)
        db.table("chain_mints").create_index(["status"], if_not_exists=True)
        db.table("chain_retirements").create_index(["status"], if_not_exists=True)
        for table in PROTECTED:
            ledger.protect(table)


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (int(v) if k in _INT_FIELDS else v) for k, v in row.items()}


def _update(ledger: Ledger, table: str, where: dict[str, Any], values: dict[str, Any]) -> None:
    """UPDATE one row of ``table`` (column names are this module's constants, never user input)."""
    sql = (f"UPDATE {table} SET " + ", ".join(f"{c} = ?" for c in values)
           + " WHERE " + " AND ".join(f"{c} = ?" for c in where))
    cursor = ledger.db.execute(sql, [*values.values(), *where.values()])
    if cursor.rowcount != 1:
        raise LedgerError(f"no {table} row for {where}")


def _error_text(error: str | None) -> str | None:
    return error[:MAX_ERROR_CHARS] if error else None


# -- deployments ------------------------------------------------------------------------------
def get_deployment(ledger: Ledger, network: str, token: TokenKey) -> Deployment | None:
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT * FROM chain_deployments WHERE network = ? AND token = ?",
                                [network, token]))
    return Deployment.model_validate(rows[0]) if rows else None


def store_deployment(ledger: Ledger, deployment: Deployment, actor: str, *, recovered: bool = False
                     ) -> None:
    """Record a deployment and close its intent (if any), with one ``chain-deploy`` audit row;
    ``recovered``: found on chain after a crash rather than from our own receipt."""
    ensure_tables(ledger)
    with ledger.transaction():
        ledger.db.table("chain_deployments").insert(deployment.model_dump())
        ledger.db.execute(
            "UPDATE chain_deploy_intents SET status = ?, tx_hash = ?, last_error = NULL, "
            "updated_utc = ? WHERE network = ? AND token = ?",
            [MintStatus.CONFIRMED, deployment.tx_hash, ledger.now_iso(), deployment.network,
             deployment.token])
        payload = {k: v for k, v in deployment.model_dump().items() if k != "created_utc"}
        key = f"{deployment.network}/{deployment.token}"
        ledger.audit("chain-deploy", key, {**payload, "recovered": recovered}, actor=actor,
                     rows={"chain_deployments": [key], "chain_deploy_intents": [key]})


def forget_deployment(ledger: Ledger, deployment: Deployment, reason: str, actor: str) -> None:
    """Remove a deployment the chain no longer holds (its node's state was lost), so that it can
    be deployed again; the whole old record goes into the ``chain-deployment-lost`` audit row."""
    ensure_tables(ledger)
    with ledger.transaction():
        ledger.db.execute("DELETE FROM chain_deployments WHERE network = ? AND token = ?",
                          [deployment.network, deployment.token])
        ledger.db.execute("DELETE FROM chain_deploy_intents WHERE network = ? AND token = ?",
                          [deployment.network, deployment.token])
        key = f"{deployment.network}/{deployment.token}"
        ledger.audit("chain-deployment-lost", key, {**deployment.model_dump(), "reason": reason},
                     actor=actor, rows={"chain_deployments": [key], "chain_deploy_intents": [key]})


def get_deploy_intent(ledger: Ledger, network: str, token: TokenKey) -> DeployIntent | None:
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT * FROM chain_deploy_intents WHERE network = ? AND token = ?",
                                [network, token]))
    return DeployIntent.model_validate(rows[0]) if rows else None


def record_deploy_intent(ledger: Ledger, intent: DeployIntent, actor: str) -> DeployIntent:
    """Write the intent before the deployment is sent (replacing a failed one for the same token);
    refuses while another intent for the token is pending (another process is deploying it)."""
    ensure_tables(ledger)
    with ledger.transaction():
        current = get_deploy_intent(ledger, intent.network, intent.token)
        if current is not None and current.status in PENDING_STATUSES:
            raise LedgerError(f"a deployment of {intent.token} on network {intent.network!r} is already "
                              f"pending (deployer {current.deployer}, nonce {current.nonce}): deploy again "
                              f"to recover it rather than starting another")
        ledger.db.table("chain_deploy_intents").upsert(intent.model_dump(), pk=("network", "token"))
        ledger.audit("deploy-intent", f"{intent.network}/{intent.token}", _deploy_payload(intent),
                     rows={"chain_deploy_intents": [f"{intent.network}/{intent.token}"]},
                     actor=actor)
    return intent


def _deploy_payload(i: DeployIntent) -> dict[str, Any]:
    return {"chain_id": i.chain_id, "genesis_hash": i.genesis_hash, "deployer": i.deployer,
            "minter": i.minter, "nonce": i.nonce, "predicted_address": i.predicted_address,
            "from_block": i.from_block, "status": i.status, "tx_hash": i.tx_hash,
            "error": i.last_error}


def update_deploy_intent(ledger: Ledger, intent: DeployIntent, action: str, actor: str,
                         **changes: Any) -> DeployIntent:
    """``deploy-sent`` (tx hash), ``deploy-error`` (still pending) or ``deploy-failed``."""
    if "last_error" in changes:
        changes["last_error"] = _error_text(changes["last_error"])
    updated = intent.model_copy(update={**changes, "updated_utc": ledger.now_iso()})
    with ledger.transaction():
        _update(ledger, "chain_deploy_intents", {"network": intent.network, "token": intent.token},
                {"status": updated.status, "tx_hash": updated.tx_hash, "attempts": updated.attempts,
                 "last_error": updated.last_error, "updated_utc": updated.updated_utc})
        ledger.audit(action, f"{intent.network}/{intent.token}", _deploy_payload(updated), actor=actor,
                     rows={"chain_deploy_intents": [f"{intent.network}/{intent.token}"]})
    return updated


# -- mints ------------------------------------------------------------------------------------
def get_mint(ledger: Ledger, verification_id: str, token: TokenKey) -> MintRecord | None:
    ensure_tables(ledger)
    rows = list(ledger.db.query(
        "SELECT * FROM chain_mints WHERE verification_id = ? AND token = ?", [verification_id, token]))
    return MintRecord.model_validate(_row(rows[0])) if rows else None


def list_mints(ledger: Ledger, *, network: str | None = None, token_address: str | None = None,
               status: str | None = None, token: TokenKey | None = None) -> list[MintRecord]:
    ensure_tables(ledger)
    sql, args = "SELECT * FROM chain_mints WHERE 1 = 1", []
    for column, value in (("network", network), ("token_address", token_address), ("status", status),
                          ("token", token)):
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
                     rows={"chain_mints": [f"{record.verification_id}/{record.token}"]},
                     actor=actor)
    return record


def _mint_payload(r: MintRecord) -> dict[str, Any]:
    return {"network": r.network, "chain_id": r.chain_id, "token_address": r.token_address,
            "evidence_hash": r.evidence_hash, "recipient": r.recipient,
            "amount_units": str(r.amount_units), "amount": r.amount, "tx_hash": r.tx_hash,
            "block": r.block, "gas_used": r.gas_used}


def _update_mint(ledger: Ledger, record: MintRecord, action: str, actor: str, *,
                 extra: dict[str, Any] | None = None, **changes: Any) -> MintRecord:
    updated = record.model_copy(update={**changes, "updated_utc": ledger.now_iso()})
    with ledger.transaction():
        _update(ledger, "chain_mints", {"verification_id": record.verification_id, "token": record.token},
                {"status": updated.status, "tx_hash": updated.tx_hash, "block": updated.block,
                 "gas_used": updated.gas_used, "attempts": updated.attempts,
                 "last_error": updated.last_error, "updated_utc": updated.updated_utc,
                 "token_address": updated.token_address, "chain_id": updated.chain_id})
        payload = _mint_payload(updated)
        if updated.last_error and action == "mint-error":
            payload["error"] = updated.last_error
        ledger.audit(action, f"{record.verification_id}/{record.token}", {**payload, **(extra or {})},
                     rows={"chain_mints": [f"{record.verification_id}/{record.token}"]},
                     actor=actor)
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
    return _update_mint(ledger, record, "mint-error", actor, last_error=_error_text(error))


def mark_mint_repair(ledger: Ledger, record: MintRecord, *, token_address: str, chain_id: int,
                     reason: str, actor: str) -> MintRecord:
    """A confirmed mint the chain lost goes back to ``intent`` (to be minted again against the same
    evidence hash at ``token_address``); the ``mint-repair`` audit row keeps the lost tx and block."""
    if record.status != MintStatus.CONFIRMED:
        raise LedgerError(f"mint {record.verification_id}/{record.token} is {record.status}, not "
                          f"confirmed: only a confirmed mint the chain lost is repaired")
    lost = {"lost_tx_hash": record.tx_hash, "lost_block": record.block,
            "lost_token_address": record.token_address, "reason": reason}
    return _update_mint(ledger, record, "mint-repair", actor, extra=lost, status=MintStatus.INTENT,
                        tx_hash=None, block=None, gas_used=None, last_error=None,
                        token_address=token_address, chain_id=chain_id)


# -- retirements -------------------------------------------------------------------------------
def new_retire_id() -> str:
    """A fresh retirement id: 32 random bytes, 0x-hex (the contract's ``bytes32 retireId``)."""
    return "0x" + secrets.token_hex(32)


def record_retirement_intent(ledger: Ledger, *, network: str, token: TokenKey, token_address: str,
                             holder: str, amount_units: int, reason: str, actor: str) -> Retirement:
    ensure_tables(ledger)
    now = ledger.now_iso()
    record = Retirement(retire_id=new_retire_id(), network=network, token=token,
                        token_address=token_address, holder=holder, amount_units=amount_units,
                        amount=units_to_str(amount_units), reason=reason, status=MintStatus.INTENT,
                        created_utc=now, updated_utc=now)
    row = record.model_dump()
    row["amount_units"] = str(amount_units)
    with ledger.transaction():
        ledger.db.table("chain_retirements").insert(row)
        ledger.audit("retire-intent", record.retire_id, _retire_payload(record), actor=actor,
                     rows={"chain_retirements": [record.retire_id]})
    return record


def _retire_payload(r: Retirement) -> dict[str, Any]:
    return {"network": r.network, "token": r.token, "token_address": r.token_address,
            "holder": r.holder, "amount_units": str(r.amount_units), "amount": r.amount,
            "reason": r.reason, "tx_hash": r.tx_hash, "block": r.block, "gas_used": r.gas_used,
            "error": r.last_error}


def update_retirement(ledger: Ledger, record: Retirement, actor: str, *, action: str | None = None,
                      extra: dict[str, Any] | None = None, **changes: Any) -> Retirement:
    """Move a retirement on; the audit action is ``retire-<status>`` unless ``action`` names
    another (``retire-recovered``, ``retire-error``, ``retire-repair``)."""
    if "last_error" in changes:
        changes["last_error"] = _error_text(changes["last_error"])
    updated = record.model_copy(update={**changes, "updated_utc": ledger.now_iso()})
    with ledger.transaction():
        _update(ledger, "chain_retirements", {"retire_id": record.retire_id},
                {"status": updated.status, "tx_hash": updated.tx_hash, "block": updated.block,
                 "gas_used": updated.gas_used, "attempts": updated.attempts,
                 "last_error": updated.last_error, "token_address": updated.token_address,
                 "updated_utc": updated.updated_utc})
        ledger.audit(action or f"retire-{updated.status}", record.retire_id,
                     {**_retire_payload(updated), **(extra or {})}, actor=actor,
                     rows={"chain_retirements": [record.retire_id]})
    return updated


def get_retirement(ledger: Ledger, retire_id: str) -> Retirement | None:
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT * FROM chain_retirements WHERE retire_id = ?", [retire_id]))
    return Retirement.model_validate(_row(rows[0])) if rows else None


def list_retirements(ledger: Ledger, *, token_address: str | None = None, network: str | None = None,
                     token: TokenKey | None = None, status: str | None = None) -> list[Retirement]:
    ensure_tables(ledger)
    sql, args = "SELECT * FROM chain_retirements WHERE 1 = 1", []
    for column, value in (("token_address", token_address), ("network", network), ("token", token),
                          ("status", status)):
        if value is not None:
            sql += f" AND {column} = ?"
            args.append(value)
    return [Retirement.model_validate(_row(r)) for r in ledger.db.query(sql + " ORDER BY rowid", args)]


def pending_retirements(ledger: Ledger, network: str) -> list[Retirement]:
    """Retirements of ``network`` that may have reached the chain (intent or sent), oldest first."""
    return [r for r in list_retirements(ledger, network=network) if r.status in PENDING_STATUSES]


# -- anchors -----------------------------------------------------------------------------------
def record_anchor_intent(ledger: Ledger, *, network: str, token: TokenKey, token_address: str,
                         head: str, rows: int, sender: str, actor: str) -> Anchor:
    ensure_tables(ledger)
    now = ledger.now_iso()
    record = Anchor(anchor_id=secrets.token_hex(8), network=network, token=token,
                    token_address=token_address, head=head, rows=rows, sender=sender,
                    status=MintStatus.INTENT, created_utc=now, updated_utc=now)
    with ledger.transaction():
        ledger.db.table("chain_anchors").insert(record.model_dump())
        ledger.audit("audit-anchor-intent", record.anchor_id, _anchor_payload(record), actor=actor,
                     rows={"chain_anchors": [record.anchor_id]})
    return record


def _anchor_payload(a: Anchor) -> dict[str, Any]:
    return {"network": a.network, "token": a.token, "token_address": a.token_address, "head": a.head,
            "rows": a.rows, "sender": a.sender, "tx_hash": a.tx_hash, "block": a.block,
            "gas_used": a.gas_used, "error": a.last_error}


def update_anchor(ledger: Ledger, record: Anchor, action: str, actor: str,
                  extra: dict[str, Any] | None = None, **changes: Any) -> Anchor:
    """``audit-anchor-sent``, ``audit-anchor`` (confirmed), ``audit-anchor-error`` (still pending),
    ``audit-anchor-failed`` or ``audit-anchor-repair``."""
    if "last_error" in changes:
        changes["last_error"] = _error_text(changes["last_error"])
    updated = record.model_copy(update={**changes, "updated_utc": ledger.now_iso()})
    with ledger.transaction():
        _update(ledger, "chain_anchors", {"anchor_id": record.anchor_id},
                {"status": updated.status, "tx_hash": updated.tx_hash, "block": updated.block,
                 "gas_used": updated.gas_used, "attempts": updated.attempts,
                 "last_error": updated.last_error, "token_address": updated.token_address,
                 "updated_utc": updated.updated_utc})
        ledger.audit(action, record.anchor_id, {**_anchor_payload(updated), **(extra or {})}, actor=actor,
                     rows={"chain_anchors": [record.anchor_id]})
    return updated


def list_anchors(ledger: Ledger, *, network: str | None = None, status: str | None = None
                 ) -> list[Anchor]:
    ensure_tables(ledger)
    sql, args = "SELECT * FROM chain_anchors WHERE 1 = 1", []
    for column, value in (("network", network), ("status", status)):
        if value is not None:
            sql += f" AND {column} = ?"
            args.append(value)
    return [Anchor.model_validate(r) for r in ledger.db.query(sql + " ORDER BY rowid", args)]
