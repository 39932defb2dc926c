"""ADAPTER: the SQLite ledger, the only place with SQL.

    db      the Ledger: runs, jobs, series, telemetry, accounts, emissions, the hash-chained audit log
    plans   plans, recommendations (status machine), tickets, executions, verifications
    mints   token deployments, mints and retirements
"""

from __future__ import annotations

from tools.ledger.db import (
    GENESIS_HASH,
    AuditReport,
    Ledger,
    LedgerError,
    StoreResult,
)

__all__ = [
    "GENESIS_HASH",
    "AuditReport",
    "Ledger",
    "LedgerError",
    "StoreResult",
]
