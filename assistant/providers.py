"""The provider layer: every chat model and embedding model the assistant talks to is built here.

One settings object (:class:`assistant.config.LLMSettings`), one way to build a client
for OpenAI, Azure OpenAI (``azure_api_version`` set) or any OpenAI-compatible URL
(Ollama, vLLM, llama.cpp), one retry and deadline policy, one error mapping:

* :func:`build_chat_model` / :func:`build_embeddings` - langchain models with the SDK's
  own retries off (``max_retries=0``): retries are ours, bounded and visible.
* :func:`call_with_policy` - runs one model call under a **total deadline**
  (``LLMSettings.timeout_s``): connecting, every retry, every backoff wait and reading
  the answer all count, and a ``Retry-After`` longer than what is left ends the call at
  once instead of waiting.  The call runs in a worker thread, so the caller gets its
  answer or its error by the deadline whatever the server does (hangs, trickles bytes);
  the HTTP transport also caps each socket timeout at the time left and stops reading a
  body once the deadline has passed, so the worker does not linger either.
* :func:`describe_failure` - any provider exception in plain words, and whether a retry
  can help; :func:`call_with_policy` raises :class:`~assistant.errors.BackendError`.

Callers: the LLM extraction backend (``extract/llm/client.py``), the email polish
(``drafting/polish.py``), the "who owns this?" phrasing (``retrieval/phrasing.py``) and the
OpenAI embeddings (``retrieval/embeddings.py``).  Test doubles: :mod:`assistant.testing`.
"""

from __future__ import annotations

import contextvars
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx2

from .errors import BackendError, ConfigError

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from .config import LLMSettings

__all__ = [
    "Attempted",
    "Deadline",
    "DeadlineTransport",
    "RetryPolicy",
    "build_chat_model",
    "build_embeddings",
    "call_with_policy",
    "describe_failure",
    "require_endpoint",
]

T = TypeVar("T")
NO_KEY = "not-needed"  # local servers ignore the key but the SDK wants one
_CURRENT_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "assistant_llm_deadline", default=None
)


class Deadline:
    """A point in time after which a model call must have ended (monotonic clock)."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = float(seconds)
        self._clock = clock
        self._ends_at = clock() + self.seconds

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self._ends_at - self._clock())

    @property
    def expired(self) -> bool:
        """True once the deadline has passed."""
        return self.remaining() <= 0.0


@dataclass(frozen=True)
class RetryPolicy:
    """Which failures are retried, how often, and how long to wait in between."""

    max_retries: int = 2
    backoff_base_s: float = 1.0
    backoff_max_s: float = 20.0

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based): exponential, a server hint wins."""
        delay = min(self.backoff_max_s, self.backoff_base_s * 2.0 ** (attempt - 1))
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay + random.uniform(0, delay / 10)


@dataclass
class Attempted(Generic[T]):
    """A successful call: its value, how many attempts it took, and the last attempt's latency."""

    value: T
    attempts: int
    latency_ms: float


# -- clients --------------------------------------------------------------------------------------


def require_endpoint(llm: LLMSettings, feature: str) -> None:
    """Raise :class:`ConfigError` in plain words when no model endpoint is configured."""
    if not llm.configured:
        raise ConfigError(
            f"{feature} needs a model endpoint: set ASSISTANT_LLM_API_KEY (OpenAI) or "
            "ASSISTANT_LLM_BASE_URL / OPENAI_BASE_URL (Azure or a local OpenAI-compatible server)"
        )


def _http_client(transport: httpx2.BaseTransport | None) -> httpx2.Client:
    import openai

    inner = transport or httpx2.HTTPTransport(limits=openai.DEFAULT_CONNECTION_LIMITS)
    client: httpx2.Client = openai.DefaultHttpxClient(transport=DeadlineTransport(inner))
    return client


def _client_options(llm: LLMSettings, transport: Any, http_client: Any) -> dict[str, Any]:
    return {
        "timeout": llm.timeout_s,
        "max_retries": 0,
        "http_client": http_client if http_client is not None else _http_client(transport),
    }


def build_chat_model(
    llm: LLMSettings,
    *,
    max_tokens: int | None = None,
    transport: httpx2.BaseTransport | None = None,
    http_client: Any | None = None,
) -> BaseChatModel:
    """ChatOpenAI, or AzureChatOpenAI when ``azure_api_version`` is set; SDK retries off.

    ``transport`` replaces the network (tests pass an ``httpx2.MockTransport``) and still
    goes through the deadline transport; ``http_client`` replaces the whole HTTP client.
    """
    common = {"temperature": llm.temperature, **_client_options(llm, transport, http_client)}
    if max_tokens is not None:
        common["max_tokens"] = max_tokens
    if llm.azure_api_version:
        from langchain_openai import AzureChatOpenAI

        return AzureChatOpenAI(
            azure_endpoint=llm.base_url,
            azure_deployment=llm.model,
            api_version=llm.azure_api_version,
            api_key=llm.api_key or NO_KEY,  # type: ignore[arg-type,unused-ignore]
            **common,
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=llm.model,
        base_url=llm.base_url,
        api_key=llm.api_key or NO_KEY,  # type: ignore[arg-type,unused-ignore]
        **common,
    )


