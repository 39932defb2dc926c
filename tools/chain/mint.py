"""Mint verified savings as tokens, exactly once; retire them; reconcile the ledger with the chain.

Amounts come only from the stored verification, and a saving mints ONE token
(:func:`tools.tokens.token_for_kind`): a shift mints ``mintable_kgco2e`` (its conservative lower
bound) as kgCO2eSave; an energy saving mints ``mintable_kwh`` as kWhSave and its carbon
consequence is reported, never minted. The amount is converted exactly to 18-decimal units,
rounding down (:func:`tools.tokens.to_units`); 0 is not minted. The evidence hash passed to the
contract is the verification's ``evidence_hash``, re-derived from the record before every mint
(a record edited since verification is refused), and the verification must hold the claim on its
(job, kind of change): a saving re-verified under another plan is never minted again.

Exactly once, per (verification, token):
    1. the ledger records the *intent* (amount, recipient, token, evidence hash) before any send;
    2. a retry (after a crash, a timeout or a node outage) first looks on chain for a
       ``SavingsMinted`` event with that evidence hash and, if found, records it (*recovered*);
    3. otherwise it sends ``mint``; the ledger records *sent* (tx hash), then *confirmed*
       (block, gas) once the receipt and its event match what was asked;
    4. the contract itself refuses a reused evidence hash; that revert is decoded and reported
       as "already minted" (:class:`tools.chain.AlreadyMintedError`).
When every non-zero token is confirmed, the recommendation moves ``verified -> minted``.

Keys: the client's signer mints (MINTER_ROLE); ``admin`` (default: the same signer) deploys and,
holding the minted tokens by default, retires them (``tools.chain.retire``). Audit anchors are sent
by the minter (``tools.chain.anchor``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from web3 import Web3
from web3.types import EventData, TxReceipt

from tools.chain.anchor import Anchors, anchor_out
from tools.chain.client import (
    AlreadyMintedError,
    ChainClient,
    ChainError,
    ChainMismatchError,
    ChainResponseError,
    Signer,
    hex32,
)
from tools.chain.deployments import NotDeployedError, TokenChain, same_address
from tools.chain.errors import InsufficientBalanceError, MintError
from tools.chain.retire import MAX_REASON_CHARS, Retirements
from tools.ledger import Ledger
from tools.ledger.mints import (
    get_mint,
    mark_confirmed,
    mark_error,
    mark_sent,
    record_intent,
)
from tools.ledger.plans import claim_of, load_verification, statuses, transition
from tools.records import RecStatus, Verification
from tools.tokens import (
    TOKENS,
    MintRecord,
    MintStatus,
    Retirement,
    TokenKey,
    to_units,
    token_for_kind,
    units_to_str,
)

__all__ = [
    "MAX_REASON_CHARS",
    "InsufficientBalanceError",
    "MintError",
    "MintOutcome",
    "MintPreview",
    "Minter",
    "NothingToMintError",
    "TokenAmount",
]


class NothingToMintError(MintError):
    """The verification's conservative amounts are 0 for both tokens."""


class NotClaimHolderError(MintError):
    """The verification does not hold the claim on its job's saving (another one does)."""


def minted_amounts(v: Verification) -> dict[TokenKey, int]:
    """The one token a verification mints and its amount in 10^-18 units (0: nothing to mint)."""
    key = token_for_kind(v.kind)
    return {key: to_units(getattr(v, TOKENS[key].field))}


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TokenAmount(_Out):
    token: TokenKey
    symbol: str
    unit: str
    address: str
    amount_units: int
    amount: str
    status: str = "new"  # new | intent | sent | confirmed | nothing (amount 0)


class MintPreview(_Out):
    """What a mint would do (ledger only, no chain access): shown for approval."""

    verification: Verification
    rec_status: str
    network: str
    chain_id: int
    recipient: str
    tokens: list[TokenAmount]


class MintOutcome(_Out):
    verification_id: str
    rec_id: str
    already_minted: bool
    rec_status: str
    mints: list[MintRecord]
    skipped: list[TokenKey]


