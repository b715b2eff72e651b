#!/usr/bin/env python
"""Benchmarks (``make bench``): prints a table of numbers; nothing here is a pass/fail test.

* triage ms per 1k words (p50/p95) over the recorded eval transcripts, in process, warm
* triage ms for a synthetic 1,000-word transcript (p50/p95 of repeats)
* CLI cold start of ``assistant triage FILE --json`` on the synthetic transcript (fresh
  subprocess each time, median; it includes the triage itself) and of ``assistant --help``
  (interpreter + CLI start-up alone)
* peak RSS of this process (in-process triage) and of the CLI subprocesses
* playbook index build time and ask latency / cold start, when
  ``assistant.retrieval.bench.run_bench`` exists

    .venv/bin/python scripts/bench.py [--repeats N] [--backend rules] [--json]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import get_settings  # noqa: E402
from assistant.evaluation.metrics import percentile  # noqa: E402

_LINES = [
    "Dana (rep): Quick intro, this is {company}, they run {n} {thing} across the {region}.",
    "Customer: We're on {processor} today, moving some volume to Worldpay next year, I think.",
    "Customer: Terminals are mostly {vendor} {model}, a few older VX520s in the back office.",
    "Omni SDR: Which test tools do you use for EMV and contactless certification?",
    "Customer: We have a FIME kit somewhere, and our own in-house test harness for the host messages.",
    "Customer: Cards are Visa, Mastercard, Amex and Discover; Interac for the Canadian sites.",
    "Omni SDR: Who signs off on the budget, and what does the decision process look like?",
    "Customer: Our VP of payments signs, procurement runs the paperwork, probably a month or so.",
    "Dana (rep): They asked whether Omni could handle the key injection and the gateway build too.",
    "Customer: Timeline is the fourth quarter, we want the unattended kiosks live before the holidays.",
    "Omni SDR: I'll send the recap Friday and set up a call with the certification SME next week.",
    "Customer: Pricing came in high; the other vendor offered twenty percent off, can you match that?",
]
_FILL = {
    "company": "Northwind Parking",
    "n": "1,200",
    "thing": "lanes",
    "region": "Midwest and Ontario",
    "processor": "Fiserv",
    "vendor": "Ingenico",
    "model": "Lane/3000",
}


def synthetic_transcript(words: int = 1000) -> str:
    """A deterministic call transcript of exactly ``words`` words."""
    out: list[str] = []
    count, i = 0, 0
    while count < words:
        line = _LINES[i % len(_LINES)].format(**_FILL)
        take = line.split()[: words - count]
        out.append(" ".join(take))
        count += len(take)
        i += 1
    return "\n".join(out) + "\n"


def _time_ms(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def bench_triage(backend: str, repeats: int) -> dict[str, Any]:
    from assistant.triage import triage_text

    settings = get_settings(backend=backend)
    texts = sorted((ROOT / "evals" / "cases").glob("*/*.txt"))
    synthetic = synthetic_transcript(1000)
    triage_text(synthetic, source="warm-up", backend=backend, settings=settings)  # imports, lexicons, caches
    per_kw: list[float] = []
    for path in texts:
        text = path.read_text(encoding="utf-8")
        words = max(1, len(text.split()))
        times: list[float] = []
        for _ in range(repeats):
            started = time.perf_counter()
            triage_text(text, source=str(path), backend=backend, settings=settings)
            times.append((time.perf_counter() - started) * 1000)
        per_kw.append(statistics.median(times) * 1000 / words)
    synth = [
        _time_ms(lambda: triage_text(synthetic, source="synthetic", backend=backend, settings=settings))
        for _ in range(max(5, repeats * 3))
    ]
    return {
        "eval_transcripts": len(texts),
        "ms_per_1k_words_p50": percentile(per_kw, 50),
        "ms_per_1k_words_p95": percentile(per_kw, 95),
        "synthetic_1k_ms_p50": percentile(synth, 50),
        "synthetic_1k_ms_p95": percentile(synth, 95),
        "peak_rss_mb_in_process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _cli_command() -> list[str]:
    script = Path(sys.executable).parent / "assistant"
    if script.exists():
        return [str(script)]
    found = shutil.which("assistant")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from assistant.cli import main; sys.exit(main())"]


def bench_cli(backend: str, repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic-1k.txt"
        path.write_text(synthetic_transcript(1000), encoding="utf-8")
        env = dict(os.environ, ASSISTANT_HOME=str(Path(tmp) / "home"), ASSISTANT_BACKEND=backend)
        command = [*_cli_command(), "triage", str(path), "--json"]
        times: list[float] = []
        for _ in range(repeats):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
            times.append((time.perf_counter() - started) * 1000)
            if done.returncode != 0:
                return {"cli_error": (done.stderr.strip() or f"exit {done.returncode}")[:200]}
        try:
            json.loads(done.stdout)
        except json.JSONDecodeError:
            return {"cli_error": "output is not JSON"}
    help_times: list[float] = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([*_cli_command(), "--help"], capture_output=True, env=env, check=False)
        help_times.append((time.perf_counter() - started) * 1000)
    return {
        "cli_help_ms_median": statistics.median(help_times),
        "cli_cold_start_ms_median": statistics.median(times),
        "cli_cold_start_ms_min": min(times),
        "peak_rss_mb_cli": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def bench_retrieval() -> dict[str, Any]:
    try:
        run_bench = importlib.import_module("assistant.retrieval.bench").run_bench
    except (ImportError, AttributeError):
        return {"retrieval": "not available (assistant.retrieval.bench.run_bench)"}
    try:
        result = run_bench(get_settings())
    except TypeError:
        result = run_bench()
    if isinstance(result, Mapping):
        return {f"retrieval.{key}": value for key, value in result.items()}
    return {"retrieval": result}


_UNITS = {"ms": "ms", "mb": "MiB", "s": "s"}


def _unit(name: str) -> str:
    parts = name.rsplit(".", 1)[-1].split("_")
    return next((_UNITS[p] for p in parts if p in _UNITS), "")


def _row(name: str, value: Any) -> str:
    if isinstance(value, float):
        unit = _unit(name)
        shown = f"{value:,.1f} {unit}".strip()
    else:
        shown = str(value)
    return f"{name:<44} {shown}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", default="rules", help="extraction backend (default rules)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats per measurement (default 3)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--skip-retrieval", action="store_true", help="do not benchmark the playbook index")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {"backend": args.backend, "python": sys.version.split()[0]}
    results |= bench_triage(args.backend, args.repeats)
    results |= bench_cli(args.backend, max(3, args.repeats))
    if not args.skip_retrieval:
        results |= bench_retrieval()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{'benchmark':<44} value")
        print("-" * 64)
        for name, value in results.items():
            print(_row(name, value))
    return 0


if __name__ == "__main__":
    sys.exit(main())
