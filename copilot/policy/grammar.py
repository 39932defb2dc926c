"""Shared pieces of the sentence grammar: the ``Recogniser`` record and common word patterns."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from copilot.policy.values import Interpretation

Builder = Callable[[re.Match[str]], Interpretation]

IS = r"""(?:\s*[:=]\s*|\s+-\s+
          |\s+(?:is(?:\s+set)?(?:\s+(?:at|to))?|of|must\s+be|shall\s+be|will\s+be|should\s+be|equals|amounts\s+to)\s+)"""
NEVER_VERB = r"(?:never|do\s+not|don't|must\s+not|may\s+not|shall\s+not|cannot|should\s+not|will\s+not)"
MODAL = r"(?:must|shall|should|may|will|can)"
NEGATED = (r"(?:(?:must|may|shall|should|will|can|does|do)\s*(?:not|never)|cannot|can't|won't|mustn't|shan't|doesn't"
           r"|don't)(?:\s+(?:at\s+any\s+(?:time|moment|point)|ever))?")


@dataclass(frozen=True)
class Recogniser:
    """Whole-sentence patterns of one constraint kind and how to build its items."""

    kind: str
    patterns: tuple[re.Pattern[str], ...]
    build: Builder
    hint: re.Pattern[str] = field(default=re.compile(r"(?!)"))
    example: str = ""


def rx(*patterns: str) -> tuple[re.Pattern[str], ...]:
    """Compile whole-sentence patterns (case-insensitive, verbose: layout whitespace is ignored)."""
    return tuple(re.compile(p, re.I | re.X) for p in patterns)


def vocabulary(words: str) -> frozenset[str]:
    """A set of words written as one string (whitespace-separated, as in a docstring)."""
    return frozenset(words.split())
