"""The document around a policy sentence: what people put before and after the constraint itself.

Policies are written as contracts, FAQs, e-mails, chat messages, wikis and flattened tables. The
constraint is the same; the framing differs. ``unframe`` removes (or rewrites) the framing so the
recognisers see the constraint alone, and never adds meaning of its own:

    section numbers      "4.2 Balanced jobs ..."  |  "§ 7 ..."                      -> dropped
    document labels      "TL;DR: ..."  |  "Summary: ..."  |  "Reminder: ..."         -> dropped
    greetings            "Hi all, ..."  |  "Hello team, ..."                         -> dropped
    requests             "Going forward, please make sure (that) ..."  |  "Please ensure that ..."
                         "From now on, ..."                                          -> dropped
    contract subjects    "The Provider shall ensure that X"  -> X
                         "The Provider shall|may|must ..."   -> "we shall|may|must ..."
    justification        "Because <reason>, X"               -> X
    references           "Rule 4 - X"  |  "Clause 7.2: X"  |  "Control GC-07: X"            -> X
    citations, purposes  "Under the Bank's outsourcing policy (EBA/GL/2019/02), X"  |  "Pursuant to Clause
                         7.2, X"  |  "In line with the ... directive, X"  |  "Notwithstanding clause 7.1, X"
                         "For the avoidance of doubt, X"  |  "To protect <something>, X"          -> X
                         (kept when the lead holds a condition, a negation or a number outside a citation)
    replacement          "The previous rule that ... is hereby withdrawn; X"  -> X  (X is the rule in force)
    in force from now    "..., from now on"  |  "..., going forward"        -> dropped
    emphasis             "..., no exceptions"  |  "..., full stop"  |  "..., period"  -> dropped
    questions            "Q: Can urgent jobs be moved? A: No."         -> "urgent jobs cannot be moved"
                         "Q: Where can ml jobs run? A: Only in DE."    -> "ml jobs can run only in DE"
                         "Q: How long can X be held? A: 6 hours, tops." -> "X can be held by at most 6 hours"
                         "Q: Who can approve mints? A: Ivan and Judy." -> "only Ivan and Judy can approve mints"
                         "Q: What is the power cap? A: 900 kW."        -> "the power cap is 900 kW"
                         any other question, or an answer that hedges ("Yes, but ...", "Usually"),
                         is left as it is (and so is not understood)
    table rows           "Team | Regions: data | eu-west-1"          -> "team data: eu-west-1"
                         "Category | Max deferral: balanced | 8 h"   -> "maximum deferral (balanced): 8 h"
                         "Budget | Period: 2 t | week"               -> "carbon budget: 2 t per week"
                         "Day | Window | Zone | Regions: Fri | 14:00-16:00 | UTC | GB"
                                                                     -> "blackout: every Fri 14:00-16:00 UTC in GB"
                         header and value cells must pair one to one and the header must be one of
                         these; any other table row is left as it is
"""

from __future__ import annotations

import re

__all__ = ["unframe"]

_RX = re.I | re.X
_SECTION = re.compile(r"^(?:§\s*)?\d{1,3}(?:\.\d{1,3})+\.?\s+(?=[A-Z](?:[a-z]|\s))|^§\s*\d{1,3}\.?\s+")
_LABEL = re.compile(r"""^(?:(?:tl\s*;\s*dr|tldr|summary|in\s+short|bottom\s+line|fyi|reminder|update|heads[- ]up|psa
                         |short\s+version|new\s+rule|note|important|just\s+to\s+be\s+clear|to\s+be\s+clear
                         |for\s+the\s+record|quick\s+note)\s*[:,-]\s*
                        |(?:fyi|ok\s+so|okay\s+so|so|pls|plz|please|btw|also|and)\s+(?=\w))""", _RX)
_REMARK = re.compile(r"""\s*,\s*(?:(?:legal|facilities|finance|compliance|security|the\s+board|management|ops|sre
                          |procurement|[a-z]+\s+team)\s+(?:has\s+|have\s+)?(?:signed\s+off(?:\s+on\s+(?:it|this|that))?
                          |confirmed(?:\s+(?:it|this|that))?|approved(?:\s+(?:it|this|that))?|agreed(?:\s+to\s+(?:it|this))?
                          |is\s+aware|knows))$""", _RX)
"""A trailing remark on who agreed to the rule ("..., legal signed off on it", "..., facilities confirmed")."""
_NO_CIRCUMSTANCES = re.compile(r"""^(?:under\s+no\s+circumstances|in\s+no\s+(?:case|event)|at\s+no\s+(?:time|point))
                                   \s*,?\s+(?P<mod>will|may|shall|can|must|should|is|are)\s+(?P<subj>.+?)\s+
                                   (?P<rest>be\s+.+)$""", _RX)
