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
        if "claims" not in db.table_names():
            db.table("claims").create({
                "job_id": str, "kind": str, "rec_id": str, "plan_id": str, "verification_id": str,
                "created_utc": str}, pk=("job_id", "kind"))
            _backfill_claims(ledger)
        ledger.protect("verifications")
        ledger.protect("claims")


def _backfill_claims(ledger: Ledger) -> None:
    """Claims for a ledger written before claims existed: the first recommendation executed for
    each (job, kind) holds it, with its first verification."""
    done = [RecStatus.EXECUTED, RecStatus.VERIFIED, RecStatus.MINTED]
    ledger.db.execute(
        "INSERT OR IGNORE INTO claims (job_id, kind, rec_id, plan_id, verification_id, created_utc) "
        "SELECT r.job_id, r.kind, r.rec_id, r.plan_id, "
        "(SELECT v.verification_id FROM verifications v WHERE v.rec_id = r.rec_id ORDER BY v.rowid LIMIT 1), "
        "r.updated_utc FROM recommendations r WHERE r.status IN (SELECT value FROM json_each(?)) "
        "ORDER BY r.rowid", [json.dumps(done)])


class ClaimedError(LedgerError):
    """The saving of a (job, kind of change) is already claimed by another recommendation or
    verification: one saving, one claim, across every plan."""


class TamperedRecordError(LedgerError):
    """A stored record no longer matches its own hash (edited outside the app)."""


def claims_for_jobs(ledger: Ledger, job_ids: Iterable[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """The claims on ``job_ids``: (job_id, kind) -> {rec_id, plan_id, verification_id}."""
    ensure_tables(ledger)
    return {(r["job_id"], r["kind"]): r for r in ledger.db.query(
        "SELECT * FROM claims WHERE job_id IN (SELECT value FROM json_each(?))",
        [json.dumps(list(job_ids))])}


def executed_jobs(ledger: Ledger, job_ids: Iterable[str]) -> dict[str, str]:
    """job_id -> the plan in which a change to it was executed (first claim), for ``job_ids``."""
    out: dict[str, str] = {}
    for (job_id, _), claim in sorted(claims_for_jobs(ledger, job_ids).items(),
                                     key=lambda kv: str(kv[1]["created_utc"])):
        out.setdefault(job_id, str(claim["plan_id"]))
    return out


def claim_of(ledger: Ledger, job_id: str, kind: str) -> dict[str, Any] | None:
    """Who holds the saving of (job, kind): {rec_id, plan_id, verification_id}, or None."""
    return claims_for_jobs(ledger, [job_id]).get((job_id, kind))


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


def _claim_executed(ledger: Ledger, rec_ids: list[str], stamp: str) -> None:
    """Claim (job, kind) for each recommendation; ClaimedError when another one holds it."""
    recs = [Recommendation.model_validate_json(r["payload"]) for r in ledger.db.query(
        "SELECT payload FROM recommendations WHERE rec_id IN (SELECT value FROM json_each(?))",
        [json.dumps(rec_ids)])]
    held = claims_for_jobs(ledger, {r.job_id for r in recs})
    taken = [(r, held[(r.job_id, r.kind)]) for r in recs
             if (r.job_id, r.kind) in held and held[(r.job_id, r.kind)]["rec_id"] != r.rec_id]
    if taken:
        rec, claim = taken[0]
        raise ClaimedError(
            f"{len(taken)} recommendation(s) change a job whose saving is already claimed, e.g. "
            f"{rec.rec_id}: the {rec.kind} of job {rec.job_id} was already executed in plan "
            f"{claim['plan_id']} (recommendation {claim['rec_id']}); one saving is claimed once")
    ledger.db.table("claims").insert_all(({
        "job_id": r.job_id, "kind": r.kind, "rec_id": r.rec_id, "plan_id": r.plan_id,
        "verification_id": None, "created_utc": stamp} for r in recs
        if (r.job_id, r.kind) not in held), batch_size=2000)


def store_executions(ledger: Ledger, executions: list[Execution], tickets: dict[str, str],
                     actor: str = "system") -> StoreResult:
    """Approve, ticket and mark executed the recommendations behind ``executions``, atomically.
    Each executed (job, kind of change) is claimed once across every plan (ClaimedError)."""
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
        _claim_executed(ledger, rec_ids, stamp)
        ledger.db.table("tickets").upsert_all(
            ({"rec_id": r, "markdown": md, "created_utc": stamp} for r, md in tickets.items()),
            pk="rec_id")
        ledger.db.table("executions").insert_all(({
            "exec_id": e.exec_id, "plan_id": e.plan_id, "job_id": e.job_id,
            "payload": e.model_dump_json(), "created_utc": stamp} for e in executions),
            ignore=True, batch_size=2000)
        transition(ledger, rec_ids, RecStatus.EXECUTED, actor=actor)
        ledger.audit("claim", batch, {"count": len(rec_ids)}, actor=actor,
                     rows={"claims": [f"{j}/{k}" for j, k in ledger.db.execute(
                         "SELECT job_id, kind FROM claims WHERE rec_id IN (SELECT value FROM json_each(?))",
                         [json.dumps(rec_ids)]).fetchall()]})
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
    claims = claims_for_jobs(ledger, {v.job_id for v in new})
    for v in new:
        claim = claims.get((v.job_id, v.kind))
        if claim is None or claim["rec_id"] != v.rec_id:
            holder = f"recommendation {claim['rec_id']} of plan {claim['plan_id']}" if claim else "nobody"
            raise ClaimedError(f"verification {v.verification_id} is for recommendation {v.rec_id}, but "
                               f"the {v.kind} saving of job {v.job_id} is claimed by {holder}: only the "
                               f"executed recommendation that holds the claim can be verified")
        if claim["verification_id"] not in (None, v.verification_id):
            raise ClaimedError(f"the {v.kind} saving of job {v.job_id} is already verified as "
                               f"{claim['verification_id']}; a second verification (other parameters) "
                               f"would claim it twice")
    stamp = ledger.now_iso()
    with ledger.transaction():
        ledger.db.conn.executemany(
            "UPDATE claims SET verification_id = ? WHERE job_id = ? AND kind = ? "
            "AND verification_id IS NULL", [(v.verification_id, v.job_id, v.kind) for v in new])
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
                                           sorted(v.evidence_hash for v in new))}, actor=actor,
                     rows={"verifications": [v.verification_id for v in new],
                           "claims": [f"{v.job_id}/{v.kind}" for v in new]})
    return StoreResult(batch, True, {"verifications": len(new)})


