"""Loading the evaluation set: recorded inputs, their gold labels, ownership questions.

``evals/cases/<split>/<id>.txt`` pairs with ``evals/cases/<split>/<id>.gold.yaml``;
a text without gold labels (or gold labels without a text) is an error, so a
half-added case can never silently drop out of the scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import InputError
from .labels import CaseLabels, Question, load_case_labels, load_question_set

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["SPLITS", "Case", "Split", "load_questions", "load_split", "split_names"]

Split = Literal["dev", "test", "all"]
SPLITS: tuple[str, ...] = ("dev", "test")
GOLD_SUFFIX = ".gold.yaml"


@dataclass(frozen=True)
class Case:
    """One recorded input with its gold labels."""

    id: str
    path: Path
    text: str
    labels: CaseLabels
    split: str = "dev"

    @property
    def words(self) -> int:
        """Word count of the transcript."""
        return len(self.text.split())


def split_names(split: str) -> tuple[str, ...]:
    """``"all"`` -> every split; otherwise the one split (validated)."""
    if split == "all":
        return SPLITS
    if split not in SPLITS:
        raise InputError(f"unknown split {split!r}; use one of {[*SPLITS, 'all']}")
    return (split,)


def _cases_dir(settings: Settings, split: str) -> Path:
    return Path(settings.evals_dir) / "cases" / split


def _load_one_split(settings: Settings, split: str) -> list[Case]:
    folder = _cases_dir(settings, split)
    if not folder.is_dir():
        raise InputError(
            f"no evaluation cases at {folder}; add <id>.txt + <id>.gold.yaml files (see evals/README.md)"
        )
    texts = {p.stem: p for p in folder.glob("*.txt")}
    golds = {p.name[: -len(GOLD_SUFFIX)]: p for p in folder.glob(f"*{GOLD_SUFFIX}")}
    problems = [f"{texts[i].name} has no {i}{GOLD_SUFFIX}" for i in sorted(set(texts) - set(golds))]
    problems += [f"{golds[i].name} has no {i}.txt" for i in sorted(set(golds) - set(texts))]
    if problems:
        raise InputError(f"unpaired evaluation files in {folder}: " + "; ".join(problems))
    cases: list[Case] = []
    for case_id in sorted(texts):
        labels = load_case_labels(golds[case_id])
        if labels.id != case_id:
            raise InputError(
                f"{golds[case_id]} has id {labels.id!r}; it must match the file name {case_id!r}"
            )
        try:
            text = texts[case_id].read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read evaluation input {texts[case_id]}: {exc}") from exc
        cases.append(Case(id=case_id, path=texts[case_id], text=text, labels=labels, split=split))
    return cases


def load_split(settings: Settings, split: str) -> list[Case]:
    """Every case of ``split`` (``dev``, ``test`` or ``all``), sorted by id within each split."""
    cases: list[Case] = []
    for name in split_names(split):
        cases.extend(_load_one_split(settings, name))
    seen: dict[str, str] = {}
    for case in cases:
        if case.id in seen:
            raise InputError(
                f"case id {case.id!r} is in both {seen[case.id]} and {case.split}; ids must be unique"
            )
        seen[case.id] = case.split
    if not cases:
        raise InputError(f"no evaluation cases in split {split!r} under {Path(settings.evals_dir) / 'cases'}")
    return cases


def load_questions(settings: Settings, split: str) -> list[Question]:
    """Ownership questions of ``split``; a split without a questions file has none."""
    questions: list[Question] = []
    for name in split_names(split):
        path = Path(settings.evals_dir) / "questions" / f"{name}.yaml"
        if not path.exists():
            continue
        qset = load_question_set(path)
        if qset.split != name:
            raise InputError(f"{path} says split {qset.split!r}; it must say {name!r}")
        questions.extend(qset.questions)
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InputError(f"duplicate ownership question ids {duplicates}")
    return questions
