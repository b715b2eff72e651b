"""Pricing asks read from the acts layer's vocabulary: exceptions and money against a quote.

* Exceptions (``[[pricing]]`` in ``policy/acts.toml``): free work, a free pilot,
  waived fees, a price match, a fixed price on unscoped work, splitting the
  difference.  A form called a "waiver" or "feel free" is excluded there.
* Money against a stated quote or budget, converted to percent: "$30k off the
  $100k quote" is 30%; "we can only do 80k" after a "$110k proposal" is 27%.

Asks withdrawn later still count (they were asked).  Computed once per document.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...text import OMNI, REP, Sentence
from .context import Context
from .numbers import NumberMatch, find_money, find_numbers

__all__ = ["MoneyAsk", "PricingException", "money_asks", "pricing_exceptions"]

_CONTEXT_SENTENCES = 8  # how far back a quote or budget figure is looked for
_OFF_WORDS = frozenset({"off", "knock", "knocked", "shave", "shaved", "take off", "less", "reduction"})


@dataclass(frozen=True)
class PricingException:
    sentence: Sentence
    phrase: str
    kind: str  # the [[pricing]] entry's name


@dataclass(frozen=True)
class MoneyAsk:
    sentence: Sentence
    percent: float
    reference: float  # the quote or budget it is measured against


def pricing_exceptions(ctx: Context) -> list[PricingException]:
    """Every pricing exception named in the text (not Omni's or the rep's own questions)."""
    cached = ctx.memo.get("pricing-exceptions")
    if cached is None:
        cached = ctx.memo["pricing-exceptions"] = _exceptions(ctx)
    return list(cached)  # type: ignore[call-overload]


def _exceptions(ctx: Context) -> list[PricingException]:
    vocabulary = ctx.bundle.acts
    found: list[PricingException] = []
    for sentence in ctx.doc.sentences:
        if sentence.role in (OMNI, REP) and sentence.is_question:
            continue
        hit = vocabulary.pricing_ask(sentence.text)
        if hit is None:
            continue
        name, span = hit
        start, end = sentence.start + span.start, sentence.start + span.end
        if ctx.assessor.negated_before(sentence, start, end, []):
            continue
        acts = vocabulary.acts_in(sentence.text, 0, span.start)
        if "decline" in acts or "keep" in acts:
            continue  # "we don't do free pilots", "we'll pay for it ourselves"
        if name == "split the difference" and not _gap_over_guardrail(ctx, sentence):
            continue
        found.append(PricingException(sentence, sentence.text[span.start : span.end], name))
    return found


def _amounts(ctx: Context, sentence: Sentence) -> list[NumberMatch]:
    money = find_money(sentence.text)
    if money or ctx.bundle.acts.money_reference_matcher.search(sentence.text) is None:
        return money
    return [n for n in find_numbers(sentence.text) if n.value >= 1000 and not 1990 <= n.value <= 2100]


def _recent_amounts(ctx: Context, sentence: Sentence) -> list[float]:
    first = max(0, sentence.index - _CONTEXT_SENTENCES)
    values: list[float] = []
    for other in ctx.doc.sentences[first : sentence.index + 1]:
        values.extend(n.value for n in _amounts(ctx, other))
    return values


def _gap_over_guardrail(ctx: Context, sentence: Sentence) -> bool:
    """ "Split the difference" counts when the gap is over the guardrail (or no figures are given)."""
    values = _recent_amounts(ctx, sentence)
    if len(values) < 2:
        return True
    top, low = max(values), min(values)
    return top > 0 and (top - low) / top * 100 > ctx.bundle.policy.discount_guardrail_pct


def money_asks(ctx: Context) -> list[MoneyAsk]:
    """Money asked off a stated quote or budget, as a percent of it."""
    cached = ctx.memo.get("money-asks")
    if cached is None:
        cached = ctx.memo["money-asks"] = _money_asks(ctx)
    return list(cached)  # type: ignore[call-overload]


def _money_asks(ctx: Context) -> list[MoneyAsk]:
    vocabulary = ctx.bundle.acts
    out: list[MoneyAsk] = []
    for sentence in ctx.doc.sentences:
        if sentence.role == OMNI:
            continue
        reduction = vocabulary.money_reduction_matcher.search(sentence.text)
        if reduction is None:
            continue
        here = _amounts(ctx, sentence)
        if not here:
            continue
        reference = _reference(ctx, sentence, here)
        if reference is None:
            continue
        acts = vocabulary.acts_in(sentence.text)
        if "decline" in acts or "keep" in acts:
            continue
        off = reduction.phrase in _OFF_WORDS
        asked = [n.value for n in here if n.value != reference]
        if not asked:
            continue
        value = min(asked) if off else max(asked)
        percent = value / reference * 100 if off else (reference - value) / reference * 100
        if 0 < percent < 100:
            out.append(MoneyAsk(sentence, round(percent, 2), reference))
    return out


def _reference(ctx: Context, sentence: Sentence, here: list[NumberMatch]) -> float | None:
    """The quote or budget figure: the largest amount in the sentence, or a recent one beside a quote word."""
    vocabulary = ctx.bundle.acts
    if len(here) >= 2:
        return max(n.value for n in here)
    first = max(0, sentence.index - _CONTEXT_SENTENCES)
    for other in reversed(ctx.doc.sentences[first : sentence.index]):
        if vocabulary.money_reference_matcher.search(other.text) is None:
            continue
        amounts = _amounts(ctx, other)
        if amounts:
            return max(n.value for n in amounts)
    return None
