"""Chain backends for the proof-of-savings token: one client over web3.py 8 for every node.

Backends
    in-process   ``EthereumTesterProvider`` (py-evm, Prague): tests and benchmarks; state lives in
                 the Python process only.
    JSON-RPC     any URL (the embedded anvil node, another anvil/Hardhat, a testnet); transactions
                 are signed by a local key (env var or encrypted keystore, see ``tools.chain.keys``)
                 or, when no key is configured, by the node's first unlocked account (the
                 embedded node has none: it signs with the data directory's own keys).

Durability: a client may carry a ``durable`` hook, called with the block number of every receipt
it reports as successful; the embedded node's hook waits until anvil has written that block to its
state file, so that nothing is reported confirmed that a node crash could still lose. The
in-process EVM has no hook (nothing to wait for).

Reverts are decoded in one place (:func:`decode_revert`): eth-tester raises ``TransactionFailed``
whose message holds the raw revert bytes, anvil raises web3's ``ContractCustomError`` with hex
data; both become :class:`TransactionRevertedError` naming the contract's custom error.
Connection failures become :class:`ChainUnavailableError` naming the URL (credentials hidden).
Amounts on chain are integers of 10^-18 token (18 decimals); gas is in gas units.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import requests
from eth_abi import abi as eth_abi
from eth_abi.exceptions import DecodingError
from eth_account.signers.local import LocalAccount
from eth_utils.abi import abi_to_signature, function_signature_to_4byte_selector, get_abi_input_types
from hexbytes import HexBytes
from pydantic import BaseModel, ConfigDict, Field
from web3 import EthereumTesterProvider, Web3
from web3.contract import Contract
from web3.exceptions import ProviderConnectionError, TimeExhausted, TransactionNotFound, Web3RPCError
from web3.middleware import ExtraDataToPOAMiddleware
from web3.providers.rpc.utils import ExceptionRetryConfiguration
from web3.types import Nonce, TxParams, TxReceipt

ARTEFACT_PATH = Path(__file__).resolve().parents[2] / "contracts" / "EnergySavingsToken.json"
GAS_HEADROOM = 1.2  # gas limit = estimate x this (the estimate already proves the call succeeds)
T = TypeVar("T")
_TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    requests.ConnectionError, requests.Timeout, ConnectionError, ProviderConnectionError, TimeoutError)


class ChainError(RuntimeError):
    """Base class of every chain-layer failure."""


class ChainUnavailableError(ChainError):
    """The node cannot be reached (down, wrong URL, timeout)."""


class ChainMismatchError(ChainError):
    """The node is not the chain the ledger's deployment was made on, or the code differs."""


class ChainResponseError(ChainError):
    """The node answered something we did not ask for (failed receipt, wrong event args ...)."""


class SignerError(ChainError):
    """No usable signing account (missing key, bad keystore password ...)."""


class TransactionRevertedError(ChainError):
    """The contract reverted; ``error`` is its custom error's name, ``args`` its decoded args."""

    def __init__(self, message: str, *, error: str, args: tuple[Any, ...] = (),
                 selector: str = "") -> None:
        super().__init__(message)
        self.error = error
        self.error_args = args
        self.selector = selector


class AlreadyMintedError(TransactionRevertedError):
    """``EvidenceAlreadyUsed``: this evidence hash was minted against before."""


class TransactionFailedError(ChainResponseError):
    """The transaction was mined but failed (receipt status 0): it can never succeed as sent."""


class Artefact(BaseModel):
    """The committed compiler output (``contracts/EnergySavingsToken.json``)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    contract_name: str = Field(alias="contractName")
    abi: list[dict[str, Any]]
    bytecode: str = Field(pattern=r"^0x[0-9a-f]+$")
    deployed_bytecode: str = Field(alias="deployedBytecode", pattern=r"^0x[0-9a-f]+$")
    compiler: dict[str, Any]

    def code_hash(self) -> str:
        """keccak256 of the runtime bytecode, 0x-hex: what a deployed token's code must hash to."""
        return "0x" + Web3.keccak(hexstr=self.deployed_bytecode).hex().removeprefix("0x")


def load_artefact(path: Path = ARTEFACT_PATH) -> Artefact:
    """Read and validate the compiled artefact (no node or compiler needed at run time)."""
    try:
        return Artefact.model_validate_json(path.read_text())
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"contract artefact {path} is missing: run `node contracts/compile.mjs`"
                                ) from exc


def error_selectors(abi: list[dict[str, Any]]) -> dict[bytes, tuple[str, list[str]]]:
    """4-byte selector -> (error name, argument types) for every custom error in ``abi``."""
    out: dict[bytes, tuple[str, list[str]]] = {}
    for item in abi:
        if item.get("type") == "error":
            signature = abi_to_signature(item)  # type: ignore[arg-type]
            out[function_signature_to_4byte_selector(signature)] = (
                str(item["name"]), get_abi_input_types(item))  # type: ignore[arg-type]
    return out


