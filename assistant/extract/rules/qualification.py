"""Qualification: how the deal reached Omni (deal source) and the segment."""

from __future__ import annotations

import re

from ...schema import Field, FieldStatus
from ...text import OMNI, REP, Sentence
from .context import Context, build_field
from .names import first_line_with
from .numbers import NUMBER, find_money, parse_number

__all__ = ["extract_deal_source", "extract_segment"]

_COUNT_NOUNS = r"(?:employees|emps|staff|people|ppl|ftes?|headcount|heads|team\s+members|associates|workers|person\s+company)"


def extract_deal_source(ctx: Context) -> Field:
    cues = ctx.bundle.signals.deal_source
    for source in ("leadership", "external_rep", "inbound"):
        phrases = ctx.phrases(getattr(cues, source))
        for sentence in ctx.doc.sentences:
            if phrases.search(sentence.text):
                status = (
                    FieldStatus.UNCERTAIN
                    if ctx.assessor.is_hedged_text(sentence.text)
                    else FieldStatus.CONFIRMED
                )
                return build_field(source, status, [ctx.quote_sentence(sentence)])
    for info in ctx.doc.speakers.values():
        if info.role == REP:
            quote = first_line_with(ctx, info.name)
            if quote:
                return build_field("external_rep", FieldStatus.CONFIRMED, [quote])
    return Field()


def extract_segment(ctx: Context) -> Field:
    cues = ctx.bundle.signals.segment
    thresholds = ctx.bundle.policy.segments
    for segment in ("enterprise", "mid_market", "smb"):
        phrases = ctx.phrases(getattr(cues, segment))
        for sentence in ctx.doc.sentences:
            if sentence.role in (OMNI,) and not re.search(
                r"\b(?:you|they|their|your)\b", sentence.text, re.I
            ):
                continue
            if phrases.search(sentence.text) and not re.search(r"\bomni\s+enterprise\b", sentence.text, re.I):
                return _segment_field(ctx, segment, sentence)
    headcount = re.compile(rf"(?P<n>{NUMBER})\s*\+?\s*{_COUNT_NOUNS}\b", re.IGNORECASE)
    for sentence in ctx.doc.sentences:
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
        if not deal_words.search(sentence.text):
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
