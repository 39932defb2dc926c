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
    "simulate": r"(?:re-?)?simulat|\bsims?\b|synthetic|generate|new fleet|fake|re-?seed",
    "plan": r"(?:re-?)?plan|schedul|optimi[sz]|reschedul|shift|placement|defer the batch",
    "execute": (r"execut|exec\b|(?<!-)apply|implement|roll(?:ing)? out|carry out|go ahead|run (?:the|it|them)|ship|push"
                r"|go live|enact|changeset|proceed"),
    "verify": r"verif|check (?:the )?savings|attest|validat|m&v",
    "mint": r"mint|tokeni[sz]|issue|credits?\b|on[- ]chain|kgco2esave|kwhsave",
}
_NEGATION = re.compile(
    r"\b(?:don'?t|do not|does not|doesn'?t|never|no need to|not|without|hold off|stop|skip|avoid|refrain"
    r"|cancel|instead of|rather than|nothing|no|hold (?:off|on|back|the)|postpone|pause|delay|wait with"
    r"|\w+n't|\w+nt(?= \w+ing\b))\b", re.I)
_NOT_A_NEGATION = re.compile(r"\b(?:don'?t|do not) (?:forget|hesitate|wait)\b|\bnot sure\b|\bno later than\b", re.I)
_HYPOTHETICAL = re.compile(
    r"\b(?:should (?:we|i)|shall we|would|what if|what happens|hypothetical(?:ly)?|suppose|imagine"
    r"|is it (?:safe|worth|ok|okay|wise|a good idea)|are we ready|can (?:i|we) undo|could we|eventually|some ?day"
    r"|at some point|in the future|down the road|later"
    r"|what is an?|what's an?|what does(?!.*\b(?:recommend|say|show|propose|contain|suggest|include|list|cover"
    r"|allow)\b)|what do (?:i|we) (?:need|have) to|how does"
    r"|how do(?:es)? .* work"
    r"|how was|how were|why"
    r"|explain|tell me about|do we need to|(?:if|whether) (?:we|i|you) should|not sure (?:if|whether|about)"
    r"|wondering (?:if|whether)|thinking about|considering|do (?:i|we) (?:need|have) to|can it be"
    r"|suppose|supposing|imagine|say we)\b|\bif (?:i|we)\b[^.!]*\?", re.I)
_SUBORDINATE = re.compile(
    r"\b(?:before|until|unless|in case)\b.*?(?=$|[,;:\u2014\u2013]|\s-\s|\b(?:can|could|would) you\b|\bplease\b"
    r"|\b(?:i|we) need\b)", re.I)
"""The part of a clause that sets a condition or an order of events ("before anyone approves minting")."""
_POLITE = re.compile(r"\b(?:i|we) would (?:like|love|appreciate)|\b(?:i|we)'d (?:like|love|appreciate)"
                     r"|\bwould you\b|\bwould be (?:great|good|nice|helpful)\b", re.I)
"""Politeness that uses "would" without asking a hypothetical ("I would like you to plan ...")."""


_READ_QUESTION = re.compile(r"\bwhat (?:does|do) (?:the |our |this )?(?:active |current |governance )*"
                            r"(?:policy|policies"
                            r"|rules?|constraints?|document)\b", re.I)
"""Asking what a document says is a read ("what does our policy say about minting?")."""


def _hypothetical(text: str) -> bool:
    return bool(_HYPOTHETICAL.search(_READ_QUESTION.sub(" ", _POLITE.sub(" ", text))))
_UNDO = re.compile(r"\b(?:undo|revert|roll ?back|reverse|delete|remove|unmint|un-mint|erase|wipe)\b", re.I)
_CLAUSES = re.compile(r"[.;!?,]|\b(?:but|just|then|only|instead)\b", re.I)


def forbidden_writes(text: str) -> set[str]:
    """The write tools ``text`` must not run (empty: any the request asks for may run)."""
    if _hypothetical(text) or _UNDO.search(text):
        return set(WRITE_TOOLS)
    out: set[str] = set()
    for clause in _CLAUSES.split(text):
        if not clause:
            continue
        for span in _SUBORDINATE.finditer(clause):  # "before anyone approves minting": not a request to mint
            out |= {tool for tool, words in _WRITE_WORDS.items() if re.search(rf"\b(?:{words})", span.group(0), re.I)}
        clause = _NOT_A_NEGATION.sub(" ", _SUBORDINATE.sub(" ", clause))
        if not _NEGATION.search(clause):
            continue
        named = _negated_writes(clause)
        if named:
            out |= named
        elif re.search(r"\b(?:anything|any changes?|a thing)\b", clause, re.I) and not any(
                re.search(rf"\b(?:{words})", clause, re.I) for words in _WRITE_WORDS.values()):
            out |= set(WRITE_TOOLS)  # "don't change anything"
    return out


