"""Which tools a request asks for: each tool's cue per clause (``lexicon``), a write only when it is
asked for (a command, not a noun, a participle or a topic), more specific tools explaining away
others in the same clause, and the part of the request that belongs to each tool."""

from __future__ import annotations

import re

from copilot.agent.polarity import WRITE_TOOLS
from copilot.agent.understand import entities as ent
from copilot.agent.understand.lexicon import GENERIC_GO, REFERENCED_PLAN, REFERENCED_RUN, STRONG, WEAK

_PRICE = re.compile(r"(?:\$|usd\s*)?\d[\d.,]*\s*(?:\$|usd|dollars?)?\s*(?:/|per|a|an)\s*(?:metric\s+)?"
                    r"(?:tonnes?|tons?|t|kg)"
                    r"(?:\s*(?:of\s+)?co2e?)?\b")
_GOAL = re.compile(r"\b(?:cut|reduce|lower|decrease|minimi[sz]e|shrink|curb|bring down)\s+(?:our |the |fleet )?"
                   r"(?:emissions|carbon|co2e?|footprint)\b")
"""A goal ("... to cut emissions"), not a request for emission figures."""
_TOPIC = re.compile(r"\b(?:about|regarding|concerning) (?:the |our )?(?:minting|mints|execution|executing|verification"
                    r"|verifying|planning|simulation|simulating)\b(?!\s+[0-9a-f]{16})")
"""A write named as a topic ("what does the policy say about minting?")."""
_BACKGROUND = re.compile(r"^(?:after|once|since|as|because|given|now that|following|having)\b[^,;.\u2014]*[,;.\u2014]")
"""A leading clause that gives context ("after reviewing the evidence with compliance, ...")."""


def _cues_in(t: str) -> bool:
    return any(re.search(p, t) for p in STRONG.values())


def focus(t: str) -> str:
    """``t`` with what asks for no tool blanked out (same length): prices ("$80 per t co2" is an
    argument, not emissions) and a leading context clause ("after reviewing the evidence, mint X")."""
    t = _PRICE.sub(lambda m: " " * len(m.group(0)), t)
    t = _GOAL.sub(lambda m: " " * len(m.group(0)), t)
    t = _TOPIC.sub(lambda m: " " * len(m.group(0)), t)
    background = _BACKGROUND.match(t)
    if background and _cues_in(t[background.end():]):
        t = " " * background.end() + t[background.end():]
    return t


_CLAUSE_START = re.compile(r"[,.;:!?\u2014\u2013(]|\s-\s|\bthen\b|\band\b|\bbut\b|\bso\b")
_COMMAND_PREFIX = re.compile(
    r"(?:(?:ok|okay|so|alright|right|now|then|also|and|pls|please|kindly|just|quickly|go ahead and|let'?s|lets"
    r"|can you|could you|would you|will you|can we|could we|i want you to|i need you to|i'?d like(?: you)? to"
    r"|i would like(?: that)? you(?: to)?|i would like to|we need to|i want to|i need to|we want to|time to|you can"
    r"|help me|try to|first|next|finally|don'?t forget to|remember to|make sure to|be sure to|hey|hi|yes|yeah|sure"
    r"|great|thanks|cool|approved|fresh start|asap|now please|please also|also please|ok then|right then|go"
    r"|is (?:it )?possible (?:that you|to|for you to)|please to|after that|after)"
    r"\s*[,!]?\s*)*"
    r"(?:(?:make|create|draft|build|produce|prepare|come up with|put together|generate|give me|get me|do|run|need"
    r"|want|start|kick off|launch|trigger|fire off|compute|calculate|find|work out|spin up|set up|populate|load"
    r"|fill|re-?run|redo)\b\s*(?:(?:me|us|a|an|the|another|new|fresh|some|quick|full|complete|proper|greener"
    r"|cleaner|better|exact|greedy|optimal|week-long|\d+[- ]?days?|carbon-aware|updated|revised|second|ledger"
    r"|with|of|simulated|synthetic)\s+){0,4})?")
"""What may stand before a write tool's word in its clause for the clause to be a command ("please",
"can you", "go ahead and", "make a new ..."). A write word anywhere else is a noun or a topic ("the
rescheduled jobs", "how much did the simulation emit", "policy on minting") and runs nothing."""
_PASSIVE_COMMAND = re.compile(r"\b(?:needs?|has|have|must|should) (?:to )?be (executed|verified|minted|simulated"
                              r"|planned)\b(?! (?:yet|already))")
_PARTICIPLE_TOOL = {"exec": "execute", "veri": "verify", "mint": "mint", "simu": "simulate", "plan": "plan"}


_QUESTION_START = re.compile(r"^(?:what|which|how|why|when|where|who|whose|did|does|do|is|are|was|were|has"
                             r"|have(?! (?:the|it|them|someone|somebody)\b)|had|will|would|should)\b")
_READ_WORDS = re.compile(r"\b(?:emissions?|emit\w*|co2e?|carbon|footprint|forecast|intensity|summary|report|policy"
                         r"|balances?|tokens?|recommendations?|recs|evidence|totals?|show|list|display|tell|explain"
                         r"|kwh|energy|grid|history|log)\b")
