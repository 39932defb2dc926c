"""Ledger table of policies: plain-text policy documents, their parse reports and their lifecycle.

Table ``policies``: ``policy_id`` (content hash of name + text, 16 hex), ``name``, ``text``,
``report`` (the parse report as JSON, written and read by ``copilot.services.policies``),
``status`` (``PolicyStatus``: draft -> active -> superseded; a superseded policy may be activated
again), ``created_utc``, ``created_by``, ``confirmed_utc``, ``confirmed_by``. A unique partial
index keeps at most one policy active. Storing and activating are audited in the same
transaction as the rows they write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tools.hashing import content_hash
from tools.ledger.db import Ledger
from tools.schemas import PolicyStatus


def ensure_tables(ledger: Ledger) -> None:
    """Create the ``policies`` table and its indexes if they do not exist."""
    with ledger.transaction():
        ledger.db.table("policies").create({
            "policy_id": str, "name": str, "text": str, "report": str, "status": str,
            "created_utc": str, "created_by": str, "confirmed_utc": str, "confirmed_by": str},
            pk="policy_id", if_not_exists=True)
        ledger.db.execute("CREATE UNIQUE INDEX IF NOT EXISTS policies_single_active ON policies(status) "
                          f"WHERE status = '{PolicyStatus.ACTIVE}'")
        ledger.protect("policies")


def get_policy(ledger: Ledger, policy_id: str) -> dict[str, Any] | None:
    """The stored row of ``policy_id``, or None."""
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT * FROM policies WHERE policy_id = ?", [policy_id]))
    return rows[0] if rows else None


def active_policy_row(ledger: Ledger) -> dict[str, Any] | None:
    """The row of the single active policy, or None when no policy was ever activated."""
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT * FROM policies WHERE status = ?", [PolicyStatus.ACTIVE]))
    return rows[0] if rows else None


def list_policy_rows(ledger: Ledger) -> list[dict[str, Any]]:
    """Every stored policy row, oldest first."""
    ensure_tables(ledger)
    return list(ledger.db.query("SELECT * FROM policies ORDER BY rowid"))


def insert_policy(ledger: Ledger, *, policy_id: str, name: str, text: str, report_json: str, actor: str,
                  summary: Mapping[str, Any]) -> str:
    """Store a new draft policy with its audit row (``summary`` joins the audit payload); returns the
    timestamp. The caller checks first that ``policy_id`` is not stored yet."""
    ensure_tables(ledger)
    stamp = ledger.now_iso()
    with ledger.transaction():
        ledger.db.table("policies").insert({
            "policy_id": policy_id, "name": name, "text": text, "report": report_json,
            "status": PolicyStatus.DRAFT, "created_utc": stamp, "created_by": actor,
            "confirmed_utc": None, "confirmed_by": None})
        ledger.audit("policy-load", policy_id, {"name": name, "text_sha256": content_hash(text), **summary},
                     actor=actor, rows={"policies": [policy_id]})
    return stamp


def activate_policy(ledger: Ledger, policy_id: str, actor: str, summary: Mapping[str, Any]) -> tuple[str, str | None]:
    """Make ``policy_id`` the single active policy (the previous one becomes superseded), atomically,
    with its audit row; returns (timestamp, the superseded policy id or None)."""
    ensure_tables(ledger)
    stamp = ledger.now_iso()
    with ledger.transaction():
        previous = active_policy_row(ledger)
        superseded = str(previous["policy_id"]) if previous else None
        ledger.db.execute("UPDATE policies SET status = ? WHERE status = ?",
                          [PolicyStatus.SUPERSEDED, PolicyStatus.ACTIVE])
        ledger.db.execute("UPDATE policies SET status = ?, confirmed_utc = ?, confirmed_by = ? WHERE policy_id = ?",
                          [PolicyStatus.ACTIVE, stamp, actor, policy_id])
        ledger.audit("policy-confirm", policy_id, {"superseded": superseded, **summary}, actor=actor,
                     rows={"policies": [policy_id, *([superseded] if superseded else [])]})
    return stamp, superseded
