"""Words of a chat message: normalised text, typo repair towards the copilot's vocabulary, and
numbers written as digits, with magnitudes ("1.5k") or in words ("two", "a dozen")."""

from __future__ import annotations

import re
import unicodedata

from tools.records import RecStatus

VOCABULARY: tuple[str, ...] = (
    "simulate", "simulation", "synthetic", "emissions", "emission", "emitted", "carbon", "footprint",
    "forecast", "forecasts", "predict", "intensity", "recommendations", "recommendation", "suggestions",
    "execute", "verify", "verification", "evidence", "balances", "balance", "policy", "policies",
    "summary", "summaries", "weekly", "report", "mint", "tokens", "rightsizing", "rightsize", "accounting",
    "schedule", "optimise", "optimize", "placements", "greener", "greenest", "cleanest", "tomorrow",
    "yesterday", "region", "regions", "hourly", "daily", "approval", "constraints", "seed", "fleet", "week",
    "month", "hours", "days", "weeks",
    "persistence", "validate", "savings", "saving", "energy", "consumption", "digest", "recap", "approve",
    "approver", "approvers", "reject", "mints", "minting", "plans", "planned", "planner",
    "verifying", "executing", "forecasted", "forecasting", "summarise", "summarize", "emit", "emits", "saved",
    "tonnes", "tonne", "hour", "reports", "team", "teams", "token", "proposal", "proposals", "summaries",
    "schedules", "scheduled", "emitting", "predicted", "prediction", "predictions", "simulated", "simulator",
    "execution", "executions", "verifications", "recommend", "recommended", "balanced", "sustainable", "urgent",
    "months", "hours", "weekend", "account", "accounts", "evidences", "policys", "regional", "region's",
    "wallet", "wallets", "tokenise", "tokenize", "supply", "deployed", "contract", "contracts", "verifier",
    "optimiser", "optimizer", "optimised", "optimized", "scheduler", "rescheduled", "scheduling", "minter",
    "executor", "planning", "verifies", "verifying", "accounted", "propose", "proposes", "approves",
    # places (typos in them are common: "califronia", "stokholm")
    "stockholm", "dublin", "mumbai", "frankfurt", "california", "texas", "virginia", "oregon", "ireland",
    "sweden", "germany", "france", "london", "paris", "boston", "india", "britain", "england")
VOCABULARY += tuple(str(s) for s in RecStatus)  # the recommendation statuses, from their one definition
_VOCAB = set(VOCABULARY)

_SMALL = {"zero": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "couple": 2, "pair": 2, "three": 3,
          "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
          "twelve": 12, "dozen": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
          "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}
_SCALE = {"hundred": 100, "thousand": 1000}
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNDER_100 = rf"(?:(?:{_TENS})(?:[\s-]+(?:{_UNITS}))?|{_TEENS}|{_UNITS})"
_ONE_WORD = "|".join(sorted((w for w in _SMALL if w != "hundred"), key=len, reverse=True))
NUMBER_WORD = (rf"(?:half a dozen|a dozen|a couple(?: of)?|(?:a|an|{_UNDER_100})[\s-]+(?:hundred|thousand)"
               rf"(?:[\s-]+(?:and[\s-]+)?(?:a|an|{_UNDER_100})[\s-]+hundred)?"
               rf"(?:[\s-]+(?:and[\s-]+)?{_UNDER_100})?"
               rf"|(?:{_TENS})[\s-]+(?:{_UNITS})|{_ONE_WORD}|hundred|thousand)")
NUMBER = r"(?:\d+(?:[.,]\d+)?\s*[km]\b|\d+(?:\.\d+)?|" + NUMBER_WORD + r")"
"""A number as people write it in a request (digits, with k/M, or one word)."""


def number_value(token: str) -> float | None:
    """The value of a ``NUMBER`` match ("1.5k" -> 1500, "two" -> 2, "dozen" -> 12)."""
    t = token.strip().lower().replace(",", ".")
    fixed = {"half a dozen": 6.0, "a dozen": 12.0, "a couple": 2.0, "a couple of": 2.0}
    if t in fixed:
        return fixed[t]
    words = re.split(r"[\s-]+", t)
    if len(words) > 1 and all(w in _SMALL or w in _SCALE or w == "and" for w in words):
        total, part = 0.0, 0.0
        for w in words:
            if w == "and":
                continue
            if w in _SCALE:
                part = max(part, 1.0) * _SCALE[w]
                if _SCALE[w] >= 1000:
                    total, part = total + part, 0.0
            else:
                part += _SMALL[w]
        return total + part
    if t in _SMALL:
        return float(_SMALL[t])
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([km]?)", t)
    if not m:
        return None
    return float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2)]


