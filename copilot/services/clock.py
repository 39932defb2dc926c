"""The one clock every answer, tab and chart reads relative times against ("as of").

The clock is the machine's time (UTC) unless the job history stored in the ledger ends before it;
then it is the end of that history (the latest job start), so "yesterday", "this week", "tomorrow"
and "the next 24 hours" mean the same moment in the chat, the CLI and every tab of the web UI, and
questions about a simulated or imported period are answered about that period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from tools.ledger import Ledger
from tools.ledger.queries import job_history_span

__all__ = ["Clock", "issue_time", "ledger_clock"]


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Clock:
    """The "as of" time (UTC) and where it comes from; the span of the stored job history (UTC)."""

    as_of: datetime
    basis: Literal["end of data", "now"]
    data_start: datetime | None = None
    data_end: datetime | None = None

    def label(self) -> str:
        """One line for a header: 'As of 2026-01-18 23:54 UTC (end of the job history 2026-01-05 -> 2026-01-18)'."""
        when = f"As of {self.as_of:%Y-%m-%d %H:%M} UTC"
        if self.data_start is None or self.data_end is None:
            return f"{when} (now; no job history stored yet)"
        span = f"{self.data_start:%Y-%m-%d} → {self.data_end:%Y-%m-%d}"
        if self.basis == "end of data":
            return f"{when} (the end of the job history, {span} UTC)"
        return f"{when} (now; job history {span} UTC)"


def ledger_clock(ledger: Ledger, machine_now: datetime | None = None) -> Clock:
    """The clock of ``ledger``: min(machine time, the latest job start), both UTC."""
    now = (machine_now or datetime.now(UTC)).astimezone(UTC)
    first_text, last_text = job_history_span(ledger)
    first, last = _parse(first_text), _parse(last_text)
    if last is not None and last < now:
        return Clock(as_of=last, basis="end of data", data_start=first, data_end=last)
    return Clock(as_of=now, basis="now", data_start=first, data_end=last)


def issue_time(clock: Clock, step_minutes: int = 60) -> datetime:
    """The first whole step at or after the clock (UTC): when a forecast asked for "now" is issued."""
    step = timedelta(minutes=step_minutes)
    base = clock.as_of.replace(minute=0, second=0, microsecond=0)
    while base < clock.as_of:
        base += step
    return base
