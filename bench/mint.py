"""Token benchmarks: gas per deploy / mint / retire / audit anchor, and mints per second, on the in-process EVM
(eth-tester, py-evm) and on a real anvil node (npm @foundry-rs/anvil) started on a free port.

Two rates: *contract* mints (transact + receipt, nothing else) and *ledger* mints
(``Minter.mint_verification``: intent -> sent -> confirmed rows with their audit rows, event
validation and the recommendation's status move; one or two token mints per verification).
Gas target: <= 100,000 gas for a mint. Writes bench/results/mint.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from copilot.services.fleet import run_simulation  # noqa: E402
from copilot.services.planning import run_execute, run_plan, run_verify  # noqa: E402
from tools.chain import ChainClient  # noqa: E402
from tools.chain.mint import Minter  # noqa: E402
from tools.chain.node import AnvilNode, find_anvil, free_port  # noqa: E402
from tools.ledger import Ledger  # noqa: E402
from tools.ledger.queries import mintable_verification_ids  # noqa: E402
from tools.plan import PlanParams  # noqa: E402
from tools.simulate import SimulationConfig  # noqa: E402

CONTRACT_MINTS = 200
MINT_GAS_TARGET = 100_000


def verified_ledger(path: Path) -> list[str]:
    """A small simulation planned, executed and verified; ids of verifications with something to mint."""
    with Ledger(path) as ledger:
        run_simulation(ledger, SimulationConfig(days=2, seed=11, jobs_per_day=300), telemetry=False)
        run_plan(ledger, params=PlanParams())
        run_execute(ledger)
        run_verify(ledger)
        return mintable_verification_ids(ledger)


def measure(client: ChainClient, ledger_path: Path, ids: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"node": client.label, "chain_id": client.chain_id}
    with Ledger(ledger_path) as ledger:
        minter = Minter(ledger, client, network="bench")
        deployed = minter.deploy()
        out["deploy_gas"] = deployed["kwh"]["gas_used"]

        # contract path: distinct evidence hashes to one recipient
        token = minter.chain.contract("kwh")
        gas: list[int] = []
        start = time.perf_counter()
        for i in range(CONTRACT_MINTS):
            evidence = client.w3.keccak(text=f"bench-{i}")
            tx = client.transact(token.functions.mint(minter.recipient, 10**18 + i, evidence), "bench mint")
            gas.append(int(client.wait(tx, "bench mint")["gasUsed"]))
        seconds = time.perf_counter() - start
        out["contract_mint"] = {
            "mints": CONTRACT_MINTS, "seconds": round(seconds, 3),
            "mints_per_second": round(CONTRACT_MINTS / seconds, 1),
            "gas_first_mint": gas[0], "gas_later_mints_median": int(statistics.median(gas[1:])),
            "gas_max": max(gas), "target_gas": MINT_GAS_TARGET, "meets_target": max(gas) <= MINT_GAS_TARGET,
        }

        # ledger path: real verifications, exactly-once bookkeeping included
        start = time.perf_counter()
        token_mints, mint_gas = 0, []
        for vid in ids:
            result = minter.mint_verification(vid)
            token_mints += len(result.mints)
            mint_gas += [m.gas_used or 0 for m in result.mints]
        seconds = time.perf_counter() - start
        out["ledger_mint"] = {
            "verifications": len(ids), "token_mints": token_mints, "seconds": round(seconds, 3),
            "verifications_per_second": round(len(ids) / seconds, 1),
            "token_mints_per_second": round(token_mints / seconds, 1),
            "gas_max": max(mint_gas), "gas_median": int(statistics.median(mint_gas)),
        }

        retire_gas = []
        for i in range(20):
            retire_gas.append(minter.retire(10**15, f"bench retirement {i}", "kwh").gas_used or 0)
        out["retire"] = {"retirements": len(retire_gas), "gas_median": int(statistics.median(retire_gas)),
                         "gas_max": max(retire_gas)}
        anchor_gas = [minter.anchor_audit(f"{i:064x}", i + 1)["gas_used"] for i in range(5)]
        out["anchor"] = {"anchors": len(anchor_gas), "gas_median": int(statistics.median(anchor_gas)),
                         "gas_max": max(anchor_gas)}
    return out


def main() -> dict[str, Any]:
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
    }
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "verified.sqlite"
        ids = verified_ledger(base)
        in_process = Path(tmp) / "in_process.sqlite"
        in_process.write_bytes(base.read_bytes())
        results["in_process"] = measure(ChainClient.in_process(), in_process, ids)

        binary = find_anvil()
        if binary is None:
            results["anvil"] = {"skipped": "anvil binary not found: run `make install-node`"}
        else:
            # one unlocked dev account signs (as on any dev node reached by URL); the app's embedded
            # node unlocks none and signs with its data directory's keys
            node = AnvilNode(Path(tmp) / "chain", binary=binary, unlocked_accounts=1)
            info = node.start(free_port())
            try:
                on_anvil = Path(tmp) / "anvil.sqlite"
                on_anvil.write_bytes(base.read_bytes())
                results["anvil"] = measure(ChainClient.rpc(info.url), on_anvil, ids)
            finally:
                node.stop()

    out_dir = REPO / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "mint.json").write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