def _damerau1(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one edit apart (insert, delete, substitute, transpose)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _edit_kind(a: str, b: str) -> str | None:
    """How ``a`` is one edit from ``b``: swap, drop (a letter missing), extra, sub; None if not."""
    if not _damerau1(a, b):
        return None
    if len(a) < len(b):
        return "drop"
    if len(a) > len(b):
        return "extra"
    return "swap" if sorted(a) == sorted(b) else "sub"


_MIN_LENGTH = {"swap": 4, "drop": 5, "extra": 6, "sub": 7}
"""Shortest word each kind of typo is repaired in: short words differ from commands by one letter
too often ("plant" is not "plans", "mine" is not "mint")."""


def one_typo_apart(word: str, target: str) -> bool:
    """Whether ``word`` is ``target`` with one typo (same first letter, long enough for its kind)."""
    kind = _edit_kind(word, target)
    return bool(kind) and word[0] == target[0] and len(word) >= _MIN_LENGTH[kind or "sub"]


def repair(word: str) -> str:
    """``word`` or the vocabulary word one typo away ("forcast" -> "forecast", "mnit" -> "mint")."""
    if word in _VOCAB or len(word) < 4 or not word.isalpha():
        return word
    for v in VOCABULARY:
        if (word[:-1] == v and word[-1] in "dsrn") or (v[:-1] == word and v[-1] in "dsrn"):
            return word  # an inflection ("tokenized", "recaps", "reschedule" beside "rescheduled"), not a typo
        kind = _edit_kind(word, v)
        if kind and word[0] == v[0] and len(word) >= _MIN_LENGTH[kind]:
            return v
    return word


ABBREVIATIONS = {
    "wk": "week", "wks": "weeks", "yday": "yesterday", "ystd": "yesterday", "tmrw": "tomorrow", "tmr": "tomorrow",
    "2moro": "tomorrow", "tdy": "today", "mo": "month", "mth": "month", "verif": "verification",
    "verifs": "verifications", "emiss": "emissions", "rec": "recommendation", "reccs": "recommendations",
    "asap": "now", "w/": "with", "w/o": "without", "b/c": "because", "reqs": "requests", "pls": "please",
    "plz": "please", "thx": "thanks", "approx": "about", "recomendations": "recommendations",
    "reccomendations": "recommendations", "recomendation": "recommendation", "reccomendation": "recommendation",
}
"""Short forms people type, expanded before anything else reads the text."""


def normalise(text: str) -> str:
    """Lower case, plain quotes and dashes, single spaces, typos repaired word by word."""
    t = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", " - ")
    t = t.replace("\u00a2", " cents").replace("\u20ac", " eur ").replace("\u00a3", " gbp ").replace("\u2192", " then ")
    if not t.isascii():  # "São Paulo" -> "sao paulo"; other symbols go
        t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    t = re.sub(r"(?<!\w)--?([a-z]+)\b", r"\1", t)  # CLI-style flags: "--by region --from 2026-01-01"
    t = re.sub(r"\bexec summary\b", "executive summary", t)
    t = re.sub(r"\b(days|hours|weeks|d|h)\s*[=:]\s*(\d+)", r"\2 \1", t)  # "days=21" -> "21 days"
    t = re.sub(r"\bcarbon_price(?:_usd)?(?:_per_t)?\s*[=:]\s*", "carbon price ", t)
    t = re.sub(r"\bgroup_?by\s*[=:]\s*", "by ", t)  # key=value requests: "group_by=day start=2026-01-01"
    t = re.sub(r"\bstart\s*[=:]\s*", "from ", t)
    t = re.sub(r"\bend\s*[=:]\s*", "to ", t)
    t = re.sub(r"\b([a-z_]+)\s*=\s*(?=\S)", lambda m: m.group(1).replace("_", " ") + " ", t)
    t = re.sub(r"(?<![\w/-])([a-z0-9/]+)(?![\w/-])", lambda m: ABBREVIATIONS.get(m.group(1), m.group(1)), t)
    t = re.sub(r"\s+", " ", t).strip()
    return re.sub(r"[a-z]+", lambda m: repair(m.group(0)), t)
