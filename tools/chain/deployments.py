"""The two token deployments on one network: deploy once, check the chain, read events and balances.

A :class:`TokenChain` joins a :class:`tools.chain.ChainClient` to the ledger's deployment records
of one *network* (a name: ``embedded`` for the app's anvil node, ``memory`` for the in-process
EVM, ``chain-<id>`` or a configured name for a JSON-RPC URL). Before any write it checks that the
node is the chain the tokens were deployed on: same chain id, same genesis block, and the
artefact's runtime code at each recorded address.

Exactly-once deployment: the deployer's next nonce fixes the CREATE address, so before sending,
the ledger records an intent (deployer, nonce, predicted address, chain head). A deploy after a
crash asks the chain for code at the predicted address: the artefact's code there is the token
(recorded, never deployed again); no code and the nonce still unused means nothing was mined, so
the same nonce is sent again; the nonce used by something else fails the intent, with its error.

The admin key deploys (and holds DEFAULT_ADMIN_ROLE); the minter key gets MINTER_ROLE.
Deployments of the earlier one-key contract (``Deployment.minter`` is None) stay readable;
:meth:`TokenChain.require_current` refuses the writes their code lacks (retire with an id, anchor).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import EventData, TxReceipt

from tools.chain.client import (
    ChainClient,
    ChainError,
    ChainMismatchError,
    ChainResponseError,
    TransactionFailedError,
    TransactionRevertedError,
    create_address,
    hex32,
)
from tools.ledger import Ledger
from tools.ledger.mints import (
    get_deploy_intent,
    get_deployment,
    record_deploy_intent,
    store_deployment,
    update_deploy_intent,
)
from tools.tokens import (
    PENDING_STATUSES,
    TOKENS,
    ChainEvent,
    DeployIntent,
    Deployment,
    MintStatus,
    TokenKey,
    units_to_str,
)

LOG_CHUNK_BLOCKS = 10_000  # eth_getLogs range per request (public RPCs cap it)
EMPTY_CODE_HASH = "0x" + Web3.keccak(b"").hex().removeprefix("0x")
ANCHOR_TOKEN: TokenKey = "kgco2e"  # audit anchors are sent to the carbon token


LEGACY_RETIRED_EVENT: dict[str, Any] = {
    "type": "event", "name": "Retired", "anonymous": False, "inputs": [
        {"name": "from", "type": "address", "indexed": True, "internalType": "address"},
        {"name": "amount", "type": "uint256", "indexed": False, "internalType": "uint256"},
        {"name": "reason", "type": "string", "indexed": False, "internalType": "string"}]}
"""``Retired`` of the earlier contract version (no retire id), to read old deployments' events."""


class NotDeployedError(ValueError):
    """No token is recorded for this network in the ledger."""


class LegacyDeploymentError(ChainMismatchError):
    """The recorded token runs an earlier contract version that lacks the requested function."""


def same_address(a: str, b: str) -> bool:
    return Web3.to_checksum_address(a) == Web3.to_checksum_address(b)


def _legacy(dep: Deployment, network: str) -> str:
    return (f"{dep.symbol} at {dep.address} (network {network!r}) runs an earlier version of "
            f"EnergySavingsToken (one key for admin and minter, no exactly-once retirement, no audit "
            f"anchors). Reads and reconcile still work on it. To use this version, deploy new tokens: "
            f"stop the node, move its state file aside (embedded: `chain-down`, then "
            f"<data dir>/chain/anvil-state.json) and run `reconcile --repair`, which deploys them and "
            f"re-mints the ledger's confirmed mints to their recorded recipients")


