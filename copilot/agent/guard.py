"""The numbers guard's public API (the implementation is the ``copilot.agent.numbers`` package).

``check_numbers(text, sources)`` checks every figure of LLM-written text (answers, weekly
summaries, explanations) against successful tool results; ``tool_succeeded`` tells which tool
messages are sources; ``WITHHELD_NOTE`` is what the user reads under the tool-rendered answer
when the model's wording was blocked.
"""

from __future__ import annotations

from copilot.agent.numbers import Finding, GuardResult, check_numbers, quantities, tool_succeeded

WITHHELD_NOTE = "(The model's wording was withheld because it stated figures no tool returned.)"


def numbers_in_text(text: str) -> list[str]:
    """The figures of ``text`` as written (numbers without their unit, times, dates, ids)."""
    return [q.text for q in quantities(text)]


__all__ = ["WITHHELD_NOTE", "Finding", "GuardResult", "check_numbers", "numbers_in_text", "tool_succeeded"]
