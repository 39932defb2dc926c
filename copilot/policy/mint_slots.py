"""Who may approve mints, and how many must, read by their parts (after the whole-sentence phrasings).

A mint-approvers rule has four parts whatever the word order: the act (approving, signing off,
OK-ing, countersigning or authorising a mint; "mint approval(s)", "approving a mint", "mint
authority", "the minting of savings tokens"), a modality, an exclusivity marker ("only", "solely",
"exclusively", "sole", "reserved to", "rests with", "designated", "the following", "no one else",
"no one other than", "are the only") and a list of people. The list is read by ``people``: e-mail
addresses, lower-case handles and full names (accents, apostrophes, particles: "Tomás", "O'Neill",
"van der Berg"); a role attached to a person is dropped and the person kept ("Helen Marsh (QA
Director)", "the CFO, Priya Raman,", "Chen Wei, General Counsel", "Dana Kim (FinOps)", "the COO
(coo@x.example)"); a role or a group with no name ("the CFO", "finance", "admins") is not a person
and the sentence is refused. The clause frames (LIST stands for the list):

    only LIST may approve mints  |  no one other than LIST may approve a mint  |  LIST alone can OK mints
    LIST may sign off on mints, nobody else  |  LIST are authorised to approve mints; no one else is
    (only) the following people may approve mints: LIST  |  only LIST have mint approval rights
    mint approval is reserved to LIST  |  approving a mint is restricted to LIST
    mint authority rests exclusively with LIST  |  approval of mints is the sole responsibility of LIST
    mint approval rights are held solely by LIST  |  mints may only be signed off by LIST
    mints must be approved by LIST (an or-list, or 'one of')  |  mints require the signature of LIST
    mint approvals may be granted exclusively by (the following persons:) LIST
    the only people who can OK a mint are LIST  |  mint approvers: LIST  |  mint approvals - LIST, nobody else
    LIST is the sole approver for mints  |  LIST are the designated mint approvers  |  who can approve mints? LIST
    no mint may be approved by anyone except LIST  |  mints must not be signed off by anybody other than LIST
    no person/employee/officer other than LIST may approve mints
    ... limited to the three stewards: LIST  |  ... only by the Bank's designated approvers, namely LIST
    mint approval authority: a@x; b@x; c@x (a labelled list may be cut by semicolons)
    mint approvals are handled exclusively by LIST  |  approval authority belongs solely to LIST
    sign-off on any mint must come from LIST (an or-list, as 'must be approved by')
                                                                                    -> ``mint_approvers``

A label before the list ('the 3 infrastructure stewards:', 'our approvers, i.e.', 'the Customer's designated
approvers, namely') is dropped; a count it gives must be the list's length. '..., that's the full list' and
'full stop' mark exclusivity like 'nobody else'. A trailing remark after a comma, a dash or in a parenthesis that the
sentence reads only without (', fyi', ' - see the wiki', ', as per the charter') is dropped when it begins as a
remark does (as, per, for, to, see, because ...) and holds no meaning-changer, name, role, group, team, region,
part of the fleet, mint word or number (', dave smith' may be a person and refuses); a memo's opener ('Per policy,',
'FYI:', 'For the record:') and emphasis ('ever', 'whatsoever', 'at all times') are dropped. A trailing 'on behalf of the
City/the Bank' is dropped; acting for
a team, a group, an office or a site ('on behalf of the ml team') scopes the rule and is refused.

A quorum rule has a count and, optionally, one threshold:

    count      N different/distinct/separate/authorised people, approvers, approvals, signatures, sign-offs,
               signatories, representatives, officers (N = 2..5; "at least", "no fewer than", "a minimum
               of"); dual / double / two-person / two-man / four-eyes approval, sign-off or rule
    threshold  above | over | exceeding | in excess of | larger/greater/more than | > | >= with kWh, MWh
               (x 1000 kWh), GWh, kgCO2e, t CO2e (x 1000 kg); "whenever/where the mint exceeds ..."
    e.g.       Any mint in excess of 5 MWh shall require approval by no fewer than 4 distinct representatives.
               mints > 2 MWh: dual sign-off.  |  Two-person approval is mandatory for any mint over 750 kg CO2e.
               A mint larger than 1,500 kWh is valid only once 5 different people have approved it.
               No mint over 500 kWh may be issued without two approvals.
               Each and every mint, regardless of size, shall bear the signatures of 3 approvers.
    only with  a mint can only go through / only be issued with N approvals
    label      mint quorum: N  |  minimum approvers per mint: N
    negated    no mint ... may be issued / may proceed / is valid / becomes final without | until | unless | before
               N people (have approved it)  |  no mint ... shall be approved by (or with) fewer than N approvers
               (= at least N)
    restated   'whatever / no matter its size', 'of any size', 'large or small' (every mint); 'N approvals from
               different people', 'N sets/pairs of eyes', 'N ppl'; ', not the same person twice', '(can't be the
               same person twice)' and a parenthesis that says the same count again ('(two different people)') are
               dropped; a parenthesis with another count refuses
    thresholds may name what is minted: 'more than 5 MWh of verified savings'
                                                                                    -> ``mint_quorum``

Outside the count and the threshold, a word of a MEANING-CHANGER class (``_Q_CHANGERS``: negations, conditions,
exceptions, wishes, plans, the past, today; a maximum or another count, 'one of whom', 'and'/'or', additions; a
vague size 'large'; times; parts of the fleet and teams), a role, a group, a team or a capitalised name refuses;
every other word is neutral ('as a safeguard', 'before it hits the ledger'). One word must make it a
requirement ("requires", "needs", "must", "shall", "mandatory", "subject to", "applies", "valid only
once") ("Every mint gets two approvals" describes, it does not require). A
requester exclusion ("..., none of whom may be the requester") is dropped with a warning: the policy
holds the count only.
A list and a quorum that refers to it ("Only A, B and C may approve mints; where a mint exceeds
750 kgCO2e, two of them must approve"; "..., with any mint above 2 MWh needing sign-off from all
three") set both fields when the count fits the list.

Refused (None: the sentence is reported as not understood): questions without their answer, soft
wishes, conditions ("if alice is away", "when", "unless"), proposals and plans (also in a note beside a name:
"bob (TBD)", "(to be confirmed)", "(pending)", "(from March)"), the past ("needed two approvers": a participle
before the count; "two approvers (are) required" is the rule) and
descriptions of today, additions ("may also approve", "too", "as well"), negations and exclusions
("Mallory must never approve"), permissions without exclusivity ("alice may approve mints"), an
and-list that must approve ("must be approved by alice and bob": both? either?), groups and roles
without names, "@handles", a name with its address ("Priya Raman (priya@x)": which one to keep?), a
count outside 2..5 or with "at most"/"up to", two thresholds, other numbers, a count with names that
are not an approvers list of their own ("need two approvers: ana and bo"), and a quorum that counts
more people than its list names.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from copilot.policy.grammar import vocabulary
from copilot.policy.values import NUM, Interpretation, PolicyItem, SentenceError, number, regions_mentioned

__all__ = ["APPROVERS_THEM", "people", "quorum_value", "read"]

_RX = re.I | re.X
APPROVERS_THEM = "read 'of them' as people named in the same sentence"
"""The warning a quorum that counts people named elsewhere in its sentence carries (the parser checks it)."""

# -- the people in a list --------------------------------------------------------------------------


_STOP = vocabulary("""only solely exclusively alone the a an may can must shall will should would could might approve
    approves approved approval approvals approver approvers approving mint mints minting sign signs signed off ok
    nobody no one else other than not never all any anyone everyone anybody everybody someone somebody each every
    both either neither nor also too who whom which that is are be if when whenever unless except until and or
    with by to for of in on at from but following people persons person users user members member staff team
    teams group groups everyone none nor backup backups deputy deputies alternate alternates substitute
    substitutes delegate delegates temporarily temporary interim plus them they these those us we our you
    your their his her its others friends colleagues folks guys crew etc whoever whomever themselves himself
    herself myself ourselves yourself usually typically normally generally always sometimes often rarely now
    today tomorrow yesterday then later soon yet still again though however maybe perhaps probably possibly
    likely please thanks first second third last next primary secondary main default old current former future
    acting""")
_ROLE = vocabulary("""cfo ceo cto coo ciso cio cso cro cdo cpo vp svp evp md gm director head lead leader manager
    officer counsel counsellor counselor treasurer controller comptroller chair chairman chairwoman chairperson
    president chief secretary auditor partner owner principal administrator admin supervisor coordinator
    engineer analyst architect specialist advisor adviser representative rep executive founder cofounder
    co-founder steward custodian signatory signer accountant lawyer attorney dean provost registrar
    commissioner superintendent trustee governor minister professor investigator researcher sre operator
    maintainer developer on-call oncall""")
_DEPT = vocabulary("""finance finops treasury legal compliance sustainability security operations ops risk audit
    procurement engineering it hr qa accounting governance research facilities infrastructure platform devops
    esg board committee department dept office division unit staff personnel management leadership executive
    payroll purchasing marketing sales support helpdesk customer customers client clients contractor
    contractors employee employees stakeholder stakeholders regulator regulators human humans""")
_PARTICLES = vocabulary("van von de da del della der den di du le la bin ibn al el dos das ter ten zu y")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*\.?")
_PLURAL_NOUN = re.compile(r"(?:ers|ors|ees|ants|ents|ists|ians|ives|ses)$", re.I)
_CHANGES = re.compile(r"""\b(?:if|when|whenever|unless|except|until|till|during|while|not|never|no|also|too|backup
                          |deputy|alternate|substitute|stand-?in|temporar\w*|interim|cover(?:s|ing)?|absence|away|leave
                          |only|or|and|both|either|tb[adc]|wip|draft|propos\w*|pending|provisional|tentative\w*
                          |confirm\w*|acting|trial|pilot|maybe|perhaps|probably|former|ex|retired|leaving|left|new
                          |from|starting|effective|since|as\s+of|to\s+be)\b|[,;:/&@+?]""", _RX)
_ARTICLE = re.compile(r"^(?:the|our|its|their|a|an|my|your)\s+", re.I)


def _forms(word: str) -> set[str]:
    """A word and its singulars ('officers' -> 'officer', 'ops' stays)."""
    w = word.lower().strip(".")
    return {w, *([w[:-1]] if w.endswith("s") and len(w) > 3 else []), *([w[:-2]] if w.endswith("es") and len(w) > 4
                                                                          else [])}


def _titled(word: str) -> bool:
    """Whether ``word`` is a role or a group ('CFO', 'Counsel', 'Treasury', 'admins')."""
    return bool(_forms(word) & (_ROLE | _DEPT))


def _lexical(word: str, groups: Collection[str] = ()) -> bool:
    """Whether ``word`` is a word of the frame, a role or a group (or a team) rather than part of a name."""
    return word.lower().strip(".") in _STOP or _titled(word) or bool(_forms(word) & set(groups))


def _full_name(text: str, groups: Collection[str] = ()) -> bool:
    """'Eva Lindqvist', 'Margaret O'Neill', 'Tomás Ortega', 'Anna van der Berg', 'Sam' (capitalised words)."""
    tokens = text.split()
    if not 1 <= len(tokens) <= 6:
        return False
    named = 0
    for i, token in enumerate(tokens):
        if token.lower() in _PARTICLES and 0 < i < len(tokens) - 1:
            continue
        if not _WORD.fullmatch(token) or not token[0].isupper() or (len(token.rstrip(".")) > 1
                                                                     and _lexical(token, groups)):
            return False
        if len(token.rstrip(".")) > 1 and token.rstrip(".").isupper():
            return False  # "CFO", "QA": an acronym, not a name
        named += 1
    if named == 1 and _PLURAL_NOUN.search(tokens[0]) and len(tokens[0]) > 6:
        return False  # "Reviewers", "Accountants": a plural noun, not a first name
    return 1 <= named <= 4


