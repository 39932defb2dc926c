"""The token chain, as the front ends see it: open it, start or stop the embedded node, deploy,
read its status and history, preview and mint a verification, retire, reconcile (and repair),
anchor the audit log.

Nothing configured: the embedded anvil node in ``$GREENOPS_DATA_DIR/chain`` (started on demand),
with no unlocked account; two keys generated for the data directory on first use sign: the admin
(deploys, holds the minted tokens, retires) and the minter (mints, anchors); see
``tools.chain.keys``. Both are topped up with the node's ``anvil_setBalance`` when low, and a
confirmation is reported only once anvil has written it to its state file.
With ``GREENOPS_CHAIN_RPC_URL``: that JSON-RPC node, signing with the one configured key, which is
then both admin and minter. Every function takes an open ledger
(``copilot.services.storage.open_ledger``) and the settings, and returns JSON-ready data. Amounts
always come from the stored verification record. No key or password is ever returned or logged.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from copilot.settings import Settings

if TYPE_CHECKING:
    from tools.chain import ChainClient
    from tools.chain.client import Signer
    from tools.chain.mint import Minter
    from tools.chain.node import AnvilNode
    from tools.ledger import Ledger


def node_manager(settings: Settings) -> AnvilNode:
    """The embedded node's manager (state and pid files under ``$GREENOPS_DATA_DIR/chain``)."""
    from tools.chain.node import AnvilNode

    return AnvilNode(settings.data_dir / "chain", binary=settings.chain.anvil_bin)


def _connect(settings: Settings) -> tuple[ChainClient, str, Signer | None]:
    """A client signing as the minter, the network name, and the admin signer (None: the client's
    signer is both). Embedded: the data directory's keys (made on first use), and every receipt
    waits until anvil has saved its block. Configured: ``GREENOPS_CHAIN_RPC_URL`` with the key."""
    from tools.chain import ChainClient, redact_url
    from tools.chain.keys import configured_signer, embedded_keys

    chain = settings.chain
    if chain.embedded:
        manager = node_manager(settings)
        info = manager.info()
        url = info.url if info else f"http://127.0.0.1:{chain.port}"
        keys = embedded_keys(manager.chain_dir, os.environ, chain.keystore_password_env)
        client = ChainClient.rpc(url, signer=keys.minter, receipt_timeout_s=chain.receipt_timeout_s,
                                 durable=manager.wait_persisted)
        return client, chain.network or "embedded", keys.admin
    assert chain.rpc_url is not None
    signer = configured_signer(os.environ, key_env=chain.key_env, keystore=chain.keystore,
                               password_env=chain.keystore_password_env)
    client = ChainClient.rpc(chain.rpc_url, signer=signer, receipt_timeout_s=chain.receipt_timeout_s)
    return client, chain.network or redact_url(chain.rpc_url), None


def chain_client(settings: Settings) -> tuple[ChainClient, str]:
    """A client for the embedded node (its recorded port, else the configured one; signing as the
    minter key) or ``GREENOPS_CHAIN_RPC_URL`` with the configured signer, and the network name."""
    client, network, _ = _connect(settings)
    return client, network


def _fund_embedded(settings: Settings, client: ChainClient, admin: Signer | None) -> None:
    """Top up the embedded keys when low (only on our running node; a node that is down is
    reported by the operation itself)."""
    from tools.chain import ChainUnavailableError
    from tools.chain.node import fund

    if not settings.chain.embedded or node_manager(settings).info() is None:
        return
    try:
        fund(client, [client.signer.address, *([admin.address] if admin is not None else [])])
    except ChainUnavailableError:
        return


def _start_node(settings: Settings) -> None:
    if settings.chain.embedded:
        node_manager(settings).start(settings.chain.port)


def open_minter(ledger: Ledger, settings: Settings, *, ensure_up: bool = False, actor: str = "cli") -> Minter:
    """A Minter on the configured chain; with ``ensure_up`` the embedded node is started (if it
    is not running) and the tokens deployed (if they are not), both idempotent."""
    from tools.chain.mint import Minter

    if ensure_up:
        _start_node(settings)
    client, network, admin = _connect(settings)
    _fund_embedded(settings, client, admin)
    minter = Minter(ledger, client, network=network, recipient=settings.chain.recipient, actor=actor,
                    admin=admin)
    if ensure_up:
        minter.deploy()
    return minter


def _deployed_addresses(minter: Minter) -> dict[str, str]:
    from tools.chain.deployments import NotDeployedError

    try:
        return {k: d.address for k, d in minter.chain.deployments().items()}
    except NotDeployedError:
        return {}


