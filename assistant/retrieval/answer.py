"""Answer "who owns this?" from the playbooks: owners, who must not, and verbatim citations.

The rules backend is deterministic: the question is matched to a duty of the duty lexicon
(meaning similarity to the duty's example questions plus cue phrases), the duty's owners
and must-not roles come from ``roles.yaml``, and the quotes are sentences of the retrieved
playbook passages that name those roles.  A question that matches no duty, and no passage
that plainly names an owner, is refused with ``owners == []``: no invented owner.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from ..config import Settings, get_settings
from ..errors import ConfigError
from .chunking import Chunk, sentences, words

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .index import Hit, Retriever
    from .roles import DiscountBand, Duty, Playbook

__all__ = ["AskAnswer", "Source", "answer_question", "parse_percent", "role_polarity"]

CUE_BONUS = 0.12  # added to the meaning similarity per matching cue phrase (two at most)
ACCEPT = 0.60  # a duty is accepted at or above this score...
STRONG = 0.74  # ...and, without any cue phrase, only when the meaning alone is this close
ACCEPT_TWO_CUES = 0.5  # two distinct cue phrases of one duty lower the bar to this
PASSAGE_MIN_DENSE = 0.45
NEGATION_WINDOW = 12  # a role is negated when "not"/"never"/... follows within this many words
NEGATION = frozenset(words("not never no don't doesn't cannot can't without instead stay out either"))
OWNING_VERBS = frozenset(
    words("own owns owner approves approve runs run responsible lead leads handles decides signs books coordinates "
          "manages reviews does sends")
)
WH_WORDS = frozenset(words("who whom whose"))
FILLERS = frozenset(
    words(
        "job is it to should would will can could must need needs has have supposed responsible for meant be "
        "the a an in charge of actually usually typically normally going allowed ok okay get gets do does our my "
        "your their we i you they exactly really then now"
    )
)
ACTION_WORDS = 4  # how many content words after "who" count as the question's action
ACTION_BONUS = 0.2  # extra score when a cue phrase sits in that action
YES_NO = re.compile(r"^\s*(?:can|could|may|might|should|shall|is|are|does|do|will|would|must|am)\b", re.I)


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


_NUMBER_WORDS = {
    name: value
    for value, name in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
    )
}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
_FRACTIONS = {"a tenth": 10.0, "a fifth": 20.0, "a quarter": 25.0, "a third": 100 / 3, "half": 50.0}
_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s*cent\b|pct\b|points?\s+off\b|off\b)", re.I)
_WORD_PCT = re.compile(
    r"\b((?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|"
    r"eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen)(?:\s+and\s+a\s+half)?\s*(?:percent|per\s*cent|%)",
    re.I,
)
_FRACTION_OFF = re.compile(r"\b(a tenth|a fifth|a quarter|a third|half)\s+off\b", re.I)


def parse_percent(text: str) -> float | None:
    """The largest percentage in ``text`` ("22%", "twenty-two percent", "a fifth off"), else None."""
    found: list[float] = [float(match.group(1)) for match in _PCT.finditer(text)]
    for match in _WORD_PCT.finditer(text):
        parts = re.split(r"[\s-]+", match.group(1).lower())
        value = float(sum(_NUMBER_WORDS.get(part, 0) for part in parts))
        if "and a half" in match.group(0).lower():
            value += 0.5
        found.append(value)
    found.extend(_FRACTIONS[match.group(1).lower()] for match in _FRACTION_OFF.finditer(text))
    found = [value for value in found if 0 < value <= 100]
    return max(found) if found else None


@dataclass(frozen=True)
class _Sentence:
    chunk: Chunk
    text: str
    tokens: frozenset[str]
    roles: frozenset[str]  # roles named and not negated
    negated_roles: frozenset[str]  # roles named just before a negation ("SMEs ... do not own ...")


def role_polarity(text: str, playbook: Playbook) -> tuple[set[str], set[str]]:
    """(roles named as doing something, roles named just before a negation) in ``text``."""
    tokens = words(text)
    positions = playbook.role_positions(tokens)
    negated = {
        role for index, role in positions if any(token in NEGATION for token in tokens[index : index + NEGATION_WINDOW])
    }
    return {role for _, role in positions} - negated, negated


def _analyse(chunk: Chunk, text: str, playbook: Playbook) -> _Sentence:
    named, negated = role_polarity(text, playbook)
    return _Sentence(chunk, text, frozenset(words(text)), frozenset(named), frozenset(negated))


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


@dataclass
class _Detection:
    duty: Duty | None
    score: float
    band: DiscountBand | None = None
    pct: float | None = None


def _action_window(tokens: list[str], playbook: Playbook, yes_no: bool) -> set[int]:
    """Token positions of the question's action: the words right after "who"/"whose ..." or,
    in a yes/no question, right after the role it asks about ("can our SME *talk price*")."""
    start = next((i + 1 for i, token in enumerate(tokens) if token in WH_WORDS), None)
    if yes_no:
        positions = playbook.role_positions(tokens)
        if positions and (start is None or positions[0][0] < start):
            start = positions[0][0] + 1
    if start is None:
        return set()
    window: set[int] = set()
    budget = ACTION_WORDS
    for index in range(start, len(tokens)):
        window.add(index)
        if tokens[index] not in FILLERS:
            budget -= 1
            if budget == 0:
                break
    return window


def detect_duty(question: str, vector: np.ndarray, retriever: Retriever) -> _Detection:
    """The duty a question is about, or none when nothing in the lexicon is close enough."""
    playbook = retriever.playbook
    tokens = words(question)
    similarity = retriever.duty_similarity(vector)
    hits = playbook.cue_hits(question)
    pct = parse_percent(question)
    if pct is not None and "discount_approval" in playbook.duties:  # "22%", "a fifth off": a discount
        hits.setdefault("discount_approval", []).append(-1)
    window = _action_window(tokens, playbook, bool(YES_NO.match(question)))
    scored = {
        duty_id: similarity.get(duty_id, 0.0)
        + CUE_BONUS * min(len(hits.get(duty_id, [])), 2)
        + (ACTION_BONUS if window & set(hits.get(duty_id, [])) else 0.0)
        for duty_id in set(similarity) | set(hits)
    }
    if not scored:
        return _Detection(None, 0.0)
    best = max(scored, key=lambda duty_id: (scored[duty_id], duty_id))
    score = scored[best]
    enough = score >= ACCEPT or (len(hits.get(best, [])) >= 2 and score >= ACCEPT_TWO_CUES)
    if not enough or (best not in hits and similarity.get(best, 0.0) < STRONG):
        return _Detection(None, score)
    discount = playbook.discount
    pricing = {"discount_approval", "commercial_negotiation", "pricing_exception", "make_commitments"}
    if pct is not None and discount and ("discount_approval" in hits or best in pricing):
        for band in discount.bands:
            if band.up_to is None or pct <= band.up_to:
                return _Detection(playbook.duties[band.duty], score, band, pct)
    return _Detection(playbook.duties[best], score, None, pct)


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
) -> _Sentence | None:
    """The sentence that best backs ``want`` roles (as owners, or as negated roles)."""
    best: tuple[float, _Sentence] | None = None
    for sentence in table:
        named = sentence.negated_roles if negated else sentence.roles
        if sentence.text in used or not want & named:
            continue
        rank = ranks.get(sentence.chunk.id)
        score = (
            0.35 * len(stems & sentence.tokens)
            + (0.8 / (1 + rank) if rank is not None else 0.0)
            + 0.2 * len(want & named)
            + (0.6 if prefer and prefer in named else 0.0)
        )
        if best is None or score > best[0]:
            best = (score, sentence)
    return best[1] if best and best[0] >= 0.9 else None


def _source(sentence: _Sentence) -> Source:
    return Source(doc=sentence.chunk.doc, section=sentence.chunk.section, quote=sentence.text)


def _stems(question: str, duty: Duty | None, pct: float | None, band: DiscountBand | None) -> set[str]:
    from .index import STOPWORDS

    stems = {token for token in words(question) if token not in STOPWORDS}
    if duty is not None:
        stems |= {token for cue in duty.cues for part in cue for token in part.split() if token != "*"} & (
            stems | set(words(duty.label))
        )
        stems |= {token for token in words(duty.label) if token not in STOPWORDS}
    if band is not None:
        stems |= {token for token in words(band.note) if token not in STOPWORDS}
    return stems


def _subject(question: str, playbook: Playbook) -> str | None:
    if not YES_NO.match(question):
        return None
    mentioned = playbook.role_mentions(question)
    return mentioned[0] if mentioned else None


def answer_question(question: str, retriever: Retriever) -> AskAnswer:
    """The rules backend: deterministic answer from the index and the roles file."""
    started = time.perf_counter()
    question = " ".join(question.split())
    playbook = retriever.playbook
    detection = _Detection(None, 0.0)
    vectors = retriever.embed([question])
    detection = detect_duty(question, vectors[0], retriever)
    duty = detection.duty
    query = f"{question} {duty.label}" if duty else question
    hits = retriever.search(vectors[0] if duty is None else retriever.embed([query])[0], query)
    table = sentence_table(retriever)
    if duty is None:
        result = _from_passages(question, hits, table, playbook)
        if not result.owners:
            result.score = round(detection.score, 4)
    else:
        result = _from_duty(question, detection, hits, table, playbook)
    result.latency_ms = (time.perf_counter() - started) * 1000
    return result


def _from_duty(
    question: str, detection: _Detection, hits: list[Hit], table: list[_Sentence], playbook: Playbook
) -> AskAnswer:
    duty = detection.duty
    assert duty is not None
    band = detection.band
    owners = [*duty.owners, *(band.also if band else [])]
    owners = [role for i, role in enumerate(owners) if role not in owners[:i] and role not in duty.must_not]
    ranks = {hit.chunk.id: hit.rank for hit in hits}
    stems = _stems(question, duty, detection.pct, band)
    used: set[str] = set()
    sources: list[Source] = []
    owner_quote = _pick(table, ranks, {owners[0]}, stems, False, used) or _pick(
        table, ranks, set(owners), stems, False, used
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
        relation = "owns" if subject in owners else playbook.relation(subject, duty.id)
        verdict = {
            "owns": "Yes.",
            "approves": "Yes.",
            "advises": f"Only in support: the {playbook.name(subject)} advises, but does not own this.",
            "must_not": "No.",
        }.get(relation or "", f"Not on their own: this is not the {playbook.name(subject)}'s call.")
        parts.append(verdict)
    verb = "is" if len(owners) == 1 else "are"
    parts.append(f"{_capital(_names(playbook, owners))} {verb} responsible for {duty.label}.")
    if band is not None and detection.pct is not None:
        parts.append(f"A {detection.pct:g}% discount is {band.note}")
    elif duty.id == "discount_approval" and playbook.discount:
        parts.append(_matrix(playbook))
    if duty.must_not:
        parts.append(f"Not the job of {_names(playbook, duty.must_not, 'or')}.")
    if not_quote:
        parts.append(f'The playbook says: "{not_quote.text}"')
    return AskAnswer(
        question=question, owners=owners, answer=" ".join(parts), sources=sources, must_not=list(duty.must_not),
        duty=duty.id, score=round(detection.score, 4), discount_pct=detection.pct,
    )


def _from_passages(question: str, hits: list[Hit], table: list[_Sentence], playbook: Playbook) -> AskAnswer:
    """No duty matched: accept an owner only from a retrieved sentence that plainly names one."""
    from .index import STOPWORDS

    role_stems = {token for role in playbook.roles.values() for alias in [role.name, *role.aliases] for token in words(alias)}
    content = {token for token in words(question) if token not in STOPWORDS | role_stems | OWNING_VERBS}
    top = {hit.chunk.id for hit in hits[:3] if hit.dense >= PASSAGE_MIN_DENSE}
    best: tuple[float, _Sentence] | None = None
    if len(content) >= 2 and top:
        for sentence in table:
            if sentence.chunk.id not in top or not sentence.roles or sentence.negated_roles:
                continue
            if not OWNING_VERBS & sentence.tokens:
                continue
            coverage = len(content & sentence.tokens) / len(content)
            if coverage >= 0.6 and (best is None or coverage > best[0]):
                best = (coverage, sentence)
    if best is None:
        return AskAnswer(
            question=question,
            owners=[],
            answer="The playbooks do not say who owns this, so no owner is named. "
            "Add a playbook section that covers it to knowledge/ and re-index.",
        )
    sentence = best[1]
    owners = [role for role in playbook.role_mentions(sentence.text) if role in sentence.roles]
    return AskAnswer(
        question=question,
        owners=owners,
        answer=f'{_capital(_names(playbook, owners))}, according to the playbook: "{sentence.text}"',
        sources=[_source(sentence)],
        score=round(best[0], 4),
    )


def _matrix(playbook: Playbook) -> str:
    """The discount bands in one sentence, from duties.yaml."""
    assert playbook.discount is not None
    parts, lower = [], None
    for band in playbook.discount.bands:
        owners = [*playbook.duties[band.duty].owners, *band.also]
        who = _names(playbook, list(dict.fromkeys(owners)))
        if band.up_to is None:
            span = f"above {lower:g}%" if lower is not None else "any size"
        else:
            span = f"up to {band.up_to:g}%" if lower is None else f"above {lower:g}% and up to {band.up_to:g}%"
        parts.append(f"{span}: {who}")
        lower = band.up_to
    return _capital("; ".join(parts)) + "."


def resolve_settings(settings: Settings | None) -> Settings:
    settings = settings or get_settings()
    if not settings.knowledge_dir.is_dir():
        raise ConfigError(f"knowledge folder {settings.knowledge_dir} not found; set ASSISTANT_KNOWLEDGE_DIR")
    return settings
