"""Who may approve mints, and how many of them must (the two-person rule).

    approvers   Only alice and bob may approve mints.  |  Mint approvers: carol@example.com.
                Authorised mint approvers: alice, bob, carol.  |  Mints must be approved by alice or bob.
                Mints may be approved by carol@example.com or dave@example.com.
                Mint approval rights are held by frank@example.com and grace@example.com.
    quorum      Mints above 500 kWh need two approvers.  |  Every mint must be approved by at least two people.
                A four-eyes rule applies to mints exceeding 250 kgCO2e.  |  Mints larger than 10,000 kWh
                need four separate approvals.  (2-5 people; threshold in kWh, MWh, kg or t CO2e)

Both lists are allow-lists: a sentence that forbids someone ("Mallory must never approve mints")
matches neither and is reported, never turned into an approver. Names are read by
``mint_slots.people`` (a role beside a person is dropped: "Helen Marsh (QA Director)" is Helen
Marsh; a role or group alone is refused); sentences no phrasing here matches are read by their
parts in ``mint_slots``.
"""

from __future__ import annotations

import re

from copilot.policy.grammar import Recogniser, rx
from copilot.policy.mint_slots import APPROVERS_THEM, people, quorum_value
from copilot.policy.mint_slots import read as read_by_parts
from copilot.policy.values import NUM, Interpretation, PolicyItem, SentenceError, one
from copilot.policy.vocab import KNOWN_TEAMS

__all__ = ["MINTS", "PEOPLE"]

PEOPLE = (r"(?P<k>\d|two|three|four|five|both)\s+(?:different\s+|distinct\s+|separate\s+)?"
          r"(?:approvers?|approvals|people|persons|signatures|sign[- ]?offs|admins|reviewers"
          r"|(?P<them>of\s+(?:them|these|those)(?:\s+people)?))")
_QUANT = rf"(?P<n>{NUM})\s*(?P<u>kwh|mwh|gwh|kgco2e?|kg\s*co2e?|kg|t\s*co2e?|tco2e?|tonnes?(?:\s+(?:of\s+)?co2e?)?)\b"
_ABOVE = (r"(?:above|over|exceeding|larger\s+than|greater\s+than|more\s+than|bigger\s+than|of\s+more\s+than"
          r"|in\s+excess\s+of|>)")
_JOINTLY = re.compile(r"\s*,?\s*\b(?:together|jointly|both|all\s+together|in\s+agreement)\b\s*", re.I)
_BOTH_LEAD = re.compile(r"^\s*(?:both|all\s+of|each\s+of)\s+", re.I)
_MINTS = r"(?:token\s+)?(?:mints?|minting|mint\s+requests?|token\s+mints|the\s+minting\s+of\s+tokens)"


def quorum(m: re.Match[str]) -> Interpretation:
    """A MintQuorum (JSON form) from a match with ``k`` people and an optional ``n`` ``u`` threshold
    ("two-person rule", "four-eyes principle": no ``k``, two people)."""
    fields = m.groupdict()
    value = quorum_value(m["k"], fields.get("n"), fields.get("u"))
    warnings = (APPROVERS_THEM,) if fields.get("them") else ()
    return one("mint_quorum", value, None, *warnings)


_ALL_OF_THEM = re.compile(rf"""\s*,\s*with\s+(?:any|every|each|all)\s+{_MINTS}\s+{_ABOVE}\s+{_QUANT}\s+
    (?:needing|requiring|to\s+need|to\s+require)\s+(?:the\s+)?(?:sign[- ]?off|approval|signatures?)\s+(?:from|of|by)\s+
    (?:all\s+(?P<k>two|three|four|five|\d)(?:\s+of\s+them)?|(?P<both>both)(?:\s+of\s+them)?)\s*\.?$""", re.I | re.X)


_BOTH_MUST = re.compile(r"""\b(?:must|shall|will|needs?\s+to|has\s+to|have\s+to|is\s+to|are\s+to)\s+be\s+
                           (?:approved|countersigned|signed(?:\s+off)?)\s+by\b(?!\s+(?:one|1|any|either)\s+of)""",
                        re.I | re.X)
