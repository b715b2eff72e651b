"""SQLModel tables of the opportunity store.

An :class:`Opportunity` has many :class:`Note` rows (intro notes, discovery call,
validation call...).  A note is written *before* it is triaged (``status="saved"``),
then updated with its report (``"triaged"``) or the error (``"failed"``), so a crash
or a backend failure never loses what the rep pasted.  Note text is stored masked.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

__all__ = ["NOTE_KINDS", "Note", "NoteStatus", "Opportunity", "utcnow"]

NOTE_KINDS: tuple[str, ...] = ("intro", "discovery", "validation", "follow_up", "other")


class NoteStatus:
    SAVED = "saved"
    TRIAGED = "triaged"
    FAILED = "failed"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Opportunity(SQLModel, table=True):
    """One deal; its name is what the rep picks in the app."""

    __tablename__ = "opportunity"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Note(SQLModel, table=True):
    """One pasted note or uploaded transcript, masked, with its own triage report."""

    __tablename__ = "note"

    id: int | None = Field(default=None, primary_key=True)
    opportunity_id: int = Field(foreign_key="opportunity.id", index=True)
    kind: str = Field(default="other", max_length=40)
    source: str = Field(default="pasted", max_length=300)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
    status: str = Field(default=NoteStatus.SAVED, max_length=20)
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    backend: str | None = Field(default=None, max_length=120)
    report_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
