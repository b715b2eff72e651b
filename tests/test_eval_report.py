"""Run-report rendering: the hand-written SVG chart, the text chart and report.md."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from assistant.evaluation.chart import svg_bar_chart, text_bar_chart
from assistant.evaluation.labels import CaseLabels
from assistant.evaluation.metrics import RunInfo, score_case, summarise
from assistant.evaluation.report import write_run_folder

SVG = "{http://www.w3.org/2000/svg}"


def test_svg_chart_is_valid_and_bars_scale() -> None:
    svg = svg_bar_chart([("processor_unknown", 1.0, 0.5), ("a<b & c", 0.25, 0.0)])
    root = ET.fromstring(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 4  # precision + recall per row
    widths = [float(r.attrib["width"]) for r in bars]
    assert widths[0] == 2 * widths[1] == 4 * widths[2] and widths[3] == 0
    assert "a&lt;b &amp; c" in svg


def test_text_chart_bars() -> None:
    lines = text_bar_chart([("x", 1.0, 0.5)], width=10).splitlines()
    assert lines == ["x  P ██████████ 1.00", "   R █████····· 0.50"]


def test_write_run_folder(tmp_path: Path) -> None:
    labels = CaseLabels(id="c1", kind="hard_case", description="hand made", triggers=["tooling_unclear"])
    score = score_case(labels, {"fields": {}, "triggers": [], "gate": {"missing": []}})
    info = RunInfo(
        name="r", backend="fake", report_backend="fake", split="dev", started_at="now", duration_s=0.1,
        python="3.11", evals_dir="evals",
    )  # fmt: skip
    summary = summarise([score]).model_copy(update={"run": info})
    case = {"id": "c1", "kind": "hard_case", "split": "dev", "passed": False, "failures": score.failures()}
    report = write_run_folder(tmp_path / "run", summary, [case])
    text = report.read_text(encoding="utf-8")
    assert "| tooling_unclear | 1 | 0 | 0 | 1 | 1.000 | 0.000 | 0.000 |" in text
    assert "- missed trigger tooling_unclear" in text
    assert "ownership questions | not run" in text
    assert (tmp_path / "run" / "cases" / "c1.json").is_file()
    ET.parse(tmp_path / "run" / "chart.svg")
    saved = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    for key in ("triggers", "triggers_overall", "n_cases", "field_status_accuracy", "pass_rate", "run"):
        assert key in saved  # the keys scripts/blind_score.py and older runs rely on
    assert saved["triggers"]["tooling_unclear"]["recall"] == 0.0 and saved["pass_rate"] == 0.0
