#!/usr/bin/env python
"""Re-record the LLM backend's vcrpy cassettes (tests/cassettes/) against a real model.

    make record                                   # the local model (shared/tools/local-llm start)
    OPENAI_BASE_URL=https://api.openai.com/v1 OPENAI_API_KEY=sk-... OPENAI_MODEL=gpt-4o-mini \\
        ASSISTANT_LLM_METHOD=json_schema python scripts/record_cassettes.py
    python scripts/record_cassettes.py llm_short_call      # one scenario

Server, key, model and method come from the environment (ASSISTANT_LLM_* or OPENAI_*),
default: the local llama.cpp server on 127.0.0.1:8088.  The scenarios (inputs and
budgets) live in tests/llm_vcr.py.  Each cassette is deleted and recorded again
(record_mode="all"); auth headers are filtered before anything is written, and
tests/cassettes/llm_meta.json records which server/model/method the tests must
replay against.  On CPU a call takes one to several minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from llm_vcr import CASSETTES, META_FILE, SCENARIOS, build_backend, make_vcr  # noqa: E402

from assistant.config import get_settings  # noqa: E402
from assistant.text import Document  # noqa: E402

LOCAL_DEFAULTS = {"base_url": "http://127.0.0.1:8088/v1", "model": "qwen2.5-coder-1.5b-instruct"}


def _meta() -> dict[str, object]:
    llm = get_settings().llm
    base_url = llm.base_url if (llm.base_url or llm.api_key) else LOCAL_DEFAULTS["base_url"]
    model = (
        llm.model
        if os.environ.get("ASSISTANT_LLM_MODEL") or os.environ.get("OPENAI_MODEL")
        else (LOCAL_DEFAULTS["model"] if base_url == LOCAL_DEFAULTS["base_url"] else llm.model)
    )
    return {
        "base_url": base_url,
        "model": model,
        "method": llm.method,
        "azure_api_version": llm.azure_api_version,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scenarios", nargs="*", help=f"default: all of {sorted(SCENARIOS)}")
    args = parser.parse_args()
    names = args.scenarios or sorted(SCENARIOS)
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenarios {unknown}; choose from {sorted(SCENARIOS)}")
    meta = _meta()
    api_key = get_settings().llm.api_key or "local-no-key"
    print(f"recording {names} against {meta['base_url']} model={meta['model']} method={meta['method']}")
    recorder = make_vcr("all")
    home = Path(tempfile.mkdtemp(prefix="record-cassettes-"))
    CASSETTES.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name in names:
        scenario = SCENARIOS[name]
        path = CASSETTES / scenario.cassette
        path.unlink(missing_ok=True)
        backend = build_backend(scenario, home, meta=meta, api_key=api_key)
        doc = Document.from_text(scenario.text())
        started = time.perf_counter()
        with recorder.use_cassette(scenario.cassette) as cassette:
            extraction = backend.extract(doc)
        took = time.perf_counter() - started
        failed = extraction.stats.get("llm_failed")
        calls = extraction.stats.get("llm_chunks")
        print(
            f"  {name}: {len(cassette.requests)} request(s), {calls} chunk(s), {took:.0f}s, "
            f"usage={extraction.usage.model_dump() if extraction.usage else None}, "
            f"downgraded={extraction.stats.get('downgraded')}, failed={bool(failed)}"
        )
        for warning in extraction.warnings:
            print(f"    warning: {warning}")
        if failed or len(cassette.requests) != scenario.expected_calls:
            failures += 1
            print(f"    NOT OK: expected {scenario.expected_calls} successful call(s)")
    recorded = {**meta, "recorded_at": datetime.now(UTC).isoformat(timespec="seconds")}
    META_FILE.write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
