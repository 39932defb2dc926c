"""Mint approvers and mint quorums read by their parts (copilot.policy.mint_slots), and the people in an
approver list (``mint_slots.people``). Sentences written for this test (not from bench/policy_eval); each
positive checks the exact constraint, each refusal that nothing at all is set.
"""

from __future__ import annotations

from typing import Any

import pytest

from copilot.policy import parse_policy_text
from copilot.policy.framing import unframe
from copilot.policy.mint_slots import people, read
from copilot.policy.parser import interpret_sentence, normalise
from copilot.policy.values import SentenceError
from copilot.policy.vocab import KNOWN_TEAMS, canonical


def _read(text: str) -> dict[str, Any]:
    return {i.field: i.value for i in interpret_sentence(normalise(text)).items}


def _q(k: int, above: float | None = None, unit: str | None = None) -> dict[str, Any]:
    return {"mint_quorum": {"approvers": k, **({"above": above, "unit": unit} if above is not None else {})}}


@pytest.mark.parametrize("text, expected", [
    # approvers: the act, an exclusivity marker and people, in any order
    ("Nobody but carol@example.org can approve a mint.", {"mint_approvers": ["carol@example.org"]}),
    ("No one except dana and eli may sign off on mints.", {"mint_approvers": ["dana", "eli"]}),
    ("Sign-off on mints is reserved for Anna van der Berg and José Álvarez.",
     {"mint_approvers": ["Anna van der Berg", "José Álvarez"]}),
    ("The right to approve mints rests solely with priya.", {"mint_approvers": ["priya"]}),
    ("Mint approval authority is vested exclusively in the treasurer, Jane O'Brien.",
     {"mint_approvers": ["Jane O'Brien"]}),
    ("Mints may be countersigned only by Kofi Mensah or Lara Croft.",
     {"mint_approvers": ["Kofi Mensah", "Lara Croft"]}),
    ("The designated approvers for token mints are Sven Larsen (Finance) and Mei Lin (Legal).",
     {"mint_approvers": ["Sven Larsen", "Mei Lin"]}),
    ("Sven Larsen and Mei Lin alone may approve mints.", {"mint_approvers": ["Sven Larsen", "Mei Lin"]}),
    ("Kim Park and Lee Chen are the only ones who can sign off on a mint.",
     {"mint_approvers": ["Kim Park", "Lee Chen"]}),
    ("Eva is the only one who may approve mints.", {"mint_approvers": ["Eva"]}),
    ("Mint approvers: the CFO (Ruth Adler), the COO (Omar Haddad).",
     {"mint_approvers": ["Ruth Adler", "Omar Haddad"]}),
    ("Token minting may be authorised exclusively by ops@acme.example.", {"mint_approvers": ["ops@acme.example"]}),
    ("Only the Head of Finance, Grace Hopper, may approve mints.", {"mint_approvers": ["Grace Hopper"]}),
    ("mint sign-offs: ravi, sue or tom, nobody else", {"mint_approvers": ["ravi", "sue", "tom"]}),
    ("Mint approvals are restricted to Chen Wei, General Counsel, and Ada Lovelace, CTO.",
     {"mint_approvers": ["Chen Wei", "Ada Lovelace"]}),
    ("Approval of mints is the sole responsibility of maria.", {"mint_approvers": ["maria"]}),
    ("Alice Wong and Bob Stone are authorised to approve mints; no one else is.",
     {"mint_approvers": ["Alice Wong", "Bob Stone"]}),
    ("Mints must be approved by marta or yusuf, nobody else.", {"mint_approvers": ["marta", "yusuf"]}),
    ("Mints require the signature of the CFO, Priya Raman.", {"mint_approvers": ["Priya Raman"]}),
    ("Sole approver for mints: Eva Lindqvist.", {"mint_approvers": ["Eva Lindqvist"]}),
    ("Only alice and bob have mint approval rights.", {"mint_approvers": ["alice", "bob"]}),
    ("Only Dr. Ana Silva may approve mints.", {"mint_approvers": ["Ana Silva"]}),
    ("Only Siobhán Ní Bhriain and D'Arcy McAllister may approve mints.",
     {"mint_approvers": ["Siobhán Ní Bhriain", "D'Arcy McAllister"]}),
    # quorum: a count, an optional threshold, and nothing else
    ("Any mint exceeding 40 MWh needs sign-off from no fewer than three distinct officers.",
     _q(3, 40000.0, "kWh")),
    ("A mint is only valid once two separate signatories have approved it.", _q(2)),
    ("For mints larger than 2 t CO2e, a four-eyes check is mandatory.", _q(2, 2000.0, "kgCO2e")),
    ("Mints above 500 kgCO2e are subject to the two-man rule.", _q(2, 500.0, "kgCO2e")),
    ("Mints in excess of 1 GWh require five signatures.", _q(5, 1e6, "kWh")),
    ("Mints ≥ 10 MWh need 2 approvals.", _q(2, 10000.0, "kWh")),
    ("Mint requests over 250 kWh require dual control.", _q(2, 250.0, "kWh")),
    ("Minting more than 5 t CO2e worth of tokens needs the sign-off of three different people.",
     _q(3, 5000.0, "kgCO2e")),
    ("No mint over 500 kWh may be issued without two approvals.", _q(2, 500.0, "kWh")),
    ("Each and every mint, irrespective of its size, shall carry the signatures of 4 approvers.", _q(4)),
    ("Mints of more than 5 MWh need three approvers, none of whom may be the requester.", _q(3, 5000.0, "kWh")),
    # a list and a quorum that counts it
    ("Only ivan, judy and karl may approve mints; any mint over 1 MWh needs two of them.",
     {"mint_approvers": ["ivan", "judy", "karl"], **_q(2, 1000.0, "kWh")}),
    ("Only ivan and judy may approve mints; mints above 1 MWh need both of them.",
     {"mint_approvers": ["ivan", "judy"], **_q(2, 1000.0, "kWh")}),
])
def test_read_by_parts(text: str, expected: dict[str, Any]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize("text", [
    # not an allow-list of people
    "Mallory must never approve mints.",
    "Alice may also approve mints.",
    "Bob may approve mints too.",
    "Alice may approve mints.",
    "Alice Wong and Bob Stone are authorised to approve mints.",
    "Alice may only approve mints.",
    "Anyone except mallory may approve mints.",
    "Mints must be approved by alice and bob.",  # both of them, or either?
    # conditions, wishes, plans, the past
    "If alice is away, bob may approve mints.",
    "Only alice may approve mints when bob is on leave.",
    "Mints should ideally be approved by alice only.",
    "We propose that only alice approves mints.",
    "Only alice used to approve mints.",
    "Currently only alice approves mints.",
    "Only alice and bob may approve mints until March.",
    "Only alice may approve mints above 1 MWh.",
    # roles and groups are not people; names that are not plain
    "Only the CFO may approve mints.",
    "Only finance may approve mints.",
    "Only admins may approve mints.",
    "Only the CFO and Priya Raman may approve mints.",
    "Only alice, the CFO, and bob may approve mints.",
    "Only @sam and @lena may approve mints.",
    "Only Priya Raman (priya@x.example) may approve mints.",
    "Only alice, and temporarily bob, may approve mints.",
    "Mint approvers: alice and Bob Smith (from March).",
    # quorums the policy cannot hold as written
    "Mints need at most two approvers.",
    "Mints above 1 MWh need up to three approvers.",
    "Mints need one approver.",
    "Mints above 1 MWh need seven approvers.",
    "Mints need two approvers unless they are under 1 MWh.",
    "Mints above 1 MWh need two approvers if the requester is a contractor.",
    "Mints above 40 MWh need two approvers: ana and bo.",
    "Mints need two approvers from finance.",
    "Mints above 5 MWh will need three approvers next year.",
    "The two-person rule no longer applies to mints.",
    "Mints above 1 MWh need two approvers, one of whom may be the requester.",
    "Only ivan and judy may approve mints, with every mint over 2 MWh requiring approval from all three.",
])
def test_refused(text: str) -> None:
    report = parse_policy_text(text, "t")
    assert not report.clauses, report.clauses
    assert report.unrecognised and report.unrecognised[0].reason


@pytest.mark.parametrize("raw, expected", [
    ("alice, bob and carol@example.com", ["alice", "bob", "carol@example.com"]),
    ("Helen Marsh (QA Director) and Kenji Watanabe (Compliance Lead)", ["Helen Marsh", "Kenji Watanabe"]),
    ("the CFO, Priya Raman, and the Head of Treasury, Tomás Ortega", ["Priya Raman", "Tomás Ortega"]),
    ("ops@x.example and with Chen Wei, General Counsel", ["ops@x.example", "Chen Wei"]),
    ("either j.muller or a.rossi", ["j.muller", "a.rossi"]),
    ("Margaret O'Neill; Oluwaseun Adeyemi", ["Margaret O'Neill", "Oluwaseun Adeyemi"]),
])
def test_people(raw: str, expected: list[str]) -> None:
    assert people(raw, label=False) == expected


@pytest.mark.parametrize("raw", ["the CFO", "finance", "alice, the CFO, and bob", "the CFO, Priya Raman",
                                 "alice (or bob)", "both alice and bob", "Only sam", "reviewers"])
def test_not_people(raw: str) -> None:
    with pytest.raises(SentenceError):
        people(raw)


@pytest.mark.parametrize("text", [
    "Mints by the ml team need two approvers.",  # one team's mints
    "Mints above 1 MWh used to need two approvers.",  # the past
    "Mints above 40 MWh need two approvers when a contractor asks.",
    "Every mint gets two approvals.",  # a description, not a requirement
    "Only ivan and judy may approve mints; mints above 1 MWh need three of them.",  # more than are named
    "Alice and bob must jointly approve mints above 1 MWh.",
])
def test_the_reader_by_parts_refuses(text: str) -> None:
    """Sentences the reader by parts refuses on its own (another reader may still be asked first)."""
    assert read(canonical(unframe(canonical(normalise(text)))), KNOWN_TEAMS) is None


# -- round 2: classes of wording (negated universals, list labels, restated counts, asides) ----------------
@pytest.mark.parametrize("text, expected", [
    ("No mint may be approved by anyone except Rosa Diaz.", {"mint_approvers": ["Rosa Diaz"]}),
    ("No mint shall be signed off by anybody other than kai or lin.", {"mint_approvers": ["kai", "lin"]}),
    ("Mints must not be approved by anyone but omar@corp.example.", {"mint_approvers": ["omar@corp.example"]}),
    ("Mints cannot be authorised by anyone besides Nina Berg.", {"mint_approvers": ["Nina Berg"]}),
    ("No person other than zoe may approve mints.", {"mint_approvers": ["zoe"]}),
    ("No employee other than Ravi Shah can sign off on a mint.", {"mint_approvers": ["Ravi Shah"]}),
    ("Only treasury-lead@bank.example may approve mints on behalf of the Bank.",
     {"mint_approvers": ["treasury-lead@bank.example"]}),
    ("Only mia and noah may sign off on mints for and on behalf of the Company.", {"mint_approvers": ["mia", "noah"]}),
    ("Approval of mints is reserved to the two controllers: hana and ivo.", {"mint_approvers": ["hana", "ivo"]}),
    ("The authority to approve a mint is limited to our 3 custodians: a.b@x.example, c.d@x.example and e@x.example.",
     {"mint_approvers": ["a.b@x.example", "c.d@x.example", "e@x.example"]}),
    ("Mints shall be approved only by the Bank's appointed signatories, namely Ola Nordmann and Kari Hansen.",
     {"mint_approvers": ["Ola Nordmann", "Kari Hansen"]}),
    ("Mints may be approved solely by our approvers, i.e. tom and una.", {"mint_approvers": ["tom", "una"]}),
    ("Mint approvers: pia@x.example; quinn@x.example; rex@x.example.",
     {"mint_approvers": ["pia@x.example", "quinn@x.example", "rex@x.example"]}),
    ("Mint sign-off authority: sol; tia; uri.", {"mint_approvers": ["sol", "tia", "uri"]}),
    ("Every mint needs approval from two different people, no matter its size.", _q(2)),
    ("Each mint requires three sign-offs, of any size.", _q(3)),
    ("Any mint above 20 MWh needs 2 approvals from separate people.", _q(2, 20000.0, "kWh")),
    ("No mint above 2 t CO2e may be approved by fewer than three distinct approvers.", _q(3, 2000.0, "kgCO2e")),
    ("No mint shall be signed off with fewer than 2 approvals.", _q(2)),
    ("No mint is final until three separate people have signed it off.", _q(3)),
    ("No mint becomes valid unless approved by two people.", _q(2)),
    ("No mint over 900 kWh may proceed without two approvals.", _q(2, 900.0, "kWh")),
    ("Minting over 4 MWh of certified savings requires the consent of two approvers.", _q(2, 4000.0, "kWh")),
    ("mints over 250 kgCO2e need 2 pairs of eyes (2 different people)", _q(2, 250.0, "kgCO2e")),
    ("mints above 1 MWh need 3 ppl to approve (can't be the same person twice)", _q(3, 1000.0, "kWh")),
    ("Mints over 5 MWh need two approvals, never the same person twice.", _q(2, 5000.0, "kWh")),
    ("Mint approvals are handled exclusively by lucia and max.", {"mint_approvers": ["lucia", "max"]}),
    ("The authority to approve mints belongs solely to Ines Costa.", {"mint_approvers": ["Ines Costa"]}),
    ("Exclusive mint approvers are lucia and max.", {"mint_approvers": ["lucia", "max"]}),
    ("Sign-off on any mint must come from lucia or max.", {"mint_approvers": ["lucia", "max"]}),
    ("Token mints must be approved by one of: lucia, max, nora.", {"mint_approvers": ["lucia", "max", "nora"]}),
    ("A mint can only go through with two approvals.", _q(2)),
    ("Two approvers required for mints over 5 MWh.", _q(2, 5000.0, "kWh")),
    ("Every mint is required to have two approvals.", _q(2)),
    ("Approval rights for mints sit with ana and bo only.", {"mint_approvers": ["ana", "bo"]}),
    ("ana is our sole mint approver.", {"mint_approvers": ["ana"]}),
    ("Approvers of token mints shall be limited to ana and bo.", {"mint_approvers": ["ana", "bo"]}),
    ("Mint quorum: 3.", _q(3)),
    ("Minimum approvers per mint: 2.", _q(2)),
])
def test_round_two_read(text: str, expected: dict[str, Any]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize("text", [
    "Mints may be approved by anyone except mallory.",  # a deny rule, not an allow-list
    "Anybody other than mallory may approve mints.",
    "No mint may be approved by anyone except Rosa Diaz until June.",
    "No mint may be approved by anyone except Rosa Diaz if she is in office.",
    "No mint may be approved by anyone except Rosa Diaz's deputy.",
    "Only kai may approve mints on behalf of the ml team.",  # one team's mints
    "Only kai may approve mints on behalf of the Berlin office.",
    "Only kai may approve mints on behalf of the Bank until March.",
    "Approval of mints is reserved to the three controllers: hana and ivo.",  # the count does not fit
    "Approval of mints is reserved to the two controllers: hana, ivo and jan.",
    "Mints may be approved by our approvers, i.e. tom and una.",  # no exclusivity
    "Mint approvers: pia; the CFO; rex.",
    "Every mint needs approval from two finance people.",
    "Every mint needs two approvals, whatever the team.",
    "No mint may be approved by more than two people.",
    "No mint above 2 t CO2e may be approved by fewer than three approvers unless urgent.",
    "No mint is valid until the CFO has approved it.",
    "No mint is valid until two people have approved it, except in an emergency.",
    "mints over 250 kgCO2e need 2 pairs of eyes (3 different people)",
    "mints over 250 kgCO2e need 2 approvals (one from finance)",
    "Minting over 4 MWh of savings should require the consent of two approvers.",
    "Minting over 4 MWh of savings used to require the consent of two approvers.",
    "Mints over 5 MWh need two approvals, not from the same team.",
    "Each mint needs sign-off from two different people, whatever its size, if the requester is external.",
    "No mint over 900 kWh may proceed without two approvals from the ml team.",
    "Sign-off on any mint may come from lucia.",  # a permission, not the list
    "Every mint can get two approvals.",
    "Mint approvals are handled by lucia and max.",  # who does it today, not who alone may
    "Mint approvers: alice, bob (TBD).",  # tentative
    "Mint approvers: alice, bob (to be confirmed).",
    "Mint approvers: alice, Bob Stone (pending).",
    "Mints over 5 MWh needed two approvers.",  # the past
    "Mints over 5 MWh required the approval of two people.",
    "Mints above 5 MWh to need two approvers.",  # a plan
    "Minimum approvers per mint: 2 (3 for large mints).",
    "Mint quorum: 1.",
    "Mint quorum: 3 for the ml team.",
])
def test_round_two_refused(text: str) -> None:
    report = parse_policy_text(text, "t")
    assert not report.clauses, report.clauses


# -- round 3: every word outside the meaning-changer classes is neutral ---------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Heads up: mints above 2 MWh need three distinct approvers, period.",
     {"mint_quorum": {"approvers": 3, "above": 2000.0, "unit": "kWh"}}),
    ("Any mint larger than 900 kWh requires sign-off by two separate humans, as a safeguard.",
     {"mint_quorum": {"approvers": 2, "above": 900.0, "unit": "kWh"}}),
    ("Each mint needs two approvers before it hits the ledger.", {"mint_quorum": {"approvers": 2}}),
    ("Only alice, bob and carol may approve mints, fyi.", {"mint_approvers": ["alice", "bob", "carol"]}),
    ("Only alice and bob may approve mints - see the wiki for details.", {"mint_approvers": ["alice", "bob"]}),
    ("Per policy, only alice and bob may approve mints.", {"mint_approvers": ["alice", "bob"]}),
    ("Only alice and bob may ever approve a mint.", {"mint_approvers": ["alice", "bob"]}),
    ("Only alice and bob may approve mints at all times.", {"mint_approvers": ["alice", "bob"]}),
    ("Only alice or bob may give the final green light on mints.", {"mint_approvers": ["alice", "bob"]}),
    ("Mints over 2 MWh need two approvers (segregation of duties).",
     {"mint_quorum": {"approvers": 2, "above": 2000.0, "unit": "kWh"}}),
])
def test_round_three_neutral_words_read(text: str, expected: dict[str, Any]) -> None:
    assert {i.field: i.value for i in interpret_sentence(normalise(text)).items} == expected


