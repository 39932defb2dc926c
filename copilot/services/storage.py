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


def audit_report(ledger: Ledger, settings: Settings | None = None) -> dict[str, Any]:
    """Everything that shows the ledger was edited outside the app.

    ``rows``, ``ok`` and ``problems`` (one line each), plus: ``chain`` (the hash-chained audit log:
    an edited, removed or reordered row), ``tampered`` (a protected row - verification, claim,
    mint, retirement, deployment, anchor, user, approval, policy - that differs from the digest
    its last audited write recorded), ``evidence`` (a verification whose content no longer
    matches its evidence hash) and, with ``settings``, ``anchor``: the last audit head anchored
    on chain and whether this ledger's audit row at that position still has that hash (a rewrite
    of the whole database changes it)."""
    from tools.ledger.plans import evidence_problems

    walk = ledger.verify_audit()
    for ensure in _protected_table_makers():
        ensure(ledger)
    tampered = ledger.verify_rows()
    evidence = evidence_problems(ledger)
    problems = list(walk.problems)
    problems += [f"{t['table']} {t['key']}: {t['problem']}" for t in tampered]
    problems += [e["problem"] for e in evidence]
    out: dict[str, Any] = {"rows": walk.rows, "chain": {"ok": walk.ok, "problems": walk.problems},
                           "tampered": tampered, "evidence": evidence}
    if settings is not None:
        out["anchor"] = anchor_check(ledger, settings)
        if out["anchor"].get("matches") is False:
            problems.append(out["anchor"]["detail"])
    out.update(ok=not problems, problems=problems)
    return out


def _protected_table_makers() -> list[Any]:
    from tools.ledger import mints, plans, policies, users

    return [plans.ensure_tables, mints.ensure_tables, policies.ensure_tables, users.ensure_tables]


def anchor_check(ledger: Ledger, settings: Settings) -> dict[str, Any]:
    """The last anchored audit head (from the chain) against this ledger: ``{"anchored": bool,
    "head", "rows", "block", "tx_hash", "matches", "detail"}``; ``anchored: False`` with the
    reason when nothing is anchored yet or the chain cannot be read."""
    from copilot.services import chain
    from copilot.services.errors import is_user_error

    try:
        last = chain.last_anchor(ledger, settings)
    except Exception as exc:
        if not is_user_error(exc):
            raise
        return {"anchored": False, "detail": f"the anchor could not be read: {exc}"}
    if last is None:
        return {"anchored": False, "detail": "no audit head anchored on chain yet (one is anchored after each mint)"}
    row = ledger.audit_row(int(last["rows"]))
    have = "0x" + str(row["row_hash"]) if row is not None else None
    matches = have == str(last["head"])
    detail = (f"audit row {last['rows']} still has the hash anchored in block {last['block']}" if matches else
              f"audit row {last['rows']} {'is missing' if row is None else 'has hash ' + str(have)}, but "
              f"{last['head']} was anchored on chain in block {last['block']}: the ledger was rewritten")
    return {"anchored": True, **{k: last[k] for k in ("head", "rows", "block", "tx_hash")}, "matches": matches,
            "detail": detail}
