"""Scoring of triage reports against gold labels: pure functions, no I/O.

Everything here works on the *contract* form of a report (``TriageReport.to_contract()``,
the same JSON that ``assistant triage --json`` prints and every run folder stores), so a
saved run can be re-scored or compared without re-running a backend.

Conventions (also in ``evals/README.md``):

* Triggers: per id, a case is a true positive when the id is gold and fired, a false
  positive when it fired but is not gold, a false negative when gold but not fired.
  The overall figures are micro-averaged over all ids.  Precision with nothing fired
  is 1.0 (no false alarm); recall with nothing to find is 1.0.
* Field status accuracy: over the labelled fields of every case.
* Field value accuracy: over labelled fields whose gold status is not ``missing`` and
  whose gold value is not empty.  List fields of canonical names match as
  case-insensitive sets; free-text list fields (``requested_responsibilities``,
  ``next_steps``) match item by item with normalised containment either way; numbers
  match within 0.01; enums exactly; free text by normalised containment either way or
  any ``accept`` entry.  List fields also get item-level precision/recall.
* Evidence verbatim: every evidence string of every field and trigger must be a
  substring of one of the given haystacks (the newline-normalised input, and its
  masked form, since card numbers are masked length-preserving before extraction).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, computed_field

from ..schema import FIELD_NAMES, LIST_FIELDS, TRIGGER_IDS
from .labels import CaseLabels, Question
from .matching import (
    ENUM_FIELDS,
    FREE_TEXT_LIST_FIELDS,
    NUMBER_FIELDS,
    Aliases,
    is_empty,
    match_value,
    normalise_newlines,
    normalise_text,
)

__all__ = [
    "ENUM_FIELDS",
    "FREE_TEXT_LIST_FIELDS",
    "METRICS",
    "NUMBER_FIELDS",
    "CaseScore",
    "Counts",
    "EvidenceScore",
    "FieldRow",
    "FieldScore",
    "FieldSummary",
    "Metric",
    "QuestionScore",
    "QuestionSummary",
    "RunInfo",
    "RunSummary",
    "TriggerRow",
    "TriggerScore",
    "match_value",
    "normalise_newlines",
    "normalise_text",
    "percentile",
    "score_case",
    "score_question",
    "summarise",
    "summarise_questions",
]

# --------------------------------------------------------------------------- per-case models


class TriggerScore(BaseModel):
    """Triggers of one case: expected, fired, missed and false alarms."""

    expected: list[str]
    predicted: list[str]
    missed: list[str]  # gold but not fired (false negatives)
    false_fired: list[str]  # fired but not gold (false positives)

    @property
    def ok(self) -> bool:
        """True when no trigger was missed or fired by mistake."""
        return not self.missed and not self.false_fired


class FieldScore(BaseModel):
    """One labelled field of one case: gold and predicted status and value."""

    gold_status: str
    pred_status: str
    gold_value: Any = None
    pred_value: Any = None
    status_ok: bool
    value_ok: bool | None = None  # None: value not scored (gold missing or empty)
    items: tuple[int, int, int] | None = None  # (tp, fp, fn) for list fields whose value is scored
    # a value the report marks confirmed: does it match gold?  None when nothing was confirmed
    confirmed_ok: bool | None = None


class EvidenceScore(BaseModel):
    """How many evidence quotes of one case are verbatim in the text."""

    total: int = 0
    verbatim: int = 0
    not_verbatim: list[str] = Field(default_factory=list)  # "<field or trigger:id>: <quote>"


class CaseScore(BaseModel):
    """Everything scored for one case (stored as ``score`` in ``cases/<id>.json``)."""

    id: str
    kind: str = ""
    passed: bool
    error: str | None = None
    triggers: TriggerScore
    fields: dict[str, FieldScore] = Field(default_factory=dict)
    evidence: EvidenceScore = Field(default_factory=EvidenceScore)
    gate_ok: bool | None = None
    latency_ms: float | None = None
    usage: dict[str, float] | None = None
    words: int = 0

    def failures(self) -> list[str]:
        """Short human-readable reasons this case failed."""
        out = [f"error: {self.error}"] if self.error else []
        out += [f"missed trigger {t}" for t in self.triggers.missed]
        out += [f"false trigger {t}" for t in self.triggers.false_fired]
        for name, fs in self.fields.items():
            if not fs.status_ok:
                out.append(f"{name}: status {fs.pred_status} (gold {fs.gold_status})")
            if fs.value_ok is False:
                out.append(f"{name}: value {fs.pred_value!r} (gold {fs.gold_value!r})")
        out += [f"evidence not verbatim: {q}" for q in self.evidence.not_verbatim]
        if self.gate_ok is False:
            out.append("gate.missing differs from gold")
        return out


def _evidence_items(report: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for name, field in (report.get("fields") or {}).items():
        for quote in field.get("evidence") or []:
            yield name, quote
    for trigger in report.get("triggers") or []:
        for quote in trigger.get("evidence") or []:
            yield f"trigger:{trigger.get('id')}", quote


def score_case(
    labels: CaseLabels,
    report: Mapping[str, Any] | None,
    haystacks: Sequence[str] = (),
    *,
    latency_ms: float | None = None,
    usage: Mapping[str, float] | None = None,
    error: str | None = None,
    words: int = 0,
    aliases: Aliases | None = None,
) -> CaseScore:
    """Score one report (contract dict) against its gold labels.

    ``aliases`` (:func:`.matching.build_aliases`) lets canonical names match across spellings.

    ``report`` is ``None`` when the backend failed (``error`` says why): every gold
    trigger is then missed and every labelled field counts as wrong.
    """
    report = report or {}
    fired = sorted({str(t.get("id")) for t in report.get("triggers") or []})
    gold = sorted(set(labels.triggers))
    triggers = TriggerScore(
        expected=gold,
        predicted=fired,
        missed=[t for t in gold if t not in fired],
        false_fired=[t for t in fired if t not in gold],
    )
    pred_fields: Mapping[str, Any] = report.get("fields") or {}
    fields: dict[str, FieldScore] = {}
    for name, label in labels.fields.items():
        pred = pred_fields.get(name) or {}
        pred_status = str(pred.get("status") or "missing")
        pred_value = pred.get("value")
        value_ok: bool | None = None
        items: tuple[int, int, int] | None = None
        if label.status != "missing" and not is_empty(label.value):
            value_ok, items = match_value(name, label, pred_value, aliases)
        confirmed_ok: bool | None = None
        if pred_status == "confirmed" and not is_empty(pred_value):
            confirmed_ok = error is None and bool(value_ok) and label.status != "missing"
        fields[name] = FieldScore(
            confirmed_ok=confirmed_ok,
            gold_status=label.status,
            pred_status=pred_status,
            gold_value=label.value,
            pred_value=pred_value,
            status_ok=error is None and pred_status == label.status,
            value_ok=value_ok if error is None or value_ok is None else False,
            items=items,
        )
    evidence = EvidenceScore()
    for where, quote in _evidence_items(report):
        evidence.total += 1
        if quote and any(quote in hay for hay in haystacks):
            evidence.verbatim += 1
        else:
            evidence.not_verbatim.append(f"{where}: {quote!r}")
    gate_ok: bool | None = None
    if labels.gate_missing is not None:
        pred_missing = set((report.get("gate") or {}).get("missing") or [])
        gate_ok = error is None and pred_missing == set(labels.gate_missing)
    passed = (
        error is None
        and triggers.ok
        and all(fs.status_ok and fs.value_ok is not False for fs in fields.values())
        and not evidence.not_verbatim
        and gate_ok is not False
    )
    return CaseScore(
        id=labels.id,
        kind=labels.kind,
        passed=passed,
        error=error,
        triggers=triggers,
        fields=fields,
        evidence=evidence,
        gate_ok=gate_ok,
        latency_ms=latency_ms,
        usage=dict(usage) if usage else None,
        words=words,
    )


# --------------------------------------------------------------------------- aggregates


def _ratio(num: float, den: float, empty: float) -> float:
    return num / den if den else empty


class Counts(BaseModel):
    """Precision/recall counts of one trigger id (or all, micro-averaged)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        """Gold occurrences (true positives plus misses)."""
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        """Share of firings that were right (1.0 when nothing fired)."""
        return _ratio(self.tp, self.tp + self.fp, 1.0)

    @property
    def recall(self) -> float:
        """Share of gold occurrences found (1.0 when there was nothing to find)."""
        return _ratio(self.tp, self.tp + self.fn, 1.0)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_row(self) -> TriggerRow:
        """The rounded figures as stored in ``summary.json``."""
        return TriggerRow(
            support=self.support,
            tp=self.tp,
            fp=self.fp,
            fn=self.fn,
            precision=round(self.precision, 4),
            recall=round(self.recall, 4),
            f1=round(self.f1, 4),
        )


