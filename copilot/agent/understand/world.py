"""What a reading is made of: the world it is read against, tool calls, and the reading itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tools.simulate import DEFAULT_TEAMS as SIMULATED_TEAMS

DEFAULT_TEAMS: tuple[str, ...] = tuple(team.name for team in SIMULATED_TEAMS)
"""Teams assumed when the ledger holds none yet (the simulator's)."""
READ_TOOLS = frozenset({"account", "emissions", "forecast", "recommendations", "evidence", "balances", "policy",
                        "summary"})
"""The chat tools that only read (the rest write: ``copilot.agent.polarity.WRITE_TOOLS``)."""
LATEST_VERIFICATION = "<latest verification>"
"""Placeholder argument: the largest mintable verification of this turn's verify result."""


@dataclass(frozen=True)
class World:
    """What the reader knows beyond the text: the clock (UTC), the ledger's teams, and which ids the
    ledger holds (``id_kind(id)`` -> "plan", "verification" or None; None as a whole: not known, the
    id is taken as written)."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    teams: tuple[str, ...] = DEFAULT_TEAMS
    id_kind: Callable[[str], str | None] | None = None

    def check_id(self, value: str, wanted: str) -> None:
        """Raise ``ValueError`` with a question back when the ledger does not hold ``value`` as a ``wanted``."""
        if self.id_kind is None:
            return
        kind = self.id_kind(value)
        if kind == wanted:
            return
        if kind is None:
            raise ValueError(f"There is no {wanted} {value} in the ledger. Which {wanted} did you mean?")
        raise ValueError(f"{value} is a {kind} id, not a {wanted} id. Which {wanted} did you mean?")


@dataclass
class Call:
    """One tool call: its name and arguments (``LATEST_VERIFICATION`` resolved from results)."""

    tool: str
    args: dict[str, Any]


@dataclass
class Reading:
    """What a request asks: tool calls in order, or a reply when no tool runs.

    kind: tools | clarify | explain | out_of_scope | small_talk | declined | help
    dropped: write tools the request named but its polarity forbids."""

    calls: list[Call] = field(default_factory=list)
    reply: str | None = None
    kind: str = "tools"
    dropped: list[str] = field(default_factory=list)
