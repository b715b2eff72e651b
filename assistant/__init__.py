"""FastFlex pre-sales assistant: discovery triage, escalations, follow-up drafts and playbook answers.

The public API, for scripts and notebooks::

    import assistant

    report = assistant.triage_text("Acme Grocers - proc: Fiserv (I think), 40 kiosks")
    print(report.trigger_ids(), report.gate.missing)
    print(assistant.draft_email(report).body)
    print(assistant.ask("who signs off a 22% discount?").owners)

Names are imported on first use, so ``import assistant`` (and ``assistant triage``)
never pays for langchain, chromadb or gradio.  Test doubles live in
:mod:`assistant.testing`, the model provider layer in :mod:`assistant.providers`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import LLMSettings, Settings, get_settings
    from .drafting import EmailDraft, draft_email
    from .errors import AssistantError, BackendError, ConfigError, InputError, UserError
    from .extract.base import Backend, Extraction, available_backends, get_backend, register_backend
    from .retrieval import AskAnswer, ask
    from .schema import TriageReport
    from .triage import triage_path, triage_text

__all__ = [
    "AskAnswer",
    "AssistantError",
    "Backend",
    "BackendError",
    "ConfigError",
    "EmailDraft",
    "Extraction",
    "InputError",
    "LLMSettings",
    "Settings",
    "TriageReport",
    "UserError",
    "__version__",
    "ask",
    "available_backends",
    "draft_email",
    "get_backend",
    "get_settings",
    "register_backend",
    "triage_path",
    "triage_text",
]

__version__ = "0.1.0"

# public name -> module it lives in (imported on first access)
_LAZY: dict[str, str] = {
    "AskAnswer": ".retrieval",
    "AssistantError": ".errors",
    "Backend": ".extract.base",
    "BackendError": ".errors",
    "ConfigError": ".errors",
    "EmailDraft": ".drafting",
    "Extraction": ".extract.base",
    "InputError": ".errors",
    "LLMSettings": ".config",
    "Settings": ".config",
    "TriageReport": ".schema",
    "UserError": ".errors",
    "ask": ".retrieval",
    "available_backends": ".extract.base",
    "draft_email": ".drafting",
    "get_backend": ".extract.base",
    "get_settings": ".config",
    "register_backend": ".extract.base",
    "triage_path": ".triage",
    "triage_text": ".triage",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first access (PEP 562)."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Public names, for ``dir(assistant)`` and tab completion."""
    return sorted(set(globals()) | set(__all__))
