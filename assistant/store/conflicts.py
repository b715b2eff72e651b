"""Conflicts between notes: two notes of one opportunity confirm different values of a one-fact field.

Which fields hold one fact is policy (``policy/review.toml``, ``conflict_fields``). The merge
keeps going (lists unite, the newest scalar wins); this module finds where it had to choose, so
the app can show every value with its note and ask the rep to pick.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..errors import ConfigError
from ..schema import FIELD_NAMES, FieldStatus, TriageReport

if TYPE_CHECKING:
    from ..config import Settings
    from .merge import NoteRef

__all__ = ["Candidate", "Conflict", "ReviewPolicy", "find_conflicts", "load_review_policy", "value_key"]

REVIEW_FILE = "review.toml"


class ReviewPolicy(BaseModel):
    """``policy/review.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    conflict_fields: tuple[str, ...] = ()

    @field_validator("conflict_fields")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in FIELD_NAMES]
        if unknown:
            raise ValueError(f"unknown field names {unknown}; use contract field names")
        return value


@lru_cache(maxsize=8)
def _load(path: str, _stamp: int) -> ReviewPolicy:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return ReviewPolicy.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"invalid {path}: {where}: {first['msg']}") from exc


def load_review_policy(settings: Settings | None = None) -> ReviewPolicy:
    """The review policy of the configured policy folder (re-read when the file changes)."""
    from ..config import get_settings

    path = (settings or get_settings()).policy_dir / REVIEW_FILE
    if not path.exists():
        return ReviewPolicy()
    return _load(str(path), path.stat().st_mtime_ns)


def value_key(value: Any) -> str:
    """Values compared as a rep would: case and order aside."""
    if isinstance(value, list | tuple):
        return "|".join(sorted({str(item).strip().casefold() for item in value}))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()).casefold()


@dataclass(frozen=True)
class Candidate:
    """One note's confirmed value of a field, with its first quote."""

    value: Any
    note_id: int
    created_at: datetime
    quote: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "note_id": self.note_id, "quote": self.quote}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Conflict:
    """A field whose notes disagree: every note's value, oldest first."""

    field: str
    candidates: tuple[Candidate, ...]

    @property
    def latest(self) -> datetime:
        return max(_aware(candidate.created_at) for candidate in self.candidates)

    def choices(self) -> list[Candidate]:
        """One candidate per distinct value (its first note), oldest first."""
        seen: dict[str, Candidate] = {}
        for candidate in self.candidates:
            seen.setdefault(value_key(candidate.value), candidate)
        return list(seen.values())

    def disputes(self, value: Any, since: datetime) -> bool:
        """A note saved after ``since`` states something other than ``value``."""
        key = value_key(value)
        return any(
            _aware(c.created_at) > _aware(since) and value_key(c.value) != key for c in self.candidates
        )

    def to_json(self) -> dict[str, Any]:
        return {"values": [candidate.to_json() for candidate in self.choices()]}


def find_conflicts(
    items: Sequence[tuple[NoteRef, TriageReport]], fields: Sequence[str]
) -> dict[str, Conflict]:
    """Fields (of ``fields``) whose notes confirm two or more different values."""
    ordered = sorted(items, key=lambda pair: (pair[0].created_at, pair[0].note_id))
    out: dict[str, Conflict] = {}
    for name in fields:
        candidates = []
        for ref, report in ordered:
            field = report.fields.get(name)
            if field.status is not FieldStatus.CONFIRMED or field.value in (None, "", []):
                continue
            quote = field.evidence[0] if field.evidence else ""
            candidates.append(Candidate(field.value, ref.note_id, ref.created_at, quote))
        if len({value_key(candidate.value) for candidate in candidates}) > 1:
            out[name] = Conflict(name, tuple(candidates))
    return out
