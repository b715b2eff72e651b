"""Score a blind batch once and print its ledger row for evals/BLIND.md.

    python scripts/blind_score.py BATCH_DIR --batch b4            # triage cases (<id>.txt + <id>.gold.yaml)
    python scripts/blind_score.py QUESTIONS.yaml --batch qb --questions
    python scripts/blind_score.py RUN_DIR --batch b4 --rescore     # a saved first run, current scorer

``--rescore`` re-scores the reports a saved run folder holds (its first run: nothing is triaged
again) with the current scorer, for a separate "re-scored" row when the scorer changes.

The batch is copied into a temporary evals folder as the ``test`` split and scored by the same
``assistant eval`` the CI gate uses, with the rules backend; nothing in the repository changes.
The row adds what the summary lacks: confirmed-value precision (of the values marked confirmed on
labelled fields, the share whose value matches gold) and company / contact right or honestly missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ABBREV = {
    "processor_unknown": "pu",
    "tooling_unclear": "tu",
    "high_risk_use_case": "hr",
    "discount_outside_guardrails": "dg",
    "responsibility_transfer": "rt",
    "unapproved_commitment": "uc",
}


def _run_eval(evals: Path, home: Path) -> Path:
    env = dict(os.environ, ASSISTANT_HOME=str(home), ASSISTANT_EVALS_DIR=str(evals))
    assistant = Path(sys.executable).parent / "assistant"
    cmd = [str(assistant), "eval", "--backend", "rules", "--split", "test", "--no-progress"]
    subprocess.run(cmd, env=env, check=False, stdout=subprocess.DEVNULL)
    runs = sorted((home / "eval-runs").iterdir())
    return runs[-1]


def _pr(stats: dict[str, float]) -> str:
    return f"{stats['precision']:.2f} / {stats['recall']:.2f}"


def _triage_row(run: Path, batch: str, commit: str) -> str:
    summary = json.loads((run / "summary.json").read_text())
    confirmed = right = people = people_ok = people_right = 0
    for path in sorted((run / "cases").glob("*.json")):
        case = json.loads(path.read_text())
        for name, field in case["score"]["fields"].items():
            if field["pred_status"] == "confirmed":
                confirmed += 1
                right += bool(field["gold_status"] != "missing" and field["value_ok"])
            if name in ("company", "contact"):
                people += 1
                pred_missing = field["pred_status"] == "missing"
                right_now = pred_missing if field["gold_status"] == "missing" else bool(field["value_ok"])
                people_right += right_now
                people_ok += right_now or pred_missing
    overall = summary["triggers_overall"]
    per = " | ".join(_pr(summary["triggers"][tid]) for tid in ABBREV)
    return (
        f"| {dt.date.today()} | {commit} | {batch} | {summary['n_cases']} | {_pr(overall)} | {per} | "
        f"{summary['field_status_accuracy']:.2f} | {right / max(confirmed, 1):.2f} ({right}/{confirmed}) | "
        f"{people_ok}/{people} ({people_right} right) |"
    )


def _question_row(run: Path, batch: str, commit: str) -> str:
    questions = json.loads((run / "questions.json").read_text())
    answerable = [q for q in questions if q["answerable"]]
    refusals = [q for q in questions if not q["answerable"]]
    top1 = sum(bool(q["top1_ok"]) for q in answerable)
    refused = sum(bool(q["refusal_ok"]) for q in refusals)
    violations = sum(len(q["must_not_violations"]) for q in questions)
    return (
        f"| {dt.date.today()} | {commit} | {batch} | {len(questions)} | "
        f"{top1 / max(len(answerable), 1):.2f} ({top1}/{len(answerable)}) | "
        f"{refused / max(len(refusals), 1):.2f} ({refused}/{len(refusals)}) | {violations} |"
    )


def _rescore(source: Path, dest: Path) -> Path:
    """Copy a run folder's cases, scored again from their saved reports and gold labels."""
    from assistant.evaluation.labels import CaseLabels
    from assistant.evaluation.matching import build_aliases
    from assistant.evaluation.metrics import score_case, summarise
    from assistant.policy.loader import load_lexicons

    aliases = build_aliases(load_lexicons())
    (dest / "cases").mkdir(parents=True)
    scores = []
    for path in sorted((source / "cases").glob("*.json")):
        case = json.loads(path.read_text())
        score = score_case(CaseLabels.model_validate(case["gold"]), case["report"], aliases=aliases)
        scores.append(score)
        case["score"] = score.model_dump(mode="json")
        (dest / "cases" / path.name).write_text(json.dumps(case))
    (dest / "summary.json").write_text(summarise(scores).model_dump_json())
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path, help="batch folder, or a questions YAML with --questions")
    parser.add_argument("--batch", required=True, help="batch name for the ledger row")
    parser.add_argument("--questions", action="store_true", help="score a question batch")
    parser.add_argument("--keep", type=Path, default=None, help="copy the run folder here")
    parser.add_argument("--rescore", action="store_true", help="source is a saved run folder: score it again")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if args.rescore:
        with tempfile.TemporaryDirectory() as tmp:
            print(_triage_row(_rescore(args.source, Path(tmp) / "run"), f"{args.batch} (re-scored)", commit))
        return
    with tempfile.TemporaryDirectory() as tmp:
        evals = Path(tmp) / "evals"
        cases = evals / "cases" / "test"
        cases.mkdir(parents=True)
        (evals / "questions").mkdir()
        if args.questions:
            # one known case keeps the runner happy; only the question scores are reported
            for path in (ROOT / "evals" / "cases" / "dev").glob("dev-01-*"):
                shutil.copy(path, cases / path.name.replace("dev-01", "test-00"))
                if path.suffix == ".yaml":
                    gold = (cases / path.name.replace("dev-01", "test-00")).read_text()
                    (cases / path.name.replace("dev-01", "test-00")).write_text(
                        gold.replace("id: dev-01", "id: test-00", 1)
                    )
            text = args.source.read_text()
            (evals / "questions" / "test.yaml").write_text(text.replace("split: dev", "split: test", 1))
        else:
            for path in args.source.iterdir():
                if path.name.endswith((".txt", ".gold.yaml")):
                    shutil.copy(path, cases / path.name)
        shutil.copy(ROOT / "evals" / "thresholds.toml", evals / "thresholds.toml")
        run = _run_eval(evals, Path(tmp) / "home")
        if args.keep:
            shutil.copytree(run, args.keep, dirs_exist_ok=True)
        row = (
            _question_row(run, args.batch, commit) if args.questions else _triage_row(run, args.batch, commit)
        )
    print(row)


if __name__ == "__main__":
    main()
