"""Answer "who owns this?" from the playbooks: owners, who must not, and verbatim citations.

The rules backend is deterministic: the question is cleaned up (shorthand, misspellings) and
matched to a duty by meaning, against each duty's example questions (:mod:`.intent`); the
duty's owners and must-not roles come from ``roles.yaml``, and the quotes are sentences of
the retrieved playbook passages that name those roles.  A question that matches no duty (or
a topic the playbooks do not cover), and no passage that plainly names an owner, is refused
with ``owners == []``, saying where the rep might look instead: no invented owner.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from ..config import Settings, get_settings
from ..errors import ConfigError
from .chunking import Chunk, sentences, words
from .detect import YES_NO, Detection, detect_duty
from .intent import mask_roles

if TYPE_CHECKING:  # pragma: no cover
    from .index import Hit, Retriever
    from .roles import DiscountBand, Duty, Playbook

__all__ = ["AskAnswer", "Source", "answer_question", "role_polarity"]

PASSAGE_MIN_DENSE = 0.45  # a passage-only answer needs a chunk at least this close to the question
PASSAGE_PLAIN = 1.0  # a sentence with every content word of the question...
DUTY_SURE = 0.75  # ...names the owner instead of a duty matched less surely than this
SUBJECT_WORDS = 5  # a role named within the first words of a sentence is its subject
NEGATION_WINDOW = 12  # a role is negated when "not"/"never"/... follows within this many words
NEGATION = frozenset(words("not never no don't doesn't cannot can't without instead stay out either"))
FIRST_PERSON = frozenset(words("i me"))  # "can I ...?": the asker, by default the internal SDR
OWNING_VERBS = frozenset(
    words(
        "own owns owner approves approve runs run responsible lead leads handles decides signs books coordinates "
        "manages reviews does sends"
    )
)


class Source(BaseModel):
    doc: str
    section: str
    quote: str


class AskAnswer(BaseModel):
    """One answer; ``to_contract()`` gives the contract's JSON object."""

    question: str
    owners: list[str] = Field(default_factory=list)
    answer: str
    sources: list[Source] = Field(default_factory=list)
    backend: str = "rules"
    must_not: list[str] = Field(default_factory=list)
    duty: str | None = None
    score: float = 0.0
    discount_pct: float | None = None
    latency_ms: float = 0.0
    warnings: list[str] = Field(default_factory=list)
    owner_names: list[str] = Field(default_factory=list)  # the owners in words, for people to read
    must_not_names: list[str] = Field(default_factory=list)

    def to_contract(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "owners": list(self.owners),
            "answer": self.answer,
            "sources": [source.model_dump() for source in self.sources],
            "backend": self.backend,
            "must_not": list(self.must_not),
            "duty": self.duty,
        }


@dataclass(frozen=True)
class _Sentence:
    chunk: Chunk
    text: str
    tokens: frozenset[str]
    roles: frozenset[str]  # roles named and not negated
    negated_roles: frozenset[str]  # roles named just before a negation ("SMEs ... do not own ...")
    subjects: frozenset[str]  # roles named in the first few words: what the sentence is about


def role_polarity(text: str, playbook: Playbook) -> tuple[set[str], set[str]]:
    """(roles named as doing something, roles named just before a negation) in ``text``."""
    tokens = words(text)
    positions = playbook.role_positions(tokens)
    negated = {
        role
        for index, role in positions
        if any(token in NEGATION for token in tokens[index : index + NEGATION_WINDOW])
    }
    return {role for _, role in positions} - negated, negated


def _analyse(chunk: Chunk, text: str, playbook: Playbook) -> _Sentence:
    named, negated = role_polarity(text, playbook)
    tokens = words(text)
    subjects = playbook.subject_roles(tokens, SUBJECT_WORDS)
    return _Sentence(
        chunk, text, frozenset(tokens), frozenset(named), frozenset(negated), frozenset(subjects)
    )