class TriggerRow(BaseModel):
    """Counts and precision/recall/F1 of one trigger id (or all, micro-averaged) in ``summary.json``."""

    support: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 1.0
    recall: float = 1.0
    f1: float = 0.0


class FieldRow(BaseModel):
    """Per-field figures in ``summary.json`` (``None``: nothing to measure)."""

    status_n: int = 0
    status_accuracy: float | None = None
    value_n: int = 0
    value_accuracy: float | None = None
    item_precision: float | None = None
    item_recall: float | None = None


class FieldSummary(BaseModel):
    """Running totals of one field over a run."""

    status_n: int = 0
    status_correct: int = 0
    value_n: int = 0
    value_correct: int = 0
    item_tp: int = 0
    item_fp: int = 0
    item_fn: int = 0
    is_list: bool = False

    @property
    def status_accuracy(self) -> float | None:
        """Share of labelled statuses that were right."""
        return self.status_correct / self.status_n if self.status_n else None

    @property
    def value_accuracy(self) -> float | None:
        """Share of scored values that were right."""
        return self.value_correct / self.value_n if self.value_n else None

    @property
    def item_precision(self) -> float | None:
        """Item-level precision of a list field."""
        if not self.is_list or not self.value_n:
            return None
        return _ratio(self.item_tp, self.item_tp + self.item_fp, 1.0)

    @property
    def item_recall(self) -> float | None:
        """Item-level recall of a list field."""
        if not self.is_list or not self.value_n:
            return None
        return _ratio(self.item_tp, self.item_tp + self.item_fn, 1.0)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (``q`` in 0..100); ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class QuestionScore(BaseModel):
    """One ownership question: gold and predicted owners and what went wrong."""

    id: str
    question: str
    gold_owners: list[str]
    must_not: list[str] = Field(default_factory=list)
    pred_owners: list[str] = Field(default_factory=list)
    answerable: bool
    top1_ok: bool | None = None  # answerable questions: predicted first owner == gold first owner
    top1_in_gold: bool | None = None  # answerable: predicted first owner is one of the gold owners
    refusal_ok: bool | None = None  # unanswerable questions: predicted no owner
    must_not_violations: list[str] = Field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        """True when the answer names a right owner (or rightly none) and no must-not role."""
        ok = self.top1_ok if self.answerable else self.refusal_ok
        return bool(ok) and not self.must_not_violations and self.error is None


