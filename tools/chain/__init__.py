"""ADAPTER: the token on an EVM chain (web3).

    client       JSON-RPC / in-process client, signers, revert decoding, the compiled artefact
    node         the embedded anvil node (start, stop, state file)
    keys         signers from a key variable or an encrypted keystore
    deployments  the two token deployments of a network: deploy once, check, read events
    mint         Minter: mint exactly once per verification and token, retire
    reconcile    ledger vs chain, and the chain status report
"""

from __future__ import annotations

from tools.chain.client import (
    AlreadyMintedError,
    ChainClient,
    ChainError,
    ChainMismatchError,
    ChainResponseError,
    ChainUnavailableError,
    LocalSigner,
    NodeSigner,
    SignerError,
    TransactionRevertedError,
    hex32,
    redact_url,
)

__all__ = [
    "AlreadyMintedError",
    "ChainClient",
    "ChainError",
    "ChainMismatchError",
    "ChainResponseError",
    "ChainUnavailableError",
    "LocalSigner",
    "NodeSigner",
    "SignerError",
    "TransactionRevertedError",
    "hex32",
    "redact_url",
]
