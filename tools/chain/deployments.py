"""The two token deployments on one network: deploy once, check the chain, read events and balances.

A :class:`TokenChain` joins a :class:`tools.chain.ChainClient` to the ledger's deployment records
of one *network* (a name: ``embedded`` for the app's anvil node, ``memory`` for the in-process
EVM, ``chain-<id>`` or a configured name for a JSON-RPC URL). Before any write it checks that the
node is the chain the tokens were deployed on: same chain id, same genesis block, and the
artefact's runtime code at each recorded address.
"""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import EventData, TxReceipt

from tools.chain.client import ChainClient, ChainMismatchError, ChainResponseError, hex32
from tools.ledger import Ledger
from tools.ledger.mints import get_deployment, store_deployment
from tools.tokens import TOKENS, ChainEvent, Deployment, TokenKey, units_to_str

LOG_CHUNK_BLOCKS = 10_000  # eth_getLogs range per request (public RPCs cap it)


class NotDeployedError(ValueError):
    """No token is recorded for this network in the ledger."""


def same_address(a: str, b: str) -> bool:
    return Web3.to_checksum_address(a) == Web3.to_checksum_address(b)


class TokenChain:
    """Token deployments of ``network`` over ``client``, recorded in ``ledger``."""

    def __init__(self, ledger: Ledger, client: ChainClient, *, network: str, actor: str = "system"
                 ) -> None:
        self.ledger = ledger
        self.client = client
        self.network = network
        self.actor = actor
        self._checked = False

    # -- deployments ---------------------------------------------------------------------------
    def deploy(self) -> dict[TokenKey, Deployment]:
        """Deploy each token once (admin = the signer) and record it; already recorded tokens are
        checked, not redeployed. Idempotent."""
        out: dict[TokenKey, Deployment] = {}
        for key in TOKENS:
            recorded = get_deployment(self.ledger, self.network, key)
            out[key] = recorded if recorded is not None else self._deploy_one(key)
        self._checked = False
        self.check_chain()
        return out

    def _deploy_one(self, key: TokenKey) -> Deployment:
        spec = TOKENS[key]
        artefact = self.client.artefact
        admin = self.client.signer.address
        factory = self.client.w3.eth.contract(abi=artefact.abi, bytecode=artefact.bytecode)
        doing = f"deploying {spec.symbol}"
        tx_hash = self.client.transact(factory.constructor(spec.name, spec.symbol, admin), doing)
        receipt = self.client.wait(tx_hash, doing)
        address = receipt["contractAddress"]
        if not address:
            raise ChainResponseError(f"receipt of {hex32(tx_hash)} has no contract address ({doing})")
        code_hash = self.client.code_hash(address)
        if code_hash != artefact.code_hash():
            raise ChainResponseError(f"code deployed at {address} does not match the artefact ({doing})")
        deployment = Deployment(
            network=self.network, token=key, chain_id=self.client.chain_id,
            genesis_hash=self.client.genesis_hash, address=str(address), name=spec.name,
            symbol=spec.symbol, admin=admin, tx_hash=hex32(tx_hash),
            block=int(receipt["blockNumber"]), gas_used=int(receipt["gasUsed"]), code_hash=code_hash,
            created_utc=self.ledger.now_iso())
        store_deployment(self.ledger, deployment, self.actor)
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
                    f"{dep.genesis_hash[:12]}..): was its state file lost or replaced?")
            if self.client.code_hash(dep.address) != dep.code_hash:
                raise ChainMismatchError(f"the code at {where} is not the recorded token's code "
                                         f"on {self.client.label}")
        self._checked = True

    def contract(self, key: TokenKey) -> Contract:
        return self.client.token(self.deployment(key).address)

    # -- reads ---------------------------------------------------------------------------------
    def logs(self, key: TokenKey, event: str, filters: dict[str, Any] | None = None
             ) -> list[EventData]:
        """All ``event`` logs of token ``key`` since its deployment block (chunked ranges)."""
        dep = self.deployment(key)
        contract = self.client.token(dep.address)
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
            reason=None if minted else str(args["reason"]))

    def history(self) -> list[ChainEvent]:
        """Every mint and retirement of both tokens, in chain order."""
        self.check_chain()
        events = [self.to_event(key, log) for key in TOKENS for name in ("SavingsMinted", "Retired")
                  for log in self.logs(key, name)]
        return sorted(events, key=lambda e: (e.block, e.log_index))

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
