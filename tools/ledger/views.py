"""Read-only views for the Ledger & token tab: people's decisions, the audit log page by page and
what the ledger records of token deployments and audit anchors.

Nothing here writes, not even a missing table: a ledger that never held a decision, a deployment
or an anchor simply has none to show. Rows come newest first; times are ISO-8601 UTC strings.
An audit row's ``hash_ok`` recomputes its hash from its content (``Ledger._row_hash``) and
``link_ok`` compares its ``prev_hash`` with the hash of the row before it (seq - 1; the genesis hash
for seq 1): the same two tests :meth:`Ledger.verify_audit` makes over the whole chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from tools.ledger.db import GENESIS_HASH, Ledger
from tools.tokens import MintStatus


def _has(ledger: Ledger, table: str) -> bool:
    return table in ledger.db.table_names()


def decision_rows(ledger: Ledger, *, kind: str | None = None, decision: str | None = None, limit: int = 500
                  ) -> list[dict[str, Any]]:
    """People's decisions (``approvals``), newest first: subject, approver, kind, decision, reason,
    created_utc; optionally of one ``kind`` (``mint``, ``execute``) or ``decision``."""
    if not _has(ledger, "approvals"):
        return []
    sql, args = "SELECT subject, approver, kind, decision, reason, created_utc FROM approvals WHERE 1 = 1", []
    for column, value in (("kind", kind), ("decision", decision)):
        if value is not None:
            sql += f" AND {column} = ?"
            args.append(value)
    return [dict(r) for r in ledger.db.query(sql + " ORDER BY rowid DESC LIMIT ?", [*args, limit])]


def decided_subjects(ledger: Ledger, kind: str, since_utc: str | None = None) -> set[str]:
    """Subjects of every decision of ``kind`` (``mint``, ``execute``) recorded at or after ``since_utc``."""
    if not _has(ledger, "approvals"):
        return set()
    return {str(r["subject"]) for r in ledger.db.query(
        "SELECT DISTINCT subject FROM approvals WHERE kind = ? AND created_utc >= ?", [kind, since_utc or ""])}


def mint_rows(ledger: Ledger, verification_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The ``chain_mints`` rows (token, status, tx_hash) of each verification id that has any."""
    wanted = sorted(set(verification_ids))
    if not wanted or not _has(ledger, "chain_mints"):
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for r in ledger.db.query("SELECT verification_id, token, status, tx_hash FROM chain_mints WHERE "
                             "verification_id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
                             [json.dumps(wanted)]):
        out.setdefault(str(r["verification_id"]), []).append(
            {"token": r["token"], "status": r["status"], "tx_hash": r["tx_hash"]})
    return out


def audit_count(ledger: Ledger, action: str | None = None) -> int:
    """How many audit rows there are (of ``action``)."""
    if action is None:
        return int(ledger.db.table("audit_log").count)
    return int(ledger.db.table("audit_log").count_where("action = ?", [action]))


def audit_actions(ledger: Ledger) -> list[dict[str, Any]]:
    """Every audit action with its number of rows, by action name."""
    return [dict(r) for r in ledger.db.query(
        "SELECT action, COUNT(*) AS rows FROM audit_log GROUP BY action ORDER BY action")]


def audit_rows(ledger: Ledger, *, action: str | None = None, limit: int = 25, offset: int = 0
               ) -> list[dict[str, Any]]:
    """Audit rows newest first (of ``action``), ``limit`` from ``offset``: seq, ts_utc, actor,
    action, subject, payload (JSON text), prev_hash, row_hash, ``hash_ok`` and ``link_ok``."""
    sql = ("SELECT a.seq, a.ts_utc, a.actor, a.action, a.subject, a.payload, a.prev_hash, a.row_hash, "
           "b.row_hash AS before_hash FROM audit_log a LEFT JOIN audit_log b ON b.seq = a.seq - 1")
    args: list[Any] = []
    if action is not None:
        sql += " WHERE a.action = ?"
        args.append(action)
    out = []
    for row in ledger.db.query(sql + " ORDER BY a.seq DESC LIMIT ? OFFSET ?", [*args, limit, offset]):
        row = dict(row)
        before = row.pop("before_hash")
        if row["seq"] == 1:
            before = GENESIS_HASH
        out.append({**row, "hash_ok": Ledger._row_hash(row) == row["row_hash"], "link_ok": row["prev_hash"] == before})
    return out


def deployment_addresses(ledger: Ledger, network: str) -> dict[str, str]:
    """Token key -> contract address recorded for ``network`` (empty when nothing is deployed)."""
    if not _has(ledger, "chain_deployments"):
        return {}
    return {str(r["token"]): str(r["address"]) for r in ledger.db.query(
        "SELECT token, address FROM chain_deployments WHERE network = ? ORDER BY token", [network])}


def last_confirmed_anchor(ledger: Ledger) -> dict[str, Any] | None:
    """The newest confirmed audit anchor the ledger records (``chain_anchors``), or None."""
    if not _has(ledger, "chain_anchors"):
        return None
    rows = list(ledger.db.query("SELECT * FROM chain_anchors WHERE status = ? ORDER BY rowid DESC LIMIT 1",
                                [MintStatus.CONFIRMED.value]))
    return dict(rows[0]) if rows else None
