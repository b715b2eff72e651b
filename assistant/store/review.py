"""What a person decided about an opportunity: field values, trigger reviews, the audit log.

Three tables next to the notes (created on first use):

* :class:`FieldReview` - the rep's value of a field (or "cleared"); it wins over every
  note's extraction, earlier or later, until the rep changes it again.
* :class:`TriggerReview` - a trigger acknowledged or resolved, with a note and a reviewer.
* :class:`AuditEntry` - who changed what, when, and from which note.

:func:`apply_review` lays the decisions over a :class:`MergedReport`; conflicts between notes
(:mod:`assistant.store.conflicts`) turn a field uncertain until the rep picks a value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Column, Text
from sqlmodel import Field, Session, SQLModel, col, select

from ..errors import InputError
from ..schema import FIELD_NAMES, FIELD_TYPES, LIST_FIELDS, DiscoveryFields, FieldStatus, TriageReport
from ..schema import Field as ReportField
from .merge import _FIELD_OF as _TRIGGER_FIELD  # field-caused trigger -> the field it depends on
from .merge import MergedReport, MergeRules
from .models import Note, utcnow

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from .conflicts import Conflict
    from .repository import Store

__all__ = [
    "TRIGGER_ACTIONS",
    "AuditEntry",
    "FieldReview",
    "Reviewed",
    "TriggerReview",
    "apply_review",
    "audit_log",
    "clear_field",
    "coerce_value",
    "field_reviews",
    "find_duplicate",
    "log",
    "note_numbers",
    "revert_field",
    "review_trigger",
    "set_field",
    "trigger_reviews",
]

TRIGGER_ACTIONS: tuple[str, ...] = ("acknowledged", "resolved")


class FieldReview(SQLModel, table=True):
    """The rep's value of one field of one opportunity (one row per field, updated in place)."""

    __tablename__ = "field_review"

    id: int | None = Field(default=None, primary_key=True)
    opportunity_id: int = Field(foreign_key="opportunity.id", index=True)
    field: str = Field(max_length=60)
    value_json: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=FieldStatus.CONFIRMED.value, max_length=20)  # "missing" when cleared
    set_by: str = Field(max_length=200)
    set_at: datetime = Field(default_factory=utcnow)
    from_note: int | None = None  # the note id whose value the rep picked, if any

    @property
    def value(self) -> Any:
        return json.loads(self.value_json)


class TriggerReview(SQLModel, table=True):
    """A reviewer's decision on one trigger of one opportunity (latest row wins)."""

    __tablename__ = "trigger_review"

    id: int | None = Field(default=None, primary_key=True)
    opportunity_id: int = Field(foreign_key="opportunity.id", index=True)
    trigger_id: str = Field(max_length=60)
    action: str = Field(max_length=20)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    reviewer: str = Field(max_length=200)
    at: datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """One change: who, when, what (field, trigger or note), old and new value, from which note."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    opportunity_id: int = Field(foreign_key="opportunity.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    user: str = Field(max_length=200)
    action: str = Field(max_length=40)
    target: str = Field(default="", max_length=120)
    old: str = Field(default="", sa_column=Column(Text, nullable=False))
    new: str = Field(default="", sa_column=Column(Text, nullable=False))
    note_id: int | None = None
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))


_READY: set[int] = set()
_TABLES = [FieldReview.__table__, TriggerReview.__table__, AuditEntry.__table__]  # type: ignore[attr-defined]


def _engine(store: Store) -> Engine:
    if id(store.engine) not in _READY:
        SQLModel.metadata.create_all(store.engine, tables=_TABLES)
        _READY.add(id(store.engine))
    return store.engine


def _opportunity_id(store: Store, opportunity: str) -> int:
    found = store.find_opportunity(opportunity)
    if found is None or found.id is None:
        raise InputError(f"no opportunity named {opportunity!r}; pick one from the list")
    return found.id


def _text(value: Any) -> str:
    if value is None or value == []:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


# -- values ----------------------------------------------------------------------------------------


def coerce_value(name: str, raw: Any) -> Any:
    """The rep's input as the field's type: lists split on commas, numbers parsed, enums checked."""
    if name not in FIELD_TYPES:
        raise InputError(f"unknown field {name!r}; pick one from the list")
    if isinstance(raw, str):
        raw = raw.strip()
        if name in LIST_FIELDS:
            raw = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
        elif name == "discount_requested_pct":
            raw = raw.rstrip("%").strip()
    if raw in ("", []):
        raise InputError(
            f"type a value for {name.replace('_', ' ')}, or press 'Clear' to mark it not discussed"
        )
    try:
        return TypeAdapter(FIELD_TYPES[name]).validate_python(raw, strict=False)
    except ValidationError as exc:
        raise InputError(f"{name.replace('_', ' ')}: {exc.errors()[0]['msg']}") from None


def log(
    store: Store,
    opportunity: str,
    user: str,
    action: str,
    *,
    target: str = "",
    old: str = "",
    new: str = "",
    note_id: int | None = None,
    comment: str = "",
) -> None:
    """Append one entry to the opportunity's audit log."""
    entry = AuditEntry(
        opportunity_id=_opportunity_id(store, opportunity),
        user=user,
        action=action,
        target=target,
        old=old,
        new=new,
        note_id=note_id,
        comment=comment,
    )
    with Session(_engine(store)) as session:
        session.add(entry)
        session.commit()


