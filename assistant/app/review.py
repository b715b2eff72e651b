"""The reviewed opportunity as the app shows it: merged notes + conflicts + the rep's decisions.

Everything the app exports or drafts goes through :func:`load_reviewed`, so the email and the
files carry what a person has seen and approved.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import UserError
from ..store import open_store
from ..store.conflicts import find_conflicts, load_review_policy
from ..store.merge import NoteRef
from ..store.review import Reviewed, apply_review, field_reviews, note_numbers, trigger_reviews

if TYPE_CHECKING:
    from ..store import Note, Store

__all__ = [
    "Opportunity",
    "current_user",
    "load_reviewed",
    "opportunity_name",
    "reviewed_opportunity",
    "trigger_titles",
]


def opportunity_name(opportunity: str | None) -> str:
    """The name as stored: one line, printable, card data masked (empty when none was given)."""
    from ..text import mask_sensitive, safe_display

    return mask_sensitive(" ".join(safe_display(opportunity or "").split()))


def current_user(username: str | None, settings: Settings) -> str:
    """Who is acting: the login user when the app asks for one, else the configured SDR, else the OS user."""
    if username:
        return username
    default = Settings.model_fields["sender_name"].default
    if settings.sender_name and settings.sender_name != default:
        return settings.sender_name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return default


@dataclass
class Opportunity:
    """One opportunity as the app shows it."""

    name: str
    notes: list[Note]
    numbers: dict[int, int]  # note id -> number within the opportunity
    reviewed: Reviewed | None

    @property
    def data(self) -> dict[str, Any] | None:
        return self.reviewed.data if self.reviewed else None


def load_reviewed(store: Store, name: str, settings: Settings) -> Opportunity:
    """Notes, note numbers and the reviewed report (None until a note is triaged) of ``name``."""
    notes = store.notes(name)
    numbers = note_numbers(notes)
    merged = store.merged_report(name) if notes else None
    if merged is None:
        return Opportunity(name, notes, numbers, None)
    pairs = []
    for note in notes:
        report = store.note_report(note)
        if report is not None and note.id is not None:
            pairs.append((NoteRef(note_id=note.id, created_at=note.created_at, source=note.source), report))
    conflicts = find_conflicts(pairs, load_review_policy(settings).conflict_fields)
    reviewed = apply_review(
        merged, store.rules, field_reviews(store, name), trigger_reviews(store, name), conflicts
    )
    return Opportunity(name, notes, numbers, reviewed)


def trigger_titles(settings: Settings) -> dict[str, str]:
    """Trigger id -> its title in words (``policy.toml``); the id itself when a title is missing."""
    from ..policy import load_policy

    policy = load_policy(settings)
    return {
        trigger_id: (rule.title or trigger_id.replace("_", " ").capitalize())
        for trigger_id, rule in policy.triggers.items()
    }


def reviewed_opportunity(opportunity: str, settings: Settings) -> Opportunity:
    """The reviewed opportunity; ``UserError`` until one of its notes is triaged."""
    name = opportunity_name(opportunity)
    opp = load_reviewed(open_store(settings), name, settings) if name else None
    if opp is None or opp.data is None:
        raise UserError("no triaged note for this opportunity yet; paste a note and press Triage first")
    return opp
