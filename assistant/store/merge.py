"""Merge the triage reports of several notes of one opportunity into one report.

No database here: :func:`merge_reports` takes ``(NoteRef, TriageReport)`` pairs and
returns a :class:`MergedReport` with provenance; the policy comes in as :class:`MergeRules`.

Field rule (notes are applied oldest first; ``E`` = merged so far, ``L`` = the later note):

* ``L`` missing: keep ``E`` (a note that does not discuss a field does not reopen it).
* ``E`` missing: take ``L``.
* ``L`` confirmed, ``E`` uncertain: ``L`` replaces ``E`` (a later confirmed fact wins).
* ``L`` confirmed, ``E`` confirmed: list fields take the union (values, evidence, notes);
  scalar fields take ``L`` (the newest confirmed statement, e.g. an updated device count).
* ``L`` uncertain, ``E`` confirmed or uncertain: the field becomes *uncertain* (a later hedge or
  a conflicting answer is an unresolved doubt); lists take the union, scalars take ``L``'s value.

Trigger rule: the field-caused triggers are recomputed with :mod:`assistant.checks` over the
merged fields (``run_checks`` on the merged fields with no text, i.e. the processor, tooling,
use-case and discount-percentage checks).  A note's trigger is *field-caused* when the same
text-free checks over that note's own fields raise it with all of its evidence; such a
trigger is replaced by the recomputed one, so it goes away only when the merged field no
longer causes it, and by the field rule only a confirmed fact can clear a doubt (a later
hedge keeps it; a note that simply did not mention the field is judged by what the other
notes confirmed).  Every other trigger a note raised (commitments, responsibility
transfers, pricing exceptions, a non-standard kit described in the text, or any trigger
with evidence from the text) is sticky: the union of the notes' triggers keeps it, with
evidence and reviewers merged, until a reviewer acts on it.  One exception, because a later
confirmed fact does remove its cause: a ``tooling_unclear`` raised from words alone ("we
don't have test cards", "not sure which tools") with no non-standard-kit cue is cleared when
a *later* note confirms standard tooling (and the merged fields do not raise it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from ..schema import (
    FIELD_NAMES,
    LIST_FIELDS,
    TRIGGER_IDS,
    DiscoveryFields,
    Field,
    FieldStatus,
    Gate,
    TriageReport,
    Trigger,
)

if TYPE_CHECKING:
    from ..config import Settings
    from ..policy import PolicyBundle

__all__ = [
    "MergeRules",
    "MergedReport",
    "NoteRef",
    "merge_fields",
    "merge_reports",
    "merge_triggers",
]

FieldChecks = Callable[[DiscoveryFields], list[Trigger]]
GateFn = Callable[[DiscoveryFields], Gate]
# the field a field-caused trigger depends on (for provenance when only the merge raises it)
_FIELD_OF: dict[str, str] = {
    "processor_unknown": "processor",
    "tooling_unclear": "tooling",
    "high_risk_use_case": "use_cases",
    "discount_outside_guardrails": "discount_requested_pct",
}


class NoteRef(BaseModel):
    """Which note a value came from."""

    model_config = ConfigDict(frozen=True)

    note_id: int
    created_at: datetime
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"note_id": self.note_id, "created_at": self.created_at.isoformat(), "source": self.source}


@dataclass(frozen=True)
class MergeRules:
    """The policy as the merge needs it: text-free trigger checks, the gate, its inputs."""

    field_checks: FieldChecks
    gate: GateFn
    gate_required: tuple[str, ...]
    # a text-cued trigger a later confirmed field may clear ("not sure which test tools"), not a
    # non-standard kit or a pricing exception
    clearable: Callable[[Trigger], bool] = lambda trigger: False

    @classmethod
    def from_bundle(cls, bundle: PolicyBundle) -> MergeRules:
        from ..checks import compute_gate, run_checks
        from ..text import Document

        empty = Document.from_text("")

        def field_checks(fields: DiscoveryFields) -> list[Trigger]:
            return run_checks(fields, empty, bundle)

        def gate(fields: DiscoveryFields) -> Gate:
            return compute_gate(fields, bundle.policy)

        nonstandard = re.compile(bundle.signals.tooling.nonstandard_regex, re.IGNORECASE)

        def clearable(trigger: Trigger) -> bool:
            return trigger.id == "tooling_unclear" and not any(
                nonstandard.search(q) for q in trigger.evidence
            )

        return cls(
            field_checks=field_checks,
            gate=gate,
            gate_required=tuple(bundle.policy.gate.required),
            clearable=clearable,
        )

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> MergeRules:
        from ..policy import load_bundle

        return cls.from_bundle(load_bundle(settings))


class MergedReport(BaseModel):
    """The merged report plus where each field and trigger came from."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    report: TriageReport
    notes: list[NoteRef]
    provenance: dict[str, list[NoteRef]]  # field name -> notes its value/evidence came from
    trigger_sources: dict[str, list[NoteRef]]  # trigger id -> notes that raised it
    dropped_triggers: dict[str, list[NoteRef]]  # trigger id -> notes whose trigger a later fact cleared

    def to_contract(self) -> dict[str, Any]:
        """Contract JSON plus additive ``provenance`` on each field and ``raised_by`` on each trigger."""
        data = self.report.to_contract()
        for name, payload in data["fields"].items():
            payload["provenance"] = [ref.to_json() for ref in self.provenance.get(name, [])]
        for trigger in data["triggers"]:
            trigger["raised_by"] = [ref.to_json() for ref in self.trigger_sources.get(trigger["id"], [])]
        data["notes"] = [ref.to_json() for ref in self.notes]
        return data


