"""Polarity of a request: which write tools it must NOT run, whatever routes or model chose them.

Negations ("don't execute the plan", "no need to simulate anything new"), hypotheticals and
questions about an action ("should we apply the plan?", "what would minting X give us?", "is it
safe to execute?"), explanations ("what is a synthetic fleet?") and requests to undo something no
tool can undo ("revert the mint", "undo the last execution") never run a write tool. A negated
clause forbids the write tools it names ("don't plan, just the forecast" still forecasts); a
hypothetical, an explanation or an undo forbids every write. Used by the offline router and by the
governance node (so an LLM's tool call is refused the same way).
"""

from __future__ import annotations

import re

WRITE_TOOLS = ("simulate", "plan", "execute", "verify", "mint")
"""Tools that change state (the ledger or the chain)."""

_WRITE_WORDS = {
    "simulate": r"simulat|synthetic|generate|new fleet|fake",
    "plan": r"plan|schedul|optimi[sz]|reschedul|shift",
    "execute": r"execut|apply|implement|roll(?:ing)? out|carry out|go ahead|run (?:the|it|them)",
    "verify": r"verif|check (?:the )?savings",
    "mint": r"mint|tokeni[sz]|issue tokens",
}
_NEGATION = re.compile(
    r"\b(?:don'?t|do not|does not|doesn'?t|never|no need to|not|without|hold off|stop|skip|avoid|refrain"
    r"|cancel|instead of|rather than|nothing|no)\b", re.I)
_NOT_A_NEGATION = re.compile(r"\b(?:don'?t|do not) (?:forget|hesitate|wait)\b|\bnot sure\b|\bno later than\b", re.I)
_HYPOTHETICAL = re.compile(
    r"\b(?:should (?:we|i)|shall we|would|what if|what happens|hypothetical(?:ly)?|suppose|imagine"
    r"|is it (?:safe|worth|ok|okay|wise|a good idea)|are we ready|can (?:i|we) undo|could we"
    r"|what is an?|what's an?|what does|what do|how does|how do(?:es)? .* work|how was|how were|why"
    r"|explain|tell me about|do we need to)\b", re.I)
_UNDO = re.compile(r"\b(?:undo|revert|roll ?back|reverse|delete|remove|unmint|un-mint|erase|wipe)\b", re.I)
_CLAUSES = re.compile(r"[.;!?,]|\b(?:but|just|then|only|instead)\b", re.I)


def forbidden_writes(text: str) -> set[str]:
    """The write tools ``text`` must not run (empty: any the request asks for may run)."""
    if _HYPOTHETICAL.search(text) or _UNDO.search(text):
        return set(WRITE_TOOLS)
    out: set[str] = set()
    for clause in _CLAUSES.split(text):
        if not clause or not _NEGATION.search(_NOT_A_NEGATION.sub(" ", clause)):
            continue
        named = {tool for tool, words in _WRITE_WORDS.items() if re.search(rf"\b(?:{words})", clause, re.I)}
        if named:
            out |= named
        elif re.search(r"\b(?:anything|any changes?|a thing)\b", clause, re.I):
            out |= set(WRITE_TOOLS)  # "don't change anything"
    return out


def without_negated(text: str) -> str:
    """``text`` without its negated clauses ("don't plan anything, just tell me the emissions" ->
    "tell me the emissions"): what is left to do once the refusals are honoured."""
    kept = [c.strip() for c in _CLAUSES.split(text)
            if c and c.strip() and not _NEGATION.search(_NOT_A_NEGATION.sub(" ", c))]
    return " ".join(kept)


def declined(text: str, dropped: list[str]) -> str:
    """What the copilot says when it ran no write tool because of the request's polarity."""
    if _UNDO.search(text):
        return ("Nothing was run: no tool can undo an execution, a verification or a mint (the ledger and "
                "the chain are append-only; reconcile and the audit log show what happened).")
    if _HYPOTHETICAL.search(text):
        return (f"Nothing was run: you asked about {', '.join(dropped)} without asking me to do it. Ask "
                f"plainly (e.g. \"{dropped[0]} the plan\") when you want it done; writes that apply or mint "
                f"also wait for an authorised person's approval.")
    return f"As asked, I did not run {', '.join(dropped)}."
