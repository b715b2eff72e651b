"""LLM failures fall back to the rules backend with a warning; nothing pasted is lost; exit code 0.

Connection refused is a real request to a closed loopback port.  HTTP errors,
timeouts and broken answers go through the real openai/httpx stack with an
in-process ``httpx2.MockTransport`` (no socket at all).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import Settings, get_settings
from assistant.errors import ConfigError
from assistant.extract.llm import LLMBackend, create_llm_backend
from assistant.extract.rules import RulesBackend
from assistant.text import Document
from assistant.triage import triage_text

TEXT = (
    "Dana (partner rep): Intro for Omni. Harbor Transit, about 350 employees.\n"
    "Luis (Harbor, Director of Fare Systems): I think we're on Elavon, not sure.\n"
    "Luis: Test card 4111 1111 1111 1111, CVV 123.\n"
    "Luis: Ticket vending machines, unattended, about 120 of them.\n"
)
ENV = (
    "OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL", "OPENAI_API_VERSION", "ASSISTANT_BACKEND",
    "ASSISTANT_LLM_BASE_URL", "ASSISTANT_LLM_API_KEY", "ASSISTANT_LLM_MODEL", "ASSISTANT_LLM_METHOD",
    "ASSISTANT_LLM_TIMEOUT", "ASSISTANT_LLM_MAX_RETRIES", "ASSISTANT_LLM_MAX_INPUT_TOKENS",
    "ASSISTANT_AZURE_API_VERSION",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def _settings(tmp_path: Path, **llm: Any) -> Settings:
    return get_settings(
        home=tmp_path / "home",
        llm={"base_url": "http://127.0.0.1:1/v1", "api_key": "sk-test", "model": "test-model", **llm},
    )


def _completion(
    arguments: str, finish: str = "tool_calls", usage: tuple[int, int] = (900, 120)
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "test-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "ExtractionOutput", "arguments": arguments},
                        }
                    ],
                },
            }
        ],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    }


class Server:
    """Answers each request with the next planned response; records what was sent."""

    def __init__(self, *plan: Callable[[httpx2.Request], httpx2.Response] | httpx2.Response) -> None:
        self.plan = list(plan)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        step = self.plan[min(len(self.requests), len(self.plan)) - 1]
        return step(request) if callable(step) else step

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.requests]


def _backend(settings: Settings, server: Server, sleeps: list[float]) -> LLMBackend:
    client = httpx2.Client(transport=httpx2.MockTransport(server))
    return LLMBackend(settings, http_client=client, sleep=sleeps.append)


def _rules_fields(settings: Settings) -> dict[str, Any]:
    return RulesBackend(settings).extract(Document.from_text(TEXT)).fields.model_dump(mode="json")


def _assert_fell_back(settings: Settings, backend: LLMBackend, *phrases: str) -> None:
    report = triage_text(TEXT, backend=backend, settings=settings)
    assert report.backend == "rules"
    [warning] = [w for w in report.warnings if w.startswith("LLM backend")]
    assert "rules backend alone" in warning
    for phrase in phrases:
        assert phrase in warning
    # the rules result is complete and untouched; its checks still fire
    assert report.fields.model_dump(mode="json") == _rules_fields(settings)
    assert "processor_unknown" in report.trigger_ids()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_falls_back_to_rules(tmp_path: Path) -> None:
    settings = _settings(tmp_path, base_url=f"http://127.0.0.1:{_closed_port()}/v1", max_retries=1)
    sleeps: list[float] = []
    backend = LLMBackend(settings, sleep=sleeps.append)
    _assert_fell_back(settings, backend, "cannot connect", "after 2 attempts")
    assert len(sleeps) == 1


def test_cli_exit_code_stays_0_when_the_model_is_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{_closed_port()}/v1")
    monkeypatch.setenv("ASSISTANT_LLM_MAX_RETRIES", "0")
    result = CliRunner().invoke(main, ["triage", "-", "--json", "--backend", "llm"], input=TEXT)
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert report["backend"] == "rules"
    assert any("rules backend alone" in warning for warning in report["warnings"])
    assert report["fields"]["processor"] == {
        "value": ["Elavon"],
        "status": "uncertain",
        "evidence": ["I think we're on Elavon, not sure."],
    }


def test_5xx_is_retried_with_backoff_then_succeeds(tmp_path: Path) -> None:
    answer = json.dumps(
        {
            "findings": [
                {"field": "gateway", "value": "Datacap", "status": "confirmed", "quote": "no such quote"}
            ]
        }
    )
    server = Server(
        httpx2.Response(503, json={"error": {"message": "loading model"}}),
        httpx2.Response(502, json={"error": {"message": "bad gateway"}}),
        httpx2.Response(200, json=_completion(answer)),
    )
    sleeps: list[float] = []
    settings = _settings(tmp_path, max_retries=2)
    extraction = _backend(settings, server, sleeps).extract(Document.from_text(TEXT))
    assert extraction.backend == "llm:test-model"
    assert len(server.requests) == 3
    assert 1.0 <= sleeps[0] <= 1.1 and 2.0 <= sleeps[1] <= 2.2  # exponential backoff with a little jitter
    assert extraction.usage is not None and extraction.usage.calls == 1
    assert (extraction.usage.input_tokens, extraction.usage.output_tokens) == (900, 120)


def test_persistent_5xx_gives_up_after_bounded_retries(tmp_path: Path) -> None:
    server = Server(httpx2.Response(500, json={"error": {"message": "boom"}}))
    sleeps: list[float] = []
    settings = _settings(tmp_path, max_retries=2)
    _assert_fell_back(settings, _backend(settings, server, sleeps), "HTTP 500", "after 3 attempts")
    assert len(server.requests) == 3 and len(sleeps) == 2


def test_429_honours_retry_after(tmp_path: Path) -> None:
    answer = json.dumps({"findings": []})
    server = Server(
        httpx2.Response(429, headers={"retry-after": "7"}, json={"error": {"message": "slow down"}}),
        httpx2.Response(200, json=_completion(answer)),
    )
    sleeps: list[float] = []
    extraction = _backend(_settings(tmp_path, max_retries=1), server, sleeps).extract(
        Document.from_text(TEXT)
    )
    assert extraction.backend == "llm:test-model"
    assert 7.0 <= sleeps[0] <= 7.8


def test_client_errors_are_not_retried(tmp_path: Path) -> None:
    server = Server(httpx2.Response(401, json={"error": {"message": "invalid api key"}}))
    sleeps: list[float] = []
    settings = _settings(tmp_path, max_retries=3)
    _assert_fell_back(settings, _backend(settings, server, sleeps), "HTTP 401")
    assert len(server.requests) == 1 and sleeps == []


def test_timeout_falls_back(tmp_path: Path) -> None:
    def hang(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("read timed out", request=request)

    server = Server(hang)
    sleeps: list[float] = []
    settings = _settings(tmp_path, max_retries=1)
    _assert_fell_back(settings, _backend(settings, server, sleeps), "timed out")
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("response", "phrase"),
    [
        (_completion('{"findings": [{"field": "processor", "value": "Ela', finish="length"), "cut off"),
        (_completion("this is not json"), "not valid"),
        (_completion('{"findings": "nope", "triggers": 3}'), "not valid"),
        (
            {**_completion("{}"), "choices": [{"index": 0, "finish_reason": "stop",
                                               "message": {"role": "assistant", "content": "Sure! Elavon."}}]},
            "not valid",
        ),
    ],
    ids=["truncated", "invalid-json", "wrong-shape", "no-tool-call"],
)  # fmt: skip
def test_broken_answers_fall_back(tmp_path: Path, response: dict[str, Any], phrase: str) -> None:
    server = Server(httpx2.Response(200, json=response))
    settings = _settings(tmp_path, max_retries=2)
    _assert_fell_back(settings, _backend(settings, server, []), phrase)
    assert len(server.requests) == 1  # an answer that does not parse is not retried


def test_model_cannot_silence_a_check_or_smuggle_evidence(tmp_path: Path) -> None:
    answer = json.dumps(
        {
            "findings": [
                # tries to confirm the hedged processor from the same hedged sentence
                {"field": "processor", "value": "Elavon", "status": "confirmed", "quote": "we're on Elavon"},
                # invented quote
                {"field": "gateway", "value": "Datacap", "status": "confirmed", "quote": "We use Datacap."},
                # real quote, value not in it
                {
                    "field": "terminal_vendor",
                    "value": "PAX",
                    "status": "confirmed",
                    "quote": "Ticket vending machines",
                },
                # real and supported: fills a field the rules left missing
                {
                    "field": "device_count",
                    "value": "120",
                    "status": "confirmed",
                    "quote": "about 120 of them",
                },
            ],
            "triggers": [{"id": "discount_outside_guardrails", "quote": "about 120 of them"}],
        }
    )
    server = Server(httpx2.Response(200, json=_completion(answer)))
    settings = _settings(tmp_path)
    report = triage_text(TEXT, backend=_backend(settings, server, []), settings=settings)
    assert report.backend == "llm:test-model"
    assert report.fields.processor.status.value == "uncertain"
    assert "processor_unknown" in report.trigger_ids()
    assert "discount_outside_guardrails" not in report.trigger_ids()
    assert report.fields.gateway.status.value == "missing"
    assert "PAX" not in (report.fields.terminal_vendor.value or [])
    assert (report.fields.device_count.value, report.fields.device_count.status.value) == (120, "confirmed")
    assert any("downgraded" in warning for warning in report.warnings)
    for _, field in report.fields.items():
        for quote in field.evidence:
            assert quote in Document.from_text(TEXT).text


def test_only_the_masked_text_and_the_prompt_are_sent(tmp_path: Path) -> None:
    server = Server(httpx2.Response(200, json=_completion(json.dumps({"findings": []}))))
    settings = _settings(tmp_path)
    triage_text(
        TEXT,
        source="/secret/path/harbor-notes.txt",
        backend=_backend(settings, server, []),
        settings=settings,
    )
    [body] = server.bodies()
    sent = json.dumps(body)
    assert "4111 1111 1111 1111" not in sent and "CVV 123" not in sent
    assert "harbor-notes" not in sent
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert Document.from_text(TEXT).text in body["messages"][1]["content"]
    assert set(body) <= {"messages", "model", "temperature", "max_tokens", "max_completion_tokens", "tools",
                         "tool_choice", "parallel_tool_calls", "stream", "n"}  # fmt: skip


def test_factory_needs_a_server_or_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="OPENAI_BASE_URL"):
        create_llm_backend(get_settings(home=tmp_path / "home"))
    assert isinstance(create_llm_backend(_settings(tmp_path)), LLMBackend)