def _handle(text: str, groups: Collection[str] = ()) -> bool:
    """'sam', 'j.muller', 'ops-lead2': a lower-case user name (not a word of the rule, a role or a group)."""
    if not _HANDLE.fullmatch(text) or len(text) < 2:
        return False
    parts = re.split(r"[._-]", text)
    return not (_lexical(text, groups) or all(_lexical(p, groups) for p in parts)
                or (len(parts) == 1 and _PLURAL_NOUN.search(text) is not None))


_HONORIFIC = re.compile(r"^(?:dr|mr|mrs|ms|mx|miss|prof|sir|dame)\.?\s+(?=[^\W\d_])", re.I)


def _person(text: str, groups: Collection[str] = ()) -> str | None:
    """The person ``text`` names (an e-mail address, a handle or a full name without 'Dr.'), else None."""
    text = _HONORIFIC.sub("", text.strip())
    if _EMAIL.fullmatch(text) or _handle(text, groups) or _full_name(text, groups):
        return text
    return None


def _role(text: str) -> bool:
    """'the CFO', 'General Counsel', 'the Head of Treasury', 'QA Director', 'FinOps': a role or a group."""
    body = _ARTICLE.sub("", text.strip())
    words = body.split()
    if not words or len(words) > 6 or any(not re.fullmatch(r"[^\W\d_][\w'’.-]*", w) for w in words):
        return False
    if re.search(r"\b(?:if|when|unless|until|not|never|also|too|temporar\w*"
                 r"|interim|except|only|both|all|any|either)\b", body, re.I):
        return False
    return bool(_ARTICLE.match(text.strip())) or any(_titled(w) for w in words) \
        or any(len(w) > 1 and w.isupper() for w in words) or bool(re.fullmatch(r"[A-Z][a-z]+[A-Z]\w*", body))


def _item(text: str, groups: Collection[str]) -> tuple[str, str | None]:
    """One list item: ('P', person), ('R', None) for a role with no name; raises for anything else."""
    text = text.strip()
    paren = re.fullmatch(r"(?P<base>[^()]+?)\s*\(\s*(?P<inner>[^()]*?)\s*\)", text)
    if paren:
        base, inner = paren["base"].strip(), paren["inner"]
        who, said = _person(base, groups), _person(inner, groups)
        if who and not _EMAIL.fullmatch(inner) and not _CHANGES.search(inner) and (said or _role(inner)):
            return "P", who  # "Helen Marsh (QA Director)", "Dana Kim (FinOps)": the person
        if said and _role(base):
            return "P", said  # "the CTO (Rita)", "the COO (coo@x.example)"
        raise SentenceError(f"{text!r} does not say plainly who the approver is")
    if "(" in text or ")" in text:
        raise SentenceError(f"{text!r} does not say plainly who the approver is")
    who = _person(text, groups)
    if who:
        return "P", who
    if _role(text):
        return "R", None
    raise SentenceError(f"{text!r} is not a person's name or e-mail address")


_SEP = re.compile(r"""\s*(?:[,;]\s*(?:(?:and|or)\s+)?|\s(?:and\s*/\s*or|and|or|&|\+)\s+|\s*&\s*|\s*/\s*)
                      (?:(?:with|by|to|from)\s+(?!\W))?""", _RX)


def _split(raw: str) -> tuple[list[str], list[str]]:
    """Items and their separators ('c' comma, 'j' and/or) at parenthesis depth 0."""
    masked, depth = [], 0
    for ch in raw:
        depth += ch == "("
        masked.append("\x00" if depth and ch not in "()" else ch)
        depth -= ch == ")" and depth > 0
    flat = "".join(masked)
    items: list[str] = []
    seps: list[str] = []
    start = 0
    for m in _SEP.finditer(flat):
        if m.start() == 0 or m.end() == len(flat) or not m.group(0).strip(" "):
            continue
        items.append(raw[start:m.start()])
        seps.append("j" if re.search(r"\b(?:and|or)\b|[&+/]", m.group(0)) else "c")
        start = m.end()
    items.append(raw[start:])
    return items, seps


