"""Read-only queries across the ledger's tables, for roll-ups, summaries and the dashboard.

Each returns plain rows (dicts); the sums, ranks and wording happen in ``tools.rollup`` and the
front ends. "Minted" always means a mint row whose status is ``MintStatus.CONFIRMED``; "open"
recommendations are those in ``OPEN_REC_STATUSES``.
"""

from __future__ import annotations

import json
from typing import Any

from tools.ledger.db import Ledger
from tools.ledger.mints import ensure_tables as ensure_mint_tables
from tools.ledger.plans import ensure_tables as ensure_plan_tables
from tools.records import OPEN_REC_STATUSES, RecStatus
from tools.tokens import MintStatus


def _open() -> str:
    return json.dumps([str(s) for s in OPEN_REC_STATUSES])


def recommendation_status_counts(ledger: Ledger, plan_id: str) -> dict[str, int]:
    """How many recommendations of a plan are in each status."""
    ensure_plan_tables(ledger)
    return {r["status"]: int(r["n"]) for r in ledger.db.query(
        "SELECT status, COUNT(*) AS n FROM recommendations WHERE plan_id = ? GROUP BY status", [plan_id])}


def recommendation_rows(ledger: Ledger, plan_id: str, status: str | None = None, limit: int = 200
                        ) -> list[dict[str, Any]]:
    """A plan's recommendations, largest estimated kgCO2e saving first: rec_id, status, kind, team,
    job_id, est_kgco2e, est_kgco2e_lower, est_kwh, est_usd and the recommendation (``payload``, parsed)."""
    ensure_plan_tables(ledger)
    sql = ("SELECT rec_id, status, kind, team, job_id, est_kgco2e, est_kgco2e_lower, est_kwh, est_usd, payload "
           "FROM recommendations WHERE plan_id = ?")
    args: list[Any] = [plan_id]
    if status:
        sql += " AND status = ?"
        args.append(status)
    rows = list(ledger.db.query(sql + " ORDER BY est_kgco2e DESC, rec_id LIMIT ?", [*args, limit]))
    return [{**r, "payload": json.loads(r["payload"])} for r in rows]


def evidence_rows(ledger: Ledger, rec_id: str) -> dict[str, Any] | None:
    """Everything recorded about one recommendation (None if unknown): status, the recommendation,
    its ticket, the execution of its job in its plan, its verifications and their mints."""
    ensure_plan_tables(ledger)
    ensure_mint_tables(ledger)
    rows = list(ledger.db.query("SELECT status, payload FROM recommendations WHERE rec_id = ?", [rec_id]))
    if not rows:
        return None
    rec = json.loads(rows[0]["payload"])
    ticket = next(iter(ledger.db.query("SELECT markdown FROM tickets WHERE rec_id = ?", [rec_id])), None)
    execution = next(iter(ledger.db.query(
        "SELECT payload FROM executions WHERE plan_id = ? AND job_id = ?", [rec["plan_id"], rec["job_id"]])), None)
    verifications = [json.loads(r["payload"]) for r in ledger.db.query(
        "SELECT payload FROM verifications WHERE rec_id = ? ORDER BY rowid", [rec_id])]
    mints = list(ledger.db.query(
        "SELECT verification_id, token, amount, status, tx_hash, block, evidence_hash, recipient, network "
        "FROM chain_mints WHERE verification_id IN (SELECT value FROM json_each(?)) ORDER BY token",
        [json.dumps([v["verification_id"] for v in verifications])])) if verifications else []
    return {"status": rows[0]["status"], "recommendation": rec,
            "ticket": ticket["markdown"] if ticket else None,
            "execution": json.loads(execution["payload"]) if execution else None,
            "verifications": verifications, "mints": mints}


def verified_by_team(ledger: Ledger) -> list[dict[str, Any]]:
    """Per team: kg (verified central kgCO2e), kwh (verified central kWh), mintable (kgCO2e)."""
    ensure_plan_tables(ledger)
    return list(ledger.db.query(
        "SELECT r.team, SUM(json_extract(v.payload, '$.saved_kgco2e.central')) AS kg, "
        "SUM(json_extract(v.payload, '$.saved_kwh.central')) AS kwh, SUM(v.mintable_kgco2e) AS mintable "
        "FROM verifications v JOIN recommendations r ON r.rec_id = v.rec_id GROUP BY r.team"))


