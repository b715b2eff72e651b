"""The Review panel's buttons: set or clear a field, pick a conflicting value, review a trigger.

Each action stores the decision with the acting user, logs it, and returns the refreshed
:class:`~assistant.app.handlers.TriageView` (fields, triggers, gate, email and exports all
reflect the decision at once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError
from ..store import review
from . import views
from .handlers import TriageView, _store, _view
from .review import current_user, load_reviewed, opportunity_name

if TYPE_CHECKING:
    from ..config import Settings

__all__ = [
    "clear_field_value",
    "pick_conflict_value",
    "revert_field_value",
    "review_trigger",
    "set_field_value",
]


def _name(opportunity: str) -> str:
    name = opportunity_name(opportunity)
    if not name:
        raise InputError("pick an opportunity first")
    return name


def _current(settings: Settings, name: str, field: str) -> object:
    opp = load_reviewed(_store(settings), name, settings)
    if opp.data is None:
        raise InputError("triage a note first; then review its fields")
    payload = opp.data["fields"].get(field)
    if payload is None:
        raise InputError("pick a field from the list")
    return payload.get("value") if payload.get("status") != "missing" else None


def _field_action(
    opportunity: str, field: str, missing: str, settings: Settings, user: str
) -> tuple[str, str, object]:
    """(opportunity name, acting user, current value) for an action on ``field``; ``missing`` says what to pick."""
    name = _name(opportunity)
    if not field:
        raise InputError(missing)
    who = current_user(user or None, settings)
    return name, who, _current(settings, name, field)


def set_field_value(
    opportunity: str, field: str, value: str, *, settings: Settings, user: str = ""
) -> TriageView:
    """The rep's value for ``field``: wins over every note until the rep changes it."""
    name, who, current = _field_action(opportunity, field, "pick the field to correct", settings, user)
    review.set_field(_store(settings), name, field, value, who, current=current)
    message = views.message_html(f"{field.replace('_', ' ')} set to '{value.strip()}' by {who}.", "ok")
    return _view(settings, name, message, user=who)


def clear_field_value(opportunity: str, field: str, *, settings: Settings, user: str = "") -> TriageView:
    """Mark ``field`` not discussed (e.g. a budget the notes wrongly read as confirmed)."""
    name, who, current = _field_action(opportunity, field, "pick the field to clear", settings, user)
    review.clear_field(_store(settings), name, field, who, current=current)
    message = views.message_html(f"{field.replace('_', ' ')} cleared (not discussed) by {who}.", "ok")
    return _view(settings, name, message, user=who)


def revert_field_value(opportunity: str, field: str, *, settings: Settings, user: str = "") -> TriageView:
    """Forget the rep's value of ``field``: the notes decide again."""
    name, who, current = _field_action(
        opportunity, field, "pick the field to hand back to the notes", settings, user
    )
    if not review.revert_field(_store(settings), name, field, who, current=current):
        raise InputError(f"{field.replace('_', ' ')} has no value of yours; the notes already decide it")
    message = views.message_html(f"{field.replace('_', ' ')}: back to what the notes say ({who}).", "ok")
    return _view(settings, name, message, user=who)


def pick_conflict_value(opportunity: str, choice: str, *, settings: Settings, user: str = "") -> TriageView:
    """Resolve a conflict with the value one note gave (``choice`` is ``"field|note id"``)."""
    name = _name(opportunity)
    field, _, note = (choice or "").partition("|")
    if not field or not note.isdigit():
        raise InputError("pick one of the conflicting values first")
    store = _store(settings)
    opp = load_reviewed(store, name, settings)
    conflict = opp.reviewed.conflicts.get(field) if opp.reviewed else None
    picked = next((c for c in conflict.choices() if c.note_id == int(note)), None) if conflict else None
    if picked is None:
        raise InputError("that conflict is already resolved; pick another one")
    who = current_user(user or None, settings)
    current = (opp.data or {}).get("fields", {}).get(field, {}).get("value")
    value = ", ".join(picked.value) if isinstance(picked.value, list) else str(picked.value)
    review.set_field(store, name, field, value, who, current=current, from_note=picked.note_id)
    label = views.note_label(picked.note_id, opp.numbers)
    message = views.message_html(f"{field.replace('_', ' ')}: kept '{value}' from {label} ({who}).", "ok")
    return _view(settings, name, message, user=who)


def review_trigger(
    opportunity: str, trigger_id: str, action: str, comment: str, *, settings: Settings, user: str = ""
) -> TriageView:
    """Acknowledge or resolve a trigger with a note; the reviewer is the acting user."""
    name = _name(opportunity)
    if not trigger_id:
        raise InputError("pick the trigger to review")
    who = current_user(user or None, settings)
    review.review_trigger(_store(settings), name, trigger_id, action, comment or "", who)
    message = views.message_html(f"Trigger {action} by {who}.", "ok")
    return _view(settings, name, message, user=who)