class TokenChain:
    """Token deployments of ``network`` over ``client``, recorded in ``ledger``.

    ``client`` signs as the minter; ``admin`` (default: ``client``, one key for both roles) is
    the client that deploys.
    """

    def __init__(self, ledger: Ledger, client: ChainClient, *, network: str, actor: str = "system",
                 admin: ChainClient | None = None) -> None:
        self.ledger = ledger
        self.client = client
        self.admin = admin or client
        self.network = network
        self.actor = actor
        self._checked = False

    # -- deployments ---------------------------------------------------------------------------
    def deploy(self) -> dict[TokenKey, Deployment]:
        """Deploy each token once (admin = the admin key, minter = the minter key) and record it;
        recorded tokens are checked, not redeployed; a deployment interrupted by a crash is
        recovered from the chain. Idempotent."""
        out: dict[TokenKey, Deployment] = {}
        for key in TOKENS:
            recorded = get_deployment(self.ledger, self.network, key)
            out[key] = recorded if recorded is not None else self._deploy_one(key)
        self._checked = False
        self.check_chain()
        return out

    def _deploy_one(self, key: TokenKey) -> Deployment:
        intent = get_deploy_intent(self.ledger, self.network, key)
        if intent is not None and intent.status in PENDING_STATUSES:
            done = self._recover(intent)
            if done is not None:
                return done
        return self._send(self._new_intent(key))

    def _new_intent(self, key: TokenKey) -> DeployIntent:
        deployer = self.admin.signer.address
        nonce = self.admin.nonce(deployer, "pending")
        now = self.ledger.now_iso()
        return record_deploy_intent(self.ledger, DeployIntent(
            network=self.network, token=key, chain_id=self.client.chain_id,
            genesis_hash=self.client.genesis_hash, deployer=deployer,
            minter=self.client.signer.address, nonce=nonce,
            predicted_address=create_address(deployer, nonce), from_block=self.client.block_number(),
            status=MintStatus.INTENT, created_utc=now, updated_utc=now), self.actor)

    def _send(self, intent: DeployIntent) -> Deployment:
        spec = TOKENS[intent.token]
        if not same_address(self.admin.signer.address, intent.deployer):
            raise ChainMismatchError(f"the deployment of {spec.symbol} on {self.network!r} was intended "
                                     f"from {intent.deployer}, but the admin key is "
                                     f"{self.admin.signer.address}")
        artefact = self.client.artefact
        factory = self.client.w3.eth.contract(abi=artefact.abi, bytecode=artefact.bytecode)
        doing = f"deploying {spec.symbol}"
        with self._recording_failure(intent):
            tx_hash = self.admin.transact(
                factory.constructor(spec.name, spec.symbol, intent.deployer, intent.minter), doing,
                nonce=intent.nonce)
        intent = update_deploy_intent(self.ledger, intent, "deploy-sent", self.actor,
                                      status=MintStatus.SENT, tx_hash=hex32(tx_hash),
                                      attempts=intent.attempts + 1, last_error=None)
        return self._record(intent, self._receipt(intent, doing), recovered=False)

    def _receipt(self, intent: DeployIntent, doing: str) -> TxReceipt:
        assert intent.tx_hash is not None
        with self._recording_failure(intent):
            return self.admin.wait(intent.tx_hash, doing)

    @contextmanager
    def _recording_failure(self, intent: DeployIntent) -> Iterator[None]:
        """Record a failed attempt on its intent and re-raise: ``failed`` when the chain refused or
        reverted it (it can never succeed as sent), else pending with the node's error."""
        try:
            yield
        except (TransactionRevertedError, TransactionFailedError) as exc:
            update_deploy_intent(self.ledger, intent, "deploy-failed", self.actor, status=MintStatus.FAILED,
                                 last_error=f"{type(exc).__name__}: {exc}")
            raise
        except ChainError as exc:
            update_deploy_intent(self.ledger, intent, "deploy-error", self.actor,
                                 last_error=f"{type(exc).__name__}: {exc}")
            raise

    def _recover(self, intent: DeployIntent) -> Deployment | None:
        """Finish a pending intent (after a crash or an error): the token when the chain holds it at
        the predicted address (recorded as recovered); the intent sent again when its nonce is
        still unused; None when the intent can never complete (marked failed: make a new one)."""
        symbol = TOKENS[intent.token].symbol
        if self.client.chain_id != intent.chain_id or self.client.genesis_hash != intent.genesis_hash:
            update_deploy_intent(self.ledger, intent, "deploy-failed", self.actor, status=MintStatus.FAILED,
                                 last_error=f"the node at {self.client.label} is no longer the chain this "
                                            f"deployment was intended for")
            return None
        code_hash = self.client.code_hash(intent.predicted_address)
        if code_hash == self.client.artefact.code_hash():
            tx_hash = intent.tx_hash or self.client.find_transaction(intent.deployer, intent.nonce,
                                                                     intent.from_block)
            if tx_hash is None:
                raise ChainResponseError(f"{symbol} is deployed at {intent.predicted_address} but the "
                                         f"transaction of {intent.deployer} with nonce {intent.nonce} "
                                         f"was not found from block {intent.from_block}")
            receipt = self.admin.wait(tx_hash, f"recovering the deployment of {symbol}")
            return self._record(intent.model_copy(update={"tx_hash": tx_hash}), receipt, recovered=True)
        if code_hash != EMPTY_CODE_HASH:
            raise ChainMismatchError(f"{intent.predicted_address}, where {symbol} was to be deployed, "
                                     f"holds other code on {self.client.label}")
        queued = self.client.nonce(intent.deployer, "pending") > intent.nonce
        if queued and intent.tx_hash and self.client.receipt_if_any(intent.tx_hash) is None:
            # sent, not mined yet (a chain without automine): wait for it
            return self._record(intent, self._receipt(intent, f"deploying {symbol}"), recovered=False)
        if queued or self.client.nonce(intent.deployer) > intent.nonce:
            update_deploy_intent(self.ledger, intent, "deploy-failed", self.actor, status=MintStatus.FAILED,
                                 last_error=f"nonce {intent.nonce} of {intent.deployer} was used without "
                                            f"deploying {symbol} at {intent.predicted_address}")
            return None
        if not same_address(intent.deployer, self.admin.signer.address):
            update_deploy_intent(self.ledger, intent, "deploy-failed", self.actor, status=MintStatus.FAILED,
                                 last_error=f"nothing was deployed by {intent.deployer}, and the admin key is "
                                            f"now {self.admin.signer.address}")
            return None
        return self._send(intent)  # nothing mined or queued for the nonce: send the same intent again

    def _record(self, intent: DeployIntent, receipt: TxReceipt, *, recovered: bool) -> Deployment:
        spec = TOKENS[intent.token]
        doing = f"deploying {spec.symbol}"
        address = receipt["contractAddress"]
        if not address or not same_address(address, intent.predicted_address):
            raise ChainResponseError(f"receipt of {intent.tx_hash} deployed at {address}, not at the "
                                     f"predicted {intent.predicted_address} ({doing})")
        code_hash = self.client.code_hash(address)
        if code_hash != self.client.artefact.code_hash():
            raise ChainResponseError(f"code deployed at {address} does not match the artefact ({doing})")
        self.admin.ensure_durable(int(receipt["blockNumber"]))
        deployment = Deployment(
            network=self.network, token=intent.token, chain_id=intent.chain_id,
            genesis_hash=intent.genesis_hash, address=Web3.to_checksum_address(address), name=spec.name,
            symbol=spec.symbol, admin=intent.deployer, minter=intent.minter,
            tx_hash=hex32(receipt["transactionHash"]), block=int(receipt["blockNumber"]),
            gas_used=int(receipt["gasUsed"]), code_hash=code_hash, created_utc=self.ledger.now_iso())
        store_deployment(self.ledger, deployment, self.actor, recovered=recovered)
        return deployment

    def deployment(self, key: TokenKey) -> Deployment:
        """The recorded deployment of token ``key`` (ledger only, no chain access)."""
        found = get_deployment(self.ledger, self.network, key)
        if found is None:
            raise NotDeployedError(f"no {TOKENS[key].symbol} token is deployed on network "
                                   f"{self.network!r}: run `python app.py chain-up` first")
        return found

    def deployments(self) -> dict[TokenKey, Deployment]:
        return {key: self.deployment(key) for key in TOKENS}

    def check_chain(self) -> None:
        """Refuse to act unless the node is the chain the tokens were deployed on (cached)."""
        if self._checked:
            return
        for dep in self.deployments().values():
            where = f"{dep.symbol} at {dep.address} (network {self.network!r})"
            if self.client.chain_id != dep.chain_id:
                raise ChainMismatchError(f"node at {self.client.label} has chain id {self.client.chain_id}"
                                         f" but {where} was deployed on chain id {dep.chain_id}")
            if self.client.genesis_hash != dep.genesis_hash:
                raise ChainMismatchError(
                    f"node at {self.client.label} is a different chain from the one {where} was "
                    f"deployed on (genesis {self.client.genesis_hash[:12]}.. vs recorded "
                    f"{dep.genesis_hash[:12]}..): was its state file lost or replaced? "
                    f"(`reconcile --repair` deploys the tokens again and re-mints the ledger's mints)")
            if self.client.code_hash(dep.address) != dep.code_hash:
                raise ChainMismatchError(f"the code at {where} is not the recorded token's code "
                                         f"on {self.client.label}")
        self._checked = True

    def lost_deployments(self) -> list[Deployment]:
        """Recorded deployments this node no longer holds (a different genesis, or no code at the
        address): its state was lost. Refuses a node of another chain id."""
        lost = []
        for dep in self.deployments().values():
            if self.client.chain_id != dep.chain_id:
                raise ChainMismatchError(f"node at {self.client.label} has chain id {self.client.chain_id}"
                                         f" but {dep.symbol} was deployed on chain id {dep.chain_id}: "
                                         f"refusing to repair on another chain")
            if self.client.genesis_hash != dep.genesis_hash \
                    or self.client.code_hash(dep.address) == EMPTY_CODE_HASH:
                lost.append(dep)
        return lost

    def require_current(self, key: TokenKey, doing: str) -> Deployment:
        """The deployment of ``key`` if it runs this version's contract; LegacyDeploymentError
        (naming what to do) for a token deployed from an earlier version."""
        dep = self.deployment(key)
        if dep.code_hash != self.client.artefact.code_hash():
            raise LegacyDeploymentError(f"cannot {doing}: {_legacy(dep, self.network)}")
        return dep

    def require_minter(self, key: TokenKey) -> Deployment:
        """The deployment of ``key`` if the client's signer is its recorded minter (the admin of an
        earlier one-key deployment); refuses before anything is sent otherwise."""
        dep = self.deployment(key)
        signer = self.client.signer.address
        if dep.minter is None and not same_address(dep.admin, signer):
            raise LegacyDeploymentError(f"cannot mint with {signer}: {_legacy(dep, self.network)}; only its "
                                        f"admin {dep.admin} may mint on it")
        if dep.minter is not None and not same_address(dep.minter, signer):
            raise ChainMismatchError(f"{dep.symbol} at {dep.address} (network {self.network!r}) is minted "
                                     f"by {dep.minter}, but the signing key is {signer}")
        return dep

    def contract(self, key: TokenKey) -> Contract:
        return self.client.token(self.deployment(key).address)

    # -- reads ---------------------------------------------------------------------------------
    def logs(self, key: TokenKey, event: str, filters: dict[str, Any] | None = None
             ) -> list[EventData]:
        """All ``event`` logs of token ``key`` since its deployment block (chunked ranges)."""
        dep = self.deployment(key)
        contract = self.client.token(dep.address)
        if event == "Retired" and dep.code_hash != self.client.artefact.code_hash():
            abi = [e for e in self.client.artefact.abi if e.get("name") != "Retired"] + [LEGACY_RETIRED_EVENT]
            contract = self.client.w3.eth.contract(address=contract.address, abi=abi)
        head = self.client.block_number()
        out: list[EventData] = []
        start = dep.block
        while start <= head:
            end = min(head, start + LOG_CHUNK_BLOCKS - 1)
            chunk = self.client.call(
                f"reading {event} events of {dep.symbol}",
                lambda s=start, e=end: list(contract.events[event].get_logs(  # type: ignore[misc]
                    argument_filters=filters, from_block=s, to_block=e)))
            out.extend(chunk)
            start = end + 1
        return out

    def receipt_events(self, key: TokenKey, event: str, receipt: TxReceipt) -> list[EventData]:
        """``event`` logs of token ``key`` inside ``receipt`` (other events are skipped)."""
        contract = self.contract(key)
        return [e for e in contract.events[event]().process_receipt(receipt, errors=DISCARD)
                if same_address(e["address"], contract.address)]

    def to_event(self, key: TokenKey, log: EventData) -> ChainEvent:
        args = log["args"]
        minted = log["event"] == "SavingsMinted"
        units = int(args["amount"])
        return ChainEvent(
            token=key, event="SavingsMinted" if minted else "Retired", block=int(log["blockNumber"]),
            log_index=int(log["logIndex"]), tx_hash=hex32(log["transactionHash"]),
            account=Web3.to_checksum_address(args["to"] if minted else args["from"]),
            amount_units=units, amount=units_to_str(units),
            evidence_hash=hex32(args["evidenceHash"]) if minted else None,
            reason=None if minted else str(args["reason"]),
            retire_id=hex32(args["retireId"]) if "retireId" in args else None)

    def history(self) -> list[ChainEvent]:
        """Every mint and retirement of both tokens, in chain order."""
        self.check_chain()
        events = [self.to_event(key, log) for key in TOKENS for name in ("SavingsMinted", "Retired")
                  for log in self.logs(key, name)]
        return sorted(events, key=lambda e: (e.block, e.log_index))

    def anchors(self, head: str | None = None) -> list[dict[str, Any]]:
        """``AuditAnchored`` events on the carbon token (optionally only those of ``head``), in
        chain order: head (0x-hex), rows, sender, block, tx hash."""
        self.check_chain()
        filters = {"head": bytes.fromhex(head.removeprefix("0x"))} if head else None
        out = [{"head": hex32(e["args"]["head"]), "rows": int(e["args"]["rows"]),
                "by": Web3.to_checksum_address(e["args"]["by"]), "block": int(e["blockNumber"]),
                "log_index": int(e["logIndex"]), "tx_hash": hex32(e["transactionHash"]),
                "token": ANCHOR_TOKEN, "address": self.deployment(ANCHOR_TOKEN).address}
               for e in self.logs(ANCHOR_TOKEN, "AuditAnchored", filters)]
        return sorted(out, key=lambda a: (a["block"], a["log_index"]))

    def last_anchor(self) -> dict[str, Any] | None:
        """The latest ``AuditAnchored`` event (head as 0x-hex, rows, sender, block, tx hash), or
        None when the audit log was never anchored on this network."""
        anchors = self.anchors()
        return anchors[-1] if anchors else None

    def balance(self, address: str) -> dict[TokenKey, int]:
        """Balance of ``address`` per token, in 10^-18 units."""
        self.check_chain()
        who = Web3.to_checksum_address(address)
        return {key: int(self.client.call(f"reading the {TOKENS[key].symbol} balance of {who}",
                                          self.contract(key).functions.balanceOf(who).call))
                for key in TOKENS}

    def total_supply(self) -> dict[TokenKey, int]:
        self.check_chain()
        return {key: int(self.client.call(f"reading the {TOKENS[key].symbol} total supply",
                                          self.contract(key).functions.totalSupply().call))
                for key in TOKENS}
