"""Token and chain commands (Typer), registered on ``copilot.cli.main.app``.

    chain-up / chain-down     start (and deploy the tokens once) / stop the embedded anvil node
    chain-status              token addresses, chain id, block, balances, minted totals
    chain-history             every mint and retirement event on chain
    mint --verification ID    show the evidence and amounts, ask for approval, mint exactly once
    retire --amount X --reason "..."    burn the signer's tokens with a reason
    reconcile                 compare the ledger's mint records with the chain (exit 1 on a difference)

Without ``GREENOPS_CHAIN_RPC_URL`` the chain is the embedded anvil node (state in
``$GREENOPS_DATA_DIR/chain``); with it, any JSON-RPC node, signing with the key named by the
settings. Heavy imports (web3) happen inside the commands.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer

from copilot.cli.common import DbOption, JsonOption, emit, guarded, log
from copilot.services.storage import open_ledger
from copilot.settings import Settings

if TYPE_CHECKING:
    from tools.chain.mint import Minter
    from tools.chain.node import AnvilNode
    from tools.tokens import TokenKey

ApproveOption = Annotated[bool, typer.Option(
    "--approve", help="Approve without the prompt. For scripts only, written by a person.")]


def _node(settings: Settings) -> AnvilNode:
    from copilot.services.chain import node_manager

    return node_manager(settings)


@contextmanager
def _minter(db: Any, settings: Settings) -> Iterator[Minter]:
    """A Minter on the configured chain (see copilot.services.chain.open_minter)."""
    from copilot.services.chain import open_minter

    with open_ledger(db) as ledger:
        yield open_minter(ledger, settings)


def chain_up(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Start the embedded chain node (anvil on 127.0.0.1) and deploy the two tokens once."""
    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        node: dict[str, Any] = {"embedded": settings.chain.embedded}
        if settings.chain.embedded:
            manager = _node(settings)
            was_running = manager.info() is not None
            info = manager.start(settings.chain.port)
            node.update(pid=info.pid, url=info.url, state_file=info.state_file, started=not was_running)
        with _minter(db, settings) as minter:
            deployments = minter.deploy()
            return {"node": node, "network": minter.network, "chain_id": minter.client.chain_id,
                    "tokens": {k: {"address": d["address"], "symbol": d["symbol"], "block": d["block"]}
                               for k, d in deployments.items()}}

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: "\n".join(
        [f"chain {o['chain_id']} ({o['network']})" + (f", node {o['node']['url']} pid {o['node']['pid']}"
                                                     if o["node"]["embedded"] else "")]
        + [f"  {t['symbol']:<11} {t['address']}" for t in o["tokens"].values()]))