_DEFINITE = re.compile(r"\b(?:the|this|that|these|those|its|their|our|my|your|each|every|any|no|last|latest"
                       r"|previous)$")
_CREATE = re.compile(r"\b(?:make|create|draft|build|produce|prepare|put together|generate|give|get|do|run|need|want"
                     r"|start|kick off|launch|trigger|compute|find|spin up|set up|populate|re-?run|redo|have)\b")


_PARTICIPLE = re.compile(r"(?:re-?)?(?:schedul|plann|execut|verifi|mint|simulat|optimi[sz]|appli|implement|tokeni[sz]"
                         r"|shift|deferr|issu|validat|attest)ed\b")
"""A write verb's past participle ("the rescheduled jobs", "minted"): it names a state, never a request."""


_NOT_THIS = re.compile(r"\b(?:not|no|instead of|rather than|don'?t (?:want|need)|without)\s+(?:the\s+|a\s+|any\s+)?$")
"""A read tool's word right after "not the" / "instead of" is what the user does not want."""


def _commanded(t: str, pos: int) -> bool:
    """Whether the write word at ``pos`` is asked for rather than talked about: it opens its clause
    after only politeness or a request frame ("please", "can you", "go ahead and", "make a new"), or
    stands in a short clause with no question word, no word about data to read and no definite
    article before it ("greedy plan, 7 days" asks; "the mint history", "emissions of the rescheduled
    jobs" and "how much did the simulation emit" talk about)."""
    starts = [m.end() for m in _CLAUSE_START.finditer(t, 0, pos)]
    prefix = t[starts[-1] if starts else 0:pos].strip()
    if _COMMAND_PREFIX.fullmatch(prefix) is not None:
        return True
    if _QUESTION_START.match(prefix) or _READ_WORDS.search(prefix) or len(prefix.split()) > 6:
        return False
    return not (_DEFINITE.search(prefix) and not _CREATE.search(prefix))


def find_cues(t: str) -> list[tuple[int, str]]:
    """(position, tool) of every tool a normalised request asks for, weak cues only where no strong
    cue of another tool is within the same clause."""
    t = focus(t)
    plan_free = REFERENCED_PLAN.sub(lambda m: " " * len(m.group(0)), t)
    run_free = REFERENCED_RUN.sub(lambda m: " " * len(m.group(0)), t)
    found: dict[str, int] = {}
    for tool, pattern in STRONG.items():
        text = plan_free if tool == "plan" else run_free if tool == "simulate" else t
        for m in re.finditer(pattern, text):
            if tool in WRITE_TOOLS and _PARTICIPLE.match(text, m.start()):
                continue  # "the rescheduled jobs", "minted": a past participle names a state, not a request
            if tool not in WRITE_TOOLS and _NOT_THIS.search(t[max(0, m.start() - 25):m.start()]):
                continue  # "not the forecast, I want the emissions"
            if tool not in WRITE_TOOLS or _commanded(t, m.start()):
                found[tool] = m.start()
                break
    for passive in _PASSIVE_COMMAND.finditer(t):  # "the plan needs to be executed"
        found.setdefault(_PARTICIPLE_TOOL[passive.group(1)[:4]], passive.start())
    for tool, pattern in WEAK.items():
        weak = re.search(pattern, t)
        if weak and tool not in found and not found:
            found[tool] = weak.start()
    return sorted((pos, tool) for tool, pos in found.items())


_STRONG_BREAK = re.compile(r"[;!?+]|,\s*and\s+(?:what|which|how|show|list|give|tell)\b|\.(?=\s|$)"
                           r"|,\s*(?:and\s+)?(?:then|plus|also)\b|\bthen\b|\bplus\b|\bas well as\b"
                           r"|\band also\b|\band the\b")
"""What separates two requests in one message (a plain "and" may join a verb and its object)."""


def _only_generic_go(t: str) -> bool:
    """Whether the only execute words in ``t`` are a generic "go ahead" / "do it"."""
    return bool(GENERIC_GO.search(t)) and not re.search(STRONG["execute"], GENERIC_GO.sub(" ", t))


