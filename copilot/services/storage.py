"""Where the front ends get a ledger: the one place in copilot/ that opens the SQLite file.

``open_ledger(path)`` returns a ``tools.ledger.Ledger`` (a context manager); callers pass it on to
the other services and never touch its tables. ``record_event`` appends one row to the
hash-chained audit log (the agent's governance and approval decisions), ``audit_report`` walks
the chain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeAlias

from copilot.settings import Settings
from tools.ledger import Ledger

LedgerHandle: TypeAlias = Ledger
"""What ``open_ledger`` returns: front ends hold it (``with open_ledger(path) as ledger:``) and pass
it to the services, never touching its tables."""


def open_ledger(db_path: Path | None = None) -> Ledger:
    """The ledger at ``db_path`` (default ``$GREENOPS_DB``, else ``$GREENOPS_DATA_DIR/greenops.sqlite``)."""
    return Ledger(db_path or Settings.from_env().db_path)


def record_event(db_path: Path, action: str, subject: str, payload: dict[str, Any], actor: str) -> None:
    """Append one audit row (JSON-ready ``payload``) to the ledger at ``db_path``."""
    with open_ledger(db_path) as ledger:
        ledger.audit(action, subject, payload, actor=actor)


def audit_report(ledger: Ledger) -> dict[str, Any]:
    """Walk the audit chain: ``{"rows", "ok", "problems"}`` (an edited or deleted row is a problem)."""
    report = ledger.verify_audit()
    return {"rows": report.rows, "ok": report.ok, "problems": report.problems}
