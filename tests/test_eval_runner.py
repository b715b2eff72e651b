"""The eval runner end to end on a tiny temp evaluation set, with fake backends (no model, no network)."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import Settings, get_settings
from assistant.errors import InputError
from assistant.evaluation.compare import compare_runs, render_comparison, resolve_run
from assistant.evaluation.dataset import load_questions, load_split
from assistant.evaluation.runner import run_eval
from assistant.extract.base import BACKENDS, register_backend
from assistant.schema import DiscoveryFields
from assistant.testing import FunctionBackend, ScriptedBackend, confirmed

CASES = {
    # fake backend gets processor + tooling right: no trigger, passes
    "a_clean": (
        "Customer: We're on Elavon and we test with FIME.\n",
        {"triggers": [], "fields": {"processor": {"status": "confirmed", "value": ["Elavon"]}}},
    ),
    # fake backend says "confirmed" where gold says uncertain: processor_unknown missed, case fails
    "b_hedged": (
        "Customer: We are on Elavon, probably. We test with FIME.\n",
        {
            "triggers": ["processor_unknown"],
            "fields": {"processor": {"status": "uncertain", "value": ["Elavon"]}},
        },
    ),
}
QUESTIONS = {
    "split": "dev",
    "questions": [
        {"id": "q_discount", "question": "who approves a 30% discount?", "owners": ["leadership"]},
        {"id": "q_wifi", "question": "what is the office wifi password?", "owners": []},
    ],
}


def fake_backend(*, worse: bool = False) -> FunctionBackend:
    """Finds Elavon and FIME by substring; ``worse`` forgets the processor."""

    def extract(doc: Any) -> DiscoveryFields:
        fields = DiscoveryFields()
        if "Elavon" in doc.text and not worse:
            fields.set("processor", confirmed(["Elavon"], "Elavon"))
        if "FIME" in doc.text:
            fields.set("tooling", confirmed(["FIME"], "FIME"))
        return fields

    return FunctionBackend(extract, name="fake")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    evals = tmp_path / "evals"
    (evals / "cases" / "dev").mkdir(parents=True)
    (evals / "cases" / "test").mkdir(parents=True)
    (evals / "questions").mkdir()
    for case_id, (text, gold) in CASES.items():
        (evals / "cases" / "dev" / f"{case_id}.txt").write_text(text, encoding="utf-8")
        labels = {"id": case_id, "kind": "rep_intro", "description": "tiny fake case", **gold}
        (evals / "cases" / "dev" / f"{case_id}.gold.yaml").write_text(json.dumps(labels), encoding="utf-8")
    (evals / "questions" / "dev.yaml").write_text(json.dumps(QUESTIONS), encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ASSISTANT_EVALS_DIR", str(evals))
    monkeypatch.setitem(BACKENDS, "fake", lambda s: fake_backend())
    monkeypatch.setitem(BACKENDS, "fake_worse", lambda s: fake_backend(worse=True))
    register_backend("fake", lambda s: fake_backend())  # the public way; monkeypatch restores BACKENDS
    return get_settings()


@pytest.fixture
def fake_ask(monkeypatch: pytest.MonkeyPatch) -> None:
    def ask(question: str, settings: Any = None, backend: str = "rules") -> Any:
        owners = ["leadership"] if "discount" in question else ["internal_sdr"]  # invents an owner for q_wifi
        return types.SimpleNamespace(owners=owners)

    monkeypatch.setitem(sys.modules, "assistant.retrieval", types.SimpleNamespace(ask=ask))


def test_dataset_pairs_and_ids(settings: Settings) -> None:
    cases = load_split(settings, "dev")
    assert [c.id for c in cases] == ["a_clean", "b_hedged"]
    assert cases[0].labels.fields["processor"].value == ["Elavon"]
    assert [q.id for q in load_questions(settings, "dev")] == ["q_discount", "q_wifi"]
    assert load_questions(settings, "test") == []
    dev = Path(settings.evals_dir) / "cases" / "dev"
    (dev / "c_orphan.txt").write_text("no labels", encoding="utf-8")
    with pytest.raises(InputError, match=r"c_orphan\.txt has no c_orphan\.gold\.yaml"):
        load_split(settings, "dev")
    (dev / "c_orphan.txt").unlink()
    (dev / "d_gold_only.gold.yaml").write_text("id: d_gold_only", encoding="utf-8")
    with pytest.raises(InputError, match=r"d_gold_only\.gold\.yaml has no d_gold_only\.txt"):
        load_split(settings, "dev")


def test_dataset_rejects_mismatched_id_and_duplicates(settings: Settings) -> None:
    dev = Path(settings.evals_dir) / "cases" / "dev"
    test = Path(settings.evals_dir) / "cases" / "test"
    gold = (dev / "a_clean.gold.yaml").read_text(encoding="utf-8")
    (test / "a_clean.txt").write_text("x", encoding="utf-8")
    (test / "a_clean.gold.yaml").write_text(gold, encoding="utf-8")
    with pytest.raises(InputError, match="in both dev and test"):
        load_split(settings, "all")
    (test / "a_clean.gold.yaml").rename(test / "z.gold.yaml")
    (test / "a_clean.txt").rename(test / "z.txt")
    with pytest.raises(InputError, match="must match the file name"):
        load_split(settings, "test")
    with pytest.raises(InputError, match="unknown split"):
        load_split(settings, "train")


def test_run_writes_folder_and_scores(settings: Settings, fake_ask: None) -> None:
    run = run_eval(settings, backend="fake", split="dev")
    assert run.run_dir.parent == Path(settings.home) / "eval-runs"
    assert run.run_dir.name.endswith("-fake-dev")
    for name in (
        "summary.json",
        "report.md",
        "chart.svg",
        "questions.json",
        "cases/a_clean.json",
        "cases/b_hedged.json",
    ):
        assert (run.run_dir / name).is_file(), name
    summary = json.loads((run.run_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary == run.summary.model_dump(mode="json")  # summary.json is the typed summary, same keys
    assert (summary["n_cases"], summary["passed"], summary["failing"]) == (2, 1, ["b_hedged"])
    pu = summary["triggers"]["processor_unknown"]
    assert (pu["tp"], pu["fn"], pu["fp"]) == (0, 1, 0)
    assert summary["fields"]["processor"]["status_accuracy"] == 0.5
    assert summary["fields"]["processor"]["value_accuracy"] == 1.0
    assert summary["evidence_verbatim_rate"] == 1.0 and summary["evidence_total"] >= 4
    assert summary["latency_ms_p50"] is not None and summary["errors"] == 0
    q = summary["questions"]
    assert q["available"] and q["owner_top1_accuracy"] == 1.0 and q["refusal_accuracy"] == 0.0
    case = json.loads((run.run_dir / "cases" / "b_hedged.json").read_text(encoding="utf-8"))
    assert case["passed"] is False
    assert "missed trigger processor_unknown" in case["failures"]
    assert case["report"]["fields"]["processor"]["value"] == ["Elavon"]
    report = (run.run_dir / "report.md").read_text(encoding="utf-8")
    assert "![per-trigger precision and recall](chart.svg)" in report
    assert "### `b_hedged`" in report and "processor_unknown" in report


def test_run_without_ask_says_not_available(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "assistant.retrieval", types.SimpleNamespace())
    run = run_eval(settings, backend="fake", split="dev", write=False)
    assert run.summary.questions.available is False
    assert (run.summary.questions.reason or "").startswith("ask: not available")
    assert not (Path(settings.home) / "eval-runs").exists()


def test_backend_failure_is_a_failed_case(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(BACKENDS, "broken", lambda s: ScriptedBackend(error=RuntimeError("model went away")))
    run = run_eval(settings, backend="broken", split="dev", questions=False, write=False)
    assert run.summary.errors == 2 and run.summary.passed == 0
    assert all("model went away" in (c.error or "") for c in run.cases)


def test_compare_lists_regressions(settings: Settings, fake_ask: None) -> None:
    base = run_eval(settings, backend="fake", split="dev")
    worse = run_eval(settings, backend="fake_worse", split="dev")
    comparison = compare_runs(base.run_dir, worse.run_dir)
    regressed = {d.id: d.regressions for d in comparison.regressed_cases}
    assert "newly false-fires trigger processor_unknown" in regressed["a_clean"]
    assert any(r.startswith("processor: status right -> wrong") for r in regressed["a_clean"])
    assert any(r.startswith("processor: value right -> wrong") for r in regressed["a_clean"])
    fixed = {d.id: d.fixes for d in comparison.fixed_cases}
    assert "now fires processor_unknown" in fixed["b_hedged"]
    deltas = {m.name: m for m in comparison.metrics}
    assert deltas["triggers.processor_unknown.precision"].worse
    assert deltas["field_value_accuracy"].delta == pytest.approx(-1.0)
    text = render_comparison(comparison)
    assert "Regressions: 2 case(s)" in text and "WORSE" in text
    assert any(r.startswith("processor: value right -> wrong") for r in regressed["b_hedged"])
    assert resolve_run(settings, "latest") == worse.run_dir
    assert resolve_run(settings, "previous") == base.run_dir
    assert resolve_run(settings, base.run_dir.name) == base.run_dir


def test_cli_eval_gate_and_compare(settings: Settings, fake_ask: None, tmp_path: Path) -> None:
    strict = tmp_path / "strict.toml"
    strict.write_text("min_trigger_recall = 0.9\nmin_owner_top1 = 0.5\n", encoding="utf-8")
    runner = CliRunner()
    args = ["eval", "--backend", "fake", "--split", "dev", "--no-progress"]
    result = runner.invoke(main, [*args, "--gate", "--thresholds", str(strict)])
    assert result.exit_code == 1, result.output
    assert "gate: FAILED" in result.output and "trigger recall (micro): 0 < min 0.9" in result.output
    gate_lines = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert gate_lines == ["  - trigger recall (micro): 0 < min 0.9"]
    assert "run folder:" in result.output and "processor_unknown" in result.output

    lenient = tmp_path / "lenient.toml"
    lenient.write_text("min_trigger_precision = 0.5\nmin_evidence_verbatim_rate = 1.0\n", encoding="utf-8")
    result = runner.invoke(main, [*args, "--check", "--thresholds", str(lenient)])
    assert result.exit_code == 0, result.output
    assert "gate: passed" in result.output

    result = runner.invoke(main, [*args, "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["n_cases"] == 2

    result = runner.invoke(main, ["eval", "--compare", "previous", "latest"])
    assert result.exit_code == 0, result.output
    assert "Regressions: 0 case(s)" in result.output

    bad = tmp_path / "bad.toml"
    bad.write_text("min_trigger_recal = 0.9\n", encoding="utf-8")
    result = runner.invoke(main, [*args, "--gate", "--thresholds", str(bad)])
    assert result.exit_code == 2 and "min_trigger_recal" in result.output