def _well_formed(seps: list[str], closed: bool) -> bool:
    """'a, b and c' | 'a or b or c' | 'a, b' (not when ``closed``: 'the CFO, Priya Raman, may')."""
    if not seps or all(s == "j" for s in seps):
        return True
    if all(s == "c" for s in seps[:-1]) and seps[-1] == "j":
        return True
    return all(s == "c" for s in seps) and not closed


def _groupings(kinds: list[tuple[str, str | None]], seps: list[str], i: int = 0
               ) -> Iterator[tuple[list[str], list[str]]]:
    """Every way to attach each role to a person beside it (by a comma): (names, separators between groups)."""
    if i == len(kinds):
        yield [], []
        return
    options: list[tuple[int, str]] = []  # (items used, the person)
    kind, who = kinds[i]
    if kind == "P" and who:
        options.append((1, who))
        if i + 1 < len(kinds) and seps[i] == "c" and kinds[i + 1][0] == "R":
            options.append((2, who))  # "Chen Wei, General Counsel"
    elif i + 1 < len(kinds) and seps[i] == "c" and kinds[i + 1][0] == "P" and kinds[i + 1][1]:
        options.append((2, kinds[i + 1][1] or ""))  # "the CFO, Priya Raman"
    for used, name in options:
        for names, between in _groupings(kinds, seps, i + used):
            yield [name, *names], ([seps[i + used - 1]] if names else []) + between


def people(raw: str, closed: bool = False, label: bool = True, groups: Collection[str] = ()) -> list[str]:
    """The people a list names, in order ('alice, bob and carol@example.com', 'Helen Marsh (QA Director) and
    Kenji Watanabe', 'the CFO, Priya Raman, and the Head of Treasury, Tomás Ortega'); raises SentenceError
    for anything that is not plainly a person. ``closed``: a comma followed the list in its sentence;
    ``label``: the list follows a label ('Mint approvers: a, b'), where a list without 'and' or 'or' is
    usual (in running prose 'the treasurer, Jane O'Brien' is one person); ``groups``: team names, never a
    person."""
    raw = re.sub(r"^(?:the\s+following(?:\s+[\w-]+){0,2}?(?:\s+(?:people|persons|officers|individuals|users"
                 r"|representatives|approvers|staff))?\s*:\s*)", "", raw.strip(), flags=re.I)
    closed = closed or raw.rstrip().endswith(",")
    raw = re.sub(r"^either\s+(?=.*\bor\b)", "", raw.strip(" ,"), flags=re.I)
    if not raw or re.match(r"(?:both|all)\b", raw, re.I):
        raise SentenceError("names no approver" if not raw else "says the approvers act together")
    items, seps = _split(raw)
    kinds = [_item(i, groups) for i in items]
    if any(k == "R" for k, _ in kinds):
        if _well_formed(seps, closed or not label):
            raise SentenceError("a role without a name is not a person; name the approver")
        prose = closed or not label
        readings = {tuple(names) for names, between in _groupings(kinds, seps) if _well_formed(between, prose)}
        if len(readings) != 1:
            raise SentenceError("cannot tell which roles belong to which people in the approver list")
        names = list(readings.pop())
    else:
        if not _well_formed(seps, closed):
            raise SentenceError("cannot read the approver list")
        names = [who or "" for _, who in kinds]
    if not names:
        raise SentenceError("names no approver")
    return list(dict.fromkeys(names))


# -- the frames of an approvers rule --------------------------------------------------------------
_MINT_N = r"""(?:(?:savings|carbon|new)\s+)?(?:token\s+)?
              (?:mint(?:s|ing)?(?:\s+(?:requests?|operations?|transactions?))?(?:\s+of\s+(?:(?:savings|carbon|new)\s+)?tokens)?)"""
_OBJ = rf"(?:(?:a|an|any|the|every|each|all)\s+)?(?:{_MINT_N}|tokens?)"
_MOD_MAY = r"""(?:may|can|(?:is|are)\s+(?:allowed|permitted|authori[sz]ed|entitled|empowered|able)\s+to
               |(?:has|have)\s+(?:the\s+)?(?:right|authority|power)\s+to)"""
_MOD_MUST = r"(?:must|shall|will|needs?\s+to|has\s+to|have\s+to|(?:is|are)\s+to|get|gets|are|is)"
_ACT = r"""(?:approve|approves|sign\s*-?\s*off(?:\s+on)?|signs\s*-?\s*off(?:\s+on)?|sign|signs|ok|okay|countersign
           |co-?sign|authori[sz]e|authori[sz]es|sanction|green-?light|give\s+(?:final\s+)?(?:approval|sign-?off)\s+(?:for|to|on)
           |grant\s+approval\s+(?:for|to)
           |give\s+(?:the\s+|their\s+)?(?:final\s+)?(?:green\s+light|go-?ahead|nod|ok|okay|thumbs[\s-]up)\s+(?:for|to|on))"""
_PASSIVE = r"""(?:approved|signed\s*-?\s*off(?:\s+on)?|signed|ok'?d|ok(?:ay)?ed|countersigned|co-?signed|authori[sz]ed
               |sanctioned|green-?lit|green-?lighted|cleared)"""
_ONLY = r"(?:only|solely|exclusively)"
_NOBODY = r"""(?:no\s*-?\s*(?:one|1)|nobody|none|no\s+(?:other\s+)?(?:person|people|one|individual|user|employee
              |staff\s+member|member\s+of\s+staff|officer))"""
_EXCL_PRE = rf"(?:{_ONLY}|{_NOBODY}\s+(?:other\s+than|but|except(?:\s+for)?|besides|apart\s+from|save))"
_EXCL_POST = rf"""(?:\s*(?:,|;|-|:)?\s*(?:and\s+)?(?:{_NOBODY}\s+else|{_NOBODY}\s+other|no\s+others?
                     |(?:that'?s|that\s+is|this\s+is)\s+(?:it|all|the\s+(?:full|complete|whole|entire|exhaustive|final
                        |closed)\s+list)|(?:the\s+)?(?:full|complete|exhaustive|closed)\s+list|full\s+stop)
                  (?:\s+(?:may|can|shall|does|do|is|are|(?:is|are)\s+(?:allowed|permitted|authori[sz]ed)\s+to)
                     (?:\s+(?:do\s+so|{_ACT}(?:\s+(?:them|it|{_OBJ}))?))?)?
                  |\s*,?\s+(?:alone|only|exclusively))"""
_FOLLOWING = r"""(?:the\s+following(?:\s+[\w-]+){0,2}?(?:\s+(?:people|persons|officers|individuals|users
                 |representatives|approvers|staff(?:\s+members)?|signatories))?\s*:?\s*
                 |(?:the|our|these|its|their|(?:the\s+)?[\w-]+'s)\s+(?:\d+\s+)?(?:[\w-]+\s+){0,2}?[\w-]+
                  (?:\s*:|\s*,?\s+(?:namely|i\.\s?e\.|viz\.?|that\s+is(?:\s+to\s+say)?)\s*,?)\s*)"""
"""What names a list before it: 'the following officers:', 'the 3 infrastructure stewards:', 'the Customer's
designated approvers, namely' (a count it gives must be the list's length)."""
_PEOPLE_N = (r"(?:people|persons|users|officers|individuals|approvers|staff(?:\s+members)?|ones|representatives"
             r"|signatories)")