# -- node and deployments -----------------------------------------------------------------------
def chain_up(ledger: Ledger, settings: Settings) -> dict[str, Any]:
    """Start the embedded node (if it is the configured chain) and deploy both tokens once."""
    node: dict[str, Any] = {"embedded": settings.chain.embedded}
    if settings.chain.embedded:
        manager = node_manager(settings)
        was_running = manager.info() is not None
        info = manager.start(settings.chain.port)
        node.update(pid=info.pid, url=info.url, state_file=info.state_file, started=not was_running)
    minter = open_minter(ledger, settings)
    deployments = minter.deploy()
    return {"node": node, "network": minter.network, "chain_id": minter.client.chain_id,
            "keys": {"admin": minter.admin.signer.address, "minter": minter.client.signer.address},
            "tokens": {k: {"address": d["address"], "symbol": d["symbol"], "block": d["block"]}
                       for k, d in deployments.items()}}


def chain_down(settings: Settings) -> dict[str, Any]:
    """Stop the embedded node (its state is saved; the next start restores it)."""
    if not settings.chain.embedded:
        raise ValueError("chain-down only stops the embedded node; GREENOPS_CHAIN_RPC_URL is set")
    info = node_manager(settings).stop()
    return {"stopped": info is not None, "pid": info.pid if info else None}


# -- reads ----------------------------------------------------------------------------------------
def _status_of(minter: Minter) -> dict[str, Any]:
    from tools.chain import ChainUnavailableError
    from tools.chain.reconcile import chain_status as status

    try:
        return {"running": True, **status(minter)}
    except ChainUnavailableError as exc:
        return {"running": False, "network": minter.network, "node": minter.client.label, "error": str(exc),
                "tokens": _deployed_addresses(minter)}


def chain_status(ledger: Ledger, settings: Settings, *, actor: str = "cli") -> dict[str, Any]:
    """Token addresses, chain id, block, recipient balances and minted totals (``running: True``),
    or, when the node cannot be reached, ``running: False`` with the network, the node, the error
    and the recorded token addresses. Any other chain fault (a different chain at the URL, no
    tokens deployed) is raised: it needs a person, not a status line."""
    return _status_of(open_minter(ledger, settings, actor=actor))


def chain_history(ledger: Ledger, settings: Settings) -> dict[str, Any]:
    """Every SavingsMinted and Retired event of both tokens, in chain order."""
    minter = open_minter(ledger, settings)
    return {"network": minter.network, "events": minter.history()}


def reconcile(ledger: Ledger, settings: Settings, *, actor: str = "cli", repair: bool = False
              ) -> dict[str, Any]:
    """The ledger's mints, retirements and anchors against the chain's events: ``ok``, every
    difference (including a confirmed mint whose amount is not what its verification allows),
    what is pending, totals per token. With ``repair`` (the embedded node is started first), what
    the ledger holds as confirmed but the chain lost is deployed, minted, retired and anchored
    again (``repaired`` lists it) before the comparison."""
    from tools.chain.reconcile import reconcile as run

    if repair:
        _start_node(settings)
    return run(open_minter(ledger, settings, actor=actor), repair=repair).model_dump(mode="json")


def chain_overview(ledger: Ledger, settings: Settings, *, actor: str = "ui") -> dict[str, Any]:
    """What the Ledger & token tab shows: the network, the ledger's mint rows, and - when the chain
    answers and the tokens are deployed - its status, events and the reconciliation; otherwise
    ``error`` says why."""
    from tools.chain import ChainError
    from tools.chain.deployments import NotDeployedError
    from tools.chain.reconcile import reconcile as run_reconcile
    from tools.ledger.mints import list_mints

    minter = open_minter(ledger, settings, actor=actor)
    out: dict[str, Any] = {"network": minter.network, "node": minter.client.label,
                           "mints": [m.model_dump(mode="json") for m in list_mints(ledger, network=minter.network)]}
    try:
        status = _status_of(minter)
        if not status["running"]:
            out["error"] = f"the chain node {minter.client.label} cannot be reached: {status['error']}"
            return out
        out["status"] = status
        out["events"] = minter.history()
        report = run_reconcile(minter, record=False)  # showing the tab writes nothing
        out["reconcile"] = {"ok": report.ok, "differences": [d.model_dump(mode="json") for d in report.differences],
                            "pending": report.pending}
    except NotDeployedError:
        out["error"] = "no tokens deployed yet: they are deployed on the first mint (or press Start the chain)"
    except ChainError as exc:
        out["error"] = f"the chain node {minter.client.label} cannot be reached: {exc}"
    return out


