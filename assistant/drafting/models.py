"""Data models of the follow-up drafter: the draft itself and its phrasing data files."""

from __future__ import annotations

import string
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..schema import FIELD_NAMES, TRIGGER_IDS, USE_CASES

__all__ = [
    "RECAP_TOPICS",
    "DraftQuestion",
    "EmailDraft",
    "GuardFix",
    "GuardResult",
    "Phrasebook",
    "QuestionBank",
    "QuestionSpec",
    "placeholders",
]

# Recap topics: contract fields we may echo back, plus "devices" (terminal_vendor + terminal_models).
RECAP_TOPICS: tuple[str, ...] = (
    "processor",
    "gateway",
    "devices",
    "kif",
    "tooling",
    "use_cases",
    "card_brands",
    "regions",
    "device_count",
    "timeline",
    "budget",
    "decision_process",
    "economic_buyer",
)
_VALUE_FREE_TOPICS = frozenset({"timeline", "budget"})  # never echo a date or an amount
_NOTE_PLACEHOLDERS = frozenset({"risky_use_cases", "requested"})


def placeholders(text: str) -> set[str]:
    """``{name}`` placeholders of a ``str.format`` phrase."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- data files


class QuestionSpec(_Strict):
    """One buyer-friendly question (``prompts/email/questions.yaml``)."""

    question: str = Field(min_length=5)
    hint: str = ""
    heard: str | None = None  # lead-in for an uncertain value: "We noted {heard}, but ..."

    @field_validator("question")
    @classmethod
    def _is_question(cls, value: str) -> str:
        if not value.rstrip().endswith("?"):
            raise ValueError(f"a question must end with '?': {value!r}")
        return value.strip()

    @field_validator("heard")
    @classmethod
    def _heard_placeholder(cls, value: str | None) -> str | None:
        if value is not None and placeholders(value) != {"heard"}:
            raise ValueError(f"'heard' must use exactly the {{heard}} placeholder: {value!r}")
        return value


class QuestionBank(_Strict):
    """The question asked for each missing or hedged field (``prompts/email/``)."""

    version: int = 1
    fields: dict[str, QuestionSpec]

    @field_validator("fields")
    @classmethod
    def _every_field(cls, value: dict[str, QuestionSpec]) -> dict[str, QuestionSpec]:
        unknown = sorted(set(value) - set(FIELD_NAMES))
        missing = [name for name in FIELD_NAMES if name not in value]
        if unknown:
            raise ValueError(f"unknown field names {unknown}; use contract field names")
        if missing:
            raise ValueError(f"every contract field needs a question; missing {missing}")
        return value


class Phrasebook(_Strict):
    """Recap sentences, use-case wording and trigger notes (``prompts/email/phrases.yaml``)."""

    version: int = 1
    recap: dict[str, str]
    use_cases: dict[str, str]
    notes: dict[str, str | None]
    fallback: dict[str, str]
    the_names: list[str] = Field(default_factory=list)  # "the United States"

    @field_validator("recap")
    @classmethod
    def _recap(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(RECAP_TOPICS))
        if unknown:
            raise ValueError(f"unknown recap topics {unknown}; use one of {list(RECAP_TOPICS)}")
        for topic, phrase in value.items():
            allowed = set() if topic in _VALUE_FREE_TOPICS else {"value"}
            extra = placeholders(phrase) - allowed
            if extra:
                raise ValueError(
                    f"recap phrase {topic!r} uses placeholders {sorted(extra)}; allowed: {sorted(allowed)}"
                )
        return value

    @field_validator("use_cases")
    @classmethod
    def _use_cases(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [name for name in USE_CASES if name not in value]
        unknown = sorted(set(value) - set(USE_CASES))
        if missing or unknown:
            raise ValueError(
                f"use_cases must word every use case exactly; missing {missing}, unknown {unknown}"
            )
        return value

    @field_validator("notes")
    @classmethod
    def _notes(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        unknown = sorted(set(value) - set(TRIGGER_IDS))
        missing = [name for name in TRIGGER_IDS if name not in value]
        if unknown or missing:
            raise ValueError(f"notes must cover every trigger id; missing {missing}, unknown {unknown}")
        for trigger, phrase in value.items():
            extra = placeholders(phrase or "") - _NOTE_PLACEHOLDERS
            if extra:
                raise ValueError(f"note {trigger!r} uses unknown placeholders {sorted(extra)}")
        return value

    @model_validator(mode="after")
    def _fallbacks(self) -> Phrasebook:
        used = set().union(*(placeholders(phrase or "") for phrase in self.notes.values()))
        missing = sorted(used - set(self.fallback))
        if missing:
            raise ValueError(f"fallback wording needed for placeholders {missing}")
        return self


# --------------------------------------------------------------------------- the draft


class DraftQuestion(BaseModel):
    """One open point we ask the buyer about."""

    field: str
    question: str
    hint: str = ""
    status: Literal["missing", "uncertain"] = "missing"

    @property
    def text(self) -> str:
        """The question as it appears in the email."""
        return f"{self.question} {self.hint}".strip()

    def __str__(self) -> str:
        return self.text


class GuardFix(BaseModel):
    """One sentence (or recap item) the commitment guard removed or rewrote."""

    rule: str
    action: Literal["remove", "rewrite", "omit"]
    sentence: str  # card numbers masked
    replacement: str | None = None
    stage: Literal["template", "polish"] = "template"


class GuardResult(BaseModel):
    """What the commitment guard did to the final draft."""

    fixes: list[GuardFix] = Field(default_factory=list)
    fell_back: bool = False
    reason: str | None = None

    @property
    def removed(self) -> list[str]:
        """Every phrase the guard removed from the draft."""
        return [fix.sentence for fix in self.fixes]

    def to_json(self) -> dict[str, Any]:
        """The draft as JSON (``assistant email --json``)."""
        return {
            "removed": self.removed,
            "fell_back": self.fell_back,
            "reason": self.reason,
            "fixes": [fix.model_dump(mode="json") for fix in self.fixes],
        }


class EmailDraft(BaseModel):
    """A follow-up email ready for the SDR to review and send."""

    subject: str
    to: str | None = None  # the contact's name (or "Name <address>"); never an invented address
    to_email: str | None = None  # the contact's address, only as the input wrote it
    cc: str | None = None  # other participants with addresses from the notes
    body: str
    questions: list[DraftQuestion] = Field(default_factory=list)
    guard: GuardResult = Field(default_factory=GuardResult)
    sender_name: str
    sender_email: str
    source: str = ""
    backend: str = "template"  # "template" or "llm:<model>" when the polish was kept
    warnings: list[str] = Field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``assistant email --json`` object."""
        return {
            "subject": self.subject,
            "to": self.to,
            "to_email": self.to_email,
            "cc": self.cc,
            "body": self.body,
            "questions": [
                {"field": q.field, "question": q.question, "hint": q.hint, "status": q.status}
                for q in self.questions
            ],
            "guard": self.guard.to_json(),
            "from": {"name": self.sender_name, "email": self.sender_email},
            "source": self.source,
            "backend": self.backend,
            "warnings": list(self.warnings),
        }
