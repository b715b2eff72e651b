"""Pricing outside guardrails: discounts above the threshold and other pricing exceptions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..extract.rules.context import Context
from ..text import OMNI, REP, Sentence

__all__ = ["PricingException", "find_pricing_exceptions"]


@dataclass(frozen=True)
class PricingException:
    sentence: Sentence
    phrase: str


@lru_cache(maxsize=16)
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def find_pricing_exceptions(ctx: Context) -> list[PricingException]:
    """Free work, waived fees, price matching, fixed price on unscoped work..."""
    cues = ctx.bundle.signals.pricing
    exclude = ctx.phrases(cues.exception_exclude)
    found: list[PricingException] = []
    for sentence in ctx.doc.sentences:
        text = sentence.text
        if sentence.role in (OMNI, REP) and sentence.is_question:
            continue
        for pattern in cues.exception_regex:
            for match in _re(pattern).finditer(text):
                if any(e.start() <= match.start() < e.end() for e in exclude.finditer(text)):
                    continue
                start, end = sentence.start + match.start(), sentence.start + match.end()
                if ctx.assessor.negated_before(sentence, start, end, []):
                    continue
                if re.search(
                    r"\b(?:no|not|never|don't|doesn't|won't|can't)\s+(?:do|offer|give)\b",
                    text[: match.start()],
                    re.I,
                ):
                    continue
                found.append(PricingException(sentence, match.group()))
                break
            else:
                continue
            break
    return found
