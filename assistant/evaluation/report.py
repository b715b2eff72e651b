"""Writing a run folder: per-case JSON, ``summary.json``, ``report.md`` and the chart.

Layout of ``<home>/eval-runs/<timestamp>-<backend>-<split>/``::

    summary.json        run metadata + every aggregate figure
    cases/<id>.json     gold labels, the report (contract JSON) and its score
    questions.json      ownership questions and their scores (when run)
    report.md           the human report (tables, text chart, failing cases)
    chart.svg           per-trigger precision/recall (chart.png too when matplotlib exists)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .chart import ChartRow, svg_bar_chart, text_bar_chart, write_png
from .metrics import METRICS, RunSummary

__all__ = ["chart_rows", "fmt", "headline_rows", "render_markdown", "write_run_folder"]


def fmt(value: Any, digits: int = 3) -> str:
    """Numbers for tables: ``-`` for missing, fixed digits for floats."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def chart_rows(summary: RunSummary) -> list[ChartRow]:
    """Per-trigger precision and recall, then the micro average, for the charts."""
    rows: list[ChartRow] = [(tid, row.precision, row.recall) for tid, row in summary.triggers.items()]
    rows.append(("overall (micro)", summary.triggers_overall.precision, summary.triggers_overall.recall))
    return rows


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(fmt(cell) for cell in row) + " |" for row in rows]
    return out


def headline_rows(summary: RunSummary) -> list[tuple[str, str]]:
    """``(label, value)`` of every headline metric (:data:`~.metrics.METRICS`) the run measured."""
    rows = [("cases passed", f"{summary.passed}/{summary.n_cases}")]
    for metric in METRICS:
        value = summary.value(metric.key)
        if metric.key.startswith("usage_per_input.") and value is None:
            continue  # no model calls: shown once below
        if metric.key.startswith("questions.") and not summary.questions.available:
            continue
        rows.append((metric.label, fmt(value, metric.digits) if metric.digits else fmt(value)))
    if summary.usage_per_input is None:
        rows.append(("tokens and cost per input", "n/a (no model calls)"))
    if not summary.questions.available:
        rows.append(("ownership questions", summary.questions.reason or "not run"))
    return rows


def render_markdown(
    summary: RunSummary,
    cases: Sequence[Mapping[str, Any]],
    questions: Sequence[Mapping[str, Any]] = (),
    *,
    chart_file: str | None = "chart.svg",
) -> str:
    """The run's ``report.md``."""
    run = summary.run
    where = (
        f"Backend `{run.report_backend}` on split `{run.split}`: {summary.n_cases} cases, "
        f"started {run.started_at}, {run.duration_s} s, git {run.git_rev or 'n/a'}."
        if run is not None
        else f"{summary.n_cases} cases."
    )
    lines = [
        f"# Evaluation run `{run.name if run else 'in memory'}`",
        "",
        where,
        "",
        "## Headline",
        "",
        *_table(["metric", "value"], headline_rows(summary)),
        "",
        "## Triggers",
        "",
    ]
    if chart_file:
        lines += [f"![per-trigger precision and recall]({chart_file})", ""]
    lines += ["```text", text_bar_chart(chart_rows(summary)), "```", ""]
    trigger_rows = [
        [tid, r.support, r.tp, r.fp, r.fn, r.precision, r.recall, r.f1]
        for tid, r in [*summary.triggers.items(), ("overall (micro)", summary.triggers_overall)]
    ]
    lines += [
        *_table(["trigger", "support", "tp", "fp", "fn", "precision", "recall", "F1"], trigger_rows),
        "",
    ]
    lines += ["## Fields", ""]
    field_rows = [
        [name, r.status_n, r.status_accuracy, r.value_n, r.value_accuracy, r.item_precision, r.item_recall]
        for name, r in summary.fields.items()
    ]
    lines += [
        *_table(
            ["field", "labelled", "status acc", "values scored", "value acc", "item P", "item R"], field_rows
        ),
        "",
    ]
    if questions:
        lines += ["## Ownership questions", ""]
        q_rows = [
            [
                q["id"],
                "yes" if q["passed"] else "NO",
                ", ".join(q["gold_owners"]) or "(none)",
                ", ".join(q["pred_owners"]) or "(none)",
                ", ".join(q["must_not_violations"]) or "-",
            ]
            for q in questions
        ]
        lines += [*_table(["question", "ok", "gold owners", "predicted", "must-not violated"], q_rows), ""]
    failing = [c for c in cases if not c["passed"]]
    lines += ["## Failing cases", ""]
    if not failing:
        lines.append("None: every case passed.")
    for case in failing:
        lines.append(f"### `{case['id']}` ({case['kind']}, {case['split']})")
        lines.append("")
        lines += [f"- {reason}" for reason in case["failures"]]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _masked(text: str) -> str:
    """Run files quote inputs and gold labels: card data is masked in them like everywhere else."""
    from ..text import mask_sensitive

    return mask_sensitive(text)


def _dump(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    path.write_text(_masked(text), encoding="utf-8")


def write_run_folder(
    run_dir: Path,
    summary: RunSummary,
    cases: Sequence[Mapping[str, Any]],
    questions: Sequence[Mapping[str, Any]] = (),
) -> Path:
    """Write every file of a run folder; returns the path of ``report.md``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    case_dir = run_dir / "cases"
    case_dir.mkdir(exist_ok=True)
    for case in cases:
        _dump(case_dir / f"{case['id']}.json", case)
    if questions:
        _dump(run_dir / "questions.json", list(questions))
    _dump(run_dir / "summary.json", summary.model_dump(mode="json"))
    rows = chart_rows(summary)
    (run_dir / "chart.svg").write_text(svg_bar_chart(rows), encoding="utf-8")
    chart_file = "chart.png" if write_png(rows, run_dir / "chart.png") else "chart.svg"
    report = run_dir / "report.md"
    markdown = render_markdown(summary, cases, questions, chart_file=chart_file)
    report.write_text(_masked(markdown), encoding="utf-8")
    return report
