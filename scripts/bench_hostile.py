"""Time the rules triage on the hostile inputs of issue 13 (seconds, each in a child process).

    python scripts/bench_hostile.py [--limit 60]

Prints one row per input: size, seconds (or "> limit"), and seconds per KB against a normal
transcript of the same size.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hostile_inputs import (
    brackets,
    dash_words,
    digit_dash,
    normal,
    one_line_no_stops,
    one_long_line,
    percent_off,
    spaces_between_words,
    spaces_only_run,
)

ISSUE_CASES = [
    ("20 KB of spaces", spaces_between_words, 20_000),
    ('20 KB of "20% off "', percent_off, 20_000),
    ("25 KB single line", one_long_line, 25_000),
    ("25 KB single line, no sentence ends", one_line_no_stops, 25_000),
    ("10 KB of digit words joined by dashes", dash_words, 10_000),
    ("60 KB digit-dash runs", digit_dash, 60_000),
    ("100k spaces", spaces_only_run, 100_000),
    ("bracket runs, 40 KB", brackets, 40_000),
    ("900 KB single line", one_long_line, 900_000),
]


def _run(text: str, queue: multiprocessing.Queue[float]) -> None:
    from assistant.triage import triage_text

    triage_text("warm up: Fiserv, 40 kiosks", source="warm")
    started = time.perf_counter()
    triage_text(text, source="hostile")
    queue.put(time.perf_counter() - started)


def timed(text: str, limit: float) -> float | None:
    queue: multiprocessing.Queue[float] = multiprocessing.Queue()
    process = multiprocessing.Process(target=_run, args=(text, queue))
    process.start()
    process.join(limit)
    if process.is_alive():
        process.terminate()
        process.join()
        return None
    return queue.get() if not queue.empty() else None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--only", nargs="*", help="row names to run (default: all)")
    args = parser.parse_args()
    print("| input | bytes | seconds | normal text, same size | ratio |")
    print("|---|---|---|---|---|")
    for name, generator, size in ISSUE_CASES:
        if args.only and name not in args.only:
            continue
        text = generator(size)
        seconds = timed(text, args.limit)
        base = timed(normal(len(text)), args.limit)
        shown = f"{seconds:.2f}" if seconds is not None else f"> {args.limit:.0f}"
        ratio = f"{seconds / base:.1f}x" if seconds is not None and base else "-"
        base_shown = f"{base:.2f}" if base is not None else f"> {args.limit:.0f}"
        print(f"| {name} | {len(text):,} | {shown} | {base_shown} | {ratio} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
