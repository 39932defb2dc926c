"""The embedded chain node: anvil (from the npm package ``@foundry-rs/anvil``) on 127.0.0.1 with its
state file in the data directory, so balances, events and used evidence hashes survive a restart.

Files under ``<data dir>/chain/``:
    anvil-state.json   anvil's state (``--state``; dumped every second and on SIGTERM)
    node.json          pid, port and binary of the running node (removed by :meth:`AnvilNode.stop`)
    anvil.log          the node's output
    keys/, keystore-password   the node's signing keys (``tools.chain.keys.embedded_keys``)

No account is unlocked (``--accounts 0``): ``eth_accounts`` is empty and ``eth_sendTransaction``
has no sender to use, so every transaction is signed by one of the data directory's keys, which
:func:`fund` tops up with anvil's ``anvil_setBalance``. This is a development node all the same:
anvil's cheat methods (``anvil_setStorageAt``, ``anvil_impersonateAccount``, ``anvil_setCode``,
``anvil_reset`` ...) stay open to anyone who can reach 127.0.0.1:<port>, so it proves nothing to a
third party; a configured chain (``GREENOPS_CHAIN_RPC_URL``) does.

Durability: anvil writes its state file every :data:`STATE_INTERVAL_S` s (whole seconds only) and on
SIGTERM, not after each block. :meth:`AnvilNode.wait_persisted` waits until the file holds a given
block, so a confirmation is reported only once a crash of the node can no longer lose it.

Only a process this module started (pid file + command line check) is ever signalled.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from web3 import Web3

from tools.chain.client import ChainClient, ChainError

REPO_ROOT = Path(__file__).resolve().parents[2]
ANVIL_ENV = "GREENOPS_ANVIL_BIN"
STATE_INTERVAL_S = 1
PERSIST_TIMEOUT_S = 15.0  # at most this long for anvil to write a block to its state file
FUND_BELOW_WEI = 10**18  # top an embedded key up when it holds less than 1 ETH ...
FUND_TO_WEI = 100 * 10**18  # ... to 100 ETH (gas on a dev node costs nothing real)
_children: dict[int, subprocess.Popen[bytes]] = {}  # nodes started by this process (to reap)


class NodeError(ChainError):
    """The embedded node cannot be found, started or stopped."""


def find_anvil(env: Mapping[str, str] | None = None) -> Path | None:
    """The anvil binary: ``$GREENOPS_ANVIL_BIN``, else the npm package's platform binary in
    ``node_modules/@foundry-rs/anvil-<os>-<arch>/bin/anvil``, else ``anvil`` on PATH; or None."""
    env = os.environ if env is None else env
    if env.get(ANVIL_ENV):
        path = Path(env[ANVIL_ENV])
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise NodeError(f"${ANVIL_ENV}={path} is not an executable file")
        return path
    for candidate in sorted((REPO_ROOT / "node_modules" / "@foundry-rs").glob("anvil-*/bin/anvil")):
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("anvil")
    return Path(found) if found else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def rpc_ready(url: str, timeout_s: float = 0.5) -> bool:
    """True if a JSON-RPC node answers ``eth_chainId`` at ``url``."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return "result" in json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not alive
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