_LIST = r"(?P<names>[^;:?]+?)(?P<close>\s*,)?"
_SUBJ_N = rf"""(?:(?:the\s+)?(?:power|right|authority|ability|permission)\s+to\s+{_ACT}\s+{_OBJ}
               |(?:the\s+)?(?:approval|signing|sign-?off)\s+(?:authority|rights?|powers?)\s+(?:for|over|on)\s+{_OBJ}
               |(?:the\s+)?(?:token\s+)?mint(?:ing)?\s+(?:approvals?|approval\s+(?:rights?|authority|powers?|permissions?)
                  |authority|sign-?offs?|(?:signing|sign-?off)\s+(?:authority|rights?|powers?))
               |(?:the\s+)?(?:approvals?|sign-?offs?|authori[sz]ation)\s+(?:of|for|on)\s+{_OBJ}
               |(?:the\s+)?approving\s+(?:of\s+)?{_OBJ}|(?:the\s+)?authority\s+(?:over|for)\s+{_OBJ})"""
_APPROVER_N = rf"""(?:(?:token\s+)?mint(?:ing)?\s+approvers?|approvers?\s+(?:for|of|on)\s+{_OBJ}
                   |approvers?\s*\(\s*mint(?:s|ing)?\s*\)
                   |(?:{_PEOPLE_N}|one|1|person)\s+(?:(?:who|that)\s+{_MOD_MAY}\s+
                      |(?:permitted|allowed|authori[sz]ed|entitled|able)\s+to\s+){_ACT}\s+{_OBJ})"""
_EXCL_ADJ = r"(?:only|sole|exclusive|designated|authori[sz]ed|approved|named|nominated|official|appointed|permitted)"
_BE = r"(?:is|are|shall\s+be|will\s+be|must\s+be|remains?)"
_FRAMES: tuple[tuple[str, str], ...] = (
    # (how the frame is exclusive, pattern)
    ("pre", rf"""{_EXCL_PRE}\s+(?:{_FOLLOWING})?{_LIST}\s+(?:{_MOD_MAY}\s+|{_MOD_MUST}\s+)?{_ACT}\s+{_OBJ}
                 (?P<post>{_EXCL_POST})?"""),
    ("pre", rf"(?:only\s+)?the\s+following\s+{_PEOPLE_N}\s+{_MOD_MAY}\s+{_ACT}\s+{_OBJ}\s*:\s*{_LIST}"),
    ("pre", rf"""{_EXCL_PRE}\s+{_LIST}\s+(?:has|have|holds?|possess(?:es)?)\s+{_SUBJ_N}(?P<post>{_EXCL_POST})?"""),
    ("post", rf"""{_LIST}(?P<mid>\s*,?\s+(?:alone|and\s+{_NOBODY}\s+else)\s*,?)?\s+(?:has|have|holds?|possess(?:es)?)\s+
                  {_SUBJ_N}(?P<post>{_EXCL_POST})?"""),
    ("word", rf"""(?:(?:every|each|any|all|a|the)\s+)?(?:{_MINT_N}|{_SUBJ_N})\s+
                  (?P<mod>requires?|needs?|must\s+(?:have|get|receive))\s+
                  (?:the\s+)?(?:approval|sign-?off|signature|authori[sz]ation|countersignature|ok)\s+(?:of|from|by)\s+
                  (?P<one>(?:one|1|any|either)\s+of\s*:?\s*)?(?:{_FOLLOWING})?{_LIST}(?P<post>{_EXCL_POST})?"""),
    ("self", rf"""{_SUBJ_N}\s*(?:[:=]|\s-)\s*(?:{_FOLLOWING})?{_LIST}(?P<post>{_EXCL_POST})?"""),
    ("post", rf"""{_LIST}(?P<mid>\s*,?\s+(?:alone|and\s+{_NOBODY}\s+else)\s*,?)?\s+(?:{_MOD_MAY}\s+)?{_ACT}\s+{_OBJ}
                  (?P<post>{_EXCL_POST})?"""),
    ("self", rf"""{_SUBJ_N}\s+(?:{_BE}\s+)?(?:{_ONLY}\s+)?(?:(?:reserved|restricted|limited|confined)\s+(?:{_ONLY}\s+)?
                  (?:to|for)|(?:rests?|lies|lie|sits?|resides?)\s+(?:{_ONLY}\s+)?with
                  |belongs?\s+(?:{_ONLY}\s+)?to|vested\s+(?:{_ONLY}\s+)?in
                  |the\s+(?:sole|exclusive)\s+(?:responsibility|prerogative|preserve|remit|domain)\s+of)
                  \s+(?:{_FOLLOWING})?{_LIST}(?P<post>{_EXCL_POST})?"""),
    ("word", rf"""{_SUBJ_N}\s+(?:{_BE}\s+)?(?P<only>{_ONLY}\s+)?(?:held|exercised|granted|given|assigned|delegated
                  |handled|performed|done|carried\s+out|owned)\s+
                  (?P<only2>{_ONLY}\s+)?(?:by|to)\s+(?:{_FOLLOWING})?{_LIST}(?P<post>{_EXCL_POST})?"""),
    ("word", rf"""(?:(?:every|each|any|all|a|the)\s+)?{_MINT_N}\s+(?P<mod>{_MOD_MAY}|{_MOD_MUST})?\s*
                  (?P<only>{_ONLY}\s+)?(?:be\s+)?(?P<only2>{_ONLY}\s+)?{_PASSIVE}\s+(?P<only3>{_ONLY}\s+)?by\s+(?P<one>(?:one|1|any|either)\s+of\s*:?\s*)?
                  (?:{_FOLLOWING})?{_LIST}(?P<post>{_EXCL_POST})?"""),
    ("word", rf"""{_SUBJ_N}\s+(?P<mod>must|shall|will|needs?\s+to|has\s+to|may|can)\s+(?P<only>{_ONLY}\s+)?
                  (?:come|be\s+(?:given|obtained|sought))\s+(?P<only2>{_ONLY}\s+)?from\s+(?P<one>(?:one|1|any|either)\s+of\s*:?\s*)?
                  (?:{_FOLLOWING})?{_LIST}(?P<post>{_EXCL_POST})?"""),
    ("word", rf"""{_SUBJ_N}\s+(?P<mod>{_MOD_MAY}|{_MOD_MUST})?\s*(?P<only>{_ONLY}\s+)?be\s+(?P<only2>{_ONLY}\s+)?
                  (?:granted|given|made|issued|signed|provided)\s+(?P<only3>{_ONLY}\s+)?by\s+(?:{_FOLLOWING})?{_LIST}
                  (?P<post>{_EXCL_POST})?"""),
    ("self", rf"""(?:the\s+)?(?:{_EXCL_ADJ}\s+)*{_APPROVER_N}\s*(?:{_BE}\s+(?:{_ONLY}\s+)?
                  (?:(?:limited|restricted|confined)\s+(?:{_ONLY}\s+)?to\s+)?|[:=]\s*|-\s*)
                  (?:{_FOLLOWING})?{_LIST}(?P<post>{_EXCL_POST})?"""),
    ("self", rf"""(?:the\s+)?(?:token\s+)?mint(?:ing)?\s+(?:approvals?|sign-?offs?|authori[sz]ations?)\s*(?:[:=]|\s-)\s*
                  (?:{_FOLLOWING})?{_LIST}
                  (?P<post>{_EXCL_POST})?"""),
    ("self", rf"""{_LIST}\s+{_BE}\s+(?:the|our)\s+(?:{_EXCL_ADJ}\s+)*{_APPROVER_N}(?P<post>{_EXCL_POST})?"""),
    ("self", rf"""{_LIST}\s+{_BE}\s+the\s+only\s+(?:ones|{_PEOPLE_N})\s+(?:(?:who|that)\s+{_MOD_MAY}|allowed\s+to
                  |permitted\s+to|authori[sz]ed\s+to|able\s+to)\s+{_ACT}\s+{_OBJ}"""),
    ("self", rf"""who\s+{_MOD_MAY}\s+{_ACT}\s+{_OBJ}\s*\?\s*
                  (?:a\s*[:.]\s*)?(?:(?:only|just)\s+)?{_LIST}(?P<post>{_EXCL_POST})?"""),
)
_APPROVER_FRAMES = tuple((how, re.compile(p, _RX)) for how, p in _FRAMES)
_MEANING = r"""\b(?:if|when|whenever|unless|provided|providing|during|while|whilst|until|till|should
    |ideally|prefer\w*|aim|try|hope|wish|would|could|might|propos\w*|consider\w*|plan(?:s|ned|ning)?|intend\w*|draft
    |tbd|tbc|discuss\w*|suggest\w*|recommend\w*|was|were|used\s+to|currently|typically|usually|normally|mostly|often
    |sometimes|generally|previously|formerly|longer|also|too|as\s+well|in\s+addition|additionally|temporar\w*
    |interim|for\s+now|backup|deputy|deputies|absence|away|leave|vacation|except\s+(?!for\b)|excluding|not|never|nor
    |cannot|both|together|jointly|each\s+other|maybe|perhaps|probably|possibly|likely|now|today|tomorrow|later|soon
    |still|again|though|however|although)\b|n't\b|%"""
