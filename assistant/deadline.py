"""A per-input time limit for triage: a runaway input becomes a clear error, not a stuck run.

Every text pass is linear, so a 1 MB input takes seconds; the deadline is the guard behind
that. ``with time_limit(seconds, source):`` starts it for the current thread (a context
variable, so app workers each have their own), :func:`check` is called between passes and
raises :class:`~assistant.errors.TriageTimeout` once the time is up, and :func:`paused`
stops the clock while waiting on a model server (which has its own deadline).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from .errors import TriageTimeout

__all__ = ["DEFAULT_TRIAGE_TIMEOUT_S", "check", "paused", "time_limit"]

DEFAULT_TRIAGE_TIMEOUT_S = 30.0


@dataclass
class _Limit:
    seconds: float
    source: str
    ends_at: float


_CURRENT: ContextVar[_Limit | None] = ContextVar("triage_deadline", default=None)


@contextmanager
def time_limit(seconds: float | None, source: str = "input") -> Iterator[None]:
    """Run the block under a limit of ``seconds`` (``None`` or <= 0: no limit; an outer limit holds)."""
    if seconds is None or seconds <= 0 or _CURRENT.get() is not None:
        yield
        return
    token = _CURRENT.set(_Limit(seconds, source, time.monotonic() + seconds))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def check() -> None:
    """Raise :class:`TriageTimeout` when the current input's time is up."""
    limit = _CURRENT.get()
    if limit is not None and time.monotonic() > limit.ends_at:
        raise TriageTimeout(
            f"{limit.source}: triage took longer than the {limit.seconds:g} s limit (ASSISTANT_TRIAGE_TIMEOUT); "
            "split the text into smaller inputs or raise the limit"
        )


@contextmanager
def paused() -> Iterator[None]:
    """Stop the clock for the block (a model call, bounded by the LLM client's own deadline)."""
    limit = _CURRENT.get()
    started = time.monotonic()
    try:
        yield
    finally:
        if limit is not None:
            limit.ends_at += time.monotonic() - started