def resolve(cues: list[tuple[int, str]], t: str) -> list[tuple[int, str]]:
    """Drop cues that a more specific tool in the same request explains ("apply the recommendations"
    is one execute; "the evidence ... before anyone approves minting" is one evidence). A cue
    separated from the explaining one by a full stop, "then" or "plus" is a request of its own."""
    t = focus(t)
    pos = {tool: p for p, tool in cues}
    tools = set(pos)
    stripped = REFERENCED_PLAN.sub(" ", t)
    has_id = bool(ent.hex_ids(t))
    explicit_emissions = re.search(r"\bemissions?\b|\bemit|\bfootprint\b|\btotals?\b|\baccount", t)
    explicit_forecast = re.search(r"\bforecast|\bpredict|\bday[- ]ahead\b|\boutlook\b|\bfcst\b", t)
    literal_plan = re.search(r"\b(?:re-?)?plan(?:s|ning)?\b|\bplanner\b|\boptimi[sz]", stripped)
    in_policy = bool(re.search(r"\b(?:in|of|from|under|per|by) (?:the |our |my )?(?:active |current )?(?:governance )?"
                               r"polic", t))
    listing = re.search(r"\b(?:show|list|see|display|which|what|view|give me|pull up)\b", t)
    rules: list[tuple[str, set[str], bool]] = [
        ("emissions", {"account"}, True),  # one emissions request: totals or a breakdown, by its arguments
        ("evidence", {"verify"}, "verify" not in tools or (has_id and not re.search(r"\bverif(?:y|ying)\b", t))),
        ("emissions", {"summary"},
         bool(re.search(r"\bregions?\b", t)) and not re.search(r"\bsummar|\breport|\brecap", t)),
        ("summary", {"emissions", "forecast"}, True),
        ("forecast", {"emissions"}, not re.search(r"\bemissions?\b|\bemit", t)),
        ("policy", {"plan"}, in_policy or not literal_plan),
        ("policy", {"forecast", "emissions", "balances"}, in_policy),
        ("recommendations", {"verify"}, bool(re.search(r"\bverified (?:recs|recommendations)\b", t))
         and not re.search(r"\bverif(?:y|ying)\b", t)),
        ("recommendations", {"plan"}, not re.search(r"\b(?:re-?)?plan(?:s|ning)?\b(?!\s+[0-9a-f]{6,16}\b)", stripped)),
        ("balances", {"emissions"}, True),
        ("evidence", {"emissions"}, not explicit_emissions),
        ("mint", {"emissions"}, not explicit_emissions),
        ("verify", {"emissions", "recommendations"}, not explicit_emissions and not listing),
        ("execute", {"emissions", "recommendations"}, not explicit_emissions and not listing),
        ("execute", {"plan"}, not literal_plan),
        ("plan", {"emissions"}, not explicit_emissions),
        ("mint", {"verify"}, not re.search(STRONG["verify"], t)),
        ("simulate", {"forecast", "emissions"}, not explicit_forecast and not explicit_emissions),
        ("plan", {"forecast"}, not explicit_forecast),
        ("recommendations", {"balances"}, True),
        ("recommendations", {"forecast"}, not explicit_forecast),  # "which jobs could move to a greener time"
        ("recommendations", {"policy"}, not re.search(r"\bpolic(?:y|ies)\b", t)),
        ("policy", {"mint", "execute"},
         bool(re.search(r"\bwho (?:can|may|is allowed to|are allowed to) approve\b|\bapprovers?\b", t))),
        ("evidence", {"mint"}, bool(re.search(r"\b(?:before|until|unless)\b.{0,30}\bmint", t))),
        ("mint", {"execute"}, _only_generic_go(t)),
        ("verify", {"execute"}, _only_generic_go(t)),
        ("plan", {"execute"}, _only_generic_go(t)),
        ("simulate", {"execute"}, _only_generic_go(t)),
        ("mint", {"evidence"}, not re.search(r"\bevidence\b|\bproof\b|\bwhat backs\b|\baudit trail\b"
                                             r"|\bwhat'?s behind\b", t)),
    ]
    drop: set[str] = set()
    for winner, losers, condition in rules:
        if winner not in tools or winner in drop or not condition:
            continue
        for loser in losers & tools:
            a, b = sorted((pos[winner], pos[loser]))
            apart = _STRONG_BREAK.search(t, a, b) or (winner == "emissions" and re.search(r"[,;]", t[a:b])) or (
                winner == "summary" and re.search(r"\band\b", t[a:b]))
            if not apart:
                drop.add(loser)
    return [(p, tool) for p, tool in cues if tool not in drop]


_SEGMENT_BREAK = re.compile(r"[,;:!?+]|\.(?=\s|$)|\s-\s|\bthen\b|\band\b|\bbut\b|\balso\b|\bplus\b")


def _cue_end(t: str, pos: int, tool: str) -> int:
    """Where the cue of ``tool`` found at ``pos`` ends."""
    for pattern in (STRONG.get(tool), WEAK.get(tool)):
        if pattern:
            m = re.compile(pattern).match(t, pos)
            if m:
                return m.end()
    return pos


def segments(t: str, cues: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """Each cue's tool with the part of the request that belongs to it: up to the last break before
    the next cue, or, without a break, up to the end of its own cue word (what follows it then
    qualifies the next tool: "no new plan - what were the rejected recs")."""
    if len(cues) == 1:
        return [(cues[0][1], t)]
    out = []
    start = 0
    for i, (pos, tool) in enumerate(cues):
        if i + 1 < len(cues):
            nxt = cues[i + 1][0]
            breaks = [m.start() for m in _SEGMENT_BREAK.finditer(t, pos, nxt)]
            end = breaks[-1] if breaks else max(_cue_end(t, pos, tool), pos + 1)
        else:
            end = len(t)
        out.append((tool, t[start:end]))
        start = end
    return out
