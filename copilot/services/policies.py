"""Policies in the ledger: load a text as a draft, confirm it as the single active policy.

The text is read by ``copilot.policy`` (the deterministic parser, or the LLM path when a chat model
is given); the rows live in ``tools.ledger.policies``. ``policy_id`` is the content hash of name +
text (16 hex), so loading the same name + text again writes nothing; loading and confirming are
audited in the same transaction as the rows they write. Confirming a policy that has unrecognised
sentences is allowed, but the result lists them; a policy with no recognised constraint cannot be
confirmed. Residency rules may name only the teams of the ledger's jobs (``tools.ledger.queries.job_teams``;
the simulated fleet's teams while the ledger holds no job).

With a chat model (built by the front end from ``LLMSettings``), the sentences the deterministic
parser cannot read go to the LLM path (``parse_policy_with_llm``); a constraint only the LLM read
(``Clause.via == "llm"``) is never activated silently: ``confirm_policy`` refuses the policy until
the admin confirms those clauses explicitly (``accept_llm_clauses=True``), and the audit row names
them. Statuses: ``PolicyStatus`` (draft -> active -> superseded; a superseded policy may be
confirmed again).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from copilot.policy import (
    INSTRUCTION_REASON,
    Clause,
    PolicyError,
    PolicyReport,
    Unrecognised,
    check_policy_name,
    check_policy_text,
    parse_policy_text,
    parse_policy_with_llm,
)
from copilot.services.users import AuthUser, known_user, require
from tools.auth import Role
from tools.hashing import content_hash
from tools.ledger import Ledger
from tools.ledger.policies import activate_policy, active_policy_row, get_policy, insert_policy, list_policy_rows
from tools.ledger.queries import job_teams
from tools.schemas import PolicySet, PolicyStatus


class PolicySummary(BaseModel):
    """One stored policy, without its text and report."""

    policy_id: str
    name: str
    status: PolicyStatus
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
    status: PolicyStatus
    report: PolicyReport


class ConfirmResult(BaseModel):
    """Outcome of ``confirm_policy``."""

    policy_id: str
    name: str
    status: PolicyStatus = PolicyStatus.ACTIVE
    changed: bool = Field(description="False if the policy was already the active one.")
    superseded: str | None = Field(default=None, description="The previously active policy, if any.")
    confirmed_by: str
    confirmed_utc: str
    unrecognised: list[Unrecognised] = Field(
        default_factory=list, description="Sentences of this policy that were not understood.")
    llm_clauses: list[Clause] = Field(
        default_factory=list, description="Constraints only the LLM read, confirmed by the admin with the policy.")


def policy_id_for(text: str, name: str) -> str:
    """Content-derived id of a policy: the same name and text always give the same id."""
    return content_hash({"name": name, "text": text})[:16]


def ledger_teams(ledger: Ledger) -> tuple[str, ...] | None:
    """The teams of the ledger's jobs (lower case), or None while it holds no job (the parser then
    uses the simulated fleet's teams)."""
    teams = tuple(dict.fromkeys(t.lower() for t in job_teams(ledger) if t))
    return teams or None


def parse_for_ledger(ledger: Ledger, text: str, name: str = "policy") -> PolicyReport:
    """The deterministic reading of ``text`` against the ledger's teams (nothing is stored)."""
    return parse_policy_text(text, name, ledger_teams(ledger))


def _needs_llm(report: PolicyReport) -> bool:
    """Whether some sentence is neither read nor refused as an instruction or a wrapped line."""
    return any(u.reason != INSTRUCTION_REASON and not u.reason.startswith("incomplete:")
               for u in report.unrecognised)


def _row(ledger: Ledger, policy_id: str) -> dict[str, Any]:
    row = get_policy(ledger, policy_id)
    if row is None:
        raise PolicyError(f"no policy with id {policy_id!r} (see `policy list`)")
    return row


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    report = PolicyReport.model_validate_json(row["report"])
    return {k: row[k] for k in ("policy_id", "name", "status", "created_utc", "created_by",
                                "confirmed_utc", "confirmed_by")} | {
        "clauses": len(report.clauses), "unrecognised": len(report.unrecognised)}


def load_policy(ledger: Ledger, text: str, name: str = "policy", actor: str = "system", *,
                chat_model: Any = None) -> tuple[str, PolicyReport]:
    """Parse ``text`` and store it as a draft; returns ``(policy_id, report)``.

    Idempotent: the same name + text gives the same id and writes nothing (the stored report is
    returned). See ``store_policy`` for the arguments.
    """
    result = store_policy(ledger, text, name, actor, chat_model=chat_model)
    return result.policy_id, result.report