def sentence_table(retriever: Retriever) -> list[_Sentence]:
    """Every quotable sentence of the index, with its stems and the roles it names (cached)."""
    cached: list[_Sentence] | None = getattr(retriever, "_sentences", None)
    if cached is None:
        cached = []
        for chunk in retriever.chunks:
            full = retriever.doc_text.get(chunk.doc, "")
            cached.extend(
                _analyse(chunk, text, retriever.playbook) for text in sentences(chunk.text) if text in full
            )
        retriever._sentences = cached  # type: ignore[attr-defined]
    return cached


def _names(playbook: Playbook, role_ids: list[str] | tuple[str, ...], joiner: str = "and") -> str:
    names = [playbook.display(role_id) for role_id in role_ids]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {joiner} " + names[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pick(
    table: list[_Sentence],
    ranks: dict[str, int],
    want: set[str],
    stems: set[str],
    negated: bool,
    used: set[str],
    prefer: str | None = None,
    numbers: frozenset[str] = frozenset(),
) -> _Sentence | None:
    """The sentence that best backs ``want`` roles (as owners, or as negated roles)."""
    best: tuple[float, _Sentence] | None = None
    for sentence in table:
        named = sentence.negated_roles if negated else sentence.roles
        if sentence.text in used or not want & named:
            continue
        overlap = len(stems & sentence.tokens)
        if negated and not overlap:  # a "must not" quote has to be about this topic
            continue
        rank = ranks.get(sentence.chunk.id)
        score = (
            0.35 * overlap
            + (0.8 / (1 + rank) if rank is not None else 0.0)
            + 0.2 * len(want & named)
            + (0.4 if want & sentence.subjects else 0.0)
            + (0.6 if prefer and prefer in named else 0.0)
            + 0.6 * len(numbers & sentence.tokens)  # a discount band's bounds ("15", "25")
        )
        if best is None or score > best[0]:
            best = (score, sentence)
    return best[1] if best and best[0] >= 0.9 else None


def _source(sentence: _Sentence) -> Source:
    return Source(doc=sentence.chunk.doc, section=sentence.chunk.section, quote=sentence.text)


def _stems(question: str, duty: Duty | None, band: DiscountBand | None, role_stems: set[str]) -> set[str]:
    """Words a good quote shares with the question, its duty and its discount band (role names left out)."""
    from .index import STOPWORDS

    stems = {token for token in words(question) if token not in STOPWORDS | role_stems}
    if duty is not None:
        stems |= {token for token in words(duty.label) if token not in STOPWORDS}
    if band is not None:
        stems |= set(words(band.note))
    return stems - STOPWORDS - role_stems


def _subject(question: str, playbook: Playbook) -> str | None:
    """The role a yes/no question asks about ("can *the SME* just ...?"): the first role named
    in the yes/no clause, else the first role named anywhere; None when it is no yes/no question."""
    match = YES_NO.search(question)
    if match is None:
        return None
    mentioned = playbook.role_mentions(question[match.start() :]) or playbook.role_mentions(question)
    if mentioned:
        return mentioned[0]
    return playbook.asker if FIRST_PERSON & set(words(question[match.start() :])) else None


def answer_question(question: str, retriever: Retriever) -> AskAnswer:
    """The rules backend: deterministic answer from the index and the roles file."""
    started = time.perf_counter()
    question = " ".join(question.split())
    playbook = retriever.playbook
    read = retriever.normalise(question)
    vectors = retriever.embed([read, mask_roles(read, playbook)])
    detection = detect_duty(read, vectors, retriever)
    duty = detection.duty
    query = f"{read} {duty.label}" if duty else read  # the duty's words help BM25
    hits = retriever.search(vectors[0], query)
    table = sentence_table(retriever)
    passage = _from_passages(read, hits, table, playbook, PASSAGE_PLAIN) if duty is not None else None
    if passage is not None and passage.owners and detection.score < DUTY_SURE:
        result = (
            passage  # a playbook sentence that plainly says who does exactly this beats a loose duty match
        )
    elif duty is None:
        result = _from_passages(read, hits, table, playbook)
        if not result.owners:
            result.score = round(detection.score, 4)
            result.answer = _refusal(playbook, detection.not_covered)
    else:
        result = _from_duty(read, detection, hits, table, playbook)
    result.question = question
    result.owner_names = [playbook.name(role) for role in result.owners]
    result.must_not_names = [playbook.name(role) for role in result.must_not]
    result.latency_ms = (time.perf_counter() - started) * 1000
    return result


