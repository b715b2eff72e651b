"""Gold labels of the evaluation set, validated at load.

Layout (documented in ``evals/README.md``)::

    evals/cases/<split>/<case_id>.txt         the recorded input, verbatim
    evals/cases/<split>/<case_id>.gold.yaml   its gold labels (``CaseLabels``)
    evals/questions/<split>.yaml              ownership questions (``QuestionSet``)

``triggers`` is the complete gold set: every listed id must fire and every
trigger id *not* listed must not fire.  ``fields`` labels only the fields the
author checked; a field left out is not scored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import InputError
from ..schema import FIELD_NAMES, ROLE_IDS, TRIGGER_IDS

__all__ = [
    "CaseKind",
    "CaseLabels",
    "FieldLabel",
    "Question",
    "QuestionSet",
    "load_case_labels",
    "load_question_set",
]

CaseKind = Literal["rep_intro", "discovery_call", "validation_call", "email_thread", "hard_case"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldLabel(_Strict):
    """Gold status and (unless missing) value of one field.

    Values compare like this: list fields as case-insensitive sets of canonical
    names; ``segment``, ``deal_source``, ``device_count`` and
    ``discount_requested_pct`` exactly; free-text fields (company, contact,
    timeline, ...) match when either normalised string contains the other or one
    of ``accept`` does.
    """

    status: Literal["confirmed", "uncertain", "missing"]
    value: Any = None
    accept: list[str] = Field(default_factory=list)  # other acceptable renderings (numbers too)

    @field_validator("accept", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        """``accept: [476]`` is as good as ``accept: ["476"]``."""
        if isinstance(value, list):
            return [str(item) if isinstance(item, int | float) else item for item in value]
        return value

    @model_validator(mode="after")
    def _missing_has_no_value(self) -> FieldLabel:
        if self.status == "missing" and self.value not in (None, []):
            raise ValueError("a field labelled 'missing' has no value")
        return self


class CaseLabels(_Strict):
    """Gold labels of one case (``<case>.gold.yaml``)."""

    id: str
    kind: CaseKind
    description: str = Field(min_length=5)
    triggers: list[str]
    fields: dict[str, FieldLabel] = Field(default_factory=dict)
    gate_missing: list[str] | None = None
    notes: str | None = None

    @field_validator("triggers")
    @classmethod
    def _known_triggers(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in TRIGGER_IDS]
        if unknown:
            raise ValueError(f"unknown trigger ids {unknown}; use {list(TRIGGER_IDS)}")
        return value

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, FieldLabel]) -> dict[str, FieldLabel]:
        unknown = [name for name in value if name not in FIELD_NAMES]
        if unknown:
            raise ValueError(f"unknown field names {unknown}; use the contract's field names")
        return value

    @field_validator("gate_missing")
    @classmethod
    def _known_gate_fields(cls, value: list[str] | None) -> list[str] | None:
        unknown = [name for name in value or [] if name not in FIELD_NAMES]
        if unknown:
            raise ValueError(f"unknown field names {unknown} in gate_missing")
        return value


class Question(_Strict):
    """One ownership question and its gold owners."""

    id: str
    question: str = Field(min_length=5)
    owners: list[str] = Field(default_factory=list)  # gold owners, most responsible first; [] = not answered
    must_not: list[str] = Field(default_factory=list)  # roles the answer must never name as owner
    notes: str | None = None

    @field_validator("owners", "must_not")
    @classmethod
    def _known_roles(cls, value: list[str]) -> list[str]:
        unknown = [role for role in value if role not in ROLE_IDS]
        if unknown:
            raise ValueError(f"unknown role ids {unknown}; use {list(ROLE_IDS)}")
        return value

    @property
    def answerable(self) -> bool:
        """True when the playbooks name an owner for this question."""
        return bool(self.owners)


class QuestionSet(_Strict):
    """The ownership questions of one split (``questions/<split>.yaml``)."""

    split: Literal["dev", "test"]
    questions: list[Question]


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read gold labels {path}: {exc}") from exc


def load_case_labels(path: Path) -> CaseLabels:
    """Read and validate one ``*.gold.yaml`` file."""
    try:
        return CaseLabels.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise InputError(f"invalid gold labels in {path}: {exc}") from exc


def load_question_set(path: Path) -> QuestionSet:
    """Read and validate one ``questions/<split>.yaml`` file."""
    try:
        return QuestionSet.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise InputError(f"invalid ownership questions in {path}: {exc}") from exc