def revert_data(exc: BaseException) -> bytes | None:
    """The raw revert bytes carried by a backend's exception, or None if it carries none.

    anvil (JSON-RPC): ``ContractCustomError.data`` is 0x-hex. eth-tester: web3 re-raises
    ``TransactionFailed("execution reverted: b'...'")`` with the original bytes in the chained
    exception; we look there first and fall back to parsing the message's bytes literal.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        data = getattr(current, "data", None)
        if isinstance(data, str) and data.startswith("0x"):
            return bytes.fromhex(data[2:])
        for arg in current.args:
            if isinstance(arg, bytes | bytearray) and len(arg) >= 4:
                return bytes(arg)
            if isinstance(arg, str):
                literal = arg.removeprefix("execution reverted: ")
                if literal[:2] in ("b'", 'b"'):
                    try:
                        value = ast.literal_eval(literal)
                    except (ValueError, SyntaxError):
                        continue
                    if isinstance(value, bytes) and len(value) >= 4:
                        return value
        current = current.__cause__ or current.__context__
    return None


def decode_revert(exc: BaseException, abi: list[dict[str, Any]]) -> TransactionRevertedError | None:
    """Turn any backend's revert exception into a :class:`TransactionRevertedError` (or None)."""
    data = revert_data(exc)
    if data is None:
        return None
    selector = "0x" + data[:4].hex()
    known = error_selectors(abi).get(data[:4])
    if known is None:
        return TransactionRevertedError(f"transaction reverted with unknown error data {selector}",
                                        error="unknown", selector=selector)
    name, types = known
    try:
        args = tuple(Web3.to_checksum_address(a) if t == "address" else a
                     for t, a in zip(types, eth_abi.decode(types, data[4:]), strict=True))
    except DecodingError:
        args = ()
    shown = ", ".join("0x" + a.hex() if isinstance(a, bytes) else str(a) for a in args)
    if name == "EvidenceAlreadyUsed":
        return AlreadyMintedError(f"already minted: evidence hash {shown} was used before",
                                  error=name, args=args, selector=selector)
    return TransactionRevertedError(f"contract refused: {name}({shown})", error=name, args=args,
                                    selector=selector)


