"""The learned part of the acts layer: a small sentence classifier scored with numpy.

Phrase lists cannot hold every way of asking ("the keys were always going to be
your bit, weren't they"), so clauses that name another party's work (or an
Omni-side clause with a price, date or scope) are also scored by a multi-class
logistic regression over hashed word and character n-grams plus structural
features from the layer above: the speaker's side, a target ("you", "your team"),
another party's work, a modal verb, question form, first person, and which acts
the phrase lists saw.  Labels: ``request``, ``promise``, ``pricing``, ``none``.

Training (``make train`` = ``scripts/train_acts.py``) uses scikit-learn on the
corpus in ``evals/acts/``; the weights ship as ``policy/acts_model.npz`` and are
scored here with numpy only.  The feature function below is the one both sides use.
"""

from __future__ import annotations

import itertools
import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ...policy.acts import ActVocabulary, words_of

if TYPE_CHECKING:
    import numpy as np

    from .acts import Clause
    from .context import Context

__all__ = [
    "DIMENSIONS",
    "ActModel",
    "Structure",
    "features",
    "load_model",
    "promise_probability",
    "request_probability",
    "structure_of_text",
]

DIMENSIONS = 1 << 15
_CHAR_GRAMS = (3, 4, 5)


@dataclass(frozen=True)
class Structure:
    """What the layers above say about a clause."""

    side: str
    target: bool
    owner_work: bool
    question: bool
    modal: bool
    first_person: bool
    acts: tuple[str, ...]


def features(text: str, structure: Structure) -> list[int]:
    """Hashed feature indices of a clause (word 1-2 grams, char 3-5 grams, structure)."""
    words = words_of(text)
    names = [f"w:{w}" for w in words]
    names += [f"b:{a}_{b}" for a, b in itertools.pairwise(words)]
    for word in words:
        padded = f"<{word}>"
        for size in _CHAR_GRAMS:
            names += [f"c:{padded[i : i + size]}" for i in range(max(1, len(padded) - size + 1))]
    s = structure
    flags = [
        f"side:{s.side}",
        f"target:{s.target}",
        f"owner:{s.owner_work}",
        f"question:{s.question}",
        f"modal:{s.modal}",
        f"first:{s.first_person}",
        f"side_target:{s.side}_{s.target}",
        f"side_owner:{s.side}_{s.owner_work}",
        f"target_owner:{s.target}_{s.owner_work}",
    ]
    flags += [f"act:{name}" for name in s.acts] + [f"side_act:{s.side}_{name}" for name in s.acts]
    names += flags * 2  # structure weighs a little more than any one n-gram
    return [zlib.crc32(name.encode("utf-8")) % DIMENSIONS for name in names]


def structure_of_text(vocabulary: ActVocabulary, text: str, side: str, owner_work: bool) -> Structure:
    """The structure of a stand-alone sentence (training corpus, LLM quotes)."""
    from .acts import FIRST_PERSON, MODAL

    acts = tuple(sorted(vocabulary.acts_in(text)))
    return Structure(
        side=side,
        target=vocabulary.target_matcher.search(text) is not None,
        owner_work=owner_work,
        question=text.rstrip(" )\"'").endswith("?"),
        modal=MODAL.search(text) is not None,
        first_person=FIRST_PERSON.search(text) is not None,
        acts=acts,
    )


@dataclass(frozen=True)
class ActModel:
    classes: tuple[str, ...]
    weights: np.ndarray  # (classes, DIMENSIONS)
    bias: np.ndarray  # (classes,)

    def probabilities(self, text: str, structure: Structure) -> dict[str, float]:
        """Softmax over the classes for one clause."""
        import numpy as np  # imported on first use: triage starts without numpy

        index, counts = np.unique(np.asarray(features(text, structure), dtype=np.int64), return_counts=True)
        values = counts.astype(np.float32)
        values /= math.sqrt(float(values @ values)) or 1.0
        scores = self.weights[:, index] @ values + self.bias
        scores = scores - scores.max()
        exp = np.exp(scores)
        probs = exp / exp.sum()
        return {name: float(p) for name, p in zip(self.classes, probs, strict=True)}


@lru_cache(maxsize=4)
def load_model(path: str) -> ActModel | None:
    """The shipped weights, or ``None`` when the file is not there (the lists still work)."""
    import numpy as np

    file = Path(path)
    if not file.is_file():
        return None
    with np.load(file, allow_pickle=False) as data:
        return ActModel(
            classes=tuple(str(c) for c in data["classes"]),
            weights=data["weights"].astype(np.float32),
            bias=data["bias"].astype(np.float32),
        )


def _model(ctx: Context) -> ActModel | None:
    acts = ctx.bundle.acts
    return load_model(str(Path(acts.root) / acts.classifier.weights))


def _structure(clause: Clause) -> Structure:
    return Structure(
        side=clause.side,
        target=clause.target is not None,
        owner_work=bool(clause.work and clause.work.owner),
        question=clause.question,
        modal=clause.modal,
        first_person=clause.first_person,
        acts=tuple(sorted(clause.acts)),
    )


def request_probability(ctx: Context, clause: Clause) -> float:
    """Probability that ``clause`` asks Omni to take on work (0 without a model)."""
    model = _model(ctx)
    if model is None:
        return 0.0
    return model.probabilities(clause.text, _structure(clause)).get("request", 0.0)


def promise_probability(ctx: Context, clause: Clause) -> float:
    """Probability that ``clause`` promises price, dates or scope (0 without a model)."""
    model = _model(ctx)
    if model is None:
        return 0.0
    return model.probabilities(clause.text, _structure(clause)).get("promise", 0.0)
