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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import ConfigError
from ..schema import TRIGGER_IDS

__all__ = ["GateFailure", "PerTrigger", "Thresholds", "check_thresholds", "load_thresholds"]

_Unit = Field(default=None, ge=0.0, le=1.0)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PerTrigger(_Strict):
    min_precision: float | None = _Unit
    min_recall: float | None = _Unit


class Thresholds(_Strict):
    """Minimum figures a run must reach (``None`` = not gated)."""

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


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def check_thresholds(summary: Mapping[str, Any], thresholds: Thresholds) -> list[GateFailure]:
    """Every threshold the run's ``summary`` (summary.json) does not meet."""
    failures: list[GateFailure] = []

    def at_least(metric: str, actual: Any, minimum: float | None) -> None:
        value = _num(actual)
        if minimum is not None and (value is None or value < minimum - 1e-9):
            failures.append(GateFailure(metric, value, minimum, "min"))

    def at_most(metric: str, actual: Any, maximum: int | None) -> None:
        value = _num(actual)
        if maximum is not None and (value is None or value > maximum):
            failures.append(GateFailure(metric, value, maximum, "max"))

    overall = summary["triggers_overall"]
    at_least("trigger precision (micro)", overall["precision"], thresholds.min_trigger_precision)
    at_least("trigger recall (micro)", overall["recall"], thresholds.min_trigger_recall)
    for tid, row in summary["triggers"].items():
        limits = thresholds.for_trigger(tid)
        at_least(f"{tid} precision", row["precision"], limits.min_precision)
        if row["support"]:  # recall of a trigger with no gold case is not a measurement
            at_least(f"{tid} recall", row["recall"], limits.min_recall)
    at_least("field status accuracy", summary["field_status_accuracy"], thresholds.min_field_status_accuracy)
    at_least("field value accuracy", summary["field_value_accuracy"], thresholds.min_field_value_accuracy)
    at_least(
        "confirmed value precision",
        summary.get("confirmed_value_precision"),
        thresholds.min_confirmed_value_precision,
    )
    at_least(
        "evidence verbatim rate", summary["evidence_verbatim_rate"], thresholds.min_evidence_verbatim_rate
    )
    at_least("case pass rate", summary.get("pass_rate"), thresholds.min_case_pass_rate)
    at_most("backend errors", summary["errors"], thresholds.max_errors)
    questions = summary.get("questions") or {}
    if questions.get("available"):
        at_least("owner top-1 accuracy", questions.get("owner_top1_accuracy"), thresholds.min_owner_top1)
        at_least("refusal accuracy", questions.get("refusal_accuracy"), thresholds.min_refusal_accuracy)
        at_most(
            "must-not violations", questions.get("must_not_violations"), thresholds.max_must_not_violations
        )
    else:
        for metric, limit in (
            ("owner top-1 accuracy", thresholds.min_owner_top1),
            ("refusal accuracy", thresholds.min_refusal_accuracy),
        ):
            if limit is not None:
                failures.append(
                    GateFailure(f"{metric} ({questions.get('reason') or 'not run'})", None, limit, "min")
                )
    return failures