@dataclass
class _Slot:
    field: Field
    refs: list[NoteRef] = dc_field(default_factory=list)


def _union(first: Iterable[Any], second: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    seen: set[str] = set()
    for item in [*first, *second]:
        key = item.casefold() if isinstance(item, str) else repr(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _refs(first: list[NoteRef], second: list[NoteRef]) -> list[NoteRef]:
    return [*first, *(ref for ref in second if ref not in first)]


def _combine(name: str, earlier: _Slot, later: Field, ref: NoteRef) -> _Slot:
    """Apply one later note's field to the merged slot (see the module docstring)."""
    old = earlier.field
    if later.status is FieldStatus.MISSING:
        return earlier
    if old.status is FieldStatus.MISSING:
        return _Slot(later.model_copy(deep=True), [ref])
    if later.status is FieldStatus.CONFIRMED and old.status is FieldStatus.UNCERTAIN:
        return _Slot(later.model_copy(deep=True), [ref])
    status = FieldStatus.CONFIRMED if later.status is FieldStatus.CONFIRMED else FieldStatus.UNCERTAIN
    if status is FieldStatus.CONFIRMED and name not in LIST_FIELDS:  # both confirmed: newest statement wins
        return _Slot(later.model_copy(deep=True), [ref])
    value: Any = _union(_as_list(old.value), _as_list(later.value)) if name in LIST_FIELDS else later.value
    evidence = _union(old.evidence, later.evidence)
    merged = Field(value=value, status=status, evidence=evidence, **_extras(old, later))
    return _Slot(merged, _refs(earlier.refs, [ref]))


def _extras(old: Field, later: Field) -> dict[str, Any]:
    """Additive keys of both fields (e.g. tooling's ``nonstandard``); lists are united."""
    out = dict(old.model_extra or {})
    for key, value in (later.model_extra or {}).items():
        if isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _union(out[key], value)
        else:
            out[key] = value
    return out


def merge_fields(
    items: Sequence[tuple[NoteRef, DiscoveryFields]],
) -> tuple[DiscoveryFields, dict[str, list[NoteRef]]]:
    """Merge fields oldest note first; return the fields and each field's provenance."""
    slots = {name: _Slot(Field.missing()) for name in FIELD_NAMES}
    for ref, fields in _ordered(items):
        for name in FIELD_NAMES:
            slots[name] = _combine(name, slots[name], fields.get(name), ref)
    merged = DiscoveryFields()
    for name, slot in slots.items():
        merged.set(name, slot.field)
    return merged, {name: slot.refs for name, slot in slots.items() if slot.refs}


def _ordered(items: Sequence[tuple[NoteRef, Any]]) -> list[tuple[NoteRef, Any]]:
    return sorted(items, key=lambda pair: (pair[0].created_at, pair[0].note_id))


def _covered(trigger: Trigger, by: Trigger | None) -> bool:
    """``by`` raises the same trigger with every quote of ``trigger`` (so no quote came from the text)."""
    return by is not None and all(quote in by.evidence for quote in trigger.evidence)


def merge_triggers(
    items: Sequence[tuple[NoteRef, TriageReport]],
    merged: DiscoveryFields,
    rules: MergeRules,
    provenance: dict[str, list[NoteRef]] | None = None,
) -> tuple[list[Trigger], dict[str, list[NoteRef]], dict[str, list[NoteRef]]]:
    """Recompute field-caused triggers on ``merged``; keep every other trigger the notes raised.

    Returns the triggers, the notes that raised each kept trigger, and the notes whose
    field-caused trigger the merged fields cleared.
    """
    recomputed = {trigger.id: trigger for trigger in rules.field_checks(merged)}
    sticky: dict[str, Trigger] = {}
    last_raised: dict[str, NoteRef] = {}
    confirmed_clear: dict[str, list[NoteRef]] = {}  # id -> notes that confirmed the field without it
    sources: dict[str, list[NoteRef]] = {}
    dropped: dict[str, list[NoteRef]] = {}
    for ref, report in _ordered(items):
        own = {trigger.id: trigger for trigger in rules.field_checks(report.fields)}
        raised = {trigger.id for trigger in report.triggers}
        for trigger_id, field_name in _FIELD_OF.items():
            if (
                report.fields.get(field_name).status is FieldStatus.CONFIRMED
                and trigger_id not in own
                and trigger_id not in raised
            ):
                confirmed_clear.setdefault(trigger_id, []).append(ref)
        for trigger in report.triggers:
            if _covered(trigger, own.get(trigger.id)):  # field-caused: the recomputation decides
                bucket = sources if trigger.id in recomputed else dropped
                bucket.setdefault(trigger.id, []).append(ref)
                continue
            sources.setdefault(trigger.id, []).append(ref)
            last_raised[trigger.id] = ref
            current = sticky.get(trigger.id)
            sticky[trigger.id] = trigger.model_copy(deep=True) if current is None else _join(current, trigger)
    for trigger_id, trigger in list(sticky.items()):
        later = [ref for ref in confirmed_clear.get(trigger_id, []) if _after(ref, last_raised[trigger_id])]
        if trigger_id not in recomputed and later and rules.clearable(trigger):
            del sticky[trigger_id]  # a later note confirmed the field: the doubt in words is resolved
            dropped[trigger_id] = sources.pop(trigger_id)
    triggers: list[Trigger] = []
    for trigger_id, trigger in recomputed.items():
        if (
            trigger_id not in sources
        ):  # only the merge shows it (e.g. conflicting answers): cite the field's notes
            sources[trigger_id] = list((provenance or {}).get(_FIELD_OF.get(trigger_id, ""), []))
        triggers.append(_join(trigger, sticky.pop(trigger_id)) if trigger_id in sticky else trigger)
    triggers.extend(sticky.values())
    order = {trigger_id: index for index, trigger_id in enumerate(TRIGGER_IDS)}
    triggers.sort(key=lambda trigger: order.get(trigger.id, len(order)))
    kept = {trigger.id for trigger in triggers}
    return triggers, sources, {key: refs for key, refs in dropped.items() if key not in kept}


def _after(ref: NoteRef, other: NoteRef) -> bool:
    return (ref.created_at, ref.note_id) > (other.created_at, other.note_id)


def _join(first: Trigger, second: Trigger) -> Trigger:
    """One trigger from two: reviewers and evidence united, the later reason."""
    return Trigger(
        id=first.id,
        route_to=_union(first.route_to, second.route_to),
        reason=second.reason if second.reason else first.reason,
        evidence=_union(first.evidence, second.evidence),
    )


def merge_reports(
    items: Sequence[tuple[NoteRef, TriageReport]], rules: MergeRules | None = None, *, source: str = "merged"
) -> MergedReport:
    """Merge several notes' reports (any order; merged oldest first) into one report."""
    if not items:
        raise ValueError("merge_reports needs at least one report")
    rules = rules or MergeRules.from_settings()
    ordered = _ordered(items)
    fields, provenance = merge_fields([(ref, report.fields) for ref, report in ordered])
    triggers, sources, dropped = merge_triggers(ordered, fields, rules, provenance)
    warnings = _union([], (warning for _, report in ordered for warning in report.warnings))
    backends = _union([], (report.backend for _, report in ordered))
    report = TriageReport(
        source=source,
        backend=backends[-1] if len(backends) == 1 else "+".join(backends),
        fields=fields,
        triggers=triggers,
        gate=rules.gate(fields),
        warnings=warnings,
    )
    return MergedReport(
        report=report,
        notes=[ref for ref, _ in ordered],
        provenance=provenance,
        trigger_sources=sources,
        dropped_triggers=dropped,
    )
