"""Work the customer asks Omni to take on, and whose work it really is.

A request is a sentence where the customer (or the rep relaying them) asks
Omni to handle something ("can you guys take care of key injection?", "we'd
want Omni to own the gateway integration").  When the work belongs to the
terminal vendor, the KIF, the gateway or the processor (``policy/
responsibilities.toml``) it is a responsibility transfer.  An offer by someone
at Omni or the rep to absorb such work counts too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...schema import Field, FieldStatus
from ...text import CUSTOMER, OMNI, REP, UNKNOWN, Sentence
from .assess import State
from .context import Context, build_field
from .matcher import PhraseSet

__all__ = ["Request", "extract_requested_responsibilities", "find_requests"]

_DECLINE = re.compile(
    r"\b(?:don't|do\s+not|won't|will\s+not|no\s+need\s+(?:for|to)|not\s+(?:asking|looking\s+for|expecting)|"
    r"never|without)\b[^.;]{0,30}\b(?:need|want|ask|expect|you|omni)\b|\b(?:keep(?:ing)?|stays?|staying|remain(?:s|ing)?|"
    r"stick(?:ing)?)\b[^.;]{0,40}\bwith\b|\b(?:in-house|ourselves|our\s+own\s+team|themselves)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Request:
    sentence: Sentence
    item: str  # what is asked, in plain words
    owner: str | None  # terminal_vendor | kif | gateway | processor when the work is theirs
    offered: bool  # Omni or the rep offered to absorb it
    answer: Sentence | None = None


@lru_cache(maxsize=8)
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _owner_of(ctx: Context, text: str) -> tuple[str | None, str | None]:
    for owner in ctx.bundle.responsibilities:
        match = PhraseSet.of(owner.phrases).search(text)
        if match:
            return owner.owner, owner.label
    return None, None


def _item_after(text: str, cue_end: int) -> str:
    rest = re.split(r"[.;?!,]|\s[-–—]\s|\b(?:but|because|since|so that)\b", text[cue_end:], maxsplit=1)[0]
    words = rest.split()
    return " ".join(words[:10]).strip(" :")


def find_requests(ctx: Context) -> list[Request]:
    """Every request (or offer) to take on work, computed once per document."""
    cached = ctx.memo.get("requests")
    if cached is None:
        cached = ctx.memo["requests"] = _find_requests(ctx)
    return list(cached)  # type: ignore[call-overload]


def _find_requests(ctx: Context) -> list[Request]:
    signals = ctx.bundle.signals.responsibility
    request_re = _re(signals.request_regex)
    offer_re = _re(signals.offer_regex)
    out: list[Request] = []
    for sentence in ctx.doc.sentences:
        text = sentence.text
        role = sentence.role
        labelled = ctx.label_field(sentence) == "requested_responsibilities"
        request = request_re.search(text)
        offer = offer_re.search(text) if role in (OMNI, REP, UNKNOWN) else None
        asks_us = (
            role in (OMNI, REP) and sentence.is_question and re.search(r"\b(?:us|omni|we)\b", text, re.I)
        )
        if not (labelled or request or offer or asks_us):
            continue
        owner, label = _owner_of(ctx, text)
        if role in (OMNI, REP) and sentence.is_question:
            # "Do you want us to handle the key injection?" counts if the customer says yes
            if owner and re.search(r"\b(?:us|omni|we)\b", text, re.I):
                reply = ctx.assessor.answer_to(sentence)
                if reply and reply[0] is State.CONFIRMED:
                    out.append(Request(sentence, label or text, owner, False, reply[1]))
            continue
        if request and owner is None:
            # "Can you take that on?" / "can Omni push the firmware instead?" points at work named just before
            following = (
                ctx.doc.sentences[sentence.index + 1] if sentence.index + 1 < len(ctx.doc.sentences) else None
            )
            if sentence.is_question and following is not None and following.turn == sentence.turn:
                owner, label = _owner_of(
                    ctx, following.text
                )  # "Could that be part of what you do? You build..."
            previous = ctx.doc.sentences[sentence.index - 1] if sentence.index else None
            if owner is None and previous is not None and previous.turn == sentence.turn:
                item_words = {
                    w.lower() for w in re.findall(r"[A-Za-z]{5,}", _item_after(text, request.end()))
                }
                pronoun = re.match(r"\s*(?:that|it|this|those|them)\b", text[request.end() :], re.I)
                if pronoun or item_words & {w.lower() for w in re.findall(r"[A-Za-z]{5,}", previous.text)}:
                    owner, label = _owner_of(ctx, previous.text)
        if labelled:
            span = ctx.label_value(sentence)
            if span and not ctx.assessor.value_is_unknown(ctx.doc.text[span[0] : span[1]]):
                out.append(Request(sentence, label or ctx.doc.text[span[0] : span[1]].strip(), owner, False))
            continue
        if request and role in (CUSTOMER, UNKNOWN, REP) and not _DECLINE.search(text[: request.end() + 40]):
            if (
                role == REP
                and not re.search(r"\b(?:they|them|their|customer|client)\b", text, re.I)
                and not owner
            ):
                continue
            out.append(Request(sentence, label or _item_after(text, request.end()), owner, False))
        elif (
            offer
            and owner
            and not _DECLINE.search(text[max(0, offer.start() - 25) : offer.end() + 40])
            and not re.search(
                r"\b(?:can't|cannot|won't|not)\b[^.;]{0,15}\b(?:handle|do|cover|own|take)", text, re.I
            )
        ):
            out.append(Request(sentence, label or _item_after(text, offer.end()), owner, True))
    return out


def extract_requested_responsibilities(ctx: Context, requests: list[Request]) -> Field:
    items: list[str] = []
    quotes: list[str] = []
    for request in requests:
        if request.offered:
            continue
        item = request.item.strip()
        if item and item.lower() not in (existing.lower() for existing in items):
            items.append(item)
            quotes.append(ctx.quote_sentence(request.sentence))
    if not items:
        return Field()
    hedged = all(ctx.assessor.is_hedged_text(r.sentence.text) for r in requests if not r.offered)
    return build_field(items, FieldStatus.UNCERTAIN if hedged else FieldStatus.CONFIRMED, quotes)
