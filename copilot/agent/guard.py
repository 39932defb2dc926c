"""The numbers guard: every number in LLM-written text must come from this turn's tool results.

A number in the answer is accepted if some number in the tool results (or in the user's own
question) equals it at the answer's precision (``12.35`` may be written ``12.35``, ``12.3`` or
``12``, never ``10``), or equals a fraction shown as a percentage (0.125 -> ``12.5 %``).
Dates, ISO weeks, clock times, hex values and identifiers mixing letters and digits (job ids,
``us-east-1``) are not numbers, nor are list markers (``1.`` or ``2)`` at the start of a line);
signs are ignored (``-5 %`` and ``5 % lower`` say the same).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_MASKS = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"  # dates
    r"|\d{4}-W\d{2}"  # ISO weeks
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"  # clock times
    r"|0x[0-9a-fA-F]+"  # hex values
    r"|\b(?=[\w.-]*[A-Za-z])(?=[\w.-]*\d)[\w.-]*\w"  # identifiers mixing letters and digits
)
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w]|\.\d)")


_SCIENTIFIC = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?[eE][-+]?\d+)(?![\w.])")


def _masked(text: str) -> str:
    """Numbers in scientific notation written out (1e9 -> 1000000000), then ids/dates blanked."""
    expanded = _SCIENTIFIC.sub(lambda m: format(float(m.group(1)), "f").rstrip("0").rstrip("."), text)
    return _MASKS.sub(lambda m: " " * len(m.group(0)), expanded)


@dataclass(frozen=True)
class GuardResult:
    """Which numbers of the text are backed by a source, and which are not."""

    ok: bool
    checked: list[str]
    unsupported: list[str]


def numbers_in_text(text: str) -> list[str]:
    """Numeric tokens of ``text`` (thousands separators kept), excluding ids, dates and times."""
    return [m.group(1) for m in _NUMBER.finditer(_masked(text))]


def _walk(value: Any) -> Iterable[float]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        if math.isfinite(value):
            yield float(value)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _walk(v)
    elif isinstance(value, str):
        for token in numbers_in_text(value):
            yield float(token.replace(",", ""))


def source_numbers(sources: Iterable[str]) -> list[float]:
    """Every number in tool results (JSON or text) and other trusted sources."""
    out: list[float] = []
    for text in sources:
        try:
            out.extend(_walk(json.loads(text)))
        except (json.JSONDecodeError, TypeError):
            out.extend(_walk(text))
    return out


def _decimals(token: str) -> int:
    return len(token.split(".", 1)[1]) if "." in token else 0


def _matches(token: str, candidates: list[float], percent: bool) -> bool:
    value = float(token.replace(",", ""))
    places = _decimals(token)
    tolerance = 0.5 * 10 ** (-places) + 1e-9
    for c in candidates:
        for scaled in ((c, c * 100) if percent else (c,)):
            if abs(abs(scaled) - abs(value)) <= tolerance:
                return True
    return False


def check_numbers(text: str, sources: Iterable[str]) -> GuardResult:
    """Check every number of ``text`` against the numbers of ``sources``."""
    candidates = source_numbers(sources)
    checked, unsupported = [], []
    text = _SCIENTIFIC.sub(lambda m: format(float(m.group(1)), "f").rstrip("0").rstrip("."), text)
    for match in _NUMBER.finditer(_masked(text)):
        token = match.group(1)
        following = text[match.end(): match.end() + 2]
        line_start = text.rfind("\n", 0, match.start()) + 1
        if not text[line_start:match.start()].strip() and following[:1] in (".", ")"):
            continue  # a list marker
        checked.append(token)
        if token == "90" and "%" in following:
            continue  # the confidence level of every interval we report
        if not _matches(token, candidates, percent="%" in following):
            unsupported.append(token)
    return GuardResult(ok=not unsupported, checked=checked, unsupported=unsupported)