def chain_down(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Stop the embedded chain node (its state is saved and restored by the next chain-up)."""
    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        if not settings.chain.embedded:
            raise ValueError("chain-down only stops the embedded node; GREENOPS_CHAIN_RPC_URL is set")
        info = _node(settings).stop()
        return {"stopped": info is not None, "pid": info.pid if info else None}

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: f"stopped the embedded node (pid {o['pid']})" if o["stopped"]
          else "the embedded node was not running")


def chain_status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Token addresses, chain id, block, recipient balances and minted totals."""
    from tools.chain import ChainUnavailableError
    from tools.chain.reconcile import chain_status as status

    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        with _minter(db, settings) as minter:
            try:
                return {"running": True, **status(minter)}
            except ChainUnavailableError as exc:
                deps = {k: d.address for k, d in minter.chain.deployments().items()} \
                    if _deployed(minter) else {}
                return {"running": False, "network": minter.network, "node": minter.client.label,
                        "error": str(exc), "tokens": deps}

    out = guarded(as_json, work)

    def render(o: dict[str, Any]) -> str:
        if not o["running"]:
            return f"chain node {o['node']} is down: {o['error']}"
        lines = [f"chain {o['chain_id']} ({o['network']}) at {o['node']}, block {o['block']}",
                 f"  recipient {o['recipient']}"]
        for t in o["tokens"].values():
            lines.append(f"  {t['symbol']:<11} {t['address']}  supply {t['total_supply']}  "
                         f"recipient {t['recipient_balance']}  minted {t['minted']} in {t['mints']} "
                         f"mint(s), {t['pending']} pending")
        return "\n".join(lines)

    emit(out, as_json, render)


def _deployed(minter: Minter) -> bool:
    from tools.chain.deployments import NotDeployedError

    try:
        minter.chain.deployments()
    except NotDeployedError:
        return False
    return True


def chain_history(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every SavingsMinted and Retired event of both tokens, in chain order."""
    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        with _minter(db, settings) as minter:
            return {"network": minter.network, "events": minter.history()}

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: "\n".join(
        f"block {e['block']:>6} {e['event']:<13} {e['amount']:>24} {e['token']:<6} {e['account']} "
        + (e["evidence_hash"] or repr(e["reason"])) for e in o["events"]) or "no events")


def _mint_prompt(preview: Any) -> str:
    v = preview.verification
    lines = [
        f"verification {v.verification_id} (recommendation {v.rec_id}, {preview.rec_status}), "
        f"kind {v.kind}, method {v.method}",
        f"  claimed  {v.claimed_kgco2e:.6g} kgCO2e, {v.claimed_kwh:.6g} kWh",
        f"  verified {v.saved_kgco2e.central:.6g} kgCO2e [{v.saved_kgco2e.lower:.6g} .. "
        f"{v.saved_kgco2e.upper:.6g}] 90%, {v.saved_kwh.central:.6g} kWh [{v.saved_kwh.lower:.6g} .. "
        f"{v.saved_kwh.upper:.6g}] 90%",
        f"  evidence hash {v.evidence_hash}",
        "  inputs:",
        *[f"    {name:<24} {digest}" for name, digest in sorted(v.inputs.items())],
        f"  chain id {preview.chain_id} ({preview.network}), recipient {preview.recipient}",
        "  to mint (conservative lower bound, 18 decimals):",
    ]
    for t in preview.tokens:
        state = "" if t.status == "new" else f"  [{t.status}]"
        lines.append(f"    {t.amount:>24} {t.symbol:<11} token {t.address}{state}")
    return "\n".join(lines)


def mint(
    verification: Annotated[str, typer.Option("--verification", help="Verification id to mint.")],
    approve: ApproveOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a verification's evidence and amounts, ask for approval, then mint each token once."""
    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        with _minter(db, settings) as minter:
            preview = minter.preview(verification)
            typer.echo(_mint_prompt(preview), err=as_json)
            if not approve:
                try:
                    approved = typer.confirm("Mint these tokens?", default=False, err=as_json)
                except click.exceptions.Abort:
                    approved = False
                if not approved:
                    raise ValueError(f"mint of verification {verification} was not approved: nothing sent")
            minter.ledger.audit("mint-approved", verification, {
                "how": "--approve flag" if approve else "terminal prompt",
                "amounts": {t.token: t.amount for t in preview.tokens}}, actor="cli")
            outcome = minter.mint_verification(verification)
            return outcome.model_dump(mode="json")

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: (
        f"verification {o['verification_id']}: " + ("already minted" if o["already_minted"] else "minted")
        + "".join(f"\n  {m['amount']} {m['token']} tx {m['tx_hash']} block {m['block']} gas {m['gas_used']}"
                  for m in o["mints"])
        + (f"\n  nothing to mint for: {', '.join(o['skipped'])}" if o["skipped"] else "")))


def retire(
    amount: Annotated[str, typer.Option(help="Tokens to retire, e.g. 1.5 (up to 18 decimals).")],
    reason: Annotated[str, typer.Option(help="Why (recorded on chain and in the ledger).")],
    token: Annotated[str, typer.Option(help="kgco2e (kgCO2eSave) or kwh (kWhSave).")] = "kgco2e",
    approve: ApproveOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Retire (burn) the signer's tokens with a reason."""
    from tools.tokens import TOKENS, parse_token_amount

    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        if token not in TOKENS:
            raise ValueError(f"--token={token!r} is not one of {', '.join(TOKENS)}")
        key: TokenKey = token  # narrowed by the membership test above
        units = parse_token_amount(amount)
        with _minter(db, settings) as minter:
            log(f"retire {amount} {TOKENS[key].symbol} from {minter.client.signer.address}: {reason!r}")
            if not approve:
                try:
                    ok = typer.confirm("Retire these tokens?", default=False, err=True)
                except click.exceptions.Abort:
                    ok = False
                if not ok:
                    raise ValueError("retirement was not approved: nothing sent")
            done = minter.retire(units, reason, key)
            return done.model_dump(mode="json")

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: f"retired {o['amount']} {o['token']} ({o['reason']!r}) tx {o['tx_hash']} "
          f"block {o['block']} gas {o['gas_used']}")


def reconcile(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Compare the ledger's mints and retirements with the chain's events; exit 1 on a difference."""
    from tools.chain.reconcile import reconcile as run

    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        with _minter(db, settings) as minter:
            return run(minter).model_dump(mode="json")

    out = guarded(as_json, work)

    def render(o: dict[str, Any]) -> str:
        lines = [f"chain {o['chain_id']} ({o['network']}) block {o['block']}: "
                 + ("ledger and chain agree" if o["ok"] else f"{len(o['differences'])} difference(s)")]
        lines += [f"  {d['kind']:<24} {d['token']:<6} {d['detail']}" for d in o["differences"]]
        lines += [f"  pending {p['token']} {p['verification_id']} ({p['status']})" for p in o["pending"]]
        return "\n".join(lines)

    emit(out, as_json, render)
    if not out["ok"]:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("chain-up")(chain_up)
    app.command("chain-down")(chain_down)
    app.command("chain-status")(chain_status)
    app.command("chain-history")(chain_history)
    app.command()(mint)
    app.command()(retire)
    app.command()(reconcile)
