"""vcrpy set-up for the LLM backend tests and ``scripts/record_cassettes.py``.

The cassettes in ``tests/cassettes/`` were recorded from a real model (the local
Qwen2.5-Coder-1.5B-Instruct served by llama-cpp-python, function calling); they
are never written by hand.  Tests replay them with ``record_mode="none"``: a
request that is not in the cassette fails instead of reaching the network.
Requests match on method, URL and body (system prompt, transcript, tool schema,
model), so a prompt change shows up as a failed match until the cassettes are
re-recorded (``make record``).  Only the user message's "Report only these
fields" line is ignored: it follows the rules backend, which keeps improving.

Secrets never reach a cassette: auth headers are filtered on the way in, cookies
and organisation headers are dropped on the way out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import vcr

if TYPE_CHECKING:
    from assistant.extract.llm import LLMBackend

HERE = Path(__file__).resolve().parent
CASSETTES = HERE / "cassettes"
INPUTS = HERE / "llm_inputs"

META_FILE = CASSETTES / "llm_meta.json"  # written by scripts/record_cassettes.py

# what the recordings were made against; tests replay against the same URL, model and method
_DEFAULT_META: dict[str, Any] = {
    "base_url": "http://127.0.0.1:8088/v1",
    "model": "qwen2.5-coder-1.5b-instruct",
    "method": "function_calling",
    "azure_api_version": None,
}


def recorded_meta() -> dict[str, Any]:
    if META_FILE.is_file():
        return {**_DEFAULT_META, **json.loads(META_FILE.read_text(encoding="utf-8"))}
    return dict(_DEFAULT_META)


FILTER_HEADERS = [
    ("authorization", "REDACTED"),
    ("api-key", "REDACTED"),
    ("openai-organization", None),
    ("openai-project", None),
    ("cookie", None),
]
_DROP_RESPONSE_HEADERS = {"set-cookie", "openai-organization", "openai-project", "cookie"}


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for name in list(headers):
        if name.lower() in _DROP_RESPONSE_HEADERS:
            del headers[name]
    return response


_FOCUS_LINE = re.compile(r"\n*Report only these fields \(the others are already known\): [^\n]*\n?")


def _comparable_body(body: bytes | str | None) -> Any:
    """The request JSON with the user message's focus line removed.

    The focus line lists the fields the rules backend did not confirm, so it moves
    when the rules improve; the transcript, the system prompt, the tool schema and
    the model must still match exactly.
    """
    text = body.decode("utf-8") if isinstance(body, bytes) else (body or "")
    try:
        data = json.loads(text)
    except ValueError:
        return text
    for message in data.get("messages", []):
        if isinstance(message.get("content"), str):
            message["content"] = _FOCUS_LINE.sub("\n", message["content"]).rstrip("\n")
    return data


def _llm_body(r1: Any, r2: Any) -> None:
    assert _comparable_body(r1.body) == _comparable_body(r2.body), (
        "LLM request body differs from the recording"
    )


def make_vcr(record_mode: str = "none") -> vcr.VCR:
    recorder = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=("method", "scheme", "host", "port", "path", "llm_body"),
        filter_headers=FILTER_HEADERS,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
        serializer="yaml",
    )
    recorder.register_matcher("llm_body", _llm_body)
    return recorder


llm_vcr = make_vcr()


@dataclass(frozen=True)
class Scenario:
    """One recorded conversation: an input file and the LLM settings it ran with."""

    name: str
    input_file: str
    llm: dict[str, Any] = field(default_factory=dict)
    expected_calls: int = 1

    @property
    def cassette(self) -> str:
        return f"{self.name}.yaml"

    def text(self) -> str:
        return (INPUTS / self.input_file).read_text(encoding="utf-8")

    def llm_settings(self, meta: dict[str, Any] | None = None, api_key: str = "test-key") -> dict[str, Any]:
        """LLM settings of this scenario; ``meta`` says which server/model (default: the recorded one)."""
        meta = meta or recorded_meta()
        # max_retries 0: a recording is one real answer per request; timeouts are generous for CPU models
        return {
            "base_url": meta["base_url"],
            "model": meta["model"],
            "method": meta["method"],
            "azure_api_version": meta.get("azure_api_version"),
            "api_key": api_key,
            "timeout_s": 3600.0,
            "max_retries": 0,
            "temperature": 0.0,
            **self.llm,
        }


SCENARIOS: dict[str, Scenario] = {
    scenario.name: scenario
    for scenario in (
        # a short partner intro + call: one call, full extraction; contains a test card number + CVV
        Scenario("llm_short_call", "short_call.txt"),
        # a longer call with a small input budget: split into two overlapping chunks, two calls
        Scenario("llm_chunked_call", "long_call.txt", {"max_input_tokens": 2460}, expected_calls=2),
    )
}


def build_backend(
    scenario: Scenario, home: Path, *, meta: dict[str, Any] | None = None, api_key: str = "test-key"
) -> LLMBackend:
    """The LLM backend configured exactly as when ``scenario`` was recorded (real rules backend)."""
    from assistant.config import get_settings
    from assistant.extract.llm import LLMBackend

    settings = get_settings(home=home, llm=scenario.llm_settings(meta, api_key))
    return LLMBackend(settings)
