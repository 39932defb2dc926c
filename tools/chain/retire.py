"""Retire (burn) tokens exactly once per retirement, across crashes and retries.

A retirement burns the *holder's* tokens, so the holder signs it: with the embedded node's keys
that is the admin key (the default recipient of every mint); with one configured key, that key.

Exactly once, per retirement (``retire_id``, 32 random bytes passed to the contract):
    1. the ledger records the *intent* (holder, token, amount, reason, retire_id) before any send;
    2. a retry first looks on chain for a ``Retired`` event of the holder with that retire id and,
       if found, records it (*recovered*); the contract itself refuses a second burn under the same
       id (``RetireIdAlreadyUsed``), so a resend can never burn twice;
    3. otherwise it sends ``retire``; the ledger records *sent* (tx hash), then *confirmed* (block,
       gas) once the receipt holds the matching event;
    4. a refusal by the contract (``ERC20InsufficientBalance`` ...) or a reverted transaction is
       recorded *failed* with its error; a node fault (down, timeout) leaves the row pending with
       its error, to be resumed.
:meth:`Retirements.retire` resumes a pending retirement with the same token, holder, amount and
reason instead of starting a second one (re-running a command that crashed completes it);
:meth:`Retirements.resume` drives every pending retirement of the network to an end.
Amounts in 10^-18 token units.
"""

from __future__ import annotations

import re

from web3 import Web3
from web3.types import EventData, TxReceipt

from tools.chain.client import (
    ChainClient,
    ChainError,
    ChainMismatchError,
    ChainResponseError,
    TransactionFailedError,
    TransactionRevertedError,
    hex32,
)
from tools.chain.deployments import TokenChain, same_address
from tools.chain.errors import InsufficientBalanceError, MintError
from tools.ledger.mints import (
    get_retirement,
    pending_retirements,
    record_retirement_intent,
    update_retirement,
)
from tools.tokens import TOKENS, MintStatus, Retirement, TokenKey, units_to_str

MAX_REASON_CHARS = 500
_HASH32 = re.compile(r"^0x[0-9a-f]{64}$")


def retire_id_bytes(retire_id: str) -> bytes:
    """The contract's ``bytes32 retireId`` of a ledger retire id (0x-hex; ids of rows made before
    retire ids reached the contract are hashed: keccak256 of the id's text)."""
    if _HASH32.match(retire_id):
        return bytes.fromhex(retire_id[2:])
    return bytes(Web3.keccak(text=retire_id))


