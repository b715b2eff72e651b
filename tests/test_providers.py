"""The provider layer: one builder per model kind, SDK retries off, one total deadline.

Every server here is an in-process ``httpx2.MockTransport`` (no socket): a server that
hangs, one that answers ``429 Retry-After: 3600``, and one that trickles its answer a
byte at a time.  Each call must end within the deadline plus a small slack.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from assistant.config import LLMSettings, get_settings
from assistant.errors import BackendError, ConfigError
from assistant.extract.llm import LLMBackend
from assistant.providers import (
    Deadline,
    RetryPolicy,
    build_chat_model,
    build_embeddings,
    call_with_policy,
    require_endpoint,
)
from assistant.triage import triage_text

DEADLINE_S = 1.5
SLACK_S = 0.6
TEXT = "Luis (Harbor, Director of Fare Systems): I think we're on Elavon, not sure. About 120 kiosks.\n"


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at teardown, so a hanging fake server lets its worker thread go."""
    event = threading.Event()
    yield event
    event.set()


def _llm(**overrides: object) -> LLMSettings:
    values: dict[str, object] = {
        "base_url": "http://127.0.0.1:1/v1",
        "api_key": "sk-test",
        "model": "test-model",
        "timeout_s": DEADLINE_S,
        "max_retries": 3,
    }
    return LLMSettings(**{**values, **overrides})


def _elapsed_failure(llm: LLMSettings, handler: object) -> tuple[float, str]:
    """Seconds from the call to its failure, and the error message (the model is built first)."""
    model = build_chat_model(llm, transport=httpx2.MockTransport(handler))  # type: ignore[arg-type]
    started = time.monotonic()
    with pytest.raises(BackendError) as caught:
        call_with_policy(lambda: model.invoke("hello"), llm)
    return time.monotonic() - started, str(caught.value)


def test_a_hanging_server_ends_at_the_deadline(release: threading.Event) -> None:
    def hang(request: httpx2.Request) -> httpx2.Response:
        release.wait(30)
        return httpx2.Response(500)

    elapsed, message = _elapsed_failure(_llm(), hang)
    assert DEADLINE_S - 0.1 <= elapsed <= DEADLINE_S + SLACK_S
    assert f"within the {DEADLINE_S:g} s deadline" in message


def test_retry_after_cannot_push_past_the_deadline() -> None:
    calls: list[float] = []

    def rate_limited(request: httpx2.Request) -> httpx2.Response:
        calls.append(time.monotonic())
        return httpx2.Response(429, headers={"retry-after": "3600"}, json={"error": {"message": "slow down"}})

    elapsed, message = _elapsed_failure(_llm(timeout_s=5.0), rate_limited)
    assert elapsed < 1.0  # no point waiting an hour: it gives up at once, well inside the deadline
    assert len(calls) == 1
    assert "rate limiting" in message and "would pass the 5 s deadline" in message


def test_a_trickling_server_ends_at_the_deadline(release: threading.Event) -> None:
    sent: list[float] = []

    def trickle() -> Iterator[bytes]:
        yield b'{"id": "x", "choices": ['
        while not release.wait(0.2):
            sent.append(time.monotonic())
            yield b" "

    def slow(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "application/json"}, content=trickle())

    elapsed, message = _elapsed_failure(_llm(max_retries=0), slow)
    ended = time.monotonic()
    assert DEADLINE_S - 0.1 <= elapsed <= DEADLINE_S + SLACK_S
    assert "deadline" in message or "timed out" in message
    time.sleep(0.5)  # the worker stops reading too: the transport ends the body at the deadline
    assert sent and sent[-1] <= ended + 0.3