_NEGATED_PASSIVE = re.compile(r"\b(?:nothing|no \w+)\s+(?:should|must|may|can|will)\s+(?:be\s+)?$", re.I)


def _negated_writes(clause: str) -> set[str]:
    """Write tools a negation in ``clause`` governs: the negation comes at most four words before
    the tool's word ("don't make a new plan", "no need to simulate"), or the word is followed by a
    negated passive ("nothing should be executed"). "Plan with no carbon price" negates the price."""
    out: set[str] = set()
    for tool, words in _WRITE_WORDS.items():
        for m in re.finditer(rf"\b(?:{words})\w*", clause, re.I):
            before = clause[:m.start()]
            negated_before = _NEGATION.search(" ".join(before.split()[-5:]))
            negated_after = re.match(r"\s+(?:nothing|not|no)\b", clause[m.end():], re.I)
            passive = _NEGATED_PASSIVE.search(before)
            if negated_before or negated_after or passive:
                out.add(tool)
    return out


def named_writes(text: str) -> set[str]:
    """The write tools whose words appear in ``text`` (as verbs or nouns: "the plan", "minting")."""
    out: set[str] = set()
    for tool, words in _WRITE_WORDS.items():
        for m in re.finditer(rf"\b(?:{words})\w*", text, re.I):
            if not m.group(0).lower().endswith("ed"):  # "how was it verified?" asks about a record
                out.add(tool)
    return out


def is_hypothetical(text: str) -> bool:
    """Whether ``text`` asks about an action (or to undo one) rather than asking for it."""
    return bool(_hypothetical(text) or _UNDO.search(text))


def without_hypothetical(text: str) -> str:
    """``text`` without its sentences that ask about an action ("not sure if we should execute. What
    are the recommendations?" -> "What are the recommendations?")."""
    sentences = re.split(r"(?<=[.?!])\s+", text.strip())
    return " ".join(s for s in sentences if s and not is_hypothetical(s))


def without_negated(text: str) -> str:
    """``text`` without its negated clauses ("don't plan anything, just tell me the emissions" ->
    "tell me the emissions"): what is left to do once the refusals are honoured."""
    kept = [c.strip() for c in _CLAUSES.split(text)
            if c and c.strip() and not _NEGATION.search(_NOT_A_NEGATION.sub(" ", c))]
    return " ".join(kept)


WHAT_IT_DOES = {
    "simulate": "Simulate stores a new synthetic fleet (jobs, grid, prices, telemetry) in the ledger; nothing "
                "already stored changes.",
    "plan": "Plan stores new recommendations under the active policy; nothing runs until they are executed.",
    "execute": "Execute approves and applies a plan's proposed recommendations in the simulator; each job is "
               "executed once, and an execution cannot be undone.",
    "verify": "Verify recomputes each executed recommendation's saving on realised data against the schedule as "
              "submitted; it can be run again later and stores each saving once.",
    "mint": "Mint issues the verified lower bound of one verification as tokens after the required approvals; "
            "a mint cannot be reversed, only retired.",
}
"""What each write does, for answers to questions about it (no figures)."""
_EXAMPLE = {"simulate": "simulate 30 days", "plan": "plan the next 3 days", "execute": "execute the latest plan",
            "verify": "verify the latest plan", "mint": "mint verification <id>"}


def declined(text: str, dropped: list[str]) -> str:
    """What the copilot says when it ran no write tool because of the request's polarity."""
    if _UNDO.search(text):
        return ("Nothing was run: no tool can undo an execution, a verification or a mint (the ledger and "
                "the chain are append-only; reconcile and the audit log show what happened).")
    if _hypothetical(text):
        tools = [d for d in dropped if d in WRITE_TOOLS]
        if not tools:
            return ("Nothing was run: that asks what a change would do, and I only report what the tools "
                    "computed. Ask me to plan (with the setting you want) when you want the figures.")
        what = " ".join(WHAT_IT_DOES[t] for t in tools)
        return (f"Nothing was run: you asked about {', '.join(tools)} without asking me to do it. {what} Ask "
                f"plainly (e.g. \"{_EXAMPLE[tools[0]]}\") when you want it done; writes that apply or mint "
                f"also wait for an authorised person's approval.")
    return f"As asked, I did not run {', '.join(dropped)}."
