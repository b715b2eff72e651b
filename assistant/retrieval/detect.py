"""Which duty of the duty lexicon a question is about, and the discount size it mentions.

The duty comes from the intent model (:mod:`.intent`): the question, shorthand expanded and
role names masked, is compared by meaning with every duty's example questions.  A percentage
("22%", "twenty-five per cent", "a fifth off") in a question about pricing picks the discount
band of the approval matrix, bounds inclusive: exactly 15% is inside the guardrail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .index import Retriever
    from .roles import DiscountBand, Duty

__all__ = ["Detection", "detect_duty", "parse_percent"]

PRICING_MARGIN = 0.05  # a pricing duty this close to the best label still reads a percentage as a discount
PRICING_DUTIES = frozenset(
    {
        "discount_approval",
        "commercial_negotiation",
        "pricing_exception",
        "make_commitments",
        "scope_deviation",
    }
)  # a percentage in a question about one of these is a discount size
# a yes/no question: a clause that opens with a modal or "is/are/does", or asks whether something is allowed
YES_NO = re.compile(
    r"(?:^|[.?!,;:]\s*|\s-\s*)(?:can|could|may|might|should|shall|is|are|does|do|will|would|must|am)\b"
    r"|\ballowed\b|\bok(?:ay)?\s+(?:if|for|to)\b|\b(?:ok|okay|fine)\s*\?",
    re.I,
)


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
)
_NUMBER_WORDS = {
    name: value
    for value, name in enumerate(re.findall(r"\w+", f"{_UNITS} seventeen eighteen nineteen twenty"))
}
_NUMBER_WORDS.update(
    {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
)
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


@dataclass
class Detection:
    """The detected duty (None: the lexicon does not cover the question), its score, the
    discount band / percentage when the question names one, and the not-covered topic the
    question is closest to when that is what it matched."""

    duty: Duty | None
    score: float
    band: DiscountBand | None = None
    pct: float | None = None
    not_covered: int | None = None


def detect_duty(question: str, vectors: np.ndarray, retriever: Retriever) -> Detection:
    """The duty a question is about (``vectors``: its embeddings as asked and role-masked)."""
    playbook = retriever.playbook
    scores = retriever.intent.scores(vectors, question)
    intent = retriever.intent.classify(scores)
    pct = parse_percent(question)
    discount = playbook.discount
    if pct is not None and discount is not None:
        pricing = [label for label in scores if label in PRICING_DUTIES or label in discount.duties]
        best_pricing = max(pricing, key=lambda label: scores[label], default=None)
        near = best_pricing is not None and scores[best_pricing] >= intent.score - PRICING_MARGIN
        if intent.duty in PRICING_DUTIES or intent.duty in discount.duties or (near and intent.duty is None):
            for band in discount.bands:
                if band.up_to is None or pct <= band.up_to:
                    return Detection(playbook.duties[band.duty], intent.score, band, pct)
    if intent.duty is None:
        return Detection(None, intent.score, pct=pct, not_covered=intent.not_covered)
    return Detection(playbook.duties[intent.duty], intent.score, None, pct)
