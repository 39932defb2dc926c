"""The numbers guard: every figure in LLM-written text must come from a successful tool result.

One job per module: ``units`` (written units and the unit a JSON key names), ``tokenise`` (the
figures of a text), ``sources`` (the facts of tool results), ``compare`` (the decision).
"""

from copilot.agent.numbers.compare import Finding, GuardResult, check_numbers
from copilot.agent.numbers.sources import collect, tool_succeeded
from copilot.agent.numbers.tokenise import Quantity, quantities

__all__ = ["Finding", "GuardResult", "Quantity", "check_numbers", "collect", "quantities", "tool_succeeded"]