# -- mint and retire ----------------------------------------------------------------------------
def mint_preview(ledger: Ledger, settings: Settings, verification_id: str, *, deploy: bool = False,
                 actor: str = "cli") -> dict[str, Any]:
    """What minting ``verification_id`` would do, for a person to approve: the verification
    (evidence, claimed vs verified, inputs' hashes), the amount per token (18 decimals, rounded
    down), token addresses, recipient and chain id. Writes nothing to the chain; with ``deploy``
    the tokens are deployed first (starting the embedded node) when they are not yet."""
    from tools.chain.deployments import NotDeployedError

    try:
        preview = open_minter(ledger, settings, actor=actor).preview(verification_id)
    except NotDeployedError:
        if not deploy:
            raise
        preview = open_minter(ledger, settings, ensure_up=True, actor=actor).preview(verification_id)
    return preview.model_dump(mode="json")


def mint_verification(ledger: Ledger, settings: Settings, verification_id: str, *, actor: str) -> dict[str, Any]:
    """Mint an approved verification (starting the embedded node and deploying the tokens if need be)."""
    minter = open_minter(ledger, settings, ensure_up=True, actor=actor)
    return minter.mint_verification(verification_id).model_dump(mode="json")


def mint_verifications(ledger: Ledger, settings: Settings, verification_ids: list[str], *, actor: str
                       ) -> dict[str, dict[str, Any]]:
    """Mint approved verifications through one minter (one node start, one key unlock), each exactly
    as :func:`mint_verification` but pipelined (``tools.chain.batch.mint_many``: every transaction
    sent, then one wait for the node to persist them); a verification that cannot be minted gets
    ``{"error": why}`` and the others go on (a node that does not answer is raised)."""
    from tools.chain.batch import mint_many

    minter = open_minter(ledger, settings, ensure_up=True, actor=actor)
    return {vid: {"error": str(done)} if isinstance(done, Exception) else done.model_dump(mode="json")
            for vid, done in mint_many(minter, verification_ids).items()}


def retire(ledger: Ledger, settings: Settings, amount: str, reason: str, token: str, *, actor: str
           ) -> dict[str, Any]:
    """Burn ``amount`` tokens (a decimal string, up to 18 decimals) of the holder's ``token``
    (``kgco2e`` or ``kwh``) with ``reason``, exactly once, recorded on chain and in the ledger. The
    holder is the admin key (the default recipient of mints). Asking again for the same amount,
    reason and token while an earlier request is pending (it crashed or the node was down)
    completes that one instead of burning twice."""
    from tools.tokens import TOKENS, parse_token_amount

    if token not in TOKENS:
        raise ValueError(f"token={token!r} is not one of {', '.join(TOKENS)}")
    units = parse_token_amount(amount)
    done = open_minter(ledger, settings, actor=actor).retire(units, reason, token)  # type: ignore[arg-type]
    return done.model_dump(mode="json")


def resume_retirements(ledger: Ledger, settings: Settings, *, actor: str) -> list[dict[str, Any]]:
    """Drive every pending retirement to confirmed or failed (each found on chain is recorded,
    the others sent again under their own retire id); returns them as they end up."""
    return [r.model_dump(mode="json") for r in open_minter(ledger, settings, actor=actor).resume_retirements()]


def signer_address(ledger: Ledger, settings: Settings) -> str:
    """The address whose tokens a retirement burns (and that signs it): the admin key."""
    return open_minter(ledger, settings).admin.signer.address


# -- audit anchors ------------------------------------------------------------------------------
def anchor_audit(ledger: Ledger, settings: Settings, head: str, rows: int, actor: str) -> dict[str, Any]:
    """Anchor the audit log on chain: ``head`` (its head hash after ``rows`` rows, 64 hex digits)
    is sent by the minter key to the carbon token's ``anchor`` (starting the embedded node and
    deploying the tokens if need be), recorded in ``chain_anchors`` with an ``audit-anchor`` audit
    row. Returns head (0x-hex), rows, tx hash, block, gas used, sender and token address."""
    return open_minter(ledger, settings, ensure_up=True, actor=actor).anchor_audit(head, rows)


def last_anchor(ledger: Ledger, settings: Settings) -> dict[str, Any] | None:
    """The latest ``AuditAnchored`` event on the carbon token (head as 0x-hex, rows, sender, block,
    tx hash), or None when nothing was anchored (or no token is deployed yet)."""
    from tools.chain.deployments import NotDeployedError

    minter = open_minter(ledger, settings)
    try:
        return minter.chain.last_anchor()
    except NotDeployedError:
        return None
