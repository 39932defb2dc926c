"""Ledger tables for plans, recommendations, tickets, executions and verifications.

A recommendation moves ``proposed -> approved -> executed -> verified -> minted`` (or
``proposed -> rejected``); every transition is checked and audited in the same transaction as
the rows it writes. Storing a plan, execution or verification that is already there (same
content-derived id) writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from tools.hashing import canonical_json, content_hash
from tools.ledger.db import Ledger, LedgerError, StoreResult
from tools.records import REC_TRANSITIONS, Execution, Plan, Recommendation, RecStatus, Verification


def ensure_tables(ledger: Ledger) -> None:
    db = ledger.db
    with ledger.transaction():
        db.table("plans").create({
            "plan_id": str, "run_id": str, "solver": str, "policy_name": str, "policy_hash": str,
            "payload": str, "created_utc": str}, pk="plan_id", if_not_exists=True)
        db.table("recommendations").create({
            "rec_id": str, "plan_id": str, "job_id": str, "team": str, "kind": str, "status": str,
            "est_kgco2e": float, "est_kgco2e_lower": float, "est_kwh": float, "est_usd": float,
            "payload": str, "updated_utc": str}, pk="rec_id", if_not_exists=True,
            foreign_keys=[("plan_id", "plans", "plan_id")])
        db.table("plan_not_moved").create({"plan_id": str, "job_id": str, "reason": str},
                                          pk=("plan_id", "job_id"), if_not_exists=True)
        db.table("tickets").create({"rec_id": str, "markdown": str, "created_utc": str},
                                   pk="rec_id", if_not_exists=True)
        db.table("executions").create({
            "exec_id": str, "plan_id": str, "job_id": str, "payload": str, "created_utc": str},
            pk="exec_id", if_not_exists=True)
        db.table("verifications").create({
            "verification_id": str, "rec_id": str, "evidence_hash": str, "kind": str,
            "mintable_kgco2e": float, "mintable_kwh": float, "payload": str, "created_utc": str},
            pk="verification_id", if_not_exists=True)
        for table, cols in (("recommendations", ["plan_id", "status"]), ("executions", ["plan_id"]),
                            ("verifications", ["rec_id"])):
            db.table(table).create_index(cols, if_not_exists=True)
        db.table("verifications").create_index(["evidence_hash"], unique=True, if_not_exists=True)


def store_plan(ledger: Ledger, plan: Plan, actor: str = "system") -> StoreResult:
    """Store a plan with its recommendations (status ``proposed``) and not-moved reasons."""
    ensure_tables(ledger)
    if ledger.db.table("plans").count_where("plan_id = ?", [plan.plan_id]):
        return StoreResult(plan.plan_id, False)
    stamp = ledger.now_iso()
    head = plan.model_dump(mode="json", exclude={"recommendations", "not_moved"})
    with ledger.transaction():
        ledger.db.table("plans").insert({
            "plan_id": plan.plan_id, "run_id": plan.run_id, "solver": plan.solver,
            "policy_name": plan.policy_name, "policy_hash": plan.policy_hash,
            "payload": canonical_json(head), "created_utc": stamp})
        ledger.db.table("recommendations").insert_all(({
            "rec_id": r.rec_id, "plan_id": r.plan_id, "job_id": r.job_id, "team": r.team,
            "kind": r.kind, "status": RecStatus.PROPOSED, "est_kgco2e": r.est_kgco2e_saved.central,
            "est_kgco2e_lower": r.est_kgco2e_saved.lower, "est_kwh": r.est_kwh_saved.central,
            "est_usd": r.est_usd_saved.central, "payload": r.model_dump_json(), "updated_utc": stamp,
        } for r in plan.recommendations), batch_size=2000)
        ledger.db.table("plan_not_moved").insert_all(
            ({"plan_id": plan.plan_id, "job_id": j, "reason": why} for j, why in plan.not_moved.items()),
            batch_size=5000)
        ledger.audit("plan", plan.plan_id, {
            "solver": plan.solver, "run_id": plan.run_id, "policy_hash": plan.policy_hash,
            "recommendations": len(plan.recommendations), "not_moved": plan.not_moved_counts(),
            "recs_sha256": content_hash(sorted(r.rec_id for r in plan.recommendations))}, actor=actor)
    return StoreResult(plan.plan_id, True, {"recommendations": len(plan.recommendations)})


def latest_plan_id(ledger: Ledger) -> str | None:
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT plan_id FROM plans ORDER BY rowid DESC LIMIT 1"))
    return str(rows[0]["plan_id"]) if rows else None


def get_plan_head(ledger: Ledger, plan_id: str) -> dict[str, Any] | None:
    """The stored row of a plan (plan_id, run_id, solver, policy_name, policy_hash, payload,
    created_utc), or None."""
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT * FROM plans WHERE plan_id = ?", [plan_id]))
    return rows[0] if rows else None


def load_plan(ledger: Ledger, plan_id: str) -> Plan:
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT payload FROM plans WHERE plan_id = ?", [plan_id]))
    if not rows:
        raise LedgerError(f"no plan with plan_id={plan_id!r}")
    head = json.loads(rows[0]["payload"])
    recs = [Recommendation.model_validate_json(r["payload"]) for r in ledger.db.query(
        "SELECT payload FROM recommendations WHERE plan_id = ? ORDER BY rowid", [plan_id])]
    not_moved = {r["job_id"]: r["reason"] for r in ledger.db.query(
        "SELECT job_id, reason FROM plan_not_moved WHERE plan_id = ?", [plan_id])}
    return Plan.model_validate({**head, "recommendations": recs, "not_moved": not_moved})


def recommendations(ledger: Ledger, plan_id: str, status: RecStatus | None = None
                    ) -> list[Recommendation]:
    ensure_tables(ledger)
    sql = "SELECT payload FROM recommendations WHERE plan_id = ?"
    args: list[Any] = [plan_id]
    if status is not None:
        sql += " AND status = ?"
        args.append(status)
    return [Recommendation.model_validate_json(r["payload"])
            for r in ledger.db.query(sql + " ORDER BY rowid", args)]


def statuses(ledger: Ledger, rec_ids: Iterable[str]) -> dict[str, str]:
    ensure_tables(ledger)
    ids = list(rec_ids)
    return {r["rec_id"]: r["status"] for r in ledger.db.query(
        "SELECT rec_id, status FROM recommendations WHERE rec_id IN (SELECT value FROM json_each(?))",
        [json.dumps(ids)])}


def transition(ledger: Ledger, rec_ids: list[str], to: RecStatus, actor: str = "system",
               note: str = "") -> int:
    """Move recommendations to status ``to`` (all or none); returns how many changed."""
    current = statuses(ledger, rec_ids)
    unknown = sorted(set(rec_ids) - set(current))
    if unknown:
        raise LedgerError(f"unknown recommendation id(s) {unknown[:5]}")
    bad = {r: s for r, s in current.items() if to not in REC_TRANSITIONS[RecStatus(s)]}
    if bad:
        first = next(iter(bad.items()))
        raise LedgerError(f"{len(bad)} recommendation(s) cannot move to {to!r} "
                          f"(e.g. {first[0]} is {first[1]!r})")
    with ledger.transaction():
        ledger.db.execute(
            "UPDATE recommendations SET status = ?, updated_utc = ? "
            "WHERE rec_id IN (SELECT value FROM json_each(?))",
            [to, ledger.now_iso(), json.dumps(rec_ids)])
        ledger.audit(f"recommendations-{to}", content_hash(sorted(rec_ids))[:16],
                     {"count": len(rec_ids), "rec_ids_sha256": content_hash(sorted(rec_ids)),
                      "note": note}, actor=actor)
    return len(rec_ids)


def store_executions(ledger: Ledger, executions: list[Execution], tickets: dict[str, str],
                     actor: str = "system") -> StoreResult:
    """Approve, ticket and mark executed the recommendations behind ``executions``, atomically."""
    ensure_tables(ledger)
    rec_ids = sorted({r for e in executions for r in e.rec_ids})
    batch = content_hash(sorted(e.exec_id for e in executions))[:16]
    current = statuses(ledger, rec_ids)
    done = (RecStatus.EXECUTED, RecStatus.VERIFIED, RecStatus.MINTED)
    if rec_ids and all(current.get(r) in done for r in rec_ids):
        return StoreResult(batch, False)
    with ledger.transaction():
        proposed = [r for r in rec_ids if current.get(r) == RecStatus.PROPOSED]
        if proposed:
            transition(ledger, proposed, RecStatus.APPROVED, actor=actor, note="approved for execution")
        stamp = ledger.now_iso()
        ledger.db.table("tickets").upsert_all(
            ({"rec_id": r, "markdown": md, "created_utc": stamp} for r, md in tickets.items()),
            pk="rec_id")
        ledger.db.table("executions").insert_all(({
            "exec_id": e.exec_id, "plan_id": e.plan_id, "job_id": e.job_id,
            "payload": e.model_dump_json(), "created_utc": stamp} for e in executions),
            ignore=True, batch_size=2000)
        transition(ledger, rec_ids, RecStatus.EXECUTED, actor=actor)
    return StoreResult(batch, True, {"executions": len(executions), "recommendations": len(rec_ids)})


def load_executions(ledger: Ledger, plan_id: str) -> dict[str, Execution]:
    """Executions of a plan by job id."""
    ensure_tables(ledger)
    return {r["job_id"]: Execution.model_validate_json(r["payload"]) for r in ledger.db.query(
        "SELECT job_id, payload FROM executions WHERE plan_id = ? ORDER BY rowid", [plan_id])}


def ticket(ledger: Ledger, rec_id: str) -> str:
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT markdown FROM tickets WHERE rec_id = ?", [rec_id]))
    if not rows:
        raise LedgerError(f"no ticket for recommendation {rec_id!r}")
    return str(rows[0]["markdown"])


def store_verifications(ledger: Ledger, verifications: list[Verification], actor: str = "system"
                        ) -> StoreResult:
    """Store verification records and mark their recommendations verified (idempotent)."""
    ensure_tables(ledger)
    ids = sorted(v.verification_id for v in verifications)
    batch = content_hash(ids)[:16]
    existing = {r["verification_id"] for r in ledger.db.query(
        "SELECT verification_id FROM verifications WHERE verification_id IN "
        "(SELECT value FROM json_each(?))", [json.dumps(ids)])}
    new = [v for v in verifications if v.verification_id not in existing]
    if not new:
        return StoreResult(batch, False)
    stamp = ledger.now_iso()
    with ledger.transaction():
        ledger.db.table("verifications").insert_all(({
            "verification_id": v.verification_id, "rec_id": v.rec_id,
            "evidence_hash": v.evidence_hash, "kind": v.kind,
            "mintable_kgco2e": v.mintable_kgco2e, "mintable_kwh": v.mintable_kwh,
            "payload": v.model_dump_json(), "created_utc": stamp} for v in new), batch_size=2000)
        current = statuses(ledger, [v.rec_id for v in new])
        to_verify = sorted({v.rec_id for v in new if current.get(v.rec_id) == RecStatus.EXECUTED})
        if to_verify:
            transition(ledger, to_verify, RecStatus.VERIFIED, actor=actor)
        ledger.audit("verify", batch, {"count": len(new),
                                       "evidence_hashes_sha256": content_hash(
                                           sorted(v.evidence_hash for v in new))}, actor=actor)
    return StoreResult(batch, True, {"verifications": len(new)})


def load_verification(ledger: Ledger, verification_id: str) -> Verification:
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT payload FROM verifications WHERE verification_id = ?",
                                [verification_id]))
    if not rows:
        raise LedgerError(f"no verification with id {verification_id!r}")
    return Verification.model_validate_json(rows[0]["payload"])


def verifications_for_plan(ledger: Ledger, plan_id: str) -> list[Verification]:
    ensure_tables(ledger)
    return [Verification.model_validate_json(r["payload"]) for r in ledger.db.query(
        "SELECT v.payload FROM verifications v JOIN recommendations r ON r.rec_id = v.rec_id "
        "WHERE r.plan_id = ? ORDER BY v.rowid", [plan_id])]
