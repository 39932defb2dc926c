"""Fixtures for the token tests: verified ledgers, the in-process EVM and real anvil nodes.

anvil comes from the npm package ``@foundry-rs/anvil`` (``make test`` installs it into
node_modules); each node runs on 127.0.0.1 on a free port with its state in the test's tmp dir
and is stopped by its fixture. Tests that need anvil skip, with the reason printed, only when
the binary cannot be found at all.

``anvil`` / ``backend`` stand for "another dev node reached by URL": they unlock anvil's funded
dev accounts (:data:`DEV_ACCOUNTS`) and sign with the first, one key for admin and minter. The
embedded node (no unlocked account, the data directory's admin and minter keys) is ``embedded``,
driven through ``copilot.services.chain`` like the app does.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from copilot.services.fleet import run_simulation
from copilot.services.planning import run_execute, run_plan, run_verify
from copilot.settings import Settings
from tests.conftest import FixedClock, skip_or_fail
from tools.chain import ChainClient, NodeSigner
from tools.chain.mint import Minter
from tools.chain.node import AnvilNode, NodeInfo, find_anvil, free_port
from tools.ledger import Ledger
from tools.plan import PlanParams
from tools.simulate import SimulationConfig

SMALL = SimulationConfig(days=2, seed=11, jobs_per_day=150)
BACKENDS = ["in-process", "anvil"]
DEV_ACCOUNTS = 4  # unlocked, funded anvil dev accounts of the "another dev node" fixtures


def anvil_or_skip() -> Path:
    binary = find_anvil()
    if binary is None:
        skip_or_fail("anvil binary not found (node_modules/@foundry-rs/anvil-*/bin/anvil, "
                     "$GREENOPS_ANVIL_BIN or PATH): run `make install-node`")
    return binary


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings of a private data dir with the embedded chain on a free port and the offline model
    (as `make run` has them); the embedded node, if a test started it, is stopped after."""
    data = tmp_path / "data"
    for key, value in {"GREENOPS_DATA_DIR": str(data), "GREENOPS_CHAIN_PORT": str(free_port()),
                       "GREENOPS_CHAIN_RPC_URL": "", "GREENOPS_LLM_PROVIDER": "offline"}.items():
        monkeypatch.setenv(key, value)
    try:
        yield Settings.from_env()
    finally:
        AnvilNode(data / "chain").stop()


@pytest.fixture(scope="session")
def verified_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger file holding a small simulation planned, executed and verified (built once)."""
    path = tmp_path_factory.mktemp("verified") / "ledger.sqlite"
    with Ledger(path, clock=FixedClock()) as ledger:
        run_simulation(ledger, SMALL, telemetry=False)
        run_plan(ledger, params=PlanParams())
        run_execute(ledger)
        run_verify(ledger)
    return path


@pytest.fixture
def vledger(verified_db: Path, tmp_path: Path) -> Iterator[Ledger]:
    """A private copy of the verified ledger."""
    path = tmp_path / "ledger.sqlite"
    shutil.copy(verified_db, path)
    with Ledger(path, clock=FixedClock()) as ledger:
        yield ledger


def verification_ids(ledger: Ledger) -> dict[str, list[str]]:
    """Verification ids by the one token they mint: ``energy`` (rightsize/power cap: kWhSave > 0),
    ``shift`` (kgCO2eSave > 0), ``nothing`` (the lower bound of their token is not positive)."""
    rows = list(ledger.db.query("SELECT verification_id, kind, mintable_kgco2e AS kg, mintable_kwh AS kwh "
                                "FROM verifications ORDER BY rowid"))
    return {
        "energy": [r["verification_id"] for r in rows if r["kind"] != "shift" and r["kwh"] > 0],
        "shift": [r["verification_id"] for r in rows if r["kind"] == "shift" and r["kg"] > 0],
        "nothing": [r["verification_id"] for r in rows
                    if (r["kg"] if r["kind"] == "shift" else r["kwh"]) == 0],
    }


@pytest.fixture
def vids(vledger: Ledger) -> dict[str, list[str]]:
    """Verification ids of ``vledger`` by what they can mint."""
    return verification_ids(vledger)


@dataclass
class Anvil:
    """A running anvil node owned by a test."""

    node: AnvilNode
    info: NodeInfo
    started: list[NodeInfo] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.info.url

    def stop(self) -> None:
        self.node.stop()

    def restart(self, port: int | None = None) -> None:
        self.node.stop()
        self.info = self.node.start(port or self.info.port)


@pytest.fixture
def anvil(tmp_path: Path) -> Iterator[Anvil]:
    binary = anvil_or_skip()
    node = AnvilNode(tmp_path / "chain", binary=binary, unlocked_accounts=DEV_ACCOUNTS)
    handle = Anvil(node=node, info=node.start(free_port()))
    try:
        yield handle
    finally:
        node.stop()


@dataclass
class Backend:
    """One chain for a test: the in-process EVM or a real anvil node."""

    name: str
    client: ChainClient
    network: str
    anvil: Anvil | None = None

    def fresh_client(self) -> ChainClient:
        """A new client to the same chain (as a restarted process would make)."""
        if self.anvil is not None:
            return ChainClient.rpc(self.anvil.url, receipt_timeout_s=10)
        return ChainClient(self.client.w3, label=self.client.label, signer=self.client.signer)

    def other_account(self) -> NodeSigner:
        return NodeSigner(self.client.w3.eth.accounts[1])

    def minter(self, ledger: Ledger, **kwargs: str) -> Minter:
        return Minter(ledger, self.fresh_client(), network=self.network, **kwargs)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "in-process":
        yield Backend("in-process", ChainClient.in_process(), "memory")
        return
    binary = anvil_or_skip()
    node = AnvilNode(tmp_path / "chain", binary=binary, unlocked_accounts=DEV_ACCOUNTS)
    handle = Anvil(node=node, info=node.start(free_port()))
    try:
        yield Backend("anvil", ChainClient.rpc(handle.url, receipt_timeout_s=10), "test-anvil", handle)
    finally:
        node.stop()


@dataclass
class Embedded:
    """The app's embedded chain in a test data directory (``copilot.services.chain``)."""

    settings: Settings
    ledger: Ledger

    @property
    def chain_dir(self) -> Path:
        return self.settings.data_dir / "chain"

    def node(self) -> AnvilNode:
        return AnvilNode(self.chain_dir)

    def minter(self, actor: str = "test") -> Minter:
        from copilot.services.chain import open_minter

        return open_minter(self.ledger, self.settings, actor=actor)


@pytest.fixture
def embedded(vledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Embedded]:
    """A verified ledger and an embedded chain configuration on a free port (not started)."""
    anvil_or_skip()
    monkeypatch.delenv("GREENOPS_CHAIN_KEYSTORE_PASSWORD", raising=False)
    settings = Settings.from_env({"GREENOPS_DATA_DIR": str(tmp_path / "data"),
                                  "GREENOPS_CHAIN_PORT": str(free_port())})
    handle = Embedded(settings=settings, ledger=vledger)
    try:
        yield handle
    finally:
        handle.node().stop()