def test_retries_and_backoff_share_one_deadline() -> None:
    sleeps: list[float] = []
    requests: list[httpx2.Request] = []

    def down(request: httpx2.Request) -> httpx2.Response:
        requests.append(request)
        return httpx2.Response(503, json={"error": {"message": "loading"}})

    llm = _llm(timeout_s=2.5, max_retries=5)
    model = build_chat_model(llm, transport=httpx2.MockTransport(down))
    with pytest.raises(BackendError, match=r"HTTP 503.*would pass the 2.5 s deadline"):
        call_with_policy(lambda: model.invoke("hi"), llm, sleep=lambda s: (sleeps.append(s), time.sleep(s)))
    assert len(requests) == 2 and 1.0 <= sleeps[0] <= 1.1  # 1 s fits; the next 2 s would not


def test_the_llm_backend_falls_back_within_the_deadline(tmp_path: Path, release: threading.Event) -> None:
    def hang(request: httpx2.Request) -> httpx2.Response:
        release.wait(30)
        return httpx2.Response(500)

    settings = get_settings(home=tmp_path / "home", llm=_llm().model_dump())
    backend = LLMBackend(settings, transport=httpx2.MockTransport(hang))
    backend.client()  # build the model before the clock starts
    started = time.monotonic()
    report = triage_text(TEXT, backend=backend, settings=settings)
    assert time.monotonic() - started <= DEADLINE_S + 2 * SLACK_S
    assert report.backend == "rules"
    assert any("deadline" in warning for warning in report.warnings)


def test_backoff_is_exponential_and_a_server_hint_wins() -> None:
    policy = RetryPolicy(max_retries=3)
    assert 1.0 <= policy.backoff(1, None) <= 1.1 and 4.0 <= policy.backoff(3, None) <= 4.4
    assert 7.0 <= policy.backoff(1, 7.0) <= 7.7
    assert 20.0 <= policy.backoff(10, None) <= 22.0


def test_deadline_counts_down() -> None:
    now = [100.0]
    deadline = Deadline(5, clock=lambda: now[0])
    now[0] += 2
    assert deadline.remaining() == 3.0 and not deadline.expired
    now[0] += 4
    assert deadline.remaining() == 0.0 and deadline.expired


@pytest.mark.parametrize(
    ("llm", "kind"),
    [
        (LLMSettings(api_key="k", model="gpt-4o-mini"), "ChatOpenAI"),
        (LLMSettings(base_url="http://127.0.0.1:11434/v1", model="llama3.1"), "ChatOpenAI"),
        (
            LLMSettings(
                base_url="https://x.openai.azure.com",
                api_key="k",
                model="dep",
                azure_api_version="2024-10-21",
            ),
            "AzureChatOpenAI",
        ),
    ],
)
def test_one_builder_for_openai_azure_and_compatible_urls(llm: LLMSettings, kind: str) -> None:
    model = build_chat_model(llm)
    assert type(model).__name__ == kind
    assert model.max_retries == 0  # type: ignore[attr-defined]
    embeddings = build_embeddings(llm, "text-embedding-3-small")
    assert type(embeddings).__name__ == kind.replace("Chat", "").replace("OpenAI", "OpenAIEmbeddings")
    assert embeddings.max_retries == 0  # type: ignore[attr-defined]


def test_embeddings_go_through_the_same_policy() -> None:
    def vectors(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200,
            json={
                "object": "list",
                "model": "m",
                "data": [{"object": "embedding", "index": 0, "embedding": [0.6, 0.8]}],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            },
        )

    llm = _llm()
    embeddings = build_embeddings(llm, "m", transport=httpx2.MockTransport(vectors))
    embeddings.check_embedding_ctx_length = False  # type: ignore[attr-defined]
    attempted = call_with_policy(lambda: embeddings.embed_query("kiosk"), llm)
    assert attempted.value == [0.6, 0.8] and attempted.attempts == 1


def test_no_endpoint_is_a_config_error_in_plain_words() -> None:
    with pytest.raises(ConfigError, match="ASSISTANT_LLM_API_KEY"):
        require_endpoint(LLMSettings(), "--backend llm")
