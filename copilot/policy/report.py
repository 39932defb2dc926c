"""Policy parse reports: the typed result of reading a policy text, and how it is assembled.

``parse_policy_text`` splits a text into sentences (``copilot.policy.parser``), reads each one
and collects the result in a ``PolicyReport``: the ``PolicySet`` (``source_sentences`` maps every
constraint key to the exact sentence it came from), ``clauses`` (every parsed constraint with its
sentence and line), ``unrecognised`` (every sentence that is not a constraint, is malformed or
contradicts an earlier one, with the reason) and ``warnings``. Nothing is dropped silently: each
non-empty, non-heading sentence ends up in ``clauses`` or ``unrecognised``.

Constraint keys are the PolicySet field, with the team or category for the per-key fields and
the window's index for blackouts: ``allowed_regions_by_team.data``, ``default_allowed_regions``,
``urgent_never_moved``, ``max_deferral_h_by_category.balanced``, ``carbon_price_usd_per_t``,
``max_power_kw``, ``carbon_budget_kg``, ``carbon_budget_period``, ``blackout_windows[0]``,
``recurring_blackouts[0]``, ``mint_quorum``,
``mint_approvers``. A key may be stated once: a later sentence giving it a different value is a
contradiction (reported in ``unrecognised``; the first statement stands); an identical repeat is
accepted with a warning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from copilot.policy.parser import (
    INSTRUCTION_REASON,
    Interpretation,
    PolicyItem,
    Sentence,
    SentenceError,
    interpret_sentence,
    is_instruction,
    split_sentences,
)
from copilot.policy.values import DEFAULT_BLACKOUT_REASON, same_window
from copilot.policy.vocab import KNOWN_TEAMS
from tools.schemas import PolicySet

MAX_POLICY_BYTES = 100_000
Via = Literal["parser", "llm+parser", "llm"]


class PolicyError(ValueError):
    """A policy text, file or record cannot be used; the message names the input at fault."""


class Clause(BaseModel):
    """One parsed constraint with the sentence (and line) it came from."""

    model_config = ConfigDict(frozen=True)

    constraint: str = Field(description="Constraint key, e.g. 'allowed_regions_by_team.data'.")
    policy_field: str = Field(description="The PolicySet field it sets.")
    key: str | None = Field(default=None, description="Team or category for per-key fields.")
    value: Any = Field(description="The value, in the PolicySet's units (JSON form).")
    sentence: str = Field(description="The sentence exactly as written in the document.")
    line: int = Field(ge=1, description="1-based line number of the sentence.")
    via: Via = Field(default="parser", description="Who read it: the parser, the LLM (checked), or both.")


class Unrecognised(BaseModel):
    """A sentence that yields no constraint, and why (line 0: cited by an LLM, not in the text)."""

    model_config = ConfigDict(frozen=True)

    line: int = Field(ge=0)
    sentence: str
    reason: str


class PolicyReport(BaseModel):
    """Everything a policy text says, and everything it says that could not be used."""

    policy: PolicySet
    clauses: list[Clause] = Field(default_factory=list)
    unrecognised: list[Unrecognised] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    method: Literal["deterministic", "llm", "llm-fallback"] = "deterministic"

    @property
    def complete(self) -> bool:
        """True when every sentence was understood."""
        return not self.unrecognised

    @property
    def llm_clauses(self) -> list[Clause]:
        """Clauses only the LLM read (the parser could not): a person must confirm them explicitly."""
        return [c for c in self.clauses if c.via == "llm"]


# -- input checks -------------------------------------------------------------------------------
def check_policy_text(text: str, source: str = "policy text") -> str:
    """Return ``text`` if it is usable policy text; else raise PolicyError naming ``source``."""
    if not isinstance(text, str):
        raise PolicyError(f"{source} must be a string, got {type(text).__name__}")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise PolicyError(f"{source} is not valid UTF-8 text ({exc.reason} at character {exc.start})"
                          ) from exc
    if size > MAX_POLICY_BYTES:
        raise PolicyError(f"{source} is {size} bytes; a policy may be at most {MAX_POLICY_BYTES} bytes "
                          "(100 kB)")
    bad = re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise PolicyError(f"{source} looks binary: control character {ord(bad.group()):#04x} on line {line}")
    if not text.strip():
        raise PolicyError(f"{source} is empty")
    return text


def decode_policy_bytes(data: bytes, source: str = "policy file") -> str:
    """UTF-8 (optionally with a BOM) policy text from bytes; binary or non-UTF-8 input raises."""
    if len(data) > MAX_POLICY_BYTES:
        raise PolicyError(f"{source} is {len(data)} bytes; a policy may be at most {MAX_POLICY_BYTES} bytes")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise PolicyError(f"{source} is binary (NUL byte at offset {nul}), not a text policy")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{source} is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start})"
                          ) from exc
    return check_policy_text(text, source)


def read_policy_file(path: str | Path) -> str:
    """The text of a policy file (checked like ``decode_policy_bytes``)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc.strerror or exc}") from exc
    return decode_policy_bytes(data, f"policy file {path}")


