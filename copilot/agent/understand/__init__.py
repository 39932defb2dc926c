"""Understanding a chat request without an LLM: intent, arguments, polarity, clarifying questions.

words (normalising, abbreviations, typo repair, numbers in words) -> cues (the tools each clause
asks for, writes only when commanded; ``lexicon`` holds the words) -> arguments (``when``: dates,
weeks, horizons; ``places``: regions from codes, cities, countries; ``entities``: teams from the
ledger, ids, prices, filters) -> reading (tool calls, or a reply: a question back, an explanation
from ``glossary``, a pointer to the CLI). ``neighbours`` suggests a read tool from labelled
examples when no tool word is found; ``world`` holds the types.
"""

from copilot.agent.understand.reading import LATEST_VERIFICATION, Call, Reading, World, understand

__all__ = ["LATEST_VERIFICATION", "Call", "Reading", "World", "understand"]
