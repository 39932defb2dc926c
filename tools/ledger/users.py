"""Ledger tables of people and their decisions; every write is audited with its row digests.

Tables
    users           name -> role, scrypt password hash (never the password), who created it
    approvals       (subject, approver) -> approve / reject with reason: one decision per person
                    per subject (a mint's verification id, a plan execution), so a two-person rule
                    counts different people
"""

from __future__ import annotations

import re
from typing import Any, Literal

from tools.auth import NAME_PATTERN, Role
from tools.ledger.db import Ledger, LedgerError

Decision = Literal["approve", "reject"]


class UserError(LedgerError):
    """A user request that cannot be done (unknown user, duplicate, bad name or role)."""


def ensure_tables(ledger: Ledger) -> None:
    db = ledger.db
    with ledger.transaction():
        db.table("users").create({"name": str, "role": str, "password_hash": str, "created_utc": str,
                                  "created_by": str}, pk="name", if_not_exists=True)
        db.table("approvals").create({"subject": str, "approver": str, "kind": str, "decision": str,
                                      "reason": str, "created_utc": str},
                                     pk=("subject", "approver"), if_not_exists=True)
        ledger.protect("users")
        ledger.protect("approvals")


def check_name(name: str) -> str:
    """A user name: lower-case letters, digits and . _ @ -, starting with a letter, <= 64 chars."""
    if not isinstance(name, str) or not re.fullmatch(NAME_PATTERN, name):
        raise UserError(f"user name {name!r} is not valid: use 1-64 lower-case letters, digits, '.', '_', "
                        f"'@' or '-', starting with a letter")
    return name


def get_user(ledger: Ledger, name: str) -> dict[str, Any] | None:
    """The user's row (incl. its password hash: callers never show it), or None."""
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT * FROM users WHERE name = ?", [name]))
    return rows[0] if rows else None


def list_users(ledger: Ledger) -> list[dict[str, str]]:
    """Every user: name, role, created_utc, created_by (never the hash)."""
    ensure_tables(ledger)
    return [dict(r) for r in ledger.db.query(
        "SELECT name, role, created_utc, created_by FROM users ORDER BY name")]


def count_users(ledger: Ledger) -> int:
    ensure_tables(ledger)
    return int(ledger.db.table("users").count)


def add_user(ledger: Ledger, name: str, role: Role, password_hash: str, actor: str) -> None:
    """Create a user (UserError if the name is taken)."""
    ensure_tables(ledger)
    check_name(name)
    with ledger.transaction():
        if get_user(ledger, name) is not None:
            raise UserError(f"user {name!r} already exists")
        ledger.db.table("users").insert({"name": name, "role": Role(role).value, "password_hash": password_hash,
                                         "created_utc": ledger.now_iso(), "created_by": actor})
        ledger.audit("user-add", name, {"role": Role(role).value}, actor=actor, rows={"users": [name]})


def remove_user(ledger: Ledger, name: str, actor: str) -> None:
    """Delete a user (UserError if unknown); their past decisions stay in ``approvals``."""
    ensure_tables(ledger)
    with ledger.transaction():
        if get_user(ledger, name) is None:
            raise UserError(f"no user named {name!r}")
        ledger.db.execute("DELETE FROM users WHERE name = ?", [name])
        ledger.audit("user-remove", name, {}, actor=actor, rows={"users": [name]})


def set_password(ledger: Ledger, name: str, password_hash: str, actor: str) -> None:
    ensure_tables(ledger)
    with ledger.transaction():
        if get_user(ledger, name) is None:
            raise UserError(f"no user named {name!r}")
        ledger.db.execute("UPDATE users SET password_hash = ? WHERE name = ?", [password_hash, name])
        ledger.audit("user-password", name, {}, actor=actor, rows={"users": [name]})


# -- decisions ----------------------------------------------------------------------------------
def decisions(ledger: Ledger, subject: str) -> list[dict[str, Any]]:
    """The decisions recorded on ``subject``, oldest first."""
    ensure_tables(ledger)
    return [dict(r) for r in ledger.db.query(
        "SELECT subject, approver, kind, decision, reason, created_utc FROM approvals WHERE subject = ? "
        "ORDER BY rowid", [subject])]


def record_decision(ledger: Ledger, *, subject: str, kind: str, approver: str, decision: Decision,
                    reason: str = "") -> None:
    """Record one person's decision on ``subject`` (UserError if they already decided on it)."""
    ensure_tables(ledger)
    with ledger.transaction():
        if ledger.db.table("approvals").count_where("subject = ? AND approver = ?", [subject, approver]):
            raise UserError(f"{approver} already decided on {kind} {subject}; each person decides once "
                            f"(a two-person rule needs a second, different approver)")
        ledger.db.table("approvals").insert({"subject": subject, "approver": approver, "kind": kind,
                                             "decision": decision, "reason": reason[:500],
                                             "created_utc": ledger.now_iso()})
        ledger.audit(f"{kind}-{decision}d" if decision == "approve" else f"{kind}-rejected", subject,
                     {"decision": decision, "reason": reason[:500]}, actor=approver,
                     rows={"approvals": [f"{subject}/{approver}"]})


def rejected(ledger: Ledger, kind: str) -> list[dict[str, Any]]:
    """Every rejection of ``kind`` (e.g. ``mint``), newest first."""
    ensure_tables(ledger)
    return [dict(r) for r in ledger.db.query(
        "SELECT subject, approver, reason, created_utc FROM approvals WHERE kind = ? AND decision = 'reject' "
        "ORDER BY rowid DESC", [kind])]
