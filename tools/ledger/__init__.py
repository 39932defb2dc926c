"""ADAPTER: the SQLite ledger, the only place with SQL.

    db      the Ledger: runs, jobs, series, telemetry, accounts, emissions, the hash-chained audit log
    plans   plans, recommendations (status machine), tickets, executions, verifications
    mints   token deployments, mints and retirements
    policies  policy documents and their lifecycle (draft -> active -> superseded)
    queries   read-only queries across tables for roll-ups, summaries and the dashboard
"""

from __future__ import annotations

from tools.ledger.db import (
    GENESIS_HASH,
    AuditReport,
    Ledger,
    LedgerError,
    StoreResult,
)
from tools.ledger.plans import (
    get_plan_head,
    latest_plan_id,
    load_executions,
    load_plan,
    load_verification,
    recommendations,
    statuses,
    store_executions,
    store_plan,
    store_verifications,
    ticket,
    transition,
    verifications_for_plan,
)

__all__ = [
    "GENESIS_HASH",
    "AuditReport",
    "Ledger",
    "LedgerError",
    "StoreResult",
    "get_plan_head",
    "latest_plan_id",
    "load_executions",
    "load_plan",
    "load_verification",
    "recommendations",
    "statuses",
    "store_executions",
    "store_plan",
    "store_verifications",
    "ticket",
    "transition",
    "verifications_for_plan",
]
