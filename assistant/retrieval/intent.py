"""What a question is about, learned from example questions rather than keyword lists.

Every example question in ``knowledge/duties.yaml`` (per duty, plus the topics the playbooks
do not cover) is embedded once, at index build, with role names replaced by a neutral word:
the duty is in the *action* ("chase the customer", "match a competitor's price"), while who
is asking about whom is read separately.  A question is embedded the same way and scored
against each label by its nearest examples (the mean of the best two similarities, so one
lucky example is not enough).  The best label wins; a "not covered" topic or a score below
:data:`ACCEPT` means the playbooks have no duty for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .chunking import raw_words, words

if TYPE_CHECKING:  # pragma: no cover
    from .roles import Playbook

__all__ = [
    "ACCEPT",
    "NOT_COVERED",
    "Intent",
    "IntentModel",
    "labelled_examples",
    "mask_roles",
]

NOT_COVERED = "not_covered:"  # label prefix of a topic the playbooks do not answer, + its index
ROLE_PLACEHOLDER = "someone"
ACCEPT = 0.6  # a label is accepted at or above this score (mean of its three nearest examples)
NEIGHBOURS = 3
LEXICAL_WEIGHT = 0.3
MARGIN = 0.04  # a duty must beat the closest not-covered topic by this much


def mask_roles(text: str, playbook: Playbook) -> str:
    """``text`` as lower-case words with every role name replaced by "someone"."""
    tokens = raw_words(text)
    from .chunking import stem

    spans = playbook.role_spans([stem(token) for token in tokens])
    out: list[str] = []
    at = 0
    for start, end, _ in spans:
        out.extend(tokens[at:start])
        out.append(ROLE_PLACEHOLDER)
        at = end
    out.extend(tokens[at:])
    return " ".join(out)


def labelled_examples(playbook: Playbook) -> list[tuple[str, str]]:
    """(label, example text) for every duty example and every not-covered example."""
    pairs = [(duty.id, f"Who is responsible for {duty.label}?") for duty in playbook.duties.values()]
    pairs += [(duty.id, text) for duty in playbook.duties.values() for text in duty.examples]
    for index, topic in enumerate(playbook.not_covered):
        pairs.extend((f"{NOT_COVERED}{index}", text) for text in topic.examples)
    return pairs


@dataclass(frozen=True)
class Intent:
    """The best label for a question: a duty id, ``not_covered:<i>`` or None, with its score."""

    label: str | None
    score: float
    runner_up: str | None = None
    runner_up_score: float = 0.0

    nearest: str | None = None  # the best label even below the threshold

    @property
    def not_covered(self) -> int | None:
        """Index of the not-covered topic the question is closest to, if that is the nearest label."""
        if self.nearest and self.nearest.startswith(NOT_COVERED):
            return int(self.nearest[len(NOT_COVERED) :])
        return None

    @property
    def duty(self) -> str | None:
        return self.label if self.label and not self.label.startswith(NOT_COVERED) else None


class IntentModel:
    """Nearest-example scoring over the embedded example questions: meaning (cosine of the
    embeddings) plus a share of word overlap (tf-idf cosine over word stems, role names and
    stop words left out), so a rare word the examples share ("fuel", "tokenization") counts."""

    def __init__(
        self,
        labels: list[str],
        vectors: np.ndarray,
        texts: list[str] | None = None,
        ignore: frozenset[str] = frozenset(),
    ) -> None:
        self.labels = labels
        self.vectors = vectors
        self.ignore = ignore
        bags = [self._bag(text) for text in texts or [""] * len(labels)]
        frequency: dict[str, int] = {}
        for bag in bags:
            for token in bag:
                frequency[token] = frequency.get(token, 0) + 1
        self.idf = {
            token: math.log((1 + len(bags)) / (1 + count)) + 1.0 for token, count in frequency.items()
        }
        self._bags = [{token: self.idf[token] for token in bag} for bag in bags]
        self._norms = [math.sqrt(sum(w * w for w in bag.values())) or 1.0 for bag in self._bags]
        self._groups: dict[str, np.ndarray] = {}
        for label in dict.fromkeys(labels):
            self._groups[label] = np.array([i for i, name in enumerate(labels) if name == label])

    def _bag(self, text: str) -> set[str]:
        return {token for token in words(text) if token not in self.ignore}

    def lexical(self, text: str) -> np.ndarray:
        """tf-idf cosine between ``text`` and every example (0 when no word is shared)."""
        query = {token: self.idf[token] for token in self._bag(text) if token in self.idf}
        out = np.zeros(len(self.labels), np.float32)
        if not query:
            return out
        norm = math.sqrt(sum(w * w for w in query.values()))
        for row, bag in enumerate(self._bags):
            shared = sum(weight * bag[token] for token, weight in query.items() if token in bag)
            if shared:
                out[row] = shared / (norm * self._norms[row])
        return out

    def scores(self, vectors: np.ndarray, text: str = "") -> dict[str, float]:
        """Per label, the mean of the ``NEIGHBOURS`` best cosine similarities to its examples
        (``vectors``: one question embedding, or several variants of it)."""
        if not self.labels:
            return {}
        sims = (self.vectors @ np.atleast_2d(vectors).T).max(axis=1)  # the closer of the question's variants
        if text:
            sims = sims + LEXICAL_WEIGHT * self.lexical(text)
        out: dict[str, float] = {}
        for label, rows in self._groups.items():
            best = np.sort(sims[rows])[::-1][:NEIGHBOURS]
            out[label] = float(best.mean())
        return out

    def classify(self, scores: dict[str, float]) -> Intent:
        """The best label, or ``label=None`` when no duty or topic is close enough."""
        if not scores:
            return Intent(None, 0.0)
        ranked = sorted(scores, key=lambda label: (-scores[label], label))
        best = ranked[0]
        uncovered = next((label for label in ranked if label.startswith(NOT_COVERED)), None)
        if uncovered and not best.startswith(NOT_COVERED) and scores[uncovered] >= scores[best] - MARGIN:
            best = uncovered  # about as close to a topic the playbooks do not cover: do not guess
        second = ranked[1] if len(ranked) > 1 else None
        return Intent(
            best if scores[best] >= ACCEPT else None,
            scores[best],
            runner_up=second,
            runner_up_score=scores[second] if second else 0.0,
            nearest=best,
        )
