"""Qualification: how the deal reached Omni (deal source) and the segment."""

from __future__ import annotations

import re

from ...schema import Field, FieldStatus
from ...text import CUSTOMER, OMNI, REP, THIRD_PARTY, Sentence
from .context import Context, build_field
from .names import first_line_with
from .numbers import NUMBER, find_money, parse_number

__all__ = ["extract_deal_source", "extract_segment"]

_COUNT_NOUNS = r"(?:employees|emps|staff|people|ppl|ftes?|headcount|heads|team\s+members|associates|workers|person\s+company)"


_INTRO_BY = re.compile(
    r"\b(?:thanks?(?:\s+again)?|thank\s+you)\s+(?:to\s+)?(?P<a>[A-Z][a-z]+)\s+for\s+the\s+(?:intro|introduction|referral)"
    r"|\b(?P<b>[A-Z][a-z]+),?\s+thank\s+you\s+for\s+the\s+(?:intro|introduction)"
    r"|\b(?:through|via|from|by)\s+(?P<c>[A-Z][a-z]+)\s+(?:at|from|of)\s+(?P<org>[A-Z][\w&]*(?:\s+[A-Z][\w&]*){0,6})"
    r"|\b(?:introduced|referred|connected)\s+(?:us\s+)?by\s+(?P<d>[A-Z][a-z]+)"
    r"|\b(?P<e>[A-Z][a-z]+)\s+(?:\([^)]{0,80}\)\s+)?(?:made|did)\s+the\s+intro",
)
_INTRO_WORD = re.compile(r"\bintro(?:duction|duced|ducing)?\b|\breferr(?:al|ed)\b", re.IGNORECASE)
_SOURCE_WEIGHT = {"leadership": 3, "external_rep": 3, "inbound": 3}


def _intro_person(ctx: Context, name: str) -> str:
    """Who made the intro: someone at Omni means leadership, anyone else a partner."""
    for info in ctx.doc.speakers.values():
        if info.name.split()[0] == name and info.role == OMNI:
            return "leadership"
    return "external_rep"


def extract_deal_source(ctx: Context) -> Field:
    """How the deal reached Omni: a partner's intro, inbound, or Omni leadership."""
    cues = ctx.bundle.signals.deal_source
    scores: dict[str, int] = {}
    quotes: dict[str, str] = {}

    def vote(source: str, weight: int, quote: str | None) -> None:
        if quote:
            scores[source] = scores.get(source, 0) + weight
            quotes.setdefault(source, quote)

    for sentence in ctx.doc.sentences:
        if sentence.is_question and sentence.role in (OMNI, REP, THIRD_PARTY):
            continue  # "did one of our partners send you our way?" asks, it does not say
        for source in ("leadership", "external_rep", "inbound"):
            hit = ctx.phrases(getattr(cues, source)).search(sentence.text)
            if hit is None:
                continue
            start, end = sentence.start + hit.start(), sentence.start + hit.end()
            if ctx.assessor.negated_before(sentence, start, end, []):
                continue  # "no partner", "not our CEO"
            if source == "leadership" and (
                sentence.role == CUSTOMER or not _INTRO_WORD.search(sentence.text)
            ):
                continue  # the customer's own CEO, or leadership mentioned without an intro
            vote(source, _SOURCE_WEIGHT[source], ctx.quote_sentence(sentence))
        match = _INTRO_BY.search(sentence.text)
        if match:
            name = next(group for group in match.group("a", "b", "c", "d", "e") if group)
            vote(_intro_person(ctx, name), 4, ctx.quote_sentence(sentence))
        if sentence.index < 3 and _INTRO_WORD.search(sentence.text) and sentence.role != CUSTOMER:
            vote("external_rep", 1, ctx.quote_sentence(sentence))  # "intro - Hearth & Bun" subject line
    for info in ctx.doc.speakers.values():
        if info.role == REP:
            vote("external_rep", 2, first_line_with(ctx, info.name))
    for sentence in ctx.doc.sentences:
        if (
            re.search(r"\([^)]{0,120}?\b(?:partners?|referral)\b[^)]{0,120}\)", sentence.text, re.IGNORECASE)
            and sentence.index < 15
        ):
            vote("external_rep", 1, ctx.quote_sentence(sentence))  # "- Luca (Brightpath Partners)"
    if not scores:
        return Field()
    best = max(scores, key=lambda source: scores[source])
    return build_field(best, FieldStatus.CONFIRMED, [quotes[best]])


def extract_segment(ctx: Context) -> Field:
    cues = ctx.bundle.signals.segment
    thresholds = ctx.bundle.policy.segments
    for segment in ("enterprise", "mid_market", "smb"):
        phrases = ctx.phrases(getattr(cues, segment))
        for sentence in ctx.doc.sentences:
            if sentence.about_seller:
                continue
            if sentence.role in (OMNI, THIRD_PARTY) and not re.search(
                r"\b(?:you|they|their|your)\b", sentence.text, re.I
            ):
                continue
            if phrases.search(sentence.text) and not re.search(r"\bomni\s+enterprise\b", sentence.text, re.I):
                return _segment_field(ctx, segment, sentence)
    headcount = re.compile(
        rf"(?<![\w.])(?P<n>{NUMBER})(?![\w])\s*+(?:\+\s*+)?{_COUNT_NOUNS}\b", re.IGNORECASE
    )
    for sentence in ctx.doc.sentences:
        if sentence.about_seller or sentence.role == THIRD_PARTY:
            continue
        match = headcount.search(sentence.text)
        if match and not re.search(r"\bon\s+(?:the|this)\s+call\b", sentence.text, re.I):
            count = parse_number(match.group("n"))
            if count:
                segment = (
                    "enterprise"
                    if count >= thresholds.enterprise_min_employees
                    else "mid_market"
                    if count >= thresholds.mid_market_min_employees
                    else "smb"
                )
                return _segment_field(ctx, segment, sentence)
    deal_words = re.compile(
        r"\b(?:deal|acv|contract|budget|opportunity|annual|arr|tcv|spend)\b", re.IGNORECASE
    )
    for sentence in ctx.doc.sentences:
        if sentence.about_seller or not deal_words.search(sentence.text):
            continue
        amounts = [m.value for m in find_money(sentence.text)]
        if amounts:
            value = max(amounts)
            segment = (
                "enterprise"
                if value >= thresholds.enterprise_min_deal_usd
                else "mid_market"
                if value >= thresholds.mid_market_min_deal_usd
                else "smb"
            )
            return _segment_field(ctx, segment, sentence)
    return Field()


def _segment_field(ctx: Context, segment: str, sentence: Sentence) -> Field:
    status = FieldStatus.UNCERTAIN if ctx.assessor.is_hedged_text(sentence.text) else FieldStatus.CONFIRMED
    return build_field(segment, status, [ctx.quote_sentence(sentence)])