_GREETING = re.compile(r"^(?:hi|hello|hey|dear)\s+(?:all|everyone|everybody|team|folks|there|y'all|colleagues)"
                       r"\s*[,!:-]\s*", re.I)
_REQUEST = re.compile(r"""^(?:(?:going\s+forward|from\s+now\s+on|effective\s+immediately|as\s+of\s+today)\s*,?\s*)?
                          (?:please\s+)?(?:(?:make\s+sure|ensure|note|be\s+aware|remember)(?:\s+that)?\s+)?""", _RX)
_PARTY = r"(?:provider|service\s+provider|supplier|contractor|operator|vendor|licensee)"
_ENSURE = re.compile(rf"""^(?:the\s+{_PARTY}\s+(?:shall|must|will)\s+(?:ensure|procure|guarantee)
                          |(?:the|both)\s+parties\s+(?:hereby\s+)?(?:agree|acknowledge|confirm))\s+that\s+""", _RX)
_PARTY_SUBJECT = re.compile(rf"^the\s+{_PARTY}\s+(?=(?:shall|must|may|will|can)\b)", re.I)
_WITHDRAWN = re.compile(r"""^(?:the\s+)?(?:previous|earlier|former|old)\s+rule(?:\s+that\s+[^;]+?)?
                          \s+(?:is|has\s+been)\s+
                          (?:hereby\s+)?(?:withdrawn|revoked|rescinded|repealed)\s*;\s*(?=\S)""", _RX)
_BECAUSE = re.compile(r"^because\s+(?:[^,()]|\([^()]*\))+,\s*", re.I)
_REFERENCE = re.compile(r"""^(?:rule|clause|section|article|schedule|annex|appendix|requirement|control|item|point
                            |principle|provision|para(?:graph)?|§)\s*[a-z]{0,4}[-.]?\d[\w.()-]{0,10}
                            (?:\s*,\s*(?:item|point|para(?:graph)?|clause|section)\s*\d[\w.()-]{0,6})?
                            \s*(?::|\s-|\.(?=\s+[A-Z]))\s*""", _RX)
_NO_OTHERS = re.compile(r"\s+and\s+no\s+others?\s*(?=:)", re.I)
_NOTHING_ELSE = re.compile(r"""(?:\s*(?:[,;]\s*|\s-\s*)?(?:and\s+)?(?:(?:nothing|nowhere|no\s*one|nobody)\s+else
                               |no\s+others?
                               |no\s+other\s+(?:regions?|locations?|zones?|places?|people|persons|approvers?)
                                  (?:\s+(?:is|are)\s+(?:permitted|allowed|acceptable))?
                               |(?:they|it)\s+(?:do|does|may|must|shall|can|will)\s*(?:not|n't)\s+(?:run|go|be\s+\w+)
                                  \s+anywhere\s+else)
                             |\s*\((?:nothing|nowhere|no\s*one|nobody)\s+else\))$""", _RX)
"""A closing restatement that the list before it is exclusive ("..., and nowhere else", "(nothing else)"):
it is the restriction itself when the rest only permits, so it becomes "only"."""
_AUTHORITY = re.compile(r"""^(?P<lead>(?:under|as\s+per
                              |per\s+(?:the|our|its|their|section|clause|article|annex|schedule)
                              |pursuant\s+to|in\s+(?:line|accordance|keeping|compliance)\s+with|consistent\s+with
                              |notwithstanding|according\s+to|as\s+(?:required|mandated|set\s+out|specified)\s+(?:by|in)
                              |to\s+(?:comply\s+with|protect|safeguard|honou?r|respect|meet|satisfy)
                              |for\s+the\s+avoidance\s+of\s+doubt|for\s+clarity|to\s+be\s+clear
                              |with\s+reference\s+to|further\s+to|in\s+support\s+of)
                             \b(?:[^,;:()]|\([^()]*\))*?),\s+(?=\S)""", _RX)
_CITED = re.compile(r"\([^()]*\)|\b(?:clause|section|article|annex|schedule|rule|para(?:graph)?|§)\s*[\w.-]+", re.I)
_CHANGES_MEANING = re.compile(r"\b(?:if|when|whenever|unless|during|except|while|whilst|until|before|after|between|only"
                              r"|not|never|no|nor|without|excluding|draft|proposed|proposal|interim|provisional|pilot"
                              r"|trial|temporary|old|previous|former|superseded|future|planned|upcoming|new)\b|\d|n't\b",
                              re.I)


_DOCUMENT = re.compile(r"""\b(?:polic(?:y|ies)|standards?|directives?|regulations?|law|act|agreements?|contracts?
                           |framework|rules?|guidelines?|charter|terms|gdpr|section|clause|article|annex
                           |schedule|procedures?
                           |programme|program|pledge|commitments?|obligations?|requirements?|mandate|strategy|handbook
                           |manual|code|principles?|sla|dpa|msa|sow|appendix|exhibit|addendum)\b""", _RX)