def load_verification(ledger: Ledger, verification_id: str, *, check: bool = True) -> Verification:
    """One stored verification; with ``check`` (default) its content is re-hashed and must match
    its evidence hash, and the table's mintable columns must match the record
    (TamperedRecordError otherwise)."""
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT * FROM verifications WHERE verification_id = ?",
                                [verification_id]))
    if not rows:
        raise LedgerError(f"no verification with id {verification_id!r}")
    row = rows[0]
    try:
        v = Verification.model_validate_json(row["payload"])
    except ValueError as exc:
        raise TamperedRecordError(f"verification {verification_id}: the stored record is not valid "
                                  f"({str(exc).splitlines()[0]})") from None
    if check:
        problem = v.evidence_problem()
        if problem is None and (row["evidence_hash"] != v.evidence_hash or row["rec_id"] != v.rec_id
                                or row["mintable_kgco2e"] != v.mintable_kgco2e
                                or row["mintable_kwh"] != v.mintable_kwh):
            problem = (f"verification {verification_id}: the table's columns (evidence hash, "
                       f"recommendation or mintable amounts) differ from the hashed record")
        if problem is not None:
            raise TamperedRecordError(problem + "; refusing to use it")
    return v


def verifications_for_plan(ledger: Ledger, plan_id: str) -> list[Verification]:
    ensure_tables(ledger)
    return [Verification.model_validate_json(r["payload"]) for r in ledger.db.query(
        "SELECT v.payload FROM verifications v JOIN recommendations r ON r.rec_id = v.rec_id "
        "WHERE r.plan_id = ? ORDER BY v.rowid", [plan_id])]


def evidence_problems(ledger: Ledger) -> list[dict[str, str]]:
    """Every stored verification whose content no longer matches its evidence hash, or whose
    table columns differ from the hashed record: ``{"verification_id", "problem"}``."""
    ensure_tables(ledger)
    out: list[dict[str, str]] = []
    for row in ledger.db.query("SELECT verification_id FROM verifications ORDER BY rowid"):
        try:
            load_verification(ledger, str(row["verification_id"]))
        except TamperedRecordError as exc:
            out.append({"verification_id": str(row["verification_id"]), "problem": str(exc)})
    return out