_FRAME_REFUSE = re.compile(rf"{_MEANING}|\d", _RX)
_LIST_REFUSE = re.compile(_MEANING, _RX)


def _frame_text(text: str, m: re.Match[str]) -> str:
    """The sentence without its list (to look for meaning-changers in the frame only)."""
    return text[:m.start("names")] + " LIST " + text[m.end("names"):]


_ANYONE_BUT = re.compile(rf"""^(?:no\s+(?P<obj>{_MINT_N})\s+(?:may|can|shall|will|must)\s+be
                              |(?P<obj2>(?:(?:a|any|the)\s+)?{_MINT_N})\s+(?:(?:may|can|shall|must|will)\s*(?:not|never)
                                 |cannot|can't|mustn't|won't|shan't)\s+be)
                             \s+(?P<act>{_PASSIVE})\s+by\s+
                             (?:anyone|anybody|any\s+(?:other\s+)?(?:one|person|individual|user|employee)|someone
                              |any\s+other\s+party)\s+
                             (?:other\s+than|except(?:\s+for)?|but|besides|apart\s+from|save(?:\s+for)?)\s+""", _RX)
"""'No mint may be approved by anyone except X', 'Mints must not be signed off by anybody other than X': only X."""
_BEHALF = re.compile(r"""\s*,?\s+(?:(?:for\s+and\s+)?on\s+behalf\s+of|in\s+the\s+name\s+of)\s+(?:the\s+|our\s+)?
                         (?P<who>[\w'’-]+(?:\s+[\w'’-]+){0,3})\s*$""", _RX)
"""'... on behalf of the City': whom an approver acts for, not a condition (dropped unless it changes meaning)."""
_PART_OF_ORG = re.compile(r"""\b(?:teams?|groups?|departments?|dept|divisions?|units?|desks?|squads?|projects?|labs?
                              |clusters?|regions?|sites?|subsidiar\w*|branch\w*|offices?|business\s+lines?)\b""", _RX)
"""Acting for a team or a part ('on behalf of the ml team') scopes the rule: only the whole organisation is dropped."""
_LABEL_COUNT = re.compile(r"""\b(?:the|our|these|its|their|[\w-]+'s)\s+(?P<k>\d+)\s+(?:[\w-]+\s+){0,2}?[\w-]+
                              (?:\s*:|\s*,?\s+(?:namely|i\.\s?e\.|viz\.?|that\s+is(?:\s+to\s+say)?)\s*,?)\s*$""", _RX)


_EMPHASIS = re.compile(r"\s+(?:ever\b(?=\s)|whatsoever\b|at\s+all(?=\s*(?:$|[,;.]))|at\s+(?:all\s+times|any\s+time)\b)",
                       re.I)
"""'Only A may ever approve mints', '... mints whatsoever': emphasis, not a condition."""
_OPENER = re.compile(r"""^(?:per\s+(?:policy|our\s+policy|the\s+policy|governance|the\s+charter)|fyi|nb|note|reminder
                         |as\s+a\s+reminder|just\s+so\s+(?:you|we|everyone)\s+knows?|for\s+the\s+record
                         |for\s+clarity|to\s+be\s+clear|heads\s+up|important|please\s+note)\s*(?:,|:|\s-)\s*""", _RX)
"""A memo's opener before the rule ('Per policy, ...', 'For the record: ...')."""


def _plain_approvers(text: str, teams: Collection[str] = ()) -> str:
    """``text`` with a negated universal made plain ('No mint may be approved by anyone except X' -> 'Mints may
    be approved only by X') and a trailing 'on behalf of <organisation>' dropped."""
    text = _EMPHASIS.sub("", text)
    opener = _OPENER.match(text)
    if opener and not _REMARK_CHANGERS.search(opener.group(0)) and not _CHANGES.search(opener.group(0).rstrip(" ,:-")):
        text = text[opener.end():]
    neg = _ANYONE_BUT.match(text)
    if neg:
        text = f"{neg['obj'] or neg['obj2']} may be {neg['act']} only by {text[neg.end():]}"
    label = re.fullmatch(r"(?P<head>[^:;=?]+(?:[:=]|\s-)\s*)(?P<body>[^:?]+;[^:?]+)", text)
    if label:  # 'Mint approval authority: a@x; b@x; c@x': a list after a label may be cut by semicolons
        text = label["head"] + re.sub(r"\s*;\s*(?:and\s+)?", ", ", label["body"])
    behalf = _BEHALF.search(text)
    who = behalf["who"] if behalf else ""
    if behalf and not _LIST_REFUSE.search(who) and not re.search(r"\d", who) and not _PART_OF_ORG.search(who) \
            and not any(_forms(w) & set(teams) for w in who.split()):
        text = text[:behalf.start()]
    return text


_REMARK = re.compile(r"""(?P<sep>\s*(?:,|;|\s-+|\s–|\s—)\s*|\s*\(\s*)(?P<remark>[^,;()]+?)\s*\)?\s*$""", _RX)
_REMARK_CHANGERS = re.compile(rf"""{_MEANING}|\b(?:and|or|plus|with|along\w*|includ\w*|add\w*|togeth\w*|join\w*
                                  |delegat\w*|may|can|must|shall|will|approv\w*|sign\w*|ok|only|alone|else|other\w*
                                  |but|besides|nobody|anyone|everyone|all|any|each|every|who|whom|which|same|one|team\w*
                                  |group\w*|role\w*|person|people|member\w*|staff|except\w*|mint\w*|tokens?|large|big
                                  |small|huge|major|above|over|below|under|exceed\w*|beyond|threshold\w*|clusters?
                                  |sites?|regions?|zones?|environments?|envs?|staging|test\w*|prod\w*|dev|sandbox\w*
                                  |offices?|branch\w*|subsidiar\w*|countr\w*|projects?|desks?|units?|divisions?|labs?
                                  |tenants?|fleet|nodes?|jobs?|workloads?|be|being|been|subject|review\w*|revisit\w*
                                  |expir\w*|valid|until|after|before|later|next|effective|principle|theory|general\w*
                                  |most|mostly|cases?|extent|possibl\w*|feasibl\w*|practic\w*|stands?|things|following
                                  |reorg\w*|restructur\w*|migrat\w*|launch\w*|rollout|go-?live|start\w*|begin\w*|end
                                  |moment|time|being|usual\w*|normal\w*|rule|rules|typical\w*|default\w*|case)\b
                                  |[\d@&+/:?]""", _RX)
_REMARK_OPENERS = vocabulary("""as per in for to so because see pursuant according consistent thanks fyi please going
    since given""")
"""How a remark begins: a source, a purpose, a reason ('as agreed', 'per the charter', 'for audit purposes')."""
_ONE_WORD_REMARKS = vocabulary("fyi thanks thx ty please period obviously naturally")


