"""The numbers guard's decision: is every figure of a text backed by a fact a tool returned?

A number is backed when some fact equals it within the rounding of the digits shown
(``|fact - number| <= tolerance``, the fact converted to the number's unit):

- a bare number (no unit) may state a fact of any unit, by the value as the tool wrote it
  (``verified 158.7`` for ``verified_kgco2e: 158.7``);
- a number with a unit needs a fact of the same dimension (``2.1 tCO2e`` for 2102.8 kg passes,
  ``2102.8 tCO2e`` and ``24 tonnes`` for ``hours: 24`` do not); a percentage may state a
  percent fact or a fraction (``share: 0.125`` -> ``12.5 %``); a ratio (``tenfold``, ``2.7x``)
  needs a ratio fact; facts without a unit (counts) back bare numbers only;
- a written sign must agree (``-12.3 %`` for -12.3, never ``+12.3 %``); an unsigned number with
  no direction word states a value >= 0; with a direction word (tokenise.direction) it states a
  change: ``up`` needs a positive change or level (a negative saving), ``down`` a negative
  change or level (a positive saving), ``saved`` a positive saving or level (a negative change).

Times of day, dates, weeks and made-up-looking ids must appear in the facts as such. Nothing is
accepted for being a "usual" number: ``90 %`` passes only when a tool stated a 90 % interval.
Derived figures (differences, ratios, shares the model computed) fail unless a tool returned them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from copilot.agent.numbers.sources import Fact, Facts, Source, collect
from copilot.agent.numbers.tokenise import Quantity, quantities
from copilot.agent.numbers.units import compatible


@dataclass(frozen=True)
class Finding:
    """A figure no source backs, and why."""

    text: str
    reason: str


@dataclass(frozen=True)
class GuardResult:
    """Which figures of the text are backed by a source (``checked``) and which are not."""

    ok: bool
    checked: list[str]
    unsupported: list[str]
    findings: list[Finding] = field(default_factory=list)

    def explain(self) -> str:
        """``"9999kWh (no tool returned this figure), ..."`` for feedback to the model."""
        return ", ".join(f"{f.text} ({f.reason})" for f in self.findings)


def _in_unit(q: Quantity, fact: Fact) -> float | None:
    """The fact's value in the number's unit, None when the number cannot state that fact."""
    if q.unit is None:
        return fact.value
    if fact.unit is None or not compatible(q.unit, fact.unit):
        return None
    return fact.value * fact.unit.factor / q.unit.factor


def _direction_holds(direction: str, value: float, role: str) -> bool:
    if direction == "saved":
        return value < 0 if role == "change" else value > 0
    rising = value > 0 if role != "saving" else value < 0
    return rising if direction == "up" else (value != 0 and not rising)


def _verdict(q: Quantity, facts: list[Fact]) -> str | None:
    """None when a fact backs the number, else the reason it fails."""
    slack = 1e-9 * max(1.0, abs(q.value))
    near_value, other_dim = False, False
    for fact in facts:
        value = _in_unit(q, fact)
        if value is None:
            if abs(abs(fact.value) - q.value) <= q.tolerance + slack:
                other_dim = True
            continue
        if abs(abs(value) - q.value) > q.tolerance + slack:
            continue
        near_value = True
        if abs(value) <= q.tolerance + slack:
            return None  # zero (at the digits shown) has no sign or direction
        if q.sign:
            if abs(value - q.sign * q.value) <= q.tolerance + slack:
                return None
        elif q.direction is None:
            if value >= -q.tolerance - slack:
                return None
        elif _direction_holds(q.direction, value, fact.role):
            return None
    if near_value:
        return "the tool's figure has the other sign or direction"
    if other_dim:
        return f"a tool returned this value, but not in {q.unit.dim if q.unit else 'this unit'}"
    return "no tool returned this figure"


def _id_known(key: str, ids: set[str]) -> bool:
    return key in ids or (len(key) >= 8 and any(i.startswith(key) for i in ids))


def _date_known(key: str, dates: set[str]) -> bool:
    return key in dates if key[:4].isdigit() else any(d[4:] == key[1:] for d in dates)


def judge(q: Quantity, facts: Facts) -> str | None:
    """None when ``facts`` back the figure ``q``, else why not."""
    if q.kind == "number":
        return _verdict(q, facts.numbers)
    if q.kind == "time":
        return None if q.key in facts.times else "no tool returned this time"
    if q.kind == "date":
        return None if _date_known(q.key, facts.dates) else "no tool returned this date"
    if q.kind == "week":
        return None if q.key in facts.weeks else "no tool returned this week"
    return None if _id_known(q.key, facts.ids) else "no tool returned this id"


def check_numbers(text: str, sources: Iterable[Source]) -> GuardResult:
    """Check every figure of ``text`` against ``sources`` (successful tool results only).

    Args:
        text: LLM-written words (an answer, a summary, an explanation).
        sources: tool results as JSON text (or parsed JSON); plain text is read as text. Pass only
            successful results (``sources.tool_succeeded``), never the question or policy text.
    """
    facts = collect(sources)
    checked, unsupported, findings = [], [], []
    for q in quantities(text):
        checked.append(q.text)
        reason = judge(q, facts)
        if reason is not None:
            unsupported.append(q.text)
            findings.append(Finding(q.written or q.text, reason))
    return GuardResult(ok=not unsupported, checked=checked, unsupported=unsupported, findings=findings)