_PURPOSE_LEAD = re.compile(r"^(?:to\s|for\s+the\s+avoidance|for\s+clarity|with\s+reference|further\s+to|in\s+support)",
                           re.I)


def _authority(text: str) -> str:
    """``text`` without a leading citation or purpose ("Under the Bank's outsourcing policy (EBA/GL/2019/02),",
    "Notwithstanding clause 7.1,", "To protect the batch window,"), kept when the lead could change the rule
    (a condition, a negation, a number outside a citation)."""
    m = _AUTHORITY.match(text)
    if not m or _CHANGES_MEANING.search(_CITED.sub(" ", m["lead"])):
        return text
    if not _PURPOSE_LEAD.match(m["lead"]) and not _DOCUMENT.search(m["lead"]):
        return text  # "Under normal load, ...": a condition, not a citation
    return text[m.end():]
_EMPHASIS = re.compile(r"""\s*(?:[,;]\s*|\s-\s*)?(?:no\s+exceptions|without\s+(?:any\s+)?exceptions?
                           |no\s+ifs\s+or\s+buts|that'?s\s+it|that'?s\s+(?:the\s+)?(?:full|whole|complete)\s+list
                           |whatever\s+(?:the|its|their)\s+(?:grid|weather|load|demand)(?:\s+is\s+doing|\s+says)?)$
                           |\s*(?:[,;.]|\s-)\s*(?:full\s+stop|period)$
                           |\s*,?\s*(?:from\s+now\s+on|going\s+forward|effective\s+immediately|with\s+immediate\s+effect)$""",
                       _RX)

# -- questions and answers ------------------------------------------------------------------------
_QA = re.compile(r"^(?:q\s*[:.]\s*)?(?P<q>[^?]+)\?\s*(?:a\s*[:.]\s*)?(?P<a>[^?]+)$", re.I)
_MOD = r"(?P<mod>can|may|must|should|will|could)"
_YES = re.compile(r"(?:yes|yep|yeah|correct)(?:\s*[,-]?\s*(?:always|they\s+can|it\s+can))?", re.I)
_NO = re.compile(r"(?:no|nope|never|not\s+ever)(?:\s*[,-]?\s*(?:never|not\s+ever|they\s+can(?:'t|not)|under\s+no"
                 r"\s+circumstances))?", re.I)
_YESNO_Q = re.compile(r"(?P<mod>can|may)\s+(?P<s>.+?)\s+(?P<v>be\s+.+)", re.I)
_WHERE_Q = re.compile(rf"where\s+{_MOD}\s+(?P<s>.+?)\s+(?P<v>run|be\s+run|be\s+placed|be\s+scheduled|execute|live)",
                      re.I)
_WHERE_A = re.compile(r"(?P<only>only|exclusively|just)?\s*(?:in\s+)?(?P<r>.+?)(?:\s+only)?", re.I)
_HOWLONG_Q = re.compile(rf"how\s+long\s+{_MOD}\s+(?P<s>.+?)\s+(?P<v>be\s+\w+(?:\s+(?:back|up))?|wait|slip)", re.I)
_HOWLONG_A = re.compile(r"(?:at\s+most\s+|up\s+to\s+|no\s+more\s+than\s+|max(?:imum)?\s+)?(?P<d>[\d.,]+\s*[a-z]+)"
                        r"(?:\s*,?\s*(?:tops|max(?:imum)?|at\s+most|at\s+the\s+most|no\s+more))?", re.I)
_WHO_Q = re.compile(rf"who\s+{_MOD}\s+(?P<v>approve|sign\s+off\s+on)\s+(?P<o>.+)", re.I)
_WHAT_Q = re.compile(r"what(?:'s|\s+is)\s+(?P<x>(?:the|our)\s+.+?)(?:\s+(?:we|you|the\s+fleet)\s+(?:can|may)\s+\w+)?",
                     re.I)
_WHAT_A = re.compile(r"(?P<v>.+?)(?:\s*,\s*(?:fleet-?wide|in\s+total|overall|across\s+the\s+(?:fleet|cluster)))?",
                     re.I)
_HEDGE = re.compile(r"\b(?:but|unless|except|if|when|usually|normally|mostly|depends|sometimes|roughly|about|around"
                    r"|approximately|maybe|probably|ideally|should|at\s+least|minimum)\b", re.I)


_NEGATIVE = re.compile(r"\b(?:not|never|no|nobody|none|no\s+one|anyone|everyone|anybody|everybody)\b|n't\b", re.I)


