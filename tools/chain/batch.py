"""Mint many verifications in one pass, pipelined: each exactly as ``Minter.mint_verification``
(intent recorded before any send, one mint per evidence hash, ever), but every transaction is sent
before any is waited for, and the node's persistence is awaited ONCE, for the highest block, before
any row is recorded confirmed. On the embedded node, which saves its state about once a second,
a batch then costs one save instead of one per verification.

A verification that cannot be minted (nothing to mint, not the claim holder, a revert ...) gets
its error and the others go on; a node that stops answering (:class:`ChainUnavailableError`) is
raised, leaving every row it touched as *intent* or *sent* for a retry to complete (a retry looks
for the mint on chain before sending anything again).
"""

from __future__ import annotations

from web3.types import TxReceipt

from tools.chain.client import ChainError, ChainUnavailableError
from tools.chain.mint import Minter, MintOutcome, PreparedMint
from tools.ledger import LedgerError
from tools.tokens import MintRecord, MintStatus

UserError = (ValueError, ChainError, LedgerError)
"""What fails one verification without stopping the batch (bad or refused input, a revert, a
missing record); a node that does not answer (ChainUnavailableError) stops it."""


def mint_many(minter: Minter, verification_ids: list[str]) -> dict[str, MintOutcome | Exception]:
    """Mint each of ``verification_ids`` (in order); the outcome, or the error, per id."""
    out: dict[str, MintOutcome | Exception] = {}
    started: list[tuple[PreparedMint, list[MintRecord]]] = []
    for vid in verification_ids:  # 1. intents and sends, nothing waited for
        try:
            prepared = minter.prepare(vid)
            if isinstance(prepared, MintOutcome):
                out[vid] = prepared
                continue
            started.append((prepared, [minter.start(row, retry=row.token not in prepared.fresh)
                                       for row in prepared.rows]))
        except ChainUnavailableError:
            raise
        except UserError as exc:
            out[vid] = exc
    waited: list[tuple[PreparedMint, list[tuple[MintRecord, TxReceipt | None]]]] = []
    top = -1
    for prepared, rows in started:  # 2. receipts, not yet persisted
        try:
            pairs = [(row, None if row.status == MintStatus.CONFIRMED else minter.await_sent(row, durable=False))
                     for row in rows]
        except ChainUnavailableError:
            raise
        except UserError as exc:
            out[prepared.verification.verification_id] = exc
            continue
        top = max([top, *(int(r["blockNumber"]) for _, r in pairs if r is not None)])
        waited.append((prepared, pairs))
    if top >= 0:  # 3. one wait for the node to persist the highest block
        minter.client.ensure_durable(top)
    for prepared, pairs in waited:  # 4. confirmed rows, then the recommendation moves to minted
        vid = prepared.verification.verification_id
        try:
            done = [row if receipt is None else minter.confirm_sent(row, receipt) for row, receipt in pairs]
            out[vid] = minter.finish(prepared, done)
        except ChainUnavailableError:
            raise
        except UserError as exc:
            out[vid] = exc
    return {vid: out[vid] for vid in verification_ids if vid in out}