def _without_remark(text: str, teams: Collection[str]) -> str | None:
    """``text`` without a trailing remark after a comma, a dash or in a parenthesis that cannot change who approves
    (', as agreed with the board', ' - see the governance wiki', ', fyi'); None when there is none. A remark with a
    meaning-changer, a name (a capitalised word, a role, a group, a team), a number or a single unknown word (which
    may be a handle: ', dave') stays, and the sentence is refused."""
    m = _REMARK.search(text)
    if m is None or not re.search(r"\bmints?\b|\bminting\b", text[:m.start()], re.I):
        return None
    remark = m["remark"]
    words = remark.split()
    if _REMARK_CHANGERS.search(remark) or _CHANGES.search(remark) or any(regions_mentioned(remark)):
        return None
    if any(w[0].isupper() or _titled(w) or _forms(w) & set(teams) for w in words):
        return None  # a name, a role, a group or a team
    if (len(words) < 2 and remark.lower().strip(".!") not in _ONE_WORD_REMARKS) \
            or (len(words) >= 2 and words[0].lower() not in _REMARK_OPENERS):
        return None  # a remark may be a name ('dave smith'); it must begin as one
    return text[:m.start()]


def approvers(text: str, teams: Collection[str] = ()) -> list[str] | None:
    """The exclusive list of mint approvers ``text`` states, None when it states none plainly (a trailing remark
    that cannot change who approves is dropped when the sentence reads only without it)."""
    found = _approvers(text, teams)
    if found is None:
        shorter = _without_remark(text.strip().rstrip(".!"), teams)
        if shorter is not None:
            return _approvers(shorter, teams)
    return found


def _approvers(text: str, teams: Collection[str] = ()) -> list[str] | None:
    """The exclusive list of mint approvers ``text`` states (one of the frames), None when it states none plainly."""
    text = _plain_approvers(text.strip().rstrip(".!"), teams)
    for how, frame in _APPROVER_FRAMES:
        m = frame.fullmatch(text)
        if m is None:
            continue
        said = _LABEL_COUNT.search(text[:m.start("names")])
        rest = re.sub(r"\b1\b", "one", _frame_text(text, m))  # canonical() wrote "one" as 1
        if said:
            rest = rest.replace(said.group(0), " LABEL ", 1) if said.group(0) in rest else rest
        if _FRAME_REFUSE.search(re.sub(rf"\b{_NOBODY}\s+(?:else|other\s+than|but|except(?:\s+for)?)\b", " ", rest,
                                       flags=re.I)):
            return None
        if _LIST_REFUSE.search(re.sub(r"\([^()]*\)", " ", m["names"])):
            return None
        parts = m.groupdict()
        exclusive = how in ("pre", "self") or any(parts.get(g) for g in ("post", "mid", "only", "only2", "only3"))
        must = re.match(r"must|shall|will|needs?|requires?|has|have|is\s+to|are\s+to", parts.get("mod") or "", re.I)
        if not exclusive and (how != "word" or not (must or parts.get("one"))
                              or re.search(r"\band\b|&", m["names"], re.I)):
            continue  # "mints may be approved by alice" (others too?), "must be approved by a and b" (both?)
        try:
            label = re.search(r"[:=-]\s*$", text[:m.start("names")]) is not None
            closed = bool(m["close"]) and not (parts.get("post") and m.end("close") == m.start("post"))
            names = people(m["names"], closed=closed, label=label, groups=teams)
        except SentenceError:
            continue
        if said and int(said["k"]) != len(names):
            return None  # 'the three stewards: ana and bo': which of them?
        return names
    return None


# -- quorum ----------------------------------------------------------------------------------------
_K_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "both": 2}
_QUANT = rf"""(?P<n>{NUM})\s*(?P<u>kwh|mwh|gwh|kilowatt[- ]hours?|megawatt[- ]hours?
              |(?:kgs?|kilo(?:gram)?s?|t|tonnes?|tons?|metric\s+tons?)
               (?:\s*(?:of\s+)?(?:co2(?:[- ]?e(?:q(?:uivalent)?)?)?|carbon(?:\s+dioxide)?(?:\s+equivalents?)?))?
              |kgco2e?|tco2e?)(?![\w-])"""
_ABOVE = r"""(?:above|over|exceeding|exceeds?|in\s+excess\s+of|larger\s+than|greater\s+than|bigger\s+than|more\s+than
             |of\s+more\s+than|at\s+or\s+above|>=?|≥)"""
_THRESHOLD = re.compile(rf"""(?:,?\s*\b(?:whenever|where|if|when|once)\s+(?:the|a|an|any)\s+{_MINT_N}\s+
                                (?:exceeds|is\s+{_ABOVE}|goes\s+(?:above|over)|tops)\s+
                             |(?:(?<=\s)|^){_ABOVE}\s*)
                             {_QUANT}(?:\s+worth(?:\s+of\s+(?:(?:savings|carbon)\s+)?tokens)?
                             |\s+of\s+(?:(?:verified|certified|avoided|saved|energy|carbon|emissions?)\s+){{0,2}}
                              (?:savings|tokens|credits|reductions|energy|carbon|emissions))?""", _RX)
_QUAL = r"""(?:different|distinct|separate|independent|unique|individual|authori[sz]ed|designated|named|qualified
            |eligible|senior|customer|client|provider|company|bank|human|internal)"""
_NOUN = r"""(?:approvers?|approvals?|people|persons|ppl|folks|humans|colleagues|signatures?|sign-?offs?|signoffs?
            |signatories|signers|officers|representatives|reviewers|individuals|authori[sz]ers|authori[sz]ations
            |countersignatures|consents|endorsements|(?:sets|pairs)\s+of\s+eyes)
            (?:\s+(?:from|by)\s+(?:(?:different|distinct|separate|independent|unique)\s+)+
               (?:people|persons|individuals|approvers|colleagues))?"""
_AT_LEAST = (r"(?:at\s+least|no\s+fewer\s+than|not\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of|minimum\s+of"
             r"|exactly)")
_K = r"(?P<k>\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
_THEM = r"(?:them|these|those|the\s+above|the\s+listed|the\s+named)"
_COUNT = re.compile(rf"""(?:(?:a\s+quorum\s+of|a\s+total\s+of|{_AT_LEAST})\s+)?{_K}\s+(?:{_QUAL}\s+){{0,3}}{_NOUN}\b
                         (?:\s+(?P<them>of\s+{_THEM}))?""", _RX)
_COUNT_THEM = re.compile(rf"""\b(?:(?:(?:any|at\s+least)\s+)?{_K}\s+of\s+(?:{_THEM}|the\s+(?:listed|named)\s+{_NOUN})
                              |(?P<both>both)(?:\s+(?:of\s+{_THEM}|{_NOUN}))?
                              |all\s+(?:(?P<all>two|three|four|five|\d)(?:\s+(?:of\s+{_THEM}|{_NOUN}))?|of\s+{_THEM}))
                              (?![\w-])""", _RX)
_TWO = re.compile(r"""\b(?:(?:dual|double|(?:two|2)-?(?:person|man|party|key)|(?:four|4)-?eyes)
                      (?:\s+(?:approval|sign-?off|signature|control|authori[sz]ation|review|rule|principle|check
                      |requirement|verification|policy))?
                      |second\s+(?:pair\s+of\s+eyes|approver|approval|signature|sign-?off))\b""", _RX)
_REQUESTER = re.compile(r"""\s*,?\s*(?:none\s+of\s+(?:whom|which)\s+(?:may|can|shall|must)\s+be
                            |(?:who|that)\s+(?:is|are|must\s+not\s+be|may\s+not\s+be)\s+not
                            |(?:other\s+than|besides|excluding|not\s+including|apart\s+from))\s+
                            (?:the|its|their)\s+(?:requester|requestor|submitter|initiator)\s*$""", _RX)