"""An obligation on an and-list without 'only' ('must be approved by alice and bob'): both, or either?"""


def _approvers(m: re.Match[str]) -> Interpretation:
    """The list (and any quorum it carries); when the phrasing's list cannot be read, the sentence read by
    its parts ('Mints must be approved by marta or yusuf, nobody else': the tail is not a name)."""
    try:
        return _listed(m)
    except SentenceError:
        by_parts = read_by_parts(m.string, KNOWN_TEAMS)
        if by_parts is None:
            raise
        return by_parts


def _listed(m: re.Match[str]) -> Interpretation:
    raw = m["names"]
    every = _ALL_OF_THEM.search(raw)
    if every:  # "..., with any mint above 300 kgCO2e needing sign-off from all three": the list and a quorum
        names = people(raw[:every.start()])
        need = quorum(every).items[0].value
        if need["approvers"] != len(names):
            raise SentenceError(f"asks for all {need['approvers']} approvers but names {len(names)}")
        return Interpretation((PolicyItem("mint_approvers", names), PolicyItem("mint_quorum", need)),
                              (f"read as: mints above the threshold need all {len(names)} listed people",))
    counted = re.fullmatch(rf"(?:at\s+least\s+|(?:no|not)\s+fewer\s+than\s+|a\s+minimum\s+of\s+)?{PEOPLE}\W*",
                           raw.strip(), re.I)
    if counted:  # "... must be approved by two people": a count, not names
        return quorum(counted)
    some = re.fullmatch(r"(?:at\s+least\s+)?(?P<k>\d|two|three|four|five)\s+of\s+"
                        r"(?:the\s+following|these(?:\s+people)?)\s*:?\s*(?P<names>.+)", raw.strip(), re.I)
    if some:  # "two of the following: ivan, judy, karl": the list and how many of them
        names = people(some["names"])
        k = quorum(some).items[0].value["approvers"]
        if k > len(names):
            raise SentenceError(f"asks for {k} approvers but names only {len(names)}")
        return Interpretation((PolicyItem("mint_approvers", names), PolicyItem("mint_quorum", {"approvers": k})),
                              (f"read as: any {k} of the {len(names)} listed people must approve each mint",))
    jointly = bool(_JOINTLY.search(raw) or _BOTH_LEAD.search(raw))
    names = people(_BOTH_LEAD.sub("", _JOINTLY.sub(" ", raw)).strip())
    if jointly:
        if len(names) < 2:
            raise SentenceError("says approvers act together but names fewer than two people")
        return Interpretation((PolicyItem("mint_approvers", names),
                               PolicyItem("mint_quorum", {"approvers": min(len(names), 5)})),
                              (f"read as: every mint needs all {len(names)} listed people to approve",))
    if re.search(r"\band\b", raw) and _BOTH_MUST.search(m.string):
        raise SentenceError("'must be approved by A and B' may mean that both must approve; write 'by A or B' "
                            "(either), 'only by A and B', or 'jointly by A and B'", "unrecognised")
    if re.search(r"\band\b", raw) and "approved by" in m.string.lower():
        return one("mint_approvers", names, None,
                   "read as: any one of the listed people may approve a mint (write 'together' or "
                   "'two approvers' for a two-person rule)")
    return one("mint_approvers", names)


def _two_thresholds(m: re.Match[str]) -> Interpretation:
    raise SentenceError("a quorum rule holds one threshold, and this one gives two joined by 'or' "
                        f"({m['first'].strip()} / {m['second'].strip()}); state one threshold", "unrecognised")


