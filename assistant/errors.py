"""One error hierarchy for the whole assistant.

* :class:`UserError` and its subclasses are mistakes the user can fix; their
  message says how.  The CLI prints them on one line and exits with code 2.
* :class:`RunError` and its subclasses are failures while running (a backend
  that did not answer, an index that could not be built); they carry context
  so a log line is enough to debug them.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AssistantError",
    "BackendError",
    "ConfigError",
    "InputError",
    "PolicyError",
    "PromptError",
    "RunError",
    "TriageTimeout",
    "UserError",
]


class AssistantError(Exception):
    """Base class of every error the assistant raises on purpose."""

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def __str__(self) -> str:
        if not self.context:
            return self.message
        details = ", ".join(f"{key}={value!r}" for key, value in self.context.items())
        return f"{self.message} ({details})"


class UserError(AssistantError):
    """A mistake the user can fix; the message says how."""


class InputError(UserError):
    """The text given to the assistant cannot be used (missing, empty, binary, too large...)."""


class TriageTimeout(InputError):
    """Triage of one input ran past its time limit (``ASSISTANT_TRIAGE_TIMEOUT``)."""


class ConfigError(UserError):
    """A setting (argument, environment variable, config file) is wrong or missing."""


class PolicyError(UserError):
    """A policy or lexicon data file does not validate."""


class PromptError(UserError):
    """A prompt template is missing, malformed, or rendered without a declared variable."""


class RunError(AssistantError):
    """Something failed while running; ``context`` says where."""


class BackendError(RunError):
    """An extraction backend failed (connection, timeout, invalid model output...)."""
