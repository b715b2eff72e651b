"""Chat model construction (langchain-openai) and one structured call with bounded retries.

Works with any OpenAI-compatible server: OpenAI, Azure OpenAI (``azure_api_version``
set), Ollama, vLLM and llama.cpp (``base_url``).  Retries are ours, not the SDK's,
so they are bounded and visible: connection errors, timeouts, 429 and 5xx are
retried ``max_retries`` times with exponential backoff (honouring ``Retry-After``);
every other failure, and an answer that does not parse, is a :class:`BackendError`
at once.  The caller falls back to the rules backend on any :class:`BackendError`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import BackendError
from .schema import ExtractionOutput

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from ...config import LLMSettings

__all__ = ["MAX_OUTPUT_TOKENS", "CallResult", "ModelClient", "build_chat_model"]

# Output budget per call: ~40 findings.  Input budget + this must fit the model's context
# (llama.cpp rejects a request whose prompt + max_tokens exceed n_ctx).
MAX_OUTPUT_TOKENS = 1800
_BACKOFF_BASE_S = 1.0
_BACKOFF_MAX_S = 20.0
_NO_KEY = "not-needed"  # local servers ignore the key but the SDK wants one


def build_chat_model(llm: LLMSettings, *, http_client: Any | None = None) -> BaseChatModel:
    """ChatOpenAI, or AzureChatOpenAI when ``azure_api_version`` is set; SDK retries off."""
    common: dict[str, Any] = {
        "temperature": llm.temperature,
        "timeout": llm.timeout_s,
        "max_retries": 0,
        "max_tokens": MAX_OUTPUT_TOKENS,
    }
    if http_client is not None:
        common["http_client"] = http_client
    if llm.azure_api_version:
        from langchain_openai import AzureChatOpenAI

        return AzureChatOpenAI(
            azure_endpoint=llm.base_url,
            azure_deployment=llm.model,
            api_version=llm.azure_api_version,
            api_key=llm.api_key or _NO_KEY,
            **common,
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=llm.model,
        base_url=llm.base_url,
        api_key=llm.api_key or _NO_KEY,
        **common,
    )


@dataclass
class CallResult:
    output: ExtractionOutput
    input_tokens: int
    output_tokens: int
    latency_ms: float
    attempts: int


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _classify(exc: Exception) -> tuple[bool, str]:
    """(retryable, short description) of an exception raised by the model call."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return True, "the model server timed out"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        detail = f": {cause}" if cause else ""
        return True, f"cannot connect to the model server{detail}"
    if isinstance(exc, openai.RateLimitError):
        return True, "rate limited by the model server (HTTP 429)"
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        body = str(getattr(exc, "message", "") or "")[:200]
        return status >= 500, f"the model server answered HTTP {status}: {body}"
    return False, f"{type(exc).__name__}: {str(exc)[:200]}"


class ModelClient:
    """Sends one prompt and returns the parsed :class:`ExtractionOutput` with its usage."""

    def __init__(
        self,
        llm: LLMSettings,
        *,
        chat_model: BaseChatModel | None = None,
        http_client: Any | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.llm = llm
        self.chat_model = chat_model or build_chat_model(llm, http_client=http_client)
        self._sleep = sleep
        self._structured = self.chat_model.with_structured_output(
            ExtractionOutput, method=llm.method, include_raw=True
        )

    def call(self, messages: Sequence[tuple[str, str]]) -> CallResult:
        attempts = 0
        while True:
            attempts += 1
            started = time.perf_counter()
            try:
                result = self._structured.invoke(list(messages))
            except Exception as exc:
                retryable, what = _classify(exc)
                if not retryable or attempts > self.llm.max_retries:
                    tried = f" after {attempts} attempts" if attempts > 1 else ""
                    raise BackendError(
                        f"{what}{tried}", model=self.llm.model, base_url=self.llm.base_url
                    ) from exc
                delay = min(_BACKOFF_MAX_S, _BACKOFF_BASE_S * 2 ** (attempts - 1))
                hinted = _retry_after(exc)
                if hinted is not None:
                    delay = min(_BACKOFF_MAX_S, max(delay, hinted))
                self._sleep(delay + random.uniform(0, delay / 10))
                continue
            latency_ms = (time.perf_counter() - started) * 1000
            return self._parse(result, latency_ms, attempts)

    def _parse(self, result: Any, latency_ms: float, attempts: int) -> CallResult:
        raw = result.get("raw") if isinstance(result, dict) else None
        usage = getattr(raw, "usage_metadata", None) or {}
        metadata = getattr(raw, "response_metadata", None) or {}
        finish = metadata.get("finish_reason")
        parsed = result.get("parsed") if isinstance(result, dict) else result
        error = result.get("parsing_error") if isinstance(result, dict) else None
        if finish == "length":
            raise BackendError(
                "the model's answer was cut off (finish_reason=length): truncated JSON",
                model=self.llm.model,
                max_tokens=MAX_OUTPUT_TOKENS,
            )
        if error is not None or not isinstance(parsed, ExtractionOutput):
            detail = str(error)[:200] if error is not None else "no structured answer (no tool call)"
            raise BackendError(f"the model's answer is not valid: {detail}", model=self.llm.model)
        return CallResult(
            output=parsed,
            input_tokens=int(usage.get("input_tokens") or 0),
            output_tokens=int(usage.get("output_tokens") or 0),
            latency_ms=latency_ms,
            attempts=attempts,
        )