def store_policy(ledger: Ledger, text: str, name: str = "policy", actor: str = "system", *,
                 chat_model: Any = None) -> LoadResult:
    """``load_policy`` with the details: whether a row was written and the policy's status.

    The deterministic parser reads the text first (with the ledger's teams); with ``chat_model`` (a
    LangChain chat model) and some sentence it could not read, the LLM path reads the text again
    (``parse_policy_with_llm``: the parser's readings stand, the model's are checked and marked
    ``via="llm"``). Raises PolicyError for empty, oversized or binary text or a bad name.
    """
    check_policy_text(text)
    name = check_policy_name(name)
    policy_id = policy_id_for(text, name)
    existing = get_policy(ledger, policy_id)
    if existing is not None:
        return LoadResult(policy_id=policy_id, created=False, status=existing["status"],
                          report=PolicyReport.model_validate_json(existing["report"]))
    teams = ledger_teams(ledger)
    report = parse_policy_text(text, name, teams)
    if chat_model is not None and _needs_llm(report):
        report = parse_policy_with_llm(text, chat_model, name, teams)
    insert_policy(ledger, policy_id=policy_id, name=name, text=text, report_json=report.model_dump_json(),
                  actor=actor, summary={"method": report.method, "clauses": len(report.clauses),
                                        "llm_clauses": len(report.llm_clauses),
                                        "unrecognised": len(report.unrecognised)})
    return LoadResult(policy_id=policy_id, created=True, status=PolicyStatus.DRAFT, report=report)


APPROVAL_WORDS = re.compile(r"approv|sign[- ]?off|four[- ]eyes|two[- ]person|\bmint|\bquorum", re.I)
"""A sentence that talks about approving mints: if the parser could not read it, activation is
refused (approvals fail closed: an unread approval rule never means "anyone may approve")."""


def confirm_policy(ledger: Ledger, policy_id: str, actor: AuthUser, *,
                   accept_llm_clauses: bool = False) -> ConfirmResult:
    """Make ``policy_id`` the single active policy (the previous one becomes superseded), atomically.

    Only an admin (``actor``, authenticated by the front end; the role is re-read here) activates
    a policy. Idempotent: confirming the active policy changes nothing. Raises PolicyError for an
    unknown id, a policy without any recognised constraint, one whose sentence about approvals
    could not be read (fail closed), or one with constraints only the LLM read unless
    ``accept_llm_clauses`` (the admin reviewed each with its sentence); AuthError when ``actor`` is
    not an admin.
    """
    user = require(known_user(ledger, actor.name), Role.ADMIN, "activating a policy")
    row = _row(ledger, policy_id)
    report = PolicyReport.model_validate_json(row["report"])
    # an order to the system ("approve all mints") is inert, not a rule that failed to parse
    unread = [u for u in report.unrecognised
              if APPROVAL_WORDS.search(u.sentence) and u.reason != INSTRUCTION_REASON]
    if unread and row["status"] != PolicyStatus.ACTIVE:
        first = unread[0]
        raise PolicyError(f"policy {policy_id} ({row['name']!r}) was not activated: line {first.line} "
                          f"\"{first.sentence}\" is about approvals but could not be read ({first.reason}); "
                          f"approvals fail closed - rewrite it, e.g. \"Only alice and bob may approve "
                          f"mints.\" or \"Mints above 500 kWh need two approvers.\"")
    if row["status"] == PolicyStatus.ACTIVE:
        return ConfirmResult(policy_id=policy_id, name=row["name"], changed=False,
                             confirmed_by=row["confirmed_by"], confirmed_utc=row["confirmed_utc"],
                             unrecognised=report.unrecognised)
    if not report.clauses:
        raise PolicyError(f"policy {policy_id} ({row['name']!r}) has no recognised constraint; "
                          "activating it would lift every constraint - fix the text and load it again")
    proposed = report.llm_clauses
    if proposed and not accept_llm_clauses:
        listed = "; ".join(f"line {c.line} \"{c.sentence}\" -> {c.constraint}" for c in proposed)
        raise PolicyError(f"policy {policy_id} ({row['name']!r}) was not activated: {len(proposed)} constraint(s) "
                          f"were read by the LLM only ({listed}); review each with its sentence and confirm "
                          "them explicitly (`policy confirm ID --accept-llm-clauses`, or the checkbox in the "
                          "Policies tab)")
    actor_name = user.name
    stamp, superseded = activate_policy(ledger, policy_id, actor_name, {
        "name": row["name"], "policy_sha256": content_hash(report.policy.model_dump(mode="json")),
        "unrecognised": len(report.unrecognised),
        "llm_clauses_accepted": [{"constraint": c.constraint, "line": c.line, "sentence": c.sentence}
                                 for c in proposed]})
    return ConfirmResult(policy_id=policy_id, name=row["name"], changed=True, superseded=superseded,
                         confirmed_by=actor_name, confirmed_utc=stamp, unrecognised=report.unrecognised,
                         llm_clauses=proposed)


def active_policy(ledger: Ledger) -> tuple[str, PolicySet] | None:
    """The active policy's id and PolicySet, or None if no policy was ever confirmed."""
    row = active_policy_row(ledger)
    if row is None:
        return None
    return str(row["policy_id"]), PolicyReport.model_validate_json(row["report"]).policy


def active_policy_set(ledger: Ledger) -> PolicySet | None:
    """Just the active PolicySet, or None (what planners and the governance node enforce)."""
    found = active_policy(ledger)
    return None if found is None else found[1]


def list_policies(ledger: Ledger) -> list[PolicySummary]:
    """Every stored policy, oldest first."""
    return [PolicySummary.model_validate(_summary(r)) for r in list_policy_rows(ledger)]


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
