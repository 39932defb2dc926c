"""Units of the figures the copilot states, and the unit a tool result's JSON key implies.

A unit is a dimension and a factor to that dimension's base unit:

=========  ==================  =====================================================
dimension  base                written as
=========  ==================  =====================================================
mass       kg (CO2e)           g, kg, t (tonnes), with or without "CO2e"
energy     kWh                 Wh, kWh, MWh, GWh
power      kW                  W, kW, MW
time       h                   s, min, h, days, weeks
money      USD                 USD, $ (other currencies are their own dimension)
percent    a fraction (1)      %, percent, pct (factor 0.01); share/fraction keys (1)
ratio      times               x, times, -fold
token      token               tokens, kgCO2eSave, kWhSave
a/b        base(a)/base(b)     g/kWh (intensity), USD/MWh, kg per job (b: ``count``)
=========  ==================  =====================================================

A source number's unit comes from its key: the last unit word of ``est_kgco2e_saved_lower`` is
``kgco2e`` (kg), ``mean_g_per_kwh`` is g/kWh, ``cv_rmse_pct`` is %, ``horizon_days`` is days;
a word after ``by`` (``by_day``) groups rows and is no unit. Counts (``jobs``) carry no unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """A dimension (``mass``, ``energy`` ...; ``a/b`` for rates) and the factor to its base unit."""

    dim: str
    factor: float

    def per(self, other: Unit) -> Unit:
        """This unit divided by ``other`` (g per kWh -> mass/energy, factor 0.001)."""
        return Unit(f"{self.dim}/{other.dim}", self.factor / other.factor)


COUNT = Unit("count", 1.0)
"""Jobs, recommendations, people: matched by value only, never against a unit."""
PERCENT = Unit("percent", 0.01)
FRACTION = Unit("percent", 1.0)
RATIO = Unit("ratio", 1.0)
TOKEN = Unit("token", 1.0)

_MASS = {"g": 0.001, "gram": 0.001, "grams": 0.001, "gco2e": 0.001, "gco2": 0.001, "gco2eq": 0.001,
         "kg": 1.0, "kgs": 1.0, "kilogram": 1.0, "kilograms": 1.0, "kilo": 1.0, "kilos": 1.0, "kgco2e": 1.0,
         "kgco2": 1.0, "kgco2eq": 1.0, "t": 1000.0, "tonne": 1000.0, "tonnes": 1000.0, "ton": 1000.0,
         "tons": 1000.0, "metric tons": 1000.0, "metric tonnes": 1000.0, "tco2e": 1000.0, "tco2": 1000.0,
         "tco2eq": 1000.0, "kt": 1e6, "ktco2e": 1e6}
_ENERGY = {"wh": 0.001, "watt-hours": 0.001, "watt hours": 0.001, "kwh": 1.0, "kilowatt-hours": 1.0,
           "kilowatt hours": 1.0, "kilowatt-hour": 1.0, "kilowatt hour": 1.0, "mwh": 1000.0,
           "megawatt-hours": 1000.0, "megawatt hours": 1000.0, "megawatt-hour": 1000.0, "megawatt hour": 1000.0,
           "gwh": 1e6, "gigawatt-hours": 1e6, "gigawatt hours": 1e6}
_POWER = {"w": 0.001, "watt": 0.001, "watts": 0.001, "kw": 1.0, "kilowatt": 1.0, "kilowatts": 1.0,
          "mw": 1000.0, "megawatt": 1000.0, "megawatts": 1000.0}
_TIME = {"sec": 1 / 3600, "secs": 1 / 3600, "second": 1 / 3600, "seconds": 1 / 3600, "min": 1 / 60,
         "mins": 1 / 60, "minute": 1 / 60, "minutes": 1 / 60, "h": 1.0, "hr": 1.0, "hrs": 1.0, "hour": 1.0,
         "hours": 1.0, "d": 24.0, "day": 24.0, "days": 24.0, "week": 168.0, "weeks": 168.0}
_MONEY = {"usd": 1.0, "us$": 1.0, "$": 1.0, "dollar": 1.0, "dollars": 1.0, "us dollars": 1.0, "cents": 0.01}
_OTHER_MONEY = {"eur": "money:eur", "€": "money:eur", "euro": "money:eur", "euros": "money:eur",
                "gbp": "money:gbp", "£": "money:gbp", "pounds": "money:gbp"}
_PERCENT = {"%": 1.0, "percent": 1.0, "per cent": 1.0, "pct": 1.0, "percentage points": 1.0,
            "percentage point": 1.0, "pp": 1.0}
_RATIO = {"x": 1.0, "×": 1.0, "times": 1.0, "fold": 1.0}
_TOKENS = {"token": "token", "tokens": "token", "kgco2esave": "token:kgco2esave", "kwhsave": "token:kwhsave"}


def _table() -> dict[str, Unit]:
    out: dict[str, Unit] = {}
    for dim, table in (("mass", _MASS), ("energy", _ENERGY), ("power", _POWER), ("time", _TIME),
                       ("money", _MONEY), ("ratio", _RATIO)):
        out |= {k: Unit(dim, f) for k, f in table.items()}
    out |= {k: PERCENT for k in _PERCENT}
    out |= {k: Unit(d, 1.0) for k, d in _OTHER_MONEY.items()}
    out |= {k: Unit(d, 1.0) for k, d in _TOKENS.items()}
    return out


UNITS: dict[str, Unit] = _table()
"""Every written unit (lower case) the answer tokeniser knows."""

UNIT_PATTERN = "|".join(re.escape(k) for k in sorted(UNITS, key=len, reverse=True))
"""A regex alternation of the written units, longest first (``kWhSave`` before ``kWh`` before ``kW``)."""


def written_unit(text: str) -> Unit | None:
    """The unit of a written unit word (``kgCO2e``, ``MWh``, ``%``), None when unknown."""
    return UNITS.get(" ".join(text.lower().split()))


def compatible(answer: Unit, source: Unit) -> bool:
    """Whether a figure written in ``answer`` may state a source figure in ``source``."""
    if answer.dim == source.dim:
        return True
    return answer.dim.startswith("token") and source.dim.startswith("token") and "token" in (answer.dim, source.dim)


# ---------------------------------------------------------------------------------------------
# keys of tool results

_KEY_UNITS: dict[str, Unit] = {
    **{k: Unit("mass", f) for k, f in _MASS.items() if " " not in k},
    **{k: Unit("energy", f) for k, f in _ENERGY.items() if " " not in k and "-" not in k},
    **{k: Unit("power", f) for k, f in _POWER.items()},
    **{k: Unit("time", f) for k, f in _TIME.items()
       if k not in ("hour", "second", "min", "mins", "sec", "secs", "day", "week")},  # min: a minimum
    "usd": Unit("money", 1.0), "dollars": Unit("money", 1.0), "eur": Unit("money:eur", 1.0),
    "pct": PERCENT, "percent": PERCENT, "percentage": PERCENT,
    **{k: FRACTION for k in ("share", "fraction", "frac", "gap", "utilisation", "utilization", "util",
                             "coverage", "level", "confidence", "probability", "prob", "quantile")},
    **{k: RATIO for k in ("ratio", "factor", "times", "fold", "multiple")},
    **{k: Unit(d, 1.0) for k, d in _TOKENS.items()},
    **{k: TOKEN for k in ("minted", "balance", "supply", "amount")},
}
_COUNT_WORDS = {"jobs", "job", "count", "n", "number", "recommendations", "verifications", "executions",
                "tickets", "mints", "teams", "regions", "approvers", "approvals", "rank", "people", "rows"}
CHANGE_WORDS = frozenset({"change", "delta", "diff", "difference", "growth", "trend", "vs", "wow", "yoy", "mom",
                          "increase", "decrease"})
SAVING_WORDS = frozenset({"saved", "saving", "savings", "save", "avoided", "reduction", "verified", "mintable",
                          "claimed"})


def key_words(key: str) -> list[str]:
    """``est_kgCO2e_saved`` -> ``["est", "kgco2e", "saved"]`` (snake, kebab and camel case)."""
    key = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", "_", key).replace("/", "_per_")
    return [w for w in re.split(r"[_\-\s.]+", key.lower()) if w]


def _unit_word(word: str) -> Unit | None:
    if word in _KEY_UNITS:
        return _KEY_UNITS[word]
    if word.endswith("save") and word in _TOKENS:
        return Unit(_TOKENS[word], 1.0)
    return None


def key_unit(key: str) -> Unit | None:
    """The unit a JSON key names, None when it names none (``lower``, ``mean``, a team name).

    ``x_per_y`` is a rate (``gco2_per_kwh`` -> mass/energy); otherwise the last unit word counts,
    skipping a word that follows ``by`` (``by_day`` groups rows by day). A count word (``jobs``)
    gives :data:`COUNT`.
    """
    if key.lower() in _TOKENS:
        return Unit(_TOKENS[key.lower()], 1.0)
    words = key_words(key)
    if "per" in words:
        i = words.index("per")
        top = next((u for w in reversed(words[:i]) if (u := _unit_word(w))), None)
        below = next((u for w in words[i + 1:] if (u := _unit_word(w))), COUNT)
        if top is not None:
            return top.per(below)
    for j in range(len(words) - 1, -1, -1):
        if j > 0 and words[j - 1] == "by":
            continue
        unit = _unit_word(words[j])
        if unit is not None:
            return unit
        if words[j] in _COUNT_WORDS:
            return COUNT
    return None


def is_clock_hour_key(key: str) -> bool:
    """``peak_hour_utc``, ``hour``: an hour of the day (0-23), not a duration (``hours``, ``_h``)."""
    return "hour" in key_words(key)


def key_role(words: list[str]) -> str:
    """``change`` (a signed difference), ``saving`` (positive when something was saved) or ``level``."""
    if CHANGE_WORDS & set(words):
        return "change"
    if SAVING_WORDS & set(words):
        return "saving"
    return "level"