_QUANT2 = _QUANT.replace("?P<n>", "?:").replace("?P<u>", "?:")
MINTS: tuple[Recogniser, ...] = (
    Recogniser("two-person rule for mints", rx(
        rf"""(?:every\s+|each\s+|any\s+|all\s+|a\s+)?{_MINTS}\s+(?P<first>{_ABOVE}\s+{_QUANT2})\s+(?:or|and\s+/?\s*or)\s+
             (?P<second>(?:{_ABOVE}\s+)?{_QUANT2})\s+.+""",
    ), _two_thresholds),
    Recogniser("mint approvers", rx(
        rf"""only\s+(?P<names>.+?)\s+(?:(?:may|can|shall|(?:is|are)\s+(?:allowed|permitted|authori[sz]ed|entitled)\s+to)\s+)?
            (?:approve|sign\s+off(?:\s+on)?)\s+(?:a\s+|any\s+|the\s+)?{_MINTS}""",
        r"""(?:(?:the\s+)?approval\s+of\s+(?:token\s+)?mints\s+is|(?:token\s+)?mint\s+approvals?\s+(?:are|is))\s+
            (?:restricted|limited|reserved)\s+(?:to|for)\s+(?P<names>.+)""",
        rf"""{_MINTS}\s*:\s*only\s+(?P<names>.+?)\s+(?:may|can|shall|(?:is|are)\s+(?:allowed|permitted|authori[sz]ed)\s+to)
            \s+(?:approve|sign\s+off)(?:\s+(?:them|it))?""",
        r"""(?:the\s+)?(?:(?:authori[sz]ed|designated|permitted|allowed)\s+)?(?:token\s+)?mint(?:ing)?\s+approvers?
            (?:\s*[:=]\s*|\s+(?:is|are)\s+(?:only\s+)?(?:(?:limited|restricted)\s+to\s+)?
            (?:the\s+following(?:\s+(?:people|persons|officers|individuals|users))?\s*:\s*)?)(?P<names>.+)""",
        rf"""(?:every\s+|each\s+|any\s+|all\s+)?{_MINTS}\s+
            (?:(?:must|shall|needs?\s+to|has\s+to|have\s+to|may\s+only|can\s+only|may|can)\s+(?:only\s+)?be|is|are)\s+
            (?:approved|countersigned|signed\s+off)\s+(?:only\s+|exclusively\s+|solely\s+)?by\s+
            (?:(?:one|1|any)\s+of\s+(?:the\s+following(?:\s+named)?(?:\s+(?:people|persons|officers|approvers|individuals))?
            \s*:\s*)?)?(?P<names>.+)""",
        r"""(?:the\s+)?(?:token\s+)?mint(?:ing)?\s+approval\s+(?:rights?|authority|permissions?|powers?)\s+(?:are|is)\s+
            (?:held\s+by|granted\s+to|limited\s+to|reserved\s+(?:for|to)|restricted\s+to)\s+(?:only\s+)?(?P<names>.+)""",
        r"""(?:token\s+)?mint\s+approvals?\s+(?:may|can|must|shall)\s+only\s+be\s+(?:given|granted|made|signed)\s+
            by\s+(?P<names>.+)""",
        r"""(?:the\s+)?approvers?\s+(?:(?:for|of)\s+(?:token\s+)?mints?|\(\s*(?:token\s+)?mint(?:s|ing)?\s*\))
            \s*(?::|(?:is|are)\s+(?:(?:limited|restricted)\s+to\s+)?
            (?:the\s+following(?:\s+(?:people|persons|officers|individuals|users))?\s*:\s*)?)\s*(?P<names>.+)""",
        rf"""only\s+the\s+following\s+(?:people|persons|users|officers|individuals|approvers|staff(?:\s+members)?)\s+
            (?:may|can)\s+approve\s+{_MINTS}\s*:\s*(?P<names>.+)""",
        r"""(?P<names>.+?)\s+(?:is|are)\s+the\s+only\s+(?:(?:token\s+)?mint\s+approvers|(?:people|persons|users)\s+
            (?:who|that)\s+(?:may|can)\s+approve\s+(?:token\s+)?mints)""",
    ), _approvers, re.compile(r"approv|\bmint", re.I), "Only alice and bob may approve mints."),
    Recogniser("two-person rule for mints", rx(
        rf"""(?:every\s+|each\s+|any\s+|all\s+|a\s+)?{_MINTS}(?:\s+{_ABOVE}\s+{_QUANT})?
             \s+(?:must\s+be\s+approved\s+by|must\s+have|must\s+get|needs?|requires?|shall\s+need|shall\s+require
                |(?:needs?|requires?|must\s+have)\s+(?:the\s+)?(?:approval|sign[- ]?off)\s+(?:of|from|by))\s+
             (?:(?:the\s+)?approvals?\s+(?:of|from|by)\s+)?(?:at\s+least\s+)?{PEOPLE}""",
        rf"""(?:an?\s+|the\s+)?quorum\s+of\s+(?:at\s+least\s+)?{PEOPLE}\s+(?:is|shall\s+be|must\s+be|will\s+be)\s+
             (?:required|needed)\s+(?:for|on)\s+(?:every\s+|each\s+|any\s+|all\s+|a\s+)?{_MINTS}(?:\s+{_ABOVE}\s+{_QUANT})?""",
        rf"""(?:anything|any\s+one)\s+{_ABOVE}\s+{_QUANT}\s+(?:needs?|requires?|must\s+have)\s+(?:at\s+least\s+)?{PEOPLE}""",
        rf"""(?:every\s+|each\s+|any\s+|all\s+)?{_MINTS}(?:\s+{_ABOVE}\s+{_QUANT})?\s+(?:shall|must|will)\s+be\s+
             (?:countersigned|co-signed|dual[- ]approved)\s*[:;,]\s*
             (?:at\s+least\s+)?{PEOPLE}\s+(?:are|is)\s+(?:required|needed)""",
        rf"""(?:at\s+least\s+)?{PEOPLE}\s+(?:are|is)\s+(?:required|needed)\s+(?:for|to\s+approve)\s+
             (?:every\s+|each\s+|any\s+|all\s+|a\s+)?{_MINTS}(?:\s+{_ABOVE}\s+{_QUANT})?""",
        rf"""for\s+(?:every\s+|each\s+|any\s+|all\s+)?{_MINTS}\s+{_ABOVE}\s+{_QUANT}\s*,\s*(?:at\s+least\s+)?{PEOPLE}\s+
             (?:are|is)\s+(?:required|needed)""",
        rf"""(?:dual|double|two-person|two-party)\s+(?:approval|sign[- ]?off|control)\s+(?:is\s+)?
             (?:required|needed|applies)\s+
             (?:for|to)\s+(?:all\s+|every\s+|any\s+|each\s+)?{_MINTS}(?:\s+{_ABOVE}\s+{_QUANT})?(?P<k>)""",
        rf"""(?:the\s+)?mint(?:ing)?\s+quorum\s*(?::|\s-|\s+is)\s*(?:at\s+least\s+)?{PEOPLE}
             (?:\s+(?:for|on)\s+(?:all\s+|every\s+|each\s+|any\s+)?{_MINTS}(?:\s+{_ABOVE}\s+{_QUANT})?)?""",
        rf"""(?:(?:large|big)\s+)?{_MINTS}\s*\(\s*{_ABOVE}\s+{_QUANT}\s*\)\s+(?:requires?|needs?|must\s+have)\s+
             (?:dual|double|two-person|two-party)\s+(?:approval|sign[- ]?off|control)(?P<k>)""",
        rf"""(?:a\s+|the\s+)?(?:two|four|2|4)[- ](?:person|eyes|man)\s+(?:rule|principle|approval|check)\s+
             (?:applies\s+to|for|on)\s+
             (?:every\s+|all\s+|each\s+|any\s+)?{_MINTS}(?:\s+{_ABOVE}\s+{_QUANT})?(?P<k>)""",
    ), quorum, re.compile(r"approv|\bmint|two[- ]person|four[- ]eyes", re.I),
        "Mints above 500 kWh need two approvers."),
)
