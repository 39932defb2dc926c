"""One saving, one claim, one token: re-planning, re-executing and re-verifying the same jobs under
another plan (other solver, other days) claims nothing new and mints nothing new; an edited
verification is refused at mint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from copilot.services.planning import forecast_from_realised, run_execute, run_plan, run_verify
from tests.conftest import FixedClock
from tools.chain import ChainClient
from tools.chain.mint import Minter, NotClaimHolderError
from tools.ledger import Ledger
from tools.ledger.mints import list_mints
from tools.ledger.plans import (
    ClaimedError,
    TamperedRecordError,
    claims_for_jobs,
    load_plan,
    store_executions,
    store_plan,
    store_verifications,
)
from tools.plan import PlanParams, make_plan
from tools.records import Execution
from tools.simulate import ExecutionParams, execute
from tools.verify import VerifyParams, verify

pytest_plugins = ["tests.chain_fixtures"]


def verification_ids(ledger: Ledger) -> dict[str, list[str]]:
    from tests.chain_fixtures import verification_ids as by_token

    return by_token(ledger)


@pytest.fixture
def twice(verified_db: Path, tmp_path: Path) -> Ledger:
    """The verified ledger copied, then planned again over the same jobs with the exact solver."""
    path = tmp_path / "ledger.sqlite"
    shutil.copy(verified_db, path)
    return Ledger(path, clock=FixedClock())


def test_replanning_executed_jobs_says_so_and_proposes_nothing_for_them(twice: Ledger) -> None:
    first_plan = load_plan(twice, str(next(twice.db.query("SELECT plan_id FROM plans"))["plan_id"]))
    executed_jobs = {r.job_id for r in first_plan.recommendations}
    second = run_plan(twice, solver="exact", params=PlanParams(carbon_price_usd_per_t=150))
    assert second["plan_id"] != first_plan.plan_id
    plan = load_plan(twice, second["plan_id"])
    assert not {r.job_id for r in plan.recommendations} & executed_jobs
    assert {j for j, why in plan.not_moved.items() if why == "executed"} == executed_jobs
    assert any(f"already executed in plan(s) {first_plan.plan_id}" in n for n in plan.notes)


def test_reexecuting_and_reverifying_under_another_plan_mints_nothing_new(twice: Ledger) -> None:
    minter = Minter(twice, ChainClient.in_process(), network="memory")
    minter.deploy()
    ids = verification_ids(twice)
    for vid in [*ids["shift"][:3], *ids["energy"][:3]]:
        minter.mint_verification(vid)
    supply = minter.chain.total_supply()
    verified_before = {r["verification_id"] for r in twice.db.query("SELECT verification_id FROM verifications")}
    # a plan made as if nothing had been executed (the planner's guard bypassed, as an older
    # version did) re-proposes the same jobs; executing and verifying it claims nothing twice
    run_id = str(next(twice.db.query("SELECT run_id FROM runs"))["run_id"])
    jobs = twice.load_jobs(run_id)
    forecast = twice.run_series(run_id, "forecast") or forecast_from_realised(twice, run_id, jobs)
    rogue = make_plan(jobs, forecast, solver="greedy", params=PlanParams(carbon_price_usd_per_t=90), run_id=run_id)
    store_plan(twice, rogue)
    held = claims_for_jobs(twice, {r.job_id for r in rogue.recommendations})
    overlap = {r.rec_id for r in rogue.recommendations if (r.job_id, r.kind) in held}
    assert overlap, "the rogue plan must re-propose executed jobs for this test to mean anything"
    out = run_execute(twice, plan_id=rogue.plan_id)
    assert out["already_executed"] == len(overlap)
    run_verify(twice, plan_id=rogue.plan_id)
    fresh = [r for r in twice.db.query("SELECT verification_id, rec_id FROM verifications")
             if r["verification_id"] not in verified_before]
    assert not {r["rec_id"] for r in fresh} & overlap  # nothing verified for a claimed saving
    for vid in ids["shift"][:3] + ids["energy"][:3]:  # minting the first plan's again: no-ops
        assert minter.mint_verification(vid).already_minted
    assert minter.chain.total_supply() == supply
    minted = [twice.db.table("verifications").get(m.verification_id) for m in list_mints(twice)]
    pairs = [(json.loads(v["payload"])["job_id"], v["kind"]) for v in minted]
    assert len(pairs) == len(set(pairs)) == 6


def test_store_layer_refuses_a_second_claim_and_a_second_verification(twice: Ledger) -> None:
    run_id = str(next(twice.db.query("SELECT run_id FROM runs"))["run_id"])
    first = load_plan(twice, str(next(twice.db.query("SELECT plan_id FROM plans"))["plan_id"]))
    rec = first.recommendations[0]
    jobs = twice.load_jobs(run_id)
    # the same recommendation content under another plan id
    other = rec.model_copy(update={"rec_id": "f" * 16, "plan_id": "e" * 16})
    twice.db.table("plans").insert({"plan_id": "e" * 16, "run_id": run_id, "solver": "greedy",
                                   "policy_name": "x", "policy_hash": "x", "payload": "{}",
                                   "created_utc": twice.now_iso()})
    twice.db.table("recommendations").insert({
        "rec_id": other.rec_id, "plan_id": other.plan_id, "job_id": other.job_id, "team": other.team,
        "kind": other.kind, "status": "proposed", "est_kgco2e": 1.0, "est_kgco2e_lower": 0.5,
        "est_kwh": 0.0, "est_usd": 0.0, "payload": other.model_dump_json(), "updated_utc": twice.now_iso()})
    executions: list[Execution] = execute([other], jobs, ExecutionParams(seed=0))
    before = twice.counts()
    with pytest.raises(ClaimedError, match=f"already executed in plan {first.plan_id}"):
        store_executions(twice, executions, {})
    assert twice.counts() == before  # nothing written
    # a second verification of the claim holder with other parameters is refused too
    held = claims_for_jobs(twice, [rec.job_id])[(rec.job_id, rec.kind)]
    assert held["verification_id"]
    execution = Execution.model_validate_json(next(twice.db.query(
        "SELECT payload FROM executions WHERE plan_id = ? AND job_id = ?", [rec.plan_id, rec.job_id]))["payload"])
    realised = twice.run_series(run_id, "realised")
    job = jobs.set_index("job_id", drop=False).loc[rec.job_id]
    again = verify(rec, execution, job, realised, VerifyParams(factor_rel=0.01))
    assert again.verification_id != held["verification_id"]
    with pytest.raises(ClaimedError, match="already verified"):
        store_verifications(twice, [again])


def test_an_edited_verification_is_refused_at_mint(twice: Ledger) -> None:
    minter = Minter(twice, ChainClient.in_process(), network="memory")
    minter.deploy()
    vid = verification_ids(twice)["shift"][0]
    row = twice.db.table("verifications").get(vid)
    body = json.loads(row["payload"])
    body["saved_kgco2e"]["lower"] *= 3
    body["saved_kgco2e"]["central"] = max(body["saved_kgco2e"]["central"], body["saved_kgco2e"]["lower"])
    body["saved_kgco2e"]["upper"] = max(body["saved_kgco2e"]["upper"], body["saved_kgco2e"]["lower"])
    body["mintable_kgco2e"] = body["saved_kgco2e"]["lower"]
    twice.db.execute("UPDATE verifications SET payload = ?, mintable_kgco2e = ? WHERE verification_id = ?",
                     [json.dumps(body), body["mintable_kgco2e"], vid])
    with pytest.raises(TamperedRecordError, match="no longer matches its evidence hash"):
        minter.mint_verification(vid)
    assert list_mints(twice) == [] and minter.chain.total_supply() == {"kgco2e": 0, "kwh": 0}
    # the table's column alone edited (the payload intact) is caught as well
    other = verification_ids(twice)["shift"][1]
    twice.db.execute("UPDATE verifications SET mintable_kgco2e = mintable_kgco2e * 2 WHERE verification_id = ?",
                     [other])
    with pytest.raises(TamperedRecordError, match="columns"):
        minter.mint_verification(other)


def test_a_verification_that_lost_its_claim_is_refused_at_mint(twice: Ledger) -> None:
    minter = Minter(twice, ChainClient.in_process(), network="memory")
    minter.deploy()
    vid = verification_ids(twice)["shift"][0]
    twice.db.execute("UPDATE claims SET verification_id = 'someoneelse00000' WHERE verification_id = ?", [vid])
    with pytest.raises(NotClaimHolderError, match="one saving mints once"):
        minter.mint_verification(vid)
    assert list_mints(twice) == []