def set_field(
    store: Store,
    opportunity: str,
    name: str,
    value: Any,
    user: str,
    *,
    current: Any = None,
    from_note: int | None = None,
    cleared: bool = False,
) -> FieldReview:
    """Store the rep's value of ``name`` (or clear it); log old -> new. ``value`` is coerced."""
    opp_id = _opportunity_id(store, opportunity)
    new_value = None if cleared else coerce_value(name, value)
    status = FieldStatus.MISSING.value if cleared else FieldStatus.CONFIRMED.value
    with Session(_engine(store), expire_on_commit=False) as session:
        row = session.exec(
            select(FieldReview).where(FieldReview.opportunity_id == opp_id, FieldReview.field == name)
        ).first()
        row = row or FieldReview(opportunity_id=opp_id, field=name, value_json="null", set_by=user)
        row.value_json = json.dumps(new_value)
        row.status = status
        row.set_by = user
        row.set_at = utcnow()
        row.from_note = from_note
        session.add(row)
        session.commit()
        session.refresh(row)
    action = "cleared" if cleared else ("picked" if from_note else "set")
    log(
        store,
        opportunity,
        user,
        f"field {action}",
        target=name,
        old=_text(current),
        new="(not discussed)" if cleared else _text(new_value),
        note_id=from_note,
    )
    return row


def clear_field(store: Store, opportunity: str, name: str, user: str, *, current: Any = None) -> FieldReview:
    """Mark ``name`` as not discussed (the rep's decision; later notes do not refill it)."""
    return set_field(store, opportunity, name, None, user, current=current, cleared=True)


def revert_field(store: Store, opportunity: str, name: str, user: str, *, current: Any = None) -> bool:
    """Drop the rep's value of ``name``: the notes decide again. False when there was none."""
    opp_id = _opportunity_id(store, opportunity)
    with Session(_engine(store)) as session:
        row = session.exec(
            select(FieldReview).where(FieldReview.opportunity_id == opp_id, FieldReview.field == name)
        ).first()
        if row is None:
            return False
        session.delete(row)
        session.commit()
    log(store, opportunity, user, "field reverted to the notes", target=name, old=_text(current))
    return True


def review_trigger(
    store: Store, opportunity: str, trigger_id: str, action: str, comment: str, reviewer: str
) -> TriggerReview:
    """Acknowledge or resolve a trigger with a note; logged."""
    if action not in TRIGGER_ACTIONS:
        raise InputError(f"pick one of {', '.join(TRIGGER_ACTIONS)}")
    if action == "resolved" and not comment.strip():
        raise InputError("say how it was resolved (e.g. 'Leadership approved 18% on the call with Dana')")
    row = TriggerReview(
        opportunity_id=_opportunity_id(store, opportunity),
        trigger_id=trigger_id,
        action=action,
        comment=comment.strip(),
        reviewer=reviewer,
    )
    with Session(_engine(store), expire_on_commit=False) as session:
        session.add(row)
        session.commit()
        session.refresh(row)
    log(store, opportunity, reviewer, f"trigger {action}", target=trigger_id, comment=comment.strip())
    return row


# -- reading ---------------------------------------------------------------------------------------


def field_reviews(store: Store, opportunity: str) -> dict[str, FieldReview]:
    found = store.find_opportunity(opportunity)
    if found is None:
        return {}
    with Session(_engine(store), expire_on_commit=False) as session:
        rows = session.exec(select(FieldReview).where(FieldReview.opportunity_id == found.id)).all()
    return {row.field: row for row in rows}


def trigger_reviews(store: Store, opportunity: str) -> dict[str, TriggerReview]:
    """The latest review of each trigger."""
    found = store.find_opportunity(opportunity)
    if found is None:
        return {}
    with Session(_engine(store), expire_on_commit=False) as session:
        rows = session.exec(
            select(TriggerReview)
            .where(TriggerReview.opportunity_id == found.id)
            .order_by(col(TriggerReview.at), col(TriggerReview.id))
        ).all()
    return {row.trigger_id: row for row in rows}


