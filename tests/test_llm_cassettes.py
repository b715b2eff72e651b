"""The LLM backend replayed from cassettes recorded against a real model (see tests/llm_vcr.py).

Nothing here reaches a server: ``record_mode="none"`` makes any request that is
not in the cassette an error.  Re-record with ``make record``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from llm_vcr import CASSETTES, SCENARIOS, build_backend, llm_vcr, recorded_meta

from assistant.config import get_settings
from assistant.extract.rules import RulesBackend
from assistant.schema import FieldStatus, TriageReport
from assistant.text import Document
from assistant.triage import triage_document


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    for name in (
        "OPENAI_API_VERSION",
        "ASSISTANT_AZURE_API_VERSION",
        "ASSISTANT_PROMPTS_DIR",
        "ASSISTANT_POLICY_DIR",
    ):
        monkeypatch.delenv(name, raising=False)


def _cassette(name: str) -> dict:
    return yaml.safe_load((CASSETTES / SCENARIOS[name].cassette).read_text(encoding="utf-8"))


def _replay(name: str, tmp_path: Path) -> tuple[Document, TriageReport]:
    scenario = SCENARIOS[name]
    backend = build_backend(scenario, tmp_path / "home")
    doc = Document.from_text(scenario.text())
    with llm_vcr.use_cassette(scenario.cassette, allow_playback_repeats=False) as cassette:
        report = triage_document(doc, source=scenario.input_file, backend=backend, settings=backend.settings)
        assert cassette.all_played, "a recorded request was not made: prompt or chunking changed, re-record"
    return doc, report


def test_cassettes_hold_no_secrets_or_cookies() -> None:
    for scenario in SCENARIOS.values():
        raw = (CASSETTES / scenario.cassette).read_text(encoding="utf-8").lower()
        assert "set-cookie" not in raw and "openai-organization" not in raw
        for interaction in _cassette(scenario.name)["interactions"]:
            headers = {k.lower(): v for k, v in interaction["request"]["headers"].items()}
            assert headers.get("authorization") in (None, ["REDACTED"])
            assert "api-key" not in headers or headers["api-key"] == ["REDACTED"]


def test_short_call_one_request_full_extraction(tmp_path: Path) -> None:
    doc, report = _replay("llm_short_call", tmp_path)
    meta = recorded_meta()
    assert report.backend == f"llm:{meta['model']}"
    assert report.usage is not None and report.usage.calls == 1
    assert report.usage.input_tokens > 1000 and report.usage.output_tokens > 0
    assert report.usage.cost_usd == 0.0  # a local model
    # every evidence string is verbatim input, model-sourced or not
    for _, field in report.fields.items():
        for quote in field.evidence:
            assert quote in doc.text
    for trigger in report.triggers:
        assert all(quote in doc.text for quote in trigger.evidence)
    # the rules result is the floor: nothing confirmed by the rules got weaker or disappeared
    rules = RulesBackend(get_settings()).extract(doc).fields
    for name, field in rules.items():
        merged = report.fields.get(name)
        if field.status is FieldStatus.CONFIRMED:
            assert merged.present
            if isinstance(field.value, list):
                assert set(field.value) <= set(merged.value)
        if field.present and merged.status is FieldStatus.MISSING:
            pytest.fail(f"{name} was present in the rules result and lost after merging")
    # deterministic checks still fire on this transcript
    for trigger_id in (
        "tooling_unclear",
        "high_risk_use_case",
        "discount_outside_guardrails",
        "responsibility_transfer",
    ):
        assert trigger_id in report.trigger_ids()


def test_short_call_sent_only_masked_text_and_prompt() -> None:
    [interaction] = _cassette("llm_short_call")["interactions"]
    body = json.loads(interaction["request"]["body"])
    sent = json.dumps(body)
    assert "4111 1111 1111 1111" not in sent and "CVV 123" not in sent
    assert "short_call.txt" not in sent
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert body["tools"][0]["function"]["name"] == "ExtractionOutput"


def test_chunked_call_two_requests_merged(tmp_path: Path) -> None:
    doc, report = _replay("llm_chunked_call", tmp_path)
    assert report.usage is not None and report.usage.calls == 2
    bodies = [json.loads(i["request"]["body"]) for i in _cassette("llm_chunked_call")["interactions"]]
    users = [body["messages"][1]["content"] for body in bodies]
    assert "part 1 of 2" in users[0] and "part 2 of 2" in users[1]
    # the chunks overlap on line boundaries and together cover the whole transcript
    first, second = (user.split("Text:\n", 1)[1].split("\n\nReport only", 1)[0] for user in users)
    assert doc.text.startswith(first.rstrip("\n"))
    assert doc.text.rstrip("\n").endswith(second.rstrip("\n"))
    assert len(first) + len(second) > len(doc.text)
    for _, field in report.fields.items():
        assert all(quote in doc.text for quote in field.evidence)
    assert "unapproved_commitment" in report.trigger_ids()
