"""The MCP server's prompts: the weekly summary, as the copilot's own summary prompt over the
``summary`` tool's figures (the host's model writes the words; every figure must be one of the JSON's)."""

from __future__ import annotations

from copilot.agent.prompts import SUMMARY_PROMPT
from copilot.mcp.gate import GovernedTools

NUMBERS_RULE = ("Keep each figure's unit, sign and direction; state intervals as 90% intervals; do not add, "
                "subtract, convert or otherwise compute new figures.")


def weekly_summary_text(gate: GovernedTools, week: str | None = None, team: str | None = None) -> str:
    """The prompt text: the summary instructions, the numbers rule, then the figures (JSON) of one
    ISO week (default: the latest week with data), optionally of one team. ``RefusedError`` for bad input."""
    args = {k: v for k, v in {"week": week, "team": team}.items() if v is not None}
    figures = gate.run("summary", args)
    return f"{SUMMARY_PROMPT} {NUMBERS_RULE}\n\nJSON:\n{figures}"
