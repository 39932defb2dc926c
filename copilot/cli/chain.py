"""Token and chain commands (Typer leaf).

    chain-up / chain-down     start (and deploy the tokens once) / stop the embedded anvil node
    chain-status              token addresses, chain id, block, balances, minted totals
    chain-history             every mint and retirement event on chain
    mint --verification ID --as NAME --password-stdin
                              show the evidence and amount, record your approval (or --reject);
                              mints exactly once when enough different approvers approved
    retire --amount X --reason "..." --as NAME --password-stdin    burn tokens with a reason
    reconcile [--repair]      compare the ledger's records with the chain (exit 1 on a difference);
                              --repair first re-does on chain what the ledger confirmed but the chain lost

Without ``GREENOPS_CHAIN_RPC_URL`` the chain is the embedded anvil node (state in
``$GREENOPS_DATA_DIR/chain``); with it, any JSON-RPC node, signing with the key named by the
settings. The work is ``copilot.services.chain``; heavy imports (web3) happen inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from copilot.cli.common import AsOption, DbOption, JsonOption, PasswordStdinOption, acting_user, emit, guarded, log
from copilot.services import chain as service
from copilot.services.errors import is_user_error
from copilot.services.storage import LedgerHandle, open_ledger
from copilot.settings import Settings


def _on_chain(db: Path | None, as_json: bool, call: Callable[[LedgerHandle, Settings], dict[str, Any]]
              ) -> dict[str, Any]:
    """Run a chain service on the ledger at ``db`` with the configured chain, errors reported."""
    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            return call(ledger, settings)

    return guarded(as_json, work)


def chain_up(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Start the embedded chain node (anvil on 127.0.0.1) and deploy the two tokens once."""
    out = _on_chain(db, as_json, service.chain_up)
    emit(out, as_json, lambda o: "\n".join(
        [f"chain {o['chain_id']} ({o['network']})" + (f", node {o['node']['url']} pid {o['node']['pid']}"
                                                     if o["node"]["embedded"] else "")]
        + [f"  {t['symbol']:<11} {t['address']}" for t in o["tokens"].values()]))


