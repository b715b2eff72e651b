"""Work the customer asks Omni to take on, and whose work it really is.

Decided from the acts layer (:mod:`.acts`), never from whole-sentence phrases:
a request is a clause whose act is an ask, a wish or a relayed expectation, said
by the customer side (or the rep or a third party relaying them), aimed at Omni
or naming work for Omni, and not kept by the customer ("we'll do that
ourselves").  Its work item and owner come from the same layer: a phrase of
``policy/responsibilities.toml``, a named party's work ("Verifone's re-cert",
"their side of host testing"), or work named a sentence or two before ("that
part").  When the owner is the terminal vendor, the KIF, the gateway or the
processor it is a responsibility transfer.  An offer by someone at Omni or the rep
to absorb such work counts too.  Where the phrase lists find no act, the trained
classifier (:mod:`.act_model`) decides clauses that name another party's work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...policy.acts import words_of
from ...schema import Field, FieldStatus
from ...text import CUSTOMER, OMNI, REP, UNKNOWN, Sentence
from .act_model import request_probability
from .acts import Clause, WorkItem, document_clauses, work_in
from .assess import State
from .context import Context, build_field

__all__ = ["Request", "extract_requested_responsibilities", "find_requests"]

_RELAYING = re.compile(r"\b(?:they|them|their|customer|client|he|she)\b", re.IGNORECASE)
_US = re.compile(r"\b(?:us|omni|we)\b", re.IGNORECASE)
_ITEM_END = re.compile(r"[.;?!,]|\s[-–—]\s|\b(?:but|because|since|so that)\b")
_ASKING_SIDES = (CUSTOMER, UNKNOWN, REP)
_LIGHT = frozenset(
    {
        "take",
        "that",
        "this",
        "them",
        "those",
        "over",
        "part",
        "piece",
        "bits",
        "start",
        "also",
        "just",
        "please",
        "with",
        "from",
        "about",
        "really",
        "maybe",
        "care",
        "there",
        "here",
        "well",
    }
)
_SURE = 0.9  # the model's probability that lets it resolve an anaphor ("could u lot own that bit")


@dataclass(frozen=True)
class Request:
    sentence: Sentence
    item: str  # what is asked, in plain words
    owner: str | None  # terminal_vendor | kif | gateway | processor when the work is theirs
    offered: bool  # Omni or the rep offered to absorb it
    answer: Sentence | None = None
    speaker: str = UNKNOWN  # side of whoever asked or offered
    learned: bool = False  # decided by the classifier, not by the phrase lists


def _item_after(text: str, cue_end: int) -> str:
    rest = _ITEM_END.split(text[cue_end:], maxsplit=1)[0]
    return " ".join(rest.split()[:10]).strip(" :")


def find_requests(ctx: Context) -> list[Request]:
    """Every request (or offer) to take on work, computed once per document."""
    return list(ctx.once("requests", _find_requests))


def _find_requests(ctx: Context) -> list[Request]:
    out: list[Request] = []
    labelled_done: set[int] = set()
    for clause in document_clauses(ctx):
        sentence = clause.sentence
        if ctx.label_field(sentence) == "requested_responsibilities":
            if sentence.index not in labelled_done:
                labelled_done.add(sentence.index)
                request = _labelled(ctx, sentence)
                if request is not None:
                    out.append(request)
            continue
        request = _request_of(ctx, clause)
        if request is not None:
            out.append(request)
    return out


def _labelled(ctx: Context, sentence: Sentence) -> Request | None:
    """A "Requested: ..." note line is a request by definition."""
    span = ctx.label_value(sentence)
    if not span or ctx.assessor.value_is_unknown(ctx.doc.text[span[0] : span[1]]):
        return None
    work = work_in(ctx, sentence)
    item = ctx.doc.text[span[0] : span[1]].strip()
    owner = work.owner if work else None
    return Request(sentence, work.label if work and owner else item, owner, False, speaker=sentence.role)


def _request_of(ctx: Context, clause: Clause) -> Request | None:
    sentence = clause.sentence
    side = clause.side
    work = clause.work
    owner = work.owner if work else None
    if side in (OMNI, REP) and clause.question:
        # "Do you want us to handle the key injection?" counts when the customer says yes
        if owner and _US.search(clause.text):
            reply = ctx.assessor.answer_to(sentence)
            if reply and reply[0] is State.CONFIRMED:
                return Request(sentence, _label(work, clause), owner, False, reply[1], speaker=reply[1].role)
        return None
    if side in (CUSTOMER, UNKNOWN) and clause.has("check_back"):
        return None  # "you'd want us to move processing to you?": the customer checks, it asks nothing
    asked = clause.first("ask", "wish") or (clause.first("relay") if clause.target else None)
    if side in (OMNI, REP, UNKNOWN) and not clause.question and "ask_us" in clause.acts:
        asked = clause.acts["ask_us"]  # "they'd like us to handle the Adyen side"
        side = REP if side == OMNI else side
    keep = clause.acts.get("keep")
    # the customer keeping the work ("we'll do it ourselves"); from Omni's side only a "no need" before the ask
    kept = keep is not None and (
        clause.side in (CUSTOMER, UNKNOWN) or (asked is not None and keep.start < asked.start)
    )
    if asked is not None and side in _ASKING_SIDES and not kept:
        if owner is None:
            # "You handle everything - the certification, the host tests, the key loading": the object follows
            rest = work_in(ctx, sentence, clause.end, len(sentence.text))
            if rest is not None and rest.owner is not None:
                work, owner = rest, rest.owner
        if owner is None and (clause.question or "wish" in clause.acts):
            # "Could that be part of what you do? You build...", "we want one vendor. Including the re-cert"
            following = _following_work(ctx, sentence)
            if following is not None and following.owner is not None:
                work, owner = following, following.owner
        if (
            side == REP
            and not _RELAYING.search(clause.text)
            and (work is None or owner is None or work.via == "anaphora")
        ):
            return None  # the rep's own words, not a relayed ask
        if owner:
            return Request(sentence, _label(work, clause), owner, False, speaker=side)
        item = _item_after(sentence.text, asked.end)
        return Request(sentence, item, None, False, speaker=side) if _is_work(ctx, clause, item) else None
    offer = clause.first("offer")
    if offer is not None and owner and side in (OMNI, REP, UNKNOWN) and not clause.has("decline", "keep"):
        return Request(sentence, _label(work, clause), owner, True, speaker=side)
    learned = (
        asked is None
        and work is not None
        and owner
        and (work.via != "anaphora" or probability(ctx, clause) >= _SURE)  # "that bit" needs a sure model
        and clause.target is not None
        and side in _ASKING_SIDES
        and not clause.has("keep", "decline", "offer")
    )
    if learned and probability(ctx, clause) >= ctx.bundle.acts.classifier.request_threshold:
        return Request(sentence, _label(work, clause), owner, False, speaker=side, learned=True)
    return None


def probability(ctx: Context, clause: Clause) -> float:
    """The classifier's request probability for a clause (memoised: clauses are scored at most once)."""
    memo = ctx.memo.setdefault("request-probability", {})
    assert isinstance(memo, dict)
    key = (clause.sentence.index, clause.start)
    if key not in memo:
        memo[key] = request_probability(ctx, clause)
    return float(memo[key])


def _is_work(ctx: Context, clause: Clause, item: str) -> bool:
    """An item of Omni's own work worth listing: not a price ask, an admin task or a bare pronoun."""
    vocabulary = ctx.bundle.acts
    if not [word for word in words_of(item) if len(word) >= 4 and word not in _LIGHT]:
        return False  # "take it", "start"
    if vocabulary.omni_own_matcher.search(item) is not None:
        return False  # "share the proposal", "confirm a few things"
    return vocabulary.promised_object(clause.text) != "price" and vocabulary.pricing_ask(clause.text) is None


def _label(work: WorkItem | None, clause: Clause) -> str:
    return work.label if work is not None else clause.text.strip()


def _following_work(ctx: Context, sentence: Sentence) -> WorkItem | None:
    following = ctx.doc.sentences[sentence.index + 1] if sentence.index + 1 < len(ctx.doc.sentences) else None
    if following is None or following.turn != sentence.turn:
        return None
    return work_in(ctx, following)


def extract_requested_responsibilities(ctx: Context, requests: list[Request]) -> Field:
    """The field: every piece of work asked of Omni (offers are not asks)."""
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