def score_question(
    question: Question, pred_owners: Sequence[str] | None, error: str | None = None
) -> QuestionScore:
    """Score the owners ``ask`` predicted for ``question``."""
    owners = list(pred_owners or [])
    score = QuestionScore(
        id=question.id,
        question=question.question,
        gold_owners=list(question.owners),
        must_not=list(question.must_not),
        pred_owners=owners,
        answerable=question.answerable,
        must_not_violations=[role for role in owners if role in question.must_not],
        error=error,
    )
    if question.answerable:
        score.top1_ok = bool(owners) and owners[0] == question.owners[0]
        score.top1_in_gold = bool(owners) and owners[0] in question.owners
    else:
        score.refusal_ok = error is None and not owners
    return score


class QuestionSummary(BaseModel):
    """Aggregate figures of the ownership questions."""

    available: bool = True
    reason: str | None = None  # why ownership questions were not scored
    n: int = 0
    answerable: int = 0
    unanswerable: int = 0
    owner_top1_accuracy: float | None = None
    owner_top1_in_gold: float | None = None
    refusal_accuracy: float | None = None
    must_not_violations: int = 0
    errors: int = 0
    failing: list[str] = Field(default_factory=list)


def summarise_questions(scores: Sequence[QuestionScore]) -> QuestionSummary:
    """Aggregate question scores into owner and refusal accuracy."""
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]

    def share(hits: int, group: list[QuestionScore]) -> float | None:
        return round(hits / len(group), 4) if group else None

    return QuestionSummary(
        n=len(scores),
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        owner_top1_accuracy=share(sum(bool(s.top1_ok) for s in answerable), answerable),
        owner_top1_in_gold=share(sum(bool(s.top1_in_gold) for s in answerable), answerable),
        refusal_accuracy=share(sum(bool(s.refusal_ok) for s in unanswerable), unanswerable),
        must_not_violations=sum(len(s.must_not_violations) for s in scores),
        errors=sum(s.error is not None for s in scores),
        failing=[s.id for s in scores if not s.passed],
    )


@dataclass(frozen=True)
class Metric:
    """A headline figure of a run: where it lives in the summary, its label, and which way is better.

    ``key`` is a dotted path into :class:`RunSummary` (``"questions.refusal_accuracy"``);
    ``gate`` names its threshold in ``evals/thresholds.toml`` (``min_...`` or ``max_...``).
    """

    key: str
    label: str
    higher_is_better: bool = True
    gate: str | None = None
    digits: int = 3