def redact_url(url: str) -> str:
    """``scheme://host:port`` of a node URL; user info, path and query (API keys) are hidden."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    shown = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
    return shown + ("/..." if parts.path.strip("/") or parts.query else "")


class Signer(Protocol):
    """Who sends transactions: a local key or a node-managed (unlocked) account."""

    @property
    def address(self) -> str: ...

    def send(self, w3: Web3, tx: TxParams) -> HexBytes: ...


class NodeSigner:
    """An account the node itself holds unlocked (eth-tester, anvil's dev accounts)."""

    def __init__(self, address: str) -> None:
        self._address = Web3.to_checksum_address(address)

    @property
    def address(self) -> str:
        return self._address

    def send(self, w3: Web3, tx: TxParams) -> HexBytes:
        return w3.eth.send_transaction(tx)

    def __repr__(self) -> str:
        return f"NodeSigner({self._address})"


class LocalSigner:
    """A private key held in memory only: signs locally, sends the raw transaction."""

    def __init__(self, account: LocalAccount) -> None:
        self._account = account

    @property
    def address(self) -> str:
        return str(self._account.address)

    def send(self, w3: Web3, tx: TxParams) -> HexBytes:
        """Sign and send ``tx``; its ``nonce`` if given (a deployment fixes it), else the next one."""
        tx = dict(tx)  # type: ignore[assignment]
        if tx.get("nonce") is None:
            tx["nonce"] = w3.eth.get_transaction_count(self._account.address, "pending")
        signed = self._account.sign_transaction(tx)  # type: ignore[arg-type]
        return w3.eth.send_raw_transaction(signed.raw_transaction)

    def __repr__(self) -> str:  # never the key
        return f"LocalSigner({self.address})"


class ChainClient:
    """One connection to one chain, with a signer, artefact-aware error decoding and checks."""

    def __init__(self, w3: Web3, *, label: str, signer: Signer | None = None,
                 receipt_timeout_s: float = 60.0, artefact: Artefact | None = None,
                 durable: Callable[[int], None] | None = None) -> None:
        self.w3 = w3
        self.label = label
        self.receipt_timeout_s = receipt_timeout_s
        self.artefact = artefact or load_artefact()
        self._signer = signer
        self._durable = durable
        self._durable_block = -1

    @classmethod
    def in_process(cls, *, signer_index: int = 0) -> ChainClient:
        """A fresh in-process EVM (eth-tester / py-evm); signs with its unlocked account N."""
        w3 = Web3(EthereumTesterProvider())
        return cls(w3, label="in-process EVM (eth-tester)",
                   signer=NodeSigner(w3.eth.accounts[signer_index]))

    @classmethod
    def rpc(cls, url: str, *, signer: Signer | None = None, timeout_s: float = 10.0,
            receipt_timeout_s: float = 60.0, durable: Callable[[int], None] | None = None
            ) -> ChainClient:
        """A JSON-RPC node; without ``signer``, the node's first unlocked account signs.
        ``durable(block)`` returns once ``block`` is persisted (see the module docstring)."""
        provider = Web3.HTTPProvider(
            url, request_kwargs={"timeout": timeout_s},
            exception_retry_configuration=ExceptionRetryConfiguration(
                errors=(ConnectionError, requests.ConnectionError, requests.Timeout),
                retries=2, backoff_factor=0.1))
        w3 = Web3(provider)
        w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
        return cls(w3, label=redact_url(url), signer=signer, receipt_timeout_s=receipt_timeout_s,
                   durable=durable)

    def with_signer(self, signer: Signer) -> ChainClient:
        """The same connection, sending as ``signer`` (e.g. the admin key, or a non-minter in tests)."""
        return ChainClient(self.w3, label=self.label, signer=signer,
                           receipt_timeout_s=self.receipt_timeout_s, artefact=self.artefact,
                           durable=self._durable)

    def ensure_durable(self, block: int) -> None:
        """Return once ``block`` is persisted by the node (no-op without a ``durable`` hook)."""
        if self._durable is None or block <= self._durable_block:
            return
        self._durable(block)
        self._durable_block = block

    # -- connection ----------------------------------------------------------------------------
    @contextmanager
    def guard(self, doing: str) -> Iterator[None]:
        """Translate transport failures into :class:`ChainUnavailableError` naming the node."""
        try:
            yield
        except _TRANSPORT_ERRORS as exc:
            raise ChainUnavailableError(
                f"chain node at {self.label} is not reachable while {doing} "
                f"({type(exc).__name__}); is it running? (`python app.py chain-up` starts the "
                f"embedded node)") from exc
        except TimeExhausted as exc:
            raise ChainUnavailableError(
                f"no receipt from {self.label} within {self.receipt_timeout_s:.0f} s while {doing}; "
                f"the transaction may still be pending") from exc

    def call(self, doing: str, fn: Callable[[], T]) -> T:
        """Run a read against the node under :meth:`guard`."""
        with self.guard(doing):
            return fn()

    @property
    def signer(self) -> Signer:
        if self._signer is None:
            accounts = self.call("listing node accounts", lambda: self.w3.eth.accounts)
            if not accounts:
                raise SignerError(
                    f"no signing key configured and the node at {self.label} holds no unlocked "
                    f"account: set GREENOPS_CHAIN_PRIVATE_KEY or GREENOPS_CHAIN_KEYSTORE")
            self._signer = NodeSigner(accounts[0])
        return self._signer

    @cached_property
    def chain_id(self) -> int:
        return self.call("reading the chain id", lambda: int(self.w3.eth.chain_id))

    @cached_property
    def genesis_hash(self) -> str:
        block = self.call("reading the genesis block", lambda: self.w3.eth.get_block(0))
        return "0x" + bytes(block["hash"]).hex()

    def block_number(self) -> int:
        return self.call("reading the block number", lambda: int(self.w3.eth.block_number))

    def code(self, address: str) -> bytes:
        """The runtime code at ``address`` (empty if none)."""
        return bytes(self.call(f"reading the code at {address}", lambda: self.w3.eth.get_code(
            Web3.to_checksum_address(address))))

    def nonce(self, address: str, block: str = "latest") -> int:
        """Transactions sent by ``address`` up to ``block`` (``latest`` or ``pending``)."""
        return int(self.call(f"reading the nonce of {address}", lambda: self.w3.eth.get_transaction_count(
            Web3.to_checksum_address(address), block)))  # type: ignore[arg-type]

    def find_transaction(self, sender: str, nonce: int, from_block: int, max_blocks: int = 100_000
                         ) -> str | None:
        """Hash of the mined transaction ``sender`` sent with ``nonce``, searched block by block
        from ``from_block`` to the head (at most ``max_blocks``); None if it is not there."""
        who = Web3.to_checksum_address(sender)
        head = self.block_number()
        for number in range(max(from_block, 0), min(head, from_block + max_blocks) + 1):
            block = self.call(f"reading block {number}", partial(
                self.w3.eth.get_block, number, full_transactions=True))
            for tx in block["transactions"]:
                if isinstance(tx, bytes):  # a bare hash: the node ignored full_transactions
                    continue
                if Web3.to_checksum_address(tx["from"]) == who and int(tx["nonce"]) == nonce:
                    return hex32(tx["hash"])
        return None

    def code_hash(self, address: str) -> str:
        """keccak256 of the runtime code at ``address`` (keccak of empty bytes if none)."""
        code = self.call(f"reading the code at {address}", lambda: self.w3.eth.get_code(
            Web3.to_checksum_address(address)))
        return "0x" + Web3.keccak(bytes(code)).hex().removeprefix("0x")

    def token(self, address: str) -> Contract:
        return self.w3.eth.contract(address=Web3.to_checksum_address(address), abi=self.artefact.abi)

    # -- transactions --------------------------------------------------------------------------
    def send(self, tx: TxParams) -> HexBytes:
        """Hand a built transaction to the signer; returns its hash. (The crash-test seam.)"""
        with self.guard("sending a transaction"):
            try:
                return self.signer.send(self.w3, tx)
            except Web3RPCError as exc:  # nonce too low, underpriced, insufficient funds ...
                raise ChainResponseError(f"node at {self.label} refused the transaction: {exc}") from exc

    def transact(self, fn: Any, doing: str, *, nonce: int | None = None) -> HexBytes:
        """Estimate (surfacing reverts before any gas is spent), build and send ``fn``.

        ``fn`` is a bound contract function or constructor; ``nonce`` fixes the sender's nonce (a
        deployment's address depends on it). Reverts raise :class:`TransactionRevertedError` (or
        :class:`AlreadyMintedError`).
        """
        sender = self.signer.address
        with self.guard(doing):
            try:
                gas = int(fn.estimate_gas({"from": sender}) * GAS_HEADROOM)
                params: TxParams = {"from": sender, "gas": gas}
                if nonce is not None:
                    params["nonce"] = Nonce(nonce)
                tx: TxParams = fn.build_transaction(params)
            except _TRANSPORT_ERRORS:
                raise
            except Exception as exc:  # each backend raises its own type: decode in one place
                decoded = decode_revert(exc, self.artefact.abi)
                if decoded is None:
                    raise ChainResponseError(f"{doing} failed on {self.label}: {exc}") from exc
                raise decoded from exc
        return self.send(tx)

    def wait(self, tx_hash: HexBytes | str, doing: str, *, durable: bool = True) -> TxReceipt:
        """Wait for the receipt, check it succeeded (status 1) and (``durable``) that it is persisted;
        a caller passing ``durable=False`` calls :meth:`ensure_durable` itself before relying on it."""
        with self.guard(doing):
            receipt = self.w3.eth.wait_for_transaction_receipt(
                HexBytes(tx_hash), timeout=self.receipt_timeout_s, poll_latency=0.05)
        if int(receipt["status"]) != 1:
            raise TransactionFailedError(f"transaction {HexBytes(tx_hash).to_0x_hex()} failed "
                                         f"(status 0) in block {receipt['blockNumber']} while {doing}")
        if durable:
            self.ensure_durable(int(receipt["blockNumber"]))
        return receipt

    def receipt_if_any(self, tx_hash: str) -> TxReceipt | None:
        """The receipt of ``tx_hash`` if it was mined, else None (never waits)."""
        with self.guard("looking up a transaction receipt"):
            try:
                return self.w3.eth.get_transaction_receipt(HexBytes(tx_hash))
            except TransactionNotFound:
                return None


def create_address(sender: str, nonce: int) -> str:
    """The address a contract deployed by ``sender`` with ``nonce`` gets (CREATE):
    the last 20 bytes of keccak256(rlp([sender, nonce])), checksummed."""
    if nonce < 0:
        raise ValueError(f"nonce must be >= 0, got {nonce}")
    raw = bytes.fromhex(Web3.to_checksum_address(sender)[2:])
    nonce_bytes = nonce.to_bytes((nonce.bit_length() + 7) // 8, "big") if nonce else b""
    if len(nonce_bytes) == 1 and nonce_bytes[0] < 0x80:
        encoded_nonce = nonce_bytes  # a single byte below 0x80 is its own RLP encoding
    else:
        encoded_nonce = bytes([0x80 + len(nonce_bytes)]) + nonce_bytes
    payload = bytes([0x80 + len(raw)]) + raw + encoded_nonce
    digest = Web3.keccak(bytes([0xC0 + len(payload)]) + payload)
    return Web3.to_checksum_address(digest[-20:])


def hex32(value: bytes | str) -> str:
    """A 32-byte value as lower-case 0x-hex (evidence hashes, tx hashes)."""
    raw = bytes(HexBytes(value))
    if len(raw) != 32:
        raise ValueError(f"expected 32 bytes, got {len(raw)}: {raw.hex()}")
    return "0x" + raw.hex()