def minted_by_team(ledger: Ledger) -> list[dict[str, Any]]:
    """Every confirmed mint with its team: team, token, amount (tokens, exact decimal string)."""
    ensure_plan_tables(ledger)
    ensure_mint_tables(ledger)
    return list(ledger.db.query(
        "SELECT r.team, m.token, m.amount FROM chain_mints m "
        "JOIN verifications v ON v.verification_id = m.verification_id "
        "JOIN recommendations r ON r.rec_id = v.rec_id WHERE m.status = ?", [MintStatus.CONFIRMED]))


def open_recommendations_by_team(ledger: Ledger) -> list[dict[str, Any]]:
    """Per team: n (recommendations waiting for action), kg and kwh (their estimated savings)."""
    ensure_plan_tables(ledger)
    return list(ledger.db.query(
        "SELECT team, COUNT(*) AS n, SUM(est_kgco2e) AS kg, SUM(est_kwh) AS kwh FROM recommendations "
        "WHERE status IN (SELECT value FROM json_each(?)) GROUP BY team", [_open()]))


def verified_savings_rows(ledger: Ledger) -> list[dict[str, Any]]:
    """Every verification with its team and its job's start (UTC, ISO): verification_id, team,
    start_utc, kg (verified central kgCO2e), kg_lower, kwh."""
    ensure_plan_tables(ledger)
    out = []
    for row in ledger.db.query(
            "SELECT v.verification_id, v.payload, r.team, j.start_utc FROM verifications v "
            "JOIN recommendations r ON r.rec_id = v.rec_id JOIN jobs j ON j.job_id = r.job_id"):
        v = json.loads(row["payload"])
        out.append({"verification_id": row["verification_id"], "team": row["team"], "start_utc": row["start_utc"],
                    "kg": v["saved_kgco2e"]["central"], "kg_lower": v["saved_kgco2e"]["lower"],
                    "kwh": v["saved_kwh"]["central"]})
    return out


def confirmed_mint_amounts(ledger: Ledger) -> list[dict[str, Any]]:
    """Every confirmed mint: verification_id, token, amount (tokens, exact decimal string)."""
    ensure_mint_tables(ledger)
    return list(ledger.db.query("SELECT verification_id, token, amount FROM chain_mints WHERE status = ?",
                                [MintStatus.CONFIRMED]))


def mintable_verification_ids(ledger: Ledger, *, unminted_only: bool = False) -> list[str]:
    """Ids of verifications that hold their saving's claim and have something to mint in their one
    token (kgCO2e for a shift, kWh for an energy saving), largest first; with ``unminted_only``
    only those whose recommendation is still ``verified`` and whose mint nobody rejected."""
    ensure_plan_tables(ledger)
    sql = ("SELECT v.verification_id FROM verifications v JOIN recommendations r ON r.rec_id = v.rec_id "
           "JOIN claims c ON c.verification_id = v.verification_id "
           "WHERE CASE WHEN v.kind = 'shift' THEN v.mintable_kgco2e ELSE v.mintable_kwh END > 0")
    args: list[Any] = []
    if unminted_only:
        sql += " AND r.status = ?"
        args.append(RecStatus.VERIFIED)
        if "approvals" in ledger.db.table_names():  # a rejected mint is not offered again
            sql += (" AND v.verification_id NOT IN (SELECT subject FROM approvals WHERE kind = 'mint' "
                    "AND decision = 'reject')")
    return [str(r["verification_id"]) for r in ledger.db.query(
        sql + " ORDER BY CASE WHEN v.kind = 'shift' THEN v.mintable_kgco2e ELSE v.mintable_kwh END DESC, "
              "v.verification_id", args)]


def job_teams(ledger: Ledger) -> list[str]:
    """Every team that owns a stored job, sorted."""
    return [r["team"] for r in ledger.db.query("SELECT DISTINCT team FROM jobs ORDER BY team")]


def job_history_span(ledger: Ledger) -> tuple[str | None, str | None]:
    """The first submit time and the latest start time (UTC, ISO 8601) of the stored jobs; (None, None)
    when there are none."""
    if not ledger.db["jobs"].exists():
        return None, None
    row = next(iter(ledger.db.query("SELECT MIN(submit_utc) AS first, MAX(start_utc) AS last FROM jobs")), None)
    return (str(row["first"]) if row and row["first"] else None, str(row["last"]) if row and row["last"] else None)


def id_kind(ledger: Ledger, value: str) -> str | None:
    """Whether ``value`` is a stored plan id ("plan"), verification id ("verification"), or neither."""
    ensure_plan_tables(ledger)
    if ledger.db.table("plans").count_where("plan_id = ?", [value]):
        return "plan"
    if ledger.db.table("verifications").count_where("verification_id = ?", [value]):
        return "verification"
    return None
