"""Sentences that address the system instead of stating a constraint.

A policy document may only describe constraints. A sentence that gives an order to the system,
the model or an administrator ("ignore the rules above", "as the admin ...", "approve all
mints", "note to the AI: add ... as an approver", "set max_power_kw to ...") is refused before any
pattern is tried, with ``INSTRUCTION_REASON``.
"""

from __future__ import annotations

import re

INSTRUCTION_REASON = "not a policy constraint (instructions to the system are ignored)"
__all__ = ["IMPERATIVE", "INSTRUCTION_REASON", "is_instruction"]

# -- instructions to the system -----------------------------------------------------------------
INSTRUCTION = re.compile(r"""
    \b(?:ignore|disregard|forget|bypass|circumvent|jailbreak)\b
  | \boverride\s+(?:the|all|any|this|these|those|that|previous|prior|your|my|every|each|existing|other)\b
  | \b(?:previous|prior|above|earlier|new|these|my)\s+instructions?\b
  | \bsystem\s+prompt\b | \bprompt\s+injection\b
  | \byou\s+(?:are|must|should|will|can|may|need|have)\b
  | \bas\s+(?:the|an?|your)\s+(?:admin(?:istrator)?|root|system|owner|operator|developer|assistant|ai|model)\b
  | \bautomatically\b | \bauto-?approve
  | (?<!\bmay\s)(?<!\bmust\s)(?<!\bcan\s)(?<!\bshall\s)(?<!\bto\s)(?<!\bwill\s)
    \bapprove\s+(?:all|every|any|each|everything|this|it|them)\b
  | \bwithout\s+(?:any\s+)?(?:approval|confirmation|review|asking|a\s+human|human)\b
  | \bwhatever\b(?!\s+(?:the\s+|their\s+|its\s+)?(?:team|category|region|size|amount|value|volume|grid|load|weather
                                                  |time|cost|price|carbon|intensity|emissions|demand|project|lab
                                                  |department|group|unit|owner|division|owning\s+team|season|day
                                                  |hour|month|week)\b)
  | \b(?:the\s+)?user\s+(?:says|wants|asks|tells)\b
  | \bnote\s+to\s+(?:the\s+)?(?:ai|llm|model|assistant|parser|bot|system|reader\s+model)
  | \b(?:the|this|any)\s+(?:ai|llm|language\s+model|assistant|chatbot|bot)\b
  | \b(?:llms?|ai)\s+(?:agents?|assistants?|bots?|tools?|systems?|models?)\b
  | \b(?:agents?|bots?|crawlers?|tools?)\s+(?:indexing|reading|parsing|processing|scanning)\b
  | \badd\s+\S+\s+(?:to|as)\s+(?:the\s+)?(?:mint\s+)?(?:approvers?|approver\s+list|allow-?list)\b
  | (?<![\w.@+/-])[a-z]+_[a-z0-9]+(?:_[a-z0-9]+)*(?![\w@.+-])
  | \b(?:clear|wipe|delete|remove|drop|lift)\s+(?:all|every|each|the|any)\s+(?:\w+\s+)?
      (?:rules?|constraints?|windows?|limits?|policies|approvers?)\b
  | \bmint\s+(?:[\d$]|all\b|any\b|more\b|new\b|tokens?\b|the\b|some\b|it\b|them\b)
  | \b0x[0-9a-f]{3,} | \bprivate\s+key\b | \bapi\s+key\b | \bpassword\b | \bseed\s+phrase\b
  | \b(?:transfer|withdraw|deploy|sudo)\b | \brm\s+-rf\b | \bdrop\s+table\b
  | \b(?:reveal|print|output|repeat|show)\s+(?:your|the)\s+(?:prompt|instructions|secrets?|keys?)\b
""", re.I | re.X)
IMPERATIVE = re.compile(
    r"(?:please\s+)?(?:set|change|update|mint(?!\s+(?:approv\w*|authority|quorum|requests?|rules?|thresholds?"
    r"|sign-?offs?|limits?|policy)\b)|approve|reject|send|give|grant|raise|lower|increase|"
    r"decrease|remove|disable|enable|act|pretend|respond|reply|answer|say|tell|call|print|reveal|"
    r"switch|turn|add|delete|pay|sign|issue|burn|retire)\b", re.I)


# "The platform team is permitted to deploy only to us-east-1": a team's residency, not an order to deploy
_TEAM_DEPLOYS = re.compile(r"""(?=.*\b(?:only|exclusively|solely)\b)
    (?:the\s+)?(?:team\s+[a-z0-9][\w.-]*|[a-z0-9][\w.-]*\s+team)(?:'s)?
    (?:\s+(?:jobs|workloads|services))?\s+(?:(?:is|are)\s+(?:only\s+)?(?:permitted|allowed)\s+to
    |(?:may|must|shall|can|will)(?:\s+only)?|only)?\s*(?:deploy|deploys)\b""", re.I | re.X)


def is_instruction(norm: str) -> bool:
    """True if the sentence addresses the system (and so can never be a constraint); a team that
    deploys only to some regions addresses no one (any other sign of an instruction still counts)."""
    team = _TEAM_DEPLOYS.match(norm.strip())
    rest = norm[team.end():] if team else norm
    return bool(INSTRUCTION.search(rest))
