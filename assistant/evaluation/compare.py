"""Compare two run folders: case-by-case regressions and metric deltas.

    assistant eval --compare RUN_A RUN_B

``RUN_A`` is the baseline, ``RUN_B`` the candidate.  A run is named by its folder
path, its folder name under ``<home>/eval-runs``, a unique prefix of that name,
or ``latest`` / ``previous``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .metrics import METRICS, CaseScore, FieldScore, RunSummary

if TYPE_CHECKING:
    from ..config import Settings

__all__ = [
    "CaseDiff",
    "Comparison",
    "MetricDelta",
    "compare_runs",
    "load_run",
    "render_comparison",
    "resolve_run",
]


@dataclass
class CaseDiff:
    """What changed for one case between the baseline and the candidate."""

    id: str
    regressions: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)


@dataclass
class MetricDelta:
    """One figure in the baseline (``a``) and the candidate (``b``)."""

    name: str
    a: float | None
    b: float | None
    higher_is_better: bool = True

    @property
    def delta(self) -> float | None:
        """``b - a``, or ``None`` when either run did not measure it."""
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def worse(self) -> bool:
        """True when the candidate moved the wrong way."""
        d = self.delta
        if d is None or abs(d) < 1e-9:
            return False
        return d < 0 if self.higher_is_better else d > 0


@dataclass
class Comparison:
    """Regressions, fixes and metric deltas between two runs."""

    run_a: str
    run_b: str
    cases: list[CaseDiff]
    metrics: list[MetricDelta]
    only_in_a: list[str] = field(default_factory=list)
    only_in_b: list[str] = field(default_factory=list)

    @property
    def regressed_cases(self) -> list[CaseDiff]:
        """Cases with at least one regression."""
        return [c for c in self.cases if c.regressions]

    @property
    def fixed_cases(self) -> list[CaseDiff]:
        """Cases with at least one fix."""
        return [c for c in self.cases if c.fixes]

    @property
    def worse_metrics(self) -> list[MetricDelta]:
        """Metrics that moved the wrong way."""
        return [m for m in self.metrics if m.worse]


def _list_runs(settings: Settings) -> list[Path]:
    from .runner import runs_dir

    root = runs_dir(settings)
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if (p / "summary.json").is_file()), key=lambda p: p.name)


def resolve_run(settings: Settings, ref: str) -> Path:
    """Find a run folder by path, name, unique name prefix, ``latest`` or ``previous``."""
    path = Path(ref).expanduser()
    if (path / "summary.json").is_file():
        return path
    runs = _list_runs(settings)
    if ref in ("latest", "previous"):
        need = 1 if ref == "latest" else 2
        if len(runs) < need:
            raise InputError(
                f"there is no {ref!r} run yet under {settings.home}/eval-runs; run `assistant eval` first"
            )
        return runs[-need]
    matches = [p for p in runs if p.name == ref] or [p for p in runs if p.name.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(
            f"no evaluation run {ref!r}: give a run folder path or a name under {settings.home}/eval-runs"
        )
    names = ", ".join(p.name for p in matches[:5])
    raise InputError(f"{ref!r} matches several runs ({names}); give more of the name")


def load_run(run_dir: Path) -> tuple[RunSummary, dict[str, dict[str, Any]]]:
    """``(summary, {case id: case payload})`` of a run folder."""
    try:
        summary = RunSummary.model_validate_json((run_dir / "summary.json").read_text(encoding="utf-8"))
        cases = {
            p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((run_dir / "cases").glob("*.json"))
        }
    except (OSError, ValueError) as exc:  # unreadable, not JSON, or not a summary
        raise InputError(f"cannot read evaluation run {run_dir}: {exc}") from exc
    return summary, cases


def _diff_case(case_id: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> CaseDiff:
    diff = CaseDiff(case_id)
    sa, sb = CaseScore.model_validate(a["score"]), CaseScore.model_validate(b["score"])
    if sb.error and not sa.error:
        diff.regressions.append(f"now errors: {sb.error}")
    if sa.error and not sb.error:
        diff.fixes.append("no longer errors")
    for kind, label in (("missed", "newly misses trigger"), ("false_fired", "newly false-fires trigger")):
        before, after = set(getattr(sa.triggers, kind)), set(getattr(sb.triggers, kind))
        diff.regressions += [f"{label} {t}" for t in sorted(after - before)]
        fixed = "now fires" if kind == "missed" else "no longer false-fires"
        diff.fixes += [f"{fixed} {t}" for t in sorted(before - after)]
    for name in sorted(set(sa.fields) & set(sb.fields)):
        _diff_field(diff, name, sa.fields[name], sb.fields[name])
    new_bad = set(sb.evidence.not_verbatim) - set(sa.evidence.not_verbatim)
    diff.regressions += [f"evidence not verbatim: {q}" for q in sorted(new_bad)]
    return diff


def _diff_field(diff: CaseDiff, name: str, x: FieldScore, y: FieldScore) -> None:
    if x.status_ok and not y.status_ok:
        diff.regressions.append(
            f"{name}: status right -> wrong ({x.pred_status} -> {y.pred_status}, gold {y.gold_status})"
        )
    elif y.status_ok and not x.status_ok:
        diff.fixes.append(f"{name}: status wrong -> right ({y.pred_status})")
    if x.value_ok is True and y.value_ok is False:
        diff.regressions.append(
            f"{name}: value right -> wrong ({x.pred_value!r} -> {y.pred_value!r}, gold {y.gold_value!r})"
        )
    elif x.value_ok is False and y.value_ok is True:
        diff.fixes.append(f"{name}: value wrong -> right ({y.pred_value!r})")


def _metric_keys(a: RunSummary, b: RunSummary) -> list[tuple[str, bool]]:
    """Every headline metric, then precision/recall per trigger and accuracy per field."""
    keys = [(metric.key, metric.higher_is_better) for metric in METRICS]
    trigger_ids = list(dict.fromkeys([*a.triggers, *b.triggers]))
    keys += [(f"triggers.{t}.{m}", True) for t in trigger_ids for m in ("precision", "recall")]
    field_names = list(dict.fromkeys([*a.fields, *b.fields]))
    keys += [(f"fields.{f}.{m}", True) for f in field_names for m in ("status_accuracy", "value_accuracy")]
    return keys


def compare_runs(run_a: Path, run_b: Path) -> Comparison:
    """Regressions of ``run_b`` relative to the baseline ``run_a``."""
    summary_a, cases_a = load_run(run_a)
    summary_b, cases_b = load_run(run_b)
    diffs = [_diff_case(cid, cases_a[cid], cases_b[cid]) for cid in sorted(set(cases_a) & set(cases_b))]
    metrics = []
    for key, higher in _metric_keys(summary_a, summary_b):
        a, b = summary_a.value(key), summary_b.value(key)
        if a is not None or b is not None:
            metrics.append(MetricDelta(key, a, b, higher))
    return Comparison(
        run_a=run_a.name,
        run_b=run_b.name,
        cases=[d for d in diffs if d.regressions or d.fixes],
        metrics=metrics,
        only_in_a=sorted(set(cases_a) - set(cases_b)),
        only_in_b=sorted(set(cases_b) - set(cases_a)),
    )


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def render_comparison(comparison: Comparison, *, all_metrics: bool = False) -> str:
    """Plain-text report: regressions first, then fixes, then metric deltas."""
    lines = [f"baseline  {comparison.run_a}", f"candidate {comparison.run_b}", ""]
    regressed = comparison.regressed_cases
    lines.append(f"Regressions: {len(regressed)} case(s)")
    for diff in regressed:
        lines.append(f"  {diff.id}")
        lines += [f"    - {r}" for r in diff.regressions]
    fixed = comparison.fixed_cases
    lines += ["", f"Fixes: {len(fixed)} case(s)"]
    for diff in fixed:
        lines.append(f"  {diff.id}")
        lines += [f"    + {f}" for f in diff.fixes]
    if comparison.only_in_a or comparison.only_in_b:
        lines += [
            "",
            f"Only in baseline: {comparison.only_in_a or '-'}",
            f"Only in candidate: {comparison.only_in_b or '-'}",
        ]
    lines += ["", "Metric deltas (candidate - baseline):"]
    shown = [m for m in comparison.metrics if all_metrics or (m.delta is None or abs(m.delta) > 1e-9)]
    if not shown:
        lines.append("  no metric changed")
    width = max((len(m.name) for m in shown), default=0)
    for m in shown:
        delta = "n/a" if m.delta is None else f"{m.delta:+.4g}"
        flag = "  WORSE" if m.worse else ""
        lines.append(f"  {m.name:<{width}}  {_num(m.a):>8} -> {_num(m.b):>8}  ({delta}){flag}")
    return "\n".join(lines) + "\n"
