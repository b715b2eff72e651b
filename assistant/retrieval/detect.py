"""Which duty of the duty lexicon a question is about, and the discount size it mentions.

A duty scores the best meaning similarity between the question and the duty's example
questions, plus a bonus per cue phrase found (two at most), plus a bonus when a cue sits in
the question's *action* (the words right after "who", or after the role a yes/no question
asks about).  Below the thresholds nothing is detected and the answer names no owner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .chunking import words

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .index import Retriever
    from .roles import DiscountBand, Duty, Playbook

__all__ = ["Detection", "detect_duty", "parse_percent"]

CUE_BONUS = 0.12  # added to the meaning similarity per matching cue phrase (two at most)
ACCEPT = 0.60  # a duty is accepted at or above this score...
STRONG = 0.74  # ...and, without any cue phrase, only when the meaning alone is this close
ACCEPT_TWO_CUES = 0.5  # two distinct cue phrases of one duty lower the bar to this
WH_WORDS = frozenset(words("who whom whose"))
FILLERS = frozenset(
    words(
        "job is it to should would will can could must need needs has have supposed responsible for meant be "
        "the a an in charge of actually usually typically normally going allowed ok okay get gets do does our my "
        "your their we i you they exactly really then now"
    )
)
CLAUSE_BREAKS = frozenset(words("after before once when during if while because since until so"))
ACTION_WORDS = 4  # how many content words after "who" count as the question's action
ACTION_BONUS = 0.2  # extra score when a cue phrase sits in that action
YES_NO = re.compile(r"^\s*(?:can|could|may|might|should|shall|is|are|does|do|will|would|must|am)\b", re.I)


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
    """The detected duty (None: the lexicon does not cover the question), its score, and the
    discount band / percentage when the question names one."""

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
        if tokens[index] in CLAUSE_BREAKS and window:
            break
        window.add(index)
        if tokens[index] not in FILLERS:
            budget -= 1
            if budget == 0:
                break
    return window


def detect_duty(question: str, vector: np.ndarray, retriever: Retriever) -> Detection:
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
        return Detection(None, 0.0)
    best = max(scored, key=lambda duty_id: (scored[duty_id], duty_id))
    score = scored[best]
    enough = score >= ACCEPT or (len(hits.get(best, [])) >= 2 and score >= ACCEPT_TWO_CUES)
    if not enough or (best not in hits and similarity.get(best, 0.0) < STRONG):
        return Detection(None, score)
    discount = playbook.discount
    pricing = {"discount_approval", "commercial_negotiation", "pricing_exception", "make_commitments"}
    if pct is not None and discount and ("discount_approval" in hits or best in pricing):
        for band in discount.bands:
            if band.up_to is None or pct <= band.up_to:
                return Detection(playbook.duties[band.duty], score, band, pct)
    return Detection(playbook.duties[best], score, None, pct)
