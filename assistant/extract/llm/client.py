"""One structured extraction call: the prompt out, a parsed :class:`ExtractionOutput` back.

The chat model comes from the provider layer (:mod:`assistant.providers`): OpenAI,
Azure OpenAI (``azure_api_version`` set) or any OpenAI-compatible URL, SDK retries off.
The call runs under the provider layer's policy: connection errors, timeouts, 429 and
5xx are retried ``max_retries`` times with exponential backoff, all within one total
deadline (``timeout_s``) that a ``Retry-After`` cannot stretch.  Every other failure,
and an answer that does not parse, is a :class:`BackendError` at once.  The caller
falls back to the rules backend on any :class:`BackendError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import BackendError
from ...providers import Deadline, call_with_policy
from ...providers import build_chat_model as _provider_chat_model
from .schema import ExtractionOutput

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from ...config import LLMSettings

__all__ = ["MAX_OUTPUT_TOKENS", "CallResult", "ModelClient", "build_chat_model"]

# Output budget per call: ~40 findings.  Input budget + this must fit the model's context
# (llama.cpp rejects a request whose prompt + max_tokens exceed n_ctx).
MAX_OUTPUT_TOKENS = 1800


def build_chat_model(
    llm: LLMSettings, *, http_client: Any | None = None, transport: Any | None = None
) -> BaseChatModel:
    """The extraction chat model: the provider layer's, with the output budget set."""
    return _provider_chat_model(
        llm, max_tokens=MAX_OUTPUT_TOKENS, http_client=http_client, transport=transport
    )


@dataclass
class CallResult:
    """The parsed answer of one call, with its token usage, latency and attempt count."""

    output: ExtractionOutput
    input_tokens: int
    output_tokens: int
    latency_ms: float
    attempts: int


class ModelClient:
    """Sends one prompt and returns the parsed :class:`ExtractionOutput` with its usage."""

    def __init__(
        self,
        llm: LLMSettings,
        *,
        chat_model: BaseChatModel | None = None,
        http_client: Any | None = None,
        transport: Any | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.llm = llm
        self.chat_model = chat_model or build_chat_model(llm, http_client=http_client, transport=transport)
        self._sleep = sleep
        self._structured = self.chat_model.with_structured_output(
            ExtractionOutput, method=llm.method, include_raw=True
        )

    def call(self, messages: Sequence[tuple[str, str]], *, deadline: Deadline | None = None) -> CallResult:
        """Ask the model once (retries within the deadline); raises :class:`BackendError` on failure."""
        attempted = call_with_policy(
            lambda: self._structured.invoke(list(messages)), self.llm, deadline=deadline, sleep=self._sleep
        )
        return self._parse(attempted.value, attempted.latency_ms, attempted.attempts)

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