def chain_down(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Stop the embedded chain node (its state is saved and restored by the next chain-up)."""
    settings = Settings.from_env()
    out = guarded(as_json, lambda: service.chain_down(settings))
    emit(out, as_json, lambda o: f"stopped the embedded node (pid {o['pid']})" if o["stopped"]
         else "the embedded node was not running")


def chain_status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Token addresses, chain id, block, recipient balances and minted totals."""
    out = _on_chain(db, as_json, service.chain_status)

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


def chain_history(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every SavingsMinted and Retired event of both tokens, in chain order."""
    out = _on_chain(db, as_json, service.chain_history)
    emit(out, as_json, lambda o: "\n".join(
        f"block {e['block']:>6} {e['event']:<13} {e['amount']:>24} {e['token']:<6} {e['account']} "
        + (e["evidence_hash"] or repr(e["reason"])) for e in o["events"]) or "no events")


def mint_prompt(preview: dict[str, Any]) -> str:
    """The evidence and amounts a person approves (``copilot.services.chain.mint_preview``)."""
    v = preview["verification"]
    kg, kwh = v["saved_kgco2e"], v["saved_kwh"]
    lines = [
        f"verification {v['verification_id']} (recommendation {v['rec_id']}, {preview['rec_status']}), "
        f"kind {v['kind']}, method {v['method']}",
        f"  claimed  {v['claimed_kgco2e']:.6g} kgCO2e, {v['claimed_kwh']:.6g} kWh",
        f"  verified {kg['central']:.6g} kgCO2e [{kg['lower']:.6g} .. {kg['upper']:.6g}] 90%, "
        f"{kwh['central']:.6g} kWh [{kwh['lower']:.6g} .. {kwh['upper']:.6g}] 90%",
        f"  evidence hash {v['evidence_hash']}",
        "  inputs:",
        *[f"    {name:<24} {digest}" for name, digest in sorted(v["inputs"].items())],
        f"  chain id {preview['chain_id']} ({preview['network']}), recipient {preview['recipient']}",
        "  to mint (conservative lower bound, 18 decimals):",
    ]
    for t in preview["tokens"]:
        state = "" if t["status"] == "new" else f"  [{t['status']}]"
        lines.append(f"    {t['amount']:>24} {t['symbol']:<11} token {t['address']}{state}")
    return "\n".join(lines)


def mint(
    verification: Annotated[str, typer.Option("--verification", help="Verification id to mint.")],
    as_user: AsOption = None,
    password_stdin: PasswordStdinOption = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject the mint instead of approving it.")] = False,
    reason: Annotated[str, typer.Option(help="Why (recorded with the decision).")] = "",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a verification's evidence and amount, then record your approval (or --reject) as an
    authenticated approver; the token is minted once enough different approvers approved."""
    from copilot.services.approvals import decide_mint

    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            if reject:  # a rejection sends nothing: it neither starts the node nor deploys the tokens
                try:
                    typer.echo(mint_prompt(service.mint_preview(ledger, settings, verification)), err=True)
                except Exception as exc:
                    if not is_user_error(exc):
                        raise
                    typer.echo(f"verification {verification}: (chain not up, nothing on chain shown: {exc})",
                               err=True)
            else:  # an approval may mint: the node is started and the tokens deployed as the mint would
                typer.echo(mint_prompt(service.mint_preview(ledger, settings, verification, deploy=True)), err=True)
            user = acting_user(ledger, as_user, password_stdin, "approving a mint")
            return decide_mint(ledger, settings, verification, user, approve=not reject, reason=reason)

    out = guarded(as_json, work)
    emit(out, as_json, _decision_text)


def _decision_text(o: dict[str, Any]) -> str:
    if o["state"] == "rejected":
        return f"verification {o['verification_id']}: mint rejected by {o['decided_by']}"
    if o["state"] == "waiting":
        return (f"verification {o['verification_id']}: approved by {', '.join(o['approvals'])}; "
                f"waiting: {o['rule']} are needed ({len(o['approvals'])} of {o['required']})")
    return (f"verification {o['verification_id']}: " + ("already minted" if o["already_minted"] else "minted")
            + "".join(f"\n  {m['amount']} {m['token']} tx {m['tx_hash']} block {m['block']} gas {m['gas_used']}"
                      for m in o["mints"]))


def retire(
    amount: Annotated[str, typer.Option(help="Tokens to retire, e.g. 1.5 (up to 18 decimals).")],
    reason: Annotated[str, typer.Option(help="Why (recorded on chain and in the ledger).")],
    token: Annotated[str, typer.Option(help="kgco2e (kgCO2eSave) or kwh (kWhSave).")] = "kgco2e",
    as_user: AsOption = None,
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Retire (burn) the holder's tokens with a reason, as an authenticated approver."""
    from copilot.services.users import require
    from tools.auth import Role
    from tools.tokens import TOKENS, parse_token_amount

    settings = Settings.from_env()

    def work() -> dict[str, Any]:
        if token not in TOKENS:
            raise ValueError(f"--token={token!r} is not one of {', '.join(TOKENS)}")
        parse_token_amount(amount)  # refuse a bad amount before asking
        with open_ledger(db) as ledger:
            user = require(acting_user(ledger, as_user, password_stdin, "retiring tokens"), Role.APPROVER,
                           "retiring tokens")
            log(f"retire {amount} {TOKENS[token].symbol} from {service.signer_address(ledger, settings)}: "
                f"{reason!r}")
            return service.retire(ledger, settings, amount, reason, token, actor=user.name)

    out = guarded(as_json, work)
    emit(out, as_json, lambda o: f"retired {o['amount']} {o['token']} ({o['reason']!r}) tx {o['tx_hash']} "
         f"block {o['block']} gas {o['gas_used']}")


def reconcile(
    repair: Annotated[bool, typer.Option(
        "--repair", help="First deploy, mint, retire and anchor again what the ledger holds as confirmed "
                         "but the chain lost (e.g. the node's state was reset); each step is audited.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare the ledger's mints, retirements and anchors with the chain; exit 1 on a difference."""
    out = _on_chain(db, as_json, lambda ledger, settings: service.reconcile(
        ledger, settings, actor="cli", repair=repair))

    def render(o: dict[str, Any]) -> str:
        lines = [f"chain {o['chain_id']} ({o['network']}) block {o['block']}: "
                 + ("ledger and chain agree" if o["ok"] else f"{len(o['differences'])} difference(s)")]
        lines += [f"  repaired {r['kind']:<10} {r.get('token', '')} "
                  + (f"skipped: {r['skipped']}" if "skipped" in r else f"tx {r.get('tx_hash')}")
                  for r in o.get("repaired", [])]
        lines += [f"  {d['kind']:<24} {d['token']:<6} {d['detail']}" for d in o["differences"]]
        lines += [f"  pending {p['token']} {p.get('verification_id') or p.get('retire_id')} ({p['status']})"
                  for p in o["pending"]]
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
