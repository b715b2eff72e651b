"""The opportunity store: save notes (masked, before processing), merge, history.

``Store(url)`` works on any SQLAlchemy URL: SQLite under the state directory by
default (``settings.database_url``), a shared Postgres via ``ASSISTANT_DATABASE_URL``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, create_engine, select

from ..errors import InputError, RunError
from ..schema import TriageReport
from .merge import MergedReport, MergeRules, NoteRef, merge_reports
from .models import NOTE_KINDS, Note, NoteStatus, Opportunity, utcnow

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["HistoryEntry", "OpportunitySummary", "ProcessedNote", "Store", "open_store"]

MAX_NAME = 200
TriageFn = Callable[[str, str], TriageReport]  # (masked text, source) -> report


@dataclass(frozen=True)
class OpportunitySummary:
    id: int
    name: str
    notes: int
    updated_at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    """One note in time order, with its own result and the merged state after it."""

    note_id: int
    created_at: datetime
    kind: str
    source: str
    status: str
    gate_missing: list[str] = dc_field(default_factory=list)
    gate_uncertain: list[str] = dc_field(default_factory=list)
    triggers: list[str] = dc_field(default_factory=list)
    merged_gate_missing: list[str] = dc_field(default_factory=list)
    merged_gate_uncertain: list[str] = dc_field(default_factory=list)
    merged_triggers: list[str] = dc_field(default_factory=list)
    error: str | None = None

    @property
    def gate_missing_count(self) -> int:
        return len(self.gate_missing)


@dataclass(frozen=True)
class ProcessedNote:
    note: Note
    report: TriageReport
    merged: MergedReport


def _ref(note: Note) -> NoteRef:
    assert note.id is not None
    return NoteRef(note_id=note.id, created_at=note.created_at, source=note.source)


def _clean_name(name: str) -> str:
    """One spaced, printable name with card data masked (a name is input like any other)."""
    from ..text import mask_sensitive, safe_display

    cleaned = mask_sensitive(" ".join(safe_display(name or "").split()))
    if not cleaned:
        raise InputError("pick an opportunity or type a new opportunity name")
    if len(cleaned) > MAX_NAME:
        raise InputError(f"opportunity name is {len(cleaned)} characters; keep it under {MAX_NAME}")
    return cleaned


class Store:
    """Opportunities and their notes in one SQL database."""

    def __init__(self, url: str, *, rules: MergeRules | None = None) -> None:
        self.url = url
        self.rules = rules or MergeRules.from_settings()
        self.engine: Engine = _engine(url)
        SQLModel.metadata.create_all(self.engine)

    # -- opportunities ---------------------------------------------------------------------------

    def get_or_create_opportunity(self, name: str) -> Opportunity:
        """The opportunity called ``name``; created if new. Safe when several writers create it at once."""
        cleaned = _clean_name(name)
        for _attempt in range(5):
            with Session(self.engine, expire_on_commit=False) as session:
                found = session.exec(select(Opportunity).where(Opportunity.name == cleaned)).first()
                if found is not None:
                    return found
                opportunity = Opportunity(name=cleaned)
                session.add(opportunity)
                try:
                    session.commit()
                except IntegrityError:
                    session.rollback()  # another writer created it first: read theirs
                    continue
                session.refresh(opportunity)
                return opportunity
        raise RunError("could not create the opportunity", name=cleaned, url=_safe_url(self.url))

    def find_opportunity(self, name: str) -> Opportunity | None:
        try:
            cleaned = _clean_name(name)
        except InputError:
            return None
        with Session(self.engine, expire_on_commit=False) as session:
            return session.exec(select(Opportunity).where(Opportunity.name == cleaned)).first()

    def list_opportunities(self) -> list[OpportunitySummary]:
        """Every opportunity, most recently updated first, with its note count."""
        with Session(self.engine) as session:
            rows = session.exec(select(Opportunity).order_by(col(Opportunity.updated_at).desc())).all()
            out = []
            for row in rows:
                count = len(session.exec(select(Note.id).where(Note.opportunity_id == row.id)).all())
                assert row.id is not None
                out.append(OpportunitySummary(row.id, row.name, count, row.updated_at))
            return out

    # -- notes -----------------------------------------------------------------------------------

    def save_note(self, opportunity: str, text: str, *, source: str = "pasted", kind: str = "other") -> Note:
        """Mask and save ``text`` under ``opportunity`` (created if new) before anything processes it."""
        from ..text import mask_sensitive, safe_display

        if not text or not text.strip():
            raise InputError("the note is empty; paste the rep's notes or a call transcript")
        if kind not in NOTE_KINDS:
            raise InputError(f"unknown note kind {kind!r}; use one of {list(NOTE_KINDS)}")
        opp = self.get_or_create_opportunity(opportunity)
        note = Note(
            opportunity_id=opp.id or 0,
            kind=kind,
            source=mask_sensitive(safe_display(source))[:300] or "pasted",
            text=mask_sensitive(text),
        )
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(note)
            stored = session.get(Opportunity, opp.id)
            if stored is not None:
                stored.updated_at = utcnow()
                session.add(stored)
            session.commit()
            session.refresh(note)
        return note

    def record_report(self, note_id: int, report: TriageReport) -> Note:
        return self._update(note_id, NoteStatus.TRIAGED, report=report)

    def record_failure(self, note_id: int, error: str) -> Note:
        from ..text import mask_sensitive

        return self._update(note_id, NoteStatus.FAILED, error=mask_sensitive(error))

    def _update(
        self, note_id: int, status: str, *, report: TriageReport | None = None, error: str | None = None
    ) -> Note:
        with Session(self.engine, expire_on_commit=False) as session:
            note = session.get(Note, note_id)
            if note is None:
                raise RunError("note not found", note_id=note_id, url=_safe_url(self.url))
            note.status = status
            note.error = error
            if report is not None:
                note.report_json = report.model_dump_json()
                note.backend = report.backend
            session.add(note)
            session.commit()
            session.refresh(note)
            return note

    def get_note(self, note_id: int) -> Note | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(Note, note_id)

    def notes(self, opportunity: str) -> list[Note]:
        """The opportunity's notes, oldest first ([] for an unknown opportunity)."""
        opp = self.find_opportunity(opportunity)
        if opp is None:
            return []
        with Session(self.engine, expire_on_commit=False) as session:
            query = (
                select(Note).where(Note.opportunity_id == opp.id).order_by(col(Note.created_at), col(Note.id))
            )
            return list(session.exec(query).all())

    @staticmethod
    def note_report(note: Note) -> TriageReport | None:
        return TriageReport.model_validate_json(note.report_json) if note.report_json else None

    def process_note(
        self, opportunity: str, text: str, triage: TriageFn, *, source: str = "pasted", kind: str = "other"
    ) -> ProcessedNote:
        """Save the note, then triage its masked text, then record the result.

        If ``triage`` raises, the note stays saved with ``status="failed"`` and the error, and
        the exception propagates.
        """
        note = self.save_note(opportunity, text, source=source, kind=kind)
        assert note.id is not None
        try:
            report = triage(note.text, note.source)
        except BaseException as exc:
            self.record_failure(note.id, f"{type(exc).__name__}: {exc}")
            raise
        note = self.record_report(note.id, report)
        merged = self.merged_report(opportunity)
        assert merged is not None
        return ProcessedNote(note=note, report=report, merged=merged)

    def retry_note(self, note_id: int, triage: TriageFn) -> Note:
        """Triage a saved (e.g. failed) note again from its stored text."""
        note = self.get_note(note_id)
        if note is None:
            raise InputError(f"note #{note_id} does not exist; pick a note from the history")
        try:
            report = triage(note.text, note.source)
        except BaseException as exc:
            self.record_failure(note_id, f"{type(exc).__name__}: {exc}")
            raise
        return self.record_report(note_id, report)

    def failed_notes(self, opportunity: str) -> list[Note]:
        return [note for note in self.notes(opportunity) if note.status != NoteStatus.TRIAGED]

    # -- merged view -----------------------------------------------------------------------------

    def _reports(self, notes: list[Note]) -> list[tuple[NoteRef, TriageReport]]:
        out = []
        for note in notes:
            report = self.note_report(note)
            if report is not None:
                out.append((_ref(note), report))
        return out

    def merged_report(self, opportunity: str) -> MergedReport | None:
        """All triaged notes of ``opportunity`` merged (None when none is triaged yet)."""
        pairs = self._reports(self.notes(opportunity))
        if not pairs:
            return None
        return merge_reports(pairs, self.rules, source=f"opportunity:{_clean_name(opportunity)}")

    def history(self, opportunity: str) -> list[HistoryEntry]:
        """Per note, oldest first: its own gate and triggers, and the merged state after it."""
        entries: list[HistoryEntry] = []
        done: list[tuple[NoteRef, TriageReport]] = []
        for note in self.notes(opportunity):
            assert note.id is not None
            report = self.note_report(note)
            if report is None:
                entries.append(
                    HistoryEntry(
                        note.id, note.created_at, note.kind, note.source, note.status, error=note.error
                    )
                )
                continue
            done.append((_ref(note), report))
            merged = merge_reports(done, self.rules).report
            entries.append(
                HistoryEntry(
                    note_id=note.id,
                    created_at=note.created_at,
                    kind=note.kind,
                    source=note.source,
                    status=note.status,
                    gate_missing=list(report.gate.missing),
                    gate_uncertain=list(report.gate.uncertain),
                    triggers=report.trigger_ids(),
                    merged_gate_missing=list(merged.gate.missing),
                    merged_gate_uncertain=list(merged.gate.uncertain),
                    merged_triggers=merged.trigger_ids(),
                    error=note.error,
                )
            )
        return entries


def _safe_url(url: str) -> str:
    """The URL without its password, for error messages."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return create_engine(url, connect_args={"check_same_thread": False})
    return create_engine(url, pool_pre_ping=True)


_STORES: dict[str, Store] = {}
_LOCK = threading.Lock()


def open_store(settings: Settings | None = None) -> Store:
    """The store at ``settings.database_url`` (one engine per URL) with the current policy's rules."""
    from ..config import get_settings

    settings = settings or get_settings()
    url = settings.database_url
    rules = _rules(settings)  # policy files are cached by mtime: edits apply without a restart
    with _LOCK:
        store = _STORES.get(url)
        if store is None:
            store = Store(url, rules=rules)
            _STORES[url] = store
        store.rules = rules
        return store


def _rules(settings: Settings) -> MergeRules:
    return MergeRules.from_settings(settings)
