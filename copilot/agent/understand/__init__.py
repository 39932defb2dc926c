"""Understanding a chat request without an LLM: intent, arguments, polarity, clarifying questions.

words (normalising, typo repair, numbers in words) -> when (dates, weeks, horizons) / places
(regions from codes, cities, countries) / entities (teams from the ledger, ids, prices, filters) ->
lexicon (the words that ask for each tool) -> reading (tool calls or a reply).
"""

from copilot.agent.understand.reading import LATEST_VERIFICATION, Call, Reading, World, understand

__all__ = ["LATEST_VERIFICATION", "Call", "Reading", "World", "understand"]
