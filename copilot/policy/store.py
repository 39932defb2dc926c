"""Policies in the ledger: load a text as a draft, confirm it as the single active policy.

Table ``policies``: ``policy_id`` (content hash of name + text, 16 hex), ``name``, ``text``,
``report`` (the PolicyReport as JSON), ``status`` (``draft`` -> ``active`` -> ``superseded``; a
superseded policy may be confirmed again), ``created_utc``, ``created_by``, ``confirmed_utc``,
``confirmed_by``. A unique partial index keeps at most one policy ``active``. Loading the same
name + text again writes nothing; loading and confirming are audited in the same transaction as
the rows they write. Confirming a policy that has unrecognised sentences is allowed, but the
result lists them; a policy with no recognised constraint cannot be confirmed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from copilot.policy.llm import parse_policy_with_llm
from copilot.policy.report import (
    PolicyError,
    PolicyReport,
    Unrecognised,
    check_policy_name,
    check_policy_text,
    parse_policy_text,
)
from tools.hashing import content_hash
from tools.ledger import Ledger
from tools.schemas import PolicySet

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

Status = Literal["draft", "active", "superseded"]


class PolicySummary(BaseModel):
    """One stored policy, without its text and report."""

    policy_id: str
    name: str
    status: Status
    created_utc: str
    created_by: str
    confirmed_utc: str | None = None
    confirmed_by: str | None = None
    clauses: int = Field(description="Number of parsed constraints.")
    unrecognised: int = Field(description="Number of sentences that were not understood.")


class StoredPolicy(PolicySummary):
    """A stored policy with its text and full parse report."""

    text: str
    report: PolicyReport


class LoadResult(BaseModel):
    """Outcome of ``load_policy``: the id, whether a row was written, its status and report."""

    policy_id: str
    created: bool
    status: Status
    report: PolicyReport


class ConfirmResult(BaseModel):
    """Outcome of ``confirm_policy``."""

    policy_id: str
    name: str
    status: Literal["active"] = "active"
    changed: bool = Field(description="False if the policy was already the active one.")
    superseded: str | None = Field(default=None, description="The previously active policy, if any.")
    confirmed_by: str
    confirmed_utc: str
    unrecognised: list[Unrecognised] = Field(
        default_factory=list, description="Sentences of this policy that were not understood.")


def ensure_tables(ledger: Ledger) -> None:
    """Create the ``policies`` table and its indexes if they do not exist."""
    with ledger.transaction():
        ledger.db.table("policies").create({
            "policy_id": str, "name": str, "text": str, "report": str, "status": str,
            "created_utc": str, "created_by": str, "confirmed_utc": str, "confirmed_by": str},
            pk="policy_id", if_not_exists=True)
        ledger.db.execute("CREATE UNIQUE INDEX IF NOT EXISTS policies_single_active ON policies(status) "
                          "WHERE status = 'active'")


def policy_id_for(text: str, name: str) -> str:
    """Content-derived id of a policy: the same name and text always give the same id."""
    return content_hash({"name": name, "text": text})[:16]


def _row(ledger: Ledger, policy_id: str) -> dict[str, Any]:
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT * FROM policies WHERE policy_id = ?", [policy_id]))
    if not rows:
        raise PolicyError(f"no policy with id {policy_id!r} (see `policy list`)")
    return rows[0]


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    report = PolicyReport.model_validate_json(row["report"])
    return {k: row[k] for k in ("policy_id", "name", "status", "created_utc", "created_by",
                                "confirmed_utc", "confirmed_by")} | {
        "clauses": len(report.clauses), "unrecognised": len(report.unrecognised)}


def load_policy(ledger: Ledger, text: str, name: str = "policy", actor: str = "system", *,
                chat_model: BaseChatModel | None = None) -> tuple[str, PolicyReport]:
    """Parse ``text`` and store it as a draft; returns ``(policy_id, report)``.

    Idempotent: the same name + text gives the same id and writes nothing (the stored report is
    returned). See ``store_policy`` for the arguments.
    """
    result = store_policy(ledger, text, name, actor, chat_model=chat_model)
    return result.policy_id, result.report


def store_policy(ledger: Ledger, text: str, name: str = "policy", actor: str = "system", *,
                 chat_model: BaseChatModel | None = None) -> LoadResult:
    """``load_policy`` with the details: whether a row was written and the policy's status.

    With ``chat_model`` the LLM path is used (``parse_policy_with_llm``); otherwise the
    deterministic parser. Raises PolicyError for empty, oversized or binary text or a bad name.
    """
    check_policy_text(text)
    name = check_policy_name(name)
    policy_id = policy_id_for(text, name)
    ensure_tables(ledger)
    existing = list(ledger.db.query("SELECT status, report FROM policies WHERE policy_id = ?", [policy_id]))
    if existing:
        return LoadResult(policy_id=policy_id, created=False, status=existing[0]["status"],
                          report=PolicyReport.model_validate_json(existing[0]["report"]))
    report = (parse_policy_text(text, name) if chat_model is None
              else parse_policy_with_llm(text, chat_model, name))
    with ledger.transaction():
        ledger.db.table("policies").insert({
            "policy_id": policy_id, "name": name, "text": text, "report": report.model_dump_json(),
            "status": "draft", "created_utc": ledger.now_iso(), "created_by": actor,
            "confirmed_utc": None, "confirmed_by": None})
        ledger.audit("policy-load", policy_id, {
            "name": name, "text_sha256": content_hash(text), "method": report.method,
            "clauses": len(report.clauses), "unrecognised": len(report.unrecognised)}, actor=actor)
    return LoadResult(policy_id=policy_id, created=True, status="draft", report=report)


def confirm_policy(ledger: Ledger, policy_id: str, actor: str) -> ConfirmResult:
    """Make ``policy_id`` the single active policy (the previous one becomes superseded), atomically.

    Idempotent: confirming the active policy changes nothing. Raises PolicyError for an unknown id,
    an empty actor or a policy without any recognised constraint.
    """
    if not actor.strip():
        raise PolicyError("confirming a policy needs the name of the person confirming it (actor)")
    row = _row(ledger, policy_id)
    report = PolicyReport.model_validate_json(row["report"])
    if row["status"] == "active":
        return ConfirmResult(policy_id=policy_id, name=row["name"], changed=False,
                             confirmed_by=row["confirmed_by"], confirmed_utc=row["confirmed_utc"],
                             unrecognised=report.unrecognised)
    if not report.clauses:
        raise PolicyError(f"policy {policy_id} ({row['name']!r}) has no recognised constraint; "
                          "activating it would lift every constraint - fix the text and load it again")
    stamp = ledger.now_iso()
    with ledger.transaction():
        previous = [r["policy_id"] for r in ledger.db.query(
            "SELECT policy_id FROM policies WHERE status = 'active'")]
        ledger.db.execute("UPDATE policies SET status = 'superseded' WHERE status = 'active'")
        ledger.db.execute("UPDATE policies SET status = 'active', confirmed_utc = ?, confirmed_by = ? "
                          "WHERE policy_id = ?", [stamp, actor, policy_id])
        ledger.audit("policy-confirm", policy_id, {
            "name": row["name"], "superseded": previous[0] if previous else None,
            "policy_sha256": content_hash(report.policy.model_dump(mode="json")),
            "unrecognised": len(report.unrecognised)}, actor=actor)
    return ConfirmResult(policy_id=policy_id, name=row["name"], changed=True,
                         superseded=previous[0] if previous else None, confirmed_by=actor,
                         confirmed_utc=stamp, unrecognised=report.unrecognised)


def active_policy(ledger: Ledger) -> tuple[str, PolicySet] | None:
    """The active policy's id and PolicySet, or None if no policy was ever confirmed."""
    ensure_tables(ledger)
    rows = list(ledger.db.query("SELECT policy_id, report FROM policies WHERE status = 'active'"))
    if not rows:
        return None
    return str(rows[0]["policy_id"]), PolicyReport.model_validate_json(rows[0]["report"]).policy


def active_policy_set(ledger: Ledger) -> PolicySet | None:
    """Just the active PolicySet, or None (what planners and the governance node enforce)."""
    found = active_policy(ledger)
    return None if found is None else found[1]


def list_policies(ledger: Ledger) -> list[PolicySummary]:
    """Every stored policy, oldest first."""
    ensure_tables(ledger)
    return [PolicySummary.model_validate(_summary(r))
            for r in ledger.db.query("SELECT * FROM policies ORDER BY rowid")]


def show_policy(ledger: Ledger, policy_id: str | None = None) -> StoredPolicy:
    """One stored policy with its text and report (default: the active one)."""
    if policy_id is None:
        active = active_policy(ledger)
        if active is None:
            raise PolicyError("no active policy; load one with `python app.py policy load FILE --confirm`")
        policy_id = active[0]
    row = _row(ledger, policy_id)
    return StoredPolicy.model_validate(_summary(row) | {
        "text": row["text"], "report": PolicyReport.model_validate_json(row["report"])})
