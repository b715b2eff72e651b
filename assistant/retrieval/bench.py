"""Speed of the playbook index and of ``assistant ask`` (called by ``make bench``).

Timings only, no assertions: index build from scratch, warm ``ask`` latency over a few
questions, the cold start of a fresh ``assistant ask ... --json`` process, and the app's
first answer: a fresh process that runs :func:`warm_up` (what the app does at start) and
then answers one question.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..config import Settings, get_settings

__all__ = ["BENCH_QUESTIONS", "run_bench"]

BENCH_QUESTIONS = [
    "Who chases the customer after the SME call?",
    "Can our cert SME talk price with the customer?",
    "Who signs off a 22% discount?",
    "Who approves a 10% discount?",
    "Who runs intake after signature?",
    "The customer wants us to absorb their key injection. Who reviews that?",
    "Who validates scope on an unattended kiosk deal?",
    "Who orders the office coffee?",
]


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("assistant")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from assistant.cli import main; sys.exit(main())"]


def _child_env(settings: Settings) -> dict[str, str]:
    """The environment of a benchmarked child process: this run's state, playbooks and embedder."""
    return {
        **os.environ,
        "ASSISTANT_HOME": str(settings.home),
        "ASSISTANT_KNOWLEDGE_DIR": str(settings.knowledge_dir),
        "ASSISTANT_EMBEDDINGS": settings.embeddings,
    }


def _cold_start(settings: Settings, question: str, runs: int) -> float:
    env = _child_env(settings)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [*_cli(), "ask", question, "--json"], env=env, check=True, capture_output=True, timeout=120
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


_FIRST_ANSWER = (
    "import sys, time; started = time.perf_counter(); "
    "from assistant.retrieval import ask, warm_up; warm_up(progress=False); ask(sys.argv[1]); "
    "print(time.perf_counter() - started)"
)


def _first_answer(settings: Settings, question: str, runs: int) -> float:
    """Seconds from a fresh process's start (interpreter up) to its first answer, via warm_up."""
    env = _child_env(settings)
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _FIRST_ANSWER, question],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def run_bench(
    settings: Settings | None = None,
    *,
    questions: list[str] | None = None,
    repeats: int = 5,
    cold_runs: int = 3,
) -> dict[str, Any]:
    """index_build_s, ask_warm_ms_p50/p95, ask_cold_start_s and app_first_answer_s for the
    configured knowledge folder."""
    from . import ask, build_index

    settings = settings or get_settings()
    questions = questions or BENCH_QUESTIONS
    cpu = time.process_time()
    stats = build_index(settings, force=True, progress=False)
    build_cpu = time.process_time() - cpu
    for question in questions:  # warm up: model, index and caches loaded
        ask(question, settings)
    latencies = []
    for _ in range(repeats):
        for question in questions:
            started = time.perf_counter()
            ask(question, settings)
            latencies.append((time.perf_counter() - started) * 1000)
    return {
        "index_build_s": round(stats.seconds, 3),
        "index_build_cpu_s": round(build_cpu, 3),  # CPU time: what the build costs on an idle machine
        "index_files": stats.files,
        "index_chunks": stats.chunks,
        "embedder": stats.embedder,
        "ask_warm_ms_p50": round(statistics.median(latencies), 2),
        "ask_warm_ms_p95": round(_percentile(latencies, 95), 2),
        "ask_warm_n": len(latencies),
        "ask_cold_start_s": round(_cold_start(settings, questions[0], cold_runs), 3),
        "app_first_answer_s": round(_first_answer(settings, questions[1], cold_runs), 3),
    }
