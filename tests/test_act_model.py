"""The acts classifier: shipped weights, runtime scoring, and that retraining reproduces them."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.extract.rules.act_model import load_model, structure_of_text
from assistant.policy import load_bundle

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = load_bundle()
WEIGHTS = Path(BUNDLE.acts.root) / BUNDLE.acts.classifier.weights


def test_the_shipped_model_is_small_and_has_the_four_labels() -> None:
    model = load_model(str(WEIGHTS))
    assert model is not None
    assert set(model.classes) == {"none", "pricing", "promise", "request"}
    assert WEIGHTS.stat().st_size < 256 * 1024


@pytest.mark.parametrize(
    ("text", "side", "owner", "label"),
    [
        ("we kind of figured the key ceremony would end up on your desk", "customer", True, "request"),
        ("we'll do the key loading ourselves, no need for you", "customer", True, "none"),
        ("honestly the re-cert is on us, don't worry", "external_rep", True, "promise"),
        ("I'll take it back to leadership and come back to you", "omni", False, "none"),
        ("can we get the setup fee waived", "customer", False, "pricing"),
    ],
)
def test_the_model_separates_intent(text: str, side: str, owner: bool, label: str) -> None:
    model = load_model(str(WEIGHTS))
    assert model is not None
    probabilities = model.probabilities(text, structure_of_text(BUNDLE.acts, text, side, owner))
    assert max(probabilities, key=probabilities.__getitem__) == label


def test_held_out_scores_are_published() -> None:
    scores = (ROOT / "evals" / "acts" / "SCORES.md").read_text(encoding="utf-8")
    assert "hand-written, held out" in scores


@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="scikit-learn (dev) not installed")
def test_retraining_reproduces_the_shipped_weights() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_acts.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