_ANY_SIZE = re.compile(r"""\s*,?\s*\b(?:(?:regardless|irrespective|independent(?:ly)?)\s+of|whatever|no\s+matter)\s+
                           (?:(?:its|their|the)\s+)?(?:size|amount|value|volume)\s*,?\s*
                           |\s*,?\s*\b(?:of\s+any\s+(?:size|amount|value|volume)|(?:large|big)\s+or\s+small
                              |(?:however|no\s+matter\s+how)\s+(?:large|big|small)(?:\s+(?:it\s+is|they\s+are))?)\b\s*,?\s*
                           |\b(?<=each\s)and\s+every\b""", _RX)
"""'regardless of size' and 'each and every': every mint, which a quorum without threshold already says."""
_NO_MINT_WITHOUT = re.compile(r"""^(?:no|not\s+a\s+single)\s+(?P<subject>.+?)\s+
                                 (?:(?:may|can|shall|will|must)\s+(?:be\s+(?:issued|made|executed|processed|approved|finali[sz]ed
                                    |completed|released|signed\s+off|accepted|valid)|proceed|go\s+ahead|go\s+through)
                                   |(?:is|becomes?|shall\s+be|will\s+be)\s+(?:valid|final|effective|binding|complete|approved))\s+
                                 (?:without|until|unless|before)\s+(?:(?:it\s+(?:has|have)|(?:it\s+)?(?:is|being)
                                    \s+(?:approved|signed\s+off)\s+by)\s+)?(?:the\s+)?(?:approval\s+of\s+)?(?=\S)
                              |^(?:no|not\s+a\s+single)\s+(?P<subject2>.+?)\s+(?:may|can|shall|will|must)\s+be\s+
                                 (?:approved|signed\s+off|authori[sz]ed|issued)\s+(?:by|with)\s+
                                 (?:fewer|less)\s+than\s+(?=\S)""", _RX)
"""'No mint over 500 kWh may be issued without two approvals', 'No mint is valid until two people have approved
it', 'No mint above 1 t CO2e shall be approved by fewer than five approvers': every such mint needs that count."""
_HAVE_APPROVED = re.compile(r"""\s+(?:have|has)\s+(?:(?:approved|signed\s+off(?:\s+on)?|signed|countersigned
                                |authori[sz]ed|ok'?d|okayed)(?:\s+(?:it|them|the\s+mint))?(?:\s+off)?
                                |(?:given|granted)\s+(?:their\s+)?(?:approval|sign-?off|consent))\s*$""", _RX)
_DISTINCT = re.compile(r"""\s*[,;(-]?\s*(?:(?:it\s+|they\s+)?(?:can't|cannot|can\s+not|may\s+not|must\s+not|mustn't
                           |shall\s+not|won't)\s+be|not|never)\s+the\s+same\s+(?:person|individual|approver|people)
                           (?:\s+twice)?""", _RX)
"""', not the same person twice', '(can't be the same person twice)': the count is of different people, as said."""
_FILLER = vocabulary("""a an the any every each all single for on of to by from with in is are be been being it its
    they them their this that which mint mints minting minted token tokens savings carbon request requests operation
    operations new approval approvals approve approved approving sign signed signing off sign-off sign-offs signoff
    signoffs signature signatures countersign countersigned countersignature co-sign co-signed authorisation
    authorization rule principle check control review requirement quorum have has will shall must need needs needed
    require requires required requiring mandatory compulsory obligatory necessary subject apply applies applied
    enforced valid only once after anything issued get gets receive receives obtain obtains carry carries bear
    bears call calls demand demands needing there go through proceed can consent consents endorsement blessing
    go-ahead ok okay""")
_CUE = re.compile(r"""\b(?:needs?|needed|needing|require[sd]?|requiring|must|shall|mandatory|compulsory|obligatory
                      |necessary|subject\s+to|appl(?:y|ies)|quorum|valid\s+only|only\s+valid|only\s+(?:once|after)
                      |calls?\s+for|demands?|only\s+(?:be\s+\w+\s+|go\s+through\s+|proceed\s+)?with)\b|^[^:]+:""", _RX)


_Q_CHANGERS = re.compile(r"""\b(?:
    # negations, conditions, exceptions
    not|never|no|nor|none|cannot|without|if|when|whenever|unless|provided|providing|assuming|given|case|depending
    |depends|while|whilst|during|until|till|except\w*|exclud\w*|besides|apart|otherwise|else|whereas
    # wishes, plans, the future, the past, today
    |should|ought|would|could|might|ideally|prefer\w*|hope\w*|want\w*|wish\w*|recommend\w*|suggest\w*|encourag\w*
    |aim\w*|try|tries|strive\w*|best|possible|feasible|optional\w*|propos\w*|consider\w*|plan|plans|planned
    |planning|intend\w*|draft|tbd|tbc|discuss\w*|review\w*|pilot\w*|trial\w*|next|upcoming|future|soon|later
    |starting|effective|onwards?|pending|tentative\w*|provisional\w*|temporar\w*|interim|for\s+now|was|were|had
    |been|did|used|previous\w*|former\w*|last|past|ago|currently|current|typically|typical|usually|usual|normally
    |mostly|often|sometimes|generally|today|still|anymore|longer
    # a count that is not a minimum, another count, people of a kind, an addition
    |most|maximum|max|up|fewer|less|under|below|beneath|smaller|lower|within|one|whom|who|whose|which|including
    |include[sd]?|incl|plus|also|too|additional\w*|extra|more|another|other|others|and|or|either|both|same
    # a vague size, a time, a part of the fleet
    |large|larger|big|bigger|huge|major|significant|material|small|tiny|per|day|days|daily|week|weeks|weekly|month
    |months|monthly|hours?|year|years|weekends?|nights?|staging|test|testing|sandbox|dev|prod|production|cluster
    |emergenc\w*|barring|bar|outage\w*|incident\w*|default|defaults|fallback|beginning|begin\w*|commenc\w*
    |spring|summer|autumn|winter|outside|requesting|requester\w*|requestor\w*|group|groups|januar\w*|februar\w*
    |march|april|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday
    |clusters|site|sites|region|regions|zone|team|teams|squad|department|dept|division)\b""", _RX)
"""The classes of words that change a quorum (see the module docstring); every other word is neutral, except a
role, a group, a team or a capitalised name the rule does not know (who must approve is not held by the count)."""
_OPENERS = vocabulary("fyi nb ps reminder friendly heads up important note notice policy rule update please")


def _q_neutral(rest: str, teams: Collection[str] = ()) -> bool:
    """Whether ``rest`` (a quorum clause without its count and threshold) holds no meaning-changer, no role, group
    or team and no capitalised word the rule does not know; any other word is neutral."""
    if _Q_CHANGERS.search(rest):
        return False
    for m in re.finditer(r"[A-Za-z][\w'-]*", rest):
        word = m.group(0)
        base = word.lower()
        if base in _FILLER or base in _OPENERS:
            continue
        if _titled(word) or _forms(word) & {t.lower() for t in teams}:
            return False  # 'two approvers from Finance', 'two CFO sign-offs': who, not how many
        if word[0].isupper() and not (not rest[:m.start()].strip() and (base.endswith("ly")
                                                                         or re.match(r"\s*[,:]", rest[m.end():]))):
            return False  # a name: a person, a team, a cluster
    return True


def quorum_value(k_word: str | None, n: str | None = None, u: str | None = None) -> dict[str, object]:
    """The JSON form of a MintQuorum: ``k_word`` people (a digit, 'two'..'five', 'both'; None for a
    two-person rule) and an optional threshold ``n`` ``u`` (kWh, MWh, GWh -> kWh; kg, t -> kgCO2e)."""
    word = (k_word or "two").lower()
    k = _K_WORDS.get(word) or int(word)
    if k < 2:
        raise SentenceError("a quorum rule needs two or more approvers")
    value: dict[str, object] = {"approvers": k}
    if n is not None and u is not None:
        amount, unit = number(n, "threshold"), re.sub(r"[\s-]|of", "", u.lower())
        if unit.startswith(("kwh", "kilowatt")):
            value.update(above=amount, unit="kWh")
        elif unit.startswith(("mwh", "megawatt")):
            value.update(above=amount * 1000.0, unit="kWh")
        elif unit.startswith("gwh"):
            value.update(above=amount * 1e6, unit="kWh")
        else:
            tonnes = unit.startswith(("t", "metric"))
            value.update(above=amount * (1000.0 if tonnes else 1.0), unit="kgCO2e")
    return value


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z0-9'-]*", text.lower())