# Every headline figure, once: the report, the console, run comparison and the CI gate read this list.
# Adding a metric: a field on RunSummary, its computation in summarise(), and one line here.
METRICS: tuple[Metric, ...] = (
    Metric("pass_rate", "case pass rate", gate="min_case_pass_rate"),
    Metric("triggers_overall.precision", "trigger precision (micro)", gate="min_trigger_precision"),
    Metric("triggers_overall.recall", "trigger recall (micro)", gate="min_trigger_recall"),
    Metric("triggers_overall.f1", "trigger F1 (micro)"),
    Metric("field_status_accuracy", "field status accuracy", gate="min_field_status_accuracy"),
    Metric("field_value_accuracy", "field value accuracy", gate="min_field_value_accuracy"),
    Metric("confirmed_value_precision", "confirmed value precision", gate="min_confirmed_value_precision"),
    Metric("list_item_precision", "list item precision"),
    Metric("list_item_recall", "list item recall"),
    Metric("gate_accuracy", "gate accuracy"),
    Metric("evidence_verbatim_rate", "evidence verbatim rate", gate="min_evidence_verbatim_rate"),
    Metric("latency_ms_p50", "latency p50 (ms)", higher_is_better=False, digits=1),
    Metric("latency_ms_p95", "latency p95 (ms)", higher_is_better=False, digits=1),
    Metric("ms_per_1k_words_p50", "ms per 1k words (p50)", higher_is_better=False, digits=1),
    Metric("errors", "backend errors", higher_is_better=False, gate="max_errors", digits=0),
    Metric("usage_per_input.input_tokens", "tokens in per input", higher_is_better=False, digits=0),
    Metric("usage_per_input.output_tokens", "tokens out per input", higher_is_better=False, digits=0),
    Metric("usage_per_input.cost_usd", "cost per input (USD)", higher_is_better=False, digits=5),
    Metric("questions.owner_top1_accuracy", "owner top-1 accuracy", gate="min_owner_top1"),
    Metric("questions.owner_top1_in_gold", "owner top-1 in gold owners"),
    Metric("questions.refusal_accuracy", "refusal accuracy", gate="min_refusal_accuracy"),
    Metric(
        "questions.must_not_violations",
        "must-not violations",
        higher_is_better=False,
        gate="max_must_not_violations",
        digits=0,
    ),
)


class RunInfo(BaseModel):
    """Where and how a run was made (``summary.json``'s ``run`` object)."""

    name: str
    backend: str
    report_backend: str
    split: str
    case_filter: str | None = None
    started_at: str
    duration_s: float
    git_rev: str | None = None
    python: str
    evals_dir: str


class RunSummary(BaseModel):
    """One run's ``summary.json``: run metadata and every aggregate figure, typed."""

    run: RunInfo | None = None
    n_cases: int = 0
    passed: int = 0
    errors: int = 0
    failing: list[str] = Field(default_factory=list)
    triggers: dict[str, TriggerRow] = Field(default_factory=dict)
    triggers_overall: TriggerRow = Field(default_factory=TriggerRow)
    fields: dict[str, FieldRow] = Field(default_factory=dict)
    field_status_accuracy: float | None = None
    field_value_accuracy: float | None = None
    list_item_precision: float | None = None
    list_item_recall: float | None = None
    # share of values marked confirmed (over labelled fields) that match gold
    confirmed_value_precision: float | None = None
    gate_accuracy: float | None = None
    evidence_total: int = 0
    evidence_verbatim: int = 0
    evidence_verbatim_rate: float = 1.0
    latency_ms_p50: float | None = None
    latency_ms_p95: float | None = None
    ms_per_1k_words_p50: float | None = None
    usage_per_input: dict[str, float] | None = None  # calls, input/output tokens, cost_usd (LLM backends)
    questions: QuestionSummary = Field(default_factory=lambda: QuestionSummary(available=False))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pass_rate(self) -> float:
        """Share of cases that passed."""
        return round(_ratio(self.passed, self.n_cases, 0.0), 4)

    def value(self, key: str) -> float | None:
        """The number at dotted path ``key`` (a :class:`Metric` key); ``None`` when absent or not a number."""
        node: Any = self
        for part in key.split("."):
            node = node.get(part) if isinstance(node, Mapping) else getattr(node, part, None)
            if node is None:
                return None
        return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


