"""Promises made without authority: price, discount, dates or scope.

Only Omni Leadership may commit pricing exceptions, dates or scope deviations.
Decided from the acts layer (:mod:`assistant.extract.rules.acts`):

* someone at Omni, the external rep, or the note's author makes a promise or an
  offer (act ``promise`` / ``offer``) whose object is a price, a date or scope;
* the customer reports one ("your rep told us ..."): a relay whose subject is on
  Omni's side (a target: "your rep", "your team", "Omni");
* Omni or the rep says yes (act ``agree``) to the customer's "can you get us
  certified by March?".

A decline, a deferral or a reported question by the one asked ("I can't commit",
"I'll take it back to leadership", "she asked whether...") stops it; hedging by
the promiser ("should be fine, I reckon") does not.  Where the lists find no
promise, the trained classifier (:mod:`assistant.extract.rules.act_model`) decides
Omni-side clauses that carry an object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..extract.rules.act_model import promise_probability
from ..extract.rules.acts import Clause, document_clauses
from ..extract.rules.assess import State
from ..extract.rules.context import Context
from ..text import CUSTOMER, OMNI, REP, UNKNOWN, Sentence

__all__ = ["Commitment", "find_commitments"]

_STOPS = ("decline", "defer", "enquire")
_RELAYER = re.compile(r"\b(?:he|she|they)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Commitment:
    sentences: tuple[Sentence, ...]
    kind: str  # "price", "dates" or "scope"
    by: str = UNKNOWN  # side of whoever promised (external_rep, omni, unknown)
    title: str | None = None  # Omni sub-role of the promiser, when known
    name: str | None = None  # the promiser's name as written, when known
    learned: bool = False  # decided by the classifier


def _object(ctx: Context, text: str, clauses: list[Clause] | None = None) -> str | None:
    """What is promised: a price, a date, or scope (another party's work named in the clauses is scope)."""
    kind = ctx.bundle.acts.promised_object(text)
    if kind is not None:
        return kind
    own = ctx.bundle.acts.omni_own_matcher
    if clauses and any(_promises_work(c) and own.search(c.text) is None for c in clauses):
        return "scope"
    return None


def _promises_work(clause: Clause) -> bool:
    """A promise or offer in the same clause as another party's work ("leave that bit with us")."""
    work = clause.work
    if not clause.has("promise", "offer") or work is None or work.owner is None:
        return False
    return work.via != "anaphora" or clause.has(
        "offer"
    )  # "that bit" needs an offer: "leave that bit with us"


def _is_leadership(sentence: Sentence) -> bool:
    return sentence.role == OMNI and sentence.title == "leadership"


def _reported(clause: Clause) -> bool:
    """ "Your rep told us ...", "they told us Omni would ...": a promise by Omni's side, reported."""
    relay = clause.acts.get("relay")
    if relay is None:
        return False
    if clause.target is not None and clause.target.start < relay.start:
        return True
    # "he told us 'we can definitely have that done by June'": a first-person promise, relayed
    promise = clause.acts.get("promise")
    after = clause.target is not None or (promise is not None and promise.end > relay.end)
    return after and _RELAYER.search(clause.sentence.text[clause.start : relay.start]) is not None


def _seller_words(ctx: Context, clauses: list[Clause]) -> bool:
    """A seller's promise to the listener ("you'll be live by...") outside any relay or ask."""
    if any(c.has("relay", "ask", "wish", "enquire") for c in clauses):
        return False
    matcher = ctx.bundle.acts.seller_only_matcher
    return any(matcher.search(c.text) is not None for c in clauses)


def _launch_date(ctx: Context, text: str) -> bool:
    """ "live by March", "certified before the holidays": going live right before a deadline word."""
    matchers = ctx.bundle.acts.object_matchers
    deadlines = matchers["deadline"].finditer(text)
    return any(0 <= d.start - hit.end <= 20 for hit in matchers["launch"].finditer(text) for d in deadlines)


def _asked_first(clauses: list[Clause], promise: object) -> bool:
    for clause in clauses:
        ask = clause.first("wish")  # "it'd be helpful if Omni can do the onboarding"
        hit = clause.first("promise", "offer")
        if ask is not None and hit is not None and ask.start <= hit.start:
            return True
    return False


def _who(sentence: Sentence) -> tuple[str, str | None, str | None]:
    speaker = sentence.speaker
    return sentence.role, sentence.title, speaker.name if speaker else None


def find_commitments(ctx: Context) -> list[Commitment]:
    """Every unapproved commitment in the document, with who made it."""
    return list(ctx.once("commitments", _find))


def _find(ctx: Context) -> list[Commitment]:
    by_sentence: dict[int, list[Clause]] = {}
    for clause in document_clauses(ctx):
        by_sentence.setdefault(clause.sentence.index, []).append(clause)
    found: list[Commitment] = []
    for clauses in by_sentence.values():
        sentence = clauses[0].sentence
        if _is_leadership(sentence):
            continue
        text = sentence.text
        promise = next((c.first("promise", "offer") for c in clauses if c.has("promise", "offer")), None)
        reporting = any(_reported(c) for c in clauses)
        if not (promise or reporting or (sentence.role == CUSTOMER and sentence.is_question)):
            learned = _learned(ctx, clauses)
            if learned is not None:
                found.append(learned)
            continue
        if (
            promise is not None
            and not reporting
            and ctx.assessor.third_party(sentence, sentence.start + promise.start)
        ):
            continue  # "the last vendor promised us everything"
        kind = _object(ctx, text, clauses)
        if kind is None or any(c.has(*_STOPS) for c in clauses):
            continue
        if reporting:
            found.append(Commitment((sentence,), kind, REP))
            continue
        if sentence.role == CUSTOMER and not sentence.is_question and _seller_words(ctx, clauses):
            # "we'll have you live before christmas": only a seller says that; the speaker was misread
            found.append(Commitment((sentence,), kind, UNKNOWN, None, _who(sentence)[2]))
            continue
        if sentence.role == CUSTOMER:
            answered = _agreed(ctx, sentence, kind) if sentence.is_question else None
            if answered is not None:
                found.append(answered)
            continue
        if sentence.role not in (OMNI, REP, UNKNOWN) or sentence.is_question:
            continue
        own_task = ctx.bundle.acts.omni_own_matcher.search(text)
        if own_task and kind == "dates" and not _launch_date(ctx, text):
            continue  # "I'll send the deck by Friday", "recap by Thursday"
        if _asked_first(clauses, promise):
            continue  # "it'd be helpful if Omni can do the onboarding": an ask, not a promise
        found.append(Commitment((sentence,), kind, *_who(sentence)))
    return found


def _agreed(ctx: Context, question: Sentence, kind: str) -> Commitment | None:
    """A yes from Omni or the rep to the customer's "can you get us certified by March?"."""
    reply = ctx.assessor.answer_to(question)
    if not reply or reply[0] is not State.CONFIRMED:
        return None
    answer = reply[1]
    if answer.role not in (OMNI, REP) or _is_leadership(answer):
        return None
    turn = ctx.doc.turn_sentences(answer)
    stopped = any(clause.has(*_STOPS) for clause in document_clauses(ctx) if clause.sentence in turn)
    if stopped:
        return None
    return Commitment((question, answer), kind, *_who(answer))


def _learned(ctx: Context, clauses: list[Clause]) -> Commitment | None:
    """The classifier's promise on an Omni-side, first-person clause with an object and no stop."""
    sentence = clauses[0].sentence
    if sentence.role not in (OMNI, REP) or sentence.is_question or any(c.has(*_STOPS) for c in clauses):
        return None
    threshold = ctx.bundle.acts.classifier.promise_threshold
    for clause in clauses:
        if not clause.first_person:
            continue
        kind = _object(ctx, clause.text, [clause])
        if kind is not None and promise_probability(ctx, clause) >= threshold:
            return Commitment((sentence,), kind, *_who(sentence), learned=True)
    return None
