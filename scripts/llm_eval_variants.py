#!/usr/bin/env python
"""Score rules vs llm-only vs merged (the ``llm`` backend) on an eval split with one model pass.

    python scripts/llm_eval_variants.py --split dev [--cases 'dev-0*'] [--out figures.json]

The model is called once per transcript chunk (through the real ``llm`` backend,
configured by OPENAI_* / ASSISTANT_LLM_*); its answers are cached under
<home>/llm-eval-cache/ so the variants reuse them without another call:

* ``rules``  - the rules backend alone;
* ``llm``    - verified model values only (the rules result replaced by empty fields); by
  default from the merged pass's answers (asked only for what the rules did not
  confirm), with ``--own-llm-pass`` from a second pass asking for every field;
* ``merged`` - the shipped ``llm`` backend: rules + verified model values.

Each variant goes through the eval harness (``assistant.evaluation.runner.run_eval``),
so the figures are the ones ``assistant eval --backend llm`` prints and the run
folders land in <home>/eval-runs/ as usual.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings, get_settings  # noqa: E402
from assistant.errors import BackendError  # noqa: E402
from assistant.evaluation.runner import run_eval  # noqa: E402
from assistant.extract.base import Backend, Extraction, register_backend  # noqa: E402
from assistant.extract.llm import LLMBackend  # noqa: E402
from assistant.extract.llm.client import CallResult, ModelClient  # noqa: E402
from assistant.extract.llm.schema import ExtractionOutput  # noqa: E402
from assistant.schema import DiscoveryFields  # noqa: E402

_FOCUS = re.compile(r"\n*Report only these fields \(the others are already known\): [^\n]*\n?")


class _EmptyRules(Backend):
    name = "rules"

    def extract(self, doc: Any) -> Extraction:
        return Extraction(fields=DiscoveryFields(), backend="rules")


class CachingClient(ModelClient):
    """Calls the model once per distinct prompt; replays the answer (or the failure) after that."""

    def __init__(self, settings: Settings, cache_dir: Path, *, offline: bool = False) -> None:
        self.cache_dir = cache_dir
        self.offline = offline
        cache_dir.mkdir(parents=True, exist_ok=True)
        if not offline:
            super().__init__(settings.llm)
        else:
            self.llm = settings.llm

    def call(self, messages: Any, *, deadline: Any = None) -> CallResult:
        # the focus line follows the rules result; llm-only (no rules) must hit the same cached answer
        stable = [[role, _FOCUS.sub("", text).rstrip()] for role, text in messages]
        key = hashlib.sha256(json.dumps(stable).encode()).hexdigest()[:24]
        path = self.cache_dir / f"{key}.json"
        if path.is_file():
            data = json.loads(path.read_text())
            if "error" in data:
                raise BackendError(data["error"], model=self.llm.model, cached=True)
            return CallResult(
                output=ExtractionOutput.model_validate(data["output"]),
                input_tokens=data["input_tokens"],
                output_tokens=data["output_tokens"],
                latency_ms=data["latency_ms"],
                attempts=data["attempts"],
            )
        if self.offline:
            raise BackendError("no cached answer for this prompt (run the merged variant first)")
        try:
            result = super().call(messages, deadline=deadline)
        except BackendError as exc:
            path.write_text(json.dumps({"error": exc.message}))
            raise
        path.write_text(
            json.dumps(
                {
                    "output": result.output.model_dump(),
                    "input_tokens": result.input_tokens,
                    "output_tokens": result.output_tokens,
                    "latency_ms": result.latency_ms,
                    "attempts": result.attempts,
                }
            )
        )
        return result


def _summary(run: Any) -> dict[str, Any]:
    return dict(run.summary.model_dump(mode="json"))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", default="dev", choices=["dev", "test", "all"])
    parser.add_argument("--cases", default=None, help="glob on case ids")
    parser.add_argument("--out", type=Path, default=None, help="write the three summaries as JSON here")
    parser.add_argument(
        "--own-llm-pass",
        action="store_true",
        help="llm-only variant: call the model again asking for every field (default: reuse the merged "
        "pass's answers, which were asked only for the fields the rules did not confirm)",
    )
    args = parser.parse_args()
    settings = get_settings()
    cache = Path(settings.state_dir) / "llm-eval-cache"

    def merged(s: Settings) -> Backend:
        backend = LLMBackend(s)
        backend._client = CachingClient(s, cache)
        return backend

    def llm_only(s: Settings) -> Backend:
        backend = LLMBackend(s, rules=_EmptyRules())
        if args.own_llm_pass:  # a second model pass asked for every field, cached separately
            backend._client = CachingClient(s, cache.with_name("llm-eval-cache-all-fields"))
        else:  # the merged pass's answers (asked with the rules' focus list)
            backend._client = CachingClient(s, cache, offline=True)
        return backend

    register_backend("llm-merged-cached", merged)
    register_backend("llm-only-cached", llm_only)
    summaries: dict[str, Any] = {}
    for label, name in (("merged", "llm-merged-cached"), ("llm", "llm-only-cached"), ("rules", "rules")):
        run = run_eval(settings, backend=name, split=args.split, questions=False, case_filter=args.cases)
        summaries[label] = _summary(run)
        print(f"{label}: run folder {run.run_dir}", flush=True)
    text = json.dumps(summaries, indent=2, default=str)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