class Retirements:
    """Retirements of ``chain``'s network, signed by ``holder`` (whose tokens are burned)."""

    def __init__(self, chain: TokenChain, holder: ChainClient, *, actor: str) -> None:
        self.chain = chain
        self.holder = holder
        self.ledger = chain.ledger
        self.actor = actor

    def retire(self, amount_units: int, reason: str, token: TokenKey = "kgco2e") -> Retirement:
        """Burn ``amount_units`` (10^-18 token) of the holder's ``token``, recording ``reason``;
        a pending retirement with the same token, holder, amount and reason is resumed instead."""
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON_CHARS:
            raise MintError(f"reason must be 1-{MAX_REASON_CHARS} characters, got {len(reason)}")
        if amount_units <= 0:
            raise MintError(f"retire amount must be positive, got {amount_units} units")
        symbol = TOKENS[token].symbol
        dep = self.chain.require_current(token, f"retire {symbol}")
        holder = self.holder.signer.address
        for row in pending_retirements(self.ledger, self.chain.network):
            if (row.token == token and same_address(row.holder, holder)
                    and row.amount_units == amount_units and row.reason == reason):
                return self.complete(row)
        have = self.chain.balance(holder)[token]
        if have < amount_units:
            raise InsufficientBalanceError(
                f"cannot retire {units_to_str(amount_units)} {symbol}: {holder} holds {units_to_str(have)}")
        row = record_retirement_intent(self.ledger, network=self.chain.network, token=token,
                                       token_address=dep.address, holder=holder,
                                       amount_units=amount_units, reason=reason, actor=self.actor)
        return self.complete(row, fresh=True)

    def resume(self) -> list[Retirement]:
        """Drive every pending retirement of the network that this holder signs to confirmed or
        failed (oldest first); a node fault stops the run (the rest stay pending)."""
        done = []
        for row in pending_retirements(self.ledger, self.chain.network):
            if not same_address(row.holder, self.holder.signer.address):
                continue
            try:
                done.append(self.complete(row))
            except (MintError, TransactionRevertedError, TransactionFailedError):
                done.append(get_retirement(self.ledger, row.retire_id) or row)
        return done

    def complete(self, row: Retirement, *, fresh: bool = False) -> Retirement:
        """Drive one pending retirement on. ``fresh``: its intent was written by this call, so
        nothing can be on chain yet and the event lookup is skipped."""
        if row.status == MintStatus.CONFIRMED:
            return row
        if row.status == MintStatus.FAILED:
            raise MintError(f"retirement {row.retire_id} failed: {row.last_error}")
        if not same_address(row.holder, self.holder.signer.address):
            raise MintError(f"retirement {row.retire_id} burns the tokens of {row.holder}, but the "
                            f"retiring key is {self.holder.signer.address}")
        symbol = TOKENS[row.token].symbol
        doing = f"retiring {row.amount} {symbol} ({row.retire_id})"
        try:
            self.chain.check_chain()
            dep = self.chain.require_current(row.token, f"retire {symbol}")
            if not same_address(dep.address, row.token_address):
                raise ChainMismatchError(f"retirement {row.retire_id} was intended for {row.token_address}"
                                         f", but network {self.chain.network!r} has {dep.address}")
            if not fresh:
                found = self._event(row)
                if found is not None:
                    return self._confirm(row, found, recovered=True)
                if row.status == MintStatus.SENT and row.tx_hash:
                    receipt = self.holder.receipt_if_any(row.tx_hash)
                    if receipt is not None and int(receipt["status"]) != 1:
                        raise TransactionFailedError(f"transaction {row.tx_hash} failed (status 0) in "
                                                     f"block {receipt['blockNumber']} while {doing}")
            contract = self.chain.contract(row.token)
            rid = retire_id_bytes(row.retire_id)
            try:
                tx_hash = self.holder.transact(contract.functions.retire(row.amount_units, rid, row.reason),
                                               doing)
            except TransactionRevertedError as exc:
                found = self._event(row) if exc.error == "RetireIdAlreadyUsed" else None
                if found is not None:  # burned meanwhile by an earlier attempt
                    return self._confirm(row, found, recovered=True)
                raise
            row = update_retirement(self.ledger, row, self.actor, status=MintStatus.SENT,
                                    tx_hash=hex32(tx_hash), attempts=row.attempts + 1, last_error=None)
            receipt = self.holder.wait(tx_hash, doing)
            events = [e for e in self.chain.receipt_events(row.token, "Retired", receipt)
                      if hex32(e["args"]["retireId"]) == hex32(rid)]
            if len(events) != 1:
                raise ChainResponseError(f"receipt of {hex32(tx_hash)} holds no Retired event with id "
                                         f"{row.retire_id}")
            return self._confirm(row, self._checked(row, events[0]), recovered=False, receipt=receipt)
        except (TransactionRevertedError, TransactionFailedError) as exc:
            current = get_retirement(self.ledger, row.retire_id) or row
            update_retirement(self.ledger, current, self.actor, status=MintStatus.FAILED,
                              last_error=f"{type(exc).__name__}: {exc}")
            raise
        except ChainError as exc:
            current = get_retirement(self.ledger, row.retire_id) or row
            update_retirement(self.ledger, current, self.actor, action="retire-error",
                              last_error=f"{type(exc).__name__}: {exc}")
            raise

    def _event(self, row: Retirement) -> EventData | None:
        """The chain's ``Retired`` event of this retirement (by holder and retire id), or None."""
        events = self.chain.logs(row.token, "Retired", {"retireId": retire_id_bytes(row.retire_id),
                                                        "from": Web3.to_checksum_address(row.holder)})
        if not events:
            return None
        if len(events) != 1:
            raise ChainResponseError(f"{len(events)} Retired events carry retire id {row.retire_id}")
        return self._checked(row, events[0])

    @staticmethod
    def _checked(row: Retirement, event: EventData) -> EventData:
        args = event["args"]
        if (not same_address(args["from"], row.holder) or int(args["amount"]) != row.amount_units
                or args["reason"] != row.reason):
            raise ChainResponseError(
                f"retire id {row.retire_id} was used on chain by {args['from']} for "
                f"{units_to_str(int(args['amount']))} ({args['reason']!r}), but the ledger intended "
                f"{row.holder} for {row.amount} ({row.reason!r}): investigate before retiring again")
        return event

    def _confirm(self, row: Retirement, event: EventData, *, recovered: bool,
                 receipt: TxReceipt | None = None) -> Retirement:
        tx_hash = hex32(event["transactionHash"])
        if receipt is None:
            receipt = self.holder.receipt_if_any(tx_hash)
        if receipt is None or int(receipt["status"]) != 1:
            raise ChainResponseError(f"event of retirement {row.retire_id} points at transaction "
                                     f"{tx_hash}, which has no successful receipt")
        self.holder.ensure_durable(int(receipt["blockNumber"]))
        return update_retirement(self.ledger, row, self.actor,
                                 action="retire-recovered" if recovered else None,
                                 status=MintStatus.CONFIRMED, tx_hash=tx_hash,
                                 block=int(event["blockNumber"]), gas_used=int(receipt["gasUsed"]),
                                 last_error=None)
