"""Anchor the ledger's hash-chained audit log on chain: ``anchor(head, rows)`` on the carbon token.

An anchor says "the audit log's first ``rows`` rows hash-chain to ``head``" in a block whose time
and order nobody can rewrite afterwards (on a chain others validate; on the embedded dev node it is
a local timestamp). To check one later, walk the audit log to row ``rows`` and compare its row hash
with ``head``. The minter key sends it (MINTER_ROLE; it moves no tokens).

Like mints and retirements it is recorded first (``chain_anchors``: intent -> sent -> confirmed,
or failed with its error) and audited (``audit-anchor`` when confirmed); re-asking for the same
head and row count while one is pending resumes it (its ``AuditAnchored`` event is looked up
before anything is sent again), so a crash does not leave a silent gap or a duplicate.
"""

from __future__ import annotations

import re
from typing import Any

from web3 import Web3
from web3.types import EventData, TxReceipt

from tools.chain.client import (
    ChainError,
    ChainResponseError,
    TransactionFailedError,
    TransactionRevertedError,
    hex32,
)
from tools.chain.deployments import ANCHOR_TOKEN, TokenChain, same_address
from tools.chain.errors import MintError
from tools.ledger.mints import list_anchors, record_anchor_intent, update_anchor
from tools.tokens import PENDING_STATUSES, TOKENS, Anchor, MintStatus

_HEAD = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")


def normalise_head(head: str) -> str:
    """An audit head hash (64 hex digits, with or without 0x) as lower-case 0x-hex."""
    if not isinstance(head, str) or not _HEAD.match(head.strip()):
        raise MintError(f"audit head {head!r} is not a 32-byte hex hash (64 hex digits)")
    return "0x" + head.strip().lower().removeprefix("0x")


def anchor_out(row: Anchor) -> dict[str, Any]:
    """What an anchor reports: head (0x-hex), rows, tx hash, block, gas, who sent it, where."""
    return {"anchor_id": row.anchor_id, "network": row.network, "token": row.token,
            "address": row.token_address, "head": row.head, "rows": row.rows, "sender": row.sender,
            "status": str(row.status), "tx_hash": row.tx_hash, "block": row.block,
            "gas_used": row.gas_used}


class Anchors:
    """Audit anchors of ``chain``'s network, signed by its client (the minter key)."""

    def __init__(self, chain: TokenChain, *, actor: str) -> None:
        self.chain = chain
        self.client = chain.client
        self.ledger = chain.ledger
        self.actor = actor

    def anchor(self, head: str, rows: int) -> Anchor:
        """Anchor ``head`` (the audit log's head hash after ``rows`` rows); waits for the receipt."""
        head = normalise_head(head)
        if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
            raise MintError(f"rows must be a positive number of audit rows, got {rows!r}")
        dep = self.chain.require_current(ANCHOR_TOKEN, "anchor the audit log")
        for row in list_anchors(self.ledger, network=self.chain.network):
            if row.status in PENDING_STATUSES and row.head == head and row.rows == rows:
                return self.complete(row)
        row = record_anchor_intent(self.ledger, network=self.chain.network, token=ANCHOR_TOKEN,
                                   token_address=dep.address, head=head, rows=rows,
                                   sender=self.client.signer.address, actor=self.actor)
        return self.complete(row, fresh=True)

    def complete(self, row: Anchor, *, fresh: bool = False) -> Anchor:
        """Drive one anchor to confirmed (``fresh``: just recorded, nothing can be on chain)."""
        if row.status == MintStatus.CONFIRMED:
            return row
        doing = f"anchoring audit head {row.head} ({row.rows} rows)"
        try:
            self.chain.check_chain()
            dep = self.chain.require_current(ANCHOR_TOKEN, "anchor the audit log")
            if not same_address(dep.address, row.token_address):
                row = update_anchor(self.ledger, row, "audit-anchor-retarget", self.actor,
                                    token_address=dep.address)
            if not fresh:
                found = self._event(row)
                if found is not None:
                    return self._confirm(row, found, recovered=True)
            contract = self.chain.contract(ANCHOR_TOKEN)
            tx_hash = self.client.transact(contract.functions.anchor(bytes.fromhex(row.head[2:]), row.rows),
                                           doing)
            row = update_anchor(self.ledger, row, "audit-anchor-sent", self.actor, status=MintStatus.SENT,
                                tx_hash=hex32(tx_hash), attempts=row.attempts + 1, last_error=None)
            receipt = self.client.wait(tx_hash, doing)
            events = [e for e in self.chain.receipt_events(ANCHOR_TOKEN, "AuditAnchored", receipt)
                      if hex32(e["args"]["head"]) == row.head and int(e["args"]["rows"]) == row.rows]
            if len(events) != 1:
                raise ChainResponseError(f"receipt of {hex32(tx_hash)} holds no matching AuditAnchored event")
            return self._confirm(row, events[0], recovered=False, receipt=receipt)
        except (TransactionRevertedError, TransactionFailedError) as exc:
            update_anchor(self.ledger, row, "audit-anchor-failed", self.actor, status=MintStatus.FAILED,
                          last_error=f"{type(exc).__name__}: {exc}")
            raise
        except ChainError as exc:
            update_anchor(self.ledger, row, "audit-anchor-error", self.actor,
                          last_error=f"{type(exc).__name__}: {exc}")
            raise

    def _event(self, row: Anchor) -> EventData | None:
        """The chain's ``AuditAnchored`` event of this anchor (same head, rows and sender), if any."""
        events = [e for e in self.chain.logs(ANCHOR_TOKEN, "AuditAnchored",
                                             {"head": bytes.fromhex(row.head[2:]),
                                              "by": Web3.to_checksum_address(row.sender)})
                  if int(e["args"]["rows"]) == row.rows]
        return events[-1] if events else None

    def _confirm(self, row: Anchor, event: EventData, *, recovered: bool,
                 receipt: TxReceipt | None = None) -> Anchor:
        tx_hash = hex32(event["transactionHash"])
        if receipt is None:
            receipt = self.client.receipt_if_any(tx_hash)
        if receipt is None or int(receipt["status"]) != 1:
            raise ChainResponseError(f"anchor {row.anchor_id} points at transaction {tx_hash}, which has "
                                     f"no successful receipt")
        self.client.ensure_durable(int(receipt["blockNumber"]))
        return update_anchor(self.ledger, row, "audit-anchor", self.actor,
                             extra={"recovered": recovered, "symbol": TOKENS[ANCHOR_TOKEN].symbol},
                             status=MintStatus.CONFIRMED, tx_hash=tx_hash, block=int(event["blockNumber"]),
                             gas_used=int(receipt["gasUsed"]), last_error=None)
