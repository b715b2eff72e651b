"""The extraction backend interface and the registry that picks one by name.

The rules backend, the LLM backend and a test fake are peers: each turns a
:class:`~assistant.text.Document` into an :class:`Extraction`.  Escalation
triggers are *not* a backend's business: :mod:`assistant.checks` computes them
deterministically from the merged fields and the raw text, so no backend can
silence one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..schema import DiscoveryFields, Trigger, Usage

if TYPE_CHECKING:
    from ..config import Settings
    from ..text import Document

__all__ = [
    "BACKENDS",
    "LLM_FALLBACK",
    "Backend",
    "Extraction",
    "available_backends",
    "get_backend",
    "register_backend",
]

# how a report's warning starts when the model failed and the rules result stands in (the CLI
# repeats such a warning on stderr in every output mode)
LLM_FALLBACK = "LLM backend"


@dataclass
class Extraction:
    """What a backend found in one document."""

    fields: DiscoveryFields
    backend: str  # "rules" or "llm:<model>"
    warnings: list[str] = field(default_factory=list)
    usage: Usage | None = None
    # triggers a backend proposes on top of the deterministic checks; each must carry verified evidence
    extra_triggers: list[Trigger] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


class Backend(ABC):
    """Turns a document into discovery fields."""

    name: str = "abstract"

    @abstractmethod
    def extract(self, doc: Document) -> Extraction:
        """Extract every contract field from ``doc``; never raise for content, only for failures."""


BackendFactory = Callable[["Settings"], Backend]
BACKENDS: dict[str, str | BackendFactory] = {
    # name -> "module:factory" (imported lazily) or a factory callable
    "rules": "assistant.extract.rules:RulesBackend",
    "llm": "assistant.extract.llm:create_llm_backend",
}


def register_backend(name: str, factory: str | BackendFactory) -> None:
    """Register a backend factory under ``name`` (tests register fakes this way)."""
    BACKENDS[name] = factory


def available_backends() -> list[str]:
    """Names of every registered backend, sorted."""
    return sorted(BACKENDS)


def get_backend(name: str, settings: Settings) -> Backend:
    """Instantiate the backend called ``name`` with ``settings``."""
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise ConfigError(
            f"unknown backend {name!r}; choose one of {available_backends()} (--backend or ASSISTANT_BACKEND)"
        ) from None
    if isinstance(factory, str):
        import importlib

        module_name, attribute = factory.split(":")
        factory = getattr(importlib.import_module(module_name), attribute)
    backend = factory(settings)
    if not isinstance(backend, Backend):
        raise ConfigError(f"backend {name!r} did not produce a Backend instance")
    return backend
