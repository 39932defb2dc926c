"""The token on a real EVM: in-process (eth-tester) and a real anvil node, same tests for both.

Deploy, mint, retire, events and balances; the contract's refusals (reused evidence, non-minter,
zero amount/hash); exactly-once minting across a crash between send and record; a node outage
keeps the mint pending; reconcile finds planted differences.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from eth_account import Account
from web3 import Web3

from tests.conftest import REPO
from tools.chain import (
    AlreadyMintedError,
    ChainClient,
    ChainMismatchError,
    ChainUnavailableError,
    TransactionRevertedError,
)
from tools.chain.keys import signer_from_keystore, write_keystore
from tools.chain.mint import InsufficientBalanceError, Minter, MintError, NothingToMintError
from tools.chain.node import AnvilNode, NodeError
from tools.chain.reconcile import chain_status, reconcile
from tools.ledger import Ledger
from tools.ledger.mints import get_mint, list_mints
from tools.ledger.plans import load_verification, statuses
from tools.tokens import to_units

if TYPE_CHECKING:
    from tests.chain_fixtures import Anvil, Backend

pytest_plugins = ["tests.chain_fixtures"]
Vids = dict[str, list[str]]  # verification ids by what they can mint (fixture ``vids``)


class SimulatedCrash(BaseException):
    """Stands for the process being killed: nothing after it runs, no handler catches it."""


def audit_actions(ledger: Ledger) -> list[str]:
    return [r["action"] for r in ledger.db.query("SELECT action FROM audit_log ORDER BY seq")]


def minted_events(minter: Minter, token: str = "kgco2e") -> list[dict]:  # type: ignore[type-arg]
    return [e for e in minter.history() if e["event"] == "SavingsMinted" and e["token"] == token]


class TestTokenLifecycle:
    def test_deploy_mint_retire_events_balances(self, backend: Backend, vledger: Ledger, vids: Vids) -> None:
        minter = backend.minter(vledger)
        deployed = minter.deploy()
        assert set(deployed) == {"kgco2e", "kwh"}
        assert deployed["kgco2e"]["address"] != deployed["kwh"]["address"]
        assert minter.deploy() == deployed  # idempotent: recorded, checked, not redeployed
        token = minter.chain.contract("kwh")
        assert token.functions.symbol().call() == "kWhSave"
        assert token.functions.decimals().call() == 18
        assert minter.chain.contract("kgco2e").functions.symbol().call() == "kgCO2eSave"

        vid = vids["energy"][0]  # an energy saving mints kWhSave only: its carbon is not sold again
        v = load_verification(vledger, vid)
        assert v.mintable_kgco2e > 0 and v.mintable_kwh > 0
        out = minter.mint_verification(vid)
        assert not out.already_minted and out.rec_status == "minted" and out.skipped == []
        assert statuses(vledger, [v.rec_id]) == {v.rec_id: "minted"}
        assert {m.token: m.amount_units for m in out.mints} == {"kwh": to_units(v.mintable_kwh)}
        shift = load_verification(vledger, vids["shift"][0])
        out_shift = minter.mint_verification(shift.verification_id)
        assert [m.token for m in out_shift.mints] == ["kgco2e"]
        want = {"kgco2e": to_units(shift.mintable_kgco2e), "kwh": to_units(v.mintable_kwh)}
        out = out.model_copy(update={"mints": out_shift.mints + out.mints})
        assert all(m.status == "confirmed" and m.block and m.gas_used and m.tx_hash for m in out.mints)
        assert max(m.gas_used or 0 for m in out.mints) <= 100_000
        assert minter.balance() == want

        events = minter.history()
        assert sorted((e["event"], e["token"], e["evidence_hash"], e["amount_units"]) for e in events) == sorted([
            ("SavingsMinted", "kwh", v.evidence_hash, want["kwh"]),
            ("SavingsMinted", "kgco2e", shift.evidence_hash, want["kgco2e"])])
        assert all(Web3.to_checksum_address(e["account"]) == minter.recipient for e in events)

        half = want["kgco2e"] // 2
        retired = minter.retire(half, "offset for team ml, Q1", "kgco2e")
        assert retired.status == "confirmed" and retired.gas_used and retired.gas_used < 65_000  # burn + once-only id
        assert minter.balance()["kgco2e"] == want["kgco2e"] - half
        last = minter.history()[-1]
        assert (last["event"], last["reason"], last["amount_units"]) == (
            "Retired", "offset for team ml, Q1", half)
        with pytest.raises(InsufficientBalanceError, match="cannot retire"):
            minter.retire(want["kgco2e"], "too much", "kgco2e")
        with pytest.raises(MintError, match="reason must be"):
            minter.retire(1, "   ", "kgco2e")

        status = chain_status(minter)
        assert status["chain_id"] == minter.client.chain_id
        assert status["tokens"]["kwh"]["minted"] == out.mints[1].amount  # [shift kgCO2e, energy kWh]
        report = reconcile(minter)
        assert report.ok, report.differences
        actions = audit_actions(vledger)
        for action in ("chain-deploy", "mint-intent", "mint-sent", "mint-confirmed",
                       "recommendations-minted", "retire-intent", "retire-confirmed"):
            assert action in actions
        assert vledger.verify_audit().ok

    def test_each_pair_mints_once_and_zero_mints_nothing(self, backend: Backend, vledger: Ledger,
                                                         vids: Vids) -> None:
        minter = backend.minter(vledger)
        minter.deploy()
        kg_only = vids["shift"][0]
        first = minter.mint_verification(kg_only)
        assert [m.token for m in first.mints] == ["kgco2e"] and first.skipped == []
        rows_before = vledger.counts()
        again = minter.mint_verification(kg_only)
        assert again.already_minted and again.mints == first.mints
        assert vledger.counts()["chain_mints"] == rows_before["chain_mints"]
        assert len(minted_events(minter)) == 1

        nothing = vids["nothing"][0]
        v = load_verification(vledger, nothing)
        with pytest.raises(NothingToMintError, match=f"verification {nothing} .* has nothing to mint"):
            minter.mint_verification(nothing)
        assert statuses(vledger, [v.rec_id]) == {v.rec_id: "verified"}
        with pytest.raises(Exception, match="no verification with id 'nope'"):
            minter.mint_verification("nope")


class TestContractRefusals:
    def test_reused_evidence_hash_refused(self, backend: Backend, vledger: Ledger, vids: Vids) -> None:
        minter = backend.minter(vledger)
        minter.deploy()
        vid = vids["shift"][0]
        minter.mint_verification(vid)
        evidence = bytes.fromhex(load_verification(vledger, vid).evidence_hash[2:])
        token = minter.chain.contract("kgco2e")
        assert token.functions.evidenceUsed(evidence).call() is True
        with pytest.raises(AlreadyMintedError, match="already minted") as info:
            minter.client.transact(token.functions.mint(minter.recipient, 5, evidence), "re-minting")
        assert info.value.error == "EvidenceAlreadyUsed" and info.value.error_args == (evidence,)

        # The ledger forgot the mint and the event lookup misses it: the contract still refuses.
        vledger.db.execute("DELETE FROM chain_mints WHERE verification_id = ?", [vid])
        vledger.db.execute("UPDATE recommendations SET status = 'verified' WHERE rec_id = ?",
                           [load_verification(vledger, vid).rec_id])
        minter.__dict__["_minted_event"] = lambda row: None
        with pytest.raises(AlreadyMintedError, match="already minted"):
            minter.mint_verification(vid)
        assert len(minted_events(minter)) == 1
        assert get_mint(vledger, vid, "kgco2e").status == "intent"  # type: ignore[union-attr]

    def test_non_minter_refused(self, backend: Backend, vledger: Ledger) -> None:
        minter = backend.minter(vledger)
        minter.deploy()
        outsider = minter.client.with_signer(backend.other_account())
        token = outsider.token(minter.chain.deployment("kwh").address)
        with pytest.raises(TransactionRevertedError, match="AccessControlUnauthorizedAccount") as info:
            outsider.transact(token.functions.mint(outsider.signer.address, 10**18, b"\x01" * 32), "mint")
        assert info.value.error_args[0] == outsider.signer.address
        assert info.value.error_args[1] == token.functions.MINTER_ROLE().call()

    def test_zero_amount_and_zero_hash_refused(self, backend: Backend, vledger: Ledger) -> None:
        minter = backend.minter(vledger)
        minter.deploy()
        token = minter.chain.contract("kwh")
        with pytest.raises(TransactionRevertedError, match=r"ZeroAmount\(\)"):
            minter.client.transact(token.functions.mint(minter.recipient, 0, b"\x02" * 32), "mint")
        with pytest.raises(TransactionRevertedError, match=r"ZeroEvidenceHash\(\)"):
            minter.client.transact(token.functions.mint(minter.recipient, 1, b"\x00" * 32), "mint")
        with pytest.raises(TransactionRevertedError, match=r"ZeroAmount\(\)"):
            minter.client.transact(token.functions.retire(0, b"\x03" * 32, "nothing"), "retire")
        assert minter.chain.total_supply() == {"kgco2e": 0, "kwh": 0}


class TestExactlyOnce:
    def test_crash_between_send_and_record_then_retry(self, backend: Backend, vledger: Ledger, vids: Vids,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
        backend.minter(vledger).deploy()
        vid = vids["shift"][0]
        original = ChainClient.send

        def send_then_die(self: ChainClient, tx: dict) -> bytes:  # type: ignore[type-arg]
            original(self, tx)  # type: ignore[arg-type]
            raise SimulatedCrash("killed after the transaction left, before the ledger recorded it")

        monkeypatch.setattr(ChainClient, "send", send_then_die)
        with pytest.raises(SimulatedCrash):
            backend.minter(vledger).mint_verification(vid)
        monkeypatch.undo()
        row = get_mint(vledger, vid, "kgco2e")
        assert row is not None and row.status == "intent" and row.tx_hash is None
        assert get_mint(vledger, vid, "kwh") is None  # a shift mints kgCO2eSave only

        retry = backend.minter(vledger)  # a new process: new client, same ledger
        assert retry.chain.total_supply()["kgco2e"] == row.amount_units  # it did reach the chain
        out = retry.mint_verification(vid)
        assert [m.status for m in out.mints] == ["confirmed"]
        assert retry.chain.total_supply()["kgco2e"] == row.amount_units  # and only once
        assert len(minted_events(retry, "kgco2e")) == 1 and minted_events(retry, "kwh") == []
        assert "mint-recovered" in audit_actions(vledger)
        assert reconcile(retry).ok

    def test_receipt_timeout_then_retry(self, backend: Backend, vledger: Ledger, vids: Vids,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
        """The receipt never came (timeout): the row stays 'sent'; the retry finds the event."""
        backend.minter(vledger).deploy()
        vid = vids["shift"][0]

        def no_receipt(self: ChainClient, tx_hash: object, doing: str, **_: object) -> None:
            raise ChainUnavailableError(f"no receipt from {self.label} within 0 s while {doing}")

        monkeypatch.setattr(ChainClient, "wait", no_receipt)
        with pytest.raises(ChainUnavailableError, match="no receipt"):
            backend.minter(vledger).mint_verification(vid)
        monkeypatch.undo()
        row = get_mint(vledger, vid, "kgco2e")
        assert row is not None and row.status == "sent" and row.tx_hash and row.attempts == 1
        assert "no receipt" in (row.last_error or "")
        retry = backend.minter(vledger)
        out = retry.mint_verification(vid)
        assert out.mints[0].status == "confirmed" and out.mints[0].tx_hash == row.tx_hash
        assert len(minted_events(retry)) == 1
        assert audit_actions(vledger).count("mint-sent") == 1

    @pytest.mark.slow
    def test_real_kill_between_send_and_record(self, anvil: Anvil, vledger: Ledger, vids: Vids) -> None:
        """A child process is SIGKILLed right after sending; the parent's retry mints once."""
        Minter(vledger, ChainClient.rpc(anvil.url), network="kill").deploy()
        vid = vids["shift"][0]
        script = textwrap.dedent("""
            import os, signal, sys
            from tools.chain import ChainClient
            from tools.ledger import Ledger
            from tools.chain.mint import Minter
            original = ChainClient.send
            def send_then_die(self, tx):
                original(self, tx)
                os.kill(os.getpid(), signal.SIGKILL)
            ChainClient.send = send_then_die
            with Ledger(sys.argv[1]) as ledger:
                Minter(ledger, ChainClient.rpc(sys.argv[2]), network="kill").mint_verification(sys.argv[3])
        """)
        child = subprocess.run([sys.executable, "-c", script, str(vledger.path), anvil.url, vid],
                               cwd=REPO, capture_output=True, text=True, timeout=120,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
        assert child.returncode == -signal.SIGKILL, child.stderr
        assert get_mint(vledger, vid, "kgco2e").status == "intent"  # type: ignore[union-attr]
        retry = Minter(vledger, ChainClient.rpc(anvil.url), network="kill")
        out = retry.mint_verification(vid)
        assert out.mints[0].status == "confirmed"
        assert len(minted_events(retry)) == 1
        assert retry.balance()["kgco2e"] == out.mints[0].amount_units

    def test_node_down_keeps_mint_pending(self, anvil: Anvil, vledger: Ledger, vids: Vids) -> None:
        Minter(vledger, ChainClient.rpc(anvil.url), network="outage").deploy()
        vid = vids["shift"][0]
        rec_id = load_verification(vledger, vid).rec_id
        anvil.stop()
        with pytest.raises(ChainUnavailableError, match=f"chain node at {anvil.url} is not reachable"):
            Minter(vledger, ChainClient.rpc(anvil.url), network="outage").mint_verification(vid)
        rows = list_mints(vledger, network="outage")
        assert [r.status for r in rows] == ["intent"]
        assert rows[0].last_error and "ChainUnavailableError" in rows[0].last_error
        assert statuses(vledger, [rec_id]) == {rec_id: "verified"}
        assert "mint-error" in audit_actions(vledger)

        anvil.restart()  # same state file: the tokens are still there
        minter = Minter(vledger, ChainClient.rpc(anvil.url), network="outage")
        assert reconcile(minter).pending  # listed as pending until retried
        out = minter.mint_verification(vid)
        assert [m.status for m in out.mints] == ["confirmed"]
        assert statuses(vledger, [rec_id]) == {rec_id: "minted"}
        assert len(minted_events(minter)) == 1 and reconcile(minter).ok

    def test_restart_keeps_balances_and_used_hashes(self, anvil: Anvil, vledger: Ledger, vids: Vids) -> None:
        minter = Minter(vledger, ChainClient.rpc(anvil.url), network="restart")
        minter.deploy()
        vid = vids["shift"][0]
        minted = {m.token: m.amount_units for m in minter.mint_verification(vid).mints}
        anvil.restart(port=None)
        after = Minter(vledger, ChainClient.rpc(anvil.url), network="restart")
        assert after.balance() == {"kwh": 0, **minted}
        evidence = bytes.fromhex(load_verification(vledger, vid).evidence_hash[2:])
        assert after.chain.contract("kgco2e").functions.evidenceUsed(evidence).call() is True
        with pytest.raises(AlreadyMintedError):
            after.client.transact(after.chain.contract("kgco2e").functions.mint(after.recipient, 1, evidence),
                                  "re-minting after restart")
        assert after.mint_verification(vid).already_minted
        assert reconcile(after).ok


class TestChecks:
    def test_wrong_chain_is_refused(self, vledger: Ledger, vids: Vids) -> None:
        Minter(vledger, ChainClient.in_process(), network="memory").deploy()
        other = Minter(vledger, ChainClient.in_process(), network="memory")  # a fresh, empty EVM
        vid = vids["shift"][0]
        # eth-tester's genesis carries the creation time: within the same second the two EVMs share
        # a genesis and the empty code at the recorded address is caught; otherwise the genesis is
        # (both are refusals before anything is sent)
        with pytest.raises(ChainMismatchError, match=r"is not the recorded token's code|is a different chain"):
            other.mint_verification(vid)
        assert {r.status for r in list_mints(vledger)} == {"intent"}

    def test_recipient_is_configurable_and_validated(self, vledger: Ledger, vids: Vids) -> None:
        client = ChainClient.in_process()
        with pytest.raises(MintError, match="is not an Ethereum address"):
            Minter(vledger, client, network="memory", recipient="0x123")
        someone = client.w3.eth.accounts[3]
        minter = Minter(vledger, client, network="memory", recipient=someone)
        minter.deploy()
        out = minter.mint_verification(vids["shift"][0])
        assert all(m.recipient == someone for m in out.mints)
        assert minter.balance(someone)["kgco2e"] == out.mints[0].amount_units
        assert minter.balance(client.signer.address) == {"kgco2e": 0, "kwh": 0}

    def test_keystore_signer_on_anvil_never_stores_the_key(self, anvil: Anvil, vledger: Ledger, vids: Vids,
                                                           tmp_path: Path) -> None:
        account = Account.create()
        node = ChainClient.rpc(anvil.url)
        node.wait(node.w3.eth.send_transaction({"from": node.w3.eth.accounts[0], "to": account.address,
                                                "value": 10**18}), "funding")
        path = tmp_path / "keystore.json"
        write_keystore(path, bytes(account.key), "pw")
        signer = signer_from_keystore(path, {"PW": "pw"}, "PW")
        minter = Minter(vledger, ChainClient.rpc(anvil.url, signer=signer), network="keyed")
        deployed = minter.deploy()
        assert deployed["kwh"]["admin"] == account.address
        out = minter.mint_verification(vids["shift"][0])
        assert all(m.recipient == account.address for m in out.mints)
        dump = "\n".join(json.dumps(list(vledger.db.query(f"SELECT * FROM [{t}]")))
                         for t in vledger.db.table_names())
        assert bytes(account.key).hex() not in dump.lower()


class TestReconcile:
    def test_finds_planted_differences(self, backend: Backend, vledger: Ledger, vids: Vids) -> None:
        minter = backend.minter(vledger)
        minter.deploy()
        minter.mint_verification(vids["shift"][0])
        minter.mint_verification(vids["shift"][1])
        assert reconcile(minter).ok

        # 1. an edited ledger amount; 2. a mint made on chain behind the ledger's back;
        # 3. a ledger row claiming a mint the chain never saw
        vledger.db.execute("UPDATE chain_mints SET amount_units = '1' WHERE verification_id = ? "
                           "AND token = 'kgco2e'", [vids["shift"][0]])
        token = minter.chain.contract("kgco2e")
        minter.client.wait(minter.client.transact(
            token.functions.mint(minter.recipient, 7, b"\x42" * 32), "planting"), "planting")
        vledger.db.execute("UPDATE chain_mints SET evidence_hash = ? WHERE verification_id = ? AND "
                           "token = 'kgco2e'", ["0x" + "ab" * 32, vids["shift"][1]])
        report = reconcile(minter)
        kinds = sorted((d.kind, d.token) for d in report.differences)
        assert not report.ok
        assert kinds == sorted([("amount_mismatch", "kgco2e"), ("amount_vs_verification", "kgco2e"),
                                ("not_in_ledger", "kgco2e"), ("not_in_ledger", "kgco2e"),
                                ("not_on_chain", "kgco2e")])
        planted = [d for d in report.differences if d.evidence_hash == "0x" + "42" * 32]
        assert planted and "0.000000000000000007" in planted[0].detail
        assert "chain-reconcile" in audit_actions(vledger)


class TestEmbeddedNode:
    def test_node_lifecycle_and_errors(self, anvil: Anvil, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
        node = anvil.node
        assert node.start(anvil.info.port) == anvil.info  # already running: the same node
        with pytest.raises(NodeError, match=f"already runs on port {anvil.info.port}"):
            node.start(anvil.info.port + 1)
        other = AnvilNode(tmp_path / "other", binary=anvil.node.binary())
        with pytest.raises(NodeError, match=f"port {anvil.info.port} on 127.0.0.1 is already in use"):
            other.start(anvil.info.port)
        assert other.stop() is None  # nothing of ours runs there

        # a stale pid file naming an unrelated live process: ignored and removed, never signalled
        other.chain_dir.mkdir(parents=True, exist_ok=True)
        other.pid_file.write_text(json.dumps({"pid": os.getpid(), "port": 1, "binary": "x",
                                              "state_file": str(other.state_file)}))
        assert other.info() is None and not other.pid_file.exists()

        monkeypatch.setenv("GREENOPS_ANVIL_BIN", str(tmp_path / "no-such-anvil"))
        with pytest.raises(NodeError, match="is not an executable file"):
            AnvilNode(tmp_path / "third").binary()
