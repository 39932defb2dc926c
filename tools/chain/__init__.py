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
from tools.chain.deployments import NotDeployedError, TokenChain
from tools.chain.keys import configured_signer
from tools.chain.mint import (
    InsufficientBalanceError,
    Minter,
    MintError,
    MintOutcome,
    MintPreview,
    NothingToMintError,
)
from tools.chain.node import AnvilNode, NodeError, NodeInfo, find_anvil, free_port
from tools.chain.reconcile import ReconcileReport, chain_status, reconcile

__all__ = [
    "AlreadyMintedError",
    "AnvilNode",
    "ChainClient",
    "ChainError",
    "ChainMismatchError",
    "ChainResponseError",
    "ChainUnavailableError",
    "InsufficientBalanceError",
    "LocalSigner",
    "MintError",
    "MintOutcome",
    "MintPreview",
    "Minter",
    "NodeError",
    "NodeInfo",
    "NodeSigner",
    "NotDeployedError",
    "NothingToMintError",
    "ReconcileReport",
    "SignerError",
    "TokenChain",
    "TransactionRevertedError",
    "chain_status",
    "configured_signer",
    "find_anvil",
    "free_port",
    "hex32",
    "reconcile",
    "redact_url",
]
