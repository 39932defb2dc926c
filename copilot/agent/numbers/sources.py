"""What the tools returned: the facts an LLM-written text may state.

Only successful tool results are sources (:func:`tool_succeeded`): a result whose top-level JSON
object has an ``error`` or ``refused`` key (a failing call, a governance refusal) is not, nor is
the user's question or a policy's text.

Inside a JSON result:

- a number is a fact in the unit its key names (:func:`~copilot.agent.numbers.units.key_unit`;
  the nearest key with a unit wins, so ``{"saved_kgco2e": {"lower": 5.4}}`` is 5.4 kg), with the
  role of its key (a signed ``change``, a ``saving``, or a ``level``);
- an integer 0-23 under an hour key (``peak_hour_utc``) is also a time of day (``18:00``);
- a string without spaces is read like text: ``"90%"``, ``"2026-01-12T03:00:00+00:00"`` (a date
  and a time, also in UTC), ``"2026-W05"`` (a week, its Monday and Sunday and its number),
  ``"46e1b799b071d86b"`` (an id);
- a string with spaces is words (a policy sentence, a nudge, an error message): its numbers are
  not facts, its ids are;
- dates and hours that key a mapping (``by_day``, ``by_hour``) are facts too;
- a key without a unit (``value``) takes the unit of a sibling naming it (``"unit": "h"``,
  ``"constraint": "carbon_budget_kg"``).

A source that is not JSON is read as text: its figures, with their written units, are facts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from copilot.agent.numbers.tokenise import quantities
from copilot.agent.numbers.units import COUNT, Unit, is_clock_hour_key, key_role, key_unit, key_words

Source = str | Mapping[str, Any] | list[Any]
"""A tool result as its JSON text (or text), or already parsed."""


@dataclass(frozen=True)
class Fact:
    """A number a tool returned: ``value`` in ``unit`` (None: no unit known), with its key's role."""

    value: float
    unit: Unit | None
    role: str
    where: str


@dataclass
class Facts:
    """Everything the sources state: numbers, times of day (``HH:MM``), dates, ISO weeks and ids."""

    numbers: list[Fact] = field(default_factory=list)
    times: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    weeks: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)


_IDS = re.compile(r"\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}\b"
                  r"|\b[\w.\-]*\d{4,}[\w.\-]*\b")


def tool_succeeded(result: Source) -> bool:
    """False for a failed call or a refusal: a JSON object with an ``error`` or ``refused`` key."""
    data: Any = result
    if isinstance(result, str):
        try:
            data = json.loads(result)
        except json.JSONDecodeError:
            return not result.lstrip().lower().startswith(("error", "refused"))
    return not (isinstance(data, Mapping) and ("error" in data or "refused" in data))


_NAME_KEYS = ("constraint", "name", "metric", "field", "key", "quantity", "unit", "units")
"""A sibling string naming what a unit-less key holds: ``{"constraint": "max_delay_h", "value": 4}``."""


def _unit_of(path: list[str]) -> Unit | None:
    for key in reversed(path):
        unit = key_unit(key)
        if unit is not None:
            return unit
    return None


def _role_of(path: list[str]) -> str:
    for key in reversed(path):
        role = key_role(key_words(key))
        if role != "level":
            return role
    return "level"


def _add_datetime(facts: Facts, token: str) -> None:
    facts.dates.add(token[:10])
    facts.numbers.append(Fact(float(token[:4]), COUNT, "level", "year"))
    if len(token) <= 10:
        return
    facts.times.add(token[11:16])
    try:
        moment = datetime.fromisoformat(token.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return
    if moment.tzinfo is not None:
        utc = moment.astimezone(UTC)
        facts.times.add(utc.strftime("%H:%M"))
        facts.dates.add(utc.date().isoformat())


def _add_week(facts: Facts, week: str) -> None:
    facts.weeks.add(week[:8])
    year, number = int(week[:4]), int(week[6:8])
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        return
    facts.dates.update({monday.isoformat(), (monday + timedelta(days=6)).isoformat()})
    facts.numbers += [Fact(float(number), COUNT, "level", "week"), Fact(float(year), COUNT, "level", "year")]


def _add_text(facts: Facts, text: str, path: list[str], *, numbers: bool) -> None:
    facts.ids.update(t.lower() for t in _IDS.findall(text))
    for q in quantities(text):
        if q.kind == "date":
            if q.key[:4].isdigit():
                _add_datetime(facts, q.key)
        elif q.kind == "time":
            facts.times.add(q.key)
        elif q.kind == "week":
            _add_week(facts, q.key)
        elif q.kind == "id":
            facts.ids.add(q.key)
        elif numbers:
            value = -q.value if q.sign < 0 else q.value
            facts.numbers.append(Fact(value, q.unit or _unit_of(path), _role_of(path), "/".join(path)))
    for token in re.findall(r"\b\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?", text):
        _add_datetime(facts, token)


def _hourly(value: Mapping[str, Any], path: list[str]) -> bool:
    """Rows keyed by hour of the day: under an hour key, or beside ``"group_by": "hour"``."""
    return any(is_clock_hour_key(k) for k in path) or any(
        isinstance(v, str) and " " not in v and is_clock_hour_key(v) for v in value.values())


def _walk(facts: Facts, value: Any, path: list[str], hourly: bool = False) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, Mapping):
        hourly = hourly or _hourly(value, path)
        label = next((v for k, v in value.items() if k in _NAME_KEYS and isinstance(v, str) and " " not in v), "")
        for key, item in value.items():
            key = str(key)
            if re.fullmatch(r"-?\d+(?:\.\d+)?", key):  # a row label: an hour, a rank, a year
                facts.numbers.append(Fact(float(key), COUNT, "level", "/".join(path)))
                if hourly and key.isdigit() and int(key) < 24:
                    facts.times.add(f"{int(key):02d}:00")
            elif not key.isidentifier():
                _add_text(facts, key, path, numbers=False)
            named = [label] if label and key_unit(key) is None else []
            _walk(facts, item, [*path, *named, key], hourly)
    elif isinstance(value, list | tuple):
        for item in value:
            _walk(facts, item, path, hourly)
    elif isinstance(value, int | float):
        if value == value and abs(value) != float("inf"):
            facts.numbers.append(Fact(float(value), _unit_of(path), _role_of(path), "/".join(path)))
            if path and is_clock_hour_key(path[-1]) and isinstance(value, int) and 0 <= value < 24:
                facts.times.add(f"{value:02d}:00")
    elif isinstance(value, str):
        words = value.split()
        one_figure = len(quantities(value)) == 1 and not re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}", value)
        _add_text(facts, value, path, numbers=len(words) <= 1 or one_figure)


def collect(sources: Iterable[Source]) -> Facts:
    """The facts of ``sources``: JSON tool results (as text or parsed), else plain text."""
    facts = Facts()
    for source in sources:
        if isinstance(source, str):
            try:
                data = json.loads(source)
            except json.JSONDecodeError:
                _add_text(facts, source, [], numbers=True)
                continue
            if isinstance(data, str):
                _add_text(facts, data, [], numbers=True)
                continue
            _walk(facts, data, [])
        else:
            _walk(facts, source, [])
    return facts