def summarise(cases: Sequence[CaseScore], questions: QuestionSummary | None = None) -> RunSummary:
    """Aggregate case scores into the run's headline figures."""
    per_trigger = {tid: Counts() for tid in TRIGGER_IDS}
    for case in cases:
        for tid in case.triggers.expected:
            per_trigger.setdefault(tid, Counts())
            if tid in case.triggers.predicted:
                per_trigger[tid].tp += 1
            else:
                per_trigger[tid].fn += 1
        for tid in case.triggers.false_fired:
            per_trigger.setdefault(tid, Counts()).fp += 1
    overall = Counts(
        tp=sum(c.tp for c in per_trigger.values()),
        fp=sum(c.fp for c in per_trigger.values()),
        fn=sum(c.fn for c in per_trigger.values()),
    )

    per_field: dict[str, FieldSummary] = {}
    for case in cases:
        for name, fs in case.fields.items():
            agg = per_field.setdefault(name, FieldSummary(is_list=name in LIST_FIELDS))
            agg.status_n += 1
            agg.status_correct += fs.status_ok
            if fs.value_ok is not None:
                agg.value_n += 1
                agg.value_correct += fs.value_ok
                if fs.items is not None:
                    agg.item_tp += fs.items[0]
                    agg.item_fp += fs.items[1]
                    agg.item_fn += fs.items[2]
    order = {name: i for i, name in enumerate(FIELD_NAMES)}
    fields = {
        name: FieldRow(
            status_n=agg.status_n,
            status_accuracy=_round(agg.status_accuracy),
            value_n=agg.value_n,
            value_accuracy=_round(agg.value_accuracy),
            item_precision=_round(agg.item_precision),
            item_recall=_round(agg.item_recall),
        )
        for name, agg in sorted(per_field.items(), key=lambda kv: order.get(kv[0], 99))
    }
    status_n = sum(a.status_n for a in per_field.values())
    value_n = sum(a.value_n for a in per_field.values())
    lists = [a for a in per_field.values() if a.is_list and a.value_n]
    item_tp = sum(a.item_tp for a in lists)
    item_fp = sum(a.item_fp for a in lists)
    item_fn = sum(a.item_fn for a in lists)
    confirmed = [fs.confirmed_ok for c in cases for fs in c.fields.values() if fs.confirmed_ok is not None]

    gated = [c for c in cases if c.gate_ok is not None]
    ev_total = sum(c.evidence.total for c in cases)
    ev_ok = sum(c.evidence.verbatim for c in cases)
    latencies = [c.latency_ms for c in cases if c.latency_ms is not None and c.error is None]
    per_kw = [
        c.latency_ms * 1000 / c.words
        for c in cases
        if c.latency_ms is not None and c.words and c.error is None
    ]
    with_usage = [c.usage for c in cases if c.usage]
    usage_per_input: dict[str, float] | None = None
    if with_usage:
        keys = ("calls", "input_tokens", "output_tokens", "cost_usd")
        usage_per_input = {k: round(sum(u.get(k, 0.0) for u in with_usage) / len(cases), 6) for k in keys}
    return RunSummary(
        n_cases=len(cases),
        passed=sum(c.passed for c in cases),
        errors=sum(c.error is not None for c in cases),
        failing=[c.id for c in cases if not c.passed],
        triggers={tid: c.as_row() for tid, c in per_trigger.items()},
        triggers_overall=overall.as_row(),
        fields=fields,
        field_status_accuracy=_round(_ratio(sum(a.status_correct for a in per_field.values()), status_n, 0.0))
        if status_n
        else None,
        field_value_accuracy=_round(_ratio(sum(a.value_correct for a in per_field.values()), value_n, 0.0))
        if value_n
        else None,
        list_item_precision=_round(_ratio(item_tp, item_tp + item_fp, 1.0)) if lists else None,
        list_item_recall=_round(_ratio(item_tp, item_tp + item_fn, 1.0)) if lists else None,
        confirmed_value_precision=_round(sum(confirmed) / len(confirmed)) if confirmed else None,
        gate_accuracy=_round(sum(bool(c.gate_ok) for c in gated) / len(gated)) if gated else None,
        evidence_total=ev_total,
        evidence_verbatim=ev_ok,
        evidence_verbatim_rate=_round(_ratio(ev_ok, ev_total, 1.0)) or 0.0,
        latency_ms_p50=_round(percentile(latencies, 50), 2),
        latency_ms_p95=_round(percentile(latencies, 95), 2),
        ms_per_1k_words_p50=_round(percentile(per_kw, 50), 2),
        usage_per_input=usage_per_input,
        questions=questions or QuestionSummary(available=False, reason="not run"),
    )


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)
