"""``assistant eval``: score a backend on the recorded transcripts, gate CI, compare runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["eval_"]


@click.command("eval")
@click.option(
    "--backend", default=None, help="Extraction backend to evaluate (default: ASSISTANT_BACKEND or rules)."
)
@click.option(
    "--split",
    type=click.Choice(["dev", "test", "all"]),
    default="dev",
    show_default=True,
    help="Which cases: dev (rules are tuned on it), test (held out, reported in the README) or all.",
)
@click.option(
    "--cases", "case_filter", default=None, metavar="GLOB", help="Only cases whose id matches GLOB."
)
@click.option("--no-questions", is_flag=True, help="Skip the ownership questions.")
@click.option(
    "--gate",
    "--check",
    "gate",
    is_flag=True,
    help="Exit 1 when a figure is below evals/thresholds.toml (with --compare: when any case regressed).",
)
@click.option(
    "--thresholds",
    "thresholds_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Thresholds file for --gate (default: <evals dir>/thresholds.toml).",
)
@click.option(
    "--compare",
    nargs=2,
    metavar="RUN_A RUN_B",
    default=None,
    help="List regressions of run B against baseline run A (folder path, name, prefix, latest, previous).",
)
@click.option("--all-metrics", is_flag=True, help="With --compare: also list metrics that did not change.")
@click.option("--json", "as_json", is_flag=True, help="Print summary.json to stdout instead of tables.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def eval_(
    backend: str | None,
    split: str,
    case_filter: str | None,
    no_questions: bool,
    gate: bool,
    thresholds_path: Path | None,
    compare: tuple[str, str] | None,
    all_metrics: bool,
    as_json: bool,
    no_progress: bool,
) -> None:
    """Run the evaluation suite on recorded transcripts and write a run folder.

    Prints per-trigger precision/recall, per-field accuracy, evidence verbatim
    rate, latency, tokens/cost (LLM backends) and ownership-question scores.
    The run folder (<home>/eval-runs/<timestamp>-<backend>-<split>) holds
    summary.json, per-case JSON and report.md with a chart.
    """
    from ..config import get_settings

    settings = get_settings(backend=backend)
    if compare:
        _compare(settings, compare, gate=gate, all_metrics=all_metrics)
        return

    from rich.console import Console

    from ..evaluation.console import print_summary
    from ..evaluation.runner import run_eval
    from ..evaluation.thresholds import check_thresholds, load_thresholds

    # load the thresholds first: a broken file should fail before a long run
    thresholds = None
    if gate:
        thresholds = load_thresholds(thresholds_path or Path(settings.evals_dir) / "thresholds.toml")
    err = Console(stderr=True)
    run = run_eval(
        settings,
        backend=settings.backend,
        split=split,
        questions=not no_questions,
        case_filter=case_filter,
        console=None if no_progress or as_json else err,
    )
    if as_json:
        click.echo(run.summary.model_dump_json(indent=2))
    else:
        out = Console()
        failing = [(c.id, c.failures()) for c in run.cases if not c.passed]
        print_summary(out, run.summary, failing=failing)
        out.print(f"run folder: {run.run_dir}", highlight=False)
        out.print(f"report:     {run.run_dir / 'report.md'}", highlight=False)
    if thresholds is not None:
        failures = check_thresholds(run.summary, thresholds)
        if case_filter:
            click.echo("gate: note: --cases limits the run, the gate checks only those cases", err=True)
        if failures:
            click.echo(f"gate: FAILED, {len(failures)} threshold(s) not met:", err=True)
            for failure in failures:
                click.echo(f"  - {failure}", err=True)
            click.get_current_context().exit(1)
        click.echo("gate: passed (every threshold met)", err=True)


def _compare(settings: Settings, refs: tuple[str, str], *, gate: bool, all_metrics: bool) -> None:
    from ..evaluation.compare import compare_runs, render_comparison, resolve_run

    run_a, run_b = (resolve_run(settings, ref) for ref in refs)
    comparison = compare_runs(run_a, run_b)
    click.echo(render_comparison(comparison, all_metrics=all_metrics), nl=False)
    if gate and comparison.regressed_cases:
        click.echo(f"gate: FAILED, {len(comparison.regressed_cases)} case(s) regressed", err=True)
        click.get_current_context().exit(1)
