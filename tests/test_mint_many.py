"""Pipelined batch minting (``tools.chain.batch.mint_many``): the same exactly-once guarantees as one
mint at a time (intent first, one mint per evidence hash ever, a crash between send and record is
completed by a retry without a second mint), with every transaction sent before any is waited for and
ONE wait for the embedded node to persist its state. On the in-process EVM and a real anvil node,
and on the app's embedded node (the one with a durability wait)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tools.chain.batch import mint_many
from tools.chain.mint import Minter, NothingToMintError
from tools.ledger import Ledger
from tools.ledger.mints import list_mints
from tools.ledger.plans import load_verification, statuses
from tools.tokens import MintStatus, to_units

if TYPE_CHECKING:
    from tests.chain_fixtures import Backend, Embedded

pytest_plugins = ["tests.chain_fixtures"]
Vids = dict[str, list[str]]


class SimulatedCrash(BaseException):
    """Stands for the process being killed: nothing after it runs, no handler catches it."""


def minted_events(minter: Minter) -> list[dict[str, Any]]:
    return [e for e in minter.history() if e["event"] == "SavingsMinted"]


def test_each_is_minted_once_and_a_bad_one_does_not_stop_the_rest(backend: Backend, vledger: Ledger,
                                                                   vids: Vids) -> None:
    minter = backend.minter(vledger)
    minter.deploy()
    wanted = vids["shift"][:3] + vids["nothing"][:1] + vids["energy"][:2]
    out = mint_many(minter, wanted)
    assert list(out) == wanted
    assert isinstance(out[vids["nothing"][0]], NothingToMintError)
    good = [v for v in wanted if v != vids["nothing"][0]]
    for vid in good:
        v = load_verification(vledger, vid)
        done = out[vid]
        assert not isinstance(done, Exception) and not done.already_minted
        assert [(m.token, m.amount_units, m.status) for m in done.mints] == [
            ("kgco2e", to_units(v.mintable_kgco2e), MintStatus.CONFIRMED) if v.kind == "shift" else
            ("kwh", to_units(v.mintable_kwh), MintStatus.CONFIRMED)]
        assert statuses(vledger, [v.rec_id]) == {v.rec_id: "minted"}
    events = minted_events(minter)
    assert len(events) == len(good) == len({e["tx_hash"] for e in events})
    again = mint_many(backend.minter(vledger), good)  # a second run sends nothing
    assert all(not isinstance(o, Exception) and o.already_minted for o in again.values())
    assert len(minted_events(minter)) == len(good)


def test_a_crash_after_the_sends_is_completed_by_a_retry_without_a_second_mint(
        backend: Backend, vledger: Ledger, vids: Vids, monkeypatch: pytest.MonkeyPatch) -> None:
    minter = backend.minter(vledger)
    minter.deploy()
    wanted = vids["shift"][:3]

    def crash(self: Minter, row: object, receipt: object) -> None:
        raise SimulatedCrash

    with monkeypatch.context() as patch:
        patch.setattr(Minter, "confirm_sent", crash)
        with pytest.raises(SimulatedCrash):
            mint_many(minter, wanted)
    rows = {m.verification_id: m for m in list_mints(vledger)}
    assert {rows[v].status for v in wanted} == {MintStatus.SENT}  # on chain, not yet recorded confirmed
    assert len(minted_events(minter)) == 3
    out = mint_many(backend.minter(vledger), wanted)  # a restarted process
    assert all(not isinstance(o, Exception) and o.mints[0].status == MintStatus.CONFIRMED for o in out.values())
    assert {out[v].mints[0].tx_hash for v in wanted} == {rows[v].tx_hash for v in wanted}  # the same txs
    assert len(minted_events(minter)) == 3


def test_the_embedded_node_is_waited_for_once_per_batch(embedded: Embedded, vids: Vids) -> None:
    from copilot.services.chain import open_minter

    minter = open_minter(embedded.ledger, embedded.settings, ensure_up=True, actor="test")
    minter.deploy()
    waits: list[int] = []
    hook = minter.client._durable
    assert hook is not None, "the embedded node's client has no durability wait"

    def counted(block: int) -> None:
        waits.append(block)
        hook(block)

    minter.client._durable = counted
    wanted = vids["shift"][:4] + vids["energy"][:2]
    out = mint_many(minter, wanted)
    assert all(not isinstance(o, Exception) for o in out.values())
    blocks = [m.block for o in out.values() if not isinstance(o, Exception) for m in o.mints]
    assert len(waits) == 1 and waits[0] == max(b for b in blocks if b is not None)
    assert (embedded.node().persisted_block() or -1) >= waits[0]  # on disk before recorded confirmed