class PreparedMint(BaseModel):
    """A verification ready to mint: its intents recorded, the chain not touched yet."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    verification: Verification
    rec_status: str | None
    skipped: list[TokenKey]
    fresh: set[TokenKey]
    rows: list[MintRecord]


def _doing(row: MintRecord) -> str:
    return f"minting {row.amount} {TOKENS[row.token].symbol} for {row.verification_id}"


class Minter:
    """Mint, retire, read and reconcile the tokens of one network for one ledger."""

    def __init__(self, ledger: Ledger, client: ChainClient, *, network: str,
                 recipient: str | None = None, actor: str = "system", admin: Signer | None = None
                 ) -> None:
        """``client`` signs mints and anchors; ``admin`` deploys and retires (default: the same
        signer, for one-key setups)."""
        self.ledger = ledger
        self.client = client
        self.admin = client.with_signer(admin) if admin is not None else client
        self.chain = TokenChain(ledger, client, network=network, actor=actor, admin=self.admin)
        self.network = network
        self.actor = actor
        if recipient is not None and not Web3.is_address(recipient):
            raise MintError(f"recipient {recipient!r} is not an Ethereum address")
        self._recipient = Web3.to_checksum_address(recipient) if recipient else None

    @property
    def recipient(self) -> str:
        """Configured recipient, else the tokens' admin (the deployer) recorded in the ledger,
        else (nothing deployed yet) the admin key: the holder that can retire them."""
        if self._recipient:
            return self._recipient
        try:
            return self.chain.deployment("kgco2e").admin
        except NotDeployedError:
            return self.admin.signer.address

    def deploy(self) -> dict[TokenKey, Any]:
        return {k: d.model_dump() for k, d in self.chain.deploy().items()}

    # -- mint ----------------------------------------------------------------------------------
    def preview(self, verification_id: str) -> MintPreview:
        """The verification, amount per token, addresses, recipient and chain id (no writes)."""
        v = load_verification(self.ledger, verification_id)
        deps = self.chain.deployments()
        tokens, recipient = [], None
        for key, units in minted_amounts(v).items():
            spec = TOKENS[key]
            row = get_mint(self.ledger, v.verification_id, key)
            tokens.append(TokenAmount(
                token=key, symbol=spec.symbol, unit=spec.unit,
                address=row.token_address if row else deps[key].address, amount_units=units,
                amount=units_to_str(units), status=row.status if row else ("new" if units else "nothing")))
            recipient = recipient or (row.recipient if row else None)  # a retry keeps its recipient
        recipient = recipient or self.recipient
        return MintPreview(verification=v, rec_status=statuses(self.ledger, [v.rec_id]).get(v.rec_id, "?"),
                           network=self.network, chain_id=deps["kgco2e"].chain_id,
                           recipient=recipient, tokens=tokens)

    def mint_verification(self, verification_id: str) -> MintOutcome:
        """Mint the verification's conservative savings, each token at most once, ever."""
        prepared = self.prepare(verification_id)
        if isinstance(prepared, MintOutcome):
            return prepared
        done = [self._complete(row, retry=row.token not in prepared.fresh) for row in prepared.rows]
        return self.finish(prepared, done)

    def prepare(self, verification_id: str) -> MintOutcome | PreparedMint:
        """Steps before the chain is touched: re-hash the verification, check it holds its claim and
        is 'verified', and record an intent per token still to mint. Returns the outcome when every
        token is confirmed already, else the rows to drive to confirmed (``fresh``: created now)."""
        v = load_verification(self.ledger, verification_id)  # re-hashed: refuses an edited record
        amounts = minted_amounts(v)
        wanted = [k for k, units in amounts.items() if units > 0]
        skipped = [k for k, units in amounts.items() if units == 0]
        if not wanted:
            key = token_for_kind(v.kind)
            raise NothingToMintError(
                f"verification {v.verification_id} ({v.kind}) has nothing to mint: its "
                f"{TOKENS[key].symbol} amount {getattr(v, TOKENS[key].field)} {TOKENS[key].unit} "
                f"(the 90% lower bound) is not positive")
        claim = claim_of(self.ledger, v.job_id, v.kind)
        if claim is None or claim["verification_id"] != v.verification_id:
            holder = (f"verification {claim['verification_id']} (plan {claim['plan_id']})"
                      if claim and claim["verification_id"] else
                      f"recommendation {claim['rec_id']} (plan {claim['plan_id']})" if claim else "no one")
            raise NotClaimHolderError(
                f"verification {v.verification_id} does not hold the {v.kind} saving of job {v.job_id}: "
                f"it is claimed by {holder}; one saving mints once")
        status = statuses(self.ledger, [v.rec_id]).get(v.rec_id)
        rows = {k: get_mint(self.ledger, v.verification_id, k) for k in wanted}
        if all(r is not None and r.status == MintStatus.CONFIRMED for r in rows.values()):
            done = [r for r in rows.values() if r is not None]
            if status == RecStatus.VERIFIED:  # confirmed before a crash, status not yet moved
                self._mark_minted(v, done)
            return MintOutcome(verification_id=v.verification_id, rec_id=v.rec_id, already_minted=True,
                               rec_status=RecStatus.MINTED, mints=done, skipped=skipped)
        retrying = any(r is not None for r in rows.values())
        if not (status == RecStatus.VERIFIED or (status == RecStatus.MINTED and retrying)):
            raise MintError(f"recommendation {v.rec_id} of verification {v.verification_id} is "
                            f"{status!r}; only a 'verified' recommendation can be minted")
        deps = self.chain.deployments()
        recipient = next((r.recipient for r in rows.values() if r is not None), None) or self.recipient
        fresh: set[TokenKey] = set()
        for key in wanted:  # 1. intents, before the chain is touched
            if rows[key] is None:
                fresh.add(key)
                now = self.ledger.now_iso()
                rows[key] = record_intent(self.ledger, MintRecord(
                    verification_id=v.verification_id, token=key, network=self.network,
                    chain_id=deps[key].chain_id, token_address=deps[key].address,
                    evidence_hash=v.evidence_hash, recipient=recipient, amount_units=amounts[key],
                    amount=units_to_str(amounts[key]), status=MintStatus.INTENT, created_utc=now,
                    updated_utc=now), self.actor)
        return PreparedMint(verification=v, rec_status=status, skipped=skipped, fresh=fresh,
                            rows=[r for r in rows.values() if r is not None])

    def finish(self, prepared: PreparedMint, done: list[MintRecord]) -> MintOutcome:
        """Once every row of ``prepared`` is confirmed (``done``): the recommendation moves to minted."""
        v = prepared.verification
        if prepared.rec_status == RecStatus.VERIFIED:
            self._mark_minted(v, done)
        return MintOutcome(verification_id=v.verification_id, rec_id=v.rec_id, already_minted=False,
                           rec_status=RecStatus.MINTED, mints=done, skipped=prepared.skipped)

    def _mark_minted(self, v: Verification, done: list[MintRecord]) -> None:
        transition(self.ledger, [v.rec_id], RecStatus.MINTED, actor=self.actor,
                   note=f"verification {v.verification_id}: " + ", ".join(
                       f"{r.amount} {TOKENS[r.token].symbol} tx {r.tx_hash}" for r in done))

    def _complete(self, row: MintRecord, *, retry: bool = True) -> MintRecord:
        """Drive one pending mint row to confirmed; on failure it stays pending, with the error.

        ``retry``: the row existed before this call (an earlier attempt may have reached the
        chain), so the chain is searched for its event before anything is sent. A row created
        by this call cannot have been sent; should the evidence have been minted elsewhere, the
        contract refuses and the event is looked up then.
        """
        row = self.start(row, retry=retry)
        if row.status == MintStatus.CONFIRMED:
            return row
        receipt = self.await_sent(row)
        return self.confirm_sent(row, receipt)

    def start(self, row: MintRecord, *, retry: bool = True) -> MintRecord:
        """Send one pending row's mint without waiting for it (recorded *sent*, with its tx hash), or
        return it confirmed when the chain already holds it (found by event, or by the receipt of
        the transaction it was sent in). On failure the row keeps the error and it is raised."""
        if row.status == MintStatus.CONFIRMED:
            return row
        try:
            self.chain.check_chain()
            dep = self.chain.require_minter(row.token)
            if not same_address(dep.address, row.token_address) or dep.chain_id != row.chain_id:
                raise ChainMismatchError(
                    f"mint of {row.verification_id}/{row.token} was intended for {row.token_address} on "
                    f"chain {row.chain_id}, but network {self.network!r} has {dep.address} on chain "
                    f"{dep.chain_id}")
            found = self._minted_event(row) if retry else None
            if found is not None:
                return self._confirm(row, found, recovered=True)
            if row.status == MintStatus.SENT and row.tx_hash:
                receipt = self.client.receipt_if_any(row.tx_hash)
                if receipt is not None and int(receipt["status"]) == 1:
                    events = self.chain.receipt_events(row.token, "SavingsMinted", receipt)
                    return self._confirm(row, self._matching(row, events), recovered=False,
                                         receipt=receipt)
            contract = self.chain.contract(row.token)
            try:
                tx_hash = self.client.transact(contract.functions.mint(
                    row.recipient, row.amount_units, bytes.fromhex(row.evidence_hash[2:])), _doing(row))
            except AlreadyMintedError:
                found = self._minted_event(row)  # minted meanwhile by another attempt?
                if found is not None:
                    return self._confirm(row, found, recovered=True)
                raise
            return mark_sent(self.ledger, row, hex32(tx_hash), self.actor)
        except ChainError as exc:
            mark_error(self.ledger, row, f"{type(exc).__name__}: {exc}", self.actor)
            raise

    def await_sent(self, row: MintRecord, *, durable: bool = True) -> TxReceipt:
        """The successful receipt of a sent row's transaction (waited for; with ``durable`` also
        persisted by the node). On failure the row keeps the error and it is raised."""
        try:
            return self.client.wait(str(row.tx_hash), _doing(row), durable=durable)
        except ChainError as exc:
            mark_error(self.ledger, row, f"{type(exc).__name__}: {exc}", self.actor)
            raise

    def confirm_sent(self, row: MintRecord, receipt: TxReceipt) -> MintRecord:
        """Record a sent row confirmed from its receipt, once its event matches what was asked and
        its block is persisted (waited for here unless already). On failure the row keeps the error."""
        try:
            events = self.chain.receipt_events(row.token, "SavingsMinted", receipt)
            return self._confirm(row, self._matching(row, events), recovered=False, receipt=receipt)
        except ChainError as exc:
            mark_error(self.ledger, row, f"{type(exc).__name__}: {exc}", self.actor)
            raise

    def _minted_event(self, row: MintRecord) -> EventData | None:
        events = self.chain.logs(row.token, "SavingsMinted",
                                 {"evidenceHash": bytes.fromhex(row.evidence_hash[2:])})
        return self._matching(row, events) if events else None

    @staticmethod
    def _matching(row: MintRecord, events: list[EventData]) -> EventData:
        """The one event that is exactly this mint; anything else is a validation error."""
        mine = [e for e in events if hex32(e["args"]["evidenceHash"]) == row.evidence_hash]
        if len(mine) != 1:
            raise ChainResponseError(f"expected one SavingsMinted event with evidence {row.evidence_hash}"
                                     f" at {row.token_address}, found {len(mine)}")
        args = mine[0]["args"]
        if not same_address(args["to"], row.recipient) or int(args["amount"]) != row.amount_units:
            raise ChainResponseError(
                f"evidence {row.evidence_hash} was minted on chain to {args['to']} for "
                f"{units_to_str(int(args['amount']))}, but the ledger intended {row.recipient} for "
                f"{row.amount}: investigate before minting again")
        return mine[0]

    def _confirm(self, row: MintRecord, event: EventData, *, recovered: bool,
                 receipt: TxReceipt | None = None) -> MintRecord:
        tx_hash = hex32(event["transactionHash"])
        if receipt is None or hex32(receipt["transactionHash"]) != tx_hash:
            receipt = self.client.receipt_if_any(tx_hash)
        if receipt is None or int(receipt["status"]) != 1:
            raise ChainResponseError(f"event of mint {row.verification_id}/{row.token} points at "
                                     f"transaction {tx_hash}, which has no successful receipt")
        if row.tx_hash is None or row.tx_hash != tx_hash:
            row = row.model_copy(update={"tx_hash": tx_hash})
        self.client.ensure_durable(int(receipt["blockNumber"]))  # on disk before it counts
        return mark_confirmed(self.ledger, row, tx_hash=tx_hash, block=int(event["blockNumber"]),
                              gas_used=int(receipt["gasUsed"]), actor=self.actor, recovered=recovered)

    def complete_mint(self, row: MintRecord) -> MintRecord:
        """Drive one pending mint row to confirmed, looking for its event first (the row may have
        reached the chain); ``reconcile --repair`` re-mints lost mints through it."""
        return self._complete(row, retry=True)

    # -- retire and anchor -----------------------------------------------------------------------
    def retirements(self) -> Retirements:
        """Retirements signed by the admin key (the default holder of minted tokens)."""
        return Retirements(self.chain, self.admin, actor=self.actor)

    def retire(self, amount_units: int, reason: str, token: TokenKey = "kgco2e") -> Retirement:
        """Burn ``amount_units`` (10^-18 token) of the admin's ``token`` exactly once, recording
        ``reason``; a pending retirement with the same token, amount and reason is resumed rather
        than started again (see ``tools.chain.retire``)."""
        return self.retirements().retire(amount_units, reason, token)

    def resume_retirements(self) -> list[Retirement]:
        """Drive every pending retirement of the network to confirmed or failed."""
        return self.retirements().resume()

    def anchor_audit(self, head: str, rows: int) -> dict[str, Any]:
        """Anchor the audit log (its head hash after ``rows`` rows) on the carbon token, signed by
        the minter; waits for the receipt. Returns the anchor with tx hash, block and gas."""
        return anchor_out(Anchors(self.chain, actor=self.actor).anchor(head, rows))

    # -- reads ---------------------------------------------------------------------------------
    def balance(self, address: str | None = None) -> dict[TokenKey, int]:
        """Balance per token (10^-18 units) of ``address`` (default: the recipient)."""
        return self.chain.balance(address or self.recipient)

    def history(self) -> list[dict[str, Any]]:
        return [e.model_dump() for e in self.chain.history()]
