"""Open the token chain the settings point at: the embedded anvil node (started on demand) or a
configured JSON-RPC node with its signer. Shared by the CLI and the copilot's tools."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from copilot.settings import Settings

if TYPE_CHECKING:
    from tools.chain import ChainClient
    from tools.chain.mint import Minter
    from tools.chain.node import AnvilNode
    from tools.ledger import Ledger


def node_manager(settings: Settings) -> AnvilNode:
    """The embedded node's manager (state and pid files under ``$GREENOPS_DATA_DIR/chain``)."""
    from tools.chain.node import AnvilNode

    return AnvilNode(settings.data_dir / "chain", binary=settings.chain.anvil_bin)


def chain_client(settings: Settings) -> tuple[ChainClient, str]:
    """A client for the embedded node (its recorded port, else the configured one) or
    ``GREENOPS_CHAIN_RPC_URL`` with the configured signer, and the network name."""
    from tools.chain import ChainClient, redact_url
    from tools.chain.keys import configured_signer

    chain = settings.chain
    if chain.embedded:
        info = node_manager(settings).info()
        url = info.url if info else f"http://127.0.0.1:{chain.port}"
        return ChainClient.rpc(url, receipt_timeout_s=chain.receipt_timeout_s), chain.network or "embedded"
    assert chain.rpc_url is not None
    signer = configured_signer(os.environ, key_env=chain.key_env, keystore=chain.keystore,
                               password_env=chain.keystore_password_env)
    client = ChainClient.rpc(chain.rpc_url, signer=signer, receipt_timeout_s=chain.receipt_timeout_s)
    return client, chain.network or redact_url(chain.rpc_url)


def open_minter(ledger: Ledger, settings: Settings, *, ensure_up: bool = False, actor: str = "cli") -> Minter:
    """A Minter on the configured chain; with ``ensure_up`` the embedded node is started (if it
    is not running) and the tokens deployed (if they are not), both idempotent."""
    from tools.chain.mint import Minter

    if ensure_up and settings.chain.embedded:
        node_manager(settings).start(settings.chain.port)
    client, network = chain_client(settings)
    minter = Minter(ledger, client, network=network, recipient=settings.chain.recipient, actor=actor)
    if ensure_up:
        minter.deploy()
    return minter
