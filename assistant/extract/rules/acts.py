"""The acts layer: what each clause does, who does it, to whom, and whose work it is.

Computed once per document (memoised on the :class:`Context`), after speakers,
sentences, mentions and cues, the way a spaCy component adds to a Doc.  Each
clause records its parts:

* ``side``: who speaks (``sentence.role``: customer, omni, external_rep, unknown...);
* ``acts``: ask, wish, relay, offer, promise, agree, decline, defer, withdraw, keep,
  enquire (``policy/acts.toml``);
* ``target``: Omni as the one asked ("you", "your team", "you lot", "Omni");
* ``work``: the work item and its owner (``policy/responsibilities.toml``, a named
  party's work, "their side", or work named a sentence or two before: "that part");
* ``request_score``: the trained sentence classifier's probability that the clause
  asks Omni to take the work on (only computed for candidate clauses).

Requests, commitments and pricing asks are decided from these parts by the
extractors and the checks; none of them re-scans the text with its own phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...policy.acts import ActScanner, ActVocabulary, GapHit
from ...text import OMNI, Sentence
from .context import Context

__all__ = ["FIRST_PERSON", "MODAL", "Clause", "WorkItem", "clauses_of", "document_clauses", "work_in"]

# where one clause ends and the next begins inside a sentence ("..., but I can't commit")
# each break starts where a run of whitespace starts, and the runs are possessive: linear in any text
_CLAUSE_BREAK = re.compile(
    r"(?<!\s)(?:\s*+[,;:])?\s++(?=(?:but|though|although|however|whereas)\b)|(?<!\s)\s*+;\s*+|\s[-–—]\s"
)
_POSSESSIVE = re.compile(r"^['’]s?\b")
FIRST_PERSON = re.compile(r"\b(?:i|we|i'?ll|we'?ll|i'?d|we'?d|us|our|omni)\b", re.IGNORECASE)
MODAL = re.compile(
    r"\b(?:can|could|would|will|should|might|may|'ll|'d|must|need|needs|want|wants)\b", re.IGNORECASE
)
_SIDE_WORDS = frozenset({"side", "end", "part", "bit", "piece", "portion"})
_LOOKBACK = 2
# owner phrases per policy bundle (the list object is kept to detect a reused id)
_OWNER_SCANNERS: dict[
    int, tuple[object, ActScanner, list[tuple[str, str]]]
] = {}  # sentences an anaphor ("that part") may reach back


@dataclass(frozen=True)
class WorkItem:
    """A piece of work and (when it is another party's) its owner."""

    label: str
    owner: str | None  # terminal_vendor | kif | gateway | processor, or None
    sentence: Sentence  # where the work is named (may be before the clause)
    via: str  # "phrase", "party", "anaphora"


@dataclass(frozen=True)
class Clause:
    """One clause of a sentence with its annotations."""

    sentence: Sentence
    start: int  # offsets into sentence.text
    end: int
    acts: dict[str, GapHit]
    target: GapHit | None
    work: WorkItem | None
    question: bool

    @property
    def text(self) -> str:
        return self.sentence.text[self.start : self.end]

    @property
    def side(self) -> str:
        return self.sentence.role

    @property
    def leadership(self) -> bool:
        return self.sentence.role == OMNI and self.sentence.title == "leadership"

    def has(self, *names: str) -> bool:
        return any(name in self.acts for name in names)

    def first(self, *names: str) -> GapHit | None:
        hits = [self.acts[name] for name in names if name in self.acts]
        return min(hits, key=lambda hit: hit.start) if hits else None

    @property
    def first_person(self) -> bool:
        return FIRST_PERSON.search(self.text) is not None

    @property
    def modal(self) -> bool:
        return MODAL.search(self.text) is not None


def clauses_of(sentence: Sentence) -> list[tuple[int, int]]:
    """Clause spans of one sentence (offsets into ``sentence.text``)."""
    spans: list[tuple[int, int]] = []
    position = 0
    for brk in _CLAUSE_BREAK.finditer(sentence.text):
        if brk.start() > position:
            spans.append((position, brk.start()))
        position = brk.end()
    if position < len(sentence.text):
        spans.append((position, len(sentence.text)))
    return spans or [(0, len(sentence.text))]


def document_clauses(ctx: Context) -> list[Clause]:
    """Every clause of the document with its acts, target and work item (computed once)."""
    return ctx.once("acts", _annotate)


def _annotate(ctx: Context) -> list[Clause]:
    vocabulary = ctx.bundle.acts
    out: list[Clause] = []
    for sentence in ctx.doc.sentences:
        if sentence.header:
            continue
        spans = clauses_of(sentence)
        for start, end in spans:
            acts = vocabulary.acts_in(sentence.text, start, end)
            target = vocabulary.target_matcher.search(sentence.text, start, end)
            work = None
            if acts or target:  # work is only read where someone acts on it; anaphors look back on demand
                work = work_in(ctx, sentence, start, end) or _referred_work(
                    ctx, vocabulary, sentence, start, end, acts
                )
            out.append(Clause(sentence, start, end, acts, target, work, sentence.is_question))
    return out


def _owner_scanner(ctx: Context) -> tuple[ActScanner, list[tuple[str, str]]]:
    """Every owner phrase of ``policy/responsibilities.toml`` in one token dictionary."""
    owners = ctx.bundle.responsibilities
    cached = _OWNER_SCANNERS.get(id(owners))
    if cached is None or cached[0] is not owners:
        scanner = ActScanner({str(index): list(owner.phrases) for index, owner in enumerate(owners)})
        cached = _OWNER_SCANNERS[id(owners)] = (
            owners,
            scanner,
            [(owner.owner, owner.label) for owner in owners],
        )
    return cached[1], cached[2]


def work_in(ctx: Context, sentence: Sentence, start: int = 0, end: int | None = None) -> WorkItem | None:
    """Another party's work named in ``sentence.text[start:end]``, or any work item there."""
    end = len(sentence.text) if end is None else end
    scanner, owners = _owner_scanner(ctx)
    hits = scanner.scan(sentence.text, start, end)
    if hits:
        index = min(hits, key=lambda name: (hits[name].start, int(name)))
        owner, label = owners[int(index)]
        return WorkItem(label, owner, sentence, "phrase")
    return _party_work(ctx, sentence, start, end)


def _party_work(ctx: Context, sentence: Sentence, start: int, end: int) -> WorkItem | None:
    """Generic work tied to a named party: "Verifone's re-cert", "their side of host testing"."""
    vocabulary = ctx.bundle.acts
    text = sentence.text
    generic = vocabulary.generic_work_matcher.search(text, start, end)
    if generic is None:
        return None
    owner_ref = vocabulary.owner_ref_matcher.search(text, start, end)
    side_word = generic.phrase in _SIDE_WORDS  # "the Adyen side", "the Verifone end"
    for kind, possessive, position in _parties_in(ctx, sentence, start, end):
        near = 0 <= generic.start - position <= 30  # "the Cybersource certification sign-off"
        if side_word and near:
            possessive = True
        processor_work = generic.phrase in ctx.bundle.acts.work.processor_work
        if kind == "processor" and not (possessive or owner_ref or (near and processor_work)):
            continue  # "certification with Fiserv" is Omni's own work; "Fiserv's sign-off" is not
        if possessive or owner_ref or near:
            return WorkItem(text[generic.start : generic.end], kind, sentence, "party")
    if owner_ref is not None:
        # "their side of host testing": the party is named a sentence or two before
        for previous in _previous(ctx, sentence):
            for kind, _, _ in _parties_in(ctx, previous, 0, len(previous.text)):
                return WorkItem(text[generic.start : generic.end], kind, sentence, "party")
    return None


def _parties_in(ctx: Context, sentence: Sentence, start: int, end: int) -> list[tuple[str, bool, int]]:
    """(kind, possessive, offset) of every terminal vendor, KIF, gateway or processor named there."""
    found: list[tuple[str, bool, int]] = []
    text = sentence.text
    for kind in ("terminal_vendor", "kif", "gateway", "processor"):
        for mention in ctx.mentions(kind):
            if mention.sentence is not sentence:
                continue
            local = mention.start - sentence.start
            if start <= local < end:
                after = text[mention.end - sentence.start : mention.end - sentence.start + 2]
                possessive = mention.surface.endswith(("'s", "’s")) or bool(_POSSESSIVE.match(after))
                found.append((kind, possessive, local))
        hit = ctx.bundle.acts.party_matchers[kind].search(text, start, end)
        if hit is not None:
            possessive = hit.phrase.endswith("'s") or bool(_POSSESSIVE.match(text[hit.end : hit.end + 2]))
            found.append((kind, possessive, hit.start))
    return found


def _previous(ctx: Context, sentence: Sentence) -> list[Sentence]:
    first = max(0, sentence.index - _LOOKBACK)
    return [s for s in reversed(ctx.doc.sentences[first : sentence.index]) if not s.header]


def _referred_work(
    ctx: Context,
    vocabulary: ActVocabulary,
    sentence: Sentence,
    start: int,
    end: int,
    acts: dict[str, GapHit],
) -> WorkItem | None:
    """Work an anaphor points at ("can that part sit with you?"): named a sentence or two before."""
    anaphor = vocabulary.anaphora_matcher.search(sentence.text, start, end)
    if anaphor is None:
        return None
    if start > 0:  # "re the firmware - would your team be up for pushing it?"
        found = work_in(ctx, sentence, 0, start)
        if found is not None and found.owner is not None:
            return WorkItem(found.label, found.owner, sentence, "anaphora")
    for previous in _previous(ctx, sentence):
        found = work_in(ctx, previous)
        if found is not None and found.owner is not None:
            return WorkItem(found.label, found.owner, previous, "anaphora")
    return None
