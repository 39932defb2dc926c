"""Cutting a policy text into sentences, and the matching form of a sentence.

``split_sentences`` cuts a text into sentences (on line breaks and on full stops followed by a
space); markdown headings, rules and code fences are layout, list markers and ``> `` quotes are
stripped, ``**``/``__``/backticks are ignored and ``<!-- comments -->`` are skipped with a warning.
``normalise`` gives the form every recogniser matches against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ALWAYS_CHANGES", "Sentence", "normalise", "split_sentences"]


ALWAYS_CHANGES = re.compile(r"""\bsub-(?:clusters?|fleets?|sites?|regions?|sets?|partitions?)\b
    |\b(?:we\s+)?(?:saw|seen)\b|\b(?:shortest|earliest|fewest)\b|\b(?:declined|voted\s+down|turned\s+down|refused\s+to)\b""",
                             re.I | re.X)
"""Words no reader may pass over: a part of the fleet ('the rendering sub-cluster'), something seen elsewhere ('a
deck we saw prices carbon at $190'), a floor ('the shortest time a job may be held'), a rule turned down ('The
directors declined to introduce an internal carbon price of $75/t')."""
_ASKS = re.compile(r"""^\W*(?:can|could|is|are|was|were|does|do|did|should|would|will|shall|might|has|have|what|who
    |whom|which|how|why)\b(?!\s*[:\-])(?!\s+not\b)""", re.I | re.X)
"""A question written without its question mark ('Can someone confirm whether the fleet cap is 800 kW')."""
_JOKE = re.compile(r"(?:^|\s)/s\b|\b(?:lol|lmao|jk|j/k|sarcas\w*|just\s+kidding|joking)\b"
                   r"|[\U0001F643\U0001F602\U0001F923\U0001F61C\U0001F609\U0001F60F\U0001F644]", re.I)
"""Markers of a joke or of sarcasm ('/s', 'lol', 'jk', an upside-down or winking face)."""
_HEARSAY = re.compile(r"""\b(?:says|said|thinks|thought|claims?|claimed|reckons?|believes?|told\s+(?:us|me)
    |according\s+to|reportedly|rumou?r\w*|heard|let's|let\s+us)\b""", re.I | re.X)
"""What someone else says or thinks, or a suggestion ('The colo vendor says the hall can take up to 2 MW', 'let's
cap the cluster at 5 kW')."""


@dataclass(frozen=True)
class Sentence:
    """A sentence as written (``text``) and normalised for matching (``norm``); ``line`` is 1-based."""

    line: int
    text: str
    norm: str
    continues: bool = False  # ends its line without punctuation and the next line goes on in lower case
    continued: bool = False  # starts a line that seems to continue the previous line

    def unreadable(self) -> str | None:
        """Why this sentence cannot be read on its own (part of a sentence wrapped over lines, or a
        question: "Does the research team need to be restricted to eu-north-1?" states no rule)."""
        if self.text.rstrip("*_`'\" )").endswith("?") or (_ASKS.match(self.text) and "?" not in self.text):
            return "a question, not a rule: state the constraint instead (e.g. 'Team data may only run in eu-west-1.')"
        if _JOKE.search(self.text):
            return "a joke or sarcasm, not a rule"
        if _HEARSAY.search(self.text):
            return "reported speech or a suggestion ('the vendor says', 'let's'), not a rule: state the constraint"
        if self.continues:
            return ("incomplete: the sentence seems to continue on the next line (no full stop, next line "
                    "starts in lower case); keep each constraint on one line")
        if self.continued:
            return ("incomplete: this line seems to continue the previous one; keep each constraint on one "
                    "line")
        return None


# -- splitting ----------------------------------------------------------------------------------
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"#")
_RULE = re.compile(r"(?:[-=*_]\s*){3,}|(?:```|~~~).*")
_SETEXT = re.compile(r"=+|-+")
_MARKER = re.compile(r"(?:[-*+\u2022]\s+|\d{1,3}[.)]\s+|>\s*)+")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=\S)")


