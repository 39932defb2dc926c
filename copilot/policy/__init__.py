"""Governance from policy text: a plain-English policy document -> a typed, traceable PolicySet.

The public API, one hop from every part (each part lives in its own module):

    parse_policy_text(text, name) -> PolicyReport              deterministic, offline (the default)
    parse_policy_with_llm(text, chat_model, name) -> PolicyReport
        a LangChain chat model proposes constraints; each is accepted only if its sentence is in
        the text and the deterministic parser agrees (or its values literally appear in it);
        on a model failure the deterministic result comes back with a warning
    read_policy_file(path) -> str                               UTF-8 text, <= 100 kB, not binary

Storing, confirming and reading the active policy is ``copilot.services.policies`` (the ledger).

A ``PolicyReport`` holds the ``PolicySet`` (with ``name`` and ``source_sentences``: constraint key
-> the exact sentence), ``clauses`` (constraint, value, sentence, line), ``unrecognised`` (line,
sentence, reason) and ``warnings``. Every non-empty, non-heading sentence ends up in ``clauses``
or ``unrecognised``; sentences that instruct the system are reported, never acted on: a policy
document only ever produces a PolicySet. Bad input raises ``PolicyError`` (a ValueError).

Modules: ``parser`` (sentences and accepted phrasings, listed in its docstring and in
``policies/README.md``), ``values`` (units, regions, times, names), ``report`` (the report and its
assembly), ``llm`` (the LLM path).
"""

from __future__ import annotations

from copilot.policy.llm import ExtractedConstraint, ExtractedPolicy, parse_policy_with_llm
from copilot.policy.parser import INSTRUCTION_REASON
from copilot.policy.report import (
    MAX_POLICY_BYTES,
    Clause,
    PolicyError,
    PolicyReport,
    Unrecognised,
    check_policy_name,
    check_policy_text,
    decode_policy_bytes,
    parse_policy_text,
    read_policy_file,
)

__all__ = [
    "INSTRUCTION_REASON", "MAX_POLICY_BYTES", "Clause", "ExtractedConstraint", "ExtractedPolicy", "PolicyError",
    "PolicyReport", "Unrecognised", "check_policy_name", "check_policy_text", "decode_policy_bytes",
    "parse_policy_text", "parse_policy_with_llm", "read_policy_file",
]