def _refusal(playbook: Playbook, topic: int | None) -> str:
    """No owner: say so, and where the rep might look instead, in plain words."""
    look = playbook.not_covered[topic].look if topic is not None else playbook.elsewhere
    return f"The playbooks do not say who owns this, so I am not naming an owner. Try {look}."


def _from_duty(
    question: str, detection: Detection, hits: list[Hit], table: list[_Sentence], playbook: Playbook
) -> AskAnswer:
    duty = detection.duty
    assert duty is not None
    band = detection.band
    owners = [*duty.owners, *(band.also if band else [])]
    owners = [role for i, role in enumerate(owners) if role not in owners[:i] and role not in duty.must_not]
    ranks = {hit.chunk.id: hit.rank for hit in hits}
    stems = _stems(question, duty, band, playbook.role_stems)
    used: set[str] = set()
    sources: list[Source] = []
    numbers = _band_numbers(playbook, band)
    owner_quote = _pick(table, ranks, {owners[0]}, stems, False, used, numbers=numbers) or _pick(
        table, ranks, set(owners), stems, False, used, numbers=numbers
    )
    if owner_quote:
        used.add(owner_quote.text)
        sources.append(_source(owner_quote))
    subject = _subject(question, playbook)
    not_quote = _pick(table, ranks, set(duty.must_not), stems, True, used, subject) if duty.must_not else None
    if not_quote:
        used.add(not_quote.text)
        sources.append(_source(not_quote))
    missing = set(owners) - (set(owner_quote.roles) if owner_quote else set())
    if missing:
        extra = _pick(table, ranks, missing, stems, False, used)
        if extra:
            sources.append(_source(extra))
    parts: list[str] = []
    if subject:
        verdict = _verdict(playbook, subject, owners, duty)
        if subject not in playbook.role_mentions(question):  # "can I ...?", asked by the tool's user
            who = playbook.display(subject)
            verdict = f"Yes, as {who}." if verdict == "Yes." else f"No, not as {who}."
        parts.append(verdict)
    verb = "is" if len(owners) == 1 else "are"
    if band is not None and detection.pct is not None:
        parts.append(f"{_article(detection.pct)} {detection.pct:g}% discount is {band.note}")
    else:
        parts.append(f"{_capital(_names(playbook, owners))} {verb} responsible for {duty.label}.")
    if (band is not None or duty.id == "discount_approval") and playbook.discount:
        parts.append(_discount_rule(playbook))
    if duty.must_not:
        parts.append(f"Not the job of {_names(playbook, duty.must_not, 'or')}.")
    if not_quote:
        parts.append(f'The playbook says: "{not_quote.text}"')
    warnings = (
        [] if owner_quote else [f"no Markdown playbook sentence names the owner of {duty.id}; see roles.yaml"]
    )
    return AskAnswer(
        question=question,
        owners=owners,
        answer=" ".join(parts),
        sources=sources,
        must_not=list(duty.must_not),
        duty=duty.id,
        score=round(detection.score, 4),
        discount_pct=detection.pct,
        warnings=warnings,
    )