def check_policy_name(name: str) -> str:
    """A policy name: 1-100 printable characters on one line."""
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > 100 or not name.isprintable():
        raise PolicyError(f"policy name {name!r} must be 1-100 printable characters on one line")
    return name


# -- assembling a report ------------------------------------------------------------------------
_WINDOW_FIELDS = ("blackout_windows", "recurring_blackouts")


def _same_weekly(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a[k] == b[k] for k in ("start_local", "end_local", "timezone")) and \
        sorted(a["days"]) == sorted(b["days"]) and sorted(a["regions"] or []) == sorted(b["regions"] or [])


def same_value(a: Any, b: Any) -> bool:
    """Whether two constraint values say the same (floats to 1e-9, lists as sets, windows by period)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        if "days" in a or "days" in b:
            return "days" in a and "days" in b and _same_weekly(a, b)
        if "start_utc" in a and "start_utc" in b:
            return same_window(a, b)
        return bool(a == b)
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return bool(a == b)


def show_value(value: Any) -> str:
    """A constraint value for a message (None reads as 'any region': only region lists are None)."""
    if isinstance(value, dict) and "days" in value:
        where = ", ".join(value["regions"]) if value.get("regions") else "all regions"
        return (f"every {'/'.join(value['days'])} {value['start_local']}-{value['end_local']} "
                f"{value['timezone']} in {where}")
    if isinstance(value, dict) and "start_utc" in value:
        where = ", ".join(value["regions"]) if value.get("regions") else "all regions"
        return f"{value['start_utc']} .. {value['end_utc']} in {where}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "any region" if value is None else str(value)


def _check_item(item: PolicyItem) -> None:
    """Validate one value against the PolicySet schema (raises SentenceError with pydantic's words)."""
    if item.field in _WINDOW_FIELDS:
        data: Any = [item.value]
    elif item.key is not None:
        data = {item.key: item.value}
    else:
        data = item.value
    try:
        PolicySet.model_validate({item.field: data})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise SentenceError(f"{item.field}: {first['msg']} (value {show_value(item.value)})") from exc


class ReportBuilder:
    """Collects clauses in document order, detecting repeats and contradictions per key."""

    def __init__(self, name: str, warnings: Iterable[str] = ()) -> None:
        self.name = name
        self.first: dict[str, Clause] = {}
        self.clauses: list[Clause] = []
        self.unrecognised: list[Unrecognised] = []
        self.warnings: list[str] = list(warnings)
        self.windows: dict[str, list[Clause]] = {f: [] for f in _WINDOW_FIELDS}

    def reject(self, sentence: Sentence | None, reason: str, text: str = "") -> None:
        line, shown = (sentence.line, sentence.text) if sentence else (0, text)
        self.unrecognised.append(Unrecognised(line=line, sentence=shown, reason=reason))

    def _key(self, item: PolicyItem, pending: list[tuple[str, PolicyItem]]) -> str:
        if item.field in _WINDOW_FIELDS:
            known = [(c.constraint, c.value) for c in self.windows[item.field]]
            known += [(k, i.value) for k, i in pending if i.field == item.field and k not in dict(known)]
            same = next((k for k, v in known if same_value(v, item.value)), None)
            return same or f"{item.field}[{len(known)}]"
        return f"{item.field}.{item.key}" if item.key is not None else item.field

    def accept(self, sentence: Sentence, reading: Interpretation, via: Via = "parser") -> bool:
        """Add a sentence's items, or reject the whole sentence if one is invalid or contradicts."""
        try:
            for item in reading.items:
                _check_item(item)
        except SentenceError as exc:
            self.reject(sentence, exc.reason)
            return False
        keyed: list[tuple[str, PolicyItem]] = []
        for item in reading.items:
            keyed.append((self._key(item, keyed), item))
        for key, item in keyed:
            earlier = self.first.get(key)
            if earlier is not None and not same_value(earlier.value, item.value):
                self.reject(sentence, f"contradicts line {earlier.line} ({earlier.sentence!r}): that sets "
                            f"{key} = {show_value(earlier.value)}, this sentence says "
                            f"{show_value(item.value)}; the first statement is kept - remove one of them")
                self.warnings.append(f"line {sentence.line} contradicts line {earlier.line} on {key}")
                return False
        for key, item in keyed:
            value = item.value
            if item.field in _WINDOW_FIELDS and value["reason"] == DEFAULT_BLACKOUT_REASON:
                value = {**value, "reason": sentence.text[:200]}
            clause = Clause(constraint=key, policy_field=item.field, key=item.key, value=value,
                            sentence=sentence.text, line=sentence.line, via=via)
            if key in self.first:
                self.warnings.append(f"line {sentence.line} repeats line {self.first[key].line} ({key})")
            else:
                self.first[key] = clause
                if item.field in _WINDOW_FIELDS:
                    self.windows[item.field].append(clause)
            self.clauses.append(clause)
        self.warnings.extend(f"line {sentence.line}: {w}" for w in reading.warnings)
        return True

    def report(self, method: Literal["deterministic", "llm", "llm-fallback"]) -> PolicyReport:
        data: dict[str, Any] = {"name": self.name,
                                "source_sentences": {k: c.sentence for k, c in self.first.items()}}
        for clause in self.first.values():
            if clause.policy_field in ("allowed_regions_by_team", "max_deferral_h_by_category"):
                data.setdefault(clause.policy_field, {})[clause.key] = clause.value
            elif clause.policy_field in _WINDOW_FIELDS:
                data.setdefault(clause.policy_field, []).append(clause.value)
            else:
                data[clause.policy_field] = clause.value
        try:
            policy = PolicySet.model_validate(data)
        except ValidationError as exc:  # every item was validated on its own: this is a bug
            raise PolicyError(f"policy {self.name!r} does not form a valid PolicySet: {exc}") from exc
        if policy.urgent_never_moved and "urgent" in policy.max_deferral_h_by_category:
            self.warnings.append("a deferral limit for urgent jobs has no effect while urgent jobs are never "
                                 "moved (add 'Urgent jobs may be moved.' if they may be)")
        if not self.clauses:
            self.warnings.append("the text states no recognised constraint")
        return PolicyReport(policy=policy, clauses=self.clauses, warnings=self.warnings, method=method,
                            unrecognised=sorted(self.unrecognised, key=lambda u: u.line))


def parse_policy_text(text: str, name: str = "policy", teams: Collection[str] | None = None) -> PolicyReport:
    """Parse a policy document deterministically (see the module docstring for the rules).

    ``teams``: the team names residency rules may name (default ``vocab.KNOWN_TEAMS``, the
    simulated fleet's); any other team is reported as unknown.
    """
    known = KNOWN_TEAMS if teams is None else tuple(t.lower() for t in teams)
    check_policy_text(text)
    sentences, notes = split_sentences(text)
    report = ReportBuilder(check_policy_name(name), notes)
    for sentence in sentences:
        unreadable = INSTRUCTION_REASON if is_instruction(sentence.norm) else sentence.unreadable()
        if unreadable:
            report.reject(sentence, unreadable)
            continue
        try:
            reading = interpret_sentence(sentence.norm, known)
        except SentenceError as exc:
            report.reject(sentence, exc.reason)
            continue
        report.accept(sentence, reading)
    return report.report("deterministic")