@dataclass(frozen=True)
class NodeInfo:
    """A running embedded node."""

    pid: int
    port: int
    binary: str
    state_file: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class AnvilNode:
    """Start, find and stop the embedded anvil node whose files live in ``chain_dir``."""

    def __init__(self, chain_dir: Path, *, binary: Path | None = None, unlocked_accounts: int = 0
                 ) -> None:
        """``unlocked_accounts``: anvil's dev accounts to unlock (0 for the embedded node; tests
        that stand for "another dev node" with funded unlocked accounts ask for some)."""
        self.chain_dir = Path(chain_dir)
        self._binary = binary
        self.unlocked_accounts = unlocked_accounts
        self.state_file = self.chain_dir / "anvil-state.json"
        self.pid_file = self.chain_dir / "node.json"
        self.log_file = self.chain_dir / "anvil.log"

    def binary(self) -> Path:
        binary = self._binary or find_anvil()
        if binary is None:
            raise NodeError("anvil not found: run `make install-node` (npm ci installs "
                            f"@foundry-rs/anvil into node_modules) or set ${ANVIL_ENV}")
        return binary

    def _is_ours(self, pid: int) -> bool:
        """The pid runs anvil with our state file (guards against a recycled pid)."""
        if pid in _children:
            return _children[pid].poll() is None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        return any(b"anvil" in part for part in cmdline[:1]) and str(self.state_file).encode() in cmdline

    def info(self) -> NodeInfo | None:
        """The running node, or None (a stale pid file is removed)."""
        try:
            data = json.loads(self.pid_file.read_text())
            info = NodeInfo(pid=int(data["pid"]), port=int(data["port"]), binary=str(data["binary"]),
                            state_file=str(data["state_file"]))
        except (OSError, ValueError, KeyError):
            return None
        if _alive(info.pid) and self._is_ours(info.pid):
            return info
        self.pid_file.unlink(missing_ok=True)
        return None

    def start(self, port: int, *, ready_timeout_s: float = 15.0) -> NodeInfo:
        """Start anvil on 127.0.0.1:``port`` (or return the node already running) and wait
        until it answers JSON-RPC."""
        running = self.info()
        if running is not None:
            if running.port != port:
                raise NodeError(f"the embedded node already runs on port {running.port} "
                                f"(pid {running.pid}), not {port}: run `chain-down` first")
            return running
        if _port_in_use(port):
            raise NodeError(f"port {port} on 127.0.0.1 is already in use: set GREENOPS_CHAIN_PORT "
                            f"to a free port")
        binary = self.binary()
        self.chain_dir.mkdir(parents=True, exist_ok=True)
        args = [str(binary), "--host", "127.0.0.1", "--port", str(port),
                "--state", str(self.state_file), "--state-interval", str(STATE_INTERVAL_S),
                "--accounts", str(self.unlocked_accounts)]
        with self.log_file.open("ab") as log:
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        _children[proc.pid] = proc
        info = NodeInfo(pid=proc.pid, port=port, binary=str(binary), state_file=str(self.state_file))
        url = info.url
        deadline = time.monotonic() + ready_timeout_s
        while not rpc_ready(url):
            if proc.poll() is not None:
                _children.pop(proc.pid, None)
                tail = self.log_file.read_text(errors="replace")[-600:]
                raise NodeError(f"anvil exited with code {proc.returncode} on start "
                                f"(port {port}); log {self.log_file}:\n{tail}")
            if time.monotonic() > deadline:
                self._terminate(proc.pid)
                raise NodeError(f"anvil did not answer on {url} within {ready_timeout_s:.0f} s")
            time.sleep(0.02)
        self.pid_file.write_text(json.dumps({"pid": info.pid, "port": info.port,
                                             "binary": info.binary, "state_file": info.state_file}))
        return info

    def _terminate(self, pid: int, timeout_s: float = 10.0) -> None:
        try:
            os.kill(pid, signal.SIGTERM)  # anvil dumps its state on SIGTERM
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout_s
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        child = _children.pop(pid, None)
        if child is not None:
            child.wait(timeout=timeout_s)

    def persisted_block(self) -> int | None:
        """The newest block in the state file (``best_block_number``), or None when there is no
        complete file yet (anvil rewrites it in place, so a read can catch it half-written)."""
        try:
            with self.state_file.open("rb") as f:
                data = json.load(f)
            return int(data["best_block_number"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def wait_persisted(self, block: int, timeout_s: float = PERSIST_TIMEOUT_S) -> None:
        """Return once the state file holds ``block`` (or a later one); NodeError after
        ``timeout_s``. Re-reads the file only when its modification time changes."""
        deadline = time.monotonic() + timeout_s
        seen: int | None = None
        while True:
            try:
                mtime = self.state_file.stat().st_mtime_ns
            except OSError:
                mtime = None
            if mtime is not None and mtime != seen:
                seen = mtime
                persisted = self.persisted_block()
                if persisted is not None and persisted >= block:
                    return
            if time.monotonic() > deadline:
                raise NodeError(
                    f"anvil has not written block {block} to its state file {self.state_file} within "
                    f"{timeout_s:.0f} s (it dumps every {STATE_INTERVAL_S} s): the transaction is on the "
                    f"running node but not on disk yet, so it is not reported confirmed; retry to "
                    f"record it once the node has saved its state")
            time.sleep(0.05)

    def stop(self) -> NodeInfo | None:
        """Stop the running node (state is dumped first); returns what was stopped, or None."""
        info = self.info()
        if info is None:
            return None
        self._terminate(info.pid)
        self.pid_file.unlink(missing_ok=True)
        return info


def fund(client: ChainClient, addresses: list[str], *, below_wei: int = FUND_BELOW_WEI,
         to_wei: int = FUND_TO_WEI) -> list[str]:
    """Top up each address holding less than ``below_wei`` to ``to_wei`` with anvil's
    ``anvil_setBalance`` (embedded node only: no account there is unlocked to pay from);
    returns the addresses topped up."""
    funded: list[str] = []
    for address in addresses:
        who = Web3.to_checksum_address(address)
        balance = client.call(f"reading the balance of {who}", partial(client.w3.eth.get_balance, who))
        if int(balance) < below_wei:
            answer = client.call(f"funding {who}", partial(
                client.w3.provider.make_request, "anvil_setBalance", [who, hex(to_wei)]))  # type: ignore[arg-type]
            if "error" in answer:
                raise NodeError(f"node at {client.label} refused anvil_setBalance for {who}: "
                                f"{answer['error']}")
            funded.append(who)
    return funded
