"""Evaluation on recorded transcripts: gold labels, scoring, run folders, CI gate, run comparison.

* :mod:`.labels`     gold-label schema (``*.gold.yaml``, ``questions/<split>.yaml``)
* :mod:`.dataset`    ``load_split(settings, split)`` -> cases; ``load_questions``
* :mod:`.metrics`    pure scoring of contract JSON against gold labels (:mod:`.matching` for values)
* :mod:`.runner`     ``run_eval(settings, backend=..., split=...)`` -> run folder
* :mod:`.report`     ``report.md`` / ``summary.json`` / per-case JSON; :mod:`.chart` the chart
* :mod:`.compare`    regressions between two run folders
* :mod:`.thresholds` ``evals/thresholds.toml`` and the CI gate check

Only the light modules are imported here; ``runner`` imports triage lazily.
"""

from .dataset import Case, load_questions, load_split
from .labels import CaseLabels, FieldLabel, Question, QuestionSet, load_case_labels, load_question_set
from .metrics import CaseScore, RunSummary, score_case, score_question, summarise, summarise_questions

__all__ = [
    "Case",
    "CaseLabels",
    "CaseScore",
    "FieldLabel",
    "Question",
    "QuestionSet",
    "RunSummary",
    "load_case_labels",
    "load_question_set",
    "load_questions",
    "load_split",
    "score_case",
    "score_question",
    "summarise",
    "summarise_questions",
]
