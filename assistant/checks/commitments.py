"""Promises made without authority: price, discount, dates or scope.

Only Omni Leadership may commit pricing exceptions, dates or scope deviations.
A commitment is a sentence by someone at Omni, the external rep, or the note's
author (first person) that pairs a commitment phrase ("we'll", "I told them",
"guaranteed") with a price, date or scope object, and is not guarded ("can't
commit until the SME reviews", "pending approval").  A customer reporting
"your rep told us ..." counts, and so does a "yes" from Omni or the rep to a
customer's "can you get us certified by March?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..extract.rules.assess import State
from ..extract.rules.context import Context
from ..text import CUSTOMER, OMNI, REP, UNKNOWN, Sentence

__all__ = ["Commitment", "find_commitments"]


@dataclass(frozen=True)
class Commitment:
    sentences: tuple[Sentence, ...]
    kind: str  # "price", "dates" or "scope"


@lru_cache(maxsize=32)
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _object(ctx: Context, text: str) -> str | None:
    cues = ctx.bundle.signals.commitment
    if _re(cues.price_regex).search(text):
        return "price"
    if _re(cues.date_regex).search(text):
        return "dates"
    if _re(cues.scope_regex).search(text):
        return "scope"
    return None


def _guarded(ctx: Context, text: str) -> bool:
    return bool(_re(ctx.bundle.signals.commitment.guard_regex).search(text))


def _is_leadership(sentence: Sentence) -> bool:
    return sentence.role == OMNI and sentence.title == "leadership"


def find_commitments(ctx: Context) -> list[Commitment]:
    cues = ctx.bundle.signals.commitment
    commit_res = [_re(pattern) for pattern in cues.commit_regex]
    reported = _re(cues.reported_regex)
    admin = _re(cues.admin_regex)
    found: list[Commitment] = []
    for sentence in ctx.doc.sentences:
        text = sentence.text
        if _is_leadership(sentence):
            continue
        hits = [match for pattern in commit_res if (match := pattern.search(text))]
        committing = bool(hits)
        reporting = reported.search(text) is not None
        if not (committing or reporting or (sentence.role == CUSTOMER and sentence.is_question)):
            continue
        first = min((match.start() for match in hits), default=len(text))
        if ctx.assessor.third_party(sentence, sentence.start + first):
            continue  # "the last vendor promised us everything" (but "match the competitor's price" is ours)
        kind = _object(ctx, text)
        if kind is None or _guarded(ctx, text):
            continue
        if reporting:
            found.append(Commitment((sentence,), kind))
            continue
        if sentence.role == CUSTOMER:
            if sentence.is_question:
                reply = ctx.assessor.answer_to(sentence)
                if (
                    reply
                    and reply[0] is State.CONFIRMED
                    and reply[1].role in (OMNI, REP)
                    and not _is_leadership(reply[1])
                ):
                    answer = reply[1]
                    if not _guarded(ctx, " ".join(s.text for s in ctx.doc.turn_sentences(answer))):
                        found.append(Commitment((sentence, answer), kind))
            continue
        if sentence.role not in (OMNI, REP, UNKNOWN) or sentence.is_question:
            continue
        if not committing:
            continue
        if (
            admin.search(text)
            and kind == "dates"
            and not re.search(r"\b(?:certif|live|launch|go-live|production|l3|cert)\w*", text, re.IGNORECASE)
        ):
            continue  # "I'll send the deck by Friday"
        found.append(Commitment((sentence,), kind))
    return found