def audit_log(store: Store, opportunity: str) -> list[AuditEntry]:
    """The opportunity's audit log, newest first."""
    found = store.find_opportunity(opportunity)
    if found is None:
        return []
    with Session(_engine(store), expire_on_commit=False) as session:
        rows = session.exec(
            select(AuditEntry)
            .where(AuditEntry.opportunity_id == found.id)
            .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        ).all()
    return list(rows)


def note_numbers(notes: list[Note]) -> dict[int, int]:
    """Note id -> its number within the opportunity (1 for the first note)."""
    return {note.id: index for index, note in enumerate(notes, start=1) if note.id is not None}


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def find_duplicate(store: Store, opportunity: str, text: str) -> Note | None:
    """The opportunity's note with the same masked text (whitespace and case aside), if any."""
    from ..text import mask_sensitive

    wanted = _normal(mask_sensitive(text))
    return next((note for note in store.notes(opportunity) if _normal(note.text) == wanted), None)


# -- the reviewed report ---------------------------------------------------------------------------


@dataclass
class Reviewed:
    """The merged report with the rep's decisions applied, as a report and as contract JSON."""

    report: TriageReport
    data: dict[str, Any]
    open_triggers: list[str] = dc_field(default_factory=list)
    conflicts: dict[str, Conflict] = dc_field(default_factory=dict)


def _stamp(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def apply_review(
    merged: MergedReport,
    rules: MergeRules,
    overrides: dict[str, FieldReview],
    reviews: dict[str, TriggerReview],
    conflicts: dict[str, Conflict] | None = None,
) -> Reviewed:
    """Rep's values over the merged fields, open conflicts as uncertain, gate and triggers recomputed."""
    fields = DiscoveryFields()
    extras: dict[str, dict[str, Any]] = {}
    open_conflicts = dict(conflicts or {})
    for name in FIELD_NAMES:
        field = merged.report.fields.get(name).model_copy(deep=True)
        override = overrides.get(name)
        conflict = open_conflicts.get(name)
        if override is not None:  # the rep's value wins; a later note that disagrees keeps the conflict shown
            if conflict is None or not conflict.disputes(override.value, _stamp(override.set_at)):
                open_conflicts.pop(name, None)
            status = FieldStatus(override.status)
            field = ReportField(
                value=override.value if status is not FieldStatus.MISSING else None, status=status
            )
            if name in LIST_FIELDS and field.value is None:
                field.value = []
            extras[name] = {"set_by": override.set_by, "set_at": _stamp(override.set_at).isoformat()}
            if override.from_note is not None:
                extras[name]["picked_from_note"] = override.from_note
        elif conflict is not None:
            field.status = FieldStatus.UNCERTAIN
        fields.set(name, field)
    recomputed = {trigger.id for trigger in rules.field_checks(fields)}
    triggers = [
        trigger
        for trigger in merged.report.triggers
        if trigger.id not in _TRIGGER_FIELD
        or _TRIGGER_FIELD[trigger.id] not in overrides
        or trigger.id in recomputed
    ]
    have = {trigger.id for trigger in triggers}
    triggers += [t for t in rules.field_checks(fields) if t.id not in have and t.id in _TRIGGER_FIELD]
    report = merged.report.model_copy(
        update={"fields": fields, "triggers": triggers, "gate": rules.gate(fields)}
    )
    data = report.to_contract()
    for name, payload in data["fields"].items():
        payload["provenance"] = [ref.to_json() for ref in merged.provenance.get(name, [])]
        payload.update(extras.get(name, {}))
        if name in open_conflicts:
            payload["conflict"] = open_conflicts[name].to_json()
    open_ids = []
    for trigger in data["triggers"]:
        trigger["raised_by"] = [ref.to_json() for ref in merged.trigger_sources.get(trigger["id"], [])]
        review = reviews.get(trigger["id"])
        raised = merged.trigger_sources.get(trigger["id"], [])
        if review is not None and any(_stamp(ref.created_at) > _stamp(review.at) for ref in raised):
            # a note saved after the review raised it again: open until a person looks again
            trigger["reopened"] = {"action": review.action, "reviewer": review.reviewer}
            review = None
        if review is not None:
            trigger["review"] = {
                "action": review.action,
                "comment": review.comment,
                "reviewer": review.reviewer,
                "at": _stamp(review.at).isoformat(),
            }
        if review is None or review.action != "resolved":
            open_ids.append(trigger["id"])
    data["notes"] = [ref.to_json() for ref in merged.notes]
    return Reviewed(report=report, data=data, open_triggers=open_ids, conflicts=open_conflicts)
