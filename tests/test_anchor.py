"""Audit anchors on chain (``anchor(head, rows)`` by the minter, ``AuditAnchored`` read back), and
deployments of the earlier one-key contract in an old ledger: readable, mintable, reconciled, and
refused - with the way out named - for what their code lacks (retire with an id, anchor)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from copilot.services import chain as service
from tests.conftest import REPO
from tools.chain import ChainClient, LegacyDeploymentError, MintError, NodeSigner, TransactionRevertedError
from tools.chain.client import Artefact, hex32
from tools.chain.mint import Minter
from tools.chain.reconcile import reconcile
from tools.ledger import Ledger
from tools.ledger.mints import list_anchors, list_mints, list_retirements

if TYPE_CHECKING:
    from tests.chain_fixtures import Backend, Embedded

pytest_plugins = ["tests.chain_fixtures"]
ANCHOR_GAS_MAX = 30_000  # 21k intrinsic + the event: the anchor stores nothing
V1_ARTEFACT = REPO / "tests" / "data" / "contracts" / "EnergySavingsToken-v1.json"


def audit_actions(ledger: Ledger) -> list[str]:
    return [r["action"] for r in ledger.db.query("SELECT action FROM audit_log ORDER BY seq")]


class SimulatedCrash(BaseException):
    """Stands for the process being killed after the transaction left."""


class TestAnchor:
    def test_anchor_and_read_back(self, backend: Backend, vledger: Ledger) -> None:
        minter = backend.minter(vledger)
        minter.deploy()
        assert minter.chain.last_anchor() is None
        head, rows = vledger.verify_audit(), vledger.db.table("audit_log").count
        audit_head = next(iter(vledger.db.query("SELECT row_hash FROM audit_log ORDER BY seq DESC LIMIT 1")))
        first = minter.anchor_audit(audit_head["row_hash"], rows)
        assert head.ok and first["status"] == "confirmed" and first["head"] == "0x" + audit_head["row_hash"]
        assert first["rows"] == rows and first["sender"] == minter.client.signer.address
        assert first["tx_hash"] and first["block"] and 21_000 < first["gas_used"] <= ANCHOR_GAS_MAX
        print(f"anchor gas on {backend.name}: {first['gas_used']}")
        last = minter.chain.last_anchor()
        assert last is not None
        assert (last["head"], last["rows"], last["block"], last["tx_hash"], last["by"]) == (
            first["head"], rows, first["block"], first["tx_hash"], first["sender"])
        assert last["address"] == minter.chain.deployment("kgco2e").address

        second = minter.anchor_audit("AB" * 32, rows + 5)  # upper case, no 0x: normalised
        assert minter.chain.last_anchor()["head"] == "0x" + "ab" * 32 == second["head"]  # type: ignore[index]
        stored = list_anchors(vledger, network=backend.network)
        assert [(a.head, a.rows, a.status) for a in stored] == [
            (first["head"], rows, "confirmed"), (second["head"], rows + 5, "confirmed")]
        assert audit_actions(vledger).count("audit-anchor") == 2
        supply = minter.chain.total_supply()
        assert supply == {"kgco2e": 0, "kwh": 0}  # anchors move no tokens
        assert reconcile(minter).ok and vledger.verify_audit().ok

    @pytest.mark.parametrize(("head", "rows", "why"), [
        ("12" * 31, 3, "not a 32-byte hex hash"), ("zz" * 32, 3, "not a 32-byte hex hash"),
        ("12" * 32, 0, "rows must be a positive"), ("12" * 32, -1, "rows must be a positive"),
        ("12" * 32, True, "rows must be a positive"),
    ])
    def test_bad_requests_are_refused_before_anything_is_recorded(
            self, vledger: Ledger, head: str, rows: int, why: str) -> None:
        minter = Minter(vledger, ChainClient.in_process(), network="memory")
        minter.deploy()
        with pytest.raises(MintError, match=why):
            minter.anchor_audit(head, rows)
        assert list_anchors(vledger) == []

    def test_only_the_minter_anchors(self, backend: Backend, vledger: Ledger) -> None:
        minter = backend.minter(vledger)
        minter.deploy()
        outsider = minter.client.with_signer(backend.other_account())
        token = outsider.token(minter.chain.deployment("kgco2e").address)
        with pytest.raises(TransactionRevertedError, match="AccessControlUnauthorizedAccount") as info:
            outsider.transact(token.functions.anchor(b"\x01" * 32, 1), "anchor")
        assert info.value.error_args[0] == outsider.signer.address

    def test_crash_after_send_is_recovered_not_anchored_twice(
            self, backend: Backend, vledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
        backend.minter(vledger).deploy()
        original = ChainClient.send

        def send_then_die(self: ChainClient, tx: dict) -> bytes:  # type: ignore[type-arg]
            original(self, tx)  # type: ignore[arg-type]
            raise SimulatedCrash("killed after the transaction left")

        monkeypatch.setattr(ChainClient, "send", send_then_die)
        with pytest.raises(SimulatedCrash):
            backend.minter(vledger).anchor_audit("77" * 32, 12)
        monkeypatch.undo()
        [pending] = list_anchors(vledger)
        assert pending.status == "intent"
        minter = backend.minter(vledger)
        done = minter.anchor_audit("77" * 32, 12)
        assert done["anchor_id"] == pending.anchor_id and done["status"] == "confirmed"
        assert len(minter.chain.anchors("77" * 32)) == 1


class TestAnchorServices:
    def test_last_anchor_before_and_after(self, embedded: Embedded) -> None:
        settings, ledger = embedded.settings, embedded.ledger
        assert service.last_anchor(ledger, settings) is None  # nothing deployed yet
        out = service.anchor_audit(ledger, settings, "9a" * 32, 2, actor="test")  # starts and deploys
        last = service.last_anchor(ledger, settings)
        assert last is not None and (last["head"], last["rows"], last["tx_hash"]) == (
            "0x" + "9a" * 32, 2, out["tx_hash"])
        keys = service.chain_up(ledger, settings)["keys"]
        assert out["sender"] == keys["minter"]


class TestLegacyDeployment:
    """A ledger and chain made before this version: one key, old constructor and old retire."""

    def legacy(self, ledger: Ledger) -> tuple[Minter, dict[str, str]]:
        v1 = Artefact.model_validate_json(V1_ARTEFACT.read_text())
        client = ChainClient.in_process()
        admin = client.signer.address
        db = ledger.db
        # the chain tables as the earlier version created them (no minter, attempts, last_error)
        db.execute("CREATE TABLE chain_deployments (network TEXT, token TEXT, chain_id INTEGER, "
                   "genesis_hash TEXT, address TEXT, name TEXT, symbol TEXT, admin TEXT, tx_hash TEXT, "
                   "block INTEGER, gas_used INTEGER, code_hash TEXT, created_utc TEXT, "
                   "PRIMARY KEY (network, token))")
        db.execute("CREATE TABLE chain_retirements (retire_id TEXT PRIMARY KEY, network TEXT, token TEXT, "
                   "token_address TEXT, holder TEXT, amount_units TEXT, amount TEXT, reason TEXT, "
                   "status TEXT, tx_hash TEXT, block INTEGER, gas_used INTEGER, created_utc TEXT, "
                   "updated_utc TEXT)")
        addresses = {}
        for key, name, symbol in (("kgco2e", "Verified Avoided Emissions (kgCO2e)", "kgCO2eSave"),
                                  ("kwh", "Verified Energy Savings (kWh)", "kWhSave")):
            factory = client.w3.eth.contract(abi=v1.abi, bytecode=v1.bytecode)
            receipt = client.wait(factory.constructor(name, symbol, admin).transact({"from": admin}),
                                  "deploying v1")
            address = receipt["contractAddress"]
            addresses[key] = address
            db.table("chain_deployments").insert({
                "network": "memory", "token": key, "chain_id": client.chain_id,
                "genesis_hash": client.genesis_hash, "address": address, "name": name, "symbol": symbol,
                "admin": admin, "tx_hash": hex32(receipt["transactionHash"]),
                "block": receipt["blockNumber"], "gas_used": receipt["gasUsed"],
                "code_hash": client.code_hash(address), "created_utc": "2026-01-01T00:00:00Z"})
        return Minter(ledger, client, network="memory"), addresses

    def test_old_tokens_stay_usable_and_refuse_what_they_lack(self, vledger: Ledger, vids: dict[str, list[str]]
                                                              ) -> None:
        minter, addresses = self.legacy(vledger)
        assert minter.chain.deployment("kwh").minter is None  # the column was added, empty
        out = minter.mint_verification(vids["shift"][0])  # same mint ABI, the one key holds both roles
        assert [(m.token, m.status) for m in out.mints] == [("kgco2e", "confirmed")]

        # an old-style retirement, made and recorded as the earlier version did
        v1 = Artefact.model_validate_json(V1_ARTEFACT.read_text())
        old = minter.client.w3.eth.contract(address=addresses["kgco2e"], abi=v1.abi)
        receipt = minter.client.wait(old.functions.retire(10, "old offset").transact(
            {"from": minter.client.signer.address}), "old retire")
        vledger.db.table("chain_retirements").insert({
            "retire_id": "0123456789abcdef", "network": "memory", "token": "kgco2e",
            "token_address": addresses["kgco2e"], "holder": minter.client.signer.address,
            "amount_units": "10", "amount": "0.00000000000000001", "reason": "old offset",
            "status": "confirmed", "tx_hash": hex32(receipt["transactionHash"]),
            "block": receipt["blockNumber"], "gas_used": receipt["gasUsed"],
            "created_utc": "2026-01-01T00:00:00Z", "updated_utc": "2026-01-01T00:00:00Z"})
        [row] = list_retirements(vledger)
        assert row.attempts == 0 and row.last_error is None  # old rows read with the new columns
        retired = [e for e in minter.history() if e["event"] == "Retired"]
        assert [(e["reason"], e["retire_id"]) for e in retired] == [("old offset", None)]
        report = reconcile(minter)
        assert report.ok, report.differences

        for attempt in (lambda: minter.retire(1, "new offset", "kgco2e"),
                        lambda: minter.anchor_audit("11" * 32, 1)):
            with pytest.raises(LegacyDeploymentError, match=r"earlier version of EnergySavingsToken.*"
                                                            r"reconcile --repair"):
                attempt()
        assert len(list_retirements(vledger)) == 1 and list_anchors(vledger) == []

        # another key (the embedded node's new minter, say) cannot mint on the old tokens: refused
        # before anything is sent, with the way out named
        other = Minter(vledger, minter.client.with_signer(NodeSigner(minter.client.w3.eth.accounts[1])),
                       network="memory")
        vid = vids["energy"][1]
        with pytest.raises(LegacyDeploymentError, match=r"cannot mint with 0x.*only its admin .* may mint"):
            other.mint_verification(vid)
        assert {m.status for m in list_mints(vledger) if m.verification_id == vid} == {"intent"}
        assert minter.chain.total_supply()["kgco2e"] == out.mints[0].amount_units - 10

    def test_v1_artefact_is_the_earlier_contract(self) -> None:
        v1 = json.loads(Path(V1_ARTEFACT).read_text())
        ctor = next(f for f in v1["abi"] if f["type"] == "constructor")
        assert [i["name"] for i in ctor["inputs"]] == ["name_", "symbol_", "admin"]
        assert not any(f.get("name") == "anchor" for f in v1["abi"])


def test_a_reconcile_that_only_shows_records_nothing(vledger: Ledger) -> None:
    """The web UI's Ledger tab reconciles on every view with ``record=False``: no audit row per look;
    `app.py reconcile` records its outcome."""
    minter = Minter(vledger, ChainClient.in_process(), network="memory")
    minter.deploy()
    before = audit_actions(vledger)
    assert reconcile(minter, record=False).ok
    assert audit_actions(vledger) == before
    assert reconcile(minter).ok
    assert audit_actions(vledger) == [*before, "chain-reconcile"]