def _answer(question: str, answer: str) -> str | None:
    """The statement a question and its answer make together, None when they make none plainly."""
    if _HEDGE.search(answer):
        return None
    if m := _YESNO_Q.fullmatch(question):
        if _NO.fullmatch(answer):
            return f"{m['s']} cannot {m['v']}"
        if _YES.fullmatch(answer):
            return f"{m['s']} {m['mod'].lower()} {m['v']}"
        return None
    if (m := _WHO_Q.fullmatch(question)) and not _NEGATIVE.search(question):
        people = re.sub(r"^(?:only|just|solely)\s+|\s*,?\s*(?:and\s+)?(?:nobody|no\s+one)\s+else$", "", answer,
                        flags=re.I)
        return None if _NEGATIVE.search(people) else f"only {people} {m['mod'].lower()} {m['v']} {m['o']}"
    if _NEGATIVE.search(question) or _NEGATIVE.search(answer):
        return None  # "Where can't ml run? A: India", "Who may approve? A: Not Mallory": exclusions
    if (m := _WHERE_Q.fullmatch(question)) and (a := _WHERE_A.fullmatch(answer)):
        return f"{m['s']} {m['mod'].lower()} {m['v']} only in {a['r']}"
    if (m := _HOWLONG_Q.fullmatch(question)) and (a := _HOWLONG_A.fullmatch(answer)):
        return f"{m['s']} {m['mod'].lower()} {m['v']} by at most {a['d']}"

    if (m := _WHAT_Q.fullmatch(question)) and (a := _WHAT_A.fullmatch(answer)):
        return f"{m['x']} is {a['v']}"
    return None


# -- flattened table rows -------------------------------------------------------------------------
_ROW = re.compile(r"^(?P<h>[^|:]+(?:\|[^|:]+)+):\s*(?P<v>[^|]+(?:\|[^|]+)+)$")


def _cells(text: str) -> list[str]:
    return [c.strip() for c in text.split("|")]


def _key(header: str) -> str:
    h = header.lower().strip()
    for key, words in (("team", ("team", "teams")), ("regions", ("regions", "region", "allowed regions", "zones")),
                       ("category", ("category", "job category", "class")),
                       ("deferral", ("max deferral", "maximum deferral", "deferral", "max delay", "max wait")),
                       ("budget", ("budget", "carbon budget", "emissions budget")), ("period", ("period", "per")),
                       ("days", ("day", "days", "weekday", "weekdays")),
                       ("window", ("window", "time", "times", "hours")),
                       ("zone", ("zone", "time zone", "timezone", "tz"))):
        if h in words:
            return key
    return h


def _table_row(text: str) -> str | None:
    m = _ROW.fullmatch(text)
    if not m:
        return None
    heads, values = [_key(h) for h in _cells(m["h"])], _cells(m["v"])
    if len(heads) != len(values) or len(set(heads)) != len(heads) or not all(values):
        return None
    row = dict(zip(heads, values, strict=True))
    keys = set(row)
    if keys == {"team", "regions"}:
        return f"team {row['team']}: {row['regions']}"
    if keys == {"category", "deferral"}:
        return f"maximum deferral ({row['category']}): {row['deferral']}"
    if keys == {"budget", "period"}:
        return f"carbon budget: {row['budget']} per {row['period']}"
    if keys in ({"days", "window", "zone", "regions"}, {"days", "window", "zone"}):
        where = f" in {row['regions']}" if "regions" in row else ""
        return f"blackout: every {row['days']} {row['window']} {row['zone']}{where}"
    return None


def unframe(text: str) -> str:
    """``text`` without its document framing (see the module docstring); the same text when it has none."""
    previous = None
    while previous != text:
        previous = text
        qa = _QA.fullmatch(text)
        if qa:
            text = _answer(qa["q"].strip(), qa["a"].strip().rstrip(".!")) or text
        text = _table_row(text) or text
        for rx in (_SECTION, _REFERENCE, _LABEL, _GREETING, _ENSURE, _BECAUSE, _WITHDRAWN):
            text = rx.sub("", text)
        text = _authority(text)
        text = _REQUEST.sub("", text, count=1)
        text = _REMARK.sub("", text)
        text = _NO_OTHERS.sub(" only", text)  # "the following regions and no others: X" -> "... only: X"
        if _NOTHING_ELSE.search(text) and not re.search(r"\bonly\s*$", _NOTHING_ELSE.sub("", text), re.I):
            text = _NOTHING_ELSE.sub(" only", text)  # "may run in X and nowhere else" -> "may run in X only"
        else:
            text = _NOTHING_ELSE.sub("", text)
        inverted = _NO_CIRCUMSTANCES.match(text)  # "Under no circumstances will X be moved" -> "X will never be moved"
        if inverted:
            text = f"{inverted['subj']} {inverted['mod']} never {inverted['rest']}"
        text = _PARTY_SUBJECT.sub("we ", text)
        text = _EMPHASIS.sub("", text).strip()
    return text