def build_embeddings(
    llm: LLMSettings,
    model: str,
    *,
    transport: httpx2.BaseTransport | None = None,
    http_client: Any | None = None,
) -> Embeddings:
    """OpenAIEmbeddings, or AzureOpenAIEmbeddings (``model`` is the deployment) when Azure is set."""
    common = _client_options(llm, transport, http_client)
    if llm.azure_api_version:
        from langchain_openai import AzureOpenAIEmbeddings

        azure: dict[str, Any] = {  # the constructor's aliases, as for AzureChatOpenAI
            "azure_endpoint": llm.base_url,
            "azure_deployment": model,
            "api_version": llm.azure_api_version,
            "api_key": llm.api_key or NO_KEY,
        }
        return AzureOpenAIEmbeddings(**azure, **common)
    from langchain_openai import OpenAIEmbeddings

    options: dict[str, Any] = {"model": model, "api_key": llm.api_key or NO_KEY, **common}
    if llm.base_url:
        options["base_url"] = llm.base_url
    return OpenAIEmbeddings(**options)


# -- the deadline on the wire ---------------------------------------------------------------------


class _DeadlineStream(httpx2.SyncByteStream):
    """A response body that stops being read once the deadline has passed."""

    def __init__(self, inner: Any, deadline: Deadline, request: httpx2.Request) -> None:
        self._inner = inner
        self._deadline = deadline
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if self._deadline.expired:
                raise httpx2.ReadTimeout(
                    "the answer was still arriving at the deadline", request=self._request
                )
            yield chunk

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class DeadlineTransport(httpx2.BaseTransport):
    """Wraps a transport: socket timeouts capped at the time left, body reads stop at the deadline."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send ``request`` within the current call's deadline (if any)."""
        deadline = _CURRENT_DEADLINE.get()
        if deadline is None:
            return self._inner.handle_request(request)
        left = max(deadline.remaining(), 0.001)
        timeouts = dict(request.extensions.get("timeout") or {})
        request.extensions["timeout"] = {
            key: left if timeouts.get(key) is None else min(float(timeouts[key]), left)
            for key in ("connect", "read", "write", "pool")
        }
        response = self._inner.handle_request(request)
        response.stream = _DeadlineStream(response.stream, deadline, request)
        return response

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()


# -- one call under the policy --------------------------------------------------------------------


class _NoAnswer(Exception):
    """The worker thread did not finish before the deadline."""


def _run_within(fn: Callable[[], T], deadline: Deadline) -> T:
    """Run ``fn`` in a daemon thread; return its result or raise its error, or :class:`_NoAnswer`."""
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        _CURRENT_DEADLINE.set(deadline)
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed over to the caller's thread
            outcome["error"] = exc
        finally:
            done.set()

    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(work,), daemon=True, name="assistant-model-call").start()
    if not done.wait(deadline.remaining()):
        raise _NoAnswer
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def _retry_after(exc: BaseException) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None)
    value = headers.get("retry-after") if headers else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def describe_failure(exc: BaseException) -> tuple[bool, str]:
    """(retryable, plain words) for an exception raised by a model or embedding call."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return True, "the model server timed out"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        detail = f" ({str(cause)[:120]})" if cause else ""
        return True, f"cannot connect to the model server{detail}"
    if isinstance(exc, openai.RateLimitError):
        return True, "the model server is rate limiting us (HTTP 429)"
    if isinstance(exc, openai.AuthenticationError):
        return False, "the model server refused the API key (HTTP 401); check ASSISTANT_LLM_API_KEY"
    if isinstance(exc, openai.NotFoundError):
        return False, "the model server does not know this model or URL (HTTP 404); check the model name"
    if isinstance(exc, openai.APIStatusError):
        body = str(getattr(exc, "message", "") or "")[:200]
        return exc.status_code >= 500, f"the model server answered HTTP {exc.status_code}: {body}"
    if isinstance(exc, httpx2.TimeoutException):
        return True, "the model server timed out"
    return False, f"the model call failed ({type(exc).__name__}: {str(exc)[:200]})"


def call_with_policy(
    fn: Callable[[], T],
    llm: LLMSettings,
    *,
    deadline: Deadline | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Attempted[T]:
    """Run ``fn`` (one model request) with bounded retries, all within one total deadline.

    ``deadline`` defaults to ``llm.timeout_s`` from now; pass one to share it between
    several calls (the chunks of one transcript).  Raises :class:`BackendError` in plain
    words when the call fails for good, runs out of time, or a ``Retry-After`` asks for
    longer than what is left.
    """
    deadline = deadline or Deadline(llm.timeout_s)
    policy = RetryPolicy(max_retries=llm.max_retries)
    context = {"model": llm.model, "base_url": llm.base_url}
    attempts = 0
    while True:
        attempts += 1
        tried = f" after {attempts} attempts" if attempts > 1 else ""
        started = time.perf_counter()
        try:
            value = _run_within(fn, deadline)
        except _NoAnswer:
            raise BackendError(
                f"no answer from the model server within the {deadline.seconds:g} s deadline{tried}",
                **context,
            ) from None
        except Exception as exc:
            retryable, what = describe_failure(exc)
            if not retryable or attempts > policy.max_retries:
                raise BackendError(f"{what}{tried}", **context) from exc
            delay = policy.backoff(attempts, _retry_after(exc))
            if delay >= deadline.remaining():
                raise BackendError(
                    f"{what}{tried}; waiting {delay:.0f} s more would pass the {deadline.seconds:g} s deadline",
                    **context,
                ) from exc
            sleep(delay)
            continue
        return Attempted(value=value, attempts=attempts, latency_ms=(time.perf_counter() - started) * 1000)
