"""ADAPTER: the token on an EVM chain (web3).

    client       JSON-RPC / in-process client, signers, revert decoding, the compiled artefact
    node         the embedded anvil node (start, stop, state file, durability, funding its keys)
    keys         signers from a key variable, an encrypted keystore, or the embedded node's two keys
    deployments  the two token deployments of a network: deploy exactly once, check, read events
    mint         Minter: mint exactly once per verification and token; retire and anchor through it
    retire       retire (burn) exactly once per retirement id, resumable
    anchor       anchor the ledger's audit log head on chain
    reconcile    ledger vs chain (and repair), and the chain status report
    errors       refusals of a request (not chain faults)
"""

from __future__ import annotations

from tools.chain.anchor import Anchors
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
    TransactionFailedError,
    TransactionRevertedError,
    create_address,
    hex32,
    redact_url,
)
from tools.chain.deployments import LegacyDeploymentError, NotDeployedError, TokenChain
from tools.chain.errors import InsufficientBalanceError, MintError
from tools.chain.keys import ChainKeys, KeystoreSigner, configured_signer, embedded_keys
from tools.chain.mint import (
    Minter,
    MintOutcome,
    MintPreview,
    NothingToMintError,
)
from tools.chain.node import AnvilNode, NodeError, NodeInfo, find_anvil, free_port, fund
from tools.chain.reconcile import ReconcileReport, chain_status, reconcile
from tools.chain.retire import Retirements

__all__ = [
    "AlreadyMintedError",
    "Anchors",
    "AnvilNode",
    "ChainClient",
    "ChainError",
    "ChainKeys",
    "ChainMismatchError",
    "ChainResponseError",
    "ChainUnavailableError",
    "InsufficientBalanceError",
    "KeystoreSigner",
    "LegacyDeploymentError",
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
    "Retirements",
    "SignerError",
    "TokenChain",
    "TransactionFailedError",
    "TransactionRevertedError",
    "chain_status",
    "configured_signer",
    "create_address",
    "embedded_keys",
    "find_anvil",
    "free_port",
    "fund",
    "hex32",
    "reconcile",
    "redact_url",
]
