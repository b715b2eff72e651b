"""CI gate thresholds (``evals/thresholds.toml``), validated by pydantic, and the check.

    thresholds = load_thresholds(settings.evals_dir / "thresholds.toml")
    failures = check_thresholds(summary, thresholds)   # [] means the gate passes

A figure that was not measured (no ownership questions scored, no labelled
field) fails a threshold that asks for it: a gate never passes by omission.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import ConfigError
from ..schema import TRIGGER_IDS
from .metrics import METRICS, RunSummary

__all__ = ["GateFailure", "PerTrigger", "Thresholds", "check_thresholds", "load_thresholds"]

_Unit = Field(default=None, ge=0.0, le=1.0)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PerTrigger(_Strict):
    """Minimum precision and recall of one trigger id."""

    min_precision: float | None = _Unit
    min_recall: float | None = _Unit


class Thresholds(BaseModel):
    """Minimum figures a run must reach (``None`` = not gated).

    Every ``min_...`` / ``max_...`` key names the ``gate`` of a metric in
    :data:`~.metrics.METRICS`; the ones below are typed and documented, and a new
    metric's gate is accepted without a field here.
    """

    model_config = ConfigDict(extra="allow")

    min_trigger_precision: float | None = _Unit
    min_trigger_recall: float | None = _Unit
    per_trigger_default: PerTrigger = Field(default_factory=PerTrigger)
    per_trigger: dict[str, PerTrigger] = Field(default_factory=dict)
    min_field_status_accuracy: float | None = _Unit
    min_field_value_accuracy: float | None = _Unit
    min_confirmed_value_precision: float | None = _Unit
    min_evidence_verbatim_rate: float | None = Field(default=1.0, ge=0.0, le=1.0)
    min_case_pass_rate: float | None = _Unit
    max_errors: int | None = Field(default=0, ge=0)
    min_owner_top1: float | None = _Unit
    min_refusal_accuracy: float | None = _Unit
    max_must_not_violations: int | None = Field(default=0, ge=0)

    @field_validator("per_trigger")
    @classmethod
    def _known_triggers(cls, value: dict[str, PerTrigger]) -> dict[str, PerTrigger]:
        unknown = [t for t in value if t not in TRIGGER_IDS]
        if unknown:
            raise ValueError(f"unknown trigger ids {unknown}; use {list(TRIGGER_IDS)}")
        return value

    @model_validator(mode="after")
    def _known_gates(self) -> Thresholds:
        gates = {metric.gate for metric in METRICS if metric.gate}
        unknown = sorted(set(self.model_extra or {}) - gates)
        if unknown:
            raise ValueError(f"unknown thresholds {unknown}; known: {sorted(gates)}")
        for name, value in (self.model_extra or {}).items():
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ValueError(f"threshold {name} must be a number")
        return self

    def limit(self, gate: str) -> float | None:
        """The threshold called ``gate`` (``None``: not gated)."""
        value = getattr(self, gate, None)
        return float(value) if isinstance(value, int | float) else None

    def for_trigger(self, trigger_id: str) -> PerTrigger:
        """The per-trigger minimums: the trigger's own entry over ``per_trigger_default``."""
        own = self.per_trigger.get(trigger_id, PerTrigger())
        return PerTrigger(
            min_precision=own.min_precision
            if own.min_precision is not None
            else self.per_trigger_default.min_precision,
            min_recall=own.min_recall if own.min_recall is not None else self.per_trigger_default.min_recall,
        )


@dataclass(frozen=True)
class GateFailure:
    """One threshold a run did not meet."""

    metric: str
    actual: float | None
    threshold: float
    kind: str  # "min" or "max"

    def __str__(self) -> str:
        if self.actual is None:
            return f"{self.metric}: not measured (needs {self.kind} {self.threshold:g})"
        op = "<" if self.kind == "min" else ">"
        return f"{self.metric}: {self.actual:.4g} {op} {self.kind} {self.threshold:g}"


def load_thresholds(path: Path) -> Thresholds:
    """Read and validate a thresholds TOML file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read thresholds file {path}: {exc}; pass --thresholds PATH") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"thresholds file {path} is not valid TOML: {exc}") from exc
    try:
        return Thresholds.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"invalid threshold {where} in {path}: {first['msg']}") from exc


def check_thresholds(summary: RunSummary | Mapping[str, Any], thresholds: Thresholds) -> list[GateFailure]:
    """Every threshold the run's ``summary`` does not meet (the gates are listed in :data:`METRICS`)."""
    if not isinstance(summary, RunSummary):
        summary = RunSummary.model_validate(summary)
    failures: list[GateFailure] = []
    for metric in METRICS:
        limit = thresholds.limit(metric.gate) if metric.gate else None
        if limit is None or metric.gate is None:
            continue
        value = summary.value(metric.key)
        label = metric.label
        if metric.key.startswith("questions.") and not summary.questions.available:
            if metric.gate.startswith("max_"):
                continue
            label, value = f"{label} ({summary.questions.reason or 'not run'})", None
        failures += _check(label, value, limit, "max" if metric.gate.startswith("max_") else "min")
    for tid, row in summary.triggers.items():
        limits = thresholds.for_trigger(tid)
        failures += _check(f"{tid} precision", row.precision, limits.min_precision, "min")
        if row.support:  # recall of a trigger with no gold case is not a measurement
            failures += _check(f"{tid} recall", row.recall, limits.min_recall, "min")
    return failures


def _check(label: str, value: float | None, limit: float | None, kind: str) -> list[GateFailure]:
    if limit is None:
        return []
    if value is None:
        return [GateFailure(label, None, limit, kind)]
    broken = value < limit - 1e-9 if kind == "min" else value > limit
    return [GateFailure(label, value, limit, kind)] if broken else []
