"""Opportunity store: notes saved (masked) before processing, merged reports with provenance, history.

Imports SQLModel; keep it out of the CLI start-up path (import lazily).
"""

from .merge import (
    MergedReport,
    MergeRules,
    NoteRef,
    merge_fields,
    merge_reports,
    merge_triggers,
)
from .models import NOTE_KINDS, Note, NoteStatus, Opportunity
from .repository import HistoryEntry, OpportunitySummary, ProcessedNote, Store, open_store

__all__ = [
    "NOTE_KINDS",
    "HistoryEntry",
    "MergeRules",
    "MergedReport",
    "Note",
    "NoteRef",
    "NoteStatus",
    "Opportunity",
    "OpportunitySummary",
    "ProcessedNote",
    "Store",
    "merge_fields",
    "merge_reports",
    "merge_triggers",
    "open_store",
]
