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

from ...policy.acts import GapPhrases
from ...text import CUSTOMER, OMNI, REP, Sentence
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
    return list(ctx.once("pricing-exceptions", _exceptions))


def _exceptions(ctx: Context) -> list[PricingException]:
    vocabulary = ctx.bundle.acts
    found: list[PricingException] = []
    for sentence in ctx.doc.sentences:
        if (
            (sentence.role in (OMNI, REP) and sentence.is_question)
            or sentence.about_seller
            or sentence.chatter
        ):
            continue
        before = " ".join(s.text for s in ctx.doc.sentences[max(0, sentence.index - 2) : sentence.index])
        hit = vocabulary.pricing_ask(sentence.text, before)
        if hit is None:
            continue
        name, span = hit
        start, end = sentence.start + span.start, sentence.start + span.end
        if sentence.off_deal(start) or ctx.assessor.negated_before(sentence, start, end, []):
            continue
        if _not_ours(ctx, sentence, span.start):
            continue
        if name == "split the difference" and not _gap_over_guardrail(ctx, sentence):
            continue
        found.append(PricingException(sentence, sentence.text[span.start : span.end], name))
    return found


def _not_ours(ctx: Context, sentence: Sentence, position: int) -> bool:
    """Declined, kept by the customer ("we'll waive the induction"), or another party's pricing."""
    acts = ctx.bundle.acts.acts_in(sentence.text, 0, position)
    if "decline" in acts or "keep" in acts:
        return True  # "we don't do free pilots", "we'll pay for it ourselves"
    target = ctx.bundle.acts.target_matcher.search(sentence.text)
    own_offer = "offer" in acts or "promise" in acts
    if sentence.role == CUSTOMER and own_offer and target is None and "relay" not in acts:
        return True  # the customer's own offer ("don't worry about the induction, we'll waive it")
    if ctx.assessor.third_party(sentence, sentence.start + position):
        return True
    for kind in ("processor", "gateway", "terminal_vendor", "kif"):
        for mention in ctx.mentions(kind):
            if mention.sentence is sentence and mention.start - sentence.start < position and target is None:
                return True  # "Stripe have already waived their onboarding fee"
    return False


def _amounts(ctx: Context, sentence: Sentence) -> list[NumberMatch]:
    money = find_money(sentence.text)
    vocabulary = ctx.bundle.acts
    if money or (
        vocabulary.money_quote_matcher.search(sentence.text) is None
        and vocabulary.money_budget_matcher.search(sentence.text) is None
    ):
        return money
    return [n for n in find_numbers(sentence.text) if n.value >= 1000 and not 1990 <= n.value <= 2100]


def _recent_amounts(ctx: Context, sentence: Sentence) -> list[float]:
    first = max(0, sentence.index - _CONTEXT_SENTENCES)
    values: list[float] = []
    for other in ctx.doc.sentences[first : sentence.index + 1]:
        values.extend(n.value for n in _amounts(ctx, other))
    return values


def _latest(ctx: Context, sentence: Sentence, words: GapPhrases, skip: float | None = None) -> float | None:
    """The largest amount of the latest sentence (up to this one) that has one of ``words``."""
    first = max(0, sentence.index - _CONTEXT_SENTENCES)
    for other in reversed(ctx.doc.sentences[first : sentence.index + 1]):
        if words.search(other.text) is None:
            continue
        amounts = [n.value for n in _amounts(ctx, other) if n.value != skip]
        following = ctx.doc.sentences[other.index + 1] if other.index < sentence.index else None
        if not amounts and following is not None:
            # "your quotation no. OM-Q-2291 for USD 52,000" split after "no."
            amounts = [n.value for n in _amounts(ctx, following) if n.value != skip]
        if amounts:
            return max(amounts)
    return None


def _gap_over_guardrail(ctx: Context, sentence: Sentence) -> bool:
    """ "Split the difference" counts when the gap is over the guardrail (or no figures are given)."""
    values = _recent_amounts(ctx, sentence)
    if len(values) < 2:
        return True
    top, low = max(values), min(values)
    return top > 0 and (top - low) / top * 100 > ctx.bundle.policy.discount_guardrail_pct


def money_asks(ctx: Context) -> list[MoneyAsk]:
    """Money asked off a stated quote or budget, as a percent of it."""
    return list(ctx.once("money-asks", _money_asks))


def _money_asks(ctx: Context) -> list[MoneyAsk]:
    vocabulary = ctx.bundle.acts
    out: list[MoneyAsk] = []
    for sentence in ctx.doc.sentences:
        if sentence.role == OMNI or sentence.off_deal():
            continue
        reduction = vocabulary.money_reduction_matcher.search(sentence.text)
        if reduction is None:
            continue
        acts = vocabulary.acts_in(sentence.text)
        if "decline" in acts or "keep" in acts:
            continue
        here = [n.value for n in _amounts(ctx, sentence)]
        quote = _latest(ctx, sentence, vocabulary.money_quote_matcher)
        off = reduction.phrase in _OFF_WORDS
        reference: float | None
        asked: float | None
        if len(here) >= 2:
            reference = max(here)
            asked = min(v for v in here if v != reference) if len(set(here)) > 1 else None
        elif len(here) == 1:
            reference, asked = quote, here[0]
        else:
            # "your quote is $62,000; the board approved $48,000; can you get there?"
            reference = quote
            asked = _latest(ctx, sentence, vocabulary.money_budget_matcher, skip=quote)
            off = False
        if reference is None or asked is None or (asked >= reference and not off):
            continue
        percent = asked / reference * 100 if off else (reference - asked) / reference * 100
        if 0 < percent < 100:
            out.append(MoneyAsk(sentence, round(percent, 2), reference))
    return out
