"""CI gate thresholds: validation of the TOML file and which figures fail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.config import PROJECT_ROOT
from assistant.errors import ConfigError
from assistant.evaluation.thresholds import Thresholds, check_thresholds, load_thresholds
from assistant.schema import TRIGGER_IDS


def summary(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "triggers": {t: {"support": 2, "precision": 1.0, "recall": 1.0} for t in TRIGGER_IDS},
        "triggers_overall": {"precision": 0.9, "recall": 0.8},
        "field_status_accuracy": 0.85,
        "field_value_accuracy": 0.8,
        "evidence_verbatim_rate": 1.0,
        "pass_rate": 0.5,
        "errors": 0,
        "questions": {
            "available": True,
            "owner_top1_accuracy": 0.9,
            "refusal_accuracy": 1.0,
            "must_not_violations": 0,
        },
    }
    base.update(over)
    return base


def names(failures: list[Any]) -> list[str]:
    return [f.metric for f in failures]


def test_project_thresholds_file_validates() -> None:
    thresholds = load_thresholds(PROJECT_ROOT / "evals" / "thresholds.toml")
    assert thresholds.min_evidence_verbatim_rate == 1.0
    assert thresholds.max_must_not_violations == 0
    assert thresholds.min_trigger_precision is not None and thresholds.min_owner_top1 is not None


def test_passing_summary_has_no_failures() -> None:
    t = Thresholds(
        min_trigger_precision=0.9, min_trigger_recall=0.8, min_field_status_accuracy=0.85, min_owner_top1=0.9
    )
    assert check_thresholds(summary(), t) == []


def test_each_threshold_reports_its_metric() -> None:
    t = Thresholds(
        min_trigger_precision=0.95,
        min_field_status_accuracy=0.9,
        min_owner_top1=0.95,
        per_trigger={"tooling_unclear": {"min_recall": 0.75}},
    )
    s = summary()
    s["triggers"]["tooling_unclear"] = {"support": 4, "precision": 1.0, "recall": 0.5}
    s["evidence_verbatim_rate"] = 0.99
    s["errors"] = 1
    s["questions"]["must_not_violations"] = 2
    failures = check_thresholds(s, t)
    assert names(failures) == [  # headline metrics in METRICS order, then per trigger
        "trigger precision (micro)",
        "field status accuracy",
        "evidence verbatim rate",
        "backend errors",
        "owner top-1 accuracy",
        "must-not violations",
        "tooling_unclear recall",
    ]
    assert str(failures[6]) == "tooling_unclear recall: 0.5 < min 0.75"
    assert str(failures[5]) == "must-not violations: 2 > max 0"


def test_per_trigger_default_and_override() -> None:
    t = Thresholds(
        per_trigger_default={"min_precision": 0.8}, per_trigger={"high_risk_use_case": {"min_precision": 0.5}}
    )
    s = summary()
    s["triggers"]["high_risk_use_case"]["precision"] = 0.6  # above its own 0.5
    s["triggers"]["processor_unknown"]["precision"] = 0.7  # below the default 0.8
    assert names(check_thresholds(s, t)) == ["processor_unknown precision"]


def test_recall_of_trigger_without_support_is_not_gated() -> None:
    t = Thresholds(per_trigger_default={"min_recall": 0.9})
    s = summary()
    s["triggers"]["unapproved_commitment"] = {"support": 0, "precision": 1.0, "recall": 1.0}
    s["triggers"]["tooling_unclear"] = {"support": 0, "precision": 0.0, "recall": 1.0}
    assert check_thresholds(s, t) == []


def test_unmeasured_ownership_fails_the_gate() -> None:
    s = summary(questions={"available": False, "reason": "ask: not available"})
    failures = check_thresholds(s, Thresholds(min_owner_top1=0.8))
    assert len(failures) == 1
    assert "not measured" in str(failures[0]) and "ask: not available" in str(failures[0])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("min_trigger_precision = 1.5\n", "min_trigger_precision"),
        ("min_trigger_recal = 0.5\n", "min_trigger_recal"),
        ("[per_trigger.not_a_trigger]\nmin_recall = 0.5\n", "unknown trigger ids"),
        ("max_must_not_violations = -1\n", "max_must_not_violations"),
        ("min_trigger_precision = \n", "not valid TOML"),
    ],
)
def test_invalid_thresholds_file(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "t.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_thresholds(path)


def test_missing_thresholds_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read thresholds file"):
        load_thresholds(tmp_path / "nope.toml")


def test_every_metric_gate_is_a_threshold_and_reads_a_summary_field() -> None:
    from assistant.evaluation.metrics import METRICS, RunSummary

    gates = {m.gate: 0.0 for m in METRICS if m.gate}
    assert Thresholds(**gates).limit("min_field_status_accuracy") == 0.0
    full = RunSummary.model_validate(summary(n_cases=2, passed=1))
    for metric in METRICS:
        root = metric.key.split(".")[0]
        assert root in RunSummary.model_fields or root == "pass_rate", metric.key
    assert full.value("pass_rate") == 0.5 and full.value("triggers_overall.recall") == 0.8