def _from_passages(
    question: str, hits: list[Hit], table: list[_Sentence], playbook: Playbook, min_coverage: float = 0.6
) -> AskAnswer:
    """No duty matched: accept an owner only from a retrieved sentence that plainly names one."""
    from .index import STOPWORDS

    content = {
        token for token in words(question) if token not in STOPWORDS | playbook.role_stems | OWNING_VERBS
    }
    top = {hit.chunk.id for hit in hits[:3] if hit.dense >= PASSAGE_MIN_DENSE}
    best: tuple[float, _Sentence] | None = None
    if len(content) >= 2 and top:
        for sentence in table:
            if sentence.chunk.id not in top or not sentence.subjects - sentence.negated_roles:
                continue
            coverage = len(content & sentence.tokens) / len(content)
            if coverage >= min_coverage and (best is None or coverage > best[0]):
                best = (coverage, sentence)
    if best is None:
        return AskAnswer(question=question, owners=[], answer="")
    sentence = best[1]
    owners = [
        role
        for role in playbook.role_mentions(sentence.text)
        if role in sentence.subjects - sentence.negated_roles
    ]
    return AskAnswer(
        question=question,
        owners=owners,
        answer=f'{_capital(_names(playbook, owners))}, according to the playbook: "{sentence.text}"',
        sources=[_source(sentence)],
        score=round(best[0], 4),
    )


def _article(number: float) -> str:
    """ "An" before numbers read with a vowel sound (8, 11, 18, 80-89, 800...), else "A"."""
    text = f"{number:g}"
    vowel = text.startswith("8") or (text.split(".")[0] in ("11", "18"))
    return "An" if vowel else "A"


def _verdict(playbook: Playbook, subject: str, owners: list[str], duty: Duty) -> str:
    """Yes or no first, for "can <role> (just) ...?" questions."""
    who = playbook.display(subject)
    relation = "owns" if subject in owners else playbook.relation(subject, duty.id)
    if relation in ("owns", "approves"):
        return "Yes."
    if relation == "advises":
        return f"No, not on their own: {who} advises, but does not own this."
    if relation == "must_not":
        return "No."
    return f"No, this is not {who}'s call."


def _discount_rule(playbook: Playbook) -> str:
    """The operating model's rule and the approval matrix, in two sentences."""
    assert playbook.discount is not None
    leadership = _names(playbook, list(playbook.duties[playbook.discount.bands[-1].duty].owners[:1]))
    return (
        f"The operating model's rule: anything outside the {playbook.discount.guardrail_pct:g}% guardrail "
        f"goes to {leadership} for approval before the customer hears it. The approval matrix: {_matrix(playbook)}"
    )


def _band_numbers(playbook: Playbook, band: DiscountBand | None) -> frozenset[str]:
    """The bounds of a discount band as words ("15", "25"), to prefer the matrix line about it."""
    if band is None or playbook.discount is None:
        return frozenset()
    bands = playbook.discount.bands
    index = bands.index(band)
    bounds = [bands[index - 1].up_to if index else None, band.up_to]
    return frozenset(f"{bound:g}" for bound in bounds if bound is not None)


def _matrix(playbook: Playbook) -> str:
    """The discount bands in one sentence, from duties.yaml."""
    assert playbook.discount is not None
    parts, lower = [], None
    for band in playbook.discount.bands:
        owners = [*playbook.duties[band.duty].owners, *band.also]
        who = band.approver or _names(playbook, list(dict.fromkeys(owners)))
        if band.up_to is None:
            span = f"above {lower:g}%" if lower is not None else "any size"
        else:
            span = (
                f"up to {band.up_to:g}%" if lower is None else f"above {lower:g}% and up to {band.up_to:g}%"
            )
        parts.append(f"{span}: {who}")
        lower = band.up_to
    return _capital("; ".join(parts)) + "."


def resolve_settings(settings: Settings | None) -> Settings:
    settings = settings or get_settings()
    if not settings.knowledge_dir.is_dir():
        raise ConfigError(f"knowledge folder {settings.knowledge_dir} not found; set ASSISTANT_KNOWLEDGE_DIR")
    return settings