def normalise(text: str) -> str:
    """Matching form of a sentence: no emphasis or backticks, plain quotes/dashes, single spaces,
    no trailing punctuation."""
    out = text.replace("**", "").replace("__", "").replace("`", "")
    out = out.replace("\u2019", "'").replace("\u2018", "'").replace("\u2212", "-")
    out = " ".join(re.sub(r"[\u2013\u2014]", " - ", out).split()).strip("*_ ")
    return out.rstrip(".!?;:, ").strip("*_ ")


def _runs_on(piece: str, nxt: str) -> bool:
    """True if ``piece`` ends its line mid-sentence and the next line carries on (lower case, no marker)."""
    ended = piece.rstrip("*_`")[-1:] in (".", "!", "?", ":", ";")
    return not ended and bool(nxt) and nxt[0].islower() and not _MARKER.match(nxt)


_ABBREVIATION = re.compile(
    r"(?:\b(?:i\.\s?e|e\.\s?g|a\.\s?m|p\.\s?m|vs|approx|cf|viz|incl|mr|mrs|ms|dr|st)|\b[A-Z])\.$", re.I)


_QUESTION = re.compile(r"q\s*[:.]\s*[^?]+\?", re.I)
_ANSWER = re.compile(r"a\s*[:.]", re.I)
_FAQ_QUESTION = re.compile(r"(?:who|where|what|what's|how\s+long|how\s+much|can|may|are|is)\b[^?]+\?", re.I)
_SHORT_ANSWER = re.compile(r"(?:(?!\b(?:discuss|tbd|unclear|unsure|maybe|perhaps)\b)[^?])+", re.I)
_EMPHASIS = re.compile(r"(?:period|full\s+stop|no\s+exceptions)[.!]?", re.I)


def _rejoin(pieces: list[str]) -> list[str]:
    """Glue back pieces split after an abbreviation ("i.e.", "e.g.", "a.m.") or an initial, an FAQ
    answer to its question ("Q: ...? A: ...", "Who can approve mints? Only sam and lena.") and a lone
    "Period." to the sentence it stresses."""
    out: list[str] = []
    for piece in pieces:
        faq = _FAQ_QUESTION.fullmatch(out[-1]) if out else None  # "Who can approve mints? Only sam and lena."
        if out and (_ABBREVIATION.search(out[-1]) or (_QUESTION.fullmatch(out[-1]) and _ANSWER.match(piece))
                    or (faq and _SHORT_ANSWER.fullmatch(piece) and len(piece.split()) <= 12)
                    or _EMPHASIS.fullmatch(piece)):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def split_sentences(text: str) -> tuple[list[Sentence], list[str]]:
    """Sentences of a policy text with their line numbers, plus warnings for skipped comments."""
    warnings: list[str] = []

    def blank(match: re.Match[str]) -> str:
        line = text.count("\n", 0, match.start()) + 1
        body = " ".join(match.group(0)[4:-3].split())
        warnings.append(f"line {line}: comment ignored (comments never hold constraints): {body[:80]!r}")
        return "\n" * match.group(0).count("\n")

    lines = _COMMENT.sub(blank, text).splitlines()
    out: list[Sentence] = []
    carried = False  # the previous content line continues onto this one
    for i, raw in enumerate(lines):
        stripped = raw.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        layout = not stripped or _HEADING.match(stripped) or _RULE.fullmatch(stripped)
        if layout or (nxt and _SETEXT.fullmatch(nxt) and not _MARKER.match(stripped)):
            carried = False
            continue  # blank, heading (also setext: text underlined by === or ---), rule or fence
        body = _MARKER.sub("", stripped, count=1) if _MARKER.match(stripped) else stripped
        pieces = [p for p in (p.strip() for p in _rejoin(_SPLIT.split(body))) if normalise(p)]
        for j, piece in enumerate(pieces):
            out.append(Sentence(line=i + 1, text=piece, norm=normalise(piece), continued=carried and j == 0,
                                continues=j == len(pieces) - 1 and _runs_on(piece, nxt)))
        carried = bool(pieces) and out[-1].continues
    return out, warnings
