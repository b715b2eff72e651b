"""The ``llm`` extraction backend: any OpenAI-compatible chat model through langchain-openai.

Configured by :class:`assistant.config.LLMSettings` (``OPENAI_BASE_URL``,
``OPENAI_API_KEY``, ``OPENAI_MODEL`` or ``ASSISTANT_LLM_*``).  The model adds and
sharpens fields over the rules backend; every value it returns is checked
against the text, and it never silences a deterministic check.  langchain is
imported here only, never by ``assistant triage`` with the rules backend.

Modules: ``schema`` (what the model fills), ``prompting`` (prompts/extract/),
``client`` (the structured call; model, retries and deadline come from
``assistant.providers``), ``budget`` (tiktoken offline, chunking), ``quotes`` +
``verify`` (evidence checks), ``merge`` (with the rules result), ``prices`` (cost
estimates), ``backend`` (:class:`LLMBackend`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import ConfigError
from .backend import LLMBackend

if TYPE_CHECKING:
    from ...config import Settings

__all__ = ["LLMBackend", "create_llm_backend"]


def create_llm_backend(settings: Settings) -> LLMBackend:
    """Factory registered as ``BACKENDS["llm"]``; needs a base URL or an API key."""
    if not settings.llm.configured:
        raise ConfigError(
            "the llm backend needs a model server: set OPENAI_API_KEY (OpenAI/Azure) or OPENAI_BASE_URL "
            "(Ollama, vLLM, llama.cpp: e.g. http://127.0.0.1:8088/v1), or use --backend rules"
        )
    return LLMBackend(settings)
