"""Run a backend over an evaluation split, score it, and write the run folder.

    run = run_eval(settings, backend="rules", split="dev")
    run.run_dir        # <home>/eval-runs/<timestamp>-rules-dev
    run.summary        # the typed RunSummary that summary.json holds

Each case goes through the same public entry point as ``assistant triage``
(:func:`assistant.triage.triage_text`), so the scores are the product's scores.
A case whose backend raises is recorded as an error (and fails); the run goes on.
"""

from __future__ import annotations

import contextlib
import importlib
import platform
import re
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..extract.base import Backend, get_backend
from .dataset import Case, load_questions, load_split
from .labels import Question
from .matching import build_aliases
from .metrics import (
    CaseScore,
    QuestionScore,
    QuestionSummary,
    RunInfo,
    RunSummary,
    normalise_newlines,
    score_case,
    score_question,
    summarise,
    summarise_questions,
)
from .report import write_run_folder

if TYPE_CHECKING:
    from rich.console import Console

    from ..config import Settings

__all__ = ["RUNS_DIRNAME", "EvalRun", "run_eval", "runs_dir"]

RUNS_DIRNAME = "eval-runs"
ASK_UNAVAILABLE = "ask: not available"


@dataclass
class EvalRun:
    """The outcome of one evaluation run."""

    run_dir: Path
    summary: RunSummary
    cases: list[CaseScore] = field(default_factory=list)
    questions: list[QuestionScore] = field(default_factory=list)


def runs_dir(settings: Settings) -> Path:
    """The folder that holds every evaluation run."""
    return Path(settings.state_dir) / RUNS_DIRNAME


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "backend"


def _new_run_dir(settings: Settings, backend: str, split: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = runs_dir(settings) / f"{stamp}-{_slug(backend)}-{split}"
    run_dir, n = base, 1
    while run_dir.exists():
        n += 1
        run_dir = base.with_name(f"{base.name}.{n}")
    run_dir.mkdir(parents=True)
    return run_dir


def _haystacks(text: str) -> list[str]:
    """What evidence may quote: the newline-normalised input and its masked form."""
    plain = normalise_newlines(text)
    stacks = [plain]
    try:
        from ..text import mask_sensitive
    except ImportError:  # pragma: no cover - assistant.text always ships with triage
        return stacks
    masked = mask_sensitive(plain)
    if masked != plain:
        stacks.append(masked)
    return stacks


def _git_rev() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (out.stdout.strip() or None) if out.returncode == 0 else None


@contextlib.contextmanager
def _progress(console: Console | None, total: int, label: str) -> Iterator[Callable[[str], None]]:
    """A rich progress bar on ``console``; a no-op without one."""
    if console is None:
        yield lambda _desc: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[item]}"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total, item="")

        def advance(item: str) -> None:
            bar.update(task, advance=1, item=item)

        yield advance


def _aliases(settings: Settings) -> dict[str, dict[str, str]]:
    from ..policy.loader import load_lexicons

    return build_aliases(load_lexicons(settings))


def _triage_one(case: Case, backend: Backend, settings: Settings) -> dict[str, Any]:
    from ..triage import triage_text

    started = time.perf_counter()
    error: str | None = None
    contract: dict[str, Any] | None = None
    usage: dict[str, float] | None = None
    try:
        report = triage_text(case.text, source=str(case.path), backend=backend, settings=settings)
        contract = report.to_contract()
        if report.usage is not None:
            usage = {k: float(v) for k, v in report.usage.model_dump().items()}
    except Exception as exc:  # a failing case is a result, not a crash of the run
        error = f"{type(exc).__name__}: {exc}"
    latency_ms = (time.perf_counter() - started) * 1000
    score = score_case(
        case.labels,
        contract,
        _haystacks(case.text),
        latency_ms=round(latency_ms, 3),
        usage=usage,
        error=error,
        words=case.words,
        aliases=_aliases(settings),
    )
    return {
        "id": case.id,
        "split": case.split,
        "kind": case.labels.kind,
        "description": case.labels.description,
        "path": _display_path(case.path, settings),
        "words": case.words,
        "passed": score.passed,
        "failures": score.failures(),
        "score": score.model_dump(mode="json"),
        "gold": case.labels.model_dump(mode="json", exclude_none=True),
        "report": contract,
    }


