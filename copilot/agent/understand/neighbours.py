"""A nearest-neighbour fallback for requests the rules find no tool word in.

It compares a request with labelled example requests (``examples.jsonl``, written by
``bench/agent_eval/make_examples.py`` from development data only) by TF-IDF cosine over character
n-grams, which carries over abbreviations and typos ("acct gcp", "emiss yday") that a word list
misses. It only ever suggests a READ tool, and only when the closest examples agree and are close
enough; a write is never started on a resemblance, and requests whose closest examples run no tool
stay unanswered by tools (help, explanation or a question back).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from copilot.agent.understand.world import READ_TOOLS

EXAMPLES = Path(__file__).with_name("examples.jsonl")
MIN_SIMILARITY = 0.45
"""Cosine similarity the closest example must reach (0..1)."""
NEIGHBOURS = 3


def _grams(text: str) -> Counter[str]:
    """Words and their character 3..5-grams (with word boundaries), ids and numbers masked."""
    t = re.sub(r"\b[0-9a-f]{16}\b", " <id> ", text.lower())
    t = re.sub(r"\d+(?:\.\d+)?", "0", t)
    out: Counter[str] = Counter()
    for word in re.findall(r"[a-z0-9<>'-]+", t):
        out[f"w:{word}"] += 1
        padded = f" {word} "
        for n in (3, 4, 5):
            out.update(padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
    return out


@lru_cache(maxsize=1)
def _index() -> tuple[list[tuple[dict[str, float], str]], dict[str, float]]:
    rows = [json.loads(line) for line in EXAMPLES.read_text().splitlines() if line.strip()]
    grams = [_grams(r["text"]) for r in rows]
    df: Counter[str] = Counter(g for c in grams for g in c)
    idf = {g: math.log((1 + len(rows)) / (1 + n)) + 1 for g, n in df.items()}
    vectors = [(_unit(c, idf), str(r["tool"])) for c, r in zip(grams, rows, strict=True)]
    return vectors, idf


def _unit(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    v = {g: (1 + math.log(n)) * idf.get(g, 0.0) for g, n in counts.items()}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {g: x / norm for g, x in v.items() if x}


def suggest(text: str) -> str | None:
    """The read tool the closest examples agree on, or None."""
    vectors, idf = _index()
    query = _unit(_grams(text), idf)
    scored = sorted(((sum(w * vec.get(g, 0.0) for g, w in query.items()), tool) for vec, tool in vectors),
                    reverse=True)[:NEIGHBOURS]
    if not scored or scored[0][0] < MIN_SIMILARITY:
        return None
    votes: dict[str, float] = {}
    for sim, tool in scored:
        votes[tool] = votes.get(tool, 0.0) + sim
    tool = max(votes, key=lambda k: votes[k])
    return tool if tool in READ_TOOLS and tool == scored[0][1] else None
