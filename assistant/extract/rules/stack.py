"""Lexicon-backed list fields: processor, gateway, vendor, models, KIF, tooling, brands, regions, use cases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ...schema import Field, FieldStatus
from .assess import Assessment, State
from .context import Context, build_field
from .matcher import Mention, PhraseSet

__all__ = ["LEXICON_FIELDS", "ValueReading", "extract_lexicon_field", "read_values"]

LEXICON_FIELDS: dict[str, str] = {
    "processor": "processor",
    "gateway": "gateway",
    "terminal_vendor": "terminal_vendor",
    "terminal_models": "terminal_model",
    "kif": "kif",
    "tooling": "tooling",
    "card_brands": "card_brand",
    "regions": "region",
    "use_cases": "use_case",
}
# kinds where a customer normally has one current answer: "X or Y" means they are not sure
SINGLE_ANSWER = frozenset({"processor", "gateway", "kif", "terminal_vendor"})
_NOW = re.compile(r"^\W{0,3}(?:now|these\s+days|nowadays|anymore|since\s+\w+)\b", re.IGNORECASE)
_OR = re.compile(r"^\s*(?:,\s*)?(?:or|/|or maybe|or possibly|either)\s*$", re.IGNORECASE)


@dataclass
class ValueReading:
    name: str
    state: State
    mentions: list[tuple[Mention, Assessment]]
    nonstandard: bool = False


def _assess_all(ctx: Context, mentions: list[Mention], kind: str) -> list[tuple[Mention, Assessment]]:
    readings: list[tuple[Mention, Assessment]] = []
    by_sentence: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault(mention.sentence.index, []).append(mention)
    off_topic = PhraseSet.of(ctx.bundle.cues.non_payment_context) if kind == "use_case" else None
    for mention in mentions:
        siblings = by_sentence[mention.sentence.index]
        others = [(m.start, m.end) for m in siblings if m is not mention]
        if off_topic is not None:
            clause = ctx.assessor.clause_bounds(mention.sentence, mention.start, mention.end)
            if off_topic.search(ctx.doc.text[clause[0] : clause[1]]):
                readings.append((mention, Assessment(State.IGNORED)))
                continue  # "the workshop was basically unattended"
        assessment = ctx.assessor.assess(
            mention.sentence, mention.start, mention.end, others, replaceable=kind in SINGLE_ANSWER
        )
        readings.append((mention, assessment))
    if kind in SINGLE_ANSWER:
        _disjunctions(ctx, readings)
    _corrections(ctx, readings)
    return readings


def _disjunctions(ctx: Context, readings: list[tuple[Mention, Assessment]]) -> None:
    """ "Fiserv or Global": two different answers joined by "or" are a guess."""
    for (left, left_a), (right, right_a) in pairwise(readings):
        if left.sentence is not right.sentence or left.name == right.name:
            continue
        between = ctx.doc.text[left.end : right.start]
        if (
            _OR.match(between)
            or re.fullmatch(r"\s*(?:,|or|/)\s*(?:maybe|possibly)?\s*", between)
            or (
                re.search(r"\beither\b", ctx.doc.text[left.sentence.start : left.start], re.IGNORECASE)
                and re.search(r"\bor\b", between, re.IGNORECASE)
            )
        ):
            for assessment in (left_a, right_a):
                if assessment.state is State.CONFIRMED:
                    assessment.state = State.UNCERTAIN


def _corrections(ctx: Context, readings: list[tuple[Mention, Assessment]]) -> None:
    """ "We're on TSYS, sorry, we moved to Worldpay": the corrected answer replaces the earlier one."""
    for index, (mention, assessment) in enumerate(readings):
        if assessment.state not in (State.CONFIRMED, State.UNCERTAIN):
            continue
        cue = ctx.assessor.correction_before(mention.sentence, mention.start)
        if cue is None and _NOW.search(ctx.doc.text[mention.end : mention.sentence.end][:40]):
            cue = mention.sentence.start  # "It's Global Payments now" corrects the answer just before
        if cue is None:
            continue
        at_start = len(ctx.doc.text[mention.sentence.start : cue].split()) <= 2
        for earlier, earlier_a in readings[:index]:
            if earlier.name == mention.name:
                continue
            same_sentence = earlier.sentence is mention.sentence and earlier.end <= cue
            nearby = (
                at_start
                and mention.sentence.index - earlier.sentence.index <= 3
                and (
                    earlier.sentence.speaker is mention.sentence.speaker
                    or earlier.sentence.turn == mention.sentence.turn
                )
            )
            if same_sentence or nearby:
                earlier_a.state = State.PAST


def read_values(ctx: Context, kind: str) -> list[ValueReading]:
    """Final reading of every value of a lexicon kind, in order of first mention."""
    readings = _assess_all(ctx, ctx.mentions(kind), kind)
    grouped: dict[str, list[tuple[Mention, Assessment]]] = {}
    for mention, assessment in readings:
        grouped.setdefault(mention.name, []).append((mention, assessment))
    values: list[ValueReading] = []
    for name, items in grouped.items():
        live = [(m, a) for m, a in items if a.state is not State.IGNORED]
        if not live:
            continue
        last_state = live[-1][1].state
        states = {a.state for _, a in live}
        confirmed_by = {id(m.sentence.speaker) for m, a in live if a.state is State.CONFIRMED}
        if last_state is State.PAST:
            final = State.PAST
        elif (
            last_state is State.UNCERTAIN
            and confirmed_by
            and id(live[-1][0].sentence.speaker) not in confirmed_by
        ):
            final = State.UNCERTAIN  # someone else casts doubt on an earlier answer: conflicting answers
        elif State.CONFIRMED in states:
            final = State.CONFIRMED
        elif State.UNCERTAIN in states:
            final = State.UNCERTAIN
        else:
            final = State.NEGATED
        nonstandard = any(not m.entry.standard for m, _ in live)
        values.append(ValueReading(name, final, live, nonstandard))
    return values


def _evidence(ctx: Context, reading: ValueReading) -> list[str]:
    quotes: list[str] = []
    for mention, assessment in reading.mentions:
        if assessment.state is not reading.state:
            continue
        spans = assessment.evidence or [(mention.sentence.start, mention.sentence.end)]
        for start, end in spans:
            sentence = ctx.sentence_of(start)
            if sentence is not None and sentence.start == start:
                focus = (mention.start, mention.end) if sentence is mention.sentence else None
                quotes.append(ctx.quote_sentence(sentence, focus))
            else:
                quotes.append(ctx.quote(start, end))
        if len(quotes) >= 2:
            break
    return quotes


def _unknown_label_evidence(ctx: Context, field_name: str) -> list[str]:
    """ "Proc: TBD" or "KIF: ?" says the field is open."""
    quotes = []
    for sentence in ctx.doc.sentences:
        if ctx.label_field(sentence) != field_name:
            continue
        span = ctx.label_value(sentence)
        value = ctx.doc.text[span[0] : span[1]] if span else ""
        if re.search(
            r"(?i)\b(?:didn'?t|never|did\s+not)\s+come\s+up|not\s+(?:discussed|covered|asked)|n/a\b", value
        ):
            continue  # not discussed: missing, not uncertain
        if not span or ctx.assessor.value_is_unknown(value):
            quotes.append(ctx.quote_sentence(sentence))
    return quotes


def field_from_readings(
    ctx: Context, field_name: str, readings: list[ValueReading], extra_uncertain: list[str] | None = None
) -> Field:
    kept = [r for r in readings if r.state in (State.CONFIRMED, State.UNCERTAIN)]
    evidence = [quote for reading in kept for quote in _evidence(ctx, reading)]
    if not kept:
        unknown = (extra_uncertain or []) + _unknown_label_evidence(ctx, field_name)
        return build_field(None, FieldStatus.UNCERTAIN, unknown)
    status = FieldStatus.UNCERTAIN if any(r.state is State.UNCERTAIN for r in kept) else FieldStatus.CONFIRMED
    return build_field([r.name for r in kept], status, evidence)


def extract_lexicon_field(ctx: Context, field_name: str) -> Field:
    return field_from_readings(ctx, field_name, read_values(ctx, LEXICON_FIELDS[field_name]))