def _display_path(path: Path, settings: Settings) -> str:
    try:
        return str(path.resolve().relative_to(Path(settings.evals_dir).resolve().parent))
    except ValueError:
        return str(path)


def _ask_questions(
    questions: Sequence[Question], settings: Settings, backend: str, advance: Callable[[str], None]
) -> tuple[list[QuestionScore], QuestionSummary]:
    try:
        ask = importlib.import_module("assistant.retrieval").ask
    except (ImportError, AttributeError) as exc:
        return [], QuestionSummary(available=False, reason=f"{ASK_UNAVAILABLE} ({exc})")
    scores: list[QuestionScore] = []
    for question in questions:
        owners: list[str] | None = None
        error: str | None = None
        try:
            answer = ask(question.question, settings=settings, backend=backend)
            owners = [str(role) for role in answer.owners]
        except Exception as exc:  # scored as a wrong answer, the run goes on
            error = f"{type(exc).__name__}: {exc}"
        scores.append(score_question(question, owners, error))
        advance(question.id)
    return scores, summarise_questions(scores)


def run_eval(
    settings: Settings,
    *,
    backend: str | None = None,
    split: str = "dev",
    questions: bool = True,
    case_filter: str | None = None,
    console: Console | None = None,
    write: bool = True,
) -> EvalRun:
    """Triage every case of ``split`` with ``backend``, score it, write the run folder.

    ``case_filter`` is a glob on case ids (``"hard_*"``).  ``console`` shows a
    progress bar; ``write=False`` keeps the run in memory (the folder path is then
    where it *would* have gone).
    """
    backend_name = backend or settings.backend
    cases = load_split(settings, split)
    if case_filter:
        cases = [c for c in cases if fnmatch(c.id, case_filter)]
        if not cases:
            raise InputError(f"no case id in split {split!r} matches {case_filter!r}")
    question_list = load_questions(settings, split) if questions and not case_filter else []
    started = datetime.now(UTC)
    clock = time.perf_counter()

    # one backend instance for the whole run: a misconfigured backend fails once, up front
    chosen = get_backend(backend_name, settings)
    payloads: list[dict[str, Any]] = []
    with _progress(console, len(cases), f"eval {backend_name}/{split}") as advance:
        for case in cases:
            payloads.append(_triage_one(case, chosen, settings))
            advance(case.id)
    ask_backend = backend_name if backend_name.startswith("llm") else "rules"
    question_scores: list[QuestionScore] = []
    if question_list:
        with _progress(console, len(question_list), "ownership questions") as advance:
            question_scores, qsummary = _ask_questions(question_list, settings, ask_backend, advance)
    else:
        reason = "no ownership questions in this split" if questions else "skipped (--no-questions)"
        qsummary = QuestionSummary(available=False, reason=reason)

    case_scores = [CaseScore.model_validate(p["score"]) for p in payloads]
    figures = summarise(case_scores, qsummary)
    reported_backend = next((p["report"]["backend"] for p in payloads if p["report"]), backend_name)
    run_dir = _new_run_dir(settings, backend_name, split) if write else runs_dir(settings) / "(not written)"
    info = RunInfo(
        name=run_dir.name,
        backend=backend_name,
        report_backend=reported_backend,
        split=split,
        case_filter=case_filter,
        started_at=started.isoformat(timespec="seconds"),
        duration_s=round(time.perf_counter() - clock, 3),
        git_rev=_git_rev(),
        python=platform.python_version(),
        evals_dir=str(settings.evals_dir),
    )
    summary = figures.model_copy(update={"run": info})
    question_payload = [q.model_dump(mode="json") | {"passed": q.passed} for q in question_scores]
    if write:
        write_run_folder(run_dir, summary, payloads, question_payload)
    return EvalRun(run_dir=run_dir, summary=summary, cases=case_scores, questions=question_scores)
