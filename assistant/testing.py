"""Test doubles that ship with the package, as pydantic-ai ships ``TestModel`` / ``FunctionModel``.

* :class:`ScriptedBackend` - an extraction backend that returns the fields you give it
  (and records every document it saw).
* :class:`FunctionBackend` - an extraction backend that calls your function with the
  document; return an :class:`~assistant.extract.base.Extraction` or just the fields.
* :class:`ScriptedChatModel` - a chat model for the provider-layer callers (email
  polish, "who owns this?" phrasing): answers ``invoke`` from a script of replies or
  exceptions and records the messages it was sent.
* :func:`use_backend` - register a double under a name for the length of a ``with`` block.

Example::

    from assistant import triage_text
    from assistant.testing import ScriptedBackend, confirmed

    backend = ScriptedBackend({"processor": confirmed(["Elavon"], "on Elavon")})
    report = triage_text("We're on Elavon.", backend=backend)

Nothing here touches the network; importing it is cheap (langchain loads on first reply).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .extract.base import BACKENDS, Backend, Extraction
from .schema import DiscoveryFields, Field, FieldStatus, Trigger

if TYPE_CHECKING:
    from .config import Settings
    from .text import Document

__all__ = [
    "FunctionBackend",
    "ScriptedBackend",
    "ScriptedChatModel",
    "confirmed",
    "uncertain",
    "use_backend",
]


def confirmed(value: Any, *evidence: str) -> Field:
    """A confirmed field with its verbatim quotes."""
    return Field(value=value, status=FieldStatus.CONFIRMED, evidence=list(evidence))


def uncertain(value: Any, *evidence: str) -> Field:
    """An uncertain (hedged) field with its verbatim quotes."""
    return Field(value=value, status=FieldStatus.UNCERTAIN, evidence=list(evidence))


def _fields(given: DiscoveryFields | Mapping[str, Field] | None) -> DiscoveryFields:
    if isinstance(given, DiscoveryFields):
        return given.model_copy(deep=True)
    fields = DiscoveryFields()
    for name, field in (given or {}).items():
        fields.set(name, field)
    return fields


class ScriptedBackend(Backend):
    """Returns the same fields (a fresh copy) for every document; ``error`` makes it raise instead."""

    def __init__(
        self,
        fields: DiscoveryFields | Mapping[str, Field] | None = None,
        *,
        name: str = "scripted",
        warnings: Sequence[str] = (),
        extra_triggers: Sequence[Trigger] = (),
        error: Exception | None = None,
    ) -> None:
        self.name = name
        self._fields = _fields(fields)
        self._warnings = list(warnings)
        self._extra_triggers = list(extra_triggers)
        self._error = error
        self.documents: list[Document] = []

    def extract(self, doc: Document) -> Extraction:
        """Record ``doc`` and return the scripted fields."""
        self.documents.append(doc)
        if self._error is not None:
            raise self._error
        return Extraction(
            fields=self._fields.model_copy(deep=True),
            backend=self.name,
            warnings=list(self._warnings),
            extra_triggers=list(self._extra_triggers),
        )


class FunctionBackend(Backend):
    """Calls ``function(doc)`` for every document; it returns an ``Extraction`` or the fields alone."""

    def __init__(
        self, function: Callable[[Document], Extraction | DiscoveryFields], *, name: str = "function"
    ) -> None:
        self.name = name
        self.function = function
        self.documents: list[Document] = []

    def extract(self, doc: Document) -> Extraction:
        """Record ``doc`` and return what the function made of it."""
        self.documents.append(doc)
        result = self.function(doc)
        if isinstance(result, DiscoveryFields):
            return Extraction(fields=result, backend=self.name)
        return result


@contextmanager
def use_backend(name: str, backend: Backend | Callable[[Settings], Backend]) -> Iterator[Backend | None]:
    """Register ``backend`` (an instance or a factory) as ``name`` inside the block, then restore."""
    saved = BACKENDS.get(name)
    instance = backend if isinstance(backend, Backend) else None
    BACKENDS[name] = backend if instance is None else (lambda _settings: instance)  # type: ignore[assignment]
    try:
        yield instance
    finally:
        if saved is None:
            BACKENDS.pop(name, None)
        else:
            BACKENDS[name] = saved


class ScriptedChatModel:
    """A chat model that answers ``invoke`` with the next scripted reply.

    A reply is a string, a JSON-able object (sent as JSON text) or an exception (raised).
    The last reply repeats once the script runs out.  ``calls`` holds the messages of
    every call; ``model_name`` is what the callers report as the model.
    """

    def __init__(self, *replies: Any, model_name: str = "scripted-model") -> None:
        if not replies:
            raise ValueError("give ScriptedChatModel at least one reply")
        self.replies = list(replies)
        self.model_name = model_name
        self.calls: list[list[Any]] = []

    def invoke(self, messages: Any, *args: Any, **kwargs: Any) -> Any:
        """Record ``messages`` and return (or raise) the next reply as an ``AIMessage``."""
        from langchain_core.messages import AIMessage

        self.calls.append(list(messages) if isinstance(messages, list | tuple) else [messages])
        reply = self.replies[min(len(self.calls), len(self.replies)) - 1]
        if isinstance(reply, BaseException):
            raise reply
        return AIMessage(content=reply if isinstance(reply, str) else json.dumps(reply))