def _count(rest: str, listed: int | None) -> tuple[re.Match[str], str | None, bool] | None:
    """The one count in ``rest``: (where, the number word or None for a two-person rule, whether it counts
    people named elsewhere). With ``listed`` (people named by the sentence), 'two of them', 'both' and
    'all three' count those people."""
    counts, twos = list(_COUNT.finditer(rest)), list(_TWO.finditer(rest))
    if any(re.match(r"\s*:", rest[c.end():]) for c in counts):
        return None  # 'the approval list is two people: sven, raj' introduces a list, it is no quorum
    listing = list(_COUNT_THEM.finditer(rest)) if listed is not None else []
    if len(counts) + len(twos) + len(listing) != 1:
        return None
    if counts:
        return counts[0], counts[0]["k"], bool(counts[0]["them"])
    if twos:
        return twos[0], None, False
    said = listing[0]
    if said["both"]:
        return (said, "both", True) if listed == 2 else None
    if said["all"] or said.group(0).lower().startswith("all"):
        word = said["all"] or str(listed)
        return (said, word, True) if _K_WORDS.get(word.lower(), int(word) if word.isdigit() else 0) == listed \
            else None
    return said, said["k"], True


_PAST = re.compile(r"""(?<!\bis\s)(?<!\bare\s)(?<!\bbe\s)(?<!\bbeing\s)\b(?:needed|required|demanded|called\s+for)\s+
                       (?:[\w-]+\s+){0,4}?\[K\]
                     |(?:\b(?:mints?|minting)|\[T\])\s+to\s+(?:need|require|be|have|get)\b""", _RX)
"""'Mints over 5 MWh needed two approvers': the past (a verb before the count); 'two approvers (are) required' is
the rule (the participle after the count, or after 'is', 'are', 'be'); 'Mints above 5 MWh to need two approvers'
is a plan ('are to need' is the rule)."""


_QUORUM_LABEL = re.compile(r"""^(?:the\s+)?(?:mint(?:ing)?\s+quorum
                               |min(?:imum)?\s+(?:number\s+of\s+)?(?:approvers|approvals|sign-?offs|signatures)
                                \s+(?:per|for\s+(?:each|every|a|any))\s+mint)
                              \s*(?::|=|\s-|\s+is)\s*(?P<k>\d+)$""", _RX)
"""'Mint quorum: 3', 'Minimum approvers per mint: 2': every mint needs that many approvers."""


def _restated_count(text: str) -> str | None:
    """``text`` without a parenthesis that says its count again ('2 sets of eyes (2 different people)'); None when
    the parenthesis gives another count."""
    paren = re.search(r"\s*\(\s*(?:i\.\s?e\.\s*|that\s+is\s*|so\s+)?(?P<inner>[^()]*?)\s*,?\s*\)", text)
    if paren is None or not _COUNT.fullmatch(paren["inner"]):
        return text
    inner = _COUNT.fullmatch(paren["inner"])
    rest = text[:paren.start()] + text[paren.end():]
    outer = list(_COUNT.finditer(rest))
    if inner is None or len(outer) != 1 or _K_WORDS.get(outer[0]["k"].lower(), outer[0]["k"]) != \
            _K_WORDS.get(inner["k"].lower(), inner["k"]):
        return None
    return rest


def _quorum(text: str, listed: int | None = None, teams: Collection[str] = ()
            ) -> tuple[dict[str, object], bool, bool] | None:
    """(quorum value, whether it counts people named elsewhere, whether a requester exclusion was
    dropped) of one clause, None when it is not plainly a quorum. ``listed``: how many people an
    approvers clause of the same sentence named (None: none), for 'two of them', 'both', 'all three'."""
    text = text.strip().rstrip(".!")
    if listed is None and not re.search(r"\bmint", text, re.I):
        return None
    requester = _REQUESTER.search(text)
    if requester:
        text = text[:requester.start()]
    text = re.sub(r"\s*\(\s*\)", "", _ANY_SIZE.sub(" ", _DISTINCT.sub(" ", text))).strip()
    text = _QUORUM_LABEL.sub(r"every mint needs \g<k> approvers", text)
    plain = _restated_count(text)
    if plain is None:
        return None
    text = plain
    without = _NO_MINT_WITHOUT.match(text)
    if without:
        at_least = "at least " if without["subject2"] else ""
        text = f"every {without['subject'] or without['subject2']} needs {at_least}" \
               + _HAVE_APPROVED.sub("", text[without.end():])
    thresholds = list(_THRESHOLD.finditer(text))
    if len(thresholds) > 1:
        return None
    rest = _THRESHOLD.sub(" [T] ", text) if thresholds else text
    found = _count(rest, listed)
    if found is None:
        return None
    said, k_word, them = found
    rest = rest[:said.start()] + " [K] " + rest[said.end():]
    if re.search(r"\d", rest) or not _CUE.search(rest) or _PAST.search(rest):
        return None
    if not _q_neutral(rest.replace("[K]", " ").replace("[T]", " "), teams):
        return None  # a condition, a negation, a scope, a group, a name ...
    t = thresholds[0] if thresholds else None
    value = quorum_value(k_word, t["n"] if t else None, t["u"] if t else None)
    if listed is not None and int(str(value["approvers"])) > listed:
        return None
    return value, them, bool(requester)


def _quorum_reading(value: dict[str, object], them: bool, requester: bool) -> Interpretation:
    warnings = [APPROVERS_THEM] if them else []
    if requester:
        warnings.append("the rule that the requester may not approve is not held by the policy; only the count is")
    warnings.append("read by its parts: mints, people and threshold")
    return Interpretation((PolicyItem("mint_quorum", value),), tuple(warnings))


_JOINS = re.compile(r"\s*(?:;\s*(?:and\s+)?|,\s*(?:and|but|while|whereas|with)\s+|\.\s+)", re.I)


def _list_and_quorum(text: str, teams: Collection[str]) -> Interpretation | None:
    """'Only A, B and C may approve mints; where a mint exceeds 750 kgCO2e, two of them must approve.'"""
    for join in _JOINS.finditer(text):
        names = approvers(text[:join.start()], teams)
        if not names:
            continue
        tail = text[join.end():]
        if join.group(0).strip(" ,").lower() == "with":
            tail = re.sub(r"\bneeding\b|\brequiring\b", "needs", tail, flags=re.I)
        found = _quorum(tail, listed=len(names), teams=teams)
        if found is None:
            continue
        value, _, requester = found
        warnings = [f"read as: the quorum counts the {len(names)} listed people"]
        if requester:
            warnings.append("the rule that the requester may not approve is not held by the policy")
        return Interpretation((PolicyItem("mint_approvers", names), PolicyItem("mint_quorum", value)),
                              tuple(warnings))
    return None


def read(text: str, teams: Collection[str]) -> Interpretation | None:
    """The mint approvers and/or quorum ``text`` states read by its parts (see the module docstring), else None."""
    if not re.search(r"\bmint|\bminting\b", text, re.I):
        return None
    try:
        both = _list_and_quorum(text, teams)
        if both is not None:
            return both
        names = approvers(text, teams)
        if names:
            return Interpretation((PolicyItem("mint_approvers", names),),
                                  ("read by its parts: the act, who and that no one else may",))
        found = _quorum(text, teams=teams)
    except SentenceError:
        return None
    if found is None:
        return None
    return _quorum_reading(*found)