@pytest.mark.parametrize("text", [
    "Mints over 2 MWh need two approvers from Finance.",
    "Mints over 2 MWh need two approvers during the pilot.",
    "Mints over 2 MWh will need two approvers next quarter.",
    "Large mints need three approvers.",  # which are large?
    "Mints on the staging cluster need two approvers.",
    "Mints over 2 MWh need two approvers, one of whom is the CFO.",
    "Mints over 2 MWh need up to three approvers.",
    "Mints over 2 MWh need two approvers or one director.",
    "Orion mints need two approvers.",  # a name: a cluster or a team
    "Mints over 2 MWh ideally get two approvers.",
    "Mints over 2 MWh need two approvers on weekends.",
    "Mints need two approvers per day.",
    "Mints over 2 MWh need two ML approvers.",
    "Mint approvers: alice, bob, carol, dave smith",  # the last item is a person, not a remark
    "Only alice and bob may approve mints, dave too.",
    "Only alice and bob may approve mints, for now.",
    "Only alice and bob may approve mints, as of March.",
    "Only alice and bob may approve mints, in the staging cluster.",
    "Only alice and bob may approve mints, for the ml team.",
    "Only alice and bob may approve mints, pending review.",
    "Only alice and bob may approve mints, for large mints.",
    "Per policy, only alice and bob may approve mints during the pilot.",
    "Per policy, alice may approve mints.",  # a permission, not the list
    "Only alice and bob may give the go-ahead to mints, and dave too.",
    "Mints over 2 MWh need two approvers in emergencies.",
    "Mints over 2 MWh need two approvers barring emergencies.",
    "Mints over 2 MWh need two approvers by default.",
    "Mints over 2 MWh need two approvers beginning in spring.",
    "Mints over 2 MWh need two approvers from outside the requesting group.",
    "Only alice and bob may approve mints, in principle.",  # a hedge in a remark
    "Only alice and bob may approve mints, in most cases.",
    "Only alice and bob may approve mints, as a rule.",
    "Only alice and bob may approve mints, following the reorg.",
    "Only alice and bob may approve mints, as things stand.",
])
def test_round_three_changers_refused(text: str) -> None:
    report = parse_policy_text(text, "t")
    assert not report.clauses, report.clauses
