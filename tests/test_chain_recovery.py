"""Exactly once across crashes: deployments and retirements interrupted between send and record
(the send seam, and a real SIGKILL of a child process), failed and node-down retirements,
durable confirmations on the embedded node, and ``reconcile`` checking amounts against
verifications and repairing what the chain lost (a rolled-back node, a wiped state file)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner
from web3 import Web3

from copilot.cli.main import app
from copilot.services import chain as service
from tests.conftest import REPO
from tools.chain import (
    ChainClient,
    ChainMismatchError,
    ChainUnavailableError,
    NodeError,
    TransactionRevertedError,
    create_address,
)
from tools.chain.deployments import TokenChain
from tools.chain.mint import Minter
from tools.chain.reconcile import reconcile
from tools.ledger import Ledger
from tools.ledger.db import LedgerError
from tools.ledger.mints import get_deploy_intent, list_mints, list_retirements, record_deploy_intent
from tools.ledger.plans import load_verification

if TYPE_CHECKING:
    from tests.chain_fixtures import Anvil, Backend, Embedded

pytest_plugins = ["tests.chain_fixtures"]
Vids = dict[str, list[str]]


class SimulatedCrash(BaseException):
    """Stands for the process being killed: nothing after it runs, no handler catches it."""


def audit_actions(ledger: Ledger) -> list[str]:
    return [r["action"] for r in ledger.db.query("SELECT action FROM audit_log ORDER BY seq")]


def crash_on_send(monkeypatch: pytest.MonkeyPatch, *, after: bool = True) -> None:
    """The next ChainClient.send dies ``after`` the transaction left (or before it did)."""
    original = ChainClient.send

    def send(self: ChainClient, tx: dict) -> bytes:  # type: ignore[type-arg]
        if after:
            original(self, tx)  # type: ignore[arg-type]
        raise SimulatedCrash("killed " + ("after the transaction left" if after else "before sending"))

    monkeypatch.setattr(ChainClient, "send", send)


def retired_events(minter: Minter, token: str = "kgco2e") -> list[dict]:  # type: ignore[type-arg]
    return [e for e in minter.history() if e["event"] == "Retired" and e["token"] == token]


def kill_child(script: str, *args: str) -> None:
    """Run ``script`` in a child that SIGKILLs itself right after its first transaction leaves."""
    prelude = textwrap.dedent("""
        import os, signal, sys
        from tools.chain import ChainClient
        from tools.chain.mint import Minter
        from tools.ledger import Ledger
        original = ChainClient.send
        def send_then_die(self, tx):
            original(self, tx)
            os.kill(os.getpid(), signal.SIGKILL)
        ChainClient.send = send_then_die
    """)
    child = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(script), *args], cwd=REPO,
                           capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(REPO)})
    assert child.returncode == -signal.SIGKILL, child.stderr


class TestDeployOnce:
    def test_crash_after_send_recovers_instead_of_deploying_again(
            self, backend: Backend, vledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
        client = backend.fresh_client()
        deployer = client.signer.address
        start_nonce = client.nonce(deployer)
        crash_on_send(monkeypatch)
        with pytest.raises(SimulatedCrash):
            backend.minter(vledger).deploy()
        monkeypatch.undo()
        intent = get_deploy_intent(vledger, backend.network, "kgco2e")
        assert intent is not None and intent.status == "intent" and intent.tx_hash is None
        assert intent.predicted_address == create_address(deployer, start_nonce)
        assert client.code_hash(intent.predicted_address) == client.artefact.code_hash()  # it was mined

        deployed = backend.minter(vledger).deploy()  # a new process: same ledger, new client
        assert deployed["kgco2e"]["address"] == intent.predicted_address
        assert client.nonce(deployer) == start_nonce + 2  # two deployments sent, ever
        assert vledger.counts()["chain_deployments"] == 2
        deploys = [json.loads(r["payload"]) for r in vledger.db.query(
            "SELECT payload FROM audit_log WHERE action = 'chain-deploy' ORDER BY seq")]
        assert [d["recovered"] for d in deploys] == [True, False]
        assert backend.minter(vledger).deploy() == deployed

    def test_crash_before_send_sends_the_same_intent(self, vledger: Ledger,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
        client = ChainClient.in_process()
        crash_on_send(monkeypatch, after=False)
        with pytest.raises(SimulatedCrash):
            Minter(vledger, client, network="memory").deploy()
        monkeypatch.undo()
        intent = get_deploy_intent(vledger, "memory", "kgco2e")
        assert intent is not None and client.nonce(intent.deployer) == intent.nonce  # nothing mined
        with pytest.raises(LedgerError, match=r"already pending .*deploy again to recover it"):
            record_deploy_intent(vledger, intent.model_copy(update={"nonce": 7}), "another process")
        deployed = Minter(vledger, client, network="memory").deploy()
        assert deployed["kgco2e"]["address"] == intent.predicted_address
        assert client.nonce(intent.deployer) == intent.nonce + 2

    def test_nonce_used_elsewhere_fails_the_intent(self, vledger: Ledger,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
        client = ChainClient.in_process()
        crash_on_send(monkeypatch, after=False)
        with pytest.raises(SimulatedCrash):
            Minter(vledger, client, network="memory").deploy()
        monkeypatch.undo()
        intent = get_deploy_intent(vledger, "memory", "kgco2e")
        assert intent is not None
        client.wait(client.w3.eth.send_transaction({"from": intent.deployer, "to": intent.deployer,
                                                    "value": 1}), "using the nonce")
        deployed = Minter(vledger, client, network="memory").deploy()
        assert deployed["kgco2e"]["address"] == create_address(intent.deployer, intent.nonce + 1)
        assert "deploy-failed" in audit_actions(vledger)

    @pytest.mark.slow
    def test_real_kill_during_deploy(self, anvil: Anvil, vledger: Ledger) -> None:
        kill_child("""
            with Ledger(sys.argv[1]) as ledger:
                Minter(ledger, ChainClient.rpc(sys.argv[2]), network="kill").deploy()
        """, str(vledger.path), anvil.url)
        client = ChainClient.rpc(anvil.url)
        deployer = client.signer.address
        assert client.nonce(deployer) == 1 and vledger.counts().get("chain_deployments", 0) == 0
        minter = Minter(vledger, client, network="kill")
        deployed = minter.deploy()
        assert deployed["kgco2e"]["address"] == create_address(deployer, 0)
        assert deployed["kwh"]["address"] == create_address(deployer, 1)
        assert client.nonce(deployer) == 2
        assert minter.deploy() == deployed and client.nonce(deployer) == 2


class TestRetireOnce:
    def minted(self, backend: Backend, vledger: Ledger, vids: Vids) -> tuple[Minter, int]:
        minter = backend.minter(vledger)
        minter.deploy()
        out = minter.mint_verification(vids["shift"][0])
        return minter, out.mints[0].amount_units

    def test_crash_after_send_then_the_same_retire_resumes(
            self, backend: Backend, vledger: Ledger, vids: Vids, monkeypatch: pytest.MonkeyPatch) -> None:
        minter, held = self.minted(backend, vledger, vids)
        amount = held // 3
        crash_on_send(monkeypatch)
        with pytest.raises(SimulatedCrash):
            backend.minter(vledger).retire(amount, "offset Q2", "kgco2e")
        monkeypatch.undo()
        [row] = list_retirements(vledger)
        assert row.status == "intent" and row.tx_hash is None
        assert minter.balance()["kgco2e"] == held - amount  # the burn reached the chain
        report = reconcile(backend.minter(vledger))
        assert [d.kind for d in report.differences] == ["retirement_pending_but_on_chain"]

        again = backend.minter(vledger).retire(amount, "offset Q2", "kgco2e")  # the user retries
        assert again.retire_id == row.retire_id and again.status == "confirmed"
        assert minter.balance()["kgco2e"] == held - amount  # burned once
        assert minter.chain.total_supply()["kgco2e"] == held - amount
        assert len(retired_events(minter)) == 1 and len(list_retirements(vledger)) == 1
        assert "retire-recovered" in audit_actions(vledger)
        assert reconcile(minter).ok

        second = minter.retire(amount, "offset Q2", "kgco2e")  # the first is done: a new one
        assert second.retire_id != row.retire_id and len(retired_events(minter)) == 2

    def test_crash_before_send_resends_under_the_same_id(
            self, backend: Backend, vledger: Ledger, vids: Vids, monkeypatch: pytest.MonkeyPatch) -> None:
        minter, held = self.minted(backend, vledger, vids)
        crash_on_send(monkeypatch, after=False)
        with pytest.raises(SimulatedCrash):
            minter.retire(5, "never sent", "kgco2e")
        monkeypatch.undo()
        [row] = list_retirements(vledger)
        [done] = backend.minter(vledger).resume_retirements()
        assert done.retire_id == row.retire_id and done.status == "confirmed"
        assert [e["retire_id"] for e in retired_events(minter)] == [row.retire_id]
        assert minter.balance()["kgco2e"] == held - 5

    def test_contract_refuses_a_second_burn_under_one_id(self, backend: Backend, vledger: Ledger,
                                                         vids: Vids) -> None:
        minter, _ = self.minted(backend, vledger, vids)
        token = minter.chain.contract("kgco2e")
        rid = b"\x51" * 32
        minter.client.wait(minter.client.transact(token.functions.retire(1, rid, "once"), "retire"), "retire")
        with pytest.raises(TransactionRevertedError, match=r"RetireIdAlreadyUsed\(0x5151") as info:
            minter.client.transact(token.functions.retire(1, rid, "twice"), "retire again")
        assert info.value.error_args == (rid,)
        with pytest.raises(TransactionRevertedError, match=r"ZeroRetireId\(\)"):
            minter.client.transact(token.functions.retire(1, b"\x00" * 32, "zero"), "retire")
        other = minter.client.with_signer(backend.other_account())  # ids are per holder
        minter.client.wait(minter.client.transact(token.functions.transfer(other.signer.address, 2), "give"),
                           "give")
        other.wait(other.transact(token.functions.retire(1, rid, "theirs"), "retire"), "retire")
        assert token.functions.retireIdUsed(other.signer.address, rid).call() is True

    def test_refused_retirement_is_recorded_failed(self, backend: Backend, vledger: Ledger, vids: Vids,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
        minter, held = self.minted(backend, vledger, vids)
        monkeypatch.setattr(TokenChain, "balance", lambda self, address: {"kgco2e": 10**30, "kwh": 10**30})
        with pytest.raises(TransactionRevertedError, match="ERC20InsufficientBalance"):
            minter.retire(held + 1, "more than held", "kgco2e")
        monkeypatch.undo()
        [row] = list_retirements(vledger)
        assert row.status == "failed" and "ERC20InsufficientBalance" in (row.last_error or "")
        assert "retire-failed" in audit_actions(vledger)
        assert minter.resume_retirements() == []  # nothing pending
        assert minter.balance()["kgco2e"] == held and reconcile(minter).ok

    def test_node_fault_keeps_it_pending_with_its_error(self, vledger: Ledger, vids: Vids,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
        minter = Minter(vledger, ChainClient.in_process(), network="memory")
        minter.deploy()
        held = minter.mint_verification(vids["shift"][0]).mints[0].amount_units

        def down(self: ChainClient, fn: object, doing: str, **kw: object) -> None:
            raise ChainUnavailableError(f"chain node at {self.label} is not reachable while {doing}")

        monkeypatch.setattr(ChainClient, "transact", down)
        with pytest.raises(ChainUnavailableError):
            minter.retire(7, "node down", "kgco2e")
        monkeypatch.undo()
        [row] = list_retirements(vledger)
        assert row.status == "intent" and "ChainUnavailableError" in (row.last_error or "")
        assert "retire-error" in audit_actions(vledger)
        pending = reconcile(minter).pending
        assert [(p["kind"], p["retire_id"]) for p in pending] == [("retirement", row.retire_id)]
        assert minter.retire(7, "node down", "kgco2e").retire_id == row.retire_id
        assert minter.balance()["kgco2e"] == held - 7

    @pytest.mark.slow
    def test_real_kill_during_retire(self, anvil: Anvil, vledger: Ledger, vids: Vids) -> None:
        minter = Minter(vledger, ChainClient.rpc(anvil.url), network="kill")
        minter.deploy()
        held = minter.mint_verification(vids["shift"][0]).mints[0].amount_units
        kill_child("""
            with Ledger(sys.argv[1]) as ledger:
                Minter(ledger, ChainClient.rpc(sys.argv[2]), network="kill").retire(1000, "killed", "kgco2e")
        """, str(vledger.path), anvil.url)
        assert [r.status for r in list_retirements(vledger)] == ["intent"]
        after = Minter(vledger, ChainClient.rpc(anvil.url), network="kill")
        [done] = after.resume_retirements()
        assert done.status == "confirmed"
        assert after.balance()["kgco2e"] == held - 1000
        assert after.chain.total_supply()["kgco2e"] == held - 1000
        assert len(retired_events(after)) == 1 and reconcile(after).ok


class TestDurable:
    def test_confirmation_waits_for_the_durable_hook(self, vledger: Ledger, vids: Vids) -> None:
        """A mint is confirmed only after the hook returned; a failing hook leaves it 'sent'."""
        base = ChainClient.in_process()
        assert base._durable is None  # the in-process EVM never waits
        calls: list[int] = []

        def failing(block: int) -> None:
            raise NodeError(f"block {block} not on disk")

        def recording(block: int) -> None:
            calls.append(block)

        flaky = ChainClient(base.w3, label="t", signer=base.signer, durable=failing)
        Minter(vledger, base, network="memory").deploy()
        vid = vids["shift"][0]
        with pytest.raises(NodeError, match="not on disk"):
            Minter(vledger, flaky, network="memory").mint_verification(vid)
        [row] = list_mints(vledger)
        assert row.status == "sent" and "not on disk" in (row.last_error or "")
        good = ChainClient(base.w3, label="t", signer=base.signer, durable=recording)
        out = Minter(vledger, good, network="memory").mint_verification(vid)
        assert out.mints[0].status == "confirmed" and calls and max(calls) >= (out.mints[0].block or 0)

    def test_embedded_reports_only_persisted_blocks(self, embedded: Embedded, vids: Vids) -> None:
        settings, ledger = embedded.settings, embedded.ledger
        node = embedded.node()
        blocks = []
        up = service.chain_up(ledger, settings)
        blocks.append((node.persisted_block() or -1, max(t["block"] for t in up["tokens"].values())))
        for vid in (vids["shift"][0], vids["energy"][0]):  # one of each token
            out = service.mint_verification(ledger, settings, vid, actor="test")
            blocks.append((node.persisted_block() or -1, max(m["block"] for m in out["mints"])))
        done = service.retire(ledger, settings, "0.000001", "durable", "kgco2e", actor="test")
        blocks.append((node.persisted_block() or -1, done["block"]))
        anchored = service.anchor_audit(ledger, settings, "cd" * 32, 5, actor="test")
        blocks.append((node.persisted_block() or -1, anchored["block"]))
        assert all(on_disk >= confirmed for on_disk, confirmed in blocks), blocks

    def test_wait_persisted_times_out_clearly(self, anvil: Anvil) -> None:
        with pytest.raises(NodeError, match=r"has not written block 1000000 to its state file .* within 0 s"):
            anvil.node.wait_persisted(1_000_000, timeout_s=0.2)


def halve_verified_kwh(ledger: Ledger, vid: str) -> None:
    """Edit the stored verification so that it allows half the kWh it did (a consistent record)."""
    row = next(iter(ledger.db.query("SELECT payload FROM verifications WHERE verification_id = ?", [vid])))
    payload = json.loads(row["payload"])
    payload["saved_kwh"]["lower"] /= 2
    payload["mintable_kwh"] = payload["saved_kwh"]["lower"]
    ledger.db.execute("UPDATE verifications SET payload = ?, mintable_kwh = ? WHERE verification_id = ?",
                      [json.dumps(payload), payload["mintable_kwh"], vid])
    assert load_verification(ledger, vid, check=False).mintable_kwh == payload["mintable_kwh"]


class TestReconcileRepair:
    def test_amount_against_verification(self, vledger: Ledger, vids: Vids) -> None:
        minter = Minter(vledger, ChainClient.in_process(), network="memory")
        minter.deploy()
        vid = vids["energy"][0]
        minter.mint_verification(vid)
        assert reconcile(minter).ok
        halve_verified_kwh(vledger, vid)
        report = reconcile(minter)
        assert [(d.kind, d.token, d.verification_id) for d in report.differences] == [
            ("amount_vs_verification", "kwh", vid)]
        assert "allows" in report.differences[0].detail

    def test_rolled_back_node_is_repaired(self, anvil: Anvil, vledger: Ledger, vids: Vids) -> None:
        minter = Minter(vledger, ChainClient.rpc(anvil.url), network="rollback")
        minter.deploy()
        snapshot = minter.client.w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
        minted = {m.token: m.amount_units for m in minter.mint_verification(vids["energy"][0]).mints}
        kg_only = minter.mint_verification(vids["shift"][0]).mints[0].amount_units
        minter.retire(1234, "lost retirement", "kgco2e")
        minter.anchor_audit("ef" * 32, 9)
        assert reconcile(minter).ok
        assert minter.client.w3.provider.make_request("evm_revert", [snapshot])["result"]  # type: ignore[arg-type]

        lost = Minter(vledger, ChainClient.rpc(anvil.url), network="rollback")
        kinds = sorted(d.kind for d in reconcile(lost).differences)
        assert kinds == ["anchor_not_on_chain", "not_on_chain", "not_on_chain", "retirement_not_on_chain"]
        report = reconcile(lost, repair=True)
        assert report.ok, report.differences
        assert sorted(r["kind"] for r in report.repaired) == ["anchor", "mint", "mint", "retirement"]
        assert lost.balance() == {"kgco2e": kg_only - 1234, "kwh": minted["kwh"]}
        assert lost.chain.last_anchor()["head"] == "0x" + "ef" * 32  # type: ignore[index]
        actions = audit_actions(vledger)
        assert {"mint-repair", "retire-repair", "audit-anchor-repair"} <= set(actions)
        assert vledger.verify_audit().ok
        assert reconcile(lost, repair=True).repaired == []  # nothing left to repair
        assert lost.mint_verification(vids["energy"][0]).already_minted

    def test_repair_never_remints_more_than_verified(self, vledger: Ledger, vids: Vids) -> None:
        client = ChainClient.in_process()
        minter = Minter(vledger, client, network="memory")
        minter.deploy()
        snapshot = client.w3.testing.snapshot()
        vid = vids["energy"][0]
        minter.mint_verification(vid)
        client.w3.testing.revert(snapshot)
        halve_verified_kwh(vledger, vid)
        report = reconcile(minter, repair=True)
        by_token = {r["token"]: r for r in report.repaired}
        assert set(by_token) == {"kwh"} and "amount_vs_verification" in by_token["kwh"]["skipped"]
        assert sorted(d.kind for d in report.differences) == ["amount_vs_verification", "not_on_chain"]
        assert minter.chain.total_supply()["kwh"] == 0

    def test_wiped_state_file_is_repaired(self, embedded: Embedded, vids: Vids) -> None:
        settings, ledger = embedded.settings, embedded.ledger
        up = service.chain_up(ledger, settings)
        minted = [service.mint_verification(ledger, settings, vid, actor="test") for vid in
                  (vids["energy"][0], vids["shift"][0])]
        service.retire(ledger, settings, "0.000001", "retired before the wipe", "kgco2e", actor="test")
        service.anchor_audit(ledger, settings, "12" * 32, 4, actor="test")
        before = service.chain_status(ledger, settings)
        service.chain_down(settings)
        embedded.node().state_file.unlink()

        with pytest.raises(ChainMismatchError, match=r"different chain .*reconcile --repair"):
            service.chain_up(ledger, settings)
        env = {"GREENOPS_DATA_DIR": str(settings.data_dir), "GREENOPS_CHAIN_PORT": str(settings.chain.port),
               "GREENOPS_CHAIN_RPC_URL": ""}
        refused = CliRunner().invoke(app, ["reconcile", "--db", str(ledger.path), "--json"], env=env)
        assert refused.exit_code == 1 and "reconcile --repair" in json.loads(refused.stdout)["error"]
        repaired = CliRunner().invoke(app, ["reconcile", "--repair", "--db", str(ledger.path), "--json"], env=env)
        assert repaired.exit_code == 0, repaired.stdout + repaired.stderr
        report = json.loads(repaired.stdout)
        assert report["ok"], report["differences"]
        kinds = sorted(r["kind"] for r in report["repaired"])
        assert kinds == ["anchor", "mint", "mint", "redeploy", "redeploy", "retirement"]
        # the same keys and nonces give the same token addresses on the new chain
        assert {r["address"] for r in report["repaired"] if r["kind"] == "redeploy"} == {
            t["address"] for t in up["tokens"].values()}
        after = service.chain_status(ledger, settings)
        for key in ("kgco2e", "kwh"):
            for field in ("total_supply", "recipient_balance", "minted", "mints"):
                assert after["tokens"][key][field] == before["tokens"][key][field], (key, field)
        assert service.last_anchor(ledger, settings)["head"] == "0x" + "12" * 32  # type: ignore[index]
        again = service.mint_verification(ledger, settings, minted[0]["verification_id"], actor="test")
        assert again["already_minted"]
        assert service.reconcile(ledger, settings)["ok"]
        assert {"chain-deployment-lost", "mint-repair", "retire-repair"} <= set(audit_actions(ledger))
        assert ledger.verify_audit().ok
        node = ChainClient.rpc(service.node_manager(settings).info().url)  # type: ignore[union-attr]
        assert node.nonce(up["keys"]["admin"]) == 3  # two redeployments and one retirement
        assert Web3.to_checksum_address(up["keys"]["minter"]) == after["signer"]

